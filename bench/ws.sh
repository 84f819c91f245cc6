#!/usr/bin/env bash
# WebSocket load benchmark of `loket serve` with the load generator of ../shared/bench:
# N connections, each running the scripted conversation of bench/ws_script.txt through the
# default flows (send, wait for the reply that ends the turn, repeat), every turn durable
# (synchronous=FULL). Prints turns/s, p50/p95/p99 latency, connections held and server
# memory per connection, then paced runs at 15,000 turns/s for their p99.
#
# usage: bench/ws.sh [BUILD_DIR] [CONNS...]   default: build/release, 100 1000 10000
# env:   DURATION=20      seconds measured per row (1..50)
#        LOKET=./loket    binary;  FLOWS=flows
#        BENCH_SRC=../shared/bench   the shared load generator (copied, never changed)
#        WITH_PEERS=1     run the whole side-by-side pass instead (run-all.sh: echo-c,
#                         echo-node, botkit and these Loket rows, twice; about 15 minutes)
#        PACED=0          skip the paced runs
#        PACED_RATE=15000 turns/s aimed at;  PACED_CONNS="1000 200"  connections of each
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -gt 0 ] && [ -d "$1" ]; then   # bench/run.sh passes the build directory first
  [ -x "$1/loket" ] && LOKET=${LOKET:-$1/loket}
  shift
fi
src=${BENCH_SRC:-$root/../shared/bench}
loket=$(cd "$root" && realpath "${LOKET:-./loket}")
flows=$(cd "$root" && realpath "${FLOWS:-flows}")
dur=${DURATION:-20}
conns=("$@")
[ ${#conns[@]} -gt 0 ] || conns=(100 1000 10000)

[ -x "$loket" ] || { echo "ws.sh: $loket tidak ada / missing: run make" >&2; exit 1; }
[ -d "$src/loadgen" ] || { echo "ws.sh: load generator not found in $src (set BENCH_SRC)" >&2; exit 1; }
command -v node >/dev/null || { echo "ws.sh: needs Node.js (apt-get install -y nodejs)" >&2; exit 1; }

work=$(mktemp -d /tmp/loket-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$src"/. "$work"/
chmod -R u+w "$work"
cp "$root/bench/ws_script.txt" "$work/loadgen/scripts/engine.txt"
cp -r "$flows" "$work/flows"   # a snapshot: an edit during the run must not hot-reload into it
flows=$work/flows
# One fix to the copy: loadgen's once-a-second time-out check computes t - t_sent with a t
# taken before the think-time queue sent new turns, so with --think-ms a turn sent in the same
# loop pass underflows to a huge age and is counted as a time-out (and its socket closed).
sed -i 's/c->awaiting && t - c->t_sent > lim/c->awaiting \&\& t > c->t_sent \&\& t - c->t_sent > lim/' \
  "$work/loadgen/loadgen.c"
grep -q 't > c->t_sent' "$work/loadgen/loadgen.c" || echo "ws.sh: note: loadgen time-out patch did not apply" >&2
mkdir -p "$root/build/bench"
log="$root/build/bench/ws-setup.log"
if [ -n "${WITH_PEERS:-}" ]; then
  (cd "$work" && ./setup.sh) > "$log" 2>&1 || { cat "$log"; exit 1; }
else
  make -C "$work/loadgen" > "$log" 2>&1 || { cat "$log"; exit 1; }
fi

port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
export ENGINE_PORT=$port
export ENGINE_CMD="$root/bench/ws-serve.sh $loket $port $work/loket.db --flows $flows"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
results="$root/build/bench/ws-$stamp.jsonl"

if [ -n "${WITH_PEERS:-}" ]; then
  rows=""
  for n in "${conns[@]}"; do rows="$rows${rows:+;}engine $n"; done
  (cd "$work" && EXTRA_ROWS="$rows" DURATION=$dur ./run-all.sh)
  cp "$work"/results/2*.jsonl "$root/build/bench/" 2>/dev/null || true
  cp "$work"/results/2*.md "$root/build/bench/" 2>/dev/null || true
  results=$(ls -t "$work"/results/2*.jsonl | head -1)
else
  for n in "${conns[@]}"; do
    RESULTS="$results" "$work/run-one.sh" engine "$n" "$dur" "loket" || true
    sleep 2
  done
fi

# Paced: the latency at a set rate, by default 15,000 turns/s (half of the 30,000 the closed loop
# aims at). loadgen paces with a constant think time per connection (no jitter), so its
# connections move in waves; run at 1,000 connections and at 200 (smaller waves), each with
# think = conns / rate less ~6 ms for the reply itself; the rate each reached is in its row.
if [ "${PACED:-1}" != 0 ] && [ -s "$results" ]; then
  rate=${PACED_RATE:-15000}
  for pconns in ${PACED_CONNS:-1000 200}; do
    think=$(( pconns * 1000 / rate - 6 ))
    [ "$think" -ge 1 ] || think=1
    echo "ws.sh: paced run, $pconns connections, think ${think} ms (aiming at $rate turns/s)" >&2
    THINK_MS=$think RESULTS="$results.paced" "$work/run-one.sh" engine "$pconns" "$dur" "paced" || true
    sleep 2
  done
  cat "$results.paced" >> "$results" 2>/dev/null || true
  rm -f "$results.paced"
fi

cp "$results" "$root/build/bench/ws-last.jsonl"
echo
echo "== Loket WebSocket benchmark ($(nproc) cores, every turn committed with synchronous=FULL)"
node -e '
  const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse)
    .filter((r) => r.loadgen);
  const f = (x, d = 0) => x === null || x === undefined ? "-" : Number(x).toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log("| target | conns | think ms | turns/s | p50 ms | p95 ms | p99 ms | errors | held at end | server CPU % | RSS idle MiB | RSS peak MiB | KiB/conn idle | KiB/conn load |");
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) { const g = r.loadgen;
    console.log(`| ${r.target}${r.run ? " " + r.run : ""} | ${f(g.conns)} | ${f(g.think_ms)} | ${f(g.turns_per_s)} | ${f(g.p50_ms, 2)} | ${f(g.p95_ms, 2)} | ${f(g.p99_ms, 2)} | ${f(g.errors)} | ${f(g.open_end)} | ${f(g.server_cpu_pct)} | ${f(g.rss_idle_kb / 1024, 1)} | ${f(g.rss_peak_kb / 1024, 1)} | ${f(g.kb_per_conn_idle, 1)} | ${f(g.kb_per_conn_load, 1)} |`); }
' "$results"
echo
echo "ws.sh: raw results in build/bench/ws-last.jsonl"

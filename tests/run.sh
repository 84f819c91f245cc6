#!/bin/sh
# Runs every test: the unit programs of BUILD (sanitized), then each integration script in
# tests/integration/ with LOKET_BIN pointing at BUILD's loket. Each prints a line
# "N passed, N failed"; this adds them up into the one closing line of the suite.
# usage: tests/run.sh BUILD_DIR
build=${1:-build/test}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
export LOKET_BIN="$root/$build/loket"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
log_dir="$root/$build/test-logs"
mkdir -p "$log_dir"
total_pass=0 total_fail=0

run_one() {  # name command...
  name=$1; shift
  log="$log_dir/$name.log"
  start=$(date +%s)
  "$@" >"$log" 2>&1
  rc=$?
  line=$(grep -aE '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  p=$(echo "$line" | grep -oE '[0-9]+ passed' | cut -d' ' -f1)
  f=$(echo "$line" | grep -oE '[0-9]+ failed' | cut -d' ' -f1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    f=1   # crashed, leaked or exited non-zero without counting a failure
  fi
  if [ -z "$line" ]; then
    f=$((f + 1))   # no summary line: the suite did not run to its end
  fi
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  status=ok; [ "$f" -ne 0 ] && status=FAIL
  printf '%-36s %5s passed %3s failed  %3ss  %s\n' "$name" "$p" "$f" "$(( $(date +%s) - start ))" "$status"
  if [ "$f" -ne 0 ]; then
    grep -aE 'not ok|FAIL|ERROR|error|Sanitizer|leak' "$log" | head -20 | sed 's/^/    /'
    echo "    (log: $log)"
  fi
}

for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  run_one "$(basename "$t")" "$t"
done
for t in tests/integration/*.sh; do
  [ -f "$t" ] || continue
  run_one "$(basename "$t" .sh)" sh "$t"
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]

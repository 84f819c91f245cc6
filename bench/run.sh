#!/bin/sh
# make bench: every benchmark, one after the other, each printing its own figures.
# usage: bench/run.sh BUILD_DIR
build=${1:-build/release}
cd "$(dirname "$0")/.." || exit 1
echo "== engine (in-process) on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"$build/bench/engine_bench" 10000 26 bench/flows
for b in bench/ws.sh bench/whatsapp.sh; do
  [ -x "$b" ] || continue
  echo "== $b"
  "$b" "$build"
done

#!/bin/sh
# Starts `loket serve` for one benchmark row on a fresh database (the load generator's
# run-one.sh measures the process it starts, so this execs loket in its place).
# usage: bench/ws-serve.sh LOKET PORT DB [extra serve options]
loket=$1 port=$2 db=$3
shift 3
rm -f "$db" "$db-wal" "$db-shm"
exec "$loket" serve --listen "127.0.0.1:$port" --db "$db" --rate 0 --max-conns-per-ip 0 "$@"

#!/usr/bin/env bash
# Traceability benchmark on loopback, against SQLite (the issue's targets are for SQLite):
#  - capture: EVENTS events (10 million by default) in EPCIS documents of 100 events, over
#    CONNECTIONS (4) connections: events/s, over them all and over the last million (the log
#    holding 9 to 10 million);
#  - resolve: a lot with 50 events, its Digital Link resolved to the scan page's data (with
#    every event's inclusion proof) REQUESTS (2,000) times over CONNECTIONS, then alone:
#    p50 and p99 latency as the client sees it, and in the server (from its request log);
#  - verify: `longnan trace verify` recomputing the whole log and checking it against the
#    latest signed checkpoint: seconds.
# Builds the release preset first. The load generator is bench/trace/load.mjs.
#
# usage: bench/trace.sh                 EVENTS=1000000 bench/trace.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
bin="$root/build/release/apps/longnan/longnan"
work=$(mktemp -d "${TMPDIR:-/tmp}/longnan-trace.XXXXXX")
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
db="sqlite:$work/trace.db"
"$bin" demo-data --db "$db" --key-file "$work/key" >/dev/null
# At debug level the server logs each request's time in the server: the resolves' are read
# back below, beside what the client measured.
"$bin" serve --db "$db" --key-file "$work/key" --port "$port" --address 127.0.0.1 --static-dir '' --log-level debug \
  --checkpoint-seconds 1 >"$work/server.log" 2>&1 &
pid=$!
for attempt in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done
BASE="http://127.0.0.1:$port" EVENTS=${EVENTS:-10000000} CONNECTIONS=${CONNECTIONS:-4} REQUESTS=${REQUESTS:-2000} \
  node bench/trace/load.mjs | tee "$work/figures.json"
grep ' GET /01/' "$work/server.log" | awk '{ sub(/ms$/, "", $NF); print $NF }' | sort -n |
  awk '{ t[NR] = $1 } END { printf "resolve in the server: %d requests, p50 %.1f ms, p99 %.1f ms\n", NR, t[int(NR * 0.5)], t[int(NR * 0.99)] }'
sleep 2  # the last checkpoint
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
size=$(du -sh "$work/trace.db" | cut -f1)
start=$(date +%s%N)
"$bin" trace verify --db "$db" --key-file "$work/key"
end=$(date +%s%N)
echo "verify: $(( (end - start) / 1000000 )) ms over a database of $size"

#!/usr/bin/env bash
# Read-path benchmark: wrk on loopback against GET /api/v1/products (a list page) and
# ?q=花椒 (search) over the demo data, with the listing cache on (the default) and off
# (every request runs the SQL and the search), plus the server's resident memory.
# Builds the release preset first. Bounded: each run lasts DURATION seconds.
#
# usage: bench/read_path.sh            (DURATION=10 CONNECTIONS=32 by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
bin="$root/build/release/apps/longnan/longnan"
work=$(mktemp -d "${TMPDIR:-/tmp}/longnan-bench.XXXXXX")
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
"$bin" demo-data --db "sqlite:$work/bench.db" --key-file "$work/key" >/dev/null
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

list="http://127.0.0.1:$port/api/v1/products?page=1&page_size=20"
search="http://127.0.0.1:$port/api/v1/products?q=%E8%8A%B1%E6%A4%92"

start_server() {
  "$bin" serve --db "sqlite:$work/bench.db" --key-file "$work/key" --port "$port" --address 127.0.0.1 \
    --static-dir '' --log-level warn "$@" >"$work/server.log" 2>&1 &
  pid=$!
  for attempt in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}

# Prints "requests/s p50 p99" for one URL.
measure() {
  wrk -t2 -c"$connections" -d2s "$1" >/dev/null  # warm up
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$1" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 }
    /^ +99%/ { p99 = $2 }
    END { printf "%s %s %s", rps, p50, p99 }'
}

echo "| endpoint | listing cache | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
start_server
read -r rps p50 p99 <<<"$(measure "$list")";   echo "| GET /api/v1/products (page of 20) | on | $rps | $p50 | $p99 |"
read -r rps p50 p99 <<<"$(measure "$search")"; echo "| GET /api/v1/products?q=花椒 | on | $rps | $p50 | $p99 |"
rss_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
kill "$pid"; wait "$pid" 2>/dev/null || true
start_server --list-cache-seconds 0
read -r rps p50 p99 <<<"$(measure "$list")";   echo "| GET /api/v1/products (page of 20) | off | $rps | $p50 | $p99 |"
read -r rps p50 p99 <<<"$(measure "$search")"; echo "| GET /api/v1/products?q=花椒 | off | $rps | $p50 | $p99 |"
rss_off_kb=$(ps -o rss= -p "$pid" | tr -d ' ')
echo
echo "server RSS after the runs: $((rss_kb / 1024)) MB (cache on), $((rss_off_kb / 1024)) MB (cache off)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
echo "wrk: 2 threads, $connections connections, ${duration}s per run, on the same machine as the server"

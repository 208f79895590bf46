#!/usr/bin/env bash
# Flash-sale benchmark: BUYERS distinct buyers (20,000) each send one order for one hot SKU
# of a sale event with UNITS units (5,000), over CONNECTIONS concurrent connections (256),
# on loopback, against SQLite (synchronous=FULL) and PostgreSQL. Reports orders/s, p50/p99
# latency, oversold units (must be 0) and lost acknowledged orders (must be 0), then runs
# `longnan ledger check`. Builds the release preset first.
#
# usage: bench/flash_sale.sh [sqlite|postgresql ...]     (both by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
buyers=${BUYERS:-20000}
units=${UNITS:-5000}
connections=${CONNECTIONS:-256}
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgresql)
cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null
bin="$root/build/release/apps/longnan/longnan"
load="$root/build/release/bench/flash_load"
work=$(mktemp -d "${TMPDIR:-/tmp}/longnan-flash.XXXXXX")
[ "$(id -u)" -eq 0 ] && chmod 755 "$work"
pid=""
pg_started=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$pg_started" ] && scripts/postgres.sh stop "$work/pg" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

# Prints one value from the database.
scalar() {
  if [[ $db == sqlite:* ]]; then sqlite3 "${db#sqlite:}" "$1"; else psql -At "$db" -c "$1"; fi
}

echo "| database | buyers | units | connections | orders/s (acknowledged) | requests/s | p50 | p99 | sold | oversold | lost acknowledged | other errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for backend in "${backends[@]}"; do
  if [ "$backend" = sqlite ]; then
    db="sqlite:$work/flash.db"
  else
    if [ -z "$pg_started" ]; then
      base=$(scripts/postgres.sh start "$work/pg")
      pg_started=1
    fi
    scripts/postgres.sh createdb "$work/pg" flash >/dev/null
    db="$base/flash"
  fi
  "$bin" demo-data --db "$db" --key-file "$work/key" >/dev/null
  "$bin" serve --db "$db" --key-file "$work/key" --port "$port" --address 127.0.0.1 --static-dir '' \
    --log-level warn --pay-timeout-seconds 86400 >"$work/server.log" 2>&1 &
  pid=$!
  for attempt in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  node bench/flash_sale/fixture.mjs "http://127.0.0.1:$port" "$db" "$work/buyers.txt" "$buyers" "$units"
  read -r event sku < <(head -n 1 "$work/buyers.txt")
  "$load" "$port" "$work/buyers.txt" "$connections" sale >"$work/load.txt" || true
  result=$(grep '^RESULT' "$work/load.txt")
  grep '^STATUSES' "$work/load.txt" >&2
  eval "$(echo "${result#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
  acked=$(sed -n '/^ACKED$/,$p' "$work/load.txt" | tail -n +2 | paste -sd, -)
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  sold=$(scalar "SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE sale_event_id = $event")
  remaining=$(scalar "SELECT stock FROM sale_event_skus WHERE event_id = $event")
  oversold=$(( sold + remaining - units ))
  [ "$sold" -gt "$units" ] && oversold=$(( sold - units ))
  found=0
  [ -n "$acked" ] && found=$(scalar "SELECT COUNT(DISTINCT checkout_id) FROM orders WHERE checkout_id IN ($acked)")
  lost=$(( r_created - found ))
  orders_per_s=$(awk -v n="$r_created" -v s="$r_seconds" 'BEGIN { printf "%.0f", n / s }')
  requests_per_s=$(awk -v n="$r_requests" -v s="$r_seconds" 'BEGIN { printf "%.0f", n / s }')
  echo "| $backend | $buyers | $units | $connections | $orders_per_s | $requests_per_s | ${r_p50_ms} ms | ${r_p99_ms} ms | $sold | $oversold | $lost | $r_failed |"
  "$bin" ledger check --db "$db" --key-file "$work/key" >/dev/null || { echo "ledger check failed on $backend" >&2; exit 1; }
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
echo "load: bench/flash_sale/load.cpp, one thread on the same machine as the server, one request in flight per connection;"
echo "every request is a distinct buyer's first order; orders/s counts orders acknowledged with 201"

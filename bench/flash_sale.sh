#!/usr/bin/env bash
# Order-path benchmark on loopback, against SQLite (synchronous=FULL, group commit) and
# PostgreSQL (per-request transactions on a pool):
#  - flash sale: BUYERS distinct buyers (20,000) each send one order for one hot SKU of a
#    sale event with UNITS units (5,000), over CONNECTIONS concurrent connections (256);
#  - normal checkout mix: each buyer puts one unit of an ordinary SKU (stock for everyone)
#    in the cart and checks out: two requests per order.
# Reports orders/s, p50/p99 latency, oversold units (must be 0) and lost acknowledged
# orders (must be 0), and runs `longnan ledger check` after each run. Builds the release
# preset first. The load generator is bench/flash_sale/load.cpp.
#
# usage: bench/flash_sale.sh [sqlite|postgresql ...]     (both by default)
#        SERVE_ARGS="--pool 32" bench/flash_sale.sh postgresql   (extra `longnan serve` flags)
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

# One run: BACKEND MODE (sale or cart); prints a table row.
run() {
  local backend=$1 mode=$2 stock=$units initial sold remaining
  [ "$mode" = cart ] && stock=$buyers
  if [ "$backend" = sqlite ]; then
    db="sqlite:$work/$mode.db"
  else
    if [ -z "$pg_started" ]; then
      base=$(scripts/postgres.sh start "$work/pg")
      pg_started=1
    fi
    scripts/postgres.sh createdb "$work/pg" "$mode" >/dev/null
    db="$base/$mode"
  fi
  "$bin" demo-data --db "$db" --key-file "$work/key" >/dev/null
  "$bin" serve --db "$db" --key-file "$work/key" --port "$port" --address 127.0.0.1 --static-dir '' \
    --log-level warn --pay-timeout-seconds 86400 ${SERVE_ARGS:-} >"$work/server.log" 2>&1 &
  pid=$!
  for attempt in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  node bench/flash_sale/fixture.mjs "http://127.0.0.1:$port" "$db" "$work/buyers.txt" "$buyers" "$stock" "$mode" 2>/dev/null
  read -r event sku < <(head -n 1 "$work/buyers.txt")
  if [ "$mode" = sale ]; then initial=$units; else initial=$(scalar "SELECT stock FROM skus WHERE id = $sku"); fi
  "$load" "$port" "$work/buyers.txt" "$connections" "$mode" >"$work/load.txt" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  local result acked found=0
  result=$(grep '^RESULT' "$work/load.txt")
  eval "$(echo "${result#RESULT }" | tr ' ' '\n' | sed 's/^/r_/')"
  acked=$(sed -n '/^ACKED$/,$p' "$work/load.txt" | tail -n +2 | paste -sd, -)
  if [ "$mode" = sale ]; then
    sold=$(scalar "SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE sale_event_id = $event")
    remaining=$(scalar "SELECT stock FROM sale_event_skus WHERE event_id = $event")
  else
    sold=$(scalar "SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE sku_id = $sku")
    remaining=$(scalar "SELECT stock FROM skus WHERE id = $sku")
  fi
  [ -n "$acked" ] && found=$(scalar "SELECT COUNT(DISTINCT checkout_id) FROM orders WHERE checkout_id IN ($acked)")
  local oversold=$(( sold + remaining - initial )) lost=$(( r_created - found ))
  local orders_per_s requests_per_s
  orders_per_s=$(awk -v n="$r_created" -v s="$r_seconds" 'BEGIN { printf "%.0f", n / s }')
  requests_per_s=$(awk -v n="$r_requests" -v s="$r_seconds" 'BEGIN { printf "%.0f", n / s }')
  local workload="flash sale ($units units)"
  [ "$mode" = cart ] && workload="cart + checkout"
  echo "| $backend | $workload | $buyers | $connections | $orders_per_s | $requests_per_s | ${r_p50_ms} ms | ${r_p99_ms} ms | $sold | $oversold | $lost | $r_failed |"
  "$bin" ledger check --db "$db" --key-file "$work/key" >/dev/null || { echo "ledger check failed on $backend" >&2; exit 1; }
}

echo "| database | workload | buyers | connections | orders/s (acknowledged) | requests/s | p50 | p99 | sold | oversold | lost acknowledged | errors |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for backend in "${backends[@]}"; do
  run "$backend" sale
  run "$backend" cart
done
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
echo "load: bench/flash_sale/load.cpp, one thread on the same machine as the server, one request in flight per connection;"
echo "every buyer is distinct and orders once; orders/s counts orders acknowledged with 201; requests/s counts every answer"

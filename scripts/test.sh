#!/usr/bin/env bash
# Runs every test: unit and storage (GoogleTest), API (black-box against the binary) and
# browser (playwright-core driving Debian's chromium). Storage and API tests run on SQLite
# and on PostgreSQL; PostgreSQL is a throwaway cluster started here unless
# LONGNAN_TEST_PG_BASE (postgresql://user@host:port, may create databases) is set.
# A PostgreSQL that cannot start fails the run; nothing is skipped.
#
# usage: scripts/test.sh BIN        (make test passes the built binary)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:?usage: scripts/test.sh BIN}")
work=$(mktemp -d "${TMPDIR:-/tmp}/longnan-test.XXXXXX")
chmod 755 "$work"
pg_dir="$work/pg"
server_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -d "$pg_dir" ] && "$root/scripts/postgres.sh" stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${LONGNAN_TEST_PG_BASE:-}" ]; then
  pg_base=$LONGNAN_TEST_PG_BASE
else
  echo "== starting a throwaway PostgreSQL"
  pg_base=$("$root/scripts/postgres.sh" start "$pg_dir")
fi
psql "$pg_base/postgres" -qc "CREATE DATABASE longnan_unit" >/dev/null

echo "== unit and storage tests (SQLite and PostgreSQL)"
LONGNAN_TEST_PG_URL="$pg_base/longnan_unit" ctest --test-dir "$(dirname "$bin")/../.." --output-on-failure -j2

echo "== API tests (SQLite and PostgreSQL)"
for file in "$root"/tests/api/*.test.mjs; do
  LONGNAN_BIN="$bin" LONGNAN_TEST_PG_BASE="$pg_base" LONGNAN_TEST_TMP="$work" node --test "$file"
done

echo "== web unit tests"
(cd "$root/web" && npm test --silent)

if [ -d "$root/tests/e2e" ]; then
  echo "== browser tests"
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  "$bin" demo-data --db "sqlite:$work/e2e.db" --key-file "$work/e2e.key" >/dev/null
  "$bin" serve --db "sqlite:$work/e2e.db" --key-file "$work/e2e.key" --port "$port" --address 127.0.0.1 \
    --static-dir "$root/web/dist" --checkpoint-seconds 1 >"$work/e2e-server.log" 2>&1 &
  server_pid=$!
  for attempt in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
  for file in "$root"/tests/e2e/*.test.mjs; do
    LONGNAN_URL="http://127.0.0.1:$port" node --test "$file" || { tail -n 30 "$work/e2e-server.log"; exit 1; }
  done
fi
echo "== all tests passed"

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests, started with Debian's
# postgresql binaries and pg_ctl (no systemd). PostgreSQL refuses to run as root, so as
# root the cluster runs as the `postgres` user that Debian's package creates.
#
# usage: scripts/postgres.sh start DIR   → starts a cluster in DIR, prints its base URL
#        scripts/postgres.sh createdb DIR NAME
#        scripts/postgres.sh stop DIR
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

command=${1:?usage: postgres.sh start|createdb|stop DIR}
dir=${2:?usage: postgres.sh start|createdb|stop DIR}

case "$command" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    as_owner "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    for attempt in $(seq 1 20); do
      port=$(( 20000 + (RANDOM % 20000) ))
      if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
           -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
        echo "$port" >"$dir/port"
        echo "postgresql://postgres@127.0.0.1:$port"
        exit 0
      fi
    done
    echo "postgres.sh: the cluster did not start:" >&2
    tail -n 20 "$dir/server.log" >&2 || true
    exit 1
    ;;
  createdb)
    name=${3:?usage: postgres.sh createdb DIR NAME}
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$(cat "$dir/port")" -U postgres "$name"
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "postgres.sh: unknown command $command" >&2
    exit 2
    ;;
esac

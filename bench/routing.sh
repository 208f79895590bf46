#!/usr/bin/env bash
# Route planner benchmark: solves the 56 Solomon VRPTW instances (data/solomon) one after
# another, single-threaded, TIME_LIMIT seconds each (default 5), checks every plan with
# routing::check() (the run fails if one breaks a rule), and prints per instance and per
# class (C1, C2, R1, R2, RC1, RC2, all) the vehicles, the gap % to the distance-only
# best-known distance (best_known.csv, dist_only_distance) and the time — the layout of
# data/solomon/vroom.md, so the two tables compare directly. Builds the `release` preset's
# routing_bench target first (only that target).
#
# usage: bench/routing.sh
#        TIME_LIMIT=1 bench/routing.sh                 (seconds per instance)
#        SEED=2 ONLY=RC2 bench/routing.sh              (another seed; instances starting with RC2)
#        LARGE=60 bench/routing.sh                     (a generated 1,000-customer instance within 60 s instead)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
time_limit=${TIME_LIMIT:-5}
build="$root/build/release"
cmake --preset release >/dev/null
cmake --build --preset release --target routing_bench >/dev/null
args=(--time-limit "$time_limit" --seed "${SEED:-1}")
[ -n "${ONLY:-}" ] && args+=(--only "$ONLY")
[ -n "${LARGE:-}" ] && args+=(--large "$LARGE")
if [ -z "${LARGE:-}" ]; then
  echo "routing_bench: Solomon VRPTW, ${time_limit} s per instance, one thread, seed ${SEED:-1} ($(nproc) cores, $(date -u +%Y-%m-%d))"
fi
exec "$build/bench/routing/routing_bench" "$root/data/solomon" "${args[@]}"

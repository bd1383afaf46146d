#!/usr/bin/env bash
# Appends with 16 clients, one 300-byte event row per transaction, for the three designs of schema.sql: plain insert,
# the transaction id position (V5) and the former commit-time lock (V4); each run twice, alternating, for SECONDS.
# Usage: incident-bench/pgbench/run.sh [database]   (PGHOST, PGPORT, PGUSER as for psql; default 127.0.0.1, postgres)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
DB="${1:-${BENCH_DB_PREFIX:-incident_bench}_pgbench}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
CLIENTS="${CLIENTS:-16}"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"

psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 \
    || psql -X -q -d postgres -c "CREATE DATABASE \"$DB\""
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -f schema.sql

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    for design in plain xid8 commit_lock; do
        psql -X -q -d "$DB" -c "CHECKPOINT" >/dev/null
        tps=$(pgbench -n -c "$CLIENTS" -j 2 -T "$SECONDS_PER_RUN" -f "insert_$design.sql" "$DB" 2>/dev/null \
            | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
        echo "round $round  $design  $tps tps  (load $(cut -d' ' -f1 /proc/loadavg))"
    done
done

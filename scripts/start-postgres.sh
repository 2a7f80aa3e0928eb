#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for forceplan's tests and benchmarks, on loopback only.
# Installs Debian's postgresql package when it is missing (needs root), then prints the URL.
#   eval "$(scripts/start-postgres.sh)"   # exports FORCEPLAN_TEST_POSTGRES_URL
set -euo pipefail
PORT="${FORCEPLAN_PG_PORT:-54329}"
DATA="${FORCEPLAN_PG_DATA:-/tmp/forceplan-pg/data}"
SOCK="$(dirname "$DATA")/sock"

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
RUN_AS=()
if [ "$(id -u)" = "0" ]; then RUN_AS=(runuser -u postgres --); fi

mkdir -p "$(dirname "$DATA")" "$SOCK"
[ "$(id -u)" = "0" ] && chown -R postgres:postgres "$(dirname "$DATA")"
if [ ! -f "$DATA/PG_VERSION" ]; then
  "${RUN_AS[@]}" "$BIN/initdb" -D "$DATA" -U postgres -A trust --no-sync -E UTF8 >/dev/null
fi
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DATA" -w -l "$(dirname "$DATA")/server.log" \
    -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" \
    start >/dev/null
fi
psql_() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_ -c "SELECT 1 FROM pg_database WHERE datname='forceplan_test'")" != "1" ]; then
  psql_ -c "CREATE DATABASE forceplan_test" >/dev/null
fi
echo "export FORCEPLAN_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/forceplan_test"

#!/usr/bin/env bash
# Starts or stops a throw-away PostgreSQL server for the test suite: initdb in a temporary folder,
# loopback only, trust authentication, C collation (byte order, as SQLite compares), no fsync
# (test data is disposable; durability is the engine's own concern, not the suite's).
#   scripts/pg_test_server.sh start DIR   prints the base URL (postgresql://postgres@127.0.0.1:PORT/)
#   scripts/pg_test_server.sh standby DIR PRIMARY_URL   a streaming replica of the server at
#                                                     PRIMARY_URL (pg_basebackup); prints its base URL
#   scripts/pg_test_server.sh stop DIR
# PG_DURABLE=1 keeps PostgreSQL's defaults instead (fsync, synchronous_commit, full_page_writes on):
# for benchmarks whose writes must be as durable as SQLite's.
# PG_SETTINGS adds server settings as "-c name=value ..." (bench/scale.sh sizes memory and WAL for
# a 10 M-row load with it).
set -euo pipefail

cmd=${1:?start|standby|stop}
dir=${2:?folder}
# PostgreSQL 15 (the version the platform is tested on, Debian 12's) when installed, else the newest.
default_pgbin=/usr/lib/postgresql/15/bin
[ -x "$default_pgbin/initdb" ] || default_pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pgbin=${PG_BIN:-$default_pgbin}
[ -x "$pgbin/initdb" ] || { echo "pg_test_server: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 1; }

as_pg() {
  # initdb and the server refuse to run as root.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts the server whose data folder is $dir/data on a free loopback port; prints its base URL.
run_server() {
  durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PG_DURABLE:-0}" = 1 ] && durability="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
  for _ in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 30000))
    if as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500 $durability ${PG_SETTINGS:-}" \
        >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$port/"
      exit 0
    fi
  done
  echo "pg_test_server: could not start PostgreSQL (see $dir/server.log)" >&2
  exit 1
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_pg "$pgbin/initdb" -D "$dir/data" -U postgres --auth=trust --locale=C -E UTF8 >"$dir/initdb.log" 2>&1
    run_server
    ;;
  standby)
    primary=${3:?primary base URL}
    hostport=${primary#postgresql://*@}
    hostport=${hostport%%/*}
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby, streaming.
    as_pg "$pgbin/pg_basebackup" -h "${hostport%:*}" -p "${hostport##*:}" -U postgres -D "$dir/data" -R -X stream \
      -c fast >"$dir/basebackup.log" 2>&1 || { echo "pg_test_server: pg_basebackup failed (see $dir/basebackup.log)" >&2; exit 1; }
    run_server
    ;;
  stop)
    as_pg "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|standby|stop DIR [PRIMARY_URL]" >&2; exit 2 ;;
esac

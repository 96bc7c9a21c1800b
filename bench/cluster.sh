#!/usr/bin/env bash
# Cluster benchmark for Darwaza (issue 9): durable submissions and catalog search on SQLite, on PostgreSQL with one
# node, and on PostgreSQL with two nodes behind haproxy, in one run. A benchmark, not a test: run it by hand, on a
# quiet machine.
#
#   bench/cluster.sh                         # ~3 minutes; prints the figures recorded in bench/RESULTS.md
#   SETUPS="postgresql postgresql-2" bench/cluster.sh
#
# What it does, all on 127.0.0.1:
#   1. installs wrk, sqlite3, postgresql (psql and the server) and haproxy with apt-get if missing (Debian; needs
#      root), brings ./build up to date (or takes DARWAZA);
#   2. writes a synthetic catalog (`darwaza catalog synth --count COUNT`) plus tests/fixtures/services/*.json, as
#      bench/applications.sh does;
#   3. for each set-up of SETUPS, on a fresh database:
#        sqlite        one node, SQLite in its data folder (synchronous=FULL: every commit is fsync'd);
#        postgresql    one node on a throw-away PostgreSQL server (scripts/pg_test_server.sh);
#        postgresql-2  two nodes on one database of such a server, behind haproxy (round robin, keep-alive to the
#                      nodes, connections reused across clients); the second node has a copy of the first's
#                      signing keys (DATA/keys), as every node of a cluster must (docs/deployment.md);
#      every node loads the catalog with --catalog-dir. Through the front (the node, or haproxy): one citizen signs
#      up and logs in, one submission by hand, then wrk
#        submissions  POST /v1/applications (service test-permit), -tTHREADS -cCONNECTIONS, DURATION s after WARMUP s;
#        search       GET /v1/services?q=WORD rotating over the English and Urdu words of bench/applications.sh,
#                     -tTHREADS -cSEARCH_CONNECTIONS, DURATION s after WARMUP s;
#      then checks that the database holds as many applications as darwaza answered 201 (the 201 counters in
#      /metrics of every node; the sqlite3 CLI or psql count the rows), and as wrk saw, allowing the requests wrk
#      abandons in flight when it stops (see bench/applications.sh);
#   4. prints one table, set-up x (submissions/s, p50, p99, search req/s, p50, p99, status codes), each figure with
#      its ratio to the sqlite row of the same run, then the count checks, the machine, the load average, the commit,
#      and warnings for non-2xx responses or other processes on the CPUs ("other CPU", as in bench/applications.sh).
#
# PostgreSQL runs on the test suite's disposable server (scripts/pg_test_server.sh) with PG_DURABLE=1 by default:
# fsync, synchronous_commit and full_page_writes on, so a 201 is as durable as on SQLite, which fsyncs every commit.
# PG_DURABLE=0 gives the test suite's settings (all three off: no commit waits for the disk, figures OPTIMISTIC).
# The report reads the settings back from the server and says which were used.
# Everything shares the machine's CPUs: wrk, haproxy, the nodes and PostgreSQL.
#
# Tunables (environment): SETUPS (default "sqlite postgresql postgresql-2"), DURATION (s, 10), WARMUP (s, 2),
# THREADS (2), CONNECTIONS (64, submissions), SEARCH_CONNECTIONS (16), COUNT (synthetic services, 8000),
# SERVE_EXTRA (more `darwaza serve` options for every node), PG_DURABLE (1), DARWAZA (the binary; default ./build/darwaza, brought up
# to date with ninja).
set -euo pipefail

SETUPS=${SETUPS:-sqlite postgresql postgresql-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
SEARCH_CONNECTIONS=${SEARCH_CONNECTIONS:-16}
COUNT=${COUNT:-8000}
SERVE_EXTRA=${SERVE_EXTRA:-}
export PG_DURABLE=${PG_DURABLE:-1}
unset DARWAZA_DB  # every node gets its --db explicitly

for v in DURATION WARMUP THREADS CONNECTIONS SEARCH_CONNECTIONS COUNT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench/cluster.sh: $v must be a whole number (not '${!v}')" >&2; exit 2; }
done
((DURATION > 0 && THREADS > 0 && CONNECTIONS >= THREADS && SEARCH_CONNECTIONS >= THREADS)) ||
  { echo "bench/cluster.sh: DURATION and THREADS must be > 0, and CONNECTIONS, SEARCH_CONNECTIONS >= THREADS" >&2; exit 2; }
read -r -a SETUP_LIST <<<"$SETUPS"
((${#SETUP_LIST[@]} > 0)) || { echo "bench/cluster.sh: SETUPS is empty" >&2; exit 2; }
tools=""
for s in "${SETUP_LIST[@]}"; do
  case "$s" in
    sqlite) tools+=" sqlite3" ;;
    postgresql) tools+=" psql:postgresql" ;;
    postgresql-2) tools+=" psql:postgresql haproxy" ;;
    *) echo "bench/cluster.sh: SETUPS takes sqlite, postgresql and postgresql-2 (not '$s')" >&2; exit 2 ;;
  esac
done

BENCH_NAME=bench/cluster.sh
BENCH_EXTRA_TOOLS=$(tr ' ' '\n' <<<"$tools" | sort -u | tr '\n' ' ')
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOADAVG_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-cluster.XXXXXX")

synth_catalog

# Per set-up results, besides run()'s (keys "SETUP submissions" and "SETUP search").
declare -A NODES READY DB_APPS SERVER201 PER_NODE201 WRK201 CHECK CHECK_OK LOG_PROBLEMS PG_SETTINGS
PG_VERSION=""
HAPROXY_VERSION=""

# haproxy_conf PORT: round robin over NODE_PORTS; keep-alive on both sides, idle server connections reused by any
# client (http-reuse always), no logging.
haproxy_conf() {
  local i=0 p
  cat <<EOF
global
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
frontend front
  bind 127.0.0.1:$1
  default_backend nodes
backend nodes
  balance roundrobin
  http-reuse always
EOF
  for p in "${NODE_PORTS[@]}"; do
    i=$((i + 1))
    echo "  server node$i 127.0.0.1:$p"
  done
}

# stop_setup: stops the set-up's processes (haproxy, the nodes) and its PostgreSQL server.
stop_setup() {
  local pid
  for pid in $BENCH_PIDS; do stop_pid "$pid"; done
  BENCH_PIDS=""
  CPU_PIDS=""
  if [[ -n "$PG_DIR" ]]; then pg_stop; fi
}

# bench_setup SETUP: starts the set-up on a fresh database, measures it, checks the counts, stops it.
bench_setup() {
  local setup=$1 dir="$TMP/$1" nodes=1 url="" front n t0 t1 f db_count
  local -a node_args=(--catalog-dir "$TMP/services")
  [[ "$setup" == postgresql-2 ]] && nodes=2
  NODES[$setup]=$nodes
  if [[ "$setup" != sqlite ]]; then
    pg_start
    CPU_PIDS=$(pg_pid)
    pg_create bench
    url="${PG_BASE}bench"
    node_args+=(--db "$url")
    PG_VERSION=$(psql "$url" -Atc 'SHOW server_version')
    PG_SETTINGS[$setup]=$(psql "$url" -At -F= -c "SELECT name, setting FROM pg_settings WHERE name IN
      ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name" | paste -sd' ')
  fi
  # shellcheck disable=SC2206 # SERVE_EXTRA is a list of options
  node_args+=($SERVE_EXTRA)

  NODE_PORTS=()
  READY[$setup]=""
  for ((n = 1; n <= nodes; n++)); do
    step "$setup: starting node $n of $nodes (catalog of $SERVICE_FILES definitions${url:+, $url})"
    if ((n > 1)); then
      # The same platform signing key on every node: a copy of node 1's keys (tests/integration/two_node_test.cpp).
      mkdir -p "$dir/node$n/data"
      cp -a "$dir/node1/data/keys" "$dir/node$n/data/keys" || die "could not copy node 1's keys"
    fi
    t0=$(date +%s.%N)
    start_node "$dir/node$n" "${node_args[@]}"
    t1=$(date +%s.%N)
    NODE_PORTS+=("$NODE_PORT")
    t1=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f s", b - a }')
    READY[$setup]+="${READY[$setup]:+, }$t1"
    echo "node $n: pid $NODE_PID on http://127.0.0.1:$NODE_PORT, ready after $t1" >&2
  done
  front="http://127.0.0.1:${NODE_PORTS[0]}"
  if ((nodes > 1)); then
    step "$setup: starting haproxy (round robin over $nodes nodes)"
    start_listener /readyz haproxy_conf "$dir/haproxy.cfg" "$dir/haproxy.log" haproxy -db -f "$dir/haproxy.cfg"
    [[ -n "$LISTENER_BASE" ]] || die "haproxy did not start: $(tail -n 5 "$dir/haproxy.log")"
    front=$LISTENER_BASE
    HAPROXY_VERSION=$(haproxy -v | awk 'NR == 1 { print $1, $3 }')
    echo "haproxy pid $LISTENER_PID on $front" >&2
  fi

  step "$setup: a citizen signs up and logs in, one submission by hand (through $front)"
  citizen_login "$front"
  submit_once "$front" "$dir/submission.json"
  step "$setup: search words (${#WORDS[@]}) and how many services each matches"
  search_paths "$front"
  submit_script "$dir/submit.lua"
  search_script "$dir/search.lua"

  step "$setup: durable submissions: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s (after ${WARMUP}s warm-up)"
  run "$setup submissions" "$front/v1/applications" "$dir/submit.lua" "$CONNECTIONS" "$WARMUP"
  step "$setup: catalog search: wrk -t$THREADS -c$SEARCH_CONNECTIONS -d${DURATION}s (after ${WARMUP}s warm-up)"
  run "$setup search" "$front/" "$dir/search.lua" "$SEARCH_CONNECTIONS" "$WARMUP"

  step "$setup: counting the applications"
  sleep 1  # let requests that wrk abandoned when it stopped finish
  PER_NODE201[$setup]=""
  for ((n = 1; n <= nodes; n++)); do
    f="$dir/node$n/metrics"
    curl -sf -o "$f" "http://127.0.0.1:${NODE_PORTS[n - 1]}/metrics" || die "GET /metrics of node $n failed"
    PER_NODE201[$setup]+="${PER_NODE201[$setup]:+ + }$(submit201 "$f")"
  done
  SERVER201[$setup]=$(submit201 "$dir"/node*/metrics)
  if [[ "$setup" == sqlite ]]; then
    db_count=$(sqlite3 "$dir/node1/data/darwaza.db" 'PRAGMA busy_timeout=5000; select count(*) from applications' | tail -n1) ||
      die "sqlite3 could not count the applications"
  else
    db_count=$(psql "$url" -Atc 'SELECT count(*) FROM applications') || die "psql could not count the applications"
  fi
  DB_APPS[$setup]=$db_count
  WRK201[$setup]=$((1 + ${WARM201[$setup submissions]} + ${N201[$setup submissions]}))
  CHECK_OK[$setup]=1
  CHECK[$setup]=$(count_check "$db_count" "${SERVER201[$setup]}" "${WRK201[$setup]}" "$CONNECTIONS") || CHECK_OK[$setup]=0
  echo "${CHECK[$setup]}" >&2
  LOG_PROBLEMS[$setup]=$(cat "$dir"/node*/darwaza.log | grep -c -E ' (warn|error|critical) ' || true)
  stop_setup
}

for s in "${SETUP_LIST[@]}"; do bench_setup "$s"; done

# ---------------------------------------------------------------- report
# cell VALUE BASE: the value and its ratio to BASE ("" when there is no sqlite row).
cell() {
  if [[ -z "$2" ]]; then printf '%s' "$1"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%s (%.2fx)", a, a / b; else printf "%s (n/a)", a }'
}
# codes NAME: status codes, and the socket errors if there were any.
codes() {
  local e=${ERRS[$1]}
  if [[ "$e" =~ ^connect:0,read:0,write:0,timeout:0$ ]]; then printf '%s' "${CODES[$1]}"; else printf '%s, %s' "${CODES[$1]}" "$e"; fi
}
have_sqlite=""
for s in "${SETUP_LIST[@]}"; do [[ "$s" == sqlite ]] && have_sqlite=1; done

echo
echo "Darwaza cluster benchmark (issue 9) - $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(machine)"
echo "disk: $(df -P "$TMP" | awk 'NR == 2 { print $1 }') ($(findmnt -no FSTYPE -T "$TMP" 2>/dev/null || echo '?')); load average before: $LOADAVG_BEFORE, after: $(cut -d" " -f1-3 /proc/loadavg)"
echo "darwaza: $("$DARWAZA" version 2>/dev/null | head -n1 || echo '?') (build: ${build_type:-unknown}, commit $commit)"
tools="$(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }' || true)"  # wrk -v exits 1
[[ -n "$have_sqlite" ]] && tools+=", sqlite3 $(sqlite3 --version | cut -d' ' -f1) (CLI, counts rows)"
[[ -n "$PG_VERSION" ]] && tools+=", PostgreSQL $PG_VERSION"
[[ -n "$HAPROXY_VERSION" ]] && tools+=", $HAPROXY_VERSION"
echo "tools: $tools"
echo "catalog: $SERVICE_FILES definitions ($COUNT synthetic + fixtures, $(awk -v b="$CATALOG_BYTES" 'BEGIN { printf "%.1f MiB", b / 1048576 }')), loaded by every node with --catalog-dir"
echo "load: wrk -t$THREADS -d${DURATION}s after ${WARMUP}s warm-up; submissions -c$CONNECTIONS (POST /v1/applications, test-permit), search -c$SEARCH_CONNECTIONS (GET /v1/services?q=, ${#WORDS[@]} English and Urdu words); darwaza defaults, --access-log off --rate-limit-per-minute 0${SERVE_EXTRA:+ $SERVE_EXTRA}"
for s in "${SETUP_LIST[@]}"; do
  case "$s" in
    sqlite) echo "sqlite: one node, SQLite (WAL, synchronous=FULL: every commit is fsync'd)" ;;
    postgresql) echo "postgresql: one node, a throw-away PostgreSQL server with ${PG_SETTINGS[$s]}" ;;
    postgresql-2) echo "postgresql-2: two nodes on one database of a throw-away PostgreSQL server with ${PG_SETTINGS[$s]}, behind haproxy (round robin, keep-alive, http-reuse always)" ;;
  esac
done
[[ -n "$PG_VERSION" && "$PG_DURABLE" != 1 ]] &&
  echo "NOTE: the PostgreSQL server commits without waiting for the disk (fsync off), so its submission figures are optimistic next to SQLite's"
echo
printf '| %-12s | %5s | %-16s | %-15s | %-15s | %-16s | %-15s | %-15s | %s\n' "set-up" "nodes" "submissions/s" "p50 ms" "p99 ms" \
  "search req/s" "p50 ms" "p99 ms" "status codes: submissions; search |"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' "--------------" "------:" "-----------------:" "----------------:" "----------------:" \
  "-----------------:" "----------------:" "----------------:" "------------------------------------"
for s in "${SETUP_LIST[@]}"; do
  S="$s submissions" Q="$s search" bs="" bq=""
  [[ -n "$have_sqlite" ]] && bs="sqlite submissions" bq="sqlite search"
  printf '| %-12s | %5s | %16s | %15s | %15s | %16s | %15s | %15s | %s; %s |\n' "$s" "${NODES[$s]}" \
    "$(cell "${RPS[$S]}" "${bs:+${RPS[$bs]}}")" "$(cell "${P50[$S]}" "${bs:+${P50[$bs]}}")" "$(cell "${P99[$S]}" "${bs:+${P99[$bs]}}")" \
    "$(cell "${RPS[$Q]}" "${bq:+${RPS[$bq]}}")" "$(cell "${P50[$Q]}" "${bq:+${P50[$bq]}}")" "$(cell "${P99[$Q]}" "${bq:+${P99[$bq]}}")" \
    "$(codes "$S")" "$(codes "$Q")"
done
if [[ -n "$have_sqlite" ]]; then echo "(in brackets: the ratio to the sqlite row; above 1 is more req/s, or a slower p50/p99)"; fi
echo
for s in "${SETUP_LIST[@]}"; do
  echo "$s: start -> /readyz 200 (catalog load) ${READY[$s]}; database ${DB_APPS[$s]} applications; 201s: darwaza ${SERVER201[$s]}" \
    "(by node: ${PER_NODE201[$s]}), wrk ${WRK201[$s]} (1 by curl + ${WARM201[$s submissions]} warm-up + ${N201[$s submissions]} run)"
  echo "  ${CHECK[$s]}"
  echo "  other CPU ${OTHER[$s submissions]} % (submissions), ${OTHER[$s search]} % (search); darwaza log: ${LOG_PROBLEMS[$s]} warn/error lines"
done
echo
run_warnings
for s in "${SETUP_LIST[@]}"; do
  ((CHECK_OK[$s] == 1)) || echo "WARNING: $s: the number of applications in the database does not match the 201 responses; that is a bug"
done

#!/usr/bin/env bash
# Scale benchmark for Darwaza (issue 9). A benchmark, not a test: run it by hand, on a quiet machine.
#
#   bench/scale.sh                                              # 10 M citizens + 10 M applications, SQLite (hours)
#   SCALE_CITIZENS=200000 SCALE_APPLICATIONS=200000 bench/scale.sh   # a small run (minutes)
#   ENGINE=both bench/scale.sh                                  # SQLite, then PostgreSQL
#
# What it does, all on 127.0.0.1, for each engine:
#   1. the "empty" database: `darwaza synth` with EMPTY_CITIZENS citizens and EMPTY_APPLICATIONS applications (a look-up
#      needs something to find) and the same SCALE_SERVICES synthetic services;
#   2. the full database: `darwaza synth --citizens SCALE_CITIZENS --applications SCALE_APPLICATIONS`, through the
#      product's own batched write path; the load is timed and bounded by SYNTH_TIMEOUT_S; the database's size gives the
#      bytes per million rows (rows = citizens + applications; each application also has its timeline events);
#      on PostgreSQL each load is followed by VACUUM (ANALYZE) and CHECKPOINT (timed apart), as after any bulk load;
#   3. on each database in turn: `darwaza serve`, LOOKUP_USERS synthetic citizens log in (the password synth prints),
#      one officer of the agency with the most sampled applications is created, then wrk measures (WARMUP s warm-up,
#      DURATION s run, -t THREADS -c CONNECTIONS), rotating over many people and records so no single row stays hot:
#        profile      GET /v1/me                                       (each citizen's own token)
#        application  GET /v1/applications/{id}                        (the citizen's own applications, timeline included)
#        tracking     GET /v1/applications/{tracking number}                 (the citizen's own, by tracking number)
#        exchange     POST /v1/exchange/registries/applications/query  {"record": TRACKING-NUMBER} as the handling
#                     agency's officer: another agency's look-up by tracking number. It writes one audit entry
#                     per look-up, so its latency includes a durable commit.
#        list         GET /v1/applications?page_size=20                 (the citizen's own list, newest first, counted)
#      Each look-up is then run with one connection (wrk -t1 -c1, ONE_AT_A_TIME), each request alone on the machine:
#      the latency of a look-up itself, with no other request queued before it for the cores.
#      Each look-up is then run again at a steady load below saturation: PACE_FRACTION of the rate the empty database
#      reached for it, offered by PACE_CONNECTIONS connections with random pauses (paced_script in bench/lib.sh), the
#      same offered rate on both databases. At full speed (the first run) wrk's closed loop sends each request as soon
#      as the last is answered, so its p99 holds the queue of CONNECTIONS connections for the cores wrk, darwaza and
#      PostgreSQL share; the paced run is the latency of requests arriving at random on a node with headroom. Each run
#      also gives the node's own p99 for the route (from its /metrics histogram), to tell the node's time from the
#      machine's (bench/RESULTS.md, session 15).
#   4. prints p50/p99 per look-up on both databases, the full/empty ratio, and the goals of issue 9 (p99 < 2 ms, and at
#      most 2x the empty database's p99) with MET / NOT MET, for both runs, plus load time and bytes per million rows.
# PostgreSQL runs on a throw-away server from scripts/pg_test_server.sh (fsync off unless PG_DURABLE=1: load and
# write figures are optimistic then; look-up reads are not affected), with the memory and WAL settings of a server
# sized for this machine (PG_SETTINGS, default below: a quarter of the RAM as shared buffers, as usually advised).
# On PostgreSQL synth loads through COPY (the store's bulk-load mode), on SQLite through its prepared inserts.
#
# Tunables (environment): ENGINE (sqlite | postgresql | both; default sqlite), SCALE_CITIZENS and SCALE_APPLICATIONS
# (default 10000000 each), SCALE_SERVICES (8000), EMPTY_CITIZENS / EMPTY_APPLICATIONS (1000 each), SEED (1),
# SYNTH_TIMEOUT_S (bound on each load, default 43200), DURATION (s, 10), WARMUP (s, 2), THREADS (2), CONNECTIONS (4),
# LOOKUP_USERS (citizens logged in, 50), SAMPLE_ROWS (applications sampled by synth for the look-ups, 5000),
# PACE_FRACTION (of the empty database's full-speed rate, for the paced run; 0.5; 0 skips it), PACE_CONNECTIONS (16),
# ONE_AT_A_TIME (1: also a run of one connection, wrk -t1 -c1, each request alone on the machine; 0 skips it),
# DARWAZA (binary; default ./build/darwaza, brought up to date with ninja).
set -euo pipefail

ENGINE=${ENGINE:-sqlite}
unset DARWAZA_DB  # each database gets its --db explicitly
SCALE_CITIZENS=${SCALE_CITIZENS:-10000000}
SCALE_APPLICATIONS=${SCALE_APPLICATIONS:-10000000}
SCALE_SERVICES=${SCALE_SERVICES:-8000}
EMPTY_CITIZENS=${EMPTY_CITIZENS:-1000}
EMPTY_APPLICATIONS=${EMPTY_APPLICATIONS:-1000}
SEED=${SEED:-1}
SYNTH_TIMEOUT_S=${SYNTH_TIMEOUT_S:-43200}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-4}
LOOKUP_USERS=${LOOKUP_USERS:-50}
SAMPLE_ROWS=${SAMPLE_ROWS:-5000}
PACE_FRACTION=${PACE_FRACTION:-0.5}
PACE_CONNECTIONS=${PACE_CONNECTIONS:-16}
ONE_AT_A_TIME=${ONE_AT_A_TIME:-1}
export PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=6GB -c max_wal_size=16GB -c checkpoint_timeout=30min -c maintenance_work_mem=1GB -c effective_cache_size=16GB}
GOAL_P99_MS=2
GOAL_RATIO=2

case "$ENGINE" in
  sqlite) ENGINES=(sqlite) ;;
  postgresql) ENGINES=(postgresql) ;;
  both) ENGINES=(sqlite postgresql) ;;
  *) echo "bench/scale.sh: ENGINE must be sqlite, postgresql or both (not '$ENGINE')" >&2; exit 2 ;;
esac
for v in SCALE_CITIZENS SCALE_APPLICATIONS SCALE_SERVICES EMPTY_CITIZENS EMPTY_APPLICATIONS SYNTH_TIMEOUT_S DURATION \
  WARMUP THREADS CONNECTIONS LOOKUP_USERS SAMPLE_ROWS PACE_CONNECTIONS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "bench/scale.sh: $v must be a whole number (not '${!v}')" >&2; exit 2; }
done
[[ "$PACE_FRACTION" =~ ^(0|0?\.[0-9]+|1(\.0*)?)$ ]] || { echo "bench/scale.sh: PACE_FRACTION must be a number from 0 to 1 (not '$PACE_FRACTION')" >&2; exit 2; }
((PACE_CONNECTIONS > 0)) || { echo "bench/scale.sh: PACE_CONNECTIONS must be above zero" >&2; exit 2; }
((SCALE_CITIZENS > EMPTY_CITIZENS)) || { echo "bench/scale.sh: SCALE_CITIZENS must exceed EMPTY_CITIZENS" >&2; exit 2; }

BENCH_NAME=bench/scale.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

"$DARWAZA" synth --help >/dev/null 2>&1 || die "'$DARWAZA synth' does not exist; this benchmark needs it"

LOADAVG_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-scale.XXXXXX")

declare -A LOAD_S SETTLE_S BYTES ROWS EVENTS PACE_RATE SP99
paced() { awk -v f="$PACE_FRACTION" 'BEGIN { exit !(f > 0) }'; }

# ---------------------------------------------------------------- per database
# db_url ENGINE NAME: the --db URL ("" for SQLite in the data folder).
db_url() {
  [[ "$1" == postgresql ]] || { echo ""; return; }
  echo "${PG_BASE}scale_$2"
}

# db_bytes ENGINE NAME: the database's size on disk.
db_bytes() {
  if [[ "$1" == sqlite ]]; then
    local f="$TMP/data-$1-$2/darwaza.db"
    echo $(($(stat -c %s "$f") + $(stat -c %s "$f-wal" 2>/dev/null || echo 0)))
  else
    psql "$(db_url "$1" "$2")" -Atc 'SELECT pg_database_size(current_database())' || die "psql could not size the database"
  fi
}

# synth ENGINE NAME CITIZENS APPLICATIONS: fills the database, timed and bounded.
synth() {
  local engine=$1 name=$2 key="$1 $2" url t0 t1
  url=$(db_url "$engine" "$name")
  if [[ -n "$url" ]]; then pg_create "scale_$name"; fi
  step "$engine, $name database: darwaza synth --citizens $3 --applications $4 --services $SCALE_SERVICES (at most ${SYNTH_TIMEOUT_S}s)"
  t0=$(date +%s.%N)
  timeout "$SYNTH_TIMEOUT_S" "$DARWAZA" synth --data "$TMP/data-$engine-$name" ${url:+--db "$url"} --citizens "$3" \
    --applications "$4" --services "$SCALE_SERVICES" --seed "$SEED" --sample-out "$TMP/sample-$engine-$name.tsv" \
    --sample-rows "$SAMPLE_ROWS" >"$TMP/synth-$engine-$name.log" 2>&1 ||
    die "darwaza synth ($key) failed or ran out of time: $(tail -n 5 "$TMP/synth-$engine-$name.log")"
  t1=$(date +%s.%N)
  cat "$TMP/synth-$engine-$name.log" >&2
  LOAD_S[$key]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if [[ -n "$url" ]]; then
    # What an operator does after a bulk load, so that the look-ups measure a settled server and not
    # the load's aftermath (autovacuum's first pass over the new rows, the write-back of gigabytes of
    # dirty buffers by the checkpointer): statistics and visibility now, then a checkpoint. Timed apart.
    step "$engine, $name database: VACUUM (ANALYZE), then CHECKPOINT"
    psql "$url" -qc 'VACUUM (ANALYZE)' && psql "$url" -qc 'CHECKPOINT' || die "VACUUM or CHECKPOINT failed ($key)"
    SETTLE_S[$key]=$(awk -v a="$t1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  fi
  BYTES[$key]=$(db_bytes "$engine" "$name")
  ROWS[$key]=$(($3 + $4))
  EVENTS[$key]=$(field events "$(grep '^SYNTH ' "$TMP/synth-$engine-$name.log")")
  PASSWORD=$(sed -n 's/^password of every synthetic account: //p' "$TMP/synth-$engine-$name.log")
  [[ -n "$PASSWORD" ]] || die "darwaza synth printed no password"
}

# wrk_once KEY SCRIPT CONNECTIONS ROUTE [THREADS]: one measured run; fills P50/P99/RPS/CODES under KEY (parse_result
# in bench/lib.sh) and SP99 (the node's own p99 for ROUTE over the run: route_p99 in bench/lib.sh; "n/a" if /metrics
# did not answer).
wrk_once() {
  local out line
  curl -sf -o "$TMP/metrics.before" "$BASE/metrics" || : >"$TMP/metrics.before"
  out=$(wrk -t"${5:-$THREADS}" -c"$3" -d"${DURATION}s" --latency -s "$2" "$BASE" 2>&1) || die "wrk ($1) failed: $out"
  line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from wrk ($1): $out"
  parse_result "$1" "$line"
  curl -sf -o "$TMP/metrics.after" "$BASE/metrics" || : >"$TMP/metrics.after"
  SP99[$1]=$(route_p99 "$4" "$TMP/metrics.before" "$TMP/metrics.after")
  printf '%-48s %s server_p99_ms=%s\n' "$1" "${line#RESULT }" "${SP99[$1]}" >&2
}

# measure ENGINE NAME ROUTE SCRIPT SERVER_ROUTE: warm-up, the run at full speed (key "ENGINE NAME ROUTE"), the run of one
# connection (key "... one", unless ONE_AT_A_TIME=0), then the paced run (key "... paced") at the rate fixed by the
# first database measured for this engine and route.
measure() {
  local key="$1 $2 $3" rate
  if ((WARMUP > 0)); then wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$4" "$BASE" >/dev/null 2>&1 || die "wrk warm-up ($key) failed"; fi
  wrk_once "$key" "$4" "$CONNECTIONS" "$5"
  if ((ONE_AT_A_TIME)); then wrk_once "$key one" "$4" 1 "$5" 1; fi
  paced || return 0
  [[ -n "${PACE_RATE[$1 $3]:-}" ]] || PACE_RATE[$1 $3]=$(awk -v r="${RPS[$key]}" -v f="$PACE_FRACTION" 'BEGIN { printf "%.0f", r * f }')
  paced_script "$4" "$4.paced" "${PACE_RATE[$1 $3]}" "$PACE_CONNECTIONS"
  wrk_once "$key paced" "$4.paced" "$PACE_CONNECTIONS" "$5"
}

stop_darwaza() {
  kill -TERM "$DARWAZA_PID" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$DARWAZA_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$DARWAZA_PID" 2>/dev/null && die "darwaza did not stop within 60 s"
  wait "$DARWAZA_PID" 2>/dev/null || true
  DARWAZA_PID=""
}

# app_script PAIRS FILE: GET /v1/applications/{id or tracking number} over the "TOKEN ID" lines of PAIRS, each with
# its owner's token.
app_script() {
  { echo 'local items = {'; awk '{ printf "  { \"%s\", \"%s\" },\n", $1, $2 }' "$1"; echo '}'
    echo 'local function make(a) return wrk.format("GET", "/v1/applications/" .. a[2], { ["Authorization"] = "Bearer " .. a[1] }) end'
  } | rotating_script "$2"
}

# lookups ENGINE NAME: serves the database and measures the look-ups.
lookups() {
  local engine=$1 name=$2 url sample="$TMP/sample-$1-$2.tsv" cnic token code id body agency officer n=0
  url=$(db_url "$engine" "$name")
  rm -rf "$TMP/data"
  mv "$TMP/data-$engine-$name" "$TMP/data"
  if [[ -n "$url" ]]; then export DARWAZA_DB="$url"; else unset DARWAZA_DB; fi
  step "$engine, $name database: darwaza serve, $LOOKUP_USERS citizens log in"
  start_darwaza
  : >"$TMP/tokens" && : >"$TMP/apps" && : >"$TMP/tracks"
  while read -r cnic; do
    code=$(curl -s -o "$TMP/login.json" -w '%{http_code}' -H 'Content-Type: application/json' \
      --data-binary '{"login":"'"$cnic"'","password":"'"$PASSWORD"'"}' "$BASE/v1/auth/login")
    [[ "$code" == 200 ]] || die "login of synthetic citizen $cnic returned $code: $(cat "$TMP/login.json")"
    token=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/login.json")
    echo "$token" >>"$TMP/tokens"
    code=$(curl -s -o "$TMP/mine.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/v1/applications?page_size=100")
    [[ "$code" == 200 ]] || die "GET /v1/applications returned $code: $(head -c 300 "$TMP/mine.json")"
    for id in $(grep -o '"id":"app_[a-z0-9]*"' "$TMP/mine.json" | cut -d'"' -f4); do echo "$token $id" >>"$TMP/apps"; done
    for t in $(grep -o '"tracking_number":"DZ-[A-Z0-9-]*"' "$TMP/mine.json" | cut -d'"' -f4); do echo "$token $t" >>"$TMP/tracks"; done
    n=$((n + 1))
  done < <(grep -v '^#' "$sample" | cut -f1 | awk '!seen[$0]++' | head -n "$LOOKUP_USERS")
  ((n > 0)) || die "no citizens in the sample $sample"
  [[ -s "$TMP/apps" ]] || die "the logged-in citizens have no applications"
  # The agency with the most sampled (submitted) applications, and one officer of it.
  agency=$(grep -v '^#' "$sample" | awk -F'\t' '$6 != "draft" { print $5 }' | sort | uniq -c | sort -rn | awk 'NR == 1 { print $2 }')
  [[ -n "$agency" ]] || die "no submitted applications in the sample"
  officer=$(staff_token officer "$agency")
  [[ -n "$officer" ]] || die "could not log in an officer of $agency"
  grep -v '^#' "$sample" | awk -F'\t' -v a="$agency" '$5 == a && $6 != "draft" { print $4 }' >"$TMP/tracking"
  echo "$n citizens with $(wc -l <"$TMP/apps") applications; officer of $agency with $(wc -l <"$TMP/tracking") tracking numbers" >&2

  # One request of each kind by hand: each must answer 200 before wrk runs it.
  token=$(head -n1 "$TMP/tokens")
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/v1/me")
  [[ "$code" == 200 ]] || die "GET /v1/me returned $code"
  read -r token id < <(head -n1 "$TMP/apps")
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/v1/applications/$id")
  [[ "$code" == 200 ]] || die "GET /v1/applications/$id returned $code"
  read -r token number < <(head -n1 "$TMP/tracks")
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/v1/applications/$number")
  [[ "$code" == 200 ]] || die "GET /v1/applications/$number (a tracking number) returned $code"
  body='{"record":"'"$(head -n1 "$TMP/tracking")"'","fields":["tracking_number","state"],"purpose":"Scale benchmark look-up"}'
  code=$(curl -s -o "$TMP/track.json" -w '%{http_code}' -H 'Content-Type: application/json' -H "Authorization: Bearer $officer" \
    --data-binary "$body" "$BASE/v1/exchange/registries/applications/query")
  [[ "$code" == 200 ]] || die "the tracking-number look-up returned $code: $(head -c 300 "$TMP/track.json")"

  { echo 'local items = {'; sed 's/.*/  "&",/' "$TMP/tokens"; echo '}'
    echo 'local function make(token) return wrk.format("GET", "/v1/me", { ["Authorization"] = "Bearer " .. token }) end'
  } | rotating_script "$TMP/me.lua"
  { echo 'local items = {'; sed 's/.*/  "&",/' "$TMP/tokens"; echo '}'
    echo 'local function make(token) return wrk.format("GET", "/v1/applications?page_size=20", { ["Authorization"] = "Bearer " .. token }) end'
  } | rotating_script "$TMP/mine.lua"
  app_script "$TMP/apps" "$TMP/app.lua"
  app_script "$TMP/tracks" "$TMP/tracking.lua"
  { echo 'local items = {'; sed 's/.*/  "&",/' "$TMP/tracking"; echo '}'
    echo "local token = \"$officer\""
    cat <<'EOF'
local function make(number)
  local body = '{"record":"' .. number .. '","fields":["tracking_number","state"],"purpose":"Scale benchmark look-up"}'
  return wrk.format("POST", "/v1/exchange/registries/applications/query",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
EOF
  } | rotating_script "$TMP/exchange.lua"

  step "$engine, $name database: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s per look-up (after ${WARMUP}s warm-up)$(paced && echo ", then paced")"
  measure "$engine" "$name" profile "$TMP/me.lua" "GET /v1/me"
  measure "$engine" "$name" application "$TMP/app.lua" "GET /v1/applications/{id}"
  measure "$engine" "$name" tracking "$TMP/tracking.lua" "GET /v1/applications/{id}"
  measure "$engine" "$name" exchange "$TMP/exchange.lua" "POST /v1/exchange/registries/{name}/query"
  measure "$engine" "$name" list "$TMP/mine.lua" "GET /v1/applications"
  stop_darwaza
  mv "$TMP/data" "$TMP/data-$engine-$name"
}

for engine in "${ENGINES[@]}"; do
  if [[ "$engine" == postgresql ]]; then pg_start; fi
  synth "$engine" empty "$EMPTY_CITIZENS" "$EMPTY_APPLICATIONS"
  synth "$engine" full "$SCALE_CITIZENS" "$SCALE_APPLICATIONS"
  lookups "$engine" empty
  lookups "$engine" full
  if [[ "$engine" == postgresql ]]; then
    unset DARWAZA_DB
    pg_stop
  fi
done

# ---------------------------------------------------------------- report
echo
echo "Darwaza scale benchmark (issue 9) - $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(machine)"
echo "disk: $(df -P "$TMP" | awk 'NR == 2 { print $1 }') ($(findmnt -no FSTYPE -T "$TMP" 2>/dev/null || echo '?')); load average before: $LOADAVG_BEFORE, after: $(cut -d" " -f1-3 /proc/loadavg)"
echo "darwaza: $("$DARWAZA" version 2>/dev/null | head -n1 || echo '?') (build: ${build_type:-unknown}, commit $commit)"
echo "data: full = $SCALE_CITIZENS citizens + $SCALE_APPLICATIONS applications, empty = $EMPTY_CITIZENS + $EMPTY_APPLICATIONS; $SCALE_SERVICES services, seed $SEED"
echo "look-ups: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after ${WARMUP}s warm-up; $LOOKUP_USERS citizens' tokens, their applications, one officer's tracking numbers"
echo
# table SUFFIX: one row per engine and look-up, over the runs whose keys end in SUFFIX ("", " one" or " paced").
table() {
  local engine route e f ratio goal goal2 rate
  printf '| %-10s | %-11s | %9s | %10s | %10s | %8s | %8s | %8s | %-7s | %-7s | %9s | %11s | %s\n' engine look-up "offered/s" "empty p50" \
    "empty p99" "full p50" "full p99" ratio "< ${GOAL_P99_MS} ms" "<= ${GOAL_RATIO}x" "full req/s" "node p99 e/f" "full codes |"
  printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' ------------ ------------- ----------: -----------: -----------: ---------: ---------: \
    ---------: --------- --------- ----------: ------------: ------------
  for engine in "${ENGINES[@]}"; do
    for route in profile application tracking exchange list; do
      e="$engine empty $route$1" f="$engine full $route$1"
      rate=all-out
      [[ "$1" != " paced" ]] || rate=${PACE_RATE[$engine $route]}
      [[ "$1" != " one" ]] || rate=one-by-one
      ratio=$(awk -v a="${P99[$f]}" -v b="${P99[$e]}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')
      goal=$(awk -v p="${P99[$f]}" -v g="$GOAL_P99_MS" 'BEGIN { print (p < g ? "MET" : "NOT MET") }')
      goal2=$(awk -v r="$ratio" -v g="$GOAL_RATIO" 'BEGIN { print (r != "n/a" && r <= g ? "MET" : "NOT MET") }')
      printf '| %-10s | %-11s | %9s | %10s | %10s | %8s | %8s | %8s | %-7s | %-7s | %10s | %12s | %s |\n' "$engine" "$route" "$rate" \
        "${P50[$e]}" "${P99[$e]}" "${P50[$f]}" "${P99[$f]}" "${ratio}x" "$goal" "$goal2" "${RPS[$f]}" "${SP99[$e]}/${SP99[$f]}" "${CODES[$f]}"
    done
  done
}
echo "(p50 and p99 in ms as wrk sees them, the goals' figures; \"node p99 e/f\" is darwaza's own p99 on the empty/full database,"
echo " from the header read to the answer ready to write, interpolated in its /metrics histogram: the rest of wrk's p99 is the"
echo " queue, the kernel and the scheduler of the machine that runs wrk, darwaza and PostgreSQL together.)"
echo "At full speed (wrk's closed loop, -c$CONNECTIONS: each request sent as soon as the last is answered):"
table ""
if ((ONE_AT_A_TIME)); then
  echo
  echo "One request at a time (wrk -t1 -c1: each request alone on the machine, none queued behind another):"
  table " one"
fi
if paced; then
  echo
  echo "Paced, below saturation ($PACE_FRACTION of the empty database's full-speed rate, offered by $PACE_CONNECTIONS connections with random pauses):"
  table " paced"
fi
echo
for engine in "${ENGINES[@]}"; do
  e="$engine empty" f="$engine full"
  per_m=$(awk -v a="${BYTES[$e]}" -v b="${BYTES[$f]}" -v ra="${ROWS[$e]}" -v rb="${ROWS[$f]}" \
    'BEGIN { if (rb > ra) printf "%.1f MiB", (b - a) / (rb - ra) * 1e6 / 1048576; else print "n/a" }')
  rate=$(awk -v r="${ROWS[$f]}" -v s="${LOAD_S[$f]}" 'BEGIN { if (s > 0) printf "%.0f", r / s; else print "n/a" }')
  echo "$engine: load of the full database ${LOAD_S[$f]} s ($rate citizens+applications/s; ${EVENTS[$f]} timeline events as well);" \
    "size $(awk -v b="${BYTES[$f]}" 'BEGIN { printf "%.1f MiB", b / 1048576 }') (empty: $(awk -v b="${BYTES[$e]}" 'BEGIN { printf "%.1f MiB", b / 1048576 }'));" \
    "$per_m per million rows (citizens + applications, with their events, payments and indexes)"
  [[ -z "${SETTLE_S[$f]:-}" ]] || echo "$engine: then VACUUM (ANALYZE) and CHECKPOINT of the full database ${SETTLE_S[$f]} s, before any look-up"
done
bad=0
for k in "${!NON2XX[@]}"; do ((${NON2XX[$k]:-0} == 0)) || { echo "WARNING: $k saw ${NON2XX[$k]} non-2xx responses (${CODES[$k]})"; bad=1; }; done
((bad == 0)) || echo "(latencies of runs with non-2xx responses are not comparable)"

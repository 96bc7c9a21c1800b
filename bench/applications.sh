#!/usr/bin/env bash
# Applications and catalog-search benchmark for Darwaza (issue 4). A benchmark, not a test: run it by hand.
#
#   bench/applications.sh    # ~2 minutes; prints the figures recorded in bench/RESULTS.md
#
# What it does, all on 127.0.0.1:
#   1. installs wrk, nginx-light and sqlite3 with apt-get if missing (Debian; needs root), brings ./build up to date
#      (`ninja -C build darwaza`, or a Release configure first if there is no build folder);
#   2. writes a synthetic catalog (`darwaza catalog synth --count 8000`) plus tests/fixtures/services/*.json into a
#      temp folder, starts `darwaza serve --catalog-dir` on it and times start -> GET /readyz 200 (the catalog load);
#   3. signs up and logs in one citizen;
#   4. durable submissions: wrk POST /v1/applications (service test-permit) for DURATION seconds, wrk not counting
#      status codes itself (darwaza's /metrics counts them; every answer must be a 201). Every 201 is an
#      application whose commit is on disk: darwaza's group commit batches concurrent writes into one commit, and
#      its syncer thread answers them after an fdatasync of the log that began after that commit (one flush covers
#      every commit before it). /metrics is read before and after to get the number of commits and flushes, hence
#      the average batch size, and the commit-latency histogram;
#   5. catalog search: wrk rotating through English and Urdu query words on GET /v1/services?q=WORD, then one
#      browse run on GET /v1/services?agency=pta&page=3, then the same search over one connection (latency of a
#      single query without queueing);
#   6. nginx baseline: a private nginx (worker_processes auto) serving static files with exactly the bodies darwaza
#      returned for one submission and for one search, same wrk load; prints darwaza/nginx ratios;
#   7. prints a table, the goals of issue 4 (>= 20,000 durable submissions/s on this 2-core box; search p99 < 5 ms)
#      with MET / NOT MET, and checks that the database holds exactly as many applications as darwaza answered 201.
#      Each run also shows "other CPU": the share of the CPUs used by other processes meanwhile (a shared box).
#
# Tunables (environment): DURATION (s, default 10), THREADS (2), CONNECTIONS (64, submissions and nginx),
# SEARCH_CONNECTIONS (16), WARMUP (s, 2), COUNT (synthetic services, 8000),
# DARWAZA (path of the binary to measure; default ./build/darwaza, built/updated with ninja),
# SERVE_EXTRA (more `darwaza serve` options, e.g. "--catalog-search database" to measure the per-request
# full-text search instead of the in-memory index).
set -euo pipefail

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
SEARCH_CONNECTIONS=${SEARCH_CONNECTIONS:-16}
WARMUP=${WARMUP:-2}
COUNT=${COUNT:-8000}
SERVE_EXTRA=${SERVE_EXTRA:-}
GOAL_SUBMISSIONS_PER_S=20000
GOAL_SEARCH_P99_MS=5

BENCH_NAME=bench/applications.sh
BENCH_EXTRA_TOOLS=sqlite3
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOADAVG_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-bench.XXXXXX")
chmod 755 "$TMP"  # nginx workers run as nobody when started as root and must reach $TMP/www

# ---------------------------------------------------------------- catalog
synth_catalog

# ---------------------------------------------------------------- darwaza
step "starting darwaza with --catalog-dir (timing start -> /readyz 200)"
START=$(date +%s.%N)
# shellcheck disable=SC2086 # SERVE_EXTRA is a list of options
start_darwaza --catalog-dir "$TMP/services" $SERVE_EXTRA
alive() { kill -0 "$DARWAZA_PID" 2>/dev/null || die "darwaza (pid $DARWAZA_PID) is no longer running ($*)"; }
READY=$(date +%s.%N)
LOAD_S=$(awk -v a="$START" -v b="$READY" 'BEGIN { printf "%.2f", b - a }')
LOAD_LINE=$(grep -o 'catalog: [0-9]* added, [0-9]* updated, [0-9]* unchanged' "$TMP/darwaza.log" | head -n1 || true)
echo "darwaza pid $DARWAZA_PID on $BASE, ready after ${LOAD_S}s (${LOAD_LINE:-no 'catalog:' line in the log})" >&2

step "creating a citizen and logging in"
citizen_login "$BASE"

# One submission by hand: checks the request works and gives the body size for nginx.
mkdir -p "$TMP/www"
submit_once "$BASE" "$TMP/www/submission.json"
SUBMISSION_BYTES=$(wc -c <"$TMP/www/submission.json")
BY_HAND_201=1

# ---------------------------------------------------------------- search words
step "search words (${#WORDS[@]}) and how many services each matches"
search_paths "$BASE"
# The nginx baseline for search serves the body of the first query ("licence") byte for byte.
cp "$TMP/search-first.json" "$TMP/www/search.json"
SEARCH_SAMPLE=${WORDS[0]}
SEARCH_BYTES=$(wc -c <"$TMP/www/search.json")
BROWSE_PATH="/v1/services?agency=pta&page=3"
code=$(curl -s -o "$TMP/browse.json" -w '%{http_code}' "$BASE$BROWSE_PATH")
[[ "$code" == 200 ]] || die "GET $BROWSE_PATH returned $code: $(head -c 300 "$TMP/browse.json")"
BROWSE_ITEMS=$(grep -o '"id":' "$TMP/browse.json" | wc -l)
BROWSE_TOTAL=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$TMP/browse.json")
echo "  browse $BROWSE_PATH: $BROWSE_ITEMS items of ${BROWSE_TOTAL:-?}, $(wc -c <"$TMP/browse.json") B" >&2
chmod -R a+rX "$TMP/www"

# ---------------------------------------------------------------- nginx
start_nginx submission.json
[[ $(curl -s "$NGINX_BASE/submission.json" | wc -c) -eq $SUBMISSION_BYTES ]] || die "nginx serves submission.json with the wrong size"
[[ $(curl -s "$NGINX_BASE/search.json" | wc -c) -eq $SEARCH_BYTES ]] || die "nginx serves search.json with the wrong size"

# ---------------------------------------------------------------- wrk scripts
# Each script's request part, then the shared reporting (bench/wrk_report.lua); the other CPU use of each run is
# shown as "other CPU" (see run() in bench/lib.sh). The submission run and its nginx baseline do not count status
# codes in wrk ("uncounted": wrk's Lua would see every response, about 3 us of wrk's CPU per request on this box):
# darwaza's /metrics gives the submissions' codes, and the check at the end requires every one of them to be a 201.
get_script "$TMP/get.lua"
get_script "$TMP/get-uncounted.lua" uncounted
submit_script "$TMP/submit.lua" uncounted
search_script "$TMP/search.lua"

# ---------------------------------------------------------------- submissions
S_NAME="darwaza POST /v1/applications"
step "durable submissions: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s (after ${WARMUP}s warm-up)"
# The warm-up runs inside run(); /metrics must be read after it, so warm up here and pass 0 to run().
if ((WARMUP > 0)); then
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$TMP/submit.lua" "$BASE/v1/applications" 2>&1) ||
    die "wrk warm-up of the submissions failed: $out"
  line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from the submission warm-up: $out"
  [[ $(field non2xx "$line") == 0 ]] || die "the submission warm-up saw answers above 399: $(field codes "$line")"
  SUBMIT_WARM201=$(($(field requests "$line") - $(field non2xx "$line")))  # each a 201: see SUBMIT_CODES below
  echo "warm-up: ${line#RESULT }" >&2
else
  SUBMIT_WARM201=0
fi
sleep 1  # let requests that wrk abandoned at the end of the warm-up finish
curl -sf -o "$TMP/metrics.before" "$BASE/metrics" || die "GET /metrics failed"
run "$S_NAME" "$BASE/v1/applications" "$TMP/submit.lua" "$CONNECTIONS" 0
sleep 1
alive "after the submission run"
curl -sf -o "$TMP/metrics.after" "$BASE/metrics" || die "GET /metrics failed"

COMMITS=$(awk -v a="$(metric darwaza_db_commit_duration_seconds_count "$TMP/metrics.before")" \
  -v b="$(metric darwaza_db_commit_duration_seconds_count "$TMP/metrics.after")" 'BEGIN { print b - a }')
COMMIT_SUM=$(awk -v a="$(metric darwaza_db_commit_duration_seconds_sum "$TMP/metrics.before")" \
  -v b="$(metric darwaza_db_commit_duration_seconds_sum "$TMP/metrics.after")" 'BEGIN { printf "%.6f", b - a }')
SERVER201_RUN=$(($(submit201 "$TMP/metrics.after") - $(submit201 "$TMP/metrics.before")))
BATCH=$(awk -v s="$SERVER201_RUN" -v c="$COMMITS" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "n/a" }')
WRK_ANSWERED=$((${REQS[$S_NAME]} - ${NON2XX[$S_NAME]}))  # below 400, each a 201 (SUBMIT_CODES below)
BATCH_WRK=$(awk -v s="$WRK_ANSWERED" -v c="$COMMITS" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "n/a" }')
SYNCS=$(awk -v a="$(metric darwaza_db_sync_duration_seconds_count "$TMP/metrics.before")" \
  -v b="$(metric darwaza_db_sync_duration_seconds_count "$TMP/metrics.after")" 'BEGIN { print b - a }')
SYNC_SUM=$(awk -v a="$(metric darwaza_db_sync_duration_seconds_sum "$TMP/metrics.before")" \
  -v b="$(metric darwaza_db_sync_duration_seconds_sum "$TMP/metrics.after")" 'BEGIN { printf "%.6f", b - a }')
SYNC_MEAN_MS=$(awk -v s="$SYNC_SUM" -v c="$SYNCS" 'BEGIN { if (c > 0) printf "%.3f", 1000 * s / c; else print "n/a" }')
PER_SYNC=$(awk -v s="$SERVER201_RUN" -v c="$SYNCS" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "n/a" }')
COMMIT_MEAN_MS=$(awk -v s="$COMMIT_SUM" -v c="$COMMITS" 'BEGIN { if (c > 0) printf "%.3f", 1000 * s / c; else print "n/a" }')
COMMITS_PER_S=$(awk -v c="$COMMITS" -v d="$DURATION" 'BEGIN { printf "%.0f", c / d }')
# Commit-latency histogram over the run: per-bucket increase, as "<= bound: n".
COMMIT_BUCKETS=$(awk '
  FNR == 1 { f++ }
  /^darwaza_db_commit_duration_seconds_bucket/ {
    match($1, /le="[^"]*"/); le = substr($1, RSTART + 4, RLENGTH - 5)
    if (f == 1) before[le] = $2; else { after[le] = $2; order[++n] = le }
  }
  END {
    prev = 0
    for (i = 1; i <= n; i++) {
      le = order[i]; cum = after[le] - before[le]; d = cum - prev; prev = cum
      if (d > 0) printf "%s%s: %d", (out++ ? ", " : ""), (le == "+Inf" ? "> 2.5 s" : "<= " le * 1000 " ms"), d
    }
  }' "$TMP/metrics.before" "$TMP/metrics.after")
echo "commits during the run: $COMMITS ($COMMITS_PER_S/s), sum ${COMMIT_SUM}s, mean ${COMMIT_MEAN_MS} ms; 201s counted by darwaza: $SERVER201_RUN -> average batch $BATCH submissions per commit" >&2
echo "commit latency histogram (run only): $COMMIT_BUCKETS" >&2

# ---------------------------------------------------------------- search
step "catalog search: wrk -t$THREADS -c$SEARCH_CONNECTIONS -d${DURATION}s over ${#WORDS[@]} words (after ${WARMUP}s warm-up)"
Q_NAME="darwaza GET /v1/services?q="
B_NAME="darwaza GET $BROWSE_PATH"
run "$Q_NAME" "$BASE/" "$TMP/search.lua" "$SEARCH_CONNECTIONS" "$WARMUP"
alive "after the search run"
run "$B_NAME" "$BASE$BROWSE_PATH" "$TMP/get.lua" "$SEARCH_CONNECTIONS" "$WARMUP"
alive "after the browse run"
# The same search over one connection: the latency of one query with no queueing behind other requests.
Q1_NAME="darwaza GET /v1/services?q= (-c1)"
THREADS_SAVED=$THREADS
THREADS=1
run "$Q1_NAME" "$BASE/" "$TMP/search.lua" 1 0
THREADS=$THREADS_SAVED
alive "after the one-connection search run"

# ---------------------------------------------------------------- nginx runs
step "nginx baseline: same wrk load on static files of the same bodies"
NS_NAME="nginx static ${SUBMISSION_BYTES} B"
NQ_NAME="nginx static ${SEARCH_BYTES} B"
run "$NS_NAME" "$NGINX_BASE/submission.json" "$TMP/get-uncounted.lua" "$CONNECTIONS" "$WARMUP"
run "$NQ_NAME" "$NGINX_BASE/search.json" "$TMP/get.lua" "$SEARCH_CONNECTIONS" "$WARMUP"

# ---------------------------------------------------------------- database
step "database"
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)
[[ "$code" == 200 ]] || die "GET /readyz returned $code after the benchmark"
curl -sf -o "$TMP/metrics.end" "$BASE/metrics" || die "GET /metrics failed"
DB="$TMP/data/darwaza.db"
[[ -f "$DB" ]] || die "no database at $DB"
DB_APPS=$(sqlite3 "$DB" 'PRAGMA busy_timeout=5000; select count(*) from applications' | tail -n1) ||
  die "sqlite3 could not count the applications"
DB_BYTES=$(stat -c %s "$DB")
WAL_BYTES=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
SERVER201_ALL=$(submit201 "$TMP/metrics.end")
WRK201_ALL=$((BY_HAND_201 + SUBMIT_WARM201 + WRK_ANSWERED))
# Every answer darwaza gave on the submission route, by status: all of them must be 201s.
SUBMIT_CODES=$(submit_codes "$TMP/metrics.end")
SUBMIT_RUN_CODES=$(submit_codes "$TMP/metrics.after" "$TMP/metrics.before")
CODES[$S_NAME]="darwaza $SUBMIT_RUN_CODES, wrk ${CODES[$S_NAME]}"
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DARWAZA_PID/status")
LOG_PROBLEMS=$(grep -c -E ' (warn|error|critical) ' "$TMP/darwaza.log" || true)

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "n/a" }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
SUBMIT_GOAL=$(awk -v r="${RPS[$S_NAME]}" -v g="$GOAL_SUBMISSIONS_PER_S" 'BEGIN { print (r >= g ? "MET" : "NOT MET") }')
SEARCH_GOAL=$(awk -v p="${P99[$Q_NAME]}" -v g="$GOAL_SEARCH_P99_MS" 'BEGIN { print (p < g ? "MET" : "NOT MET") }')
BROWSE_GOAL=$(awk -v p="${P99[$B_NAME]}" -v g="$GOAL_SEARCH_P99_MS" 'BEGIN { print (p < g ? "MET" : "NOT MET") }')
SEARCH1_GOAL=$(awk -v p="${P99[$Q1_NAME]}" -v g="$GOAL_SEARCH_P99_MS" 'BEGIN { print (p < g ? "MET" : "NOT MET") }')

echo
echo "Darwaza applications and catalog search benchmark - $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(machine)"
echo "disk of the database: $(df -P "$TMP" | awk 'NR == 2 { print $1 }') ($(findmnt -no FSTYPE -T "$TMP" 2>/dev/null || echo '?'))"
echo "tools: $(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }'), $("$NGINX" -v 2>&1 | sed 's/.*: //'), sqlite3 $(sqlite3 --version | cut -d' ' -f1), $("$DARWAZA" version 2>/dev/null | head -n1 || echo 'darwaza ?') (build: ${build_type:-unknown}, commit $commit)"
echo "load average before the runs: $LOADAVG_BEFORE"
echo "catalog: $SERVICE_FILES definitions ($COUNT synthetic + fixtures, $(mib "$CATALOG_BYTES")); start -> /readyz 200 took ${LOAD_S} s (${LOAD_LINE:-?})"
echo "load: wrk -t$THREADS -d${DURATION}s, -c$CONNECTIONS for submissions, -c$SEARCH_CONNECTIONS for search/browse; ${WARMUP}s warm-up each; darwaza defaults, --access-log off --rate-limit-per-minute 0"
echo "bodies: submission response $SUBMISSION_BYTES B, search '$SEARCH_SAMPLE' $SEARCH_BYTES B (nginx serves these bytes)"
echo
printf '| %-42s | %10s | %8s | %8s | %-9s | %-9s | %s\n' "target" "req/s" "p50 ms" "p99 ms" "vs nginx" "other CPU" "status codes / socket errors |"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "--------------------------------------------" "-----------:" "---------:" "---------:" "-----------" "----------:" "------------------------------"
row() {
  local name=$1 base=$2 r="-"
  [[ -n "$base" ]] && r=$(ratio "${RPS[$name]}" "${RPS[$base]}")
  printf '| %-42s | %10s | %8s | %8s | %-9s | %9s | %s; %s |\n' "$name" "${RPS[$name]}" "${P50[$name]}" "${P99[$name]}" "$r" "${OTHER[$name]} %" "${CODES[$name]}" "${ERRS[$name]}"
}
row "$S_NAME" "$NS_NAME"
row "$NS_NAME" ""
row "$Q_NAME" "$NQ_NAME"
row "$NQ_NAME" ""
row "$B_NAME" ""
row "$Q1_NAME" ""
echo
echo "group commit during the submission run: $COMMITS commits ($COMMITS_PER_S/s) for $SERVER201_RUN submissions -> average batch $BATCH submissions per commit (by wrk's 201 count: $BATCH_WRK)"
echo "commit latency (COMMIT, the log written but not flushed): mean $COMMIT_MEAN_MS ms (sum ${COMMIT_SUM} s / count $COMMITS); buckets: $COMMIT_BUCKETS"
echo "log flushes (fdatasync by the syncer thread; the 201s wait for them): $SYNCS, mean $SYNC_MEAN_MS ms, $PER_SYNC submissions per flush"
echo
echo "goal (issue 4): >= $GOAL_SUBMISSIONS_PER_S durable submissions/s on this $(nproc)-core box: ${RPS[$S_NAME]}/s -> $SUBMIT_GOAL"
echo "goal (issue 4): search p99 < $GOAL_SEARCH_P99_MS ms: ${P99[$Q_NAME]} ms at -c$SEARCH_CONNECTIONS -> $SEARCH_GOAL (browse by agency: ${P99[$B_NAME]} ms -> $BROWSE_GOAL; one connection: ${P99[$Q1_NAME]} ms -> $SEARCH1_GOAL)"
echo
echo "database after the run: $DB_APPS applications; darwaza.db $(mib "$DB_BYTES") + WAL $(mib "$WAL_BYTES")"
echo "201 responses: wrk saw $WRK201_ALL (1 by curl + $SUBMIT_WARM201 warm-up + $WRK_ANSWERED run: answers below 400); darwaza counted $SERVER201_ALL in /metrics, its answers on POST /v1/applications by status: $SUBMIT_CODES"
CHECK_OK=1
[[ "$SUBMIT_CODES" == "201:$SERVER201_ALL" ]] || { echo "MISMATCH: darwaza answered submissions with other codes than 201"; CHECK_OK=0; }
count_check "$DB_APPS" "$SERVER201_ALL" "$WRK201_ALL" "$CONNECTIONS" || CHECK_OK=0
echo
echo "darwaza memory: peak RSS (VmHWM) $(awk -v k="$HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB; log: $LOG_PROBLEMS warn/error lines"
if ((LOG_PROBLEMS > 0)); then grep -E ' (warn|error|critical) ' "$TMP/darwaza.log" | sort | uniq -c | sort -rn | head -n 10; fi

run_warnings
((CHECK_OK == 1)) || echo "WARNING: the applications in the database, the 201 responses and darwaza's status codes do not agree; that is a bug"

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
#   4. durable submissions: wrk POST /v1/applications (service test-permit) for DURATION seconds. Every 201 is an
#      application committed with synchronous=FULL; darwaza's group commit batches concurrent writes into one
#      fsync. /metrics is read before and after to get the number of commits, hence the average batch size, and
#      the commit-latency histogram;
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

"$DARWAZA" catalog --help 2>/dev/null | grep -qE '^[[:space:]]+synth[[:space:]]' ||
  die "'$DARWAZA catalog synth' does not exist (see '$DARWAZA catalog --help'); this benchmark needs it to build a synthetic catalog"

LOADAVG_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-bench.XXXXXX")
chmod 755 "$TMP"  # nginx workers run as nobody when started as root and must reach $TMP/www

# ---------------------------------------------------------------- catalog
step "writing $COUNT synthetic service definitions"
t0=$(date +%s.%N)
"$DARWAZA" catalog synth --count "$COUNT" --out "$TMP/services" >"$TMP/synth.log" 2>&1 ||
  die "darwaza catalog synth failed: $(tail -n 5 "$TMP/synth.log")"
t1=$(date +%s.%N)
cp tests/fixtures/services/*.json "$TMP/services/" || die "could not copy tests/fixtures/services/*.json"
[[ -f "$TMP/services/test-permit.json" ]] || die "tests/fixtures/services/test-permit.json is missing"
SERVICE_FILES=$(find "$TMP/services" -maxdepth 1 -name '*.json' | wc -l)
CATALOG_BYTES=$(du -sb "$TMP/services" | cut -f1)
SYNTH_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
echo "$SERVICE_FILES definition files, $(awk -v b="$CATALOG_BYTES" 'BEGIN { printf "%.1f", b / 1048576 }') MiB, written in ${SYNTH_S}s" >&2

# ---------------------------------------------------------------- darwaza
step "starting darwaza with --catalog-dir (timing start -> /readyz 200)"
START=$(date +%s.%N)
"$DARWAZA" serve --listen 127.0.0.1:0 --port-file "$TMP/port" --data "$TMP/data" \
  --access-log off --rate-limit-per-minute 0 --catalog-dir "$TMP/services" $SERVE_EXTRA >"$TMP/darwaza.log" 2>&1 &
DARWAZA_PID=$!

alive() { kill -0 "$DARWAZA_PID" 2>/dev/null || die "darwaza (pid $DARWAZA_PID) is no longer running ($*)"; }

# The catalog is loaded before the server listens, so allow up to 5 minutes for the port file.
for _ in $(seq 6000); do
  [[ -s "$TMP/port" ]] && break
  alive "while starting (loading the catalog)"
  sleep 0.05
done
[[ -s "$TMP/port" ]] || die "darwaza did not write its port file within 5 minutes"
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"

ready=""
code=""
for _ in $(seq 2000); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)
  if [[ "$code" == 200 ]]; then ready=1; break; fi
  alive "while waiting for /readyz"
  sleep 0.05
done
[[ -n "$ready" ]] || die "GET /readyz did not return 200 within 100 s of listening (last status: $code)"
READY=$(date +%s.%N)
LOAD_S=$(awk -v a="$START" -v b="$READY" 'BEGIN { printf "%.2f", b - a }')
LOAD_LINE=$(grep -o 'catalog: [0-9]* added, [0-9]* updated, [0-9]* unchanged' "$TMP/darwaza.log" | head -n1 || true)
echo "darwaza pid $DARWAZA_PID on $BASE, ready after ${LOAD_S}s (${LOAD_LINE:-no 'catalog:' line in the log})" >&2

step "creating a citizen and logging in"
CNIC="35202-1234567-1"
PASSWORD="correct horse battery"
SIGNUP='{"cnic":"'$CNIC'","name":"Bench User","email":"bench@example.pk","mobile":"+923001234567","password":"'$PASSWORD'"}'
LOGIN='{"login":"'$CNIC'","password":"'$PASSWORD'"}'
code=$(curl -s -o "$TMP/signup.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$SIGNUP" "$BASE/v1/auth/signup")
[[ "$code" == 201 ]] || die "POST /v1/auth/signup returned $code: $(cat "$TMP/signup.json")"
code=$(curl -s -o "$TMP/login.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$LOGIN" "$BASE/v1/auth/login")
[[ "$code" == 200 ]] || die "POST /v1/auth/login returned $code: $(cat "$TMP/login.json")"
TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/login.json")
[[ -n "$TOKEN" ]] || die "no token in the login response: $(cat "$TMP/login.json")"

# One submission by hand: checks the request works and gives the body size for nginx.
SUBMIT='{"service_id":"test-permit","data":{"purpose":"Benchmark","endpoints":["8.8.8.0/24"]}}'
mkdir -p "$TMP/www"
code=$(curl -s -o "$TMP/www/submission.json" -D "$TMP/submission.headers" -w '%{http_code}' \
  -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" --data-binary "$SUBMIT" "$BASE/v1/applications")
[[ "$code" == 201 ]] || die "POST /v1/applications returned $code: $(cat "$TMP/www/submission.json")"
SUBMISSION_BYTES=$(wc -c <"$TMP/www/submission.json")
BY_HAND_201=1

# ---------------------------------------------------------------- search words
# Realistic queries a citizen would type, in English and Urdu; some are two words, one matches nothing here.
WORDS=(licence registration permit renewal certificate "driving licence" pharmacy restaurant "arms licence" import
  hotel duplicate passport
  رجسٹریشن لائسنس تجدید اجازت سرٹیفکیٹ "ڈرائیونگ لائسنس" اسلحہ ہوٹل منظوری دکان)
urlencode() {
  local LC_ALL=C s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}
step "search words (${#WORDS[@]}) and how many services each matches"
PATHS=()
SEARCH_SAMPLE=""
for w in "${WORDS[@]}"; do
  p="/v1/services?q=$(urlencode "$w")"
  PATHS+=("$p")
  code=$(curl -s -o "$TMP/search.json" -w '%{http_code}' "$BASE$p")
  [[ "$code" == 200 ]] || die "GET $p returned $code: $(head -c 300 "$TMP/search.json")"
  total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$TMP/search.json")
  printf '  %-18s total %6s, %6d B\n' "$w" "${total:-?}" "$(wc -c <"$TMP/search.json")" >&2
  # The nginx baseline for search serves the body of the first query ("licence") byte for byte.
  [[ -n "$SEARCH_SAMPLE" ]] || { cp "$TMP/search.json" "$TMP/www/search.json"; SEARCH_SAMPLE=$w; }
done
SEARCH_BYTES=$(wc -c <"$TMP/www/search.json")
BROWSE_PATH="/v1/services?agency=pta&page=3"
code=$(curl -s -o "$TMP/browse.json" -w '%{http_code}' "$BASE$BROWSE_PATH")
[[ "$code" == 200 ]] || die "GET $BROWSE_PATH returned $code: $(head -c 300 "$TMP/browse.json")"
BROWSE_ITEMS=$(grep -o '"id":' "$TMP/browse.json" | wc -l)
BROWSE_TOTAL=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$TMP/browse.json")
echo "  browse $BROWSE_PATH: $BROWSE_ITEMS items of ${BROWSE_TOTAL:-?}, $(wc -c <"$TMP/browse.json") B" >&2
chmod -R a+rX "$TMP/www"

# ---------------------------------------------------------------- nginx
step "starting nginx"
mkdir -p "$TMP/nginx"
nginx_conf() {
  cat <<EOF
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  open_file_cache max=16;
  keepalive_timeout 65;
  keepalive_requests 1000000;  # like darwaza, never close a busy keep-alive connection (nginx's default is 1000)
  server {
    listen 127.0.0.1:$1;
    root $TMP/www;
  }
}
EOF
}
NGINX_BASE=""
for _ in 1 2 3 4 5; do
  nport=$((20000 + RANDOM % 40000))
  nginx_conf "$nport" >"$TMP/nginx/nginx.conf"
  "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log" >"$TMP/nginx/stdout.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 50); do
    if curl -sf -o /dev/null "http://127.0.0.1:$nport/submission.json"; then NGINX_BASE="http://127.0.0.1:$nport"; break; fi
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$NGINX_BASE" ]] && break
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
done
[[ -n "$NGINX_BASE" ]] || die "nginx did not start (see $TMP/nginx/error.log above)"
[[ $(curl -s "$NGINX_BASE/submission.json" | wc -c) -eq $SUBMISSION_BYTES ]] || die "nginx serves submission.json with the wrong size"
[[ $(curl -s "$NGINX_BASE/search.json" | wc -c) -eq $SEARCH_BYTES ]] || die "nginx serves search.json with the wrong size"
echo "nginx pid $NGINX_PID on $NGINX_BASE ($(pgrep -c -P "$NGINX_PID" || true) workers)" >&2

# ---------------------------------------------------------------- wrk scripts
# Each script's request part, then the shared reporting (bench/wrk_report.lua).
# Plain GETs: only the counting.
{
  echo 'function init(args) codes = {} end'
  cat "$WRK_REPORT"
} >"$TMP/get.lua"
# Submissions: POST with the JSON body and the bearer token.
{
  echo 'wrk.method = "POST"'
  echo 'wrk.headers["Content-Type"] = "application/json"'
  echo "wrk.headers[\"Authorization\"] = \"Bearer $TOKEN\""
  echo "wrk.body = [[$SUBMIT]]"
  echo 'function init(args) codes = {} end'
  cat "$WRK_REPORT"
} >"$TMP/submit.lua"
# Search: every request takes the next query word; each thread starts at a different word.
{
  echo 'local paths = {'
  for p in "${PATHS[@]}"; do echo "  \"$p\","; done
  echo '}'
  cat <<'EOF'
local i = 0
function init(args)
  codes = {}
  i = ((tid or 1) - 1) * 7
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
EOF
  cat "$WRK_REPORT"
} >"$TMP/search.lua"

declare -A RPS P99 P50 NON2XX N201 CODES ERRS REQS OTHER KTHR STEAL

# Interference check. This box may be shared (other jobs compiling), which moves every figure. For each measured
# run, the CPU time used by other processes (not darwaza, nginx, this script's children such as wrk and curl, nor
# kernel threads) is taken from /proc and shown as "other CPU" (% of all CPUs); hypervisor steal likewise.
# /proc/stat "cpu" line: total ticks, busy in processes (user + nice + system; irq and softirq time is left out, it
# is mostly the loopback traffic of the benchmark itself and is charged to no process), steal.
cpu_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $2 + $3 + $4, $9 }' /proc/stat; }
# Kernel threads (children of kthreadd, pid 2): journal commits, writeback, softirqs. Much of this is darwaza's
# fsync work, so it is shown apart and not counted as interference.
kthread_ticks() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk '{ i = index($0, ") "); n = split(substr($0, i + 2), f, " ")
    if (f[2] == 2 || $1 == 2) t += f[12] + f[13] } END { print t + 0 }'
}
ours_ticks() {
  local t=0 p
  for p in $DARWAZA_PID $NGINX_PID $(pgrep -P "${NGINX_PID:-0}" 2>/dev/null || true); do
    [[ -r /proc/$p/stat ]] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  # utime/stime of the children this script has waited for (wrk, curl, sqlite3, via command substitutions)
  echo $((t + $(sed 's/.*) //' "/proc/$$/stat" | awk '{ print $14 + $15 }')))
}
SNAP=""
snap_begin() { SNAP="$(cpu_ticks) $(ours_ticks) $(kthread_ticks)"; }
# snap_end NAME: sets OTHER[NAME], KTHR[NAME] and STEAL[NAME] (percent of all CPUs over the run)
snap_end() {
  local now
  now="$(cpu_ticks) $(ours_ticks) $(kthread_ticks)"
  read -r OTHER["$1"] KTHR["$1"] STEAL["$1"] < <(awk -v a="$SNAP" -v b="$now" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    total = y[1] - x[1]; busy = y[2] - x[2]; steal = y[3] - x[3]; ours = y[4] - x[4]; kthr = y[5] - x[5]
    if (kthr < 0) kthr = 0  # kernel threads that exited take their ticks with them
    other = busy - ours - kthr; if (other < 0) other = 0
    if (total <= 0) { print "n/a n/a n/a"; exit }
    printf "%.0f %.0f %.0f\n", 100 * other / total, 100 * kthr / total, 100 * steal / total }')
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# run NAME URL SCRIPT CONNECTIONS WARMUP_SECONDS
# The warm-up runs the same script; its 201s are kept in WARM201[NAME] so the database count can be checked.
declare -A WARM201
run() {
  local name=$1 url=$2 script=$3 conns=$4 warm=$5 out line
  WARM201[$name]=0
  if ((warm > 0)); then
    out=$(wrk -t"$THREADS" -c"$conns" -d"${warm}s" -s "$script" "$url" 2>&1) || die "wrk warm-up against $url failed: $out"
    line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from the wrk warm-up against $url: $out"
    WARM201[$name]=$(field n201 "$line")
    [[ $(field non2xx "$line") == 0 ]] || echo "warning: warm-up of '$name' saw non-2xx: $(field codes "$line")" >&2
  fi
  snap_begin
  out=$(wrk -t"$THREADS" -c"$conns" -d"${DURATION}s" --latency -s "$script" "$url" 2>&1) ||
    die "wrk against $url failed: $out"
  snap_end "$name"
  line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from wrk against $url: $out"
  REQS[$name]=$(field requests "$line")
  RPS[$name]=$(field rps "$line")
  P50[$name]=$(field p50_ms "$line")
  P99[$name]=$(field p99_ms "$line")
  NON2XX[$name]=$(field non2xx "$line")
  N201[$name]=$(field n201 "$line")
  CODES[$name]=$(field codes "$line")
  ERRS[$name]=$(field socket_errors "$line")
  printf '%-30s %s other_cpu=%s%% kernel_threads=%s%% steal=%s%%\n' "$name" "${line#RESULT }" "${OTHER[$name]}" "${KTHR[$name]}" "${STEAL[$name]}" >&2
}

# metric NAME_WITH_LABELS FILE: the value of one sample line, 0 if absent.
metric() { awk -v n="$1" '$1 == n { v = $2 } END { print (v == "" ? 0 : v) }' "$2"; }
# The 201 counter of the submission route, whatever the route label looks like.
# The label holds a space (route="POST /v1/applications"), so the value is the last field.
submit201() { awk '/^darwaza_http_requests_total\{route="POST \/v1\/applications",status="201"\}/ { s += $NF } END { print s + 0 }' "$1"; }

# ---------------------------------------------------------------- submissions
S_NAME="darwaza POST /v1/applications"
step "durable submissions: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s (after ${WARMUP}s warm-up)"
# The warm-up runs inside run(); /metrics must be read after it, so warm up here and pass 0 to run().
if ((WARMUP > 0)); then
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$TMP/submit.lua" "$BASE/v1/applications" 2>&1) ||
    die "wrk warm-up of the submissions failed: $out"
  line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from the submission warm-up: $out"
  SUBMIT_WARM201=$(field n201 "$line")
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
BATCH_WRK=$(awk -v s="${N201[$S_NAME]}" -v c="$COMMITS" 'BEGIN { if (c > 0) printf "%.1f", s / c; else print "n/a" }')
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
run "$NS_NAME" "$NGINX_BASE/submission.json" "$TMP/get.lua" "$CONNECTIONS" "$WARMUP"
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
WRK201_ALL=$((BY_HAND_201 + SUBMIT_WARM201 + ${N201[$S_NAME]}))
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
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), Linux $(uname -r), $(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
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
echo "group commit during the submission run: $COMMITS commits ($COMMITS_PER_S/s) for $SERVER201_RUN submissions -> average batch $BATCH submissions per fsync'd commit (by wrk's 201 count: $BATCH_WRK)"
echo "commit latency (COMMIT incl. WAL fsync): mean $COMMIT_MEAN_MS ms (sum ${COMMIT_SUM} s / count $COMMITS); buckets: $COMMIT_BUCKETS"
echo
echo "goal (issue 4): >= $GOAL_SUBMISSIONS_PER_S durable submissions/s on this $(nproc)-core box: ${RPS[$S_NAME]}/s -> $SUBMIT_GOAL"
echo "goal (issue 4): search p99 < $GOAL_SEARCH_P99_MS ms: ${P99[$Q_NAME]} ms at -c$SEARCH_CONNECTIONS -> $SEARCH_GOAL (browse by agency: ${P99[$B_NAME]} ms -> $BROWSE_GOAL; one connection: ${P99[$Q1_NAME]} ms -> $SEARCH1_GOAL)"
echo
echo "database after the run: $DB_APPS applications; darwaza.db $(mib "$DB_BYTES") + WAL $(mib "$WAL_BYTES")"
echo "201 responses: wrk saw $WRK201_ALL (1 by curl + $SUBMIT_WARM201 warm-up + ${N201[$S_NAME]} run); darwaza counted $SERVER201_ALL in /metrics"
CHECK_OK=1
if [[ "$DB_APPS" == "$SERVER201_ALL" && "$DB_APPS" == "$WRK201_ALL" ]]; then
  echo "count check: OK (database = darwaza's 201s = wrk's 201s)"
elif [[ "$DB_APPS" == "$SERVER201_ALL" ]] && ((DB_APPS > WRK201_ALL && DB_APPS - WRK201_ALL <= 2 * CONNECTIONS)); then
  # wrk stops on time and drops requests still in flight; darwaza commits them and answers 201 to a closed socket.
  echo "count check: OK with note: database = darwaza's 201s; wrk saw $((DB_APPS - WRK201_ALL)) fewer, at most one in flight per connection when wrk stopped (warm-up and run: <= $((2 * CONNECTIONS)))"
else
  echo "count check: MISMATCH: database $DB_APPS, darwaza's 201s $SERVER201_ALL, wrk's 201s $WRK201_ALL"
  CHECK_OK=0
fi
echo
echo "darwaza memory: peak RSS (VmHWM) $(awk -v k="$HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB; log: $LOG_PROBLEMS warn/error lines"
if ((LOG_PROBLEMS > 0)); then grep -E ' (warn|error|critical) ' "$TMP/darwaza.log" | sort | uniq -c | sort -rn | head -n 10; fi

bad=0
for name in "${!NON2XX[@]}"; do ((${NON2XX[$name]:-0} == 0)) || { echo "WARNING: $name saw ${NON2XX[$name]} non-2xx responses (${CODES[$name]})"; bad=1; }; done
((bad == 0)) || echo "(non-2xx responses are counted in req/s by wrk; treat the figures above with care)"
noisy=""
for name in "${!OTHER[@]}"; do
  [[ "${OTHER[$name]}" =~ ^[0-9]+$ ]] && ((OTHER[$name] >= 5)) && noisy+="${noisy:+, }$name ${OTHER[$name]} %"
  [[ "${STEAL[$name]}" =~ ^[0-9]+$ ]] && ((STEAL[$name] >= 5)) && noisy+="${noisy:+, }$name steal ${STEAL[$name]} %"
done
[[ -z "$noisy" ]] || echo "WARNING: other processes used the CPUs during some runs ($noisy); those figures are low, re-run on a quiet machine"
((CHECK_OK == 1)) || echo "WARNING: the number of applications in the database does not match the 201 responses; that is a bug"

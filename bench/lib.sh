# shellcheck shell=bash disable=SC2034 # (sourced; its variables are used by the scripts that source it)
# Shared set-up of the benchmark scripts (sourced, not run): helpers, clean-up of the processes
# they start, prerequisites (apt-get), and an up-to-date Release build of ./build/darwaza.
# The sourcing script sets BENCH_NAME, optionally BENCH_EXTRA_TOOLS (commands to install), and
# DARWAZA_PID / NGINX_PID / BENCH_PIDS / TMP as it starts things (pg_start sets PG_DIR); cleanup() stops them on exit.
BENCH_NAME=${BENCH_NAME:-$(basename "$0")}
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The reporting part of every wrk script (one RESULT line; see the file).
WRK_REPORT="$PWD/bench/wrk_report.lua"

step() { printf '\n== %s\n' "$*" >&2; }
die() {
  printf '%s: FAILED: %s\n' "$BENCH_NAME" "$*" >&2
  exit 1
}

TMP=""
DARWAZA_PID=""
NGINX_PID=""
BENCH_PIDS=""  # more processes the script started (more darwaza nodes, a load balancer): stopped on exit too
PG_DIR=""      # the throw-away PostgreSQL server of pg_start, stopped on exit
PG_STANDBY_DIR=""  # its hot standby (pg_standby), stopped on exit
# stop_pid PID: SIGTERM, up to 10 s to exit, then SIGKILL; reaps it. Does nothing if it is not running.
stop_pid() {
  kill -0 "$1" 2>/dev/null || return 0
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$? f pid
  set +e
  if [[ $rc -ne 0 && -n "$TMP" && -d "$TMP" ]]; then
    for f in $(find "$TMP" -maxdepth 3 -name darwaza.log | sort); do
      if [[ "$f" == "$TMP/darwaza.log" ]]; then echo "--- last lines of the darwaza log ---" >&2
      else echo "--- last lines of the darwaza log ${f#"$TMP"/} ---" >&2; fi
      tail -n 20 "$f" >&2
    done
  fi
  if [[ $rc -ne 0 && -n "$TMP" && -f "$TMP/nginx/error.log" ]]; then
    echo "--- last lines of the nginx error log ---" >&2
    tail -n 10 "$TMP/nginx/error.log" >&2
  fi
  for pid in $NGINX_PID $BENCH_PIDS $DARWAZA_PID; do stop_pid "$pid"; done
  [[ -n "$PG_STANDBY_DIR" ]] && scripts/pg_test_server.sh stop "$PG_STANDBY_DIR" >/dev/null 2>&1
  [[ -n "$PG_DIR" ]] && scripts/pg_test_server.sh stop "$PG_DIR" >/dev/null 2>&1
  [[ -n "$TMP" && -d "$TMP" ]] && rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- prerequisites
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
# BENCH_EXTRA_TOOLS: words COMMAND or COMMAND:PACKAGE (when the package is named otherwise).
for p in ${BENCH_EXTRA_TOOLS:-}; do command -v "${p%%:*}" >/dev/null || missing+=("${p#*:}"); done
if ((${#missing[@]})); then
  step "installing ${missing[*]} with apt-get"
  [[ $(id -u) -eq 0 ]] || die "need ${missing[*]}; run as root or install them: apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || die "need ${missing[*]} and there is no apt-get here; install them by hand"
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [[ -n "${DARWAZA:-}" ]]; then
  [[ -x "$DARWAZA" ]] || die "DARWAZA=$DARWAZA is not an executable"
  build_type="given by DARWAZA"
else
  DARWAZA=./build/darwaza
  if [[ -d build && -f build/build.ninja ]]; then
    step "bringing ./build up to date (ninja -C build darwaza)"
    ninja -C build darwaza >&2 || die "ninja -C build failed"
  else
    step "building ./build/darwaza (Release)"
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release || die "cmake configure failed"
    ninja -C build darwaza || die "build failed"
  fi
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' build/CMakeCache.txt 2>/dev/null || true)
  [[ "$build_type" == Release ]] || echo "warning: ./build is configured as '${build_type:-unknown}', not Release; figures will be pessimistic" >&2
fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] || commit="$commit + uncommitted changes"


# ---------------------------------------------------------------- helpers for the scripts
# start_node DIR ARGS...: starts `darwaza serve` on a free loopback port with its data folder, port file and log in
# DIR (DIR/data, DIR/port, DIR/darwaza.log), adds it to BENCH_PIDS, waits (up to 10 minutes: start-up may load large
# data) for GET /readyz 200; sets NODE_PID and NODE_PORT.
start_node() {
  local dir=$1 code=""
  shift
  mkdir -p "$dir"
  rm -f "$dir/port"
  "$DARWAZA" serve --listen 127.0.0.1:0 --port-file "$dir/port" --data "$dir/data" \
    --access-log off --rate-limit-per-minute 0 "$@" >"$dir/darwaza.log" 2>&1 &
  NODE_PID=$!
  BENCH_PIDS+=" $NODE_PID"
  for _ in $(seq 12000); do
    [[ -s "$dir/port" ]] && code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(cat "$dir/port")/readyz" || true)
    [[ "$code" == 200 ]] && break
    kill -0 "$NODE_PID" 2>/dev/null || die "darwaza (pid $NODE_PID) exited during start-up"
    sleep 0.05
  done
  [[ "$code" == 200 ]] || die "darwaza was not ready within 10 minutes"
  NODE_PORT=$(cat "$dir/port")
}

# start_darwaza ARGS...: start_node in $TMP (data in $TMP/data); the node is DARWAZA_PID; sets PORT and BASE.
start_darwaza() {
  start_node "$TMP" "$@"
  BENCH_PIDS=${BENCH_PIDS% "$NODE_PID"}
  DARWAZA_PID=$NODE_PID
  PORT=$NODE_PORT
  BASE="http://127.0.0.1:$PORT"
}

# binaries_under_test: sets BINARIES to "current:$DARWAZA", after "baseline:$BASELINE_DARWAZA" when that
# is set (an older build: the same runs with both, interleaved, make an A/B on this machine).
binaries_under_test() {
  BINARIES=("current:$DARWAZA")
  if [[ -n "${BASELINE_DARWAZA:-}" ]]; then
    [[ -x "$BASELINE_DARWAZA" ]] || die "BASELINE_DARWAZA=$BASELINE_DARWAZA is not an executable"
    BINARIES=("baseline:$BASELINE_DARWAZA" "${BINARIES[@]}")
  fi
}

# start_node_of NAME:BINARY DIR ARGS...: start_node DIR ARGS... with that binary (an entry of BINARIES).
start_node_of() {
  local current=$DARWAZA
  DARWAZA=${1#*:}
  shift
  start_node "$@"
  DARWAZA=$current
}

# wrk_cells OUTPUT: "req/s | p50 | p99 | non-2xx" from the output of wrk --latency, for a table row.
wrk_cells() {
  echo "$(awk '/Requests\/sec/ {print $2}' <<<"$1") | $(awk '$1=="50%" {print $2}' <<<"$1") | $(awk '$1=="99%" {print $2}' <<<"$1") | $(awk '/Non-2xx/ {print $NF}' <<<"$1")"
}

# staff_token ROLE AGENCY: creates a staff member with the CLI and prints a session token.
staff_token() {
  local cnic="35202-$(printf '%07d' $((RANDOM * 32 + RANDOM % 32)))-1" password="bench staff password 2026"
  printf '%s' "$password" | "$DARWAZA" user create --data "$TMP/data" --cnic "$cnic" --name "Bench Staff" \
    --email "staff$RANDOM@example.pk" --mobile "+92300$(printf '%07d' $RANDOM)" --role "$1" --agency "$2" \
    --password-stdin >/dev/null 2>&1 || die "darwaza user create failed"
  curl -s -H 'Content-Type: application/json' --data-binary '{"login":"'$cnic'","password":"'"$password"'"}' \
    "$BASE/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# records_and_rounds [RECORDS] [ROUNDS]: sets N (default 100000, at least 1000) and ROUNDS (default 3)
# from a script's arguments, or dies with its usage.
records_and_rounds() {
  N=${1:-100000}
  ROUNDS=${2:-3}
  [[ "$N" =~ ^[0-9]+$ && "$N" -ge 1000 && "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "usage: $0 [RECORDS >= 1000] [ROUNDS >= 1]"
}

# machine: CPUs, processor, kernel and memory of this machine, for the reports.
machine() {
  echo "$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1), Linux $(uname -r), $(awk '/^MemTotal:/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo)"
}

# start_listener PROBE CONF_FUNCTION CONF_FILE LOG COMMAND...: starts a server on a random loopback port, up to 5
# tries: writes CONF_FILE with `CONF_FUNCTION PORT`, runs COMMAND in the background (output to LOG), waits up to 5 s
# for GET PROBE (a path) to answer 2xx. Adds it to BENCH_PIDS; sets LISTENER_PID and LISTENER_BASE ("" if it failed).
start_listener() {
  local probe=$1 conf_fn=$2 conf=$3 log=$4 port
  shift 4
  LISTENER_BASE=""
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    "$conf_fn" "$port" >"$conf"
    "$@" >"$log" 2>&1 &
    LISTENER_PID=$!
    BENCH_PIDS+=" $LISTENER_PID"
    for _ in $(seq 50); do
      if curl -sf -o /dev/null "http://127.0.0.1:$port$probe"; then LISTENER_BASE="http://127.0.0.1:$port"; return 0; fi
      kill -0 "$LISTENER_PID" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$LISTENER_PID"
    BENCH_PIDS=${BENCH_PIDS% "$LISTENER_PID"}
  done
}

# start_nginx FILE: a private nginx (worker_processes auto) serving $TMP/www on a random loopback port, checked by
# fetching FILE (of $TMP/www); sets NGINX_PID and NGINX_BASE.
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
start_nginx() {
  step "starting nginx"
  mkdir -p "$TMP/nginx"
  start_listener "/$1" nginx_conf "$TMP/nginx/nginx.conf" "$TMP/nginx/stdout.log" \
    "$NGINX" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" -e "$TMP/nginx/error.log"
  [[ -n "$LISTENER_BASE" ]] || die "nginx did not start (see $TMP/nginx/error.log above)"
  BENCH_PIDS=${BENCH_PIDS% "$LISTENER_PID"}
  NGINX_PID=$LISTENER_PID
  NGINX_BASE=$LISTENER_BASE
  echo "nginx pid $NGINX_PID on $NGINX_BASE ($(pgrep -c -P "$NGINX_PID" || true) workers)" >&2
}

# field KEY LINE: the value of KEY=VALUE in a line (a wrk RESULT line).
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

# wrk_script FILE [uncounted]: a wrk script of the request part on standard input, then the shared reporting
# (bench/wrk_report.lua); "uncounted" turns its status counting off (see there). Called at the end of a pipeline: its
# die fails the pipeline, which ends the script (set -e, pipefail).
wrk_script() {
  [[ -z ${2:-} || $2 == uncounted ]] || die "unknown wrk script option $2"
  { if [[ ${2:-} == uncounted ]]; then echo 'count_codes = false'; fi; cat; cat "$WRK_REPORT"; } >"$1"
}
# get_script FILE [uncounted]: plain GETs of the URL given to wrk: only the counting (see wrk_script).
get_script() { echo 'function init(args) codes = {} end' | wrk_script "$1" "${2:-}"; }

# ---------------------------------------------------------------- PostgreSQL (scale.sh, cluster.sh)
# pg_start: starts the throw-away server of scripts/pg_test_server.sh (fsync, synchronous_commit and
# full_page_writes off unless PG_DURABLE=1: then write figures are durable as SQLite's), sets PG_DIR and PG_BASE (a URL
# to which a database name is appended); cleanup() stops it. Its own folder under /tmp: its server runs as user postgres, which must reach it.
pg_start() {
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-pg.XXXXXX")
  PG_BASE=$(scripts/pg_test_server.sh start "$PG_DIR") || die "scripts/pg_test_server.sh could not start PostgreSQL"
}
pg_stop() {
  scripts/pg_test_server.sh stop "$PG_DIR"
  PG_DIR=""
}
# pg_standby: a hot standby streaming from the server of pg_start (pg_basebackup); sets PG_STANDBY_DIR and
# PG_STANDBY_BASE; cleanup() stops it.
pg_standby() {
  PG_STANDBY_DIR=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-pg-standby.XXXXXX")
  PG_STANDBY_BASE=$(scripts/pg_test_server.sh standby "$PG_STANDBY_DIR" "$PG_BASE") ||
    die "scripts/pg_test_server.sh could not start a standby"
}
# pg_pid: the pid of the PostgreSQL server (postmaster) of pg_start.
pg_pid() { head -n1 "$PG_DIR/data/postmaster.pid"; }
# pg_create NAME: creates the database NAME on the server of pg_start.
pg_create() { psql "${PG_BASE}postgres" -qc "CREATE DATABASE $1" || die "CREATE DATABASE $1 failed"; }

# ---------------------------------------------------------------- submissions and catalog search (applications.sh, cluster.sh)
# The submission every benchmark sends: the test-permit fixture service, which needs no documents.
SUBMIT='{"service_id":"test-permit","data":{"purpose":"Benchmark","endpoints":["8.8.8.0/24"]}}'

# citizen_login BASE: signs up and logs in the benchmark's citizen (once per database); sets TOKEN, and LOGIN (the
# body of POST /v1/auth/login, to log in again).
citizen_login() {
  local cnic="35202-1234567-1" password="correct horse battery" signup code
  signup='{"cnic":"'$cnic'","name":"Bench User","email":"bench@example.pk","mobile":"+923001234567","password":"'$password'"}'
  LOGIN='{"login":"'$cnic'","password":"'$password'"}'
  code=$(curl -s -o "$TMP/signup.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$signup" "$1/v1/auth/signup")
  [[ "$code" == 201 ]] || die "POST /v1/auth/signup returned $code: $(cat "$TMP/signup.json")"
  code=$(curl -s -o "$TMP/login.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$LOGIN" "$1/v1/auth/login")
  [[ "$code" == 200 ]] || die "POST /v1/auth/login returned $code: $(cat "$TMP/login.json")"
  TOKEN=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/login.json")
  [[ -n "$TOKEN" ]] || die "no token in the login response: $(cat "$TMP/login.json")"
}

# submit_once BASE FILE: one submission by hand (checks that the request works); the response body goes to FILE.
submit_once() {
  local code
  code=$(curl -s -o "$2" -w '%{http_code}' -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    --data-binary "$SUBMIT" "$1/v1/applications")
  [[ "$code" == 201 ]] || die "POST /v1/applications returned $code: $(cat "$2")"
}

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
# search_paths BASE: fills PATHS with GET /v1/services?q=WORD for each of WORDS, checks that each answers 200 and
# prints how many services it matches; leaves the first word's body in $TMP/search-first.json.
search_paths() {
  local w p code total
  PATHS=()
  rm -f "$TMP/search-first.json"
  for w in "${WORDS[@]}"; do
    p="/v1/services?q=$(urlencode "$w")"
    PATHS+=("$p")
    code=$(curl -s -o "$TMP/search.json" -w '%{http_code}' "$1$p")
    [[ "$code" == 200 ]] || die "GET $p returned $code: $(head -c 300 "$TMP/search.json")"
    total=$(sed -n 's/.*"total":\([0-9]*\).*/\1/p' "$TMP/search.json")
    printf '  %-18s total %6s, %6d B\n' "$w" "${total:-?}" "$(wc -c <"$TMP/search.json")" >&2
    [[ -s "$TMP/search-first.json" ]] || cp "$TMP/search.json" "$TMP/search-first.json"
  done
}

# submit_script FILE [uncounted]: POST /v1/applications with SUBMIT and the bearer TOKEN (no status counting in wrk
# with "uncounted": see wrk_script).
submit_script() {
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    echo "wrk.headers[\"Authorization\"] = \"Bearer $TOKEN\""
    echo "wrk.body = [[$SUBMIT]]"
    echo 'function init(args) codes = {} end'
  } | wrk_script "$1" "${2:-}"
}
# rotating_script FILE: a wrk script that cycles through a list. Its request part, on standard input, defines the
# table `items` and `make(item)`, which returns the request for one item; each thread starts at a different item.
rotating_script() {
  {
    cat
    cat <<'LUA'
local i = 0
function init(args)
  codes = {}
  i = ((tid or 1) - 1) * 7
end
function request()
  i = i % #items + 1
  return make(items[i])
end
LUA
  } | wrk_script "$1"
}
# paced_script IN OUT RATE CONNECTIONS: IN (a wrk script) with a pause before each request, so that CONNECTIONS
# connections together offer about RATE requests per second: below saturation, the latency a request meets at a given
# load, not the queue a closed loop at full speed builds. Each pause is drawn from an exponential distribution (mean
# CONNECTIONS/RATE s), so requests arrive like independent users, in bursts as well as gaps (each connection still
# waits for its answer before its next pause, so the arrivals are close to, not exactly, Poisson). wrk times a request from
# its write, so the pause is not counted in its latency; it takes whole milliseconds (rounded), and the rate actually
# reached is what wrk reports.
paced_script() {
  local mean
  mean=$(awk -v r="$3" -v c="$4" 'BEGIN { if (r > 0) printf "%.3f", c * 1000 / r; else print "" }')
  [[ -n "$mean" ]] || die "paced_script: the rate must be above zero (not '$3')"
  { cat "$1"; cat <<LUA
local pause_mean_ms = $mean
local seeded = false
function delay()
  if not seeded then math.randomseed((tid or 1) * 7919 + os.time()); seeded = true end
  return math.floor(-pause_mean_ms * math.log(1 - math.random()) + 0.5)
end
LUA
  } >"$2"
}
# search_script FILE: every request takes the next of PATHS.
search_script() {
  {
    echo 'local items = {'
    for p in "${PATHS[@]}"; do echo "  \"$p\","; done
    echo '}'
    echo 'local function make(path) return wrk.format("GET", path) end'
  } | rotating_script "$1"
}

# Interference check. This box may be shared (other jobs compiling), which moves every figure. For each measured
# run, the CPU time used by other processes (not the benchmark's own: DARWAZA_PID, NGINX_PID, BENCH_PIDS and
# CPU_PIDS with their children, this script's children such as wrk and curl, nor kernel threads) is taken from /proc
# and shown as "other CPU" (% of all CPUs); hypervisor steal likewise.
CPU_PIDS=""  # more processes whose CPU is the benchmark's own but which it does not stop (the PostgreSQL server)
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
  local t=0 p top
  for top in $DARWAZA_PID $NGINX_PID $BENCH_PIDS $CPU_PIDS; do
    for p in "$top" $(pgrep -P "$top" 2>/dev/null || true); do
      [[ -r /proc/$p/stat ]] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
    done
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

declare -A RPS P99 P50 NON2XX N201 CODES ERRS REQS OTHER KTHR STEAL WARM201
# parse_result NAME LINE: the figures of a wrk RESULT line, kept under NAME in REQS, RPS, P50, P99, NON2XX, N201,
# CODES and ERRS.
parse_result() {
  REQS[$1]=$(field requests "$2")
  RPS[$1]=$(field rps "$2")
  P50[$1]=$(field p50_ms "$2")
  P99[$1]=$(field p99_ms "$2")
  NON2XX[$1]=$(field non2xx "$2")
  N201[$1]=$(field n201 "$2")
  CODES[$1]=$(field codes "$2")
  ERRS[$1]=$(field socket_errors "$2")
}

# run NAME URL SCRIPT CONNECTIONS WARMUP_SECONDS: wrk -tTHREADS for DURATION seconds with the script; fills the
# figures of parse_result and the interference figures for NAME.
# The warm-up runs the same script; its 201s are kept in WARM201[NAME] so the database count can be checked.
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
  parse_result "$name" "$line"
  printf '%-30s %s other_cpu=%s%% kernel_threads=%s%% steal=%s%%\n' "$name" "${line#RESULT }" "${OTHER[$name]}" "${KTHR[$name]}" "${STEAL[$name]}" >&2
}

# metric NAME_WITH_LABELS FILE: the value of one sample line of a /metrics page, 0 if absent.
metric() { awk -v n="$1" '$1 == n { v = $2 } END { print (v == "" ? 0 : v) }' "$2"; }
# submit201 FILE...: the 201 counter of the submission route in /metrics pages (summed), whatever the route label
# looks like. The label holds a space (route="POST /v1/applications"), so the value is the last field.
submit201() { awk '/^darwaza_http_requests_total\{route="POST \/v1\/applications",status="201"\}/ { s += $NF } END { print s + 0 }' "$@"; }
# submit_codes PAGE [EARLIER_PAGE]: the submission route's answers by status in a /metrics page, as "201:N,...", or
# the increase since an earlier page (statuses in the later page's order).
submit_codes() {
  awk '/^darwaza_http_requests_total\{route="POST \/v1\/applications",status="/ {
      match($0, /status="[0-9]+"/); k = substr($0, RSTART + 8, RLENGTH - 9)
      if (FILENAME == ARGV[1]) { o[++n] = k; a[k] = $NF } else b[k] = $NF }
    END { for (i = 1; i <= n; i++) printf "%s%s:%d", (i > 1 ? "," : ""), o[i], a[o[i]] - b[o[i]] }' "$@"
}
# route_p99 ROUTE BEFORE AFTER: the 99th percentile in ms of ROUTE's requests counted between two /metrics pages (its
# darwaza_http_request_duration_seconds histogram: the time inside darwaza from a request's header read to its answer
# ready to write), interpolated inside the bucket it falls in as Prometheus's histogram_quantile does, so a figure
# between two bounds is an estimate; "n/a" when a page is missing or the route counted nothing in between.
route_p99() {
  local pattern="darwaza_http_request_duration_seconds_bucket{route=\"$1\",le=\""
  awk -v p="$pattern" 'index($0, p) == 1 { le = substr($0, length(p) + 1); sub(/".*/, "", le)
      if (FILENAME == ARGV[1]) { nb++; before[le] = $NF } else { n++; bound[n] = le; count[n] = $NF - before[le] } }
    END {
      if (nb == 0 || n == 0 || count[n] <= 0) { print "n/a"; exit }
      want = 0.99 * count[n]; lo = 0; below = 0
      for (i = 1; i <= n; i++) {
        if (count[i] < want) { lo = bound[i]; below = count[i]; continue }
        if (bound[i] == "+Inf") printf ">%.1f\n", lo * 1000
        else printf "%.3f\n", (lo + (bound[i] - lo) * (want - below) / (count[i] - below)) * 1000
        exit
      } }' "$2" "$3"
}

# count_check DATABASE SERVER201 WRK201 CONNECTIONS: prints whether the applications stored match the 201s darwaza
# counted and the 201s wrk (and curl) saw, over one warm-up and one run of CONNECTIONS connections; returns 1 if not.
count_check() {
  local db=$1 server=$2 wrk=$3 conns=$4
  if [[ "$db" == "$server" && "$db" == "$wrk" ]]; then
    echo "count check: OK (database = darwaza's 201s = wrk's 201s)"
  elif [[ "$db" == "$server" ]] && ((db > wrk && db - wrk <= 2 * conns)); then
    # wrk stops on time and drops requests still in flight; darwaza commits them and answers 201 to a closed socket.
    echo "count check: OK with note: database = darwaza's 201s; wrk saw $((db - wrk)) fewer, at most one in flight per connection when wrk stopped (warm-up and run: <= $((2 * conns)))"
  else
    echo "count check: MISMATCH: database $db, darwaza's 201s $server, wrk's 201s $wrk"
    return 1
  fi
}

# run_warnings: prints a warning for each run (of run()) that saw non-2xx responses or other processes on the CPUs.
run_warnings() {
  local name bad=0 noisy=""
  for name in "${!NON2XX[@]}"; do ((${NON2XX[$name]:-0} == 0)) || { echo "WARNING: $name saw ${NON2XX[$name]} non-2xx responses (${CODES[$name]})"; bad=1; }; done
  ((bad == 0)) || echo "(non-2xx responses are counted in req/s by wrk; treat the figures above with care)"
  for name in "${!OTHER[@]}"; do
    [[ "${OTHER[$name]}" =~ ^[0-9]+$ ]] && ((OTHER[$name] >= 5)) && noisy+="${noisy:+, }$name ${OTHER[$name]} %"
    [[ "${STEAL[$name]}" =~ ^[0-9]+$ ]] && ((STEAL[$name] >= 5)) && noisy+="${noisy:+, }$name steal ${STEAL[$name]} %"
  done
  [[ -z "$noisy" ]] || echo "WARNING: other processes used the CPUs during some runs ($noisy); those figures are low, re-run on a quiet machine"
}

# synth_catalog: writes COUNT synthetic service definitions plus tests/fixtures/services/*.json (test-permit among
# them) into $TMP/services; sets SERVICE_FILES, CATALOG_BYTES and SYNTH_S (seconds).
synth_catalog() {
  local t0 t1
  "$DARWAZA" catalog --help 2>/dev/null | grep -qE '^[[:space:]]+synth[[:space:]]' ||
    die "'$DARWAZA catalog synth' does not exist (see '$DARWAZA catalog --help'); this benchmark needs it to build a synthetic catalog"
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
}

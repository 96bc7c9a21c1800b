#!/usr/bin/env bash
# HTTP benchmark for Darwaza (issue 3). A benchmark, not a test: run it by hand.
#
#   bench/http.sh            # ~1.5 minutes; prints the figures recorded in bench/RESULTS.md
#
# What it does, all on 127.0.0.1:
#   1. installs wrk and nginx-light with apt-get if missing (Debian; needs root), builds ./build/darwaza if missing;
#   2. starts `darwaza serve` on an ephemeral port with a throw-away data folder, signs up and logs in one citizen;
#   3. starts a private nginx (worker_processes auto) serving two static files of exactly the byte size of the
#      GET /v1/me and GET /healthz bodies, as the "what a fast static server does" baseline;
#   4. runs wrk (2 threads, 64 connections, 10 s each) against nginx and darwaza, prints req/s, p99 and the ratio
#      darwaza/nginx for the same body size; the goal of issue 3 is /v1/me at >= 40 % of nginx's req/s;
#   5. measures logins/s (argon2id) sequentially with curl and with wrk over 2 connections;
#   6. prints darwaza's peak resident memory (VmHWM) and the machine.
#
# Tunables (environment): DURATION (s, default 10), THREADS (2), CONNECTIONS (64), WARMUP (s, 2), LOGINS (40),
# DARWAZA (path of the binary to measure; default ./build/darwaza, built if missing).
set -euo pipefail

DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
WARMUP=${WARMUP:-2}
LOGINS=${LOGINS:-40}

BENCH_NAME=bench/http.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOADAVG_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/darwaza-bench.XXXXXX")
chmod 755 "$TMP"  # nginx workers run as nobody when started as root and must reach $TMP/www

# argon2id parameters: the server's defaults, read from --help and passed explicitly so the report is exact.
help=$("$DARWAZA" serve --help) || die "$DARWAZA serve --help failed"
ARGON2_OPS=$(sed -n 's/.*--argon2-ops .*=\([0-9][0-9]*\)$/\1/p' <<<"$help")
ARGON2_MEM_KIB=$(sed -n 's/.*--argon2-mem-kib .*=\([0-9][0-9]*\)$/\1/p' <<<"$help")
[[ -n "$ARGON2_OPS" && -n "$ARGON2_MEM_KIB" ]] || die "could not read the argon2 defaults from 'darwaza serve --help'"

# ---------------------------------------------------------------- darwaza
step "starting darwaza"
"$DARWAZA" serve --listen 127.0.0.1:0 --port-file "$TMP/port" --data "$TMP/data" \
  --access-log off --rate-limit-per-minute 0 \
  --argon2-ops "$ARGON2_OPS" --argon2-mem-kib "$ARGON2_MEM_KIB" >"$TMP/darwaza.log" 2>&1 &
DARWAZA_PID=$!

alive() { kill -0 "$DARWAZA_PID" 2>/dev/null || die "darwaza (pid $DARWAZA_PID) is no longer running ($*)"; }

for _ in $(seq 100); do
  [[ -s "$TMP/port" ]] && break
  alive "while starting"
  sleep 0.1
done
[[ -s "$TMP/port" ]] || die "darwaza did not write its port file within 10 s"
PORT=$(cat "$TMP/port")
BASE="http://127.0.0.1:$PORT"

ready=""
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)
  if [[ "$code" == 200 ]]; then ready=1; break; fi
  alive "while waiting for /readyz"
  sleep 0.1
done
[[ -n "$ready" ]] || die "GET /readyz did not return 200 within 10 s (last status: $code)"
echo "darwaza pid $DARWAZA_PID on $BASE" >&2

step "creating a citizen and logging in"
citizen_login "$BASE"

mkdir -p "$TMP/www"
code=$(curl -s -o "$TMP/www/me.json" -D "$TMP/me.headers" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BASE/v1/me")
[[ "$code" == 200 ]] || die "GET /v1/me returned $code: $(cat "$TMP/www/me.json")"
code=$(curl -s -o "$TMP/www/healthz.json" -D "$TMP/healthz.headers" -w '%{http_code}' "$BASE/healthz")
[[ "$code" == 200 ]] || die "GET /healthz returned $code"
ME_BYTES=$(wc -c <"$TMP/www/me.json")
HEALTHZ_BYTES=$(wc -c <"$TMP/www/healthz.json")
chmod -R a+rX "$TMP/www"

# ---------------------------------------------------------------- nginx
# The static files are the very bodies darwaza returned, so the sizes match byte for byte.
start_nginx me.json
[[ $(curl -s "$NGINX_BASE/me.json" | wc -c) -eq $ME_BYTES ]] || die "nginx serves me.json with the wrong size"

# ---------------------------------------------------------------- wrk
# Plain requests: the shared reporting (bench/wrk_report.lua) with a counting init.
{ echo 'function init(args) codes = {} end'; cat "$WRK_REPORT"; } >"$TMP/report.lua"
# Same reporting, for POST /v1/auth/login.
{
  echo "wrk.method = \"POST\""
  echo "wrk.headers[\"Content-Type\"] = \"application/json\""
  echo "wrk.body = '$LOGIN'"
  cat "$TMP/report.lua"
} >"$TMP/login.lua"

# run NAME URL [wrk args...]
run() {
  local name=$1 url=$2
  shift 2
  if ((WARMUP > 0)); then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$@" "$url" >/dev/null 2>&1 || die "wrk warm-up against $url failed"
  fi
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$TMP/report.lua" "$@" "$url" 2>&1) ||
    die "wrk against $url failed: $out"
  local line
  line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from wrk against $url: $out"
  parse_result "$name" "$line"
  printf '%-26s %s\n' "$name" "${line#RESULT }" >&2
}

step "wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run (after ${WARMUP}s warm-up)"
run "nginx static ${ME_BYTES} B" "$NGINX_BASE/me.json"
alive "before /healthz"
run "darwaza GET /healthz" "$BASE/healthz"
alive "after the /healthz run"
run "nginx static ${HEALTHZ_BYTES} B" "$NGINX_BASE/healthz.json"
run "darwaza GET /v1/me" "$BASE/v1/me" -H "Authorization: Bearer $TOKEN"
alive "after the /v1/me run"

# ---------------------------------------------------------------- logins
step "logins: $LOGINS sequential curl calls, then wrk with 2 connections for ${DURATION}s"
# One curl process for all of them (starting curl costs ~20 ms on a small VM), over one keep-alive connection.
args=()
for _ in $(seq "$LOGINS"); do args+=(-o /dev/null "$BASE/v1/auth/login"); done
out=$(curl -s -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' --data-binary "$LOGIN" "${args[@]}") ||
  die "sequential logins with curl failed"
[[ $(grep -c '^200 ' <<<"$out") -eq $LOGINS ]] || die "sequential logins: not all returned 200: $(sort <<<"$out" | cut -d' ' -f1 | uniq -c | tr '\n' ' ')"
SEQ_LOGINS_PER_S=$(awk '{ t += $2; n++ } END { printf "%.1f", n / t }' <<<"$out")
SEQ_LOGIN_MS=$(awk '{ t += $2; n++ } END { printf "%.1f", 1000 * t / n }' <<<"$out")
out=$(wrk -t1 -c2 -d"${DURATION}s" --latency -s "$TMP/login.lua" "$BASE/v1/auth/login" 2>&1) || die "wrk login run failed: $out"
line=$(grep '^RESULT ' <<<"$out") || die "no RESULT line from the wrk login run: $out"
printf '%-26s %s\n' "wrk POST /v1/auth/login" "${line#RESULT }" >&2
WRK_LOGINS_PER_S=$(field rps "$line")
WRK_LOGIN_P99=$(field p99_ms "$line")
WRK_LOGIN_NON2XX=$(field non2xx "$line")
WRK_LOGIN_CODES=$(field codes "$line")
alive "after the login run"

# ---------------------------------------------------------------- memory, health
code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)
[[ "$code" == 200 ]] || die "GET /readyz returned $code after the benchmark"
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DARWAZA_PID/status")
RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$DARWAZA_PID/status")
DARWAZA_THREADS=$(awk '/^Threads:/ { print $2 }' "/proc/$DARWAZA_PID/status")
LOG_PROBLEMS=$(grep -c -E ' (warn|error|critical) ' "$TMP/darwaza.log" || true)

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f %%", 100 * a / b; else print "n/a" }'; }
hdr_bytes() { wc -c <"$1"; }
ME_RATIO=$(awk -v a="${RPS[darwaza GET /v1/me]}" -v b="${RPS[nginx static ${ME_BYTES} B]}" 'BEGIN { printf "%.1f", 100 * a / b }')
GOAL=$(awk -v r="$ME_RATIO" 'BEGIN { print (r >= 40 ? "MET" : "NOT MET") }')

echo
echo "Darwaza HTTP benchmark - $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(machine)"
echo "tools: $(wrk -v 2>&1 | head -n1 | awk '{ print $1, $2 }'), $("$NGINX" -v 2>&1 | sed 's/.*: //'), $("$DARWAZA" version 2>/dev/null | head -n1 || echo 'darwaza ?') (build: ${build_type:-unknown}, commit $commit)"
echo "load average before the runs: $LOADAVG_BEFORE"
echo "load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on the same machine; darwaza defaults (io threads = cores), nginx worker_processes auto"
echo "bodies: /v1/me $ME_BYTES B, /healthz $HEALTHZ_BYTES B; response headers: darwaza /v1/me $(hdr_bytes "$TMP/me.headers") B vs nginx $(curl -s -D - -o /dev/null "$NGINX_BASE/me.json" | wc -c) B"
echo
printf '| %-24s | %10s | %8s | %-13s | %s\n' "target" "req/s" "p99 ms" "vs nginx" "status codes / socket errors |"
printf '|%s|%s|%s|%s|%s|\n' "--------------------------" "-----------:" "---------:" "---------------" "------------------------------"
row() {
  local name=$1 base=$2 r="-"
  [[ -n "$base" ]] && r=$(ratio "${RPS[$name]}" "${RPS[$base]}")
  printf '| %-24s | %10s | %8s | %-13s | %s; %s |\n' "$name" "${RPS[$name]}" "${P99[$name]}" "$r" "${CODES[$name]}" "${ERRS[$name]}"
}
row "nginx static ${ME_BYTES} B" ""
row "darwaza GET /v1/me" "nginx static ${ME_BYTES} B"
row "nginx static ${HEALTHZ_BYTES} B" ""
row "darwaza GET /healthz" "nginx static ${HEALTHZ_BYTES} B"
echo
echo "goal (issue 3): /v1/me at >= 40 % of nginx's req/s for the same body size: ${ME_RATIO} % -> $GOAL"
echo
echo "logins (argon2id t=$ARGON2_OPS, m=$((ARGON2_MEM_KIB / 1024)) MiB ($ARGON2_MEM_KIB KiB), p=1):"
echo "  sequential curl, $LOGINS logins: $SEQ_LOGINS_PER_S logins/s ($SEQ_LOGIN_MS ms each, one keep-alive connection)"
echo "  wrk, 2 connections, ${DURATION}s:  $WRK_LOGINS_PER_S logins/s, p99 $WRK_LOGIN_P99 ms, codes $WRK_LOGIN_CODES"
echo "  why: t=2, m=19 MiB, p=1 is OWASP's recommended minimum for argon2id (Password Storage Cheat Sheet); each"
echo "  login deliberately costs ~tens of ms of CPU and 19 MiB of RAM so offline guessing of a stolen hash is slow;"
echo "  libsodium always runs p=1."
echo
echo "darwaza memory: peak RSS (VmHWM) $(awk -v k="$HWM_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB, RSS at end $(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }') MiB, $DARWAZA_THREADS threads"
echo "darwaza log: $LOG_PROBLEMS warn/error lines"
if ((LOG_PROBLEMS > 0)); then grep -E ' (warn|error|critical) ' "$TMP/darwaza.log" | sort | uniq -c | sort -rn | head -n 10; fi

bad=0
for name in "${!NON2XX[@]}"; do ((${NON2XX[$name]:-0} == 0)) || { echo "WARNING: $name saw ${NON2XX[$name]} non-2xx responses (${CODES[$name]})"; bad=1; }; done
((${WRK_LOGIN_NON2XX:-0} == 0)) || { echo "WARNING: the wrk login run saw $WRK_LOGIN_NON2XX non-2xx responses ($WRK_LOGIN_CODES)"; bad=1; }
((bad == 0)) || echo "(non-2xx responses are counted in req/s by wrk; treat the figures above with care)"

#!/usr/bin/env bash
# What the audit chain costs, and how fast it verifies:
#   1. audited writes: wrk posts application submissions (64 connections, 10 s) to a server that
#      appends a chained audit entry to each, then to a server in --unaudited-benchmark-mode
#      (same binary, same data, no entries); the ratio audited/unaudited is the figure (goal >= 0.8);
#   2. verify: `darwaza audit synth` fills a scratch database with N entries (default 10,000,000)
#      through the real append path, then `darwaza audit verify` walks it (goal >= 1 M entries/s).
# Usage: bench/audit.sh [N]      Bounded: 2 x 10 s of wrk, one fill and one verify.
set -euo pipefail
BENCH_NAME=audit
source "$(dirname "$0")/lib.sh"
N=${1:-10000000}
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 1000 ]] || die "N must be a whole number >= 1000"
TMP=$(mktemp -d)

# submissions_per_s [serve options...]: a fresh server, a citizen, 10 s of submissions.
submissions_per_s() {
  rm -rf "$TMP/data" "$TMP/port"
  start_darwaza --catalog-dir tests/fixtures/services --argon2-ops 1 --argon2-mem-kib 1024 "$@"
  local cnic="35202-1234567-1" password="correct horse battery"
  curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary \
    '{"cnic":"'$cnic'","name":"Bench User","email":"bench@example.pk","mobile":"+923001234567","password":"'"$password"'"}' \
    "$BASE/v1/auth/signup"
  local token
  token=$(curl -s -H 'Content-Type: application/json' --data-binary '{"login":"'$cnic'","password":"'"$password"'"}' \
    "$BASE/v1/auth/login" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [[ -n "$token" ]] || die "no token"
  cat >"$TMP/submit.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"service_id":"test-permit","data":{"purpose":"Benchmark of the audit chain","endpoints":["8.8.8.0/24"]}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
  wrk -t2 -c64 -d10s -s "$TMP/submit.lua" "$BASE/v1/applications" >"$TMP/wrk.txt"
  grep -q 'Non-2xx' "$TMP/wrk.txt" && die "some submissions failed: $(cat "$TMP/wrk.txt")"
  awk '/^Requests\/sec/ {print $2}' "$TMP/wrk.txt"
  kill -TERM "$DARWAZA_PID"
  wait "$DARWAZA_PID" || true
  DARWAZA_PID=""
}

step "audited submissions (64 connections, 10 s)"
AUDITED=$(submissions_per_s)
echo "audited: $AUDITED/s" >&2
"$DARWAZA" audit verify --data "$TMP/data" >&2 || die "the audited run's chain does not verify"
step "the same without auditing (--unaudited-benchmark-mode)"
UNAUDITED=$(submissions_per_s --unaudited-benchmark-mode)
echo "unaudited: $UNAUDITED/s" >&2
RATIO=$(awk -v a="$AUDITED" -v b="$UNAUDITED" 'BEGIN { printf "%.2f", a / b }')

step "filling a scratch database with $N entries"
rm -rf "$TMP/scratch"
t0=$(date +%s.%N)
"$DARWAZA" audit synth --count "$N" --data "$TMP/scratch" >&2
t1=$(date +%s.%N)
FILL=$(awk -v a="$t0" -v b="$t1" -v n="$N" 'BEGIN { printf "%.0f entries/s (%.1f s)", n / (b - a), b - a }')
DB_BYTES=$(du -b "$TMP/scratch/darwaza.db" | cut -f1)
step "verifying"
VERIFY=$("$DARWAZA" audit verify --data "$TMP/scratch")
echo "$VERIFY" >&2

echo
echo "== audit summary (commit $commit, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "submissions/s audited $AUDITED, unaudited $UNAUDITED: ratio $RATIO (goal >= 0.8)"
echo "append (synth, batches of 50,000): $FILL; $(awk -v b="$DB_BYTES" -v n="$N" 'BEGIN { printf "%.0f", b / n }') bytes per entry"
echo "verify: $VERIFY (goal >= 1,000,000 entries/s)"

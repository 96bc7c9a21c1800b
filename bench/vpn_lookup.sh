#!/usr/bin/env bash
# VPN address look-ups with N registered ranges (default 1,000,000; IPv4 and IPv6 mixed):
#   1. in-process: Google Benchmark bench/vpn_lookup_bench.cpp (build/vpn_lookup_bench), ns per
#      look-up for hits and misses, IPv4 and IPv6, and the index build time;
#   2. over HTTP: N synthetic registrations are imported with `darwaza registry import` (the bulk
#      path an agency migrating its registry uses), darwaza serve builds its index at start,
#      and wrk posts batches of 10,000 addresses (half covered, half not) to
#      POST /v1/registries/pta-vpn-endpoints/ip-lookup: latency per batch (1 connection) and
#      batches/s (2 connections). Goal: in-process < 1 µs per look-up; a batch < 20 ms.
# Usage: bench/vpn_lookup.sh [N]      Bounded: wrk runs 10 s per step.
set -euo pipefail
BENCH_NAME=vpn_lookup
BENCH_EXTRA_TOOLS="python3"
source "$(dirname "$0")/lib.sh"
N=${1:-1000000}
[[ "$N" =~ ^[0-9]+$ && "$N" -ge 10000 ]] || die "N must be a whole number >= 10000"
TMP=$(mktemp -d)

step "in-process look-ups (Google Benchmark)"
ninja -C build vpn_lookup_bench >&2 || die "building vpn_lookup_bench failed"
./build/vpn_lookup_bench --benchmark_min_time=0.5 2>&1 | grep -E '^(Benchmark|BM_|-)' | tee "$TMP/inprocess.txt"

step "generating $N synthetic registrations"
python3 bench/gen_vpn_ranges.py "$N" "$TMP/vpn.jsonl" "$TMP/probes.txt"

step "loading the registries and importing the registrations"
"$DARWAZA" registry load data/registries --data "$TMP/data" >/dev/null
t0=$(date +%s.%N)
"$DARWAZA" registry import pta-vpn-endpoints "$TMP/vpn.jsonl" --data "$TMP/data" >&2
t1=$(date +%s.%N)
IMPORT_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
echo "imported $N in ${IMPORT_S}s" >&2

step "starting darwaza (builds the address index from the records)"
t0=$(date +%s.%N)
start_darwaza --registry-dir data/registries
t1=$(date +%s.%N)
START_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
grep -o 'registry pta-vpn-endpoints: [0-9]* address ranges indexed' "$TMP/darwaza.log" >&2 || true
echo "ready after ${START_S}s; RSS $(ps -o rss= -p "$DARWAZA_PID") KiB" >&2

TOKEN=$(staff_token officer pta)
[[ -n "$TOKEN" ]] || die "no token for the PTA officer"

# A batch of 10,000 probe addresses: half inside registered ranges, half in 198.51.100.0/24.
python3 - "$TMP/probes.txt" "$TMP/batch.json" <<'PY'
import json, sys
addrs = [l.strip() for l in open(sys.argv[1]) if l.strip()][:10000]
json.dump({"addresses": addrs}, open(sys.argv[2], "w"))
PY
code=$(curl -s -o "$TMP/answer.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary "@$TMP/batch.json" "$BASE/v1/registries/pta-vpn-endpoints/ip-lookup")
[[ "$code" == 200 ]] || die "batch look-up returned $code: $(head -c 300 "$TMP/answer.json")"
COVERED=$(grep -o '"covered":true' "$TMP/answer.json" | wc -l)
echo "one batch: $COVERED of 10000 covered (expected about 5000)" >&2
[[ "$COVERED" -ge 4900 ]] || die "the batch answer does not find the registered ranges"

cat >"$TMP/post.lua" <<LUA
local f = io.open("$TMP/batch.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
URL="$BASE/v1/registries/pta-vpn-endpoints/ip-lookup"
step "HTTP batches of 10,000: 1 connection (latency per batch)"
wrk -t1 -c1 -d10s --latency -s "$TMP/post.lua" "$URL" | tee "$TMP/wrk1.txt"
step "HTTP batches of 10,000: 2 connections (throughput)"
wrk -t2 -c2 -d10s --latency -s "$TMP/post.lua" "$URL" | tee "$TMP/wrk2.txt"
grep -q 'Non-2xx' "$TMP/wrk1.txt" "$TMP/wrk2.txt" && die "some batch requests failed"

p50=$(awk '/^ +50%/ {print $2}' "$TMP/wrk1.txt")
p99=$(awk '/^ +99%/ {print $2}' "$TMP/wrk1.txt")
rps=$(awk '/^Requests\/sec/ {print $2}' "$TMP/wrk2.txt")
echo
echo "== vpn_lookup summary (commit $commit, $N ranges)"
echo "import: ${IMPORT_S}s; start-up with index build: ${START_S}s"
echo "HTTP batch of 10,000 (1 connection): p50 $p50, p99 $p99; 2 connections: $rps batches/s"
echo "in-process:"
cat "$TMP/inprocess.txt"

#!/usr/bin/env bash
# A read-only node (serve --read-only) on a PostgreSQL hot standby against a read-write node on
# its primary (issue 9, docs/deployment.md "Read replicas"): the same public registry reads through
# each, interleaved. A benchmark, not a test: run it by hand on a quiet machine. Everything shares
# this machine's CPUs, so it shows what a read-only node costs next to a read-write node, not the
# capacity replicas add (that needs machines of their own).
#
#   bench/read_only_node.sh [RECORDS] [ROUNDS]     # default 100000 VPN registrations, 3 rounds
#
# Set-up: a throw-away primary and a pg_basebackup standby (bench/lib.sh pg_start, pg_standby: test
# settings, fsync off), RECORDS synthetic registrations imported with `darwaza registry import`,
# node A read-write on the primary, node R read-only on the standby with the public key only.
# Each round, each node, each route: wrk -t2 -c8, 2 s of warm-up then 6 s measured:
#   record  GET /v1/registries/pta-vpn-endpoints/records/{number}, 100 numbers in turn;
#   search  GET /v1/registries/pta-vpn-endpoints/records?q=firm%20N, N in turn (every name holds
#           "firm", so each query ranks the records whose number starts with N).
set -euo pipefail
BENCH_NAME=read_only_node
BENCH_EXTRA_TOOLS="python3 psql:postgresql"
source "$(dirname "$0")/lib.sh"
records_and_rounds "$@"
TMP=$(mktemp -d)

step "primary, $N registrations, standby"
pg_start
pg_create dz
python3 bench/gen_vpn_ranges.py "$N" "$TMP/vpn.jsonl" "$TMP/probes.txt"
"$DARWAZA" registry load data/registries --data "$TMP/a/data" --db "${PG_BASE}dz" >/dev/null 2>&1
"$DARWAZA" registry import pta-vpn-endpoints "$TMP/vpn.jsonl" --data "$TMP/a/data" --db "${PG_BASE}dz" >/dev/null 2>&1
psql "${PG_BASE}dz" -qc "VACUUM ANALYZE"
pg_standby

step "node A (read-write, primary) and node R (read-only, standby, public key only)"
start_node "$TMP/a" --db "${PG_BASE}dz"
AP=$NODE_PORT
mkdir -p "$TMP/r/data/keys"
cp "$TMP/a/data/keys/signing.key.pub" "$TMP/r/data/keys/"
start_node "$TMP/r" --read-only --db "${PG_STANDBY_BASE}dz"
RP=$NODE_PORT
echo "read-only node: $(curl -s "127.0.0.1:$RP/readyz")" >&2
curl -s "127.0.0.1:$AP/v1/registries/pta-vpn-endpoints/records?page_size=100&q=Synthetic" |
  python3 -c "import sys,json; print('\n'.join(i['number'] for i in json.load(sys.stdin)['items']))" >"$TMP/nums"
cat >"$TMP/record.lua" <<LUA
local nums = {}
for l in io.lines("$TMP/nums") do nums[#nums+1] = l end
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records/" .. nums[(i % #nums) + 1]) end
LUA
cat >"$TMP/search.lua" <<LUA
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?q=firm%20" .. (i % $N)) end
LUA

step "wrk -t2 -c8, 2 s warm-up + 6 s, $ROUNDS rounds (binary of $commit)"
echo "| round | node | route | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  for node in "A:$AP" "R:$RP"; do
    for route in record search; do
      wrk -t2 -c8 -d2s -s "$TMP/$route.lua" "http://127.0.0.1:${node#*:}/" >/dev/null 2>&1
      out=$(wrk -t2 -c8 -d6s --latency -s "$TMP/$route.lua" "http://127.0.0.1:${node#*:}/" 2>&1)
      echo "| $round | ${node%%:*} | $route | $(awk '/Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1=="50%" {print $2}' <<<"$out") | $(awk '$1=="99%" {print $2}' <<<"$out") | $(awk '/Non-2xx/ {print $NF}' <<<"$out") |"
    done
  done
done

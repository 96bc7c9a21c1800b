#!/usr/bin/env bash
# A read-only node (serve --read-only) on a PostgreSQL hot standby against a read-write node on
# its primary (issue 9, docs/deployment.md "Read replicas"): the same public registry reads through
# each, interleaved. A benchmark, not a test: run it by hand on a quiet machine. Everything shares
# this machine's CPUs, so it shows what a read-only node costs next to a read-write node, not the
# capacity replicas add (that needs machines of their own).
#
#   bench/read_only_node.sh [RECORDS] [ROUNDS]     # default 100000 VPN registrations, 3 rounds
#
# Set-up: a throw-away primary and a pg_basebackup standby (scripts/pg_test_server.sh, test
# settings: fsync off), RECORDS synthetic registrations imported with `darwaza registry import`,
# node A read-write on the primary, node R read-only on the standby with the public key only.
# Each round, each node, each route: wrk -t2 -c8, 2 s of warm-up then 6 s measured:
#   record  GET /v1/registries/pta-vpn-endpoints/records/{number}, 100 numbers in turn;
#   search  GET /v1/registries/pta-vpn-endpoints/records?q=firm%20N, N in turn (every name holds
#           "firm", so each query ranks the records whose number starts with N).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
ROUNDS=${2:-3}
DARWAZA=${DARWAZA:-./build/darwaza}
for tool in wrk psql python3 curl; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done
W=$(mktemp -d /tmp/read-only-bench.XXXX)
chmod 755 "$W"  # the PostgreSQL servers run as their own user
A=; R=
cleanup() {
  [ -n "$A" ] && kill "$A" 2>/dev/null || true
  [ -n "$R" ] && kill "$R" 2>/dev/null || true
  wait 2>/dev/null || true
  scripts/pg_test_server.sh stop "$W/s" || true
  scripts/pg_test_server.sh stop "$W/p" || true
  rm -rf "$W"
}
trap cleanup EXIT
P=$(scripts/pg_test_server.sh start "$W/p")
psql "${P}postgres" -qc "CREATE DATABASE dz"
python3 bench/gen_vpn_ranges.py "$N" "$W/vpn.jsonl" "$W/probes.txt"
"$DARWAZA" registry load data/registries --data "$W/a" --db "${P}dz" >/dev/null 2>&1
"$DARWAZA" registry import pta-vpn-endpoints "$W/vpn.jsonl" --data "$W/a" --db "${P}dz" >/dev/null 2>&1
psql "${P}dz" -qc "VACUUM ANALYZE"
S=$(scripts/pg_test_server.sh standby "$W/s" "$P")
"$DARWAZA" serve --listen 127.0.0.1:0 --port-file "$W/a.port" --data "$W/a" --db "${P}dz" --access-log off >"$W/a.log" 2>&1 &
A=$!
for _ in $(seq 100); do [ -s "$W/a.port" ] && break; sleep 0.1; done
mkdir -p "$W/r/keys"
cp "$W/a/keys/signing.key.pub" "$W/r/keys/"
"$DARWAZA" serve --read-only --listen 127.0.0.1:0 --port-file "$W/r.port" --data "$W/r" --db "${S}dz" --access-log off >"$W/r.log" 2>&1 &
R=$!
for _ in $(seq 100); do [ -s "$W/r.port" ] && break; sleep 0.1; done
AP=$(cat "$W/a.port"); RP=$(cat "$W/r.port")
echo "read-only node: $(curl -s "127.0.0.1:$RP/readyz")"
curl -s "127.0.0.1:$AP/v1/registries/pta-vpn-endpoints/records?page_size=100&q=Synthetic" |
  python3 -c "import sys,json; print('\n'.join(i['number'] for i in json.load(sys.stdin)['items']))" >"$W/nums"
cat >"$W/record.lua" <<LUA
local nums = {}
for l in io.lines("$W/nums") do nums[#nums+1] = l end
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records/" .. nums[(i % #nums) + 1]) end
LUA
cat >"$W/search.lua" <<LUA
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?q=firm%20" .. (i % $N)) end
LUA
echo "| round | node | route | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  for node in "A:$AP" "R:$RP"; do
    for route in record search; do
      wrk -t2 -c8 -d2s -s "$W/$route.lua" "http://127.0.0.1:${node#*:}/" >/dev/null 2>&1
      out=$(wrk -t2 -c8 -d6s --latency -s "$W/$route.lua" "http://127.0.0.1:${node#*:}/" 2>&1)
      echo "| $round | ${node%%:*} | $route | $(awk '/Requests\/sec/ {print $2}' <<<"$out") | $(awk '$1=="50%" {print $2}' <<<"$out") | $(awk '$1=="99%" {print $2}' <<<"$out") | $(awk '/Non-2xx/ {print $NF}' <<<"$out") |"
    done
  done
done

#!/usr/bin/env bash
# The public registry search (GET /v1/registries/{name}/records?q=...) over a large registry, on
# SQLite and on PostgreSQL: what one public query can cost. A benchmark, not a test: run it by hand
# on a quiet machine.
#
#   bench/registry_search.sh [RECORDS] [ROUNDS]    # default 100000 VPN registrations, 3 rounds
#   BASELINE_DARWAZA=/path/to/older/darwaza bench/registry_search.sh   # the same runs with a second
#                                                   # binary, interleaved: an A/B on this machine
#
# RECORDS synthetic registrations ("Synthetic Firm <i>", bench/gen_vpn_ranges.py) are imported
# with `darwaza registry import`. Each round, each binary, each engine, wrk -t2 -c8, 2 s of
# warm-up then 6 s measured, over two query mixes:
#   broad   q=firm N, N = 1..9 in turn: every name holds "firm" and words match as prefixes, so
#           each query matches the ~RECORDS/9 records whose number starts with N;
#   mixed   q=firm N with N of 1, 2, 3, 4 and 5 digits in turn (matching ~RECORDS/9, /90, /900,
#           /9000 and 1 or 2 records): one query in five is broad;
#   other   the broad queries in another registry (stp-parks, 25 parks whose words are not
#           these): what a small registry's search costs beside a large one's matches;
#   deep    a listing (no words) 100 records at a time from places spread over the registry: the
#           current binary by cursor (after=S), a baseline binary by numbered page (page=S/100),
#           which a baseline of before the cursor (commit c506499 or older) answers by OFFSET;
#   status  the listing of one status that no record holds (status=suspended, the first page):
#           with the index (registry, status, seq) of migration V015 it reads nothing; before it,
#           the page and its count walked every record of the registry.
# Nodes serve with --rate-limit-per-minute 0 (the route is not rate limited in any case).
set -euo pipefail
BENCH_NAME=registry_search
BENCH_EXTRA_TOOLS="python3 psql:postgresql"
source "$(dirname "$0")/lib.sh"
records_and_rounds "$@"
binaries_under_test
TMP=$(mktemp -d)

step "$N registrations into SQLite and PostgreSQL"
python3 bench/gen_vpn_ranges.py "$N" "$TMP/vpn.jsonl" "$TMP/probes.txt"
pg_start
pg_create dz
# One database per engine, loaded by the current binary; a baseline binary opens it as is (the
# baseline of an older schema ignores the newer steps and reads the tables as it knows them). Nodes of one engine share its folder.
for target in "sq:sqlite:$TMP/sq/data/darwaza.db" "pg:${PG_BASE}dz"; do
  mkdir -p "$TMP/${target%%:*}/data"
  for cmd in "registry load data/registries" "registry import pta-vpn-endpoints $TMP/vpn.jsonl"; do
    # shellcheck disable=SC2086 # the command's words
    "$DARWAZA" $cmd --data "$TMP/${target%%:*}/data" --db "${target#*:}" >/dev/null 2>&1 || die "darwaza $cmd failed"
  done
done
psql "${PG_BASE}dz" -qc "VACUUM ANALYZE"

cat >"$TMP/broad.lua" <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?q=firm%20" .. (i % 9 + 1)) end
LUA
cat >"$TMP/other.lua" <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/stp-parks/records?q=firm%20" .. (i % 9 + 1)) end
LUA
cat >"$TMP/deep_after.lua" <<LUA
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?page_size=100&after=" .. ((i * 7919) % $N + 1)) end
LUA
cat >"$TMP/deep_page.lua" <<LUA
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?page_size=100&page=" .. (math.floor(((i * 7919) % $N) / 100) + 1)) end
LUA
cat >"$TMP/status.lua" <<'LUA'
request = function() return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?status=suspended") end
LUA
# N with 1..5 digits in turn; the digits vary so that no two queries in a row are the same.
cat >"$TMP/mixed.lua" <<'LUA'
local i = 0
request = function()
  i = i + 1
  local digits = i % 5 + 1
  local n = 10 ^ (digits - 1) + (i * 7919) % (9 * 10 ^ (digits - 1))
  return wrk.format("GET", "/v1/registries/pta-vpn-endpoints/records?q=firm%20" .. string.format("%d", n))
end
LUA

step "wrk -t2 -c8, 2 s warm-up + 6 s, $ROUNDS rounds (binary of $commit$([[ -n "${BASELINE_DARWAZA:-}" ]] && echo ", baseline $BASELINE_DARWAZA"))"
echo "Machine: $(machine)"
echo "| round | engine | binary | queries | req/s | p50 | p99 | non-2xx | timeouts (> 2 s) |"
echo "|---|---|---|---|---:|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  for target in "sq:sqlite:$TMP/sq/data/darwaza.db" "pg:${PG_BASE}dz"; do
    for bin in "${BINARIES[@]}"; do
      start_node_of "$bin" "$TMP/${target%%:*}" --db "${target#*:}"
      for mix in broad mixed other deep status; do
        script=$mix
        [[ $mix == deep ]] && script=$([[ ${bin%%:*} == baseline ]] && echo deep_page || echo deep_after)
        wrk -t2 -c8 -d2s -s "$TMP/$script.lua" "http://127.0.0.1:$NODE_PORT/" >/dev/null 2>&1
        # The warm-up's last requests, whose connections wrk closed, may still hold the lane of
        # costly reads: let them end, or the run's first requests find it full (503 busy).
        sleep 1
        out=$(wrk -t2 -c8 -d6s --latency -s "$TMP/$script.lua" "http://127.0.0.1:$NODE_PORT/" 2>&1)
        echo "| $round | $([[ ${target%%:*} == sq ]] && echo sqlite || echo postgresql) | ${bin%%:*} | $mix | $(wrk_cells "$out") | $(sed -n 's/.*timeout \([0-9]*\).*/\1/p' <<<"$out") |"
      done
      stop_pid "$NODE_PID"
      BENCH_PIDS=${BENCH_PIDS% "$NODE_PID"}
    done
  done
done

#!/usr/bin/env bash
# An agency's officer queue (GET /v1/agencies/{agency}/queue) over many applications, on SQLite and
# on PostgreSQL: what an officer's page costs once the agency holds tens of thousands. A benchmark,
# not a test: run it by hand on a quiet machine.
#
#   bench/queue.sh [APPLICATIONS] [ROUNDS]      # default 300000 applications, 3 rounds
#   BASELINE_DARWAZA=/path/to/older/darwaza bench/queue.sh   # the same runs with a second binary,
#                                               # interleaved: an A/B on this machine
#
# `darwaza synth` writes APPLICATIONS applications (and APPLICATIONS/5 citizens) over the 8,000
# synthetic services into each engine; an officer of PTA (the agency synth gives the most) asks
# for its queue. Each round, each binary, each engine: wrk -t1 -c2, 2 s of warm-up (which is more
# than the five executions after which PostgreSQL may switch a prepared statement to its generic
# plan) then 6 s measured, over these mixes:
#   open       the open queue's first page (20, oldest first) and its count;
#   state      one state's first page and count, the states in turn (approved, under_review,
#              submitted, rejected: thousands to tens of thousands of rows each);
#   filtered   the open queue of one service (the service with most of PTA's open applications);
#   overdue    the overdue queue (open applications past their SLA due time, longest overdue
#              first);
#   deeper     the open queue's pages 2 to 50 in turn;
#   deep       the open queue's last numbered pages, 451 to 500 (applications 9,001 to 10,000) in
#              turn, by OFFSET;
#   cursor     the same pages by `after` (the cursors are found once per engine by walking the
#              queue from its first page with the current binary; a baseline binary older than
#              the cursor is not run on this mix).
set -euo pipefail
BENCH_NAME=queue
BENCH_EXTRA_TOOLS="psql:postgresql jq"
source "$(dirname "$0")/lib.sh"
records_and_rounds "$@"
APPS=$N
binaries_under_test
TMP=$(mktemp -d)

step "$APPS synthetic applications into SQLite and PostgreSQL"
pg_start
pg_create dz
TARGETS=("sq:sqlite:$TMP/sq/data/darwaza.db" "pg:${PG_BASE}dz")
for target in "${TARGETS[@]}"; do
  mkdir -p "$TMP/${target%%:*}/data"
  "$DARWAZA" synth --data "$TMP/${target%%:*}/data" --db "${target#*:}" --citizens $((APPS / 5)) \
    --applications "$APPS" 2>&1 | grep '^SYNTH' || die "darwaza synth failed"
done
psql "${PG_BASE}dz" -qc "VACUUM ANALYZE"
SERVICE=$(psql "${PG_BASE}dz" -Atc "SELECT service_id FROM applications WHERE agency_id = 'pta' AND is_open = 1
  GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
echo "PTA: $(psql "${PG_BASE}dz" -Atc "SELECT count(*), sum(is_open) FROM applications WHERE agency_id = 'pta'" |
  sed 's/|/ applications, open: /'); the filtered mix's service: $SERVICE"

cat >"$TMP/open.lua" <<'LUA'
request = function() return wrk.format("GET", "/v1/agencies/pta/queue") end
LUA
cat >"$TMP/state.lua" <<'LUA'
local states = {"approved", "under_review", "submitted", "rejected"}
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/agencies/pta/queue?state=" .. states[i % 4 + 1]) end
LUA
cat >"$TMP/filtered.lua" <<LUA
request = function() return wrk.format("GET", "/v1/agencies/pta/queue?service=$SERVICE") end
LUA
cat >"$TMP/overdue.lua" <<'LUA'
request = function() return wrk.format("GET", "/v1/agencies/pta/queue?overdue=true") end
LUA
cat >"$TMP/deeper.lua" <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/agencies/pta/queue?page=" .. (i % 49 + 2)) end
LUA
cat >"$TMP/deep.lua" <<'LUA'
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/agencies/pta/queue?page=" .. (i % 50 + 451)) end
LUA
for mix in open state filtered overdue deeper deep; do
  sed -i '1i local token = os.getenv("QUEUE_TOKEN")' "$TMP/$mix.lua"
  sed -i 's/wrk.format("GET", \(.*\)) end$/wrk.format("GET", \1, {["Authorization"] = "Bearer " .. token}) end/' "$TMP/$mix.lua"
done

step "wrk -t1 -c2, 2 s warm-up + 6 s, $ROUNDS rounds (binary of $commit$([[ -n "${BASELINE_DARWAZA:-}" ]] && echo ", baseline $BASELINE_DARWAZA"))"
echo "Machine: $(machine)"
echo "| round | engine | binary | mix | req/s | p50 | p99 | non-2xx |"
echo "|---|---|---|---|---:|---:|---:|---:|"
for round in $(seq "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    for bin in "${BINARIES[@]}"; do
      start_node_of "$bin" "$TMP/${target%%:*}" --db "${target#*:}"
      BASE="http://127.0.0.1:$NODE_PORT"
      QUEUE_TOKEN=$(TMP=$TMP/${target%%:*} DARWAZA=${bin#*:} DARWAZA_DB=${target#*:} staff_token officer pta)
      [[ -n "$QUEUE_TOKEN" ]] || die "no officer token"
      export QUEUE_TOKEN
      cursors=$TMP/${target%%:*}/cursor.lua
      if [[ ${bin%%:*} == current && ! -s $cursors ]]; then
        # The cursors of pages 451 to 500: the next_after of pages 450 to 499, walked from page 1.
        after="" list=""
        for page in $(seq 499); do
          after=$(curl -sf -H "Authorization: Bearer $QUEUE_TOKEN" \
            "$BASE/v1/agencies/pta/queue${after:+?after=$after}" | jq -r '.next_after // empty' || true)
          [[ -n $after ]] || die "the queue ended before page $((page + 1))"
          ((page >= 450)) && list+="\"$after\","
        done
        cat >"$cursors" <<LUA
local token = os.getenv("QUEUE_TOKEN")
local cursors = { $list }
local i = 0
request = function() i = i + 1; return wrk.format("GET", "/v1/agencies/pta/queue?after=" .. cursors[i % #cursors + 1], {["Authorization"] = "Bearer " .. token}) end
LUA
      fi
      for mix in open state filtered overdue deeper deep cursor; do
        script=$TMP/$mix.lua
        if [[ $mix == cursor ]]; then
          [[ ${bin%%:*} == current ]] || continue
          script=$cursors
        fi
        wrk -t1 -c2 -d2s -s "$script" "$BASE/" >/dev/null 2>&1
        out=$(wrk -t1 -c2 -d6s --latency -s "$script" "$BASE/" 2>&1)
        echo "| $round | $([[ ${target%%:*} == sq ]] && echo sqlite || echo postgresql) | ${bin%%:*} | $mix | $(wrk_cells "$out") |"
      done
      stop_pid "$NODE_PID"
      BENCH_PIDS=${BENCH_PIDS% "$NODE_PID"}
    done
  done
done

#!/usr/bin/env bash
# A/B of the PostgreSQL look-ups between darwaza binaries (issue 9): one durable throw-away
# PostgreSQL 15 (scripts/pg_test_server.sh, PG_DURABLE=1), one small synthetic database (1,000
# citizens and applications, 8,000 services), then ROUNDS rounds in which each binary in turn
# serves it on 127.0.0.1, 20 synthetic citizens sign in, and wrk measures (2 s warm-up, DURATION s)
#   profile      GET /v1/me                  (each citizen's own token)
#   application  GET /v1/applications/{id}   (each citizen's own application, timeline included)
# at 1 connection (latency of one request alone) and at 4 (-t2 -c4, as bench/scale.sh). The nodes
# write no access log, as in bench/scale.sh (until session 14 this script's nodes wrote one to a file).
# Interleaving the binaries round by round is what makes the comparison fair on a shared machine.
#
#   bench/pg_lookup_ab.sh OLD_BINARY NEW_BINARY [...]       tunables: ROUNDS (3), DURATION (6)
#
# Prints one line per round, binary, look-up and connection count: req/s, p50, p99, non-2xx.
set -euo pipefail
cd "$(dirname "$0")/.."
(($# >= 1)) || { echo "usage: $0 BINARY [BINARY...]" >&2; exit 2; }
for b in "$@"; do [[ -x "$b" ]] || { echo "$0: $b is not an executable" >&2; exit 2; }; done
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-6}
PORT=${PORT:-18282}
BASE="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "$0: needs wrk (apt-get install wrk)" >&2; exit 2; }

d=$(mktemp -d /tmp/pg-ab.XXXX)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  scripts/pg_test_server.sh stop "$d" >/dev/null 2>&1 || true
}
trap cleanup EXIT
url=$(PG_DURABLE=1 scripts/pg_test_server.sh start "$d")
psql -q "$url" -c "CREATE DATABASE ab"
url=${url%/}/ab
mkdir -p "$d/dz"
"$1" synth --data "$d/dz" --db "$url" --citizens 1000 --applications 1000 --services 8000 --seed 1 \
  --sample-out "$d/sample.tsv" --sample-rows 500 >"$d/synth.log" 2>&1 || { tail -n 5 "$d/synth.log" >&2; exit 1; }
password=$(sed -n 's/^password of every synthetic account: //p' "$d/synth.log")
grep -v '^#' "$d/sample.tsv" | awk -F'\t' '!seen[$1]++ && n++ < 20 { print $1, $3 }' >"$d/pairs"

# Each line of TARGETS: a token, then the path (none: /v1/me). Requests rotate over the lines.
cat >"$d/rotate.lua" <<'LUA'
local reqs = {}
for line in io.lines(os.getenv("TARGETS")) do
  local token, path = line:match("^(%S+)%s*(%S*)$")
  if path == "" then path = "/v1/me" end
  reqs[#reqs + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
local n = 0
request = function() n = n + 1; return reqs[(n % #reqs) + 1] end
LUA

for round in $(seq "$ROUNDS"); do
  for b in "$@"; do
    "$b" serve --listen "127.0.0.1:$PORT" --data "$d/dz" --db "$url" --access-log off >"$d/serve.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
    : >"$d/profile"
    : >"$d/application"
    while read -r cnic app; do
      token=$(curl -s -H 'Content-Type: application/json' --data-binary '{"login":"'"$cnic"'","password":"'"$password"'"}' \
        "$BASE/v1/auth/login" | grep -o '"token":"[^"]*"' | cut -d'"' -f4)
      [[ -n "$token" ]] || { echo "$0: sign-in of $cnic failed on $b" >&2; exit 1; }
      echo "$token" >>"$d/profile"
      echo "$token /v1/applications/$app" >>"$d/application"
    done <"$d/pairs"
    for lookup in profile application; do
      for c in 1 4; do
        TARGETS="$d/$lookup" wrk -t1 -c"$c" -d2s -s "$d/rotate.lua" "$BASE" >/dev/null
        r=$(TARGETS="$d/$lookup" wrk -t$((c > 1 ? 2 : 1)) -c"$c" -d"${DURATION}s" --latency -s "$d/rotate.lua" "$BASE")
        echo "round $round $(basename "$b") $lookup -c$c: $(awk '/^Requests\/sec/ {print $2}' <<<"$r") req/s" \
          "p50 $(awk '/^ +50%/ {print $2}' <<<"$r") p99 $(awk '/^ +99%/ {print $2}' <<<"$r")" \
          "non-2xx $(awk '/Non-2xx/ {print $NF}' <<<"$r" | grep . || echo 0)"
      done
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
  done
done

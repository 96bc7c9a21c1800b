#!/usr/bin/env bash
# Writer CPU per durable submission (issue 4). A benchmark, not a test: run it by hand.
#
#   bench/writer_cpu.sh [BINARY]        # default ./build/darwaza
#   FROM=DIR CITIZENS=N bench/writer_cpu.sh [BINARY]
#   SERVE_ARGS="--outbox-transport file --sms-transport file" bench/writer_cpu.sh [BINARY]
#
# Starts BINARY on a fresh data folder (127.0.0.1, the test fixtures' services), or on a copy of the
# data folder DIR (say one `darwaza synth` filled, to write into a database larger than the writer's
# page cache), with SERVE_ARGS as more options for `serve` (say an outbox transport, so that the
# outbox worker queues and delivers while submissions come in), signs CITIZENS citizens up
# (default 1), and lets wrk submit applications (-t2 -c64, 12 s), each request with the next
# citizen's token. From second 4 to 9 it reads every thread's CPU time from /proc and the 201s
# counted by /metrics, and prints the submissions/s of the run, the busiest thread's CPU per
# submission (the single writer: group commit), all the server's threads' CPU per submission, and
# wrk's (the load generator shares the machine's CPUs). For A/B comparisons of builds, run them
# interleaved on the same machine: the ratios mean something, the absolute figures depend on
# whatever else runs.
set -euo pipefail
BIN=${1:-./build/darwaza}
D=$(mktemp -d /tmp/psub.XXXX)
CITIZENS=${CITIZENS:-1}
if [[ -n ${FROM:-} ]]; then cp -r "$FROM" $D/data; fi
$BIN serve --listen 127.0.0.1:0 --port-file $D/port --data $D/data --access-log off --rate-limit-per-minute 0 --catalog-dir "$(dirname "$0")/../tests/fixtures/services" ${SERVE_ARGS:-} >$D/log 2>&1 &
PID=$!
for i in $(seq 100); do [[ -s $D/port ]] && break; sleep 0.1; done
sleep 0.5
B=http://127.0.0.1:$(cat $D/port)
tokens=()
for i in $(seq $CITIZENS); do
  cnic=$(printf '35202-%07d-1' $((1234566 + i)))
  curl -s -H 'Content-Type: application/json' --data-binary "{\"cnic\":\"$cnic\",\"name\":\"Bench User $i\",\"email\":\"bench$i@example.pk\",\"mobile\":\"+923001234567\",\"password\":\"correct horse battery\"}" $B/v1/auth/signup >/dev/null
  t=$(curl -s -H 'Content-Type: application/json' --data-binary "{\"login\":\"$cnic\",\"password\":\"correct horse battery\"}" $B/v1/auth/login | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  [[ -n $t ]] || { echo "citizen $i ($cnic) could not sign up or log in" >&2; kill $PID; rm -rf $D; exit 1; }
  tokens+=("\"$t\"")
done
if ((CITIZENS == 1)); then  # one token: wrk's own request, as before CITIZENS (comparable figures)
  cat > $D/s.lua <<LUA
wrk.method = "POST"
wrk.body = '{"service_id":"test-permit","data":{"purpose":"Benchmark","endpoints":["8.8.8.0/24"]}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer ${tokens[0]//\"/}"
LUA
else
  cat > $D/s.lua <<LUA
local tokens = { $(IFS=,; echo "${tokens[*]}") }
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1] },
    '{"service_id":"test-permit","data":{"purpose":"Benchmark","endpoints":["8.8.8.0/24"]}}')
end
LUA
fi
wrk -t2 -c64 -d12s -s $D/s.lua $B/v1/applications > $D/wrk.txt &
W=$!
sleep 4
snap() { for t in /proc/$PID/task/*; do echo "$(basename $t) $(awk '{print $14+$15}' $t/stat)"; done | sort; }
c0=$(curl -s $B/metrics | awk '/^darwaza_http_requests_total.*POST.*applications.*201/ {s+=$NF} END {print s+0}')
wcpu() { awk '{print $14+$15}' /proc/$W/stat; }
w0=$(wcpu); snap > $D/t0; sleep 5; snap > $D/t1; w1=$(wcpu)
c1=$(curl -s $B/metrics | awk '/^darwaza_http_requests_total.*POST.*applications.*201/ {s+=$NF} END {print s+0}')
wait $W
top=$(join $D/t0 $D/t1 | awk '{print $3-$2}' | sort -nr | head -1)
tot=$(join $D/t0 $D/t1 | awk '{s+=$3-$2} END {print s}')
rps=$(awk '/Requests\/sec/ {print $2}' $D/wrk.txt)
n=$((c1-c0))
awk -v top=$top -v tot=$tot -v n=$n -v rps=$rps -v w=$((w1-w0)) 'BEGIN { if (n<=0) n=1; printf "rps %s; in window %d subs; busiest thread %.0f us/sub; all server threads %.0f us/sub; wrk %.0f us/sub\n", rps, n, top*10000/n, tot*10000/n, w*10000/n }'
grep -E "Non-2xx" $D/wrk.txt || true
kill $PID; wait $PID 2>/dev/null || true
rm -rf $D

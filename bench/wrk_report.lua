-- Reporting part of every wrk script in bench/ (appended to a script's request part by the
-- shell scripts). Counts status codes per thread and prints one parseable line:
--   RESULT requests=N rps=X p50_ms=X p99_ms=X max_ms=X non2xx=N n201=N codes=200:N,...
--          socket_errors=connect:N,read:N,write:N,timeout:N
-- (non2xx: in a counted run the answers outside 200-299; in an uncounted one, see below, those above 399.)
-- The script it is appended to defines init(), which must set `codes = {}`; `tid` (1, 2, ...)
-- tells each thread apart.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
-- A script that sets `count_codes = false` (before this part) gets no response(): wrk then does not
-- hand each response's status, headers and body to Lua, which on the 2-core box of bench/RESULTS.md
-- costs wrk about 3 us of CPU per request, taken from the server it measures. wrk itself still
-- counts the answers with a status above 399 (summary.errors.status): such a run reports
-- n201=n/a and codes=below400:N,above399:N, and its caller takes the exact codes from elsewhere
-- (bench/applications.sh: darwaza's /metrics).
local counted = count_codes ~= false
if counted then
  function response(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
end
function done(summary, latency, requests)
  local all, non2xx = {}, 0
  for _, t in ipairs(threads) do
    for s, n in pairs(t:get("codes") or {}) do all[s] = (all[s] or 0) + n end
  end
  local keys = {}
  for s, n in pairs(all) do
    table.insert(keys, s)
    if s < 200 or s > 299 then non2xx = non2xx + n end
  end
  table.sort(keys)
  local parts = {}
  for _, s in ipairs(keys) do table.insert(parts, s .. ":" .. all[s]) end
  local e = summary.errors
  local n201 = tostring(all[201] or 0)
  if not counted then
    non2xx = e.status
    n201 = "n/a"
    parts = { "below400:" .. (summary.requests - e.status), "above399:" .. e.status }
  end
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d n201=%s codes=%s socket_errors=connect:%d,read:%d,write:%d,timeout:%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, non2xx, n201,
    #parts > 0 and table.concat(parts, ",") or "none", e.connect, e.read, e.write, e.timeout))
end

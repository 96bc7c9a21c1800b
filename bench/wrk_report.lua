-- Reporting part of every wrk script in bench/ (appended to a script's request part by the
-- shell scripts). Counts status codes per thread and prints one parseable line:
--   RESULT requests=N rps=X p50_ms=X p99_ms=X max_ms=X non2xx=N n201=N codes=200:N,...
--          socket_errors=connect:N,read:N,write:N,timeout:N
-- The script it is appended to defines init(), which must set `codes = {}`; `tid` (1, 2, ...)
-- tells each thread apart.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function response(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
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
  io.write(string.format(
    "RESULT requests=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d n201=%d codes=%s socket_errors=connect:%d,read:%d,write:%d,timeout:%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, non2xx, all[201] or 0,
    #parts > 0 and table.concat(parts, ",") or "none", e.connect, e.read, e.write, e.timeout))
end

-- bench/load.py runs wrk with this script and one argument after "--": the expected status.
-- Responses with another status are counted ("unexpected"), and `done` prints the figures the
-- bench reads as one JSON line. Two more optional arguments rotate the path: a file of paths (one a line)
-- and the index to start from; each request takes the next path, `_pass=N` appended on the N-th wrap.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = tonumber(args[1]) or 200
  unexpected = 0
  paths = {}
  if args[2] then
    for line in io.lines(args[2]) do
      if line ~= "" then table.insert(paths, line) end
    end
  end
  cursor = tonumber(args[3]) or 0
end

function request()
  if #paths == 0 then
    return wrk.request()
  end
  local path = paths[(cursor % #paths) + 1]
  local pass = math.floor(cursor / #paths)
  if pass > 0 then
    path = path .. (string.find(path, "?", 1, true) and "&" or "?") .. "_pass=" .. pass
  end
  cursor = cursor + 1
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do
    other = other + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"unexpected":%d},' ..
    '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout, other,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end

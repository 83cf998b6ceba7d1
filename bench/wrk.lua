-- wrk script for bench/run.py. Arguments after "--": the method, the form-encoded
-- body of a POST (or ""), and optionally a file of Cookie headers, one visitor a
-- line, with the line to start at (counted from 0).
-- Without that file the session cookie comes in with -H and every request is the
-- same. With it, each request takes the next visitor's cookie (starting over at
-- the file's first line if it runs out), and done() reports how many were taken.
-- At the end it prints one line, "BENCH {json}", for the runner to read.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function read_visitors(path)
  local visitors = {}
  for line in io.lines(path) do
    visitors[#visitors + 1] = line
  end
  return visitors
end

local visitors, next_visitor

local function next_visitors_request()
  wrk.headers["Cookie"] = visitors[next_visitor % #visitors + 1]
  next_visitor = next_visitor + 1
  visitors_used = visitors_used + 1
  return wrk.format()
end

function init(args)
  wrk.method = args[1] or "GET"
  if args[2] and args[2] ~= "" then
    wrk.body = args[2]
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  if args[3] then
    visitors = read_visitors(args[3])
    next_visitor = tonumber(args[4])
    visitors_used = 0  -- a global, so that done() can read it from the thread
    -- A global request() makes wrk build every request anew, instead of one for all.
    request = next_visitors_request
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local used = 0
  for _, thread in ipairs(threads) do
    used = used + (thread:get("visitors_used") or 0)
  end
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %.0f, "p99_us": %.0f, ' ..
    '"socket_errors": %d, "error_statuses": %d, "visitors_used": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout, errors.status, used))
end

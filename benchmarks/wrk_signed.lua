-- wrk script: POSTs pre-signed Twilio inbound webhooks, each used once, read from a file of
-- "signature<TAB>urlencoded body" lines. Thread k of n takes lines k, k+n, k+2n, ...
-- Usage: wrk -t N -c C -d D -s wrk_signed.lua URL -- N FILE PATH
-- Prints one line "RESULT {json}" at the end; "wrapped" counts how often a thread ran out of
-- lines and started over (repeating MessageSids: a run must have enough lines for none).

local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads, file, path = tonumber(args[1]), args[2], args[3]
  reqs = {}
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then
      local tab = line:find("\t", 1, true)
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = line:sub(1, tab - 1),
      }, line:sub(tab + 1))
    end
    i = i + 1
  end
  n = 0
  wrapped = 0
end

function request()
  n = n + 1
  if n > #reqs then
    n = 1
    wrapped = wrapped + 1
  end
  return reqs[n]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + (thread:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, '
      .. '"p50_us": %d, "p99_us": %d, "wrapped": %d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), wraps))
end

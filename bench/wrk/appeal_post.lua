-- wrk script of bench/appeals_post_load.py: valid appeals POSTed to /appeal/.
--
-- Each thread first GETs the form (until it has a CSRF cookie and the form's CSRF token),
-- then POSTs appeals. A form token is one-time (a second POST with it is a "double click"
-- that stores nothing), so each POST takes the next unused one from BENCH_TOKENS, a file
-- of tokens the bench signed with the server's key just before this run (thread k of n
-- takes lines k, k+n, ...). Each POST comes from a member's address of its own, as nginx
-- names it in X-Forwarded-For (the bench trusts 127.0.0.1 as the proxy): 10.R.S.N, R the
-- run (BENCH_RUN), S and N from the thread and the token, so the hourly limit per address
-- is the deployed one and no address repeats within the hour. Counts the answers by status
-- and prints them for the bench.

local tokens, next_token, step = {}, 1, 1
local cookie, csrf = nil, nil
-- Globals, so that done() can read them from each thread with thread:get().
gets, s302, s2xx, s3xx, s4xx, s5xx, out_of_tokens = 0, 0, 0, 0, 0, 0, 0
local threads = {}
local slot_counter = 0

function setup(thread)
  thread:set("slot", slot_counter)
  slot_counter = slot_counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("BENCH_THREADS") or "2")
  local i = 0
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    if i % n == slot then table.insert(tokens, line) end
    i = i + 1
  end
  body_start = os.getenv("BENCH_BODY")
  run = tonumber(os.getenv("BENCH_RUN") or "0")
end

local function member_address(n)
  return string.format("10.%d.%d.%d", run % 256, slot * 128 + math.floor(n / 256) % 128, n % 256)
end

function request()
  if not csrf then
    gets = gets + 1
    return wrk.format("GET", "/appeal/")
  end
  local token = tokens[next_token]
  if not token then
    out_of_tokens = out_of_tokens + 1
    return wrk.format("GET", "/robots.txt")
  end
  next_token = next_token + 1
  local body = body_start .. "&csrfmiddlewaretoken=" .. csrf .. "&form_token=" .. token
  -- To the address on wrk's command line: the form, or a floor of bench/floor_views.py.
  return wrk.format("POST", wrk.path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=" .. cookie,
    ["X-Forwarded-For"] = member_address(next_token),
  }, body)
end

function response(status, headers, body)
  if not csrf and status == 200 then
    local set = headers["Set-Cookie"] or ""
    local c = string.match(set, "csrftoken=([^;]+)")
    local t = string.match(body, 'name="csrfmiddlewaretoken" value="([^"]+)"')
    if c and t then cookie, csrf = c, t end
  elseif status == 302 then s302 = s302 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for _, k in ipairs({ "gets", "s302", "s2xx", "s3xx", "s4xx", "s5xx", "out_of_tokens" }) do
      totals[k] = (totals[k] or 0) + (tonumber(thread:get(k)) or 0)
    end
  end
  for k, v in pairs(totals) do io.write(string.format("bench %s %d\n", k, v)) end
end

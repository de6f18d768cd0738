-- wrk script: POSTs Segment /v1/batch requests of 100 unique track events each.
-- Env: TENURE_AUTH (base64 of "writeKey:"), TENURE_RUN (a nonce so ids are new on every run).
local auth = os.getenv("TENURE_AUTH")
local run = os.getenv("TENURE_RUN") or "0"
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local counter = 0
function request()
  counter = counter + 1
  local items = {}
  for i = 1, 100 do
    items[i] = string.format(
      '{"type":"track","userId":"u%d","event":"Order Completed","messageId":"%s-%d-%d-%d","timestamp":"2026-01-01T00:00:00Z","properties":{"order_id":"%s-%d-%d-%d","total":%d.5,"currency":"USD"}}',
      (counter * 131 + i) % 100000, run, tid, counter, i, run, tid, counter, i, i)
  end
  local body = '{"batch":[' .. table.concat(items, ",") .. ']}'
  return wrk.format("POST", "/v1/batch", {["Content-Type"] = "application/json", ["Authorization"] = "Basic " .. auth}, body)
end

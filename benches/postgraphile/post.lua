-- wrk script: POSTs one JSON body to the URL given to wrk.
--   BODY=q1.json wrk -t2 -c8 -d10s -s post.lua http://127.0.0.1:5000/graphql
--   wrk -t2 -c8 -d10s -s post.lua http://127.0.0.1:5000/graphql -- q1.json
-- The body file is read once, from the first script argument or else from $BODY.
-- Non-2xx answers are counted by wrk; a GraphQL error inside a 200 is not, so run
-- verify.sh first. At the end, prints the latency percentiles as one line.
local path

function init(args)
  path = args[1] or os.getenv("BODY")
  if not path then
    error("post.lua: give the body file as `-- FILE` or in $BODY")
  end
  local f = assert(io.open(path, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function done(summary, latency, requests)
  io.write(string.format(
    "post.lua: %d requests, %d errors (non-2xx %d), p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end

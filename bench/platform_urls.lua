-- platform_urls.lua - wrk script of bench/platform_bench.sh: each request a
-- random path from the file named by $URLS (one path a line), and at the
-- end one line "latency p50 p95 p99 (ms) and requests/s" to parse.
local paths = {}

init = function(args)
	local f = assert(io.open(os.getenv("URLS"), "r"))
	for line in f:lines() do
		paths[#paths + 1] = line
	end
	f:close()
	math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

request = function()
	return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
	io.write(string.format("RESULT rps=%.1f p50=%.2f p95=%.2f p99=%.2f errors=%d non2xx=%d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.errors.status))
end

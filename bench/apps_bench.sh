#!/usr/bin/env bash
# apps_bench.sh - disclosure applications at scale: load N synthetic cases
# through the full procedure (`gongkai applications import`), count a
# year's table 三, and measure the staff dashboard and a case page with
# wrk against the agency's public home page in the same run (baseline).
#
#   bench/apps_bench.sh [N]        (default 20000)
#
# Environment: WRK_DURATION (10s), WRK_CONNS (16), GONGKAI (bin/gongkai).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
n=${1:-20000}
gongkai=${GONGKAI:-$top/bin/gongkai}
wd=${WRK_DURATION:-10s}
wc=${WRK_CONNS:-16}
for tool in wrk curl node; do
	command -v "$tool" >/dev/null || { echo "apps_bench: $tool is not installed" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/gk-apps-bench.XXXXXX)
pid=
cleanup() {
	set +e
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
db=$tmp/b.db
export GONGKAI_DB=$db
"$gongkai" init >/dev/null 2>&1
pw=$("$gongkai" demo 2>/dev/null | sed -n 's/.*一次性密码：\([^（]*\)（.*/\1/p')
node "$here/gen_apps.mjs" "$n" > "$tmp/apps.json"

s=$(date +%s.%N)
"$gongkai" applications import tongxiang-edu "$tmp/apps.json" >/dev/null
e=$(date +%s.%N)
imp=$(echo "$e - $s" | bc)
printf 'import %d applications: %.1f s (%.0f/s)\n' "$n" "$imp" "$(echo "$n / $imp" | bc -l)"

s=$(date +%s.%N)
"$gongkai" applications counts tongxiang-edu 2023 >/dev/null
e=$(date +%s.%N)
printf 'table 三 for 2023: %.0f ms\n' "$(echo "($e - $s) * 1000" | bc -l)"

port=$((20000 + RANDOM % 20000))
"$gongkai" serve --listen 127.0.0.1:$port >"$tmp/serve.log" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
jar=$tmp/jar
csrf=$(curl -fs -c "$jar" "http://127.0.0.1:$port/admin/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null -H "Origin: http://127.0.0.1:$port" \
	--data-urlencode "csrf=$csrf" --data-urlencode "username=tongxiang" --data-urlencode "password=$pw" \
	"http://127.0.0.1:$port/admin/login"
cookie=$(awk '$6 == "gk_session" { printf "gk_session=%s", $7 }' "$jar")
[ -n "$cookie" ] || { echo "apps_bench: login failed" >&2; exit 1; }
id=$(sqlite3 "$db" "SELECT id FROM applications ORDER BY id DESC LIMIT 1")

run() { # name url [cookie]
	local out
	if [ -n "${3:-}" ]; then
		out=$(wrk -t2 -c"$wc" -d"$wd" -H "Cookie: $3" "$2")
	else
		out=$(wrk -t2 -c"$wc" -d"$wd" "$2")
	fi
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	lat=$(echo "$out" | awk '/Latency/ { print $2 }')
	non=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
	printf '%-34s %10.0f req/s  mean latency %s%s\n' "$1" "$rps" "$lat" "${non:+  NON-2XX $non}" >&2
	echo "$rps"
}
base=http://127.0.0.1:$port
b1=$(run "baseline: public agency home" "$base/o/tongxiang-edu/")
d1=$(run "dashboard (open cases)" "$base/admin/o/tongxiang-edu/applications" "$cookie")
d2=$(run "dashboard (all, last page)" "$base/admin/o/tongxiang-edu/applications?view=all&page=$(( (n + 29) / 30 ))" "$cookie")
c1=$(run "case page" "$base/admin/o/tongxiang-edu/applications/$id" "$cookie")
b2=$(run "baseline again" "$base/o/tongxiang-edu/")
bm=$(echo "($b1 + $b2) / 2" | bc -l)
printf 'ratios to the baseline (mean %.0f req/s): dashboard %.3f, all/last page %.3f, case page %.3f\n' \
	"$bm" "$(echo "$d1 / $bm" | bc -l)" "$(echo "$d2 / $bm" | bc -l)" "$(echo "$c1 / $bm" | bc -l)"

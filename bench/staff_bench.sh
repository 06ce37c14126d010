#!/usr/bin/env bash
# staff_bench.sh - wrk throughput of staff pages (each one runs the
# permission check several times: the page's own and the navigation's)
# against the agency's public home page, measured in the same run.
#
#   bench/staff_bench.sh            (builds a demo database in a temp dir)
#
# Environment: WRK_DURATION (10s), WRK_CONNS (16), GONGKAI (bin/gongkai).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
gongkai=${GONGKAI:-$top/bin/gongkai}
wd=${WRK_DURATION:-10s}
wc=${WRK_CONNS:-16}
tmp=$(mktemp -d /tmp/gk-staff-bench.XXXXXX)
pid=
cleanup() {
	set +e
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

db=$tmp/b.db
"$gongkai" --db "$db" init >/dev/null
pw=$("$gongkai" --db "$db" demo | sed -n 's/.*一次性密码：\([^（ ]*\).*/\1/p' | tail -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$gongkai" --db "$db" serve --listen 127.0.0.1:"$port" --files "$tmp/files" --search-limit 0 \
	--per-ip-connections 0 2>"$tmp/serve.log" &
pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 50); do curl -fs "$base/" >/dev/null && break; sleep 0.2; done
jar=$tmp/jar
csrf=$(curl -fs -c "$jar" "$base/admin/login" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)
curl -fs -b "$jar" -c "$jar" -o /dev/null -d "username=tongxiang&password=$pw&csrf=$csrf" "$base/admin/login"
cookie=$(awk '$6 == "gk_session" {print "gk_session=" $7}' "$jar")
[ -n "$cookie" ] || { echo "staff_bench: login failed" >&2; exit 1; }

run() { # name url [cookie]
	local out rps
	if [ -n "${3:-}" ]; then
		out=$(wrk -t2 -c"$wc" -d"$wd" -H "Cookie: $3" "$2")
	else
		out=$(wrk -t2 -c"$wc" -d"$wd" "$2")
	fi
	rps=$(echo "$out" | sed -n 's/^Requests\/sec: *//p')
	echo "$1 $rps"
}
org=tongxiang-edu
item=$(curl -fs "$base/api/v1/orgs/$org/items?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
results=()
results+=("$(run public_home "$base/o/$org/")")
results+=("$(run staff_items "$base/admin/o/$org/items" "$cookie")")
results+=("$(run staff_item "$base/admin/o/$org/items/$item" "$cookie")")
results+=("$(run staff_audit "$base/admin/o/$org/audit" "$cookie")")
results+=("$(run public_home_again "$base/o/$org/")")
b1=$(echo "${results[0]}" | cut -d' ' -f2)
b2=$(echo "${results[4]}" | cut -d' ' -f2)
baseline=$(echo "($b1 + $b2) / 2" | bc -l)
printf 'baseline (public home, mean of before and after): %.0f req/s\n' "$baseline"
for r in "${results[@]:1:3}"; do
	name=${r% *} rps=${r#* }
	printf '%-14s %8.0f req/s  %.3fx\n' "$name" "$rps" "$(echo "$rps / $baseline" | bc -l)"
done

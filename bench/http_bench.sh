#!/usr/bin/env bash
# http_bench.sh - wrk throughput of gongkai's pages against nginx serving the
# same bytes as a static file, measured in the same run.
#
#   bench/http_bench.sh DB SLUG ITEM_ID [SEARCH_QUERY]
#
# Starts `gongkai serve` and nginx on free loopback ports, saves the item
# page as served to a static file, then runs wrk against:
#   nginx static          the item page's bytes as a file (the baseline; run
#                         before and after the gongkai runs, their mean is used)
#   gongkai item          GET /o/SLUG/items/ID (rendered, counts a view)
#   gongkai org home      GET /o/SLUG/ (latest items and category counts)
#   nginx cache -> item   nginx proxy_cache in front of gongkai: how the page
#                         does when a cache can keep it
#   gongkai search        GET /o/SLUG/search?q=SEARCH_QUERY
#   gongkai API           GET /api/v1/orgs/SLUG/items?q=SEARCH_QUERY
# and prints req/s, latency and the ratios. Lines starting with "SUMMARY "
# are for bench/run.sh.
#
# Environment: WRK_THREADS (2), WRK_CONNS (32), WRK_SEARCH_CONNS (8: the
# search and API runs, whose requests can take seconds), WRK_TIMEOUT (30s),
# WRK_DURATION (10s), WRK_WARMUP (2s), GK_THREADS (gongkai serve --threads;
# default: its own), GONGKAI (the binary; default bin/gongkai).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
db=${1:?usage: http_bench.sh DB SLUG ITEM_ID [SEARCH_QUERY]}
slug=${2:?usage: http_bench.sh DB SLUG ITEM_ID [SEARCH_QUERY]}
item=${3:?usage: http_bench.sh DB SLUG ITEM_ID [SEARCH_QUERY]}
query=${4:-招生}
gongkai=${GONGKAI:-$top/bin/gongkai}
wt=${WRK_THREADS:-2}
wc=${WRK_CONNS:-32}
wsc=${WRK_SEARCH_CONNS:-8}
wto=${WRK_TIMEOUT:-30s}
wd=${WRK_DURATION:-10s}
ww=${WRK_WARMUP:-2s}

for tool in wrk nginx curl ss od; do
	command -v "$tool" >/dev/null || { echo "http_bench: $tool is not installed" >&2; exit 1; }
done
[ -x "$gongkai" ] || { echo "http_bench: $gongkai not built (make bin/gongkai)" >&2; exit 1; }
[ -f "$db" ] || { echo "http_bench: no database $db" >&2; exit 1; }

tmp=$(mktemp -d /tmp/gk-http-bench.XXXXXX)
gk_pid=
ngx_pid=

cleanup() {
	set +e
	# only the two processes started here, by pid
	[ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
	[ -n "$gk_pid" ] && kill "$gk_pid" 2>/dev/null && wait "$gk_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nobody listens on (not in `used`).
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 40000))
		case " $* " in *" $p "*) continue ;; esac
		if [ -z "$(ss -Hltn "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	echo "http_bench: no free port" >&2
	return 1
}

# Percent-encode every byte (valid for any query string value).
urlenc() {
	printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'
}

wait_http() {
	for _ in $(seq 300); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "http_bench: $1 did not come up" >&2
	return 1
}

gk_port=$(free_port)
ngx_port=$(free_port "$gk_port")
cache_port=$(free_port "$gk_port" "$ngx_port")
mkdir -p "$tmp/www" "$tmp/files" "$tmp/tmp" "$tmp/cache"

# wrk is one address asking thousands of times a second: no per-address limits
serve_args=(--db "$db" serve --listen "127.0.0.1:$gk_port" --files "$tmp/files" --search-limit 0 --per-ip-connections 0)
[ -n "${GK_THREADS:-}" ] && serve_args+=(--threads "$GK_THREADS")
"$gongkai" "${serve_args[@]}" >"$tmp/gongkai.log" 2>&1 &
gk_pid=$!
gk="http://127.0.0.1:$gk_port"
item_path="/o/$slug/items/$item"
wait_http "$gk$item_path"

# A returning visitor: send back any cookie the first response sets (older
# builds minted a CSRF token and sent Set-Cookie on every public page).
cookie=$(curl -s -D - -o /dev/null "$gk$item_path" | tr -d '\r' |
	sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\).*/\1/p' | head -1)
hdr=()
[ -n "$cookie" ] && hdr=(-H "Cookie: $cookie")

status=$(curl -s "${hdr[@]}" -o "$tmp/www/item.html" -w '%{http_code}' "$gk$item_path")
if [ "$status" != 200 ]; then
	echo "http_bench: $item_path gave HTTP $status" >&2
	exit 1
fi
item_bytes=$(wc -c <"$tmp/www/item.html")

user_line=
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	default_type text/html;
	charset utf-8;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 10000000;
	client_body_temp_path $tmp/tmp/body;
	proxy_temp_path $tmp/tmp/proxy;
	fastcgi_temp_path $tmp/tmp/fastcgi;
	uwsgi_temp_path $tmp/tmp/uwsgi;
	scgi_temp_path $tmp/tmp/scgi;
	proxy_cache_path $tmp/cache levels=1:2 keys_zone=gk:10m max_size=256m inactive=10m use_temp_path=off;
	server {
		listen 127.0.0.1:$ngx_port;
		root $tmp/www;
	}
	server {
		listen 127.0.0.1:$cache_port;
		location / {
			proxy_pass http://127.0.0.1:$gk_port;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_cache gk;
			proxy_cache_valid 200 60s;
			proxy_cache_lock on;
			proxy_ignore_headers Cache-Control Expires Set-Cookie;
			proxy_hide_header Set-Cookie;
		}
	}
}
EOF
nginx -p "$tmp" -c "$tmp/nginx.conf" >"$tmp/nginx.out" 2>&1 &
ngx_pid=$!
ngx="http://127.0.0.1:$ngx_port"
wait_http "$ngx/item.html" || { cat "$tmp/nginx.out" "$tmp/nginx-error.log" >&2; exit 1; }
cmp -s "$tmp/www/item.html" <(curl -s "$ngx/item.html") ||
	{ echo "http_bench: nginx does not serve the same bytes" >&2; exit 1; }

echo "== HTTP throughput: wrk -t$wt -d$wd --timeout $wto (after a $ww warm-up each), gongkai pid $gk_pid, nginx workers 2 =="
echo "item page: $item_path, $item_bytes bytes; search query: $query"
printf '%-24s %5s %10s %9s %9s %8s %s\n' target conns "req/s" "p50 ms" "p99 ms" errors url

# Run wrk with $2 connections on $3 (label $1, extra wrk args after); sets REQS.
REQS=0
bench() {
	local label=$1 conns=$2 url=$3 out rps p50 p99 errs
	shift 3
	wrk -t"$wt" -c"$conns" -d"$ww" --timeout "$wto" "$@" "$url" >/dev/null 2>&1 || true
	out=$(wrk -t"$wt" -c"$conns" -d"$wd" --timeout "$wto" --latency "$@" "$url" 2>&1) || true
	rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<<"$out")
	p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
	p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
	local bad tmo
	bad=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' <<<"$out")
	tmo=$(sed -n 's/^ *Socket errors:.*timeout \([0-9]*\).*/\1/p' <<<"$out")
	errs=$((${bad:-0} + ${tmo:-0}))
	printf '%-24s %5s %10s %9s %9s %8s %s\n' "$label" "$conns" "${rps:-?}" "$(ms "$p50")" "$(ms "$p99")" "$errs" \
		"${url#http://127.0.0.1:}"
	REQS=${rps:-0}
	if [ "$errs" -gt 0 ]; then
		echo "!! $label: $errs non-2xx responses or timeouts: its req/s does not count"
		REQS=0
	fi
}

# wrk latency ("812.00us", "3.21ms", "1.02s") in ms
ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.0f", v * 60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.0f", v * 1000 }
		else printf "?" }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "?" }'; }

q=$(urlenc "$query")

bench "nginx static (before)" "$wc" "$ngx/item.html";                        s1=$REQS
bench "gongkai item" "$wc" "$gk$item_path" "${hdr[@]}";                       gi=$REQS
bench "gongkai org home" "$wc" "$gk/o/$slug/" "${hdr[@]}";                   gh=$REQS
bench "nginx cache -> item" "$wc" "http://127.0.0.1:$cache_port$item_path";   gc=$REQS
bench "gongkai search" "$wsc" "$gk/o/$slug/search?q=$q" "${hdr[@]}";          gs=$REQS
bench "gongkai API search" "$wsc" "$gk/api/v1/orgs/$slug/items?q=$q";         ga=$REQS
bench "nginx static (after)" "$wc" "$ngx/item.html";                         s2=$REQS

static=$(awk -v a="$s1" -v b="$s2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
r_item=$(ratio "$gi" "$static")
r_cache=$(ratio "$gc" "$static")
echo
echo "nginx static baseline (mean of before/after): $static req/s"
echo "ratio gongkai item / nginx static:        $r_item   (target >= 0.3, rendered page)"
echo "ratio cached item   / nginx static:        $r_cache   (target >= 0.6, via nginx proxy_cache)"
if grep -qiE 'error|warn' "$tmp/gongkai.log" 2>/dev/null; then
	echo "gongkai log (last lines):"
	tail -5 "$tmp/gongkai.log"
fi
echo "SUMMARY nginx_static_rps=$static nginx_static_before=$s1 nginx_static_after=$s2 gk_item_rps=$gi gk_item_ratio=$r_item"
echo "SUMMARY gk_home_rps=$gh cached_item_rps=$gc cached_item_ratio=$r_cache gk_search_rps=$gs gk_api_rps=$ga"

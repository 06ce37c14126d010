#!/usr/bin/env bash
# static_bench.sh - the three figures of static publication, each against
# its target:
#   1. nginx serving the static item page (deploy/nginx-static.conf, the
#      try_files mapping) vs nginx serving a plain file of the same bytes,
#      in the same run (target >= 0.95);
#   2. regenerating one item's pages (publish-static --item: the item, its
#      versions, home, catalog first pages, feeds, sitemap), median of the
#      regeneration time the command reports (target < 50 ms);
#   3. a full rebuild of N items into an empty tree (target < 2 min for
#      100,000), and a second --all that compares every page with the disk.
#
#   bench/static_bench.sh [N]          # N items, default 100000
#
# Environment: BENCH_SEED (1), BENCH_REUSE (1: reuse bench/out/static-N.db),
# WRK_THREADS (2), WRK_CONNS (50), WRK_SECONDS (10), REGEN_REPS (21).
# Everything is written under bench/out/ (gitignored).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$here/out
n=${1:-100000}
seed=${BENCH_SEED:-1}
reuse=${BENCH_REUSE:-1}
wt=${WRK_THREADS:-2}
wc=${WRK_CONNS:-50}
wd=${WRK_SECONDS:-10}
reps=${REGEN_REPS:-21}
slug=tongxiang-edu
gk=$top/bin/gongkai
db=$out/static-$n.db
tree=$out/static-tree-$n
base=http://127.0.0.1

for tool in wrk nginx curl awk; do
	command -v "$tool" >/dev/null || { echo "static_bench: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$out"
cd "$top"
make -s bin/gongkai
make -s -C bench out/bin/gen_items

if [ "$reuse" != 1 ] || [ ! -s "$db" ]; then
	echo "== $n items (seed $seed) into $db"
	tsv=$out/items-$n-$seed.tsv
	[ -s "$tsv" ] || { "$out/bin/gen_items" "$n" "$seed" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"; }
	rm -f "$db" "$db-wal" "$db-shm"
	"$gk" --db "$db" init --org-name 桐乡市教育局 --org-slug "$slug" --org-code 471127366 >/dev/null
	"$gk" --db "$db" import --org "$slug" --bulk "$tsv" >/dev/null
fi

# ---- 3. full rebuild
rm -rf "$tree"
t0=$(date +%s.%N)
"$gk" --db "$db" publish-static --org "$slug" --out "$tree" --all --base-url "$base" 2>"$out/static-full.log"
t1=$(date +%s.%N)
full_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
files=$(find "$tree" -type f | wc -l)
t0=$(date +%s.%N)
"$gk" --db "$db" publish-static --org "$slug" --out "$tree" --all --base-url "$base" 2>"$out/static-again.log"
t1=$(date +%s.%N)
again_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
"$gk" publish-static --verify "$tree" 2>/dev/null >/dev/null || { echo "static_bench: the tree does not verify" >&2; exit 1; }

# ---- 2. one item
item=$(ls "$tree/o/$slug/items" | sed -n 's/^\([0-9]*\)\.html$/\1/p' | sort -n | tail -1)
: >"$out/static-item.times"
for _ in $(seq "$reps"); do
	"$gk" --db "$db" publish-static --org "$slug" --out "$tree" --item "$item" --base-url "$base" 2>&1 |
		sed -n 's/.*用时 \([0-9.]*\) 秒.*/\1/p' >>"$out/static-item.times"
done
item_ms=$(sort -n "$out/static-item.times" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] * 1000 }')
item_max=$(sort -n "$out/static-item.times" | tail -1 | awk '{ printf "%.1f", $1 * 1000 }')
# with a page that changes: the home page and lists change when an item is new
"$gk" --db "$db" publish-static --org "$slug" --out "$tree" --item "$item" --base-url "$base" 2>&1 | tail -1

# ---- 1. nginx: the static page vs a plain file of the same bytes
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
tmp=$(mktemp -d)
trap 'kill "$ngx_pid" 2>/dev/null; wait "$ngx_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
p_site=$(port)
p_plain=$(port)
mkdir -p "$tmp/plain" "$tmp/tmp" "$tmp/logs"
cp "$tree/o/$slug/items/$item.html" "$tmp/plain/page.html"
bytes=$(stat -c %s "$tmp/plain/page.html")
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:9;|" -e "s|listen 80;|listen 127.0.0.1:$p_site;|" \
	-e "s|root /var/lib/gongkai/static;|root $tree;|" deploy/nginx-static.conf >"$tmp/site.conf"
user_line=
[ "$(id -u)" = 0 ] && user_line="user root;"
cat >"$tmp/nginx.conf" <<CONF
$user_line
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 10000000;
	client_body_temp_path $tmp/tmp;
	proxy_temp_path $tmp/tmp;
	fastcgi_temp_path $tmp/tmp;
	uwsgi_temp_path $tmp/tmp;
	scgi_temp_path $tmp/tmp;
	include $tmp/site.conf;
	# the baseline: any static file, the same headers as the site
	server {
		listen 127.0.0.1:$p_plain;
		root $tmp/plain;
		default_type text/html;
		charset utf-8;
		location / {
			add_header Content-Security-Policy "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" always;
			add_header X-Content-Type-Options nosniff always;
			add_header X-Frame-Options DENY always;
			add_header Referrer-Policy same-origin always;
			add_header Cross-Origin-Opener-Policy same-origin always;
			add_header Permissions-Policy "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()" always;
			add_header Cache-Control "public, max-age=60" always;
		}
	}
}
CONF
nginx -p "$tmp" -c "$tmp/nginx.conf" &
ngx_pid=$!
site_url="http://127.0.0.1:$p_site/o/$slug/items/$item"
plain_url="http://127.0.0.1:$p_plain/page.html"
for _ in $(seq 50); do curl -sf -o /dev/null "$plain_url" && curl -sf -o /dev/null "$site_url" && break; sleep 0.1; done
cmp -s "$tmp/plain/page.html" <(curl -s "$site_url") || { echo "static_bench: nginx does not serve the page's bytes" >&2; exit 1; }

REQS=0
bench() { # label url
	wrk -t"$wt" -c"$wc" -d2s "$2" >/dev/null
	REQS=$(wrk -t"$wt" -c"$wc" -d"${wd}s" "$2" | awk '/^Requests\/sec/ { print $2 }')
	printf '%-28s %10s req/s\n' "$1" "$REQS"
}
echo "== nginx, wrk -t$wt -c$wc -d${wd}s; page $bytes bytes"
bench "plain file (before)" "$plain_url"; a=$REQS
bench "static item page" "$site_url"; s=$REQS
bench "plain file (after)" "$plain_url"; b=$REQS
ratio=$(awk -v s="$s" -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", s / ((a + b) / 2) }')

echo
echo "== static publication, $n items"
echo "nginx static page / plain file:  $ratio   (target >= 0.95)"
echo "one item's pages, median of $reps: ${item_ms} ms (max ${item_max} ms; target < 50 ms)"
echo "full rebuild into an empty tree: ${full_s} s, $files files (target < 120 s)   [$(tail -1 "$out/static-full.log")]"
echo "second --all (compare with disk): ${again_s} s   [$(tail -1 "$out/static-again.log")]"

#!/usr/bin/env bash
# platform_bench.sh [AGENCIES [ITEMS]] - the city platform on PostgreSQL:
# AGENCIES agencies (default 1000) with ITEMS published catalog items each
# (default 10000), generated inside PostgreSQL by bench/gen_platform.sql,
# then, in the same run:
#   - item-page throughput through nginx (deploy/nginx-gongkai.conf) with
#     ONE gongkai server and with TWO on the same database, alternated
#     (one, two, one, two), and their ratio;
#   - platform-wide search latency (GET /catalog?q=…, twelve queries):
#     without the agency filter, with one agency, with a district and its
#     agencies (含下级机构), with the city and all of them; p50/p95/p99;
#   - one agency's annual report build time (`gongkai report --format json`);
#   - the aggregated (本级政府) reports of a district and of the city:
#     bench/gen_tree.sql puts the agencies under DISTRICTS districts under
#     one city, and `gongkai report --org` of a parent sums its subtree.
# The search index is built by `gongkai search rebuild` after the load.
# A throw-away cluster (tools/pg.sh) is started and stopped; the logs and
# summary.txt stay in bench/out/platform/.
#
# Environment: WRK_THREADS (2), WRK_CONNS (32), WRK_DURATION (15s),
# GK_THREADS (4, per server), BENCH_YEAR (2020, the report's year),
# DISTRICTS (10), SEARCH_CONNS (4, wrk connections of the search runs),
# BENCH_KEEP=1 (leave the cluster running and print its URL).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
agencies=${1:-1000}
items=${2:-10000}
out=$here/out/platform
gk=$top/bin/gongkai
wrk_threads=${WRK_THREADS:-2}
wrk_conns=${WRK_CONNS:-32}
wrk_dur=${WRK_DURATION:-15s}
gk_threads=${GK_THREADS:-4}
year=${BENCH_YEAR:-2020}
districts=${DISTRICTS:-10}
search_conns=${SEARCH_CONNS:-4}

mkdir -p "$out"
cd "$top"
summary=$out/summary.txt
: >"$summary"
say() { printf '\n### %s\n' "$*"; }
note() { printf '%s\n' "$*" | tee -a "$summary"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

for tool in wrk nginx curl psql; do
	command -v "$tool" >/dev/null || { echo "platform_bench: needs $tool" >&2; exit 1; }
done
make -s bin/gongkai

pids=()
pgdir=$(mktemp -d /tmp/gk-pg-XXXXXX)
ngx=$(mktemp -d /tmp/gk-bench-ngx-XXXXXX)
stop_all() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for n in one two; do
		[ -f "$ngx/$n/nginx.pid" ] && nginx -p "$ngx/$n" -c "$ngx/$n/nginx.conf" -s quit 2>/dev/null || true
	done
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "platform_bench: cluster left running in $pgdir: $url (tools/pg.sh stop $pgdir)"
	else
		tools/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
	fi
	rm -rf "$ngx"
}
trap stop_all EXIT

free_port() {
	local p=$(( 30000 + (RANDOM % 20000) ))
	while (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; do p=$((p + 1)); done
	echo "$p"
}

say "PostgreSQL"
url=$(tools/pg.sh start "$pgdir" 2>/dev/null)
db=${url%/*}/gongkai_bench
psql "$url" -qc "CREATE DATABASE gongkai_bench"
"$gk" --db "$db" init >"$out/init.log" 2>&1
note "size: $agencies agencies x $items items = $((agencies * items)) items ($(nproc) cores, $(free -g | awk '/^Mem/ { print $2 }') GB RAM; fsync off: a throw-away cluster)"

say "generate (bench/gen_platform.sql)"
t0=$(now)
psql "$db" -v agencies="$agencies" -v items="$items" -f bench/gen_platform.sql >"$out/gen.log" 2>&1 ||
	{ tail -20 "$out/gen.log"; exit 1; }
t1=$(now)
note "generate: $(secs "$t0" "$t1") s; $(tail -4 "$out/gen.log" | grep -E '^ +[0-9]' | tr -s ' ')"

# the city's tree: agencies under districts under one city
psql "$db" -v districts="$districts" -f bench/gen_tree.sql >"$out/tree.log" 2>&1 || { tail -20 "$out/tree.log"; exit 1; }
note "tree: city > $districts districts > $agencies agencies ($(( (agencies + districts - 1) / districts )) per district at most)"

# The search index (item_search), filled the way the product fills it.
say "search rebuild"
t0=$(now)
"$gk" --db "$db" search rebuild >"$out/search-rebuild.log" 2>&1 || { tail -5 "$out/search-rebuild.log"; exit 1; }
note "search rebuild: $(secs "$t0" "$(now)") s ($(psql "$db" -Atc "SELECT COUNT(*) FROM item_search") items indexed, item_search $(psql "$db" -Atc "SELECT pg_size_pretty(pg_total_relation_size('item_search'))"))"

say "servers and nginx"
files=$out/files
mkdir -p "$files" "$out/static"
ports=()
for name in a b; do
	p=$(free_port)
	"$gk" --db "$db" serve --listen "127.0.0.1:$p" --files "$files" --threads "$gk_threads" --search-limit 0 \
		--per-ip-connections 0 --trusted-proxy 127.0.0.1 --instance "bench-$name" >"$out/serve-$name.log" 2>&1 &
	pids+=($!)
	ports+=("$p")
done
for p in "${ports[@]}"; do
	for _ in $(seq 1 100); do
		curl -fso /dev/null "http://127.0.0.1:$p/" && break
		sleep 0.2
	done
done
# nginx "one": the upstream's first server only; "two": both
for n in one two; do
	mkdir -p "$ngx/$n/logs" "$ngx/$n/tmp"
	np=$(free_port)
	conf=$(sed -e "0,/server 127.0.0.1:8081 /s//server 127.0.0.1:${ports[0]} /" \
		-e "s/server 127.0.0.1:8082 /server 127.0.0.1:${ports[1]} /" \
		-e "s|^\tlisten 80;.*|\tlisten 127.0.0.1:$np;|" -e "s|^\troot /var/lib/gongkai/static;.*|\troot $out/static;|" \
		deploy/nginx-gongkai.conf)
	[ "$n" = one ] && conf=$(printf '%s\n' "$conf" | sed "/server 127.0.0.1:${ports[1]} /d")
	printf '%s\n' "$conf" >"$ngx/$n/site.conf"
	cat >"$ngx/$n/nginx.conf" <<EOF
$([ "$(id -u)" = 0 ] && echo 'user root;')
worker_processes 2;
pid $ngx/$n/nginx.pid;
error_log $ngx/$n/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $ngx/$n/tmp;
	proxy_temp_path $ngx/$n/tmp;
	fastcgi_temp_path $ngx/$n/tmp;
	uwsgi_temp_path $ngx/$n/tmp;
	scgi_temp_path $ngx/$n/tmp;
	include $ngx/$n/site.conf;
}
EOF
	nginx -p "$ngx/$n" -c "$ngx/$n/nginx.conf"
	echo "$np" >"$ngx/$n/port"
done

say "item pages: one server vs two"
psql "$db" -Atc "SELECT '/o/' || o.slug || '/items/' || i.id FROM items i JOIN orgs o ON o.id = i.org_id
	WHERE i.id IN (SELECT 1 + (random() * (SELECT MAX(id) FROM items))::bigint FROM generate_series(1, 20000))" \
	>"$out/item-urls.txt"
note "item URLs: $(wc -l <"$out/item-urls.txt") random items of all agencies"
run_wrk() {  # NAME PORT URLFILE DURATION -> the RESULT line
	URLS=$3 wrk -t"$wrk_threads" -c"${RUN_CONNS:-$wrk_conns}" -d"$4" --timeout 30s -s bench/platform_urls.lua \
		"http://127.0.0.1:$2/" >"$out/wrk-$1.log" 2>&1
	grep '^RESULT' "$out/wrk-$1.log" | sed 's/^RESULT //'
}
run_wrk warm "$(cat "$ngx/two/port")" "$out/item-urls.txt" 5s >/dev/null
declare -A rps
for round in 1 2; do
	for n in one two; do
		r=$(run_wrk "item-$n-$round" "$(cat "$ngx/$n/port")" "$out/item-urls.txt" "$wrk_dur")
		note "item pages, $n server(s), round $round: $r"
		rps[$n]="${rps[$n]:-} $(printf '%s' "$r" | sed 's/.*rps=\([0-9.]*\).*/\1/')"
	done
done
one=$(printf '%s\n' ${rps[one]} | awk '{ s += $1 } END { printf "%.1f", s / NR }')
two=$(printf '%s\n' ${rps[two]} | awk '{ s += $1 } END { printf "%.1f", s / NR }')
note "item pages: one server $one req/s, two servers $two req/s, ratio $(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.2f", b / a }') (mean of 2 rounds each)"
seen=$(for _ in $(seq 1 10); do
	curl -s -o /dev/null -D - "http://127.0.0.1:$(cat "$ngx/two/port")$(head -1 "$out/item-urls.txt")" | tr -d '\r' |
		sed -n 's/^[Xx]-[Gg]ongkai-[Ii]nstance: //p'
done | sort | uniq -c | tr -s ' ' | paste -sd, -)
note "nginx \"two\" spread 10 requests as:$seen"

say "platform-wide search"
queries="教育 招生 学校 义务教育 课后服务 食堂 校车 资助 预算 政府采购 规范性文件 学籍"
enc() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g'; }
search_urls() {  # FILTER... -> one URL per query and filter
	for q in $queries; do
		for f in "$@"; do printf '/catalog?q=%s%s\n' "$(enc "$q")" "$f"; done
	done
}
mid=$(( (agencies + 1) / 2 ))
search_urls "" >"$out/search-all.txt"
for a in 1 $mid $agencies; do search_urls "&org=agency-$a"; done >"$out/search-agency.txt"
for d in 1 $(( (districts + 1) / 2 )) $districts; do search_urls "&org=district-$d&sub=1"; done >"$out/search-district.txt"
search_urls "&org=city&sub=1" >"$out/search-city.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${ports[0]}$(head -1 "$out/search-city.txt")")
[ "$code" = 200 ] || { echo "platform_bench: GET /catalog?q= answers $code" >&2; exit 1; }
for k in all agency district city; do
	r=$(RUN_CONNS=$search_conns run_wrk "search-$k" "$(cat "$ngx/two/port")" "$out/search-$k.txt" "$wrk_dur")
	note "platform search ($k), two servers, $search_conns connections: $r"
done
# what the queries find (the first page's total, no filter)
for q in 教育 课后服务 规范性文件; do
	n=$(curl -s "http://127.0.0.1:${ports[0]}/catalog?q=$(enc "$q")" | sed -n 's/.*共 <strong>\([0-9]*\)<\/strong> 条\(以上\)\{0,1\}.*/\1\2/p' | head -1)
	note "  \"$q\": $n matches"
done

say "one agency's annual report"
slug=agency-$(( (agencies + 1) / 2 ))
for i in 1 2 3; do
	t0=$(now)
	"$gk" --db "$db" report --org "$slug" --year "$year" --format json -o "$out/report-$slug.json" 2>>"$out/report.log"
	note "report $slug $year (json), run $i: $(secs "$t0" "$(now)") s"
done

say "aggregated reports"
for org in district-1 city; do
	n=$(psql "$db" -Atc "WITH RECURSIVE t(id) AS (SELECT id FROM orgs WHERE slug = '$org' UNION ALL
		SELECT o.id FROM orgs o JOIN t ON o.parent_id = t.id) SELECT COUNT(*) - 1 FROM t")
	for i in 1 2; do
		t0=$(now)
		rc=0
		"$gk" --db "$db" report --org "$org" --year "$year" --format json -o "$out/report-$org.json" \
			2>>"$out/report.log" || rc=$?
		note "aggregated report $org ($n agencies below) $year (json), run $i: $(secs "$t0" "$(now)") s (exit $rc)"
	done
done

printf '\n'
cat "$summary"

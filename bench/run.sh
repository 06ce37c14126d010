#!/usr/bin/env bash
# run.sh - the whole benchmark: build, generate N items, import them into a
# fresh database, then search latency and HTTP throughput. See README.md.
#
#   bench/run.sh                    # 1,000,000 items
#   BENCH_N=20000 bench/run.sh      # a quick run
#   BENCH_REUSE=1 bench/run.sh      # keep bench/out/bench.db, skip the import
#
# Environment: BENCH_N (1000000), BENCH_SEED (1), BENCH_REUSE (0),
# BENCH_QUERY (招生: the query of the HTTP search runs), BENCH_REPS (10),
# BENCH_DBSTAT (1: per-table size breakdown with the sqlite3 CLI), and the
# WRK_* / GK_THREADS variables of http_bench.sh.
# Everything is written under bench/out/ (gitignored) and left there.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$here/out
n=${BENCH_N:-1000000}
seed=${BENCH_SEED:-1}
reuse=${BENCH_REUSE:-0}
query=${BENCH_QUERY:-招生}
reps=${BENCH_REPS:-10}
slug=tongxiang-edu
db=$out/bench.db
tsv=$out/items-$n-$seed.tsv
gk=$top/bin/gongkai

mkdir -p "$out"
cd "$top"

say() { printf '\n### %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
human() { numfmt --to=iec --suffix=B --format='%.1f' "$1" 2>/dev/null || echo "$1 bytes"; }

say "build"
make -s bin/gongkai
make -s -C bench

if [ "$reuse" = 1 ] && [ -s "$db" ]; then
	say "reusing $db (BENCH_REUSE=1): no generation, no import"
	import_s=reused
	rate=reused
	n=$(sqlite3 -readonly "$db" "SELECT COUNT(*) FROM items WHERE status = 'published'" 2>/dev/null ||
		echo "$n")
else
	say "generate $n items (seed $seed)"
	if [ -s "$tsv" ]; then
		echo "reusing $tsv"
	else
		t0=$(now)
		"$out/bin/gen_items" "$n" "$seed" >"$tsv.tmp"
		mv "$tsv.tmp" "$tsv"
		echo "generated in $(secs "$t0" "$(now)") s"
	fi
	echo "$tsv: $(human "$(stat -c %s "$tsv")")"

	say "fresh database $db"
	rm -f "$db" "$db-wal" "$db-shm"
	rm -rf "$db.files"
	"$gk" --db "$db" init --org-name 桐乡市教育局 --org-slug "$slug" --org-code 471127366 >"$out/init.log" 2>&1 ||
		{ cat "$out/init.log" >&2; exit 1; }
	tail -n +1 "$out/init.log" | grep -v -i '密码\|password' || true

	# --bulk (the default here; BENCH_BULK=0 for row-by-row indexing): the
	# search index is built once at the end, the way a migration loads
	bulk=--bulk
	[ "${BENCH_BULK:-1}" = 0 ] && bulk=
	say "import (one transaction${bulk:+, --bulk})"
	t0=$(now)
	/usr/bin/time -f 'maxrss_kb=%M user_s=%U sys_s=%S' -o "$out/import.time" \
		"$gk" --db "$db" import --org "$slug" $bulk "$tsv" 2>&1 | tee "$out/import.log"
	t1=$(now)
	import_s=$(secs "$t0" "$t1")
	rate=$(awk -v n="$n" -v s="$import_s" 'BEGIN { printf "%.0f", n / s }')
	echo "import: $import_s s, $rate items/s ($(cat "$out/import.time"))"
fi

db_bytes=$(stat -c %s "$db")
wal_bytes=$( [ -f "$db-wal" ] && stat -c %s "$db-wal" || echo 0)
tsv_bytes=$( [ -f "$tsv" ] && stat -c %s "$tsv" || echo 0)
echo "database: $(human "$db_bytes") (+ WAL $(human "$wal_bytes")); input TSV $(human "$tsv_bytes")"

if [ "${BENCH_DBSTAT:-1}" = 1 ] && command -v sqlite3 >/dev/null; then
	say "database size by table/index (sqlite3 dbstat)"
	sqlite3 -readonly "$db" "SELECT printf('%-28s %10.1f MB', name, SUM(pgsize) / 1048576.0)
		FROM dbstat GROUP BY name ORDER BY SUM(pgsize) DESC LIMIT 12" 2>&1 || true
fi

say "search latency"
"$out/bin/search_bench" "$db" --org "$slug" --reps "$reps" --explain | tee "$out/search.log"

say "HTTP throughput"
item_id=$(( n / 2 > 0 ? n / 2 : 1 ))
"$here/http_bench.sh" "$db" "$slug" "$item_id" "$query" | tee "$out/http.log"

# ---- summary ------------------------------------------------------------
declare -A S
while read -r line; do
	for kv in ${line#SUMMARY }; do
		S[${kv%%=*}]=${kv#*=}
	done
done < <(grep -h '^SUMMARY ' "$out/search.log" "$out/http.log")

v() { echo "${S[$1]:-?}"; }
target() { awk -v x="$1" -v t="$2" -v op="$3" 'BEGIN {
	if (x == "?" || x == "reused") { print "n/a"; exit }
	ok = (op == "<") ? (x + 0 < t) : (x + 0 >= t); print ok ? "met" : "MISSED" }'; }

{
	echo
	echo "================ gongkai benchmark summary ================"
	echo "date $(date -u +%FT%TZ), $(nproc) cores, $(git -C "$top" describe --always --dirty 2>/dev/null || echo "?"), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
	echo "items                 $n (seed $seed)"
	printf 'import                %s s, %s items/s        target < 180 s: %s\n' "$import_s" "$rate" \
		"$(target "$import_s" 180 '<')"
	echo "database              $(human "$db_bytes") (input TSV $(human "$tsv_bytes"))"
	echo "baseline item read    p50 $(v base_get_p50_ms) ms, p95 $(v base_get_p95_ms) ms (store_item_get)"
	echo "list page (org)       p50 $(v list_page_p50_ms) ms (store_item_list: COUNT(*) + 20 newest; home and catalog pages)"
	echo "category sidebar      p50 $(v cat_list_p50_ms) ms (store_category_list; search, home and catalog pages)"
	printf 'search 2-char         p50 %s ms, p95 %s ms, max %s ms (p95 = %sx baseline)  target p95 < 20 ms: %s\n' \
		"$(v search2_p50_ms)" "$(v search2_p95_ms)" "$(v search2_max_ms)" "$(v search2_p95_over_base)" \
		"$(target "$(v search2_p95_ms)" 20 '<')"
	printf 'search 4-char         p50 %s ms, p95 %s ms, max %s ms (p95 = %sx baseline)  target p95 < 20 ms: %s\n' \
		"$(v search4_p50_ms)" "$(v search4_p95_ms)" "$(v search4_max_ms)" "$(v search4_p95_over_base)" \
		"$(target "$(v search4_p95_ms)" 20 '<')"
	echo "search 文号           p50 $(v docno_p50_ms) ms"
	echo "nginx static item     $(v nginx_static_rps) req/s (before $(v nginx_static_before), after $(v nginx_static_after))"
	printf 'gongkai item page     %s req/s = %sx nginx          target >= 0.3: %s\n' "$(v gk_item_rps)" \
		"$(v gk_item_ratio)" "$(target "$(v gk_item_ratio)" 0.3 '>=')"
	printf 'cached item page      %s req/s = %sx nginx          target >= 0.6: %s (nginx proxy_cache)\n' \
		"$(v cached_item_rps)" "$(v cached_item_ratio)" "$(target "$(v cached_item_ratio)" 0.6 '>=')"
	echo "gongkai org home      $(v gk_home_rps) req/s"
	echo "gongkai search page   $(v gk_search_rps) req/s (q=$query)"
	echo "gongkai API search    $(v gk_api_rps) req/s (q=$query)"
	echo "logs in $out/"
	echo "============================================================"
} | tee "$out/summary.txt"

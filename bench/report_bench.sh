#!/usr/bin/env bash
# report_bench.sh - the annual report at scale: a fresh database with
# ITEMS synthetic catalog items (bench/gen_items, loaded with import --bulk)
# and APPS synthetic applications loaded through the procedure
# (bench/gen_apps.mjs, `gongkai applications import`), then report_bench
# times the figures and tables of three years.
#
#   bench/report_bench.sh [ITEMS] [APPS]     (default 1000000 100000)
#
# REPORT_REUSE=1 keeps bench/out/report.db from an earlier run.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
items=${1:-1000000}
apps=${2:-100000}
out=$here/out
db=$out/report.db
gk=$top/bin/gongkai
slug=tongxiang-edu

secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
make -s -C "$top" bin/gongkai
make -s -C "$here"
mkdir -p "$out"
if [ "${REPORT_REUSE:-0}" != 1 ] || [ ! -s "$db" ]; then
	rm -rf "$db" "$db-wal" "$db-shm" "$db.files"
	tsv=$out/items-$items-1.tsv
	[ -s "$tsv" ] || "$out/bin/gen_items" "$items" 1 >"$tsv"
	"$gk" --db "$db" init --org-name 桐乡市教育局 --org-slug "$slug" --org-code 471127366 >/dev/null 2>&1
	s=$(date +%s.%N)
	"$gk" --db "$db" import --org "$slug" --bulk "$tsv" >/dev/null
	echo "imported $items items in $(secs "$s" "$(date +%s.%N)") s"
	node "$here/gen_apps.mjs" "$apps" >"$out/apps-$apps.json"
	s=$(date +%s.%N)
	"$gk" --db "$db" applications import "$slug" "$out/apps-$apps.json" >/dev/null
	e=$(date +%s.%N)
	echo "imported $apps applications through the procedure in $(secs "$s" "$e") s"
fi
for y in 2021 2023 2025; do
	echo "### report $y"
	"$out/bin/report_bench" "$db" --year "$y" --reps 10
done

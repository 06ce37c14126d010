#!/usr/bin/env bash
# search_pg.sh - search latency on SQLite and on PostgreSQL over the same
# corpus, in one run (the machine is noisy: compare within a run).
#
#   bench/search_pg.sh                      # 100,000 items over 10 orgs
#   BENCH_N=20000 BENCH_ORGS=4 bench/search_pg.sh
#
# gen_items makes BENCH_N items, dealt round-robin over BENCH_ORGS
# agencies: the first (tongxiang-edu) and BENCH_ORGS - 1 children of it
# (added with SQL). Each engine gets a fresh database (a SQLite file, and a
# database on a throw-away PostgreSQL 15 cluster, tools/pg.sh) and one
# `gongkai import --bulk` per agency (timed). search_bench then runs for
# each engine and scope: one agency, the agency and its children (an org
# set), every agency.
# Output under bench/out/pg/ (gitignored); the PostgreSQL cluster is removed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=$here/out/pg
n=${BENCH_N:-100000}
norgs=${BENCH_ORGS:-10}
seed=${BENCH_SEED:-1}
reps=${BENCH_REPS:-10}
slug=tongxiang-edu
gk=$top/bin/gongkai
tsv=$here/out/items-$n-$seed.tsv
sdb=$out/bench.db

mkdir -p "$out"
cd "$top"
say() { printf '\n### %s\n' "$*"; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

make -s bin/gongkai
make -s -C bench
[ -s "$tsv" ] || { "$here/out/bin/gen_items" "$n" "$seed" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"; }

pgdir=$(mktemp -d /tmp/gk-pg-bench-XXXXXX)
trap 'tools/pg.sh stop "$pgdir"' EXIT INT TERM
url=$(tools/pg.sh start "$pgdir")
psql "$url" -qc "CREATE DATABASE gk_bench"
pdb=${url%/*}/gk_bench
rm -f "$sdb" "$sdb-wal" "$sdb-shm"

# The child agencies, with the first one's categories (portable SQL: both
# engines run it; it touches no item, so sqlite3 needs no tokenizer).
children_sql() {
	local k
	for k in $(seq 2 "$norgs"); do
		echo "INSERT INTO orgs (slug, name, org_code, parent_id, kind, created_at, updated_at)
			SELECT 'child-$k', name || '$k', '47112736$k', id, 'agency', created_at, updated_at FROM orgs
			WHERE slug = '$slug';
		INSERT INTO categories (org_id, name, article, sort)
			SELECT (SELECT id FROM orgs WHERE slug = 'child-$k'), c.name, c.article, c.sort
			FROM categories c JOIN orgs o ON o.id = c.org_id WHERE o.slug = '$slug';"
	done
}

# the items dealt round-robin into one file per agency
for k in $(seq 1 "$norgs"); do
	awk -v k="$k" -v m="$norgs" '/^#/ || NF == 0 { next } { if (++i % m == k % m) print }' "$tsv" >"$out/part-$k.tsv"
done

for engine in sqlite pg; do
	db=$sdb
	[ "$engine" = pg ] && db=$pdb
	say "$engine: init, $norgs agencies, import $n items (--bulk, one file per agency)"
	"$gk" --db "$db" init --org-name 桐乡市教育局 --org-slug "$slug" --org-code 471127366 >"$out/init-$engine.log" 2>&1
	if [ "$norgs" -gt 1 ]; then
		if [ "$engine" = pg ]; then
			children_sql | psql -q -v ON_ERROR_STOP=1 "$db"
		else
			children_sql | sqlite3 -bail "$db"
		fi
	fi
	t0=$(now)
	for k in $(seq 1 "$norgs"); do
		org=child-$k
		[ "$k" = 1 ] && org=$slug
		"$gk" --db "$db" import --org "$org" --bulk "$out/part-$k.tsv" >>"$out/import-$engine.log" 2>&1
	done
	echo "import: $(secs "$t0" "$(now)") s (each of the $norgs imports rebuilds the whole index)"
done
[ "$(psql -Atc "SELECT COUNT(*) FROM item_search" "$pdb")" = "$n" ] || { echo "PostgreSQL index incomplete" >&2; exit 1; }

for scope in org family all; do
	for engine in sqlite pg; do
		db=$sdb
		[ "$engine" = pg ] && db=$pdb
		say "search: $engine, scope $scope"
		"$here/out/bin/search_bench" "$db" --org "$slug" --scope "$scope" --reps "$reps" |
			tee "$out/search-$engine-$scope.log" | grep -v '^SUMMARY\|^MATCH'
	done
done

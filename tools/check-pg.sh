#!/bin/sh
# make check-pg: the store unit tests against PostgreSQL 15. A throw-away
# cluster (tools/pg.sh) is started for the run and removed afterwards;
# each test creates and drops its own database in it (GONGKAI_TEST_PG,
# tests/unit/store/test_db.h). Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
dir=$(mktemp -d /tmp/gk-pg-check-XXXXXX)
trap 'tools/pg.sh stop "$dir"' EXIT INT TERM
GONGKAI_TEST_PG=$(tools/pg.sh start "$dir") || exit 1
export GONGKAI_TEST_PG
pass=0
fail=0
failed=""
for t in build/rel/unit/store/test_* build/asan/unit/store/test_*; do
	[ -x "$t" ] || continue
	if "$t" >"$dir/test.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   pg ${t#build/}"
	else
		fail=$((fail + 1))
		failed="$failed ${t#build/}"
		echo "FAIL pg ${t#build/}"
		grep -E '^\[  (FAILED|ERROR) ' "$dir/test.log" | sed 's/^/     /' | tail -20
	fi
done
echo "check-pg: $pass passed, $fail failed${failed:+ (}${failed# }${failed:+)}"
[ "$fail" = 0 ]

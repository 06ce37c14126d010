#!/bin/sh
# make check: every test. Unit tests run in both builds (release and
# ASan/UBSan); the HTTP integration tests and the browser test run against
# the sanitizer build of the real server. Then the same on PostgreSQL 15:
# one throw-away cluster (tools/pg.sh, stopped on exit) for the run, the
# store unit tests ("unit-pg") and every HTTP and browser test file a second
# time ("http-pg", "browser-pg") with GONGKAI_TEST_PG set, each test making
# its own database in it. Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
unset GONGKAI_TEST_PG # the first pass is SQLite's
# the cluster first: a PostgreSQL that cannot start is a failure, not a skip
pgdir=$(mktemp -d /tmp/gk-pg-check-XXXXXX)
trap 'tools/pg.sh stop "$pgdir"' EXIT
trap 'exit 130' INT TERM
pgurl=$(tools/pg.sh start "$pgdir" 2>"$pgdir.log") || pgurl=""
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
# GLib allocates through malloc, so LeakSanitizer sees leaked Pango objects
export G_SLICE=always-malloc
pass=0
fail=0
failed=""
run() {
	name=$1
	shift
	if "$@" >build/test-$$.log 2>&1; then
		pass=$((pass + 1))
		echo "ok   $name"
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAIL $name"
		sed 's/^/     /' build/test-$$.log | tail -60
	fi
}
for t in build/rel/unit/*/test_* build/asan/unit/*/test_*; do
	[ -x "$t" ] || continue
	run "unit ${t#build/}" "$t"
done
for t in fuzz/corpus/*/; do
	[ -d "$t" ] || continue
	target=$(basename "$t")
	[ -x "build/asan/fuzz/replay_$target" ] || continue
	run "fuzz-replay $target" "build/asan/fuzz/replay_$target" "$t"
done
export GONGKAI_BIN=${GONGKAI_BIN:-build/asan/gongkai}
for t in tests/http/*.test.mjs; do
	[ -f "$t" ] || continue
	run "http $(basename "$t")" node --test --test-reporter=spec "$t"
done
for t in tests/browser/*.test.mjs; do
	[ -f "$t" ] || continue
	run "browser $(basename "$t")" node --test --test-reporter=spec "$t"
done
# PostgreSQL: the store's unit tests and every HTTP and browser test again
if [ -z "$pgurl" ]; then
	run "pg cluster (tools/pg.sh start)" sh -c "cat '$pgdir.log'; exit 1"
else
	export GONGKAI_TEST_PG="$pgurl"
	for t in build/rel/unit/store/test_* build/asan/unit/store/test_*; do
		[ -x "$t" ] || continue
		run "unit-pg ${t#build/}" "$t"
	done
	for t in tests/http/*.test.mjs; do
		[ -f "$t" ] || continue
		run "http-pg $(basename "$t")" node --test --test-reporter=spec "$t"
	done
	for t in tests/browser/*.test.mjs; do
		[ -f "$t" ] || continue
		run "browser-pg $(basename "$t")" node --test --test-reporter=spec "$t"
	done
	unset GONGKAI_TEST_PG
fi
rm -f build/test-$$.log "$pgdir.log"
echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

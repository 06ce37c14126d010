#!/usr/bin/env bash
# run.sh - fuzz each named target for SECONDS, keep what adds coverage, and
# print one summary line per target.
#
#   fuzz/run.sh SECONDS TARGET...     (run by `make fuzz`, from the top)
#
# For target t: build/fuzz/fuzz_t runs for SECONDS on fuzz/corpus/t/ (read)
# with new inputs written to build/fuzz/new-t/; then the new inputs that
# reach new coverage are merged into fuzz/corpus/t/ (-merge=1), which is
# kept in the repository. A crash leaves build/fuzz/crash-t/crash-*; the
# log of each run is build/fuzz/log-t.txt. Exits 1 when any target
# crashed, after running the others.
set -uo pipefail

secs=${1:?usage: run.sh SECONDS TARGET...}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/fuzz
summary=()
failed=0

for t in "$@"; do
	bin=$out/fuzz_$t corpus=$top/fuzz/corpus/$t new=$out/new-$t crashes=$out/crash-$t
	log=$out/log-$t.txt
	mkdir -p "$corpus" "$new" "$crashes"
	before=$(find "$corpus" -type f | wc -l)
	echo "fuzz: $t for ${secs}s (log: ${log#"$top"/})"
	# -timeout: one input running longer than 10 s is a hang, reported as a crash
	(cd "$out" && "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$new" "$corpus") >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
	ncrash=$(find "$crashes" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'leak-*' -o -name 'oom-*' \) | wc -l)
	if [ "$rc" -ne 0 ]; then
		failed=1
		[ "$ncrash" -eq 0 ] && ncrash=1
		tail -40 "$log" >&2
	fi
	# keep only the new inputs that add coverage
	(cd "$out" && "$bin" -merge=1 "$corpus" "$new") >"$out/merge-$t.txt" 2>&1 ||
		echo "fuzz: $t: merge failed (see build/fuzz/merge-$t.txt)" >&2
	after=$(find "$corpus" -type f | wc -l)
	summary+=("$(printf 'fuzz %-9s %8s runs in %4ss, %d crashes, corpus %d -> %d' \
		"$t" "${runs:-?}" "${took:-$secs}" "$ncrash" "$before" "$after")")
done
printf '%s\n' "${summary[@]}"
exit "$failed"

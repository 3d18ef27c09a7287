#!/bin/sh
# Runs each libFuzzer target for SECONDS on one core (niced) and prints, per target,
# executions, coverage (libFuzzer's final cov:/ft:) and crashes. New inputs go to
# BUILD/corpus/NAME (the seed directories are only read, so git stays clean); a crash
# is saved to BUILD/crashes/NAME/ and makes the exit status non-zero.
# Usage: tests/fuzz/run.sh BUILD SECONDS 'NAME=seed-dir seed-dir...' ...
BUILD=$1; SECONDS_EACH=$2; shift 2
status=0
for spec in "$@"; do
	name=${spec%%=*}
	work=$BUILD/corpus/$name; crashes=$BUILD/crashes/$name; log=$BUILD/fuzz_$name.log
	mkdir -p "$work" "$crashes"
	seeds=""
	for d in ${spec#*=}; do [ -d "$d" ] && seeds="$seeds $d"; done
	before=$(ls "$crashes" | wc -l)
	# -timeout: an input taking 10 s is a hang worth a report; -max_len keeps the
	# largest fixtures (whole protocol test suites) from slowing every mutation
	nice "$BUILD/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=10 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$crashes/" "$work" $seeds >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	found=$(( $(ls "$crashes" | wc -l) - before ))
	[ $rc -ne 0 ] && [ "$found" -eq 0 ] && found=1   # died without an artifact
	echo "fuzz_$name: ${execs:-0} executions, cov ${cov:-0}, ft ${ft:-0}, $found crashes (log $log)"
	[ "$found" -ne 0 ] && { ls "$crashes"/* 2>/dev/null | sed 's/^/  /'; status=1; }
done
exit $status

#!/bin/sh
# Runs the tests: the cmocka programs in $BUILD/tests and the TAP scripts
# tests/**/test_*.sh|py. Prints each runner's output, then one summary line.
# Usage: tests/run.sh BUILD [FILTER]; SUITE=unit runs only the in-process unit programs
# (those whose source has no "/* integration" line), SUITE=all (default) everything.
# A test whose source says "needs: TOOL ..." is skipped by name, with the reason, when a
# tool is missing: never a silent pass (tools/deps.sh installs what it can).
BUILD=${1:-build}
FILTER=${2:-${TESTS:-}}
SUITE=${SUITE:-all}
NIXL_TUI="$(pwd)/$BUILD/nixl-tui"; export NIXL_TUI
export NIXL_TUI_ROOT="$(pwd)"
# no test may reach the real instance metadata address; a test of IMDS points
# AWS_EC2_METADATA_SERVICE_ENDPOINT at a loopback server of its own and unsets this
export AWS_EC2_METADATA_DISABLED=true
passed=0; failed=0; skipped=0; failures=""; skips=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

count() { # $1=name $2=rc ; reads $log
	p=0; f=0; s=0
	if grep -q '^\[==========\]' "$log"; then
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	else
		p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
		s=$(grep -ci '^1\.\.0 # skip\|^ok .* # skip' "$log")
	fi
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash or a silent failure
	if [ "$2" -eq 0 ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then f=1; fi # ran nothing
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	[ "$f" -ne 0 ] && failures="$failures $1"
	[ "$s" -ne 0 ] && skips="$skips $1"
	return 0
}

# The first tool a source file's "needs:" line names that is not on PATH.
missing_tool() {
	for tool in $(sed -n 's/.*needs: *\([A-Za-z0-9_ .-]*\).*/\1/p' "$1" | head -n 1); do
		command -v "$tool" >/dev/null 2>&1 || { echo "$tool"; return; }
	done
}

run() { # $1=name $2=source, rest=command
	name=$1; src=$2; shift 2
	case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
	echo "=== $name"
	tool=$(missing_tool "$src")
	if [ -n "$tool" ]; then
		echo "=== $name: SKIPPED: $tool is not installed (sh tools/deps.sh says how to get it)"
		skipped=$((skipped + 1)); skips="$skips $name"
		return 0
	fi
	timeout -k 10 900 "$@" >"$log" 2>&1 </dev/null; rc=$?
	cat "$log"
	[ $rc -eq 124 ] && echo "=== $name: TIMED OUT"
	count "$name" $rc
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	src="tests/$(basename "$t").c"
	[ "$SUITE" = unit ] && grep -q '^/\* integration' "$src" && continue
	run "$(basename "$t")" "$src" "$t"
done
if [ "$SUITE" != unit ]; then
	for t in $(find tests -mindepth 1 -name 'test_*.sh' -o -mindepth 1 -name 'test_*.py' | sort); do
		case "$t" in *.py) run "$t" "$t" python3 "$t" ;; *) run "$t" "$t" bash "$t" ;; esac
	done
fi

[ -n "$failures" ] && echo "failed:$failures"
[ -n "$skips" ] && echo "skipped:$skips"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

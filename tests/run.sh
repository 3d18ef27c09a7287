#!/bin/sh
# Runs every test: the cmocka programs in $BUILD/tests and the TAP scripts
# tests/**/test_*.sh|py. Prints each runner's output, then one summary line.
# Usage: tests/run.sh BUILD [FILTER]
BUILD=${1:-build}
FILTER=${2:-${TESTS:-}}
NIXL_TUI="$(pwd)/$BUILD/nixl-tui"; export NIXL_TUI
export NIXL_TUI_ROOT="$(pwd)"
# no test may reach the real instance metadata address; a test of IMDS points
# AWS_EC2_METADATA_SERVICE_ENDPOINT at a loopback server of its own and unsets this
export AWS_EC2_METADATA_DISABLED=true
passed=0; failed=0; failures=""
log=$(mktemp); trap 'rm -f "$log"' EXIT

count() { # $1=name $2=rc ; reads $log
	p=0; f=0
	if grep -q '^\[==========\]' "$log"; then
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
	else
		p=$(grep -c '^ok ' "$log"); f=$(grep -c '^not ok ' "$log")
	fi
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash or a silent failure
	passed=$((passed + p)); failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $1"
	return 0
}

run() { # $1=name, rest=command
	name=$1; shift
	case "$name" in *"$FILTER"*) ;; *) return 0 ;; esac
	echo "=== $name"
	timeout -k 10 900 "$@" >"$log" 2>&1 </dev/null; rc=$?
	cat "$log"
	[ $rc -eq 124 ] && echo "=== $name: TIMED OUT"
	count "$name" $rc
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
for t in $(find tests -mindepth 1 -name 'test_*.sh' -o -mindepth 1 -name 'test_*.py' | sort); do
	case "$t" in *.py) run "$t" python3 "$t" ;; *) run "$t" bash "$t" ;; esac
done

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# SSM calls per node for an EFA check on 16 nodes (issue 15): 16 nodes deployed on the sandbox,
# then `nixl-tui efa-check --node all --log FILE` on all of them; the calls are counted from
# the log (a line per AWS call answered). Goal: at most 2 SendCommand calls for 16 nodes.
# The nodes come as one 16-node stack (its template goes by TemplateURL); the sandbox's
# quotas are raised first, as a user would raise a new account's (5 Elastic IPs).
# Usage: sh bench/ssm_calls.sh [REF]
#   REF (e.g. main): also build nixl-tui from that git revision and count its calls on the
#   same stack, for old against new.
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
REF=${1:-}
NODES=16
GOAL=2
[ -x "$NIXL_TUI" ] || { echo "$NIXL_TUI not built"; exit 1; }

dir=$(mktemp -d)
sb_pid=
cleanup() {
	if [ -n "$sb_pid" ]; then
		kill "$sb_pid" 2>/dev/null
		wait "$sb_pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

if [ -n "$REF" ]; then
	# the previous binary, built from REF's tree in a scratch directory
	mkdir "$dir/old"
	git archive "$REF" | tar -x -C "$dir/old" || { echo "cannot read revision $REF"; exit 1; }
	make -C "$dir/old" -j2 >"$dir/old.build" 2>&1 || { echo "$REF does not build:"; tail -5 "$dir/old.build"; exit 1; }
	OLD_TUI=$(find "$dir/old" -maxdepth 2 -type f -name nixl-tui -perm -u+x | head -n 1)
	[ -n "$OLD_TUI" ] || { echo "no nixl-tui binary built from $REF"; exit 1; }
fi

start_sandbox "$dir" --eip-quota 64 --vcpu-quota G=3072 || exit 1

timeout 600 "$NIXL_TUI" deploy --yes -c environment=bench -c nodeCount=$NODES >"$dir/deploy.out" 2>&1 || {
	echo "deploying $NODES nodes on the sandbox failed:"; tail -5 "$dir/deploy.out"; exit 1; }
"$NIXL_TUI" outputs --format env -c environment=bench >"$dir/bench.env" || exit 1
ids="$(sed -n "s/^NODE[0-9]*_ID='\(i-[0-9a-f]*\)'$/--instance-id \1/p" "$dir/bench.env" | tr '\n' ' ')"
[ "$(echo "$ids" | grep -o -- --instance-id | wc -l)" -eq $NODES ] || { echo "not $NODES node ids: $ids"; exit 1; }

# count BINARY NAME: runs the check on every node and prints "NAME SEND TOTAL" (SSM calls)
count() {
	log="$dir/$2.log"
	# shellcheck disable=SC2086 # ids: words on purpose
	timeout 600 "$1" efa-check --node all --json --log "$log" $ids >"$dir/$2.json" 2>"$dir/$2.err"
	python3 - "$dir/$2.json" "$NODES" <<'EOF' || { echo "$2: the check did not report $NODES nodes"; cat "$dir/$2.err"; return 1; }
import json, sys
sys.exit(0 if len(json.load(open(sys.argv[1]))["nodes"]) == int(sys.argv[2]) else 1)
EOF
	send=$(grep -c "ssm SendCommand -> " "$log")
	total=$(grep -c "ssm [A-Za-z]* -> " "$log")
	echo "$2 $send $total"
}

report() {
	set -- $1
	per=$(python3 -c 'import sys; print("%.2f" % (int(sys.argv[1]) / int(sys.argv[2])))' "$3" "$NODES")
	sper=$(python3 -c 'import sys; print("%.2f" % (int(sys.argv[1]) / int(sys.argv[2])))' "$2" "$NODES")
	printf "%-4s SendCommand %3d (%s per node)   SSM calls %4d (%s per node)\n" "$1" "$2" "$sper" "$3" "$per"
}

echo "EFA check on $NODES sandbox nodes (efa-check --node all), calls from --log:"
new=$(count "$NIXL_TUI" new) || { echo "$new"; exit 1; }
if [ -n "$REF" ]; then
	old=$(count "$OLD_TUI" old) || { echo "$old"; exit 1; }
	report "$old"
fi
report "$new"
set -- $new
if [ "$2" -le $GOAL ]; then
	echo "goal: <= $GOAL SendCommand calls for $NODES nodes: met ($2)"
else
	echo "goal: <= $GOAL SendCommand calls for $NODES nodes: NOT met ($2)"
	exit 1
fi
exit 0

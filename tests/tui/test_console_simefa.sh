#!/bin/bash
# needs: moto_server tmux fi_pingpong python3 curl unshare
# The first run's whole flow in the console (issue 14), on the sandbox's simulated EFA nodes
# (--node-profile simulated-efa, what `make run` gives a new user): deploy from the review,
# the six EFA checks passing on both nodes, labelled "simulated EFA", a ping-pong over
# -p efa whose chart is drawn and labelled, teardown by its key and the typed name; once in
# a 120x40 terminal and once in an 80x24 one. Private tmux socket, killed on exit; the
# sandbox stopped by lib.sh. Every wait is for something on screen, with a deadline.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
DUMP="$TMP/screen.txt"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 30 --node-profile simulated-efa || { fail "the sandbox starts"; finish; exit 1; }
iso=$(curl -s -m 10 "$SB/_sandbox/state" | python3 -c 'import json, sys; print(json.load(sys.stdin)["node_isolation"])')
if [ "$iso" != "hostname and /tmp per node" ]; then
	echo "1..0 # SKIP node commands cannot be isolated here (simulated nodes need it): $iso"
	exit 0
fi
cd "$TMP" || exit 1

# console COLS ROWS ARGS...: nixl-tui in a fresh terminal of that size, its screen dumped
console() {
	local cols=$1 rows=$2
	shift 2
	rm -f "$DUMP"
	tui_console "$cols" "$rows" "NIXL_TUI_DUMP='$DUMP'" -- "$@"
}
# shows_n TEXT N [S]: TEXT N times on the screen at once (two panes share a line)
shows_n() { wait_for "${3:-10}" sh -c "[ \"\$(tmux -L '$SOCK' capture-pane -p 2>/dev/null | grep -oF -- \"\$0\" | wc -l)\" -ge \"\$1\" ]" "$1" "$2"; }
expect_n() { if shows_n "$2" "$3" "${4:-10}"; then pass "$1"; else fail "$1" "not $3 x \"$2\" on screen:" "$(screen)"; fi; }

# flow COLS ROWS ENV: the whole first run in a COLSxROWS terminal, on stack nixl-efa-ENV-east-1
flow() {
	local cols=$1 rows=$2 env=$3 at="$1x$2"
	local stack=nixl-efa-$env-east-1
	console "$cols" "$rows" -c environment="$env" --sizes 64,4k --iterations 100
	expect "$at: opens on the wizard (no stack yet)" "Instance type" 20
	keys : d e p l o y Enter
	# the review's own lines (the type list before it names g5.12xlarge too)
	expect "$at: the review" "Review: every value and where it came from" 20
	expect "$at: of the default type" "instanceType             g5.12xlarge" 5
	keys d
	expect "$at: deploy asks first, Cancel focused" "< Cancel >  < Deploy >"
	keys Tab Enter
	expect "$at: the deployment reaches ready" "Ready $stack" 150
	if [ "$cols" -ge 120 ]; then
		expect "$at: the nodes Online" "Nodes 2/2 online" 60
		keys n
	else
		# one node pane, as wide as the terminal: its SSM status is not cut short
		keys n
		expect "$at: the nodes Online" "SSM online" 60
	fi
	keys C
	if [ "$cols" -ge 120 ]; then
		expect_n "$at: both panes: 6/6 checks passed, labelled simulated EFA" \
			"EFA checks  6/6 passed, simulated EFA" 2 90
	else
		# one pane at a time: node 1's, then node 2's
		expect "$at: node 1: 6/6 checks passed, labelled simulated EFA" \
			"EFA checks  6/6 passed, simulated EFA" 90
		keys Tab
		expect "$at: node 2: 6/6 checks passed, labelled simulated EFA" \
			"EFA checks  6/6 passed, simulated EFA" 90
		keys BTab
	fi
	expect "$at: the network check passes on the node's VPC address" "ens32 10." 10
	expect_not "$at: no check failed" "x efa kernel module"
	keys p
	expect "$at: the ping-pong runs over efa" "fi_pingpong -e rdm -p efa" 30
	expect "$at: the ping-pong chart is drawn" "size  usec/xfer" 150
	expect "$at: with its latency and bandwidth bars" "bandwidth" 10
	expect "$at: a row per size" "4k " 30
	expect "$at: the chart says simulated EFA" "efa rdm, 100 iterations, simulated EFA" 30
	expect_not "$at: not a failure" "Ping-pong  failed"
	check "$at: nothing wider than the terminal" [ "$(widest)" -le "$cols" ]
	wait_for 5 test -s "$DUMP"
	if diff <(screen | sed 's/ *$//') "$DUMP" >"$TMP/dump.diff"; then pass "$at: NIXL_TUI_DUMP equals the terminal"
	else fail "$at: NIXL_TUI_DUMP equals the terminal" "$(head -20 "$TMP/dump.diff")"; fi
	keys D
	expect "$at: the teardown dialog" "Type $stack to confirm:" 20
	keys -l "$stack"
	keys Tab Enter
	expect "$at: the teardown view" "Tearing down $stack" 20
	expect "$at: to DELETE_COMPLETE" "Deleted $stack" 150
	keys q
	expect "$at: quit after teardown" "EXITED rc=0" 20
}

flow 120 40 simefa
flow 80 24 simefa80
check "nothing of the runs is left on the nodes" wait_for 30 no_node_procs
finish

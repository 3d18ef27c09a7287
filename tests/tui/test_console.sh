#!/bin/bash
# needs: moto_server tmux fi_pingpong fi_info python3 curl
# The console in a real terminal (tmux 120x40) against the sandbox: the wizard through
# to deploy with a non-default type and volume, resize to 80x24 and back mid-deploy, the
# live view reaching the outputs, quit and reopen re-attaching to the nodes, EFA checks
# and a ping-pong from their keys, teardown by its key and the typed name, a capacity
# failure showing its root cause; the dump hook matching the terminal, read-only, help.
# Private tmux socket, killed on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
DUMP="$TMP/screen.txt"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 15 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
STACK=nixl-efa-tui-east-1

# console ARGS...: nixl-tui in a fresh 120x40 terminal; the screen is also dumped.
console() {
	rm -f "$DUMP"
	tui_console 120 40 "NIXL_TUI_DUMP='$DUMP'" -- "$@"
}

# --- the wizard, a non-default type and volume
console -c environment=tui
expect "opens on the wizard when no stack exists" "1 Instance type > 2 Volume > 3 Capacity > 4 Network > 5 Review"
expect "the catalog as a table" "g6e.24xlarge    G6e    4x NVIDIA L40S (48 GiB)             768 GiB     2  300 GiB"
expect "the status line names the endpoint and the sandbox badge" "endpoint ${SB#http://}   SANDBOX"
wait_for 5 test -s "$DUMP"
if diff <(screen | sed 's/ *$//') "$DUMP" >"$TMP/dump.diff"; then pass "NIXL_TUI_DUMP equals the terminal"
else fail "NIXL_TUI_DUMP equals the terminal" "$(head -20 "$TMP/dump.diff")"; fi
keys / g 6 e . 2 4 Enter Enter
expect "the volume is prefilled with the type's recommendation" "Size [300   ] GiB"
keys BSpace BSpace BSpace 2 0 0
expect "the under-80% warning as it is typed" "warning: volumeSize 200 GiB is more than 20% under the 300 GiB recommended for g6e.24xlarge"
keys Enter
expect "capacity: on-demand first" "(*) On-demand (no reservation)" 20
keys Enter
expect "network: the zones offering the type" "any of them" 20
keys Enter
expect "review: the type chosen here" "instanceType             g6e.24xlarge                             chosen here"
expect "review: the volume chosen here" "volumeSize               200                                      chosen here"
expect "review: the headless command" "nixl-tui deploy --region us-east-1 -c instanceType=g6e.24xlarge -c volumeSize=200"
keys d
expect "deploy asks first, Cancel focused" "< Cancel >  < Deploy >"
keys Tab Enter
expect "the live deployment" "Deploying $STACK" 20

# --- resize mid-deploy
tmux -L "$SOCK" resize-window -x 80 -y 24
expect "80x24 while it deploys: the hint bar fits" "? Help  / Filter  F Follow  Tab Pane  Enter Details  : Cmd  D Destroy  q Quit"
check "80x24: nothing wider than 80" [ "$(widest)" -le 80 ]
tmux -L "$SOCK" resize-window -x 120 -y 40
expect "back to 120x40" "LOGICAL ID                TYPE"

# --- to the outputs
expect "the deployment reaches ready" "Ready $STACK" 90
expect "the outputs" "Node1InstanceId"
expect "the nodes Online" "Nodes 2/2 online" 30

# --- quit and reopen: it re-attaches, straight to the nodes
keys q
expect "q quits when nothing runs" "EXITED rc=0"
expect "and says what stays billed" "is up in us-east-1: its 2 instance(s) are billed until it is destroyed"
# a ping-pong of two small sizes: every size at 1,000 iterations does not end in time on a
# loaded host, and the table is what is tested here, not the fabric
console -c environment=tui --provider tcp --sizes 64,4k --iterations 100
expect "reopened: re-attached to the nodes" "Node1 producer" 20
expect "both panes" "Node2 consumer"

# --- EFA checks and a ping-pong from their keys
keys C
expect "the EFA checks stream in" "network interfaces" 30
expect "with a summary" " passed" 30
keys p
expect "the ping-pong runs from its key" '$ fi_pingpong -e rdm -p tcp (server on node 2)' 20
expect "and ends with its table" "size  usec/xfer" 120
expect "a row per size" "4k " 30
expect_not "not a failure" "Ping-pong  failed"

# --- teardown: its key, the name typed back, Cancel first
keys D
expect "the teardown dialog" "Type $STACK to confirm:"
keys -l "$STACK"
keys Enter
expect_not "Cancel is focused: Enter does nothing" "Tearing down"
keys D
keys -l "$STACK"
keys Tab Enter
expect "the teardown view" "Tearing down $STACK" 20
expect "to DELETE_COMPLETE" "Deleted $STACK" 90
expect_not "nothing left to destroy" "D Destroy"
keys q
expect "quit after teardown" "EXITED rc=0"

# --- capacity failure: the root cause in a box
sandbox_ctl config '{"scenario":"capacity-failure"}'
console -c environment=cap -c instanceType=p5.48xlarge
keys : d e p l o y Enter
expect "review of the configured type" "instanceType             p5.48xlarge"
keys d Tab Enter
expect "the failure's root cause" "Root cause: Node2" 90
expect "is the capacity message" "We currently do not have sufficient p5.48xlarge capacity" 5
expect "the rollback is followed to its end" "Failed nixl-efa-cap-east-1" 60
keys q
expect "quit after the failure" "EXITED rc=0"
sandbox_ctl config '{"scenario":"ok"}'

# --- read-only and help
console -c environment=cap --read-only
expect "read-only badge" "READ-ONLY" 20
expect "re-attached to the failed stack" "Failed nixl-efa-cap-east-1" 30
expect_not "read-only hides destroy" "D Destroy"
keys D
expect "and refuses its key" "Read-only: destroy is turned off (--read-only)."
keys '?'
expect "help from the action table" "Keys and commands"
keys Escape q
expect "quit" "EXITED rc=0"

finish

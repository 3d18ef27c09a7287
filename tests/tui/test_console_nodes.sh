#!/bin/bash
# needs: moto_server tmux python3 curl
# The nodes view tells the truth (issue 14, items 2, 3, 12, 13, 16) in a real terminal (tmux
# 120x40, set-clipboard on) against the sandbox: the SSM state in words and no health mark
# before any check; no address cut at 40x10; y copies node 1's start-session command through OSC 52 into tmux's
# buffer, carrying the sandbox's --endpoint-url; the EFA check's output shows section
# titles, never its framing lines; after the stack is destroyed the nodes say terminated
# and c is refused in one sentence without a SendCommand. Private tmux socket, killed on
# exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 60 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
STACK=nixl-efa-nodesui-east-1

# the server's set-clipboard on before the console starts: tmux then makes a buffer of
# an application's OSC 52 (its default, external, would only pass it on)
console() {
	tui_stop
	tmux -L "$SOCK" -f /dev/null new-session -d -x 120 -y 40 "sleep 600" &&
	tmux -L "$SOCK" set -g set-clipboard on &&
	tmux -L "$SOCK" new-window -k -t 0 \
		"cd '$TMP' && $(tui_env) '$NIXL_TUI' --log '$TMP/aws.log' $*; echo EXITED rc=\$?; sleep 60"
}
buffer_has() { tmux -L "$SOCK" show-buffer 2>/dev/null | grep -qF -- "$1"; }
sends() { grep -c 'SendCommand' "$TMP/aws.log" 2>/dev/null || true; }

nx deploy --yes -c environment=nodesui >"$TMP/deploy.out" 2>&1
check "a stack with nodes is deployed" [ $? -eq 0 ]
eval "$(nx outputs --format env -c environment=nodesui)"

console -c environment=nodesui
expect "re-attached to the nodes" "Node1 producer" 30
# item 3: SSM in words, and no health mark before a check ran
expect "SSM state in words" "SSM online" 30
keys z
expect "zoomed: no health mark beside the names before any check" " Node1 producer ·  Node2 consumer ·"
keys z

# item 12: at 40x10 no row is wider than the terminal and no address is cut: a field that
# does not fit goes to the next line whole (the user saw "priv 10.0.~" wrapped)
tmux -L "$SOCK" resize-window -x 40 -y 10
expect "40x10: node 1's public address whole" "pub $NODE1_PUBLIC"
check "40x10: nothing wider than 40" [ "$(widest)" -le 40 ]
check "40x10: no address cut" sh -c "! tmux -L '$SOCK' capture-pane -p | grep -qE '(pub|priv) [0-9.]*(…|~)'"
tmux -L "$SOCK" resize-window -x 120 -y 40
expect "back to 120x40" "SSM online"

# item 13: y copies with OSC 52 into tmux's buffer, with the endpoint the product uses
keys y
expect "y says what it copied" "Copied Node1's shell command (OSC 52"
if wait_for 10 buffer_has "aws ssm start-session --region us-east-1 --target $NODE1_ID --endpoint-url $SB"; then
	pass "tmux's buffer holds node 1's command with --endpoint-url"
else fail "tmux's buffer holds node 1's command with --endpoint-url" "$(tmux -L "$SOCK" show-buffer 2>&1)"; fi
keys Escape

# item 16: section titles instead of the script's framing lines
keys z C
expect "the checks end" "EFA check done" 60
expect "a section's title" "── EFA installer (fi_info --version) ──"
expect_not "no framing line" "===NIXL-"
keys z

# item 2: destroyed, the nodes follow
keys D
expect "the teardown dialog" "Type $STACK to confirm:"
keys -l "$STACK"
keys Tab Enter
expect "to DELETE_COMPLETE" "Deleted $STACK" 120
keys n
expect "the nodes say terminated" "terminated" 10
check "no node says it is Online in SSM" sh -c "! tmux -L '$SOCK' capture-pane -p | grep -qiF 'SSM on'"
expect "no SSM" "no SSM (instance gone)"
expect_not "c is not offered" "c Check"
before=$(sends)
check "the log counts SendCommand (the checks sent one)" [ "$before" -gt 0 ]
keys c
expect "c is refused in one sentence" "The stack was deleted and its nodes with it: deploy a new one (w)."
check "and sends no SendCommand" [ "$(sends)" = "$before" ]
keys y
expect "y has nothing to connect to" "Node1: terminated, nothing to connect to."
keys Escape q
expect "quit" "EXITED rc=0"

finish

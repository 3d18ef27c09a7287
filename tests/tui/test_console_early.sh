#!/bin/bash
# needs: moto_server tmux python3 curl aws
# Deploy confirmed before the console's first look for the stack has answered (a slow
# network, a loaded machine: AWS holds the DescribeStacks while the user goes through the
# wizard). The deploy is not refused as "An operation is already running": the look is
# dropped, and the deploy's own first step looks for the stack again (following one that
# exists, never creating a second). Here the sandbox answers CloudFormation 20 s late
# (its fault settings: latency for one service) until the deploy is confirmed.
# Private tmux socket, killed on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-early-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 60 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
STACK=nixl-efa-early-east-1

sandbox_ctl faults '{"latency_ms": 20000, "services": ["cloudformation"]}'
tui_console 120 40 -- -c environment=early
expect "the console opens on the wizard while CloudFormation is slow to answer" "1 Instance type > 2 Volume"
# Enter through the panels, each once its title is on the screen
for title in "Instance type of the" "Root volume of each node" "Capacity for" "Network for" "Review: every value"; do
	shows "$title" 10 || break
	case $title in Review*) ;; *) keys Enter ;; esac
done
expect "the review" "Review: every value and where it came from"
keys d
expect "the deploy dialog" "Create stack $STACK in us-east-1"
keys Tab Enter
sleep 1
expect_not "the deploy is not refused while the first look is unanswered" "An operation is already running"
sandbox_ctl faults '{"reset": true}'
expect "once AWS answers, the deploy goes on to create the stack" "CREATE_COMPLETE" 120
creates=$(grep -c 'CreateStack' "$TMP/aws.log" 2>/dev/null)
check "one CreateStack, no second" [ "$creates" = 1 ]
keys q
finish

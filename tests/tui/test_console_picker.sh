#!/bin/bash
# needs: moto_server tmux python3 curl aws
# Issue 14 items 15 and 9 in a real terminal (tmux 120x40) against the sandbox. The stack
# picker: O lists the stacks tagged ManagedBy=nixl-tui, past the first page of
# DescribeStacks (the sandbox pages two stacks at a time here; AWS pages at 100), not the
# others, and opens the chosen one. D while CloudFormation creates the stack: the dialog
# says creation stops, and the stack is deleted (AWS accepts DeleteStack on a
# CREATE_IN_PROGRESS stack). Private tmux socket, killed on exit; the sandbox stopped by
# lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-pick-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 3 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1

console() { tui_console 120 40 -- "$@"; }

# --- three stacks of this tool, one of someone else's; two stacks a page
cat >"$TMP/tiny.json" <<'EOF'
{"Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}}}
EOF
for name in nixl-efa-pick-a nixl-efa-pick-b nixl-efa-pick-c; do
	awscli cloudformation create-stack --stack-name "$name" --template-body "file://$TMP/tiny.json" \
		--tags Key=ManagedBy,Value=nixl-tui Key=Environment,Value=pick >/dev/null
done
awscli cloudformation create-stack --stack-name someone-elses --template-body "file://$TMP/tiny.json" \
	--tags Key=ManagedBy,Value=cdk >/dev/null
wait_for 60 sh -c "[ \"\$(timeout 60 aws --endpoint-url '$SB' --region us-east-1 cloudformation describe-stacks \
	--query 'length(Stacks[?StackStatus==\`CREATE_COMPLETE\`])' --output text)\" = 4 ]"
sandbox_ctl config '{"stacks_page_size": 2}'
pages=$(awscli cloudformation describe-stacks --no-paginate --query 'NextToken' --output text)
check "the sandbox pages DescribeStacks (a NextToken after two)" [ -n "$pages" ] && [ "$pages" != None ]

console -c environment=none
expect "no stack of this configuration: the wizard, O in the hint bar" "O Stacks" 20
keys O
expect "the picker lists the stacks nixl-tui created, past the first page" "Stacks nixl-tui created in us-east-1: 3" 20
for name in nixl-efa-pick-a nixl-efa-pick-b nixl-efa-pick-c; do
	expect "$name is listed" "$name"
done
expect_not "a stack of another tool is not" "someone-elses"
# newest first, two a page: someone-elses and pick-c, then pick-b and pick-a; a picker
# that stopped at the first page would list pick-c alone
keys G Enter
expect "Enter opens the selected stack, on the stack screen" "nixl-efa-pick-a" 20
expect "... with its status from AWS" "CREATE_COMPLETE" 20
# not a stack of this configuration's template (no nodes): quitting asks, then quits
keys q
expect "quit asks while it waits for nodes" "< Cancel >  < Quit >"
keys Tab Enter
expect "quit" "EXITED rc=0"

# --- D while the stack is being created
console -c environment=tuid
expect "opens on the wizard" "1 Instance type > 2 Volume > 3 Capacity > 4 Network > 5 Review" 20
keys / g 6 e . 2 4 Enter Enter Enter
expect "capacity: on-demand first" "(*) On-demand (no reservation)" 20
keys Enter
expect "network" "any of them" 20
keys Enter
expect "review" "The same from a script" 20
keys d
expect "deploy asks first" "< Cancel >  < Deploy >"
keys Tab Enter
expect "CloudFormation is creating it" "CREATE_IN_PROGRESS" 60
keys D
expect "D asks, saying creation stops" "The stack is still being created: CloudFormation stops creating it" 10
keys -l nixl-efa-tuid-east-1
keys Tab Enter
expect "the teardown takes over" "Tearing down nixl-efa-tuid-east-1" 20
expect_not "no 'already running'" "An operation is already running"
expect "to DELETE_COMPLETE" "Deleted nixl-efa-tuid-east-1" 240
keys q
expect "quit after teardown" "EXITED rc=0"
gone=$(awscli cloudformation describe-stacks --stack-name nixl-efa-tuid-east-1 --query 'Stacks[0].StackStatus' \
	--output text 2>&1)
check "AWS has no such stack left" sh -c "echo '$gone' | grep -q 'does not exist\|DELETE_COMPLETE'"
finish

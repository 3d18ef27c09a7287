#!/bin/bash
# needs: moto_server tmux python3 curl aws
# Issue 14's figures in a real terminal (tmux 120x40) against the sandbox: a stack deployed
# by the headless command, then the console re-attaching to it shows the stack's own
# elapsed time (not the console's) and each resource's time, names where the credentials
# come from; a teardown that fails before anything is deleted (S3 unavailable while
# emptying the bucket) shows 0 deleted over rows still CREATE_COMPLETE, the typed-name
# message gone with its dialog;
# the header's "N AWS calls" equals the replies --log recorded (SSM, S3 and Logs too).
# Private tmux socket, killed on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-figures-$$
TUI_GREP=-E
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 60 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
STACK=nixl-efa-figs-east-1
LOG="$TMP/aws.log" # what tui_console gives --log

console() { tui_console 120 40 -- "$@"; }

# --- a stack, deployed without the console
XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" HOME="$TMP" \
	timeout 240 "$NIXL_TUI" deploy --yes -c environment=figs >"$TMP/deploy.out" 2>&1
check "the headless deploy reaches ready" [ $? -eq 0 ]
# how long its creation took, by its events (CreationTime to the stack's CREATE_COMPLETE)
read -r created done_at took < <(stack_created "$STACK")
created_s=$(date -d "$created" +%s)
took_s=$(python3 -c 'print(round(float(__import__("sys").argv[1])))' "$took")
# the stack is older than that by some seconds when the console opens
wait_for 60 sh -c "[ \$(( \$(date +%s) - $created_s )) -ge $((took_s + 6)) ]"

# --- re-attach: the stack's time, where the credentials come from
console -c environment=figs
opened_s=$(date +%s)
# ready once the agents answered Online (before that the screen follows the phase)
wait_for 30 grep -q ' ssm DescribeInstanceInformation -> HTTP 200' "$LOG"
expect "re-attached to the ready stack" "Node1 +producer" 30
expect "the header names the credentials' source: the environment" "nixl-tui  environment  region us-east-1"
keys s
expect "the stack screen" "Ready $STACK"
expect "each resource with its own time, from AWS's events" "STATUS +TIME +REASON"
expect "the instance profile's time" "InstanceProfile +AWS::IAM::InstanceProfile +CREATE_COMPLETE +[0-9]+s"
# "N/N complete  ELAPSED": the stack's own, from its creation to its CREATE_COMPLETE event
# (what its events say), neither restarted at re-attach nor stretched to the moment the
# console looked (the stack was ${age_s}s old by then)
elapsed_s() {
	local el
	el=$(screen | sed -nE 's/.* [0-9]+\/[0-9]+ complete  ([0-9:]+s?).*/\1/p' | head -1)
	python3 -c 'import sys; t=sys.argv[1].rstrip("s").split(":"); print(sum(int(x)*60**i for i,x in enumerate(reversed(t))))' "${el:-0}"
}
age_s=$((opened_s - created_s))
el_s=$(elapsed_s)
# within a second: the screen shows whole seconds, and the product reads CreationTime to the second
if [ $((el_s - took_s)) -le 1 ] && [ $((took_s - el_s)) -le 1 ]; then pass "the elapsed time is the stack's creation (${el_s}s; it was ${age_s}s old when the console opened)"
else fail "the elapsed time is the stack's creation" "shows ${el_s}s; its events say ${took_s}s, from $created to $done_at; it was ${age_s}s old when the console opened"; fi
sleep 2
check "and it stays what it was: the creation is over" [ "$(elapsed_s)" -eq "$el_s" ]

# --- teardown with S3 unavailable: nothing gets deleted, and the bar says so
sandbox_ctl faults '{"error_rate": 1, "services": ["s3"]}'
keys D
expect "the teardown dialog" "Type $STACK to confirm:"
keys -l "${STACK}x"
keys Tab Enter
expect "a wrong name is refused, and said" "Type $STACK exactly to confirm."
keys BSpace Enter
expect "the teardown fails while emptying the bucket" "Teardown failed $STACK" 60
expect "the bar counts what AWS deleted: nothing" " 0/[0-9]+ deleted"
expect_not "not a full bar over rows that all exist" " ([1-9][0-9]*)/\\1 deleted"
expect "the resources are still there" "CREATE_COMPLETE"
expect_not "the typed-name message ended with its dialog" "exactly to confirm"
sandbox_ctl faults '{"reset": true}'

# --- the header's AWS calls: every request, as many as --log has replies
calls_match() {
	local shown logged
	shown=$(screen | sed -nE 's/.*  ([0-9]+) AWS calls?.*/\1/p' | head -1)
	logged=$(grep -c ' -> ' "$LOG")
	[ -n "$shown" ] && [ "$shown" -eq "$logged" ]
}
if wait_for 20 calls_match; then pass "the header counts every AWS call ($(grep -c ' -> ' "$LOG") in --log)"
else fail "the header counts every AWS call" "header: $(screen | head -1)" "--log replies: $(grep -c ' -> ' "$LOG")" \
	"services in --log: $(sed -nE 's/^[^ ]+ ([a-z0-9-]+) .* -> .*/\1/p' "$LOG" | sort | uniq -c | tr '\n' ' ')"; fi
check "--log has SSM and S3 calls" sh -c "grep -q ' ssm .* -> ' '$LOG' && grep -q ' s3 .* -> ' '$LOG'"

keys q
expect "q quits" "EXITED rc=0"

# --- what is left: the stack goes
XDG_STATE_HOME="$TMP/state" timeout 240 "$NIXL_TUI" destroy --yes -c environment=figs >"$TMP/destroy.out" 2>&1
check "destroy without faults ends the stack" [ $? -eq 0 ]
finish

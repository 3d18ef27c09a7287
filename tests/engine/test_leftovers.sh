#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# Issue 13 item 11: the SSM output log group /aws/ssm/nixl-tui (SendCommand's
# CloudWatchOutputConfig) must not stay forever after destroy. Destroy deletes the streams
# of its own instances (SSM names them CommandID/InstanceID/PluginID/stdout|stderr), gives
# the group a retention while another stack still has streams there, and deletes the group
# with the last stack.
. "$(dirname "$0")/../lib.sh"

start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
nx() { timeout 240 "$NIXL_TUI" "$@"; }
GROUP=/aws/ssm/nixl-tui
# Two stacks of the default type at once: when the sandbox models the vCPU quota (issue 13
# item 2), raise it (a key the sandbox does not know yet is refused with 400: no change).
sandbox_ctl config '{"vcpu_quota": {"P": 3072, "G": 1024, "Trn": 1024, "Inf": 1024}}'
streams_of() { awscli logs describe-log-streams --log-group-name "$GROUP" --query "length(logStreams[?contains(logStreamName, '/$1/')])" --output text 2>/dev/null; }
node_ids() { nx outputs --format env -c environment="$1" | sed -n "s/^NODE[0-9]*_ID='\(i-[0-9a-f]*\)'$/\1/p"; }

for env in left other; do
	nx deploy --yes -c environment=$env >"$TMP/$env.out" 2>&1; rc=$?
	check "deploy $env exits 0" [ $rc -eq 0 ]
	nx efa-check --node all -c environment=$env >"$TMP/$env.check" 2>&1
	k=0
	for id in $(node_ids $env); do
		k=$((k + 1))
		contains "efa-check ran on $env's node $k, $id" "$TMP/$env.check" "node $k = $id (check script)"
	done
done
left_ids=$(node_ids left) other_ids=$(node_ids other)
check "each stack has 2 instances" [ "$(echo $left_ids | wc -w)" = 2 -a "$(echo $other_ids | wc -w)" = 2 ]
for id in $left_ids $other_ids; do
	n=$(streams_of "$id")
	check "the check's output is in $GROUP for $id (${n:-0} streams)" [ "${n:-0}" -gt 0 ]
done

nx destroy --yes -c environment=left >"$TMP/left.down" 2>&1; rc=$?
check "destroy left exits 0" [ $rc -eq 0 ]
contains "destroy reports the streams it deleted and the group it kept" "$TMP/left.down" "log stream(s) of this stack; log group $GROUP kept for"
for id in $left_ids; do
	n=$(streams_of "$id")
	check "no stream of left's $id remains (${n:-?})" [ "$n" = 0 ]
done
for id in $other_ids; do
	n=$(streams_of "$id")
	check "other's $id keeps its streams (${n:-?})" [ "${n:-0}" -gt 0 ]
done
days=$(awscli logs describe-log-groups --log-group-name-prefix "$GROUP" --query "logGroups[?logGroupName=='$GROUP'].retentionInDays | [0]" --output text)
check "the group still used by other has a 30-day retention (got $days)" [ "$days" = 30 ]

nx destroy --yes -c environment=other >"$TMP/other.down" 2>&1; rc=$?
check "destroy other exits 0" [ $rc -eq 0 ]
contains "destroy of the last stack deletes the group" "$TMP/other.down" "and log group $GROUP (nothing else used it)"
left=$(awscli logs describe-log-groups --log-group-name-prefix "$GROUP" --query 'length(logGroups)' --output text)
check "no log group $GROUP remains (got $left)" [ "$left" = 0 ]
finish

#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# The deployment engine, headless, against the sandbox: deploy to ready, failure with
# its root cause, teardown of a bucket with objects, kill -9 and re-attach, throttling
# and 5xx, a simulator that stops answering for 20 s, and bad input that creates nothing.
. "$(dirname "$0")/../lib.sh"

start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
nx() { timeout 240 "$NIXL_TUI" "$@"; }
stack_count() { awscli cloudformation list-stacks --query 'length(StackSummaries[?StackStatus!=`DELETE_COMPLETE`])' --output text; }

# --- ok: deploy to ready, outputs, agents Online
nx deploy --yes -c environment=ok >"$TMP/ok.out" 2>&1; rc=$?
check "deploy (scenario ok) exits 0" [ $rc -eq 0 ]
contains "deploy reaches ready" "$TMP/ok.out" "nixl-efa-ok-east-1 is ready"
contains "both SSM agents Online" "$TMP/ok.out" "2 of 2 nodes Online"
contains "events stream as lines" "$TMP/ok.out" "CREATE_COMPLETE        AWS::EC2::Instance"
nx outputs --json -c environment=ok >"$TMP/ok.json"
for k in Node1InstanceId Node1PublicIp Node1PrivateIp Node2InstanceId Node2PublicIp Node2PrivateIp ScriptsBucketName SecurityGroupId; do
	contains "output $k present" "$TMP/ok.json" "\"$k\":\"" 
done
nx outputs --format env -c environment=ok >"$TMP/ok.env"
contains "outputs --format env names NODE1_PRIVATE" "$TMP/ok.env" "NODE1_PRIVATE="
contains "outputs --format env names SCRIPTS_BUCKET" "$TMP/ok.env" "SCRIPTS_BUCKET="
check "state record written" test -s "$TMP/state/nixl-tui/nixl-efa-ok-east-1.json"
nx status --json -c environment=ok >"$TMP/ok.status.json"
check "status --json: created as ISO 8601, every key kept, what CloudFormation did not say null" python3 -c '
import json, re, sys
d = json.load(open(sys.argv[1]))
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", d["created"]), d
assert d["status"] == "CREATE_COMPLETE" and d["stackId"].startswith("arn:aws:cloudformation:"), d
assert d["reason"] is None or (isinstance(d["reason"], str) and d["reason"]), d' "$TMP/ok.status.json"

# --- teardown with objects in the bucket: no stack, no bucket
bucket=$(. "$TMP/ok.env"; echo "$SCRIPTS_BUCKET")  # single-quoted values, read as a shell reads them
for i in 1 2 3; do echo "data $i" >"$TMP/obj$i"; awscli s3api put-object --bucket "$bucket" --key "extra/obj$i" --body "$TMP/obj$i" >/dev/null; done
nx destroy --yes -c environment=ok >"$TMP/down.out" 2>&1; rc=$?
check "destroy exits 0" [ $rc -eq 0 ]
contains "the bucket was emptied first" "$TMP/down.out" "is empty ("
check "the stack is gone" bash -c "! timeout 60 aws --endpoint-url $SB --region us-east-1 cloudformation describe-stacks --stack-name nixl-efa-ok-east-1 >/dev/null 2>&1"
check "the bucket is gone" bash -c "! timeout 60 aws --endpoint-url $SB --region us-east-1 s3api head-bucket --bucket $bucket 2>/dev/null"
nx destroy --yes -c environment=ok >"$TMP/down2.out" 2>&1; rc=$?
check "destroy of a stack that does not exist succeeds" [ $rc -eq 0 ]
contains "and says so" "$TMP/down2.out" "does not exist: nothing to delete"
nx status --json -c environment=ok >"$TMP/gone.status.json" 2>"$TMP/gone.status.err"; rc=$?
check "status --json of a stack that does not exist: exit 1, the keys of a found one, exists false, the rest null" python3 -c '
import json, sys
gone, found = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sys.argv[3] == "1", sys.argv[3]
assert sorted(gone) == sorted(found), (sorted(gone), sorted(found))
assert gone["exists"] is False and found["exists"] is True, gone
assert gone["stackName"] == found["stackName"] and gone["region"] == found["region"], gone
assert all(gone[k] is None for k in ("stackId", "status", "reason", "created", "outputs")), gone' \
	"$TMP/gone.status.json" "$TMP/ok.status.json" "$rc"
nx outputs --json -c environment=ok >"$TMP/gone.outputs.json" 2>"$TMP/gone.outputs.err"; rc=$?
check "outputs --json of a stack that does not exist: exit 1 and nothing on standard output (no outputs to list)" \
	test "$rc" -eq 1 -a ! -s "$TMP/gone.outputs.json"
contains "and says why on standard error" "$TMP/gone.outputs.err" "nixl-tui outputs: stack nixl-efa-ok-east-1 does not exist in us-east-1"

# --- capacity-failure: the capacity message is the root cause, not a cancellation
sandbox_ctl config '{"scenario":"capacity-failure"}'
nx deploy --yes -c environment=cap -c instanceType=p5.48xlarge >"$TMP/cap.out" 2>"$TMP/cap.err"; rc=$?
check "capacity-failure exits non-zero" [ $rc -ne 0 ]
contains "root cause is the capacity message" "$TMP/cap.err" "We currently do not have sufficient p5.48xlarge capacity"
contains "root cause names the resource" "$TMP/cap.err" "Node2"
lacks "root cause is not a cancellation" "$TMP/cap.err" "Resource creation cancelled"
contains "rollback is watched to its end" "$TMP/cap.out" "ROLLBACK_COMPLETE"
nx deploy --json --yes -c environment=cap -c instanceType=p5.48xlarge >"$TMP/cap.json" 2>/dev/null
contains "JSON result carries the root cause" "$TMP/cap.json" '"rootCause":"We currently do not have sufficient'
check "deploy --json: one object a line, events with and without a reason, none an empty string" python3 -c '
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
events = [d for d in lines if d["type"] == "event"]
assert any(d["reason"] is None for d in events) and any(d["reason"] for d in events), events
assert not [(d, k) for d in lines for k, v in d.items() if v == ""], lines
keys = {}
for d in lines: keys.setdefault(d["type"], set()).add(tuple(sorted(d)))
assert all(len(k) == 1 for k in keys.values()), keys  # a type of line has the same keys each time' "$TMP/cap.json"
sandbox_ctl config '{"scenario":"ok"}'
nx destroy --yes -c environment=cap >/dev/null 2>&1

# --- kill -9 mid-deploy, run again: it re-attaches and completes, one stack only
sandbox_ctl config '{"speed":8}'
"$NIXL_TUI" deploy --yes -c environment=kill >"$TMP/kill1.out" 2>&1 &
dpid=$!
wait_for 60 grep -q "CREATE_IN_PROGRESS     AWS::EC2::SecurityGroup" "$TMP/kill1.out"
kill -9 $dpid; wait $dpid 2>/dev/null
sandbox_ctl config '{"speed":60}'
nx deploy --yes -c environment=kill >"$TMP/kill2.out" 2>&1; rc=$?
check "the second run exits 0" [ $rc -eq 0 ]
contains "it follows the existing stack" "$TMP/kill2.out" "following it instead of creating another"
contains "and finishes watching" "$TMP/kill2.out" "nixl-efa-kill-east-1 is ready"
check "exactly one stack was created" [ "$(awscli cloudformation list-stacks --query 'length(StackSummaries[?StackName==`nixl-efa-kill-east-1`])' --output text)" = 1 ]
nx destroy --yes -c environment=kill >/dev/null 2>&1

# --- Ctrl-C stops watching, never the stack operation; watch re-attaches
sandbox_ctl config '{"speed":10}'
"$NIXL_TUI" deploy --yes -c environment=int >"$TMP/int1.out" 2>"$TMP/int1.err" &
dpid=$!
wait_for 60 grep -q "CREATE_IN_PROGRESS     AWS::EC2::SecurityGroup" "$TMP/int1.out"
kill -INT $dpid; wait $dpid; rc=$?
check "Ctrl-C exits 130" [ $rc -eq 130 ]
contains "and says the operation goes on and how to re-attach" "$TMP/int1.err" "goes on in AWS. Re-attach with: nixl-tui watch"
sandbox_ctl config '{"speed":60}'
nx watch -c environment=int >"$TMP/int2.out" 2>&1; rc=$?
check "watch re-attaches and follows it to ready" [ $rc -eq 0 ]
contains "watch ends ready" "$TMP/int2.out" "nixl-efa-int-east-1 is ready"
# watch of a stack that was ready before it looked: the creation's own time (CreationTime to
# the stack's CREATE_COMPLETE event), not how old the stack is when watch runs
read -r created _ took < <(stack_created nixl-efa-int-east-1)
wait_for 60 python3 -c 'import sys, time, datetime as d; sys.exit(time.time() - d.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp() < float(sys.argv[2]) + 6)' "$created" "$took"
nx watch --json -c environment=int >"$TMP/int2b.out" 2>&1
check "watch of a ready stack: its seconds are the creation's (${took}s by its events), not its age" \
	python3 -c 'import json, sys; d = json.loads(open(sys.argv[1]).read().splitlines()[-1]); sys.exit(not (d["type"] == "result" and d["phase"] == "ready" and abs(d["seconds"] - float(sys.argv[2])) <= 1))' "$TMP/int2b.out" "$took"
nx destroy --yes -c environment=int >/dev/null 2>&1
nx watch -c environment=int >"$TMP/int3.out" 2>&1; rc=$?
check "watch of no stack fails" [ $rc -ne 0 ]
contains "and says there is none" "$TMP/int3.out" "does not exist"

# --- confirmation: refused without a terminal, asked on one
nx deploy -c environment=ask </dev/null >"$TMP/ask1.out" 2>&1; rc=$?
check "deploy without --yes and without a terminal refuses" [ $rc -ne 0 ]
contains "naming --yes" "$TMP/ask1.out" "pass --yes"
printf 'n\n' | timeout 60 script -qec "$NIXL_TUI deploy -c environment=ask" /dev/null >"$TMP/ask2.out" 2>&1
contains "on a terminal it shows the plan" "$TMP/ask2.out" "Plan: stack nixl-efa-ask-east-1"
contains "and asks" "$TMP/ask2.out" "cost money while they run"
contains "and a no does nothing" "$TMP/ask2.out" "not confirmed; nothing done"
check "no stack was created by the refusals" bash -c "! timeout 60 aws --endpoint-url $SB --region us-east-1 cloudformation describe-stacks --stack-name nixl-efa-ask-east-1 >/dev/null 2>&1"

# --- throttling 30% and 5xx 10%: deploy and teardown still complete
sandbox_ctl faults '{"throttle_rate":0.3,"error_rate":0.1}'
nx deploy --yes -c environment=flaky --log "$TMP/flaky.log" >"$TMP/flaky.out" 2>&1; rc=$?
check "deploy completes through throttling and 5xx" [ $rc -eq 0 ]
nx destroy --yes -c environment=flaky --log "$TMP/flaky.log" >"$TMP/flaky2.out" 2>&1; rc=$?
check "teardown completes through throttling and 5xx" [ $rc -eq 0 ]
contains "retries were needed (and logged)" "$TMP/flaky.log" "retrying in"
check "each log line starts with its UTC time to the millisecond" \
	bash -c '! grep -qvE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z " "$1" && test -s "$1"' _ "$TMP/flaky.log"
lacks "the log carries no secret" "$TMP/flaky.log" "$AWS_SECRET_ACCESS_KEY"
sandbox_ctl faults '{"throttle_rate":0,"error_rate":0}'

# --- the simulator stops answering for 20 s mid-watch: the watch survives
sandbox_ctl config '{"speed":15}'
"$NIXL_TUI" deploy --yes -c environment=pause >"$TMP/pause.out" 2>&1 &
dpid=$!
wait_for 60 grep -q "CREATE_IN_PROGRESS     AWS::EC2::SecurityGroup" "$TMP/pause.out"
sandbox_ctl pause '{"seconds":20}'
start=$SECONDS
wait $dpid; rc=$?
check "the watch survives a 20 s silence and completes" [ $rc -eq 0 ]
check "it really waited through the silence" [ $((SECONDS - start)) -ge 15 ]
sandbox_ctl config '{"speed":60}'
nx destroy --yes -c environment=pause >/dev/null 2>&1

# --- bad input: one clear sentence each, nothing created
before=$(stack_count)
nx deploy --yes --region us-esat-1 -c environment=bad >"$TMP/bad1.out" 2>&1; rc=$?
check "a wrong region fails" [ $rc -ne 0 ]
contains "with a sentence naming the region" "$TMP/bad1.out" "us-esat-1"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$TMP/nohome" "$NIXL_TUI" deploy --yes -c environment=bad >"$TMP/bad2.out" 2>&1; rc=$?
check "no credentials fails" [ $rc -ne 0 ]
contains "with a sentence saying what was tried" "$TMP/bad2.out" "No AWS credentials: tried environment variables"
nx deploy --yes -c environment=bad -c instanceType=g5.banana >"$TMP/bad3.out" 2>&1; rc=$?
check "an unknown instance type fails" [ $rc -ne 0 ]
contains "with a sentence naming it" "$TMP/bad3.out" "g5.banana"
read -r cr crtype < <(awscli ec2 describe-capacity-reservations --filters Name=state,Values=active \
	--query 'CapacityReservations[?AvailabilityZone!=`us-east-1a`]|[0].[CapacityReservationId,InstanceType]' --output text)
nx deploy --yes -c environment=bad -c instanceType="$crtype" -c capacityReservationId="$cr" -c availabilityZone=us-east-1a >"$TMP/bad4.out" 2>&1; rc=$?
check "a reservation in another AZ fails ($cr)" [ $rc -ne 0 ]
contains "with a sentence naming both zones" "$TMP/bad4.out" "not in us-east-1a"
check "nothing was created by the bad inputs" [ "$(stack_count)" = "$before" ]
for f in bad1 bad2 bad3 bad4; do
	check "$f: the failure is one sentence, not a dump" [ "$(grep -c 'nixl-tui deploy:' "$TMP/$f.out")" -le 1 ]
done
finish

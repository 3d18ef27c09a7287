#!/bin/sh
# Deploy watch cost: nixl-tui deploy versus `aws cloudformation deploy` of the same
# template on the same sandbox (slowed so that a deploy takes about a minute).
# Targets (issue 5): under 0.2 s CPU per minute of watching; at most one
# DescribeStackEvents a second while changing, fewer when idle.
. bench/lib.sh
SPEED=${SPEED:-4}
out=$(mktemp -d)
cleanup() { [ -n "${SB_PID:-}" ] && kill "$SB_PID" 2>/dev/null && wait "$SB_PID" 2>/dev/null; rm -rf "$out"; }
trap cleanup EXIT INT TERM
setsid python3 tools/sandbox/sandbox.py --port 0 --speed "$SPEED" >"$out/sb" 2>&1 </dev/null &
SB_PID=$!
i=0; until grep -q '^SANDBOX READY' "$out/sb"; do i=$((i+1)); [ $i -gt 300 ] && { echo "sandbox did not start"; exit 1; }; sleep 0.1; done
SB=$(sed -n 's/^SANDBOX READY endpoint=//p' "$out/sb")
export AWS_ENDPOINT_URL="$SB" AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_ACCESS_KEY_ID=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$out/sb") AWS_SECRET_ACCESS_KEY=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$out/sb")
export XDG_STATE_HOME="$out/state"
cd "$out" || exit 1

ours=$(python3 "$OLDPWD/bench/measure.py" -n 1 -- "$NIXL_TUI" deploy --yes -c environment=bench --log "$out/calls.log")
calls=$(grep -c -- '-> HTTP' "$out/calls.log")
events=$(grep -c 'DescribeStackEvents -> HTTP' "$out/calls.log")
# the fastest two DescribeStackEvents in a row (the one-per-second floor)
gap=$(grep 'DescribeStackEvents -> HTTP' "$out/calls.log" | python3 -c '
import sys, datetime
ts = [datetime.datetime.strptime(l.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ") for l in sys.stdin]
print(min(((b - a).total_seconds() for a, b in zip(ts, ts[1:])), default=0))')

"$NIXL_TUI" template -c environment=bench >"$out/t.json"
vpc=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
cidr=$(aws ec2 describe-vpcs --vpc-ids "$vpc" --query 'Vpcs[0].CidrBlock' --output text)
subnet=$(aws ec2 describe-subnets --filters Name=vpc-id,Values="$vpc" --query 'Subnets[0].SubnetId' --output text)
peer=$(python3 "$OLDPWD/bench/measure.py" -n 1 -- aws cloudformation deploy --template-file "$out/t.json" \
	--stack-name nixl-efa-peer-east-1 --capabilities CAPABILITY_IAM \
	--parameter-overrides VpcId="$vpc" VpcCidr="$cidr" SubnetId="$subnet")

wall=$(field "$ours" wall_ms); cpu=$(field "$ours" cpu_ms)
pwall=$(field "$peer" wall_ms); pcpu=$(field "$peer" cpu_ms)
printf '%-34s %10s %10s %10s %12s\n' "deploy and watch (sandbox x$SPEED)" "wall s" "cpu s" "peak MiB" "cpu s/min"
python3 - "$wall" "$cpu" "$(field "$ours" rss_mib)" "$pwall" "$pcpu" "$(field "$peer" rss_mib)" <<'PY'
import sys
w, c, r, pw, pc, pr = map(float, sys.argv[1:])
print("%-34s %10.1f %10.2f %10.1f %12.3f" % ("nixl-tui deploy", w / 1000, c / 1000, r, c / 1000 / (w / 60000)))
print("%-34s %10.1f %10.2f %10.1f %12.3f" % ("aws cloudformation deploy", pw / 1000, pc / 1000, pr, pc / 1000 / (pw / 60000)))
print("ratio: cpu %.0fx less, peak memory %.1fx less (nixl-tui also waits for the SSM agents)" % (pc / c if c else 0, pr / r if r else 0))
PY
python3 -c "import sys; w=float(sys.argv[1])/60000; print('nixl-tui API calls: %s in all, %.1f per minute; DescribeStackEvents %s, %.1f per minute, closest two %s s apart (floor 1 s)' % (sys.argv[2], int(sys.argv[2])/w, sys.argv[3], int(sys.argv[3])/w, sys.argv[4]))" "$wall" "$calls" "$events" "$gap"
"$NIXL_TUI" destroy --yes -c environment=bench >/dev/null 2>&1
aws cloudformation delete-stack --stack-name nixl-efa-peer-east-1

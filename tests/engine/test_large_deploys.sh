#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# 16-node deploys, headless, against the sandbox: g5.12xlarge, p4d.24xlarge and p5.48xlarge
# all make templates over CreateStack's 51,200 inline bytes (16 x p5 is about 143 kB), so
# each goes by TemplateURL from a staging S3 object; every one reaches ready with 16 SSM
# agents Online, the staging object and bucket are gone once CreateStack returned, and
# destroy leaves no stack, bucket, address or running instance.
. "$(dirname "$0")/../lib.sh"

start_sandbox --speed 200 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config"
nx() { timeout 300 "$NIXL_TUI" "$@"; }

# A new account's quotas (5 Elastic IPs, few P/G vCPUs) do not hold 16 nodes: raise them.
# A sandbox without quota settings answers 400 "unknown setting(s)"; it has no such limit
# to raise then, so that answer is fine (the quotas come with issue 13's items 1 and 2).
code=$(curl -s -m 10 -o "$TMP/quota.json" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	-d '{"eip_quota": 64, "vcpu_quota": {"P": 3072, "G": 1024}}' "$SB/_sandbox/config")
check "the quotas are raised, or the sandbox has none ($code)" \
	bash -c "[ '$code' = 200 ] || { [ '$code' = 400 ] && grep -q 'unknown setting' '$TMP/quota.json'; }"

staging() { awscli s3api list-buckets --query 'Buckets[?starts_with(Name, `nixl-tui-staging-`)].Name' --output text; }
live_stacks() { awscli cloudformation list-stacks --query 'length(StackSummaries[?StackStatus!=`DELETE_COMPLETE`])' --output text; }
running() { awscli ec2 describe-instances --filters Name=instance-state-name,Values=pending,running --query 'length(Reservations[].Instances[])' --output text; }
addresses() { awscli ec2 describe-addresses --query 'length(Addresses)' --output text; }
buckets() { awscli s3api list-buckets --query 'length(Buckets)' --output text; }

buckets_before=$(buckets)
account=$(awscli sts get-caller-identity --query Account --output text)
left="nixl-tui-staging-$account-us-east-1"
for type in g5.12xlarge p4d.24xlarge p5.48xlarge; do
	env=${type%%.*}
	nx deploy --yes -c environment="$env" -c instanceType="$type" -c nodeCount=16 >"$TMP/$env.out" 2>&1; rc=$?
	check "16 x $type: deploy exits 0" [ $rc -eq 0 ]
	contains "16 x $type: the template goes by TemplateURL" "$TMP/$env.out" "bytes by TemplateURL"
	contains "16 x $type: staged in S3 first" "$TMP/$env.out" "bytes in s3://nixl-tui-staging-"
	contains "16 x $type: reaches ready" "$TMP/$env.out" "is ready"
	contains "16 x $type: 16 SSM agents Online" "$TMP/$env.out" "16 of 16 nodes Online"
	check "16 x $type: 16 instances run" [ "$(running)" = 16 ]
	check "16 x $type: the staging bucket is gone" [ -z "$(staging)" ]
	lacks "16 x $type: no staging cleanup warning" "$TMP/$env.out" "deleting the stag"
	if [ "$env" = p5 ]; then
		# a run killed between CreateBucket and PutObject leaves the bucket empty
		awscli s3api create-bucket --bucket "$left" >/dev/null
		check "an empty staging bucket is planted" [ "$(staging)" = "$left" ]
	fi
	nx destroy --yes -c environment="$env" >"$TMP/$env.down" 2>&1; rc=$?
	check "16 x $type: destroy exits 0" [ $rc -eq 0 ]
	check "16 x $type: no stack is left" [ "$(live_stacks)" = 0 ]
	check "16 x $type: no instance runs" [ "$(running)" = 0 ]
	check "16 x $type: no Elastic IP is left" [ "$(addresses)" = 0 ]
	check "16 x $type: no bucket is left (staging included)" [ "$(buckets)" = "$buckets_before" ]
done

# S3 refusing the staging bucket: one sentence saying what to allow, and no stack.
sandbox_ctl faults '{"error_rate": 1, "services": ["s3"]}'
nx deploy --yes -c environment=nos3 -c instanceType=p5.48xlarge -c nodeCount=6 >"$TMP/nos3.out" 2>&1; rc=$?
sandbox_ctl faults '{"reset": true}'
check "S3 failing: the 6 x p5.48xlarge deploy fails" [ $rc -ne 0 ]
contains "... saying which bucket and what to allow" "$TMP/nos3.out" "Creating the staging bucket s3://nixl-tui-staging-"
contains "... in one sentence that says what to do" "$TMP/nos3.out" "and deploy again."
check "... and no stack was created" [ "$(live_stacks)" = 0 ]

# The inline path stays for what fits: 2 nodes, no staging.
nx deploy --yes -c environment=small -c nodeCount=2 >"$TMP/small.out" 2>&1; rc=$?
check "2 nodes: deploy exits 0" [ $rc -eq 0 ]
contains "2 nodes: the template goes inline" "$TMP/small.out" "bytes inline"
lacks "2 nodes: nothing is staged" "$TMP/small.out" "s3://nixl-tui-staging-"

# A run killed between staging and its cleanup leaves the object: destroy finds and deletes
# it (and the bucket) by the stack's account, Region and name.
stack=$(awscli cloudformation list-stacks --query 'StackSummaries[?StackStatus!=`DELETE_COMPLETE`]|[0].StackName' --output text)
echo '{}' >"$TMP/left.json"
awscli s3api create-bucket --bucket "$left" >/dev/null
awscli s3api put-object --bucket "$left" --key "$stack/nixl-tui-create-1-1.json" --body "$TMP/left.json" >/dev/null
check "a leftover staged template is planted for $stack" [ "$(staging)" = "$left" ]
nx destroy --yes -c environment=small >"$TMP/small.down" 2>&1; rc=$?
check "destroy exits 0" [ $rc -eq 0 ]
contains "destroy reports the leftover" "$TMP/small.down" "1 staged template(s) in s3://$left"
check "... and deletes it with its bucket" [ -z "$(staging)" ]
check "no bucket is left" [ "$(buckets)" = "$buckets_before" ]
finish

#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# nixl-tui mlflow-check with a SageMaker managed MLflow server (mlflowTrackingServerArn): the
# laptop describes the server (the sandbox's DescribeMlflowTrackingServer), node 2 writes a
# run and reads it back with every call SigV4-signed for sagemaker-mlflow by the instance
# role's credentials from the nodes' IMDSv2 (no keys in the node's environment, as on EC2),
# the artifact going to the S3 artifact store. The server is tests/setup/mlflow_standin.py
# --sigv4, a STAND-IN (MLflow cannot be installed here) that verifies the signature with
# botocore's signer and the credentials the test read from the sandbox's IMDS. TAP.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
ACCOUNT=123456789012  # moto's account for the sandbox's keys
ARN=arn:aws:sagemaker:us-east-1:$ACCOUNT:mlflow-tracking-server/nixl-ml
BUCKET=nixl-mlflow-artifacts
# the server's TrackingServerUrl as SageMaker gives it (its UI): shown, never called; the API
# calls go to the experiments endpoint, here the stand-in (mlflow_experiments_endpoint)
UI=https://t-sandbox12345.us-east-1.experiments.sagemaker.aws
nx() { timeout 300 "$NIXL_TUI" "$@" -c environment=mlflowm -c "mlflowTrackingServerArn=$ARN"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
state() { curl -fsS "$SB/_sandbox/state" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
STANDINS=0
# start_standin ARGS...: sets MLFLOW (its URL); STANDIN_AWS_* from the environment
start_standin() {
	STANDINS=$((STANDINS + 1))
	local out="$TMP/standin.$STANDINS.out"
	setsid python3 "$ROOT/tests/setup/mlflow_standin.py" "$@" >"$out" 2>&1 </dev/null &
	PIDS+=($!)
	STANDIN_PID=$!
	wait_for 30 grep -qs "^MLFLOW-STANDIN port=" "$out" || { echo "# stand-in:"; sed 's/^/# /' "$out"; return 1; }
	MLFLOW="http://127.0.0.1:$(sed -n 's/^MLFLOW-STANDIN port=//p' "$out")"
	sandbox_ctl config "{\"mlflow_experiments_endpoint\": \"$MLFLOW\"}"
}
stop_standin() { kill "$STANDIN_PID"; wait "$STANDIN_PID" 2>/dev/null; }
# register STATUS ACTIVE: the managed server nixl-ml
register() {
	curl -fsS -X POST -H 'Content-Type: application/json' "$SB/_sandbox/config" -d \
		"{\"mlflow_tracking_servers\": [{\"name\": \"nixl-ml\", \"url\": \"$UI\", \"status\": \"$1\", \"is_active\": \"$2\", \"artifact_store_uri\": \"s3://$BUCKET/mlflow\"}]}" >/dev/null
}

nx deploy --yes >"$TMP/deploy.out" 2>&1
check "a stack with a managed MLflow server is deployed" [ $? -eq 0 ]
sandbox_ctl config '{"node_credentials": "instance_role"}'
NODE2=$(state "[i for i, n in d['managed_nodes'].items() if n['index'] == 2 and '-mlflowm-' in n['stack']][0]")
IMDS="$(state "d['imds_endpoint']")/$NODE2"

# the nodes' IMDSv2 (EC2 User Guide, instance metadata; HttpTokens=required)
code=$(curl -s -o /dev/null -w '%{http_code}' "$IMDS/latest/meta-data/iam/security-credentials/")
check "IMDS: a GET without a token is refused with 401, as with IMDSv2 required" [ "$code" = 401 ]
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$IMDS/latest/api/token")
check "IMDS: a token without its TTL header is refused with 400" [ "$code" = 400 ]
TOKEN=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS/latest/api/token")
ROLE=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/iam/security-credentials/")
check "IMDS: the instance profile's role is listed" [ -n "$ROLE" ]
curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/iam/security-credentials/$ROLE" >"$TMP/creds.json"
check "IMDS: the role's credentials, as EC2 gives them" jq_py "$TMP/creds.json" \
	"d['Code'] == 'Success' and d['Type'] == 'AWS-HMAC' and d['AccessKeyId'].startswith('ASIA') and d['Token'] and d['Expiration']"
export STANDIN_AWS_ACCESS_KEY_ID STANDIN_AWS_SECRET_ACCESS_KEY STANDIN_AWS_SESSION_TOKEN
read -r STANDIN_AWS_ACCESS_KEY_ID STANDIN_AWS_SECRET_ACCESS_KEY STANDIN_AWS_SESSION_TOKEN < <(python3 -c \
	"import json,sys; d=json.load(open(sys.argv[1])); print(d['AccessKeyId'], d['SecretAccessKey'], d['Token'])" "$TMP/creds.json")
AWS_ACCESS_KEY_ID=$STANDIN_AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY=$STANDIN_AWS_SECRET_ACCESS_KEY \
	AWS_SESSION_TOKEN=$STANDIN_AWS_SESSION_TOKEN awscli sts get-caller-identity >"$TMP/who.json" 2>&1
contains "IMDS: the credentials are the role's, accepted by the sandbox's STS" "$TMP/who.json" "assumed-role/$ROLE/$NODE2"
awscli s3api create-bucket --bucket "$BUCKET" >/dev/null

start_standin --sigv4 "$ARN" --artifact-root "s3://$BUCKET/mlflow" || echo "# the stand-in did not start"
register Created Active
nx mlflow-check --log "$TMP/ok.log" >"$TMP/ok.out" 2>&1; rc=$?
check "the check passes against the managed server, signed with the instance role's credentials" [ $rc -eq 0 ]
contains "it ran from node 2, naming the server's URL" "$TMP/ok.out" "MLflow at $UI, from node2: ok (run "
contains "through the experiments endpoint, as the sagemaker-mlflow plugin" "$TMP/ok.out" "($UI) through $MLFLOW"
contains "the laptop described the server first" "$TMP/ok.log" "DescribeMlflowTrackingServer"
curl -fsS "$MLFLOW/_standin/calls" >"$TMP/calls.json"
check "every call was signed as the server requires (none refused), the run written and read" jq_py "$TMP/calls.json" \
	"not any(c.startswith('403') for c in d) and all(c in d for c in ['POST /api/2.0/mlflow/runs/create', 'POST /api/2.0/mlflow/runs/log-parameter', 'POST /api/2.0/mlflow/runs/log-metric', 'GET /api/2.0/mlflow/runs/get'])"
awscli s3 ls "s3://$BUCKET/mlflow/" --recursive >"$TMP/s3.out" 2>&1
contains "the artifact went to the server's S3 artifact store" "$TMP/s3.out" "/artifacts/nixl-check.txt"
nx mlflow-check --json >"$TMP/ok.json" 2>&1
check "--json: ok, the server's ARN and URL" jq_py "$TMP/ok.json" \
	"d['ok'] and d['tracking_server_arn'] == '$ARN' and d['tracking_uri'] == '$UI' and d['failed_step'] is None"

register Stopped Inactive
nx mlflow-check --log "$TMP/stopped.log" >"$TMP/stopped.out" 2>&1; rc=$?
check "a stopped server: the check fails (exit 1)" [ $rc -eq 1 ]
contains "saying its status and what to do, in one sentence" "$TMP/stopped.out" \
	"the SageMaker MLflow server nixl-ml is Stopped (Inactive), not Created and Active: start it"
check "one line" [ "$(wc -l <"$TMP/stopped.out")" -eq 1 ]
lacks "nothing was sent to the nodes" "$TMP/stopped.log" "SendCommand"
nx mlflow-check --json >"$TMP/stopped.json" 2>"$TMP/stopped.err"; rc=$?
check "--json (what verify reads): failed at describe, the status in the reason, exit 1" jq_py "$TMP/stopped.json" \
	"$rc == 1 and not d['ok'] and d['failed_step'] == 'describe' and 'is Stopped (Inactive)' in d['reason'] and d['tracking_server_arn'] == '$ARN' and d['run_id'] is None"
register Created Active

"$NIXL_TUI" mlflow-check -c environment=mlflowm \
	-c "mlflowTrackingServerArn=arn:aws:sagemaker:us-east-1:$ACCOUNT:mlflow-tracking-server/no-such-server" \
	>"$TMP/unknown.out" 2>&1; rc=$?
check "an unknown server: the check fails (exit 1)" [ $rc -eq 1 ]
contains "with SageMaker's error, in one sentence" "$TMP/unknown.out" "ResourceNotFound"
contains "naming the server" "$TMP/unknown.out" "no-such-server"
"$NIXL_TUI" mlflow-check -c environment=mlflowm \
	-c "mlflowTrackingServerArn=arn:aws:sagemaker:eu-west-1:$ACCOUNT:mlflow-tracking-server/nixl-ml" \
	>"$TMP/region.out" 2>&1; rc=$?
check "a server in another region than the stack: refused (exit 1), saying so" [ $rc -eq 1 ]
contains "in one sentence" "$TMP/region.out" "is in eu-west-1 and the stack in us-east-1"
stop_standin

start_standin --sigv4 "$ARN" --artifact-root "s3://$BUCKET/mlflow" --deny
register Created Active
nx mlflow-check --json >"$TMP/deny.json" 2>&1; rc=$?
check "a server refusing the role (403): the check fails (exit 1)" [ $rc -eq 1 ]
check "naming the step and the stack's grant" jq_py "$TMP/deny.json" \
	"not d['ok'] and d['failed_step'] == 'experiment' and \"check the stack's sagemaker-mlflow grant\" in d['reason']"
stop_standin

# the same server with other credentials: a signature by the node's role does not verify
STANDIN_AWS_SECRET_ACCESS_KEY=not-the-role-secret start_standin --sigv4 "$ARN"
register Created Active
nx mlflow-check --json >"$TMP/badsig.json" 2>&1; rc=$?
check "a signature the server cannot verify: refused (exit 1)" [ $rc -eq 1 ]
check "with the server's reason" jq_py "$TMP/badsig.json" "'signature we calculated does not match' in d['reason']"
stop_standin

nx destroy --yes >/dev/null 2>&1
finish

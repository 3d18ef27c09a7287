#!/bin/bash
# needs: moto_server aws tmux python3 curl
# The console's :mlflow with a SageMaker managed MLflow server (mlflowTrackingServerArn), in a
# real terminal (tmux 220x40, wide enough for the row's whole reason) against the sandbox: node 1's pane gets the row "MLflow" with
# the managed server's URL (from DescribeMlflowTrackingServer) and ok once node 2 has written
# and read back a run signed with the instance role's credentials (the nodes' IMDSv2); a
# stopped server gives the row "failed" with its status. The server is
# tests/setup/mlflow_standin.py --sigv4, a STAND-IN (MLflow cannot be installed here).
# Private tmux socket, killed on exit; the sandbox and the stand-in stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 60 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
ARN=arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/nixl-ml
CFG="-c environment=tuiml -c mlflowTrackingServerArn=$ARN"
UI=https://t-sandbox12345.us-east-1.experiments.sagemaker.aws  # its TrackingServerUrl

console() { tui_console 220 40 -- "$@"; }
state() { curl -fsS "$SB/_sandbox/state" | python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

timeout 300 "$NIXL_TUI" deploy --yes $CFG >"$TMP/deploy.out" 2>&1
check "a stack with a managed MLflow server is deployed" [ $? -eq 0 ]
sandbox_ctl config '{"node_credentials": "instance_role"}'
# the stand-in verifies with node 2's role credentials, as its IMDS gives them
NODE2=$(state "[i for i, n in d['managed_nodes'].items() if n['index'] == 2][0]")
IMDS="$(state "d['imds_endpoint']")/$NODE2"
TOKEN=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS/latest/api/token")
ROLE=$(curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/iam/security-credentials/")
curl -fsS -H "X-aws-ec2-metadata-token: $TOKEN" "$IMDS/latest/meta-data/iam/security-credentials/$ROLE" >"$TMP/creds.json"
export STANDIN_AWS_ACCESS_KEY_ID STANDIN_AWS_SECRET_ACCESS_KEY STANDIN_AWS_SESSION_TOKEN
read -r STANDIN_AWS_ACCESS_KEY_ID STANDIN_AWS_SECRET_ACCESS_KEY STANDIN_AWS_SESSION_TOKEN < <(python3 -c \
	"import json,sys; d=json.load(open(sys.argv[1])); print(d['AccessKeyId'], d['SecretAccessKey'], d['Token'])" "$TMP/creds.json")
setsid python3 "$ROOT/tests/setup/mlflow_standin.py" --sigv4 "$ARN" >"$TMP/standin.out" 2>&1 </dev/null &
PIDS+=($!)
wait_for 30 grep -qs "^MLFLOW-STANDIN port=" "$TMP/standin.out"
MLFLOW="http://127.0.0.1:$(sed -n 's/^MLFLOW-STANDIN port=//p' "$TMP/standin.out")"
sandbox_ctl config "{\"mlflow_experiments_endpoint\": \"$MLFLOW\"}"
register() {
	curl -fsS -X POST -H 'Content-Type: application/json' "$SB/_sandbox/config" -d \
		"{\"mlflow_tracking_servers\": [{\"name\": \"nixl-ml\", \"url\": \"$UI\", \"status\": \"$1\", \"is_active\": \"$2\"}]}" >/dev/null
}
register Created Active

console $CFG
expect "the console attaches to the nodes" "Node1 producer" 30
keys : m l f l o w Enter
expect ":mlflow: node 1's row shows the managed server's URL and ok" "MLflow  $UI  ok" 60
contains "the console described the server" "$TMP/aws.log" "DescribeMlflowTrackingServer"
register Stopped Inactive
keys : m l f l o w Enter
expect ":mlflow with the server stopped: failed, saying its status" "MLflow  SageMaker nixl-ml  failed at describe: the SageMaker server nixl-ml is Stopped (Inactive)" 30
keys q
expect "q quits" "EXITED rc=0"
timeout 300 "$NIXL_TUI" destroy --yes $CFG >/dev/null 2>&1
finish

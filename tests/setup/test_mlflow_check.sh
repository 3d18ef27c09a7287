#!/usr/bin/env bash
# needs: moto_server aws python3 curl
# nixl-tui mlflow-check on a stack deployed on the sandbox: node 2 writes a run (parameter,
# metric, artifact) and reads it back, against tests/setup/mlflow_standin.py, a STAND-IN for
# an MLflow tracking server (MLflow cannot be installed here) answering the REST calls the
# check makes; a server that reads back wrong values, and none at all, fail the check. TAP.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
# start_standin [ARGS]: sets MLFLOW (its URL)
STANDINS=0
start_standin() {
	# a file of its own each time: the last one's port line must not be read as this one's
	STANDINS=$((STANDINS + 1))
	local out="$TMP/standin.$STANDINS.out"
	setsid python3 "$ROOT/tests/setup/mlflow_standin.py" "$@" >"$out" 2>&1 </dev/null &
	PIDS+=($!)
	STANDIN_PID=$!
	wait_for 30 grep -qs "^MLFLOW-STANDIN port=" "$out" || return 1
	MLFLOW="http://127.0.0.1:$(sed -n 's/^MLFLOW-STANDIN port=//p' "$out")"
}
stop_standin() { kill "$STANDIN_PID"; wait "$STANDIN_PID" 2>/dev/null; }

nx deploy --yes -c environment=mlflow >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]
start_standin || echo "# the stand-in did not start"
nx mlflow-check --tracking-uri "$MLFLOW" -c environment=mlflow >"$TMP/ok.out" 2>&1; rc=$?
check "the check passes against a tracking server that keeps what it is given" [ $rc -eq 0 ]
contains "it ran from node 2 and says what it wrote" "$TMP/ok.out" "from node2: ok (run "
curl -fsS "$MLFLOW/_standin/calls" >"$TMP/calls.json"
check "it wrote a parameter, a metric and an artifact, and read them back" jq_py "$TMP/calls.json" \
	"all(c in d for c in ['POST /api/2.0/mlflow/runs/create', 'POST /api/2.0/mlflow/runs/log-parameter', 'POST /api/2.0/mlflow/runs/log-metric', 'GET /api/2.0/mlflow/runs/get', 'POST /api/2.0/mlflow/runs/update']) and any(c.startswith('PUT /api/2.0/mlflow-artifacts/artifacts/') for c in d) and any(c.startswith('GET /api/2.0/mlflow-artifacts/artifacts/') for c in d)"
nx mlflow-check --tracking-uri "$MLFLOW" --json -c environment=mlflow >"$TMP/ok.json" 2>&1
check "--json: ok, run id, no failure (null)" jq_py "$TMP/ok.json" \
	"d['ok'] and d['run_id'] and d['failed_step'] is None and d['reason'] is None and d['node'] == 'node2'"
stop_standin

for what in metric param artifact; do
	start_standin --corrupt "$what"
	nx mlflow-check --tracking-uri "$MLFLOW" --json -c environment=mlflow >"$TMP/bad.json" 2>&1; rc=$?
	check "a server that reads back a wrong $what fails the check (exit 1)" [ $rc -eq 1 ]
	check "and the failure says which step and why" jq_py "$TMP/bad.json" \
		"not d['ok'] and d['failed_step'] == 'compare' and '$what' in d['reason'] and d['run_id'] is None"
	stop_standin
done

nx mlflow-check --tracking-uri "$MLFLOW" -c environment=mlflow >"$TMP/down.out" 2>&1; rc=$?
check "no server: the check fails" [ $rc -eq 1 ]
contains "saying it cannot reach it" "$TMP/down.out" "cannot reach $MLFLOW"
nx mlflow-check --node 1 --tracking-uri "$MLFLOW" -c environment=mlflow >"$TMP/n1.out" 2>&1
contains "--node 1 runs it from node 1" "$TMP/n1.out" "from node1"
nx mlflow-check --tracking-uri "ftp://x" -c environment=mlflow >"$TMP/badarg.out" 2>&1; rc=$?
check "a URL that is not http(s) is refused" [ $rc -eq 2 ]
nx mlflow-check --tracking-uri "http://x';rm -rf /'" -c environment=mlflow >"$TMP/badarg.out" 2>&1; rc=$?
check "a URL with shell characters is refused" [ $rc -eq 2 ]
arn=arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml
nx mlflow-check -c environment=mlflow -c mlflowTrackingServerArn=$arn --log "$TMP/arn.log" >"$TMP/arn.out" 2>&1; rc=$?
# (the managed server's check itself: test_mlflow_managed.sh)
check "with a SageMaker managed server the sandbox does not have: fails (exit 1)" [ $rc -eq 1 ]
contains "saying SageMaker does not know it" "$TMP/arn.out" "ResourceNotFound"
lacks "node 1 is not where MLflow runs: nothing was sent to the nodes" "$TMP/arn.log" "SendCommand"
nx destroy --yes -c environment=mlflow >/dev/null 2>&1
finish

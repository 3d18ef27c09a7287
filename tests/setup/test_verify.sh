#!/usr/bin/env bash
# needs: moto_server aws python3 curl fi_pingpong
# nixl-tui verify on a stack deployed on the sandbox: setup, the MLflow check (against the
# labelled stand-in, tests/setup/mlflow_standin.py), the EFA checks and a ping-pong between
# nodes 1 and 2, then one row per node. This host has no EFA: the EFA checks fail, and verify
# must say so, naming the step and the nodes, while the other steps pass. TAP.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 600 "$NIXL_TUI" "$@"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
setsid python3 "$ROOT/tests/setup/mlflow_standin.py" >"$TMP/standin.out" 2>&1 </dev/null &
PIDS+=($!)
wait_for 30 grep -qs "^MLFLOW-STANDIN port=" "$TMP/standin.out"
MLFLOW="http://127.0.0.1:$(sed -n 's/^MLFLOW-STANDIN port=//p' "$TMP/standin.out")"
nx deploy --yes -c environment=verify >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]
cat >"$TMP/tasks.json" <<'JSON'
{"tasks": [{"id": "one", "commands": ["echo one"]}, {"id": "two", "commands": ["echo two"]}]}
JSON
nx verify --tasks "$TMP/tasks.json" --tracking-uri "$MLFLOW" -p tcp -S 4k -I 100 --json -c environment=verify >"$TMP/v.json" 2>"$TMP/v.err"; rc=$?
check "verify fails where this host has no EFA (exit 1)" [ $rc -eq 1 ]
check "--json: setup 2/2 on both nodes, MLflow ok, EFA checks counted, a latency measured" jq_py "$TMP/v.json" \
	"not d['passed'] and [n['setup'] for n in d['nodes']] == ['2/2', '2/2'] and d['mlflow']['ok'] and d['mlflow']['reason'] is None and all(n['efa_checks'].endswith('/6') and n['efa_checks'] != '6/6' for n in d['nodes']) and d['pingpong']['latency_usec'] > 0 and d['pingpong']['error'] is None"
check "each node's problem names the step" jq_py "$TMP/v.json" "all(n['problem'].startswith('EFA: ') for n in d['nodes'])"
nx verify --tasks "$TMP/tasks.json" --tracking-uri "$MLFLOW" -p tcp -S 4k -I 100 -c environment=verify >"$TMP/v.out" 2>&1; rc=$?
check "a second verify resumes the setup (already done) and says the same" [ $rc -eq 1 ]
contains "the steps are announced" "$TMP/v.out" "nixl-tui verify: EFA checks..."
contains "the table has a row per node" "$TMP/v.out" "2/2      ok       "
contains "the ping-pong line" "$TMP/v.out" "ping-pong node 1 <-> node 2: "
contains "and the verdict names where to look" "$TMP/v.out" "verify: FAILED (the rows above name the step and the node)"
nx verify --bogus -c environment=verify >"$TMP/bad.out" 2>&1; rc=$?
check "an unknown option is refused" [ $rc -eq 2 ]
nx destroy --yes -c environment=verify >/dev/null 2>&1

# deploy --verify: ready, then the same checks with the defaults (the default task file needs
# a GPU node: its first task fails here, and verify says so)
nx deploy --yes --verify -c environment=verify2 >"$TMP/dv.out" 2>&1; rc=$?
check "deploy --verify exits with verify's verdict (1 here)" [ $rc -eq 1 ]
contains "the stack became ready first" "$TMP/dv.out" "is ready"
contains "then verify ran and named the failing task" "$TMP/dv.out" "setup: check-nvidia failed"
nx destroy --yes -c environment=verify2 >/dev/null 2>&1
finish

#!/usr/bin/env bash
# needs: moto_server aws python3 curl base64
# nixl-tui setup on the nodes of a stack deployed on the sandbox: the task file, the plan and
# the runner go to the scripts bucket under a prefix of the run, every node fetches them with
# the AWS CLI and runs them in parallel (one SendCommand), lines stream back per node, one
# node failing fails the run and the other still succeeds, a second run resumes, and each
# node keeps its own record in its own /tmp under its own hostname. TAP.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
state() { curl -fsS "$SB/_sandbox/state"; }
nx deploy --yes -c environment=setup >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]
eval "$(nx outputs --format env -c environment=setup)"
host2="ip-$(echo "$NODE2_PRIVATE" | tr . -)"
state >"$TMP/state.json"
isolated=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['node_isolation'])" "$TMP/state.json")
workdir=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['workdir'])" "$TMP/state.json")

# node 2 fails its second task until the gate exists in its own /tmp
cat >"$TMP/tasks.json" <<JSON
{"name": "nodes", "variables": {"WHO": "setup-test"},
 "tasks": [
  {"id": "hello", "commands": ["echo \"{{WHO}} on \$(hostname)\"", "echo mine > /tmp/owned-by-\$(hostname)",
                              "echo \"index=\$NIXL_NODE_INDEX node1=\$NIXL_NODE1_IP mlflow=\$MLFLOW_TRACKING_URI\""]},
  {"id": "node2-fails", "commands": ["test \"\$(hostname)\" != $host2 || test -e /tmp/gate || { echo 'node 2 refuses' >&2; false; }"]},
  {"id": "last", "commands": ["ls /tmp/owned-by-* | wc -l"]}
 ]}
JSON
nx setup --tasks "$TMP/tasks.json" --log "$TMP/setup.log" -c environment=setup >"$TMP/setup.out" 2>"$TMP/setup.err"; rc=$?
check "a node failing fails the run (exit 1)" [ $rc -eq 1 ]
sends=$(grep -c "SendCommand ->" "$TMP/setup.log")
check "one SendCommand for both nodes (got $sends)" [ "$sends" -eq 1 ]
puts=$(grep -c "PutObject ->" "$TMP/setup.log")
check "the runner, the plan and the task file were uploaded (got $puts PutObject)" [ "$puts" -eq 3 ]
contains "lines stream back per node" "$TMP/setup.out" "node1 | "
contains "variables expanded on the node" "$TMP/setup.out" "setup-test on ip-"
contains "each node knows its number, node 1's address and MLflow's URI" "$TMP/setup.out" \
	"node2 | index=2 node1=$NODE1_PRIVATE mlflow=http://$NODE1_PRIVATE:5000"
contains "node 2's failure is named with its command" "$TMP/setup.err" "node2: task node2-fails failed at: test"
contains "node 1 succeeded" "$TMP/setup.err" "node1: done (3 run, 0 skipped)."
prefix=$(sed -n 's|.* from s3://[^/]*/\(nixl-tui/setup/[^ ]*/\)$|\1|p' "$TMP/setup.err")
check "the files are under a prefix of the run ($prefix)" bash -c "aws s3 ls s3://$SCRIPTS_BUCKET/$prefix | grep task_runner.sh >/dev/null"
if [ "$isolated" = "hostname and /tmp per node" ]; then
	check "each node has its own hostname and /tmp: one owned-by file each" grep -q "^node1 | 1$" "$TMP/setup.out"
	check "node 1's record is in its own /tmp" jq_py "$workdir/nodes/$NODE1_ID/tmp/task-state-ip-$(echo "$NODE1_PRIVATE" | tr . -).json" \
		"d['last']['status'] == 'success'"
	check "node 2's record is in its own /tmp" jq_py "$workdir/nodes/$NODE2_ID/tmp/task-state-$host2.json" \
		"d['hello']['status'] == 'success' and d['node2-fails']['status'] == 'failed' and 'last' not in d"
	touch "$workdir/nodes/$NODE2_ID/tmp/gate"
else
	pass "node isolation # SKIP $isolated"
	pass "node 1's record # SKIP $isolated"
	pass "node 2's record # SKIP $isolated"
	touch /tmp/gate
fi

# the second run resumes: node 1 skips everything, node 2 starts at its failed task
nx setup --tasks "$TMP/tasks.json" --json -c environment=setup >"$TMP/again.json" 2>"$TMP/again.err"; rc=$?
check "the second run exits 0" [ $rc -eq 0 ]
check "--json: per node per task, node 1 all skipped, node 2 resumed" jq_py "$TMP/again.json" \
	"d['succeeded'] and [t['status'] for t in d['nodes'][0]['tasks']] == ['skipped'] * 3 and [t['status'] for t in d['nodes'][1]['tasks']] == ['skipped', 'success', 'success'] and d['nodes'][1]['instance_id'] == '$NODE2_ID'"

# --node picks one node; bad input sends nothing
nx setup --tasks "$TMP/tasks.json" --node 2 --reset --log "$TMP/one.log" -c environment=setup >"$TMP/one.out" 2>&1; rc=$?
check "--node 2 --reset runs node 2 only" [ $rc -eq 0 ]
lacks "node 1 was not asked" "$TMP/one.out" "node1 | "
nx setup --node 3 -c environment=setup >"$TMP/bad.out" 2>&1; rc=$?
check "--node 3 of 2 is refused" [ $rc -eq 2 ]
echo '{"tasks": []}' >"$TMP/empty.json"
nx setup --tasks "$TMP/empty.json" --log "$TMP/bad.log" -c environment=setup >"$TMP/bad.out" 2>&1; rc=$?
check "a task file with no tasks is refused before any call" [ $rc -eq 2 ] 
check "nothing was sent for it" bash -c "! test -s $TMP/bad.log"
# kill -9 while a long task runs: the setup goes on, the next run follows it to its end
cat >"$TMP/long.json" <<JSON
{"tasks": [{"id": "long", "commands": ["i=0; while [ ! -e /tmp/release ]; do i=\$((i+1)); echo tick \$i; sleep 0.2; done", "echo released on \$(hostname)"]}]}
JSON
"$NIXL_TUI" setup --tasks "$TMP/long.json" -c environment=setup >"$TMP/long1.out" 2>&1 &
long_pid=$!
PIDS+=("$long_pid")
check "the long task's lines stream" wait_for 120 grep -qs "node2 | tick 3" "$TMP/long1.out"
kill -9 "$long_pid"
wait "$long_pid" 2>/dev/null
some_sleeps() { [ -n "$(node_procs sleep)" ]; }
check "after kill -9 the setup still runs on the nodes" some_sleeps
nx setup --tasks "$TMP/long.json" -c environment=setup >"$TMP/busy.out" 2>&1; rc=$?
check "a second setup while one runs is refused" [ $rc -eq 2 ]
contains "with what to do" "$TMP/busy.out" "a setup is still running on the nodes"
"$NIXL_TUI" setup -c environment=setup >"$TMP/long2.out" 2>&1 &
follow_pid=$!
PIDS+=("$follow_pid")
check "nixl-tui setup finds it and follows it" wait_for 120 grep -qs "following the setup started" "$TMP/long2.out"
check "with its lines from the start" wait_for 120 grep -qs "node1 | tick 1$" "$TMP/long2.out"
# Ctrl-C stops following only
kill -INT "$follow_pid"
wait "$follow_pid"; rc=$?
check "Ctrl-C stops following (exit 130)" [ $rc -eq 130 ]
contains "and says the setup goes on" "$TMP/long2.out" "the setup goes on on the nodes"
check "it does go on" some_sleeps
if [ "$isolated" = "hostname and /tmp per node" ]; then
	touch "$workdir/nodes/$NODE1_ID/tmp/release" "$workdir/nodes/$NODE2_ID/tmp/release"
else
	touch /tmp/release
fi
nx setup --json -c environment=setup >"$TMP/long3.json" 2>"$TMP/long3.err"; rc=$?
if grep -q "no setup is running" "$TMP/long3.err"; then  # it ended before this run looked
	pass "followed to its end # SKIP it ended before the follower started"
else
	check "followed to its end: exit 0, the task succeeded on both nodes" jq_py "$TMP/long3.json" \
		"d['succeeded'] and all(n['tasks'][0]['status'] == 'success' for n in d['nodes'])"
fi
# --cancel stops a running setup
rm -f "$workdir/nodes/$NODE1_ID/tmp/release" "$workdir/nodes/$NODE2_ID/tmp/release" /tmp/release
"$NIXL_TUI" setup --tasks "$TMP/long.json" --reset -c environment=setup >"$TMP/long4.out" 2>&1 &
long_pid=$!
PIDS+=("$long_pid")
wait_for 120 grep -qs "node1 | tick 2" "$TMP/long4.out"
kill -9 "$long_pid"
wait "$long_pid" 2>/dev/null
nx setup --cancel -c environment=setup >"$TMP/cancel.out" 2>&1; rc=$?
check "--cancel stops it (exit 0)" [ $rc -eq 0 ]
contains "and says what it stops" "$TMP/cancel.out" "stopping the setup started"
no_sleeps() { [ -z "$(node_procs sleep)" ]; }
check "nothing of it is left on the nodes" wait_for 60 no_sleeps
nx setup --cancel -c environment=setup >"$TMP/cancel2.out" 2>&1
contains "--cancel with nothing running says so" "$TMP/cancel2.out" "no setup is running on the stack's nodes."

rm -f /tmp/gate /tmp/release
nx destroy --yes -c environment=setup >"$TMP/down.out" 2>&1
check "the stack and its bucket go away, setup files included" [ $? -eq 0 ]
finish

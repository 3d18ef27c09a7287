#!/bin/bash
# needs: moto_server tmux aws python3 curl base64
# The console's Setup section in a real terminal (tmux 120x40) against the sandbox: a
# small task file given with --tasks, `:setup all` after a confirm naming the file and its
# task count (Cancel focused), the section filling per node (marks, durations, the running
# task's last line), node 2's failing task with its command, its last lines and what to do;
# quit while node 1 waits at a gate in its own /tmp, the setup goes on, the next start
# finds it (the record under $XDG_STATE_HOME) and shows its progress again, the gate is
# released and node 1 ends done. A bad --tasks file is refused before the console opens.
# Private tmux socket, killed on exit; the sandbox stopped by lib.sh.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
DUMP="$TMP/screen.txt"
trap 'tui_stop; cleanup' EXIT

start_sandbox --speed 60 || { fail "the sandbox starts"; finish; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }

# console ARGS...: nixl-tui in a fresh 120x40 terminal, its screen dumped
console() {
	rm -f "$DUMP"
	tui_console 120 40 "NIXL_TUI_DUMP='$DUMP'" -- "$@"
}
expect_re() { if wait_for "${3:-10}" sh -c "tmux -L '$SOCK' capture-pane -p 2>/dev/null | grep -qE -- \"\$0\"" "$2"; then
	pass "$1"; else fail "$1" "nothing like /$2/ on screen:" "$(screen)"; fi; }

nx deploy --yes -c environment=setupui >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]
eval "$(nx outputs --format env -c environment=setupui)"
host2="ip-$(echo "$NODE2_PRIVATE" | tr . -)"
curl -fsS "$SB/_sandbox/state" >"$TMP/state.json"
isolated=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['node_isolation'])" "$TMP/state.json")
workdir=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['workdir'])" "$TMP/state.json")
if [ "$isolated" = "hostname and /tmp per node" ]; then release="$workdir/nodes/$NODE1_ID/tmp/release"
else release=/tmp/release; fi
rm -f "$release"

# node 2 fails its second task; node 1 waits at the gate in its own /tmp in the third
cat >"$TMP/tasks.json" <<JSON
{"name": "console", "tasks": [
  {"id": "hello", "name": "Say hello", "commands": ["echo hello from \$(hostname)"]},
  {"id": "node2-fails", "name": "Refuse on node 2", "commands": ["test \"\$(hostname)\" != $host2 || { echo 'node 2 refuses' >&2; echo 'see the gate' >&2; false; }"]},
  {"id": "gate", "name": "Wait for the gate", "commands": ["i=0; while [ ! -e /tmp/release ]; do i=\$((i+1)); echo tick \$i; sleep 0.2; done"]},
  {"id": "last", "name": "Last one", "commands": ["echo the end"]}
 ]}
JSON

# a bad file never opens the console
echo '{"tasks": []}' >"$TMP/empty.json"
nx --tasks "$TMP/empty.json" -c environment=setupui </dev/null >"$TMP/bad.out" 2>&1; rc=$?
check "a task file with no tasks is refused (exit 2)" [ $rc -eq 2 ]
contains "naming the file" "$TMP/bad.out" "$TMP/empty.json"

console --tasks "$TMP/tasks.json" -c environment=setupui
expect "the console re-attaches to the nodes" "Node1 producer" 30
expect "node 2's pane too" "Node2 consumer" 30
keys : s e t u p Space a l l Enter
expect "the confirm names the file and its task count" "Run $TMP/tasks.json (4 tasks) on all nodes?"
keys Enter
expect_re "Cancel is focused: Enter does nothing" "Node1 producer" 5
if screen | grep -qE "Setup +[0-9]+/4"; then fail "nothing was started" "a Setup section appeared"; else pass "nothing was started"; fi
keys : s e t u p Space a l l Enter
expect "the confirm again" "(4 tasks) on all nodes?"
keys Tab Enter
expect_re "the Setup section, with its count" "Setup +[0-9]+/4" 30
expect "node 2's failing task with its command" '$ test "$(hostname)" != '"$host2" 120
expect "and its last lines" "see the gate" 10
expect "and what to do" "fix it, then S runs the setup again: it resumes here" 10
expect "node 1 runs the gated task, its last line shown" "tick " 60
expect_re "done tasks have a mark and a duration" "✓ Say hello +[0-9.]+s" 10
expect "the running task has its mark" "▶ Wait for the gate" 10
check "one SendCommand for both nodes" wait_for 10 grep -q "SendCommand ->" "$TMP/aws.log"
puts=$(grep -c "PutObject ->" "$TMP/aws.log")
check "the runner, the plan and the task file were uploaded (got $puts PutObject)" [ "$puts" -ge 3 ]

# quit while it runs: it asks, the setup goes on on the nodes
keys q
expect "quit asks while the setup runs" "Commands already sent to the nodes keep running there."
keys Tab Enter
expect "the console ends" "EXITED rc=0" 20
some_sleeps() { [ -n "$(node_procs sleep)" ]; }
check "the setup goes on on node 1" some_sleeps
check "the record names the command" grep -q '"commandId"' "$TMP/state/nixl-tui/nixl-efa-setupui-east-1.setup.json"

# the next start finds it and shows its progress again
console --tasks "$TMP/tasks.json" -c environment=setupui
expect "reopened on the nodes" "Node1 producer" 30
expect "the running setup is found again" "▶ Wait for the gate" 90
expect "node 2's failure shown again" "fix it, then S runs the setup again: it resumes here" 60
touch "$release"
expect "released: node 1 ends with every task done" "4/4 done" 90
expect_re "the last task has its mark" "✓ Last one" 10

# :verify: setup (resumed: node 2 fails again) -> MLflow check -> EFA checks (no EFA device
# on this host) -> ping-pong, then a summary naming each failed step and its node
keys : v e r i f y Enter
expect "verify ends with its summary" "Verify: failed" 300
expect "naming the setup step, the node and the task" "setup: failed on node 2 at task node2-fails" 5
expect "naming the EFA step" "EFA checks: failed on node" 5
expect "and the MLflow step" "MLflow: " 5
keys Escape
expect "node 1's pane has the MLflow row" "MLflow  http://$NODE1_PRIVATE:5000" 10
keys q
expect "q quits when nothing runs" "EXITED rc=0" 20
rm -f "$release"

# f: MLflow's port of each node on a local port of its own. SSM's Session Manager is not in
# the sandbox: stand-ins for `aws` and `session-manager-plugin` record the command and wait.
mkdir -p "$TMP/stub"
cat >"$TMP/stub/aws" <<STUB
#!/bin/sh
printf '%s\n' "\$*" >> "$TMP/aws-args"
exec sleep 298.75
STUB
printf '#!/bin/sh\nexit 0\n' >"$TMP/stub/session-manager-plugin"
chmod +x "$TMP/stub/aws" "$TMP/stub/session-manager-plugin"
PATH="$TMP/stub:$PATH" console -c environment=setupui
expect "reopened for the forwards" "Node1 producer" 30
keys f
expect "f on node 1 shows the URL" "MLflow on http://127.0.0.1:" 20
check "the session was started on node 1" wait_for 20 grep -q -- "--target $NODE1_ID --document-name AWS-StartPortForwardingSession" "$TMP/aws-args"
keys l f
check "and one on node 2" wait_for 20 grep -q -- "--target $NODE2_ID --document-name AWS-StartPortForwardingSession" "$TMP/aws-args"
ports=$(sed -n 's/.*"localPortNumber":\["\([0-9]*\)"\].*/\1/p' "$TMP/aws-args" | sort -u | wc -l)
check "each node's forward has its own local port (got $ports distinct)" [ "$ports" -eq 2 ]
check "both MLflow ports are 5000" [ "$(grep -c '"portNumber":\["5000"\]' "$TMP/aws-args")" -eq 2 ]
stubs() { pgrep -f '^sleep 298.75$' >/dev/null; }
check "the forwards run" stubs
keys q
expect "q quits" "EXITED rc=0" 20
no_stubs() { ! stubs; }
check "quitting stopped both forwards" wait_for 20 no_stubs
rm "$TMP/stub/session-manager-plugin"
PATH="$TMP/stub:$PATH" console -c environment=setupui
expect "reopened without the plugin" "Node1 producer" 30
keys f
expect "without the plugin: what is missing" "the Session Manager plugin (session-manager-plugin) is not installed here" 10
expect "where to get it" "session-manager-working-with-install-plugin" 5
expect "and the command to copy" "AWS-StartPortForwardingSession" 5
keys Escape q
expect "q quits" "EXITED rc=0" 20

nx destroy --yes -c environment=setupui >"$TMP/down.out" 2>&1
check "the stack goes away" [ $? -eq 0 ]
finish

#!/bin/bash
# needs: python3 base64
# nixl-tui setup with the runner the nodes get, run here (--local): every rule of the users'
# task-file format (order, skip_if, a failure stops the run, resume after the last success,
# --from, --reset, variables, unknown {{...}} left alone, quoting, one shell for a task's
# lines, the record's place and shape), streaming, cancel, --json, --dry-run of the default
# file, and bad input refused in one sentence with nothing run. TAP.
source "$(dirname "$0")/../lib.sh"
export TASK_STATE_FILE="$TMP/state.json"   # the record, away from this host's /tmp
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
run() { "$NIXL_TUI" setup "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
W="$TMP/work"
mkdir -p "$W"

cat >"$TMP/rules.json" <<JSON
{"name": "rules", "variables": {"GREETING": "hello world", "DIR": "$W/d"},
 "tasks": [
  {"id": "mkdir", "name": "make a directory", "commands": ["mkdir -p {{DIR}}", "cd {{DIR}}", "N=41"]},
  {"id": "shell", "commands": ["N=\$((N+1))", "pwd > out.txt", "echo \"\$N {{GREETING}} {{UNKNOWN}} {{.Names}}\" >> out.txt",
                              "echo \"it's \$(echo sub)\" | tr a-z A-Z >> out.txt", "echo 'a'\"'\"'b | c' >> out.txt"]},
  {"id": "skipped", "skip_if": "test -d {{DIR}}", "commands": ["touch {{DIR}}/skipped-ran"]},
  {"id": "gate", "commands": ["test -e $W/gate || { echo 'no gate yet' >&2; false; }", "touch {{DIR}}/gate-passed"]},
  {"id": "after", "commands": ["echo after >> {{DIR}}/after.txt"]}
 ]}
JSON

# --- first run: tasks in order, one shell per task's lines, the failure stops the run
run --local --tasks "$TMP/rules.json"
check "a failing task exits 1" [ $rc -eq 1 ]
check "the lines of a task share one shell (cd, N=41) and variables expand" \
	grep -qx "42 hello world {{UNKNOWN}} {{.Names}}" "$W/d/out.txt"
check "the task ran in the directory a previous line cd'ed to" grep -qx "$W/d" "$W/d/out.txt"
check "quotes and \$(...) inside a command, piped" grep -qx "IT'S SUB" "$W/d/out.txt"
check "single quotes nested the shell's way" grep -qx "a'b | c" "$W/d/out.txt"
check "a task whose skip_if holds is not run" [ ! -e "$W/d/skipped-ran" ]
contains "it is logged as skipped" "$TMP/out" "[SKIP] skipped: skip_if holds"
check "the task after the failure did not run" [ ! -e "$W/d/after.txt" ]
contains "the failure is logged with the command" "$TMP/out" "[FAIL] gate: exit 1 from: test -e $W/gate"
contains "the summary counts" "$TMP/out" "[DONE] completed=2 skipped=1 failed=1"
check "log lines carry a UTC time" grep -Eq '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z \[RUN\] mkdir: make a directory$' "$TMP/out"
contains "stderr names the failing task and its command" "$TMP/err" "task gate failed at: test -e $W/gate"
lacks "the runner's markers are not printed" "$TMP/out" "===NIXL-TASK"
check "the record is JSON keyed by task id" jq_py "$TASK_STATE_FILE" \
	"d['mkdir']['status'] == 'success' and d['shell']['status'] == 'success' and d['skipped']['status'] == 'success' and d['gate']['status'] == 'failed' and 'after' not in d and d['gate']['timestamp'].endswith('Z')"

# --- run again: what succeeded is skipped, the run resumes at the failed task
touch "$W/gate"
echo keep >"$W/d/out.txt"
run --local --tasks "$TMP/rules.json" --json
check "the second run exits 0" [ $rc -eq 0 ]
check "tasks that succeeded were not run again" grep -qx keep "$W/d/out.txt"
check "--json: per task status and duration, null when not measured" jq_py "$TMP/out" \
	"[t['status'] for t in d['nodes'][0]['tasks']] == ['skipped', 'skipped', 'skipped', 'success', 'success'] and d['nodes'][0]['tasks'][0]['seconds'] is None and isinstance(d['nodes'][0]['tasks'][3]['seconds'], float) and d['nodes'][0]['succeeded']"
check "the resumed tasks ran" test -e "$W/d/gate-passed" -a -e "$W/d/after.txt"

# --- --from: the tasks before it are skipped, even the ones never run
rm -f "$TASK_STATE_FILE" "$W/d/after.txt"
run --local --tasks "$TMP/rules.json" --from after
check "--from runs from that task" [ $rc -eq 0 ] 
contains "the tasks before --from are skipped" "$TMP/out" "[SKIP] mkdir: before --from"
check "and the named task ran" test -e "$W/d/after.txt"
check "tasks before --from are not recorded" jq_py "$TASK_STATE_FILE" "list(d) == ['after']"

# --- --reset forgets the record; entries of other task files are kept otherwise
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['other-file-task']={'status':'success','timestamp':'2026-01-01T00:00:00Z'}; json.dump(d, open(sys.argv[1],'w'), indent=2)" "$TASK_STATE_FILE"
run --local --tasks "$TMP/rules.json" --from after
check "a record written by another tool (jq's layout) is read and kept" jq_py "$TASK_STATE_FILE" \
	"d['other-file-task']['status'] == 'success' and d['after']['status'] == 'success'"
contains "and its successes are skipped" "$TMP/out" "[SKIP] after: succeeded at"
run --local --tasks "$TMP/rules.json" --reset
check "--reset: every task runs again" [ $rc -eq 0 ]
contains "--reset says so" "$TMP/out" "[RESET] forgot $TASK_STATE_FILE"
check "--reset: the record holds only this run" jq_py "$TASK_STATE_FILE" "'other-file-task' not in d and d['after']['status'] == 'success'"

# --- the record's default place: /tmp/task-state-$(hostname).json (in a private /tmp and hostname)
if unshare --mount --uts true 2>/dev/null; then
	cat >"$TMP/one.json" <<'JSON'
{"tasks": [{"id": "one", "commands": ["true"]}]}
JSON
	# the task file comes on stdin: the private /tmp hides $TMP; nixl-tui's own directory, when
	# the checkout is under /tmp (CI's `git clone . /tmp/x`), is bound into it at its own path
	mkdir -p "$TMP/node-tmp"
	env -u TASK_STATE_FILE unshare --mount --uts --propagation private sh -c 'bin=$(dirname "$1")
		case $bin in /tmp/*) mkdir -p "$2/${bin#/tmp/}" && mount --bind "$bin" "$2/${bin#/tmp/}" ;; esac
		mount --rbind "$2" /tmp && hostname nixl-test-node &&
		"$1" setup --local --tasks - >/dev/null 2>&1 && cat /tmp/task-state-nixl-test-node.json' sh "$NIXL_TUI" "$TMP/node-tmp" <"$TMP/one.json" >"$TMP/default-record" 2>&1
	check "the record is /tmp/task-state-\$(hostname).json" jq_py "$TMP/default-record" "d['one']['status'] == 'success'"
else
	pass "the record's default place # SKIP unshare cannot make a private /tmp here"
fi

# --- streaming: lines arrive while the task runs; a task that runs until released
cat >"$TMP/long.json" <<JSON
{"tasks": [{"id": "long", "commands": ["i=0; while [ ! -e $W/release ]; do i=\$((i+1)); echo tick \$i; sleep 0.2; done", "echo released"]}]}
JSON
"$NIXL_TUI" setup --local --tasks "$TMP/long.json" --reset >"$TMP/long.out" 2>&1 &
long_pid=$!
PIDS+=("$long_pid")
check "lines stream while the task runs" wait_for 60 grep -qs "tick 3" "$TMP/long.out"
touch "$W/release"
wait "$long_pid"; rc=$?
check "the long task ends when released, exit 0" [ $rc -eq 0 ]
contains "its last line" "$TMP/long.out" "released"

# --- cancel: Ctrl-C records the running task as failed and leaves no process behind
rm -f "$W/release"
cat >"$TMP/cancel.json" <<JSON
{"tasks": [{"id": "wait", "commands": ["echo waiting; sleep 299.5 & wait"]}]}
JSON
"$NIXL_TUI" setup --local --tasks "$TMP/cancel.json" --reset >"$TMP/cancel.out" 2>&1 &
cancel_pid=$!
PIDS+=("$cancel_pid")
wait_for 60 grep -qs "^waiting" "$TMP/cancel.out"
kill -INT "$cancel_pid"
wait "$cancel_pid"; rc=$?
check "cancel exits non-zero" [ $rc -ne 0 ]
check "the cancelled task is recorded as failed" jq_py "$TASK_STATE_FILE" "d['wait']['status'] == 'failed'"
contains "and logged as cancelled" "$TMP/cancel.out" "[FAIL] wait: cancelled"
no_sleep() { ! pgrep -f '^sleep 299.5$' >/dev/null; }
check "no process of the task is left" wait_for 20 no_sleep

# --- a line that exits the shell fails its task instead of ending the run silently
cat >"$TMP/exit.json" <<'JSON'
{"tasks": [{"id": "exits", "commands": ["echo bye", "exit 3"]}, {"id": "next", "commands": ["true"]}]}
JSON
run --local --tasks "$TMP/exit.json" --reset
check "exit in a command fails the run" [ $rc -eq 1 ]
contains "and says what happened" "$TMP/out" "[FAIL] exits: a command ended the shell"
check "the task is recorded as failed" jq_py "$TASK_STATE_FILE" "d['exits']['status'] == 'failed' and 'next' not in d"

# --- --dry-run of the default file: expanded, nothing run
run --dry-run
check "--dry-run of the default file exits 0" [ $rc -eq 0 ]
contains "versions are expanded" "$TMP/out" 'vllm==0.16.0'
contains "NIXL with CUDA 12" "$TMP/out" 'nixl[cu12]==0.10.0'
contains "etcd's version" "$TMP/out" 'quay.io/coreos/etcd:v3.5.18'
contains "docker's own {{...}} is left alone" "$TMP/out" "--format '{{.Names}}'"
lacks "no variable is left unexpanded" "$TMP/out" "{{VENV}}"
run --dry-run --json --from verify
check "--dry-run --json: tasks as an array, before --from marked" jq_py "$TMP/out" \
	"len(d['tasks']) >= 15 and d['tasks'][0]['before_from'] and not d['tasks'][-1]['before_from'] and d['file'] is None and d['tasks'][0]['skip_if'] is None"
for need in nvidia-smi /dev/infiniband/uverbs0 fi_info FI_PROVIDER=efa FI_EFA_USE_DEVICE_RDMA=1 FI_EFA_FORK_SAFE=1 nvidia_peermem ib_write_bw sagemaker-mlflow nccl-tests pandas; do
	contains "the default file covers $need" "$TMP/out" "$need"
done

# --- bad input: one sentence each, nothing run
bad() { # DESC CONTENT EXPECTED [ARGS...]
	local desc=$1 content=$2 want=$3; shift 3
	printf '%s' "$content" >"$TMP/bad.json"
	rm -f "$W/bad-ran"
	run --local --tasks "$TMP/bad.json" "$@"
	if [ $rc -eq 2 ] && grep -qF -- "$want" "$TMP/err" && [ ! -e "$W/bad-ran" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]; then
		pass "refused: $desc"
	else
		fail "refused: $desc" "rc=$rc" "$(cat "$TMP/err")"
	fi
}
ran="[\"touch $W/bad-ran\"]"
bad "not JSON" '{"tasks": [' "is not JSON (line 1, column"
bad "an empty file" '' "the task file is empty"
bad "no tasks" '{"name": "x"}' 'there is no "tasks" list'
bad "an empty tasks list" '{"tasks": []}' 'the "tasks" list is empty'
bad "a task without id" "{\"tasks\": [{\"commands\": $ran}]}" 'task 1 has no "id"'
bad "a task without commands" '{"tasks": [{"id": "a"}]}' 'task "a" has no "commands"'
bad "duplicate ids" "{\"tasks\": [{\"id\": \"a\", \"commands\": $ran}, {\"id\": \"a\", \"commands\": $ran}]}" 'tasks 1 and 2 have the same id "a"'
bad "--from naming no task" "{\"tasks\": [{\"id\": \"a\", \"commands\": $ran}]}" '--from zz names no task' --from zz
bad "a variable that is not text" "{\"variables\": {\"N\": 3}, \"tasks\": [{\"id\": \"a\", \"commands\": $ran}]}" 'variable "N" must be text'
python3 -c "import json; print(json.dumps({'tasks': [{'id': 'a', 'commands': ['echo ' + 'x' * (1 << 20)]}]}))" >"$TMP/big.json"
run --local --tasks "$TMP/big.json"
check "a file over 1 MiB is refused" [ $rc -eq 2 ]
contains "with the limit" "$TMP/err" "larger than 1048576 bytes"
run --local --tasks "$TMP/does-not-exist.json"
contains "a missing file" "$TMP/err" "cannot read $TMP/does-not-exist.json: No such file or directory."
run --local --dry-run
contains "--dry-run and --local exclude each other" "$TMP/err" "excludes --local"
run --local --bogus
contains "an unknown option" "$TMP/err" 'unexpected argument "--bogus"'
finish

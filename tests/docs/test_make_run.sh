#!/bin/bash
# needs: moto_server curl python3
# make run's sandbox (tools/run.sh, without AWS credentials) outlives the console: a stack
# deployed in one run is still there in the next, which finds the same sandbox; `make
# stop-sandbox` stops it. The commands stand in for the console (tools/run.sh passes its
# arguments to nixl-tui). TAP.
source "$(dirname "$0")/../lib.sh"
export HOME="$TMP/home" XDG_STATE_HOME="$TMP/state" NIXL_RUN_SANDBOX=1
mkdir -p "$HOME"
unset AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE
cd "$ROOT" || exit 1
box="$XDG_STATE_HOME/nixl-tui/sandbox"
timeout 300 sh tools/run.sh deploy --yes -c environment=makerun >"$TMP/run1.out" 2>&1; rc=$?
[ -s "$box/pid" ] && PIDS+=("$(cat "$box/pid")")  # stopped by PID whatever happens
check "the first make run starts the sandbox and deploys" [ $rc -eq 0 ]
contains "it says it started one" "$TMP/run1.out" "starting the sandbox."
contains "and that it keeps running" "$TMP/run1.out" "keeps running with its stacks, for the next make run"
pid=$(cat "$box/pid")
check "the sandbox is alive after the console ended" kill -0 "$pid"
timeout 120 sh tools/run.sh status -c environment=makerun >"$TMP/run2.out" 2>&1; rc=$?
check "the next make run finds it" grep -q "using the sandbox still running ($pid)" "$TMP/run2.out"
contains "and the stack deployed before" "$TMP/run2.out" "CREATE_COMPLETE"
timeout 60 sh tools/run.sh --stop-sandbox >"$TMP/stop.out" 2>&1
contains "make stop-sandbox stops it" "$TMP/stop.out" "is stopped"
gone() { ! kill -0 "$pid" 2>/dev/null; }
check "its process is gone" wait_for 30 gone
check "and its files" test ! -e "$box"
timeout 60 sh tools/run.sh --stop-sandbox >"$TMP/stop2.out" 2>&1
contains "stopping again says there is none" "$TMP/stop2.out" "No sandbox of make run is running."

# A python3 first on PATH that cannot import moto (-S: no site-packages): one sentence
# naming it and the fix, no traceback, and no sandbox left behind.
mkdir -p "$TMP/nomoto"
printf '#!/bin/sh\nexec %s -S "$@"\n' "$(command -v python3)" >"$TMP/nomoto/python3"
chmod +x "$TMP/nomoto/python3"
PATH="$TMP/nomoto:$PATH" timeout 120 sh tools/run.sh status -c environment=makerun >"$TMP/nomoto.out" 2>&1; rc=$?
[ -s "$box/pid" ] && PIDS+=("$(cat "$box/pid")")
check "without moto make run fails" [ $rc -ne 0 ]
contains "saying which python3 cannot import moto" "$TMP/nomoto.out" "cannot import moto: install it for that python3"
lacks "without a traceback" "$TMP/nomoto.out" "Traceback"
timeout 60 sh tools/run.sh --stop-sandbox >/dev/null 2>&1
finish

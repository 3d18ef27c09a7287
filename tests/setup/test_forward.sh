#!/usr/bin/env bash
# needs: moto_server python3 curl
# nixl-tui forward on a stack deployed on the sandbox. The port forward itself is SSM's
# Session Manager, which the sandbox does not run: stand-ins for `aws` and
# `session-manager-plugin` (first on PATH, for the forward only) record the command they get
# and wait; the test checks the command, the local port, and that Ctrl-C stops the child.
# Without the plugin, the sentence says how to get it and gives the command. TAP.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
nx deploy --yes -c environment=fwd >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]
eval "$(nx outputs --format env -c environment=fwd)"
mkdir -p "$TMP/stub"
cat >"$TMP/stub/aws" <<STUB
#!/bin/sh
# a stand-in for the AWS CLI's start-session: records its arguments, then waits to be stopped
printf '%s\n' "\$@" > "$TMP/aws-args"
exec sleep 299.25
STUB
printf '#!/bin/sh\nexit 0\n' >"$TMP/stub/session-manager-plugin"
chmod +x "$TMP/stub/aws" "$TMP/stub/session-manager-plugin"

PATH="$TMP/stub:$PATH" "$NIXL_TUI" forward --node 2 -c environment=fwd >"$TMP/fwd.out" 2>&1 &
fwd=$!
PIDS+=("$fwd")
check "the session is started" wait_for 60 test -s "$TMP/aws-args"
check "on node 2 with SSM's port-forwarding document" bash -c "grep -qx -- '$NODE2_ID' '$TMP/aws-args' && grep -qx AWS-StartPortForwardingSession '$TMP/aws-args'"
local_port=$(sed -n 's|.*on http://127.0.0.1:\([0-9]*\) .*|\1|p' "$TMP/fwd.out")
check "MLflow's port 5000 to the local port it names ($local_port)" grep -qx "{\"portNumber\":\[\"5000\"\],\"localPortNumber\":\[\"$local_port\"\]}" "$TMP/aws-args"
kill -INT "$fwd"
wait "$fwd"; rc=$?
check "Ctrl-C stops it (exit 0)" [ $rc -eq 0 ]
no_stub() { ! pgrep -f '^sleep 299.25$' >/dev/null; }
check "and the session's process is gone" wait_for 20 no_stub

rm "$TMP/stub/session-manager-plugin"
PATH="$TMP/stub:$PATH" nx forward --port 8080 --local-port 18080 -c environment=fwd >"$TMP/noplugin.out" 2>&1; rc=$?
check "without the plugin: exit 1" [ $rc -eq 1 ]
contains "it says what is missing and where to get it" "$TMP/noplugin.out" "the Session Manager plugin (session-manager-plugin) is not installed here; install it (https://docs.aws.amazon.com/systems-manager/"
contains "and gives the command to copy" "$TMP/noplugin.out" "aws ssm start-session --target $NODE1_ID --document-name AWS-StartPortForwardingSession --parameters '{\"portNumber\":[\"8080\"],\"localPortNumber\":[\"18080\"]}'"
nx forward --local-port 80 -c environment=fwd >"$TMP/bad.out" 2>&1; rc=$?
check "a privileged local port is refused" [ $rc -eq 2 ]
nx destroy --yes -c environment=fwd >/dev/null 2>&1
finish

#!/usr/bin/env bash
# needs: moto_server fi_pingpong fi_info python3 curl
# efa-check and pingpong over SSM on the nodes of a stack deployed on the sandbox, found
# through the stack's outputs (no --instance-id): the headless path a user takes.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
nx deploy --yes -c environment=nodes >"$TMP/deploy.out" 2>&1
check "a stack to run on is deployed" [ $? -eq 0 ]

nx efa-check --node all --json --log "$TMP/check.log" -c environment=nodes >"$TMP/check.json" 2>"$TMP/check.err"; rc=$?
check "efa-check on every node ends (1: this host has no EFA)" [ $rc -eq 1 ]
# the log has a line per AWS call: both nodes' checks went out in one command
sends=$(grep -c "SendCommand ->" "$TMP/check.log")
check "one SendCommand for both nodes (got $sends)" [ "$sends" -eq 1 ]
python3 - "$TMP/check.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
nodes = d["nodes"]
assert len(nodes) == 2, nodes
for k, n in enumerate(nodes, 1):
    assert n["node"].startswith("i-"), n["node"]
    assert n["node_number"] == k, n  # as --node counts the stack's nodes
    assert n["checks"]["network"]["status"] == "passed", n["checks"]["network"]
    assert n["checks"]["pci"]["status"] == "failed", n["checks"]["pci"]
PY
check "both nodes report their six checks: network passed, no EFA device" [ $? -eq 0 ]

nx pingpong -p tcp -I 200 -S 4k,64k --json -c environment=nodes >"$TMP/pp.json" 2>"$TMP/pp.err"; rc=$?
check "fi_pingpong between the stack's nodes over SSM exits 0" [ $rc -eq 0 ]
python3 - "$TMP/pp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = d.get("rows") or d.get("result", {}).get("rows")
assert rows and sorted(r["bytes"] for r in rows) == [4096, 65536], d
assert all(r["usec_per_xfer"] > 0 for r in rows), rows
assert (d["server"], d["client"]) == (1, 2) and len(d["nodes"]) == 2, d
assert all(i.startswith("i-") for i in d["nodes"]), d["nodes"]
PY
check "its table has a row per size, with times; server node 1, client node 2" [ $? -eq 0 ]
nx pingpong -p tcp -I 50 -S 4k -c environment=nodes >"$TMP/pp.out" 2>&1
ip=$(eval "$(nx outputs --format env -c environment=nodes)"; echo "$NODE1_PRIVATE")
contains "the client was sent to the server's private address from the outputs ($ip)" "$TMP/pp.out" "-> $ip"
check "the finished runs left nothing running on the nodes" wait_for 20 no_node_procs

# Ctrl-C midway through a run that would last for hours: both sides are cancelled, and
# every process their commands started is gone (GNU timeout leaves the script's process
# group: killing the group alone left timeout and fi_pingpong running)
nx pingpong -p tcp -I 100000000 -S 4k -c environment=nodes >"$TMP/ppc.out" 2>&1 &
pp=$!
check "a long run has fi_pingpong running on the nodes" wait_for 120 node_runs fi_pingpong
kill -INT "$pp"
wait "$pp"; rc=$?
check "Ctrl-C ends the run with a failure (exit $rc)" [ "$rc" -ne 0 ]
check "nothing of the cancelled run is left on the nodes" wait_for 20 no_node_procs
[ -n "$(node_procs)" ] && echo "# left: $(node_procs | tr '\n' ' ')"
nx destroy --yes -c environment=nodes >/dev/null 2>&1
finish

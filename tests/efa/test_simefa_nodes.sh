#!/usr/bin/env bash
# needs: moto_server fi_pingpong python3 curl unshare
# The first run's flow on the sandbox's simulated EFA nodes (issue 14): a stack deployed
# with --node-profile simulated-efa passes the six EFA checks on both nodes, and
# `pingpong -p efa` measures (the real fi_pingpong over tcp on loopback); both say
# "simulated" in their JSON. The node_profiles control key then turns the same stack's nodes
# into this host's (no EFA): the checks fail and "simulated" is false.
. "$(dirname "$0")/../lib.sh"
start_sandbox --speed 60 --node-profile simulated-efa || { echo "not ok 1 - sandbox starts"; exit 1; }
cd "$TMP" || exit 1
export XDG_STATE_HOME="$TMP/state"
nx() { timeout 300 "$NIXL_TUI" "$@"; }
iso=$(curl -s -m 10 "$SB/_sandbox/state" | python3 -c 'import json, sys; print(json.load(sys.stdin)["node_isolation"])')
if [ "$iso" != "hostname and /tmp per node" ]; then
	echo "1..0 # SKIP node commands cannot be isolated here: $iso"
	exit 0
fi
nx deploy --yes -c environment=simefa >"$TMP/deploy.out" 2>&1
check "a stack is deployed on simulated EFA nodes" [ $? -eq 0 ]
stack=$(nx status --json -c environment=simefa 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["stackName"])' 2>/dev/null)

nx efa-check --node all --json -c environment=simefa >"$TMP/check.json" 2>"$TMP/check.err"; rc=$?
check "efa-check --node all passes on the simulated nodes (exit $rc)" [ $rc -eq 0 ]
python3 - "$TMP/check.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
nodes = d["nodes"]
assert d["passed"] is True and len(nodes) == 2, d
for n in nodes:
    assert n["simulated"] is True, n
    assert all(c["status"] == "passed" for c in n["checks"].values()), n["checks"]
    f = n["facts"]
    # g5.12xlarge, the default type: 1 EFA interface, 4 x A10G (the catalog's)
    assert f["efa_devices"] == 1 and f["accelerators"] == 4, f
    assert f["accelerator_model"] == "NVIDIA A10G", f
PY
check "both nodes: six checks passed, \"simulated\": true, 1 EFA device and 4 A10G" [ $? -eq 0 ]
nx efa-check --node 1 -c environment=simefa >"$TMP/check.txt" 2>&1
contains "the text output says the node is simulated" "$TMP/check.txt" "simulated EFA"

nx pingpong -p efa -I 100 -S 4k,64k --json -c environment=simefa >"$TMP/pp.json" 2>"$TMP/pp.err"; rc=$?
check "pingpong -p efa between the simulated nodes exits 0 (exit $rc)" [ $rc -eq 0 ]
python3 - "$TMP/pp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["simulated"] is True and d["provider"] == "efa", d
assert sorted(r["bytes"] for r in d["rows"]) == [4096, 65536], d["rows"]
assert all(r["usec_per_xfer"] > 0 and r["mb_per_s"] > 0 for r in d["rows"]), d["rows"]
PY
check "its JSON: \"simulated\": true, a measured row per size" [ $? -eq 0 ]
check "the finished run left nothing running on the nodes" wait_for 20 no_node_procs

# the same stack's nodes on this host's tools from now on (the control key, per stack)
check "node_profiles sets the stack's nodes to host ($stack)" [ -n "$stack" ]
sandbox_ctl config "{\"node_profiles\": {\"$stack\": \"host\"}}"
nx efa-check --node all --json -c environment=simefa >"$TMP/host.json" 2>"$TMP/host.err"; rc=$?
check "efa-check on the host profile fails (this host has no EFA; exit $rc)" [ $rc -eq 1 ]
python3 - "$TMP/host.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert all(n["simulated"] is False for n in d["nodes"]), d["nodes"]
assert all(n["checks"]["pci"]["status"] == "failed" for n in d["nodes"]), d["nodes"]
PY
check "... and says \"simulated\": false, no EFA device" [ $? -eq 0 ]
nx pingpong -p tcp -I 50 -S 4k --json -c environment=simefa >"$TMP/pph.json" 2>&1
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["simulated"] is not False)' "$TMP/pph.json"
check "pingpong -p tcp on host nodes: \"simulated\": false" [ $? -eq 0 ]
curl -s -m 10 -X POST -H 'Content-Type: application/json' -d '{"node_profile": "emulated"}' \
	"$SB/_sandbox/config" >"$TMP/bad.json"
contains "an unknown profile is refused, naming the two" "$TMP/bad.json" "simulated-efa, host"
nx destroy --yes -c environment=simefa >/dev/null 2>&1
check "the stack is destroyed" [ $? -eq 0 ]
finish

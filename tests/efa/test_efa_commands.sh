#!/bin/bash
# needs: fi_pingpong fi_info python3
# efa-check and pingpong end to end: saved outputs read back (exit codes, JSON), the
# check script run here, a local fi_pingpong over tcp;ofi_rxm, and refused arguments. TAP.
source "$(dirname "$0")/../lib.sh"
FX="$ROOT/tests/fixtures/efa"
jq_py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$1"; }
run() { "$NIXL_TUI" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }

run efa-check --from-file "$FX/efa_check-script.ASSEMBLED-pass.txt"
check "efa-check: a passing node exits 0" [ $rc -eq 0 ]
contains "efa-check: the domains are counted" "$TMP/out" "4 RDM domains (rdmap16s27-rdm, ...)"
LANG=C LC_ALL= LC_CTYPE= run efa-check --from-file "$FX/efa_check-script.ASSEMBLED-pass.txt"
contains "efa-check: ASCII marks when the terminal is not UTF-8" "$TMP/out" "  ok   EFA PCI device"
LC_ALL=C.UTF-8 run efa-check --from-file "$FX/efa_check-script.ASSEMBLED-pass.txt"
contains "efa-check: check marks in UTF-8" "$TMP/out" "  ✓    EFA PCI device"

run efa-check --from-file "$FX/efa_check-script.dev-vm-no-efa.txt" --json
check "efa-check: a node without EFA exits 1" [ $rc -eq 1 ]
check "efa-check --json: failed and passed checks" jq_py "$TMP/out" \
	"not d['passed'] and d['nodes'][0]['checks']['libfabric']['status'] == 'failed' and d['nodes'][0]['checks']['network']['status'] == 'passed'"

run efa-check --from-file "$FX/fi_info-p-efa-t-FI_EP_RDM.p4d-rdmap.txt" --json
check "efa-check: one probe's output exits 3 (the rest unknown)" [ $rc -eq 3 ]
check "efa-check: that probe's check passes" jq_py "$TMP/out" \
	"d['nodes'][0]['checks']['libfabric']['status'] == 'passed' and d['nodes'][0]['facts']['rdm_domains'] == 4"

check "efa-check --json: not measured is null, lists are arrays" jq_py "$TMP/out" \
	"d['nodes'][0]['facts']['efa_devices'] is None and d['nodes'][0]['facts']['uverbs'] is None and len(d['nodes'][0]['facts']['fabrics']) == 4 and len(d['nodes'][0]['facts']['domains']) == 4"
check "efa-check --json: a saved file has no simulation note and no run error, both null" jq_py "$TMP/out" \
	"d['nodes'][0]['simulated_note'] is None and d['nodes'][0]['run_error'] is None and d['nodes'][0]['node_number'] is None"
run efa-check --from-file "$FX/fi_info-p-efa.p5-32nic-v201.DERIVED.txt" --json
check "efa-check --json: 32 NICs keep every domain and both fabrics" jq_py "$TMP/out" \
	"d['nodes'][0]['facts']['rdm_domains'] == 32 and len(d['nodes'][0]['facts']['domains']) == 64 and d['nodes'][0]['facts']['fabrics'] == ['efa-direct', 'efa']"
run efa-check --from-file "$FX/lspci.p5-efa-beside-gpus.DERIVED.txt" --json
check "efa-check --json: lspci's GPUs are counted beside the EFA devices" jq_py "$TMP/out" \
	"d['nodes'][0]['facts']['efa_devices'] == 32 and d['nodes'][0]['facts']['pci_gpus'] == 8 and len(d['nodes'][0]['facts']['pci_gpu_addresses']) == 8 and d['nodes'][0]['facts']['rdm_domains'] is None"

head -c 3000 /dev/urandom >"$TMP/garbage"
run efa-check --from-file "$TMP/garbage" --json --raw
check "efa-check: random bytes are unrecognised, exit 3" [ $rc -eq 3 ]
check "efa-check: nothing passes on random bytes" jq_py "$TMP/out" \
	"all(c['status'] == 'unrecognised' for c in d['nodes'][0]['checks'].values()) and 'raw' in d['nodes'][0]"

run efa-check --from-file "$FX/efa_test.dlami.txt"
contains "efa-check: a ping-pong log is pointed to the pingpong command" "$TMP/out" "try nixl-tui pingpong --from-file"

run efa-check --local --json
check "efa-check --local: the script runs here (no EFA: exit 1)" [ $rc -eq 1 ]
check "efa-check --local: the network check passes, libfabric fails with -61" jq_py "$TMP/out" \
	"d['nodes'][0]['checks']['network']['status'] == 'passed' and 'fi_getinfo -61' in d['nodes'][0]['checks']['libfabric']['detail']"

run efa-check --instance-id 'i-0123456789abcdef0;reboot'
check "efa-check: an injected instance id is refused (exit 2)" [ $rc -eq 2 ]
contains "efa-check: and says why" "$TMP/err" "is not an instance id"
# no nodes given: the deployed stack's; with no AWS credentials, one sentence saying so
HOME="$TMP" AWS_ACCESS_KEY_ID= AWS_SECRET_ACCESS_KEY= AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	AWS_EC2_METADATA_DISABLED=true run efa-check --region us-east-1
check "efa-check: no nodes given looks for the stack, and fails without credentials" [ $rc -eq 1 ]
contains "efa-check: saying what was tried" "$TMP/err" "No AWS credentials"

run pingpong --from-file "$FX/efa_test.new-format-success.txt" --json
check "pingpong --from-file: new efa_test.sh log passes" [ $rc -eq 0 ]
check "pingpong --from-file: client rows and server rows" jq_py "$TMP/out" \
	"d['files'][0]['result']['rows'][5]['usec_per_xfer'] == 67.65 and len(d['files'][0]['server']['rows']) == 6"
check "pingpong --from-file --json: what a saved log did not measure is null" jq_py "$TMP/out" \
	"d['files'][0]['result']['exit_code'] is None and d['files'][0]['result']['rows'][0]['median_usec'] is None and d['files'][0]['result']['iterations'] == 10"
run pingpong --from-file "$FX/efa_test.new-format-timeout-FAILURE.txt"
check "pingpong --from-file: the timeout log fails (exit 1)" [ $rc -eq 1 ]
contains "pingpong --from-file: with the security group hint" "$TMP/out" "security group self rule"
run pingpong --from-file "$FX/efa_test.new-format-timeout-FAILURE.txt" --json
check "pingpong --from-file --json: no table, so which table and the server's are null, the warning is the note" jq_py "$TMP/out" \
	"d['files'][0]['tables'] == 0 and d['files'][0]['which'] is None and d['files'][0]['server'] is None and 'CUDA buffer' in d['files'][0]['note']"
run pingpong --from-file "$FX/fi_pingpong-host-prefix.pdsh-2-hosts.DERIVED.txt" --json
check "pingpong --from-file: host-prefixed server and client tables, the client's reported" jq_py "$TMP/out" \
	"d['files'][0]['result']['rows'][0]['usec_per_xfer'] == 803.75 and d['files'][0]['server']['rows'][0]['usec_per_xfer'] == 803.4 and d['files'][0]['tables'] == 2 and 'client' in d['files'][0]['which'] and d['files'][0]['result']['provider'] == 'tcp;ofi_rxm'"
run pingpong --from-file "$FX/fi_pingpong-timestamped.server-and-client.DERIVED.txt"
check "pingpong --from-file: a time-stamped log passes" [ $rc -eq 0 ]
contains "pingpong --from-file: and says which table it reports" "$TMP/out" "reported: the client's table (told by its command line), of 2"
mkdir "$TMP/logs"
cp "$FX/efa_test.p4d.txt" "$FX/efa_test.dlami.txt" "$FX/fi_pingpong-client.libfabric-issue-5689.TRUNCATED.txt" "$TMP/logs/"
run pingpong --from-file "$TMP/logs" --json
check "pingpong --from-file DIR: one row set per file, a cut one cannot tell (exit 3)" [ $rc -eq 3 ]
check "pingpong --from-file DIR: files in name order with their rows" jq_py "$TMP/out" \
	"[f['file'] for f in d['files']] == ['efa_test.dlami.txt', 'efa_test.p4d.txt', 'fi_pingpong-client.libfabric-issue-5689.TRUNCATED.txt'] and [len(f['result']['rows']) for f in d['files']] == [6, 6, 3]"

run pingpong --local -S 64,4k -I 200 --json
check "pingpong --local: tcp over loopback works" [ $rc -eq 0 ]
check "pingpong --local: two rows with usec/xfer > 0" jq_py "$TMP/out" \
	"[r['bytes'] for r in d['rows']] == [64, 4096] and all(r['usec_per_xfer'] > 0 for r in d['rows']) and d['provider'] == 'tcp'"
check "pingpong --local --json: says which nodes ran, as the matrix does" jq_py "$TMP/out" \
	"d['nodes'] == ['local1', 'local2'] and (d['server'], d['client']) == (1, 2)"

run pingpong --local -p 'tcp;ofi_rxm' -S 64 -I 100 --json
check "pingpong --local -p 'tcp;ofi_rxm': the provider as libfabric spells it runs" jq_py "$TMP/out" \
	"d['provider'] == 'tcp;ofi_rxm' and [r['bytes'] for r in d['rows']] == [64]"
run pingpong --local -p 'tcp;ofi_rxm;id' -S 64
check "pingpong: a provider outside the core;util set is refused (exit 2)" [ $rc -eq 2 ]

run pingpong --local --local-nodes 4 --matrix --concurrency 2 -S 64 -I 50 --json
check "pingpong --matrix --concurrency 2 over 4 local nodes exits 0" [ $rc -eq 0 ]
check "pingpong --matrix: all 6 pairs, each with a latency" jq_py "$TMP/out" \
	"len(d['pairs']) == 6 and all(p['latency_usec'] > 0 and p['server'] < p['client'] for p in d['pairs'])"
run pingpong --local --local-nodes 4 --matrix -S 64 -I 20
contains "pingpong --matrix: each pair is reported as it ends" "$TMP/err" "(6/6):"
run pingpong --local --concurrency 2 -S 64
check "pingpong: --concurrency without --matrix is refused (exit 2)" [ $rc -eq 2 ]
run pingpong --local --local-nodes 4 --matrix --concurrency 9
check "pingpong: --concurrency above 8 is refused (exit 2)" [ $rc -eq 2 ]

run pingpong --native --local -p shm -S 4k -I 50 --json
check "pingpong --native --local: the native libfabric ping-pong answers" [ $rc -eq 0 ]
contains "pingpong --native --local: with its per-iteration median" "$TMP/out" '"median_usec"'
# The native server listens on one address and refuses a hello it cannot afford, then
# serves the real client that follows.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$NIXL_TUI" rdm-pingpong --serve --bind 127.0.0.1 --port "$port" --accept-timeout 60 -p tcp \
	>"$TMP/serve.out" 2>"$TMP/serve.err" </dev/null &
serve_pid=$!
PIDS+=("$serve_pid")
wait_for 30 grep -qs "waiting for a client on 127.0.0.1:$port" "$TMP/serve.err"
check "rdm-pingpong --serve --bind 127.0.0.1: listens there" grep -qs "waiting for a client on 127.0.0.1:$port" "$TMP/serve.err"
python3 - "$port" >"$TMP/hostile" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=30)
s.sendall(b"HELLO nixl-rdm-pp/1 tcp;ofi_rxm 10 10 9223372036854775809 0200\n")
reply = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    reply += chunk
sys.stdout.write(reply.decode("ascii", "replace"))
PY
contains "rdm-pingpong --serve: a max above 2^63 is refused with the field and its range" "$TMP/hostile" \
	'ERR the largest message size in the client'"'"'s hello must be a whole number from 1 to 1073741824 bytes'
run rdm-pingpong --connect 127.0.0.1 --port "$port" -p tcp -S 64,4k -I 20 --json
check "rdm-pingpong --connect: the real client after it runs (exit 0)" [ $rc -eq 0 ]
check "rdm-pingpong --connect --json: two rows, ok, and error null (it did not fail)" jq_py "$TMP/out" \
	"[r['bytes'] for r in d['rows']] == [64, 4096] and d['ok'] is True and 'error' in d and d['error'] is None"
wait "$serve_pid"; serve_rc=$?
check "rdm-pingpong --serve: ends with its client (exit 0)" [ $serve_rc -eq 0 ]
contains "rdm-pingpong --serve: says whom it refused and why" "$TMP/serve.err" \
	"nixl-tui pingpong: refused a client at 127.0.0.1: the largest message size"
if unshare -rn true 2>/dev/null; then
	unshare -rn "$NIXL_TUI" rdm-pingpong --serve --accept-timeout 1 >"$TMP/out" 2>"$TMP/err"; rc=$?
	check "rdm-pingpong --serve without a default route: refused (exit 2)" [ $rc -eq 2 ]
	contains "rdm-pingpong --serve: asks for --bind" "$TMP/err" \
		"this node has no IPv4 default route, so its private address is unknown; give --bind ADDR"
fi
run rdm-pingpong --local -S 64,2g
check "rdm-pingpong: a size above 1g is refused (exit 2)" [ $rc -eq 2 ]
contains "rdm-pingpong: naming the limit" "$TMP/err" "size 2g is above the largest the ping-pong takes, 1g"

run pingpong --local -p efa -S 64
check "pingpong --local -p efa: no provider here (exit 1)" [ $rc -eq 1 ]
contains "pingpong: the -61 reason" "$TMP/err" "fi_getinfo -61"

# Over the SSM executor against tests/efa/fake_ssm.py (its SendCommand runs the script
# here), everything inside a private network namespace so nothing listens outside it.
if unshare -rn true 2>/dev/null; then
	timeout 300 unshare -rn bash "$ROOT/tests/efa/ssm_in_netns.sh" "$ROOT/tests/efa/fake_ssm.py" "$TMP" "$NIXL_TUI"
	check "efa-check over SSM: both nodes checked (no EFA here: exit 1)" [ "$(cat "$TMP/check.rc")" = 1 ]
	check "efa-check over SSM: the script's output came back through the log streams" jq_py "$TMP/check.json" \
		"len(d['nodes']) == 2 and d['nodes'][1]['node'] == 'i-0123456789abcdef1' and d['nodes'][0]['source'] == 'check script' and 'fi_getinfo -61' in d['nodes'][0]['checks']['libfabric']['detail']"
	check "efa-check over SSM: each node's number is its place among the --instance-id given" jq_py "$TMP/check.json" \
		"[n['node_number'] for n in d['nodes']] == [1, 2]"
	check "pingpong over SSM: server on node 1, client on node 2 (exit 0)" [ "$(cat "$TMP/pp.rc")" = 0 ]
	check "pingpong over SSM: two rows" jq_py "$TMP/pp.json" "[r['bytes'] for r in d['rows']] == [64, 4096] and d['error'] is None"
	check "pingpong over SSM: the document names the nodes, server 1 and client 2" jq_py "$TMP/pp.json" \
		"d['nodes'] == ['i-0123456789abcdef0', 'i-0123456789abcdef1'] and (d['server'], d['client']) == (1, 2)"
	check "pingpong over SSM: no private IPv4 on the server is a clear error (exit 1)" [ "$(cat "$TMP/ppip.rc")" = 1 ]
	contains "pingpong over SSM: naming the node" "$TMP/ppip.err" "i-0123456789abcdef0: no private IPv4 address found"
else
	echo "# skipped: no network namespace here for the runs over SSM"
fi

run pingpong --local -S '4k;id'
check "pingpong: an injected size is refused (exit 2)" [ $rc -eq 2 ]
run pingpong --local --server-ip '127.0.0.1 -v'
check "pingpong: an injected server IP is refused (exit 2)" [ $rc -eq 2 ]
run pingpong --instance-id i-0123456789abcdef0
check "pingpong: one node is not enough (exit 2)" [ $rc -eq 2 ]
finish

#!/bin/bash
# Run by test_efa_commands.sh inside `unshare -rn` (a network namespace with only lo):
# tests/efa/fake_ssm.py as the SSM/CloudWatch endpoint, then efa-check and pingpong over
# the SSM executor against it. Usage: ssm_in_netns.sh FAKE_PY OUTDIR NIXL_TUI
# Writes OUTDIR/{check,pp,ppip}.{rc,json,out,err}.
fake_py=$1 out=$2 nixl=$3
ip link set lo up 2>/dev/null
python3 "$fake_py" --lifetime 300 >"$out/fake.out" &
fake=$!
trap 'kill $fake 2>/dev/null; wait $fake 2>/dev/null' EXIT
for _ in $(seq 100); do grep -q '^FAKE READY' "$out/fake.out" && break; sleep 0.1; done
port=$(sed -n 's/^FAKE READY port=//p' "$out/fake.out")
[ -n "$port" ] || exit 1
export AWS_ACCESS_KEY_ID=AKIDFAKE AWS_SECRET_ACCESS_KEY=fake AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
nodes=(--instance-id i-0123456789abcdef0 --instance-id i-0123456789abcdef1
	--endpoint-url "http://127.0.0.1:$port" --region us-east-1)
"$nixl" efa-check "${nodes[@]}" --json >"$out/check.json" 2>"$out/check.err"
echo $? >"$out/check.rc"
"$nixl" pingpong "${nodes[@]}" -p tcp --server-ip 127.0.0.1 -S 64,4k -I 100 --json >"$out/pp.json" 2>"$out/pp.err"
echo $? >"$out/pp.rc"
# no --server-ip: the server's address comes from its `ip addr`, and here there is none but lo
"$nixl" pingpong "${nodes[@]}" -p tcp -S 64 -I 10 >"$out/ppip.out" 2>"$out/ppip.err"
echo $? >"$out/ppip.rc"

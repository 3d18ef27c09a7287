# Shared by the shell tests: TAP output, a sandbox of our own on 127.0.0.1 (stopped by
# PID on exit, whatever happens), and deadlines on every wait. Source it from bash.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NIXL_TUI=${NIXL_TUI:-$ROOT/nixl-tui}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/nixl-test.XXXXXX")
PIDS=()
N=0
FAILED=0

cleanup() {
	local pid i
	for pid in "${PIDS[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill -TERM "$pid" 2>/dev/null
			for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { N=$((N + 1)); echo "ok $N - $1"; }
fail() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift; local l; for l in "$@"; do echo "#   $l"; done; }
# check DESC COMMAND...: passes when the command succeeds
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d" "failed: $*"; fi; }
# contains DESC FILE TEXT: the file holds the text (fixed string)
contains() { if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "no \"$3\" in $2:" "$(tail -n 15 "$2")"; fi; }
lacks() { if ! grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1" "unexpected \"$3\" in $2"; fi; }
SB_ERRS=()  # each sandbox's stderr, where it reports each request it refused as AWS would
SB_REFUSED_ON_PURPOSE=0  # a test that sends such requests on purpose says how many
finish() {
	local e n=0
	for e in "${SB_ERRS[@]}"; do n=$((n + $(grep -c "^sandbox: refused" "$e"))); done
	if ((${#SB_ERRS[@]})); then
		if [ "$n" -eq "$SB_REFUSED_ON_PURPOSE" ]; then
			pass "the sandbox refused no other request as AWS would ($n on purpose)"
		else
			fail "the sandbox refused $n request(s) as AWS would, $SB_REFUSED_ON_PURPOSE on purpose" \
				"$(cat "${SB_ERRS[@]}" | grep "^sandbox: refused" | head -n 5)"
		fi
	fi
	echo "# $N checks, $FAILED failed"; [ "$FAILED" -eq 0 ]
}

# wait_for DEADLINE_S COMMAND...: polls every 0.2 s
wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do
		((SECONDS >= deadline)) && return 1
		sleep 0.2
	done
}

# start_sandbox ARGS...: sets SB (endpoint) and SB_PID, and the environment a user of
# the sandbox would set: its endpoint and its credentials. Nothing else. The nodes run
# commands on this host's own tools (--node-profile host) unless ARGS say
# --node-profile simulated-efa (a later option wins).
start_sandbox() {
	local out="$TMP/sandbox.$$.$RANDOM"
	# the interpreter itself, not a version-manager shim, so that its PID is the one to stop
	setsid "$(python3 -c "import sys; print(sys.executable)")" "$ROOT/tools/sandbox/sandbox.py" --port 0 --node-profile host "$@" >"$out" 2>"$out.err" </dev/null &
	SB_PID=$!
	PIDS+=("$SB_PID")
	SB_ERRS+=("$out.err")
	if ! wait_for 30 grep -qs "^SANDBOX READY endpoint=" "$out"; then
		echo "# sandbox did not start:"; sed 's/^/# /' "$out.err"; return 1
	fi
	SB=$(sed -n 's/^SANDBOX READY endpoint=//p' "$out")
	export AWS_ENDPOINT_URL="$SB"
	export AWS_ACCESS_KEY_ID=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$out")
	export AWS_SECRET_ACCESS_KEY=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$out")
	export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
	export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION
}

# node_procs [COMM]: "PID COMM" of every process that a command of this sandbox's nodes
# started (the sandbox gives node commands NIXL_SANDBOX=1 and its own endpoint), or only
# those whose command name is COMM
node_procs() {
	python3 - "$SB" "${1:-}" <<'PY'
import os, sys
want_env = (b"NIXL_SANDBOX=1", b"AWS_ENDPOINT_URL=" + sys.argv[1].encode())
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        comm = open(f"/proc/{pid}/comm").read().strip()
        state = open(f"/proc/{pid}/stat", "rb").read().rsplit(b")", 1)[1].split()[0]
    except OSError:
        continue
    if all(e in env for e in want_env) and state not in (b"Z", b"X") and sys.argv[2] in ("", comm):
        print(pid, comm)
PY
}
no_node_procs() { [ -z "$(node_procs)" ]; }
node_runs() { [ -n "$(node_procs "$1")" ]; }

# sandbox_ctl PATH JSON: the sandbox's control endpoint
sandbox_ctl() { curl -s -m 10 -X POST -H 'Content-Type: application/json' -d "$2" "$SB/_sandbox/$1" >/dev/null; }

# awscli ARGS...: the AWS CLI against the sandbox (to look behind nixl-tui's back)
awscli() { timeout 60 aws --endpoint-url "$SB" --region us-east-1 "$@"; }

# stack_created STACK: "CREATED DONE SECONDS", its CreationTime, the time of its
# CREATE_COMPLETE stack event, and the seconds between (what its creation took, by AWS)
stack_created() {
	local created done_at
	created=$(awscli cloudformation describe-stacks --stack-name "$1" --query 'Stacks[0].CreationTime' --output text)
	done_at=$(awscli cloudformation describe-stack-events --stack-name "$1" --output text \
		--query "StackEvents[?ResourceType=='AWS::CloudFormation::Stack' && ResourceStatus=='CREATE_COMPLETE'].Timestamp | [0]")
	python3 -c 'import sys, datetime as d; f=lambda s: d.datetime.fromisoformat(s.replace("Z", "+00:00")); print(sys.argv[1], sys.argv[2], (f(sys.argv[2]) - f(sys.argv[1])).total_seconds())' "$created" "$done_at"
}

# Shared by the benchmarks: a free loopback port, moto on it, figures from measure.py.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_moto: sets MOTO_PID and MOTO_URL; stopped by stop_moto (also from a trap).
start_moto() {
	port=$(free_port)
	moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
	MOTO_PID=$!
	MOTO_URL="http://127.0.0.1:$port"
	i=0
	until curl -s -o /dev/null "$MOTO_URL/moto-api/" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && { echo "moto did not start"; return 1; }
		sleep 0.1
	done
}

stop_moto() { [ -n "${MOTO_PID:-}" ] && kill "$MOTO_PID" 2>/dev/null && wait "$MOTO_PID" 2>/dev/null; MOTO_PID=; }

# field JSON NAME
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
ratio() { python3 -c 'import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print("%.1fx" % (a/b if b else float("inf")))' "$1" "$2"; }

# start_sandbox DIR [ARGS...]: the sandbox on a free loopback port, its PID in sb_pid (the
# interpreter itself, not a shim, so the caller's trap stops it by that PID), and the
# environment a user of it sets; its output and the state record go under DIR.
start_sandbox() {
	sbdir=$1; shift
	"$(python3 -c 'import sys; print(sys.executable)')" tools/sandbox/sandbox.py --port 0 "$@" \
		>"$sbdir/sandbox.out" 2>"$sbdir/sandbox.err" </dev/null &
	sb_pid=$!
	i=0
	until grep -qs '^SANDBOX READY endpoint=' "$sbdir/sandbox.out"; do
		i=$((i + 1))
		[ $i -gt 300 ] && { echo "the sandbox did not start:"; cat "$sbdir/sandbox.err"; return 1; }
		sleep 0.1
	done
	AWS_ENDPOINT_URL=$(sed -n 's/^SANDBOX READY endpoint=//p' "$sbdir/sandbox.out")
	AWS_ACCESS_KEY_ID=$(sed -n 's/^export AWS_ACCESS_KEY_ID=//p' "$sbdir/sandbox.out")
	AWS_SECRET_ACCESS_KEY=$(sed -n 's/^export AWS_SECRET_ACCESS_KEY=//p' "$sbdir/sandbox.out")
	AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
	AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null XDG_STATE_HOME="$sbdir/state"
	export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_DEFAULT_REGION \
		AWS_EC2_METADATA_DISABLED AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE XDG_STATE_HOME
	unset AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION
}

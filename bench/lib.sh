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

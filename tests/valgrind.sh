#!/bin/sh
# The libfabric commands under valgrind memcheck, with suppressions only for libfabric's own
# blocks. Prints TAP; exits non-zero on any error or leak. Not part of `make test` (slow, and
# pointless on the ASan build).
# --local's server child leaves with _exit, so libfabric's destructor never frees its
# registries there: in those cases only the parent's report counts, and the server side is
# checked as its own process (--serve) against a --connect client.
# Usage: sh tests/valgrind.sh [path/to/nixl-tui]   (default: build/nixl-tui)
BIN=${1:-${NIXL_TUI:-build/nixl-tui}}
SUPP=tests/fixtures/libfabric/libfabric.valgrind.supp
if ! command -v valgrind >/dev/null 2>&1; then echo "1..0 # SKIP valgrind not installed"; exit 0; fi
if [ ! -x "$BIN" ]; then echo "Bail out! $BIN not built (run make)"; exit 1; fi
if ldd "$BIN" | grep -q libasan; then echo "1..0 # SKIP $BIN is an ASan build"; exit 0; fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
VG="valgrind -q --leak-check=full --show-leak-kinds=definite,possible
	--errors-for-leak-kinds=definite,possible --suppressions=$SUPP"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# vg_run LOGPREFIX OUT ARGS...: nixl-tui under valgrind in the background, a bounded wait
# (300 s), stopped by its pid if late. Sets vg_pid and vg_rc.
vg_run() {
	log=$1; out=$2; shift 2
	# shellcheck disable=SC2086 # VG is a word list on purpose
	$VG --log-file="$dir/$log.%p" "$BIN" "$@" >"$out" 2>&1 </dev/null &
	vg_pid=$!
	waited=0
	while kill -0 "$vg_pid" 2>/dev/null && [ $waited -lt 3000 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	kill -9 "$vg_pid" 2>/dev/null
	wait "$vg_pid"
	vg_rc=$?
}

# report N NAME RC WANT: one TAP line from the exit code and the logs $dir/vg.*.
report() {
	errors=$(cat "$dir"/vg.* 2>/dev/null | grep -c '^==[0-9]*== .')
	procs=$(ls "$dir"/vg.* 2>/dev/null | wc -l)
	if [ "$3" -eq "$4" ] && [ "$errors" -eq 0 ]; then
		echo "ok $1 - $2: exit $3, $procs process(es) checked, no memcheck errors or leaks"
	else
		echo "not ok $1 - $2: exit $3 (want $4), $errors valgrind report line(s)"
		cat "$dir"/out* | tail -5 | sed 's/^/# /'
		cat "$dir"/vg.* | head -60 | sed 's/^/# /'
		echo fail >>"$dir/failed"
	fi
}

closed_port=$(free_port) # nobody listens there: the refused-connection case

# name | expected exit code | command arguments
cases="tcp ping-pong|0|rdm-pingpong --local -p tcp -S 64,4k,64k -I 50 --timeout 60
shm ping-pong|0|rdm-pingpong --local -p shm -S 64,4k,64k -I 50 --timeout 60
ping-pong json|0|rdm-pingpong --local -p shm -S 1m -I 20 --timeout 60 --json
missing provider|1|rdm-pingpong --local -p efa --timeout 60
no server|1|rdm-pingpong --connect 127.0.0.1 --port $closed_port -p tcp
fabric probe|0|fabric
fabric probe json|0|fabric --json"
ncases=$(printf '%s\n' "$cases" | wc -l)
echo "1..$((ncases + 2))"

n=0
while IFS='|' read -r name want args; do
	n=$((n + 1))
	rm -f "$dir"/vg.* "$dir"/out*
	# shellcheck disable=SC2086 # args is a word list on purpose
	vg_run vg "$dir/out" $args
	for f in "$dir"/vg.*; do [ "$f" = "$dir/vg.$vg_pid" ] || rm -f "$f"; done
	report "$n" "$name" "$vg_rc" "$want"
done <<EOF
$cases
EOF

# Server and client as two processes that both exit normally.
for prov in tcp shm; do
	n=$((n + 1))
	rm -f "$dir"/vg.* "$dir"/out*
	port=$(free_port)
	vg_run vg.server "$dir/out.server" rdm-pingpong --serve --bind 127.0.0.1 --port "$port" \
		--accept-timeout 120 --timeout 60 &
	server_job=$!
	# The server is slow to start under valgrind: wait (bounded) until it listens. Probing
	# with a connection would use up its one client.
	waited=0
	until ss -Hltn "sport = :$port" | grep -q . || [ $waited -ge 600 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	vg_run vg.client "$dir/out.client" rdm-pingpong --connect 127.0.0.1 --port "$port" \
		-p "$prov" -S 64,64k -I 50 --timeout 60
	client_rc=$vg_rc
	wait "$server_job" # vg_run bounds the server's lifetime itself
	server_rc=$?
	rc=$client_rc
	[ "$rc" -eq 0 ] && rc=$server_rc
	report "$n" "$prov ping-pong, --serve and --connect as two processes" "$rc" 0
done
[ ! -e "$dir/failed" ]

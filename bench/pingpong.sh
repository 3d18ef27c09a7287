#!/bin/sh
# Native RDM ping-pong (nixl-tui rdm-pingpong) versus fi_pingpong -e rdm on the same provider,
# loopback only, alternating runs. Target (issue 6): within 5% on latency and bandwidth.
#
# Like with like: fi_pingpong has no warm-up, and without -S it runs 64, 256, 1k, 4k, 64k, 1m in
# that order on one connection, so its 64 B row pays the connection setup and the later rows
# run warm. The native side runs the same sizes in the same order with --warmup 0, so every
# row has the same history in both; both report the mean half round trip (usec/xfer) and MB/s
# over 1000 iterations. The native per-iteration median is shown beside them.
# Usage: sh bench/pingpong.sh [ROUNDS] [PROVIDERS]   (defaults: 5, "tcp shm")
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
ROUNDS=${1:-5}
PROVIDERS=${2:-tcp shm}
ITERS=1000
export FI_TCP_IFACE=lo FI_SOCKETS_IFACE=lo FI_UDP_IFACE=lo
command -v fi_pingpong >/dev/null || { echo "fi_pingpong not installed (libfabric-bin); skipped"; exit 0; }
[ -x "$NIXL_TUI" ] || { echo "$NIXL_TUI not built"; exit 1; }

dir=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

# fi_pingpong PROVIDER: one server/client pair, client rows appended to $dir/raw as
# "fi_pingpong PROVIDER BYTES USEC MBS -".
run_fi() {
	port=$(free_port)
	timeout -k 2 60 fi_pingpong -p "$1" -e rdm -I $ITERS -B "$port" >/dev/null 2>&1 &
	server_pid=$!
	i=0
	until ss -Hltn "sport = :$port" | grep -q . || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
	timeout -k 2 60 fi_pingpong -p "$1" -e rdm -I $ITERS -P "$port" 127.0.0.1 >"$dir/fi.out" 2>&1
	rc=$?
	i=0
	while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=
	[ $rc -eq 0 ] || { echo "fi_pingpong -p $1 failed ($rc):"; cat "$dir/fi.out"; return 1; }
	awk -v p="$1" 'NR > 1 && NF >= 8 { print "fi_pingpong", p, $1, $7, $6, "-" }' "$dir/fi.out" >>"$dir/raw"
	# The same sizes, in the same order, for the native run.
	sizes=$(awk 'NR > 1 && NF >= 8 { printf "%s%s", sep, $1; sep = "," }' "$dir/fi.out")
}

# native PROVIDER: nixl-tui rdm-pingpong --local with the sizes fi_pingpong just ran.
run_native() {
	timeout -k 2 120 "$NIXL_TUI" rdm-pingpong --local -p "$1" -S "$sizes" -I $ITERS --warmup 0 \
		--timeout 30 --json >"$dir/native.json" 2>"$dir/native.err" || {
		echo "nixl-tui rdm-pingpong -p $1 failed:"; cat "$dir/native.err"; return 1; }
	python3 - "$1" "$dir/native.json" >>"$dir/raw" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[2]))["rows"]:
    print("native", sys.argv[1], r["bytes"], r["usec_per_xfer"], r["mb_per_s"], r["median_usec"])
EOF
}

start=$(date +%s)
load_before=$(cut -d' ' -f1 /proc/loadavg) # before our own two spinning processes count
: >"$dir/raw"
for prov in $PROVIDERS; do
	r=1
	while [ $r -le "$ROUNDS" ]; do
		# Alternate which goes first, so neither always runs on a freshly idle machine.
		if [ $((r % 2)) -eq 1 ]; then
			run_fi "$prov" && run_native "$prov" || exit 1
		else
			sizes=${sizes:?}
			run_native "$prov" && run_fi "$prov" || exit 1
		fi
		r=$((r + 1))
	done
done
python3 bench/pingpong_table.py "$dir/raw" "$ROUNDS" "$ITERS"
echo "($(($(date +%s) - start)) s; load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after, $(nproc) cores)"
# Both sides busy-poll: with other work on the cores, scheduler slices (ms) swamp usec figures.
if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) > 1 else 1)" "$load_before"; then
	echo "WARNING: the host was busy during the run; these figures measure the scheduler more than the fabric"
fi

#!/bin/sh
# The ping-pong matrix over SSM on sandbox nodes: one pair after another (--concurrency 1,
# the order of the old sequential matrix) versus disjoint pairs at once in the rounds of the
# circle schedule (the default), for 4, 8 and 16 nodes. Small runs (tcp, 64 B, 20
# iterations): what is measured is the matrix's scheduling, not the fabric.
# Target (issue 15): 16 nodes at least 7x faster in rounds than one pair at a time.
# The CPU columns say what bounds the rounds: one pair at a time waits (SSM polls, a
# libfabric start), rounds need CPU. Measured here (Dec 2026, 2 cores, load 4-15 from other
# work): 16 nodes 413-419 s one at a time, 78-87 s in rounds (5.3x, 4.8x; 4.0x before a node's
# fi_info check ran only once), the rounds using 83-87 CPU s, ~0.6 per pair, mostly the node
# commands: each fi_pingpong start costs ~0.18 CPU s here (libpsm2/libinfinipath constructors
# calibrating clocks, fi_getinfo reading /proc/kallsyms twice; strace -k), two per pair.
# Usage: sh bench/matrix.sh [NODE COUNTS]   (default: "4 8 16")
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
COUNTS=${1:-4 8 16}
command -v fi_pingpong >/dev/null || { echo "fi_pingpong not installed (libfabric-bin); skipped"; exit 0; }
python3 -c 'import moto' 2>/dev/null || { echo "moto not installed; skipped"; exit 0; }
[ -x "$NIXL_TUI" ] || { echo "$NIXL_TUI not built"; exit 1; }

dir=$(mktemp -d)
sb_pid=
cleanup() {
	[ -n "$sb_pid" ] && kill "$sb_pid" 2>/dev/null && wait "$sb_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# up to 16 nodes of g5.12xlarge at once, each with an Elastic IP: past a fresh account's
# quotas (5 EIPs), so they are raised as a user would before such a deploy
start_sandbox "$dir" --speed 600 --workdir "$dir/nodes" --eip-quota 64 --vcpu-quota G=3072 || exit 1

now() { python3 -c 'import time; print(time.monotonic())'; }

# cpu PID: CPU seconds of a process so far, "self children" (children: those it reaped, here
# the node commands the sandbox ran), from /proc/PID/stat.
cpu() {
	python3 -c 'import os, sys
f = open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()
hz = os.sysconf("SC_CLK_TCK")
print("%.2f %.2f" % ((int(f[11]) + int(f[12])) / hz, (int(f[13]) + int(f[14])) / hz))' "$1"
}

# deploy N: the nodes to run on, as pingpong arguments in $nodes. One stack of N nodes (a
# template over CreateStack's 51,200 inline bytes goes by TemplateURL).
deploy() {
	timeout 600 "$NIXL_TUI" deploy --yes -c environment=m$1 -c nodeCount=$1 >"$dir/deploy$1.out" 2>&1 ||
		return 1
	nodes="-c environment=m$1"
}

destroy() {
	timeout 600 "$NIXL_TUI" destroy --yes -c environment=m$1 >/dev/null 2>&1
}

# matrix N LABEL [--concurrency K]: the wall time of one matrix into $dir/N.LABEL, and where
# the CPU went into $dir/N.LABEL.cpu: "SANDBOX NODE_COMMANDS NIXL_TUI" seconds.
matrix() {
	n=$1 label=$2
	shift 2
	c0=$(cpu "$sb_pid")
	t0=$(now)
	# shellcheck disable=SC2086 # $nodes is a list of arguments
	/usr/bin/time -o "$dir/$n.$label.time" -f "%U %S" timeout 1800 "$NIXL_TUI" pingpong --matrix -p tcp \
		-I 20 -S 64 "$@" $nodes >"$dir/$n.$label.out" 2>"$dir/$n.$label.err"
	rc=$?
	python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$(now)" >"$dir/$n.$label"
	python3 -c 'import sys; a, b, t = (s.split() for s in sys.argv[1:4]); print("%.1f %.1f %.1f" % (
		float(b[0]) - float(a[0]), float(b[1]) - float(a[1]), float(t[0]) + float(t[1])))' \
		"$c0" "$(cpu "$sb_pid")" "$(tail -1 "$dir/$n.$label.time")" >"$dir/$n.$label.cpu"
	[ $rc -eq 0 ] && return 0
	echo "$n nodes, $label: nixl-tui pingpong --matrix exited $rc:"
	grep -v ': pair node' "$dir/$n.$label.err" | tail -5
	return 1
}

start=$(date +%s)
load_before=$(cut -d' ' -f1 /proc/loadavg)
rc=0
for n in $COUNTS; do
	if ! deploy "$n"; then
		echo "$n nodes: the stack did not deploy:"; tail -5 "$dir/deploy$n.out"
		rc=1
		destroy "$n"
		continue
	fi
	matrix "$n" sequential --concurrency 1 || rc=1
	matrix "$n" rounds || rc=1
	destroy "$n"
done

printf '%6s %6s %14s %12s %7s   %s\n' nodes pairs "sequential s" "rounds s" ratio \
	"CPU s, sequential | rounds: sandbox API, node commands, nixl-tui"
for n in $COUNTS; do
	[ -f "$dir/$n.rounds" ] || continue
	seq_s=$(cat "$dir/$n.sequential") par_s=$(cat "$dir/$n.rounds")
	printf '%6s %6s %14s %12s %7s   %s | %s\n' "$n" $((n * (n - 1) / 2)) "$seq_s" "$par_s" \
		"$(ratio "$seq_s" "$par_s")" "$(cat "$dir/$n.sequential.cpu")" "$(cat "$dir/$n.rounds.cpu")"
done
echo "(tcp, 64 B, 20 iterations per pair; SSM on sandbox nodes, all on this host;" \
	"$(($(date +%s) - start)) s; load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after, $(nproc) cores)"
exit $rc

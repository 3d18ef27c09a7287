#!/bin/sh
# The ping-pong matrix over SSM on sandbox nodes: one pair after another (--concurrency 1,
# the order of the old sequential matrix) versus disjoint pairs at once in the rounds of the
# circle schedule (the default), for 4, 8 and 16 nodes. Small runs (tcp, 64 B, 20
# iterations): what is measured is the matrix's scheduling, not the fabric.
# Target (issue 15): 16 nodes at least 7x faster in rounds than one pair at a time.
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

start_sandbox "$dir" --speed 600 --workdir "$dir/nodes" || exit 1

now() { python3 -c 'import time; print(time.monotonic())'; }

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

# matrix N LABEL [--concurrency K]: the wall time of one matrix, into $dir/N.LABEL
matrix() {
	n=$1 label=$2
	shift 2
	t0=$(now)
	# shellcheck disable=SC2086 # $nodes is a list of arguments
	timeout 1800 "$NIXL_TUI" pingpong --matrix -p tcp -I 20 -S 64 "$@" $nodes \
		>"$dir/$n.$label.out" 2>"$dir/$n.$label.err"
	rc=$?
	python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$(now)" >"$dir/$n.$label"
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

printf '%6s %6s %14s %12s %7s\n' nodes pairs "sequential s" "rounds s" ratio
for n in $COUNTS; do
	[ -f "$dir/$n.rounds" ] || continue
	seq_s=$(cat "$dir/$n.sequential") par_s=$(cat "$dir/$n.rounds")
	printf '%6s %6s %14s %12s %7s\n' "$n" $((n * (n - 1) / 2)) "$seq_s" "$par_s" "$(ratio "$seq_s" "$par_s")"
done
echo "(tcp, 64 B, 20 iterations per pair; SSM on sandbox nodes, all on this host;" \
	"$(($(date +%s) - start)) s; load average $load_before before, $(cut -d' ' -f1 /proc/loadavg) after, $(nproc) cores)"
exit $rc

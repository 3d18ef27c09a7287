#!/bin/sh
# nixl-tui template vs cdk synth of the users' CDK stack.
# Target (issue 3): under 10 ms wall and 10 MiB peak memory per template.
# Three figures: the whole `nixl-tui template` process (bench/measure.py: wall median
# over 200 runs, peak RSS), the floor of any process on this host (/bin/true, measured
# the same way), and the in-process cost of generating one template
# (bench/template_gen.c on build/libnixl.a).
# The reference is a real `cdk synth` when CDK_APP_DIR points at a CDK app and `cdk` is
# on PATH; otherwise the issue's measured figures, labelled as such.
. bench/lib.sh
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
root=$(pwd)
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
unset DEPLOYMENT_ID
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
BIG="-c instanceType=p5.48xlarge -c nodeCount=16 -c capacityReservationId=cr-0123456789abcdef0 -c useCapacityBlock=true"

mib() { python3 -c 'import sys; print("%.1f" % (int(sys.argv[1]) / 1024))' "$1"; }

cd "$dir" || exit 1   # no cdk.json here: the defaults plus the flags given
"$NIXL_TUI" template >/dev/null || { echo "nixl-tui template failed"; exit 1; }
# shellcheck disable=SC2086
small=$(python3 "$root/bench/measure.py" -n 200 -- "$NIXL_TUI" template)
# shellcheck disable=SC2086
big=$(python3 "$root/bench/measure.py" -n 200 -- "$NIXL_TUI" template $BIG)
floor=$(python3 "$root/bench/measure.py" -n 200 -- /bin/true)

# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/src" $(pkg-config --cflags libcjson) -o "$dir/gen" \
	"$root/bench/template_gen.c" "$root/build/libnixl.a" $(pkg-config --libs libcjson) || exit 1
gen_small=$("$dir/gen" 2000)
# shellcheck disable=SC2086
gen_big=$("$dir/gen" 200 $(echo "$BIG" | sed 's/-c //g; s/=/ /g'))
cd "$root" || exit 1

if [ -n "${CDK_APP_DIR:-}" ] && command -v cdk >/dev/null 2>&1; then
	peer=$(cd "$CDK_APP_DIR" && python3 "$root/bench/measure.py" -n 3 -- cdk synth --quiet)
	peer_wall=$(field "$peer" wall_ms); peer_rss=$(field "$peer" rss_mib)
	peer_label="cdk synth ($CDK_APP_DIR, measured)"
else
	peer_wall=10600; peer_rss=721
	peer_label="cdk synth (issue 3 reference figures)"
fi

row() { printf '%-48s %10s %10s\n' "$1" "$2" "$3"; }
row "template generation" "wall ms" "peak MiB"
row "nixl-tui template, 2 x g5.12xlarge" "$(field "$small" wall_ms)" "$(field "$small" rss_mib)"
row "nixl-tui template, 16 x p5.48xlarge + block" "$(field "$big" wall_ms)" "$(field "$big" rss_mib)"
row "/bin/true (process floor here)" "$(field "$floor" wall_ms)" "$(field "$floor" rss_mib)"
row "in-process, 2 x g5.12xlarge ($(field "$gen_small" bytes) B)" \
	"$(python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / 1000))' "$(field "$gen_small" per_template_us)")" \
	"$(mib "$(field "$gen_small" maxrss_kib)")"
row "in-process, 16 x p5.48xlarge ($(field "$gen_big" bytes) B)" \
	"$(python3 -c 'import sys; print("%.3f" % (float(sys.argv[1]) / 1000))' "$(field "$gen_big" per_template_us)")" \
	"$(mib "$(field "$gen_big" maxrss_kib)")"
row "$peer_label" "$peer_wall" "$peer_rss"
echo "ratio vs cdk synth (2 nodes, whole process): wall $(ratio "$peer_wall" "$(field "$small" wall_ms)"), peak memory $(ratio "$peer_rss" "$(field "$small" rss_mib)")"
echo "target: under 10 ms and 10 MiB per template (whole process: the floor above is this machine's exec cost)"

#!/bin/sh
# Reading a large ~/.aws/config (100k profiles, 3.1 MB, under the 4 MiB cap): nixl-tui
# config vs aws configure get, both finding the last profile's region.
# Issue 10: the reader was quadratic in the number of sections (about 33 s a read).
. bench/lib.sh
NIXL_TUI=${NIXL_TUI:-$(pwd)/nixl-tui}
dir=$(mktemp -d "${TMPDIR:-/tmp}/nixl-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
python3 -c 'import sys; sys.stdout.write("".join("[profile p%d]\nregion = r%d\n" % (i, i) for i in range(100000)))' >"$dir/config"
export AWS_CONFIG_FILE="$dir/config" AWS_SHARED_CREDENTIALS_FILE=/dev/null XDG_CONFIG_HOME="$dir"
unset AWS_PROFILE AWS_REGION AWS_DEFAULT_REGION
"$NIXL_TUI" config --profile p99999 | grep -q . || { echo "nixl-tui config failed"; exit 1; }
ours=$(python3 bench/measure.py -n 5 -- "$NIXL_TUI" config --profile p99999)
peer=$(python3 bench/measure.py -n 3 -- aws configure get region --profile p99999)
printf '%-40s %10s %10s %10s\n' "100k-profile ~/.aws/config" "wall ms" "cpu ms" "peak MiB"
printf '%-40s %10s %10s %10s\n' "nixl-tui config" "$(field "$ours" wall_ms)" "$(field "$ours" cpu_ms)" "$(field "$ours" rss_mib)"
printf '%-40s %10s %10s %10s\n' "aws configure get region" "$(field "$peer" wall_ms)" "$(field "$peer" cpu_ms)" "$(field "$peer" rss_mib)"
echo "ratio: wall $(ratio "$(field "$peer" wall_ms)" "$(field "$ours" wall_ms)")"

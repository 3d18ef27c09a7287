#!/bin/sh
# make bench: every bench/*.sh in turn; each prints its figures and ratios.
cd "$(dirname "$0")/.."
NIXL_TUI="$(pwd)/nixl-tui"; export NIXL_TUI
rc=0
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	echo "=== $b"
	sh "$b" || rc=1
done
exit $rc

#!/bin/sh
# Replays every fuzz target over its seeds and past crashes (tests/fuzz/README.md) with
# the programs `make test` builds as BUILD/fuzz/replay_NAME; BUILD is where $NIXL_TUI is.
# Each prints a TAP line per directory; a crash (ASan/UBSan under make check) fails here.
build=$(dirname "${NIXL_TUI:-build/nixl-tui}")
status=0
for bin in "$build"/fuzz/replay_*; do
	[ -x "$bin" ] || continue
	"$bin" || { echo "not ok - ${bin##*/} exited with status $?"; status=1; }
done
exit $status

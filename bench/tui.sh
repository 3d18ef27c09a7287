#!/bin/sh
# The console in a pseudo-terminal of 120x40 against the sandbox: time to the first
# complete frame (from exec), then CPU, bytes written to the terminal and peak memory
# while a screen sits untouched: the wizard with no stack, and a ready two-node stack on
# the nodes screen (the console re-attached to it). Targets: first frame < 30 ms, idle
# CPU < 0.5%, < 200 B/s, peak < 20 MiB. NIXL_BENCH_IDLE sets the idle seconds (60).
. bench/lib.sh
IDLE=${NIXL_BENCH_IDLE:-60}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/nixl-bench.XXXXXX")
stop() { [ -n "${SB_PID:-}" ] && kill -TERM -"$SB_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap stop EXIT INT TERM
setsid python3 tools/sandbox/sandbox.py --port 0 --speed 60 >"$WORK/sb.out" 2>"$WORK/sb.err" </dev/null &
SB_PID=$!
i=0
until grep -q '^SANDBOX READY endpoint=' "$WORK/sb.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 150 ] && { echo "the sandbox did not start"; exit 1; }
	sleep 0.2
done
SB=$(sed -n 's/^SANDBOX READY endpoint=//p' "$WORK/sb.out")
nx() {
	env -i PATH="$PATH" HOME="$WORK" LANG=C.UTF-8 TERM=xterm-256color AWS_ACCESS_KEY_ID=AKIDBENCH \
		AWS_SECRET_ACCESS_KEY=bench-secret AWS_ENDPOINT_URL="$SB" AWS_DEFAULT_REGION=us-east-1 \
		AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" "$@"
}
verdict() { python3 -c 'import sys; v, lim = float(sys.argv[1]), float(sys.argv[2]); print("ok" if v < lim else "OVER")' "$1" "$2"; }
printf '%-34s %12s %12s %12s %12s\n' "console, 120x40, idle ${IDLE}s" "1st frame ms" "idle CPU %" "idle B/s" "peak MiB"
rc=0
for scenario in wizard ready; do
	case $scenario in
	wizard) env=none; until_text="AWS call" ;; # once the attach has looked for the stack
	ready) env=ready; until_text="Node2 consumer"
		nx timeout 300 "$NIXL_TUI" deploy --yes -c environment=ready >"$WORK/deploy.out" 2>&1 ||
			{ echo "deploy failed:"; tail -5 "$WORK/deploy.out"; exit 1; } ;;
	esac
	r=$(nx python3 bench/tui_pty.py --idle "$IDLE" --until "$until_text" -- "$NIXL_TUI" -c environment=$env)
	ff=$(field "$r" first_frame_ms); cpu=$(field "$r" idle_cpu_pct); bps=$(field "$r" idle_bytes_per_s)
	mib=$(field "$r" rss_peak_mib)
	printf '%-34s %12s %12s %12s %12s\n' "$scenario" "$ff" "$cpu" "$bps" "$mib"
	echo "  targets: first frame $(verdict "$ff" 30), CPU $(verdict "$cpu" 0.5), bytes $(verdict "$bps" 200), memory $(verdict "$mib" 20)"
	case "$r" in *'"error"'*) echo "  $r"; rc=1 ;; esac
done
# What starting the process costs before the console does anything: the same binary
# printing its help (loading its shared libraries is most of it).
base=$(python3 bench/tui_pty.py --exit-only 1 --starts 9 -- "$NIXL_TUI" help)
echo "process start baseline (nixl-tui help, exec to exit): $(field "$base" exit_ms) ms"
exit $rc

#!/bin/sh
# The console in a pseudo-terminal of 120x40 against moto: time to the first complete
# frame, then CPU, bytes written to the terminal and peak memory while a finished screen
# sits there untouched (the wizard with no stack; a deployment that ended in a root
# cause). Targets: first frame < 30 ms, idle CPU < 0.5%, < 200 B/s, peak < 20 MiB.
. bench/lib.sh
trap stop_moto EXIT INT TERM
start_moto || exit 1
IDLE=${NIXL_BENCH_IDLE:-60}
run() { # NAME KEYS UNTIL
	env -i PATH="$PATH" HOME=/tmp LANG=C.UTF-8 TERM=xterm-256color AWS_ACCESS_KEY_ID=AKIDBENCH \
		AWS_SECRET_ACCESS_KEY=bench-secret AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null \
		AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		python3 bench/tui_pty.py --idle "$IDLE" --keys "$2" --until "$3" -- \
		"$NIXL_TUI" --region us-east-1 --endpoint-url "$MOTO_URL"
}
verdict() { python3 -c 'import sys; v, lim = float(sys.argv[1]), float(sys.argv[2]); print("ok" if v < lim else "OVER")' "$1" "$2"; }
printf '%-34s %12s %12s %12s %12s\n' "console, 120x40, idle ${IDLE}s" "1st frame ms" "idle CPU %" "idle B/s" "peak MiB"
rc=0
for scenario in wizard failed; do
	case $scenario in
	wizard) r=$(run wizard "" "AWS call") ;; # once the attach has looked for the stack
	failed) r=$(run failed ':deploy\rd\t\r' "Root cause") ;;
	esac
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

#!/bin/sh
# nixl-tui whoami vs aws sts get-caller-identity, both against the same moto.
# Target (issue 2): at least 20x less wall time and 5x less peak memory.
. bench/lib.sh
trap stop_moto EXIT INT TERM
start_moto || exit 1
export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN
"$NIXL_TUI" whoami --endpoint-url "$MOTO_URL" >/dev/null || { echo "whoami failed"; exit 1; }
ours=$(python3 bench/measure.py -n 20 -- "$NIXL_TUI" whoami --endpoint-url "$MOTO_URL")
peer=$(python3 bench/measure.py -n 5 -- aws sts get-caller-identity --endpoint-url "$MOTO_URL")
printf '%-34s %10s %10s %10s\n' "whoami against moto" "wall ms" "cpu ms" "peak MiB"
printf '%-34s %10s %10s %10s\n' "nixl-tui whoami" "$(field "$ours" wall_ms)" "$(field "$ours" cpu_ms)" "$(field "$ours" rss_mib)"
printf '%-34s %10s %10s %10s\n' "aws sts get-caller-identity" "$(field "$peer" wall_ms)" "$(field "$peer" cpu_ms)" "$(field "$peer" rss_mib)"
echo "ratio: wall $(ratio "$(field "$peer" wall_ms)" "$(field "$ours" wall_ms)") (target >= 20x), peak memory $(ratio "$(field "$peer" rss_mib)" "$(field "$ours" rss_mib)") (target >= 5x)"

#!/bin/bash
# The console in a real terminal (tmux), against moto on 127.0.0.1: the wizard with a
# non-default type and volume, the live preflight ending in a root cause (moto has no
# Deep Learning AMI parameter), resize to 80x24 and back, the dump hook matching the
# terminal, read-only, quit. Private tmux socket, killed on exit with moto.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/bench/lib.sh"

SOCK=nixl-test-$$
DUMP="$TMP/screen.txt"
stop_all() { tmux -L "$SOCK" kill-server 2>/dev/null; cleanup; }
trap stop_all EXIT

if ! command -v tmux >/dev/null; then echo "1..0 # SKIP tmux is not installed"; exit 0; fi
start_moto || { fail "moto starts"; finish; exit 1; }
PIDS+=("$MOTO_PID")

# console ARGS...: opens nixl-tui in a 120x40 tmux window; the screen is also dumped.
console() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	rm -f "$DUMP"
	# the terminal outlives the console for a minute, so its last words can be read
	tmux -L "$SOCK" new-session -d -x 120 -y 40 \
		"env -i PATH='$PATH' HOME='$TMP' LANG=C.UTF-8 TERM=tmux-256color TZ=UTC \
		 AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=test-secret AWS_EC2_METADATA_DISABLED=true \
		 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null NIXL_TUI_DUMP='$DUMP' \
		 '$NIXL_TUI' --region us-east-1 --endpoint-url '$MOTO_URL' --log '$TMP/aws.log' $*; echo EXITED rc=\$?; sleep 60"
}
screen() { tmux -L "$SOCK" capture-pane -p 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys "$@" 2>/dev/null; }
# shows TEXT [SECONDS]: the terminal shows the text within the deadline
shows() { wait_for "${2:-10}" sh -c "tmux -L '$SOCK' capture-pane -p 2>/dev/null | grep -qF -- \"\$0\"" "$1"; }
expect() { if shows "$2" "${3:-10}"; then pass "$1"; else fail "$1" "no \"$2\" on screen:" "$(screen)"; fi; }
expect_not() { if ! screen | grep -qF -- "$2"; then pass "$1"; else fail "$1" "unexpected \"$2\" on screen"; fi; }

console
expect "opens on the wizard when no stack exists" "1 Instance type > 2 Volume > 3 Capacity > 4 Network > 5 Review"
expect "the catalog as a table" "p5.48xlarge     P5     8x NVIDIA H100 (80 GiB)            2048 GiB    32 1000 GiB"
expect "the hint bar" "? Help  Enter Next  Esc Back  / Filter  : Cmd  q Quit"
expect "the status line names the endpoint and the sandbox badge" "endpoint 127.0.0.1:${MOTO_URL##*:}   SANDBOX"

# The dump hook writes what the terminal shows.
wait_for 5 test -s "$DUMP"
if diff <(screen | sed 's/ *$//') "$DUMP" >"$TMP/dump.diff"; then pass "NIXL_TUI_DUMP equals the terminal"
else fail "NIXL_TUI_DUMP equals the terminal" "$(head -20 "$TMP/dump.diff")"; fi

keys / p 5 Enter Enter
expect "a non-default type: the volume is prefilled with its recommendation" "Size [1000  ] GiB"
keys BSpace BSpace BSpace BSpace 7 0 0
expect "the under-80% warning while typing" "warning: volumeSize 700 GiB is more than 20% under the 1000 GiB recommended for p5.48xlarge"
keys Enter
expect "capacity: on-demand offered" "(*) On-demand (no reservation)"
expect "capacity: moto has no reservations, the error is a sentence" "DescribeCapacityReservations" 20
keys Enter
expect "network: moto's default VPC listed" " default " 20
expect "network: the zones offering the type" "us-east-1b"
keys Enter
expect "review: the type chosen here" "instanceType             p5.48xlarge                              chosen here"
expect "review: the volume chosen here" "volumeSize               700                                      chosen here"
expect "review: the headless command" "nixl-tui deploy --region us-east-1 -c instanceType=p5.48xlarge -c volumeSize=700"

# Resize mid-way: the layout follows, the hint bar fits.
tmux -L "$SOCK" resize-window -x 80 -y 24
expect "80x24: the review reflows" "? Help  Esc Back  d Deploy  : Cmd  q Quit"
if [ "$(screen | awk '{ if (length($0) > m) m = length($0) } END { print m }')" -le 80 ]; then pass "80x24: nothing wider than 80"
else fail "80x24: nothing wider than 80" "$(screen)"; fi
tmux -L "$SOCK" resize-window -x 120 -y 40
expect "back to 120x40" "instanceType             p5.48xlarge                              chosen here"

keys d
expect "deploy asks, Cancel first" "< Cancel >  < Deploy >"
keys Enter
expect_not "Cancel: nothing deployed" "Preflight"
keys d Tab Enter
expect "the deployment screen: preflight steps" "Caller identity" 20
expect "the failure's root cause in a box" "Root cause" 30
expect "the AMI step failed" "AMI" 5
expect_not "nothing was created: no destroy key" "D Destroy"

keys q
expect "q quits when nothing runs" "EXITED rc=0"

# Read-only: deploy is not offered, even as a command.
console --read-only
expect "read-only badge" "READ-ONLY"
keys : d e p l o y Enter
expect "read-only refuses :deploy" "Read-only: deploy is turned off (--read-only)."
keys q
expect "quit" "EXITED rc=0"

# Help from the same table.
console
keys '?'
expect "help lists the keys" "Keys and commands"
expect "help: destroy and its command" ":destroy"
keys Escape q
expect "quit after help" "EXITED rc=0"

finish

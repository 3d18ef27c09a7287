# The console tests' terminal: a private tmux server per test (socket $SOCK), the console
# started in it with the sandbox's environment, and the screen read back. Sourced after
# tests/lib.sh by tests/tui/test_*.sh.
#
# A server is stopped by its PID: `tmux kill-server` returns while the server is still
# exiting, and a new session sent to that server is lost with it. tui_stop waits until the
# process is gone, so that the next tui_open always meets a new server.
#
# Settings a test may change before use:
#   TUI_GREP=-F|-E   how shows/expect/expect_not match (fixed strings unless -E)
#   TUI_CAPTURE=-p|-pJ  how the screen is read (-pJ joins wrapped lines)

if ! command -v tmux >/dev/null; then echo "1..0 # SKIP tmux is not installed"; exit 0; fi

TUI_GREP=${TUI_GREP:--F}
TUI_CAPTURE=${TUI_CAPTURE:--p}

# tui_stop: ends the test's tmux server, if any, and waits until its process has exited.
tui_stop() {
	local pid
	pid=$(tmux -L "$SOCK" display-message -p '#{pid}' 2>/dev/null)
	tmux -L "$SOCK" kill-server 2>/dev/null
	if [ -n "$pid" ]; then
		wait_for 10 sh -c '! kill -0 "$0" 2>/dev/null' "$pid"
	fi
}

# tui_env: the environment a user of the sandbox has, as `env -i ...` words for the
# terminal's shell: its endpoint and keys, UTF-8, and state and config under $TMP.
tui_env() {
	printf '%s' "env -i PATH='$PATH' HOME='$TMP' LANG=C.UTF-8 TERM=tmux-256color TZ=UTC \
AWS_ACCESS_KEY_ID='$AWS_ACCESS_KEY_ID' AWS_SECRET_ACCESS_KEY='$AWS_SECRET_ACCESS_KEY' \
AWS_ENDPOINT_URL='$SB' AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
XDG_STATE_HOME='$TMP/state' XDG_CONFIG_HOME='$TMP/config'"
}

# tui_open COLS ROWS COMMAND: a new terminal of that size running COMMAND in $TMP (after
# the old server is gone). The terminal outlives the command for a minute, so its last
# words ("EXITED rc=N") can be read.
tui_open() {
	local cols=$1 rows=$2
	shift 2
	tui_stop
	tmux -L "$SOCK" new-session -d -x "$cols" -y "$rows" \
		"cd '$TMP' && $*; echo EXITED rc=\$?; sleep 60"
}

# tui_console COLS ROWS [VAR=value...] -- ARGS...: nixl-tui with ARGS (and --log
# $TMP/aws.log) in the sandbox's environment plus the VAR=value words.
tui_console() {
	local cols=$1 rows=$2 extra=""
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do extra="$extra $1"; shift; done
	[ "${1:-}" = -- ] && shift
	tui_open "$cols" "$rows" "$(tui_env)$extra '$NIXL_TUI' --log '$TMP/aws.log' $*"
}

screen() { tmux -L "$SOCK" capture-pane "$TUI_CAPTURE" 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys "$@" 2>/dev/null; }
shows() {
	wait_for "${2:-10}" sh -c "tmux -L '$SOCK' capture-pane $TUI_CAPTURE 2>/dev/null | grep -q $TUI_GREP -- \"\$0\"" "$1"
}
expect() { if shows "$2" "${3:-10}"; then pass "$1"; else fail "$1" "no \"$2\" on screen:" "$(screen)"; fi; }
expect_not() { if ! screen | grep -q "$TUI_GREP" -- "$2"; then pass "$1"; else fail "$1" "unexpected \"$2\" on screen:" "$(screen)"; fi; }
widest() { screen | python3 -c 'import sys; print(max([len(l.rstrip("\n")) for l in sys.stdin] + [0]))'; }

#!/bin/bash
# needs: tmux
# Issue 14 item 17: with no credentials anywhere the console still opens, and its first
# screen says in a box what the chain tried and offers the sandbox as the way to try the
# console without an AWS account; nothing is sent anywhere (the chain fails before a
# request). A region error is not a credentials error: it stops before the console, with
# no sandbox advice. In a real terminal (tmux), private socket killed on exit.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
. "$(dirname "$0")/tmux.sh"
trap 'tui_stop; cleanup' EXIT

# nothing to find credentials in; an endpoint on this machine that nothing answers, so
# that even a request sent by mistake would go nowhere but here
ENVS="env -i PATH='$PATH' HOME='$TMP' LANG=C.UTF-8 TERM=tmux-256color TZ=UTC AWS_DEFAULT_REGION=us-east-1 \
AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
AWS_ENDPOINT_URL=http://127.0.0.1:9 XDG_STATE_HOME='$TMP/state' XDG_CONFIG_HOME='$TMP/config'"
# the screen as one line, the box's borders out, so that a sentence wrapped in the box reads
# whole (shows and expect of tmux.sh, on that line)
flat() { tmux -L "$SOCK" capture-pane -p 2>/dev/null | sed 's/[│┌┐└┘─]//g' | tr -s ' \n' '  '; }
shows() { wait_for "${2:-20}" sh -c "$(declare -f flat); SOCK='$SOCK' flat | grep -qF -- \"\$0\"" "$1"; }
expect() { if shows "$2" "${3:-20}"; then pass "$1"; else fail "$1" "no \"$2\" on screen:" "$(tmux -L "$SOCK" capture-pane -p)"; fi; }

tui_open 120 40 "$ENVS '$NIXL_TUI' --log '$TMP/aws.log'"
expect "the console opens on its first screen" "1 Instance type"
expect "a box says AWS could not be reached" "AWS could not be reached"
expect "it says what the chain tried" "No AWS credentials: tried environment variables (AWS_ACCESS_KEY_ID not set)"
expect "it names the instance metadata as tried" "instance metadata (disabled by AWS_EC2_METADATA_DISABLED)"
expect "it offers the sandbox" "try the console on the sandbox: run nixl-tui sandbox"
expect "it says none were found" "(credentials: none found)"
tmux -L "$SOCK" send-keys q
expect "q quits" "EXITED rc="
check "the log was written" [ -f "$TMP/aws.log" ]
lacks "no request was sent (no attempt in the log)" "$TMP/aws.log" " -> "

# a region error is not a credentials error: no console, no sandbox advice
timeout 60 sh -c "$ENVS '$NIXL_TUI' --region not-a-region" </dev/null >"$TMP/out" 2>"$TMP/err"
rc=$?
check "a bad region: exit 1" [ "$rc" -eq 1 ]
contains "a bad region is said" "$TMP/err" "not-a-region"
lacks "the sandbox is offered for credentials only" "$TMP/err" "try the console on the sandbox"
finish

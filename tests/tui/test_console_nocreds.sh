#!/bin/bash
# Issue 14 item 17: with no credentials anywhere the console does not open a screen it
# cannot fill; nixl-tui says in one place what it tried and offers the sandbox as the way
# to try the console without an AWS account. No terminal needed: it stops before one.
. "$(dirname "$0")/../lib.sh"

run_tui() { # the console with nothing to find credentials in
	timeout 60 env -i PATH="$PATH" HOME="$TMP" LANG=C.UTF-8 TERM=xterm AWS_DEFAULT_REGION=us-east-1 \
		AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
		XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" "$NIXL_TUI" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
}
run_tui; rc=$?
check "no credentials: exit 1" [ "$rc" -eq 1 ]
contains "says what it tried" "$TMP/err" "No AWS credentials: tried environment variables (AWS_ACCESS_KEY_ID not set)"
contains "offers the sandbox" "$TMP/err" "without an AWS account, try the console on the sandbox: run nixl-tui sandbox"
check "nothing on stdout" [ ! -s "$TMP/out" ]
# a region error is not a credentials error: no sandbox advice there
run_tui --region not-a-region; rc=$?
check "a bad region: exit 1" [ "$rc" -eq 1 ]
lacks "the sandbox is offered for credentials only" "$TMP/err" "try the console on the sandbox"
finish

#!/usr/bin/env bash
# The per-stack record and the --log file: created whatever part of their path is
# missing, private (0700 directories, 0600 files), and one sentence when the record
# cannot be written. A deploy against a closed loopback port sets the phase (which
# saves the record) and fails at its first call, without any AWS.
. "$(dirname "$0")/../lib.sh"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=AKIDSTATE AWS_SECRET_ACCESS_KEY=state-secret AWS_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_MAX_ATTEMPTS=1
export AWS_EC2_METADATA_DISABLED=true XDG_CONFIG_HOME="$TMP/config"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_REGION AWS_ENDPOINT_URL XDG_STATE_HOME
nx() { (cd "$TMP" && timeout 60 "$NIXL_TUI" deploy --yes --endpoint-url "http://127.0.0.1:$port" -c environment=st "$@"); }
mode() { stat -c %a "$1"; }
record=.local/state/nixl-tui/nixl-efa-st-east-1.json

# --- HOME without ~/.local: the whole path is created
mkdir -p "$TMP/home"
HOME="$TMP/home" nx --log "$TMP/calls.log" >"$TMP/a.out" 2>"$TMP/a.err"
check "the record is written when ~/.local does not exist" test -s "$TMP/home/$record"
check "the record is 0600" [ "$(mode "$TMP/home/$record")" = 600 ]
for d in .local .local/state .local/state/nixl-tui; do
	check "$d is created 0700" [ "$(mode "$TMP/home/$d")" = 700 ]
done
check "no temporary file is left" bash -c "! ls '$TMP/home/.local/state/nixl-tui' | grep -q tmp"
lacks "nothing is said when it can be written" "$TMP/a.err" "cannot be written"
check "the --log file is created 0600" [ "$(mode "$TMP/calls.log")" = 600 ]
contains "and holds the call" "$TMP/calls.log" "GetCallerIdentity"
lacks "but not the secret" "$TMP/calls.log" "state-secret"

# --- XDG_STATE_HOME several levels deep that does not exist yet
XDG_STATE_HOME="$TMP/x/y/z" HOME="$TMP/home" nx >/dev/null 2>&1
check "XDG_STATE_HOME is created with its parents" test -s "$TMP/x/y/z/nixl-tui/nixl-efa-st-east-1.json"

# --- a state directory that cannot be: one sentence, once
echo "a file" >"$TMP/blocker"
XDG_STATE_HOME="$TMP/blocker/state" HOME="$TMP/home" nx >"$TMP/b.out" 2>"$TMP/b.err"
contains "an unwritable record is said" "$TMP/b.err" "The record of stack nixl-efa-st-east-1 cannot be written under $TMP/blocker/state (Not a directory)"
check "once" [ "$(grep -c 'cannot be written' "$TMP/b.err")" = 1 ]
contains "and the deploy still reports its own failure" "$TMP/b.err" "nixl-efa-st-east-1 failed"
finish

#!/bin/bash
# needs: moto_server tmux python3 curl
# The console with a role profile that needs an MFA code (issue 16), in a real terminal
# (tmux 120x40) against the sandbox's STS: the code is asked in a dialog naming the
# profile and the device, only 6 digits are taken (what STS's TokenCode accepts), the
# code typed reaches AssumeRole and never the screen, the screen dump or the --log file;
# the dialog follows a resize; the role is cached so the next start asks nothing; Esc
# ends with one sentence saying what to do. Private tmux socket, killed on exit.
. "$(dirname "$0")/../lib.sh"

SOCK=nixl-test-$$
TUI_CAPTURE=-pJ # a line the terminal wrapped is read as one
. "$(dirname "$0")/tmux.sh"
DUMP="$TMP/screen.txt"
trap 'tui_stop; cleanup' EXIT

start_sandbox || { fail "the sandbox starts"; finish; exit 1; }
ACCOUNT=123456789012
SERIAL="arn:aws:iam::$ACCOUNT:mfa/me"
CODE=424242
H="$TMP/home"
mkdir -p "$H/.aws"
cat >"$H/.aws/config" <<CONF
[profile mfa]
role_arn = arn:aws:iam::$ACCOUNT:role/Mfa
source_profile = keys
mfa_serial = $SERIAL
region = us-east-1
CONF
printf '[keys]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$H/.aws/credentials"

# console: nixl-tui --profile mfa in a fresh 120x40 terminal, no key in the environment
console() {
	rm -f "$DUMP"
	tui_open 120 40 "env -i PATH='$PATH' HOME='$H' LANG=C.UTF-8 TERM=tmux-256color TZ=UTC \
		 AWS_ENDPOINT_URL='$SB' AWS_EC2_METADATA_DISABLED=true \
		 AWS_CONFIG_FILE='$H/.aws/config' AWS_SHARED_CREDENTIALS_FILE='$H/.aws/credentials' \
		 XDG_STATE_HOME='$TMP/state' XDG_CONFIG_HOME='$TMP/config' NIXL_TUI_DUMP='$DUMP' \
		 '$NIXL_TUI' --profile mfa --log '$TMP/aws.log' -c environment=mfa"
}
# assume_roles [KEY=VALUE...]: how many AssumeRole calls the sandbox saw with those values
assume_roles() {
	curl -s -m 10 "$SB/_sandbox/sso" | python3 -c '
import json, sys
want = dict(a.split("=", 1) for a in sys.argv[1:])
print(sum(1 for c in json.load(sys.stdin)["calls"]
          if c["op"] == "AssumeRole" and all(str(c.get(k)) == v for k, v in want.items())))' "$@"
}
cached() { compgen -G "$H/.aws/cli/cache/*.json" >/dev/null; }
lacks_text() { ! grep -qF -- "$1" "$2"; }
nothing_has_code() { ! grep -rqF -- "$CODE" "$@"; }

# --- the dialog, before the console opens
console
expect "the dialog names the profile and the device in its title" \
	"MFA code for profile mfa, device $SERIAL"
expect "the body names the device" "Device: $SERIAL"
expect "and says what to type" "Type the 6-digit code the device shows now."
keys 1 2 a
expect "a letter is refused, saying digits only" "Digits only: type the 6-digit code your MFA device shows."
expect "the digits typed are masked" "Code [**    ]"
keys 3 Enter
expect "3 digits are refused on Enter, saying 6" "The MFA code is the 6 digits your device shows; type all 6,"
check "nothing was sent to STS for a short code" test "$(assume_roles)" -eq 0

# --- a resize while it asks
tmux -L "$SOCK" resize-window -x 80 -y 24
expect "at 80x24 the dialog is drawn again" "MFA code for profile mfa"
check "80x24: nothing wider than 80" [ "$(widest)" -le 80 ]
tmux -L "$SOCK" resize-window -x 120 -y 40
expect "and again at 120x40, keeping what was typed" "Code [***   ]"

# --- the right code: the console opens, STS got that code
keys BSpace BSpace BSpace 4 2 4 2 4 2
expect "6 digits, masked" "Code [******]"
expect_not "the code is not on the screen as typed" "$CODE"
keys Enter
expect "the console opens after the code" "1 Instance type > 2 Volume > 3 Capacity" 20
wait_for 20 cached
check "AssumeRole carried the serial and the code typed" \
	test "$(assume_roles "mfa_serial=$SERIAL" "token_code=$CODE")" -eq 1
check "the role is cached in ~/.aws/cli/cache, 0600" \
	test "$(stat -c %a "$H"/.aws/cli/cache/*.json 2>/dev/null)" = 600
expect_not "the code is not on the console's screen" "$CODE"
keys q
expect "q quits" "EXITED rc=0"
check "the code is in neither the --log file nor the screen dump" nothing_has_code "$TMP/aws.log" "$DUMP"
check "the log is not empty (it was written)" test -s "$TMP/aws.log"

# --- the next start: the cached role, no dialog
console
expect "the second start opens the console" "1 Instance type > 2 Volume > 3 Capacity" 20
expect_not "without asking for a code" "MFA code for profile"
check "and without another AssumeRole" test "$(assume_roles)" -eq 1
keys q
expect "q quits again" "EXITED rc=0"

# --- Esc: one sentence saying what to do, nothing sent
rm -f "$H"/.aws/cli/cache/*.json
console
expect "without the cache the dialog is back" "MFA code for profile mfa"
keys 9 9 Escape
expect "Esc ends with the sentence" \
	"No MFA code was entered for profile \"mfa\" (mfa_serial $SERIAL); try again and type the 6-digit code your device shows"
expect "and the command fails" "EXITED rc=1"
check "nothing more was sent to STS" test "$(assume_roles)" -eq 1
check "the code is not in the --log file" nothing_has_code "$TMP/aws.log"

# --- during a run: the role is assumed again (its credentials ran out) and the dialog
# comes over the console's screen, which is back after it. The sandbox hands out
# credentials that expire within the client's 5-minute refresh window, so the first
# call after the start needs a new code at once.
sso_ctl() { sandbox_ctl sso "$1"; }
top_line() { screen | head -n 1; }
over_console() { top_line | grep -qF "nixl-tui  profile mfa" && screen | grep -qF "MFA code for profile mfa"; }
rm -f "$H"/.aws/cli/cache/*.json
sso_ctl '{"assume_role_expires_in": 60}'
console
expect "the start asks" "MFA code for profile mfa"
keys 1 1 1 1 1 1 Enter
if wait_for 20 over_console; then pass "the next code is asked over the running console"
else fail "the next code is asked over the running console" "$(screen)"; fi
check "the first code was sent" test "$(assume_roles token_code=111111)" -eq 1
sso_ctl '{"assume_role_expires_in": null}'
tmux -L "$SOCK" resize-window -x 80 -y 24
if wait_for 10 sh -c 'tmux -L "$0" capture-pane -pJ | head -n 1 | grep -qF "nixl-tui" && [ "$(tmux -L "$0" display -p "#{window_width}")" = 80 ]' "$SOCK" \
	&& shows "MFA code for profile mfa"; then pass "a resize redraws the console and the dialog over it"
else fail "a resize redraws the console and the dialog over it" "$(screen)"; fi
check "80x24 mid-run: nothing wider than 80" [ "$(widest)" -le 80 ]
keys 3 3 3 3 3 3 Enter
expect "the console goes on with the new role" "profile mfa via role, from profile keys" 20
wait_for 10 sh -c '! tmux -L "$0" capture-pane -pJ | grep -qF "MFA code for profile"' "$SOCK"
expect_not "the dialog is gone" "MFA code for profile"
expect "the console's screen is back" "1 Instance type > 2 Volume > 3 Capacity"
check "the new code was sent with the second AssumeRole" test "$(assume_roles token_code=333333)" -eq 1
expect_not "neither code is on the screen" "111111"
expect_not "neither code is on the screen (2)" "333333"
keys q
expect "q quits after the mid-run code" "EXITED rc=0"
check "no code in the --log file" nothing_has_code "$TMP/aws.log"
check "no second code in the --log file" lacks_text 333333 "$TMP/aws.log"

# --- Esc during a run: the console stays, the sentence in its message line
rm -f "$H"/.aws/cli/cache/*.json
sso_ctl '{"assume_role_expires_in": 60}'
console
expect "the start asks again" "MFA code for profile mfa"
keys 5 5 5 5 5 5 Enter
if wait_for 20 over_console; then pass "asked again over the console"
else fail "asked again over the console" "$(screen)"; fi
sso_ctl '{"assume_role_expires_in": null}'
keys Escape
expect "Esc mid-run says what to do in the message line" "No MFA code was entered for profile \"mfa\""
expect_not "and the console stays" "EXITED"
keys q
expect "q quits after Esc" "EXITED rc=0"

finish

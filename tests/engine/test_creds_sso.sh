#!/usr/bin/env bash
# needs: moto_server python3 curl
# Credentials as users have them: IAM Identity Center (both config shapes, a fresh
# cached token, an expired one refreshed or not), web identity (environment and
# profile), role chains through SSO, a source_profile loop, and an MFA code asked on a
# terminal. The sandbox answers SSO, SSO-OIDC and AssumeRoleWithWebIdentity; no token
# or secret may reach nixl-tui's output.
. "$(dirname "$0")/../lib.sh"

start_sandbox || { echo "Bail out! the sandbox did not start"; exit 1; }
SANDBOX_KEY=$AWS_ACCESS_KEY_ID SANDBOX_SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
export HOME="$TMP/home"
export AWS_CONFIG_FILE="$HOME/.aws/config" AWS_SHARED_CREDENTIALS_FILE="$HOME/.aws/credentials"
CACHE="$HOME/.aws/sso/cache"
mkdir -p "$CACHE"
ACCOUNT=123456789012

cat >"$AWS_CONFIG_FILE" <<CONF
[profile sso]
sso_session = corp
sso_account_id = $ACCOUNT
sso_role_name = Admin
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = $ACCOUNT
sso_role_name = ReadOnly
[profile chain]
role_arn = arn:aws:iam::$ACCOUNT:role/Chained
source_profile = sso
[profile chain2]
role_arn = arn:aws:iam::$ACCOUNT:role/Second
source_profile = chain
[profile loop-a]
role_arn = arn:aws:iam::$ACCOUNT:role/A
source_profile = loop-b
[profile loop-b]
role_arn = arn:aws:iam::$ACCOUNT:role/B
source_profile = loop-a
[profile web]
web_identity_token_file = $TMP/web-token-profile
role_arn = arn:aws:iam::$ACCOUNT:role/WebProfile
role_session_name = from-profile
[profile mfa]
role_arn = arn:aws:iam::$ACCOUNT:role/Mfa
source_profile = keys
mfa_serial = arn:aws:iam::$ACCOUNT:mfa/me
CONF
printf '[keys]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
	"$SANDBOX_KEY" "$SANDBOX_SECRET" >"$AWS_SHARED_CREDENTIALS_FILE"

# The secrets of this test: none may appear in what nixl-tui prints.
SECRETS=(at-fresh-token at-legacy-token at-expired-token rt-refresh-1 rt-revoked cs-secret
	web-jwt-env web-jwt-profile web-jwt-expired SSOSECRETADMIN SSOSESSIONADMIN "$SANDBOX_SECRET")
no_secrets() {
	local s
	for s in "${SECRETS[@]}"; do grep -qF -- "$s" "$@" && return 1; done
	return 0
}
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
key_of() { printf %s "$1" | sha1sum | cut -d' ' -f1; }
# cache NAME-OR-URL ACCESS-TOKEN EXPIRES [REFRESH-TOKEN]: what `aws sso login` writes
cache() {
	python3 - "$CACHE/$(key_of "$1").json" "$2" "$3" "${4:-}" <<'PY'
import json, os, sys
path, access, expires, refresh = sys.argv[1:]
tok = {"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1",
       "accessToken": access, "expiresAt": expires}
if refresh:
    tok.update(refreshToken=refresh, clientId="cid-1", clientSecret="cs-secret",
               registrationExpiresAt="2099-01-01T00:00:00Z")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, json.dumps(tok).encode())
os.close(fd)
PY
}
sso_ctl() { sandbox_ctl sso "$1"; }
calls() { curl -s -m 10 "$SB/_sandbox/sso"; }
# called OP KEY=VALUE...: the sandbox saw a call OP with those values (true/false: booleans)
called() {
	calls | python3 -c '
import json, sys
op, want = sys.argv[1], dict(a.split("=", 1) for a in sys.argv[2:])
conv = {"true": True, "false": False}
sys.exit(not any(c["op"] == op and all(c.get(k) == conv.get(v, v) for k, v in want.items())
                 for c in json.load(sys.stdin)["calls"]))' "$@"
}
nx() { timeout 60 "$NIXL_TUI" "$@"; }

sso_ctl '{"reset": true, "access_tokens": {"at-fresh-token": 3600, "at-legacy-token": 3600},
	"role_credentials": {"'$ACCOUNT'/Admin": {"accessKeyId": "ASIASSOADMIN", "secretAccessKey":
	"SSOSECRETADMIN", "sessionToken": "SSOSESSIONADMIN"}, "'$ACCOUNT'/ReadOnly": {"accessKeyId":
	"ASIASSOREAD", "secretAccessKey": "SSOSECRETADMIN", "sessionToken": "SSOSESSIONADMIN"}}}'

# --- sso_session shape, a fresh token: GetRoleCredentials, no refresh
cache corp at-fresh-token "$(iso '+2 hours')" rt-refresh-1
nx whoami --profile sso >"$TMP/sso.out" 2>&1; rc=$?
check "whoami works from an sso_session profile" test "$rc" -eq 0
nx whoami --json --profile sso >"$TMP/sso.json" 2>&1
check "whoami --json: the account, every key kept, a string or null in each" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["account"] == sys.argv[2] and d["endpoint"].startswith("http://127.0.0.1:"), d
assert all(d[k] is None or (isinstance(d[k], str) and d[k]) for k in ("arn", "userId")), d' \
	"$TMP/sso.json" "$ACCOUNT"
contains "its credentials are named as SSO" "$TMP/sso.out" "credentials  profile sso via SSO"
calls >"$TMP/calls1.json"
contains "the portal was asked for the profile's account and role" "$TMP/calls1.json" \
	"\"role\": \"$ACCOUNT/Admin\""
lacks "a fresh token is not refreshed" "$TMP/calls1.json" "CreateToken"
check "no token or secret in the output" no_secrets "$TMP/sso.out"

# --- the legacy shape: the cache file is named after the start URL
cache https://legacy.awsapps.com/start at-legacy-token "$(iso '+2 hours')"
nx whoami --profile legacy >"$TMP/legacy.out" 2>&1; rc=$?
check "whoami works from a legacy sso_start_url profile" test "$rc" -eq 0
contains "the legacy profile's role was asked for" "$(calls >"$TMP/c.json"; echo "$TMP/c.json")" \
	"\"role\": \"$ACCOUNT/ReadOnly\""

# --- an expired token with a refresh token: CreateToken, the cache rewritten (0600)
file="$CACHE/$(key_of corp).json"
cache corp at-expired-token "$(iso '-1 hour')" rt-refresh-1
sso_ctl '{"refresh_tokens": {"rt-refresh-1": "cid-1"}}'
nx whoami --profile sso >"$TMP/refresh.out" 2>&1; rc=$?
check "whoami works after refreshing an expired token" test "$rc" -eq 0
contains "CreateToken was called with the refresh_token grant" "$(calls >"$TMP/c.json"; echo "$TMP/c.json")" \
	'"grantType": "refresh_token"'
check "the cache file holds the new access token" python3 -c '
import json, sys, time, calendar
t = json.load(open(sys.argv[1]))
exp = calendar.timegm(time.strptime(t["expiresAt"], "%Y-%m-%dT%H:%M:%SZ"))
sys.exit(not (t["accessToken"].startswith("at-") and t["accessToken"] != "at-expired-token"
              and t["refreshToken"] != "rt-refresh-1" and exp > time.time()
              and t["clientId"] == "cid-1" and t["startUrl"]))' "$file"
check "the rewritten cache file is 0600" test "$(stat -c %a "$file")" = 600
check "no token left in the cache directory but the cache files" \
	test "$(find "$CACHE" -type f | wc -l)" -eq 2
check "no token or secret in the output" no_secrets "$TMP/refresh.out"

# --- expired and cannot be refreshed: one sentence naming `aws sso login`
cache https://legacy.awsapps.com/start at-legacy-token "$(iso '-1 hour')"
nx whoami --profile legacy >"$TMP/expired.out" 2>&1; rc=$?
check "an expired legacy token fails" test "$rc" -ne 0
contains "the sentence says to sign in again" "$TMP/expired.out" \
	'has expired and cannot be refreshed; run `aws sso login --profile legacy`.'
cache corp at-expired-token "$(iso '-1 hour')" rt-revoked
nx whoami --profile sso >"$TMP/revoked.out" 2>&1; rc=$?
check "a revoked refresh token fails" test "$rc" -ne 0
contains "the sentence names the refused refresh and the fix" "$TMP/revoked.out" \
	'its refresh was refused (InvalidGrantException); run `aws sso login --profile sso`.'
check "no token or secret in the failures" no_secrets "$TMP/expired.out" "$TMP/revoked.out"

# --- a role chain through SSO: sso -> Chained -> Second
cache corp at-fresh-token "$(iso '+2 hours')"
nx whoami --profile chain2 >"$TMP/chain.out" 2>&1; rc=$?
check "whoami works through a two-role chain from an SSO profile" test "$rc" -eq 0
contains "the chain is named" "$TMP/chain.out" \
	"credentials  profile chain2 via role, from profile sso via SSO"
check "the roles were assumed in order" python3 -c '
import json, sys
ops = [c.get("role") for c in json.load(open(sys.argv[1]))["calls"] if c["op"] == "AssumeRole"]
sys.exit(ops[-2:] != ["arn:aws:iam::'$ACCOUNT':role/Chained", "arn:aws:iam::'$ACCOUNT':role/Second"])' \
	"$(calls >"$TMP/c.json"; echo "$TMP/c.json")"
check "no token or secret in the output" no_secrets "$TMP/chain.out"

# --- a loop of source_profile settings
nx whoami --profile loop-a >"$TMP/loop.out" 2>&1; rc=$?
check "a loop of source profiles is refused" test "$rc" -ne 0
contains "the loop is named" "$TMP/loop.out" "profiles loop-a -> loop-b -> loop-a go round in a loop"

# --- web identity from the environment, and from a profile
printf 'web-jwt-env\n' >"$TMP/web-token-env"
printf 'web-jwt-profile' >"$TMP/web-token-profile"
sso_ctl '{"web_identity_tokens": {"web-jwt-env": "valid", "web-jwt-profile": "valid",
	"web-jwt-expired": "expired"}}'
AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/web-token-env" AWS_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/WebEnv" \
	AWS_ROLE_SESSION_NAME=from-env nx whoami >"$TMP/webenv.out" 2>&1; rc=$?
check "whoami works with web identity from the environment" test "$rc" -eq 0
contains "named as web identity" "$TMP/webenv.out" "credentials  web identity (environment)"
contains "AssumeRoleWithWebIdentity got the role and session" "$(calls >"$TMP/c.json"; echo "$TMP/c.json")" \
	"\"session\": \"from-env\""
nx whoami --profile web >"$TMP/webprof.out" 2>&1; rc=$?
check "whoami works with web identity from a profile" test "$rc" -eq 0
contains "named as the profile's web identity" "$TMP/webprof.out" "credentials  web identity (profile web)"
check "the profile's role and session were used" called AssumeRoleWithWebIdentity \
	"role=arn:aws:iam::$ACCOUNT:role/WebProfile" session=from-profile
printf 'web-jwt-expired' >"$TMP/web-token-env"
AWS_WEB_IDENTITY_TOKEN_FILE="$TMP/web-token-env" AWS_ROLE_ARN="arn:aws:iam::$ACCOUNT:role/WebEnv" \
	nx whoami >"$TMP/webexp.out" 2>&1; rc=$?
check "an expired web identity token fails" test "$rc" -ne 0
contains "STS's error is named" "$TMP/webexp.out" "ExpiredTokenException"
check "no token in the web identity outputs" no_secrets "$TMP/webenv.out" "$TMP/webprof.out" "$TMP/webexp.out"

# --- MFA: without a terminal, one sentence; on a terminal (a pty) the code is asked, not
# echoed, sent with AssumeRole, and the role kept for the next run as the CLI keeps it
setsid -w "$NIXL_TUI" whoami --profile mfa </dev/null >"$TMP/nomfa.out" 2>&1; rc=$?
check "without a terminal the MFA profile fails" test "$rc" -ne 0
contains "one sentence says why" "$TMP/nomfa.out" "there is no terminal to ask for it on"
cat >"$TMP/onpty.py" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out, answered, deadline = b"", False, time.monotonic() + 60
while time.monotonic() < deadline:
    ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
    if not ready:
        break
    try:
        data = os.read(fd, 4096)
    except OSError:  # EIO: the child closed the terminal
        break
    if not data:
        break
    out += data
    if not answered and b"Enter MFA code for " in out:
        os.write(fd, b"424242\n")
        answered = True
done, status = os.waitpid(pid, os.WNOHANG)
if not done:
    if time.monotonic() >= deadline:
        os.kill(pid, 9)  # it hung: do not wait for it forever
    _, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
PY
python3 "$TMP/onpty.py" "$NIXL_TUI" whoami --profile mfa >"$TMP/mfa.out" 2>&1; rc=$?
check "whoami works with an MFA code typed on the terminal" test "$rc" -eq 0
contains "the prompt names the device" "$TMP/mfa.out" "Enter MFA code for arn:aws:iam::$ACCOUNT:mfa/me: "
lacks "the code is not echoed" "$TMP/mfa.out" "424242"
check "AssumeRole carried the serial and a code" called AssumeRole \
	"mfa_serial=arn:aws:iam::$ACCOUNT:mfa/me" token_code_given=true
check "the MFA role is cached in ~/.aws/cli/cache, 0600" \
	test "$(stat -c %a "$HOME"/.aws/cli/cache/*.json)" = 600
setsid -w "$NIXL_TUI" whoami --profile mfa </dev/null >"$TMP/mfa2.out" 2>&1; rc=$?
check "the next run uses the cached MFA role without a terminal" test "$rc" -eq 0
contains "and says so" "$TMP/mfa2.out" "credentials  profile mfa via role (cached MFA session)"
check "no secret in the MFA outputs" no_secrets "$TMP/mfa.out" "$TMP/mfa2.out" "$TMP/nomfa.out"

finish

#!/usr/bin/env bash
# needs: moto_server python3 curl
# The sandbox's STS AssumeRole with an MFA code, as the STS API reference gives TokenCode
# ("Length Constraints: Fixed length of 6. Pattern: [\d]*"): anything but 6 digits is a
# 400 ValidationError that does not repeat the code; 6 digits go on to moto and the code
# is recorded for tests; assume_role_expires_in brings the Expiration forward. Signed
# with curl's SigV4 (the AWS CLI refuses a short code itself, before sending it).
. "$(dirname "$0")/../lib.sh"

start_sandbox || { echo "Bail out! the sandbox did not start"; exit 1; }
ROLE=arn:aws:iam::123456789012:role/Mfa
SERIAL=arn:aws:iam::123456789012:mfa/me
# assume CODE OUT: AssumeRole with the MFA code; prints the HTTP status, the body in OUT
assume() {
	curl -s -m 20 -o "$2" -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:sts" \
		--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
		--data-urlencode Action=AssumeRole --data-urlencode Version=2011-06-15 \
		--data-urlencode "RoleArn=$ROLE" --data-urlencode RoleSessionName=mfa-test \
		--data-urlencode "SerialNumber=$SERIAL" --data-urlencode "TokenCode=$1" "$SB/"
}
recorded() {
	curl -s -m 10 "$SB/_sandbox/sso" | python3 -c '
import json, sys
print(",".join(str(c.get("token_code")) for c in json.load(sys.stdin)["calls"] if c["op"] == "AssumeRole"))'
}
# expires_within OUT LOW HIGH: the Expiration in OUT is LOW..HIGH seconds from now
expires_within() {
	python3 - "$@" <<'PY'
import calendar, re, sys, time
body = open(sys.argv[1]).read()
m = re.search(r"<Expiration>(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?Z</Expiration>", body)
left = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")) - time.time() if m else -1e9
sys.exit(not float(sys.argv[2]) <= left <= float(sys.argv[3]))
PY
}

for bad in 12345 1234567 12345a " 12345" ""; do
	code=$(assume "$bad" "$TMP/bad.xml")
	if [ -z "$bad" ]; then
		# an empty TokenCode is not 6 digits either
		check "an empty TokenCode is refused with 400" test "$code" = 400
		continue
	fi
	check "TokenCode \"$bad\" is refused with 400" test "$code" = 400
	contains "as a ValidationError" "$TMP/bad.xml" "<Code>ValidationError</Code>"
	contains "naming tokenCode's constraint" "$TMP/bad.xml" "at 'tokenCode' failed to satisfy constraint"
	lacks "without repeating the code" "$TMP/bad.xml" "Value '$bad'"
done
check "a 6-digit code is accepted" test "$(assume 424242 "$TMP/ok.xml")" = 200
contains "with credentials" "$TMP/ok.xml" "<AccessKeyId>"
check "moto's hour by default" expires_within "$TMP/ok.xml" 3000 3700
# the five bad codes stop at the sandbox's request validation (validate.py), as at STS's
SB_REFUSED_ON_PURPOSE=5
check "every code that passed validation is recorded, in order" test "$(recorded)" = "424242"
sandbox_ctl sso '{"assume_role_expires_in": 60}'
assume 131313 "$TMP/short.xml" >/dev/null
check "assume_role_expires_in: the credentials expire that soon" expires_within "$TMP/short.xml" 30 61
sandbox_ctl sso '{"assume_role_expires_in": null}'
assume 141414 "$TMP/long.xml" >/dev/null
check "null: moto's hour again" expires_within "$TMP/long.xml" 3000 3700
finish

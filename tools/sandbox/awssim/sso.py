"""IAM Identity Center and web identity: the SSO portal's GetRoleCredentials, SSO-OIDC's
CreateToken (refresh_token grant) and STS AssumeRoleWithWebIdentity. These calls are
unsigned (a bearer token or a web identity token is the proof), so they are told apart by
path and action, not by the SigV4 scope. Tests register the tokens and role credentials
that are valid with POST /_sandbox/sso; nothing is valid until then.

Shapes from the AWS API references: SSO (REST-JSON, UnauthorizedException 401,
ForbiddenException 403 with an x-amzn-ErrorType header), SSO-OIDC (REST-JSON,
InvalidGrantException 400 {"error", "error_description"}), STS (Query XML,
InvalidIdentityToken / ExpiredTokenException 400)."""

import json
import re
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlsplit

from .wire import ApiError, Response, el, iso, request_id

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ACCESS_TOKEN_TTL = 8 * 3600  # what the CLI's sessions get


def _rest_error(status, code, body):
    return Response(status, json.dumps(body), [("Content-Type", "application/json"),
                                               ("x-amzn-ErrorType", code),
                                               ("x-amzn-RequestId", request_id())])


def _sts_error(code, message):
    body = (f'<ErrorResponse xmlns="{STS_NS}"><Error><Type>Sender</Type>{el("Code", code)}'
            f'{el("Message", message)}</Error><RequestId>{request_id()}</RequestId>'
            f"</ErrorResponse>")
    return Response(400, body, [("Content-Type", "text/xml")])


class Sso:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.access_tokens = {}     # token -> expiry (epoch s)
        self.refresh_tokens = {}    # token -> client id
        self.role_credentials = {}  # "account/role" -> {accessKeyId, secretAccessKey, sessionToken}
        self.web_tokens = {}        # token -> "valid" | "expired"
        # what was asked, never a token: tests check calls were (or were not) made
        self.calls = []
        # AssumeRole's credentials expire this many seconds after the call (None: moto's
        # hour), to reach a client's refresh without waiting for it
        self.assume_role_expires_in = None

    def configure(self, data):
        """POST /_sandbox/sso: {"reset": true, "access_tokens": {"tok": ttl_s},
        "refresh_tokens": {"rt": "client-id"}, "revoke_refresh_tokens": ["rt"],
        "role_credentials": {"123456789012/Admin": {...}}, "web_identity_tokens":
        {"jwt": "valid" | "expired"}, "assume_role_expires_in": seconds | null}"""
        known = {"reset", "access_tokens", "refresh_tokens", "revoke_refresh_tokens",
                 "role_credentials", "web_identity_tokens", "assume_role_expires_in"}
        if set(data) - known:
            raise ValueError(f"unknown key(s): {', '.join(sorted(set(data) - known))}")
        now = time.time()
        with self.lock:
            if data.get("reset"):
                self.reset()
            for tok, ttl in data.get("access_tokens", {}).items():
                self.access_tokens[tok] = now + float(ttl)
            self.refresh_tokens.update(data.get("refresh_tokens", {}))
            for tok in data.get("revoke_refresh_tokens", []):
                self.refresh_tokens.pop(tok, None)
            for key, creds in data.get("role_credentials", {}).items():
                if set(creds) != {"accessKeyId", "secretAccessKey", "sessionToken"}:
                    raise ValueError("role credentials need accessKeyId, secretAccessKey and "
                                     "sessionToken")
                self.role_credentials[key] = dict(creds)
            if "assume_role_expires_in" in data:
                ttl = data["assume_role_expires_in"]
                self.assume_role_expires_in = None if ttl is None else float(ttl)
            for tok, state in data.get("web_identity_tokens", {}).items():
                if state not in ("valid", "expired"):
                    raise ValueError("a web identity token is \"valid\" or \"expired\"")
                self.web_tokens[tok] = state

    def state(self):
        with self.lock:
            return {"calls": list(self.calls), "access_tokens": len(self.access_tokens),
                    "refresh_tokens": len(self.refresh_tokens)}

    def handle(self, method, target, headers, body):
        """The reply when the request is one of ours, else None."""
        split = urlsplit(target)
        if method == "GET" and split.path == "/federation/credentials":
            return self._role_credentials(dict(parse_qsl(split.query)), headers)
        if method == "POST" and split.path == "/token":
            return self._create_token(body)
        if (method == "POST" and not headers.get("Authorization")
                and b"Action=AssumeRoleWithWebIdentity" in body):
            return self._web_identity(dict(parse_qsl(body.decode("utf-8", "replace"))))
        return None

    def _role_credentials(self, query, headers):
        token = headers.get("x-amz-sso_bearer_token", "")
        key = f"{query.get('account_id', '')}/{query.get('role_name', '')}"
        with self.lock:
            self.calls.append({"op": "GetRoleCredentials", "role": key})
            expiry = self.access_tokens.get(token)
            if expiry is None or expiry <= time.time():
                return _rest_error(401, "UnauthorizedException",
                                   {"message": "Session token not found or invalid"})
            creds = self.role_credentials.get(key)
            if creds is None:
                return _rest_error(403, "ForbiddenException", {"message": "No access"})
            reply = dict(creds, expiration=int((time.time() + 3600) * 1000))
        return Response(200, json.dumps({"roleCredentials": reply}),
                        [("Content-Type", "application/json")])

    def _create_token(self, body):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            req = {}
        with self.lock:
            self.calls.append({"op": "CreateToken", "grantType": req.get("grantType")})
            if req.get("grantType") != "refresh_token":
                return _rest_error(400, "UnsupportedGrantTypeException",
                                   {"error": "unsupported_grant_type"})
            client = self.refresh_tokens.get(req.get("refreshToken", ""))
            if client is None or client != req.get("clientId"):
                return _rest_error(400, "InvalidGrantException",
                                   {"error": "invalid_grant",
                                    "error_description": "Invalid refresh token provided"})
            # the refresh token rotates, as IAM Identity Center's do
            del self.refresh_tokens[req["refreshToken"]]
            access, refresh = "at-" + secrets.token_hex(16), "rt-" + secrets.token_hex(16)
            self.access_tokens[access] = time.time() + ACCESS_TOKEN_TTL
            self.refresh_tokens[refresh] = client
        return Response(200, json.dumps({"accessToken": access, "tokenType": "Bearer",
                                         "expiresIn": ACCESS_TOKEN_TTL,
                                         "refreshToken": refresh}),
                        [("Content-Type", "application/json")])

    def _web_identity(self, params):
        arn, session = params.get("RoleArn", ""), params.get("RoleSessionName", "")
        with self.lock:
            self.calls.append({"op": "AssumeRoleWithWebIdentity", "role": arn,
                               "session": session})
            state = self.web_tokens.get(params.get("WebIdentityToken", ""))
        if state is None:
            return _sts_error("InvalidIdentityToken", "Couldn't verify the web identity token")
        if state == "expired":
            return _sts_error("ExpiredTokenException", "Token expired")
        account, _, role = arn.partition(":role/")
        account = account.rpartition(":")[2]
        key_id = "ASIA" + secrets.token_hex(8).upper()
        result = (f"<Credentials>{el('AccessKeyId', key_id)}"
                  f"{el('SecretAccessKey', secrets.token_hex(20))}"
                  f"{el('SessionToken', secrets.token_hex(32))}"
                  f"{el('Expiration', iso(time.time() + 3600))}</Credentials>"
                  f"<AssumedRoleUser>{el('Arn', f'arn:aws:sts::{account}:assumed-role/{role}/{session}')}"
                  f"{el('AssumedRoleId', 'AROA' + secrets.token_hex(8).upper() + ':' + session)}"
                  f"</AssumedRoleUser>")
        body = (f'<AssumeRoleWithWebIdentityResponse xmlns="{STS_NS}">'
                f"<AssumeRoleWithWebIdentityResult>{result}</AssumeRoleWithWebIdentityResult>"
                f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata>"
                f"</AssumeRoleWithWebIdentityResponse>")
        return Response(200, body, [("Content-Type", "text/xml")])

    def expire_assumed_role(self, resp, now):
        """moto's AssumeRole reply with its Expiration brought forward when a test asked."""
        with self.lock:
            ttl = self.assume_role_expires_in
        if ttl is None or resp.status != 200:
            return resp
        resp.body = re.sub(rb"<Expiration>[^<]*</Expiration>",
                           f"<Expiration>{iso(now + ttl)}</Expiration>".encode(), resp.body)
        return resp

    def note_assume_role(self, req):
        """AssumeRole goes on to moto; this records whether an MFA code came with it, and
        which (a TOTP code is spent once used: tests check the one typed was sent). A
        TokenCode that is not 6 digits is refused as STS refuses it: the API reference
        gives TokenCode "Length Constraints: Fixed length of 6. Pattern: [\\d]*" (AWS STS
        API Reference, AssumeRole; the SDKs: "a sequence of six numeric digits")."""
        code = req.params.get("TokenCode")
        with self.lock:
            self.calls.append({"op": "AssumeRole", "role": req.params.get("RoleArn", ""),
                               "mfa_serial": req.params.get("SerialNumber"),
                               "token_code_given": bool(code), "token_code": code})
        if code is not None and not (len(code) == 6 and code.isascii() and code.isdigit()):
            # the value is left out of the message: it is a credential
            raise ApiError(400, "ValidationError",
                           "1 validation error detected: Value at 'tokenCode' failed to "
                           "satisfy constraint: Member must have length 6 and satisfy "
                           "regular expression pattern: [\\d]*")

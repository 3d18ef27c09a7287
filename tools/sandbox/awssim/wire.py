"""AWS wire formats the sandbox answers itself.

Requests are routed by the SigV4 credential scope (as moto does); replies and
errors take the shape of each protocol: Query (XML, <ErrorResponse>), EC2 (XML,
<Response><Errors>), JSON 1.1 ({"__type", "message"}) and REST-XML (<Error>).
"""

import datetime
import json
import re
import secrets
import uuid
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

CFN_NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_QUERY_NS = {
    "cloudformation": CFN_NS,
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
_PROTOCOLS = {"ec2": "ec2", "ssm": "json", "logs": "json", "s3": "rest-xml",
              "servicequotas": "json",
              "cloudformation": "query", "iam": "query", "sts": "query"}
_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_TARGET_SERVICES = {"AmazonSSM": "ssm", "Logs_20140328": "logs",
                    "ServiceQuotasV20190624": "servicequotas"}
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"


class ApiError(Exception):
    """An AWS error reply; `sender` picks <Type>Sender</Type> vs Receiver."""

    def __init__(self, status, code, message, sender=True):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.sender = sender


class Response:
    def __init__(self, status, body=b"", headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode()
        self.headers = headers or []


class Request:
    """One HTTP request with what routing needs: service, region, action, params."""

    def __init__(self, method, target, headers, body):
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        split = urlsplit(target)
        self.path = split.path
        self.query = split.query
        self.service, self.region, self.access_key = _scope(headers, split.query)
        self.protocol = self._protocol()
        self.action = ""
        self.params = {}
        if self.protocol == "json":
            self.action = headers.get("X-Amz-Target", "").rpartition(".")[2]
        elif self.protocol in ("query", "ec2"):
            self.params = dict(parse_qsl(self.query, keep_blank_values=True))
            if "x-www-form-urlencoded" in headers.get("Content-Type", ""):
                self.params.update(parse_qsl(body.decode("utf-8", "replace"),
                                             keep_blank_values=True))
            self.action = self.params.get("Action", "")

    def _protocol(self):
        if self.service in _PROTOCOLS:
            return _PROTOCOLS[self.service]
        if self.headers.get("X-Amz-Target"):
            return "json"
        if b"Action=" in self.body or "Action=" in self.query:
            return "query"
        return "rest-xml"

    def body_json(self):
        """The JSON 1.1 body, or a SerializationException like AWS."""
        try:
            data = json.loads(self.body or b"{}")
        except ValueError as exc:
            raise ApiError(400, "SerializationException", str(exc)) from None
        if not isinstance(data, dict):
            raise ApiError(400, "SerializationException", "Expected a JSON object")
        return data


def _scope(headers, query):
    """(service, region, access key id) from the Authorization header or a presigned URL."""
    match = _SCOPE.search(headers.get("Authorization", ""))
    if not match:
        credential = dict(parse_qsl(query)).get("X-Amz-Credential", "")
        match = _SCOPE.search("Credential=" + credential)
    if match:
        return match.group(3), match.group(2), match.group(1)
    prefix = headers.get("X-Amz-Target", "").partition(".")[0]
    return _TARGET_SERVICES.get(prefix, ""), "us-east-1", ""


def request_id():
    return str(uuid.uuid4())


def s3_request_id():
    """S3 and the CloudFormation reasons that quote S3 use 16 upper-case characters."""
    return secrets.token_hex(8).upper()


def iso(ts):
    """Epoch seconds -> the millisecond ISO 8601 form Query and EC2 replies use."""
    moment = datetime.datetime.fromtimestamp(ts, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(text):
    """An ISO 8601 timestamp as the CLI sends it -> epoch seconds (None if malformed)."""
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def el(tag, value):
    """One XML element, or nothing for None; booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def members(params, prefix):
    """Values of a Query list (`prefix.1`, `prefix.2`, ...) in index order."""
    found = {}
    for key, value in params.items():
        head, dot, index = key.rpartition(".")
        if dot and head == prefix and index.isdigit():
            found[int(index)] = value
    return [found[i] for i in sorted(found)]


def structs(params, prefix):
    """Query list of structures (`prefix.N.Field...`) -> list of {Field...: value}."""
    found = {}
    for key, value in params.items():
        if not key.startswith(prefix + "."):
            continue
        index, _, rest = key[len(prefix) + 1:].partition(".")
        if index.isdigit() and rest:
            found.setdefault(int(index), {})[rest] = value
    return [found[i] for i in sorted(found)]


def query_ok(service, action, result_xml):
    """A Query-protocol success reply: <ActionResponse><ActionResult>...</ActionResult>."""
    ns = _QUERY_NS.get(service, "")
    xmlns = f' xmlns="{ns}"' if ns else ""
    body = (f'<{action}Response{xmlns}><{action}Result>{result_xml}</{action}Result>'
            f"<ResponseMetadata><RequestId>{request_id()}</RequestId></ResponseMetadata>"
            f"</{action}Response>")
    return Response(200, body, [("Content-Type", "text/xml")])


def ec2_ok(action, inner_xml):
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{EC2_NS}">'
            f"<requestId>{request_id()}</requestId>{inner_xml}</{action}Response>")
    return Response(200, body, [("Content-Type", "text/xml;charset=UTF-8")])


def json_ok(data):
    return Response(200, json.dumps(data),
                    [("Content-Type", JSON_CONTENT_TYPE), ("x-amzn-RequestId", request_id())])


def error_response(req, err):
    """Render an ApiError in the protocol the request used."""
    rid = request_id()
    if req.protocol == "json":
        body = json.dumps({"__type": err.code, "message": err.message})
        return Response(err.status, body, [("Content-Type", JSON_CONTENT_TYPE),
                                           ("x-amzn-RequestId", rid),
                                           ("x-amzn-ErrorType", err.code)])
    if req.protocol == "ec2":
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
                f"{el('Code', err.code)}{el('Message', err.message)}</Error></Errors>"
                f"<RequestID>{rid}</RequestID></Response>")
    elif req.protocol == "query":
        ns = _QUERY_NS.get(req.service, "")
        xmlns = f' xmlns="{ns}"' if ns else ""
        kind = "Sender" if err.sender else "Receiver"
        body = (f"<ErrorResponse{xmlns}><Error><Type>{kind}</Type>"
                f"{el('Code', err.code)}{el('Message', err.message)}</Error>"
                f"<RequestId>{rid}</RequestId></ErrorResponse>")
    else:
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
                f"{el('Code', err.code)}{el('Message', err.message)}"
                f"<RequestId>{s3_request_id()}</RequestId><HostId>{rid}</HostId></Error>")
    return Response(err.status, body, [("Content-Type", "application/xml"),
                                       ("x-amzn-RequestId", rid)])


def throttling_error(req):
    """Each service's own throttling error: EC2 answers 503 RequestLimitExceeded (the
    code and status botocore's retry rules key on), S3 503 SlowDown, the others 400."""
    if req.protocol == "ec2":
        return ApiError(503, "RequestLimitExceeded", "Request limit exceeded.")
    if req.protocol == "json":
        return ApiError(400, "ThrottlingException", "Rate exceeded")
    if req.protocol == "query":
        return ApiError(400, "Throttling", "Rate exceeded")
    return ApiError(503, "SlowDown", "Please reduce your request rate.")


def server_error(req, status):
    """A transient 500 or 503 in the request's protocol."""
    if status == 503:
        code = {"ec2": "Unavailable", "rest-xml": "ServiceUnavailable"}.get(
            req.protocol, "ServiceUnavailable")
        return ApiError(503, code, "Service is unavailable. Please try again.", sender=False)
    code = {"ec2": "InternalError", "rest-xml": "InternalError",
            "json": "InternalServerError"}.get(req.protocol, "InternalFailure")
    return ApiError(500, code, "We encountered an internal error. Please try again.",
                    sender=False)

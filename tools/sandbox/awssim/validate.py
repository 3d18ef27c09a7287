"""Request validation against botocore's service models: what AWS refuses before it acts.

moto accepts much that AWS refuses (unknown parameters, missing required members, values
out of range, names that break a pattern, enums it never heard of). AWS validates every
request against the operation's input shape first; the same shapes ship with botocore (the
AWS CLI's library, installed next to the sandbox), so the sandbox checks each request it
receives against them before it routes it (to its own simulators or to moto), and answers
the refusal in the request's protocol:

- EC2 (protocol ec2): <Response><Errors> with UnknownParameter, MissingParameter,
  InvalidParameterValue, InvalidAction. Codes and their meaning: "Error codes for the Amazon
  EC2 API", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
  ("UnknownParameter: An unknown or unrecognized parameter was supplied", "MissingParameter:
  The request is missing a required parameter", "InvalidParameterValue: A value specified in
  a parameter is not valid, is unsupported, or cannot be used").
- Query (CloudFormation, STS, IAM): <ErrorResponse> ValidationError with Coral's
  "1 validation error detected: Value 'x' at 'stackName' failed to satisfy constraint:
  Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"
  (the text CloudFormation answers, quoted in serverless/serverless#2036 and
  humanmade/cf-to-tf#5; "Member must not be null" for a missing member, ibid.; "Member must
  have length less than or equal to 51200", ansible/ansible#48080). An unknown action is
  InvalidAction ("The action or operation requested is invalid. Verify that the action is
  typed correctly.", "Common Errors" of every Query API reference, e.g.
  https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html).
- JSON 1.0/1.1 (SSM, Logs, Service Quotas): {"__type": "ValidationException"} with the same
  Coral text (e.g. awslabs/aws-transit-vpc#32 quotes Lambda's
  "1 validation error detected: Value '...' at 'code.s3Bucket' failed to satisfy constraint:
  Member must satisfy regular expression pattern: ... Error Code: ValidationException"); a
  value of the wrong JSON type is SerializationException; an unknown X-Amz-Target is
  UnknownOperationException.
- The unsigned calls (check_unsigned): STS AssumeRoleWithWebIdentity as Query above; the
  IAM Identity Center portal's GetRoleCredentials and SSO-OIDC's CreateToken (REST-JSON:
  members from the querystring, headers and body by their `location`) answer
  InvalidRequestException, 400 (the error both API references list for "Indicates that
  something is wrong with the input to the request": https://docs.aws.amazon.com/
  singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html and
  https://docs.aws.amazon.com/singlesignon/latest/OIDCAPIReference/API_CreateToken.html);
  OIDC words it as OAuth does, {"error": "invalid_request", "error_description"}.
- REST-XML (S3) is not checked: botocore's S3 model is looser than S3 in places and
  stricter in others (S3 takes keys and headers the model does not describe), so refusing
  from it would refuse what S3 accepts.

Patterns are Java regular expressions matched against the whole value (Coral's
Pattern.matches: "serverlessTest.-dev" fails "[a-zA-Z][-a-zA-Z0-9]*|..." although a prefix
matches); a pattern Python cannot compile (\\p{...} classes), or one with an anchor in its
middle that nothing can match (botocore's PlacementGroupArn), is not checked.

Unknown members of a JSON body: some JSON services ignore them, some refuse them; a member
the model does not know is never what the caller meant (a misspelt MaxResults is silently a
default page), so the sandbox refuses it as a ValidationException naming the member.
"""

import base64
import json
import re
import threading
import types
from urllib.parse import parse_qsl, urlsplit

from .wire import ApiError, Response, error_response, parse_iso, request_id

# SigV4 scope service -> botocore's model name (the rest are the same)
_MODEL_NAMES = {"servicequotas": "service-quotas", "awsssoportal": "sso",
                "sso-oauth": "sso-oidc", "monitoring": "cloudwatch", "email": "ses"}
# Query parameters that are the envelope, not the operation's input
_ENVELOPE = {"Action", "Version"}
_QUERY_PROTOCOLS = ("query", "ec2")
_JSON_PROTOCOLS = ("json",)
_MAX_ERRORS = 10  # Coral lists every failed member; keep the message bounded

# Constraints AWS documents and enforces that botocore's models leave out, per
# (service, input shape, member). CloudFormation's StackName shape carries no constraint in
# botocore, but CreateStack's reference says "A stack name can contain only alphanumeric
# characters (case sensitive) and hyphens. It must start with an alphabetic character and
# can't be longer than 128 characters." (https://docs.aws.amazon.com/AWSCloudFormation/
# latest/APIReference/API_CreateStack.html), and the other operations answer "Member must
# satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*"
# (humanmade/cf-to-tf#5, serverless/serverless#2036). TemplateBody's 51,200 bytes are
# template_source.py's (with TemplateURL's limits).
# Enums that grow with every launch: a botocore older than the sandbox's clients would
# refuse what AWS accepts (EC2 answers an unknown instance type itself, per operation).
_OPEN_ENUMS = {("ec2", "InstanceType")}
# Members whose value is a credential: a refusal names the member, never the value (the
# sandbox's stderr and replies carry no secret; sso.py words a bad TokenCode the same way).
_SECRET_MEMBERS = {"tokencode", "secretaccesskey", "sessiontoken", "webidentitytoken",
                   "clientsecret", "refreshtoken", "accesstoken", "password", "code",
                   "codeverifier", "devicecode"}
_HIDDEN = object()  # stands for a value left out of the message
_CFN_NAME = {"pattern": "[a-zA-Z][-a-zA-Z0-9]*", "min": 1, "max": 128}
_CFN_NAME_OR_ID = {"pattern": "[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*", "min": 1}
_OVERLAY = {
    "cloudformation": [
        ("CreateStackInput", "StackName", _CFN_NAME),
    ] + [(shape, "StackName", _CFN_NAME_OR_ID) for shape in (
        "DescribeStacksInput", "DeleteStackInput", "DescribeStackEventsInput",
        "DescribeStackResourcesInput", "DescribeStackResourceInput",
        "ListStackResourcesInput", "UpdateStackInput", "GetTemplateInput")],
}



def _anchor_inside(pattern):
    """A ^ or $ in the middle of a pattern (outside a character class): botocore's models
    carry some that nothing can match, e.g. CreateCapacityReservation's PlacementGroupArn
    "^arn:aws([a-z-]+)?:ec2:[a-z\\d-]+:\\d{12}:placement-group/^.{1,255}$", which AWS
    itself does not apply to real ARNs. Such a pattern is not checked, like one Python
    cannot compile."""
    body = re.sub(r"\\.", "", pattern)          # escaped characters
    body = re.sub(r"\[[^\]]*\]", "", body)      # character classes
    body = body.replace("(", "").replace(")", "")
    # each alternative may start with ^ and end with $ ("(^i-...$)|(^mi-...$)" is fine)
    return any("^" in alt[1:] or "$" in alt[:-1] for alt in body.split("|"))

class _Model:
    """One service's shapes, with the derived lookups each request needs cached."""

    def __init__(self, raw):
        self.raw = raw
        self.protocol = raw["metadata"]["protocol"]
        self.version = raw["metadata"].get("apiVersion", "")
        self.target_prefix = raw["metadata"].get("targetPrefix", "")
        self.shapes = raw["shapes"]
        self.operations = raw["operations"]
        self._wire = {}     # shape name -> {wire name: member name}
        self._regex = {}    # pattern -> compiled (None: cannot compile)
        for shape_name, member, constraints in _OVERLAY.get(raw["metadata"].get(
                "endpointPrefix"), []):
            refs = self.shapes.get(shape_name, {}).get("members", {})
            if member in refs:
                ref = refs[member]
                name = f"{ref['shape']}@{shape_name}"
                self.shapes[name] = {**self.shapes[ref["shape"]], **constraints}
                refs[member] = {**ref, "shape": name}

    def wire_names(self, shape_name):
        """A structure's members as they appear in a Query/EC2 request."""
        names = self._wire.get(shape_name)
        if names is None:
            names = {}
            for member, ref in self.shapes[shape_name].get("members", {}).items():
                names[self._wire_name(member, ref)] = member
            self._wire[shape_name] = names
        return names

    def _wire_name(self, member, ref):
        shape = self.shapes[ref["shape"]]
        if self.protocol == "ec2":  # botocore's EC2Serializer._get_serialized_name
            if "queryName" in ref:
                return ref["queryName"]
            name = ref.get("locationName") or shape.get("locationName")
            return name[0].upper() + name[1:] if name else member
        name = ref.get("locationName", member)
        if shape.get("type") == "list" and shape.get("flattened"):
            # a flattened list is written under its members' name when they have one
            name = shape["member"].get("locationName", name)
        return name

    def regex(self, pattern):
        if pattern not in self._regex:
            try:
                self._regex[pattern] = None if _anchor_inside(pattern) else re.compile(
                    f"(?:{pattern})", re.DOTALL)
            except re.error:
                self._regex[pattern] = None
        return self._regex[pattern]


# The code a JSON service gives its constraint refusals. CloudWatch Logs answers them as
# InvalidParameterException with the usual "1 validation error detected: ..." text (moto
# models it so for DescribeLogStreams' limit, as observed); the others ValidationException.
_JSON_VALIDATION_CODE = {"logs": "InvalidParameterException"}


class _Problems:
    """What is wrong with one request, worded for the protocol that answers it."""

    def __init__(self, protocol, service=""):
        self.protocol = protocol
        self.service = service
        self.unknown = []      # wire names of parameters the operation does not have
        self.missing = []      # paths of required members absent
        self.invalid = []      # (path, value, constraint text)
        self.type_errors = []  # (path, value, expected type)

    def __bool__(self):
        return bool(self.unknown or self.missing or self.invalid or self.type_errors)


def _path(parent, name):
    """Coral's member path: lower camel names, list members as 'tags.1.member'."""
    name = name[0].lower() + name[1:] if name else name
    return f"{parent}.{name}" if parent else name


def _tree(params):
    """Flat Query keys ('Filter.1.Name') -> nested {'Filter': {'1': {'Name': {None: v}}}};
    the value of a node is kept under the None key."""
    root = {}
    for key, value in params.items():
        node = root
        for part in key.split("."):
            node = node.setdefault(part, {})
        node[None] = value
    return root


class Validator:
    """Checks requests; thread-safe; counts refusals per operation."""

    def __init__(self, enabled=True):
        self.enabled = enabled
        self.lock = threading.Lock()
        self._models = {}
        self.checked = 0
        self.refused = {}  # "service:Action" -> count
        self.last = []     # the last few refusals (code, message), newest last

    # -- models --------------------------------------------------------------------

    def model(self, service):
        """The service's model, loaded once (None if botocore has none)."""
        name = _MODEL_NAMES.get(service, service)
        with self.lock:
            if name in self._models:
                return self._models[name]
        try:
            from botocore.loaders import create_loader
            raw = create_loader().load_service_model(name, "service-2")
            model = _Model(raw)
        except Exception:  # noqa: BLE001 - unknown service or no botocore: not checked
            model = None
        with self.lock:
            self._models[name] = model
        return model

    # -- entry point ----------------------------------------------------------------

    def check(self, req):
        """Raise ApiError when AWS would refuse req; return quietly otherwise."""
        if not self.enabled or not req.service:
            return
        if req.protocol not in _QUERY_PROTOCOLS + _JSON_PROTOCOLS:
            return
        model = self.model(req.service)
        if model is None:
            return
        try:
            if req.protocol in _QUERY_PROTOCOLS:
                self._check_query(model, req)
            else:
                self._check_json(model, req)
        except ApiError as err:
            self._count(req, err)
            raise
        with self.lock:
            self.checked += 1

    def check_unsigned(self, method, target, headers, body):
        """The refusal (a Response) of an unsigned SSO/OIDC/web identity call AWS would
        refuse, else None (also for every other request: those go through check())."""
        if not self.enabled:
            return None
        split = urlsplit(target)
        if method == "GET" and split.path == "/federation/credentials":
            return self._rest_json("sso", "GetRoleCredentials", split.query, headers, body)
        if method == "POST" and split.path == "/token":
            return self._rest_json("sso-oidc", "CreateToken", split.query, headers, body)
        if (method == "POST" and not headers.get("Authorization")
                and b"Action=AssumeRoleWithWebIdentity" in body):
            req = types.SimpleNamespace(
                service="sts", protocol="query", action="AssumeRoleWithWebIdentity",
                params=dict(parse_qsl(body.decode("utf-8", "replace"),
                                      keep_blank_values=True)))
            model = self.model("sts")
            try:
                if model is not None:
                    self._check_query(model, req)
            except ApiError as err:
                self._count(req, err)
                return error_response(req, err)
            with self.lock:
                self.checked += 1
        return None

    def _rest_json(self, service, action, query, headers, body):
        model = self.model(service)
        if model is None:
            return None
        shape_name = model.operations[action]["input"]["shape"]
        shape = model.shapes[shape_name]
        values = {}
        params = dict(parse_qsl(query, keep_blank_values=True))
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            data = None
        problems = _Problems("rest-json")
        if not isinstance(data, dict):
            problems.type_errors.append(("", body[:200].decode("utf-8", "replace"),
                                         "a JSON object"))
            data = {}
        body_members = set()
        for member, ref in shape.get("members", {}).items():
            where, name = ref.get("location"), ref.get("locationName", member)
            if where == "querystring" and name in params:
                values[member] = params[name]
            elif where == "header" and headers.get(name) is not None:
                values[member] = headers.get(name)
            elif where is None:
                body_members.add(member)
                if member in data:
                    values[member] = data[member]
        problems.unknown.extend(sorted(set(data) - body_members))
        self._j_value(model, shape_name, values, "", problems)
        if not problems:
            with self.lock:
                self.checked += 1
            return None
        err = self._error(problems)
        err.code = "InvalidRequestException"
        self._count(types.SimpleNamespace(service=service, action=action), err)
        payload = {"message": err.message}
        if service == "sso-oidc":
            payload = {"error": "invalid_request", "error_description": err.message}
        return Response(400, json.dumps(payload), [("Content-Type", "application/json"),
                                                   ("x-amzn-ErrorType", err.code),
                                                   ("x-amzn-RequestId", request_id())])

    def _count(self, req, err):
        with self.lock:
            key = f"{req.service}:{req.action or '?'}"
            self.refused[key] = self.refused.get(key, 0) + 1
            self.last = (self.last + [{"operation": key, "code": err.code,
                                       "message": err.message}])[-20:]

    def summary(self):
        with self.lock:
            return {"enabled": self.enabled, "checked": self.checked,
                    "refused": dict(self.refused),
                    "refused_total": sum(self.refused.values()), "last": list(self.last)}

    def reset_counts(self):
        with self.lock:
            self.checked = 0
            self.refused = {}
            self.last = []

    # -- Query and EC2 -----------------------------------------------------------------

    def _check_query(self, model, req):
        action = req.action
        if not action:
            raise ApiError(400, "MissingAction", "The request must contain the parameter "
                                                 "Action.")  # Common Errors: MissingAction
        op = model.operations.get(action)
        if op is None:
            if req.protocol == "ec2":
                raise ApiError(400, "InvalidAction",
                               f"The action {action} is not valid for this web service.")
            raise ApiError(400, "InvalidAction", f"Could not find operation {action} for "
                                                 f"version {model.version}")
        params = {k: v for k, v in req.params.items()
                  if k not in _ENVELOPE and not k.startswith("X-Amz-")}
        problems = _Problems(req.protocol)
        shape = op.get("input", {}).get("shape")
        tree = _tree(params)
        if shape:
            self._q_structure(model, shape, tree, "", "", problems)
        else:
            problems.unknown.extend(sorted(params))
        if problems:
            raise self._error(problems)

    def _q_node(self, model, shape_name, node, wire, path, problems):
        kind = model.shapes[shape_name]["type"]
        if kind == "structure":
            if None in node and node[None] != "" and len(node) == 1:
                problems.type_errors.append((path, node[None], "structure"))
                return
            self._q_structure(model, shape_name, node, wire, path, problems)
        elif kind == "list":
            self._q_list(model, shape_name, node, wire, path, problems)
        elif kind == "map":
            self._q_map(model, shape_name, node, wire, path, problems)
        else:
            children = [k for k in node if k is not None]
            if children:
                problems.unknown.extend(f"{wire}.{k}" for k in sorted(children))
            if None in node:
                where = wire if model.protocol == "ec2" else path  # EC2 names the key
                self._scalar(model, shape_name, _query_scalar(kind, node[None]), node[None],
                             where, problems)

    def _q_structure(self, model, shape_name, node, wire, path, problems):
        shape = model.shapes[shape_name]
        names = model.wire_names(shape_name)
        present = set()
        for key in sorted(k for k in node if k is not None):
            member = names.get(key)
            full = f"{wire}.{key}" if wire else key
            if member is None:
                problems.unknown.append(full)
                continue
            present.add(member)
            ref = shape["members"][member]
            self._q_node(model, ref["shape"], node[key], full, _path(path, member), problems)
        for member in shape.get("required", []):
            if member not in present:
                problems.missing.append((_path(path, member),
                                         _wire_key(model, shape_name, member, wire)))

    def _q_list(self, model, shape_name, node, wire, path, problems):
        shape = model.shapes[shape_name]
        items = node
        base = wire
        if model.protocol == "query" and not shape.get("flattened"):
            member_name = shape["member"].get("locationName", "member")
            extra = [k for k in node if k not in (None, member_name)]
            problems.unknown.extend(f"{wire}.{k}" for k in sorted(extra))
            items = node.get(member_name, {})
            base = f"{wire}.{member_name}"
        indices = [k for k in items if k is not None]
        bad = [k for k in indices if not k.isdigit() or k.startswith("0")]
        problems.unknown.extend(f"{base}.{k}" for k in sorted(bad))
        good = sorted((int(k) for k in indices if k not in bad))
        for i in good:
            self._q_node(model, shape["member"]["shape"], items[str(i)], f"{base}.{i}",
                         f"{path}.{i}.member", problems)
        self._size(shape, len(good), wire if model.protocol == "ec2" else path, "[...]",
                   problems)

    def _q_map(self, model, shape_name, node, wire, path, problems):
        shape = model.shapes[shape_name]
        entries = node if shape.get("flattened") else node.get("entry", {})
        key_name = shape["key"].get("locationName", "key")
        value_name = shape["value"].get("locationName", "value")
        count = 0
        for index in sorted(k for k in entries if k is not None):
            entry = entries[index]
            count += 1
            for part, ref in ((key_name, shape["key"]), (value_name, shape["value"])):
                if part in entry:
                    self._q_node(model, ref["shape"], entry[part], f"{wire}.{index}.{part}",
                                 f"{path}.{index}.{part}", problems)
        self._size(shape, count, path or wire, "{...}", problems)

    # -- JSON -------------------------------------------------------------------------

    def _check_json(self, model, req):
        target = req.headers.get("X-Amz-Target", "")
        prefix, _, action = target.rpartition(".")
        op = model.operations.get(action)
        if op is None or (model.target_prefix and prefix != model.target_prefix):
            # the __type AWS JSON services answer for a target they do not have
            raise ApiError(400, "UnknownOperationException", "")
        body = req.body_json()
        problems = _Problems("json", req.service)
        shape = op.get("input", {}).get("shape")
        if shape:
            self._j_value(model, shape, body, "", problems)
        elif body:
            problems.unknown.extend(sorted(body))
        if problems.type_errors:
            path, value, kind = problems.type_errors[0]
            # AWS JSON services fail to deserialise a value of the wrong JSON type
            raise ApiError(400, "SerializationException",
                           f"Value {_json_repr(value)} at '{path}' cannot be read as {kind}")
        if problems:
            raise self._error(problems)

    def _j_value(self, model, shape_name, value, path, problems):
        shape = model.shapes[shape_name]
        kind = shape["type"]
        if value is None:
            return  # JSON null: the member is absent
        if kind == "structure":
            if not isinstance(value, dict):
                problems.type_errors.append((path, value, "an object"))
                return
            members = shape.get("members", {})
            for key in sorted(value):
                if key not in members:
                    problems.unknown.append(f"{path}.{key}" if path else key)
                    continue
                self._j_value(model, members[key]["shape"], value[key], _path(path, key),
                              problems)
            for member in shape.get("required", []):
                if value.get(member) is None:
                    problems.missing.append((_path(path, member), member))
        elif kind == "list":
            if not isinstance(value, list):
                problems.type_errors.append((path, value, "a list"))
                return
            for i, item in enumerate(value, 1):
                self._j_value(model, shape["member"]["shape"], item, f"{path}.{i}.member",
                              problems)
            self._size(shape, len(value), path, value, problems)
        elif kind == "map":
            if not isinstance(value, dict):
                problems.type_errors.append((path, value, "an object"))
                return
            for key, item in value.items():
                self._j_value(model, shape["key"]["shape"], key, f"{path}.key", problems)
                self._j_value(model, shape["value"]["shape"], item, f"{path}.value", problems)
            self._size(shape, len(value), path, value, problems)
        else:
            self._scalar(model, shape_name, _json_scalar(kind, value), value, path, problems)

    # -- scalars and sizes ------------------------------------------------------------

    def _scalar(self, model, shape_name, parsed, raw, path, problems):
        """parsed: the typed value, or a type name (str) when raw is not of the type."""
        shape = model.shapes[shape_name]
        kind = shape["type"]
        if shape.get("sensitive") or str(path).rpartition(".")[2].lower() in _SECRET_MEMBERS:
            raw = _HIDDEN
            parsed = parsed if isinstance(parsed, _TypeMismatch) or kind != "string" else (
                _Secret(parsed))
        if isinstance(parsed, _TypeMismatch):
            problems.type_errors.append((path, raw, parsed.expected))
            return
        if kind == "string":
            shown = _HIDDEN if isinstance(parsed, _Secret) else parsed
            if "enum" in shape and parsed not in shape["enum"] and (
                    (model.protocol, shape_name) not in _OPEN_ENUMS):
                problems.invalid.append((path, shown, "Member must satisfy enum value set: "
                                         f"[{', '.join(shape['enum'])}]"))
                return
            self._size(shape, len(parsed), path, shown, problems)
            pattern = shape.get("pattern")
            regex = model.regex(pattern) if pattern else None
            if regex is not None and not regex.fullmatch(parsed):
                problems.invalid.append((path, shown, "Member must satisfy regular "
                                         f"expression pattern: {pattern}"))
        elif kind in ("integer", "long", "float", "double"):
            if "min" in shape and parsed < shape["min"]:
                problems.invalid.append((path, raw, "Member must have value greater than "
                                         f"or equal to {_num(shape['min'])}"))
            if "max" in shape and parsed > shape["max"]:
                problems.invalid.append((path, raw, "Member must have value less than or "
                                         f"equal to {_num(shape['max'])}"))
        elif kind == "blob":
            self._size(shape, len(parsed), path, raw, problems)

    @staticmethod
    def _size(shape, size, path, raw, problems):
        if "min" in shape and size < shape["min"]:
            problems.invalid.append((path, raw, "Member must have length greater than or "
                                     f"equal to {_num(shape['min'])}"))
        if "max" in shape and size > shape["max"]:
            problems.invalid.append((path, raw, "Member must have length less than or "
                                     f"equal to {_num(shape['max'])}"))

    # -- the refusal --------------------------------------------------------------------

    def _error(self, problems):
        if problems.protocol == "ec2":
            return _ec2_error(problems)
        items = []
        for path, value, constraint in problems.invalid:
            items.append(f"Value {_repr(value)} at '{path}' failed to satisfy constraint: "
                         f"{constraint}".replace("Value  at", "Value at"))
        for path, _wire in problems.missing:
            items.append(f"Value null at '{path}' failed to satisfy constraint: Member must "
                         "not be null")
        for path, value, kind in problems.type_errors:
            items.append(f"Value {_repr(value)} at '{path}' failed to satisfy constraint: "
                         f"Member must be {kind}".replace("Value  at", "Value at"))
        code = "ValidationError" if problems.protocol == "query" else _JSON_VALIDATION_CODE.get(
            problems.service, "ValidationException")
        if problems.unknown and not items:
            names = ", ".join(problems.unknown[:_MAX_ERRORS])
            return ApiError(400, code, f"Unknown parameter(s) for this operation: {names}")
        count = len(items)
        noun = "error" if count == 1 else "errors"
        text = "; ".join(items[:_MAX_ERRORS])
        if problems.unknown:
            text += f"; unknown parameter(s): {', '.join(problems.unknown[:_MAX_ERRORS])}"
        return ApiError(400, code, f"{count} validation {noun} detected: {text}")


class _Secret(str):
    """A credential's value: checked like any string, never shown."""


class _TypeMismatch:
    def __init__(self, expected):
        self.expected = expected


def _query_scalar(kind, text):
    """A Query string as the member's type, or a _TypeMismatch."""
    if kind == "string":
        return text
    if kind in ("integer", "long"):
        return int(text) if re.fullmatch(r"[-+]?\d+", text) else _TypeMismatch("an integer")
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            return _TypeMismatch("a number")
    if kind == "boolean":
        # Query booleans are written true/false (botocore's QuerySerializer)
        return text == "true" if text in ("true", "false") else _TypeMismatch("a boolean")
    if kind == "timestamp":
        if re.fullmatch(r"\d+(\.\d+)?", text) or parse_iso(text) is not None:
            return text
        return _TypeMismatch("a timestamp")
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError:
            return _TypeMismatch("base64 data")
    return text


def _json_scalar(kind, value):
    if kind == "string":
        return value if isinstance(value, str) else _TypeMismatch("a string")
    if kind in ("integer", "long"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return value if ok else _TypeMismatch("an integer")
    if kind in ("float", "double"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return value if ok else _TypeMismatch("a number")
    if kind == "boolean":
        return value if isinstance(value, bool) else _TypeMismatch("a boolean")
    if kind == "timestamp":
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)) or (
            isinstance(value, str) and parse_iso(value) is not None)
        return value if ok else _TypeMismatch("a timestamp")
    if kind == "blob":
        if not isinstance(value, str):
            return _TypeMismatch("base64 data")
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            return _TypeMismatch("base64 data")
    return value  # document: anything


def _wire_key(model, shape_name, member, wire):
    ref = model.shapes[shape_name]["members"][member]
    name = model._wire_name(member, ref)  # noqa: SLF001 - same module
    return f"{wire}.{name}" if wire else name


def _num(value):
    return int(value) if float(value).is_integer() else value


def _repr(value):
    if value is _HIDDEN:
        return ""
    if isinstance(value, (list, dict)):
        return _json_repr(value)
    text = str(value)
    if len(text) > 200:
        text = text[:200] + "..."
    return f"'{text}'"


def _json_repr(value):
    if value is _HIDDEN:
        return "(hidden)"
    text = json.dumps(value)
    return text if len(text) <= 200 else text[:200] + "..."


def _ec2_error(problems):
    """EC2's own words: one problem per reply, the first that applies."""
    if problems.unknown:
        return ApiError(400, "UnknownParameter",
                        f"The parameter {problems.unknown[0]} is not recognized")
    if problems.missing:
        return ApiError(400, "MissingParameter",
                        f"The request must contain the parameter {problems.missing[0][1]}")
    if problems.type_errors:
        path, value, kind = problems.type_errors[0]
        shown = "(hidden)" if value is _HIDDEN else value
        return ApiError(400, "InvalidParameterValue",
                        f"Value ({shown}) for parameter {path} is invalid. It must be {kind}.")
    path, value, constraint = problems.invalid[0]
    shown = value if isinstance(value, str) else _json_repr(value)
    if constraint.startswith("Member must satisfy enum"):
        return ApiError(400, "InvalidParameterValue",
                        f"Value ({shown}) for parameter {path} is invalid.")
    return ApiError(400, "InvalidParameterValue",
                    f"Value ({shown}) for parameter {path} is invalid. {constraint}.")

"""Paging as AWS does it for the list/describe operations the sandbox answers itself.

A page holds at most MaxResults items (the operation's documented default when absent);
a MaxResults outside the operation's documented range is a ValidationException before
anything is read; NextToken is opaque and bound to the operation, so a token that was not
handed out by the same operation is refused with the operation's own error.

Sources (each operation's numbers are quoted where it calls `page`):
- SSM API Reference, DescribeInstanceInformation: "MaxResults ... Valid Range: Minimum value
  of 5. Maximum value of 50." and "The default value is 10 items." (the same text is in the
  botocore service model ssm/2014-11-06 shipped with the AWS CLI);
  ListCommands / ListCommandInvocations: "Valid Range: Minimum value of 1. Maximum value of
  50." (no documented default: the sandbox uses 50, the maximum).
- SSM API Reference, Common error InvalidNextToken: "The specified token isn't valid."
- The ValidationException text is the Coral shape AWS's JSON services return:
  "1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint:
  Member must have value greater than or equal to 5".
"""

import base64
import json

from .wire import ApiError


def _token(op, offset):
    raw = json.dumps({"op": op, "at": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(op, token, error):
    """Where the page of a token starts; a list that shrank since gives an empty page."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        at = data["at"]
        if data["op"] != op or isinstance(at, bool) or not isinstance(at, int) or at < 1:
            raise ValueError
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise error from None
    return at


def check_limit(value, low, high, member="maxResults"):
    """A MaxResults-like member against its model range: the Coral ValidationException."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(400, "SerializationException",
                       f"NUMBER_VALUE can not be converted to an Integer ({value!r})")
    if value < low:
        raise ApiError(400, "ValidationException",
                       f"1 validation error detected: Value '{value}' at '{member}' failed to "
                       f"satisfy constraint: Member must have value greater than or equal to "
                       f"{low}")
    if value > high:
        raise ApiError(400, "ValidationException",
                       f"1 validation error detected: Value '{value}' at '{member}' failed to "
                       f"satisfy constraint: Member must have value less than or equal to "
                       f"{high}")
    return value


def ssm_page(op, data, rows, key, default, low, high):
    """One page of `rows` for an SSM JSON operation: {key: [...], "NextToken"?}."""
    limit = check_limit(data.get("MaxResults", default), low, high)
    token = data.get("NextToken")
    start = 0
    if token not in (None, ""):
        # SSM API Reference, Common errors / InvalidNextToken: "The specified token isn't valid."
        start = _offset(op, str(token),
                        ApiError(400, "InvalidNextToken", "The specified token isn't valid."))
    reply = {key: rows[start:start + limit]}
    if start + limit < len(rows):
        reply["NextToken"] = _token(op, start + limit)
    return reply


def logs_describe_log_streams(world):
    """DescribeLogStreams: moto pages it as AWS does (50 by default, limit 1-50), but answers
    a token it did not give with an empty page; CloudWatch Logs refuses it with
    InvalidParameterException "The specified nextToken is invalid." (the reply quoted in
    boto/boto3#1467, FilterLogEvents). moto's tokens are "<group>@<last stream of the page>"."""

    def handler(req, _now):
        data = req.body_json()
        token = data.get("nextToken")
        if token:
            group_name = data.get("logGroupName", "")
            logs = world.moto.backend("logs", world.moto.account_for(req.access_key), req.region)
            group = logs.groups.get(group_name)
            known = group is not None and token.startswith(group_name + "@") \
                and token[len(group_name) + 1:] in group.streams
            if group is not None and not known:
                raise ApiError(400, "InvalidParameterException",
                               "The specified nextToken is invalid.")
        return world.forward(req)

    return handler

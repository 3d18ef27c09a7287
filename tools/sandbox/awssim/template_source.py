"""Where CreateStack / CreateChangeSet take their template from, with AWS's limits.

Sources (AWS documentation and the error texts AWS returns, as users quote them):
- "Understand CloudFormation quotas", AWS CloudFormation User Guide
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
  "Template body size in a request: 51,200 bytes"; "Template body size in an Amazon S3
  object: 460,800 bytes". CreateStack's API reference (botocore's cloudformation model,
  TemplateURL) now says "max size: 1 MB" for the object; the sandbox keeps 460,800, the
  figure of the quotas page, so a template that passes here passes either way.
- The inline limit's refusal is the request validator's: "1 validation error detected:
  Value '...' at 'templateBody' failed to satisfy constraint: Member must have length
  less than or equal to 51200" (quoted in widdix/aws-cf-templates#169, mapbox/cfn-config#16,
  mbailey/bash-my-aws#100).
- The object's: "Template may not exceed 460800 bytes in size." (quoted in
  remind101/empire#871 and F5Networks/f5-aws-cloudformation#23).
- CreateStack's TemplateURL: "The location for an Amazon S3 bucket must start with
  https://. URLs from S3 static websites are not supported." (CreateStack API reference);
  anything else is refused with "TemplateURL must be an Amazon S3 URL.".
- An object that is not there: "TemplateURL must reference a valid S3 object to which you
  have access." (quoted in F5Networks/f5-aws-cloudformation#16).

CloudFormation resolves an S3 URL to its object by bucket and key, whatever Region's S3
host names it; the sandbox does the same against its own S3 (moto), so a client builds the
URL it would build for AWS and nothing else."""

import re
from urllib.parse import unquote, urlsplit

from .wire import ApiError

BODY_MAX = 51200
URL_OBJECT_MAX = 460800

# S3 host names (Amazon S3 User Guide, "Virtual hosting of buckets" and "Methods for
# accessing a bucket"; the dash-Region forms are the legacy ones still answered).
_S3 = r"s3(?:[.-](?:dualstack\.)?[a-z]{2}(?:-[a-z]+)+-\d)?\.amazonaws\.com(?:\.cn)?"
VIRTUAL_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\." + _S3 + "$")
PATH_HOST = re.compile("^" + _S3 + "$")


def _validation(message):
    return ApiError(400, "ValidationError", message)


def split_s3_url(url):
    """(bucket, key) of an Amazon S3 https URL; ApiError when it is not one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    bucket, key = None, None
    if parts.scheme == "https" and not parts.query:
        virtual = VIRTUAL_HOST.match(host)
        if virtual:
            bucket, key = virtual.group("bucket"), parts.path.lstrip("/")
        elif PATH_HOST.match(host):
            bucket, _, key = parts.path.lstrip("/").partition("/")
    if not bucket or not key:
        raise _validation("TemplateURL must be an Amazon S3 URL.")
    return bucket, unquote(key)


def read_object(moto, account, bucket, key):
    with moto.lock:
        try:
            found = moto.s3(account).get_object(bucket, key)
        except Exception:  # moto raises its own NoSuchBucket/NoSuchKey types
            found = None
        if found is None:
            raise _validation("TemplateURL must reference a valid S3 object to which you have "
                              "access.")
        return found.value


def template_text(moto, account, params):
    """The template CreateStack/CreateChangeSet would use for these Query parameters."""
    body = params.get("TemplateBody")
    if body:
        if len(body.encode("utf-8")) > BODY_MAX:
            raise _validation(f"1 validation error detected: Value '{body}' at 'templateBody' "
                              f"failed to satisfy constraint: Member must have length less "
                              f"than or equal to {BODY_MAX}")
        return body
    url = params.get("TemplateURL")
    if not url:
        raise _validation("Either Template URL or Template Body must be specified.")
    data = read_object(moto, account, *split_s3_url(url))
    if len(data) > URL_OBJECT_MAX:
        raise _validation(f"Template may not exceed {URL_OBJECT_MAX} bytes in size.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _validation("Template format error: the template is not UTF-8 text.") from None

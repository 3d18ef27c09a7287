#include "aws/sts.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"
#include "aws/xml.h"

static const shape_field_t identity_fields[] = {
	SHAPE_FIELD(sts_identity_t, account, "Account", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sts_identity_t, arn, "Arn", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sts_identity_t, user_id, "UserId", SHAPE_TEXT, 0),
};
static const shape_t identity_shape = SHAPE(sts_identity_t, identity_fields);

SHAPE_XML_REPLY(sts_parse_get_caller_identity, sts_identity_free, sts_identity_t, "GetCallerIdentityResponse",
                "GetCallerIdentityResult", identity_shape, "the GetCallerIdentity reply has no Account or Arn")

int sts_build_assume_role(const sts_assume_role_req_t *req, aws_params_t *out)
{
	if (!req->role_arn || !*req->role_arn || !req->session_name || !*req->session_name)
		return -1;
	aws_params_add(out, "RoleArn", req->role_arn);
	aws_params_add(out, "RoleSessionName", req->session_name);
	if (req->external_id) aws_params_add(out, "ExternalId", req->external_id);
	if (req->duration_seconds > 0)
		aws_params_addf(out, "DurationSeconds", "%d", req->duration_seconds);
	return 0;
}

static const codec_service_t sts = { "sts", STS_VERSION };

aws_call_t *sts_get_caller_identity(aws_client_t *c, sts_identity_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &sts, "GetCallerIdentity", 0, &p,
	                        &sts_parse_get_caller_identity_reply, (codec_fn)cb, ud);
}

aws_call_t *sts_assume_role(aws_client_t *c, const sts_assume_role_req_t *req,
                            sts_credentials_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &sts, "AssumeRole", sts_build_assume_role(req, &p), &p,
	                        &sts_parse_assume_role_reply, (codec_fn)cb, ud);
}

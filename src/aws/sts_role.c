#include "aws/sts_role.h"

#include "aws/shape.h"

/* AssumeRole and AssumeRoleWithWebIdentity answer with the same Credentials and
 * AssumedRoleUser under their own response and result elements. */
static const shape_field_t role_fields[] = {
	SHAPE_FIELD(sts_credentials_t, access_key_id, "Credentials/AccessKeyId", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sts_credentials_t, secret_access_key, "Credentials/SecretAccessKey", SHAPE_TEXT,
	            SHAPE_REQUIRED | SHAPE_SECRET),
	SHAPE_FIELD(sts_credentials_t, session_token, "Credentials/SessionToken", SHAPE_TEXT,
	            SHAPE_REQUIRED | SHAPE_SECRET),
	SHAPE_FIELD(sts_credentials_t, expiration, "Credentials/Expiration", SHAPE_TIME, SHAPE_REQUIRED),
	SHAPE_FIELD(sts_credentials_t, assumed_role_arn, "AssumedRoleUser/Arn", SHAPE_TEXT, 0),
	SHAPE_FIELD(sts_credentials_t, assumed_role_id, "AssumedRoleUser/AssumedRoleId", SHAPE_TEXT, 0),
};
static const shape_t role_shape = SHAPE(sts_credentials_t, role_fields);

SHAPE_XML_REPLY(sts_parse_assume_role, sts_credentials_free, sts_credentials_t, "AssumeRoleResponse",
                "AssumeRoleResult", role_shape, "the AssumeRoleResponse lacks part of its Credentials")

const shape_reply_t sts_parse_assume_role_with_web_identity_reply = {
	"AssumeRoleWithWebIdentityResponse", "AssumeRoleWithWebIdentityResult", &role_shape,
	"the AssumeRoleWithWebIdentityResponse lacks part of its Credentials", 0
};

int sts_parse_assume_role_with_web_identity(const char *body, size_t len, sts_credentials_t *out,
                                            aws_error_t *err)
{
	return shape_xml_reply(&sts_parse_assume_role_with_web_identity_reply, body, len, out, err);
}

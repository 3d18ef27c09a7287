#include "aws/sts.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/xml.h"

int sts_parse_get_caller_identity(const char *body, size_t len, sts_identity_t *out,
                                  aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "GetCallerIdentityResponse", "GetCallerIdentityResult",
	                      &doc, err);
	if (!r) return -1;
	out->account = xml_path_text(r, "Account");
	out->arn = xml_path_text(r, "Arn");
	out->user_id = xml_path_text(r, "UserId");
	xmlFreeDoc(doc);
	if (!out->account || !out->arn) {
		sts_identity_free(out);
		return codec_fail(err, "the GetCallerIdentity reply has no Account or Arn");
	}
	return 0;
}

void sts_identity_free(sts_identity_t *id)
{
	if (!id) return;
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof *id);
}

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

/* AssumeRole and AssumeRoleWithWebIdentity answer with the same Credentials and
 * AssumedRoleUser under their own response and result elements. */
static int parse_role_reply(const char *body, size_t len, const char *response, const char *result,
                            sts_credentials_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, response, result, &doc, err);
	if (!r) return -1;
	xmlNode *cr = xml_child(r, "Credentials");
	out->access_key_id = xml_path_text(cr, "AccessKeyId");
	out->secret_access_key = xml_path_text(cr, "SecretAccessKey");
	out->session_token = xml_path_text(cr, "SessionToken");
	int time_ok = xml_path_time(cr, "Expiration", &out->expiration, NULL) == 0;
	out->assumed_role_arn = xml_path_text(r, "AssumedRoleUser/Arn");
	out->assumed_role_id = xml_path_text(r, "AssumedRoleUser/AssumedRoleId");
	xmlFreeDoc(doc);
	if (!out->access_key_id || !out->secret_access_key || !out->session_token || !time_ok) {
		sts_credentials_free(out);
		return codec_fail(err, "the %s lacks part of its Credentials", response);
	}
	return 0;
}

int sts_parse_assume_role(const char *body, size_t len, sts_credentials_t *out, aws_error_t *err)
{
	return parse_role_reply(body, len, "AssumeRoleResponse", "AssumeRoleResult", out, err);
}

int sts_parse_assume_role_with_web_identity(const char *body, size_t len, sts_credentials_t *out,
                                            aws_error_t *err)
{
	return parse_role_reply(body, len, "AssumeRoleWithWebIdentityResponse",
	                        "AssumeRoleWithWebIdentityResult", out, err);
}

static void wipe_free(char *s)
{
	if (!s) return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void sts_credentials_free(sts_credentials_t *c)
{
	if (!c) return;
	free(c->access_key_id);
	wipe_free(c->secret_access_key);
	wipe_free(c->session_token);
	free(c->assumed_role_arn);
	free(c->assumed_role_id);
	memset(c, 0, sizeof *c);
}

CODEC_DONE(identity_done, sts_identity_cb, sts_identity_t, sts_parse_get_caller_identity,
           sts_identity_free)
CODEC_DONE(assume_done, sts_credentials_cb, sts_credentials_t, sts_parse_assume_role,
           sts_credentials_free)

aws_call_t *sts_get_caller_identity(aws_client_t *c, sts_identity_cb cb, void *ud)
{
	aws_params_t p = {0};
	aws_call_t *call = codec_query(c, "sts", "GetCallerIdentity", STS_VERSION, &p,
	                               identity_done, (codec_fn)cb, ud);
	aws_params_free(&p);
	return call;
}

aws_call_t *sts_assume_role(aws_client_t *c, const sts_assume_role_req_t *req,
                            sts_credentials_cb cb, void *ud)
{
	aws_params_t p = {0};
	aws_call_t *call = NULL;
	if (sts_build_assume_role(req, &p) == 0)
		call = codec_query(c, "sts", "AssumeRole", STS_VERSION, &p, assume_done, (codec_fn)cb,
		                   ud);
	aws_params_free(&p);
	return call;
}

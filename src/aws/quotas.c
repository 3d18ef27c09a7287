#include "aws/quotas.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"

cJSON *quotas_build_get_service_quota(const char *service_code, const char *quota_code)
{
	if (!service_code || !*service_code || !quota_code || !*quota_code) return NULL;
	cJSON *j = cJSON_CreateObject();
	if (!j) return NULL;
	cJSON_AddStringToObject(j, "ServiceCode", service_code);
	cJSON_AddStringToObject(j, "QuotaCode", quota_code);
	return j;
}

int quotas_parse_get_service_quota(const char *body, size_t len, quotas_quota_t *out,
                                   aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	cJSON *j = codec_json_parse(body, len, err);
	if (!j) return -1;
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(j, "Quota");
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(q, "Value");
	int rc = cJSON_IsObject(q) && cJSON_IsNumber(v) ? 0 : -1;
	if (rc == 0) {
		out->value = v->valuedouble;
		out->service_code = codec_json_str(q, "ServiceCode");
		out->quota_code = codec_json_str(q, "QuotaCode");
		out->quota_name = codec_json_str(q, "QuotaName");
		out->unit = codec_json_str(q, "Unit");
		codec_json_bool(q, "Adjustable", &out->adjustable);
		if (!out->quota_code || out->value < 0) rc = -1;
	}
	cJSON_Delete(j);
	if (rc != 0) {
		quotas_quota_free(out);
		return codec_fail(err, "the GetServiceQuota reply has no Quota with a QuotaCode and "
		                       "a Value >= 0");
	}
	return 0;
}

void quotas_quota_free(quotas_quota_t *q)
{
	if (!q) return;
	free(q->service_code);
	free(q->quota_code);
	free(q->quota_name);
	free(q->unit);
	memset(q, 0, sizeof *q);
}

CODEC_DONE(quota_done, quotas_quota_cb, quotas_quota_t, quotas_parse_get_service_quota,
           quotas_quota_free)

aws_call_t *quotas_get_service_quota(aws_client_t *c, const char *service_code,
                                     const char *quota_code, quotas_quota_cb cb, void *ud)
{
	cJSON *body = quotas_build_get_service_quota(service_code, quota_code);
	if (!body) return NULL;
	aws_call_t *call = codec_json(c, "servicequotas", QUOTAS_TARGET, "GetServiceQuota", body,
	                              quota_done, (codec_fn)cb, ud);
	cJSON_Delete(body);
	return call;
}

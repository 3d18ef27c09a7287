#include "aws/quotas.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"

cJSON *quotas_build_get_service_quota(const char *service_code, const char *quota_code)
{
	if (!service_code || !*service_code || !quota_code || !*quota_code) return NULL;
	cJSON *j = cJSON_CreateObject();
	if (!j) return NULL;
	cJSON_AddStringToObject(j, "ServiceCode", service_code);
	cJSON_AddStringToObject(j, "QuotaCode", quota_code);
	return j;
}

static int quota_value(const void *obj)
{
	return ((const quotas_quota_t *)obj)->value >= 0 ? 0 : -1;
}
static const shape_field_t quota_fields[] = {
	SHAPE_FIELD(quotas_quota_t, value, "Quota/Value", SHAPE_DOUBLE, SHAPE_REQUIRED),
	SHAPE_FIELD(quotas_quota_t, service_code, "Quota/ServiceCode", SHAPE_TEXT, 0),
	SHAPE_FIELD(quotas_quota_t, quota_code, "Quota/QuotaCode", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(quotas_quota_t, quota_name, "Quota/QuotaName", SHAPE_TEXT, 0),
	SHAPE_FIELD(quotas_quota_t, unit, "Quota/Unit", SHAPE_TEXT, 0),
	SHAPE_FIELD(quotas_quota_t, adjustable, "Quota/Adjustable", SHAPE_BOOL, 0),
};
static const shape_t quota_shape = SHAPE_CHECK(quotas_quota_t, quota_fields, quota_value);

SHAPE_JSON_REPLY(quotas_parse_get_service_quota, quotas_quota_free, quotas_quota_t, quota_shape,
                 "the GetServiceQuota reply has no Quota with a QuotaCode and a Value >= 0")

static const codec_service_t quotas = { "servicequotas", QUOTAS_TARGET };

aws_call_t *quotas_get_service_quota(aws_client_t *c, const char *service_code,
                                     const char *quota_code, quotas_quota_cb cb, void *ud)
{
	return codec_json_send(c, &quotas, "GetServiceQuota",
	                       quotas_build_get_service_quota(service_code, quota_code),
	                       &quotas_parse_get_service_quota_reply, (codec_fn)cb, ud);
}

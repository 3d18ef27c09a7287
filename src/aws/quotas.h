/* Service Quotas (JSON 1.1, target prefix "ServiceQuotasV20190624", signing name and
 * endpoint prefix "servicequotas"): GetServiceQuota, the applied value of one quota
 * (Service Quotas API Reference, GetServiceQuota / ServiceQuota). */
#ifndef NIXL_AWS_QUOTAS_H
#define NIXL_AWS_QUOTAS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "aws/client.h"
#include "aws/shape.h"

#define QUOTAS_TARGET "ServiceQuotasV20190624"

typedef struct quotas_quota {
	char *service_code, *quota_code, *quota_name, *unit;
	double value;
	int adjustable;
} quotas_quota_t;
SHAPE_REPLY_DECL(quotas_parse_get_service_quota, quotas_quota_free, quotas_quota_t,
                 quotas_quota_cb);

/* {"ServiceCode": ..., "QuotaCode": ...}; NULL when either is missing or empty. */
cJSON *quotas_build_get_service_quota(const char *service_code, const char *quota_code);
/* -1 with err set when the reply has no Quota, QuotaCode or numeric Value. */

aws_call_t *quotas_get_service_quota(aws_client_t *c, const char *service_code,
                                     const char *quota_code, quotas_quota_cb cb, void *ud);

#endif

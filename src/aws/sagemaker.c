#include "aws/sagemaker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"

static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* SageMaker API Reference, TrackingServerName: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,255} */
static int name_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= 1 && n <= 256 && strspn(s, alnum) >= 1 && s[n - 1] != '-' &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int sagemaker_mlflow_arn_parse(const char *arn, char *region, size_t nregion, char *name,
                               size_t nname)
{
	static const char res[] = "mlflow-tracking-server/";
	const char *f[6];
	size_t len[6], k = 0;
	const char *p = arn;
	if (!arn || strncmp(arn, "arn:", 4) != 0) return -1;
	for (; k < 6; k++) {
		f[k] = p;
		len[k] = k < 5 ? strcspn(p, ":") : strlen(p);
		if (k < 5 && p[len[k]] != ':') return -1;
		p += len[k] + 1;
	}
	if (len[1] < 3 || strncmp(f[1], "aws", 3) != 0 || len[2] != 9 || strncmp(f[2], "sagemaker", 9) != 0 ||
	    len[3] == 0 || len[3] > 32 || strspn(f[3], "abcdefghijklmnopqrstuvwxyz0123456789-") != len[3] ||
	    len[4] != 12 || strspn(f[4], "0123456789") != 12 || strncmp(f[5], res, sizeof res - 1) != 0 ||
	    !name_valid(f[5] + sizeof res - 1))
		return -1;
	if (region && snprintf(region, nregion, "%.*s", (int)len[3], f[3]) >= (int)nregion) return -1;
	if (name && snprintf(name, nname, "%s", f[5] + sizeof res - 1) >= (int)nname) return -1;
	return 0;
}

cJSON *sagemaker_build_describe_mlflow_tracking_server(const char *name)
{
	if (!name || !*name) return NULL;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "TrackingServerName", name);
	return j;
}

static const shape_field_t server_fields[] = {
	SHAPE_FIELD(sagemaker_mlflow_server_t, arn, "TrackingServerArn", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sagemaker_mlflow_server_t, name, "TrackingServerName", SHAPE_TEXT, 0),
	SHAPE_FIELD(sagemaker_mlflow_server_t, url, "TrackingServerUrl", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sagemaker_mlflow_server_t, status, "TrackingServerStatus", SHAPE_TEXT, SHAPE_REQUIRED),
	SHAPE_FIELD(sagemaker_mlflow_server_t, is_active, "IsActive", SHAPE_TEXT, 0),
	SHAPE_FIELD(sagemaker_mlflow_server_t, artifact_store_uri, "ArtifactStoreUri", SHAPE_TEXT, 0),
	SHAPE_FIELD(sagemaker_mlflow_server_t, mlflow_version, "MlflowVersion", SHAPE_TEXT, 0),
};
static const shape_t server_shape = SHAPE(sagemaker_mlflow_server_t, server_fields);

SHAPE_JSON_REPLY(sagemaker_parse_describe_mlflow_tracking_server, sagemaker_mlflow_server_free,
                 sagemaker_mlflow_server_t, server_shape,
                 "the DescribeMlflowTrackingServer reply has no TrackingServerArn, TrackingServerUrl or "
                 "TrackingServerStatus")

int sagemaker_mlflow_server_usable(const sagemaker_mlflow_server_t *s)
{
	static const char *const up[] = { "Created", "Updated", "Started", "MaintenanceComplete" };
	if (!s->status || !s->is_active || strcmp(s->is_active, "Active") != 0) return 0;
	for (size_t i = 0; i < sizeof up / sizeof *up; i++)
		if (strcmp(s->status, up[i]) == 0) return 1;
	return 0;
}

static const codec_service_t sagemaker = { "sagemaker", SAGEMAKER_TARGET };

aws_call_t *sagemaker_describe_mlflow_tracking_server(aws_client_t *c, const char *name,
                                                      sagemaker_mlflow_server_cb cb, void *ud)
{
	return codec_json_send(c, &sagemaker, "DescribeMlflowTrackingServer",
	                       sagemaker_build_describe_mlflow_tracking_server(name),
	                       &sagemaker_parse_describe_mlflow_tracking_server_reply, (codec_fn)cb, ud);
}

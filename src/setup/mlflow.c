#include "setup/mlflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sagemaker.h"

__asm__(".pushsection .rodata\n"
        ".global nixl_mlflow_check_sh\n"
        ".hidden nixl_mlflow_check_sh\n"
        "nixl_mlflow_check_sh:\n"
        ".incbin \"src/setup/scripts/mlflow_check.sh\"\n"
        ".byte 0\n"
        ".popsection\n");
extern const char nixl_mlflow_check_sh[];

int mlflow_uri_valid(const char *uri)
{
	const char *rest = strncmp(uri, "http://", 7) == 0 ? uri + 7 : strncmp(uri, "https://", 8) == 0 ? uri + 8 : NULL;
	size_t n = rest ? strlen(rest) : 0;
	return rest && n > 0 && n <= 200 && rest[0] != '/' &&
	       strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_:/[]%~") == n;
}

char *mlflow_check_script(const char *uri)
{
	if (!mlflow_uri_valid(uri)) return NULL;
	/* the check script takes the URI as $1: set it, then the script as it is */
	size_t n = strlen(nixl_mlflow_check_sh) + strlen(uri) + 32;
	char *s = malloc(n);
	if (s) snprintf(s, n, "set -- '%s'\n%s", uri, nixl_mlflow_check_sh);
	return s;
}

char *mlflow_check_script_managed(const char *uri, const char *arn, const char *region)
{
	char arn_region[64];
	/* a parsed ARN is letters, digits, ':', '/' and '-' only: safe in single quotes */
	if (!mlflow_uri_valid(uri) || !arn || strlen(arn) > 400 ||
	    sagemaker_mlflow_arn_parse(arn, arn_region, sizeof arn_region, NULL, 0) < 0 || !region ||
	    strcmp(region, arn_region) != 0)
		return NULL;
	size_t n = strlen(nixl_mlflow_check_sh) + strlen(uri) + strlen(arn) + strlen(region) + 32;
	char *s = malloc(n);
	if (s) snprintf(s, n, "set -- '%s' '%s' '%s'\n%s", uri, arn, region, nixl_mlflow_check_sh);
	return s;
}

static void field(const char *line, const char *key, char *dst, size_t n, const char *stop)
{
	const char *p = strstr(line, key);
	if (!p) return;
	p += strlen(key);
	size_t len = strcspn(p, stop);
	if (len >= n) len = n - 1;
	memcpy(dst, p, len);
	dst[len] = 0;
}

void mlflow_check_line(mlflow_result_t *r, const char *line)
{
	static const char ok[] = "===NIXL-MLFLOW ok ", failed[] = "===NIXL-MLFLOW failed ";
	size_t n = strlen(line);
	if (n < 4 || strcmp(line + n - 3, "===") != 0) return;
	if (strncmp(line, ok, sizeof ok - 1) == 0) {
		memset(r, 0, sizeof *r);
		r->seen = r->ok = 1;
		field(line, " run=", r->run_id, sizeof r->run_id, " =");
		field(line, " experiment=", r->experiment_id, sizeof r->experiment_id, " =");
	} else if (strncmp(line, failed, sizeof failed - 1) == 0) {
		memset(r, 0, sizeof *r);
		r->seen = 1;
		field(line, " step=", r->step, sizeof r->step, " =");
		field(line, " reason=", r->reason, sizeof r->reason, "\n");
		size_t m = strlen(r->reason);
		if (m >= 3 && strcmp(r->reason + m - 3, "===") == 0) r->reason[m - 3] = 0;
	}
}

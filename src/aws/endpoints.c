/* Region and endpoints, as the AWS CLI and SDKs resolve them. */
#include "aws/endpoints.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/creds_priv.h"
#include "aws/profile.h"

int creds_valid_region(const char *r)
{
	size_t n = strlen(r);
	if (!n || n > 32) return 0;
	for (; *r; r++)
		if (!((*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z') || (*r >= '0' && *r <= '9') ||
		      *r == '-'))
			return 0;
	return 1;
}

char *aws_region_resolve(const char *region_flag, const char *profile_flag, aws_error_t *err)
{
	static const char *const vars[] = {"AWS_REGION", "AWS_DEFAULT_REGION"};
	const char *r = region_flag && *region_flag ? region_flag : NULL, *from = "--region";
	for (size_t i = 0; !r && i < sizeof vars / sizeof *vars; i++)
		if ((r = creds_env(vars[i]))) from = vars[i];
	cfg_t c;
	int loaded = 0;
	char where[1200] = "", fix[300] = "";
	memset(&c, 0, sizeof c);
	if (!r) {
		if (cfg_load(&c, profile_flag, err) < 0) return NULL;
		loaded = 1;
		if (c.origin && !cfg_has(&c, c.profile)) {
			cfg_profile_not_found(&c, err);
			cfg_free(&c);
			return NULL;
		}
		r = cfg_get(&c, c.profile, "region");
		snprintf(where, sizeof where, "`region` in profile \"%s\" (%s)", c.profile, c.conf.path);
		snprintf(fix, sizeof fix, "`aws configure set region <region>%s%s`",
		         c.origin ? " --profile " : "", c.origin ? c.profile : "");
		from = where;
	}
	char *out = NULL;
	if (!r)
		creds_err(err, AWS_ERR_CONFIG, "NoRegion",
		        "No AWS region: none given by --region, AWS_REGION, AWS_DEFAULT_REGION or %s; "
		        "pass --region, set AWS_REGION, or run %s.", where, fix);
	else if (!creds_valid_region(r))
		creds_err(err, AWS_ERR_CONFIG, "InvalidRegion",
		        "The AWS region \"%.64s\" from %s is not a region name (letters, digits and '-', "
		        "e.g. us-east-1).", r, from);
	else if (!(out = strdup(r)))
		creds_err(err, AWS_ERR_CONFIG, "OutOfMemory", "Out of memory.");
	if (loaded) cfg_free(&c);
	return out;
}

/* The services nixl-tui calls: the SDK service id for AWS_ENDPOINT_URL_<ID>, and the
 * endpoint prefix (NULL: IAM's one global endpoint per partition). */
static const struct {
	const char *service, *env_id, *prefix;
} services[] = {
	{"cloudformation", "CLOUDFORMATION", "cloudformation"},
	{"ec2", "EC2", "ec2"},
	{"s3", "S3", "s3"},
	{"ssm", "SSM", "ssm"},
	{"logs", "CLOUDWATCH_LOGS", "logs"},
	{"servicequotas", "SERVICE_QUOTAS", "servicequotas"},
	{"sts", "STS", "sts"},
	{"sagemaker", "SAGEMAKER", "api.sagemaker"}, /* SageMaker API Reference: api.sagemaker.REGION */
	{"iam", "IAM", NULL},
	{"sso", "SSO", "portal.sso"},
	{"sso-oidc", "SSO_OIDC", "oidc"},
};

static const struct {
	const char *region_prefix, *suffix, *iam_host, *iam_region;
} partitions[] = {
	{"cn-", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
	{"us-gov-", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1"},
	{"", "amazonaws.com", "iam.amazonaws.com", "us-east-1"},
};

static size_t partition_of(const char *region)
{
	size_t i = 0;
	while (strncmp(region, partitions[i].region_prefix, strlen(partitions[i].region_prefix)) != 0)
		i++;
	return i;
}

const char *aws_signing_region(const char *service, const char *region)
{
	if (region && service && strcmp(service, "iam") == 0)
		return partitions[partition_of(region)].iam_region;
	return region;
}

static char *strip_slash(const char *url)
{
	char *s = strdup(url);
	for (size_t n = s ? strlen(s) : 0; n && s[n - 1] == '/'; n--) s[n - 1] = 0;
	return s;
}

char *aws_endpoint_resolve(const char *endpoint_flag, const char *profile_flag,
                           const char *service, const char *region)
{
	if (endpoint_flag && *endpoint_flag) return strip_slash(endpoint_flag);
	const size_t nsvc = sizeof services / sizeof *services;
	size_t svc = nsvc;
	for (size_t i = 0; i < nsvc; i++)
		if (strcmp(services[i].service, service) == 0) svc = i;
	cfg_t c;
	int loaded = cfg_load(&c, profile_flag, NULL) == 0;
	/* The environment variable wins over the profile setting, as for every setting. */
	const char *ic = creds_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (!ic && loaded) ic = cfg_get(&c, c.profile, "ignore_configured_endpoint_urls");
	int ignore = ic && strcasecmp(ic, "true") == 0;
	const char *url = NULL;
	char var[96];
	if (!ignore) {
		if (svc < nsvc) {
			snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", services[svc].env_id);
		} else {
			snprintf(var, sizeof var, "AWS_ENDPOINT_URL_%s", service);
			for (char *p = var; *p; p++) {
				if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
				if (*p == ' ' || *p == '-') *p = '_';
			}
		}
		url = creds_env(var);
		if (!url) url = creds_env("AWS_ENDPOINT_URL");
		if (!url && loaded) url = cfg_get(&c, c.profile, "endpoint_url");
	}
	char *out = NULL;
	if (url) {
		out = strip_slash(url);
	} else if (region && *region) {
		size_t p = partition_of(region);
		const char *prefix = svc < nsvc ? services[svc].prefix : service;
		if (!prefix) {
			if (asprintf(&out, "https://%s", partitions[p].iam_host) < 0) out = NULL;
		} else if (asprintf(&out, "https://%s.%s.%s", prefix, region, partitions[p].suffix) < 0) {
			out = NULL;
		}
	}
	if (loaded) cfg_free(&c);
	return out;
}

int aws_endpoint_is_loopback(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p) return 0;
	p += 3;
	size_t alen = strcspn(p, "/?#");
	/* the host is what follows any user@ part, as curl reads it */
	for (size_t i = alen; i > 0; i--)
		if (p[i - 1] == '@') {
			alen -= i;
			p += i;
			break;
		}
	char host[256];
	size_t hlen;
	if (*p == '[') {
		hlen = strcspn(p + 1, "]");
		if (hlen >= sizeof host || hlen + 1 >= alen) return 0;
		memcpy(host, p + 1, hlen);
	} else {
		hlen = strcspn(p, ":");
		if (hlen > alen) hlen = alen;
		if (hlen >= sizeof host) return 0;
		memcpy(host, p, hlen);
	}
	host[hlen] = 0;
	struct in_addr a4;
	struct in6_addr a6;
	/* inet_pton takes only complete dotted quads: "127.evil.example" is a name */
	if (inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
	return strcasecmp(host, "localhost") == 0;
}

char *aws_profile_get(const char *profile_flag, const char *key)
{
	cfg_t c;
	if (cfg_load(&c, profile_flag, NULL) < 0) return NULL;
	const char *v = cfg_get(&c, c.profile, key);
	char *out = v ? strdup(v) : NULL;
	cfg_free(&c);
	return out;
}

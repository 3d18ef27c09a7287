/* Credentials, region and endpoint resolution as the AWS CLI does it.
 * Pure configuration logic (env + ~/.aws files + credential_process); the calls that
 * need the network (STS AssumeRole, IMDSv2) are described by a plan the client runs. */
#ifndef NIXL_AWS_CREDS_H
#define NIXL_AWS_CREDS_H

#include <time.h>

#include "aws/error.h"

typedef struct aws_creds {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;  /* NULL when none */
	time_t expiration;    /* 0: does not expire */
	char source[128];     /* "environment", "profile dev", "credential_process (profile x)" ... */
} aws_creds_t;

void aws_creds_free(aws_creds_t *c);
int aws_creds_copy(aws_creds_t *dst, const aws_creds_t *src);

typedef enum aws_creds_plan_kind {
	AWS_CREDS_STATIC,      /* creds is ready */
	AWS_CREDS_ASSUME_ROLE, /* call STS AssumeRole with source creds (itself a plan, always static) */
	AWS_CREDS_IMDS,        /* fetch from IMDSv2 at imds_endpoint */
} aws_creds_plan_kind_t;

typedef struct aws_creds_plan {
	aws_creds_plan_kind_t kind;
	aws_creds_t creds;           /* STATIC: the credentials; ASSUME_ROLE: the source credentials */
	char *role_arn, *role_session_name, *external_id;
	int duration_seconds;        /* 0: STS default */
	char *sts_region;            /* region to call STS in for ASSUME_ROLE */
	char *imds_endpoint;         /* IMDS: base URL, e.g. "http://169.254.169.254" */
	char profile[128];           /* the profile in effect ("default" when none was named) */
} aws_creds_plan_t;

/* Resolves the chain: env keys -> profile (static keys, credential_process, role_arn +
 * source_profile) -> IMDSv2 unless AWS_EC2_METADATA_DISABLED. profile_flag may be NULL
 * (then AWS_PROFILE, then "default"). On failure err holds one sentence naming what was
 * tried and how to fix it. */
int aws_creds_resolve(const char *profile_flag, aws_creds_plan_t *plan, aws_error_t *err);
void aws_creds_plan_free(aws_creds_plan_t *plan);

/* Region: flag, AWS_REGION, AWS_DEFAULT_REGION, profile "region". Returns a malloc'd
 * string, or NULL with err set when none is configured. */
char *aws_region_resolve(const char *region_flag, const char *profile_flag, aws_error_t *err);

/* Endpoint URL for a service ("cloudformation", "ec2", "s3", "ssm", "logs", "sts"):
 * flag, AWS_ENDPOINT_URL_<SERVICE> (the SDK's service id, upper case, spaces as _),
 * AWS_ENDPOINT_URL, profile endpoint_url, else https://<service>.<region>.amazonaws.com
 * (the rules for the services nixl-tui calls). malloc'd. */
char *aws_endpoint_resolve(const char *endpoint_flag, const char *profile_flag,
                           const char *service, const char *region);

/* A value from the profile's section of ~/.aws/config (AWS_CONFIG_FILE) or
 * credentials file (AWS_SHARED_CREDENTIALS_FILE); malloc'd, NULL when absent. */
char *aws_profile_get(const char *profile_flag, const char *key);

#endif

/* Credentials, region and endpoint resolution as the AWS CLI does it.
 * Configuration logic (env + ~/.aws files + credential_process + the MFA prompt); the
 * calls that need the network (IMDSv2, SSO, web identity, AssumeRole) are described by a
 * plan that creds_fetch.c runs for the client. */
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

/* How the first credentials of a plan are got; roles in hops are then assumed in turn. */
typedef enum aws_creds_plan_kind {
	AWS_CREDS_STATIC,       /* creds is ready */
	AWS_CREDS_IMDS,         /* fetch from IMDSv2 at imds_endpoint */
	AWS_CREDS_SSO,          /* GetRoleCredentials with the token `aws sso login` cached */
	AWS_CREDS_WEB_IDENTITY, /* AssumeRoleWithWebIdentity (unsigned) with a token file */
} aws_creds_plan_kind_t;

/* One AssumeRole of a chain, signed with the credentials before it. */
typedef struct aws_creds_hop {
	char *role_arn, *role_session_name, *external_id;
	char *mfa_serial, *token_code; /* token_code: the code read for mfa_serial */
	char *cache_path;              /* MFA: where its credentials are kept for later runs */
	int duration_seconds;          /* 0: STS default */
	char *sts_region;              /* region to call STS in */
	char profile[128];             /* the profile that names the role */
} aws_creds_hop_t;

#define AWS_CREDS_MAX_HOPS 8

typedef struct aws_creds_plan {
	aws_creds_plan_kind_t kind;
	aws_creds_t creds;           /* STATIC: the credentials (of the chain's start) */
	aws_creds_hop_t hops[AWS_CREDS_MAX_HOPS];
	size_t nhops;
	char *imds_endpoint;         /* IMDS: base URL, e.g. "http://169.254.169.254" */
	/* SSO: where the token is cached and what to ask for with it */
	char *sso_cache_path, *sso_start_url, *sso_region, *sso_session;
	char *sso_account_id, *sso_role_name;
	char *sso_endpoint, *sso_oidc_endpoint;
	/* WEB_IDENTITY: the token file (read at each fetch: it is rotated), the role */
	char *web_token_file, *web_role_arn, *web_session_name;
	char profile[128];           /* the profile in effect ("default" when none was named) */
	char sso_profile[128];       /* SSO: the profile that names the SSO role, for the fix */
	char source[160];            /* where the credentials come from, for the header */
} aws_creds_plan_t;

/* Asks the user for the MFA code of serial for profile on their terminal; 0 with the
 * code in code, or -1 with err set (no terminal, nothing typed). */
typedef int (*aws_creds_mfa_prompt_fn)(const char *profile, const char *serial, char *code,
                                       size_t n, aws_error_t *err);
/* The prompt aws_creds_resolve uses; the default reads /dev/tty without echo. */
void aws_creds_set_mfa_prompt(aws_creds_mfa_prompt_fn fn);
int aws_creds_mfa_prompt_tty(const char *profile, const char *serial, char *code, size_t n,
                             aws_error_t *err);

/* Resolves the chain in botocore's order: env keys -> role_arn + source_profile /
 * credential_source (chained through roles, SSO, web identity) -> web identity
 * (AWS_WEB_IDENTITY_TOKEN_FILE or the profile) -> SSO -> credentials-file keys ->
 * credential_process -> config-file keys -> IMDSv2 unless AWS_EC2_METADATA_DISABLED. profile_flag may be NULL
 * (then AWS_PROFILE, then "default"). On failure err holds one sentence naming what was
 * tried and how to fix it. */
int aws_creds_resolve(const char *profile_flag, aws_creds_plan_t *plan, aws_error_t *err);
void aws_creds_plan_free(aws_creds_plan_t *plan);

/* True when c expires within margin_s seconds of now (never when expiration is 0). */
int aws_creds_expiring(const aws_creds_t *c, time_t now, int margin_s);

/* Runs a credential_process command as the AWS CLI does: split into arguments with
 * POSIX shell quoting but no shell (no expansions, no ; or |), then found on PATH;
 * killing it (and its process group) after timeout_ms, and reads its JSON: Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration. profile names it in errors,
 * which never quote its output. 0, or -1 with err set. */
int aws_creds_run_process(const char *command, const char *profile, int timeout_ms,
                          aws_creds_t *out, aws_error_t *err);

/* Keeps an MFA role's credentials for later runs where the AWS CLI keeps them
 * (~/.aws/cli/cache/<key>.json: {"Credentials": {AccessKeyId, SecretAccessKey,
 * SessionToken, Expiration}}), written whole through a rename, 0600. 0 or -1. */
int aws_creds_cache_store(const char *path, const aws_creds_t *c);

/* An ISO-8601 time as AWS writes it ("2026-08-30T12:36:00Z"; fractions of a second and
 * +hh:mm offsets allowed) to epoch seconds. 0, or -1 when it is not one. */
int aws_creds_parse_time(const char *s, time_t *out);

/* For a plan of kind IMDS whose fetch failed: the same one sentence as
 * aws_creds_resolve's "No AWS credentials" error, ending the chain with
 * "instance metadata at <endpoint> (<why>)". */
void aws_creds_imds_failed(const char *profile_flag, const char *imds_endpoint, const char *why,
                           aws_error_t *err);

#endif

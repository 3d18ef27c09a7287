/* The credential providers that need the network: IMDSv2, the SSO portal (with an
 * SSO-OIDC token refresh), STS AssumeRoleWithWebIdentity, then the plan's AssumeRole
 * hops in turn. Asynchronous, on the client's HTTP engine. */
#ifndef NIXL_AWS_CREDS_FETCH_H
#define NIXL_AWS_CREDS_FETCH_H

#include "aws/creds.h"
#include "aws/http.h"

typedef void (*aws_creds_cb)(void *ud, const aws_error_t *err, const aws_creds_t *creds);
/* After each reply (or transport failure) of a credentials request: what it was ("sts
 * AssumeRole", "imds GET role", ...; never a secret) and how it ended, so that the client
 * counts and logs these requests like its own. */
typedef void (*aws_creds_seen_cb)(void *ud, const char *what, const http_result_t *res);

/* profile_flag is --profile as given (NULL when none), for the error sentence.
 * sts_endpoint is the STS URL for web identity and the hops; the plan names its IMDS and
 * SSO endpoints. plan must stay alive until cb has run or http is freed. cb runs once,
 * with the credentials' source set to plan->source; seen (may be NULL) after every reply. */
void aws_creds_fetch(loop_t *loop, http_engine_t *http, const aws_creds_plan_t *plan,
                     const char *profile_flag, const char *ca_bundle, const char *sts_endpoint,
                     const char *region, aws_creds_cb cb, aws_creds_seen_cb seen, void *ud);

/* Parses the AssumeRole XML reply / the IMDS credentials JSON into creds. 0 or -1. */
int aws_creds_parse_assume_role(const char *xml, size_t len, aws_creds_t *out, aws_error_t *err);
int aws_creds_parse_imds(const char *json, size_t len, aws_creds_t *out, aws_error_t *err);

#endif

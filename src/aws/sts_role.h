/* STS's role credentials (AssumeRole, AssumeRoleWithWebIdentity): the reply the credential
 * providers read. Apart from sts.h so that the providers (creds_fetch.c), which the client
 * uses, do not depend on the client through STS's calls. */
#ifndef NIXL_AWS_STS_ROLE_H
#define NIXL_AWS_STS_ROLE_H

#include <stddef.h>
#include <time.h>

#include "aws/error.h"
#include "aws/shape.h"

typedef struct sts_credentials {
	char *access_key_id, *secret_access_key, *session_token;
	time_t expiration;
	char *assumed_role_arn, *assumed_role_id;
} sts_credentials_t;

/* The replies both parse by (test_shape and the fuzzers walk them). */
extern const shape_reply_t sts_parse_assume_role_reply;
extern const shape_reply_t sts_parse_assume_role_with_web_identity_reply;
int sts_parse_assume_role(const char *body, size_t len, sts_credentials_t *out, aws_error_t *err);
int sts_parse_assume_role_with_web_identity(const char *body, size_t len, sts_credentials_t *out,
                                            aws_error_t *err);
/* Wipes the secret and token before freeing them. */
void sts_credentials_free(sts_credentials_t *c);

#endif

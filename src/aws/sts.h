/* AWS STS (Query protocol, version 2011-06-15): who am I, and role assumption. */
#ifndef NIXL_AWS_STS_H
#define NIXL_AWS_STS_H

#include <stddef.h>
#include <time.h>

#include "aws/client.h"
#include "aws/shape.h"
#include "aws/sts_role.h"

#define STS_VERSION "2011-06-15"

typedef struct sts_identity {
	char *account, *arn, *user_id;
} sts_identity_t;
SHAPE_REPLY_DECL(sts_parse_get_caller_identity, sts_identity_free, sts_identity_t, sts_identity_cb);

typedef struct sts_assume_role_req {
	const char *role_arn;
	const char *session_name;
	const char *external_id;  /* NULL: none */
	int duration_seconds;     /* 0: STS default (1 h) */
} sts_assume_role_req_t;

/* -1 when role_arn or session_name is missing. */
int sts_build_assume_role(const sts_assume_role_req_t *req, aws_params_t *out);

typedef void (*sts_credentials_cb)(void *ud, const aws_error_t *err, sts_credentials_t *res);

aws_call_t *sts_get_caller_identity(aws_client_t *c, sts_identity_cb cb, void *ud);
aws_call_t *sts_assume_role(aws_client_t *c, const sts_assume_role_req_t *req,
                            sts_credentials_cb cb, void *ud);

#endif

/* The one error type of every AWS call, and the parser of every error reply shape. */
#ifndef NIXL_AWS_ERROR_H
#define NIXL_AWS_ERROR_H

#include <stddef.h>

typedef enum aws_error_kind {
	AWS_ERR_NONE = 0,
	AWS_ERR_SERVICE,    /* the service answered with an error reply */
	AWS_ERR_TRANSPORT,  /* connection refused/reset, timeout, TLS: no reply */
	AWS_ERR_PARSE,      /* a reply we could not read (malformed, truncated, too large) */
	AWS_ERR_CREDENTIALS,/* no usable credentials */
	AWS_ERR_CONFIG,     /* bad region/endpoint/profile configuration */
	AWS_ERR_CANCELLED,
} aws_error_kind_t;

typedef struct aws_error {
	aws_error_kind_t kind;
	char service[32];     /* "cloudformation" */
	char operation[64];   /* "DescribeStacks" */
	long http_status;     /* 0 when there was no reply */
	char code[128];       /* "ValidationError", "Throttling", "SignatureDoesNotMatch" */
	char message[1024];
	char request_id[128];
	int attempts;         /* how many times the call was sent */
} aws_error_t;

/* Fills err from an error reply body of any AWS shape: Query/CFN/STS/IAM
 * <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>, EC2
 * <Response><Errors><Error>...</Errors><RequestID/>, S3 <Error><Code/>..., JSON
 * {"__type": "prefix#Code", "message"|"Message": ...}, and headers
 * x-amzn-RequestId / x-amz-request-id / x-amzn-ErrorType when given (NULL allowed).
 * service/operation/http_status are set by the caller. A body that is no known
 * shape still gives a code ("HttpNNN" or "UnknownError") and a short message. */
void aws_error_parse(aws_error_t *err, const char *body, size_t len, const char *request_id_header,
                     const char *error_type_header);

/* One sentence a person can act on, e.g. "cloudformation DescribeStacks failed:
 * Stack with id x does not exist (ValidationError, HTTP 400, request id ...)." */
const char *aws_error_sentence(const aws_error_t *err, char *buf, size_t n);

/* Helpers for codecs/callers. */
void aws_error_set(aws_error_t *err, aws_error_kind_t kind, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int aws_error_is_throttle(const aws_error_t *err);

#endif

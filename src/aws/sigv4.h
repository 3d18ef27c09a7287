/* AWS Signature Version 4 (header and query-string forms), in three testable stages:
 * canonical request -> string to sign -> signature. The clock is always passed in. */
#ifndef NIXL_AWS_SIGV4_H
#define NIXL_AWS_SIGV4_H

#include <time.h>

#include "aws/creds.h"
#include "aws/request.h"

enum sigv4_flags {
	SIGV4_NO_NORMALIZE     = 1u << 0, /* keep "//", "." and ".." in the path */
	SIGV4_SINGLE_ENCODE    = 1u << 1, /* path re-encoded once, not encoded again */
	SIGV4_CONTENT_SHA256   = 1u << 2, /* add and sign x-amz-content-sha256 */
	SIGV4_UNSIGNED_PAYLOAD = 1u << 3, /* payload hash "UNSIGNED-PAYLOAD" */
	SIGV4_TOKEN_UNSIGNED   = 1u << 4, /* add the session token after signing */
	/* S3's rules: no normalisation, single encoding, the payload hash header. */
	SIGV4_S3 = SIGV4_NO_NORMALIZE | SIGV4_SINGLE_ENCODE | SIGV4_CONTENT_SHA256,
};

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_UNSIGNED_PAYLOAD_HASH "UNSIGNED-PAYLOAD"

/* "20150830T123600Z" (17 bytes with the NUL). */
void sigv4_amz_date(time_t now, char out[17]);

/* Path as it goes into the canonical request. Without SIGV4_NO_NORMALIZE, empty, "."
 * and ".." segments are removed (RFC 3986 5.2.4). Without SIGV4_SINGLE_ENCODE the
 * path as sent is percent-encoded again ("%20" -> "%2520"); with it, it is decoded
 * and encoded once (S3: "/test$file.text" and "/test%24file.text" both give
 * "/test%24file.text"). malloc'd. */
char *sigv4_canonical_uri(const char *path, unsigned flags);

/* Query string with each key and value decoded and re-encoded per RFC 3986, sorted
 * by key then value; "a" becomes "a=". NULL or "" gives "". malloc'd. */
char *sigv4_canonical_query(const char *query);

/* The payload hash: the x-amz-content-sha256 header when present, else
 * "UNSIGNED-PAYLOAD" with that flag, else the hex SHA-256 of the body. */
void sigv4_payload_hash(const aws_request_t *r, unsigned flags, char out[65]);

/* Stage 1. Every header of r is signed except those a proxy or the HTTP engine may
 * change (user-agent, expect, connection, transfer-encoding, x-amzn-trace-id) and
 * authorization. *signed_headers (may be NULL) gets "host;x-amz-date". malloc'd. */
char *sigv4_canonical_request(const aws_request_t *r, unsigned flags, char **signed_headers);

/* Stage 2: "AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n
 * <hex sha256(canonical_request)>". malloc'd. */
char *sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
                           const char *canonical_request);

/* kSecret -> kDate -> kRegion -> kService -> kSigning (date is "YYYYMMDD"). */
void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char key[32]);

/* Stage 3: hex HMAC-SHA256 of the string to sign under the signing key. The date,
 * region and service are read from the string to sign's scope line. 0 or -1. */
int sigv4_signature(const char *secret, const char *string_to_sign, char out[65]);

/* Signs r in place: sets Host (from r->host when r has none), X-Amz-Date,
 * X-Amz-Security-Token when creds have a session token, x-amz-content-sha256 with
 * SIGV4_CONTENT_SHA256, and Authorization. Signing again (a retry) replaces them.
 * 0, or -1 when out of memory. */
int sigv4_sign(aws_request_t *r, const aws_creds_t *creds, const char *region,
               const char *service, time_t now, unsigned flags);

/* Query-string signing (a presigned URL valid expires_s seconds): appends
 * X-Amz-Algorithm, -Credential, -Date, -SignedHeaders, -Expires, -Security-Token and
 * -Signature to r->query. For S3 pass SIGV4_S3 | SIGV4_UNSIGNED_PAYLOAD. 0 or -1. */
int sigv4_presign(aws_request_t *r, const aws_creds_t *creds, const char *region,
                  const char *service, time_t now, int expires_s, unsigned flags);

#endif

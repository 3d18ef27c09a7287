/* One HTTP request to an AWS endpoint, as built by a protocol encoder, signed by
 * sigv4 and sent by the HTTP engine. */
#ifndef NIXL_AWS_REQUEST_H
#define NIXL_AWS_REQUEST_H

#include <stddef.h>

typedef struct aws_header {
	char *name;
	char *value;
} aws_header_t;

typedef struct aws_request {
	char *method;   /* "GET", "POST", "PUT", "DELETE" */
	char *host;     /* Host header value: "sts.us-east-1.amazonaws.com" or "127.0.0.1:5000" */
	char *path;     /* URI-encoded path as sent, starting with "/" */
	char *query;    /* query string as sent, without '?'; NULL or "" for none */
	aws_header_t *headers;
	size_t nheaders, capheaders;
	unsigned char *body;
	size_t body_len;
} aws_request_t;

void aws_request_init(aws_request_t *r, const char *method, const char *host, const char *path,
                      const char *query);
void aws_request_free(aws_request_t *r);
/* Frees the names and values of h[0..n) (not h itself). */
void aws_headers_clear(aws_header_t *h, size_t n);
/* Appends a header (a duplicate name is kept: the SigV4 suite has such cases). */
int aws_request_add_header(aws_request_t *r, const char *name, const char *value);
/* Replaces every header of that name (case-insensitive) with one, or adds it. */
int aws_request_set_header(aws_request_t *r, const char *name, const char *value);
/* Removes every header of that name (any case). */
void aws_request_remove_header(aws_request_t *r, const char *name);
/* First header of that name (case-insensitive), or NULL. */
const char *aws_request_header(const aws_request_t *r, const char *name);
/* Takes a copy of the body. */
int aws_request_set_body(aws_request_t *r, const void *body, size_t len);

/* Percent-encodes s per RFC 3986 (unreserved kept); '/' kept when keep_slash. Caller frees. */
char *aws_uri_encode(const char *s, size_t len, int keep_slash);

#endif

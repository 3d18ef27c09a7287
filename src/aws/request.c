#include "aws/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/grow.h"

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

void aws_request_init(aws_request_t *r, const char *method, const char *host, const char *path,
                      const char *query)
{
	memset(r, 0, sizeof *r);
	r->method = dup_or_null(method);
	r->host = dup_or_null(host);
	r->path = strdup(path && *path ? path : "/");
	r->query = dup_or_null(query);
}

void aws_headers_clear(aws_header_t *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
}

void aws_request_free(aws_request_t *r)
{
	if (!r) return;
	aws_headers_clear(r->headers, r->nheaders);
	free(r->headers); free(r->method); free(r->host); free(r->path); free(r->query); free(r->body);
	memset(r, 0, sizeof *r);
}

int aws_request_add_header(aws_request_t *r, const char *name, const char *value)
{
	if (grow_array((void **)&r->headers, &r->capheaders, r->nheaders + 1, sizeof *r->headers, 8) < 0)
		return -1;
	aws_header_t *h = &r->headers[r->nheaders];
	h->name = strdup(name);
	h->value = strdup(value);
	if (!h->name || !h->value) { free(h->name); free(h->value); return -1; }
	r->nheaders++;
	return 0;
}

void aws_request_remove_header(aws_request_t *r, const char *name)
{
	size_t k = 0;
	for (size_t i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0) {
			free(r->headers[i].name);
			free(r->headers[i].value);
			continue;
		}
		r->headers[k++] = r->headers[i];
	}
	r->nheaders = k;
}

int aws_request_set_header(aws_request_t *r, const char *name, const char *value)
{
	aws_request_remove_header(r, name);
	return aws_request_add_header(r, name, value);
}

const char *aws_request_header(const aws_request_t *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
	return NULL;
}

int aws_request_set_body(aws_request_t *r, const void *body, size_t len)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	if (!len) return 0;
	r->body = malloc(len);
	if (!r->body) return -1;
	memcpy(r->body, body, len);
	r->body_len = len;
	return 0;
}

char *aws_uri_encode(const char *s, size_t len, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = malloc(len * 3 + 1), *o = out;
	if (!out) return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
			*o++ = (char)c;
		} else {
			*o++ = '%';
			*o++ = hex[c >> 4];
			*o++ = hex[c & 15];
		}
	}
	*o = 0;
	return out;
}

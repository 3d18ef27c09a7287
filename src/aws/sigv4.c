#include "aws/sigv4.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/isotime.h"

/* A growing NUL-terminated string; on allocation failure it goes into an error state
 * that sb_take reports as NULL, so callers check once at the end. */
typedef struct sb {
	char *s;
	size_t len, cap;
	int oom;
} sb_t;

static void sb_addn(sb_t *b, const char *s, size_t n)
{
	if (b->oom) return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1) cap *= 2;
		char *p = realloc(b->s, cap);
		if (!p) { b->oom = 1; return; }
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sb_add(sb_t *b, const char *s) { sb_addn(b, s, strlen(s)); }

static void sb_addc(sb_t *b, char c) { sb_addn(b, &c, 1); }

/* Appends s percent-encoded (RFC 3986 unreserved kept). */
static void sb_add_encoded(sb_t *b, const char *s, size_t n, int keep_slash)
{
	char *e = aws_uri_encode(s, n, keep_slash);
	if (!e) { b->oom = 1; return; }
	sb_add(b, e);
	free(e);
}

static char *sb_take(sb_t *b)
{
	if (b->oom || !b->s) {
		free(b->s);
		if (b->oom) return NULL;
		return strdup("");
	}
	return b->s;
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = 0;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hex(md, 32, out);
}

static void hmac(const void *key, size_t keylen, const char *msg, unsigned char out[32])
{
	unsigned int n = 32;
	HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), out, &n);
}

void sigv4_amz_date(time_t now, char out[17])
{
	isotime_format_basic(now, out, 17);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Decodes %XX escapes in place; a '%' not followed by two hex digits stays literal. */
static size_t pct_decode(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hexval(s[i + 1])) >= 0 &&
		    (lo = hexval(s[i + 2])) >= 0) {
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = 0;
	return o;
}

/* RFC 3986 5.2.4 dot-segment removal, plus dropping empty segments ("//"). A path
 * ending in "/", "." or ".." keeps a trailing slash. */
static char *normalize_path(const char *path)
{
	size_t n = strlen(path);
	const char **seg = malloc((n / 2 + 2) * sizeof *seg);
	size_t *seglen = malloc((n / 2 + 2) * sizeof *seglen);
	char *out = malloc(n + 2);
	if (!seg || !seglen || !out) { free(seg); free(seglen); free(out); return NULL; }
	size_t nseg = 0;
	int trailing = 0;
	for (const char *p = path; *p;) {
		if (*p == '/') { p++; trailing = 1; continue; }
		const char *e = strchr(p, '/');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == 1 && p[0] == '.') {
			trailing = 1;
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			if (nseg) nseg--;
			trailing = 1;
		} else {
			seg[nseg] = p;
			seglen[nseg++] = l;
			trailing = 0;
		}
		p += l;
	}
	size_t o = 0;
	out[o++] = '/';
	for (size_t i = 0; i < nseg; i++) {
		memcpy(out + o, seg[i], seglen[i]);
		o += seglen[i];
		if (i + 1 < nseg || trailing) out[o++] = '/';
	}
	out[o] = 0;
	free(seg);
	free(seglen);
	return out;
}

char *sigv4_canonical_uri(const char *path, unsigned flags)
{
	if (!path || !*path) path = "/";
	char *p = strdup(path);
	if (!p) return NULL;
	size_t n = strlen(p);
	if (flags & SIGV4_SINGLE_ENCODE) n = pct_decode(p, n);
	if (!(flags & SIGV4_NO_NORMALIZE)) {
		char *norm = normalize_path(p);
		free(p);
		if (!norm) return NULL;
		p = norm;
		n = strlen(p);
	}
	char *out = aws_uri_encode(p, n, 1);
	free(p);
	return out;
}

typedef struct qparam {
	char *key, *value; /* encoded */
} qparam_t;

static int qparam_cmp(const void *a, const void *b)
{
	const qparam_t *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->value, y->value);
}

static char *encode_component(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d) return NULL;
	size_t dn = pct_decode(d, n);
	char *e = aws_uri_encode(d, dn, 0);
	free(d);
	return e;
}

char *sigv4_canonical_query(const char *query)
{
	sb_t b = {0};
	if (!query || !*query) return strdup("");
	size_t cap = 1;
	for (const char *p = query; *p; p++) cap += *p == '&';
	qparam_t *q = calloc(cap, sizeof *q);
	if (!q) return NULL;
	size_t nq = 0;
	int oom = 0;
	for (const char *p = query; *p && !oom;) {
		const char *amp = strchr(p, '&');
		size_t l = amp ? (size_t)(amp - p) : strlen(p);
		if (l) {
			const char *eq = memchr(p, '=', l);
			size_t kl = eq ? (size_t)(eq - p) : l;
			q[nq].key = encode_component(p, kl);
			q[nq].value = eq ? encode_component(eq + 1, l - kl - 1) : strdup("");
			oom = !q[nq].key || !q[nq].value;
			nq++;
		}
		p += l + (amp ? 1 : 0);
	}
	if (!oom) qsort(q, nq, sizeof *q, qparam_cmp);
	for (size_t i = 0; i < nq; i++) {
		if (!oom) {
			if (i) sb_addc(&b, '&');
			sb_add(&b, q[i].key);
			sb_addc(&b, '=');
			sb_add(&b, q[i].value);
		}
		free(q[i].key);
		free(q[i].value);
	}
	free(q);
	if (oom) { free(b.s); return NULL; }
	return sb_take(&b);
}

void sigv4_payload_hash(const aws_request_t *r, unsigned flags, char out[65])
{
	const char *h = aws_request_header(r, "x-amz-content-sha256");
	if (h) {
		snprintf(out, 65, "%s", h);
	} else if (flags & SIGV4_UNSIGNED_PAYLOAD) {
		snprintf(out, 65, "%s", SIGV4_UNSIGNED_PAYLOAD_HASH);
	} else {
		sha256_hex(r->body ? (const void *)r->body : "", r->body_len, out);
	}
}

/* Headers the SDKs leave unsigned: rewritten by proxies or the HTTP library, or the
 * signature itself. */
static const char *const unsigned_headers[] = {
	"authorization", "user-agent", "expect", "connection", "transfer-encoding",
	"x-amzn-trace-id",
};

static int header_is_signed(const char *name)
{
	for (size_t i = 0; i < sizeof unsigned_headers / sizeof *unsigned_headers; i++)
		if (strcasecmp(name, unsigned_headers[i]) == 0) return 0;
	return 1;
}

typedef struct chdr {
	char *name;        /* lower case */
	const char *value; /* raw */
	size_t index;      /* order in the request: duplicates keep it */
} chdr_t;

static int chdr_cmp(const void *a, const void *b)
{
	const chdr_t *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c) return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Trimmed, each whitespace run (continuation line breaks included) made one space. */
static void sb_add_header_value(sb_t *b, const char *v)
{
	while (is_space(*v)) v++;
	int pending = 0;
	for (; *v; v++) {
		if (is_space(*v)) { pending = 1; continue; }
		if (pending) sb_addc(b, ' ');
		pending = 0;
		sb_addc(b, *v);
	}
}

/* Appends "name:value\n" lines to b and returns the signed header list. */
static char *canonical_headers(const aws_request_t *r, sb_t *b)
{
	chdr_t *h = calloc(r->nheaders + 1, sizeof *h);
	if (!h) return NULL;
	size_t n = 0;
	int oom = 0;
	for (size_t i = 0; i < r->nheaders; i++) {
		if (!header_is_signed(r->headers[i].name)) continue;
		h[n].name = strdup(r->headers[i].name);
		if (!h[n].name) { oom = 1; break; }
		for (char *c = h[n].name; *c; c++)
			if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
		h[n].value = r->headers[i].value;
		h[n].index = i;
		n++;
	}
	sb_t names = {0};
	if (!oom) qsort(h, n, sizeof *h, chdr_cmp);
	for (size_t i = 0; i < n && !oom; i++) {
		int same = i && strcmp(h[i].name, h[i - 1].name) == 0;
		if (same) {
			sb_addc(b, ',');
		} else {
			if (i) {
				sb_addc(b, '\n');
				sb_addc(&names, ';');
			}
			sb_add(b, h[i].name);
			sb_addc(b, ':');
			sb_add(&names, h[i].name);
		}
		sb_add_header_value(b, h[i].value);
	}
	if (n) sb_addc(b, '\n');
	for (size_t i = 0; i < n; i++) free(h[i].name);
	free(h);
	if (oom) { free(names.s); return NULL; }
	return sb_take(&names);
}

char *sigv4_canonical_request(const aws_request_t *r, unsigned flags, char **signed_headers)
{
	sb_t b = {0};
	char *uri = sigv4_canonical_uri(r->path, flags);
	char *query = sigv4_canonical_query(r->query);
	char payload[65];
	sigv4_payload_hash(r, flags, payload);
	sb_add(&b, r->method ? r->method : "GET");
	sb_addc(&b, '\n');
	sb_add(&b, uri ? uri : "");
	sb_addc(&b, '\n');
	sb_add(&b, query ? query : "");
	sb_addc(&b, '\n');
	char *names = canonical_headers(r, &b);
	sb_addc(&b, '\n');
	sb_add(&b, names ? names : "");
	sb_addc(&b, '\n');
	sb_add(&b, payload);
	char *out = sb_take(&b);
	if (!uri || !query || !names || !out) {
		free(out);
		out = NULL;
	}
	free(uri);
	free(query);
	if (signed_headers && out) signed_headers[0] = names;
	else free(names);
	return out;
}

char *sigv4_string_to_sign(const char *amz_date, const char *region, const char *service,
                           const char *canonical_request)
{
	char h[65];
	sha256_hex(canonical_request, strlen(canonical_request), h);
	char *out = NULL;
	if (asprintf(&out, SIGV4_ALGORITHM "\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date, amz_date,
	             region, service, h) < 0)
		return NULL;
	return out;
}

void sigv4_signing_key(const char *secret, const char *date, const char *region,
                       const char *service, unsigned char key[32])
{
	size_t n = strlen(secret) + 5;
	char *k = malloc(n);
	unsigned char a[32], b[32];
	if (!k) { memset(key, 0, 32); return; }
	snprintf(k, n, "AWS4%s", secret);
	hmac(k, n - 1, date, a);
	hmac(a, 32, region, b);
	hmac(b, 32, service, a);
	hmac(a, 32, "aws4_request", key);
	OPENSSL_cleanse(k, n);
	OPENSSL_cleanse(a, sizeof a);
	OPENSSL_cleanse(b, sizeof b);
	free(k);
}

int sigv4_signature(const char *secret, const char *string_to_sign, char out[65])
{
	/* Line 3 of the string to sign is the scope "date/region/service/aws4_request". */
	const char *l2 = strchr(string_to_sign, '\n');
	const char *l3 = l2 ? strchr(l2 + 1, '\n') : NULL;
	if (!l3) return -1;
	char scope[256], date[16], region[64], service[64];
	const char *end = strchr(l3 + 1, '\n');
	size_t sl = end ? (size_t)(end - l3 - 1) : strlen(l3 + 1);
	if (sl >= sizeof scope) return -1;
	memcpy(scope, l3 + 1, sl);
	scope[sl] = 0;
	if (sscanf(scope, "%15[^/]/%63[^/]/%63[^/]/aws4_request", date, region, service) != 3)
		return -1;
	unsigned char key[32], sig[32];
	sigv4_signing_key(secret, date, region, service, key);
	hmac(key, 32, string_to_sign, sig);
	OPENSSL_cleanse(key, sizeof key);
	hex(sig, 32, out);
	return 0;
}

static int ensure_host(aws_request_t *r)
{
	if (aws_request_header(r, "host")) return 0;
	if (!r->host) return -1;
	return aws_request_add_header(r, "Host", r->host);
}

static int has_token(const aws_creds_t *c) { return c->session_token && *c->session_token; }

/* Stages 1-3 over r as it stands; signed headers and signature returned. */
static int sign_stages(const aws_request_t *r, const aws_creds_t *creds, const char *amz_date,
                       const char *region, const char *service, unsigned flags, char **names,
                       char sig[65])
{
	char *creq = sigv4_canonical_request(r, flags, names);
	if (!creq) return -1;
	char *sts = sigv4_string_to_sign(amz_date, region, service, creq);
	free(creq);
	if (!sts) { free(*names); return -1; }
	int rc = sigv4_signature(creds->secret_access_key, sts, sig);
	free(sts);
	if (rc < 0) free(*names);
	return rc;
}

int sigv4_sign(aws_request_t *r, const aws_creds_t *creds, const char *region,
               const char *service, time_t now, unsigned flags)
{
	char amz_date[17], sig[65], payload[65];
	sigv4_amz_date(now, amz_date);
	if (ensure_host(r) < 0 || aws_request_set_header(r, "X-Amz-Date", amz_date) < 0) return -1;
	aws_request_remove_header(r, "X-Amz-Security-Token");
	if (has_token(creds) && !(flags & SIGV4_TOKEN_UNSIGNED) &&
	    aws_request_set_header(r, "X-Amz-Security-Token", creds->session_token) < 0)
		return -1;
	if ((flags & SIGV4_CONTENT_SHA256) && !aws_request_header(r, "x-amz-content-sha256")) {
		sigv4_payload_hash(r, flags, payload);
		if (aws_request_set_header(r, "x-amz-content-sha256", payload) < 0) return -1;
	}
	char *names = NULL;
	if (sign_stages(r, creds, amz_date, region, service, flags, &names, sig) < 0) return -1;
	char *auth = NULL;
	int n = asprintf(&auth, SIGV4_ALGORITHM " Credential=%s/%.8s/%s/%s/aws4_request, "
	                 "SignedHeaders=%s, Signature=%s", creds->access_key_id, amz_date, region,
	                 service, names, sig);
	free(names);
	if (n < 0) return -1;
	int rc = aws_request_set_header(r, "Authorization", auth);
	free(auth);
	if (rc == 0 && has_token(creds) && (flags & SIGV4_TOKEN_UNSIGNED))
		rc = aws_request_set_header(r, "X-Amz-Security-Token", creds->session_token);
	return rc;
}

static void sb_add_param(sb_t *b, const char *key, const char *value)
{
	if (b->len) sb_addc(b, '&');
	sb_add(b, key);
	sb_addc(b, '=');
	sb_add_encoded(b, value, strlen(value), 0);
}

int sigv4_presign(aws_request_t *r, const aws_creds_t *creds, const char *region,
                  const char *service, time_t now, int expires_s, unsigned flags)
{
	/* A presigned URL carries no x-amz-content-sha256 header. */
	flags &= ~(unsigned)SIGV4_CONTENT_SHA256;
	char amz_date[17], sig[65], expires[16];
	sigv4_amz_date(now, amz_date);
	snprintf(expires, sizeof expires, "%d", expires_s);
	if (ensure_host(r) < 0) return -1;

	char *names = NULL;
	char *creq = sigv4_canonical_request(r, flags, &names);
	if (!creq) return -1;
	free(creq);
	char *cred = NULL;
	if (asprintf(&cred, "%s/%.8s/%s/%s/aws4_request", creds->access_key_id, amz_date, region,
	             service) < 0) {
		free(names);
		return -1;
	}
	/* Query form: the parameters before the token, the token, then the signature. */
	sb_t head = {0};
	if (r->query && *r->query) sb_add(&head, r->query);
	sb_add_param(&head, "X-Amz-Algorithm", SIGV4_ALGORITHM);
	sb_add_param(&head, "X-Amz-Credential", cred);
	sb_add_param(&head, "X-Amz-Date", amz_date);
	sb_add_param(&head, "X-Amz-SignedHeaders", names);
	sb_add_param(&head, "X-Amz-Expires", expires);
	free(cred);
	free(names);
	char *base = sb_take(&head);
	if (!base) return -1;
	sb_t tok = {0};
	sb_add(&tok, base);
	if (has_token(creds)) sb_add_param(&tok, "X-Amz-Security-Token", creds->session_token);
	char *with_token = sb_take(&tok);
	if (!with_token) { free(base); return -1; }

	char *orig = r->query;
	r->query = (flags & SIGV4_TOKEN_UNSIGNED) ? base : with_token;
	int rc = sign_stages(r, creds, amz_date, region, service, flags, &names, sig);
	if (rc == 0) free(names);
	r->query = orig;
	free(base);
	if (rc < 0) { free(with_token); return -1; }
	sb_t out = {0};
	sb_add(&out, with_token);
	sb_add_param(&out, "X-Amz-Signature", sig);
	free(with_token);
	char *q = sb_take(&out);
	if (!q) return -1;
	free(r->query);
	r->query = q;
	return 0;
}

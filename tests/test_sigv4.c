/* SigV4 against the official AWS suite (tests/fixtures/sigv4), the aws-c-auth copy of
 * it in its newer layout (tests/fixtures/sigv4-crt: header AND query-string signing of
 * every case) and the S3 worked examples (tests/fixtures/s3-sigv4), stage by stage:
 * canonical request, string to sign, signature, then the signed request. */
#include "testutil.h"

#include <dirent.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws/sigv4.h"

#define SUITE_AKID "AKIDEXAMPLE"
#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define SUITE_REGION "us-east-1"
#define SUITE_SERVICE "service"
#define SUITE_AMZ_DATE "20150830T123600Z"
/* Cases each suite must have (34 in the 2015 suite, 38 in aws-c-auth's). */
#define SUITE_CASES 34
#define CRT_CASES 38

static time_t parse_time(const char *s, const char *fmt)
{
	struct tm tm = {0};
	assert_non_null(strptime(s, fmt, &tm));
	return timegm(&tm);
}

static char *dupn(const char *s, size_t n)
{
	char *d = strndup(s, n);
	assert_non_null(d);
	return d;
}

/* Parses a raw HTTP request as the suite writes it: "METHOD target HTTP/1.1", header
 * lines "Name:value" (a line starting with whitespace continues the previous value),
 * a blank line, the body. The target may hold raw spaces (get-space). */
static void parse_http(const char *text, aws_request_t *r)
{
	const char *eol = strchr(text, '\n');
	size_t l = eol ? (size_t)(eol - text) : strlen(text);
	const char *sp = memchr(text, ' ', l);
	assert_non_null(sp);
	const char *ver = text + l;
	while (ver > sp && strncmp(ver, " HTTP/", 6) != 0) ver--;
	assert_true(ver > sp);
	char *method = dupn(text, (size_t)(sp - text));
	char *target = dupn(sp + 1, (size_t)(ver - sp - 1));
	char *q = strchr(target, '?');
	if (q) *q++ = 0;
	aws_request_init(r, method, NULL, target, q);
	free(method);
	free(target);
	const char *p = eol ? eol + 1 : text + l;
	while (*p && *p != '\n') {
		eol = strchr(p, '\n');
		l = eol ? (size_t)(eol - p) : strlen(p);
		char *line = dupn(p, l);
		if ((line[0] == ' ' || line[0] == '\t') && r->nheaders) {
			aws_header_t *h = &r->headers[r->nheaders - 1];
			size_t vl = strlen(h->value);
			h->value = realloc(h->value, vl + l + 2);
			assert_non_null(h->value);
			h->value[vl] = '\n';
			memcpy(h->value + vl + 1, line, l + 1);
		} else {
			char *colon = strchr(line, ':');
			assert_non_null(colon);
			*colon = 0;
			assert_int_equal(aws_request_add_header(r, line, colon + 1), 0);
		}
		free(line);
		p = eol ? eol + 1 : p + l;
	}
	if (*p == '\n') p++;
	if (*p) assert_int_equal(aws_request_set_body(r, p, strlen(p)), 0);
	const char *host = aws_request_header(r, "host");
	if (host) r->host = strdup(host);
}

static char *trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) s[--n] = 0;
	return s;
}

/* Compares and reports without stopping, so one run lists every failing case. */
static int same(const char *cas, const char *what, const char *got, const char *want)
{
	if (got && want && strcmp(got, want) == 0) return 1;
	print_message("FAIL %s: %s\n  got:  %s\n  want: %s\n", cas, what, got ? got : "(null)",
	              want ? want : "(null)");
	return 0;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t') s++;
	return s;
}

/* Every header of want is in got with the same value (once each), and no more. */
static int same_headers(const char *cas, const aws_request_t *got, const aws_request_t *want,
                        const char *skip)
{
	int ok = 1;
	size_t expected = 0;
	char used[64] = {0};
	assert_true(got->nheaders <= sizeof used);
	for (size_t i = 0; i < want->nheaders; i++) {
		if (skip && strcasecmp(want->headers[i].name, skip) == 0) continue;
		expected++;
		int found = 0;
		for (size_t j = 0; j < got->nheaders && !found; j++) {
			if (used[j] || strcasecmp(got->headers[j].name, want->headers[i].name) != 0 ||
			    strcmp(skip_ws(got->headers[j].value), skip_ws(want->headers[i].value)) != 0)
				continue;
			used[j] = 1;
			found = 1;
		}
		if (!found) {
			print_message("FAIL %s: signed request lacks %s:%s\n", cas, want->headers[i].name,
			              want->headers[i].value);
			ok = 0;
		}
	}
	size_t have = got->nheaders;
	for (size_t j = 0; skip && j < got->nheaders; j++)
		if (strcasecmp(got->headers[j].name, skip) == 0) have--;
	if (have != expected) {
		print_message("FAIL %s: signed request has %zu headers, want %zu\n", cas, have, expected);
		ok = 0;
	}
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the case directories under dir (recursively) that hold `marker` ("%s.req" is
 * the directory's own name + ".req"). Sorted; caller frees. */
static size_t find_cases(const char *dir, const char *marker, char ***out, size_t n)
{
	DIR *d = opendir(dir);
	if (!d) return n;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		char path[512], file[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
		if (strcmp(marker, "%s.req") == 0)
			snprintf(file, sizeof file, "%s/%s.req", path, e->d_name);
		else
			snprintf(file, sizeof file, "%s/%s", path, marker);
		if (access(file, R_OK) == 0) {
			*out = realloc(*out, (n + 1) * sizeof **out);
			assert_non_null(*out);
			(*out)[n++] = strdup(path + strlen("tests/fixtures/"));
		}
		n = find_cases(path, marker, out, n);
	}
	closedir(d);
	qsort(*out, n, sizeof **out, cmp_str);
	return n;
}

static char *read_case(const char *cas, const char *file)
{
	char rel[512];
	snprintf(rel, sizeof rel, "%s/%s", cas, file);
	return fixture_read(rel, NULL, 0);
}

static void free_cases(char **cases, size_t n)
{
	for (size_t i = 0; i < n; i++) free(cases[i]);
	free(cases);
}

/* ---- the 2015 suite: <case>/<case>.{req,creq,sts,authz,sreq} ---- */

#define STS_TOKEN                                                                                 \
	"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSP" \
	"fIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYw" \
	"T7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKml" \
	"zm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

static char *read_ext(const char *cas, const char *name, const char *ext)
{
	char file[300];
	snprintf(file, sizeof file, "%s.%s", name, ext);
	return read_case(cas, file);
}

static int suite_case(const char *cas)
{
	const char *name = strrchr(cas, '/') + 1;
	aws_creds_t creds = {.access_key_id = SUITE_AKID, .secret_access_key = SUITE_SECRET};
	unsigned flags = 0;
	/* Tokens are not in the case files: post-sts-token/readme.txt gives the one of that
	 * group; get-vanilla-with-session-token's is in its .creq (and aws-c-auth's context). */
	if (strstr(cas, "post-sts-token/")) creds.session_token = STS_TOKEN;
	if (strcmp(name, "get-vanilla-with-session-token") == 0)
		creds.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
	if (strcmp(name, "post-sts-header-after") == 0) flags |= SIGV4_TOKEN_UNSIGNED;
	time_t now = parse_time(SUITE_AMZ_DATE, "%Y%m%dT%H%M%SZ");

	char *req = read_ext(cas, name, "req");
	char *want_creq = read_ext(cas, name, "creq");
	char *want_sts = read_ext(cas, name, "sts");
	char *want_authz = read_ext(cas, name, "authz");
	char *sreq = read_ext(cas, name, "sreq");
	int ok = 1;

	/* Stage 1 on the request as the signer sees it: date and token headers set. */
	aws_request_t r;
	parse_http(req, &r);
	assert_int_equal(aws_request_set_header(&r, "X-Amz-Date", SUITE_AMZ_DATE), 0);
	if (creds.session_token && !(flags & SIGV4_TOKEN_UNSIGNED))
		assert_int_equal(aws_request_set_header(&r, "X-Amz-Security-Token", creds.session_token), 0);
	char *names = NULL;
	char *creq = sigv4_canonical_request(&r, flags, &names);
	ok &= same(cas, "canonical request", creq, want_creq);
	char *sts = sigv4_string_to_sign(SUITE_AMZ_DATE, SUITE_REGION, SUITE_SERVICE, want_creq);
	ok &= same(cas, "string to sign", sts, want_sts);
	char sig[65] = "";
	assert_int_equal(sigv4_signature(SUITE_SECRET, want_sts, sig), 0);
	const char *want_sig = strstr(want_authz, "Signature=");
	assert_non_null(want_sig);
	ok &= same(cas, "signature", sig, want_sig + 10);
	aws_request_free(&r);

	/* All stages at once on the raw request. */
	parse_http(req, &r);
	assert_int_equal(sigv4_sign(&r, &creds, SUITE_REGION, SUITE_SERVICE, now, flags), 0);
	ok &= same(cas, "Authorization", aws_request_header(&r, "authorization"), want_authz);
	/* get-vanilla-with-session-token's .sreq carries a corrupted Authorization (its
	 * Signature is part of the token); .authz is right, so the .sreq check skips it. */
	aws_request_t want;
	parse_http(sreq, &want);
	ok &= same_headers(cas, &r, &want, "authorization");
	ok &= same(cas, "path", r.path, want.path);
	aws_request_free(&want);
	aws_request_free(&r);

	free(names); free(creq); free(sts);
	free(req); free(want_creq); free(want_sts); free(want_authz); free(sreq);
	return ok;
}

static void test_aws_suite(void **state)
{
	(void)state;
	char **cases = NULL;
	size_t n = find_cases("tests/fixtures/sigv4", "%s.req", &cases, 0);
	size_t passed = 0;
	for (size_t i = 0; i < n; i++) passed += (size_t)suite_case(cases[i]);
	print_message("aws-sig-v4-test-suite: %zu of %zu cases passed (creq, sts, signature, "
	              "Authorization, signed request)\n", passed, n);
	free_cases(cases, n);
	assert_int_equal(n, SUITE_CASES);
	assert_int_equal(passed, n);
}

/* ---- aws-c-auth v4 suite: context.json + header-* and query-* expectations ---- */

typedef struct crt_ctx {
	aws_creds_t creds;
	char region[32], service[32];
	time_t now;
	int expires;
	unsigned flags;
} crt_ctx_t;

static void crt_context(const char *cas, crt_ctx_t *c)
{
	char *text = read_case(cas, "context.json");
	cJSON *j = cJSON_Parse(text);
	free(text);
	assert_non_null(j);
	cJSON *cr = cJSON_GetObjectItem(j, "credentials");
	const char *token = cJSON_GetStringValue(cJSON_GetObjectItem(cr, "token"));
	memset(c, 0, sizeof *c);
	c->creds.access_key_id = strdup(cJSON_GetStringValue(cJSON_GetObjectItem(cr, "access_key_id")));
	c->creds.secret_access_key =
		strdup(cJSON_GetStringValue(cJSON_GetObjectItem(cr, "secret_access_key")));
	c->creds.session_token = token ? strdup(token) : NULL;
	snprintf(c->region, sizeof c->region, "%s",
	         cJSON_GetStringValue(cJSON_GetObjectItem(j, "region")));
	snprintf(c->service, sizeof c->service, "%s",
	         cJSON_GetStringValue(cJSON_GetObjectItem(j, "service")));
	c->now = parse_time(cJSON_GetStringValue(cJSON_GetObjectItem(j, "timestamp")),
	                    "%Y-%m-%dT%H:%M:%SZ");
	c->expires = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(j, "expiration_in_seconds"));
	if (cJSON_IsFalse(cJSON_GetObjectItem(j, "normalize"))) c->flags |= SIGV4_NO_NORMALIZE;
	if (cJSON_IsTrue(cJSON_GetObjectItem(j, "sign_body"))) c->flags |= SIGV4_CONTENT_SHA256;
	if (cJSON_IsTrue(cJSON_GetObjectItem(j, "omit_session_token")))
		c->flags |= SIGV4_TOKEN_UNSIGNED;
	cJSON_Delete(j);
}

/* Stages 2 and 3 from a canonical request, checked against <mode>-*.txt. */
static int crt_stages(const char *cas, const crt_ctx_t *c, const char *mode, const char *creq)
{
	char file[64], amz_date[17], sig[65] = "";
	int ok = 1;
	sigv4_amz_date(c->now, amz_date);
	snprintf(file, sizeof file, "%s-canonical-request.txt", mode);
	char *want_creq = read_case(cas, file);
	snprintf(file, sizeof file, "%s-string-to-sign.txt", mode);
	char *want_sts = read_case(cas, file);
	snprintf(file, sizeof file, "%s-signature.txt", mode);
	char *want_sig = trim_end(read_case(cas, file));
	ok &= same(cas, mode, creq, want_creq);
	char *sts = sigv4_string_to_sign(amz_date, c->region, c->service, want_creq);
	ok &= same(cas, mode, sts, want_sts);
	assert_int_equal(sigv4_signature(c->creds.secret_access_key, want_sts, sig), 0);
	ok &= same(cas, mode, sig, want_sig);
	free(sts); free(want_creq); free(want_sts); free(want_sig);
	return ok;
}

static int crt_header_case(const char *cas, const crt_ctx_t *c, const char *req)
{
	char amz_date[17], payload[65];
	sigv4_amz_date(c->now, amz_date);
	aws_request_t r;
	parse_http(req, &r);
	assert_int_equal(aws_request_set_header(&r, "X-Amz-Date", amz_date), 0);
	if (c->creds.session_token && !(c->flags & SIGV4_TOKEN_UNSIGNED))
		assert_int_equal(aws_request_set_header(&r, "X-Amz-Security-Token", c->creds.session_token), 0);
	if (c->flags & SIGV4_CONTENT_SHA256) {
		sigv4_payload_hash(&r, 0, payload);
		assert_int_equal(aws_request_set_header(&r, "x-amz-content-sha256", payload), 0);
	}
	char *creq = sigv4_canonical_request(&r, c->flags, NULL);
	int ok = crt_stages(cas, c, "header", creq);
	free(creq);
	aws_request_free(&r);

	parse_http(req, &r);
	assert_int_equal(sigv4_sign(&r, &c->creds, c->region, c->service, c->now, c->flags), 0);
	char *sreq = read_case(cas, "header-signed-request.txt");
	aws_request_t want;
	parse_http(sreq, &want);
	ok &= same_headers(cas, &r, &want, NULL);
	ok &= same(cas, "header path", r.path, want.path);
	char *body = dupn(r.body ? (char *)r.body : "", r.body_len);
	char *want_body = dupn(want.body ? (char *)want.body : "", want.body_len);
	ok &= same(cas, "header body", body, want_body);
	free(body);
	free(want_body);
	aws_request_free(&want);
	aws_request_free(&r);
	free(sreq);
	return ok;
}

static int crt_query_case(const char *cas, const crt_ctx_t *c, const char *req)
{
	aws_request_t r;
	parse_http(req, &r);
	assert_int_equal(sigv4_presign(&r, &c->creds, c->region, c->service, c->now, c->expires,
	                               c->flags), 0);
	char *sreq = read_case(cas, "query-signed-request.txt");
	aws_request_t want;
	parse_http(sreq, &want);
	int ok = same(cas, "presigned query", r.query, want.query);
	ok &= same(cas, "presigned path", r.path, want.path);
	ok &= same_headers(cas, &r, &want, NULL);
	aws_request_free(&want);
	free(sreq);

	/* The stages, recomputed from what was signed: the query without the signature
	 * (and without the token when it is added after signing). */
	const char *cut = (c->flags & SIGV4_TOKEN_UNSIGNED) ? "&X-Amz-Security-Token="
	                                                     : "&X-Amz-Signature=";
	char *at = strstr(r.query, cut);
	assert_non_null(at);
	*at = 0;
	char *creq = sigv4_canonical_request(&r, c->flags & ~(unsigned)SIGV4_CONTENT_SHA256, NULL);
	ok &= crt_stages(cas, c, "query", creq);
	free(creq);
	aws_request_free(&r);
	return ok;
}

static void test_crt_suite(void **state)
{
	(void)state;
	char **cases = NULL;
	size_t n = find_cases("tests/fixtures/sigv4-crt", "context.json", &cases, 0);
	size_t header_ok = 0, query_ok = 0;
	for (size_t i = 0; i < n; i++) {
		crt_ctx_t c;
		crt_context(cases[i], &c);
		char *req = read_case(cases[i], "request.txt");
		header_ok += (size_t)crt_header_case(cases[i], &c, req);
		query_ok += (size_t)crt_query_case(cases[i], &c, req);
		free(req);
		aws_creds_free(&c.creds);
	}
	print_message("aws-c-auth v4 suite: %zu of %zu cases passed with header signing, %zu of %zu "
	              "with query-string signing\n", header_ok, n, query_ok, n);
	free_cases(cases, n);
	assert_int_equal(n, CRT_CASES);
	assert_int_equal(header_ok, n);
	assert_int_equal(query_ok, n);
}

/* ---- S3 worked examples ---- */

static const char *jstr(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, k));
	assert_non_null(s);
	return s;
}

static void s3_request(const cJSON *cs, aws_request_t *r)
{
	aws_request_init(r, jstr(cs, "method"), jstr(cs, "host"), jstr(cs, "path"), jstr(cs, "query"));
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(cs, "headers"))
		assert_int_equal(aws_request_add_header(r, h->string, h->valuestring), 0);
	const char *body = cJSON_GetStringValue(cJSON_GetObjectItem(cs, "payload"));
	if (body) assert_int_equal(aws_request_set_body(r, body, strlen(body)), 0);
}

/* "a=1&b=2" with its parameters sorted, for comparing URLs whose order may differ. */
static char *sorted_params(const char *q)
{
	char *copy = strdup(q), *save = NULL, *parts[32];
	size_t n = 0;
	for (char *t = strtok_r(copy, "&", &save); t && n < 32; t = strtok_r(NULL, "&", &save))
		parts[n++] = t;
	qsort(parts, n, sizeof *parts, cmp_str);
	char *out = calloc(1, strlen(q) + 2);
	for (size_t i = 0; i < n; i++) {
		if (i) strcat(out, "&");
		strcat(out, parts[i]);
	}
	free(copy);
	return out;
}

static int s3_header_case(const char *name, const cJSON *cs, const aws_creds_t *creds, time_t now)
{
	aws_request_t r;
	s3_request(cs, &r);
	int ok = 1;
	const char *cpath = cJSON_GetStringValue(cJSON_GetObjectItem(cs, "canonical_path"));
	if (cpath) {
		char *u = sigv4_canonical_uri(r.path, SIGV4_S3);
		ok &= same(name, "canonical path", u, cpath);
		free(u);
	}
	char *names = NULL, sig[65] = "";
	char *creq = sigv4_canonical_request(&r, SIGV4_S3, &names);
	ok &= same(name, "canonical request", creq, jstr(cs, "canonical_request"));
	ok &= same(name, "signed headers", names, jstr(cs, "signed_headers"));
	char *sts = sigv4_string_to_sign(jstr(cs, "amz_date"), jstr(cs, "region"),
	                                 jstr(cs, "service"), jstr(cs, "canonical_request"));
	ok &= same(name, "string to sign", sts, jstr(cs, "string_to_sign"));
	assert_int_equal(sigv4_signature(creds->secret_access_key, jstr(cs, "string_to_sign"), sig), 0);
	ok &= same(name, "signature", sig, jstr(cs, "signature"));
	aws_request_free(&r);

	s3_request(cs, &r);
	assert_int_equal(sigv4_sign(&r, creds, jstr(cs, "region"), jstr(cs, "service"), now, SIGV4_S3),
	                 0);
	/* The S3 pages write the Authorization parts separated by "," alone. */
	char auth[512];
	const char *a = aws_request_header(&r, "authorization");
	size_t o = 0;
	for (; a && *a && o + 1 < sizeof auth; a++)
		if (!(a[0] == ' ' && a > aws_request_header(&r, "authorization") && a[-1] == ','))
			auth[o++] = *a;
	auth[o] = 0;
	ok &= same(name, "Authorization", auth, jstr(cs, "authorization"));
	aws_request_free(&r);
	free(names); free(creq); free(sts);
	return ok;
}

static int s3_query_case(const char *name, const cJSON *cs, const aws_creds_t *creds, time_t now)
{
	aws_request_t r;
	s3_request(cs, &r);
	int expires = (int)cJSON_GetNumberValue(cJSON_GetObjectItem(cs, "expires"));
	unsigned flags = SIGV4_S3 | SIGV4_UNSIGNED_PAYLOAD;
	assert_int_equal(sigv4_presign(&r, creds, jstr(cs, "region"), jstr(cs, "service"), now, expires,
	                               flags), 0);
	char *url = NULL;
	assert_true(asprintf(&url, "https://%s%s?%s", r.host, r.path, r.query) > 0);
	const char *want_url = jstr(cs, "presigned_url");
	const char *wq = strchr(want_url, '?');
	char *got_base = dupn(url, (size_t)(strchr(url, '?') - url));
	char *want_base = dupn(want_url, (size_t)(wq - want_url));
	int ok = same(name, "URL before the query", got_base, want_base);
	free(got_base); free(want_base);
	char *got_sorted = sorted_params(r.query), *want_sorted = sorted_params(wq + 1);
	ok &= same(name, "presigned URL parameters", got_sorted, want_sorted);
	free(got_sorted); free(want_sorted); free(url);

	*strstr(r.query, "&X-Amz-Signature=") = 0;
	char *cq = sigv4_canonical_query(r.query);
	ok &= same(name, "canonical query", cq, jstr(cs, "canonical_query_string"));
	char *creq = sigv4_canonical_request(&r, flags, NULL);
	ok &= same(name, "canonical request", creq, jstr(cs, "canonical_request"));
	char *sts = sigv4_string_to_sign(jstr(cs, "amz_date"), jstr(cs, "region"),
	                                 jstr(cs, "service"), creq);
	ok &= same(name, "string to sign", sts, jstr(cs, "string_to_sign"));
	char sig[65] = "";
	assert_int_equal(sigv4_signature(creds->secret_access_key, jstr(cs, "string_to_sign"), sig), 0);
	ok &= same(name, "signature", sig, jstr(cs, "signature"));
	free(cq); free(creq); free(sts);
	aws_request_free(&r);
	return ok;
}

static void test_s3_examples(void **state)
{
	(void)state;
	char *text = fixture_read("s3-sigv4/s3-sigv4-examples.json", NULL, 0);
	cJSON *j = cJSON_Parse(text);
	free(text);
	assert_non_null(j);
	size_t n = 0, passed = 0;
	const cJSON *cs;
	cJSON_ArrayForEach(cs, cJSON_GetObjectItem(j, "cases")) {
		const char *name = jstr(cs, "name");
		aws_creds_t creds = {.access_key_id = (char *)jstr(cs, "access_key_id"),
		                     .secret_access_key = (char *)jstr(cs, "secret_access_key")};
		time_t now = parse_time(jstr(cs, "amz_date"), "%Y%m%dT%H%M%SZ");
		n++;
		if (strcmp(jstr(cs, "mode"), "query") == 0)
			passed += (size_t)s3_query_case(name, cs, &creds, now);
		else
			passed += (size_t)s3_header_case(name, cs, &creds, now);
	}
	cJSON_ArrayForEach(cs, cJSON_GetObjectItem(j, "signing_key_examples")) {
		unsigned char key[32];
		char hexkey[65];
		sigv4_signing_key(jstr(cs, "secret_access_key"), jstr(cs, "date"), jstr(cs, "region"),
		                  jstr(cs, "service"), key);
		for (int i = 0; i < 32; i++) snprintf(hexkey + 2 * i, 3, "%02x", key[i]);
		n++;
		passed += (size_t)same(jstr(cs, "name"), "signing key", hexkey, jstr(cs, "signing_key_hex"));
	}
	cJSON_Delete(j);
	print_message("S3 worked examples: %zu of %zu passed\n", passed, n);
	assert_int_equal(n, 6);
	assert_int_equal(passed, n);
}

/* ---- behaviour beyond the suites ---- */

static void test_canonical_uri_rules(void **state)
{
	(void)state;
	static const struct { const char *path; unsigned flags; const char *want; } cases[] = {
		{"/my-object//example//photo.user", SIGV4_S3, "/my-object//example//photo.user"},
		{"/my-object//example//photo.user", 0, "/my-object/example/photo.user"},
		{"/a%20b", 0, "/a%2520b"},               /* encoded again for non-S3 services */
		{"/a%20b", SIGV4_S3, "/a%20b"},          /* once for S3 */
		{"/a b+c", SIGV4_S3, "/a%20b%2Bc"},
		{"/a/b/../c/./d/", 0, "/a/c/d/"},
		{"/a/b/..", 0, "/a/"},
		{"/../..", 0, "/"},
		{"", 0, "/"},
		{"/100%", SIGV4_S3, "/100%25"},          /* a stray '%' is a literal */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *u = sigv4_canonical_uri(cases[i].path, cases[i].flags);
		assert_string_equal(u, cases[i].want);
		free(u);
	}
}

static void test_canonical_query_rules(void **state)
{
	(void)state;
	static const struct { const char *q, *want; } cases[] = {
		{NULL, ""},
		{"", ""},
		{"b=2&a=1&a=0", "a=0&a=1&b=2"},
		{"Action=ListUsers&Version=2010-05-08", "Action=ListUsers&Version=2010-05-08"},
		{"prefix=a+b&x=%2f", "prefix=a%2Bb&x=%2F"},      /* '+' is literal; hex upper case */
		{"k=a b&&flag", "flag=&k=a%20b"},               /* empty pairs skipped, bare key */
		{"Param=Value2&Param-3=Value3", "Param=Value2&Param-3=Value3"}, /* by key, then value */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *q = sigv4_canonical_query(cases[i].q);
		assert_string_equal(q, cases[i].want);
		free(q);
	}
}

static void test_sign_adds_host_and_resigns(void **state)
{
	(void)state;
	aws_creds_t creds = {.access_key_id = "AKIDEXAMPLE", .secret_access_key = SUITE_SECRET,
	                     .session_token = "TOKEN"};
	aws_request_t r;
	aws_request_init(&r, "POST", "127.0.0.1:5000", "/", NULL);
	aws_request_add_header(&r, "User-Agent", "nixl-tui/1");
	aws_request_set_body(&r, "Action=GetCallerIdentity&Version=2011-06-15", 43);
	time_t t0 = parse_time(SUITE_AMZ_DATE, "%Y%m%dT%H%M%SZ");
	assert_int_equal(sigv4_sign(&r, &creds, "us-east-1", "sts", t0, 0), 0);
	assert_string_equal(aws_request_header(&r, "host"), "127.0.0.1:5000");
	assert_string_equal(aws_request_header(&r, "x-amz-security-token"), "TOKEN");
	assert_null(aws_request_header(&r, "x-amz-content-sha256"));
	const char *a = aws_request_header(&r, "authorization");
	assert_non_null(strstr(a, "Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, "
	                          "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature="));
	assert_null(strstr(a, SUITE_SECRET));
	char first[65];
	snprintf(first, sizeof first, "%s", strstr(a, "Signature=") + 10);

	/* A retry re-signs: one of each header, a new date, a new signature. */
	assert_int_equal(sigv4_sign(&r, &creds, "us-east-1", "sts", t0 + 5, 0), 0);
	size_t auths = 0, dates = 0;
	for (size_t i = 0; i < r.nheaders; i++) {
		auths += strcasecmp(r.headers[i].name, "authorization") == 0;
		dates += strcasecmp(r.headers[i].name, "x-amz-date") == 0;
	}
	assert_int_equal(auths, 1);
	assert_int_equal(dates, 1);
	assert_string_equal(aws_request_header(&r, "x-amz-date"), "20150830T123605Z");
	assert_string_not_equal(strstr(aws_request_header(&r, "authorization"), "Signature=") + 10,
	                        first);
	aws_request_free(&r);
}

static void test_sign_s3_payload_header(void **state)
{
	(void)state;
	aws_creds_t creds = {.access_key_id = "AKIDEXAMPLE", .secret_access_key = SUITE_SECRET};
	aws_request_t r;
	aws_request_init(&r, "PUT", "s3.us-east-1.amazonaws.com", "/bucket/key", NULL);
	aws_request_set_body(&r, "Welcome to Amazon S3.", 21);
	assert_int_equal(sigv4_sign(&r, &creds, "us-east-1", "s3", 0, SIGV4_S3), 0);
	assert_string_equal(aws_request_header(&r, "x-amz-content-sha256"),
	                    "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
	assert_non_null(strstr(aws_request_header(&r, "authorization"),
	                       "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
	aws_request_free(&r);

	aws_request_init(&r, "PUT", "s3.us-east-1.amazonaws.com", "/bucket/key", NULL);
	assert_int_equal(sigv4_sign(&r, &creds, "us-east-1", "s3", 0,
	                            SIGV4_S3 | SIGV4_UNSIGNED_PAYLOAD), 0);
	assert_string_equal(aws_request_header(&r, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
	aws_request_free(&r);
}

static void test_signature_rejects_bad_scope(void **state)
{
	(void)state;
	char sig[65];
	assert_int_equal(sigv4_signature(SUITE_SECRET, "AWS4-HMAC-SHA256\n20150830T123600Z", sig), -1);
	assert_int_equal(sigv4_signature(SUITE_SECRET, "AWS4-HMAC-SHA256\nX\nnoslashes\nabc", sig), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aws_suite),
		cmocka_unit_test(test_crt_suite),
		cmocka_unit_test(test_s3_examples),
		cmocka_unit_test(test_canonical_uri_rules),
		cmocka_unit_test(test_canonical_query_rules),
		cmocka_unit_test(test_sign_adds_host_and_resigns),
		cmocka_unit_test(test_sign_s3_payload_header),
		cmocka_unit_test(test_signature_rejects_bad_scope),
	};
	return cmocka_run_group_tests_name("sigv4", tests, NULL, NULL);
}

#include "efa/pp_ctl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sums and products rdm_pp.c forms from a hello's numbers: the data loop runs
 * warmup + iterations in an int, the buffers are 2 * max bytes, a row's total is
 * size * iterations * 2 bytes in a uint64_t. */
_Static_assert(PP_CTL_MAX_ITERATIONS + PP_CTL_MAX_WARMUP <= 0x7fffffff,
               "warm-up plus iterations must fit an int");
_Static_assert(2 * PP_CTL_MAX_SIZE <= SIZE_MAX, "two buffers of the largest size must fit");
_Static_assert(PP_CTL_MAX_SIZE <= UINT64_MAX / 2 / PP_CTL_MAX_ITERATIONS,
               "a row's byte total must fit a uint64_t");

/* More fields than any line has, so a longer line is counted, not cut. */
#define MAX_FIELDS 8
/* How much of a peer's text an error sentence quotes. */
#define QUOTE_MAX 24

typedef struct fields {
	const char *p[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	int n;          /* all fields, also those past MAX_FIELDS */
	int empty;      /* a field was empty: doubled, leading or trailing space */
} fields_t;

/* Fields separated by exactly one space. */
static void split(const char *line, fields_t *f)
{
	memset(f, 0, sizeof *f);
	const char *p = line;
	for (;;) {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0) f->empty = 1;
		if (f->n < MAX_FIELDS) {
			f->p[f->n] = p;
			f->len[f->n] = len;
		}
		f->n++;
		if (!end) return;
		p = end + 1;
	}
}

/* The peer's text as a sentence can carry it: printable ASCII, cut short. */
static void quote(const char *s, size_t len, char out[QUOTE_MAX + 1])
{
	size_t n = len > QUOTE_MAX ? QUOTE_MAX - 3 : len, i;
	for (i = 0; i < n; i++) out[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (n < len) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = 0;
}

static int is_field(const fields_t *f, int i, const char *want)
{
	return i < f->n && f->len[i] == strlen(want) && memcmp(f->p[i], want, f->len[i]) == 0;
}

/* Decimal digits only (no sign, space, suffix or exponent), no larger than max. */
static int parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0) return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10) return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int valid_provider(const char *s, size_t len)
{
	if (len == 0 || len > PP_CTL_PROVIDER_MAX) return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		         c == '_' || c == '-' || c == '.' || c == ';';
		if (!ok) return 0;
	}
	return 1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, size_t len, unsigned char *out, size_t *outlen)
{
	if (len == 0 || len % 2 || len / 2 > PP_CTL_ADDR_MAX) return -1;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0) return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*outlen = len / 2;
	return 0;
}

/* Splits line after checking its length and its first field; -1 with the sentence. */
static int start(const char *line, const char *keyword, const char *what, fields_t *f,
                 char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];
	if (strnlen(line, PP_CTL_LINE_MAX + 1) > PP_CTL_LINE_MAX) {
		snprintf(err, errlen, "%s is longer than %d bytes", what, PP_CTL_LINE_MAX);
		return -1;
	}
	split(line, f);
	if (!is_field(f, 0, keyword)) {
		quote(line, strlen(line), q);
		snprintf(err, errlen, "expected %s, got \"%s\"", what, q);
		return -1;
	}
	return 0;
}

static int field_count(const fields_t *f, int want, const char *what, char *err,
                       size_t errlen)
{
	if (f->n == want && !f->empty) return 0;
	if (f->empty)
		snprintf(err, errlen, "%s has an empty field (fields take one space between them)",
		         what);
	else
		snprintf(err, errlen, "%s has %d fields where %s has %d", what, f->n, PP_CTL_MAGIC,
		         want);
	return -1;
}

static int bad_provider(const fields_t *f, int i, const char *what, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];
	if (valid_provider(f->p[i], f->len[i])) return 0;
	quote(f->p[i], f->len[i], q);
	snprintf(err, errlen, "the provider in %s must be 1 to %d letters, digits or any of "
	         "\"_-.;\", not \"%s\"", what, PP_CTL_PROVIDER_MAX, q);
	return -1;
}

static int bad_addr(const fields_t *f, int i, const char *what, unsigned char *addr,
                    size_t *addrlen, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 1];
	if (parse_hex(f->p[i], f->len[i], addr, addrlen) == 0) return 0;
	quote(f->p[i], f->len[i], q);
	snprintf(err, errlen, "the fabric address in %s must be an even number of hex digits, "
	         "2 to %d, not \"%s\"", what, 2 * PP_CTL_ADDR_MAX, q);
	return -1;
}

int pp_ctl_parse_hello(const char *line, pp_hello_t *h, char *err, size_t errlen)
{
	static const char what[] = "the client's hello";
	/* The numbers, by field: each names itself and its range in the sentence. */
	static const struct { int field; uint64_t min, max; const char *name, *unit; } nums[] = {
		{ 3, 1, PP_CTL_MAX_ITERATIONS, "iteration count", "" },
		{ 4, 0, PP_CTL_MAX_WARMUP, "warm-up count", "" },
		{ 5, 1, PP_CTL_MAX_SIZE, "largest message size", " bytes (the largest -S)" },
	};
	uint64_t v[sizeof nums / sizeof nums[0]];
	fields_t f;
	char q[QUOTE_MAX + 1];
	memset(h, 0, sizeof *h);
	if (start(line, "HELLO", what, &f, err, errlen) < 0) return -1;
	if (!is_field(&f, 1, PP_CTL_MAGIC)) {
		quote(line, strlen(line), q);
		snprintf(err, errlen, "the client does not speak %s: \"%s\"", PP_CTL_MAGIC, q);
		return -1;
	}
	if (field_count(&f, 7, what, err, errlen) < 0 || bad_provider(&f, 2, what, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		const char *s = f.p[nums[i].field];
		size_t len = f.len[nums[i].field];
		if (parse_uint(s, len, nums[i].max, &v[i]) == 0 && v[i] >= nums[i].min) continue;
		quote(s, len, q);
		snprintf(err, errlen, "the %s in %s must be a whole number from %llu to %llu%s, "
		         "not \"%s\"", nums[i].name, what, (unsigned long long)nums[i].min,
		         (unsigned long long)nums[i].max, nums[i].unit, q);
		return -1;
	}
	if (bad_addr(&f, 6, what, h->addr, &h->addrlen, err, errlen) < 0) return -1;
	memcpy(h->provider, f.p[2], f.len[2]);
	h->provider[f.len[2]] = 0;
	h->iterations = (int)v[0];
	h->warmup = (int)v[1];
	h->max = v[2];
	return 0;
}

int pp_ctl_parse_addr(const char *line, char *provider, size_t provlen, unsigned char *addr,
                      size_t *addrlen, char *err, size_t errlen)
{
	static const char what[] = "the server's address line";
	fields_t f;
	memset(addr, 0, PP_CTL_ADDR_MAX);
	if (start(line, "ADDR", what, &f, err, errlen) < 0 ||
	    field_count(&f, 3, what, err, errlen) < 0 || bad_provider(&f, 1, what, err, errlen) < 0 ||
	    bad_addr(&f, 2, what, addr, addrlen, err, errlen) < 0)
		return -1;
	snprintf(provider, provlen, "%.*s", (int)f.len[1], f.p[1]);
	return 0;
}

int pp_ctl_parse_size(const char *line, uint64_t max, uint64_t *size, char *err,
                      size_t errlen)
{
	static const char what[] = "the client's next size";
	fields_t f;
	char q[QUOTE_MAX + 1];
	if (start(line, "SIZE", what, &f, err, errlen) < 0 ||
	    field_count(&f, 2, what, err, errlen) < 0)
		return -1;
	if (parse_uint(f.p[1], f.len[1], max, size) == 0 && *size >= 1) return 0;
	quote(f.p[1], f.len[1], q);
	snprintf(err, errlen, "the size in %s must be a whole number of bytes from 1 to %llu (its "
	         "hello's largest), not \"%s\"", what, (unsigned long long)max, q);
	return -1;
}

/* A time in a row: what strtod reads of the whole field, finite and not negative. */
static int parse_time(const char *s, size_t len, double *out)
{
	char buf[64];
	if (len == 0 || len >= sizeof buf) return -1;
	memcpy(buf, s, len);
	buf[len] = 0;
	char *end;
	double v = strtod(buf, &end);
	if (*end || !isfinite(v) || v < 0) return -1;
	*out = v;
	return 0;
}

int pp_ctl_parse_row(const char *line, uint64_t size, int iterations, double *time_s,
                     double *median_usec, double *p99_usec, char *err, size_t errlen)
{
	static const char what[] = "the client's result row";
	double *times[] = { time_s, median_usec, p99_usec };
	fields_t f;
	uint64_t b, n;
	char q[QUOTE_MAX + 1];
	if (start(line, "ROW", what, &f, err, errlen) < 0 ||
	    field_count(&f, 6, what, err, errlen) < 0)
		return -1;
	if (parse_uint(f.p[1], f.len[1], UINT64_MAX, &b) < 0 || b != size ||
	    parse_uint(f.p[2], f.len[2], PP_CTL_MAX_ITERATIONS, &n) < 0 ||
	    n != (uint64_t)iterations) {
		quote(f.p[1], (size_t)(f.p[2] + f.len[2] - f.p[1]), q);
		snprintf(err, errlen, "%s is for \"%s\" where this size is %llu bytes and %d "
		         "iterations", what, q, (unsigned long long)size, iterations);
		return -1;
	}
	for (int i = 0; i < 3; i++) {
		if (parse_time(f.p[3 + i], f.len[3 + i], times[i]) == 0) continue;
		quote(f.p[3 + i], f.len[3 + i], q);
		snprintf(err, errlen, "the times in %s must be finite numbers of 0 or more, not "
		         "\"%s\"", what, q);
		return -1;
	}
	return 0;
}

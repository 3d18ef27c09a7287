#include "base/textsafe.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef enum { TS_PASS, TS_BYTE, TS_CODE } ts_kind_t;

/* Length of the valid UTF-8 sequence at s (shortest form, no surrogates), its code point
 * in *cp; 0 if invalid (a truncated sequence included: the NUL fails the continuation). */
static size_t utf8_seq(const unsigned char *s, unsigned *cp)
{
	unsigned c = s[0], min, v;
	size_t n;
	if (c < 0x80) { *cp = c; return 1; }
	if (c >= 0xc2 && c <= 0xdf) { n = 2; v = c & 0x1f; min = 0x80; }
	else if (c >= 0xe0 && c <= 0xef) { n = 3; v = c & 0x0f; min = 0x800; }
	else if (c >= 0xf0 && c <= 0xf4) { n = 4; v = c & 0x07; min = 0x10000; }
	else return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
	*cp = v;
	return n;
}

/* Code points a terminal acts on or that reorder what is shown around them. */
static int dangerous_cp(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x61c;
}

/* What to do with the text at s (not at its end): *len bytes pass, or one byte or one
 * character (*v) is escaped. */
static ts_kind_t classify(const unsigned char *s, size_t *len, unsigned *v)
{
	unsigned cp;
	size_t n = utf8_seq(s, &cp);
	if (n == 0) { *len = 1; *v = s[0]; return TS_BYTE; }
	*len = n;
	if (n == 1) {
		if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7f) { *v = cp; return TS_BYTE; }
		return TS_PASS;
	}
	if (dangerous_cp(cp)) { *v = cp; return TS_CODE; }
	return TS_PASS;
}

/* The rendering of the piece at s for a terminal: a pointer to the bytes and their count
 * (into esc when escaped); the input advances by *in. */
static const char *render_text(const unsigned char *s, char esc[TEXTSAFE_ESC_MAX + 1], size_t *in,
                               size_t *out)
{
	unsigned v;
	ts_kind_t k = classify(s, in, &v);
	if (k == TS_PASS) { *out = *in; return (const char *)s; }
	*out = (size_t)snprintf(esc, TEXTSAFE_ESC_MAX + 1, k == TS_BYTE ? "\\x%02x" : "\\u%04x", v);
	return esc;
}

size_t textsafe_copy(char *dst, size_t n, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, in, len;
	char esc[TEXTSAFE_ESC_MAX + 1];
	while (*p) {
		const char *piece = render_text(p, esc, &in, &len);
		if (o + len >= n) break;
		memcpy(dst + o, piece, len);
		o += len;
		p += in;
	}
	dst[o] = 0;
	return o;
}

char *textsafe_dup(const char *s)
{
	size_t n = strlen(s) * (TEXTSAFE_ESC_MAX - 1) + 1; /* a 1-byte escape is 4 bytes, a 2-byte one 6 */
	char *out = malloc(n);
	if (out) textsafe_copy(out, n, s);
	return out;
}

int textsafe_fputs(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t in, len;
	char esc[TEXTSAFE_ESC_MAX + 1];
	while (*p) {
		const char *piece = render_text(p, esc, &in, &len);
		if (fwrite(piece, 1, len, f) != len) return EOF;
		p += in;
	}
	return 0;
}

int textsafe_printf(FILE *f, const char *fmt, ...)
{
	char small[1024], *buf = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) return -1;
	if ((size_t)n >= sizeof small) {
		buf = malloc((size_t)n + 1);
		if (!buf) return -1;
		va_start(ap, fmt);
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	int rc = textsafe_fputs(buf, f) == EOF ? -1 : n;
	if (buf != small) free(buf);
	return rc;
}

char *textsafe_json(const char *json)
{
	size_t n = strlen(json) * 6 + 1; /* at worst each byte becomes a 6-byte \u escape */
	char *out = malloc(n);
	if (!out) return NULL;
	const unsigned char *p = (const unsigned char *)json;
	size_t o = 0, len;
	unsigned v;
	while (*p) {
		ts_kind_t k = classify(p, &len, &v);
		if (k == TS_PASS) {
			memcpy(out + o, p, len);
			o += len;
		} else {
			/* a byte >= 0x80 here is not UTF-8: the replacement character stands in */
			unsigned cp = k == TS_BYTE && v >= 0x80 ? 0xfffd : v;
			o += (size_t)snprintf(out + o, n - o, "\\u%04x", cp);
		}
		p += len;
	}
	out[o] = 0;
	return out;
}

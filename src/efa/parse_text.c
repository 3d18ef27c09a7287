#include "efa/parse_text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ptext_fmt(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, n, fmt, ap);
	va_end(ap);
}

const char *ptext_skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t') s++;
	return s;
}

int ptext_words(const char *line, const char **w, size_t *wl, int max)
{
	int n = 0;
	const char *p = line;
	while (*p) {
		p = ptext_skip_ws(p);
		if (!*p) break;
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t') p++;
		if (n == max) return max + 1;
		w[n] = s;
		wl[n++] = (size_t)(p - s);
	}
	return n;
}

int ptext_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void ptext_copy_trim(char *out, size_t n, const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) { s++; len--; }
	while (len > 0 && isspace((unsigned char)s[len - 1])) len--;
	if (n == 0) return;
	if (len >= n) len = n - 1;
	memcpy(out, s, len);
	out[len] = 0;
}

/* "[1,0]<stdout>:" / "[1,12]<stderr>:" as Open MPI's --tag-output writes them. */
static size_t mpirun_prefix(const char *s)
{
	if (s[0] != '[' || !isdigit((unsigned char)s[1])) return 0;
	const char *p = s + 1;
	while (isdigit((unsigned char)*p)) p++;
	if (*p++ != ',') return 0;
	if (!isdigit((unsigned char)*p)) return 0;
	while (isdigit((unsigned char)*p)) p++;
	if (*p++ != ']') return 0;
	if (strncmp(p, "<stdout>:", 9) == 0 || strncmp(p, "<stderr>:", 9) == 0) return (size_t)(p + 9 - s);
	return 0;
}

/* "[rank 1] " as job launchers and per-rank log collectors write it. */
static size_t rank_prefix(const char *s)
{
	if (strncmp(s, "[rank ", 6) != 0 || !isdigit((unsigned char)s[6])) return 0;
	const char *p = s + 6;
	while (isdigit((unsigned char)*p)) p++;
	if (*p != ']') return 0;
	return (size_t)(p + 1 - s);
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i])) return 0;
	return 1;
}

/* An ISO 8601 time stamp, as log shippers and `ts` put before every line:
 * "2026-02-25T10:00:00Z", "2026-02-25 10:00:00.123+00:00", optionally in brackets. */
static size_t time_prefix(const char *s)
{
	const char *p = s + (*s == '[');
	if (!digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' || !digits(p + 8, 2) ||
	    (p[10] != 'T' && p[10] != ' ') || !digits(p + 11, 2) || p[13] != ':' || !digits(p + 14, 2) ||
	    p[16] != ':' || !digits(p + 17, 2))
		return 0;
	p += 19;
	if (*p == '.' || *p == ',')
		for (p++; isdigit((unsigned char)*p); p++) {}
	if (*p == 'Z') p++;
	else if ((*p == '+' || *p == '-') && digits(p + 1, 2)) {
		p += 3 + (p[3] == ':');
		if (digits(p, 2)) p += 2;
	}
	if (*s == '[' && *p++ != ']') return 0;
	return (size_t)(p - s);
}

size_t ptext_launcher_prefix(const char *line, char *tag, size_t n)
{
	size_t off = 0, used = 0;
	if (tag && n) tag[0] = 0;
	for (;;) {
		const char *s = line + off;
		size_t k = time_prefix(s);
		if (k) {
			off += k;
			while (line[off] == ' ' || line[off] == '\t') off++;
			continue;
		}
		if (!(k = mpirun_prefix(s)) && !(k = rank_prefix(s))) break;
		/* the rank is the stream's name: kept so interleaved ranks can be told apart */
		if (tag && used + k + 1 < n) {
			memcpy(tag + used, s, k);
			used += k;
			tag[used] = 0;
		}
		off += k;
		if (s[k - 1] == ']')
			while (line[off] == ' ') off++;
	}
	return off;
}

char *ptext_clean(char *line)
{
	size_t skip = ptext_launcher_prefix(line, NULL, 0);
	if (skip) memmove(line, line + skip, strlen(line + skip) + 1);
	size_t n = strlen(line);
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = 0;
	return line;
}

static int all_hashed(const char *p, const char *end)
{
	int lines = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *q = p;
		while (q < e && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
		if (q < e) {
			if (*q != '#') return 0;
			lines++;
		}
		p = nl ? nl + 1 : end;
	}
	return lines > 1;
}

void ptext_init(ptext_t *t, const char *text, size_t len)
{
	memset(t, 0, sizeof *t);
	t->cur = text;
	t->end = text + len;
	t->strip_hash = all_hashed(text, t->end);
}

const char *ptext_next(ptext_t *t)
{
	if (!t->cur || t->cur >= t->end) return NULL;
	const char *nl = memchr(t->cur, '\n', (size_t)(t->end - t->cur));
	const char *e = nl ? nl : t->end;
	size_t n = (size_t)(e - t->cur);
	if (n >= sizeof t->line) n = sizeof t->line - 1;
	for (size_t i = 0; i < n; i++) t->line[i] = t->cur[i] ? t->cur[i] : ' ';
	t->line[n] = 0;
	t->cur = nl ? nl + 1 : t->end;
	t->lineno++;
	char *s = t->line;
	size_t skip = ptext_launcher_prefix(s, t->tag, sizeof t->tag);
	if (skip) memmove(s, s + skip, strlen(s + skip) + 1);
	if (t->strip_hash) {
		char *q = (char *)ptext_skip_ws(s);
		if (*q == '#') {
			q++;
			if (*q == ' ') q++;
			memmove(s, q, strlen(q) + 1);
		}
	}
	return ptext_clean(s);
}

const char *ptext_prompt_command(const char *line)
{
	const char *s = line;
	/* a virtualenv/conda tag: "(aws_neuronx_venv_pytorch) [ec2-user@ip ~]$ cmd" */
	if (*s == '(') {
		const char *c = strchr(s, ')');
		if (!c || c[1] != ' ') return NULL;
		s = c + 2;
	}
	const char *p = s;
	if (*p == '[') {
		const char *c = strchr(p, ']');
		if (!c) return NULL;
		p = c + 1;
	} else {
		while (*p && (isalnum((unsigned char)*p) || strchr("@:~/._+-", *p))) p++;
	}
	if (*p != '$' && *p != '#') return NULL;
	if (p == s && *p == '#') return NULL; /* a bare "# ..." is a comment, not a root prompt */
	if (p[1] != ' ') return NULL;
	const char *cmd = ptext_skip_ws(p + 1);
	return *cmd ? cmd : NULL;
}

const char *ptext_key_value(const char *line, char *key, size_t keylen)
{
	const char *s = ptext_skip_ws(line);
	const char *k = s;
	while (*s && (isalnum((unsigned char)*s) || *s == '_' || *s == ' ' || *s == '-' || *s == '.')) s++;
	if (*s != ':' || s == k) return NULL;
	ptext_copy_trim(key, keylen, k, (size_t)(s - k));
	const char *v = ptext_skip_ws(s + 1);
	return v;
}

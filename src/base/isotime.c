#include "base/isotime.h"

#include <stdio.h>

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9') return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

/* ".809" or ".484654": milliseconds, the digits past the third dropped. */
static int fraction(const char **p, int *ms)
{
	int n = 0, v = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++)
		if (n < 3) v = v * 10 + (**p - '0');
	if (n == 0) return -1;
	for (; n < 3; n++) v *= 10;
	*ms = v;
	return 0;
}

/* "Z", "+hh:mm", "-hhmm", or nothing when allowed: the offset east of UTC in seconds. */
static int zone_offset(const char **p, int zone, long *off)
{
	*off = 0;
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return 0;
	}
	if (**p != '+' && **p != '-') return zone == ISOTIME_ZONE_OPTIONAL ? 0 : -1;
	int sign = *(*p)++ == '-' ? -1 : 1, oh, om;
	if (digits(p, 2, &oh)) return -1;
	if (**p == ':') (*p)++;
	if (digits(p, 2, &om) || oh > 23 || om > 59) return -1;
	*off = sign * (oh * 3600L + om * 60L);
	return 0;
}

int isotime_parse(const char *s, int zone, time_t *sec, int *ms)
{
	int y, mo, d, h, mi, se, frac = 0;
	long off;
	const char *p = s;
	if (!s) return -1;
	while (*p == ' ') p++;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
	    (*p != 'T' && *p != 't' && *p != ' ') || !*p++ || digits(&p, 2, &h) || *p++ != ':' ||
	    digits(&p, 2, &mi) || *p++ != ':' || digits(&p, 2, &se))
		return -1;
	if (*p == '.' && (p++, fraction(&p, &frac) < 0)) return -1;
	if (zone_offset(&p, zone, &off) < 0) return -1;
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return -1;
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	*sec = timegm(&tm) - off;
	if (ms) *ms = frac;
	return 0;
}

void isotime_format(time_t t, char *buf, size_t n)
{
	isotime_format_ms(t, -1, buf, n);
}

void isotime_format_basic(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (!n) return;
	if (!gmtime_r(&t, &tm) || !strftime(buf, n, "%Y%m%dT%H%M%SZ", &tm)) buf[0] = 0;
}

void isotime_format_ms(time_t t, int ms, char *buf, size_t n)
{
	struct tm tm;
	char s[32];
	if (!n) return;
	if (!gmtime_r(&t, &tm) || !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm)) {
		buf[0] = 0;
		return;
	}
	if (ms >= 0 && ms <= 999) snprintf(buf, n, "%s.%03dZ", s, ms);
	else snprintf(buf, n, "%sZ", s);
}

#include "efa/parse_pingpong.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

void pp_parser_init(pp_parser_t *p)
{
	memset(p, 0, sizeof *p);
}

/* digits[.digits] without locale (the console may set LC_ALL); -1 when not a number. */
static int decimal(const char *s, size_t n, double *out, size_t *used)
{
	size_t i = 0;
	double v = 0;
	while (i < n && isdigit((unsigned char)s[i])) v = v * 10 + (s[i++] - '0');
	if (i == 0 || i > 18) return -1;
	if (i < n && s[i] == '.') {
		i++;
		double scale = 0.1;
		size_t d0 = i;
		while (i < n && isdigit((unsigned char)s[i])) { v += (s[i++] - '0') * scale; scale /= 10; }
		if (i == d0) return -1;
	}
	*out = v;
	*used = i;
	return 0;
}

static int suffixed(const char *s, size_t n, const char *mags, const uint64_t *mults, uint64_t *out)
{
	double v;
	size_t used;
	if (decimal(s, n, &v, &used) < 0) return -1;
	uint64_t mult = 1;
	if (used < n) {
		const char *m = strchr(mags, s[used]);
		if (!m || !s[used] || used + 1 != n) return -1;
		mult = mults[m - mags];
	} else if (memchr(s, '.', n)) {
		return -1; /* a fraction without a magnitude is not something fi_pingpong prints */
	}
	double whole = floor(v);
	uint64_t tenths = (uint64_t)llround((v - whole) * 10);
	*out = (uint64_t)whole * mult + tenths * mult / 10;
	return 0;
}

int pp_parse_size(const char *s, size_t n, uint64_t *out)
{
	static const uint64_t mults[] = { 1ull << 10, 1ull << 20, 1ull << 30 };
	return suffixed(s, n, "kmg", mults, out);
}

int pp_parse_count(const char *s, size_t n, uint64_t *out)
{
	static const uint64_t mults[] = { 1000ull, 1000000ull, 1000000000ull };
	return suffixed(s, n, "kmb", mults, out);
}

static int is_word(const char *w, size_t n, const char *lit)
{
	return strlen(lit) == n && strncmp(w, lit, n) == 0;
}

static int header(const char *const *w, const size_t *wl, int n)
{
	static const char *const pp[] = { "bytes", "#sent", "#ack", "total", "time", "MB/sec", "usec/xfer", "Mxfers/sec" };
	static const char *const ft[] = { "bytes", "iters", "total", "time", "MB/sec", "usec/xfer", "Mxfers/sec" };
	const char *const *want = n == 8 ? pp : n == 7 ? ft : NULL;
	if (!want) return 0;
	for (int i = 0; i < n; i++)
		if (!is_word(w[i], wl[i], want[i])) return 0;
	return n;
}

/* fi_pingpong and fabtests print every float with "%.2f": anything else is a cut or
 * foreign line. */
static int number(const char *w, size_t n, double *out)
{
	size_t used;
	const char *dot = memchr(w, '.', n);
	if (!dot || (size_t)(w + n - dot) != 3) return -1;
	return decimal(w, n, out, &used) == 0 && used == n ? 0 : -1;
}

/* How many leading words parse as the columns of a row; the row is whole at cols. */
static int row_words(int cols, const char *const *w, const size_t *wl, int n, pp_row_t *r)
{
	memset(r, 0, sizeof *r);
	r->median_usec = r->p99_usec = NAN;
	int ok = 0;
	for (int i = 0; i < n && i < cols; i++, ok++) {
		const char *s = w[i];
		size_t l = wl[i];
		int c = cols == 8 || i < 2 ? i : i + 1; /* fabtests: no #ack column */
		double d;
		switch (c) {
		case 0: if (pp_parse_size(s, l, &r->bytes) < 0) return ok; break;
		case 1: if (pp_parse_count(s, l, &r->sent) < 0) return ok; break;
		case 2:
			if (l < 2 || !strchr("=+-", s[0]) || pp_parse_count(s + 1, l - 1, &r->acked) < 0) return ok;
			break;
		case 3: if (pp_parse_size(s, l, &r->total_bytes) < 0) return ok; break;
		case 4:
			if (l < 2 || s[l - 1] != 's' || number(s, l - 1, &r->time_s) < 0) return ok;
			break;
		case 5: if (number(s, l, &d) < 0) return ok; r->mb_per_s = d; break;
		case 6: if (number(s, l, &d) < 0) return ok; r->usec_per_xfer = d; break;
		case 7: if (number(s, l, &d) < 0) return ok; r->mxfers_per_s = d; break;
		}
	}
	return ok;
}

/* fi_pingpong's own error lines ("[error] util/pingpong.c:408 : ...") and efa_test.sh's. */
static const struct {
	const char *prefix, *needle;
	pp_failure_t failure;
} failure_lines[] = {
	{ "[error]", "failed to connect: Connection refused", PP_FAIL_REFUSED },
	{ "[error]", "remote connection closed", PP_FAIL_PEER_CLOSED },
	{ "[error]", "Connection reset by peer", PP_FAIL_PEER_CLOSED },
	{ "Error: fi_pingpong test failed because of timeout", "", PP_FAIL_TIMEOUT },
	{ "[error]", "", PP_FAIL_OTHER },
	{ "Error:", "", PP_FAIL_OTHER },
};

static pp_event_t failure(pp_parser_t *p, pp_failure_t f, const char *line)
{
	if (p->failure == PP_FAIL_NONE || p->failure == PP_FAIL_OTHER) {
		p->failure = f;
		snprintf(p->detail, sizeof p->detail, "%s", line);
	}
	return PP_EV_FAILURE;
}

static pp_event_t other_line(pp_parser_t *p, const char *s)
{
	if (ptext_starts_with(s, "libfabric:") && strchr(s, '<')) {
		if (strstr(s, "<warn>") && p->warnings++ == 0) {
			const char *gt = strchr(strstr(s, "<warn>"), '>');
			snprintf(p->first_warning, sizeof p->first_warning, "%s", ptext_skip_ws(gt + 1));
		}
		return PP_EV_LOG;
	}
	if (ptext_starts_with(s, "[debug]")) return PP_EV_LOG;
	if (ptext_starts_with(s, "fi_getinfo")) {
		const char *m = strstr(s, "-61");
		if (m && !isdigit((unsigned char)m[3])) {
			p->getinfo_error = 61;
			/* "fi_getinfo(): util/pingpong.c:1489, ret=-61": fi_pingpong's; "fi_getinfo: -61" is
			 * fi_info's too */
			p->own_lines += ptext_starts_with(s, "fi_getinfo()");
			return failure(p, PP_FAIL_NO_PROVIDER, s);
		}
	}
	for (size_t i = 0; i < sizeof failure_lines / sizeof failure_lines[0]; i++)
		if (ptext_starts_with(s, failure_lines[i].prefix) && strstr(s, failure_lines[i].needle)) {
			p->own_lines++;
			return failure(p, failure_lines[i].failure, s);
		}
	if (strcmp(s, "fi_pingpong: SUCCESS!") == 0) {
		p->success = 1;
		p->own_lines++;
	}
	return PP_EV_NONE;
}

pp_event_t pp_parser_line(pp_parser_t *p, const char *line, pp_row_t *row)
{
	char buf[PTEXT_LINE_MAX];
	snprintf(buf, sizeof buf, "%s", line);
	const char *s = ptext_skip_ws(ptext_clean(buf));
	/* a capture pasted as comments: "# bytes #sent ..." */
	if (s[0] == '#' && s[1] == ' ') s = ptext_skip_ws(s + 2);
	const char *w[10];
	size_t wl[10];
	int n = ptext_words(s, w, wl, 9);
	int h = n <= 9 ? header(w, wl, n) : 0;
	if (h) {
		p->columns = h;
		return PP_EV_HEADER;
	}
	if (p->columns && n > 0 && n <= p->columns && isdigit((unsigned char)s[0])) {
		pp_row_t r;
		int ok = row_words(p->columns, w, wl, n, &r);
		if (ok == p->columns) {
			p->rows++;
			if (row) *row = r;
			return PP_EV_ROW;
		}
		if (ok == n || ok == n - 1) { /* right so far, the last word possibly cut: a cut line */
			p->partial++;
			return PP_EV_PARTIAL;
		}
	}
	return other_line(p, s);
}

const char *pp_failure_reason(pp_failure_t f)
{
	static const char *const reasons[] = {
		[PP_FAIL_NONE] = NULL,
		[PP_FAIL_NO_PROVIDER] = "no such libfabric provider/endpoint on the node (fi_getinfo -61): "
		                        "the EFA device or driver is missing, or this instance type has no EFA",
		[PP_FAIL_REFUSED] = "the server was not reachable (connection refused): is the fi_pingpong server "
		                    "running, and is the security group's self rule missing?",
		[PP_FAIL_PEER_CLOSED] = "the peer closed the control connection: the other side died or failed, "
		                        "see its log",
		[PP_FAIL_TIMEOUT] = "fi_pingpong timed out: the peer is unreachable (security group self rule?) "
		                    "or hung",
		[PP_FAIL_OTHER] = NULL,
	};
	return (unsigned)f < sizeof reasons / sizeof reasons[0] ? reasons[f] : NULL;
}

const char *pp_exit_reason(int exit_code)
{
	switch (exit_code) {
	case 61: return pp_failure_reason(PP_FAIL_NO_PROVIDER);
	case 103:
	case 141: /* 128 + SIGPIPE: it wrote to the peer after the peer had gone */
		return pp_failure_reason(PP_FAIL_PEER_CLOSED);
	case 111: return pp_failure_reason(PP_FAIL_REFUSED);
	case 124: return "timed out: fi_pingpong has no timeout of its own and waits forever for a dead or "
	                 "unreachable peer (security group self rule?)";
	case 127: return "fi_pingpong was not found on the node (the EFA installer puts it in "
	                 "/opt/amazon/efa/bin; on Debian/Ubuntu: libfabric-bin)";
	default: return NULL;
	}
}

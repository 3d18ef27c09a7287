/* The native ping-pong's options and its output (fi_pingpong's table, JSON). */
#include "efa/rdm_pp_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonobj.h"

static const uint64_t default_sizes[] = { 64, 4096, 65536, 1048576 };

/* ---- options ---- */

void rdm_pp_opts_init(rdm_pp_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->listen_fd = -1;
	o->warmup = -1;
}

int rdm_pp_default_warmup(int iterations)
{
	int w = iterations / 10;
	return w < 10 ? 10 : w;
}

void rdm_pp_apply_defaults(rdm_pp_opts_t *o)
{
	if (!o->port) o->port = RDM_PP_DEFAULT_PORT;
	if (!o->bind) o->bind = "127.0.0.1";
	if (!o->sizes || !o->nsizes) {
		o->sizes = default_sizes;
		o->nsizes = sizeof default_sizes / sizeof default_sizes[0];
	}
	if (o->iterations <= 0) o->iterations = 1000;
	if (o->warmup < 0) o->warmup = rdm_pp_default_warmup(o->iterations);
	if (o->timeout_s <= 0) o->timeout_s = 10;
	if (o->setup_timeout_s <= 0) o->setup_timeout_s = 60;
	if (o->accept_timeout_s <= 0) o->accept_timeout_s = 300;
}

int rdm_pp_parse_sizes(const char *s, uint64_t **sizes, size_t *n, char *err, size_t errlen)
{
	static const struct { char suffix; uint64_t mul; } units[] = {
		{ 'k', 1ULL << 10 }, { 'm', 1ULL << 20 }, { 'g', 1ULL << 30 },
	};
	*sizes = NULL;
	*n = 0;
	size_t cap = 1;
	for (const char *p = s; *p; p++) cap += *p == ',';
	uint64_t *out = calloc(cap, sizeof *out);
	if (!out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *p = s;
	for (;;) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p || *p == '-' || errno) goto bad;
		uint64_t mul = 1;
		for (size_t k = 0; k < sizeof units / sizeof units[0]; k++)
			if ((*end | 0x20) == units[k].suffix) {
				mul = units[k].mul;
				end++;
				break;
			}
		if ((*end != ',' && *end != 0) || v == 0 || v > UINT64_MAX / mul) goto bad;
		if (v * mul > PP_CTL_MAX_SIZE) {
			snprintf(err, errlen, "size %.*s is above the largest the ping-pong takes, 1g "
			         "(%llu bytes)", (int)(end - p), p, (unsigned long long)PP_CTL_MAX_SIZE);
			free(out);
			*n = 0;
			return -1;
		}
		out[(*n)++] = v * mul;
		if (!*end) break;
		p = end + 1;
	}
	*sizes = out;
	return 0;
bad:
	snprintf(err, errlen,
	         "bad size list \"%s\": expected sizes > 0 separated by commas, with an optional "
	         "k, m or g suffix (e.g. 64,4k,1m)", s);
	free(out);
	*n = 0;
	return -1;
}

/* ---- output ---- */

void rdm_pp_format_count(uint64_t v, int binary, char *buf, size_t len)
{
	static const char bin_units[] = "kmgt", dec_units[] = "kmbt";
	const uint64_t base = binary ? 1024 : 1000;
	const char *units = binary ? bin_units : dec_units;
	if (v < base) {
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	uint64_t div = base;
	int u = 0;
	while (u < 3 && v / div >= base) {
		div *= base;
		u++;
	}
	uint64_t whole = v / div, rem = v % div;
	if (whole < 10 && rem)
		snprintf(buf, len, "%llu.%llu%c", (unsigned long long)whole,
		         (unsigned long long)(rem * 10 / div), units[u]);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)whole, units[u]);
}

void rdm_pp_format_header(char *buf, size_t len)
{
	snprintf(buf, len, "%-8s%-8s%-9s%-12s%-9s%-10s%-12s%-12s%-11s%s", "bytes", "#sent",
	         "#ack", "total", "time", "MB/sec", "usec/xfer", "Mxfers/sec", "median", "p99");
}

void rdm_pp_format_row(const pp_row_t *row, char *buf, size_t len)
{
	char bytes[16], sent[16], ack[17], total[16], t[24];
	rdm_pp_format_count(row->bytes, 1, bytes, sizeof bytes);
	rdm_pp_format_count(row->sent, 0, sent, sizeof sent);
	rdm_pp_format_count(row->acked, 0, ack + 1, sizeof ack - 1);
	ack[0] = '=';
	rdm_pp_format_count(row->total_bytes, 1, total, sizeof total);
	snprintf(t, sizeof t, "%.2fs", row->time_s);
	snprintf(buf, len, "%-8s%-8s%-9s%-12s%-8s%7.2f%11.2f%11.2f%12.2f%11.2f", bytes, sent, ack,
	         total, t, row->mb_per_s, row->usec_per_xfer, row->mxfers_per_s, row->median_usec,
	         row->p99_usec);
}

cJSON *rdm_pp_result_json(const pp_result_t *res, int warmup)
{
	cJSON *o = cJSON_CreateObject();
	json_add_text(o, "provider", res->provider);
	json_add_text(o, "endpoint", res->endpoint);
	cJSON_AddNumberToObject(o, "iterations", res->iterations);
	cJSON_AddNumberToObject(o, "warmup", warmup);
	cJSON_AddBoolToObject(o, "ok", res->error[0] == 0);
	json_add_text(o, "error", res->error); /* null: it did not fail */
	cJSON_AddItemToObject(o, "rows", pp_result_rows_json(res));
	return o;
}

#include "efa/pp_result.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pp_result_free(pp_result_t *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}

int pp_result_add(pp_result_t *r, const pp_row_t *row)
{
	pp_row_t *rows = realloc(r->rows, (r->nrows + 1) * sizeof *rows);
	if (!rows) return -1;
	r->rows = rows;
	r->rows[r->nrows++] = *row;
	return 0;
}

/* What was not measured (a saved log without its command line or exit code, fi_pingpong's
 * rows without per-iteration times) is null, never a 0 a reader could take for a figure. */
static void add_known(cJSON *o, const char *k, double v)
{
	if (isnan(v)) cJSON_AddNullToObject(o, k);
	else cJSON_AddNumberToObject(o, k, v);
}

cJSON *pp_result_rows_json(const pp_result_t *r)
{
	cJSON *rows = cJSON_CreateArray();
	for (size_t i = 0; i < r->nrows; i++) {
		const pp_row_t *w = &r->rows[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "bytes", (double)w->bytes);
		cJSON_AddNumberToObject(j, "sent", (double)w->sent);
		cJSON_AddNumberToObject(j, "acked", (double)w->acked);
		cJSON_AddNumberToObject(j, "total_bytes", (double)w->total_bytes);
		cJSON_AddNumberToObject(j, "time_s", w->time_s);
		cJSON_AddNumberToObject(j, "mb_per_s", w->mb_per_s);
		cJSON_AddNumberToObject(j, "usec_per_xfer", w->usec_per_xfer);
		cJSON_AddNumberToObject(j, "mxfers_per_s", w->mxfers_per_s);
		add_known(j, "median_usec", w->median_usec);
		add_known(j, "p99_usec", w->p99_usec);
		cJSON_AddItemToArray(rows, j);
	}
	return rows;
}

double pp_result_latency_usec(const pp_result_t *r)
{
	const pp_row_t *best = NULL;
	for (size_t i = 0; i < r->nrows; i++) {
		const pp_row_t *row = &r->rows[i];
		if (!best || (best->bytes == 0 && row->bytes > 0) || (row->bytes > 0 && row->bytes < best->bytes))
			best = row;
	}
	return best ? best->usec_per_xfer : NAN;
}

double pp_result_peak_mb_per_s(const pp_result_t *r)
{
	double best = NAN;
	for (size_t i = 0; i < r->nrows; i++)
		if (isnan(best) || r->rows[i].mb_per_s > best) best = r->rows[i].mb_per_s;
	return best;
}


cJSON *pp_result_json(const pp_result_t *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "provider", r->provider); /* captured text: see efa_status_to_json */
	cJSON_AddStringToObject(o, "endpoint", r->endpoint);
	add_known(o, "iterations", r->iterations > 0 ? r->iterations : NAN);
	add_known(o, "exit_code", r->exit_code >= 0 ? r->exit_code : NAN);
	if (r->simulated == PP_SIM_UNKNOWN) cJSON_AddNullToObject(o, "simulated");
	else cJSON_AddBoolToObject(o, "simulated", r->simulated == PP_SIM_YES);
	cJSON_AddStringToObject(o, "error", r->error);
	cJSON_AddItemToObject(o, "rows", pp_result_rows_json(r));
	return o;
}

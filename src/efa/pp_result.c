#include "efa/pp_result.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonobj.h"

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
		json_add_figure(j, "median_usec", w->median_usec);
		json_add_figure(j, "p99_usec", w->p99_usec);
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
	json_add_text(o, "provider", r->provider); /* captured text: see efa_status_to_json */
	json_add_text(o, "endpoint", r->endpoint);
	json_add_figure(o, "iterations", r->iterations > 0 ? r->iterations : NAN);
	json_add_figure(o, "exit_code", r->exit_code >= 0 ? r->exit_code : NAN);
	if (r->simulated == PP_SIM_UNKNOWN) cJSON_AddNullToObject(o, "simulated");
	else cJSON_AddBoolToObject(o, "simulated", r->simulated == PP_SIM_YES);
	json_add_text(o, "error", r->error); /* null: it did not fail */
	cJSON_AddItemToObject(o, "rows", pp_result_rows_json(r));
	return o;
}

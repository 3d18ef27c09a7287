/* One ping-pong result table, the same whether parsed from fi_pingpong output or
 * measured by the native libfabric ping-pong. */
#ifndef NIXL_EFA_PP_RESULT_H
#define NIXL_EFA_PP_RESULT_H

#include <stddef.h>
#include <stdint.h>

typedef struct pp_row {
	uint64_t bytes;         /* message size */
	uint64_t sent, acked;   /* #sent, #ack (fi_pingpong's "=n" => acked = n) */
	uint64_t total_bytes;   /* bytes moved */
	double time_s;          /* wall seconds of the timed loop */
	double mb_per_s;        /* 10^6 B/s */
	double usec_per_xfer;   /* half round trip, mean over iterations */
	double mxfers_per_s;
	double median_usec;     /* per-iteration half round trip; NAN when unknown (fi_pingpong) */
	double p99_usec;        /* NAN when unknown */
} pp_row_t;

/* Whether the nodes said they are simulated (the sandbox's simulated EFA nodes do). */
typedef enum pp_sim {
	PP_SIM_UNKNOWN = 0,     /* not asked: no preflight, a saved log (JSON null) */
	PP_SIM_NO,
	PP_SIM_YES,             /* a node of the run said so */
} pp_sim_t;

typedef struct pp_result {
	pp_row_t *rows;
	size_t nrows;
	char provider[64];      /* "efa", "tcp;ofi_rxm", "shm"; "" when unknown */
	char endpoint[16];      /* "rdm", "dgram", "msg" */
	int iterations;         /* -I */
	int exit_code;          /* of the run when known, else -1 */
	char error[256];        /* why it failed, a sentence a person can act on; "" on success */
	pp_sim_t simulated;
} pp_result_t;

struct cJSON;

void pp_result_free(pp_result_t *r);
/* The rows as a JSON array (what was not measured, e.g. fi_pingpong's median: null). */
struct cJSON *pp_result_rows_json(const pp_result_t *r);
/* Appends a copy of row. */
int pp_result_add(pp_result_t *r, const pp_row_t *row);

/* Summaries of a table: usec/xfer at the smallest non-zero size, and the best MB/sec.
 * NAN when there are no rows. */
double pp_result_latency_usec(const pp_result_t *r);
double pp_result_peak_mb_per_s(const pp_result_t *r);

/* {"provider","endpoint","iterations","exit_code","error","rows":[{"bytes","sent","acked",
 *  "total_bytes","time_s","mb_per_s","usec_per_xfer","mxfers_per_s","median_usec","p99_usec"}...]};
 * what was not measured or reported (provider, endpoint, iterations, exit code,
 * per-iteration times) is null, and so is error when it did not fail. Strings as captured:
 * print the document with textsafe_json. */
struct cJSON *pp_result_json(const pp_result_t *r);

#endif

/* A native RDM ping-pong on libfabric: what fi_pingpong -e rdm measures, plus per-iteration
 * median and p99, a warm-up, and deadlines everywhere so a dead peer is an error, not a hang.
 *
 * The client drives: over a TCP control connection it sends the provider, sizes and
 * iteration counts, both sides exchange fabric addresses (fi_getname / fi_av_insert), and
 * for each size the client times warm-up + iterations of send-then-receive while the server
 * echoes. The client's row for each size is sent back so both sides print the same table. */
#ifndef NIXL_EFA_RDM_PP_H
#define NIXL_EFA_RDM_PP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "efa/pp_ctl.h"
#include "efa/pp_result.h"

#define RDM_PP_DEFAULT_PORT 47593

typedef void (*rdm_pp_row_fn)(const pp_row_t *row, void *arg);
/* peer: the client's address; why: the sentence it was sent back. */
typedef void (*rdm_pp_refused_fn)(const char *peer, const char *why, void *arg);

typedef struct rdm_pp_opts {
	const char *provider;     /* "efa", "tcp", "shm", "tcp;ofi_rxm"...; NULL: client picks efa
	                           * when present, else tcp; server follows the client */
	const char *host;         /* client: the server's control address (name or IP) */
	const char *bind;         /* server: control listen address; NULL = 127.0.0.1 */
	int port;                 /* control TCP port; 0 = RDM_PP_DEFAULT_PORT */
	int listen_fd;            /* server: accept on this listening socket instead; -1 = none */
	const uint64_t *sizes;    /* client: message sizes; NULL = 64, 4k, 64k, 1m */
	size_t nsizes;
	int iterations;           /* client: timed iterations per size; 0 = 1000 */
	int warmup;               /* client: untimed iterations before each size; -1 = 10% of
	                           * iterations, at least 10 */
	double timeout_s;         /* longest silence from the peer (data path and control); 0 = 10 */
	double setup_timeout_s;   /* longest wait for the peer's fabric setup (the hello, its
	                           * address: the first fi_getinfo loads every provider); 0 = 60 */
	double accept_timeout_s;  /* server: longest wait for a client; 0 = 300 */
	int first_client_only;    /* server: a client whose hello fails ends the run, instead of
	                           * being refused while the server waits for the next */
	rdm_pp_row_fn on_row;     /* called as each size completes (both sides); may be NULL */
	rdm_pp_refused_fn on_refused; /* server: a client refused before its run; may be NULL */
	void *arg;                /* for on_row and on_refused */
} rdm_pp_opts_t;

void rdm_pp_opts_init(rdm_pp_opts_t *o);

/* Each fills res (provider, endpoint "rdm", iterations, rows; error on failure) and returns
 * 0, or -1 with res->error a sentence a person can act on. pp_result_free releases rows. */
int rdm_pp_run_server(const rdm_pp_opts_t *o, pp_result_t *res);
int rdm_pp_run_client(const rdm_pp_opts_t *o, pp_result_t *res);
/* Both on this machine: a server child (fork, control socket on 127.0.0.1, ephemeral port)
 * and the client in this process. res is the client's. Call before anything else in the
 * process has opened libfabric resources. */
int rdm_pp_run_local(const rdm_pp_opts_t *o, pp_result_t *res);

/* The default warm-up for n iterations. */
int rdm_pp_default_warmup(int iterations);

/* "64,4k,64k,1m" (k/m/g binary suffixes, case-insensitive; each 1..PP_CTL_MAX_SIZE) ->
 * malloc'd array. Returns 0, or -1 with a sentence in err. */
int rdm_pp_parse_sizes(const char *s, uint64_t **sizes, size_t *n, char *err, size_t errlen);

/* fi_pingpong's table with two more columns (per-iteration median and p99 half round trip):
 * "bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec  ..." */
void rdm_pp_format_header(char *buf, size_t len);
void rdm_pp_format_row(const pp_row_t *row, char *buf, size_t len);

/* fi_pingpong's number style: binary k/m/g for bytes (1536 -> "1.5k"), decimal k/m/b for
 * counts (1000 -> "1k"); one truncated decimal below 10. */
void rdm_pp_format_count(uint64_t v, int binary, char *buf, size_t len);

/* {"provider", "endpoint", "iterations", "warmup", "ok", "error", "rows": [{"bytes",
 *  "sent", "acked", "total_bytes", "time_s", "mb_per_s", "usec_per_xfer", "mxfers_per_s",
 *  "median_usec", "p99_usec"}]} */
cJSON *rdm_pp_result_json(const pp_result_t *res, int warmup);

#endif

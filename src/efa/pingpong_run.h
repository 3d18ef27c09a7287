/* fi_pingpong between two nodes over executors: `fi_info` checked on both first, the
 * server started on one, the client on the other against the server's private IPv4,
 * both streamed line-buffered; a pair silent for the timeout is stopped (fi_pingpong has
 * none and hangs on a dead peer), and `timeout` and the executor's timeout bound it. Rows reach the caller as the client prints them. With
 * several sizes, one fi_pingpong pair per size (-S takes one size or "all").
 * A matrix runs every pair of n nodes, disjoint pairs at once. Everything runs on the
 * event loop. */
#ifndef NIXL_EFA_PINGPONG_RUN_H
#define NIXL_EFA_PINGPONG_RUN_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "base/loop.h"
#include "efa/exec.h"
#include "efa/pp_result.h"

typedef enum pp_side { PP_SERVER = 0, PP_CLIENT = 1 } pp_side_t;

typedef struct pp_node {
	exec_t *ex;
	const char *target;  /* instance id (SSM), or a label ("local") */
	const char *ip;      /* IPv4 the client reaches this node at as a server; NULL: taken
	                        from the node's `ip addr` during the fi_info check */
} pp_node_t;

typedef struct pp_run_cbs {
	void (*on_line)(void *ud, pp_side_t side, exec_stream_t stream, const char *line);
	void (*on_phase)(void *ud, const char *what);          /* "checking fi_info on both nodes" */
	void (*on_row)(void *ud, const pp_row_t *row);          /* each client row as it arrives */
	void (*on_done)(void *ud, const pp_result_t *res);      /* res->error "" when it worked */
	void *ud;
} pp_run_cbs_t;

typedef struct pp_run_opts {
	loop_t *loop;
	pp_node_t server, client;
	const char *provider;    /* NULL: "efa" */
	const char *endpoint;    /* NULL: "rdm" (AWS's own test; plain fi_pingpong is dgram) */
	const char *sizes;       /* NULL: "all"; or "64,4k,1m" (binary k/m/g) */
	int iterations;          /* 0: 1000 (fi_pingpong has no warm-up: few iterations measure
	                            connection setup) */
	int timeout_s;           /* a pair printing nothing (no line from either side) this long
	                            is stopped; 0: 60. fi_pingpong's own `timeout` on the node
	                            is 20 times that, at most a day */
	int port;                /* control port; 0: the server picks a free one for each run */
	int port_lane;           /* with port 0: 0 picks in the whole range, 1..32 only in that
	                            32nd of it (runs side by side on one host never pick alike) */
	int connect_retry_s;     /* the client retries a refused connect (server not up yet); 0: 20 */
	int no_preflight;        /* skip the fi_info check (then ip must be given) */
	int libfabric2[2];       /* with no_preflight, per side (PP_SERVER, PP_CLIENT): its libfabric
	                            is 2.x (fi_pingpong -f efa); otherwise the fi_info check says */
	int loopback;            /* local runs: keep the IP providers on lo (FI_TCP_IFACE=lo ...) */
	pp_run_cbs_t cbs;
} pp_run_opts_t;

typedef struct pp_run pp_run_t;

/* Validates every value (provider, endpoint, sizes, counts, port, IPv4, instance ids for
 * the SSM executor) and starts. NULL with err when something is invalid. */
pp_run_t *pp_run_start(const pp_run_opts_t *o, char *err, size_t errlen);
/* Stops both sides; on_done follows with the error "cancelled". */
void pp_run_cancel(pp_run_t *r);
/* Frees; if the run is still going it is cancelled and freed when its jobs end (no
 * more callbacks). */
void pp_run_free(pp_run_t *r);
/* The server's table of the run so far (fi_pingpong prints one on both sides). */
const pp_result_t *pp_run_server_result(const pp_run_t *r);
/* 1 when this run's fi_info check passed on that side (the provider is there), with what it
 * found: the node's libfabric major version 2 or later, and its private IPv4 ("" when `ip addr`
 * showed none); 0 when the check failed, did not run or was skipped. */
int pp_run_side_checked(const pp_run_t *r, pp_side_t side, int *libfabric2, char *ip, size_t iplen);
/* The control port of the pair running, once its server has announced it; else 0. */
int pp_run_port(const pp_run_t *r);

/* The shell lines, exposed for tests: return the length, or -1 when a value is not
 * valid (nothing unvalidated is ever written into a line). size: one -S value (bytes,
 * or "all"); libfabric2: add "-f efa" so efa cannot resolve to the efa-direct fabric. */
int pp_script_preflight(const char *provider, const char *endpoint, char *buf, size_t n);
/* port 0 in pp_script_server: the script picks a free port (in lane 1..32 of the range, or
 * anywhere in it with lane 0) and announces it in a line "===NIXL-PP-PORT <port>===" before
 * fi_pingpong starts. */
int pp_script_server(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int lane, int timeout_s, int libfabric2, int loopback, char *buf, size_t n);
int pp_script_client(const char *provider, const char *endpoint, const char *size, int iterations,
                     int port, int timeout_s, int retry_s, int libfabric2, int loopback,
                     const char *server_ip, char *buf, size_t n);

/* A list of sizes as pp_run_opts_t.sizes takes it ("64,4k,1m"): 0, or -1 with err. */
int pp_sizes_check(const char *sizes, char *err, size_t errlen);
/* "4k" -> "4096", "all" -> "all"; -1 when not a valid size. */
int pp_size_bytes(const char *s, char *out, size_t n);

/* ---- matrix: every unordered pair (i < j: server i, client j). Disjoint pairs run at
 * the same time, in the rounds of the round-robin "circle" schedule: no node is in two pairs
 * at once, every pair has its own server port, and a pair whose nodes are free starts as
 * soon as the pairs before it that share a node have ended. */

/* Rounds of the circle schedule for n nodes: n-1 when n is even, n when odd (each round
 * one node sits out). */
size_t pp_matrix_rounds(size_t n);
/* The pairs of round r (0-based) into pairs[k][0] < pairs[k][1]; returns how many (n/2). */
size_t pp_matrix_round(size_t n, size_t r, size_t pairs[][2]);

typedef struct pp_matrix pp_matrix_t;
typedef struct pp_matrix_cbs {
	void (*on_pair_start)(void *ud, size_t server, size_t client);
	void (*on_pair)(void *ud, size_t server, size_t client, const pp_result_t *res);
	void (*on_done)(void *ud);
	void *ud;
} pp_matrix_cbs_t;

/* tmpl gives everything but server/client and cbs (its on_line/on_phase/on_row are not
 * used: pairs run side by side). A node's fi_info check runs with its first pair; a later
 * pair of two nodes that passed it (and whose server's address is known) skips it. concurrency: the most pairs in flight; 0: n/2 (every node
 * busy); 1: one pair after another in the order (0,1), (0,2) ... (1,2) ... */
pp_matrix_t *pp_matrix_start(const pp_node_t *nodes, size_t n, const pp_run_opts_t *tmpl, size_t concurrency,
                             const pp_matrix_cbs_t *cbs, char *err, size_t errlen);
/* The result for a pair in either order; NULL before it ended. */
const pp_result_t *pp_matrix_cell(const pp_matrix_t *m, size_t a, size_t b);
/* Stops the pairs in flight (each ends "cancelled") and starts no more; on_done follows. */
void pp_matrix_cancel(pp_matrix_t *m);
void pp_matrix_free(pp_matrix_t *m);

#endif

/* fi_pingpong's result table, parsed line by line as it arrives, and the lines that
 * say why a run failed. Table (libfabric util/pingpong.c, unchanged since 1.17):
 *   bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec
 *   64      10      =10      1.2k        0.02s      0.06    1124.90       0.00
 * bytes/total: binary k/m/g with one truncated decimal below 10 ("1.5k" = 1536);
 * #sent/#ack: decimal k/m/b, truncated ("1k" = 1000..1999); #ack is "=n", "+n" or "-n".
 * fabtests (fi_rma_bw, fi_rdm_pingpong) print "bytes iters total time MB/sec usec/xfer
 * Mxfers/sec"; those rows get sent = iters and acked = 0. */
#ifndef NIXL_EFA_PARSE_PINGPONG_H
#define NIXL_EFA_PARSE_PINGPONG_H

#include <stddef.h>
#include <stdint.h>

#include "efa/pp_result.h"

typedef enum pp_event {
	PP_EV_NONE = 0,  /* a line that is none of the below */
	PP_EV_HEADER,    /* a table header: rows follow */
	PP_EV_ROW,       /* *row filled */
	PP_EV_PARTIAL,   /* a row cut short (truncated capture, or a line still arriving) */
	PP_EV_FAILURE,   /* a line saying why the run failed: see failure/detail */
	PP_EV_LOG,       /* a libfabric FI_LOG line or fi_pingpong debug line */
} pp_event_t;

typedef enum pp_failure {
	PP_FAIL_NONE = 0,
	PP_FAIL_NO_PROVIDER,   /* fi_getinfo -61: provider/endpoint not available (exit 61) */
	PP_FAIL_REFUSED,       /* control connection refused: no server (exit 111) */
	PP_FAIL_PEER_CLOSED,   /* control connection closed by the peer (exit 103) */
	PP_FAIL_TIMEOUT,       /* efa_test.sh: "failed because of timeout" */
	PP_FAIL_OTHER,         /* another "[error] ..." line */
} pp_failure_t;

typedef struct pp_parser {
	int columns;           /* 8 fi_pingpong, 7 fabtests, 0 before a header */
	int rows;              /* rows parsed so far */
	int partial;           /* rows cut short */
	pp_failure_t failure;  /* the first failure line seen */
	char detail[256];      /* that line, cleaned */
	int getinfo_error;     /* 61 from "fi_getinfo ... -61" */
	int warnings;          /* libfabric <warn> lines */
	char first_warning[200];
	int success;           /* "fi_pingpong: SUCCESS!" (efa_test.sh) */
	int own_lines;         /* lines only fi_pingpong / efa_test.sh print (errors, SUCCESS) */
} pp_parser_t;

void pp_parser_init(pp_parser_t *p);
/* Feeds one line (any prefix/"# " paste/mpirun tag is tolerated). */
pp_event_t pp_parser_line(pp_parser_t *p, const char *line, pp_row_t *row);

/* "64", "1.5k", "1.2m", "20m", "1.1g": binary multiples, truncated like fi_pingpong. */
int pp_parse_size(const char *s, size_t n, uint64_t *out);
/* "10", "20k", "1m", "2b": decimal multiples. */
int pp_parse_count(const char *s, size_t n, uint64_t *out);

/* A sentence a person can act on for a failure / an exit code of fi_pingpong or of
 * `timeout` (124); NULL when nothing specific is known. */
const char *pp_failure_reason(pp_failure_t f);
const char *pp_exit_reason(int exit_code);

#endif

/* The native ping-pong's control lines (rdm_pp.c), parsed without trusting the peer: every
 * number has a ceiling the server can afford, chosen so that no sum or product it forms from
 * them can overflow; anything else is refused with one sentence naming the field and its
 * range. Pure (no I/O, no libfabric), so a fuzzer can drive it.
 *
 *   client -> server  HELLO nixl-rdm-pp/1 PROVIDER ITERATIONS WARMUP MAX ADDRHEX
 *   server -> client  ADDR PROVIDER ADDRHEX
 *   client -> server  SIZE BYTES, then after the data: ROW BYTES ITERATIONS TIME MEDIAN P99 */
#ifndef NIXL_EFA_PP_CTL_H
#define NIXL_EFA_PP_CTL_H

#include <stddef.h>
#include <stdint.h>

#define PP_CTL_MAGIC "nixl-rdm-pp/1"
/* Longest control line, without its '\n'. */
#define PP_CTL_LINE_MAX 4095
/* Largest message size: 1g, the largest -S. Bandwidth flattens out long before (EFA by a few
 * MiB), and the server holds two buffers of it, so one hello commits at most 2 GiB. */
#define PP_CTL_MAX_SIZE (1ULL << 30)
/* -I and --warmup; their sum fits an int and MAX_SIZE * 2 * iterations a uint64_t. */
#define PP_CTL_MAX_ITERATIONS 100000000
#define PP_CTL_MAX_WARMUP 100000000
/* A fabric address (fi_getname) in bytes; twice that in hex digits on the line. */
#define PP_CTL_ADDR_MAX 512
#define PP_CTL_PROVIDER_MAX 63

typedef struct pp_hello {
	char provider[PP_CTL_PROVIDER_MAX + 1];
	int iterations, warmup;
	uint64_t max;                       /* largest message size the client will send */
	unsigned char addr[PP_CTL_ADDR_MAX]; /* zeros past addrlen */
	size_t addrlen;
} pp_hello_t;

/* Each returns 0, or -1 with one sentence in err (the peer's text quoted only as printable
 * ASCII, cut short). line has no '\n'. */
int pp_ctl_parse_hello(const char *line, pp_hello_t *h, char *err, size_t errlen);
/* "ADDR PROVIDER ADDRHEX", the server's answer; addr holds PP_CTL_ADDR_MAX bytes, zeros
 * past addrlen. */
int pp_ctl_parse_addr(const char *line, char *provider, size_t provlen, unsigned char *addr,
                      size_t *addrlen, char *err, size_t errlen);
/* "SIZE BYTES" with 1 <= BYTES <= max (the hello's). */
int pp_ctl_parse_size(const char *line, uint64_t max, uint64_t *size, char *err,
                      size_t errlen);
/* "ROW BYTES ITERATIONS TIME MEDIAN P99" for the size and iterations in progress; the
 * times are finite and not negative. */
int pp_ctl_parse_row(const char *line, uint64_t size, int iterations, double *time_s,
                     double *median_usec, double *p99_usec, char *err, size_t errlen);

#endif

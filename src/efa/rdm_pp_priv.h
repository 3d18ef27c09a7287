/* What the native ping-pong's files share (rdm_pp.c: libfabric and the runs; rdm_pp_ctl.c:
 * the control connection; rdm_pp_text.c: options and output); not for other files. */
#ifndef NIXL_EFA_RDM_PP_PRIV_H
#define NIXL_EFA_RDM_PP_PRIV_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <rdma/fabric.h>
#include <rdma/fi_domain.h>

#include "efa/pp_ctl.h"
#include "efa/rdm_pp.h"

#define LINE_MAX_LEN (PP_CTL_LINE_MAX + 1)
/* How often the data path looks at the control socket for a dead peer. */
#define CTL_CHECK_S 0.05
/* Empty CQ polls between clock reads: keeps the deadline check off the fast path. */
#define SPINS_PER_CHECK 64

typedef struct fab {
	struct fi_info *info;
	struct fid_fabric *fabric;
	struct fid_domain *domain;
	struct fid_av *av;
	struct fid_cq *cq;
	struct fid_ep *ep;
	struct fid_mr *mr;
	void *desc;
	char *buf;              /* tx half then rx half */
	size_t max;
	fi_addr_t peer;
	struct fi_context2 tx_ctx, rx_ctx;
	int tx_pending, rx_pending;
	size_t rx_len;          /* length of the last message received */
} fab_t;

typedef struct run {
	rdm_pp_opts_t o;        /* with defaults applied */
	pp_result_t *res;
	int fd;                 /* control connection */
	fab_t fab;
	uint64_t size;          /* size in progress, for messages */
	long done;              /* iterations finished at this size */
	double next_ctl_check;
	char local_ip[INET6_ADDRSTRLEN];
	char peer_ip[INET6_ADDRSTRLEN];
} run_t;

/* Monotonic seconds. */
double rdm_pp_now_s(void);
/* Keeps the first cause in r->res->error; returns -1. */
int rdm_pp_fail(run_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "s" unless n is 1. */
const char *rdm_pp_plural(long n);
/* The options with their defaults filled in. */
void rdm_pp_apply_defaults(rdm_pp_opts_t *o);

/* The control connection: text lines, every wait with a deadline; -1 with the cause kept. */
int rdm_ctl_send(run_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Tells the peer why this side stops (the error kept in r). */
void rdm_ctl_send_error(run_t *r);
int rdm_ctl_read_within(run_t *r, char *line, size_t len, const char *waiting_for, double limit_s);
int rdm_ctl_read(run_t *r, char *line, size_t len, const char *waiting_for);
/* A peer gone or an error line waiting: -1. */
int rdm_ctl_check(run_t *r);
int rdm_ctl_connect(run_t *r);
int rdm_ctl_listen(run_t *r);
int rdm_ctl_accept(run_t *r, int lfd, double deadline);

#endif

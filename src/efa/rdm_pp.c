#include "efa/rdm_pp.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>

#include "efa/fabric.h"
#include "efa/pp_ctl.h"
#include "efa/rdm_pp_priv.h"

double rdm_pp_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int rdm_pp_fail(run_t *r, const char *fmt, ...)
{
	if (r->res->error[0]) return -1; /* the first cause is the one to report */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->res->error, sizeof r->res->error, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *fi_err(int rc)
{
	return fi_strerror(rc < 0 ? -rc : rc);
}

/* ---- libfabric ---- */

#define FI_CHECK(r, call, what)                                                      \
	do {                                                                         \
		int rc_ = (int)(call);                                               \
		if (rc_) return rdm_pp_fail(r, "%s failed: %s (%d)", what, fi_err(rc_), rc_); \
	} while (0)

static struct fi_info *rdm_hints(const char *provider)
{
	struct fi_info *h = fi_allocinfo();
	if (!h) return NULL;
	h->ep_attr->type = FI_EP_RDM;
	h->caps = FI_MSG;
	/* Declare everything this program copes with, or providers that need it (efa) hide. */
	h->mode = FI_CONTEXT | FI_CONTEXT2;
	h->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_ALLOCATED | FI_MR_VIRT_ADDR |
	                          FI_MR_PROV_KEY | FI_MR_ENDPOINT;
	h->domain_attr->threading = FI_THREAD_DOMAIN;
	h->fabric_attr->prov_name = strdup(provider);
	return h;
}

static int is_ip_format(uint32_t f)
{
	return f == FI_SOCKADDR || f == FI_SOCKADDR_IN || f == FI_SOCKADDR_IN6;
}

static int not_found(run_t *r, const char *provider, int rc)
{
	fabric_info_t fi;
	char avail[512] = "";
	if (fabric_probe(&fi) == 0) fabric_list_providers(&fi, "rdm", avail, sizeof avail);
	fabric_info_free(&fi);
	return rdm_pp_fail(r, "provider \"%s\" has no RDM endpoint on this host (fi_getinfo: %s); RDM "
	               "providers here: %s", provider, fi_err(rc), avail[0] ? avail : "none");
}

static int fab_getinfo(run_t *r, const char *provider)
{
	struct fi_info *hints = rdm_hints(provider);
	if (!hints) return rdm_pp_fail(r, "out of memory");
	uint32_t ver = FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION);
	int rc = fi_getinfo(ver, NULL, NULL, 0, hints, &r->fab.info);
	if (rc) {
		fi_freeinfo(hints);
		return not_found(r, provider, rc);
	}
	/* IP providers: source the fabric on the address the control connection uses, so the
	 * data goes the way the control path does (loopback here, the peer's network there).
	 * shm and efa get no node: shm names itself from it and two local peers would collide. */
	if (is_ip_format(r->fab.info->addr_format) && r->local_ip[0]) {
		struct fi_info *src = NULL;
		hints->addr_format = strchr(r->local_ip, ':') ? FI_SOCKADDR_IN6 : FI_SOCKADDR_IN;
		rc = fi_getinfo(ver, r->local_ip, NULL, FI_SOURCE, hints, &src);
		if (rc) {
			fi_freeinfo(hints);
			return rdm_pp_fail(r, "provider \"%s\" cannot use local address %s (fi_getinfo: %s)",
			            provider, r->local_ip, fi_err(rc));
		}
		fi_freeinfo(r->fab.info);
		r->fab.info = src;
	}
	fi_freeinfo(hints);
	return 0;
}

static int fab_open(run_t *r, const char *provider, uint64_t max)
{
	fab_t *f = &r->fab;
	if (fab_getinfo(r, provider) < 0) return -1;
	struct fi_info *info = f->info;
	if (max > info->ep_attr->max_msg_size)
		return rdm_pp_fail(r, "size %llu is larger than %s's largest message (%zu)",
		            (unsigned long long)max, info->fabric_attr->prov_name,
		            info->ep_attr->max_msg_size);
	FI_CHECK(r, fi_fabric(info->fabric_attr, &f->fabric, NULL), "fi_fabric");
	FI_CHECK(r, fi_domain(f->fabric, info, &f->domain, NULL), "fi_domain");
	struct fi_cq_attr cq_attr = { .format = FI_CQ_FORMAT_MSG, .wait_obj = FI_WAIT_NONE };
	FI_CHECK(r, fi_cq_open(f->domain, &cq_attr, &f->cq, NULL), "fi_cq_open");
	struct fi_av_attr av_attr = { .type = info->domain_attr->av_type, .count = 2 };
	FI_CHECK(r, fi_av_open(f->domain, &av_attr, &f->av, NULL), "fi_av_open");
	FI_CHECK(r, fi_endpoint(f->domain, info, &f->ep, NULL), "fi_endpoint");
	FI_CHECK(r, fi_ep_bind(f->ep, &f->av->fid, 0), "fi_ep_bind(av)");
	FI_CHECK(r, fi_ep_bind(f->ep, &f->cq->fid, FI_TRANSMIT | FI_RECV), "fi_ep_bind(cq)");
	FI_CHECK(r, fi_enable(f->ep), "fi_enable");

	f->max = max;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *buf = NULL;
	if (posix_memalign(&buf, page, 2 * max)) return rdm_pp_fail(r, "out of memory for %llu-byte "
	                                                     "buffers", (unsigned long long)max);
	f->buf = buf;
	/* Defined bytes: the providers copy them through sockets and shared memory. */
	for (size_t i = 0; i < 2 * max; i++) f->buf[i] = (char)('a' + i % 26);
	uint64_t mr_mode = info->domain_attr->mr_mode;
	if (mr_mode & FI_MR_LOCAL) {
		FI_CHECK(r, fi_mr_reg(f->domain, f->buf, 2 * max, FI_SEND | FI_RECV, 0, 0, 0, &f->mr,
		                      NULL), "fi_mr_reg");
		if (mr_mode & FI_MR_ENDPOINT) {
			FI_CHECK(r, fi_mr_bind(f->mr, &f->ep->fid, 0), "fi_mr_bind");
			FI_CHECK(r, fi_mr_enable(f->mr), "fi_mr_enable");
		}
		f->desc = fi_mr_desc(f->mr);
	}
	snprintf(r->res->provider, sizeof r->res->provider, "%s", info->fabric_attr->prov_name);
	snprintf(r->res->endpoint, sizeof r->res->endpoint, "rdm");
	return 0;
}

static void fab_close(fab_t *f)
{
	struct fid *fids[] = {
		f->ep ? &f->ep->fid : NULL, f->mr ? &f->mr->fid : NULL, f->av ? &f->av->fid : NULL,
		f->cq ? &f->cq->fid : NULL, f->domain ? &f->domain->fid : NULL,
		f->fabric ? &f->fabric->fid : NULL,
	};
	for (size_t i = 0; i < sizeof fids / sizeof fids[0]; i++)
		if (fids[i]) fi_close(fids[i]);
	free(f->buf);
	fi_freeinfo(f->info);
	memset(f, 0, sizeof *f);
}

static int fab_name_hex(run_t *r, char *hex, size_t len)
{
	unsigned char addr[PP_CTL_ADDR_MAX];
	size_t alen = sizeof addr;
	FI_CHECK(r, fi_getname(&r->fab.ep->fid, addr, &alen), "fi_getname");
	if (alen * 2 + 1 > len) return rdm_pp_fail(r, "fabric address too long (%zu bytes)", alen);
	for (size_t i = 0; i < alen; i++) snprintf(hex + 2 * i, 3, "%02x", addr[i]);
	return 0;
}

/* addr is PP_CTL_ADDR_MAX bytes, zeros past what the peer sent: the provider reads as
 * many as its addresses take (shm's vary from process to process), never past the end. */
static int fab_insert(run_t *r, const unsigned char *addr)
{
	int rc = fi_av_insert(r->fab.av, addr, 1, &r->fab.peer, 0, NULL);
	if (rc != 1) return rdm_pp_fail(r, "fi_av_insert of the peer's address failed: %s (%d)",
	                         fi_err(rc), rc);
	return 0;
}

/* ---- the data path: manual progress, so every wait reads the CQ ---- */

static int cq_poll(run_t *r)
{
	fab_t *f = &r->fab;
	struct fi_cq_msg_entry ent[8];
	ssize_t n = fi_cq_read(f->cq, ent, 8);
	if (n == -FI_EAGAIN) return 0;
	if (n == -FI_EAVAIL) {
		struct fi_cq_err_entry e;
		memset(&e, 0, sizeof e);
		char pe[256] = "";
		if (fi_cq_readerr(f->cq, &e, 0) > 0)
			fi_cq_strerror(f->cq, e.prov_errno, e.err_data, pe, sizeof pe);
		return rdm_pp_fail(r, "completion error after %ld iteration%s at size %llu: %s (%s)", r->done,
		            rdm_pp_plural(r->done), (unsigned long long)r->size, fi_err(e.err), pe);
	}
	if (n < 0) return rdm_pp_fail(r, "fi_cq_read failed: %s (%zd)", fi_err((int)n), n);
	for (ssize_t i = 0; i < n; i++) {
		if (ent[i].op_context == &f->rx_ctx) {
			f->rx_pending = 0;
			f->rx_len = ent[i].len;
		} else if (ent[i].op_context == &f->tx_ctx) {
			f->tx_pending = 0;
		}
	}
	return (int)n;
}

/* Between polls that found nothing: is the peer still there, and is time up? The clock is
 * read only every SPINS_PER_CHECK empty polls, and the deadline starts at the first read, so
 * a wait that completes at once costs no clock read at all. */
typedef struct spin {
	unsigned n;
	double deadline;
} spin_t;

static int spin_check(run_t *r, spin_t *s)
{
	if (++s->n % SPINS_PER_CHECK) return 0;
	double t = rdm_pp_now_s();
	if (s->deadline == 0) s->deadline = t + r->o.timeout_s;
	if (t >= r->next_ctl_check) {
		r->next_ctl_check = t + CTL_CHECK_S;
		if (rdm_ctl_check(r) < 0) return -1;
	}
	if (t > s->deadline)
		return rdm_pp_fail(r, "timed out: no completion from the peer for %.0f s after %ld iteration%s "
		               "at size %llu (peer hung, or the fabric path between the hosts is down)",
		            r->o.timeout_s, r->done, rdm_pp_plural(r->done), (unsigned long long)r->size);
	return 0;
}

static int wait_done(run_t *r, int need_rx, int need_tx)
{
	spin_t s = { 0, 0 };
	while ((need_rx && r->fab.rx_pending) || (need_tx && r->fab.tx_pending)) {
		int n = cq_poll(r);
		if (n < 0) return -1;
		if (n == 0 && spin_check(r, &s) < 0) return -1;
	}
	return 0;
}

static int post_recv(run_t *r)
{
	fab_t *f = &r->fab;
	spin_t s = { 0, 0 };
	for (;;) {
		ssize_t rc = fi_recv(f->ep, f->buf + f->max, f->max, f->desc, FI_ADDR_UNSPEC,
		                     &f->rx_ctx);
		if (rc == 0) {
			f->rx_pending = 1;
			return 0;
		}
		if (rc != -FI_EAGAIN) return rdm_pp_fail(r, "fi_recv failed: %s (%zd)", fi_err((int)rc), rc);
		if (cq_poll(r) < 0 || spin_check(r, &s) < 0) return -1;
	}
}

static int post_send(run_t *r, size_t len)
{
	fab_t *f = &r->fab;
	/* fi_inject returns the buffer at once and produces no completion. inject_size is "the
	 * maximum size data transfer that can be associated with an inject operation"
	 * (fi_endpoint(3)), so a message of exactly that size is injected too; fi_pingpong
	 * injects only below it, so at shm's 4096 it sends (bench/pingpong.sh says so). */
	int inject = len <= f->info->tx_attr->inject_size;
	spin_t s = { 0, 0 };
	for (;;) {
		ssize_t rc = inject ? fi_inject(f->ep, f->buf, len, f->peer)
		                    : fi_send(f->ep, f->buf, len, f->desc, f->peer, &f->tx_ctx);
		if (rc == 0) {
			f->tx_pending = !inject;
			return 0;
		}
		if (rc != -FI_EAGAIN) return rdm_pp_fail(r, "fi_send failed: %s (%zd)", fi_err((int)rc), rc);
		if (cq_poll(r) < 0 || spin_check(r, &s) < 0) return -1;
	}
}

static int check_len(run_t *r)
{
	if (r->fab.rx_len == r->size) return 0;
	return rdm_pp_fail(r, "received %zu bytes where %llu were sent at iteration %ld", r->fab.rx_len,
	            (unsigned long long)r->size, r->done);
}

/* ---- rows ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void row_fill(pp_row_t *row, uint64_t bytes, int iters, double time_s, double median,
                     double p99)
{
	memset(row, 0, sizeof *row);
	row->bytes = bytes;
	row->sent = row->acked = (uint64_t)iters;
	row->total_bytes = bytes * (uint64_t)iters * 2;
	row->time_s = time_s;
	double xfers = (double)iters * 2;
	row->mb_per_s = time_s > 0 ? (double)row->total_bytes / time_s / 1e6 : 0;
	row->usec_per_xfer = time_s * 1e6 / xfers;
	row->mxfers_per_s = row->usec_per_xfer > 0 ? 1 / row->usec_per_xfer : 0;
	row->median_usec = median;
	row->p99_usec = p99;
}

/* Median and nearest-rank p99 of per-iteration half round trips (sorted in place). */
static void percentiles(double *v, int n, double *median, double *p99)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	int k = (int)ceil(0.99 * n) - 1;
	*p99 = v[k < 0 ? 0 : k];
}

static int emit_row(run_t *r, const pp_row_t *row)
{
	if (pp_result_add(r->res, row) < 0) return rdm_pp_fail(r, "out of memory");
	if (r->o.on_row) r->o.on_row(row, r->o.arg);
	return 0;
}

/* ---- client ---- */

static int client_size(run_t *r, uint64_t size, double *lat)
{
	char line[LINE_MAX_LEN];
	int iters = r->o.iterations, total = r->o.warmup + iters;
	r->size = size;
	r->done = 0;
	if (rdm_ctl_send(r, "SIZE %llu\n", (unsigned long long)size) < 0) return -1;
	if (rdm_ctl_read(r, line, sizeof line, "the server to start a size") < 0) return -1;
	if (strcmp(line, "GO") != 0) return rdm_pp_fail(r, "unexpected control message \"%s\"", line);
	/* Iteration k's time is from just after send k was posted to just after send k+1 was
	 * (the first from the start, the last to the end): the intervals add up to the timed
	 * span, and each clock read falls while a message is in flight, waiting for the peer,
	 * instead of on the round trip (a read costs 30-40 ns here: 3-4 % of a 1 us shm 4k round
	 * trip, which fi_pingpong, reading the clock only at both ends, does not pay). */
	double start = 0, prev = 0;
	for (int i = 0; i < total; i++) {
		if (i == r->o.warmup) start = prev = rdm_pp_now_s();
		if (post_send(r, size) < 0) return -1;
		if (i > r->o.warmup) {
			double t = rdm_pp_now_s();
			lat[i - 1 - r->o.warmup] = (t - prev) * 1e6 / 2;
			prev = t;
		}
		if (wait_done(r, 1, 1) < 0 || check_len(r) < 0 || post_recv(r) < 0) return -1;
		r->done++;
	}
	double end = rdm_pp_now_s();
	lat[iters - 1] = (end - prev) * 1e6 / 2;
	double median, p99;
	percentiles(lat, iters, &median, &p99);
	pp_row_t row;
	row_fill(&row, size, iters, end - start, median, p99);
	if (rdm_ctl_send(r, "ROW %llu %d %.9f %.4f %.4f\n", (unsigned long long)size, iters, row.time_s,
	             median, p99) < 0)
		return -1;
	return emit_row(r, &row);
}

static int pick_provider(const char **out)
{
	/* efa when this host has it; otherwise the provider every host has. */
	struct fi_info *hints = rdm_hints("efa"), *list = NULL;
	if (!hints) return -1;
	int rc = fi_getinfo(FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION), NULL, NULL, 0, hints,
	                    &list);
	*out = rc == 0 && list ? "efa" : "tcp";
	fi_freeinfo(list);
	fi_freeinfo(hints);
	return 0;
}

static int client_body(run_t *r)
{
	char line[LINE_MAX_LEN], hex[2 * PP_CTL_ADDR_MAX + 1], peer_prov[PP_CTL_PROVIDER_MAX + 1];
	char why[sizeof r->res->error];
	unsigned char peer_addr[PP_CTL_ADDR_MAX];
	size_t peer_len;
	uint64_t max = 0;
	for (size_t i = 0; i < r->o.nsizes; i++)
		if (r->o.sizes[i] > max) max = r->o.sizes[i];
	const char *prov = r->o.provider;
	if (!prov && pick_provider(&prov) < 0) return rdm_pp_fail(r, "out of memory");
	if (rdm_ctl_connect(r) < 0 || fab_open(r, prov, max) < 0 || fab_name_hex(r, hex, sizeof hex) < 0)
		return -1;
	if (rdm_ctl_send(r, "HELLO %s %s %d %d %llu %s\n", PP_CTL_MAGIC, r->res->provider,
	             r->o.iterations, r->o.warmup, (unsigned long long)max, hex) < 0)
		return -1;
	if (rdm_ctl_read_within(r, line, sizeof line, "the server's fabric address",
	                    r->o.setup_timeout_s) < 0)
		return -1;
	if (pp_ctl_parse_addr(line, peer_prov, sizeof peer_prov, peer_addr, &peer_len, why,
	                      sizeof why) < 0)
		return rdm_pp_fail(r, "%s", why);
	if (strcmp(peer_prov, r->res->provider) != 0)
		return rdm_pp_fail(r, "the server uses provider %s but this side uses %s; give both the same "
		               "-p", peer_prov, r->res->provider);
	if (fab_insert(r, peer_addr) < 0 || post_recv(r) < 0) return -1;

	double *lat = calloc((size_t)r->o.iterations, sizeof *lat);
	if (!lat) return rdm_pp_fail(r, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < r->o.nsizes && rc == 0; i++) rc = client_size(r, r->o.sizes[i], lat);
	free(lat);
	if (rc < 0) return -1;
	/* Tear down only when the server is done with the last message. */
	if (rdm_ctl_send(r, "BYE\n") < 0 || rdm_ctl_read(r, line, sizeof line, "the server's goodbye") < 0)
		return -1;
	return 0;
}

static void result_init(pp_result_t *res, const rdm_pp_opts_t *o)
{
	memset(res, 0, sizeof *res);
	res->iterations = o->iterations;
	res->exit_code = -1;
	snprintf(res->endpoint, sizeof res->endpoint, "rdm");
}

static int finish(run_t *r, int rc)
{
	if (rc < 0) rdm_ctl_send_error(r);
	fab_close(&r->fab);
	if (r->fd >= 0) close(r->fd);
	r->fd = -1;
	r->res->exit_code = rc < 0 ? 1 : 0;
	return rc < 0 ? -1 : 0;
}

static void run_init(run_t *r, const rdm_pp_opts_t *o, pp_result_t *res)
{
	memset(r, 0, sizeof *r);
	r->o = *o;
	rdm_pp_apply_defaults(&r->o);
	r->res = res;
	r->fd = -1;
	result_init(res, &r->o);
}

int rdm_pp_run_client(const rdm_pp_opts_t *o, pp_result_t *res)
{
	run_t r;
	run_init(&r, o, res);
	if (!r.o.host) r.o.host = "127.0.0.1";
	return finish(&r, client_body(&r));
}

/* ---- server ---- */

static int server_size(run_t *r, uint64_t size, int iters, int warmup)
{
	char line[LINE_MAX_LEN], why[sizeof r->res->error];
	r->size = size;
	r->done = 0;
	if (rdm_ctl_send(r, "GO\n") < 0) return -1;
	for (int i = 0; i < warmup + iters; i++) {
		if (wait_done(r, 1, 1) < 0 || check_len(r) < 0 || post_recv(r) < 0 ||
		    post_send(r, size) < 0)
			return -1;
		r->done++;
	}
	if (wait_done(r, 0, 1) < 0) return -1;
	if (rdm_ctl_read(r, line, sizeof line, "the client's result row") < 0) return -1;
	double t, median, p99;
	if (pp_ctl_parse_row(line, size, iters, &t, &median, &p99, why, sizeof why) < 0)
		return rdm_pp_fail(r, "%s", why);
	pp_row_t row;
	row_fill(&row, size, iters, t, median, p99);
	return emit_row(r, &row);
}

/* The first fi_getinfo in a process loads every provider (~0.7 s here); doing it while the
 * client is still on its way keeps that off the handshake. */
static void preload_providers(const char *provider)
{
	struct fi_info *hints = rdm_hints(provider ? provider : "shm"), *list = NULL;
	if (!hints) return;
	fi_getinfo(FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION), NULL, NULL, 0, hints, &list);
	fi_freeinfo(list);
	fi_freeinfo(hints);
}

/* Tells a client why its hello is refused, says so locally, and drops it. */
static void refuse(run_t *r)
{
	rdm_ctl_send_error(r);
	if (r->o.on_refused) r->o.on_refused(r->peer_ip, r->res->error, r->o.arg);
	close(r->fd);
	r->fd = -1;
	r->res->error[0] = 0;
}

/* Accepts clients until one sends a hello this server takes. One that does not (another
 * protocol, a number out of range, silence, a port scan) is refused and the next awaited:
 * whoever reaches the port first must not decide whether the run happens, nor its size. */
static int server_hello(run_t *r, int lfd, pp_hello_t *h)
{
	char line[LINE_MAX_LEN], why[sizeof r->res->error] = "";
	double deadline = rdm_pp_now_s() + r->o.accept_timeout_s;
	for (;;) {
		int rc = rdm_ctl_accept(r, lfd, deadline);
		if (rc < 0) return -1;
		if (rc == 0 && why[0])
			return rdm_pp_fail(r, "no client sent a hello this server takes within %g s; the last "
			               "was refused: %s", r->o.accept_timeout_s, why);
		if (rc == 0) return rdm_pp_fail(r, "no client connected within %g s", r->o.accept_timeout_s);
		double left = deadline - rdm_pp_now_s();
		double limit = left < r->o.setup_timeout_s ? left : r->o.setup_timeout_s;
		if (rdm_ctl_read_within(r, line, sizeof line, "the client's hello", limit) == 0 &&
		    pp_ctl_parse_hello(line, h, why, sizeof why) < 0)
			rdm_pp_fail(r, "%s", why);
		if (!r->res->error[0]) return 0;
		if (r->o.first_client_only) return -1;
		snprintf(why, sizeof why, "%s", r->res->error);
		refuse(r);
	}
}

static int server_body(run_t *r, int lfd)
{
	char line[LINE_MAX_LEN], why[sizeof r->res->error], hex[2 * PP_CTL_ADDR_MAX + 1];
	pp_hello_t h;
	preload_providers(r->o.provider);
	if (server_hello(r, lfd, &h) < 0) return -1;
	r->res->iterations = h.iterations;
	if (fab_open(r, r->o.provider ? r->o.provider : h.provider, h.max) < 0 ||
	    fab_insert(r, h.addr) < 0 || post_recv(r) < 0 || fab_name_hex(r, hex, sizeof hex) < 0)
		return -1;
	if (rdm_ctl_send(r, "ADDR %s %s\n", r->res->provider, hex) < 0) return -1;
	for (;;) {
		uint64_t size;
		r->done = 0;
		if (rdm_ctl_read(r, line, sizeof line, "the client's next size") < 0) return -1;
		if (strcmp(line, "BYE") == 0) return rdm_ctl_send(r, "BYE\n");
		if (pp_ctl_parse_size(line, h.max, &size, why, sizeof why) < 0)
			return rdm_pp_fail(r, "%s", why);
		if (server_size(r, size, h.iterations, h.warmup) < 0) return -1;
	}
}

int rdm_pp_run_server(const rdm_pp_opts_t *o, pp_result_t *res)
{
	run_t r;
	run_init(&r, o, res);
	int lfd = r.o.listen_fd >= 0 ? r.o.listen_fd : rdm_ctl_listen(&r);
	if (lfd < 0) return finish(&r, -1);
	int rc = server_body(&r, lfd);
	if (r.o.listen_fd < 0) close(lfd);
	return finish(&r, rc);
}

/* ---- both on this machine ---- */

static void reap(pid_t pid, double grace_s)
{
	double deadline = rdm_pp_now_s() + grace_s;
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (rdm_pp_now_s() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

int rdm_pp_run_local(const rdm_pp_opts_t *o, pp_result_t *res)
{
	run_t r;
	run_init(&r, o, res);
	/* The listening socket exists before the fork, so the client cannot race the server,
	 * and an ephemeral port cannot collide with another run. */
	r.o.bind = "127.0.0.1";
	r.o.port = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sl) < 0 || listen(lfd, 1) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) < 0) {
		rdm_pp_fail(&r, "cannot listen on 127.0.0.1: %s", strerror(errno));
		if (lfd >= 0) close(lfd);
		return finish(&r, -1);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		rdm_pp_fail(&r, "fork: %s", strerror(errno));
		close(lfd);
		return finish(&r, -1);
	}
	if (pid == 0) {
		rdm_pp_opts_t so = r.o;
		pp_result_t sres;
		so.listen_fd = lfd;
		so.provider = NULL; /* follow the client */
		so.on_row = NULL;
		so.accept_timeout_s = so.setup_timeout_s;
		so.first_client_only = 1; /* the only client is this process */
		int rc = rdm_pp_run_server(&so, &sres);
		pp_result_free(&sres);
		_exit(rc < 0 ? 1 : 0);
	}
	close(lfd);
	rdm_pp_opts_t co = r.o;
	co.host = "127.0.0.1";
	co.port = ntohs(sa.sin_port);
	int rc = rdm_pp_run_client(&co, res);
	reap(pid, rc < 0 ? 1 : co.timeout_s);
	return rc;
}


#include "efa/rdm_pp.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rdma/fabric.h>
#include <rdma/fi_cm.h>
#include <rdma/fi_domain.h>
#include <rdma/fi_endpoint.h>
#include <rdma/fi_errno.h>

#include "efa/fabric.h"
#include "efa/pp_ctl.h"

#define LINE_MAX_LEN (PP_CTL_LINE_MAX + 1)
/* How often the data path looks at the control socket for a dead peer. */
#define CTL_CHECK_S 0.05
/* Empty CQ polls between clock reads: keeps the deadline check off the fast path. */
#define SPINS_PER_CHECK 64

static const uint64_t default_sizes[] = { 64, 4096, 65536, 1048576 };

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

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((format(printf, 2, 3)))
static int fail(run_t *r, const char *fmt, ...)
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

static void apply_defaults(rdm_pp_opts_t *o)
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

/* ---- the control connection: text lines, every wait with a deadline ---- */

static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - now_s();
		if (left <= 0) return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int rc = poll(&p, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR) continue;
		return rc;
	}
}

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

static int peer_closed(run_t *r, const char *detail)
{
	return fail(r, "peer closed the control connection after %ld iteration%s at size %llu%s%s",
	            r->done, plural(r->done), (unsigned long long)r->size, detail ? ": " : "",
	            detail ? detail : "");
}

__attribute__((format(printf, 2, 3)))
static int ctl_send(run_t *r, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof line) return fail(r, "control message too long");
	double deadline = now_s() + r->o.timeout_s;
	for (int off = 0; off < len;) {
		ssize_t n = send(r->fd, line + off, (size_t)(len - off), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += (int)n;
			continue;
		}
		if (n < 0 && (errno == EINTR)) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(r->fd, POLLOUT, deadline) <= 0)
				return fail(r, "the peer stopped reading the control connection for %.0f s",
				            r->o.timeout_s);
			continue;
		}
		return peer_closed(r, strerror(errno));
	}
	return 0;
}

/* Best effort: tell the peer why this side stops, so it can say so too. */
static void ctl_send_error(run_t *r)
{
	char msg[sizeof r->res->error];
	snprintf(msg, sizeof msg, "%s", r->res->error);
	for (char *p = msg; *p; p++)
		if (*p == '\n') *p = ' ';
	char line[sizeof msg + 8];
	int len = snprintf(line, sizeof line, "ERR %s\n", msg);
	if (r->fd >= 0 && len > 0) {
		ssize_t n = send(r->fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
		(void)n;
	}
}

/* Reads one line (without '\n') within limit_s. A peer's "ERR <why>" line becomes this
 * side's error. */
static int ctl_read_within(run_t *r, char *line, size_t len, const char *waiting_for,
                           double limit_s)
{
	double deadline = now_s() + limit_s;
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t got = recv(r->fd, &c, 1, MSG_DONTWAIT);
		if (got == 1) {
			if (c == '\n') break;
			/* A NUL would end the line early for every parser: the rest unseen. */
			if (c == 0) return fail(r, "the peer sent a NUL byte in a control line");
			if (n + 1 >= len) return fail(r, "control line too long from the peer");
			line[n++] = c;
			continue;
		}
		if (got == 0) return peer_closed(r, NULL);
		if (errno == EINTR) continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) return peer_closed(r, strerror(errno));
		if (wait_fd(r->fd, POLLIN, deadline) <= 0)
			return fail(r, "timed out after %.0f s waiting for %s from the peer", limit_s,
			            waiting_for);
	}
	line[n] = 0;
	if (strncmp(line, "ERR ", 4) == 0) return fail(r, "the peer failed: %s", line + 4);
	return 0;
}

static int ctl_read(run_t *r, char *line, size_t len, const char *waiting_for)
{
	return ctl_read_within(r, line, len, waiting_for, r->o.timeout_s);
}

/* Called from the data path: a closed control connection or an ERR line means the peer
 * is gone. Normal lines (the next ROW or BYE) are left for ctl_read. */
static int ctl_check(run_t *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };
	if (poll(&p, 1, 0) <= 0) return 0;
	char peek[4];
	ssize_t n = recv(r->fd, peek, sizeof peek, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0) return peer_closed(r, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : peer_closed(r, strerror(errno));
	if ((size_t)n == sizeof peek && memcmp(peek, "ERR ", 4) == 0) {
		char line[LINE_MAX_LEN];
		return ctl_read(r, line, sizeof line, "the peer's error");
	}
	return 0;
}

static int resolve(const char *host, int port, struct addrinfo **out, run_t *r)
{
	char svc[16];
	snprintf(svc, sizeof svc, "%d", port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	int rc = getaddrinfo(host, svc, &hints, out);
	if (rc) return fail(r, "cannot resolve \"%s\": %s", host, gai_strerror(rc));
	return 0;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	buf[0] = 0;
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)len);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
		          (socklen_t)len);
}

static void note_local_ip(run_t *r)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	r->local_ip[0] = 0;
	if (getsockname(r->fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_text(&ss, r->local_ip, sizeof r->local_ip);
}

static void tune(int fd)
{
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int ctl_connect(run_t *r)
{
	struct addrinfo *ai;
	if (resolve(r->o.host, r->o.port, &ai, r) < 0) return -1;
	double deadline = now_s() + r->o.timeout_s;
	int err = 0;
	for (struct addrinfo *a = ai; a && r->fd < 0; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0 && errno != EINPROGRESS) {
			err = errno;
			close(fd);
			continue;
		}
		if (wait_fd(fd, POLLOUT, deadline) <= 0) {
			err = ETIMEDOUT;
			close(fd);
			continue;
		}
		socklen_t sl = sizeof err;
		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err) {
			close(fd);
			continue;
		}
		r->fd = fd;
	}
	freeaddrinfo(ai);
	if (r->fd < 0)
		return fail(r, "cannot reach the ping-pong server at %s:%d: %s (is `nixl-tui pingpong "
		               "--serve` running there, on that port?)", r->o.host, r->o.port,
		            strerror(err ? err : ECONNREFUSED));
	tune(r->fd);
	note_local_ip(r);
	return 0;
}

static int ctl_listen(run_t *r)
{
	struct addrinfo *ai;
	if (resolve(r->o.bind, r->o.port, &ai, r) < 0) return -1;
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
		int e = errno;
		if (fd >= 0) close(fd);
		freeaddrinfo(ai);
		return fail(r, "cannot listen on %s:%d: %s", r->o.bind, r->o.port, strerror(e));
	}
	freeaddrinfo(ai);
	return fd;
}

/* Returns 1 with a client, 0 when the deadline passed, -1 on error. */
static int ctl_accept(run_t *r, int lfd, double deadline)
{
	for (;;) {
		int rc = wait_fd(lfd, POLLIN, deadline);
		if (rc < 0) return fail(r, "waiting for a client: %s", strerror(errno));
		if (rc == 0) return 0;
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			r->fd = fd;
			tune(fd);
			note_local_ip(r);
			addr_text(&ss, r->peer_ip, sizeof r->peer_ip);
			return 1;
		}
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			return fail(r, "accepting a client: %s", strerror(errno));
	}
}

/* ---- libfabric ---- */

#define FI_CHECK(r, call, what)                                                      \
	do {                                                                         \
		int rc_ = (int)(call);                                               \
		if (rc_) return fail(r, "%s failed: %s (%d)", what, fi_err(rc_), rc_); \
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
	return fail(r, "provider \"%s\" has no RDM endpoint on this host (fi_getinfo: %s); RDM "
	               "providers here: %s", provider, fi_err(rc), avail[0] ? avail : "none");
}

static int fab_getinfo(run_t *r, const char *provider)
{
	struct fi_info *hints = rdm_hints(provider);
	if (!hints) return fail(r, "out of memory");
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
			return fail(r, "provider \"%s\" cannot use local address %s (fi_getinfo: %s)",
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
		return fail(r, "size %llu is larger than %s's largest message (%zu)",
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
	if (posix_memalign(&buf, page, 2 * max)) return fail(r, "out of memory for %llu-byte "
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
	if (alen * 2 + 1 > len) return fail(r, "fabric address too long (%zu bytes)", alen);
	for (size_t i = 0; i < alen; i++) snprintf(hex + 2 * i, 3, "%02x", addr[i]);
	return 0;
}

/* addr is PP_CTL_ADDR_MAX bytes, zeros past what the peer sent: the provider reads as
 * many as its addresses take (shm's vary from process to process), never past the end. */
static int fab_insert(run_t *r, const unsigned char *addr)
{
	int rc = fi_av_insert(r->fab.av, addr, 1, &r->fab.peer, 0, NULL);
	if (rc != 1) return fail(r, "fi_av_insert of the peer's address failed: %s (%d)",
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
		return fail(r, "completion error after %ld iteration%s at size %llu: %s (%s)", r->done,
		            plural(r->done), (unsigned long long)r->size, fi_err(e.err), pe);
	}
	if (n < 0) return fail(r, "fi_cq_read failed: %s (%zd)", fi_err((int)n), n);
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
	double t = now_s();
	if (s->deadline == 0) s->deadline = t + r->o.timeout_s;
	if (t >= r->next_ctl_check) {
		r->next_ctl_check = t + CTL_CHECK_S;
		if (ctl_check(r) < 0) return -1;
	}
	if (t > s->deadline)
		return fail(r, "timed out: no completion from the peer for %.0f s after %ld iteration%s "
		               "at size %llu (peer hung, or the fabric path between the hosts is down)",
		            r->o.timeout_s, r->done, plural(r->done), (unsigned long long)r->size);
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
		if (rc != -FI_EAGAIN) return fail(r, "fi_recv failed: %s (%zd)", fi_err((int)rc), rc);
		if (cq_poll(r) < 0 || spin_check(r, &s) < 0) return -1;
	}
}

static int post_send(run_t *r, size_t len)
{
	fab_t *f = &r->fab;
	/* fi_inject returns the buffer at once and produces no completion. */
	int inject = len <= f->info->tx_attr->inject_size;
	spin_t s = { 0, 0 };
	for (;;) {
		ssize_t rc = inject ? fi_inject(f->ep, f->buf, len, f->peer)
		                    : fi_send(f->ep, f->buf, len, f->desc, f->peer, &f->tx_ctx);
		if (rc == 0) {
			f->tx_pending = !inject;
			return 0;
		}
		if (rc != -FI_EAGAIN) return fail(r, "fi_send failed: %s (%zd)", fi_err((int)rc), rc);
		if (cq_poll(r) < 0 || spin_check(r, &s) < 0) return -1;
	}
}

static int check_len(run_t *r)
{
	if (r->fab.rx_len == r->size) return 0;
	return fail(r, "received %zu bytes where %llu were sent at iteration %ld", r->fab.rx_len,
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
	if (pp_result_add(r->res, row) < 0) return fail(r, "out of memory");
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
	if (ctl_send(r, "SIZE %llu\n", (unsigned long long)size) < 0) return -1;
	if (ctl_read(r, line, sizeof line, "the server to start a size") < 0) return -1;
	if (strcmp(line, "GO") != 0) return fail(r, "unexpected control message \"%s\"", line);
	double start = 0, prev = 0;
	for (int i = 0; i < total; i++) {
		if (i == r->o.warmup) start = prev = now_s();
		if (post_send(r, size) < 0 || wait_done(r, 1, 1) < 0 || check_len(r) < 0 ||
		    post_recv(r) < 0)
			return -1;
		if (i >= r->o.warmup) {
			double t = now_s();
			lat[i - r->o.warmup] = (t - prev) * 1e6 / 2;
			prev = t;
		}
		r->done++;
	}
	double median, p99;
	percentiles(lat, iters, &median, &p99);
	pp_row_t row;
	row_fill(&row, size, iters, prev - start, median, p99);
	if (ctl_send(r, "ROW %llu %d %.9f %.4f %.4f\n", (unsigned long long)size, iters, row.time_s,
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
	if (!prov && pick_provider(&prov) < 0) return fail(r, "out of memory");
	if (ctl_connect(r) < 0 || fab_open(r, prov, max) < 0 || fab_name_hex(r, hex, sizeof hex) < 0)
		return -1;
	if (ctl_send(r, "HELLO %s %s %d %d %llu %s\n", PP_CTL_MAGIC, r->res->provider,
	             r->o.iterations, r->o.warmup, (unsigned long long)max, hex) < 0)
		return -1;
	if (ctl_read_within(r, line, sizeof line, "the server's fabric address",
	                    r->o.setup_timeout_s) < 0)
		return -1;
	if (pp_ctl_parse_addr(line, peer_prov, sizeof peer_prov, peer_addr, &peer_len, why,
	                      sizeof why) < 0)
		return fail(r, "%s", why);
	if (strcmp(peer_prov, r->res->provider) != 0)
		return fail(r, "the server uses provider %s but this side uses %s; give both the same "
		               "-p", peer_prov, r->res->provider);
	if (fab_insert(r, peer_addr) < 0 || post_recv(r) < 0) return -1;

	double *lat = calloc((size_t)r->o.iterations, sizeof *lat);
	if (!lat) return fail(r, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < r->o.nsizes && rc == 0; i++) rc = client_size(r, r->o.sizes[i], lat);
	free(lat);
	if (rc < 0) return -1;
	/* Tear down only when the server is done with the last message. */
	if (ctl_send(r, "BYE\n") < 0 || ctl_read(r, line, sizeof line, "the server's goodbye") < 0)
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
	if (rc < 0) ctl_send_error(r);
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
	apply_defaults(&r->o);
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
	if (ctl_send(r, "GO\n") < 0) return -1;
	for (int i = 0; i < warmup + iters; i++) {
		if (wait_done(r, 1, 1) < 0 || check_len(r) < 0 || post_recv(r) < 0 ||
		    post_send(r, size) < 0)
			return -1;
		r->done++;
	}
	if (wait_done(r, 0, 1) < 0) return -1;
	if (ctl_read(r, line, sizeof line, "the client's result row") < 0) return -1;
	double t, median, p99;
	if (pp_ctl_parse_row(line, size, iters, &t, &median, &p99, why, sizeof why) < 0)
		return fail(r, "%s", why);
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
	ctl_send_error(r);
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
	double deadline = now_s() + r->o.accept_timeout_s;
	for (;;) {
		int rc = ctl_accept(r, lfd, deadline);
		if (rc < 0) return -1;
		if (rc == 0 && why[0])
			return fail(r, "no client sent a hello this server takes within %g s; the last "
			               "was refused: %s", r->o.accept_timeout_s, why);
		if (rc == 0) return fail(r, "no client connected within %g s", r->o.accept_timeout_s);
		double left = deadline - now_s();
		double limit = left < r->o.setup_timeout_s ? left : r->o.setup_timeout_s;
		if (ctl_read_within(r, line, sizeof line, "the client's hello", limit) == 0 &&
		    pp_ctl_parse_hello(line, h, why, sizeof why) < 0)
			fail(r, "%s", why);
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
	if (ctl_send(r, "ADDR %s %s\n", r->res->provider, hex) < 0) return -1;
	for (;;) {
		uint64_t size;
		r->done = 0;
		if (ctl_read(r, line, sizeof line, "the client's next size") < 0) return -1;
		if (strcmp(line, "BYE") == 0) return ctl_send(r, "BYE\n");
		if (pp_ctl_parse_size(line, h.max, &size, why, sizeof why) < 0)
			return fail(r, "%s", why);
		if (server_size(r, size, h.iterations, h.warmup) < 0) return -1;
	}
}

int rdm_pp_run_server(const rdm_pp_opts_t *o, pp_result_t *res)
{
	run_t r;
	run_init(&r, o, res);
	int lfd = r.o.listen_fd >= 0 ? r.o.listen_fd : ctl_listen(&r);
	if (lfd < 0) return finish(&r, -1);
	int rc = server_body(&r, lfd);
	if (r.o.listen_fd < 0) close(lfd);
	return finish(&r, rc);
}

/* ---- both on this machine ---- */

static void reap(pid_t pid, double grace_s)
{
	double deadline = now_s() + grace_s;
	while (waitpid(pid, NULL, WNOHANG) == 0) {
		if (now_s() > deadline) {
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
		fail(&r, "cannot listen on 127.0.0.1: %s", strerror(errno));
		if (lfd >= 0) close(lfd);
		return finish(&r, -1);
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		fail(&r, "fork: %s", strerror(errno));
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
	cJSON_AddStringToObject(o, "provider", res->provider);
	cJSON_AddStringToObject(o, "endpoint", res->endpoint);
	cJSON_AddNumberToObject(o, "iterations", res->iterations);
	cJSON_AddNumberToObject(o, "warmup", warmup);
	cJSON_AddBoolToObject(o, "ok", res->error[0] == 0);
	if (res->error[0]) cJSON_AddStringToObject(o, "error", res->error);
	cJSON_AddItemToObject(o, "rows", pp_result_rows_json(res));
	return o;
}

#include "efa/rdm_pp_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the control connection: text lines, every wait with a deadline ---- */

static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		double left = deadline - rdm_pp_now_s();
		if (left <= 0) return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int rc = poll(&p, 1, (int)(left * 1000) + 1);
		if (rc < 0 && errno == EINTR) continue;
		return rc;
	}
}

const char *rdm_pp_plural(long n)
{
	return n == 1 ? "" : "s";
}

static int peer_closed(run_t *r, const char *detail)
{
	return rdm_pp_fail(r, "peer closed the control connection after %ld iteration%s at size %llu%s%s",
	            r->done, rdm_pp_plural(r->done), (unsigned long long)r->size, detail ? ": " : "",
	            detail ? detail : "");
}

int rdm_ctl_send(run_t *r, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof line) return rdm_pp_fail(r, "control message too long");
	double deadline = rdm_pp_now_s() + r->o.timeout_s;
	for (int off = 0; off < len;) {
		ssize_t n = send(r->fd, line + off, (size_t)(len - off), MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += (int)n;
			continue;
		}
		if (n < 0 && (errno == EINTR)) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(r->fd, POLLOUT, deadline) <= 0)
				return rdm_pp_fail(r, "the peer stopped reading the control connection for %.0f s",
				            r->o.timeout_s);
			continue;
		}
		return peer_closed(r, strerror(errno));
	}
	return 0;
}

/* Best effort: tell the peer why this side stops, so it can say so too. */
void rdm_ctl_send_error(run_t *r)
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
int rdm_ctl_read_within(run_t *r, char *line, size_t len, const char *waiting_for,
                           double limit_s)
{
	double deadline = rdm_pp_now_s() + limit_s;
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t got = recv(r->fd, &c, 1, MSG_DONTWAIT);
		if (got == 1) {
			if (c == '\n') break;
			/* A NUL would end the line early for every parser: the rest unseen. */
			if (c == 0) return rdm_pp_fail(r, "the peer sent a NUL byte in a control line");
			if (n + 1 >= len) return rdm_pp_fail(r, "control line too long from the peer");
			line[n++] = c;
			continue;
		}
		if (got == 0) return peer_closed(r, NULL);
		if (errno == EINTR) continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) return peer_closed(r, strerror(errno));
		if (wait_fd(r->fd, POLLIN, deadline) <= 0)
			return rdm_pp_fail(r, "timed out after %.0f s waiting for %s from the peer", limit_s,
			            waiting_for);
	}
	line[n] = 0;
	if (strncmp(line, "ERR ", 4) == 0) return rdm_pp_fail(r, "the peer failed: %s", line + 4);
	return 0;
}

int rdm_ctl_read(run_t *r, char *line, size_t len, const char *waiting_for)
{
	return rdm_ctl_read_within(r, line, len, waiting_for, r->o.timeout_s);
}

/* Called from the data path: a closed control connection or an ERR line means the peer
 * is gone. Normal lines (the next ROW or BYE) are left for ctl_read. */
int rdm_ctl_check(run_t *r)
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
		return rdm_ctl_read(r, line, sizeof line, "the peer's error");
	}
	return 0;
}

static int resolve(const char *host, int port, struct addrinfo **out, run_t *r)
{
	char svc[16];
	snprintf(svc, sizeof svc, "%d", port);
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	int rc = getaddrinfo(host, svc, &hints, out);
	if (rc) return rdm_pp_fail(r, "cannot resolve \"%s\": %s", host, gai_strerror(rc));
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

int rdm_ctl_connect(run_t *r)
{
	struct addrinfo *ai;
	if (resolve(r->o.host, r->o.port, &ai, r) < 0) return -1;
	double deadline = rdm_pp_now_s() + r->o.timeout_s;
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
		return rdm_pp_fail(r, "cannot reach the ping-pong server at %s:%d: %s (is `nixl-tui pingpong "
		               "--serve` running there, on that port?)", r->o.host, r->o.port,
		            strerror(err ? err : ECONNREFUSED));
	tune(r->fd);
	note_local_ip(r);
	return 0;
}

int rdm_ctl_listen(run_t *r)
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
		return rdm_pp_fail(r, "cannot listen on %s:%d: %s", r->o.bind, r->o.port, strerror(e));
	}
	freeaddrinfo(ai);
	return fd;
}

/* Returns 1 with a client, 0 when the deadline passed, -1 on error. */
int rdm_ctl_accept(run_t *r, int lfd, double deadline)
{
	for (;;) {
		int rc = wait_fd(lfd, POLLIN, deadline);
		if (rc < 0) return rdm_pp_fail(r, "waiting for a client: %s", strerror(errno));
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
			return rdm_pp_fail(r, "accepting a client: %s", strerror(errno));
	}
}

#include "base/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/grow.h"

struct fdw { int fd, events; loop_fd_cb cb; void *ud; int dead; };
struct timer { uint64_t id; int64_t due; loop_timer_cb cb; void *ud; };
struct sigw { int signo; loop_signal_cb cb; void *ud; };
struct childw { pid_t pid; loop_child_cb cb; void *ud; };

struct loop {
	struct fdw *fds; size_t nfds, capfds;
	struct timer *timers; size_t ntimers, captimers;
	struct sigw sigs[16]; size_t nsigs;
	struct childw *children; size_t nchildren, capchildren;
	struct pollfd *pfd; size_t cappfd;
	uint64_t next_timer_id;
	int stop;
};

/* The self-pipe is process-wide: a signal handler cannot know which loop. */
static int sig_pipe[2] = {-1, -1};
static int sig_users;

static void on_signal(int signo)
{
	int saved = errno;
	unsigned char b = (unsigned char)signo;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) { /* full pipe: signal already pending */ }
	errno = saved;
}

int64_t loop_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The loop's tables start at 8. */
static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	return grow_array(p, cap, need, elem, 8);
}

static int set_nonblock_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

loop_t *loop_new(void)
{
	loop_t *l = calloc(1, sizeof *l);
	if (!l) return NULL;
	if (sig_users++ == 0) {
		if (pipe(sig_pipe) < 0 || set_nonblock_cloexec(sig_pipe[0]) < 0 ||
		    set_nonblock_cloexec(sig_pipe[1]) < 0) {
			sig_users--;
			free(l);
			return NULL;
		}
	}
	return l;
}

void loop_free(loop_t *l)
{
	if (!l) return;
	for (size_t i = 0; i < l->nsigs; i++) signal(l->sigs[i].signo, SIG_DFL);
	if (--sig_users == 0) {
		close(sig_pipe[0]); close(sig_pipe[1]);
		sig_pipe[0] = sig_pipe[1] = -1;
	}
	free(l->fds); free(l->timers); free(l->children); free(l->pfd);
	free(l);
}

static struct fdw *find_fd(loop_t *l, int fd)
{
	for (size_t i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd && !l->fds[i].dead) return &l->fds[i];
	return NULL;
}

int loop_fd_add(loop_t *l, int fd, int events, loop_fd_cb cb, void *ud)
{
	struct fdw *w = find_fd(l, fd);
	if (!w) {
		if (grow((void **)&l->fds, &l->capfds, l->nfds + 1, sizeof *l->fds) < 0) return -1;
		w = &l->fds[l->nfds++];
	}
	*w = (struct fdw){ .fd = fd, .events = events, .cb = cb, .ud = ud };
	return 0;
}

int loop_fd_mod(loop_t *l, int fd, int events)
{
	struct fdw *w = find_fd(l, fd);
	if (!w) return -1;
	w->events = events;
	return 0;
}

void loop_fd_del(loop_t *l, int fd)
{
	struct fdw *w = find_fd(l, fd);
	if (w) w->dead = 1; /* compacted after dispatch: callbacks may delete while we iterate */
}

uint64_t loop_timer_add(loop_t *l, int64_t delay_ms, loop_timer_cb cb, void *ud)
{
	if (grow((void **)&l->timers, &l->captimers, l->ntimers + 1, sizeof *l->timers) < 0) return 0;
	uint64_t id = ++l->next_timer_id;
	l->timers[l->ntimers++] = (struct timer){ id, loop_now_ms() + (delay_ms > 0 ? delay_ms : 0), cb, ud };
	return id;
}

void loop_timer_cancel(loop_t *l, uint64_t id)
{
	for (size_t i = 0; i < l->ntimers; i++)
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
}

int loop_signal_watch(loop_t *l, int signo, loop_signal_cb cb, void *ud)
{
	size_t i;
	for (i = 0; i < l->nsigs && l->sigs[i].signo != signo; i++) {}
	if (i == l->nsigs) {
		if (l->nsigs == sizeof l->sigs / sizeof l->sigs[0]) return -1;
		l->nsigs++;
	}
	l->sigs[i] = (struct sigw){ signo, cb, ud };
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	return sigaction(signo, &sa, NULL);
}

void loop_signal_unwatch(loop_t *l, int signo)
{
	for (size_t i = 0; i < l->nsigs; i++)
		if (l->sigs[i].signo == signo) {
			l->sigs[i] = l->sigs[--l->nsigs];
			signal(signo, SIG_DFL);
			return;
		}
}

static void on_sigchld(loop_t *l, int signo, void *ud);

int loop_child_watch(loop_t *l, pid_t pid, loop_child_cb cb, void *ud)
{
	if (grow((void **)&l->children, &l->capchildren, l->nchildren + 1, sizeof *l->children) < 0)
		return -1;
	l->children[l->nchildren++] = (struct childw){ pid, cb, ud };
	/* The child may have exited before we watched it: check once on the next turn. */
	if (loop_signal_watch(l, SIGCHLD, on_sigchld, NULL) < 0) return -1;
	on_signal(SIGCHLD);
	return 0;
}

void loop_child_unwatch(loop_t *l, pid_t pid)
{
	for (size_t i = 0; i < l->nchildren; i++)
		if (l->children[i].pid == pid) {
			l->children[i] = l->children[--l->nchildren];
			return;
		}
}

static void on_sigchld(loop_t *l, int signo, void *ud)
{
	(void)signo; (void)ud;
	for (size_t i = 0; i < l->nchildren;) {
		int status;
		pid_t pid = l->children[i].pid;
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD)) {
			struct childw c = l->children[i];
			l->children[i] = l->children[--l->nchildren];
			c.cb(l, pid, r == pid ? status : -1, c.ud);
			i = 0; /* the callback may have changed the table */
			continue;
		}
		i++;
	}
}

static int drain_signals(loop_t *l)
{
	unsigned char buf[64];
	int runs = 0;
	ssize_t n;
	while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0) {
		for (ssize_t k = 0; k < n; k++) {
			for (size_t i = 0; i < l->nsigs; i++)
				if (l->sigs[i].signo == buf[k]) {
					l->sigs[i].cb(l, buf[k], l->sigs[i].ud);
					runs++;
					break;
				}
		}
	}
	return runs;
}

static int run_timers(loop_t *l)
{
	int runs = 0;
	int64_t now = loop_now_ms();
	for (;;) {
		/* the earliest due first, and of those due alike the first added (ids grow): the
		 * order of the array, which a cancel changes, never decides */
		size_t best = l->ntimers;
		for (size_t i = 0; i < l->ntimers; i++) {
			const struct timer *c = &l->timers[i], *b = &l->timers[best < l->ntimers ? best : i];
			if (c->due <= now && (best == l->ntimers || c->due < b->due || (c->due == b->due && c->id < b->id)))
				best = i;
		}
		if (best == l->ntimers) return runs;
		struct timer t = l->timers[best];
		l->timers[best] = l->timers[--l->ntimers];
		t.cb(l, t.ud);
		runs++;
	}
}

static int next_wait(loop_t *l, int max_wait_ms)
{
	int64_t wait = max_wait_ms;
	int64_t now = loop_now_ms();
	for (size_t i = 0; i < l->ntimers; i++) {
		int64_t d = l->timers[i].due - now;
		if (d < 0) d = 0;
		if (wait < 0 || d < wait) wait = d;
	}
	return (int)wait;
}

int loop_run_once(loop_t *l, int max_wait_ms)
{
	size_t n = 0;
	if (grow((void **)&l->pfd, &l->cappfd, l->nfds + 1, sizeof *l->pfd) < 0) return -1;
	l->pfd[n++] = (struct pollfd){ .fd = sig_pipe[0], .events = POLLIN };
	for (size_t i = 0; i < l->nfds; i++) {
		struct fdw *w = &l->fds[i];
		short ev = (short)(((w->events & LOOP_READ) ? POLLIN : 0) | ((w->events & LOOP_WRITE) ? POLLOUT : 0));
		l->pfd[n++] = (struct pollfd){ .fd = w->dead ? -1 : w->fd, .events = ev };
	}
	size_t nwatched = l->nfds;
	int r = poll(l->pfd, n, next_wait(l, max_wait_ms));
	if (r < 0 && errno != EINTR) return -1;
	int runs = 0;
	if (r > 0) {
		if (l->pfd[0].revents) runs += drain_signals(l);
		for (size_t i = 0; i < nwatched; i++) {
			short re = l->pfd[i + 1].revents;
			struct fdw *w = &l->fds[i];
			if (!re || w->dead || w->fd != l->pfd[i + 1].fd) continue;
			int ev = ((re & POLLIN) ? LOOP_READ : 0) | ((re & POLLOUT) ? LOOP_WRITE : 0) |
			         ((re & (POLLERR | POLLHUP | POLLNVAL)) ? LOOP_ERROR : 0);
			/* HUP without POLLIN still needs a read to see EOF */
			if ((re & POLLHUP) && (w->events & LOOP_READ)) ev |= LOOP_READ;
			w->cb(l, w->fd, ev, w->ud);
			runs++;
		}
	} else if (r < 0) {
		runs += drain_signals(l);
	}
	runs += run_timers(l);
	size_t k = 0;
	for (size_t i = 0; i < l->nfds; i++)
		if (!l->fds[i].dead) l->fds[k++] = l->fds[i];
	l->nfds = k;
	return runs;
}

int loop_run(loop_t *l, const int *done, int64_t deadline_ms)
{
	l->stop = 0;
	while (!l->stop && !(done && *done)) {
		int wait = -1;
		if (deadline_ms) {
			int64_t left = deadline_ms - loop_now_ms();
			if (left <= 0) return -1;
			wait = (int)left;
		}
		if (loop_run_once(l, wait) < 0) return -1;
	}
	return 0;
}

void loop_stop(loop_t *l) { l->stop = 1; }

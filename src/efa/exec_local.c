#include "efa/exec_local.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct lexec lexec_t;

typedef enum stop_reason { STOP_NONE, STOP_TIMEOUT, STOP_CANCEL } stop_reason_t;

typedef struct ljob {
	exec_job_t base;
	lexec_t *lx;
	struct ljob *next;
	pid_t pid;
	int fd[2];               /* read ends for stdout, stderr; -1 once at EOF */
	exec_linebuf_t lb[2];
	exec_cbs_t cbs;
	uint64_t timeout_timer, kill_timer, eof_timer;
	int exited, wstatus;
	int timeout_ms;
	stop_reason_t stop;
} ljob_t;

struct lexec {
	exec_t base;
	loop_t *loop;
	exec_local_opts_t opts;
	ljob_t *jobs;
	int netns_fd, userns_fd; /* exec_local_isolate: namespaces jobs join; -1 none */
};

/* The session id of a process from /proc/PID/stat (its 6th field, after the command
 * name in parentheses, which may itself hold spaces or parentheses); -1 when unknown. */
static pid_t session_of(const char *pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%s/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f) return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	const char *p = strrchr(buf, ')');
	int ppid, pgrp, sid;
	char state;
	if (!p || sscanf(p + 1, " %c %d %d %d", &state, &ppid, &pgrp, &sid) != 4) return -1;
	return sid;
}

/* Signals everything a job started. Each job leads a session of its own: a child that
 * moved into a process group of its own (GNU timeout does, unless --foreground) is still
 * in the session, so killing the group alone would leave it running. */
static void kill_job_tree(ljob_t *j, int sig)
{
	if (!j->exited) kill(j->pid, sig); /* before setsid() has run in the child, too */
	killpg(j->pid, sig);
	DIR *d = opendir("/proc");
	if (!d) return;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && session_of(e->d_name) == j->pid)
			kill((pid_t)atoi(e->d_name), sig);
	closedir(d);
}

static void close_fd(ljob_t *j, int k)
{
	if (j->fd[k] < 0) return;
	loop_fd_del(j->lx->loop, j->fd[k]);
	close(j->fd[k]);
	j->fd[k] = -1;
}

static void cancel_timers(ljob_t *j)
{
	loop_t *l = j->lx->loop;
	if (j->timeout_timer) loop_timer_cancel(l, j->timeout_timer);
	if (j->kill_timer) loop_timer_cancel(l, j->kill_timer);
	if (j->eof_timer) loop_timer_cancel(l, j->eof_timer);
	j->timeout_timer = j->kill_timer = j->eof_timer = 0;
}

static void unlink_job(ljob_t *j)
{
	for (ljob_t **p = &j->lx->jobs; *p; p = &(*p)->next)
		if (*p == j) { *p = j->next; return; }
}

static void fill_result(const ljob_t *j, exec_result_t *r)
{
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	if (WIFEXITED(j->wstatus)) r->exit_code = WEXITSTATUS(j->wstatus);
	else if (WIFSIGNALED(j->wstatus)) r->signal = WTERMSIG(j->wstatus);
	if (j->stop == STOP_TIMEOUT) {
		r->status = EXEC_TIMED_OUT;
		snprintf(r->detail, sizeof r->detail, "timed out after %d ms; process group killed",
		         j->timeout_ms);
	} else if (j->stop == STOP_CANCEL) {
		r->status = EXEC_CANCELLED;
		snprintf(r->detail, sizeof r->detail, "cancelled");
	} else if (r->exit_code == 0) {
		r->status = EXEC_SUCCESS;
	} else {
		r->status = EXEC_FAILED;
		if (r->signal)
			snprintf(r->detail, sizeof r->detail, "killed by signal %d", r->signal);
		else
			snprintf(r->detail, sizeof r->detail, "exit code %d", r->exit_code);
	}
}

static void finish(ljob_t *j)
{
	for (int k = 0; k < 2; k++) {
		close_fd(j, k);
		exec_linebuf_finish(&j->lb[k], &j->cbs);
	}
	cancel_timers(j);
	unlink_job(j);
	exec_result_t r;
	fill_result(j, &r);
	if (j->cbs.on_done) j->cbs.on_done(j->cbs.ud, &r);
	free(j);
}

static void maybe_finish(ljob_t *j)
{
	if (j->exited && j->fd[0] < 0 && j->fd[1] < 0) finish(j);
}

/* Reads what the pipe holds; at EOF closes it. */
static void drain(ljob_t *j, int k)
{
	char buf[8192];
	while (j->fd[k] >= 0) {
		ssize_t n = read(j->fd[k], buf, sizeof buf);
		if (n > 0) {
			exec_linebuf_feed(&j->lb[k], buf, (size_t)n, &j->cbs);
			continue;
		}
		if (n < 0 && errno == EINTR) continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
		close_fd(j, k); /* EOF or error */
		exec_linebuf_finish(&j->lb[k], &j->cbs);
	}
}

static void on_readable(loop_t *l, int fd, int events, void *ud)
{
	(void)l; (void)events;
	ljob_t *j = ud;
	drain(j, fd == j->fd[0] ? 0 : 1);
	maybe_finish(j);
}

static void on_kill_timer(loop_t *l, void *ud)
{
	(void)l;
	ljob_t *j = ud;
	j->kill_timer = 0;
	kill_job_tree(j, SIGKILL);
}

static void stop_job(ljob_t *j, stop_reason_t why)
{
	if (j->stop == STOP_NONE) j->stop = why;
	if (j->exited) {
		/* Only leftovers holding the pipes remain: no grace needed. */
		kill_job_tree(j, SIGKILL);
		return;
	}
	kill_job_tree(j, SIGTERM);
	if (!j->kill_timer) j->kill_timer = loop_timer_add(j->lx->loop, j->lx->opts.kill_grace_ms, on_kill_timer, j);
}

static void on_timeout(loop_t *l, void *ud)
{
	(void)l;
	ljob_t *j = ud;
	j->timeout_timer = 0;
	stop_job(j, STOP_TIMEOUT);
}

static void on_eof_timer(loop_t *l, void *ud)
{
	(void)l;
	ljob_t *j = ud;
	j->eof_timer = 0;
	kill_job_tree(j, SIGKILL);
	for (int k = 0; k < 2; k++) {
		drain(j, k); /* what is already buffered, before giving up on the pipe */
		close_fd(j, k);
	}
	maybe_finish(j);
}

static void on_child(loop_t *l, pid_t pid, int status, void *ud)
{
	(void)pid;
	ljob_t *j = ud;
	j->exited = 1;
	j->wstatus = status;
	if (j->kill_timer) { loop_timer_cancel(l, j->kill_timer); j->kill_timer = 0; }
	if (j->timeout_timer) { loop_timer_cancel(l, j->timeout_timer); j->timeout_timer = 0; }
	if (j->fd[0] >= 0 || j->fd[1] >= 0) {
		int grace = j->stop != STOP_NONE ? 0 : j->lx->opts.eof_grace_ms;
		j->eof_timer = loop_timer_add(l, grace, on_eof_timer, j);
		return;
	}
	maybe_finish(j);
}

static void child_exec(const lexec_t *lx, int out, int errfd, const char *path, char *const argv[])
{
	setsid(); /* a session of its own: see kill_job_tree */
	if ((lx->userns_fd >= 0 && setns(lx->userns_fd, CLONE_NEWUSER) < 0) ||
	    (lx->netns_fd >= 0 && setns(lx->netns_fd, CLONE_NEWNET) < 0)) {
		dprintf(errfd, "cannot join the private network namespace: %s\n", strerror(errno));
		_exit(126);
	}
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	int devnull = open("/dev/null", O_RDONLY);
	if (devnull >= 0) dup2(devnull, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	if (path) execv(path, argv);
	else execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static exec_job_t *spawn(exec_t *ex, const char *path, char *const argv[], int timeout_ms,
                         const exec_cbs_t *cbs, char *err, size_t errlen)
{
	lexec_t *lx = (lexec_t *)ex;
	int p[2][2] = { { -1, -1 }, { -1, -1 } };
	ljob_t *j = calloc(1, sizeof *j);
	if (!j) { snprintf(err, errlen, "out of memory"); return NULL; }
	if (pipe2(p[0], O_CLOEXEC) < 0 || pipe2(p[1], O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) child_exec(lx, p[0][1], p[1][1], path, argv);
	close(p[0][1]);
	close(p[1][1]);
	j->base.ex = ex;
	j->lx = lx;
	j->pid = pid;
	j->cbs = *cbs;
	j->timeout_ms = timeout_ms;
	for (int k = 0; k < 2; k++) {
		j->fd[k] = p[k][0];
		j->lb[k].stream = k == 0 ? EXEC_STDOUT : EXEC_STDERR;
		fcntl(j->fd[k], F_SETFL, fcntl(j->fd[k], F_GETFL) | O_NONBLOCK);
		loop_fd_add(lx->loop, j->fd[k], LOOP_READ, on_readable, j);
	}
	j->next = lx->jobs;
	lx->jobs = j;
	loop_child_watch(lx->loop, pid, on_child, j);
	if (timeout_ms > 0) j->timeout_timer = loop_timer_add(lx->loop, timeout_ms, on_timeout, j);
	return &j->base;
fail:
	for (int k = 0; k < 2; k++)
		for (int e = 0; e < 2; e++)
			if (p[k][e] >= 0) close(p[k][e]);
	free(j);
	return NULL;
}

static exec_job_t *local_start(exec_t *ex, const char *target, const char *script, int timeout_ms,
                               const exec_cbs_t *cbs, char *err, size_t errlen)
{
	(void)target;
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	return spawn(ex, "/bin/sh", argv, timeout_ms, cbs, err, errlen);
}

exec_job_t *exec_local_start_argv(exec_t *ex, char *const argv[], int timeout_ms,
                                  const exec_cbs_t *cbs, char *err, size_t errlen)
{
	return spawn(ex, NULL, argv, timeout_ms, cbs, err, errlen);
}

static void local_cancel(exec_job_t *job)
{
	stop_job((ljob_t *)job, STOP_CANCEL);
}

static void local_free(exec_t *ex)
{
	lexec_t *lx = (lexec_t *)ex;
	while (lx->jobs) {
		ljob_t *j = lx->jobs;
		lx->jobs = j->next;
		if (!j->exited) {
			loop_child_unwatch(lx->loop, j->pid);
			kill_job_tree(j, SIGKILL);
			waitpid(j->pid, NULL, 0);
		} else {
			kill_job_tree(j, SIGKILL);
		}
		for (int k = 0; k < 2; k++) {
			close_fd(j, k);
			free(j->lb[k].buf);
		}
		cancel_timers(j);
		free(j);
	}
	if (lx->netns_fd >= 0) close(lx->netns_fd);
	if (lx->userns_fd >= 0) close(lx->userns_fd);
	free(lx);
}

static const exec_ops_t local_ops = {
	.name = "local",
	.start = local_start,
	.cancel = local_cancel,
	.free = local_free,
};

exec_t *exec_local_new(loop_t *loop, const exec_local_opts_t *opts)
{
	lexec_t *lx = calloc(1, sizeof *lx);
	if (!lx) return NULL;
	lx->base.ops = &local_ops;
	lx->loop = loop;
	lx->netns_fd = lx->userns_fd = -1;
	if (opts) lx->opts = *opts;
	if (lx->opts.kill_grace_ms <= 0) lx->opts.kill_grace_ms = 2000;
	if (lx->opts.eof_grace_ms <= 0) lx->opts.eof_grace_ms = 500;
	return &lx->base;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* In the namespace holder (a child): a new network namespace (and a user namespace
 * when not root), loopback up. Returns 0, or an errno. */
static int make_namespace(int *with_user)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	*with_user = 0;
	if (unshare(CLONE_NEWNET) < 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) return errno;
		*with_user = 1;
		char map[64];
		write_file("/proc/self/setgroups", "deny");
		snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/uid_map", map) < 0) return errno;
		snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
		write_file("/proc/self/gid_map", map);
	}
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) return errno;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	int e = rc < 0 ? errno : 0;
	close(s);
	return e;
}

int exec_local_isolate(exec_t *ex, char *err, size_t errlen)
{
	lexec_t *lx = (lexec_t *)ex;
	int ready[2], hold[2];
	if (lx->netns_fd >= 0) return 0;
	if (pipe2(ready, O_CLOEXEC) < 0) { snprintf(err, errlen, "pipe: %s", strerror(errno)); return -1; }
	if (pipe2(hold, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(ready[0]); close(ready[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(ready[0]); close(ready[1]); close(hold[0]); close(hold[1]);
		return -1;
	}
	if (pid == 0) {
		/* The holder: build the namespaces, report, then live until the parent has
		 * opened them (its fds keep them alive after we exit). */
		close(ready[0]);
		close(hold[1]);
		int with_user, e = make_namespace(&with_user);
		unsigned char msg[2] = { (unsigned char)(e > 255 ? 255 : e), (unsigned char)with_user };
		if (write(ready[1], msg, 2) != 2) _exit(1);
		char c;
		while (read(hold[0], &c, 1) < 0 && errno == EINTR) {}
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	unsigned char msg[2] = { 255, 0 };
	ssize_t n;
	while ((n = read(ready[0], msg, 2)) < 0 && errno == EINTR) {}
	close(ready[0]);
	int rc = -1;
	if (n != 2) {
		snprintf(err, errlen, "the namespace helper died");
	} else if (msg[0]) {
		snprintf(err, errlen, "cannot create a private network namespace: %s", strerror(msg[0]));
	} else {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/ns/net", (int)pid);
		lx->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (msg[1]) {
			snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
			lx->userns_fd = open(path, O_RDONLY | O_CLOEXEC);
		}
		if (lx->netns_fd < 0 || (msg[1] && lx->userns_fd < 0)) {
			snprintf(err, errlen, "cannot open the namespace: %s", strerror(errno));
			if (lx->netns_fd >= 0) close(lx->netns_fd);
			if (lx->userns_fd >= 0) close(lx->userns_fd);
			lx->netns_fd = lx->userns_fd = -1;
		} else {
			rc = 0;
		}
	}
	close(hold[1]);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
	return rc;
}

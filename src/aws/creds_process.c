/* credential_process, run as the AWS CLI runs it. */
#include "aws/creds.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_priv.h"

#define MAX_PROCESS_OUT (64u << 10)
#define MAX_PROCESS_ERR 4096u

typedef struct sink {
	int fd;
	char *buf;
	size_t len, max;
	int overflow;
} sink_t;

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads what is there; closes the fd at EOF. Beyond max bytes: overflow. */
static void sink_read(sink_t *s)
{
	char chunk[4096];
	ssize_t n = read(s->fd, chunk, sizeof chunk);
	if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	size_t take = (size_t)n;
	if (s->len + take > s->max) {
		s->overflow = 1;
		take = s->max - s->len;
	}
	memcpy(s->buf + s->len, chunk, take);
	s->len += take;
	s->buf[s->len] = 0;
	OPENSSL_cleanse(chunk, sizeof chunk);
}

/* The first non-empty line of the process's error output, printable characters only. */
static void first_line(const char *s, char *out, size_t n)
{
	while (*s == '\n' || *s == '\r' || *s == ' ') s++;
	size_t o = 0;
	for (; *s && *s != '\n' && o + 1 < n; s++)
		out[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
	while (o && (out[o - 1] == ' ' || out[o - 1] == '\r')) o--;
	out[o] = 0;
}

/* Splits a credential_process command into arguments as botocore does on POSIX systems
 * (botocore/compat.py compat_shell_split -> Python's shlex.split, POSIX mode): blanks
 * separate words; '...' keeps everything literal; "..." keeps everything but a
 * backslash before " or \; outside quotes a backslash keeps the next character.
 * No expansions, no operators: $(...), ; and | are ordinary characters. Returns a
 * NULL-terminated array in one allocation, or NULL with *why set. */
static char **split_command(const char *cmd, const char **why)
{
	size_t len = strlen(cmd), words = len / 2 + 2;
	/* the words' text is never longer than the command, each word one NUL */
	char **argv = malloc(words * sizeof *argv + len + words);
	if (!argv) { *why = "could not be stored (out of memory)"; return NULL; }
	char *o = (char *)(argv + words);
	size_t n = 0;
	const char *p = cmd;
	*why = NULL;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
		if (!*p) break;
		argv[n++] = o;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && !*why) {
			char q = *p++;
			if (q == '\\') {
				if (!*p) *why = "ends with a backslash that escapes nothing";
				else *o++ = *p++;
			} else if (q == '\'' || q == '"') {
				for (; *p && *p != q; p++) {
					if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
					*o++ = *p;
				}
				if (*p) p++;
				else *why = "has a quote that is never closed";
			} else {
				*o++ = q;
			}
		}
		*o++ = 0;
		if (*why) break;
	}
	argv[n] = NULL;
	if (!*why && !n) *why = "is empty";
	if (*why) {
		OPENSSL_cleanse(argv, words * sizeof *argv + len + words);
		free(argv);
		return NULL;
	}
	return argv;
}

/* Started without a shell, as the CLI starts it; posix_spawnp reports a command that
 * cannot be executed (ENOENT, EACCES) as its return value. */
static pid_t spawn(char **argv, int out[2], int errp[2])
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	pid_t pid = -1;
	if (posix_spawn_file_actions_init(&fa) != 0) return -1;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	int rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	if (!rc) rc = posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
	/* its own process group, so that a timeout stops whatever it started too */
	if (!rc) rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	if (!rc) rc = posix_spawnattr_setpgroup(&at, 0);
	if (!rc) rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return -1;
	}
	return pid;
}

/* Runs the command to completion or the deadline; status -1 when it was stopped. */
static int run_capture(char **argv, int timeout_ms, sink_t *out, sink_t *errs,
                       int *status, int *timed_out)
{
	int po[2], pe[2];
	if (pipe2(po, O_CLOEXEC) < 0) return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid_t pid = spawn(argv, po, pe);
	int e = errno;
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		errno = e;
		return -1;
	}
	out->fd = po[0];
	errs->fd = pe[0];
	int64_t deadline = mono_ms() + timeout_ms;
	*timed_out = 0;
	while ((out->fd >= 0 || errs->fd >= 0) && !out->overflow) {
		int64_t left = deadline - mono_ms();
		if (left <= 0) { *timed_out = 1; break; }
		struct pollfd p[2];
		sink_t *who[2];
		nfds_t n = 0;
		if (out->fd >= 0) { p[n] = (struct pollfd){out->fd, POLLIN, 0}; who[n++] = out; }
		if (errs->fd >= 0) { p[n] = (struct pollfd){errs->fd, POLLIN, 0}; who[n++] = errs; }
		if (poll(p, n, (int)left) < 0 && errno != EINTR) break;
		for (nfds_t i = 0; i < n; i++)
			if (p[i].revents) sink_read(who[i]);
	}
	int reaped = 0;
	while (!*timed_out && !out->overflow && !reaped) {
		pid_t w = waitpid(pid, status, WNOHANG);
		if (w == pid) {
			reaped = 1;
		} else if (w < 0 && errno == ECHILD) {
			/* SIGCHLD ignored: the kernel reaped it and its status is gone; the
			 * output decides. */
			reaped = 1;
			*status = 0;
		} else if (mono_ms() >= deadline) {
			*timed_out = 1;
		} else {
			poll(NULL, 0, 10);
		}
	}
	if (!reaped) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		while (waitpid(pid, status, 0) < 0 && errno == EINTR) {}
		*status = -1;
	}
	if (out->fd >= 0) close(out->fd);
	if (errs->fd >= 0) close(errs->fd);
	out->fd = errs->fd = -1;
	return 0;
}

/* Reads the process's JSON; returns NULL or what is wrong with it. */
static const char *parse_process_json(const char *text, size_t len, aws_creds_t *out)
{
	cJSON *j = cJSON_ParseWithLength(text, len);
	const char *bad = NULL;
	const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "Version");
	const char *id = creds_json_str(j, "AccessKeyId"), *secret = creds_json_str(j, "SecretAccessKey");
	const char *token = creds_json_str(j, "SessionToken"), *exp = creds_json_str(j, "Expiration");
	time_t when = 0;
	if (!cJSON_IsObject(j)) bad = "is not a JSON object";
	else if (!cJSON_IsNumber(ver) || cJSON_GetNumberValue(ver) != 1) bad = "has no \"Version\": 1";
	else if (!id) bad = "has no AccessKeyId";
	else if (!secret) bad = "has no SecretAccessKey";
	else if (exp && aws_creds_parse_time(exp, &when) < 0)
		bad = "has an Expiration that is not an ISO-8601 time";
	else if (creds_set(out, id, secret, token, when) < 0) bad = "could not be stored (out of memory)";
	creds_cleanse_item(j, "SecretAccessKey");
	creds_cleanse_item(j, "SessionToken");
	cJSON_Delete(j);
	return bad;
}

int aws_creds_run_process(const char *command, const char *profile, int timeout_ms,
                          aws_creds_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	sink_t so = {.fd = -1, .max = MAX_PROCESS_OUT}, se = {.fd = -1, .max = MAX_PROCESS_ERR};
	so.buf = malloc(so.max + 1);
	se.buf = malloc(se.max + 1);
	int status = 0, timed_out = 0, rc = -1;
	char line[256] = "", **argv = NULL;
	if (!so.buf || !se.buf) {
		creds_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory.");
		goto done;
	}
	so.buf[0] = se.buf[0] = 0;
	const char *why;
	if (!(argv = split_command(command, &why))) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" %s; it is split into arguments as "
		        "a POSIX shell would, without running a shell.", profile, why);
		goto done;
	}
	if (run_capture(argv, timeout_ms, &so, &se, &status, &timed_out) < 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" could not be started: %.64s: %s.",
		        profile, argv[0], strerror(errno));
		goto done;
	}
	first_line(se.buf, line, sizeof line);
	if (timed_out) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" did not finish within %d s and was "
		        "stopped; check the command in the profile.", profile, (timeout_ms + 999) / 1000);
	} else if (so.overflow) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" printed more than %u KiB and was stopped.",
		        profile, MAX_PROCESS_OUT >> 10);
	} else if (WIFSIGNALED(status)) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" was killed by signal %d%s%s.", profile,
		        WTERMSIG(status), *line ? ": " : "", line);
	} else if (WEXITSTATUS(status) != 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		        "credential_process for profile \"%s\" failed with exit status %d%s%s.", profile,
		        WEXITSTATUS(status), *line ? ": " : "", line);
	} else {
		const char *bad = parse_process_json(so.buf, so.len, out);
		if (!bad) rc = 0;
		else creds_err(err, AWS_ERR_CREDENTIALS, "CredentialProcessFailed",
		             "credential_process for profile \"%s\" printed output that %s; it must "
		             "print {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}.",
		             profile, bad);
	}
done:
	free(argv);
	if (so.buf) OPENSSL_cleanse(so.buf, so.len);
	free(so.buf);
	free(se.buf);
	if (rc < 0) aws_creds_free(out);
	return rc;
}


#include "setup/forward.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/sbuf.h"

extern char **environ;

static int on_path(const char *tool)
{
	const char *path = getenv("PATH");
	if (!path) return 0;
	char dir[4096];
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		if (n > 0 && n < sizeof dir - 64) {
			snprintf(dir, sizeof dir, "%.*s/%s", (int)n, p, tool);
			if (access(dir, X_OK) == 0) return 1;
		}
		p += n + (p[n] == ':');
	}
	return 0;
}

const char *forward_missing(void)
{
	if (!on_path("aws")) return "the AWS CLI (aws)";
	if (!on_path("session-manager-plugin")) return "the Session Manager plugin (session-manager-plugin)";
	return NULL;
}

int forward_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int port = -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

void forward_command(forward_cmd_t *c, const char *target, int port, int local, const char *region,
                     const char *profile, const char *endpoint)
{
	size_t n = 0;
	snprintf(c->params, sizeof c->params, "{\"portNumber\":[\"%d\"],\"localPortNumber\":[\"%d\"]}", port, local);
	c->argv[n++] = "aws";
	c->argv[n++] = "ssm";
	c->argv[n++] = "start-session";
	c->argv[n++] = "--target";
	c->argv[n++] = target;
	c->argv[n++] = "--document-name";
	c->argv[n++] = "AWS-StartPortForwardingSession";
	c->argv[n++] = "--parameters";
	c->argv[n++] = c->params;
	if (region) { c->argv[n++] = "--region"; c->argv[n++] = region; }
	if (profile) { c->argv[n++] = "--profile"; c->argv[n++] = profile; }
	if (endpoint) { c->argv[n++] = "--endpoint-url"; c->argv[n++] = endpoint; }
	c->argv[n] = NULL;
	sbuf_t b;
	sbuf_init(&b, c->line, sizeof c->line);
	for (size_t i = 0; i < n; i++) {
		if (i == 8) sbuf_addf(&b, " '%s'", c->argv[i]); /* the JSON, quoted for a shell */
		else sbuf_addf(&b, "%s%s", i ? " " : "", c->argv[i]);
	}
}

pid_t forward_spawn(const forward_cmd_t *c, int quiet, char *err, size_t errlen)
{
	posix_spawnattr_t at;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP); /* its own group: stopped whole */
	posix_spawnattr_setpgroup(&at, 0);
	if (quiet)
		for (int fd = 0; fd <= 2; fd++)
			posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
	pid_t pid;
	int e = posix_spawnp(&pid, "aws", &fa, &at, (char *const *)c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (e) {
		snprintf(err, errlen, "cannot start the AWS CLI: %s", strerror(e));
		return -1;
	}
	return pid;
}

void forward_stop(pid_t pid)
{
	if (pid > 0) kill(-pid, SIGTERM);
}

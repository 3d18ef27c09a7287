/* nixl-tui forward: a port of a node (MLflow's 5000 by default) on this machine, through
 * SSM's port forwarding (AWS-StartPortForwardingSession) run by the AWS CLI and the Session
 * Manager plugin as a child process, until Ctrl-C. Without them: how to get the plugin,
 * and the command to copy. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/sbuf.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "efa/exec.h"
#include "setup/mlflow.h"

extern char **environ;

#define PLUGIN_DOC "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

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

/* A port nobody listens on now, on 127.0.0.1 (the plugin binds it a moment later). */
static int free_port(void)
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

int cmd_forward(cli_t *cli)
{
	const char *node = NULL, *port_s = NULL, *local_s = NULL;
	char err[256];
	for (int i = 0; i < cli->nargs; i++) {
		int r;
		if ((r = cli_take_value(cli, &i, "--node", &node, err, sizeof err)) == 0 &&
		    (r = cli_take_value(cli, &i, "--port", &port_s, err, sizeof err)) == 0 &&
		    (r = cli_take_value(cli, &i, "--local-port", &local_s, err, sizeof err)) == 0) {
			snprintf(err, sizeof err, "unexpected argument \"%.60s\"", cli->args[i]);
			r = -1;
		}
		if (r < 0) {
			textsafe_printf(stderr, "nixl-tui forward: %s\n", err);
			return 2;
		}
	}
	if ((port_s && !exec_valid_count(port_s, 1, 65535)) || (local_s && !exec_valid_count(local_s, 1024, 65535))) {
		fprintf(stderr, "nixl-tui forward: --port takes 1..65535 and --local-port 1024..65535\n");
		return 2;
	}
	int port = port_s ? atoi(port_s) : MLFLOW_PORT;
	exec_nodes_t ids = { 0 };
	if (cmd_stack_nodes(cli, "forward", &ids, NULL) < 0) return 1;
	size_t first, count;
	if (exec_nodes_select(&ids, node ? node : "1", &first, &count, err, sizeof err) < 0 || count != 1) {
		textsafe_printf(stderr, "nixl-tui forward: %s\n", count != 1 ? "--node takes one node's number" : err);
		return 2;
	}
	int local = local_s ? atoi(local_s) : free_port();
	if (local < 0) {
		fprintf(stderr, "nixl-tui forward: no free local port: %s\n", strerror(errno));
		return 1;
	}
	char params[96], port_txt[16];
	snprintf(params, sizeof params, "{\"portNumber\":[\"%d\"],\"localPortNumber\":[\"%d\"]}", port, local);
	snprintf(port_txt, sizeof port_txt, "%d", local);
	const char *argv[24];
	size_t n = 0;
	argv[n++] = "aws";
	argv[n++] = "ssm";
	argv[n++] = "start-session";
	argv[n++] = "--target";
	argv[n++] = ids.ids[first];
	argv[n++] = "--document-name";
	argv[n++] = "AWS-StartPortForwardingSession";
	argv[n++] = "--parameters";
	argv[n++] = params;
	if (cli->region) { argv[n++] = "--region"; argv[n++] = cli->region; }
	if (cli->profile) { argv[n++] = "--profile"; argv[n++] = cli->profile; }
	if (cli->endpoint_url) { argv[n++] = "--endpoint-url"; argv[n++] = cli->endpoint_url; }
	argv[n] = NULL;
	char line[1024];
	sbuf_t b;
	sbuf_init(&b, line, sizeof line);
	for (size_t i = 0; i < n; i++) {
		if (i == 8) sbuf_addf(&b, " '%s'", argv[i]); /* the JSON, quoted for a shell */
		else sbuf_addf(&b, "%s%s", i ? " " : "", argv[i]);
	}
	const char *missing = !on_path("aws") ? "the AWS CLI (aws)" : !on_path("session-manager-plugin") ?
	                      "the Session Manager plugin (session-manager-plugin)" : NULL;
	if (missing) {
		textsafe_printf(stderr, "nixl-tui forward: %s is not installed here; install it (%s), then run this, "
		                "or run it yourself:\n  %s\n", missing, PLUGIN_DOC, line);
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	posix_spawnattr_t at;
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP); /* its own group: stopped whole */
	posix_spawnattr_setpgroup(&at, 0);
	pid_t pid;
	int e = posix_spawnp(&pid, "aws", NULL, &at, (char *const *)argv, environ);
	posix_spawnattr_destroy(&at);
	if (e) {
		textsafe_printf(stderr, "nixl-tui forward: cannot start the AWS CLI: %s\n", strerror(e));
		return 1;
	}
	textsafe_printf(stdout, "node %zu port %d on http://127.0.0.1:%s (Ctrl-C stops it)\n", first + 1, port, port_txt);
	fflush(stdout);
	int status = 0, rc = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, 0);
		if (w == pid) {
			rc = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
			if (!g_stop) fprintf(stderr, "nixl-tui forward: the session ended (exit %d)\n",
			                     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			break;
		}
		if (w < 0 && errno == EINTR && g_stop) {
			kill(-pid, SIGTERM);
			g_stop = 0;
			rc = 0;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
			fprintf(stderr, "nixl-tui forward: stopped\n");
			break;
		}
	}
	return rc;
}

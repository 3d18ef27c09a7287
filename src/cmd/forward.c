/* nixl-tui forward: a port of a node (MLflow's 5000 by default) on this machine, through
 * SSM's port forwarding (AWS-StartPortForwardingSession) run by the AWS CLI and the Session
 * Manager plugin as a child process, until Ctrl-C. Without them: how to get the plugin,
 * and the command to copy. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "efa/exec.h"
#include "setup/forward.h"
#include "setup/mlflow.h"

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

int cmd_forward(cli_t *cli)
{
	const char *node = NULL, *port_s = NULL, *local_s = NULL;
	char err[256];
	const cmd_value_t values[] = { { "--node", &node }, { "--port", &port_s }, { "--local-port", &local_s } };
	if (cmd_take_values(cli, "forward", values, sizeof values / sizeof values[0])) return 2;
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
	int local = local_s ? atoi(local_s) : forward_free_port();
	if (local < 0) {
		fprintf(stderr, "nixl-tui forward: no free local port: %s\n", strerror(errno));
		return 1;
	}
	char port_txt[16];
	snprintf(port_txt, sizeof port_txt, "%d", local);
	forward_cmd_t fc;
	forward_command(&fc, ids.ids[first], port, local, cli->region, cli->profile, cli->endpoint_url);
	const char *missing = forward_missing();
	if (missing) {
		textsafe_printf(stderr, "nixl-tui forward: %s is not installed here; install it (%s), then run this, "
		                "or run it yourself:\n  %s\n", missing, FORWARD_PLUGIN_DOC, fc.line);
		return 1;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pid_t pid = forward_spawn(&fc, 0, err, sizeof err);
	if (pid < 0) {
		textsafe_printf(stderr, "nixl-tui forward: %s\n", err);
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
			forward_stop(pid);
			g_stop = 0;
			rc = 0;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
			fprintf(stderr, "nixl-tui forward: stopped\n");
			break;
		}
	}
	return rc;
}

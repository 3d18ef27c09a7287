/* nixl-tui sandbox: runs the local AWS simulator (tools/sandbox/sandbox.py) in the
 * foreground. The product talks to it like to any endpoint; this command only starts it. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

/* Next to the binary in a checkout, or in the installed share directory. */
static int find_script(char *out, size_t n)
{
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0) return -1;
	exe[len] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash) return -1;
	*slash = 0;
	static const char *const rel[] = {
		"/tools/sandbox/sandbox.py", "/../tools/sandbox/sandbox.py", "/../share/nixl-tui/sandbox/sandbox.py",
	};
	for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
		snprintf(out, n, "%s%s", exe, rel[i]);
		if (access(out, R_OK) == 0) return 0;
	}
	return -1;
}

int cmd_sandbox(cli_t *cli)
{
	char script[PATH_MAX + 64];
	if (find_script(script, sizeof script) < 0) {
		fprintf(stderr, "nixl-tui sandbox: tools/sandbox/sandbox.py not found next to the binary "
		        "or in its share directory\n");
		return 1;
	}
	char **argv = calloc((size_t)cli->nargs + 5, sizeof *argv);
	if (!argv) return 1;
	int n = 0;
	argv[n++] = "python3";
	argv[n++] = script;
	for (int i = 0; i < cli->nargs; i++) argv[n++] = cli->args[i];
	if (cli->region) { /* the region the sandbox tells its clients to use */
		argv[n++] = "--region";
		argv[n++] = (char *)cli->region;
	}
	execvp("python3", argv);
	fprintf(stderr, "nixl-tui sandbox: cannot run python3: %s\n", strerror(errno));
	free(argv);
	return 1;
}

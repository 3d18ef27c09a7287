#include "cmd/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_take_value(const cli_t *cli, int *i, const char *name, const char **value, char *err,
                   size_t errlen)
{
	const char *a = cli->args[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0) return 0;
	if (a[n] == '=') { *value = a + n + 1; return 1; }
	if (a[n] != 0) return 0;
	if (*i + 1 >= cli->nargs) {
		snprintf(err, errlen, "%s needs a value", name);
		return -1;
	}
	*value = cli->args[++*i];
	return 1;
}

static int take(int argc, char **argv, int *i, const char *name, const char **out, char *err,
                size_t errlen)
{
	cli_t tmp = { .args = argv, .nargs = argc };
	return cli_take_value(&tmp, i, name, out, err, errlen);
}

int cli_parse(int argc, char **argv, cli_t *cli, char *err, size_t errlen)
{
	static const struct { const char *name; size_t off; } valued[] = {
		{ "--profile", offsetof(cli_t, profile) },
		{ "--region", offsetof(cli_t, region) },
		{ "--endpoint-url", offsetof(cli_t, endpoint_url) },
		{ "--log", offsetof(cli_t, log_file) },
	};
	static const struct { const char *name; size_t off; } flags[] = {
		{ "--json", offsetof(cli_t, json) },
		{ "--yes", offsetof(cli_t, yes) },
		{ "-y", offsetof(cli_t, yes) },
		{ "--read-only", offsetof(cli_t, read_only) },
		{ "--allow-non-efa", offsetof(cli_t, allow_non_efa) },
		{ "--allow-http", offsetof(cli_t, allow_http) },
	};
	memset(cli, 0, sizeof *cli);
	cli->ctx = calloc((size_t)argc + 1, sizeof *cli->ctx);
	cli->args = calloc((size_t)argc + 1, sizeof *cli->args);
	if (!cli->ctx || !cli->args) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int r = 0;
		for (size_t k = 0; k < sizeof valued / sizeof valued[0] && r == 0; k++) {
			r = take(argc, argv, &i, valued[k].name, &v, err, errlen);
			if (r == 1) *(const char **)((char *)cli + valued[k].off) = v;
		}
		if (r < 0) return -1;
		if (r == 1) continue;
		if ((r = take(argc, argv, &i, "-c", &v, err, errlen)) != 0 ||
		    (r = take(argc, argv, &i, "--context", &v, err, errlen)) != 0) {
			if (r < 0) return -1;
			if (!strchr(v, '=')) {
				snprintf(err, errlen, "-c expects key=value, got \"%s\"", v);
				return -1;
			}
			cli->ctx[cli->nctx++] = v;
			continue;
		}
		size_t k;
		for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
			if (strcmp(argv[i], flags[k].name) == 0) {
				*(int *)((char *)cli + flags[k].off) = 1;
				break;
			}
		if (k == sizeof flags / sizeof flags[0]) cli->args[cli->nargs++] = argv[i];
	}
	return 0;
}

void cli_free(cli_t *cli)
{
	free(cli->ctx);
	free(cli->args);
	cli->ctx = NULL;
	cli->args = NULL;
}

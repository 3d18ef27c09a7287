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

int cli_take_opt(const cli_t *cli, int *i, const cli_opt_t *opts, size_t n, void *base, char *err, size_t errlen)
{
	for (size_t k = 0; k < n; k++) {
		char *field = (char *)base + opts[k].off;
		if (opts[k].flag) {
			if (strcmp(cli->args[*i], opts[k].name) != 0) continue;
			*(int *)field = 1;
			return 1;
		}
		int r = cli_take_value(cli, i, opts[k].name, (const char **)field, err, errlen);
		if (r) return r;
	}
	return 0;
}

static int take(int argc, char **argv, int *i, const char *name, const char **out, char *err,
                size_t errlen)
{
	cli_t tmp = { .args = argv, .nargs = argc };
	return cli_take_value(&tmp, i, name, out, err, errlen);
}

int cli_parse(int argc, char **argv, cli_t *cli, char *err, size_t errlen)
{
	static const cli_opt_t opts[] = {
		{ "--profile", offsetof(cli_t, profile), 0 }, { "--region", offsetof(cli_t, region), 0 },
		{ "--endpoint-url", offsetof(cli_t, endpoint_url), 0 }, { "--log", offsetof(cli_t, log_file), 0 },
		{ "--json", offsetof(cli_t, json), 1 }, { "--yes", offsetof(cli_t, yes), 1 }, { "-y", offsetof(cli_t, yes), 1 },
		{ "--read-only", offsetof(cli_t, read_only), 1 }, { "--allow-non-efa", offsetof(cli_t, allow_non_efa), 1 },
		{ "--allow-http", offsetof(cli_t, allow_http), 1 },
	};
	cli_t all = { .args = argv, .nargs = argc };
	memset(cli, 0, sizeof *cli);
	cli->ctx = calloc((size_t)argc + 1, sizeof *cli->ctx);
	cli->args = calloc((size_t)argc + 1, sizeof *cli->args);
	if (!cli->ctx || !cli->args) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *v = NULL;
		int r = cli_take_opt(&all, &i, opts, sizeof opts / sizeof opts[0], cli, err, errlen);
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
		cli->args[cli->nargs++] = argv[i];
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

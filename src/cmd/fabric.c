/* `nixl-tui fabric` (also efa-check --local) and `nixl-tui rdm-pingpong` (also pingpong
 * --local/--serve/--connect): the libfabric probe and the native RDM ping-pong. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "efa/fabric.h"
#include "efa/node_addr.h"
#include "efa/rdm_pp.h"

static void print_json(cJSON *j)
{
	cmd_print_json(j, 1);
	cJSON_Delete(j);
}

int fabric_cmd_probe(cli_t *cli)
{
	const char *only = NULL;
	char err[256];
	for (int i = 0; i < cli->nargs; i++) {
		int r = cli_take_value(cli, &i, "-p", &only, err, sizeof err);
		if (r == 0) {
			fprintf(stderr, "nixl-tui fabric: unknown option \"%s\"\n", cli->args[i]);
			return 2;
		}
		if (r < 0) {
			fprintf(stderr, "nixl-tui fabric: %s\n", err);
			return 2;
		}
	}
	fabric_info_t info;
	int rc = fabric_probe(&info);
	int found = !only;
	for (size_t i = 0; i < info.nentries && !found; i++)
		found = fabric_entry_has_provider(&info.entries[i], only);
	if (cli->json) {
		print_json(fabric_to_json(&info, only));
	} else {
		char *text = fabric_render_text(&info, only);
		if (text) fputs(text, stdout);
		free(text);
		if (rc < 0) fprintf(stderr, "nixl-tui fabric: %s\n", info.error);
	}
	fabric_info_free(&info);
	return rc < 0 || !found ? 1 : 0;
}

typedef struct pp_args {
	int local, serve;
	const char *connect, *bind, *port, *sizes, *iters, *warmup, *provider, *timeout,
		*accept_timeout;
} pp_args_t;

static int parse_pp_args(cli_t *cli, pp_args_t *a, char *err, size_t errlen)
{
	static const cli_opt_t opts[] = {
		{ "--connect", offsetof(pp_args_t, connect), 0 }, { "--bind", offsetof(pp_args_t, bind), 0 },
		{ "--port", offsetof(pp_args_t, port), 0 }, { "-S", offsetof(pp_args_t, sizes), 0 },
		{ "-I", offsetof(pp_args_t, iters), 0 }, { "--warmup", offsetof(pp_args_t, warmup), 0 },
		{ "-p", offsetof(pp_args_t, provider), 0 }, { "--timeout", offsetof(pp_args_t, timeout), 0 },
		{ "--accept-timeout", offsetof(pp_args_t, accept_timeout), 0 },
		{ "--local", offsetof(pp_args_t, local), 1 }, { "--serve", offsetof(pp_args_t, serve), 1 },
	};
	memset(a, 0, sizeof *a);
	for (int i = 0; i < cli->nargs; i++) {
		int r = cli_take_opt(cli, &i, opts, sizeof opts / sizeof opts[0], a, err, errlen);
		if (r < 0) return -1;
		if (r == 0) {
			snprintf(err, errlen, "unknown option \"%s\"", cli->args[i]);
			return -1;
		}
	}
	if (a->local + a->serve + (a->connect != NULL) != 1) {
		snprintf(err, errlen, "give exactly one of --local, --serve or --connect HOST");
		return -1;
	}
	return 0;
}

static int to_int(const char *s, const char *what, int min, int max, int *out, char *err,
                  size_t errlen)
{
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	if (!s || *end || end == s || v < min || v > max) {
		snprintf(err, errlen, "%s must be a whole number from %d to %d", what, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

static int to_secs(const char *s, const char *what, double *out, char *err, size_t errlen)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || end == s || !(v > 0)) {
		snprintf(err, errlen, "%s must be a number of seconds above 0", what);
		return -1;
	}
	*out = v;
	return 0;
}

static int build_opts(const pp_args_t *a, rdm_pp_opts_t *o, uint64_t **sizes, char *bind_buf,
                      size_t bind_len, char *err, size_t errlen)
{
	rdm_pp_opts_init(o);
	*sizes = NULL;
	o->provider = a->provider;
	o->host = a->connect;
	/* A server is there to be reached from the other node, and by nothing else: its
	 * private address unless --bind says otherwise. */
	o->bind = a->bind;
	if (a->serve && !a->bind) {
		if (node_addr_private_ipv4(bind_buf, bind_len, err, errlen) < 0) return -1;
		o->bind = bind_buf;
	}
	if (a->port && to_int(a->port, "--port", 1, 65535, &o->port, err, errlen) < 0) return -1;
	if (a->iters &&
	    to_int(a->iters, "-I", 1, PP_CTL_MAX_ITERATIONS, &o->iterations, err, errlen) < 0)
		return -1;
	if (a->warmup &&
	    to_int(a->warmup, "--warmup", 0, PP_CTL_MAX_WARMUP, &o->warmup, err, errlen) < 0)
		return -1;
	if (a->timeout && to_secs(a->timeout, "--timeout", &o->timeout_s, err, errlen) < 0)
		return -1;
	if (a->accept_timeout &&
	    to_secs(a->accept_timeout, "--accept-timeout", &o->accept_timeout_s, err, errlen) < 0)
		return -1;
	if (a->sizes && rdm_pp_parse_sizes(a->sizes, sizes, &o->nsizes, err, errlen) < 0)
		return -1;
	o->sizes = *sizes;
	return 0;
}

static void print_row(const pp_row_t *row, void *arg)
{
	int *printed = arg;
	char line[256];
	if (!*printed) {
		rdm_pp_format_header(line, sizeof line);
		printf("%s\n", line);
		*printed = 1;
	}
	rdm_pp_format_row(row, line, sizeof line);
	printf("%s\n", line);
	fflush(stdout);
}

static void print_refused(const char *peer, const char *why, void *arg)
{
	(void)arg;
	fprintf(stderr, "nixl-tui pingpong: refused a client at %s: %s; waiting for another\n",
	        peer[0] ? peer : "an unknown address", why);
}

int fabric_cmd_pingpong(cli_t *cli)
{
	pp_args_t a;
	rdm_pp_opts_t o;
	uint64_t *sizes = NULL;
	char err[256], bind[64];
	if (parse_pp_args(cli, &a, err, sizeof err) < 0 ||
	    build_opts(&a, &o, &sizes, bind, sizeof bind, err, sizeof err) < 0) {
		fprintf(stderr, "nixl-tui pingpong: %s\n", err);
		free(sizes);
		return 2;
	}
	int printed = 0;
	o.on_refused = print_refused;
	if (!cli->json) {
		o.on_row = print_row;
		o.arg = &printed;
	}
	if (a.serve && !cli->json)
		fprintf(stderr, "waiting for a client on %s:%d\n", o.bind,
		        o.port ? o.port : RDM_PP_DEFAULT_PORT);
	pp_result_t res;
	int rc = a.local ? rdm_pp_run_local(&o, &res)
	         : a.serve ? rdm_pp_run_server(&o, &res) : rdm_pp_run_client(&o, &res);
	int warmup = o.warmup >= 0 ? o.warmup : rdm_pp_default_warmup(res.iterations);
	if (cli->json) {
		print_json(rdm_pp_result_json(&res, warmup));
	} else {
		if (res.nrows)
			printf("# %s rdm, %d iterations per size after %d untimed; usec/xfer is the mean "
			       "half round trip, median and p99 are per iteration (usec)\n",
			       res.provider, res.iterations, warmup);
		/* the error can quote the peer's side (--connect): made inert */
		if (rc < 0) textsafe_printf(stderr, "nixl-tui pingpong: %s\n", res.error);
	}
	pp_result_free(&res);
	free(sizes);
	return rc < 0 ? 1 : 0;
}

/* nixl-tui pingpong: fi_pingpong between two nodes (over SSM, or here with --local), a
 * latency/bandwidth matrix over every pair (--matrix; disjoint pairs at once, at most
 * --concurrency K of them), or saved logs read back (--from-file FILE|DIR). Exit 0 when it worked; 1 when a run failed; 3 when a saved
 * log cannot tell; 2 for usage errors. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/nodejob.h"
#include "efa/exec.h"
#include "efa/exec_local.h"
#include "efa/exec_ssm.h"
#include "efa/parse_pplog.h"
#include "efa/pingpong_run.h"

typedef struct opts {
	const char *server_node, *client_node, *server_ip, *sizes, *iters, *endpoint, *provider;
	const char *timeout, *port, *from_file, *log_group, *local_nodes, *concurrency;
	int local, matrix, no_check, verbose;
	exec_nodes_t ids;
} opts_t;

/* The options by name: with a value, then the flags. */
static const cli_opt_t opts[] = {
	{ "--server-node", offsetof(opts_t, server_node), 0 }, { "--client-node", offsetof(opts_t, client_node), 0 },
	{ "--server-ip", offsetof(opts_t, server_ip), 0 }, { "-S", offsetof(opts_t, sizes), 0 },
	{ "--sizes", offsetof(opts_t, sizes), 0 }, { "-I", offsetof(opts_t, iters), 0 },
	{ "--iterations", offsetof(opts_t, iters), 0 }, { "-e", offsetof(opts_t, endpoint), 0 },
	{ "-p", offsetof(opts_t, provider), 0 }, { "--provider", offsetof(opts_t, provider), 0 },
	{ "--timeout", offsetof(opts_t, timeout), 0 }, { "--port", offsetof(opts_t, port), 0 },
	{ "--from-file", offsetof(opts_t, from_file), 0 }, { "--log-group", offsetof(opts_t, log_group), 0 },
	{ "--local-nodes", offsetof(opts_t, local_nodes), 0 }, { "--concurrency", offsetof(opts_t, concurrency), 0 },
	{ "--local", offsetof(opts_t, local), 1 }, { "--matrix", offsetof(opts_t, matrix), 1 },
	{ "--no-check", offsetof(opts_t, no_check), 1 }, { "--verbose", offsetof(opts_t, verbose), 1 },
	{ "-v", offsetof(opts_t, verbose), 1 },
};

static int parse_args(cli_t *cli, opts_t *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	for (int i = 0; i < cli->nargs; i++) {
		int r = cli_take_opt(cli, &i, opts, sizeof opts / sizeof opts[0], o, err, errlen);
		if (r == 0) r = cmd_take_instance_id(cli, &i, &o->ids, err, errlen);
		if (r < 0) return -1;
		if (r == 0) {
			snprintf(err, errlen, "unknown argument \"%s\"", cli->args[i]);
			return -1;
		}
	}
	static const struct { size_t off; long min, max; const char *what; } counts[] = {
		{ offsetof(opts_t, iters), 1, 100000000, "-I takes 1..100000000 iterations" },
		{ offsetof(opts_t, timeout), 1, 86400, "--timeout takes seconds, 1..86400" },
		{ offsetof(opts_t, port), 1024, 65535, "--port takes 1024..65535" },
		{ offsetof(opts_t, local_nodes), 2, EXEC_MAX_NODES, "--local-nodes takes 2.." NIXL_STR(EXEC_MAX_NODES) },
		{ offsetof(opts_t, concurrency), 1, EXEC_MAX_NODES / 2, "--concurrency takes 1..8 pairs at a time" },
	};
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		const char *v = *(const char **)((char *)o + counts[k].off);
		if (v && !exec_valid_count(v, counts[k].min, counts[k].max)) {
			snprintf(err, errlen, "%s", counts[k].what);
			return -1;
		}
	}
	if (o->log_group && !exec_valid_log_group(o->log_group)) {
		snprintf(err, errlen, "--log-group must be a CloudWatch log group under /aws/ssm/");
		return -1;
	}
	if ((o->from_file != NULL) + o->local + (o->ids.n > 0) > 1) {
		snprintf(err, errlen, "--instance-id, --local and --from-file exclude each other");
		return -1;
	}
	if (o->concurrency && !o->matrix) {
		snprintf(err, errlen, "--concurrency goes with --matrix");
		return -1;
	}
	if (o->ids.n == 1) {
		snprintf(err, errlen, "a ping-pong needs two nodes: give --instance-id twice");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ printing */

static void print_header(void)
{
	textsafe_printf(stdout, "%12s %10s %10s %10s %12s %12s\n", "bytes", "#sent", "#ack", "MB/sec", "usec/xfer", "Mxfers/sec");
}

static void print_row(const pp_row_t *w)
{
	textsafe_printf(stdout, "%12llu %10llu %10llu %10.2f %12.2f %12.2f\n", (unsigned long long)w->bytes, (unsigned long long)w->sent,
	       (unsigned long long)w->acked, w->mb_per_s, w->usec_per_xfer, w->mxfers_per_s);
	fflush(stdout);
}

static void print_summary(const pp_result_t *r)
{
	double lat = pp_result_latency_usec(r), bw = pp_result_peak_mb_per_s(r);
	if (isnan(lat)) return;
	textsafe_printf(stdout, "latency %.2f usec/xfer (smallest size), bandwidth %.2f MB/s (best size); %s %s, %d iterations\n", lat,
	       bw, r->provider[0] ? r->provider : "?", r->endpoint[0] ? r->endpoint : "?", r->iterations);
	if (r->simulated == PP_SIM_YES)
		textsafe_printf(stdout, "simulated EFA: the nodes say they are simulated, so these are not an EFA's figures\n");
	if (r->iterations > 0 && r->iterations < 100)
		textsafe_printf(stdout, "note: fi_pingpong has no warm-up; with %d iterations the first size mostly measures connection "
		       "setup (use -I 1000 or more)\n", r->iterations);
}

/* ------------------------------------------------------------------ saved logs */

static int log_one(const char *path, const char *label, int json, cJSON *arr)
{
	char *text;
	size_t len;
	if (file_read(path, SAVED_LOG_MAX, &text, &len) < 0) {
		textsafe_printf(stderr, "nixl-tui pingpong: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	pplog_t l;
	pplog_parse(text, len, &l);
	free(text);
	static const char *const verdicts[] = { "failed", "passed" };
	const char *verdict = l.verdict < 0 ? "cannot tell" : verdicts[l.verdict];
	if (json) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "file", label);
		cJSON_AddStringToObject(f, "format", pplog_format_name(l.format));
		cJSON_AddStringToObject(f, "verdict", verdict);
		json_add_text(f, "note", l.note);
		cJSON_AddNumberToObject(f, "tables", l.tables);
		json_add_text(f, "which", l.which);
		cJSON_AddItemToObject(f, "result", pp_result_json(&l.result));
		cJSON_AddItemToObject(f, "server", l.server.nrows ? pp_result_json(&l.server) : cJSON_CreateNull());
		cJSON_AddItemToArray(arr, f);
	} else {
		textsafe_printf(stdout, "%s: %s", label, pplog_format_name(l.format));
		if (l.result.provider[0]) textsafe_printf(stdout, ", %s %s", l.result.provider, l.result.endpoint);
		if (l.result.iterations) textsafe_printf(stdout, ", %d iterations", l.result.iterations);
		textsafe_printf(stdout, "\n");
		if (l.which[0]) textsafe_printf(stdout, "reported: %s\n", l.which);
		if (l.result.nrows) {
			print_header();
			for (size_t i = 0; i < l.result.nrows; i++) print_row(&l.result.rows[i]);
		}
		if (l.format != PPLOG_UNRECOGNISED) {
			textsafe_printf(stdout, "result: %s%s%s\n", verdict, l.result.error[0] ? ": " : "", l.result.error);
			if (l.verdict == 1) print_summary(&l.result);
		}
		if (l.note[0]) textsafe_printf(stdout, "note: %s\n", l.note);
	}
	int rc = l.verdict == 1 ? 0 : l.verdict == 0 ? 1 : 3;
	pplog_free(&l);
	return rc;
}

static int name_cmp(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int from_file(const opts_t *o, int json)
{
	struct stat sb;
	if (stat(o->from_file, &sb) < 0) {
		textsafe_printf(stderr, "nixl-tui pingpong: cannot read %s: %s\n", o->from_file, strerror(errno));
		return 2;
	}
	cJSON *root = json ? cJSON_CreateObject() : NULL;
	cJSON *arr = json ? cJSON_AddArrayToObject(root, "files") : NULL;
	int rc = 0, files = 0;
	if (S_ISDIR(sb.st_mode)) {
		struct dirent **ents;
		int n = scandir(o->from_file, &ents, NULL, name_cmp);
		for (int i = 0; i < n; i++) {
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", o->from_file, ents[i]->d_name);
			if (ents[i]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
				if (files++ && !json) textsafe_printf(stdout, "\n");
				int r = log_one(path, ents[i]->d_name, json, arr);
				rc = r == 1 || rc == 1 ? 1 : r == 3 || rc == 3 ? 3 : 0;
			}
			free(ents[i]);
		}
		if (n >= 0) free(ents);
	} else {
		rc = log_one(o->from_file, o->from_file, json, arr);
		files = 1;
	}
	if (json) {
		cmd_print_json(root, 1);
		cJSON_Delete(root);
	}
	if (!files) {
		textsafe_printf(stderr, "nixl-tui pingpong: no files in %s\n", o->from_file);
		return 3;
	}
	return rc;
}

/* ------------------------------------------------------------------ live runs */

typedef struct live {
	int json, verbose, header, done;
	size_t pairs, pairs_done; /* matrix */
	pp_result_t res;
	pp_run_t *run;
	pp_matrix_t *matrix;
} live_t;

/* Ctrl-C stops the run or the matrix (their ends still come, and are printed). */
static void live_cancel(void *ud)
{
	live_t *lv = ud;
	if (lv->run) pp_run_cancel(lv->run);
	if (lv->matrix) pp_matrix_cancel(lv->matrix);
}

static int live_done(void *ud) { return ((const live_t *)ud)->done; }

static void on_line(void *ud, pp_side_t side, exec_stream_t s, const char *line)
{
	live_t *lv = ud;
	if (lv->verbose)
		textsafe_printf(stderr, "%s%s: %s\n", side == PP_SERVER ? "server" : "client", s == EXEC_STDERR ? " (stderr)" : "",
		        line);
}

static void on_phase(void *ud, const char *what)
{
	live_t *lv = ud;
	if (!lv->json) textsafe_printf(stderr, "nixl-tui pingpong: %s\n", what);
}

static void on_row(void *ud, const pp_row_t *row)
{
	live_t *lv = ud;
	if (lv->json) return;
	if (!lv->header++) print_header();
	print_row(row);
}

static void on_done(void *ud, const pp_result_t *res)
{
	live_t *lv = ud;
	lv->res = *res;
	lv->res.rows = NULL;
	lv->res.nrows = 0;
	for (size_t i = 0; i < res->nrows; i++) pp_result_add(&lv->res, &res->rows[i]);
	lv->done = 1;
}

static void m_pair_start(void *ud, size_t a, size_t b)
{
	live_t *lv = ud;
	if (!lv->json) textsafe_printf(stderr, "nixl-tui pingpong: pair node %zu (server) <-> node %zu (client)\n", a + 1, b + 1);
}

/* Each pair as it ends (they end in any order when pairs run side by side). */
static void m_pair(void *ud, size_t a, size_t b, const pp_result_t *res)
{
	live_t *lv = ud;
	lv->pairs_done++;
	if (lv->json) return;
	if (res->error[0])
		textsafe_printf(stderr, "nixl-tui pingpong: node %zu <-> node %zu (%zu/%zu): %s\n", a + 1, b + 1, lv->pairs_done,
		                lv->pairs, res->error);
	else
		textsafe_printf(stderr, "nixl-tui pingpong: node %zu <-> node %zu (%zu/%zu): %.2f usec/xfer, %.2f MB/s\n", a + 1,
		                b + 1, lv->pairs_done, lv->pairs, pp_result_latency_usec(res), pp_result_peak_mb_per_s(res));
}

static void m_done(void *ud) { ((live_t *)ud)->done = 1; }

/* "nodes": every node's name; a pair's "server" and "client" number them from 1 */
static void add_node_names(cJSON *o, const char *const *names, size_t n)
{
	cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
	for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(nodes, cJSON_CreateString(names[i]));
}

static void print_matrix(const pp_matrix_t *m, size_t n, const char *const *names, int json)
{
	if (json) {
		cJSON *root = cJSON_CreateObject();
		add_node_names(root, names, n);
		cJSON *pairs = cJSON_AddArrayToObject(root, "pairs");
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++) {
				const pp_result_t *c = pp_matrix_cell(m, a, b);
				if (!c) continue;
				cJSON *p = cJSON_CreateObject();
				cJSON_AddNumberToObject(p, "server", (double)a + 1);
				cJSON_AddNumberToObject(p, "client", (double)b + 1);
				double lat = pp_result_latency_usec(c), bw = pp_result_peak_mb_per_s(c);
				json_add_figure(p, "latency_usec", lat);
				json_add_figure(p, "peak_mb_per_s", bw);
				cJSON_AddItemToObject(p, "result", pp_result_json(c));
				cJSON_AddItemToArray(pairs, p);
			}
		cmd_print_json(root, 1);
		cJSON_Delete(root);
		return;
	}
	static const char *const titles[] = { "latency, usec/xfer at the smallest size", "bandwidth, best MB/s" };
	for (int t = 0; t < 2; t++) {
		textsafe_printf(stdout, "%s%s\n%8s", t ? "\n" : "", titles[t], "");
		for (size_t b = 0; b < n; b++) textsafe_printf(stdout, " %10s%-2zu", "node", b + 1);
		textsafe_printf(stdout, "\n");
		for (size_t a = 0; a < n; a++) {
			textsafe_printf(stdout, "node %-3zu", a + 1);
			for (size_t b = 0; b < n; b++) {
				const pp_result_t *c = pp_matrix_cell(m, a, b);
				double v = c ? (t ? pp_result_peak_mb_per_s(c) : pp_result_latency_usec(c)) : NAN;
				if (a == b) textsafe_printf(stdout, " %12s", "-");
				else if (!c) textsafe_printf(stdout, " %12s", "not run");
				else if (c->error[0] || isnan(v)) textsafe_printf(stdout, " %12s", "failed");
				else textsafe_printf(stdout, " %12.2f", v);
			}
			textsafe_printf(stdout, "\n");
		}
	}
	for (size_t i = 0; i < n; i++) textsafe_printf(stdout, "%snode %zu = %s\n", i ? "" : "\n", i + 1, names[i]);
}

/* Which nodes ran, as the matrix's document says it: every node's name in "nodes",
 * the server's and the client's number (1..) in it. */
static void pair_json(cJSON *j, const char *const *names, size_t n, size_t server, size_t client)
{
	add_node_names(j, names, n);
	cJSON_AddNumberToObject(j, "server", (double)server + 1);
	cJSON_AddNumberToObject(j, "client", (double)client + 1);
}

static int node_number(const char *v, size_t n, size_t dflt, size_t *out)
{
	if (!v) { *out = dflt; return dflt < n ? 0 : -1; }
	if (!exec_valid_count(v, 1, (long)n)) return -1;
	*out = (size_t)atol(v) - 1;
	return 0;
}

/* The native libfabric ping-pong (src/efa/rdm_pp.c) answers `--native`, `--serve` and
 * `--connect`; everything else is fi_pingpong, on nodes or here. */
static int wants_native(cli_t *cli)
{
	int native = 0;
	for (int i = 0; i < cli->nargs; i++) {
		const char *a = cli->args[i];
		if (strcmp(a, "--native") == 0) {
			native = 1;
			memmove(&cli->args[i], &cli->args[i + 1], (size_t)(cli->nargs - i - 1) * sizeof *cli->args);
			cli->nargs--;
			i--;
		} else if (strcmp(a, "--serve") == 0 || strcmp(a, "--connect") == 0 || strncmp(a, "--connect=", 10) == 0) {
			native = 1;
		}
	}
	return native;
}

int cmd_pingpong(cli_t *cli)
{
	opts_t o;
	char err[256];
	if (wants_native(cli)) return fabric_cmd_pingpong(cli);
	if (parse_args(cli, &o, err, sizeof err) < 0) {
		textsafe_printf(stderr, "nixl-tui pingpong: %s\n", err);
		return 2;
	}
	if (o.from_file) return from_file(&o, cli->json);
	/* no ids given: the nodes of the deployed stack */
	/* the stack's private addresses: what the nodes reach each other at (the server's
	 * `ip addr` may list other interfaces first) */
	char stack_ips[EXEC_MAX_NODES][48];
	memset(stack_ips, 0, sizeof stack_ips);
	if (!o.local && o.ids.n == 0) {
		if (cmd_stack_nodes(cli, "pingpong", &o.ids, stack_ips) < 0) return 1;
		if (o.ids.n < 2) {
			textsafe_printf(stderr, "nixl-tui pingpong: the stack has %zu node(s); a ping-pong needs two\n", o.ids.n);
			return 1;
		}
	}

	cmd_env_t env;
	memset(&env, 0, sizeof env);
	exec_t *ex;
	size_t n = o.local ? (o.local_nodes ? (size_t)atol(o.local_nodes) : 2) : o.ids.n;
	char local_names[EXEC_MAX_NODES][32];
	const char *names[EXEC_MAX_NODES];
	if (o.local) {
		env.loop = loop_new();
		exec_local_opts_t lo = { .kill_grace_ms = 1000 };
		ex = exec_local_new(env.loop, &lo);
		if (exec_local_isolate(ex, err, sizeof err) < 0)
			textsafe_printf(stderr, "nixl-tui pingpong: %s; the fi_pingpong server listens on all interfaces during the run\n", err);
		for (size_t i = 0; i < n; i++) {
			snprintf(local_names[i], sizeof local_names[i], "local%zu", i + 1);
			names[i] = local_names[i];
		}
	} else {
		if (cmd_env_open(&env, cli, "pingpong") < 0) return 1;
		exec_ssm_opts_t so = { .log_group = o.log_group };
		ex = exec_ssm_new(env.aws, &so);
		for (size_t i = 0; i < n; i++) names[i] = o.ids.ids[i];
	}
	live_t lv = { .json = cli->json, .verbose = o.verbose };
	pp_run_opts_t ro = {
		.loop = env.loop,
		.provider = o.provider ? o.provider : o.local ? "tcp" : "efa",
		.endpoint = o.endpoint, .sizes = o.sizes,
		.iterations = o.iters ? atoi(o.iters) : 0, .timeout_s = o.timeout ? atoi(o.timeout) : 0,
		.port = o.port ? atoi(o.port) : 0, .no_preflight = o.no_check, .loopback = o.local,
		.cbs = { on_line, on_phase, on_row, on_done, &lv },
	};
	const char *server_ip = o.server_ip ? o.server_ip : o.local ? "127.0.0.1" : NULL;
	int rc = 0;
	if (o.matrix) {
		pp_node_t nodes[EXEC_MAX_NODES];
		for (size_t i = 0; i < n; i++)
			nodes[i] = (pp_node_t){ ex, names[i], o.local ? "127.0.0.1" : stack_ips[i][0] ? stack_ips[i] : NULL };
		pp_matrix_cbs_t mc = { m_pair_start, m_pair, m_done, &lv };
		lv.pairs = n * (n - 1) / 2;
		size_t k = o.concurrency ? (size_t)atol(o.concurrency) : 0;
		lv.matrix = pp_matrix_start(nodes, n, &ro, k, &mc, err, sizeof err);
		if (!lv.matrix) {
			textsafe_printf(stderr, "nixl-tui pingpong: %s\n", err);
			rc = 2;
		} else {
			nodejob_drive(env.loop, live_done, live_cancel, &lv, 0);
			print_matrix(lv.matrix, n, names, cli->json);
			for (size_t a = 0; a < n; a++)
				for (size_t b = a + 1; b < n; b++) {
					const pp_result_t *c = pp_matrix_cell(lv.matrix, a, b);
					if (!c || c->error[0]) rc = 1;
				}
			pp_matrix_free(lv.matrix);
		}
	} else {
		size_t s, c;
		if (node_number(o.server_node, n, 0, &s) < 0 || node_number(o.client_node, n, 1, &c) < 0 || s == c) {
			textsafe_printf(stderr, "nixl-tui pingpong: --server-node and --client-node take two different numbers 1..%zu\n", n);
			rc = 2;
		} else {
			ro.server = (pp_node_t){ ex, names[s], server_ip ? server_ip : stack_ips[s][0] ? stack_ips[s] : NULL };
			ro.client = (pp_node_t){ ex, names[c], NULL };
			lv.run = pp_run_start(&ro, err, sizeof err);
			if (!lv.run) {
				textsafe_printf(stderr, "nixl-tui pingpong: %s\n", err);
				rc = 2;
			} else {
				nodejob_drive(env.loop, live_done, live_cancel, &lv, 0);
				if (cli->json) {
					cJSON *j = pp_result_json(&lv.res);
					pair_json(j, names, n, s, c);
					cmd_print_json(j, 1);
					cJSON_Delete(j);
				} else if (!lv.res.error[0]) {
					print_summary(&lv.res);
				}
				if (lv.res.error[0]) {
					textsafe_printf(stderr, "nixl-tui pingpong: %s\n", lv.res.error);
					rc = 1;
				}
				pp_run_free(lv.run);
			}
		}
	}
	pp_result_free(&lv.res);
	exec_free(ex);
	if (o.local) loop_free(env.loop);
	else cmd_env_close(&env);
	return rc;
}

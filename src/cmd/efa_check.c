/* nixl-tui efa-check: the six EFA checks on nodes (over SSM, or here with --local), or
 * read from saved output (--from-file). Exit 0 only when every check passed on every
 * node; 1 when one failed or a node could not be checked; 3 when some are unknown. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/file.h"
#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/nodejob.h"
#include "efa/check_script.h"
#include "efa/efa_status.h"
#include "efa/exec.h"
#include "efa/exec_local.h"
#include "efa/exec_ssm.h"
#include "efa/fabric.h"
#include "efa/parse_pplog.h"

typedef struct opts {
	const char *node, *from_file, *log_group, *timeout;
	int local, raw, verbose;
	exec_nodes_t ids;
} opts_t;

typedef struct node_run {
	efa_node_status_t st;
	exec_result_t res;
	size_t number; /* the node's number as --node counts it (1..); 0: here, or a saved file */
} node_run_t;

static int utf8_terminal(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) return strcasestr(v, "UTF-8") || strcasestr(v, "utf8");
	}
	return 0;
}

/* Captured text, indented; control characters never reach the terminal. */
static void print_raw(const char *raw)
{
	for (const char *p = raw; *p;) {
		size_t n = strcspn(p, "\n");
		textsafe_printf(stdout, "       | %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

/* "node 15 = i-..." as pingpong's legend names nodes; here or a saved file: its name */
static const char *run_name(const node_run_t *r, char *buf, size_t n)
{
	if (!r->number) return r->st.node;
	snprintf(buf, n, "node %zu = %s", r->number, r->st.node);
	return buf;
}

static void print_status(const node_run_t *r, int raw)
{
	const efa_node_status_t *st = &r->st;
	int utf8 = utf8_terminal();
	char name[64];
	textsafe_printf(stdout, "%s%s (%s)%s\n", r->number ? "" : "node ", run_name(r, name, sizeof name),
	                st->source[0] ? st->source : "no data", st->simulated == 1 ? " - simulated EFA" : "");
	if (st->simulated == 1) textsafe_printf(stdout, "  the node says: %s\n", st->simulated_note);
	for (int i = 0; i < EFA_CHECK_COUNT; i++) {
		const efa_check_t *c = &st->checks[i];
		const char *sym = efa_verdict_symbol(c->verdict, utf8);
		int width = 0; /* on screen: UTF-8 continuation bytes take no column */
		for (const char *p = sym; *p; p++) width += ((unsigned char)*p & 0xc0) != 0x80;
		textsafe_printf(stdout, "  %s%*s %-28s %s\n", sym, 4 - width, "", efa_check_title((efa_check_id_t)i),
		                *c->detail ? c->detail : "no data");
		if (raw && c->raw && c->verdict != EFA_PASS) print_raw(c->raw);
	}
	if (raw && st->raw) {
		printf("  the input, as read:\n");
		print_raw(st->raw);
	}
	if (st->script_complete == 0) printf("  note: the script's output ends early; missing checks are unknown\n");
	int pass = efa_status_count(st, EFA_PASS), fail = efa_status_count(st, EFA_FAIL);
	int unk = efa_status_count(st, EFA_UNKNOWN), unr = efa_status_count(st, EFA_UNRECOGNISED);
	if (pass == EFA_CHECK_COUNT) printf("  all %d checks passed\n", EFA_CHECK_COUNT);
	else printf("  %d passed, %d failed, %d unknown, %d unrecognised%s\n", pass, fail, unk, unr,
	            raw || (!fail && !unr) ? "" : " (--raw shows what the probes printed)");
}

static int worst(int a, int b)
{
	/* 1 (a failure) outranks 3 (unknown) outranks 0 */
	if (a == 1 || b == 1) return 1;
	return a == 3 || b == 3 ? 3 : 0;
}

static void print_all(node_run_t *runs, size_t n, const opts_t *o, int json)
{
	if (json) {
		cJSON *root = cJSON_CreateObject();
		int rc = 0;
		for (size_t i = 0; i < n; i++) rc = worst(rc, efa_status_exit_code(&runs[i].st));
		cJSON_AddBoolToObject(root, "passed", rc == 0);
		cJSON *arr = cJSON_AddArrayToObject(root, "nodes");
		for (size_t i = 0; i < n; i++) {
			cJSON *j = efa_status_to_json(&runs[i].st, o->raw);
			json_add_text(j, "run_error", runs[i].res.status != EXEC_SUCCESS ? runs[i].res.detail : NULL);
			json_add_figure(j, "node_number", runs[i].number ? (double)runs[i].number : NAN);
			cJSON_AddItemToArray(arr, j);
		}
		if (o->local) {
			fabric_info_t fi;
			/* null: libfabric could not be asked here */
			cJSON_AddItemToObject(root, "fabric", fabric_probe(&fi) == 0 ? fabric_to_json(&fi, NULL) : cJSON_CreateNull());
			fabric_info_free(&fi);
		}
		cmd_print_json(root, 1);
		cJSON_Delete(root);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i) printf("\n");
		print_status(&runs[i], o->raw);
		if (runs[i].res.status != EXEC_SUCCESS && runs[i].res.detail[0])
			textsafe_printf(stdout, "  the check script did not finish cleanly: %s\n", runs[i].res.detail);
	}
	if (o->local) { /* and what libfabric itself finds here, through fi_getinfo */
		fabric_info_t fi;
		if (fabric_probe(&fi) == 0) {
			char *text = fabric_render_text(&fi, NULL);
			if (text) printf("\nlibfabric on this machine (fi_getinfo):\n%s", text);
			free(text);
		}
		fabric_info_free(&fi);
	}
}

static int from_file(const opts_t *o, int json)
{
	char *text;
	size_t len;
	if (file_read(o->from_file, SAVED_LOG_MAX, &text, &len) < 0) {
		fprintf(stderr, "nixl-tui efa-check: cannot read %s: %s\n", o->from_file, strerror(errno));
		return 2;
	}
	node_run_t run;
	memset(&run, 0, sizeof run);
	efa_status_init(&run.st, o->from_file);
	run.res.status = EXEC_SUCCESS;
	int found = check_parse_saved(text, len, &run.st);
	print_all(&run, 1, o, json);
	if (!found && !json) {
		pplog_t l;
		pplog_parse(text, len, &l);
		if (l.format != PPLOG_UNRECOGNISED)
			printf("  this looks like a ping-pong log (%s): try nixl-tui pingpong --from-file %s\n",
			       pplog_format_name(l.format), o->from_file);
		pplog_free(&l);
	}
	int rc = efa_status_exit_code(&run.st);
	efa_status_free(&run.st);
	free(text);
	return rc;
}

/* --verbose: each line as it comes, on stderr */
static void on_line(void *ud, size_t node, exec_stream_t s, const char *line, size_t len)
{
	(void)len;
	const node_run_t *r = &((const node_run_t *)ud)[node];
	textsafe_printf(stderr, "%s%s %s\n", r->st.node, s == EXEC_STDERR ? " (stderr)" : ":", line);
}

static int parse_args(cli_t *cli, opts_t *o)
{
	char err[256];
	memset(o, 0, sizeof *o);
	static const cli_opt_t opts[] = {
		{ "--node", offsetof(opts_t, node), 0 }, { "--from-file", offsetof(opts_t, from_file), 0 },
		{ "--log-group", offsetof(opts_t, log_group), 0 }, { "--timeout", offsetof(opts_t, timeout), 0 },
		{ "--local", offsetof(opts_t, local), 1 }, { "--raw", offsetof(opts_t, raw), 1 },
		{ "--verbose", offsetof(opts_t, verbose), 1 }, { "-v", offsetof(opts_t, verbose), 1 },
	};
	for (int i = 0; i < cli->nargs; i++) {
		int r = cli_take_opt(cli, &i, opts, sizeof opts / sizeof opts[0], o, err, sizeof err);
		if (r == 0) r = cmd_take_instance_id(cli, &i, &o->ids, err, sizeof err);
		if (r < 0) goto bad;
		if (r == 0) {
			snprintf(err, sizeof err, "unknown argument \"%s\"", cli->args[i]);
			goto bad;
		}
	}
	if (o->timeout && !exec_valid_count(o->timeout, 5, 3600)) {
		snprintf(err, sizeof err, "--timeout takes seconds, 5..3600");
		goto bad;
	}
	if (o->log_group && !exec_valid_log_group(o->log_group)) {
		snprintf(err, sizeof err, "--log-group must be a CloudWatch log group under /aws/ssm/");
		goto bad;
	}
	if ((o->from_file != NULL) + o->local + (o->ids.n > 0) > 1) {
		snprintf(err, sizeof err, "--from-file, --local and --instance-id exclude each other");
		goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "nixl-tui efa-check: %s\n", err);
	return -1;
}

/* What the node printed, parsed into r; the exit code it adds (0, 1, 3). */
static int node_verdict(node_run_t *r, const nodejob_node_t *nd)
{
	int rc = 0;
	r->res = nd->res;
	if (!nd->text || !check_script_parse(nd->text, nd->len, &r->st)) {
		snprintf(r->st.source, sizeof r->st.source, "no output");
		rc = 1;
	}
	if (r->res.status == EXEC_ERROR) rc = 1;
	return worst(rc, efa_status_exit_code(&r->st));
}

/* The check on nodes first..first+count of o (or here), printed; the exit code. */
static int check_nodes(const opts_t *o, int json, exec_t *ex, loop_t *loop, size_t first, size_t count)
{
	int timeout_s = o->timeout ? atoi(o->timeout) : 180;
	node_run_t *runs = calloc(count, sizeof *runs);
	if (!runs) {
		fprintf(stderr, "nixl-tui efa-check: out of memory\n");
		return 1;
	}
	const char *targets[EXEC_MAX_NODES];
	for (size_t i = 0; i < count; i++) {
		efa_status_init(&runs[i].st, o->local ? "local" : o->ids.ids[first + i]);
		runs[i].number = o->local ? 0 : first + i + 1;
		targets[i] = runs[i].st.node;
		char name[64];
		if (!json)
			fprintf(stderr, "nixl-tui efa-check: running the check on %s (%s)\n", run_name(&runs[i], name, sizeof name),
			        exec_name(ex));
	}
	/* one SendCommand for every node, not one per node: SSM's rate limits */
	nodejob_cbs_t cbs = { o->verbose ? on_line : NULL, NULL, NULL, NULL, runs, NODEJOB_KEEP_ALL };
	char err[256];
	nodejob_t *nj = nodejob_start(ex, targets, count, check_script_text(), timeout_s * 1000, &cbs, err, sizeof err);
	int rc = 1;
	if (!nj) {
		fprintf(stderr, "nixl-tui efa-check: %s\n", err);
	} else {
		nodejob_cancel_on_sigint(nj, loop);
		nodejob_wait(nj, loop, loop_now_ms() + (int64_t)(timeout_s + 60) * 1000);
		rc = 0;
		for (size_t i = 0; i < count; i++) rc = worst(rc, node_verdict(&runs[i], nodejob_node(nj, i)));
		print_all(runs, count, o, json);
	}
	for (size_t i = 0; i < count; i++) efa_status_free(&runs[i].st);
	nodejob_free(nj);
	free(runs);
	return rc;
}

int cmd_efa_check(cli_t *cli)
{
	opts_t o;
	if (parse_args(cli, &o) < 0) return 2;
	if (o.from_file) return from_file(&o, cli->json);

	size_t first = 0, count = 1;
	char err[256];
	/* no ids given: the nodes of the deployed stack */
	if (!o.local && o.ids.n == 0 && cmd_stack_nodes(cli, "efa-check", &o.ids, NULL) < 0) return 1;
	if (!o.local && exec_nodes_select(&o.ids, o.node, &first, &count, err, sizeof err) < 0) {
		fprintf(stderr, "nixl-tui efa-check: %s\n", err);
		return 2;
	}
	cmd_env_t env;
	memset(&env, 0, sizeof env);
	exec_t *ex;
	if (o.local) {
		env.loop = loop_new();
		ex = exec_local_new(env.loop, NULL);
	} else {
		if (cmd_env_open(&env, cli, "efa-check") < 0) return 1;
		exec_ssm_opts_t so = { .log_group = o.log_group };
		ex = exec_ssm_new(env.aws, &so);
	}
	int rc = check_nodes(&o, cli->json, ex, env.loop, first, count);
	exec_free(ex);
	if (o.local) loop_free(env.loop);
	else cmd_env_close(&env);
	return rc;
}

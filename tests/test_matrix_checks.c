/* The ping-pong matrix's fi_info check, once per node: a fake executor answers the check and
 * plays fi_pingpong, and counts the checks each node gets. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/loop.h"
#include "efa/exec.h"
#include "efa/pingpong_run.h"

#define NODES 16

typedef struct fjob {
	exec_job_t base;
	struct fake *f;
	exec_cbs_t cbs;
	int node, check, server, port;
	char provider[16];       /* the check's -p */
} fjob_t;

typedef struct fake {
	exec_t base;
	loop_t *l;
	fjob_t *servers[64];
	int next_port, jobs;
	int checks[NODES];       /* fi_info checks per node */
	int broken[NODES];       /* the check finds no provider on this node */
	int lf2[NODES];          /* the node reports libfabric 2.0 */
	int efa_flag[NODES];     /* fi_pingpong commands with -f efa per node */
	int server_ip_ok;        /* clients sent to the server node's own address */
	int clients;
} fake_t;

static void say(fjob_t *j, const char *line) { j->cbs.on_line(j->cbs.ud, EXEC_STDOUT, line, strlen(line)); }

static void end(fjob_t *j, int code)
{
	exec_result_t r = { .status = code == 0 ? EXEC_SUCCESS : EXEC_FAILED, .exit_code = code };
	j->f->jobs--;
	if (j->server) j->f->servers[j->port - 20000] = NULL;
	j->cbs.on_done(j->cbs.ud, &r);
	free(j);
}

static void end_ok(loop_t *l, void *ud) { (void)l; end(ud, 0); }

static void answer_check(fjob_t *j)
{
	fake_t *f = j->f;
	char line[80];
	say(j, "===NIXL-SECTION fi_info===");
	if (f->broken[j->node]) {
		say(j, "fi_getinfo: -61 (No data available)");
		say(j, "===NIXL-END rc=1===");
	} else {
		snprintf(line, sizeof line, "provider: %s", j->provider);
		say(j, line);
		say(j, "    fabric: 10.0.0.0/24");
		say(j, "    domain: eth0");
		say(j, "    version: 117.0");
		say(j, "    type: FI_EP_RDM");
		say(j, "    protocol: FI_PROTO_SOCK_TCP");
		say(j, "===NIXL-END rc=0===");
	}
	say(j, "===NIXL-SECTION fi_version===");
	say(j, f->lf2[j->node] ? "libfabric: 2.0.0" : "libfabric: 1.17.0");
	say(j, "===NIXL-END rc=0===");
	say(j, "===NIXL-SECTION ip===");
	say(j, "lo               UNKNOWN        127.0.0.1/8 ::1/128");
	snprintf(line, sizeof line, "eth0             UP             10.0.0.%d/24", 10 + j->node);
	say(j, line);
	say(j, "===NIXL-END rc=0===");
	end(j, 0);
}

static void act(loop_t *l, void *ud)
{
	fjob_t *j = ud;
	char line[64];
	if (j->check) {
		answer_check(j);
		return;
	}
	if (j->server) {
		snprintf(line, sizeof line, "===NIXL-PP-PORT %d===", j->port);
		say(j, line);
		return;
	}
	fjob_t *srv = j->f->servers[j->port - 20000];
	assert_non_null(srv);
	say(j, "bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec");
	say(j, "64      10      =10      1.2k        0.02s      0.06    1123.55       0.00");
	loop_timer_add(l, 0, end_ok, srv);
	end(j, 0);
}

static exec_job_t *fake_start(exec_t *ex, const char *t, const char *s, int to, const exec_cbs_t *c, char *err,
                              size_t n)
{
	(void)to; (void)err; (void)n;
	fake_t *f = (fake_t *)ex;
	fjob_t *j = calloc(1, sizeof *j);
	assert_non_null(j);
	j->f = f;
	j->cbs = *c;
	j->node = atoi(t + 1);
	j->check = strstr(s, "===NIXL-SECTION fi_info===") != NULL;
	j->server = !j->check && strstr(s, " -B ") != NULL;
	if (j->check) {
		f->checks[j->node]++;
		const char *p = strstr(s, "fi_info -p '");
		assert_non_null(p);
		sscanf(p + strlen("fi_info -p '"), "%15[a-z]", j->provider);
	} else if (j->server) {
		j->port = 20000 + f->next_port++ % 64;
		assert_null(f->servers[j->port - 20000]);
		f->servers[j->port - 20000] = j;
	} else {
		const char *p = strstr(s, " -P ");
		assert_non_null(p);
		j->port = atoi(p + 4);
		const fjob_t *srv = f->servers[j->port - 20000];
		assert_non_null(srv);
		char want[32];
		snprintf(want, sizeof want, " 10.0.0.%d\n", 10 + srv->node);
		f->server_ip_ok += strstr(p, want) != NULL;
		f->clients++;
	}
	if (!j->check && strstr(s, " -f efa")) f->efa_flag[j->node]++;
	f->jobs++;
	loop_timer_add(f->l, 0, act, j);
	return &j->base;
}

static void cancelled(loop_t *l, void *ud) { (void)l; end(ud, -1); }
static void fake_cancel(exec_job_t *job) { loop_timer_add(((fjob_t *)job)->f->l, 0, cancelled, job); }
static void fake_free(exec_t *ex) { (void)ex; }
static const exec_ops_t fake_ops = { .name = "local", .start = fake_start, .cancel = fake_cancel, .free = fake_free };

typedef struct obs { int done, failed; } obs_t;
static void o_start(void *ud, size_t a, size_t b) { (void)ud; (void)a; (void)b; }
static void o_pair(void *ud, size_t a, size_t b, const pp_result_t *res)
{
	(void)a; (void)b;
	((obs_t *)ud)->failed += res->error[0] != 0;
}
static void o_done(void *ud) { ((obs_t *)ud)->done++; }

/* Runs the matrix of n fake nodes (no server addresses given), k pairs at once. */
static pp_matrix_t *run(fake_t *f, size_t n, size_t k, const char *provider, obs_t *o)
{
	static const char *const names[NODES] = { "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7",
	                                          "n8", "n9", "n10", "n11", "n12", "n13", "n14", "n15" };
	pp_node_t nodes[NODES];
	for (size_t i = 0; i < n; i++) nodes[i] = (pp_node_t){ &f->base, names[i], NULL };
	pp_run_opts_t tmpl = { .loop = f->l, .provider = provider, .sizes = "64", .iterations = 10 };
	memset(o, 0, sizeof *o);
	pp_matrix_cbs_t cbs = { o_start, o_pair, o_done, o };
	char err[256];
	pp_matrix_t *mx = pp_matrix_start(nodes, n, &tmpl, k, &cbs, err, sizeof err);
	assert_non_null(mx);
	while (!o->done) loop_run_once(f->l, 1000);
	assert_int_equal(f->jobs, 0);
	return mx;
}

static void test_each_node_checked_once(void **state)
{
	(void)state;
	for (size_t k = 0; k <= 1; k++) { /* every node busy, and one pair at a time */
		fake_t f = { .base = { &fake_ops }, .l = loop_new() };
		obs_t o;
		pp_matrix_t *mx = run(&f, NODES, k, "tcp", &o);
		assert_int_equal(o.failed, 0);
		/* a pair with a node not yet checked checks both: one pair at a time, node 0 meets
		 * every other node first, in pairs (0,1), (0,2) ..., and is checked with each */
		assert_int_equal(f.checks[0], k == 1 ? NODES - 1 : 1);
		for (int i = 1; i < NODES; i++) assert_int_equal(f.checks[i], 1);
		/* pairs that skipped the check still send the client to the server's own address */
		assert_int_equal(f.clients, NODES * (NODES - 1) / 2);
		assert_int_equal(f.server_ip_ok, f.clients);
		pp_matrix_free(mx);
		loop_free(f.l);
	}
}

static void test_failed_check_is_repeated(void **state)
{
	(void)state;
	fake_t f = { .base = { &fake_ops }, .l = loop_new() };
	f.broken[2] = 1;
	obs_t o;
	pp_matrix_t *mx = run(&f, 6, 0, "tcp", &o);
	/* every pair of node 2 fails on its own check, with the reason */
	assert_int_equal(o.failed, 5);
	assert_int_equal(f.checks[2], 5);
	const pp_result_t *c = pp_matrix_cell(mx, 0, 2);
	assert_non_null(strstr(c->error, "fi_info -p tcp"));
	assert_string_equal(pp_matrix_cell(mx, 0, 1)->error, "");
	pp_matrix_free(mx);
	loop_free(f.l);
}

static void test_cached_check_keeps_libfabric_version(void **state)
{
	(void)state;
	fake_t f = { .base = { &fake_ops }, .l = loop_new() };
	f.lf2[1] = 1;
	obs_t o;
	pp_matrix_t *mx = run(&f, 4, 1, "efa", &o);
	assert_int_equal(o.failed, 0);
	assert_int_equal(f.checks[0], 3);
	for (int i = 1; i < 4; i++) assert_int_equal(f.checks[i], 1);
	/* node 1's libfabric 2 needs -f efa on each of its three fi_pingpong runs, also in the
	 * pairs that skipped the check; the others' libfabric 1 never gets it */
	assert_int_equal(f.efa_flag[1], 3);
	assert_int_equal(f.efa_flag[0] + f.efa_flag[2] + f.efa_flag[3], 0);
	pp_matrix_free(mx);
	loop_free(f.l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_node_checked_once),
		cmocka_unit_test(test_failed_check_is_repeated),
		cmocka_unit_test(test_cached_check_keeps_libfabric_version),
	};
	return cmocka_run_group_tests_name("matrix_checks", tests, NULL, NULL);
}

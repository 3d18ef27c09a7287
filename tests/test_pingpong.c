/* integration: real fi_pingpong runs; needs: fi_pingpong fi_info */
#include "testutil.h"

#include <math.h>
#include <signal.h>

#include "core/loop.h"
#include "efa/exec.h"
#include "efa/exec_local.h"
#include "efa/pingpong_run.h"

/* ------------------------------------------------------------------ scripts */

static void test_scripts_use_validated_values_only(void **state)
{
	(void)state;
	char buf[2048];
	assert_true(pp_script_server("efa", "rdm", "4096", 1000, 47592, 60, 0, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "port=47592\n"));
	assert_non_null(strstr(buf, "echo \"===NIXL-PP-PORT $port===\"\n"));
	assert_non_null(strstr(buf, "exec timeout -k 5 60 fi_pingpong -e rdm -p 'efa' -I 1000 -S 4096 -B \"$port\"\n"));
	assert_non_null(strstr(buf, "FI_EFA_ENABLE_SHM_TRANSFER=0"));
	assert_null(strstr(buf, "-f efa"));
	assert_null(strstr(buf, "FI_TCP_IFACE"));
	assert_true(pp_script_server("efa", "rdm", "all", 10, 47592, 60, 1, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "fi_pingpong -e rdm -p 'efa' -f efa -I 10 -S all -B \"$port\""));
	assert_true(pp_script_server("efa", "rdm", "64", 10, 0, 60, 0, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "port=0\n")); /* the script picks one */
	assert_true(pp_script_client("tcp", "rdm", "64", 10, 47600, 30, 5, 1, 1, "10.0.1.2", buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "timeout --foreground -k 5 30 fi_pingpong -e rdm -p 'tcp' -I 10 -S 64 -P 47600 10.0.1.2\n"));
	assert_null(strstr(buf, "-f efa")); /* only the efa provider has an efa-direct twin */
	assert_non_null(strstr(buf, "FI_TCP_IFACE=lo"));

	/* anything not validated is refused, not quoted */
	assert_int_equal(pp_script_server("efa;reboot", "rdm", "64", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm $(id)", "64", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "4k", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64;id", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64", 0, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64", 10, 80, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_client("efa", "rdm", "64", 10, 47592, 60, 5, 0, 0, "10.0.0.1; rm -rf /", buf, sizeof buf), -1);
	assert_int_equal(pp_script_client("efa", "rdm", "64", 10, 47592, 60, 5, 0, 0, "$(id)", buf, sizeof buf), -1);
	assert_int_equal(pp_script_preflight("efa", "rdm'", buf, sizeof buf), -1);
	assert_true(pp_script_preflight("shm", "rdm", buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "fi_info -p 'shm' -t FI_EP_RDM"));
	/* libfabric's "core;util" names: a fixed set, and quoted so the ';' stays inside the word */
	assert_true(pp_script_client("tcp;ofi_rxm", "rdm", "64", 10, 47600, 30, 5, 0, 0, "10.0.1.2", buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "fi_pingpong -e rdm -p 'tcp;ofi_rxm' -I 10 -S 64 -P 47600 10.0.1.2\n"));
	assert_true(pp_script_preflight("verbs;ofi_rxm", "rdm", buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "fi_info -p 'verbs;ofi_rxm' -t FI_EP_RDM"));
	assert_int_equal(pp_script_server("tcp;ofi_rxm;reboot", "rdm", "64", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("tcp;ofi_rxm'", "rdm", "64", 10, 47592, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_preflight("shm;ofi_rxm", "rdm", buf, sizeof buf), -1);

	char out[32];
	assert_int_equal(pp_size_bytes("4k", out, sizeof out), 0);
	assert_string_equal(out, "4096");
	assert_int_equal(pp_size_bytes("1m", out, sizeof out), 0);
	assert_string_equal(out, "1048576");
	assert_int_equal(pp_size_bytes("all", out, sizeof out), 0);
	assert_int_equal(pp_size_bytes("1.5k", out, sizeof out), -1);
	assert_int_equal(pp_size_bytes("8g", out, sizeof out), -1); /* more than fi_pingpong takes */
}

/* An executor named "ssm" that runs nothing: for target validation. */
static exec_job_t *none_start(exec_t *ex, const char *t, const char *s, int to, const exec_cbs_t *c, char *err, size_t n)
{
	(void)ex; (void)t; (void)s; (void)to; (void)c;
	snprintf(err, n, "not here");
	return NULL;
}
static void none_cancel(exec_job_t *j) { (void)j; }
static void none_free(exec_t *ex) { (void)ex; }
static const exec_ops_t fake_ssm_ops = { "ssm", none_start, NULL, none_cancel, none_free };

static void test_run_validation(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t fake = { &fake_ssm_ops };
	char err[256];
	pp_run_opts_t o = { .loop = l, .server = { &fake, "i-0123456789abcdef0", NULL },
	                    .client = { &fake, "i-0123456789abcdef1", NULL } };
	o.provider = "efa'";
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_non_null(strstr(err, "unknown provider"));
	o.provider = "tcp;ofi_rxm"; /* libfabric's spelling is accepted (the fake executor may refuse later) */
	err[0] = 0;
	pp_run_t *ok = pp_run_start(&o, err, sizeof err);
	assert_null(strstr(err, "provider"));
	if (ok) pp_run_free(ok);
	o.provider = NULL;
	o.server.target = "i-123; reboot";
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_non_null(strstr(err, "invalid instance id"));
	o.server.target = "i-0123456789abcdef0";
	o.server.ip = "10.0.0.256";
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_non_null(strstr(err, "invalid server IPv4"));
	o.server.ip = NULL;
	o.sizes = "64,4k,1.5k";
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_non_null(strstr(err, "invalid size \"1.5k\""));
	o.sizes = "64";
	o.endpoint = "stream";
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_non_null(strstr(err, "endpoint"));
	o.endpoint = NULL;
	/* valid, but the executor cannot start anything */
	assert_null(pp_run_start(&o, err, sizeof err));
	assert_string_equal(err, "not here");
	loop_free(l);
}

/* ------------------------------------------------------------------ local runs */

typedef struct obs {
	int done;
	pp_result_t res;
	int rows_before_done;
	int phases;
	int server_lines, client_lines;
	char last_phase[256];
} obs_t;

static void o_line(void *ud, pp_side_t side, exec_stream_t s, const char *line)
{
	(void)s; (void)line;
	obs_t *o = ud;
	if (side == PP_SERVER) o->server_lines++;
	else o->client_lines++;
}
static void o_phase(void *ud, const char *what)
{
	obs_t *o = ud;
	o->phases++;
	snprintf(o->last_phase, sizeof o->last_phase, "%s", what);
}
static void o_row(void *ud, const pp_row_t *row)
{
	(void)row;
	obs_t *o = ud;
	if (!o->done) o->rows_before_done++;
}
static void o_done(void *ud, const pp_result_t *res)
{
	obs_t *o = ud;
	o->done++;
	o->res = *res;
	o->res.rows = NULL;
	o->res.nrows = 0;
	for (size_t i = 0; i < res->nrows; i++) pp_result_add(&o->res, &res->rows[i]);
}

static exec_t *isolated(loop_t *l)
{
	exec_local_opts_t lo = { .kill_grace_ms = 500, .eof_grace_ms = 200 };
	exec_t *ex = exec_local_new(l, &lo);
	char err[256];
	if (exec_local_isolate(ex, err, sizeof err) < 0) {
		print_message("cannot isolate the network (%s): fi_pingpong tests skipped\n", err);
		exec_free(ex);
		return NULL;
	}
	return ex;
}

static void wait_done(loop_t *l, obs_t *o, int ms)
{
	int64_t deadline = loop_now_ms() + ms;
	while (!o->done && loop_now_ms() < deadline) loop_run_once(l, 200);
	assert_int_equal(o->done, 1);
}

static pp_run_opts_t local_opts(loop_t *l, exec_t *sx, exec_t *cx, obs_t *o)
{
	pp_run_opts_t opts = {
		.loop = l, .server = { sx, "local-server", "127.0.0.1" }, .client = { cx, "local-client", NULL },
		.provider = "tcp", .endpoint = "rdm", .sizes = "4096", .iterations = 100, .timeout_s = 20,
		.connect_retry_s = 5, .loopback = 1,
		.cbs = { o_line, o_phase, o_row, o_done, o },
	};
	return opts;
}

static void test_local_tcp_pingpong(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	obs_t o;
	memset(&o, 0, sizeof o);
	pp_run_opts_t opts = local_opts(l, ex, ex, &o);
	char err[256];
	pp_run_t *r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	wait_done(l, &o, 60000);
	assert_string_equal(o.res.error, "");
	assert_int_equal(o.res.exit_code, 0);
	assert_int_equal(o.res.nrows, 1);
	assert_int_equal(o.rows_before_done, 1);
	assert_true(o.res.rows[0].bytes == 4096);
	assert_true(o.res.rows[0].sent == 100 && o.res.rows[0].acked == 100);
	assert_true(o.res.rows[0].usec_per_xfer > 0);
	assert_true(o.res.rows[0].mb_per_s > 0);
	assert_string_equal(o.res.provider, "tcp");
	assert_string_equal(o.res.endpoint, "rdm");
	assert_int_equal(pp_run_server_result(r)->nrows, 1); /* the server prints its table too */
	assert_true(o.server_lines >= 2 && o.client_lines >= 2);
	assert_int_equal(o.phases, 2);
	pp_run_free(r);
	pp_result_free(&o.res);

	/* two sizes, more iterations: what the report quotes */
	memset(&o, 0, sizeof o);
	opts = local_opts(l, ex, ex, &o);
	opts.sizes = "64,4k";
	opts.iterations = 1000;
	r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	wait_done(l, &o, 60000);
	assert_string_equal(o.res.error, "");
	assert_int_equal(o.res.nrows, 2);
	assert_true(o.res.rows[0].bytes == 64 && o.res.rows[1].bytes == 4096);
	assert_true(o.res.rows[1].usec_per_xfer > 0);
	assert_true(pp_result_latency_usec(&o.res) == o.res.rows[0].usec_per_xfer);
	print_message("local tcp;ofi_rxm over lo, 1000 iterations: 64 B %.2f usec/xfer, 4 KiB %.2f usec/xfer %.2f MB/s\n",
	              o.res.rows[0].usec_per_xfer, o.res.rows[1].usec_per_xfer, o.res.rows[1].mb_per_s);
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(ex);
	loop_free(l);
}

static void test_no_provider_is_reported(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	obs_t o;
	memset(&o, 0, sizeof o);
	pp_run_opts_t opts = local_opts(l, ex, ex, &o);
	opts.provider = "efa"; /* no EFA device here: fi_getinfo -61 in the fi_info check */
	char err[256];
	pp_run_t *r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	wait_done(l, &o, 30000);
	assert_non_null(strstr(o.res.error, "fi_getinfo -61"));
	assert_non_null(strstr(o.res.error, "local-server"));
	assert_int_equal(o.res.nrows, 0);
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(ex);
	loop_free(l);
}

static void test_unreachable_server(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	/* server and client in two different namespaces: the client's 127.0.0.1 has no server */
	exec_t *sx = isolated(l), *cx = sx ? isolated(l) : NULL;
	if (!cx) { exec_free(sx); loop_free(l); skip(); }
	obs_t o;
	memset(&o, 0, sizeof o);
	pp_run_opts_t opts = local_opts(l, sx, cx, &o);
	opts.connect_retry_s = 2;
	char err[256];
	pp_run_t *r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	wait_done(l, &o, 30000);
	assert_int_equal(o.res.exit_code, 111);
	assert_non_null(strstr(o.res.error, "security group's self rule"));
	char where[32];
	snprintf(where, sizeof where, "127.0.0.1:%d", pp_run_port(r));
	assert_true(pp_run_port(r) >= 20000 && pp_run_port(r) < 32000); /* picked by the server */
	assert_non_null(strstr(o.res.error, where));
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(sx);
	exec_free(cx);
	loop_free(l);
}

/* Passes jobs to a local executor and remembers the server's, so a test can kill it. */
typedef struct proxy { exec_t base; exec_t *inner; exec_job_t *server_job; int server_started; } proxy_t;
static exec_job_t *proxy_start(exec_t *ex, const char *t, const char *s, int to, const exec_cbs_t *c, char *err, size_t n)
{
	proxy_t *p = (proxy_t *)ex;
	exec_job_t *j = exec_start(p->inner, t, s, to, c, err, n);
	if (strstr(s, "exec timeout") && strstr(s, " -B ")) { p->server_job = j; p->server_started++; }
	return j;
}
static void proxy_cancel(exec_job_t *j) { (void)j; }
static void proxy_free(exec_t *ex) { (void)ex; }
static const exec_ops_t proxy_ops = { "local", proxy_start, NULL, proxy_cancel, proxy_free };

static void kill_server(loop_t *l, void *ud)
{
	(void)l;
	proxy_t *p = ud;
	if (p->server_job) exec_cancel(p->server_job);
}

static void count_line(void *ud, exec_stream_t s, const char *line, size_t len)
{
	(void)s; (void)line; (void)len;
	((obs_t *)ud)->client_lines++;
}
static void probe_done(void *ud, const exec_result_t *r) { (void)r; ((obs_t *)ud)->done = 1; }

static void test_server_dies_mid_run(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	proxy_t px = { { &proxy_ops }, ex, NULL, 0 };
	obs_t o;
	memset(&o, 0, sizeof o);
	pp_run_opts_t opts = local_opts(l, &px.base, ex, &o);
	opts.iterations = 100000000; /* far longer than the test */
	opts.timeout_s = 8;
	char err[256];
	int64_t t0 = loop_now_ms();
	pp_run_t *r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	while (!px.server_started && loop_now_ms() - t0 < 20000) loop_run_once(l, 100);
	assert_int_equal(px.server_started, 1);
	/* kill it once the client is connected (an established socket on the control port) */
	int connected = 0;
	while (!connected && loop_now_ms() - t0 < 30000) {
		obs_t probe;
		memset(&probe, 0, sizeof probe);
		exec_cbs_t cbs = { count_line, probe_done, &probe };
		char probe_cmd[160];
		snprintf(probe_cmd, sizeof probe_cmd, "awk '$2 ~ /:%04X$/ && $4 == \"01\"' /proc/net/tcp", pp_run_port(r));
		if (!pp_run_port(r)) { loop_run_once(l, 100); continue; }
		assert_non_null(exec_start(ex, "x", probe_cmd, 5000, &cbs, err, sizeof err));
		while (!probe.done) loop_run_once(l, 100);
		connected = probe.client_lines > 0;
	}
	assert_true(connected);
	loop_timer_add(l, 500, kill_server, &px);
	wait_done(l, &o, 40000);
	print_message("server killed mid-run: %s\n", o.res.error);
	assert_int_equal(o.res.nrows, 0);
	/* whatever the client saw after that (the connection closing, or nothing until it was
	 * stopped), the sentence says that the server went away, never our own SIGTERM */
	assert_non_null(strstr(o.res.error, "the server went away before the client on local-client finished"));
	assert_non_null(strstr(o.res.error, "server on local-server was stopped from outside the run"));
	assert_null(strstr(o.res.error, "signal"));
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(ex);
	loop_free(l);
}

static void test_cancel_run(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	obs_t o;
	memset(&o, 0, sizeof o);
	pp_run_opts_t opts = local_opts(l, ex, ex, &o);
	opts.iterations = 100000000;
	char err[256];
	pp_run_t *r = pp_run_start(&opts, err, sizeof err);
	assert_non_null(r);
	int64_t t0 = loop_now_ms();
	while (loop_now_ms() - t0 < 2000) loop_run_once(l, 100);
	pp_run_cancel(r);
	wait_done(l, &o, 10000);
	assert_string_equal(o.res.error, "cancelled");
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(ex);
	loop_free(l);
}

typedef struct mobs { int pairs, done, starts; } mobs_t;
static void m_start(void *ud, size_t a, size_t b) { (void)a; (void)b; ((mobs_t *)ud)->starts++; }
static void m_pair(void *ud, size_t a, size_t b, const pp_result_t *res)
{
	(void)res;
	assert_true(a < b);
	((mobs_t *)ud)->pairs++;
}
static void m_done(void *ud) { ((mobs_t *)ud)->done++; }

static void test_matrix_three_nodes(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	pp_node_t nodes[3] = { { ex, "n1", "127.0.0.1" }, { ex, "n2", "127.0.0.1" }, { ex, "n3", "127.0.0.1" } };
	obs_t unused;
	pp_run_opts_t tmpl = local_opts(l, ex, ex, &unused);
	tmpl.iterations = 50;
	tmpl.sizes = "64,65536";
	mobs_t m = { 0, 0, 0 };
	pp_matrix_cbs_t cbs = { m_start, m_pair, m_done, &m };
	char err[256];
	pp_matrix_t *mx = pp_matrix_start(nodes, 3, &tmpl, &cbs, err, sizeof err);
	assert_non_null(mx);
	int64_t deadline = loop_now_ms() + 120000;
	while (!m.done && loop_now_ms() < deadline) loop_run_once(l, 200);
	assert_int_equal(m.done, 1);
	assert_int_equal(m.starts, 3);
	assert_int_equal(m.pairs, 3);
	for (size_t a = 0; a < 3; a++)
		for (size_t b = 0; b < 3; b++) {
			const pp_result_t *c = pp_matrix_cell(mx, a, b);
			if (a == b) { assert_null(c); continue; }
			assert_non_null(c);
			assert_string_equal(c->error, "");
			assert_int_equal(c->nrows, 2);
			assert_true(pp_result_latency_usec(c) > 0);
			assert_true(pp_result_peak_mb_per_s(c) > 0);
		}
	assert_true(pp_matrix_cell(mx, 2, 0) == pp_matrix_cell(mx, 0, 2));
	pp_matrix_free(mx);
	exec_free(ex);
	loop_free(l);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts_use_validated_values_only),
		cmocka_unit_test(test_run_validation),
		cmocka_unit_test(test_local_tcp_pingpong),
		cmocka_unit_test(test_no_provider_is_reported),
		cmocka_unit_test(test_unreachable_server),
		cmocka_unit_test(test_server_dies_mid_run),
		cmocka_unit_test(test_cancel_run),
		cmocka_unit_test(test_matrix_three_nodes),
	};
	return cmocka_run_group_tests_name("pingpong", tests, NULL, NULL);
}

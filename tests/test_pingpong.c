/* integration: real fi_pingpong runs; needs: fi_pingpong fi_info */
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/loop.h"
#include "efa/exec.h"
#include "efa/exec_local.h"
#include "efa/pingpong_run.h"

/* ------------------------------------------------------------------ scripts */

static void test_scripts_use_validated_values_only(void **state)
{
	(void)state;
	char buf[2048];
	assert_true(pp_script_server("efa", "rdm", "4096", 1000, 47592, 0, 60, 0, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "port=47592\n"));
	assert_non_null(strstr(buf, "echo \"===NIXL-PP-PORT $port===\"\n"));
	assert_non_null(strstr(buf, "exec timeout -k 5 60 stdbuf -oL fi_pingpong -e rdm -p 'efa' -I 1000 -S 4096 -B \"$port\"\n"));
	assert_non_null(strstr(buf, "FI_EFA_ENABLE_SHM_TRANSFER=0"));
	assert_null(strstr(buf, "-f efa"));
	assert_null(strstr(buf, "FI_TCP_IFACE"));
	assert_true(pp_script_server("efa", "rdm", "all", 10, 47592, 0, 60, 1, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "fi_pingpong -e rdm -p 'efa' -f efa -I 10 -S all -B \"$port\""));
	assert_true(pp_script_server("efa", "rdm", "64", 10, 0, 0, 60, 0, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "port=0\n")); /* the script picks one */
	assert_non_null(strstr(buf, "p=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom) % 12000 ))"));
	assert_true(pp_script_server("efa", "rdm", "64", 10, 0, 3, 60, 0, 0, buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "p=$(( 20750 + $(od -An -N2 -tu2 /dev/urandom) % 375 ))")); /* the third 32nd */
	assert_int_equal(pp_script_server("efa", "rdm", "64", 10, 0, 33, 60, 0, 0, buf, sizeof buf), -1);
	assert_true(pp_script_client("tcp", "rdm", "64", 10, 47600, 30, 5, 1, 1, "10.0.1.2", buf, sizeof buf) > 0);
	assert_non_null(strstr(buf, "timeout --foreground -k 5 30 stdbuf -oL fi_pingpong -e rdm -p 'tcp' -I 10 -S 64 -P 47600 10.0.1.2\n"));
	assert_null(strstr(buf, "-f efa")); /* only the efa provider has an efa-direct twin */
	assert_non_null(strstr(buf, "FI_TCP_IFACE=lo"));

	/* anything not validated is refused, not quoted */
	assert_int_equal(pp_script_server("efa;reboot", "rdm", "64", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm $(id)", "64", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "4k", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64;id", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64", 0, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("efa", "rdm", "64", 10, 80, 0, 60, 0, 0, buf, sizeof buf), -1);
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
	assert_int_equal(pp_script_server("tcp;ofi_rxm;reboot", "rdm", "64", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
	assert_int_equal(pp_script_server("tcp;ofi_rxm'", "rdm", "64", 10, 47592, 0, 60, 0, 0, buf, sizeof buf), -1);
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
static const exec_ops_t fake_ssm_ops = {
	.name = "ssm",
	.start = none_start,
	.cancel = none_cancel,
	.free = none_free,
};

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
	int64_t first_row_ms, last_row_ms; /* when the first and the last row arrived */
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
	o->last_row_ms = loop_now_ms();
	if (!o->first_row_ms) o->first_row_ms = o->last_row_ms;
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

/* Starts a run and waits up to ms for its end. */
static pp_run_t *run_to_end(loop_t *l, const pp_run_opts_t *opts, obs_t *o, int ms)
{
	char err[256];
	pp_run_t *r = pp_run_start(opts, err, sizeof err);
	if (!r) fail_msg("pp_run_start: %s", err);
	wait_done(l, o, ms);
	return r;
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
	pp_run_t *r = run_to_end(l, &opts, &o, 60000);
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
	r = run_to_end(l, &opts, &o, 60000);
	assert_string_equal(o.res.error, "");
	assert_int_equal(o.res.nrows, 2);
	assert_true(o.res.rows[0].bytes == 64 && o.res.rows[1].bytes == 4096);
	assert_true(o.res.rows[1].usec_per_xfer > 0);
	assert_true(pp_result_latency_usec(&o.res) == o.res.rows[0].usec_per_xfer);
	print_message("local tcp;ofi_rxm over lo, 1000 iterations: 64 B %.2f usec/xfer, 4 KiB %.2f usec/xfer %.2f MB/s\n",
	              o.res.rows[0].usec_per_xfer, o.res.rows[1].usec_per_xfer, o.res.rows[1].mb_per_s);
	pp_run_free(r);
	pp_result_free(&o.res);

	/* The rows of one -S all run arrive as each size completes, not in one piece when
	 * fi_pingpong exits: block-buffered (stdout into a pipe), the whole table came in one
	 * read, its rows within a few ms of each other; line-buffered, they are spread over the
	 * run (over tcp on lo, 100 iterations of sizes up to 8 MiB: about 2 s). */
	memset(&o, 0, sizeof o);
	opts = local_opts(l, ex, ex, &o);
	opts.sizes = "all";
	opts.timeout_s = 120;
	r = run_to_end(l, &opts, &o, 150000);
	assert_string_equal(o.res.error, "");
	assert_true(o.res.nrows >= 20);
	assert_int_equal(o.rows_before_done, (int)o.res.nrows);
	print_message("-S all, %zu rows: the first arrived %lld ms before the last\n", o.res.nrows,
	              (long long)(o.last_row_ms - o.first_row_ms));
	assert_true(o.last_row_ms - o.first_row_ms >= 300);
	pp_run_free(r);
	pp_result_free(&o.res);
	exec_free(ex);
	loop_free(l);
}

/* --timeout counts silence, not the whole run. A fake fi_pingpong first on PATH: the
 * server (-B) waits; the client prints fi_pingpong's header, then FAKE_PP_ROWS rows a
 * second apart (none: it waits, silent). */
static const char fake_pp[] =
	"#!/bin/sh\n"
	"case \" $* \" in *\" -B \"*) exec sleep 120 ;; esac\n"
	"echo 'bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec'\n"
	"i=0\n"
	"while [ $i -lt \"$FAKE_PP_ROWS\" ]; do\n"
	"\tsleep 1; i=$((i + 1))\n"
	"\techo \"$((64 * i))      10      =10      1.2k        0.02s      0.08     803.40       0.00\"\n"
	"done\n"
	"[ \"$FAKE_PP_ROWS\" -gt 0 ] || exec sleep 120\n";

static void run_fake(loop_t *l, exec_t *ex, const char *rows, int timeout_s, obs_t *o)
{
	memset(o, 0, sizeof *o);
	setenv("FAKE_PP_ROWS", rows, 1);
	pp_run_opts_t opts = local_opts(l, ex, ex, o);
	opts.no_preflight = 1;
	opts.timeout_s = timeout_s;
	pp_run_t *r = run_to_end(l, &opts, o, 60000);
	pp_run_free(r);
	unsetenv("FAKE_PP_ROWS");
}

static char fake_dir[64], *fake_saved_path;

/* PATH put back and the fake removed even when an assertion failed (a teardown runs then) */
static int fake_teardown(void **state)
{
	(void)state;
	if (fake_saved_path) setenv("PATH", fake_saved_path, 1);
	free(fake_saved_path);
	fake_saved_path = NULL;
	unsetenv("FAKE_PP_ROWS");
	if (fake_dir[0]) {
		char path[96];
		snprintf(path, sizeof path, "%s/fi_pingpong", fake_dir);
		unlink(path);
		rmdir(fake_dir);
		fake_dir[0] = 0;
	}
	return 0;
}

static void test_timeout_counts_silence(void **state)
{
	(void)state;
	char dir[] = "/tmp/nixl-fakepp.XXXXXX", path[64], *old = getenv("PATH");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/fi_pingpong", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(fake_pp, f);
	fclose(f);
	chmod(path, 0755);
	snprintf(fake_dir, sizeof fake_dir, "%s", dir);
	fake_saved_path = strdup(old ? old : "/usr/bin:/bin");
	assert_non_null(fake_saved_path);
	char newpath[4096];
	snprintf(newpath, sizeof newpath, "%s:%s", dir, fake_saved_path);
	setenv("PATH", newpath, 1);
	loop_t *l = loop_new();
	exec_local_opts_t lo = { .kill_grace_ms = 500, .eof_grace_ms = 200 };
	exec_t *ex = exec_local_new(l, &lo);
	obs_t o;

	/* 6 rows a second apart under --timeout 3: slower than 3 s as a whole, never silent */
	run_fake(l, ex, "6", 3, &o);
	assert_string_equal(o.res.error, "");
	assert_int_equal(o.res.nrows, 6);
	pp_result_free(&o.res);

	/* the header, then nothing: stopped once 2 s pass without a line, and said so */
	run_fake(l, ex, "0", 2, &o);
	print_message("silent pair: %s\n", o.res.error);
	assert_non_null(strstr(o.res.error, "fi_pingpong -S 4096 on local-server and local-client printed nothing "
	                                    "for 2 s (--timeout)"));
	assert_int_equal(o.res.nrows, 0);
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
	pp_run_t *r = run_to_end(l, &opts, &o, 30000);
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
	pp_run_t *r = run_to_end(l, &opts, &o, 30000);
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
static const exec_ops_t proxy_ops = {
	.name = "local",
	.start = proxy_start,
	.cancel = proxy_cancel,
	.free = proxy_free,
};

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
	pp_matrix_t *mx = pp_matrix_start(nodes, 3, &tmpl, 1, &cbs, err, sizeof err);
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

/* ------------------------------------------------------------------ matrix schedule */

static void test_matrix_circle_schedule(void **state)
{
	(void)state;
	for (size_t n = 2; n <= 16; n++) {
		int seen[16][16];
		memset(seen, 0, sizeof seen);
		size_t rounds = pp_matrix_rounds(n);
		assert_int_equal(rounds, n % 2 ? n : n - 1);
		for (size_t r = 0; r < rounds; r++) {
			size_t pairs[8][2];
			int in_round[16] = { 0 };
			size_t k = pp_matrix_round(n, r, pairs);
			assert_int_equal(k, n / 2); /* odd n: one node has the bye */
			for (size_t i = 0; i < k; i++) {
				size_t a = pairs[i][0], b = pairs[i][1];
				assert_true(a < b && b < n);
				assert_int_equal(in_round[a]++, 0);
				assert_int_equal(in_round[b]++, 0);
				seen[a][b]++;
			}
		}
		assert_int_equal(pp_matrix_round(n, rounds, (size_t(*)[2])NULL), 0);
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++) assert_int_equal(seen[a][b], 1);
	}
	assert_int_equal(pp_matrix_rounds(1), 0);
}

/* An executor that plays fi_pingpong's part without running it: a server job announces a
 * port of its own, and ends just after the client against that port has printed its table.
 * It acts from loop timers, as a real backend does, and fails the test when a node has two
 * jobs at once. */
typedef struct fjob {
	exec_job_t base;
	struct fake *f;
	exec_cbs_t cbs;
	int server, port, node, live;
} fjob_t;
typedef struct fake {
	exec_t base;
	loop_t *l;
	fjob_t *servers[64];
	int next_port, node_jobs[16], jobs;
} fake_t;

static void fjob_end(fjob_t *j, exec_status_t st)
{
	exec_result_t r = { .status = st, .exit_code = st == EXEC_SUCCESS ? 0 : -1 };
	j->f->node_jobs[j->node]--;
	j->f->jobs--;
	if (j->server) j->f->servers[j->port - 20000] = NULL;
	j->cbs.on_done(j->cbs.ud, &r);
	free(j);
}
static void fjob_end_ok(loop_t *l, void *ud) { (void)l; fjob_end(ud, EXEC_SUCCESS); }
static void fjob_say(fjob_t *j, const char *line) { j->cbs.on_line(j->cbs.ud, EXEC_STDOUT, line, strlen(line)); }
static void fjob_act(loop_t *l, void *ud)
{
	fjob_t *j = ud;
	char line[64];
	if (j->server) {
		snprintf(line, sizeof line, "===NIXL-PP-PORT %d===", j->port);
		fjob_say(j, line);
		return;
	}
	fjob_t *srv = j->f->servers[j->port - 20000];
	assert_non_null(srv); /* the client was sent to a server that announced this port */
	fjob_say(j, "bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec");
	fjob_say(j, "64      10      =10      1.2k        0.02s      0.06    1123.55       0.00");
	loop_timer_add(l, 0, fjob_end_ok, srv);
	fjob_end(j, EXEC_SUCCESS);
}
static exec_job_t *fake_start(exec_t *ex, const char *t, const char *s, int to, const exec_cbs_t *c, char *err, size_t n)
{
	(void)to; (void)err; (void)n;
	fake_t *f = (fake_t *)ex;
	fjob_t *j = calloc(1, sizeof *j);
	j->f = f;
	j->cbs = *c;
	j->node = atoi(t + 1);
	j->server = strstr(s, " -B ") != NULL;
	if (j->server) {
		j->port = 20000 + f->next_port++ % 64;
		assert_null(f->servers[j->port - 20000]);
		f->servers[j->port - 20000] = j;
	} else {
		const char *p = strstr(s, " -P ");
		assert_non_null(p);
		j->port = atoi(p + 4);
	}
	assert_int_equal(f->node_jobs[j->node]++, 0); /* a node is in one pair at a time */
	f->jobs++;
	loop_timer_add(f->l, 0, fjob_act, j);
	return &j->base;
}
static void fjob_end_cancelled(loop_t *l, void *ud) { (void)l; fjob_end(ud, EXEC_CANCELLED); }
static void fake_cancel(exec_job_t *job) { loop_timer_add(((fjob_t *)job)->f->l, 0, fjob_end_cancelled, job); }
static const exec_ops_t fake_pp_ops = {
	.name = "local",
	.start = fake_start,
	.cancel = fake_cancel,
	.free = none_free,
};

typedef struct cobs { int starts, ends, done, inflight, max_inflight; size_t order[120][2]; } cobs_t;
static void c_start(void *ud, size_t a, size_t b)
{
	cobs_t *c = ud;
	c->order[c->starts][0] = a;
	c->order[c->starts++][1] = b;
	if (++c->inflight > c->max_inflight) c->max_inflight = c->inflight;
}
static void c_pair(void *ud, size_t a, size_t b, const pp_result_t *res)
{
	(void)a; (void)b;
	cobs_t *c = ud;
	assert_string_equal(res->error, "");
	c->ends++;
	c->inflight--;
}
static void c_done(void *ud) { ((cobs_t *)ud)->done++; }

/* Runs a matrix of n fake nodes with at most k pairs at once; fills c. */
static void fake_matrix(size_t n, size_t k, cobs_t *c)
{
	loop_t *l = loop_new();
	fake_t f = { .base = { &fake_pp_ops }, .l = l };
	static const char *const names[] = { "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7",
	                                     "n8", "n9", "n10", "n11", "n12", "n13", "n14", "n15" };
	pp_node_t nodes[16];
	for (size_t i = 0; i < n; i++) nodes[i] = (pp_node_t){ &f.base, names[i], "127.0.0.1" };
	pp_run_opts_t tmpl = { .loop = l, .provider = "tcp", .sizes = "64", .iterations = 10, .no_preflight = 1 };
	memset(c, 0, sizeof *c);
	pp_matrix_cbs_t cbs = { c_start, c_pair, c_done, c };
	char err[256];
	pp_matrix_t *mx = pp_matrix_start(nodes, n, &tmpl, k, &cbs, err, sizeof err);
	assert_non_null(mx);
	while (!c->done) loop_run_once(l, 1000);
	assert_int_equal(c->done, 1);
	assert_int_equal(c->starts, (int)(n * (n - 1) / 2));
	assert_int_equal(c->ends, c->starts);
	assert_int_equal(f.jobs, 0);
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) assert_int_equal(pp_matrix_cell(mx, a, b)->nrows, 1);
	pp_matrix_free(mx);
	loop_free(l);
}

static void test_matrix_concurrency_cap(void **state)
{
	(void)state;
	cobs_t c;
	for (size_t k = 1; k <= 4; k++) {
		fake_matrix(9, k, &c); /* 36 pairs */
		assert_int_equal(c.max_inflight, (int)k);
	}
	fake_matrix(16, 0, &c); /* no cap: every node busy, 8 pairs at once */
	assert_int_equal(c.max_inflight, 8);
	fake_matrix(7, 100, &c); /* a cap above n/2 is n/2 */
	assert_int_equal(c.max_inflight, 3);
	/* one at a time keeps the order of the sequential matrix */
	fake_matrix(5, 1, &c);
	size_t i = 0;
	for (size_t a = 0; a < 5; a++)
		for (size_t b = a + 1; b < 5; b++, i++) {
			assert_int_equal(c.order[i][0], a);
			assert_int_equal(c.order[i][1], b);
		}
}

static void test_matrix_four_nodes_at_once(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = isolated(l);
	if (!ex) { loop_free(l); skip(); }
	pp_node_t nodes[4] = { { ex, "n1", "127.0.0.1" }, { ex, "n2", "127.0.0.1" }, { ex, "n3", "127.0.0.1" },
	                       { ex, "n4", "127.0.0.1" } };
	obs_t unused;
	pp_run_opts_t tmpl = local_opts(l, ex, ex, &unused);
	tmpl.iterations = 50;
	tmpl.sizes = "64";
	cobs_t c;
	memset(&c, 0, sizeof c);
	pp_matrix_cbs_t cbs = { c_start, c_pair, c_done, &c };
	char err[256];
	pp_matrix_t *mx = pp_matrix_start(nodes, 4, &tmpl, 0, &cbs, err, sizeof err);
	assert_non_null(mx);
	int64_t deadline = loop_now_ms() + 120000;
	while (!c.done && loop_now_ms() < deadline) loop_run_once(l, 200);
	assert_int_equal(c.done, 1);
	assert_int_equal(c.starts, 6);
	assert_int_equal(c.ends, 6);
	assert_int_equal(c.max_inflight, 2); /* two disjoint pairs side by side, each on its own port */
	for (size_t a = 0; a < 4; a++)
		for (size_t b = a + 1; b < 4; b++) {
			const pp_result_t *cell = pp_matrix_cell(mx, a, b);
			assert_non_null(cell);
			assert_int_equal(cell->nrows, 1);
			assert_true(pp_result_latency_usec(cell) > 0);
		}
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
		cmocka_unit_test_teardown(test_timeout_counts_silence, fake_teardown),
		cmocka_unit_test(test_no_provider_is_reported),
		cmocka_unit_test(test_unreachable_server),
		cmocka_unit_test(test_server_dies_mid_run),
		cmocka_unit_test(test_cancel_run),
		cmocka_unit_test(test_matrix_three_nodes),
		cmocka_unit_test(test_matrix_circle_schedule),
		cmocka_unit_test(test_matrix_concurrency_cap),
		cmocka_unit_test(test_matrix_four_nodes_at_once),
	};
	return cmocka_run_group_tests_name("pingpong", tests, NULL, NULL);
}

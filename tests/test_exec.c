/* integration: runs processes, a fake SSM and the sandbox; needs: moto_server */
#include "testutil.h"
#include "base/loop.h"
#include "efa/exec.h"
#include "efa/exec_local.h"
#include "efa/exec_ssm.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct rec {
	char lines[64][256];
	int stream[64];
	int64_t at[64];
	int n;
	int done;
	int64_t done_at;
	exec_result_t r;
	size_t longest;
} rec_t;

static void on_line(void *ud, exec_stream_t s, const char *line, size_t len)
{
	rec_t *r = ud;
	assert_int_equal(strlen(line), len);
	if (len > r->longest) r->longest = len;
	if (r->n >= 64) return;
	snprintf(r->lines[r->n], sizeof r->lines[0], "%s", line);
	r->stream[r->n] = s;
	r->at[r->n] = loop_now_ms();
	r->n++;
}

static void on_done(void *ud, const exec_result_t *res)
{
	rec_t *r = ud;
	r->done++;
	r->done_at = loop_now_ms();
	r->r = *res;
}

/* Runs script to completion (with a 10 s safety deadline) and returns its record. */
static void run(loop_t *l, exec_t *ex, const char *script, int timeout_ms, rec_t *r)
{
	memset(r, 0, sizeof *r);
	exec_cbs_t cbs = { on_line, on_done, r };
	char err[256];
	exec_job_t *j = exec_start(ex, "local", script, timeout_ms, &cbs, err, sizeof err);
	assert_non_null(j);
	int64_t deadline = loop_now_ms() + 10000;
	while (!r->done && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(r->done, 1);
}

static int pid_gone(pid_t pid)
{
	/* Gone, or a zombie waiting for whatever reaps orphans here. */
	if (kill(pid, 0) < 0 && errno == ESRCH) return 1;
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f) return 1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static int wait_gone(pid_t pid, int ms)
{
	int64_t deadline = loop_now_ms() + ms;
	while (loop_now_ms() < deadline) {
		if (pid_gone(pid)) return 1;
		usleep(20000);
	}
	return pid_gone(pid);
}

/* A script that prints "a", waits until the test opens its gate (a file), then prints
 * "b": the test sees "a" arrive while the command provably still runs, whatever the
 * machine's load, with no clock involved. */
typedef struct gate { char path[160]; char script[320]; } gate_t;
/* Where gates are made: $TMPDIR or /tmp for local commands; the sandbox's workdir for its
 * nodes, whose /tmp is their own (tools/sandbox/awssim/nodebox.py) while the workdir is
 * reachable at its path. */
static char gate_dir[96];
static void gate_init(gate_t *g, const char *after)
{
	static int seq;
	const char *dir = gate_dir[0] ? gate_dir : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(g->path, sizeof g->path, "%s/nixl-gate.%d.%d", dir, (int)getpid(), ++seq);
	unlink(g->path);
	snprintf(g->script, sizeof g->script, "echo a; while [ ! -e %s ]; do sleep 0.05; done; echo b%s", g->path,
	         after);
}
static void gate_open(gate_t *g)
{
	FILE *f = fopen(g->path, "w");
	assert_non_null(f);
	fclose(f);
}

/* Starts the gated script, waits for its first line, checks that the command is still
 * running, opens the gate and waits for the end. */
static void run_gated(loop_t *l, exec_t *ex, const char *target, const char *after, int timeout_ms, rec_t *r)
{
	gate_t g;
	gate_init(&g, after);
	memset(r, 0, sizeof *r);
	exec_cbs_t cbs = { on_line, on_done, r };
	char err[256];
	assert_non_null(exec_start(ex, target, g.script, timeout_ms, &cbs, err, sizeof err));
	int64_t deadline = loop_now_ms() + 30000;
	while (r->n == 0 && !r->done && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(r->n, 1);
	assert_string_equal(r->lines[0], "a");
	assert_int_equal(r->done, 0); /* "a" arrived while the command was still running */
	gate_open(&g);
	while (!r->done && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(r->done, 1);
	unlink(g.path);
}

static void test_streaming_lines_arrive_before_exit(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	run_gated(l, ex, "local", "", 0, &r);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.lines[0], "a");
	assert_string_equal(r.lines[1], "b");
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.r.exit_code, 0);
	exec_free(ex);
	loop_free(l);
}

static void test_exit_codes_and_stderr(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	run(l, ex, "echo out; echo err >&2; exit 3", 0, &r);
	assert_int_equal(r.r.status, EXEC_FAILED);
	assert_int_equal(r.r.exit_code, 3);
	assert_int_equal(r.n, 2);
	for (int i = 0; i < 2; i++) {
		if (strcmp(r.lines[i], "out") == 0) assert_int_equal(r.stream[i], EXEC_STDOUT);
		else if (strcmp(r.lines[i], "err") == 0) assert_int_equal(r.stream[i], EXEC_STDERR);
		else fail_msg("unexpected line %s", r.lines[i]);
	}
	run(l, ex, "true", 0, &r);
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.n, 0);
	run(l, ex, "printf 'no newline\\r'", 0, &r);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.lines[0], "no newline");
	run(l, ex, "kill -9 $$", 0, &r);
	assert_int_equal(r.r.status, EXEC_FAILED);
	assert_int_equal(r.r.signal, 9);
	assert_int_equal(r.r.exit_code, -1);
	exec_free(ex);
	loop_free(l);
}

static void test_timeout_kills_process_group(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_local_opts_t o = { .kill_grace_ms = 200 };
	exec_t *ex = exec_local_new(l, &o);
	rec_t r;
	int64_t t0 = loop_now_ms();
	run(l, ex, "sleep 30 & echo $!; wait", 300, &r);
	int64_t took = loop_now_ms() - t0;
	assert_int_equal(r.r.status, EXEC_TIMED_OUT); /* and not after sleep's 30 s: run() waits 10 */
	assert_true(took >= 290);
	assert_int_equal(r.n, 1);
	pid_t child = (pid_t)atoi(r.lines[0]);
	assert_true(child > 1);
	assert_true(wait_gone(child, 2000));

	/* A group that ignores SIGTERM gets SIGKILL after the grace period. */
	t0 = loop_now_ms();
	run(l, ex, "trap '' TERM; sleep 30 & echo $!; wait", 200, &r);
	took = loop_now_ms() - t0;
	assert_int_equal(r.r.status, EXEC_TIMED_OUT);
	assert_true(took >= 390);
	child = (pid_t)atoi(r.lines[0]);
	assert_true(wait_gone(child, 2000));
	exec_free(ex);
	loop_free(l);
}

static void test_leftover_holding_pipe_is_killed(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_local_opts_t o = { .eof_grace_ms = 200 };
	exec_t *ex = exec_local_new(l, &o);
	rec_t r;
	run(l, ex, "sleep 30 & echo $!", 0, &r); /* done within run()'s 10 s: not held by sleep */
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.n, 1);
	assert_true(wait_gone((pid_t)atoi(r.lines[0]), 2000));
	exec_free(ex);
	loop_free(l);
}

static void cancel_cb(loop_t *l, void *ud) { (void)l; exec_cancel(ud); }

static void test_cancel(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	memset(&r, 0, sizeof r);
	exec_cbs_t cbs = { on_line, on_done, &r };
	char err[128];
	exec_job_t *j = exec_start(ex, "x", "echo started; sleep 30", 0, &cbs, err, sizeof err);
	assert_non_null(j);
	loop_timer_add(l, 150, cancel_cb, j);
	int64_t t0 = loop_now_ms();
	while (!r.done && loop_now_ms() - t0 < 5000) loop_run_once(l, 100);
	assert_int_equal(r.done, 1);
	assert_int_equal(r.r.status, EXEC_CANCELLED); /* within 5 s, so sleep 30 was stopped */
	assert_int_equal(r.n, 1);
	exec_free(ex);
	loop_free(l);
}

/* GNU timeout moves into a process group of its own: killing the job's group alone would
 * leave timeout and its command running (orphans that kept ports in later tests). */
static void test_cancel_reaches_children_in_other_groups(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_local_opts_t o = { .kill_grace_ms = 200 };
	exec_t *ex = exec_local_new(l, &o);
	rec_t r;
	memset(&r, 0, sizeof r);
	exec_cbs_t cbs = { on_line, on_done, &r };
	char err[128];
	exec_job_t *j = exec_start(ex, "x",
	                           "timeout 60 sh -c 'echo $$; exec sleep 60' & "
	                           "timeout 60 sh -c 'echo $$; exec sleep 61'",
	                           0, &cbs, err, sizeof err);
	assert_non_null(j);
	int64_t deadline = loop_now_ms() + 10000;
	while (r.n < 2 && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(r.n, 2);
	exec_cancel(j);
	while (!r.done && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(r.r.status, EXEC_CANCELLED);
	for (int i = 0; i < 2; i++) {
		pid_t child = (pid_t)atoi(r.lines[i]);
		assert_true(child > 1);
		assert_true(wait_gone(child, 2000));
	}
	exec_free(ex);
	loop_free(l);
}

static void test_argv_is_not_a_shell(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	memset(&r, 0, sizeof r);
	exec_cbs_t cbs = { on_line, on_done, &r };
	char err[128];
	char *argv[] = { "printf", "%s\\n", "x; echo injected $(id)", NULL };
	assert_non_null(exec_local_start_argv(ex, argv, 5000, &cbs, err, sizeof err));
	while (!r.done) loop_run_once(l, 100);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.lines[0], "x; echo injected $(id)");

	memset(&r, 0, sizeof r);
	char *bad[] = { "/nonexistent/program", NULL };
	assert_non_null(exec_local_start_argv(ex, bad, 5000, &cbs, err, sizeof err));
	while (!r.done) loop_run_once(l, 100);
	assert_int_equal(r.r.status, EXEC_FAILED);
	assert_int_equal(r.r.exit_code, 127);
	assert_int_equal(r.stream[0], EXEC_STDERR);
	assert_non_null(strstr(r.lines[0], "cannot run /nonexistent/program"));
	exec_free(ex);
	loop_free(l);
}

static void test_long_lines_and_many_lines(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	run(l, ex, "head -c 20000 /dev/zero | tr '\\0' x; echo; seq 1 40", 0, &r);
	assert_int_equal(r.longest, EXEC_LINE_MAX);
	assert_int_equal(strlen(r.lines[1]), 255); /* the 3616-byte rest, cut by our recorder */
	assert_string_equal(r.lines[2], "1");
	assert_string_equal(r.lines[41], "40");
	assert_int_equal(r.n, 42);
	exec_free(ex);
	loop_free(l);
}

static void test_free_kills_running_jobs(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	rec_t r;
	memset(&r, 0, sizeof r);
	exec_cbs_t cbs = { on_line, on_done, &r };
	char err[128];
	assert_non_null(exec_start(ex, "x", "echo $$; sleep 30", 0, &cbs, err, sizeof err));
	while (r.n == 0) loop_run_once(l, 100);
	pid_t pid = (pid_t)atoi(r.lines[0]);
	exec_free(ex);
	assert_int_equal(r.done, 0); /* no callback after free */
	assert_true(wait_gone(pid, 2000));
	loop_free(l);
}

static void test_isolated_network(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	exec_t *ex = exec_local_new(l, NULL);
	char err[256];
	if (exec_local_isolate(ex, err, sizeof err) < 0) {
		exec_free(ex);
		loop_free(l);
		skip();
	}
	rec_t r;
	/* /proc/net/dev is per network namespace: only lo, and it is up */
	run(l, ex, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; cat /sys/class/net/lo/operstate 2>/dev/null || true", 0, &r);
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_true(r.n >= 1);
	assert_string_equal(r.lines[0], "lo");
	for (int i = 1; i < r.n; i++) assert_string_not_equal(r.lines[i], "eth0");
	/* two jobs share the namespace: a listener in one is reachable from the other */
	rec_t srv;
	memset(&srv, 0, sizeof srv);
	exec_cbs_t cbs = { on_line, on_done, &srv };
	assert_non_null(exec_start(ex, "x", "exec python3 -c 'import socket;s=socket.socket();s.bind((\"0.0.0.0\",47700));s.listen();print(\"up\",flush=True);c,_=s.accept();print(c.recv(10).decode(),flush=True)'", 10000, &cbs, err, sizeof err));
	while (srv.n == 0 && !srv.done) loop_run_once(l, 100);
	run(l, ex, "exec python3 -c 'import socket;s=socket.create_connection((\"127.0.0.1\",47700));s.send(b\"hello\")'", 5000, &r);
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	while (!srv.done) loop_run_once(l, 100);
	assert_string_equal(srv.lines[1], "hello");
	exec_free(ex);
	loop_free(l);
}

static void test_validators_reject_injection(void **state)
{
	(void)state;
	static const char *const good_ids[] = { "i-0123456789abcdef0", "i-12345678", "i-0abcdef1234567890" };
	static const char *const bad_ids[] = {
		"i-0123456789abcdef0; rm -rf /", "i-1234567", "i-0123456789ABCDEF0", "$(reboot)",
		"i-0123456789abcdef01", "i-12345678 ", " i-12345678", "i-1234567`id`", "", "mi-12345678",
		"i-12345678\n", "i-123456789abcdefg",
	};
	for (size_t i = 0; i < sizeof good_ids / sizeof *good_ids; i++)
		assert_true(exec_valid_instance_id(good_ids[i]));
	for (size_t i = 0; i < sizeof bad_ids / sizeof *bad_ids; i++)
		assert_false(exec_valid_instance_id(bad_ids[i]));
	assert_false(exec_valid_instance_id(NULL));

	static const char *const good_ips[] = { "127.0.0.1", "10.0.12.34", "255.255.255.255", "0.0.0.0" };
	static const char *const bad_ips[] = {
		"1.2.3.4; id", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", " 1.2.3.4", "1.2.3.4 ",
		"1.2.3.-4", "1..3.4", "a.b.c.d", "1.2.3.4$(id)", "", "1.2.3.0004", "::1",
	};
	for (size_t i = 0; i < sizeof good_ips / sizeof *good_ips; i++)
		assert_true(exec_valid_ipv4(good_ips[i]));
	for (size_t i = 0; i < sizeof bad_ips / sizeof *bad_ips; i++)
		assert_false(exec_valid_ipv4(bad_ips[i]));

	assert_true(exec_valid_size("all"));
	assert_true(exec_valid_size("4096"));
	assert_true(exec_valid_size("64k"));
	assert_true(exec_valid_size("1m"));
	assert_false(exec_valid_size("4k;id"));
	assert_false(exec_valid_size("1.5k"));
	assert_false(exec_valid_size("-1"));
	assert_false(exec_valid_size("k"));
	assert_false(exec_valid_size("4kk"));
	assert_false(exec_valid_size(""));

	assert_true(exec_valid_count("100", 1, 1000000));
	assert_false(exec_valid_count("0", 1, 1000000));
	assert_false(exec_valid_count("100 ", 1, 1000000));
	assert_false(exec_valid_count("1e3", 1, 1000000));
	assert_false(exec_valid_count("99999999999", 1, 1000000));
	assert_false(exec_valid_count("-5", -10, 10));

	assert_true(exec_valid_provider("efa"));
	assert_true(exec_valid_provider("tcp"));
	assert_true(exec_valid_provider("shm"));
	assert_false(exec_valid_provider("efa;id"));
	assert_false(exec_valid_provider("EFA"));
	assert_true(exec_valid_provider("tcp;ofi_rxm"));
	assert_true(exec_valid_provider("verbs;ofi_rxm"));
	assert_false(exec_valid_provider("tcp;ofi_rxm;id"));
	assert_false(exec_valid_provider("tcp; ofi_rxm"));
	assert_false(exec_valid_provider("ofi_rxm;tcp"));
	assert_false(exec_valid_provider(""));

	assert_true(exec_valid_endpoint("rdm"));
	assert_true(exec_valid_endpoint("dgram"));
	assert_false(exec_valid_endpoint("rdm "));
	assert_false(exec_valid_endpoint("FI_EP_RDM"));

	assert_true(exec_valid_log_group("/aws/ssm/nixl-tui"));
	assert_false(exec_valid_log_group("/aws/ssm/"));
	assert_false(exec_valid_log_group("/aws/ssm/x y"));
	assert_false(exec_valid_log_group("/aws/ssm/$(id)"));
	assert_false(exec_valid_log_group("/other/group"));
}

/* ------------------------------------------------------------ SSM executor */

/* tests/efa/fake_ssm.py on 127.0.0.1: SendCommand really runs the script, output lines
 * reach CloudWatch log streams as they are printed. */
static pid_t fake_pid = -1;
static char fake_url[64];

static int fake_start(void **state)
{
	(void)state;
	int p[2];
	if (pipe(p) < 0) return -1;
	fake_pid = fork();
	if (fake_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		execlp("python3", "python3", "tests/efa/fake_ssm.py", "--lifetime", "600", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	char buf[128] = "";
	size_t n = 0;
	int64_t deadline = loop_now_ms() + 20000;
	while (!strchr(buf, '\n') && loop_now_ms() < deadline && n < sizeof buf - 1) {
		struct pollfd pfd = { p[0], POLLIN, 0 };
		if (poll(&pfd, 1, 200) <= 0) continue;
		ssize_t r = read(p[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0) break;
		n += (size_t)r;
		buf[n] = 0;
	}
	close(p[0]);
	int port = 0;
	if (sscanf(buf, "FAKE READY port=%d", &port) != 1) return -1;
	snprintf(fake_url, sizeof fake_url, "http://127.0.0.1:%d", port);
	setenv("AWS_ACCESS_KEY_ID", "AKIDFAKESSM", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "fake-secret", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/dev/null", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");
	return 0;
}

static int fake_stop(void **state)
{
	(void)state;
	if (fake_pid <= 0) return 0;
	kill(fake_pid, SIGTERM);
	int64_t deadline = loop_now_ms() + 5000;
	while (waitpid(fake_pid, NULL, WNOHANG) == 0 && loop_now_ms() < deadline) usleep(50000);
	if (waitpid(fake_pid, NULL, WNOHANG) == 0) {
		kill(fake_pid, SIGKILL);
		waitpid(fake_pid, NULL, 0);
	}
	fake_pid = -1;
	return 0;
}

/* The same tests against the sandbox (tools/sandbox): a stack deployed there by nixl-tui
 * gives a real node, whose commands the sandbox runs and streams into its CloudWatch. */
static pid_t sandbox_pid = -1;
static char node_id[32] = "i-0123456789abcdef0";
/* three nodes for the many-target test: the fake takes any ids, the sandbox's stack has
 * three nodes */
static char node_ids[3][32] = { "i-0123456789abcdef0", "i-0123456789abcdef1", "i-0123456789abcdef2" };
static const char *ssm_url = fake_url;
static char sandbox_url[64], sandbox_state[64], sandbox_nodes[64];
static int sandbox_out = -1;

static int read_ready(int fd, const char *prefix, char *out, size_t n)
{
	char buf[4096] = "";
	size_t len = 0;
	int64_t deadline = loop_now_ms() + 60000;
	while (loop_now_ms() < deadline && len < sizeof buf - 1) {
		char *hit = strstr(buf, prefix);
		if (hit && strchr(hit, '\n')) {
			snprintf(out, n, "%.*s", (int)strcspn(hit + strlen(prefix), "\n"), hit + strlen(prefix));
			return 0;
		}
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, 200) <= 0) continue;
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0) break;
		len += (size_t)r;
		buf[len] = 0;
	}
	return -1;
}

static int sandbox_start(void **state)
{
	(void)state;
	const char *nixl = getenv("NIXL_TUI");
	if (!nixl) return -1;
	int p[2];
	snprintf(sandbox_nodes, sizeof sandbox_nodes, "/tmp/nixl-exec-nodes.XXXXXX");
	if (!mkdtemp(sandbox_nodes) || pipe(p) < 0) return -1;
	sandbox_pid = fork();
	if (sandbox_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		close(p[0]);
		execlp("python3", "python3", "tools/sandbox/sandbox.py", "--port", "0", "--node-profile", "host",
		       "--workdir", sandbox_nodes, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	sandbox_out = p[0]; /* kept open until it has stopped: it says so on its way out */
	if (read_ready(p[0], "SANDBOX READY endpoint=", sandbox_url, sizeof sandbox_url) < 0) return -1;
	setenv("AWS_ENDPOINT_URL", sandbox_url, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIASANDBOXEXAMPLE00", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "sandbox-test-secret", 1);
	setenv("AWS_DEFAULT_REGION", "us-east-1", 1);
	snprintf(sandbox_state, sizeof sandbox_state, "/tmp/nixl-exec-state.XXXXXX");
	if (!mkdtemp(sandbox_state)) return -1;
	setenv("XDG_STATE_HOME", sandbox_state, 1);
	/* a node to run on: deploy a stack there, exactly as a user would */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "'%s' deploy --yes -c environment=exec -c nodeCount=3 >/dev/null 2>&1 && "
	         "'%s' outputs --format env -c environment=exec", nixl, nixl);
	FILE *f = popen(cmd, "r");
	if (!f) return -1;
	char line[256];
	node_id[0] = 0;
	memset(node_ids, 0, sizeof node_ids);
	while (fgets(line, sizeof line, f)) {
		int k, end = 0;
		/* NODEk_ID='i-...': single-quoted, as a shell reads it */
		if (sscanf(line, "NODE%d_ID='%n", &k, &end) == 1 && end > 0 && k >= 1 && k <= 3)
			snprintf(node_ids[k - 1], sizeof node_ids[0], "%.*s", (int)strcspn(line + end, "'\n"), line + end);
	}
	pclose(f);
	snprintf(node_id, sizeof node_id, "%s", node_ids[0]);
	unsetenv("AWS_ENDPOINT_URL");
	ssm_url = sandbox_url;
	snprintf(gate_dir, sizeof gate_dir, "%s", sandbox_nodes);
	return node_ids[0][0] && node_ids[1][0] && node_ids[2][0] ? 0 : -1;
}

/* The sandbox refuses what AWS would (tools/sandbox/awssim/validate.py) and counts it: 0 (or
 * -1 when it cannot tell) once the product's requests have all been such as AWS accepts. */
static int sandbox_refusals(void)
{
	char cmd[384], line[256];
	snprintf(cmd, sizeof cmd, "curl -s -m 10 '%s/_sandbox/state'", sandbox_url);
	FILE *f = popen(cmd, "r");
	if (!f) return -1;
	int n = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, " \"refused_total\": %d", &n) == 1) break;
	while (fgets(line, sizeof line, f)) { /* drain */ }
	pclose(f);
	return n;
}

static int sandbox_stop(void **state)
{
	(void)state;
	if (sandbox_pid > 0) {
		kill(sandbox_pid, SIGTERM);
		int64_t deadline = loop_now_ms() + 10000;
		while (waitpid(sandbox_pid, NULL, WNOHANG) == 0 && loop_now_ms() < deadline) usleep(50000);
		if (waitpid(sandbox_pid, NULL, WNOHANG) == 0) {
			kill(sandbox_pid, SIGKILL);
			waitpid(sandbox_pid, NULL, 0);
		}
	}
	sandbox_pid = -1;
	if (sandbox_out >= 0) close(sandbox_out);
	sandbox_out = -1;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", sandbox_state, sandbox_nodes);
	if (sandbox_state[0] && sandbox_nodes[0] && system(cmd) != 0) { /* a temp dir left behind, nothing worse */ }
	gate_dir[0] = 0;
	return 0;
}

/* last in the sandbox group: every request of the deploy and the commands above was one AWS
 * accepts */
static void test_sandbox_refused_nothing(void **state)
{
	(void)state;
	assert_int_equal(sandbox_refusals(), 0);
}

typedef struct ssm_env { loop_t *loop; aws_client_t *aws; exec_t *ex; } ssm_env_t;

/* The client's log has a line per AWS call: how many of each the executor made. */
static int calls_send, calls_cancel, calls_get;
static void count_call(void *ud, const char *line)
{
	(void)ud;
	calls_send += strstr(line, "SendCommand ->") != NULL;
	calls_cancel += strstr(line, "CancelCommand ->") != NULL;
	calls_get += strstr(line, "GetCommandInvocation ->") != NULL;
}

static void ssm_open(ssm_env_t *e, const char *group)
{
	e->loop = loop_new();
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = ssm_url, .log = count_call };
	aws_error_t err;
	e->aws = aws_client_new(e->loop, &o, &err);
	if (!e->aws) fail_msg("client: %s", err.message);
	exec_ssm_opts_t so = { .log_group = group, .poll_ms = 200, .drain_ms = 1500, .stop_wait_ms = 5000 };
	e->ex = exec_ssm_new(e->aws, &so);
	assert_non_null(e->ex);
}

static void ssm_close(ssm_env_t *e)
{
	exec_free(e->ex);
	aws_client_free(e->aws);
	loop_free(e->loop);
}

#define NODE node_id

static void ssm_run(ssm_env_t *e, const char *script, int timeout_ms, rec_t *r)
{
	memset(r, 0, sizeof *r);
	exec_cbs_t cbs = { on_line, on_done, r };
	char err[256];
	assert_non_null(exec_start(e->ex, NODE, script, timeout_ms, &cbs, err, sizeof err));
	int64_t deadline = loop_now_ms() + 30000;
	while (!r->done && loop_now_ms() < deadline) loop_run_once(e->loop, 100);
	assert_int_equal(r->done, 1);
}

static void test_ssm_streams_lines_and_exit_code(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, NULL);
	rec_t r;
	/* "a" is seen while the command still runs (run_gated checks it) */
	run_gated(e.loop, e.ex, NODE, "; echo oops >&2; exit 3", 20000, &r);
	/* each line once (CloudWatch and the invocation's copy are not both delivered) */
	assert_int_equal(r.n, 3);
	assert_string_equal(r.lines[0], "a");
	assert_int_equal(r.stream[0], EXEC_STDOUT);
	int b = strcmp(r.lines[1], "b") == 0 ? 1 : 2, oops = 3 - b;
	assert_string_equal(r.lines[b], "b");
	assert_string_equal(r.lines[oops], "oops");
	assert_int_equal(r.stream[oops], EXEC_STDERR);
	assert_int_equal(r.r.status, EXEC_FAILED);
	assert_int_equal(r.r.exit_code, 3);

	ssm_run(&e, "echo hi", 20000, &r);
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.r.exit_code, 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.lines[0], "hi");
	ssm_close(&e);
}

static void cancel_when_started(void *ud, exec_stream_t s, const char *line, size_t len);
typedef struct crec { rec_t r; exec_job_t *job; } crec_t;
static void cancel_when_started(void *ud, exec_stream_t s, const char *line, size_t len)
{
	crec_t *c = ud;
	on_line(&c->r, s, line, len);
	if (strcmp(line, "started") == 0) exec_cancel(c->job);
}
static void crec_done(void *ud, const exec_result_t *res) { on_done(&((crec_t *)ud)->r, res); }

static void test_ssm_cancel_and_timeout(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, NULL);
	crec_t c;
	memset(&c, 0, sizeof c);
	exec_cbs_t cbs = { cancel_when_started, crec_done, &c };
	char err[256];
	int64_t t0 = loop_now_ms();
	c.job = exec_start(e.ex, NODE, "echo started; sleep 30; echo never", 60000, &cbs, err, sizeof err);
	assert_non_null(c.job);
	while (!c.r.done && loop_now_ms() - t0 < 20000) loop_run_once(e.loop, 100);
	assert_int_equal(c.r.done, 1);
	assert_int_equal(c.r.r.status, EXEC_CANCELLED); /* within 20 s, so sleep 30 was stopped */
	assert_int_equal(c.r.n, 1);

	rec_t r;
	t0 = loop_now_ms();
	ssm_run(&e, "echo x; sleep 30", 1500, &r);
	assert_int_equal(r.r.status, EXEC_TIMED_OUT);
	assert_true(loop_now_ms() - t0 >= 1400);
	assert_non_null(strstr(r.r.detail, "CancelCommand"));
	assert_int_equal(r.n, 1);
	ssm_close(&e);
}

/* One job of a many-target start: the one marked cancels itself when its node has
 * started, and only then lets the others (held by a gate) end. */
typedef struct mrec { rec_t r; exec_job_t *job; int cancel; gate_t *gate; } mrec_t;
static void many_line(void *ud, exec_stream_t s, const char *line, size_t len)
{
	mrec_t *m = ud;
	on_line(&m->r, s, line, len);
	if (m->cancel && strncmp(line, "on ", 3) == 0) exec_cancel(m->job);
}
static void many_done(void *ud, const exec_result_t *res)
{
	mrec_t *m = ud;
	on_done(&m->r, res);
	if (m->cancel) gate_open(m->gate);
}

static void test_ssm_many_targets_one_command(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, NULL);
	gate_t g;
	gate_init(&g, "");
	char script[256];
	snprintf(script, sizeof script, "echo on $AWS_SSM_INSTANCE_ID; while [ ! -e %s ]; do sleep 0.05; done; echo done",
	         g.path);
	mrec_t m[3];
	memset(m, 0, sizeof m);
	const char *targets[3];
	exec_cbs_t cbs[3];
	exec_job_t *jobs[3];
	for (int i = 0; i < 3; i++) {
		targets[i] = node_ids[i];
		cbs[i] = (exec_cbs_t){ many_line, many_done, &m[i] };
		m[i].gate = &g;
	}
	m[1].cancel = 1;
	int sends = calls_send, cancels = calls_cancel, gets = calls_get;
	char err[256];
	assert_int_equal(exec_start_many(e.ex, targets, 3, script, 60000, cbs, jobs, err, sizeof err), 3);
	for (int i = 0; i < 3; i++) m[i].job = jobs[i];
	int64_t deadline = loop_now_ms() + 30000;
	while (!(m[0].r.done && m[1].r.done && m[2].r.done) && loop_now_ms() < deadline) loop_run_once(e.loop, 100);
	unlink(g.path);
	assert_int_equal(calls_send - sends, 1); /* one SendCommand for the three nodes */
	assert_int_equal(calls_cancel - cancels, 1);
	/* while they run, one ListCommandInvocations a round follows all three; each node's
	 * end costs one GetCommandInvocation (exit code, output copy) */
	assert_int_equal(calls_get - gets, 3);
	for (int i = 0; i < 3; i++) {
		char on[64];
		snprintf(on, sizeof on, "on %s", node_ids[i]);
		assert_int_equal(m[i].r.done, 1);
		assert_string_equal(m[i].r.lines[0], on); /* each node's own output */
		if (i == 1) {
			assert_int_equal(m[i].r.r.status, EXEC_CANCELLED);
			assert_int_equal(m[i].r.n, 1);
		} else {
			/* the cancel on node 2 left these running to their end */
			assert_int_equal(m[i].r.r.status, EXEC_SUCCESS);
			assert_int_equal(m[i].r.n, 2);
			assert_string_equal(m[i].r.lines[1], "done");
		}
	}
	ssm_close(&e);
}

/* Every target stopped before SendCommand answered: the call itself is cancelled, so
 * nothing reaches a node and each job still ends once. */
static void test_ssm_many_all_cancelled_before_sent(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, NULL);
	rec_t r[3];
	memset(r, 0, sizeof r);
	const char *targets[3];
	exec_cbs_t cbs[3];
	exec_job_t *jobs[3];
	for (int i = 0; i < 3; i++) {
		targets[i] = node_ids[i];
		cbs[i] = (exec_cbs_t){ on_line, on_done, &r[i] };
	}
	int sends = calls_send, cancels = calls_cancel;
	char err[256];
	assert_int_equal(exec_start_many(e.ex, targets, 3, "echo never", 60000, cbs, jobs, err, sizeof err), 3);
	for (int i = 0; i < 3; i++) exec_cancel(jobs[i]);
	int64_t deadline = loop_now_ms() + 10000;
	while (!(r[0].done && r[1].done && r[2].done) && loop_now_ms() < deadline) loop_run_once(e.loop, 100);
	assert_int_equal(calls_send - sends, 0);
	assert_int_equal(calls_cancel - cancels, 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r[i].done, 1);
		assert_int_equal(r[i].r.status, EXEC_CANCELLED);
		assert_int_equal(r[i].n, 0);
	}
	/* an invalid target is refused alone; the others start */
	const char *mixed[2] = { node_ids[0], "i-1; reboot" };
	memset(r, 0, sizeof r);
	assert_int_equal(exec_start_many(e.ex, mixed, 2, "echo ok", 60000, cbs, jobs, err, sizeof err), 1);
	assert_non_null(jobs[0]);
	assert_null(jobs[1]);
	assert_non_null(strstr(err, "not an instance id"));
	deadline = loop_now_ms() + 30000;
	while (!r[0].done && loop_now_ms() < deadline) loop_run_once(e.loop, 100);
	assert_int_equal(r[0].r.status, EXEC_SUCCESS);
	assert_string_equal(r[0].lines[0], "ok");
	ssm_close(&e);
}

static void test_ssm_without_cloudwatch_and_bad_target(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, "/aws/ssm/nolog");
	rec_t r;
	ssm_run(&e, "echo one; echo two; echo three >&2", 20000, &r);
	/* no log stream ever appears: the invocation's copy is delivered at the end */
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.lines[0], "one");
	assert_string_equal(r.lines[1], "two");
	assert_string_equal(r.lines[2], "three");
	assert_int_equal(r.stream[2], EXEC_STDERR);
	char err[256];
	exec_cbs_t cbs = { on_line, on_done, &r };
	assert_null(exec_start(e.ex, "i-123; reboot", "true", 1000, &cbs, err, sizeof err));
	assert_non_null(strstr(err, "not an instance id"));
	ssm_close(&e);
	assert_null(exec_ssm_new(NULL, &(exec_ssm_opts_t){ .log_group = "/tmp/x" }));
}

/* GetCommandInvocation keeps 8,000 characters of stderr (24,000 of stdout): with no
 * CloudWatch delivery, a copy cut mid-line gives its whole lines and no fragment. */
static void test_ssm_stderr_copy_cut_at_8000(void **state)
{
	(void)state;
	ssm_env_t e;
	ssm_open(&e, "/aws/ssm/nolog");
	rec_t r;
	/* 50 lines of 200 characters (201 with the newline) on stderr: 39 fit in 8,000 */
	ssm_run(&e, "i=10; while [ $i -lt 60 ]; do printf 'line %d %0192d\\n' $i 0 >&2; i=$((i+1)); done",
	        20000, &r);
	assert_int_equal(r.r.status, EXEC_SUCCESS);
	assert_int_equal(r.n, 39);
	for (int i = 0; i < r.n; i++) {
		assert_int_equal(r.stream[i], EXEC_STDERR);
		assert_int_equal(strlen(r.lines[i]), 200);
	}
	assert_int_equal(strncmp(r.lines[38], "line 48 ", 8), 0);
	ssm_close(&e);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streaming_lines_arrive_before_exit),
		cmocka_unit_test(test_exit_codes_and_stderr),
		cmocka_unit_test(test_timeout_kills_process_group),
		cmocka_unit_test(test_leftover_holding_pipe_is_killed),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_reaches_children_in_other_groups),
		cmocka_unit_test(test_argv_is_not_a_shell),
		cmocka_unit_test(test_long_lines_and_many_lines),
		cmocka_unit_test(test_free_kills_running_jobs),
		cmocka_unit_test(test_isolated_network),
		cmocka_unit_test(test_validators_reject_injection),
	};
	const struct CMUnitTest ssm_tests[] = {
		cmocka_unit_test(test_ssm_streams_lines_and_exit_code),
		cmocka_unit_test(test_ssm_cancel_and_timeout),
		cmocka_unit_test(test_ssm_many_targets_one_command),
		cmocka_unit_test(test_ssm_many_all_cancelled_before_sent),
		cmocka_unit_test(test_ssm_without_cloudwatch_and_bad_target),
		cmocka_unit_test(test_ssm_stderr_copy_cut_at_8000),
	};
	int failed = cmocka_run_group_tests_name("exec", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("exec_ssm", ssm_tests, fake_start, fake_stop);
	const struct CMUnitTest sandbox_tests[] = {
		cmocka_unit_test(test_ssm_streams_lines_and_exit_code),
		cmocka_unit_test(test_ssm_cancel_and_timeout),
		cmocka_unit_test(test_ssm_many_targets_one_command),
		cmocka_unit_test(test_sandbox_refused_nothing),
	};
	return failed + cmocka_run_group_tests_name("exec_ssm_sandbox", sandbox_tests, sandbox_start, sandbox_stop);
}

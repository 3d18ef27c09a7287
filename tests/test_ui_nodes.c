/* The nodes screen: panes with state, EFA checks, the ping-pong table and its bar chart,
 * streamed output with follow mode, zoom, and the keys that run checks and ping-pong. */
#include "ui_harness.h"
#include "ui/view_nodes.h"

/* fi_pingpong -e rdm -p efa, client side: the 64, 256 and 1k rows are the complete
 * rows of the real output in libfabric issue 5689 (see tests/fixtures/ui/README). */
static void pingpong_5689(pp_result_t *r)
{
	snprintf(r->provider, sizeof r->provider, "efa");
	snprintf(r->endpoint, sizeof r->endpoint, "rdm");
	r->iterations = 10;
	r->exit_code = 0;
	h_pp_row(r, 64, 10, 0.03, 0.05, 1275.70);
	h_pp_row(r, 256, 10, 0.00, 8.22, 31.15);
	h_pp_row(r, 1024, 10, 0.00, 48.53, 21.10);
}

static void nodes(session_t *s)
{
	h_session_init(s);
	s->phase = SESS_READY;
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_COMPLETE");
	s->total_resources = s->completed = 14;
	sess_node_t *a = h_node(s, "producer", "i-0a1b2c3d4e5f60718", "running", "3.91.20.14", "10.0.1.23", "Online");
	sess_node_t *b = h_node(s, "consumer", "i-0f9e8d7c6b5a40312", "running", "54.164.7.201", "10.0.1.87", "Online");
	h_check(a, "EFA PCI device", CHK_PASS, "1 device: 0000:00:06.0 Amazon.com, Inc. Elastic Fabric Adapter (EFA)");
	h_check(a, "efa kernel module", CHK_PASS, "efa 2.17.3g loaded");
	h_check(a, "fi_info -p efa", CHK_PASS, "provider: efa, fabric: efa, domain: rdmap0s6-rdm");
	h_check(a, "/dev/infiniband", CHK_PASS, "uverbs0");
	h_check(b, "EFA PCI device", CHK_PASS, "1 device: 0000:00:06.0 Amazon.com, Inc. Elastic Fabric Adapter (EFA)");
	h_check(b, "efa kernel module", CHK_FAIL, "not loaded (modinfo efa: module not found)");
	h_check(b, "fi_info -p efa", CHK_RUNNING, "");
	b->checks_running = 1;
	pingpong_5689(&a->pp);
	static const char *out[] = {
		"$ fi_pingpong -e rdm -p efa 10.0.1.87",
		"bytes   #sent   #ack     total       time     MB/sec    usec/xfer   Mxfers/sec",
		"64      10      =10      1.2k        0.03s      0.05    1275.70       0.00",
		"256     10      =10      5k          0.00s      8.22      31.15       0.03",
		"1k      10      =10      20k         0.00s     48.53      21.10       0.05",
	};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) h_line(a, 64, out[i]);
	for (int i = 1; i <= 40; i++) {
		char line[64];
		snprintf(line, sizeof line, "check line %d", i);
		h_line(b, 32, line); /* a ring of 32: lines 9..40 remain */
	}
}

/* A setup of four tasks: node 1 waits in the third, node 2 failed the second. The runner's
 * lines as src/setup/scripts/task_runner.sh writes them. */
static const char setup_file[] =
	"{\"tasks\": [{\"id\": \"hello\", \"name\": \"Say hello\", \"commands\": [\"echo hi\"]},"
	" {\"id\": \"deps\", \"name\": \"Install the packages\", \"commands\": [\"apt-get install -y x\"]},"
	" {\"id\": \"gate\", \"commands\": [\"wait-for-gate\"]},"
	" {\"id\": \"last\", \"name\": \"Last one\", \"commands\": [\"true\"]}]}";

static void feed(sess_node_t *n, const char *const *lines, size_t k)
{
	for (size_t i = 0; i < k; i++) setup_progress_line(&n->setup, lines[i]);
}

static void with_setup(session_t *s)
{
	char err[256];
	assert_int_equal(tasks_parse(setup_file, strlen(setup_file), &s->setup.run, err, sizeof err), 0);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(setup_progress_init(&s->nodes[i].setup, s->setup.run.ntasks), 0);
		s->nodes[i].setup_shown = 1;
	}
	static const char *const one[] = {
		"===NIXL-TASK 0 start 0===", "2026-12-02T04:50:00Z [CMD] echo hi", "hi", "===NIXL-TASK 0 ok 1200===",
		"===NIXL-TASK 1 skip 0===",
		"===NIXL-TASK 2 start 0===", "2026-12-02T04:50:02Z [CMD] wait-for-gate", "tick 1", "tick 2 \x1b[31mred",
	};
	static const char *const two[] = {
		"===NIXL-TASK 0 start 0===", "hi", "===NIXL-TASK 0 ok 900===",
		"===NIXL-TASK 1 start 0===", "2026-12-02T04:50:01Z [CMD] apt-get install -y x",
		"E: Unable to locate package x", "E: the second line", "E: the last line", "===NIXL-TASK 1 fail 75000===",
		"===NIXL-TASKS-DONE completed=1 skipped=0 failed=1===",
	};
	feed(&s->nodes[0], one, sizeof one / sizeof one[0]);
	feed(&s->nodes[1], two, sizeof two / sizeof two[0]);
	s->nodes[0].setup_running = 1;
}

static void setup_free(session_t *s)
{
	for (size_t i = 0; i < s->nnodes; i++) setup_progress_free(&s->nodes[i].setup);
	tasks_free(&s->setup.run);
	tasks_free(&s->setup.file);
}

static void test_setup_section(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	with_setup(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_assert_screen(ui, "nodes_120x40_setup");
	h_close(ui);
	ui = h_open(&s, 80, 24, 0);
	h_assert_screen(ui, "nodes_80x24_setup_node1");
	h_keys(ui, "l");
	h_assert_screen(ui, "nodes_80x24_setup_node2");
	h_close(ui);
	setup_free(&s);
	h_session_free(&s);
}

/* S and :setup: a confirm naming the file and its count, Cancel focused; refused while one runs. */
static void test_setup_keys(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	char err[256];
	assert_int_equal(tasks_parse(setup_file, strlen(setup_file), &s.setup.file, err, sizeof err), 0);
	snprintf(s.setup.file_name, sizeof s.setup.file_name, "my-tasks.json");
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "S");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_non_null(strstr(ui->dlg.text, "Run my-tasks.json (4 tasks) on node 1?"));
	h_keys(ui, "\r");          /* Cancel is focused */
	assert_string_equal(h_calls, "");
	h_keys(ui, "S\t\r");
	h_keys(ui, ":setup all\r");
	assert_non_null(strstr(ui->dlg.text, "on all nodes?"));
	h_keys(ui, "\t\r");
	h_keys(ui, ":setup 2\r\t\r");
	assert_string_equal(h_calls, "setup 1\nsetup 0\nsetup 2\n");
	h_calls[0] = 0;
	s.nodes[1].setup_running = 1;
	h_keys(ui, "S");
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 38), "A setup is already running on the nodes.");
	h_close(ui);
	setup_free(&s);
	h_session_free(&s);
}

/* "deploy and verify": verify starts when the stack is ready; its summary opens when it ends. */
static void test_verify_when_ready(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	s.phase = SESS_CREATING;
	ui_t *ui = h_open(&s, 120, 40, 0);
	view_nodes_verify_when_ready(ui, 1);
	h_calls[0] = 0;
	ui_changed(ui, SESS_CH_PHASE);
	assert_string_equal(h_calls, "");
	s.phase = SESS_READY;
	ui_changed(ui, SESS_CH_PHASE);
	/* ready: a setup left running is looked for, then verify starts */
	assert_string_equal(h_calls, "setup_find\nverify\n");
	assert_int_equal(view_nodes_verify_pending(ui), 0);
	assert_int_equal(ui->screen, UI_NODES);
	s.verify.done = s.verify.failed = 1;
	snprintf(s.verify.summary, sizeof s.verify.summary,
	         "setup: failed on node 2 at task deps: fix it, then :verify again (the setup resumes).\n");
	ui_changed(ui, SESS_CH_NODES);
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.title, "Verify: failed");
	h_close(ui);
	h_session_free(&s);
}

static void test_nodes_120x40(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_NODES);
	h_assert_screen(ui, "nodes_120x40");
	h_close(ui);
	h_session_free(&s);
}

static void test_nodes_80x24_tabs_and_zoom(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_assert_screen(ui, "nodes_80x24_node1");
	h_keys(ui, "l");
	h_assert_screen(ui, "nodes_80x24_node2");
	h_close(ui);
	/* Zoom on a wide screen: one pane, full size. */
	ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "z");
	h_assert_screen(ui, "nodes_120x40_zoom_node1");
	h_close(ui);
	h_session_free(&s);
}

/* Follow mode: the pane shows the tail; scrolling up pauses it and holds the lines in
 * place while new ones arrive; End (or F) resumes. */
static void test_follow_mode(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "l"); /* node 2: 32 lines kept of 40 */
	int last = h_find_row(ui, "check line 40", NULL);
	assert_true(last > 0);
	assert_true(h_find_row(ui, "22-32 of 32, following", NULL) > 0);
	h_keys(ui, "kk");
	assert_true(h_find_row(ui, "20-30 of 32, paused, 2 more below (F follows)", NULL) > 0);
	assert_int_equal(h_find_row(ui, "check line 38", NULL), last);
	for (int i = 41; i <= 43; i++) {
		char line[32];
		snprintf(line, sizeof line, "check line %d", i);
		h_line(&s.nodes[1], 32, line);
	}
	ui_changed(ui, SESS_CH_NODES);
	assert_int_equal(h_find_row(ui, "check line 38", NULL), last); /* held in place */
	assert_true(h_find_row(ui, "of 32, paused, 5 more below (F follows)", NULL) > 0);
	ui_key(ui, KEY_END);
	assert_int_equal(h_find_row(ui, "check line 43", NULL), last);
	assert_true(h_find_row(ui, "22-32 of 32, following", NULL) > 0);
	/* Paused lines that fall out of the ring: the view moves to the oldest kept. */
	ui_key(ui, KEY_HOME);
	assert_true(h_find_row(ui, "check line 12", NULL) > 0);
	for (int i = 44; i <= 60; i++) h_line(&s.nodes[1], 32, "more");
	ui_changed(ui, SESS_CH_NODES);
	assert_true(h_find_row(ui, "check line 29", NULL) > 0);
	assert_int_equal(h_find_row(ui, "check line 28", NULL), -1);
	h_keys(ui, "F");
	assert_true(h_find_row(ui, "22-32 of 32, following", NULL) > 0);
	h_close(ui);
	h_session_free(&s);
}

static void test_keys_run_checks_and_pingpong(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "c");
	h_keys(ui, "lc");
	h_keys(ui, "C");
	h_keys(ui, "hp");        /* client node 1, server node 2 */
	h_keys(ui, ":pingpong 1 2\r");
	h_keys(ui, ":check 2\r");
	h_keys(ui, ":node 2\r");
	assert_string_equal(h_calls,
	                    "node_check 1\n"
	                    "node_check 2\n"
	                    "node_check 0\n"
	                    "pingpong server=2 client=1 sizes=(default) iters=0\n"
	                    "pingpong server=1 client=2 sizes=(default) iters=0\n"
	                    "node_check 2\n");
	assert_int_equal(view_nodes_selected(ui), 1);
	/* A ping-pong already running: refused with the reason, nothing called. */
	h_calls[0] = 0;
	s.nodes[0].pp_running = 1;
	h_keys(ui, "p");
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 38), "A ping-pong is already running.");
	h_keys(ui, ":node 7\r");
	assert_string_equal(h_row(ui, 38), "There is no node 7 (nodes 1 to 2).");
	/* The model refusing: its flash is shown. */
	s.nodes[0].pp_running = 0;
	h_rc = -1;
	snprintf(s.flash, sizeof s.flash, "SSM: node 1 is not Online");
	h_keys(ui, "c");
	assert_string_equal(h_row(ui, 38), "The EFA checks did not start: SSM: node 1 is not Online");
	h_close(ui);
	h_session_free(&s);
}

/* / filters the selected node's output as it is typed. */
static void test_output_filter(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "l/line 3");
	assert_true(h_find_row(ui, "Output /line 3  1-10 of 10, following", NULL) > 0); /* lines 30 to 39 */
	assert_true(h_find_row(ui, "check line 39", NULL) > 0);
	assert_int_equal(h_find_row(ui, "check line 40", NULL), -1);
	h_keys(ui, "\r");
	size_t fsize;
	assert_string_equal(view_nodes_filter(ui, &fsize), "line 3");
	h_close(ui);
	h_session_free(&s);
}

/* A failed ping-pong says why under its heading, wrapped, instead of a table. */
static void test_pingpong_error(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	pp_result_free(&s.nodes[0].pp);
	memset(&s.nodes[0].pp, 0, sizeof s.nodes[0].pp);
	snprintf(s.nodes[0].pp.error, sizeof s.nodes[0].pp.error,
	         "client on i-0a1b2c3d4e5f60718 failed (exit 101): [error] util/pingpong.c:408 : failed to connect: "
	         "Network is unreachable");
	ui_t *ui = h_open(&s, 80, 24, 0);
	int y = h_find_row(ui, "| Ping-pong  failed", NULL);
	assert_true(y > 0);
	assert_string_equal(h_row(ui, y + 1), "| client on i-0a1b2c3d4e5f60718 failed (exit 101): [error] util/pingpong.c:408 |");
	assert_string_equal(h_row(ui, y + 2), "| : failed to connect: Network is unreachable                                  |");
	assert_int_equal(h_find_row(ui, "size  usec/xfer", NULL), -1); /* no table */
	h_close(ui);
	h_session_free(&s);
}

static void test_connect_commands(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	setenv("NIXL_TUI_CLIPBOARD", "off", 1); /* the screen whatever the terminal running the tests */
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "y");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	h_assert_screen(ui, "nodes_connect_80x24");
	h_close(ui);
	unsetenv("NIXL_TUI_CLIPBOARD");
	h_session_free(&s);
}

/* 16 nodes in one of the longest region names: the connect dialog's text is longer than
 * the dialog holds; it is cut at the end, never written past it (ASan: make check). */
static void test_connect_commands_16_nodes_long_region(void **state)
{
	(void)state;
	static const int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 } };
	for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
		session_t s;
		h_session_init(&s);
		snprintf(s.region, sizeof s.region, "ap-southeast-7");
		s.phase = SESS_READY;
		for (int i = 0; i < 16; i++) {
			char id[32], pub[32], priv[32];
			snprintf(id, sizeof id, "i-0a1b2c3d4e5f607%02d", i);
			snprintf(pub, sizeof pub, "3.91.20.%d", 100 + i);
			snprintf(priv, sizeof priv, "10.0.1.%d", 100 + i);
			h_node(&s, i % 2 ? "consumer" : "producer", id, "running", pub, priv, "Online");
		}
		assert_int_equal(s.nnodes, 16);
		ui_t *ui = h_open(&s, sizes[z][0], sizes[z][1], 0);
		h_keys(ui, "y");
		assert_int_equal(ui->modal, UI_MODAL_DIALOG);
		assert_non_null(strstr(ui->dlg.text, "Node1 shell:"));
		assert_non_null(strstr(ui->dlg.text, "ap-southeast-7"));
		assert_true(strlen(ui->dlg.text) < sizeof ui->dlg.text);
		h_close(ui);
		h_session_free(&s);
	}
}

/* More than two nodes: P runs the matrix and shows it as a heat map filling as pairs end;
 * m switches latency, bandwidth, and back to the panes. */
static void test_matrix_heatmap(void **state)
{
	(void)state;
	session_t s;
	nodes(&s);
	h_node(&s, "producer", "i-0c1d2e3f405162738", "running", "3.91.20.15", "10.0.1.24", "Online");
	h_node(&s, "consumer", "i-0d2e3f40516273849", "running", "3.91.20.16", "10.0.1.25", "Online");
	struct sess_matrix *m = &s.matrix;
	m->n = 4;
	m->running = 1;
	static const struct { int a, b; sess_pair_state_t st; double lat, bw; } cells[] = {
		{ 0, 1, PAIR_OK, 6.12, 9812 }, { 0, 2, PAIR_OK, 7.4, 6120 }, { 0, 3, PAIR_OK, 25.3, 2100 },
		{ 1, 2, PAIR_FAILED, NAN, NAN }, { 1, 3, PAIR_RUNNING, 0, 0 }, { 2, 3, PAIR_NOT_RUN, 0, 0 },
	};
	for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
		m->state[cells[i].a][cells[i].b] = (unsigned char)cells[i].st;
		m->lat_usec[cells[i].a][cells[i].b] = cells[i].lat;
		m->bw_mb_s[cells[i].a][cells[i].b] = cells[i].bw;
	}
	ui_t *ui = h_open(&s, 80, 24, 0);
	m->running = 0;
	h_keys(ui, "P");
	assert_string_equal(h_calls, "pingpong_matrix\n");
	m->running = 1;
	assert_int_equal(view_nodes_matrix_mode(ui), 1);
	h_assert_screen(ui, "nodes_matrix_latency_80x24");
	h_keys(ui, "m");
	h_assert_screen(ui, "nodes_matrix_bandwidth_80x24");
	h_calls[0] = 0;
	h_keys(ui, "P"); /* one is running: refused */
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 22), "A ping-pong is already running.");
	h_keys(ui, "m");
	assert_int_equal(view_nodes_matrix_mode(ui), 0);
	assert_true(h_find_col(ui, 1, "Node1 producer") >= 0); /* the panes again */
	h_close(ui);
	h_session_free(&s);

	/* Sixteen nodes fit 80 columns: numbers shortened to the cell */
	h_session_init(&s);
	s.phase = SESS_READY;
	for (int i = 0; i < 16; i++) {
		char id[32];
		snprintf(id, sizeof id, "i-0a1b2c3d4e5f607%02d", i);
		h_node(&s, "producer", id, "running", "3.91.20.14", "10.0.1.23", "Online");
	}
	s.matrix.n = 16;
	s.matrix.state[0][15] = PAIR_OK;
	s.matrix.lat_usec[0][15] = 6.1;
	s.matrix.bw_mb_s[0][15] = 12345;
	ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "mm");
	assert_int_equal(h_find_col(ui, 19, "Node16"), 0);
	assert_true(h_find_col(ui, 19, " 12k") > 0);
	assert_true(h_find_col(ui, 4, " 12k") > 0);
	h_close(ui);
	h_session_free(&s);

	/* Two nodes: no matrix to map */
	nodes(&s);
	ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "mP");
	assert_int_equal(view_nodes_matrix_mode(ui), 0);
	assert_string_equal(h_calls, "");
	assert_string_equal(h_row(ui, 22), "The matrix is for three nodes or more; with two, p runs their ping-pong.");
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nodes_120x40),
		cmocka_unit_test(test_setup_section),
		cmocka_unit_test(test_setup_keys),
		cmocka_unit_test(test_verify_when_ready),
		cmocka_unit_test(test_nodes_80x24_tabs_and_zoom),
		cmocka_unit_test(test_follow_mode),
		cmocka_unit_test(test_keys_run_checks_and_pingpong),
		cmocka_unit_test(test_output_filter),
		cmocka_unit_test(test_pingpong_error),
		cmocka_unit_test(test_connect_commands),
		cmocka_unit_test(test_connect_commands_16_nodes_long_region),
		cmocka_unit_test(test_matrix_heatmap),
	};
	return cmocka_run_group_tests_name("ui_nodes", tests, NULL, NULL);
}

/* The nodes view tells the truth (issue 14, items 2, 3, 12, 13, 16): nodes whose stack
 * was deleted say so and offer nothing that would fail; the mark beside a node's name is
 * its health as the EFA checks say, its SSM state is in words; what the panes cut can be
 * read in full (Enter), long lists say where they are, no field is cut inside an address;
 * y copies with OSC 52 (the bytes checked through the clipboard's writer); the check
 * script's framing lines show as section titles. */
#include "ui_harness.h"

#include "ui/clipboard.h"
#include "ui/draw.h"
#include "ui/view_nodes.h"

static void two_nodes(session_t *s)
{
	h_session_init(s);
	s->phase = SESS_READY;
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_COMPLETE");
	sess_node_t *a = h_node(s, "producer", "i-0a1b2c3d4e5f60718", "running", "3.91.20.14", "10.0.1.23", "Online");
	sess_node_t *b = h_node(s, "consumer", "i-0f9e8d7c6b5a40312", "running", "54.164.7.201", "10.0.1.87", "Online");
	h_check(a, "EFA PCI device", CHK_PASS, "1 device: 0000:00:06.0 Amazon.com, Inc. Elastic Fabric Adapter (EFA)");
	h_check(a, "efa kernel module", CHK_PASS, "efa 2.17.3g loaded");
	h_check(b, "EFA PCI device", CHK_PASS, "1 device: 0000:00:06.0 Amazon.com, Inc. Elastic Fabric Adapter (EFA)");
	h_check(b, "efa kernel module", CHK_FAIL, "not loaded (modinfo efa: module not found)");
}

/* Item 2: after DELETE_COMPLETE the session marks the nodes terminated (test_session_nodes.c);
 * the view shows it and refuses the node actions in one sentence, without calling them. */
static void test_deleted_stack_nodes(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	s.phase = SESS_DELETED;
	snprintf(s.stack_status, sizeof s.stack_status, "DELETE_COMPLETE");
	for (size_t i = 0; i < s.nnodes; i++) {
		snprintf(s.nodes[i].instance_state, sizeof s.nodes[i].instance_state, "terminated");
		s.nodes[i].ssm_status[0] = 0;
	}
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_NODES);
	int y = h_find_row(ui, "terminated", "pub 3.91.20.14");
	assert_true(y > 0);
	assert_true(h_find_row(ui, "no SSM (instance gone)", NULL) > 0);
	assert_int_equal(h_find_row(ui, "SSM online", NULL), -1);
	assert_int_equal(h_find_row(ui, "SSM Online", NULL), -1);
	/* no green mark: the tabs say nothing about a health they cannot know */
	assert_string_equal(h_row(ui, 1), " Node1 producer -  Node2 consumer -");
	const char *hints = h_row(ui, 23);
	assert_null(strstr(hints, "c Check"));
	assert_null(strstr(hints, "p Ping-pong"));
	h_keys(ui, "c");
	h_keys(ui, "p");
	h_keys(ui, ":check 2\r");
	assert_null(strstr(h_calls, "node_check"));
	assert_null(strstr(h_calls, "pingpong"));
	assert_string_equal(h_row(ui, 22), "The stack was deleted and its nodes with it: deploy a new one (w).");
	h_keys(ui, "y");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_non_null(strstr(ui->dlg.text, "Node1: terminated, nothing to connect to."));
	assert_null(strstr(ui->dlg.text, "start-session"));
	h_keys(ui, "\r");
	h_keys(ui, "f"); /* no port forward to a terminated instance */
	assert_int_equal(view_nodes_forward_pid(ui, 0), 0);
	assert_string_equal(h_row(ui, 22), "Node1 is terminated: there is nothing to forward.");
	h_close(ui);

	/* while the delete runs: refused too */
	s.phase = SESS_DELETING;
	snprintf(s.nodes[0].instance_state, sizeof s.nodes[0].instance_state, "running");
	ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_NODES);
	h_keys(ui, "c");
	assert_null(strstr(h_calls, "node_check"));
	assert_string_equal(h_row(ui, 22), "The stack is being deleted: nothing more is sent to its nodes.");
	h_close(ui);
	h_session_free(&s);
}

/* Item 3: the mark beside a node's name is its health as its checks say; SSM in words. */
static void test_health_mark(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	h_node(&s, "producer", "i-0c0c0c0c0c0c0c0c0", "running", "3.91.20.15", "10.0.1.24", "ConnectionLost");
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_NODES);
	/* node 1 passed all, node 2 failed one, node 3 has not run them (yet Online would be green) */
	assert_string_equal(h_row(ui, 1), " Node1 producer +  Node2 consumer x  Node3 producer .");
	int x2 = h_find_col(ui, 1, "consumer x") + 9, x1 = h_find_col(ui, 1, "producer +") + 9;
	assert_int_equal(h_attr(ui, 1, x1) & A_COLOR, theme_attr(ROLE_OK) & A_COLOR);
	assert_int_equal(h_attr(ui, 1, x2) & A_COLOR, theme_attr(ROLE_FAIL) & A_COLOR);
	assert_true(h_find_row(ui, "SSM online", NULL) > 0);
	h_keys(ui, "ll");
	assert_true(h_find_row(ui, "SSM connection lost", NULL) > 0);
	s.nodes[0].checks_running = 1;
	ui_changed(ui, SESS_CH_NODES);
	assert_int_equal(h_find_col(ui, 1, "producer +"), -1); /* running: a spinner, not a verdict */
	h_close(ui);
	h_session_free(&s);
}

/* Item 12: what the pane cuts is readable in full with Enter. */
static void test_details_in_full(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	ui_t *ui = h_open(&s, 50, 14, 0);
	ui_show(ui, UI_NODES);
	assert_int_equal(h_find_row(ui, "Elastic Fabric Adapter (EFA)", NULL), -1); /* cut here */
	h_keys(ui, "\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.title, "Node1 producer");
	assert_non_null(strstr(ui->dlg.text, "Instance i-0a1b2c3d4e5f60718: running"));
	assert_non_null(strstr(ui->dlg.text, "Public 3.91.20.14, private 10.0.1.23"));
	assert_non_null(strstr(ui->dlg.text, "SSM online (PingStatus Online)"));
	assert_non_null(strstr(ui->dlg.text,
	                       "EFA PCI device: 1 device: 0000:00:06.0 Amazon.com, Inc. Elastic Fabric Adapter (EFA)"));
	h_keys(ui, "\r");
	snprintf(s.nodes[1].pp.error, sizeof s.nodes[1].pp.error, "client on i-0f9e8d7c6b5a40312 failed (exit 101): "
	         "[error] util/pingpong.c:408 : failed to connect: Network is unreachable");
	h_keys(ui, "l\r");
	assert_non_null(strstr(ui->dlg.text, "efa kernel module: not loaded (modinfo efa: module not found)"));
	assert_non_null(strstr(ui->dlg.text, "Ping-pong failed: client on i-0f9e8d7c6b5a40312 failed (exit 101): "
	                                     "[error] util/pingpong.c:408 : failed to connect: Network is unreachable"));
	h_close(ui);
	h_session_free(&s);
}

/* Item 12: no field is cut inside an address or a state at small sizes: a field that does
 * not fit goes to the next line (or to Enter's details), whole. */
static void test_small_sizes_cut_no_field(void **state)
{
	(void)state;
	static const int sizes[][2] = { { 40, 10 }, { 50, 14 }, { 60, 20 }, { 80, 24 } };
	static const char *const fields[] = { "3.91.20.14", "10.0.1.23", "SSM online" };
	for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
		session_t s;
		two_nodes(&s);
		ui_t *ui = h_open(&s, sizes[z][0], sizes[z][1], 0);
		ui_show(ui, UI_NODES);
		for (int y = 0; y < sizes[z][1]; y++) {
			const char *row = h_row(ui, y);
			assert_true(draw_width(row) <= sizes[z][0]);
			for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
				/* a field's first half shown means the whole field is */
				char half[16];
				snprintf(half, sizeof half, "%.*s", (int)strlen(fields[f]) / 2 + 1, fields[f]);
				if (strstr(row, half) && !strstr(row, fields[f]))
					fail_msg("%dx%d row %d cuts \"%s\": %s", sizes[z][0], sizes[z][1], y, fields[f], row);
			}
		}
		if (sizes[z][0] >= 50) assert_true(h_find_row(ui, "SSM online", NULL) > 0);
		h_close(ui);
		h_session_free(&s);
	}
}

/* Item 12: the output and the checks say where they are when they do not all show. */
static void test_position_indicators(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	for (int i = 1; i <= 20; i++) {
		char line[32];
		snprintf(line, sizeof line, "line %d", i);
		h_line(&s.nodes[0], 64, line);
	}
	for (int i = 0; i < 4; i++) h_check(&s.nodes[0], "more", CHK_PASS, "ok");
	ui_t *ui = h_open(&s, 80, 16, 0);
	ui_show(ui, UI_NODES);
	int y = h_find_row(ui, "Output", "of 20, following");
	assert_true(y > 0);
	assert_non_null(strstr(h_row(ui, y), "-20 of 20, following"));
	h_keys(ui, "k");
	y = h_find_row(ui, "Output", "of 20, paused, 1 more below (F follows)");
	assert_true(y > 0);
	assert_true(h_find_row(ui, "EFA checks", "passed, 1-") > 0);
	assert_true(h_find_row(ui, "EFA checks", " of 6 (Enter: all)") > 0);
	h_close(ui);
	h_session_free(&s);
}

/* Item 12: more tabs than the width: the selected one stays in view and the row says
 * where it is ("12 of 16"). */
static void test_tabs_position(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	s.phase = SESS_READY;
	for (int i = 0; i < 16; i++) {
		char id[32];
		snprintf(id, sizeof id, "i-0a1b2c3d4e5f607%02d", i);
		h_node(&s, i % 2 ? "consumer" : "producer", id, "running", "3.91.20.14", "10.0.1.23", "Online");
	}
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_NODES);
	const char *row = h_row(ui, 1);
	assert_non_null(strstr(row, " Node1 producer "));
	assert_true(strlen(row) >= 8 && strcmp(row + strlen(row) - 8, " 1 of 16") == 0);
	h_keys(ui, ":node 12\r");
	row = h_row(ui, 1);
	assert_non_null(strstr(row, " Node12 consumer "));
	assert_true(strcmp(row + strlen(row) - 9, " 12 of 16") == 0);
	assert_true(draw_width(row) <= 80);
	int x = h_find_col(ui, 1, "Node11 producer");
	assert_true(x >= 0);
	ui_click(ui, 1, x);
	assert_int_equal(view_nodes_selected(ui), 10);
	h_close(ui);
	h_session_free(&s);
}

/* ---- item 13: y copies with OSC 52 */

static char osc[1024];
static size_t nosc;

static int capture(void *ud, const char *bytes, size_t n)
{
	(void)ud;
	assert_true(nosc + n < sizeof osc);
	memcpy(osc + nosc, bytes, n);
	nosc += n;
	osc[nosc] = 0;
	return 0;
}

static void test_osc52_allowed(void **state)
{
	(void)state;
	assert_int_equal(clipboard_osc52_allowed("xterm-256color", NULL, NULL), 1);
	assert_int_equal(clipboard_osc52_allowed("tmux-256color", NULL, NULL), 1);
	assert_int_equal(clipboard_osc52_allowed("screen", NULL, NULL), 1);
	assert_int_equal(clipboard_osc52_allowed("linux", NULL, NULL), 0);
	assert_int_equal(clipboard_osc52_allowed("dumb", NULL, NULL), 0);
	assert_int_equal(clipboard_osc52_allowed(NULL, NULL, NULL), 0);
	assert_int_equal(clipboard_osc52_allowed("vt100", "/tmp/tmux-1000/default,1,0", NULL), 1);
	assert_int_equal(clipboard_osc52_allowed("xterm", NULL, "off"), 0);
	assert_int_equal(clipboard_osc52_allowed("linux", NULL, "osc52"), 1);
}

static void test_y_copies_with_osc52(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	clipboard_set_writer(capture, NULL);
	setenv("NIXL_TUI_CLIPBOARD", "osc52", 1);
	nosc = 0;
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui_show(ui, UI_NODES);
	h_keys(ui, "y");
	/* base64 of "aws ssm start-session --target i-0a1b2c3d4e5f60718 --region us-east-1"
	 * (the harness's command), computed with Python's base64.b64encode */
	assert_string_equal(osc, "\033]52;c;YXdzIHNzbSBzdGFydC1zZXNzaW9uIC0tdGFyZ2V0IGktMGExYjJjM2Q0ZTVmNjA3MTgg"
	                         "LS1yZWdpb24gdXMtZWFzdC0x\a");
	assert_non_null(strstr(ui->dlg.text, "Copied Node1's shell command (OSC 52; tmux needs set-clipboard on)."));
	/* each node's port forward on a local port of its own */
	assert_non_null(strstr(ui->dlg.text, "Node1 MLflow on localhost:5000"));
	assert_non_null(strstr(ui->dlg.text, "Node2 MLflow on localhost:5001"));
	h_keys(ui, "\r");
	/* off: nothing written, the text to select instead */
	setenv("NIXL_TUI_CLIPBOARD", "off", 1);
	nosc = 0;
	osc[0] = 0;
	h_keys(ui, "ly");
	assert_int_equal(nosc, 0);
	assert_non_null(strstr(ui->dlg.text, "Select a command to copy it"));
	assert_non_null(strstr(ui->dlg.text, "Node2 shell:"));
	h_close(ui);
	unsetenv("NIXL_TUI_CLIPBOARD");
	clipboard_set_writer(NULL, NULL);
	h_session_free(&s);
}

/* Item 16: the check script's framing lines show as section titles; a section that
 * failed says its exit status; the markers themselves never show (nor match a filter). */
static void test_section_titles(void **state)
{
	(void)state;
	session_t s;
	two_nodes(&s);
	/* the framing as src/efa/scripts/efa_check.sh prints it; the modinfo line is what
	 * kmod's modinfo prints for a missing module */
	static const char *const out[] = {
		"$ EFA check (lspci, lsmod/modinfo efa, fi_info -p efa, /dev/infiniband, ip, GPUs)",
		"===NIXL-EFA-CHECK v1===",
		"===NIXL-SECTION lspci===",
		"00:06.0 Ethernet controller: Amazon.com, Inc. Elastic Fabric Adapter (EFA)",
		"===NIXL-END rc=0===",
		"===NIXL-SECTION modinfo===",
		"modinfo: ERROR: Module efa not found.",
		"===NIXL-END rc=1===",
		"===NIXL-SECTION some_new_probe===",
		"===NIXL-END rc=0===",
		"===NIXL-EFA-CHECK done===",
	};
	for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) h_line(&s.nodes[0], 64, out[i]);
	ui_t *ui = h_open(&s, 100, 30, 0);
	ui_show(ui, UI_NODES);
	h_keys(ui, "z");
	assert_int_equal(h_find_row(ui, "NIXL", NULL), -1);
	assert_true(h_find_row(ui, "-- PCI devices (lspci) --", NULL) > 0);
	assert_true(h_find_row(ui, "-- the efa module (modinfo efa) --", NULL) > 0);
	assert_true(h_find_row(ui, "(exit status 1)", NULL) > 0);
	assert_true(h_find_row(ui, "-- some_new_probe --", NULL) > 0);
	assert_true(h_find_row(ui, "-- EFA check done --", NULL) > 0);
	assert_true(h_find_row(ui, "Output", "1-9 of 9, following") > 0); /* two rc=0 ends hidden */
	h_keys(ui, "/NIXL\r");
	assert_true(h_find_row(ui, "Output /NIXL", "0 lines") > 0);
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deleted_stack_nodes),
		cmocka_unit_test(test_health_mark),
		cmocka_unit_test(test_details_in_full),
		cmocka_unit_test(test_small_sizes_cut_no_field),
		cmocka_unit_test(test_position_indicators),
		cmocka_unit_test(test_tabs_position),
		cmocka_unit_test(test_osc52_allowed),
		cmocka_unit_test(test_y_copies_with_osc52),
		cmocka_unit_test(test_section_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

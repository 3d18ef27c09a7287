/* The action table: key dispatch, the hint bar per screen and with --read-only, the
 * help screen and the README key list generated from it, `:` commands, quit, Esc,
 * the filter line, mouse clicks; and the frame discipline (nothing drawn or scheduled
 * when nothing changes, resize, the dump hook). */
#include "ui_harness.h"

#include <unistd.h>

#include "ui/action.h"
#include "ui/view_nodes.h"
#include "ui/view_stack.h"

#define T0 ((time_t)1772445600)

static void stack_with_nodes(session_t *s, sess_phase_t phase)
{
	h_session_init(s);
	s->phase = phase;
	snprintf(s->stack_status, sizeof s->stack_status, "%s",
	         phase == SESS_CREATING ? "CREATE_IN_PROGRESS" : "CREATE_COMPLETE");
	s->started_ms = h_now - 30000;
	if (phase != SESS_CREATING) s->finished_ms = h_now - 1000;
	s->total_resources = 2;
	s->completed = phase == SESS_CREATING ? 1 : 2;
	h_resource(s, "SecurityGroup", "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "Node1", "AWS::EC2::Instance", s->completed == 2 ? "CREATE_COMPLETE" : "CREATE_IN_PROGRESS",
	           s->completed == 2 ? RES_DONE : RES_IN_PROGRESS, "", 0);
	h_event(s, T0, "SecurityGroup", "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", "");
	h_event(s, T0 + 5, "Node1", "AWS::EC2::Instance", "CREATE_IN_PROGRESS", "Resource creation Initiated");
	if (phase == SESS_READY) {
		h_node(s, "producer", "i-0a1b2c3d4e5f60718", "running", "3.91.20.14", "10.0.1.23", "Online");
		h_node(s, "consumer", "i-0f9e8d7c6b5a40312", "running", "54.164.7.201", "10.0.1.87", "Online");
	}
}

static void test_hint_bars(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_string_equal(h_row(ui, 39), "? Help  / Filter  F Follow  Tab Node  c Check  p Ping-pong  z Zoom  y Connect  : Cmd  s Stack  D Destroy  q Quit");
	h_keys(ui, "s");
	assert_string_equal(h_row(ui, 39), "? Help  / Filter  F Follow  Tab Pane  Enter Details  : Cmd  n Nodes  D Destroy  q Quit");
	h_keys(ui, ":");
	assert_string_equal(h_row(ui, 39), "Enter Run  Tab Complete  Esc Cancel");
	assert_string_equal(h_row(ui, 38), ":");
	ui_key(ui, 27);
	h_keys(ui, "?");
	assert_string_equal(h_row(ui, 39), "Esc Close");
	h_close(ui);

	/* Narrow: what does not fit goes, Help and Quit stay. */
	ui = h_open(&s, 80, 24, 0);
	assert_string_equal(h_row(ui, 23), "? Help  / Filter  F Follow  Tab Node  c Check  p Ping-pong  z Zoom  q Quit");
	h_close(ui);

	/* Read-only hides what creates, deletes or buys. */
	ui = h_open(&s, 120, 40, 1);
	assert_string_equal(h_row(ui, 39), "? Help  / Filter  F Follow  Tab Node  c Check  p Ping-pong  z Zoom  y Connect  : Cmd  s Stack  q Quit");
	assert_string_equal(h_row(ui, 0), " nixl-tui  profile default  region us-east-1  account 123456789012  endpoint 127.0.0.1:4566   SANDBOX   READ-ONLY");
	h_close(ui);
	h_session_free(&s);
}

static void test_read_only_refuses(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 1);
	h_keys(ui, "D");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_row(ui, 38), "Read-only: destroy is turned off (--read-only).");
	h_keys(ui, ":destroy\r");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_row(ui, 38), "Read-only: destroy is turned off (--read-only).");
	/* Completion does not offer it either. */
	h_keys(ui, ":dest\t");
	assert_string_equal(ui->prompt.buf, "dest");
	assert_string_equal(h_calls, "");
	h_close(ui);
	h_session_free(&s);
}

static void test_help_screen(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "?");
	assert_int_equal(ui->modal, UI_MODAL_HELP);
	h_assert_screen(ui, "help_120x40");
	h_keys(ui, "G");
	h_assert_screen(ui, "help_120x40_end");
	h_keys(ui, "q"); /* q closes help, it does not quit */
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_int_equal(ui->quit, 0);
	h_close(ui);
	ui = h_open(&s, 80, 24, 1);
	h_keys(ui, "?");
	h_assert_screen(ui, "help_80x24_read_only");
	h_close(ui);
	h_session_free(&s);
}

static char *markdown(int read_only)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	action_write_markdown(f, read_only);
	fclose(f);
	return buf;
}

static void test_markdown_key_list(void **state)
{
	(void)state;
	char *md = markdown(0);
	assert_non_null(strstr(md, "### Everywhere\n\n| Keys | Command | What it does |\n|---|---|---|\n"
	                           "| `?` `F1` | `:help` | show every key and command |\n"));
	assert_non_null(strstr(md, "| `D` | `:destroy` | delete the stack (asks for its name) (hidden with `--read-only`) |\n"));
	assert_non_null(strstr(md, "| `p` | `:pingpong [SERVER CLIENT]` | fi_pingpong: the selected node is the client, the next one the server |\n"));
	assert_non_null(strstr(md, "| `k` `Up` |  | move up (scrolling a log up pauses follow) |\n"));
	/* Every action with a key is in the list. */
	for (size_t i = 0; i < action_count; i++) {
		char needle[160];
		snprintf(needle, sizeof needle, "| %s%s |", action_table[i].help,
		         action_table[i].flags & ACT_DANGEROUS ? " (hidden with `--read-only`)" : "");
		assert_non_null(strstr(md, needle));
	}
	char *ro = markdown(1);
	assert_null(strstr(ro, "`:destroy`"));
	assert_null(strstr(ro, "`:deploy`"));
	assert_null(strstr(ro, "`b`"));
	assert_non_null(strstr(ro, ":pingpong"));
	free(md);
	free(ro);
}

static void test_commands(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, ":st\r");
	assert_int_equal(ui->screen, UI_STACK);
	h_keys(ui, ":nod\t");
	assert_string_equal(ui->prompt.buf, "node"); /* node and nodes: as far as they agree */
	h_keys(ui, "s\t");
	assert_string_equal(ui->prompt.buf, "nodes ");
	ui_key(ui, 21); /* ^U */
	h_keys(ui, "node 2\r");
	assert_int_equal(ui->screen, UI_NODES);
	assert_int_equal(view_nodes_selected(ui), 1);
	h_keys(ui, ":xyz\r");
	assert_string_equal(h_row(ui, 38), "Unknown command :xyz (? lists them).");
	h_keys(ui, ":d\r");
	assert_string_equal(h_row(ui, 38), "Ambiguous command :d (? lists them).");
	/* Backspace on an empty command line closes it. */
	h_keys(ui, ":");
	ui_key(ui, 127);
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	h_keys(ui, ":destroy\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(ui->dlg.expect, "nixl-efa-dev-east-1");
	ui_key(ui, 27);
	h_keys(ui, ":q\r");
	assert_int_equal(ui->quit, 1);
	assert_string_equal(h_calls, "detach\n");
	h_close(ui);
	h_session_free(&s);
}

/* q quits at once when nothing runs; while the stack is being created it asks, says the
 * operation keeps running on AWS, and Cancel is focused. */
static void test_quit(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_CREATING);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "q");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_int_equal(ui->quit, 0);
	h_assert_screen(ui, "quit_while_creating_80x24");
	ui_key(ui, '\r');
	assert_int_equal(ui->quit, 0);
	h_keys(ui, "q\t\r");
	assert_int_equal(ui->quit, 1);
	assert_string_equal(h_calls, "detach\n");
	h_close(ui);
	h_session_free(&s);

	stack_with_nodes(&s, SESS_READY);
	ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "q");
	assert_int_equal(ui->quit, 1);
	h_close(ui);
	h_session_free(&s);
}

static void test_escape_goes_back(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_NODES);
	h_keys(ui, "s");
	assert_int_equal(ui->screen, UI_STACK);
	ui_key(ui, 27);
	assert_int_equal(ui->screen, UI_NODES);
	ui_key(ui, 27); /* nothing further back: stays */
	assert_int_equal(ui->screen, UI_NODES);
	/* After a key picked a screen, phase changes no longer move it. */
	s.phase = SESS_DELETING;
	ui_changed(ui, SESS_CH_PHASE);
	assert_int_equal(ui->screen, UI_NODES);
	/* Ready while another screen shows: a flash, not a jump. */
	h_keys(ui, "s");
	s.phase = SESS_READY;
	ui_changed(ui, SESS_CH_PHASE);
	assert_int_equal(ui->screen, UI_STACK);
	assert_string_equal(h_row(ui, 38), "nixl-efa-dev-east-1 is ready: n shows the nodes.");
	h_close(ui);
	h_session_free(&s);
}

/* Re-attach: the first screen follows the phase the session finds. */
static void test_attach_picks_screen(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_int_equal(ui->screen, UI_WIZARD);
	s.phase = SESS_CREATING;
	ui_changed(ui, SESS_CH_PHASE);
	assert_int_equal(ui->screen, UI_STACK);
	h_close(ui);
	h_session_free(&s);
}

static void test_filter_events(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "s\t/node1"); /* / filters the pane with the focus: Tab to the events */
	assert_string_equal(h_row(ui, 38), "/node1");
	int y = h_find_row(ui, "Events 1 matching /node1", NULL);
	assert_true(y > 0);
	assert_string_equal(h_row(ui, y + 1), "10:00:05  Node1          CREATE_IN_PROGRESS  Resource creation Initiated");
	assert_string_equal(h_row(ui, y + 2), "");
	ui_key(ui, 27); /* Esc restores the filter as it was: none */
	assert_true(h_find_row(ui, "Events 2 ", NULL) > 0);
	h_keys(ui, "/group\r");
	assert_true(h_find_row(ui, "Events 1 matching /group", NULL) > 0);
	assert_string_equal(view_stack_filter_of(ui, 1), "group");
	h_close(ui);
	h_session_free(&s);
}

static void test_mouse_clicks(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	/* "D Destroy" in the hint bar. */
	int x = h_find_col(ui, 39, "D Destroy");
	ui_click(ui, 39, x + 3);
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	ui_key(ui, 27);
	/* A click in the second pane selects that node. */
	ui_click(ui, 10, 90);
	assert_int_equal(view_nodes_selected(ui), 1);
	h_close(ui);
	h_session_free(&s);
}

/* Resize at any time: the same session at 80x24 draws as if opened there. */
static void test_resize_reflows(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_CREATING);
	ui_t *ui = h_open(&s, 120, 40, 0);
	char wide[4096];
	snprintf(wide, sizeof wide, "%s", h_row(ui, 2));
	tty_resize(80, 24);
	ui_key(ui, KEY_RESIZE);
	assert_string_equal(h_row(ui, 23), "? Help  / Filter  F Follow  Tab Pane  Enter Details  : Cmd  D Destroy  q Quit");
	assert_int_equal(strlen(h_row(ui, 2)), 80);
	tty_resize(120, 40);
	ui_invalidate(ui);
	assert_string_equal(h_row(ui, 2), wide);
	h_close(ui);
	h_session_free(&s);
}

static int ticks;
static void count_tick(loop_t *l, void *ud) { (void)l; (void)ud; ticks++; }

/* Nothing animates on a finished stack: no frame, no timer. A running one ticks once a
 * second for its elapsed time; a flash wakes the loop once, when it ends. */
static void test_idle_frames(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	ui_t *ui = h_open(&s, 120, 40, 0);
	loop_t *loop = loop_new();
	ui->loop = loop;
	ui_render(ui);
	assert_int_equal(ui->dirty, 0);
	assert_int_equal(ui->timer, 0);
	ui_render(ui);
	assert_int_equal(ui->timer, 0);
	s.phase = SESS_CREATING;
	s.finished_ms = 0;
	ui_changed(ui, SESS_CH_PHASE);
	assert_true(ui->render_timer != 0); /* a burst of changes: one frame on the loop */
	ui_changed(ui, SESS_CH_EVENTS);
	assert_int_equal(loop_run_once(loop, 100), 1);
	assert_int_equal(ui->render_timer, 0);
	assert_int_equal(ui->dirty, 0);
	assert_int_equal(ui->timer_due, s.started_ms + 31000); /* the next whole second of elapsed */
	s.phase = SESS_READY;
	s.finished_ms = h_now;
	snprintf(s.flash, sizeof s.flash, "Throttled by CloudFormation: retrying in 2s");
	s.flash_until_ms = h_now + 2500;
	ui_changed(ui, SESS_CH_FLASH | SESS_CH_PHASE);
	ui_render(ui);
	assert_int_equal(ui->timer_due, h_now + 2500);
	assert_string_equal(h_row(ui, 38), "Throttled by CloudFormation: retrying in 2s");
	h_now += 2500;
	ui_invalidate(ui);
	assert_string_equal(h_row(ui, 38), "");
	assert_int_equal(ui->timer, 0);
	loop_timer_add(loop, 0, count_tick, NULL);
	loop_run_once(loop, 0);
	assert_int_equal(ticks, 1); /* only the test's own timer was pending */
	/* A lookup in flight: the spinner turns on the loop until it ends. */
	s.lookup.busy = 1;
	ui_changed(ui, SESS_CH_LOOKUP);
	loop_run_once(loop, 0);
	assert_string_equal(h_row(ui, 38), "| Asking AWS...");
	assert_int_equal(ui->timer_due, h_now + 120);
	h_now += 120;
	assert_int_equal(loop_run_once(loop, 1000), 1);
	assert_string_equal(h_row(ui, 38), "/ Asking AWS...");
	s.lookup.busy = 0;
	ui_changed(ui, SESS_CH_LOOKUP);
	loop_run_once(loop, 0);
	assert_int_equal(ui->timer, 0);
	ui->loop = NULL;
	loop_free(loop);
	h_close(ui);
	h_session_free(&s);
}

/* A deployment stopped in preflight created no stack: nothing to destroy, the wizard
 * is open again. */
static void test_preflight_failure_has_no_stack(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	s.phase = SESS_FAILED;
	h_step(&s, "AMI", STEP_FAILED, "The AMI parameter does not exist in us-east-1");
	snprintf(s.root_cause, sizeof s.root_cause, "The AMI parameter does not exist in us-east-1");
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_STACK);
	assert_string_equal(h_row(ui, 39), "? Help  / Filter  F Follow  : Cmd  w Wizard  q Quit");
	h_keys(ui, "D");
	assert_string_equal(h_row(ui, 38), "There is no stack to destroy.");
	h_keys(ui, "w");
	assert_int_equal(ui->screen, UI_WIZARD);
	h_close(ui);
	h_session_free(&s);
}

/* NO_COLOR / monochrome: the same meanings with attributes only. */
static void test_monochrome(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	snprintf(s.resources[1].status, sizeof s.resources[1].status, "CREATE_FAILED");
	ui_t *ui = h_open(&s, 120, 40, 0);
	theme_init(0);
	ui_invalidate(ui);
	h_keys(ui, "s");
	int y = h_find_row(ui, "Node1 ", "CREATE_FAILED");
	attr_t a = h_attr(ui, y, h_find_col(ui, y, "CREATE_FAILED"));
	assert_int_equal(PAIR_NUMBER(a), 0);
	assert_true(a & A_UNDERLINE);
	assert_true(a & A_BOLD);
	assert_true(h_attr(ui, 0, 3) & A_REVERSE); /* the status line */
	theme_init(1);
	h_close(ui);
	h_session_free(&s);
}

/* NIXL_TUI_DUMP: every frame replaces the file with the screen as text. */
static void test_dump_file(void **state)
{
	(void)state;
	session_t s;
	stack_with_nodes(&s, SESS_READY);
	char path[] = "/tmp/nixl-ui-dump-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	ui_t *ui = h_open(&s, 80, 24, 0);
	ui->opt.dump_path = path;
	ui_render(ui);
	size_t len = 0;
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *text = NULL;
	assert_true(getdelim(&text, &len, 0, f) > 0);
	fclose(f);
	int lines = 0;
	for (char *p = text; *p; p++) lines += *p == '\n';
	assert_int_equal(lines, 24);
	assert_non_null(strstr(text, "Node1 producer i-0a1b2c3d4e5f60718"));
	h_keys(ui, "s");
	ui_render(ui);
	f = fopen(path, "r");
	assert_true(getdelim(&text, &len, 0, f) > 0);
	fclose(f);
	assert_non_null(strstr(text, "Ready nixl-efa-dev-east-1"));
	free(text);
	unlink(path);
	h_close(ui);
	h_session_free(&s);
}

/* The whole screen after keys sent to a fresh console, before its first frame (early)
 * or after it. */
static char *screen_after_keys(session_t *s, const int *keys, size_t n, int early)
{
	ui_t *ui = h_open(s, 80, 24, 0);
	if (!early) ui_render(ui);
	for (size_t i = 0; i < n; i++) ui_key(ui, keys[i]);
	char *got = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&got, &len);
	assert_non_null(m);
	assert_int_equal(ui_dump(ui, m), 0);
	fclose(m);
	h_close(ui);
	return got;
}

/* Keys act on laid-out geometry even before the first frame: a page is a page, not one
 * row, and a list scrolled to its end stays there (the views' layout runs before every
 * key, not only when drawing). */
static void check_early_keys(session_t *s, const int *keys, size_t n)
{
	char *none = screen_after_keys(s, keys, 0, 0);
	char *early = screen_after_keys(s, keys, n, 1), *late = screen_after_keys(s, keys, n, 0);
	assert_string_not_equal(late, none); /* the keys move something */
	assert_string_equal(early, late);
	free(none);
	free(early);
	free(late);
}

static void test_keys_before_first_frame(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	s.phase = SESS_CREATING;
	snprintf(s.stack_status, sizeof s.stack_status, "CREATE_IN_PROGRESS");
	s.total_resources = 30;
	for (int i = 0; i < 30; i++) {
		char lid[32];
		snprintf(lid, sizeof lid, "Resource%02d", i);
		h_resource(&s, lid, "AWS::EC2::Instance", "CREATE_IN_PROGRESS", RES_IN_PROGRESS, "", 0);
		h_event(&s, T0 + i, lid, "AWS::EC2::Instance", "CREATE_IN_PROGRESS", "");
	}
	/* the resources' selection, two pages down; the events, a page up from their tail */
	check_early_keys(&s, (const int[]){ KEY_NPAGE, KEY_NPAGE }, 2);
	check_early_keys(&s, (const int[]){ '\t', KEY_PPAGE }, 2);
	/* help, a page down */
	check_early_keys(&s, (const int[]){ '?', KEY_NPAGE }, 2);
	h_session_free(&s);
	/* a node's output, a page up from its tail */
	stack_with_nodes(&s, SESS_READY);
	for (int i = 1; i <= 60; i++) {
		char line[32];
		snprintf(line, sizeof line, "output line %d", i);
		h_line(&s.nodes[0], 64, line);
	}
	check_early_keys(&s, (const int[]){ KEY_PPAGE }, 1);
	h_session_free(&s);
	/* the wizard's instance types, to the end and one up */
	h_session_init(&s);
	check_early_keys(&s, (const int[]){ 'G', 'k' }, 2);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hint_bars),
		cmocka_unit_test(test_read_only_refuses),
		cmocka_unit_test(test_help_screen),
		cmocka_unit_test(test_markdown_key_list),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_quit),
		cmocka_unit_test(test_escape_goes_back),
		cmocka_unit_test(test_attach_picks_screen),
		cmocka_unit_test(test_filter_events),
		cmocka_unit_test(test_mouse_clicks),
		cmocka_unit_test(test_resize_reflows),
		cmocka_unit_test(test_idle_frames),
		cmocka_unit_test(test_preflight_failure_has_no_stack),
		cmocka_unit_test(test_monochrome),
		cmocka_unit_test(test_dump_file),
		cmocka_unit_test(test_keys_before_first_frame),
	};
	return cmocka_run_group_tests_name("ui_keys", tests, NULL, NULL);
}

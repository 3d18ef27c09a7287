/* Issue 14, "a console people trust": every figure on the console true. A deploy refused
 * over a rolled-back stack says so (item 6); the review names a -c flag once and an empty
 * volume field is not "volumeSize 0" (item 6); messages end with their moment (item 5).
 * Screens through the dump hook. */
#include "ui_harness.h"

#include "ui/view_wizard.h"

enum { MSG_ROW = 38 };

static void stack_of(session_t *s, sess_phase_t phase, const char *status)
{
	h_session_init(s);
	s->phase = phase;
	snprintf(s->stack_status, sizeof s->stack_status, "%s", status);
	snprintf(s->stack_id, sizeof s->stack_id, "arn:aws:cloudformation:us-east-1:123456789012:stack/%s/1", s->stack_name);
	s->started_ms = h_now - 61000;
}

/* Item 6: "A stack is deployed" was said of a stack that rolled back. */
static void test_rolled_back_stack_blocks_deploy(void **state)
{
	(void)state;
	session_t s;
	stack_of(&s, SESS_FAILED, "ROLLBACK_COMPLETE");
	h_resource(&s, "A", "AWS::EC2::SecurityGroup", "DELETE_COMPLETE", RES_DELETED, "", 0);
	s.total_resources = 1;
	s.finished_ms = h_now;
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "w");
	assert_string_equal(h_row(ui, MSG_ROW), "The stack nixl-efa-dev-east-1 rolled back but still exists "
	                    "(ROLLBACK_COMPLETE): destroy it (D) before deploying another.");
	h_close(ui);
	snprintf(s.stack_status, sizeof s.stack_status, "CREATE_COMPLETE");
	s.phase = SESS_READY;
	ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "w");
	assert_string_equal(h_row(ui, MSG_ROW), "A stack is deployed: destroy it (D) before deploying another.");
	h_close(ui);
	h_session_free(&s);
}

/* Item 5: "Type ... exactly to confirm." stayed through a whole deletion. */
static void test_dialog_message_ends_with_the_dialog(void **state)
{
	(void)state;
	session_t s;
	stack_of(&s, SESS_READY, "CREATE_COMPLETE");
	h_resource(&s, "A", "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	s.total_resources = 1;
	s.finished_ms = h_now;
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "sDnixl-efa-dev-east-2\t\r");
	assert_string_equal(h_row(ui, MSG_ROW), "Type nixl-efa-dev-east-1 exactly to confirm.");
	ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "1\r");
	assert_string_equal(h_calls, "teardown\n");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_row(ui, MSG_ROW), "");
	h_close(ui);
	h_session_free(&s);
}

/* Item 5: "gp3 volumes are 1 to 16384 GiB." stayed on the Capacity panel; item 6: an
 * empty volume field said "volumeSize 0 is outside ...". */
static void test_volume_messages(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	config_free(&h_cfg);
	config_init(&h_cfg);
	config_set(&h_cfg, "environment", "dev", CONFIG_SRC_CDK_JSON, "./cdk.json", NULL);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "/p5\r\r");
	assert_int_equal(ui->wiz->panel, WIZ_VOLUME);
	for (int i = 0; i < 5; i++) ui_key(ui, KEY_BACKSPACE);
	assert_string_equal(ui->wiz->volume, "");
	assert_int_equal(h_find_row(ui, "volumeSize 0", NULL), -1);
	assert_int_equal(h_find_row(ui, "is outside", NULL), -1);
	assert_true(h_find_row(ui, "Type a size in GiB.", NULL) > 0);
	h_keys(ui, "70000"); /* the last 0 is refused, and said */
	assert_string_equal(ui->wiz->volume, "7000");
	assert_string_equal(h_row(ui, MSG_ROW), "gp3 volumes are 1 to 16384 GiB.");
	h_keys(ui, "\r");
	assert_int_equal(ui->wiz->panel, WIZ_CAPACITY);
	assert_string_equal(h_row(ui, MSG_ROW), "");
	h_close(ui);
	h_session_free(&s);
}

/* Item 6: the review showed "-c flag -c" as the source of a -c key=value. */
static void test_review_names_a_flag_once(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	config_free(&h_cfg);
	config_init(&h_cfg);
	config_set(&h_cfg, "environment", "dev", CONFIG_SRC_FLAG, "-c", NULL);
	config_set(&h_cfg, "volumeSize", "300", CONFIG_SRC_USER_FILE, "/home/ops/.config/nixl-tui/config.json", NULL);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, ":deploy\r");
	assert_int_equal(ui->wiz->panel, WIZ_REVIEW);
	int y = h_find_row(ui, "environment ", "dev");
	assert_true(y > 0);
	assert_non_null(strstr(h_row(ui, y), " -c flag"));
	assert_null(strstr(h_row(ui, y), "-c flag -c"));
	y = h_find_row(ui, "volumeSize ", "300");
	assert_non_null(strstr(h_row(ui, y), "config file /home/ops/.config/nixl-tui/config.json"));
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rolled_back_stack_blocks_deploy),
		cmocka_unit_test(test_dialog_message_ends_with_the_dialog),
		cmocka_unit_test(test_volume_messages),
		cmocka_unit_test(test_review_names_a_flag_once),
	};
	int rc = cmocka_run_group_tests_name("ui_figures", tests, NULL, NULL);
	config_free(&h_cfg);
	return rc;
}

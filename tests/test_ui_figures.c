/* Issue 14, "a console people trust": every figure on the console true. The progress bar
 * counts what AWS reports done in the direction the stack goes (items 1, 14), weighted by
 * typical durations with an estimate of what is left and each resource's own time; the
 * title follows AWS's status (item 6); a deploy refused over a rolled-back stack says so
 * (item 6); the review names a -c flag once and an empty volume field is not "volumeSize
 * 0" (item 6); messages end with their moment (item 5). Screens through the dump hook. */
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

/* The filled cells of the bar on row 2 ('#'), and its width ('#' and '.'). */
static void bar_cells(ui_t *ui, int *filled, int *width)
{
	const char *row = h_row(ui, 2);
	*filled = *width = 0;
	for (const char *p = row; *p == '#' || *p == '.'; p++) {
		(*width)++;
		*filled += *p == '#';
	}
}

/* Item 1: S3 unavailable while emptying the bucket, so teardown fails before DeleteStack:
 * every resource is still CREATE_COMPLETE, whatever count the session kept from the
 * create. The bar said "18/18 deleted"; nothing is deleted. */
static void test_teardown_failed_before_deleting(void **state)
{
	(void)state;
	session_t s;
	stack_of(&s, SESS_DELETE_FAILED, "CREATE_COMPLETE");
	char lid[32];
	for (int i = 0; i < 18; i++) {
		snprintf(lid, sizeof lid, "Resource%02d", i);
		h_resource(&s, lid, "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	}
	s.total_resources = 18;
	s.completed = 18; /* the create's count */
	s.finished_ms = h_now;
	snprintf(s.root_cause, sizeof s.root_cause, "Emptying the scripts bucket: S3 is unavailable.");
	size_t done, total;
	assert_int_equal(session_progress(&s, &done, &total), SESS_DIR_DELETE);
	assert_int_equal(done, 0);
	assert_int_equal(total, 18);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_non_null(strstr(h_row(ui, 2), " 0/18 deleted  1:01"));
	int filled, width;
	bar_cells(ui, &filled, &width);
	assert_int_equal(filled, 0);
	assert_true(width > 50);
	assert_int_equal(strncmp(h_row(ui, 1), "Teardown failed nixl-efa-dev-east-1", 35), 0);
	h_close(ui);
	h_session_free(&s);
}

/* Every direction counts only its own: created, deleted, deleted again in a rollback
 * (out of what AWS started). */
static void test_each_direction(void **state)
{
	(void)state;
	session_t s;
	size_t done, total;
	stack_of(&s, SESS_CREATING, "CREATE_IN_PROGRESS");
	h_resource(&s, "A", "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(&s, "B", "AWS::EC2::SecurityGroup", "CREATE_IN_PROGRESS", RES_IN_PROGRESS, "", 0);
	h_resource(&s, "C", "AWS::EC2::SecurityGroup", "", RES_PENDING, "", 0);
	s.total_resources = 3;
	s.completed = 3;
	assert_int_equal(session_progress(&s, &done, &total), SESS_DIR_CREATE);
	assert_int_equal(done, 1);
	assert_int_equal(total, 3);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_non_null(strstr(h_row(ui, 2), " 1/3 complete  1:01"));
	h_close(ui);

	/* the rollback: B is being deleted, C never started */
	snprintf(s.stack_status, sizeof s.stack_status, "ROLLBACK_IN_PROGRESS");
	snprintf(s.resources[0].status, sizeof s.resources[0].status, "DELETE_COMPLETE");
	snprintf(s.resources[1].status, sizeof s.resources[1].status, "DELETE_IN_PROGRESS");
	assert_int_equal(session_progress(&s, &done, &total), SESS_DIR_ROLLBACK);
	assert_int_equal(done, 1);
	assert_int_equal(total, 2);
	ui = h_open(&s, 120, 40, 0);
	assert_non_null(strstr(h_row(ui, 2), " 1/2 rolled back  1:01"));
	assert_int_equal(strncmp(h_row(ui, 1), "Rolling back nixl-efa-dev-east-1", 32), 0);
	h_close(ui);

	/* a teardown: DELETE_SKIPPED is done too, CREATE_COMPLETE is not */
	s.phase = SESS_DELETING;
	snprintf(s.stack_status, sizeof s.stack_status, "DELETE_IN_PROGRESS");
	snprintf(s.resources[1].status, sizeof s.resources[1].status, "DELETE_SKIPPED");
	snprintf(s.resources[2].status, sizeof s.resources[2].status, "CREATE_COMPLETE");
	assert_int_equal(session_progress(&s, &done, &total), SESS_DIR_DELETE);
	assert_int_equal(done, 2);
	assert_int_equal(total, 3);
	h_session_free(&s);
}

/* Item 6: the title lagged AWS ("Deploying ... ROLLBACK_COMPLETE") while the watch read
 * the last events. */
static void test_title_follows_aws(void **state)
{
	(void)state;
	session_t s;
	stack_of(&s, SESS_CREATING, "ROLLBACK_COMPLETE");
	h_resource(&s, "A", "AWS::EC2::SecurityGroup", "DELETE_COMPLETE", RES_DELETED, "", 0);
	s.total_resources = 1;
	ui_t *ui = h_open(&s, 120, 40, 0);
	const char *row = h_row(ui, 1);
	assert_null(strstr(row, "Deploying"));
	assert_int_equal(strncmp(row, "Rolling back nixl-efa-dev-east-1", 32), 0);
	assert_non_null(strstr(row, "ROLLBACK_COMPLETE"));
	h_close(ui);
	/* once the phase says how it ended, the phase's word */
	s.phase = SESS_FAILED;
	ui = h_open(&s, 120, 40, 0);
	assert_int_equal(strncmp(h_row(ui, 1), "Failed nixl-efa-dev-east-1", 26), 0);
	h_close(ui);
	/* a teardown still checks what is left after DELETE_COMPLETE: not "Deleted" yet */
	s.phase = SESS_DELETING;
	snprintf(s.stack_status, sizeof s.stack_status, "DELETE_COMPLETE");
	ui = h_open(&s, 120, 40, 0);
	assert_int_equal(strncmp(h_row(ui, 1), "Tearing down nixl-efa-dev-east-1", 32), 0);
	h_close(ui);
	h_session_free(&s);
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

/* Item 14: the instance profile alone held a resource-count bar still for two minutes.
 * The bar weighs each resource by its type's typical time, only for what AWS reports
 * complete; the estimate follows the template's dependencies and says it is one; each
 * resource shows its own time. */
static void test_weighted_bar_and_estimate(void **state)
{
	(void)state;
	session_t s;
	stack_of(&s, SESS_CREATING, "CREATE_IN_PROGRESS");
	h_resource(&s, "InstanceRole", "AWS::IAM::Role", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(&s, "InstanceProfile", "AWS::IAM::InstanceProfile", "CREATE_IN_PROGRESS", RES_IN_PROGRESS, "", 0);
	h_resource(&s, "Node1", "AWS::EC2::Instance", "", RES_PENDING, "", 0);
	s.total_resources = 3;
	s.resources[0].started_ms = h_now - 45000; /* took 15 s, as typical */
	s.resources[0].ended_ms = h_now - 30000;
	s.resources[1].started_ms = h_now - 30000; /* 30 s of its 120 */
	s.resources[1].deps[s.resources[1].ndeps++] = 0;
	s.resources[2].deps[s.resources[2].ndeps++] = 1;
	ui_t *ui = h_open(&s, 120, 40, 0);
	/* 90 s of the profile, then 45 s of the instance: 2:15, "~3 min" */
	assert_non_null(strstr(h_row(ui, 2), " 1/3 complete  1:01  ~3 min left"));
	int filled, width;
	bar_cells(ui, &filled, &width);
	/* 15 s of 180 s done: a twelfth, not a third */
	assert_true(filled * 12 >= width - 12 && filled * 12 <= width + 12);
	int y = h_find_row(ui, "InstanceProfile ", "CREATE_IN_PROGRESS");
	assert_true(y > 0);
	assert_non_null(strstr(h_row(ui, y), "CREATE_IN_PROGRESS  30s"));
	y = h_find_row(ui, "InstanceRole ", "CREATE_COMPLETE");
	assert_non_null(strstr(h_row(ui, y), "CREATE_COMPLETE     15s"));
	assert_true(h_find_row(ui, "TIME", "STATUS") > 0);
	/* a minute on: the profile is 90 s in, 30 s left, then the instance */
	h_now += 60000;
	ui_changed(ui, SESS_CH_RESOURCES); /* as the console's tick redraws */
	assert_non_null(strstr(h_row(ui, 2), "  ~2 min left"));
	assert_non_null(strstr(h_row(ui, h_find_row(ui, "InstanceProfile ", NULL)), "CREATE_IN_PROGRESS  1:30"));
	h_now -= 60000;
	h_close(ui);

	/* AWS 60 times faster than typical (the sandbox at --speed 60): the finished ones
	 * scale the estimate, with no special case */
	s.resources[0].started_ms = h_now - 750;
	s.resources[0].ended_ms = h_now - 500;
	s.resources[1].started_ms = h_now - 500;
	ui = h_open(&s, 120, 40, 0);
	assert_non_null(strstr(h_row(ui, 2), "  ~5s left"));
	h_close(ui);

	/* nothing left to estimate once the operation is over */
	s.phase = SESS_FAILED;
	snprintf(s.stack_status, sizeof s.stack_status, "CREATE_FAILED");
	s.finished_ms = h_now;
	ui = h_open(&s, 120, 40, 0);
	assert_null(strstr(h_row(ui, 2), "left"));
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
		cmocka_unit_test(test_teardown_failed_before_deleting),
		cmocka_unit_test(test_each_direction),
		cmocka_unit_test(test_title_follows_aws),
		cmocka_unit_test(test_rolled_back_stack_blocks_deploy),
		cmocka_unit_test(test_weighted_bar_and_estimate),
		cmocka_unit_test(test_dialog_message_ends_with_the_dialog),
		cmocka_unit_test(test_volume_messages),
		cmocka_unit_test(test_review_names_a_flag_once),
	};
	int rc = cmocka_run_group_tests_name("ui_figures", tests, NULL, NULL);
	config_free(&h_cfg);
	return rc;
}

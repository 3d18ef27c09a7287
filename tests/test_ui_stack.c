/* The deployment screen: live resources with change marks, progress, events, the root
 * cause, outputs, node readiness; the teardown dialog and view. Exact screens. */
#include "ui_harness.h"

/* 2026-03-02 10:00:00 UTC */
#define T0 ((time_t)1772445600)

static void creating(session_t *s)
{
	h_session_init(s);
	s->phase = SESS_CREATING;
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_IN_PROGRESS");
	s->started_ms = h_now - 187000; /* 3:07 ago */
	s->total_resources = 14;
	s->completed = 7;
	s->api_calls = 42;
	h_resource(s, "SecurityGroup", "AWS::EC2::SecurityGroup", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "SecurityGroupSelfIngress", "AWS::EC2::SecurityGroupIngress", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "SecurityGroupSelfEgress", "AWS::EC2::SecurityGroupEgress", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "ScriptsBucket", "AWS::S3::Bucket", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "ScriptsBucketPolicy", "AWS::S3::BucketPolicy", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "InstanceRole", "AWS::IAM::Role", "CREATE_COMPLETE", RES_DONE, "", 0);
	h_resource(s, "InstanceProfile", "AWS::IAM::InstanceProfile", "CREATE_IN_PROGRESS", RES_IN_PROGRESS,
	           "Resource creation Initiated", h_now - 2000);
	h_resource(s, "PlacementGroup", "AWS::EC2::PlacementGroup", "CREATE_COMPLETE", RES_DONE, "", h_now - 1000);
	h_resource(s, "Node1Interface", "AWS::EC2::NetworkInterface", "CREATE_IN_PROGRESS", RES_IN_PROGRESS, "", h_now - 500);
	h_resource(s, "Node2Interface", "AWS::EC2::NetworkInterface", "CREATE_IN_PROGRESS", RES_IN_PROGRESS, "", h_now - 9000);
	h_resource(s, "Node1LaunchTemplate", "AWS::EC2::LaunchTemplate", "", RES_PENDING, "", 0);
	h_resource(s, "Node2LaunchTemplate", "AWS::EC2::LaunchTemplate", "", RES_PENDING, "", 0);
	h_resource(s, "Node1", "AWS::EC2::Instance", "", RES_PENDING, "", 0);
	h_resource(s, "Node2", "AWS::EC2::Instance", "", RES_PENDING, "", 0);
	static const char *ev[][3] = {
		{ "nixl-efa-dev-east-1", "CREATE_IN_PROGRESS", "User Initiated" },
		{ "SecurityGroup", "CREATE_IN_PROGRESS", "" },
		{ "ScriptsBucket", "CREATE_IN_PROGRESS", "" },
		{ "InstanceRole", "CREATE_IN_PROGRESS", "" },
		{ "PlacementGroup", "CREATE_IN_PROGRESS", "" },
		{ "SecurityGroup", "CREATE_IN_PROGRESS", "Resource creation Initiated" },
		{ "SecurityGroup", "CREATE_COMPLETE", "" },
		{ "SecurityGroupSelfIngress", "CREATE_COMPLETE", "" },
		{ "SecurityGroupSelfEgress", "CREATE_COMPLETE", "" },
		{ "ScriptsBucket", "CREATE_COMPLETE", "" },
		{ "ScriptsBucketPolicy", "CREATE_COMPLETE", "" },
		{ "InstanceRole", "CREATE_COMPLETE", "" },
		{ "InstanceProfile", "CREATE_IN_PROGRESS", "Resource creation Initiated" },
		{ "PlacementGroup", "CREATE_COMPLETE", "" },
		{ "Node1Interface", "CREATE_IN_PROGRESS", "" },
		{ "Node2Interface", "CREATE_IN_PROGRESS", "" },
	};
	for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
		h_event(s, T0 + (time_t)(i * 7), ev[i][0], "", ev[i][1], ev[i][2]);
}

static void test_creating_120x40(void **state)
{
	(void)state;
	session_t s;
	creating(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	assert_int_equal(ui->screen, UI_STACK); /* re-attach: a stack being created shows here */
	h_assert_screen(ui, "stack_creating_120x40");
	/* Status colours come from the status table: in progress and complete differ. */
	int busy = h_find_row(ui, "InstanceProfile ", "CREATE_IN_PROGRESS");
	int done = h_find_row(ui, "InstanceRole ", "CREATE_COMPLETE");
	assert_int_equal(PAIR_NUMBER(h_attr(ui, busy, h_find_col(ui, busy, "CREATE_"))), ROLE_BUSY);
	assert_int_equal(PAIR_NUMBER(h_attr(ui, done, h_find_col(ui, done, "CREATE_"))), ROLE_OK);
	/* Recently changed rows carry the mark; older changes do not. */
	assert_string_equal(h_row(ui, busy) + 0, "* InstanceProfile           AWS::IAM::InstanceProfile       CREATE_IN_PROGRESS  Resource creation Initiated");
	assert_int_equal(h_row(ui, h_find_row(ui, "Node2Interface ", "AWS::"))[0], ' ');
	h_close(ui);
	h_session_free(&s);
}

static void test_creating_80x24(void **state)
{
	(void)state;
	session_t s;
	creating(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_assert_screen(ui, "stack_creating_80x24");
	h_close(ui);
	h_session_free(&s);
}

#define CAPACITY_REASON \
	"We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you " \
	"requested (us-east-1a). Our system will be working on provisioning additional capacity. " \
	"You can currently get p5.48xlarge capacity by not specifying an Availability Zone in your " \
	"request or choosing us-east-1b, us-east-1c. (Service: Ec2, Status Code: 500, Request ID: " \
	"5c4b1a6e-0f2d-4c53-9a41-7c2f0d8e9b12)"

/* Created up to the instances, then the capacity failure and the rollback. */
static void failed(session_t *s)
{
	creating(s);
	s->phase = SESS_FAILED;
	snprintf(s->stack_status, sizeof s->stack_status, "ROLLBACK_COMPLETE");
	s->finished_ms = s->started_ms + 402000;
	s->completed = 0;
	for (size_t i = 0; i < s->nresources; i++) {
		snprintf(s->resources[i].status, sizeof s->resources[i].status, "DELETE_COMPLETE");
		s->resources[i].state = RES_DELETED;
		s->resources[i].changed_ms = 0;
	}
	sess_resource_t *n1 = &s->resources[12];
	snprintf(n1->status, sizeof n1->status, "CREATE_FAILED");
	n1->state = RES_FAILED;
	snprintf(n1->reason, sizeof n1->reason, "%s", CAPACITY_REASON);
	sess_resource_t *n2 = &s->resources[13];
	snprintf(n2->status, sizeof n2->status, "CREATE_FAILED");
	n2->state = RES_FAILED;
	snprintf(n2->reason, sizeof n2->reason, "Resource creation cancelled");
	h_event(s, T0 + 300, "Node1", "AWS::EC2::Instance", "CREATE_FAILED", CAPACITY_REASON);
	h_event(s, T0 + 301, "Node2", "AWS::EC2::Instance", "CREATE_FAILED", "Resource creation cancelled");
	h_event(s, T0 + 302, "nixl-efa-dev-east-1", "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS",
	        "The following resource(s) failed to create: [Node1, Node2]. Rollback requested by user.");
	h_event(s, T0 + 402, "nixl-efa-dev-east-1", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE", "");
	snprintf(s->root_cause, sizeof s->root_cause, "%s", CAPACITY_REASON);
	snprintf(s->root_cause_resource, sizeof s->root_cause_resource, "Node1");
}

static void test_failed_shows_root_cause(void **state)
{
	(void)state;
	session_t s;
	failed(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_assert_screen(ui, "stack_failed_120x40");
	/* The failed instance's status is drawn in the failure colour, the deleted ones dim. */
	int y = h_find_row(ui, "  Node1  ", "CREATE_FAILED");
	assert_true(y > 0);
	assert_int_equal(PAIR_NUMBER(h_attr(ui, y, h_find_col(ui, y, "CREATE_FAILED"))), ROLE_FAIL);
	y = h_find_row(ui, "  ScriptsBucket  ", "DELETE_COMPLETE");
	assert_true(h_attr(ui, y, h_find_col(ui, y, "DELETE_COMPLETE")) & A_DIM);
	h_close(ui);
	ui = h_open(&s, 80, 24, 0);
	h_assert_screen(ui, "stack_failed_80x24");
	h_close(ui);
	h_session_free(&s);
}

/* CloudFormation's text as a hostile stack could carry it: an OSC 52 clipboard write, a
 * C1 CSI, a bidi override, CR, BS, DEL, a byte that is not UTF-8. */
#define HOSTILE "boom \x1b]52;c;cHduZWQ=\x07 \xc2\x9b" "2J \xe2\x80\xae" "txt \r\b\x7f \xff"

static void test_failure_reason_is_inert(void **state)
{
	(void)state;
	session_t s;
	failed(&s);
	snprintf(s.root_cause, sizeof s.root_cause, "%s", HOSTILE);
	h_event(&s, T0 + 403, "Node1", "AWS::EC2::Instance", "CREATE_FAILED", HOSTILE);
	ui_t *ui = h_open(&s, 120, 40, 0);
	char *screen = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&screen, &len);
	assert_int_equal(ui_dump(ui, m), 0);
	fclose(m);
	/* shown, as visible escapes */
	assert_non_null(strstr(screen, "boom \\x1b]52;c;cHduZWQ=\\x07 \\u009b2J \\u202etxt"));
	/* and nothing of it raw */
	assert_null(strchr(screen, 0x1b));
	assert_null(strchr(screen, 0x07));
	assert_null(strchr(screen, '\r'));
	assert_null(strstr(screen, "\xc2\x9b"));
	assert_null(strstr(screen, "\xe2\x80\xae"));
	assert_null(strchr(screen, 0x7f));
	assert_null(strchr(screen, 0xff));
	free(screen);
	h_close(ui);
	h_session_free(&s);
}

static void ready(session_t *s)
{
	creating(s);
	s->phase = SESS_READY;
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_COMPLETE");
	s->finished_ms = s->started_ms + 611000;
	s->completed = s->total_resources;
	for (size_t i = 0; i < s->nresources; i++) {
		snprintf(s->resources[i].status, sizeof s->resources[i].status, "CREATE_COMPLETE");
		s->resources[i].state = RES_DONE;
		s->resources[i].reason[0] = 0;
		s->resources[i].changed_ms = 0;
	}
	h_output(s, "Node1InstanceId", "i-0a1b2c3d4e5f60718");
	h_output(s, "Node1PublicIp", "3.91.20.14");
	h_output(s, "Node2InstanceId", "i-0f9e8d7c6b5a40312");
	h_output(s, "Node2PublicIp", "54.164.7.201");
	h_output(s, "ScriptsBucketName", "nixl-efa-dev-east-1-scriptsbucket-1x2y3z4w5v6u");
	h_node(s, "producer", "i-0a1b2c3d4e5f60718", "running", "3.91.20.14", "10.0.1.23", "Online");
	h_node(s, "consumer", "i-0f9e8d7c6b5a40312", "running", "54.164.7.201", "10.0.1.87", "ConnectionLost");
}

static void test_ready_outputs_and_nodes(void **state)
{
	(void)state;
	session_t s;
	ready(&s);
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_int_equal(ui->screen, UI_NODES); /* re-attach to a ready stack: the nodes */
	h_keys(ui, "s");
	assert_int_equal(ui->screen, UI_STACK);
	h_assert_screen(ui, "stack_ready_80x24");
	h_close(ui);
	ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "s");
	h_assert_screen(ui, "stack_ready_120x40");
	h_close(ui);
	h_session_free(&s);
}

static void test_preflight_steps(void **state)
{
	(void)state;
	session_t s;
	h_session_init(&s);
	s.phase = SESS_PREFLIGHT;
	s.started_ms = h_now - 4000;
	s.total_resources = 14;
	h_step(&s, "Caller identity", STEP_OK, "123456789012 as arn:aws:iam::123456789012:user/ops");
	h_step(&s, "Instance type", STEP_OK, "p5.48xlarge: 32 EFA interfaces, offered in us-east-1a, us-east-1b");
	h_step(&s, "Availability zone", STEP_WARN, "none set: CloudFormation picks one offering p5.48xlarge");
	h_step(&s, "VPC", STEP_RUNNING, "");
	h_step(&s, "Capacity reservation", STEP_PENDING, "");
	ui_t *ui = h_open(&s, 80, 24, 0);
	h_assert_screen(ui, "stack_preflight_80x24");
	h_close(ui);
	h_session_free(&s);
}

/* D opens the dialog with Cancel focused; Enter there cancels even with the name typed;
 * the Destroy button works only once the name matches. */
static void test_teardown_dialog(void **state)
{
	(void)state;
	session_t s;
	ready(&s);
	ui_t *ui = h_open(&s, 120, 40, 0);
	h_keys(ui, "sD");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	h_keys(ui, "nixl-efa-dev-east-1");
	h_assert_screen(ui, "teardown_dialog_120x40");
	int y = h_find_row(ui, "< Cancel >", NULL);
	assert_true(h_attr(ui, y, h_find_col(ui, y, "< Cancel >")) & COLOR_PAIR(ROLE_SELECT));
	assert_false(h_attr(ui, y, h_find_col(ui, y, "< Destroy >")) & COLOR_PAIR(ROLE_SELECT));
	ui_key(ui, '\r');
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_calls, "");

	/* A wrong name: Destroy refuses and says why. */
	h_keys(ui, "Dnixl-efa-dev-east-2\t\r");
	assert_int_equal(ui->modal, UI_MODAL_DIALOG);
	assert_string_equal(h_row(ui, 38), "Type nixl-efa-dev-east-1 exactly to confirm.");
	assert_string_equal(h_calls, "");
	ui_key(ui, KEY_BACKSPACE);
	h_keys(ui, "1\r");
	assert_string_equal(h_calls, "teardown\n");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_int_equal(ui->screen, UI_STACK);
	h_close(ui);

	/* At 80x24 the dialog still fits, and Esc closes it. */
	ui = h_open(&s, 80, 24, 0);
	h_keys(ui, "D");
	h_assert_screen(ui, "teardown_dialog_80x24");
	ui_key(ui, 27);
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_calls, "");
	h_close(ui);
	h_session_free(&s);
}

static void test_teardown_view(void **state)
{
	(void)state;
	session_t s;
	ready(&s);
	s.phase = SESS_DELETING;
	snprintf(s.stack_status, sizeof s.stack_status, "DELETE_IN_PROGRESS");
	s.started_ms = h_now - 65000;
	s.finished_ms = 0;
	s.completed = 5;
	s.noutputs = 0;
	h_step(&s, "Empty bucket", STEP_OK, "nixl-efa-dev-east-1-scriptsbucket-1x2y3z4w5v6u: 12 objects deleted");
	h_step(&s, "DeleteStack", STEP_RUNNING, "");
	for (size_t i = 9; i < s.nresources; i++) {
		snprintf(s.resources[i].status, sizeof s.resources[i].status, "DELETE_COMPLETE");
		s.resources[i].state = RES_DELETED;
	}
	snprintf(s.resources[8].status, sizeof s.resources[8].status, "DELETE_IN_PROGRESS");
	s.resources[8].changed_ms = h_now - 100;
	h_event(&s, T0 + 900, "nixl-efa-dev-east-1", "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated");
	h_event(&s, T0 + 930, "Node1", "AWS::EC2::Instance", "DELETE_COMPLETE", "");
	ui_t *ui = h_open(&s, 80, 24, 0);
	assert_int_equal(ui->screen, UI_STACK);
	h_assert_screen(ui, "teardown_deleting_80x24");
	/* Destroying again is refused while it runs, with the reason. */
	h_keys(ui, "D");
	assert_int_equal(ui->modal, UI_MODAL_NONE);
	assert_string_equal(h_row(ui, 22), "The stack is already being deleted.");
	h_close(ui);
	h_session_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_creating_120x40),
		cmocka_unit_test(test_creating_80x24),
		cmocka_unit_test(test_failed_shows_root_cause),
		cmocka_unit_test(test_failure_reason_is_inert),
		cmocka_unit_test(test_ready_outputs_and_nodes),
		cmocka_unit_test(test_preflight_steps),
		cmocka_unit_test(test_teardown_dialog),
		cmocka_unit_test(test_teardown_view),
	};
	return cmocka_run_group_tests_name("ui_stack", tests, NULL, NULL);
}

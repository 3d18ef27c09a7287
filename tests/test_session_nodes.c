/* The session's nodes follow their stack (issue 14, item 2): once CloudFormation deletes the
 * instances (the stack deleted, or a node's instance deleted during a delete or a rollback)
 * the nodes say terminated, and the node actions are refused with one sentence before any
 * AWS call. And the commands to reach a node carry the endpoint the product is configured
 * with (item 13), so that they work as pasted. No server: the client points at a closed
 * port and the tests check that nothing was sent. */
#include "testutil.h"

#include <stdlib.h>
#include <unistd.h>

#include "aws/client.h"
#include "catalog/config.h"
#include "core/session.h"
#include "core/session_priv.h"

static char state_dir[] = "/tmp/nixl-test-session-nodes-XXXXXX";

typedef struct fx {
	loop_t *loop;
	aws_client_t *aws;
	session_t *s;
	config_t cfg;
} fx_t;

static void env_base(void)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDSTUB", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "stub-secret", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_SSM");
	unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	setenv("XDG_STATE_HOME", state_dir, 1); /* the session's record: never under $HOME */
}

/* flag: --endpoint-url (NULL: none, the environment may still name one). */
static void fx_open(fx_t *f, const char *flag)
{
	memset(f, 0, sizeof *f);
	f->loop = loop_new();
	assert_non_null(f->loop);
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = flag, .max_attempts = 1 };
	aws_error_t err;
	f->aws = aws_client_new(f->loop, &o, &err);
	assert_non_null(f->aws);
	config_init(&f->cfg);
	f->s = session_new(f->loop, f->aws, &f->cfg);
	assert_non_null(f->s);
}

static void fx_close(fx_t *f)
{
	session_free(f->s);
	config_free(&f->cfg);
	aws_client_free(f->aws);
	loop_free(f->loop);
}

static sess_node_t *node(session_t *s, const char *id, const char *ssm)
{
	sess_node_t *n = &s->nodes[s->nnodes];
	n->index = (int)++s->nnodes;
	snprintf(n->instance_id, sizeof n->instance_id, "%s", id);
	snprintf(n->instance_state, sizeof n->instance_state, "running");
	snprintf(n->ssm_status, sizeof n->ssm_status, "%s", ssm);
	return n;
}

static void ready_two(session_t *s)
{
	s->phase = SESS_READY;
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_COMPLETE");
	node(s, "i-0a1b2c3d4e5f60718", "Online");
	node(s, "i-0f9e8d7c6b5a40312", "Online");
}

/* Nothing was sent: no executor made, no call counted. */
static void assert_no_aws(session_t *s)
{
	assert_null(SP(s)->exec);
	assert_int_equal(s->api_calls, 0);
}

static void test_deleted_stack_terminates_nodes(void **state)
{
	(void)state;
	fx_t f;
	fx_open(&f, "http://127.0.0.1:9");
	session_t *s = f.s;
	ready_two(s);
	snprintf(s->stack_status, sizeof s->stack_status, "DELETE_COMPLETE");
	sess_set_phase(s, SESS_DELETED);
	for (size_t i = 0; i < s->nnodes; i++) {
		assert_string_equal(s->nodes[i].instance_state, "terminated");
		assert_string_equal(s->nodes[i].ssm_status, "");
	}
	/* refused in one sentence before SendCommand, which AWS would answer InvalidInstanceId */
	assert_int_equal(session_node_check(s, 0), -1);
	assert_non_null(strstr(s->flash, "terminated"));
	assert_non_null(strstr(s->flash, "deploy"));
	assert_null(strchr(s->flash, '\n'));
	s->flash[0] = 0;
	assert_int_equal(session_node_check(s, 2), -1);
	assert_non_null(strstr(s->flash, "node 2"));
	assert_int_equal(session_pingpong(s, 1, 2, NULL, 0), -1);
	assert_non_null(strstr(s->flash, "terminated"));
	assert_int_equal(session_pingpong_matrix(s), -1);
	assert_non_null(strstr(s->flash, "terminated"));
	assert_no_aws(s);
	for (size_t i = 0; i < s->nnodes; i++) assert_int_equal(s->nodes[i].checks_running, 0);
	fx_close(&f);
}

/* During a delete (or a rollback), a node follows its own instance: the instance resource
 * DELETE_IN_PROGRESS is shutting-down, DELETE_COMPLETE terminated; the others stay. */
static void test_node_follows_its_instance(void **state)
{
	(void)state;
	fx_t f;
	fx_open(&f, "http://127.0.0.1:9");
	session_t *s = f.s;
	ready_two(s);
	sess_resource_t *a = sess_resource(s, "Node1", "AWS::EC2::Instance");
	snprintf(a->physical_id, sizeof a->physical_id, "i-0a1b2c3d4e5f60718");
	sess_resource_t *b = sess_resource(s, "Node2", "AWS::EC2::Instance");
	snprintf(b->physical_id, sizeof b->physical_id, "i-0f9e8d7c6b5a40312");
	snprintf(a->status, sizeof a->status, "DELETE_IN_PROGRESS");
	snprintf(b->status, sizeof b->status, "CREATE_COMPLETE");
	sess_set_phase(s, SESS_DELETING);
	assert_string_equal(s->nodes[0].instance_state, "shutting-down");
	assert_string_equal(s->nodes[1].instance_state, "running");
	snprintf(a->status, sizeof a->status, "DELETE_COMPLETE");
	a->state = RES_DELETED;
	sess_recount(s); /* what the watch calls after each page of events */
	assert_string_equal(s->nodes[0].instance_state, "terminated");
	assert_string_equal(s->nodes[0].ssm_status, "");
	assert_string_equal(s->nodes[1].instance_state, "running");
	/* while the stack is deleted, nothing is sent to any of its nodes */
	assert_int_equal(session_node_check(s, 2), -1);
	assert_non_null(strstr(s->flash, "being deleted"));
	assert_no_aws(s);
	fx_close(&f);
}

/* A rolled-back create: CloudFormation deleted what it had created. */
static void test_rollback_terminates_nodes(void **state)
{
	(void)state;
	fx_t f;
	fx_open(&f, "http://127.0.0.1:9");
	session_t *s = f.s;
	ready_two(s);
	s->phase = SESS_WAIT_AGENTS;
	snprintf(s->stack_status, sizeof s->stack_status, "ROLLBACK_COMPLETE");
	sess_set_phase(s, SESS_FAILED);
	assert_string_equal(s->nodes[0].instance_state, "terminated");
	assert_string_equal(s->nodes[1].instance_state, "terminated");
	assert_int_equal(session_node_check(s, 1), -1);
	assert_non_null(strstr(s->flash, "terminated"));
	assert_no_aws(s);
	fx_close(&f);
}

/* A failure that leaves the stack (the agents never came Online) leaves its nodes as they are. */
static void test_failed_but_present_keeps_nodes(void **state)
{
	(void)state;
	fx_t f;
	fx_open(&f, "http://127.0.0.1:9");
	session_t *s = f.s;
	ready_two(s);
	s->phase = SESS_WAIT_AGENTS;
	sess_set_phase(s, SESS_FAILED);
	assert_string_equal(s->nodes[0].instance_state, "running");
	assert_string_equal(s->nodes[0].ssm_status, "Online");
	fx_close(&f);
}

/* The endpoint configured (flag, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL) goes into the
 * commands to copy; AWS's own endpoint does not. */
static void test_ssm_command_endpoint(void **state)
{
	(void)state;
	char cmd[512];
	fx_t f;
	fx_open(&f, NULL);
	ready_two(f.s);
	session_ssm_command(f.s, 1, cmd, sizeof cmd);
	assert_string_equal(cmd, "aws ssm start-session --region us-east-1 --target i-0a1b2c3d4e5f60718");
	fx_close(&f);

	fx_open(&f, "http://127.0.0.1:4566/");
	ready_two(f.s);
	session_ssm_command(f.s, 2, cmd, sizeof cmd);
	assert_string_equal(cmd, "aws ssm start-session --region us-east-1 --target i-0f9e8d7c6b5a40312 "
	                         "--endpoint-url http://127.0.0.1:4566");
	fx_close(&f);

	setenv("AWS_ENDPOINT_URL_SSM", "http://127.0.0.1:5001", 1);
	fx_open(&f, NULL);
	ready_two(f.s);
	session_ssm_command(f.s, 1, cmd, sizeof cmd);
	assert_non_null(strstr(cmd, " --endpoint-url http://127.0.0.1:5001"));
	fx_close(&f);
	unsetenv("AWS_ENDPOINT_URL_SSM");

	/* text a shell would read as more than a URL is quoted */
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4566/a b;c", 1);
	fx_open(&f, NULL);
	ready_two(f.s);
	session_ssm_command(f.s, 1, cmd, sizeof cmd);
	assert_non_null(strstr(cmd, " --endpoint-url 'http://127.0.0.1:4566/a b;c'"));
	fx_close(&f);
	unsetenv("AWS_ENDPOINT_URL");
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(state_dir)) return -1;
	env_base();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deleted_stack_terminates_nodes),
		cmocka_unit_test(test_node_follows_its_instance),
		cmocka_unit_test(test_rollback_terminates_nodes),
		cmocka_unit_test(test_failed_but_present_keeps_nodes),
		cmocka_unit_test(test_ssm_command_endpoint),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

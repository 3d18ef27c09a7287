/* Issue 14 in the session: the template's dependencies the estimate walks (Ref,
 * Fn::GetAtt, Fn::Sub, DependsOn), and the bar's count turning with the phase (item 1:
 * a teardown counts deletions from its first moment, not the create's count). A session
 * on a client that is never asked anything (nothing is sent); its record goes to a
 * temporary XDG_STATE_HOME. */
#include "testutil.h"

#include <unistd.h>

#include "catalog/config.h"
#include "base/loop.h"
#include "core/session_priv.h"

static char state_dir[] = "/tmp/nixl-test-session-figures-XXXXXX";

static session_t *new_session(loop_t **l, aws_client_t **c)
{
	setenv("AWS_ACCESS_KEY_ID", "AKIDSTUB", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "stub-secret", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
	setenv("XDG_STATE_HOME", state_dir, 1);
	*l = loop_new();
	aws_client_opts_t o = { .region = "us-east-1", .endpoint_url = "http://127.0.0.1:9" };
	aws_error_t err;
	*c = aws_client_new(*l, &o, &err);
	assert_non_null(*c);
	config_t cfg;
	config_init(&cfg);
	config_set(&cfg, "environment", "figs", CONFIG_SRC_FLAG, "-c", NULL);
	session_t *s = session_new(*l, *c, &cfg);
	config_free(&cfg);
	assert_non_null(s);
	return s;
}

static const sess_resource_t *find(const session_t *s, const char *lid)
{
	for (size_t i = 0; i < s->nresources; i++)
		if (strcmp(s->resources[i].logical_id, lid) == 0) return &s->resources[i];
	fail_msg("no resource %s", lid);
	return NULL;
}

static int needs(const session_t *s, const char *lid, const char *dep)
{
	const sess_resource_t *r = find(s, lid), *d = find(s, dep);
	for (size_t k = 0; k < r->ndeps; k++)
		if (r->deps[k] == (size_t)(d - s->resources)) return 1;
	return 0;
}

/* The chain that holds a deploy: role -> instance profile -> instance, and the instance's
 * launch template (Ref and Fn::GetAtt) -> its network interface. */
static void test_template_dependencies(void **state)
{
	(void)state;
	loop_t *l;
	aws_client_t *c;
	session_t *s = new_session(&l, &c);
	sess_resources_from_template(s);
	assert_true(s->nresources >= 10);
	assert_int_equal(s->total_resources, s->nresources);
	assert_true(needs(s, "InstanceProfile", "InstanceRole"));
	assert_true(needs(s, "Node1", "InstanceProfile"));
	assert_true(needs(s, "Node1", "Node1LaunchTemplate"));
	assert_true(needs(s, "Node1LaunchTemplate", "Node1Interface"));
	assert_false(needs(s, "InstanceRole", "Node1"));
	for (size_t i = 0; i < s->nresources; i++) /* nothing needs itself */
		assert_false(needs(s, s->resources[i].logical_id, s->resources[i].logical_id));
	session_free(s);
	aws_client_free(c);
	loop_free(l);
}

/* A created stack's count is the create's; the moment a teardown starts, it counts what
 * AWS reports deleted: none. */
static void test_count_turns_with_the_phase(void **state)
{
	(void)state;
	loop_t *l;
	aws_client_t *c;
	session_t *s = new_session(&l, &c);
	sess_resources_from_template(s);
	for (size_t i = 0; i < s->nresources; i++) {
		snprintf(s->resources[i].status, sizeof s->resources[i].status, "CREATE_COMPLETE");
		s->resources[i].state = sess_res_state(s->resources[i].status);
	}
	snprintf(s->stack_status, sizeof s->stack_status, "CREATE_COMPLETE");
	sess_set_phase(s, SESS_READY);
	assert_int_equal(s->completed, s->nresources);
	sess_set_phase(s, SESS_DELETING);
	assert_int_equal(s->completed, 0);
	sess_set_phase(s, SESS_DELETE_FAILED); /* S3 unavailable: nothing was deleted */
	assert_int_equal(s->completed, 0);
	snprintf(s->resources[0].status, sizeof s->resources[0].status, "DELETE_COMPLETE");
	sess_recount(s);
	assert_int_equal(s->completed, 1);
	session_free(s);
	aws_client_free(c);
	loop_free(l);
}

/* AWS's timestamps on the loop's clock: ten seconds ago is ten seconds before now. */
static void test_aws_time_on_the_loop_clock(void **state)
{
	(void)state;
	int64_t now = loop_now_ms();
	int64_t at = sess_loop_ms_at(time(NULL) - 10, 0);
	assert_true(now - at >= 9000 && now - at <= 12000);
	assert_true(sess_loop_ms_at(time(NULL) + 3600, 0) <= loop_now_ms()); /* never ahead */
}

static int cleanup(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", state_dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	if (!mkdtemp(state_dir)) return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_dependencies),
		cmocka_unit_test(test_count_turns_with_the_phase),
		cmocka_unit_test(test_aws_time_on_the_loop_clock),
	};
	return cmocka_run_group_tests_name("session_figures", tests, NULL, cleanup);
}

/* integration: against moto_server; needs: moto_server */
/* The generated template deployed on moto_server (tests/moto.h, signature checking on)
 * through the real client: CreateStack with the parameters the deploy step passes,
 * CREATE_COMPLETE, the outputs and export names scripts read, the nodes and their tags,
 * then DeleteStack to DELETE_COMPLETE with the nodes terminated. The same template as
 * the product prints; moto skips what it lacks (placement groups, EIP associations,
 * bucket policies), so PlacementGroupName has no value there (MOTO.md).
 * The AMI parameters: tests/template/moto/moto_server (see there). */
#include "testutil.h"

#include <unistd.h>

#include "moto.h"
#include "aws/cfn.h"
#include "aws/ec2.h"
#include "stack/template.h"
#include "catalog/config.h"

static moto_t moto;
static loop_t *loop;
static aws_client_t *client;
static char vpc_id[64], vpc_cidr[32], subnet_id[64];

typedef struct got {
	int done, failed;
	aws_error_t err;
	void *res;
} got_t;

#define TAKE_CB(name, type)                                                   \
	static void name(void *ud, const aws_error_t *err, type *res)         \
	{                                                                      \
		got_t *g = ud;                                                 \
		g->done = 1;                                                   \
		if (err) {                                                     \
			g->failed = 1;                                         \
			g->err = *err;                                         \
		} else {                                                       \
			memcpy(g->res, res, sizeof *res);                      \
			memset(res, 0, sizeof *res);                           \
		}                                                              \
	}

TAKE_CB(on_create, cfn_create_result_t)
TAKE_CB(on_stacks, cfn_stacks_t)
TAKE_CB(on_vpcs, ec2_vpcs_t)
TAKE_CB(on_subnets, ec2_subnets_t)
TAKE_CB(on_instances, ec2_instances_t)

static void on_status(void *ud, const aws_error_t *err)
{
	got_t *g = ud;
	g->done = 1;
	if (err) {
		g->failed = 1;
		g->err = *err;
	}
}

/* Runs the call to completion (deadline) and fails the test on an error. */
static void must(aws_call_t *call, got_t *g)
{
	assert_non_null(call);
	assert_int_equal(aws_client_wait(client, &g->done, MOTO_CALL_DEADLINE_MS), 0);
	if (g->failed) {
		char buf[1600];
		fail_msg("%s", aws_error_sentence(&g->err, buf, sizeof buf));
	}
}

static int group_setup(void **state)
{
	(void)state;
	/* our moto_server wrapper first on PATH (run from the repository root) */
	char path[8192], cwd[4096];
	if (!getcwd(cwd, sizeof cwd)) return -1;
	snprintf(path, sizeof path, "%s/tests/template/moto:%s", cwd, getenv("PATH") ? getenv("PATH") : "");
	setenv("PATH", path, 1);
	if (moto_start(&moto) != 0) {
		fprintf(stderr, "moto_server did not start\n");
		return -1;
	}
	loop = loop_new();
	client = moto_client(&moto, loop, moto.access_key_id, moto.secret_access_key);
	if (!client) return -1;

	/* the default VPC and a default subnet, as the deploy step finds them */
	ec2_vpcs_t vpcs = {0};
	got_t g = { .res = &vpcs };
	const char *yes[] = { "true" };
	ec2_filter_t is_default = { "is-default", yes, 1 };
	ec2_describe_req_t req = { .filters = &is_default, .nfilters = 1 };
	must(ec2_describe_vpcs(client, &req, on_vpcs, &g), &g);
	assert_true(vpcs.n >= 1);
	snprintf(vpc_id, sizeof vpc_id, "%s", vpcs.vpcs[0].vpc_id);
	snprintf(vpc_cidr, sizeof vpc_cidr, "%s", vpcs.vpcs[0].cidr_block);
	ec2_vpcs_free(&vpcs);

	ec2_subnets_t subnets = {0};
	g = (got_t){ .res = &subnets };
	const char *vpc[] = { vpc_id };
	ec2_filter_t f[2] = { { "vpc-id", vpc, 1 }, { "default-for-az", yes, 1 } };
	req = (ec2_describe_req_t){ .filters = f, .nfilters = 2 };
	must(ec2_describe_subnets(client, &req, on_subnets, &g), &g);
	assert_true(subnets.n >= 1);
	snprintf(subnet_id, sizeof subnet_id, "%s", subnets.subnets[0].subnet_id);
	ec2_subnets_free(&subnets);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	aws_client_free(client);
	loop_free(loop);
	moto_stop(&moto);
	return 0;
}

static cfn_stack_t describe(const char *stack, cfn_stacks_t *all)
{
	got_t g = { .res = all };
	must(cfn_describe_stacks(client, stack, on_stacks, &g), &g);
	assert_int_equal(all->n, 1);
	return all->stacks[0];
}

static void deploy_and_delete(const char *stack, const char *const *ctx, size_t nctx)
{
	config_t cfg;
	config_diags_t diags = { 0 };
	config_init(&cfg);
	for (size_t i = 0; i < nctx; i += 2)
		assert_int_equal(config_set(&cfg, ctx[i], ctx[i + 1], CONFIG_SRC_FLAG, "-c", &diags), 0);
	assert_int_equal(config_validate(&cfg, "us-east-1", &diags), 0);
	long nodes = config_int(&cfg, CONFIG_NODE_COUNT);
	char *body = template_render(&cfg, NULL, 0);
	assert_non_null(body);

	cfn_pair_t params[] = { { "VpcId", vpc_id }, { "VpcCidr", vpc_cidr }, { "SubnetId", subnet_id } };
	const char *caps[] = { "CAPABILITY_IAM" };
	cfn_create_stack_req_t req = { .stack_name = stack, .template_body = body, .parameters = params,
	                               .nparameters = 3, .capabilities = caps, .ncapabilities = 1 };
	cfn_create_result_t created = {0};
	got_t g = { .res = &created };
	must(cfn_create_stack(client, &req, on_create, &g), &g);
	assert_non_null(created.stack_id);
	char stack_id[512];
	snprintf(stack_id, sizeof stack_id, "%s", created.stack_id);
	cfn_create_result_free(&created);
	free(body);

	cfn_stacks_t all = {0};
	cfn_stack_t s = describe(stack_id, &all);
	assert_string_equal(s.status, "CREATE_COMPLETE");

	/* every output key scripts read, exported as <stack>-<Key> */
	const char **ids = calloc((size_t)nodes, sizeof *ids);
	static const char *const per_node[] = { "InstanceId", "PublicIp", "PrivateIp" };
	for (long n = 1; n <= nodes; n++)
		for (size_t k = 0; k < 3; k++) {
			char key[64], export[256];
			snprintf(key, sizeof key, "Node%ld%s", n, per_node[k]);
			snprintf(export, sizeof export, "%s-%s", stack, key);
			const cfn_output_t *o = NULL;
			for (size_t i = 0; i < s.noutputs; i++)
				if (strcmp(s.outputs[i].key, key) == 0) o = &s.outputs[i];
			if (!o) fail_msg("output %s missing", key);
			assert_true(o->value && o->value[0]);
			assert_string_equal(o->export_name, export);
			if (k == 0) ids[n - 1] = o->value;
		}
	static const char *const shared[] = { "ScriptsBucketName", "SecurityGroupId" };
	for (size_t k = 0; k < 2; k++) {
		const char *v = cfn_stack_output(&s, shared[k]);
		if (!v || !v[0]) fail_msg("output %s missing", shared[k]);
	}
	assert_true(strncmp(cfn_stack_output(&s, "SecurityGroupId"), "sg-", 3) == 0);

	/* the nodes: type, names, roles */
	ec2_instances_t inst = {0};
	g = (got_t){ .res = &inst };
	/* the stack's instances by the tag CloudFormation puts on them */
	const char *stack_tag[] = { stack };
	ec2_filter_t by_stack = { "tag:aws:cloudformation:stack-name", stack_tag, 1 };
	ec2_describe_req_t dr = { .filters = &by_stack, .nfilters = 1 };
	must(ec2_describe_instances(client, &dr, on_instances, &g), &g);
	assert_int_equal(inst.n, (size_t)nodes);
	for (size_t i = 0; i < inst.n; i++) {
		const ec2_instance_t *it = &inst.instances[i];
		long n = 0;
		for (long k = 0; k < nodes; k++)
			if (strcmp(ids[k], it->instance_id) == 0) n = k + 1;
		char name[32];
		snprintf(name, sizeof name, "nixl-node%ld", n);
		assert_string_equal(it->instance_type, config_instance_type(&cfg));
		assert_string_equal(it->state, "running");
		assert_string_equal(ec2_instance_tag(it, "Name"), name);
		assert_string_equal(ec2_instance_tag(it, "Role"), n % 2 ? "producer" : "consumer");
		assert_string_equal(ec2_instance_tag(it, "ManagedBy"), "nixl-tui");
		assert_string_equal(it->image_id, "ami-9b32e8e2");
	}
	ec2_instances_free(&inst);

	g = (got_t){0};
	must(cfn_delete_stack(client, stack_id, NULL, on_status, &g), &g);
	cfn_stacks_free(&all);
	s = describe(stack_id, &all);
	assert_string_equal(s.status, "DELETE_COMPLETE");

	inst = (ec2_instances_t){0};
	g = (got_t){ .res = &inst };
	must(ec2_describe_instances(client, &dr, on_instances, &g), &g);
	assert_int_equal(inst.n, (size_t)nodes);
	for (size_t i = 0; i < inst.n; i++)
		assert_string_equal(inst.instances[i].state, "terminated");
	ec2_instances_free(&inst);
	cfn_stacks_free(&all);
	free(ids);
	config_diags_free(&diags);
	config_free(&cfg);
}

static void test_default_two_nodes(void **state)
{
	(void)state;
	deploy_and_delete("nixl-efa-dev-east-1", NULL, 0);
}

static void test_p5_four_nodes_capacity_block_everything(void **state)
{
	(void)state;
	static const char *const ctx[] = {
		"instanceType", "p5.48xlarge", "nodeCount", "4",
		"capacityReservationId", "cr-0123456789abcdef0", "useCapacityBlock", "true",
		"keyName", "ops-key", "availabilityZone", "us-east-1a",
		"mlflowTrackingServerArn", "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml",
		"mlflowArtifactBucketArn", "arn:aws:s3:::ml-artifacts",
	};
	deploy_and_delete("team7-nixl-efa-prod-east-1", ctx, sizeof ctx / sizeof ctx[0]);
}

static void test_trainium_neuron_ami(void **state)
{
	(void)state;
	static const char *const ctx[] = { "instanceType", "trn1.32xlarge", "capacityReservationId",
	                                   "cr-0123456789abcdef0" };
	deploy_and_delete("nixl-efa-trn1", ctx, sizeof ctx / sizeof ctx[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_two_nodes),
		cmocka_unit_test(test_p5_four_nodes_capacity_block_everything),
		cmocka_unit_test(test_trainium_neuron_ami),
	};
	return cmocka_run_group_tests_name("template on moto", tests, group_setup, group_teardown);
}

/* integration: against moto_server; needs: moto_server */
/* The typed AWS operations end to end against moto_server on 127.0.0.1 with signature
 * checking on (tests/moto.h): STS, CloudFormation, EC2, S3, SSM and CloudWatch Logs,
 * through the real client (SigV4, HTTP engine, retries). Every wait has a deadline. */
#include "testutil.h"

#include <openssl/evp.h>

#include "moto.h"
#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/logs.h"
#include "aws/s3.h"
#include "aws/ssm.h"
#include "aws/sts.h"

static moto_t moto;
static loop_t *loop;
static aws_client_t *client;

/* What a typed callback delivered: the error, or the result moved into *res. */
typedef struct got {
	int done, failed;
	aws_error_t err;
	void *res;
} got_t;

#define TAKE_CB(name, type)                                                                 \
	static void name(void *ud, const aws_error_t *err, type *res)                       \
	{                                                                                    \
		got_t *g = ud;                                                               \
		g->done = 1;                                                                 \
		if (err) {                                                                   \
			g->failed = 1;                                                       \
			g->err = *err;                                                       \
		} else {                                                                     \
			memcpy(g->res, res, sizeof *res);                                    \
			memset(res, 0, sizeof *res);                                         \
		}                                                                            \
	}

TAKE_CB(on_identity, sts_identity_t)
TAKE_CB(on_create, cfn_create_result_t)
TAKE_CB(on_stacks, cfn_stacks_t)
TAKE_CB(on_events, cfn_events_t)
TAKE_CB(on_resources, cfn_resources_t)
TAKE_CB(on_template, cfn_template_info_t)
TAKE_CB(on_vpcs, ec2_vpcs_t)
TAKE_CB(on_subnets, ec2_subnets_t)
TAKE_CB(on_zones, ec2_zones_t)
TAKE_CB(on_types, ec2_instance_types_t)
TAKE_CB(on_offerings, ec2_offerings_t)
TAKE_CB(on_instances, ec2_instances_t)
TAKE_CB(on_groups, ec2_security_groups_t)
TAKE_CB(on_reservations, ec2_capacity_reservations_t)
TAKE_CB(on_put, s3_put_result_t)
TAKE_CB(on_list, s3_list_result_t)
TAKE_CB(on_delete, s3_delete_result_t)
TAKE_CB(on_parameter, ssm_parameter_t)
TAKE_CB(on_put_parameter, ssm_put_parameter_result_t)
TAKE_CB(on_send, ssm_send_command_result_t)
TAKE_CB(on_invocation, ssm_invocation_t)
TAKE_CB(on_infos, ssm_instance_infos_t)
TAKE_CB(on_log_events, logs_events_t)

static void on_status(void *ud, const aws_error_t *err)
{
	got_t *g = ud;
	g->done = 1;
	if (err) {
		g->failed = 1;
		g->err = *err;
	}
}

/* Waits for the call (deadline) on client c; returns 0 when it succeeded. */
static int finish_on(aws_client_t *c, aws_call_t *call, got_t *g)
{
	assert_non_null(call);
	assert_int_equal(aws_client_wait(c, &g->done, MOTO_CALL_DEADLINE_MS), 0);
	return g->failed ? -1 : 0;
}

static int finish(aws_call_t *call, got_t *g)
{
	return finish_on(client, call, g);
}

/* A call that must succeed; on failure the test says why in one sentence. */
#define MUST(call, g)                                                                       \
	do {                                                                                 \
		if (finish((call), (g)) != 0) {                                              \
			char s_[1400];                                                       \
			fail_msg("%s", aws_error_sentence(&(g)->err, s_, sizeof s_));        \
		}                                                                            \
	} while (0)

static int group_setup(void **state)
{
	(void)state;
	if (moto_start(&moto) != 0) {
		fprintf(stderr, "moto_server did not start on 127.0.0.1 or IAM bootstrap failed\n");
		return -1;
	}
	loop = loop_new();
	client = moto_client(&moto, loop, moto.access_key_id, moto.secret_access_key);
	return client ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	aws_client_free(client);
	loop_free(loop);
	moto_stop(&moto);
	return 0;
}

static void test_identity_with_right_key(void **state)
{
	(void)state;
	sts_identity_t id = {0};
	got_t g = {.res = &id};
	MUST(sts_get_caller_identity(client, on_identity, &g), &g);
	assert_string_equal(id.account, "123456789012");
	assert_string_equal(id.arn, "arn:aws:iam::123456789012:user/nixl-test");
	sts_identity_free(&id);
}

static void test_wrong_secret_is_a_clear_error(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	aws_client_t *bad = moto_client(&moto, l, moto.access_key_id, "not-the-secret");
	assert_non_null(bad);
	sts_identity_t id = {0};
	got_t g = {.res = &id};
	assert_int_equal(finish_on(bad, sts_get_caller_identity(bad, on_identity, &g), &g), -1);
	assert_int_equal(g.err.kind, AWS_ERR_SERVICE);
	assert_string_equal(g.err.code, "SignatureDoesNotMatch");
	assert_int_equal(g.err.http_status, 403);
	char s[1400];
	aws_error_sentence(&g.err, s, sizeof s);
	assert_memory_equal(s, "sts GetCallerIdentity failed: ", 30);
	assert_non_null(strstr(s, "(SignatureDoesNotMatch, HTTP 403"));
	assert_null(strchr(s, '<'));
	assert_null(strstr(s, moto.secret_access_key));
	aws_client_free(bad);

	/* An unknown key id is refused too, under its own code. */
	bad = moto_client(&moto, l, "AKIAUNKNOWNKEY000000", moto.secret_access_key);
	got_t g2 = {.res = &id};
	assert_int_equal(finish_on(bad, sts_get_caller_identity(bad, on_identity, &g2), &g2), -1);
	assert_string_equal(g2.err.code, "InvalidClientTokenId");
	aws_client_free(bad);
	loop_free(l);
	moto_env(&moto, moto.access_key_id, moto.secret_access_key);
}


static void count_assume(void *ud, const char *line)
{
	if (strstr(line, "credentials from profile worker via role")) (*(int *)ud)++;
}

/* role_arn + source_profile: the client assumes the role through STS (against moto),
 * signs with the temporary credentials, and keeps them until they near expiry. */
static void test_assume_role_profile(void **state)
{
	(void)state;
	char dir[] = "/tmp/nixl-moto-profile.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "[profile src]\naws_access_key_id = %s\naws_secret_access_key = %s\n\n"
	           "[profile worker]\nrole_arn = arn:aws:iam::123456789012:role/nixl-test-role\n"
	           "source_profile = src\nrole_session_name = nixl-moto\nregion = us-east-1\n",
	        moto.access_key_id, moto.secret_access_key);
	fclose(f);
	setenv("AWS_CONFIG_FILE", path, 1);
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	loop_t *l = loop_new();
	int assumed = 0;
	aws_client_opts_t o = {.profile = "worker", .endpoint_url = moto.url, .retry_base_ms = 20,
	                       .log = count_assume, .log_ud = &assumed};
	aws_error_t err;
	aws_client_t *c = aws_client_new(l, &o, &err);
	assert_non_null(c);
	assert_string_equal(aws_client_creds_source(c), "profile worker via role, from profile src");
	for (int i = 0; i < 2; i++) {
		sts_identity_t id = {0};
		got_t g = {.res = &id};
		if (finish_on(c, sts_get_caller_identity(c, on_identity, &g), &g) != 0) {
			char s_[1400];
			fail_msg("%s", aws_error_sentence(&g.err, s_, sizeof s_));
		}
		assert_non_null(strstr(id.arn, ":assumed-role/nixl-test-role/nixl-moto"));
		sts_identity_free(&id);
	}
	assert_int_equal(assumed, 1); /* cached: the second call did not assume again */
	aws_client_free(c);
	loop_free(l);
	unlink(path);
	rmdir(dir);
	moto_env(&moto, moto.access_key_id, moto.secret_access_key);
}

static const char sg_template[] =
	"{\"Parameters\":{\"Desc\":{\"Type\":\"String\",\"Default\":\"d\"}},"
	"\"Resources\":{\"Sg\":{\"Type\":\"AWS::EC2::SecurityGroup\",\"Properties\":"
	"{\"GroupDescription\":{\"Ref\":\"Desc\"}}}},"
	"\"Outputs\":{\"SgId\":{\"Value\":{\"Ref\":\"Sg\"},\"Export\":{\"Name\":\"nixl-moto-sg\"}}}}";

static void test_cfn_stack_lifecycle(void **state)
{
	(void)state;
	cfn_template_info_t tpl = {0};
	got_t g = {.res = &tpl};
	/* moto accepts the template but lists none of its parameters. */
	MUST(cfn_validate_template(client, sg_template, on_template, &g), &g);
	cfn_template_info_free(&tpl);

	cfn_pair_t params[] = {{"Desc", "nixl moto test"}};
	cfn_pair_t tags[] = {{"nixl:cluster", "moto"}};
	const char *caps[] = {"CAPABILITY_IAM"};
	cfn_create_stack_req_t req = {.stack_name = "nixl-moto", .template_body = sg_template,
	                              .parameters = params, .nparameters = 1, .tags = tags,
	                              .ntags = 1, .capabilities = caps, .ncapabilities = 1,
	                              .client_request_token = "create-1", .on_failure = "DELETE"};
	cfn_create_result_t created = {0};
	g = (got_t){.res = &created};
	MUST(cfn_create_stack(client, &req, on_create, &g), &g);
	assert_memory_equal(created.stack_id, "arn:aws:cloudformation:us-east-1:123456789012:stack/"
	                                      "nixl-moto/", 62);

	cfn_stacks_t stacks = {0};
	g = (got_t){.res = &stacks};
	MUST(cfn_describe_stacks(client, "nixl-moto", on_stacks, &g), &g);
	assert_int_equal(stacks.n, 1);
	cfn_stack_t *st = &stacks.stacks[0];
	assert_string_equal(st->stack_id, created.stack_id);
	assert_string_equal(st->status, "CREATE_COMPLETE");
	assert_true(st->creation_time > 0);
	assert_int_equal(st->nparameters, 1);
	assert_string_equal(st->parameters[0].value, "nixl moto test");
	assert_int_equal(st->ntags, 1);
	assert_string_equal(st->tags[0].value, "moto");
	const char *sg = cfn_stack_output(st, "SgId");
	assert_non_null(sg);
	assert_memory_equal(sg, "sg-", 3);
	assert_string_equal(st->outputs[0].export_name, "nixl-moto-sg");

	/* The group really exists, with the description the parameter gave. */
	const char *ids[] = {sg};
	ec2_describe_req_t by_id = {.ids = ids, .nids = 1};
	ec2_security_groups_t groups = {0};
	g = (got_t){.res = &groups};
	MUST(ec2_describe_security_groups(client, &by_id, on_groups, &g), &g);
	assert_int_equal(groups.n, 1);
	assert_string_equal(groups.groups[0].group_id, sg);
	assert_string_equal(groups.groups[0].description, "nixl moto test");
	ec2_security_groups_free(&groups);

	cfn_events_t ev = {0};
	g = (got_t){.res = &ev};
	MUST(cfn_describe_stack_events(client, created.stack_id, NULL, on_events, &g), &g);
	assert_true(ev.n >= 2);
	/* Newest first: the stack's CREATE_COMPLETE before its CREATE_IN_PROGRESS. */
	assert_string_equal(ev.events[0].logical_id, "nixl-moto");
	assert_string_equal(ev.events[0].status, "CREATE_COMPLETE");
	assert_string_equal(ev.events[ev.n - 1].status, "CREATE_IN_PROGRESS");
	assert_true(ev.events[0].timestamp >= ev.events[ev.n - 1].timestamp);
	assert_true(ev.events[0].timestamp > 0);
	cfn_events_free(&ev);

	cfn_resources_t res = {0};
	g = (got_t){.res = &res};
	MUST(cfn_describe_stack_resources(client, "nixl-moto", on_resources, &g), &g);
	assert_int_equal(res.n, 1);
	assert_string_equal(res.resources[0].logical_id, "Sg");
	assert_string_equal(res.resources[0].physical_id, sg);
	assert_string_equal(res.resources[0].resource_type, "AWS::EC2::SecurityGroup");
	cfn_resources_free(&res);

	g = (got_t){0};
	MUST(cfn_delete_stack(client, "nixl-moto", "delete-1", on_status, &g), &g);
	/* By ARN a deleted stack stays readable. */
	cfn_stacks_t after = {0};
	g = (got_t){.res = &after};
	MUST(cfn_describe_stacks(client, created.stack_id, on_stacks, &g), &g);
	assert_int_equal(after.n, 1);
	assert_string_equal(after.stacks[0].status, "DELETE_COMPLETE");
	cfn_stacks_free(&after);
	/* By name it is gone: a ValidationError that reads as one sentence. */
	g = (got_t){.res = &after};
	assert_int_equal(finish(cfn_describe_stacks(client, "nixl-moto", on_stacks, &g), &g), -1);
	assert_string_equal(g.err.code, "ValidationError");
	assert_string_equal(g.err.operation, "DescribeStacks");
	assert_string_equal(g.err.service, "cloudformation");
	assert_non_null(strstr(g.err.message, "nixl-moto"));
	cfn_stacks_free(&stacks);
	cfn_create_result_free(&created);
}

static void test_ec2_describes(void **state)
{
	(void)state;
	const char *yes[] = {"true"};
	ec2_filter_t def[] = {{"is-default", yes, 1}};
	ec2_describe_req_t req = {.filters = def, .nfilters = 1};
	ec2_vpcs_t vpcs = {0};
	got_t g = {.res = &vpcs};
	MUST(ec2_describe_vpcs(client, &req, on_vpcs, &g), &g);
	assert_int_equal(vpcs.n, 1);
	assert_int_equal(vpcs.vpcs[0].is_default, 1);
	assert_string_equal(vpcs.vpcs[0].cidr_block, "172.31.0.0/16");

	const char *vpc[] = {vpcs.vpcs[0].vpc_id};
	ec2_filter_t in_vpc[] = {{"vpc-id", vpc, 1}};
	ec2_describe_req_t sreq = {.filters = in_vpc, .nfilters = 1};
	ec2_subnets_t subnets = {0};
	g = (got_t){.res = &subnets};
	MUST(ec2_describe_subnets(client, &sreq, on_subnets, &g), &g);
	assert_int_equal(subnets.n, 6);
	for (size_t i = 0; i < subnets.n; i++) {
		assert_string_equal(subnets.subnets[i].vpc_id, vpc[0]);
		assert_int_equal(subnets.subnets[i].default_for_az, 1);
		assert_int_equal(subnets.subnets[i].map_public_ip_on_launch, 1);
	}
	ec2_subnets_free(&subnets);
	const char *az[] = {"us-east-1b"};
	ec2_filter_t two[] = {{"vpc-id", vpc, 1}, {"availability-zone", az, 1}};
	sreq = (ec2_describe_req_t){.filters = two, .nfilters = 2};
	g = (got_t){.res = &subnets};
	MUST(ec2_describe_subnets(client, &sreq, on_subnets, &g), &g);
	assert_int_equal(subnets.n, 1);
	assert_string_equal(subnets.subnets[0].availability_zone, "us-east-1b");
	ec2_subnets_free(&subnets);
	ec2_vpcs_free(&vpcs);

	ec2_zones_t zones = {0};
	g = (got_t){.res = &zones};
	MUST(ec2_describe_availability_zones(client, NULL, on_zones, &g), &g);
	assert_int_equal(zones.n, 6);
	assert_string_equal(zones.zones[0].zone_name, "us-east-1a");
	assert_string_equal(zones.zones[0].state, "available");
	ec2_zones_free(&zones);

	const char *types[] = {"p5.48xlarge"};
	ec2_describe_req_t treq = {.ids = types, .nids = 1};
	ec2_instance_types_t it = {0};
	g = (got_t){.res = &it};
	MUST(ec2_describe_instance_types(client, &treq, on_types, &g), &g);
	assert_int_equal(it.n, 1);
	assert_string_equal(it.types[0].instance_type, "p5.48xlarge");
	assert_int_equal(it.types[0].efa_supported, 1);
	assert_int_equal(it.types[0].maximum_efa_interfaces, 32);
	assert_int_equal(it.types[0].nnetwork_cards, 32);
	assert_int_equal(it.types[0].network_cards[31].maximum_network_interfaces, 2);
	assert_int_equal(it.types[0].vcpus, 192);
	assert_int_equal(it.types[0].memory_mib, 2097152);
	assert_int_equal(it.types[0].gpus[0].count, 8);
	assert_string_equal(it.types[0].network_performance, "3200 Gigabit");
	ec2_instance_types_free(&it);

	ec2_filter_t only_p5[] = {{"instance-type", types, 1}};
	ec2_describe_req_t oreq = {.filters = only_p5, .nfilters = 1};
	ec2_offerings_t off = {0};
	g = (got_t){.res = &off};
	MUST(ec2_describe_instance_type_offerings(client, "availability-zone", &oreq, on_offerings,
	                                          &g),
	     &g);
	assert_int_equal(off.n, 6);
	for (size_t i = 0; i < off.n; i++) {
		assert_string_equal(off.offerings[i].instance_type, "p5.48xlarge");
		assert_string_equal(off.offerings[i].location_type, "availability-zone");
	}
	ec2_offerings_free(&off);
}

static void test_ec2_instances(void **state)
{
	(void)state;
	aws_params_t p = {0};
	aws_params_add(&p, "ImageId", "ami-12c6146b");
	aws_params_add(&p, "MinCount", "1");
	aws_params_add(&p, "MaxCount", "1");
	aws_params_add(&p, "InstanceType", "t3.micro");
	aws_params_add(&p, "Placement.AvailabilityZone", "us-east-1c");
	aws_params_add(&p, "TagSpecification.1.ResourceType", "instance");
	aws_params_add(&p, "TagSpecification.1.Tag.1.Key", "Name");
	aws_params_add(&p, "TagSpecification.1.Tag.1.Value", "nixl-node");
	moto_reply_t r;
	assert_int_equal(moto_query(client, "ec2", "RunInstances", EC2_VERSION, &p, &r), 0);
	aws_params_free(&p);
	const char *at = strstr(r.body, "<instanceId>");
	assert_non_null(at);
	char id[32] = "";
	sscanf(at + 12, "%31[^<]", id);
	free(r.body);

	const char *ids[] = {id};
	ec2_describe_req_t req = {.ids = ids, .nids = 1};
	ec2_instances_t v = {0};
	got_t g = {.res = &v};
	MUST(ec2_describe_instances(client, &req, on_instances, &g), &g);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.instances[0].instance_id, id);
	assert_string_equal(v.instances[0].instance_type, "t3.micro");
	assert_string_equal(v.instances[0].state, "running");
	assert_string_equal(v.instances[0].availability_zone, "us-east-1c");
	assert_non_null(v.instances[0].private_ip);
	assert_string_equal(ec2_instance_tag(&v.instances[0], "Name"), "nixl-node");
	ec2_instances_free(&v);

	/* By tag filter, and an unknown id as a clear EC2 error. */
	const char *name[] = {"nixl-node"};
	ec2_filter_t by_tag[] = {{"tag:Name", name, 1}};
	req = (ec2_describe_req_t){.filters = by_tag, .nfilters = 1};
	g = (got_t){.res = &v};
	MUST(ec2_describe_instances(client, &req, on_instances, &g), &g);
	assert_int_equal(v.n, 1);
	ec2_instances_free(&v);
	const char *nope[] = {"i-0123456789abcdef0"};
	req = (ec2_describe_req_t){.ids = nope, .nids = 1};
	g = (got_t){.res = &v};
	assert_int_equal(finish(ec2_describe_instances(client, &req, on_instances, &g), &g), -1);
	assert_string_equal(g.err.code, "InvalidInstanceID.NotFound");

	/* SSM against that node: moto runs nothing but reports the command. */
	const char *cmds[] = {"fi_info -p efa"};
	ssm_send_command_req_t sreq = {.instance_ids = ids, .ninstance_ids = 1, .commands = cmds,
	                               .ncommands = 1, .timeout_seconds = 60,
	                               .comment = "nixl efa-check",
	                               .cloudwatch_log_group = "/nixl/moto"};
	ssm_send_command_result_t sent = {0};
	g = (got_t){.res = &sent};
	MUST(ssm_send_command(client, &sreq, on_send, &g), &g);
	assert_non_null(sent.command.command_id);
	assert_string_equal(sent.command.document_name, "AWS-RunShellScript");
	assert_string_equal(sent.command.comment, "nixl efa-check");
	ssm_invocation_t inv = {0};
	g = (got_t){.res = &inv};
	MUST(ssm_get_command_invocation(client, sent.command.command_id, id, on_invocation, &g), &g);
	assert_string_equal(inv.command_id, sent.command.command_id);
	assert_string_equal(inv.instance_id, id);
	assert_true(ssm_invocation_status_is_final(inv.status));
	ssm_invocation_free(&inv);
	ssm_send_command_result_free(&sent);
}

/* What moto lacks comes back as an error the user can read, never as a crash. */
static void test_unimplemented_calls_fail_cleanly(void **state)
{
	(void)state;
	ec2_capacity_reservations_t cr = {0};
	got_t g = {.res = &cr};
	assert_int_equal(finish(ec2_describe_capacity_reservations(client, NULL, on_reservations,
	                                                           &g),
	                        &g),
	                 -1);
	assert_int_equal(g.err.kind, AWS_ERR_SERVICE);
	assert_int_equal(g.err.http_status, 500);
	assert_string_equal(g.err.code, "Http500");
	assert_int_equal(g.err.attempts, 3); /* 5xx is retried */
	char s[1400];
	aws_error_sentence(&g.err, s, sizeof s);
	assert_null(strchr(s, '<'));

	ssm_instance_infos_t infos = {0};
	g = (got_t){.res = &infos};
	assert_int_equal(
		finish(ssm_describe_instance_information(client, NULL, 0, NULL, on_infos, &g), &g), -1);
	assert_int_equal(g.err.kind, AWS_ERR_SERVICE);
	assert_string_equal(g.err.code, "Http500");
	assert_string_equal(g.err.service, "ssm");
	assert_string_equal(g.err.operation, "DescribeInstanceInformation");
	assert_string_equal(g.err.message, "the service replied HTTP 500 Internal Server Error with a "
	                                   "body that is not an AWS error (265 bytes)");
}

static void md5_etag(const void *data, size_t len, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_Digest(data, len, md, &n, EVP_md5(), NULL);
	out[0] = '"';
	for (unsigned i = 0; i < n; i++) sprintf(out + 1 + 2 * i, "%02x", md[i]);
	strcpy(out + 1 + 2 * n, "\"");
}

static void put_and_check(const char *key, const void *data, size_t len)
{
	s3_put_result_t put = {0};
	got_t g = {.res = &put};
	MUST(s3_put_object(client, "nixl-moto", key, data, len, on_put, &g), &g);
	char want[40];
	md5_etag(data, len, want);
	assert_string_equal(put.etag, want);
	s3_put_result_free(&put);
	/* Read it back raw: every byte as sent. */
	char path[256];
	snprintf(path, sizeof path, "/nixl-moto/%s", key);
	moto_reply_t r = {0};
	assert_non_null(aws_call_rest(client, "s3", "GetObject", "GET", path, NULL, NULL, 0, NULL, 0,
	                              moto_on_reply, &r));
	assert_int_equal(aws_client_wait(client, &r.done, MOTO_CALL_DEADLINE_MS), 0);
	assert_false(r.failed);
	assert_int_equal(r.body_len, len);
	if (len) assert_memory_equal(r.body, data, len);
	free(r.body);
}

static void test_s3_objects(void **state)
{
	(void)state;
	moto_reply_t r = {0};
	assert_non_null(aws_call_rest(client, "s3", "CreateBucket", "PUT", "/nixl-moto", NULL, NULL,
	                              0, NULL, 0, moto_on_reply, &r));
	assert_int_equal(aws_client_wait(client, &r.done, MOTO_CALL_DEADLINE_MS), 0);
	assert_false(r.failed);
	free(r.body);

	unsigned char all[256];
	for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
	put_and_check("bin/all-bytes", all, sizeof all);
	put_and_check("bin/empty", "", 0);
	size_t big_len = 5u * 1024 * 1024;
	unsigned char *big = malloc(big_len);
	assert_non_null(big);
	for (size_t i = 0; i < big_len; i++) big[i] = (unsigned char)(i * 2654435761u >> 13);
	put_and_check("bin/five-mib", big, big_len);
	free(big);

	/* 25 keys, 10 a page: 3 pages, every key once, in order. (No '/' in the prefix:
	 * moto checks S3 query signatures on the decoded query and refuses "prefix=a%2F",
	 * from any SDK.) */
	for (int i = 0; i < 25; i++) {
		char key[32];
		snprintf(key, sizeof key, "page-k%02d", i);
		s3_put_result_t put = {0};
		got_t g = {.res = &put};
		MUST(s3_put_object(client, "nixl-moto", key, key, strlen(key), on_put, &g), &g);
		s3_put_result_free(&put);
	}
	char *token = NULL;
	int pages = 0, seen = 0;
	const char *keys[25];
	char names[25][32];
	do {
		s3_list_req_t req = {.bucket = "nixl-moto", .prefix = "page-", .max_keys = 10,
		                     .continuation_token = token};
		s3_list_result_t l = {0};
		got_t g = {.res = &l};
		MUST(s3_list_objects_v2(client, &req, on_list, &g), &g);
		pages++;
		assert_int_equal(l.n, pages < 3 ? 10 : 5);
		assert_int_equal(l.key_count, (int)l.n);
		for (size_t i = 0; i < l.n; i++, seen++) {
			snprintf(names[seen], sizeof names[seen], "page-k%02d", seen);
			assert_string_equal(l.objects[i].key, names[seen]);
			assert_int_equal(l.objects[i].size, (long long)strlen(names[seen]));
			keys[seen] = names[seen];
		}
		free(token);
		token = l.next_continuation_token;
		l.next_continuation_token = NULL;
		assert_int_equal(l.is_truncated, token != NULL);
		s3_list_result_free(&l);
		assert_true(pages <= 3);
	} while (token);
	assert_int_equal(pages, 3);
	assert_int_equal(seen, 25);

	s3_delete_result_t del = {0};
	got_t g = {.res = &del};
	MUST(s3_delete_objects(client, "nixl-moto", keys, 25, 1, on_delete, &g), &g);
	assert_int_equal(del.nerrors, 0);
	s3_delete_result_free(&del);
	const char *bin[] = {"bin/all-bytes", "bin/empty", "bin/five-mib"};
	g = (got_t){.res = &del};
	MUST(s3_delete_objects(client, "nixl-moto", bin, 3, 0, on_delete, &g), &g);
	assert_int_equal(del.ndeleted, 3);
	assert_string_equal(del.deleted[0], "bin/all-bytes");
	s3_delete_result_free(&del);

	s3_list_req_t req = {.bucket = "nixl-moto"};
	s3_list_result_t l = {0};
	g = (got_t){.res = &l};
	MUST(s3_list_objects_v2(client, &req, on_list, &g), &g);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.is_truncated, 0);
	s3_list_result_free(&l);

	/* A missing bucket: S3's own error shape, one sentence. */
	s3_list_req_t nob = {.bucket = "nixl-no-such-bucket"};
	g = (got_t){.res = &l};
	assert_int_equal(finish(s3_list_objects_v2(client, &nob, on_list, &g), &g), -1);
	assert_string_equal(g.err.code, "NoSuchBucket");
	assert_int_equal(g.err.http_status, 404);
}

static void test_ssm_parameters(void **state)
{
	(void)state;
	ssm_put_parameter_req_t put = {.name = "/nixl/moto/ami", .value = "ami-1"};
	ssm_put_parameter_result_t pr = {0};
	got_t g = {.res = &pr};
	MUST(ssm_put_parameter(client, &put, on_put_parameter, &g), &g);
	assert_int_equal(pr.version, 1);
	ssm_put_parameter_result_free(&pr);
	/* Without Overwrite an existing parameter is refused... */
	put.value = "ami-2";
	g = (got_t){.res = &pr};
	assert_int_equal(finish(ssm_put_parameter(client, &put, on_put_parameter, &g), &g), -1);
	assert_string_equal(g.err.code, "ParameterAlreadyExists");
	/* ...with it, a new version. */
	put.overwrite = 1;
	g = (got_t){.res = &pr};
	MUST(ssm_put_parameter(client, &put, on_put_parameter, &g), &g);
	assert_int_equal(pr.version, 2);
	ssm_put_parameter_result_free(&pr);

	ssm_parameter_t p = {0};
	g = (got_t){.res = &p};
	MUST(ssm_get_parameter(client, "/nixl/moto/ami", 0, on_parameter, &g), &g);
	assert_string_equal(p.value, "ami-2");
	assert_string_equal(p.type, "String");
	assert_int_equal(p.version, 2);
	ssm_parameter_free(&p);

	g = (got_t){.res = &p};
	assert_int_equal(finish(ssm_get_parameter(client, "/nixl/moto/none", 0, on_parameter, &g), &g),
	                 -1);
	assert_string_equal(g.err.code, "ParameterNotFound");
	char s[1400];
	aws_error_sentence(&g.err, s, sizeof s);
	const char *want = "ssm GetParameter failed: Parameter /nixl/moto/none not found "
	                   "(ParameterNotFound, HTTP 400, request id ";
	assert_memory_equal(s, want, strlen(want));
}

static void raw_json(const char *op, cJSON *body)
{
	moto_reply_t r = {0};
	assert_non_null(aws_call_json(client, "logs", LOGS_TARGET, op, body, moto_on_reply, &r));
	assert_int_equal(aws_client_wait(client, &r.done, MOTO_CALL_DEADLINE_MS), 0);
	if (r.failed) {
		char s[1400];
		fail_msg("%s", aws_error_sentence(&r.err, s, sizeof s));
	}
	free(r.body);
	cJSON_Delete(body);
}

static void test_logs_paging_to_the_end(void **state)
{
	(void)state;
	cJSON *b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "logGroupName", "/nixl/moto");
	raw_json("CreateLogGroup", b);
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "logGroupName", "/nixl/moto");
	cJSON_AddStringToObject(b, "logStreamName", "node-a/stdout");
	raw_json("CreateLogStream", b);
	/* moto drops events older than 14 days: stamp them now. */
	double now_ms = (double)time(NULL) * 1000.0;
	b = cJSON_CreateObject();
	cJSON_AddStringToObject(b, "logGroupName", "/nixl/moto");
	cJSON_AddStringToObject(b, "logStreamName", "node-a/stdout");
	cJSON *evs = cJSON_AddArrayToObject(b, "logEvents");
	for (int i = 0; i < 25; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "timestamp", now_ms + i);
		char msg[32];
		snprintf(msg, sizeof msg, "line %02d", i);
		cJSON_AddStringToObject(e, "message", msg);
		cJSON_AddItemToArray(evs, e);
	}
	raw_json("PutLogEvents", b);

	char *token = NULL;
	int seen = 0, pages = 0;
	for (;;) {
		logs_get_events_req_t req = {.group = "/nixl/moto", .stream = "node-a/stdout",
		                             .start_from_head = 1, .next_token = token, .limit = 10};
		logs_events_t page = {0};
		got_t g = {.res = &page};
		MUST(logs_get_log_events(client, &req, on_log_events, &g), &g);
		pages++;
		int end = logs_events_at_end(&page, token);
		for (size_t i = 0; i < page.n; i++, seen++) {
			char want[32];
			snprintf(want, sizeof want, "line %02d", seen);
			assert_string_equal(page.events[i].message, want);
		}
		free(token);
		token = page.next_forward_token;
		page.next_forward_token = NULL;
		logs_events_free(&page);
		if (end) break;
		assert_true(pages < 10);
	}
	free(token);
	assert_int_equal(seen, 25);
	/* 10 + 10 + 5, then the page that shows the end. */
	assert_int_equal(pages, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity_with_right_key),
		cmocka_unit_test(test_wrong_secret_is_a_clear_error),
		cmocka_unit_test(test_assume_role_profile),
		cmocka_unit_test(test_cfn_stack_lifecycle),
		cmocka_unit_test(test_ec2_describes),
		cmocka_unit_test(test_ec2_instances),
		cmocka_unit_test(test_unimplemented_calls_fail_cleanly),
		cmocka_unit_test(test_s3_objects),
		cmocka_unit_test(test_ssm_parameters),
		cmocka_unit_test(test_logs_paging_to_the_end),
	};
	return cmocka_run_group_tests_name("moto", tests, group_setup, group_teardown);
}

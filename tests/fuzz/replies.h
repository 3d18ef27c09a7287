/* Every AWS reply the client decodes by a shape table (src/aws/shape.h): what
 * tests/test_shape.c checks table by table and the fuzzers (fuzz_xml.c, fuzz_json.c) feed
 * every input to. tests/docs/test_replies.sh fails when a SHAPE_XML_REPLY or
 * SHAPE_JSON_REPLY in src/aws, or a reply declared by hand, is missing here. */
#ifndef NIXL_TESTS_FUZZ_REPLIES_H
#define NIXL_TESTS_FUZZ_REPLIES_H

#include <stddef.h>
#include <stdlib.h>

#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/ec2_addresses.h"
#include "aws/logs.h"
#include "aws/quotas.h"
#include "aws/s3.h"
#include "aws/sagemaker.h"
#include "aws/shape.h"
#include "aws/ssm.h"
#include "aws/sts.h"
#include "aws/sts_role.h"

typedef struct test_reply {
	const char *name;
	const shape_reply_t *reply;
} test_reply_t;

#define REPLY(parse) { #parse, &parse##_reply }
static const test_reply_t test_replies[] = {
	REPLY(cfn_parse_create_stack),
	REPLY(cfn_parse_describe_stack_events),
	REPLY(cfn_parse_describe_stack_resources),
	REPLY(cfn_parse_describe_stacks),
	REPLY(cfn_parse_validate_template),
	REPLY(ec2_parse_describe_addresses),
	REPLY(ec2_parse_describe_availability_zones),
	REPLY(ec2_parse_describe_capacity_block_offerings),
	REPLY(ec2_parse_describe_capacity_reservations),
	REPLY(ec2_parse_describe_images),
	REPLY(ec2_parse_describe_instance_type_offerings),
	REPLY(ec2_parse_describe_instance_types),
	REPLY(ec2_parse_describe_instances),
	REPLY(ec2_parse_describe_internet_gateways),
	REPLY(ec2_parse_describe_route_tables),
	REPLY(ec2_parse_describe_security_groups),
	REPLY(ec2_parse_describe_subnets),
	REPLY(ec2_parse_describe_vpc_endpoints),
	REPLY(ec2_parse_describe_vpcs),
	REPLY(ec2_parse_purchase_capacity_block),
	REPLY(logs_parse_describe_log_streams),
	REPLY(logs_parse_get_log_events),
	REPLY(quotas_parse_get_service_quota),
	REPLY(s3_parse_delete_objects),
	REPLY(s3_parse_list_objects_v2),
	REPLY(sagemaker_parse_describe_mlflow_tracking_server),
	REPLY(ssm_parse_describe_instance_information),
	REPLY(ssm_parse_get_command_invocation),
	REPLY(ssm_parse_get_parameter),
	REPLY(ssm_parse_list_command_invocations),
	REPLY(ssm_parse_put_parameter),
	REPLY(ssm_parse_send_command),
	REPLY(sts_parse_assume_role),
	REPLY(sts_parse_assume_role_with_web_identity),
	REPLY(sts_parse_get_caller_identity),
};
#undef REPLY
#define TEST_NREPLIES (sizeof test_replies / sizeof test_replies[0])

/* Decodes body by r into a zeroed struct of its shape's size and frees what it got:
 * what each typed parse does, for a reply of any type. The decoder's result. */
static inline int test_reply_run(const shape_reply_t *r, const char *body, size_t len,
                                 aws_error_t *err)
{
	void *out = calloc(1, r->shape->size);
	if (!out) return -1;
	int rc = shape_reply(r, body, len, out, err);
	shape_free(r->shape, out);
	free(out);
	return rc;
}

#endif

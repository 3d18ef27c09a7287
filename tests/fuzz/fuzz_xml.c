/* The Query / EC2 / REST-XML reply parsers (cfn, ec2, s3, sts, the AssumeRole step of
 * the credential chain) and the error-reply parser. The root element picks the typed
 * parser, as the call that sent the request would; every input also goes through
 * aws_error_parse, which is handed replies of any shape. */
#include "fuzz.h"

#include "aws/cfn.h"
#include "aws/creds.h"
#include "aws/creds_fetch.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "aws/xml.h"

#define PARSER(fn, type, free_fn)                                                 \
	static void run_##fn(const char *body, size_t len)                        \
	{                                                                         \
		type r;                                                           \
		aws_error_t e;                                                    \
		memset(&r, 0, sizeof r);                                          \
		fn(body, len, &r, &e);                                            \
		free_fn(&r);                                                      \
	}

PARSER(cfn_parse_create_stack, cfn_create_result_t, cfn_create_result_free)
PARSER(cfn_parse_describe_stacks, cfn_stacks_t, cfn_stacks_free)
PARSER(cfn_parse_describe_stack_events, cfn_events_t, cfn_events_free)
PARSER(cfn_parse_describe_stack_resources, cfn_resources_t, cfn_resources_free)
PARSER(cfn_parse_validate_template, cfn_template_info_t, cfn_template_info_free)
PARSER(ec2_parse_describe_vpcs, ec2_vpcs_t, ec2_vpcs_free)
PARSER(ec2_parse_describe_subnets, ec2_subnets_t, ec2_subnets_free)
PARSER(ec2_parse_describe_availability_zones, ec2_zones_t, ec2_zones_free)
PARSER(ec2_parse_describe_instance_types, ec2_instance_types_t, ec2_instance_types_free)
PARSER(ec2_parse_describe_instance_type_offerings, ec2_offerings_t, ec2_offerings_free)
PARSER(ec2_parse_describe_instances, ec2_instances_t, ec2_instances_free)
PARSER(ec2_parse_describe_security_groups, ec2_security_groups_t, ec2_security_groups_free)
PARSER(ec2_parse_describe_capacity_reservations, ec2_capacity_reservations_t,
       ec2_capacity_reservations_free)
PARSER(ec2_parse_describe_capacity_block_offerings, ec2_capacity_block_offerings_t,
       ec2_capacity_block_offerings_free)
PARSER(ec2_parse_purchase_capacity_block, ec2_purchase_result_t, ec2_purchase_result_free)
PARSER(s3_parse_list_objects_v2, s3_list_result_t, s3_list_result_free)
PARSER(s3_parse_delete_objects, s3_delete_result_t, s3_delete_result_free)
PARSER(sts_parse_get_caller_identity, sts_identity_t, sts_identity_free)
PARSER(sts_parse_assume_role, sts_credentials_t, sts_credentials_free)
PARSER(sts_parse_assume_role_with_web_identity, sts_credentials_t, sts_credentials_free)
PARSER(aws_creds_parse_assume_role, aws_creds_t, aws_creds_free)

static const struct {
	const char *root;
	void (*run)(const char *body, size_t len);
} parsers[] = {
	{"CreateStackResponse", run_cfn_parse_create_stack},
	{"DescribeStacksResponse", run_cfn_parse_describe_stacks},
	{"DescribeStackEventsResponse", run_cfn_parse_describe_stack_events},
	{"DescribeStackResourcesResponse", run_cfn_parse_describe_stack_resources},
	{"ValidateTemplateResponse", run_cfn_parse_validate_template},
	{"DescribeVpcsResponse", run_ec2_parse_describe_vpcs},
	{"DescribeSubnetsResponse", run_ec2_parse_describe_subnets},
	{"DescribeAvailabilityZonesResponse", run_ec2_parse_describe_availability_zones},
	{"DescribeInstanceTypesResponse", run_ec2_parse_describe_instance_types},
	{"DescribeInstanceTypeOfferingsResponse", run_ec2_parse_describe_instance_type_offerings},
	{"DescribeInstancesResponse", run_ec2_parse_describe_instances},
	{"DescribeSecurityGroupsResponse", run_ec2_parse_describe_security_groups},
	{"DescribeCapacityReservationsResponse", run_ec2_parse_describe_capacity_reservations},
	{"DescribeCapacityBlockOfferingsResponse", run_ec2_parse_describe_capacity_block_offerings},
	{"PurchaseCapacityBlockResponse", run_ec2_parse_purchase_capacity_block},
	{"ListBucketResult", run_s3_parse_list_objects_v2},
	{"DeleteResult", run_s3_parse_delete_objects},
	{"GetCallerIdentityResponse", run_sts_parse_get_caller_identity},
	{"AssumeRoleResponse", run_sts_parse_assume_role},
	{"AssumeRoleResponse", run_aws_creds_parse_assume_role},
	{"AssumeRoleWithWebIdentityResponse", run_sts_parse_assume_role_with_web_identity},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the HTTP engine hands every parser a NUL-terminated body */
	char *body = fuzz_cstr(data, size);
	if (!body) return 0;
	aws_error_t err;
	char sentence[2048];
	aws_error_parse(&err, body, size, NULL, NULL);
	aws_error_sentence(&err, sentence, sizeof sentence);
	aws_error_parse(&err, body, size, "req-1", "ValidationError:http://internal");
	aws_error_sentence(&err, sentence, sizeof sentence);

	xmlDoc *doc = xml_parse(body, size, &err);
	const char *root = doc ? xml_name(xml_root(doc)) : NULL;
	for (size_t i = 0; root && i < sizeof parsers / sizeof *parsers; i++)
		if (strcmp(parsers[i].root, root) == 0) parsers[i].run(body, size);
	xmlFreeDoc(doc);

	s3_put_result_t put;
	s3_parse_put_object(body, &put, &err);
	s3_put_result_free(&put);
	free(body);
	return 0;
}

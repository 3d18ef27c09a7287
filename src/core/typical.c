/* Typical durations per resource type, seconds on AWS (create, delete). Sources:
 * - AWS::IAM::InstanceProfile, about 2 minutes to create: CloudFormation waits out IAM's
 *   propagation before it reports the profile complete ("According to AWS there is a
 *   hardcoded 2min delay for creating instance profiles", citing the AWS forums thread
 *   messageID=593651, in github.com/hashicorp/terraform/issues/15341 and
 *   hashicorp/terraform-provider-aws issue #838; IAM is eventually consistent: IAM User
 *   Guide, "Troubleshoot IAM", docs.aws.amazon.com/IAM/latest/UserGuide/
 *   troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 * - AWS::EC2::Instance, about 45 s from RunInstances to running, about 40 s to terminate;
 *   AWS::EC2::VPCEndpoint (interface), about a minute pending -> available; the rest are
 *   seconds. These are the durations the project's AWS simulator plays
 *   (tools/sandbox/README.md, "Durations"), kept equal so the sandbox and this estimate
 *   describe the same AWS. */
#include "core/typical.h"

#include <string.h>

static const struct {
	const char *type;
	double create, destroy;
} table[] = {
	{ "AWS::EC2::Instance", 45, 40 },
	{ "AWS::EC2::LaunchTemplate", 3, 2 },
	{ "AWS::EC2::SecurityGroup", 6, 3 },
	{ "AWS::EC2::SecurityGroupIngress", 2, 1 },
	{ "AWS::EC2::SecurityGroupEgress", 2, 1 },
	{ "AWS::EC2::PlacementGroup", 3, 2 },
	{ "AWS::EC2::NetworkInterface", 5, 3 },
	{ "AWS::EC2::EIP", 5, 3 },
	{ "AWS::EC2::VPC", 12, 3 },
	{ "AWS::EC2::Subnet", 5, 2 },
	{ "AWS::EC2::InternetGateway", 12, 3 },
	{ "AWS::EC2::VPCGatewayAttachment", 17, 12 },
	{ "AWS::EC2::RouteTable", 2, 2 },
	{ "AWS::EC2::Route", 17, 2 },
	{ "AWS::EC2::SubnetRouteTableAssociation", 2, 2 },
	{ "AWS::EC2::VPCEndpoint", 70, 60 },
	{ "AWS::IAM::Role", 15, 3 },
	{ "AWS::IAM::Policy", 17, 2 },
	{ "AWS::IAM::ManagedPolicy", 12, 2 },
	{ "AWS::IAM::InstanceProfile", 120, 10 },
	{ "AWS::S3::Bucket", 22, 2 },
	{ "AWS::S3::BucketPolicy", 2, 1 },
	{ "AWS::SSM::Parameter", 2, 1 },
	{ "AWS::Logs::LogGroup", 2, 1 },
};

double typical_seconds(const char *type, int deleting)
{
	for (size_t i = 0; type && i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].type, type) == 0) return deleting ? table[i].destroy : table[i].create;
	return deleting ? 3 : 5;
}

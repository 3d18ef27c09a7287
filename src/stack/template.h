/* The CloudFormation template for a deployment configuration (what `cdk synth` of the
 * users' CDK stack produced, built directly with cJSON and fixed where that stack was
 * wrong: capacity settings live only in launch templates, and every node gets a public
 * IPv4 through an Elastic IP on its primary network interface).
 *
 * Parameters the deploy step fills (defaults where the configuration knows them):
 *   VpcId     AWS::EC2::VPC::Id     the VPC (config vpcId; else the default VPC)
 *   VpcCidr   String                the VPC's IPv4 CIDR; vllmPort/8000/8200 open to it
 *   SubnetId  AWS::EC2::Subnet::Id  subnet of the nodes (config subnetId; else the
 *                                   VPC's default subnet in the chosen zone)
 *   AmiId     SSM parameter type    defaults to the DLAMI parameter for the type
 * Outputs (exported as "<stack>-<Key>"): Node<N>InstanceId, Node<N>PublicIp,
 * Node<N>PrivateIp for N = 1..nodeCount, ScriptsBucketName, SecurityGroupId,
 * PlacementGroupName. Logical ids: Node<N> (the instances), ScriptsBucket,
 * SecurityGroup, PlacementGroup, InstanceRole, InstanceProfile. */
#ifndef NIXL_STACK_TEMPLATE_H
#define NIXL_STACK_TEMPLATE_H

#include <cjson/cJSON.h>

#include "catalog/config.h"

/* CreateStack's limits ("Understand CloudFormation quotas", AWS CloudFormation User
 * Guide, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
 * a template body sent in the request takes at most 51,200 bytes; a larger one goes by
 * TemplateURL, an S3 object of at most 460,800 bytes (the quotas page; CreateStack's API
 * reference now says 1 MB: the smaller figure is kept so the template fits either).
 * 16 x p5.48xlarge, the largest rendering, is about 143 kB. */
#define TEMPLATE_BODY_MAX 51200
#define TEMPLATE_URL_MAX 460800

typedef struct template_opts {
	const char *owner;  /* Owner tag; NULL: projectPrefix, else "nixl-tui" */
	/* What preflight learnt of the capacity reservation (DescribeCapacityReservations);
	 * without it (reservation_checked 0) the configuration decides. */
	int reservation_checked;
	int capacity_block;             /* its ReservationType is capacity-block */
	const char *placement_group;    /* the reservation's own cluster placement group, or NULL */
	const char *root_device;        /* the AMI's root device name (DescribeImages); NULL: /dev/sda1 */
} template_opts_t;

/* The template as a cJSON tree (caller deletes), for a configuration that passed
 * config_validate. NULL when memory runs out. opts may be NULL. */
cJSON *template_build(const config_t *cfg, const template_opts_t *opts);

/* The same, rendered: pretty (tab-indented) or compact. malloc'd; NULL on OOM. */
char *template_render(const config_t *cfg, const template_opts_t *opts, int pretty);

#endif

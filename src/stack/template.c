#include "stack/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

/* Builder state: any failed allocation sets oom, checked once at the end. */
typedef struct tb {
	int oom;
	const config_t *cfg;
	const catalog_instance_t *it;   /* NULL for a type outside the catalog */
	const char *type;
	const char *owner;
	int efa;                        /* EFA interfaces per node */
	int block;                      /* launch into a Capacity Block (MarketType capacity-block) */
	int own_group;                  /* the stack creates its cluster placement group */
	const char *group;              /* else the nodes' existing placement group, or NULL */
	const char *root_device;        /* the AMI's root device name */
} tb_t;

static cJSON *chk(tb_t *b, cJSON *item)
{
	if (!item) b->oom = 1;
	return item;
}

static cJSON *add(tb_t *b, cJSON *obj, const char *key, cJSON *item)
{
	if (!item || !obj || !cJSON_AddItemToObject(obj, key, item)) {
		b->oom = 1;
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static cJSON *push(tb_t *b, cJSON *arr, cJSON *item)
{
	if (!item || !arr || !cJSON_AddItemToArray(arr, item)) {
		b->oom = 1;
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

static cJSON *str(tb_t *b, const char *s) { return chk(b, cJSON_CreateString(s)); }
static cJSON *num(tb_t *b, double n) { return chk(b, cJSON_CreateNumber(n)); }
static cJSON *boolean(tb_t *b, int v) { return chk(b, cJSON_CreateBool(v)); }
static cJSON *obj(tb_t *b) { return chk(b, cJSON_CreateObject()); }
static cJSON *arr(tb_t *b) { return chk(b, cJSON_CreateArray()); }

static cJSON *fn1(tb_t *b, const char *fn, cJSON *arg)
{
	cJSON *o = obj(b);
	add(b, o, fn, arg);
	return o;
}

static cJSON *ref(tb_t *b, const char *name) { return fn1(b, "Ref", str(b, name)); }
static cJSON *sub(tb_t *b, const char *text) { return fn1(b, "Fn::Sub", str(b, text)); }

static cJSON *getatt(tb_t *b, const char *res, const char *attr)
{
	cJSON *a = arr(b);
	push(b, a, str(b, res));
	push(b, a, str(b, attr));
	return fn1(b, "Fn::GetAtt", a);
}

static cJSON *list1(tb_t *b, cJSON *item)
{
	cJSON *a = arr(b);
	push(b, a, item);
	return a;
}

static void tag(tb_t *b, cJSON *tags, const char *key, const char *value)
{
	cJSON *t = push(b, tags, obj(b));
	add(b, t, "Key", str(b, key));
	add(b, t, "Value", str(b, value));
}

/* The tags every taggable resource carries. */
static cJSON *common_tags(tb_t *b)
{
	cJSON *tags = arr(b);
	tag(b, tags, "Environment", config_get(b->cfg, CONFIG_ENVIRONMENT));
	tag(b, tags, "Project", "NIXL-EFA");
	tag(b, tags, "Owner", b->owner);
	tag(b, tags, "ManagedBy", "nixl-tui");
	return tags;
}

static cJSON *resource(tb_t *b, cJSON *resources, const char *id, const char *type,
                       cJSON **props)
{
	cJSON *r = add(b, resources, id, obj(b));
	add(b, r, "Type", str(b, type));
	*props = add(b, r, "Properties", obj(b));
	return r;
}

static void parameters(tb_t *b, cJSON *root)
{
	cJSON *ps = add(b, root, "Parameters", obj(b));
	cJSON *p = add(b, ps, "VpcId", obj(b));
	add(b, p, "Type", str(b, "AWS::EC2::VPC::Id"));
	add(b, p, "Description", str(b, "VPC of the nodes (the deploy step passes the default VPC)"));
	if (config_get(b->cfg, CONFIG_VPC_ID)) add(b, p, "Default", str(b, config_get(b->cfg, CONFIG_VPC_ID)));

	p = add(b, ps, "VpcCidr", obj(b));
	add(b, p, "Type", str(b, "String"));
	add(b, p, "Description", str(b, "IPv4 CIDR of the VPC; the service ports are open to it only"));
	add(b, p, "AllowedPattern",
	    str(b, "^(\\d{1,3}\\.){3}\\d{1,3}/(\\d|[12]\\d|3[0-2])$"));

	p = add(b, ps, "SubnetId", obj(b));
	add(b, p, "Type", str(b, "AWS::EC2::Subnet::Id"));
	add(b, p, "Description", str(b, "Subnet of the nodes, in the chosen availability zone"));
	if (config_get(b->cfg, CONFIG_SUBNET_ID))
		add(b, p, "Default", str(b, config_get(b->cfg, CONFIG_SUBNET_ID)));

	/* A parameter rather than a literal: the zone must match SubnetId's, which the deploy
	 * step picks; empty leaves the zone to the subnet. */
	p = add(b, ps, "AvailabilityZone", obj(b));
	add(b, p, "Type", str(b, "String"));
	add(b, p, "Description", str(b, "Availability zone of the nodes (empty: the subnet's)"));
	add(b, p, "Default", str(b, config_get(b->cfg, CONFIG_AVAILABILITY_ZONE)
	                                ? config_get(b->cfg, CONFIG_AVAILABILITY_ZONE) : ""));

	p = add(b, ps, "AmiId", obj(b));
	add(b, p, "Type", str(b, "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>"));
	add(b, p, "Description", str(b, "Public SSM parameter naming the Deep Learning AMI"));
	add(b, p, "Default", str(b, catalog_ami_parameter(b->type)));
}

static void ingress_rule(tb_t *b, cJSON *rules, long port, const char *what)
{
	cJSON *r = push(b, rules, obj(b));
	add(b, r, "IpProtocol", str(b, "tcp"));
	add(b, r, "FromPort", num(b, (double)port));
	add(b, r, "ToPort", num(b, (double)port));
	add(b, r, "CidrIp", ref(b, "VpcCidr"));
	add(b, r, "Description", str(b, what));
}

/* All egress; vLLM, the NIXL side channel (8000) and the KV router (8200) from the
 * VPC only; everything from and to the group itself, which EFA needs (the EFA guide's
 * security group: inbound and outbound all traffic with the group as source/dest).
 * The self rules are separate resources because a group cannot name itself inline.
 * No port 22: nodes are reached through SSM. */
static void security_group(tb_t *b, cJSON *res)
{
	cJSON *p;
	resource(b, res, "SecurityGroup", "AWS::EC2::SecurityGroup", &p);
	add(b, p, "GroupDescription", str(b, "nixl-tui EFA nodes: EFA between members, service ports from the VPC"));
	add(b, p, "VpcId", ref(b, "VpcId"));
	cJSON *in = add(b, p, "SecurityGroupIngress", arr(b));
	long vllm = config_int(b->cfg, CONFIG_VLLM_PORT);
	static const struct { long port; const char *what; } fixed[] = {
		{ 8000, "NIXL side channel from the VPC" },
		{ 8200, "KV-cache router from the VPC" },
	};
	ingress_rule(b, in, vllm, "vLLM from the VPC");
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (fixed[i].port != vllm) ingress_rule(b, in, fixed[i].port, fixed[i].what);
	cJSON *out = add(b, p, "SecurityGroupEgress", arr(b));
	cJSON *e = push(b, out, obj(b));
	add(b, e, "IpProtocol", str(b, "-1"));
	add(b, e, "CidrIp", str(b, "0.0.0.0/0"));
	add(b, e, "Description", str(b, "all outbound (SSM, S3, package mirrors)"));
	add(b, p, "Tags", common_tags(b));

	resource(b, res, "SecurityGroupSelfIngress", "AWS::EC2::SecurityGroupIngress", &p);
	add(b, p, "GroupId", getatt(b, "SecurityGroup", "GroupId"));
	add(b, p, "IpProtocol", str(b, "-1"));
	add(b, p, "SourceSecurityGroupId", getatt(b, "SecurityGroup", "GroupId"));
	add(b, p, "Description", str(b, "EFA: all traffic between the nodes"));

	resource(b, res, "SecurityGroupSelfEgress", "AWS::EC2::SecurityGroupEgress", &p);
	add(b, p, "GroupId", getatt(b, "SecurityGroup", "GroupId"));
	add(b, p, "IpProtocol", str(b, "-1"));
	add(b, p, "DestinationSecurityGroupId", getatt(b, "SecurityGroup", "GroupId"));
	add(b, p, "Description", str(b, "EFA: all traffic between the nodes"));
}

static cJSON *bucket_arn(tb_t *b, const char *suffix)
{
	char text[64];
	snprintf(text, sizeof text, "${ScriptsBucket.Arn}%s", suffix);
	return sub(b, text);
}

/* Encrypted (SSE-S3), no public access, TLS only. No auto-delete custom resource:
 * nixl-tui empties the bucket itself before deleting the stack. */
static void scripts_bucket(tb_t *b, cJSON *res)
{
	cJSON *p;
	resource(b, res, "ScriptsBucket", "AWS::S3::Bucket", &p);
	cJSON *enc = add(b, p, "BucketEncryption", obj(b));
	cJSON *rules = add(b, enc, "ServerSideEncryptionConfiguration", arr(b));
	cJSON *rule = push(b, rules, obj(b));
	cJSON *def = add(b, rule, "ServerSideEncryptionByDefault", obj(b));
	add(b, def, "SSEAlgorithm", str(b, "AES256"));
	cJSON *pab = add(b, p, "PublicAccessBlockConfiguration", obj(b));
	static const char *const blocks[] = { "BlockPublicAcls", "BlockPublicPolicy",
	                                      "IgnorePublicAcls", "RestrictPublicBuckets" };
	for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++)
		add(b, pab, blocks[i], boolean(b, 1));
	add(b, p, "Tags", common_tags(b));

	resource(b, res, "ScriptsBucketPolicy", "AWS::S3::BucketPolicy", &p);
	add(b, p, "Bucket", ref(b, "ScriptsBucket"));
	cJSON *doc = add(b, p, "PolicyDocument", obj(b));
	add(b, doc, "Version", str(b, "2012-10-17"));
	cJSON *st = push(b, add(b, doc, "Statement", arr(b)), obj(b));
	add(b, st, "Sid", str(b, "DenyInsecureTransport"));
	add(b, st, "Effect", str(b, "Deny"));
	add(b, st, "Principal", str(b, "*"));
	add(b, st, "Action", str(b, "s3:*"));
	cJSON *rs = add(b, st, "Resource", arr(b));
	push(b, rs, getatt(b, "ScriptsBucket", "Arn"));
	push(b, rs, bucket_arn(b, "/*"));
	cJSON *cond = add(b, add(b, st, "Condition", obj(b)), "Bool", obj(b));
	add(b, cond, "aws:SecureTransport", str(b, "false"));
}

static cJSON *statement(tb_t *b, cJSON *stmts, const char *sid, const char *const *actions,
                        size_t nactions)
{
	cJSON *st = push(b, stmts, obj(b));
	add(b, st, "Sid", str(b, sid));
	add(b, st, "Effect", str(b, "Allow"));
	cJSON *a = add(b, st, "Action", arr(b));
	for (size_t i = 0; i < nactions; i++) push(b, a, str(b, actions[i]));
	return add(b, st, "Resource", arr(b));
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* SSM core, this bucket only, SSM session/command logs, and the MLflow grants the CDK
 * stack gives when they are configured. */
static void instance_role(tb_t *b, cJSON *res)
{
	cJSON *p;
	resource(b, res, "InstanceRole", "AWS::IAM::Role", &p);
	cJSON *trust = add(b, p, "AssumeRolePolicyDocument", obj(b));
	add(b, trust, "Version", str(b, "2012-10-17"));
	cJSON *ts = push(b, add(b, trust, "Statement", arr(b)), obj(b));
	add(b, ts, "Effect", str(b, "Allow"));
	add(b, add(b, ts, "Principal", obj(b)), "Service", str(b, "ec2.amazonaws.com"));
	add(b, ts, "Action", str(b, "sts:AssumeRole"));
	add(b, p, "ManagedPolicyArns",
	    list1(b, sub(b, "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore")));

	cJSON *pol = push(b, add(b, p, "Policies", arr(b)), obj(b));
	add(b, pol, "PolicyName", str(b, "nixl-node"));
	cJSON *doc = add(b, pol, "PolicyDocument", obj(b));
	add(b, doc, "Version", str(b, "2012-10-17"));
	cJSON *stmts = add(b, doc, "Statement", arr(b));

	static const char *const bucket_actions[] = { "s3:ListBucket", "s3:GetBucketLocation" };
	static const char *const object_actions[] = { "s3:GetObject", "s3:PutObject",
	                                              "s3:DeleteObject" };
	push(b, statement(b, stmts, "ScriptsBucketList", bucket_actions, N_OF(bucket_actions)),
	     getatt(b, "ScriptsBucket", "Arn"));
	push(b, statement(b, stmts, "ScriptsBucketObjects", object_actions, N_OF(object_actions)),
	     bucket_arn(b, "/*"));

	static const char *const log_actions[] = { "logs:CreateLogGroup", "logs:CreateLogStream",
	                                           "logs:PutLogEvents", "logs:DescribeLogStreams" };
	cJSON *lr = statement(b, stmts, "SsmOutputLogs", log_actions, N_OF(log_actions));
	push(b, lr, sub(b, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/ssm/*"));
	push(b, lr, sub(b, "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/ssm/*:log-stream:*"));

	const char *tracking = config_get(b->cfg, CONFIG_MLFLOW_TRACKING_SERVER_ARN);
	if (tracking) {
		/* what the users' CDK stack granted: the server's API, a presigned URL for its UI,
		 * and its description (the sagemaker-mlflow plugin resolves the ARN with it) */
		static const char *const mlflow_actions[] = { "sagemaker-mlflow:*",
		                                              "sagemaker:CreatePresignedMlflowTrackingServerUrl",
		                                              "sagemaker:DescribeMlflowTrackingServer" };
		push(b, statement(b, stmts, "MlflowTrackingServer", mlflow_actions, N_OF(mlflow_actions)),
		     str(b, tracking));
	}
	const char *artifacts = config_get(b->cfg, CONFIG_MLFLOW_ARTIFACT_BUCKET_ARN);
	if (artifacts) {
		static const char *const art_actions[] = { "s3:GetObject", "s3:PutObject",
		                                           "s3:DeleteObject", "s3:ListBucket",
		                                           "s3:GetBucketLocation" };
		char objects[1100];
		snprintf(objects, sizeof objects, "%s/*", artifacts);
		cJSON *ar = statement(b, stmts, "MlflowArtifacts", art_actions, N_OF(art_actions));
		push(b, ar, str(b, artifacts));
		push(b, ar, str(b, objects));
	}
	add(b, p, "Tags", common_tags(b));

	resource(b, res, "InstanceProfile", "AWS::IAM::InstanceProfile", &p);
	add(b, p, "Roles", list1(b, ref(b, "InstanceRole")));
}

/* Runs once at first boot, as the CDK stack's user data did. */
static const char user_data[] =
	"#!/bin/bash\n"
	"set -eu\n"
	"echo \"AWS_REGION=${AWS::Region}\" >> /etc/environment\n"
	"echo \"AWS_DEFAULT_REGION=${AWS::Region}\" >> /etc/environment\n"
	"# the EFA installer's libibverbs ahead of the distribution's, for libfabric/NIXL\n"
	"echo 'export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libibverbs.so.1' >> /etc/profile.d/efa.sh\n"
	"# first boot races unattended-upgrades for the dpkg lock: wait for it\n"
	"apt-get -o DPkg::Lock::Timeout=600 update -y\n"
	"apt-get -o DPkg::Lock::Timeout=600 install -y jq\n";

/* The node's primary network interface, made here rather than by the launch so that
 * its id is known to the template: an Elastic IP can then be associated with it.
 *
 * Why: EC2 assigns no automatic public IPv4 when an instance is launched with more than
 * one network interface (multi-card EFA types) or onto an existing interface, and
 * AssociateAddress with an InstanceId is refused for an instance with several
 * interfaces ("specify a network interface ID"); AWS::EC2::Instance exposes no
 * attribute for its primary interface id. An EIPAssociation with NetworkInterfaceId
 * works for one interface or thirty-two, so every type takes the same path, and the
 * address exists before the instance boots (the SSM agent needs a way out of the
 * default VPC). */
static void node_network(tb_t *b, cJSON *res, int n, const char *name)
{
	char id[64], desc[96], eni[64], eip[64];
	cJSON *p;
	snprintf(eni, sizeof eni, "Node%dInterface", n);
	snprintf(eip, sizeof eip, "Node%dEip", n);

	resource(b, res, eni, "AWS::EC2::NetworkInterface", &p);
	snprintf(desc, sizeof desc, "%s primary interface%s", name, b->efa ? " (EFA)" : "");
	add(b, p, "Description", str(b, desc));
	add(b, p, "SubnetId", ref(b, "SubnetId"));
	add(b, p, "GroupSet", list1(b, getatt(b, "SecurityGroup", "GroupId")));
	if (b->efa) add(b, p, "InterfaceType", str(b, "efa"));
	cJSON *tags = add(b, p, "Tags", common_tags(b));
	tag(b, tags, "Name", name);

	resource(b, res, eip, "AWS::EC2::EIP", &p);
	add(b, p, "Domain", str(b, "vpc"));
	tags = add(b, p, "Tags", common_tags(b));
	tag(b, tags, "Name", name);

	snprintf(id, sizeof id, "Node%dEipAssociation", n);
	resource(b, res, id, "AWS::EC2::EIPAssociation", &p);
	add(b, p, "AllocationId", getatt(b, eip, "AllocationId"));
	add(b, p, "NetworkInterfaceId", ref(b, eni));
}

/* What AWS::EC2::Instance cannot say: the EFA interfaces on their network cards, the
 * capacity reservation / Capacity Block, IMDSv2, the encrypted gp3 root volume.
 * Interface i sits on network card i, device index 0 on card 0 (the primary) and 1 on
 * the others, as the EFA guide's multi-card configuration does ("Maximize network
 * bandwidth on instances with multiple network cards"; AWS PCS launch template
 * example). Every interface is "efa" (EFA with ENA), each with a private address;
 * AWS's P5 example makes some "efa-only" to save addresses, a refinement not needed
 * at a few nodes per default subnet. */
static void node_launch_template(tb_t *b, cJSON *res, int n, const char *name)
{
	char id[64], eni[64];
	cJSON *p;
	snprintf(id, sizeof id, "Node%dLaunchTemplate", n);
	snprintf(eni, sizeof eni, "Node%dInterface", n);
	resource(b, res, id, "AWS::EC2::LaunchTemplate", &p);
	cJSON *d = add(b, p, "LaunchTemplateData", obj(b));

	cJSON *nics = add(b, d, "NetworkInterfaces", arr(b));
	int count = b->efa > 0 ? b->efa : 1;
	for (int i = 0; i < count; i++) {
		int card, device;
		catalog_efa_slot(i, &card, &device);
		cJSON *nic = push(b, nics, obj(b));
		add(b, nic, "DeviceIndex", num(b, device));
		add(b, nic, "NetworkCardIndex", num(b, card));
		if (i == 0) {
			add(b, nic, "NetworkInterfaceId", ref(b, eni));
			continue;
		}
		add(b, nic, "InterfaceType", str(b, "efa"));
		add(b, nic, "SubnetId", ref(b, "SubnetId"));
		add(b, nic, "Groups", list1(b, getatt(b, "SecurityGroup", "GroupId")));
		add(b, nic, "DeleteOnTermination", boolean(b, 1));
	}

	cJSON *bdm = push(b, add(b, d, "BlockDeviceMappings", arr(b)), obj(b));
	add(b, bdm, "DeviceName", str(b, b->root_device));  /* the AMI's root: sized, not added */
	cJSON *ebs = add(b, bdm, "Ebs", obj(b));
	add(b, ebs, "VolumeSize", num(b, (double)config_int(b->cfg, CONFIG_VOLUME_SIZE)));
	add(b, ebs, "VolumeType", str(b, "gp3"));
	add(b, ebs, "Encrypted", boolean(b, 1));
	add(b, ebs, "DeleteOnTermination", boolean(b, 1));

	/* IMDSv2 only; hop limit 2 so containers on the node (vLLM) can reach it too. */
	cJSON *md = add(b, d, "MetadataOptions", obj(b));
	add(b, md, "HttpTokens", str(b, "required"));
	add(b, md, "HttpEndpoint", str(b, "enabled"));
	add(b, md, "HttpPutResponseHopLimit", num(b, 2));

	const char *cr = config_get(b->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	if (cr) {
		cJSON *crs = add(b, d, "CapacityReservationSpecification", obj(b));
		add(b, add(b, crs, "CapacityReservationTarget", obj(b)), "CapacityReservationId",
		    str(b, cr));
		if (b->block)
			add(b, add(b, d, "InstanceMarketOptions", obj(b)), "MarketType",
			    str(b, "capacity-block"));
	}
	const char *key = config_get(b->cfg, CONFIG_KEY_NAME);
	if (key) add(b, d, "KeyName", str(b, key));

	cJSON *ts = push(b, add(b, d, "TagSpecifications", arr(b)), obj(b));
	add(b, ts, "ResourceType", str(b, "volume"));
	cJSON *tags = add(b, ts, "Tags", common_tags(b));
	tag(b, tags, "Name", name);
}

static void node(tb_t *b, cJSON *res, int n)
{
	char id[64], name[64], lt[64], assoc[64];
	cJSON *p;
	snprintf(id, sizeof id, "Node%d", n);
	snprintf(name, sizeof name, "nixl-node%d", n);
	snprintf(lt, sizeof lt, "Node%dLaunchTemplate", n);
	snprintf(assoc, sizeof assoc, "Node%dEipAssociation", n);
	node_network(b, res, n, name);
	node_launch_template(b, res, n, name);

	cJSON *r = resource(b, res, id, "AWS::EC2::Instance", &p);
	/* the public address must be in place before first boot (user data, SSM agent) */
	add(b, r, "DependsOn", str(b, assoc));
	cJSON *ltr = add(b, p, "LaunchTemplate", obj(b));
	add(b, ltr, "LaunchTemplateId", ref(b, lt));
	add(b, ltr, "Version", getatt(b, lt, "LatestVersionNumber"));
	add(b, p, "InstanceType", str(b, b->type));
	add(b, p, "ImageId", ref(b, "AmiId"));
	add(b, p, "IamInstanceProfile", ref(b, "InstanceProfile"));
	if (b->own_group) add(b, p, "PlacementGroupName", ref(b, "PlacementGroup"));
	else if (b->group) add(b, p, "PlacementGroupName", str(b, b->group));
	cJSON *az = arr(b);
	push(b, az, str(b, "HasAvailabilityZone"));
	push(b, az, ref(b, "AvailabilityZone"));
	push(b, az, ref(b, "AWS::NoValue"));
	add(b, p, "AvailabilityZone", fn1(b, "Fn::If", az));
	add(b, p, "UserData", fn1(b, "Fn::Base64", sub(b, user_data)));
	cJSON *tags = add(b, p, "Tags", common_tags(b));
	tag(b, tags, "Name", name);
	tag(b, tags, "Role", n % 2 ? "producer" : "consumer");
}

static void output(tb_t *b, cJSON *outs, const char *key, const char *desc, cJSON *value)
{
	char name[96];
	cJSON *o = add(b, outs, key, obj(b));
	add(b, o, "Description", str(b, desc));
	add(b, o, "Value", value);
	snprintf(name, sizeof name, "${AWS::StackName}-%s", key);
	add(b, add(b, o, "Export", obj(b)), "Name", sub(b, name));
}

static void outputs(tb_t *b, cJSON *root, long nodes)
{
	cJSON *outs = add(b, root, "Outputs", obj(b));
	for (long n = 1; n <= nodes; n++) {
		char key[64], res[32], eip[32], desc[96];
		snprintf(res, sizeof res, "Node%ld", n);
		snprintf(eip, sizeof eip, "Node%ldEip", n);
		snprintf(key, sizeof key, "Node%ldInstanceId", n);
		snprintf(desc, sizeof desc, "Instance id of nixl-node%ld", n);
		output(b, outs, key, desc, ref(b, res));
		snprintf(key, sizeof key, "Node%ldPublicIp", n);
		snprintf(desc, sizeof desc, "Public IPv4 of nixl-node%ld (its Elastic IP)", n);
		output(b, outs, key, desc, ref(b, eip));  /* Ref of an EIP is its address */
		snprintf(key, sizeof key, "Node%ldPrivateIp", n);
		snprintf(desc, sizeof desc, "Private IPv4 of nixl-node%ld", n);
		output(b, outs, key, desc, getatt(b, res, "PrivateIp"));
	}
	output(b, outs, "ScriptsBucketName", "Bucket for the node scripts", ref(b, "ScriptsBucket"));
	output(b, outs, "SecurityGroupId", "Security group of the nodes",
	       getatt(b, "SecurityGroup", "GroupId"));
	if (b->own_group || b->group)
		output(b, outs, "PlacementGroupName", "Cluster placement group of the nodes",
		       b->own_group ? ref(b, "PlacementGroup") : str(b, b->group));
}

/* The effective configuration, for re-attaching to a stack later. */
static void metadata(tb_t *b, cJSON *root)
{
	cJSON *m = add(b, add(b, root, "Metadata", obj(b)), "NixlTui", obj(b));
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		if (k == CONFIG_VOLUME_SIZE || k == CONFIG_VLLM_PORT || k == CONFIG_NODE_COUNT) {
			add(b, m, config_key_name((config_key_t)k), num(b, (double)config_int(b->cfg, (config_key_t)k)));
			continue;
		}
		const char *v = config_get(b->cfg, (config_key_t)k);
		if (v) add(b, m, config_key_name((config_key_t)k), str(b, v));
	}
}

/* Where the nodes are placed. Without a reservation the stack makes a cluster placement
 * group. A Capacity Block is already placed: no placement group with it (AWS
 * ParallelCluster and AWS PCS say not to add one; it gives insufficient capacity). An
 * On-Demand Capacity Reservation made in a cluster placement group takes launches in that
 * group only ("Capacity Reservations for cluster placement groups", Amazon EC2 User
 * Guide), so the nodes go into its group, or into none. */
static void placement(tb_t *b, const template_opts_t *opts)
{
	int checked = opts && opts->reservation_checked;
	if (!config_get(b->cfg, CONFIG_CAPACITY_RESERVATION_ID)) {
		b->own_group = 1;
		return;
	}
	b->block = checked ? opts->capacity_block : config_use_capacity_block(b->cfg);
	if (!b->block && checked && opts->placement_group && *opts->placement_group)
		b->group = opts->placement_group;
}

cJSON *template_build(const config_t *cfg, const template_opts_t *opts)
{
	tb_t b = { .cfg = cfg, .type = config_instance_type(cfg) };
	b.it = catalog_lookup(b.type);
	b.efa = b.it ? b.it->efa_max : 1;
	b.owner = opts && opts->owner && *opts->owner ? opts->owner
	          : config_get(cfg, CONFIG_PROJECT_PREFIX) ? config_get(cfg, CONFIG_PROJECT_PREFIX)
	                                                     : "nixl-tui";
	long nodes = config_int(cfg, CONFIG_NODE_COUNT);
	placement(&b, opts);
	/* /dev/sda1: the root of the Ubuntu DLAMIs, when DescribeImages was not asked */
	b.root_device = opts && opts->root_device && *opts->root_device ? opts->root_device : "/dev/sda1";

	cJSON *root = obj(&b);
	add(&b, root, "AWSTemplateFormatVersion", str(&b, "2010-09-09"));
	char desc[160];
	snprintf(desc, sizeof desc, "nixl-tui: %ld x %s EFA cluster for NIXL disaggregated inference",
	         nodes, b.type);
	add(&b, root, "Description", str(&b, desc));
	metadata(&b, root);
	parameters(&b, root);
	cJSON *has_az = arr(&b);
	cJSON *eq = arr(&b);
	push(&b, eq, ref(&b, "AvailabilityZone"));
	push(&b, eq, str(&b, ""));
	push(&b, has_az, fn1(&b, "Fn::Equals", eq));
	add(&b, add(&b, root, "Conditions", obj(&b)), "HasAvailabilityZone", fn1(&b, "Fn::Not", has_az));
	cJSON *res = add(&b, root, "Resources", obj(&b));
	security_group(&b, res);
	cJSON *p;
	if (b.own_group) {
		resource(&b, res, "PlacementGroup", "AWS::EC2::PlacementGroup", &p);
		add(&b, p, "Strategy", str(&b, "cluster"));
		add(&b, p, "Tags", common_tags(&b));
	}
	scripts_bucket(&b, res);
	instance_role(&b, res);
	for (int n = 1; n <= nodes; n++) node(&b, res, n);
	outputs(&b, root, nodes);
	if (b.oom) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

char *template_render(const config_t *cfg, const template_opts_t *opts, int pretty)
{
	cJSON *t = template_build(cfg, opts);
	if (!t) return NULL;
	char *text = pretty ? cJSON_Print(t) : cJSON_PrintUnformatted(t);
	cJSON_Delete(t);
	return text;
}

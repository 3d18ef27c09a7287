/* The CloudFormation template, checked structurally on the parsed JSON. */
#include "testutil.h"

#include "stack/template.h"
#include "catalog/catalog.h"
#include "catalog/config.h"

static config_t cfg;
static cJSON *tpl;

static int setup(void **state)
{
	(void)state;
	config_init(&cfg);
	tpl = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	config_free(&cfg);
	cJSON_Delete(tpl);
	tpl = NULL;
	return 0;
}

static void set(const char *key, const char *value)
{
	config_diags_t d = { 0 };
	assert_int_equal(config_set(&cfg, key, value, CONFIG_SRC_FLAG, "-c", &d), 0);
	config_diags_free(&d);
}

/* Renders (as the command prints it) and parses back, so the text is what is tested. */
static void build(void)
{
	config_diags_t d = { 0 };
	assert_int_equal(config_validate(&cfg, "us-east-1", &d), 0);
	config_diags_free(&d);
	template_opts_t opts = { .owner = "alice" };
	char *text = template_render(&cfg, &opts, 1);
	assert_non_null(text);
	cJSON_Delete(tpl);
	tpl = cJSON_Parse(text);
	free(text);
	assert_non_null(tpl);
}

static cJSON *at(cJSON *o, const char *path)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save, *part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(part))
		                     : cJSON_GetObjectItemCaseSensitive(o, part);
		if (!o) return NULL;
	}
	return o;
}

static cJSON *res(const char *id) { return at(at(tpl, "Resources"), id); }

static const char *sval(cJSON *o, const char *path)
{
	cJSON *v = at(o, path);
	if (!cJSON_IsString(v)) fail_msg("%s is not a string", path);
	return v->valuestring;
}

static int ival(cJSON *o, const char *path)
{
	cJSON *v = at(o, path);
	if (!cJSON_IsNumber(v)) fail_msg("%s is not a number", path);
	return v->valueint;
}

static int count_type(const char *type)
{
	int n = 0;
	cJSON *r;
	cJSON_ArrayForEach(r, at(tpl, "Resources")) n += strcmp(sval(r, "Type"), type) == 0;
	return n;
}

/* {"Fn::GetAtt": [res, attr]} */
static int is_getatt(cJSON *v, const char *resname, const char *attr)
{
	cJSON *a = at(v, "Fn::GetAtt");
	return cJSON_GetArraySize(a) == 2 && strcmp(sval(a, "0"), resname) == 0 &&
	       strcmp(sval(a, "1"), attr) == 0;
}

static int is_ref(cJSON *v, const char *name)
{
	cJSON *r = at(v, "Ref");
	return cJSON_IsString(r) && strcmp(r->valuestring, name) == 0;
}

static const char *tag_value(cJSON *tags, const char *key)
{
	cJSON *t;
	cJSON_ArrayForEach(t, tags)
		if (strcmp(sval(t, "Key"), key) == 0) return sval(t, "Value");
	return NULL;
}

/* Any object member named `name` anywhere under o. */
static int contains_key(cJSON *o, const char *name)
{
	cJSON *c;
	cJSON_ArrayForEach(c, o) {
		if (c->string && strcmp(c->string, name) == 0) return 1;
		if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && contains_key(c, name)) return 1;
	}
	return 0;
}

/* ---- tests ---- */

static void test_self_referencing_all_traffic_rules(void **state)
{
	(void)state;
	build();
	cJSON *in = res("SecurityGroupSelfIngress");
	assert_string_equal(sval(in, "Type"), "AWS::EC2::SecurityGroupIngress");
	assert_string_equal(sval(in, "Properties.IpProtocol"), "-1");
	assert_true(is_getatt(at(in, "Properties.GroupId"), "SecurityGroup", "GroupId"));
	assert_true(is_getatt(at(in, "Properties.SourceSecurityGroupId"), "SecurityGroup", "GroupId"));
	cJSON *out = res("SecurityGroupSelfEgress");
	assert_string_equal(sval(out, "Type"), "AWS::EC2::SecurityGroupEgress");
	assert_string_equal(sval(out, "Properties.IpProtocol"), "-1");
	assert_true(is_getatt(at(out, "Properties.DestinationSecurityGroupId"), "SecurityGroup", "GroupId"));
	cJSON *all_out = at(res("SecurityGroup"), "Properties.SecurityGroupEgress.0");
	assert_string_equal(sval(all_out, "IpProtocol"), "-1");
	assert_string_equal(sval(all_out, "CidrIp"), "0.0.0.0/0");
}

static void test_service_ports_from_vpc_only(void **state)
{
	(void)state;
	build();
	cJSON *rules = at(res("SecurityGroup"), "Properties.SecurityGroupIngress");
	assert_int_equal(cJSON_GetArraySize(rules), 3);
	static const int ports[] = { 8100, 8000, 8200 };
	for (int i = 0; i < 3; i++) {
		cJSON *r = cJSON_GetArrayItem(rules, i);
		assert_string_equal(sval(r, "IpProtocol"), "tcp");
		assert_int_equal(ival(r, "FromPort"), ports[i]);
		assert_int_equal(ival(r, "ToPort"), ports[i]);
		assert_true(is_ref(at(r, "CidrIp"), "VpcCidr"));
	}
	set("vllmPort", "8000");  /* same port twice would be a duplicate rule AWS rejects */
	build();
	rules = at(res("SecurityGroup"), "Properties.SecurityGroupIngress");
	assert_int_equal(cJSON_GetArraySize(rules), 2);
	assert_int_equal(ival(rules, "0.FromPort"), 8000);
	assert_int_equal(ival(rules, "1.FromPort"), 8200);
}

/* No rule anywhere opens a port range covering 22. */
static void assert_no_port_22(cJSON *o)
{
	cJSON *c;
	cJSON_ArrayForEach(c, o) {
		if (cJSON_IsObject(c) && at(c, "IpProtocol")) {
			cJSON *from = at(c, "FromPort"), *to = at(c, "ToPort");
			if (from && to && from->valueint <= 22 && to->valueint >= 22)
				fail_msg("a rule opens port 22");
		}
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) assert_no_port_22(c);
	}
}

static void test_no_port_22_anywhere(void **state)
{
	(void)state;
	set("keyName", "my-key");
	set("instanceType", "p5.48xlarge");
	build();
	assert_no_port_22(tpl);
	/* the only inbound all-traffic rule is the self rule */
	cJSON *r;
	int all_in = 0;
	cJSON_ArrayForEach(r, at(tpl, "Resources")) {
		if (strcmp(sval(r, "Type"), "AWS::EC2::SecurityGroupIngress") != 0) continue;
		all_in++;
		assert_null(at(r, "Properties.CidrIp"));
	}
	assert_int_equal(all_in, 1);
	cJSON_ArrayForEach(r, at(res("SecurityGroup"), "Properties.SecurityGroupIngress"))
		assert_string_equal(sval(r, "IpProtocol"), "tcp");
}

/* Launch template interfaces: count, cards, device indexes, primary by id. */
static void check_interfaces(const char *type, int expect)
{
	setup(NULL);
	set("instanceType", type);
	set("nodeCount", "2");
	config_diags_t d = { 0 };
	config_validate(&cfg, "us-east-1", &d);
	config_diags_free(&d);
	cJSON_Delete(tpl);
	tpl = template_build(&cfg, NULL);
	assert_non_null(tpl);
	for (int n = 1; n <= 2; n++) {
		char id[64], eni[64];
		snprintf(id, sizeof id, "Node%dLaunchTemplate", n);
		snprintf(eni, sizeof eni, "Node%dInterface", n);
		cJSON *nics = at(res(id), "Properties.LaunchTemplateData.NetworkInterfaces");
		if (cJSON_GetArraySize(nics) != expect)
			fail_msg("%s: %d interfaces, want %d", type, cJSON_GetArraySize(nics), expect);
		for (int i = 0; i < expect; i++) {
			cJSON *nic = cJSON_GetArrayItem(nics, i);
			assert_int_equal(ival(nic, "NetworkCardIndex"), i);
			assert_int_equal(ival(nic, "DeviceIndex"), i == 0 ? 0 : 1);
			if (i == 0) {
				assert_true(is_ref(at(nic, "NetworkInterfaceId"), eni));
				assert_null(at(nic, "InterfaceType"));
			} else {
				assert_string_equal(sval(nic, "InterfaceType"), "efa");
				assert_true(is_ref(at(nic, "SubnetId"), "SubnetId"));
				assert_true(is_getatt(at(nic, "Groups.0"), "SecurityGroup", "GroupId"));
			}
		}
		cJSON *primary = at(res(eni), "Properties");
		const catalog_instance_t *it = catalog_lookup(type);
		if (it->efa_max > 0) assert_string_equal(sval(primary, "InterfaceType"), "efa");
		else assert_null(at(primary, "InterfaceType"));
		assert_true(is_getatt(at(primary, "GroupSet.0"), "SecurityGroup", "GroupId"));
	}
	teardown(NULL);
}

static void test_interface_counts_per_type(void **state)
{
	(void)state;
	teardown(NULL);
	check_interfaces("p5.48xlarge", 32);
	check_interfaces("p4d.24xlarge", 4);
	check_interfaces("trn1n.32xlarge", 16);
	check_interfaces("g5.12xlarge", 1);
	check_interfaces("inf2.24xlarge", 1);
	size_t n;
	const catalog_instance_t *list = catalog_list(&n);
	for (size_t i = 0; i < n; i++)
		check_interfaces(list[i].name, list[i].efa_max > 0 ? list[i].efa_max : 1);
	setup(NULL);
}

static void test_imdsv2_gp3_encrypted(void **state)
{
	(void)state;
	set("nodeCount", "3");
	set("volumeSize", "750");
	build();
	for (int n = 1; n <= 3; n++) {
		char id[64];
		snprintf(id, sizeof id, "Node%dLaunchTemplate", n);
		cJSON *d = at(res(id), "Properties.LaunchTemplateData");
		assert_string_equal(sval(d, "MetadataOptions.HttpTokens"), "required");
		assert_string_equal(sval(d, "BlockDeviceMappings.0.DeviceName"), "/dev/sda1");
		assert_string_equal(sval(d, "BlockDeviceMappings.0.Ebs.VolumeType"), "gp3");
		assert_int_equal(ival(d, "BlockDeviceMappings.0.Ebs.VolumeSize"), 750);
		assert_true(cJSON_IsTrue(at(d, "BlockDeviceMappings.0.Ebs.Encrypted")));
	}
	teardown(NULL);
	setup(NULL);
	build();
	assert_int_equal(ival(res("Node1LaunchTemplate"),
	                      "Properties.LaunchTemplateData.BlockDeviceMappings.0.Ebs.VolumeSize"), 200);
}

static void assert_no_capacity_on_instances(void)
{
	cJSON *r;
	cJSON_ArrayForEach(r, at(tpl, "Resources")) {
		if (strcmp(sval(r, "Type"), "AWS::EC2::Instance") != 0) continue;
		assert_false(contains_key(r, "CapacityReservationSpecification"));
		assert_false(contains_key(r, "CapacityReservationId"));
		assert_false(contains_key(r, "InstanceMarketOptions"));
	}
}

static void test_capacity_block_in_launch_template_only(void **state)
{
	(void)state;
	set("capacityReservationId", "cr-0123456789abcdef0");
	set("useCapacityBlock", "true");
	build();
	for (int n = 1; n <= 2; n++) {
		char id[64];
		snprintf(id, sizeof id, "Node%dLaunchTemplate", n);
		cJSON *d = at(res(id), "Properties.LaunchTemplateData");
		assert_string_equal(sval(d, "CapacityReservationSpecification.CapacityReservationTarget."
		                            "CapacityReservationId"), "cr-0123456789abcdef0");
		assert_string_equal(sval(d, "InstanceMarketOptions.MarketType"), "capacity-block");
	}
	assert_no_capacity_on_instances();
}

static void test_capacity_reservation_without_block(void **state)
{
	(void)state;
	set("capacityReservationId", "cr-0123456789abcdef0");
	build();
	cJSON *d = at(res("Node1LaunchTemplate"), "Properties.LaunchTemplateData");
	assert_string_equal(sval(d, "CapacityReservationSpecification.CapacityReservationTarget."
	                            "CapacityReservationId"), "cr-0123456789abcdef0");
	assert_null(at(d, "InstanceMarketOptions"));
	assert_no_capacity_on_instances();
	teardown(NULL);
	setup(NULL);
	build();
	assert_false(contains_key(tpl, "CapacityReservationSpecification"));
	assert_false(contains_key(tpl, "InstanceMarketOptions"));
}

static void test_outputs_and_exports(void **state)
{
	(void)state;
	set("nodeCount", "4");
	build();
	cJSON *outs = at(tpl, "Outputs");
	assert_int_equal(cJSON_GetArraySize(outs), 4 * 3 + 3);
	cJSON *o;
	cJSON_ArrayForEach(o, outs) {
		char want[96];
		snprintf(want, sizeof want, "${AWS::StackName}-%s", o->string);
		assert_string_equal(sval(o, "Export.Name.Fn::Sub"), want);
	}
	for (int n = 1; n <= 4; n++) {
		char key[64], node[64], eip[64];
		snprintf(node, sizeof node, "Node%d", n);
		snprintf(eip, sizeof eip, "Node%dEip", n);
		snprintf(key, sizeof key, "Node%dInstanceId.Value", n);
		assert_true(is_ref(at(outs, key), node));
		snprintf(key, sizeof key, "Node%dPublicIp.Value", n);
		assert_true(is_ref(at(outs, key), eip));
		snprintf(key, sizeof key, "Node%dPrivateIp.Value", n);
		assert_true(is_getatt(at(outs, key), node, "PrivateIp"));
	}
	assert_null(at(outs, "Node5InstanceId"));
	assert_true(is_ref(at(outs, "ScriptsBucketName.Value"), "ScriptsBucket"));
	assert_true(is_getatt(at(outs, "SecurityGroupId.Value"), "SecurityGroup", "GroupId"));
	assert_true(is_ref(at(outs, "PlacementGroupName.Value"), "PlacementGroup"));
}

static void test_node_tags(void **state)
{
	(void)state;
	set("nodeCount", "3");
	set("environment", "stage");
	build();
	static const char *const roles[] = { "producer", "consumer", "producer" };
	for (int n = 1; n <= 3; n++) {
		char id[64], name[64];
		snprintf(id, sizeof id, "Node%d", n);
		snprintf(name, sizeof name, "nixl-node%d", n);
		cJSON *tags = at(res(id), "Properties.Tags");
		assert_int_equal(cJSON_GetArraySize(tags), 6);
		assert_string_equal(tag_value(tags, "Name"), name);
		assert_string_equal(tag_value(tags, "Role"), roles[n - 1]);
		assert_string_equal(tag_value(tags, "Environment"), "stage");
		assert_string_equal(tag_value(tags, "Project"), "NIXL-EFA");
		assert_string_equal(tag_value(tags, "Owner"), "alice");
		assert_string_equal(tag_value(tags, "ManagedBy"), "nixl-tui");
		assert_string_equal(sval(res(id), "Properties.InstanceType"), "g5.12xlarge");
		assert_true(is_ref(at(res(id), "Properties.PlacementGroupName"), "PlacementGroup"));
		assert_true(is_ref(at(res(id), "Properties.ImageId"), "AmiId"));
		assert_true(is_ref(at(res(id), "Properties.IamInstanceProfile"), "InstanceProfile"));
	}
	assert_string_equal(tag_value(at(res("SecurityGroup"), "Properties.Tags"), "ManagedBy"), "nixl-tui");
	assert_string_equal(sval(res("PlacementGroup"), "Properties.Strategy"), "cluster");
}

static void test_owner_falls_back_to_prefix(void **state)
{
	(void)state;
	set("projectPrefix", "team7");
	tpl = template_build(&cfg, NULL);
	assert_string_equal(tag_value(at(res("Node1"), "Properties.Tags"), "Owner"), "team7");
}

static void test_eip_per_node_on_primary_interface(void **state)
{
	(void)state;
	set("nodeCount", "4");
	set("instanceType", "p4d.24xlarge");
	build();
	assert_int_equal(count_type("AWS::EC2::EIP"), 4);
	assert_int_equal(count_type("AWS::EC2::EIPAssociation"), 4);
	assert_int_equal(count_type("AWS::EC2::NetworkInterface"), 4);
	assert_int_equal(count_type("AWS::EC2::Instance"), 4);
	assert_int_equal(count_type("AWS::EC2::LaunchTemplate"), 4);
	for (int n = 1; n <= 4; n++) {
		char id[64], eip[64], eni[64], assoc[64];
		snprintf(id, sizeof id, "Node%d", n);
		snprintf(eip, sizeof eip, "Node%dEip", n);
		snprintf(eni, sizeof eni, "Node%dInterface", n);
		snprintf(assoc, sizeof assoc, "Node%dEipAssociation", n);
		assert_string_equal(sval(res(eip), "Properties.Domain"), "vpc");
		assert_true(is_getatt(at(res(assoc), "Properties.AllocationId"), eip, "AllocationId"));
		assert_true(is_ref(at(res(assoc), "Properties.NetworkInterfaceId"), eni));
		assert_null(at(res(assoc), "Properties.InstanceId"));
		assert_string_equal(sval(res(id), "DependsOn"), assoc);
		/* no auto-assigned address is relied upon */
		assert_false(contains_key(res(id), "AssociatePublicIpAddress"));
	}
}

static void test_ami_parameter_by_type(void **state)
{
	(void)state;
	build();
	assert_string_equal(sval(tpl, "Parameters.AmiId.Type"),
	                    "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>");
	assert_string_equal(sval(tpl, "Parameters.AmiId.Default"),
	                    "/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id");
	set("instanceType", "trn1.32xlarge");
	build();
	assert_string_equal(sval(tpl, "Parameters.AmiId.Default"),
	                    "/aws/service/neuron/dlami/multi-framework/ubuntu-22.04/latest/image_id");
}

static void test_network_parameters(void **state)
{
	(void)state;
	build();
	assert_string_equal(sval(tpl, "Parameters.VpcId.Type"), "AWS::EC2::VPC::Id");
	assert_null(at(tpl, "Parameters.VpcId.Default"));
	assert_null(at(tpl, "Parameters.SubnetId.Default"));
	assert_string_equal(sval(tpl, "Parameters.AvailabilityZone.Default"), "");
	set("vpcId", "vpc-0123456789abcdef0");
	set("subnetId", "subnet-0123456789abcdef0");
	set("availabilityZone", "us-east-1b");
	build();
	assert_string_equal(sval(tpl, "Parameters.VpcId.Default"), "vpc-0123456789abcdef0");
	assert_string_equal(sval(tpl, "Parameters.SubnetId.Default"), "subnet-0123456789abcdef0");
	assert_string_equal(sval(tpl, "Parameters.AvailabilityZone.Default"), "us-east-1b");
	assert_string_equal(sval(res("Node2"), "Properties.AvailabilityZone.Fn::If.0"), "HasAvailabilityZone");
	assert_true(is_ref(at(res("SecurityGroup"), "Properties.VpcId"), "VpcId"));
}

static void test_scripts_bucket(void **state)
{
	(void)state;
	build();
	cJSON *p = at(res("ScriptsBucket"), "Properties");
	assert_string_equal(sval(p, "BucketEncryption.ServerSideEncryptionConfiguration.0."
	                            "ServerSideEncryptionByDefault.SSEAlgorithm"), "AES256");
	static const char *const blocks[] = { "BlockPublicAcls", "BlockPublicPolicy",
	                                      "IgnorePublicAcls", "RestrictPublicBuckets" };
	for (int i = 0; i < 4; i++) {
		char path[80];
		snprintf(path, sizeof path, "PublicAccessBlockConfiguration.%s", blocks[i]);
		assert_true(cJSON_IsTrue(at(p, path)));
	}
	cJSON *st = at(res("ScriptsBucketPolicy"), "Properties.PolicyDocument.Statement.0");
	assert_string_equal(sval(st, "Effect"), "Deny");
	assert_string_equal(sval(st, "Condition.Bool.aws:SecureTransport"), "false");
	assert_true(is_getatt(at(st, "Resource.0"), "ScriptsBucket", "Arn"));
	assert_string_equal(sval(st, "Resource.1.Fn::Sub"), "${ScriptsBucket.Arn}/*");
	assert_false(contains_key(at(tpl, "Resources"), "ServiceToken"));  /* no custom resource */
}

static cJSON *statement(const char *sid)
{
	cJSON *st;
	cJSON_ArrayForEach(st, at(res("InstanceRole"), "Properties.Policies.0.PolicyDocument.Statement"))
		if (strcmp(sval(st, "Sid"), sid) == 0) return st;
	return NULL;
}

static void test_instance_role(void **state)
{
	(void)state;
	build();
	cJSON *p = at(res("InstanceRole"), "Properties");
	assert_string_equal(sval(p, "ManagedPolicyArns.0.Fn::Sub"),
	                    "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore");
	assert_string_equal(sval(p, "AssumeRolePolicyDocument.Statement.0.Principal.Service"),
	                    "ec2.amazonaws.com");
	assert_string_equal(sval(statement("ScriptsBucketObjects"), "Resource.0.Fn::Sub"),
	                    "${ScriptsBucket.Arn}/*");
	assert_string_equal(sval(statement("SsmOutputLogs"), "Resource.0.Fn::Sub"),
	                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/ssm/*");
	assert_null(statement("MlflowTrackingServer"));
	assert_null(statement("MlflowArtifacts"));
	assert_true(is_ref(at(res("InstanceProfile"), "Properties.Roles.0"), "InstanceRole"));
}

static void test_mlflow_grants(void **state)
{
	(void)state;
	const char *server = "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ml";
	set("mlflowTrackingServerArn", server);
	set("mlflowArtifactBucketArn", "arn:aws:s3:::ml-artifacts");
	build();
	cJSON *st = statement("MlflowTrackingServer");
	assert_non_null(st);
	assert_string_equal(sval(st, "Action.0"), "sagemaker-mlflow:*");
	assert_string_equal(sval(st, "Action.1"), "sagemaker:CreatePresignedMlflowTrackingServerUrl");
	assert_string_equal(sval(st, "Action.2"), "sagemaker:DescribeMlflowTrackingServer");
	assert_string_equal(sval(st, "Resource.0"), server);
	st = statement("MlflowArtifacts");
	assert_non_null(st);
	assert_string_equal(sval(st, "Resource.0"), "arn:aws:s3:::ml-artifacts");
	assert_string_equal(sval(st, "Resource.1"), "arn:aws:s3:::ml-artifacts/*");
}

static void test_user_data_and_key(void **state)
{
	(void)state;
	build();
	const char *script = sval(res("Node1"), "Properties.UserData.Fn::Base64.Fn::Sub");
	assert_true(strncmp(script, "#!/bin/bash\n", 12) == 0);
	assert_non_null(strstr(script, "echo \"AWS_REGION=${AWS::Region}\" >> /etc/environment\n"));
	assert_non_null(strstr(script, "echo \"AWS_DEFAULT_REGION=${AWS::Region}\" >> /etc/environment\n"));
	assert_non_null(strstr(script, "echo 'export LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libibverbs.so.1' >> /etc/profile.d/efa.sh\n"));
	assert_non_null(strstr(script, " install -y jq\n"));
	assert_false(contains_key(tpl, "KeyName"));
	set("keyName", "ops-key");
	build();
	assert_string_equal(sval(res("Node2LaunchTemplate"), "Properties.LaunchTemplateData.KeyName"), "ops-key");
	assert_null(at(res("Node2"), "Properties.KeyName"));
}

static void test_non_catalog_type_gets_one_efa(void **state)
{
	(void)state;
	set("instanceType", "c5n.18xlarge");
	tpl = template_build(&cfg, NULL);
	assert_int_equal(cJSON_GetArraySize(at(res("Node1LaunchTemplate"),
	                                       "Properties.LaunchTemplateData.NetworkInterfaces")), 1);
	assert_string_equal(sval(res("Node1Interface"), "Properties.InterfaceType"), "efa");
	assert_int_equal(ival(res("Node1LaunchTemplate"),
	                      "Properties.LaunchTemplateData.BlockDeviceMappings.0.Ebs.VolumeSize"),
	                 CATALOG_FALLBACK_VOLUME_GB);
}

static void test_metadata_records_config(void **state)
{
	(void)state;
	set("instanceType", "p5.48xlarge");
	set("nodeCount", "4");
	build();
	assert_string_equal(sval(tpl, "Metadata.NixlTui.instanceType"), "p5.48xlarge");
	assert_int_equal(ival(tpl, "Metadata.NixlTui.nodeCount"), 4);
	assert_int_equal(ival(tpl, "Metadata.NixlTui.volumeSize"), 1000);
	assert_int_equal(count_type("AWS::EC2::Instance"), 4);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_self_referencing_all_traffic_rules), T(test_service_ports_from_vpc_only),
		T(test_no_port_22_anywhere), T(test_interface_counts_per_type),
		T(test_imdsv2_gp3_encrypted), T(test_capacity_block_in_launch_template_only),
		T(test_capacity_reservation_without_block), T(test_outputs_and_exports),
		T(test_node_tags), T(test_owner_falls_back_to_prefix),
		T(test_eip_per_node_on_primary_interface), T(test_ami_parameter_by_type),
		T(test_network_parameters), T(test_scripts_bucket), T(test_instance_role),
		T(test_mlflow_grants), T(test_user_data_and_key), T(test_non_catalog_type_gets_one_efa),
		T(test_metadata_records_config),
	};
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}

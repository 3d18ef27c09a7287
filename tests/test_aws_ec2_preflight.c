/* The EC2 replies preflight reads for issue 13 items 5 and 9: DescribeImages (root device
 * and its snapshot's size), DescribeRouteTables (associations, main, routes),
 * DescribeInternetGateways (attachment), DescribeVpcEndpoints. The replies follow the
 * shapes of the examples in the Amazon EC2 API Reference for each action (element names
 * as there; ids made up). */
#include "testutil.h"

#include "aws/ec2.h"

#define NS "xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\""

static const char images[] =
	"<DescribeImagesResponse " NS "><requestId>r</requestId><imagesSet><item>"
	"<imageId>ami-0123456789abcdef0</imageId><imageState>available</imageState>"
	"<architecture>x86_64</architecture><platformDetails>Linux/UNIX</platformDetails>"
	"<rootDeviceType>ebs</rootDeviceType><rootDeviceName>/dev/sda1</rootDeviceName>"
	"<blockDeviceMapping>"
	"<item><deviceName>/dev/sdb</deviceName><virtualName>ephemeral0</virtualName></item>"
	"<item><deviceName>/dev/sda1</deviceName><ebs><snapshotId>snap-0a1b2c3d4e5f60718</snapshotId>"
	"<volumeSize>75</volumeSize><deleteOnTermination>true</deleteOnTermination>"
	"<volumeType>gp3</volumeType></ebs></item>"
	"</blockDeviceMapping></item></imagesSet></DescribeImagesResponse>";

static void test_images(void **state)
{
	(void)state;
	ec2_images_t v;
	aws_error_t err = {0};
	assert_int_equal(ec2_parse_describe_images(images, sizeof images - 1, &v, &err), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.images[0].architecture, "x86_64");
	assert_string_equal(v.images[0].root_device_name, "/dev/sda1");
	assert_string_equal(v.images[0].root_snapshot_id, "snap-0a1b2c3d4e5f60718");
	assert_int_equal(v.images[0].root_volume_gib, 75);
	ec2_images_free(&v);
}

static const char tables[] =
	"<DescribeRouteTablesResponse " NS "><requestId>r</requestId><routeTableSet>"
	"<item><routeTableId>rtb-0000000000000000a</routeTableId><vpcId>vpc-0000000000000000a</vpcId>"
	"<routeSet><item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId>"
	"<state>active</state><origin>CreateRouteTable</origin></item></routeSet>"
	"<associationSet><item><routeTableAssociationId>rtbassoc-1</routeTableAssociationId>"
	"<routeTableId>rtb-0000000000000000a</routeTableId><main>true</main></item></associationSet>"
	"</item>"
	"<item><routeTableId>rtb-0000000000000000b</routeTableId><vpcId>vpc-0000000000000000a</vpcId>"
	"<routeSet><item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock>"
	"<gatewayId>igw-0000000000000000c</gatewayId><state>active</state></item></routeSet>"
	"<associationSet><item><routeTableAssociationId>rtbassoc-2</routeTableAssociationId>"
	"<routeTableId>rtb-0000000000000000b</routeTableId><subnetId>subnet-0000000000000000d</subnetId>"
	"<main>false</main></item></associationSet></item>"
	"</routeTableSet></DescribeRouteTablesResponse>";

static void test_route_tables(void **state)
{
	(void)state;
	ec2_route_tables_t v;
	aws_error_t err = {0};
	assert_int_equal(ec2_parse_describe_route_tables(tables, sizeof tables - 1, &v, &err), 0);
	assert_int_equal(v.n, 2);
	assert_true(v.tables[0].main);
	assert_int_equal(v.tables[0].nsubnet_ids, 0);
	assert_string_equal(v.tables[0].routes[0].gateway_id, "local");
	assert_false(v.tables[1].main);
	assert_int_equal(v.tables[1].nsubnet_ids, 1);
	assert_string_equal(v.tables[1].subnet_ids[0], "subnet-0000000000000000d");
	assert_string_equal(v.tables[1].routes[0].destination_cidr_block, "0.0.0.0/0");
	assert_string_equal(v.tables[1].routes[0].gateway_id, "igw-0000000000000000c");
	ec2_route_tables_free(&v);
}

static const char gateways[] =
	"<DescribeInternetGatewaysResponse " NS "><requestId>r</requestId><internetGatewaySet><item>"
	"<internetGatewayId>igw-0000000000000000c</internetGatewayId><attachmentSet><item>"
	"<vpcId>vpc-0000000000000000a</vpcId><state>available</state></item></attachmentSet>"
	"</item><item><internetGatewayId>igw-0000000000000000e</internetGatewayId><attachmentSet/>"
	"</item></internetGatewaySet></DescribeInternetGatewaysResponse>";

static const char endpoints[] =
	"<DescribeVpcEndpointsResponse " NS "><requestId>r</requestId><vpcEndpointSet><item>"
	"<vpcEndpointId>vpce-0000000000000000f</vpcEndpointId><vpcEndpointType>Interface</vpcEndpointType>"
	"<vpcId>vpc-0000000000000000a</vpcId><serviceName>com.amazonaws.us-east-1.ssm</serviceName>"
	"<state>available</state></item></vpcEndpointSet></DescribeVpcEndpointsResponse>";

static void test_gateways_and_endpoints(void **state)
{
	(void)state;
	ec2_internet_gateways_t g;
	aws_error_t err = {0};
	assert_int_equal(ec2_parse_describe_internet_gateways(gateways, sizeof gateways - 1, &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.gateways[0].attached_vpc_id, "vpc-0000000000000000a");
	assert_string_equal(g.gateways[0].attachment_state, "available");
	assert_null(g.gateways[1].attached_vpc_id); /* detached */
	ec2_internet_gateways_free(&g);
	ec2_vpc_endpoints_t e;
	assert_int_equal(ec2_parse_describe_vpc_endpoints(endpoints, sizeof endpoints - 1, &e, &err), 0);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.endpoints[0].service_name, "com.amazonaws.us-east-1.ssm");
	assert_string_equal(e.endpoints[0].state, "available");
	ec2_vpc_endpoints_free(&e);
}

static void test_missing_id_is_an_error(void **state)
{
	(void)state;
	static const char bad[] = "<DescribeImagesResponse " NS "><imagesSet><item><architecture>arm64"
	                          "</architecture></item></imagesSet></DescribeImagesResponse>";
	ec2_images_t v;
	aws_error_t err = {0};
	assert_int_equal(ec2_parse_describe_images(bad, sizeof bad - 1, &v, &err), -1);
	assert_int_equal(v.n, 0);

}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_route_tables),
		cmocka_unit_test(test_gateways_and_endpoints),
		cmocka_unit_test(test_missing_id_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "aws/ec2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"
#include "aws/xml.h"

static int nonempty(const char *s)
{
	return s && *s;
}

void ec2_add_filters(aws_params_t *p, const ec2_filter_t *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char k[64];
		snprintf(k, sizeof k, "Filter.%zu.Name", i + 1);
		aws_params_add(p, k, f[i].name);
		for (size_t j = 0; j < f[i].nvalues; j++) {
			snprintf(k, sizeof k, "Filter.%zu.Value.%zu", i + 1, j + 1);
			aws_params_add(p, k, f[i].values[j]);
		}
	}
}

void ec2_add_list(aws_params_t *p, const char *prefix, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char k[96];
		snprintf(k, sizeof k, "%s.%zu", prefix, i + 1);
		aws_params_add(p, k, v[i]);
	}
}

int ec2_build_describe(const ec2_describe_req_t *req, const char *id_prefix, aws_params_t *out)
{
	if (!req) return 0;
	if (req->nids && !id_prefix) return -1;
	for (size_t i = 0; i < req->nfilters; i++)
		if (!nonempty(req->filters[i].name)) return -1;
	ec2_add_list(out, id_prefix, req->ids, req->nids);
	ec2_add_filters(out, req->filters, req->nfilters);
	if (req->max_results > 0) aws_params_addf(out, "MaxResults", "%d", req->max_results);
	if (nonempty(req->next_token)) aws_params_add(out, "NextToken", req->next_token);
	return 0;
}

int ec2_build_describe_instance_type_offerings(const char *location_type,
                                               const ec2_describe_req_t *req, aws_params_t *out)
{
	if (nonempty(location_type)) aws_params_add(out, "LocationType", location_type);
	return ec2_build_describe(req, NULL, out);
}

int ec2_build_describe_capacity_block_offerings(const ec2_capacity_block_req_t *req,
                                                aws_params_t *out)
{
	if (!nonempty(req->instance_type) || req->instance_count <= 0 || req->duration_hours <= 0)
		return -1;
	aws_params_add(out, "InstanceType", req->instance_type);
	aws_params_addf(out, "InstanceCount", "%d", req->instance_count);
	aws_params_addf(out, "CapacityDurationHours", "%d", req->duration_hours);
	char t[32];
	if (req->start_range) {
		codec_time_format(req->start_range, t, sizeof t);
		aws_params_add(out, "StartDateRange", t);
	}
	if (req->end_range) {
		codec_time_format(req->end_range, t, sizeof t);
		aws_params_add(out, "EndDateRange", t);
	}
	if (nonempty(req->next_token)) aws_params_add(out, "NextToken", req->next_token);
	return 0;
}

int ec2_build_purchase_capacity_block(const char *offering_id, const char *instance_platform,
                                      aws_params_t *out)
{
	if (!nonempty(offering_id) || !nonempty(instance_platform)) return -1;
	aws_params_add(out, "CapacityBlockOfferingId", offering_id);
	aws_params_add(out, "InstancePlatform", instance_platform);
	return 0;
}

/* ---- reply shapes (src/aws/shape.h) ---- */

#define F SHAPE_FIELD
#define REQ SHAPE_REQUIRED
/* A describe's page: the list at path (its count in n) and the nextToken; defines name. */
#define EC2_PAGE(name, type, member, path, elem)                              \
	static const shape_field_t name##_fields_[] = {                       \
		SHAPE_LIST_FIELD(type, member, n, path, &elem, 0),            \
		F(type, next_token, "nextToken", SHAPE_TOKEN, 0),              \
	};                                                                    \
	static const shape_t name = SHAPE(type, name##_fields_);

static const shape_field_t tag_fields[] = {
	F(ec2_tag_t, key, "key", SHAPE_TEXT, 0),
	F(ec2_tag_t, value, "value", SHAPE_TEXT, 0),
};
static const shape_t tag_shape = SHAPE(ec2_tag_t, tag_fields);

static const shape_field_t vpc_fields[] = {
	F(ec2_vpc_t, vpc_id, "vpcId", SHAPE_TOKEN, REQ),
	F(ec2_vpc_t, cidr_block, "cidrBlock", SHAPE_TOKEN, 0),
	F(ec2_vpc_t, state, "state", SHAPE_TOKEN, 0),
	F(ec2_vpc_t, is_default, "isDefault", SHAPE_BOOL, 0),
};
static const shape_t vpc_shape = SHAPE(ec2_vpc_t, vpc_fields);
EC2_PAGE(vpcs_shape, ec2_vpcs_t, vpcs, "vpcSet", vpc_shape)

static const shape_field_t subnet_fields[] = {
	F(ec2_subnet_t, subnet_id, "subnetId", SHAPE_TOKEN, REQ),
	F(ec2_subnet_t, vpc_id, "vpcId", SHAPE_TOKEN, 0),
	F(ec2_subnet_t, availability_zone, "availabilityZone", SHAPE_TOKEN, REQ),
	F(ec2_subnet_t, availability_zone_id, "availabilityZoneId", SHAPE_TOKEN, 0),
	F(ec2_subnet_t, cidr_block, "cidrBlock", SHAPE_TOKEN, 0),
	F(ec2_subnet_t, state, "state", SHAPE_TOKEN, 0),
	F(ec2_subnet_t, available_ip_count, "availableIpAddressCount", SHAPE_INT, 0),
	F(ec2_subnet_t, default_for_az, "defaultForAz", SHAPE_BOOL, 0),
	F(ec2_subnet_t, map_public_ip_on_launch, "mapPublicIpOnLaunch", SHAPE_BOOL, 0),
};
static const shape_t subnet_shape = SHAPE(ec2_subnet_t, subnet_fields);
EC2_PAGE(subnets_shape, ec2_subnets_t, subnets, "subnetSet", subnet_shape)

static const shape_field_t zone_fields[] = {
	F(ec2_zone_t, zone_name, "zoneName", SHAPE_TOKEN, REQ),
	F(ec2_zone_t, zone_id, "zoneId", SHAPE_TOKEN, 0),
	F(ec2_zone_t, state, "zoneState", SHAPE_TOKEN, 0),
	F(ec2_zone_t, region_name, "regionName", SHAPE_TOKEN, 0),
	F(ec2_zone_t, zone_type, "zoneType", SHAPE_TOKEN, 0),
};
static const shape_t zone_shape = SHAPE(ec2_zone_t, zone_fields);
static const shape_field_t zones_fields[] = {
	SHAPE_LIST_FIELD(ec2_zones_t, zones, n, "availabilityZoneInfo", &zone_shape, 0),
};
static const shape_t zones_shape = SHAPE(ec2_zones_t, zones_fields);

static const shape_field_t card_fields[] = {
	F(ec2_network_card_t, index, "networkCardIndex", SHAPE_INT, 0),
	F(ec2_network_card_t, maximum_network_interfaces, "maximumNetworkInterfaces", SHAPE_INT, 0),
	F(ec2_network_card_t, network_performance, "networkPerformance", SHAPE_TOKEN, 0),
};
static const shape_t card_shape = SHAPE(ec2_network_card_t, card_fields);
static const shape_field_t gpu_fields[] = {
	F(ec2_gpu_t, name, "name", SHAPE_TOKEN, 0),
	F(ec2_gpu_t, manufacturer, "manufacturer", SHAPE_TOKEN, 0),
	F(ec2_gpu_t, count, "count", SHAPE_INT, 0),
	F(ec2_gpu_t, memory_mib, "memoryInfo/sizeInMiB", SHAPE_LONG, 0),
};
static const shape_t gpu_shape = SHAPE(ec2_gpu_t, gpu_fields);
static const shape_field_t itype_fields[] = {
	F(ec2_instance_type_t, instance_type, "instanceType", SHAPE_TOKEN, REQ),
	F(ec2_instance_type_t, vcpus, "vCpuInfo/defaultVCpus", SHAPE_INT, 0),
	F(ec2_instance_type_t, memory_mib, "memoryInfo/sizeInMiB", SHAPE_LONG, 0),
	F(ec2_instance_type_t, network_performance, "networkInfo/networkPerformance", SHAPE_TOKEN, 0),
	F(ec2_instance_type_t, ena_support, "networkInfo/enaSupport", SHAPE_TOKEN, 0),
	F(ec2_instance_type_t, maximum_network_interfaces, "networkInfo/maximumNetworkInterfaces", SHAPE_INT, 0),
	F(ec2_instance_type_t, maximum_network_cards, "networkInfo/maximumNetworkCards", SHAPE_INT, 0),
	F(ec2_instance_type_t, efa_supported, "networkInfo/efaSupported", SHAPE_BOOL, 0),
	F(ec2_instance_type_t, maximum_efa_interfaces, "networkInfo/efaInfo/maximumEfaInterfaces", SHAPE_INT, 0),
	SHAPE_LIST_FIELD(ec2_instance_type_t, network_cards, nnetwork_cards, "networkInfo/networkCards", &card_shape, 0),
	SHAPE_LIST_FIELD(ec2_instance_type_t, gpus, ngpus, "gpuInfo/gpus", &gpu_shape, 0),
	F(ec2_instance_type_t, total_gpu_memory_mib, "gpuInfo/totalGpuMemoryInMiB", SHAPE_LONG, 0),
	SHAPE_STRV_FIELD(ec2_instance_type_t, architectures, narchitectures, "processorInfo/supportedArchitectures"),
};
static const shape_t itype_shape = SHAPE(ec2_instance_type_t, itype_fields);
EC2_PAGE(itypes_shape, ec2_instance_types_t, types, "instanceTypeSet", itype_shape)

static const shape_field_t offering_fields[] = {
	F(ec2_offering_t, instance_type, "instanceType", SHAPE_TOKEN, REQ),
	F(ec2_offering_t, location, "location", SHAPE_TOKEN, REQ),
	F(ec2_offering_t, location_type, "locationType", SHAPE_TOKEN, 0),
};
static const shape_t offering_shape = SHAPE(ec2_offering_t, offering_fields);
EC2_PAGE(offerings_shape, ec2_offerings_t, offerings, "instanceTypeOfferingSet", offering_shape)

static const shape_field_t instance_fields[] = {
	F(ec2_instance_t, instance_id, "instanceId", SHAPE_TOKEN, REQ),
	F(ec2_instance_t, instance_type, "instanceType", SHAPE_TOKEN, 0),
	F(ec2_instance_t, state, "instanceState/name", SHAPE_TOKEN, REQ),
	F(ec2_instance_t, state_code, "instanceState/code", SHAPE_INT, 0),
	F(ec2_instance_t, image_id, "imageId", SHAPE_TOKEN, 0),
	F(ec2_instance_t, availability_zone, "placement/availabilityZone", SHAPE_TOKEN, 0),
	F(ec2_instance_t, private_ip, "privateIpAddress", SHAPE_TOKEN, 0),
	F(ec2_instance_t, public_ip, "ipAddress", SHAPE_TOKEN, 0),
	F(ec2_instance_t, private_dns, "privateDnsName", SHAPE_TOKEN, 0),
	F(ec2_instance_t, public_dns, "dnsName", SHAPE_TOKEN, 0),
	F(ec2_instance_t, subnet_id, "subnetId", SHAPE_TOKEN, 0),
	F(ec2_instance_t, vpc_id, "vpcId", SHAPE_TOKEN, 0),
	F(ec2_instance_t, launch_time, "launchTime", SHAPE_TIME, 0),
	SHAPE_LIST_FIELD(ec2_instance_t, tags, ntags, "tagSet", &tag_shape, 0),
};
static const shape_t instance_shape = SHAPE(ec2_instance_t, instance_fields);
/* every instance of every reservation, in reply order */
EC2_PAGE(instances_shape, ec2_instances_t, instances, "reservationSet/*/instancesSet", instance_shape)

static const shape_field_t group_fields[] = {
	F(ec2_security_group_t, group_id, "groupId", SHAPE_TOKEN, REQ),
	F(ec2_security_group_t, group_name, "groupName", SHAPE_TOKEN, 0),
	F(ec2_security_group_t, description, "groupDescription", SHAPE_TOKEN, 0),
	F(ec2_security_group_t, vpc_id, "vpcId", SHAPE_TOKEN, 0),
};
static const shape_t group_shape = SHAPE(ec2_security_group_t, group_fields);
EC2_PAGE(groups_shape, ec2_security_groups_t, groups, "securityGroupInfo", group_shape)

static const shape_field_t reservation_fields[] = {
	F(ec2_capacity_reservation_t, id, "capacityReservationId", SHAPE_TOKEN, REQ),
	F(ec2_capacity_reservation_t, arn, "capacityReservationArn", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, instance_type, "instanceType", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, instance_platform, "instancePlatform", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, availability_zone, "availabilityZone", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, tenancy, "tenancy", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, state, "state", SHAPE_TOKEN, REQ),
	F(ec2_capacity_reservation_t, end_date_type, "endDateType", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, instance_match_criteria, "instanceMatchCriteria", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, reservation_type, "reservationType", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, placement_group_arn, "placementGroupArn", SHAPE_TOKEN, 0),
	F(ec2_capacity_reservation_t, total_instance_count, "totalInstanceCount", SHAPE_INT, 0),
	F(ec2_capacity_reservation_t, available_instance_count, "availableInstanceCount", SHAPE_INT, 0),
	F(ec2_capacity_reservation_t, start_date, "startDate", SHAPE_TIME, 0),
	F(ec2_capacity_reservation_t, end_date, "endDate", SHAPE_TIME, 0),
	F(ec2_capacity_reservation_t, create_date, "createDate", SHAPE_TIME, 0),
	SHAPE_LIST_FIELD(ec2_capacity_reservation_t, tags, ntags, "tagSet", &tag_shape, 0),
};
static const shape_t reservation_shape = SHAPE(ec2_capacity_reservation_t, reservation_fields);
EC2_PAGE(reservations_shape, ec2_capacity_reservations_t, reservations, "capacityReservationSet",
         reservation_shape)

static const shape_field_t block_fields[] = {
	F(ec2_capacity_block_offering_t, id, "capacityBlockOfferingId", SHAPE_TOKEN, REQ),
	F(ec2_capacity_block_offering_t, instance_type, "instanceType", SHAPE_TOKEN, 0),
	F(ec2_capacity_block_offering_t, availability_zone, "availabilityZone", SHAPE_TOKEN, REQ),
	F(ec2_capacity_block_offering_t, upfront_fee, "upfrontFee", SHAPE_TOKEN, 0),
	F(ec2_capacity_block_offering_t, currency_code, "currencyCode", SHAPE_TOKEN, 0),
	F(ec2_capacity_block_offering_t, tenancy, "tenancy", SHAPE_TOKEN, 0),
	F(ec2_capacity_block_offering_t, instance_count, "instanceCount", SHAPE_INT, 0),
	F(ec2_capacity_block_offering_t, duration_hours, "capacityBlockDurationHours", SHAPE_INT, 0),
	F(ec2_capacity_block_offering_t, start_date, "startDate", SHAPE_TIME, REQ),
	F(ec2_capacity_block_offering_t, end_date, "endDate", SHAPE_TIME, REQ),
};
static const shape_t block_shape = SHAPE(ec2_capacity_block_offering_t, block_fields);
EC2_PAGE(blocks_shape, ec2_capacity_block_offerings_t, offerings, "capacityBlockOfferingSet",
         block_shape)

/* PurchaseCapacityBlock's reply is opened at its capacityReservation */
static const shape_field_t purchase_fields[] = {
	SHAPE_STRUCT_FIELD(ec2_purchase_result_t, reservation, "", &reservation_shape),
};
static const shape_t purchase_shape = SHAPE(ec2_purchase_result_t, purchase_fields);

/* The root device's snapshot and size: the block device mapping named like rootDeviceName. */
static int root_volume(const xmlNode *m, void *obj)
{
	ec2_image_t *im = obj;
	xmlNode *set = xml_child(m, "blockDeviceMapping");
	for (xmlNode *b = xml_first(set, "item"); b; b = xml_next(b, "item")) {
		char *dev = xml_path_token(b, "deviceName");
		int root = dev && im->root_device_name && strcmp(dev, im->root_device_name) == 0;
		free(dev);
		if (!root) continue;
		im->root_snapshot_id = xml_path_token(b, "ebs/snapshotId");
		xml_path_int(b, "ebs/volumeSize", &im->root_volume_gib);
		break;
	}
	return 0;
}
static const shape_field_t image_fields[] = {
	F(ec2_image_t, image_id, "imageId", SHAPE_TOKEN, REQ),
	F(ec2_image_t, architecture, "architecture", SHAPE_TOKEN, 0),
	F(ec2_image_t, root_device_name, "rootDeviceName", SHAPE_TOKEN, 0),
	F(ec2_image_t, state, "imageState", SHAPE_TOKEN, 0),
	F(ec2_image_t, platform_details, "platformDetails", SHAPE_TOKEN, 0),
	F(ec2_image_t, root_snapshot_id, NULL, SHAPE_TOKEN, 0),
};
static const shape_t image_shape = SHAPE_HOOK(ec2_image_t, image_fields, root_volume);
EC2_PAGE(images_shape, ec2_images_t, images, "imagesSet", image_shape)

/* The table's explicit subnet associations, and whether one of them makes it the main. */
static int associations(const xmlNode *m, void *obj)
{
	ec2_route_table_t *t = obj;
	xmlNode *assoc = xml_child(m, "associationSet");
	size_t na = xml_count(assoc, "item");
	t->subnet_ids = na ? calloc(na, sizeof *t->subnet_ids) : NULL;
	for (xmlNode *a = xml_first(assoc, "item"); a; a = xml_next(a, "item")) {
		int main = 0;
		if (xml_path_bool(a, "main", &main) == 0 && main) t->main = 1;
		char *sub = xml_path_token(a, "subnetId");
		if (sub && t->subnet_ids) t->subnet_ids[t->nsubnet_ids++] = sub;
		else free(sub);
	}
	return 0;
}
static const shape_field_t route_fields[] = {
	F(ec2_route_t, destination_cidr_block, "destinationCidrBlock", SHAPE_TOKEN, 0),
	F(ec2_route_t, gateway_id, "gatewayId", SHAPE_TOKEN, 0),
	F(ec2_route_t, state, "state", SHAPE_TOKEN, 0),
};
static const shape_t route_shape = SHAPE(ec2_route_t, route_fields);
static const shape_field_t table_fields[] = {
	F(ec2_route_table_t, route_table_id, "routeTableId", SHAPE_TOKEN, REQ),
	F(ec2_route_table_t, vpc_id, "vpcId", SHAPE_TOKEN, 0),
	SHAPE_STRV_FIELD(ec2_route_table_t, subnet_ids, nsubnet_ids, NULL),
	SHAPE_LIST_FIELD(ec2_route_table_t, routes, nroutes, "routeSet", &route_shape, 0),
};
static const shape_t table_shape = SHAPE_HOOK(ec2_route_table_t, table_fields, associations);
EC2_PAGE(tables_shape, ec2_route_tables_t, tables, "routeTableSet", table_shape)

/* the first attachment */
static const shape_field_t igw_fields[] = {
	F(ec2_internet_gateway_t, internet_gateway_id, "internetGatewayId", SHAPE_TOKEN, REQ),
	F(ec2_internet_gateway_t, attached_vpc_id, "attachmentSet/item/vpcId", SHAPE_TOKEN, 0),
	F(ec2_internet_gateway_t, attachment_state, "attachmentSet/item/state", SHAPE_TOKEN, 0),
};
static const shape_t igw_shape = SHAPE(ec2_internet_gateway_t, igw_fields);
EC2_PAGE(igws_shape, ec2_internet_gateways_t, gateways, "internetGatewaySet", igw_shape)

static const shape_field_t endpoint_fields[] = {
	F(ec2_vpc_endpoint_t, vpc_endpoint_id, "vpcEndpointId", SHAPE_TOKEN, REQ),
	F(ec2_vpc_endpoint_t, service_name, "serviceName", SHAPE_TOKEN, 0),
	F(ec2_vpc_endpoint_t, state, "state", SHAPE_TOKEN, 0),
	F(ec2_vpc_endpoint_t, vpc_id, "vpcId", SHAPE_TOKEN, 0),
};
static const shape_t endpoint_shape = SHAPE(ec2_vpc_endpoint_t, endpoint_fields);
EC2_PAGE(endpoints_shape, ec2_vpc_endpoints_t, endpoints, "vpcEndpointSet", endpoint_shape)

#undef F
#undef REQ
#undef EC2_PAGE

SHAPE_XML_REPLY(ec2_parse_describe_vpcs, ec2_vpcs_free, ec2_vpcs_t, "DescribeVpcsResponse", NULL, vpcs_shape,
          "a VPC in the DescribeVpcs reply has no vpcId")
SHAPE_XML_REPLY(ec2_parse_describe_subnets, ec2_subnets_free, ec2_subnets_t, "DescribeSubnetsResponse", NULL,
          subnets_shape, "a subnet in the DescribeSubnets reply has no subnetId or availabilityZone")
SHAPE_XML_REPLY(ec2_parse_describe_availability_zones, ec2_zones_free, ec2_zones_t,
          "DescribeAvailabilityZonesResponse", NULL, zones_shape,
          "a zone in the DescribeAvailabilityZones reply has no zoneName")
SHAPE_XML_REPLY(ec2_parse_describe_instance_types, ec2_instance_types_free, ec2_instance_types_t,
          "DescribeInstanceTypesResponse", NULL, itypes_shape,
          "an entry in the DescribeInstanceTypes reply has no instanceType")
SHAPE_XML_REPLY(ec2_parse_describe_instance_type_offerings, ec2_offerings_free, ec2_offerings_t,
          "DescribeInstanceTypeOfferingsResponse", NULL, offerings_shape,
          "an offering in the DescribeInstanceTypeOfferings reply has no instanceType or location")
SHAPE_XML_REPLY(ec2_parse_describe_instances, ec2_instances_free, ec2_instances_t, "DescribeInstancesResponse", NULL,
          instances_shape, "an instance in the DescribeInstances reply has no instanceId or state")
SHAPE_XML_REPLY(ec2_parse_describe_security_groups, ec2_security_groups_free, ec2_security_groups_t,
          "DescribeSecurityGroupsResponse", NULL, groups_shape,
          "a group in the DescribeSecurityGroups reply has no groupId")
SHAPE_XML_REPLY(ec2_parse_describe_capacity_reservations, ec2_capacity_reservations_free,
          ec2_capacity_reservations_t, "DescribeCapacityReservationsResponse", NULL, reservations_shape,
          "a reservation in the DescribeCapacityReservations reply has no capacityReservationId or state")
SHAPE_XML_REPLY(ec2_parse_describe_capacity_block_offerings, ec2_capacity_block_offerings_free,
          ec2_capacity_block_offerings_t, "DescribeCapacityBlockOfferingsResponse", NULL, blocks_shape,
          "an offering in the DescribeCapacityBlockOfferings reply has no id, zone or readable dates")
SHAPE_XML_REPLY(ec2_parse_purchase_capacity_block, ec2_purchase_result_free, ec2_purchase_result_t,
          "PurchaseCapacityBlockResponse", "capacityReservation", purchase_shape,
          "the PurchaseCapacityBlock reply's reservation has no capacityReservationId or state")
SHAPE_XML_REPLY(ec2_parse_describe_images, ec2_images_free, ec2_images_t, "DescribeImagesResponse", NULL,
          images_shape, "an image in the DescribeImages reply has no imageId")
SHAPE_XML_REPLY(ec2_parse_describe_route_tables, ec2_route_tables_free, ec2_route_tables_t,
          "DescribeRouteTablesResponse", NULL, tables_shape,
          "a route table in the DescribeRouteTables reply has no routeTableId")
SHAPE_XML_REPLY(ec2_parse_describe_internet_gateways, ec2_internet_gateways_free, ec2_internet_gateways_t,
          "DescribeInternetGatewaysResponse", NULL, igws_shape,
          "a gateway in the DescribeInternetGateways reply has no internetGatewayId")
SHAPE_XML_REPLY(ec2_parse_describe_vpc_endpoints, ec2_vpc_endpoints_free, ec2_vpc_endpoints_t,
          "DescribeVpcEndpointsResponse", NULL, endpoints_shape,
          "an endpoint in the DescribeVpcEndpoints reply has no vpcEndpointId")

const char *ec2_instance_tag(const ec2_instance_t *i, const char *key)
{
	for (size_t k = 0; i && k < i->ntags; k++)
		if (i->tags[k].key && strcmp(i->tags[k].key, key) == 0)
			return i->tags[k].value ? i->tags[k].value : "";
	return NULL;
}

/* ---- async wrappers ---- */

static const codec_service_t ec2 = { "ec2", EC2_VERSION };

/* The describes that differ only by action, id list name and reply. */
static aws_call_t *describe(aws_client_t *c, const char *action, const char *id_prefix,
                            const ec2_describe_req_t *req, const shape_reply_t *reply,
                            codec_fn cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &ec2, action, ec2_build_describe(req, id_prefix, &p), &p, reply,
	                        cb, ud);
}

/* Defines such a describe: its function, callback type, parse function (whose reply it
 * reads), action and id list name. */
#define EC2_DESCRIBE(fn, cb_type, parse, action, id_prefix)                                   \
	EC2_DESCRIBE_DECL(fn, cb_type)                                                         \
	{                                                                                      \
		return describe(c, action, id_prefix, req, &parse##_reply, (codec_fn)cb, ud);  \
	}

EC2_DESCRIBE(ec2_describe_vpcs, ec2_vpcs_cb, ec2_parse_describe_vpcs,
             "DescribeVpcs", "VpcId")
EC2_DESCRIBE(ec2_describe_subnets, ec2_subnets_cb, ec2_parse_describe_subnets,
             "DescribeSubnets", "SubnetId")
EC2_DESCRIBE(ec2_describe_availability_zones, ec2_zones_cb, ec2_parse_describe_availability_zones,
             "DescribeAvailabilityZones", "ZoneName")
EC2_DESCRIBE(ec2_describe_instance_types, ec2_instance_types_cb, ec2_parse_describe_instance_types,
             "DescribeInstanceTypes", "InstanceType")
EC2_DESCRIBE(ec2_describe_instances, ec2_instances_cb, ec2_parse_describe_instances,
             "DescribeInstances", "InstanceId")
EC2_DESCRIBE(ec2_describe_security_groups, ec2_security_groups_cb, ec2_parse_describe_security_groups,
             "DescribeSecurityGroups", "GroupId")
EC2_DESCRIBE(ec2_describe_capacity_reservations, ec2_capacity_reservations_cb,
             ec2_parse_describe_capacity_reservations, "DescribeCapacityReservations",
             "CapacityReservationId")
EC2_DESCRIBE(ec2_describe_images, ec2_images_cb, ec2_parse_describe_images,
             "DescribeImages", "ImageId")
EC2_DESCRIBE(ec2_describe_route_tables, ec2_route_tables_cb, ec2_parse_describe_route_tables,
             "DescribeRouteTables", "RouteTableId")
EC2_DESCRIBE(ec2_describe_internet_gateways, ec2_internet_gateways_cb,
             ec2_parse_describe_internet_gateways, "DescribeInternetGateways", "InternetGatewayId")
EC2_DESCRIBE(ec2_describe_vpc_endpoints, ec2_vpc_endpoints_cb, ec2_parse_describe_vpc_endpoints,
             "DescribeVpcEndpoints", "VpcEndpointId")

aws_call_t *ec2_describe_instance_type_offerings(aws_client_t *c, const char *location_type,
                                                 const ec2_describe_req_t *req,
                                                 ec2_offerings_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &ec2, "DescribeInstanceTypeOfferings",
	                        ec2_build_describe_instance_type_offerings(location_type, req, &p), &p,
	                        &ec2_parse_describe_instance_type_offerings_reply, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_capacity_block_offerings(aws_client_t *c,
                                                  const ec2_capacity_block_req_t *req,
                                                  ec2_capacity_block_offerings_cb cb, void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &ec2, "DescribeCapacityBlockOfferings",
	                        ec2_build_describe_capacity_block_offerings(req, &p), &p,
	                        &ec2_parse_describe_capacity_block_offerings_reply, (codec_fn)cb, ud);
}

aws_call_t *ec2_purchase_capacity_block(aws_client_t *c, const char *offering_id,
                                        const char *instance_platform, ec2_purchase_cb cb,
                                        void *ud)
{
	aws_params_t p = {0};
	return codec_query_send(c, &ec2, "PurchaseCapacityBlock",
	                        ec2_build_purchase_capacity_block(offering_id, instance_platform, &p),
	                        &p, &ec2_parse_purchase_capacity_block_reply, (codec_fn)cb, ud);
}


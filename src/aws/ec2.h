/* Amazon EC2 (EC2 Query protocol, version 2016-11-15): the describes nixl-tui needs to
 * plan a cluster (VPC, subnets, zones, instance types and offerings, instances,
 * security groups) and capacity reservations / Capacity Blocks. Same shape as cfn.h:
 * pure builders and parsers, free functions, async wrappers (NULL without calling cb
 * when the request is invalid or could not start; results freed after the callback). */
#ifndef NIXL_AWS_EC2_H
#define NIXL_AWS_EC2_H

#include <stddef.h>
#include <time.h>

#include "aws/client.h"
#include "aws/shape.h"

#define EC2_VERSION "2016-11-15"

/* A describe filter: Filter.N.Name / Filter.N.Value.M. Borrowed strings. */
typedef struct ec2_filter {
	const char *name;
	const char *const *values;
	size_t nvalues;
} ec2_filter_t;

/* What most describes take: ids (InstanceId.N, ...), filters, a page token. */
typedef struct ec2_describe_req {
	const char *const *ids;
	size_t nids;
	const ec2_filter_t *filters;
	size_t nfilters;
	const char *next_token;
	int max_results;  /* 0: service default */
} ec2_describe_req_t;

/* Appends Filter.1.Name, Filter.1.Value.1, ... (numbered from 1, in order). */
void ec2_add_filters(aws_params_t *p, const ec2_filter_t *f, size_t n);
/* Appends prefix.1, prefix.2, ... ("InstanceId", "InstanceType", ...). */
void ec2_add_list(aws_params_t *p, const char *prefix, const char *const *v, size_t n);

/* A describe's async call (defined by EC2_DESCRIBE in ec2.c), declared beside its reply:
 *   aws_call_t *fn(aws_client_t *c, const ec2_describe_req_t *req, cb_type cb, void *ud);
 * req may be NULL (no ids, no filters); the comment beside each names its action and ids. */
#define EC2_DESCRIBE_DECL(fn, cb_type) \
	aws_call_t *fn(aws_client_t *c, const ec2_describe_req_t *req, cb_type cb, void *ud)

typedef struct ec2_tag {
	char *key, *value;
} ec2_tag_t;

typedef struct ec2_vpc {
	char *vpc_id, *cidr_block, *state;
	int is_default;
} ec2_vpc_t;
AWS_PAGE_T(ec2_vpcs, ec2_vpc_t, vpcs);
SHAPE_REPLY_DECL(ec2_parse_describe_vpcs, ec2_vpcs_free, ec2_vpcs_t, ec2_vpcs_cb);
EC2_DESCRIBE_DECL(ec2_describe_vpcs, ec2_vpcs_cb);  /* DescribeVpcs, ids: VpcId.N */

typedef struct ec2_subnet {
	char *subnet_id, *vpc_id, *availability_zone, *availability_zone_id, *cidr_block, *state;
	int available_ip_count, default_for_az, map_public_ip_on_launch;
} ec2_subnet_t;
AWS_PAGE_T(ec2_subnets, ec2_subnet_t, subnets);
SHAPE_REPLY_DECL(ec2_parse_describe_subnets, ec2_subnets_free, ec2_subnets_t, ec2_subnets_cb);
EC2_DESCRIBE_DECL(ec2_describe_subnets, ec2_subnets_cb);  /* DescribeSubnets, ids: SubnetId.N */

typedef struct ec2_zone {
	char *zone_name, *zone_id, *state, *region_name, *zone_type;
} ec2_zone_t;
typedef struct ec2_zones {
	ec2_zone_t *zones;
	size_t n;
} ec2_zones_t;
SHAPE_REPLY_DECL(ec2_parse_describe_availability_zones, ec2_zones_free, ec2_zones_t, ec2_zones_cb);
/* DescribeAvailabilityZones, ids: ZoneName.N */
EC2_DESCRIBE_DECL(ec2_describe_availability_zones, ec2_zones_cb);

typedef struct ec2_network_card {
	int index, maximum_network_interfaces;
	char *network_performance;
} ec2_network_card_t;

typedef struct ec2_gpu {
	char *name, *manufacturer;
	int count;
	long long memory_mib;
} ec2_gpu_t;

typedef struct ec2_instance_type {
	char *instance_type, *network_performance, *ena_support;
	int vcpus;
	long long memory_mib;
	int maximum_network_interfaces, maximum_network_cards;
	int efa_supported, maximum_efa_interfaces;  /* 0 when not EFA-capable */
	ec2_network_card_t *network_cards;
	size_t nnetwork_cards;
	ec2_gpu_t *gpus;
	size_t ngpus;
	long long total_gpu_memory_mib;
	char **architectures;
	size_t narchitectures;
} ec2_instance_type_t;
AWS_PAGE_T(ec2_instance_types, ec2_instance_type_t, types);
SHAPE_REPLY_DECL(ec2_parse_describe_instance_types, ec2_instance_types_free, ec2_instance_types_t,
                 ec2_instance_types_cb);
/* DescribeInstanceTypes, ids: InstanceType.N */
EC2_DESCRIBE_DECL(ec2_describe_instance_types, ec2_instance_types_cb);

typedef struct ec2_offering {
	char *instance_type, *location, *location_type;
} ec2_offering_t;
AWS_PAGE_T(ec2_offerings, ec2_offering_t, offerings);
SHAPE_REPLY_DECL(ec2_parse_describe_instance_type_offerings, ec2_offerings_free, ec2_offerings_t,
                 ec2_offerings_cb);
aws_call_t *ec2_describe_instance_type_offerings(aws_client_t *c, const char *location_type,
                                                 const ec2_describe_req_t *req,
                                                 ec2_offerings_cb cb, void *ud);

typedef struct ec2_instance {
	char *instance_id, *instance_type, *state, *image_id, *availability_zone;
	char *private_ip, *public_ip, *private_dns, *public_dns, *subnet_id, *vpc_id;
	int state_code;
	time_t launch_time;
	ec2_tag_t *tags;
	size_t ntags;
} ec2_instance_t;
/* Every instance of every reservation, in reply order. */
AWS_PAGE_T(ec2_instances, ec2_instance_t, instances);
SHAPE_REPLY_DECL(ec2_parse_describe_instances, ec2_instances_free, ec2_instances_t,
                 ec2_instances_cb);
/* DescribeInstances, ids: InstanceId.N */
EC2_DESCRIBE_DECL(ec2_describe_instances, ec2_instances_cb);

typedef struct ec2_security_group {
	char *group_id, *group_name, *description, *vpc_id;
} ec2_security_group_t;
AWS_PAGE_T(ec2_security_groups, ec2_security_group_t, groups);
SHAPE_REPLY_DECL(ec2_parse_describe_security_groups, ec2_security_groups_free,
                 ec2_security_groups_t, ec2_security_groups_cb);
/* DescribeSecurityGroups, ids: GroupId.N */
EC2_DESCRIBE_DECL(ec2_describe_security_groups, ec2_security_groups_cb);

typedef struct ec2_capacity_reservation {
	char *id, *arn, *instance_type, *instance_platform, *availability_zone, *tenancy;
	char *state, *end_date_type, *instance_match_criteria, *reservation_type;
	char *placement_group_arn;  /* NULL: not in a cluster placement group */
	int total_instance_count, available_instance_count;
	time_t start_date, end_date, create_date;  /* 0 when absent */
	ec2_tag_t *tags;
	size_t ntags;
} ec2_capacity_reservation_t;
AWS_PAGE_T(ec2_capacity_reservations, ec2_capacity_reservation_t, reservations);
SHAPE_REPLY_DECL(ec2_parse_describe_capacity_reservations, ec2_capacity_reservations_free,
                 ec2_capacity_reservations_t, ec2_capacity_reservations_cb);
/* DescribeCapacityReservations, ids: CapacityReservationId.N */
EC2_DESCRIBE_DECL(ec2_describe_capacity_reservations, ec2_capacity_reservations_cb);

typedef struct ec2_capacity_block_req {
	const char *instance_type;
	int instance_count;
	int duration_hours;
	time_t start_range, end_range;  /* 0: not sent */
	const char *next_token;
} ec2_capacity_block_req_t;

typedef struct ec2_capacity_block_offering {
	char *id, *instance_type, *availability_zone, *upfront_fee, *currency_code, *tenancy;
	int instance_count, duration_hours;
	time_t start_date, end_date;
} ec2_capacity_block_offering_t;
AWS_PAGE_T(ec2_capacity_block_offerings, ec2_capacity_block_offering_t, offerings);
SHAPE_REPLY_DECL(ec2_parse_describe_capacity_block_offerings, ec2_capacity_block_offerings_free,
                 ec2_capacity_block_offerings_t, ec2_capacity_block_offerings_cb);
aws_call_t *ec2_describe_capacity_block_offerings(aws_client_t *c,
                                                  const ec2_capacity_block_req_t *req,
                                                  ec2_capacity_block_offerings_cb cb, void *ud);

typedef struct ec2_purchase_result {
	ec2_capacity_reservation_t reservation;
} ec2_purchase_result_t;
SHAPE_REPLY_DECL(ec2_parse_purchase_capacity_block, ec2_purchase_result_free, ec2_purchase_result_t,
                 ec2_purchase_cb);
aws_call_t *ec2_purchase_capacity_block(aws_client_t *c, const char *offering_id,
                                        const char *instance_platform, ec2_purchase_cb cb,
                                        void *ud);

/* Builders (-1 when a required field is missing). */
int ec2_build_describe(const ec2_describe_req_t *req, const char *id_prefix, aws_params_t *out);
/* location_type: "region" | "availability-zone" | "availability-zone-id" (NULL: region). */
int ec2_build_describe_instance_type_offerings(const char *location_type,
                                               const ec2_describe_req_t *req, aws_params_t *out);
int ec2_build_describe_capacity_block_offerings(const ec2_capacity_block_req_t *req,
                                                aws_params_t *out);
int ec2_build_purchase_capacity_block(const char *offering_id, const char *instance_platform,
                                      aws_params_t *out);

/* The value of tag `key` on an instance, or NULL. */
const char *ec2_instance_tag(const ec2_instance_t *i, const char *key);

/* ---- DescribeImages (issue 13 item 9): the resolved AMI's architecture and root volume ---- */
typedef struct ec2_image {
	char *image_id, *architecture, *root_device_name, *state, *platform_details;
	char *root_snapshot_id;  /* the root device's EBS snapshot, or NULL */
	int root_volume_gib;     /* its VolumeSize; 0 when absent */
} ec2_image_t;
AWS_PAGE_T(ec2_images, ec2_image_t, images);
SHAPE_REPLY_DECL(ec2_parse_describe_images, ec2_images_free, ec2_images_t, ec2_images_cb);
EC2_DESCRIBE_DECL(ec2_describe_images, ec2_images_cb);  /* DescribeImages, ids: ImageId.N */

/* ---- issue 13 item 5: how a custom VPC's subnet reaches SSM ---- */
typedef struct ec2_route {
	char *destination_cidr_block, *gateway_id, *state;
} ec2_route_t;
typedef struct ec2_route_table {
	char *route_table_id, *vpc_id;
	char **subnet_ids;       /* explicit subnet associations */
	size_t nsubnet_ids;
	int main;                /* the VPC's main route table */
	ec2_route_t *routes;
	size_t nroutes;
} ec2_route_table_t;
AWS_PAGE_T(ec2_route_tables, ec2_route_table_t, tables);
SHAPE_REPLY_DECL(ec2_parse_describe_route_tables, ec2_route_tables_free, ec2_route_tables_t,
                 ec2_route_tables_cb);
/* DescribeRouteTables, ids: RouteTableId.N */
EC2_DESCRIBE_DECL(ec2_describe_route_tables, ec2_route_tables_cb);
typedef struct ec2_internet_gateway {
	char *internet_gateway_id;
	char *attached_vpc_id, *attachment_state;  /* the first attachment, or NULL */
} ec2_internet_gateway_t;
AWS_PAGE_T(ec2_internet_gateways, ec2_internet_gateway_t, gateways);
SHAPE_REPLY_DECL(ec2_parse_describe_internet_gateways, ec2_internet_gateways_free,
                 ec2_internet_gateways_t, ec2_internet_gateways_cb);
/* DescribeInternetGateways, ids: InternetGatewayId.N */
EC2_DESCRIBE_DECL(ec2_describe_internet_gateways, ec2_internet_gateways_cb);
typedef struct ec2_vpc_endpoint {
	char *vpc_endpoint_id, *service_name, *state, *vpc_id;
} ec2_vpc_endpoint_t;
AWS_PAGE_T(ec2_vpc_endpoints, ec2_vpc_endpoint_t, endpoints);
SHAPE_REPLY_DECL(ec2_parse_describe_vpc_endpoints, ec2_vpc_endpoints_free, ec2_vpc_endpoints_t,
                 ec2_vpc_endpoints_cb);
/* DescribeVpcEndpoints, ids: VpcEndpointId.N */
EC2_DESCRIBE_DECL(ec2_describe_vpc_endpoints, ec2_vpc_endpoints_cb);

#endif

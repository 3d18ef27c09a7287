#include "aws/ec2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
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

/* ---- parsers ---- */

/* A zeroed array for the items of the list at `path` of an EC2 reply; *first is the
 * first item (NULL, and *rc -1, when out of memory). */
static void *items_alloc(const xmlNode *root, const char *path, size_t elem, xmlNode **first,
                         int *rc)
{
	xmlNode *list = xml_path(root, path);
	size_t cnt = xml_count(list, "item");
	*first = xml_first(list, "item");
	if (!cnt) return NULL;
	void *arr = calloc(cnt, elem);
	if (!arr) {
		*rc = -1;
		*first = NULL;
	}
	return arr;
}

static ec2_tag_t *parse_tags(const xmlNode *parent, size_t *n)
{
	xmlNode *set = xml_child(parent, "tagSet");
	size_t cnt = xml_count(set, "item");
	*n = 0;
	ec2_tag_t *t = cnt ? calloc(cnt, sizeof *t) : NULL;
	if (!t) return NULL;
	for (xmlNode *m = xml_first(set, "item"); m; m = xml_next(m, "item")) {
		t[*n].key = xml_path_text(m, "key");
		t[*n].value = xml_path_text(m, "value");
		(*n)++;
	}
	return t;
}

static void tags_free(ec2_tag_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].key);
		free(t[i].value);
	}
	free(t);
}

/* Each parser: open the <Op>Response, walk its item list, then check the required
 * fields; a missing one makes the whole reply an error. */
#define FAIL_IF(cond, free_fn, out, what)                                                   \
	do {                                                                                 \
		if (cond) {                                                                  \
			free_fn(out);                                                        \
			return codec_fail(err, "%s", what);                                  \
		}                                                                            \
	} while (0)

int ec2_parse_describe_vpcs(const char *body, size_t len, ec2_vpcs_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeVpcsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->vpcs = items_alloc(r, "vpcSet", sizeof *out->vpcs, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_vpc_t *v = &out->vpcs[out->n++];
		v->vpc_id = xml_path_token(m, "vpcId");
		v->cidr_block = xml_path_token(m, "cidrBlock");
		v->state = xml_path_token(m, "state");
		xml_path_bool(m, "isDefault", &v->is_default);
		if (!v->vpc_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_vpcs_free, out, "a VPC in the DescribeVpcs reply has no vpcId");
	return 0;
}

void ec2_vpcs_free(ec2_vpcs_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->vpcs[i].vpc_id);
		free(v->vpcs[i].cidr_block);
		free(v->vpcs[i].state);
	}
	free(v->vpcs);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_subnets(const char *body, size_t len, ec2_subnets_t *out,
                               aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeSubnetsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->subnets = items_alloc(r, "subnetSet", sizeof *out->subnets, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_subnet_t *s = &out->subnets[out->n++];
		s->subnet_id = xml_path_token(m, "subnetId");
		s->vpc_id = xml_path_token(m, "vpcId");
		s->availability_zone = xml_path_token(m, "availabilityZone");
		s->availability_zone_id = xml_path_token(m, "availabilityZoneId");
		s->cidr_block = xml_path_token(m, "cidrBlock");
		s->state = xml_path_token(m, "state");
		xml_path_int(m, "availableIpAddressCount", &s->available_ip_count);
		xml_path_bool(m, "defaultForAz", &s->default_for_az);
		xml_path_bool(m, "mapPublicIpOnLaunch", &s->map_public_ip_on_launch);
		if (!s->subnet_id || !s->availability_zone) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_subnets_free, out,
	        "a subnet in the DescribeSubnets reply has no subnetId or availabilityZone");
	return 0;
}

void ec2_subnets_free(ec2_subnets_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_subnet_t *s = &v->subnets[i];
		free(s->subnet_id);
		free(s->vpc_id);
		free(s->availability_zone);
		free(s->availability_zone_id);
		free(s->cidr_block);
		free(s->state);
	}
	free(v->subnets);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_availability_zones(const char *body, size_t len, ec2_zones_t *out,
                                          aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeAvailabilityZonesResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->zones = items_alloc(r, "availabilityZoneInfo", sizeof *out->zones, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_zone_t *z = &out->zones[out->n++];
		z->zone_name = xml_path_token(m, "zoneName");
		z->zone_id = xml_path_token(m, "zoneId");
		z->state = xml_path_token(m, "zoneState");
		z->region_name = xml_path_token(m, "regionName");
		z->zone_type = xml_path_token(m, "zoneType");
		if (!z->zone_name) rc = -1;
	}
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_zones_free, out,
	        "a zone in the DescribeAvailabilityZones reply has no zoneName");
	return 0;
}

void ec2_zones_free(ec2_zones_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_zone_t *z = &v->zones[i];
		free(z->zone_name);
		free(z->zone_id);
		free(z->state);
		free(z->region_name);
		free(z->zone_type);
	}
	free(v->zones);
	memset(v, 0, sizeof *v);
}

static int parse_instance_type(const xmlNode *m, ec2_instance_type_t *t)
{
	t->instance_type = xml_path_token(m, "instanceType");
	xml_path_int(m, "vCpuInfo/defaultVCpus", &t->vcpus);
	xml_path_long(m, "memoryInfo/sizeInMiB", &t->memory_mib);
	xmlNode *net = xml_child(m, "networkInfo");
	t->network_performance = xml_path_token(net, "networkPerformance");
	t->ena_support = xml_path_token(net, "enaSupport");
	xml_path_int(net, "maximumNetworkInterfaces", &t->maximum_network_interfaces);
	xml_path_int(net, "maximumNetworkCards", &t->maximum_network_cards);
	xml_path_bool(net, "efaSupported", &t->efa_supported);
	xml_path_int(net, "efaInfo/maximumEfaInterfaces", &t->maximum_efa_interfaces);
	xmlNode *cards = xml_child(net, "networkCards");
	size_t cnt = xml_count(cards, "item");
	if (cnt && !(t->network_cards = calloc(cnt, sizeof *t->network_cards))) return -1;
	for (xmlNode *c = xml_first(cards, "item"); c; c = xml_next(c, "item")) {
		ec2_network_card_t *nc = &t->network_cards[t->nnetwork_cards++];
		xml_path_int(c, "networkCardIndex", &nc->index);
		xml_path_int(c, "maximumNetworkInterfaces", &nc->maximum_network_interfaces);
		nc->network_performance = xml_path_token(c, "networkPerformance");
	}
	xmlNode *gpus = xml_path(m, "gpuInfo/gpus");
	cnt = xml_count(gpus, "item");
	if (cnt && !(t->gpus = calloc(cnt, sizeof *t->gpus))) return -1;
	for (xmlNode *g = xml_first(gpus, "item"); g; g = xml_next(g, "item")) {
		ec2_gpu_t *gpu = &t->gpus[t->ngpus++];
		gpu->name = xml_path_token(g, "name");
		gpu->manufacturer = xml_path_token(g, "manufacturer");
		xml_path_int(g, "count", &gpu->count);
		xml_path_long(g, "memoryInfo/sizeInMiB", &gpu->memory_mib);
	}
	xml_path_long(m, "gpuInfo/totalGpuMemoryInMiB", &t->total_gpu_memory_mib);
	t->architectures = xml_strv(xml_path(m, "processorInfo/supportedArchitectures"),
	                            &t->narchitectures);
	return t->instance_type ? 0 : -1;
}

int ec2_parse_describe_instance_types(const char *body, size_t len, ec2_instance_types_t *out,
                                      aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeInstanceTypesResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->types = items_alloc(r, "instanceTypeSet", sizeof *out->types, &m, &rc);
	for (; m && rc == 0; m = xml_next(m, "item"))
		rc = parse_instance_type(m, &out->types[out->n++]);
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_instance_types_free, out,
	        "an entry in the DescribeInstanceTypes reply has no instanceType");
	return 0;
}

void ec2_instance_types_free(ec2_instance_types_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_instance_type_t *t = &v->types[i];
		free(t->instance_type);
		free(t->network_performance);
		free(t->ena_support);
		for (size_t k = 0; k < t->nnetwork_cards; k++)
			free(t->network_cards[k].network_performance);
		free(t->network_cards);
		for (size_t k = 0; k < t->ngpus; k++) {
			free(t->gpus[k].name);
			free(t->gpus[k].manufacturer);
		}
		free(t->gpus);
		codec_strv_free(t->architectures, t->narchitectures);
	}
	free(v->types);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_instance_type_offerings(const char *body, size_t len,
                                               ec2_offerings_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeInstanceTypeOfferingsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->offerings = items_alloc(r, "instanceTypeOfferingSet", sizeof *out->offerings, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_offering_t *o = &out->offerings[out->n++];
		o->instance_type = xml_path_token(m, "instanceType");
		o->location = xml_path_token(m, "location");
		o->location_type = xml_path_token(m, "locationType");
		if (!o->instance_type || !o->location) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_offerings_free, out,
	        "an offering in the DescribeInstanceTypeOfferings reply has no instanceType or "
	        "location");
	return 0;
}

void ec2_offerings_free(ec2_offerings_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->offerings[i].instance_type);
		free(v->offerings[i].location);
		free(v->offerings[i].location_type);
	}
	free(v->offerings);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

static int parse_instance(const xmlNode *m, ec2_instance_t *i)
{
	i->instance_id = xml_path_token(m, "instanceId");
	i->instance_type = xml_path_token(m, "instanceType");
	i->state = xml_path_token(m, "instanceState/name");
	xml_path_int(m, "instanceState/code", &i->state_code);
	i->image_id = xml_path_token(m, "imageId");
	i->availability_zone = xml_path_token(m, "placement/availabilityZone");
	i->private_ip = xml_path_token(m, "privateIpAddress");
	i->public_ip = xml_path_token(m, "ipAddress");
	i->private_dns = xml_path_token(m, "privateDnsName");
	i->public_dns = xml_path_token(m, "dnsName");
	i->subnet_id = xml_path_token(m, "subnetId");
	i->vpc_id = xml_path_token(m, "vpcId");
	xml_path_time(m, "launchTime", &i->launch_time, NULL);
	i->tags = parse_tags(m, &i->ntags);
	return i->instance_id && i->state ? 0 : -1;
}

int ec2_parse_describe_instances(const char *body, size_t len, ec2_instances_t *out,
                                 aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeInstancesResponse", NULL, &doc, err);
	if (!r) return -1;
	xmlNode *rs = xml_child(r, "reservationSet");
	size_t cnt = 0;
	for (xmlNode *res = xml_first(rs, "item"); res; res = xml_next(res, "item"))
		cnt += xml_count(xml_child(res, "instancesSet"), "item");
	int rc = 0;
	if (cnt && !(out->instances = calloc(cnt, sizeof *out->instances))) rc = -1;
	for (xmlNode *res = xml_first(rs, "item"); res && rc == 0; res = xml_next(res, "item")) {
		xmlNode *set = xml_child(res, "instancesSet");
		for (xmlNode *m = xml_first(set, "item"); m && rc == 0; m = xml_next(m, "item"))
			rc = parse_instance(m, &out->instances[out->n++]);
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_instances_free, out,
	        "an instance in the DescribeInstances reply has no instanceId or state");
	return 0;
}

void ec2_instances_free(ec2_instances_t *v)
{
	if (!v) return;
	for (size_t k = 0; k < v->n; k++) {
		ec2_instance_t *i = &v->instances[k];
		free(i->instance_id);
		free(i->instance_type);
		free(i->state);
		free(i->image_id);
		free(i->availability_zone);
		free(i->private_ip);
		free(i->public_ip);
		free(i->private_dns);
		free(i->public_dns);
		free(i->subnet_id);
		free(i->vpc_id);
		tags_free(i->tags, i->ntags);
	}
	free(v->instances);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

const char *ec2_instance_tag(const ec2_instance_t *i, const char *key)
{
	for (size_t k = 0; i && k < i->ntags; k++)
		if (i->tags[k].key && strcmp(i->tags[k].key, key) == 0)
			return i->tags[k].value ? i->tags[k].value : "";
	return NULL;
}

int ec2_parse_describe_security_groups(const char *body, size_t len, ec2_security_groups_t *out,
                                       aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeSecurityGroupsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->groups = items_alloc(r, "securityGroupInfo", sizeof *out->groups, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_security_group_t *g = &out->groups[out->n++];
		g->group_id = xml_path_token(m, "groupId");
		g->group_name = xml_path_token(m, "groupName");
		g->description = xml_path_token(m, "groupDescription");
		g->vpc_id = xml_path_token(m, "vpcId");
		if (!g->group_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_security_groups_free, out,
	        "a group in the DescribeSecurityGroups reply has no groupId");
	return 0;
}

void ec2_security_groups_free(ec2_security_groups_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->groups[i].group_id);
		free(v->groups[i].group_name);
		free(v->groups[i].description);
		free(v->groups[i].vpc_id);
	}
	free(v->groups);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

static int parse_reservation(const xmlNode *m, ec2_capacity_reservation_t *cr)
{
	cr->id = xml_path_token(m, "capacityReservationId");
	cr->arn = xml_path_token(m, "capacityReservationArn");
	cr->instance_type = xml_path_token(m, "instanceType");
	cr->instance_platform = xml_path_token(m, "instancePlatform");
	cr->availability_zone = xml_path_token(m, "availabilityZone");
	cr->tenancy = xml_path_token(m, "tenancy");
	cr->state = xml_path_token(m, "state");
	cr->end_date_type = xml_path_token(m, "endDateType");
	cr->instance_match_criteria = xml_path_token(m, "instanceMatchCriteria");
	cr->reservation_type = xml_path_token(m, "reservationType");
	cr->placement_group_arn = xml_path_token(m, "placementGroupArn");
	xml_path_int(m, "totalInstanceCount", &cr->total_instance_count);
	xml_path_int(m, "availableInstanceCount", &cr->available_instance_count);
	xml_path_time(m, "startDate", &cr->start_date, NULL);
	xml_path_time(m, "endDate", &cr->end_date, NULL);
	xml_path_time(m, "createDate", &cr->create_date, NULL);
	cr->tags = parse_tags(m, &cr->ntags);
	return cr->id && cr->state ? 0 : -1;
}

static void reservation_free(ec2_capacity_reservation_t *cr)
{
	free(cr->id);
	free(cr->arn);
	free(cr->instance_type);
	free(cr->instance_platform);
	free(cr->availability_zone);
	free(cr->tenancy);
	free(cr->state);
	free(cr->end_date_type);
	free(cr->instance_match_criteria);
	free(cr->reservation_type);
	free(cr->placement_group_arn);
	tags_free(cr->tags, cr->ntags);
	memset(cr, 0, sizeof *cr);
}

int ec2_parse_describe_capacity_reservations(const char *body, size_t len,
                                             ec2_capacity_reservations_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeCapacityReservationsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->reservations = items_alloc(r, "capacityReservationSet", sizeof *out->reservations,
	                                &m, &rc);
	for (; m && rc == 0; m = xml_next(m, "item"))
		rc = parse_reservation(m, &out->reservations[out->n++]);
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_capacity_reservations_free, out,
	        "a reservation in the DescribeCapacityReservations reply has no "
	        "capacityReservationId or state");
	return 0;
}

void ec2_capacity_reservations_free(ec2_capacity_reservations_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) reservation_free(&v->reservations[i]);
	free(v->reservations);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_capacity_block_offerings(const char *body, size_t len,
                                                ec2_capacity_block_offerings_t *out,
                                                aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeCapacityBlockOfferingsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->offerings = items_alloc(r, "capacityBlockOfferingSet", sizeof *out->offerings,
	                             &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_capacity_block_offering_t *o = &out->offerings[out->n++];
		o->id = xml_path_token(m, "capacityBlockOfferingId");
		o->instance_type = xml_path_token(m, "instanceType");
		o->availability_zone = xml_path_token(m, "availabilityZone");
		o->upfront_fee = xml_path_token(m, "upfrontFee");
		o->currency_code = xml_path_token(m, "currencyCode");
		o->tenancy = xml_path_token(m, "tenancy");
		xml_path_int(m, "instanceCount", &o->instance_count);
		xml_path_int(m, "capacityBlockDurationHours", &o->duration_hours);
		if (!o->id || !o->availability_zone ||
		    xml_path_time(m, "startDate", &o->start_date, NULL) != 0 ||
		    xml_path_time(m, "endDate", &o->end_date, NULL) != 0)
			rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_capacity_block_offerings_free, out,
	        "an offering in the DescribeCapacityBlockOfferings reply has no id, zone or "
	        "readable dates");
	return 0;
}

void ec2_capacity_block_offerings_free(ec2_capacity_block_offerings_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_capacity_block_offering_t *o = &v->offerings[i];
		free(o->id);
		free(o->instance_type);
		free(o->availability_zone);
		free(o->upfront_fee);
		free(o->currency_code);
		free(o->tenancy);
	}
	free(v->offerings);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_purchase_capacity_block(const char *body, size_t len, ec2_purchase_result_t *out,
                                      aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "PurchaseCapacityBlockResponse", "capacityReservation",
	                      &doc, err);
	if (!r) return -1;
	int rc = parse_reservation(r, &out->reservation);
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_purchase_result_free, out,
	        "the PurchaseCapacityBlock reply's reservation has no capacityReservationId or "
	        "state");
	return 0;
}

void ec2_purchase_result_free(ec2_purchase_result_t *v)
{
	if (v) reservation_free(&v->reservation);
}

/* ---- async wrappers ---- */

CODEC_DONE(vpcs_done, ec2_vpcs_cb, ec2_vpcs_t, ec2_parse_describe_vpcs, ec2_vpcs_free)
CODEC_DONE(subnets_done, ec2_subnets_cb, ec2_subnets_t, ec2_parse_describe_subnets,
           ec2_subnets_free)
CODEC_DONE(zones_done, ec2_zones_cb, ec2_zones_t, ec2_parse_describe_availability_zones,
           ec2_zones_free)
CODEC_DONE(types_done, ec2_instance_types_cb, ec2_instance_types_t,
           ec2_parse_describe_instance_types, ec2_instance_types_free)
CODEC_DONE(offerings_done, ec2_offerings_cb, ec2_offerings_t,
           ec2_parse_describe_instance_type_offerings, ec2_offerings_free)
CODEC_DONE(instances_done, ec2_instances_cb, ec2_instances_t, ec2_parse_describe_instances,
           ec2_instances_free)
CODEC_DONE(groups_done, ec2_security_groups_cb, ec2_security_groups_t,
           ec2_parse_describe_security_groups, ec2_security_groups_free)
CODEC_DONE(reservations_done, ec2_capacity_reservations_cb, ec2_capacity_reservations_t,
           ec2_parse_describe_capacity_reservations, ec2_capacity_reservations_free)
CODEC_DONE(blocks_done, ec2_capacity_block_offerings_cb, ec2_capacity_block_offerings_t,
           ec2_parse_describe_capacity_block_offerings, ec2_capacity_block_offerings_free)
CODEC_DONE(purchase_done, ec2_purchase_cb, ec2_purchase_result_t,
           ec2_parse_purchase_capacity_block, ec2_purchase_result_free)

/* Sends p when the builder accepted the request (rc 0); always frees p. */
static aws_call_t *start(aws_client_t *c, int rc, const char *action, aws_params_t *p,
                         aws_done_cb done, codec_fn cb, void *ud)
{
	aws_call_t *call = NULL;
	if (rc == 0) call = codec_query(c, "ec2", action, EC2_VERSION, p, done, cb, ud);
	aws_params_free(p);
	return call;
}

/* The describes that differ only by action, id list name and reply. */
static aws_call_t *describe(aws_client_t *c, const char *action, const char *id_prefix,
                            const ec2_describe_req_t *req, aws_done_cb done, codec_fn cb,
                            void *ud)
{
	aws_params_t p = {0};
	return start(c, ec2_build_describe(req, id_prefix, &p), action, &p, done, cb, ud);
}

aws_call_t *ec2_describe_vpcs(aws_client_t *c, const ec2_describe_req_t *req, ec2_vpcs_cb cb,
                              void *ud)
{
	return describe(c, "DescribeVpcs", "VpcId", req, vpcs_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_subnets(aws_client_t *c, const ec2_describe_req_t *req,
                                 ec2_subnets_cb cb, void *ud)
{
	return describe(c, "DescribeSubnets", "SubnetId", req, subnets_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_availability_zones(aws_client_t *c, const ec2_describe_req_t *req,
                                            ec2_zones_cb cb, void *ud)
{
	return describe(c, "DescribeAvailabilityZones", "ZoneName", req, zones_done, (codec_fn)cb,
	                ud);
}

aws_call_t *ec2_describe_instance_types(aws_client_t *c, const ec2_describe_req_t *req,
                                        ec2_instance_types_cb cb, void *ud)
{
	return describe(c, "DescribeInstanceTypes", "InstanceType", req, types_done, (codec_fn)cb,
	                ud);
}

aws_call_t *ec2_describe_instance_type_offerings(aws_client_t *c, const char *location_type,
                                                 const ec2_describe_req_t *req,
                                                 ec2_offerings_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, ec2_build_describe_instance_type_offerings(location_type, req, &p),
	             "DescribeInstanceTypeOfferings", &p, offerings_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_instances(aws_client_t *c, const ec2_describe_req_t *req,
                                   ec2_instances_cb cb, void *ud)
{
	return describe(c, "DescribeInstances", "InstanceId", req, instances_done, (codec_fn)cb,
	                ud);
}

aws_call_t *ec2_describe_security_groups(aws_client_t *c, const ec2_describe_req_t *req,
                                         ec2_security_groups_cb cb, void *ud)
{
	return describe(c, "DescribeSecurityGroups", "GroupId", req, groups_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_capacity_reservations(aws_client_t *c, const ec2_describe_req_t *req,
                                               ec2_capacity_reservations_cb cb, void *ud)
{
	return describe(c, "DescribeCapacityReservations", "CapacityReservationId", req,
	                reservations_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_capacity_block_offerings(aws_client_t *c,
                                                  const ec2_capacity_block_req_t *req,
                                                  ec2_capacity_block_offerings_cb cb, void *ud)
{
	aws_params_t p = {0};
	return start(c, ec2_build_describe_capacity_block_offerings(req, &p),
	             "DescribeCapacityBlockOfferings", &p, blocks_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_purchase_capacity_block(aws_client_t *c, const char *offering_id,
                                        const char *instance_platform, ec2_purchase_cb cb,
                                        void *ud)
{
	aws_params_t p = {0};
	return start(c, ec2_build_purchase_capacity_block(offering_id, instance_platform, &p),
	             "PurchaseCapacityBlock", &p, purchase_done, (codec_fn)cb, ud);
}

/* ---- DescribeImages ---- */

static void parse_root_volume(const xmlNode *m, ec2_image_t *im)
{
	xmlNode *set = xml_child(m, "blockDeviceMapping");
	for (xmlNode *b = xml_first(set, "item"); b; b = xml_next(b, "item")) {
		char *dev = xml_path_token(b, "deviceName");
		int root = dev && im->root_device_name && strcmp(dev, im->root_device_name) == 0;
		free(dev);
		if (!root) continue;
		im->root_snapshot_id = xml_path_token(b, "ebs/snapshotId");
		xml_path_int(b, "ebs/volumeSize", &im->root_volume_gib);
		return;
	}
}

int ec2_parse_describe_images(const char *body, size_t len, ec2_images_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeImagesResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->images = items_alloc(r, "imagesSet", sizeof *out->images, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_image_t *im = &out->images[out->n++];
		im->image_id = xml_path_token(m, "imageId");
		im->architecture = xml_path_token(m, "architecture");
		im->root_device_name = xml_path_token(m, "rootDeviceName");
		im->state = xml_path_token(m, "imageState");
		im->platform_details = xml_path_token(m, "platformDetails");
		parse_root_volume(m, im);
		if (!im->image_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_images_free, out, "an image in the DescribeImages reply has no imageId");
	return 0;
}

void ec2_images_free(ec2_images_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_image_t *im = &v->images[i];
		free(im->image_id);
		free(im->architecture);
		free(im->root_device_name);
		free(im->state);
		free(im->platform_details);
		free(im->root_snapshot_id);
	}
	free(v->images);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

CODEC_DONE(images_done, ec2_images_cb, ec2_images_t, ec2_parse_describe_images, ec2_images_free)

aws_call_t *ec2_describe_images(aws_client_t *c, const ec2_describe_req_t *req, ec2_images_cb cb,
                                void *ud)
{
	return describe(c, "DescribeImages", "ImageId", req, images_done, (codec_fn)cb, ud);
}

/* ---- DescribeRouteTables, DescribeInternetGateways, DescribeVpcEndpoints ---- */

static void parse_route_table(const xmlNode *m, ec2_route_table_t *t)
{
	t->route_table_id = xml_path_token(m, "routeTableId");
	t->vpc_id = xml_path_token(m, "vpcId");
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
	xmlNode *routes = xml_child(m, "routeSet");
	size_t nr = xml_count(routes, "item");
	t->routes = nr ? calloc(nr, sizeof *t->routes) : NULL;
	for (xmlNode *r = xml_first(routes, "item"); r && t->routes; r = xml_next(r, "item")) {
		ec2_route_t *o = &t->routes[t->nroutes++];
		o->destination_cidr_block = xml_path_token(r, "destinationCidrBlock");
		o->gateway_id = xml_path_token(r, "gatewayId");
		o->state = xml_path_token(r, "state");
	}
}

int ec2_parse_describe_route_tables(const char *body, size_t len, ec2_route_tables_t *out,
                                    aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeRouteTablesResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->tables = items_alloc(r, "routeTableSet", sizeof *out->tables, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_route_table_t *t = &out->tables[out->n++];
		parse_route_table(m, t);
		if (!t->route_table_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_route_tables_free, out, "a route table in the DescribeRouteTables reply has no routeTableId");
	return 0;
}

void ec2_route_tables_free(ec2_route_tables_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_route_table_t *t = &v->tables[i];
		free(t->route_table_id);
		free(t->vpc_id);
		for (size_t k = 0; k < t->nsubnet_ids; k++) free(t->subnet_ids[k]);
		free(t->subnet_ids);
		for (size_t k = 0; k < t->nroutes; k++) {
			free(t->routes[k].destination_cidr_block);
			free(t->routes[k].gateway_id);
			free(t->routes[k].state);
		}
		free(t->routes);
	}
	free(v->tables);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_internet_gateways(const char *body, size_t len,
                                         ec2_internet_gateways_t *out, aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeInternetGatewaysResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->gateways = items_alloc(r, "internetGatewaySet", sizeof *out->gateways, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_internet_gateway_t *g = &out->gateways[out->n++];
		g->internet_gateway_id = xml_path_token(m, "internetGatewayId");
		xmlNode *a = xml_first(xml_child(m, "attachmentSet"), "item");
		g->attached_vpc_id = xml_path_token(a, "vpcId");
		g->attachment_state = xml_path_token(a, "state");
		if (!g->internet_gateway_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_internet_gateways_free, out,
	        "a gateway in the DescribeInternetGateways reply has no internetGatewayId");
	return 0;
}

void ec2_internet_gateways_free(ec2_internet_gateways_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->gateways[i].internet_gateway_id);
		free(v->gateways[i].attached_vpc_id);
		free(v->gateways[i].attachment_state);
	}
	free(v->gateways);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

int ec2_parse_describe_vpc_endpoints(const char *body, size_t len, ec2_vpc_endpoints_t *out,
                                     aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeVpcEndpointsResponse", NULL, &doc, err);
	if (!r) return -1;
	int rc = 0;
	xmlNode *m;
	out->endpoints = items_alloc(r, "vpcEndpointSet", sizeof *out->endpoints, &m, &rc);
	for (; m; m = xml_next(m, "item")) {
		ec2_vpc_endpoint_t *e = &out->endpoints[out->n++];
		e->vpc_endpoint_id = xml_path_token(m, "vpcEndpointId");
		e->service_name = xml_path_token(m, "serviceName");
		e->state = xml_path_token(m, "state");
		e->vpc_id = xml_path_token(m, "vpcId");
		if (!e->vpc_endpoint_id) rc = -1;
	}
	out->next_token = xml_path_token(r, "nextToken");
	xmlFreeDoc(doc);
	FAIL_IF(rc, ec2_vpc_endpoints_free, out,
	        "an endpoint in the DescribeVpcEndpoints reply has no vpcEndpointId");
	return 0;
}

void ec2_vpc_endpoints_free(ec2_vpc_endpoints_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		free(v->endpoints[i].vpc_endpoint_id);
		free(v->endpoints[i].service_name);
		free(v->endpoints[i].state);
		free(v->endpoints[i].vpc_id);
	}
	free(v->endpoints);
	free(v->next_token);
	memset(v, 0, sizeof *v);
}

CODEC_DONE(route_tables_done, ec2_route_tables_cb, ec2_route_tables_t,
           ec2_parse_describe_route_tables, ec2_route_tables_free)
CODEC_DONE(igws_done, ec2_internet_gateways_cb, ec2_internet_gateways_t,
           ec2_parse_describe_internet_gateways, ec2_internet_gateways_free)
CODEC_DONE(endpoints_done, ec2_vpc_endpoints_cb, ec2_vpc_endpoints_t,
           ec2_parse_describe_vpc_endpoints, ec2_vpc_endpoints_free)

aws_call_t *ec2_describe_route_tables(aws_client_t *c, const ec2_describe_req_t *req,
                                      ec2_route_tables_cb cb, void *ud)
{
	return describe(c, "DescribeRouteTables", "RouteTableId", req, route_tables_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_internet_gateways(aws_client_t *c, const ec2_describe_req_t *req,
                                           ec2_internet_gateways_cb cb, void *ud)
{
	return describe(c, "DescribeInternetGateways", "InternetGatewayId", req, igws_done, (codec_fn)cb, ud);
}

aws_call_t *ec2_describe_vpc_endpoints(aws_client_t *c, const ec2_describe_req_t *req,
                                       ec2_vpc_endpoints_cb cb, void *ud)
{
	return describe(c, "DescribeVpcEndpoints", "VpcEndpointId", req, endpoints_done, (codec_fn)cb, ud);
}

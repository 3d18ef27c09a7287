#include "aws/ec2_addresses.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/shape.h"
#include "aws/xml.h"

static int address_named(const void *obj)
{
	const ec2_address_t *a = obj;
	return a->public_ip || a->allocation_id ? 0 : -1;
}
static const shape_field_t address_fields[] = {
	SHAPE_FIELD(ec2_address_t, public_ip, "publicIp", SHAPE_TOKEN, 0),
	SHAPE_FIELD(ec2_address_t, allocation_id, "allocationId", SHAPE_TOKEN, 0),
	SHAPE_FIELD(ec2_address_t, domain, "domain", SHAPE_TOKEN, 0),
	SHAPE_FIELD(ec2_address_t, association_id, "associationId", SHAPE_TOKEN, 0),
	SHAPE_FIELD(ec2_address_t, instance_id, "instanceId", SHAPE_TOKEN, 0),
};
static const shape_t address_shape = SHAPE_CHECK(ec2_address_t, address_fields, address_named);
static const shape_field_t addresses_fields[] = {
	SHAPE_LIST_FIELD(ec2_addresses_t, addresses, n, "addressesSet", &address_shape, 0),
};
static const shape_t addresses_shape = SHAPE(ec2_addresses_t, addresses_fields);

SHAPE_XML_REPLY(ec2_parse_describe_addresses, ec2_addresses_free, ec2_addresses_t, "DescribeAddressesResponse",
                NULL, addresses_shape, "an address in the DescribeAddresses reply has no publicIp or allocationId")

aws_call_t *ec2_describe_addresses(aws_client_t *c, const ec2_describe_req_t *req,
                                   ec2_addresses_cb cb, void *ud)
{
	static const codec_service_t ec2 = { "ec2", EC2_VERSION };
	aws_params_t p = {0};
	ec2_describe_req_t none = {0};
	return codec_query_send(c, &ec2, "DescribeAddresses",
	                        ec2_build_describe(req ? req : &none, "AllocationId", &p), &p,
	                        &ec2_parse_describe_addresses_reply, (codec_fn)cb, ud);
}

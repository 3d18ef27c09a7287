#include "aws/ec2_addresses.h"

#include <stdlib.h>
#include <string.h>

#include "aws/codec.h"
#include "aws/xml.h"

int ec2_parse_describe_addresses(const char *body, size_t len, ec2_addresses_t *out,
                                 aws_error_t *err)
{
	memset(out, 0, sizeof *out);
	xmlDoc *doc;
	xmlNode *r = xml_open(body, len, "DescribeAddressesResponse", NULL, &doc, err);
	if (!r) return -1;
	xmlNode *set = xml_child(r, "addressesSet");
	size_t cnt = xml_count(set, "item");
	int rc = 0;
	if (cnt && !(out->addresses = calloc(cnt, sizeof *out->addresses))) rc = -1;
	for (xmlNode *m = xml_first(set, "item"); m && rc == 0; m = xml_next(m, "item")) {
		ec2_address_t *a = &out->addresses[out->n++];
		a->public_ip = xml_path_token(m, "publicIp");
		a->allocation_id = xml_path_token(m, "allocationId");
		a->domain = xml_path_token(m, "domain");
		a->association_id = xml_path_token(m, "associationId");
		a->instance_id = xml_path_token(m, "instanceId");
		if (!a->public_ip && !a->allocation_id) rc = -1;
	}
	xmlFreeDoc(doc);
	if (rc != 0) {
		ec2_addresses_free(out);
		return codec_fail(err, "an address in the DescribeAddresses reply has no publicIp "
		                       "or allocationId");
	}
	return 0;
}

void ec2_addresses_free(ec2_addresses_t *v)
{
	if (!v) return;
	for (size_t i = 0; i < v->n; i++) {
		ec2_address_t *a = &v->addresses[i];
		free(a->public_ip);
		free(a->allocation_id);
		free(a->domain);
		free(a->association_id);
		free(a->instance_id);
	}
	free(v->addresses);
	memset(v, 0, sizeof *v);
}

CODEC_DONE(addresses_done, ec2_addresses_cb, ec2_addresses_t, ec2_parse_describe_addresses,
           ec2_addresses_free)

aws_call_t *ec2_describe_addresses(aws_client_t *c, const ec2_describe_req_t *req,
                                   ec2_addresses_cb cb, void *ud)
{
	aws_params_t p = {0};
	ec2_describe_req_t none = {0};
	aws_call_t *call = NULL;
	if (ec2_build_describe(req ? req : &none, "AllocationId", &p) == 0)
		call = codec_query(c, "ec2", "DescribeAddresses", EC2_VERSION, &p, addresses_done,
		                   (codec_fn)cb, ud);
	aws_params_free(&p);
	return call;
}

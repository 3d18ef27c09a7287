/* EC2 DescribeAddresses: the Elastic IP addresses the account holds in the Region (one
 * reply: the action is not paginated). Used to count them against the Elastic IP quota. */
#ifndef NIXL_AWS_EC2_ADDRESSES_H
#define NIXL_AWS_EC2_ADDRESSES_H

#include <stddef.h>

#include "aws/ec2.h"

typedef struct ec2_address {
	char *public_ip, *allocation_id, *domain, *association_id, *instance_id;
} ec2_address_t;
typedef struct ec2_addresses {
	ec2_address_t *addresses;
	size_t n;
} ec2_addresses_t;

/* -1 with err set when an entry has neither publicIp nor allocationId. */
int ec2_parse_describe_addresses(const char *body, size_t len, ec2_addresses_t *out,
                                 aws_error_t *err);
void ec2_addresses_free(ec2_addresses_t *v);

typedef void (*ec2_addresses_cb)(void *ud, const aws_error_t *err, ec2_addresses_t *res);

/* req: AllocationId.N ids and filters (NULL: every address). */
aws_call_t *ec2_describe_addresses(aws_client_t *c, const ec2_describe_req_t *req,
                                   ec2_addresses_cb cb, void *ud);

#endif

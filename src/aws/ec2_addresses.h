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
/* The parse fails (-1, err set) when an entry has neither publicIp nor allocationId. */
SHAPE_REPLY_DECL(ec2_parse_describe_addresses, ec2_addresses_free, ec2_addresses_t,
                 ec2_addresses_cb);

/* req: AllocationId.N ids and filters (NULL: every address). */
aws_call_t *ec2_describe_addresses(aws_client_t *c, const ec2_describe_req_t *req,
                                   ec2_addresses_cb cb, void *ud);

#endif

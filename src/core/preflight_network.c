/* Preflight of the network (issue 13 item 5): a subnet given with -c subnetId must be in
 * the zone the nodes go to (the zone asked for, the reservation's, or the first that
 * offers the type): an instance cannot launch in a subnet of another Availability Zone
 * than its Capacity Block's ("Launch instances using Capacity Blocks", Amazon EC2 User
 * Guide), and AWS::EC2::Instance refuses a subnet outside the AvailabilityZone it names. */
#include <stdio.h>
#include <string.h>

#include "aws/ec2.h"
#include "core/session_priv.h"

static const char *nz(const char *s) { return s ? s : ""; }

int preflight_subnet_zone(session_t *s, const ec2_subnet_t *sn)
{
	struct session_priv *p = SP(s);
	const char *given = config_get(&p->cfg, CONFIG_SUBNET_ID);
	if (!given || strcmp(nz(sn->availability_zone), p->az) == 0) return 0;
	const char *why = p->resv_checked ? "the capacity reservation's zone"
	                  : config_get(&p->cfg, CONFIG_AVAILABILITY_ZONE) ? "the zone asked for"
	                  : "the first zone that offers the instance type";
	if (p->resv_checked || config_get(&p->cfg, CONFIG_AVAILABILITY_ZONE))
		sess_fail(s, SESS_FAILED, "Subnet %s is in %s, but the nodes go to %s (%s); pass "
		          "-c subnetId= of a subnet in %s.", given, nz(sn->availability_zone), p->az, why, p->az);
	else
		sess_fail(s, SESS_FAILED, "Subnet %s is in %s, but the nodes go to %s (%s); pass "
		          "-c availabilityZone=%s too, or a subnet in %s.", given, nz(sn->availability_zone),
		          p->az, why, nz(sn->availability_zone), p->az);
	return -1;
}

/* Preflight of the capacity reservation (issue 13 items 3 and 4): the reservation that
 * DescribeCapacityReservations returned must take the cluster (capacity_check.h); its
 * ReservationType decides MarketType, and its own placement group (PlacementGroupArn)
 * is where the nodes go. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/capacity_check.h"
#include "core/session_priv.h"

static const char *nz(const char *s) { return s ? s : ""; }

/* useCapacityBlock as set explicitly (-1 when left to its default). */
static int said_capacity_block(const config_t *cfg)
{
	const char *v = cfg->value[CONFIG_USE_CAPACITY_BLOCK];
	if (!v || !*v) return -1;
	return config_use_capacity_block(cfg);
}

int preflight_reservation(session_t *s, const ec2_capacity_reservation_t *r)
{
	struct session_priv *p = SP(s);
	const char *asked_zone = config_get(&p->cfg, CONFIG_AVAILABILITY_ZONE);
	cap_want_t w = {
		.instance_type = config_instance_type(&p->cfg),
		.zone = asked_zone ? p->az : NULL,
		.nodes = config_int(&p->cfg, CONFIG_NODE_COUNT),
		.use_capacity_block = said_capacity_block(&p->cfg),
	};
	char why[512];
	if (cap_check(r, &w, time(NULL), why, sizeof why, NULL, 0) != CAP_OK) {
		sess_fail(s, SESS_FAILED, "%s", why);
		return -1;
	}
	if (strcmp(nz(r->availability_zone), p->az) != 0) {
		/* no zone was asked for: the reservation decides, and the subnet follows it */
		snprintf(p->az, sizeof p->az, "%s", nz(r->availability_zone));
		p->subnet_id[0] = 0;
	}
	p->resv_checked = 1;
	p->resv_block = cap_is_block(r);
	const char *group = p->resv_block ? NULL : cap_placement_group_name(r->placement_group_arn);
	snprintf(p->resv_group, sizeof p->resv_group, "%s", group ? group : "");
	return 0;
}

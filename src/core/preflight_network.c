/* Preflight of the network (issue 13 item 5): a subnet given with -c subnetId must be in
 * the zone the nodes go to (the zone asked for, the reservation's, or the first that
 * offers the type): an instance cannot launch in a subnet of another Availability Zone
 * than its Capacity Block's ("Launch instances using Capacity Blocks", Amazon EC2 User
 * Guide), and AWS::EC2::Instance refuses a subnet outside the AvailabilityZone it names. */
#include <stdio.h>
#include <string.h>

#include "aws/ec2.h"
#include "base/sbuf.h"
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

/* ---- a custom VPC's way to SSM ----
 * The nodes' SSM agents reach SSM through the Elastic IP of each node and the subnet's
 * route 0.0.0.0/0 to an internet gateway attached to the VPC, or through interface VPC
 * endpoints for ssm, ssmmessages and ec2messages ("Improve the security of EC2 instances
 * by using VPC endpoints for Systems Manager", AWS Systems Manager User Guide), and logs
 * for the agent's CloudWatch Logs output. The subnet's route table is its explicit
 * association, else the VPC's main table ("Route tables", Amazon VPC User Guide). The
 * attached gateway's attachment state is "available" (DescribeInternetGateways,
 * InternetGatewayAttachment, EC2 API Reference). */

static const char *const ENDPOINTS[] = { "ssm", "ssmmessages", "ec2messages", "logs" };

static void on_endpoints(void *ud, const aws_error_t *err, ec2_vpc_endpoints_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "VPC endpoints");
	if (!s) return;
	struct session_priv *p = SP(s);
	char missing[128] = "";
	sbuf_t b;
	sbuf_init(&b, missing, sizeof missing);
	for (size_t k = 0; k < sizeof ENDPOINTS / sizeof *ENDPOINTS; k++) {
		char want[96];
		snprintf(want, sizeof want, "com.amazonaws.%s.%s", s->region, ENDPOINTS[k]);
		int found = 0;
		for (size_t i = 0; i < res->n && !found; i++)
			found = strcmp(nz(res->endpoints[i].service_name), want) == 0 &&
			        strcmp(nz(res->endpoints[i].state), "available") == 0;
		if (!found) sbuf_addf(&b, "%s%s", b.len ? ", " : "", ENDPOINTS[k]);
	}
	if (missing[0]) {
		sess_fail(s, SESS_FAILED, "Subnet %s has no route 0.0.0.0/0 to an internet gateway attached to %s "
		          "and %s has no VPC endpoint for %s: the nodes could not reach SSM; add the route or "
		          "the endpoints.", p->subnet_id, p->vpc_id, p->vpc_id, missing);
		return;
	}
	sess_deploy_pass(s, STEP_OK, "%s reaches SSM through VPC endpoints (ssm, ssmmessages, ec2messages, logs)",
	                 p->subnet_id);
}

static void ask_endpoints(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *v[1] = { p->vpc_id };
	ec2_filter_t f[1] = { { "vpc-id", v, 1 } };
	ec2_describe_req_t dr = { .filters = f, .nfilters = 1 };
	sess_track(s, CH_OP, ec2_describe_vpc_endpoints(p->aws, &dr, on_endpoints, s));
}

static void on_gateway(void *ud, const aws_error_t *err, ec2_internet_gateways_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err && !strstr(err->code, "NotFound") ? err : NULL, SESS_FAILED,
	                          "Internet gateway");
	if (!s) return;
	struct session_priv *p = SP(s);
	const ec2_internet_gateway_t *g = !err && res->n ? &res->gateways[0] : NULL;
	if (g && strcmp(nz(g->attached_vpc_id), p->vpc_id) == 0 &&
	    strcmp(nz(g->attachment_state), "available") == 0) {
		sess_deploy_pass(s, STEP_OK, "%s routes 0.0.0.0/0 to %s, attached to %s", p->subnet_id,
		                 nz(g->internet_gateway_id), p->vpc_id);
		return;
	}
	ask_endpoints(s); /* the gateway is gone or detached: endpoints are the other way */
}

/* The route 0.0.0.0/0 of the subnet's table to an internet gateway (igw-...), or NULL. */
static const char *default_gateway(const ec2_route_tables_t *res, const char *subnet)
{
	const ec2_route_table_t *pick = NULL;
	for (size_t i = 0; i < res->n && !pick; i++)
		for (size_t k = 0; k < res->tables[i].nsubnet_ids; k++)
			if (strcmp(res->tables[i].subnet_ids[k], subnet) == 0) pick = &res->tables[i];
	for (size_t i = 0; i < res->n && !pick; i++)
		if (res->tables[i].main) pick = &res->tables[i];
	for (size_t k = 0; pick && k < pick->nroutes; k++) {
		const ec2_route_t *r = &pick->routes[k];
		if (strcmp(nz(r->destination_cidr_block), "0.0.0.0/0") == 0 &&
		    strncmp(nz(r->gateway_id), "igw-", 4) == 0 && strcmp(nz(r->state), "blackhole") != 0)
			return r->gateway_id;
	}
	return NULL;
}

static void on_route_tables(void *ud, const aws_error_t *err, ec2_route_tables_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Route tables");
	if (!s) return;
	struct session_priv *p = SP(s);
	const char *igw = default_gateway(res, p->subnet_id);
	if (!igw) {
		ask_endpoints(s);
		return;
	}
	const char *ids[1] = { igw };
	ec2_describe_req_t dr = { .ids = ids, .nids = 1 };
	sess_track(s, CH_OP, ec2_describe_internet_gateways(p->aws, &dr, on_gateway, s));
}

void preflight_route(session_t *s)
{
	struct session_priv *p = SP(s);
	sess_step_begin(s, "Route to SSM", "from %s", p->subnet_id);
	/* every table of the VPC: the subnet's own association, else the main one */
	const char *v[1] = { p->vpc_id };
	ec2_filter_t f[1] = { { "vpc-id", v, 1 } };
	ec2_describe_req_t dr = { .filters = f, .nfilters = 1 };
	sess_track(s, CH_OP, ec2_describe_route_tables(p->aws, &dr, on_route_tables, s));
}

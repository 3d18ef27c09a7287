/* Preflight against what AWS says of the instance type and of the account's limits,
 * before anything is created:
 *  - the type as DescribeInstanceTypes describes it (vCPUs, EFA interfaces, network
 *    cards) against the catalog the template is built from;
 *  - the Elastic IP quota (one EIP per node): Service Quotas L-0263D0A3 "EC2-VPC Elastic
 *    IPs", default 5 per Region ("Elastic IP address quota", EC2 User Guide,
 *    https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html),
 *    less the addresses the account already holds (DescribeAddresses);
 *  - the family's Running On-Demand vCPU quota ("On-Demand Instance quotas",
 *    https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html) less
 *    the vCPUs of its pending/running instances. Skipped when a capacity reservation or
 *    Capacity Block holds the nodes: "Capacity Reservations count towards your
 *    On-Demand Instance limits" (EC2 API error codes, InstanceLimitExceeded) from their
 *    creation, so launching into one takes no more, and a Capacity Block is not
 *    On-Demand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ec2.h"
#include "aws/ec2_addresses.h"
#include "aws/quotas.h"
#include "catalog/catalog.h"
#include "core/preflight_quota.h"
#include "core/session_priv.h"

static const char *nz(const char *s) { return s ? s : ""; }

const preflight_family_t *preflight_family(const char *type)
{
	static const preflight_family_t families[] = {
		{ "P", "L-417A185B", "Running On-Demand P instances" },
		{ "G", "L-DB2E81BA", "Running On-Demand G and VT instances" },
		{ "Trn", "L-2C3B7624", "Running On-Demand Trn instances" },
		{ "Inf", "L-1945791B", "Running On-Demand Inf instances" },
	};
	static const char *const prefixes[][2] = {
		{ "p", "P" }, { "g", "G" }, { "vt", "G" }, { "trn", "Trn" }, { "inf", "Inf" },
	};
	if (!type) return NULL;
	size_t n = 0;
	while (type[n] >= 'a' && type[n] <= 'z') n++;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		if (strlen(prefixes[i][0]) != n || strncmp(type, prefixes[i][0], n) != 0) continue;
		for (size_t f = 0; f < sizeof families / sizeof families[0]; f++)
			if (strcmp(families[f].name, prefixes[i][1]) == 0) return &families[f];
	}
	return NULL;
}

int preflight_quota_denied(const aws_error_t *err)
{
	return err && (strstr(err->code, "AccessDenied") || strcmp(err->code, "UnauthorizedOperation") == 0 ||
	               strcmp(err->code, "NoSuchResourceException") == 0);
}

int preflight_efa_verdict(int planned_efa, int planned_cards, int aws_efa, int aws_cards)
{
	if (planned_efa > aws_efa) return -1;
	if (planned_efa < aws_efa || (planned_cards > 0 && aws_cards > 0 && planned_cards != aws_cards))
		return 1;
	return 0;
}

/* ---- the instance type ---- */

static void on_type(void *ud, const aws_error_t *err, ec2_instance_types_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Instance type");
	if (!s) return;
	struct session_priv *p = SP(s);
	const char *type = config_instance_type(&p->cfg);
	const ec2_instance_type_t *t = NULL;
	for (size_t i = 0; i < res->n; i++)
		if (strcmp(nz(res->types[i].instance_type), type) == 0) t = &res->types[i];
	if (!t) {
		sess_fail(s, SESS_FAILED, "AWS does not describe %s in %s; check -c instanceType.", type,
		          s->region);
		return;
	}
	const catalog_instance_t *it = catalog_lookup(type);
	p->type_vcpus = t->vcpus > 0 ? t->vcpus : it ? it->vcpus : 0;
	/* the template gives a type outside the catalog one EFA interface (template.c) */
	int planned = it ? it->efa_max : 1, cards = it ? it->network_cards : 0;
	int verdict = preflight_efa_verdict(planned, cards, t->maximum_efa_interfaces, t->maximum_network_cards);
	if (verdict < 0) {
		sess_fail(s, SESS_FAILED, "The %s gives %s %d EFA interface(s) but AWS reports at most %d in %s, "
		          "so the launch would fail; %s.", it ? "catalog" : "template", type, planned,
		          t->maximum_efa_interfaces, s->region,
		          it ? "update nixl-tui or choose another type" : "choose an EFA instance type");
		return;
	}
	if (verdict > 0)
		sess_deploy_pass(s, STEP_WARN, "AWS reports %d EFA interface(s) on %d network card(s) for %s, the %s "
		                 "%d on %d: the nodes use the %s's", t->maximum_efa_interfaces, t->maximum_network_cards,
		                 type, it ? "catalog" : "template", planned, it ? cards : 1, it ? "catalog" : "template");
	else
		sess_deploy_pass(s, STEP_OK, "%s: %d vCPUs, %d EFA interface(s) on %d network card(s)%s", type,
		                 t->vcpus, t->maximum_efa_interfaces, t->maximum_network_cards,
		                 it ? ", as the catalog says" : " (not in the catalog)");
}

void sess_preflight_type(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *v[1] = { config_instance_type(&p->cfg) };
	ec2_describe_req_t dr = { .ids = v, .nids = 1 };
	sess_step_begin(s, "Instance type", "asking EC2 about %s", v[0]);
	sess_track(s, CH_OP, ec2_describe_instance_types(p->aws, &dr, on_type, s));
}

/* ---- Elastic IPs ---- */

static void on_addresses(void *ud, const aws_error_t *err, ec2_addresses_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Elastic IPs");
	if (!s) return;
	struct session_priv *p = SP(s);
	long nodes = config_int(&p->cfg, CONFIG_NODE_COUNT);
	long quota = p->quota_limit;
	if ((long)res->n + nodes > quota) {
		sess_fail(s, SESS_FAILED, "%ld nodes need %ld Elastic IPs, but the account holds %zu and its "
		          "\"EC2-VPC Elastic IPs\" quota (L-0263D0A3) allows %ld in %s%s; release unused addresses or "
		          "raise the quota: aws service-quotas request-service-quota-increase --service-code ec2 "
		          "--quota-code L-0263D0A3 --desired-value %ld --region %s.", nodes, nodes, res->n, quota,
		          s->region, p->quota_fallback ? " (AWS's default: GetServiceQuota was denied)" : "",
		          (long)res->n + nodes, s->region);
		return;
	}
	if (p->quota_fallback)
		sess_deploy_pass(s, STEP_WARN, "%zu held + %ld for the nodes of AWS's default %ld (GetServiceQuota was "
		                 "denied, so the default was assumed)", res->n, nodes, quota);
	else
		sess_deploy_pass(s, STEP_OK, "%zu held + %ld for the nodes of the quota of %ld", res->n, nodes, quota);
}

static void on_eip_quota(void *ud, const aws_error_t *err, quotas_quota_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, preflight_quota_denied(err) ? NULL : err, SESS_FAILED,
	                          "Elastic IP quota");
	if (!s) return;
	struct session_priv *p = SP(s);
	p->quota_fallback = err != NULL;
	p->quota_limit = err ? PREFLIGHT_EIP_DEFAULT : (long)res->value;
	sess_track(s, CH_OP, ec2_describe_addresses(p->aws, NULL, on_addresses, s));
}

void sess_preflight_eips(session_t *s)
{
	struct session_priv *p = SP(s);
	sess_step_begin(s, "Elastic IP quota", "one Elastic IP per node");
	sess_track(s, CH_OP, quotas_get_service_quota(p->aws, "ec2", PREFLIGHT_EIP_QUOTA_CODE, on_eip_quota, s));
}

/* ---- On-Demand vCPUs ---- */

static void vcpu_page(session_t *s, const char *token);

static int vcpus_of(const session_t *s, const char *type)
{
	const struct session_priv *p = SP(s);
	if (type && strcmp(type, config_instance_type(&p->cfg)) == 0) return p->type_vcpus;
	const catalog_instance_t *it = catalog_lookup(type);
	return it ? it->vcpus : 0;
}

static void vcpu_verdict(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *type = config_instance_type(&p->cfg);
	const preflight_family_t *f = preflight_family(type);
	long nodes = config_int(&p->cfg, CONFIG_NODE_COUNT);
	long need = nodes * p->type_vcpus;
	if (p->vcpus_in_use + need > p->quota_limit) {
		sess_fail(s, SESS_FAILED, "%ld x %s need %ld vCPUs but the \"%s\" quota (%s) is %ld in %s with %ld "
		          "in use; raise it: aws service-quotas request-service-quota-increase --service-code ec2 "
		          "--quota-code %s --desired-value %ld --region %s, or deploy into a capacity reservation.",
		          nodes, type, need, f->quota_name, f->quota_code, p->quota_limit, s->region,
		          p->vcpus_in_use, f->quota_code, p->vcpus_in_use + need, s->region);
		return;
	}
	if (p->vcpus_uncounted)
		sess_deploy_pass(s, STEP_WARN, "%ld in use + %ld for %ld x %s of the %s quota of %ld; %d running "
		                 "instance(s) of types outside the catalog were not counted", p->vcpus_in_use, need,
		                 nodes, type, f->name, p->quota_limit, p->vcpus_uncounted);
	else
		sess_deploy_pass(s, STEP_OK, "%ld in use + %ld for %ld x %s of the %s quota of %ld", p->vcpus_in_use,
		                 need, nodes, type, f->name, p->quota_limit);
}

static void on_family_instances(void *ud, const aws_error_t *err, ec2_instances_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "On-Demand vCPU quota");
	if (!s) return;
	const preflight_family_t *f = preflight_family(config_instance_type(&SP(s)->cfg));
	for (size_t i = 0; i < res->n; i++) {
		if (preflight_family(res->instances[i].instance_type) != f) continue;
		int n = vcpus_of(s, res->instances[i].instance_type);
		SP(s)->vcpus_in_use += n;
		SP(s)->vcpus_uncounted += n == 0;
	}
	if (res->next_token && *res->next_token) {
		vcpu_page(s, res->next_token);
		return;
	}
	vcpu_verdict(s);
}

static void vcpu_page(session_t *s, const char *token)
{
	struct session_priv *p = SP(s);
	/* the family is picked here rather than by an instance-type filter with wildcards,
	 * which not every EC2 implementation honours */
	const char *states[] = { "pending", "running" };
	ec2_filter_t filters[1] = { { "instance-state-name", states, 2 } };
	ec2_describe_req_t dr = { .filters = filters, .nfilters = 1, .next_token = token };
	sess_track(s, CH_OP, ec2_describe_instances(p->aws, &dr, on_family_instances, s));
}

static void on_vcpu_quota(void *ud, const aws_error_t *err, quotas_quota_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, preflight_quota_denied(err) ? NULL : err, SESS_FAILED,
	                          "On-Demand vCPU quota");
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err) {
		/* AWS publishes no default for these quotas: each account has its own */
		sess_deploy_pass(s, STEP_WARN, "GetServiceQuota was denied and AWS has no default for this quota: "
		                 "not checked (allow servicequotas:GetServiceQuota to check it)");
		return;
	}
	p->quota_limit = (long)res->value;
	p->vcpus_in_use = 0;
	p->vcpus_uncounted = 0;
	vcpu_page(s, NULL);
}

void sess_preflight_vcpus(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *type = config_instance_type(&p->cfg);
	const preflight_family_t *f = preflight_family(type);
	const char *cr = config_get(&p->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	if (!f) {
		sess_deploy_next(s);
		return;
	}
	sess_step_begin(s, "On-Demand vCPU quota", "%s (%s)", f->quota_name, f->quota_code);
	if (cr) {
		sess_deploy_pass(s, STEP_OK, "the nodes run in %s, which holds their vCPUs: no On-Demand quota needed", cr);
		return;
	}
	sess_track(s, CH_OP, quotas_get_service_quota(p->aws, "ec2", f->quota_code, on_vcpu_quota, s));
}

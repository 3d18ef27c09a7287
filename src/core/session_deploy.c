/* Deploy: preflight (each step reported), CreateStack, watch, outputs, SSM agents
 * Online, ready. Attach: pick up an existing stack wherever it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/sbuf.h"
#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/ssm.h"
#include "aws/sts.h"
#include "stack/template.h"
#include "catalog/catalog.h"
#include "core/preflight_quota.h"
#include "core/session_priv.h"

enum { AGENTS_POLL_MS = 3000, AGENTS_MAX_POLLS = 300 /* 15 minutes */ };

typedef enum {
	D_CONFIG, D_IDENTITY, D_EXISTING, D_VPC, D_AZ, D_SUBNET, D_ROUTE, D_AMI, D_IMAGE, D_RESERVATION,
	D_TYPE, D_EIPS, D_VCPUS, /* preflight_quota.c */
	D_CREATE, D_WATCH, D_COUNT
} dstep_t;

static const char *nz(const char *s) { return s ? s : ""; }

/* ---- step results ---- */

static void on_identity(void *ud, const aws_error_t *err, sts_identity_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Caller identity");
	if (!s) return;
	snprintf(s->account, sizeof s->account, "%s", nz(res->account));
	const char *who = res->arn ? strrchr(res->arn, '/') : NULL;
	snprintf(SP(s)->owner, sizeof SP(s)->owner, "%s", who ? who + 1 : s->account);
	sess_deploy_pass(s, STEP_OK, "account %s as %s in %s", nz(res->account), nz(res->arn), s->region);
}

/* Follows a stack found where it is (deploy's existing stack, attach): its resources from
 * the template, then the watch, as a teardown when its status is DELETE_*. */
static void follow_stack(session_t *s, const cfn_stack_t *st)
{
	sess_resources_from_template(s);
	sess_set_phase(s, strncmp(nz(st->status), "DELETE", 6) == 0 ? SESS_DELETING : SESS_CREATING);
	sess_watch_start(s, 0);
}

static void on_existing(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	const cfn_stack_t *st;
	session_t *s = sess_stack_reply(ud, err, res, SESS_FAILED, &st);
	if (!s) return;
	if (sess_stack_gone(st)) {
		sess_deploy_pass(s, STEP_OK, "%s does not exist yet: it will be created", s->stack_name);
		return;
	}
	/* never a second create: follow the one that is there */
	snprintf(s->stack_id, sizeof s->stack_id, "%s", nz(st->stack_id));
	sess_step_end(s, STEP_WARN, "%s exists (%s): following it instead of creating another",
	              s->stack_name, nz(st->status));
	SP(s)->op = OP_ATTACH;
	follow_stack(s, st);
}

static void on_vpcs(void *ud, const aws_error_t *err, ec2_vpcs_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "VPC");
	if (!s) return;
	struct session_priv *p = SP(s);
	const char *given = config_get(&p->cfg, CONFIG_VPC_ID);
	if (!res->n) {
		if (given)
			sess_fail(s, SESS_FAILED, "VPC %s does not exist in %s; check -c vpcId or --region.", given, s->region);
		else
			sess_fail(s, SESS_FAILED, "There is no default VPC in %s; pass -c vpcId=vpc-... of a VPC with "
			          "public subnets.", s->region);
		return;
	}
	snprintf(p->vpc_id, sizeof p->vpc_id, "%s", nz(res->vpcs[0].vpc_id));
	snprintf(p->vpc_cidr, sizeof p->vpc_cidr, "%s", nz(res->vpcs[0].cidr_block));
	sess_deploy_pass(s, STEP_OK, "%s (%s)%s", p->vpc_id, p->vpc_cidr,
	                 res->vpcs[0].is_default ? ", the default VPC" : "");
}

static void on_offerings(void *ud, const aws_error_t *err, ec2_offerings_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Availability zone");
	if (!s) return;
	struct session_priv *p = SP(s);
	const char *type = config_instance_type(&p->cfg);
	const char *given = config_get(&p->cfg, CONFIG_AVAILABILITY_ZONE);
	const char *best = NULL;
	char list[256];
	sbuf_t b;
	sbuf_init(&b, list, sizeof list);
	for (size_t i = 0; i < res->n; i++) {
		const char *z = nz(res->offerings[i].location);
		sbuf_addf(&b, "%s%s", b.len ? ", " : "", z);
		if (given ? strcmp(z, given) == 0 : (!best || strcmp(z, best) < 0)) best = z;
	}
	if (!res->n) {
		sess_fail(s, SESS_FAILED, "%s is not offered in any availability zone of %s; choose another "
		          "region or instance type.", type, s->region);
		return;
	}
	if (!best) {
		sess_fail(s, SESS_FAILED, "%s is not offered in %s; it is offered in %s.", type, given, list);
		return;
	}
	snprintf(p->az, sizeof p->az, "%s", best);
	sess_deploy_pass(s, STEP_OK, "%s offers %s%s", p->az, type, given ? "" : " (the first zone that does)");
}

static void on_subnets(void *ud, const aws_error_t *err, ec2_subnets_t *res)
{
	session_t *s = sess_reply(ud, CH_OP, err, SESS_FAILED, "Subnet");
	if (!s) return;
	struct session_priv *p = SP(s);
	const ec2_subnet_t *pick = NULL;
	for (size_t i = 0; i < res->n; i++)
		if (!pick || (res->subnets[i].default_for_az && !pick->default_for_az)) pick = &res->subnets[i];
	if (!pick) {
		sess_fail(s, SESS_FAILED, "VPC %s has no subnet in %s; pass -c availabilityZone= of a zone "
		          "with a subnet, or -c subnetId=.", p->vpc_id, p->az);
		return;
	}
	if (preflight_subnet_zone(s, pick)) return;
	snprintf(p->subnet_id, sizeof p->subnet_id, "%s", nz(pick->subnet_id));
	sess_deploy_pass(s, pick->map_public_ip_on_launch || pick->default_for_az ? STEP_OK : STEP_WARN,
	                 "%s (%s)%s", p->subnet_id, nz(pick->cidr_block),
	                 pick->default_for_az ? "" : "; nodes get an Elastic IP each for SSM to reach them");
}

static void on_ami(void *ud, const aws_error_t *err, ssm_parameter_t *res)
{
	int unpublished = err && strcmp(err->code, "ParameterNotFound") == 0;
	session_t *s = sess_reply(ud, CH_OP, unpublished ? NULL : err, SESS_FAILED, "AMI");
	if (!s) return;
	struct session_priv *p = SP(s);
	if (unpublished) {
		sess_fail(s, SESS_FAILED, "The AMI parameter %s does not exist in %s: the Deep Learning AMI "
		          "is not published there; choose another region.", p->ami_param, s->region);
		return;
	}
	snprintf(p->ami_id, sizeof p->ami_id, "%s", nz(res->value));
	sess_deploy_pass(s, STEP_OK, "%s -> %s", p->ami_param, p->ami_id);
}

static void on_reservation(void *ud, const aws_error_t *err, ec2_capacity_reservations_t *res)
{
	int unknown = err && (strstr(err->code, "NotFound") || strstr(err->code, "Malformed"));
	session_t *s = sess_reply(ud, CH_OP, unknown ? NULL : err, SESS_FAILED, "Capacity reservation");
	if (!s) return;
	struct session_priv *p = SP(s);
	const char *id = config_get(&p->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	if (unknown || !res->n) {
		sess_fail(s, SESS_FAILED, "Capacity reservation %s does not exist in %s.", id, s->region);
		return;
	}
	const ec2_capacity_reservation_t *r = &res->reservations[0];
	const char *type = config_instance_type(&p->cfg);
	if (preflight_reservation(s, r)) return;
	if (!p->subnet_id[0]) {
		p->step = D_SUBNET - 1; /* the zone changed: find its subnet again */
	}
	sess_deploy_pass(s, STEP_OK, "%s: %s in %s, %d of %d available%s%s", id, type, p->az,
	                 r->available_instance_count, r->total_instance_count,
	                 p->resv_block ? " (Capacity Block: no placement group)"
	                 : p->resv_group[0] ? "; nodes in its placement group " : "", p->resv_group);
}

static void after_created(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->create_failed) {
		p->create_failed = 0;
		sess_fail_err(s, SESS_FAILED, "CreateStack", &p->create_err);
		return;
	}
	sess_state_save(s); /* the stack's id recorded before anything else is said */
	sess_deploy_pass(s, STEP_OK, "%s", s->stack_id[0] ? s->stack_id : s->stack_name);
}

static void on_created(void *ud, const aws_error_t *err, cfn_create_result_t *res)
{
	session_t *s = sess_back(ud, CH_OP);
	if (!s) return;
	struct session_priv *p = SP(s);
	p->create_failed = err && strcmp(err->code, "AlreadyExistsException") != 0;
	if (p->create_failed) p->create_err = *err;
	if (res && res->stack_id) snprintf(s->stack_id, sizeof s->stack_id, "%s", res->stack_id);
	/* CloudFormation has read a TemplateURL by the time CreateStack answers */
	sess_stage_cleanup(s, after_created);
}

/* ---- the step machine ---- */

static void send_create(session_t *s, const char *url)
{
	struct session_priv *p = SP(s);
	cfn_pair_t params[] = {
		{ "VpcId", p->vpc_id }, { "VpcCidr", p->vpc_cidr }, { "SubnetId", p->subnet_id },
	};
	const char *env = config_get(&p->cfg, CONFIG_ENVIRONMENT);
	cfn_pair_t tags[] = {
		{ "Project", "NIXL-EFA" }, { "ManagedBy", "nixl-tui" }, { "Environment", env ? env : "dev" },
	};
	const char *caps[] = { "CAPABILITY_IAM" };
	cfn_create_stack_req_t req = {
		.stack_name = s->stack_name, .template_body = url ? NULL : p->template_body,
		.template_url = url, .parameters = params, .nparameters = 3,
		.tags = tags, .ntags = 3, .capabilities = caps, .ncapabilities = 1,
		.client_request_token = p->client_token, .on_failure = p->on_failure,
	};
	sess_step_begin(s, "Create stack", "%s (template of %zu bytes %s)", s->stack_name,
	                strlen(p->template_body), url ? "by TemplateURL" : "inline");
	aws_call_t *c = cfn_create_stack(p->aws, &req, on_created, s);
	if (!c) sess_fail(s, SESS_FAILED, "CreateStack could not be sent.");
	sess_track(s, CH_OP, c);
}

static void create_from_url(session_t *s, const char *url) { send_create(s, url); }

/* The template is rendered once, with the Owner tag CreateStack sends: what is
 * measured is what is sent. */
static void create_stack(session_t *s)
{
	struct session_priv *p = SP(s);
	template_opts_t topts = { .owner = p->owner[0] ? p->owner : NULL,
	                          .reservation_checked = p->resv_checked, .capacity_block = p->resv_block,
	                          .placement_group = p->resv_group[0] ? p->resv_group : NULL,
	                          .root_device = p->root_device[0] ? p->root_device : NULL };
	free(p->template_body);
	p->template_body = template_render(&p->cfg, &topts, 0);
	if (!p->template_body) {
		sess_fail(s, SESS_FAILED, "Out of memory rendering the template.");
		return;
	}
	size_t tlen = strlen(p->template_body);
	if (tlen > TEMPLATE_URL_MAX) {
		sess_step_begin(s, "Create stack", "%s", s->stack_name);
		sess_fail(s, SESS_FAILED, "%ld x %s makes a template of %zu bytes, over CloudFormation's "
		          "%d-byte limit for a template in S3; use fewer nodes.",
		          config_int(&p->cfg, CONFIG_NODE_COUNT), config_instance_type(&p->cfg), tlen,
		          TEMPLATE_URL_MAX);
		return;
	}
	snprintf(p->client_token, sizeof p->client_token, "nixl-tui-create-%lld-%d", (long long)time(NULL), (int)getpid());
	sess_state_save(s); /* the token first: a killed run must not create twice */
	sess_set_phase(s, SESS_CREATING);
	sess_resources_from_template(s);
	if (tlen <= TEMPLATE_BODY_MAX) send_create(s, NULL);
	else sess_stage_template(s, create_from_url);
}

/* A Describe request for the one id given (v holds it), else for the n filters f. */
static void id_or_filters(ec2_describe_req_t *dr, const char *id, const char **v, ec2_filter_t *f, size_t n)
{
	if (id) {
		v[0] = id;
		dr->ids = v;
		dr->nids = 1;
	} else {
		dr->filters = f;
		dr->nfilters = n;
	}
}

static void ask_identity(session_t *s)
{
	sess_step_begin(s, "Caller identity", "asking STS");
	sess_track(s, CH_OP, sts_get_caller_identity(SP(s)->aws, on_identity, s));
}

static void ask_existing(session_t *s)
{
	sess_step_begin(s, "Existing stack", "looking for %s", s->stack_name);
	sess_track(s, CH_OP, cfn_describe_stacks(SP(s)->aws, s->stack_name, on_existing, s));
}

static void ask_vpc(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *vpc = config_get(&p->cfg, CONFIG_VPC_ID);
	const char *v[1], *yes[1] = { "true" };
	ec2_filter_t is_default = { "is-default", yes, 1 };
	ec2_describe_req_t dr = {0};
	sess_step_begin(s, "VPC", "%s", vpc ? vpc : "looking for the default VPC");
	id_or_filters(&dr, vpc, v, &is_default, 1);
	sess_track(s, CH_OP, ec2_describe_vpcs(p->aws, &dr, on_vpcs, s));
}

static void ask_zone(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *type[1] = { config_instance_type(&p->cfg) };
	ec2_filter_t offered = { "instance-type", type, 1 };
	ec2_describe_req_t dr = { .filters = &offered, .nfilters = 1 };
	sess_step_begin(s, "Availability zone", "where %s is offered", type[0]);
	sess_track(s, CH_OP, ec2_describe_instance_type_offerings(p->aws, "availability-zone", &dr, on_offerings, s));
}

static void ask_subnet(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *given = config_get(&p->cfg, CONFIG_SUBNET_ID);
	const char *v[1], *vpc[1] = { p->vpc_id }, *az[1] = { p->az };
	ec2_filter_t in_zone[2] = { { "vpc-id", vpc, 1 }, { "availability-zone", az, 1 } };
	ec2_describe_req_t dr = {0};
	sess_step_begin(s, "Subnet", "in %s", p->az);
	id_or_filters(&dr, given, v, in_zone, 2);
	sess_track(s, CH_OP, ec2_describe_subnets(p->aws, &dr, on_subnets, s));
}

static void ask_ami(session_t *s)
{
	struct session_priv *p = SP(s);
	snprintf(p->ami_param, sizeof p->ami_param, "%s", catalog_ami_parameter(config_instance_type(&p->cfg)));
	sess_step_begin(s, "AMI", "%s", p->ami_param);
	sess_track(s, CH_OP, ssm_get_parameter(p->aws, p->ami_param, 0, on_ami, s));
}

static void ask_reservation(session_t *s)
{
	struct session_priv *p = SP(s);
	const char *id = config_get(&p->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	if (!id) {
		sess_deploy_next(s);
		return;
	}
	ec2_describe_req_t by_id = { .ids = &id, .nids = 1 };
	sess_step_begin(s, "Capacity reservation", "%s", id);
	sess_track(s, CH_OP, ec2_describe_capacity_reservations(p->aws, &by_id, on_reservation, s));
}

static void watch_created(session_t *s) { sess_watch_start(s, time(NULL) - 120); }

/* The deploy's steps in order: each reports its line and calls sess_deploy_next, or fails
 * the deploy (D_CONFIG is session_deploy's own). */
static void (*const deploy_steps[D_COUNT])(session_t *s) = {
	[D_IDENTITY] = ask_identity, [D_EXISTING] = ask_existing, [D_VPC] = ask_vpc, [D_AZ] = ask_zone,
	[D_SUBNET] = ask_subnet, [D_ROUTE] = preflight_route, [D_AMI] = ask_ami, [D_IMAGE] = preflight_image,
	[D_RESERVATION] = ask_reservation, [D_TYPE] = sess_preflight_type, [D_EIPS] = sess_preflight_eips,
	[D_VCPUS] = sess_preflight_vcpus, [D_CREATE] = create_stack, [D_WATCH] = watch_created,
};

void sess_deploy_next(session_t *s)
{
	struct session_priv *p = SP(s);
	p->step++;
	if (p->step >= 0 && p->step < D_COUNT && deploy_steps[p->step]) deploy_steps[p->step](s);
}

int session_deploy(session_t *s, const char *on_failure)
{
	struct session_priv *p = SP(s);
	/* the console's first look for the stack (session_attach) not answered yet: it is
	 * dropped, and the deploy's own first step looks again (and follows a stack it finds
	 * instead of creating one). A slow network or a loaded machine must not turn a deploy
	 * confirmed early into "already running". */
	if (p->op == OP_ATTACH && p->call[CH_OP] &&
	    (s->phase == SESS_IDLE || s->phase == SESS_DELETED))
		session_detach(s);
	if (p->op != OP_NONE) {
		snprintf(s->root_cause, sizeof s->root_cause, "An operation is already running.");
		return -1;
	}
	const char *of = on_failure && *on_failure ? on_failure : "ROLLBACK";
	if (strcmp(of, "ROLLBACK") != 0 && strcmp(of, "DO_NOTHING") != 0 && strcmp(of, "DELETE") != 0) {
		snprintf(s->root_cause, sizeof s->root_cause,
		         "--on-failure must be ROLLBACK, DO_NOTHING or DELETE, not \"%s\".", of);
		return -1;
	}
	snprintf(p->on_failure, sizeof p->on_failure, "%s", of);
	s->nsteps = 0;
	s->root_cause[0] = s->root_cause_resource[0] = 0;
	sess_clock_start(s, loop_now_ms());
	sess_set_phase(s, SESS_PREFLIGHT);
	sess_step_begin(s, "Configuration", "checking");
	config_diags_t d = {0};
	config_validate(&p->cfg, s->region, &d);
	if (config_diags_block(&d, p->ack_warnings)) {
		const config_diag_t *first = NULL;
		for (size_t i = 0; i < d.n && !first; i++)
			if (d.items[i].severity == CONFIG_ERROR) first = &d.items[i];
		for (size_t i = 0; i < d.n && !first; i++)
			if (d.items[i].needs_ack) first = &d.items[i];
		sess_fail(s, SESS_FAILED, "%s%s", first ? first->message : "invalid configuration",
		          first && first->needs_ack ? " (acknowledge with --allow-non-efa)" : "");
		config_diags_free(&d);
		return -1;
	}
	size_t warnings = config_diags_count(&d, CONFIG_WARNING);
	if (warnings) sess_step_end(s, STEP_WARN, "%s", d.items[0].message);
	else sess_step_end(s, STEP_OK, "%s, %ld nodes, stack %s", config_instance_type(&p->cfg),
	                   config_int(&p->cfg, CONFIG_NODE_COUNT), s->stack_name);
	config_diags_free(&d);
	p->op = OP_DEPLOY;
	p->resv_checked = p->resv_block = 0;
	p->resv_group[0] = p->root_device[0] = 0;
	p->step = D_CONFIG;
	sess_deploy_next(s);
	return 0;
}

void session_acknowledge(session_t *s) { SP(s)->ack_warnings = 1; }

/* ---- after CREATE_COMPLETE: agents ---- */

static void poll_agents(loop_t *l, void *ud);
static aws_call_t *request_agents(session_t *s, const char *next_token);

static void on_agents(void *ud, const aws_error_t *err, ssm_instance_infos_t *res)
{
	session_t *s = sess_back(ud, CH_AGENTS);
	if (!s) return;
	struct session_priv *p = SP(s);
	if (err) {
		char buf[600];
		sess_flash(s, "%s; still waiting for the SSM agents", aws_error_sentence(err, buf, sizeof buf));
	} else {
		for (size_t i = 0; i < res->n; i++)
			for (size_t k = 0; k < s->nnodes; k++)
				if (strcmp(s->nodes[k].instance_id, nz(res->instances[i].instance_id)) == 0)
					snprintf(s->nodes[k].ssm_status, sizeof s->nodes[k].ssm_status, "%s",
					         nz(res->instances[i].ping_status));
		sess_notify(s, SESS_CH_NODES);
		/* DescribeInstanceInformation returns 10 items by default (SSM API Reference,
		 * MaxResults): the 11th node onwards is on the next pages */
		if (res->next_token) {
			aws_call_t *next = request_agents(s, res->next_token);
			if (next) {
				sess_track(s, CH_AGENTS, next);
				return;
			}
		}
	}
	size_t online = 0;
	for (size_t k = 0; k < s->nnodes; k++) online += strcmp(s->nodes[k].ssm_status, "Online") == 0;
	if (s->nnodes && online == s->nnodes) {
		sess_step_end(s, STEP_OK, "%zu of %zu nodes Online", online, s->nnodes);
		p->op = OP_NONE;
		sess_set_phase(s, SESS_READY);
		return;
	}
	if (++p->agents_polls >= AGENTS_MAX_POLLS) {
		sess_fail(s, SESS_FAILED, "The SSM agent of %zu node(s) did not come Online in 15 minutes: the "
		          "nodes need a way out (a public IP or VPC endpoints) and the instance role.",
		          s->nnodes - online);
		return;
	}
	if (s->nsteps) snprintf(s->steps[s->nsteps - 1].detail, sizeof s->steps[0].detail,
	                        "%zu of %zu nodes Online", online, s->nnodes);
	p->agents_timer = loop_timer_add(p->loop, AGENTS_POLL_MS, poll_agents, s);
}

static void poll_agents(loop_t *l, void *ud)
{
	(void)l;
	session_t *s = ud;
	struct session_priv *p = SP(s);
	p->agents_timer = 0;
	sess_track(s, CH_AGENTS, request_agents(s, NULL));
}

/* One page of the nodes' agents; NULL when it cannot be sent. */
static aws_call_t *request_agents(session_t *s, const char *next_token)
{
	const char *ids[sizeof s->nodes / sizeof s->nodes[0]];
	for (size_t k = 0; k < s->nnodes; k++) ids[k] = s->nodes[k].instance_id;
	return ssm_describe_instance_information(SP(s)->aws, ids, s->nnodes, next_token, on_agents, s);
}

void sess_after_create(session_t *s)
{
	struct session_priv *p = SP(s);
	for (size_t k = 0; k < s->nnodes; k++)
		snprintf(s->nodes[k].instance_state, sizeof s->nodes[k].instance_state, "running");
	if (!p->bucket[0]) {
		const char *b = sess_output(s, "ScriptsBucketName");
		if (b) snprintf(p->bucket, sizeof p->bucket, "%s", b);
	}
	/* only now: an object in the bucket during a rollback would make the rollback fail
	 * (CloudFormation cannot delete a bucket that is not empty) */
	if (p->bucket[0] && !p->scripts_uploaded && p->op == OP_DEPLOY) sess_upload_scripts(s);
	sess_set_phase(s, SESS_WAIT_AGENTS);
	sess_step_begin(s, "SSM agents", "waiting for %zu node(s)", s->nnodes);
	p->agents_polls = 0;
	poll_agents(p->loop, s);
}

/* ---- attach ---- */

static void on_attach(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	const cfn_stack_t *st;
	session_t *s = sess_stack_reply(ud, err, res, SESS_IDLE, &st);
	if (!s) return;
	if (sess_stack_gone(st)) {
		SP(s)->op = OP_NONE;
		s->stack_id[0] = 0;
		sess_set_phase(s, st ? SESS_DELETED : SESS_IDLE);
		sess_notify(s, SESS_CH_PHASE);
		return;
	}
	snprintf(s->stack_id, sizeof s->stack_id, "%s", nz(st->stack_id));
	snprintf(s->stack_status, sizeof s->stack_status, "%s", nz(st->status));
	/* the elapsed time is the stack's, not this console's: from its last update or its
	 * creation, until the watch meets the operation's first event (CloudFormation API
	 * Reference, Stack: LastUpdatedTime "will only be returned if the stack has been
	 * updated at least once"; CreationTime always) */
	time_t since = st->last_updated_time ? st->last_updated_time : st->creation_time;
	sess_clock_start(s, since ? sess_loop_ms_at(since, 0) : loop_now_ms());
	/* ended before this look: its elapsed time is its own, creation (or update) to its
	 * last event, frozen, not until now (issue 14: every figure true) */
	SP(s)->ended_before_attach = st->status && sess_status_terminal(st->status);
	follow_stack(s, st);
}

int session_attach(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->op != OP_NONE) return -1;
	if (!s->stack_name[0]) {
		snprintf(s->root_cause, sizeof s->root_cause, "No stack name: check the configuration.");
		return -1;
	}
	sess_state_load(s);
	p->op = OP_ATTACH;
	sess_clock_start(s, 0); /* the stack's own times, once DescribeStacks answers */
	sess_track(s, CH_OP, cfn_describe_stacks(p->aws, s->stack_name, on_attach, s));
	return 0;
}

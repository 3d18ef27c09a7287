/* The wizard's live lookups: reservations for the type, capacity block offerings and
 * purchase, VPCs and the zones offering the type, the remembered reservation id. Each
 * fills s->lookup and notifies SESS_CH_LOOKUP; an error leaves a sentence in lookup.error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cfn.h"
#include "aws/ec2.h"
#include "aws/ssm.h"
#include "catalog/catalog.h"
#include "core/session_priv.h"

#define SAVED_RESERVATION_PARAM "/nixl-efa/capacity-reservation-id"

static const char *nz(const char *s) { return s ? s : ""; }

static void busy_update(session_t *s)
{
	struct session_priv *p = SP(s);
	s->lookup.busy = 0;
	for (int ch = CH_LK_RES; ch <= CH_LK_SAVED; ch++) s->lookup.busy |= p->call[ch] != NULL;
	sess_notify(s, SESS_CH_LOOKUP);
}

/* A lookup callback's session; NULL when it is closing, or when err is set (its sentence
 * is then lookup.error). */
static session_t *lookup_reply(void *ud, sess_chan_t ch, const aws_error_t *err)
{
	session_t *s = sess_back(ud, ch);
	if (!s) return NULL;
	if (err) aws_error_sentence(err, s->lookup.error, sizeof s->lookup.error);
	busy_update(s);
	return err ? NULL : s;
}

/* A lookup's request was sent (the call in slot ch): 0, or -1 when it could not be. */
static int lookup_sent(session_t *s, sess_chan_t ch)
{
	busy_update(s);
	return SP(s)->call[ch] ? 0 : -1;
}

/* A lookup's new table of n rows of size bytes, zeroed, in place of old; *count its rows
 * (0 when n is 0 or memory ran out). */
static void *lookup_table(void *old, size_t n, size_t size, size_t *count)
{
	free(old);
	void *v = n ? calloc(n, size) : NULL;
	*count = v ? n : 0;
	return v;
}

static void fill_reservation(struct sess_reservation *d, const ec2_capacity_reservation_t *r)
{
	memset(d, 0, sizeof *d);
	snprintf(d->id, sizeof d->id, "%s", nz(r->id));
	snprintf(d->instance_type, sizeof d->instance_type, "%s", nz(r->instance_type));
	snprintf(d->az, sizeof d->az, "%s", nz(r->availability_zone));
	snprintf(d->state, sizeof d->state, "%s", nz(r->state));
	snprintf(d->type, sizeof d->type, "%s", r->reservation_type ? r->reservation_type : "default");
	snprintf(d->platform, sizeof d->platform, "%s", nz(r->instance_platform));
	snprintf(d->tenancy, sizeof d->tenancy, "%s", r->tenancy ? r->tenancy : "default");
	d->total = r->total_instance_count;
	d->available = r->available_instance_count;
	d->start = r->start_date;
	d->end = r->end_date;
}

static void on_reservations(void *ud, const aws_error_t *err, ec2_capacity_reservations_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_RES, err);
	if (!s) return;
	s->lookup.reservations = lookup_table(s->lookup.reservations, res->n, sizeof *s->lookup.reservations,
	                                      &s->lookup.nreservations);
	for (size_t i = 0; i < s->lookup.nreservations; i++)
		fill_reservation(&s->lookup.reservations[i], &res->reservations[i]);
	sess_notify(s, SESS_CH_LOOKUP);
}

int session_lookup_reservations(session_t *s, const char *instance_type)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_RES]) return 0;
	s->lookup.error[0] = 0;
	const char *v[1] = { instance_type };
	ec2_filter_t f = { "instance-type", v, 1 };
	ec2_describe_req_t dr = { .filters = &f, .nfilters = instance_type ? 1 : 0 };
	sess_track(s, CH_LK_RES, ec2_describe_capacity_reservations(p->aws, &dr, on_reservations, s));
	return lookup_sent(s, CH_LK_RES);
}

static void on_offerings(void *ud, const aws_error_t *err, ec2_capacity_block_offerings_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_OFF, err);
	if (!s) return;
	s->lookup.offerings = lookup_table(s->lookup.offerings, res->n, sizeof *s->lookup.offerings,
	                                   &s->lookup.nofferings);
	for (size_t i = 0; i < s->lookup.nofferings; i++) {
		struct sess_offering *d = &s->lookup.offerings[i];
		const ec2_capacity_block_offering_t *o = &res->offerings[i];
		snprintf(d->id, sizeof d->id, "%s", nz(o->id));
		snprintf(d->instance_type, sizeof d->instance_type, "%s", nz(o->instance_type));
		snprintf(d->az, sizeof d->az, "%s", nz(o->availability_zone));
		snprintf(d->currency, sizeof d->currency, "%s", nz(o->currency_code));
		snprintf(d->upfront_fee, sizeof d->upfront_fee, "%s", nz(o->upfront_fee));
		d->count = o->instance_count;
		d->hours = o->duration_hours;
		d->start = o->start_date;
		d->end = o->end_date;
	}
	sess_notify(s, SESS_CH_LOOKUP);
}

int session_lookup_offerings(session_t *s, const char *instance_type, int count, int hours,
                             time_t start_after, time_t end_before)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_OFF]) return 0;
	s->lookup.error[0] = 0;
	ec2_capacity_block_req_t req = { .instance_type = instance_type, .instance_count = count,
	                                 .duration_hours = hours, .start_range = start_after,
	                                 .end_range = end_before };
	sess_track(s, CH_LK_OFF, ec2_describe_capacity_block_offerings(p->aws, &req, on_offerings, s));
	return lookup_sent(s, CH_LK_OFF);
}

static void on_saved_put(void *ud, const aws_error_t *err, ssm_put_parameter_result_t *res)
{
	(void)res;
	session_t *s = sess_back(ud, CH_LK_SAVED);
	if (!s) return;
	if (err) sess_flash(s, "could not remember the reservation in %s: %s", SAVED_RESERVATION_PARAM, err->message);
	busy_update(s);
}

static void on_purchased(void *ud, const aws_error_t *err, ec2_purchase_result_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_BUY, err);
	if (!s) return;
	struct session_priv *p = SP(s);
	struct sess_reservation r;
	fill_reservation(&r, &res->reservation);
	struct sess_reservation *v = realloc(s->lookup.reservations, (s->lookup.nreservations + 1) * sizeof *v);
	if (v) {
		s->lookup.reservations = v;
		v[s->lookup.nreservations++] = r;
	}
	snprintf(s->lookup.saved_reservation, sizeof s->lookup.saved_reservation, "%s", r.id);
	config_diags_t d = {0};
	config_set(&p->cfg, "capacityReservationId", r.id, CONFIG_SRC_FLAG, "purchase", &d);
	config_set(&p->cfg, "useCapacityBlock", "true", CONFIG_SRC_FLAG, "purchase", &d);
	config_diags_free(&d);
	sess_flash(s, "bought capacity block %s", r.id);
	/* remembered for the next deploy, as the users' scripts do */
	ssm_put_parameter_req_t put = { .name = SAVED_RESERVATION_PARAM, .value = r.id, .overwrite = 1 };
	sess_track(s, CH_LK_SAVED, ssm_put_parameter(p->aws, &put, on_saved_put, s));
	sess_notify(s, SESS_CH_LOOKUP);
}

int session_purchase_offering(session_t *s, const char *offering_id)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_BUY]) return -1;
	s->lookup.error[0] = 0;
	sess_track(s, CH_LK_BUY, ec2_purchase_capacity_block(p->aws, offering_id, "Linux/UNIX", on_purchased, s));
	return lookup_sent(s, CH_LK_BUY);
}

static void on_vpcs(void *ud, const aws_error_t *err, ec2_vpcs_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_VPC, err);
	if (!s) return;
	s->lookup.vpcs = lookup_table(s->lookup.vpcs, res->n, sizeof *s->lookup.vpcs, &s->lookup.nvpcs);
	for (size_t i = 0; i < s->lookup.nvpcs; i++) {
		snprintf(s->lookup.vpcs[i].id, sizeof s->lookup.vpcs[i].id, "%s", nz(res->vpcs[i].vpc_id));
		snprintf(s->lookup.vpcs[i].cidr, sizeof s->lookup.vpcs[i].cidr, "%s", nz(res->vpcs[i].cidr_block));
		s->lookup.vpcs[i].is_default = res->vpcs[i].is_default;
	}
	sess_notify(s, SESS_CH_LOOKUP);
}

static int cmp_az(const void *a, const void *b) { return strcmp(a, b); }

static void on_azs(void *ud, const aws_error_t *err, ec2_offerings_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_AZ, err);
	if (!s) return;
	s->lookup.nazs = 0;
	for (size_t i = 0; i < res->n && s->lookup.nazs < 16; i++)
		snprintf(s->lookup.azs[s->lookup.nazs++], sizeof s->lookup.azs[0], "%s", nz(res->offerings[i].location));
	qsort(s->lookup.azs, s->lookup.nazs, sizeof s->lookup.azs[0], cmp_az);
	sess_notify(s, SESS_CH_LOOKUP);
}

int session_lookup_network(session_t *s, const char *instance_type)
{
	struct session_priv *p = SP(s);
	s->lookup.error[0] = 0;
	if (!p->call[CH_LK_VPC]) {
		ec2_describe_req_t dr = {0};
		sess_track(s, CH_LK_VPC, ec2_describe_vpcs(p->aws, &dr, on_vpcs, s));
	}
	if (!p->call[CH_LK_AZ]) {
		const char *v[1] = { instance_type };
		ec2_filter_t f = { "instance-type", v, 1 };
		ec2_describe_req_t dr = { .filters = &f, .nfilters = 1 };
		sess_track(s, CH_LK_AZ, ec2_describe_instance_type_offerings(p->aws, "availability-zone", &dr, on_azs, s));
	}
	busy_update(s);
	return 0;
}

static void on_saved(void *ud, const aws_error_t *err, ssm_parameter_t *res)
{
	session_t *s = sess_back(ud, CH_LK_SAVED);
	if (!s) return;
	/* none remembered is the usual case, not an error */
	if (!err) snprintf(s->lookup.saved_reservation, sizeof s->lookup.saved_reservation, "%s", nz(res->value));
	else if (strcmp(err->code, "ParameterNotFound") != 0)
		aws_error_sentence(err, s->lookup.error, sizeof s->lookup.error);
	busy_update(s);
}

int session_lookup_saved_reservation(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_SAVED]) return 0;
	sess_track(s, CH_LK_SAVED, ssm_get_parameter(p->aws, SAVED_RESERVATION_PARAM, 0, on_saved, s));
	busy_update(s);
	return 0;
}

/* ---- the type's AMI (issue 13 item 9: the wizard's volume is at least its root snapshot) ---- */

static void on_image(void *ud, const aws_error_t *err, ec2_images_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_IMAGE, err);
	if (!s) return;
	if (res->n) {
		snprintf(s->lookup.image.architecture, sizeof s->lookup.image.architecture, "%s",
		         nz(res->images[0].architecture));
		s->lookup.image.root_gib = res->images[0].root_volume_gib;
	}
	sess_notify(s, SESS_CH_LOOKUP);
}

static void on_image_param(void *ud, const aws_error_t *err, ssm_parameter_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_IMAGE, err);
	if (!s) return;
	struct session_priv *p = SP(s);
	snprintf(s->lookup.image.ami, sizeof s->lookup.image.ami, "%s", nz(res->value));
	const char *ids[1] = { s->lookup.image.ami };
	ec2_describe_req_t dr = { .ids = ids, .nids = 1 };
	sess_track(s, CH_LK_IMAGE, ec2_describe_images(p->aws, &dr, on_image, s));
	busy_update(s);
}

int session_lookup_image(session_t *s, const char *instance_type)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_IMAGE]) return 0;
	memset(&s->lookup.image, 0, sizeof s->lookup.image);
	snprintf(s->lookup.image.instance_type, sizeof s->lookup.image.instance_type, "%s", instance_type);
	sess_track(s, CH_LK_IMAGE, ssm_get_parameter(p->aws, catalog_ami_parameter(instance_type), 0,
	                                             on_image_param, s));
	busy_update(s);
	return 0;
}

/* ---- the stack picker: the stacks this tool created in the region ---- */

/* DescribeStacks without a name answers a page at a time (100 stacks) with a NextToken
 * for the rest; pages are read until none is left (a run of thousands is cut at
 * STACK_PAGES_MAX, said in lookup.error). */
enum { STACK_PAGES_MAX = 50 };

static const char *tag_of(const cfn_stack_t *st, const char *key)
{
	for (size_t i = 0; i < st->ntags; i++)
		if (st->tags[i].key && strcmp(st->tags[i].key, key) == 0) return nz(st->tags[i].value);
	return NULL;
}

static void add_stack_row(session_t *s, const cfn_stack_t *st)
{
	const char *by = tag_of(st, "ManagedBy"); /* the tags session_deploy.c creates with */
	if (!by || strcmp(by, "nixl-tui") != 0) return;
	struct sess_stack_row *rows = realloc(s->lookup.stacks, (s->lookup.nstacks + 1) * sizeof *rows);
	if (!rows) return;
	s->lookup.stacks = rows;
	struct sess_stack_row *r = &rows[s->lookup.nstacks++];
	memset(r, 0, sizeof *r);
	snprintf(r->name, sizeof r->name, "%s", nz(st->stack_name));
	snprintf(r->status, sizeof r->status, "%s", nz(st->status));
	const char *env = tag_of(st, "Environment");
	snprintf(r->environment, sizeof r->environment, "%s", env ? env : "");
	r->created = st->creation_time;
}

static void on_stacks_page(void *ud, const aws_error_t *err, cfn_stacks_t *res)
{
	session_t *s = lookup_reply(ud, CH_LK_STACKS, err);
	if (!s) return;
	struct session_priv *p = SP(s);
	for (size_t i = 0; i < res->n; i++) add_stack_row(s, &res->stacks[i]);
	s->lookup.stacks_pages++;
	if (res->next_token && s->lookup.stacks_pages < STACK_PAGES_MAX) {
		sess_track(s, CH_LK_STACKS, cfn_describe_stacks_page(p->aws, res->next_token, on_stacks_page, s));
	} else {
		if (res->next_token)
			snprintf(s->lookup.error, sizeof s->lookup.error,
			         "Only the first %d pages of stacks were read: open a stack by name with :open NAME.",
			         STACK_PAGES_MAX);
		s->lookup.stacks_done = 1;
	}
	busy_update(s);
}

int session_lookup_stacks(session_t *s)
{
	struct session_priv *p = SP(s);
	if (p->call[CH_LK_STACKS]) return 0;
	s->lookup.error[0] = 0;
	s->lookup.nstacks = 0;
	s->lookup.stacks_done = 0;
	s->lookup.stacks_pages = 0;
	sess_track(s, CH_LK_STACKS, cfn_describe_stacks_page(p->aws, NULL, on_stacks_page, s));
	return lookup_sent(s, CH_LK_STACKS);
}

int session_open_stack(session_t *s, const char *name)
{
	struct session_priv *p = SP(s);
	if (p->op != OP_NONE || (s->phase != SESS_IDLE && s->phase != SESS_DELETED) || s->nnodes) {
		snprintf(s->root_cause, sizeof s->root_cause,
		         "Another stack is open: quit, then start nixl-tui with -c stackName=%s.", name);
		return -1;
	}
	if (!config_stack_name_valid(name)) {
		snprintf(s->root_cause, sizeof s->root_cause, "\"%s\" is not a stack name.", name);
		return -1;
	}
	config_set(&p->cfg, config_key_name(CONFIG_STACK_NAME), name, CONFIG_SRC_FLAG, "console", NULL);
	snprintf(s->stack_name, sizeof s->stack_name, "%s", name);
	/* what was shown of the stack before (a deleted one) is not this one's */
	s->nsteps = s->nresources = s->nevents = s->noutputs = 0;
	s->completed = s->total_resources = 0;
	s->stack_id[0] = s->stack_status[0] = s->root_cause[0] = s->root_cause_resource[0] = 0;
	for (size_t i = 0; i < p->nseen; i++) free(p->seen[i]);
	p->nseen = 0;
	sess_set_phase(s, SESS_IDLE);
	return session_attach(s);
}

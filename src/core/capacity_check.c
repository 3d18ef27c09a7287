/* Whether a capacity reservation can take the cluster: see capacity_check.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/capacity_check.h"

static const char *nz(const char *s) { return s ? s : ""; }

int cap_is_block(const ec2_capacity_reservation_t *r)
{
	return r && strcmp(nz(r->reservation_type), "capacity-block") == 0;
}

const char *cap_placement_group_name(const char *arn)
{
	const char *slash = arn ? strstr(arn, ":placement-group/") : NULL;
	if (!slash) return NULL;
	slash += strlen(":placement-group/");
	return *slash ? slash : NULL;
}

static cap_verdict_t say(cap_verdict_t v, char *why, size_t whylen, char *brief, size_t brieflen,
                         const char *b, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static cap_verdict_t say(cap_verdict_t v, char *why, size_t whylen, char *brief, size_t brieflen,
                         const char *b, const char *fmt, ...)
{
	if (brief && brieflen) snprintf(brief, brieflen, "%s", b);
	if (why && whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return v;
}

static cap_verdict_t check_state(const ec2_capacity_reservation_t *r, time_t now, char *why,
                                 size_t whylen, char *brief, size_t brieflen)
{
	const char *id = nz(r->id), *state = nz(r->state);
	if (strcmp(state, "active") != 0) {
		const char *hint = strcmp(state, "scheduled") == 0 ? "wait for its start date or choose another"
		                   : strcmp(state, "payment-pending") == 0 ? "wait until its payment clears or choose another"
		                   : "choose an active one";
		return say(CAP_NOT_ACTIVE, why, whylen, brief, brieflen, "not active",
		           "Capacity reservation %s is %s, not active: %s.", id, state, hint);
	}
	if (now && cap_is_block(r) && ((r->start_date && now < r->start_date) || (r->end_date && now >= r->end_date)))
		return say(CAP_OUTSIDE_WINDOW, why, whylen, brief, brieflen,
		           r->start_date && now < r->start_date ? "not started" : "ended",
		           "Capacity Block %s is outside its start/end window now; choose a block that is running.", id);
	return CAP_OK;
}

cap_verdict_t cap_check(const ec2_capacity_reservation_t *r, const cap_want_t *w, time_t now,
                        char *why, size_t whylen, char *brief, size_t brieflen)
{
	char b[64];
	const char *id = nz(r->id);
	cap_verdict_t v = check_state(r, now, why, whylen, brief, brieflen);
	if (v != CAP_OK) return v;
	if (w->instance_type && strcmp(nz(r->instance_type), w->instance_type) != 0) {
		snprintf(b, sizeof b, "for %s", nz(r->instance_type));
		return say(CAP_WRONG_TYPE, why, whylen, brief, brieflen, b,
		           "Capacity reservation %s is for %s, not %s; pass -c instanceType=%s.", id,
		           nz(r->instance_type), w->instance_type, nz(r->instance_type));
	}
	if (r->instance_platform && strcmp(r->instance_platform, "Linux/UNIX") != 0) {
		snprintf(b, sizeof b, "%s", r->instance_platform);
		return say(CAP_WRONG_PLATFORM, why, whylen, brief, brieflen, b,
		           "Capacity reservation %s is for the %s platform, and the nodes run Linux/UNIX; "
		           "choose a Linux/UNIX reservation.", id, nz(r->instance_platform));
	}
	if (r->tenancy && strcmp(r->tenancy, "default") != 0) {
		return say(CAP_WRONG_TENANCY, why, whylen, brief, brieflen, r->tenancy,
		           "Capacity reservation %s has %s tenancy, and the nodes launch with default tenancy; "
		           "choose a reservation with default tenancy.", id, r->tenancy);
	}
	if (w->zone && *w->zone && strcmp(nz(r->availability_zone), w->zone) != 0) {
		snprintf(b, sizeof b, "in %s", nz(r->availability_zone));
		return say(CAP_WRONG_ZONE, why, whylen, brief, brieflen, b,
		           "Capacity reservation %s is in %s, not in %s; pass -c availabilityZone=%s.", id,
		           nz(r->availability_zone), w->zone, nz(r->availability_zone));
	}
	if (r->available_instance_count < w->nodes) {
		snprintf(b, sizeof b, "%ld needed", w->nodes);
		return say(CAP_TOO_SMALL, why, whylen, brief, brieflen, b,
		           "Capacity reservation %s has %d instance(s) available, %ld needed; use fewer nodes "
		           "or a larger reservation.", id, r->available_instance_count, w->nodes);
	}
	if (w->use_capacity_block >= 0 && w->use_capacity_block != cap_is_block(r)) {
		return say(CAP_KIND_MISMATCH, why, whylen, brief, brieflen,
		           cap_is_block(r) ? "a Capacity Block" : "not a Capacity Block",
		           "Capacity reservation %s is %s (ReservationType %s) but useCapacityBlock is %s; "
		           "set -c useCapacityBlock=%s or leave it unset.", id,
		           cap_is_block(r) ? "a Capacity Block" : "an On-Demand Capacity Reservation",
		           r->reservation_type ? r->reservation_type : "default",
		           w->use_capacity_block ? "true" : "false", cap_is_block(r) ? "true" : "false");
	}
	if (brief && brieflen) brief[0] = 0;
	if (why && whylen) why[0] = 0;
	return CAP_OK;
}

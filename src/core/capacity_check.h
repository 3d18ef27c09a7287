/* Can this capacity reservation / Capacity Block take this cluster? One check shared by
 * preflight (session_deploy.c) and the console wizard (view_capacity.c, Review), so the
 * wizard never offers what preflight refuses. AWS launches into a reservation only when
 * it is active and its instance type, platform, zone and tenancy match, with enough
 * available instances ("Launch instances into an existing Capacity Reservation", Amazon
 * EC2 User Guide); a Capacity Block only between its start and end dates ("Launch
 * instances using Capacity Blocks"). */
#ifndef NIXL_CORE_CAPACITY_CHECK_H
#define NIXL_CORE_CAPACITY_CHECK_H

#include <stddef.h>
#include <time.h>

#include "aws/ec2.h"

typedef struct cap_want {
	const char *instance_type;
	const char *zone;        /* NULL or "": any zone (the reservation then decides) */
	long nodes;
	int use_capacity_block;  /* -1: not said; 0/1: useCapacityBlock as set explicitly */
} cap_want_t;

typedef enum cap_verdict {
	CAP_OK = 0,
	CAP_NOT_ACTIVE,          /* expired, cancelled, scheduled, payment-pending, ... */
	CAP_OUTSIDE_WINDOW,      /* a block before its start or after its end */
	CAP_WRONG_TYPE,
	CAP_WRONG_PLATFORM,      /* not Linux/UNIX: the Deep Learning AMIs are Linux */
	CAP_WRONG_TENANCY,       /* dedicated: the template launches default tenancy */
	CAP_WRONG_ZONE,
	CAP_TOO_SMALL,
	CAP_KIND_MISMATCH,       /* useCapacityBlock says the other kind */
} cap_verdict_t;

/* 1 when the reservation is a Capacity Block (ReservationType capacity-block). */
int cap_is_block(const ec2_capacity_reservation_t *r);

/* The first reason `r` cannot take `w` at `now` (0: the dates are not compared, the state
 * AWS reports decides; the console does so, its tests having a fixed clock). `why` (may be NULL) gets one sentence
 * that says what to do; `brief` (may be NULL) a few words for a list row ("expired",
 * "1 of 2 needed available"). */
cap_verdict_t cap_check(const ec2_capacity_reservation_t *r, const cap_want_t *w, time_t now,
                        char *why, size_t whylen, char *brief, size_t brieflen);

/* The placement group name in a PlacementGroupArn (…:placement-group/NAME), or NULL. */
const char *cap_placement_group_name(const char *arn);

#endif

/* Preflight against the account's limits and AWS's description of the instance type
 * (preflight_quota.c): the steps the deploy runs, and the pure rules they apply. */
#ifndef NIXL_CORE_PREFLIGHT_QUOTA_H
#define NIXL_CORE_PREFLIGHT_QUOTA_H

#include "aws/error.h"
#include "catalog/catalog.h"
#include "core/session.h"

/* Service Quotas "EC2-VPC Elastic IPs" and its AWS default (5 per Region). */
#define PREFLIGHT_EIP_QUOTA_CODE "L-0263D0A3"
#define PREFLIGHT_EIP_DEFAULT 5

/* A Running On-Demand vCPU quota bucket: "P", its quota code and name. */
typedef struct preflight_family {
	const char *name, *quota_code, *quota_name;
} preflight_family_t;

/* The bucket of an instance type by its family letters (p5 -> P, g6e/vt1 -> G, trn1n ->
 * Trn, inf2 -> Inf); NULL for the others (they are not checked). */
const preflight_family_t *preflight_family(const char *type);
/* 1 when a GetServiceQuota error means "not allowed / not known here" (fall back). */
int preflight_quota_denied(const aws_error_t *err);
/* The EFA interfaces and network cards the template plans (cards 0: not compared)
 * against AWS's MaximumEfaInterfaces and MaximumNetworkCards: -1 when the template asks
 * for more interfaces than AWS allows (refuse), 1 when they differ otherwise (warn), 0
 * when they agree. */
int preflight_efa_verdict(int planned_efa, int planned_cards, int aws_efa, int aws_cards);

/* The steps: each reports one line and calls sess_deploy_next, or fails the deploy. */
void sess_preflight_type(session_t *s);
void sess_preflight_eips(session_t *s);
void sess_preflight_vcpus(session_t *s);

#endif

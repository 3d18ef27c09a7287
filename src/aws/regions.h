/* AWS region names: catching a mistyped --region before anything is sent. */
#ifndef NIXL_AWS_REGIONS_H
#define NIXL_AWS_REGIONS_H

#include <stddef.h>

/* 0 when region is usable: a known region, or one of the right shape that is not a
 * near miss of a known one (a region newer than this list). Otherwise -1 and msg holds
 * one sentence, with the nearest known region when there is one. */
int aws_region_check(const char *region, char *msg, size_t n);

#endif

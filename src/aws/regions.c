#include "aws/regions.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/editdist.h"

/* The commercial, GovCloud and China regions (AWS "Regions and Zones" page, 2026). */
static const char *const known[] = {
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
	"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
	"ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-northeast-1",
	"ap-northeast-2", "ap-northeast-3", "ca-central-1", "ca-west-1", "eu-central-1",
	"eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2",
	"eu-north-1", "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
	"us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
};

/* xx[-gov]-word-N */
static int well_formed(const char *r)
{
	int parts = 0;
	const char *p = r;
	while (*p) {
		const char *start = p;
		while (*p && *p != '-') p++;
		size_t len = (size_t)(p - start);
		if (!len) return 0;
		for (const char *q = start; q < p; q++)
			if (!(islower((unsigned char)*q) || isdigit((unsigned char)*q))) return 0;
		parts++;
		if (*p) p++;
		else if (!isdigit((unsigned char)p[-1])) return 0;
	}
	return parts >= 3;
}

int aws_region_check(const char *region, char *msg, size_t n)
{
	const char *best = NULL;
	size_t bestd = 99;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(region, known[i]) == 0) return 0;
		size_t d = edit_distance(region, known[i], EDIT_EXACT);
		if (d < bestd) { bestd = d; best = known[i]; }
	}
	if (well_formed(region) && bestd > 2) return 0;
	if (best && bestd <= 3)
		snprintf(msg, n, "\"%s\" is not an AWS region (did you mean %s?); pass --region or set AWS_REGION.",
		         region, best);
	else
		snprintf(msg, n, "\"%s\" is not an AWS region (they look like us-east-1); pass --region or set "
		         "AWS_REGION.", region);
	return -1;
}

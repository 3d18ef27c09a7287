/* The capacity reservation check preflight and the wizard share (core/capacity_check.c),
 * and where the template places the nodes with a reservation (issue 13 items 3 and 4). */
#include "testutil.h"

#include "stack/template.h"
#include "catalog/config.h"
#include "core/capacity_check.h"

#define NOW ((time_t)1772445600)

static ec2_capacity_reservation_t resv(const char *state, const char *kind, int available)
{
	return (ec2_capacity_reservation_t){
		.id = "cr-0123456789abcdef0", .instance_type = "p5.48xlarge", .availability_zone = "us-east-1b",
		.instance_platform = "Linux/UNIX", .tenancy = "default", .state = (char *)state,
		.reservation_type = (char *)kind, .total_instance_count = 2,
		.available_instance_count = available, .start_date = NOW - 3600, .end_date = NOW + 86400,
	};
}

static const cap_want_t want2 = { "p5.48xlarge", NULL, 2, -1 };

static void test_active_fits(void **state)
{
	(void)state;
	ec2_capacity_reservation_t r = resv("active", "capacity-block", 2);
	char why[256] = "x", brief[64] = "x";
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, brief, sizeof brief), CAP_OK);
	assert_string_equal(why, "");
	assert_true(cap_is_block(&r));
}

static void test_refusals(void **state)
{
	(void)state;
	char why[256], brief[64];
	ec2_capacity_reservation_t r = resv("expired", "capacity-block", 0);
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, brief, sizeof brief), CAP_NOT_ACTIVE);
	assert_non_null(strstr(why, "is expired, not active"));
	r = resv("payment-pending", "capacity-block", 2);
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, NULL, 0), CAP_NOT_ACTIVE);
	assert_non_null(strstr(why, "payment"));
	r = resv("active", "capacity-block", 2);
	assert_int_equal(cap_check(&r, &want2, NOW + 2 * 86400, why, sizeof why, NULL, 0), CAP_OUTSIDE_WINDOW);
	assert_int_equal(cap_check(&r, &want2, 0, why, sizeof why, NULL, 0), CAP_OK); /* 0: state decides */
	r = resv("active", "default", 1);
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, brief, sizeof brief), CAP_TOO_SMALL);
	assert_string_equal(brief, "2 needed");
	assert_non_null(strstr(why, "1 instance(s) available, 2 needed"));
	r = resv("active", "default", 2);
	r.instance_platform = "Windows";
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, NULL, 0), CAP_WRONG_PLATFORM);
	r.instance_platform = "Linux/UNIX";
	r.tenancy = "dedicated";
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, NULL, 0), CAP_WRONG_TENANCY);
	r.tenancy = "default";
	r.instance_type = "g5.12xlarge";
	assert_int_equal(cap_check(&r, &want2, NOW, why, sizeof why, NULL, 0), CAP_WRONG_TYPE);
	r.instance_type = "p5.48xlarge";
	cap_want_t zone = { "p5.48xlarge", "us-east-1a", 2, -1 };
	assert_int_equal(cap_check(&r, &zone, NOW, why, sizeof why, NULL, 0), CAP_WRONG_ZONE);
	assert_non_null(strstr(why, "pass -c availabilityZone=us-east-1b"));
	cap_want_t block = { "p5.48xlarge", NULL, 2, 1 };
	assert_int_equal(cap_check(&r, &block, NOW, why, sizeof why, NULL, 0), CAP_KIND_MISMATCH);
	assert_non_null(strstr(why, "useCapacityBlock is true"));
}

static void test_group_name(void **state)
{
	(void)state;
	assert_string_equal(cap_placement_group_name("arn:aws:ec2:us-east-1:123456789012:placement-group/train"), "train");
	assert_null(cap_placement_group_name("arn:aws:ec2:us-east-1:123456789012:placement-group/"));
	assert_null(cap_placement_group_name(NULL));
	assert_null(cap_placement_group_name("train"));
}

static int has(const char *text, const char *what) { return text && strstr(text, what) != NULL; }

static char *render(const char *cr, const char *block, const template_opts_t *o)
{
	config_t cfg;
	config_init(&cfg);
	config_set(&cfg, "instanceType", "p5.48xlarge", CONFIG_SRC_FLAG, NULL, NULL);
	if (cr) config_set(&cfg, "capacityReservationId", cr, CONFIG_SRC_FLAG, NULL, NULL);
	if (block) config_set(&cfg, "useCapacityBlock", block, CONFIG_SRC_FLAG, NULL, NULL);
	char *t = template_render(&cfg, o, 0);
	config_free(&cfg);
	return t;
}

static void test_template_placement(void **state)
{
	(void)state;
	char *t = render(NULL, NULL, NULL);
	assert_true(has(t, "AWS::EC2::PlacementGroup") && has(t, "\"PlacementGroupName\":{\"Ref\":\"PlacementGroup\"}"));
	free(t);
	/* a Capacity Block: no group at all, MarketType capacity-block */
	template_opts_t blk = { .reservation_checked = 1, .capacity_block = 1 };
	t = render("cr-0123456789abcdef0", "false", &blk);
	assert_false(has(t, "PlacementGroup"));
	assert_true(has(t, "\"MarketType\":\"capacity-block\""));
	free(t);
	/* an ODCR in its own group: that group by name, no MarketType, no group made */
	template_opts_t odcr = { .reservation_checked = 1, .placement_group = "train" };
	t = render("cr-0123456789abcdef0", "true", &odcr);
	assert_false(has(t, "AWS::EC2::PlacementGroup"));
	assert_false(has(t, "MarketType"));
	assert_true(has(t, "\"PlacementGroupName\":\"train\""));
	free(t);
	/* an ODCR in no group: none */
	template_opts_t none = { .reservation_checked = 1 };
	t = render("cr-0123456789abcdef0", NULL, &none);
	assert_false(has(t, "PlacementGroup"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_active_fits),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_group_name),
		cmocka_unit_test(test_template_placement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The instance catalog: hardware facts, name shape rule, volumes, EFA slots, AMI choice. */
#include "testutil.h"

#include "catalog/catalog.h"

/* Every type users deploy, with the facts the rest of nixl-tui relies on. */
static const struct {
	const char *name;
	int accel, efa, cards, gbps, root;
} expected[] = {
	{ "g5.12xlarge", 4, 1, 1, 40, 200 },     { "g5.24xlarge", 4, 1, 1, 50, 300 },
	{ "g5.48xlarge", 8, 1, 1, 100, 500 },    { "g6.12xlarge", 4, 1, 1, 40, 200 },
	{ "g6.24xlarge", 4, 1, 1, 50, 300 },     { "g6.48xlarge", 8, 1, 1, 100, 500 },
	{ "g6e.12xlarge", 4, 1, 1, 100, 200 },   { "g6e.24xlarge", 4, 2, 2, 200, 300 },
	{ "g6e.48xlarge", 8, 4, 4, 400, 500 },   { "g7e.8xlarge", 1, 1, 1, 100, 300 },
	{ "g7e.12xlarge", 2, 1, 1, 400, 300 },   { "g7e.24xlarge", 4, 2, 2, 800, 500 },
	{ "g7e.48xlarge", 8, 4, 4, 1600, 1000 }, { "p4d.24xlarge", 8, 4, 4, 400, 500 },
	{ "p4de.24xlarge", 8, 4, 4, 400, 500 },  { "p5.48xlarge", 8, 32, 32, 3200, 1000 },
	{ "p5e.48xlarge", 8, 32, 32, 3200, 1000 },
	{ "p5en.48xlarge", 8, 16, 16, 3200, 1000 },
	{ "p6-b200.48xlarge", 8, 8, 8, 3200, 1000 },
	{ "trn1.32xlarge", 16, 8, 8, 800, 500 }, { "trn1n.32xlarge", 16, 16, 16, 1600, 500 },
	{ "inf2.24xlarge", 6, 0, 1, 50, 300 },   { "inf2.48xlarge", 12, 1, 1, 100, 500 },
};
#define NEXPECTED (sizeof expected / sizeof expected[0])

static void test_every_user_type_present_with_its_facts(void **state)
{
	(void)state;
	for (size_t i = 0; i < NEXPECTED; i++) {
		const catalog_instance_t *it = catalog_lookup(expected[i].name);
		assert_non_null(it);
		assert_string_equal(it->name, expected[i].name);
		assert_int_equal(it->accel_count, expected[i].accel);
		assert_int_equal(it->efa_max, expected[i].efa);
		assert_int_equal(it->network_cards, expected[i].cards);
		assert_int_equal(it->network_gbps, expected[i].gbps);
		assert_int_equal(it->root_volume_gb, expected[i].root);
		assert_int_equal(catalog_recommended_volume_gb(it->name), expected[i].root);
		assert_true(it->vcpus > 0 && it->mem_gib > 0 && it->accel_mem_gib > 0);
		assert_true(it->series[0] && it->accelerator[0] && it->use[0]);
	}
}

static void test_list_is_exactly_the_catalog(void **state)
{
	(void)state;
	size_t n;
	const catalog_instance_t *list = catalog_list(&n);
	assert_int_equal(n, NEXPECTED);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(catalog_lookup(list[i].name), &list[i]);
		for (size_t j = i + 1; j < n; j++) assert_string_not_equal(list[i].name, list[j].name);
	}
}

static void test_specific_hardware(void **state)
{
	(void)state;
	const catalog_instance_t *p5 = catalog_lookup("p5.48xlarge");
	assert_int_equal(p5->vcpus, 192);
	assert_int_equal(p5->mem_gib, 2048);
	assert_int_equal(p5->accel_mem_gib, 80);
	assert_int_equal(p5->kind, CATALOG_ACCEL_NVIDIA);
	const catalog_instance_t *p4de = catalog_lookup("p4de.24xlarge");
	assert_int_equal(p4de->accel_mem_gib, 80);
	assert_int_equal(catalog_lookup("p4d.24xlarge")->accel_mem_gib, 40);
	assert_int_equal(catalog_lookup("g6e.48xlarge")->mem_gib, 1536);
	assert_int_equal(catalog_lookup("trn1.32xlarge")->kind, CATALOG_ACCEL_TRAINIUM);
	assert_int_equal(catalog_lookup("inf2.48xlarge")->kind, CATALOG_ACCEL_INFERENTIA);
}

static void test_default_type_is_in_catalog(void **state)
{
	(void)state;
	assert_string_equal(CATALOG_DEFAULT_TYPE, "g5.12xlarge");
	assert_non_null(catalog_lookup(CATALOG_DEFAULT_TYPE));
}

static void test_lookup_misses(void **state)
{
	(void)state;
	assert_null(catalog_lookup("g4dn.12xlarge"));
	assert_null(catalog_lookup("P5.48xlarge"));
	assert_null(catalog_lookup(""));
	assert_null(catalog_lookup(NULL));
	assert_int_equal(catalog_recommended_volume_gb("m5.large"), CATALOG_FALLBACK_VOLUME_GB);
	assert_int_equal(CATALOG_FALLBACK_VOLUME_GB, 200);
}

static void test_type_name_shape(void **state)
{
	(void)state;
	static const char *const good[] = {
		"g5.12xlarge", "p5.48xlarge", "trn1n.32xlarge", "t3.nano", "t3.micro", "t3.small",
		"t3.medium", "m5.large", "m5.xlarge", "m5.2xlarge", "c5.metal", "i7i.metal-24xl",
		"p6-b200.48xlarge", "u-6tb1.112xlarge", "mac2-m2pro.metal", "p5.4xlarge",
		"m7i-flex.large", "x8i.96xlarge",
	};
	static const char *const bad[] = {
		"", "g5", "g5.", ".large", "g5.12xlage", "g5-12xlarge", "G5.12xlarge",
		"g5.1xlarge", "g5.0xlarge", "g5.012xlarge", "g5.12xlarge.x", "5g.large", "g.large",
		"g5.metal-xl", "g5-.large", "g5.500xlarge", "g5.12XLARGE", "g5 .large", "g5.xlarge ",
		"g5.metal-1xl",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!catalog_is_valid_type_name(good[i])) fail_msg("rejected %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (catalog_is_valid_type_name(bad[i])) fail_msg("accepted \"%s\"", bad[i]);
	assert_false(catalog_is_valid_type_name(NULL));
}

static void test_efa_slots(void **state)
{
	(void)state;
	int card, dev;
	catalog_efa_slot(0, &card, &dev);
	assert_int_equal(card, 0);
	assert_int_equal(dev, 0);
	catalog_efa_slot(1, &card, &dev);
	assert_int_equal(card, 1);
	assert_int_equal(dev, 1);
	catalog_efa_slot(31, &card, &dev);
	assert_int_equal(card, 31);
	assert_int_equal(dev, 1);
}

static void test_ami_parameter_by_accelerator(void **state)
{
	(void)state;
	const char *gpu =
		"/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-ubuntu-22.04/latest/ami-id";
	const char *neuron = "/aws/service/neuron/dlami/multi-framework/ubuntu-22.04/latest/image_id";
	assert_string_equal(catalog_ami_parameter("g5.12xlarge"), gpu);
	assert_string_equal(catalog_ami_parameter("p5.48xlarge"), gpu);
	assert_string_equal(catalog_ami_parameter("trn1.32xlarge"), neuron);
	assert_string_equal(catalog_ami_parameter("inf2.24xlarge"), neuron);
	assert_string_equal(catalog_ami_parameter("trn2.48xlarge"), neuron);
	assert_string_equal(catalog_ami_parameter("g4dn.12xlarge"), gpu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_user_type_present_with_its_facts),
		cmocka_unit_test(test_list_is_exactly_the_catalog),
		cmocka_unit_test(test_specific_hardware),
		cmocka_unit_test(test_default_type_is_in_catalog),
		cmocka_unit_test(test_lookup_misses),
		cmocka_unit_test(test_type_name_shape),
		cmocka_unit_test(test_efa_slots),
		cmocka_unit_test(test_ami_parameter_by_accelerator),
	};
	return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}

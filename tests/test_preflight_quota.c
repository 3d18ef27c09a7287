/* Account limits at preflight: the Service Quotas and DescribeAddresses parsers, the
 * vCPU quota buckets, the catalog-vs-AWS EFA rule, and the template's interfaces for
 * the EFA families added with them. */
#include "testutil.h"

#include "aws/ec2_addresses.h"
#include "aws/quotas.h"
#include "stack/template.h"
#include "catalog/catalog.h"
#include "catalog/config.h"
#include "core/preflight_quota.h"

/* GetServiceQuota's reply shape, from the Service Quotas API Reference (ServiceQuota). */
static const char quota_reply[] =
	"{\"Quota\":{\"ServiceCode\":\"ec2\",\"ServiceName\":\"Amazon Elastic Compute Cloud (Amazon EC2)\","
	"\"QuotaArn\":\"arn:aws:servicequotas:us-east-1:123456789012:ec2/L-0263D0A3\","
	"\"QuotaCode\":\"L-0263D0A3\",\"QuotaName\":\"EC2-VPC Elastic IPs\",\"Value\":20.0,"
	"\"Unit\":\"None\",\"Adjustable\":true,\"GlobalQuota\":false}}";

static void test_build_get_service_quota(void **state)
{
	(void)state;
	cJSON *j = quotas_build_get_service_quota("ec2", "L-417A185B");
	assert_non_null(j);
	char *text = cJSON_PrintUnformatted(j);
	assert_string_equal(text, "{\"ServiceCode\":\"ec2\",\"QuotaCode\":\"L-417A185B\"}");
	free(text);
	cJSON_Delete(j);
	assert_null(quotas_build_get_service_quota("ec2", ""));
	assert_null(quotas_build_get_service_quota(NULL, "L-417A185B"));
}

static void test_parse_get_service_quota(void **state)
{
	(void)state;
	quotas_quota_t q;
	aws_error_t err;
	assert_int_equal(quotas_parse_get_service_quota(quota_reply, strlen(quota_reply), &q, &err), 0);
	assert_string_equal(q.quota_code, "L-0263D0A3");
	assert_string_equal(q.quota_name, "EC2-VPC Elastic IPs");
	assert_true(q.value == 20.0);
	assert_int_equal(q.adjustable, 1);
	quotas_quota_free(&q);
	static const char *const bad[] = {
		"{}", "{\"Quota\":{\"QuotaCode\":\"L-1\"}}", "{\"Quota\":{\"QuotaCode\":\"L-1\",\"Value\":\"5\"}}",
		"{\"Quota\":{\"Value\":5}}", "{\"Quota\":{\"QuotaCode\":\"L-1\",\"Value\":-1}}", "not json",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(quotas_parse_get_service_quota(bad[i], strlen(bad[i]), &q, &err), -1);
		assert_null(q.quota_code);
	}
}

static void test_parse_describe_addresses(void **state)
{
	(void)state;
	/* DescribeAddresses' reply shape (EC2 API Reference, Address) */
	static const char body[] =
		"<DescribeAddressesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
		"<requestId>r</requestId><addressesSet>"
		"<item><publicIp>198.51.100.1</publicIp><allocationId>eipalloc-1</allocationId>"
		"<domain>vpc</domain></item>"
		"<item><publicIp>198.51.100.2</publicIp><allocationId>eipalloc-2</allocationId>"
		"<domain>vpc</domain><associationId>eipassoc-2</associationId><instanceId>i-2</instanceId></item>"
		"</addressesSet></DescribeAddressesResponse>";
	ec2_addresses_t a;
	aws_error_t err;
	assert_int_equal(ec2_parse_describe_addresses(body, strlen(body), &a, &err), 0);
	assert_int_equal(a.n, 2);
	assert_string_equal(a.addresses[0].allocation_id, "eipalloc-1");
	assert_null(a.addresses[0].association_id);
	assert_string_equal(a.addresses[1].instance_id, "i-2");
	ec2_addresses_free(&a);
	static const char none[] = "<DescribeAddressesResponse><requestId>r</requestId><addressesSet/>"
	                           "</DescribeAddressesResponse>";
	assert_int_equal(ec2_parse_describe_addresses(none, strlen(none), &a, &err), 0);
	assert_int_equal(a.n, 0);
	ec2_addresses_free(&a);
	static const char bad[] = "<DescribeAddressesResponse><addressesSet><item><domain>vpc</domain>"
	                          "</item></addressesSet></DescribeAddressesResponse>";
	assert_int_equal(ec2_parse_describe_addresses(bad, strlen(bad), &a, &err), -1);
	assert_int_equal(a.n, 0);
}

static void test_families(void **state)
{
	(void)state;
	static const struct { const char *type, *family, *code; } cases[] = {
		{ "p5.48xlarge", "P", "L-417A185B" },     { "p6-b200.48xlarge", "P", "L-417A185B" },
		{ "p4de.24xlarge", "P", "L-417A185B" },   { "g5.12xlarge", "G", "L-DB2E81BA" },
		{ "g6e.48xlarge", "G", "L-DB2E81BA" },    { "vt1.24xlarge", "G", "L-DB2E81BA" },
		{ "trn1n.32xlarge", "Trn", "L-2C3B7624" }, { "inf2.48xlarge", "Inf", "L-1945791B" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const preflight_family_t *f = preflight_family(cases[i].type);
		assert_non_null(f);
		assert_string_equal(f->name, cases[i].family);
		assert_string_equal(f->quota_code, cases[i].code);
	}
	assert_null(preflight_family("m5.large"));
	assert_null(preflight_family("pg9.large")); /* letters must be the whole prefix */
	assert_null(preflight_family(NULL));
	assert_ptr_equal(preflight_family("g5.xlarge"), preflight_family("vt1.3xlarge"));
}

static void test_denied(void **state)
{
	(void)state;
	aws_error_t e = { 0 };
	snprintf(e.code, sizeof e.code, "AccessDeniedException");
	assert_true(preflight_quota_denied(&e));
	snprintf(e.code, sizeof e.code, "NoSuchResourceException");
	assert_true(preflight_quota_denied(&e));
	snprintf(e.code, sizeof e.code, "ThrottlingException");
	assert_false(preflight_quota_denied(&e));
	assert_false(preflight_quota_denied(NULL));
}

static void test_efa_verdict(void **state)
{
	(void)state;
	const catalog_instance_t *p5en = catalog_lookup("p5en.48xlarge");
	int efa = p5en->efa_max, cards = p5en->network_cards;
	assert_int_equal(preflight_efa_verdict(efa, cards, 16, 16), 0);
	assert_int_equal(preflight_efa_verdict(efa, cards, 8, 16), -1);  /* the catalog asks for more */
	assert_int_equal(preflight_efa_verdict(efa, cards, 32, 32), 1);  /* AWS offers more: warn */
	assert_int_equal(preflight_efa_verdict(efa, cards, 16, 8), 1);
	assert_int_equal(preflight_efa_verdict(1, 0, 4, 4), 1);          /* outside the catalog */
	assert_int_equal(preflight_efa_verdict(1, 0, 0, 1), -1);         /* ... and no EFA at all */
	assert_int_equal(preflight_efa_verdict(0, 1, 0, 1), 0);          /* inf2.24xlarge */
}

/* The new EFA families get one EFA interface per network card, all of them. */
static void test_new_families_interfaces(void **state)
{
	(void)state;
	static const struct { const char *type; int efa; } cases[] = {
		{ "p5e.48xlarge", 32 }, { "p5en.48xlarge", 16 }, { "p6-b200.48xlarge", 8 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		config_t cfg;
		config_diags_t d = { 0 };
		config_init(&cfg);
		assert_int_equal(config_set(&cfg, "instanceType", cases[i].type, CONFIG_SRC_FLAG, "-c", &d), 0);
		config_diags_free(&d);
		cJSON *tpl = template_build(&cfg, NULL);
		assert_non_null(tpl);
		const cJSON *lt = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(tpl, "Resources"), "Node1LaunchTemplate");
		const cJSON *nics = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(lt, "Properties"),
			                                 "LaunchTemplateData"), "NetworkInterfaces");
		assert_int_equal(cJSON_GetArraySize(nics), cases[i].efa);
		int card = 0;
		const cJSON *nic;
		cJSON_ArrayForEach(nic, nics) {
			assert_int_equal(cJSON_GetObjectItemCaseSensitive(nic, "NetworkCardIndex")->valueint, card);
			assert_int_equal(cJSON_GetObjectItemCaseSensitive(nic, "DeviceIndex")->valueint, card ? 1 : 0);
			card++;
		}
		cJSON_Delete(tpl);
		config_free(&cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_get_service_quota),
		cmocka_unit_test(test_parse_get_service_quota),
		cmocka_unit_test(test_parse_describe_addresses),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_efa_verdict),
		cmocka_unit_test(test_new_families_interfaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The libfabric probe against the real library on this machine: no EFA device here, the
 * IP and shared-memory providers present. */
#include "testutil.h"

#include <rdma/fabric.h>
#include <rdma/fi_errno.h>

#include "efa/fabric.h"

/* 1 if name is one of the ", "-separated items of list. */
static int has_item(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || p[n] == 0)) return 1;
	return 0;
}

static int find_entry(const fabric_info_t *info, const char *prov, const char *ep)
{
	for (size_t i = 0; i < info->nentries; i++)
		if (strcmp(info->entries[i].provider, prov) == 0 &&
		    strcmp(info->entries[i].ep_type, ep) == 0)
			return (int)i;
	return -1;
}

static void test_probe_finds_local_providers(void **state)
{
	(void)state;
	fabric_info_t info;
	assert_int_equal(fabric_probe(&info), 0);
	assert_int_equal(info.rc, 0);
	assert_true(info.nentries >= 3);
	assert_int_equal(FI_MAJOR(info.lib_version), 1);
	assert_true(FI_MINOR(info.lib_version) >= 17);

	int tcp = find_entry(&info, "tcp;ofi_rxm", "rdm");
	assert_true(tcp >= 0);
	assert_int_equal(find_entry(&info, "tcp", "msg") >= 0, 1);
	assert_true(find_entry(&info, "sockets", "rdm") >= 0);
	int shm = find_entry(&info, "shm", "rdm");
	assert_true(shm >= 0);
	assert_string_equal(info.entries[shm].addr_format, "FI_ADDR_STR");
	assert_string_equal(info.entries[tcp].protocol, "FI_PROTO_RXM");
	assert_true(strncmp(info.entries[tcp].addr_format, "FI_SOCKADDR", 11) == 0);
	/* Provider versions follow the library's: 1.17 reports 117.0. */
	assert_int_equal(FI_MAJOR(info.entries[shm].prov_version),
	                 FI_MAJOR(info.lib_version) * 100 + FI_MINOR(info.lib_version));
	assert_true(info.entries[tcp].max_msg_size > 1 << 20);

	int loopback = 0;
	for (size_t i = 0; i < info.nentries; i++)
		loopback |= strcmp(info.entries[i].domain, "lo") == 0 &&
		            strcmp(info.entries[i].provider, "tcp;ofi_rxm") == 0;
	assert_true(loopback);

	char list[512];
	size_t n = fabric_list_providers(&info, "rdm", list, sizeof list);
	assert_true(n >= 3);
	assert_true(has_item(list, "tcp;ofi_rxm"));
	assert_true(has_item(list, "shm"));
	assert_true(has_item(list, "sockets"));
	assert_false(has_item(list, "tcp")); /* tcp alone is msg only */
	assert_false(has_item(list, "udp")); /* udp alone is dgram only */
	size_t all = fabric_list_providers(&info, NULL, list, sizeof list);
	assert_true(all > n);
	assert_true(has_item(list, "tcp") && has_item(list, "udp"));
	fabric_info_free(&info);
	assert_null(info.entries);
}

static void test_efa_absent_here(void **state)
{
	(void)state;
	fabric_info_t info;
	assert_int_equal(fabric_probe(&info), 0);
	assert_int_equal(info.efa_present, 0);
	assert_int_equal(info.efa_rc, -FI_ENODATA);
	for (size_t i = 0; i < info.nentries; i++)
		assert_false(fabric_entry_has_provider(&info.entries[i], "efa"));

	char *text = fabric_render_text(&info, NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "efa: absent (fi_getinfo for provider efa: No data available, -61)"));
	assert_non_null(strstr(text, "\ntcp;ofi_rxm "));
	assert_non_null(strstr(text, "127.0.0.1/32 (lo)"));
	free(text);

	text = fabric_render_text(&info, "efa");
	assert_non_null(strstr(text, "provider \"efa\" not found; available: "));
	assert_non_null(strstr(text, "shm"));
	assert_null(strstr(text, "\nshm ")); /* no provider rows under the filter */
	free(text);
	fabric_info_free(&info);
}

static cJSON *find_provider(cJSON *provs, const char *name)
{
	cJSON *p;
	cJSON_ArrayForEach(p, provs)
		if (strcmp(cJSON_GetObjectItem(p, "name")->valuestring, name) == 0) return p;
	return NULL;
}

static void test_json_shape(void **state)
{
	(void)state;
	fabric_info_t info;
	assert_int_equal(fabric_probe(&info), 0);
	cJSON *j = fabric_to_json(&info, NULL);
	char *s = cJSON_PrintUnformatted(j);
	cJSON *root = cJSON_Parse(s); /* what a consumer sees */
	free(s);
	cJSON_Delete(j);
	assert_non_null(root);

	assert_true(cJSON_IsString(cJSON_GetObjectItem(root, "libfabric")));
	assert_int_equal(strncmp(cJSON_GetObjectItem(root, "libfabric")->valuestring, "1.", 2), 0);
	cJSON *efa = cJSON_GetObjectItem(root, "efa");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(efa, "present")));
	assert_int_equal(cJSON_GetObjectItem(efa, "fi_getinfo")->valueint, -61);
	assert_non_null(strstr(cJSON_GetObjectItem(efa, "detail")->valuestring, "absent"));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(root, "error"))); /* not failed: null */

	cJSON *entries = cJSON_GetObjectItem(root, "entries");
	assert_int_equal(cJSON_GetArraySize(entries), (int)info.nentries);
	cJSON *e;
	static const char *const fields[] = { "provider", "fabric", "domain", "ep_type",
	                                      "protocol", "addr_format", "version",
	                                      "api_version" };
	cJSON_ArrayForEach(e, entries) {
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			assert_true(cJSON_IsString(cJSON_GetObjectItem(e, fields[k])));
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(e, "max_msg_size")));
		assert_true(cJSON_IsNumber(cJSON_GetObjectItem(e, "inject_size")));
	}

	cJSON *provs = cJSON_GetObjectItem(root, "providers");
	cJSON *shm = find_provider(provs, "shm");
	assert_non_null(shm);
	assert_string_equal(cJSON_GetObjectItem(shm, "version")->valuestring, "117.0");
	cJSON *eps = cJSON_GetObjectItem(shm, "endpoints");
	assert_int_equal(cJSON_GetArraySize(eps), 1);
	assert_string_equal(cJSON_GetArrayItem(eps, 0)->valuestring, "rdm");
	cJSON *sockets = find_provider(provs, "sockets");
	assert_non_null(sockets);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(sockets, "endpoints")), 3);
	cJSON *fabrics = cJSON_GetObjectItem(find_provider(provs, "tcp;ofi_rxm"), "fabrics");
	int lo = 0;
	cJSON_ArrayForEach(e, fabrics) lo |= strcmp(e->valuestring, "127.0.0.1/32") == 0;
	assert_true(lo);
	assert_null(find_provider(provs, "efa"));
	cJSON_Delete(root);

	/* A filter keeps only that provider's entries. */
	j = fabric_to_json(&info, "shm");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "entries"))
		assert_string_equal(cJSON_GetObjectItem(e, "provider")->valuestring, "shm");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "providers")), 1);
	cJSON_Delete(j);
	fabric_info_free(&info);
}

static void test_provider_names(void **state)
{
	(void)state;
	fabric_entry_t e;
	memset(&e, 0, sizeof e);
	snprintf(e.provider, sizeof e.provider, "tcp;ofi_rxm");
	assert_true(fabric_entry_has_provider(&e, "tcp;ofi_rxm"));
	assert_true(fabric_entry_has_provider(&e, "tcp"));
	assert_true(fabric_entry_has_provider(&e, "ofi_rxm"));
	assert_false(fabric_entry_has_provider(&e, "tc"));
	assert_false(fabric_entry_has_provider(&e, "shm"));
	snprintf(e.provider, sizeof e.provider, "efa");
	assert_true(fabric_entry_has_provider(&e, "efa"));
	snprintf(e.provider, sizeof e.provider, "efa-direct");
	assert_false(fabric_entry_has_provider(&e, "efa"));

	char v[16];
	fabric_version_str(FI_VERSION(117, 0), v, sizeof v);
	assert_string_equal(v, "117.0");
	fabric_version_str(FI_VERSION(1, 17), v, sizeof v);
	assert_string_equal(v, "1.17");
}

/* The same verdict when efa is there: a probe result built by hand. */
static void test_efa_present_rendering(void **state)
{
	(void)state;
	fabric_entry_t ents[2];
	memset(ents, 0, sizeof ents);
	snprintf(ents[0].provider, sizeof ents[0].provider, "efa");
	snprintf(ents[0].fabric, sizeof ents[0].fabric, "efa");
	snprintf(ents[0].domain, sizeof ents[0].domain, "rdmap16s27-rdm");
	snprintf(ents[0].ep_type, sizeof ents[0].ep_type, "rdm");
	ents[0].prov_version = FI_VERSION(117, 0);
	ents[1] = ents[0];
	snprintf(ents[1].domain, sizeof ents[1].domain, "rdmap16s27-dgrm");
	snprintf(ents[1].ep_type, sizeof ents[1].ep_type, "dgram");
	fabric_info_t info = { .entries = ents, .nentries = 2, .lib_version = FI_VERSION(1, 17),
	                       .efa_present = 1 };
	char *text = fabric_render_text(&info, NULL);
	assert_non_null(strstr(text, "efa: present\n"));
	assert_non_null(strstr(text, "efa (rdmap16s27-rdm)"));
	assert_non_null(strstr(text, "efa (rdmap16s27-dgrm)"));
	free(text);
	cJSON *j = fabric_to_json(&info, NULL);
	cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "providers"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(p, "endpoints")), 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(p, "fabrics")), 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "efa"), "present")));
	cJSON_Delete(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_finds_local_providers),
		cmocka_unit_test(test_efa_absent_here),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_provider_names),
		cmocka_unit_test(test_efa_present_rendering),
	};
	return cmocka_run_group_tests_name("fabric", tests, NULL, NULL);
}

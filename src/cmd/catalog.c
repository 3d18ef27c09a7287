/* `nixl-tui catalog [--json]`: the instance types nixl-tui knows, as a table or a JSON
 * array of objects (one per type, the catalog_instance_t fields). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "catalog/catalog.h"
#include "cmd/cmd.h"

static const char *const kind_names[] = {
	[CATALOG_ACCEL_NVIDIA] = "gpu",
	[CATALOG_ACCEL_TRAINIUM] = "trainium",
	[CATALOG_ACCEL_INFERENTIA] = "inferentia",
};

static int print_json(const catalog_instance_t *list, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < n; i++) {
		const catalog_instance_t *it = &list[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(a, o)) { cJSON_Delete(o); cJSON_Delete(a); a = NULL; break; }
		cJSON_AddStringToObject(o, "instanceType", it->name);
		cJSON_AddStringToObject(o, "series", it->series);
		cJSON_AddStringToObject(o, "accelerator", it->accelerator);
		cJSON_AddStringToObject(o, "acceleratorKind", kind_names[it->kind]);
		cJSON_AddNumberToObject(o, "acceleratorCount", it->accel_count);
		cJSON_AddNumberToObject(o, "acceleratorMemoryGiB", it->accel_mem_gib);
		cJSON_AddNumberToObject(o, "vcpus", it->vcpus);
		cJSON_AddNumberToObject(o, "memoryGiB", it->mem_gib);
		cJSON_AddNumberToObject(o, "maxEfaInterfaces", it->efa_max);
		cJSON_AddNumberToObject(o, "networkCards", it->network_cards);
		cJSON_AddNumberToObject(o, "networkGbps", it->network_gbps);
		cJSON_AddNumberToObject(o, "recommendedVolumeGB", it->root_volume_gb);
		cJSON_AddStringToObject(o, "use", it->use);
	}
	char *text = a ? cJSON_Print(a) : NULL;
	cJSON_Delete(a);
	if (!text) {
		fprintf(stderr, "nixl-tui catalog: out of memory\n");
		return 1;
	}
	puts(text);
	free(text);
	return 0;
}

int cmd_catalog(cli_t *cli)
{
	if (cli->nargs > 0) {
		fprintf(stderr, "nixl-tui catalog: unexpected argument \"%s\"\n", cli->args[0]);
		return 2;
	}
	size_t n;
	const catalog_instance_t *list = catalog_list(&n);
	if (cli->json) return print_json(list, n);
	printf("%-15s %-34s %10s %5s %6s %4s %6s %7s  %s\n", "TYPE", "ACCELERATOR", "ACC MEM",
	       "VCPU", "RAM", "EFA", "GBPS", "VOLUME", "USE");
	for (size_t i = 0; i < n; i++) {
		const catalog_instance_t *it = &list[i];
		char acc[64], mem[32];
		snprintf(acc, sizeof acc, "%d x %s", it->accel_count, it->accelerator);
		snprintf(mem, sizeof mem, "%d GiB", it->accel_count * it->accel_mem_gib);
		printf("%-15s %-34s %10s %5d %6d %4d %6d %4d GB  %s%s\n", it->name, acc, mem, it->vcpus,
		       it->mem_gib, it->efa_max, it->network_gbps, it->root_volume_gb, it->use,
		       strcmp(it->name, CATALOG_DEFAULT_TYPE) == 0 ? " (default)" : "");
	}
	return 0;
}

/* The deployment configuration from outside text: ./cdk.json (a repo's, so anyone's),
 * ./cdk.context.json, the user config file and `-c key=value` flags, through the same
 * settings and validation code the commands run. The input is split at NUL bytes:
 * cdk.json, cdk.context.json, the user file, then one flag per part. */
#include "fuzz.h"

#include <stdio.h>

#include "catalog/config.h"
#include "core/settings.h"

#define MAX_FLAGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	if (!devnull && !(devnull = fopen("/dev/null", "w"))) return 0;
	char *text = fuzz_cstr(data, size);
	if (!text) return 0;
	const char *part[3 + MAX_FLAGS];
	size_t nparts = 0;
	for (const char *p = text; p <= text + size && nparts < 3 + MAX_FLAGS; p += strlen(p) + 1)
		part[nparts++] = p;

	config_t cfg;
	config_diags_t diags;
	config_init(&cfg);
	memset(&diags, 0, sizeof diags);
	static const config_source_t files[] = {CONFIG_SRC_CDK_JSON, CONFIG_SRC_CDK_CONTEXT,
	                                        CONFIG_SRC_USER_FILE};
	for (size_t i = 0; i < nparts && i < 3; i++)
		settings_apply_text(&cfg, part[i], "fuzz.json", files[i], &diags);
	settings_env_t env = {NULL, NULL, NULL};
	if (nparts > 3) settings_load(&cfg, &env, part + 3, nparts - 3, &diags);

	char name[256];
	config_validate(&cfg, "us-east-1", &diags);
	config_validate(&cfg, NULL, &diags);
	config_stack_name(&cfg, "us-east-1", name, sizeof name);
	config_int(&cfg, CONFIG_VOLUME_SIZE);
	config_int(&cfg, CONFIG_NODE_COUNT);
	config_use_capacity_block(&cfg);
	settings_report(devnull, &diags, 0);
	config_diags_free(&diags);
	config_free(&cfg);
	free(text);
	return 0;
}

/* `nixl-tui config [-c key=value ...] [--json]`: every configuration key with its
 * effective value and where it came from, the stack name, and the diagnostics.
 * Exit 1 when there are errors. --json: {"region", "regionSource", "stackName",
 * "values": {key: {"value", "source", "origin"}}, "diagnostics": [{"severity", "key",
 * "message", "needsAck"}]}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/jsonobj.h"
#include "base/textsafe.h"
#include "catalog/catalog.h"
#include "catalog/config.h"
#include "cmd/cmd.h"
#include "cmd/common.h"
#include "core/settings.h"

/* The value shown for a key; volumeSize's default depends on the instance type. */
static const char *shown_value(const config_t *cfg, config_key_t k, char *buf, size_t len)
{
	const char *v = config_get(cfg, k);
	if (!v && k == CONFIG_VOLUME_SIZE) {
		snprintf(buf, len, "%ld", config_int(cfg, k));
		return buf;
	}
	return v;
}

static const char *shown_source(const config_t *cfg, config_key_t k)
{
	return cfg->value[k] ? config_source_name(cfg->source[k]) : config_source_name(CONFIG_SRC_DEFAULT);
}

static void print_json(const config_t *cfg, const char *region, const char *from,
                      const char *stack, const config_diags_t *d)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddItemToObject(root, "region", region ? cJSON_CreateString(region) : cJSON_CreateNull());
	cJSON_AddItemToObject(root, "regionSource", from ? cJSON_CreateString(from) : cJSON_CreateNull());
	cJSON_AddItemToObject(root, "stackName", stack ? cJSON_CreateString(stack) : cJSON_CreateNull());
	cJSON *values = cJSON_AddObjectToObject(root, "values");
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		char buf[32];
		const char *v = shown_value(cfg, (config_key_t)k, buf, sizeof buf);
		cJSON *o = cJSON_AddObjectToObject(values, config_key_name((config_key_t)k));
		cJSON_AddItemToObject(o, "value", v ? cJSON_CreateString(v) : cJSON_CreateNull());
		cJSON_AddStringToObject(o, "source", shown_source(cfg, (config_key_t)k));
		json_add_text(o, "origin", cfg->value[k] ? cfg->origin[k] : NULL); /* null: a default */
	}
	cJSON *diags = cJSON_AddArrayToObject(root, "diagnostics");
	for (size_t i = 0; i < d->n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(diags, o);
		cJSON_AddStringToObject(o, "severity", d->items[i].severity == CONFIG_ERROR ? "error" : "warning");
		cJSON_AddStringToObject(o, "key", d->items[i].key);
		cJSON_AddStringToObject(o, "message", d->items[i].message);
		cJSON_AddBoolToObject(o, "needsAck", d->items[i].needs_ack);
	}
	cmd_print_json(root, 1);
	cJSON_Delete(root);
}

static void print_table(const config_t *cfg, const char *region, const char *from,
                        const char *stack)
{
	printf("%-24s %-28s %s\n", "KEY", "VALUE", "SOURCE");
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		char buf[32], src[300];
		const char *v = shown_value(cfg, (config_key_t)k, buf, sizeof buf);
		snprintf(src, sizeof src, "%s", shown_source(cfg, (config_key_t)k));
		if (cfg->value[k] && cfg->origin[k] && cfg->source[k] != CONFIG_SRC_FLAG)
			snprintf(src, sizeof src, "%s (%s)", config_source_name(cfg->source[k]), cfg->origin[k]);
		else if (!cfg->value[k] && k == CONFIG_VOLUME_SIZE)
			snprintf(src, sizeof src, "default (recommended for %s)", config_instance_type(cfg));
		/* values and their origins come from cdk.json and -c: made inert */
		textsafe_printf(stdout, "%-24s %-28s %s\n", config_key_name((config_key_t)k), v ? v : "-", src);
	}
	if (region)
		textsafe_printf(stdout, "\nregion:     %s (%s)\n", region, from);
	else
		printf("\nregion:     not set (use --region, AWS_REGION or a profile region)\n");
	textsafe_printf(stdout, "stack name: %s\n", stack ? stack : "needs a region (or stackName, or a branch)");
}

int cmd_config(cli_t *cli)
{
	cmd_settings_t st;
	if (cmd_settings_open(&st, cli, "config") != 0) return 2;
	char stack[256];
	const char *name = config_stack_name(&st.cfg, st.region, stack, sizeof stack) > 0 ? stack : NULL;
	if (cli->json) {
		print_json(&st.cfg, st.region, st.from, name, &st.diags);
	} else {
		print_table(&st.cfg, st.region, st.from, name);
		if (st.diags.n) printf("\n");
		fflush(stdout);
		settings_report(stdout, &st.diags, 1);
	}
	int rc = config_diags_count(&st.diags, CONFIG_ERROR) ? 1 : 0;
	cmd_settings_close(&st);
	return rc;
}

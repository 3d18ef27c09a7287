#include "core/settings.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* cdk.json and config.json are a few KB; past this it is not a settings file */
#define SETTINGS_FILE_MAX (16u << 20)

#include "aws/creds.h"
#include "aws/endpoints.h"
#include "base/file.h"
#include "base/textsafe.h"

void settings_env_default(settings_env_t *env, char *pathbuf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	env->workdir = ".";
	env->deployment_id = getenv("DEPLOYMENT_ID");
	env->user_config = NULL;
	int n = -1;
	if (xdg && *xdg)
		n = snprintf(pathbuf, len, "%s/nixl-tui/config.json", xdg);
	else if (home && *home)
		n = snprintf(pathbuf, len, "%s/.config/nixl-tui/config.json", home);
	if (n > 0 && (size_t)n < len) env->user_config = pathbuf;
}

static int line_of(const char *text, const char *at)
{
	int line = 1;
	for (const char *p = text; at && p < at && *p; p++) line += *p == '\n';
	return line;
}

/* Parses text (the contents of path) as JSON; NULL when broken (error added). */
static cJSON *parse_json(const char *text, const char *path, config_diags_t *diags)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
	if (!root)
		config_diag_add(diags, CONFIG_ERROR, 0, NULL, "%s is not valid JSON (line %d)", path,
		                line_of(text, end ? end : cJSON_GetErrorPtr()));
	else if (!cJSON_IsObject(root)) {
		config_diag_add(diags, CONFIG_ERROR, 0, NULL, "%s must hold a JSON object", path);
		cJSON_Delete(root);
		root = NULL;
	}
	return root;
}

/* A JSON scalar as the string the flags would give; 0, or -1 for objects and arrays.
 * *out is NULL for null (the key is then left alone). */
static int scalar_text(const cJSON *v, char *buf, size_t len, const char **out)
{
	*out = NULL;
	if (cJSON_IsString(v)) *out = v->valuestring;
	else if (cJSON_IsBool(v)) *out = cJSON_IsTrue(v) ? "true" : "false";
	else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		/* beyond long long the cast is undefined; such numbers keep their %g form */
		if (d >= -0x1p63 && d < 0x1p63 && d == (double)(long long)d)
			snprintf(buf, len, "%lld", (long long)d);
		else snprintf(buf, len, "%g", d);
		*out = buf;
	} else if (!cJSON_IsNull(v)) {
		return -1;
	}
	return 0;
}

/* Applies an object's members. strict: unknown keys are errors (our own file);
 * otherwise they are someone else's (CDK) and ignored. */
static void apply_object(config_t *cfg, const cJSON *obj, config_source_t src, const char *path,
                         int strict, config_diags_t *diags)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, obj) {
		if (!strict && config_key_lookup(m->string) < 0) {
			const char *hint = strpbrk(m->string, "@:/") ? NULL : config_suggest_key(m->string);
			if (hint)
				config_diag_add(diags, CONFIG_WARNING, 0, m->string,
				                "%s: context key \"%s\" is not used by nixl-tui (did you mean %s?)",
				                path, m->string, hint);
			continue;
		}
		char num[64];
		const char *text;
		if (scalar_text(m, num, sizeof num, &text) < 0) {
			config_diag_add(diags, CONFIG_ERROR, 0, m->string,
			                "%s: %s must be a string, number or boolean", path, m->string);
			continue;
		}
		if (text) config_set(cfg, m->string, text, src, path, diags);
	}
}

int settings_apply_text(config_t *cfg, const char *text, const char *path, config_source_t src,
                        config_diags_t *diags)
{
	size_t before = config_diags_count(diags, CONFIG_ERROR);
	const char *member = src == CONFIG_SRC_CDK_JSON ? "context" : NULL;
	cJSON *root = parse_json(text, path, diags);
	const cJSON *obj = root && member ? cJSON_GetObjectItemCaseSensitive(root, member) : root;
	if (obj && !cJSON_IsObject(obj))
		config_diag_add(diags, CONFIG_ERROR, 0, member, "%s: \"%s\" must be an object", path,
		                member);
	else if (obj)
		apply_object(cfg, obj, src, path, src == CONFIG_SRC_USER_FILE, diags);
	cJSON_Delete(root);
	return (int)(config_diags_count(diags, CONFIG_ERROR) - before);
}

/* Missing files are skipped silently. */
static void load_file(config_t *cfg, const char *path, config_source_t src, config_diags_t *diags)
{
	char *text;
	size_t len;
	if (file_read(path, SETTINGS_FILE_MAX, &text, &len) < 0) {
		if (errno != ENOENT)
			config_diag_add(diags, CONFIG_ERROR, 0, NULL, "cannot read %s: %s", path,
			                strerror(errno));
		return;
	}
	settings_apply_text(cfg, text, path, src, diags);
	free(text);
}

int settings_load(config_t *cfg, const settings_env_t *env, const char *const *ctx, size_t nctx,
                  config_diags_t *diags)
{
	size_t before = config_diags_count(diags, CONFIG_ERROR);
	char path[4096];
	if (env->user_config) load_file(cfg, env->user_config, CONFIG_SRC_USER_FILE, diags);
	if (env->workdir) {
		snprintf(path, sizeof path, "%s/cdk.context.json", env->workdir);
		load_file(cfg, path, CONFIG_SRC_CDK_CONTEXT, diags);
		snprintf(path, sizeof path, "%s/cdk.json", env->workdir);
		load_file(cfg, path, CONFIG_SRC_CDK_JSON, diags);
	}
	if (env->deployment_id && *env->deployment_id)
		config_set(cfg, "projectPrefix", env->deployment_id, CONFIG_SRC_ENV, "DEPLOYMENT_ID", diags);
	for (size_t i = 0; i < nctx; i++) {
		const char *eq = strchr(ctx[i], '=');
		char name[128];
		size_t n = eq ? (size_t)(eq - ctx[i]) : strlen(ctx[i]);
		snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), ctx[i]);
		if (!eq || !eq[1]) {
			/* an empty value would silently mean the default: likely an unset shell variable */
			config_diag_add(diags, CONFIG_ERROR, 0, name,
			                "-c %s= has no value; give one, or leave it out to use the default",
			                name);
			continue;
		}
		config_set(cfg, name, eq + 1, CONFIG_SRC_FLAG, "-c", diags);
	}
	return (int)(config_diags_count(diags, CONFIG_ERROR) - before);
}

int settings_resolve(config_t *cfg, const char *const *ctx, size_t nctx, const char *region,
                     config_diags_t *diags)
{
	char path[4096];
	settings_env_t env;
	settings_env_default(&env, path, sizeof path);
	int errors = settings_load(cfg, &env, ctx, nctx, diags);
	return errors + config_validate(cfg, region, diags);
}

int settings_report(FILE *f, const config_diags_t *d, int allow_non_efa)
{
	int unacked = 0;
	for (size_t i = 0; i < d->n; i++) {
		const config_diag_t *g = &d->items[i];
		/* messages quote cdk.json and -c values: made inert */
		textsafe_printf(f, "%s: %s\n", g->severity == CONFIG_ERROR ? "error" : "warning", g->message);
		unacked += g->needs_ack && !allow_non_efa;
	}
	int block = config_diags_block(d, allow_non_efa);
	if (block && !config_diags_count(d, CONFIG_ERROR) && unacked)
		fprintf(f, "refusing to go on: acknowledge the warning above with --allow-non-efa\n");
	return block;
}

char *settings_region(const char *flag, const char *profile, const char **from)
{
	static const char *const vars[] = { "AWS_REGION", "AWS_DEFAULT_REGION" };
	aws_error_t err;
	memset(&err, 0, sizeof err);
	char *r = aws_region_resolve(flag, profile, &err);
	*from = NULL;
	if (!r) return NULL;
	*from = "profile";
	if (flag && *flag) {
		*from = "--region";
		return r;
	}
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v) {
			*from = vars[i];
			break;
		}
	}
	return r;
}

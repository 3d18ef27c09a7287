#include "catalog/config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/editdist.h"
#include "base/grow.h"
#include "catalog/catalog.h"

typedef void (*check_fn)(const config_t *cfg, config_key_t key, const char *v, const char *region,
                         config_diags_t *d);

static void check_instance_type(const config_t *, config_key_t, const char *, const char *,
                                config_diags_t *);
static void check_volume(const config_t *, config_key_t, const char *, const char *,
                         config_diags_t *);
static void check_port(const config_t *, config_key_t, const char *, const char *,
                       config_diags_t *);
static void check_az(const config_t *, config_key_t, const char *, const char *,
                     config_diags_t *);
static void check_resource_id(const config_t *, config_key_t, const char *, const char *,
                              config_diags_t *);
static void check_key_name(const config_t *, config_key_t, const char *, const char *,
                           config_diags_t *);
static void check_capacity_block(const config_t *, config_key_t, const char *, const char *,
                                 config_diags_t *);
static void check_name_part(const config_t *, config_key_t, const char *, const char *,
                            config_diags_t *);
static void check_git_hash(const config_t *, config_key_t, const char *, const char *,
                           config_diags_t *);
static void check_stack_name(const config_t *, config_key_t, const char *, const char *,
                             config_diags_t *);
static void check_node_count(const config_t *, config_key_t, const char *, const char *,
                             config_diags_t *);
static void check_arn(const config_t *, config_key_t, const char *, const char *,
                      config_diags_t *);

static const struct keydef {
	const char *name;
	const char *def;      /* default, NULL when none */
	check_fn check;       /* run on set, non-empty values */
	const char *help;
} keys[CONFIG_KEY_COUNT] = {
	[CONFIG_INSTANCE_TYPE] = { "instanceType", CATALOG_DEFAULT_TYPE, check_instance_type,
		"EC2 instance type of every node" },
	[CONFIG_VOLUME_SIZE] = { "volumeSize", NULL, check_volume,
		"root volume, GiB (default: the catalog's recommendation)" },
	[CONFIG_VLLM_PORT] = { "vllmPort", "8100", check_port, "vLLM port opened to the VPC" },
	[CONFIG_AVAILABILITY_ZONE] = { "availabilityZone", NULL, check_az,
		"availability zone of the nodes (e.g. us-east-1a)" },
	[CONFIG_VPC_ID] = { "vpcId", NULL, check_resource_id, "VPC (default: the default VPC)" },
	[CONFIG_SUBNET_ID] = { "subnetId", NULL, check_resource_id,
		"subnet (default: the VPC's default subnet in the zone)" },
	[CONFIG_KEY_NAME] = { "keyName", NULL, check_key_name, "EC2 key pair (optional)" },
	[CONFIG_USE_CAPACITY_BLOCK] = { "useCapacityBlock", "false", check_capacity_block,
		"launch into a Capacity Block (needs capacityReservationId)" },
	[CONFIG_CAPACITY_RESERVATION_ID] = { "capacityReservationId", NULL, check_resource_id,
		"capacity reservation or Capacity Block to launch into" },
	[CONFIG_ENVIRONMENT] = { "environment", "dev", check_name_part,
		"environment name (stack name, tags)" },
	[CONFIG_PROJECT_PREFIX] = { "projectPrefix", NULL, check_name_part,
		"prefix of the stack name (env DEPLOYMENT_ID)" },
	[CONFIG_BRANCH] = { "branch", NULL, NULL, "git branch; other than main/master names the stack" },
	[CONFIG_GIT_HASH] = { "gitHash", NULL, check_git_hash, "git commit, appended to branch stacks" },
	[CONFIG_STACK_NAME] = { "stackName", NULL, check_stack_name, "stack name override" },
	[CONFIG_NODE_COUNT] = { "nodeCount", "2", check_node_count, "number of nodes, " NIXL_STR(NIXL_MIN_NODES) ".." NIXL_STR(NIXL_MAX_NODES) },
	[CONFIG_MLFLOW_TRACKING_SERVER_ARN] = { "mlflowTrackingServerArn", NULL, check_arn,
		"SageMaker MLflow tracking server the nodes may use" },
	[CONFIG_MLFLOW_ARTIFACT_BUCKET_ARN] = { "mlflowArtifactBucketArn", NULL, check_arn,
		"S3 bucket of the MLflow artifacts" },
};

void config_init(config_t *cfg)
{
	memset(cfg, 0, sizeof *cfg);
}

void config_free(config_t *cfg)
{
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		free(cfg->value[k]);
		free(cfg->origin[k]);
	}
	memset(cfg, 0, sizeof *cfg);
}

const char *config_key_name(config_key_t key) { return keys[key].name; }
const char *config_key_default(config_key_t key) { return keys[key].def ? keys[key].def : ""; }
const char *config_key_help(config_key_t key) { return keys[key].help; }

int config_key_lookup(const char *name)
{
	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		if (strcmp(keys[k].name, name) == 0) return k;
	return -1;
}

const char *config_source_name(config_source_t src)
{
	static const char *const names[] = {
		[CONFIG_SRC_DEFAULT] = "default", [CONFIG_SRC_USER_FILE] = "config file",
		[CONFIG_SRC_CDK_CONTEXT] = "cdk.context.json", [CONFIG_SRC_CDK_JSON] = "cdk.json",
		[CONFIG_SRC_ENV] = "environment", [CONFIG_SRC_FLAG] = "-c flag",
	};
	return names[src];
}

const char *config_suggest_key(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		size_t d = edit_distance(name, keys[k].name, EDIT_FOLD_CASE);
		size_t limit = strlen(keys[k].name) / 3;
		if (limit < 2) limit = 2;
		if (d <= limit && d < best_d) {
			best = keys[k].name;
			best_d = d;
		}
	}
	return best;
}

/* A value quoted back in a message: at most ECHO_MAX characters, cut with "...", so the
 * message (config_diag_t.message) always keeps its reason. Use with "%.*s%s". */
#define ECHO_MAX 100
#define ECHO(v) (int)(strlen(v) > ECHO_MAX ? ECHO_MAX - 3 : strlen(v)), (v), \
	(strlen(v) > ECHO_MAX ? "..." : "")

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int config_set(config_t *cfg, const char *name, const char *value, config_source_t src,
               const char *origin, config_diags_t *diags)
{
	int k = config_key_lookup(name);
	if (k < 0) {
		const char *hint = config_suggest_key(name);
		char where[200] = " given with -c";
		if (src != CONFIG_SRC_FLAG)
			snprintf(where, sizeof where, " in %s", origin ? origin : config_source_name(src));
		if (hint)
			config_diag_add(diags, CONFIG_ERROR, 0, name,
			                "unknown key \"%.*s%s\"%s (did you mean %s?)", ECHO(name), where, hint);
		else
			config_diag_add(diags, CONFIG_ERROR, 0, name,
			                "unknown key \"%.*s%s\"%s (see `nixl-tui config` for the keys)",
			                ECHO(name), where);
		return -1;
	}
	if (cfg->value[k] && src < cfg->source[k]) return 0;
	free(cfg->value[k]);
	free(cfg->origin[k]);
	cfg->value[k] = strdup(value ? value : "");
	cfg->origin[k] = dup_or_null(origin);
	cfg->source[k] = src;
	return 0;
}

const char *config_get(const config_t *cfg, config_key_t key)
{
	const char *v = cfg->value[key];
	if (v && *v) return v;
	return keys[key].def;
}

/* Strict decimal parse: digits only, no sign, no overflow past 9 digits. */
static int parse_uint(const char *s, long *out)
{
	if (!s || !*s || strlen(s) > 9) return -1;
	long v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9') return -1;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}

const char *config_instance_type(const config_t *cfg)
{
	return config_get(cfg, CONFIG_INSTANCE_TYPE);
}

long config_int(const config_t *cfg, config_key_t key)
{
	long v;
	if (parse_uint(config_get(cfg, key), &v) == 0) return v;
	if (key == CONFIG_VOLUME_SIZE) return catalog_recommended_volume_gb(config_instance_type(cfg));
	if (keys[key].def && parse_uint(keys[key].def, &v) == 0) return v;
	return 0;
}

/* 1 true, 0 false, -1 not a boolean. */
static int parse_bool(const char *s)
{
	static const struct { const char *word; int v; } words[] = {
		{ "true", 1 }, { "1", 1 }, { "false", 0 }, { "0", 0 },
	};
	for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].word) == 0) return words[i].v;
	return -1;
}

int config_use_capacity_block(const config_t *cfg)
{
	return parse_bool(config_get(cfg, CONFIG_USE_CAPACITY_BLOCK)) == 1;
}

/* ---- diagnostics ---- */

void config_diag_add(config_diags_t *d, config_severity_t sev, int needs_ack, const char *key,
                     const char *fmt, ...)
{
	if (grow_array((void **)&d->items, &d->cap, d->n + 1, sizeof *d->items, 8) < 0) return;
	config_diag_t *g = &d->items[d->n++];
	memset(g, 0, sizeof *g);
	g->severity = sev;
	g->needs_ack = needs_ack;
	snprintf(g->key, sizeof g->key, "%s", key ? key : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->message, sizeof g->message, fmt, ap);
	va_end(ap);
}

void config_diags_free(config_diags_t *d)
{
	free(d->items);
	memset(d, 0, sizeof *d);
}

size_t config_diags_count(const config_diags_t *d, config_severity_t sev)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) n += d->items[i].severity == sev;
	return n;
}

int config_diags_block(const config_diags_t *d, int allow_non_efa)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->items[i].severity == CONFIG_ERROR) return 1;
		if (d->items[i].needs_ack && !allow_non_efa) return 1;
	}
	return 0;
}

/* ---- rules ---- */

#define KEY(k) keys[k].name


static void check_instance_type(const config_t *cfg, config_key_t key, const char *v,
                                const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	if (!catalog_is_valid_type_name(v)) {
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" is not an EC2 instance type (expected family.size, e.g. %s)",
		                KEY(key), ECHO(v), CATALOG_DEFAULT_TYPE);
		return;
	}
	const catalog_instance_t *it = catalog_lookup(v);
	if (!it)
		config_diag_add(d, CONFIG_WARNING, 1, KEY(key),
		                "%s %.*s%s is not in the nixl-tui catalog, so its EFA support is unknown; "
		                "pass --allow-non-efa to use it anyway", KEY(key), ECHO(v));
	else if (it->efa_max == 0)
		config_diag_add(d, CONFIG_WARNING, 1, KEY(key),
		                "%s %s has no EFA: the nodes will talk over TCP only; pass "
		                "--allow-non-efa to use it anyway", KEY(key), v);
}

static void check_volume(const config_t *cfg, config_key_t key, const char *v,
                         const char *region, config_diags_t *d)
{
	(void)region;
	long gb;
	if (parse_uint(v, &gb) < 0) {
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s must be a whole number of GiB, got \"%.*s%s\"", KEY(key), ECHO(v));
		return;
	}
	if (gb < 1 || gb > 16384) {
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s %ld is outside the gp3 range of 1 to 16384 GiB", KEY(key), gb);
		return;
	}
	const char *type = config_instance_type(cfg);
	long rec = catalog_recommended_volume_gb(type);
	if (gb * 5 < rec * 4)
		config_diag_add(d, CONFIG_WARNING, 0, KEY(key),
		                "%s %ld GiB is more than 20%% under the %ld GiB recommended for %s "
		                "(models and caches may not fit)", KEY(key), gb, rec, type);
}

static void check_port(const config_t *cfg, config_key_t key, const char *v, const char *region,
                       config_diags_t *d)
{
	(void)cfg;
	(void)region;
	long port;
	if (parse_uint(v, &port) < 0 || port < 1 || port > 65535)
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s must be a TCP port from 1 to 65535, got \"%.*s%s\"", KEY(key), ECHO(v));
	else if (port == 22)
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s cannot be 22: port 22 (SSH) stays closed, nodes are reached through SSM",
		                KEY(key));
}

static int all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i])) return 0;
	return 1;
}

static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
static const char digits[] = "0123456789";
static const char hex[] = "0123456789abcdef";

/* Zone names: region (letters and hyphens, then a number) plus one letter, e.g.
 * us-east-1a, us-gov-west-1b, ap-southeast-2c; local zones like us-west-2-lax-1a. */
static int az_shape(const char *v)
{
	size_t n = strlen(v);
	if (n < 6 || !strchr(lower, v[n - 1]) || !strchr(digits, v[n - 2])) return 0;
	if (!all_of(v, 2, lower) || v[2] != '-') return 0;
	for (size_t i = 3; i < n - 1; i++)
		if (!strchr(lower, v[i]) && !strchr(digits, v[i]) && v[i] != '-') return 0;
	return 1;
}

static void check_az(const config_t *cfg, config_key_t key, const char *v, const char *region,
                     config_diags_t *d)
{
	(void)cfg;
	if (!az_shape(v)) {
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" is not an availability zone name (e.g. us-east-1a)", KEY(key),
		                ECHO(v));
		return;
	}
	size_t rl = region ? strlen(region) : 0;
	if (region && (strncmp(v, region, rl) != 0 || v[rl] == 0 || !strchr(lower, v[rl])))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key), "%s %.*s%s is not in region %s", KEY(key),
		                ECHO(v), region);
}

static void check_resource_id(const config_t *cfg, config_key_t key, const char *v,
                              const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	static const struct { config_key_t key; const char *prefix; int short_ok; } shapes[] = {
		{ CONFIG_VPC_ID, "vpc-", 1 },
		{ CONFIG_SUBNET_ID, "subnet-", 1 },
		{ CONFIG_CAPACITY_RESERVATION_ID, "cr-", 0 },
	};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
		if (shapes[i].key != key) continue;
		size_t pl = strlen(shapes[i].prefix), n = strlen(v) - (strlen(v) >= pl ? pl : 0);
		int ok = strncmp(v, shapes[i].prefix, pl) == 0 &&
		         (n == 17 || (shapes[i].short_ok && n == 8)) && all_of(v + pl, n, hex);
		if (!ok)
			config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
			                "%s \"%.*s%s\" is not a valid id (expected %s followed by %s hex digits)",
			                KEY(key), ECHO(v), shapes[i].prefix, shapes[i].short_ok ? "8 or 17" : "17");
	}
}

static void check_key_name(const config_t *cfg, config_key_t key, const char *v,
                           const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	size_t n = strlen(v);
	int printable = 1;
	for (size_t i = 0; i < n && printable; i++)
		printable = (unsigned char)v[i] >= 0x20 && (unsigned char)v[i] <= 0x7e;
	if (!printable || n > 255) {
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s must be at most 255 printable ASCII characters", KEY(key));
		return;
	}
	config_diag_add(d, CONFIG_WARNING, 0, KEY(key),
	                "%s %s is attached to the nodes, but nixl-tui reaches them through SSM and "
	                "port 22 stays closed", KEY(key), v);
}

static void check_capacity_block(const config_t *cfg, config_key_t key, const char *v,
                                 const char *region, config_diags_t *d)
{
	(void)region;
	int b = parse_bool(v);
	if (b < 0)
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s must be true, false, 1 or 0, got \"%.*s%s\"", KEY(key), ECHO(v));
	else if (b == 1 && !config_get(cfg, CONFIG_CAPACITY_RESERVATION_ID))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s=true needs %s: a Capacity Block is used through its reservation id "
		                "(cr-...)", KEY(key), KEY(CONFIG_CAPACITY_RESERVATION_ID));
}

static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

static void check_name_part(const config_t *cfg, config_key_t key, const char *v,
                            const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	size_t n = strlen(v);
	if (n > 32 || !all_of(v, n, name_chars))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" may only hold letters, digits and hyphens (at most 32)",
		                KEY(key), ECHO(v));
	else if (key == CONFIG_PROJECT_PREFIX && !isalpha((unsigned char)v[0]))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" must start with a letter (it starts the stack name)", KEY(key),
		                ECHO(v));
}

static void check_git_hash(const config_t *cfg, config_key_t key, const char *v,
                           const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	size_t n = strlen(v);
	if (n < 7 || n > 40 || !all_of(v, n, "0123456789abcdefABCDEF"))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" is not a git commit hash (7 to 40 hex digits)", KEY(key),
		                ECHO(v));
}

int config_stack_name_valid(const char *name)
{
	size_t n = strlen(name);
	return n >= 1 && n <= 128 && isalpha((unsigned char)name[0]) && all_of(name, n, name_chars);
}

static void check_stack_name(const config_t *cfg, config_key_t key, const char *v,
                             const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	if (!config_stack_name_valid(v))
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key),
		                "%s \"%.*s%s\" is not a valid stack name (letters, digits and hyphens, "
		                "starting with a letter, at most 128)", KEY(key), ECHO(v));
}

static void check_node_count(const config_t *cfg, config_key_t key, const char *v,
                             const char *region, config_diags_t *d)
{
	(void)cfg;
	(void)region;
	long n;
	if (parse_uint(v, &n) < 0 || n < CONFIG_MIN_NODES || n > CONFIG_MAX_NODES)
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key), "%s must be a whole number from %d to %d, got \"%.*s%s\"",
		                KEY(key), CONFIG_MIN_NODES, CONFIG_MAX_NODES, ECHO(v));
}

/* arn:<partition>:<service>:<region>:<account>:<resource>, with the parts each key needs. */
static void check_arn(const config_t *cfg, config_key_t key, const char *v, const char *region,
                      config_diags_t *d)
{
	(void)cfg;
	(void)region;
	char part[6][128];
	size_t np = 0, len = 0;
	int ok = strncmp(v, "arn:", 4) == 0;
	for (const char *p = v; ok && np < 6; p++) {
		if (*p == ':' && np < 5) {
			part[np++][len] = 0;
			len = 0;
		} else if (*p == 0) {
			part[np++][len] = 0;
			break;
		} else if (len + 1 < sizeof part[0]) {
			part[np][len++] = *p;
		} else {
			ok = 0;
		}
	}
	ok = ok && np == 6 && strncmp(part[1], "aws", 3) == 0;
	if (ok && key == CONFIG_MLFLOW_TRACKING_SERVER_ARN)
		ok = strcmp(part[2], "sagemaker") == 0 && part[3][0] && strlen(part[4]) == 12 &&
		     all_of(part[4], 12, digits) &&
		     strncmp(part[5], "mlflow-tracking-server/", 23) == 0 && part[5][23];
	else if (ok)
		ok = strcmp(part[2], "s3") == 0 && !part[3][0] && !part[4][0] && part[5][0] &&
		     !strchr(part[5], '/');
	if (!ok)
		config_diag_add(d, CONFIG_ERROR, 0, KEY(key), "%s \"%.*s%s\" is not %s", KEY(key), ECHO(v),
		                key == CONFIG_MLFLOW_TRACKING_SERVER_ARN
		                        ? "a tracking server ARN (arn:aws:sagemaker:REGION:ACCOUNT:"
		                          "mlflow-tracking-server/NAME)"
		                        : "a bucket ARN (arn:aws:s3:::BUCKET)");
}

int config_validate(const config_t *cfg, const char *region, config_diags_t *diags)
{
	size_t before = config_diags_count(diags, CONFIG_ERROR);
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		const char *v = cfg->value[k];
		size_t n = v ? strlen(v) : 0;
		/* every value ends up in the template, a tag or the stack name: a huge one is
		 * named here rather than surfacing as some later limit (template size) */
		if (n > CONFIG_VALUE_MAX)
			config_diag_add(diags, CONFIG_ERROR, 0, keys[k].name,
			                "%s is %zu characters long; it may have at most %d", keys[k].name, n,
			                CONFIG_VALUE_MAX);
		else if (n && keys[k].check)
			keys[k].check(cfg, (config_key_t)k, v, region, diags);
	}
	if (region && !(cfg->value[CONFIG_STACK_NAME] && *cfg->value[CONFIG_STACK_NAME])) {
		char name[256];
		if (config_stack_name(cfg, region, name, sizeof name) < 0 || !config_stack_name_valid(name))
			config_diag_add(diags, CONFIG_ERROR, 0, KEY(CONFIG_STACK_NAME),
			                "the stack name \"%.*s%s\" made from %s, %s and the region is not valid; "
			                "set %s", ECHO(name), KEY(CONFIG_PROJECT_PREFIX), KEY(CONFIG_ENVIRONMENT),
			                KEY(CONFIG_STACK_NAME));
	}
	return (int)(config_diags_count(diags, CONFIG_ERROR) - before);
}

/* ---- stack name ---- */

static int is_trunk(const char *branch)
{
	return !branch || !*branch || strcmp(branch, "main") == 0 || strcmp(branch, "master") == 0;
}

int config_stack_name(const config_t *cfg, const char *region, char *buf, size_t len)
{
	const char *override = config_get(cfg, CONFIG_STACK_NAME);
	const char *prefix = config_get(cfg, CONFIG_PROJECT_PREFIX);
	const char *branch = config_get(cfg, CONFIG_BRANCH);
	int n;
	if (len) buf[0] = 0;
	if (override) {
		n = snprintf(buf, len, "%s", override);
	} else if (!is_trunk(branch)) {
		char safe[21];
		size_t i;
		for (i = 0; branch[i] && i < sizeof safe - 1; i++)
			safe[i] = strchr(name_chars, branch[i]) ? branch[i] : '-';
		safe[i] = 0;
		const char *hash = config_get(cfg, CONFIG_GIT_HASH);
		n = snprintf(buf, len, "%s%snixl-efa-%s%s%.7s", prefix ? prefix : "", prefix ? "-" : "",
		             safe, hash ? "-" : "", hash ? hash : "");
	} else {
		if (!region) return -1;
		const char *dash = strchr(region, '-');
		n = snprintf(buf, len, "%s%snixl-efa-%s-%s", prefix ? prefix : "", prefix ? "-" : "",
		             config_get(cfg, CONFIG_ENVIRONMENT), dash ? dash + 1 : region);
	}
	if (n < 0 || (size_t)n >= len) {
		if (len) buf[0] = 0;
		return -1;
	}
	return n;
}

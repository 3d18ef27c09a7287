/* The deployment configuration: the keys users already pass to the CDK stack as context
 * (`-c instanceType=p5.48xlarge`), where each value came from, the validation rules and
 * the stack name. Pure: no I/O (src/core/settings.c reads the files and environment).
 *
 * Use: config_init; config_set for each source (any order: a value only replaces one
 * from a lower-precedence source); config_validate; then read with config_get /
 * config_int / the typed helpers, which fall back to the defaults. */
#ifndef NIXL_CATALOG_CONFIG_H
#define NIXL_CATALOG_CONFIG_H

#include <stddef.h>

#include "base/limits.h"

typedef enum config_key {
	CONFIG_INSTANCE_TYPE,
	CONFIG_VOLUME_SIZE,
	CONFIG_VLLM_PORT,
	CONFIG_AVAILABILITY_ZONE,
	CONFIG_VPC_ID,
	CONFIG_SUBNET_ID,
	CONFIG_KEY_NAME,
	CONFIG_USE_CAPACITY_BLOCK,
	CONFIG_CAPACITY_RESERVATION_ID,
	CONFIG_ENVIRONMENT,
	CONFIG_PROJECT_PREFIX,
	CONFIG_BRANCH,
	CONFIG_GIT_HASH,
	CONFIG_STACK_NAME,
	CONFIG_NODE_COUNT,
	CONFIG_MLFLOW_TRACKING_SERVER_ARN,
	CONFIG_MLFLOW_ARTIFACT_BUCKET_ARN,
	CONFIG_KEY_COUNT
} config_key_t;

/* Where a value came from, lowest precedence first. */
typedef enum config_source {
	CONFIG_SRC_DEFAULT,
	CONFIG_SRC_USER_FILE,    /* ~/.config/nixl-tui/config.json ($XDG_CONFIG_HOME) */
	CONFIG_SRC_CDK_CONTEXT,  /* ./cdk.context.json (flat object) */
	CONFIG_SRC_CDK_JSON,     /* ./cdk.json "context" object */
	CONFIG_SRC_ENV,          /* DEPLOYMENT_ID -> projectPrefix */
	CONFIG_SRC_FLAG,         /* -c key=value */
} config_source_t;

typedef struct config {
	char *value[CONFIG_KEY_COUNT];   /* as given (owned); NULL: not set, default applies */
	config_source_t source[CONFIG_KEY_COUNT];
	char *origin[CONFIG_KEY_COUNT];  /* file path or variable name it came from, or NULL */
} config_t;

/* The longest value any key takes (keyName's 255 is the longest AWS allows). */
#define CONFIG_VALUE_MAX 256
/* nodeCount's range: a pair, up to 16 (the template's and the session's limit). */
#define CONFIG_MIN_NODES NIXL_MIN_NODES
#define CONFIG_MAX_NODES NIXL_MAX_NODES

typedef enum config_severity { CONFIG_ERROR, CONFIG_WARNING } config_severity_t;

typedef struct config_diag {
	config_severity_t severity;
	int needs_ack;          /* warning that blocks until acknowledged with --allow-non-efa */
	char key[40];           /* the key concerned ("" when none) */
	char message[320];      /* one sentence for the user */
} config_diag_t;

typedef struct config_diags {
	config_diag_t *items;
	size_t n, cap;
} config_diags_t;

void config_init(config_t *cfg);
void config_free(config_t *cfg);

/* The key's name as users write it ("instanceType"), its default shown to users
 * ("" when none), and the key for a name (exact, case-sensitive), or -1. */
const char *config_key_name(config_key_t key);
const char *config_key_default(config_key_t key);
const char *config_key_help(config_key_t key);
int config_key_lookup(const char *name);
const char *config_source_name(config_source_t src); /* "flag", "env", "cdk.json", ... */

/* The valid key nearest to name by edit distance, ignoring case, or NULL when none is
 * close enough to be a likely typo. */
const char *config_suggest_key(const char *name);

/* Sets key `name` to value from src (origin: path or variable, may be NULL). A value
 * from a lower-precedence source than the current one is ignored. An unknown name adds
 * an error to diags ("unknown key \"instancetype\" (did you mean instanceType?)") and
 * returns -1; otherwise 0. */
int config_set(config_t *cfg, const char *name, const char *value, config_source_t src,
               const char *origin, config_diags_t *diags);

/* Effective values: the set value or the default (NULL when neither). */
const char *config_get(const config_t *cfg, config_key_t key);
/* Integer keys (volumeSize, vllmPort, nodeCount): the value, or the default when unset
 * or not a number (validation reports the latter). volumeSize defaults to the catalog's
 * recommendation for the instance type. */
long config_int(const config_t *cfg, config_key_t key);
const char *config_instance_type(const config_t *cfg);
int config_use_capacity_block(const config_t *cfg);

/* Checks every rule, appending errors and warnings. region (may be NULL) is the
 * resolved AWS region; the availability zone and the composed stack name are checked
 * against it when given. Returns the number of errors. */
int config_validate(const config_t *cfg, const char *region, config_diags_t *diags);

/* The stack name the users' tooling gives: stackName if set; else, on a branch other
 * than main/master, "[prefix-]nixl-efa-<branch sanitised, max 20>[-<gitHash:7>]"; else
 * "[prefix-]nixl-efa-<environment>-<region without its first part>" (us-east-1 ->
 * east-1). Returns the length, or -1 if it does not fit in len (buf is then "")
 * or region is needed but NULL. */
int config_stack_name(const config_t *cfg, const char *region, char *buf, size_t len);

/* Stack-name rule check (letters, digits, hyphens; starts with a letter; <= 128). */
int config_stack_name_valid(const char *name);

void config_diags_free(config_diags_t *d);
void config_diag_add(config_diags_t *d, config_severity_t sev, int needs_ack, const char *key,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
size_t config_diags_count(const config_diags_t *d, config_severity_t sev);
/* 1 when the diagnostics forbid going on: an error, or a needs_ack warning while
 * allow_non_efa is 0. */
int config_diags_block(const config_diags_t *d, int allow_non_efa);

#endif

/* Loads the deployment configuration from its sources into a config_t (the I/O half of
 * src/catalog/config.h). Precedence, highest first: `-c key=value` flags, the
 * environment (DEPLOYMENT_ID -> projectPrefix), ./cdk.json "context", ./cdk.context.json
 * (a flat object, as the CDK toolkit reads it: cdk.json context wins over it),
 * ~/.config/nixl-tui/config.json ($XDG_CONFIG_HOME honoured; a flat object of keys),
 * then the defaults. */
#ifndef NIXL_CORE_SETTINGS_H
#define NIXL_CORE_SETTINGS_H

#include <stddef.h>
#include <stdio.h>

#include "catalog/config.h"
#include "aws/endpoints.h"

/* Where the sources are; tests point these at temporary files. */
typedef struct settings_env {
	const char *workdir;        /* directory holding cdk.json / cdk.context.json */
	const char *user_config;    /* user config file path, NULL: none */
	const char *deployment_id;  /* $DEPLOYMENT_ID, NULL: unset */
} settings_env_t;

/* The process's sources: ".", $XDG_CONFIG_HOME/nixl-tui/config.json (else
 * $HOME/.config/nixl-tui/config.json), getenv("DEPLOYMENT_ID"). The user config path
 * is written to pathbuf. */
void settings_env_default(settings_env_t *env, char *pathbuf, size_t len);

/* Applies every source to cfg. ctx holds the `-c` flags as "key=value". Missing files
 * are skipped; unreadable or malformed files, unknown keys from the user file or the
 * flags, and values of the wrong JSON type are errors in diags. Keys in the CDK files
 * that are not ours (feature flags, cached lookups) are ignored, with a warning when
 * one looks like a misspelt key of ours. Returns the number of errors added. */
int settings_load(config_t *cfg, const settings_env_t *env, const char *const *ctx, size_t nctx,
                  config_diags_t *diags);

/* Applies one source file's text (NUL-terminated; path names it in messages), as
 * settings_load does after reading the file: the user file and cdk.context.json are
 * flat objects, cdk.json holds the keys under "context"; unknown keys are errors only
 * in the user file. Returns the number of errors added. */
int settings_apply_text(config_t *cfg, const char *text, const char *path, config_source_t src,
                        config_diags_t *diags);

/* The region for validation and the stack name, as the AWS CLI resolves it (flag,
 * AWS_REGION, AWS_DEFAULT_REGION, the profile's region: aws_region_resolve). malloc'd,
 * or NULL when none is configured or it is invalid; *from is "--region", the variable
 * name or "profile". */
char *settings_region(const char *flag, const char *profile, const char **from);

/* The whole chain for a command: the process's sources (settings_env_default), the
 * flags, then config_validate against region (may be NULL). Returns the error count. */
int settings_resolve(config_t *cfg, const char *const *ctx, size_t nctx, const char *region,
                     config_diags_t *diags);

/* Prints diagnostics to f ("error: ...", "warning: ..."). When needs_ack warnings are
 * not acknowledged, adds one line saying the command refuses and naming
 * --allow-non-efa. Returns config_diags_block(d, allow_non_efa). */
int settings_report(FILE *f, const config_diags_t *d, int allow_non_efa);

#endif

/* What the credential files of src/aws share (creds.c, creds_cache.c, ini.c, profile.c,
 * creds_process.c, endpoints.c, creds_fetch.c, sso.c); not for other layers. */
#ifndef NIXL_AWS_CREDS_PRIV_H
#define NIXL_AWS_CREDS_PRIV_H

#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "aws/creds.h"
#include "aws/error.h"

/* err cleared, then set (err may be NULL). */
#define creds_err(err, kind, code, ...)                                   \
	do {                                                              \
		aws_error_t *creds_err_ = (err);                          \
		if (creds_err_) {                                         \
			memset(creds_err_, 0, sizeof *creds_err_);         \
			aws_error_set(creds_err_, (kind), (code), __VA_ARGS__); \
		}                                                         \
	} while (0)

/* getenv, NULL when unset or empty. */
const char *creds_env(const char *name);
/* The variable is "true" in any case. */
int creds_env_true(const char *name);
/* Cleansed, then freed (NULL allowed). */
void creds_free_secret(char *s);
/* c's fields copied from the arguments (token may be NULL). 0, or -1 (out of memory, c freed). */
int creds_set(aws_creds_t *c, const char *id, const char *secret, const char *token, time_t expiration);
/* j[k] when a non-empty string, else NULL. */
const char *creds_json_str(const cJSON *j, const char *k);
/* j[k]'s string, when there is one, cleansed in place. */
void creds_cleanse_item(cJSON *j, const char *k);
/* Every string directly in j cleansed in place (j may be NULL). */
void creds_cleanse_json(cJSON *j);
/* creds_cache.c: where the CLI caches profile's assumed role (NULL: no home, or out of
 * memory; malloc'd), and credentials cached at path that are good for 15 more minutes
 * (1 with out set, else 0). */
struct cfg;
char *creds_role_cache_path(const struct cfg *c, const char *profile);
int creds_role_cache_load(const char *path, aws_creds_t *out);
/* Letters, digits and '-', 1 to 32 of them. */
int creds_valid_region(const char *r);

#endif

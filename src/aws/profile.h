/* The two AWS files and the profile in effect (--profile, AWS_PROFILE or "default"), as
 * the credentials chain, the region and the endpoints read them. */
#ifndef NIXL_AWS_PROFILE_H
#define NIXL_AWS_PROFILE_H

#include "aws/error.h"
#include "aws/ini.h"

/* Both files and the profile in effect. */
typedef struct cfg {
	char profile[128];
	const char *origin; /* "--profile", "AWS_PROFILE", or NULL for the default */
	ini_t cred, conf;
} cfg_t;

/* Loads both files for the profile named by profile_flag, AWS_PROFILE or "default". 0,
 * or -1 with err set (a name too long, a file unreadable or malformed). */
int cfg_load(cfg_t *c, const char *profile_flag, aws_error_t *err);
void cfg_free(cfg_t *c);
/* [name] in the credentials file (config 0); [profile name] in the config file (config 1),
 * where the default profile may also be written [default]. */
const ini_sec_t *cfg_section(const cfg_t *c, int config, const char *profile);
/* key of profile: the credentials file wins over the config file (botocore's merge). */
const char *cfg_get(const cfg_t *c, const char *profile, const char *key);
/* True when either file has the profile. */
int cfg_has(const cfg_t *c, const char *profile);
/* "<credentials> (no [dev] section) and <config> (not found)", for error sentences. */
void cfg_files_status(const cfg_t *c, const char *profile, char *buf, size_t n);
/* The ProfileNotFound error for a profile named by --profile or AWS_PROFILE. */
void cfg_profile_not_found(const cfg_t *c, aws_error_t *err);
/* $HOME, or the password entry's home; malloc'd. */
char *cfg_home_dir(void);
/* AWS_REGION, AWS_DEFAULT_REGION or the profile's region; malloc'd, NULL when none. */
char *cfg_region(const cfg_t *c, const char *profile);

#endif

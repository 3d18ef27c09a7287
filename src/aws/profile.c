#include "aws/profile.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aws/creds_priv.h"

char *cfg_home_dir(void)
{
	const char *h = creds_env("HOME");
	if (!h) {
		struct passwd *pw = getpwuid(getuid());
		h = pw && pw->pw_dir ? pw->pw_dir : "/";
	}
	return strdup(h);
}

/* $<var> (with a leading "~/" expanded) or ~/.aws/<leaf>. */
static char *config_path(const char *var, const char *leaf)
{
	const char *v = creds_env(var);
	char *home = cfg_home_dir(), *out = NULL;
	if (!home) return NULL;
	int n;
	if (v && v[0] == '~' && (v[1] == '/' || !v[1])) n = asprintf(&out, "%s%s", home, v + 1);
	else if (v) n = asprintf(&out, "%s", v);
	else n = asprintf(&out, "%s/.aws/%s", home, leaf);
	free(home);
	return n < 0 ? NULL : out;
}

void cfg_free(cfg_t *c)
{
	ini_free(&c->cred);
	ini_free(&c->conf);
}

int cfg_load(cfg_t *c, const char *profile_flag, aws_error_t *err)
{
	memset(c, 0, sizeof *c);
	const char *name = "default";
	if (profile_flag && *profile_flag) {
		name = profile_flag;
		c->origin = "--profile";
	} else if (creds_env("AWS_PROFILE")) {
		name = creds_env("AWS_PROFILE");
		c->origin = "AWS_PROFILE";
	}
	if (strlen(name) >= sizeof c->profile) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "The AWS profile name given by %s is longer than %zu characters.", c->origin,
		        sizeof c->profile - 1);
		return -1;
	}
	snprintf(c->profile, sizeof c->profile, "%s", name);
	if (ini_load(&c->cred, config_path("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
	             "credentials", err) < 0 ||
	    ini_load(&c->conf, config_path("AWS_CONFIG_FILE", "config"), "config", err) < 0) {
		cfg_free(c);
		return -1;
	}
	return 0;
}

/* [name] in the credentials file; [profile name] in the config file, where the
 * default profile may also be written [default]. */
const ini_sec_t *cfg_section(const cfg_t *c, int config, const char *profile)
{
	if (!config) return ini_find(&c->cred, profile);
	char name[160];
	snprintf(name, sizeof name, "profile %s", profile);
	const ini_sec_t *s = ini_find(&c->conf, name);
	if (!s && strcmp(profile, "default") == 0) s = ini_find(&c->conf, "default");
	return s;
}

/* The credentials file wins over the config file, as in botocore's merged profile. */
const char *cfg_get(const cfg_t *c, const char *profile, const char *key)
{
	const char *v = ini_get(cfg_section(c, 0, profile), key);
	return v ? v : ini_get(cfg_section(c, 1, profile), key);
}

int cfg_has(const cfg_t *c, const char *profile)
{
	return cfg_section(c, 0, profile) || cfg_section(c, 1, profile);
}

/* "/h/.aws/credentials (no [dev] section)" */
static void file_status(const cfg_t *c, int config, const char *profile, char *buf, size_t n)
{
	const ini_t *f = config ? &c->conf : &c->cred;
	const char *pre = config && strcmp(profile, "default") != 0 ? "profile " : "";
	if (!f->found) snprintf(buf, n, "%s (not found)", f->path);
	else if (!cfg_section(c, config, profile))
		snprintf(buf, n, "%s (no [%s%s] section)", f->path, pre, profile);
	else snprintf(buf, n, "%s (no credentials in [%s%s])", f->path, pre, profile);
}

void cfg_files_status(const cfg_t *c, const char *profile, char *buf, size_t n)
{
	char a[512], b[512];
	file_status(c, 0, profile, a, sizeof a);
	file_status(c, 1, profile, b, sizeof b);
	snprintf(buf, n, "%s and %s", a, b);
}

void cfg_profile_not_found(const cfg_t *c, aws_error_t *err)
{
	char files[1100], a[512], b[512];
	snprintf(a, sizeof a, "%s%s", c->cred.path, c->cred.found ? "" : " (not found)");
	snprintf(b, sizeof b, "%s%s", c->conf.path, c->conf.found ? "" : " (not found)");
	snprintf(files, sizeof files, "%s and %s", a, b);
	creds_err(err, AWS_ERR_CONFIG, "ProfileNotFound",
	        "AWS profile \"%s\" (from %s) was not found in %s; check the name, or create it "
	        "with `aws configure --profile %s`.", c->profile, c->origin, files, c->profile);
}

char *cfg_region(const cfg_t *c, const char *profile)
{
	const char *r = creds_env("AWS_REGION");
	if (!r) r = creds_env("AWS_DEFAULT_REGION");
	if (!r) r = cfg_get(c, profile, "region");
	return r ? strdup(r) : NULL;
}


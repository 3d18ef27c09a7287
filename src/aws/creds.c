#include "aws/creds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_priv.h"
#include "aws/endpoints.h"
#include "aws/profile.h"
#include "aws/sso.h"
#include "base/isotime.h"
#include "base/sbuf.h"

#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_IPV6 "http://[fd00:ec2::254]"
#define PROCESS_TIMEOUT_MS 30000

const char *creds_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

int creds_env_true(const char *name)
{
	const char *v = creds_env(name);
	return v && strcasecmp(v, "true") == 0;
}

void creds_free_secret(char *s)
{
	if (!s) return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void aws_creds_free(aws_creds_t *c)
{
	if (!c) return;
	free(c->access_key_id);
	creds_free_secret(c->secret_access_key);
	creds_free_secret(c->session_token);
	memset(c, 0, sizeof *c);
}

int creds_set(aws_creds_t *c, const char *id, const char *secret, const char *token,
                     time_t expiration)
{
	c->access_key_id = strdup(id);
	c->secret_access_key = strdup(secret);
	c->session_token = token ? strdup(token) : NULL;
	c->expiration = expiration;
	if (!c->access_key_id || !c->secret_access_key || (token && !c->session_token)) {
		aws_creds_free(c);
		return -1;
	}
	return 0;
}

int aws_creds_copy(aws_creds_t *dst, const aws_creds_t *src)
{
	memset(dst, 0, sizeof *dst);
	if (creds_set(dst, src->access_key_id ? src->access_key_id : "",
	              src->secret_access_key ? src->secret_access_key : "", src->session_token,
	              src->expiration) < 0)
		return -1;
	memcpy(dst->source, src->source, sizeof dst->source);
	return 0;
}

int aws_creds_expiring(const aws_creds_t *c, time_t now, int margin_s)
{
	return c->expiration != 0 && now + margin_s >= c->expiration;
}

void aws_creds_plan_free(aws_creds_plan_t *plan)
{
	if (!plan) return;
	aws_creds_free(&plan->creds);
	for (size_t i = 0; i < plan->nhops; i++) {
		aws_creds_hop_t *h = &plan->hops[i];
		free(h->role_arn);
		free(h->role_session_name);
		free(h->external_id);
		free(h->mfa_serial);
		creds_free_secret(h->token_code);
		free(h->cache_path);
		free(h->sts_region);
	}
	char **strs[] = {&plan->imds_endpoint, &plan->sso_cache_path, &plan->sso_start_url,
	                 &plan->sso_region, &plan->sso_session, &plan->sso_account_id,
	                 &plan->sso_role_name, &plan->sso_endpoint, &plan->sso_oidc_endpoint,
	                 &plan->web_token_file, &plan->web_role_arn, &plan->web_session_name};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) free(*strs[i]);
	memset(plan, 0, sizeof *plan);
}

/* ---- times ---- */

int aws_creds_parse_time(const char *s, time_t *out)
{
	return isotime_parse(s, ISOTIME_ZONE_OPTIONAL, out, NULL);
}

static void no_creds(const cfg_t *c, int flag_given, const char *imds, aws_error_t *err)
{
	char files[1100], fix[400];
	cfg_files_status(c, c->profile, files, sizeof files);
	if (strcmp(c->profile, "default") == 0)
		snprintf(fix, sizeof fix, "run `aws configure`, set AWS_ACCESS_KEY_ID/"
		         "AWS_SECRET_ACCESS_KEY, or pass --profile");
	else
		snprintf(fix, sizeof fix, "add keys or credential_process to profile \"%s\" (`aws "
		         "configure --profile %s`), or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
		         c->profile, c->profile);
	creds_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
	        "No AWS credentials: tried environment variables (%s), profile \"%s\" in %s, and "
	        "instance metadata (%s); %s.",
	        flag_given ? "skipped because --profile was given" : "AWS_ACCESS_KEY_ID not set",
	        c->profile, files, imds, fix);
}

/* ---- the providers: 1 found, 0 nothing there, -1 error ---- */

static int from_env(aws_creds_t *out, aws_error_t *err)
{
	const char *id = creds_env("AWS_ACCESS_KEY_ID"), *secret = creds_env("AWS_SECRET_ACCESS_KEY");
	if (!id) return 0;
	if (!secret) {
		creds_err(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
		        "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both, or unset "
		        "AWS_ACCESS_KEY_ID to use a profile.");
		return -1;
	}
	time_t exp = 0;
	const char *e = creds_env("AWS_CREDENTIAL_EXPIRATION");
	if (e && aws_creds_parse_time(e, &exp) < 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "InvalidExpiration",
		        "AWS_CREDENTIAL_EXPIRATION is not an ISO-8601 time (e.g. 2026-01-31T12:00:00Z).");
		return -1;
	}
	if (creds_set(out, id, secret, creds_env("AWS_SESSION_TOKEN"), exp) < 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
		return -1;
	}
	snprintf(out->source, sizeof out->source, "environment");
	return 1;
}

static int from_section(const ini_sec_t *s, const char *path, const char *profile,
                        aws_creds_t *out, aws_error_t *err)
{
	const char *id = ini_get(s, "aws_access_key_id"), *secret = ini_get(s, "aws_secret_access_key");
	if (!id && !secret) return 0;
	if (!id || !secret) {
		creds_err(err, AWS_ERR_CREDENTIALS, "PartialCredentials",
		        "Profile \"%s\" in %s has %s but no %s; add it, or remove the profile's keys.",
		        profile, path, id ? "aws_access_key_id" : "aws_secret_access_key",
		        id ? "aws_secret_access_key" : "aws_access_key_id");
		return -1;
	}
	if (creds_set(out, id, secret, ini_get(s, "aws_session_token"), 0) < 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
		return -1;
	}
	snprintf(out->source, sizeof out->source, "profile %s", profile);
	return 1;
}

/* Keys in the credentials file, then credential_process, then keys in the config
 * file: botocore's SharedCredential, Process and Config providers in that order. */
static int from_profile(const cfg_t *c, const char *profile, aws_creds_t *out, aws_error_t *err)
{
	int r = from_section(cfg_section(c, 0, profile), c->cred.path, profile, out, err);
	if (r) return r;
	const char *cmd = cfg_get(c, profile, "credential_process");
	if (cmd) {
		if (aws_creds_run_process(cmd, profile, PROCESS_TIMEOUT_MS, out, err) < 0) return -1;
		snprintf(out->source, sizeof out->source, "credential_process (profile %.90s)", profile);
		return 1;
	}
	return from_section(cfg_section(c, 1, profile), c->conf.path, profile, out, err);
}

static int oom(aws_error_t *err)
{
	creds_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory reading credentials.");
	return -1;
}

/* ---- MFA ---- */

static aws_creds_mfa_prompt_fn mfa_prompt = aws_creds_mfa_prompt_tty;

void aws_creds_set_mfa_prompt(aws_creds_mfa_prompt_fn fn)
{
	mfa_prompt = fn ? fn : aws_creds_mfa_prompt_tty;
}

/* The terminal itself, not stdin: stdin may be a pipe or /dev/null while a user sits
 * at the terminal (botocore asks through getpass, which does the same). */
int aws_creds_mfa_prompt_tty(const char *profile, const char *serial, char *code, size_t n,
                             aws_error_t *err)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		creds_err(err, AWS_ERR_CREDENTIALS, "MfaNoTerminal",
		        "Profile \"%s\" assumes its role with an MFA code (mfa_serial %s) and there is "
		        "no terminal to ask for it on; run nixl-tui from a terminal, or export "
		        "temporary credentials (`aws configure export-credentials --profile %s "
		        "--format env`).", profile, serial, profile);
		return -1;
	}
	/* echo off before the prompt, as getpass does: a code typed after the prompt is
	 * then neither shown nor flushed away */
	struct termios old, quiet;
	int restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ICANON;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	dprintf(fd, "Enter MFA code for %s: ", serial);
	size_t len = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0 || ch == '\n' || ch == '\r') break;
		if (len + 1 < n) code[len++] = ch;
	}
	code[len] = 0;
	if (restore) tcsetattr(fd, TCSANOW, &old);
	if (write(fd, "\n", 1) < 0) {} /* the newline the user's Enter did not echo */
	close(fd);
	if (len) return 0;
	creds_err(err, AWS_ERR_CREDENTIALS, "MfaNoCode",
	        "No MFA code was typed for profile \"%s\" (mfa_serial %s); run the command again "
	        "and type the code your device shows.", profile, serial);
	return -1;
}

/* ---- the chain ---- */

/* The profiles a chain of roles has gone through, for the loop check. */
typedef struct visited {
	const char *name[AWS_CREDS_MAX_HOPS + 1];
	size_t n;
} visited_t;

static int has_static(const cfg_t *c, const char *profile)
{
	return cfg_get(c, profile, "aws_access_key_id") || cfg_get(c, profile, "aws_secret_access_key");
}

/* botocore's AssumeRoleProvider leaves a profile with a web identity token file to the
 * web identity provider, even when it has role_arn. */
static int assumes_role(const cfg_t *c, const char *profile)
{
	return cfg_get(c, profile, "role_arn") && !cfg_get(c, profile, "web_identity_token_file");
}

static char *default_session_name(void)
{
	char *s;
	return asprintf(&s, "nixl-tui-%lld", (long long)time(NULL)) < 0 ? NULL : s;
}

/* Web identity: each setting from its variable (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 * AWS_ROLE_SESSION_NAME) before the profile's key, as botocore's
 * AssumeRoleWithWebIdentityProvider reads them; use_env is 0 for a source profile and
 * under --profile (its disable_env_vars). */
static int from_web_identity(const cfg_t *c, const char *profile, int use_env,
                             aws_creds_plan_t *plan, aws_error_t *err)
{
	const char *file = use_env ? creds_env("AWS_WEB_IDENTITY_TOKEN_FILE") : NULL;
	int file_from_env = file != NULL;
	if (!file) file = cfg_get(c, profile, "web_identity_token_file");
	if (!file) return 0;
	const char *arn = use_env ? creds_env("AWS_ROLE_ARN") : NULL;
	if (!arn) arn = cfg_get(c, profile, "role_arn");
	const char *name = use_env ? creds_env("AWS_ROLE_SESSION_NAME") : NULL;
	if (!name) name = cfg_get(c, profile, "role_session_name");
	if (!arn) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "A web identity token file is configured (%s) but no role to assume with it; "
		        "set AWS_ROLE_ARN, or role_arn in profile \"%s\".",
		        file_from_env ? "AWS_WEB_IDENTITY_TOKEN_FILE" : "web_identity_token_file", profile);
		return -1;
	}
	plan->kind = AWS_CREDS_WEB_IDENTITY;
	plan->web_token_file = strdup(file);
	plan->web_role_arn = strdup(arn);
	plan->web_session_name = name ? strdup(name) : default_session_name();
	if (!plan->web_token_file || !plan->web_role_arn || !plan->web_session_name) return oom(err);
	if (file_from_env) snprintf(plan->source, sizeof plan->source, "web identity (environment)");
	else snprintf(plan->source, sizeof plan->source, "web identity (profile %.100s)", profile);
	return 1;
}

/* IAM Identity Center, in both shapes the CLI writes: sso_session naming an
 * [sso-session NAME] section with sso_start_url and sso_region, or (legacy) those two in
 * the profile; sso_account_id and sso_role_name in the profile (botocore's
 * SSOProvider._load_sso_config). */
static int from_sso(const cfg_t *c, const char *profile, aws_creds_plan_t *plan,
                    aws_error_t *err)
{
	const char *session = cfg_get(c, profile, "sso_session");
	const char *url = cfg_get(c, profile, "sso_start_url");
	const char *region = cfg_get(c, profile, "sso_region");
	const char *account = cfg_get(c, profile, "sso_account_id");
	const char *role = cfg_get(c, profile, "sso_role_name");
	if (!session && !url && !region && !account && !role) return 0;
	if (session) {
		char name[200];
		snprintf(name, sizeof name, "sso-session %s", session);
		const ini_sec_t *sec = ini_find(&c->conf, name);
		if (!sec) {
			creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" names sso_session \"%s\", but %s has no [sso-session %s] "
			        "section; run `aws configure sso --profile %s`.", profile, session,
			        c->conf.path, session, profile);
			return -1;
		}
		const char *surl = ini_get(sec, "sso_start_url"), *sreg = ini_get(sec, "sso_region");
		const char *clash = url && surl && strcmp(url, surl) != 0       ? "sso_start_url"
		                    : region && sreg && strcmp(region, sreg) != 0 ? "sso_region"
		                                                                  : NULL;
		if (clash) {
			creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" and its [sso-session %s] give different %s values; remove "
			        "the one in the profile.", profile, session, clash);
			return -1;
		}
		if (surl) url = surl;
		if (sreg) region = sreg;
	}
	const char *missing = !url ? "sso_start_url" : !region ? "sso_region"
	                      : !account ? "sso_account_id" : !role ? "sso_role_name" : NULL;
	if (missing) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" is set up for IAM Identity Center (SSO) but has no %s%s; run "
		        "`aws configure sso --profile %s`.", profile, missing,
		        session && (!url || !region) ? " (in the profile or its sso-session section)"
		                                     : "",
		        profile);
		return -1;
	}
	if (!creds_valid_region(region)) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has an sso_region that is not a region name.", profile);
		return -1;
	}
	char key[41], *home = cfg_home_dir();
	aws_sso_cache_key(session ? session : url, key);
	plan->kind = AWS_CREDS_SSO;
	if (!home || asprintf(&plan->sso_cache_path, "%s/.aws/sso/cache/%s.json", home, key) < 0)
		plan->sso_cache_path = NULL;
	free(home);
	plan->sso_start_url = strdup(url);
	plan->sso_region = strdup(region);
	plan->sso_session = session ? strdup(session) : NULL;
	plan->sso_account_id = strdup(account);
	plan->sso_role_name = strdup(role);
	/* AWS_ENDPOINT_URL_SSO / _SSO_OIDC, else portal.sso. / oidc.<sso_region> */
	plan->sso_endpoint = aws_endpoint_resolve(NULL, c->origin ? c->profile : NULL, "sso", region);
	plan->sso_oidc_endpoint =
		aws_endpoint_resolve(NULL, c->origin ? c->profile : NULL, "sso-oidc", region);
	snprintf(plan->sso_profile, sizeof plan->sso_profile, "%s", profile);
	snprintf(plan->source, sizeof plan->source, "profile %.100s via SSO", profile);
	if (!plan->sso_cache_path || !plan->sso_start_url || !plan->sso_region ||
	    (session && !plan->sso_session) || !plan->sso_account_id || !plan->sso_role_name ||
	    !plan->sso_endpoint || !plan->sso_oidc_endpoint)
		return oom(err);
	return 1;
}

static int assume_role(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err);

/* "a -> b -> a" */
static void loop_path(const visited_t *v, const char *back, char *buf, size_t n)
{
	sbuf_t b;
	sbuf_init(&b, buf, n);
	for (size_t i = 0; i < v->n; i++) sbuf_addf(&b, "%s -> ", v->name[i]);
	sbuf_addf(&b, "%s", back);
}

static int role_source(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err)
{
	const char *src = cfg_get(c, profile, "source_profile");
	const char *csrc = cfg_get(c, profile, "credential_source");
	char files[1100];
	if (src && csrc) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has both source_profile and credential_source; keep one.", profile);
		return -1;
	}
	if (!src && !csrc) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" has role_arn but neither source_profile nor credential_source; "
		        "add source_profile = <profile with keys>.", profile);
		return -1;
	}
	if (csrc) {
		if (strcasecmp(csrc, "Environment") != 0) {
			creds_err(err, AWS_ERR_CONFIG, "UnsupportedProfile",
			        "Profile \"%s\" has credential_source = %s; nixl-tui supports only "
			        "Environment, or use source_profile.", profile, csrc);
			return -1;
		}
		int r = from_env(&plan->creds, err);
		if (r == 0)
			creds_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
			        "Profile \"%s\" assumes its role with credentials from the environment "
			        "(credential_source = Environment), but AWS_ACCESS_KEY_ID is not set; set "
			        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", profile);
		return r == 1 ? 0 : -1;
	}
	if (!cfg_has(c, src)) {
		cfg_files_status(c, src, files, sizeof files);
		creds_err(err, AWS_ERR_CONFIG, "ProfileNotFound",
		        "Profile \"%s\" names source_profile \"%s\", which was not found: looked in %s.",
		        profile, src, files);
		return -1;
	}
	/* botocore's _validate_source_profile: a profile may name itself only to take its
	 * own keys; any other return to a profile of the chain is a loop. */
	for (size_t i = 0; i < v->n; i++) {
		if (strcmp(v->name[i], src) != 0) continue;
		if (strcmp(src, profile) == 0 && has_static(c, src)) break;
		char path[600];
		loop_path(v, src, path, sizeof path);
		creds_err(err, AWS_ERR_CONFIG, "ProfileLoop",
		        "The source_profile settings of profiles %s go round in a loop; point one of "
		        "them at a profile with its own credentials.", path);
		return -1;
	}
	int r;
	/* A source profile with keys, or without a role, gives its own credentials (botocore's
	 * profile providers with the environment off); otherwise its role is assumed first. */
	if (has_static(c, src) || !assumes_role(c, src)) {
		r = from_web_identity(c, src, 0, plan, err);
		if (!r) r = from_sso(c, src, plan, err);
		if (!r) r = from_profile(c, src, &plan->creds, err);
		if (r == 0) {
			cfg_files_status(c, src, files, sizeof files);
			creds_err(err, AWS_ERR_CREDENTIALS, "NoCredentials",
			        "Profile \"%s\" assumes a role with source_profile \"%s\", which has no "
			        "credentials: looked in %s; add aws_access_key_id/aws_secret_access_key, "
			        "credential_process or SSO settings to it.", profile, src, files);
		}
	} else {
		r = assume_role(c, src, v, plan, err);
	}
	return r == 1 ? 0 : -1;
}

/* Appends profile's role to the plan, after whatever its source needs. */
static int assume_role(const cfg_t *c, const char *profile, visited_t *v, aws_creds_plan_t *plan,
                       aws_error_t *err)
{
	if (v->n >= AWS_CREDS_MAX_HOPS) {
		creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
		        "Profile \"%s\" chains more than %d roles through source_profile; shorten the "
		        "chain.", v->name[0], AWS_CREDS_MAX_HOPS);
		return -1;
	}
	v->name[v->n++] = profile;
	const char *serial = cfg_get(c, profile, "mfa_serial");
	char *cache = serial ? creds_role_cache_path(c, profile) : NULL;
	/* An MFA role assumed by an earlier run (or by the CLI) and still good: start the
	 * chain from it, without its source and without asking for a code. */
	if (cache && creds_role_cache_load(cache, &plan->creds)) {
		free(cache);
		plan->kind = AWS_CREDS_STATIC;
		snprintf(plan->creds.source, sizeof plan->creds.source,
		         "profile %.60s via role (cached MFA session)", profile);
		return 1;
	}
	if (role_source(c, profile, v, plan, err) < 0) {
		free(cache);
		return -1;
	}
	aws_creds_hop_t *h = &plan->hops[plan->nhops++];
	h->cache_path = cache;
	snprintf(h->profile, sizeof h->profile, "%s", profile);
	const char *name = cfg_get(c, profile, "role_session_name");
	const char *ext = cfg_get(c, profile, "external_id");
	const char *dur = cfg_get(c, profile, "duration_seconds");
	if (dur) {
		char *end;
		long d = strtol(dur, &end, 10);
		if (*end || d < 900 || d > 43200) {
			creds_err(err, AWS_ERR_CONFIG, "InvalidProfile",
			        "Profile \"%s\" has duration_seconds = %s; it must be a whole number of "
			        "seconds from 900 to 43200.", profile, dur);
			return -1;
		}
		h->duration_seconds = (int)d;
	}
	h->role_arn = strdup(cfg_get(c, profile, "role_arn"));
	h->role_session_name = name ? strdup(name) : default_session_name();
	h->external_id = ext ? strdup(ext) : NULL;
	h->sts_region = cfg_region(c, profile);
	h->mfa_serial = serial ? strdup(serial) : NULL;
	if (!h->role_arn || !h->role_session_name || (ext && !h->external_id) ||
	    (serial && (!h->mfa_serial || !h->cache_path)))
		return oom(err);
	if (serial) {
		char code[64];
		int rc = mfa_prompt(profile, serial, code, sizeof code, err);
		if (rc == 0 && !(h->token_code = strdup(code))) rc = oom(err);
		OPENSSL_cleanse(code, sizeof code);
		if (rc < 0) return -1;
	}
	return 1;
}

static char *imds_endpoint(void)
{
	const char *e = creds_env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *mode = creds_env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
	if (!e) e = mode && strcasecmp(mode, "IPv6") == 0 ? IMDS_IPV6 : IMDS_DEFAULT;
	char *s = strdup(e);
	for (size_t n = s ? strlen(s) : 0; n > 1 && s[n - 1] == '/'; n--) s[n - 1] = 0;
	return s;
}

/* "profile admin via role, from profile sso via SSO" */
static void describe(aws_creds_plan_t *plan)
{
	char base[160];
	if (plan->kind == AWS_CREDS_STATIC) snprintf(base, sizeof base, "%s", plan->creds.source);
	else snprintf(base, sizeof base, "%s", plan->source);
	if (!plan->nhops) {
		snprintf(plan->source, sizeof plan->source, "%s", base);
		return;
	}
	snprintf(plan->source, sizeof plan->source, "profile %.50s via role, from %.80s",
	         plan->hops[plan->nhops - 1].profile, base);
}

int aws_creds_resolve(const char *profile_flag, aws_creds_plan_t *plan, aws_error_t *err)
{
	memset(plan, 0, sizeof *plan);
	cfg_t c;
	if (cfg_load(&c, profile_flag, err) < 0) return -1;
	snprintf(plan->profile, sizeof plan->profile, "%s", c.profile);
	int flag_given = profile_flag && *profile_flag;
	/* The CLI drops the environment provider only for an explicit --profile. */
	int r = flag_given ? 0 : from_env(&plan->creds, err);
	if (r == 0 && c.origin && !cfg_has(&c, c.profile)) {
		cfg_profile_not_found(&c, err);
		r = -1;
	}
	visited_t v = {0};
	if (r == 0 && assumes_role(&c, c.profile)) r = assume_role(&c, c.profile, &v, plan, err);
	if (r == 0) r = from_web_identity(&c, c.profile, !flag_given, plan, err);
	if (r == 0) r = from_sso(&c, c.profile, plan, err);
	if (r == 0) r = from_profile(&c, c.profile, &plan->creds, err);
	if (r == 0 && creds_env_true("AWS_EC2_METADATA_DISABLED")) {
		no_creds(&c, flag_given, "disabled by AWS_EC2_METADATA_DISABLED", err);
		r = -1;
	} else if (r == 0) {
		plan->kind = AWS_CREDS_IMDS;
		snprintf(plan->source, sizeof plan->source, "instance metadata");
		if ((plan->imds_endpoint = imds_endpoint())) r = 1;
		else creds_err(err, AWS_ERR_CREDENTIALS, "OutOfMemory", "Out of memory.");
	}
	cfg_free(&c);
	if (r < 0 || r == 0) {
		aws_creds_plan_free(plan);
		return -1;
	}
	describe(plan);
	return 0;
}

void aws_creds_imds_failed(const char *profile_flag, const char *imds_endpoint, const char *why,
                           aws_error_t *err)
{
	cfg_t c;
	if (cfg_load(&c, profile_flag, err) < 0) return;
	char imds[600];
	snprintf(imds, sizeof imds, "%s: %s", imds_endpoint ? imds_endpoint : IMDS_DEFAULT,
	         why ? why : "no answer");
	no_creds(&c, profile_flag && *profile_flag, imds, err);
	cfg_free(&c);
}

const char *creds_json_str(const cJSON *j, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	return s && *s ? s : NULL;
}

void creds_cleanse_item(cJSON *j, const char *k)
{
	char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	if (s) OPENSSL_cleanse(s, strlen(s));
}

void creds_cleanse_json(cJSON *j)
{
	for (cJSON *i = j ? j->child : NULL; i; i = i->next)
		if (cJSON_IsString(i) && i->valuestring) OPENSSL_cleanse(i->valuestring, strlen(i->valuestring));
}

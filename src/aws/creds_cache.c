/* The AWS CLI's cache of assumed-role credentials (~/.aws/cli/cache), which MFA roles
 * read before asking for a code and write after AssumeRole: the same file the CLI and
 * botocore use, so one code serves both until the credentials expire. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "aws/creds_priv.h"
#include "aws/profile.h"
#include "aws/sso.h"
#include "base/file.h"
#include "base/isotime.h"
#include "base/sbuf.h"

/* botocore's AssumeRoleCredentialFetcher._create_cache_key: the SHA-1 of
 * json.dumps(AssumeRole's arguments, sort_keys=True), without a generated
 * RoleSessionName and without the code, in ~/.aws/cli/cache (awscli's CACHE_DIR). */
char *creds_role_cache_path(const cfg_t *c, const char *profile)
{
	const char *keys[] = {"DurationSeconds", "ExternalId", "RoleArn", "RoleSessionName",
	                      "SerialNumber"};
	const char *vals[] = {cfg_get(c, profile, "duration_seconds"),
	                      cfg_get(c, profile, "external_id"), cfg_get(c, profile, "role_arn"),
	                      cfg_get(c, profile, "role_session_name"),
	                      cfg_get(c, profile, "mfa_serial")};
	char json[8192];
	sbuf_t b;
	sbuf_init(&b, json, sizeof json);
	sbuf_addf(&b, "{");
	int first = 1;
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (!vals[i]) continue;
		sbuf_addf(&b, "%s\"%s\": ", first ? "" : ", ", keys[i]);
		first = 0;
		if (i == 0) { /* an integer, as botocore passes it to STS */
			sbuf_addf(&b, "%s", vals[i]);
			continue;
		}
		sbuf_addf(&b, "\"");
		for (const unsigned char *p = (const unsigned char *)vals[i]; *p; p++) {
			if (*p == '"' || *p == '\\') sbuf_addf(&b, "\\%c", *p);
			else if (*p < 0x20) sbuf_addf(&b, "\\u%04x", *p);
			else sbuf_addf(&b, "%c", *p);
		}
		sbuf_addf(&b, "\"");
	}
	sbuf_addf(&b, "}");
	char key[41], *home = cfg_home_dir(), *out = NULL;
	aws_sso_cache_key(json, key);
	if (!b.truncated && home && asprintf(&out, "%s/.aws/cli/cache/%s.json", home, key) < 0)
		out = NULL;
	free(home);
	return out;
}

/* Credentials cached at path that are good for 15 more minutes (botocore's
 * CachedCredentialFetcher window): 1 with out set, else 0. Read into a buffer on the stack
 * that is cleansed afterwards, not by base/file_read, whose growing heap buffer would
 * leave copies of the secret behind in freed memory. */
int creds_role_cache_load(const char *path, aws_creds_t *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) return 0;
	char buf[16384];
	size_t len = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		ssize_t n;
		while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
			len += (size_t)n;
	}
	close(fd);
	cJSON *j = cJSON_ParseWithLength(buf, len);
	OPENSSL_cleanse(buf, sizeof buf);
	cJSON *cr = cJSON_GetObjectItemCaseSensitive(j, "Credentials");
	const char *id = creds_json_str(cr, "AccessKeyId"), *secret = creds_json_str(cr, "SecretAccessKey");
	const char *token = creds_json_str(cr, "SessionToken"), *exp = creds_json_str(cr, "Expiration");
	time_t when = 0;
	int ok = id && secret && token && exp && aws_creds_parse_time(exp, &when) == 0 &&
	         when > time(NULL) + 15 * 60 && creds_set(out, id, secret, token, when) == 0;
	creds_cleanse_item(cr, "SecretAccessKey");
	creds_cleanse_item(cr, "SessionToken");
	cJSON_Delete(j);
	return ok;
}

int aws_creds_cache_store(const char *path, const aws_creds_t *c)
{
	char dir[1024], when[32], *text = NULL;
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash) return -1;
	*slash = 0;
	if (file_make_dirs(dir) < 0) return -1; /* ~/.aws/cli/cache, each missing part private */
	isotime_format(c->expiration, when, sizeof when);
	cJSON *j = cJSON_CreateObject(), *cr = cJSON_AddObjectToObject(j, "Credentials");
	cJSON_AddStringToObject(cr, "AccessKeyId", c->access_key_id);
	cJSON_AddStringToObject(cr, "SecretAccessKey", c->secret_access_key);
	cJSON_AddStringToObject(cr, "SessionToken", c->session_token ? c->session_token : "");
	cJSON_AddStringToObject(cr, "Expiration", when);
	text = cJSON_Print(j);
	creds_cleanse_item(cr, "SecretAccessKey");
	creds_cleanse_item(cr, "SessionToken");
	cJSON_Delete(j);
	/* private, like awscli's cache files */
	int rc = text ? file_write_atomic(path, text, strlen(text), 0600) : -1;
	if (text) {
		OPENSSL_cleanse(text, strlen(text));
		free(text);
	}
	return rc;
}

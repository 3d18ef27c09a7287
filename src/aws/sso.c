#include "aws/sso.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "aws/creds_priv.h"
#include "base/file.h"
#include "base/isotime.h"

#define MAX_CACHE_FILE (64u << 10)

void aws_sso_cache_key(const char *session_or_url, char hex[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	hex[0] = 0;
	if (!EVP_Digest(session_or_url, strlen(session_or_url), md, &n, EVP_sha1(), NULL)) return;
	for (unsigned int i = 0; i < n && i < 20; i++) snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

void aws_sso_token_free(aws_sso_token_t *t)
{
	if (!t) return;
	creds_free_secret(t->access_token);
	creds_free_secret(t->refresh_token);
	free(t->client_id);
	creds_free_secret(t->client_secret);
	memset(t, 0, sizeof *t);
}

static char *dup_str(const cJSON *j, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	return s && *s ? strdup(s) : NULL;
}

/* The CLI writes "2026-12-02T02:00:00Z"; older versions "...UTC" (botocore reads both
 * with dateutil). */
static time_t cache_time(const cJSON *j, const char *k)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, k));
	char buf[64];
	time_t t;
	if (!s || strlen(s) >= sizeof buf - 1) return 0;
	snprintf(buf, sizeof buf, "%s", s);
	size_t n = strlen(buf);
	if (n > 3 && strcmp(buf + n - 3, "UTC") == 0) strcpy(buf + n - 3, "Z");
	return aws_creds_parse_time(buf, &t) == 0 ? t : 0;
}

/* The cache file's JSON object, or NULL with *why. */
static cJSON *read_cache(const char *path, const char **why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*why = errno == ENOENT ? "was not found" : "could not be read";
		return NULL;
	}
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	*why = NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) *why = "is not a regular file";
	else if (st.st_size > (off_t)MAX_CACHE_FILE) *why = "is larger than 64 KiB";
	else if (!(text = malloc((size_t)st.st_size + 1))) *why = "could not be read (out of memory)";
	while (!*why && len < (size_t)st.st_size) {
		ssize_t n = read(fd, text + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) break;
		len += (size_t)n;
	}
	close(fd);
	if (*why) {
		free(text);
		return NULL;
	}
	cJSON *j = cJSON_ParseWithLength(text, len);
	OPENSSL_cleanse(text, len);
	free(text);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		*why = "is not a JSON object";
		return NULL;
	}
	return j;
}

int aws_sso_token_load(const char *path, aws_sso_token_t *out, const char **why)
{
	memset(out, 0, sizeof *out);
	cJSON *j = read_cache(path, why);
	if (!j) return -1;
	out->access_token = dup_str(j, "accessToken");
	out->refresh_token = dup_str(j, "refreshToken");
	out->client_id = dup_str(j, "clientId");
	out->client_secret = dup_str(j, "clientSecret");
	out->expires_at = cache_time(j, "expiresAt");
	out->registration_expires_at = cache_time(j, "registrationExpiresAt");
	creds_cleanse_json(j);
	cJSON_Delete(j);
	if (!out->access_token) *why = "holds no accessToken";
	else if (!out->expires_at) *why = "holds no expiresAt time";
	if (!*why) return 0;
	aws_sso_token_free(out);
	return -1;
}

int aws_sso_token_refreshable(const aws_sso_token_t *t, time_t now)
{
	return t->refresh_token && t->client_id && t->client_secret &&
	       (!t->registration_expires_at || t->registration_expires_at > now);
}

static int set_string(cJSON *j, const char *k, const char *v)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(j, k);
	if (old && cJSON_IsString(old) && old->valuestring)
		OPENSSL_cleanse(old->valuestring, strlen(old->valuestring));
	cJSON *s = cJSON_CreateString(v);
	if (!s) return -1;
	if (old) return cJSON_ReplaceItemInObjectCaseSensitive(j, k, s) ? 0 : -1;
	return cJSON_AddItemToObject(j, k, s) ? 0 : -1;
}

int aws_sso_token_store(const char *path, const char *access_token, const char *refresh_token,
                        time_t expires_at, const char **why)
{
	cJSON *j = read_cache(path, why);
	if (!j) return -1;
	char when[32], *text = NULL;
	int rc = -1;
	isotime_format(expires_at, when, sizeof when);
	*why = "could not be written (out of memory)";
	if (set_string(j, "accessToken", access_token) < 0 || set_string(j, "expiresAt", when) < 0 ||
	    (refresh_token && set_string(j, "refreshToken", refresh_token) < 0) ||
	    !(text = cJSON_Print(j)))
		goto out;
	/* 0600, as the CLI's cache files are; the rename makes the new token appear whole to
	 * a CLI reading it at the same time. */
	rc = file_write_atomic(path, text, strlen(text), 0600);
	*why = rc == 0 ? NULL : "could not be rewritten (cannot write a file beside it)";
	OPENSSL_cleanse(text, strlen(text));
	free(text);
out:
	creds_cleanse_json(j);
	cJSON_Delete(j);
	return rc;
}

int aws_sso_parse_role_credentials(const char *json, size_t len, aws_creds_t *out)
{
	memset(out, 0, sizeof *out);
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(j, "roleCredentials");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(rc, "expiration");
	out->access_key_id = dup_str(rc, "accessKeyId");
	out->secret_access_key = dup_str(rc, "secretAccessKey");
	out->session_token = dup_str(rc, "sessionToken");
	/* epoch milliseconds (the SSO API's "expiration": ExpirationTimestampType) */
	out->expiration = cJSON_IsNumber(exp) ? (time_t)(cJSON_GetNumberValue(exp) / 1000) : 0;
	creds_cleanse_json((cJSON *)rc);
	cJSON_Delete(j);
	if (out->access_key_id && out->secret_access_key && out->session_token) return 0;
	aws_creds_free(out);
	return -1;
}

int aws_sso_parse_create_token(const char *json, size_t len, char **access_token,
                               char **refresh_token, long *expires_in)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(j, "expiresIn");
	*access_token = dup_str(j, "accessToken");
	*refresh_token = dup_str(j, "refreshToken");
	*expires_in = cJSON_IsNumber(in) ? (long)cJSON_GetNumberValue(in) : 0;
	creds_cleanse_json(j);
	cJSON_Delete(j);
	if (*access_token && *expires_in > 0) return 0;
	creds_free_secret(*access_token);
	creds_free_secret(*refresh_token);
	*access_token = *refresh_token = NULL;
	return -1;
}

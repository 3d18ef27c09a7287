/* IAM Identity Center (SSO): the token cache `aws sso login` writes under
 * ~/.aws/sso/cache/, and the JSON replies of the SSO portal's GetRoleCredentials and
 * SSO-OIDC's CreateToken. No network here; creds_fetch.c makes the calls. */
#ifndef NIXL_AWS_SSO_H
#define NIXL_AWS_SSO_H

#include <stddef.h>
#include <time.h>

#include "aws/creds.h"

/* The cached token's file name without ".json": the SHA-1, in lower-case hex, of the
 * sso-session's name, or of the start URL for a profile without sso_session
 * (botocore/utils.py SSOTokenLoader._generate_cache_key). */
void aws_sso_cache_key(const char *session_or_url, char hex[41]);

typedef struct aws_sso_token {
	char *access_token, *refresh_token, *client_id, *client_secret; /* NULL when absent */
	time_t expires_at, registration_expires_at;                    /* 0 when absent */
} aws_sso_token_t;

/* Reads the cached token. 0, or -1 with *why saying what is wrong ("was not found",
 * "is not JSON", "holds no accessToken"...); never quotes the file. */
int aws_sso_token_load(const char *path, aws_sso_token_t *out, const char **why);
void aws_sso_token_free(aws_sso_token_t *t);

/* True when t can be refreshed with CreateToken at now: a refresh token and a client
 * registration that has not expired. */
int aws_sso_token_refreshable(const aws_sso_token_t *t, time_t now);

/* Writes the refreshed token into the cache file: accessToken, expiresAt and (when not
 * NULL) refreshToken replaced, the other fields kept; through a temporary file renamed
 * over it, mode 0600. 0, or -1 with *why. */
int aws_sso_token_store(const char *path, const char *access_token, const char *refresh_token,
                        time_t expires_at, const char **why);

/* GetRoleCredentials' reply: {"roleCredentials": {accessKeyId, secretAccessKey,
 * sessionToken, expiration (epoch milliseconds)}}. 0, or -1. */
int aws_sso_parse_role_credentials(const char *json, size_t len, aws_creds_t *out);

/* CreateToken's reply: accessToken, expiresIn (seconds), optional refreshToken.
 * 0, or -1; the strings are malloc'd. */
int aws_sso_parse_create_token(const char *json, size_t len, char **access_token,
                               char **refresh_token, long *expires_in);

#endif

#include "aws/creds.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static void free_secret(char *s)
{
	if (!s) return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void aws_creds_free(aws_creds_t *c)
{
	if (!c) return;
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	memset(c, 0, sizeof *c);
}

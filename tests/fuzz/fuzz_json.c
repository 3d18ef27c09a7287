/* The JSON 1.1 replies (every JSON one in replies.h), the IMDS and SSO credentials
 * documents and JSON error replies. cJSON parses fast, so every input goes to every
 * parser. */
#include "fuzz.h"
#include "replies.h"

#include "aws/codec.h"
#include "aws/creds.h"
#include "aws/creds_fetch.h"
#include "aws/error.h"
#include "aws/logs.h"
#include "aws/ssm.h"
#include "aws/sso.h"

#define RUN(fn, type, free_fn)                                                    \
	do {                                                                      \
		type r_;                                                          \
		aws_error_t e_;                                                   \
		memset(&r_, 0, sizeof r_);                                        \
		fn(body, size, &r_, &e_);                                         \
		free_fn(&r_);                                                     \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the HTTP engine hands every parser a NUL-terminated body */
	char *body = fuzz_cstr(data, size);
	if (!body) return 0;
	aws_error_t err;
	for (size_t i = 0; i < TEST_NREPLIES; i++)
		if (test_replies[i].reply->json) test_reply_run(test_replies[i].reply, body, size, &err);
	RUN(aws_creds_parse_imds, aws_creds_t, aws_creds_free);

	/* the SSO portal's and SSO-OIDC's replies */
	aws_creds_t sso;
	memset(&sso, 0, sizeof sso);
	aws_sso_parse_role_credentials(body, size, &sso);
	aws_creds_free(&sso);
	char *access = NULL, *refresh = NULL;
	long expires_in = 0;
	aws_sso_parse_create_token(body, size, &access, &refresh, &expires_in);
	free(access);
	free(refresh);

	logs_events_t events;
	memset(&events, 0, sizeof events);
	if (logs_parse_get_log_events(body, size, &events, &err) == 0)
		logs_events_at_end(&events, "f/1");
	logs_events_free(&events);

	char sentence[2048];
	aws_error_parse(&err, body, size, NULL, NULL);
	aws_error_sentence(&err, sentence, sizeof sentence);
	aws_error_parse(&err, body, size, "req-1", "ThrottlingException:http://internal");
	aws_error_sentence(&err, sentence, sizeof sentence);

	/* the generic reads the typed parsers are built from, over any member */
	cJSON *root = codec_json_parse(body, size, &err);
	const cJSON *m;
	cJSON_ArrayForEach(m, root) {
		if (!m->string) continue;
		time_t t;
		int ms;
		long long ll;
		size_t n;
		free(codec_json_str(root, m->string));
		codec_json_long(root, m->string, &ll);
		codec_json_time(root, m->string, &t, &ms);
		codec_strv_free(codec_json_strv(root, m->string, &n), n);
	}
	cJSON_Delete(root);

	time_t t;
	aws_creds_parse_time(body, &t);
	free(body);
	return 0;
}

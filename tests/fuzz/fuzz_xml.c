/* The Query / EC2 / REST-XML replies (every XML one in replies.h, the AssumeRole step of
 * the credential chain, S3's PutObject and ListObjectsV2's rule on truncation) and the
 * error-reply parser. The root element picks the replies, as the call that sent the
 * request would; every input also goes through aws_error_parse, which is handed replies
 * of any shape. */
#include "fuzz.h"
#include "replies.h"

#include "aws/cfn.h"
#include "aws/creds.h"
#include "aws/creds_fetch.h"
#include "aws/ec2.h"
#include "aws/error.h"
#include "aws/s3.h"
#include "aws/sts.h"
#include "aws/xml.h"

/* AssumeRole's reply as the credential chain reads it, besides STS's own parse */
static void run_creds_assume_role(const char *body, size_t len)
{
	aws_creds_t c;
	aws_error_t e;
	memset(&c, 0, sizeof c);
	aws_creds_parse_assume_role(body, len, &c, &e);
	aws_creds_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the HTTP engine hands every parser a NUL-terminated body */
	char *body = fuzz_cstr(data, size);
	if (!body) return 0;
	aws_error_t err;
	char sentence[2048];
	aws_error_parse(&err, body, size, NULL, NULL);
	aws_error_sentence(&err, sentence, sizeof sentence);
	aws_error_parse(&err, body, size, "req-1", "ValidationError:http://internal");
	aws_error_sentence(&err, sentence, sizeof sentence);

	xmlDoc *doc = xml_parse(body, size, &err);
	const char *root = doc ? xml_name(xml_root(doc)) : NULL;
	for (size_t i = 0; root && i < TEST_NREPLIES; i++) {
		const shape_reply_t *r = test_replies[i].reply;
		if (!r->json && strcmp(r->root, root) == 0) test_reply_run(r, body, size, &err);
	}
	if (root && strcmp(root, "AssumeRoleResponse") == 0) run_creds_assume_role(body, size);
	if (root && strcmp(root, "ListBucketResult") == 0) {
		s3_list_result_t list; /* the reply and its rule on truncation */
		s3_parse_list_objects_v2(body, size, &list, &err);
		s3_list_result_free(&list);
	}
	xmlFreeDoc(doc);

	s3_put_result_t put;
	s3_parse_put_object(body, &put, &err);
	s3_put_result_free(&put);
	free(body);
	return 0;
}

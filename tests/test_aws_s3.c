/* S3: the exact REST requests (paths, sorted queries, DeleteObjects XML and its
 * Content-MD5) and the reply parsers. */
#include "testutil.h"

#include "awstest.h"
#include "aws/s3.h"

static const char *header(const s3_request_t *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) return r->headers[i].value;
	return NULL;
}

static void test_build_put(void **state)
{
	(void)state;
	unsigned char bytes[256];
	for (int i = 0; i < 256; i++) bytes[i] = (unsigned char)i;
	s3_request_t r;
	assert_int_equal(s3_build_put_object("nixl-b", "runs/1/check script+v2.sh", bytes, 256, &r),
	                 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(r.path, "/nixl-b/runs/1/check%20script%2Bv2.sh");
	assert_null(r.query);
	assert_int_equal(r.nheaders, 1);
	assert_string_equal(header(&r, "Content-Type"), "application/octet-stream");
	assert_ptr_equal(r.body, bytes); /* borrowed, not copied */
	assert_int_equal(r.body_len, 256);
	s3_request_free(&r);
	assert_int_equal(s3_build_put_object("b", "", bytes, 0, &r), -1);
	assert_int_equal(s3_build_put_object(NULL, "k", bytes, 0, &r), -1);
	assert_int_equal(s3_build_put_object("b", "empty", NULL, 0, &r), 0);
	assert_int_equal(r.body_len, 0);
	s3_request_free(&r);
}

/* The staging bucket of a TemplateURL: CreateBucket's LocationConstraint only outside
 * us-east-1 (S3 refuses "us-east-1" there), DeleteBucket, and the URL CloudFormation reads. */
static void test_build_bucket_and_url(void **state)
{
	(void)state;
	s3_request_t r;
	assert_int_equal(s3_build_create_bucket("nixl-tui-staging-1-us-east-1", "us-east-1", &r), 0);
	assert_string_equal(r.method, "PUT");
	assert_string_equal(r.path, "/nixl-tui-staging-1-us-east-1");
	assert_int_equal(r.body_len, 0);
	s3_request_free(&r);
	assert_int_equal(s3_build_create_bucket("b-eu", "eu-west-1", &r), 0);
	assert_non_null(r.body);
	assert_non_null(strstr(r.body, "<LocationConstraint>eu-west-1</LocationConstraint>"));
	assert_int_equal(r.body_len, strlen(r.body));
	assert_string_equal(header(&r, "Content-Type"), "application/xml");
	s3_request_free(&r);
	assert_int_equal(s3_build_create_bucket("b", "", &r), -1);
	assert_int_equal(s3_build_delete_bucket("b-eu", &r), 0);
	assert_string_equal(r.method, "DELETE");
	assert_string_equal(r.path, "/b-eu");
	s3_request_free(&r);
	assert_int_equal(s3_build_delete_bucket("", &r), -1);

	char *u = s3_object_url("b-1", "us-west-2", "stack/a b.json");
	assert_string_equal(u, "https://b-1.s3.us-west-2.amazonaws.com/stack/a%20b.json");
	free(u);
	u = s3_object_url("b-1", "cn-north-1", "k");
	assert_string_equal(u, "https://b-1.s3.cn-north-1.amazonaws.com.cn/k");
	free(u);
	assert_null(s3_object_url("b", "us-east-1", ""));
}

static void test_build_list(void **state)
{
	(void)state;
	s3_request_t r;
	s3_list_req_t req = {.bucket = "nixl-b", .prefix = "runs/a b", .max_keys = 10,
	                     .continuation_token = "1/Ab+c=="};
	assert_int_equal(s3_build_list_objects_v2(&req, &r), 0);
	assert_string_equal(r.method, "GET");
	assert_string_equal(r.path, "/nixl-b");
	/* Sorted by name, values encoded (SigV4 canonical form is the wire form). */
	assert_string_equal(r.query, "continuation-token=1%2FAb%2Bc%3D%3D&encoding-type=url&"
	                             "list-type=2&max-keys=10&prefix=runs%2Fa%20b");
	assert_int_equal(r.nheaders, 0);
	s3_request_free(&r);
	s3_list_req_t first = {.bucket = "b"};
	assert_int_equal(s3_build_list_objects_v2(&first, &r), 0);
	assert_string_equal(r.query, "encoding-type=url&list-type=2");
	s3_request_free(&r);
	s3_list_req_t bad = {.bucket = "b", .max_keys = -1};
	assert_int_equal(s3_build_list_objects_v2(&bad, &r), -1);
}

static void test_build_delete(void **state)
{
	(void)state;
	const char *keys[] = {"a", "b&<c> \"d'"};
	s3_request_t r;
	assert_int_equal(s3_build_delete_objects("nixl-b", keys, 2, 1, &r), 0);
	assert_string_equal(r.method, "POST");
	assert_string_equal(r.path, "/nixl-b");
	assert_string_equal(r.query, "delete");
	const char *xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	                  "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
	                  "<Quiet>true</Quiet><Object><Key>a</Key></Object>"
	                  "<Object><Key>b&amp;&lt;c&gt; &quot;d&apos;</Key></Object></Delete>";
	assert_int_equal(r.body_len, strlen(xml));
	assert_memory_equal(r.body, xml, r.body_len);
	/* base64(MD5(body)), computed independently with `openssl dgst -md5 -binary | base64`. */
	assert_string_equal(header(&r, "Content-MD5"), "Yih/gkA7rWIsYEo+jOfm6A==");
	assert_string_equal(header(&r, "Content-Type"), "application/xml");
	s3_request_free(&r);

	/* 1000 keys is the most one call takes. */
	const char **many = calloc(1001, sizeof *many);
	char (*names)[16] = calloc(1001, sizeof *names);
	for (int i = 0; i < 1001; i++) {
		snprintf(names[i], sizeof names[i], "k%04d", i);
		many[i] = names[i];
	}
	assert_int_equal(s3_build_delete_objects("b", many, 1000, 0, &r), 0);
	assert_non_null(strstr(r.body, "<Quiet>false</Quiet>"));
	assert_non_null(strstr(r.body, "<Key>k0999</Key></Object></Delete>"));
	s3_request_free(&r);
	assert_int_equal(s3_build_delete_objects("b", many, 1001, 0, &r), -1);
	assert_int_equal(s3_build_delete_objects("b", many, 0, 0, &r), -1);
	free(many);
	free(names);
	/* XML 1.0 cannot carry most control characters. */
	const char *ctl[] = {"a\x01z"};
	assert_int_equal(s3_build_delete_objects("b", ctl, 1, 0, &r), -1);
}

static void test_parse_list(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	s3_list_result_t l;
	char *b = fixture_read("aws/s3-list-objects.xml", &len, 0);
	assert_int_equal(s3_parse_list_objects_v2(b, len, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.objects[0].key, "key1");
	assert_int_equal(l.objects[0].size, 10000);
	assert_string_equal(l.objects[0].etag, "\"1d921b22129502cbbe5cbaf2c8bac682\"");
	assert_int_equal(l.objects[0].last_modified, utc(2013, 1, 10, 21, 45, 9));
	assert_string_equal(l.objects[1].key, "key2");
	assert_int_equal(l.objects[1].size, 1234);
	assert_int_equal(l.is_truncated, 0);
	assert_int_equal(l.key_count, 2); /* V1 reply: counted */
	assert_null(l.next_continuation_token);
	s3_list_result_free(&l);
	free(b);

	/* moto, encoding-type=url: keys come back decoded. */
	b = fixture_read("aws/moto/s3-list-objects-v2.xml", &len, 0);
	assert_int_equal(s3_parse_list_objects_v2(b, len, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.objects[0].key, "a");
	assert_string_equal(l.objects[1].key, "b/c d");
	assert_int_equal(l.objects[1].size, 1);
	assert_int_equal(l.is_truncated, 1);
	assert_int_equal(l.key_count, 2);
	assert_string_equal(l.next_continuation_token, "48d89e111a3d2ce2d27dfadcae33342c");
	s3_list_result_free(&l);
	free(b);

	const char *plus = "<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>a+b%2"
	                   "6c%zz</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>";
	assert_int_equal(s3_parse_list_objects_v2(plus, strlen(plus), &l, &err), 0);
	assert_string_equal(l.objects[0].key, "a b&c%zz");
	s3_list_result_free(&l);

	/* Truncated without a token would loop forever: an error. */
	const char *t = "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
	assert_int_equal(s3_parse_list_objects_v2(t, strlen(t), &l, &err), -1);
	assert_parse_error(err);
	b = fixture_read("aws/s3-error-access-denied.xml", &len, 0);
	assert_int_equal(s3_parse_list_objects_v2(b, len, &l, &err), -1);
	assert_parse_error(err);
	free(b);
}

static void test_parse_delete_and_put(void **state)
{
	(void)state;
	size_t len = 0;
	aws_error_t err;
	s3_delete_result_t d;
	char *b = fixture_read("aws/moto/s3-delete-objects.xml", &len, 0);
	assert_int_equal(s3_parse_delete_objects(b, len, &d, &err), 0);
	assert_int_equal(d.ndeleted, 2);
	assert_string_equal(d.deleted[0], "a");
	assert_string_equal(d.deleted[1], "e&f");
	assert_int_equal(d.nerrors, 0);
	s3_delete_result_free(&d);
	free(b);

	/* Quiet mode: only failures, each with its key and reason. */
	const char *q = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"http://s3."
	                "amazonaws.com/doc/2006-03-01/\"><Error><Key>locked/1</Key><Code>AccessDenied"
	                "</Code><Message>Access Denied</Message></Error><Error><Key>x</Key><Code>"
	                "InternalError</Code><Message>We encountered an internal error. Please try "
	                "again.</Message></Error></DeleteResult>";
	assert_int_equal(s3_parse_delete_objects(q, strlen(q), &d, &err), 0);
	assert_int_equal(d.ndeleted, 0);
	assert_int_equal(d.nerrors, 2);
	assert_string_equal(d.errors[0].key, "locked/1");
	assert_string_equal(d.errors[0].code, "AccessDenied");
	assert_string_equal(d.errors[0].message, "Access Denied");
	assert_string_equal(d.errors[1].code, "InternalError");
	s3_delete_result_free(&d);
	assert_int_equal(s3_parse_delete_objects("<DeleteResult>", 14, &d, &err), -1);
	assert_parse_error(err);

	s3_put_result_t p;
	assert_int_equal(s3_parse_put_object("\"d41d8cd98f00b204e9800998ecf8427e\"", &p, &err), 0);
	assert_string_equal(p.etag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
	s3_put_result_free(&p);
	assert_int_equal(s3_parse_put_object(NULL, &p, &err), -1);
	assert_parse_error(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_put),
		cmocka_unit_test(test_build_bucket_and_url),
		cmocka_unit_test(test_build_list),
		cmocka_unit_test(test_build_delete),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_delete_and_put),
	};
	return cmocka_run_group_tests_name("aws_s3", tests, NULL, NULL);
}

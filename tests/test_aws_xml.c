/* The codec helpers: safe XML parsing and lookups (xml.h), timestamps and JSON reads
 * (codec.h), and what they do with hostile or broken input. */
#include "testutil.h"

#include "awstest.h"
#include "aws/codec.h"
#include "aws/xml.h"

static void test_lookup_ignores_namespaces(void **state)
{
	(void)state;
	const char *x = "<?xml version=\"1.0\"?>\n"
	                "<a:Root xmlns:a=\"urn:a\" xmlns=\"urn:d\"><Result><List>"
	                "<member>one</member><a:member>two</a:member><other>no</other>"
	                "<member><![CDATA[th<r>ee]]> &amp; more</member>"
	                "</List><N> 42 </N><B>true</B><F>1.5</F><Bad>4x</Bad><Empty/>"
	                "<T>2016-03-15T20:54:31.809Z</T></Result></a:Root>";
	aws_error_t err;
	xmlDoc *doc;
	xmlNode *r = xml_open(x, strlen(x), "Root", "Result", &doc, &err);
	assert_non_null(r);
	assert_string_equal(xml_name(xml_root(doc)), "Root");
	xmlNode *list = xml_child(r, "List");
	assert_int_equal(xml_count(list, NULL), 3);
	assert_int_equal(xml_count(list, "other"), 1);
	size_t n;
	char **v = xml_strv(list, &n);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "one");
	assert_string_equal(v[1], "two");
	assert_string_equal(v[2], "th<r>ee & more");
	codec_strv_free(v, n);

	long long ll = 0;
	int i = 0, b = 0, ms = -1;
	double d = 0;
	time_t t = 0;
	assert_int_equal(xml_path_long(r, "N", &ll), 0);
	assert_int_equal(ll, 42);
	assert_int_equal(xml_path_int(r, "N", &i), 0);
	assert_int_equal(i, 42);
	assert_int_equal(xml_path_bool(r, "B", &b), 0);
	assert_int_equal(b, 1);
	assert_int_equal(xml_path_double(r, "F", &d), 0);
	assert_true(d > 1.49 && d < 1.51);
	assert_int_equal(xml_path_int(r, "Bad", &i), -1);
	assert_int_equal(i, 42); /* untouched */
	assert_int_equal(xml_path_bool(r, "N", &b), -1);
	assert_int_equal(xml_path_time(r, "T", &t, &ms), 0);
	assert_int_equal(t, utc(2016, 3, 15, 20, 54, 31));
	assert_int_equal(ms, 809);
	assert_int_equal(xml_path_int(r, "Missing", &i), -1);

	char *e = xml_path_text(r, "Empty");
	assert_string_equal(e, "");
	free(e);
	assert_null(xml_path_token(r, "Empty"));
	assert_null(xml_path_text(r, "Missing/Deeper"));
	assert_null(xml_path(NULL, "A"));
	xmlFreeDoc(doc);
}

static void test_open_checks_root_and_child(void **state)
{
	(void)state;
	aws_error_t err;
	xmlDoc *doc;
	const char *x = "<ErrorResponse><Error><Code>X</Code></Error></ErrorResponse>";
	assert_null(xml_open(x, strlen(x), "DescribeStacksResponse", "DescribeStacksResult", &doc,
	                     &err));
	assert_null(doc);
	assert_parse_error(err);
	assert_string_equal(err.message, "the reply is <ErrorResponse>, expected <DescribeStacksResponse>");
	const char *y = "<DescribeStacksResponse><Other/></DescribeStacksResponse>";
	assert_null(xml_open(y, strlen(y), "DescribeStacksResponse", "DescribeStacksResult", &doc,
	                     &err));
	assert_string_equal(err.message,
	                    "the <DescribeStacksResponse> reply has no <DescribeStacksResult>");
}

static void test_bad_xml(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"   ",
		"<a><b></a>",
		"<a>",
		"<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackId>x",
		"not xml at all",
		"<a/><b/>",
		"<a>\x01</a>",
		/* An entity bomb: refused before anything is expanded. */
		"<!DOCTYPE a [<!ENTITY x \"xxxxxxxxxx\"><!ENTITY y \"&x;&x;&x;&x;&x;&x;\">]><a>&y;</a>",
		/* An external entity: never fetched. */
		"<!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		aws_error_t err;
		xmlDoc *doc = xml_parse(bad[i], strlen(bad[i]), &err);
		if (doc) fail_msg("case %zu parsed", i);
		assert_parse_error(err);
	}
	aws_error_t err;
	assert_null(xml_parse(NULL, 0, &err));
	assert_string_equal(err.message, "the reply body is empty");
	/* Messages say where and why. */
	assert_null(xml_parse("<a><b></a>", 10, &err));
	assert_non_null(strstr(err.message, "not well-formed XML (line 1: "));
}

static void test_too_large(void **state)
{
	(void)state;
	size_t n = 20u * 1024 * 1024;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, "<a>", 3);
	memcpy(big + n - 4, "</a>", 4);
	big[n] = 0;
	aws_error_t err;
	assert_null(xml_parse(big, n, &err));
	assert_parse_error(err);
	assert_string_equal(err.message,
	                    "the reply is too large to read (20971520 bytes, limit 16777216)");
	big[0] = '{';
	big[n - 1] = '}';
	assert_null(codec_json_parse(big, n, &err));
	assert_non_null(strstr(err.message, "too large"));
	free(big);
}

static void test_time_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		time_t want;
		int ms;
	} ok[] = {
		{"2010-07-27T22:26:28Z", 0, 0},
		{"2016-03-15T20:54:31.809Z", 0, 809},
		{"2026-11-28T12:53:29.484654Z", 0, 484},
		{"2025-02-15T11:30:00+00:00", 0, 0},
		{"2025-02-15T13:30:00+02:00", 0, 0},
		{"2025-02-15T06:30:00.5-0500", 0, 500},
	};
	time_t want[] = {utc(2010, 7, 27, 22, 26, 28), utc(2016, 3, 15, 20, 54, 31),
	                 utc(2026, 11, 28, 12, 53, 29), utc(2025, 2, 15, 11, 30, 0),
	                 utc(2025, 2, 15, 11, 30, 0),  utc(2025, 2, 15, 11, 30, 0)};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		time_t t = 0;
		int ms = -1;
		assert_int_equal(codec_time_parse(ok[i].s, &t, &ms), 0);
		assert_int_equal(t, want[i]);
		assert_int_equal(ms, ok[i].ms);
	}
	static const char *const bad[] = {"", "2010-07-27", "2010-07-27T22:26:28",
	                                  "2010-13-27T22:26:28Z", "2010-07-27T22:26:28Zjunk",
	                                  "2010-07-27T22:26:28.Z", "1582245977.7",
	                                  "2010-07-27T22:26:28+0"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		time_t t = 7;
		assert_int_equal(codec_time_parse(bad[i], &t, NULL), -1);
	}
	char buf[32];
	codec_time_format(utc(2025, 2, 15, 11, 30, 0), buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00Z");
}

static void test_json_reads(void **state)
{
	(void)state;
	const char *s = "{\"S\":\"v\",\"N\":1582245977.7,\"I\":3,\"B\":false,\"T\":\"2020-02-19T18:18:"
	                "03.419Z\",\"L\":[\"a\",1,\"b\"],\"Big\":1e300}";
	aws_error_t err;
	cJSON *j = codec_json_parse(s, strlen(s), &err);
	assert_non_null(j);
	char *v = codec_json_str(j, "S");
	assert_string_equal(v, "v");
	free(v);
	assert_null(codec_json_str(j, "N"));
	time_t t;
	int ms;
	assert_int_equal(codec_json_time(j, "N", &t, &ms), 0);
	assert_int_equal(t, 1582245977);
	assert_int_equal(ms, 700);
	assert_int_equal(codec_json_time(j, "T", &t, &ms), 0);
	assert_int_equal(t, utc(2020, 2, 19, 18, 18, 3));
	assert_int_equal(ms, 419);
	int i = -1, b = -1;
	assert_int_equal(codec_json_int(j, "I", &i), 0);
	assert_int_equal(i, 3);
	assert_int_equal(codec_json_int(j, "Big", &i), -1);
	assert_int_equal(codec_json_bool(j, "B", &b), 0);
	assert_int_equal(b, 0);
	assert_int_equal(codec_json_bool(j, "S", &b), -1);
	size_t n;
	char **l = codec_json_strv(j, "L", &n);
	assert_int_equal(n, 2);
	assert_string_equal(l[1], "b");
	codec_strv_free(l, n);
	cJSON_Delete(j);

	static const char *const bad[] = {"", "{", "{\"a\":}", "[1]", "\"str\"", "{\"a\":1} x",
	                                  "{\"a\":\"b\nc\"}"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		assert_null(codec_json_parse(bad[k], strlen(bad[k]), &err));
		assert_parse_error(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_ignores_namespaces),
		cmocka_unit_test(test_open_checks_root_and_child),
		cmocka_unit_test(test_bad_xml),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_json_reads),
	};
	return cmocka_run_group_tests_name("aws_xml", tests, NULL, NULL);
}

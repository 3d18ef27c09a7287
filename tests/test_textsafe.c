#include "testutil.h"
#include "base/textsafe.h"

/* textsafe_dup(in) must be out, and what it wrote must pass through again unchanged. */
static void expect(const char *in, const char *out)
{
	char *got = textsafe_dup(in);
	assert_non_null(got);
	assert_string_equal(got, out);
	char *again = textsafe_dup(got);
	assert_string_equal(again, got);
	free(again);
	free(got);
}

static void test_printable_text_unchanged(void **state)
{
	(void)state;
	expect("", "");
	expect("CREATE_FAILED: [Node2] p5.48xlarge us-east-1a \\ \"q\" 'x' ~", "CREATE_FAILED: [Node2] p5.48xlarge us-east-1a \\ \"q\" 'x' ~");
	expect("tab\tand\nnewline", "tab\tand\nnewline");
	expect("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x9a\x80 \xe2\x9c\x93", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x9a\x80 \xe2\x9c\x93");
	expect("\xc2\xa0nbsp \xe2\x80\x8b zwsp \xe2\x80\x8d zwj", "\xc2\xa0nbsp \xe2\x80\x8b zwsp \xe2\x80\x8d zwj"); /* not controls */
}

static void test_c0_and_del_escaped(void **state)
{
	(void)state;
	expect("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	expect("\x1b]52;c;cHduZWQ=\x07", "\\x1b]52;c;cHduZWQ=\\x07");
	expect("ok\rFAILED", "ok\\x0dFAILED");
	expect("a\bb\x7f" "c\x01", "a\\x08b\\x7fc\\x01");
}

static void test_c1_escaped(void **state)
{
	(void)state;
	expect("\xc2\x9b" "31m", "\\u009b31m");
	expect("\xc2\x9d" "52;c;x\xc2\x9c", "\\u009d52;c;x\\u009c");
	expect("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
}

static void test_bidi_escaped(void **state)
{
	(void)state;
	expect("evil\xe2\x80\xae" "txt.exe", "evil\\u202etxt.exe");
	expect("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d");
	expect("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069");
	expect("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", "\\u200e\\u200f\\u061c");
}

static void test_invalid_utf8_escaped(void **state)
{
	(void)state;
	expect("\xff\xfe", "\\xff\\xfe");
	expect("\xc0\xaf", "\\xc0\\xaf");                 /* overlong '/' */
	expect("\xed\xa0\x80", "\\xed\\xa0\\x80");        /* a surrogate */
	expect("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	expect("\x9b" "31m", "\\x9b31m");                /* a bare 8-bit CSI byte */
	expect("cut \xe6\x97", "cut \\xe6\\x97");        /* truncated at the end */
	expect("cut \xf0\x9f\x9a" "x", "cut \\xf0\\x9f\\x9ax");
	expect("\xe2\x80", "\\xe2\\x80");                /* half a bidi override */
}

static void test_copy_cuts_whole_pieces(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(textsafe_copy(buf, sizeof buf, "ab\x1b[1m"), 7);
	assert_string_equal(buf, "ab\\x1b[");
	assert_int_equal(textsafe_copy(buf, sizeof buf, "abcd\x1b"), 4); /* no half escape */
	assert_string_equal(buf, "abcd");
	assert_int_equal(textsafe_copy(buf, 4, "\xe6\x97\xa5\xe6\x9c\xac"), 3); /* no half character */
	assert_string_equal(buf, "\xe6\x97\xa5");
	assert_int_equal(textsafe_copy(buf, 1, "x"), 0);
	assert_string_equal(buf, "");
}

static void test_streams(void **state)
{
	(void)state;
	char *mem = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&mem, &len);
	assert_int_equal(textsafe_fputs("[error] \x1b[2J\xc2\x9b" "1m\n", f), 0);
	assert_true(textsafe_printf(f, "node %s: %s\n", "i-1", "\xe2\x80\xae\x07") > 0);
	fclose(f);
	assert_string_equal(mem, "[error] \\x1b[2J\\u009b1m\nnode i-1: \\u202e\\x07\n");
	free(mem);
}

static void test_json_document(void **state)
{
	(void)state;
	/* as cJSON prints them: C0 already escaped, the rest raw */
	char *j = textsafe_json("{\n\t\"v\":\t\"\\u001b[1m \xc2\x9b" "2J \xe2\x80\xae \xff \x7f \xe6\x97\xa5 \xf0\x9f\x9a\x80\"\n}");
	assert_string_equal(j, "{\n\t\"v\":\t\"\\u001b[1m \\u009b2J \\u202e \\ufffd \\u007f \xe6\x97\xa5 \xf0\x9f\x9a\x80\"\n}");
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable_text_unchanged),
		cmocka_unit_test(test_c0_and_del_escaped),
		cmocka_unit_test(test_c1_escaped),
		cmocka_unit_test(test_bidi_escaped),
		cmocka_unit_test(test_invalid_utf8_escaped),
		cmocka_unit_test(test_copy_cuts_whole_pieces),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_json_document),
	};
	return cmocka_run_group_tests_name("textsafe", tests, NULL, NULL);
}

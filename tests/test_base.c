/* The base layer: the bounded appender, the growing array, the JSON object of strings, the
 * nulls of --json, the time formats. */
#include "testutil.h"

#include <math.h>

#include "base/grow.h"
#include "base/isotime.h"
#include "base/jsonobj.h"
#include "base/sbuf.h"

static void test_sbuf_appends_and_never_overruns(void **state)
{
	(void)state;
	char guard_before[8], buf[16], guard_after[8];
	memset(guard_before, 'G', sizeof guard_before);
	memset(guard_after, 'G', sizeof guard_after);
	sbuf_t b;
	sbuf_init(&b, buf, sizeof buf);
	assert_string_equal(buf, "");
	sbuf_addf(&b, "%s-%d", "ab", 12);
	sbuf_add(&b, "!");
	assert_string_equal(buf, "ab-12!");
	assert_int_equal(b.len, 6);
	assert_int_equal(b.truncated, 0);
	/* a piece that does not fit is cut at the end, and later pieces change nothing */
	sbuf_add(&b, "0123456789abcdef");
	assert_int_equal(b.len, sizeof buf - 1);
	assert_int_equal(b.truncated, 1);
	assert_string_equal(buf, "ab-12!012345678");
	for (int i = 0; i < 100; i++) sbuf_addf(&b, "%d", i);
	assert_string_equal(buf, "ab-12!012345678");
	for (size_t i = 0; i < sizeof guard_before; i++) assert_int_equal(guard_before[i], 'G');
	for (size_t i = 0; i < sizeof guard_after; i++) assert_int_equal(guard_after[i], 'G');
	/* exactly full: not truncated */
	char four[4];
	sbuf_init(&b, four, sizeof four);
	sbuf_add(&b, "abc");
	assert_int_equal(b.truncated, 0);
	sbuf_add(&b, "");
	assert_int_equal(b.truncated, 0);
	sbuf_add(&b, "d");
	assert_int_equal(b.truncated, 1);
	assert_string_equal(four, "abc");
	/* no room at all */
	sbuf_init(&b, four, 0);
	sbuf_add(&b, "x");
	assert_int_equal(b.truncated, 1);
	assert_int_equal(b.len, 0);
}

/* The capacity starts at `first`, doubles until the need is met, and what was stored
 * stays; a need already met changes nothing. */
static void test_grow_array_doubles_and_keeps(void **state)
{
	(void)state;
	int *v = NULL;
	size_t cap = 0;
	assert_int_equal(grow_array((void **)&v, &cap, 1, sizeof *v, 4), 0);
	assert_int_equal(cap, 4);
	for (int i = 0; i < 4; i++) v[i] = i * 7;
	int *before = v;
	assert_int_equal(grow_array((void **)&v, &cap, 4, sizeof *v, 4), 0);
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 4);
	assert_int_equal(grow_array((void **)&v, &cap, 5, sizeof *v, 4), 0);
	assert_int_equal(cap, 8);
	assert_int_equal(grow_array((void **)&v, &cap, 100, sizeof *v, 4), 0);
	assert_int_equal(cap, 128);
	for (int i = 0; i < 4; i++) assert_int_equal(v[i], i * 7);
	v[99] = 1; /* the whole need is usable (ASan would say otherwise) */
	free(v);
}

/* The members in the table's order, each a string. */
static void test_json_object_strings(void **state)
{
	(void)state;
	const char *const kv[][2] = { { "stackName", "nixl-efa-dev" }, { "region", "us-east-1" },
	                              { "empty", "" } };
	cJSON *o = json_object_strings(kv, 3);
	assert_non_null(o);
	char *text = cJSON_PrintUnformatted(o);
	assert_string_equal(text, "{\"stackName\":\"nixl-efa-dev\",\"region\":\"us-east-1\",\"empty\":\"\"}");
	free(text);
	cJSON_Delete(o);
}

/* What was not reported or measured keeps its key, as null: a NULL or "" text, a NaN
 * figure; anything else is written as it is (0 is a figure, not an absence). */
static void test_json_add_text_and_figure_null(void **state)
{
	(void)state;
	cJSON *o = cJSON_CreateObject();
	json_add_text(o, "absent", NULL);
	json_add_text(o, "empty", "");
	json_add_text(o, "said", "CREATE_COMPLETE");
	json_add_figure(o, "unmeasured", NAN);
	json_add_figure(o, "zero", 0.0);
	json_add_figure(o, "measured", 12.5);
	char *text = cJSON_PrintUnformatted(o);
	assert_string_equal(text, "{\"absent\":null,\"empty\":null,\"said\":\"CREATE_COMPLETE\","
	                          "\"unmeasured\":null,\"zero\":0,\"measured\":12.5}");
	free(text);
	cJSON_Delete(o);
}

/* The three forms, each read back by isotime_parse where it is ISO 8601's extended form;
 * an ms outside 0..999 is left out; a small buffer is cut, never overrun. */
static void test_isotime_formats(void **state)
{
	(void)state;
	const time_t t = 1739619000; /* 2025-02-15T11:30:00Z */
	char buf[40];
	time_t back;
	int ms;
	isotime_format(t, buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00Z");
	isotime_format_ms(t, 7, buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00.007Z");
	assert_int_equal(isotime_parse(buf, ISOTIME_ZONE_REQUIRED, &back, &ms), 0);
	assert_true(back == t);
	assert_int_equal(ms, 7);
	isotime_format_ms(t, 999, buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00.999Z");
	isotime_format_ms(t, -1, buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00Z");
	isotime_format_ms(t, 1000, buf, sizeof buf);
	assert_string_equal(buf, "2025-02-15T11:30:00Z");
	isotime_format_basic(t, buf, sizeof buf);
	assert_string_equal(buf, "20250215T113000Z");
	char small[8];
	memset(small, 'x', sizeof small);
	isotime_format_ms(t, 5, small, sizeof small);
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_memory_equal(small, "2025-02", 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sbuf_appends_and_never_overruns),
		cmocka_unit_test(test_grow_array_doubles_and_keeps),
		cmocka_unit_test(test_json_object_strings),
		cmocka_unit_test(test_json_add_text_and_figure_null),
		cmocka_unit_test(test_isotime_formats),
	};
	return cmocka_run_group_tests_name("base", tests, NULL, NULL);
}

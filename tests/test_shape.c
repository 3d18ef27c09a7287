/* Every AWS reply table (tests/fuzz/replies.h lists them all): each field lies inside its
 * struct, no two fields share a byte, lists and structs name their element, a field
 * without a path is one the decoders may skip; and each reply, given nothing, garbage or
 * a bare root, fails with its own sentence or decodes, and frees what it got. */
#include "testutil.h"

#include "fuzz/replies.h"

static size_t kind_size(const shape_field_t *f)
{
	switch (f->kind) {
	case SHAPE_TOKEN:
	case SHAPE_TEXT: return sizeof(char *);
	case SHAPE_INT:
	case SHAPE_BOOL: return sizeof(int);
	case SHAPE_LONG: return sizeof(long long);
	case SHAPE_DOUBLE: return sizeof(double);
	case SHAPE_TIME: return sizeof(time_t);
	case SHAPE_STRV: return sizeof(char **);
	case SHAPE_LIST: return sizeof(void *);
	case SHAPE_STRUCT: return f->elem ? f->elem->size : 0;
	}
	return 0;
}

/* The byte ranges a field writes: its value, and its count or milliseconds at aux. */
typedef struct span {
	size_t from, to;
	const char *what;
} span_t;

static int overlaps(const span_t *a, size_t n, size_t from, size_t to)
{
	for (size_t i = 0; i < n; i++)
		if (from < a[i].to && a[i].from < to) return 1;
	return 0;
}

/* Checks sh and every element shape under it; names the first fault in why. */
static int shape_ok(const shape_t *sh, int depth, char *why, size_t nwhy)
{
	span_t spans[64];
	size_t nspans = 0;
	if (depth > 8) return snprintf(why, nwhy, "shapes nest deeper than 8"), 0;
	if (!sh->size || !sh->fields || !sh->nfields) return snprintf(why, nwhy, "an empty shape"), 0;
	for (size_t i = 0; i < sh->nfields; i++) {
		const shape_field_t *f = &sh->fields[i];
		const char *p = f->path ? f->path : "(no path)";
		size_t sz = kind_size(f);
		int has_aux = f->kind == SHAPE_STRV || f->kind == SHAPE_LIST ||
		              (f->kind == SHAPE_TIME && (f->flags & SHAPE_MS));
		size_t aux_sz = f->kind == SHAPE_TIME ? sizeof(int) : sizeof(size_t);
		if (!sz || f->off + sz > sh->size)
			return snprintf(why, nwhy, "%s lies outside its struct", p), 0;
		if (overlaps(spans, nspans, f->off, f->off + sz))
			return snprintf(why, nwhy, "%s shares bytes with another field", p), 0;
		spans[nspans++] = (span_t){ f->off, f->off + sz, p };
		if (has_aux) {
			if (f->aux + aux_sz > sh->size)
				return snprintf(why, nwhy, "%s's count lies outside its struct", p), 0;
			if (overlaps(spans, nspans, f->aux, f->aux + aux_sz))
				return snprintf(why, nwhy, "%s's count shares bytes with a field", p), 0;
			spans[nspans++] = (span_t){ f->aux, f->aux + aux_sz, p };
		}
		if ((f->kind == SHAPE_LIST || f->kind == SHAPE_STRUCT) && !f->elem)
			return snprintf(why, nwhy, "%s names no element shape", p), 0;
		if ((f->flags & SHAPE_SECRET) && f->kind != SHAPE_TEXT && f->kind != SHAPE_TOKEN)
			return snprintf(why, nwhy, "%s is secret but not a string", p), 0;
		if (!f->path && !sh->xml_hook && !(f->flags & SHAPE_INIT))
			return snprintf(why, nwhy, "a field has no path and nothing fills it"), 0;
		if (f->elem && !shape_ok(f->elem, depth + 1, why, nwhy)) return 0;
		if (nspans + 2 > sizeof spans / sizeof spans[0])
			return snprintf(why, nwhy, "more fields than this test holds"), 0;
	}
	return 1;
}

static void test_tables(void **state)
{
	(void)state;
	assert_true(TEST_NREPLIES >= 35);
	for (size_t i = 0; i < TEST_NREPLIES; i++) {
		const shape_reply_t *r = test_replies[i].reply;
		char why[256] = "";
		if (!shape_ok(r->shape, 0, why, sizeof why)) fail_msg("%s: %s", test_replies[i].name, why);
		assert_non_null(r->missing);
		assert_true(strlen(r->missing) > 10);
		if (r->json) assert_null(r->root);
		else assert_non_null(r->root);
	}
}

/* The checker itself: a field past its struct, two fields on one byte, a list without
 * its element, a path-less field nothing fills. */
typedef struct two {
	char *a;
	int b;
} two_t;

static void test_checker_catches(void **state)
{
	(void)state;
	char why[256];
	const shape_field_t past[] = {
		SHAPE_FIELD(two_t, a, "A", SHAPE_TEXT, 0),
		{ "B", SHAPE_LONG, offsetof(two_t, b), 0, NULL, 0, 0 },
	};
	const shape_t s1 = { sizeof(two_t), past, 2, NULL, NULL };
	/* two_t is 16 bytes and b sits at 8: a long long there fits, so shrink the struct */
	const shape_t s1b = { offsetof(two_t, b) + sizeof(int), past, 2, NULL, NULL };
	assert_true(shape_ok(&s1, 0, why, sizeof why));
	assert_false(shape_ok(&s1b, 0, why, sizeof why));
	assert_string_equal(why, "B lies outside its struct");
	const shape_field_t same[] = {
		SHAPE_FIELD(two_t, a, "A", SHAPE_TEXT, 0),
		SHAPE_FIELD(two_t, a, "C", SHAPE_TOKEN, 0),
	};
	const shape_t s2 = { sizeof(two_t), same, 2, NULL, NULL };
	assert_false(shape_ok(&s2, 0, why, sizeof why));
	assert_string_equal(why, "C shares bytes with another field");
	const shape_field_t bare[] = {
		{ "L", SHAPE_LIST, offsetof(two_t, a), offsetof(two_t, b), NULL, 0, 0 },
	};
	const shape_t s3 = { sizeof(two_t), bare, 1, NULL, NULL };
	assert_false(shape_ok(&s3, 0, why, sizeof why));
	const shape_field_t nopath[] = { SHAPE_FIELD(two_t, b, NULL, SHAPE_INT, 0) };
	const shape_t s4 = { sizeof(two_t), nopath, 1, NULL, NULL };
	assert_false(shape_ok(&s4, 0, why, sizeof why));
	assert_string_equal(why, "a field has no path and nothing fills it");
}

/* Nothing, garbage, and a bare root (with its result element): each reply fails with
 * AWS_ERR_PARSE, saying its own sentence when the document itself was readable, or
 * decodes; ASan sees what it allocated freed either way. */
static void test_hostile(void **state)
{
	(void)state;
	for (size_t i = 0; i < TEST_NREPLIES; i++) {
		const shape_reply_t *r = test_replies[i].reply;
		aws_error_t err;
		memset(&err, 0, sizeof err);
		assert_int_equal(test_reply_run(r, "", 0, &err), -1);
		assert_int_equal(err.kind, AWS_ERR_PARSE);
		memset(&err, 0, sizeof err);
		assert_int_equal(test_reply_run(r, "\x01<{]", 4, &err), -1);
		assert_int_equal(err.kind, AWS_ERR_PARSE);

		char bare[512];
		if (r->json) snprintf(bare, sizeof bare, "{}");
		else if (r->result) snprintf(bare, sizeof bare, "<%s><%s/></%s>", r->root, r->result, r->root);
		else snprintf(bare, sizeof bare, "<%s/>", r->root);
		memset(&err, 0, sizeof err);
		if (test_reply_run(r, bare, strlen(bare), &err) < 0) {
			assert_int_equal(err.kind, AWS_ERR_PARSE);
			if (!strstr(err.message, r->missing))
				fail_msg("%s on %s: \"%s\"", test_replies[i].name, bare, err.message);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

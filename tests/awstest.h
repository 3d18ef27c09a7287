/* Helpers shared by the AWS codec tests (include after testutil.h). */
#ifndef NIXL_TESTS_AWSTEST_H
#define NIXL_TESTS_AWSTEST_H

#include <strings.h>
#include <time.h>

#include "aws/client.h"
#include "aws/error.h"

/* The params as "key=value" lines (raw, not encoded), for exact comparisons. */
static inline char *params_join(const aws_params_t *p)
{
	size_t len = 1;
	for (size_t i = 0; i < p->n; i++) len += strlen(p->kv[i].name) + strlen(p->kv[i].value) + 2;
	char *s = malloc(len);
	assert_non_null(s);
	size_t off = 0;
	for (size_t i = 0; i < p->n; i++)
		off += (size_t)sprintf(s + off, "%s=%s\n", p->kv[i].name, p->kv[i].value);
	s[off] = 0;
	return s;
}

#define assert_params(p, expected)                                                          \
	do {                                                                                 \
		char *joined_ = params_join(p);                                              \
		assert_string_equal(joined_, expected);                                      \
		free(joined_);                                                               \
	} while (0)

/* A parse that must fail: AWS_ERR_PARSE with a message. */
#define assert_parse_error(err)                                                              \
	do {                                                                                 \
		assert_int_equal((err).kind, AWS_ERR_PARSE);                                 \
		assert_string_equal((err).code, "MalformedReply");                           \
		assert_true(strlen((err).message) > 10);                                     \
	} while (0)

/* UTC seconds of a calendar time, to compare parsed timestamps with. */
static inline time_t utc(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return timegm(&tm);
}

#endif

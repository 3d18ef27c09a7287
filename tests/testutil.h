/* Shared by the cmocka tests: includes in the order cmocka needs, and fixture access. */
#ifndef NIXL_TESTUTIL_H
#define NIXL_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Reads tests/fixtures/<rel> (tests run from the repository root) into a NUL-terminated
 * buffer; fails the test if it is missing. If skip_source_line, the first line when it
 * starts with "# source:" is dropped (the fixtures' provenance note). */
static inline char *fixture_read(const char *rel, size_t *len_out, int skip_source_line)
{
	char path[1024];
	snprintf(path, sizeof path, "tests/fixtures/%s", rel);
	FILE *f = fopen(path, "rb");
	if (!f) { fail_msg("missing fixture %s", path); return NULL; }
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	buf[got] = 0;
	if (skip_source_line && strncmp(buf, "# source:", 9) == 0) {
		char *nl = strchr(buf, '\n');
		size_t off = nl ? (size_t)(nl + 1 - buf) : got;
		memmove(buf, buf + off, got - off + 1);
		got -= off;
	}
	if (len_out) *len_out = got;
	return buf;
}
#endif

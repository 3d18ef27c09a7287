/* What every fuzz target shares: libFuzzer's entry point, which tests/fuzz/replay.c
 * also calls to replay the corpora under `make test`, and a NUL-terminated copy of an
 * input for parsers whose callers always hand them C strings. */
#ifndef NIXL_TESTS_FUZZ_H
#define NIXL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* malloc'd; NULL when out of memory. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s) return NULL;
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

#endif

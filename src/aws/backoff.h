/* Retry delays of the SDKs' standard mode: full jitter, a uniform draw from [0, cap).
 * Each state is seeded from the operating system, so processes started together do
 * not retry in lockstep; a fixed seed makes a test's delays repeatable. */
#ifndef NIXL_AWS_BACKOFF_H
#define NIXL_AWS_BACKOFF_H

#include <stdint.h>

typedef struct backoff {
	uint64_t state;
} backoff_t;

/* seed 0: 8 bytes from getrandom(2) (time, pid and address when that fails). */
void backoff_seed(backoff_t *b, uint64_t seed);

/* The delay before retry number `retry` (1 = the first retry): uniform in
 * [0, min(base_ms * 2^(retry-1), max_ms)). */
int64_t backoff_delay_ms(backoff_t *b, int retry, int base_ms, int max_ms);

#endif

#include "aws/backoff.h"

#include <stdint.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void backoff_seed(backoff_t *b, uint64_t seed)
{
	if (!seed && getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
		/* no entropy yet (early boot) or no getrandom: still different per process */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^ ((uint64_t)getpid() << 16) ^
		       (uint64_t)(uintptr_t)b;
	}
	b->state = seed;
}

/* splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
 * 2014): one 64-bit state, every seed (0 included) gives a full-period sequence. */
static uint64_t next(backoff_t *b)
{
	uint64_t z = (b->state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

int64_t backoff_delay_ms(backoff_t *b, int retry, int base_ms, int max_ms)
{
	int shift = retry - 1 < 0 ? 0 : retry - 1 < 16 ? retry - 1 : 16;
	int64_t cap = (int64_t)base_ms << shift;
	if (cap > max_ms) cap = max_ms;
	/* the top 53 bits as a double in [0, 1) */
	return (int64_t)((double)(next(b) >> 11) * 0x1p-53 * (double)cap);
}

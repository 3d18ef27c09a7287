/* Growing an array one element at a time (grow.h). */
#include "base/grow.h"

#include <stdlib.h>

void *grow(void *v, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap) return v;
	size_t c = *cap ? *cap * 2 : first;
	void *nv = realloc(v, c * size);
	if (nv) *cap = c;
	return nv;
}

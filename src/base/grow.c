#include "base/grow.h"

#include <stdlib.h>

int grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap) return 0;
	size_t n = *cap ? *cap * 2 : first;
	while (n < need) n *= 2;
	void *a = realloc(*arr, n * elem);
	if (!a) return -1;
	*arr = a;
	*cap = n;
	return 0;
}

/* Growing an array one element at a time: the capacity doubles when it is full, so n
 * appends cost O(n) copies. Replaces the `if (n == cap) { cap = cap ? cap * 2 : K;
 * realloc ... }` block each growing array wrote again. */
#ifndef NIXL_BASE_GROW_H
#define NIXL_BASE_GROW_H

#include <stddef.h>

/* Room for element n of the array v (elements of size bytes, *cap of them allocated):
 * v itself while n < *cap, else v reallocated to twice *cap elements (first when *cap is
 * 0) and *cap updated. NULL when memory runs out; v is then left as it was. */
void *grow(void *v, size_t n, size_t *cap, size_t size, size_t first);

#endif

/* Growing a heap array by doubling: the one copy of the realloc-when-full step that the
 * event loop's tables, the INI reader, query parameters, headers, diagnostics and
 * captured output share. */
#ifndef NIXL_BASE_GROW_H
#define NIXL_BASE_GROW_H

#include <stddef.h>

/* Makes *arr (capacity *cap elements of elem bytes) hold at least need elements: the
 * capacity doubles from first (first when it was 0) until it does. 0, or -1 when out of
 * memory (*arr and *cap untouched). */
int grow_array(void **arr, size_t *cap, size_t need, size_t elem, size_t first);

#endif

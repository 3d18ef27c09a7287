/* Levenshtein distance, for "did you mean" suggestions. */
#ifndef NIXL_BASE_EDITDIST_H
#define NIXL_BASE_EDITDIST_H

#include <stddef.h>

enum { EDIT_EXACT = 0, EDIT_FOLD_CASE = 1 };

/* The edits (insert, delete, substitute) from a to b, ASCII case folded with
 * EDIT_FOLD_CASE; strings of 63 bytes or more are (size_t)-1 away from everything. */
size_t edit_distance(const char *a, const char *b, int fold);

#endif

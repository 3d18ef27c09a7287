#include "base/editdist.h"

#include <ctype.h>
#include <string.h>

size_t edit_distance(const char *a, const char *b, int fold)
{
	size_t la = strlen(a), lb = strlen(b), row[64];
	if (la >= 63 || lb >= 63) return (size_t)-1;
	for (size_t j = 0; j <= lb; j++) row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned char x = (unsigned char)a[i - 1], y = (unsigned char)b[j - 1];
			size_t up = row[j];
			size_t best = diag + (fold ? tolower(x) != tolower(y) : x != y);
			if (up + 1 < best) best = up + 1;
			if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

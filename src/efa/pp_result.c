#include "efa/pp_result.h"

#include <stdlib.h>
#include <string.h>

void pp_result_free(pp_result_t *r)
{
	free(r->rows);
	r->rows = NULL;
	r->nrows = 0;
}

int pp_result_add(pp_result_t *r, const pp_row_t *row)
{
	pp_row_t *rows = realloc(r->rows, (r->nrows + 1) * sizeof *rows);
	if (!rows) return -1;
	r->rows = rows;
	r->rows[r->nrows++] = *row;
	return 0;
}

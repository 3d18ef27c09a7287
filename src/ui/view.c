#include "ui/view.h"

#include <string.h>

static size_t max_top(size_t n, int rows) { return rows > 0 && n > (size_t)rows ? n - (size_t)rows : 0; }

int view_scroll(size_t *top, size_t n, int rows, int dir, view_unit_t unit)
{
	size_t step = unit == VIEW_PAGE ? (size_t)(rows > 1 ? rows - 1 : 1) : unit == VIEW_END ? n : 1;
	size_t mt = max_top(n, rows);
	if (*top > mt) *top = mt;
	if (dir < 0) *top = *top > step ? *top - step : 0;
	else *top = *top + step < mt ? *top + step : mt;
	return *top == mt;
}

void view_keep_visible(size_t sel, size_t *top, size_t n, int rows)
{
	if (rows <= 0) return;
	if (sel < *top) *top = sel;
	if (sel >= *top + (size_t)rows) *top = sel - (size_t)rows + 1;
	size_t mt = max_top(n, rows);
	if (*top > mt) *top = mt;
}

void view_select(size_t *sel, size_t *top, size_t n, int rows, int dir, view_unit_t unit)
{
	if (n == 0) { *sel = *top = 0; return; }
	size_t step = unit == VIEW_PAGE ? (size_t)(rows > 1 ? rows - 1 : 1) : unit == VIEW_END ? n : 1;
	if (dir < 0) *sel = *sel > step ? *sel - step : 0;
	else *sel = *sel + step < n ? *sel + step : n - 1;
	view_keep_visible(*sel, top, n, rows);
}

int view_match(const char *filter, const char *const *fields, size_t n)
{
	if (!filter || !*filter) return 1;
	for (size_t i = 0; i < n; i++)
		if (fields[i] && strcasestr(fields[i], filter)) return 1;
	return 0;
}

void view_allocate(int *want, const int *min, int n, int budget)
{
	for (;;) {
		int sum = 0, best = -1;
		for (int i = 0; i < n; i++) sum += want[i];
		if (sum <= budget) return;
		for (int i = 0; i < n; i++)
			if (want[i] > min[i] && (best < 0 || want[i] - min[i] > want[best] - min[best])) best = i;
		if (best >= 0) { want[best]--; continue; }
		for (int i = n - 1; i >= 0; i--)
			if (want[i] > 0) { want[i] = 0; break; }
	}
}

#include "ui/dump.h"

#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

void dump_row(int y, char *buf, size_t n)
{
	cchar_t cells[1024];
	size_t len = 0;
	buf[0] = 0;
	if (n == 0 || y < 0 || y >= LINES) return;
	int cols = COLS < 1024 ? COLS : 1023;
	if (mvwin_wchnstr(curscr, y, 0, cells, cols) == ERR) return;
	for (int x = 0; x < cols; x++) {
		wchar_t wc[CCHARW_MAX + 1] = {0};
		attr_t a;
		short pair;
		getcchar(&cells[x], wc, &a, &pair, NULL);
		char mb[MB_LEN_MAX];
		mbstate_t st;
		memset(&st, 0, sizeof st);
		size_t k = wc[0] ? wcrtomb(mb, wc[0], &st) : 0;
		if (k == 0 || k == (size_t)-1) { mb[0] = ' '; k = 1; }
		if (len + k >= n) break;
		memcpy(buf + len, mb, k);
		len += k;
		int wd = wcwidth(wc[0]);
		if (wd > 1) x += wd - 1; /* the next cell continues this character */
	}
	while (len > 0 && buf[len - 1] == ' ') len--;
	buf[len] = 0;
}

int dump_write(FILE *f)
{
	char line[4096];
	for (int y = 0; y < LINES; y++) {
		dump_row(y, line, sizeof line);
		if (fprintf(f, "%s\n", line) < 0) return -1;
	}
	return 0;
}

int dump_to_path(const char *path)
{
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	if (!tmp) return -1;
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int rc = f ? dump_write(f) : -1;
	if (f && fclose(f) != 0) rc = -1;
	if (rc == 0) rc = rename(tmp, path);
	else remove(tmp);
	free(tmp);
	return rc;
}

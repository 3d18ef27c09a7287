/* The screen as plain text, for exact assertions (tig's approach): what the terminal
 * shows after the last update, one line per row, no attributes, trailing spaces cut. */
#ifndef NIXL_UI_DUMP_H
#define NIXL_UI_DUMP_H

#include <stddef.h>
#include <stdio.h>

/* Row y as UTF-8 into buf (always NUL-terminated). */
void dump_row(int y, char *buf, size_t n);
/* Every row, each ending in '\n'. */
int dump_write(FILE *f);
/* Replaces path with the dump in one rename, so a reader never sees half a screen. */
int dump_to_path(const char *path);

#endif

/* The line at the bottom where `:` commands and `/` filters are typed. A filter
 * applies as it is typed; Esc restores the one before. */
#ifndef NIXL_UI_PROMPT_H
#define NIXL_UI_PROMPT_H

#include <curses.h>
#include <stddef.h>

#include "ui/ui.h"

/* target: the filter to edit (NULL for a command). */
void prompt_open(ui_t *ui, ui_prompt_kind_t kind, char *target, size_t target_size);
void prompt_draw(ui_t *ui, WINDOW *w, int wd);
/* A printable key typed into the line. */
void prompt_type(ui_t *ui, int key);

/* Actions (see action.c). */
void prompt_accept(ui_t *ui, const char *arg);
void prompt_cancel(ui_t *ui, const char *arg);
void prompt_erase(ui_t *ui, const char *arg);
void prompt_clear(ui_t *ui, const char *arg);
void prompt_complete(ui_t *ui, const char *arg);

#endif

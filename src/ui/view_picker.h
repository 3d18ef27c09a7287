/* The stack picker (issue 14 item 15): the stacks nixl-tui created in the region (their
 * ManagedBy tag), read page after page, to open one without typing -c stackName=... */
#ifndef NIXL_UI_VIEW_PICKER_H
#define NIXL_UI_VIEW_PICKER_H

#include "ui/view.h"

extern const ui_view_t view_picker;

/* Actions (see action.c): O or :open [NAME] opens the picker, or NAME at once. */
void view_picker_open(ui_t *ui, const char *arg);
const char *view_picker_unavailable(const ui_t *ui);
void view_picker_choose(ui_t *ui, const char *arg);
void view_picker_refresh(ui_t *ui, const char *arg);
void view_picker_close(ui_t *ui, const char *arg);

/* "1-14 of 20" when n rows do not fit in rows from top, else "" (every long list's title). */
void view_position(char *buf, size_t len, size_t top, int rows, size_t n);

#endif

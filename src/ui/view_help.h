/* The `?` screen: every key and command, generated from the action table. */
#ifndef NIXL_UI_VIEW_HELP_H
#define NIXL_UI_VIEW_HELP_H

#include "ui/view.h"

extern const ui_view_t view_help;

/* ?: opens help at its top. */
void view_help_open(ui_t *ui);

#endif

/* Dialogs over the screen: information boxes, and confirmations with Cancel focused,
 * optionally asking for a text typed back (the stack name, the fee). */
#ifndef NIXL_UI_DIALOG_H
#define NIXL_UI_DIALOG_H

#include <curses.h>

typedef struct ui ui_t;

void dialog_info(ui_t *ui, const char *title, const char *text);
/* expect: what must be typed before ok_label can be chosen ("" or NULL: nothing). */
void dialog_confirm(ui_t *ui, const char *title, const char *text, const char *expect,
                    const char *ok_label, int dangerous, void (*on_ok)(ui_t *ui));
void dialog_draw(ui_t *ui, WINDOW *w, int h, int wd);
/* A printable key typed into the dialog's field. */
void dialog_type(ui_t *ui, int key);

/* Actions (see action.c). */
void dialog_focus(ui_t *ui, const char *arg);
const char *dialog_no_choice(const ui_t *ui);
void dialog_activate(ui_t *ui, const char *arg);
void dialog_cancel(ui_t *ui, const char *arg);
void dialog_erase(ui_t *ui, const char *arg);

#endif

/* The wizard's network panel: the VPC, the availability zone (those offering the
 * instance type) and the vLLM port. */
#ifndef NIXL_UI_VIEW_NETWORK_H
#define NIXL_UI_VIEW_NETWORK_H

#include <curses.h>

typedef struct ui ui_t;

void view_network_enter(ui_t *ui);
void view_network_draw(ui_t *ui, WINDOW *w, int y, int h, int wd);
void view_network_move(ui_t *ui, int dir, int unit);
int view_network_key(ui_t *ui, int key);
/* Enter: applies the choices; 1 when they are valid. */
int view_network_choose(ui_t *ui);
void view_network_lookup_done(ui_t *ui);
void view_network_click(ui_t *ui, int y, int x);

/* Actions (see action.c). */
void view_network_field(ui_t *ui, const char *arg);
void view_network_refresh(ui_t *ui, const char *arg);

#endif

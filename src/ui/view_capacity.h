/* The wizard's capacity panel: on-demand, the reservation remembered in SSM Parameter
 * Store, a live list of the type's capacity reservations, or a search of Capacity
 * Block offerings with a purchase that needs the fee typed back. */
#ifndef NIXL_UI_VIEW_CAPACITY_H
#define NIXL_UI_VIEW_CAPACITY_H

#include <stddef.h>

#include "ui/view_wizard.h"

/* Enter chooses the row (or runs the search). */
extern const wiz_panel_ops_t view_capacity_panel;

/* For the Review and deploy: 1 and one sentence in `why` when the chosen reservation (as
 * listed) cannot take the configuration (core/capacity_check.h, the preflight's check). */
int view_capacity_problem(const ui_t *ui, char *why, size_t n);
/* Esc: closes the search; 1 when it was open. */
int view_capacity_back(ui_t *ui);
void view_capacity_lookup_done(ui_t *ui);

/* Actions (see action.c). */
void view_capacity_search(ui_t *ui, const char *arg);
void view_capacity_field(ui_t *ui, const char *arg);
void view_capacity_buy(ui_t *ui, const char *arg);
const char *view_capacity_buy_unavailable(const ui_t *ui);
void view_capacity_refresh(ui_t *ui, const char *arg);

/* The zone of the reservation chosen, when it is listed: it pins the Network panel's zone
 * (issue 14 item 7); NULL when no reservation decides it. */
const char *view_capacity_zone(const ui_t *ui);

#endif

/* The wizard's network panel: the VPC, the availability zone (those offering the
 * instance type) and the vLLM port. */
#ifndef NIXL_UI_VIEW_NETWORK_H
#define NIXL_UI_VIEW_NETWORK_H

#include "ui/view_wizard.h"

/* Enter applies the choices (the wizard goes on when they are valid). */
extern const wiz_panel_ops_t view_network_panel;

void view_network_lookup_done(ui_t *ui);

/* Actions (see action.c). */
void view_network_field(ui_t *ui, const char *arg);
void view_network_refresh(ui_t *ui, const char *arg);

#endif

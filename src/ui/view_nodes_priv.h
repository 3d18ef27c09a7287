/* What the nodes view's files share (view_nodes.c: the panes and tabs; view_nodes_act.c:
 * its keys and commands; view_nodes_heat.c: the matrix's heat map). */
#ifndef NIXL_UI_VIEW_NODES_PRIV_H
#define NIXL_UI_VIEW_NODES_PRIV_H

#include <curses.h>
#include <stddef.h>

#include "core/session.h"
#include "ui/ui.h"

/* "12-22 of 32" into buf. */
void vn_position(char *buf, size_t n, size_t first, size_t last, size_t total);
/* A check's mark. */
const char *vn_check_icon(const ui_t *ui, sess_check_state_t st);
/* The node's instance is gone with its stack (terminated or shutting down). */
int vn_node_gone(const sess_node_t *n);
/* The node's SSM state in words. */
const char *vn_ssm_words(const sess_node_t *n, char *buf, size_t len);
/* The setup's failed task on this node and its position, or NULL. */
const task_progress_t *vn_setup_failed_task(const sess_node_t *n, size_t *at);
/* A section's rule with its title, and right-aligned text in right_a. */
void vn_rule(WINDOW *w, int y, int x, int wd, const char *title, const char *right, attr_t right_a);
/* The matrix's heat map over the whole view (more than two nodes). */
void vn_draw_heatmap(ui_t *ui, WINDOW *w, int h, int wd);

#endif

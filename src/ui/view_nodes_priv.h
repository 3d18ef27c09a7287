/* What the nodes view's files share (view_nodes.c: the panes and tabs; view_nodes_act.c:
 * its keys and commands; view_nodes_heat.c: the matrix's heat map). */
#ifndef NIXL_UI_VIEW_NODES_PRIV_H
#define NIXL_UI_VIEW_NODES_PRIV_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "core/session.h"
#include "ui/ui.h"

/* A pane's sections, top to bottom. */
enum { SEC_STATE, SEC_CHECKS, SEC_SETUP, SEC_PP, SEC_OUTPUT, SEC_CMD, SEC_COUNT };

/* A node pane: its scroll state, and where layout put it. */
typedef struct vn_pane {
	int follow;              /* the output follows its tail */
	uint64_t top;            /* absolute number of the first output line shown */
	int rows;                /* output rows (0: not shown) */
	int y, x, h, w;          /* where a click selects the node: its pane, or its tab (w 0: none) */
	int by, bx, bh, bw;      /* its box (bh 0: not drawn) */
	int sec[SEC_COUNT];      /* its sections' rows inside the box */
} vn_pane_t;

/* The nodes view's state (ui->nodes). */
struct view_nodes_state {
	int sel;                 /* 0-based index into s->nodes */
	int zoom;
	int matrix;              /* the heat map instead of the panes: 0 off, 1 latency, 2 bandwidth */
	int tabs;                /* one node at a time, the others as tabs (from layout) */
	char tab_pos[32];        /* "5 of 16" when the tabs do not all fit */
	vn_pane_t pane[SESS_MAX_NODES];
	char filter[64];
	int setup_node;          /* the node the setup dialog names (index), 0: all */
	/* MLflow's port of each node on this machine (f): the child's pid (0: none) */
	struct { int pid, port; } fwd[SESS_MAX_NODES];
	int verify_shown;        /* the last verify's summary was shown */
	int verify_when_ready;   /* the wizard's "deploy and verify": verify once the stack is ready */
};

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

/* The nodes screen: one pane per node with its instance state, addresses, SSM status,
 * the EFA checks as they stream back, the ping-pong table with a bar chart of latency
 * and bandwidth per message size, the streamed output (follow mode) and the commands
 * to reach the node. */
#ifndef NIXL_UI_VIEW_NODES_H
#define NIXL_UI_VIEW_NODES_H

#include <stddef.h>

#include "ui/view.h"

extern const ui_view_t view_nodes;

/* MLflow's port on the nodes, for the port-forward command. */
#define VIEW_NODES_MLFLOW_PORT 5000

/* The selected node (0-based index into s->nodes). */
int view_nodes_selected(const ui_t *ui);
/* The output's filter, for / to edit; *size its size. */
char *view_nodes_filter(ui_t *ui, size_t *size);
/* The heat map shown: 0 none, 1 latency, 2 bandwidth. */
int view_nodes_matrix_mode(const ui_t *ui);
/* The pid of node k's MLflow forward (0: none). */
int view_nodes_forward_pid(const ui_t *ui, int k);
/* The wizard's "deploy and verify": verify once the stack is ready (on 1), or not. */
void view_nodes_verify_when_ready(ui_t *ui, int on);
int view_nodes_verify_pending(const ui_t *ui);
/* The session changed: a verify waiting for the stack starts, a finished one's summary opens. */
void view_nodes_verify_changed(ui_t *ui);

/* Actions (see action.c). */
void view_nodes_next(ui_t *ui, const char *arg);
void view_nodes_prev(ui_t *ui, const char *arg);
void view_nodes_select(ui_t *ui, const char *arg);   /* :node N */
void view_nodes_check(ui_t *ui, const char *arg);    /* [N]: the selected node when none */
void view_nodes_check_all(ui_t *ui, const char *arg);
void view_nodes_pingpong(ui_t *ui, const char *arg); /* [SERVER CLIENT] */
/* [N|all]: the task file on the selected node, node N or every node, after a confirm. */
void view_nodes_setup(ui_t *ui, const char *arg);
const char *view_nodes_setup_unavailable(const ui_t *ui);
/* f: MLflow's port of the selected node on a free local port of its own, through the
 * AWS CLI's port forwarding as a child (stopped at quit: view_nodes_forward_stop_all); without
 * the AWS CLI or the plugin, where to get it and the command. */
void view_nodes_forward(ui_t *ui, const char *arg);
void view_nodes_forward_stop_all(ui_t *ui);
/* The local port node k's MLflow is (or would be, in the commands to copy) forwarded to. */
int view_nodes_forward_port(const ui_t *ui, int k);
/* :mlflow, and V / :verify (its summary opens in a dialog when it ends). */
void view_nodes_mlflow(ui_t *ui, const char *arg);
void view_nodes_verify(ui_t *ui, const char *arg);
const char *view_nodes_verify_unavailable(const ui_t *ui);
void view_nodes_zoom(ui_t *ui, const char *arg);
/* fi_pingpong over every pair (the heat map shows it as it fills), and the heat map's
 * cycle: latency, bandwidth, the panes again. */
void view_nodes_matrix(ui_t *ui, const char *arg);
void view_nodes_heatmap(ui_t *ui, const char *arg);
const char *view_nodes_heatmap_unavailable(const ui_t *ui);
const char *view_nodes_matrix_unavailable(const ui_t *ui);
void view_nodes_follow(ui_t *ui, const char *arg);
void view_nodes_commands(ui_t *ui, const char *arg);
/* Enter: the selected node in full (its state, SSM, every check's detail uncut). */
void view_nodes_details(ui_t *ui, const char *arg);
const char *view_nodes_unavailable(const ui_t *ui);
const char *view_nodes_pingpong_unavailable(const ui_t *ui);
const char *view_nodes_check_unavailable(const ui_t *ui);

#endif

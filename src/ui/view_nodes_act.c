/* The nodes view's keys and commands: checks, setup, MLflow, verify, ping-pong, matrix,
 * port forwards, the commands to copy, the details of a node. */
#include "ui/view_nodes.h"
#include "ui/view_nodes_priv.h"

#include <errno.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "setup/forward.h"
#include "ui/clipboard.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"

const char *view_nodes_unavailable(const ui_t *ui)
{
	return ui->s->nnodes ? NULL : "No nodes yet: they appear once the stack has created its instances.";
}

const char *view_nodes_check_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_unavailable(ui);
	if (why) return why;
	if (ui->s->phase == SESS_DELETING) return "The stack is being deleted: nothing more is sent to its nodes.";
	size_t gone = 0;
	for (size_t k = 0; k < ui->s->nnodes; k++) gone += vn_node_gone(&ui->s->nodes[k]);
	if (gone == ui->s->nnodes)
		return ui->s->phase == SESS_DELETED ? "The stack was deleted and its nodes with it: deploy a new one (w)."
		                                    : "The nodes' instances were deleted: deploy a new stack (w).";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (strcmp(ui->s->nodes[k].ssm_status, "Online") == 0) return NULL;
	return "No node is Online in SSM yet: the checks run through SSM.";
}

const char *view_nodes_setup_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	if (ui->s->setup.starting) return "A setup is being sent to the nodes.";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].setup_running) return "A setup is already running on the nodes.";
	return NULL;
}

const char *view_nodes_pingpong_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	if (ui->s->nnodes < 2) return "Ping-pong needs two nodes.";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].pp_running) return "A ping-pong is already running.";
	return ui->s->matrix.running ? "A ping-pong is already running." : NULL;
}

const char *view_nodes_matrix_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_pingpong_unavailable(ui);
	return why ? why : view_nodes_heatmap_unavailable(ui);
}

void view_nodes_next(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->s->nnodes) ui->nodes->sel = (ui->nodes->sel + 1) % (int)ui->s->nnodes;
}

void view_nodes_prev(ui_t *ui, const char *arg)
{
	(void)arg;
	int n = (int)ui->s->nnodes;
	if (n) ui->nodes->sel = (ui->nodes->sel + n - 1) % n;
}

/* The array position of the node numbered idx (1-based, as users name them), or -1. */
static int find_node(const ui_t *ui, long idx)
{
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].index == idx) return (int)k;
	return -1;
}

static int parse_node(ui_t *ui, const char *arg, int *k)
{
	char *end;
	long v = strtol(arg, &end, 10);
	*k = end != arg ? find_node(ui, v) : -1;
	if (*k < 0) {
		ui_flash(ui, ROLE_WARN, "There is no node %s (nodes 1 to %zu).", arg, ui->s->nnodes);
		return -1;
	}
	return 0;
}

void view_nodes_select(ui_t *ui, const char *arg)
{
	int k;
	if (!arg) {
		ui_flash(ui, ROLE_WARN, "Which node? :node N");
		return;
	}
	if (parse_node(ui, arg, &k) == 0) ui->nodes->sel = k;
}

static void refused(ui_t *ui, const char *what)
{
	ui_flash(ui, ROLE_FAIL, "%s did not start%s%s", what, ui->s->flash[0] ? ": " : ".", ui->s->flash);
}

void view_nodes_check(ui_t *ui, const char *arg)
{
	int k = ui->nodes->sel;
	if (arg && parse_node(ui, arg, &k) < 0) return;
	ui->nodes->sel = k;
	ui->nodes->pane[k].follow = 1;
	if (ui->ops->node_check(ui->s, ui->s->nodes[k].index) < 0) refused(ui, "The EFA checks");
}

void view_nodes_check_all(ui_t *ui, const char *arg)
{
	(void)arg;
	for (size_t k = 0; k < ui->s->nnodes; k++) ui->nodes->pane[k].follow = 1;
	if (ui->ops->node_check(ui->s, 0) < 0) refused(ui, "The EFA checks");
}

static void do_setup(ui_t *ui)
{
	int node = ui->nodes->setup_node;
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (node == 0 || ui->s->nodes[k].index == node) ui->nodes->pane[k].follow = 1;
	if (!ui->ops->setup || ui->ops->setup(ui->s, node) < 0) refused(ui, "The setup");
}

void view_nodes_setup(ui_t *ui, const char *arg)
{
	int k = ui->nodes->sel, all = arg && strcmp(arg, "all") == 0;
	if (arg && !all && parse_node(ui, arg, &k) < 0) return;
	ui->nodes->sel = k;
	ui->nodes->setup_node = all ? 0 : ui->s->nodes[k].index;
	const struct sess_setup *st = &ui->s->setup;
	char text[600], where[32];
	if (all) snprintf(where, sizeof where, "all nodes");
	else snprintf(where, sizeof where, "node %d", ui->nodes->setup_node);
	if (st->file.ntasks)
		snprintf(text, sizeof text, "Run %s (%zu tasks) on %s? Tasks already done on a node are skipped: "
		         "it resumes where it stopped.", st->file_name, st->file.ntasks, where);
	else
		snprintf(text, sizeof text, "Run the default task file on %s? Tasks already done on a node are "
		         "skipped: it resumes where it stopped.", where);
	dialog_confirm(ui, "Set up the nodes", text, NULL, "Run", 0, do_setup);
}

void view_nodes_mlflow(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes->sel = 0;
	if (!ui->ops->mlflow_check || ui->ops->mlflow_check(ui->s) < 0) refused(ui, "The MLflow check");
}

const char *view_nodes_verify_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	return ui->s->verify.running ? "Verify is already running." : NULL;
}

void view_nodes_verify(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes->verify_shown = 0;
	for (size_t k = 0; k < ui->s->nnodes; k++) ui->nodes->pane[k].follow = 1;
	if (!ui->ops->verify || ui->ops->verify(ui->s) < 0) {
		refused(ui, "Verify");
		return;
	}
	ui_flash(ui, ROLE_BUSY, "Verify: setup, MLflow check, EFA checks, ping-pong; its summary opens when it ends.");
}

void view_nodes_pingpong(ui_t *ui, const char *arg)
{
	int n = (int)ui->s->nnodes;
	int client = ui->nodes->sel, server = (client + 1) % n;
	if (arg) {
		char a[16], b[16];
		if (sscanf(arg, "%15s %15s", a, b) != 2) {
			ui_flash(ui, ROLE_WARN, "Usage: :pingpong SERVER CLIENT (node numbers), or :pingpong");
			return;
		}
		if (parse_node(ui, a, &server) < 0 || parse_node(ui, b, &client) < 0) return;
		if (server == client) {
			ui_flash(ui, ROLE_WARN, "The server and the client must be different nodes.");
			return;
		}
	}
	ui->nodes->sel = client;
	ui->nodes->pane[client].follow = ui->nodes->pane[server].follow = 1;
	/* Sizes and iterations: the model's defaults (NULL, 0). */
	if (ui->ops->pingpong(ui->s, ui->s->nodes[server].index, ui->s->nodes[client].index, NULL, 0) < 0)
		refused(ui, "The ping-pong");
}

const char *view_nodes_heatmap_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_unavailable(ui);
	if (why) return why;
	return ui->s->nnodes > 2 ? NULL : "The matrix is for three nodes or more; with two, p runs their ping-pong.";
}

void view_nodes_matrix(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->ops->pingpong_matrix(ui->s) < 0) {
		refused(ui, "The ping-pong matrix");
		return;
	}
	if (!ui->nodes->matrix) ui->nodes->matrix = 1;
}

void view_nodes_heatmap(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes->matrix = (ui->nodes->matrix + 1) % 3;
}

void view_nodes_zoom(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes->zoom = !ui->nodes->zoom;
}

void view_nodes_follow(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->s->nnodes) ui->nodes->pane[ui->nodes->sel].follow = 1;
}

void view_nodes_verify_when_ready(ui_t *ui, int on) { ui->nodes->verify_when_ready = on; }

int view_nodes_verify_pending(const ui_t *ui) { return ui->nodes->verify_when_ready; }

void view_nodes_verify_changed(ui_t *ui)
{
	const session_t *s = ui->s;
	struct view_nodes_state *ns = ui->nodes;
	if (ns->verify_when_ready && s->phase == SESS_READY && s->nnodes) {
		ns->verify_when_ready = 0;
		ui_show(ui, UI_NODES);
		view_nodes_verify(ui, NULL);
	} else if (ns->verify_when_ready && session_phase_final(s->phase)) {
		ns->verify_when_ready = 0; /* the deployment failed: nothing to verify */
	}
	if (s->verify.done && !ns->verify_shown) {
		ns->verify_shown = 1;
		dialog_info(ui, s->verify.failed ? "Verify: failed" : "Verify: passed", s->verify.summary);
		ui->dlg.wide = 1;
	}
}

/* ---- f: MLflow's port forwarded, one local port per node */

int view_nodes_forward_pid(const ui_t *ui, int k) { return ui->nodes->fwd[k].pid; }

int view_nodes_forward_port(const ui_t *ui, int k)
{
	if (ui->nodes->fwd[k].pid > 0) return ui->nodes->fwd[k].port;
	return VIEW_NODES_MLFLOW_PORT + k; /* to copy: node 1 on 5000, node 2 on 5001, ... */
}

static void on_forward_exit(loop_t *l, pid_t pid, int status, void *ud)
{
	(void)l;
	ui_t *ui = ud;
	for (size_t k = 0; k < SESS_MAX_NODES; k++)
		if (ui->nodes->fwd[k].pid == pid) {
			ui->nodes->fwd[k].pid = 0;
			ui_flash(ui, ROLE_WARN, "The MLflow forward of node %d ended (exit %d): f starts it again.",
			         k < ui->s->nnodes ? ui->s->nodes[k].index : (int)k + 1,
			         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
	ui_invalidate(ui);
}

void view_nodes_forward(ui_t *ui, const char *arg)
{
	int k = ui->nodes->sel;
	if (arg && parse_node(ui, arg, &k) < 0) return;
	ui->nodes->sel = k;
	const sess_node_t *n = &ui->s->nodes[k];
	if (vn_node_gone(n)) {
		ui_flash(ui, ROLE_WARN, "Node%d is %s: there is nothing to forward.", n->index, n->instance_state);
		return;
	}
	if (ui->nodes->fwd[k].pid > 0) {
		ui_flash(ui, ROLE_OK, "MLflow on http://127.0.0.1:%d (node %d; quitting stops it)", ui->nodes->fwd[k].port,
		         n->index);
		return;
	}
	int local = forward_free_port();
	forward_cmd_t fc;
	forward_command(&fc, n->instance_id, VIEW_NODES_MLFLOW_PORT, local > 0 ? local : view_nodes_forward_port(ui, k),
	                ui->s->region[0] ? ui->s->region : NULL, NULL,
	                ui->s->ssm_endpoint[0] ? ui->s->ssm_endpoint : NULL);
	const char *missing = forward_missing();
	char err[256];
	if (missing || local < 0) {
		char text[sizeof ui->dlg.text], wrapped[640];
		int width = COLS - 8 > 20 ? COLS - 8 : 20;
		draw_fmt_shell(fc.line, width, wrapped, sizeof wrapped);
		snprintf(text, sizeof text, "%s is not installed here: install it (%s), then press f again, or run this "
		         "yourself:\n%s", missing ? missing : "a free local port", FORWARD_PLUGIN_DOC, wrapped);
		dialog_info(ui, "MLflow port forward", text);
		ui->dlg.wide = 1;
		return;
	}
	pid_t pid = forward_spawn(&fc, 1, err, sizeof err);
	if (pid < 0) {
		ui_flash(ui, ROLE_FAIL, "The MLflow forward did not start: %s.", err);
		return;
	}
	ui->nodes->fwd[k].pid = (int)pid;
	ui->nodes->fwd[k].port = local;
	if (ui->loop) loop_child_watch(ui->loop, pid, on_forward_exit, ui);
	ui_flash(ui, ROLE_OK, "MLflow on http://127.0.0.1:%d (node %d; quitting stops it)", local, n->index);
}

void view_nodes_forward_stop_all(ui_t *ui)
{
	for (size_t k = 0; k < SESS_MAX_NODES; k++) {
		pid_t pid = ui->nodes->fwd[k].pid;
		if (pid <= 0) continue;
		if (ui->loop) loop_child_unwatch(ui->loop, pid);
		forward_stop(pid);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
		ui->nodes->fwd[k].pid = 0;
	}
}

/* y copies the selected node's shell command (OSC 52, where the terminal takes it) and
 * shows every node's commands; the sentence on top says which, or why nothing was copied. */
static void copy_selected(ui_t *ui, sbuf_t *b)
{
	const sess_node_t *n = ui->s->nnodes ? &ui->s->nodes[ui->nodes->sel] : NULL;
	char cmd[512];
	if (!n || !n->instance_id[0] || vn_node_gone(n)) return;
	ui->ops->ssm_command(ui->s, n->index, cmd, sizeof cmd);
	if (!clipboard_enabled())
		sbuf_addf(b, "Select a command to copy it (NIXL_TUI_CLIPBOARD=osc52: y copies).\n");
	else if (clipboard_copy(cmd) == 0)
		sbuf_addf(b, "Copied Node%d's shell command (OSC 52; tmux needs set-clipboard on).\n", n->index);
	else
		sbuf_addf(b, "The terminal did not take the copy: select a command below.\n");
}

void view_nodes_commands(ui_t *ui, const char *arg)
{
	(void)arg;
	char text[sizeof ui->dlg.text];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	copy_selected(ui, &b);
	size_t head = b.len;
	int width = COLS - 8 > 20 ? COLS - 8 : 20; /* the wide dialog's text width */
	for (size_t k = 0; k < ui->s->nnodes && !b.truncated; k++) {
		const sess_node_t *n = &ui->s->nodes[k];
		char cmd[512], fwd[768], wrapped[1024];
		if (!n->instance_id[0]) continue;
		if (vn_node_gone(n)) {
			sbuf_addf(&b, "%sNode%d: %s, nothing to connect to.\n", b.len > head ? "\n" : "", n->index,
			          n->instance_state);
			continue;
		}
		ui->ops->ssm_command(ui->s, n->index, cmd, sizeof cmd);
		sbuf_addf(&b, "%sNode%d shell:\n", b.len > head ? "\n" : "", n->index);
		draw_fmt_shell(cmd, width, wrapped, sizeof wrapped);
		sbuf_addf(&b, "%s\n", wrapped);
		snprintf(fwd, sizeof fwd,
		         "%s --document-name AWS-StartPortForwardingSession --parameters "
		         "'{\"portNumber\":[\"%d\"],\"localPortNumber\":[\"%d\"]}'",
		         cmd, VIEW_NODES_MLFLOW_PORT, view_nodes_forward_port(ui, (int)k));
		draw_fmt_shell(fwd, width, wrapped, sizeof wrapped);
		sbuf_addf(&b, "Node%d MLflow on localhost:%d:\n%s\n", n->index, view_nodes_forward_port(ui, (int)k), wrapped);
	}
	dialog_info(ui, "Connect to the nodes", b.len > head ? text : "No instance has been launched yet.");
	ui->dlg.wide = 1;
}

/* Enter: the selected node in full, what the panes cut to fit (state, SSM, every check). */
void view_nodes_details(ui_t *ui, const char *arg)
{
	(void)arg;
	if (!ui->s->nnodes) return;
	const sess_node_t *n = &ui->s->nodes[ui->nodes->sel];
	char text[sizeof ui->dlg.text], ssm[40], title[64];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	sbuf_addf(&b, "Instance %s: %s\n", n->instance_id[0] ? n->instance_id : "(none yet)",
	          n->instance_state[0] ? n->instance_state : "not launched");
	sbuf_addf(&b, "Public %s, private %s\n", n->public_ip[0] ? n->public_ip : "-", n->private_ip[0] ? n->private_ip : "-");
	sbuf_addf(&b, "%s%s%s%s\n", vn_ssm_words(n, ssm, sizeof ssm), n->ssm_status[0] ? " (PingStatus " : "",
	          n->ssm_status, n->ssm_status[0] ? ")" : "");
	size_t pass = 0;
	for (size_t i = 0; i < n->nchecks; i++) pass += n->checks[i].state == CHK_PASS;
	if (n->nchecks) sbuf_addf(&b, "EFA checks: %zu of %zu passed\n", pass, n->nchecks);
	else sbuf_addf(&b, "EFA checks: not run yet\n");
	for (size_t i = 0; i < n->nchecks; i++)
		sbuf_addf(&b, "%s %s: %s\n", vn_check_icon(ui, n->checks[i].state), n->checks[i].name,
		          n->checks[i].detail[0] ? n->checks[i].detail : "-");
	if (n->pp.error[0]) sbuf_addf(&b, "Ping-pong failed: %s\n", n->pp.error);
	size_t fi = 0;
	const task_progress_t *f = vn_setup_failed_task(n, &fi);
	if (f) sbuf_addf(&b, "Setup failed at task %zu: $ %s\n", fi + 1, f->command);
	else if (n->setup_detail[0]) sbuf_addf(&b, "Setup: %s\n", n->setup_detail);
	snprintf(title, sizeof title, "Node%d %s", n->index, n->role);
	dialog_info(ui, title, text);
	ui->dlg.wide = 1;
}

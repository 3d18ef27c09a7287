#include "ui/action.h"

#include <ctype.h>
#include <string.h>

#include "base/sbuf.h"
#include "ui/dialog.h"
#include "ui/prompt.h"
#include "ui/ui.h"
#include "ui/view_capacity.h"
#include "ui/view_help.h"
#include "ui/view_network.h"
#include "ui/view_nodes.h"
#include "ui/view_picker.h"
#include "ui/view_stack.h"
#include "ui/view_wizard.h"

#define CTRL(c) ((c) & 0x1f)
#define ESC 27

static void act_help(ui_t *ui, const char *arg)
{
	(void)arg;
	view_help_open(ui);
}

static void act_close(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->modal = UI_MODAL_NONE;
}

static void act_command(ui_t *ui, const char *arg)
{
	(void)arg;
	prompt_open(ui, PROMPT_COMMAND, NULL, 0);
}

static void act_filter(ui_t *ui, const char *arg)
{
	size_t size;
	char *target = ui->screen == UI_NODES ? view_nodes_filter(ui, &size)
	             : ui->screen == UI_WIZARD ? view_wizard_filter(ui, &size)
	             : view_stack_filter(ui, &size); /* the pane with the focus */
	if (arg) snprintf(target, size, "%s", arg);
	else prompt_open(ui, PROMPT_FILTER, target, size);
}

static const char *here(const ui_t *ui, ui_screen_t s) { return ui->screen == s ? "You are on that screen." : NULL; }

static const char *unavail_wizard(const ui_t *ui)
{
	const char *why = view_stack_blocks_deploy(ui);
	if (why) return why;
	if (ui_running(ui)) return "A deployment is under way.";
	return here(ui, UI_WIZARD);
}

static const char *unavail_stack(const ui_t *ui)
{
	const session_t *s = ui->s;
	if (s->phase == SESS_IDLE && s->nresources == 0 && s->nsteps == 0)
		return "No stack yet: deploy one from the wizard.";
	return here(ui, UI_STACK);
}

static const char *unavail_nodes(const ui_t *ui)
{
	const char *why = view_nodes_unavailable(ui);
	return why ? why : here(ui, UI_NODES);
}

static void act_wizard(ui_t *ui, const char *arg) { (void)arg; ui_show(ui, UI_WIZARD); }
static void act_stack(ui_t *ui, const char *arg) { (void)arg; ui_show(ui, UI_STACK); }
static void act_nodes(ui_t *ui, const char *arg) { (void)arg; ui_show(ui, UI_NODES); }

/* Said before the name is asked for (issue 14 item 9). CloudFormation deletes a stack
 * whose creation is under way (DeleteStack: it stops creating and deletes what it made);
 * CancelUpdateStack is for UPDATE_IN_PROGRESS only ("You can cancel only stacks that are
 * in the UPDATE_IN_PROGRESS state", API Reference, CancelUpdateStack), and this tool never
 * updates a stack. So: nothing to delete before CreateStack has answered. */
static const char *unavail_destroy(const ui_t *ui)
{
	const session_t *s = ui->s;
	if (s->phase == SESS_DELETING) return "The stack is already being deleted.";
	if (s->phase == SESS_PREFLIGHT) return "Preflight is running and nothing is created yet: q stops it.";
	if (s->phase == SESS_CREATING && !s->stack_id[0] && !s->stack_status[0])
		return "CloudFormation has not accepted the stack yet: D works as soon as it has.";
	if (!ui_has_stack(ui)) return "There is no stack to destroy.";
	return NULL;
}

static void do_teardown(ui_t *ui)
{
	ui->s->root_cause[0] = 0;
	if (ui->ops->teardown(ui->s) < 0) {
		ui_flash(ui, ROLE_FAIL, "Teardown did not start: %s",
		         ui->s->root_cause[0] ? ui->s->root_cause : "see the log");
		return;
	}
	view_stack_follow_events(ui);
	ui_show(ui, UI_STACK);
}

static void act_destroy(ui_t *ui, const char *arg)
{
	(void)arg;
	char text[640];
	snprintf(text, sizeof text,
	         "%sCloudFormation deletes every resource of stack %s in %s: the instances and their "
	         "volumes, the network and the bucket (emptied first). This cannot be undone.",
	         ui->s->phase == SESS_CREATING ? "The stack is still being created: CloudFormation stops creating it, then " : "",
	         ui->s->stack_name, ui->s->region[0] ? ui->s->region : "this region");
	dialog_confirm(ui, "Destroy the stack", text, ui->s->stack_name, "Destroy", 1, do_teardown);
}

static void do_quit(ui_t *ui)
{
	ui->ops->detach(ui->s);
	ui->quit = 1;
	if (ui->loop) loop_stop(ui->loop);
}

/* What keeps running after the console closes, one sentence per kind. */
static const struct { sess_phase_t phase; const char *text; } keeps_running[] = {
	{ SESS_PREFLIGHT, "The deployment stops before anything is created." },
	{ SESS_CREATING, "CloudFormation keeps creating the stack on AWS." },
	{ SESS_WAIT_AGENTS, "The stack is created; the nodes keep starting on AWS." },
	{ SESS_DELETING, "CloudFormation keeps deleting the stack on AWS." },
};

static void act_quit(ui_t *ui, const char *arg)
{
	(void)arg;
	if (!ui_busy(ui)) {
		do_quit(ui);
		return;
	}
	char text[600];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	for (size_t i = 0; i < sizeof keeps_running / sizeof keeps_running[0]; i++)
		if (keeps_running[i].phase == ui->s->phase) sbuf_addf(&b, "%s ", keeps_running[i].text);
	for (size_t i = 0; i < ui->s->nnodes; i++)
		if (ui->s->nodes[i].checks_running || ui->s->nodes[i].pp_running || ui->s->nodes[i].setup_running) {
			sbuf_add(&b, "Commands already sent to the nodes keep running there. ");
			break;
		}
	sbuf_add(&b, "Run nixl-tui again to re-attach.");
	dialog_confirm(ui, "Quit while it runs?", text, NULL, "Quit", 0, do_quit);
}

static const char *unavail_back(const ui_t *ui) { return ui->nback ? NULL : "Nothing to go back to."; }
static void act_back(ui_t *ui, const char *arg) { (void)arg; ui_back(ui); }

static void act_redraw(ui_t *ui, const char *arg)
{
	(void)arg;
	clearok(curscr, TRUE);
	ui_invalidate(ui);
}

static void move_in(ui_t *ui, int dir, view_unit_t unit)
{
	const ui_view_t *v = ui_view(ui);
	if (v && v->move) (v->move)(ui, dir, unit);
}

static void act_up(ui_t *ui, const char *arg) { (void)arg; move_in(ui, -1, VIEW_LINE); }
static void act_down(ui_t *ui, const char *arg) { (void)arg; move_in(ui, 1, VIEW_LINE); }
static void act_pgup(ui_t *ui, const char *arg) { (void)arg; move_in(ui, -1, VIEW_PAGE); }
static void act_pgdn(ui_t *ui, const char *arg) { (void)arg; move_in(ui, 1, VIEW_PAGE); }
static void act_top(ui_t *ui, const char *arg) { (void)arg; move_in(ui, -1, VIEW_END); }
static void act_bottom(ui_t *ui, const char *arg) { (void)arg; move_in(ui, 1, VIEW_END); }

static void act_follow(ui_t *ui, const char *arg)
{
	if (ui->screen == UI_NODES) view_nodes_follow(ui, arg);
	else view_stack_follow(ui, arg);
}

static void act_erase(ui_t *ui, const char *arg)
{
	if (ui->modal == UI_MODAL_DIALOG) dialog_erase(ui, arg);
	else prompt_erase(ui, arg);
}

static void act_check(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_check(ui, arg); }
static void act_check_all(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_check_all(ui, arg); }
static void act_pingpong(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_pingpong(ui, arg); }
static void act_setup(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_setup(ui, arg); }
static void act_forward(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_forward(ui, arg); }
static void act_mlflow(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_mlflow(ui, arg); }
static void act_verify(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_verify(ui, arg); }
static void act_matrix(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_matrix(ui, arg); }
static void act_node(ui_t *ui, const char *arg) { ui_show(ui, UI_NODES); view_nodes_select(ui, arg); }
static void act_commands(ui_t *ui, const char *arg) { view_nodes_commands(ui, arg); }

static void act_field(ui_t *ui, const char *arg)
{
	if (ui_context(ui) == CTX_WIZ_NETWORK) view_network_field(ui, arg);
	else view_capacity_field(ui, arg);
}

/* r on the stack screen: read the stack again (issue 14 item 15). */
static void act_reload(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui_running(ui)) {
		ui_flash(ui, ROLE_OK, "The view follows CloudFormation live while it works.");
		return;
	}
	ui->s->root_cause[0] = 0;
	if (ui->ops->attach(ui->s) < 0)
		ui_flash(ui, ROLE_WARN, "%s", ui->s->root_cause[0] ? ui->s->root_cause
		                                                   : "The view already follows the stack live.");
	else ui_flash(ui, ROLE_OK, "Reading %s again.", ui->s->stack_name);
}

static void act_refresh(ui_t *ui, const char *arg)
{
	if (ui_context(ui) == CTX_WIZ_NETWORK) view_network_refresh(ui, arg);
	else view_capacity_refresh(ui, arg);
}

const ui_action_t action_table[] = {
	/* Everywhere. */
	{ "help", NULL, NULL, { '?', KEY_F(1) }, "Help", "show every key and command",
	  CTX_SCREENS, ACT_COMMAND, NULL, act_help },
	{ "command", NULL, NULL, { ':' }, "Cmd", "type a command: :deploy, :destroy, :node 1, :pingpong, :q",
	  CTX_SCREENS, 0, NULL, act_command },
	{ "up", NULL, NULL, { 'k', KEY_UP }, NULL, "move up (scrolling a log up pauses follow)",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_up },
	{ "down", NULL, NULL, { 'j', KEY_DOWN }, NULL, "move down",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_down },
	{ "page-up", NULL, NULL, { KEY_PPAGE, CTRL('b') }, NULL, "one page up",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_pgup },
	{ "page-down", NULL, NULL, { KEY_NPAGE, CTRL('f') }, NULL, "one page down",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_pgdn },
	{ "top", NULL, NULL, { 'g', KEY_HOME }, NULL, "go to the top",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_top },
	{ "bottom", NULL, NULL, { 'G', KEY_END }, NULL, "go to the end (a log resumes following)",
	  CTX_SCREENS | CTX_HELP | CTX_PICKER, 0, NULL, act_bottom },
	{ "wizard", NULL, NULL, { 'w' }, "Wizard", "open the deploy wizard",
	  CTX_SCREENS, ACT_COMMAND, unavail_wizard, act_wizard },
	{ "stack", NULL, NULL, { 's' }, "Stack", "show the stack: progress, resources, events, outputs",
	  CTX_SCREENS, ACT_COMMAND, unavail_stack, act_stack },
	{ "nodes", NULL, NULL, { 'n' }, "Nodes", "show the nodes: EFA checks, ping-pong, output",
	  CTX_SCREENS, ACT_COMMAND, unavail_nodes, act_nodes },
	{ "destroy", NULL, NULL, { 'D' }, "Destroy", "delete the stack (asks for its name)",
	  CTX_SCREENS, ACT_DANGEROUS | ACT_COMMAND, unavail_destroy, act_destroy },
	{ "open", NULL, "[NAME]", { 'O' }, "Stacks", "the stacks nixl-tui created in the region, to open one",
	  CTX_SCREENS, ACT_COMMAND, view_picker_unavailable, view_picker_open },
	{ "back", NULL, NULL, { ESC }, NULL, "go back",
	  CTX_SCREENS, 0, unavail_back, act_back },
	{ "redraw", NULL, NULL, { CTRL('l') }, NULL, "redraw the screen",
	  CTX_SCREENS | CTX_HELP, ACT_COMMAND, NULL, act_redraw },
	{ "quit", "q", NULL, { 'q' }, "Quit", "quit; a stack operation keeps running on AWS",
	  CTX_SCREENS, ACT_COMMAND, NULL, act_quit },

	/* Deploy wizard. */
	{ "next", NULL, NULL, { '\n' }, "Next", "choose and go to the next panel",
	  CTX_WIZ_TYPE | CTX_WIZ_VOLUME | CTX_WIZ_CAPACITY | CTX_WIZ_NETWORK, 0, NULL, view_wizard_next },
	{ "previous", NULL, NULL, { ESC, KEY_BTAB }, "Back", "the previous panel (or close the offerings search)",
	  CTX_WIZARD, 0, NULL, view_wizard_prev },
	{ "search", NULL, NULL, { '\n' }, "Search", "search the offerings with these numbers",
	  CTX_WIZ_OFFERS, 0, NULL, view_capacity_search },
	{ "field", NULL, NULL, { '\t' }, "Field", "move between the fields",
	  CTX_WIZ_OFFERS | CTX_WIZ_NETWORK, 0, NULL, act_field },
	{ "offerings", NULL, NULL, { 'o' }, "Offerings", "search Capacity Block offerings for this type",
	  CTX_WIZ_CAPACITY, 0, NULL, view_capacity_search },
	{ "buy", NULL, NULL, { 'b' }, "Buy", "buy the selected Capacity Block (asks for the fee)",
	  CTX_WIZ_OFFERS, ACT_DANGEROUS, view_capacity_buy_unavailable, view_capacity_buy },
	{ "refresh", NULL, NULL, { 'r' }, "Refresh", "ask AWS again",
	  CTX_WIZ_CAPACITY | CTX_WIZ_OFFERS | CTX_WIZ_NETWORK, 0, NULL, act_refresh },
	{ "deploy", NULL, NULL, { 'd' }, "Deploy", "create the stack (from elsewhere: open the review)",
	  CTX_WIZ_REVIEW, ACT_DANGEROUS | ACT_COMMAND, view_wizard_deploy_unavailable, view_wizard_deploy },
	{ "deploy-verify", NULL, NULL, { 'v' }, NULL, "deploy and verify: once the stack is ready, V runs by itself",
	  CTX_WIZ_REVIEW, ACT_DANGEROUS | ACT_COMMAND, view_wizard_deploy_unavailable, view_wizard_deploy_verify },

	/* Lists and logs. */
	{ "filter", NULL, "TEXT", { '/' }, "Filter", "filter the list or log as you type (Esc restores)",
	  CTX_WIZ_TYPE | CTX_STACK | CTX_NODES, 0, NULL, act_filter },
	{ "follow", NULL, NULL, { 'F' }, "Follow", "follow the latest change or line again",
	  CTX_STACK | CTX_NODES, 0, NULL, act_follow },

	/* Stack. */
	{ "pane", NULL, NULL, { '\t' }, "Pane", "switch between the resources and the events",
	  CTX_STACK, 0, view_stack_no_resources, view_stack_focus },
	{ "details", NULL, NULL, { '\n' }, "Details", "show the selected resource in full (on the events: the failure reasons)",
	  CTX_STACK, 0, view_stack_no_details, view_stack_detail },
	{ "reload", NULL, NULL, { 'r' }, NULL, "read the stack from AWS again (live while CloudFormation works)",
	  CTX_STACK, 0, NULL, act_reload },

	/* Nodes. */
	{ "next-node", NULL, NULL, { '\t', 'l', KEY_RIGHT }, "Node", "select the next node",
	  CTX_NODES, 0, NULL, view_nodes_next },
	{ "prev-node", NULL, NULL, { KEY_BTAB, 'h', KEY_LEFT }, NULL, "select the previous node",
	  CTX_NODES, 0, NULL, view_nodes_prev },
	{ "node-details", NULL, NULL, { '\n' }, NULL, "the selected node in full: state, SSM, every check",
	  CTX_NODES, 0, view_nodes_unavailable, view_nodes_details },
	{ "node", NULL, "N", { 0 }, NULL, "show node N",
	  CTX_NODES, ACT_COMMAND, view_nodes_unavailable, act_node },
	{ "check", NULL, "[N]", { 'c' }, "Check", "run the EFA checks on the selected node",
	  CTX_NODES, ACT_COMMAND, view_nodes_check_unavailable, act_check },
	{ "check-all", NULL, NULL, { 'C' }, NULL, "run the EFA checks on every node",
	  CTX_NODES, ACT_COMMAND, view_nodes_check_unavailable, act_check_all },
	{ "pingpong", NULL, "[SERVER CLIENT]", { 'p' }, "Ping-pong",
	  "fi_pingpong: the selected node is the client, the next one the server",
	  CTX_NODES, ACT_COMMAND, view_nodes_pingpong_unavailable, act_pingpong },
	{ "setup", NULL, "[N]", { 'S' }, NULL,
	  "run the task file on the selected node (:setup all: every node); again, it resumes",
	  CTX_NODES, ACT_COMMAND, view_nodes_setup_unavailable, act_setup },
	{ "forward", NULL, "[N]", { 'f' }, NULL,
	  "MLflow (port 5000) of the selected node on a local port of its own, until quit",
	  CTX_NODES, ACT_COMMAND, view_nodes_unavailable, act_forward },
	{ "mlflow", NULL, NULL, { 0 }, NULL, "the MLflow check: a run written to node 1's server and read back",
	  CTX_NODES, ACT_COMMAND, view_nodes_check_unavailable, act_mlflow },
	{ "verify", NULL, NULL, { 'V' }, NULL,
	  "setup, MLflow check, EFA checks, ping-pong 1-2, then a summary naming what failed",
	  CTX_NODES, ACT_COMMAND, view_nodes_verify_unavailable, act_verify },
	{ "matrix", NULL, NULL, { 'P' }, "Matrix", "fi_pingpong over every pair of nodes, disjoint pairs at once",
	  CTX_NODES, ACT_COMMAND, view_nodes_matrix_unavailable, act_matrix },
	{ "heatmap", NULL, NULL, { 'm' }, "Heat map", "the matrix as a heat map: latency, bandwidth, the nodes again",
	  CTX_NODES, 0, view_nodes_heatmap_unavailable, view_nodes_heatmap },
	{ "zoom", NULL, NULL, { 'z' }, "Zoom", "one node on the whole screen, or all of them again",
	  CTX_NODES, 0, NULL, view_nodes_zoom },
	{ "connect", NULL, NULL, { 'y' }, "Connect", "copy the node's SSM command (OSC 52) and show every node's commands",
	  CTX_NODES, ACT_COMMAND, view_nodes_unavailable, act_commands },

	/* Help. */
	{ "close", NULL, NULL, { ESC, 'q', '?' }, "Close", "close the help",
	  CTX_HELP, 0, NULL, act_close },

	/* The stack picker. */
	{ "open-stack", NULL, NULL, { '\n' }, "Open", "open the selected stack",
	  CTX_PICKER, 0, NULL, view_picker_choose },
	{ "list-again", NULL, NULL, { 'r' }, "Refresh", "read the list from AWS again",
	  CTX_PICKER, 0, NULL, view_picker_refresh },
	{ "close-picker", NULL, NULL, { ESC, 'q' }, "Close", "close the list",
	  CTX_PICKER, 0, NULL, view_picker_close },

	/* The command and filter line. */
	{ "accept", NULL, NULL, { '\n' }, "Run", "run the command, or keep the filter",
	  CTX_PROMPT, 0, NULL, prompt_accept },
	{ "complete", NULL, NULL, { '\t' }, "Complete", "complete the command name",
	  CTX_PROMPT, 0, NULL, prompt_complete },
	{ "clear", NULL, NULL, { CTRL('u') }, NULL, "clear the line",
	  CTX_PROMPT, 0, NULL, prompt_clear },
	{ "cancel", NULL, NULL, { ESC }, "Cancel", "cancel; a filter goes back to what it was",
	  CTX_PROMPT, 0, NULL, prompt_cancel },
	{ "erase", NULL, NULL, { KEY_BACKSPACE }, NULL, "delete the last character",
	  CTX_PROMPT | CTX_DIALOG, 0, NULL, act_erase },

	/* Dialogs. */
	{ "switch", NULL, NULL, { '\t', KEY_BTAB, KEY_LEFT, KEY_RIGHT }, "Switch", "move between the buttons",
	  CTX_DIALOG, 0, dialog_no_choice, dialog_focus },
	{ "choose", NULL, NULL, { '\n' }, "Choose", "press the focused button (Cancel first)",
	  CTX_DIALOG, 0, NULL, dialog_activate },
	{ "dismiss", NULL, NULL, { ESC }, "Cancel", "close the dialog without doing anything",
	  CTX_DIALOG, 0, NULL, dialog_cancel },
};

const size_t action_count = sizeof action_table / sizeof action_table[0];

const action_section_t action_sections[] = {
	{ "Everywhere", CTX_SCREENS },
	{ "Deploy wizard", CTX_WIZARD },
	{ "Stack", CTX_STACK },
	{ "Nodes", CTX_NODES },
	{ "Help", CTX_HELP },
	{ "Stack picker", CTX_PICKER },
	{ "Command and filter line", CTX_PROMPT },
	{ "Dialogs", CTX_DIALOG },
};
const size_t action_nsections = sizeof action_sections / sizeof action_sections[0];

int action_normalize_key(int key)
{
	if (key == '\r' || key == KEY_ENTER) return '\n';
	if (key == 127 || key == 8) return KEY_BACKSPACE;
	return key;
}

static int bound_to(const ui_action_t *a, int key)
{
	for (size_t i = 0; i < 4 && a->keys[i]; i++)
		if (a->keys[i] == key) return 1;
	return 0;
}

static int global(const ui_action_t *a) { return (a->ctx & CTX_SCREENS) == CTX_SCREENS; }

const ui_action_t *action_for_key(unsigned ctx, int key)
{
	key = action_normalize_key(key);
	/* A screen's own binding wins over one that works everywhere (Esc in the wizard). */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < action_count; i++) {
			const ui_action_t *a = &action_table[i];
			if ((a->ctx & ctx) && global(a) == pass && bound_to(a, key)) return a;
		}
	return NULL;
}

const ui_action_t *action_for_command(const char *name, int read_only, int *ambiguous)
{
	const ui_action_t *found = NULL;
	size_t n = strlen(name);
	*ambiguous = 0;
	if (n == 0) return NULL;
	for (size_t i = 0; i < action_count; i++) {
		const ui_action_t *a = &action_table[i];
		if (!(a->flags & ACT_COMMAND) || (read_only && (a->flags & ACT_DANGEROUS))) continue;
		if (strcmp(a->name, name) == 0 || (a->alias && strcmp(a->alias, name) == 0)) return a;
		if (strncmp(a->name, name, n) == 0) {
			if (found) *ambiguous = 1;
			found = a;
		}
	}
	return *ambiguous ? NULL : found;
}

static const struct { int key; const char *name; } key_names[] = {
	{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" }, { KEY_RIGHT, "Right" },
	{ KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
	{ '\n', "Enter" }, { ESC, "Esc" }, { '\t', "Tab" }, { KEY_BTAB, "S-Tab" },
	{ KEY_BACKSPACE, "BS" }, { ' ', "Space" }, { KEY_F(1), "F1" },
};

void action_key_name(int key, char *buf, size_t n)
{
	for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
		if (key_names[i].key == key) {
			snprintf(buf, n, "%s", key_names[i].name);
			return;
		}
	if (key > 0 && key < 0x20) snprintf(buf, n, "^%c", key + '@');
	else if (key > 0x20 && key < 0x7f) snprintf(buf, n, "%c", key);
	else snprintf(buf, n, "#%d", key);
}

void action_keys_text(const ui_action_t *a, char *buf, size_t n)
{
	sbuf_t b;
	sbuf_init(&b, buf, n);
	for (size_t i = 0; i < 4 && a->keys[i]; i++) {
		char k[16];
		action_key_name(a->keys[i], k, sizeof k);
		sbuf_addf(&b, "%s%s", i ? "/" : "", k);
	}
}

int action_visible(const ui_action_t *a, unsigned ctx, int read_only)
{
	return (a->ctx & ctx) && !(read_only && (a->flags & ACT_DANGEROUS));
}

int action_in_section(const ui_action_t *a, size_t i)
{
	if (i >= action_nsections) return 0;
	if (i == 0) return global(a);
	return !global(a) && (a->ctx & action_sections[i].ctx);
}

void action_run(ui_t *ui, const ui_action_t *a, const char *arg)
{
	if (ui->opt.read_only && (a->flags & ACT_DANGEROUS)) {
		ui_flash(ui, ROLE_WARN, "Read-only: %s is turned off (--read-only).", a->name);
		return;
	}
	const char *why = a->unavailable ? a->unavailable(ui) : NULL;
	if (why) {
		ui_flash(ui, ROLE_WARN, "%s", why);
		return;
	}
	a->run(ui, arg);
	ui->dirty |= UI_DIRTY_ALL;
}

void action_run_command(ui_t *ui, const char *line)
{
	char buf[128];
	while (isspace((unsigned char)*line)) line++;
	snprintf(buf, sizeof buf, "%s", line);
	size_t n = strlen(buf);
	while (n > 0 && isspace((unsigned char)buf[n - 1])) buf[--n] = 0;
	if (n == 0) return;
	char *arg = strchr(buf, ' ');
	if (arg) {
		*arg++ = 0;
		while (*arg == ' ') arg++;
	}
	int ambiguous;
	const ui_action_t *a = action_for_command(buf, 0, &ambiguous);
	if (!a) {
		ui_flash(ui, ROLE_WARN, ambiguous ? "Ambiguous command :%s (? lists them)."
		                                  : "Unknown command :%s (? lists them).", buf);
		return;
	}
	action_run(ui, a, arg && *arg ? arg : NULL);
}

void action_write_markdown(FILE *f, int read_only)
{
	for (size_t s = 0; s < action_nsections; s++) {
		fprintf(f, "%s### %s\n\n| Keys | Command | What it does |\n|---|---|---|\n", s ? "\n" : "",
		        action_sections[s].title);
		for (size_t i = 0; i < action_count; i++) {
			const ui_action_t *a = &action_table[i];
			if (!action_in_section(a, s) || (read_only && (a->flags & ACT_DANGEROUS))) continue;
			fprintf(f, "| ");
			for (size_t k = 0; k < 4 && a->keys[k]; k++) {
				char name[16];
				action_key_name(a->keys[k], name, sizeof name);
				fprintf(f, "%s`%s`", k ? " " : "", strcmp(name, "|") ? name : "\\|");
			}
			fprintf(f, " | ");
			if (a->flags & ACT_COMMAND)
				fprintf(f, "`:%s%s%s`", a->name, a->args ? " " : "", a->args ? a->args : "");
			fprintf(f, " | %s%s |\n", a->help,
			        a->flags & ACT_DANGEROUS ? " (hidden with `--read-only`)" : "");
		}
	}
}

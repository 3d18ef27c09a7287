/* The wizard's last panel: every value with where it came from, the checks preflight
 * will run, the same from a script; and the deploy it leads to (d, v, :deploy), with its
 * confirmation naming what will be billed. */
#include "ui/view_review.h"

#include <stdlib.h>
#include <string.h>

#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/view_capacity.h"
#include "ui/view_nodes.h"
#include "ui/view_stack.h"

/* Advice in the console is what to do in the console, not a command-line flag: the
 * acknowledgement --allow-non-efa gives headless is d's question here. */
static void console_advice(const char *msg, const char *instead, char *out, size_t n)
{
	static const char flag[] = "; pass --allow-non-efa to use it anyway";
	const char *cut = strstr(msg, flag);
	if (!cut) {
		snprintf(out, n, "%s", msg);
		return;
	}
	snprintf(out, n, "%.*s%s%s", (int)(cut - msg), msg, instead, cut + strlen(flag));
}

static void source_text(const config_t *cfg, config_key_t k, char *buf, size_t n)
{
	if (!cfg->value[k] || !*cfg->value[k]) {
		if (k == CONFIG_VOLUME_SIZE) snprintf(buf, n, "recommended for %s", config_instance_type(cfg));
		else snprintf(buf, n, "default");
	} else if (cfg->origin[k] && strcmp(cfg->origin[k], WIZ_ORIGIN) == 0) {
		snprintf(buf, n, "chosen here");
	} else {
		/* the origin only when it says more than the source ("-c flag", not "-c flag -c") */
		const char *src = config_source_name(cfg->source[k]), *o = cfg->origin[k];
		if (o && strstr(src, o)) o = NULL;
		snprintf(buf, n, "%s%s%s", src, o ? " " : "", o ? o : "");
	}
}

/* Draws (w non-NULL) or measures the review from virtual row y; returns its rows. */
static int review_list(ui_t *ui, WINDOW *w, int y, int wd)
{
	ui_wizard_t *z = ui->wiz;
	const config_t *cfg = &z->cfg;
	int row = y;
	int ck = 24, cv = wd >= 100 ? 40 : 26, xv = 2 + ck + 1, xs = xv + cv + 1;
	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		char val[64], src[256];
		const char *v = config_get(cfg, (config_key_t)k);
		if (k == CONFIG_VOLUME_SIZE) snprintf(val, sizeof val, "%ld", config_int(cfg, (config_key_t)k));
		else if (v && *v) snprintf(val, sizeof val, "%s", v);
		else continue;
		source_text(cfg, (config_key_t)k, src, sizeof src);
		int mine = cfg->origin[k] && strcmp(cfg->origin[k], WIZ_ORIGIN) == 0;
		if (w) {
			draw_text(w, row, 2, ck, theme_attr(ROLE_DIM), config_key_name((config_key_t)k));
			draw_text(w, row, xv, cv, mine ? theme_attr(ROLE_TITLE) : A_NORMAL, val);
			draw_text(w, row, xs, wd - xs, theme_attr(mine ? ROLE_OK : ROLE_DIM), src);
		}
		row++;
	}
	char name[160];
	const char *region = view_wizard_region(ui);
	if (config_stack_name(cfg, region, name, sizeof name) < 0) snprintf(name, sizeof name, "(needs a region)");
	row++;
	if (w) {
		int x = draw_text(w, row, 0, wd, theme_attr(ROLE_TITLE), "Stack ");
		x += draw_text(w, row, x, wd - x, A_NORMAL, name);
		if (region) {
			x += draw_text(w, row, x, wd - x, A_NORMAL, " in ");
			draw_text(w, row, x, wd - x, A_NORMAL, region);
		}
	}
	row += 2;
	config_diags_t d = { 0 };
	config_validate(cfg, region, &d);
	if (w) draw_text(w, row, 0, wd, theme_attr(ROLE_TITLE), "Checks");
	row++;
	char capwhy[512], volwhy[300];
	int capbad = view_capacity_problem(ui, capwhy, sizeof capwhy);
	int volbad = view_wizard_volume_problem(ui, volwhy, sizeof volwhy);
	if (volbad) {
		int lines = draw_wrap(NULL, 0, 0, wd - 9, 0, 0, volwhy);
		if (w) {
			draw_text(w, row, 2, 7, theme_attr(ROLE_FAIL), "error: ");
			draw_wrap(w, row, 9, wd - 9, lines, theme_attr(ROLE_FAIL), volwhy);
		}
		row += lines;
	}
	capbad |= volbad;
	if (view_capacity_problem(ui, capwhy, sizeof capwhy)) { /* the reservation check preflight runs (core/capacity_check.h) */
		int lines = draw_wrap(NULL, 0, 0, wd - 9, 0, 0, capwhy);
		if (w) {
			draw_text(w, row, 2, 7, theme_attr(ROLE_FAIL), "error: ");
			draw_wrap(w, row, 9, wd - 9, lines, theme_attr(ROLE_FAIL), capwhy);
		}
		row += lines;
	}
	if (d.n == 0 && !capbad && w) draw_text(w, row, 2, wd - 2, theme_attr(ROLE_OK), "No errors or warnings.");
	if (d.n == 0 && !capbad) row++;
	for (size_t i = 0; i < d.n; i++) {
		const config_diag_t *g = &d.items[i];
		const char *label = g->severity == CONFIG_ERROR ? "error: "
		                  : g->needs_ack && z->non_efa_ack ? "acknowledged: " : "warning: ";
		attr_t a = theme_attr(g->severity == CONFIG_ERROR ? ROLE_FAIL
		                      : g->needs_ack && z->non_efa_ack ? ROLE_DIM : ROLE_WARN);
		int lw = draw_width(label);
		char msg[600];
		console_advice(g->message, "; d asks you to acknowledge it", msg, sizeof msg);
		int lines = draw_wrap(NULL, 0, 0, wd - 2 - lw, 0, 0, msg);
		if (w) {
			draw_text(w, row, 2, lw, a, label);
			draw_wrap(w, row, 2 + lw, wd - 2 - lw, lines, a, msg);
		}
		row += lines;
	}
	config_diags_free(&d);
	row++;
	char line[2048], cmd[2560];
	ui->ops->headless_command(ui->s, line, sizeof line);
	draw_fmt_shell(line, wd - 2, cmd, sizeof cmd);
	if (w) draw_text(w, row, 0, wd, theme_attr(ROLE_TITLE), "The same from a script");
	row++;
	int lines = draw_wrap(NULL, 0, 0, wd - 2, 0, 0, cmd);
	if (w) draw_wrap(w, row, 2, wd - 2, lines, A_NORMAL, cmd);
	row += lines;
	return row - y;
}

static void review_layout(ui_t *ui, int h, int wd)
{
	ui->wiz->review_rows = h - 2;
	ui->wiz->review_total = review_list(ui, NULL, 0, wd);
}

static void review_changed(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (z->review_top > z->review_total - z->review_rows) z->review_top = z->review_total - z->review_rows;
	if (z->review_top < 0) z->review_top = 0;
}

static void review_move(ui_t *ui, int dir, view_unit_t unit)
{
	ui_wizard_t *z = ui->wiz;
	int step = unit == VIEW_LINE ? 1 : unit == VIEW_PAGE ? 10 : 1 << 12;
	z->review_top += dir * step;
	if (z->review_top < 0) z->review_top = 0;
}

static void review_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	(void)h;
	const ui_wizard_t *z = ui->wiz;
	view_wizard_title(w, y, wd, "Review: every value and where it came from (d deploys, v deploys and verifies)");
	WINDOW *sub = derwin(w, z->review_rows, wd, y + 2, 0);
	if (!sub) return;
	review_list(ui, sub, -z->review_top, wd);
	delwin(sub);
}


const char *view_wizard_deploy_unavailable(const ui_t *ui)
{
	const char *why = view_stack_blocks_deploy(ui);
	if (why) return why;
	if (ui_running(ui)) return "A deployment is under way.";
	return NULL;
}

static void do_deploy(ui_t *ui)
{
	session_t *s = ui->s;
	ui->ops->set_config(s, &ui->wiz->cfg);
	if (ui->wiz->non_efa_ack) ui->ops->acknowledge(s);
	s->root_cause[0] = 0;
	view_nodes_verify_when_ready(ui, ui->wiz->then_verify);
	if (ui->ops->deploy(s, NULL) < 0) {
		view_nodes_verify_when_ready(ui, 0);
		ui_flash(ui, ROLE_FAIL, "The deployment did not start: %s",
		         s->root_cause[0] ? s->root_cause : "see the log");
		return;
	}
	view_stack_follow_events(ui);
	view_stack_set_focus(ui, 0);
	ui_show(ui, UI_STACK);
}

static void confirm_deploy(ui_t *ui)
{
	const config_t *cfg = &ui->wiz->cfg;
	char name[160], text[600], cap[96] = "";
	const char *region = view_wizard_region(ui);
	if (config_stack_name(cfg, region, name, sizeof name) < 0) snprintf(name, sizeof name, "?");
	const char *cr = config_get(cfg, CONFIG_CAPACITY_RESERVATION_ID);
	if (cr && *cr) snprintf(cap, sizeof cap, " in %s %s", config_use_capacity_block(cfg) ? "Capacity Block" : "reservation", cr);
	snprintf(text, sizeof text,
	         "Create stack %s in %s: %ld x %s with %ld GiB gp3 volumes%s. The instances are billed "
	         "from launch until you destroy the stack.%s",
	         name, region ? region : "the default region", config_int(cfg, CONFIG_NODE_COUNT),
	         config_instance_type(cfg), config_int(cfg, CONFIG_VOLUME_SIZE), cap,
	         ui->wiz->then_verify ? " Once it is ready: setup, MLflow check, EFA checks and ping-pong, then a summary."
	                              : "");
	dialog_confirm(ui, "Deploy", text, NULL, "Deploy", 1, do_deploy);
}

static void ack_then_confirm(ui_t *ui)
{
	ui->wiz->non_efa_ack = 1;
	confirm_deploy(ui);
}

static void deploy_then(ui_t *ui, int verify);

void view_wizard_deploy(ui_t *ui, const char *arg)
{
	(void)arg;
	deploy_then(ui, 0);
}

void view_wizard_deploy_verify(ui_t *ui, const char *arg)
{
	(void)arg;
	deploy_then(ui, 1);
}

static void deploy_then(ui_t *ui, int verify)
{
	ui_wizard_t *z = ui->wiz;
	z->then_verify = verify;
	if (ui->screen != UI_WIZARD || z->panel != WIZ_REVIEW) {
		/* From elsewhere (:deploy) the review comes first. */
		ui_show(ui, UI_WIZARD);
		view_wizard_show_panel(ui, WIZ_REVIEW);
		return;
	}
	config_diags_t d = { 0 };
	config_validate(&z->cfg, view_wizard_region(ui), &d);
	const config_diag_t *err = NULL, *ack = NULL;
	for (size_t i = 0; i < d.n; i++) {
		if (!err && d.items[i].severity == CONFIG_ERROR) err = &d.items[i];
		if (!ack && d.items[i].needs_ack) ack = &d.items[i];
	}
	char capwhy[512], ackmsg[600];
	if (err) ui_flash(ui, ROLE_FAIL, "Fix this first: %s", err->message);
	else if (view_wizard_volume_problem(ui, capwhy, sizeof capwhy)) ui_flash(ui, ROLE_FAIL, "Fix this first: %s", capwhy);
	else if (view_capacity_problem(ui, capwhy, sizeof capwhy)) ui_flash(ui, ROLE_FAIL, "Fix this first: %s", capwhy);
	else if (ack && !z->non_efa_ack) {
		console_advice(ack->message, "", ackmsg, sizeof ackmsg);
		dialog_confirm(ui, "Acknowledge", ackmsg, NULL, "Acknowledge", 0, ack_then_confirm);
	}
	else confirm_deploy(ui);
	config_diags_free(&d);
}

const wiz_panel_ops_t view_review_panel = {
	.layout = review_layout, .changed = review_changed, .draw = review_draw, .move = review_move,
};

#include "ui/view_wizard.h"

#include <stdlib.h>
#include <string.h>

#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/view_capacity.h"
#include "ui/view_network.h"
#include "ui/view_nodes.h"
#include "ui/view_stack.h"
#include "ui/view_picker.h"
#include "ui/view_review.h"

static const struct {
	const char *name;
	unsigned ctx;
} panels[WIZ_COUNT] = {
	[WIZ_TYPE] = { "Instance type", CTX_WIZ_TYPE },
	[WIZ_VOLUME] = { "Volume", CTX_WIZ_VOLUME },
	[WIZ_CAPACITY] = { "Capacity", CTX_WIZ_CAPACITY },
	[WIZ_NETWORK] = { "Network", CTX_WIZ_NETWORK },
	[WIZ_REVIEW] = { "Review", CTX_WIZ_REVIEW },
};

enum { GP3_MIN = 1, GP3_MAX = 16384 };

const char *view_wizard_region(const ui_t *ui) { return ui->s->region[0] ? ui->s->region : NULL; }

const char *view_wizard_type(const ui_t *ui) { return config_instance_type(&ui->wiz->cfg); }

char *view_wizard_filter(ui_t *ui, size_t *size)
{
	*size = sizeof ui->wiz->filter;
	return ui->wiz->filter;
}

void view_wizard_set(ui_t *ui, config_key_t key, const char *value)
{
	config_t *cfg = &ui->wiz->cfg;
	const char *cur = config_get(cfg, key);
	if (key == CONFIG_VOLUME_SIZE && !cfg->value[key] && atol(value) == config_int(cfg, key)) return;
	if ((cur && strcmp(cur, value) == 0) || (!cur && !*value)) return;
	config_set(cfg, config_key_name(key), value, CONFIG_SRC_FLAG, WIZ_ORIGIN, NULL);
}

void view_wizard_title(WINDOW *w, int y, int wd, const char *title)
{
	draw_text(w, y, 0, wd, theme_attr(ROLE_TITLE), title);
}

int view_wizard_edit_digits(char *field, size_t n, int key, int *fresh)
{
	size_t len = strlen(field);
	if (key == KEY_BACKSPACE) {
		if (fresh && *fresh) len = 1;
		if (len > 0) field[len - 1] = 0;
	} else if (key >= '0' && key <= '9') {
		if (fresh && *fresh) len = 0, field[0] = 0;
		if (len + 1 >= n) return 1;
		field[len] = (char)key;
		field[len + 1] = 0;
	} else {
		return 0;
	}
	if (fresh) *fresh = 0;
	return 1;
}

/* ---- lookups ---- */

static void volume_answered(ui_t *ui);

void view_wizard_pump(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	session_t *s = ui->s;
	if (s->lookup.busy) return;
	const char *type = view_wizard_type(ui);
	if (z->want_saved) {
		z->want_saved = 0;
		ui->ops->lookup_saved_reservation(s);
	} else if (z->want_reservations) {
		z->want_reservations = 0;
		ui->ops->lookup_reservations(s, type);
	} else if (z->want_network) {
		z->want_network = 0;
		ui->ops->lookup_network(s, type);
	} else if (z->want_image) {
		z->want_image = 0;
		if (ui->ops->lookup_image) ui->ops->lookup_image(s, type);
	}
}

void view_wizard_lookup_done(ui_t *ui)
{
	if (ui->s->lookup.busy) return;
	view_capacity_lookup_done(ui);
	view_network_lookup_done(ui);
	view_wizard_pump(ui);
	volume_answered(ui);
}

static int volume_choose(ui_t *ui);

/* Enter on the Volume panel waited for the AMI's snapshot size: it goes on now. */
static void volume_answered(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (!z->volume_pending || ui->s->lookup.busy) return;
	z->volume_pending = 0;
	if (z->panel == WIZ_VOLUME && ui->screen == UI_WIZARD && volume_choose(ui)) view_wizard_show_panel(ui, WIZ_CAPACITY);
}

/* ---- instance type ---- */

static int type_matches(const ui_t *ui, const catalog_instance_t *it)
{
	const char *f[] = { it->name, it->series, it->accelerator, it->use };
	return view_match(ui->wiz->filter, f, 4);
}

/* The catalog rows the filter lets through; *n their count. */
static size_t type_list(const ui_t *ui, const catalog_instance_t **out, size_t cap)
{
	size_t n, m = 0;
	const catalog_instance_t *all = catalog_list(&n);
	for (size_t i = 0; i < n && m < cap; i++)
		if (type_matches(ui, &all[i])) out[m++] = &all[i];
	return m;
}

static void type_select_configured(ui_t *ui)
{
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rows[i]->name, view_wizard_type(ui)) == 0) ui->wiz->type_sel = i;
}

static void type_layout(ui_t *ui, int h, int wd)
{
	(void)wd;
	ui->wiz->type_rows = h - 5;
}

static void type_changed(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	if (z->type_sel >= n) z->type_sel = n ? n - 1 : 0;
	view_keep_visible(z->type_sel, &z->type_top, n, z->type_rows);
}

static void type_move(ui_t *ui, int dir, view_unit_t unit)
{
	ui_wizard_t *z = ui->wiz;
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	view_select(&z->type_sel, &z->type_top, n, z->type_rows, dir, unit);
}

/* The rows start below the panel's title and column heads. */
static void type_click(ui_t *ui, int y, int x)
{
	(void)x;
	ui_wizard_t *z = ui->wiz;
	if (y < 4 || y >= 4 + z->type_rows) return;
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	size_t i = z->type_top + (size_t)(y - 4);
	if (i < n) z->type_sel = i;
}

static void type_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const ui_wizard_t *z = ui->wiz;
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	char title[160];
	long nodes = config_int(&z->cfg, CONFIG_NODE_COUNT);
	int rows_h = z->type_rows;
	char pos[48];
	view_position(pos, sizeof pos, z->type_top, rows_h, n);
	snprintf(title, sizeof title, "Instance type of the %ld nodes%s%s%s%s", nodes, z->filter[0] ? "  /" : "",
	         z->filter, pos[0] ? "  " : "", pos);
	view_wizard_title(w, y, wd, title);
	int wide = wd >= 100;
	/* Columns: type, [series], accelerators, memory, EFA, volume, [use]. */
	int ct = 15, cs = wide ? 6 : 0, ca = wide ? 34 : 26, cm = 8, ce = 5, cv = 8;
	int xt = 2, xs = xt + ct + 1, xa = xs + (cs ? cs + 1 : 0), xm = xa + ca + 1, xe = xm + cm + 1,
	    xv = xe + ce + 1, xu = xv + cv + 1;
	attr_t hd = theme_attr(ROLE_DIM);
	draw_text(w, y + 1, xt, ct, hd, "TYPE");
	if (cs) draw_text(w, y + 1, xs, cs, hd, "SERIES");
	draw_text(w, y + 1, xa, ca, hd, "ACCELERATORS");
	draw_text_right(w, y + 1, xm + cm, cm, hd, "MEMORY");
	draw_text_right(w, y + 1, xe + ce, ce, hd, "EFA");
	draw_text_right(w, y + 1, xv + cv, cv, hd, "VOLUME");
	if (wide) draw_text(w, y + 1, xu, wd - xu, hd, "USE");
	for (int r = 0; r < rows_h && z->type_top + (size_t)r < n; r++) {
		size_t i = z->type_top + (size_t)r;
		const catalog_instance_t *it = rows[i];
		int row = y + 2 + r, sel = i == z->type_sel;
		attr_t a = sel ? theme_attr(ROLE_SELECT) : A_NORMAL;
		if (sel) draw_fill(w, row, 0, wd, a, " ");
		if (strcmp(it->name, view_wizard_type(ui)) == 0) draw_text(w, row, 0, 1, a, draw_glyphs()->mark);
		char buf[96];
		draw_text(w, row, xt, ct, a, it->name);
		if (cs) draw_text(w, row, xs, cs, a, it->series);
		snprintf(buf, sizeof buf, "%dx %s (%d GiB)", it->accel_count, it->accelerator, it->accel_mem_gib);
		draw_text(w, row, xa, ca, a, buf);
		snprintf(buf, sizeof buf, "%d GiB", it->mem_gib);
		draw_text_right(w, row, xm + cm, cm, a, buf);
		if (it->efa_max) snprintf(buf, sizeof buf, "%d", it->efa_max);
		else snprintf(buf, sizeof buf, "none");
		draw_text_right(w, row, xe + ce, ce, it->efa_max || sel ? a : theme_attr(ROLE_WARN), buf);
		snprintf(buf, sizeof buf, "%d GiB", it->root_volume_gb);
		draw_text_right(w, row, xv + cv, cv, a, buf);
		if (wide) draw_text(w, row, xu, wd - xu, a, it->use);
	}
	if (n == 0) draw_text(w, y + 2, 2, wd - 2, hd, "No instance type matches the filter (Esc on / clears it).");
	/* The selected type in full, and why a type without EFA needs a yes. */
	int dy = y + h - 3;
	if (n) {
		const catalog_instance_t *it = rows[z->type_sel];
		char buf[400];
		snprintf(buf, sizeof buf, "%s: %dx %s, %d vCPUs, %d GiB memory, %d Gbps on %d network card%s. %s.",
		         it->name, it->accel_count, it->accelerator, it->vcpus, it->mem_gib, it->network_gbps,
		         it->network_cards, it->network_cards == 1 ? "" : "s", it->use);
		draw_wrap(w, dy, 0, wd, 2, A_NORMAL, buf);
		if (!it->efa_max)
			draw_text(w, dy + 2, 0, wd, theme_attr(ROLE_WARN),
			          "No EFA: the nodes would talk over TCP only; choosing it asks you to confirm.");
	}
	if (!catalog_lookup(view_wizard_type(ui)))
		draw_text(w, dy + 2, 0, wd, theme_attr(ROLE_WARN),
		          "The configured type is not in the catalog; choosing a row replaces it.");
}

static void type_apply(ui_t *ui, const catalog_instance_t *it)
{
	ui_wizard_t *z = ui->wiz;
	if (strcmp(it->name, view_wizard_type(ui)) != 0) {
		view_wizard_set(ui, CONFIG_INSTANCE_TYPE, it->name);
		z->looked_up[0] = z->net_looked_up[0] = 0; /* reservations and zones depend on the type */
	}
	if (it->efa_max) z->non_efa_ack = 0;
	view_wizard_show_panel(ui, WIZ_VOLUME);
}

static void type_ack(ui_t *ui)
{
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	if (ui->wiz->type_sel >= n) return;
	ui->wiz->non_efa_ack = 1;
	type_apply(ui, rows[ui->wiz->type_sel]);
}

/* Moves on itself (type_apply), at once or once a type without EFA is confirmed: 0. */
static int type_choose(ui_t *ui)
{
	const catalog_instance_t *rows[64];
	size_t n = type_list(ui, rows, 64);
	if (n == 0) return 0;
	const catalog_instance_t *it = rows[ui->wiz->type_sel];
	if (it->efa_max == 0) {
		char text[400];
		snprintf(text, sizeof text,
		         "%s has no EFA: the nodes will talk over TCP only and the EFA checks and "
		         "ping-pong will not show fabric numbers. Use it anyway? (headless: --allow-non-efa)",
		         it->name);
		dialog_confirm(ui, "No EFA on this type", text, NULL, "Use it", 0, type_ack);
		return 0;
	}
	type_apply(ui, it);
	return 0;
}

/* ---- volume ---- */

static void volume_enter(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	z->volume_pending = 0;
	snprintf(z->volume, sizeof z->volume, "%ld", config_int(&z->cfg, CONFIG_VOLUME_SIZE));
	z->volume_fresh = 1;
	if (strcmp(ui->s->lookup.image.instance_type, view_wizard_type(ui)) != 0) {
		z->want_image = 1;
		view_wizard_pump(ui);
	}
}

/* The root snapshot of the type's AMI, once looked up (0: not known). EC2 refuses a root
 * volume smaller than it (InvalidBlockDeviceMapping); preflight checks it too. */
static int volume_floor(const ui_t *ui)
{
	const struct sess_image *im = &ui->s->lookup.image;
	return strcmp(im->instance_type, view_wizard_type(ui)) == 0 ? im->root_gib : 0;
}

/* The diagnostics the configuration would have with size as the volume. */
static void volume_diags(const ui_t *ui, const char *size, config_diags_t *d)
{
	config_t tmp;
	config_init(&tmp);
	config_set(&tmp, config_key_name(CONFIG_INSTANCE_TYPE), view_wizard_type(ui), CONFIG_SRC_FLAG, NULL, NULL);
	config_set(&tmp, config_key_name(CONFIG_VOLUME_SIZE), *size ? size : "0", CONFIG_SRC_FLAG, NULL, NULL);
	config_diags_t all = { 0 };
	config_validate(&tmp, NULL, &all);
	for (size_t i = 0; i < all.n; i++)
		if (strcmp(all.items[i].key, config_key_name(CONFIG_VOLUME_SIZE)) == 0)
			config_diag_add(d, all.items[i].severity, all.items[i].needs_ack, all.items[i].key, "%s",
			                all.items[i].message);
	config_diags_free(&all);
	config_free(&tmp);
	int floor = volume_floor(ui);
	if (floor > 0 && atol(size) < floor)
		config_diag_add(d, CONFIG_ERROR, 0, config_key_name(CONFIG_VOLUME_SIZE),
		                "The AMI %s has a %d GiB root snapshot: the volume must be at least %d GiB.",
		                ui->s->lookup.image.ami, floor, floor);
}

static void volume_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	ui_wizard_t *z = ui->wiz;
	const char *type = view_wizard_type(ui);
	view_wizard_title(w, y, wd, "Root volume of each node (gp3)");
	int x = draw_text(w, y + 2, 2, wd, A_NORMAL, "Size ");
	draw_field(w, y + 2, 2 + x, 8, theme_attr(ROLE_INPUT), z->volume);
	draw_text(w, y + 2, 2 + x + 9, wd, A_NORMAL, "GiB");
	char buf[200];
	snprintf(buf, sizeof buf, "Recommended for %s: %d GiB.", type, catalog_recommended_volume_gb(type));
	draw_text(w, y + 4, 2, wd - 2, A_NORMAL, buf);
	snprintf(buf, sizeof buf, "gp3 volumes are %d to %d GiB. Type a size, or k/j for +/-10, PgUp/PgDn for +/-100.",
	         GP3_MIN, GP3_MAX);
	draw_wrap(w, y + 5, 2, wd - 2, 2, theme_attr(ROLE_DIM), buf);
	config_diags_t d = { 0 };
	int row = y + 8;
	if (!z->volume[0]) /* nothing typed yet: no size to judge */
		draw_text(w, row, 2, wd - 2, A_NORMAL, "Type a size in GiB.");
	else
		volume_diags(ui, z->volume, &d);
	for (size_t i = 0; i < d.n && row < y + h; i++) {
		const config_diag_t *g = &d.items[i];
		attr_t a = theme_attr(g->severity == CONFIG_ERROR ? ROLE_FAIL : ROLE_WARN);
		int lw = draw_text(w, row, 2, wd, a, g->severity == CONFIG_ERROR ? "error: " : "warning: ");
		row += draw_wrap(w, row, 2 + lw, wd - 2 - lw, y + h - row, a, g->message);
	}
	config_diags_free(&d);
}

static int volume_key(ui_t *ui, int key)
{
	ui_wizard_t *z = ui->wiz;
	char before[sizeof z->volume];
	memcpy(before, z->volume, sizeof before);
	int fresh = z->volume_fresh;
	if (!view_wizard_edit_digits(z->volume, sizeof z->volume, key, &z->volume_fresh)) return 0;
	z->volume_pending = 0; /* a size typed after Enter waits for the next Enter */
	if (atol(z->volume) > GP3_MAX) {
		memcpy(z->volume, before, sizeof before);
		z->volume_fresh = fresh;
		ui_flash(ui, ROLE_WARN, "gp3 volumes are %d to %d GiB.", GP3_MIN, GP3_MAX);
	}
	return 1;
}

static void volume_move(ui_t *ui, int dir, view_unit_t unit)
{
	ui_wizard_t *z = ui->wiz;
	long v = atol(z->volume) - dir * (unit == VIEW_LINE ? 10 : 100);
	if (unit == VIEW_END) v = dir < 0 ? GP3_MAX : GP3_MIN;
	if (v < GP3_MIN) v = GP3_MIN;
	if (v > GP3_MAX) v = GP3_MAX;
	snprintf(z->volume, sizeof z->volume, "%ld", v);
	z->volume_fresh = 0;
}

static int volume_choose(ui_t *ui)
{
	long v = atol(ui->wiz->volume);
	if (v < GP3_MIN || v > GP3_MAX) {
		ui_flash(ui, ROLE_WARN, "Enter a size from %d to %d GiB.", GP3_MIN, GP3_MAX);
		return 0;
	}
	int floor = volume_floor(ui);
	if (floor > 0 && v < floor) {
		ui_flash(ui, ROLE_WARN, "The AMI's root snapshot is %d GiB: enter %d GiB or more.", floor, floor);
		return 0;
	}
	/* not taken before the snapshot's size is known (issue 14 item 11), unless the lookup failed */
	const session_t *s = ui->s;
	if (floor == 0 && (ui->wiz->want_image ||
	                   (s->lookup.busy && strcmp(s->lookup.image.instance_type, view_wizard_type(ui)) == 0))) {
		ui_flash(ui, ROLE_WARN, "Asking AWS for the AMI's root snapshot size: on to Capacity once it answers.");
		ui->wiz->volume_pending = 1;
		return 0;
	}
	char buf[16];
	snprintf(buf, sizeof buf, "%ld", v);
	view_wizard_set(ui, CONFIG_VOLUME_SIZE, buf);
	return 1;
}

/* ---- review ---- */

/* The volume check preflight runs (preflight_image.c) and the Volume panel refuses on:
 * a volume below the AMI's root snapshot. 1 with why when it fails. */
int view_wizard_volume_problem(const ui_t *ui, char *why, size_t n)
{
	const config_t *cfg = &ui->wiz->cfg;
	int floor = volume_floor(ui);
	long v = config_int(cfg, CONFIG_VOLUME_SIZE);
	if (floor <= 0 || v >= floor) return 0;
	snprintf(why, n, "The volume is %ld GiB but the AMI %s has a %d GiB root snapshot: "
	         "Esc back to the Volume panel and enter %d GiB or more.", v, ui->s->lookup.image.ami, floor, floor);
	return 1;
}

/* ---- the wizard ---- */

static const wiz_panel_ops_t type_panel = {
	.layout = type_layout, .changed = type_changed, .draw = type_draw, .move = type_move,
	.choose = type_choose, .click = type_click,
};
static const wiz_panel_ops_t volume_panel = {
	.enter = volume_enter, .draw = volume_draw, .move = volume_move, .key = volume_key, .choose = volume_choose,
};
static const wiz_panel_ops_t *const panel_ops[WIZ_COUNT] = {
	[WIZ_TYPE] = &type_panel, [WIZ_VOLUME] = &volume_panel, [WIZ_CAPACITY] = &view_capacity_panel,
	[WIZ_NETWORK] = &view_network_panel, [WIZ_REVIEW] = &view_review_panel,
};

void view_wizard_show_panel(ui_t *ui, wiz_panel_t panel)
{
	ui_wizard_t *z = ui->wiz;
	z->panel = panel;
	if (panel_ops[panel]->enter) panel_ops[panel]->enter(ui);
	/* The session builds the headless command line from its configuration. */
	if (panel == WIZ_REVIEW) ui->ops->set_config(ui->s, &z->cfg);
	ui->dirty |= UI_DIRTY_ALL;
}

/* The first screen says when AWS could not be reached (issue 14 item 17: no credentials,
 * keys AWS refuses), with what was tried, instead of a lookup's error cut off on the
 * message line of a later panel. 0 when there is nothing to say. */
static int unreachable_text(const ui_t *ui, char *text, size_t n)
{
	const session_t *s = ui->s;
	if (s->phase != SESS_IDLE || !s->root_cause[0]) return 0;
	snprintf(text, n, "%s (credentials: %s). Without an AWS account, try the console on the sandbox: "
	         "run nixl-tui sandbox in another terminal and start nixl-tui with what it prints.", s->root_cause,
	         ui->opt.creds && *ui->opt.creds ? ui->opt.creds : "none found");
	return 1;
}

/* The box's rows (its text at most six lines, its frame and a blank row), 0 without it. */
static int unreachable_rows(const ui_t *ui, int wd)
{
	char text[1600];
	if (!unreachable_text(ui, text, sizeof text)) return 0;
	int lines = draw_wrap(NULL, 0, 0, wd - 4, 0, 0, text);
	return (lines > 6 ? 6 : lines) + 3;
}

static void unreachable_draw(const ui_t *ui, WINDOW *w, int y, int wd)
{
	char text[1600];
	if (!ui->wiz->banner || !unreachable_text(ui, text, sizeof text)) return;
	int lines = ui->wiz->banner - 3;
	attr_t a = theme_attr(ROLE_FAIL);
	draw_box(w, y + 1, 0, lines + 2, wd, a, "AWS could not be reached", a);
	draw_wrap(w, y + 2, 2, wd - 4, lines, A_NORMAL, text);
}

/* The banner's rows, then the panel's geometry below it. */
static void wizard_layout(ui_t *ui, int h, int wd)
{
	ui_wizard_t *z = ui->wiz;
	z->banner = unreachable_rows(ui, wd);
	const wiz_panel_ops_t *p = panel_ops[z->panel];
	if (p->layout) p->layout(ui, h - 2 - z->banner, wd);
}

static void wizard_changed(ui_t *ui)
{
	const wiz_panel_ops_t *p = panel_ops[ui->wiz->panel];
	if (p->changed) p->changed(ui);
}

static void wizard_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	ui_wizard_t *z = ui->wiz;
	int x = 0;
	for (int i = 0; i < WIZ_COUNT && x < wd; i++) {
		char step[32];
		snprintf(step, sizeof step, "%d %s", i + 1, panels[i].name);
		theme_role_t role = i == (int)z->panel ? ROLE_SELECT : i < (int)z->panel ? ROLE_OK : ROLE_DIM;
		if (i) x += draw_text(w, 0, x, wd - x, theme_attr(ROLE_DIM), " > ");
		x += draw_text(w, 0, x, wd - x, theme_attr(role), step);
	}
	unreachable_draw(ui, w, 1, wd);
	int top = 2 + z->banner;
	panel_ops[z->panel]->draw(ui, w, top, h - top, wd);
}

static void wizard_move(ui_t *ui, int dir, view_unit_t unit)
{
	const wiz_panel_ops_t *p = panel_ops[ui->wiz->panel];
	if (p->move) (p->move)(ui, dir, unit); /* parenthesised: curses defines move() */
}

static void wizard_click(ui_t *ui, int y, int x)
{
	const wiz_panel_ops_t *p = panel_ops[ui->wiz->panel];
	/* the panels' rows are below the banner */
	if (p->click) p->click(ui, y - ui->wiz->banner, x);
}

const ui_view_t view_wizard = {
	.init = view_wizard_init, .free = view_wizard_free, .layout = wizard_layout, .changed = wizard_changed,
	.draw = wizard_draw, .move = wizard_move, .click = wizard_click,
};

int view_wizard_init(ui_t *ui)
{
	ui_wizard_t *z = calloc(1, sizeof *z);
	if (!z) return -1;
	config_init(&z->cfg);
	const config_t *src = ui->ops->config ? ui->ops->config(ui->s) : NULL;
	for (int k = 0; src && k < CONFIG_KEY_COUNT; k++)
		if (src->value[k])
			config_set(&z->cfg, config_key_name((config_key_t)k), src->value[k], src->source[k],
			           src->origin[k], NULL);
	ui->wiz = z;
	type_select_configured(ui);
	return 0;
}

void view_wizard_free(ui_t *ui)
{
	if (!ui->wiz) return;
	config_free(&ui->wiz->cfg);
	free(ui->wiz);
	ui->wiz = NULL;
}

unsigned view_wizard_context(const ui_t *ui)
{
	if (ui->wiz->panel == WIZ_CAPACITY && ui->wiz->offers) return CTX_WIZ_OFFERS;
	return panels[ui->wiz->panel].ctx;
}

int view_wizard_key(ui_t *ui, int key)
{
	const wiz_panel_ops_t *p = panel_ops[ui->wiz->panel];
	return p->key ? p->key(ui, key) : 0;
}

void view_wizard_next(ui_t *ui, const char *arg)
{
	(void)arg;
	wiz_panel_t panel = ui->wiz->panel;
	const wiz_panel_ops_t *p = panel_ops[panel];
	if (p->choose && p->choose(ui) && panel + 1 < WIZ_COUNT) view_wizard_show_panel(ui, panel + 1);
}

void view_wizard_prev(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_wizard_t *z = ui->wiz;
	if (z->panel == WIZ_CAPACITY && view_capacity_back(ui)) return;
	if (z->panel == WIZ_TYPE && z->filter[0]) z->filter[0] = 0;
	else if (z->panel > WIZ_TYPE) view_wizard_show_panel(ui, z->panel - 1);
	else ui_back(ui);
}

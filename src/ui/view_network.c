#include "ui/view_network.h"

#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/view_capacity.h"
#include "ui/view_wizard.h"

/* Where the lists start in the body (the panel starts at row 2). */
enum { LIST_Y = 5 };

/* The first row shown of n so that sel is in view in rows. */
static size_t top_for(size_t sel, size_t n, int rows)
{
	if (rows <= 0 || n <= (size_t)rows || sel < (size_t)rows) return 0;
	return sel - (size_t)rows + 1;
}

/* "VPC  3-12 of 30" when the list does not all show. */
static void list_header(char *buf, size_t len, const char *name, size_t top, size_t n, int rows)
{
	if (rows <= 0 || n <= (size_t)rows) snprintf(buf, len, "%s", name);
	else snprintf(buf, len, "%s  %zu-%zu of %zu", name, top + 1, top + (size_t)rows, n);
}

typedef struct cols { int vpc, az, port; } cols_t;

static cols_t columns(int wd)
{
	cols_t c = { 2, 2 + wd * 45 / 100, 2 + wd * 75 / 100 };
	return c;
}

/* The configured VPC, else the default one (what the stack uses when vpcId is unset). */
static void pick_defaults(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const struct sess_lookup *l = &ui->s->lookup;
	const char *vpc = config_get(&z->cfg, CONFIG_VPC_ID), *az = config_get(&z->cfg, CONFIG_AVAILABILITY_ZONE);
	z->vpc_sel = z->az_sel = 0;
	for (size_t i = 0; i < l->nvpcs; i++)
		if (vpc ? strcmp(l->vpcs[i].id, vpc) == 0 : l->vpcs[i].is_default) z->vpc_sel = i;
	for (size_t i = 0; az && i < l->nazs; i++)
		if (strcmp(l->azs[i], az) == 0) z->az_sel = i + 1;
}

static void net_enter(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const char *type = view_wizard_type(ui);
	snprintf(z->port, sizeof z->port, "%ld", config_int(&z->cfg, CONFIG_VLLM_PORT));
	z->net_touched = 0;
	if (strcmp(z->net_looked_up, type) != 0) {
		snprintf(z->net_looked_up, sizeof z->net_looked_up, "%s", type);
		z->want_network = 1;
		view_wizard_pump(ui);
	}
	pick_defaults(ui);
}

void view_network_lookup_done(ui_t *ui)
{
	if (!ui->wiz->net_touched) pick_defaults(ui);
}

static void header(WINDOW *w, int y, int x, int wd, const char *text, int focused)
{
	draw_text(w, y, x, wd, theme_attr(focused ? ROLE_SELECT : ROLE_TITLE), text);
}

static void net_layout(ui_t *ui, int h, int wd)
{
	(void)wd;
	ui->wiz->net_rows = h - 5;
}

/* A list longer than the panel scrolls with its selection. */
static void net_changed(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const struct sess_lookup *l = &ui->s->lookup;
	z->vpc_top = top_for(z->vpc_sel, l->nvpcs, z->net_rows);
	z->az_top = top_for(z->az_sel, l->nazs ? l->nazs + 1 : 0, z->net_rows);
}

static void net_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const ui_wizard_t *z = ui->wiz;
	const struct sess_lookup *l = &ui->s->lookup;
	char title[128];
	snprintf(title, sizeof title, "Network for %s", view_wizard_type(ui));
	view_wizard_title(w, y, wd, title);
	cols_t c = columns(wd);
	int rows = z->net_rows;
	size_t vpc_top = z->vpc_top, az_top = z->az_top;
	char hv[64], ha[64];
	list_header(hv, sizeof hv, "VPC", vpc_top, l->nvpcs, rows);
	list_header(ha, sizeof ha, "Availability zone", az_top, l->nazs ? l->nazs + 1 : 0, rows);
	header(w, y + 2, c.vpc, c.az - c.vpc - 1, hv, z->net_field == 0);
	header(w, y + 2, c.az, c.port - c.az - 1, ha, z->net_field == 1);
	header(w, y + 2, c.port, wd - c.port, "vLLM port", z->net_field == 2);
	for (int rr = 0; rr < rows; rr++) {
		int row = y + 3 + rr;
		size_t r = vpc_top + (size_t)rr;
		if (r < l->nvpcs) {
			const struct sess_vpc *v = &l->vpcs[r];
			int sel = r == z->vpc_sel;
			attr_t a = sel && z->net_field == 0 ? theme_attr(ROLE_SELECT) : A_NORMAL;
			char text[128];
			snprintf(text, sizeof text, "%s %-21s %-18s%s", sel ? ">" : " ", v->id, v->cidr,
			         v->is_default ? " default" : "");
			draw_text(w, row, c.vpc - 2, c.az - c.vpc + 1, a, text);
		}
		/* Row 0 leaves the zone to CloudFormation. */
		r = az_top + (size_t)rr;
		if (l->nazs && r <= l->nazs) {
			int sel = r == z->az_sel;
			attr_t a = sel && z->net_field == 1 ? theme_attr(ROLE_SELECT) : A_NORMAL;
			char text[48];
			snprintf(text, sizeof text, "%s %s", sel ? ">" : " ", r ? l->azs[r - 1] : "any of them");
			draw_text(w, row, c.az - 2, c.port - c.az, a, text);
		}
	}
	if (l->nvpcs == 0)
		draw_text(w, y + 3, c.vpc, c.az - c.vpc - 1, theme_attr(ROLE_DIM), l->busy ? "asking AWS..." : "none listed: the default VPC");
	if (l->nazs == 0)
		draw_text(w, y + 3, c.az, c.port - c.az - 1, theme_attr(ROLE_DIM), l->busy ? "asking AWS..." : "none listed: any zone");
	draw_field(w, y + 3, c.port, 8, theme_attr(z->net_field == 2 ? ROLE_SELECT : ROLE_INPUT), z->port);
	char note[240];
	const char *pinned = view_capacity_zone(ui);
	if (pinned)
		snprintf(note, sizeof note, "The zone is %s, the reservation's (Esc back to Capacity to change it). "
		         "Tab moves between VPC, zone and port; Enter goes on.", pinned);
	else
		snprintf(note, sizeof note, "The zones listed offer %s. Tab moves between VPC, zone and port; Enter goes on.",
		         view_wizard_type(ui));
	draw_wrap(w, y + h - 2, 0, wd, 2, theme_attr(ROLE_DIM), note);
}

/* A reservation launches only in its own zone: the zone is not the operator's to move. */
static int zone_pinned(ui_t *ui)
{
	const char *az = view_capacity_zone(ui);
	if (!az) return 0;
	ui_flash(ui, ROLE_WARN, "The instances launch in %s, the zone of the reservation: Esc back to Capacity to "
	         "choose another.", az);
	return 1;
}

static void net_move(ui_t *ui, int dir, view_unit_t unit)
{
	ui_wizard_t *z = ui->wiz;
	const struct sess_lookup *l = &ui->s->lookup;
	size_t top = 0;
	if (z->net_field == 1 && zone_pinned(ui)) return;
	if (z->net_field == 0) view_select(&z->vpc_sel, &top, l->nvpcs, 1 << 16, dir, unit);
	else if (z->net_field == 1) view_select(&z->az_sel, &top, l->nazs + 1, 1 << 16, dir, unit);
	z->net_touched = 1;
}

static int net_key(ui_t *ui, int key)
{
	ui_wizard_t *z = ui->wiz;
	if (z->net_field != 2) return 0;
	return view_wizard_edit_digits(z->port, sizeof z->port, key, NULL);
}

static int net_choose(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const struct sess_lookup *l = &ui->s->lookup;
	long port = atol(z->port);
	if (port < 1 || port > 65535 || port == 22) {
		ui_flash(ui, ROLE_WARN, "The vLLM port must be 1 to 65535 and not 22 (SSH stays closed).");
		z->net_field = 2;
		return 0;
	}
	char buf[16];
	snprintf(buf, sizeof buf, "%ld", port);
	view_wizard_set(ui, CONFIG_VLLM_PORT, buf);
	if (z->vpc_sel < l->nvpcs) {
		const struct sess_vpc *v = &l->vpcs[z->vpc_sel];
		/* The default VPC stays implicit unless a VPC was configured. */
		if (!(v->is_default && !config_get(&z->cfg, CONFIG_VPC_ID))) view_wizard_set(ui, CONFIG_VPC_ID, v->id);
	}
	if (l->nazs && z->az_sel <= l->nazs)
		view_wizard_set(ui, CONFIG_AVAILABILITY_ZONE, z->az_sel ? l->azs[z->az_sel - 1] : "");
	return 1;
}

static void net_click(ui_t *ui, int y, int x)
{
	ui_wizard_t *z = ui->wiz;
	cols_t c = columns(ui->cols);
	int field = x >= c.port ? 2 : x >= c.az - 2 ? 1 : 0;
	z->net_field = field;
	if (y < LIST_Y) return;
	size_t i = (size_t)(y - LIST_Y) + (field == 0 ? z->vpc_top : z->az_top);
	if (field == 0 && i < ui->s->lookup.nvpcs) z->vpc_sel = i, z->net_touched = 1;
	if (field == 1 && i <= ui->s->lookup.nazs && !zone_pinned(ui)) z->az_sel = i, z->net_touched = 1;
}

void view_network_field(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->wiz->net_field = (ui->wiz->net_field + 1) % 3;
}

void view_network_refresh(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->wiz->want_network = 1;
	view_wizard_pump(ui);
}

const wiz_panel_ops_t view_network_panel = {
	.enter = net_enter, .layout = net_layout, .changed = net_changed, .draw = net_draw,
	.move = net_move, .key = net_key, .choose = net_choose, .click = net_click,
};

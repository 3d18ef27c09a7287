#include "ui/view_capacity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/capacity_check.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/view_picker.h"
#include "ui/view_wizard.h"

enum { CAP_NONE, CAP_SAVED, CAP_RESERVATION, CAP_SEARCH };

/* Where the rows start in the body (the panel starts at row 2). */
enum { LIST_Y = 4, OFFERS_Y = 7 };

typedef struct cap_row { int kind; const struct sess_reservation *r; } cap_row_t;

static const struct sess_reservation *listed(const session_t *s, const char *id)
{
	for (size_t i = 0; i < s->lookup.nreservations; i++)
		if (strcmp(s->lookup.reservations[i].id, id) == 0) return &s->lookup.reservations[i];
	return NULL;
}

/* What preflight would say of taking reservation `r` with the wizard's configuration
 * (zone: the one configured, or NULL when the reservation is to decide it). */
static cap_verdict_t verdict(const ui_t *ui, const struct sess_reservation *r, const char *zone,
                             char *why, size_t whylen, char *brief, size_t brieflen)
{
	const config_t *cfg = &ui->wiz->cfg;
	const char *said = cfg->value[CONFIG_USE_CAPACITY_BLOCK];
	ec2_capacity_reservation_t v = {
		.id = (char *)r->id, .instance_type = (char *)r->instance_type,
		.availability_zone = (char *)r->az, .state = (char *)r->state,
		.reservation_type = (char *)r->type,
		.instance_platform = r->platform[0] ? (char *)r->platform : NULL,
		.tenancy = r->tenancy[0] ? (char *)r->tenancy : NULL,
		.total_instance_count = r->total, .available_instance_count = r->available,
		.start_date = r->start, .end_date = r->end,
	};
	cap_want_t w = {
		.instance_type = view_wizard_type(ui), .zone = zone,
		.nodes = config_int(cfg, CONFIG_NODE_COUNT),
		.use_capacity_block = said && *said && zone ? config_use_capacity_block(cfg) : -1,
	};
	return cap_check(&v, &w, 0, why, whylen, brief, brieflen);
}

int view_capacity_problem(const ui_t *ui, char *why, size_t n)
{
	const char *id = config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	const struct sess_reservation *r = id && *id ? listed(ui->s, id) : NULL;
	if (!r) return 0;
	const char *zone = config_get(&ui->wiz->cfg, CONFIG_AVAILABILITY_ZONE);
	return verdict(ui, r, zone && *zone ? zone : "", why, n, NULL, 0) != CAP_OK;
}

const char *view_capacity_zone(const ui_t *ui)
{
	const char *id = config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	const struct sess_reservation *r = id && *id ? listed(ui->s, id) : NULL;
	return r && r->az[0] ? r->az : NULL;
}

/* On-demand, the saved reservation (when not listed), the type's reservations, search. */
static size_t rows_of(const ui_t *ui, cap_row_t *out, size_t cap)
{
	const session_t *s = ui->s;
	const char *type = view_wizard_type(ui);
	size_t n = 0;
	out[n++] = (cap_row_t){ CAP_NONE, NULL };
	if (s->lookup.saved_reservation[0] && !listed(s, s->lookup.saved_reservation))
		out[n++] = (cap_row_t){ CAP_SAVED, NULL };
	for (size_t i = 0; i < s->lookup.nreservations && n + 1 < cap; i++)
		if (strcmp(s->lookup.reservations[i].instance_type, type) == 0)
			out[n++] = (cap_row_t){ CAP_RESERVATION, &s->lookup.reservations[i] };
	out[n++] = (cap_row_t){ CAP_SEARCH, NULL };
	return n;
}

static const char *configured_id(const ui_t *ui)
{
	const char *id = config_get(&ui->wiz->cfg, CONFIG_CAPACITY_RESERVATION_ID);
	return id ? id : "";
}

static int is_current(const ui_t *ui, const cap_row_t *r)
{
	const char *id = configured_id(ui);
	switch (r->kind) {
	case CAP_NONE: return !*id;
	case CAP_SAVED: return *id && strcmp(id, ui->s->lookup.saved_reservation) == 0;
	case CAP_RESERVATION: return *id && strcmp(id, r->r->id) == 0;
	default: return 0;
	}
}

/* Puts the cursor on the configured choice, else on the saved reservation. */
static void preselect(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	const char *saved = ui->s->lookup.saved_reservation;
	for (size_t i = 0; i < n; i++) {
		if (is_current(ui, &rows[i]) && rows[i].kind != CAP_NONE) { z->cap_sel = i; return; }
		if (!*configured_id(ui) && saved[0] &&
		    ((rows[i].kind == CAP_SAVED) || (rows[i].kind == CAP_RESERVATION && strcmp(rows[i].r->id, saved) == 0))) {
			z->cap_sel = i;
			return;
		}
	}
	z->cap_sel = 0;
}

static void cap_enter(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	const char *type = view_wizard_type(ui);
	z->offers = 0;
	z->cap_touched = 0;
	if (!z->off_text[0][0]) {
		snprintf(z->off_text[0], sizeof z->off_text[0], "%ld", config_int(&z->cfg, CONFIG_NODE_COUNT));
		snprintf(z->off_text[1], sizeof z->off_text[1], "24");
		snprintf(z->off_text[2], sizeof z->off_text[2], "14");
	}
	if (strcmp(z->looked_up, type) != 0) {
		snprintf(z->looked_up, sizeof z->looked_up, "%s", type);
		z->want_saved = z->want_reservations = 1;
		view_wizard_pump(ui);
	}
	preselect(ui);
}

static int take(ui_t *ui, const struct sess_reservation *r)
{
	char why[512];
	if (verdict(ui, r, NULL, why, sizeof why, NULL, 0) != CAP_OK) {
		ui_flash(ui, ROLE_WARN, "%s", why);
		return 0;
	}
	view_wizard_set(ui, CONFIG_CAPACITY_RESERVATION_ID, r->id);
	view_wizard_set(ui, CONFIG_AVAILABILITY_ZONE, r->az); /* the reservation's zone */
	view_wizard_set(ui, CONFIG_USE_CAPACITY_BLOCK, strcmp(r->type, "capacity-block") == 0 ? "true" : "false");
	return 1;
}

/* The block just bought (issue 14 item 8): the cursor goes to its row once AWS lists it,
 * and it becomes the choice when it can be launched into now (a block that starts later
 * is shown, not selectable, saying when). */
static void select_bought(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	for (size_t i = 0; i < n; i++)
		if (rows[i].kind == CAP_RESERVATION && strcmp(rows[i].r->id, z->bought) == 0) {
			z->cap_sel = i;
			z->cap_touched = 1;
			z->bought[0] = 0;
			char why[512];
			if (verdict(ui, rows[i].r, NULL, why, sizeof why, NULL, 0) == CAP_OK) take(ui, rows[i].r);
			return;
		}
}

void view_capacity_lookup_done(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (z->purchase_sent) {
		z->purchase_sent = 0;
		z->want_reservations = 1;
		/* the purchase remembers the new block as the saved reservation */
		if (strcmp(ui->s->lookup.saved_reservation, z->saved_before) != 0)
			snprintf(z->bought, sizeof z->bought, "%s", ui->s->lookup.saved_reservation);
	}
	if (z->bought[0]) select_bought(ui);
	else if (!z->cap_touched) preselect(ui);
}

static void fmt_time(time_t t, char *buf, size_t n)
{
	if (t == 0) {
		snprintf(buf, n, "-");
		return;
	}
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

/* The selected reservation in full: what a narrow row cuts. */
static const char *reservation_detail(const ui_t *ui, const struct sess_reservation *r, char *buf, size_t n)
{
	char from[24], to[24], when[64] = "open-ended";
	fmt_time(r->start, from, sizeof from);
	fmt_time(r->end, to, sizeof to);
	if (r->start || r->end) snprintf(when, sizeof when, "%s to %s", from, to);
	snprintf(buf, n, "%s in %s: %s, %s, %d of %d available, %s%s.", r->id, r->az, r->type, r->state, r->available,
	         r->total, when, strcmp(r->id, ui->s->lookup.saved_reservation) == 0 ? " (the saved one)" : "");
	return buf;
}

static const char *row_help(const ui_t *ui, const cap_row_t *r, char *buf, size_t n)
{
	if (r->kind == CAP_RESERVATION) {
		char why[400], full[300];
		reservation_detail(ui, r->r, full, sizeof full);
		if (verdict(ui, r->r, NULL, why, sizeof why, NULL, 0) != CAP_OK) snprintf(buf, n, "%s %s", full, why);
		else snprintf(buf, n, "%s Enter launches into it.", full);
		return buf;
	}
	static const char *const help[] = {
		[CAP_NONE] = "On-demand: the instances launch if the zone has capacity for them now.",
		[CAP_SAVED] = "The reservation id remembered in SSM Parameter Store /nixl-efa/capacity-reservation-id.",
		[CAP_RESERVATION] = "Launch into this reservation; a Capacity Block also sets useCapacityBlock.",
		[CAP_SEARCH] = "Find a Capacity Block to buy for these instances: Enter opens the search.",
	};
	return help[r->kind];
}

/* A reservation's row in under 80 columns: id, zone, available, state, kind and its end
 * (or why it cannot be chosen); the detail line below shows the selected one in full. */
static void compact_row(const struct sess_reservation *r, int usable, const char *brief, int saved, char *text,
                        size_t n)
{
	const char *kind = strcmp(r->type, "capacity-block") == 0 ? "block" : "odcr";
	char until[32] = "";
	if (r->end) {
		struct tm tm;
		localtime_r(&r->end, &tm);
		strftime(until, sizeof until, "until %m-%d %H:%M", &tm);
	}
	if (!usable) snprintf(text, n, "%-20s %-10s %d/%d %s: %s", r->id, r->az, r->available, r->total, kind, brief);
	else snprintf(text, n, "%-20s %-10s %d/%d %-9s %-5s %s%s", r->id, r->az, r->available, r->total, r->state, kind,
	              until, saved ? " saved" : "");
}

static void list_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	ui_wizard_t *z = ui->wiz;
	const session_t *s = ui->s;
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	char title[160], pos[48];
	int nrows = z->cap_rows;
	view_position(pos, sizeof pos, z->cap_top, nrows, n);
	snprintf(title, sizeof title, "Capacity for %ld x %s%s%s", config_int(&z->cfg, CONFIG_NODE_COUNT),
	         view_wizard_type(ui), pos[0] ? "  " : "", pos);
	view_wizard_title(w, y, wd, title);
	for (int r = 0; r < nrows && z->cap_top + (size_t)r < n; r++) {
		size_t i = z->cap_top + (size_t)r;
		const cap_row_t *c = &rows[i];
		int row = y + 2 + r, sel = i == z->cap_sel;
		char brief[64] = "";
		int usable = c->kind != CAP_RESERVATION ||
		             verdict(ui, c->r, NULL, NULL, 0, brief, sizeof brief) == CAP_OK;
		attr_t a = sel ? theme_attr(ROLE_SELECT) : usable ? A_NORMAL : theme_attr(ROLE_DIM);
		if (sel) draw_fill(w, row, 0, wd, a, " ");
		int x = 2 + draw_text(w, row, 2, 4, a, is_current(ui, c) ? "(*) " : usable ? "( ) " : " -  ");
		char text[320], from[24], to[24];
		switch (c->kind) {
		case CAP_NONE: snprintf(text, sizeof text, "On-demand (no reservation)"); break;
		case CAP_SAVED:
			snprintf(text, sizeof text, "Saved reservation %s (SSM /nixl-efa/capacity-reservation-id)",
			         s->lookup.saved_reservation);
			break;
		case CAP_RESERVATION: {
			char when[64] = "open-ended";
			fmt_time(c->r->start, from, sizeof from);
			fmt_time(c->r->end, to, sizeof to);
			if (c->r->start || c->r->end) snprintf(when, sizeof when, "%s to %s", from, to);
			int saved = strcmp(c->r->id, s->lookup.saved_reservation) == 0;
			snprintf(text, sizeof text, "%-21s %-11s %d/%d available  %-10s %-14s %s%s", c->r->id,
			         c->r->az, c->r->available, c->r->total, c->r->state, c->r->type, when,
			         saved ? "  (saved)" : "");
			if (!usable) /* why instead of the dates, which would push it off the row */
				snprintf(text, sizeof text, "%-21s %-11s %d/%d available  %-10s %-14s not selectable: %s",
				         c->r->id, c->r->az, c->r->available, c->r->total, c->r->state, c->r->type, brief);
			if (draw_width(text) > wd - x) /* narrow: the columns that tell rows apart; the rest below */
				compact_row(c->r, usable, brief, saved, text, sizeof text);
			break;
		}
		default: snprintf(text, sizeof text, "Search Capacity Block offerings..."); break;
		}
		draw_text(w, row, x, wd - x, a, text);
	}
	char help[1024];
	draw_wrap(w, y + h - 3, 0, wd, 3, theme_attr(ROLE_DIM), row_help(ui, &rows[z->cap_sel], help, sizeof help));
}

static void offers_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	ui_wizard_t *z = ui->wiz;
	const session_t *s = ui->s;
	char title[128];
	snprintf(title, sizeof title, "Capacity Block offerings for %s", view_wizard_type(ui));
	view_wizard_title(w, y, wd, title);
	static const char *const labels[3] = { "Instances ", "Hours ", "Start within " };
	int x = 2;
	for (int f = 0; f < 3; f++) {
		x += draw_text(w, y + 2, x, wd - x, A_NORMAL, labels[f]);
		draw_field(w, y + 2, x, 7, theme_attr(f == z->off_field ? ROLE_SELECT : ROLE_INPUT), z->off_text[f]);
		x += 9;
	}
	draw_text(w, y + 2, x - 1, wd - x, A_NORMAL, "days");
	/* narrow: the start without the year and no end (start + hours); the fee always shows */
	int narrow = wd < 102;
	const char *hd = narrow ? "OFFERING             ZONE       START       HOURS COUNT  UPFRONT FEE"
	                        : "OFFERING                ZONE         START             END               HOURS  COUNT  UPFRONT FEE";
	draw_text(w, y + 4, 2, wd - 2, theme_attr(ROLE_DIM), hd);
	size_t n = s->lookup.nofferings;
	int nrows = z->off_rows;
	char pos[48];
	view_position(pos, sizeof pos, z->off_top, nrows, n);
	if (pos[0]) {
		snprintf(title, sizeof title, "Capacity Block offerings for %s  %s", view_wizard_type(ui), pos);
		view_wizard_title(w, y, wd, title);
	}
	for (int r = 0; r < nrows && z->off_top + (size_t)r < n; r++) {
		size_t i = z->off_top + (size_t)r;
		const struct sess_offering *o = &s->lookup.offerings[i];
		int row = y + 5 + r, sel = i == z->off_sel;
		attr_t a = sel ? theme_attr(ROLE_SELECT) : A_NORMAL;
		if (sel) draw_fill(w, row, 0, wd, a, " ");
		char from[24], to[24], text[256];
		fmt_time(o->start, from, sizeof from);
		fmt_time(o->end, to, sizeof to);
		if (narrow) {
			struct tm tm;
			localtime_r(&o->start, &tm);
			strftime(from, sizeof from, "%m-%d %H:%M", &tm);
			snprintf(text, sizeof text, "%-20s %-10s %-11s %5d %5d  %.2f %s", o->id, o->az, from, o->hours, o->count,
			         strtod(o->upfront_fee, NULL), o->currency);
		} else {
			snprintf(text, sizeof text, "%-23s %-12s %-17s %-17s %5d  %5d  %.2f %s", o->id, o->az, from, to,
			         o->hours, o->count, strtod(o->upfront_fee, NULL), o->currency);
		}
		draw_text(w, row, 2, wd - 2, a, text);
	}
	const char *note = s->lookup.busy ? "Searching..."
	                 : n ? "Enter searches again, b buys the selected offering (the fee is asked back)."
	                 : z->off_searched ? "No offering matches: try fewer hours or a later start."
	                 : "Tab moves between the fields, Enter searches; b then buys the selected offering.";
	draw_wrap(w, y + h - 1, 0, wd, 1, theme_attr(ROLE_DIM), note);
}

static void cap_layout(ui_t *ui, int h, int wd)
{
	(void)wd;
	ui->wiz->cap_rows = h - 5;
	ui->wiz->off_rows = h - 6;
}

/* The selected row (or offering) stays listed and in view. */
static void cap_changed(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (z->offers) {
		size_t n = ui->s->lookup.nofferings;
		if (z->off_sel >= n) z->off_sel = n ? n - 1 : 0;
		view_keep_visible(z->off_sel, &z->off_top, n, z->off_rows);
		return;
	}
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	if (z->cap_sel >= n) z->cap_sel = n - 1;
	view_keep_visible(z->cap_sel, &z->cap_top, n, z->cap_rows);
}

static void cap_draw(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	if (ui->wiz->offers) offers_draw(ui, w, y, h, wd);
	else list_draw(ui, w, y, h, wd);
}

static void cap_move(ui_t *ui, int dir, view_unit_t unit)
{
	ui_wizard_t *z = ui->wiz;
	if (z->offers) {
		view_select(&z->off_sel, &z->off_top, ui->s->lookup.nofferings, z->off_rows, dir, unit);
		return;
	}
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	view_select(&z->cap_sel, &z->cap_top, n, z->cap_rows, dir, unit);
	z->cap_touched = 1;
}

static int cap_key(ui_t *ui, int key)
{
	ui_wizard_t *z = ui->wiz;
	if (!z->offers) return 0;
	return view_wizard_edit_digits(z->off_text[z->off_field], 5, key, NULL);
}

void view_capacity_search(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_wizard_t *z = ui->wiz;
	if (!z->offers) {
		z->offers = 1;
		return;
	}
	int count = atoi(z->off_text[0]), hours = atoi(z->off_text[1]), days = atoi(z->off_text[2]);
	if (count < 1 || hours < 1 || days < 1) {
		ui_flash(ui, ROLE_WARN, "Instances, hours and days must be at least 1.");
		return;
	}
	time_t now = time(NULL);
	z->off_searched = 1;
	z->off_sel = 0;
	if (ui->ops->lookup_offerings(ui->s, view_wizard_type(ui), count, hours, now, now + (time_t)days * 86400) < 0)
		ui_flash(ui, ROLE_FAIL, "The search did not start: %s", ui->s->lookup.error);
}

static int cap_choose(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (z->offers) {
		view_capacity_search(ui, NULL);
		return 0;
	}
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	const cap_row_t *r = &rows[z->cap_sel < n ? z->cap_sel : 0];
	switch (r->kind) {
	case CAP_NONE:
		view_wizard_set(ui, CONFIG_CAPACITY_RESERVATION_ID, "");
		view_wizard_set(ui, CONFIG_USE_CAPACITY_BLOCK, "false");
		return 1;
	case CAP_SAVED:
		view_wizard_set(ui, CONFIG_CAPACITY_RESERVATION_ID, ui->s->lookup.saved_reservation);
		return 1;
	case CAP_RESERVATION: return take(ui, r->r);
	default:
		z->offers = 1;
		return 0;
	}
}

int view_capacity_back(ui_t *ui)
{
	if (!ui->wiz->offers) return 0;
	ui->wiz->offers = 0;
	return 1;
}

static void cap_click(ui_t *ui, int y, int x)
{
	(void)x;
	ui_wizard_t *z = ui->wiz;
	if (z->offers) {
		size_t i = z->off_top + (size_t)(y - OFFERS_Y);
		if (y >= OFFERS_Y && i < ui->s->lookup.nofferings) z->off_sel = i;
		return;
	}
	cap_row_t rows[64];
	size_t n = rows_of(ui, rows, 64);
	size_t i = z->cap_top + (size_t)(y - LIST_Y);
	if (y >= LIST_Y && i < n) {
		z->cap_sel = i;
		z->cap_touched = 1;
	}
}

void view_capacity_field(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->wiz->off_field = (ui->wiz->off_field + 1) % 3;
}

void view_capacity_refresh(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->wiz->offers) {
		view_capacity_search(ui, NULL);
		return;
	}
	ui->wiz->want_saved = ui->wiz->want_reservations = 1;
	view_wizard_pump(ui);
}

const char *view_capacity_buy_unavailable(const ui_t *ui)
{
	if (!ui->wiz->offers) return "Open the Capacity Block search first (Enter on its row).";
	if (ui->s->lookup.nofferings == 0) return "No offering to buy: search first (Enter).";
	return NULL;
}

static void do_buy(ui_t *ui)
{
	ui_wizard_t *z = ui->wiz;
	if (z->off_sel >= ui->s->lookup.nofferings) {
		ui_flash(ui, ROLE_WARN, "The offerings changed: search again.");
		return;
	}
	const struct sess_offering *o = &ui->s->lookup.offerings[z->off_sel];
	if (ui->ops->purchase_offering(ui->s, o->id) < 0) {
		ui_flash(ui, ROLE_FAIL, "The purchase did not start: %s", ui->s->lookup.error);
		return;
	}
	ui_flash(ui, ROLE_OK, "Buying %s: the reservation appears in the list when AWS shows it.", o->id);
	z->purchase_sent = 1;
	snprintf(z->saved_before, sizeof z->saved_before, "%s", ui->s->lookup.saved_reservation);
	z->bought[0] = 0;
	z->offers = 0;
	view_wizard_pump(ui);
}

void view_capacity_buy(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_wizard_t *z = ui->wiz;
	const struct sess_offering *o = &ui->s->lookup.offerings[z->off_sel];
	char fee[48], from[24], to[24], text[600];
	snprintf(fee, sizeof fee, "%.2f", strtod(o->upfront_fee, NULL));
	fmt_time(o->start, from, sizeof from);
	fmt_time(o->end, to, sizeof to);
	snprintf(text, sizeof text,
	         "Buy Capacity Block %s: %d x %s in %s from %s to %s (%d hours). The upfront fee of "
	         "%s %s is charged now and a Capacity Block cannot be cancelled.",
	         o->id, o->count, o->instance_type, o->az, from, to, o->hours, fee, o->currency);
	dialog_confirm(ui, "Buy a Capacity Block", text, fee, "Buy", 1, do_buy);
}

const wiz_panel_ops_t view_capacity_panel = {
	.enter = cap_enter, .layout = cap_layout, .changed = cap_changed, .draw = cap_draw,
	.move = cap_move, .key = cap_key, .choose = cap_choose, .click = cap_click,
};

#include "ui/view_picker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/draw.h"
#include "ui/ui.h"
#include "ui/view_stack.h"

/* The list starts below the title and the column heads. */
enum { LIST_Y = 2 };

/* The selected stack, the first shown, and the list's rows (from layout). */
struct view_picker_state { size_t sel, top; int rows; };

void view_position(char *buf, size_t len, size_t top, int rows, size_t n)
{
	if (rows > 0 && n > (size_t)rows) {
		size_t last = top + (size_t)rows < n ? top + (size_t)rows : n;
		snprintf(buf, len, "%zu-%zu of %zu", top + 1, last, n);
	} else if (len) {
		buf[0] = 0;
	}
}

static int picker_init(ui_t *ui) { return (ui->picker = calloc(1, sizeof *ui->picker)) ? 0 : -1; }
static void picker_free(ui_t *ui) { free(ui->picker); }

static void picker_layout(ui_t *ui, int h, int wd)
{
	(void)wd;
	ui->picker->rows = h - LIST_Y - 2 < 1 ? 1 : h - LIST_Y - 2;
}

static void picker_changed(ui_t *ui)
{
	struct view_picker_state *p = ui->picker;
	size_t n = ui->s->lookup.nstacks;
	if (p->sel >= n) p->sel = n ? n - 1 : 0;
	view_keep_visible(p->sel, &p->top, n, p->rows);
}

static void picker_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	const struct sess_lookup *lk = &ui->s->lookup;
	const struct view_picker_state *p = ui->picker;
	size_t n = lk->nstacks;
	int rows = p->rows;
	char pos[48], title[200];
	view_position(pos, sizeof pos, p->top, rows, n);
	snprintf(title, sizeof title, "Stacks nixl-tui created in %s: %zu%s%s", ui->s->region[0] ? ui->s->region : "this region",
	         n, pos[0] ? ", " : "", pos);
	draw_text(w, 0, 0, wd, theme_attr(ROLE_TITLE), title);
	int cn = wd >= 100 ? 40 : 28, cs = 20, ce = wd >= 100 ? 10 : 8; /* 80 columns: nothing cut */
	int xs = 2 + cn + 1, xe = xs + cs + 1, xc = xe + ce + 1;
	attr_t hd = theme_attr(ROLE_DIM);
	draw_text(w, 1, 2, cn, hd, "STACK");
	draw_text(w, 1, xs, cs, hd, "STATUS");
	draw_text(w, 1, xe, ce, hd, "ENV");
	draw_text(w, 1, xc, wd - xc, hd, "CREATED");
	for (int r = 0; r < rows && p->top + (size_t)r < n; r++) {
		size_t i = p->top + (size_t)r;
		const struct sess_stack_row *st = &lk->stacks[i];
		int row = LIST_Y + r, sel = i == p->sel;
		attr_t a = sel ? theme_attr(ROLE_SELECT) : A_NORMAL;
		if (sel) draw_fill(w, row, 0, wd, a, " ");
		if (strcmp(st->name, ui->s->stack_name) == 0) draw_text(w, row, 0, 1, a, draw_glyphs()->mark);
		draw_text(w, row, 2, cn, a, st->name);
		draw_text(w, row, xs, cs, sel ? a : theme_attr(theme_cfn_status(st->status)), st->status);
		draw_text(w, row, xe, ce, a, st->environment);
		char when[32] = "-";
		if (st->created) {
			struct tm tm;
			localtime_r(&st->created, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		}
		draw_text(w, row, xc, wd - xc, a, when);
	}
	char note[256];
	if (lk->busy && !lk->stacks_done)
		snprintf(note, sizeof note, "Reading the stacks: page %u...", lk->stacks_pages + 1);
	else if (n == 0)
		snprintf(note, sizeof note, "No stack here is tagged ManagedBy=nixl-tui: Esc, then w deploys one.");
	else
		snprintf(note, sizeof note, "Enter opens the selected stack, r reads the list again, Esc closes.");
	draw_wrap(w, h - 1, 0, wd, 1, hd, note);
}

static void picker_move(ui_t *ui, int dir, view_unit_t unit)
{
	view_select(&ui->picker->sel, &ui->picker->top, ui->s->lookup.nstacks, ui->picker->rows, dir, unit);
}

static void picker_click(ui_t *ui, int y, int x)
{
	(void)x;
	size_t i = ui->picker->top + (size_t)(y - LIST_Y);
	if (y >= LIST_Y && i < ui->s->lookup.nstacks) ui->picker->sel = i;
}

const ui_view_t view_picker = {
	.init = picker_init, .free = picker_free, .layout = picker_layout, .changed = picker_changed,
	.draw = picker_draw, .move = picker_move, .click = picker_click,
};

const char *view_picker_unavailable(const ui_t *ui)
{
	const session_t *s = ui->s;
	if (ui_running(ui)) return "A stack operation is running: open another stack once it ends.";
	if ((s->phase != SESS_IDLE && s->phase != SESS_DELETED) || s->nnodes)
		return "A stack is open: the picker opens another once this one is deleted (D).";
	return NULL;
}

static void open_named(ui_t *ui, const char *name)
{
	ui->s->root_cause[0] = 0;
	if (ui->ops->open_stack(ui->s, name) < 0) {
		ui_flash(ui, ROLE_FAIL, "%s could not be opened: %s", name,
		         ui->s->root_cause[0] ? ui->s->root_cause : "see the log");
		return;
	}
	ui->modal = UI_MODAL_NONE;
	view_stack_reset(ui);
	ui_show(ui, UI_STACK);
	ui_flash(ui, ROLE_OK, "Opening %s.", name);
}

void view_picker_open(ui_t *ui, const char *arg)
{
	if (arg) {
		open_named(ui, arg);
		return;
	}
	ui->modal = UI_MODAL_PICKER;
	ui->picker->sel = ui->picker->top = 0;
	if (ui->ops->lookup_stacks(ui->s) < 0)
		ui_flash(ui, ROLE_FAIL, "The stacks could not be listed: %s", ui->s->lookup.error);
}

void view_picker_refresh(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->ops->lookup_stacks(ui->s) < 0)
		ui_flash(ui, ROLE_FAIL, "The stacks could not be listed: %s", ui->s->lookup.error);
}

void view_picker_choose(ui_t *ui, const char *arg)
{
	(void)arg;
	const struct sess_lookup *lk = &ui->s->lookup;
	if (ui->picker->sel >= lk->nstacks) {
		ui_flash(ui, ROLE_WARN, lk->busy ? "Still reading the stacks." : "No stack to open.");
		return;
	}
	char name[sizeof lk->stacks[0].name];
	snprintf(name, sizeof name, "%s", lk->stacks[ui->picker->sel].name);
	open_named(ui, name);
}

void view_picker_close(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->modal = UI_MODAL_NONE;
}

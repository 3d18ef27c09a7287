#include "ui/view_help.h"

#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui.h"

/* The list's scroll offset and, from layout, its rows on screen and its length. */
struct view_help_state { int top, rows, total; };

typedef struct layout { int keys, cmd, text; } layout_t;

static layout_t columns(int wd)
{
	layout_t l = { 16, wd >= 100 ? 26 : 18, 0 };
	l.text = wd - 2 - l.keys - 1 - l.cmd - 1;
	if (l.text < 10) l.text = 10;
	return l;
}

/* Draws (w non-NULL) or measures the whole list from virtual row y; returns its rows. */
static int list(const ui_t *ui, WINDOW *w, int y, int wd)
{
	layout_t l = columns(wd);
	int row = y;
	for (size_t s = 0; s < action_nsections; s++) {
		int any = 0;
		for (size_t i = 0; i < action_count; i++) {
			const ui_action_t *a = &action_table[i];
			if (!action_in_section(a, s) || (ui->opt.read_only && (a->flags & ACT_DANGEROUS))) continue;
			if (!any++) {
				if (s) row++;
				if (w) draw_text(w, row, 0, wd, theme_attr(ROLE_TITLE), action_sections[s].title);
				row++;
			}
			char keys[64], cmd[64] = "";
			action_keys_text(a, keys, sizeof keys);
			if (a->flags & ACT_COMMAND)
				snprintf(cmd, sizeof cmd, ":%s%s%s", a->name, a->args ? " " : "", a->args ? a->args : "");
			if (w) {
				draw_text(w, row, 2, l.keys, theme_attr(ROLE_OK), keys);
				draw_text(w, row, 2 + l.keys + 1, l.cmd, theme_attr(ROLE_BUSY), cmd);
			}
			int x = 2 + l.keys + 1 + l.cmd + 1;
			int lines = draw_wrap(NULL, 0, 0, l.text, 0, 0, a->help);
			if (w) draw_wrap(w, row, x, l.text, lines, A_NORMAL, a->help);
			row += lines > 0 ? lines : 1;
		}
	}
	return row - y;
}

static int help_init(ui_t *ui) { return (ui->help = calloc(1, sizeof *ui->help)) ? 0 : -1; }
static void help_free(ui_t *ui) { free(ui->help); }

static void help_layout(ui_t *ui, int h, int wd)
{
	ui->help->rows = h - 2;
	ui->help->total = list(ui, NULL, 0, wd);
}

static void help_changed(ui_t *ui)
{
	struct view_help_state *hs = ui->help;
	if (hs->top > hs->total - hs->rows) hs->top = hs->total - hs->rows;
	if (hs->top < 0) hs->top = 0;
}

static void help_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	(void)h;
	draw_text(w, 0, 0, wd, theme_attr(ROLE_TITLE), "Keys and commands");
	const char *note = ui->opt.read_only ? "read-only: deploy, destroy, buy hidden" : "";
	draw_text_right(w, 0, wd, wd / 2, theme_attr(ROLE_WARN), note);
	WINDOW *sub = derwin(w, ui->help->rows, wd, 2, 0);
	if (!sub) return;
	list(ui, sub, -ui->help->top, wd);
	delwin(sub);
}

static void help_move(ui_t *ui, int dir, view_unit_t unit)
{
	struct view_help_state *hs = ui->help;
	int step = unit == VIEW_LINE ? 1 : unit == VIEW_PAGE ? (hs->rows > 1 ? hs->rows - 1 : 1) : 1 << 20;
	hs->top += dir * step;
	if (hs->top < 0) hs->top = 0;
	/* The upper bound is help_changed's, which knows the list's length. */
	if (hs->top > 1 << 16) hs->top = 1 << 16;
}

const ui_view_t view_help = {
	.init = help_init, .free = help_free, .layout = help_layout, .changed = help_changed,
	.draw = help_draw, .move = help_move,
};

void view_help_open(ui_t *ui)
{
	ui->modal = UI_MODAL_HELP;
	ui->help->top = 0;
}

#include "ui/dialog.h"

#include <string.h>

#include "ui/draw.h"
#include "ui/ui.h"

static void open_dialog(ui_t *ui, const char *title, const char *text)
{
	ui_dialog_t *d = &ui->dlg;
	memset(d, 0, sizeof *d);
	snprintf(d->title, sizeof d->title, "%s", title);
	snprintf(d->text, sizeof d->text, "%s", text);
	ui->modal = UI_MODAL_DIALOG;
	ui->dirty |= UI_DIRTY_ALL;
}

void dialog_info(ui_t *ui, const char *title, const char *text)
{
	open_dialog(ui, title, text);
}

void dialog_confirm(ui_t *ui, const char *title, const char *text, const char *expect,
                    const char *ok_label, int dangerous, void (*on_ok)(ui_t *ui))
{
	open_dialog(ui, title, text);
	ui_dialog_t *d = &ui->dlg;
	snprintf(d->expect, sizeof d->expect, "%s", expect ? expect : "");
	d->ok_label = ok_label;
	d->dangerous = dangerous;
	d->on_ok = on_ok;
}

static int matches(const ui_dialog_t *d) { return strcmp(d->typed, d->expect) == 0; }

void dialog_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	const ui_dialog_t *d = &ui->dlg;
	int bw = wd - 4 < 72 || d->wide ? wd - 4 : 72;
	if (bw < 20) bw = wd;
	int tw = bw - 4;
	int text_lines = draw_wrap(NULL, 0, 0, tw, 0, 0, d->text);
	int field = d->expect[0] ? 3 : 0;
	int bh = 2 + text_lines + 1 + field + 1;
	if (bh > h) bh = h;
	int y = (h - bh) / 2, x = (wd - bw) / 2;
	attr_t frame = theme_attr(d->dangerous ? ROLE_FAIL : ROLE_TITLE);
	draw_box(w, y, x, bh, bw, frame, d->title, frame);
	int row = y + 1;
	int avail = bh - 3 - field;
	row += draw_wrap(w, row, x + 2, tw, avail > 0 ? avail : 0, A_NORMAL, d->text);
	if (field && row + 3 < y + bh) {
		row++;
		char ask[200];
		snprintf(ask, sizeof ask, "Type %s to confirm:", d->expect);
		draw_text(w, row++, x + 2, tw, A_NORMAL, ask);
		draw_field(w, row, x + 2, tw, theme_attr(ROLE_INPUT), d->typed);
	}
	/* Buttons, right-aligned on the last inner row: Cancel first, focused by default. */
	int by = y + bh - 2;
	if (!d->ok_label) {
		draw_text_right(w, by, x + bw - 2, tw, theme_attr(ROLE_SELECT), "< OK >");
		return;
	}
	char ok[40];
	snprintf(ok, sizeof ok, "< %s >", d->ok_label);
	int okw = draw_width(ok);
	attr_t ok_a = d->focus == 1 ? theme_attr(ROLE_SELECT)
	            : d->expect[0] && !matches(d) ? theme_attr(ROLE_DIM) : A_NORMAL;
	draw_text(w, by, x + bw - 2 - okw, okw, ok_a, ok);
	draw_text_right(w, by, x + bw - 2 - okw - 2, tw, d->focus == 0 ? theme_attr(ROLE_SELECT) : A_NORMAL,
	                "< Cancel >");
}

void dialog_type(ui_t *ui, int key)
{
	ui_dialog_t *d = &ui->dlg;
	if (!d->expect[0] || key < 0x20 || key > 0x7e) return;
	if (d->ntyped + 1 < sizeof d->typed) {
		d->typed[d->ntyped++] = (char)key;
		d->typed[d->ntyped] = 0;
	}
}

void dialog_erase(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_dialog_t *d = &ui->dlg;
	if (d->ntyped > 0) d->typed[--d->ntyped] = 0;
}

const char *dialog_no_choice(const ui_t *ui)
{
	return ui->dlg.ok_label ? NULL : "Only one button.";
}

void dialog_focus(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->dlg.ok_label) ui->dlg.focus = !ui->dlg.focus;
}

static void close_dialog(ui_t *ui)
{
	ui->modal = UI_MODAL_NONE;
	ui->dirty |= UI_DIRTY_ALL;
}

void dialog_cancel(ui_t *ui, const char *arg)
{
	(void)arg;
	close_dialog(ui);
}

void dialog_activate(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_dialog_t *d = &ui->dlg;
	if (!d->ok_label || d->focus == 0) {
		close_dialog(ui);
		return;
	}
	if (d->expect[0] && !matches(d)) {
		ui_flash(ui, ROLE_WARN, "Type %s exactly to confirm.", d->expect);
		return;
	}
	void (*fn)(ui_t *) = d->on_ok;
	close_dialog(ui);
	if (fn) fn(ui);
}

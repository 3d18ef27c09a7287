#include "ui/prompt.h"

#include <string.h>

#include "ui/action.h"
#include "ui/draw.h"

static void sync_target(ui_t *ui)
{
	ui_prompt_t *p = &ui->prompt;
	if (p->target) snprintf(p->target, p->target_size, "%s", p->buf);
}

void prompt_open(ui_t *ui, ui_prompt_kind_t kind, char *target, size_t target_size)
{
	ui_prompt_t *p = &ui->prompt;
	memset(p, 0, sizeof *p);
	p->kind = kind;
	p->target = target;
	p->target_size = target_size;
	if (target) {
		snprintf(p->saved, sizeof p->saved, "%s", target);
		snprintf(p->buf, sizeof p->buf, "%s", target);
		p->len = strlen(p->buf);
	}
	ui->modal = UI_MODAL_PROMPT;
	ui->dirty |= UI_DIRTY_ALL;
}

void prompt_draw(ui_t *ui, WINDOW *w, int wd)
{
	const ui_prompt_t *p = &ui->prompt;
	const char *lead = p->kind == PROMPT_COMMAND ? ":" : "/";
	int x = draw_text(w, 0, 0, wd, theme_attr(ROLE_TITLE), lead);
	/* Keep the end of a long line in view: that is where the cursor is. */
	const char *shown = p->buf;
	while (draw_width(shown) > wd - x - 1 && *shown) shown++;
	x += draw_text(w, 0, x, wd - x, A_NORMAL, shown);
	draw_fill(w, 0, x, 1, A_REVERSE, " ");
}

void prompt_type(ui_t *ui, int key)
{
	ui_prompt_t *p = &ui->prompt;
	if (key < 0x20 || key > 0x7e || p->len + 1 >= sizeof p->buf) return;
	p->buf[p->len++] = (char)key;
	p->buf[p->len] = 0;
	sync_target(ui);
}

void prompt_erase(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_prompt_t *p = &ui->prompt;
	if (p->len == 0) {
		if (p->kind == PROMPT_COMMAND) prompt_cancel(ui, NULL);
		return;
	}
	p->buf[--p->len] = 0;
	sync_target(ui);
}

void prompt_clear(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->prompt.len = 0;
	ui->prompt.buf[0] = 0;
	sync_target(ui);
}

static void close_prompt(ui_t *ui)
{
	ui->modal = UI_MODAL_NONE;
	ui->dirty |= UI_DIRTY_ALL;
}

void prompt_cancel(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_prompt_t *p = &ui->prompt;
	if (p->target) snprintf(p->target, p->target_size, "%s", p->saved);
	close_prompt(ui);
}

void prompt_accept(ui_t *ui, const char *arg)
{
	(void)arg;
	char line[sizeof ui->prompt.buf];
	snprintf(line, sizeof line, "%s", ui->prompt.buf);
	ui_prompt_kind_t kind = ui->prompt.kind;
	close_prompt(ui);
	if (kind == PROMPT_COMMAND) action_run_command(ui, line);
}

/* Completes the command name to what all the commands it starts agree on. */
void prompt_complete(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_prompt_t *p = &ui->prompt;
	if (p->kind != PROMPT_COMMAND || strchr(p->buf, ' ')) return;
	char common[64] = ""; /* command names are short */
	int matches = 0;
	for (size_t i = 0; i < action_count; i++) {
		const ui_action_t *a = &action_table[i];
		if (!(a->flags & ACT_COMMAND) || (ui->opt.read_only && (a->flags & ACT_DANGEROUS))) continue;
		if (strncmp(a->name, p->buf, p->len) != 0) continue;
		if (matches++ == 0) {
			snprintf(common, sizeof common, "%s", a->name);
			continue;
		}
		size_t k = 0;
		while (common[k] && common[k] == a->name[k]) k++;
		common[k] = 0;
	}
	if (matches == 0) return;
	snprintf(p->buf, sizeof p->buf, "%s%s", common, matches == 1 ? " " : "");
	p->len = strlen(p->buf);
}

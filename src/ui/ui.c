#include "ui/ui.h"

#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ui/bars.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/dump.h"
#include "ui/prompt.h"
#include "ui/tty.h"
#include "ui/view.h"
#include "ui/view_help.h"
#include "ui/view_nodes.h"
#include "ui/view_picker.h"
#include "ui/view_stack.h"
#include "ui/view_wizard.h"

enum { SPIN_MS = 120, FLASH_MS = 4000 };

/* Per phase: its title, its colour and where re-attach shows it (whether an operation
 * runs is the session's question, session_phase_running). */
static const struct {
	const char *title;
	theme_role_t role;
	ui_screen_t screen;
} phases[] = {
	[SESS_IDLE] = { "No stack", ROLE_DIM, UI_WIZARD },
	[SESS_PREFLIGHT] = { "Preflight", ROLE_BUSY, UI_STACK },
	[SESS_CREATING] = { "Deploying", ROLE_BUSY, UI_STACK },
	[SESS_WAIT_AGENTS] = { "Waiting for nodes", ROLE_BUSY, UI_STACK },
	[SESS_READY] = { "Ready", ROLE_OK, UI_NODES },
	[SESS_FAILED] = { "Failed", ROLE_FAIL, UI_STACK },
	[SESS_DELETING] = { "Tearing down", ROLE_BUSY, UI_STACK },
	[SESS_DELETED] = { "Deleted", ROLE_DIM, UI_STACK },
	[SESS_DELETE_FAILED] = { "Teardown failed", ROLE_FAIL, UI_STACK },
};

static int phase_ok(sess_phase_t p) { return (unsigned)p < sizeof phases / sizeof phases[0]; }

const char *ui_phase_title(sess_phase_t p) { return phase_ok(p) ? phases[p].title : "?"; }
theme_role_t ui_phase_role(sess_phase_t p) { return phase_ok(p) ? phases[p].role : ROLE_NORMAL; }
ui_screen_t ui_screen_for_phase(sess_phase_t p) { return phase_ok(p) ? phases[p].screen : UI_STACK; }

static const ui_view_t *const views[UI_SCREEN_COUNT] = {
	[UI_WIZARD] = &view_wizard, [UI_STACK] = &view_stack, [UI_NODES] = &view_nodes,
};

/* Every view, for their private state's init and free. */
static const ui_view_t *const all_views[] = { &view_wizard, &view_stack, &view_nodes, &view_help, &view_picker };
enum { NVIEWS = sizeof all_views / sizeof all_views[0] };

const ui_view_t *ui_view(const ui_t *ui)
{
	if (ui->modal == UI_MODAL_PICKER) return &view_picker;
	return ui->modal == UI_MODAL_HELP ? &view_help : views[ui->screen];
}

int64_t ui_now(const ui_t *ui) { return ui->opt.now_ms ? ui->opt.now_ms() : loop_now_ms(); }

int ui_has_stack(const ui_t *ui)
{
	const session_t *s = ui->s;
	/* A deployment that stopped in preflight never created one. */
	return s->phase != SESS_IDLE && s->phase != SESS_DELETED &&
	       (s->stack_id[0] || s->stack_status[0] || s->nresources > 0);
}

static int node_busy(const session_t *s)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].checks_running || s->nodes[i].pp_running || s->nodes[i].setup_running) return 1;
	return 0;
}

int ui_busy(const ui_t *ui)
{
	const session_t *s = ui->s;
	return session_phase_running(s->phase) || node_busy(s) || s->lookup.busy;
}

int ui_running(const ui_t *ui)
{
	return session_phase_running(ui->s->phase);
}

/* Something on screen moves by itself (a spinner). */
static int animating(const ui_t *ui)
{
	const session_t *s = ui->s;
	if (s->lookup.busy || node_busy(s)) return 1;
	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].state == STEP_RUNNING) return 1;
	return 0;
}

unsigned ui_context(const ui_t *ui)
{
	static const unsigned screens[UI_SCREEN_COUNT] = {
		[UI_WIZARD] = 0, [UI_STACK] = CTX_STACK, [UI_NODES] = CTX_NODES,
	};
	switch (ui->modal) {
	case UI_MODAL_DIALOG: return CTX_DIALOG;
	case UI_MODAL_PROMPT: return CTX_PROMPT;
	case UI_MODAL_HELP: return CTX_HELP;
	case UI_MODAL_PICKER: return CTX_PICKER;
	default: break;
	}
	return ui->screen == UI_WIZARD ? view_wizard_context(ui) : screens[ui->screen];
}

ui_t *ui_new(session_t *s, const ui_ops_t *ops, const ui_opts_t *opts)
{
	ui_t *ui = calloc(1, sizeof *ui);
	if (!ui) return NULL;
	ui->s = s;
	ui->ops = ops;
	ui->opt = *opts;
	ui->auto_screen = 1;
	ui->screen = ui_screen_for_phase(s->phase);
	ui->dirty = UI_DIRTY_ALL | UI_DIRTY_LAYOUT;
	draw_set_unicode(opts->unicode);
	theme_init(opts->color);
	for (size_t i = 0; i < NVIEWS; i++)
		if (all_views[i]->init && all_views[i]->init(ui) < 0) {
			ui_free(ui);
			return NULL;
		}
	return ui;
}

static void free_windows(ui_t *ui)
{
	WINDOW **ws[] = { &ui->w_status, &ui->w_body, &ui->w_msg, &ui->w_hint };
	for (size_t i = 0; i < 4; i++)
		if (*ws[i]) {
			delwin(*ws[i]);
			*ws[i] = NULL;
		}
}

void ui_free(ui_t *ui)
{
	if (!ui) return;
	if (ui->loop) {
		if (ui->timer) loop_timer_cancel(ui->loop, ui->timer);
		if (ui->render_timer) loop_timer_cancel(ui->loop, ui->render_timer);
		loop_fd_del(ui->loop, 0);
		loop_signal_unwatch(ui->loop, SIGWINCH);
	}
	for (size_t i = 0; i < NVIEWS; i++)
		if (all_views[i]->free) all_views[i]->free(ui);
	free_windows(ui);
	free(ui);
}

void ui_invalidate(ui_t *ui) { ui->dirty |= UI_DIRTY_ALL | UI_DIRTY_LAYOUT; }

static void switch_screen(ui_t *ui, ui_screen_t screen, int remember)
{
	if (screen == ui->screen) return;
	if (remember) {
		if (ui->nback == (int)(sizeof ui->back / sizeof ui->back[0])) {
			memmove(ui->back, ui->back + 1, sizeof ui->back - sizeof ui->back[0]);
			ui->nback--;
		}
		ui->back[ui->nback++] = ui->screen;
	}
	ui->screen = screen;
	ui->dirty |= UI_DIRTY_ALL;
}

void ui_show(ui_t *ui, ui_screen_t screen)
{
	ui->auto_screen = 0;
	switch_screen(ui, screen, 1);
}

void ui_back(ui_t *ui)
{
	if (ui->nback == 0) return;
	ui->auto_screen = 0;
	switch_screen(ui, ui->back[--ui->nback], 0);
}

/* The moment a message belongs to: the screen, the wizard's panel, what is over them. */
static unsigned moment(const ui_t *ui)
{
	unsigned panel = ui->screen == UI_WIZARD && ui->wiz ? (unsigned)ui->wiz->panel : 0;
	return 1u + (unsigned)ui->screen + 8u * (unsigned)ui->modal + 64u * panel;
}

void ui_flash(ui_t *ui, theme_role_t role, const char *fmt, ...)
{
	ui->msg_moment = moment(ui);
	ui->msg_fresh = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_role = role;
	ui->msg_until = ui_now(ui) + FLASH_MS;
	ui->dirty |= UI_DIRTY_MSG;
}

static void handle_key(ui_t *ui, int key);
static void prepare(ui_t *ui);

void ui_key(ui_t *ui, int k)
{
	ui->msg_fresh = 0;
	prepare(ui);
	handle_key(ui, k);
	/* said by this key: it belongs where the key left the console */
	if (ui->msg_fresh) ui->msg_moment = moment(ui);
}

static void handle_key(ui_t *ui, int key)
{
	if (key == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) != OK) return;
		if (ev.bstate & BUTTON4_PRESSED) ui_key(ui, KEY_UP);
		else if (ev.bstate & BUTTON5_PRESSED) ui_key(ui, KEY_DOWN);
		else ui_click(ui, ev.y, ev.x);
		return;
	}
	if (key == KEY_RESIZE) {
		ui_invalidate(ui);
		return;
	}
	key = action_normalize_key(key);
	unsigned ctx = ui_context(ui);
	const ui_action_t *a = action_for_key(ctx, key);
	/* In the wizard a panel takes what it understands (digits, Enter) first. */
	if (ui->modal == UI_MODAL_NONE && ui->screen == UI_WIZARD && view_wizard_key(ui, key)) {
		ui->dirty |= UI_DIRTY_ALL;
		return;
	}
	if (a) action_run(ui, a, NULL);
	else if (ui->modal == UI_MODAL_PROMPT) prompt_type(ui, key);
	else if (ui->modal == UI_MODAL_DIALOG) dialog_type(ui, key);
	ui->dirty |= UI_DIRTY_ALL;
}

void ui_click(ui_t *ui, int y, int x)
{
	prepare(ui);
	if (y == ui->rows - 1) {
		for (int i = 0; i < ui->nhits; i++)
			if (x >= ui->hits[i].x0 && x < ui->hits[i].x1) {
				action_run(ui, ui->hits[i].action, NULL);
				break;
			}
	} else if (y >= 1 && y < ui->rows - 2 && ui->modal == UI_MODAL_NONE) {
		const ui_view_t *v = ui_view(ui);
		if (v->click) v->click(ui, y - 1, x);
	}
	ui->dirty |= UI_DIRTY_ALL;
}

/* What each kind of model change makes stale. */
static const struct { unsigned what, dirty; } change_dirty[] = {
	{ SESS_CH_PHASE, UI_DIRTY_ALL }, /* the hints depend on the phase */
	{ SESS_CH_STEPS, UI_DIRTY_BODY | UI_DIRTY_HINT }, /* D once CreateStack has answered */
	{ SESS_CH_RESOURCES, UI_DIRTY_BODY | UI_DIRTY_HINT },
	{ SESS_CH_EVENTS, UI_DIRTY_BODY },
	{ SESS_CH_OUTPUTS, UI_DIRTY_BODY },
	{ SESS_CH_NODES, UI_DIRTY_BODY | UI_DIRTY_HINT },
	{ SESS_CH_FLASH, UI_DIRTY_MSG },
	{ SESS_CH_LOOKUP, UI_DIRTY_BODY | UI_DIRTY_MSG },
};

static void on_render_timer(loop_t *l, void *ud)
{
	(void)l;
	ui_t *ui = ud;
	ui->render_timer = 0;
	ui_render(ui);
}

void ui_changed(ui_t *ui, unsigned what)
{
	for (size_t i = 0; i < sizeof change_dirty / sizeof change_dirty[0]; i++)
		if (what & change_dirty[i].what) ui->dirty |= change_dirty[i].dirty;
	ui->dirty |= UI_DIRTY_STATUS; /* api calls, account, region */
	if ((what & SESS_CH_PHASE) && ui->auto_screen && ui->modal == UI_MODAL_NONE)
		switch_screen(ui, ui_screen_for_phase(ui->s->phase), 0);
	/* Say so when the stack is ready but another screen is showing; never yank the screen. */
	else if ((what & SESS_CH_PHASE) && ui->s->phase == SESS_READY && ui->screen != UI_NODES)
		ui_flash(ui, ROLE_OK, "%s is ready: n shows the nodes.", ui->s->stack_name);
	if ((what & SESS_CH_LOOKUP) && ui->screen == UI_WIZARD) view_wizard_lookup_done(ui);
	/* a setup an earlier start left running on the nodes is followed again */
	if ((what & SESS_CH_PHASE) && ui->s->phase == SESS_READY && ui->ops->setup_find) ui->ops->setup_find(ui->s);
	view_nodes_verify_changed(ui);
	/* Coalesce a burst of changes into one frame. */
	if (ui->loop && !ui->render_timer) ui->render_timer = loop_timer_add(ui->loop, 0, on_render_timer, ui);
}

static void layout_windows(ui_t *ui)
{
	free_windows(ui);
	ui->dirty &= ~(unsigned)UI_DIRTY_LAYOUT;
	ui->rows = LINES;
	ui->cols = COLS;
	int body = ui->rows - 3 > 1 ? ui->rows - 3 : 1;
	ui->w_status = newwin(1, ui->cols, 0, 0);
	ui->w_body = newwin(body, ui->cols, 1, 0);
	ui->w_msg = newwin(1, ui->cols, ui->rows - 2 > 1 ? ui->rows - 2 : 1, 0);
	ui->w_hint = newwin(1, ui->cols, ui->rows - 1 > 1 ? ui->rows - 1 : 1, 0);
	/* The terminal is cleared once: the windows cover every cell from now on. */
	wnoutrefresh(stdscr);
}

/* The windows at the terminal's size, then the view's geometry and its selections kept
 * in range: before every frame and every key, so a key before the first frame acts on
 * the same geometry as one after it. */
static void prepare(ui_t *ui)
{
	if (LINES != ui->rows || COLS != ui->cols) ui->dirty |= UI_DIRTY_ALL | UI_DIRTY_LAYOUT;
	if (ui->dirty & UI_DIRTY_LAYOUT) layout_windows(ui);
	if (!ui->w_body) return;
	const ui_view_t *v = ui_view(ui);
	int h, wd;
	getmaxyx(ui->w_body, h, wd);
	if (v->layout) v->layout(ui, h, wd);
	if (v->changed) v->changed(ui);
}

static void on_tick(loop_t *l, void *ud);

/* Wakes up only for what changes on its own: a flash ending, the elapsed time of a
 * running operation, a spinner, a change mark fading. Idle: no timer at all. */
static void schedule(ui_t *ui)
{
	if (!ui->loop) return;
	const session_t *s = ui->s;
	int64_t now = ui_now(ui), due = 0;
#define EARLIEST(t) do { int64_t t_ = (t); if (t_ > now && (due == 0 || t_ < due)) due = t_; } while (0)
	if (s->flash[0]) EARLIEST(s->flash_until_ms);
	if (ui->msg[0]) EARLIEST(ui->msg_until);
	if (session_phase_running(s->phase) && s->started_ms != 0)
		EARLIEST(now + 1000 - (now - s->started_ms) % 1000);
	if (animating(ui)) EARLIEST(now + SPIN_MS);
	for (size_t i = 0; i < s->nresources; i++)
		if (s->resources[i].changed_ms > 0) EARLIEST(s->resources[i].changed_ms + VIEW_STACK_MARK_MS);
#undef EARLIEST
	if (ui->timer && due == ui->timer_due) return;
	if (ui->timer) loop_timer_cancel(ui->loop, ui->timer);
	ui->timer = 0;
	ui->timer_due = due;
	if (due) ui->timer = loop_timer_add(ui->loop, due - now, on_tick, ui);
}

static void on_tick(loop_t *l, void *ud)
{
	(void)l;
	ui_t *ui = ud;
	ui->timer = 0;
	ui->spin++;
	if (ui->msg[0] && ui->msg_until <= ui_now(ui)) ui->msg[0] = 0;
	ui->dirty |= UI_DIRTY_BODY | UI_DIRTY_MSG;
	ui_render(ui);
}

void ui_render(ui_t *ui)
{
	if (ui->render_timer && ui->loop) {
		loop_timer_cancel(ui->loop, ui->render_timer);
		ui->render_timer = 0;
	}
	prepare(ui);
	if (!ui->w_body) return;
	/* messages belong to their moment: another screen, panel or dialog ends them */
	if (ui->msg[0] && ui->msg_moment != moment(ui)) {
		ui->msg[0] = 0;
		ui->dirty |= UI_DIRTY_MSG;
	}
	if (ui->dirty & UI_DIRTY_STATUS) {
		werase(ui->w_status);
		bars_status_draw(ui, ui->w_status, ui->cols);
		wnoutrefresh(ui->w_status);
	}
	if (ui->dirty & UI_DIRTY_BODY) {
		int h, wd;
		getmaxyx(ui->w_body, h, wd);
		werase(ui->w_body);
		ui_view(ui)->draw(ui, ui->w_body, h, wd);
		if (ui->modal == UI_MODAL_DIALOG) dialog_draw(ui, ui->w_body, h, wd);
		wnoutrefresh(ui->w_body);
	}
	if (ui->dirty & UI_DIRTY_MSG) {
		werase(ui->w_msg);
		bars_msg_draw(ui, ui->w_msg, ui->cols);
		wnoutrefresh(ui->w_msg);
	}
	if (ui->dirty & UI_DIRTY_HINT) {
		werase(ui->w_hint);
		bars_hint_draw(ui, ui->w_hint, ui->cols);
		wnoutrefresh(ui->w_hint);
	}
	int drew = ui->dirty != 0;
	ui->dirty = 0;
	if (drew) {
		doupdate();
		if (ui->opt.dump_path) dump_to_path(ui->opt.dump_path);
	}
	schedule(ui);
}

int ui_dump(ui_t *ui, FILE *f)
{
	ui_render(ui);
	return dump_write(f);
}

/* Keys: everything the terminal has, then one frame. */
static void on_stdin(loop_t *l, int fd, int events, void *ud)
{
	(void)l;
	(void)fd;
	ui_t *ui = ud;
	wint_t ch;
	int r, keys = 0;
	while (!ui->quit && (r = wget_wch(stdscr, &ch)) != ERR) {
		ui_key(ui, (int)ch);
		keys++;
	}
	/* Readable without a key, again and again: the terminal has gone. */
	ui->empty_reads = keys ? 0 : ui->empty_reads + 1;
	if ((events & LOOP_ERROR) || ui->empty_reads > 3) {
		ui->ops->detach(ui->s);
		ui->quit = 1;
		loop_stop(ui->loop);
		return;
	}
	if (!ui->quit) ui_render(ui);
}

static void on_winch(loop_t *l, int signo, void *ud)
{
	(void)l;
	(void)signo;
	ui_t *ui = ud;
	tty_refresh_size();
	ui_invalidate(ui);
	ui_render(ui);
}

static void on_session(void *ud, session_t *s, unsigned what)
{
	(void)s;
	ui_changed(ud, what);
}

int ui_start(ui_t *ui, loop_t *loop)
{
	ui->loop = loop;
	if (loop_fd_add(loop, 0, LOOP_READ, on_stdin, ui) < 0) return -1;
	if (loop_signal_watch(loop, SIGWINCH, on_winch, ui) < 0) return -1;
	ui->ops->observe(ui->s, on_session, ui);
	ui_invalidate(ui);
	ui_render(ui);
	return 0;
}

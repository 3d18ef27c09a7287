/* The console: screens over a session_t, a key handler, and a renderer that redraws
 * only when something changed (the session's observer, keys, resize, and a timer only
 * while something animates). It never calls AWS itself: model actions go through
 * a ui_ops_t table (ops_session in the product). */
#ifndef NIXL_UI_UI_H
#define NIXL_UI_UI_H

#include <curses.h>
#include <stdint.h>
#include <stdio.h>

#include "base/loop.h"
#include "core/session.h"
#include "ui/action.h"
#include "ui/ops.h"
#include "ui/theme.h"

typedef enum ui_screen { UI_WIZARD, UI_STACK, UI_NODES, UI_SCREEN_COUNT } ui_screen_t;

/* What is over the screen and takes the keys. */
typedef enum ui_modal { UI_MODAL_NONE, UI_MODAL_HELP, UI_MODAL_PROMPT, UI_MODAL_DIALOG, UI_MODAL_PICKER } ui_modal_t;

enum {
	UI_DIRTY_STATUS = 1, UI_DIRTY_BODY = 2, UI_DIRTY_MSG = 4, UI_DIRTY_HINT = 8,
	UI_DIRTY_ALL = 15, UI_DIRTY_LAYOUT = 16,
};

typedef struct ui_opts {
	int read_only;           /* hide deploy, destroy, purchase */
	int mouse;
	int color;               /* 0: attributes only (NO_COLOR, --no-color) */
	int unicode;             /* UTF-8 glyphs (the locale is UTF-8) */
	const char *creds;       /* where the credentials come from, for the status line:
	                            "environment", "profile dev via SSO", ... */
	const char *dump_path;   /* write the screen here after every frame (NIXL_TUI_DUMP) */
	int64_t (*now_ms)(void); /* the clock; loop_now_ms when NULL */
} ui_opts_t;

typedef enum ui_prompt_kind { PROMPT_COMMAND, PROMPT_FILTER } ui_prompt_kind_t;

typedef struct ui_prompt {
	ui_prompt_kind_t kind;
	char buf[128];
	size_t len;
	char *target;            /* the filter being edited (updated as typed) */
	size_t target_size;
	char saved[128];         /* the filter before editing, restored by Esc */
} ui_prompt_t;

typedef struct ui_dialog {
	char title[64];
	char text[1024];         /* word-wrapped body */
	char expect[160];        /* what must be typed back; "" when nothing */
	char typed[160];
	size_t ntyped;
	int focus;               /* 0: Cancel, 1: the action button */
	const char *ok_label;    /* "Destroy", "Quit"...; NULL: an information box (one OK) */
	int dangerous;           /* the ok button is styled as a failure colour */
	int wide;                /* as wide as the screen (commands to copy) */
	void (*on_ok)(ui_t *ui);
} ui_dialog_t;

/* The bounds of one hint-bar item, for mouse clicks. */
typedef struct ui_hint_hit { int x0, x1; const ui_action_t *action; } ui_hint_hit_t;

struct ui {
	session_t *s;
	const ui_ops_t *ops;
	loop_t *loop;
	ui_opts_t opt;

	ui_screen_t screen;
	ui_screen_t back[8];     /* Esc returns through these */
	int nback;
	int auto_screen;         /* the screen follows the phase until the user picks one */
	ui_modal_t modal;
	int quit;                /* set when the console should close */
	unsigned dirty;

	WINDOW *w_status, *w_body, *w_msg, *w_hint;
	int rows, cols;

	char msg[256];           /* the console's own flash ("read-only: ...") */
	theme_role_t msg_role;
	int64_t msg_until;
	unsigned msg_moment;     /* where it was said (screen, panel, dialog): elsewhere it goes */
	int msg_fresh;           /* said during the key being handled */
	unsigned spin;           /* spinner frame */
	uint64_t timer, render_timer;
	int64_t timer_due;
	int empty_reads;         /* stdin readable but no key: a hang-up */

	/* Each view's private state: defined in the view's own file, allocated by its init
	 * (ui_view_t), reached only through its functions. */
	struct view_stack_state *stack;   /* view_stack.c */
	struct view_nodes_state *nodes;   /* view_nodes_priv.h */
	struct view_help_state *help;     /* view_help.c */
	struct view_picker_state *picker; /* view_picker.c */
	struct ui_wizard *wiz;            /* view_wizard.h */

	ui_prompt_t prompt;
	ui_dialog_t dlg;
	ui_hint_hit_t hits[32];
	int nhits;
};

ui_t *ui_new(session_t *s, const ui_ops_t *ops, const ui_opts_t *opts);
void ui_free(ui_t *ui);
/* Runs on loop: keys from stdin, SIGWINCH, the session's observer, timers. Needs an
 * open terminal. The screen follows the session's phase (attach) until a key picks one. */
int ui_start(ui_t *ui, loop_t *loop);

/* One key (an ncurses code, as wget_wch gives it). */
void ui_key(ui_t *ui, int key);
/* A mouse click at screen row y, column x. */
void ui_click(ui_t *ui, int y, int x);
/* The session changed (the observer; `what` is its SESS_CH_* mask). */
void ui_changed(ui_t *ui, unsigned what);
/* Draws what is dirty and updates the terminal once. */
void ui_render(ui_t *ui);
/* Everything dirty, windows rebuilt to the terminal's size (resize, Ctrl-L). */
void ui_invalidate(ui_t *ui);

void ui_show(ui_t *ui, ui_screen_t screen);
void ui_back(ui_t *ui);
void ui_flash(ui_t *ui, theme_role_t role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int64_t ui_now(const ui_t *ui);
/* The context the keys go to now (a CTX_* bit). */
unsigned ui_context(const ui_t *ui);
/* 1 while a stack operation, a node command or a lookup is running. */
int ui_busy(const ui_t *ui);
/* 1 while a stack operation runs (preflight, create, wait for nodes, delete). */
int ui_running(const ui_t *ui);
/* 1 when the session has a stack on AWS (not idle, deleted, or stopped in preflight). */
int ui_has_stack(const ui_t *ui);
/* The screen a phase is best shown on (re-attach). */
ui_screen_t ui_screen_for_phase(sess_phase_t phase);
/* The phase as a title ("Deploying") and its role. */
const char *ui_phase_title(sess_phase_t phase);
theme_role_t ui_phase_role(sess_phase_t phase);

/* The view of the current screen, or help when it is open. */
const struct ui_view *ui_view(const ui_t *ui);

/* The current screen as text (see ui/dump.h). */
int ui_dump(ui_t *ui, FILE *f);

#endif

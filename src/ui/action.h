/* The one key/action table. It drives key dispatch, the hint bar, the `?` help screen,
 * `:` commands and the README key list, so the four can never disagree. */
#ifndef NIXL_UI_ACTION_H
#define NIXL_UI_ACTION_H

#include <stddef.h>
#include <stdio.h>

typedef struct ui ui_t;

/* Where an action works: a screen, a wizard panel, or what is over the screen. */
enum {
	CTX_WIZ_TYPE = 1 << 0,
	CTX_WIZ_VOLUME = 1 << 1,
	CTX_WIZ_CAPACITY = 1 << 2,
	CTX_WIZ_NETWORK = 1 << 3,
	CTX_WIZ_REVIEW = 1 << 4,
	CTX_STACK = 1 << 5,
	CTX_NODES = 1 << 6,
	CTX_HELP = 1 << 7,
	CTX_PROMPT = 1 << 8,   /* the `:` and `/` line */
	CTX_DIALOG = 1 << 9,
	CTX_PICKER = 1 << 10,  /* the stack picker (O) */
	CTX_WIZ_OFFERS = 1 << 11, /* the Capacity Block search over the capacity panel */
	CTX_WIZARD = CTX_WIZ_TYPE | CTX_WIZ_VOLUME | CTX_WIZ_CAPACITY | CTX_WIZ_OFFERS | CTX_WIZ_NETWORK | CTX_WIZ_REVIEW,
	CTX_SCREENS = CTX_WIZARD | CTX_STACK | CTX_NODES,
};

enum {
	ACT_DANGEROUS = 1, /* creates, deletes or buys: hidden with --read-only */
	ACT_COMMAND = 2,   /* runs as `:name` from any screen */
};

typedef struct ui_action {
	const char *name;      /* the `:` command name, and the help entry's */
	const char *alias;     /* another command name ("q"), or NULL */
	const char *args;      /* command arguments for help ("N", "[SERVER CLIENT]"), or NULL */
	int keys[4];           /* ncurses key codes, 0-terminated; the first is the hint's */
	const char *hint;      /* hint-bar label, NULL: not in the hint bar */
	const char *help;      /* one line for `?` and the README */
	unsigned ctx;
	unsigned flags;
	/* NULL when the action can run now, else a sentence saying why not. */
	const char *(*unavailable)(const ui_t *ui);
	void (*run)(ui_t *ui, const char *arg);
} ui_action_t;

extern const ui_action_t action_table[];
extern const size_t action_count;

/* Enter and Backspace arrive as several codes; this folds them to '\n' and KEY_BACKSPACE. */
int action_normalize_key(int key);
/* The action bound to key in ctx, or NULL (one bound but hidden by --read-only is
 * returned: action_run refuses it and says why). */
const ui_action_t *action_for_key(unsigned ctx, int key);
/* The command named name or an unambiguous prefix of it; NULL, and *ambiguous set
 * when several match. */
const ui_action_t *action_for_command(const char *name, int read_only, int *ambiguous);
/* "Up", "Enter", "^L", "j". */
void action_key_name(int key, char *buf, size_t n);
/* All keys of a, joined with "/". */
void action_keys_text(const ui_action_t *a, char *buf, size_t n);
/* 1 when a shows in ctx: bound there, not hidden by read_only. */
int action_visible(const ui_action_t *a, unsigned ctx, int read_only);

/* The help sections: a title and the contexts they cover. */
typedef struct action_section { const char *title; unsigned ctx; } action_section_t;
extern const action_section_t action_sections[];
extern const size_t action_nsections;
/* 1 when a is listed in section i (each action once per section, globals only under
 * "Everywhere"). */
int action_in_section(const ui_action_t *a, size_t i);

/* Runs a: refused with a flash when read_only hides it or it is unavailable now. */
void action_run(ui_t *ui, const ui_action_t *a, const char *arg);
/* Runs a `:` command line ("node 2", "q"). */
void action_run_command(ui_t *ui, const char *line);

/* The key list as Markdown tables, one per section, for the README. */
void action_write_markdown(FILE *f, int read_only);

#endif

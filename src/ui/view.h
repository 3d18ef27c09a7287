/* What every screen provides to the console: its private state, its geometry, keeping
 * its selections in range, drawing and the movement keys. The screens are view_stack.c,
 * view_nodes.c, view_wizard.c; help is view_help.c, the stack picker view_picker.c. */
#ifndef NIXL_UI_VIEW_H
#define NIXL_UI_VIEW_H

#include <curses.h>

typedef struct ui ui_t;

typedef enum view_unit { VIEW_LINE, VIEW_PAGE, VIEW_END } view_unit_t;

/* ui.c calls layout then changed before every frame and every key (a key before the
 * first frame acts on laid-out geometry), so draw only draws. */
typedef struct ui_view {
	/* Allocates the view's private state (0, or -1 out of memory); free releases it. */
	int (*init)(ui_t *ui);
	void (*free)(ui_t *ui);
	/* Geometry from the body's size and what the session holds (section heights, rows). */
	void (*layout)(ui_t *ui, int rows, int cols);
	/* Keeps selections and scroll offsets within what the session holds now. */
	void (*changed)(ui_t *ui);
	void (*draw)(ui_t *ui, WINDOW *w, int h, int wd);
	/* dir -1 up, +1 down, by unit. */
	void (*move)(ui_t *ui, int dir, view_unit_t unit);
	/* A click at body row y, column x. */
	void (*click)(ui_t *ui, int y, int x);
} ui_view_t;

/* Moves a scroll offset *top over n items shown rows at a time; returns 1 when the
 * end is reached (follow mode resumes there). */
int view_scroll(size_t *top, size_t n, int rows, int dir, view_unit_t unit);
/* Moves a selection *sel over n items and keeps it on screen (*top, rows). */
void view_select(size_t *sel, size_t *top, size_t n, int rows, int dir, view_unit_t unit);
/* Keeps *top so sel is among rows shown. */
void view_keep_visible(size_t sel, size_t *top, size_t n, int rows);
/* Shrinks sections' line counts (want) to budget: the one with the most to spare over
 * its minimum gives first; when even the minimums do not fit, the last ones go. */
void view_allocate(int *want, const int *min, int n, int budget);
/* Case-insensitive: 1 when filter is empty or a substring of any of the strings. */
int view_match(const char *filter, const char *const *fields, size_t n);

#endif

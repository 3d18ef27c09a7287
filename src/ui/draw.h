/* Widgets drawn into ncurses windows: clipped text, lines, boxes, bars, word wrap.
 * Text is UTF-8; in ASCII mode (no UTF-8 locale) every non-ASCII character is drawn
 * as '?' and every glyph has an ASCII form, so the screen is the same cell for cell. */
#ifndef NIXL_UI_DRAW_H
#define NIXL_UI_DRAW_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

typedef struct draw_glyphs {
	const char *h, *v, *tl, *tr, *bl, *br;   /* box */
	const char *full, *empty;                 /* bars */
	const char *eighth[8];                    /* partial bar cells, [0] unused */
	const char *ok, *fail, *warn, *busy, *pending, *unknown;
	const char *mark;                         /* a recently changed row */
	const char *ellipsis;
	const char *spin[8];
	int nspin;
} draw_glyphs_t;

void draw_set_unicode(int on);
int draw_unicode(void);
const draw_glyphs_t *draw_glyphs(void);

/* Display columns of s as draw_text would draw it. */
int draw_width(const char *s);
/* Draws s at y,x in at most maxw columns (a cut string ends in the ellipsis glyph);
 * returns the columns drawn. s is made inert first (textsafe: controls, C1, bidi controls
 * and invalid UTF-8 drawn as visible escapes); tab and newline become spaces. */
int draw_text(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s);
int draw_textf(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* As draw_text, right-aligned so the text ends at column x_end (exclusive). */
int draw_text_right(WINDOW *w, int y, int x_end, int maxw, attr_t a, const char *s);
/* n spaces (or a glyph repeated) from y,x. */
void draw_fill(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph);
void draw_box(WINDOW *w, int y, int x, int h, int wd, attr_t a, const char *title, attr_t title_a);
/* A bar of width cells filled to frac (0..1), with eighth cells in UTF-8 mode. */
void draw_bar(WINDOW *w, int y, int x, int width, double frac, attr_t fill, attr_t empty,
              int show_empty);
/* Word-wraps s into lines of width columns from y,x, at most maxlines; returns the
 * lines drawn (the last one cut with the ellipsis when more text remains). With w NULL
 * only counts the lines needed (maxlines ignored). */
int draw_wrap(WINDOW *w, int y, int x, int width, int maxlines, attr_t a, const char *s);

/* A shell command cut into lines of at most width columns at spaces (a flag stays with
 * its value), continued with " \" so that a copy of the lines pastes as one command. */
void draw_fmt_shell(const char *cmd, int width, char *out, size_t n);
/* A field's text in brackets, padded to width ("[700    ]"). */
void draw_field(WINDOW *w, int y, int x, int width, attr_t a, const char *text);
/* "42s", "3:07", "1:02:03". */
void draw_fmt_elapsed(int64_t ms, char *buf, size_t n);
/* Message sizes as fi_pingpong prints them: 64, 4k, 64k, 1m, 1g. */
void draw_fmt_size(uint64_t bytes, char *buf, size_t n);

#endif

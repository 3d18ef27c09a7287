#include "ui/draw.h"

#include "base/textsafe.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const draw_glyphs_t ascii_glyphs = {
	"-", "|", "+", "+", "+", "+",
	"#", ".", { "", "#", "#", "#", "#", "#", "#", "#" },
	"+", "x", "!", "*", ".", "?",
	"*", "~",
	{ "|", "/", "-", "\\" }, 4,
};

static const draw_glyphs_t utf8_glyphs = {
	"\u2500", "\u2502", "\u250c", "\u2510", "\u2514", "\u2518",
	"\u2588", "\u2591",
	{ "", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b", "\u258a", "\u2589" },
	"\u2713", "\u2717", "!", "\u25cc", "\u00b7", "?",
	"\u2022", "\u2026",
	{ "\u280b", "\u2819", "\u2839", "\u2838", "\u283c", "\u2834", "\u2826", "\u2827" }, 8,
};

static int unicode;

void draw_set_unicode(int on) { unicode = on; }
int draw_unicode(void) { return unicode; }
const draw_glyphs_t *draw_glyphs(void) { return unicode ? &utf8_glyphs : &ascii_glyphs; }

/* Decodes one UTF-8 code point; malformed bytes come back as U+FFFD one at a time. */
static unsigned next_cp(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	unsigned c = s[0];
	int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (len == 0) { *sp += 1; return 0xfffd; }
	unsigned cp = len == 1 ? c : c & (0x7f >> len);
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80) { *sp += 1; return 0xfffd; }
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*sp += len;
	return cp;
}

/* The character drawn for cp and its width in columns. */
static wchar_t shown(unsigned cp, int *cols)
{
	*cols = 1;
	if (cp < 0x20) return L' '; /* tab and newline, all textsafe lets through */
	if (cp < 0x80) return (wchar_t)cp;
	if (!unicode) return L'?';
	int wd = wcwidth((wchar_t)cp);
	if (wd < 0) return L'?';
	*cols = wd;
	return (wchar_t)cp;
}

/* Columns of text already made inert. */
static int width_of(const char *s)
{
	int n = 0, c;
	while (*s) {
		shown(next_cp(&s), &c);
		n += c;
	}
	return n;
}

int draw_width(const char *s)
{
	char clean[2048];
	textsafe_copy(clean, sizeof clean, s);
	return width_of(clean);
}

static void put(WINDOW *w, const wchar_t *ws, int n, attr_t a)
{
	if (n <= 0) return;
	wattr_set(w, a, PAIR_NUMBER(a), NULL);
	waddnwstr(w, ws, n);
	wattr_set(w, A_NORMAL, 0, NULL);
}

int draw_text(WINDOW *w, int y, int x, int maxw, attr_t a, const char *s)
{
	if (maxw <= 0 || !s) return 0;
	/* everything drawn passes here: remote text reaches the terminal only as textsafe
	 * renders it (ncurses would pass a C1 or a bidi override on as it is) */
	char clean[2048];
	textsafe_copy(clean, sizeof clean, s);
	s = clean;
	int fit = width_of(s) <= maxw;
	int room = fit ? maxw : maxw - draw_width(draw_glyphs()->ellipsis);
	wchar_t buf[512];
	int n = 0, cols = 0, c;
	while (*s && n < (int)(sizeof buf / sizeof buf[0]) - 1) {
		wchar_t wc = shown(next_cp(&s), &c);
		if (cols + c > room) break;
		buf[n++] = wc;
		cols += c;
	}
	if (wmove(w, y, x) == ERR) return 0;
	put(w, buf, n, a);
	if (!fit) cols += draw_text(w, y, x + cols, maxw - cols, a, draw_glyphs()->ellipsis);
	return cols;
}

int draw_textf(WINDOW *w, int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return draw_text(w, y, x, maxw, a, buf);
}

int draw_text_right(WINDOW *w, int y, int x_end, int maxw, attr_t a, const char *s)
{
	int wd = draw_width(s);
	if (wd > maxw) wd = maxw;
	return draw_text(w, y, x_end - wd, wd, a, s);
}

void draw_fill(WINDOW *w, int y, int x, int n, attr_t a, const char *glyph)
{
	if (wmove(w, y, x) == ERR) return;
	const char *g = glyph ? glyph : " ";
	int c;
	const char *p = g;
	wchar_t wc = shown(next_cp(&p), &c);
	wattr_set(w, a, PAIR_NUMBER(a), NULL);
	for (int i = 0; i < n; i++) waddnwstr(w, &wc, 1);
	wattr_set(w, A_NORMAL, 0, NULL);
}

void draw_box(WINDOW *w, int y, int x, int h, int wd, attr_t a, const char *title, attr_t title_a)
{
	const draw_glyphs_t *g = draw_glyphs();
	if (h < 2 || wd < 2) return;
	draw_text(w, y, x, 1, a, g->tl);
	draw_fill(w, y, x + 1, wd - 2, a, g->h);
	draw_text(w, y, x + wd - 1, 1, a, g->tr);
	for (int i = 1; i < h - 1; i++) {
		draw_text(w, y + i, x, 1, a, g->v);
		draw_fill(w, y + i, x + 1, wd - 2, A_NORMAL, " ");
		draw_text(w, y + i, x + wd - 1, 1, a, g->v);
	}
	draw_text(w, y + h - 1, x, 1, a, g->bl);
	draw_fill(w, y + h - 1, x + 1, wd - 2, a, g->h);
	draw_text(w, y + h - 1, x + wd - 1, 1, a, g->br);
	if (title && *title && wd > 6) {
		int t = draw_text(w, y, x + 2, wd - 6, title_a, " ");
		t += draw_text(w, y, x + 2 + t, wd - 5 - t, title_a, title);
		draw_text(w, y, x + 2 + t, 1, title_a, " ");
	}
}

void draw_bar(WINDOW *w, int y, int x, int width, double frac, attr_t fill, attr_t empty,
              int show_empty)
{
	if (width <= 0) return;
	if (!(frac > 0)) frac = 0;
	if (frac > 1) frac = 1;
	const draw_glyphs_t *g = draw_glyphs();
	int eighths = (int)(frac * width * 8 + 0.5);
	if (frac > 0 && eighths < (unicode ? 1 : 4)) eighths = unicode ? 1 : 4; /* a value is never invisible */
	int full = eighths / 8, part = unicode ? eighths % 8 : 0;
	if (!unicode && eighths % 8 >= 4) full++;
	if (full > width) full = width;
	draw_fill(w, y, x, full, fill, g->full);
	int used = full;
	if (part && used < width) {
		draw_text(w, y, x + used, 1, fill, g->eighth[part]);
		used++;
	}
	draw_fill(w, y, x + used, width - used, empty, show_empty ? g->empty : " ");
}

/* The end of the word at s and its columns. */
static const char *word_end(const char *s, int *cols)
{
	*cols = 0;
	int c;
	while (*s && *s != ' ' && *s != '\n') {
		shown(next_cp(&s), &c);
		*cols += c;
	}
	return s;
}

/* The end of the longest prefix of s within cols columns. */
static const char *cut_at(const char *s, int cols, int *got)
{
	int c;
	*got = 0;
	for (;;) {
		const char *p = s;
		shown(next_cp(&p), &c);
		if (*got + c > cols) return s;
		*got += c;
		s = p;
	}
}

static int blank(const char *s)
{
	while (*s == ' ' || *s == '\n') s++;
	return *s == 0;
}

int draw_wrap(WINDOW *w, int y, int x, int width, int maxlines, attr_t a, const char *s)
{
	if (width <= 0) return 0;
	/* made inert before measuring, so that words are cut where their escapes are drawn */
	char *clean = textsafe_dup(s);
	if (!clean) return 0;
	s = clean;
	char buf[1024];
	size_t blen = 0;
	int line = 0, col = 0, pending = 0;
	for (;;) {
		while (*s == ' ') s++;
		int brk = *s == '\n' || *s == 0;
		int wc = 0;
		const char *e = brk ? s : word_end(s, &wc);
		if (!brk && col > 0 && col + 1 + wc > width) brk = 1, e = s;
		if (!brk && wc > width) e = cut_at(s, width, &wc); /* hard-break a long word (ARNs) */
		if (brk && (pending || *s == '\n')) {
			buf[blen] = 0;
			if (w && line < maxlines) {
				draw_text(w, y + line, x, width, a, buf);
				if (line == maxlines - 1 && !blank(s))
					draw_text(w, y + line, x + width - 1, 1, a, draw_glyphs()->ellipsis);
			}
			line++;
			blen = 0, col = 0, pending = 0;
			if (w && line >= maxlines) break;
			if (*s == '\n') { s++; continue; }
		}
		if (*s == 0) break;
		if (e == s) continue;
		size_t len = (size_t)(e - s);
		if (col > 0 && blen + 1 < sizeof buf) buf[blen++] = ' ', col++;
		if (blen + len >= sizeof buf) len = sizeof buf - 1 - blen;
		memcpy(buf + blen, s, len);
		blen += len;
		col += wc;
		pending = 1;
		s = e;
	}
	free(clean);
	return line;
}

void draw_fmt_elapsed(int64_t ms, char *buf, size_t n)
{
	if (ms < 0) ms = 0;
	long s = (long)(ms / 1000);
	if (s < 60) snprintf(buf, n, "%lds", s);
	else if (s < 3600) snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
	else snprintf(buf, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
}

void draw_fmt_size(uint64_t bytes, char *buf, size_t n)
{
	static const char units[] = "kmg";
	int u = -1;
	while (u < 2 && bytes >= 1024 && bytes % 1024 == 0) { bytes /= 1024; u++; }
	if (u < 0) snprintf(buf, n, "%llu", (unsigned long long)bytes);
	else snprintf(buf, n, "%llu%c", (unsigned long long)bytes, units[u]);
}

/* The next unit to keep on one line: a word, or a flag and its value. */
static size_t shell_unit(const char *s)
{
	const char *sp = strchr(s, ' ');
	size_t n = sp ? (size_t)(sp - s) : strlen(s);
	if (s[0] == '-' && sp && sp[1] && sp[1] != '-') {
		const char *next = strchr(sp + 1, ' ');
		n = next ? (size_t)(next - s) : strlen(s);
	}
	return n;
}

void draw_fmt_shell(const char *cmd, int width, char *out, size_t n)
{
	size_t len = 0;
	int col = 0;
	out[0] = 0;
	while (*cmd && len + 8 < n) {
		size_t wl = shell_unit(cmd);
		if (col > 0 && col + 1 + (int)wl + 2 > width) {
			len += (size_t)snprintf(out + len, n - len, " \\\n  ");
			col = 2;
		} else if (col > 0) {
			out[len++] = ' ';
			col++;
		}
		if (len + wl + 1 >= n) break;
		memcpy(out + len, cmd, wl);
		len += wl;
		out[len] = 0;
		col += (int)wl;
		cmd += wl;
		while (*cmd == ' ') cmd++;
	}
}

void draw_field(WINDOW *w, int y, int x, int width, attr_t a, const char *text)
{
	draw_text(w, y, x, 1, A_NORMAL, "[");
	draw_fill(w, y, x + 1, width - 2, a, " ");
	draw_text(w, y, x + 1, width - 2, a, text);
	draw_text(w, y, x + width - 1, 1, A_NORMAL, "]");
}

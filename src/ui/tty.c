#include "ui/tty.h"

#include <curses.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

static SCREEN *screen;
static FILE *null_out, *null_in;

static void modes(void)
{
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	/* Esc goes back: do not make the user wait for a key sequence that never comes. */
	set_escdelay(25);
}

int tty_open(int mouse)
{
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) return -1;
	screen = newterm(NULL, stdout, stdin);
	if (!screen) return -1;
	set_term(screen);
	modes();
	if (mouse) {
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
	}
	return 0;
}

int tty_open_virtual(int cols, int rows, const char *term)
{
	null_out = fopen("/dev/null", "w");
	null_in = fopen("/dev/null", "r");
	if (!null_out || !null_in) { tty_close(); return -1; }
	screen = newterm(term, null_out, null_in);
	if (!screen) { tty_close(); return -1; }
	set_term(screen);
	modes();
	resizeterm(rows, cols);
	return 0;
}

void tty_close(void)
{
	if (screen) {
		endwin();
		delscreen(screen);
		screen = NULL;
	}
	if (null_out) fclose(null_out);
	if (null_in) fclose(null_in);
	null_out = null_in = NULL;
}

void tty_refresh_size(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

void tty_resize(int cols, int rows) { resizeterm(rows, cols); }

int tty_write(const char *bytes, size_t n)
{
	FILE *out = null_out ? null_out : stdout;
	fflush(out); /* after what ncurses has buffered */
	return fwrite(bytes, 1, n, out) == n && fflush(out) == 0 ? 0 : -1;
}

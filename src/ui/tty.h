/* The terminal: the real one (stdin/stdout) or a virtual one of a fixed size on
 * /dev/null for tests and screen dumps. One screen at a time. */
#ifndef NIXL_UI_TTY_H
#define NIXL_UI_TTY_H

#include <stddef.h>

/* Opens the terminal on stdin/stdout in the console's modes (cbreak, no echo, keypad,
 * no delay, hidden cursor). mouse: report clicks. Returns 0, or -1 when stdout is not
 * a terminal ncurses can drive. */
int tty_open(int mouse);
/* Opens a cols x rows terminal of type term ("xterm") writing to /dev/null. */
int tty_open_virtual(int cols, int rows, const char *term);
void tty_close(void);
/* Re-reads the real terminal's size (after SIGWINCH) and resizes ncurses. */
void tty_refresh_size(void);
/* Writes bytes to the terminal as they are (a control sequence ncurses does not know),
 * flushed: the real terminal's output, or the virtual one's /dev/null. 0 or -1. */
int tty_write(const char *bytes, size_t n);
/* Sets the virtual terminal's size. */
void tty_resize(int cols, int rows);

#endif

#include "ui/mfa.h"

#include <curses.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "aws/creds.h"
#include "base/textsafe.h"
#include "ui/draw.h"
#include "ui/theme.h"
#include "ui/tty.h"
#include "ui/ui.h"

enum { KEY_ESC = 27, POLL_MS = 250, HANGUP_READS = 4 };

static ui_t *console;

const char *ui_mfa_code_problem(const char *code)
{
	size_t n = 0;
	while (code[n] >= '0' && code[n] <= '9') n++;
	if (code[n] || n != UI_MFA_CODE_LEN)
		return "The MFA code is the 6 digits your device shows; type all 6, then Enter.";
	return NULL;
}

const char *ui_mfa_key_problem(int key)
{
	if (key >= '0' && key <= '9') return NULL;
	return "Digits only: type the 6-digit code your MFA device shows.";
}

void ui_mfa_install(ui_t *ui)
{
	console = ui;
	aws_creds_set_mfa_prompt(ui_mfa_prompt);
}

void ui_mfa_uninstall(void)
{
	console = NULL;
	aws_creds_set_mfa_prompt(NULL);
}

/* ---- the dialog ---- */

typedef struct mfa_dlg {
	char profile[160], serial[400]; /* inert copies (a serial is up to 256 characters) */
	char typed[UI_MFA_CODE_LEN + 1];
	size_t len;
	const char *problem;
	WINDOW *win;
} mfa_dlg_t;

/* The dialog's paragraphs, each word-wrapped on its own. */
static int paragraphs(const mfa_dlg_t *d, char par[3][480])
{
	snprintf(par[0], sizeof par[0], "Profile \"%s\" assumes its role with MFA.", d->profile);
	snprintf(par[1], sizeof par[1], "Device: %s", d->serial);
	snprintf(par[2], sizeof par[2], "Type the 6-digit code the device shows now.");
	return 3;
}

/* As wide as the title needs (a serial is up to 256 characters), within the screen. */
static int box_width(const char *title)
{
	int bw = draw_width(title) + 6;
	if (bw < 60) bw = 60;
	if (bw > COLS - 4) bw = COLS - 4;
	return bw < 24 ? COLS : bw;
}

/* (Re)creates the window centred on the terminal as it is now, and draws it. */
static void draw(mfa_dlg_t *d)
{
	if (d->win) delwin(d->win);
	d->win = NULL;
	char title[640], par[3][480];
	snprintf(title, sizeof title, "MFA code for profile %s, device %s", d->profile, d->serial);
	int npar = paragraphs(d, par);
	int bw = box_width(title), tw = bw - 4 > 1 ? bw - 4 : 1;
	int lines = 0;
	for (int i = 0; i < npar; i++) lines += draw_wrap(NULL, 0, 0, tw, 0, 0, par[i]);
	/* border, text, blank, field, problem (2 rows), keys, border */
	int bh = lines + 8 < LINES ? lines + 8 : LINES;
	d->win = newwin(bh, bw, (LINES - bh) / 2, (COLS - bw) / 2);
	if (!d->win) return;
	keypad(d->win, TRUE);
	wtimeout(d->win, POLL_MS);
	attr_t frame = theme_attr(ROLE_TITLE);
	draw_box(d->win, 0, 0, bh, bw, frame, title, frame);
	int row = 1, last = bh - 7; /* the rows below the text are kept */
	for (int i = 0; i < npar && row <= last; i++)
		row += draw_wrap(d->win, row, 2, tw, last - row + 1, A_NORMAL, par[i]);
	row++;
	/* the code is never drawn: one mask character a digit */
	char mask[UI_MFA_CODE_LEN + 1];
	memset(mask, '*', d->len);
	mask[d->len] = 0;
	int lw = draw_text(d->win, row, 2, tw, A_NORMAL, "Code ");
	draw_field(d->win, row, 2 + lw, UI_MFA_CODE_LEN + 2, theme_attr(ROLE_INPUT), mask);
	if (d->problem) draw_wrap(d->win, row + 1, 2, tw, 2, theme_attr(ROLE_WARN), d->problem);
	draw_text_right(d->win, bh - 2, bw - 2, tw, theme_attr(ROLE_DIM), "Enter submit   Esc cancel");
	wrefresh(d->win);
}

/* The terminal's size changed under the dialog (SIGWINCH is the console's loop's, so
 * ncurses may not have seen it): resize, redraw the console, then the dialog. */
static void resized(mfa_dlg_t *d)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	if (console) {
		ui_invalidate(console);
		ui_render(console);
	} else {
		clearok(curscr, TRUE);
		wnoutrefresh(stdscr);
	}
	draw(d);
}

static int size_changed(void)
{
	struct winsize ws;
	return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	       (ws.ws_row != LINES || ws.ws_col != COLS);
}

/* stdin readable but no key, again and again: the terminal has gone. */
static int hung_up(int *empty)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	if (poll(&p, 1, 0) <= 0) {
		*empty = 0;
		return 0;
	}
	return (p.revents & (POLLHUP | POLLERR)) || ++*empty >= HANGUP_READS;
}

/* 1: submitted, 0: cancelled, -1: the terminal went away. */
static int key_loop(mfa_dlg_t *d)
{
	int empty = 0;
	for (;;) {
		if (!d->win) return -1;
		int key = wgetch(d->win);
		if (key == ERR) {
			if (hung_up(&empty)) return -1;
			if (size_changed()) resized(d);
			continue;
		}
		empty = 0;
		if (key == KEY_RESIZE) {
			resized(d);
			continue;
		}
		if (key == KEY_ESC) return 0;
		d->problem = NULL;
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (!(d->problem = ui_mfa_code_problem(d->typed))) return 1;
		} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
			if (d->len) d->typed[--d->len] = 0;
		} else if ((d->problem = ui_mfa_key_problem(key)) == NULL) {
			if (d->len < UI_MFA_CODE_LEN) {
				d->typed[d->len++] = (char)key;
				d->typed[d->len] = 0;
			} else {
				d->problem = "The MFA code is 6 digits; press Enter to send it, Backspace to correct it.";
			}
		}
		draw(d);
	}
}

static int run_dialog(const char *profile, const char *serial, char *code, size_t n,
                      aws_error_t *err)
{
	mfa_dlg_t d = { 0 };
	textsafe_copy(d.profile, sizeof d.profile, profile);
	textsafe_copy(d.serial, sizeof d.serial, serial);
	flushinp(); /* keys typed for the screen below are not part of the code */
	draw(&d);
	int r = key_loop(&d);
	if (d.win) delwin(d.win);
	if (r == 1 && n > d.len) {
		memcpy(code, d.typed, d.len + 1);
	} else if (r == 1) {
		r = -1;
	}
	OPENSSL_cleanse(d.typed, sizeof d.typed);
	if (r == 1) return 0;
	if (r == 0)
		aws_error_set(err, AWS_ERR_CREDENTIALS, "MfaCancelled",
		              "No MFA code was entered for profile \"%s\" (mfa_serial %s); try again and "
		              "type the 6-digit code your device shows, or export temporary credentials "
		              "(`aws configure export-credentials --profile %s --format env`).",
		              profile, serial, profile);
	else
		aws_error_set(err, AWS_ERR_CREDENTIALS, "MfaNoTerminal",
		              "The terminal closed while asking for the MFA code of profile \"%s\" "
		              "(mfa_serial %s); run nixl-tui again from a terminal.", profile, serial);
	return -1;
}

int ui_mfa_prompt(const char *profile, const char *serial, char *code, size_t n, aws_error_t *err)
{
	if (!console) {
		/* Before the console: the dialog on a screen of its own, closed again before the
		 * console opens (or before an error is printed). Not a terminal: its prompt. */
		if (tty_open(0) < 0) return aws_creds_mfa_prompt_tty(profile, serial, code, n, err);
		int r = run_dialog(profile, serial, code, n, err);
		tty_close();
		return r;
	}
	int r = run_dialog(profile, serial, code, n, err);
	/* the screen under the dialog comes back with the next frame */
	ui_invalidate(console);
	if (r < 0) ui_flash(console, ROLE_FAIL, "%s", err->message);
	ui_changed(console, 0);
	return r;
}

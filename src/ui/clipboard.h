/* The terminal's clipboard through OSC 52 (xterm's "Manipulate Selection Data" control:
 * ESC ] 52 ; c ; <base64 text> BEL), written to the terminal, so that a copy works over
 * SSH and inside tmux. Under tmux the sequence sets a tmux buffer only with
 * `set -g set-clipboard on`: "If set to on, tmux will both accept the escape sequence to
 * create a buffer and attempt to set the terminal clipboard. If set to external, tmux will
 * attempt to set the terminal clipboard but ignore attempts by applications to set tmux
 * buffers" (tmux(1), set-clipboard). Where OSC 52 is not used the caller shows the text
 * to select instead. */
#ifndef NIXL_UI_CLIPBOARD_H
#define NIXL_UI_CLIPBOARD_H

#include <stddef.h>

/* Largest text copied: some terminals drop longer OSC 52 sequences. */
#define CLIPBOARD_MAX 8192

/* 1 when copies go through OSC 52: NIXL_TUI_CLIPBOARD=osc52 or =off decides; unset, it is
 * on when $TMUX is set or TERM names a terminal known to take it (xterm*, tmux*, screen*,
 * alacritty, foot*, kitty*, wezterm, rxvt-unicode*, contour, ghostty). term and clip are
 * $TERM and $NIXL_TUI_CLIPBOARD, tmux is $TMUX (each may be NULL). */
int clipboard_osc52_allowed(const char *term, const char *tmux, const char *clip);
/* The same from the process's environment. */
int clipboard_enabled(void);
/* Writes text's OSC 52 sequence to the terminal. 0, or -1 when turned off, too long, or
 * the write failed (then nothing is on the clipboard: show the text). */
int clipboard_copy(const char *text);
/* Where the bytes go (tests): NULL restores the terminal (tty_write). */
void clipboard_set_writer(int (*write)(void *ud, const char *bytes, size_t n), void *ud);

#endif

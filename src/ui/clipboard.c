#include "ui/clipboard.h"

#include <stdlib.h>
#include <string.h>

#include "ui/tty.h"

static int (*writer)(void *ud, const char *bytes, size_t n);
static void *writer_ud;

void clipboard_set_writer(int (*write_fn)(void *ud, const char *bytes, size_t n), void *ud)
{
	writer = write_fn;
	writer_ud = ud;
}

static int starts(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

int clipboard_osc52_allowed(const char *term, const char *tmux, const char *clip)
{
	if (clip && *clip) return strcmp(clip, "osc52") == 0 || strcmp(clip, "on") == 0;
	if (tmux && *tmux) return 1;
	if (!term) return 0;
	static const char *const known[] = {
		"xterm", "tmux", "screen", "alacritty", "foot", "kitty", "wezterm", "rxvt-unicode", "contour", "ghostty",
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (starts(term, known[i])) return 1;
	return 0;
}

int clipboard_enabled(void)
{
	return clipboard_osc52_allowed(getenv("TERM"), getenv("TMUX"), getenv("NIXL_TUI_CLIPBOARD"));
}

/* RFC 4648 base64, with padding. */
static size_t base64(const unsigned char *in, size_t n, char *out)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

int clipboard_copy(const char *text)
{
	size_t n = strlen(text);
	if (!clipboard_enabled() || n > CLIPBOARD_MAX) return -1;
	char seq[16 + (CLIPBOARD_MAX + 2) / 3 * 4];
	size_t len = 0;
	memcpy(seq, "\033]52;c;", 7);
	len = 7;
	len += base64((const unsigned char *)text, n, seq + len);
	seq[len++] = '\a';
	return writer ? writer(writer_ud, seq, len) : tty_write(seq, len);
}

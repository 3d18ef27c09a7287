#include "ui/bars.h"

#include <string.h>
#include <strings.h>

#include "ui/draw.h"
#include "ui/prompt.h"
#include "ui/ui.h"

void bars_endpoint_host(const char *url, char *buf, size_t n)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	const char *at = strchr(p, '@');
	const char *slash = strchr(p, '/');
	if (at && (!slash || at < slash)) p = at + 1;
	size_t len = slash ? (size_t)(slash - p) : strlen(p);
	snprintf(buf, n, "%.*s", (int)len, p);
}

int bars_endpoint_is_loopback(const char *url)
{
	char hp[256], host[256];
	bars_endpoint_host(url, hp, sizeof hp);
	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');
		snprintf(host, sizeof host, "%.*s", end ? (int)(end - hp - 1) : 0, hp + 1);
	} else {
		const char *colon = strchr(hp, ':');
		snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - hp) : (int)strlen(hp), hp);
	}
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcasecmp(host, "localhost") == 0;
}

typedef struct seg {
	char text[160];
	theme_role_t role;
	int prio;   /* the lowest goes first when the line is too narrow */
} seg_t;

void bars_status_draw(ui_t *ui, WINDOW *w, int wd)
{
	const session_t *s = ui->s;
	seg_t segs[8];
	int n = 0;
	attr_t bar = theme_attr(ROLE_BAR);
#define SEG(p, r, ...) do { snprintf(segs[n].text, sizeof segs[n].text, __VA_ARGS__); \
	segs[n].role = (r); segs[n].prio = (p); n++; } while (0)
	SEG(9, ROLE_BAR, "nixl-tui");
	if (ui->opt.creds && *ui->opt.creds) SEG(4, ROLE_BAR, "%s", ui->opt.creds);
	if (s->region[0]) SEG(7, ROLE_BAR, "region %s", s->region);
	if (s->account[0]) SEG(5, ROLE_BAR, "account %s", s->account);
	if (s->endpoint[0]) {
		char host[120];
		bars_endpoint_host(s->endpoint, host, sizeof host);
		SEG(3, ROLE_BAR, "endpoint %s", host);
		if (bars_endpoint_is_loopback(s->endpoint)) SEG(8, ROLE_BADGE, "SANDBOX");
	}
	if (ui->opt.read_only) SEG(8, ROLE_WARN, "READ-ONLY");
	if (s->api_calls) SEG(1, ROLE_BAR, "%u AWS call%s", s->api_calls, s->api_calls == 1 ? "" : "s");
#undef SEG
	int keep[8];
	for (int i = 0; i < n; i++) keep[i] = 1;
	for (;;) {
		int total = 1, low = -1;
		for (int i = 0; i < n; i++)
			if (keep[i]) total += draw_width(segs[i].text) + (segs[i].role == ROLE_BAR ? 2 : 3);
		if (total <= wd) break;
		for (int i = 0; i < n; i++)
			if (keep[i] && (low < 0 || segs[i].prio < segs[low].prio)) low = i;
		if (low < 0 || segs[low].prio >= 9) break;
		keep[low] = 0;
	}
	draw_fill(w, 0, 0, wd, bar, " ");
	int x = 1;
	for (int i = 0; i < n && x < wd; i++) {
		if (!keep[i]) continue;
		attr_t a = segs[i].role == ROLE_BAR ? bar : theme_attr(segs[i].role);
		if (i == 0) a |= A_BOLD;
		int pad = segs[i].role == ROLE_BAR ? 0 : 1;
		if (pad) x += draw_text(w, 0, x, wd - x, a, " ");
		x += draw_text(w, 0, x, wd - x, a, segs[i].text);
		if (pad) x += draw_text(w, 0, x, wd - x, a, " ");
		x += 2 - pad;
	}
}

void bars_msg_draw(ui_t *ui, WINDOW *w, int wd)
{
	const session_t *s = ui->s;
	int64_t now = ui_now(ui);
	if (ui->modal == UI_MODAL_PROMPT) {
		prompt_draw(ui, w, wd);
		return;
	}
	if (ui->msg[0] && ui->msg_until > now) {
		draw_text(w, 0, 0, wd, theme_attr(ui->msg_role), ui->msg);
		return;
	}
	if (s->flash[0] && s->flash_until_ms > now) {
		draw_text(w, 0, 0, wd, theme_attr(ROLE_WARN), s->flash);
		return;
	}
	if (s->lookup.busy) {
		const draw_glyphs_t *g = draw_glyphs();
		int x = draw_text(w, 0, 0, wd, theme_attr(ROLE_BUSY), g->spin[ui->spin % (unsigned)g->nspin]);
		draw_text(w, 0, x + 1, wd - x - 1, theme_attr(ROLE_BUSY), "Asking AWS...");
	} else if (s->lookup.error[0]) {
		draw_text(w, 0, 0, wd, theme_attr(ROLE_FAIL), s->lookup.error);
	}
}

static int hint_width(const ui_action_t *a)
{
	char k[16];
	action_key_name(a->keys[0], k, sizeof k);
	return draw_width(k) + 1 + draw_width(a->hint) + 2;
}

static int shown(const ui_t *ui, const ui_action_t *a, unsigned ctx)
{
	return a->hint && a->keys[0] && action_visible(a, ctx, ui->opt.read_only) &&
	       !(a->unavailable && a->unavailable(ui));
}

void bars_hint_draw(ui_t *ui, WINDOW *w, int wd)
{
	unsigned ctx = ui_context(ui);
	const ui_action_t *list[40], *help = NULL, *quit = NULL;
	int n = 0;
	/* Help first, quit last, what belongs to this screen before what works everywhere. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < action_count && n < 40; i++) {
			const ui_action_t *a = &action_table[i];
			if (!shown(ui, a, ctx)) continue;
			if (strcmp(a->name, "help") == 0) { help = a; continue; }
			if (strcmp(a->name, "quit") == 0) { quit = a; continue; }
			int global = (a->ctx & CTX_SCREENS) == CTX_SCREENS;
			if (global == pass) list[n++] = a;
		}
	int room = wd - 1 - (help ? hint_width(help) : 0) - (quit ? hint_width(quit) : 0);
	const ui_action_t *out[42];
	int m = 0;
	if (help) out[m++] = help;
	for (int i = 0; i < n; i++) {
		int hw = hint_width(list[i]);
		if (hw > room) continue;
		room -= hw;
		out[m++] = list[i];
	}
	if (quit) out[m++] = quit;
	int x = 0;
	ui->nhits = 0;
	for (int i = 0; i < m && x < wd; i++) {
		char k[16];
		action_key_name(out[i]->keys[0], k, sizeof k);
		int x0 = x;
		x += draw_text(w, 0, x, wd - x, theme_attr(ROLE_HINT_KEY), k);
		x += draw_text(w, 0, x, wd - x, A_NORMAL, " ");
		x += draw_text(w, 0, x, wd - x, theme_attr(ROLE_HINT_LABEL), out[i]->hint);
		if (ui->nhits < (int)(sizeof ui->hits / sizeof ui->hits[0]))
			ui->hits[ui->nhits++] = (ui_hint_hit_t){ x0, x, out[i] };
		x += 2;
	}
}

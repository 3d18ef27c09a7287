/* The lines around the screen: the status line on top (profile, region, account,
 * endpoint with a SANDBOX badge for a loopback endpoint, read-only), the message line
 * (flash messages, the `:`/`/` prompt, lookups in flight) and the hint bar at the
 * bottom, built from the action table. */
#ifndef NIXL_UI_BARS_H
#define NIXL_UI_BARS_H

#include <curses.h>

typedef struct ui ui_t;

void bars_status_draw(ui_t *ui, WINDOW *w, int wd);
void bars_msg_draw(ui_t *ui, WINDOW *w, int wd);
/* Also records where each hint is, for clicks (ui->hits). */
void bars_hint_draw(ui_t *ui, WINDOW *w, int wd);

/* 1 when url's host is a loopback address (127.0.0.0/8, ::1, localhost). */
int bars_endpoint_is_loopback(const char *url);
/* "host:port" of url into buf. */
void bars_endpoint_host(const char *url, char *buf, size_t n);

#endif

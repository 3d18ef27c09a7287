#include "ui/view_nodes_priv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/theme.h"

/* ---- the heat map of the matrix */

/* v in fewer than n characters: 3.2, 275, 9812, or 12k when a cell is narrow. */
static void compact(double v, char *buf, size_t n)
{
	if (snprintf(buf, n, v < 9.95 ? "%.1f" : "%.0f", v) < (int)n) return;
	if (v < 999500) snprintf(buf, n, "%.0fk", v / 1000);
	else snprintf(buf, n, "%.0fM", v / 1e6);
}

/* A cell's colour against the best pair: the map is for spotting the slow links. */
static theme_role_t heat(double v, double best, int lower_is_better)
{
	double r = lower_is_better ? v / best : best / v;
	return r <= 1.5 ? ROLE_OK : r <= 3 ? ROLE_WARN : ROLE_FAIL;
}

void vn_draw_heatmap(ui_t *ui, WINDOW *w, int h, int wd)
{
	const struct sess_matrix *m = &ui->s->matrix;
	const draw_glyphs_t *g = draw_glyphs();
	int lat = ui->nodes->matrix == 1;
	size_t n = m->n ? m->n : ui->s->nnodes, done = 0, running = 0, pairs = n * (n - 1) / 2;
	double best = NAN;
	for (size_t a = 0; a < n; a++)
		for (size_t b = a + 1; b < n; b++) {
			double v = lat ? m->lat_usec[a][b] : m->bw_mb_s[a][b];
			done += m->state[a][b] == PAIR_OK || m->state[a][b] == PAIR_FAILED;
			running += m->state[a][b] == PAIR_RUNNING;
			if (m->state[a][b] == PAIR_OK && !isnan(v) && v > 0 && (isnan(best) || (lat ? v < best : v > best)))
				best = v;
		}
	char right[96];
	if (!m->n) snprintf(right, sizeof right, "not run yet (P runs it)");
	else if (m->running) snprintf(right, sizeof right, "%zu/%zu pairs, %zu running %s", done, pairs, running,
	                              g->spin[ui->spin % (unsigned)g->nspin]);
	else snprintf(right, sizeof right, "%zu pairs", pairs);
	vn_rule(w, 0, 0, wd, lat ? "Ping-pong matrix: latency, usec/xfer (smallest size)"
	                      : "Ping-pong matrix: bandwidth, best MB/s",
	     right, theme_attr(m->running ? ROLE_BUSY : ROLE_DIM));
	int lw = 7, cw = (wd - lw) / (int)n;
	if (cw > 9) cw = 9;
	if (cw < 3) cw = 3;
	for (size_t b = 0; b < n; b++) {
		char t[16];
		snprintf(t, sizeof t, "%*d", cw, ui->s->nodes[b].index);
		draw_text(w, 2, lw + (int)b * cw, cw, theme_attr(ROLE_TITLE), t);
	}
	for (size_t a = 0; a < n && 3 + (int)a < h - 1; a++) {
		int y = 3 + (int)a;
		char t[16];
		snprintf(t, sizeof t, "Node%d", ui->s->nodes[a].index);
		draw_text(w, y, 0, lw, theme_attr(ROLE_TITLE), t);
		for (size_t b = 0; b < n; b++) {
			size_t i = a < b ? a : b, j = a < b ? b : a;
			double v = lat ? m->lat_usec[i][j] : m->bw_mb_s[i][j];
			char cell[16] = "";
			const char *txt = cell;
			theme_role_t role = ROLE_DIM;
			if (a == b) txt = "-";
			else if (m->state[i][j] == PAIR_RUNNING) txt = g->spin[ui->spin % (unsigned)g->nspin], role = ROLE_BUSY;
			else if (m->state[i][j] == PAIR_FAILED || (m->state[i][j] == PAIR_OK && (isnan(v) || v <= 0)))
				txt = g->fail, role = ROLE_FAIL;
			else if (m->state[i][j] == PAIR_OK) compact(v, cell, (size_t)cw), role = heat(v, best, lat);
			else txt = g->pending;
			int tw = draw_width(txt);
			draw_text(w, y, lw + (int)b * cw + (cw - tw > 0 ? cw - tw : 0), cw, theme_attr(role), txt);
		}
	}
	int ky = 4 + (int)n;
	if (ky < h)
		draw_text(w, ky, 0, wd, theme_attr(ROLE_DIM),
		          lat ? "green: within 1.5x of the best pair, yellow: 3x, red: slower   m: bandwidth"
		              : "green: within 1.5x of the best pair, yellow: 3x, red: less   m: the nodes");
}

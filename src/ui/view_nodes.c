#include "ui/view_nodes.h"

#include <errno.h>
#include <math.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>

#include "base/sbuf.h"
#include "setup/forward.h"
#include "ui/clipboard.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"

/* A pane narrower or lower than this is not worth a grid: one node at a time. */
enum { PANE_MIN_W = 50, PANE_MIN_H = 14 };

enum { SEC_STATE, SEC_CHECKS, SEC_SETUP, SEC_PP, SEC_OUTPUT, SEC_CMD, SEC_COUNT };

static const char *line_at(const sess_node_t *n, size_t i)
{
	return n->lines[(n->first_line + i) % n->caplines];
}

/* The EFA check script's sections (src/efa/scripts/efa_check.sh) and the ping-pong's
 * (src/efa/pingpong_run.c), by what they show. */
static const struct { const char *name, *title; } section_titles[] = {
	{ "pci", "PCI devices (sysfs)" }, { "lspci", "PCI devices (lspci)" },
	{ "lsmod", "loaded kernel modules (lsmod)" }, { "modinfo", "the efa module (modinfo efa)" },
	{ "fi_info_rdm", "libfabric EFA RDM endpoints (fi_info -p efa -t FI_EP_RDM)" },
	{ "fi_info", "libfabric EFA provider (fi_info -p efa)" }, { "devices", "/dev/infiniband" },
	{ "ip", "network interfaces (ip addr)" }, { "nvidia_smi", "GPUs (nvidia-smi -L)" },
	{ "neuron_ls", "Neuron devices (neuron-ls)" }, { "efa_install", "EFA installer (fi_info --version)" },
	{ "fi_version", "libfabric version (fi_info --version)" },
};

/* v when line is "===<what>v===" (what ends in a space or '='), else NULL. */
static const char *framing(const char *line, const char *what, char *v, size_t n)
{
	size_t wl = strlen(what), len = strlen(line);
	if (strncmp(line, what, wl) != 0 || len < wl + 3 || strcmp(line + len - 3, "===") != 0) return NULL;
	snprintf(v, n, "%.*s", (int)(len - wl - 3), line + wl);
	return v;
}

/* An output line as shown: the scripts' framing lines become section titles (out), the
 * end of a section that went well is not shown (NULL); any other line as it is. */
static const char *shown_line(const char *line, char *out, size_t n)
{
	const char *rule = draw_unicode() ? "\u2500\u2500" : "--";
	char v[96];
	if (framing(line, "===NIXL-SECTION ", v, sizeof v)) {
		const char *title = v;
		for (size_t i = 0; i < sizeof section_titles / sizeof section_titles[0]; i++)
			if (strcmp(section_titles[i].name, v) == 0) title = section_titles[i].title;
		snprintf(out, n, "%s %s %s", rule, title, rule);
		return out;
	}
	if (framing(line, "===NIXL-END rc=", v, sizeof v)) {
		if (strcmp(v, "0") == 0) return NULL;
		snprintf(out, n, "   (exit status %s)", v);
		return out;
	}
	if (framing(line, "===NIXL-EFA-CHECK ", v, sizeof v)) {
		snprintf(out, n, "%s EFA check %s %s", rule, strcmp(v, "done") == 0 ? "done" : "started", rule);
		return out;
	}
	return line;
}

/* Ring positions of the output lines shown that match the filter, oldest first. */
static size_t *matching_lines(const ui_t *ui, const sess_node_t *n, size_t *count)
{
	*count = 0;
	if (n->nlines == 0 || !n->lines) return NULL;
	size_t *idx = malloc(n->nlines * sizeof *idx);
	if (!idx) return NULL;
	for (size_t i = 0; i < n->nlines; i++) {
		char buf[256];
		const char *f[] = { shown_line(line_at(n, i), buf, sizeof buf) };
		if (f[0] && view_match(ui->nodes.filter, f, 1)) idx[(*count)++] = i;
	}
	return idx;
}

static uint64_t abs_line(const sess_node_t *n, size_t i) { return n->lines_total - n->nlines + i; }

/* The first shown of the matching lines, from the pane's follow flag and top. */
static size_t first_shown(const ui_t *ui, int k, const sess_node_t *n, const size_t *idx, size_t m, int rows)
{
	size_t max_p = rows > 0 && m > (size_t)rows ? m - (size_t)rows : 0;
	if (ui->nodes.pane[k].follow) return max_p;
	size_t p = 0;
	while (p < m && abs_line(n, idx[p]) < ui->nodes.pane[k].top) p++;
	return p < max_p ? p : max_p;
}

/* Where a list shows: "1-14 of 20" (first and last 1-based), "0 of 0" when empty. */
static void position(char *buf, size_t n, size_t first, size_t last, size_t total)
{
	if (!total || !first || last < first) snprintf(buf, n, "0 of %zu", total);
	else if (first == last) snprintf(buf, n, "%zu of %zu", first, total);
	else snprintf(buf, n, "%zu-%zu of %zu", first, last, total);
}

static void rule(WINDOW *w, int y, int x, int wd, const char *title, const char *right, attr_t right_a)
{
	int t = draw_text(w, y, x, wd, theme_attr(ROLE_TITLE), title);
	if (right && *right) draw_text(w, y, x + t + 2, wd - t - 2, right_a, right);
}

static const char *check_icon(const ui_t *ui, sess_check_state_t st)
{
	const draw_glyphs_t *g = draw_glyphs();
	switch (st) {
	case CHK_PASS: return g->ok;
	case CHK_FAIL: return g->fail;
	case CHK_RUNNING: return g->spin[ui->spin % (unsigned)g->nspin];
	case CHK_UNRECOGNISED: return g->warn;
	default: return g->pending;
	}
}

static int node_gone(const sess_node_t *n)
{
	return strcmp(n->instance_state, "terminated") == 0 || strcmp(n->instance_state, "shutting-down") == 0;
}

/* The SSM agent's PingStatus (SSM API Reference, InstanceInformation: Online,
 * ConnectionLost, Inactive) in words. */
static const char *ssm_words(const sess_node_t *n, char *buf, size_t len)
{
	static const struct { const char *status, *words; } w[] = {
		{ "Online", "SSM online" }, { "ConnectionLost", "SSM connection lost" }, { "Inactive", "SSM inactive" },
	};
	if (node_gone(n)) return "no SSM (instance gone)";
	if (!n->ssm_status[0]) return "SSM not registered yet";
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (strcmp(n->ssm_status, w[i].status) == 0) return w[i].words;
	snprintf(buf, len, "SSM %s", n->ssm_status);
	return buf;
}

/* The state line's fields, each drawn whole: a field that does not fit goes to the next
 * line (never cut inside an address). */
typedef struct state_field { const char *label, *value; attr_t a; } state_field_t;

static size_t state_fields(const sess_node_t *n, state_field_t *f, char *ssm, size_t len)
{
	size_t k = 0;
	f[k++] = (state_field_t){ "", n->instance_state[0] ? n->instance_state : "not launched",
	                          theme_attr(theme_instance_state(n->instance_state)) };
	f[k++] = (state_field_t){ "pub ", n->public_ip[0] ? n->public_ip : "-", A_NORMAL };
	f[k++] = (state_field_t){ "priv ", n->private_ip[0] ? n->private_ip : "-", A_NORMAL };
	f[k++] = (state_field_t){ "", ssm_words(n, ssm, len),
	                          theme_attr(node_gone(n) ? ROLE_DIM : theme_ssm(n->ssm_status)) };
	return k;
}

/* Lays the fields out from y in wd columns (w NULL: only counts); returns the lines used. */
static int flow_state(const sess_node_t *n, WINDOW *w, int y, int x, int wd, int maxlines)
{
	state_field_t f[8];
	char ssm[40];
	size_t k = state_fields(n, f, ssm, sizeof ssm);
	int line = 0, c = 0;
	for (size_t i = 0; i < k; i++) {
		int fw = draw_width(f[i].label) + draw_width(f[i].value);
		if (c > 0 && c + 2 + fw > wd) line++, c = 0;
		else if (c > 0) c += 2;
		if (w && line < maxlines) {
			int d = draw_text(w, y + line, x + c, wd - c, theme_attr(ROLE_DIM), f[i].label);
			draw_text(w, y + line, x + c + d, wd - c - d, f[i].a, f[i].value);
		}
		c += fw;
	}
	return line + 1;
}

static void draw_state(ui_t *ui, const sess_node_t *n, WINDOW *w, int y, int x, int wd, int h)
{
	(void)ui;
	flow_state(n, w, y, x, wd, h);
}

/* The node's health as its EFA checks say (not its SSM state, said in words). */
static const char *health_icon(const ui_t *ui, const sess_node_t *n, theme_role_t *role)
{
	const draw_glyphs_t *g = draw_glyphs();
	size_t pass = 0, fail = 0;
	for (size_t i = 0; i < n->nchecks; i++) {
		pass += n->checks[i].state == CHK_PASS;
		fail += n->checks[i].state == CHK_FAIL;
	}
	if (node_gone(n)) *role = ROLE_DIM;
	else if (n->checks_running) *role = ROLE_BUSY;
	else if (fail) *role = ROLE_FAIL;
	else if (!n->nchecks) *role = ROLE_DIM;
	else *role = pass == n->nchecks ? ROLE_OK : ROLE_WARN;
	if (node_gone(n)) return "-";
	if (n->checks_running) return g->spin[ui->spin % (unsigned)g->nspin];
	return fail ? g->fail : !n->nchecks ? g->pending : pass == n->nchecks ? g->ok : g->warn;
}

/* Node 1's MLflow row: its URL, then ok, running, or failed with the reason. */
static void draw_mlflow(ui_t *ui, WINDOW *w, int y, int x, int wd)
{
	const struct sess_mlflow *m = &ui->s->mlflow;
	const draw_glyphs_t *g = draw_glyphs();
	int c = draw_text(w, y, x, wd, theme_attr(ROLE_TITLE), "MLflow  ");
	c += draw_text(w, y, x + c, wd - c, A_NORMAL, m->url) + 2;
	if (m->running) draw_text(w, y, x + c, wd - c, theme_attr(ROLE_BUSY), g->spin[ui->spin % (unsigned)g->nspin]);
	else if (m->ok) draw_text(w, y, x + c, wd - c, theme_attr(ROLE_OK), "ok");
	else draw_textf(w, y, x + c, wd - c, theme_attr(ROLE_FAIL), "failed %s", m->reason);
}

static void draw_checks(ui_t *ui, const sess_node_t *n, WINDOW *w, int y, int x, int wd, int h)
{
	char sum[168];
	size_t pass = 0;
	for (size_t i = 0; i < n->nchecks; i++) pass += n->checks[i].state == CHK_PASS;
	const draw_glyphs_t *g = draw_glyphs();
	if (n->checks_running) snprintf(sum, sizeof sum, "running %s", g->spin[ui->spin % (unsigned)g->nspin]);
	else if (n->nchecks == 0) snprintf(sum, sizeof sum, "not run yet (c runs them)");
	else snprintf(sum, sizeof sum, "%zu/%zu passed%s", pass, n->nchecks, n->simulated ? ", simulated EFA" : "");
	if (n->nchecks && (size_t)(h > 1 ? h - 1 : 0) < n->nchecks) {
		char pos[72];
		position(pos, sizeof pos, h > 1 ? 1 : 0, (size_t)(h > 1 ? h - 1 : 0), n->nchecks);
		size_t l = strlen(sum);
		snprintf(sum + l, sizeof sum - l, ", %s (Enter: all)", pos);
	}
	theme_role_t role = n->checks_running ? ROLE_BUSY : n->nchecks == 0 ? ROLE_DIM
	                  : pass == n->nchecks ? ROLE_OK : ROLE_FAIL;
	rule(w, y, x, wd, "EFA checks", sum, theme_attr(role));
	int nw = 22;
	for (size_t i = 0; i < n->nchecks && (int)i + 1 < h; i++) {
		const sess_check_t *c = &n->checks[i];
		int row = y + 1 + (int)i;
		attr_t a = theme_attr(theme_check(c->state));
		draw_text(w, row, x, 1, a, check_icon(ui, c->state));
		draw_text(w, row, x + 2, nw, A_NORMAL, c->name);
		draw_text(w, row, x + 2 + nw + 1, wd - nw - 3, c->state == CHK_FAIL ? a : A_NORMAL, c->detail);
	}
}

/* ---- the Setup section: the task file's tasks on this node */

enum { SETUP_TAIL_SHOWN = 3 };

static const task_progress_t *setup_failed_task(const sess_node_t *n, size_t *at)
{
	for (size_t i = 0; i < n->setup.ntasks; i++)
		if (n->setup.tasks[i].state == TASK_FAILED) {
			if (at) *at = i;
			return &n->setup.tasks[i];
		}
	return NULL;
}

/* The lines under the tasks: the running task's last output line; on failure the command,
 * its last lines and what to do; or why the runner ended early. */
static int setup_extra_lines(const sess_node_t *n)
{
	const task_progress_t *f = setup_failed_task(n, NULL);
	if (f) return 2 + (int)(f->ntail < SETUP_TAIL_SHOWN ? f->ntail : SETUP_TAIL_SHOWN);
	if (n->setup_detail[0]) return 1;
	if (n->setup_running && n->setup.current >= 0) return 1;
	return 0;
}

static int setup_lines(const sess_node_t *n)
{
	if (!n->setup_shown) return 0;
	return 1 + (int)n->setup.ntasks + setup_extra_lines(n);
}

static const char *task_icon(const ui_t *ui, task_state_t st)
{
	const draw_glyphs_t *g = draw_glyphs();
	switch (st) {
	case TASK_OK: return g->ok;
	case TASK_FAILED: return g->fail;
	case TASK_RUNNING: return ui->opt.unicode ? "\u25b6" : ">";
	case TASK_SKIPPED: return ui->opt.unicode ? "\u2013" : "-";
	default: return g->pending;
	}
}

static theme_role_t task_role(task_state_t st)
{
	switch (st) {
	case TASK_OK: return ROLE_OK;
	case TASK_FAILED: return ROLE_FAIL;
	case TASK_RUNNING: return ROLE_BUSY;
	default: return ROLE_DIM;
	}
}

static void setup_summary(const ui_t *ui, const sess_node_t *n, char *sum, size_t len, theme_role_t *role)
{
	const setup_progress_t *p = &n->setup;
	size_t done = 0;
	for (size_t i = 0; i < p->ntasks; i++) done += p->tasks[i].state == TASK_OK || p->tasks[i].state == TASK_SKIPPED;
	const draw_glyphs_t *g = draw_glyphs();
	if (setup_failed_task(n, NULL) || n->setup_detail[0]) {
		snprintf(sum, len, "%zu/%zu, failed", done, p->ntasks);
		*role = ROLE_FAIL;
	} else if (n->setup_running) {
		snprintf(sum, len, "%zu/%zu running %s", done, p->ntasks, g->spin[ui->spin % (unsigned)g->nspin]);
		*role = ROLE_BUSY;
	} else if (p->finished) {
		snprintf(sum, len, "%zu/%zu done", done, p->ntasks);
		*role = ROLE_OK;
	} else {
		snprintf(sum, len, "%zu/%zu", done, p->ntasks);
		*role = ROLE_DIM;
	}
}

static void fmt_ms(long ms, char *buf, size_t n)
{
	if (ms < 0) buf[0] = 0;
	else if (ms < 60000) snprintf(buf, n, "%.1fs", (double)ms / 1000.0);
	else snprintf(buf, n, "%ldm%02lds", ms / 60000, (ms / 1000) % 60);
}

static void draw_setup(ui_t *ui, const sess_node_t *n, WINDOW *w, int y, int x, int wd, int h)
{
	const setup_progress_t *p = &n->setup;
	char sum[96];
	theme_role_t role;
	setup_summary(ui, n, sum, sizeof sum, &role);
	rule(w, y, x, wd, "Setup", sum, theme_attr(role));
	int extra = setup_extra_lines(n);
	int rows = h - 1 - extra;
	if (rows < 1) {
		rows = h - 1;
		extra = 0;
	}
	/* the tasks around the one that runs or failed when they do not all fit */
	size_t focus = p->current >= 0 ? (size_t)p->current : 0, first = 0;
	if (!setup_failed_task(n, &focus) && p->current < 0 && p->finished) focus = p->ntasks ? p->ntasks - 1 : 0;
	if (rows > 0 && p->ntasks > (size_t)rows && focus >= (size_t)rows / 2) {
		first = focus - (size_t)rows / 2;
		if (first + (size_t)rows > p->ntasks) first = p->ntasks - (size_t)rows;
	}
	if (rows > 0 && p->ntasks > (size_t)rows) {
		char pos[72];
		position(pos, sizeof pos, first + 1, first + (size_t)rows, p->ntasks);
		draw_text_right(w, y, x + wd, wd / 2, theme_attr(ROLE_DIM), pos);
	}
	int nw = wd - 10 > 8 ? wd - 10 : 8;
	const tasks_t *t = &ui->s->setup.run;
	for (int r = 0; r < rows && first + (size_t)r < p->ntasks; r++) {
		size_t i = first + (size_t)r;
		const task_progress_t *k = &p->tasks[i];
		int row = y + 1 + r;
		char label[160], dur[40];
		const char *id = i < t->ntasks ? t->tasks[i].id : "?";
		const char *name = i < t->ntasks && t->tasks[i].name[0] ? t->tasks[i].name : id;
		snprintf(label, sizeof label, "%s", name);
		draw_text(w, row, x, 1, theme_attr(task_role(k->state)), task_icon(ui, k->state));
		draw_text(w, row, x + 2, nw, k->state == TASK_FAILED ? theme_attr(ROLE_FAIL) : A_NORMAL, label);
		fmt_ms(k->ms, dur, sizeof dur);
		if (dur[0]) draw_text_right(w, row, x + wd, 8, theme_attr(ROLE_DIM), dur);
	}
	int row = y + 1 + rows;
	if (extra <= 0) return;
	size_t fi = 0;
	const task_progress_t *f = setup_failed_task(n, &fi);
	if (f) {
		char line[PROGRESS_LINE + 8];
		snprintf(line, sizeof line, "$ %s", f->command);
		draw_text(w, row++, x, wd, theme_attr(ROLE_FAIL), line);
		size_t shown = f->ntail < SETUP_TAIL_SHOWN ? f->ntail : SETUP_TAIL_SHOWN;
		for (size_t i = f->ntail - shown; i < f->ntail; i++) draw_text(w, row++, x + 2, wd - 2, A_NORMAL, f->tail[i]);
		draw_text(w, row, x, wd, theme_attr(ROLE_WARN), "fix it, then S runs the setup again: it resumes here");
	} else if (n->setup_detail[0]) {
		draw_text(w, row, x, wd, theme_attr(ROLE_FAIL), n->setup_detail);
	} else if (p->current >= 0 && (size_t)p->current < p->ntasks) {
		const task_progress_t *k = &p->tasks[p->current];
		const char *last = k->ntail ? k->tail[k->ntail - 1] : k->command;
		draw_text(w, row, x + 2, wd - 2, theme_attr(ROLE_DIM), last);
	}
}

static int pp_shown(const sess_node_t *n) { return n->pp.nrows > 0 || n->pp_running || n->pp.error[0]; }

/* Lines the ping-pong needs: its heading, the error (at most 3 lines), the table. */
static int pp_lines(const sess_node_t *n, int wd)
{
	if (!pp_shown(n)) return 0;
	int err = n->pp.error[0] && !n->pp_running ? draw_wrap(NULL, 0, 0, wd, 0, 0, n->pp.error) : 0;
	return 1 + (err > 3 ? 3 : err) + (n->pp.nrows ? 1 + (int)n->pp.nrows : 0);
}

/* The ping-pong table with a bar per row for latency (usec/xfer) and bandwidth (MB/s),
 * each scaled to the largest value in its column. */
static void draw_pp(ui_t *ui, const sess_node_t *n, WINDOW *w, int y, int x, int wd, int h)
{
	const pp_result_t *r = &n->pp;
	const draw_glyphs_t *g = draw_glyphs();
	char sum[320];
	theme_role_t role = ROLE_DIM;
	if (n->pp_running) {
		snprintf(sum, sizeof sum, "running %s", g->spin[ui->spin % (unsigned)g->nspin]);
		role = ROLE_BUSY;
	} else if (r->error[0]) {
		snprintf(sum, sizeof sum, "failed");
		role = ROLE_FAIL;
	} else {
		snprintf(sum, sizeof sum, "%s %s, %d iterations%s", r->provider[0] ? r->provider : "?",
		         r->endpoint, r->iterations, r->simulated == PP_SIM_YES ? ", simulated EFA" : "");
	}
	rule(w, y, x, wd, "Ping-pong", sum, theme_attr(role));
	int erows = 0;
	if (r->error[0] && !n->pp_running) erows = draw_wrap(w, y + 1, x, wd, h - 1, theme_attr(ROLE_FAIL), r->error);
	y += erows;
	h -= erows;
	if (h < 3 || r->nrows == 0) return;
	int p99 = 0;
	double max_lat = 0, max_bw = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		if (!isnan(r->rows[i].p99_usec)) p99 = 1;
		if (r->rows[i].usec_per_xfer > max_lat) max_lat = r->rows[i].usec_per_xfer;
		if (r->rows[i].mb_per_s > max_bw) max_bw = r->rows[i].mb_per_s;
	}
	if (wd < 70) p99 = 0;
	/* size | usec/xfer | [p99] | MB/s | latency bar | bandwidth bar */
	int cs = 5, cu = 10, cp = p99 ? 10 : 0, cm = 10;
	int fixed = cs + 1 + cu + 1 + (cp ? cp + 1 : 0) + cm;
	int room = wd - fixed - 2;
	int lat_w = room >= 20 ? (room - 2) / 2 : 0;
	int bw_w = room >= 20 ? room - 2 - lat_w : room >= 8 ? room : 0;
	int xl = x + fixed + 2, xb = lat_w ? xl + lat_w + 2 : xl;
	attr_t hd = theme_attr(ROLE_DIM);
	int c = x;
	draw_text_right(w, y + 1, c + cs, cs, hd, "size");
	c += cs + 1;
	draw_text_right(w, y + 1, c + cu, cu, hd, "usec/xfer");
	c += cu + 1;
	if (cp) {
		draw_text_right(w, y + 1, c + cp, cp, hd, "p99 usec");
		c += cp + 1;
	}
	draw_text_right(w, y + 1, c + cm, cm, hd, "MB/sec");
	if (lat_w) draw_text(w, y + 1, xl, lat_w, hd, "latency");
	if (bw_w) draw_text(w, y + 1, xb, bw_w, hd, "bandwidth");
	for (size_t i = 0; i < r->nrows && (int)i + 2 < h; i++) {
		const pp_row_t *row = &r->rows[i];
		int yy = y + 2 + (int)i;
		char buf[32];
		c = x;
		draw_fmt_size(row->bytes, buf, sizeof buf);
		draw_text_right(w, yy, c + cs, cs, A_NORMAL, buf);
		c += cs + 1;
		snprintf(buf, sizeof buf, "%.2f", row->usec_per_xfer);
		draw_text_right(w, yy, c + cu, cu, A_NORMAL, buf);
		c += cu + 1;
		if (cp) {
			if (isnan(row->p99_usec)) snprintf(buf, sizeof buf, "-");
			else snprintf(buf, sizeof buf, "%.2f", row->p99_usec);
			draw_text_right(w, yy, c + cp, cp, A_NORMAL, buf);
			c += cp + 1;
		}
		snprintf(buf, sizeof buf, "%.2f", row->mb_per_s);
		draw_text_right(w, yy, c + cm, cm, A_NORMAL, buf);
		if (lat_w)
			draw_bar(w, yy, xl, lat_w, max_lat > 0 ? row->usec_per_xfer / max_lat : 0,
			         theme_attr(ROLE_BUSY), A_NORMAL, 0);
		if (bw_w)
			draw_bar(w, yy, xb, bw_w, max_bw > 0 ? row->mb_per_s / max_bw : 0,
			         theme_attr(ROLE_CHART), A_NORMAL, 0);
	}
}

static void draw_output(ui_t *ui, int k, const sess_node_t *n, WINDOW *w, int y, int x, int wd, int h)
{
	size_t m = 0;
	size_t *idx = matching_lines(ui, n, &m);
	int rows = h - 1;
	ui->nodes.pane[k].rows = rows;
	size_t p = first_shown(ui, k, n, idx, m, rows);
	char title[96], right[168];
	const char *f = ui->nodes.filter;
	snprintf(title, sizeof title, "Output%s%s", *f ? " /" : "", f);
	size_t after = m > p + (size_t)rows ? m - p - (size_t)rows : 0;
	size_t last = m < p + (size_t)rows ? m : p + (size_t)rows;
	char pos[72];
	position(pos, sizeof pos, m ? p + 1 : 0, last, m);
	if (!m) snprintf(right, sizeof right, "0 lines, following");
	else if (ui->nodes.pane[k].follow) snprintf(right, sizeof right, "%s, following", pos);
	else snprintf(right, sizeof right, "%s, paused, %zu more below (F follows)", pos, after);
	rule(w, y, x, wd, title, right, theme_attr(ui->nodes.pane[k].follow ? ROLE_DIM : ROLE_WARN));
	for (int r = 0; r < rows && p + (size_t)r < m; r++) {
		char buf[256];
		const char *raw = line_at(n, idx[p + (size_t)r]), *line = shown_line(raw, buf, sizeof buf);
		draw_text(w, y + 1 + r, x, wd, line == raw ? A_NORMAL : theme_attr(ROLE_TITLE), line);
	}
	free(idx);
}

static void draw_cmd(ui_t *ui, const sess_node_t *n, WINDOW *w, int y, int x, int wd)
{
	char cmd[512] = "";
	if (n->instance_id[0]) ui->ops->ssm_command(ui->s, n->index, cmd, sizeof cmd);
	int c = 0;
	int k = (int)(n - ui->s->nodes);
	if (k >= 0 && k < SESS_MAX_NODES && ui->nodes.fwd[k].pid > 0) {
		char url[64];
		snprintf(url, sizeof url, "MLflow on http://127.0.0.1:%d  ", ui->nodes.fwd[k].port);
		c += draw_text(w, y, x, wd, theme_attr(ROLE_OK), url);
	}
	c += draw_text(w, y, x + c, wd - c, theme_attr(ROLE_DIM), "$ ");
	draw_text(w, y, x + c, wd - c, theme_attr(ROLE_DIM), cmd[0] ? cmd : "(no instance yet)");
}

static void draw_pane(ui_t *ui, int k, WINDOW *w, int y, int x, int h, int wd, int boxed)
{
	const sess_node_t *n = &ui->s->nodes[k];
	int sel = k == ui->nodes.sel;
	ui->nodes.pane[k].y = y, ui->nodes.pane[k].x = x, ui->nodes.pane[k].h = h, ui->nodes.pane[k].w = wd;
	int iy = y, ix = x, ih = h, iw = wd;
	if (boxed) {
		char title[96];
		snprintf(title, sizeof title, "Node%d %s %s", n->index, n->role, n->instance_id);
		attr_t frame = theme_attr(sel ? ROLE_TITLE : ROLE_DIM);
		draw_box(w, y, x, h, wd, frame, title, theme_attr(sel ? ROLE_SELECT : ROLE_TITLE));
		iy = y + 1, ix = x + 2, ih = h - 2, iw = wd - 4;
	}
	int want[SEC_COUNT] = {
		[SEC_STATE] = flow_state(n, NULL, 0, 0, iw, 0) + (k == 0 && ui->s->mlflow.shown),
		[SEC_CHECKS] = 1 + (int)n->nchecks,
		[SEC_SETUP] = setup_lines(n),
		[SEC_PP] = pp_lines(n, iw),
		[SEC_OUTPUT] = 1 + (int)n->nlines,
		[SEC_CMD] = 1,
	};
	if (want[SEC_OUTPUT] < 4) want[SEC_OUTPUT] = 4;
	int min[SEC_COUNT] = { 1, 1, want[SEC_SETUP] ? (want[SEC_SETUP] > 4 ? 4 : want[SEC_SETUP]) : 0,
	                       want[SEC_PP] ? 1 : 0, 2, 1 };
	/* Command last in the budget order: it goes before the output when space is short. */
	view_allocate(want, min, SEC_COUNT, ih);
	ui->nodes.pane[k].rows = 0;
	int row = iy;
	int mlflow = k == 0 && ui->s->mlflow.shown && want[SEC_STATE] > 1;
	if (want[SEC_STATE]) draw_state(ui, n, w, row, ix, iw, want[SEC_STATE] - mlflow);
	if (mlflow) draw_mlflow(ui, w, row + want[SEC_STATE] - 1, ix, iw);
	row += want[SEC_STATE];
	if (want[SEC_CHECKS]) draw_checks(ui, n, w, row, ix, iw, want[SEC_CHECKS]), row += want[SEC_CHECKS];
	if (want[SEC_SETUP]) draw_setup(ui, n, w, row, ix, iw, want[SEC_SETUP]), row += want[SEC_SETUP];
	if (want[SEC_PP]) draw_pp(ui, n, w, row, ix, iw, want[SEC_PP]), row += want[SEC_PP];
	if (want[SEC_OUTPUT]) draw_output(ui, k, n, w, row, ix, iw, want[SEC_OUTPUT]), row += want[SEC_OUTPUT];
	if (want[SEC_CMD]) draw_cmd(ui, n, w, iy + ih - 1, ix, iw);
}

static int tab_width(const sess_node_t *n)
{
	char tab[48];
	snprintf(tab, sizeof tab, " Node%d %s ", n->index, n->role);
	return draw_width(tab) + 2; /* the health mark and a space */
}

/* The tabs, from one that keeps the selected in view; "5 of 16" at the right when they
 * do not all fit. Tabs not drawn are not clickable (w 0). */
static void draw_tabs(ui_t *ui, WINDOW *w, int wd)
{
	size_t nn = ui->s->nnodes, sel = (size_t)ui->nodes.sel, first = 0;
	int total = 0;
	for (size_t k = 0; k < nn; k++) total += tab_width(&ui->s->nodes[k]);
	char pos[32] = "";
	if (total > wd) snprintf(pos, sizeof pos, " %zu of %zu", sel + 1, nn);
	int room = wd - draw_width(pos);
	/* back from the selected while the tabs up to it fit */
	first = sel;
	for (int used = tab_width(&ui->s->nodes[sel]); first > 0 && used + tab_width(&ui->s->nodes[first - 1]) <= room;)
		used += tab_width(&ui->s->nodes[--first]);
	for (size_t k = 0; k < nn; k++) ui->nodes.pane[k].w = 0;
	int x = 0;
	for (size_t k = first; k < nn && x < room; k++) {
		const sess_node_t *n = &ui->s->nodes[k];
		char tab[48];
		snprintf(tab, sizeof tab, " Node%d %s ", n->index, n->role);
		ui->nodes.pane[k].y = 0, ui->nodes.pane[k].x = x, ui->nodes.pane[k].h = 1;
		int t = draw_text(w, 0, x, room - x, theme_attr(k == sel ? ROLE_SELECT : ROLE_TITLE), tab);
		ui->nodes.pane[k].w = t;
		x += t;
		theme_role_t role;
		const char *icon = health_icon(ui, n, &role);
		x += draw_text(w, 0, x, room - x, theme_attr(role), icon) + 1;
	}
	if (pos[0]) draw_text_right(w, 0, wd, wd, theme_attr(ROLE_DIM), pos);
}

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

static void draw_heatmap(ui_t *ui, WINDOW *w, int h, int wd)
{
	const struct sess_matrix *m = &ui->s->matrix;
	const draw_glyphs_t *g = draw_glyphs();
	int lat = ui->nodes.matrix == 1;
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
	rule(w, 0, 0, wd, lat ? "Ping-pong matrix: latency, usec/xfer (smallest size)"
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

static void nodes_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	if (ui->nodes.matrix && !view_nodes_heatmap_unavailable(ui)) {
		draw_heatmap(ui, w, h, wd);
		return;
	}
	const session_t *s = ui->s;
	if (s->nnodes == 0) {
		const char *msg = "No nodes yet: they appear once the stack has created its instances.";
		int mw = draw_width(msg);
		draw_text(w, h / 2, mw < wd ? (wd - mw) / 2 : 0, wd, theme_attr(ROLE_DIM), msg);
		return;
	}
	if (ui->nodes.sel >= (int)s->nnodes) ui->nodes.sel = (int)s->nnodes - 1;
	int n = (int)s->nnodes;
	int gcols = n >= 2 && wd >= 2 * PANE_MIN_W ? 2 : 1;
	int grows = (n + gcols - 1) / gcols;
	if (!ui->nodes.zoom && wd / gcols >= PANE_MIN_W && h / grows >= PANE_MIN_H) {
		int pw = wd / gcols, ph = h / grows;
		for (int k = 0; k < n; k++) {
			int gx = k % gcols, gy = k / gcols;
			int wdk = gx == gcols - 1 ? wd - gx * pw : pw;
			int hk = gy == grows - 1 ? h - gy * ph : ph;
			draw_pane(ui, k, w, gy * ph, gx * pw, hk, wdk, 1);
		}
		return;
	}
	/* One node at a time, the others as tabs. */
	draw_tabs(ui, w, wd);
	for (int k = 0; k < n; k++) ui->nodes.pane[k].rows = 0;
	int k = ui->nodes.sel;
	int tabs[4] = { ui->nodes.pane[k].y, ui->nodes.pane[k].x, ui->nodes.pane[k].h, ui->nodes.pane[k].w };
	draw_pane(ui, k, w, 1, 0, h - 1, wd, 1);
	/* Clicks on the selected tab still select it. */
	ui->nodes.pane[k].y = tabs[0], ui->nodes.pane[k].x = tabs[1];
	ui->nodes.pane[k].h = tabs[2], ui->nodes.pane[k].w = tabs[3];
}

static void nodes_move(ui_t *ui, int dir, view_unit_t unit)
{
	if (ui->s->nnodes == 0) return;
	int k = ui->nodes.sel;
	const sess_node_t *n = &ui->s->nodes[k];
	size_t m = 0;
	size_t *idx = matching_lines(ui, n, &m);
	int rows = ui->nodes.pane[k].rows;
	size_t top = first_shown(ui, k, n, idx, m, rows);
	/* Scrolling up pauses follow; reaching the end resumes it. */
	ui->nodes.pane[k].follow = view_scroll(&top, m, rows, dir, unit);
	ui->nodes.pane[k].top = top < m ? abs_line(n, idx[top]) : n->lines_total;
	free(idx);
}

static void nodes_click(ui_t *ui, int y, int x)
{
	for (size_t k = 0; k < ui->s->nnodes; k++) {
		const ui_pane_t *p = &ui->nodes.pane[k];
		if (y >= p->y && y < p->y + p->h && x >= p->x && x < p->x + p->w) {
			ui->nodes.sel = (int)k;
			return;
		}
	}
}

const ui_view_t view_nodes = { nodes_draw, nodes_move, nodes_click };

const char *view_nodes_unavailable(const ui_t *ui)
{
	return ui->s->nnodes ? NULL : "No nodes yet: they appear once the stack has created its instances.";
}

const char *view_nodes_check_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_unavailable(ui);
	if (why) return why;
	if (ui->s->phase == SESS_DELETING) return "The stack is being deleted: nothing more is sent to its nodes.";
	size_t gone = 0;
	for (size_t k = 0; k < ui->s->nnodes; k++) gone += node_gone(&ui->s->nodes[k]);
	if (gone == ui->s->nnodes)
		return ui->s->phase == SESS_DELETED ? "The stack was deleted and its nodes with it: deploy a new one (w)."
		                                    : "The nodes' instances were deleted: deploy a new stack (w).";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (strcmp(ui->s->nodes[k].ssm_status, "Online") == 0) return NULL;
	return "No node is Online in SSM yet: the checks run through SSM.";
}

const char *view_nodes_setup_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	if (ui->s->setup.starting) return "A setup is being sent to the nodes.";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].setup_running) return "A setup is already running on the nodes.";
	return NULL;
}

const char *view_nodes_pingpong_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	if (ui->s->nnodes < 2) return "Ping-pong needs two nodes.";
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].pp_running) return "A ping-pong is already running.";
	return ui->s->matrix.running ? "A ping-pong is already running." : NULL;
}

const char *view_nodes_matrix_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_pingpong_unavailable(ui);
	return why ? why : view_nodes_heatmap_unavailable(ui);
}

void view_nodes_next(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->s->nnodes) ui->nodes.sel = (ui->nodes.sel + 1) % (int)ui->s->nnodes;
}

void view_nodes_prev(ui_t *ui, const char *arg)
{
	(void)arg;
	int n = (int)ui->s->nnodes;
	if (n) ui->nodes.sel = (ui->nodes.sel + n - 1) % n;
}

/* The array position of the node numbered idx (1-based, as users name them), or -1. */
static int find_node(const ui_t *ui, long idx)
{
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (ui->s->nodes[k].index == idx) return (int)k;
	return -1;
}

static int parse_node(ui_t *ui, const char *arg, int *k)
{
	char *end;
	long v = strtol(arg, &end, 10);
	*k = end != arg ? find_node(ui, v) : -1;
	if (*k < 0) {
		ui_flash(ui, ROLE_WARN, "There is no node %s (nodes 1 to %zu).", arg, ui->s->nnodes);
		return -1;
	}
	return 0;
}

void view_nodes_select(ui_t *ui, const char *arg)
{
	int k;
	if (!arg) {
		ui_flash(ui, ROLE_WARN, "Which node? :node N");
		return;
	}
	if (parse_node(ui, arg, &k) == 0) ui->nodes.sel = k;
}

static void refused(ui_t *ui, const char *what)
{
	ui_flash(ui, ROLE_FAIL, "%s did not start%s%s", what, ui->s->flash[0] ? ": " : ".", ui->s->flash);
}

void view_nodes_check(ui_t *ui, const char *arg)
{
	int k = ui->nodes.sel;
	if (arg && parse_node(ui, arg, &k) < 0) return;
	ui->nodes.sel = k;
	ui->nodes.pane[k].follow = 1;
	if (ui->ops->node_check(ui->s, ui->s->nodes[k].index) < 0) refused(ui, "The EFA checks");
}

void view_nodes_check_all(ui_t *ui, const char *arg)
{
	(void)arg;
	for (size_t k = 0; k < ui->s->nnodes; k++) ui->nodes.pane[k].follow = 1;
	if (ui->ops->node_check(ui->s, 0) < 0) refused(ui, "The EFA checks");
}

static void do_setup(ui_t *ui)
{
	int node = ui->nodes.setup_node;
	for (size_t k = 0; k < ui->s->nnodes; k++)
		if (node == 0 || ui->s->nodes[k].index == node) ui->nodes.pane[k].follow = 1;
	if (!ui->ops->setup || ui->ops->setup(ui->s, node) < 0) refused(ui, "The setup");
}

void view_nodes_setup(ui_t *ui, const char *arg)
{
	int k = ui->nodes.sel, all = arg && strcmp(arg, "all") == 0;
	if (arg && !all && parse_node(ui, arg, &k) < 0) return;
	ui->nodes.sel = k;
	ui->nodes.setup_node = all ? 0 : ui->s->nodes[k].index;
	const struct sess_setup *st = &ui->s->setup;
	char text[600], where[32];
	if (all) snprintf(where, sizeof where, "all nodes");
	else snprintf(where, sizeof where, "node %d", ui->nodes.setup_node);
	if (st->file.ntasks)
		snprintf(text, sizeof text, "Run %s (%zu tasks) on %s? Tasks already done on a node are skipped: "
		         "it resumes where it stopped.", st->file_name, st->file.ntasks, where);
	else
		snprintf(text, sizeof text, "Run the default task file on %s? Tasks already done on a node are "
		         "skipped: it resumes where it stopped.", where);
	dialog_confirm(ui, "Set up the nodes", text, NULL, "Run", 0, do_setup);
}

void view_nodes_mlflow(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes.sel = 0;
	if (!ui->ops->mlflow_check || ui->ops->mlflow_check(ui->s) < 0) refused(ui, "The MLflow check");
}

const char *view_nodes_verify_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_check_unavailable(ui);
	if (why) return why;
	return ui->s->verify.running ? "Verify is already running." : NULL;
}

void view_nodes_verify(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes.verify_shown = 0;
	for (size_t k = 0; k < ui->s->nnodes; k++) ui->nodes.pane[k].follow = 1;
	if (!ui->ops->verify || ui->ops->verify(ui->s) < 0) {
		refused(ui, "Verify");
		return;
	}
	ui_flash(ui, ROLE_BUSY, "Verify: setup, MLflow check, EFA checks, ping-pong; its summary opens when it ends.");
}

void view_nodes_pingpong(ui_t *ui, const char *arg)
{
	int n = (int)ui->s->nnodes;
	int client = ui->nodes.sel, server = (client + 1) % n;
	if (arg) {
		char a[16], b[16];
		if (sscanf(arg, "%15s %15s", a, b) != 2) {
			ui_flash(ui, ROLE_WARN, "Usage: :pingpong SERVER CLIENT (node numbers), or :pingpong");
			return;
		}
		if (parse_node(ui, a, &server) < 0 || parse_node(ui, b, &client) < 0) return;
		if (server == client) {
			ui_flash(ui, ROLE_WARN, "The server and the client must be different nodes.");
			return;
		}
	}
	ui->nodes.sel = client;
	ui->nodes.pane[client].follow = ui->nodes.pane[server].follow = 1;
	/* Sizes and iterations: the model's defaults (NULL, 0). */
	if (ui->ops->pingpong(ui->s, ui->s->nodes[server].index, ui->s->nodes[client].index, NULL, 0) < 0)
		refused(ui, "The ping-pong");
}

const char *view_nodes_heatmap_unavailable(const ui_t *ui)
{
	const char *why = view_nodes_unavailable(ui);
	if (why) return why;
	return ui->s->nnodes > 2 ? NULL : "The matrix is for three nodes or more; with two, p runs their ping-pong.";
}

void view_nodes_matrix(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->ops->pingpong_matrix(ui->s) < 0) {
		refused(ui, "The ping-pong matrix");
		return;
	}
	if (!ui->nodes.matrix) ui->nodes.matrix = 1;
}

void view_nodes_heatmap(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes.matrix = (ui->nodes.matrix + 1) % 3;
}

void view_nodes_zoom(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->nodes.zoom = !ui->nodes.zoom;
}

void view_nodes_follow(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->s->nnodes) ui->nodes.pane[ui->nodes.sel].follow = 1;
}

/* ---- f: MLflow's port forwarded, one local port per node */

int view_nodes_forward_port(const ui_t *ui, int k)
{
	if (ui->nodes.fwd[k].pid > 0) return ui->nodes.fwd[k].port;
	return VIEW_NODES_MLFLOW_PORT + k; /* to copy: node 1 on 5000, node 2 on 5001, ... */
}

static void on_forward_exit(loop_t *l, pid_t pid, int status, void *ud)
{
	(void)l;
	ui_t *ui = ud;
	for (size_t k = 0; k < SESS_MAX_NODES; k++)
		if (ui->nodes.fwd[k].pid == pid) {
			ui->nodes.fwd[k].pid = 0;
			ui_flash(ui, ROLE_WARN, "The MLflow forward of node %d ended (exit %d): f starts it again.",
			         k < ui->s->nnodes ? ui->s->nodes[k].index : (int)k + 1,
			         WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
	ui_invalidate(ui);
}

void view_nodes_forward(ui_t *ui, const char *arg)
{
	int k = ui->nodes.sel;
	if (arg && parse_node(ui, arg, &k) < 0) return;
	ui->nodes.sel = k;
	const sess_node_t *n = &ui->s->nodes[k];
	if (node_gone(n)) {
		ui_flash(ui, ROLE_WARN, "Node%d is %s: there is nothing to forward.", n->index, n->instance_state);
		return;
	}
	if (ui->nodes.fwd[k].pid > 0) {
		ui_flash(ui, ROLE_OK, "MLflow on http://127.0.0.1:%d (node %d; quitting stops it)", ui->nodes.fwd[k].port,
		         n->index);
		return;
	}
	int local = forward_free_port();
	forward_cmd_t fc;
	forward_command(&fc, n->instance_id, VIEW_NODES_MLFLOW_PORT, local > 0 ? local : view_nodes_forward_port(ui, k),
	                ui->s->region[0] ? ui->s->region : NULL, NULL,
	                ui->s->ssm_endpoint[0] ? ui->s->ssm_endpoint : NULL);
	const char *missing = forward_missing();
	char err[256];
	if (missing || local < 0) {
		char text[sizeof ui->dlg.text], wrapped[640];
		int width = COLS - 8 > 20 ? COLS - 8 : 20;
		draw_fmt_shell(fc.line, width, wrapped, sizeof wrapped);
		snprintf(text, sizeof text, "%s is not installed here: install it (%s), then press f again, or run this "
		         "yourself:\n%s", missing ? missing : "a free local port", FORWARD_PLUGIN_DOC, wrapped);
		dialog_info(ui, "MLflow port forward", text);
		ui->dlg.wide = 1;
		return;
	}
	pid_t pid = forward_spawn(&fc, 1, err, sizeof err);
	if (pid < 0) {
		ui_flash(ui, ROLE_FAIL, "The MLflow forward did not start: %s.", err);
		return;
	}
	ui->nodes.fwd[k].pid = (int)pid;
	ui->nodes.fwd[k].port = local;
	if (ui->loop) loop_child_watch(ui->loop, pid, on_forward_exit, ui);
	ui_flash(ui, ROLE_OK, "MLflow on http://127.0.0.1:%d (node %d; quitting stops it)", local, n->index);
}

void view_nodes_forward_stop_all(ui_t *ui)
{
	for (size_t k = 0; k < SESS_MAX_NODES; k++) {
		pid_t pid = ui->nodes.fwd[k].pid;
		if (pid <= 0) continue;
		if (ui->loop) loop_child_unwatch(ui->loop, pid);
		forward_stop(pid);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
		ui->nodes.fwd[k].pid = 0;
	}
}

/* y copies the selected node's shell command (OSC 52, where the terminal takes it) and
 * shows every node's commands; the sentence on top says which, or why nothing was copied. */
static void copy_selected(ui_t *ui, sbuf_t *b)
{
	const sess_node_t *n = ui->s->nnodes ? &ui->s->nodes[ui->nodes.sel] : NULL;
	char cmd[512];
	if (!n || !n->instance_id[0] || node_gone(n)) return;
	ui->ops->ssm_command(ui->s, n->index, cmd, sizeof cmd);
	if (!clipboard_enabled())
		sbuf_addf(b, "Select a command to copy it (NIXL_TUI_CLIPBOARD=osc52: y copies).\n");
	else if (clipboard_copy(cmd) == 0)
		sbuf_addf(b, "Copied Node%d's shell command (OSC 52; tmux needs set-clipboard on).\n", n->index);
	else
		sbuf_addf(b, "The terminal did not take the copy: select a command below.\n");
}

void view_nodes_commands(ui_t *ui, const char *arg)
{
	(void)arg;
	char text[sizeof ui->dlg.text];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	copy_selected(ui, &b);
	size_t head = b.len;
	int width = COLS - 8 > 20 ? COLS - 8 : 20; /* the wide dialog's text width */
	for (size_t k = 0; k < ui->s->nnodes && !b.truncated; k++) {
		const sess_node_t *n = &ui->s->nodes[k];
		char cmd[512], fwd[768], wrapped[1024];
		if (!n->instance_id[0]) continue;
		if (node_gone(n)) {
			sbuf_addf(&b, "%sNode%d: %s, nothing to connect to.\n", b.len > head ? "\n" : "", n->index,
			          n->instance_state);
			continue;
		}
		ui->ops->ssm_command(ui->s, n->index, cmd, sizeof cmd);
		sbuf_addf(&b, "%sNode%d shell:\n", b.len > head ? "\n" : "", n->index);
		draw_fmt_shell(cmd, width, wrapped, sizeof wrapped);
		sbuf_addf(&b, "%s\n", wrapped);
		snprintf(fwd, sizeof fwd,
		         "%s --document-name AWS-StartPortForwardingSession --parameters "
		         "'{\"portNumber\":[\"%d\"],\"localPortNumber\":[\"%d\"]}'",
		         cmd, VIEW_NODES_MLFLOW_PORT, view_nodes_forward_port(ui, (int)k));
		draw_fmt_shell(fwd, width, wrapped, sizeof wrapped);
		sbuf_addf(&b, "Node%d MLflow on localhost:%d:\n%s\n", n->index, view_nodes_forward_port(ui, (int)k), wrapped);
	}
	dialog_info(ui, "Connect to the nodes", b.len > head ? text : "No instance has been launched yet.");
	ui->dlg.wide = 1;
}

/* Enter: the selected node in full, what the panes cut to fit (state, SSM, every check). */
void view_nodes_details(ui_t *ui, const char *arg)
{
	(void)arg;
	if (!ui->s->nnodes) return;
	const sess_node_t *n = &ui->s->nodes[ui->nodes.sel];
	char text[sizeof ui->dlg.text], ssm[40], title[64];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	sbuf_addf(&b, "Instance %s: %s\n", n->instance_id[0] ? n->instance_id : "(none yet)",
	          n->instance_state[0] ? n->instance_state : "not launched");
	sbuf_addf(&b, "Public %s, private %s\n", n->public_ip[0] ? n->public_ip : "-", n->private_ip[0] ? n->private_ip : "-");
	sbuf_addf(&b, "%s%s%s%s\n", ssm_words(n, ssm, sizeof ssm), n->ssm_status[0] ? " (PingStatus " : "",
	          n->ssm_status, n->ssm_status[0] ? ")" : "");
	size_t pass = 0;
	for (size_t i = 0; i < n->nchecks; i++) pass += n->checks[i].state == CHK_PASS;
	if (n->nchecks) sbuf_addf(&b, "EFA checks: %zu of %zu passed\n", pass, n->nchecks);
	else sbuf_addf(&b, "EFA checks: not run yet\n");
	for (size_t i = 0; i < n->nchecks; i++)
		sbuf_addf(&b, "%s %s: %s\n", check_icon(ui, n->checks[i].state), n->checks[i].name,
		          n->checks[i].detail[0] ? n->checks[i].detail : "-");
	if (n->pp.error[0]) sbuf_addf(&b, "Ping-pong failed: %s\n", n->pp.error);
	size_t fi = 0;
	const task_progress_t *f = setup_failed_task(n, &fi);
	if (f) sbuf_addf(&b, "Setup failed at task %zu: $ %s\n", fi + 1, f->command);
	else if (n->setup_detail[0]) sbuf_addf(&b, "Setup: %s\n", n->setup_detail);
	snprintf(title, sizeof title, "Node%d %s", n->index, n->role);
	dialog_info(ui, title, text);
	ui->dlg.wide = 1;
}

#include "ui/view_nodes.h"
#include "ui/view_nodes_priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/ui.h"

/* A pane narrower or lower than this is not worth a grid: one node at a time. */
enum { PANE_MIN_W = 50, PANE_MIN_H = 14 };

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
		if (f[0] && view_match(ui->nodes->filter, f, 1)) idx[(*count)++] = i;
	}
	return idx;
}

static uint64_t abs_line(const sess_node_t *n, size_t i) { return n->lines_total - n->nlines + i; }

/* The first shown of the matching lines, from the pane's follow flag and top. */
static size_t first_shown(const ui_t *ui, int k, const sess_node_t *n, const size_t *idx, size_t m, int rows)
{
	size_t max_p = rows > 0 && m > (size_t)rows ? m - (size_t)rows : 0;
	if (ui->nodes->pane[k].follow) return max_p;
	size_t p = 0;
	while (p < m && abs_line(n, idx[p]) < ui->nodes->pane[k].top) p++;
	return p < max_p ? p : max_p;
}

/* Where a list shows: "1-14 of 20" (first and last 1-based), "0 of 0" when empty. */
void vn_position(char *buf, size_t n, size_t first, size_t last, size_t total)
{
	if (!total || !first || last < first) snprintf(buf, n, "0 of %zu", total);
	else if (first == last) snprintf(buf, n, "%zu of %zu", first, total);
	else snprintf(buf, n, "%zu-%zu of %zu", first, last, total);
}

void vn_rule(WINDOW *w, int y, int x, int wd, const char *title, const char *right, attr_t right_a)
{
	int t = draw_text(w, y, x, wd, theme_attr(ROLE_TITLE), title);
	if (right && *right) draw_text(w, y, x + t + 2, wd - t - 2, right_a, right);
}

const char *vn_check_icon(const ui_t *ui, sess_check_state_t st)
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

int vn_node_gone(const sess_node_t *n)
{
	return strcmp(n->instance_state, "terminated") == 0 || strcmp(n->instance_state, "shutting-down") == 0;
}

/* The SSM agent's PingStatus (SSM API Reference, InstanceInformation: Online,
 * ConnectionLost, Inactive) in words. */
const char *vn_ssm_words(const sess_node_t *n, char *buf, size_t len)
{
	static const struct { const char *status, *words; } w[] = {
		{ "Online", "SSM online" }, { "ConnectionLost", "SSM connection lost" }, { "Inactive", "SSM inactive" },
	};
	if (vn_node_gone(n)) return "no SSM (instance gone)";
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
	f[k++] = (state_field_t){ "", vn_ssm_words(n, ssm, len),
	                          theme_attr(vn_node_gone(n) ? ROLE_DIM : theme_ssm(n->ssm_status)) };
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
	if (vn_node_gone(n)) *role = ROLE_DIM;
	else if (n->checks_running) *role = ROLE_BUSY;
	else if (fail) *role = ROLE_FAIL;
	else if (!n->nchecks) *role = ROLE_DIM;
	else *role = pass == n->nchecks ? ROLE_OK : ROLE_WARN;
	if (vn_node_gone(n)) return "-";
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
		vn_position(pos, sizeof pos, h > 1 ? 1 : 0, (size_t)(h > 1 ? h - 1 : 0), n->nchecks);
		size_t l = strlen(sum);
		snprintf(sum + l, sizeof sum - l, ", %s (Enter: all)", pos);
	}
	theme_role_t role = n->checks_running ? ROLE_BUSY : n->nchecks == 0 ? ROLE_DIM
	                  : pass == n->nchecks ? ROLE_OK : ROLE_FAIL;
	vn_rule(w, y, x, wd, "EFA checks", sum, theme_attr(role));
	int nw = 22;
	for (size_t i = 0; i < n->nchecks && (int)i + 1 < h; i++) {
		const sess_check_t *c = &n->checks[i];
		int row = y + 1 + (int)i;
		attr_t a = theme_attr(theme_check(c->state));
		draw_text(w, row, x, 1, a, vn_check_icon(ui, c->state));
		draw_text(w, row, x + 2, nw, A_NORMAL, c->name);
		draw_text(w, row, x + 2 + nw + 1, wd - nw - 3, c->state == CHK_FAIL ? a : A_NORMAL, c->detail);
	}
}

/* ---- the Setup section: the task file's tasks on this node */

enum { SETUP_TAIL_SHOWN = 3 };

const task_progress_t *vn_setup_failed_task(const sess_node_t *n, size_t *at)
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
	const task_progress_t *f = vn_setup_failed_task(n, NULL);
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
	if (vn_setup_failed_task(n, NULL) || n->setup_detail[0]) {
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
	vn_rule(w, y, x, wd, "Setup", sum, theme_attr(role));
	int extra = setup_extra_lines(n);
	int rows = h - 1 - extra;
	if (rows < 1) {
		rows = h - 1;
		extra = 0;
	}
	/* the tasks around the one that runs or failed when they do not all fit */
	size_t focus = p->current >= 0 ? (size_t)p->current : 0, first = 0;
	if (!vn_setup_failed_task(n, &focus) && p->current < 0 && p->finished) focus = p->ntasks ? p->ntasks - 1 : 0;
	if (rows > 0 && p->ntasks > (size_t)rows && focus >= (size_t)rows / 2) {
		first = focus - (size_t)rows / 2;
		if (first + (size_t)rows > p->ntasks) first = p->ntasks - (size_t)rows;
	}
	if (rows > 0 && p->ntasks > (size_t)rows) {
		char pos[72];
		vn_position(pos, sizeof pos, first + 1, first + (size_t)rows, p->ntasks);
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
	const task_progress_t *f = vn_setup_failed_task(n, &fi);
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
	vn_rule(w, y, x, wd, "Ping-pong", sum, theme_attr(role));
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
	size_t p = first_shown(ui, k, n, idx, m, rows);
	char title[96], right[168];
	const char *f = ui->nodes->filter;
	snprintf(title, sizeof title, "Output%s%s", *f ? " /" : "", f);
	size_t after = m > p + (size_t)rows ? m - p - (size_t)rows : 0;
	size_t last = m < p + (size_t)rows ? m : p + (size_t)rows;
	char pos[72];
	vn_position(pos, sizeof pos, m ? p + 1 : 0, last, m);
	if (!m) snprintf(right, sizeof right, "0 lines, following");
	else if (ui->nodes->pane[k].follow) snprintf(right, sizeof right, "%s, following", pos);
	else snprintf(right, sizeof right, "%s, paused, %zu more below (F follows)", pos, after);
	vn_rule(w, y, x, wd, title, right, theme_attr(ui->nodes->pane[k].follow ? ROLE_DIM : ROLE_WARN));
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
	if (k >= 0 && k < SESS_MAX_NODES && ui->nodes->fwd[k].pid > 0) {
		char url[64];
		snprintf(url, sizeof url, "MLflow on http://127.0.0.1:%d  ", ui->nodes->fwd[k].port);
		c += draw_text(w, y, x, wd, theme_attr(ROLE_OK), url);
	}
	c += draw_text(w, y, x + c, wd - c, theme_attr(ROLE_DIM), "$ ");
	draw_text(w, y, x + c, wd - c, theme_attr(ROLE_DIM), cmd[0] ? cmd : "(no instance yet)");
}

/* Pane k's box at y, x (h rows, wd columns): its sections' rows and its output's. */
static void pane_layout(ui_t *ui, int k, int y, int x, int h, int wd)
{
	const sess_node_t *n = &ui->s->nodes[k];
	vn_pane_t *p = &ui->nodes->pane[k];
	p->by = y, p->bx = x, p->bh = h, p->bw = wd;
	int ih = h - 2, iw = wd - 4;
	int *want = p->sec;
	want[SEC_STATE] = flow_state(n, NULL, 0, 0, iw, 0) + (k == 0 && ui->s->mlflow.shown);
	want[SEC_CHECKS] = 1 + (int)n->nchecks;
	want[SEC_SETUP] = setup_lines(n);
	want[SEC_PP] = pp_lines(n, iw);
	want[SEC_OUTPUT] = 1 + (int)n->nlines;
	want[SEC_CMD] = 1;
	if (want[SEC_OUTPUT] < 4) want[SEC_OUTPUT] = 4;
	int min[SEC_COUNT] = { 1, 1, want[SEC_SETUP] ? (want[SEC_SETUP] > 4 ? 4 : want[SEC_SETUP]) : 0,
	                       want[SEC_PP] ? 1 : 0, 2, 1 };
	/* Command last in the budget order: it goes before the output when space is short. */
	view_allocate(want, min, SEC_COUNT, ih);
	p->rows = want[SEC_OUTPUT] > 0 ? want[SEC_OUTPUT] - 1 : 0;
}

static void draw_pane(ui_t *ui, int k, WINDOW *w)
{
	const sess_node_t *n = &ui->s->nodes[k];
	const vn_pane_t *p = &ui->nodes->pane[k];
	const int *want = p->sec;
	int sel = k == ui->nodes->sel;
	char title[96];
	snprintf(title, sizeof title, "Node%d %s %s", n->index, n->role, n->instance_id);
	attr_t frame = theme_attr(sel ? ROLE_TITLE : ROLE_DIM);
	draw_box(w, p->by, p->bx, p->bh, p->bw, frame, title, theme_attr(sel ? ROLE_SELECT : ROLE_TITLE));
	int iy = p->by + 1, ix = p->bx + 2, ih = p->bh - 2, iw = p->bw - 4;
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

static void tab_text(const sess_node_t *n, char *buf, size_t len)
{
	snprintf(buf, len, " Node%d %s ", n->index, n->role);
}

static int tab_width(const sess_node_t *n)
{
	char tab[48];
	tab_text(n, tab, sizeof tab);
	return draw_width(tab) + 2; /* the health mark and a space */
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* The tabs, from one that keeps the selected in view; "5 of 16" at the right when they
 * do not all fit. Tabs not shown are not clickable (w 0). */
static void tabs_layout(ui_t *ui, int sel, int wd)
{
	struct view_nodes_state *ns = ui->nodes;
	size_t nn = ui->s->nnodes, first = (size_t)sel;
	int total = 0;
	for (size_t k = 0; k < nn; k++) total += tab_width(&ui->s->nodes[k]);
	ns->tab_pos[0] = 0;
	if (total > wd) snprintf(ns->tab_pos, sizeof ns->tab_pos, " %d of %zu", sel + 1, nn);
	int room = wd - draw_width(ns->tab_pos);
	/* back from the selected while the tabs up to it fit */
	for (int used = tab_width(&ui->s->nodes[sel]); first > 0 && used + tab_width(&ui->s->nodes[first - 1]) <= room;)
		used += tab_width(&ui->s->nodes[--first]);
	int x = 0;
	for (size_t k = first; k < nn && x < room; k++) {
		const sess_node_t *n = &ui->s->nodes[k];
		char tab[48];
		theme_role_t role;
		tab_text(n, tab, sizeof tab);
		vn_pane_t *p = &ns->pane[k];
		p->y = 0, p->x = x, p->h = 1, p->w = min_int(draw_width(tab), room - x);
		x += p->w;
		x += min_int(draw_width(health_icon(ui, n, &role)), room - x > 0 ? room - x : 0) + 1;
	}
}

static void draw_tabs(ui_t *ui, WINDOW *w, int wd)
{
	const struct view_nodes_state *ns = ui->nodes;
	int room = wd - draw_width(ns->tab_pos);
	for (size_t k = 0; k < ui->s->nnodes; k++) {
		const sess_node_t *n = &ui->s->nodes[k];
		const vn_pane_t *p = &ns->pane[k];
		if (p->w <= 0) continue;
		char tab[48];
		tab_text(n, tab, sizeof tab);
		int x = p->x + draw_text(w, 0, p->x, room - p->x, theme_attr((int)k == ns->sel ? ROLE_SELECT : ROLE_TITLE), tab);
		theme_role_t role;
		const char *icon = health_icon(ui, n, &role);
		draw_text(w, 0, x, room - x, theme_attr(role), icon);
	}
	if (ns->tab_pos[0]) draw_text_right(w, 0, wd, wd, theme_attr(ROLE_DIM), ns->tab_pos);
}

static int nodes_init(ui_t *ui)
{
	ui->nodes = calloc(1, sizeof *ui->nodes);
	if (!ui->nodes) return -1;
	for (size_t k = 0; k < SESS_MAX_NODES; k++) ui->nodes->pane[k].follow = 1;
	return 0;
}

static void nodes_free(ui_t *ui)
{
	if (!ui->nodes) return;
	view_nodes_forward_stop_all(ui); /* the port forwards end with the console */
	free(ui->nodes);
	ui->nodes = NULL;
}

/* The panes in a grid when they are large enough, else the selected one under tabs. */
static void nodes_layout(ui_t *ui, int h, int wd)
{
	struct view_nodes_state *ns = ui->nodes;
	const session_t *s = ui->s;
	for (size_t k = 0; k < SESS_MAX_NODES; k++) {
		vn_pane_t *p = &ns->pane[k];
		p->rows = p->w = p->bh = 0;
	}
	ns->tabs = 0;
	if ((ns->matrix && !view_nodes_heatmap_unavailable(ui)) || s->nnodes == 0) return;
	int n = (int)s->nnodes, sel = ns->sel < n ? ns->sel : n - 1;
	int gcols = n >= 2 && wd >= 2 * PANE_MIN_W ? 2 : 1;
	int grows = (n + gcols - 1) / gcols;
	if (!ns->zoom && wd / gcols >= PANE_MIN_W && h / grows >= PANE_MIN_H) {
		int pw = wd / gcols, ph = h / grows;
		for (int k = 0; k < n; k++) {
			int gx = k % gcols, gy = k / gcols;
			int wdk = gx == gcols - 1 ? wd - gx * pw : pw;
			int hk = gy == grows - 1 ? h - gy * ph : ph;
			pane_layout(ui, k, gy * ph, gx * pw, hk, wdk);
			vn_pane_t *p = &ns->pane[k];
			p->y = p->by, p->x = p->bx, p->h = p->bh, p->w = p->bw;
		}
		return;
	}
	/* One node at a time, the others as tabs; a click on the selected tab selects it. */
	ns->tabs = 1;
	tabs_layout(ui, sel, wd);
	pane_layout(ui, sel, 1, 0, h - 1, wd);
}

static void nodes_changed(ui_t *ui)
{
	int n = (int)ui->s->nnodes;
	if (n > 0 && ui->nodes->sel >= n) ui->nodes->sel = n - 1;
}

static void nodes_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	const struct view_nodes_state *ns = ui->nodes;
	if (ns->matrix && !view_nodes_heatmap_unavailable(ui)) {
		vn_draw_heatmap(ui, w, h, wd);
		return;
	}
	const session_t *s = ui->s;
	if (s->nnodes == 0) {
		const char *msg = "No nodes yet: they appear once the stack has created its instances.";
		int mw = draw_width(msg);
		draw_text(w, h / 2, mw < wd ? (wd - mw) / 2 : 0, wd, theme_attr(ROLE_DIM), msg);
		return;
	}
	if (ns->tabs) draw_tabs(ui, w, wd);
	for (size_t k = 0; k < s->nnodes; k++)
		if (ns->pane[k].bh > 0) draw_pane(ui, (int)k, w);
}

static void nodes_move(ui_t *ui, int dir, view_unit_t unit)
{
	if (ui->s->nnodes == 0) return;
	int k = ui->nodes->sel;
	const sess_node_t *n = &ui->s->nodes[k];
	size_t m = 0;
	size_t *idx = matching_lines(ui, n, &m);
	int rows = ui->nodes->pane[k].rows;
	size_t top = first_shown(ui, k, n, idx, m, rows);
	/* Scrolling up pauses follow; reaching the end resumes it. */
	ui->nodes->pane[k].follow = view_scroll(&top, m, rows, dir, unit);
	ui->nodes->pane[k].top = top < m ? abs_line(n, idx[top]) : n->lines_total;
	free(idx);
}

static void nodes_click(ui_t *ui, int y, int x)
{
	for (size_t k = 0; k < ui->s->nnodes; k++) {
		const vn_pane_t *p = &ui->nodes->pane[k];
		if (y >= p->y && y < p->y + p->h && x >= p->x && x < p->x + p->w) {
			ui->nodes->sel = (int)k;
			return;
		}
	}
}

const ui_view_t view_nodes = {
	.init = nodes_init, .free = nodes_free, .layout = nodes_layout, .changed = nodes_changed,
	.draw = nodes_draw, .move = nodes_move, .click = nodes_click,
};


int view_nodes_selected(const ui_t *ui) { return ui->nodes->sel; }

char *view_nodes_filter(ui_t *ui, size_t *size)
{
	*size = sizeof ui->nodes->filter;
	return ui->nodes->filter;
}

int view_nodes_matrix_mode(const ui_t *ui) { return ui->nodes->matrix; }

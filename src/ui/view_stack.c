#include "ui/view_stack.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/typical.h"
#include "base/sbuf.h"
#include "ui/dialog.h"
#include "ui/draw.h"
#include "ui/ui.h"

enum { SEC_STEPS, SEC_CAUSE, SEC_OUTPUTS, SEC_NODES, SEC_RESOURCES, SEC_EVENTS, SEC_COUNT };

/* The screen's state: the pane with the focus, each pane's selection, scroll, follow
 * mode and filter, and where layout put the sections. */
struct view_stack_state {
	int focus;           /* 0: resources, 1: events */
	size_t res_sel, res_top;
	int res_follow;      /* the selection follows the latest change until moved */
	size_t ev_top;       /* first shown of the filtered events */
	int ev_follow;
	char filter[64];     /* the events' */
	char res_filter[64]; /* the resources' (/ filters the pane with the focus) */
	int empty;           /* nothing deployed: the screen says how to start */
	int sec_h[SEC_COUNT]; /* each section's rows (0: not shown), from the body's row 2 */
	int res_y, res_rows, ev_y, ev_rows; /* the panes' list rows (clicks, pages) */
};

/* Steps are shown while they run, and afterwards only when one needs attention. */
static int show_steps(const session_t *s)
{
	if (s->nsteps == 0) return 0;
	if (s->phase == SESS_PREFLIGHT) return 1;
	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].state == STEP_RUNNING || s->steps[i].state == STEP_FAILED ||
		    s->steps[i].state == STEP_WARN)
			return 1;
	return 0;
}

static int event_matches(const sess_event_t *e, const char *filter)
{
	const char *f[] = { e->logical_id, e->type, e->status, e->reason };
	return view_match(filter, f, 4);
}

/* The resources the pane's filter lets through, as indexes into s->resources. */
static size_t res_matching(const ui_t *ui, size_t *out, size_t cap)
{
	const session_t *s = ui->s;
	size_t n = 0;
	for (size_t i = 0; i < s->nresources; i++) {
		const sess_resource_t *r = &s->resources[i];
		const char *f[] = { r->logical_id, r->type, r->status, r->reason };
		if (view_match(ui->stack->res_filter, f, 4) && (!out || n < cap)) {
			if (out) out[n] = i;
			n++;
		}
	}
	return n;
}

static size_t count_matching(const session_t *s, const char *filter)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nevents; i++) n += event_matches(&s->events[i], filter);
	return n;
}

static void rule(WINDOW *w, int y, int wd, const char *title, attr_t title_a)
{
	draw_fill(w, y, 0, wd, theme_attr(ROLE_DIM), draw_glyphs()->h);
	int x = 1;
	x += draw_text(w, y, x, wd - x, title_a, " ");
	x += draw_text(w, y, x, wd - x - 1, title_a, title);
	draw_text(w, y, x, wd - x, title_a, " ");
}

static int max_width(const void *base, size_t n, size_t stride, size_t off)
{
	int m = 0;
	for (size_t i = 0; i < n; i++) {
		int wd = draw_width((const char *)base + i * stride + off);
		if (wd > m) m = wd;
	}
	return m;
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The title follows AWS's status when it is ahead of the phase: a create that AWS rolls
 * back (or deletes, OnFailure DELETE) is not "Deploying" any more, up to the moment the
 * watch has read the last events and the phase says how it ended. A teardown keeps its
 * title past DELETE_COMPLETE: it still checks what is left. */
static const char *stack_title(const session_t *s, theme_role_t *role)
{
	const char *st = s->stack_status;
	*role = ui_phase_role(s->phase);
	if (s->phase == SESS_CREATING) {
		if (strncmp(st, "ROLLBACK_", 9) == 0) return *role = ROLE_FAIL, "Rolling back";
		if (strncmp(st, "DELETE_", 7) == 0) return *role = ROLE_FAIL, "Deleting";
	}
	return ui_phase_title(s->phase);
}

/* The bar's figures: what AWS reports done (session_progress), weighted by how long each
 * type typically takes (core/typical.h), and an estimate of what is left: along the
 * template's dependencies (a resource starts when what it needs is created; in a delete,
 * when what needs it is deleted), each resource taking its typical time, scaled by how
 * the finished ones compared with theirs, less what it has already run. */
typedef struct progress {
	sess_direction_t dir;
	size_t done, total;
	double frac;
	double left_s;   /* < 0: no estimate */
} progress_t;

static int is_running(const sess_resource_t *r) { return ends_with(r->status, "_IN_PROGRESS"); }

/* Seconds resource i still needs once it may start (0 when done or nothing to do). */
static double remaining(const ui_t *ui, const progress_t *pr, size_t i, double scale)
{
	const sess_resource_t *r = &ui->s->resources[i];
	int del = pr->dir != SESS_DIR_CREATE;
	if (session_counts_done(pr->dir, r->status) || (del && !r->status[0])) return 0;
	double t = typical_seconds(r->type, del) * scale;
	if (!is_running(r) || !r->started_ms) return t;
	double ran = (double)(ui_now(ui) - r->started_ms) / 1000.0;
	return t > ran ? t - ran : 0;
}

static int depends(const sess_resource_t *r, size_t j)
{
	for (size_t k = 0; k < r->ndeps; k++)
		if (r->deps[k] == j) return 1;
	return 0;
}

/* The latest finish over the resources, relaxing the dependency order n times at most. */
static double estimate_left(const ui_t *ui, const progress_t *pr, double scale)
{
	const session_t *s = ui->s;
	size_t n = s->nresources;
	double *fin = calloc(n ? n : 1, sizeof *fin), *rem = calloc(n ? n : 1, sizeof *rem);
	double left = 0, running = 0, next = 0;
	int any_deps = 0;
	if (!fin || !rem) { free(fin); free(rem); return -1; }
	for (size_t i = 0; i < n; i++) {
		rem[i] = fin[i] = remaining(ui, pr, i, scale);
		any_deps |= s->resources[i].ndeps > 0;
		if (is_running(&s->resources[i])) { if (rem[i] > running) running = rem[i]; }
		else if (rem[i] > next) next = rem[i];
	}
	int del = pr->dir != SESS_DIR_CREATE;
	for (size_t pass = 0, changed = 1; changed && pass < n; pass++) {
		changed = 0;
		for (size_t i = 0; i < n; i++) {
			if (rem[i] <= 0) continue;
			for (size_t j = 0; j < n; j++) {
				int before = del ? depends(&s->resources[j], i) : depends(&s->resources[i], j);
				if (before && fin[j] + rem[i] > fin[i] + 1e-9) fin[i] = fin[j] + rem[i], changed = 1;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		if (fin[i] > left) left = fin[i];
	free(fin);
	free(rem);
	/* without the template's dependencies: what runs, then the longest of the rest */
	return any_deps ? left : running + next;
}

static progress_t measure(const ui_t *ui)
{
	const session_t *s = ui->s;
	progress_t pr;
	pr.dir = session_progress(s, &pr.done, &pr.total);
	int del = pr.dir != SESS_DIR_CREATE;
	double all = 0, done = 0, took = 0, typ_took = 0;
	for (size_t i = 0; i < s->nresources; i++) {
		const sess_resource_t *r = &s->resources[i];
		if (pr.dir != SESS_DIR_CREATE && !r->status[0] && pr.total < s->nresources) continue;
		double t = typical_seconds(r->type, del);
		all += t;
		if (!session_counts_done(pr.dir, r->status)) continue;
		done += t;
		if (r->started_ms && r->ended_ms > r->started_ms) {
			took += (double)(r->ended_ms - r->started_ms) / 1000.0;
			typ_took += t;
		}
	}
	if (pr.total > s->nresources)
		all += (double)(pr.total - s->nresources) * typical_seconds(NULL, del);
	pr.frac = all > 0 ? done / all : 0;
	double scale = typ_took > 0 ? took / typ_took : 1;
	if (scale < 0.005) scale = 0.005;
	if (scale > 20) scale = 20;
	/* only while CloudFormation works on the stack: not in preflight, not for the agents */
	int stack_op = s->phase == SESS_CREATING || s->phase == SESS_DELETING;
	pr.left_s = pr.done < pr.total && stack_op ? estimate_left(ui, &pr, scale) : -1;
	return pr;
}

static void fmt_left(double secs, char *buf, size_t n)
{
	if (secs < 0) buf[0] = 0;
	else if (secs < 60) snprintf(buf, n, "  ~%ds left", secs < 5 ? 5 : ((int)secs + 4) / 5 * 5);
	else snprintf(buf, n, "  ~%d min left", ((int)secs + 59) / 60);
}

static void draw_header(ui_t *ui, WINDOW *w, int wd)
{
	const session_t *s = ui->s;
	const char *status = s->stack_status;
	theme_role_t role;
	const char *title = stack_title(s, &role);
	int sw = draw_width(status);
	int x = draw_text(w, 0, 0, wd - sw - 1, theme_attr(ROLE_TITLE), title);
	if (s->stack_name[0]) {
		x += draw_text(w, 0, x, wd - sw - 1 - x, A_NORMAL, " ");
		draw_text(w, 0, x, wd - sw - 1 - x, theme_attr(ROLE_TITLE), s->stack_name);
	}
	draw_text_right(w, 0, wd, wd / 2, theme_attr(theme_cfn_status(status)), status);

	progress_t pr = measure(ui);
	static const char *const verbs[] = {
		[SESS_DIR_CREATE] = "complete", [SESS_DIR_DELETE] = "deleted", [SESS_DIR_ROLLBACK] = "rolled back",
	};
	char tail[96], el[24] = "", left[32];
	if (s->started_ms != 0) {
		int64_t end = s->finished_ms != 0 ? s->finished_ms : ui_now(ui);
		draw_fmt_elapsed(end - s->started_ms, el, sizeof el);
	}
	fmt_left(pr.left_s, left, sizeof left);
	snprintf(tail, sizeof tail, " %zu/%zu %s  %s%s", pr.done, pr.total, verbs[pr.dir], el, left);
	int tw = draw_width(tail);
	draw_bar(w, 1, 0, wd - tw, pr.frac, theme_attr(role), theme_attr(ROLE_DIM), 1);
	draw_text(w, 1, wd - tw, tw, A_NORMAL, tail);
}

static void draw_steps(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	const draw_glyphs_t *g = draw_glyphs();
	rule(w, y, wd, session_phase_teardown(s->phase) ? "Teardown" : "Preflight", theme_attr(ROLE_TITLE));
	int nw = clamp(max_width(s->steps, s->nsteps, sizeof s->steps[0], offsetof(sess_step_t, name)), 8, 24);
	/* The latest steps matter most when they do not all fit. */
	size_t first = s->nsteps > (size_t)(h - 1) ? s->nsteps - (size_t)(h - 1) : 0;
	for (size_t i = first; i < s->nsteps && y + 1 + (int)(i - first) < y + h; i++) {
		const sess_step_t *st = &s->steps[i];
		int row = y + 1 + (int)(i - first);
		const char *icons[] = {
			[STEP_PENDING] = g->pending, [STEP_RUNNING] = g->spin[ui->spin % (unsigned)g->nspin],
			[STEP_OK] = g->ok, [STEP_WARN] = g->warn, [STEP_FAILED] = g->fail,
		};
		const char *icon = (unsigned)st->state <= STEP_FAILED ? icons[st->state] : g->unknown;
		attr_t a = theme_attr(theme_step(st->state));
		draw_text(w, row, 1, 1, a, icon);
		draw_text(w, row, 3, nw, A_NORMAL, st->name);
		draw_text(w, row, 3 + nw + 2, wd - nw - 5, st->state == STEP_FAILED ? a : A_NORMAL, st->detail);
	}
}

static void draw_cause(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	char title[160];
	snprintf(title, sizeof title, "Root cause%s%s", s->root_cause_resource[0] ? ": " : "",
	         s->root_cause_resource);
	attr_t a = theme_attr(ROLE_FAIL);
	draw_box(w, y, 0, h, wd, a, title, a);
	draw_wrap(w, y + 1, 2, wd - 4, h - 2, A_NORMAL, s->root_cause);
}

static void draw_outputs(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	char title[64];
	if (s->noutputs > (size_t)(h - 1)) snprintf(title, sizeof title, "Outputs 1-%d of %zu", h - 1, s->noutputs);
	else snprintf(title, sizeof title, "Outputs");
	rule(w, y, wd, title, theme_attr(ROLE_TITLE));
	int kw = clamp(max_width(s->outputs, s->noutputs, sizeof s->outputs[0], offsetof(sess_output_t, key)), 4, 28);
	for (size_t i = 0; i < s->noutputs && (int)i + 1 < h; i++) {
		draw_text(w, y + 1 + (int)i, 2, kw, theme_attr(ROLE_DIM), s->outputs[i].key);
		draw_text(w, y + 1 + (int)i, 2 + kw + 2, wd - kw - 4, A_NORMAL, s->outputs[i].value);
	}
}

static void draw_nodes(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	size_t online = 0;
	for (size_t i = 0; i < s->nnodes; i++) online += strcmp(s->nodes[i].ssm_status, "Online") == 0;
	char title[64];
	snprintf(title, sizeof title, "Nodes %zu/%zu online", online, s->nnodes);
	rule(w, y, wd, title, theme_attr(ROLE_TITLE));
	for (size_t i = 0; i < s->nnodes && (int)i + 1 < h; i++) {
		const sess_node_t *n = &s->nodes[i];
		int row = y + 1 + (int)i;
		char name[24];
		snprintf(name, sizeof name, "Node%d", n->index);
		/* Columns: name, role, instance (wide screens only), state, private IP, SSM. */
		static const int wide[] = { 2, 10, 20, 41, 55, 72 }, narrow[] = { 2, 10, 0, 20, 33, 50 };
		const int *cx = wd >= 100 ? wide : narrow;
		draw_text(w, row, cx[0], 7, theme_attr(ROLE_TITLE), name);
		draw_text(w, row, cx[1], 9, A_NORMAL, n->role);
		if (cx[2]) draw_text(w, row, cx[2], 20, A_NORMAL, n->instance_id[0] ? n->instance_id : "-");
		draw_text(w, row, cx[3], 12, theme_attr(theme_instance_state(n->instance_state)),
		          n->instance_state[0] ? n->instance_state : "-");
		draw_text(w, row, cx[4], 16, A_NORMAL, n->private_ip[0] ? n->private_ip : "-");
		int x = cx[5] + draw_text(w, row, cx[5], wd - cx[5], theme_attr(ROLE_DIM), "SSM ");
		draw_text(w, row, x, wd - x, theme_attr(theme_ssm(n->ssm_status)),
		          n->ssm_status[0] ? n->ssm_status : "not registered");
	}
}

typedef struct cols { int lid, type, status, time; } cols_t;

static cols_t columns(const session_t *s, int wd)
{
	cols_t c;
	size_t rs = sizeof s->resources[0], es = sizeof s->events[0];
	int lid = max_width(s->resources, s->nresources, rs, offsetof(sess_resource_t, logical_id));
	int elid = max_width(s->events, s->nevents, es, offsetof(sess_event_t, logical_id));
	int st = max_width(s->resources, s->nresources, rs, offsetof(sess_resource_t, status));
	int est = max_width(s->events, s->nevents, es, offsetof(sess_event_t, status));
	c.lid = clamp(lid > elid ? lid : elid, 10, wd >= 100 ? 30 : 22);
	c.type = wd >= 100 ? clamp(max_width(s->resources, s->nresources, rs, offsetof(sess_resource_t, type)), 4, 30) : 0;
	c.status = clamp(st > est ? st : est, 6, 22);
	c.time = 0; /* how long each took or has been at it, once AWS's times are known */
	for (size_t i = 0; i < s->nresources && !c.time; i++)
		if (s->resources[i].started_ms) c.time = 7;
	return c;
}

static void draw_resources(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	const draw_glyphs_t *g = draw_glyphs();
	char title[192];
	const struct view_stack_state *st = ui->stack;
	int focused = st->focus == 0;
	int rows = h - 2;
	size_t *idx = calloc(s->nresources ? s->nresources : 1, sizeof *idx);
	if (!idx) return;
	size_t n = res_matching(ui, idx, s->nresources);
	const char *rf = st->res_filter;
	if (n > (size_t)rows)
		snprintf(title, sizeof title, "Resources %zu-%zu of %zu%s%s", st->res_top + 1,
		         st->res_top + (size_t)rows, n, *rf ? " matching /" : "", rf);
	else snprintf(title, sizeof title, "Resources %zu%s%s", n, *rf ? " matching /" : "", rf);
	rule(w, y, wd, title, theme_attr(focused ? ROLE_SELECT : ROLE_TITLE));
	cols_t c = columns(s, wd);
	int xt = 2 + c.lid + 2, xs = xt + (c.type ? c.type + 2 : 0), xe = xs + c.status + 2;
	int xr = xe + (c.time ? c.time + 2 : 0);
	attr_t hd = theme_attr(ROLE_DIM);
	draw_text(w, y + 1, 2, c.lid, hd, "LOGICAL ID");
	if (c.type) draw_text(w, y + 1, xt, c.type, hd, "TYPE");
	draw_text(w, y + 1, xs, c.status, hd, "STATUS");
	if (c.time) draw_text(w, y + 1, xe, c.time, hd, "TIME");
	draw_text(w, y + 1, xr, wd - xr, hd, "REASON");
	int64_t now = ui_now(ui);
	for (int r = 0; r < rows; r++) {
		size_t i = st->res_top + (size_t)r;
		if (i >= n) break;
		const sess_resource_t *res = &s->resources[idx[i]];
		int row = y + 2 + r, sel = focused && i == st->res_sel;
		attr_t base = sel ? theme_attr(ROLE_SELECT) : A_NORMAL;
		if (sel) draw_fill(w, row, 0, wd, base, " ");
		if (res->changed_ms > 0 && now - res->changed_ms < VIEW_STACK_MARK_MS)
			draw_text(w, row, 0, 1, sel ? base : theme_attr(ROLE_MARK), g->mark);
		draw_text(w, row, 2, c.lid, base, res->logical_id);
		if (c.type) draw_text(w, row, xt, c.type, sel ? base : theme_attr(ROLE_DIM), res->type);
		draw_text(w, row, xs, c.status, sel ? base : theme_attr(theme_cfn_status(res->status)), res->status);
		if (c.time && res->started_ms) {
			char el[24];
			int running = res->ended_ms == 0 && ends_with(res->status, "_IN_PROGRESS");
			if (running || res->ended_ms) {
				draw_fmt_elapsed((running ? now : res->ended_ms) - res->started_ms, el, sizeof el);
				draw_text(w, row, xe, c.time, sel ? base : theme_attr(running ? ROLE_BUSY : ROLE_DIM), el);
			}
		}
		draw_text(w, row, xr, wd - xr, base, res->reason);
	}
	free(idx);
}

static void draw_events(ui_t *ui, WINDOW *w, int y, int h, int wd)
{
	const session_t *s = ui->s;
	const struct view_stack_state *st = ui->stack;
	const char *f = st->filter;
	size_t n = count_matching(s, f);
	char title[160];
	int focused = st->focus == 1;
	snprintf(title, sizeof title, "Events %zu%s%s%s", n, *f ? " matching /" : "", f,
	         st->ev_follow ? "" : " (paused)");
	rule(w, y, wd, title, theme_attr(focused ? ROLE_SELECT : ROLE_TITLE));
	int rows = h - 1;
	cols_t c = columns(s, wd);
	size_t k = 0;
	int r = 0;
	for (size_t i = 0; i < s->nevents && r < rows; i++) {
		const sess_event_t *e = &s->events[i];
		if (!event_matches(e, f)) continue;
		if (k++ < st->ev_top) continue;
		char ts[16];
		struct tm tm;
		localtime_r(&e->ts, &tm);
		strftime(ts, sizeof ts, "%H:%M:%S", &tm);
		int row = y + 1 + r++, x = 0;
		x += draw_text(w, row, x, 8, theme_attr(ROLE_DIM), ts) + 2;
		draw_text(w, row, x, c.lid, A_NORMAL, e->logical_id);
		x += c.lid + 2;
		draw_text(w, row, x, c.status, theme_attr(theme_cfn_status(e->status)), e->status);
		x += c.status + 2;
		draw_text(w, row, x, wd - x, A_NORMAL, e->reason);
	}
}

static void draw_empty(ui_t *ui, WINDOW *w, int h, int wd)
{
	static const char *lines[] = {
		"No stack is deployed with this configuration.",
		"",
		"Press w to open the deploy wizard, or : and type deploy.",
	};
	(void)ui;
	for (int i = 0; i < 3; i++) {
		int lw = draw_width(lines[i]);
		draw_text(w, h / 2 - 1 + i, lw < wd ? (wd - lw) / 2 : 0, wd, i ? A_NORMAL : theme_attr(ROLE_TITLE), lines[i]);
	}
}

static int stack_init(ui_t *ui)
{
	ui->stack = calloc(1, sizeof *ui->stack);
	if (!ui->stack) return -1;
	ui->stack->ev_follow = ui->stack->res_follow = 1;
	return 0;
}

static void stack_free(ui_t *ui)
{
	free(ui->stack);
	ui->stack = NULL;
}

/* The sections' rows below the header (two rows), from what the session holds. */
static void stack_layout(ui_t *ui, int h, int wd)
{
	const session_t *s = ui->s;
	struct view_stack_state *st = ui->stack;
	int *want = st->sec_h;
	memset(want, 0, sizeof st->sec_h);
	st->res_rows = st->ev_rows = 0;
	st->empty = s->phase == SESS_IDLE && s->nresources == 0 && s->nsteps == 0;
	if (st->empty) return;
	int cause_lines = s->root_cause[0] ? draw_wrap(NULL, 0, 0, wd - 4, 0, 0, s->root_cause) : 0;
	int show_out = s->noutputs > 0 && !session_phase_teardown(s->phase);
	int show_nodes = s->nnodes > 0 && (s->phase == SESS_WAIT_AGENTS || s->phase == SESS_READY);
	want[SEC_STEPS] = show_steps(s) ? 1 + (int)s->nsteps : 0;
	want[SEC_CAUSE] = cause_lines ? 2 + clamp(cause_lines, 1, 4) : 0;
	want[SEC_OUTPUTS] = show_out ? 1 + (int)s->noutputs : 0;
	want[SEC_NODES] = show_nodes ? 1 + (int)s->nnodes : 0;
	want[SEC_RESOURCES] = s->nresources ? 2 + (int)s->nresources : 0;
	want[SEC_EVENTS] = s->nevents ? 1 + (int)count_matching(s, st->filter) : 0;
	int min[SEC_COUNT];
	for (int i = 0; i < SEC_COUNT; i++) min[i] = want[i] ? 2 : 0;
	min[SEC_CAUSE] = want[SEC_CAUSE] ? 3 : 0;
	if (want[SEC_RESOURCES]) min[SEC_RESOURCES] = 3;
	if (s->nevents && want[SEC_EVENTS] < 2) want[SEC_EVENTS] = 2;
	view_allocate(want, min, SEC_COUNT, h - 2);
	int y = 2;
	for (int i = 0; i < SEC_RESOURCES; i++) y += want[i] > 0 ? want[i] : 0;
	if (want[SEC_RESOURCES] > 0) {
		st->res_y = y + 2;
		st->res_rows = want[SEC_RESOURCES] - 2;
		y += want[SEC_RESOURCES];
	}
	if (want[SEC_EVENTS] > 0) {
		st->ev_y = y + 1;
		st->ev_rows = want[SEC_EVENTS] - 1;
	}
}

/* The resources' selection follows the latest change (until moved) and stays on screen;
 * the events follow their tail. Only for the panes shown. */
static void stack_changed(ui_t *ui)
{
	const session_t *s = ui->s;
	struct view_stack_state *st = ui->stack;
	size_t *idx = st->res_rows > 0 ? calloc(s->nresources ? s->nresources : 1, sizeof *idx) : NULL;
	if (idx) {
		size_t n = res_matching(ui, idx, s->nresources);
		int64_t latest = 0;
		for (size_t k = 0; st->res_follow && k < n; k++)
			if (s->resources[idx[k]].changed_ms > latest) latest = s->resources[idx[k]].changed_ms, st->res_sel = k;
		if (st->res_sel >= n) st->res_sel = n ? n - 1 : 0;
		view_keep_visible(st->res_sel, &st->res_top, n, st->res_rows);
		free(idx);
	}
	if (st->ev_rows > 0) {
		size_t n = count_matching(s, st->filter);
		size_t max_top = n > (size_t)st->ev_rows ? n - (size_t)st->ev_rows : 0;
		if (st->ev_follow || st->ev_top > max_top) st->ev_top = max_top;
	}
}

static void stack_draw(ui_t *ui, WINDOW *w, int h, int wd)
{
	if (ui->stack->empty) {
		draw_empty(ui, w, h, wd);
		return;
	}
	draw_header(ui, w, wd);
	void (*const fns[SEC_COUNT])(ui_t *, WINDOW *, int, int, int) = {
		draw_steps, draw_cause, draw_outputs, draw_nodes, draw_resources, draw_events,
	};
	int y = 2;
	for (int i = 0; i < SEC_COUNT; i++) {
		int sh = ui->stack->sec_h[i];
		if (sh <= 0) continue;
		fns[i](ui, w, y, sh, wd);
		y += sh;
	}
}

static void stack_move(ui_t *ui, int dir, view_unit_t unit)
{
	const session_t *s = ui->s;
	if (ui->stack->focus == 0) {
		ui->stack->res_follow = 0;
		view_select(&ui->stack->res_sel, &ui->stack->res_top, res_matching(ui, NULL, 0), ui->stack->res_rows, dir, unit);
		return;
	}
	size_t n = count_matching(s, ui->stack->filter);
	/* Scrolling up pauses follow; reaching the end resumes it. */
	ui->stack->ev_follow = view_scroll(&ui->stack->ev_top, n, ui->stack->ev_rows, dir, unit);
}

static void stack_click(ui_t *ui, int y, int x)
{
	(void)x;
	if (ui->stack->res_rows > 0 && y >= ui->stack->res_y && y < ui->stack->res_y + ui->stack->res_rows) {
		size_t i = ui->stack->res_top + (size_t)(y - ui->stack->res_y);
		ui->stack->focus = 0;
		if (i < res_matching(ui, NULL, 0)) ui->stack->res_sel = i, ui->stack->res_follow = 0;
	} else if (ui->stack->ev_rows > 0 && y >= ui->stack->ev_y - 1 && y < ui->stack->ev_y + ui->stack->ev_rows) {
		ui->stack->focus = 1;
	}
}

const ui_view_t view_stack = {
	.init = stack_init, .free = stack_free, .layout = stack_layout, .changed = stack_changed,
	.draw = stack_draw, .move = stack_move, .click = stack_click,
};

int view_stack_focused(const ui_t *ui) { return ui->stack->focus; }

void view_stack_set_focus(ui_t *ui, int pane) { ui->stack->focus = pane ? 1 : 0; }

const char *view_stack_filter_of(const ui_t *ui, int pane)
{
	return pane ? ui->stack->filter : ui->stack->res_filter;
}

char *view_stack_filter(ui_t *ui, size_t *size)
{
	struct view_stack_state *st = ui->stack;
	if (st->focus == 0 && ui->s->nresources) {
		*size = sizeof st->res_filter;
		return st->res_filter;
	}
	st->focus = 1;
	*size = sizeof st->filter;
	return st->filter;
}

void view_stack_follow_events(ui_t *ui) { ui->stack->ev_follow = 1; }

void view_stack_reset(ui_t *ui)
{
	ui->stack->ev_follow = ui->stack->res_follow = 1;
	ui->stack->filter[0] = ui->stack->res_filter[0] = 0;
}

const char *view_stack_no_resources(const ui_t *ui)
{
	return ui->s->nresources ? NULL : "No resources yet.";
}

const char *view_stack_no_details(const ui_t *ui)
{
	if (ui->stack->focus == 1) return ui->s->nevents ? NULL : "No events yet.";
	return view_stack_no_resources(ui);
}

void view_stack_focus(ui_t *ui, const char *arg)
{
	(void)arg;
	ui->stack->focus = !ui->stack->focus;
}

void view_stack_follow(ui_t *ui, const char *arg)
{
	(void)arg;
	if (ui->stack->focus == 0) ui->stack->res_follow = 1;
	else ui->stack->ev_follow = 1;
}

/* Enter on the events: the failure reasons the pane cuts, in full, latest first. */
static void failed_events_detail(ui_t *ui)
{
	const session_t *s = ui->s;
	char text[sizeof ui->dlg.text];
	sbuf_t b;
	sbuf_init(&b, text, sizeof text);
	size_t shown = 0;
	for (size_t i = s->nevents; i-- > 0;) {
		const sess_event_t *e = &s->events[i];
		if (!strstr(e->status, "FAILED") || !e->reason[0] || !event_matches(e, ui->stack->filter)) continue;
		sbuf_addf(&b, "%s%s %s: %s", shown++ ? "\n\n" : "", e->logical_id, e->status, e->reason);
	}
	if (!shown) sbuf_add(&b, "No event failed.");
	dialog_info(ui, "Failure reasons", text);
	ui->dlg.wide = 1;
}

void view_stack_detail(ui_t *ui, const char *arg)
{
	(void)arg;
	const session_t *s = ui->s;
	if (ui->stack->focus == 1) {
		failed_events_detail(ui);
		return;
	}
	if (s->nresources == 0) return;
	size_t *idx = calloc(s->nresources, sizeof *idx);
	if (!idx) return;
	size_t n = res_matching(ui, idx, s->nresources);
	const sess_resource_t *r = &s->resources[n ? idx[ui->stack->res_sel < n ? ui->stack->res_sel : 0] : 0];
	free(idx);
	char text[sizeof ui->dlg.text];
	snprintf(text, sizeof text, "Type: %s\nPhysical id: %s\nStatus: %s\n\n%s", r->type,
	         r->physical_id[0] ? r->physical_id : "-", r->status, r->reason[0] ? r->reason : "No reason given.");
	dialog_info(ui, r->logical_id, text);
}

const char *view_stack_blocks_deploy(const ui_t *ui)
{
	static char why[512];
	const session_t *s = ui->s;
	if (!ui_has_stack(ui)) return NULL;
	const char *st = s->stack_status;
	if (!st[0] || strcmp(st, "CREATE_COMPLETE") == 0 || strcmp(st, "UPDATE_COMPLETE") == 0)
		return "A stack is deployed: destroy it (D) before deploying another.";
	const char *what = ends_with(st, "ROLLBACK_COMPLETE") ? "rolled back but still exists"
	                 : ends_with(st, "_IN_PROGRESS") ? "is still changing"
	                 : "failed but still exists";
	snprintf(why, sizeof why, "The stack %s %s (%s): destroy it (D) before deploying another.",
	         s->stack_name, what, st);
	return why;
}

/* Shared by the console tests (tests/test_ui_*.c): a virtual terminal of a fixed size,
 * sessions built by hand, a recorder in place of the session's actions, a fixed clock,
 * and screens compared against tests/fixtures/ui/<name>.txt (NIXL_UI_UPDATE=1 rewrites
 * them; review the diff). */
#ifndef NIXL_TEST_UI_HARNESS_H
#define NIXL_TEST_UI_HARNESS_H

#include "testutil.h"

#include <math.h>
#include <time.h>

#include "catalog/config.h"
#include "ui/dump.h"
#include "ui/tty.h"
#include "ui/ui.h"

/* ---- the clock ---- */

static int64_t h_now = 1000000;
static inline int64_t h_clock(void) { return h_now; }

/* ---- the recorder ---- */

static char h_calls[4096];   /* one line per call */
static int h_rc;             /* what the actions return */
static config_t h_cfg;       /* what ops.config gives and set_config stores */
static sess_observer_cb h_observer;
static void *h_observer_ud;

static inline void h_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void h_log(const char *fmt, ...)
{
	size_t n = strlen(h_calls);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(h_calls + n, sizeof h_calls - n, fmt, ap);
	va_end(ap);
	n = strlen(h_calls);
	if (n + 1 < sizeof h_calls) h_calls[n] = '\n', h_calls[n + 1] = 0;
}

static inline void r_observe(session_t *s, sess_observer_cb cb, void *ud) { (void)s; h_observer = cb; h_observer_ud = ud; h_log("observe"); }
static inline int r_set_config(session_t *s, const config_t *cfg)
{
	(void)s;
	if (cfg != &h_cfg) {
		config_free(&h_cfg);
		config_init(&h_cfg);
		for (int k = 0; k < CONFIG_KEY_COUNT; k++)
			if (cfg->value[k]) config_set(&h_cfg, config_key_name(k), cfg->value[k], cfg->source[k], cfg->origin[k], NULL);
	}
	h_log("set_config");
	return 0;
}
static inline const config_t *r_config(const session_t *s) { (void)s; return &h_cfg; }
static inline int r_attach(session_t *s) { (void)s; h_log("attach"); return h_rc; }
static inline int r_deploy(session_t *s, const char *on_failure) { (void)s; h_log("deploy %s", on_failure ? on_failure : "(default)"); return h_rc; }
static inline void r_acknowledge(session_t *s) { (void)s; h_log("acknowledge"); }
static inline int r_teardown(session_t *s) { (void)s; h_log("teardown"); return h_rc; }
static inline int r_node_check(session_t *s, int node) { (void)s; h_log("node_check %d", node); return h_rc; }
static inline int r_pingpong(session_t *s, int a, int b, const char *sizes, int iters)
{
	(void)s;
	h_log("pingpong server=%d client=%d sizes=%s iters=%d", a, b, sizes ? sizes : "(default)", iters);
	return h_rc;
}
static inline void r_detach(session_t *s) { (void)s; h_log("detach"); }
static inline int r_lookup_reservations(session_t *s, const char *type) { (void)s; h_log("lookup_reservations %s", type); return h_rc; }
static inline int r_lookup_offerings(session_t *s, const char *type, int count, int hours, time_t a, time_t b)
{
	(void)s;
	h_log("lookup_offerings %s count=%d hours=%d window=%lds", type, count, hours, (long)(b - a));
	return h_rc;
}
static inline int r_purchase(session_t *s, const char *id) { (void)s; h_log("purchase_offering %s", id); return h_rc; }
static inline int r_lookup_network(session_t *s, const char *type) { (void)s; h_log("lookup_network %s", type); return h_rc; }
static inline int r_lookup_saved(session_t *s) { (void)s; h_log("lookup_saved_reservation"); return h_rc; }
static inline void r_ssm_command(const session_t *s, int node, char *buf, size_t n)
{
	snprintf(buf, n, "aws ssm start-session --target %s --region %s", s->nodes[node - 1].instance_id, s->region);
}
/* The keys the console chose, as flags (enough to see the wizard's choices). */
static inline void r_headless(const session_t *s, char *buf, size_t n)
{
	(void)s;
	size_t len = (size_t)snprintf(buf, n, "nixl-tui deploy");
	for (int k = 0; k < CONFIG_KEY_COUNT && len < n; k++)
		if (h_cfg.value[k] && h_cfg.source[k] == CONFIG_SRC_FLAG)
			len += (size_t)snprintf(buf + len, n - len, " -c %s=%s", config_key_name(k), h_cfg.value[k]);
}

static inline int r_pingpong_matrix(session_t *s) { (void)s; h_log("pingpong_matrix"); return h_rc; }
static inline int r_lookup_image(session_t *s, const char *type) { (void)s; h_log("lookup_image %s", type); return h_rc; }

static inline int r_setup(session_t *s, int node) { (void)s; h_log("setup %d", node); return h_rc; }

static inline int r_mlflow(session_t *s) { (void)s; h_log("mlflow_check"); return h_rc; }
static inline int r_verify(session_t *s) { (void)s; h_log("verify"); return h_rc; }

static inline void r_setup_find(session_t *s) { (void)s; h_log("setup_find"); }
static inline int r_lookup_stacks(session_t *s) { (void)s; h_log("lookup_stacks"); return h_rc; }
static inline int r_open_stack(session_t *s, const char *name) { (void)s; h_log("open_stack %s", name); return h_rc; }

static const ui_ops_t h_ops = {
	r_observe, r_set_config, r_config, r_attach, r_deploy, r_acknowledge, r_teardown, r_node_check,
	r_pingpong, r_detach, r_lookup_reservations, r_lookup_offerings, r_purchase, r_lookup_network,
	r_lookup_saved, r_ssm_command, r_headless, r_pingpong_matrix, r_lookup_image, r_setup, r_mlflow, r_verify, r_setup_find,
	r_lookup_stacks, r_open_stack,
};

/* ---- sessions by hand ---- */

static inline void h_session_init(session_t *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->stack_name, sizeof s->stack_name, "nixl-efa-dev-east-1");
	snprintf(s->region, sizeof s->region, "us-east-1");
	snprintf(s->account, sizeof s->account, "123456789012");
	snprintf(s->endpoint, sizeof s->endpoint, "http://127.0.0.1:4566");
}

#define H_GROW(arr, n, cap) do { if ((n) == (cap)) { (cap) = (cap) ? (cap) * 2 : 8; \
	(arr) = realloc((arr), (cap) * sizeof *(arr)); assert_non_null(arr); } } while (0)

static inline void h_resource(session_t *s, const char *lid, const char *type, const char *status,
                       sess_res_state_t st, const char *reason, int64_t changed)
{
	H_GROW(s->resources, s->nresources, s->capresources);
	sess_resource_t *r = &s->resources[s->nresources++];
	memset(r, 0, sizeof *r);
	snprintf(r->logical_id, sizeof r->logical_id, "%s", lid);
	snprintf(r->type, sizeof r->type, "%s", type);
	snprintf(r->status, sizeof r->status, "%s", status);
	snprintf(r->reason, sizeof r->reason, "%s", reason);
	r->state = st;
	r->changed_ms = changed;
}

static inline void h_event(session_t *s, time_t ts, const char *lid, const char *type, const char *status,
                    const char *reason)
{
	H_GROW(s->events, s->nevents, s->capevents);
	sess_event_t *e = &s->events[s->nevents++];
	memset(e, 0, sizeof *e);
	e->ts = ts;
	snprintf(e->logical_id, sizeof e->logical_id, "%s", lid);
	snprintf(e->type, sizeof e->type, "%s", type);
	snprintf(e->status, sizeof e->status, "%s", status);
	snprintf(e->reason, sizeof e->reason, "%s", reason);
}

static inline void h_step(session_t *s, const char *name, sess_step_state_t st, const char *detail)
{
	H_GROW(s->steps, s->nsteps, s->capsteps);
	sess_step_t *p = &s->steps[s->nsteps++];
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->detail, sizeof p->detail, "%s", detail);
	p->state = st;
}

static inline void h_output(session_t *s, const char *key, const char *value)
{
	s->outputs = realloc(s->outputs, (s->noutputs + 1) * sizeof *s->outputs);
	assert_non_null(s->outputs);
	sess_output_t *o = &s->outputs[s->noutputs++];
	snprintf(o->key, sizeof o->key, "%s", key);
	snprintf(o->value, sizeof o->value, "%s", value);
}

static inline sess_node_t *h_node(session_t *s, const char *role, const char *id, const char *state,
                           const char *pub, const char *priv, const char *ssm)
{
	sess_node_t *n = &s->nodes[s->nnodes];
	memset(n, 0, sizeof *n);
	n->index = (int)++s->nnodes;
	snprintf(n->role, sizeof n->role, "%s", role);
	snprintf(n->instance_id, sizeof n->instance_id, "%s", id);
	snprintf(n->instance_state, sizeof n->instance_state, "%s", state);
	snprintf(n->public_ip, sizeof n->public_ip, "%s", pub);
	snprintf(n->private_ip, sizeof n->private_ip, "%s", priv);
	snprintf(n->ssm_status, sizeof n->ssm_status, "%s", ssm);
	n->pp.exit_code = -1;
	return n;
}

static inline void h_check(sess_node_t *n, const char *name, sess_check_state_t st, const char *detail)
{
	sess_check_t *c = &n->checks[n->nchecks++];
	snprintf(c->name, sizeof c->name, "%s", name);
	snprintf(c->detail, sizeof c->detail, "%s", detail);
	c->state = st;
}

/* Appends to the node's ring of capacity cap (allocated on first use). */
static inline void h_line(sess_node_t *n, size_t cap, const char *text)
{
	if (!n->lines) {
		n->lines = calloc(cap, sizeof *n->lines);
		assert_non_null(n->lines);
		n->caplines = cap;
	}
	if (n->nlines == n->caplines) {
		free(n->lines[n->first_line]);
		n->lines[n->first_line] = strdup(text);
		n->first_line = (n->first_line + 1) % n->caplines;
	} else {
		n->lines[(n->first_line + n->nlines) % n->caplines] = strdup(text);
		n->nlines++;
	}
	n->lines_total++;
}

static inline void h_pp_row(pp_result_t *r, uint64_t bytes, uint64_t n, double secs, double mbps, double usec)
{
	pp_row_t row = { bytes, n, n, bytes * n * 2, secs, mbps, usec, 0, NAN, NAN };
	assert_int_equal(pp_result_add(r, &row), 0);
}

static inline void h_session_free(session_t *s)
{
	free(s->steps);
	free(s->resources);
	free(s->events);
	free(s->outputs);
	free(s->lookup.reservations);
	free(s->lookup.offerings);
	free(s->lookup.vpcs);
	free(s->lookup.stacks);
	for (size_t i = 0; i < s->nnodes; i++) {
		for (size_t k = 0; k < s->nodes[i].nlines; k++)
			free(s->nodes[i].lines[(s->nodes[i].first_line + k) % s->nodes[i].caplines]);
		free(s->nodes[i].lines);
		pp_result_free(&s->nodes[i].pp);
	}
	memset(s, 0, sizeof *s);
}

/* ---- the terminal and the console ---- */

static inline ui_t *h_open(session_t *s, int cols, int rows, int read_only)
{
	setenv("TZ", "UTC", 1);
	tzset();
	h_calls[0] = 0;
	h_rc = 0;
	assert_int_equal(tty_open_virtual(cols, rows, "xterm"), 0);
	ui_opts_t o = { .read_only = read_only, .color = 1, .creds = "profile default", .now_ms = h_clock };
	ui_t *ui = ui_new(s, &h_ops, &o);
	assert_non_null(ui);
	return ui;
}

static inline void h_close(ui_t *ui)
{
	ui_free(ui);
	tty_close();
}

/* Row y of the screen after a render. */
static inline const char *h_row(ui_t *ui, int y)
{
	static char line[4096];
	ui_render(ui);
	dump_row(y, line, sizeof line);
	return line;
}

/* The first row whose text contains all of a and b (b may be NULL), or -1. */
static inline int h_find_row(ui_t *ui, const char *a, const char *b)
{
	for (int y = 0; y < LINES; y++) {
		const char *row = h_row(ui, y);
		if (strstr(row, a) && (!b || strstr(row, b))) return y;
	}
	return -1;
}

/* The column where text starts in row y, or -1. */
static inline int h_find_col(ui_t *ui, int y, const char *text)
{
	const char *row = h_row(ui, y), *p = strstr(row, text);
	return p ? (int)(p - row) : -1;
}

/* The whole screen equals tests/fixtures/ui/<name>.txt. */
static inline void h_assert_screen(ui_t *ui, const char *name)
{
	char path[256], *got = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "ui/%s.txt", name);
	FILE *m = open_memstream(&got, &len);
	assert_non_null(m);
	assert_int_equal(ui_dump(ui, m), 0);
	fclose(m);
	if (getenv("NIXL_UI_UPDATE")) {
		char full[300];
		snprintf(full, sizeof full, "tests/fixtures/%s", path);
		FILE *f = fopen(full, "w");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
	}
	char *want = fixture_read(path, NULL, 0);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "screen %s differs; got:\n%s", name, got);
		fail_msg("screen %s differs from tests/fixtures/%s", name, path);
	}
	free(want);
	free(got);
}

/* Keys as a string: each char is a key. */
static inline void h_keys(ui_t *ui, const char *keys)
{
	for (const char *k = keys; *k; k++) ui_key(ui, (unsigned char)*k);
}

/* The attributes of the cell at y, x after a render. */
static inline attr_t h_attr(ui_t *ui, int y, int x)
{
	ui_render(ui);
	cchar_t c;
	attr_t a;
	short pair;
	wchar_t wc[CCHARW_MAX + 1];
	mvwin_wch(curscr, y, x, &c);
	getcchar(&c, wc, &a, &pair, NULL);
	return a | COLOR_PAIR(pair);
}

#endif

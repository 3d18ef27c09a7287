/* The ping-pong matrix: every pair of nodes, disjoint pairs at once in the rounds of the
 * circle schedule (pingpong_run.h). */
#include "efa/pingpong_run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

size_t pp_matrix_rounds(size_t n) { return n < 2 ? 0 : n % 2 ? n : n - 1; }

size_t pp_matrix_round(size_t n, size_t r, size_t pairs[][2])
{
	/* The circle method: node m-1 stays put, the other m-1 sit on a circle that turns by one
	 * each round; the fixed node meets the one at the round's position, the rest pair off
	 * across it. With n odd, m = n+1 and whoever meets the phantom node n has a bye. */
	size_t m = n % 2 ? n + 1 : n, ring = m - 1, k = 0;
	if (n < 2 || r >= ring) return 0;
	for (size_t i = 0; i < m / 2; i++) {
		size_t a = i == 0 ? ring : (r + i) % ring, b = (r + ring - i) % ring;
		if (a >= n || b >= n) continue;
		pairs[k][0] = a < b ? a : b;
		pairs[k][1] = a < b ? b : a;
		k++;
	}
	return k;
}

/* fi_info lists the same providers for the whole matrix: a node that passed the check once
 * is not checked again (the check is a command per node and a libfabric start, per pair). */
typedef struct node_check {
	int passed, libfabric2;
	char ip[16];
} node_check_t;

typedef struct slot {
	pp_matrix_t *m;
	pp_run_t *run;
	size_t a, b;
	int ended;            /* its run has ended and waits to be freed outside its callback */
} slot_t;

struct pp_matrix {
	pp_node_t *nodes;
	size_t n;
	pp_run_opts_t tmpl;
	pp_matrix_cbs_t cbs;
	pp_result_t *cells;     /* n*n, only a < b used */
	int *have;
	size_t (*order)[2];     /* the pairs in the order they are started */
	size_t npairs, next;    /* order[< next] have all been started */
	unsigned char *started, *busy; /* per pair in order, per node */
	node_check_t *checks;   /* per node: what its first passed fi_info check found */
	slot_t *slots;
	size_t nslots, inflight;
	uint64_t timer;
	int cancelled, finished;
};

static void matrix_pump(pp_matrix_t *m);

static void matrix_store(pp_matrix_t *m, size_t a, size_t b, const pp_result_t *res)
{
	pp_result_t *cell = &m->cells[a * m->n + b];
	*cell = *res;
	cell->rows = NULL;
	cell->nrows = 0;
	for (size_t i = 0; i < res->nrows; i++) pp_result_add(cell, &res->rows[i]);
	m->have[a * m->n + b] = 1;
	if (m->cbs.on_pair) m->cbs.on_pair(m->cbs.ud, a, b, cell);
}

static void matrix_on_timer(loop_t *l, void *ud)
{
	(void)l;
	pp_matrix_t *m = ud;
	m->timer = 0;
	matrix_pump(m);
}

/* Keeps what the run's fi_info check found on each node that passed it. */
static void matrix_note_checks(pp_matrix_t *m, const slot_t *s)
{
	const size_t node[2] = { [PP_SERVER] = s->a, [PP_CLIENT] = s->b };
	for (int side = 0; side < 2; side++) {
		node_check_t c = { 0 };
		c.passed = pp_run_side_checked(s->run, (pp_side_t)side, &c.libfabric2, c.ip, sizeof c.ip);
		if (c.passed && !m->checks[node[side]].passed) m->checks[node[side]] = c;
	}
}

/* A pair of two nodes that passed the check skips it, given where the client finds the server. */
static void matrix_skip_check(const pp_matrix_t *m, size_t a, size_t b, pp_run_opts_t *o)
{
	const node_check_t *ca = &m->checks[a], *cb = &m->checks[b];
	const char *ip = m->nodes[a].ip ? m->nodes[a].ip : ca->ip[0] ? ca->ip : NULL;
	if (o->no_preflight || !ca->passed || !cb->passed || !ip) return;
	o->no_preflight = 1;
	o->server.ip = ip;
	o->libfabric2[PP_SERVER] = ca->libfabric2;
	o->libfabric2[PP_CLIENT] = cb->libfabric2;
}

static void matrix_pair_done(void *ud, const pp_result_t *res)
{
	slot_t *s = ud;
	pp_matrix_t *m = s->m;
	matrix_note_checks(m, s);
	m->busy[s->a] = m->busy[s->b] = 0;
	m->inflight--;
	s->ended = 1;
	matrix_store(m, s->a, s->b, res);
	/* the run is freed, and the next pairs started, outside its own callback */
	if (!m->timer) m->timer = loop_timer_add(m->tmpl.loop, 0, matrix_on_timer, m);
}

/* Starts the pair order[i] in slot s; 0, or -1 (the failure recorded as its result). */
static int matrix_launch(pp_matrix_t *m, size_t i, slot_t *s)
{
	char err[256];
	size_t a = m->order[i][0], b = m->order[i][1];
	pp_run_opts_t o = m->tmpl;
	o.server = m->nodes[a];
	o.client = m->nodes[b];
	o.cbs = (pp_run_cbs_t){ .on_done = matrix_pair_done, .ud = s };
	matrix_skip_check(m, a, b, &o);
	if (m->nslots > 1) o.port_lane = (int)(s - m->slots) + 1;
	m->started[i] = 1;
	if (m->cbs.on_pair_start) m->cbs.on_pair_start(m->cbs.ud, a, b);
	*s = (slot_t){ m, NULL, a, b, 0 };
	m->busy[a] = m->busy[b] = 1;
	m->inflight++;
	if ((s->run = pp_run_start(&o, err, sizeof err))) return 0;
	m->busy[a] = m->busy[b] = 0;
	m->inflight--;
	s->m = NULL;
	pp_result_t failed = { .exit_code = -1 };
	ptext_fmt(failed.error, sizeof failed.error, "%s", err);
	matrix_store(m, a, b, &failed);
	return -1;
}

/* Frees the runs that ended, then fills free slots with the first pairs in order whose two
 * nodes are both idle. */
static void matrix_pump(pp_matrix_t *m)
{
	for (size_t k = 0; k < m->nslots; k++)
		if (m->slots[k].m && m->slots[k].ended) {
			pp_run_free(m->slots[k].run);
			m->slots[k] = (slot_t){ 0 };
		}
	for (size_t k = 0; k < m->nslots && !m->cancelled; k++) {
		if (m->slots[k].m) continue;
		while (m->next < m->npairs && m->started[m->next]) m->next++;
		for (size_t i = m->next; i < m->npairs; i++) {
			if (m->started[i] || m->busy[m->order[i][0]] || m->busy[m->order[i][1]]) continue;
			if (matrix_launch(m, i, &m->slots[k]) == 0) break;
		}
	}
	if (m->inflight == 0 && !m->finished) {
		m->finished = 1;
		if (m->cbs.on_done) m->cbs.on_done(m->cbs.ud);
	}
}

pp_matrix_t *pp_matrix_start(const pp_node_t *nodes, size_t n, const pp_run_opts_t *tmpl, size_t concurrency,
                             const pp_matrix_cbs_t *cbs, char *err, size_t errlen)
{
	if (n < 2 || n > 64) {
		snprintf(err, errlen, "a matrix needs 2..64 nodes");
		return NULL;
	}
	if (concurrency == 0 || concurrency > n / 2) concurrency = n / 2;
	pp_matrix_t *m = calloc(1, sizeof *m);
	if (!m) { snprintf(err, errlen, "out of memory"); return NULL; }
	m->n = n;
	m->npairs = n * (n - 1) / 2;
	m->nslots = concurrency;
	m->nodes = calloc(n, sizeof *m->nodes);
	m->cells = calloc(n * n, sizeof *m->cells);
	m->have = calloc(n * n, sizeof *m->have);
	m->order = calloc(m->npairs, sizeof *m->order);
	m->started = calloc(m->npairs, 1);
	m->busy = calloc(n, 1);
	m->checks = calloc(n, sizeof *m->checks);
	m->slots = calloc(m->nslots, sizeof *m->slots);
	if (!m->nodes || !m->cells || !m->have || !m->order || !m->started || !m->busy || !m->checks || !m->slots) {
		snprintf(err, errlen, "out of memory");
		pp_matrix_free(m);
		return NULL;
	}
	memcpy(m->nodes, nodes, n * sizeof *nodes);
	m->tmpl = *tmpl;
	m->cbs = *cbs;
	size_t k = 0;
	if (concurrency == 1) {
		for (size_t a = 0; a < n; a++)
			for (size_t b = a + 1; b < n; b++) {
				m->order[k][0] = a;
				m->order[k++][1] = b;
			}
	} else {
		for (size_t r = 0; r < pp_matrix_rounds(n); r++) k += pp_matrix_round(n, r, &m->order[k]);
	}
	matrix_pump(m);
	return m;
}

const pp_result_t *pp_matrix_cell(const pp_matrix_t *m, size_t a, size_t b)
{
	if (a == b || a >= m->n || b >= m->n) return NULL;
	if (a > b) { size_t t = a; a = b; b = t; }
	return m->have[a * m->n + b] ? &m->cells[a * m->n + b] : NULL;
}

void pp_matrix_cancel(pp_matrix_t *m)
{
	m->cancelled = 1;
	for (size_t k = 0; k < m->nslots; k++)
		if (m->slots[k].m && !m->slots[k].ended) pp_run_cancel(m->slots[k].run);
	if (!m->timer) m->timer = loop_timer_add(m->tmpl.loop, 0, matrix_on_timer, m);
}

void pp_matrix_free(pp_matrix_t *m)
{
	if (!m) return;
	if (m->timer) loop_timer_cancel(m->tmpl.loop, m->timer);
	if (m->slots)
		for (size_t k = 0; k < m->nslots; k++)
			if (m->slots[k].m) pp_run_free(m->slots[k].run);
	if (m->cells)
		for (size_t i = 0; i < m->n * m->n; i++) pp_result_free(&m->cells[i]);
	free(m->cells);
	free(m->have);
	free(m->order);
	free(m->started);
	free(m->busy);
	free(m->checks);
	free(m->slots);
	free(m->nodes);
	free(m);
}

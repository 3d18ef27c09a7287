/* core/nodejob.h with the local executor: a script on three "targets" (a wrapper executor
 * sets $T to the target's name, and refuses the target "bad"), one failing; cancel;
 * the deadline; Ctrl-C through the job; nodejob_drive. Short /bin/sh children only. */
#include "testutil.h"
#include "base/loop.h"
#include "core/nodejob.h"
#include "efa/exec.h"
#include "efa/exec_local.h"

#include <signal.h>

/* ---- an executor that runs the script locally with T=<target> */

typedef struct texec {
	exec_t base;
	exec_t *local;
} texec_t;

static exec_job_t *t_start(exec_t *ex, const char *target, const char *script, int timeout_ms, const exec_cbs_t *cbs,
                           char *err, size_t errlen)
{
	texec_t *t = (texec_t *)ex;
	if (strcmp(target, "bad") == 0) {
		snprintf(err, errlen, "no such node: %s", target);
		return NULL;
	}
	char buf[4096];
	snprintf(buf, sizeof buf, "T=%s\n%s", target, script);
	return exec_start(t->local, target, buf, timeout_ms, cbs, err, errlen);
}

static void t_free(exec_t *ex)
{
	texec_t *t = (texec_t *)ex;
	exec_free(t->local);
	free(t);
}

static const exec_ops_t t_ops = { "test", t_start, NULL, NULL, t_free };

static exec_t *texec_new(loop_t *l)
{
	texec_t *t = calloc(1, sizeof *t);
	assert_non_null(t);
	t->base.ops = &t_ops;
	exec_local_opts_t lo = { .kill_grace_ms = 300, .eof_grace_ms = 100 };
	t->local = exec_local_new(l, &lo);
	assert_non_null(t->local);
	return &t->base;
}

/* ---- what the hooks saw */

typedef struct seen {
	int lines[4], err_lines[4], partial[4], final[4], done[4], all_done;
	char last_parse[4][256];
	exec_status_t status[4];
	nodejob_t *free_me; /* freed from on_all_done when set */
} seen_t;

static void s_line(void *ud, size_t node, exec_stream_t stream, const char *line, size_t len)
{
	seen_t *s = ud;
	assert_int_equal(strlen(line), len);
	s->lines[node]++;
	s->err_lines[node] += stream == EXEC_STDERR;
}

static void s_result(void *ud, size_t node, const char *text, size_t len, int final)
{
	seen_t *s = ud;
	assert_int_equal(strlen(text), len);
	if (final) s->final[node]++;
	else s->partial[node]++;
	snprintf(s->last_parse[node], sizeof s->last_parse[node], "%s", text);
}

static void s_done(void *ud, size_t node, const exec_result_t *r)
{
	seen_t *s = ud;
	s->done[node]++;
	s->status[node] = r->status;
}

static void s_all(void *ud)
{
	seen_t *s = ud;
	s->all_done++;
	if (s->free_me) nodejob_free(s->free_me);
	s->free_me = NULL;
}

static const char *const three[] = { "n1", "n2", "n3" };

typedef struct fx {
	loop_t *l;
	exec_t *ex; /* NULL once a test freed it */
	seen_t s;
} fx_t;

static int fx_setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->l = loop_new();
	f->ex = texec_new(f->l);
	*state = f;
	return 0;
}

static int fx_teardown(void **state)
{
	fx_t *f = *state;
	exec_free(f->ex);
	loop_free(f->l);
	free(f);
	return 0;
}

/* script on targets[0..n) with every hook recording into f->s. */
static nodejob_t *start(fx_t *f, const char *const *targets, size_t n, const char *script, nodejob_keep_t keep)
{
	nodejob_cbs_t cbs = { s_line, s_result, s_done, s_all, &f->s, keep };
	char err[256];
	nodejob_t *nj = nodejob_start(f->ex, targets, n, script, 60000, &cbs, err, sizeof err);
	assert_non_null(nj);
	return nj;
}

static size_t wait_10s(fx_t *f, nodejob_t *nj) { return nodejob_wait(nj, f->l, loop_now_ms() + 10000); }

static void test_three_nodes_one_fails(void **state)
{
	fx_t *f = *state;
	seen_t *s = &f->s;
	nodejob_t *nj = start(f, three, 3,
	                      "echo \"hello $T\"; echo \"oops $T\" >&2; [ \"$T\" = n2 ] && exit 3; echo \"bye $T\"",
	                      NODEJOB_KEEP_STDOUT);
	assert_int_equal(nodejob_count(nj), 3);
	assert_int_equal(wait_10s(f, nj), 0);
	assert_int_equal(nodejob_pending(nj), 0);
	assert_int_equal(s->all_done, 1);
	for (size_t i = 0; i < 3; i++) {
		const nodejob_node_t *nd = nodejob_node(nj, i);
		assert_true(nd->started);
		assert_false(nd->running);
		assert_true(nd->done);
		assert_string_equal(nd->target, three[i]);
		assert_int_equal(s->done[i], 1);
		assert_int_equal(s->final[i], 1);
		assert_int_equal(s->err_lines[i], 1);
	}
	assert_int_equal(nodejob_node(nj, 0)->res.status, EXEC_SUCCESS);
	assert_string_equal(nodejob_node(nj, 0)->text, "hello n1\nbye n1\n");
	assert_int_equal(s->partial[0], 2);
	assert_string_equal(s->last_parse[0], "hello n1\nbye n1\n");
	assert_int_equal(nodejob_node(nj, 1)->res.status, EXEC_FAILED);
	assert_int_equal(nodejob_node(nj, 1)->res.exit_code, 3);
	assert_string_equal(nodejob_node(nj, 1)->text, "hello n2\n");
	assert_int_equal(s->status[1], EXEC_FAILED);
	assert_int_equal(nodejob_node(nj, 2)->res.status, EXEC_SUCCESS);
	assert_string_equal(nodejob_node(nj, 2)->text, "hello n3\nbye n3\n");
	assert_null(nodejob_node(nj, 3));
	nodejob_free(nj);
}

static void test_keep_all_and_none(void **state)
{
	fx_t *f = *state;
	nodejob_t *nj = start(f, three, 1, "echo a; echo b >&2; echo c", NODEJOB_KEEP_ALL);
	assert_int_equal(wait_10s(f, nj), 0);
	const char *t = nodejob_node(nj, 0)->text;
	assert_non_null(t);
	assert_int_equal(strlen(t), 6); /* a, b, c and their newlines; stderr's order may vary */
	assert_non_null(strstr(t, "b\n"));
	nodejob_free(nj);
	nj = start(f, three, 1, "echo a", NODEJOB_KEEP_NONE);
	assert_int_equal(wait_10s(f, nj), 0);
	assert_null(nodejob_node(nj, 0)->text);
	assert_int_equal(f->s.lines[0], 4);
	nodejob_free(nj);
}

static void test_target_not_started(void **state)
{
	fx_t *f = *state;
	seen_t *s = &f->s;
	const char *targets[] = { "n1", "bad", "n3" };
	nodejob_t *nj = start(f, targets, 3, "echo \"on $T\"", NODEJOB_KEEP_STDOUT);
	const nodejob_node_t *bad = nodejob_node(nj, 1);
	assert_false(bad->started);
	assert_true(bad->done);
	assert_int_equal(bad->res.status, EXEC_ERROR);
	assert_string_equal(bad->res.detail, "no such node: bad");
	assert_int_equal(nodejob_pending(nj), 2);
	assert_int_equal(wait_10s(f, nj), 0);
	assert_int_equal(s->done[1], 0); /* no on_done for a node that never started */
	assert_int_equal(s->done[0] + s->done[2], 2);
	assert_int_equal(s->all_done, 1);
	assert_string_equal(nodejob_node(nj, 2)->text, "on n3\n");
	nodejob_free(nj);
	/* none started: no callback ever, the caller frees it */
	const char *bads[] = { "bad" };
	memset(s, 0, sizeof *s);
	nj = start(f, bads, 1, "true", NODEJOB_KEEP_STDOUT);
	assert_int_equal(nodejob_pending(nj), 0);
	assert_int_equal(nodejob_wait(nj, f->l, loop_now_ms() + 1000), 0);
	assert_int_equal(s->all_done, 0);
	nodejob_free(nj);
	/* refused shapes */
	nodejob_cbs_t cbs = { 0 };
	char err[256];
	assert_null(nodejob_start(f->ex, three, 0, "true", 0, &cbs, err, sizeof err));
	assert_non_null(strstr(err, "1 to"));
}

static int lines_seen(void *ud)
{
	seen_t *s = ud;
	return s->lines[0] && s->lines[1] && s->lines[2];
}

static void test_cancel_and_free_from_all_done(void **state)
{
	fx_t *f = *state;
	seen_t *s = &f->s;
	nodejob_t *nj = start(f, three, 3, "echo up; exec sleep 30", NODEJOB_KEEP_NONE);
	assert_int_equal(nodejob_drive(f->l, lines_seen, NULL, s, loop_now_ms() + 10000), 0);
	s->free_me = nj;
	int64_t t0 = loop_now_ms();
	nodejob_cancel(nj);
	while (!s->all_done && loop_now_ms() < t0 + 10000) loop_run_once(f->l, 100);
	assert_int_equal(s->all_done, 1);
	assert_null(s->free_me); /* freed inside on_all_done */
	assert_true(loop_now_ms() - t0 < 5000);
	for (int i = 0; i < 3; i++) assert_int_equal(s->status[i], EXEC_CANCELLED);
}

static void test_deadline_marks_the_rest_timed_out(void **state)
{
	fx_t *f = *state;
	nodejob_t *nj = start(f, three, 3, "[ \"$T\" = n1 ] && exit 0; exec sleep 30", NODEJOB_KEEP_STDOUT);
	int64_t t0 = loop_now_ms();
	assert_int_equal(nodejob_wait(nj, f->l, t0 + 1500), 2);
	assert_true(loop_now_ms() - t0 < 4000);
	assert_int_equal(nodejob_node(nj, 0)->res.status, EXEC_SUCCESS);
	for (size_t i = 1; i < 3; i++) {
		const nodejob_node_t *nd = nodejob_node(nj, i);
		assert_true(nd->done);
		assert_true(nd->running); /* still running: the executor stops it */
		assert_int_equal(nd->res.status, EXEC_TIMED_OUT);
		assert_string_equal(nd->res.detail, "no result within 2 s");
	}
	assert_int_equal(f->s.all_done, 0);
	exec_free(f->ex); /* kills the sleeps, no callbacks */
	f->ex = NULL;
	nodejob_free(nj);
}

static int never(void *ud)
{
	(void)ud;
	return 0;
}

static void count_int(void *ud) { (*(int *)ud)++; }

static int got_int(void *ud) { return *(int *)ud > 0; }

static void raise_int(loop_t *l, void *ud)
{
	(void)l;
	(void)ud;
	raise(SIGINT);
}

static void test_sigint_cancels_through_the_job(void **state)
{
	fx_t *f = *state;
	nodejob_t *nj = start(f, three, 2, "echo up; exec sleep 30", NODEJOB_KEEP_NONE);
	nodejob_cancel_on_sigint(nj, f->l);
	f->s.lines[2] = 1;
	assert_int_equal(nodejob_drive(f->l, lines_seen, NULL, &f->s, loop_now_ms() + 10000), 0);
	raise(SIGINT);
	assert_int_equal(wait_10s(f, nj), 0);
	assert_int_equal(nodejob_node(nj, 0)->res.status, EXEC_CANCELLED);
	assert_int_equal(nodejob_node(nj, 1)->res.status, EXEC_CANCELLED);
	nodejob_free(nj);
	/* detach: the wait returns at once, the node goes on */
	memset(&f->s, 0, sizeof f->s);
	nj = start(f, three, 1, "exec sleep 30", NODEJOB_KEEP_NONE);
	nodejob_detach_on_sigint(nj, f->l);
	raise(SIGINT);
	int64_t t0 = loop_now_ms();
	assert_int_equal(wait_10s(f, nj), 1);
	assert_true(nodejob_detached(nj));
	assert_true(nodejob_node(nj, 0)->running);
	assert_false(nodejob_node(nj, 0)->done);
	assert_true(loop_now_ms() - t0 < 5000);
	exec_free(f->ex);
	f->ex = NULL;
	nodejob_free(nj);
	/* nodejob_drive: the deadline, and Ctrl-C to the caller's hook */
	assert_int_equal(nodejob_drive(f->l, never, NULL, NULL, loop_now_ms() + 300), -1);
	int ints = 0;
	loop_timer_add(f->l, 50, raise_int, NULL); /* Ctrl-C while it drives */
	assert_int_equal(nodejob_drive(f->l, got_int, count_int, &ints, loop_now_ms() + 10000), 0);
	assert_int_equal(ints, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_three_nodes_one_fails, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_keep_all_and_none, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_target_not_started, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_cancel_and_free_from_all_done, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deadline_marks_the_rest_timed_out, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_sigint_cancels_through_the_job, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

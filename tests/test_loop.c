#include "testutil.h"
#include "base/loop.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void count_timer(loop_t *l, void *ud) { (void)l; (*(int *)ud)++; }

static void test_timer_order_and_cancel(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	int a = 0, b = 0, c = 0;
	loop_timer_add(l, 30, count_timer, &a);
	uint64_t id = loop_timer_add(l, 10, count_timer, &b);
	loop_timer_add(l, 0, count_timer, &c);
	loop_timer_cancel(l, id);
	int64_t t0 = loop_now_ms();
	while (a == 0) assert_true(loop_run_once(l, 1000) >= 0);
	assert_true(loop_now_ms() - t0 >= 29);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	assert_int_equal(c, 1);
	loop_free(l);
}

/* Timers due alike run in the order they were added, whatever a cancel did to the table:
 * a table order decided it before, and in a busy millisecond a timer could wait behind
 * newer ones (test_matrix_checks failed 6 runs of 40 that way). */
struct seq { int order[8], n; };
struct seq_item { struct seq *s; int no; };
static void seq_timer(loop_t *l, void *ud)
{
	(void)l;
	struct seq_item *it = ud;
	it->s->order[it->s->n++] = it->no;
}

static void test_timers_due_alike_run_in_order(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	struct seq s = { {0}, 0 };
	struct seq_item items[6];
	uint64_t ids[6];
	for (int i = 0; i < 6; i++) {
		items[i] = (struct seq_item){ &s, i + 1 };
		ids[i] = loop_timer_add(l, 0, seq_timer, &items[i]);
	}
	loop_timer_cancel(l, ids[1]);
	loop_timer_cancel(l, ids[3]);
	while (s.n < 4) assert_true(loop_run_once(l, 1000) >= 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.order[0], 1);
	assert_int_equal(s.order[1], 3);
	assert_int_equal(s.order[2], 5);
	assert_int_equal(s.order[3], 6);
	loop_free(l);
}

struct pipe_ctx { int reads; char buf[16]; };
static void on_read(loop_t *l, int fd, int ev, void *ud)
{
	struct pipe_ctx *p = ud;
	assert_true(ev & LOOP_READ);
	ssize_t n = read(fd, p->buf, sizeof p->buf - 1);
	if (n > 0) { p->buf[n] = 0; p->reads++; }
	loop_fd_del(l, fd);
}

static void test_fd_readiness(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	struct pipe_ctx p = {0};
	loop_fd_add(l, fds[0], LOOP_READ, on_read, &p);
	assert_int_equal(loop_run_once(l, 0), 0); /* nothing ready yet */
	assert_int_equal(write(fds[1], "hi", 2), 2);
	assert_int_equal(loop_run_once(l, 1000), 1);
	assert_int_equal(p.reads, 1);
	assert_string_equal(p.buf, "hi");
	assert_int_equal(write(fds[1], "x", 1), 1); /* deleted: no further callback */
	assert_int_equal(loop_run_once(l, 20), 0);
	close(fds[0]); close(fds[1]);
	loop_free(l);
}

static void on_sig(loop_t *l, int signo, void *ud) { (void)l; *(int *)ud = signo; }

static void test_signal_self_pipe(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	int got = 0;
	loop_signal_watch(l, SIGUSR1, on_sig, &got);
	kill(getpid(), SIGUSR1);
	int done = 0;
	while (!got && !done) done = loop_run_once(l, 1000) < 0;
	assert_int_equal(got, SIGUSR1);
	loop_signal_unwatch(l, SIGUSR1);
	loop_free(l);
}

static void on_child(loop_t *l, pid_t pid, int status, void *ud)
{
	(void)l; (void)pid;
	*(int *)ud = WIFEXITED(status) ? WEXITSTATUS(status) + 100 : -1;
}

static void test_child_exit(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	int code = 0;
	pid_t pid = fork();
	if (pid == 0) _exit(7);
	loop_child_watch(l, pid, on_child, &code);
	int64_t deadline = loop_now_ms() + 5000;
	while (!code && loop_now_ms() < deadline) loop_run_once(l, 100);
	assert_int_equal(code, 107);
	loop_free(l);
}

static void stop_cb(loop_t *l, void *ud) { (void)ud; loop_stop(l); }

static void test_run_deadline_and_stop(void **state)
{
	(void)state;
	loop_t *l = loop_new();
	int never = 0;
	assert_int_equal(loop_run(l, &never, loop_now_ms() + 30), -1);
	loop_timer_add(l, 5, stop_cb, NULL);
	assert_int_equal(loop_run(l, NULL, loop_now_ms() + 5000), 0);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timer_order_and_cancel),
		cmocka_unit_test(test_timers_due_alike_run_in_order),
		cmocka_unit_test(test_fd_readiness),
		cmocka_unit_test(test_signal_self_pipe),
		cmocka_unit_test(test_child_exit),
		cmocka_unit_test(test_run_deadline_and_stop),
	};
	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}

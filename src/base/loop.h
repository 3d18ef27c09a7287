/* The single-threaded event loop: fds, timers, signals (self-pipe) and child
 * processes, multiplexed by one poll(). Everything in nixl-tui runs on it. */
#ifndef NIXL_BASE_LOOP_H
#define NIXL_BASE_LOOP_H

#include <stdint.h>
#include <sys/types.h>

typedef struct loop loop_t;

enum { LOOP_READ = 1, LOOP_WRITE = 2, LOOP_ERROR = 4 };

typedef void (*loop_fd_cb)(loop_t *l, int fd, int events, void *ud);
typedef void (*loop_timer_cb)(loop_t *l, void *ud);
typedef void (*loop_signal_cb)(loop_t *l, int signo, void *ud);
typedef void (*loop_child_cb)(loop_t *l, pid_t pid, int status, void *ud);

loop_t *loop_new(void);
void loop_free(loop_t *l);

/* Watch fd for LOOP_READ/LOOP_WRITE; re-adding an fd replaces its watcher. */
int loop_fd_add(loop_t *l, int fd, int events, loop_fd_cb cb, void *ud);
int loop_fd_mod(loop_t *l, int fd, int events);
void loop_fd_del(loop_t *l, int fd);

/* One-shot timer; returns an id > 0 to cancel it with. Safe to call from callbacks. */
uint64_t loop_timer_add(loop_t *l, int64_t delay_ms, loop_timer_cb cb, void *ud);
void loop_timer_cancel(loop_t *l, uint64_t id);

/* Deliver signo through the self-pipe to cb on the loop (SIGINT, SIGTERM, SIGWINCH...). */
int loop_signal_watch(loop_t *l, int signo, loop_signal_cb cb, void *ud);
void loop_signal_unwatch(loop_t *l, int signo);

/* Call cb once when child pid exits (reaped with waitpid on SIGCHLD). */
int loop_child_watch(loop_t *l, pid_t pid, loop_child_cb cb, void *ud);
void loop_child_unwatch(loop_t *l, pid_t pid);

/* Monotonic milliseconds. */
int64_t loop_now_ms(void);

/* Wait at most max_wait_ms (-1: until something happens) and dispatch. Returns
 * the number of callbacks run, or -1 on a poll error. */
int loop_run_once(loop_t *l, int max_wait_ms);
/* Run until loop_stop() or *done becomes non-zero (done may be NULL) or the
 * absolute deadline (loop_now_ms() clock; 0 = none) passes. Returns 0, or -1 on timeout. */
int loop_run(loop_t *l, const int *done, int64_t deadline_ms);
void loop_stop(loop_t *l);

#endif

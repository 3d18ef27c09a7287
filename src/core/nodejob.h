/* A node job: one script on N nodes through an executor (efa/exec.h: local or SSM),
 * started together (one SendCommand over SSM), or a command already sent followed again
 * (nodejob_attach). It owns the per-node state (running, done, the exec result, the text a
 * node printed when asked to keep it) and calls the caller's hooks: each line, a parser of
 * the text so far, each node's end, the end of all. Cancel and Ctrl-C reach it through the
 * job itself, never a global. Used by the console's EFA check (core/session_nodes.c) and
 * the headless commands (cmd/efa_check.c, cmd/setup.c, cmd/mlflow_check.c); nodejob_drive
 * is how a headless command runs the loop until its work is done (cmd/pingpong.c too). */
#ifndef NIXL_CORE_NODEJOB_H
#define NIXL_CORE_NODEJOB_H

#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "efa/exec.h"

typedef struct nodejob nodejob_t;

/* What a node's text keeps (for on_result and nodejob_node()->text). */
typedef enum nodejob_keep {
	NODEJOB_KEEP_NONE = 0,
	NODEJOB_KEEP_STDOUT,  /* the stdout lines */
	NODEJOB_KEEP_ALL,     /* stdout and stderr lines, as they came */
} nodejob_keep_t;

typedef struct nodejob_cbs {
	/* Each line of node (its index among the targets), as exec_cbs_t's on_line. */
	void (*on_line)(void *ud, size_t node, exec_stream_t stream, const char *line, size_t len);
	/* The caller's parser: after each kept line (final 0), and once more before on_done
	 * (final 1), with the node's whole text so far ("" when none). May be NULL. */
	void (*on_result)(void *ud, size_t node, const char *text, size_t len, int final);
	/* Once for each node that started, when it ends. May be NULL. */
	void (*on_done)(void *ud, size_t node, const exec_result_t *r);
	/* After the last started node's on_done; the last call of the job: nodejob_free may be
	 * called from it. Never called when no node started. May be NULL. */
	void (*on_all_done)(void *ud);
	void *ud;
	nodejob_keep_t keep;
} nodejob_cbs_t;

typedef struct nodejob_node {
	char target[64];     /* the instance id, or what the local executor was given */
	int started;         /* the executor took it */
	int running;         /* started and its on_done has not come */
	int done;            /* res is final: ended, could not start, or nodejob_wait gave up */
	exec_result_t res;
	char *text;          /* what it printed (cbs.keep), NUL-terminated; NULL when nothing */
	size_t len, cap;
	exec_job_t *job;     /* while running */
	nodejob_t *nj;
	size_t index;
} nodejob_node_t;

/* Starts script on targets[0..n) (n <= EXEC_MAX_NODES) with a timeout per node (ms, 0:
 * none). A target that could not be started is done at once with EXEC_ERROR and the
 * executor's sentence (no on_done for it). NULL with err only when n is 0 or too large or
 * memory ran out. */
nodejob_t *nodejob_start(exec_t *ex, const char *const *targets, size_t n, const char *script, int timeout_ms,
                         const nodejob_cbs_t *cbs, char *err, size_t errlen);
/* Follows command_id, sent earlier, on each target again (exec_ssm_attach: ex is SSM's),
 * from the start of its output. The same contract as nodejob_start. */
nodejob_t *nodejob_attach(exec_t *ex, const char *const *targets, size_t n, const char *command_id, int timeout_ms,
                          const nodejob_cbs_t *cbs, char *err, size_t errlen);

size_t nodejob_count(const nodejob_t *nj);
const nodejob_node_t *nodejob_node(const nodejob_t *nj, size_t i);
/* How many nodes are not done yet. */
size_t nodejob_pending(const nodejob_t *nj);
/* The SSM command id of a running node ("" when not sent yet, not running or not SSM). */
const char *nodejob_command_id(const nodejob_t *nj, size_t i);

/* Asks every running node to stop; their on_done follow on the loop (EXEC_CANCELLED). */
void nodejob_cancel(nodejob_t *nj);
/* Stops following: nodejob_wait returns now, the nodes go on (what an executor with
 * leave_running leaves running when freed). */
void nodejob_detach(nodejob_t *nj);
int nodejob_detached(const nodejob_t *nj);

/* Until nodejob_free: Ctrl-C cancels the job (or, the second form, detaches from it). */
void nodejob_cancel_on_sigint(nodejob_t *nj, loop_t *loop);
void nodejob_detach_on_sigint(nodejob_t *nj, loop_t *loop);

/* For the headless commands: runs loop until every node is done, the job is detached or
 * deadline_ms (loop_now_ms() clock; 0: none) passes; then the nodes still running are done
 * with EXEC_TIMED_OUT and "no result within N s" (they go on until the executor is freed).
 * Returns how many nodes did not end. */
size_t nodejob_wait(nodejob_t *nj, loop_t *loop, int64_t deadline_ms);

/* Runs loop until done(ud) is non-zero or deadline_ms (0: none) passes; meanwhile Ctrl-C
 * calls on_int(ud) (NULL: SIGINT is left as it is). 0, or -1 at the deadline. */
int nodejob_drive(loop_t *loop, int (*done)(void *ud), void (*on_int)(void *ud), void *ud, int64_t deadline_ms);

/* Frees the job and the nodes' text. The executor must be freed first while nodes still
 * run (it stops them without callbacks), or this called from on_all_done or after it. */
void nodejob_free(nodejob_t *nj);

#endif

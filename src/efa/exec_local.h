/* The local executor: each job is a child process (`/bin/sh -c script`, or an argv)
 * in its own process group, stdout/stderr read through pipes on the event loop. A
 * timeout or cancel sends SIGTERM to the group, then SIGKILL after a grace period.
 * For `--local` runs and tests. */
#ifndef NIXL_EFA_EXEC_LOCAL_H
#define NIXL_EFA_EXEC_LOCAL_H

#include "base/loop.h"
#include "efa/exec.h"

typedef struct exec_local_opts {
	int kill_grace_ms; /* SIGTERM -> SIGKILL; 0 = 2000 */
	int eof_grace_ms;  /* after the shell exits, wait this long for pipes a leftover
	                      background process still holds, then kill the group; 0 = 500 */
} exec_local_opts_t;

/* opts may be NULL (defaults). */
exec_t *exec_local_new(loop_t *loop, const exec_local_opts_t *opts);

/* Runs argv[0] (looked up in PATH) with argv, no shell involved. */
exec_job_t *exec_local_start_argv(exec_t *ex, char *const argv[], int timeout_ms,
                                  const exec_cbs_t *cbs, char *err, size_t errlen);

/* From now on, every job of ex runs in one private network namespace that has only a
 * loopback interface (up): servers a test or `--local` run starts (fi_pingpong binds
 * 0.0.0.0) are reachable from nowhere else, and the rest of this process keeps its
 * network. Needs root or unprivileged user namespaces; returns -1 with err otherwise. */
int exec_local_isolate(exec_t *ex, char *err, size_t errlen);

#endif

/* The record of the last setup sent to a stack's nodes, so that a later nixl-tui (after a
 * quit, Ctrl-C or kill -9) finds a setup still running and follows it again:
 * $XDG_STATE_HOME/nixl-tui/<stack>.setup.json, 0600, replaced by rename. */
#ifndef NIXL_SETUP_RECORD_H
#define NIXL_SETUP_RECORD_H

#include <stddef.h>
#include <time.h>

#include "efa/exec.h"
#include "setup/tasks.h"

typedef struct setup_record {
	char stack[160], region[32];
	char command_id[64];  /* one SendCommand for every node */
	char prefix[128];     /* where the files are in the scripts bucket */
	time_t started;
	size_t nnodes;
	int node_no[EXEC_MAX_NODES];   /* 1-based node numbers */
	char ids[EXEC_MAX_NODES][24];  /* their instance ids */
	tasks_t tasks;        /* ids and names only (no commands): enough to read progress */
} setup_record_t;

/* 0, or -1 with a sentence in err. */
int setup_record_save(const setup_record_t *r, const tasks_t *t, char *err, size_t errlen);
/* 0 when a valid record of this stack in this region exists, else -1 (none, or unreadable:
 * then it is as if there were none). */
int setup_record_load(const char *stack, const char *region, setup_record_t *r);
void setup_record_free(setup_record_t *r);

/* A prefix of its own for a run in the scripts bucket: nixl-tui/setup/20261202T035300Z-1a2b3c/ */
void setup_run_prefix(char *out, size_t n);
/* 1 when an SSM command invocation in this status still runs (ListCommandInvocations). */
int setup_status_running(const char *status);

#endif

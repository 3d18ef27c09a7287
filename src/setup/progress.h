/* What the task runner's output says about each task, read line by line as it streams
 * (src/setup/scripts/task_runner.sh writes it). */
#ifndef NIXL_SETUP_PROGRESS_H
#define NIXL_SETUP_PROGRESS_H

#include <stddef.h>

typedef enum { TASK_PENDING, TASK_RUNNING, TASK_OK, TASK_SKIPPED, TASK_FAILED } task_state_t;

enum { PROGRESS_TAIL = 8, PROGRESS_LINE = 240 };

typedef struct task_progress {
	task_state_t state;
	long ms;                      /* the runner's measure of the task; -1 until it ends */
	char command[PROGRESS_LINE];  /* the command running, or the one that failed */
	char tail[PROGRESS_TAIL][PROGRESS_LINE]; /* its last output lines, oldest first */
	size_t ntail;
} task_progress_t;

typedef struct setup_progress {
	task_progress_t *tasks;
	size_t ntasks;
	long current;        /* the running task, or -1 */
	int finished;        /* the runner said it was done */
	int completed, skipped, failed; /* as the runner counted them, once finished */
} setup_progress_t;

/* 0, or -1 when out of memory. Every task starts PENDING. */
int setup_progress_init(setup_progress_t *p, size_t ntasks);
void setup_progress_free(setup_progress_t *p);
/* One line of output, without its newline. Untrusted text: kept as bytes, bounded. */
void setup_progress_line(setup_progress_t *p, const char *line);
const char *task_state_name(task_state_t s);   /* "pending", "running", "success", ... */

#endif

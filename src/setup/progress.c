/* Reads the runner's lines: its markers change a task's state, everything else is the
 * running task's output. See progress.h and task_runner.sh. */
#include "setup/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int setup_progress_init(setup_progress_t *p, size_t ntasks)
{
	memset(p, 0, sizeof *p);
	p->current = -1;
	if (ntasks && !(p->tasks = calloc(ntasks, sizeof *p->tasks))) return -1;
	p->ntasks = ntasks;
	for (size_t i = 0; i < ntasks; i++) p->tasks[i].ms = -1;
	return 0;
}

void setup_progress_free(setup_progress_t *p)
{
	free(p->tasks);
	memset(p, 0, sizeof *p);
	p->current = -1;
}

const char *task_state_name(task_state_t s)
{
	static const char *const names[] = { "pending", "running", "success", "skipped", "failed" };
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static void copy_line(char *dst, const char *src)
{
	snprintf(dst, PROGRESS_LINE, "%s", src);
}

static void add_tail(task_progress_t *t, const char *line)
{
	if (t->ntail == PROGRESS_TAIL) {
		memmove(t->tail[0], t->tail[1], sizeof t->tail[0] * (PROGRESS_TAIL - 1));
		t->ntail--;
	}
	copy_line(t->tail[t->ntail++], line);
}

/* ===NIXL-TASK <index> <event> <ms>=== */
static int task_marker(setup_progress_t *p, const char *line)
{
	unsigned long idx;
	long ms;
	char event[8];
	int end = 0;
	if (sscanf(line, "===NIXL-TASK %lu %7[a-z] %ld===%n", &idx, event, &ms, &end) != 3 || line[end] != 0)
		return 0;
	if (idx >= p->ntasks) return 1;   /* not this plan's: ignored, never indexed */
	task_progress_t *t = &p->tasks[idx];
	if (strcmp(event, "start") == 0) {
		t->state = TASK_RUNNING;
		t->ntail = 0;
		t->command[0] = 0;
		p->current = (long)idx;
		return 1;
	}
	if (strcmp(event, "skip") == 0) t->state = TASK_SKIPPED;
	else if (strcmp(event, "ok") == 0) t->state = TASK_OK;
	else if (strcmp(event, "fail") == 0) t->state = TASK_FAILED;
	else return 1;
	if (t->state != TASK_SKIPPED) t->ms = ms < 0 ? -1 : ms;
	if (p->current == (long)idx) p->current = -1;
	return 1;
}

static int done_marker(setup_progress_t *p, const char *line)
{
	int c, s, f, end = 0;
	if (sscanf(line, "===NIXL-TASKS-DONE completed=%d skipped=%d failed=%d===%n", &c, &s, &f, &end) != 3 ||
	    line[end] != 0)
		return 0;
	p->finished = 1;
	p->completed = c;
	p->skipped = s;
	p->failed = f;
	return 1;
}

/* "<UTC time> [CMD] <command>": the running task's current command */
static int cmd_line(setup_progress_t *p, const char *line)
{
	const char *tag = strstr(line, " [CMD] ");
	if (!tag || tag - line != 20 || p->current < 0) return 0;
	copy_line(p->tasks[p->current].command, tag + 7);
	return 1;
}

void setup_progress_line(setup_progress_t *p, const char *line)
{
	if (task_marker(p, line) || done_marker(p, line) || cmd_line(p, line)) return;
	if (p->current >= 0) add_tail(&p->tasks[p->current], line);
}

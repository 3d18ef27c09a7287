/* Task files (src/setup/tasks.c) and the runner's output read back (src/setup/progress.c)
 * from arbitrary bytes. The input is a task file; its lines are then fed to the progress
 * reader of a plan with as many tasks. A task file either parses (then its plan is
 * built, every id findable) or is refused with one sentence; the progress reader never
 * indexes past its tasks and keeps its text bounded. A broken promise aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setup/progress.h"
#include "setup/tasks.h"

static void fuzz_tasks(const char *data, size_t size, size_t *ntasks)
{
	tasks_t t;
	char err[256] = "";
	*ntasks = 0;
	if (tasks_parse(data, size, &t, err, sizeof err) < 0) {
		size_t n = strnlen(err, sizeof err);
		if (n == 0 || n == sizeof err || strchr(err, '\n')) abort();
		return;
	}
	if (t.ntasks == 0 || t.ntasks > TASKS_MAX_TASKS) abort();
	for (size_t i = 0; i < t.ntasks; i++)
		if (tasks_find(&t, t.tasks[i].id) != (long)i) abort(); /* ids are unique */
	char *plan = tasks_plan(&t, t.ntasks / 2);
	if (plan && (strncmp(plan, "NIXL-PLAN 1 ", 12) != 0 || strchr(plan, '\r'))) abort();
	free(plan);
	*ntasks = t.ntasks;
	tasks_free(&t);
}

static void fuzz_progress(const char *data, size_t size, size_t ntasks)
{
	setup_progress_t p;
	if (setup_progress_init(&p, ntasks ? ntasks : 4) < 0) return;
	char line[512];
	size_t n = 0;
	for (size_t i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n' || n + 1 == sizeof line) {
			line[n] = 0;
			setup_progress_line(&p, line);
			n = 0;
			continue;
		}
		line[n++] = data[i] ? data[i] : ' ';
	}
	if (p.current >= (long)p.ntasks) abort();
	for (size_t i = 0; i < p.ntasks; i++) {
		const task_progress_t *k = &p.tasks[i];
		if (k->ntail > PROGRESS_TAIL || strnlen(k->command, PROGRESS_LINE) == PROGRESS_LINE) abort();
		if ((unsigned)k->state > TASK_FAILED) abort();
	}
	setup_progress_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t ntasks;
	fuzz_tasks((const char *)data, size, &ntasks);
	fuzz_progress((const char *)data, size, ntasks);
	return 0;
}

/* The task runner shipped to nodes, and the shell script that starts it with a plan. */
#ifndef NIXL_SETUP_RUNNER_H
#define NIXL_SETUP_RUNNER_H

/* src/setup/scripts/task_runner.sh, embedded at build time. */
const char *setup_runner_text(void);

/* The task file nixl-tui ships (src/setup/tasks/nixl-node.json): prepares a GPU node of
 * the Deep Learning AMI for NIXL disaggregated inference. */
const char *setup_default_tasks_text(void);

/* A POSIX sh script that writes the runner and the plan to a private temporary
 * directory, runs the plan under bash (reset: forget the record first) and removes the
 * directory. malloc'd; NULL when out of memory. */
char *setup_script(const char *plan, int reset);

#endif

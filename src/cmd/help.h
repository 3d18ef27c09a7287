/* What each command accepts, said once: its help, the man page and the completions. */
#ifndef NIXL_CMD_HELP_H
#define NIXL_CMD_HELP_H

#include <stdio.h>

typedef struct cmd_opt {
	const char *flag;  /* "--node" */
	const char *arg;   /* "N|all", or NULL for a switch */
	const char *text;
} cmd_opt_t;

typedef struct cmd_doc {
	const char *name;
	const cmd_opt_t *opts;      /* ends with a NULL flag */
	const char *exits;          /* the exit codes, one line */
	const char *examples[2];
} cmd_doc_t;

const cmd_doc_t *cmd_doc(const char *name);  /* NULL: no such command */
const cmd_opt_t *cmd_common_opts(void);
/* `nixl-tui CMD --help`: usage, options, common options, exit codes, two examples. 0, or 2
 * (said) for an unknown command. */
int cmd_print_help(const char *name);
void cmd_print_man(FILE *f);
void cmd_print_completion(FILE *f, int zsh);

#endif

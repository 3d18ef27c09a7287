/* Options every subcommand accepts, parsed once; what is left goes to the command. */
#ifndef NIXL_CMD_CLI_H
#define NIXL_CMD_CLI_H

#include <stddef.h>

typedef struct cli {
	const char *profile;       /* --profile */
	const char *region;        /* --region */
	const char *endpoint_url;  /* --endpoint-url */
	const char *log_file;      /* --log FILE */
	int json;                  /* --json */
	int yes;                   /* --yes */
	int read_only;             /* --read-only */
	int allow_non_efa;         /* --allow-non-efa */
	int allow_http;            /* --allow-http: http:// endpoints beyond loopback */
	const char **ctx;          /* -c key=value, in the order given */
	size_t nctx;
	char **args;               /* the rest, in order (command-specific flags and operands) */
	int nargs;
} cli_t;

/* Parses argv (without the program and command names). Returns 0, or -1 with a
 * sentence in err. cli_free releases the arrays (strings stay argv's). */
int cli_parse(int argc, char **argv, cli_t *cli, char *err, size_t errlen);
void cli_free(cli_t *cli);

/* For command-specific flags: if args[*i] is `name` (or `name=value`), stores its value
 * (the next arg, or after '='), advances *i and returns 1; 0 if not this flag; -1 if
 * the value is missing (err filled). */
int cli_take_value(const cli_t *cli, int *i, const char *name, const char **value, char *err,
                   size_t errlen);

#endif

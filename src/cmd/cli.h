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

/* An option of a command's options struct: a flag with a value (a const char * at off) or,
 * when flag is 1, one without (an int at off, set to 1). */
typedef struct cli_opt {
	const char *name;
	size_t off;
	int flag;
} cli_opt_t;
/* If args[*i] is one of opts[0..n), stores it into the struct at base (a value as
 * cli_take_value takes it) and returns 1; 0 if it is none of them; -1 if a value is
 * missing (err filled). */
int cli_take_opt(const cli_t *cli, int *i, const cli_opt_t *opts, size_t n, void *base, char *err, size_t errlen);

#endif

/* Saved ping-pong logs, whole: a bare fi_pingpong table (with or without its command
 * line), efa_test.sh in its old ("Starting server..." + one table) and new format
 * ("Localhost fi_pingpong test: Attempt 1 (max 3)...", "Server Log:", "Client Log:",
 * "fi_pingpong: SUCCESS!" / "Error: fi_pingpong test failed because of timeout."),
 * the EFA installer's self-test tail, and fabtests tables. */
#ifndef NIXL_EFA_PARSE_PPLOG_H
#define NIXL_EFA_PARSE_PPLOG_H

#include <stddef.h>

#include "efa/parse_pingpong.h"
#include "efa/pp_result.h"

typedef enum pplog_format {
	PPLOG_UNRECOGNISED = 0,
	PPLOG_FI_PINGPONG,     /* a bare fi_pingpong table */
	PPLOG_EFA_TEST_OLD,
	PPLOG_EFA_TEST_NEW,
	PPLOG_INSTALLER,       /* efa_installer.sh "== Testing EFA device ==" */
	PPLOG_FABTESTS,        /* bytes iters total ... */
} pplog_format_t;

typedef struct pplog {
	pplog_format_t format;
	pp_result_t result;    /* the client's table (the only one in most logs) */
	pp_result_t server;    /* the server's table, when the log holds both and tells which */
	int tables;            /* tables found (server, client, one per rank or host) */
	char which[160];       /* which table result is, when the log held several or only the server's */
	int verdict;           /* 1 passed, 0 failed, -1 cannot tell */
	int attempts;          /* efa_test.sh new format: attempts seen */
	int cut_rows;          /* rows cut short (a truncated capture) */
	char note[256];        /* what else a reader should know ("capture ends mid-row", warnings) */
} pplog_t;

/* Parses a whole log; never fails (unknown input gives PPLOG_UNRECOGNISED). Free with pplog_free.
 * Every line may carry a launcher prefix ("[rank 1] ", "[1,0]<stdout>:", "host-a: ", a time
 * stamp): each prefix is a stream of its own, so interleaved ranks are read apart. */
void pplog_parse(const char *text, size_t len, pplog_t *out);
void pplog_free(pplog_t *l);
const char *pplog_format_name(pplog_format_t f);

/* From a command line "fi_pingpong -e rdm -p efa host" (a prompt, "Running: " or set -x's
 * "+ " allowed): provider, endpoint and iterations into r. Returns 0 when the line is no
 * such command, else PPLOG_CMD_CLIENT when it names a server address, PPLOG_CMD_SERVER when not. */
enum { PPLOG_CMD_SERVER = 1, PPLOG_CMD_CLIENT = 2 };
int pplog_command(const char *line, pp_result_t *r);

#endif

/* The EFA check: the script shipped to nodes (src/efa/scripts/efa_check.sh, embedded
 * at build time) and the reading of what it prints, or of any saved probe output,
 * into an efa_node_status_t. */
#ifndef NIXL_EFA_CHECK_SCRIPT_H
#define NIXL_EFA_CHECK_SCRIPT_H

#include <stddef.h>

#include "efa/efa_status.h"

/* The script text (NUL-terminated POSIX sh). */
const char *check_script_text(void);

/* Reads the script's output (sections; partial output is fine: missing sections stay
 * unknown). Returns 1 when the text held the script's sections, 0 otherwise. */
int check_script_parse(const char *text, size_t len, efa_node_status_t *st);

/* Reads saved output of unknown origin: the script's, or one or more probes' (fi_info,
 * lspci, lsmod, modinfo, ls /dev/infiniband, ip, nvidia-smi -L, neuron-ls), even a
 * pasted terminal session. Checks without data stay unknown; when nothing at all is
 * recognised every check is unrecognised and st->raw keeps the text. Returns how many
 * script sections or probe outputs were recognised (0: none). */
int check_parse_saved(const char *text, size_t len, efa_node_status_t *st);

#endif

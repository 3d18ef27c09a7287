/* Where nixl-tui keeps its records: $XDG_STATE_HOME/nixl-tui, or ~/.local/state/nixl-tui. */
#ifndef NIXL_BASE_STATEDIR_H
#define NIXL_BASE_STATEDIR_H

#include <stddef.h>

/* The directory, created (0700, with missing parents) when absent. 0, or -1 with errno
 * (ENOENT when neither XDG_STATE_HOME nor HOME is set). */
int state_dir_path(char *buf, size_t n);

#endif

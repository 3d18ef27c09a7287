/* Reading a whole file, writing one atomically, making its directories: one copy each for
 * every command (task files, saved logs, settings, the state directory, the CLI cache). */
#ifndef NIXL_BASE_FILE_H
#define NIXL_BASE_FILE_H

#include <stddef.h>

/* Reads path ("-": standard input) into a malloc'd, NUL-terminated buffer. Refuses what
 * is longer than max bytes (stops reading there: a FIFO or a device cannot fill memory).
 * 0, or -1 with errno set (ENOENT, EACCES, EISDIR, EFBIG past max, ENOMEM, EIO). */
int file_read(const char *path, size_t max, char **out, size_t *len);

/* Replaces path with len bytes of text, as a whole or not at all: written to a temporary
 * file beside it (mode, O_NOFOLLOW), synced, then renamed over it. 0, or -1 with errno. */
int file_write_atomic(const char *path, const char *text, size_t len, unsigned mode);

/* mkdir -p, each level it creates 0700 (the state directory, the CLI's credential cache:
 * the user's alone); path is cut and mended in place. 0 when path is a directory after,
 * or -1 with errno (ENOTDIR when it is something else). */
int file_make_dirs(char *path);

#endif

/* Reading a whole file: one reader for every command (task files, saved logs, settings). */
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

#endif

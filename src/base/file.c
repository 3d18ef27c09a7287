#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int file_read(const char *path, size_t max, char **out, size_t *len)
{
	int use_stdin = strcmp(path, "-") == 0;
	FILE *f = use_stdin ? stdin : fopen(path, "rb");
	if (!f) return -1;
	struct stat st;
	if (!use_stdin && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		errno = EISDIR;
		return -1;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int err = buf ? 0 : ENOMEM;
	while (!err) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > max) err = EFBIG;
		else if (got == 0) break;
		else if (n == cap) {
			char *bigger = realloc(buf, cap * 2 + 1);
			if (!bigger) err = ENOMEM;
			else buf = bigger, cap *= 2;
		}
	}
	if (!err && ferror(f)) err = EIO;
	if (!use_stdin) fclose(f);
	if (err) {
		free(buf);
		errno = err;
		return -1;
	}
	buf[n] = 0;
	*out = buf;
	*len = n;
	return 0;
}

int file_write_atomic(const char *path, const char *text, size_t len, unsigned mode)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	if (fd < 0) return -1;
	int rc = 0;
	while (len && rc == 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR) continue;
		if (n <= 0) rc = -1;
		else text += n, len -= (size_t)n;
	}
	if (rc == 0 && fsync(fd) < 0) rc = -1;
	int e = errno;
	if (close(fd) < 0 && rc == 0) rc = -1, e = errno;
	if (rc == 0 && rename(tmp, path) < 0) rc = -1, e = errno;
	if (rc < 0) {
		unlink(tmp);
		errno = e;
	}
	return rc;
}

int file_make_dirs(char *path)
{
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p) continue;
		char c = *p;
		*p = 0;
		int rc = mkdir(path, 0700);
		*p = c;
		if (rc < 0 && errno != EEXIST) return -1;
		if (!c) break;
	}
	struct stat st;
	if (stat(path, &st) < 0) return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

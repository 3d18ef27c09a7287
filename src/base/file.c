#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

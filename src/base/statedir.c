#include "base/statedir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/file.h"

int state_dir_path(char *buf, size_t n)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int len;
	if (x && *x) len = snprintf(buf, n, "%s/nixl-tui", x);
	else if (home && *home) len = snprintf(buf, n, "%s/.local/state/nixl-tui", home);
	else {
		errno = ENOENT;
		return -1;
	}
	if (len < 0 || (size_t)len >= n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return file_make_dirs(buf);
}

#include "base/statedir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* mkdir -p with 0700 for every level it creates: neither ~/.local nor ~/.local/state
 * need exist, and the records (client request tokens) are the user's alone. */
static int make_dirs(char *path)
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
	return make_dirs(buf);
}

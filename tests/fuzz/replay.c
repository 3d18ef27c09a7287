/* Replays a fuzz target without libFuzzer, for `make test`: every file under the
 * directories FUZZ_DIRS names (space-separated, relative to $NIXL_TUI_ROOT, else the
 * current directory; missing ones are skipped), or under the paths given as arguments.
 * Each input is handed over in a buffer of exactly its size, so ASan (make check) sees
 * a read past its end. One TAP line per directory; a crash fails the runner. */
#include "fuzz.h"

#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>

static size_t replayed, unreadable;

static void replay_file(const char *path, size_t size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(size ? size : 1);
	if (!f || !buf || fread(buf, 1, size, f) != size) {
		unreadable++;
	} else {
		LLVMFuzzerTestOneInput(buf, size);
		replayed++;
	}
	free(buf);
	if (f) fclose(f);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type == FTW_F && S_ISREG(st->st_mode)) replay_file(path, (size_t)st->st_size);
	return 0;
}

/* dir is read; label names it in the TAP line. */
static int replay_dir(const char *dir, const char *label, int n)
{
	struct stat st;
	if (stat(dir, &st) != 0) return 0;
	replayed = unreadable = 0;
	nftw(dir, visit, 16, FTW_PHYS);
	printf("%s %d - %s replays %zu inputs from %s\n", unreadable ? "not ok" : "ok", n + 1,
	       FUZZ_NAME, replayed, label);
	fflush(stdout);
	return 1;
}

int main(int argc, char **argv)
{
	int n = 0;
	if (argc > 1) {
		for (int i = 1; i < argc; i++) n += replay_dir(argv[i], argv[i], n);
		return 0;
	}
	const char *root = getenv("NIXL_TUI_ROOT");
	char dirs[] = FUZZ_DIRS, path[4096];
	for (char *save, *d = strtok_r(dirs, " ", &save); d; d = strtok_r(NULL, " ", &save)) {
		snprintf(path, sizeof path, "%s/%s", root && *root ? root : ".", d);
		n += replay_dir(path, d, n);
	}
	return 0;
}

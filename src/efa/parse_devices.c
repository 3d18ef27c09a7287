#include "efa/parse_devices.h"

#include <ctype.h>
#include <string.h>

#include "efa/parse_text.h"

/* The last blank-separated word of line. */
static const char *last_word(const char *line)
{
	const char *w = strrchr(line, ' ');
	const char *tab = strrchr(line, '\t');
	if (tab && (!w || tab > w)) w = tab;
	return w ? w + 1 : line;
}

static int dev_name(const char *w, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(w, prefix, n) != 0) return 0;
	if (!w[n]) return strcmp(prefix, "rdma_cm") == 0;
	for (const char *p = w + n; *p; p++)
		if (!isdigit((unsigned char)*p)) return 0;
	return 1;
}

int parse_devices(const char *text, size_t len, devices_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	int total = 0;
	while ((line = ptext_next(&t))) {
		if (strstr(line, "/dev/infiniband") && strstr(line, "No such file or directory")) {
			o->missing = 1;
			continue;
		}
		if (ptext_starts_with(line, "total ")) { total = 1; continue; }
		const char *w = last_word(line);
		int plain = w == line; /* "uverbs0" or "/dev/infiniband/uverbs0" */
		int long_row = strchr("cbdl-", line[0]) && strspn(line + 1, "rwxsStT-") >= 9;
		if (!plain && !long_row) continue;
		const char *slash = strrchr(w, '/');
		if (slash) w = slash + 1;
		int is_uverbs = dev_name(w, "uverbs"), is_cm = dev_name(w, "rdma_cm");
		if (!is_uverbs && !is_cm) continue;
		if (o->entries < DEVICES_LIST_MAX) ptext_copy_trim(o->names[o->entries], sizeof o->names[0], w, strlen(w));
		o->entries++;
		if (long_row && line[0] == 'c') o->char_devices++;
		if (is_uverbs) o->uverbs++;
		else o->rdma_cm = 1;
	}
	return o->entries > 0 || o->missing || total;
}

#include "efa/parse_modinfo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "efa/parse_text.h"

static const struct { const char *key; size_t off, len; } fields[] = {
	{ "name", offsetof(modinfo_out_t, name), sizeof(((modinfo_out_t *)0)->name) },
	{ "version", offsetof(modinfo_out_t, version), sizeof(((modinfo_out_t *)0)->version) },
	{ "filename", offsetof(modinfo_out_t, filename), sizeof(((modinfo_out_t *)0)->filename) },
	{ "vermagic", offsetof(modinfo_out_t, vermagic), sizeof(((modinfo_out_t *)0)->vermagic) },
};

int parse_modinfo(const char *text, size_t len, modinfo_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	int fields_seen = 0, not_found = 0;
	while ((line = ptext_next(&t))) {
		/* kmod: "modinfo: ERROR: Module efa not found." */
		if (ptext_starts_with(line, "modinfo: ERROR:") && strstr(line, "not found")) {
			not_found = 1;
			continue;
		}
		if (ptext_prompt_command(line)) continue;
		char key[32];
		const char *v = ptext_key_value(line, key, sizeof key);
		if (!v || line[0] == ' ' || line[0] == '\t') continue;
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			if (strcmp(key, fields[k].key) == 0) {
				snprintf((char *)o + fields[k].off, fields[k].len, "%s", v);
				fields_seen++;
			}
		if (strcmp(key, "alias") == 0 && strncasecmp(v, "pci:v00001D0Fd0000EFA", 21) == 0) o->device_ids++;
	}
	/* filename plus another field: a real description, not a stray "name:" line */
	o->found = o->filename[0] && fields_seen >= 2;
	return o->found || not_found;
}

#include "efa/parse_lsmod.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

static const struct { const char *name; size_t off; } known[] = {
	{ "efa", offsetof(lsmod_out_t, efa) },
	{ "ib_uverbs", offsetof(lsmod_out_t, ib_uverbs) },
	{ "ib_core", offsetof(lsmod_out_t, ib_core) },
	{ "nvidia_peermem", offsetof(lsmod_out_t, peermem) },
	{ "efa_nv_peermem", offsetof(lsmod_out_t, peermem) },
};

int parse_lsmod(const char *text, size_t len, lsmod_out_t *o)
{
	memset(o, 0, sizeof *o);
	o->efa_users = -1;
	ptext_t t;
	ptext_init(&t, text, len);
	const char *line;
	while ((line = ptext_next(&t))) {
		if (ptext_starts_with(line, "Module") && strstr(line, "Size") && strstr(line, "Used by")) {
			o->header = 1;
			continue;
		}
		/* name, size, use count: "efa  126976  0" (optionally ", users" after) */
		char name[64];
		const char *p = line;
		size_t n = 0;
		while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '_')) n++;
		if (n == 0 || n >= sizeof name || (p[n] != ' ' && p[n] != '\t')) continue;
		memcpy(name, p, n);
		name[n] = 0;
		char *end;
		const char *q = ptext_skip_ws(p + n);
		strtol(q, &end, 10);
		if (end == q || (*end != ' ' && *end != '\t')) continue;
		q = ptext_skip_ws(end);
		long users = strtol(q, &end, 10);
		if (end == q || (*end && *end != ' ' && *end != '\t')) continue;
		o->modules++;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			if (strcmp(name, known[k].name) == 0) *(int *)((char *)o + known[k].off) = 1;
		if (strcmp(name, "efa") == 0) o->efa_users = users;
	}
	return o->header || o->modules > 0;
}

#include "efa/parse_gpus.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

/* "GPU 0: NAME (UUID: GPU-...)" */
static int nvidia_line(const char *s, gpus_out_t *o)
{
	if (!ptext_starts_with(s, "GPU ") || !isdigit((unsigned char)s[4])) return 0;
	const char *p = s + 4;
	while (isdigit((unsigned char)*p)) p++;
	if (p[0] != ':' || p[1] != ' ') return 0;
	const char *name = p + 2;
	const char *uuid = strstr(name, " (UUID: ");
	if (!uuid) return 0;
	char model[96];
	ptext_copy_trim(model, sizeof model, name, (size_t)(uuid - name));
	if (o->count == 0) snprintf(o->model, sizeof o->model, "%s", model);
	else if (strcmp(o->model, model) != 0) o->mixed = 1;
	o->kind = GPU_NVIDIA;
	if (o->count < GPUS_LIST_MAX) ptext_fmt(o->names[o->count], sizeof o->names[0], "%s", model);
	o->count++;
	return 1;
}

/* neuron-ls box rows: "| 0      | 2      | 32 GB  | 0000:00:1e.0 |"; the header rows
 * say which column holds NEURON CORES. */
typedef struct neuron_state { int cores_col; int header_rows; } neuron_state_t;

static int cells(const char *s, char cell[][48], int max)
{
	if (*s != '|') return 0;
	int n = 0;
	const char *p = s + 1;
	while (*p && n < max) {
		const char *bar = strchr(p, '|');
		if (!bar) break;
		ptext_copy_trim(cell[n++], 48, p, (size_t)(bar - p));
		p = bar + 1;
	}
	return n;
}

static int neuron_line(const char *s, gpus_out_t *o, neuron_state_t *ns)
{
	char key[32];
	const char *v = ptext_key_value(s, key, sizeof key);
	if (v && strcmp(key, "instance-type") == 0) {
		snprintf(o->instance_type, sizeof o->instance_type, "%s", v);
		return 1;
	}
	if (ptext_starts_with(s, "+-") && strspn(s, "+-") == strlen(s)) return 1;
	char c[16][48];
	int n = cells(s, c, 16);
	if (n < 2) return 0;
	if (!isdigit((unsigned char)c[0][0])) {
		int header = 0;
		for (int i = 0; i < n; i++) {
			if (strcmp(c[i], "NEURON") == 0 || strcmp(c[i], "DEVICE") == 0) header = 1;
			if (strcmp(c[i], "CORES") == 0 || strcmp(c[i], "NEURON CORES") == 0) { header = 1; ns->cores_col = i; }
		}
		ns->header_rows += header;
		return header || (ns->header_rows && !c[0][0]); /* a continuation row (more processes) */
	}
	if (!ns->header_rows || !isdigit((unsigned char)c[0][0])) return 0;
	o->kind = GPU_NEURON;
	if (o->count < GPUS_LIST_MAX) ptext_fmt(o->names[o->count], sizeof o->names[0], "neuron%d", atoi(c[0]));
	o->count++;
	if (ns->cores_col > 0 && ns->cores_col < n) o->neuron_cores += atoi(c[ns->cores_col]);
	return 1;
}

int parse_gpus(const char *text, size_t len, gpus_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	neuron_state_t ns = { .cores_col = -1, .header_rows = 0 };
	const char *line;
	int recognised = 0;
	while ((line = ptext_next(&t))) {
		const char *s = ptext_skip_ws(line);
		if (nvidia_line(s, o) || neuron_line(s, o, &ns)) { recognised = 1; continue; }
		if (strstr(s, "NVIDIA-SMI has failed") || strstr(s, "couldn't communicate with the NVIDIA driver")) {
			o->driver_error = 1;
			recognised = 1;
		} else if (strcmp(s, "No devices were found") == 0) {
			o->no_devices = 1;
			recognised = 1;
		}
	}
	return recognised;
}

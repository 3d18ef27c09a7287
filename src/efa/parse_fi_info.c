#include "efa/parse_fi_info.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "efa/parse_text.h"

void fi_info_free(fi_info_out_t *out)
{
	free(out->entries);
	out->entries = NULL;
	out->n = 0;
}

static fi_entry_t *new_entry(fi_info_out_t *o)
{
	fi_entry_t *e = realloc(o->entries, (o->n + 1) * sizeof *e);
	if (!e) return NULL;
	o->entries = e;
	memset(&e[o->n], 0, sizeof e[0]);
	return &e[o->n++];
}

static int entry_complete(const fi_entry_t *e)
{
	return e->provider[0] && e->domain[0] && e->type[0];
}

#define SET(field, v) snprintf((field), sizeof(field), "%s", (v))

/* Short form: "provider: efa" then fabric/domain/version/type/protocol. */
static const struct { const char *key; size_t off; size_t len; } short_keys[] = {
	{ "fabric", offsetof(fi_entry_t, fabric), sizeof(((fi_entry_t *)0)->fabric) },
	{ "domain", offsetof(fi_entry_t, domain), sizeof(((fi_entry_t *)0)->domain) },
	{ "version", offsetof(fi_entry_t, version), sizeof(((fi_entry_t *)0)->version) },
	{ "type", offsetof(fi_entry_t, type), sizeof(((fi_entry_t *)0)->type) },
	{ "protocol", offsetof(fi_entry_t, protocol), sizeof(((fi_entry_t *)0)->protocol) },
};

/* Verbose form: (section, key) -> field. */
static const struct { const char *section, *key; size_t off; size_t len; } verbose_keys[] = {
	{ "fi_ep_attr", "type", offsetof(fi_entry_t, type), sizeof(((fi_entry_t *)0)->type) },
	{ "fi_ep_attr", "protocol", offsetof(fi_entry_t, protocol), sizeof(((fi_entry_t *)0)->protocol) },
	{ "fi_domain_attr", "name", offsetof(fi_entry_t, domain), sizeof(((fi_entry_t *)0)->domain) },
	{ "fi_fabric_attr", "name", offsetof(fi_entry_t, fabric), sizeof(((fi_entry_t *)0)->fabric) },
	{ "fi_fabric_attr", "prov_name", offsetof(fi_entry_t, provider), sizeof(((fi_entry_t *)0)->provider) },
	{ "fi_fabric_attr", "prov_version", offsetof(fi_entry_t, version), sizeof(((fi_entry_t *)0)->version) },
	{ "fi_device_attr", "name", offsetof(fi_entry_t, nic), sizeof(((fi_entry_t *)0)->nic) },
};

static void set_field(fi_entry_t *e, size_t off, size_t len, const char *v)
{
	snprintf((char *)e + off, len, "%s", v);
}

/* "fi_getinfo: -61", "fi_getinfo: -61 (No data available)",
 * "fi_getinfo(): util/pingpong.c:1489, ret=-61 (No data available)". */
static int error_line(const char *s, fi_info_out_t *o)
{
	const char *num = NULL;
	if (ptext_starts_with(s, "fi_getinfo: -")) num = s + 13;
	else if (ptext_starts_with(s, "fi_getinfo()")) {
		const char *r = strstr(s, "ret=-");
		if (r) num = r + 5;
	}
	if (!num || !isdigit((unsigned char)*num)) return 0;
	o->getinfo_error = atoi(num);
	const char *open = strchr(num, '(');
	const char *close = open ? strchr(open, ')') : NULL;
	if (open && close) ptext_copy_trim(o->error_text, sizeof o->error_text, open + 1, (size_t)(close - open - 1));
	return 1;
}

/* libfabric:PID:TS:PROV:SUBSYS:FUNC():LINE<level> message */
static int log_line(const char *s, fi_info_out_t *o)
{
	if (!ptext_starts_with(s, "libfabric:")) return 0;
	const char *lt = strchr(s, '<');
	const char *gt = lt ? strchr(lt, '>') : NULL;
	if (!gt) return 0;
	o->log_lines++;
	if (strncmp(lt, "<warn>", 6) == 0) {
		if (o->warn_lines++ == 0) snprintf(o->first_warn, sizeof o->first_warn, "%s", ptext_skip_ws(gt + 1));
	}
	return 1;
}

static int version_line(const char *s, fi_info_out_t *o)
{
	char key[64];
	const char *v = ptext_key_value(s, key, sizeof key);
	if (v && isdigit((unsigned char)*v)) {
		if (strcmp(key, "libfabric") == 0) { SET(o->lib_version, v); return 1; }
		if (strcmp(key, "libfabric api") == 0) { SET(o->api_version, v); return 1; }
		if (strcmp(key, "fi_info") == 0) {
			if (!o->lib_version[0]) SET(o->lib_version, v);
			return 1;
		}
	}
	/* "/opt/amazon/efa/bin/fi_info: 1.22.0amzn4.0" */
	const char *f = strstr(s, "fi_info: ");
	if (f && s[0] == '/' && isdigit((unsigned char)f[9])) {
		if (!o->lib_version[0]) SET(o->lib_version, f + 9);
		return 1;
	}
	return 0;
}

typedef struct vstack { int indent[8]; char name[8][64]; int n; } vstack_t;

int parse_fi_info(const char *text, size_t len, fi_info_out_t *o)
{
	memset(o, 0, sizeof *o);
	ptext_t t;
	ptext_init(&t, text, len);
	fi_entry_t *cur = NULL;
	int verbose = 0;
	vstack_t st = { .n = 0 };
	const char *line;
	while ((line = ptext_next(&t))) {
		const char *s = ptext_skip_ws(line);
		if (!*s || strcmp(s, "---") == 0 || strcmp(s, "...") == 0) continue;
		if (ptext_prompt_command(line)) continue;
		if (error_line(s, o) || log_line(s, o)) continue;
		int indent = (int)(s - line);
		char key[64];
		const char *v = ptext_key_value(line, key, sizeof key);
		if (!v && version_line(s, o)) continue;
		if (!v) { o->other_lines++; continue; }
		if (strcmp(key, "provider") == 0 && *v) {
			if (cur && !entry_complete(cur)) o->incomplete++;
			if (!(cur = new_entry(o))) break;
			verbose = 0;
			SET(cur->provider, v);
			continue;
		}
		if (strcmp(key, "fi_info") == 0 && !*v) {
			if (cur && !entry_complete(cur)) o->incomplete++;
			if (!(cur = new_entry(o))) break;
			verbose = 1;
			st.n = 0;
			continue;
		}
		if (version_line(s, o)) continue;
		if (!cur) { o->other_lines++; continue; }
		if (!verbose) {
			size_t k;
			for (k = 0; k < sizeof short_keys / sizeof short_keys[0]; k++)
				if (strcmp(key, short_keys[k].key) == 0) {
					set_field(cur, short_keys[k].off, short_keys[k].len, v);
					break;
				}
			if (k == sizeof short_keys / sizeof short_keys[0]) o->other_lines++;
			continue;
		}
		while (st.n > 0 && st.indent[st.n - 1] >= indent) st.n--;
		if (!*v) {
			if (st.n < 8) {
				st.indent[st.n] = indent;
				SET(st.name[st.n], key);
				st.n++;
			}
			continue;
		}
		const char *section = st.n ? st.name[st.n - 1] : "";
		if (strcmp(section, "fi_link_attr") == 0 && strcmp(key, "speed") == 0) {
			cur->link_speed = strtoull(v, NULL, 10);
			continue;
		}
		for (size_t k = 0; k < sizeof verbose_keys / sizeof verbose_keys[0]; k++)
			if (strcmp(section, verbose_keys[k].section) == 0 && strcmp(key, verbose_keys[k].key) == 0) {
				set_field(cur, verbose_keys[k].off, verbose_keys[k].len, v);
				break;
			}
	}
	if (cur && !entry_complete(cur)) o->incomplete++;
	return o->n > 0 || o->getinfo_error || o->lib_version[0];
}

static int match(const fi_entry_t *e, const char *provider, const char *type)
{
	return (!provider || strcmp(e->provider, provider) == 0) && (!type || strcmp(e->type, type) == 0) &&
	       entry_complete(e);
}

size_t fi_info_count(const fi_info_out_t *o, const char *provider, const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n; i++) n += match(&o->entries[i], provider, type);
	return n;
}

size_t fi_info_count_domains(const fi_info_out_t *o, const char *provider, const char *type)
{
	size_t n = 0;
	for (size_t i = 0; i < o->n; i++) {
		if (!match(&o->entries[i], provider, type)) continue;
		size_t j;
		for (j = 0; j < i; j++)
			if (match(&o->entries[j], provider, type) && strcmp(o->entries[j].domain, o->entries[i].domain) == 0)
				break;
		n += j == i;
	}
	return n;
}

size_t fi_info_fabrics(const fi_info_out_t *o, const char *provider, char *buf, size_t n)
{
	size_t count = 0, used = 0;
	if (n) buf[0] = 0;
	for (size_t i = 0; i < o->n; i++) {
		const fi_entry_t *e = &o->entries[i];
		if (!match(e, provider, NULL)) continue;
		size_t j;
		for (j = 0; j < i; j++)
			if (match(&o->entries[j], provider, NULL) && strcmp(o->entries[j].fabric, e->fabric) == 0) break;
		if (j < i) continue;
		count++;
		if (used < n) {
			int w = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", e->fabric);
			if (w > 0) used += (size_t)w;
		}
	}
	return count;
}

#include "efa/efa_status.h"

#include "base/jsonobj.h"
#include "efa/parse_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *key, *title; } checks[EFA_CHECK_COUNT] = {
	[EFA_CHECK_PCI] = { "pci", "EFA PCI device" },
	[EFA_CHECK_MODULE] = { "module", "efa kernel module" },
	[EFA_CHECK_LIBFABRIC] = { "libfabric", "libfabric EFA provider" },
	[EFA_CHECK_DEVICES] = { "devices", "RDMA device files" },
	[EFA_CHECK_NETWORK] = { "network", "network interfaces" },
	[EFA_CHECK_GPU] = { "gpu", "accelerators + EFA software" },
};

static const struct { const char *name, *utf8, *ascii; } verdicts[] = {
	[EFA_UNKNOWN] = { "unknown", "?", "?" },
	[EFA_PASS] = { "passed", "\xe2\x9c\x93", "ok" },
	[EFA_FAIL] = { "failed", "\xe2\x9c\x97", "FAIL" },
	[EFA_UNRECOGNISED] = { "unrecognised", "?", "??" },
};

void efa_status_init(efa_node_status_t *s, const char *node)
{
	memset(s, 0, sizeof *s);
	snprintf(s->node, sizeof s->node, "%s", node ? node : "");
	s->module_loaded = -1;
	s->script_complete = -1;
	s->simulated = -1;
	s->efa_devices = s->pci_gpus = s->rdm_domains = s->dgram_domains = s->uverbs = s->gpus = -1;
}

int efa_list_add(efa_list_t *l, const char *name, int unique)
{
	for (size_t i = 0; unique && i < l->n; i++)
		if (strcmp(l->v[i], name) == 0) return 0;
	char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (!v) return -1;
	l->v = v;
	if (!(v[l->n] = strdup(name))) return -1;
	l->n++;
	return 0;
}

static void list_free(efa_list_t *l)
{
	for (size_t i = 0; i < l->n; i++) free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void efa_status_free(efa_node_status_t *s)
{
	for (int i = 0; i < EFA_CHECK_COUNT; i++) {
		free(s->checks[i].raw);
		s->checks[i].raw = NULL;
	}
	free(s->raw);
	s->raw = NULL;
	efa_list_t *lists[] = { &s->efa_pci, &s->pci_gpu_addrs, &s->fabric_list, &s->domains,
	                        &s->device_files, &s->interfaces, &s->gpu_list };
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) list_free(lists[i]);
}

void efa_status_set(efa_node_status_t *s, efa_check_id_t id, efa_verdict_t v, const char *raw,
                    size_t rawlen, const char *fmt, ...)
{
	efa_check_t *c = &s->checks[id];
	c->verdict = v;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
	free(c->raw);
	c->raw = NULL;
	if (raw && (c->raw = malloc(rawlen + 1))) {
		memcpy(c->raw, raw, rawlen);
		c->raw[rawlen] = 0;
	}
}

int efa_status_count(const efa_node_status_t *s, efa_verdict_t v)
{
	int n = 0;
	for (int i = 0; i < EFA_CHECK_COUNT; i++) n += s->checks[i].verdict == v;
	return n;
}

int efa_status_exit_code(const efa_node_status_t *s)
{
	if (efa_status_count(s, EFA_PASS) == EFA_CHECK_COUNT) return 0;
	return efa_status_count(s, EFA_FAIL) ? 1 : 3;
}

const char *efa_check_title(efa_check_id_t id)
{
	return (unsigned)id < EFA_CHECK_COUNT ? checks[id].title : "?";
}

const char *efa_check_key(efa_check_id_t id)
{
	return (unsigned)id < EFA_CHECK_COUNT ? checks[id].key : "?";
}

const char *efa_verdict_name(efa_verdict_t v)
{
	return (unsigned)v <= EFA_UNRECOGNISED ? verdicts[v].name : "?";
}

const char *efa_verdict_symbol(efa_verdict_t v, int utf8)
{
	if ((unsigned)v > EFA_UNRECOGNISED) return "?";
	return utf8 ? verdicts[v].utf8 : verdicts[v].ascii;
}

/* Strings from captured text go in as captured: whoever prints the document makes it
 * inert (cmd_print_json), a JSON reader gets them back exact. */
static void add_text(cJSON *o, const char *k, const char *v)
{
	cJSON_AddStringToObject(o, k, v ? v : "");
}

/* A figure that was not measured is null, not 0. */
static void add_count(cJSON *o, const char *k, int v)
{
	if (v < 0) cJSON_AddNullToObject(o, k);
	else cJSON_AddNumberToObject(o, k, v);
}

static void add_list(cJSON *o, const char *k, const efa_list_t *l)
{
	cJSON *a = cJSON_AddArrayToObject(o, k);
	for (size_t i = 0; a && i < l->n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
}

cJSON *efa_status_to_json(const efa_node_status_t *s, int include_raw)
{
	cJSON *o = cJSON_CreateObject();
	add_text(o, "node", s->node);
	json_add_text(o, "source", s->source);
	cJSON_AddBoolToObject(o, "passed", efa_status_exit_code(s) == 0);
	if (s->simulated < 0) cJSON_AddNullToObject(o, "simulated");
	else cJSON_AddBoolToObject(o, "simulated", s->simulated);
	json_add_text(o, "simulated_note", s->simulated_note);
	cJSON *cs = cJSON_AddObjectToObject(o, "checks");
	for (int i = 0; i < EFA_CHECK_COUNT; i++) {
		const efa_check_t *c = &s->checks[i];
		cJSON *j = cJSON_AddObjectToObject(cs, checks[i].key);
		cJSON_AddStringToObject(j, "title", checks[i].title);
		cJSON_AddStringToObject(j, "status", efa_verdict_name(c->verdict));
		add_text(j, "detail", c->detail);
		if (include_raw && c->raw) add_text(j, "raw", c->raw);
	}
	if (include_raw && s->raw) add_text(o, "raw", s->raw);
	cJSON *f = cJSON_AddObjectToObject(o, "facts");
	add_count(f, "efa_devices", s->efa_devices);
	add_list(f, "efa_pci_addresses", &s->efa_pci);
	add_count(f, "pci_gpus", s->pci_gpus);
	add_list(f, "pci_gpu_addresses", &s->pci_gpu_addrs);
	if (s->module_loaded < 0) cJSON_AddNullToObject(f, "module_loaded");
	else cJSON_AddBoolToObject(f, "module_loaded", s->module_loaded);
	json_add_text(f, "module_version", s->module_version);
	json_add_text(f, "provider_version", s->provider_version);
	add_list(f, "fabrics", &s->fabric_list);
	add_list(f, "domains", &s->domains);
	add_count(f, "rdm_domains", s->rdm_domains);
	add_count(f, "dgram_domains", s->dgram_domains);
	json_add_text(f, "libfabric_version", s->libfabric_version);
	json_add_text(f, "installer_version", s->installer_version);
	add_count(f, "uverbs", s->uverbs);
	add_list(f, "device_files", &s->device_files);
	json_add_text(f, "private_ipv4", s->private_ipv4);
	json_add_text(f, "private_interface", s->private_iface);
	add_list(f, "interfaces", &s->interfaces);
	static const char *const kinds[] = { [GPU_NONE] = "none", [GPU_NVIDIA] = "nvidia", [GPU_NEURON] = "neuron" };
	if (s->gpus < 0) cJSON_AddNullToObject(f, "accelerator");
	else cJSON_AddStringToObject(f, "accelerator", kinds[s->gpu_kind]);
	add_count(f, "accelerators", s->gpus);
	json_add_text(f, "accelerator_model", s->gpu_model);
	add_list(f, "accelerator_devices", &s->gpu_list);
	return o;
}

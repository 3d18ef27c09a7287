#include "efa/fabric.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rdma/fabric.h>
#include <rdma/fi_errno.h>

#include "base/jsonobj.h"
#include "base/sbuf.h"

static const struct { enum fi_ep_type type; const char *name; } ep_names[] = {
	{ FI_EP_RDM, "rdm" },
	{ FI_EP_MSG, "msg" },
	{ FI_EP_DGRAM, "dgram" },
	{ FI_EP_SOCK_STREAM, "sock_stream" },
	{ FI_EP_SOCK_DGRAM, "sock_dgram" },
	{ FI_EP_UNSPEC, "unspec" },
};

static const char *ep_name(enum fi_ep_type t)
{
	for (size_t i = 0; i < sizeof ep_names / sizeof ep_names[0]; i++)
		if (ep_names[i].type == t) return ep_names[i].name;
	return "unknown";
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* fi_tostr_r prints enums as their C names; its static-buffer twin fi_tostr is not safe
 * to share, so every conversion goes through the reentrant one. */
static void enum_str(char *dst, size_t len, const void *val, enum fi_type type)
{
	char buf[128];
	buf[0] = 0;
	fi_tostr_r(buf, sizeof buf, val, type);
	copy(dst, len, buf);
}

static void entry_from(fabric_entry_t *e, const struct fi_info *fi)
{
	memset(e, 0, sizeof *e);
	if (fi->fabric_attr) {
		copy(e->provider, sizeof e->provider, fi->fabric_attr->prov_name);
		copy(e->fabric, sizeof e->fabric, fi->fabric_attr->name);
		e->prov_version = fi->fabric_attr->prov_version;
		e->api_version = fi->fabric_attr->api_version;
	}
	if (fi->domain_attr) copy(e->domain, sizeof e->domain, fi->domain_attr->name);
	if (fi->ep_attr) {
		copy(e->ep_type, sizeof e->ep_type, ep_name(fi->ep_attr->type));
		enum_str(e->protocol, sizeof e->protocol, &fi->ep_attr->protocol,
		         FI_TYPE_PROTOCOL);
		e->max_msg_size = fi->ep_attr->max_msg_size;
	}
	if (fi->tx_attr) e->inject_size = fi->tx_attr->inject_size;
	enum_str(e->addr_format, sizeof e->addr_format, &fi->addr_format, FI_TYPE_ADDR_FORMAT);
}

int fabric_entry_has_provider(const fabric_entry_t *e, const char *name)
{
	size_t n = strlen(name);
	if (strcmp(e->provider, name) == 0) return 1;
	/* Layered providers read "core;utility": tcp;ofi_rxm is the tcp provider. */
	for (const char *p = e->provider; *p;) {
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0) return 1;
		if (!end) break;
		p = end + 1;
	}
	return 0;
}

static int efa_rc_alone(void)
{
	struct fi_info *hints = fi_allocinfo(), *list = NULL;
	if (!hints) return -FI_ENOMEM;
	hints->fabric_attr->prov_name = strdup("efa");
	/* Every mode and MR mode the efa provider may ask for, so it is not hidden. */
	hints->mode = ~0ULL;
	hints->domain_attr->mr_mode = FI_MR_LOCAL | FI_MR_ALLOCATED | FI_MR_VIRT_ADDR |
	                              FI_MR_PROV_KEY | FI_MR_ENDPOINT | FI_MR_HMEM;
	int rc = fi_getinfo(FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION), NULL, NULL, 0,
	                    hints, &list);
	fi_freeinfo(list);
	fi_freeinfo(hints);
	return rc;
}

int fabric_probe(fabric_info_t *info)
{
	memset(info, 0, sizeof *info);
	info->lib_version = fi_version();
	struct fi_info *list = NULL;
	info->rc = fi_getinfo(FI_VERSION(FI_MAJOR_VERSION, FI_MINOR_VERSION), NULL, NULL, 0, NULL,
	                      &list);
	size_t n = 0;
	for (struct fi_info *fi = list; fi; fi = fi->next) n++;
	if (n) {
		info->entries = calloc(n, sizeof *info->entries);
		if (!info->entries) {
			fi_freeinfo(list);
			snprintf(info->error, sizeof info->error, "out of memory");
			return -1;
		}
	}
	for (struct fi_info *fi = list; fi; fi = fi->next) {
		fabric_entry_t *e = &info->entries[info->nentries++];
		entry_from(e, fi);
		if (fabric_entry_has_provider(e, "efa")) info->efa_present = 1;
	}
	fi_freeinfo(list);
	info->efa_rc = info->efa_present ? 0 : efa_rc_alone();
	if (info->rc != 0 && info->rc != -FI_ENODATA) {
		snprintf(info->error, sizeof info->error, "fi_getinfo failed: %s (%d)",
		         fi_strerror(-info->rc), info->rc);
		return -1;
	}
	return 0;
}

void fabric_info_free(fabric_info_t *info)
{
	free(info->entries);
	info->entries = NULL;
	info->nentries = 0;
}

void fabric_version_str(uint32_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u", FI_MAJOR(v), FI_MINOR(v));
}

static int matches(const fabric_entry_t *e, const char *only)
{
	return !only || fabric_entry_has_provider(e, only);
}

/* Index of the first entry with the same provider (and ep type when by_ep). */
static size_t first_of(const fabric_info_t *info, size_t i, int by_ep)
{
	const fabric_entry_t *e = &info->entries[i];
	for (size_t j = 0; j < i; j++) {
		const fabric_entry_t *f = &info->entries[j];
		if (strcmp(f->provider, e->provider) == 0 &&
		    (!by_ep || strcmp(f->ep_type, e->ep_type) == 0))
			return j;
	}
	return i;
}

size_t fabric_list_providers(const fabric_info_t *info, const char *ep_type, char *buf,
                             size_t len)
{
	size_t count = 0;
	sbuf_t b;
	sbuf_init(&b, buf, len);
	for (size_t i = 0; i < info->nentries; i++) {
		const fabric_entry_t *e = &info->entries[i];
		if (ep_type && strcmp(e->ep_type, ep_type) != 0) continue;
		int seen = 0;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(info->entries[j].provider, e->provider) == 0 &&
			       (!ep_type || strcmp(info->entries[j].ep_type, ep_type) == 0);
		if (seen) continue;
		sbuf_addf(&b, "%s%s", count ? ", " : "", e->provider);
		count++;
	}
	return count;
}

static void efa_verdict(const fabric_info_t *info, char *buf, size_t len)
{
	if (info->efa_present)
		snprintf(buf, len, "efa: present");
	else
		snprintf(buf, len,
		         "efa: absent (fi_getinfo for provider efa: %s, %d) - no EFA device is "
		         "visible on this host or its kernel driver is not loaded",
		         fi_strerror(-info->efa_rc), info->efa_rc);
}

/* Appends the distinct values of one string field for entries of the same provider
 * (and ep type), separated by ", ". */
static void distinct_fabrics(const fabric_info_t *info, size_t i, char *buf, size_t len)
{
	const fabric_entry_t *e = &info->entries[i];
	sbuf_t b;
	sbuf_init(&b, buf, len);
	for (size_t j = i; j < info->nentries; j++) {
		const fabric_entry_t *f = &info->entries[j];
		if (strcmp(f->provider, e->provider) != 0 || strcmp(f->ep_type, e->ep_type) != 0)
			continue;
		int dup = 0;
		for (size_t k = i; k < j && !dup; k++)
			dup = strcmp(info->entries[k].provider, f->provider) == 0 &&
			      strcmp(info->entries[k].ep_type, f->ep_type) == 0 &&
			      strcmp(info->entries[k].fabric, f->fabric) == 0 &&
			      strcmp(info->entries[k].domain, f->domain) == 0;
		if (dup) continue;
		sbuf_addf(&b, "%s%s (%s)", b.len ? ", " : "", f->fabric, f->domain);
	}
}

char *fabric_render_text(const fabric_info_t *info, const char *only_provider)
{
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	if (!f) return NULL;
	char v[32], fabrics[1024];
	fabric_version_str(info->lib_version, v, sizeof v);
	fprintf(f, "libfabric %s, %zu fi_getinfo entries\n", v, info->nentries);
	fprintf(f, "%-16s %-8s %-7s %s\n", "provider", "version", "ep", "fabrics (domains)");
	size_t shown = 0;
	for (size_t i = 0; i < info->nentries; i++) {
		const fabric_entry_t *e = &info->entries[i];
		if (!matches(e, only_provider) || first_of(info, i, 1) != i) continue;
		fabric_version_str(e->prov_version, v, sizeof v);
		distinct_fabrics(info, i, fabrics, sizeof fabrics);
		fprintf(f, "%-16s %-8s %-7s %s\n", e->provider, v, e->ep_type, fabrics);
		shown++;
	}
	if (only_provider && !shown) {
		char avail[512];
		fabric_list_providers(info, NULL, avail, sizeof avail);
		fprintf(f, "provider \"%s\" not found; available: %s\n", only_provider,
		        avail[0] ? avail : "none");
	}
	char verdict[256];
	efa_verdict(info, verdict, sizeof verdict);
	fprintf(f, "%s\n", verdict);
	fclose(f);
	return out;
}

static cJSON *strings_json(const fabric_info_t *info, size_t i, int field_ep)
{
	/* field_ep: distinct ep types of this provider; else distinct fabrics. */
	const fabric_entry_t *e = &info->entries[i];
	cJSON *arr = cJSON_CreateArray();
	for (size_t j = i; j < info->nentries; j++) {
		const fabric_entry_t *f = &info->entries[j];
		if (strcmp(f->provider, e->provider) != 0) continue;
		const char *val = field_ep ? f->ep_type : f->fabric;
		int dup = 0;
		cJSON *it;
		cJSON_ArrayForEach(it, arr) dup |= strcmp(it->valuestring, val) == 0;
		if (!dup) cJSON_AddItemToArray(arr, cJSON_CreateString(val));
	}
	return arr;
}

cJSON *fabric_to_json(const fabric_info_t *info, const char *only_provider)
{
	char v[32], detail[256];
	cJSON *root = cJSON_CreateObject();
	fabric_version_str(info->lib_version, v, sizeof v);
	cJSON_AddStringToObject(root, "libfabric", v);
	cJSON *efa = cJSON_AddObjectToObject(root, "efa");
	cJSON_AddBoolToObject(efa, "present", info->efa_present);
	cJSON_AddNumberToObject(efa, "fi_getinfo", info->efa_rc);
	efa_verdict(info, detail, sizeof detail);
	cJSON_AddStringToObject(efa, "detail", detail);
	json_add_text(root, "error", info->error); /* null: the probe did not fail */
	cJSON *provs = cJSON_AddArrayToObject(root, "providers");
	cJSON *entries = cJSON_AddArrayToObject(root, "entries");
	for (size_t i = 0; i < info->nentries; i++) {
		const fabric_entry_t *e = &info->entries[i];
		if (!matches(e, only_provider)) continue;
		if (first_of(info, i, 0) == i) {
			cJSON *p = cJSON_CreateObject();
			cJSON_AddStringToObject(p, "name", e->provider);
			fabric_version_str(e->prov_version, v, sizeof v);
			cJSON_AddStringToObject(p, "version", v);
			cJSON_AddItemToObject(p, "endpoints", strings_json(info, i, 1));
			cJSON_AddItemToObject(p, "fabrics", strings_json(info, i, 0));
			cJSON_AddItemToArray(provs, p);
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "provider", e->provider);
		cJSON_AddStringToObject(o, "fabric", e->fabric);
		cJSON_AddStringToObject(o, "domain", e->domain);
		cJSON_AddStringToObject(o, "ep_type", e->ep_type);
		cJSON_AddStringToObject(o, "protocol", e->protocol);
		cJSON_AddStringToObject(o, "addr_format", e->addr_format);
		fabric_version_str(e->prov_version, v, sizeof v);
		cJSON_AddStringToObject(o, "version", v);
		fabric_version_str(e->api_version, v, sizeof v);
		cJSON_AddStringToObject(o, "api_version", v);
		cJSON_AddNumberToObject(o, "max_msg_size", (double)e->max_msg_size);
		cJSON_AddNumberToObject(o, "inject_size", (double)e->inject_size);
		cJSON_AddItemToArray(entries, o);
	}
	return root;
}

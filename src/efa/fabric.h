/* What libfabric offers on this machine: every fi_getinfo entry (provider, fabric,
 * domain, endpoint type, versions) and whether the efa provider is present. */
#ifndef NIXL_EFA_FABRIC_H
#define NIXL_EFA_FABRIC_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef struct fabric_entry {
	char provider[64];      /* "tcp;ofi_rxm", "shm", "efa" */
	char fabric[64];        /* "127.0.0.1/32", "shm", "efa" */
	char domain[64];        /* "lo", "shm", "rdmap16s27-rdm" */
	char ep_type[8];        /* "rdm", "msg", "dgram", "unspec" */
	char protocol[32];      /* "FI_PROTO_RXM" */
	char addr_format[32];   /* "FI_SOCKADDR_IN", "FI_ADDR_STR", "FI_ADDR_EFA" */
	uint32_t prov_version;  /* FI_VERSION(major, minor) the provider reports */
	uint32_t api_version;   /* fabric_attr->api_version */
	uint64_t max_msg_size;
	uint64_t inject_size;
} fabric_entry_t;

typedef struct fabric_info {
	fabric_entry_t *entries;
	size_t nentries;
	uint32_t lib_version;   /* fi_version(): the libfabric library loaded at run time */
	int efa_present;        /* some entry's provider is efa (or layered on it) */
	int efa_rc;             /* fi_getinfo's result when asked for efa alone: 0 or -FI_E... */
	int rc;                 /* fi_getinfo's result for everything: 0 or -FI_E... */
	char error[256];        /* a sentence when rc != 0 */
} fabric_info_t;

/* Asks fi_getinfo for every entry (no hints: all modes, all endpoint types) and for efa
 * alone. Returns 0, or -1 with info->error set (fabric_info_free is still needed). */
int fabric_probe(fabric_info_t *info);
void fabric_info_free(fabric_info_t *info);

/* 1 if name is one of the entry's provider names ("tcp" matches "tcp;ofi_rxm"). */
int fabric_entry_has_provider(const fabric_entry_t *e, const char *name);

/* Distinct provider names offering ep_type ("rdm"; NULL = any), in first-seen order,
 * joined with ", " into buf. Returns how many. */
size_t fabric_list_providers(const fabric_info_t *info, const char *ep_type, char *buf,
                             size_t len);

/* "1.17" from FI_VERSION(1, 17); provider versions print as "117.0" like fi_info. */
void fabric_version_str(uint32_t v, char *buf, size_t len);

/* The probe as text for a person: one line per provider and endpoint type with its fabrics,
 * then the efa verdict. only_provider filters (NULL = all). Returns a malloc'd string. */
char *fabric_render_text(const fabric_info_t *info, const char *only_provider);

/* {"libfabric": "1.17", "efa": {"present": false, "fi_getinfo": -61, "detail": "..."},
 *  "providers": [{"name", "version", "endpoints": [..], "fabrics": [..]}],
 *  "entries": [{"provider", "fabric", "domain", "ep_type", "protocol", "addr_format",
 *               "version", "api_version", "max_msg_size", "inject_size"}]} */
cJSON *fabric_to_json(const fabric_info_t *info, const char *only_provider);

#endif

/* `fi_info -p efa [-t FI_EP_RDM]` (short form, every indentation and naming era),
 * `fi_info --verbose` (YAML-like), `fi_info --version`, and the failures:
 * "fi_getinfo: -61" with or without "(No data available)", FI_LOG lines. */
#ifndef NIXL_EFA_PARSE_FI_INFO_H
#define NIXL_EFA_PARSE_FI_INFO_H

#include <stddef.h>

typedef struct fi_entry {
	char provider[48];   /* "efa", "efa;ofi_rxd" */
	char fabric[80];     /* "efa", "efa-direct", "EFA-fe80::94:3dff:fe89:1b70" */
	char domain[64];     /* "rdmap16s27-rdm", "efa_0-dgrm" */
	char version[24];    /* provider version: "2.0", "111.20", "201.0" */
	char type[24];       /* "FI_EP_RDM", "FI_EP_DGRAM" */
	char protocol[24];   /* "FI_PROTO_EFA" */
	char nic[32];        /* verbose only: fi_device_attr name */
	unsigned long long link_speed; /* verbose only: bits/s, 0 unknown */
} fi_entry_t;

typedef struct fi_info_out {
	fi_entry_t *entries;
	size_t n;
	int getinfo_error;     /* 61 for "fi_getinfo: -61"; 0 when no such line */
	char error_text[64];   /* "No data available" when printed */
	int log_lines;         /* FI_LOG lines ("libfabric:pid:ts:prov:subsys:fn():line<level> msg") */
	int warn_lines;        /* of which <warn> */
	char first_warn[200];  /* the message of the first <warn> line */
	int other_lines;       /* non-empty lines that were none of the above (prompts excluded) */
	int incomplete;        /* an entry was cut short (truncated or elided capture) */
	char lib_version[32];  /* from `fi_info --version`: "1.17.0", "1.22.0amzn4.0" */
	char api_version[16];  /* "1.17" */
} fi_info_out_t;

/* Parses text; returns 1 when it looked like fi_info output (entries, an error line
 * or a version block), 0 otherwise. out must be freed with fi_info_free. */
int parse_fi_info(const char *text, size_t len, fi_info_out_t *out);
void fi_info_free(fi_info_out_t *out);

/* Entries with this provider (exact, NULL = any) and type (NULL = any). */
size_t fi_info_count(const fi_info_out_t *o, const char *provider, const char *type);
/* Distinct domain names among those entries. */
size_t fi_info_count_domains(const fi_info_out_t *o, const char *provider, const char *type);
/* Distinct fabric names among those entries, comma-separated into buf ("efa-direct, efa";
 * fabrics named per device "EFA-fe80::..." are reported as "EFA-<addr>" once each). */
size_t fi_info_fabrics(const fi_info_out_t *o, const char *provider, char *buf, size_t n);

#endif

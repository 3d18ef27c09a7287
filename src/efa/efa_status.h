/* A node's EFA status: six checks, each passed / failed / unknown / unrecognised with a
 * detail sentence and the raw text it was decided from, plus the facts the parsers
 * found. Filled by check_script.c; shown by the efa-check command and the console. */
#ifndef NIXL_EFA_EFA_STATUS_H
#define NIXL_EFA_EFA_STATUS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "efa/parse_gpus.h"

typedef enum efa_check_id {
	EFA_CHECK_PCI = 0,   /* EFA PCI device */
	EFA_CHECK_MODULE,    /* efa kernel module and version */
	EFA_CHECK_LIBFABRIC, /* libfabric efa provider, fabric, domains */
	EFA_CHECK_DEVICES,   /* /dev/infiniband/uverbs* */
	EFA_CHECK_NETWORK,   /* interfaces and addresses */
	EFA_CHECK_GPU,       /* GPUs / Neuron devices and the /opt/amazon/efa install */
	EFA_CHECK_COUNT
} efa_check_id_t;

typedef enum efa_verdict {
	EFA_UNKNOWN = 0,     /* no data for this check */
	EFA_PASS,
	EFA_FAIL,
	EFA_UNRECOGNISED,    /* data we could not read: raw kept, never guessed */
} efa_verdict_t;

typedef struct efa_check {
	efa_verdict_t verdict;
	char detail[320];
	char *raw;           /* owned; the probe output the verdict came from, or NULL */
} efa_check_t;

/* Names the JSON gives as arrays (every domain of 32 NICs, every GPU): owned, grown on add. */
typedef struct efa_list {
	char **v;
	size_t n;
} efa_list_t;

typedef struct efa_node_status {
	char node[64];       /* instance id, "local", or the file read */
	char source[32];     /* "check script", "fi_info", "lspci", ... what the input was */
	efa_check_t checks[EFA_CHECK_COUNT];
	char *raw;           /* owned; the whole input when nothing in it was recognised */
	int script_complete; /* the script's end marker was seen (-1: not script output) */
	/* the node said it is simulated (the sandbox's simulated EFA nodes do): 1; 0 when the
	 * script ran to its end without saying so; -1 unknown. simulated_note: its words. */
	int simulated;
	char simulated_note[160];

	/* facts: counts are -1 and strings "" when not measured (JSON null / absent) */
	int efa_devices;
	efa_list_t efa_pci;          /* their PCI addresses */
	int pci_gpus;                /* NVIDIA GPUs on the PCI bus (lspci / sysfs) */
	efa_list_t pci_gpu_addrs;
	int module_loaded;           /* 1, 0, or -1 unknown */
	char module_version[32];
	char provider_version[24];   /* "120.0" */
	char fabrics[160];           /* "efa-direct, efa": for the detail line; fabric_list has them all */
	efa_list_t fabric_list;
	efa_list_t domains;          /* every efa domain, RDM and DGRAM */
	int rdm_domains, dgram_domains;
	char first_domain[64];
	char libfabric_version[32];  /* /opt/amazon/efa/bin/fi_info --version */
	char installer_version[32];  /* /opt/amazon/efa_installed_packages */
	int uverbs;
	int rdma_cm;
	efa_list_t device_files;     /* "uverbs0", "rdma_cm" */
	char private_ipv4[16];
	char private_iface[32];
	efa_list_t interfaces;       /* every interface ip listed */
	gpu_kind_t gpu_kind;
	int gpus;
	char gpu_model[96];
	efa_list_t gpu_list;         /* one per accelerator: "NVIDIA H100 80GB HBM3", "neuron0" */
} efa_node_status_t;

void efa_status_init(efa_node_status_t *s, const char *node);
/* Appends a copy of name (skipped when unique and already there). Returns -1 out of memory. */
int efa_list_add(efa_list_t *l, const char *name, int unique);
void efa_status_free(efa_node_status_t *s);
/* Sets a check's verdict and detail; keeps a copy of raw (rawlen bytes; NULL = none). */
void efa_status_set(efa_node_status_t *s, efa_check_id_t id, efa_verdict_t v, const char *raw,
                    size_t rawlen, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

int efa_status_count(const efa_node_status_t *s, efa_verdict_t v);
/* 0 when every check passed, 1 when one failed, 3 when none failed but some are
 * unknown or unrecognised: the efa-check exit code. */
int efa_status_exit_code(const efa_node_status_t *s);

const char *efa_check_title(efa_check_id_t id);    /* "EFA PCI device" */
const char *efa_check_key(efa_check_id_t id);      /* "pci" (JSON) */
const char *efa_verdict_name(efa_verdict_t v);     /* "passed", "failed", "unknown", "unrecognised" */
/* ✓ ✗ ? ? in UTF-8, or "ok" "FAIL" "?" "??" */
const char *efa_verdict_symbol(efa_verdict_t v, int utf8);

/* {"node":..., "source":..., "passed":bool, "simulated":bool|null, "checks":{"pci":{"status","detail","raw"}...},
 *  "facts":{...}} ; include_raw adds each check's raw text. In facts, a count not measured is
 * null and lists are arrays. Strings are as captured
 * (controls and invalid UTF-8 included): print the document with textsafe_json. */
cJSON *efa_status_to_json(const efa_node_status_t *s, int include_raw);

#endif

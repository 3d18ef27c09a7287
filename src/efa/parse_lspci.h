/* PCI devices from `lspci` (plain, -n, -nn, `| grep -i efa`, -tv tree) and from the
 * check script's sysfs listing ("0000:00:06.0 0x1d0f 0xefa0"). */
#ifndef NIXL_EFA_PARSE_LSPCI_H
#define NIXL_EFA_PARSE_LSPCI_H

#include <stddef.h>

#define PCI_LIST_MAX 64

typedef struct pci_out {
	int devices;        /* lines that were PCI devices */
	int efa;            /* Elastic Fabric Adapter (name, or 1d0f:efa0..efaf) */
	int ena;            /* Elastic Network Adapter */
	int neuron;         /* NeuronDevice */
	int nvidia_gpu;     /* 10de display/3D controllers */
	char efa_first[32]; /* address of the first EFA device, as printed */
	char efa_id[16];    /* "efa0".."efa3" when the device id was printed */
	char efa_addrs[PCI_LIST_MAX][16];  /* every EFA device's address, as printed (the first PCI_LIST_MAX) */
	char gpu_addrs[PCI_LIST_MAX][16];  /* every NVIDIA GPU's */
} pci_out_t;

/* Returns 1 when at least one line had the shape of a PCI device line. */
int parse_lspci(const char *text, size_t len, pci_out_t *out);

#endif

/* `modinfo efa`: where the module is and its version ("1.13.0g", "2.17.3g"). */
#ifndef NIXL_EFA_PARSE_MODINFO_H
#define NIXL_EFA_PARSE_MODINFO_H

#include <stddef.h>

typedef struct modinfo_out {
	int found;            /* 1 module described, 0 "Module efa not found" */
	char name[32];
	char version[32];
	char filename[256];
	char vermagic[96];
	int device_ids;       /* "alias: pci:v00001D0Fd0000EFAx..." lines: EFA generations supported */
} modinfo_out_t;

/* Returns 1 when the text was modinfo output (fields, or its not-found error). */
int parse_modinfo(const char *text, size_t len, modinfo_out_t *out);

#endif

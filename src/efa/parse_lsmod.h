/* `lsmod` (whole or grepped): which EFA-related kernel modules are loaded. */
#ifndef NIXL_EFA_PARSE_LSMOD_H
#define NIXL_EFA_PARSE_LSMOD_H

#include <stddef.h>

typedef struct lsmod_out {
	int modules;        /* module lines seen */
	int header;         /* the "Module Size Used by" header was there */
	int efa;            /* efa loaded */
	int ib_uverbs, ib_core;
	int peermem;        /* nvidia_peermem or efa_nv_peermem: GPUDirect RDMA */
	long efa_users;     /* efa's "Used by" count, -1 unknown */
} lsmod_out_t;

/* Returns 1 when the text had lsmod's shape (header or "name size count" lines). */
int parse_lsmod(const char *text, size_t len, lsmod_out_t *out);

#endif

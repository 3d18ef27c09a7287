/* The RDMA device files: `ls -l /dev/infiniband` (or plain `ls`): uverbsN, rdma_cm. */
#ifndef NIXL_EFA_PARSE_DEVICES_H
#define NIXL_EFA_PARSE_DEVICES_H

#include <stddef.h>

#define DEVICES_LIST_MAX 64

typedef struct devices_out {
	int missing;       /* "No such file or directory" for /dev/infiniband */
	int uverbs;        /* uverbsN entries */
	int rdma_cm;
	int char_devices;  /* entries shown as character devices by ls -l */
	int entries;       /* all entries recognised */
	char names[DEVICES_LIST_MAX][24]; /* "uverbs0", "rdma_cm": the first DEVICES_LIST_MAX entries */
} devices_out_t;

/* Returns 1 when the text was such a listing (entries, "total N", or the missing error). */
int parse_devices(const char *text, size_t len, devices_out_t *out);

#endif

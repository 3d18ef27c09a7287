/* libfabric loaded on first use (see fi_dl.c). */
#ifndef NIXL_EFA_FI_DL_H
#define NIXL_EFA_FI_DL_H

#include <stddef.h>

/* Loads libfabric.so.1 if it is not yet: 0, or -1 with a sentence in err. */
int fi_dl_load(char *err, size_t n);

#endif

/* libfabric, loaded on first use. Linking it costs every nixl-tui command ~0.25 s and
 * ~3 MiB at start (its provider libraries' constructors: psm2, ibverbs, rdmacm), which
 * `whoami`, `deploy` and the console never need. So the binary is not linked with it:
 * the seven entry points the fabric code calls are defined here and forward to the
 * library opened with dlopen the first time one is called. Everything else in the
 * libfabric API is inline in its headers and goes through the objects these return. */
#include <dlfcn.h>
#include <rdma/fabric.h>
#include <rdma/fi_errno.h>
#include <stdio.h>
#include <string.h>

#include "efa/fi_dl.h"

static void *lib;
static char load_error[256];

static struct {
	uint32_t (*version)(void);
	int (*getinfo)(uint32_t, const char *, const char *, uint64_t, const struct fi_info *,
	               struct fi_info **);
	void (*freeinfo)(struct fi_info *);
	struct fi_info *(*dupinfo)(const struct fi_info *);
	int (*fabric)(struct fi_fabric_attr *, struct fid_fabric **, void *);
	const char *(*strerror)(int);
	char *(*tostr_r)(char *, size_t, const void *, enum fi_type);
} fn;

int fi_dl_load(char *err, size_t n)
{
	if (lib) return 0;
	if (load_error[0]) goto fail;
	void *h = dlopen("libfabric.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_error, sizeof load_error, "libfabric is not installed (%s); apt-get install libfabric1",
		         dlerror());
		goto fail;
	}
	static const struct { const char *name; void **slot; } syms[] = {
		{ "fi_version", (void **)&fn.version }, { "fi_getinfo", (void **)&fn.getinfo },
		{ "fi_freeinfo", (void **)&fn.freeinfo }, { "fi_dupinfo", (void **)&fn.dupinfo },
		{ "fi_fabric", (void **)&fn.fabric }, { "fi_strerror", (void **)&fn.strerror },
		{ "fi_tostr_r", (void **)&fn.tostr_r },
	};
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(load_error, sizeof load_error, "libfabric.so.1 has no %s: too old a libfabric",
			         syms[i].name);
			memset(&fn, 0, sizeof fn);
			dlclose(h);
			goto fail;
		}
	}
	lib = h;
	return 0;
fail:
	if (err && n) snprintf(err, n, "%s", load_error);
	return -1;
}

uint32_t fi_version(void) { return fi_dl_load(NULL, 0) == 0 ? fn.version() : 0; }

int fi_getinfo(uint32_t version, const char *node, const char *service, uint64_t flags,
               const struct fi_info *hints, struct fi_info **info)
{
	if (fi_dl_load(NULL, 0) < 0) return -FI_ENOSYS;
	return fn.getinfo(version, node, service, flags, hints, info);
}

void fi_freeinfo(struct fi_info *info)
{
	if (fn.freeinfo) fn.freeinfo(info);
}

struct fi_info *fi_dupinfo(const struct fi_info *info)
{
	return fi_dl_load(NULL, 0) == 0 ? fn.dupinfo(info) : NULL;
}

int fi_fabric(struct fi_fabric_attr *attr, struct fid_fabric **fabric, void *context)
{
	if (fi_dl_load(NULL, 0) < 0) return -FI_ENOSYS;
	return fn.fabric(attr, fabric, context);
}

const char *fi_strerror(int errnum)
{
	if (fi_dl_load(NULL, 0) < 0) return load_error;
	return fn.strerror(errnum);
}

char *fi_tostr_r(char *buf, size_t len, const void *data, enum fi_type datatype)
{
	if (fi_dl_load(NULL, 0) < 0) {
		if (len) buf[0] = 0;
		return buf;
	}
	return fn.tostr_r(buf, len, data, datatype);
}

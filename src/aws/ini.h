/* ~/.aws/config and ~/.aws/credentials, read as Python's configparser does (botocore
 * reads them with it): sections, keys, values; indexed so that a file of many sections
 * or keys is read in linear time. */
#ifndef NIXL_AWS_INI_H
#define NIXL_AWS_INI_H

#include <stddef.h>
#include <stdint.h>

#include "aws/error.h"

typedef struct ini_kv {
	char *key, *value;
} ini_kv_t;

typedef struct ini_sec {
	char *name;
	ini_kv_t *kv;
	size_t n, cap;
} ini_sec_t;

/* One slot of the index over section names (owner NO_OWNER, idx a section) and keys
 * (owner a section, idx one of its keys): a file of many sections or keys is read in
 * linear time instead of comparing each header with every one before it. */
#define NO_OWNER SIZE_MAX
typedef struct ini_slot {
	size_t owner, idx;
	int used;
} ini_slot_t;

typedef struct ini {
	char *path;
	int found;
	ini_sec_t *sec;
	size_t n, cap;
	ini_slot_t *slot;
	size_t nslot, used; /* nslot a power of two, at most half used */
} ini_t;

/* Reads path (owned by f from here on; NULL: out of memory) into f. A missing file is
 * empty (f->found 0); an unreadable or malformed one is an error naming label ("config",
 * "credentials"). 0, or -1 with err set. */
int ini_load(ini_t *f, char *path, const char *label, aws_error_t *err);
/* Frees f's sections and path; secrets are cleansed first. */
void ini_free(ini_t *f);
/* The section of that name, or NULL. */
const ini_sec_t *ini_find(const ini_t *f, const char *name);
/* The non-empty value of key in s (s may be NULL), or NULL. */
const char *ini_get(const ini_sec_t *s, const char *key);

#endif

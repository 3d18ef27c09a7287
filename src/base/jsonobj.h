/* A JSON object built from a table of string members: the records kept under the state
 * directory (core/state.c, setup/record.c) start with one; a string member that may be
 * absent, for `--json`. */
#ifndef NIXL_BASE_JSONOBJ_H
#define NIXL_BASE_JSONOBJ_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A new object with the n members kv[i][0] = kv[i][1] (strings), in that order; NULL when
 * memory runs out. The caller deletes it (cJSON_Delete). */
cJSON *json_object_strings(const char *const kv[][2], size_t n);

/* Adds k: v to o, or k: null when v is NULL or "" (what was not reported or not measured:
 * `--json` says null, never "", and keeps the key). */
void json_add_text(cJSON *o, const char *k, const char *v);
/* Adds k: v, or k: null when v is NaN (a figure that was not measured: never a 0 a reader
 * could take for one). */
void json_add_figure(cJSON *o, const char *k, double v);

#endif

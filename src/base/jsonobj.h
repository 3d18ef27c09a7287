/* A JSON object built from a table of string members: the records kept under the state
 * directory (core/state.c, setup/record.c) start with one. */
#ifndef NIXL_BASE_JSONOBJ_H
#define NIXL_BASE_JSONOBJ_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* A new object with the n members kv[i][0] = kv[i][1] (strings), in that order; NULL when
 * memory runs out. The caller deletes it (cJSON_Delete). */
cJSON *json_object_strings(const char *const kv[][2], size_t n);

#endif

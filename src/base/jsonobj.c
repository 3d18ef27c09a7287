/* A JSON object built from a table of string members (jsonobj.h). */
#include "base/jsonobj.h"

cJSON *json_object_strings(const char *const kv[][2], size_t n)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; o && i < n; i++) cJSON_AddStringToObject(o, kv[i][0], kv[i][1]);
	return o;
}

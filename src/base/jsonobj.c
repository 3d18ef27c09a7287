/* A JSON object built from a table of string members (jsonobj.h). */
#include "base/jsonobj.h"

#include <math.h>

cJSON *json_object_strings(const char *const kv[][2], size_t n)
{
	cJSON *o = cJSON_CreateObject();
	for (size_t i = 0; o && i < n; i++) cJSON_AddStringToObject(o, kv[i][0], kv[i][1]);
	return o;
}

void json_add_text(cJSON *o, const char *k, const char *v)
{
	cJSON_AddItemToObject(o, k, v && *v ? cJSON_CreateString(v) : cJSON_CreateNull());
}

void json_add_figure(cJSON *o, const char *k, double v)
{
	cJSON_AddItemToObject(o, k, isnan(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v));
}

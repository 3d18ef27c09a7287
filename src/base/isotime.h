/* ISO 8601 / RFC 3339 times as AWS writes them, the one parser and formatter of the tree. */
#ifndef NIXL_BASE_ISOTIME_H
#define NIXL_BASE_ISOTIME_H

#include <stddef.h>
#include <time.h>

enum { ISOTIME_ZONE_REQUIRED = 0, ISOTIME_ZONE_OPTIONAL = 1 };

/* "2010-07-27T22:26:28Z", "2016-03-15T20:54:31.809Z", "2025-02-15T11:30:00+00:00",
 * "2025-02-15 06:30:00-0500" to UTC seconds and milliseconds (ms may be NULL). Leading
 * spaces are skipped; nothing may follow. Without a zone designator the time is UTC when
 * zone is ISOTIME_ZONE_OPTIONAL and refused otherwise. 0, or -1 with *sec untouched. */
int isotime_parse(const char *s, int zone, time_t *sec, int *ms);

/* "2025-02-15T11:30:00Z" (20 characters and the NUL); cut to n - 1 characters when
 * buf is smaller, "" when t cannot be a calendar time. */
void isotime_format(time_t t, char *buf, size_t n);
/* The same with milliseconds, "2025-02-15T11:30:00.123Z" (24 and the NUL); an ms outside
 * 0..999 is left out, as isotime_format writes. */
void isotime_format_ms(time_t t, int ms, char *buf, size_t n);
/* ISO 8601's basic format, "20250215T113000Z" (16 and the NUL; "" in a smaller buf):
 * SigV4's X-Amz-Date, and names that sort by time. */
void isotime_format_basic(time_t t, char *buf, size_t n);

#endif

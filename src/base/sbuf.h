/* A bounded appender over a caller's fixed buffer: text built piece by piece with
 * printf-like calls never runs past the buffer, however long the pieces, and says when
 * it was cut. Replaces the `len += snprintf(buf + len, size - len, ...)` pattern, whose
 * len passes the size once a piece is cut, so the next call writes out of bounds. */
#ifndef NIXL_BASE_SBUF_H
#define NIXL_BASE_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sbuf {
	char *buf;
	size_t cap;      /* the buffer's size, including the terminating NUL */
	size_t len;      /* always < cap (when cap > 0): buf[len] is the NUL */
	int truncated;   /* something did not fit */
} sbuf_t;

/* Starts an empty text in buf (cap bytes; cap 0 makes every append a no-op). */
void sbuf_init(sbuf_t *b, char *buf, size_t cap);
void sbuf_addf(sbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vaddf(sbuf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sbuf_add(sbuf_t *b, const char *s);

#endif

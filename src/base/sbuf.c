#include "base/sbuf.h"

#include <stdio.h>
#include <string.h>

void sbuf_init(sbuf_t *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->truncated = 0;
	if (cap) buf[0] = 0;
}

void sbuf_vaddf(sbuf_t *b, const char *fmt, va_list ap)
{
	if (b->cap == 0) {
		b->truncated = 1;
		return;
	}
	size_t room = b->cap - b->len;
	int w = vsnprintf(b->buf + b->len, room, fmt, ap);
	if (w < 0) {
		b->buf[b->len] = 0;
		b->truncated = 1;
	} else if ((size_t)w >= room) {
		b->len = b->cap - 1;
		b->truncated = 1;
	} else {
		b->len += (size_t)w;
	}
}

void sbuf_addf(sbuf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sbuf_vaddf(b, fmt, ap);
	va_end(ap);
}

void sbuf_add(sbuf_t *b, const char *s)
{
	sbuf_addf(b, "%s", s);
}

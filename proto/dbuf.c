/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A growable byte buffer.  Callers that fill it from peer data check the
 * length against their own cap before adding (STYLE.md 4: too big is a peer
 * error, never out of memory).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

void
dbuf_init(struct dbuf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void
dbuf_clear(struct dbuf *b)
{
	free(b->data);
	dbuf_init(b);
}

void
dbuf_reset(struct dbuf *b)
{
	b->len = 0;
}

void
dbuf_reserve(struct dbuf *b, size_t more)
{
	size_t	want = b->len + more + 1;

	if (want <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < want)
		b->cap *= 2;
	b->data = xreallocarray(b->data, 1, b->cap);
	b->data[b->len] = '\0';
}

void
dbuf_add(struct dbuf *b, const void *p, size_t len)
{
	dbuf_reserve(b, len);
	if (len != 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
dbuf_add_str(struct dbuf *b, const char *s)
{
	dbuf_add(b, s, strlen(s));
}

void
dbuf_add_u8(struct dbuf *b, uint8_t v)
{
	dbuf_add(b, &v, 1);
}

void
dbuf_add_u16(struct dbuf *b, uint16_t v)
{
	uint8_t	p[2] = { v >> 8, v & 0xff };

	dbuf_add(b, p, 2);
}

void
dbuf_add_u32(struct dbuf *b, uint32_t v)
{
	uint8_t	p[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	dbuf_add(b, p, 4);
}

void
dbuf_printf(struct dbuf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	dbuf_reserve(b, n);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

/* Remove len bytes from the front. */
void
dbuf_consume(struct dbuf *b, size_t len)
{
	if (len >= b->len) {
		b->len = 0;
		if (b->data != NULL)
			b->data[0] = '\0';
		return;
	}
	memmove(b->data, b->data + len, b->len - len);
	b->len -= len;
	b->data[b->len] = '\0';
}

/* Hand the contents to the caller (NUL-terminated); b is left empty. */
uint8_t *
dbuf_steal(struct dbuf *b, size_t *len)
{
	uint8_t	*p;

	if (b->data == NULL)
		dbuf_reserve(b, 0);
	p = b->data;
	if (len != NULL)
		*len = b->len;
	dbuf_init(b);
	return (p);
}

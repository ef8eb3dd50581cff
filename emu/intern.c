/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The fleet-wide string intern table (DESIGN.md "Scale by construction"):
 * parameter values of every phone point here, so 100,000 phones provisioned
 * from one template share one copy of each string.  Same content gives the
 * same pointer, which stays valid until intern_free().  Strings are packed
 * NUL-terminated into large chunks so that a string costs its bytes plus one
 * hash slot; nothing is freed before the whole table.  Not a general
 * allocator: strings are never removed.
 */

#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define INTERN_CHUNK	(64 * 1024)	/* bytes per ordinary chunk */
#define INTERN_BIG	(INTERN_CHUNK / 4)	/* longer strings: own chunk */

struct intern_chunk {
	struct intern_chunk	*next;
	size_t			 used;
	size_t			 size;
	char			 data[];
};

struct intern {
	struct hmap		 map;	/* content -> string in a chunk */
	struct intern_chunk	*chunks;	/* owned; head has free room */
	struct intern_chunk	*big;	/* owned; one string each */
	size_t			 count;
	size_t			 bytes;	/* chunk memory allocated */
};

static char	*intern_alloc(struct intern *, size_t);

struct intern *
intern_create(void)
{
	struct intern	*in;

	in = xcalloc(1, sizeof *in);
	hmap_init(&in->map);
	return (in);
}

void
intern_free(struct intern *in)
{
	struct intern_chunk	*c, *next;

	if (in == NULL)
		return;
	for (c = in->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	for (c = in->big; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	hmap_clear(&in->map);
	free(in);
}

const char *
intern_str(struct intern *in, const char *s)
{
	return (intern_mem(in, s, strlen(s)));
}

/* s need not be NUL-terminated; the interned copy is. */
const char *
intern_mem(struct intern *in, const char *s, size_t len)
{
	char	*p;

	if ((p = hmap_get(&in->map, s, len)) != NULL)
		return (p);
	p = intern_alloc(in, len + 1);
	if (len != 0)
		memcpy(p, s, len);
	p[len] = '\0';
	hmap_put(&in->map, p, len, p);
	in->count++;
	return (p);
}

size_t
intern_count(const struct intern *in)
{
	return (in->count);
}

/* Memory held: chunks plus the hash table. */
size_t
intern_bytes(const struct intern *in)
{
	return (in->bytes + in->map.cap * sizeof *in->map.slot);
}

static char *
intern_alloc(struct intern *in, size_t size)
{
	struct intern_chunk	*c;

	if (size > INTERN_BIG) {
		c = xmalloc(sizeof *c + size);
		c->used = c->size = size;
		c->next = in->big;
		in->big = c;
		in->bytes += sizeof *c + size;
		return (c->data);
	}
	c = in->chunks;
	if (c == NULL || c->size - c->used < size) {
		c = xmalloc(sizeof *c + INTERN_CHUNK);
		c->used = 0;
		c->size = INTERN_CHUNK;
		c->next = in->chunks;
		in->chunks = c;
		in->bytes += sizeof *c + INTERN_CHUNK;
	}
	c->used += size;
	return (c->data + c->used - size);
}

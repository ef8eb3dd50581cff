/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The fleet-wide string intern table (DESIGN.md "Scale by construction"):
 * parameter values of every phone point here, so 100,000 phones provisioned
 * from one template share one copy of each string.  Same content gives the
 * same pointer.
 *
 * Strings are reference counted, so that what a server sends does not stay
 * for the life of the fleet: a server serving a changing value would
 * otherwise grow the table by that value on every resync.  The count sits
 * in a header just before the string, so intern_ref() and intern_unref()
 * need no table and no hashing; a string whose count reaches zero stays in
 * the table as garbage (a lookup of the same content revives it) until the
 * next collection.  intern_collect() is called where no borrowed pointer
 * into the table is alive (the end of phone_handle() and phone_set()) and
 * sweeps only when the table has grown by as much as it held after the last
 * sweep (at least INTERN_SWEEP_MIN): the sweep costs a pass over the table,
 * paid for by that much allocation, and memory stays within about twice
 * what is referenced.  A count that reaches UINT32_MAX is pinned.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#ifndef INTERN_SWEEP_MIN	/* fuzz builds sweep often to catch misuse */
#define INTERN_SWEEP_MIN	(1024 * 1024)	/* bytes allocated between sweeps */
#endif
#define INTERN_PINNED		UINT32_MAX

struct intern_ent {
	uint32_t	 refs;		/* 0: garbage, freed by the next sweep */
	char		 s[];		/* NUL-terminated; the hash map key */
};

struct intern {
	struct hmap	 map;		/* content -> struct intern_ent */
	size_t		 count;		/* entries, garbage included */
	size_t		 bytes;		/* entry memory, garbage included */
	size_t		 swept_bytes;	/* bytes after the last sweep */
	int		 due;		/* a sweep is worth it */
};

static struct intern_ent *intern_ent(const char *);
static void	 intern_sweep(struct intern *);

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
	struct intern_ent	*e;
	size_t			 pos = 0;

	if (in == NULL)
		return;
	while ((e = hmap_next(&in->map, &pos)) != NULL)
		free(e);
	hmap_clear(&in->map);
	free(in);
}

const char *
intern_str(struct intern *in, const char *s)
{
	return (intern_mem(in, s, strlen(s)));
}

/* s need not be NUL-terminated; the interned copy is.  One reference. */
const char *
intern_mem(struct intern *in, const char *s, size_t len)
{
	struct intern_ent	*e;
	size_t			 size, grown;

	if ((e = hmap_get(&in->map, s, len)) != NULL) {
		if (e->refs != INTERN_PINNED)
			e->refs++;
		return (e->s);
	}
	size = sizeof *e + len + 1;
	e = xmalloc(size);
	e->refs = 1;
	if (len != 0)
		memcpy(e->s, s, len);
	e->s[len] = '\0';
	hmap_put(&in->map, e->s, len, e);
	in->count++;
	in->bytes += size;
	grown = in->bytes - in->swept_bytes;
	if (grown >= INTERN_SWEEP_MIN && grown >= in->swept_bytes)
		in->due = 1;
	return (e->s);
}

/* One more reference to an interned string; returns it.  NULL is kept. */
const char *
intern_ref(const char *s)
{
	struct intern_ent	*e;

	if (s == NULL)
		return (NULL);
	e = intern_ent(s);
	if (e->refs != INTERN_PINNED)
		e->refs++;
	return (s);
}

/* Drop one reference; at zero the string waits for intern_collect(). */
void
intern_unref(const char *s)
{
	struct intern_ent	*e;

	if (s == NULL)
		return;
	e = intern_ent(s);
	if (e->refs != INTERN_PINNED && e->refs != 0)
		e->refs--;
}

/*
 * Free the strings nobody references, if the table has grown enough since
 * the last sweep.  Every pointer to a garbage string is invalid afterwards:
 * call only where none is held.
 */
void
intern_collect(struct intern *in)
{
	if (in->due)
		intern_sweep(in);
}

size_t
intern_count(const struct intern *in)
{
	return (in->count);
}

/* Memory held: entries (garbage included) plus the hash table. */
size_t
intern_bytes(const struct intern *in)
{
	return (in->bytes + in->map.cap * sizeof *in->map.slot);
}

static struct intern_ent *
intern_ent(const char *s)
{
	return ((struct intern_ent *)(void *)(s -
	    offsetof(struct intern_ent, s)));
}

/* Rebuild the map from the referenced entries; free the rest. */
static void
intern_sweep(struct intern *in)
{
	struct hmap		 old = in->map;
	struct intern_ent	*e;
	size_t			 pos = 0, len;

	hmap_init(&in->map);
	in->count = in->bytes = 0;
	while ((e = hmap_next(&old, &pos)) != NULL) {
		len = old.slot[pos - 1].len;
		if (e->refs == 0) {
			free(e);
			continue;
		}
		hmap_put(&in->map, e->s, len, e);
		in->count++;
		in->bytes += sizeof *e + len + 1;
	}
	hmap_clear(&old);
	in->swept_bytes = in->bytes;
	in->due = 0;
}

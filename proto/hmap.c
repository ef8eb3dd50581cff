/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * An open-addressing hash map from byte-string keys to pointers.  The map
 * does not own keys or values: the caller keeps both alive while they are
 * in the map (keys usually live inside the value).
 */

#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void	hmap_grow(struct hmap *);

uint64_t
hmap_hash(const void *key, size_t len)
{
	const uint8_t	*p = key;
	uint64_t	 h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return (h);
}

void
hmap_init(struct hmap *m)
{
	m->slot = NULL;
	m->n = m->cap = 0;
}

void
hmap_clear(struct hmap *m)
{
	free(m->slot);
	hmap_init(m);
}

void *
hmap_get(const struct hmap *m, const void *key, size_t len)
{
	uint64_t	 h;
	size_t		 i;

	if (m->cap == 0)
		return (NULL);
	h = hmap_hash(key, len);
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		const struct hmap_slot	*s = &m->slot[i];

		if (s->val == NULL)
			return (NULL);
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return (s->val);
	}
}

/* Insert or replace; returns the previous value or NULL. */
void *
hmap_put(struct hmap *m, const void *key, size_t len, void *val)
{
	uint64_t	 h;
	size_t		 i;
	void		*old;

	if ((m->n + 1) * 4 >= m->cap * 3)
		hmap_grow(m);
	h = hmap_hash(key, len);
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct hmap_slot	*s = &m->slot[i];

		if (s->val == NULL) {
			s->key = key;
			s->len = len;
			s->hash = h;
			s->val = val;
			m->n++;
			return (NULL);
		}
		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0) {
			old = s->val;
			s->key = key;
			s->val = val;
			return (old);
		}
	}
}

/* Remove; returns the value or NULL.  Backward-shift deletion. */
void *
hmap_del(struct hmap *m, const void *key, size_t len)
{
	uint64_t	 h;
	size_t		 i, j, k;
	void		*val;

	if (m->cap == 0)
		return (NULL);
	h = hmap_hash(key, len);
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct hmap_slot	*s = &m->slot[i];

		if (s->val == NULL)
			return (NULL);
		if (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0)
			break;
	}
	val = m->slot[i].val;
	m->slot[i].val = NULL;
	m->n--;
	for (j = (i + 1) & (m->cap - 1); m->slot[j].val != NULL;
	    j = (j + 1) & (m->cap - 1)) {
		k = m->slot[j].hash & (m->cap - 1);
		/* Move j back to i if its home k is not in (i, j]. */
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			m->slot[i] = m->slot[j];
			m->slot[j].val = NULL;
			i = j;
		}
	}
	return (val);
}

/* Iterate: *pos starts at 0; returns NULL at the end. */
void *
hmap_next(const struct hmap *m, size_t *pos)
{
	while (*pos < m->cap) {
		void	*v = m->slot[(*pos)++].val;

		if (v != NULL)
			return (v);
	}
	return (NULL);
}

static void
hmap_grow(struct hmap *m)
{
	struct hmap_slot	*old = m->slot;
	size_t			 oldcap = m->cap, i;

	m->cap = oldcap == 0 ? 16 : oldcap * 2;
	m->slot = xcalloc(m->cap, sizeof *m->slot);
	m->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (old[i].val != NULL)
			hmap_put(m, old[i].key, old[i].len, old[i].val);
	}
	free(old);
}

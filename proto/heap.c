/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A binary min-heap of (key, seq, ptr) entries.  Ties on key are broken by
 * seq, so equal keys come out in insertion order: the sim runtime's
 * determinism rests on this.  Entries carry their own index so they can be
 * removed or re-keyed in O(log n).
 */

#include <stdlib.h>
#include <string.h>

#include "proto.h"

static int	heap_less(const struct heap_ent *, const struct heap_ent *);
static void	heap_swap(struct heap *, size_t, size_t);
static void	heap_up(struct heap *, size_t);
static void	heap_down(struct heap *, size_t);

void
heap_init(struct heap *h)
{
	h->v = NULL;
	h->n = h->cap = 0;
	h->seq = 0;
}

void
heap_clear(struct heap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		h->v[i]->idx = HEAP_NONE;
	free(h->v);
	heap_init(h);
}

void
heap_push(struct heap *h, struct heap_ent *e, uint64_t key)
{
	if (e->idx != HEAP_NONE) {
		heap_update(h, e, key);
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap == 0 ? 64 : h->cap * 2;
		h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
	}
	e->key = key;
	e->seq = h->seq++;
	e->idx = h->n;
	h->v[h->n++] = e;
	heap_up(h, e->idx);
}

struct heap_ent *
heap_top(const struct heap *h)
{
	return (h->n == 0 ? NULL : h->v[0]);
}

struct heap_ent *
heap_pop(struct heap *h)
{
	struct heap_ent	*e;

	if (h->n == 0)
		return (NULL);
	e = h->v[0];
	heap_remove(h, e);
	return (e);
}

void
heap_remove(struct heap *h, struct heap_ent *e)
{
	size_t	i = e->idx;

	if (i == HEAP_NONE)
		return;
	h->n--;
	if (i != h->n) {
		h->v[i] = h->v[h->n];
		h->v[i]->idx = i;
		heap_down(h, i);
		heap_up(h, i);
	}
	e->idx = HEAP_NONE;
}

/* Change the key; the entry is re-sequenced as if newly pushed. */
void
heap_update(struct heap *h, struct heap_ent *e, uint64_t key)
{
	if (e->idx == HEAP_NONE) {
		heap_push(h, e, key);
		return;
	}
	e->key = key;
	e->seq = h->seq++;
	heap_down(h, e->idx);
	heap_up(h, e->idx);
}

static int
heap_less(const struct heap_ent *a, const struct heap_ent *b)
{
	if (a->key != b->key)
		return (a->key < b->key);
	return (a->seq < b->seq);
}

static void
heap_swap(struct heap *h, size_t i, size_t j)
{
	struct heap_ent	*t = h->v[i];

	h->v[i] = h->v[j];
	h->v[j] = t;
	h->v[i]->idx = i;
	h->v[j]->idx = j;
}

static void
heap_up(struct heap *h, size_t i)
{
	while (i > 0 && heap_less(h->v[i], h->v[(i - 1) / 2])) {
		heap_swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void
heap_down(struct heap *h, size_t i)
{
	size_t	l, r, m;

	for (;;) {
		l = 2 * i + 1;
		r = l + 1;
		m = i;
		if (l < h->n && heap_less(h->v[l], h->v[m]))
			m = l;
		if (r < h->n && heap_less(h->v[r], h->v[m]))
			m = r;
		if (m == i)
			return;
		heap_swap(h, i, m);
		i = m;
	}
}

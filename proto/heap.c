/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A 4-ary min-heap of (key, seq, ptr) entries.  Ties on key are broken by
 * seq, so equal keys come out in insertion order: the sim runtime's
 * determinism rests on this.  Entries carry their own index so they can be
 * removed or re-keyed in O(log n).  The array keeps each entry's key and
 * seq beside its pointer, and sifting moves a hole rather than swapping,
 * so a sift touches only the array and the entries it finally moves: with
 * a million timers the entries are spread over the heap of the process.
 */

#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define HEAP_D	4	/* children per node */

static int	heap_less(const struct heap_slot *, const struct heap_slot *);
static void	heap_set(struct heap *, size_t, const struct heap_slot *);
static void	heap_sift(struct heap *, size_t);
static int	heap_up(struct heap *, size_t);
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
		h->v[i].e->idx = HEAP_NONE;
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
	h->v[h->n].key = key;
	h->v[h->n].seq = e->seq;
	h->v[h->n].e = e;
	h->n++;
	heap_up(h, e->idx);
}

struct heap_ent *
heap_top(const struct heap *h)
{
	return (h->n == 0 ? NULL : h->v[0].e);
}

struct heap_ent *
heap_pop(struct heap *h)
{
	struct heap_ent	*e;

	if (h->n == 0)
		return (NULL);
	e = h->v[0].e;
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
		heap_set(h, i, &h->v[h->n]);
		heap_sift(h, i);
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
	h->v[e->idx].key = key;
	h->v[e->idx].seq = e->seq;
	heap_sift(h, e->idx);
}

static int
heap_less(const struct heap_slot *a, const struct heap_slot *b)
{
	if (a->key != b->key)
		return (a->key < b->key);
	return (a->seq < b->seq);
}

static void
heap_set(struct heap *h, size_t i, const struct heap_slot *sl)
{
	h->v[i] = *sl;
	sl->e->idx = i;
}

/* Slot i's order changed: move it up, or else down. */
static void
heap_sift(struct heap *h, size_t i)
{
	if (!heap_up(h, i))
		heap_down(h, i);
}

/* Returns whether the slot moved. */
static int
heap_up(struct heap *h, size_t i)
{
	struct heap_slot	 x = h->v[i];
	size_t			 p, start = i;

	while (i > 0) {
		p = (i - 1) / HEAP_D;
		if (!heap_less(&x, &h->v[p]))
			break;
		heap_set(h, i, &h->v[p]);
		i = p;
	}
	if (i == start)
		return (0);
	heap_set(h, i, &x);
	return (1);
}

static void
heap_down(struct heap *h, size_t i)
{
	struct heap_slot	 x = h->v[i];
	size_t			 c, m, end, start = i;

	for (;;) {
		c = HEAP_D * i + 1;
		if (c >= h->n)
			break;
		end = c + HEAP_D < h->n ? c + HEAP_D : h->n;
		for (m = c++; c < end; c++) {
			if (heap_less(&h->v[c], &h->v[m]))
				m = c;
		}
		if (!heap_less(&h->v[m], &x))
			break;
		heap_set(h, i, &h->v[m]);
		i = m;
	}
	if (i != start)
		heap_set(h, i, &x);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/dbuf.c, proto/heap.c and proto/hmap.c.  The heap is checked
 * against a plain sorted reference over random operations, since the sim
 * runtime's determinism rests on its tie order; the map's backward-shift
 * deletion is checked on long collision chains that wrap around.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

#define RANDOM_OPS	10000
#define RANDOM_ENTS	300
#define MANY_KEYS	2000

struct item {
	struct heap_ent	 ent;		/* first: a heap_ent is an item */
	int		 id;
	int		 in;		/* in the reference */
	uint64_t	 key;		/* reference copy */
	uint64_t	 seq;		/* reference order of ties */
};

struct entry {
	char	 key[32];
	size_t	 len;
	int	 val;
};

static uint64_t	rnd(uint64_t *);
static struct item *ref_min(struct item *, size_t);

/* xorshift64*: a fixed sequence, so a failure reproduces. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (*s * 0x2545f4914f6cdd1dULL);
}

static struct item *
ref_min(struct item *it, size_t n)
{
	struct item	*best = NULL;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (!it[i].in)
			continue;
		if (best == NULL || it[i].key < best->key ||
		    (it[i].key == best->key && it[i].seq < best->seq))
			best = &it[i];
	}
	return (best);
}

static void
test_dbuf_basic(void **state)
{
	struct dbuf	 b;
	uint8_t		*p;
	size_t		 len;

	dbuf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	dbuf_add_str(&b, "abc");
	dbuf_add_u8(&b, 0x01);
	dbuf_add_u16(&b, 0x0203);
	dbuf_add_u32(&b, 0x04050607);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abc\1\2\3\4\5\6\7", 10);
	assert_int_equal(b.data[b.len], '\0');
	dbuf_add(&b, NULL, 0);
	assert_int_equal(b.len, 10);

	dbuf_printf(&b, "-%d-%s", 42, "x");
	assert_int_equal(b.len, 15);
	assert_string_equal((char *)b.data + 10, "-42-x");
	dbuf_printf(&b, "%s", "");
	assert_int_equal(b.len, 15);

	dbuf_consume(&b, 3);
	assert_int_equal(b.len, 12);
	assert_int_equal(b.data[0], 1);
	assert_string_equal((char *)b.data + 7, "-42-x");
	dbuf_consume(&b, 100);
	assert_int_equal(b.len, 0);
	assert_string_equal((char *)b.data, "");

	dbuf_add_str(&b, "hello");
	dbuf_reset(&b);
	assert_int_equal(b.len, 0);
	dbuf_add_str(&b, "hi");
	assert_string_equal((char *)b.data, "hi");

	p = dbuf_steal(&b, &len);
	assert_int_equal(len, 2);
	assert_string_equal((char *)p, "hi");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(p);

	/* Stealing an empty buffer still gives a string. */
	p = dbuf_steal(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(p[0], '\0');
	free(p);
	dbuf_clear(&b);
	dbuf_clear(&b);
	dbuf_consume(&b, 1);
}

static void
test_dbuf_grow(void **state)
{
	struct dbuf	 b;
	size_t		 i;

	dbuf_init(&b);
	for (i = 0; i < 100000; i++)
		dbuf_add_u8(&b, i & 0xff);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap > b.len);
	for (i = 0; i < 100000; i++)
		assert_int_equal(b.data[i], i & 0xff);
	dbuf_reserve(&b, 1000000);
	assert_true(b.cap >= b.len + 1000001);
	assert_int_equal(b.data[99999], 99999 & 0xff);
	dbuf_clear(&b);
}

static void
test_heap_order(void **state)
{
	struct heap	 h;
	struct item	 it[6];
	uint64_t	 keys[6] = { 50, 10, 30, 10, 50, 0 };
	int		 want[6] = { 5, 1, 3, 2, 0, 4 };
	int		 i;

	heap_init(&h);
	assert_null(heap_top(&h));
	assert_null(heap_pop(&h));
	for (i = 0; i < 6; i++) {
		it[i].ent = (struct heap_ent)HEAP_ENT_INIT;
		it[i].id = i;
		heap_push(&h, &it[i].ent, keys[i]);
	}
	assert_int_equal(h.n, 6);
	assert_ptr_equal(heap_top(&h), &it[5].ent);
	/* Equal keys come out in insertion order. */
	for (i = 0; i < 6; i++) {
		struct item *x = (struct item *)heap_pop(&h);

		assert_non_null(x);
		assert_int_equal(x->id, want[i]);
		assert_int_equal(x->ent.idx, HEAP_NONE);
	}
	assert_null(heap_pop(&h));
	heap_clear(&h);
}

static void
test_heap_ties(void **state)
{
	struct heap	 h;
	struct item	 it[100];
	int		 i;

	heap_init(&h);
	for (i = 0; i < 100; i++) {
		it[i].ent = (struct heap_ent)HEAP_ENT_INIT;
		it[i].id = i;
		heap_push(&h, &it[i].ent, 7);
	}
	for (i = 0; i < 100; i++)
		assert_int_equal(((struct item *)heap_pop(&h))->id, i);
	heap_clear(&h);
}

static void
test_heap_remove_update(void **state)
{
	struct heap	 h;
	struct item	 it[10];
	int		 i, got[10], n = 0;
	struct item	*x;

	heap_init(&h);
	for (i = 0; i < 10; i++) {
		it[i].ent = (struct heap_ent)HEAP_ENT_INIT;
		it[i].id = i;
		heap_push(&h, &it[i].ent, 100 + i * 10);
	}
	/* Remove from the middle, and twice (the second does nothing). */
	heap_remove(&h, &it[4].ent);
	assert_int_equal(it[4].ent.idx, HEAP_NONE);
	heap_remove(&h, &it[4].ent);
	assert_int_equal(h.n, 9);
	/* Move one to the front, one to the back, one to a tie. */
	heap_update(&h, &it[7].ent, 1);
	heap_update(&h, &it[0].ent, 1000);
	heap_update(&h, &it[2].ent, 130);	/* ties with 3, after it */
	/* Re-pushing an entry already in the heap re-keys it. */
	heap_push(&h, &it[9].ent, 5);
	assert_int_equal(h.n, 9);
	/* Updating an entry not in the heap pushes it. */
	heap_update(&h, &it[4].ent, 125);
	assert_int_equal(h.n, 10);
	while ((x = (struct item *)heap_pop(&h)) != NULL)
		got[n++] = x->id;
	assert_int_equal(n, 10);
	{
		int	want[10] = { 7, 9, 1, 4, 3, 2, 5, 6, 8, 0 };

		assert_memory_equal(got, want, sizeof want);
	}
	/* clear() forgets the entries: they can join another heap. */
	heap_push(&h, &it[1].ent, 1);
	heap_push(&h, &it[2].ent, 2);
	heap_clear(&h);
	assert_int_equal(it[1].ent.idx, HEAP_NONE);
	assert_int_equal(it[2].ent.idx, HEAP_NONE);
	heap_clear(&h);
}

/* 10k random push/pop/remove/update against a linear-scan reference. */
static void
test_heap_random(void **state)
{
	struct heap	 h;
	struct item	*it, *a, *b;
	uint64_t	 s = 0x9e3779b97f4a7c15ULL, seq = 0, r;
	size_t		 i, n, count = 0, k;

	it = calloc(RANDOM_ENTS, sizeof *it);
	for (i = 0; i < RANDOM_ENTS; i++) {
		it[i].ent = (struct heap_ent)HEAP_ENT_INIT;
		it[i].id = i;
	}
	heap_init(&h);
	for (n = 0; n < RANDOM_OPS; n++) {
		r = rnd(&s);
		k = rnd(&s) % RANDOM_ENTS;
		/* Few distinct keys, so ties are common. */
		switch (r % 5) {
		case 0:
		case 1:
			if (!it[k].in)
				count++;
			it[k].in = 1;
			it[k].key = rnd(&s) % 50;
			it[k].seq = seq++;
			heap_push(&h, &it[k].ent, it[k].key);
			break;
		case 2:
			a = ref_min(it, RANDOM_ENTS);
			b = (struct item *)heap_pop(&h);
			assert_ptr_equal(a, b);
			if (a != NULL) {
				a->in = 0;
				count--;
			}
			break;
		case 3:
			if (it[k].in)
				count--;
			it[k].in = 0;
			heap_remove(&h, &it[k].ent);
			break;
		case 4:
			if (!it[k].in)
				count++;
			it[k].in = 1;
			it[k].key = rnd(&s) % 50;
			it[k].seq = seq++;
			heap_update(&h, &it[k].ent, it[k].key);
			break;
		}
		assert_int_equal(h.n, count);
		a = ref_min(it, RANDOM_ENTS);
		assert_ptr_equal(heap_top(&h), a == NULL ? NULL : &a->ent);
	}
	/* Drain: the whole order matches. */
	while ((a = ref_min(it, RANDOM_ENTS)) != NULL) {
		assert_ptr_equal(heap_pop(&h), &a->ent);
		a->in = 0;
	}
	assert_null(heap_pop(&h));
	heap_clear(&h);
	free(it);
}

static void
test_hmap_basic(void **state)
{
	struct hmap	 m;
	int		 a = 1, b = 2, c = 3;
	size_t		 pos = 0;

	hmap_init(&m);
	assert_null(hmap_get(&m, "x", 1));
	assert_null(hmap_del(&m, "x", 1));
	assert_null(hmap_next(&m, &pos));
	assert_null(hmap_put(&m, "alpha", 5, &a));
	assert_null(hmap_put(&m, "beta", 4, &b));
	assert_int_equal(m.n, 2);
	assert_ptr_equal(hmap_get(&m, "alpha", 5), &a);
	assert_ptr_equal(hmap_get(&m, "beta", 4), &b);
	/* Prefixes and different lengths are different keys. */
	assert_null(hmap_get(&m, "alph", 4));
	assert_null(hmap_get(&m, "alpha", 6));
	/* Empty key. */
	assert_null(hmap_put(&m, "", 0, &c));
	assert_ptr_equal(hmap_get(&m, "", 0), &c);
	/* Replace returns the old value and keeps the count. */
	assert_ptr_equal(hmap_put(&m, "alpha", 5, &c), &a);
	assert_int_equal(m.n, 3);
	assert_ptr_equal(hmap_get(&m, "alpha", 5), &c);
	assert_ptr_equal(hmap_del(&m, "alpha", 5), &c);
	assert_null(hmap_get(&m, "alpha", 5));
	assert_null(hmap_del(&m, "alpha", 5));
	assert_int_equal(m.n, 2);
	assert_ptr_equal(hmap_get(&m, "beta", 4), &b);
	hmap_clear(&m);
	assert_null(hmap_get(&m, "beta", 4));
	hmap_clear(&m);
}

/*
 * Keys whose home slot in a 16-slot map is 14 or 15, so that their chain
 * wraps to slots 0, 1, ...; plus keys at home 0 and 1 in the way.  Deleting
 * any one of them must leave every other findable.
 */
static void
test_hmap_collisions(void **state)
{
	struct entry	 e[11];
	struct hmap	 m;
	size_t		 n = 0, i, j, home;
	size_t		 nh14 = 0, nh15 = 0, nh0 = 0, nh1 = 0;
	int		 k;

	for (k = 0; n < nitems(e) && k < 100000; k++) {
		struct entry	*x = &e[n];

		x->len = snprintf(x->key, sizeof x->key, "key%d", k);
		home = hmap_hash(x->key, x->len) & 15;
		if (home == 14 && nh14 < 5)
			nh14++;
		else if (home == 15 && nh15 < 2)
			nh15++;
		else if (home == 0 && nh0 < 2)
			nh0++;
		else if (home == 1 && nh1 < 2)
			nh1++;
		else
			continue;
		x->val = n;
		n++;
	}
	assert_int_equal(n, nitems(e));

	/* Every deletion order start: delete one, check all the others. */
	for (i = 0; i < n; i++) {
		hmap_init(&m);
		for (j = 0; j < n; j++)
			assert_null(hmap_put(&m, e[j].key, e[j].len, &e[j]));
		/* 11 keys stay under the 3/4 load of 16 slots. */
		assert_int_equal(m.cap, 16);
		assert_ptr_equal(hmap_del(&m, e[i].key, e[i].len), &e[i]);
		for (j = 0; j < n; j++) {
			if (j == i)
				assert_null(hmap_get(&m, e[j].key, e[j].len));
			else
				assert_ptr_equal(hmap_get(&m, e[j].key,
				    e[j].len), &e[j]);
		}
		/* Then delete the rest in order, checking as we go. */
		for (j = 0; j < n; j++) {
			size_t	 l;

			if (j == i)
				continue;
			assert_ptr_equal(hmap_del(&m, e[j].key, e[j].len),
			    &e[j]);
			for (l = j + 1; l < n; l++) {
				if (l != i)
					assert_ptr_equal(hmap_get(&m, e[l].key,
					    e[l].len), &e[l]);
			}
		}
		assert_int_equal(m.n, 0);
		hmap_clear(&m);
	}
}

/* Many keys, deleted in a shuffled order; iteration sees each once. */
static void
test_hmap_many(void **state)
{
	struct entry	*e, *x;
	struct hmap	 m;
	size_t		*perm, i, j, t, pos, seen;
	uint64_t	 s = 12345;
	char		*mark;

	e = calloc(MANY_KEYS, sizeof *e);
	perm = calloc(MANY_KEYS, sizeof *perm);
	mark = calloc(MANY_KEYS, 1);
	hmap_init(&m);
	for (i = 0; i < MANY_KEYS; i++) {
		e[i].len = snprintf(e[i].key, sizeof e[i].key, "phone-%zu", i);
		e[i].val = i;
		assert_null(hmap_put(&m, e[i].key, e[i].len, &e[i]));
		perm[i] = i;
	}
	assert_int_equal(m.n, MANY_KEYS);

	pos = 0;
	seen = 0;
	while ((x = hmap_next(&m, &pos)) != NULL) {
		assert_int_equal(mark[x->val], 0);
		mark[x->val] = 1;
		seen++;
	}
	assert_int_equal(seen, MANY_KEYS);

	for (i = MANY_KEYS - 1; i > 0; i--) {
		j = rnd(&s) % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	memset(mark, 0, MANY_KEYS);
	for (i = 0; i < MANY_KEYS; i++) {
		assert_ptr_equal(hmap_del(&m, e[perm[i]].key, e[perm[i]].len),
		    &e[perm[i]]);
		mark[perm[i]] = 1;
		/* Every 50 deletions, check the whole map. */
		if (i % 50 != 0 && i != MANY_KEYS - 1)
			continue;
		for (j = 0; j < MANY_KEYS; j++) {
			x = hmap_get(&m, e[j].key, e[j].len);
			if (mark[j])
				assert_null(x);
			else
				assert_ptr_equal(x, &e[j]);
		}
		pos = 0;
		seen = 0;
		while ((x = hmap_next(&m, &pos)) != NULL) {
			assert_int_equal(mark[x->val], 0);
			seen++;
		}
		assert_int_equal(seen, MANY_KEYS - i - 1);
	}
	assert_int_equal(m.n, 0);
	hmap_clear(&m);
	free(e);
	free(perm);
	free(mark);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dbuf_basic),
		cmocka_unit_test(test_dbuf_grow),
		cmocka_unit_test(test_heap_order),
		cmocka_unit_test(test_heap_ties),
		cmocka_unit_test(test_heap_remove_update),
		cmocka_unit_test(test_heap_random),
		cmocka_unit_test(test_hmap_basic),
		cmocka_unit_test(test_hmap_collisions),
		cmocka_unit_test(test_hmap_many),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

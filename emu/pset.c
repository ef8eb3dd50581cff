/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One phone's parameter values: the shared schema (param_table) plus a
 * sparse array of overrides sorted by id (DESIGN.md "Scale by construction").
 * An override holds an interned value, the ua attribute (spec 8.3) and
 * whether the value was set locally (spec 8.5.7).  A parameter with no
 * override reads as its schema default with ua="rw".  An override that says
 * nothing a default would not say (value equal to the default, not local,
 * ua="rw") is dropped, so that phones provisioned with a full template stay
 * small.  Values are never copied here: they are interned, and every
 * override holds one reference to its value (dropped when the value is
 * replaced, the override dropped or the set cleared).
 */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

static struct pset_ent	*pset_find(const struct pset *, int);
static struct pset_ent	*pset_add(struct pset *, int);
static void		 pset_drop_if_default(struct pset *,
			     struct pset_ent *);

void
pset_init(struct pset *ps)
{
	ps->ent = NULL;
	ps->n = ps->cap = 0;
}

void
pset_clear(struct pset *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		if (ps->ent[i].flags & PSET_VALUE)
			intern_unref(ps->ent[i].val);
	}
	free(ps->ent);
	pset_init(ps);
}

const char *
pset_get(const struct pset *ps, int id)
{
	const struct pset_ent	*e;

	assert(id >= 0 && (size_t)id < param_count);
	if ((e = pset_find(ps, id)) != NULL && (e->flags & PSET_VALUE))
		return (e->val);
	return (param_table[id].def);
}

enum param_ua
pset_ua(const struct pset *ps, int id)
{
	const struct pset_ent	*e;

	assert(id >= 0 && (size_t)id < param_count);
	if ((e = pset_find(ps, id)) != NULL)
		return (e->ua);
	return (UA_RW);
}

int
pset_is_local(const struct pset *ps, int id)
{
	const struct pset_ent	*e;

	assert(id >= 0 && (size_t)id < param_count);
	if ((e = pset_find(ps, id)) != NULL)
		return ((e->flags & PSET_LOCAL) != 0);
	return (0);
}

/*
 * Set a value.  local: set from LCD/web (spec 8.5.7); a provisioning change
 * clears the local mark.  The ua attribute is kept.
 */
void
pset_set(struct pset *ps, int id, const char *val, int local)
{
	struct pset_ent	*e;

	assert(id >= 0 && (size_t)id < param_count);
	assert(val != NULL);
	if ((e = pset_find(ps, id)) == NULL)
		e = pset_add(ps, id);
	intern_ref(val);
	if (e->flags & PSET_VALUE)
		intern_unref(e->val);
	e->val = val;
	e->flags |= PSET_VALUE;
	if (local)
		e->flags |= PSET_LOCAL;
	else
		e->flags &= ~PSET_LOCAL;
	pset_drop_if_default(ps, e);
}

/* Set the ua attribute; the value is kept. */
void
pset_set_ua(struct pset *ps, int id, enum param_ua ua)
{
	struct pset_ent	*e;

	assert(id >= 0 && (size_t)id < param_count);
	if ((e = pset_find(ps, id)) == NULL) {
		if (ua == UA_RW)
			return;
		e = pset_add(ps, id);
	}
	e->ua = ua;
	pset_drop_if_default(ps, e);
}

/* Binary search; NULL if id has no override. */
static struct pset_ent *
pset_find(const struct pset *ps, int id)
{
	size_t	lo = 0, hi = ps->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ps->ent[mid].id == id)
			return (&ps->ent[mid]);
		if (ps->ent[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (NULL);
}

/* Insert an empty override for id (not present), keeping the order. */
static struct pset_ent *
pset_add(struct pset *ps, int id)
{
	size_t	i, cap;

	if (ps->n == ps->cap) {
		cap = ps->cap == 0 ? 4 : (size_t)ps->cap * 2;
		if (cap > param_count)
			cap = param_count;
		assert(cap > ps->n && cap <= UINT16_MAX);
		ps->ent = xreallocarray(ps->ent, cap, sizeof *ps->ent);
		ps->cap = cap;
	}
	for (i = ps->n; i > 0 && ps->ent[i - 1].id > id; i--)
		continue;
	memmove(&ps->ent[i + 1], &ps->ent[i], (ps->n - i) * sizeof *ps->ent);
	ps->n++;
	memset(&ps->ent[i], 0, sizeof ps->ent[i]);
	ps->ent[i].id = id;
	ps->ent[i].ua = UA_RW;
	return (&ps->ent[i]);
}

static void
pset_drop_if_default(struct pset *ps, struct pset_ent *e)
{
	size_t	i;

	if (e->ua != UA_RW || (e->flags & PSET_LOCAL))
		return;
	/* The table's default is not every load's (spec 18): keep it. */
	if ((e->flags & PSET_VALUE) &&
	    (param_table[e->id].flags & PARAM_FWDEF))
		return;
	if ((e->flags & PSET_VALUE) &&
	    strcmp(e->val, param_table[e->id].def) != 0)
		return;
	if (e->flags & PSET_VALUE)
		intern_unref(e->val);
	i = e - ps->ent;
	memmove(&ps->ent[i], &ps->ent[i + 1], (ps->n - i - 1) * sizeof *e);
	ps->n--;
}

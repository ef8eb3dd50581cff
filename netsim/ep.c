/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * What every simulated endpoint shares: the output list of actions (struct
 * ep_out, payloads copied into one arena so that an endpoint's buffers may
 * change after the call) and the faults injected at the edge (STYLE.md 9).
 * Sans-I/O: the runtime performs the actions.
 */

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define EP_MAC_LEN 12

static char *ep_strdup(const char *);
static int ep_has_mac(const char *, const char *);

void
ep_out_init(struct ep_out *o)
{
	o->act = NULL;
	o->n = o->cap = 0;
	dbuf_init(&o->arena);
}

/* Forget the actions, keep the storage. */
void
ep_out_reset(struct ep_out *o)
{
	o->n = 0;
	dbuf_reset(&o->arena);
}

void
ep_out_free(struct ep_out *o)
{
	free(o->act);
	dbuf_clear(&o->arena);
	ep_out_init(o);
}

/*
 * Append an action; data (len bytes, may be NULL when len is 0) is copied.
 * The returned action is valid until the next ep_out_add: the caller fills
 * in addresses, conn and time.
 */
struct ep_act *
ep_out_add(struct ep_out *o, enum ep_act_type type, const void *data,
    size_t len)
{
	struct ep_act *a;

	if (o->n == o->cap) {
		o->cap = o->cap == 0 ? 8 : o->cap * 2;
		o->act = xreallocarray(o->act, o->cap, sizeof *o->act);
	}
	a = &o->act[o->n++];
	memset(a, 0, sizeof *a);
	a->type = type;
	a->off = o->arena.len;
	a->len = len;
	if (len != 0)
		dbuf_add(&o->arena, data, len);
	return (a);
}

/* The payload of a; borrowed from o until its next reset. */
const uint8_t *
ep_act_data(const struct ep_out *o, const struct ep_act *a)
{
	if (o->arena.data == NULL)
		return ((const uint8_t *)"");
	return (o->arena.data + a->off);
}

/* Free what f owns; f is left empty. */
void
ep_fault_clear(struct ep_fault *f)
{
	size_t i;

	free(f->name);
	free(f->path);
	free(f->mac);
	free(f->location);
	free(f->user);
	free(f->pass);
	free(f->realm);
	free(f->body);
	for (i = 0; i < f->nhdr && i < EP_FAULT_HDRS; i++)
		free(f->hdr[i]);
	memset(f, 0, sizeof *f);
}

/* Deep copy of src into dst (dst's previous contents are not freed). */
void
ep_fault_copy(struct ep_fault *dst, const struct ep_fault *src)
{
	size_t i;

	*dst = *src;
	dst->name = ep_strdup(src->name);
	dst->path = ep_strdup(src->path);
	dst->mac = ep_strdup(src->mac);
	dst->location = ep_strdup(src->location);
	dst->user = ep_strdup(src->user);
	dst->pass = ep_strdup(src->pass);
	dst->realm = ep_strdup(src->realm);
	for (i = 0; i < src->nhdr && i < EP_FAULT_HDRS; i++)
		dst->hdr[i] = xstrdup(src->hdr[i]);
	dst->body = NULL;
	if (src->body != NULL) {
		dst->body = xmalloc(src->body_len + 1);
		memcpy(dst->body, src->body, src->body_len);
		dst->body[src->body_len] = '\0';
	}
}

/*
 * Does f apply to a request for path (its query is ignored) sent with
 * user_agent (NULL if none)?  The path is a glob where '*' also matches '/';
 * mac, when set, must appear in the path or the user agent, case aside.
 */
int
ep_fault_match(const struct ep_fault *f, const char *path,
    const char *user_agent)
{
	char *p;
	size_t n;
	int match;

	if (!f->active || f->count == 0)
		return (0);
	if (f->path != NULL) {
		n = strcspn(path, "?");
		p = xstrndup(path, n);
		match = fnmatch(f->path, p, 0) == 0;
		free(p);
		if (!match)
			return (0);
	}
	if (f->mac != NULL && f->mac[0] != '\0') {
		if (!ep_has_mac(path, f->mac) &&
		    (user_agent == NULL || !ep_has_mac(user_agent, f->mac)))
			return (0);
	}
	return (1);
}

/* A fault with a count runs out: inactive once it reaches 0. */
void
ep_fault_use(struct ep_fault *f)
{
	if (f->count > 0 && --f->count == 0)
		f->active = 0;
}

static char *
ep_strdup(const char *s)
{
	return (s == NULL ? NULL : xstrdup(s));
}

/*
 * Case-insensitive search of s for the fault's MAC; separators written in
 * the MAC ("00:56:2b:...") are ignored.
 */
static int
ep_has_mac(const char *s, const char *mac)
{
	char want[EP_MAC_LEN * 2 + 1];
	size_t i, j, slen, mlen;

	for (i = mlen = 0; mac[i] != '\0' && mlen < sizeof want - 1; i++) {
		if (isxdigit((unsigned char)mac[i]))
			want[mlen++] = tolower((unsigned char)mac[i]);
	}
	slen = strlen(s);
	if (mlen == 0 || mlen > slen)
		return (0);
	for (i = 0; i + mlen <= slen; i++) {
		for (j = 0; j < mlen; j++) {
			if (tolower((unsigned char)s[i + j]) != want[j])
				break;
		}
		if (j == mlen)
			return (1);
	}
	return (0);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's DNS resolver (spec 9.7, 4.3): A and SRV lookups over UDP to
 * the servers DHCP named, each tried RESOLV_TRIES times with a time-out
 * before the next; CNAME chains followed (within the answer, or by asking
 * again for the target) up to RESOLV_CNAME_MAX hops; answers cached per
 * phone for their TTL, at most RESOLV_TTL_MAX_S (9.7 ASSUMPTION).  SRV
 * targets are kept in the order the phone tries them: priority, then
 * weight, lowest first (Cisco's rule, 4.3 and B7, which differs from RFC
 * 2782's weighted random choice); records equal in both keep a seeded
 * random order.  A name with thousands of records costs what the first
 * DNS_RR_MAX of them cost: the codec keeps no more.
 *
 * Sans-I/O: a lookup owns one datagram flow of its transfer; it returns
 * RESOLV_DONE or RESOLV_FAIL to its caller and never calls up.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu-int.h"

static void	resolv_send(struct resolv_q *, struct phone *, emu_time,
		    struct emu_outbox *);
static enum resolv_rc resolv_fail(struct resolv_q *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static enum resolv_rc resolv_done(struct resolv_q *, struct phone *,
		    emu_time);
static int	resolv_cache_get(struct phone *, const char *, uint16_t,
		    emu_time, struct resolv_ans *);
static void	resolv_cache_put(struct phone *, const char *, uint16_t,
		    emu_time, const struct resolv_ans *);
static const char *resolv_type_name(uint16_t);

void
resolv_ans_clear(struct resolv_ans *a)
{
	int	i;

	for (i = 0; i < a->nsrv; i++)
		free(a->srv[i].target);
	free(a->srv);
	memset(a, 0, sizeof *a);
}

void
resolv_ans_copy(struct resolv_ans *dst, const struct resolv_ans *src)
{
	int	i;

	*dst = *src;
	dst->srv = NULL;
	if (src->nsrv == 0)
		return;
	dst->srv = xcalloc(src->nsrv, sizeof *dst->srv);
	for (i = 0; i < src->nsrv; i++) {
		dst->srv[i] = src->srv[i];
		dst->srv[i].target = xstrdup(src->srv[i].target);
	}
}

struct resolv_q *
resolv_start(struct phone *p, uint32_t flow, const char *name, uint16_t qtype,
    emu_time now, struct emu_outbox *out)
{
	struct resolv_q	*q;
	size_t		 i;

	q = xcalloc(1, sizeof *q);
	q->qname = xstrdup(name);
	for (i = 0; q->qname[i] != '\0'; i++)
		q->qname[i] = tolower((unsigned char)q->qname[i]);
	q->name = xstrdup(q->qname);
	q->qtype = qtype;
	q->flow = flow;
	q->rc = RESOLV_MORE;
	q->deadline = EMU_TIME_NEVER;
	if (resolv_cache_get(p, q->qname, qtype, now, &q->ans)) {
		phone_log(p, out, TRACE_DNS, "%s %s: cached",
		    resolv_type_name(qtype), q->qname);
		q->rc = RESOLV_DONE;
		return (q);
	}
	if (strlen(name) > DNS_NAME_MAX) {
		resolv_fail(q, "name too long");
		return (q);
	}
	if (p->dns[0] == 0) {
		resolv_fail(q, "no DNS server for %s", q->qname);
		return (q);
	}
	resolv_send(q, p, now, out);
	return (q);
}

void
resolv_free(struct resolv_q *q, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (q == NULL)
		return;
	if (q->bound && out != NULL) {
		a = emu_outbox_add(out, EMU_ACT_UNBIND, NULL, 0);
		a->u.flow = q->flow;
	}
	resolv_ans_clear(&q->ans);
	free(q->qname);
	free(q->name);
	free(q->detail);
	free(q);
}

emu_time
resolv_deadline(const struct resolv_q *q)
{
	return (q->rc == RESOLV_MORE ? q->deadline : EMU_TIME_NEVER);
}

static const char *
resolv_type_name(uint16_t t)
{
	return (t == DNS_T_SRV ? "SRV" : t == DNS_T_A ? "A" : "?");
}

static enum resolv_rc
resolv_fail(struct resolv_q *q, const char *fmt, ...)
{
	va_list	ap;

	free(q->detail);
	va_start(ap, fmt);
	xvasprintf(&q->detail, fmt, ap);
	va_end(ap);
	q->rc = RESOLV_FAIL;
	q->deadline = EMU_TIME_NEVER;
	return (q->rc);
}

static void
resolv_send(struct resolv_q *q, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct dns_msg		*m;
	struct dbuf		 b;
	struct emu_action	*a;

	m = xmalloc(sizeof *m);
	q->id = (uint16_t)prng_next(&p->rng);
	dns_query(m, q->id, q->name, q->qtype);
	dbuf_init(&b);
	dns_write(m, &b);
	a = emu_outbox_add(out, EMU_ACT_DGRAM, b.data, b.len);
	a->u.dgram.flow = q->flow;
	a->u.dgram.src_ip = p->ip;
	a->u.dgram.dst_ip = p->dns[q->server];
	a->u.dgram.dst_port = DNS_PORT;
	q->bound = 1;
	dbuf_clear(&b);
	free(m);
	q->deadline = EMU_TIME_ADD(now, EMU_SEC(RESOLV_TIMEOUT_S));
	phone_log(p, out, TRACE_DNS, "query %s %s", resolv_type_name(q->qtype),
	    q->name);
}

/* No answer in time: the same server again, then the next (9.7). */
enum resolv_rc
resolv_timer(struct resolv_q *q, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	if (q->rc != RESOLV_MORE || q->deadline > now)
		return (q->rc);
	if (++q->tries >= RESOLV_TRIES) {
		q->tries = 0;
		if (q->server == 1 || p->dns[1] == 0)
			return (resolv_fail(q, "no answer for %s", q->name));
		q->server = 1;
	}
	resolv_send(q, p, now, out);
	return (q->rc);
}

enum resolv_rc
resolv_input(struct resolv_q *q, struct phone *p, const struct emu_event *ev,
    emu_time now, struct emu_outbox *out)
{
	struct dns_msg	*m;
	struct resolv_ans *a = &q->ans;
	const char	*want;
	char		*cause = NULL, *next = NULL;
	size_t		 i;
	int		 hop, found;
	uint32_t	 ttl = UINT32_MAX;

	if (q->rc != RESOLV_MORE || ev->type != EMU_EV_DGRAM)
		return (q->rc);
	if (ev->src_ip != p->dns[q->server] || ev->src_port != DNS_PORT)
		return (q->rc);
	m = xmalloc(sizeof *m);
	if (dns_parse(m, ev->data, ev->len, &cause) != 0) {
		/* A broken answer is ignored: the time-out decides. */
		phone_log(p, out, TRACE_DNS, "bad answer: %s", cause);
		free(cause);
		free(m);
		return (q->rc);
	}
	if (!m->qr || m->id != q->id ||
	    (m->has_question && strcasecmp(m->qname, q->name) != 0)) {
		free(m);
		return (q->rc);
	}
	if (m->tc) {
		/*
		 * RFC 2181 9: a truncated answer is not used, nor cached; it
		 * says to ask again over TCP, which the phone does not
		 * speak.  So it is this server failing, as SERVFAIL is (9.7:
		 * the next server, then C; tests/integration/misbehave.sh).
		 */
		phone_log(p, out, TRACE_DNS, "%s: truncated answer (TC)",
		    q->name);
		free(m);
		q->tries = RESOLV_TRIES;
		q->deadline = now;
		if (resolv_timer(q, p, now, out) == RESOLV_FAIL)
			resolv_fail(q, "%s: truncated answer (TC), no DNS "
			    "over TCP", q->name);
		return (q->rc);
	}
	if (m->rcode == DNS_R_NXDOMAIN) {
		free(m);
		return (resolv_fail(q, "%s: no such name", q->name));
	}
	if (m->rcode != DNS_R_NOERROR) {
		/* SERVFAIL, REFUSED: the next server may know (9.7). */
		phone_log(p, out, TRACE_DNS, "%s: rcode %u", q->name, m->rcode);
		free(m);
		q->tries = RESOLV_TRIES;
		q->deadline = now;
		return (resolv_timer(q, p, now, out));
	}
	/* Follow CNAMEs inside the answer (a loop ends at the hop cap). */
	want = q->name;
	for (hop = 0; hop <= RESOLV_CNAME_MAX; hop++) {
		found = 0;
		for (i = 0; i < m->nan; i++) {
			if (m->an[i].type != DNS_T_CNAME ||
			    strcasecmp(m->an[i].name, want) != 0)
				continue;
			want = m->an[i].target;
			if (m->an[i].ttl < ttl)
				ttl = m->an[i].ttl;
			found = 1;
			break;
		}
		if (!found)
			break;
	}
	if (hop > RESOLV_CNAME_MAX) {
		free(m);
		return (resolv_fail(q, "%s: CNAME loop", q->qname));
	}
	for (i = 0; i < m->nan; i++) {
		const struct dns_rr	*rr = &m->an[i];

		if (rr->type != q->qtype || strcasecmp(rr->name, want) != 0)
			continue;
		if (rr->ttl < ttl)
			ttl = rr->ttl;
		if (rr->type == DNS_T_A && a->naddr < RESOLV_ADDRS)
			a->addr[a->naddr++] = rr->a;
		else if (rr->type == DNS_T_SRV && a->nsrv < RESOLV_SRV_MAX) {
			a->srv = xreallocarray(a->srv, a->nsrv + 1,
			    sizeof *a->srv);
			a->srv[a->nsrv].prio = rr->prio;
			a->srv[a->nsrv].weight = rr->weight;
			a->srv[a->nsrv].port = rr->port;
			a->srv[a->nsrv].target = xstrdup(rr->target);
			a->nsrv++;
		}
	}
	if (a->naddr == 0 && a->nsrv == 0 && strcasecmp(want, q->name) != 0)
		next = xstrdup(want);
	free(m);
	if (next != NULL) {
		/* Only the CNAME came back: ask for its target. */
		if (++q->hops > RESOLV_CNAME_MAX) {
			free(next);
			return (resolv_fail(q, "%s: CNAME loop", q->qname));
		}
		free(q->name);
		q->name = next;
		q->tries = 0;
		q->server = 0;
		resolv_send(q, p, now, out);
		return (q->rc);
	}
	a->qtype = q->qtype;
	a->ttl_s = ttl == UINT32_MAX ? 0 : ttl;
	if (a->naddr != 0) {
		char	ip[16];

		phone_log(p, out, TRACE_DNS, "%s: %s%s (ttl %us)", q->qname,
		    ipv4_str(a->addr[0], ip), a->naddr > 1 ? " ..." : "",
		    a->ttl_s);
	} else
		phone_log(p, out, TRACE_DNS, "%s: %d SRV records (ttl %us)",
		    q->qname, a->nsrv, a->ttl_s);
	return (resolv_done(q, p, now));
}

static enum resolv_rc
resolv_done(struct resolv_q *q, struct phone *p, emu_time now)
{
	if (q->ans.nsrv > 1)
		resolv_srv_sort(q->ans.srv, q->ans.nsrv, &p->rng);
	if (q->ans.naddr != 0 || q->ans.nsrv != 0)
		resolv_cache_put(p, q->qname, q->qtype, now, &q->ans);
	q->rc = RESOLV_DONE;
	q->deadline = EMU_TIME_NEVER;
	return (q->rc);
}

/*
 * 4.3, B7: lower priority first; among equal priorities lower weight
 * first.  Records equal in both are shuffled with the phone's PRNG, so a
 * fleet spreads over them and one seed gives one order.
 */
void
resolv_srv_sort(struct resolv_srv *srv, int n, struct prng *r)
{
	struct resolv_srv	 t;
	int			 i, j, k;

	for (i = n - 1; i > 0; i--) {
		j = (int)prng_range(r, (uint64_t)i);
		t = srv[i];
		srv[i] = srv[j];
		srv[j] = t;
	}
	/* Insertion sort: stable, so the shuffle breaks ties. */
	for (i = 1; i < n; i++) {
		t = srv[i];
		for (k = i - 1; k >= 0 && (srv[k].prio > t.prio ||
		    (srv[k].prio == t.prio && srv[k].weight > t.weight)); k--)
			srv[k + 1] = srv[k];
		srv[k + 1] = t;
	}
}

static int
resolv_cache_get(struct phone *p, const char *name, uint16_t qtype,
    emu_time now, struct resolv_ans *out)
{
	struct resolv_cache	*c = p->rcache;
	int			 i;

	if (c == NULL)
		return (0);
	for (i = 0; i < c->n; i++) {
		if (c->ent[i].qtype != qtype ||
		    strcmp(c->ent[i].name, name) != 0)
			continue;
		if (c->ent[i].expires <= now)
			return (0);
		resolv_ans_copy(out, &c->ent[i].ans);
		return (1);
	}
	return (0);
}

static void
resolv_cache_put(struct phone *p, const char *name, uint16_t qtype,
    emu_time now, const struct resolv_ans *ans)
{
	struct resolv_cache	*c;
	uint32_t		 ttl = ans->ttl_s;
	int			 i, slot = -1;

	if (ttl > RESOLV_TTL_MAX_S)
		ttl = RESOLV_TTL_MAX_S;
	if (ttl == 0)
		return;
	if (p->rcache == NULL)
		p->rcache = xcalloc(1, sizeof *p->rcache);
	c = p->rcache;
	for (i = 0; i < c->n && slot < 0; i++) {
		if (c->ent[i].qtype == qtype &&
		    strcmp(c->ent[i].name, name) == 0)
			slot = i;
	}
	for (i = 0; i < c->n && slot < 0; i++) {
		if (c->ent[i].expires <= now)
			slot = i;
	}
	if (slot < 0 && c->n < RESOLV_CACHE) {
		c->ent = xreallocarray(c->ent, c->n + 1, sizeof *c->ent);
		memset(&c->ent[c->n], 0, sizeof c->ent[c->n]);
		slot = c->n++;
	}
	if (slot < 0) {
		slot = 0;
		for (i = 1; i < c->n; i++) {
			if (c->ent[i].expires < c->ent[slot].expires)
				slot = i;
		}
	}
	free(c->ent[slot].name);
	resolv_ans_clear(&c->ent[slot].ans);
	c->ent[slot].name = xstrdup(name);
	c->ent[slot].qtype = qtype;
	c->ent[slot].expires = EMU_TIME_ADD(now, EMU_SEC(ttl));
	resolv_ans_copy(&c->ent[slot].ans, ans);
}

void
resolv_cache_free(struct resolv_cache *c)
{
	int	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->ent[i].name);
		resolv_ans_clear(&c->ent[i].ans);
	}
	free(c->ent);
	free(c);
}

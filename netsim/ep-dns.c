/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * An authoritative DNS server for the names a scenario gives: A records
 * (several per name, answered in the order added, spec 9.7), SRV records
 * for discovery (spec 4.3), whose targets' A records go in the additional
 * section when known, and CNAME aliases, followed within the server's own
 * data as an authoritative server does (RFC 1034 4.3.2) up to
 * EP_DNS_CNAME_MAX hops.  Every record has its TTL.  Names compare in any
 * case (RFC 4343).  An unknown name is NXDOMAIN; a known name asked for
 * another type is an empty NOERROR.  A slow server answers after a delay.
 * Not here: zones, SOA, recursion, TCP.  Sans-I/O.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define EP_DNS_TTL 300     /* seconds, unless ep_dns_ttl() says */
#define EP_DNS_CNAME_MAX 8 /* aliases followed in one answer */

struct ep_dns_a {
	uint32_t addr;
	uint32_t ttl;
};

struct ep_dns_srv {
	uint16_t prio, weight, port;
	uint32_t ttl;
	char target[DNS_NAME_MAX + 1];
};

struct ep_dns_name {
	char name[DNS_NAME_MAX + 1]; /* lower case, no trailing dot; key */
	struct ep_dns_a *a;
	size_t na;
	struct ep_dns_srv *srv;
	size_t nsrv;
	char *cname; /* alias target, or NULL */
	uint32_t cname_ttl;
};

struct ep_dns {
	struct hmap names; /* name -> ep_dns_name, owned */
	uint32_t ttl;      /* of the records added next */
	emu_time delay;    /* before every answer */
};

static void ep_dns_norm(const char *, char *);
static struct ep_dns_name *ep_dns_find(const struct ep_dns *, const char *);
static struct ep_dns_name *ep_dns_get(struct ep_dns *, const char *);
static void ep_dns_additional(const struct ep_dns *, struct dns_msg *,
    const char *);
static const struct ep_dns_name *ep_dns_alias(const struct ep_dns *,
    struct dns_msg *, const struct ep_dns_name *, uint16_t);

struct ep_dns *
ep_dns_create(void)
{
	struct ep_dns *d;

	d = xcalloc(1, sizeof *d);
	hmap_init(&d->names);
	d->ttl = EP_DNS_TTL;
	return (d);
}

void
ep_dns_free(struct ep_dns *d)
{
	struct ep_dns_name *n;
	size_t pos = 0;

	if (d == NULL)
		return;
	while ((n = hmap_next(&d->names, &pos)) != NULL) {
		free(n->a);
		free(n->srv);
		free(n->cname);
		free(n);
	}
	hmap_clear(&d->names);
	free(d);
}

void
ep_dns_add_a(struct ep_dns *d, const char *name, uint32_t a)
{
	struct ep_dns_name *n;

	n = ep_dns_get(d, name);
	n->a = xreallocarray(n->a, n->na + 1, sizeof *n->a);
	n->a[n->na].addr = a;
	n->a[n->na++].ttl = d->ttl;
}

/* name is an alias of target; a second CNAME for name replaces the first. */
void
ep_dns_add_cname(struct ep_dns *d, const char *name, const char *target)
{
	struct ep_dns_name *n;

	n = ep_dns_get(d, name);
	free(n->cname);
	n->cname = xmalloc(DNS_NAME_MAX + 1);
	ep_dns_norm(target, n->cname);
	n->cname_ttl = d->ttl;
}

/* The TTL, in seconds, of the records added from now on. */
void
ep_dns_ttl(struct ep_dns *d, uint32_t ttl_s)
{
	d->ttl = ttl_s;
}

/* A slow server: every answer leaves delay after its query came. */
void
ep_dns_set_delay(struct ep_dns *d, emu_time delay)
{
	d->delay = delay;
}

void
ep_dns_add_srv(struct ep_dns *d, const char *name, uint16_t prio,
    uint16_t weight, uint16_t port, const char *target)
{
	struct ep_dns_name *n;
	struct ep_dns_srv *s;

	n = ep_dns_get(d, name);
	n->srv = xreallocarray(n->srv, n->nsrv + 1, sizeof *n->srv);
	s = &n->srv[n->nsrv++];
	s->prio = prio;
	s->weight = weight;
	s->port = port;
	s->ttl = d->ttl;
	ep_dns_norm(target, s->target);
}

/*
 * The first A record of name (any case), for endpoints that resolve
 * through the zone without a query (the simulated proxy): 0, or -1 if the
 * name has none.
 */
int
ep_dns_lookup_a(const struct ep_dns *d, const char *name, uint32_t *a)
{
	const struct ep_dns_name *n;

	if ((n = ep_dns_find(d, name)) == NULL || n->na == 0)
		return (-1);
	*a = n->a[0].addr;
	return (0);
}

/* A query from src; the answer comes from my_ip:53.  Junk is dropped. */
void
ep_dns_input(struct ep_dns *d, const uint8_t *pkt, size_t len, uint32_t src_ip,
    uint16_t src_port, uint32_t my_ip, emu_time now, struct ep_out *out)
{
	struct dns_msg *q, *r;
	const struct ep_dns_name *n;
	struct dns_rr rr;
	struct ep_act *a;
	struct dbuf b;
	size_t i;

	q = xmalloc(sizeof *q);
	r = xmalloc(sizeof *r);
	if (dns_parse(q, pkt, len, NULL) != 0 || q->qr)
		goto out;

	dns_init(r);
	r->id = q->id;
	r->qr = 1;
	r->opcode = q->opcode;
	r->aa = 1;
	r->rd = q->rd;
	if (q->has_question) {
		r->has_question = 1;
		pf_strlcpy(r->qname, q->qname, sizeof r->qname);
		r->qtype = q->qtype;
		r->qclass = q->qclass;
	}
	if (q->opcode != 0)
		r->rcode = DNS_R_NOTIMP;
	else if (!q->has_question)
		r->rcode = DNS_R_FORMERR;
	else if ((n = ep_dns_find(d, q->qname)) == NULL)
		r->rcode = DNS_R_NXDOMAIN;
	else if (q->qclass == DNS_C_IN &&
	    (n = ep_dns_alias(d, r, n, q->qtype)) == NULL)
		; /* the CNAMEs alone: the client asks for the target */
	else if (q->qclass == DNS_C_IN && q->qtype == DNS_T_A) {
		for (i = 0; i < n->na; i++) {
			memset(&rr, 0, sizeof rr);
			pf_strlcpy(rr.name, n->name, sizeof rr.name);
			rr.type = DNS_T_A;
			rr.class = DNS_C_IN;
			rr.ttl = n->a[i].ttl;
			rr.a = n->a[i].addr;
			if (dns_add_answer(r, &rr) != 0)
				break;
		}
	} else if (q->qclass == DNS_C_IN && q->qtype == DNS_T_SRV) {
		for (i = 0; i < n->nsrv; i++) {
			memset(&rr, 0, sizeof rr);
			pf_strlcpy(rr.name, n->name, sizeof rr.name);
			rr.type = DNS_T_SRV;
			rr.class = DNS_C_IN;
			rr.ttl = n->srv[i].ttl;
			rr.prio = n->srv[i].prio;
			rr.weight = n->srv[i].weight;
			rr.port = n->srv[i].port;
			pf_strlcpy(rr.target, n->srv[i].target,
			    sizeof rr.target);
			if (dns_add_answer(r, &rr) != 0)
				break;
		}
		/* RFC 2782: the targets' addresses, to save a round trip. */
		for (i = 0; i < n->nsrv; i++)
			ep_dns_additional(d, r, n->srv[i].target);
	}

	dbuf_init(&b);
	dns_write(r, &b);
	a = ep_out_add(out, EP_ACT_DGRAM, b.data, b.len);
	a->src_ip = my_ip;
	a->src_port = DNS_PORT;
	a->dst_ip = src_ip;
	a->dst_port = src_port;
	a->at = EMU_TIME_ADD(now, d->delay);
	dbuf_clear(&b);
out:
	free(q);
	free(r);
}

/*
 * RFC 1034 4.3.2: a name that is an alias answers with its CNAME, then
 * with the target's records of the type asked (the caller adds them), as
 * far as this server knows the chain.  Returns the name whose records
 * answer, or NULL when the chain leaves the names it knows: the answer is
 * then the CNAMEs so far, and the client asks for the last target.  A
 * CNAME query is answered with the alias alone.
 */
static const struct ep_dns_name *
ep_dns_alias(const struct ep_dns *d, struct dns_msg *r,
    const struct ep_dns_name *n, uint16_t qtype)
{
	struct dns_rr rr;
	int hop;

	for (hop = 0; n->cname != NULL && hop < EP_DNS_CNAME_MAX; hop++) {
		memset(&rr, 0, sizeof rr);
		pf_strlcpy(rr.name, n->name, sizeof rr.name);
		rr.type = DNS_T_CNAME;
		rr.class = DNS_C_IN;
		rr.ttl = n->cname_ttl;
		pf_strlcpy(rr.target, n->cname, sizeof rr.target);
		if (dns_add_answer(r, &rr) != 0 || qtype == DNS_T_CNAME)
			return (n);
		if ((n = ep_dns_find(d, rr.target)) == NULL)
			return (NULL);
	}
	return (n);
}

/* Lower case, without the trailing dot. */
static void
ep_dns_norm(const char *name, char *out)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i < DNS_NAME_MAX; i++)
		out[i] = tolower((unsigned char)name[i]);
	if (i > 0 && out[i - 1] == '.')
		i--;
	out[i] = '\0';
}

static struct ep_dns_name *
ep_dns_find(const struct ep_dns *d, const char *name)
{
	char key[DNS_NAME_MAX + 1];

	ep_dns_norm(name, key);
	return (hmap_get(&d->names, key, strlen(key)));
}

/* The record set of name, made if new. */
static struct ep_dns_name *
ep_dns_get(struct ep_dns *d, const char *name)
{
	struct ep_dns_name *n;

	if ((n = ep_dns_find(d, name)) != NULL)
		return (n);
	n = xcalloc(1, sizeof *n);
	ep_dns_norm(name, n->name);
	hmap_put(&d->names, n->name, strlen(n->name), n);
	return (n);
}

/* Add target's A records to r's additional section, once per target. */
static void
ep_dns_additional(const struct ep_dns *d, struct dns_msg *r, const char *target)
{
	const struct ep_dns_name *n;
	size_t i;

	if ((n = ep_dns_find(d, target)) == NULL)
		return;
	for (i = 0; i < r->nar; i++) {
		if (pf_strcasecmp_ascii(r->ar[i].name, target) == 0)
			return;
	}
	for (i = 0; i < n->na && r->nar < DNS_RR_MAX; i++) {
		memset(&r->ar[r->nar], 0, sizeof r->ar[r->nar]);
		pf_strlcpy(r->ar[r->nar].name, target,
		    sizeof r->ar[r->nar].name);
		r->ar[r->nar].type = DNS_T_A;
		r->ar[r->nar].class = DNS_C_IN;
		r->ar[r->nar].ttl = n->a[i].ttl;
		r->ar[r->nar].a = n->a[i].addr;
		r->nar++;
	}
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A site's DHCPv4 server (RFC 2131) handing out the options the phones look
 * for (spec 4.2): the lease options, then every configured option whether
 * asked for or not, as Kea's always-send does (66, 150, 160, 43 ...).  A
 * client keeps its address for the whole run: leases are keyed by chaddr
 * and never expire, a released address goes back to the pool but is given
 * to the same client again while it is free.  Relayed requests (giaddr) are
 * answered to the relay, with option 82 echoed (RFC 3046) and the relay's
 * source port honoured when it asks (RFC 8357).  Not here: lease expiry,
 * reservations, client classes, failover.  Sans-I/O.
 */

#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define EP_DHCP_POOL_MAX (1U << 20) /* addresses per pool */
#define EP_DHCP_LEASE_DEFAULT 3600
#define EP_DHCP_BROADCAST 0xffffffffU

struct ep_dhcp_lease {
	uint8_t chaddr[16]; /* key: hlen bytes */
	size_t keylen;
	uint32_t addr; /* 0: none; kept after a release */
};

struct ep_dhcp {
	struct ep_dhcp_conf c;
	struct hmap leases;          /* chaddr -> lease, owned */
	struct ep_dhcp_lease **slot; /* pool index -> holder or NULL */
	uint8_t *bad;                /* pool index -> declined */
	uint32_t npool;
	uint32_t cursor; /* where the search for a free address starts */
	int down;
	struct ep_dhcp_stats stats;
};

static struct ep_dhcp_lease *ep_dhcp_lease(struct ep_dhcp *,
    const struct dhcp_msg *, int);
static int ep_dhcp_index(const struct ep_dhcp *, uint32_t, uint32_t *);
static int ep_dhcp_is_free(const struct ep_dhcp *, uint32_t);
static int ep_dhcp_holds(struct ep_dhcp *, struct ep_dhcp_lease *, uint32_t);
static uint32_t ep_dhcp_alloc(struct ep_dhcp *, struct ep_dhcp_lease *,
    uint32_t);
static void ep_dhcp_reply(struct ep_dhcp *, const struct dhcp_msg *,
    enum dhcp_type, uint32_t, uint16_t, emu_time, struct ep_out *);
static uint32_t ep_dhcp_requested(const struct dhcp_msg *);

/* c is copied. */
struct ep_dhcp *
ep_dhcp_create(const struct ep_dhcp_conf *c)
{
	struct ep_dhcp *d;
	uint64_t n;

	d = xcalloc(1, sizeof *d);
	d->c = *c;
	if (d->c.lease_s == 0)
		d->c.lease_s = EP_DHCP_LEASE_DEFAULT;
	if (d->c.ndns < 0)
		d->c.ndns = 0;
	if (d->c.ndns > (int)nitems(d->c.dns))
		d->c.ndns = nitems(d->c.dns);
	if (d->c.nopt < 0)
		d->c.nopt = 0;
	if (d->c.nopt > EP_DHCP_OPTS_MAX)
		d->c.nopt = EP_DHCP_OPTS_MAX;
	d->c.domain[sizeof d->c.domain - 1] = '\0';
	n = 0;
	if (c->pool_start != 0 && c->pool_end >= c->pool_start)
		n = (uint64_t)c->pool_end - c->pool_start + 1;
	if (n > EP_DHCP_POOL_MAX)
		n = EP_DHCP_POOL_MAX;
	d->npool = n;
	d->slot = xcalloc(n + 1, sizeof *d->slot);
	d->bad = xcalloc(n + 1, 1);
	hmap_init(&d->leases);
	return (d);
}

void
ep_dhcp_free(struct ep_dhcp *d)
{
	struct ep_dhcp_lease *l;
	size_t pos = 0;

	if (d == NULL)
		return;
	while ((l = hmap_next(&d->leases, &pos)) != NULL)
		free(l);
	hmap_clear(&d->leases);
	free(d->slot);
	free(d->bad);
	free(d);
}

/* One datagram to port 67 from src (a client, or a relay when giaddr). */
void
ep_dhcp_input(struct ep_dhcp *d, const uint8_t *pkt, size_t len,
    uint32_t src_ip, uint16_t src_port, emu_time now, struct ep_out *out)
{
	struct dhcp_msg *m;
	struct ep_dhcp_lease *l;
	uint32_t sid, req, addr, i;
	enum dhcp_type type;

	if (d->down)
		return;
	m = xmalloc(sizeof *m);
	if (dhcp_parse(m, pkt, len, NULL) != 0 || m->op != 1 || m->hlen == 0 ||
	    m->hlen > sizeof m->chaddr) {
		d->stats.bad++;
		goto out;
	}
	type = dhcp_type(m);
	/* Another server's business (RFC 2131 4.3.2, 4.3.5). */
	if (dhcp_opt_get_u32(m, DHCP_OPT_SERVER_ID, &sid) == 0 &&
	    sid != d->c.server_ip && type != DHCPDISCOVER &&
	    type != DHCPINFORM) {
		if (type == DHCPREQUEST)
			d->stats.requests++;
		goto out;
	}
	switch (type) {
	case DHCPDISCOVER:
		d->stats.discovers++;
		l = ep_dhcp_lease(d, m, 1);
		addr = ep_dhcp_alloc(d, l, ep_dhcp_requested(m));
		if (addr == 0) {
			d->stats.exhausted++;
			break;
		}
		ep_dhcp_reply(d, m, DHCPOFFER, addr, src_port, now, out);
		break;
	case DHCPREQUEST:
		d->stats.requests++;
		/*
		 * SELECTING names us in 54 (checked above) and asks for 50;
		 * INIT-REBOOT asks for 50, RENEWING and REBINDING fill ciaddr.
		 * Either way: the client's own address, or NAK.
		 */
		req = ep_dhcp_requested(m);
		if (req == 0)
			req = m->ciaddr;
		l = ep_dhcp_lease(d, m, 0);
		if (req != 0 && l != NULL && ep_dhcp_holds(d, l, req))
			ep_dhcp_reply(d, m, DHCPACK, req, src_port, now, out);
		else
			ep_dhcp_reply(d, m, DHCPNAK, 0, src_port, now, out);
		break;
	case DHCPRELEASE:
		l = ep_dhcp_lease(d, m, 0);
		if (l != NULL && l->addr != 0 &&
		    ep_dhcp_index(d, l->addr, &i) == 0 && d->slot[i] == l)
			d->slot[i] = NULL;
		break;
	case DHCPDECLINE:
		l = ep_dhcp_lease(d, m, 0);
		req = ep_dhcp_requested(m);
		if (l != NULL && l->addr == req &&
		    ep_dhcp_index(d, req, &i) == 0) {
			if (d->slot[i] == l)
				d->slot[i] = NULL;
			d->bad[i] = 1;
			l->addr = 0;
		}
		break;
	case DHCPINFORM:
		/* RFC 2131 4.3.5: configuration only, no lease. */
		ep_dhcp_reply(d, m, DHCPACK, 0, src_port, now, out);
		break;
	default:
		d->stats.bad++;
		break;
	}
out:
	free(m);
}

/* A down server ignores every packet. */
void
ep_dhcp_set_down(struct ep_dhcp *d, int down)
{
	d->down = down;
}

/* What the server hands out from now on; leases are kept. */
void
ep_dhcp_set_options(struct ep_dhcp *d, const struct ep_dhcp_conf *c)
{
	int k;

	d->c.ndns = c->ndns < 0 ? 0 : c->ndns > (int)nitems(d->c.dns) ?
	    (int)nitems(d->c.dns) : c->ndns;
	for (k = 0; k < d->c.ndns; k++)
		d->c.dns[k] = c->dns[k];
	memcpy(d->c.domain, c->domain, sizeof d->c.domain);
	d->c.domain[sizeof d->c.domain - 1] = '\0';
	if (c->lease_s != 0)
		d->c.lease_s = c->lease_s;
	d->c.nopt = c->nopt < 0 ? 0 : c->nopt > EP_DHCP_OPTS_MAX ?
	    EP_DHCP_OPTS_MAX : c->nopt;
	memcpy(d->c.opt, c->opt, sizeof d->c.opt);
}

const struct ep_dhcp_stats *
ep_dhcp_stats(const struct ep_dhcp *d)
{
	return (&d->stats);
}

/* The lease record of m's client; create makes one when there is none. */
static struct ep_dhcp_lease *
ep_dhcp_lease(struct ep_dhcp *d, const struct dhcp_msg *m, int create)
{
	struct ep_dhcp_lease *l;

	l = hmap_get(&d->leases, m->chaddr, m->hlen);
	if (l != NULL || !create)
		return (l);
	l = xcalloc(1, sizeof *l);
	memcpy(l->chaddr, m->chaddr, m->hlen);
	l->keylen = m->hlen;
	hmap_put(&d->leases, l->chaddr, l->keylen, l);
	return (l);
}

/* Pool index of addr; -1 outside the pool. */
static int
ep_dhcp_index(const struct ep_dhcp *d, uint32_t addr, uint32_t *i)
{
	if (addr < d->c.pool_start || addr - d->c.pool_start >= d->npool)
		return (-1);
	*i = addr - d->c.pool_start;
	return (0);
}

/* Free to give: in the pool, not held, not declined, not a server's. */
static int
ep_dhcp_is_free(const struct ep_dhcp *d, uint32_t addr)
{
	uint32_t i;
	int k;

	if (ep_dhcp_index(d, addr, &i) != 0 || d->slot[i] != NULL || d->bad[i])
		return (0);
	if (addr == d->c.server_ip || addr == d->c.router)
		return (0);
	for (k = 0; k < d->c.ndns; k++) {
		if (addr == d->c.dns[k])
			return (0);
	}
	for (k = 0; k < d->c.nexclude; k++) {
		if (addr == d->c.exclude[k])
			return (0);
	}
	return (1);
}

/* Is addr l's?  A released address still free is taken back. */
static int
ep_dhcp_holds(struct ep_dhcp *d, struct ep_dhcp_lease *l, uint32_t addr)
{
	uint32_t i;

	if (l->addr != addr || ep_dhcp_index(d, addr, &i) != 0)
		return (0);
	if (d->slot[i] == l)
		return (1);
	if (!ep_dhcp_is_free(d, addr))
		return (0);
	d->slot[i] = l;
	return (1);
}

/*
 * The address for l: its own, else the one it asks for if free, else the
 * next free one after the last given.  0 when the pool is exhausted.
 */
static uint32_t
ep_dhcp_alloc(struct ep_dhcp *d, struct ep_dhcp_lease *l, uint32_t want)
{
	uint32_t n, i, addr;

	if (l->addr != 0 && ep_dhcp_holds(d, l, l->addr))
		return (l->addr);
	l->addr = 0;
	if (want != 0 && ep_dhcp_is_free(d, want) &&
	    ep_dhcp_index(d, want, &i) == 0) {
		d->slot[i] = l;
		l->addr = want;
		return (want);
	}
	for (n = 0; n < d->npool; n++) {
		i = d->cursor;
		d->cursor = d->cursor + 1 >= d->npool ? 0 : d->cursor + 1;
		addr = d->c.pool_start + i;
		if (ep_dhcp_is_free(d, addr)) {
			d->slot[i] = l;
			l->addr = addr;
			return (addr);
		}
	}
	return (0);
}

/*
 * Answer m.  yiaddr 0 for NAK and INFORM's ACK, which carry no lease.
 * RFC 2131 4.1: to the relay if there is one, else to ciaddr when the
 * client has one, else broadcast (with the client's MAC for the runtime).
 */
static void
ep_dhcp_reply(struct ep_dhcp *d, const struct dhcp_msg *m, enum dhcp_type type,
    uint32_t yiaddr, uint16_t src_port, emu_time now, struct ep_out *out)
{
	struct dhcp_msg *r;
	struct ep_act *a;
	struct dbuf b;
	const uint8_t *relay;
	size_t relay_len, i;
	uint8_t dns[8];
	int k;

	r = xmalloc(sizeof *r);
	dhcp_init(r);
	r->op = 2;
	r->htype = m->htype;
	r->hlen = m->hlen;
	r->xid = m->xid;
	r->flags = m->flags;
	if (type == DHCPNAK && m->giaddr != 0)
		r->flags |= 0x8000; /* RFC 2131 4.3.2 */
	r->giaddr = m->giaddr;
	memcpy(r->chaddr, m->chaddr, sizeof r->chaddr);
	if (type == DHCPACK)
		r->ciaddr = m->ciaddr;
	r->yiaddr = yiaddr;

	dhcp_opt_set_u8(r, DHCP_OPT_MSG_TYPE, type);
	dhcp_opt_set_u32(r, DHCP_OPT_SERVER_ID, d->c.server_ip);
	if (type != DHCPNAK) {
		if (yiaddr != 0) {
			dhcp_opt_set_u32(r, DHCP_OPT_LEASE, d->c.lease_s);
			/* RFC 2131 4.4.5 defaults: T1 = 0.5, T2 = 0.875. */
			dhcp_opt_set_u32(r, DHCP_OPT_RENEW, d->c.lease_s / 2);
			dhcp_opt_set_u32(r, DHCP_OPT_REBIND,
			    (uint32_t)((uint64_t)d->c.lease_s * 7 / 8));
		}
		if (d->c.netmask != 0)
			dhcp_opt_set_u32(r, DHCP_OPT_SUBNET_MASK, d->c.netmask);
		if (d->c.router != 0)
			dhcp_opt_set_u32(r, DHCP_OPT_ROUTER, d->c.router);
		if (d->c.ndns > 0) {
			for (k = 0; k < d->c.ndns; k++) {
				dns[k * 4] = d->c.dns[k] >> 24;
				dns[k * 4 + 1] = d->c.dns[k] >> 16;
				dns[k * 4 + 2] = d->c.dns[k] >> 8;
				dns[k * 4 + 3] = d->c.dns[k];
			}
			dhcp_opt_set(r, DHCP_OPT_DNS, dns, d->c.ndns * 4);
		}
		if (d->c.domain[0] != '\0')
			dhcp_opt_set_str(r, DHCP_OPT_DOMAIN, d->c.domain);
		for (k = 0; k < d->c.nopt; k++)
			dhcp_opt_set(r, d->c.opt[k].code, d->c.opt[k].data,
			    d->c.opt[k].len);
	}
	relay = dhcp_opt_get(m, DHCP_OPT_RELAY, &relay_len);
	if (relay != NULL && m->giaddr != 0)
		dhcp_opt_set(r, DHCP_OPT_RELAY, relay, relay_len);

	dbuf_init(&b);
	dhcp_write(r, &b);
	a = ep_out_add(out, EP_ACT_DGRAM, b.data, b.len);
	a->src_ip = d->c.server_ip;
	a->src_port = DHCP_SERVER_PORT;
	a->at = now;
	if (m->giaddr != 0) {
		a->dst_ip = m->giaddr;
		a->dst_port = DHCP_SERVER_PORT;
		/* RFC 8357: a relay on another port says so in 82.19. */
		if (relay != NULL &&
		    dhcp_subopt_find(relay, relay_len, DHCP_RELAY_PORT, NULL) !=
			NULL)
			a->dst_port = src_port;
	} else {
		if (type != DHCPNAK && m->ciaddr != 0)
			a->dst_ip = m->ciaddr;
		else
			a->dst_ip = EP_DHCP_BROADCAST;
		a->dst_port = DHCP_CLIENT_PORT;
		a->has_mac = 1;
		for (i = 0; i < sizeof a->mac && i < m->hlen; i++)
			a->mac[i] = m->chaddr[i];
	}
	switch (type) {
	case DHCPOFFER:
		d->stats.offers++;
		break;
	case DHCPACK:
		d->stats.acks++;
		break;
	case DHCPNAK:
		d->stats.naks++;
		break;
	default:
		break;
	}
	dbuf_clear(&b);
	free(r);
}

/* Option 50, or 0. */
static uint32_t
ep_dhcp_requested(const struct dhcp_msg *m)
{
	uint32_t v;
	size_t len;

	if (dhcp_opt_get(m, DHCP_OPT_REQ_ADDR, &len) == NULL || len != 4 ||
	    dhcp_opt_get_u32(m, DHCP_OPT_REQ_ADDR, &v) != 0)
		return (0);
	return (v);
}

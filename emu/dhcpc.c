/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's DHCPv4 client (RFC 2131; spec 4.2): DISCOVER, OFFER, REQUEST,
 * ACK with the options a Cisco MPP phone sends (60, 55, 61, 12), the choice
 * of the provisioning source by DHCP_Option_To_Use (4.2.3), renewal and
 * rebinding.  Sans-I/O: it appends datagram actions on the DHCP flow and
 * keeps deadlines; it answers the hub with an outcome (enum dhcpc_rc) and
 * never calls into the provisioning machine itself.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu-int.h"

#define DHCPC_RETRY_MAX_S	64	/* T4: 4, 8, 16, 32, 64, then 64 */
#define DHCPC_REQUEST_TRIES	4	/* REQUEST retransmissions */
#define DHCPC_LEASE_DEFAULT	86400

static void	dhcpc_init_attempt(struct phone *, emu_time);
static void	dhcpc_send(struct phone *, enum dhcp_type, emu_time,
		    struct emu_outbox *);
static enum dhcpc_rc dhcpc_bind(struct phone *, const struct dhcp_msg *,
		    emu_time, struct emu_outbox *);
static void	dhcpc_pick_source(struct phone *, const struct dhcp_msg *,
		    struct emu_outbox *);
static emu_time	dhcpc_backoff(unsigned);

static const uint8_t dhcpc_maxsize[] = { 1500 >> 8, 1500 & 0xff };

/* Spec 4.2.1 ASSUMPTION: the parameter request list. */
static const uint8_t dhcpc_prl[] = {
	1, 2, 3, 6, 15, 28, 42, 43, 66, 125, 150, 159, 160
};

void
dhcpc_start(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct dhcpc	*d = &p->dhcp;

	dhcpc_init_attempt(p, now);
	dhcpc_send(p, DHCPDISCOVER, now, out);
	d->resend_at = EMU_TIME_ADD(now, dhcpc_backoff(d->tries));
}

/* A new attempt from INIT: SELECTING with a new xid, nothing sent yet. */
static void
dhcpc_init_attempt(struct phone *p, emu_time now)
{
	struct dhcpc	*d = &p->dhcp;

	d->state = DHCPC_SELECTING;
	d->xid = (uint32_t)prng_next(&p->rng);
	d->tries = 0;
	d->offered = d->server_id = 0;
	d->started = now;
	if (!d->bound_once && !d->discovering) {
		d->discovering = 1;
		d->boot_discover = now;
	}
	d->t1 = d->t2 = d->expiry = EMU_TIME_NEVER;
}

emu_time
dhcpc_deadline(const struct phone *p)
{
	const struct dhcpc	*d = &p->dhcp;
	emu_time		 t = d->resend_at;

	if (d->state == DHCPC_BOUND) {
		if (d->t1 < t)
			t = d->t1;
	} else if (d->state == DHCPC_RENEWING || d->state == DHCPC_REBINDING) {
		if (d->t2 < t && d->state == DHCPC_RENEWING)
			t = d->t2;
		if (d->expiry < t)
			t = d->expiry;
	}
	return (t);
}

enum dhcpc_rc
dhcpc_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct dhcpc	*d = &p->dhcp;

	switch (d->state) {
	case DHCPC_INIT:
		return (DHCPC_RC_NONE);
	case DHCPC_SELECTING:
		if (d->resend_at > now)
			return (DHCPC_RC_NONE);
		/* T4: no answer; retransmit with backoff. */
		d->tries++;
		phone_log(p, out, TRACE_DHCP, "no offer, retry %u", d->tries);
		dhcpc_send(p, DHCPDISCOVER, now, out);
		d->resend_at = EMU_TIME_ADD(now, dhcpc_backoff(d->tries));
		return (DHCPC_RC_NONE);
	case DHCPC_REQUESTING:
		if (d->resend_at > now)
			return (DHCPC_RC_NONE);
		if (++d->tries >= DHCPC_REQUEST_TRIES) {
			phone_log(p, out, TRACE_DHCP, "no ack, restarting");
			dhcpc_start(p, now, out);
			return (DHCPC_RC_NONE);
		}
		dhcpc_send(p, DHCPREQUEST, now, out);
		d->resend_at = EMU_TIME_ADD(now, dhcpc_backoff(d->tries));
		return (DHCPC_RC_NONE);
	case DHCPC_BOUND:
		if (d->t1 > now)
			return (DHCPC_RC_NONE);
		d->state = DHCPC_RENEWING;
		d->xid = (uint32_t)prng_next(&p->rng);
		d->tries = 0;
		phone_log(p, out, TRACE_DHCP, "renewing");
		dhcpc_send(p, DHCPREQUEST, now, out);
		d->resend_at = EMU_TIME_ADD(now, EMU_SEC(60));
		return (DHCPC_RC_NONE);
	case DHCPC_RENEWING:
	case DHCPC_REBINDING:
		if (d->expiry <= now) {
			/* RFC 2131 4.4.5: the lease is gone. */
			phone_log(p, out, TRACE_DHCP, "lease expired");
			p->ip = 0;
			dhcpc_start(p, now, out);
			return (DHCPC_RC_LOST);
		}
		if (d->state == DHCPC_RENEWING && d->t2 <= now) {
			d->state = DHCPC_REBINDING;
			d->resend_at = now;
		}
		if (d->resend_at > now)
			return (DHCPC_RC_NONE);
		dhcpc_send(p, DHCPREQUEST, now, out);
		d->resend_at = EMU_TIME_ADD(now, EMU_SEC(60));
		return (DHCPC_RC_NONE);
	}
	return (DHCPC_RC_NONE);
}

enum dhcpc_rc
dhcpc_input(struct phone *p, const uint8_t *pkt, size_t len, emu_time now,
    struct emu_outbox *out)
{
	struct dhcpc	*d = &p->dhcp;
	struct dhcp_msg	*m;
	char		*cause = NULL;
	enum dhcp_type	 t;
	enum dhcpc_rc	 rc = DHCPC_RC_NONE;

	m = xmalloc(sizeof *m);
	if (dhcp_parse(m, pkt, len, &cause) != 0) {
		phone_log(p, out, TRACE_DHCP, "bad packet: %s", cause);
		free(cause);
		goto out;
	}
	if (m->op != 2 || m->xid != d->xid || memcmp(m->chaddr, p->mac, 6) != 0)
		goto out;
	t = dhcp_type(m);
	switch (d->state) {
	case DHCPC_SELECTING:
		if (t != DHCPOFFER || m->yiaddr == 0)
			break;
		/*
		 * RFC 2131 4.3.1, table 3: an OFFER MUST name its server,
		 * and the REQUEST MUST carry that name (table 5).  Without
		 * one (nor siaddr) there is nothing to request from: the
		 * offer is dropped, DISCOVER goes on
		 * (tests/integration/misbehave.sh, noserverid).
		 */
		if (dhcp_opt_get_u32(m, DHCP_OPT_SERVER_ID, &d->server_id) != 0)
			d->server_id = m->siaddr;
		if (d->server_id == 0) {
			phone_log(p, out, TRACE_DHCP,
			    "offer without a server identifier, ignored");
			break;
		}
		d->offered = m->yiaddr;
		phone_log(p, out, TRACE_DHCP, "offer %u.%u.%u.%u",
		    m->yiaddr >> 24, (m->yiaddr >> 16) & 0xff,
		    (m->yiaddr >> 8) & 0xff, m->yiaddr & 0xff);
		d->state = DHCPC_REQUESTING;
		d->tries = 0;
		dhcpc_send(p, DHCPREQUEST, now, out);
		d->resend_at = EMU_TIME_ADD(now, dhcpc_backoff(0));
		break;
	case DHCPC_REQUESTING:
	case DHCPC_RENEWING:
	case DHCPC_REBINDING:
		if (t == DHCPNAK) {
			if (p->ip != 0)
				rc = DHCPC_RC_LOST;
			p->ip = 0;
			/*
			 * RFC 2131 3.1: a NAK restarts the configuration, the
			 * first one at once.  NAKs in a row wait as DISCOVER
			 * retransmissions do (4, 8 ... 64 s): a server that
			 * NAKs every REQUEST otherwise gets a packet storm
			 * (tests/integration/misbehave.sh, nak).
			 */
			if (d->naks++ == 0) {
				phone_log(p, out, TRACE_DHCP, "nak, restarting");
				dhcpc_start(p, now, out);
				break;
			}
			dhcpc_init_attempt(p, now);
			d->resend_at = EMU_TIME_ADD(now,
			    dhcpc_backoff(d->naks - 2));
			phone_log(p, out, TRACE_DHCP, "nak %u in a row, "
			    "restarting in %llus", d->naks, (unsigned long long)
			    ((d->resend_at - now) / 1000000));
			break;
		}
		if (t != DHCPACK || m->yiaddr == 0)
			break;
		rc = dhcpc_bind(p, m, now, out);
		break;
	default:
		break;
	}
out:
	free(m);
	return (rc);
}

static emu_time
dhcpc_backoff(unsigned tries)
{
	unsigned	s = 4;

	while (tries-- > 0 && s < DHCPC_RETRY_MAX_S)
		s *= 2;
	return (EMU_SEC(s));
}

static void
dhcpc_send(struct phone *p, enum dhcp_type type, emu_time now,
    struct emu_outbox *out)
{
	struct dhcpc		*d = &p->dhcp;
	struct dhcp_msg		*m;
	struct emu_action	*a;
	struct dbuf		 b;
	uint8_t			 cid[7];
	char			 host[16];
	int			 unicast;

	m = xmalloc(sizeof *m);
	dhcp_init(m);
	m->op = 1;
	m->htype = 1;
	m->hlen = 6;
	m->xid = d->xid;
	m->secs = (uint16_t)((now - d->started) / 1000000 > 65535 ? 65535 :
	    (now - d->started) / 1000000);
	memcpy(m->chaddr, p->mac, 6);
	unicast = type == DHCPREQUEST && d->state == DHCPC_RENEWING;
	if (type == DHCPREQUEST && (d->state == DHCPC_RENEWING ||
	    d->state == DHCPC_REBINDING))
		m->ciaddr = p->ip;
	else
		m->flags = 0x8000;
	dhcp_opt_set_u8(m, DHCP_OPT_MSG_TYPE, type);
	cid[0] = 1;
	memcpy(cid + 1, p->mac, 6);
	dhcp_opt_set(m, DHCP_OPT_CLIENT_ID, cid, sizeof cid);
	if (type == DHCPREQUEST && d->state == DHCPC_REQUESTING) {
		dhcp_opt_set_u32(m, DHCP_OPT_REQ_ADDR, d->offered);
		dhcp_opt_set_u32(m, DHCP_OPT_SERVER_ID, d->server_id);
	}
	dhcp_opt_set(m, DHCP_OPT_MAX_SIZE, dhcpc_maxsize, sizeof dhcpc_maxsize);
	snprintf(host, sizeof host, "SEP%s", p->macstr);
	dhcp_opt_set_str(m, DHCP_OPT_HOSTNAME, host);
	/* B2: option 60 is the bare product name (4.2.1). */
	dhcp_opt_set_str(m, DHCP_OPT_VCI, p->model);
	dhcp_opt_set(m, DHCP_OPT_PRL, dhcpc_prl, sizeof dhcpc_prl);

	dbuf_init(&b);
	dhcp_write(m, &b);
	a = emu_outbox_add(out, EMU_ACT_DGRAM, b.data, b.len);
	a->u.dgram.flow = EMU_FLOW_DHCP;
	a->u.dgram.src_port = DHCP_CLIENT_PORT;
	a->u.dgram.dst_port = DHCP_SERVER_PORT;
	if (unicast) {
		a->u.dgram.src_ip = p->ip;
		a->u.dgram.dst_ip = d->server_id;
	} else {
		a->u.dgram.src_ip = 0;
		a->u.dgram.dst_ip = 0xffffffff;
		a->u.dgram.broadcast = 1;
	}
	phone_log(p, out, TRACE_DHCP, "send %s xid %08x", dhcp_type_name(type),
	    d->xid);
	dbuf_clear(&b);
	free(m);
}

static enum dhcpc_rc
dhcpc_bind(struct phone *p, const struct dhcp_msg *m, emu_time now,
    struct emu_outbox *out)
{
	struct dhcpc	*d = &p->dhcp;
	struct emu_note	 n;
	const uint8_t	*v;
	size_t		 len;
	uint32_t	 lease = DHCPC_LEASE_DEFAULT, t1, t2;
	char		 buf[256];
	int		 first = d->state == DHCPC_REQUESTING;
	int		 i;

	p->ip = m->yiaddr;
	if (dhcp_opt_get_u32(m, DHCP_OPT_SUBNET_MASK, &p->mask) != 0)
		p->mask = 0xffffff00;
	if (dhcp_opt_get_u32(m, DHCP_OPT_ROUTER, &p->router) != 0)
		p->router = 0;
	p->dns[0] = p->dns[1] = 0;
	if ((v = dhcp_opt_get(m, DHCP_OPT_DNS, &len)) != NULL) {
		for (i = 0; i < 2 && (size_t)(i + 1) * 4 <= len; i++) {
			p->dns[i] = ((uint32_t)v[4 * i] << 24) |
			    ((uint32_t)v[4 * i + 1] << 16) |
			    ((uint32_t)v[4 * i + 2] << 8) | v[4 * i + 3];
		}
	}
	free(p->domain);
	p->domain = NULL;
	if (dhcp_opt_get_str(m, DHCP_OPT_DOMAIN, buf, sizeof buf) == 0 &&
	    buf[0] != '\0')
		p->domain = xstrdup(buf);
	dhcp_opt_get_u32(m, DHCP_OPT_LEASE, &lease);
	if (lease < 60)
		lease = 60;
	if (dhcp_opt_get_u32(m, DHCP_OPT_RENEW, &t1) != 0 || t1 >= lease)
		t1 = lease / 2;
	if (dhcp_opt_get_u32(m, DHCP_OPT_REBIND, &t2) != 0 || t2 >= lease ||
	    t2 <= t1)
		t2 = lease / 8 * 7;
	d->state = DHCPC_BOUND;
	d->naks = 0;
	d->resend_at = EMU_TIME_NEVER;
	d->t1 = EMU_TIME_ADD(now, EMU_SEC(t1));
	d->t2 = EMU_TIME_ADD(now, EMU_SEC(t2));
	d->expiry = EMU_TIME_ADD(now, EMU_SEC(lease));
	/* Spec 4.2.4 ASSUMPTION: the source is re-read on every renewal. */
	dhcpc_pick_source(p, m, out);
	phone_log(p, out, TRACE_DHCP, "bound %s lease %us source %s",
	    ipv4_str(p->ip, buf), lease,
	    p->dhcp_prov != NULL ? p->dhcp_prov : "none");
	if (!first || d->bound_once)
		return (DHCPC_RC_RENEWED);
	d->bound_once = 1;
	/* DORA: from the boot's first DISCOVER to this ACK. */
	memset(&n, 0, sizeof n);
	n.kind = EMU_NOTE_DHCP_BOUND;
	n.start = d->boot_discover;
	n.end = now;
	phone_note(p, out, &n);
	return (DHCPC_RC_BOUND);
}

/*
 * Spec 4.2.3, B3, B4: the first option of DHCP_Option_To_Use among 66,
 * 160, 159 and 150 that is present with a usable value is the
 * provisioning source.
 * 60, 43 and 125 only enable TR-069 discovery.
 */
static void
dhcpc_pick_source(struct phone *p, const struct dhcp_msg *m,
    struct emu_outbox *out)
{
	const char	*list = phone_param(p, P_DHCP_OPTION_TO_USE);
	const char	*s;
	char		 val[256];
	const uint8_t	*v;
	size_t		 len;
	unsigned long	 code;
	char		*end;
	uint32_t	 a;

	free(p->dhcp_prov);
	p->dhcp_prov = NULL;
	p->dhcp_prov_opt = 0;
	p->dhcp_prov_url = 0;
	for (s = list; s != NULL && *s != '\0';) {
		while (*s == ' ' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		code = strtoul(s, &end, 10);
		if (end == s) {
			s++;
			continue;
		}
		s = end;
		switch (code) {
		case 66:
		case 159:
		case 160:
			if (dhcp_opt_get_str(m, code, val, sizeof val) != 0)
				continue;
			/* trim */
			while (val[0] == ' ')
				memmove(val, val + 1, strlen(val));
			len = strlen(val);
			while (len > 0 && (val[len - 1] == ' ' ||
			    val[len - 1] == '\0'))
				val[--len] = '\0';
			if (len == 0)
				continue;
			break;
		case 150:
			if ((v = dhcp_opt_get(m, 150, &len)) == NULL || len < 4)
				continue;
			a = ((uint32_t)v[0] << 24) | ((uint32_t)v[1] << 16) |
			    ((uint32_t)v[2] << 8) | v[3];
			ipv4_str(a, val);
			break;
		default:
			continue;
		}
		p->dhcp_prov = xstrdup(val);
		p->dhcp_prov_opt = code;
		p->dhcp_prov_url = code == 160 || strstr(val, "://") != NULL;
		phone_log(p, out, TRACE_DHCP, "provisioning source option %lu: %s",
		    code, val);
		return;
	}
}

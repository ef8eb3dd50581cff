/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The sim runtime: a discrete-event loop over one min-heap keyed by (time,
 * sequence).  Time jumps to the next event.  Phones, site DHCP servers and
 * hosts (HTTP, TFTP, DNS endpoints) live in the same process; datagrams and
 * stream bytes travel with the latency, jitter and loss of the phone's
 * site link.  Everything random comes from one PRNG seeded by the run's
 * seed, so the same scenario and seed replay the same run.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

enum sim_ev_type {
	SIMEV_PHONE_TIMER,	/* embedded in struct sim_phone */
	SIMEV_TFTP_TIMER,	/* embedded in struct sim_host */
	SIMEV_CB,		/* sim_at() */
	SIMEV_TO_PHONE,		/* datagram or stream event for a phone */
	SIMEV_TO_HOST,		/* datagram for a host or a site's DHCP */
	SIMEV_TO_CONN		/* stream bytes or EOF for a server conn */
};

struct sim_conn;

struct sim_ev {
	struct heap_ent		 he;	/* first: the heap hands it back */
	enum sim_ev_type	 type;
	struct sim_phone	*sp;
	struct sim_host		*host;
	struct sim_site		*site;
	struct sim_conn		*conn;
	enum emu_ev_type	 evtype;	/* TO_PHONE */
	int			 stream;
	int			 eof;		/* TO_CONN */
	enum emu_err		 err;
	uint32_t		 src_ip, dst_ip;
	uint16_t		 src_port, dst_port;
	uint8_t			*data;		/* owned */
	size_t			 len;
	sim_cb			 cb;
	void			*arg;
};

struct sim_site {
	char			*name;
	struct sim_link		 link;
	struct ep_dhcp		*dhcp;		/* borrowed, may be NULL */
};

struct sim_host {
	uint32_t		 ip;
	uint16_t		 http_port;
	struct ep_http		*http;		/* borrowed */
	uint16_t		 tftp_port;
	struct ep_tftp		*tftp;		/* borrowed */
	struct ep_dns		*dns;		/* borrowed */
	struct sim_ev		 tev;		/* TFTP timer */
	struct sim		*sim;
};

struct sim_phone {
	struct phone		*p;		/* owned */
	struct sim_site		*site;
	size_t			 idx;
	uint32_t		 ip;		/* as last seen */
	struct sim_ev		 tev;		/* phone timer */
};

struct sim_conn {
	struct {
		uint32_t	 idx;
		int32_t		 stream;
	}			 key;
	struct ep_conn		*c;		/* key of the second map */
	struct sim_phone	*sp;
	struct sim_host		*host;
	int			 phone_open;
	int			 server_open;
	unsigned		 pending;	/* events in flight */
	emu_time		 last_to_phone;
	emu_time		 last_to_server;
};

struct sim {
	struct emu_ctx		*ctx;		/* borrowed */
	struct prng		 rng;
	emu_time		 now;
	struct heap		 q;
	struct emu_outbox	 out;
	struct ep_out		 eout;
	struct sim_site		**site;
	size_t			 nsite;
	struct sim_host		**host;
	size_t			 nhost;
	struct hmap		 host_by_ip;
	struct sim_phone	**phone;
	size_t			 nphone, capphone;
	struct hmap		 phone_by_mac;
	struct hmap		 phone_by_ip;
	struct hmap		 conn_by_stream;
	struct hmap		 conn_by_ep;
	uint16_t		 port_seq;
	void			(*log)(void *, const char *);
	void			*log_arg;
	struct sim_stats	 stats;
};

static struct sim_ev *sim_ev_new(struct sim *, enum sim_ev_type, emu_time);
static void	sim_ev_free(struct sim_ev *);
static void	sim_dispatch(struct sim *, struct sim_ev *);
static void	sim_phone_rearm(struct sim *, struct sim_phone *);
static void	sim_phone_actions(struct sim *, struct sim_phone *);
static void	sim_ep_actions(struct sim *);
static void	sim_tftp_rearm(struct sim *, struct sim_host *);
static emu_time	sim_delay(struct sim *, const struct sim_link *);
static int	sim_lost(struct sim *, const struct sim_link *);
static struct sim_host *sim_host_get(struct sim *, uint32_t, int);
static struct sim_ev *sim_to_phone(struct sim *, struct sim_phone *, emu_time,
		    enum emu_ev_type, int, uint32_t, uint16_t, uint16_t,
		    const uint8_t *, size_t, enum emu_err);
static void	sim_conn_unref(struct sim *, struct sim_conn *);
static void	sim_conn_maybe_free(struct sim *, struct sim_conn *);

struct sim *
sim_create(struct emu_ctx *ctx, uint64_t seed)
{
	struct sim	*s;
	uint8_t		 zero[6] = { 0 };

	s = xcalloc(1, sizeof *s);
	s->ctx = ctx;
	prng_seed(&s->rng, seed ^ 0x5349d, zero);
	heap_init(&s->q);
	emu_outbox_init(&s->out);
	ep_out_init(&s->eout);
	hmap_init(&s->host_by_ip);
	hmap_init(&s->phone_by_mac);
	hmap_init(&s->phone_by_ip);
	hmap_init(&s->conn_by_stream);
	hmap_init(&s->conn_by_ep);
	return (s);
}

void
sim_free(struct sim *s)
{
	struct heap_ent	*he;
	struct sim_conn	*c;
	size_t		 i, pos;

	if (s == NULL)
		return;
	while ((he = heap_pop(&s->q)) != NULL) {
		struct sim_ev	*ev = (struct sim_ev *)he;

		if (ev->type != SIMEV_PHONE_TIMER &&
		    ev->type != SIMEV_TFTP_TIMER)
			sim_ev_free(ev);
	}
	heap_clear(&s->q);
	pos = 0;
	while ((c = hmap_next(&s->conn_by_stream, &pos)) != NULL) {
		if (c->c != NULL && c->host != NULL && c->host->http != NULL)
			ep_http_conn_free(c->host->http, c->c);
		free(c);
	}
	hmap_clear(&s->conn_by_stream);
	hmap_clear(&s->conn_by_ep);
	for (i = 0; i < s->nphone; i++) {
		phone_free(s->phone[i]->p);
		free(s->phone[i]);
	}
	free(s->phone);
	for (i = 0; i < s->nsite; i++) {
		free(s->site[i]->name);
		free(s->site[i]);
	}
	free(s->site);
	for (i = 0; i < s->nhost; i++)
		free(s->host[i]);
	free(s->host);
	hmap_clear(&s->host_by_ip);
	hmap_clear(&s->phone_by_mac);
	hmap_clear(&s->phone_by_ip);
	emu_outbox_free(&s->out);
	ep_out_free(&s->eout);
	free(s);
}

void
sim_set_log(struct sim *s, void (*cb)(void *, const char *), void *arg)
{
	s->log = cb;
	s->log_arg = arg;
}

const struct sim_stats *
sim_stats(const struct sim *s)
{
	return (&s->stats);
}

emu_time
sim_now(const struct sim *s)
{
	return (s->now);
}

struct sim_site *
sim_site_add(struct sim *s, const char *name, const struct sim_link *link,
    struct ep_dhcp *dhcp)
{
	struct sim_site	*site;

	site = xcalloc(1, sizeof *site);
	site->name = xstrdup(name);
	site->link = *link;
	site->dhcp = dhcp;
	s->site = xreallocarray(s->site, s->nsite + 1, sizeof *s->site);
	s->site[s->nsite++] = site;
	return (site);
}

static struct sim_host *
sim_host_get(struct sim *s, uint32_t ip, int create)
{
	struct sim_host	*h;

	if ((h = hmap_get(&s->host_by_ip, &ip, sizeof ip)) != NULL ||
	    !create)
		return (h);
	h = xcalloc(1, sizeof *h);
	h->ip = ip;
	h->sim = s;
	h->tev.he.idx = HEAP_NONE;
	h->tev.type = SIMEV_TFTP_TIMER;
	h->tev.host = h;
	s->host = xreallocarray(s->host, s->nhost + 1, sizeof *s->host);
	s->host[s->nhost++] = h;
	hmap_put(&s->host_by_ip, &h->ip, sizeof h->ip, h);
	return (h);
}

void
sim_host_add_http(struct sim *s, uint32_t ip, uint16_t port, struct ep_http *h)
{
	struct sim_host	*host = sim_host_get(s, ip, 1);

	host->http = h;
	host->http_port = port;
}

void
sim_host_add_tftp(struct sim *s, uint32_t ip, uint16_t port, struct ep_tftp *t)
{
	struct sim_host	*host = sim_host_get(s, ip, 1);

	host->tftp = t;
	host->tftp_port = port;
}

void
sim_host_add_dns(struct sim *s, uint32_t ip, struct ep_dns *d)
{
	struct sim_host	*host = sim_host_get(s, ip, 1);

	host->dns = d;
}

void
sim_phone_add(struct sim *s, struct sim_site *site, struct phone *p)
{
	struct sim_phone	*sp;

	sp = xcalloc(1, sizeof *sp);
	sp->p = p;
	sp->site = site;
	sp->idx = s->nphone;
	sp->tev.type = SIMEV_PHONE_TIMER;
	sp->tev.sp = sp;
	sp->tev.he.idx = HEAP_NONE;
	if (s->nphone == s->capphone) {
		s->capphone = s->capphone == 0 ? 64 : s->capphone * 2;
		s->phone = xreallocarray(s->phone, s->capphone,
		    sizeof *s->phone);
	}
	s->phone[s->nphone++] = sp;
	hmap_put(&s->phone_by_mac, phone_mac(p), 6, sp);
}

size_t
sim_phone_count(const struct sim *s)
{
	return (s->nphone);
}

struct phone *
sim_phone(const struct sim *s, size_t i)
{
	return (i < s->nphone ? s->phone[i]->p : NULL);
}

void
sim_at(struct sim *s, emu_time at, sim_cb cb, void *arg)
{
	struct sim_ev	*ev;

	ev = sim_ev_new(s, SIMEV_CB, at < s->now ? s->now : at);
	ev->cb = cb;
	ev->arg = arg;
}

void
sim_phone_event(struct sim *s, struct phone *p, const struct emu_event *ev)
{
	struct sim_phone	*sp;

	if ((sp = hmap_get(&s->phone_by_mac, phone_mac(p), 6)) == NULL)
		return;
	emu_outbox_clear(&s->out);
	phone_handle(p, ev, s->now, &s->out);
	sim_phone_actions(s, sp);
	sim_phone_rearm(s, sp);
}

uint64_t
sim_run(struct sim *s, emu_time until)
{
	struct heap_ent	*he;
	uint64_t	 n = 0;

	while ((he = heap_top(&s->q)) != NULL && he->key <= until) {
		heap_pop(&s->q);
		if (he->key > s->now)
			s->now = he->key;
		sim_dispatch(s, (struct sim_ev *)he);
		n++;
	}
	if (until > s->now)
		s->now = until;
	s->stats.events += n;
	return (n);
}

static struct sim_ev *
sim_ev_new(struct sim *s, enum sim_ev_type type, emu_time at)
{
	struct sim_ev	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->he.idx = HEAP_NONE;
	ev->type = type;
	heap_push(&s->q, &ev->he, at);
	return (ev);
}

static void
sim_ev_free(struct sim_ev *ev)
{
	free(ev->data);
	free(ev);
}

static emu_time
sim_delay(struct sim *s, const struct sim_link *l)
{
	emu_time	d = l->latency;

	if (l->jitter != 0)
		d += prng_range(&s->rng, l->jitter);
	return (d);
}

static int
sim_lost(struct sim *s, const struct sim_link *l)
{
	if (l->loss_ppm == 0)
		return (0);
	return (prng_range(&s->rng, 999999) < l->loss_ppm);
}

static void
sim_dispatch(struct sim *s, struct sim_ev *ev)
{
	struct emu_event	 e;
	struct sim_conn		*c;
	struct sim_host		*h;

	switch (ev->type) {
	case SIMEV_PHONE_TIMER:
		memset(&e, 0, sizeof e);
		e.type = EMU_EV_TIMER;
		emu_outbox_clear(&s->out);
		phone_handle(ev->sp->p, &e, s->now, &s->out);
		sim_phone_actions(s, ev->sp);
		sim_phone_rearm(s, ev->sp);
		return;
	case SIMEV_TFTP_TIMER:
		h = ev->host;
		ep_out_reset(&s->eout);
		ep_tftp_timer(h->tftp, s->now, &s->eout);
		sim_ep_actions(s);
		sim_tftp_rearm(s, h);
		return;
	case SIMEV_CB:
		ev->cb(ev->arg, s->now);
		break;
	case SIMEV_TO_PHONE:
		c = ev->conn;
		if (c != NULL && !c->phone_open) {
			sim_conn_unref(s, c);
			break;
		}
		memset(&e, 0, sizeof e);
		e.type = ev->evtype;
		e.stream = ev->stream;
		e.src_ip = ev->src_ip;
		e.src_port = ev->src_port;
		e.dst_port = ev->dst_port;
		e.data = ev->data;
		e.len = ev->len;
		e.err = ev->err;
		emu_outbox_clear(&s->out);
		phone_handle(ev->sp->p, &e, s->now, &s->out);
		if (c != NULL)
			sim_conn_unref(s, c);
		sim_phone_actions(s, ev->sp);
		sim_phone_rearm(s, ev->sp);
		break;
	case SIMEV_TO_HOST:
		ep_out_reset(&s->eout);
		if (ev->site != NULL) {
			ep_dhcp_input(ev->site->dhcp, ev->data, ev->len,
			    ev->src_ip, ev->src_port, s->now, &s->eout);
			sim_ep_actions(s);
			break;
		}
		h = ev->host;
		if (ev->dst_port == DNS_PORT && h->dns != NULL) {
			ep_dns_input(h->dns, ev->data, ev->len, ev->src_ip,
			    ev->src_port, h->ip, s->now, &s->eout);
		} else if (h->tftp != NULL && (ev->dst_port == h->tftp_port ||
		    ep_tftp_owns_port(h->tftp, ev->dst_port))) {
			ep_tftp_input(h->tftp, ev->data, ev->len, ev->src_ip,
			    ev->src_port, ev->dst_port, s->now, &s->eout);
			sim_ep_actions(s);
			sim_tftp_rearm(s, h);
			break;
		}
		sim_ep_actions(s);
		break;
	case SIMEV_TO_CONN:
		c = ev->conn;
		if (c->server_open) {
			ep_out_reset(&s->eout);
			if (ev->eof) {
				c->server_open = 0;
				ep_http_eof(c->host->http, c->c, s->now,
				    &s->eout);
			} else
				ep_http_input(c->host->http, c->c, ev->data,
				    ev->len, s->now, &s->eout);
			sim_ep_actions(s);
		}
		sim_conn_unref(s, c);
		break;
	}
	sim_ev_free(ev);
}

static void
sim_phone_rearm(struct sim *s, struct sim_phone *sp)
{
	emu_time	t = phone_deadline(sp->p);
	uint32_t	ip = phone_ip(sp->p);

	if (ip != sp->ip) {
		if (sp->ip != 0 &&
		    hmap_get(&s->phone_by_ip, &sp->ip, sizeof sp->ip) == sp)
			hmap_del(&s->phone_by_ip, &sp->ip, sizeof sp->ip);
		sp->ip = ip;
		if (ip != 0)
			hmap_put(&s->phone_by_ip, &sp->ip, sizeof sp->ip, sp);
	}
	if (t == EMU_TIME_NEVER) {
		heap_remove(&s->q, &sp->tev.he);
		return;
	}
	if (t < s->now)
		t = s->now;
	if (sp->tev.he.idx == HEAP_NONE || sp->tev.he.key != t)
		heap_update(&s->q, &sp->tev.he, t);
}

static void
sim_tftp_rearm(struct sim *s, struct sim_host *h)
{
	emu_time	t = ep_tftp_deadline(h->tftp);

	if (t == EMU_TIME_NEVER) {
		heap_remove(&s->q, &h->tev.he);
		return;
	}
	if (t < s->now)
		t = s->now;
	if (h->tev.he.idx == HEAP_NONE || h->tev.he.key != t)
		heap_update(&s->q, &h->tev.he, t);
}

static struct sim_ev *
sim_to_phone(struct sim *s, struct sim_phone *sp, emu_time at,
    enum emu_ev_type type, int stream, uint32_t src_ip, uint16_t src_port,
    uint16_t dst_port, const uint8_t *data, size_t len, enum emu_err err)
{
	struct sim_ev	*ev;

	ev = sim_ev_new(s, SIMEV_TO_PHONE, at);
	ev->sp = sp;
	ev->evtype = type;
	ev->stream = stream;
	ev->src_ip = src_ip;
	ev->src_port = src_port;
	ev->dst_port = dst_port;
	ev->err = err;
	if (len != 0) {
		ev->data = xmalloc(len);
		memcpy(ev->data, data, len);
		ev->len = len;
	}
	return (ev);
}

static struct sim_conn *
sim_conn_find(struct sim *s, struct sim_phone *sp, int stream)
{
	struct {
		uint32_t	idx;
		int32_t		stream;
	} key;

	memset(&key, 0, sizeof key);
	key.idx = sp->idx;
	key.stream = stream;
	return (hmap_get(&s->conn_by_stream, &key, sizeof key));
}

static void
sim_conn_unref(struct sim *s, struct sim_conn *c)
{
	c->pending--;
	sim_conn_maybe_free(s, c);
}

static void
sim_conn_maybe_free(struct sim *s, struct sim_conn *c)
{
	if (c->pending != 0 || c->phone_open || c->server_open)
		return;
	hmap_del(&s->conn_by_stream, &c->key, sizeof c->key);
	if (c->c != NULL) {
		hmap_del(&s->conn_by_ep, &c->c, sizeof c->c);
		ep_http_conn_free(c->host->http, c->c);
	}
	free(c);
}

/* Deliver stream bytes or EOF to the server side, in order. */
static void
sim_conn_to_server(struct sim *s, struct sim_conn *c, const uint8_t *data,
    size_t len, int eof)
{
	struct sim_ev	*ev;
	emu_time	 at;

	at = s->now + sim_delay(s, &c->sp->site->link);
	if (at < c->last_to_server)
		at = c->last_to_server;
	c->last_to_server = at;
	ev = sim_ev_new(s, SIMEV_TO_CONN, at);
	ev->conn = c;
	ev->eof = eof;
	if (len != 0) {
		ev->data = xmalloc(len);
		memcpy(ev->data, data, len);
		ev->len = len;
	}
	c->pending++;
}

static void
sim_conn_to_phone(struct sim *s, struct sim_conn *c, emu_time base,
    enum emu_ev_type type, const uint8_t *data, size_t len, enum emu_err err)
{
	struct sim_ev	*ev;
	emu_time	 at;

	at = base + sim_delay(s, &c->sp->site->link);
	if (at < c->last_to_phone)
		at = c->last_to_phone;
	c->last_to_phone = at;
	ev = sim_to_phone(s, c->sp, at, type, c->key.stream, c->host->ip,
	    c->host->http_port, 0, data, len, err);
	ev->conn = c;
	c->pending++;
}

static void
sim_phone_actions(struct sim *s, struct sim_phone *sp)
{
	const struct sim_link	*link = &sp->site->link;
	struct sim_host		*h;
	struct sim_conn		*c;
	struct sim_ev		*ev;
	size_t			 i;
	char			 line[1024], t[32];

	for (i = 0; i < s->out.n; i++) {
		const struct emu_action	*a = &s->out.act[i];
		const uint8_t		*d = emu_act_data(&s->out, a);

		switch (a->type) {
		case EMU_ACT_DGRAM:
			s->stats.dgrams++;
			if (sim_lost(s, link)) {
				s->stats.dgrams_lost++;
				break;
			}
			if (a->broadcast || (sp->site->dhcp != NULL &&
			    a->dst_port == DHCP_SERVER_PORT &&
			    sim_host_get(s, a->dst_ip, 0) == NULL)) {
				if (sp->site->dhcp == NULL ||
				    a->dst_port != DHCP_SERVER_PORT)
					break;
				ev = sim_ev_new(s, SIMEV_TO_HOST,
				    s->now + sim_delay(s, link));
				ev->site = sp->site;
			} else {
				if ((h = sim_host_get(s, a->dst_ip, 0)) == NULL)
					break;
				ev = sim_ev_new(s, SIMEV_TO_HOST,
				    s->now + sim_delay(s, link));
				ev->host = h;
			}
			ev->src_ip = a->src_ip;
			ev->src_port = a->src_port;
			ev->dst_ip = a->dst_ip;
			ev->dst_port = a->dst_port;
			ev->data = xmalloc(a->len == 0 ? 1 : a->len);
			memcpy(ev->data, d, a->len);
			ev->len = a->len;
			break;
		case EMU_ACT_OPEN:
			s->stats.streams++;
			h = sim_host_get(s, a->dst_ip, 0);
			if (h == NULL)
				break;	/* no such host: SYNs vanish */
			if (h->http == NULL || h->http_port != a->dst_port) {
				s->stats.streams_refused++;
				sim_to_phone(s, sp, s->now + 2 *
				    sim_delay(s, link), EMU_EV_STREAM_ERROR,
				    a->stream, a->dst_ip, a->dst_port, 0, NULL,
				    0, EMU_E_CONNECT);
				break;
			}
			c = xcalloc(1, sizeof *c);
			c->key.idx = sp->idx;
			c->key.stream = a->stream;
			c->sp = sp;
			c->host = h;
			c->phone_open = c->server_open = 1;
			s->port_seq++;
			c->c = ep_http_accept(h->http, phone_ip(sp->p),
			    32768 + s->port_seq % 28000, s->now);
			hmap_put(&s->conn_by_stream, &c->key, sizeof c->key, c);
			hmap_put(&s->conn_by_ep, &c->c, sizeof c->c, c);
			sim_conn_to_phone(s, c, s->now + sim_delay(s, link),
			    EMU_EV_CONNECTED, NULL, 0, EMU_OK);
			c->last_to_server = c->last_to_phone;
			break;
		case EMU_ACT_SEND:
			if ((c = sim_conn_find(s, sp, a->stream)) == NULL ||
			    !c->phone_open)
				break;
			sim_conn_to_server(s, c, d, a->len, 0);
			break;
		case EMU_ACT_CLOSE:
			if ((c = sim_conn_find(s, sp, a->stream)) == NULL ||
			    !c->phone_open)
				break;
			c->phone_open = 0;
			if (c->server_open)
				sim_conn_to_server(s, c, NULL, 0, 1);
			sim_conn_maybe_free(s, c);
			break;
		case EMU_ACT_LOG:
		case EMU_ACT_SYSLOG:
			if (s->log == NULL)
				break;
			snprintf(t, sizeof t, "%llu.%06llu",
			    (unsigned long long)(s->now / 1000000),
			    (unsigned long long)(s->now % 1000000));
			snprintf(line, sizeof line, "%s %s %s%s", t,
			    phone_mac_str(sp->p), a->type == EMU_ACT_SYSLOG ?
			    "syslog: " : "", (const char *)d);
			s->log(s->log_arg, line);
			break;
		case EMU_ACT_NOTE:
			break;
		}
	}
}

/* Deliver what an endpoint just produced (in s->eout). */
static void
sim_ep_actions(struct sim *s)
{
	struct sim_phone	*sp;
	struct sim_conn		*c;
	size_t			 i;

	for (i = 0; i < s->eout.n; i++) {
		const struct ep_act	*a = &s->eout.act[i];
		const uint8_t		*d = ep_act_data(&s->eout, a);
		emu_time		 base = a->at > s->now ? a->at : s->now;

		switch (a->type) {
		case EP_ACT_DGRAM:
			if (a->has_mac)
				sp = hmap_get(&s->phone_by_mac, a->mac, 6);
			else
				sp = hmap_get(&s->phone_by_ip, &a->dst_ip,
				    sizeof a->dst_ip);
			if (sp == NULL)
				break;
			s->stats.dgrams++;
			if (sim_lost(s, &sp->site->link)) {
				s->stats.dgrams_lost++;
				break;
			}
			sim_to_phone(s, sp, base + sim_delay(s,
			    &sp->site->link), EMU_EV_DGRAM, 0, a->src_ip,
			    a->src_port, a->dst_port, d, a->len, EMU_OK);
			break;
		case EP_ACT_DATA:
		case EP_ACT_CLOSE:
		case EP_ACT_RESET:
			c = hmap_get(&s->conn_by_ep, &a->conn, sizeof a->conn);
			if (c == NULL || !c->server_open)
				break;
			if (a->type == EP_ACT_DATA) {
				sim_conn_to_phone(s, c, base, EMU_EV_DATA, d,
				    a->len, EMU_OK);
				break;
			}
			c->server_open = 0;
			sim_conn_to_phone(s, c, base, a->type == EP_ACT_CLOSE ?
			    EMU_EV_CLOSED : EMU_EV_STREAM_ERROR, NULL, 0,
			    EMU_E_TRUNCATED);
			break;
		}
	}
}

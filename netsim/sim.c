/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The sim runtime: a discrete-event loop over one min-heap keyed by (time,
 * sequence).  Time jumps to the next event.  Phones, site DHCP servers and
 * hosts (HTTP, HTTPS, TFTP, DNS, syslog endpoints, several per address by
 * port)
 * live in the same process; datagrams and stream bytes travel with the
 * latency, jitter and loss of the phone's site link.  Everything random
 * comes from one PRNG seeded by the run's seed, so the same scenario and
 * seed replay the same run.
 *
 * Flows (DESIGN.md): a phone names each datagram socket and stream; the
 * sim picks local ports, keeps (phone, port) -> flow for what comes back,
 * and hands the flow id back with every event.  A server's answer is
 * pulled from its endpoint a segment at a time (SIM_SEG_MAX), with at most
 * SIM_WINDOW bytes in flight to the phone per connection: what the phone
 * never reads (it gave up at its size cap and closed) is never produced.
 *
 * An HTTP proxy (ep-proxy.c) is a stream service whose upstream legs are
 * sim-internal connections from the proxy's address to other hosts'
 * HTTP and HTTPS services: a leg is a struct sim_conn without a phone,
 * whose "client" events go to the proxy (SIMEV_TO_PROXY) and whose pull
 * from the origin is limited by what the proxy has room for.
 *
 * Bandwidth (docs/scenario.md, "Bandwidth"): a site's link speed is each
 * phone's own access link, one per direction; a stream segment of n bytes
 * occupies it n * 8 / bps, queued behind the segments before it, then
 * travels the link's latency.  A host's uplink is shared: the streams with
 * something to send wait in a round-robin queue and the uplink sends one
 * segment (SIM_SEG_PACED) at a time, one event per segment.  A paced
 * stream is pulled only when its links are free, so what is in flight is
 * what the links hold, never the whole answer.  Busy times are kept in
 * nanoseconds so that rounding to the microsecond clock does not add up.
 * Datagrams are not paced.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define SIM_SEG_MAX	(16 * 1024)	/* one stream segment */
#define SIM_WINDOW	(64 * 1024)	/* bytes in flight per connection */
#define SIM_EPHEMERAL	49152		/* RFC 6335 dynamic ports */
#define SIM_EPHEMERAL_N	16384
#define SIM_LEG_LOW	1024		/* a leg waits for this much room */
#define SIM_SEG_PACED	(64 * 1024)	/* a segment over a paced link */
#define SIM_WINDOW_PACED (1024 * 1024)	/* in flight over a paced link */

enum sim_ev_type {
	SIMEV_PHONE_TIMER,	/* embedded in struct sim_phone */
	SIMEV_SVC_TIMER,	/* embedded in struct sim_svc (TFTP) */
	SIMEV_CB,		/* sim_at() */
	SIMEV_TO_PHONE,		/* datagram or stream event for a phone */
	SIMEV_TO_HOST,		/* datagram for a host or a site's DHCP */
	SIMEV_TO_CONN,		/* stream bytes or EOF for a server conn */
	SIMEV_PUMP,		/* a server conn may send again */
	SIMEV_TO_PROXY,		/* stream event from a leg for its proxy */
	SIMEV_UPLINK		/* embedded in struct sim_host: send */
};

struct sim_conn;

struct sim_ev {
	struct heap_ent		 he;	/* first: the heap hands it back */
	enum sim_ev_type	 type;
	struct sim_phone	*sp;
	struct sim_svc		*svc;
	struct sim_site		*site;
	struct sim_host		*host;
	struct sim_conn		*conn;
	enum emu_ev_type	 evtype;	/* TO_PHONE */
	uint32_t		 flow;
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

enum sim_svc_kind {
	SVC_HTTP,
	SVC_TFTP,
	SVC_DNS,
	SVC_PROXY,		/* a stream service, like SVC_HTTP */
	SVC_SYSLOG,		/* a collector (ep-syslog.c) */
	SVC_SIP			/* a NOTIFY sender (16.3) */
};
struct sim_svc {
	enum sim_svc_kind	 kind;
	uint16_t		 port;
	struct ep_http		*http;		/* borrowed */
	struct ep_tls		*tls;		/* owned: HTTPS, or NULL */
	struct ep_tftp		*tftp;		/* borrowed */
	struct ep_dns		*dns;		/* borrowed */
	struct ep_proxy		*proxy;		/* borrowed */
	struct ep_syslog	*syslog;	/* borrowed */
	struct ep_sip		*sip;		/* borrowed */
	struct sim_link		 up;		/* proxy: its legs' link */
	struct sim_ev		 tev;		/* TFTP and SIP timer */
	struct sim_host		*host;
};

struct sim_host {
	uint32_t		 ip;
	struct sim_svc		**svc;		/* owned */
	size_t			 nsvc;
	int			 down;		/* refuses and drops all */
	struct sim		*sim;
	uint64_t		 up_bps;	/* shared uplink, 0 none */
	uint64_t		 up_free_ns;	/* busy until */
	TAILQ_HEAD(, sim_conn)	 upq;		/* streams waiting to send */
	struct sim_ev		 upev;		/* the uplink's next turn */
};

struct sim_bind {
	uint32_t		 flow;
	uint16_t		 port;
};

struct sim_phone {
	struct phone		*p;		/* owned */
	struct sim_site		*site;
	size_t			 idx;
	uint32_t		 ip;		/* as last seen */
	struct sim_ev		 tev;		/* phone timer */
	struct sim_bind		*bind;		/* owned: datagram flows */
	uint16_t		 nbind, capbind;
	uint16_t		 port_seq;
	uint64_t		 down_free_ns;	/* access link busy until */
	uint64_t		 up_free_ns;
};

struct sim_conn {
	struct {
		uint32_t	 idx;
		uint32_t	 flow;
	}			 key;
	struct ep_conn		*c;		/* key of the second map */
	struct ep_tls_conn	*tc;		/* HTTPS: instead of c */
	struct ep_proxy_conn	*pc;		/* proxy: instead of c */
	struct sim_phone	*sp;		/* NULL: a proxy's leg */
	struct sim_svc		*svc;		/* NULL: a refused leg */
	const struct sim_link	*link;
	struct sim_conn		*leg;		/* proxy: its upstream leg */
	struct sim_conn		*up;		/* leg: the proxy conn, or
						   NULL once it let go */
	LIST_ENTRY(sim_conn)	 lentry;	/* legs: s->legs */
	TAILQ_ENTRY(sim_conn)	 uentry;	/* svc->host->upq */
	int			 uqueued;
	int			 in_map;	/* still in conn_by_flow */
	int			 phone_open;
	int			 server_open;
	unsigned		 pending;	/* events in flight */
	size_t			 inflight;	/* bytes on their way */
	int			 pump_armed;
	emu_time		 pump_at;
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
	struct dbuf		 seg;		/* a pulled segment */
	struct sim_site		**site;
	size_t			 nsite;
	struct sim_host		**host;
	size_t			 nhost;
	struct hmap		 host_by_ip;
	struct sim_phone	**phone;
	size_t			 nphone, capphone;
	struct hmap		 phone_by_mac;
	struct hmap		 phone_by_ip;
	struct hmap		 conn_by_flow;
	struct hmap		 conn_by_ep;
	LIST_HEAD(, sim_conn)	 legs;		/* owned */
	uint16_t		 port_seq;
	void			(*log)(void *, const char *);
	void			*log_arg;
	sim_note_cb		 note;
	void			*note_arg;
	sim_sent_cb		 sent;
	void			*sent_arg;
	const struct sim_io	*io;		/* outside carrier, or NULL */
	void			*io_arg;
	int			 stop;		/* sim_stop(): leave sim_run() */
	struct sim_stats	 stats;
};

static struct sim_ev *sim_ev_new(struct sim *, enum sim_ev_type, emu_time);
static void	sim_ev_free(struct sim_ev *);
static void	sim_dispatch(struct sim *, struct sim_ev *);
static void	sim_phone_rearm(struct sim *, struct sim_phone *);
static void	sim_phone_actions(struct sim *, struct sim_phone *);
static void	sim_ep_actions(struct sim *);
static void	sim_svc_rearm(struct sim *, struct sim_svc *);
static emu_time	sim_delay(struct sim *, const struct sim_link *);
static emu_time	sim_arrive(struct sim *, emu_time, const struct sim_link *);
static int	sim_lost(struct sim *, const struct sim_link *);
static struct sim_host *sim_host_get(struct sim *, uint32_t, int);
static struct sim_svc *sim_svc_find(struct sim_host *, enum sim_svc_kind,
		    uint16_t);
static struct sim_svc *sim_svc_stream(struct sim_host *, uint16_t);
static struct sim_svc *sim_svc_add(struct sim *, uint32_t, enum sim_svc_kind,
		    uint16_t);
static struct sim_ev *sim_to_phone(struct sim *, struct sim_phone *, emu_time,
		    enum emu_ev_type, uint32_t, uint32_t, uint16_t,
		    const uint8_t *, size_t, enum emu_err);
static void	sim_conn_unref(struct sim *, struct sim_conn *);
static void	sim_conn_maybe_free(struct sim *, struct sim_conn *);
static void	sim_conn_pump(struct sim *, struct sim_conn *);
static int	sim_conn_pull_one(struct sim *, struct sim_conn *, size_t,
		    uint64_t, uint64_t *);
static void	sim_conn_arm_pump(struct sim *, struct sim_conn *, emu_time);
static int	sim_conn_paced(const struct sim_conn *);
static int	sim_conn_link_busy(struct sim *, struct sim_conn *,
		    emu_time *);
static void	sim_uplink_queue(struct sim *, struct sim_host *,
		    struct sim_conn *);
static void	sim_uplink_run(struct sim *, struct sim_host *);
static uint16_t	sim_bind_port(struct sim_phone *, uint32_t, uint16_t);
static uint32_t	sim_bind_flow(const struct sim_phone *, uint16_t);
static void	sim_unbind(struct sim_phone *, uint32_t);
static void	sim_conn_ep_free(struct sim_conn *);
static void	sim_conn_ep_input(struct sim *, struct sim_conn *,
		    const uint8_t *, size_t, int);
static enum ep_pull sim_conn_ep_pull(struct sim *, struct sim_conn *,
		    size_t, emu_time *);
static size_t	sim_conn_window(struct sim *, struct sim_conn *);
static void	sim_conn_accept(struct sim *, struct sim_conn *, uint32_t);
static void	sim_proxy_sync(struct sim *, struct sim_conn *);
static void	sim_proxy_open(struct sim *, struct sim_conn *, uint32_t,
		    uint16_t);
static void	sim_proxy_unleg(struct sim *, struct sim_conn *);
static void	sim_proxy_event(struct sim *, struct sim_ev *);

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
	dbuf_init(&s->seg);
	hmap_init(&s->host_by_ip);
	hmap_init(&s->phone_by_mac);
	hmap_init(&s->phone_by_ip);
	hmap_init(&s->conn_by_flow);
	hmap_init(&s->conn_by_ep);
	LIST_INIT(&s->legs);
	return (s);
}

void
sim_free(struct sim *s)
{
	struct heap_ent	*he;
	struct sim_conn	*c;
	size_t		 i, j, pos;

	if (s == NULL)
		return;
	/* Orphaned conns live only in events: free them through those. */
	while ((he = heap_pop(&s->q)) != NULL) {
		struct sim_ev	*ev = (struct sim_ev *)he;

		if (ev->type == SIMEV_PHONE_TIMER ||
		    ev->type == SIMEV_SVC_TIMER || ev->type == SIMEV_UPLINK)
			continue;
		if (ev->conn != NULL) {
			c = ev->conn;
			/* Legs are freed from s->legs below. */
			if (--c->pending == 0 && !c->in_map && c->sp != NULL) {
				sim_conn_ep_free(c);
				free(c);
			}
		}
		sim_ev_free(ev);
	}
	heap_clear(&s->q);
	pos = 0;
	while ((c = hmap_next(&s->conn_by_flow, &pos)) != NULL) {
		sim_conn_ep_free(c);
		free(c);
	}
	hmap_clear(&s->conn_by_flow);
	hmap_clear(&s->conn_by_ep);
	while ((c = LIST_FIRST(&s->legs)) != NULL) {
		LIST_REMOVE(c, lentry);
		sim_conn_ep_free(c);
		free(c);
	}
	for (i = 0; i < s->nphone; i++) {
		phone_free(s->phone[i]->p);
		free(s->phone[i]->bind);
		free(s->phone[i]);
	}
	free(s->phone);
	for (i = 0; i < s->nsite; i++) {
		free(s->site[i]->name);
		free(s->site[i]);
	}
	free(s->site);
	for (i = 0; i < s->nhost; i++) {
		for (j = 0; j < s->host[i]->nsvc; j++) {
			ep_tls_free(s->host[i]->svc[j]->tls);
			free(s->host[i]->svc[j]);
		}
		free(s->host[i]->svc);
		free(s->host[i]);
	}
	free(s->host);
	hmap_clear(&s->host_by_ip);
	hmap_clear(&s->phone_by_mac);
	hmap_clear(&s->phone_by_ip);
	emu_outbox_free(&s->out);
	ep_out_free(&s->eout);
	dbuf_clear(&s->seg);
	free(s);
}

void
sim_set_log(struct sim *s, void (*cb)(void *, const char *), void *arg)
{
	s->log = cb;
	s->log_arg = arg;
}

void
sim_set_note(struct sim *s, sim_note_cb cb, void *arg)
{
	s->note = cb;
	s->note_arg = arg;
}

void
sim_set_sent(struct sim *s, sim_sent_cb cb, void *arg)
{
	s->sent = cb;
	s->sent_arg = arg;
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

emu_time
sim_next(const struct sim *s)
{
	struct heap_ent	*he;

	if ((he = heap_top(&s->q)) == NULL)
		return (EMU_TIME_NEVER);
	return (he->key);
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
	TAILQ_INIT(&h->upq);
	h->upev.he.idx = HEAP_NONE;
	h->upev.type = SIMEV_UPLINK;
	h->upev.host = h;
	s->host = xreallocarray(s->host, s->nhost + 1, sizeof *s->host);
	s->host[s->nhost++] = h;
	hmap_put(&s->host_by_ip, &h->ip, sizeof h->ip, h);
	return (h);
}

static struct sim_svc *
sim_svc_find(struct sim_host *h, enum sim_svc_kind kind, uint16_t port)
{
	size_t	i;

	for (i = 0; h != NULL && i < h->nsvc; i++) {
		if (h->svc[i]->kind == kind && h->svc[i]->port == port)
			return (h->svc[i]);
	}
	return (NULL);
}

/* The HTTP, HTTPS or proxy service on a stream port, or NULL. */
static struct sim_svc *
sim_svc_stream(struct sim_host *h, uint16_t port)
{
	size_t	i;

	for (i = 0; h != NULL && i < h->nsvc; i++) {
		if ((h->svc[i]->kind == SVC_HTTP ||
		    h->svc[i]->kind == SVC_PROXY) && h->svc[i]->port == port)
			return (h->svc[i]);
	}
	return (NULL);
}

/* One service per (address, protocol, port): the last added wins. */
static struct sim_svc *
sim_svc_add(struct sim *s, uint32_t ip, enum sim_svc_kind kind, uint16_t port)
{
	struct sim_host	*h = sim_host_get(s, ip, 1);
	struct sim_svc	*svc;

	/* HTTP(S) and proxies share the stream ports. */
	if ((kind == SVC_HTTP || kind == SVC_PROXY) &&
	    (svc = sim_svc_stream(h, port)) != NULL) {
		svc->kind = kind;
		return (svc);
	}
	if ((svc = sim_svc_find(h, kind, port)) != NULL)
		return (svc);
	svc = xcalloc(1, sizeof *svc);
	svc->kind = kind;
	svc->port = port;
	svc->host = h;
	svc->tev.he.idx = HEAP_NONE;
	svc->tev.type = SIMEV_SVC_TIMER;
	svc->tev.svc = svc;
	h->svc = xreallocarray(h->svc, h->nsvc + 1, sizeof *h->svc);
	h->svc[h->nsvc++] = svc;
	return (svc);
}

void
sim_host_add_http(struct sim *s, uint32_t ip, uint16_t port, struct ep_http *h)
{
	struct sim_svc	*svc = sim_svc_add(s, ip, SVC_HTTP, port);

	ep_tls_free(svc->tls);
	svc->tls = NULL;
	svc->proxy = NULL;
	svc->http = h;
}

/*
 * HTTPS on ip:port: TLS with configuration c in front of h (borrowed).
 * The certificates come from the context's pki, made here if the run has
 * none yet.
 */
int
sim_host_add_https(struct sim *s, uint32_t ip, uint16_t port,
    struct ep_http *h, const struct ep_tls_conf *c, char **cause)
{
	struct ep_tls	*t;
	struct sim_svc	*svc;

	if (s->ctx->pki == NULL)
		s->ctx->pki = pki_create(s->ctx->seed, s->ctx->epoch);
	if ((t = ep_tls_create(s->ctx->pki, h, c, cause)) == NULL)
		return (-1);
	svc = sim_svc_add(s, ip, SVC_HTTP, port);
	ep_tls_free(svc->tls);
	svc->proxy = NULL;
	svc->http = h;
	svc->tls = t;
	return (0);
}

/* Set up before the run: a service's kind does not change under conns. */
void
sim_host_add_proxy(struct sim *s, uint32_t ip, uint16_t port,
    struct ep_proxy *px, const struct sim_link *up)
{
	struct sim_svc	*svc = sim_svc_add(s, ip, SVC_PROXY, port);

	ep_tls_free(svc->tls);
	svc->tls = NULL;
	svc->http = NULL;
	svc->proxy = px;
	memset(&svc->up, 0, sizeof svc->up);
	if (up != NULL)
		svc->up = *up;
}

/* The TLS server on ip:port, for its statistics, or NULL. */
struct ep_tls *
sim_host_tls(struct sim *s, uint32_t ip, uint16_t port)
{
	struct sim_svc	*svc;

	svc = sim_svc_find(sim_host_get(s, ip, 0), SVC_HTTP, port);
	return (svc != NULL ? svc->tls : NULL);
}

void
sim_host_add_tftp(struct sim *s, uint32_t ip, uint16_t port, struct ep_tftp *t)
{
	sim_svc_add(s, ip, SVC_TFTP, port)->tftp = t;
}

void
sim_host_add_dns(struct sim *s, uint32_t ip, struct ep_dns *d)
{
	sim_svc_add(s, ip, SVC_DNS, DNS_PORT)->dns = d;
}

void
sim_host_add_syslog(struct sim *s, uint32_t ip, uint16_t port,
    struct ep_syslog *l)
{
	sim_svc_add(s, ip, SVC_SYSLOG, port)->syslog = l;
}

void
sim_host_add_sip(struct sim *s, uint32_t ip, uint16_t port, struct ep_sip *e)
{
	sim_svc_add(s, ip, SVC_SIP, port)->sip = e;
}

uint32_t
sim_sip_notify(struct sim *s, uint32_t ip, uint16_t port,
    const struct ep_sip_req *rq)
{
	struct sim_host	*h = sim_host_get(s, ip, 0);
	struct sim_svc	*svc;
	uint32_t	 id;

	if ((svc = sim_svc_find(h, SVC_SIP, port)) == NULL)
		return (0);
	ep_out_reset(&s->eout);
	id = ep_sip_notify(svc->sip, rq, s->now, &s->eout);
	if (!h->down)
		sim_ep_actions(s);
	sim_svc_rearm(s, svc);
	return (id);
}

/* A host that is down refuses connections and drops datagrams. */
void
sim_host_set_down(struct sim *s, uint32_t ip, int down)
{
	struct sim_host	*h;

	if ((h = sim_host_get(s, ip, 0)) != NULL)
		h->down = down;
}

/* Set up before the run (a transfer under way keeps its pace). */
void
sim_host_set_uplink(struct sim *s, uint32_t ip, uint64_t bps)
{
	sim_host_get(s, ip, 1)->up_bps = bps;
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

/* The index of the phone that has address ip, or -1. */
const struct sim_site *
sim_phone_site(const struct sim *s, const struct phone *p)
{
	const struct sim_phone	*sp;

	if ((sp = hmap_get(&s->phone_by_mac, phone_mac(p), 6)) == NULL)
		return (NULL);
	return (sp->site);
}

long
sim_phone_by_ip(const struct sim *s, uint32_t ip)
{
	struct sim_phone	*sp;

	if ((sp = hmap_get(&s->phone_by_ip, &ip, sizeof ip)) == NULL)
		return (-1);
	return ((long)sp->idx);
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

	s->stop = 0;
	while ((he = heap_top(&s->q)) != NULL && he->key <= until) {
		heap_pop(&s->q);
		if (he->key > s->now)
			s->now = he->key;
		sim_dispatch(s, (struct sim_ev *)he);
		n++;
		if (s->stop)
			break;
	}
	if (!s->stop && until > s->now)
		s->now = until;
	s->stop = 0;
	s->stats.events += n;
	return (n);
}

void
sim_stop(struct sim *s)
{
	s->stop = 1;
}

void
sim_set_io(struct sim *s, const struct sim_io *io, void *arg)
{
	s->io = io;
	s->io_arg = arg;
}

/* The outside carrier takes streams and datagrams to ip. */
static int
sim_io_claims(struct sim *s, uint32_t ip)
{
	return (s->io != NULL && s->io->claims(s->io_arg, ip));
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

/* base plus one delay of the link, saturating: a sum never wraps. */
static emu_time
sim_arrive(struct sim *s, emu_time base, const struct sim_link *l)
{
	emu_time	d = sim_delay(s, l);

	return (EMU_TIME_ADD(base, d));
}

static int
sim_lost(struct sim *s, const struct sim_link *l)
{
	if (l->loss_ppm == 0)
		return (0);
	return (prng_range(&s->rng, 999999) < l->loss_ppm);
}

/* Datagram flows of a phone: the port of a flow, made on first use. */
static uint16_t
sim_bind_port(struct sim_phone *sp, uint32_t flow, uint16_t want)
{
	uint16_t	port;
	int		i, tries;

	for (i = 0; i < sp->nbind; i++) {
		if (sp->bind[i].flow == flow)
			return (sp->bind[i].port);
	}
	port = want;
	for (tries = 0; port == 0 && tries < SIM_EPHEMERAL_N; tries++) {
		sp->port_seq = (sp->port_seq + 1) % SIM_EPHEMERAL_N;
		port = SIM_EPHEMERAL + sp->port_seq;
		if (sim_bind_flow(sp, port) != 0)
			port = 0;
	}
	if (sp->nbind == sp->capbind) {
		sp->capbind = sp->capbind == 0 ? 4 : sp->capbind * 2;
		sp->bind = xreallocarray(sp->bind, sp->capbind,
		    sizeof *sp->bind);
	}
	sp->bind[sp->nbind].flow = flow;
	sp->bind[sp->nbind].port = port;
	sp->nbind++;
	return (port);
}

/* The flow bound to a port (the newest, if two), or 0. */
static uint32_t
sim_bind_flow(const struct sim_phone *sp, uint16_t port)
{
	int	i;

	for (i = sp->nbind - 1; i >= 0; i--) {
		if (sp->bind[i].port == port)
			return (sp->bind[i].flow);
	}
	return (0);
}

static void
sim_unbind(struct sim_phone *sp, uint32_t flow)
{
	int	i;

	for (i = 0; i < sp->nbind; i++) {
		if (sp->bind[i].flow != flow)
			continue;
		sp->bind[i] = sp->bind[--sp->nbind];
		return;
	}
}

static void
sim_dispatch(struct sim *s, struct sim_ev *ev)
{
	struct emu_event	 e;
	struct sim_conn		*c;
	struct sim_host		*h;
	struct sim_svc		*svc;
	size_t			 i;

	switch (ev->type) {
	case SIMEV_PHONE_TIMER:
		memset(&e, 0, sizeof e);
		e.type = EMU_EV_TIMER;
		emu_outbox_clear(&s->out);
		phone_handle(ev->sp->p, &e, s->now, &s->out);
		sim_phone_actions(s, ev->sp);
		sim_phone_rearm(s, ev->sp);
		return;
	case SIMEV_SVC_TIMER:
		svc = ev->svc;
		ep_out_reset(&s->eout);
		if (svc->kind == SVC_SIP)
			ep_sip_timer(svc->sip, s->now, &s->eout);
		else
			ep_tftp_timer(svc->tftp, s->now, &s->eout);
		sim_ep_actions(s);
		sim_svc_rearm(s, svc);
		return;
	case SIMEV_CB:
		ev->cb(ev->arg, s->now);
		break;
	case SIMEV_TO_PHONE:
		c = ev->conn;
		if (c != NULL && ev->evtype == EMU_EV_DATA &&
		    c->inflight >= ev->len)
			c->inflight -= ev->len;
		if (c != NULL && !c->phone_open) {
			sim_conn_unref(s, c);
			break;
		}
		memset(&e, 0, sizeof e);
		e.type = ev->evtype;
		e.flow = ev->flow;
		e.src_ip = ev->src_ip;
		e.src_port = ev->src_port;
		e.data = ev->data;
		e.len = ev->len;
		e.err = ev->err;
		emu_outbox_clear(&s->out);
		phone_handle(ev->sp->p, &e, s->now, &s->out);
		sim_phone_actions(s, ev->sp);
		sim_phone_rearm(s, ev->sp);
		if (c != NULL) {
			/* The phone took a segment: room for the next. */
			if (c->pc != NULL)
				sim_proxy_sync(s, c);
			else if (c->server_open && c->phone_open)
				sim_conn_pump(s, c);
			sim_conn_unref(s, c);
		}
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
		if (h->down)
			break;
		if ((svc = sim_svc_find(h, SVC_DNS, ev->dst_port)) != NULL) {
			ep_dns_input(svc->dns, ev->data, ev->len, ev->src_ip,
			    ev->src_port, h->ip, s->now, &s->eout);
			sim_ep_actions(s);
			break;
		}
		if ((svc = sim_svc_find(h, SVC_SYSLOG, ev->dst_port)) != NULL) {
			ep_syslog_input(svc->syslog, ev->data, ev->len,
			    ev->src_ip, ev->src_port, s->now);
			break;
		}
		if ((svc = sim_svc_find(h, SVC_SIP, ev->dst_port)) != NULL) {
			ep_sip_input(svc->sip, ev->data, ev->len, ev->src_ip,
			    ev->src_port, s->now, &s->eout);
			sim_ep_actions(s);
			sim_svc_rearm(s, svc);
			break;
		}
		for (i = 0; i < h->nsvc; i++) {
			svc = h->svc[i];
			if (svc->kind != SVC_TFTP || (svc->port != ev->dst_port &&
			    !ep_tftp_owns_port(svc->tftp, ev->dst_port)))
				continue;
			ep_tftp_input(svc->tftp, ev->data, ev->len, ev->src_ip,
			    ev->src_port, ev->dst_port, s->now, &s->eout);
			sim_ep_actions(s);
			sim_svc_rearm(s, svc);
			break;
		}
		break;
	case SIMEV_TO_CONN:
		c = ev->conn;
		if (c->server_open) {
			sim_conn_ep_input(s, c, ev->data, ev->len, ev->eof);
			if (c->pc != NULL)
				sim_proxy_sync(s, c);
			else
				sim_conn_pump(s, c);
			/* A proxy or a leg's origin has nothing for a peer
			 * that is gone; nor has a server whose answer is
			 * paced (its close is never pulled once the phone
			 * has gone). */
			if (ev->eof && !c->phone_open && (c->pc != NULL ||
			    c->sp == NULL || sim_conn_paced(c)))
				c->server_open = 0;
		}
		sim_conn_unref(s, c);
		break;
	case SIMEV_PUMP:
		c = ev->conn;
		c->pump_armed = 0;
		if (c->pc != NULL)
			sim_proxy_sync(s, c);
		else if (c->server_open && c->phone_open)
			sim_conn_pump(s, c);
		sim_conn_unref(s, c);
		break;
	case SIMEV_TO_PROXY:
		sim_proxy_event(s, ev);
		break;
	case SIMEV_UPLINK:
		sim_uplink_run(s, ev->host);
		return;
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
sim_svc_rearm(struct sim *s, struct sim_svc *svc)
{
	emu_time	t = svc->kind == SVC_SIP ? ep_sip_deadline(svc->sip) :
			    ep_tftp_deadline(svc->tftp);

	if (t == EMU_TIME_NEVER) {
		heap_remove(&s->q, &svc->tev.he);
		return;
	}
	if (t < s->now)
		t = s->now;
	if (svc->tev.he.idx == HEAP_NONE || svc->tev.he.key != t)
		heap_update(&s->q, &svc->tev.he, t);
}

static struct sim_ev *
sim_to_phone(struct sim *s, struct sim_phone *sp, emu_time at,
    enum emu_ev_type type, uint32_t flow, uint32_t src_ip, uint16_t src_port,
    const uint8_t *data, size_t len, enum emu_err err)
{
	struct sim_ev	*ev;

	ev = sim_ev_new(s, SIMEV_TO_PHONE, at);
	ev->sp = sp;
	ev->evtype = type;
	ev->flow = flow;
	ev->src_ip = src_ip;
	ev->src_port = src_port;
	ev->err = err;
	if (len != 0 && data == s->seg.data && len >= SIM_SEG_PACED / 2) {
		/* A big pulled segment: the event takes the buffer. */
		ev->data = dbuf_steal(&s->seg, NULL);
		ev->len = len;
	} else if (len != 0) {
		ev->data = xmalloc(len);
		memcpy(ev->data, data, len);
		ev->len = len;
	}
	return (ev);
}

static struct sim_conn *
sim_conn_find(struct sim *s, struct sim_phone *sp, uint32_t flow)
{
	struct {
		uint32_t	idx;
		uint32_t	flow;
	} key;

	memset(&key, 0, sizeof key);
	key.idx = sp->idx;
	key.flow = flow;
	return (hmap_get(&s->conn_by_flow, &key, sizeof key));
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
	if (c->leg != NULL)
		sim_proxy_unleg(s, c);
	if (c->up != NULL) {
		c->up->leg = NULL;
		c->up = NULL;
	}
	if (c->sp == NULL)
		LIST_REMOVE(c, lentry);
	if (c->uqueued)
		TAILQ_REMOVE(&c->svc->host->upq, c, uentry);
	if (c->in_map)
		hmap_del(&s->conn_by_flow, &c->key, sizeof c->key);
	if (c->c != NULL)
		hmap_del(&s->conn_by_ep, &c->c, sizeof c->c);
	sim_conn_ep_free(c);
	free(c);
}

/* Time to send len bytes at bps, in nanoseconds. */
static uint64_t
sim_ns_tx(size_t len, uint64_t bps)
{
	return (((uint64_t)len * 8 * 1000000000ULL + bps - 1) / bps);
}

static emu_time
sim_ns_to_us(uint64_t ns)
{
	return ((ns + 999) / 1000);
}

/*
 * When a link busy until free_ns sends next, now: back to back if it was
 * busy within the current microsecond (the clock's grain), else now.
 */
static uint64_t
sim_ns_start(uint64_t free_ns, emu_time now)
{
	uint64_t	now_ns = now * 1000;

	return (free_ns + 1000 > now_ns ? free_ns : now_ns);
}

/* Deliver stream bytes or EOF to the server side, in order. */
static void
sim_conn_to_server(struct sim *s, struct sim_conn *c, const uint8_t *data,
    size_t len, int eof)
{
	struct sim_ev	*ev;
	emu_time	 at, base = s->now;
	uint64_t	 t;

	if (c->sp != NULL && c->link->bandwidth_bps != 0 && len != 0) {
		/* Queued behind what the phone sent before. */
		t = sim_ns_start(c->sp->up_free_ns, s->now);
		t += sim_ns_tx(len, c->link->bandwidth_bps);
		c->sp->up_free_ns = t;
		base = sim_ns_to_us(t);
	}
	at = sim_arrive(s, base, c->link);
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

	at = sim_arrive(s, base, c->link);
	if (at < c->last_to_phone)
		at = c->last_to_phone;
	c->last_to_phone = at;
	/* Sent: done on the links (with a bandwidth) at base. */
	if (type == EMU_EV_DATA && len != 0 && s->sent != NULL &&
	    c->svc != NULL)
		s->sent(s->sent_arg, c->svc->host->ip, len, base);
	if (c->sp == NULL) {
		/* A leg: the proxy is its client. */
		ev = sim_ev_new(s, SIMEV_TO_PROXY, at);
		ev->evtype = type;
		ev->err = err;
		if (len != 0) {
			ev->data = xmalloc(len);
			memcpy(ev->data, data, len);
			ev->len = len;
		}
		ev->conn = c;
		c->pending++;
		if (type == EMU_EV_DATA)
			c->inflight += len;
		return;
	}
	ev = sim_to_phone(s, c->sp, at, type, c->key.flow, c->svc->host->ip,
	    c->svc->port, data, len, err);
	ev->conn = c;
	c->pending++;
	if (type == EMU_EV_DATA)
		c->inflight += len;
}

/* A pump event for c at time at, unless one comes no later. */
static void
sim_conn_arm_pump(struct sim *s, struct sim_conn *c, emu_time at)
{
	struct sim_ev	*ev;

	if (c->pump_armed && c->pump_at <= at)
		return;
	ev = sim_ev_new(s, SIMEV_PUMP, at);
	ev->conn = c;
	c->pending++;
	c->pump_armed = 1;
	c->pump_at = at;
}

/* c's answer is paced by a link speed (its phone's or its host's). */
static int
sim_conn_paced(const struct sim_conn *c)
{
	return (c->sp != NULL && c->svc != NULL &&
	    (c->link->bandwidth_bps != 0 || c->svc->host->up_bps != 0));
}

/* 1 and the time it is free in *at if c's phone's access link is busy. */
static int
sim_conn_link_busy(struct sim *s, struct sim_conn *c, emu_time *at)
{
	if (c->sp == NULL || c->link->bandwidth_bps == 0 ||
	    c->sp->down_free_ns <= s->now * 1000)
		return (0);
	*at = sim_ns_to_us(c->sp->down_free_ns);
	return (1);
}

/*
 * Pull one segment of at most max bytes from c's server and send it: it
 * leaves at start_ns (nanoseconds); with a host uplink (*up_ns is its
 * speed in bit/s, 0 none) *up_ns becomes the time it is through it, and
 * it is not through the phone's access link before (cut through).
 * Returns 1 if data went, else 0 (the server has nothing now, is
 * waiting, or closed).
 */
static int
sim_conn_pull_one(struct sim *s, struct sim_conn *c, size_t max,
    uint64_t start_ns, uint64_t *up_ns)
{
	enum ep_pull	 r;
	emu_time	 at, base;
	uint64_t	 t, min_done_ns = 0;

	dbuf_reset(&s->seg);
	if (s->seg.cap < max + 1) {
		/* Room for a whole segment (and the NUL) at once: the
		 * event may take it (sim_to_phone). */
		free(s->seg.data);
		s->seg.data = xmalloc(max + 1);
		s->seg.cap = max + 1;
		s->seg.data[0] = '\0';
	}
	r = sim_conn_ep_pull(s, c, max, &at);
	switch (r) {
	case EP_PULL_NONE:
		return (0);
	case EP_PULL_WAIT:
		sim_conn_arm_pump(s, c, at);
		return (0);
	case EP_PULL_DATA:
		if (*up_ns != 0) {
			min_done_ns = start_ns + sim_ns_tx(s->seg.len, *up_ns);
			*up_ns = min_done_ns;
		}
		base = s->now;
		if (c->sp != NULL && c->link->bandwidth_bps != 0) {
			t = start_ns;
			if (t < c->sp->down_free_ns)
				t = c->sp->down_free_ns;
			t += sim_ns_tx(s->seg.len, c->link->bandwidth_bps);
			if (t < min_done_ns)
				t = min_done_ns;
			c->sp->down_free_ns = t;
			base = sim_ns_to_us(t);
		} else if (min_done_ns != 0)
			base = sim_ns_to_us(min_done_ns);
		if (base < s->now)
			base = s->now;
		sim_conn_to_phone(s, c, base, EMU_EV_DATA, s->seg.data,
		    s->seg.len, EMU_OK);
		return (1);
	case EP_PULL_CLOSE:
	case EP_PULL_RESET:
		c->server_open = 0;
		sim_conn_to_phone(s, c, s->now, r == EP_PULL_CLOSE ?
		    EMU_EV_CLOSED : EMU_EV_STREAM_ERROR, NULL, 0,
		    EMU_E_TRUNCATED);
		return (0);
	}
	return (0);
}

/*
 * Take what the server has to send, a segment at a time, while the
 * window allows; a delayed answer arms a pump event for its time.  A
 * paced access link is filled a segment at a time, as it frees; a host
 * with an uplink sends in turns (sim_uplink_run).
 */
static void
sim_conn_pump(struct sim *s, struct sim_conn *c)
{
	emu_time	 at;
	uint64_t	 up;
	size_t		 max;

	if (c->svc != NULL && c->svc->host->up_bps != 0) {
		if (c->server_open && c->phone_open)
			sim_uplink_queue(s, c->svc->host, c);
		return;
	}
	while (c->server_open && c->phone_open &&
	    (max = sim_conn_window(s, c)) > 0) {
		if (sim_conn_link_busy(s, c, &at)) {
			sim_conn_arm_pump(s, c, at);
			return;
		}
		up = 0;
		if (!sim_conn_pull_one(s, c, max, sim_ns_start(c->sp != NULL ?
		    c->sp->down_free_ns : 0, s->now), &up))
			return;
	}
}

/* c has something to send over h's uplink: it takes its turn. */
static void
sim_uplink_queue(struct sim *s, struct sim_host *h, struct sim_conn *c)
{
	if (c->uqueued)
		return;
	TAILQ_INSERT_TAIL(&h->upq, c, uentry);
	c->uqueued = 1;
	if (h->upev.he.idx == HEAP_NONE)
		heap_push(&s->q, &h->upev.he,
		    sim_ns_to_us(sim_ns_start(h->up_free_ns, s->now)));
}

/*
 * The uplink's turn: the first stream in the queue that has a segment
 * sends it and goes to the back; the uplink is busy for the segment's
 * time, and its next turn is when that ends.
 */
static void
sim_uplink_run(struct sim *s, struct sim_host *h)
{
	struct sim_conn	*c;
	emu_time	 at;
	uint64_t	 start, up;
	size_t		 max;

	start = sim_ns_start(h->up_free_ns, s->now);
	while ((c = TAILQ_FIRST(&h->upq)) != NULL) {
		TAILQ_REMOVE(&h->upq, c, uentry);
		c->uqueued = 0;
		if (!c->server_open || !c->phone_open ||
		    (max = sim_conn_window(s, c)) == 0)
			continue;	/* the phone's reading pumps again */
		if (sim_conn_link_busy(s, c, &at)) {
			sim_conn_arm_pump(s, c, at);
			continue;
		}
		up = h->up_bps;
		if (!sim_conn_pull_one(s, c, max, start, &up))
			continue;
		h->up_free_ns = up;
		TAILQ_INSERT_TAIL(&h->upq, c, uentry);
		c->uqueued = 1;
		break;
	}
	if (TAILQ_EMPTY(&h->upq))
		return;
	at = sim_ns_to_us(h->up_free_ns);
	heap_push(&s->q, &h->upev.he, at < s->now ? s->now : at);
}

static void
sim_log_line(struct sim *s, struct sim_phone *sp, const char *prefix,
    const char *text)
{
	char	line[1024], t[32];

	if (s->log == NULL)
		return;
	snprintf(t, sizeof t, "%llu.%06llu",
	    (unsigned long long)(s->now / 1000000),
	    (unsigned long long)(s->now % 1000000));
	snprintf(line, sizeof line, "%s %s %s%s", t, phone_mac_str(sp->p),
	    prefix, text);
	s->log(s->log_arg, line);
}

static void
sim_phone_open(struct sim *s, struct sim_phone *sp,
    const struct emu_act_open *o)
{
	const struct sim_link	*link = &sp->site->link;
	struct sim_host		*h;
	struct sim_svc		*svc;
	struct sim_conn		*c;
	emu_time		 d;

	s->stats.streams++;
	if ((c = sim_conn_find(s, sp, o->flow)) != NULL) {
		/* The phone reused a flow id: the old conn is orphaned. */
		hmap_del(&s->conn_by_flow, &c->key, sizeof c->key);
		c->in_map = 0;
		c->phone_open = 0;
		if (c->server_open)
			sim_conn_to_server(s, c, NULL, 0, 1);
		sim_conn_maybe_free(s, c);
	}
	h = sim_host_get(s, o->dst_ip, 0);
	if (h == NULL)
		return;		/* no such host: SYNs vanish */
	svc = sim_svc_stream(h, o->dst_port);
	if (h->down || svc == NULL) {
		s->stats.streams_refused++;
		d = sim_delay(s, link);
		sim_to_phone(s, sp, EMU_TIME_ADD(s->now, 2 * d),
		    EMU_EV_STREAM_ERROR, o->flow, o->dst_ip, o->dst_port, NULL,
		    0, EMU_E_CONNECT);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->key.idx = sp->idx;
	c->key.flow = o->flow;
	c->sp = sp;
	c->svc = svc;
	c->link = link;
	c->phone_open = c->server_open = 1;
	sim_conn_accept(s, c, phone_ip(sp->p));
	hmap_put(&s->conn_by_flow, &c->key, sizeof c->key, c);
	c->in_map = 1;
	sim_conn_to_phone(s, c, sim_arrive(s, s->now, link), EMU_EV_CONNECTED,
	    NULL, 0, EMU_OK);
	c->last_to_server = c->last_to_phone;
	if (c->pc != NULL)
		sim_conn_pump(s, c);	/* arms the proxy's head timeout */
}

/* The server side of a new stream from peer_ip to c->svc. */
static void
sim_conn_accept(struct sim *s, struct sim_conn *c, uint32_t peer_ip)
{
	struct sim_svc	*svc = c->svc;
	uint16_t	 port;

	s->port_seq++;
	port = 32768 + s->port_seq % 28000;
	if (svc->kind == SVC_PROXY)
		c->pc = ep_proxy_accept(svc->proxy, peer_ip, port, s->now);
	else if (svc->tls != NULL)
		c->tc = ep_tls_accept(svc->tls, peer_ip, port, s->now);
	else {
		c->c = ep_http_accept(svc->http, peer_ip, port, s->now);
		ep_http_conn_pull(c->c);
		hmap_put(&s->conn_by_ep, &c->c, sizeof c->c, c);
	}
}

static void
sim_phone_dgram(struct sim *s, struct sim_phone *sp,
    const struct emu_act_dgram *g, const uint8_t *d, size_t len)
{
	const struct sim_link	*link = &sp->site->link;
	struct sim_host		*h;
	struct sim_ev		*ev;
	uint16_t		 sport;

	sport = sim_bind_port(sp, g->flow, g->src_port);
	s->stats.dgrams++;
	if (sim_lost(s, link)) {
		s->stats.dgrams_lost++;
		return;
	}
	if (g->broadcast || (sp->site->dhcp != NULL &&
	    g->dst_port == DHCP_SERVER_PORT &&
	    sim_host_get(s, g->dst_ip, 0) == NULL)) {
		if (sp->site->dhcp == NULL || g->dst_port != DHCP_SERVER_PORT)
			return;
		ev = sim_ev_new(s, SIMEV_TO_HOST, sim_arrive(s, s->now, link));
		ev->site = sp->site;
	} else {
		if ((h = sim_host_get(s, g->dst_ip, 0)) == NULL)
			return;
		ev = sim_ev_new(s, SIMEV_TO_HOST, sim_arrive(s, s->now, link));
		ev->host = h;
	}
	ev->src_ip = g->src_ip;
	ev->src_port = sport;
	ev->dst_ip = g->dst_ip;
	ev->dst_port = g->dst_port;
	ev->data = xmalloc(len == 0 ? 1 : len);
	memcpy(ev->data, d, len);
	ev->len = len;
}

static void
sim_phone_actions(struct sim *s, struct sim_phone *sp)
{
	struct sim_conn		*c;
	size_t			 i;

	for (i = 0; i < s->out.n; i++) {
		const struct emu_action	*a = &s->out.act[i];
		const uint8_t		*d = emu_act_data(&s->out, a);

		switch (a->type) {
		case EMU_ACT_DGRAM:
			/* A site whose DHCP server is outside: the carrier
			 * relays its broadcasts. */
			if ((a->u.dgram.broadcast && sp->site->dhcp == NULL &&
			    s->io != NULL) || (!a->u.dgram.broadcast &&
			    sim_io_claims(s, a->u.dgram.dst_ip))) {
				s->io->send(s->io_arg, sp->p, &a->u.dgram, d,
				    a->len);
				break;
			}
			sim_phone_dgram(s, sp, &a->u.dgram, d, a->len);
			break;
		case EMU_ACT_UNBIND:
			sim_unbind(sp, a->u.flow);
			if (s->io != NULL)
				s->io->unbind(s->io_arg, sp->p, a->u.flow);
			break;
		case EMU_ACT_LISTEN:
			/* A fixed local port for the flow (SIP, 16.3). */
			sim_unbind(sp, a->u.listen.flow);
			(void)sim_bind_port(sp, a->u.listen.flow,
			    a->u.listen.port);
			break;
		case EMU_ACT_OPEN:
			if (sim_io_claims(s, a->u.open.dst_ip)) {
				s->io->open(s->io_arg, sp->p, &a->u.open);
				break;
			}
			sim_phone_open(s, sp, &a->u.open);
			break;
		case EMU_ACT_SEND:
			if ((c = sim_conn_find(s, sp, a->u.flow)) == NULL) {
				if (s->io != NULL)	/* its flow, or none */
					s->io->write(s->io_arg, sp->p,
					    a->u.flow, d, a->len);
				break;
			}
			if (!c->phone_open)
				break;
			sim_conn_to_server(s, c, d, a->len, 0);
			break;
		case EMU_ACT_CLOSE:
			if ((c = sim_conn_find(s, sp, a->u.flow)) == NULL) {
				if (s->io != NULL)
					s->io->close(s->io_arg, sp->p,
					    a->u.flow);
				break;
			}
			if (!c->phone_open)
				break;
			c->phone_open = 0;
			if (c->server_open)
				sim_conn_to_server(s, c, NULL, 0, 1);
			sim_conn_maybe_free(s, c);
			break;
		case EMU_ACT_LOG:
			sim_log_line(s, sp, "", (const char *)d);
			break;
		case EMU_ACT_SYSLOG:
			sim_log_line(s, sp, "syslog: ", (const char *)d);
			break;
		case EMU_ACT_NOTE:
			if (s->note != NULL)
				s->note(s->note_arg, sp->idx, &a->u.note,
				    s->now);
			break;
		case EMU_ACT_LCD:
			break;	/* nothing draws in virtual time */
		}
	}
}

/* Deliver what an endpoint just produced (in s->eout). */
static void
sim_ep_actions(struct sim *s)
{
	struct sim_phone	*sp;
	struct sim_conn		*c;
	uint32_t		 flow;
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
			if (s->sent != NULL)
				s->sent(s->sent_arg, a->src_ip, a->len, base);
			if ((flow = sim_bind_flow(sp, a->dst_port)) == 0) {
				/* No socket there: ICMP port unreachable. */
				s->stats.dgrams_unbound++;
				break;
			}
			if (sim_lost(s, &sp->site->link)) {
				s->stats.dgrams_lost++;
				break;
			}
			sim_to_phone(s, sp, sim_arrive(s, base,
			    &sp->site->link), EMU_EV_DGRAM, flow, a->src_ip,
			    a->src_port, d, a->len, EMU_OK);
			break;
		case EP_ACT_DATA:
		case EP_ACT_CLOSE:
		case EP_ACT_RESET:
			/* Streams are pulled (sim_conn_pump). */
			c = hmap_get(&s->conn_by_ep, &a->conn, sizeof a->conn);
			(void)c;
			break;
		}
	}
}

/* A server connection's endpoint: HTTP, or HTTPS through ep_tls. */
static void
sim_conn_ep_free(struct sim_conn *c)
{
	if (c->tc != NULL)
		ep_tls_conn_free(c->svc->tls, c->tc);
	else if (c->c != NULL)
		ep_http_conn_free(c->svc->http, c->c);
	else if (c->pc != NULL)
		ep_proxy_conn_free(c->svc->proxy, c->pc);
	c->tc = NULL;
	c->c = NULL;
	c->pc = NULL;
}

static void
sim_conn_ep_input(struct sim *s, struct sim_conn *c, const uint8_t *data,
    size_t len, int eof)
{
	if (c->tc != NULL) {
		if (eof)
			ep_tls_eof(c->svc->tls, c->tc, s->now);
		else
			ep_tls_input(c->svc->tls, c->tc, data, len, s->now);
		return;
	}
	if (c->pc != NULL) {
		if (eof)
			ep_proxy_eof(c->svc->proxy, c->pc, s->now);
		else
			ep_proxy_input(c->svc->proxy, c->pc, data, len,
			    s->now);
		return;
	}
	ep_out_reset(&s->eout);
	if (eof)
		ep_http_eof(c->svc->http, c->c, s->now, &s->eout);
	else
		ep_http_input(c->svc->http, c->c, data, len, s->now, &s->eout);
	sim_ep_actions(s);
}

static enum ep_pull
sim_conn_ep_pull(struct sim *s, struct sim_conn *c, size_t max, emu_time *at)
{
	if (c->tc != NULL)
		return (ep_tls_pull(c->svc->tls, c->tc, s->now, max, &s->seg,
		    at));
	if (c->pc != NULL)
		return (ep_proxy_pull(c->svc->proxy, c->pc, s->now, max,
		    &s->seg, at));
	return (ep_http_pull(c->svc->http, c->c, s->now, max, &s->seg, at));
}

/*
 * How much c's server may send now: a segment while the phone's window
 * has room; for a leg, what the proxy takes beyond what is on its way.
 */
static size_t
sim_conn_window(struct sim *s, struct sim_conn *c)
{
	size_t	room;

	(void)s;
	if (sim_conn_paced(c))
		return (c->inflight < SIM_WINDOW_PACED ? SIM_SEG_PACED : 0);
	if (c->sp != NULL)
		return (c->inflight < SIM_WINDOW ? SIM_SEG_MAX : 0);
	if (c->up == NULL)
		return (0);
	room = ep_proxy_room(c->up->svc->proxy, c->up->pc);
	if (room > SIM_WINDOW)
		room = SIM_WINDOW;
	if (room < c->inflight + SIM_LEG_LOW)
		return (0);	/* the proxy's client reads first */
	room -= c->inflight;
	return (room < SIM_SEG_MAX ? room : SIM_SEG_MAX);
}

/*
 * After anything reached proxy conn c: open the leg it asks for, give the
 * client what the proxy has for it, the leg what goes upstream (or its
 * close), and let the origin send what the proxy has room for.
 */
static void
sim_proxy_sync(struct sim *s, struct sim_conn *c)
{
	struct ep_proxy	*px = c->svc->proxy;
	struct sim_conn	*l;
	enum ep_pull	 r;
	uint32_t	 ip;
	uint16_t	 port;

	if (c->pc == NULL)
		return;
	if (ep_proxy_want(px, c->pc, &ip, &port) == EP_PROXY_WANT_OPEN &&
	    c->leg == NULL)
		sim_proxy_open(s, c, ip, port);
	if (c->server_open && c->phone_open)
		sim_conn_pump(s, c);
	while ((l = c->leg) != NULL) {
		dbuf_reset(&s->seg);
		r = ep_proxy_pull_up(px, c->pc, s->now, SIM_SEG_MAX, &s->seg);
		if (r == EP_PULL_DATA) {
			if (l->server_open)
				sim_conn_to_server(s, l, s->seg.data,
				    s->seg.len, 0);
			continue;
		}
		if (r == EP_PULL_CLOSE || r == EP_PULL_RESET)
			sim_proxy_unleg(s, c);
		break;
	}
	if ((l = c->leg) != NULL && l->server_open && l->phone_open)
		sim_conn_pump(s, l);
}

/* A leg from proxy conn c's host to ip:port, as a phone's open. */
static void
sim_proxy_open(struct sim *s, struct sim_conn *c, uint32_t ip, uint16_t port)
{
	struct sim_conn	*l;
	struct sim_host	*h;
	struct sim_svc	*svc;

	l = xcalloc(1, sizeof *l);
	l->link = &c->svc->up;
	l->up = c;
	l->phone_open = 1;
	c->leg = l;
	LIST_INSERT_HEAD(&s->legs, l, lentry);
	s->stats.legs++;
	if ((h = sim_host_get(s, ip, 0)) == NULL)
		return;		/* SYNs vanish: the proxy times out */
	svc = sim_svc_stream(h, port);
	if (h->down || svc == NULL || svc->kind != SVC_HTTP) {
		s->stats.legs_refused++;
		sim_conn_to_phone(s, l, sim_arrive(s, s->now, l->link),
		    EMU_EV_STREAM_ERROR, NULL, 0, EMU_E_CONNECT);
		return;
	}
	l->svc = svc;
	l->server_open = 1;
	sim_conn_accept(s, l, c->svc->host->ip);
	sim_conn_to_phone(s, l, sim_arrive(s, s->now, l->link),
	    EMU_EV_CONNECTED, NULL, 0, EMU_OK);
	l->last_to_server = l->last_to_phone;
}

/* Proxy conn c lets go of its leg: the origin gets a close. */
static void
sim_proxy_unleg(struct sim *s, struct sim_conn *c)
{
	struct sim_conn	*l = c->leg;

	c->leg = NULL;
	l->up = NULL;
	if (l->phone_open) {
		l->phone_open = 0;
		if (l->server_open)
			sim_conn_to_server(s, l, NULL, 0, 1);
	}
	sim_conn_maybe_free(s, l);
}

/* A leg's event for its proxy. */
static void
sim_proxy_event(struct sim *s, struct sim_ev *ev)
{
	struct sim_conn	*l = ev->conn, *c = l->up;
	struct ep_proxy	*px;

	if (ev->evtype == EMU_EV_DATA && l->inflight >= ev->len)
		l->inflight -= ev->len;
	if (l->phone_open && c != NULL && c->pc != NULL) {
		px = c->svc->proxy;
		switch (ev->evtype) {
		case EMU_EV_CONNECTED:
			ep_proxy_up_connected(px, c->pc, s->now);
			break;
		case EMU_EV_DATA:
			ep_proxy_up_input(px, c->pc, ev->data, ev->len,
			    s->now);
			break;
		case EMU_EV_CLOSED:
			ep_proxy_up_eof(px, c->pc, s->now);
			break;
		case EMU_EV_STREAM_ERROR:
			ep_proxy_up_error(px, c->pc, ev->err == EMU_E_CONNECT,
			    s->now);
			break;
		default:
			break;
		}
		sim_proxy_sync(s, c);
	}
	sim_conn_unref(s, l);
}

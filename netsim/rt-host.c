/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The host carrier: the phones' streams and datagrams to real servers, on
 * kernel sockets driven by the realtime runtime's libevent base (a struct
 * sim_io, docs/runtime.md).  It only carries bytes and time: the phone's
 * TLS, HTTP and TFTP stay in the phone.  A stream is a non-blocking TCP
 * socket; what it reads is handed to the phone in segments of at most
 * HOST_SEG bytes, after runtime_sync() has brought the world to the clock.
 * A datagram flow is a UDP socket of its own, closed on UNBIND.  Only
 * destinations given to host_claim() are carried.
 *
 * Sources: a site given addresses (host_site_sources()) has each phone's
 * sockets bound to one of them, the phone's own (its index in the site
 * modulo their count), TCP with IP_BIND_ADDRESS_NO_PORT so the port is
 * picked at connect() by 4-tuple; otherwise the kernel picks.
 *
 * The cap: at most h->cap sockets of flows are open at once (the soft
 * RLIMIT_NOFILE less HOST_FD_MARGIN, or host_set_cap()).  An open past it,
 * or one that socket() refuses with EMFILE or ENFILE (the cap is then
 * lowered to what is open), waits in a FIFO queue and is opened when a
 * socket closes (h->pump, on the next loop turn).  A waiting flow holds
 * what the phone writes or sends; the phone's own deadlines run
 * meanwhile, and its close or unbind takes the flow off the queue.
 */

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "netsim.h"

#define HOST_SEG	16384		/* bytes per DATA event */
#define HOST_FD_MARGIN	64		/* descriptors kept for the process */
#define HOST_PEND_MAX	8		/* datagrams held by a waiting flow */

/* A datagram a waiting flow holds until its socket opens. */
struct host_dgram {
	struct host_dgram	*next;
	uint32_t		 ip;
	uint16_t		 port;
	size_t			 len;
	uint8_t			 data[];
};

struct host_key {
	const struct phone	*p;
	uint32_t		 flow;
	uint32_t		 pad;
};

struct host_flow {
	struct host_key		 key;	/* the map's key */
	struct host		*h;
	struct phone		*p;
	int			 fd;
	int			 udp;
	int			 connecting;
	int			 eof;	/* the peer closed */
	int			 queued;	/* waits for a descriptor */
	uint32_t		 dst_ip;	/* a stream's, for its open */
	uint16_t		 dst_port;
	uint32_t		 src;	/* bind here, or 0 */
	enum emu_err		 err;	/* to tell on the next loop turn */
	struct event		*rd, *wr;	/* NULL while queued */
	uint8_t			*out;	/* unsent stream bytes */
	size_t			 outlen, outoff;
	struct host_dgram	*pend;	/* owned: datagrams while queued */
	size_t			 npend;
	TAILQ_ENTRY(host_flow)	 qentry;
};
TAILQ_HEAD(host_queue, host_flow);

/* A site's source addresses (host_site_sources()). */
struct host_srcsite {
	const struct sim_site	*site;
	uint32_t		*addrs;		/* owned */
	size_t			 n;
	size_t			 next;		/* the next phone's */
};

/* A phone's source address: by MAC. */
struct host_src {
	uint8_t			 mac[6];	/* the map's key */
	uint32_t		 addr;
};

/* A site's DHCP relay agent (host_relay()). */
struct host_relay {
	struct host		*h;
	const struct sim_site	*site;
	uint32_t		 server;
	uint16_t		 sport;
	uint32_t		 addr;		/* giaddr, and the source */
	uint16_t		 port;
	int			 fd;
	struct event		*ev;
};

/* What phones send to ip:port goes to ip:to (host_map()). */
struct host_map {
	uint32_t		 ip;
	uint16_t		 port, to;
};

/* The phone a DHCP answer is for: by chaddr. */
struct host_client {
	uint8_t			 mac[6];	/* the map's key */
	struct phone		*p;
	uint32_t		 flow;		/* its DHCP flow */
};

struct host {
	struct runtime		*rt;	/* borrowed */
	struct sim		*sim;	/* borrowed */
	struct event_base	*base;	/* borrowed */
	struct hmap		 flows;
	uint32_t		*claim;		/* owned: claimed addresses */
	size_t			 nclaim;
	struct host_srcsite	*srcsite;	/* owned */
	size_t			 nsrcsite;
	struct hmap		 srcs;		/* MAC -> struct host_src */
	size_t			 cap;		/* flows' sockets at most */
	size_t			 nopen;		/* flows' sockets open */
	struct host_queue	 queue;		/* flows waiting for one */
	size_t			 nqueue;
	struct event		*pump;		/* opens waiting flows */
	int			 freeing;
	struct host_relay	**relay;
	size_t			 nrelay;
	struct host_map		*map;		/* owned: port maps */
	size_t			 nmap;
	struct hmap		 clients;	/* MAC -> struct host_client */
	struct host_stats	 st;
};

static void	host_read(evutil_socket_t, short, void *);
static struct host_relay *host_relay_of(struct host *, const struct phone *);
static void	host_relay_send(struct host_relay *, struct phone *, uint32_t,
		    const uint8_t *, size_t);
static void	host_write_cb(evutil_socket_t, short, void *);
static void	host_pump(evutil_socket_t, short, void *);

static void
host_key(struct host_key *k, const struct phone *p, uint32_t flow)
{
	memset(k, 0, sizeof *k);
	k->p = p;
	k->flow = flow;
}

static struct host_flow *
host_find(struct host *h, const struct phone *p, uint32_t flow)
{
	struct host_key	k;

	host_key(&k, p, flow);
	return (hmap_get(&h->flows, &k, sizeof k));
}

static void
host_enqueue(struct host_flow *f, int head)
{
	struct host	*h = f->h;

	f->queued = 1;
	if (head)
		TAILQ_INSERT_HEAD(&h->queue, f, qentry);
	else {
		TAILQ_INSERT_TAIL(&h->queue, f, qentry);
		h->st.queued++;
	}
	if (++h->nqueue > h->st.queue_peak)
		h->st.queue_peak = h->nqueue;
}

static void
host_dequeue(struct host_flow *f)
{
	TAILQ_REMOVE(&f->h->queue, f, qentry);
	f->h->nqueue--;
	f->queued = 0;
}

/* Open waiting flows on the next loop turn, if there is room. */
static void
host_pump_later(struct host *h)
{
	if (h->nqueue != 0 && h->nopen < h->cap && !h->freeing)
		event_active(h->pump, EV_TIMEOUT, 0);
}

static void
host_flow_free(struct host_flow *f)
{
	struct host		*h = f->h;
	struct host_dgram	*g;

	hmap_del(&h->flows, &f->key, sizeof f->key);
	if (f->queued)
		host_dequeue(f);
	while ((g = f->pend) != NULL) {
		f->pend = g->next;
		free(g);
	}
	if (f->rd != NULL)
		event_free(f->rd);
	if (f->wr != NULL)
		event_free(f->wr);
	if (f->fd != -1) {
		close(f->fd);
		h->nopen--;
		host_pump_later(h);
	}
	free(f->out);
	free(f);
}

/*
 * Hand a phone an event from outside, at the runtime's clock, then let the
 * runtime re-arm for what the phone asked.  Only from a loop callback,
 * never from inside a phone's actions (the carrier's calls defer).
 */
static void
host_deliver(struct host *h, struct phone *p, const struct emu_event *ev)
{
	runtime_sync(h->rt);
	sim_phone_event(h->sim, p, ev);
	runtime_sync(h->rt);
}

static void
host_stream_error(struct host_flow *f, enum emu_err err)
{
	struct emu_event	ev;
	struct host		*h = f->h;
	struct phone		*p = f->p;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_STREAM_ERROR;
	ev.flow = f->key.flow;
	ev.err = err;
	host_flow_free(f);	/* no more events for it */
	h->st.errors++;
	host_deliver(h, p, &ev);
}

/* Fail a stream on the next loop turn (from inside a phone's actions). */
static void
host_fail_later(struct host_flow *f, enum emu_err err)
{
	f->err = err;
	event_del(f->rd);
	event_active(f->wr, EV_WRITE, 0);
}

/* A phone's source address: its site's, spread by its index. */
static uint32_t
host_source_of(struct host *h, const struct phone *p)
{
	const struct sim_site	*site;
	struct host_srcsite	*ss;
	struct host_src		*src;
	size_t			 i;

	if (h->nsrcsite == 0)
		return (0);
	if ((src = hmap_get(&h->srcs, phone_mac(p), 6)) != NULL)
		return (src->addr);
	site = sim_phone_site(h->sim, p);
	for (i = 0; i < h->nsrcsite; i++) {
		ss = &h->srcsite[i];
		if (ss->site != site)
			continue;
		/* A phone keeps its address, as a real one has one IP. */
		src = xcalloc(1, sizeof *src);
		memcpy(src->mac, phone_mac(p), 6);
		src->addr = ss->addrs[ss->next++ % ss->n];
		hmap_put(&h->srcs, src->mac, 6, src);
		return (src->addr);
	}
	return (0);
}

/* A flow without a socket yet (host_flow_socket()). */
static struct host_flow *
host_flow_new(struct host *h, struct phone *p, uint32_t flow, int udp)
{
	struct host_flow	*f;

	f = xcalloc(1, sizeof *f);
	host_key(&f->key, p, flow);
	f->h = h;
	f->p = p;
	f->udp = udp;
	f->fd = -1;
	f->src = host_source_of(h, p);
	hmap_put(&h->flows, &f->key, sizeof f->key, f);
	return (f);
}

/* Must f wait for a descriptor? */
static int
host_must_wait(const struct host *h)
{
	return (h->nqueue != 0 || h->nopen >= h->cap);
}

/*
 * f's socket and events: 0, -1 if it cannot be had (events on no socket,
 * to fail it later), 1 if the process is out of descriptors while some
 * are ours (f is to wait; the cap comes down to what is open).
 */
static int
host_flow_socket(struct host_flow *f)
{
	struct host	*h = f->h;
	int		 rc = 0;

	f->fd = socket(AF_INET, (f->udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd == -1) {
		if ((errno == EMFILE || errno == ENFILE) && h->nopen != 0) {
			h->cap = h->nopen;
			return (1);
		}
		rc = -1;
	} else if (++h->nopen > h->st.open_peak)
		h->st.open_peak = h->nopen;
	f->rd = event_new(h->base, f->fd, EV_READ | EV_PERSIST, host_read, f);
	f->wr = event_new(h->base, f->fd, EV_WRITE, host_write_cb, f);
	if (f->rd == NULL || f->wr == NULL)
		abort();	/* out of memory */
	return (rc);
}

static int
host_claims(void *arg, uint32_t ip)
{
	struct host	*h = arg;
	size_t		 i;

	for (i = 0; i < h->nclaim; i++) {
		if (h->claim[i] == ip)
			return (1);
	}
	return (0);
}

/* The port phones' packets to ip:port really go to. */
static uint16_t
host_port_to(const struct host *h, uint32_t ip, uint16_t port)
{
	size_t	i;

	for (i = 0; i < h->nmap; i++) {
		if (h->map[i].ip == ip && h->map[i].port == port)
			return (h->map[i].to);
	}
	return (port);
}

/* The port an answer from ip:port seems to come from, to the phone. */
static uint16_t
host_port_from(const struct host *h, uint32_t ip, uint16_t port)
{
	size_t	i;

	for (i = 0; i < h->nmap; i++) {
		if (h->map[i].ip == ip && h->map[i].to == port)
			return (h->map[i].port);
	}
	return (port);
}

static void
host_sin(struct sockaddr_in *sin, uint32_t ip, uint16_t port)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
	sin->sin_port = htons(port);
}

/*
 * Open f's stream and start connecting; 1 if it must wait for a
 * descriptor.  Failures are told on the next loop turn.
 */
static int
host_tcp_start(struct host_flow *f)
{
	struct host		*h = f->h;
	struct sockaddr_in	 sin;
	int			 one = 1, rc;

	if ((rc = host_flow_socket(f)) == 1)
		return (1);
	if (rc == -1) {
		host_fail_later(f, EMU_E_CONNECT);	/* no descriptor */
		return (0);
	}
	(void)setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (f->src != 0) {
		host_sin(&sin, f->src, 0);
#ifdef IP_BIND_ADDRESS_NO_PORT
		/* The port comes at connect(), by 4-tuple, not by bind. */
		(void)setsockopt(f->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
		    &one, sizeof one);
#endif
		if (bind(f->fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
			host_fail_later(f, EMU_E_CONNECT);
			return (0);
		}
	}
	host_sin(&sin, f->dst_ip, host_port_to(h, f->dst_ip, f->dst_port));
	if (connect(f->fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS) {
		host_fail_later(f, EMU_E_CONNECT);
		return (0);
	}
	f->connecting = 1;
	event_add(f->wr, NULL);
	return (0);
}

static void
host_open(void *arg, struct phone *p, const struct emu_act_open *o)
{
	struct host		*h = arg;
	struct host_flow	*f;

	if ((f = host_find(h, p, o->flow)) != NULL)
		host_flow_free(f);	/* a flow id used again */
	h->st.opens++;
	f = host_flow_new(h, p, o->flow, 0);
	f->dst_ip = o->dst_ip;
	f->dst_port = o->dst_port;
	if (host_must_wait(h) || host_tcp_start(f) == 1) {
		host_enqueue(f, 0);
		host_pump_later(h);
	}
}

static void
host_write_cb(evutil_socket_t fd, short what, void *arg)
{
	struct host_flow	*f = arg;
	struct emu_event	 ev;
	socklen_t		 len;
	ssize_t			 n;
	int			 err = 0;

	if (f->err != EMU_OK) {
		host_stream_error(f, f->err);
		return;
	}
	if (f->connecting) {
		len = sizeof err;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
			err = errno;
		if (err != 0) {
			host_stream_error(f, EMU_E_CONNECT);
			return;
		}
		f->connecting = 0;
		event_add(f->rd, NULL);
		memset(&ev, 0, sizeof ev);
		ev.type = EMU_EV_CONNECTED;
		ev.flow = f->key.flow;
		f->h->st.connected++;
		if (f->outlen != 0)
			event_add(f->wr, NULL);	/* written while connecting */
		host_deliver(f->h, f->p, &ev);	/* f may be gone now */
		return;
	}
	while (f->outoff < f->outlen) {
		n = send(fd, f->out + f->outoff, f->outlen - f->outoff,
		    MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			host_stream_error(f, EMU_E_TRUNCATED);
			return;
		}
		f->outoff += (size_t)n;
		f->h->st.bytes_out += (uint64_t)n;
	}
	if (f->outoff == f->outlen) {
		f->outoff = f->outlen = 0;
		return;
	}
	event_add(f->wr, NULL);
}

static void
host_write(void *arg, struct phone *p, uint32_t flow, const uint8_t *d,
    size_t len)
{
	struct host		*h = arg;
	struct host_flow	*f;
	ssize_t			 n;

	if ((f = host_find(h, p, flow)) == NULL || f->udp)
		return;
	if (!f->queued && !f->connecting && f->err == EMU_OK &&
	    f->outlen == 0) {
		/* Straight to the socket; a failure is told later. */
		n = send(f->fd, d, len, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			host_fail_later(f, EMU_E_TRUNCATED);
			return;
		}
		if (n > 0) {
			h->st.bytes_out += (uint64_t)n;
			d += n;
			len -= (size_t)n;
		}
		if (len == 0)
			return;
	}
	f->out = xreallocarray(f->out, f->outlen + len, 1);
	memcpy(f->out + f->outlen, d, len);
	f->outlen += len;
	if (!f->queued && !f->connecting && f->err == EMU_OK)
		event_add(f->wr, NULL);	/* sent on the next loop turn */
}

static void
host_close(void *arg, struct phone *p, uint32_t flow)
{
	struct host		*h = arg;
	struct host_flow	*f;

	if ((f = host_find(h, p, flow)) == NULL || f->udp)
		return;
	/* The phone is done: what it wrote has gone or never will (a
	 * waiting flow leaves the queue). */
	host_flow_free(f);
}

static void
host_read(evutil_socket_t fd, short what, void *arg)
{
	struct host_flow	*f = arg;
	struct host		*h = f->h;
	struct emu_event	 ev;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	uint8_t			 buf[HOST_SEG];
	ssize_t			 n;

	memset(&ev, 0, sizeof ev);
	ev.flow = f->key.flow;
	if (f->udp) {
		n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&sin,
		    &slen);
		if (n < 0)
			return;		/* ICMP errors: the phone times out */
		h->st.dgrams_in++;
		ev.type = EMU_EV_DGRAM;
		ev.src_ip = ntohl(sin.sin_addr.s_addr);
		ev.src_port = host_port_from(h, ev.src_ip,
		    ntohs(sin.sin_port));
		ev.data = buf;
		ev.len = (size_t)n;
		host_deliver(h, f->p, &ev);
		return;
	}
	n = recv(fd, buf, sizeof buf, 0);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;
		host_stream_error(f, EMU_E_TRUNCATED);
		return;
	}
	if (n == 0) {
		event_del(f->rd);
		f->eof = 1;
		ev.type = EMU_EV_CLOSED;
		host_deliver(h, f->p, &ev);
		return;
	}
	h->st.bytes_in += (uint64_t)n;
	ev.type = EMU_EV_DATA;
	ev.data = buf;
	ev.len = (size_t)n;
	host_deliver(h, f->p, &ev);
}

static void
host_sendto(struct host_flow *f, uint32_t ip, uint16_t port, const uint8_t *d,
    size_t len)
{
	struct host		*h = f->h;
	struct sockaddr_in	 sin;

	host_sin(&sin, ip, host_port_to(h, ip, port));
	if (sendto(f->fd, d, len, 0, (struct sockaddr *)&sin, sizeof sin) >= 0)
		h->st.dgrams_out++;
	else
		h->st.errors++;
}

/* A datagram of a waiting flow, sent when it opens (a few; the rest are
 * lost, as in a full queue). */
static void
host_hold(struct host_flow *f, uint32_t ip, uint16_t port, const uint8_t *d,
    size_t len)
{
	struct host_dgram	*g, **tail;

	if (f->npend >= HOST_PEND_MAX)
		return;
	g = xmalloc(sizeof *g + len);
	g->next = NULL;
	g->ip = ip;
	g->port = port;
	g->len = len;
	memcpy(g->data, d, len);
	for (tail = &f->pend; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = g;
	f->npend++;
}

/*
 * Open f's datagram socket and send what it holds: 0; 1 if it must wait
 * for a descriptor; -1 if it cannot be had (f is freed, its datagrams
 * lost, as on a full host).
 */
static int
host_udp_start(struct host_flow *f)
{
	struct host		*h = f->h;
	struct host_dgram	*g;
	struct sockaddr_in	 sin;
	int			 rc;

	if ((rc = host_flow_socket(f)) == 1)
		return (1);
	if (rc == 0 && f->src != 0) {
		host_sin(&sin, f->src, 0);
		if (bind(f->fd, (struct sockaddr *)&sin, sizeof sin) != 0)
			rc = -1;
	}
	if (rc == -1) {
		h->st.errors++;
		host_flow_free(f);
		return (-1);
	}
	event_add(f->rd, NULL);
	while ((g = f->pend) != NULL) {
		f->pend = g->next;
		host_sendto(f, g->ip, g->port, g->data, g->len);
		free(g);
	}
	f->npend = 0;
	return (0);
}

/* Open waiting flows, first come first, while there is room. */
static void
host_pump(evutil_socket_t fd, short what, void *arg)
{
	struct host		*h = arg;
	struct host_flow	*f;
	int			 rc;

	while ((f = TAILQ_FIRST(&h->queue)) != NULL && h->nopen < h->cap) {
		host_dequeue(f);
		rc = f->udp ? host_udp_start(f) : host_tcp_start(f);
		if (rc == 1) {
			host_enqueue(f, 1);	/* still first */
			break;
		}
	}
}

static void
host_send(void *arg, struct phone *p, const struct emu_act_dgram *g,
    const uint8_t *d, size_t len)
{
	struct host		*h = arg;
	struct host_flow	*f;
	struct host_relay	*rl;
	int			 rc;

	/* DHCP of a site with a relay: broadcast, or a renewal unicast. */
	if (g->dst_port == DHCP_SERVER_PORT &&
	    (rl = host_relay_of(h, p)) != NULL) {
		host_relay_send(rl, p, g->flow, d, len);
		return;
	}
	if (g->broadcast)
		return;		/* nothing of ours answers it */
	if ((f = host_find(h, p, g->flow)) == NULL) {
		f = host_flow_new(h, p, g->flow, 1);
		if (host_must_wait(h))
			rc = 1;
		else if ((rc = host_udp_start(f)) == -1)
			return;		/* lost, as on a full host */
		if (rc == 1) {
			host_enqueue(f, 0);
			host_pump_later(h);
		}
	}
	if (f->queued) {
		host_hold(f, g->dst_ip, g->dst_port, d, len);
		return;
	}
	host_sendto(f, g->dst_ip, g->dst_port, d, len);
}

static void
host_unbind(void *arg, struct phone *p, uint32_t flow)
{
	struct host		*h = arg;
	struct host_flow	*f;

	if ((f = host_find(h, p, flow)) != NULL && f->udp)
		host_flow_free(f);
}

#define HOST_DHCP_MIN	240	/* fixed part and magic cookie */
#define HOST_DHCP_MAX	1500

static struct host_relay *
host_relay_of(struct host *h, const struct phone *p)
{
	const struct sim_site	*site = sim_phone_site(h->sim, p);
	size_t			 i;

	for (i = 0; i < h->nrelay; i++) {
		if (h->relay[i]->site == site)
			return (h->relay[i]);
	}
	return (NULL);
}

/*
 * Relay a phone's DHCP packet: giaddr, hops 1, and with a relay port the
 * RFC 8357 sub-option in option 82 before the end.  The phone is
 * remembered by chaddr for the answer.
 */
static void
host_relay_send(struct host_relay *rl, struct phone *p, uint32_t flow,
    const uint8_t *d, size_t len)
{
	struct host		*h = rl->h;
	struct host_client	*cl;
	struct sockaddr_in	 sin;
	uint8_t			 pkt[HOST_DHCP_MAX + 4];
	size_t			 i, end;

	if (len < HOST_DHCP_MIN || len > HOST_DHCP_MAX)
		return;
	memcpy(pkt, d, len);
	if (rl->port != DHCP_SERVER_PORT) {
		/* Find the end option; the phone's packets always have one. */
		for (i = HOST_DHCP_MIN, end = 0; i < len; ) {
			if (pkt[i] == 255) {
				end = i;
				break;
			}
			if (pkt[i] == 0) {
				i++;
				continue;
			}
			if (i + 1 >= len)
				break;
			i += 2 + pkt[i + 1];
		}
		if (end == 0)
			return;
		memmove(pkt + end + 4, pkt + end, len - end);
		pkt[end] = 82;		/* relay agent information */
		pkt[end + 1] = 2;
		pkt[end + 2] = 19;	/* RFC 8357: relay source port */
		pkt[end + 3] = 0;
		len += 4;
	}
	pkt[3] = 1;			/* hops */
	pkt[24] = rl->addr >> 24;	/* giaddr */
	pkt[25] = rl->addr >> 16;
	pkt[26] = rl->addr >> 8;
	pkt[27] = rl->addr;
	if ((cl = hmap_get(&h->clients, phone_mac(p), 6)) == NULL) {
		cl = xcalloc(1, sizeof *cl);
		memcpy(cl->mac, phone_mac(p), 6);
		hmap_put(&h->clients, cl->mac, 6, cl);
	}
	cl->p = p;
	cl->flow = flow;
	host_sin(&sin, rl->server, rl->sport);
	if (sendto(rl->fd, pkt, len, 0, (struct sockaddr *)&sin,
	    sizeof sin) >= 0)
		h->st.dgrams_out++;
	else
		h->st.errors++;
}

/* An answer at the relay: to the phone its chaddr names. */
static void
host_relay_read(evutil_socket_t fd, short what, void *arg)
{
	struct host_relay	*rl = arg;
	struct host		*h = rl->h;
	struct host_client	*cl;
	struct emu_event	 ev;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	uint8_t			 buf[HOST_DHCP_MAX];
	ssize_t			 n;

	n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&sin, &slen);
	if (n < HOST_DHCP_MIN || buf[0] != 2)
		return;			/* not a BOOTREPLY */
	if ((cl = hmap_get(&h->clients, buf + 28, 6)) == NULL)
		return;			/* for no phone of ours */
	h->st.dgrams_in++;
	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_DGRAM;
	ev.flow = cl->flow;
	ev.src_ip = ntohl(sin.sin_addr.s_addr);
	ev.src_port = DHCP_SERVER_PORT;
	ev.data = buf;
	ev.len = (size_t)n;
	host_deliver(h, cl->p, &ev);
}

int
host_relay(struct host *h, const struct sim_site *site, uint32_t server,
    uint16_t sport, uint32_t relay, uint16_t rport, char **cause)
{
	struct host_relay	*rl;
	struct sockaddr_in	 sin;
	char			 ip[16];
	int			 one = 1;

	rl = xcalloc(1, sizeof *rl);
	rl->h = h;
	rl->site = site;
	rl->server = server;
	rl->sport = sport;
	rl->addr = relay;
	rl->port = rport;
	rl->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (rl->fd != -1)
		(void)setsockopt(rl->fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof one);
	host_sin(&sin, relay, rport);
	if (rl->fd == -1 ||
	    bind(rl->fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		xasprintf(cause, "DHCP relay %s:%u: %s", ipv4_str(relay, ip),
		    rport, strerror(errno));
		if (rl->fd != -1)
			close(rl->fd);
		free(rl);
		return (-1);
	}
	rl->ev = event_new(h->base, rl->fd, EV_READ | EV_PERSIST,
	    host_relay_read, rl);
	if (rl->ev == NULL)
		abort();	/* out of memory */
	event_add(rl->ev, NULL);
	h->relay = xreallocarray(h->relay, h->nrelay + 1, sizeof *h->relay);
	h->relay[h->nrelay++] = rl;
	return (0);
}


static const struct sim_io host_io = {
	host_claims,
	host_open,
	host_write,
	host_close,
	host_send,
	host_unbind
};

/* The soft limit on descriptors, less what the process keeps for its own
 * files (half of a small limit). */
static size_t
host_default_cap(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > SIZE_MAX)
		return (SIZE_MAX);
	if (rl.rlim_cur > 2 * HOST_FD_MARGIN)
		return ((size_t)rl.rlim_cur - HOST_FD_MARGIN);
	return (rl.rlim_cur > 2 ? (size_t)rl.rlim_cur / 2 : 1);
}

struct host *
host_create(struct runtime *rt, struct event_base *base)
{
	struct host	*h;

	h = xcalloc(1, sizeof *h);
	h->rt = rt;
	h->sim = runtime_world(rt);
	h->base = base;
	hmap_init(&h->flows);
	hmap_init(&h->clients);
	hmap_init(&h->srcs);
	TAILQ_INIT(&h->queue);
	h->cap = host_default_cap();
	h->pump = event_new(base, -1, 0, host_pump, h);
	if (h->pump == NULL)
		abort();	/* out of memory */
	sim_set_io(h->sim, &host_io, h);
	return (h);
}

void
host_free(struct host *h)
{
	struct host_flow	*f;
	struct host_client	*cl;
	struct host_src		*src;
	size_t			 pos, i;

	if (h == NULL)
		return;
	sim_set_io(h->sim, NULL, NULL);
	h->freeing = 1;		/* no more opens */
	for (;;) {
		pos = 0;
		if ((f = hmap_next(&h->flows, &pos)) == NULL)
			break;
		host_flow_free(f);
	}
	hmap_clear(&h->flows);
	for (i = 0; i < h->nrelay; i++) {
		event_free(h->relay[i]->ev);
		close(h->relay[i]->fd);
		free(h->relay[i]);
	}
	free(h->relay);
	pos = 0;
	while ((cl = hmap_next(&h->clients, &pos)) != NULL)
		free(cl);
	hmap_clear(&h->clients);
	pos = 0;
	while ((src = hmap_next(&h->srcs, &pos)) != NULL)
		free(src);
	hmap_clear(&h->srcs);
	for (i = 0; i < h->nsrcsite; i++)
		free(h->srcsite[i].addrs);
	free(h->srcsite);
	event_free(h->pump);
	free(h->claim);
	free(h->map);
	free(h);
}

void
host_claim(struct host *h, uint32_t ip)
{
	if (host_claims(h, ip))
		return;
	h->claim = xreallocarray(h->claim, h->nclaim + 1, sizeof *h->claim);
	h->claim[h->nclaim++] = ip;
}

void
host_map(struct host *h, uint32_t ip, uint16_t port, uint16_t to)
{
	h->map = xreallocarray(h->map, h->nmap + 1, sizeof *h->map);
	h->map[h->nmap].ip = ip;
	h->map[h->nmap].port = port;
	h->map[h->nmap].to = to;
	h->nmap++;
}

int
host_site_sources(struct host *h, const struct sim_site *site,
    const uint32_t *addrs, size_t n, char **cause)
{
	struct host_srcsite	*ss;
	struct sockaddr_in	 sin;
	struct phone		*p;
	char			 ip[16];
	size_t			 i, np;
	int			 fd, err;

	if (n == 0)
		return (0);
	/* Each address once, now: not a failure per connection later. */
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd == -1) {
			xasprintf(cause, "source %s: %s",
			    ipv4_str(addrs[i], ip), strerror(errno));
			return (-1);
		}
		host_sin(&sin, addrs[i], 0);
		err = bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ?
		    errno : 0;
		close(fd);
		if (err != 0) {
			xasprintf(cause, "source %s cannot be bound: %s%s",
			    ipv4_str(addrs[i], ip), strerror(err),
			    err == EADDRNOTAVAIL ? " (not an address of this "
			    "machine)" : "");
			return (-1);
		}
	}
	h->srcsite = xreallocarray(h->srcsite, h->nsrcsite + 1,
	    sizeof *h->srcsite);
	ss = &h->srcsite[h->nsrcsite++];
	ss->site = site;
	ss->addrs = xreallocarray(NULL, n, sizeof *ss->addrs);
	memcpy(ss->addrs, addrs, n * sizeof *ss->addrs);
	ss->n = n;
	ss->next = 0;
	/* In the world's order, so a phone's address is its index's. */
	np = sim_phone_count(h->sim);
	for (i = 0; i < np; i++) {
		p = sim_phone(h->sim, i);
		if (sim_phone_site(h->sim, p) == site)
			(void)host_source_of(h, p);
	}
	return (0);
}

void
host_set_cap(struct host *h, size_t cap)
{
	h->cap = cap == 0 ? 1 : cap;
	host_pump_later(h);
}

size_t
host_cap(const struct host *h)
{
	return (h->cap);
}

const struct host_stats *
host_stats(const struct host *h)
{
	return (&h->st);
}

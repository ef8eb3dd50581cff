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
 */

#include <sys/types.h>
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
	enum emu_err		 err;	/* to tell on the next loop turn */
	struct event		*rd, *wr;
	uint8_t			*out;	/* unsent stream bytes */
	size_t			 outlen, outoff;
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
	uint32_t		 source;	/* bind streams here, or 0 */
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
host_flow_free(struct host_flow *f)
{
	hmap_del(&f->h->flows, &f->key, sizeof f->key);
	if (f->rd != NULL)
		event_free(f->rd);
	if (f->wr != NULL)
		event_free(f->wr);
	if (f->fd != -1)
		close(f->fd);
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

static struct host_flow *
host_flow_new(struct host *h, struct phone *p, uint32_t flow, int udp)
{
	struct host_flow	*f;

	f = xcalloc(1, sizeof *f);
	host_key(&f->key, p, flow);
	f->h = h;
	f->p = p;
	f->udp = udp;
	f->fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd == -1)
		f->err = EMU_E_CONNECT;	/* out of descriptors */
	hmap_put(&h->flows, &f->key, sizeof f->key, f);
	f->rd = event_new(h->base, f->fd, EV_READ | EV_PERSIST, host_read, f);
	f->wr = event_new(h->base, f->fd, EV_WRITE, host_write_cb, f);
	if (f->rd == NULL || f->wr == NULL)
		abort();	/* out of memory */
	return (f);
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

static void
host_open(void *arg, struct phone *p, const struct emu_act_open *o)
{
	struct host		*h = arg;
	struct host_flow	*f;
	struct sockaddr_in	 sin;
	int			 one = 1;

	if ((f = host_find(h, p, o->flow)) != NULL)
		host_flow_free(f);	/* a flow id used again */
	h->st.opens++;
	f = host_flow_new(h, p, o->flow, 0);
	if (f->fd == -1) {
		host_fail_later(f, EMU_E_CONNECT);
		return;
	}
	(void)setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (h->source != 0) {
		host_sin(&sin, h->source, 0);
#ifdef IP_BIND_ADDRESS_NO_PORT
		(void)setsockopt(f->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
		    &one, sizeof one);
#endif
		if (bind(f->fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
			host_fail_later(f, EMU_E_CONNECT);
			return;
		}
	}
	host_sin(&sin, o->dst_ip, host_port_to(h, o->dst_ip, o->dst_port));
	if (connect(f->fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    errno != EINPROGRESS) {
		host_fail_later(f, EMU_E_CONNECT);
		return;
	}
	f->connecting = 1;
	event_add(f->wr, NULL);
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
	if (!f->connecting && f->err == EMU_OK && f->outlen == 0) {
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
	if (!f->connecting && f->err == EMU_OK)
		event_add(f->wr, NULL);	/* sent on the next loop turn */
}

static void
host_close(void *arg, struct phone *p, uint32_t flow)
{
	struct host		*h = arg;
	struct host_flow	*f;

	if ((f = host_find(h, p, flow)) == NULL || f->udp)
		return;
	/* The phone is done: what it wrote has gone or never will. */
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
host_send(void *arg, struct phone *p, const struct emu_act_dgram *g,
    const uint8_t *d, size_t len)
{
	struct host		*h = arg;
	struct host_flow	*f;
	struct host_relay	*rl;
	struct sockaddr_in	 sin;

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
		if (f->fd == -1) {
			host_flow_free(f);
			h->st.errors++;
			return;		/* lost, as on a full host */
		}
		if (h->source != 0) {
			host_sin(&sin, h->source, 0);
			(void)bind(f->fd, (struct sockaddr *)&sin, sizeof sin);
		}
		event_add(f->rd, NULL);
	}
	host_sin(&sin, g->dst_ip, host_port_to(h, g->dst_ip, g->dst_port));
	if (sendto(f->fd, d, len, 0, (struct sockaddr *)&sin, sizeof sin) >= 0)
		h->st.dgrams_out++;
	else
		h->st.errors++;
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
	sim_set_io(h->sim, &host_io, h);
	return (h);
}

void
host_free(struct host *h)
{
	struct host_flow	*f;
	struct host_client	*cl;
	size_t			 pos, i;

	if (h == NULL)
		return;
	sim_set_io(h->sim, NULL, NULL);
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

void
host_set_source(struct host *h, uint32_t ip)
{
	h->source = ip;
}

const struct host_stats *
host_stats(const struct host *h)
{
	return (&h->st);
}

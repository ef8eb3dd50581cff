/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * phonefleet serve: a scenario's simulated servers on kernel sockets, for
 * real phones, curl, or phonefleet's own host runtime (docs/serve.md).
 * The endpoints are the simulation's sans-I/O servers, driven the way
 * sim.c drives them: an accepted TCP connection is an ep_http (or ep_tls)
 * connection whose answer is pulled a segment at a time while the socket
 * takes it (a delayed or paced answer waits for its time on a timer);
 * a datagram goes in through the endpoint's input and its EP_ACT_DGRAM
 * actions are sent at their time; the TFTP endpoint's retransmissions run
 * from its deadline.  Time is real: emu_time counts microseconds of the
 * monotonic clock since serve_create().
 *
 * A TFTP transfer gets a socket of its own, as a real server's transfer
 * ID (RFC 1350 4): the endpoint's TIDs are mapped to sockets on ephemeral
 * ports, closed when the endpoint no longer owns the TID.  DHCP answers
 * relay agents only (giaddr set): the endpoint answers unicast to the
 * relay, on port 67 or on the relay's own port when it says so (RFC 8357
 * relay-port sub-option); a broadcast from a client on the same wire is
 * not this server's to answer.  Every request is one access-log line.
 * Not here: proxies, the SIP NOTIFY sender, real servers of the scenario.
 */

#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "netsim.h"

#define SERVE_SEG		16384	/* bytes pulled from an endpoint at once */
#define SERVE_WBUF_MAX		(256 * 1024)	/* queued on a socket: pulling
						   waits until half is sent */
#define SERVE_IDLE_S		60	/* a connection silent both ways closes */
#define SERVE_CONNS_MAX		4096	/* TCP connections at once */
#define SERVE_TIDS_MAX		4096	/* TFTP transfer sockets at once */
#define SERVE_DGRAM_MAX		65536	/* bytes of a datagram read */
#define SERVE_BATCH		64	/* accepts or datagrams per wakeup */
#define SERVE_LOW_PORT		1024	/* below it a port needs root */
#define SERVE_TEXT_MAX		200	/* bytes of peer text in a log line */
#define SERVE_BACKLOG		1024
#define SERVE_LOOPBACK		0x7f000001U	/* 127.0.0.1 */
#define SERVE_BROADCAST		0xffffffffU

struct serve_tid;

struct serve_svc {
	struct serve		*sv;
	enum serve_kind		 kind;
	char			*host;		/* owned */
	uint32_t		 vip;		/* the scenario's address */
	uint16_t		 vport;		/* the scenario's port */
	uint32_t		 ip;		/* bound here */
	uint16_t		 port;
	struct serve_ep		 ep;		/* borrowed */
	int			 fd;
	struct event		*ev;		/* accept or read */
	struct event		*timer;		/* TFTP: its deadline; TCP:
						   accepting again */
	TAILQ_HEAD(, serve_tid)	 tids;		/* TFTP transfers */
};

/* A TFTP transfer's socket: the endpoint's TID vport, on a real port. */
struct serve_tid {
	struct serve_svc	*svc;
	uint16_t		 vport;
	int			 fd;
	struct event		*ev;
	int			 pending;	/* delayed datagrams from it */
	int			 dead;		/* reaped on the next turn */
	TAILQ_ENTRY(serve_tid)	 entry;		/* svc's tids, or reap */
};

struct serve_conn {
	struct serve		*sv;
	struct serve_svc	*svc;
	struct bufferevent	*bev;
	struct event		*wait;		/* a delayed or paced answer */
	struct ep_conn		*hc;		/* HTTP, or NULL */
	struct ep_tls_conn	*tc;		/* HTTPS, or NULL */
	uint32_t		 peer_ip;
	uint16_t		 peer_port;
	int			 eof;		/* the client closed */
	int			 closing;	/* close once written */
	int			 dead;		/* reaped on the next turn */
	TAILQ_ENTRY(serve_conn)	 entry;
};

/* A datagram an endpoint sends later (a delay fault). */
struct serve_later {
	struct serve_svc	*svc;
	struct serve_tid	*tid;		/* or NULL: the service's */
	uint32_t		 ip;
	uint16_t		 port;
	uint8_t			*data;		/* owned */
	size_t			 len;
	struct event		*ev;
	TAILQ_ENTRY(serve_later) entry;
};

struct serve_bindrule {
	char			*host;		/* owned */
	uint32_t		 ip;
	int			 used;
};

struct serve {
	struct event_base	*base;		/* borrowed */
	struct serve_conf	 c;
	struct timespec		 t0;
	struct serve_svc	**svc;
	size_t			 nsvc;
	struct serve_bindrule	*rule;
	size_t			 nrule;
	TAILQ_HEAD(, serve_conn) conns;
	size_t			 nconns;
	size_t			 ntids;
	TAILQ_HEAD(, serve_conn) reap_conns;
	TAILQ_HEAD(, serve_tid)	 reap_tids;
	TAILQ_HEAD(, serve_later) later;
	struct event		*reap;
	struct event		*sig[2];
	struct ep_out		 out;
	struct dbuf		 seg;
	uint8_t			*pkt;		/* SERVE_DGRAM_MAX */
	struct dhcp_msg		*dhcp;		/* scratch for the log */
	struct serve_conn	*cur;		/* the connection being fed */
	uint32_t		 cur_ip;	/* the datagram being fed */
	uint16_t		 cur_port;
};

static const char *const serve_kind_names[] = {
	"http", "https", "tftp", "dns", "dhcp", "syslog"
};

static emu_time	serve_now(const struct serve *);
static int	serve_is_tcp(enum serve_kind);
static uint32_t	serve_bind_ip(struct serve *, const char *);
static int	serve_open(struct serve_svc *, char **);
static void	serve_accept_cb(evutil_socket_t, short, void *);
static void	serve_resume_cb(evutil_socket_t, short, void *);
static void	serve_conn_read_cb(struct bufferevent *, void *);
static void	serve_conn_write_cb(struct bufferevent *, void *);
static void	serve_conn_event_cb(struct bufferevent *, short, void *);
static void	serve_conn_wait_cb(evutil_socket_t, short, void *);
static void	serve_conn_pump(struct serve_conn *);
static void	serve_conn_close(struct serve_conn *);
static void	serve_conn_kill(struct serve_conn *, int);
static void	serve_reap_cb(evutil_socket_t, short, void *);
static void	serve_udp_cb(evutil_socket_t, short, void *);
static void	serve_tid_cb(evutil_socket_t, short, void *);
static void	serve_dgram(struct serve_svc *, struct serve_tid *,
		    const uint8_t *, size_t, uint32_t, uint16_t);
static void	serve_dns(struct serve_svc *, const uint8_t *, size_t,
		    uint32_t, uint16_t, emu_time);
static void	serve_dhcp(struct serve_svc *, const uint8_t *, size_t,
		    uint32_t, uint16_t, emu_time);
static void	serve_syslog(struct serve_svc *, const uint8_t *, size_t,
		    uint32_t, uint16_t, emu_time);
static void	serve_actions(struct serve_svc *, emu_time);
static void	serve_send(struct serve_svc *, struct serve_tid *, uint32_t,
		    uint16_t, const uint8_t *, size_t);
static void	serve_later_cb(evutil_socket_t, short, void *);
static struct serve_tid *serve_tid_get(struct serve_svc *, uint16_t);
static void	serve_tftp_sync(struct serve_svc *);
static void	serve_tftp_timer_cb(evutil_socket_t, short, void *);
static void	serve_http_observe(void *, const struct ep_request *);
static void	serve_tftp_observe(void *, const struct ep_request *);
static void	serve_log(struct serve *, const struct serve_svc *, uint32_t,
		    uint16_t, const char *, const char *, const char *,
		    uint64_t);
static void	serve_escape(const char *, size_t, char *, size_t);
static void	serve_signal_cb(evutil_socket_t, short, void *);
static void	serve_sin(struct sockaddr_in *, uint32_t, uint16_t);

struct serve *
serve_create(struct event_base *base, const struct serve_conf *c)
{
	struct serve	*sv;

	sv = xcalloc(1, sizeof *sv);
	sv->base = base;
	sv->c = *c;
	if (sv->c.bind == 0)
		sv->c.bind = SERVE_LOOPBACK;
	if (sv->c.log == NULL)
		sv->c.log = stdout;
	clock_gettime(CLOCK_MONOTONIC, &sv->t0);
	TAILQ_INIT(&sv->conns);
	TAILQ_INIT(&sv->reap_conns);
	TAILQ_INIT(&sv->reap_tids);
	TAILQ_INIT(&sv->later);
	sv->reap = event_new(base, -1, 0, serve_reap_cb, sv);
	if (sv->reap == NULL)
		abort();	/* out of memory */
	ep_out_init(&sv->out);
	dbuf_init(&sv->seg);
	sv->pkt = xmalloc(SERVE_DGRAM_MAX);
	sv->dhcp = xmalloc(sizeof *sv->dhcp);
	return (sv);
}

void
serve_free(struct serve *sv)
{
	struct serve_conn	*c;
	struct serve_tid	*t;
	struct serve_later	*l;
	struct serve_svc	*svc;
	size_t			 i;

	if (sv == NULL)
		return;
	while ((c = TAILQ_FIRST(&sv->conns)) != NULL)
		serve_conn_kill(c, 0);
	while ((l = TAILQ_FIRST(&sv->later)) != NULL) {
		TAILQ_REMOVE(&sv->later, l, entry);
		event_free(l->ev);
		free(l->data);
		free(l);
	}
	for (i = 0; i < sv->nsvc; i++) {
		svc = sv->svc[i];
		while ((t = TAILQ_FIRST(&svc->tids)) != NULL) {
			TAILQ_REMOVE(&svc->tids, t, entry);
			t->dead = 1;
			TAILQ_INSERT_TAIL(&sv->reap_tids, t, entry);
		}
	}
	serve_reap_cb(-1, 0, sv);
	for (i = 0; i < sv->nsvc; i++) {
		svc = sv->svc[i];
		if (svc->ev != NULL)
			event_free(svc->ev);
		if (svc->timer != NULL)
			event_free(svc->timer);
		if (svc->fd != -1)
			close(svc->fd);
		/* The endpoints outlive sv: they no longer tell it. */
		if (svc->ep.http != NULL)
			ep_http_observe(svc->ep.http, NULL, NULL);
		if (svc->ep.tftp != NULL)
			ep_tftp_observe(svc->ep.tftp, NULL, NULL);
		free(svc->host);
		free(svc);
	}
	free(sv->svc);
	for (i = 0; i < sv->nrule; i++)
		free(sv->rule[i].host);
	free(sv->rule);
	for (i = 0; i < nitems(sv->sig); i++) {
		if (sv->sig[i] != NULL)
			event_free(sv->sig[i]);
	}
	event_free(sv->reap);
	ep_out_free(&sv->out);
	dbuf_clear(&sv->seg);
	free(sv->pkt);
	free(sv->dhcp);
	free(sv);
}

void
serve_add(struct serve *sv, enum serve_kind kind, const char *host,
    uint32_t ip, uint16_t port, const struct serve_ep *ep)
{
	struct serve_svc	*svc;

	svc = xcalloc(1, sizeof *svc);
	svc->sv = sv;
	svc->kind = kind;
	svc->host = xstrdup(host);
	svc->vip = ip;
	svc->vport = port;
	svc->ep = *ep;
	svc->fd = -1;
	TAILQ_INIT(&svc->tids);
	sv->svc = xreallocarray(sv->svc, sv->nsvc + 1, sizeof *sv->svc);
	sv->svc[sv->nsvc++] = svc;
	/* The access log sees each request (an ep_http may be behind both
	 * the HTTP and the HTTPS service of a host: sv->cur tells which). */
	if (kind == SERVE_HTTP || kind == SERVE_HTTPS)
		ep_http_observe(ep->http, serve_http_observe, sv);
	if (kind == SERVE_TFTP)
		ep_tftp_observe(ep->tftp, serve_tftp_observe, svc);
}

void
serve_bind(struct serve *sv, const char *host, uint32_t ip)
{
	sv->rule = xreallocarray(sv->rule, sv->nrule + 1, sizeof *sv->rule);
	sv->rule[sv->nrule].host = xstrdup(host);
	sv->rule[sv->nrule].ip = ip;
	sv->rule[sv->nrule].used = 0;
	sv->nrule++;
}

const char *
serve_kind_name(enum serve_kind kind)
{
	if ((size_t)kind < nitems(serve_kind_names))
		return (serve_kind_names[kind]);
	return ("?");
}

/*
 * Bind every service and print where: "prov http 127.0.0.1:10080
 * (10.1.0.5:80)".  A port taken by another process is an error naming the
 * service; one taken by an earlier service of sv moves one up.
 */
int
serve_listen(struct serve *sv, char **cause)
{
	struct serve_svc	*svc, *o;
	char			 a[16], va[16];
	size_t			 i, j;
	uint32_t		 port;

	for (i = 0; i < sv->nrule; i++) {
		for (j = 0; j < sv->nsvc; j++) {
			if (strcmp(sv->svc[j]->host, sv->rule[i].host) == 0)
				break;
		}
		if (j == sv->nsvc) {
			xasprintf(cause, "--bind %s=%s: no service of that "
			    "name", sv->rule[i].host,
			    ipv4_str(sv->rule[i].ip, a));
			return (-1);
		}
	}
	for (i = 0; i < sv->nsvc; i++) {
		svc = sv->svc[i];
		svc->ip = serve_bind_ip(sv, svc->host);
		port = svc->vport;
		if (sv->c.has_offset)
			port += sv->c.port_offset;
		else if (port < SERVE_LOW_PORT && geteuid() != 0)
			port += SERVE_LOW_OFFSET;
		for (;;) {
			for (j = 0; j < i; j++) {
				o = sv->svc[j];
				if (o->ip == svc->ip && o->port == port &&
				    serve_is_tcp(o->kind) ==
				    serve_is_tcp(svc->kind))
					break;
			}
			if (j == i || port > 65535)
				break;
			port++;
		}
		if (port == 0 || port > 65535) {
			xasprintf(cause, "%s %s: port %u maps to %u, not a "
			    "port", svc->host, serve_kind_name(svc->kind),
			    svc->vport, port);
			return (-1);
		}
		svc->port = port;
		if (serve_open(svc, cause) != 0)
			return (-1);
		fprintf(sv->c.log, "%s %s %s:%u (%s:%u)\n", svc->host,
		    serve_kind_name(svc->kind), ipv4_str(svc->ip, a), svc->port,
		    ipv4_str(svc->vip, va), svc->vport);
	}
	fflush(sv->c.log);
	return (0);
}

int
serve_run(struct serve *sv)
{
	static const int	 sigs[] = { SIGINT, SIGTERM };
	size_t			 i;

	/* A client gone while we write is that connection's end only. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < nitems(sigs); i++) {
		if (sv->sig[i] == NULL)
			sv->sig[i] = evsignal_new(sv->base, sigs[i],
			    serve_signal_cb, sv);
		if (sv->sig[i] == NULL || evsignal_add(sv->sig[i], NULL) != 0)
			return (-1);
	}
	if (event_base_dispatch(sv->base) == -1)
		return (-1);
	return (0);
}

static void
serve_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct serve	*sv = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(sv->base);
}

static emu_time
serve_now(const struct serve *sv)
{
	struct timespec	ts;
	int64_t		us;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	us = (int64_t)(ts.tv_sec - sv->t0.tv_sec) * 1000000 +
	    (ts.tv_nsec - sv->t0.tv_nsec) / 1000;
	return (us > 0 ? (emu_time)us : 0);
}

static int
serve_is_tcp(enum serve_kind kind)
{
	return (kind == SERVE_HTTP || kind == SERVE_HTTPS);
}

static uint32_t
serve_bind_ip(struct serve *sv, const char *host)
{
	size_t	i;

	for (i = 0; i < sv->nrule; i++) {
		if (strcmp(sv->rule[i].host, host) == 0)
			return (sv->rule[i].ip);
	}
	return (sv->c.bind);
}

static void
serve_sin(struct sockaddr_in *sin, uint32_t ip, uint16_t port)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(ip);
	sin->sin_port = htons(port);
}

static int
serve_open(struct serve_svc *svc, char **cause)
{
	struct serve		*sv = svc->sv;
	struct sockaddr_in	 sin;
	char			 a[16];
	int			 tcp = serve_is_tcp(svc->kind), one = 1;

	svc->fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (svc->fd == -1)
		goto fail;
	/* TCP: a restart binds at once; UDP never shares its port. */
	if (tcp)
		(void)setsockopt(svc->fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof one);
	serve_sin(&sin, svc->ip, svc->port);
	if (bind(svc->fd, (struct sockaddr *)&sin, sizeof sin) != 0)
		goto fail;
	if (tcp && listen(svc->fd, SERVE_BACKLOG) != 0)
		goto fail;
	svc->ev = event_new(sv->base, svc->fd, EV_READ | EV_PERSIST,
	    tcp ? serve_accept_cb : serve_udp_cb, svc);
	if (svc->ev == NULL)
		abort();	/* out of memory */
	event_add(svc->ev, NULL);
	if (tcp)
		svc->timer = evtimer_new(sv->base, serve_resume_cb, svc);
	else if (svc->kind == SERVE_TFTP)
		svc->timer = evtimer_new(sv->base, serve_tftp_timer_cb, svc);
	return (0);

fail:
	xasprintf(cause, "%s %s %s:%u: %s", svc->host,
	    serve_kind_name(svc->kind), ipv4_str(svc->ip, a), svc->port,
	    strerror(errno));
	return (-1);
}

/* TCP ------------------------------------------------------------------ */

static void
serve_accept_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_svc	*svc = arg;
	struct serve		*sv = svc->sv;
	struct serve_conn	*c;
	struct sockaddr_in	 sin;
	struct timeval		 idle = { SERVE_IDLE_S, 0 }, pause = { 1, 0 };
	socklen_t		 len;
	emu_time		 now;
	int			 i, s, one = 1;

	(void)what;
	for (i = 0; i < SERVE_BATCH; i++) {
		len = sizeof sin;
		s = accept4(fd, (struct sockaddr *)&sin, &len,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) {
				/* Out of descriptors: accept again in 1 s
				 * rather than spin on the pending one. */
				serve_log(sv, svc, 0, 0, "-", "-",
				    "refused:out-of-descriptors", 0);
				event_del(svc->ev);
				evtimer_add(svc->timer, &pause);
			}
			return;
		}
		if (sin.sin_family != AF_INET || sv->nconns >= SERVE_CONNS_MAX) {
			serve_log(sv, svc, ntohl(sin.sin_addr.s_addr),
			    ntohs(sin.sin_port), "-", "-",
			    "refused:too-many-connections", 0);
			close(s);
			continue;
		}
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		c = xcalloc(1, sizeof *c);
		c->sv = sv;
		c->svc = svc;
		c->peer_ip = ntohl(sin.sin_addr.s_addr);
		c->peer_port = ntohs(sin.sin_port);
		c->bev = bufferevent_socket_new(sv->base, s,
		    BEV_OPT_CLOSE_ON_FREE);
		c->wait = evtimer_new(sv->base, serve_conn_wait_cb, c);
		if (c->bev == NULL || c->wait == NULL)
			abort();	/* out of memory */
		now = serve_now(sv);
		if (svc->kind == SERVE_HTTPS)
			c->tc = ep_tls_accept(svc->ep.tls, c->peer_ip,
			    c->peer_port, now);
		else {
			c->hc = ep_http_accept(svc->ep.http, c->peer_ip,
			    c->peer_port, now);
			ep_http_conn_pull(c->hc);
		}
		TAILQ_INSERT_TAIL(&sv->conns, c, entry);
		sv->nconns++;
		bufferevent_setcb(c->bev, serve_conn_read_cb,
		    serve_conn_write_cb, serve_conn_event_cb, c);
		bufferevent_setwatermark(c->bev, EV_WRITE, SERVE_WBUF_MAX / 2,
		    0);
		bufferevent_set_timeouts(c->bev, &idle, &idle);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	}
}

static void
serve_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_svc	*svc = arg;

	(void)fd;
	(void)what;
	event_add(svc->ev, NULL);
}

static void
serve_conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct serve_conn	*c = arg;
	struct serve		*sv = c->sv;
	struct evbuffer		*in = bufferevent_get_input(bev);
	int			 n;

	while (!c->dead && !c->closing && (n = evbuffer_remove(in, sv->pkt,
	    SERVE_SEG)) > 0) {
		sv->cur = c;
		if (c->tc != NULL)
			ep_tls_input(c->svc->ep.tls, c->tc, sv->pkt, n,
			    serve_now(sv));
		else {
			ep_out_reset(&sv->out);	/* pulled: no actions */
			ep_http_input(c->svc->ep.http, c->hc, sv->pkt, n,
			    serve_now(sv), &sv->out);
		}
		sv->cur = NULL;
		serve_conn_pump(c);
	}
}

static void
serve_conn_write_cb(struct bufferevent *bev, void *arg)
{
	struct serve_conn	*c = arg;

	if (c->dead)
		return;
	if (c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
			serve_conn_kill(c, 0);
		return;
	}
	serve_conn_pump(c);
}

static void
serve_conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct serve_conn	*c = arg;
	struct serve		*sv = c->sv;
	size_t			 queued;

	if (c->dead)
		return;
	if (what & BEV_EVENT_TIMEOUT) {
		queued = evbuffer_get_length(bufferevent_get_output(bev));
		/* Reading idle while an answer is on its way: go on. */
		if ((what & BEV_EVENT_READING) && !c->eof &&
		    (queued > 0 || evtimer_pending(c->wait, NULL))) {
			bufferevent_enable(bev, EV_READ);
			return;
		}
		serve_conn_kill(c, 0);
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		serve_conn_kill(c, 0);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		c->eof = 1;
		sv->cur = c;
		if (c->tc != NULL)
			ep_tls_eof(c->svc->ep.tls, c->tc, serve_now(sv));
		else {
			ep_out_reset(&sv->out);
			ep_http_eof(c->svc->ep.http, c->hc, serve_now(sv),
			    &sv->out);
		}
		sv->cur = NULL;
		serve_conn_pump(c);
	}
}

static void
serve_conn_wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_conn	*c = arg;

	(void)fd;
	(void)what;
	if (!c->dead)
		serve_conn_pump(c);
}

/* Pull the endpoint's answer while the socket takes it. */
static void
serve_conn_pump(struct serve_conn *c)
{
	struct serve	*sv = c->sv;
	struct evbuffer	*o = bufferevent_get_output(c->bev);
	struct timeval	 tv;
	enum ep_pull	 r;
	emu_time	 now, at;

	while (!c->dead && !c->closing &&
	    evbuffer_get_length(o) < SERVE_WBUF_MAX) {
		now = serve_now(sv);
		at = now;
		dbuf_reset(&sv->seg);
		sv->cur = c;
		if (c->tc != NULL)
			r = ep_tls_pull(c->svc->ep.tls, c->tc, now, SERVE_SEG,
			    &sv->seg, &at);
		else
			r = ep_http_pull(c->svc->ep.http, c->hc, now,
			    SERVE_SEG, &sv->seg, &at);
		sv->cur = NULL;
		switch (r) {
		case EP_PULL_DATA:
			bufferevent_write(c->bev, sv->seg.data, sv->seg.len);
			break;
		case EP_PULL_WAIT:
			at = at > now ? at - now : 0;
			tv.tv_sec = at / 1000000;
			tv.tv_usec = at % 1000000;
			evtimer_add(c->wait, &tv);
			return;
		case EP_PULL_NONE:
			/* Nothing more will come for a client gone. */
			if (c->eof)
				serve_conn_close(c);
			return;
		case EP_PULL_CLOSE:
			serve_conn_close(c);
			return;
		case EP_PULL_RESET:
			serve_conn_kill(c, 1);
			return;
		}
	}
}

/* Close once what is queued is written. */
static void
serve_conn_close(struct serve_conn *c)
{
	c->closing = 1;
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		serve_conn_kill(c, 0);
		return;
	}
	bufferevent_disable(c->bev, EV_READ);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
}

/* The connection ends now (reset: an RST, not a FIN); freed on the next
 * loop turn, never inside a callback still running for it. */
static void
serve_conn_kill(struct serve_conn *c, int reset)
{
	struct serve	*sv = c->sv;
	struct linger	 lg = { 1, 0 };

	if (c->dead)
		return;
	c->dead = 1;
	if (reset)
		(void)setsockopt(bufferevent_getfd(c->bev), SOL_SOCKET,
		    SO_LINGER, &lg, sizeof lg);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	evtimer_del(c->wait);
	TAILQ_REMOVE(&sv->conns, c, entry);
	sv->nconns--;
	TAILQ_INSERT_TAIL(&sv->reap_conns, c, entry);
	event_active(sv->reap, EV_TIMEOUT, 0);
}

static void
serve_reap_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve		*sv = arg;
	struct serve_conn	*c;
	struct serve_tid	*t;

	(void)fd;
	(void)what;
	while ((c = TAILQ_FIRST(&sv->reap_conns)) != NULL) {
		TAILQ_REMOVE(&sv->reap_conns, c, entry);
		if (c->tc != NULL)
			ep_tls_conn_free(c->svc->ep.tls, c->tc);
		if (c->hc != NULL)
			ep_http_conn_free(c->svc->ep.http, c->hc);
		bufferevent_free(c->bev);
		event_free(c->wait);
		free(c);
	}
	while ((t = TAILQ_FIRST(&sv->reap_tids)) != NULL) {
		TAILQ_REMOVE(&sv->reap_tids, t, entry);
		event_free(t->ev);
		close(t->fd);
		sv->ntids--;
		free(t);
	}
}

/* UDP ------------------------------------------------------------------ */

static void
serve_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_svc	*svc = arg;
	struct serve		*sv = svc->sv;
	struct sockaddr_in	 sin;
	socklen_t		 len;
	ssize_t			 n;
	int			 i;

	(void)what;
	for (i = 0; i < SERVE_BATCH; i++) {
		len = sizeof sin;
		n = recvfrom(fd, sv->pkt, SERVE_DGRAM_MAX, 0,
		    (struct sockaddr *)&sin, &len);
		if (n < 0)
			return;
		if (sin.sin_family != AF_INET)
			continue;
		serve_dgram(svc, NULL, sv->pkt, n, ntohl(sin.sin_addr.s_addr),
		    ntohs(sin.sin_port));
	}
}

static void
serve_tid_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_tid	*t = arg;
	struct serve		*sv = t->svc->sv;
	struct sockaddr_in	 sin;
	socklen_t		 len;
	ssize_t			 n;
	int			 i;

	(void)what;
	for (i = 0; i < SERVE_BATCH && !t->dead; i++) {
		len = sizeof sin;
		n = recvfrom(fd, sv->pkt, SERVE_DGRAM_MAX, 0,
		    (struct sockaddr *)&sin, &len);
		if (n < 0)
			return;
		if (sin.sin_family != AF_INET)
			continue;
		serve_dgram(t->svc, t, sv->pkt, n, ntohl(sin.sin_addr.s_addr),
		    ntohs(sin.sin_port));
	}
}

/* A datagram to svc's port, or to one of its TFTP transfers (tid). */
static void
serve_dgram(struct serve_svc *svc, struct serve_tid *tid, const uint8_t *pkt,
    size_t len, uint32_t ip, uint16_t port)
{
	struct serve	*sv = svc->sv;
	emu_time	 now = serve_now(sv);

	ep_out_reset(&sv->out);
	sv->cur_ip = ip;
	sv->cur_port = port;
	switch (svc->kind) {
	case SERVE_TFTP:
		ep_tftp_input(svc->ep.tftp, pkt, len, ip, port,
		    tid != NULL ? tid->vport : svc->vport, now, &sv->out);
		serve_actions(svc, now);
		serve_tftp_sync(svc);
		break;
	case SERVE_DNS:
		serve_dns(svc, pkt, len, ip, port, now);
		break;
	case SERVE_DHCP:
		serve_dhcp(svc, pkt, len, ip, port, now);
		break;
	case SERVE_SYSLOG:
		serve_syslog(svc, pkt, len, ip, port, now);
		break;
	default:
		break;
	}
	sv->cur_ip = 0;
	sv->cur_port = 0;
}

static const char *
serve_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR",
		"SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED" };

	if (rcode >= 0 && (size_t)rcode < nitems(names))
		return (names[rcode]);
	return ("RCODE");
}

static const char *
serve_qtype_name(int qtype, char *buf, size_t size)
{
	switch (qtype) {
	case DNS_T_A:
		return ("A");
	case DNS_T_CNAME:
		return ("CNAME");
	case DNS_T_SRV:
		return ("SRV");
	}
	snprintf(buf, size, "TYPE%d", qtype);
	return (buf);
}

/* One query: "A prov.example.com NOERROR:1" (answers), bytes answered. */
static void
serve_dns(struct serve_svc *svc, const uint8_t *pkt, size_t len, uint32_t ip,
    uint16_t port, emu_time now)
{
	struct serve		*sv = svc->sv;
	struct dns_msg		*q, *a;
	const struct ep_act	*act;
	char			 t[16], outcome[32];
	const char		*method = "-", *name = "-";
	size_t			 bytes = 0;

	q = xmalloc(sizeof *q);
	a = xmalloc(sizeof *a);
	if (dns_parse(q, pkt, len, NULL) == 0 && q->has_question) {
		method = serve_qtype_name(q->qtype, t, sizeof t);
		name = q->qname;
	}
	ep_dns_input(svc->ep.dns, pkt, len, ip, port, svc->vip, now, &sv->out);
	pf_strlcpy(outcome, "no-answer", sizeof outcome);
	if (sv->out.n > 0) {
		act = &sv->out.act[0];
		bytes = act->len;
		if (dns_parse(a, ep_act_data(&sv->out, act), act->len,
		    NULL) == 0)
			snprintf(outcome, sizeof outcome, "%s:%zu",
			    serve_rcode_name(a->rcode), a->nan);
	}
	serve_log(sv, svc, ip, port, method, name, outcome, bytes);
	serve_actions(svc, now);
	free(q);
	free(a);
}

/*
 * One DHCP message: "DHCPDISCOVER 00562b000001 DHCPOFFER:10.1.0.3".
 * Only relayed ones (giaddr) and unicast renewals (ciaddr) reach the
 * endpoint: a client's broadcast is for a server on its own wire.
 */
static void
serve_dhcp(struct serve_svc *svc, const uint8_t *pkt, size_t len,
    uint32_t ip, uint16_t port, emu_time now)
{
	struct serve		*sv = svc->sv;
	struct dhcp_msg		*m = sv->dhcp;
	const struct ep_act	*act;
	char			 method[16], mac[33], outcome[40], a[16];
	size_t			 i, bytes = 0;

	if (dhcp_parse(m, pkt, len, NULL) != 0 || m->op != 1) {
		ep_dhcp_input(svc->ep.dhcp, pkt, len, ip, port, now, &sv->out);
		serve_log(sv, svc, ip, port, "-", "-", "malformed", 0);
		return;
	}
	pf_strlcpy(method, dhcp_type_name(dhcp_type(m)), sizeof method);
	mac[0] = '\0';
	for (i = 0; i < m->hlen && i < sizeof m->chaddr; i++)
		snprintf(mac + 2 * i, sizeof mac - 2 * i, "%02x",
		    m->chaddr[i]);
	if (mac[0] == '\0')
		pf_strlcpy(mac, "-", sizeof mac);
	if (m->giaddr == 0 && m->ciaddr == 0) {
		serve_log(sv, svc, ip, port, method, mac, "not-relayed", 0);
		return;
	}
	ep_dhcp_input(svc->ep.dhcp, pkt, len, ip, port, now, &sv->out);
	pf_strlcpy(outcome, "no-answer", sizeof outcome);
	if (sv->out.n > 0) {
		act = &sv->out.act[0];
		bytes = act->len;
		if (dhcp_parse(m, ep_act_data(&sv->out, act), act->len,
		    NULL) == 0)
			snprintf(outcome, sizeof outcome, "%s:%s",
			    dhcp_type_name(dhcp_type(m)),
			    ipv4_str(m->yiaddr, a));
	}
	serve_log(sv, svc, ip, port, method, mac, outcome, bytes);
	serve_actions(svc, now);
}

/* One syslog line (16.2): kept, as the collector of the simulation. */
static void
serve_syslog(struct serve_svc *svc, const uint8_t *pkt, size_t len,
    uint32_t ip, uint16_t port, emu_time now)
{
	struct serve	*sv = svc->sv;
	char		 text[SERVE_TEXT_MAX + 1];
	size_t		 n = len < SERVE_TEXT_MAX ? len : SERVE_TEXT_MAX;

	uint64_t	 dropped = ep_syslog_stats(svc->ep.syslog)->dropped;

	memcpy(text, pkt, n);
	text[n] = '\0';
	ep_syslog_input(svc->ep.syslog, pkt, len, ip, port, now);
	serve_log(sv, svc, ip, port, "LINE", text,
	    ep_syslog_stats(svc->ep.syslog)->dropped != dropped ?
	    "dropped:collector-full" : "kept", len);
}

/* Send the endpoint's datagrams (DATA, CLOSE, RESET are pulled). */
static void
serve_actions(struct serve_svc *svc, emu_time now)
{
	struct serve		*sv = svc->sv;
	struct serve_later	*l;
	struct serve_tid	*tid = NULL;
	const struct ep_act	*a;
	struct timeval		 tv;
	emu_time		 d;
	size_t			 i;

	for (i = 0; i < sv->out.n; i++) {
		a = &sv->out.act[i];
		if (a->type != EP_ACT_DGRAM)
			continue;
		/* A broadcast is for a client's wire, not ours to send. */
		if (a->dst_ip == SERVE_BROADCAST || a->dst_ip == 0)
			continue;
		tid = NULL;
		if (svc->kind == SERVE_TFTP && a->src_port != svc->vport &&
		    (tid = serve_tid_get(svc, a->src_port)) == NULL)
			continue;	/* no socket for it: as if lost */
		if (a->at <= now) {
			serve_send(svc, tid, a->dst_ip, a->dst_port,
			    ep_act_data(&sv->out, a), a->len);
			continue;
		}
		l = xcalloc(1, sizeof *l);
		l->svc = svc;
		l->tid = tid;
		if (tid != NULL)
			tid->pending++;
		l->ip = a->dst_ip;
		l->port = a->dst_port;
		l->len = a->len;
		l->data = xmalloc(a->len == 0 ? 1 : a->len);
		memcpy(l->data, ep_act_data(&sv->out, a), a->len);
		l->ev = evtimer_new(sv->base, serve_later_cb, l);
		if (l->ev == NULL)
			abort();	/* out of memory */
		TAILQ_INSERT_TAIL(&sv->later, l, entry);
		d = a->at - now;
		tv.tv_sec = d / 1000000;
		tv.tv_usec = d % 1000000;
		evtimer_add(l->ev, &tv);
	}
}

static void
serve_send(struct serve_svc *svc, struct serve_tid *tid, uint32_t ip,
    uint16_t port, const uint8_t *data, size_t len)
{
	struct sockaddr_in	sin;

	serve_sin(&sin, ip, port);
	/* A datagram the kernel does not take is lost, as on a wire. */
	(void)sendto(tid != NULL ? tid->fd : svc->fd, data, len, 0,
	    (struct sockaddr *)&sin, sizeof sin);
}

static void
serve_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_later	*l = arg;
	struct serve_svc	*svc = l->svc;

	(void)fd;
	(void)what;
	TAILQ_REMOVE(&svc->sv->later, l, entry);
	serve_send(svc, l->tid, l->ip, l->port, l->data, l->len);
	if (l->tid != NULL)
		l->tid->pending--;
	event_free(l->ev);
	free(l->data);
	free(l);
	if (svc->kind == SERVE_TFTP)
		serve_tftp_sync(svc);
}

/* The socket of TFTP transfer ID vport, opened on first use; or NULL. */
static struct serve_tid *
serve_tid_get(struct serve_svc *svc, uint16_t vport)
{
	struct serve		*sv = svc->sv;
	struct serve_tid	*t;
	struct sockaddr_in	 sin;
	int			 fd;

	TAILQ_FOREACH(t, &svc->tids, entry) {
		if (t->vport == vport)
			return (t);
	}
	if (sv->ntids >= SERVE_TIDS_MAX)
		return (NULL);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return (NULL);
	/* RFC 1350 4: a new port of the server's address per transfer. */
	serve_sin(&sin, svc->ip, 0);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
		close(fd);
		return (NULL);
	}
	t = xcalloc(1, sizeof *t);
	t->svc = svc;
	t->vport = vport;
	t->fd = fd;
	t->ev = event_new(sv->base, fd, EV_READ | EV_PERSIST, serve_tid_cb,
	    t);
	if (t->ev == NULL)
		abort();	/* out of memory */
	event_add(t->ev, NULL);
	TAILQ_INSERT_TAIL(&svc->tids, t, entry);
	sv->ntids++;
	return (t);
}

/* Close the sockets of finished transfers; arm the endpoint's deadline. */
static void
serve_tftp_sync(struct serve_svc *svc)
{
	struct serve		*sv = svc->sv;
	struct serve_tid	*t, *t1;
	struct timeval		 tv;
	emu_time		 now, at;

	TAILQ_FOREACH_SAFE(t, &svc->tids, entry, t1) {
		if (t->pending > 0 || ep_tftp_owns_port(svc->ep.tftp, t->vport))
			continue;
		TAILQ_REMOVE(&svc->tids, t, entry);
		t->dead = 1;
		event_del(t->ev);
		TAILQ_INSERT_TAIL(&sv->reap_tids, t, entry);
		event_active(sv->reap, EV_TIMEOUT, 0);
	}
	at = ep_tftp_deadline(svc->ep.tftp);
	if (at == EMU_TIME_NEVER) {
		evtimer_del(svc->timer);
		return;
	}
	now = serve_now(sv);
	at = at > now ? at - now : 0;
	tv.tv_sec = at / 1000000;
	tv.tv_usec = at % 1000000;
	evtimer_add(svc->timer, &tv);
}

static void
serve_tftp_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct serve_svc	*svc = arg;
	struct serve		*sv = svc->sv;
	emu_time		 now = serve_now(sv);

	(void)fd;
	(void)what;
	ep_out_reset(&sv->out);
	ep_tftp_timer(svc->ep.tftp, now, &sv->out);
	serve_actions(svc, now);
	serve_tftp_sync(svc);
}

/* The access log ------------------------------------------------------- */

static void
serve_http_observe(void *arg, const struct ep_request *req)
{
	struct serve		*sv = arg;
	struct serve_conn	*c = sv->cur;
	char			 status[16];

	if (c == NULL)
		return;
	if (req->status < 0)
		pf_strlcpy(status, "no-answer", sizeof status);
	else
		snprintf(status, sizeof status, "%d", req->status);
	serve_log(sv, c->svc, c->peer_ip, c->peer_port,
	    req->method != NULL ? req->method : "-",
	    req->target != NULL ? req->target : req->path, status,
	    req->resp_len);
}

static void
serve_tftp_observe(void *arg, const struct ep_request *req)
{
	struct serve_svc	*svc = arg;
	char			 status[24];

	if (req->status < 0)
		pf_strlcpy(status, "no-answer", sizeof status);
	else if (req->status == 0 && !req->error)
		pf_strlcpy(status, "ok", sizeof status);
	else
		snprintf(status, sizeof status, "error:%d", req->status);
	serve_log(svc->sv, svc, req->peer_ip, svc->sv->cur_port, "RRQ",
	    req->path, status, req->resp_len);
}

/*
 * "2026-12-02T16:14:09.123Z 127.0.0.1:53422 prov http GET /cfg/x.xml 200
 * 512": the wall time, the client, the service, what was asked, the
 * outcome, the bytes answered.  Peer text is escaped (%XX) and cut.
 */
static void
serve_log(struct serve *sv, const struct serve_svc *svc, uint32_t ip,
    uint16_t port, const char *method, const char *target,
    const char *outcome, uint64_t bytes)
{
	struct timespec	ts;
	struct tm	tm;
	char		when[32], a[16], m[64], t[SERVE_TEXT_MAX * 3 + 8];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	serve_escape(method, strlen(method), m, sizeof m);
	serve_escape(target, strlen(target), t, sizeof t);
	fprintf(sv->c.log, "%s.%03ldZ %s:%u %s %s %s %s %s %llu\n", when,
	    ts.tv_nsec / 1000000, ipv4_str(ip, a), port, svc->host,
	    serve_kind_name(svc->kind), m, t, outcome,
	    (unsigned long long)bytes);
	fflush(sv->c.log);
}

/* Printable ASCII but space and '%' as is, the rest %XX; "-" if empty. */
static void
serve_escape(const char *s, size_t len, char *buf, size_t size)
{
	static const char	 hex[] = "0123456789ABCDEF";
	size_t			 i, o = 0;
	unsigned char		 ch;

	if (len == 0) {
		pf_strlcpy(buf, "-", size);
		return;
	}
	for (i = 0; i < len && i < SERVE_TEXT_MAX && o + 4 < size; i++) {
		ch = (unsigned char)s[i];
		if (ch > ' ' && ch < 0x7f && ch != '%')
			buf[o++] = ch;
		else {
			buf[o++] = '%';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 0xf];
		}
	}
	if (i < len && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

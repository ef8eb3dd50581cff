/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A simulated HTTP forward proxy (spec 9.8 and 7.5, B112; RFC 9110 9.3.6,
 * RFC 9112 3.2.2): what a phone with Proxy_Mode=Manual talks to.  An
 * absolute-form request is forwarded in origin-form to the host it names
 * and the answer relayed back as it comes; CONNECT opens a tunnel through
 * which the phone's TLS runs end to end, so the phone still checks the
 * origin's certificate against the origin's name.  Optional Basic proxy
 * authentication (407, B48), a CONNECT port allow-list (403), and the
 * gateway errors of an upstream that is unknown, refuses or stays silent
 * (502, 504).
 *
 * One request per client connection; no caching, no keep-alive towards
 * either side, no TLS origination (an https absolute-form is 501), no
 * Digest.  Sans-I/O: the runtime feeds both sides' bytes and pulls what
 * each side is sent; the upstream leg is opened by the runtime when
 * ep_proxy_want() asks.  Every buffer is bounded (netsim.h EP_PROXY_*).
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netsim.h"

#define EP_PROXY_REALM "phonefleet"
#define EP_PROXY_VIA "Via: 1.1 phonefleet-proxy"
#define EP_PROXY_FWD_HDRS (HTTP_HDR_MAX + 4) /* forwarded lines */
#define EP_PROXY_STATUS_LEN 12               /* "HTTP/1.1 200" */

enum ep_proxy_state {
	EP_PROXY_ST_HEAD,    /* reading the request */
	EP_PROXY_ST_WANT,    /* the runtime is to open the upstream */
	EP_PROXY_ST_OPENING, /* ... and is opening it */
	EP_PROXY_ST_RELAY,   /* request forwarded, or tunnel open */
	EP_PROXY_ST_CLOSING, /* send what is queued, then close */
	EP_PROXY_ST_DONE     /* closed, reset, or the client left */
};

struct ep_proxy_conn {
	uint32_t peer_ip;
	uint16_t peer_port;
	enum ep_proxy_state state;
	struct http_msg req;
	int tunnel;                  /* CONNECT */
	char host[DNS_NAME_MAX + 1]; /* upstream */
	uint16_t port;
	uint32_t ip;
	struct dbuf to_client;
	struct dbuf to_up;
	int up_open;   /* leg connected, not closed */
	int up_close;  /* close the leg after to_up */
	int up_closed; /* ... said (pull_up CLOSE) */
	int reset;     /* reset, not close, the client */
	int observed;
	char sline[EP_PROXY_STATUS_LEN + 1];
	size_t nsline;
	size_t relayed;    /* upstream bytes to the client */
	emu_time deadline; /* EMU_TIME_NEVER if none */
	TAILQ_ENTRY(ep_proxy_conn) entry;
};
TAILQ_HEAD(ep_proxy_conns, ep_proxy_conn);

struct ep_proxy {
	char *user; /* NULL: no authentication */
	char *realm;
	char *basic; /* base64 of user:pass */
	uint16_t ports[EP_PROXY_PORTS_MAX];
	int nports;
	emu_time connect_timeout;
	struct ep_dns *dns; /* borrowed */
	ep_proxy_resolve_cb resolve;
	void *resolve_arg; /* borrowed */
	ep_observe_cb cb;
	void *cb_arg;
	struct ep_proxy_conns conns;
	struct ep_proxy_stats stats;
};

static void ep_proxy_enter(struct ep_proxy_conn *, enum ep_proxy_state);
static void ep_proxy_request(struct ep_proxy *, struct ep_proxy_conn *,
    emu_time);
static int ep_proxy_authority(const char *, size_t, char *, uint16_t *, int);
static int ep_proxy_auth_ok(const struct ep_proxy *,
    const struct ep_proxy_conn *);
static int ep_proxy_port_ok(const struct ep_proxy *, uint16_t);
static int ep_proxy_resolve(struct ep_proxy *, const char *, uint32_t *);
static void ep_proxy_forward(struct ep_proxy_conn *, const char *,
    const char *);
static int ep_proxy_hop_by_hop(const struct http_msg *, const char *);
static void ep_proxy_answer(struct ep_proxy *, struct ep_proxy_conn *, int,
    emu_time);
static void ep_proxy_fail(struct ep_proxy *, struct ep_proxy_conn *, emu_time);
static void ep_proxy_observe_req(struct ep_proxy *, struct ep_proxy_conn *, int,
    emu_time);

/* Hop-by-hop fields (RFC 9110 7.6.1) and the proxy's own: not forwarded. */
static const char *const ep_proxy_hop[] = { "Connection", "Keep-Alive",
	"Proxy-Authorization", "Proxy-Connection", "Proxy-Authenticate", "TE",
	"Trailer", "Transfer-Encoding", "Upgrade", "Content-Length" };

struct ep_proxy *
ep_proxy_create(const struct ep_proxy_conf *c)
{
	struct ep_proxy *px;
	char *pair;
	int i;

	px = xcalloc(1, sizeof *px);
	if (c->user != NULL) {
		px->user = xstrdup(c->user);
		xasprintf(&pair, "%s:%s", c->user,
		    c->pass != NULL ? c->pass : "");
		px->basic = http_base64(pair, strlen(pair));
		free(pair);
	}
	px->realm = xstrdup(c->realm != NULL ? c->realm : EP_PROXY_REALM);
	for (i = 0; i < c->nconnect_ports && i < EP_PROXY_PORTS_MAX; i++)
		px->ports[px->nports++] = c->connect_ports[i];
	px->connect_timeout = c->connect_timeout != 0
	    ? c->connect_timeout
	    : EMU_SEC(EP_PROXY_CONNECT_S);
	px->dns = c->dns;
	TAILQ_INIT(&px->conns);
	return (px);
}

void
ep_proxy_free(struct ep_proxy *px)
{
	struct ep_proxy_conn *c, *c1;

	if (px == NULL)
		return;
	TAILQ_FOREACH_SAFE(c, &px->conns, entry, c1)
		ep_proxy_conn_free(px, c);
	free(px->user);
	free(px->realm);
	free(px->basic);
	free(px);
}

void
ep_proxy_observe(struct ep_proxy *px, ep_observe_cb cb, void *arg)
{
	px->cb = cb;
	px->cb_arg = arg;
}

void
ep_proxy_set_resolver(struct ep_proxy *px, ep_proxy_resolve_cb cb, void *arg)
{
	px->resolve = cb;
	px->resolve_arg = arg;
}

const struct ep_proxy_stats *
ep_proxy_stats(const struct ep_proxy *px)
{
	return (&px->stats);
}

struct ep_proxy_conn *
ep_proxy_accept(struct ep_proxy *px, uint32_t peer_ip, uint16_t peer_port,
    emu_time now)
{
	struct ep_proxy_conn *c;

	c = xcalloc(1, sizeof *c);
	c->peer_ip = peer_ip;
	c->peer_port = peer_port;
	c->state = EP_PROXY_ST_HEAD;
	http_msg_init(&c->req, 1, EP_PROXY_BODY_MAX);
	dbuf_init(&c->to_client);
	dbuf_init(&c->to_up);
	/* A client that never finishes its request is sent away. */
	c->deadline = EMU_TIME_ADD(now, EMU_SEC(EP_PROXY_HEAD_S));
	TAILQ_INSERT_TAIL(&px->conns, c, entry);
	px->stats.conns++;
	return (c);
}

void
ep_proxy_conn_free(struct ep_proxy *px, struct ep_proxy_conn *c)
{
	if (c == NULL)
		return;
	TAILQ_REMOVE(&px->conns, c, entry);
	http_msg_clear(&c->req);
	dbuf_clear(&c->to_client);
	dbuf_clear(&c->to_up);
	free(c);
}

/* Bytes from the client: the request, or tunnel data. */
void
ep_proxy_input(struct ep_proxy *px, struct ep_proxy_conn *c,
    const uint8_t *data, size_t len, emu_time now)
{
	char *cause = NULL;
	int rc;

	switch (c->state) {
	case EP_PROXY_ST_HEAD:
		rc = http_msg_feed(&c->req, data, len, &cause);
		free(cause);
		switch (rc) {
		case HTTP_MORE:
			return;
		case HTTP_ERROR:
			ep_proxy_answer(px, c, 400, now);
			return;
		case HTTP_TOOBIG:
			ep_proxy_answer(px, c, c->req.head_done ? 413 : 431,
			    now);
			return;
		}
		ep_proxy_request(px, c, now);
		return;
	case EP_PROXY_ST_WANT:
	case EP_PROXY_ST_OPENING:
	case EP_PROXY_ST_RELAY:
		/* One request per connection: only a tunnel carries more. */
		if (!c->tunnel || c->up_close)
			return;
		if (c->to_up.len + len > EP_PROXY_BUF_MAX) {
			c->reset = 1;
			ep_proxy_fail(px, c, now);
			return;
		}
		dbuf_add(&c->to_up, data, len);
		return;
	case EP_PROXY_ST_CLOSING:
	case EP_PROXY_ST_DONE:
		return;
	}
}

/* The client closed: nothing more goes to it; the leg closes too. */
void
ep_proxy_eof(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now)
{
	if (c->state == EP_PROXY_ST_DONE)
		return;
	if (c->req.head_done && !c->observed)
		ep_proxy_observe_req(px, c, -1, now);
	c->observed = 1;
	dbuf_reset(&c->to_client);
	c->up_close = 1;
	c->deadline = EMU_TIME_NEVER;
	ep_proxy_enter(c, EP_PROXY_ST_DONE);
}

enum ep_pull
ep_proxy_pull(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now,
    size_t max, struct dbuf *out, emu_time *at)
{
	size_t n;

	if (c->state == EP_PROXY_ST_DONE)
		return (EP_PULL_NONE);
	if (c->deadline != EMU_TIME_NEVER && now >= c->deadline) {
		c->deadline = EMU_TIME_NEVER;
		switch (c->state) {
		case EP_PROXY_ST_HEAD:
			ep_proxy_answer(px, c, 408, now);
			break;
		case EP_PROXY_ST_WANT:
		case EP_PROXY_ST_OPENING:
		case EP_PROXY_ST_RELAY:
			/* No connection, or no answer, in time. */
			ep_proxy_answer(px, c, 504, now);
			break;
		default:
			break;
		}
	}
	if (c->to_client.len > 0) {
		n = c->to_client.len < max ? c->to_client.len : max;
		dbuf_add(out, c->to_client.data, n);
		dbuf_consume(&c->to_client, n);
		return (EP_PULL_DATA);
	}
	if (c->state == EP_PROXY_ST_CLOSING) {
		ep_proxy_enter(c, EP_PROXY_ST_DONE);
		c->up_close = 1;
		return (c->reset ? EP_PULL_RESET : EP_PULL_CLOSE);
	}
	if (c->deadline != EMU_TIME_NEVER) {
		*at = c->deadline;
		return (EP_PULL_WAIT);
	}
	return (EP_PULL_NONE);
}

/* Once per request: the upstream to open, when its turn has come. */
enum ep_proxy_want
ep_proxy_want(struct ep_proxy *px, struct ep_proxy_conn *c, uint32_t *ip,
    uint16_t *port)
{
	(void)px;
	if (c->state != EP_PROXY_ST_WANT)
		return (EP_PROXY_WANT_NONE);
	*ip = c->ip;
	*port = c->port;
	ep_proxy_enter(c, EP_PROXY_ST_OPENING);
	return (EP_PROXY_WANT_OPEN);
}

void
ep_proxy_up_connected(struct ep_proxy *px, struct ep_proxy_conn *c,
    emu_time now)
{
	static const char established[] =
	    "HTTP/1.1 200 Connection established\r\n\r\n";

	if (c->state != EP_PROXY_ST_OPENING)
		return;
	c->up_open = 1;
	ep_proxy_enter(c, EP_PROXY_ST_RELAY);
	if (c->tunnel) {
		/* RFC 9110 9.3.6: 2xx, then the tunnel. */
		dbuf_add(&c->to_client, established, sizeof established - 1);
		px->stats.connects++;
		ep_proxy_observe_req(px, c, 200, now);
		c->deadline = EMU_TIME_NEVER;
		return;
	}
	px->stats.requests++;
	c->deadline = EMU_TIME_ADD(now, EMU_SEC(EP_PROXY_IDLE_S));
}

void
ep_proxy_up_input(struct ep_proxy *px, struct ep_proxy_conn *c,
    const uint8_t *data, size_t len, emu_time now)
{
	size_t n;

	if (c->state != EP_PROXY_ST_RELAY || !c->up_open)
		return;
	if (c->to_client.len + len > EP_PROXY_BUF_MAX) {
		/* The runtime ignored ep_proxy_room. */
		c->reset = 1;
		ep_proxy_fail(px, c, now);
		return;
	}
	dbuf_add(&c->to_client, data, len);
	c->relayed += len;
	px->stats.bytes_down += len;
	if (c->tunnel)
		return;
	c->deadline = EMU_TIME_NEVER;
	if (c->observed)
		return;
	/* The status, for the observer: "HTTP/1.x NNN". */
	n = EP_PROXY_STATUS_LEN - c->nsline;
	if (n > len)
		n = len;
	memcpy(c->sline + c->nsline, data, n);
	c->nsline += n;
	c->sline[c->nsline] = '\0';
	if (c->nsline < EP_PROXY_STATUS_LEN)
		return;
	/* A status is three digits, 100-999 (RFC 9110 15); else none. */
	if (strncmp(c->sline, "HTTP/1.", 7) == 0 && c->sline[8] == ' ' &&
	    c->sline[9] >= '1' && c->sline[9] <= '9' &&
	    isdigit((unsigned char)c->sline[10]) &&
	    isdigit((unsigned char)c->sline[11]))
		ep_proxy_observe_req(px, c, atoi(c->sline + 9), now);
	else
		ep_proxy_observe_req(px, c, 0, now);
}

/* The upstream closed: the client gets the rest, then a close. */
void
ep_proxy_up_eof(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now)
{
	c->up_open = 0;
	c->up_close = 1;
	switch (c->state) {
	case EP_PROXY_ST_OPENING:
		ep_proxy_fail(px, c, now);
		break;
	case EP_PROXY_ST_RELAY:
		if (!c->tunnel && c->relayed == 0) {
			/* Closed without an answer. */
			ep_proxy_fail(px, c, now);
			break;
		}
		if (!c->observed)
			ep_proxy_observe_req(px, c, 0, now);
		c->deadline = EMU_TIME_NEVER;
		ep_proxy_enter(c, EP_PROXY_ST_CLOSING);
		break;
	default:
		break;
	}
}

void
ep_proxy_up_error(struct ep_proxy *px, struct ep_proxy_conn *c, int refused,
    emu_time now)
{
	c->up_open = 0;
	c->up_close = 1;
	if (c->state != EP_PROXY_ST_OPENING && c->state != EP_PROXY_ST_RELAY)
		return;
	/* An answer half relayed cannot become a 502: reset instead. */
	if (!refused && c->relayed > 0)
		c->reset = 1;
	ep_proxy_fail(px, c, now);
}

enum ep_pull
ep_proxy_pull_up(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now,
    size_t max, struct dbuf *out)
{
	size_t n;

	(void)now;
	if (c->up_closed)
		return (EP_PULL_NONE);
	if (c->up_open && c->to_up.len > 0 && c->state != EP_PROXY_ST_DONE) {
		n = c->to_up.len < max ? c->to_up.len : max;
		dbuf_add(out, c->to_up.data, n);
		dbuf_consume(&c->to_up, n);
		px->stats.bytes_up += n;
		return (EP_PULL_DATA);
	}
	if (c->up_close) {
		c->up_closed = 1;
		c->up_open = 0;
		return (EP_PULL_CLOSE);
	}
	return (EP_PULL_NONE);
}

size_t
ep_proxy_room(const struct ep_proxy *px, const struct ep_proxy_conn *c)
{
	(void)px;
	if (c->to_client.len >= EP_PROXY_WINDOW)
		return (0);
	return (EP_PROXY_WINDOW - c->to_client.len);
}

static void
ep_proxy_enter(struct ep_proxy_conn *c, enum ep_proxy_state st)
{
	c->state = st;
}

/* A complete request head (and body) in c->req. */
static void
ep_proxy_request(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now)
{
	const char *t = c->req.target, *p = NULL, *path = NULL;
	uint8_t *rest;
	size_t n, nrest;

	c->deadline = EMU_TIME_NEVER;
	if (strcmp(c->req.method, "CONNECT") == 0) {
		/* RFC 9112 3.2.3: authority-form, the port is required. */
		c->tunnel = 1;
		if (ep_proxy_authority(t, strlen(t), c->host, &c->port, 0) !=
		    0) {
			ep_proxy_answer(px, c, 400, now);
			return;
		}
	} else {
		/* 9.8: absolute-form (RFC 9112 3.2.2); only http. */
		if ((p = strstr(t, "://")) == NULL ||
		    strcspn(t, "/?#") < (size_t)(p - t)) {
			ep_proxy_answer(px, c, 400, now);
			return;
		}
		if ((size_t)(p - t) != 4 || strncasecmp(t, "http", 4) != 0) {
			ep_proxy_answer(px, c, 501, now);
			return;
		}
		p += 3;
		n = strcspn(p, "/?#");
		if (ep_proxy_authority(p, n, c->host, &c->port, 80) != 0) {
			ep_proxy_answer(px, c, 400, now);
			return;
		}
		path = p + n;
	}
	if (px->user != NULL && !ep_proxy_auth_ok(px, c)) {
		ep_proxy_answer(px, c, 407, now); /* B112, B48 */
		return;
	}
	if (c->tunnel && !ep_proxy_port_ok(px, c->port)) {
		ep_proxy_answer(px, c, 403, now);
		return;
	}
	if (ep_proxy_resolve(px, c->host, &c->ip) != 0) {
		ep_proxy_answer(px, c, 502, now);
		return;
	}
	if (c->tunnel) {
		/* Bytes sent after the head already belong to the tunnel. */
		rest = dbuf_steal(&c->req.in, &nrest);
		if (nrest > EP_PROXY_BUF_MAX) {
			/* As ep_proxy_input: over the cap, a reset. */
			free(rest);
			c->reset = 1;
			ep_proxy_fail(px, c, now);
			return;
		}
		if (nrest > 0)
			dbuf_add(&c->to_up, rest, nrest);
		free(rest);
	} else
		ep_proxy_forward(c, p, path);
	c->deadline = EMU_TIME_ADD(now, px->connect_timeout);
	ep_proxy_enter(c, EP_PROXY_ST_WANT);
}

/*
 * host[:port] from s (len bytes) into host (DNS_NAME_MAX + 1); no port:
 * def, or an error when def is 0.  Letters, digits, '-', '_' and '.'.
 */
static int
ep_proxy_authority(const char *s, size_t len, char *host, uint16_t *port,
    int def)
{
	const char *colon;
	char num[8];
	uint64_t v;
	size_t hlen, i;

	colon = memchr(s, ':', len);
	hlen = colon != NULL ? (size_t)(colon - s) : len;
	if (hlen == 0 || hlen > DNS_NAME_MAX)
		return (-1);
	for (i = 0; i < hlen; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return (-1);
	}
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (colon == NULL) {
		if (def == 0)
			return (-1);
		*port = def;
		return (0);
	}
	if (len - hlen - 1 == 0 || len - hlen - 1 >= sizeof num)
		return (-1);
	memcpy(num, colon + 1, len - hlen - 1);
	num[len - hlen - 1] = '\0';
	if (parse_uint(num, 1, 65535, &v, NULL) != 0)
		return (-1);
	*port = v;
	return (0);
}

/* Proxy-Authorization: Basic with the configured pair (RFC 7617). */
static int
ep_proxy_auth_ok(const struct ep_proxy *px, const struct ep_proxy_conn *c)
{
	const char *v;
	size_t n;

	if ((v = http_msg_header(&c->req, "Proxy-Authorization")) == NULL)
		return (0);
	v += strspn(v, " \t");
	n = strcspn(v, " \t");
	if (n != 5 || strncasecmp(v, "Basic", 5) != 0)
		return (0);
	v += n;
	v += strspn(v, " \t");
	n = strcspn(v, " \t");
	return (strlen(px->basic) == n && strncmp(v, px->basic, n) == 0 &&
	    v[n + strspn(v + n, " \t")] == '\0');
}

static int
ep_proxy_port_ok(const struct ep_proxy *px, uint16_t port)
{
	int i;

	if (px->nports == 0)
		return (1);
	for (i = 0; i < px->nports; i++) {
		if (px->ports[i] == port)
			return (1);
	}
	return (0);
}

static int
ep_proxy_resolve(struct ep_proxy *px, const char *host, uint32_t *ip)
{
	if (ipv4_parse(host, ip) == 0)
		return (0);
	if (px->resolve != NULL && px->resolve(px->resolve_arg, host, ip) == 0)
		return (0);
	if (px->dns != NULL && ep_dns_lookup_a(px->dns, host, ip) == 0)
		return (0);
	return (-1);
}

/*
 * The request in origin-form for the upstream, into c->to_up: the
 * client's end-to-end fields, Host if it had none, Via, and a close.
 */
static void
ep_proxy_forward(struct ep_proxy_conn *c, const char *authority,
    const char *path)
{
	const struct http_msg *m = &c->req;
	const char *hdrs[EP_PROXY_FWD_HDRS + 1];
	char *own[EP_PROXY_FWD_HDRS];
	char *target;
	size_t i, n = 0, nown = 0;

	for (i = 0; i < m->nhdr && n < EP_PROXY_FWD_HDRS - 3; i++) {
		if (ep_proxy_hop_by_hop(m, m->hdr[i].name))
			continue;
		xasprintf(&own[nown], "%s: %s", m->hdr[i].name,
		    m->hdr[i].value);
		hdrs[n++] = own[nown++];
	}
	if (http_msg_header(m, "Host") == NULL) {
		xasprintf(&own[nown], "Host: %.*s", (int)(path - authority),
		    authority);
		hdrs[n++] = own[nown++];
	}
	hdrs[n++] = EP_PROXY_VIA; /* RFC 9110 7.6.3 */
	hdrs[n++] = "Connection: close";
	hdrs[n] = NULL;
	if (*path == '/')
		xasprintf(&target, "%.*s", (int)strcspn(path, "#"), path);
	else
		xasprintf(&target, "/%.*s", (int)strcspn(path, "#"), path);
	http_request_write(&c->to_up, m->method, target, hdrs,
	    m->body.len != 0 ? m->body.data : NULL, m->body.len);
	free(target);
	for (i = 0; i < nown; i++)
		free(own[i]);
}

/* Is name a field that stops at the proxy? */
static int
ep_proxy_hop_by_hop(const struct http_msg *m, const char *name)
{
	const char *conn;
	size_t i;

	for (i = 0; i < sizeof ep_proxy_hop / sizeof ep_proxy_hop[0]; i++) {
		if (pf_strcasecmp_ascii(name, ep_proxy_hop[i]) == 0)
			return (1);
	}
	/* Fields the client's Connection names are hop-by-hop too. */
	conn = http_msg_header(m, "Connection");
	return (conn != NULL && http_has_token(conn, name));
}

/* The proxy answers itself, then closes; the leg, if any, closes too. */
static void
ep_proxy_answer(struct ep_proxy *px, struct ep_proxy_conn *c, int status,
    emu_time now)
{
	const char *hdrs[5];
	const char *reason = http_reason(status);
	char *chal = NULL, *body;
	int n = 0, len;

	hdrs[n++] = "Server: phonefleet-proxy";
	hdrs[n++] = "Content-Type: text/html";
	if (status == 407) {
		xasprintf(&chal, "Proxy-Authenticate: Basic realm=\"%s\"",
		    px->realm);
		hdrs[n++] = chal;
		px->stats.auth_required++;
	} else if (status == 403)
		px->stats.forbidden++;
	else if (status == 502 || status == 504)
		px->stats.errors++;
	else
		px->stats.bad++;
	hdrs[n++] = "Connection: close";
	hdrs[n] = NULL;
	len = xasprintf(&body,
	    "<html><head><title>%d %s</title></head>"
	    "<body><h1>%d %s</h1></body></html>\n",
	    status, reason, status, reason);
	dbuf_reset(&c->to_client);
	http_response_write(&c->to_client, 1, status, NULL, hdrs, body, len, 0);
	free(body);
	free(chal);
	ep_proxy_observe_req(px, c, status, now);
	c->up_close = 1;
	c->deadline = EMU_TIME_NEVER;
	ep_proxy_enter(c, EP_PROXY_ST_CLOSING);
}

/* The upstream failed: 502 while nothing was relayed, else a reset. */
static void
ep_proxy_fail(struct ep_proxy *px, struct ep_proxy_conn *c, emu_time now)
{
	if (!c->reset && c->relayed == 0 &&
	    (!c->tunnel || c->state != EP_PROXY_ST_RELAY)) {
		ep_proxy_answer(px, c, 502, now);
		return;
	}
	px->stats.errors++;
	if (!c->observed)
		ep_proxy_observe_req(px, c, -1, now);
	c->reset = 1;
	dbuf_reset(&c->to_client);
	c->up_close = 1;
	c->deadline = EMU_TIME_NEVER;
	ep_proxy_enter(c, EP_PROXY_ST_CLOSING);
}

/* status: the answer's, or -1 when there was none. */
static void
ep_proxy_observe_req(struct ep_proxy *px, struct ep_proxy_conn *c, int status,
    emu_time now)
{
	struct ep_request q;
	const struct http_msg *m = &c->req;

	if (c->observed)
		return;
	c->observed = 1;
	if (px->cb == NULL)
		return;
	memset(&q, 0, sizeof q);
	q.proto = "proxy";
	q.peer_ip = c->peer_ip;
	q.method = m->method;
	q.path = m->target != NULL ? m->target : "";
	q.target = q.path;
	q.user_agent = http_msg_header(m, "User-Agent");
	q.authorization = http_msg_header(m, "Proxy-Authorization");
	q.http = m;		/* any header, for the observer */
	q.body = m->body.data;
	q.body_len = m->body.len;
	q.status = status;
	q.now = now;
	px->cb(px->cb_arg, &q);
}

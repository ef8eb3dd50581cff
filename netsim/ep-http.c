/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The provisioning server's HTTP side: HTTP/1.1 (RFC 9112) over one
 * connection at a time as the runtime hands it bytes, with keep-alive and
 * pipelining, serving the store's files as text/xml.  Faults (STYLE.md 9)
 * produce every case of the phone's response table (spec 9.2-9.5): any
 * status, redirects, Basic and Digest MD5 challenges (RFC 7617, RFC 7616;
 * 401 or 407), silence, late answers, truncated bodies, resets, chunked
 * framing on HTTP/1.0 (B52), close-delimited bodies (B51), a status with
 * its own body and headers (Retry-After, Content-Encoding), credentials
 * refused a number of times before they are taken, and bodies trickled at
 * a few bytes per second.
 *
 * PUT and POST to the store's upload paths are uploads (spec 16.4 report
 * servers): the body is kept in the store and answered as a real server
 * does, 201 Created for a new PUT, 204 No Content for a PUT replacing
 * one, 200 for a POST; PUT anywhere else is 405.  Faults come first, so an
 * upload path can answer 500 or never answer.
 *
 * Not here: TLS (the runtime wraps the connection), Range, conditional
 * requests, compression.  Sans-I/O: bytes
 * and time in, struct ep_out actions out; the clock never moves here, a
 * delayed answer is an action stamped with a later time.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "netsim.h"

#define EP_HTTP_HDRS 8 /* extra header lines in one response */
#define EP_HTTP_REALM "phonefleet"
#define EP_HTTP_AUTH_MAX 1024 /* one Digest parameter */
#define EP_HTTP_TRICKLE_STEPS 10 /* a trickled body moves 10 times a second */

/* What a connection has to send, in order (see ep_http_pull). */
enum ep_q_type {
	EP_Q_DATA,
	EP_Q_CLOSE,
	EP_Q_RESET
};
struct ep_qitem {
	enum ep_q_type type;
	emu_time at;        /* not before this */
	uint8_t *own;       /* owned bytes, or NULL */
	const uint8_t *ref; /* borrowed: a store file or a fault's body */
	size_t len, off;
	uint32_t resp; /* the answer it belongs to */
	size_t chunk;  /* trickle: bytes per step, 0 = all at once */
	emu_time gap;  /* trickle: time between steps */
	TAILQ_ENTRY(ep_qitem) entry;
};
TAILQ_HEAD(ep_queue, ep_qitem);

struct ep_conn {
	uint32_t peer_ip;
	uint16_t peer_port;
	struct http_msg req; /* the request being read */
	emu_time ready_at;   /* no action before this: keeps answers in order */
	int dropped;         /* DROP: never answers again */
	int closed;          /* CLOSE or RESET queued */
	int pull;            /* the runtime pulls the queue (ep_http_pull) */
	uint32_t resp_seq;   /* answers queued */
	char *tls_subject;   /* owned; NULL: plain HTTP */
	struct ep_queue outq;
	TAILQ_ENTRY(ep_conn) entry;
};
TAILQ_HEAD(ep_conns, ep_conn);

struct ep_http {
	struct store *st; /* borrowed */
	ep_observe_cb cb;
	void *cb_arg;
	ep_http_handler_cb handler; /* answers before the store, or NULL */
	void *handler_arg;
	struct ep_fault *fault;
	int *fault_count; /* count each fault was added with */
	size_t nfault;
	struct ep_conns conns;
	struct hmap rejects; /* (fault, client) -> times refused, owned */
	struct ep_http_stats stats;
};

/* AUTH reject=: how often a client's right credentials were refused. */
struct ep_http_reject {
	struct {
		uint32_t fault;
		uint32_t ip;
	} key;
	int n;
};

/* A response being built. */
struct ep_http_resp {
	int status;
	int version_minor;
	int framing;             /* 0 Content-Length, 1 chunked, -1 to EOF */
	const char *type;        /* Content-Type */
	char *hdr[EP_HTTP_HDRS]; /* owned */
	size_t nhdr;
	struct dbuf body;
	const uint8_t *ref;      /* body borrowed instead of body, or NULL */
	size_t ref_len;
	struct dbuf tmp;         /* a template's expansion */
	int close;
	int truncate;
	uint32_t rate; /* trickle: body bytes per second, 0 = at once */
	emu_time at;
};

static void ep_http_request(struct ep_http *, struct ep_conn *, emu_time,
    struct ep_out *);
static void ep_http_bad(struct ep_http *, struct ep_conn *, int, emu_time,
    struct ep_out *);
static struct ep_fault *ep_http_fault(struct ep_http *, const char *,
    const char *);
static const char *ep_http_origin(const char *);
static char *ep_http_path(const char *);
static void ep_http_observe_req(struct ep_http *, struct ep_conn *,
    const char *, int, emu_time);
static void ep_http_resp_init(struct ep_http_resp *, emu_time);
static void ep_http_resp_clear(struct ep_http_resp *);
static void ep_http_resp_hdr(struct ep_http_resp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void ep_http_page(struct ep_http_resp *, int);
static void ep_http_serve(struct ep_http *, struct ep_conn *,
    struct ep_http_resp *, const char *, emu_time);
static void ep_http_upload(struct ep_http *, struct ep_conn *,
    struct ep_http_resp *, const char *, emu_time);
static void ep_http_challenge(struct ep_http_resp *, const struct ep_conn *,
    const struct ep_fault *);
static int ep_http_auth_ok(const struct ep_conn *, const struct ep_fault *);
static int ep_http_auth_refuse(struct ep_http *, const struct ep_conn *,
    const struct ep_fault *);
static void ep_http_fault_hdrs(struct ep_http_resp *, const struct ep_fault *);
static void ep_http_trickle(struct ep_conn *, struct ep_qitem *, uint32_t);
static int ep_http_digest_ok(const struct ep_conn *, const struct ep_fault *,
    const char *);
static void ep_http_nonce(const struct ep_conn *, const char *, char *);
static void ep_http_md5_hex(char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void ep_http_send(struct ep_http *, struct ep_conn *,
    struct ep_http_resp *, int, struct ep_out *);
static char *ep_http_vfmt(const char *, va_list);
static void ep_http_enqueue(struct ep_conn *, enum ep_q_type, emu_time,
    const uint8_t *, size_t, int);
static void ep_http_drain(struct ep_conn *, struct ep_out *);
static void ep_http_qitem_free(struct ep_conn *, struct ep_qitem *);

/* st is borrowed and must outlive h. */
struct ep_http *
ep_http_create(struct store *st)
{
	struct ep_http *h;

	h = xcalloc(1, sizeof *h);
	h->st = st;
	TAILQ_INIT(&h->conns);
	hmap_init(&h->rejects);
	return (h);
}

/* Frees h with its faults and the connections still open. */
void
ep_http_free(struct ep_http *h)
{
	struct ep_conn *c, *c1;
	struct ep_http_reject *rj;
	size_t i, pos = 0;

	if (h == NULL)
		return;
	TAILQ_FOREACH_SAFE(c, &h->conns, entry, c1)
		ep_http_conn_free(h, c);
	while ((rj = hmap_next(&h->rejects, &pos)) != NULL)
		free(rj);
	hmap_clear(&h->rejects);
	for (i = 0; i < h->nfault; i++)
		ep_fault_clear(&h->fault[i]);
	free(h->fault);
	free(h->fault_count);
	free(h);
}

void
ep_http_observe(struct ep_http *h, ep_observe_cb cb, void *arg)
{
	h->cb = cb;
	h->cb_arg = arg;
}

/*
 * A dynamic answer (the cloud services): cb sees every request that no
 * fault answered on its own, before the store; NULL removes it.
 */
void
ep_http_set_handler(struct ep_http *h, ep_http_handler_cb cb, void *arg)
{
	h->handler = cb;
	h->handler_arg = arg;
}

/* f is copied.  A count of 0 means always, like -1. */
int
ep_http_fault_add(struct ep_http *h, const struct ep_fault *f)
{
	h->fault = xreallocarray(h->fault, h->nfault + 1, sizeof *h->fault);
	h->fault_count = xreallocarray(h->fault_count, h->nfault + 1,
	    sizeof *h->fault_count);
	ep_fault_copy(&h->fault[h->nfault], f);
	if (f->count == 0)
		h->fault[h->nfault].count = -1;
	h->fault_count[h->nfault] = h->fault[h->nfault].count;
	h->nfault++;
	return (0);
}

/* Switch every fault called name; switching on restores its count. */
int
ep_http_fault_enable(struct ep_http *h, const char *name, int on)
{
	size_t i;
	int found = 0;

	for (i = 0; i < h->nfault; i++) {
		if (h->fault[i].name == NULL ||
		    strcmp(h->fault[i].name, name) != 0)
			continue;
		h->fault[i].active = on;
		if (on)
			h->fault[i].count = h->fault_count[i];
		found = 1;
	}
	return (found ? 0 : -1);
}

/* A new connection from the peer; h owns it until ep_http_conn_free. */
struct ep_conn *
ep_http_accept(struct ep_http *h, uint32_t peer_ip, uint16_t peer_port,
    emu_time now)
{
	struct ep_conn *c;

	c = xcalloc(1, sizeof *c);
	c->peer_ip = peer_ip;
	c->peer_port = peer_port;
	c->ready_at = now;
	TAILQ_INIT(&c->outq);
	http_msg_init(&c->req, 1, HTTP_BODY_MAX);
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->stats.conns++;
	return (c);
}

/*
 * Bytes from the peer.  Every complete request is answered in order, each
 * answer's actions stamped no earlier than the one before.
 */
void
ep_http_input(struct ep_http *h, struct ep_conn *c, const uint8_t *data,
    size_t len, emu_time now, struct ep_out *out)
{
	uint8_t *rest;
	size_t nrest;
	char *cause = NULL;
	int rc;

	if (c->closed || c->dropped)
		return;
	rc = http_msg_feed(&c->req, data, len, &cause);
	for (;;) {
		free(cause);
		cause = NULL;
		switch (rc) {
		case HTTP_MORE:
			ep_http_drain(c, out);
			return;
		case HTTP_ERROR:
			ep_http_bad(h, c, 400, now, out);
			ep_http_drain(c, out);
			return;
		case HTTP_TOOBIG:
			ep_http_bad(h, c, c->req.head_done ? 413 : 431, now,
			    out);
			ep_http_drain(c, out);
			return;
		}
		ep_http_request(h, c, now, out);
		/* Pipelining: what followed the request starts the next. */
		rest = dbuf_steal(&c->req.in, &nrest);
		http_msg_clear(&c->req);
		if (c->closed || c->dropped || nrest == 0) {
			free(rest);
			ep_http_drain(c, out);
			return;
		}
		rc = http_msg_feed(&c->req, rest, nrest, &cause);
		free(rest);
	}
}

/*
 * The runtime takes the queue from now on, a segment at a time, instead of
 * whole answers as actions: a 60 MiB body is never copied whole, and what
 * the peer does not read is never produced.
 */
void
ep_http_conn_pull(struct ep_conn *c)
{
	c->pull = 1;
}

/*
 * At most max bytes of what c has to send next, appended to out.  WAIT:
 * nothing before *at.  NONE: nothing queued.
 */
enum ep_pull
ep_http_pull(struct ep_http *h, struct ep_conn *c, emu_time now, size_t max,
    struct dbuf *out, emu_time *at)
{
	struct ep_qitem *q;
	size_t n;

	(void)h;
	if ((q = TAILQ_FIRST(&c->outq)) == NULL)
		return (EP_PULL_NONE);
	if (q->at > now) {
		*at = q->at;
		return (EP_PULL_WAIT);
	}
	*at = q->at;
	switch (q->type) {
	case EP_Q_CLOSE:
		ep_http_qitem_free(c, q);
		return (EP_PULL_CLOSE);
	case EP_Q_RESET:
		ep_http_qitem_free(c, q);
		return (EP_PULL_RESET);
	case EP_Q_DATA:
		break;
	}
	n = q->len - q->off;
	if (n > max)
		n = max;
	if (q->chunk != 0 && n > q->chunk)
		n = q->chunk;
	dbuf_add(out, (q->own != NULL ? q->own : q->ref) + q->off, n);
	q->off += n;
	if (q->chunk != 0)
		q->at = EMU_TIME_ADD(now, q->gap);
	if (q->off == q->len)
		ep_http_qitem_free(c, q);
	return (EP_PULL_DATA);
}

int
ep_http_conn_pending(const struct ep_conn *c)
{
	return (!TAILQ_EMPTY(&c->outq));
}

static void
ep_http_qitem_free(struct ep_conn *c, struct ep_qitem *q)
{
	TAILQ_REMOVE(&c->outq, q, entry);
	free(q->own);
	free(q);
}

/* Queue bytes (copied, or borrowed when ref), CLOSE or RESET. */
static void
ep_http_enqueue(struct ep_conn *c, enum ep_q_type type, emu_time at,
    const uint8_t *data, size_t len, int ref)
{
	struct ep_qitem *q;

	if (type == EP_Q_DATA && len == 0)
		return;
	q = xcalloc(1, sizeof *q);
	q->type = type;
	q->at = at;
	q->resp = c->resp_seq;
	if (type == EP_Q_DATA) {
		if (ref)
			q->ref = data;
		else {
			q->own = xmalloc(len);
			memcpy(q->own, data, len);
		}
		q->len = len;
	}
	TAILQ_INSERT_TAIL(&c->outq, q, entry);
}

/* Not pulled: the whole queue as actions, each stamped with its time. */
static void
ep_http_drain(struct ep_conn *c, struct ep_out *out)
{
	struct ep_qitem *q;
	struct ep_act *a;
	size_t n;
	uint32_t last = 0;
	int have_last = 0;

	if (c->pull || out == NULL)
		return;
	while ((q = TAILQ_FIRST(&c->outq)) != NULL) {
		switch (q->type) {
		case EP_Q_DATA:
			while (q->off < q->len) {
				n = q->len - q->off;
				if (q->chunk != 0 && n > q->chunk)
					n = q->chunk;
				a = out->n > 0 ? &out->act[out->n - 1] : NULL;
				if (a != NULL && a->type == EP_ACT_DATA &&
				    a->conn == c && a->at == q->at &&
				    have_last && last == q->resp &&
				    a->off + a->len == out->arena.len) {
					/* One answer, one action, as sent. */
					dbuf_add(&out->arena, (q->own != NULL ?
					    q->own : q->ref) + q->off, n);
					a->len += n;
				} else {
					a = ep_out_add(out, EP_ACT_DATA,
					    (q->own != NULL ? q->own : q->ref) +
					    q->off, n);
					a->conn = c;
					a->at = q->at;
				}
				q->off += n;
				last = q->resp;
				have_last = 1;
				if (q->chunk != 0)
					q->at = EMU_TIME_ADD(q->at, q->gap);
			}
			break;
		case EP_Q_CLOSE:
		case EP_Q_RESET:
			a = ep_out_add(out, q->type == EP_Q_CLOSE ?
			    EP_ACT_CLOSE : EP_ACT_RESET, NULL, 0);
			a->conn = c;
			a->at = q->at;
			break;
		}
		ep_http_qitem_free(c, q);
	}
}

/* The peer closed its side: close ours after what is queued. */
void
ep_http_eof(struct ep_http *h, struct ep_conn *c, emu_time now,
    struct ep_out *out)
{
	if (c->closed)
		return;
	ep_http_enqueue(c, EP_Q_CLOSE, now > c->ready_at ? now : c->ready_at,
	    NULL, 0, 0);
	c->closed = 1;
	ep_http_drain(c, out);
}

void
ep_http_conn_free(struct ep_http *h, struct ep_conn *c)
{
	struct ep_qitem *q;

	if (c == NULL)
		return;
	while ((q = TAILQ_FIRST(&c->outq)) != NULL)
		ep_http_qitem_free(c, q);
	TAILQ_REMOVE(&h->conns, c, entry);
	http_msg_clear(&c->req);
	free(c->tls_subject);
	free(c);
}

void
ep_http_conn_set_tls(struct ep_conn *c, const char *subject)
{
	free(c->tls_subject);
	c->tls_subject = xstrdup(subject != NULL ? subject : "");
}

const struct ep_http_stats *
ep_http_stats(const struct ep_http *h)
{
	return (&h->stats);
}

/* Answer the complete request in c->req. */
static void
ep_http_request(struct ep_http *h, struct ep_conn *c, emu_time now,
    struct ep_out *out)
{
	struct http_msg *m = &c->req;
	struct ep_http_resp r;
	struct ep_fault *f = NULL;
	const char *ua, *conn;
	char *path;
	int head;

	path = ep_http_path(m->target);
	ua = http_msg_header(m, "User-Agent");
	head = strcmp(m->method, "HEAD") == 0;
	ep_http_resp_init(&r, now > c->ready_at ? now : c->ready_at);
	conn = http_msg_header(m, "Connection");
	r.close = m->version_minor == 0 ||
	    (conn != NULL && http_has_token(conn, "close"));

	if (strcmp(m->method, "GET") != 0 && strcmp(m->method, "POST") != 0 &&
	    strcmp(m->method, "PUT") != 0 && !head) {
		ep_http_page(&r, 501);
		goto send;
	}
	/* The glob ignores the query; the MAC may be in it. */
	if ((f = ep_http_fault(h, ep_http_origin(m->target), ua)) == NULL) {
		ep_http_serve(h, c, &r, path, now);
		goto send;
	}
	switch (f->kind) {
	case EP_FAULT_STATUS:
		ep_http_page(&r, f->status != 0 ? f->status : 500);
		if (f->body != NULL) {
			/* The fault's own body instead of the page. */
			dbuf_reset(&r.body);
			r.ref = f->body;
			r.ref_len = f->body_len;
		}
		if (r.status == 401)
			ep_http_resp_hdr(&r,
			    "WWW-Authenticate: Basic realm=\"%s\"",
			    EP_HTTP_REALM);
		else if (r.status == 407)
			ep_http_resp_hdr(&r,
			    "Proxy-Authenticate: Basic realm=\"%s\"",
			    EP_HTTP_REALM);
		break;
	case EP_FAULT_DELAY:
		if (EMU_TIME_ADD(now, f->delay) > r.at)
			r.at = EMU_TIME_ADD(now, f->delay);
		ep_http_serve(h, c, &r, path, now);
		break;
	case EP_FAULT_DROP:
		/* The connection stays open; the client has to time out. */
		ep_http_observe_req(h, c, path, -1, now);
		h->stats.requests++;
		c->dropped = 1;
		ep_http_resp_clear(&r);
		free(path);
		return;
	case EP_FAULT_TRUNCATE:
		ep_http_serve(h, c, &r, path, now);
		r.truncate = 1; /* Content-Length framing */
		r.close = 1;
		break;
	case EP_FAULT_REDIRECT:
		ep_http_page(&r, f->status != 0 ? f->status : 302);
		ep_http_resp_hdr(&r, "Location: %s",
		    f->location != NULL ? f->location : "/");
		break;
	case EP_FAULT_AUTH:
		if (ep_http_auth_ok(c, f) && !ep_http_auth_refuse(h, c, f))
			ep_http_serve(h, c, &r, path, now);
		else {
			ep_http_page(&r, f->proxy ? 407 : 401);
			ep_http_challenge(&r, c, f);
		}
		break;
	case EP_FAULT_RESET:
		ep_http_observe_req(h, c, path, -1, now);
		h->stats.requests++;
		ep_http_enqueue(c, EP_Q_RESET, r.at, NULL, 0, 0);
		c->closed = 1;
		ep_http_resp_clear(&r);
		free(path);
		return;
	case EP_FAULT_CHUNKED:
		ep_http_serve(h, c, &r, path, now);
		r.framing = 1;
		r.version_minor = f->http10 ? 0 : m->version_minor;
		if (r.version_minor == 0)
			r.close = 1;
		break;
	case EP_FAULT_CLOSE_DELIMITED:
		ep_http_serve(h, c, &r, path, now);
		r.framing = -1;
		r.version_minor = 0;
		r.close = 1;
		break;
	case EP_FAULT_BODY:
		r.status = 200;
		r.type = "text/xml";
		r.ref = f->body != NULL ? f->body : (const uint8_t *)"";
		r.ref_len = f->body_len;
		break;
	case EP_FAULT_TRICKLE:
		ep_http_serve(h, c, &r, path, now);
		r.rate = f->rate;
		break;
	}
	ep_http_fault_hdrs(&r, f);
send:
	ep_http_observe_req(h, c, path, r.status, now);
	ep_http_send(h, c, &r, head, out);
	ep_http_resp_clear(&r);
	free(path);
}

/* A request that cannot be read: status, then close (RFC 9112 2.2). */
static void
ep_http_bad(struct ep_http *h, struct ep_conn *c, int status, emu_time now,
    struct ep_out *out)
{
	struct ep_http_resp r;

	ep_http_resp_init(&r, now > c->ready_at ? now : c->ready_at);
	ep_http_page(&r, status);
	r.close = 1;
	ep_http_observe_req(h, c, c->req.target != NULL ? c->req.target : "",
	    status, now);
	ep_http_send(h, c, &r, 0, out);
	ep_http_resp_clear(&r);
}

/* The first active fault matching the request; its count is used. */
static struct ep_fault *
ep_http_fault(struct ep_http *h, const char *path, const char *ua)
{
	size_t i;

	for (i = 0; i < h->nfault; i++) {
		if (ep_fault_match(&h->fault[i], path, ua)) {
			ep_fault_use(&h->fault[i]);
			return (&h->fault[i]);
		}
	}
	return (NULL);
}

/* The origin-form part (path and query) of a request-target. */
static const char *
ep_http_origin(const char *target)
{
	const char *p, *slash;

	if (target == NULL)
		return ("/");
	/* Absolute-form, as sent to proxies (RFC 9112 3.2.2). */
	if ((p = strstr(target, "://")) != NULL &&
	    strcspn(target, "/?") > (size_t)(p - target)) {
		if ((slash = strchr(p + 3, '/')) == NULL)
			return ("/");
		return (slash);
	}
	return (target);
}

/* The path of a request-target, without the query; caller frees. */
static char *
ep_http_path(const char *target)
{
	const char *o = ep_http_origin(target);

	return (xstrndup(o, strcspn(o, "?#")));
}

/* status: the HTTP status, or -1 when nothing is answered. */
static void
ep_http_observe_req(struct ep_http *h, struct ep_conn *c, const char *path,
    int status, emu_time now)
{
	struct ep_request q;
	const struct http_msg *m = &c->req;

	if (h->cb == NULL)
		return;
	memset(&q, 0, sizeof q);
	q.proto = "http";
	q.peer_ip = c->peer_ip;
	q.method = m->method;
	q.path = path;
	q.target = m->target != NULL ? m->target : path;
	q.user_agent = http_msg_header(m, "User-Agent");
	q.authorization = http_msg_header(m, "Authorization");
	if (q.authorization == NULL)
		q.authorization = http_msg_header(m, "Proxy-Authorization");
	q.body = m->body.data;
	q.body_len = m->body.len;
	q.status = status;
	q.now = now;
	q.http = m;
	q.tls_subject = c->tls_subject;
	h->cb(h->cb_arg, &q);
}

static void
ep_http_resp_init(struct ep_http_resp *r, emu_time at)
{
	memset(r, 0, sizeof *r);
	r->version_minor = 1;
	r->type = "text/xml";
	dbuf_init(&r->body);
	dbuf_init(&r->tmp);
	r->at = at;
}

static void
ep_http_resp_clear(struct ep_http_resp *r)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		free(r->hdr[i]);
	dbuf_clear(&r->body);
	dbuf_clear(&r->tmp);
}

static void
ep_http_resp_hdr(struct ep_http_resp *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->nhdr == EP_HTTP_HDRS)
		return;
	va_start(ap, fmt);
	s = ep_http_vfmt(fmt, ap);
	va_end(ap);
	r->hdr[r->nhdr++] = s;
}

/* A status with a short HTML page. */
static void
ep_http_page(struct ep_http_resp *r, int status)
{
	const char *reason = http_reason(status);

	r->status = status;
	r->type = "text/html";
	r->ref = NULL;
	r->ref_len = 0;
	dbuf_reset(&r->body);
	dbuf_printf(&r->body,
	    "<html><head><title>%d %s</title></head>"
	    "<body><h1>%d %s</h1></body></html>\n",
	    status, reason, status, reason);
}

/* The handler's answer, else the file at path, or 404. */
static void
ep_http_serve(struct ep_http *h, struct ep_conn *c, struct ep_http_resp *r,
    const char *path, emu_time now)
{
	const struct http_msg *m = &c->req;
	struct ep_http_call call;
	struct ep_http_answer ans;

	dbuf_reset(&r->body);
	if ((strcmp(m->method, "PUT") == 0 || strcmp(m->method, "POST") == 0) &&
	    store_is_upload(h->st, path)) {
		ep_http_upload(h, c, r, path, now);
		return;
	}
	if (strcmp(m->method, "PUT") == 0) {
		/* RFC 9110 15.5.6: not a place that takes uploads. */
		ep_http_page(r, 405);
		ep_http_resp_hdr(r, "Allow: GET, HEAD, POST");
		return;
	}
	if (h->handler != NULL) {
		memset(&call, 0, sizeof call);
		call.method = m->method;
		call.target = ep_http_origin(m->target);
		call.path = path;
		call.content_type = http_msg_header(m, "Content-Type");
		call.user_agent = http_msg_header(m, "User-Agent");
		call.body = m->body.data;
		call.body_len = m->body.len;
		call.peer_ip = c->peer_ip;
		call.now = now;
		memset(&ans, 0, sizeof ans);
		ans.status = 200;
		ans.content_type = "text/xml";
		dbuf_init(&ans.body);
		if (h->handler(h->handler_arg, &call, &ans)) {
			r->status = ans.status;
			r->type = ans.content_type;
			r->ref = NULL;
			r->ref_len = 0;
			dbuf_clear(&r->body);
			r->body = ans.body;
			return;
		}
		dbuf_clear(&ans.body);
	}
	if (store_ref(h->st, path, &r->ref, &r->ref_len, &r->tmp) != 0) {
		ep_http_page(r, 404);
		return;
	}
	r->status = 200;
	r->type = "text/xml";
}

/*
 * An upload (16.4): kept in the store; RFC 9110 9.3.4: 201 for a PUT that
 * creates, 204 for one that replaces; a POST to a script answers 200.
 */
static void
ep_http_upload(struct ep_http *h, struct ep_conn *c, struct ep_http_resp *r,
    const char *path, emu_time now)
{
	const struct http_msg *m = &c->req;
	struct store_upload u;
	int existed;

	memset(&u, 0, sizeof u);
	u.method = (char *)m->method;
	u.path = (char *)path;
	u.content_type = (char *)http_msg_header(m, "Content-Type");
	u.content_encoding = (char *)http_msg_header(m, "Content-Encoding");
	u.body = m->body.data;
	u.len = m->body.len;
	u.at = now;
	u.peer_ip = c->peer_ip;
	existed = store_upload_keep(h->st, &u);
	if (strcmp(m->method, "PUT") != 0) {
		ep_http_page(r, 200);
		return;
	}
	if (existed) {
		r->status = 204;
		r->ref = NULL;
		r->ref_len = 0;
		return;
	}
	ep_http_page(r, 201);
	ep_http_resp_hdr(r, "Location: %s", path);
}

/* Basic, then Digest MD5 (RFC 7616 3.3), in the order clients try. */
static void
ep_http_challenge(struct ep_http_resp *r, const struct ep_conn *c,
    const struct ep_fault *f)
{
	const char *name, *realm;
	char nonce[33];

	name = f->proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
	realm = f->realm != NULL ? f->realm : EP_HTTP_REALM;
	ep_http_nonce(c, realm, nonce);
	ep_http_resp_hdr(r, "%s: Basic realm=\"%s\"", name, realm);
	ep_http_resp_hdr(r,
	    "%s: Digest realm=\"%s\", nonce=\"%s\", qop=\"auth\", "
	    "algorithm=MD5",
	    name, realm, nonce);
}

/* Do the request's credentials match the fault's user and password? */
static int
ep_http_auth_ok(const struct ep_conn *c, const struct ep_fault *f)
{
	const char *v;
	char *want, *pair;
	size_t n;
	int ok;

	v = http_msg_header(&c->req,
	    f->proxy ? "Proxy-Authorization" : "Authorization");
	if (v == NULL)
		return (0);
	v += strspn(v, " \t");
	n = strcspn(v, " \t");
	if (n == 5 && strncasecmp(v, "Basic", 5) == 0) {
		v += n;
		v += strspn(v, " \t");
		n = strcspn(v, " \t");
		xasprintf(&pair, "%s:%s", f->user != NULL ? f->user : "",
		    f->pass != NULL ? f->pass : "");
		want = http_base64(pair, strlen(pair));
		ok = strlen(want) == n && strncmp(v, want, n) == 0 &&
		    v[n + strspn(v + n, " \t")] == '\0';
		free(want);
		free(pair);
		return (ok);
	}
	if (n == 6 && strncasecmp(v, "Digest", 6) == 0)
		return (ep_http_digest_ok(c, f, v));
	return (0);
}

/* RFC 7616 3.4 with MD5, qop "auth" or (RFC 2069) none. */
static int
ep_http_digest_ok(const struct ep_conn *c, const struct ep_fault *f,
    const char *v)
{
	const struct http_msg *m = &c->req;
	char user[EP_HTTP_AUTH_MAX], realm[EP_HTTP_AUTH_MAX];
	char nonce[EP_HTTP_AUTH_MAX], uri[EP_HTTP_AUTH_MAX];
	char resp[EP_HTTP_AUTH_MAX], qop[EP_HTTP_AUTH_MAX];
	char nc[EP_HTTP_AUTH_MAX], cnonce[EP_HTTP_AUTH_MAX];
	char alg[EP_HTTP_AUTH_MAX], want_nonce[33];
	char ha1[33], ha2[33], want[33];
	const char *want_realm;
	char *path;
	int uri_ok;

	if (http_auth_param(v, "username", user, sizeof user) != 0 ||
	    http_auth_param(v, "realm", realm, sizeof realm) != 0 ||
	    http_auth_param(v, "nonce", nonce, sizeof nonce) != 0 ||
	    http_auth_param(v, "uri", uri, sizeof uri) != 0 ||
	    http_auth_param(v, "response", resp, sizeof resp) != 0)
		return (0);
	if (http_auth_param(v, "algorithm", alg, sizeof alg) == 0 &&
	    pf_strcasecmp_ascii(alg, "MD5") != 0)
		return (0);
	want_realm = f->realm != NULL ? f->realm : EP_HTTP_REALM;
	ep_http_nonce(c, want_realm, want_nonce);
	if (strcmp(user, f->user != NULL ? f->user : "") != 0 ||
	    strcmp(realm, want_realm) != 0 || strcmp(nonce, want_nonce) != 0)
		return (0);
	/* The uri must name what was asked for (RFC 7616 3.4.6). */
	path = ep_http_path(m->target);
	uri_ok = (m->target != NULL && strcmp(uri, m->target) == 0) ||
	    strcmp(uri, path) == 0;
	free(path);
	if (!uri_ok)
		return (0);

	ep_http_md5_hex(ha1, "%s:%s:%s", user, realm,
	    f->pass != NULL ? f->pass : "");
	ep_http_md5_hex(ha2, "%s:%s", m->method, uri);
	if (http_auth_param(v, "qop", qop, sizeof qop) == 0) {
		if (strcmp(qop, "auth") != 0 ||
		    http_auth_param(v, "nc", nc, sizeof nc) != 0 ||
		    http_auth_param(v, "cnonce", cnonce, sizeof cnonce) != 0)
			return (0);
		ep_http_md5_hex(want, "%s:%s:%s:%s:%s:%s", ha1, nonce, nc,
		    cnonce, qop, ha2);
	} else
		ep_http_md5_hex(want, "%s:%s:%s", ha1, nonce, ha2);
	return (pf_strcasecmp_ascii(resp, want) == 0);
}

/*
 * The server's nonce for this client and realm: a digest of both, so that
 * it is checked without state and the same in every run.
 */
static void
ep_http_nonce(const struct ep_conn *c, const char *realm, char *out)
{
	char ip[16];

	ep_http_md5_hex(out, "phonefleet:%s:%s", realm,
	    ipv4_str(c->peer_ip, ip));
}

/* out: 33 bytes, the lower-case hex MD5 of the formatted text. */
static void
ep_http_md5_hex(char *out, const char *fmt, ...)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = ep_http_vfmt(fmt, ap);
	va_end(ap);
	if (EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL) != 1)
		n = 0;
	free(s);
	for (i = 0; i < n && i < 16; i++) {
		out[i * 2] = hex[md[i] >> 4];
		out[i * 2 + 1] = hex[md[i] & 0xf];
	}
	out[i * 2] = '\0';
}

/*
 * Queue r on c: the head, the body (borrowed where it can be), then CLOSE
 * when the connection ends here.  head: HEAD, the framing headers without
 * the body.
 */
static void
ep_http_send(struct ep_http *h, struct ep_conn *c, struct ep_http_resp *r,
    int head, struct ep_out *out)
{
	const char *hdrs[EP_HTTP_HDRS + 6];
	char type[128], length[64];
	struct ep_qitem *last;
	struct dbuf b;
	const uint8_t *body = r->ref != NULL ? r->ref : r->body.data;
	size_t blen = r->ref != NULL ? r->ref_len : r->body.len;
	size_t n = 0, i, cut, send_len;
	int framing = r->framing;

	(void)out;
	hdrs[n++] = "Server: phonefleet";
	snprintf(type, sizeof type, "Content-Type: %s", r->type);
	hdrs[n++] = type;
	for (i = 0; i < r->nhdr; i++)
		hdrs[n++] = r->hdr[i];
	if (r->close && r->version_minor > 0)
		hdrs[n++] = "Connection: close";
	if (head) {
		if (framing == 0) {
			snprintf(length, sizeof length, "Content-Length: %zu",
			    blen);
			hdrs[n++] = length;
		} else if (framing > 0)
			hdrs[n++] = "Transfer-Encoding: chunked";
		framing = -1;
	} else if (framing == 0 && r->status != 204) {
		/* The head announces the whole body; it follows apart.
		 * RFC 9110 8.6: never on a 204. */
		snprintf(length, sizeof length, "Content-Length: %zu", blen);
		hdrs[n++] = length;
	}
	hdrs[n] = NULL;

	c->resp_seq++;
	dbuf_init(&b);
	if (head || framing == 0) {
		http_response_write(&b, r->version_minor, r->status, NULL, hdrs,
		    NULL, 0, framing);
		ep_http_enqueue(c, EP_Q_DATA, r->at, b.data, b.len, 0);
		send_len = head ? 0 : blen;
		if (r->truncate && send_len != 0) {
			/* The full length is announced; half the body. */
			cut = send_len - send_len / 2;
			send_len -= cut;
		}
		last = TAILQ_LAST(&c->outq, ep_queue);
		ep_http_enqueue(c, EP_Q_DATA, r->at, body, send_len,
		    r->ref != NULL && r->ref != r->tmp.data);
		if (TAILQ_LAST(&c->outq, ep_queue) != last)
			ep_http_trickle(c, TAILQ_LAST(&c->outq, ep_queue),
			    r->rate);
	} else {
		http_response_write(&b, r->version_minor, r->status, NULL, hdrs,
		    body, blen, framing);
		if (r->truncate && blen != 0) {
			cut = blen - blen / 2;
			b.len -= cut;
		}
		ep_http_enqueue(c, EP_Q_DATA, r->at, b.data, b.len, 0);
		ep_http_trickle(c, TAILQ_LAST(&c->outq, ep_queue), r->rate);
	}
	dbuf_clear(&b);
	if (r->close) {
		ep_http_enqueue(c, EP_Q_CLOSE, r->at, NULL, 0, 0);
		c->closed = 1;
	}
	c->ready_at = r->at;

	h->stats.requests++;
	if (r->status >= 100 && r->status < 600)
		h->stats.status[r->status / 100]++;
}

/*
 * reject= of an AUTH fault: the first n right answers of each client are
 * refused as if wrong (1 when this one is).  A client is its address.
 */
static int
ep_http_auth_refuse(struct ep_http *h, const struct ep_conn *c,
    const struct ep_fault *f)
{
	struct ep_http_reject *rj, key;

	if (f->reject <= 0)
		return (0);
	memset(&key, 0, sizeof key);
	key.key.fault = (uint32_t)(f - h->fault);
	key.key.ip = c->peer_ip;
	if ((rj = hmap_get(&h->rejects, &key.key, sizeof key.key)) == NULL) {
		rj = xcalloc(1, sizeof *rj);
		rj->key = key.key;
		hmap_put(&h->rejects, &rj->key, sizeof rj->key, rj);
	}
	if (rj->n >= f->reject)
		return (0);
	rj->n++;
	return (1);
}

/*
 * The fault's own headers on its answer; a Content-Type of its own
 * replaces the answer's.
 */
static void
ep_http_fault_hdrs(struct ep_http_resp *r, const struct ep_fault *f)
{
	static const char ct[] = "Content-Type:";
	const char *v;
	size_t i;

	for (i = 0; i < f->nhdr && i < EP_FAULT_HDRS; i++) {
		if (strncasecmp(f->hdr[i], ct, sizeof ct - 1) == 0) {
			v = f->hdr[i] + sizeof ct - 1;
			r->type = v + strspn(v, " \t");
			continue;
		}
		ep_http_resp_hdr(r, "%s", f->hdr[i]);
	}
}

/*
 * A body sent at rate bytes per second: EP_HTTP_TRICKLE_STEPS pieces a
 * second (at least a byte each), the first at once.
 */
static void
ep_http_trickle(struct ep_conn *c, struct ep_qitem *q, uint32_t rate)
{
	(void)c;
	if (q == NULL || rate == 0 || q->type != EP_Q_DATA)
		return;
	q->chunk = rate / EP_HTTP_TRICKLE_STEPS;
	if (q->chunk == 0)
		q->chunk = 1;
	q->gap = (emu_time)q->chunk * 1000000 / rate;
	if (q->gap == 0)
		q->gap = 1;
}

/* Formatted text; caller frees. */
static char *
ep_http_vfmt(const char *fmt, va_list ap)
{
	char *s;

	xvasprintf(&s, fmt, ap);
	return (s);
}

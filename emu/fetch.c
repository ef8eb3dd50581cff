/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One transfer of the phone: a profile file, an EDOS or GDS exchange, a
 * custom CA.  It finds the server (an IP literal, DNS A records tried in
 * order, B59, or DNS SRV targets tried in order, 4.3, B7, B8), goes through
 * the HTTP proxy when Proxy_Mode says so (9.8: absolute-form for HTTP,
 * CONNECT for HTTPS), speaks TLS for https URLs (9.6; emu/tls.c over the
 * stream, no socket; for an IPv4-literal host, one of the certificate's
 * names must resolve to that address before the request goes out), then
 * HTTP/1.1 (9.2-9.5: status table, redirects
 * resolved per RFC 3986, Basic and Digest authentication with at most two
 * retries, time-outs) or TFTP (10: RRQ, octet, retransmission).  It ends
 * with an emu_err and, on success, the body, and notes what it cost
 * (requests, bytes, time) for the fleet's statistics.
 *
 * Sans-I/O: streams and datagrams are actions on the transfer's own flows;
 * answers come back as events that the hub routes here by flow id.  It
 * answers its caller (done or not) and never calls up into the phone's
 * provisioning machine.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "emu-int.h"

#define FETCH_CONNECT_S		10	/* 9.5 ASSUMPTION */
#define FETCH_TLS_S		10	/* 9.5: TLS handshake */
#define FETCH_IDLE_S		30
#define FETCH_TOTAL_S		120
#define FETCH_REDIRECTS		5	/* 9.3 */
#define FETCH_AUTH_RETRIES	2	/* 9.2 */
#define FETCH_TFTP_TRIES	5	/* 10 ASSUMPTION: 5 timeouts in a row */
#define FETCH_PROXY_HEAD_MAX	8192	/* a CONNECT answer's head */
#define FETCH_URL_MAX		2048	/* a Location we follow */

enum fetch_step {
	FX_SRV,			/* SRV lookup of the domain */
	FX_DNS,			/* A lookup of the host (or SRV target) */
	FX_CONNECTING,		/* TCP to the server or the proxy */
	FX_PROXY,		/* CONNECT sent, waiting for its answer */
	FX_TLS,			/* handshake */
	FX_IPCHECK,		/* 9.6: resolving the certificate's names */
	FX_HTTP,		/* request sent, reading the response */
	FX_TFTP,
	FX_DONE
};

struct fetch {
	uint32_t	 id;
	enum emu_xfer_kind kind;
	enum fetch_step	 step;
	enum rule_scheme scheme;
	char		*host;		/* server's name (SRV: the target) */
	uint16_t	 port;
	char		*path;
	char		*method;	/* GET or POST */
	uint8_t		*body;
	size_t		 body_len;
	char		*ctype;
	char		*req_cenc;	/* Content-Encoding of body, or NULL */
	char		*uid, *pwd;
	size_t		 max_len;
	int		 no_restrict;
	/* sink: the body is hashed, not kept */
	int		 sink;
	EVP_MD_CTX	*sha;
	uint64_t	 sink_bytes;
	uint8_t		 sha256[32];

	/* SRV (4.3) */
	int		 srv;		/* host came from SRV targets */
	int		 srv_auto;	/* https name first, then http */
	int		 srv_none;	/* no SRV record at all */
	char		*domain;	/* the original domain: name checked */
	struct resolv_ans srvans;
	int		 si;		/* target being tried */

	/* addresses of the host (or the proxy) */
	uint32_t	 addr[RESOLV_ADDRS];
	int		 naddr, ai;
	struct resolv_q	*rq;		/* lookup in progress */

	/* proxy (9.8) */
	int		 proxied;
	char		*proxy_host;
	uint16_t	 proxy_port;
	struct dbuf	 proxy_in;	/* CONNECT answer being read */

	/* the stream */
	uint32_t	 stream;	/* flow id, 0: none */
	uint8_t		 stream_gen;
	int		 connected;
	struct tls	*tls;		/* owned: HTTPS */
	uint8_t		 tls_kind;	/* 1 full, 2 resumed */
	emu_time	 tls_deadline;	/* handshake must end by then */
	int		 ipi;		/* 9.6: name being resolved */
	struct dbuf	 ipwhy;		/* 9.6: what the names resolved to */
	struct http_msg	 resp;
	int		 resp_init;
	int		 auth_tries;
	int		 proxy_tries;
	int		 redirects;
	char		*authz;		/* header line for the next request */
	char		*proxy_authz;

	/* TFTP */
	int		 tftp_bound;
	uint16_t	 sport;		/* server TID */
	uint16_t	 block;
	unsigned	 tries;
	struct dbuf	 last;		/* last TFTP packet, for retransmission */

	emu_time	 start;		/* meant to begin (p->due), for notes */
	/* The steps' times for the note (first of each; 0: not yet). */
	emu_time	 t_dns, t_connected, t_tls, t_first;
	emu_time	 deadline;	/* step time-out */
	emu_time	 total;		/* whole-transfer limit */

	enum emu_err	 err;
	int		 status;
	uint32_t	 requests;
	uint64_t	 bytes_in, bytes_out;
	struct dbuf	 data;
	char		*url;
	char		*detail;
	char		*cenc;
	char		 servip[16];
};

static void	fetch_begin(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_finish(struct fetch *, struct phone *, enum emu_err,
		    emu_time, struct emu_outbox *, const char *, ...)
		    __attribute__((format(printf, 6, 7)));
static void	fetch_set_url(struct fetch *);
static void	fetch_sink_reset(struct fetch *);
static void	fetch_sink_final(struct fetch *);
static void	fetch_sink(void *, const uint8_t *, size_t);
static void	fetch_srv_start(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_srv_next(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_lookup_done(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_resolve_host(struct fetch *, struct phone *,
		    const char *, emu_time, struct emu_outbox *);
static void	fetch_connect(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_connected(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_close_stream(struct fetch *, struct emu_outbox *);
static void	fetch_send(struct fetch *, struct phone *, const uint8_t *,
		    size_t, struct emu_outbox *);
static void	fetch_http_request(struct fetch *, struct phone *,
		    struct emu_outbox *);
static void	fetch_http_bytes(struct fetch *, struct phone *,
		    const uint8_t *, size_t, emu_time, struct emu_outbox *);
static void	fetch_http_eof(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_http_complete(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_proxy_bytes(struct fetch *, struct phone *,
		    const uint8_t *, size_t, emu_time, struct emu_outbox *);
static int	fetch_redirect(struct fetch *, const char *, char **);
static int	fetch_auth(struct fetch *, struct phone *, int);
static void	fetch_tftp_send(struct fetch *, struct phone *,
		    struct emu_outbox *, const struct tftp_pkt *);
static void	fetch_tftp_input(struct fetch *, struct phone *,
		    const struct emu_event *, emu_time, struct emu_outbox *);
static void	fetch_tftp_retransmit(struct fetch *, struct phone *,
		    emu_time, struct emu_outbox *);
static void	fetch_digest_hex(const EVP_MD *, const char *, char *);
static char	*fetch_quote(const char *);
static int	fetch_is_class_c(enum emu_err);
static enum emu_xfer_phase fetch_phase(const struct fetch *);
static void	fetch_mark(emu_time *, emu_time);
static void	fetch_tls_start(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_tls_input(struct fetch *, struct phone *,
		    const uint8_t *, size_t, emu_time, struct emu_outbox *);
static void	fetch_tls_eof(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_tls_write(struct fetch *, struct phone *,
		    const uint8_t *, size_t, struct emu_outbox *);
static void	fetch_tls_end(struct fetch *, struct phone *,
		    struct emu_outbox *);
static void	fetch_tls_wire(struct fetch *, struct dbuf *,
		    struct emu_outbox *);
static void	fetch_tls_ready(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_ipcheck_next(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_ipcheck_done(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);

void
fetch_req_rule(struct fetch_req *rq, enum emu_xfer_kind kind,
    const struct rule_result *res)
{
	memset(rq, 0, sizeof *rq);
	rq->kind = kind;
	rq->scheme = res->scheme;
	rq->host = res->host;
	rq->port = res->port;
	rq->path = res->path;
	rq->uid = res->uid;
	rq->pwd = res->pwd;
}

struct fetch *
fetch_start(struct phone *p, uint32_t id, const struct fetch_req *rq,
    emu_time now, struct emu_outbox *out)
{
	struct fetch	*fx;
	const char	*list;

	fx = xcalloc(1, sizeof *fx);
	fx->id = id;
	fx->kind = rq->kind;
	fx->scheme = rq->scheme;
	fx->host = xstrdup(rq->host != NULL ? rq->host : "");
	fx->port = rq->port;
	fx->path = xstrdup(rq->path != NULL ? rq->path : "/");
	fx->method = xstrdup(rq->method != NULL ? rq->method : "GET");
	if (rq->body_len != 0 && rq->scheme != RULE_TFTP) {
		fx->body = xmalloc(rq->body_len);
		memcpy(fx->body, rq->body, rq->body_len);
		fx->body_len = rq->body_len;
	}
	fx->ctype = rq->content_type != NULL ? xstrdup(rq->content_type) :
	    NULL;
	fx->req_cenc = rq->content_encoding != NULL ?
	    xstrdup(rq->content_encoding) : NULL;
	fx->uid = rq->uid != NULL ? xstrdup(rq->uid) : NULL;
	fx->pwd = rq->pwd != NULL ? xstrdup(rq->pwd) : NULL;
	fx->max_len = rq->max_len != 0 ? rq->max_len : PROFILE_MAX_LEN;
	fx->no_restrict = rq->no_restrict;
	if (rq->sink) {
		fx->sink = 1;
		if (rq->max_len == 0)
			fx->max_len = FETCH_SINK_MAX;
		/* EMU_VERIFY_SIZE (a benchmark aid): counted, not hashed. */
		if (p->ctx->image_verify == EMU_VERIFY_SHA256 &&
		    (fx->sha = EVP_MD_CTX_new()) == NULL)
			abort();	/* out of memory (STYLE.md 4) */
		fetch_sink_reset(fx);
	}
	fx->srv = rq->srv || rq->srv_auto;
	fx->srv_auto = rq->srv_auto;
	/* Timed from when it was due, however late it runs (coordinated
	 * omission, docs/statistics.md). */
	fx->start = p->due != 0 && p->due <= now ? p->due : now;
	fx->total = EMU_TIME_ADD(now, EMU_SEC(fx->sink ? FETCH_SINK_TOTAL_S :
	    FETCH_TOTAL_S));
	fx->deadline = EMU_TIME_NEVER;
	fx->err = EMU_OK;
	dbuf_init(&fx->data);
	dbuf_init(&fx->last);
	dbuf_init(&fx->proxy_in);
	dbuf_init(&fx->ipwhy);
	fetch_set_url(fx);

	/* 7.4, B111: only the listed domains, when a list is set. */
	list = phone_get(p, "Restricted_Access_Domains");
	if (!fx->no_restrict && !fetch_domain_allowed(list, fx->host)) {
		fetch_finish(fx, p, EMU_E_DOMAIN, now, out,
		    "%s is not in Restricted_Access_Domains", fx->host);
		return (fx);
	}
	if (fx->srv) {
		/* 4.3, B9: SRV serves http and https only. */
		if (fx->scheme == RULE_TFTP) {
			fetch_finish(fx, p, EMU_E_SRVTFTP, now, out,
			    "tftp with --srv");
			return (fx);
		}
		fx->domain = xstrdup(fx->host);
		fetch_srv_start(fx, p, now, out);
		return (fx);
	}
	fetch_begin(fx, p, now, out);
	return (fx);
}

void
fetch_free(struct fetch *fx, struct phone *p, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (fx == NULL)
		return;
	fetch_close_stream(fx, out);
	resolv_free(fx->rq, out);
	fetch_tls_end(fx, p, out);
	if (fx->tftp_bound && out != NULL) {
		a = emu_outbox_add(out, EMU_ACT_UNBIND, NULL, 0);
		a->u.flow = EMU_FLOW(fx->id, EMU_FLOW_SUB_TFTP);
	}
	if (fx->resp_init)
		http_msg_clear(&fx->resp);
	resolv_ans_clear(&fx->srvans);
	dbuf_clear(&fx->data);
	dbuf_clear(&fx->last);
	dbuf_clear(&fx->proxy_in);
	dbuf_clear(&fx->ipwhy);
	free(fx->host);
	free(fx->path);
	free(fx->method);
	free(fx->body);
	free(fx->ctype);
	free(fx->req_cenc);
	free(fx->uid);
	free(fx->pwd);
	free(fx->domain);
	free(fx->proxy_host);
	free(fx->authz);
	free(fx->proxy_authz);
	free(fx->url);
	free(fx->detail);
	free(fx->cenc);
	EVP_MD_CTX_free(fx->sha);
	free(fx);
}

/* A new response begins: nothing of the body is counted yet. */
static void
fetch_sink_reset(struct fetch *fx)
{
	fx->sink_bytes = 0;
	if (fx->sha != NULL &&
	    EVP_DigestInit_ex(fx->sha, EVP_sha256(), NULL) != 1)
		abort();	/* SHA-256 is in every OpenSSL */
}

static void
fetch_sink(void *arg, const uint8_t *data, size_t len)
{
	struct fetch	*fx = arg;

	fx->sink_bytes += len;
	if (fx->sha != NULL)
		EVP_DigestUpdate(fx->sha, data, len);
}

static void
fetch_sink_final(struct fetch *fx)
{
	if (fx->sha != NULL)
		EVP_DigestFinal_ex(fx->sha, fx->sha256, NULL);
}

uint64_t
fetch_sink_bytes(const struct fetch *fx)
{
	return (fx->sink_bytes);
}

const uint8_t *
fetch_sink_sha256(const struct fetch *fx)
{
	return (fx->sha256);
}

uint32_t
fetch_id(const struct fetch *fx)
{
	return (fx->id);
}

enum emu_xfer_kind
fetch_kind(const struct fetch *fx)
{
	return (fx->kind);
}

int
fetch_is_done(const struct fetch *fx)
{
	return (fx->step == FX_DONE);
}

enum emu_err
fetch_err(const struct fetch *fx)
{
	return (fx->err);
}

int
fetch_status(const struct fetch *fx)
{
	return (fx->status);
}

const struct dbuf *
fetch_body(const struct fetch *fx)
{
	return (&fx->data);
}

const char *
fetch_url(const struct fetch *fx)
{
	return (fx->url);
}

const char *
fetch_host(const struct fetch *fx)
{
	return (fx->host);
}

enum rule_scheme
fetch_scheme(const struct fetch *fx)
{
	return (fx->scheme);
}

uint16_t
fetch_port(const struct fetch *fx)
{
	return (fx->port);
}

const char *
fetch_path(const struct fetch *fx)
{
	return (fx->path);
}

const char *
fetch_servip(const struct fetch *fx)
{
	return (fx->servip);
}

const char *
fetch_detail(const struct fetch *fx)
{
	return (fx->detail != NULL ? fx->detail : "");
}

const char *
fetch_content_encoding(const struct fetch *fx)
{
	return (fx->cenc);
}

int
fetch_srv_none(const struct fetch *fx)
{
	return (fx->srv_none);
}

emu_time
fetch_deadline(const struct fetch *fx)
{
	emu_time	t;

	if (fx->step == FX_DONE)
		return (EMU_TIME_NEVER);
	t = fx->deadline < fx->total ? fx->deadline : fx->total;
	if (fx->rq != NULL && resolv_deadline(fx->rq) < t)
		t = resolv_deadline(fx->rq);
	return (t);
}

static void
fetch_set_url(struct fetch *fx)
{
	free(fx->url);
	xasprintf(&fx->url, "%s://%s:%u%s", rule_scheme_name(fx->scheme),
	    fx->host, fx->port, fx->path);
}

static int
fetch_is_class_c(enum emu_err e)
{
	return (emu_err_class(e) == EMU_CLASS_C);
}

/* The first time a step ends (a redirect's second connect is not). */
static void
fetch_mark(emu_time *t, emu_time now)
{
	if (*t == 0)
		*t = now != 0 ? now : 1;
}

/* Where the transfer is, for the note: the step that failed. */
static enum emu_xfer_phase
fetch_phase(const struct fetch *fx)
{
	switch (fx->step) {
	case FX_SRV:
		/* Before fetch_srv_start (a refused domain): not begun. */
		return (fx->domain != NULL ? EMU_PH_DNS : EMU_PH_START);
	case FX_DNS:
		return (EMU_PH_DNS);
	case FX_CONNECTING:
	case FX_PROXY:
		return (EMU_PH_CONNECT);
	case FX_TLS:
	case FX_IPCHECK:
		return (EMU_PH_TLS);
	case FX_HTTP:
	case FX_TFTP:
		return (fx->t_first != 0 ? EMU_PH_BODY : EMU_PH_WAIT);
	default:
		return (EMU_PH_BODY);
	}
}

/*
 * The end of the transfer, or of one SRV target's attempt: 4.3 tries the
 * next target after a class C failure and stops at A or B.
 */
static void
fetch_finish(struct fetch *fx, struct phone *p, enum emu_err err, emu_time now,
    struct emu_outbox *out, const char *fmt, ...)
{
	struct emu_note	 n;
	va_list		 ap;

	if (fx->step == FX_DONE)
		return;
	/* A status line seen before the failure is still the status. */
	if (fx->resp_init && fx->resp.head_done && fx->status == 0 &&
	    fx->scheme != RULE_TFTP)
		fx->status = fx->resp.status;
	free(fx->detail);
	fx->detail = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		xvasprintf(&fx->detail, fmt, ap);
		va_end(ap);
	}
	fetch_close_stream(fx, out);
	fetch_tls_end(fx, p, out);
	phone_log(p, out, fx->scheme == RULE_TFTP ? TRACE_TFTP : TRACE_HTTP,
	    "%s: %s%s%s", fx->url, err == EMU_OK ? "ok" : emu_err_cause(err),
	    fx->detail != NULL ? ": " : "", fx->detail != NULL ? fx->detail :
	    "");
	if (fx->srv && !fx->srv_none && fetch_is_class_c(err) &&
	    fx->si + 1 < fx->srvans.nsrv) {
		/* 4.3, B8: the next target. */
		fx->si++;
		fx->redirects = fx->auth_tries = fx->proxy_tries = 0;
		free(fx->authz);
		fx->authz = NULL;
		fx->status = 0;
		fetch_srv_next(fx, p, now, out);
		return;
	}
	memset(&n, 0, sizeof n);
	n.phase = fetch_phase(fx);	/* the step it ended in */
	fx->step = FX_DONE;
	fx->err = err;
	fx->deadline = EMU_TIME_NEVER;
	n.kind = EMU_NOTE_XFER;
	n.err = err;
	n.xfer = fx->id;
	n.xkind = fx->kind;
	n.scheme = fx->scheme;
	n.tls = fx->tls_kind;
	n.status = fx->status;
	n.requests = fx->requests;
	n.bytes_in = fx->bytes_in;
	n.bytes_out = fx->bytes_out;
	n.start = fx->start;
	n.end = now;
	n.dns_done = fx->t_dns;
	n.connected = fx->t_connected;
	n.tls_done = fx->t_tls;
	n.first_byte = fx->t_first;
	phone_note(p, out, &n);
}

/* 4.3: the SRV name of the domain for the scheme. */
static void
fetch_srv_start(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	char	*name;

	/* 4.3, B6, B10: the scheme picks the service name. */
	xasprintf(&name, fx->scheme == RULE_HTTPS ?
	    "_ciscoprov-https._tls.%s" : "_ciscoprov-http._tcp.%s",
	    fx->domain);
	fx->step = FX_SRV;
	/* The resolver times the lookup: a connect deadline of a target
	 * tried before must not fire here (it would never be met). */
	fx->deadline = EMU_TIME_NEVER;
	resolv_free(fx->rq, out);
	fx->rq = resolv_start(p, EMU_FLOW(fx->id, EMU_FLOW_SUB_DNS), name,
	    DNS_T_SRV, now, out);
	free(name);
	if (fx->rq->rc != RESOLV_MORE)
		fetch_lookup_done(fx, p, now, out);
}

/* Try SRV target fx->si: its A records, then its port (4.3). */
static void
fetch_srv_next(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	const struct resolv_srv	*t = &fx->srvans.srv[fx->si];

	free(fx->host);
	fx->host = xstrdup(t->target);
	fx->port = t->port;
	fetch_set_url(fx);
	phone_log(p, out, TRACE_DNS, "SRV target %d: %s:%u (priority %u, "
	    "weight %u)", fx->si, t->target, t->port, t->prio, t->weight);
	fetch_begin(fx, p, now, out);
}

/* Resolve the host, then connect or send the RRQ. */
static void
fetch_begin(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	const char	*mode = phone_get(p, "Proxy_Mode");
	const char	*host;
	uint64_t	 port;

	fx->naddr = fx->ai = 0;
	fx->servip[0] = '\0';
	/* A past step's deadline (the last SRV target's connect) is over. */
	fx->deadline = EMU_TIME_NEVER;
	free(fx->proxy_host);
	fx->proxy_host = NULL;
	fx->proxied = 0;
	/* 9.8, 7.5: a manual proxy carries HTTP and HTTPS, never TFTP. */
	if (fx->scheme != RULE_TFTP && mode != NULL &&
	    pf_strcasecmp_ascii(mode, "Manual") == 0) {
		host = phone_get(p, "Proxy_Host");
		if (host != NULL && *host != '\0') {
			if (parse_uint(phone_get(p, "Proxy_Port"), 1, 65535,
			    &port, NULL) != 0)
				port = 3128;
			fx->proxied = 1;
			fx->proxy_host = xstrdup(host);
			fx->proxy_port = port;
		}
	}
	fetch_resolve_host(fx, p, fx->proxied ? fx->proxy_host : fx->host,
	    now, out);
}

static void
fetch_resolve_host(struct fetch *fx, struct phone *p, const char *host,
    emu_time now, struct emu_outbox *out)
{
	uint32_t	a;

	if (ipv4_parse(host, &a) == 0) {
		fx->addr[0] = a;
		fx->naddr = 1;
		fetch_connect(fx, p, now, out);
		return;
	}
	fx->step = FX_DNS;
	fx->deadline = EMU_TIME_NEVER;	/* the resolver's, as for FX_SRV */
	resolv_free(fx->rq, out);
	fx->rq = resolv_start(p, EMU_FLOW(fx->id, EMU_FLOW_SUB_DNS), host,
	    DNS_T_A, now, out);
	if (fx->rq->rc != RESOLV_MORE)
		fetch_lookup_done(fx, p, now, out);
}

/* A lookup ended (fx->rq holds its answer). */
static void
fetch_lookup_done(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct resolv_q	*q = fx->rq;
	char		*detail;
	int		 i;

	if (fx->step == FX_IPCHECK) {
		fetch_ipcheck_done(fx, p, now, out);
		return;
	}
	if (fx->step == FX_SRV) {
		if (q->rc == RESOLV_DONE && q->ans.nsrv > 0) {
			resolv_ans_clear(&fx->srvans);
			resolv_ans_copy(&fx->srvans, &q->ans);
			resolv_free(q, out);
			fx->rq = NULL;
			fx->si = 0;
			fetch_srv_next(fx, p, now, out);
			return;
		}
		if (fx->srv_auto && fx->scheme == RULE_HTTPS) {
			/* 4.3 ASSUMPTION: the HTTP name when no HTTPS one. */
			fx->scheme = RULE_HTTP;
			fetch_set_url(fx);
			fetch_srv_start(fx, p, now, out);
			return;
		}
		fx->srv_none = 1;
		detail = xstrdup(q->rc == RESOLV_FAIL && q->detail != NULL ?
		    q->detail : "no SRV record");
		resolv_free(q, out);
		fx->rq = NULL;
		fetch_finish(fx, p, EMU_E_DNS, now, out, "%s: %s", fx->domain,
		    detail);
		free(detail);
		return;
	}
	if (q->rc != RESOLV_DONE || q->ans.naddr == 0) {
		detail = xstrdup(q->rc == RESOLV_FAIL && q->detail != NULL ?
		    q->detail : "no A record");
		resolv_free(q, out);
		fx->rq = NULL;
		fetch_finish(fx, p, EMU_E_DNS, now, out, "%s", detail);
		free(detail);
		return;
	}
	fx->naddr = q->ans.naddr;
	for (i = 0; i < fx->naddr; i++)
		fx->addr[i] = q->ans.addr[i];
	resolv_free(q, out);
	fx->rq = NULL;
	fetch_mark(&fx->t_dns, now);
	fetch_connect(fx, p, now, out);
}

static void
fetch_connect(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct emu_action	*a;
	struct tftp_pkt		 t;

	ipv4_str(fx->addr[fx->ai], fx->servip);
	if (fx->scheme == RULE_TFTP) {
		fx->step = FX_TFTP;
		fx->sport = 0;
		fx->block = 0;
		fx->tries = 0;
		dbuf_reset(&fx->data);
		if (fx->sink)
			fetch_sink_reset(fx);
		tftp_init(&t);
		t.op = TFTP_RRQ;
		pf_strlcpy(t.file, fx->path, sizeof t.file);
		pf_strlcpy(t.mode, "octet", sizeof t.mode);
		fetch_tftp_send(fx, p, out, &t);
		fx->deadline = EMU_TIME_ADD(now, EMU_SEC(2));
		fx->requests++;
		return;
	}
	fx->step = FX_CONNECTING;
	fx->connected = 0;
	fetch_close_stream(fx, out);
	fx->stream_gen = fx->stream_gen >= 252 ? 0 : fx->stream_gen + 1;
	fx->stream = EMU_FLOW(fx->id, EMU_FLOW_SUB_STREAM + fx->stream_gen);
	a = emu_outbox_add(out, EMU_ACT_OPEN, NULL, 0);
	a->u.open.flow = fx->stream;
	a->u.open.dst_ip = fx->addr[fx->ai];
	a->u.open.dst_port = fx->proxied ? fx->proxy_port : fx->port;
	fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_CONNECT_S));
}

static void
fetch_close_stream(struct fetch *fx, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (fx->stream == 0)
		return;
	if (out != NULL) {
		a = emu_outbox_add(out, EMU_ACT_CLOSE, NULL, 0);
		a->u.flow = fx->stream;
	}
	fx->stream = 0;
	fx->connected = 0;
}

/* Bytes for the server: through TLS when there is a session. */
static void
fetch_send(struct fetch *fx, struct phone *p, const uint8_t *data, size_t len,
    struct emu_outbox *out)
{
	struct emu_action	*a;

	if (fx->tls != NULL) {
		fetch_tls_write(fx, p, data, len, out);
		return;
	}
	a = emu_outbox_add(out, EMU_ACT_SEND, data, len);
	a->u.flow = fx->stream;
	fx->bytes_out += len;
}

/* TCP is up: CONNECT through the proxy, TLS, or the request. */
static void
fetch_connected(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct dbuf	 b;
	const char	*hdrs[4];
	char		*host, *target;
	int		 n = 0;

	fx->connected = 1;
	fetch_mark(&fx->t_connected, now);
	if (fx->proxied && fx->scheme == RULE_HTTPS) {
		/* 9.8: a tunnel to the server (RFC 9110 9.3.6). */
		xasprintf(&target, "%s:%u", fx->host, fx->port);
		xasprintf(&host, "Host: %s", target);
		hdrs[n++] = host;
		if (fx->proxy_authz != NULL)
			hdrs[n++] = fx->proxy_authz;
		hdrs[n] = NULL;
		dbuf_init(&b);
		http_request_write(&b, "CONNECT", target, hdrs, NULL, 0);
		fetch_send(fx, p, b.data, b.len, out);
		dbuf_clear(&b);
		free(host);
		free(target);
		dbuf_reset(&fx->proxy_in);
		fx->step = FX_PROXY;
		fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_IDLE_S));
		phone_log(p, out, TRACE_HTTP, "CONNECT %s:%u via %s:%u",
		    fx->host, fx->port, fx->proxy_host, fx->proxy_port);
		return;
	}
	if (fx->scheme == RULE_HTTPS) {
		fetch_tls_start(fx, p, now, out);
		return;
	}
	fx->step = FX_HTTP;
	fetch_http_request(fx, p, out);
	fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_IDLE_S));
}

static void
fetch_http_request(struct fetch *fx, struct phone *p, struct emu_outbox *out)
{
	struct dbuf	 b;
	const char	*hdrs[11];
	char		*host, *ua, *agent, *clen = NULL, *ctype = NULL;
	char		*cenc = NULL;
	char		*target = NULL;
	int		 n = 0;

	if ((fx->scheme == RULE_HTTP && fx->port == 80) ||
	    (fx->scheme == RULE_HTTPS && fx->port == 443))
		xasprintf(&host, "Host: %s", fx->host);
	else
		xasprintf(&host, "Host: %s:%u", fx->host, fx->port);
	ua = phone_user_agent(p);
	xasprintf(&agent, "User-Agent: %s", ua);
	free(ua);
	hdrs[n++] = host;
	hdrs[n++] = agent;
	hdrs[n++] = "Accept: */*";
	hdrs[n++] = "Connection: close";
	if (fx->authz != NULL)
		hdrs[n++] = fx->authz;
	/* B48: 407 answered by the server itself, or by an HTTP proxy. */
	if (fx->proxy_authz != NULL && !(fx->proxied &&
	    fx->scheme == RULE_HTTPS))
		hdrs[n++] = fx->proxy_authz;
	if (strcmp(fx->method, "GET") != 0) {
		/* 9.5 ASSUMPTION: form-encoded unless the caller says. */
		xasprintf(&ctype, "Content-Type: %s", fx->ctype != NULL ?
		    fx->ctype : "application/x-www-form-urlencoded");
		hdrs[n++] = ctype;
		if (fx->req_cenc != NULL) {
			/* 11.3: an aes128gcm report (16.4). */
			xasprintf(&cenc, "Content-Encoding: %s", fx->req_cenc);
			hdrs[n++] = cenc;
		}
		xasprintf(&clen, "Content-Length: %zu", fx->body_len);
		hdrs[n++] = clen;
	}
	hdrs[n] = NULL;
	/* 9.8: absolute-form to a proxy (RFC 9112 3.2.2). */
	if (fx->proxied && fx->scheme == RULE_HTTP && fx->port == 80)
		xasprintf(&target, "http://%s%s", fx->host, fx->path);
	else if (fx->proxied && fx->scheme == RULE_HTTP)
		xasprintf(&target, "http://%s:%u%s", fx->host, fx->port,
		    fx->path);
	dbuf_init(&b);
	http_request_write(&b, fx->method, target != NULL ? target : fx->path,
	    hdrs, fx->body, fx->body_len);
	fetch_send(fx, p, b.data, b.len, out);
	dbuf_clear(&b);
	free(host);
	free(agent);
	free(clen);
	free(ctype);
	free(cenc);
	free(target);
	if (fx->resp_init)
		http_msg_clear(&fx->resp);
	http_msg_init(&fx->resp, 0, fx->max_len);
	if (fx->sink) {
		fx->resp.sink = fetch_sink;
		fx->resp.sink_arg = fx;
		fetch_sink_reset(fx);
	}
	fx->resp_init = 1;
	fx->requests++;
	phone_log(p, out, TRACE_HTTP, "%s %s%s", fx->method, fx->url,
	    fx->proxied ? " (proxy)" : "");
}

int
fetch_event(struct fetch *fx, struct phone *p, const struct emu_event *ev,
    emu_time now, struct emu_outbox *out)
{
	uint32_t	sub = EMU_FLOW_SUB(ev->flow);

	if (fx->step == FX_DONE)
		return (0);
	if (sub == EMU_FLOW_SUB_DNS) {
		if (fx->rq == NULL)
			return (0);
		if (resolv_input(fx->rq, p, ev, now, out) != RESOLV_MORE)
			fetch_lookup_done(fx, p, now, out);
		return (fx->step == FX_DONE);
	}
	if (sub == EMU_FLOW_SUB_TFTP) {
		if (ev->type == EMU_EV_DGRAM && fx->step == FX_TFTP)
			fetch_tftp_input(fx, p, ev, now, out);
		return (fx->step == FX_DONE);
	}
	if (ev->flow != fx->stream || fx->stream == 0)
		return (0);	/* an old connection of this transfer */
	switch (ev->type) {
	case EMU_EV_CONNECTED:
		if (fx->step != FX_CONNECTING)
			break;
		fetch_connected(fx, p, now, out);
		break;
	case EMU_EV_STREAM_ERROR:
		fx->stream = 0;
		if (fx->step == FX_CONNECTING && fx->ai + 1 < fx->naddr) {
			/* B59: try the next address. */
			fx->ai++;
			fetch_connect(fx, p, now, out);
			break;
		}
		if (fx->step == FX_TLS)
			fetch_finish(fx, p, EMU_E_TLS_TRUNCATED, now, out,
			    "connection reset during the handshake");
		else
			fetch_finish(fx, p, fx->connected ? EMU_E_TRUNCATED :
			    EMU_E_CONNECT, now, out, "%s", fx->connected ?
			    "connection reset" : "connection refused");
		break;
	case EMU_EV_DATA:
		fx->bytes_in += ev->len;
		fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_IDLE_S));
		if (fx->step == FX_PROXY)
			fetch_proxy_bytes(fx, p, ev->data, ev->len, now, out);
		else if (fx->tls != NULL)
			fetch_tls_input(fx, p, ev->data, ev->len, now, out);
		else if (fx->step == FX_HTTP)
			fetch_http_bytes(fx, p, ev->data, ev->len, now, out);
		break;
	case EMU_EV_CLOSED:
		fx->stream = 0;
		if (fx->step == FX_PROXY)
			fetch_finish(fx, p, EMU_E_PROXY, now, out,
			    "proxy closed the connection");
		else if (fx->tls != NULL)
			fetch_tls_eof(fx, p, now, out);
		else if (fx->step == FX_HTTP)
			fetch_http_eof(fx, p, now, out);
		break;
	default:
		break;
	}
	return (fx->step == FX_DONE);
}

/* Plain response bytes (after TLS, if any). */
static void
fetch_http_bytes(struct fetch *fx, struct phone *p, const uint8_t *data,
    size_t len, emu_time now, struct emu_outbox *out)
{
	char	*cause = NULL;
	int	 rc;

	if (fx->step != FX_HTTP || !fx->resp_init)
		return;
	if (len != 0)
		fetch_mark(&fx->t_first, now);
	rc = http_msg_feed(&fx->resp, data, len, &cause);
	if (rc == HTTP_DONE)
		fetch_http_complete(fx, p, now, out);
	else if (rc == HTTP_TOOBIG)
		/* Stop reading at the cap: closing drops the rest. */
		fetch_finish(fx, p, EMU_E_TOOBIG, now, out, "%s",
		    cause != NULL ? cause : "response too big");
	else if (rc == HTTP_ERROR)
		fetch_finish(fx, p, EMU_E_PROTO, now, out, "%s",
		    cause != NULL ? cause : "malformed response");
	free(cause);
}

static void
fetch_http_eof(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	char	*cause = NULL;
	int	 rc;

	if (fx->step != FX_HTTP || !fx->resp_init)
		return;
	rc = http_msg_eof(&fx->resp, &cause);
	if (rc == HTTP_DONE)
		fetch_http_complete(fx, p, now, out);
	else
		fetch_finish(fx, p, fx->resp.head_done ? EMU_E_TRUNCATED :
		    EMU_E_PROTO, now, out, "%s",
		    cause != NULL ? cause : "connection closed");
	free(cause);
}

/* The proxy's answer to CONNECT (9.8): 2xx opens the tunnel. */
static void
fetch_proxy_bytes(struct fetch *fx, struct phone *p, const uint8_t *data,
    size_t len, emu_time now, struct emu_outbox *out)
{
	struct http_msg	 m;
	const char	*end;
	char		*cause = NULL;
	size_t		 head;
	int		 rc;

	dbuf_add(&fx->proxy_in, data, len);
	if (fx->proxy_in.len > FETCH_PROXY_HEAD_MAX) {
		fetch_finish(fx, p, EMU_E_PROXY, now, out,
		    "CONNECT answer over %d bytes", FETCH_PROXY_HEAD_MAX);
		return;
	}
	dbuf_add_u8(&fx->proxy_in, 0);
	fx->proxy_in.len--;
	end = strstr((const char *)fx->proxy_in.data, "\r\n\r\n");
	if (end == NULL)
		return;
	head = end + 4 - (const char *)fx->proxy_in.data;
	http_msg_init(&m, 0, 0);
	m.head_only = 1;
	rc = http_msg_feed(&m, fx->proxy_in.data, head, &cause);
	if (rc != HTTP_DONE) {
		fetch_finish(fx, p, EMU_E_PROXY, now, out, "bad CONNECT "
		    "answer: %s", cause != NULL ? cause : "incomplete");
		free(cause);
		http_msg_clear(&m);
		return;
	}
	fx->status = m.status;
	if (m.status == 407 && fx->proxy_tries < FETCH_AUTH_RETRIES) {
		/* 9.4: proxy credentials, a new connection. */
		http_msg_clear(&fx->resp);
		fx->resp = m;
		fx->resp_init = 1;
		if (fetch_auth(fx, p, 1) != 0) {
			fetch_finish(fx, p, EMU_E_AUTH, now, out,
			    "407 and no proxy credentials");
			return;
		}
		fx->proxy_tries++;
		fetch_close_stream(fx, out);
		fetch_connect(fx, p, now, out);
		return;
	}
	if (m.status < 200 || m.status > 299) {
		fetch_finish(fx, p, m.status == 407 ? EMU_E_AUTH : EMU_E_PROXY,
		    now, out, "CONNECT answered %d", m.status);
		http_msg_clear(&m);
		return;
	}
	http_msg_clear(&m);
	phone_log(p, out, TRACE_HTTP, "tunnel to %s:%u open", fx->host,
	    fx->port);
	fx->status = 0;
	fetch_tls_start(fx, p, now, out);
	/* Anything after the head is the server's, through the tunnel. */
	if (fx->step == FX_TLS && fx->proxy_in.len > head)
		fetch_tls_input(fx, p, fx->proxy_in.data + head,
		    fx->proxy_in.len - head, now, out);
}

int
fetch_timer(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	if (fx->step == FX_DONE || fetch_deadline(fx) > now)
		return (fx->step == FX_DONE);
	if (now >= fx->total) {
		fetch_finish(fx, p, EMU_E_TIMEOUT, now, out,
		    "transfer took over %ds", FETCH_TOTAL_S);
		return (1);
	}
	switch (fx->step) {
	case FX_SRV:
	case FX_DNS:
	case FX_IPCHECK:
		if (fx->rq != NULL &&
		    resolv_timer(fx->rq, p, now, out) != RESOLV_MORE)
			fetch_lookup_done(fx, p, now, out);
		break;
	case FX_CONNECTING:
		if (fx->deadline > now)
			break;
		fetch_close_stream(fx, out);
		if (fx->ai + 1 < fx->naddr) {
			fx->ai++;
			fetch_connect(fx, p, now, out);
			break;
		}
		fetch_finish(fx, p, EMU_E_TIMEOUT, now, out,
		    "connect timed out");
		break;
	case FX_PROXY:
		if (fx->deadline <= now)
			fetch_finish(fx, p, EMU_E_TIMEOUT, now, out,
			    "no answer to CONNECT");
		break;
	case FX_TLS:
		if (fx->deadline <= now)
			fetch_finish(fx, p, EMU_E_TLS_TIMEOUT, now, out,
			    "no handshake in %ds", FETCH_TLS_S);
		break;
	case FX_HTTP:
		if (fx->deadline <= now)
			fetch_finish(fx, p, EMU_E_TIMEOUT, now, out,
			    "no data for %ds", FETCH_IDLE_S);
		break;
	case FX_TFTP:
		if (fx->deadline <= now)
			fetch_tftp_retransmit(fx, p, now, out);
		break;
	default:
		break;
	}
	return (fx->step == FX_DONE);
}

/* Spec 9.2 and its phonefleet additions. */
static void
fetch_http_complete(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct http_msg	*r = &fx->resp;
	const char	*v;
	char		*cause = NULL;
	int		 st = r->status;

	fx->status = st;
	fetch_close_stream(fx, out);
	fetch_tls_end(fx, p, out);
	free(fx->cenc);
	fx->cenc = NULL;
	if ((v = http_msg_header(r, "Content-Encoding")) != NULL)
		fx->cenc = xstrdup(v);
	if (st == 301 || st == 302) {	/* B46: 303 and 307 are class C */
		v = http_msg_header(r, "Location");
		if (v == NULL || fetch_redirect(fx, v, &cause) != 0) {
			fetch_finish(fx, p, EMU_E_BADREDIRECT, now, out,
			    "%d: %s", st, cause != NULL ? cause :
			    "no Location");
			free(cause);
			return;
		}
		if (++fx->redirects > FETCH_REDIRECTS) {
			fetch_finish(fx, p, EMU_E_REDIRECT, now, out,
			    "more than %d redirects", FETCH_REDIRECTS);
			return;
		}
		/* B111: a redirect may not leave the allowed domains. */
		if (!fx->no_restrict && !fetch_domain_allowed(phone_get(p,
		    "Restricted_Access_Domains"), fx->host)) {
			fetch_finish(fx, p, EMU_E_DOMAIN, now, out,
			    "redirect to %s: not in Restricted_Access_Domains",
			    fx->host);
			return;
		}
		phone_log(p, out, TRACE_HTTP, "%d to %s", st, fx->url);
		fx->auth_tries = 0;
		free(fx->authz);
		fx->authz = NULL;
		fetch_begin(fx, p, now, out);
		return;
	}
	if (st == 401 || st == 407) {
		/* B47, B48: at most two retries with credentials. */
		if ((st == 401 ? fx->auth_tries : fx->proxy_tries) >=
		    FETCH_AUTH_RETRIES) {
			fetch_finish(fx, p, EMU_E_AUTH, now, out,
			    "%d after %d retries", st, FETCH_AUTH_RETRIES);
			return;
		}
		if (fetch_auth(fx, p, st == 407) != 0) {
			fetch_finish(fx, p, EMU_E_AUTH, now, out,
			    "%d and no credentials", st);
			return;
		}
		if (st == 401)
			fx->auth_tries++;
		else
			fx->proxy_tries++;
		fetch_begin(fx, p, now, out);
		return;
	}
	if (st >= 200 && st < 300) {
		if (r->version_minor == 0 && r->chunked) {
			/* B52: chunked is HTTP/1.1 only. */
			fetch_finish(fx, p, EMU_E_CORRUPT, now, out,
			    "chunked body in an HTTP/1.0 response");
			return;
		}
		if (fx->kind == EMU_XFER_REPORT) {
			/* 16.4: an upload's 2xx needs no body (201, 204). */
			fetch_finish(fx, p, EMU_OK, now, out, NULL);
			return;
		}
		if (st == 204 || r->body_len == 0) {
			fetch_finish(fx, p, EMU_E_CORRUPT, now, out,
			    "empty body");
			return;
		}
		dbuf_reset(&fx->data);
		if (fx->sink)
			fetch_sink_final(fx);
		else
			dbuf_add(&fx->data, r->body.data, r->body.len);
		fetch_finish(fx, p, EMU_OK, now, out, NULL);
		return;
	}
	if (st == 404) {
		fetch_finish(fx, p, EMU_E_FNF, now, out, "404");
		return;
	}
	/* B46, B50: any other status is class C. */
	fetch_finish(fx, p, EMU_E_HTTP, now, out, "status %d", st);
}

/*
 * RFC 3986 5.2.4: remove "." and ".." segments from an absolute path, in
 * place.
 */
static void
fetch_remove_dots(char *path)
{
	char	*in = path, *outp = path, *s;

	while (*in != '\0') {
		if (strncmp(in, "../", 3) == 0)
			in += 3;
		else if (strncmp(in, "./", 2) == 0)
			in += 2;
		else if (strncmp(in, "/./", 3) == 0)
			in += 2;
		else if (strcmp(in, "/.") == 0)
			in[1] = '\0';
		else if (strncmp(in, "/../", 4) == 0 || strcmp(in, "/..") == 0) {
			in += 3;
			if (*in == '\0') {
				in--;
				*in = '/';
			}
			*outp = '\0';
			if ((s = strrchr(path, '/')) != NULL)
				outp = s;
			else
				outp = path;
		} else if (strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
			in += strlen(in);
		else {
			if (*in == '/')
				*outp++ = *in++;
			while (*in != '\0' && *in != '/')
				*outp++ = *in++;
		}
	}
	*outp = '\0';
	if (*path == '\0') {
		path[0] = '/';
		path[1] = '\0';
	}
}

/*
 * RFC 3986 5.2: ref resolved against base ("scheme://authority/path").
 * Returns the target URL without its fragment, or NULL when ref is no URL
 * the phone follows (another scheme, control characters, too long).
 */
char *
fetch_resolve_url(const char *base, const char *ref)
{
	const char	*auth, *rest, *q, *colon, *bpath;
	char		*r, *path, *dir, *slash, *abs;
	size_t		 i, n;

	if (base == NULL || ref == NULL || strlen(ref) > FETCH_URL_MAX)
		return (NULL);
	for (i = 0; ref[i] != '\0'; i++) {
		if ((unsigned char)ref[i] <= ' ' || ref[i] == 0x7f)
			return (NULL);
	}
	colon = strchr(ref, ':');
	if (colon != NULL && colon > ref &&
	    strcspn(ref, "/?#") > (size_t)(colon - ref)) {
		/* Absolute (4.3): only http and https are followed. */
		if ((strncasecmp(ref, "http:", 5) != 0 &&
		    strncasecmp(ref, "https:", 6) != 0) ||
		    strncmp(colon, "://", 3) != 0)
			return (NULL);
		auth = colon + 3;
		n = strcspn(auth, "/?#");
		rest = auth + n;
		q = rest + strcspn(rest, "?#");
		path = q == rest ? xstrdup("/") : xstrndup(rest, q - rest);
		fetch_remove_dots(path);
		xasprintf(&r, "%.*s%s%.*s", (int)(rest - ref), ref, path,
		    (int)strcspn(q, "#"), q);
		free(path);
		return (r);
	}
	if ((auth = strstr(base, "://")) == NULL)
		return (NULL);
	auth += 3;
	bpath = auth + strcspn(auth, "/?#");
	if (strncmp(ref, "//", 2) == 0) {
		/* Network-path reference: the base's scheme (5.2.2). */
		xasprintf(&abs, "%.*s%s", (int)(auth - 2 - base), base, ref);
		r = fetch_resolve_url(abs, abs);
		free(abs);
		return (r);
	}
	if (*ref == '\0' || *ref == '#')
		return (xstrndup(base, strcspn(base, "#")));
	if (*ref == '?') {
		xasprintf(&r, "%.*s%.*s", (int)(bpath - base), base,
		    (int)strcspn(bpath, "?#"), bpath);
		xasprintf(&abs, "%s%.*s", r, (int)strcspn(ref, "#"), ref);
		free(r);
		return (abs);
	}
	q = ref + strcspn(ref, "?#");
	if (*ref == '/')
		path = xstrndup(ref, q - ref);
	else {
		/* Merge with the base path's directory (5.2.3). */
		dir = xstrndup(bpath, strcspn(bpath, "?#"));
		if ((slash = strrchr(dir, '/')) != NULL)
			slash[1] = '\0';
		else {
			free(dir);
			dir = xstrdup("/");
		}
		xasprintf(&path, "%s%.*s", dir, (int)(q - ref), ref);
		free(dir);
	}
	fetch_remove_dots(path);
	xasprintf(&r, "%.*s%s%.*s", (int)(bpath - base), base, path,
	    (int)strcspn(q, "#"), q);
	free(path);
	return (r);
}

/*
 * 9.3: Location replaces the URL for this attempt only.  Returns -1 with
 * *cause if it cannot be used.
 */
static int
fetch_redirect(struct fetch *fx, const char *loc, char **cause)
{
	char		*url, *s, *slash, *hostport, *colon;
	enum rule_scheme scheme;
	uint64_t	 port;

	if ((url = fetch_resolve_url(fx->url, loc)) == NULL) {
		if (strstr(loc, "://") != NULL)
			xasprintf(cause, "unsupported scheme in \"%.64s\"",
			    loc);
		else
			xasprintf(cause, "bad Location \"%.64s\"", loc);
		return (-1);
	}
	scheme = strncasecmp(url, "https://", 8) == 0 ? RULE_HTTPS : RULE_HTTP;
	s = url + (scheme == RULE_HTTPS ? 8 : 7);
	slash = s + strcspn(s, "/?#");
	hostport = xstrndup(s, slash - s);
	port = scheme == RULE_HTTPS ? 443 : 80;
	if ((colon = strchr(hostport, ':')) != NULL) {
		*colon = '\0';
		if (parse_uint(colon + 1, 1, 65535, &port, NULL) != 0) {
			xasprintf(cause, "bad port in \"%.64s\"", loc);
			free(hostport);
			free(url);
			return (-1);
		}
	}
	if (*hostport == '\0' || strchr(hostport, '@') != NULL) {
		xasprintf(cause, "bad host in \"%.64s\"", loc);
		free(hostport);
		free(url);
		return (-1);
	}
	free(fx->host);
	fx->host = hostport;
	fx->scheme = scheme;
	fx->port = port;
	free(fx->path);
	if (*slash == '/')
		fx->path = xstrdup(slash);
	else
		xasprintf(&fx->path, "/%s", slash);
	/* A redirected transfer no longer follows SRV targets. */
	fx->srv = 0;
	free(url);
	fetch_set_url(fx);
	return (0);
}

/* 7.4: host equal to a listed domain or below it; any case. */
int
fetch_domain_allowed(const char *list, const char *host)
{
	const char	*s, *e;
	size_t		 n, hl;

	if (list == NULL)
		return (1);
	s = list + strspn(list, " \t,");
	if (*s == '\0')
		return (1);
	hl = strlen(host);
	while (hl > 0 && host[hl - 1] == '.')
		hl--;
	while (*s != '\0') {
		n = strcspn(s, " \t,");
		e = s + n;
		while (n > 0 && s[n - 1] == '.')
			n--;
		if (n != 0 && ((hl == n && strncasecmp(host, s, n) == 0) ||
		    (hl > n && host[hl - n - 1] == '.' &&
		    strncasecmp(host + hl - n, s, n) == 0)))
			return (1);
		s = e + strspn(e, " \t,");
	}
	return (0);
}

static void
fetch_digest_hex(const EVP_MD *md, const char *in, char *hex)
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	EVP_Digest(in, strlen(in), d, &n, md, NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[2 * n] = '\0';
}

/*
 * A quoted-string (RFC 9110 5.6.4) with '"' and '\\' escaped, or NULL if s
 * holds a control character, which no quoted-string can carry.
 */
static char *
fetch_quote(const char *s)
{
	struct dbuf	b;

	dbuf_init(&b);
	dbuf_add_u8(&b, '"');
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f) {
			dbuf_clear(&b);
			return (NULL);
		}
		if (*s == '"' || *s == '\\')
			dbuf_add_u8(&b, '\\');
		dbuf_add_u8(&b, *s);
	}
	dbuf_add_u8(&b, '"');
	return ((char *)dbuf_steal(&b, NULL));
}

/*
 * 9.4: credentials from the rule, else the profile account (or the proxy
 * account for 407); Basic or Digest as the challenge asks.
 */
static int
fetch_auth(struct fetch *fx, struct phone *p, int proxy)
{
	const char	*user = NULL, *pass = NULL, *type, *chal;
	char		 scheme[32], realm[256], nonce[256], qop[64], algo[32];
	char		 opaque[256];
	char		*a1, *a2, *resp, *up, *b64, **slot;
	char		 ha1[129], ha2[129], rh[129], cnonce[17];
	char		*q_user, *q_realm, *q_nonce, *q_uri, *q_opaque;
	const char	*uri;
	const EVP_MD	*md;

	chal = http_msg_header(&fx->resp, proxy ? "Proxy-Authenticate" :
	    "WWW-Authenticate");
	if (proxy) {
		user = phone_param(p, P_PROXY_USERNAME);
		pass = phone_param(p, P_PROXY_PASSWORD);
	} else if (fx->uid != NULL) {
		/* B58: the rule's credentials win. */
		user = fx->uid;
		pass = fx->pwd != NULL ? fx->pwd : "";
	} else {
		type = phone_param(p, P_PROFILE_AUTHENTICATION_TYPE);
		if (type != NULL && pf_strcasecmp_ascii(type, "Disabled") != 0) {
			user = phone_param(p, P_PROFILE_ACCOUNT_USER);
			pass = phone_param(p, P_PROFILE_ACCOUNT_PASSWORD);
		}
	}
	if (user == NULL || *user == '\0' || chal == NULL)
		return (-1);
	if (pass == NULL)
		pass = "";
	slot = proxy ? &fx->proxy_authz : &fx->authz;
	free(*slot);
	*slot = NULL;
	uri = fx->path;
	if (http_auth_param(chal, "scheme", scheme, sizeof scheme) == 0 &&
	    pf_strcasecmp_ascii(scheme, "Digest") == 0) {
		if (http_auth_param(chal, "realm", realm, sizeof realm) != 0)
			realm[0] = '\0';
		if (http_auth_param(chal, "nonce", nonce, sizeof nonce) != 0)
			return (-1);
		if (http_auth_param(chal, "qop", qop, sizeof qop) != 0)
			qop[0] = '\0';
		if (http_auth_param(chal, "algorithm", algo, sizeof algo) != 0)
			pf_strlcpy(algo, "MD5", sizeof algo);
		if (http_auth_param(chal, "opaque", opaque, sizeof opaque) != 0)
			opaque[0] = '\0';
		md = pf_strcasecmp_ascii(algo, "SHA-256") == 0 ? EVP_sha256() :
		    EVP_md5();
		/* Echoed values are quoted again; any with a CTL: no answer. */
		q_user = fetch_quote(user);
		q_realm = fetch_quote(realm);
		q_nonce = fetch_quote(nonce);
		q_uri = fetch_quote(uri);
		q_opaque = fetch_quote(opaque);
		if (q_user == NULL || q_realm == NULL || q_nonce == NULL ||
		    q_uri == NULL || q_opaque == NULL) {
			free(q_user);
			free(q_realm);
			free(q_nonce);
			free(q_uri);
			free(q_opaque);
			return (-1);
		}
		snprintf(cnonce, sizeof cnonce, "%016llx",
		    (unsigned long long)prng_next(&p->rng));
		xasprintf(&a1, "%s:%s:%s", user, realm, pass);
		xasprintf(&a2, "%s:%s", fx->method, uri);
		fetch_digest_hex(md, a1, ha1);
		fetch_digest_hex(md, a2, ha2);
		if (qop[0] != '\0')
			xasprintf(&resp, "%s:%s:00000001:%s:auth:%s", ha1, nonce,
			    cnonce, ha2);
		else
			xasprintf(&resp, "%s:%s:%s", ha1, nonce, ha2);
		fetch_digest_hex(md, resp, rh);
		/* The algorithm named is the one used, never echoed text. */
		xasprintf(slot, "%s: Digest username=%s, "
		    "realm=%s, nonce=%s, uri=%s, algorithm=%s, "
		    "response=\"%s\"%s%s%s%s%s",
		    proxy ? "Proxy-Authorization" : "Authorization", q_user,
		    q_realm, q_nonce, q_uri,
		    md == EVP_sha256() ? "SHA-256" : "MD5", rh,
		    qop[0] != '\0' ? ", qop=auth, nc=00000001, cnonce=\"" : "",
		    qop[0] != '\0' ? cnonce : "", qop[0] != '\0' ? "\"" : "",
		    opaque[0] != '\0' ? ", opaque=" : "",
		    opaque[0] != '\0' ? q_opaque : "");
		free(q_user);
		free(q_realm);
		free(q_nonce);
		free(q_uri);
		free(q_opaque);
		free(a1);
		free(a2);
		free(resp);
		return (0);
	}
	xasprintf(&up, "%s:%s", user, pass);
	b64 = http_base64(up, strlen(up));
	xasprintf(slot, "%s: Basic %s",
	    proxy ? "Proxy-Authorization" : "Authorization", b64);
	free(up);
	free(b64);
	return (0);
}

static void
fetch_tftp_send(struct fetch *fx, struct phone *p, struct emu_outbox *out,
    const struct tftp_pkt *t)
{
	struct emu_action	*a;

	dbuf_reset(&fx->last);
	tftp_write(t, &fx->last);
	a = emu_outbox_add(out, EMU_ACT_DGRAM, fx->last.data, fx->last.len);
	a->u.dgram.flow = EMU_FLOW(fx->id, EMU_FLOW_SUB_TFTP);
	a->u.dgram.src_ip = p->ip;
	a->u.dgram.dst_ip = fx->addr[fx->ai];
	a->u.dgram.dst_port = fx->sport != 0 ? fx->sport : fx->port;
	/* 10: ports 53240-53245 for a non-standard server port. */
	if (fx->port != TFTP_PORT)
		a->u.dgram.src_port = 53240 + fx->id % 6;
	fx->tftp_bound = 1;
	fx->bytes_out += fx->last.len;
}

/* Retransmit the RRQ or the last ACK: 2, 4, 8 s (10). */
static void
fetch_tftp_retransmit(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct emu_action	*a;

	if (++fx->tries >= FETCH_TFTP_TRIES) {	/* B60: no answer, C */
		fetch_finish(fx, p, EMU_E_TIMEOUT, now, out,
		    "no answer after %d tries", FETCH_TFTP_TRIES);
		return;
	}
	a = emu_outbox_add(out, EMU_ACT_DGRAM, fx->last.data, fx->last.len);
	a->u.dgram.flow = EMU_FLOW(fx->id, EMU_FLOW_SUB_TFTP);
	a->u.dgram.src_ip = p->ip;
	a->u.dgram.dst_ip = fx->addr[fx->ai];
	a->u.dgram.dst_port = fx->sport != 0 ? fx->sport : fx->port;
	if (fx->port != TFTP_PORT)
		a->u.dgram.src_port = 53240 + fx->id % 6;
	fx->bytes_out += fx->last.len;
	fx->deadline = EMU_TIME_ADD(now, EMU_SEC(fx->tries >= 2 ? 8 :
	    2 << fx->tries));
}

static void
fetch_tftp_input(struct fetch *fx, struct phone *p, const struct emu_event *ev,
    emu_time now, struct emu_outbox *out)
{
	struct tftp_pkt		 t, r;
	struct emu_action	*a;
	struct dbuf		 b;
	char			*cause = NULL;

	if (ev->src_ip != fx->addr[fx->ai])
		return;
	fx->bytes_in += ev->len;
	if (tftp_parse(&t, ev->data, ev->len, &cause) != 0) {
		phone_log(p, out, TRACE_TFTP, "bad packet: %s", cause);
		free(cause);
		return;
	}
	if (fx->sport == 0)
		fx->sport = ev->src_port;
	else if (ev->src_port != fx->sport) {
		/* RFC 1350: a packet from another TID gets error 5. */
		tftp_init(&r);
		r.op = TFTP_ERROR;
		r.code = TFTP_EBADID;
		pf_strlcpy(r.msg, "Unknown transfer ID", sizeof r.msg);
		dbuf_init(&b);
		tftp_write(&r, &b);
		a = emu_outbox_add(out, EMU_ACT_DGRAM, b.data, b.len);
		a->u.dgram.flow = EMU_FLOW(fx->id, EMU_FLOW_SUB_TFTP);
		a->u.dgram.src_ip = p->ip;
		a->u.dgram.dst_ip = ev->src_ip;
		a->u.dgram.dst_port = ev->src_port;
		if (fx->port != TFTP_PORT)
			a->u.dgram.src_port = 53240 + fx->id % 6;
		dbuf_clear(&b);
		return;
	}
	/* The server's first answer (DATA, or an error packet). */
	fetch_mark(&fx->t_first, now);
	if (t.op == TFTP_ERROR) {
		fx->status = t.code;
		/* 8.6: an error after the first block is a truncation (C).
		 * B60: error 1 is file not found (B), others class C. */
		if (t.code == TFTP_ENOTFOUND && fx->block == 0)
			fetch_finish(fx, p, EMU_E_FNF, now, out, "error 1: %s",
			    t.msg);
		else
			fetch_finish(fx, p, fx->block > 0 ? EMU_E_TRUNCATED :
			    EMU_E_TFTP, now, out, "error %u: %s", t.code, t.msg);
		return;
	}
	if (t.op != TFTP_DATA)
		return;
	if (t.block == fx->block) {
		/* Duplicate: our ACK was lost; ACK again. */
		tftp_init(&r);
		r.op = TFTP_ACK;
		r.block = fx->block;
		fetch_tftp_send(fx, p, out, &r);
		return;
	}
	if (t.block != (uint16_t)(fx->block + 1))
		return;
	if ((fx->sink ? fx->sink_bytes : fx->data.len) + t.len >
	    fx->max_len) {
		tftp_init(&r);
		r.op = TFTP_ERROR;
		r.code = TFTP_ENOSPACE;
		pf_strlcpy(r.msg, "File too big", sizeof r.msg);
		fetch_tftp_send(fx, p, out, &r);
		fetch_finish(fx, p, EMU_E_TOOBIG, now, out, "over %zu bytes",
		    fx->max_len);
		return;
	}
	if (fx->sink)
		fetch_sink(fx, t.data, t.len);
	else
		dbuf_add(&fx->data, t.data, t.len);
	fx->block = t.block;
	fx->tries = 0;
	tftp_init(&r);
	r.op = TFTP_ACK;
	r.block = fx->block;
	fetch_tftp_send(fx, p, out, &r);
	fx->deadline = EMU_TIME_ADD(now, EMU_SEC(2));
	if (t.len < TFTP_BLKSIZE) {
		fx->status = 0;
		if (fx->sink)
			fetch_sink_final(fx);
		fetch_finish(fx, p, EMU_OK, now, out, NULL);
	}
}

/* TLS (9.6): the phone's client over the stream (emu/tls.c). */

/* Ciphertext for the stream. */
static void
fetch_tls_wire(struct fetch *fx, struct dbuf *wire, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (wire->len == 0 || fx->stream == 0)
		return;
	a = emu_outbox_add(out, EMU_ACT_SEND, wire->data, wire->len);
	a->u.flow = fx->stream;
	fx->bytes_out += wire->len;
}

static void
fetch_tls_start(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct dbuf	 wire;
	const char	*check;
	enum emu_err	 err = EMU_E_TLS;
	char		*cause = NULL;

	fx->step = FX_TLS;
	fx->tls_deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_TLS_S));
	fx->deadline = fx->tls_deadline;
	/* 4.3, B8: with [--srv] the certificate names the original domain,
	 * not the SRV target (a redirect clears fx->srv). */
	check = fx->srv && fx->domain != NULL ? fx->domain : fx->host;
	dbuf_init(&wire);
	fetch_tls_end(fx, p, out);
	fx->tls = tls_start(p, fx->host, check, fx->port, now, &wire, &err,
	    &cause);
	if (fx->tls == NULL) {
		dbuf_clear(&wire);
		fetch_finish(fx, p, err, now, out, "%s", cause != NULL ? cause :
		    "handshake failed");
		free(cause);
		return;
	}
	fetch_tls_wire(fx, &wire, out);
	dbuf_clear(&wire);
	phone_log(p, out, TRACE_TLS, "handshake with %s:%u (name %s)",
	    fx->host, fx->port, check);
}

static void
fetch_tls_input(struct fetch *fx, struct phone *p, const uint8_t *data,
    size_t len, emu_time now, struct emu_outbox *out)
{
	struct dbuf	 wire, plain;
	enum emu_err	 err = EMU_OK;
	char		*cause = NULL;
	int		 was = tls_is_established(fx->tls), rc;

	dbuf_init(&wire);
	dbuf_init(&plain);
	rc = tls_input(fx->tls, p, data, len, &wire, &plain);
	fetch_tls_wire(fx, &wire, out);
	dbuf_clear(&wire);
	if (rc != 0) {
		err = tls_err(fx->tls);
		cause = xstrdup(tls_cause(fx->tls));
	}
	if (!was && tls_is_established(fx->tls)) {
		fetch_mark(&fx->t_tls, now);
		fx->tls_kind = tls_resumed(fx->tls) ? 2 : 1;
		p->status.tls_resumed = fx->tls_kind == 2;
		pf_strlcpy(p->status.tls_version, tls_version(fx->tls),
		    sizeof p->status.tls_version);
		phone_log(p, out, TRACE_TLS, "%s %s with %s:%u",
		    tls_version(fx->tls), fx->tls_kind == 2 ? "resumed" :
		    "handshake done", fx->host, fx->port);
		fetch_tls_ready(fx, p, now, out);
	} else if (fx->step == FX_TLS)
		fx->deadline = fx->tls_deadline;	/* 9.5: whole handshake */
	if (plain.len != 0 && fx->step == FX_HTTP)
		fetch_http_bytes(fx, p, plain.data, plain.len, now, out);
	dbuf_clear(&plain);
	if (rc != 0 && fx->step != FX_DONE)
		fetch_finish(fx, p, err, now, out, "%s", cause);
	free(cause);
}

static void
fetch_tls_eof(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct dbuf	plain;

	dbuf_init(&plain);
	if (tls_eof(fx->tls, p, &plain) != 0) {
		dbuf_clear(&plain);
		fetch_finish(fx, p, tls_err(fx->tls), now, out, "%s",
		    tls_cause(fx->tls));
		return;
	}
	dbuf_clear(&plain);
	if (fx->step == FX_IPCHECK)
		fetch_finish(fx, p, EMU_E_TRUNCATED, now, out,
		    "connection closed before the request");
	else if (fx->step == FX_HTTP)
		fetch_http_eof(fx, p, now, out);
}

static void
fetch_tls_write(struct fetch *fx, struct phone *p, const uint8_t *data,
    size_t len, struct emu_outbox *out)
{
	struct dbuf	wire;

	dbuf_init(&wire);
	if (tls_write(fx->tls, data, len, &wire) != 0)
		phone_log(p, out, TRACE_TLS, "write failed: %s",
		    tls_cause(fx->tls));
	fetch_tls_wire(fx, &wire, out);
	dbuf_clear(&wire);
}

/* The connection is over: keep its session (p->now) and free it. */
static void
fetch_tls_end(struct fetch *fx, struct phone *p, struct emu_outbox *out)
{
	(void)out;
	if (fx->tls == NULL)
		return;
	tls_free(fx->tls, p);
	fx->tls = NULL;
}

/*
 * The handshake is done: the request, unless the URL host is an IPv4
 * literal whose certificate named it only by DNS names (9.6).
 */
static void
fetch_tls_ready(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	if (tls_ip_names(fx->tls) > 0) {
		/* 9.6: the server IP against a DNS lookup of the names. */
		fx->step = FX_IPCHECK;
		fx->ipi = 0;
		dbuf_reset(&fx->ipwhy);
		phone_log(p, out, TRACE_TLS, "checking %s against %d "
		    "certificate name%s", fx->host, tls_ip_names(fx->tls),
		    tls_ip_names(fx->tls) == 1 ? "" : "s");
		fetch_ipcheck_next(fx, p, now, out);
		return;
	}
	fx->step = FX_HTTP;
	fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_IDLE_S));
	fetch_http_request(fx, p, out);
}

/* 9.6: an A lookup of certificate name fx->ipi, timed by the resolver. */
static void
fetch_ipcheck_next(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	fx->deadline = EMU_TIME_NEVER;
	resolv_free(fx->rq, out);
	fx->rq = resolv_start(p, EMU_FLOW(fx->id, EMU_FLOW_SUB_DNS),
	    tls_ip_name(fx->tls, fx->ipi), DNS_T_A, now, out);
	if (fx->rq->rc != RESOLV_MORE)
		fetch_ipcheck_done(fx, p, now, out);
}

/*
 * 9.6: a certificate name's lookup ended.  An address equal to the URL's
 * (the server's, also through a proxy) lets the request go; else the next
 * name, and after the last one tls-name with what each resolved to.
 */
static void
fetch_ipcheck_done(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct resolv_q	*q = fx->rq;
	const char	*name = tls_ip_name(fx->tls, fx->ipi), *what;
	char		 ip[16];
	uint32_t	 want;
	int		 i, match = 0;

	if (ipv4_parse(fx->host, &want) != 0)
		want = 0;
	if (q->rc == RESOLV_DONE) {
		for (i = 0; i < q->ans.naddr; i++)
			if (q->ans.addr[i] == want)
				match = 1;
	}
	if (match) {
		resolv_free(q, out);
		fx->rq = NULL;
		phone_log(p, out, TRACE_TLS, "certificate name %s resolves "
		    "to %s", name, fx->host);
		fx->step = FX_HTTP;
		fx->deadline = EMU_TIME_ADD(now, EMU_SEC(FETCH_IDLE_S));
		fetch_http_request(fx, p, out);
		return;
	}
	/* "name, which resolves to a and b" (bounded: TLS_IP_NAMES names
	 * of RESOLV_ADDRS addresses each). */
	what = q->rc != RESOLV_DONE || q->ans.naddr == 0 ?
	    ", which does not resolve" : ", which resolves to ";
	if (fx->ipwhy.len != 0)
		dbuf_add(&fx->ipwhy, "; ", 2);
	dbuf_add(&fx->ipwhy, name, strlen(name));
	dbuf_add(&fx->ipwhy, what, strlen(what));
	for (i = 0; q->rc == RESOLV_DONE && i < q->ans.naddr; i++) {
		if (i != 0)
			dbuf_add(&fx->ipwhy, " and ", 5);
		ipv4_str(q->ans.addr[i], ip);
		dbuf_add(&fx->ipwhy, ip, strlen(ip));
	}
	resolv_free(q, out);
	fx->rq = NULL;
	if (++fx->ipi < tls_ip_names(fx->tls)) {
		fetch_ipcheck_next(fx, p, now, out);
		return;
	}
	/* Checked and refused: no session is kept for this server. */
	tls_free(fx->tls, NULL);
	fx->tls = NULL;
	dbuf_add_u8(&fx->ipwhy, 0);
	fetch_finish(fx, p, EMU_E_TLS_NAME, now, out, "certificate names %s, "
	    "not %s", (const char *)fx->ipwhy.data, fx->host);
}

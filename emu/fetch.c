/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One file transfer of the phone: the DNS A lookup (9.7), then HTTP/1.1
 * (9.2-9.5: status table, redirects, Basic and Digest authentication with
 * at most two retries, timeouts) or TFTP (10: RRQ, octet, retransmission).
 * It ends with an emu_err and, on success, the body.  Sans-I/O: streams and
 * datagrams are actions, answers come back as events through prov.c.
 * HTTPS arrives with the TLS issue; until then an https URL fails with
 * EMU_E_TLS.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "emu.h"

#define FETCH_ADDRS		8
#define FETCH_CONNECT_S		10	/* 9.5 ASSUMPTION */
#define FETCH_IDLE_S		30
#define FETCH_TOTAL_S		120
#define FETCH_REDIRECTS		5	/* 9.3 */
#define FETCH_AUTH_RETRIES	2	/* 9.2 */
#define FETCH_DNS_TIMEOUT_S	5
#define FETCH_DNS_TRIES		2	/* per server */
#define FETCH_TFTP_TRIES	5	/* 10 ASSUMPTION: 5 timeouts in a row */

enum fetch_step {
	FX_DNS,
	FX_CONNECTING,
	FX_HTTP,
	FX_TFTP,
	FX_DONE
};

struct fetch {
	enum fetch_kind	 kind;
	enum fetch_step	 step;
	enum rule_scheme scheme;
	char		*host;
	uint16_t	 port;
	char		*path;
	int		 post;
	uint8_t		*body;
	size_t		 body_len;
	char		*uid, *pwd;
	size_t		 max_len;

	uint32_t	 addr[FETCH_ADDRS];
	int		 naddr, ai;

	uint16_t	 lport;		/* DNS and TFTP local port */
	uint16_t	 dns_id;
	int		 dns_server, dns_tries;

	int		 stream;	/* 0: none */
	int		 connected;
	struct http_msg	 resp;
	int		 resp_init;
	int		 auth_tries;
	int		 redirects;
	char		*authz;		/* header line for the next request */

	uint16_t	 sport;		/* TFTP server TID */
	uint16_t	 block;
	unsigned	 tries;
	struct dbuf	 last;		/* last TFTP packet, for retransmission */

	emu_time	 deadline;	/* step timeout */
	emu_time	 total;		/* whole-transfer limit */

	enum emu_err	 err;
	int		 status;
	struct dbuf	 data;
	char		*url;
	char		*detail;
	char		*cenc;
};

static void	fetch_begin(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_finish(struct fetch *, struct phone *, enum emu_err,
		    struct emu_outbox *, const char *, ...)
		    __attribute__((format(printf, 5, 6)));
static void	fetch_set_url(struct fetch *);
static void	fetch_dns_send(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_dns_input(struct fetch *, struct phone *,
		    const struct emu_event *, emu_time, struct emu_outbox *);
static void	fetch_connect(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static void	fetch_close_stream(struct fetch *, struct emu_outbox *);
static void	fetch_http_request(struct fetch *, struct phone *,
		    struct emu_outbox *);
static void	fetch_http_complete(struct fetch *, struct phone *, emu_time,
		    struct emu_outbox *);
static int	fetch_redirect(struct fetch *, const char *);
static int	fetch_auth(struct fetch *, struct phone *, int);
static void	fetch_tftp_send(struct fetch *, struct phone *,
		    struct emu_outbox *, const struct tftp_pkt *);
static void	fetch_tftp_input(struct fetch *, struct phone *,
		    const struct emu_event *, emu_time, struct emu_outbox *);
static void	fetch_digest_hex(const EVP_MD *, const char *, char *);

struct fetch *
fetch_start(struct phone *p, const struct fetch_req *rq, emu_time now,
    struct emu_outbox *out)
{
	struct fetch	*fx;

	fx = xcalloc(1, sizeof *fx);
	fx->scheme = rq->scheme;
	fx->kind = rq->scheme == RULE_TFTP ? FETCH_TFTP : FETCH_HTTP;
	fx->host = xstrdup(rq->host);
	fx->port = rq->port;
	fx->path = xstrdup(rq->path);
	fx->post = rq->post && fx->kind == FETCH_HTTP;
	if (fx->post && rq->body_len != 0) {
		fx->body = xmalloc(rq->body_len);
		memcpy(fx->body, rq->body, rq->body_len);
		fx->body_len = rq->body_len;
	}
	fx->uid = rq->uid != NULL ? xstrdup(rq->uid) : NULL;
	fx->pwd = rq->pwd != NULL ? xstrdup(rq->pwd) : NULL;
	fx->max_len = rq->max_len != 0 ? rq->max_len : PROFILE_MAX_LEN;
	fx->total = now + EMU_SEC(FETCH_TOTAL_S);
	fx->err = EMU_OK;
	dbuf_init(&fx->data);
	dbuf_init(&fx->last);
	fetch_set_url(fx);
	p->stats.fetches++;
	p->stats.last_status = 0;
	phone_note(p, out, EMU_NOTE_FETCH_START, 0, 0);
	fetch_begin(fx, p, now, out);
	return (fx);
}

void
fetch_free(struct fetch *fx, struct phone *p, struct emu_outbox *out)
{
	if (fx == NULL)
		return;
	fetch_close_stream(fx, out);
	if (fx->resp_init)
		http_msg_clear(&fx->resp);
	dbuf_clear(&fx->data);
	dbuf_clear(&fx->last);
	free(fx->host);
	free(fx->path);
	free(fx->body);
	free(fx->uid);
	free(fx->pwd);
	free(fx->authz);
	free(fx->url);
	free(fx->detail);
	free(fx->cenc);
	free(fx);
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
fetch_detail(const struct fetch *fx)
{
	return (fx->detail != NULL ? fx->detail : "");
}

const char *
fetch_content_encoding(const struct fetch *fx)
{
	return (fx->cenc);
}

emu_time
fetch_deadline(const struct fetch *fx)
{
	if (fx->step == FX_DONE)
		return (EMU_TIME_NEVER);
	return (fx->deadline < fx->total ? fx->deadline : fx->total);
}

static void
fetch_set_url(struct fetch *fx)
{
	free(fx->url);
	xasprintf(&fx->url, "%s://%s:%u%s", rule_scheme_name(fx->scheme),
	    fx->host, fx->port, fx->path);
}

static void
fetch_finish(struct fetch *fx, struct phone *p, enum emu_err err,
    struct emu_outbox *out, const char *fmt, ...)
{
	va_list	ap;

	if (fx->step == FX_DONE)
		return;
	fx->step = FX_DONE;
	fx->err = err;
	/* A status line seen before the failure is still the status. */
	if (fx->kind == FETCH_HTTP && fx->resp_init && fx->resp.head_done &&
	    fx->status == 0) {
		fx->status = fx->resp.status;
		p->stats.last_status = fx->status;
	}
	free(fx->detail);
	fx->detail = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&fx->detail, fmt, ap) < 0)
			fx->detail = NULL;
		va_end(ap);
	}
	fetch_close_stream(fx, out);
	phone_log(p, out, fx->kind == FETCH_TFTP ? TRACE_TFTP : TRACE_HTTP,
	    "%s: %s%s%s", fx->url, err == EMU_OK ? "ok" : emu_err_name(err),
	    fx->detail != NULL ? ": " : "", fx->detail != NULL ? fx->detail :
	    "");
	phone_note(p, out, EMU_NOTE_FETCH_DONE, err, fx->status);
}

/* Resolve the host, then connect or send the RRQ. */
static void
fetch_begin(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	uint32_t	a;

	fx->naddr = fx->ai = 0;
	if (fx->kind == FETCH_HTTP && fx->scheme == RULE_HTTPS) {
		fetch_finish(fx, p, EMU_E_TLS, out,
		    "HTTPS is not available in this version");
		return;
	}
	if (ipv4_parse(fx->host, &a) == 0) {
		fx->addr[fx->naddr++] = a;
		fetch_connect(fx, p, now, out);
		return;
	}
	if (p->dns[0] == 0) {
		fetch_finish(fx, p, EMU_E_DNS, out, "no DNS server for %s",
		    fx->host);
		return;
	}
	fx->step = FX_DNS;
	fx->dns_server = 0;
	fx->dns_tries = 0;
	fx->lport = phone_next_port(p);
	fetch_dns_send(fx, p, now, out);
}

static void
fetch_dns_send(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct dns_msg		*m;
	struct dbuf		 b;
	struct emu_action	*a;

	m = xmalloc(sizeof *m);
	fx->dns_id = (uint16_t)prng_next(&p->rng);
	dns_query(m, fx->dns_id, fx->host, DNS_T_A);
	dbuf_init(&b);
	dns_write(m, &b);
	a = emu_outbox_add(out, EMU_ACT_DGRAM, b.data, b.len);
	a->src_ip = p->ip;
	a->src_port = fx->lport;
	a->dst_ip = p->dns[fx->dns_server];
	a->dst_port = DNS_PORT;
	dbuf_clear(&b);
	free(m);
	fx->deadline = now + EMU_SEC(FETCH_DNS_TIMEOUT_S);
	phone_log(p, out, TRACE_DNS, "query A %s", fx->host);
}

static void
fetch_dns_input(struct fetch *fx, struct phone *p, const struct emu_event *ev,
    emu_time now, struct emu_outbox *out)
{
	struct dns_msg	*m;
	char		*cause = NULL;
	size_t		 i;

	m = xmalloc(sizeof *m);
	if (dns_parse(m, ev->data, ev->len, &cause) != 0) {
		phone_log(p, out, TRACE_DNS, "bad answer: %s", cause);
		free(cause);
		free(m);
		return;
	}
	if (!m->qr || m->id != fx->dns_id) {
		free(m);
		return;
	}
	for (i = 0; i < m->nan && fx->naddr < FETCH_ADDRS; i++) {
		if (m->an[i].type == DNS_T_A)
			fx->addr[fx->naddr++] = m->an[i].a;
	}
	free(m);
	if (fx->naddr == 0) {
		fetch_finish(fx, p, EMU_E_DNS, out, "%s has no A record",
		    fx->host);
		return;
	}
	fetch_connect(fx, p, now, out);
}

static void
fetch_connect(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct emu_action	*a;
	struct tftp_pkt		 t;

	ipv4_str(fx->addr[fx->ai], p->servip);
	if (fx->kind == FETCH_TFTP) {
		/* 10: ports 53240-53245 for a non-standard server port. */
		if (fx->port != TFTP_PORT)
			fx->lport = 53240 + (p->port_seq++ % 6);
		else
			fx->lport = phone_next_port(p);
		fx->step = FX_TFTP;
		fx->sport = 0;
		fx->block = 0;
		fx->tries = 0;
		dbuf_reset(&fx->data);
		tftp_init(&t);
		t.op = TFTP_RRQ;
		pf_strlcpy(t.file, fx->path, sizeof t.file);
		pf_strlcpy(t.mode, "octet", sizeof t.mode);
		fetch_tftp_send(fx, p, out, &t);
		fx->deadline = now + EMU_SEC(2);
		p->stats.requests++;
		return;
	}
	fx->step = FX_CONNECTING;
	fx->connected = 0;
	fx->stream = phone_next_stream(p);
	a = emu_outbox_add(out, EMU_ACT_OPEN, NULL, 0);
	a->stream = fx->stream;
	a->src_ip = p->ip;
	a->dst_ip = fx->addr[fx->ai];
	a->dst_port = fx->port;
	fx->deadline = now + EMU_SEC(FETCH_CONNECT_S);
}

static void
fetch_close_stream(struct fetch *fx, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (fx->stream == 0)
		return;
	if (out != NULL) {
		a = emu_outbox_add(out, EMU_ACT_CLOSE, NULL, 0);
		a->stream = fx->stream;
	}
	fx->stream = 0;
	fx->connected = 0;
}

static void
fetch_http_request(struct fetch *fx, struct phone *p, struct emu_outbox *out)
{
	struct emu_action	*a;
	struct dbuf		 b;
	const char		*hdrs[8];
	char			*host, *ua, *agent, *clen = NULL;
	int			 n = 0;

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
	if (fx->post) {
		hdrs[n++] = "Content-Type: application/x-www-form-urlencoded";
		xasprintf(&clen, "Content-Length: %zu", fx->body_len);
		hdrs[n++] = clen;
	}
	hdrs[n] = NULL;
	dbuf_init(&b);
	http_request_write(&b, fx->post ? "POST" : "GET", fx->path, hdrs,
	    fx->body, fx->body_len);
	a = emu_outbox_add(out, EMU_ACT_SEND, b.data, b.len);
	a->stream = fx->stream;
	dbuf_clear(&b);
	free(host);
	free(agent);
	free(clen);
	if (fx->resp_init)
		http_msg_clear(&fx->resp);
	http_msg_init(&fx->resp, 0, fx->max_len);
	fx->resp_init = 1;
	p->stats.requests++;
	phone_log(p, out, TRACE_HTTP, "%s %s", fx->post ? "POST" : "GET",
	    fx->url);
}

int
fetch_event(struct fetch *fx, struct phone *p, const struct emu_event *ev,
    emu_time now, struct emu_outbox *out)
{
	char	*cause = NULL;
	int	 rc;

	if (fx->step == FX_DONE)
		return (0);
	switch (ev->type) {
	case EMU_EV_DGRAM:
		if (ev->dst_port != fx->lport)
			return (0);
		if (fx->step == FX_DNS)
			fetch_dns_input(fx, p, ev, now, out);
		else if (fx->step == FX_TFTP)
			fetch_tftp_input(fx, p, ev, now, out);
		return (1);
	case EMU_EV_CONNECTED:
		if (ev->stream != fx->stream || fx->step != FX_CONNECTING)
			return (0);
		fx->connected = 1;
		fx->step = FX_HTTP;
		fetch_http_request(fx, p, out);
		fx->deadline = now + EMU_SEC(FETCH_IDLE_S);
		return (1);
	case EMU_EV_STREAM_ERROR:
		if (ev->stream != fx->stream)
			return (0);
		fx->stream = 0;
		if (fx->step == FX_CONNECTING && fx->ai + 1 < fx->naddr) {
			/* B59: try the next address. */
			fx->ai++;
			fetch_connect(fx, p, now, out);
			return (1);
		}
		fetch_finish(fx, p, fx->connected ? EMU_E_TRUNCATED :
		    EMU_E_CONNECT, out, "%s", fx->connected ?
		    "connection reset" : "connection refused");
		return (1);
	case EMU_EV_DATA:
		if (ev->stream != fx->stream || fx->step != FX_HTTP)
			return (0);
		fx->deadline = now + EMU_SEC(FETCH_IDLE_S);
		rc = http_msg_feed(&fx->resp, ev->data, ev->len, &cause);
		if (rc == HTTP_DONE)
			fetch_http_complete(fx, p, now, out);
		else if (rc == HTTP_TOOBIG)
			fetch_finish(fx, p, EMU_E_TOOBIG, out, "%s",
			    cause != NULL ? cause : "response too big");
		else if (rc == HTTP_ERROR)
			fetch_finish(fx, p, EMU_E_PROTO, out, "%s",
			    cause != NULL ? cause : "malformed response");
		free(cause);
		return (1);
	case EMU_EV_CLOSED:
		if (ev->stream != fx->stream || fx->step != FX_HTTP)
			return (0);
		fx->stream = 0;
		rc = http_msg_eof(&fx->resp, &cause);
		if (rc == HTTP_DONE)
			fetch_http_complete(fx, p, now, out);
		else
			fetch_finish(fx, p, fx->resp.head_done ?
			    EMU_E_TRUNCATED : EMU_E_PROTO, out, "%s",
			    cause != NULL ? cause : "connection closed");
		free(cause);
		return (1);
	default:
		return (0);
	}
}

void
fetch_timer(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	if (fx->step == FX_DONE || fetch_deadline(fx) > now)
		return;
	if (now >= fx->total) {
		fetch_finish(fx, p, EMU_E_TIMEOUT, out, "transfer took over %ds",
		    FETCH_TOTAL_S);
		return;
	}
	switch (fx->step) {
	case FX_DNS:
		if (++fx->dns_tries >= FETCH_DNS_TRIES) {
			fx->dns_tries = 0;
			if (fx->dns_server == 1 || p->dns[1] == 0) {
				fetch_finish(fx, p, EMU_E_DNS, out,
				    "no answer for %s", fx->host);
				return;
			}
			fx->dns_server = 1;
		}
		fetch_dns_send(fx, p, now, out);
		return;
	case FX_CONNECTING:
		fetch_close_stream(fx, out);
		if (fx->ai + 1 < fx->naddr) {
			fx->ai++;
			fetch_connect(fx, p, now, out);
			return;
		}
		fetch_finish(fx, p, EMU_E_TIMEOUT, out, "connect timed out");
		return;
	case FX_HTTP:
		fetch_finish(fx, p, EMU_E_TIMEOUT, out, "no data for %ds",
		    FETCH_IDLE_S);
		return;
	case FX_TFTP:
		if (++fx->tries >= FETCH_TFTP_TRIES) {
			fetch_finish(fx, p, EMU_E_TIMEOUT, out,
			    "no answer after %d tries", FETCH_TFTP_TRIES);
			return;
		}
		/* Retransmit the RRQ or the last ACK: 2, 4, 8 s (10). */
		{
			struct emu_action	*a;

			a = emu_outbox_add(out, EMU_ACT_DGRAM, fx->last.data,
			    fx->last.len);
			a->src_ip = p->ip;
			a->src_port = fx->lport;
			a->dst_ip = fx->addr[fx->ai];
			a->dst_port = fx->sport != 0 ? fx->sport : fx->port;
		}
		fx->deadline = now + EMU_SEC(fx->tries >= 2 ? 8 : 2 << fx->tries);
		return;
	default:
		return;
	}
}

/* Spec 9.2 and its phonefleet additions. */
static void
fetch_http_complete(struct fetch *fx, struct phone *p, emu_time now,
    struct emu_outbox *out)
{
	struct http_msg	*r = &fx->resp;
	const char	*v;
	int		 st = r->status;

	fx->status = st;
	p->stats.last_status = st;
	fetch_close_stream(fx, out);
	if ((v = http_msg_header(r, "Content-Encoding")) != NULL) {
		free(fx->cenc);
		fx->cenc = xstrdup(v);
	}
	if (st == 301 || st == 302) {
		v = http_msg_header(r, "Location");
		if (v == NULL || fetch_redirect(fx, v) != 0) {
			fetch_finish(fx, p, EMU_E_REDIRECT, out,
			    "%d with bad Location", st);
			return;
		}
		if (++fx->redirects > FETCH_REDIRECTS) {
			fetch_finish(fx, p, EMU_E_REDIRECT, out,
			    "more than %d redirects", FETCH_REDIRECTS);
			return;
		}
		phone_log(p, out, TRACE_HTTP, "%d to %s", st, fx->url);
		fetch_begin(fx, p, now, out);
		return;
	}
	if (st == 401 || st == 407) {
		if (fx->auth_tries >= FETCH_AUTH_RETRIES) {
			fetch_finish(fx, p, EMU_E_AUTH, out,
			    "%d after %d retries", st, FETCH_AUTH_RETRIES);
			return;
		}
		if (fetch_auth(fx, p, st == 407) != 0) {
			fetch_finish(fx, p, EMU_E_AUTH, out,
			    "%d and no credentials", st);
			return;
		}
		fx->auth_tries++;
		fetch_begin(fx, p, now, out);
		return;
	}
	if (st >= 200 && st < 300) {
		if (r->version_minor == 0 && r->chunked) {
			/* B52: chunked is HTTP/1.1 only. */
			fetch_finish(fx, p, EMU_E_CORRUPT, out,
			    "chunked body in an HTTP/1.0 response");
			return;
		}
		if (st == 204 || r->body.len == 0) {
			fetch_finish(fx, p, EMU_E_CORRUPT, out, "empty body");
			return;
		}
		dbuf_reset(&fx->data);
		dbuf_add(&fx->data, r->body.data, r->body.len);
		fetch_finish(fx, p, EMU_OK, out, NULL);
		return;
	}
	if (st == 404) {
		fetch_finish(fx, p, EMU_E_FNF, out, "404");
		return;
	}
	fetch_finish(fx, p, EMU_E_HTTP, out, "status %d", st);
}

/*
 * 9.3: an absolute or relative Location replaces the URL for this attempt
 * only.  Returns -1 if it cannot be used.
 */
static int
fetch_redirect(struct fetch *fx, const char *loc)
{
	const char	*s = loc, *slash, *colon;
	enum rule_scheme scheme;
	char		*host, *dir;
	uint64_t	 port;
	char		*portstr;

	if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) ==
	    0) {
		scheme = tolower((unsigned char)s[4]) == 's' ? RULE_HTTPS :
		    RULE_HTTP;
		s += scheme == RULE_HTTPS ? 8 : 7;
		slash = strchr(s, '/');
		host = slash != NULL ? xstrndup(s, slash - s) : xstrdup(s);
		port = scheme == RULE_HTTPS ? 443 : 80;
		if ((colon = strchr(host, ':')) != NULL) {
			portstr = xstrdup(colon + 1);
			host[colon - host] = '\0';
			if (parse_uint(portstr, 1, 65535, &port, NULL) != 0) {
				free(portstr);
				free(host);
				return (-1);
			}
			free(portstr);
		}
		if (*host == '\0') {
			free(host);
			return (-1);
		}
		free(fx->host);
		fx->host = host;
		fx->scheme = scheme;
		fx->port = port;
		free(fx->path);
		fx->path = xstrdup(slash != NULL ? slash : "/");
	} else if (*s == '/') {
		free(fx->path);
		fx->path = xstrdup(s);
	} else if (*s != '\0' && strstr(s, "://") == NULL) {
		dir = xstrdup(fx->path);
		if ((slash = strrchr(dir, '/')) != NULL)
			dir[slash - dir + 1] = '\0';
		free(fx->path);
		xasprintf(&fx->path, "%s%s", dir, s);
		free(dir);
	} else
		return (-1);
	fetch_set_url(fx);
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
 * 9.4: credentials from the rule, else the profile account (or the proxy
 * account for 407); Basic or Digest as the challenge asks.
 */
static int
fetch_auth(struct fetch *fx, struct phone *p, int proxy)
{
	const char	*user = NULL, *pass = NULL, *type, *chal;
	char		 scheme[32], realm[256], nonce[256], qop[64], algo[32];
	char		 opaque[256];
	char		*a1, *a2, *resp, *up, *b64;
	char		 ha1[129], ha2[129], rh[129], cnonce[17];
	const EVP_MD	*md;

	chal = http_msg_header(&fx->resp, proxy ? "Proxy-Authenticate" :
	    "WWW-Authenticate");
	if (proxy) {
		user = phone_param(p, P_PROXY_USERNAME);
		pass = phone_param(p, P_PROXY_PASSWORD);
	} else if (fx->uid != NULL) {
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
	free(fx->authz);
	fx->authz = NULL;
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
		snprintf(cnonce, sizeof cnonce, "%016llx",
		    (unsigned long long)prng_next(&p->rng));
		xasprintf(&a1, "%s:%s:%s", user, realm, pass);
		xasprintf(&a2, "%s:%s", fx->post ? "POST" : "GET", fx->path);
		fetch_digest_hex(md, a1, ha1);
		fetch_digest_hex(md, a2, ha2);
		if (qop[0] != '\0')
			xasprintf(&resp, "%s:%s:00000001:%s:auth:%s", ha1, nonce,
			    cnonce, ha2);
		else
			xasprintf(&resp, "%s:%s:%s", ha1, nonce, ha2);
		fetch_digest_hex(md, resp, rh);
		xasprintf(&fx->authz, "%s: Digest username=\"%s\", "
		    "realm=\"%s\", nonce=\"%s\", uri=\"%s\", algorithm=%s, "
		    "response=\"%s\"%s%s%s%s%s%s",
		    proxy ? "Proxy-Authorization" : "Authorization", user, realm,
		    nonce, fx->path, algo, rh,
		    qop[0] != '\0' ? ", qop=auth, nc=00000001, cnonce=\"" : "",
		    qop[0] != '\0' ? cnonce : "", qop[0] != '\0' ? "\"" : "",
		    opaque[0] != '\0' ? ", opaque=\"" : "", opaque,
		    opaque[0] != '\0' ? "\"" : "");
		free(a1);
		free(a2);
		free(resp);
		return (0);
	}
	xasprintf(&up, "%s:%s", user, pass);
	b64 = http_base64(up, strlen(up));
	xasprintf(&fx->authz, "%s: Basic %s",
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
	a->src_ip = p->ip;
	a->src_port = fx->lport;
	a->dst_ip = fx->addr[fx->ai];
	a->dst_port = fx->sport != 0 ? fx->sport : fx->port;
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
		a->src_ip = p->ip;
		a->src_port = fx->lport;
		a->dst_ip = ev->src_ip;
		a->dst_port = ev->src_port;
		dbuf_clear(&b);
		return;
	}
	if (t.op == TFTP_ERROR) {
		fx->status = t.code;
		/* 8.6: an error after the first block is a truncation (C). */
		if (t.code == TFTP_ENOTFOUND && fx->block == 0)
			fetch_finish(fx, p, EMU_E_FNF, out, "error 1: %s",
			    t.msg);
		else
			fetch_finish(fx, p, fx->block > 0 ? EMU_E_TRUNCATED :
			    EMU_E_TFTP, out, "error %u: %s", t.code, t.msg);
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
	if (fx->data.len + t.len > fx->max_len) {
		tftp_init(&r);
		r.op = TFTP_ERROR;
		r.code = TFTP_ENOSPACE;
		pf_strlcpy(r.msg, "File too big", sizeof r.msg);
		fetch_tftp_send(fx, p, out, &r);
		fetch_finish(fx, p, EMU_E_TOOBIG, out, "over %zu bytes",
		    fx->max_len);
		return;
	}
	dbuf_add(&fx->data, t.data, t.len);
	fx->block = t.block;
	fx->tries = 0;
	tftp_init(&r);
	r.op = TFTP_ACK;
	r.block = fx->block;
	fetch_tftp_send(fx, p, out, &r);
	fx->deadline = now + EMU_SEC(2);
	if (t.len < TFTP_BLKSIZE) {
		fx->status = 0;
		fetch_finish(fx, p, EMU_OK, out, NULL);
	}
}

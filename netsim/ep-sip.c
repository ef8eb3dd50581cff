/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A SIP NOTIFY sender (spec 16.3): the remote-trigger side of a soft switch
 * on a simulated host.  Each ep_sip_notify() is one non-INVITE client
 * transaction over UDP (RFC 3261 17.1.2): the NOTIFY is sent, retransmitted
 * at Timer E (T1 doubling up to T2, then T2 after a provisional answer)
 * until a final answer or Timer F (64 x T1) gives up.  A 401 with a Digest
 * challenge is answered once, with credentials the caller gave (RFC 3261
 * 22.2: a new CSeq, the same Call-ID); any other final status, or a
 * second 401, ends the transaction.  Its result (final status, or 0 for no
 * answer) goes to the done callback.  Sans-I/O: datagrams and time in,
 * struct ep_out actions out.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim.h"

struct ep_sip_tx {
	uint32_t		 id;
	uint32_t		 dst_ip;
	uint16_t		 dst_port;
	char			*event;		/* owned */
	char			*user;		/* owned, or NULL */
	char			*pass;		/* owned, or NULL */
	uint64_t		 tag;
	char			 call_id[64];
	uint32_t		 cseq;
	char			 branch[32];
	char			*authz;		/* owned: Authorization, or NULL */
	struct dbuf		 req;		/* the request on the wire */
	unsigned		 sends;
	int			 challenged;
	int			 provisional;
	emu_time		 start;
	emu_time		 interval;	/* Timer E */
	emu_time		 next;		/* next retransmission */
	emu_time		 give_up;	/* Timer F */
	TAILQ_ENTRY(ep_sip_tx)	 entry;
};
TAILQ_HEAD(ep_sip_txs, ep_sip_tx);

struct ep_sip {
	uint32_t		 ip;
	uint16_t		 port;
	uint32_t		 seq;
	struct ep_sip_txs	 txs;		/* owned */
	size_t			 ntx;
	ep_sip_done_cb		 done;
	void			*done_arg;
	struct ep_sip_stats	 stats;
};

static void	ep_sip_send(struct ep_sip *, struct ep_sip_tx *, emu_time,
		    struct ep_out *);
static int	ep_sip_build(struct ep_sip *, struct ep_sip_tx *);
static void	ep_sip_finish(struct ep_sip *, struct ep_sip_tx *, int,
		    emu_time);
static void	ep_sip_tx_free(struct ep_sip_tx *);
static int	ep_sip_authorize(struct ep_sip_tx *, const char *);

struct ep_sip *
ep_sip_create(uint32_t my_ip, uint16_t port)
{
	struct ep_sip	*e;

	e = xcalloc(1, sizeof *e);
	e->ip = my_ip;
	e->port = port != 0 ? port : SIP_PORT;
	TAILQ_INIT(&e->txs);
	return (e);
}

void
ep_sip_free(struct ep_sip *e)
{
	struct ep_sip_tx	*tx, *tmp;

	if (e == NULL)
		return;
	TAILQ_FOREACH_SAFE(tx, &e->txs, entry, tmp) {
		TAILQ_REMOVE(&e->txs, tx, entry);
		ep_sip_tx_free(tx);
	}
	free(e);
}

void
ep_sip_set_done(struct ep_sip *e, ep_sip_done_cb cb, void *arg)
{
	e->done = cb;
	e->done_arg = arg;
}

const struct ep_sip_stats *
ep_sip_stats(const struct ep_sip *e)
{
	return (&e->stats);
}

/*
 * Start a NOTIFY transaction; returns its id (never 0), or 0 when the
 * request cannot be written (a value with a control character) or too
 * many are open.
 */
uint32_t
ep_sip_notify(struct ep_sip *e, const struct ep_sip_req *rq, emu_time now,
    struct ep_out *out)
{
	struct ep_sip_tx	*tx;

	if (e->ntx >= EP_SIP_TX_MAX || rq->event == NULL)
		return (0);
	tx = xcalloc(1, sizeof *tx);
	tx->id = ++e->seq == 0 ? ++e->seq : e->seq;
	tx->dst_ip = rq->dst_ip;
	tx->dst_port = rq->dst_port != 0 ? rq->dst_port : SIP_PORT;
	tx->event = xstrdup(rq->event);
	tx->user = rq->user != NULL ? xstrdup(rq->user) : NULL;
	tx->pass = rq->pass != NULL ? xstrdup(rq->pass) : NULL;
	tx->tag = rq->tag;
	snprintf(tx->call_id, sizeof tx->call_id, "%08x-%u@%u.%u.%u.%u",
	    (unsigned)(rq->tag & 0xffffffffu), tx->id, e->ip >> 24,
	    (e->ip >> 16) & 0xff, (e->ip >> 8) & 0xff, e->ip & 0xff);
	tx->cseq = 1;
	tx->start = now;
	dbuf_init(&tx->req);
	if (ep_sip_build(e, tx) != 0) {
		ep_sip_tx_free(tx);
		return (0);
	}
	TAILQ_INSERT_TAIL(&e->txs, tx, entry);
	e->ntx++;
	e->stats.notifies++;
	ep_sip_send(e, tx, now, out);
	return (tx->id);
}

/* The request of tx's current CSeq: a new branch for each (RFC 3261 8.1.1.7). */
static int
ep_sip_build(struct ep_sip *e, struct ep_sip_tx *tx)
{
	struct sip_msg	 m;
	char		 ip[16], dip[16];
	static const char *const extra[] = { "Max-Forwards: 70",
	    "Subscription-State: terminated", NULL };

	ipv4_str(e->ip, ip);
	ipv4_str(tx->dst_ip, dip);
	sip_msg_init(&m);
	m.is_request = 1;
	pf_strlcpy(m.method, "NOTIFY", sizeof m.method);
	snprintf(m.uri, sizeof m.uri, "sip:%s:%u", dip, tx->dst_port);
	snprintf(tx->branch, sizeof tx->branch, "z9hG4bK%08x%04x", tx->id,
	    tx->cseq & 0xffff);
	snprintf(m.via[0], sizeof m.via[0], "SIP/2.0/UDP %s:%u;branch=%s;"
	    "rport", ip, e->port, tx->branch);
	m.nvia = 1;
	snprintf(m.from, sizeof m.from, "<sip:phonefleet@%s>;tag=%llx", ip,
	    (unsigned long long)tx->tag);
	snprintf(m.to, sizeof m.to, "<sip:%s>", dip);
	pf_strlcpy(m.call_id, tx->call_id, sizeof m.call_id);
	m.cseq = tx->cseq;
	pf_strlcpy(m.cseq_method, "NOTIFY", sizeof m.cseq_method);
	if (pf_strlcpy(m.event, tx->event, sizeof m.event) >= sizeof m.event)
		return (-1);
	if (tx->authz != NULL && pf_strlcpy(m.authorization, tx->authz,
	    sizeof m.authorization) >= sizeof m.authorization)
		return (-1);
	dbuf_reset(&tx->req);
	return (sip_msg_write(&m, extra, &tx->req));
}

/* (Re)start Timer E and F for the request just built, and send it. */
static void
ep_sip_send(struct ep_sip *e, struct ep_sip_tx *tx, emu_time now,
    struct ep_out *out)
{
	struct ep_act	*a;

	a = ep_out_add(out, EP_ACT_DGRAM, tx->req.data, tx->req.len);
	a->src_ip = e->ip;
	a->src_port = e->port;
	a->dst_ip = tx->dst_ip;
	a->dst_port = tx->dst_port;
	a->at = now;
	tx->sends++;
	tx->provisional = 0;
	tx->interval = EMU_MS(SIP_T1_MS);
	tx->next = EMU_TIME_ADD(now, tx->interval);
	tx->give_up = EMU_TIME_ADD(now, EMU_MS(SIP_TF_MS));
}

/* An answer from a phone. */
void
ep_sip_input(struct ep_sip *e, const uint8_t *pkt, size_t len,
    uint32_t src_ip, uint16_t src_port, emu_time now, struct ep_out *out)
{
	struct sip_msg		 m;
	struct ep_sip_tx	*tx;
	char			 branch[32];

	if (sip_msg_parse(&m, pkt, len, NULL) != 0 || m.is_request) {
		e->stats.bad++;
		return;
	}
	if (sip_msg_param(m.via[0], "branch", branch, sizeof branch) != 0)
		branch[0] = '\0';
	TAILQ_FOREACH(tx, &e->txs, entry) {
		/* RFC 3261 17.1.3: branch and CSeq method. */
		if (strcmp(tx->branch, branch) == 0 &&
		    strcmp(m.cseq_method, "NOTIFY") == 0 &&
		    m.cseq == tx->cseq && strcmp(m.call_id, tx->call_id) == 0)
			break;
	}
	if (tx == NULL) {
		e->stats.stray++;
		return;		/* late or duplicate answer */
	}
	if (m.status < 200) {
		/* 17.1.2.2: Proceeding: retransmit at T2. */
		tx->provisional = 1;
		return;
	}
	if ((m.status == 401 || m.status == 407) && !tx->challenged &&
	    tx->user != NULL) {
		tx->challenged = 1;
		if (ep_sip_authorize(tx, m.www_authenticate) == 0) {
			tx->cseq++;
			if (ep_sip_build(e, tx) == 0) {
				e->stats.challenges++;
				ep_sip_send(e, tx, now, out);
				return;
			}
		}
	}
	ep_sip_finish(e, tx, m.status, now);
}

/* Answer a Digest challenge with tx's credentials (RFC 3261 22.4). */
static int
ep_sip_authorize(struct ep_sip_tx *tx, const char *chal)
{
	char	 scheme[16], realm[256], nonce[256], qop[64], alg[32];
	char	 uri[128], resp[HTTP_DIGEST_HEX], cnonce[17], ip[16];
	int	 auth;

	if (http_auth_param(chal, "scheme", scheme, sizeof scheme) != 0 ||
	    pf_strcasecmp_ascii(scheme, "Digest") != 0 ||
	    http_auth_param(chal, "nonce", nonce, sizeof nonce) != 0)
		return (-1);
	if (http_auth_param(chal, "realm", realm, sizeof realm) != 0)
		realm[0] = '\0';
	if (http_auth_param(chal, "algorithm", alg, sizeof alg) != 0)
		pf_strlcpy(alg, "MD5", sizeof alg);
	/* qop is a list: "auth" if offered, else none (RFC 2069). */
	auth = http_auth_param(chal, "qop", qop, sizeof qop) == 0 &&
	    http_has_token(qop, "auth");
	snprintf(uri, sizeof uri, "sip:%s:%u", ipv4_str(tx->dst_ip, ip),
	    tx->dst_port);
	snprintf(cnonce, sizeof cnonce, "%016llx",
	    (unsigned long long)(tx->tag ^ ((uint64_t)tx->id << 32)));
	if (http_digest_response(alg, tx->user, realm,
	    tx->pass != NULL ? tx->pass : "", "NOTIFY", uri, nonce,
	    "00000001", cnonce, auth ? "auth" : NULL, resp) != 0)
		return (-1);
	if (strchr(realm, '"') != NULL || strchr(nonce, '"') != NULL ||
	    strchr(tx->user, '"') != NULL || strchr(realm, '\\') != NULL ||
	    strchr(nonce, '\\') != NULL || strchr(tx->user, '\\') != NULL)
		return (-1);
	free(tx->authz);
	xasprintf(&tx->authz, "Digest username=\"%s\", realm=\"%s\", "
	    "nonce=\"%s\", uri=\"%s\", response=\"%s\", algorithm=%s%s%s%s",
	    tx->user, realm, nonce, uri, resp, alg,
	    auth ? ", qop=auth, nc=00000001, cnonce=\"" : "",
	    auth ? cnonce : "", auth ? "\"" : "");
	return (0);
}

emu_time
ep_sip_deadline(const struct ep_sip *e)
{
	struct ep_sip_tx	*tx;
	emu_time		 t = EMU_TIME_NEVER;

	TAILQ_FOREACH(tx, &e->txs, entry) {
		if (tx->next < t)
			t = tx->next;
		if (tx->give_up < t)
			t = tx->give_up;
	}
	return (t);
}

/* Timer E retransmits, Timer F gives up (status 0). */
void
ep_sip_timer(struct ep_sip *e, emu_time now, struct ep_out *out)
{
	struct ep_sip_tx	*tx, *tmp;
	struct ep_act		*a;
	emu_time		 t2 = EMU_MS(SIP_T2_MS);

	TAILQ_FOREACH_SAFE(tx, &e->txs, entry, tmp) {
		if (tx->give_up <= now) {
			ep_sip_finish(e, tx, 0, now);
			continue;
		}
		if (tx->next > now)
			continue;
		/* 17.1.2.2: double up to T2; T2 once proceeding. */
		tx->interval = tx->provisional ? t2 : tx->interval * 2 > t2 ?
		    t2 : tx->interval * 2;
		tx->next = EMU_TIME_ADD(now, tx->interval);
		a = ep_out_add(out, EP_ACT_DGRAM, tx->req.data, tx->req.len);
		a->src_ip = e->ip;
		a->src_port = e->port;
		a->dst_ip = tx->dst_ip;
		a->dst_port = tx->dst_port;
		a->at = now;
		tx->sends++;
		e->stats.retransmits++;
	}
}

static void
ep_sip_finish(struct ep_sip *e, struct ep_sip_tx *tx, int status,
    emu_time now)
{
	struct ep_sip_result	r;

	memset(&r, 0, sizeof r);
	r.id = tx->id;
	r.dst_ip = tx->dst_ip;
	r.event = tx->event;
	r.status = status;
	r.challenged = tx->challenged;
	r.sends = tx->sends;
	r.tag = tx->tag;
	r.start = tx->start;
	r.end = now;
	if (status == 0)
		e->stats.timeouts++;
	else
		e->stats.answered++;
	TAILQ_REMOVE(&e->txs, tx, entry);
	e->ntx--;
	if (e->done != NULL)
		e->done(e->done_arg, &r);
	ep_sip_tx_free(tx);
}

static void
ep_sip_tx_free(struct ep_sip_tx *tx)
{
	free(tx->event);
	free(tx->user);
	free(tx->pass);
	free(tx->authz);
	dbuf_clear(&tx->req);
	free(tx);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's SIP stub: remote triggers by NOTIFY (spec 16.3, B110).  The
 * phone listens on SIP_Port_1_ (5060) over UDP; a NOTIFY with Event
 * resync, reboot_now, restart_now or report is challenged with 401 and a
 * Digest nonce from the phone's PRNG, and acted upon only when a repeat
 * carries a Digest answer made with the line credentials (User_ID_1_, or
 * Auth_ID_1_ when Use_Auth_ID_1_ is Yes, and Password_1_).  Wrong
 * credentials get 403 and change nothing.  What to do is returned to the
 * hub (enum sip_rc); this module never reboots or resyncs by itself.
 *
 * A retransmitted request (same Call-ID, CSeq and top Via branch) gets the
 * answer it had, without acting twice (RFC 3261 17.2.2, Timer J).  The
 * answer goes to the datagram's source address and port (RFC 3581 style),
 * not to the Via's sent-by.  No registration, dialogs or calls: those are
 * events from the scenario (EMU_EV_CALL).
 *
 * Decisions (ASSUMPTION): the realm is Proxy_1_, or the phone's address
 * when it is empty; a nonce lives SIP_NONCE_LIFE_S; an unknown or expired
 * nonce is challenged again (stale=TRUE); with no line user at all every
 * NOTIFY is refused (403).  Resync_From_SIP=No: the authenticated NOTIFY
 * is answered 200 and ignored (16.3: "only if Resync_From_SIP=Yes").
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu-int.h"

#define SIP_NONCES		4	/* outstanding challenges kept */
#define SIP_NONCE_LIFE_S	300
#define SIP_TXS			4	/* answered requests remembered */
#define SIP_AUTH_FIELD		256	/* one Authorization parameter */

struct sip_nonce {
	char		 v[33];		/* 32 hex digits, "" unused */
	emu_time	 expires;
};
struct sip_tx {
	char		 call_id[128];
	uint32_t	 cseq;
	char		 branch[64];
	emu_time	 expires;	/* Timer J; 0: unused */
	uint8_t		*resp;		/* owned: the answer sent */
	size_t		 len;
};
struct sip {
	struct sip_nonce nonce[SIP_NONCES];
	unsigned	 nonce_next;
	struct sip_tx	 tx[SIP_TXS];
};

static struct sip_tx *sip_tx_find(struct sip *, const struct sip_msg *,
		    const char *, emu_time);
static void	sip_answer(struct phone *, const struct emu_event *,
		    const struct sip_msg *, int, const char *, const char *,
		    emu_time, struct emu_outbox *);
static int	sip_check_auth(struct phone *, const struct sip_msg *,
		    emu_time, struct emu_outbox *);
static void	sip_challenge(struct phone *, const char *, int, char *,
		    size_t, emu_time);
static const char *sip_realm(struct phone *, char *, size_t);
static const char *sip_auth_user(struct phone *);
static uint16_t	sip_port(struct phone *);

/* At boot: receive on SIP_Port_1_ (the runtime maps it to EMU_FLOW_SIP). */
void
sip_listen(struct phone *p, struct emu_outbox *out)
{
	struct emu_action	*a;

	a = emu_outbox_add(out, EMU_ACT_LISTEN, NULL, 0);
	a->u.listen.flow = EMU_FLOW_SIP;
	a->u.listen.port = sip_port(p);
}

/* Power off: the port is closed; answers and nonces are forgotten. */
void
sip_close(struct phone *p, struct emu_outbox *out)
{
	struct emu_action	*a;

	if (out != NULL) {
		a = emu_outbox_add(out, EMU_ACT_UNBIND, NULL, 0);
		a->u.flow = EMU_FLOW_SIP;
	}
	sip_free(p->sip);
	p->sip = NULL;
}

void
sip_free(struct sip *s)
{
	int	i;

	if (s == NULL)
		return;
	for (i = 0; i < SIP_TXS; i++)
		free(s->tx[i].resp);
	free(s);
}

/* A datagram on EMU_FLOW_SIP. */
enum sip_rc
sip_input(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	struct sip_msg		 m;
	struct sip_tx		*tx;
	struct emu_action	*a;
	char			*cause = NULL, branch[64], www[256], ip[16];
	const char		*ev_name;
	enum sip_rc		 rc;
	int			 auth;

	if (sip_msg_parse(&m, ev->data, ev->len, &cause) != 0) {
		/* No Via to answer to: dropped (RFC 3261 16.3 style). */
		phone_log(p, out, TRACE_NET, "SIP from %s: %s",
		    ipv4_str(ev->src_ip, ip), cause);
		free(cause);
		return (SIP_RC_NONE);
	}
	if (!m.is_request || strcmp(m.method, "ACK") == 0)
		return (SIP_RC_NONE);
	if (p->sip == NULL)
		p->sip = xcalloc(1, sizeof *p->sip);
	if (sip_msg_param(m.via[0], "branch", branch, sizeof branch) != 0)
		branch[0] = '\0';
	if ((tx = sip_tx_find(p->sip, &m, branch, now)) != NULL) {
		/* 17.2.2: a retransmission gets the same answer. */
		a = emu_outbox_add(out, EMU_ACT_DGRAM, tx->resp, tx->len);
		a->u.dgram.flow = EMU_FLOW_SIP;
		a->u.dgram.src_ip = p->ip;
		a->u.dgram.src_port = sip_port(p);
		a->u.dgram.dst_ip = ev->src_ip;
		a->u.dgram.dst_port = ev->src_port;
		phone_log(p, out, TRACE_NET, "SIP %s retransmitted: answered "
		    "again", m.method);
		return (SIP_RC_NONE);
	}
	if (strcmp(m.method, "NOTIFY") != 0) {
		sip_answer(p, ev, &m, 405, NULL, "Allow: NOTIFY", now, out);
		return (SIP_RC_NONE);
	}
	ev_name = m.event;
	if (pf_strcasecmp_ascii(ev_name, "resync") == 0)
		rc = SIP_RC_RESYNC;
	else if (pf_strcasecmp_ascii(ev_name, "reboot_now") == 0)
		rc = SIP_RC_REBOOT;
	else if (pf_strcasecmp_ascii(ev_name, "restart_now") == 0)
		rc = SIP_RC_RESTART;
	else if (pf_strcasecmp_ascii(ev_name, "report") == 0)
		rc = SIP_RC_REPORT;
	else {
		/* RFC 6665 8.2.1 */
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY: event \"%s\" not "
		    "supported", ev_name);
		sip_answer(p, ev, &m, 489, NULL, NULL, now, out);
		return (SIP_RC_NONE);
	}
	auth = sip_check_auth(p, &m, now, out);
	if (auth != 200) {
		/* B110: challenged (401) or refused (403): nothing done. */
		www[0] = '\0';
		if (auth == 401)
			sip_challenge(p, "WWW-Authenticate: ", m.authorization[0]
			    != '\0', www, sizeof www, now);
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY %s: %d", ev_name,
		    auth);
		sip_answer(p, ev, &m, auth, NULL, www[0] != '\0' ? www : NULL,
		    now, out);
		return (SIP_RC_NONE);
	}
	sip_answer(p, ev, &m, 200, NULL, NULL, now, out);
	if (rc == SIP_RC_RESYNC &&
	    !param_is_true(phone_param(p, P_RESYNC_FROM_SIP))) {
		/* B110: Resync_From_SIP=No: ignored. */
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY resync ignored: "
		    "Resync_From_SIP is No");
		return (SIP_RC_NONE);
	}
	phone_log(p, out, TRACE_PROV, "SIP NOTIFY %s authenticated", ev_name);
	return (rc);
}

/* An answered request with this Call-ID, CSeq and branch, not expired. */
static struct sip_tx *
sip_tx_find(struct sip *s, const struct sip_msg *m, const char *branch,
    emu_time now)
{
	int	i;

	for (i = 0; i < SIP_TXS; i++) {
		if (s->tx[i].resp == NULL || s->tx[i].expires <= now)
			continue;
		if (s->tx[i].cseq == m->cseq &&
		    strcmp(s->tx[i].call_id, m->call_id) == 0 &&
		    strcmp(s->tx[i].branch, branch) == 0)
			return (&s->tx[i]);
	}
	return (NULL);
}

/* Send a final answer to m and remember it for retransmissions. */
static void
sip_answer(struct phone *p, const struct emu_event *ev,
    const struct sip_msg *m, int status, const char *reason,
    const char *extra, emu_time now, struct emu_outbox *out)
{
	struct sip_msg		 r;
	struct sip_tx		*tx;
	struct emu_action	*a;
	struct dbuf		 b;
	const char		*hdrs[2] = { extra, NULL };
	char			 tag[17];
	int			 i;

	snprintf(tag, sizeof tag, "%016llx",
	    (unsigned long long)prng_next(&p->rng));
	sip_msg_reply(m, status, reason, tag, &r);
	dbuf_init(&b);
	if (sip_msg_write(&r, hdrs, &b) != 0) {
		dbuf_clear(&b);
		return;
	}
	a = emu_outbox_add(out, EMU_ACT_DGRAM, b.data, b.len);
	a->u.dgram.flow = EMU_FLOW_SIP;
	a->u.dgram.src_ip = p->ip;
	a->u.dgram.src_port = sip_port(p);
	a->u.dgram.dst_ip = ev->src_ip;
	a->u.dgram.dst_port = ev->src_port;
	/* Keep it in the oldest slot (Timer J, RFC 3261 17.2.2). */
	tx = &p->sip->tx[0];
	for (i = 1; i < SIP_TXS; i++) {
		if (p->sip->tx[i].expires < tx->expires)
			tx = &p->sip->tx[i];
	}
	free(tx->resp);
	pf_strlcpy(tx->call_id, m->call_id, sizeof tx->call_id);
	tx->cseq = m->cseq;
	if (sip_msg_param(m->via[0], "branch", tx->branch,
	    sizeof tx->branch) != 0)
		tx->branch[0] = '\0';
	tx->expires = EMU_TIME_ADD(now, EMU_MS(SIP_TF_MS));
	tx->resp = dbuf_steal(&b, &tx->len);
}

/*
 * B110: 200 when m carries a Digest answer to one of our nonces made with
 * the line credentials; 401 to challenge (none, or a nonce we do not
 * know); 403 for wrong credentials.
 */
static int
sip_check_auth(struct phone *p, const struct sip_msg *m, emu_time now,
    struct emu_outbox *out)
{
	const char	*h = m->authorization, *user = sip_auth_user(p);
	const char	*pass = phone_get(p, "Password_1_");
	char		 scheme[16], f_user[SIP_AUTH_FIELD];
	char		 f_realm[SIP_AUTH_FIELD], f_nonce[SIP_AUTH_FIELD];
	char		 f_uri[SIP_AUTH_FIELD], f_resp[SIP_AUTH_FIELD];
	char		 f_qop[32], f_nc[32], f_cnonce[SIP_AUTH_FIELD];
	char		 f_alg[32], realm[SIP_AUTH_FIELD];
	char		 want[HTTP_DIGEST_HEX];
	int		 i, known = 0;

	if (*user == '\0') {
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY: no line user to "
		    "authenticate");
		return (403);
	}
	if (*h == '\0')
		return (401);
	if (http_auth_param(h, "scheme", scheme, sizeof scheme) != 0 ||
	    pf_strcasecmp_ascii(scheme, "Digest") != 0 ||
	    http_auth_param(h, "username", f_user, sizeof f_user) != 0 ||
	    http_auth_param(h, "realm", f_realm, sizeof f_realm) != 0 ||
	    http_auth_param(h, "nonce", f_nonce, sizeof f_nonce) != 0 ||
	    http_auth_param(h, "uri", f_uri, sizeof f_uri) != 0 ||
	    http_auth_param(h, "response", f_resp, sizeof f_resp) != 0) {
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY: unreadable "
		    "Authorization");
		return (401);
	}
	for (i = 0; i < SIP_NONCES; i++) {
		if (p->sip->nonce[i].v[0] != '\0' &&
		    p->sip->nonce[i].expires > now &&
		    strcmp(p->sip->nonce[i].v, f_nonce) == 0)
			known = 1;
	}
	if (!known)
		return (401);
	if (http_auth_param(h, "qop", f_qop, sizeof f_qop) != 0)
		f_qop[0] = '\0';
	if (http_auth_param(h, "nc", f_nc, sizeof f_nc) != 0)
		f_nc[0] = '\0';
	if (http_auth_param(h, "cnonce", f_cnonce, sizeof f_cnonce) != 0)
		f_cnonce[0] = '\0';
	if (http_auth_param(h, "algorithm", f_alg, sizeof f_alg) != 0)
		pf_strlcpy(f_alg, "MD5", sizeof f_alg);
	if (strcmp(f_user, user) != 0 ||
	    strcmp(f_realm, sip_realm(p, realm, sizeof realm)) != 0 ||
	    http_digest_response(f_alg, user, realm, pass != NULL ? pass : "",
	    m->method, f_uri, f_nonce, f_nc, f_cnonce, f_qop, want) != 0 ||
	    pf_strcasecmp_ascii(want, f_resp) != 0) {
		phone_log(p, out, TRACE_PROV, "SIP NOTIFY: wrong credentials");
		return (403);
	}
	return (200);
}

/* A fresh nonce in the oldest slot, and the header that carries it. */
static void
sip_challenge(struct phone *p, const char *prefix, int stale, char *buf,
    size_t size, emu_time now)
{
	struct sip_nonce	*n;
	char			 realm[SIP_AUTH_FIELD];

	n = &p->sip->nonce[p->sip->nonce_next++ % SIP_NONCES];
	snprintf(n->v, sizeof n->v, "%016llx%016llx",
	    (unsigned long long)prng_next(&p->rng),
	    (unsigned long long)prng_next(&p->rng));
	n->expires = EMU_TIME_ADD(now, EMU_SEC(SIP_NONCE_LIFE_S));
	snprintf(buf, size, "%sDigest realm=\"%s\", nonce=\"%s\", "
	    "algorithm=MD5, qop=\"auth\"%s", prefix,
	    sip_realm(p, realm, sizeof realm), n->v,
	    stale ? ", stale=TRUE" : "");
}

/* ASSUMPTION: Proxy_1_, else the phone's address; never '"' or '\\'. */
static const char *
sip_realm(struct phone *p, char *buf, size_t size)
{
	const char	*proxy = phone_get(p, "Proxy_1_");
	char		 ip[16];
	size_t		 i;

	if (proxy != NULL && *proxy != '\0')
		pf_strlcpy(buf, proxy, size);
	else
		pf_strlcpy(buf, ipv4_str(p->ip, ip), size);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '"' || buf[i] == '\\' ||
		    (unsigned char)buf[i] < 0x20)
			buf[i] = '_';
	}
	return (buf);
}

/* The line's authentication name. */
static const char *
sip_auth_user(struct phone *p)
{
	const char	*v = phone_get(p, "Auth_ID_1_");

	if (v != NULL && *v != '\0' &&
	    param_is_true(phone_get(p, "Use_Auth_ID_1_")))
		return (v);
	v = phone_get(p, "User_ID_1_");
	return (v != NULL ? v : "");
}

static uint16_t
sip_port(struct phone *p)
{
	uint64_t	port;

	if (parse_uint(phone_get(p, "SIP_Port_1_"), 1, 65535, &port,
	    NULL) != 0)
		port = SIP_PORT;
	return ((uint16_t)port);
}

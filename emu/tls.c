/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's TLS client (9.6): an OpenSSL SSL over two memory BIOs, no
 * socket.  The transfer (fetch.c) hands it the bytes that came from the
 * stream and sends the bytes it produces; plaintext goes both ways through
 * it once the handshake is done.
 *
 * What is phone behaviour lives here: TLS 1.2 or 1.3 (at least 1.2), SNI
 * for the URL host, trust (the Cisco root, plus the custom CA loaded from
 * Custom_CA_Rule, B54), certificate times against the virtual clock, the
 * name check against subjectAltName then CN with its "/..." suffix cut
 * (9.6), the original domain with [--srv] (4.3, B8), for an IPv4-literal
 * URL host an IP address SAN or else the certificate's DNS names for the
 * transfer to resolve (9.6: the server IP against a DNS lookup of the
 * certificate name, done by fetch.c before the request), the MIC when the
 * server asks for a client certificate (B55), and session resumption
 * through the phone's small session cache.  Every failure becomes one of
 * the TLS error classes with a one-line cause.
 *
 * The SSL_CTX is the pki's, shared by all phones; an SSL lives only as
 * long as one connection and leaves behind the session's DER.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "emu-int.h"

#define TLS_CHAIN_DEPTH_MAX	4		/* intermediates + root */
#define TLS_CERT_LIST_MAX	(32 * 1024)	/* the server's chain, bytes */
#define TLS_BUFFER_MAX		(64 * 1024)	/* bytes held in either BIO */
#define TLS_READ_CHUNK		(16 * 1024)	/* one record's plaintext */
#define TLS_SESSION_MAX_S	86400		/* resumption, at most */
#define TLS_NAME_MAX		255		/* RFC 1035 2.3.4 */
#define TLS_PEER_MAX		(TLS_NAME_MAX + 8)	/* "name:port" */

struct tls {
	SSL		*ssl;		/* owned */
	BIO		*rbio, *wbio;	/* owned by ssl */
	struct phone	*p;		/* borrowed: during one call only */
	char		 peer[TLS_PEER_MAX];	/* session cache key */
	char		 check[TLS_NAME_MAX + 1];	/* name to verify */
	int		 established;
	int		 failed;
	int		 cert_requested;
	int		 cert_sent;
	int		 verr;		/* first X509_V_ERR_*, 0 none */
	int		 nipname;	/* 9.6: names fetch.c must resolve */
	char		 ipname[TLS_IP_NAMES][TLS_NAME_MAX + 1];
	enum emu_err	 err;
	char		*cause;		/* owned */
};

static int	 tls_verify_cb(int, X509_STORE_CTX *);
static int	 tls_client_cert_cb(SSL *, X509 **, EVP_PKEY **);
static int	 tls_cert_names(X509 *, const char *, char *, size_t);
static int	 tls_ip_prepare(struct tls *, X509 *);
static void	 tls_ip_add(struct tls *, const unsigned char *, int);
static void	 tls_fail(struct tls *, enum emu_err, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
static void	 tls_classify(struct tls *, int);
static void	 tls_drain(struct tls *, struct dbuf *);
static int	 tls_read(struct tls *, struct dbuf *);
static int	 tls_is_ip(const char *);

/*
 * Start a handshake with host:port (host the SNI, check the name the
 * certificate must carry).  The ClientHello is appended to wire.  Returns
 * NULL with *err and *cause if no handshake can start.
 */
struct tls *
tls_start(struct phone *p, const char *host, const char *check, uint16_t port,
    emu_time now, struct dbuf *wire, enum emu_err *err, char **cause)
{
	struct emu_ctx			*ctx = p->ctx;
	const struct phone_tls_sess	*cs;
	const unsigned char		*d;
	SSL_SESSION			*sess;
	X509_STORE			*st = NULL;
	struct tls			*t;
	const char			*ciphers;
	int				 r;

	if (strlen(host) > TLS_NAME_MAX || strlen(check) > TLS_NAME_MAX) {
		*err = EMU_E_TLS;
		xasprintf(cause, "host name over %d bytes", TLS_NAME_MAX);
		return (NULL);
	}
	if (ctx->pki == NULL)
		ctx->pki = pki_create(ctx->seed, ctx->epoch);
	t = xcalloc(1, sizeof *t);
	t->p = p;
	SSL_CTX_set_client_cert_cb(pki_client_ctx(ctx->pki),
	    tls_client_cert_cb);
	snprintf(t->peer, sizeof t->peer, "%s:%u", host, port);
	pf_strlcpy(t->check, check, sizeof t->check);
	ERR_clear_error();
	if ((t->ssl = SSL_new(pki_client_ctx(ctx->pki))) == NULL ||
	    (t->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (t->wbio = BIO_new(BIO_s_mem())) == NULL)
		abort();	/* no memory */
	SSL_set_bio(t->ssl, t->rbio, t->wbio);
	SSL_set_app_data(t->ssl, t);
	SSL_set_verify(t->ssl, SSL_VERIFY_PEER, tls_verify_cb);
	SSL_set_verify_depth(t->ssl, TLS_CHAIN_DEPTH_MAX);
	SSL_set_max_cert_list(t->ssl, TLS_CERT_LIST_MAX);
	/* 9.6: certificate times are checked against the run's clock. */
	X509_VERIFY_PARAM_set_time(SSL_get0_param(t->ssl),
	    (time_t)(ctx->epoch + (int64_t)(now / 1000000)));
	if (p->ca_der != NULL) {
		/* B54: the custom CA is trusted next to the root. */
		if ((st = pki_trust(ctx->pki, p->ca_der, p->ca_len)) != NULL) {
			SSL_set1_verify_cert_store(t->ssl, st);
			X509_STORE_free(st);
		}
	}
	ciphers = phone_get(p, "TLS_Cipher_List");
	if (ciphers != NULL && *ciphers != '\0' &&
	    SSL_set_cipher_list(t->ssl, ciphers) != 1) {
		*err = EMU_E_TLS;
		xasprintf(cause, "TLS_Cipher_List \"%.64s\" names no cipher",
		    ciphers);
		tls_free(t, NULL);
		return (NULL);
	}
	/* RFC 6066 3: no IP literal in SNI. */
	if (!tls_is_ip(host))
		SSL_set_tlsext_host_name(t->ssl, host);
	if ((cs = phone_tls_session(p, t->peer, now)) != NULL) {
		d = cs->der;
		if ((sess = d2i_SSL_SESSION(NULL, &d, (long)cs->len)) != NULL) {
			SSL_set_session(t->ssl, sess);
			SSL_SESSION_free(sess);
		} else
			phone_tls_session_drop(p, t->peer);
	}
	ERR_clear_error();
	r = SSL_connect(t->ssl);
	if (r <= 0 && SSL_get_error(t->ssl, r) != SSL_ERROR_WANT_READ) {
		tls_classify(t, r);
		*err = t->err;
		*cause = t->cause;
		t->cause = NULL;
		tls_free(t, NULL);
		return (NULL);
	}
	tls_drain(t, wire);
	t->p = NULL;
	return (t);
}

/*
 * Bytes from the stream.  Handshake output and alerts go to wire,
 * decrypted bytes to plain.  Returns 0, or -1 when the connection failed
 * (tls_err, tls_cause): plain still holds what came before the failure.
 */
int
tls_input(struct tls *t, struct phone *p, const uint8_t *data, size_t len,
    struct dbuf *wire, struct dbuf *plain)
{
	int	r, rc = 0;

	if (t->failed)
		return (-1);
	t->p = p;
	if (BIO_ctrl_pending(t->rbio) + len > TLS_BUFFER_MAX) {
		tls_fail(t, EMU_E_TLS_PROTO, "over %d bytes buffered",
		    TLS_BUFFER_MAX);
		t->p = NULL;
		return (-1);
	}
	if (len > 0 && BIO_write(t->rbio, data, (int)len) != (int)len)
		abort();
	if (!t->established) {
		ERR_clear_error();
		r = SSL_do_handshake(t->ssl);
		if (r == 1) {
			/* 9.6: a resumed session skipped tls_verify_cb; the
			 * names to resolve come from its certificate too. */
			if (tls_is_ip(t->check) && tls_ip_prepare(t,
			    SSL_get0_peer_certificate(t->ssl)) != 0)
				rc = -1;
			else
				t->established = 1;
		} else if (SSL_get_error(t->ssl, r) != SSL_ERROR_WANT_READ) {
			tls_classify(t, r);
			rc = -1;
		}
	}
	if (rc == 0 && t->established)
		rc = tls_read(t, plain);
	tls_drain(t, wire);
	t->p = NULL;
	return (rc);
}

/*
 * The server closed the stream.  Returns 0 if that is a clean end (the
 * handshake was done and no record was cut), -1 with tls_err otherwise.
 */
int
tls_eof(struct tls *t, struct phone *p, struct dbuf *plain)
{
	if (t->failed)
		return (-1);
	t->p = p;
	if (!t->established) {
		/* B-class C: closed mid-handshake. */
		tls_fail(t, EMU_E_TLS_TRUNCATED,
		    "connection closed during the handshake");
		t->p = NULL;
		return (-1);
	}
	/* Without close_notify the HTTP framing decides; a record cut in
	 * the middle is a truncation. */
	(void)plain;
	if (SSL_has_pending(t->ssl) || BIO_ctrl_pending(t->rbio) != 0) {
		tls_fail(t, EMU_E_TLS_TRUNCATED, "truncated TLS record");
		t->p = NULL;
		return (-1);
	}
	t->p = NULL;
	return (0);
}

/* Plaintext to send: its records are appended to wire. */
int
tls_write(struct tls *t, const uint8_t *data, size_t len, struct dbuf *wire)
{
	size_t	done = 0;
	int	r;

	if (t->failed || !t->established)
		return (-1);
	while (done < len) {
		ERR_clear_error();
		r = SSL_write(t->ssl, data + done, (int)(len - done >
		    TLS_READ_CHUNK ? TLS_READ_CHUNK : len - done));
		if (r <= 0) {
			tls_classify(t, r);
			tls_drain(t, wire);
			return (-1);
		}
		done += r;
		tls_drain(t, wire);
	}
	return (0);
}

int
tls_is_established(const struct tls *t)
{
	return (t->established);
}

int
tls_resumed(const struct tls *t)
{
	return (t->established && SSL_session_reused(t->ssl));
}

const char *
tls_version(const struct tls *t)
{
	return (SSL_get_version(t->ssl));
}

enum emu_err
tls_err(const struct tls *t)
{
	return (t->err);
}

const char *
tls_cause(const struct tls *t)
{
	return (t->cause != NULL ? t->cause : "");
}

int
tls_ip_names(const struct tls *t)
{
	return (t->established ? t->nipname : 0);
}

const char *
tls_ip_name(const struct tls *t, int i)
{
	if (i < 0 || i >= tls_ip_names(t))
		return (NULL);
	return (t->ipname[i]);
}

/*
 * The connection is over.  A session that completed cleanly is kept in the
 * phone's cache (as DER) for the next connection to the same peer (9.6).
 */
void
tls_free(struct tls *t, struct phone *p)
{
	SSL_SESSION	*s;
	unsigned char	*der, *q;
	uint64_t	 life;
	int		 n;

	if (t == NULL)
		return;
	if (p != NULL && t->established && !t->failed &&
	    (s = SSL_get1_session(t->ssl)) != NULL) {
		if (SSL_SESSION_is_resumable(s) &&
		    (n = i2d_SSL_SESSION(s, NULL)) > 0) {
			der = q = xmalloc(n);
			i2d_SSL_SESSION(s, &q);
			life = SSL_SESSION_get_ticket_lifetime_hint(s);
			if (life == 0)
				life = SSL_SESSION_get_timeout(s);
			if (life > TLS_SESSION_MAX_S)
				life = TLS_SESSION_MAX_S;
			phone_tls_session_store(p, t->peer, der, n,
			    EMU_TIME_ADD(p->now, EMU_SEC(life)));
			free(der);
		}
		SSL_SESSION_free(s);
	}
	if (t->ssl != NULL) {
		/* A session ended without close_notify stays resumable. */
		SSL_set_shutdown(t->ssl, SSL_SENT_SHUTDOWN |
		    SSL_RECEIVED_SHUTDOWN);
		SSL_free(t->ssl);
	}
	free(t->cause);
	free(t);
}

/*
 * RFC 6125 6.4: does certificate name pattern match host?  Case is
 * ignored, a trailing dot on either is not significant, and "*" may stand
 * for exactly one whole left-most label of a name with at least two more
 * labels ("*.example.com", never "*.com", "f*.example.com" or
 * "a.*.example.com").  IP addresses never match a wildcard.
 */
int
tls_name_match(const char *pattern, const char *host)
{
	size_t		 pl, hl, i;
	const char	*pdot, *hdot;
	int		 dots;

	if (pattern == NULL || host == NULL)
		return (0);
	pl = strlen(pattern);
	hl = strlen(host);
	if (pl > 0 && pattern[pl - 1] == '.')
		pl--;
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (pl == 0 || hl == 0 || pl > TLS_NAME_MAX || hl > TLS_NAME_MAX)
		return (0);
	for (i = 0; i < hl; i++) {
		/* A host is letters, digits, '-', '_' and dots. */
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z') ||
		    (host[i] >= '0' && host[i] <= '9') || host[i] == '-' ||
		    host[i] == '_' || host[i] == '.'))
			return (0);
		if (host[i] == '.' && (i == 0 || host[i - 1] == '.'))
			return (0);
	}
	if (pattern[0] != '*') {
		if (memchr(pattern, '*', pl) != NULL)
			return (0);
		return (pl == hl && strncasecmp(pattern, host, pl) == 0);
	}
	/* "*." then at least two labels. */
	if (pl < 3 || pattern[1] != '.' || tls_is_ip(host))
		return (0);
	pdot = pattern + 1;
	for (dots = 0, i = 1; i < pl; i++) {
		if (pattern[i] == '*')
			return (0);
		if (pattern[i] == '.') {
			if (i + 1 == pl || pattern[i + 1] == '.')
				return (0);
			dots++;
		}
	}
	if (dots < 2)
		return (0);
	if ((hdot = memchr(host, '.', hl)) == NULL || hdot == host)
		return (0);
	return ((size_t)(host + hl - hdot) == (size_t)(pattern + pl - pdot) &&
	    strncasecmp(hdot, pdot, pl - 1) == 0);
}

/*
 * The chain is checked by OpenSSL (trust, times against the virtual clock,
 * depth); the leaf's name by us.  The first failure is kept with its cause.
 */
static int
tls_verify_cb(int ok, X509_STORE_CTX *xs)
{
	SSL		*ssl;
	struct tls	*t;
	X509		*x;
	char		 names[128], when[32], issuer[128];
	int		 e, depth;

	ssl = X509_STORE_CTX_get_ex_data(xs,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (t = SSL_get_app_data(ssl)) == NULL)
		return (ok);
	if (t->verr != 0)
		return (0);
	x = X509_STORE_CTX_get_current_cert(xs);
	depth = X509_STORE_CTX_get_error_depth(xs);
	if (!ok) {
		e = X509_STORE_CTX_get_error(xs);
		t->verr = e;
		switch (e) {
		case X509_V_ERR_CERT_HAS_EXPIRED:
			tls_fail(t, EMU_E_TLS_EXPIRED, "certificate has expired "
			    "(notAfter %s)", pki_time_str(x != NULL ?
			    X509_get0_notAfter(x) : NULL, when, sizeof when));
			break;
		case X509_V_ERR_CERT_NOT_YET_VALID:
			tls_fail(t, EMU_E_TLS_NOTYET, "certificate is not yet "
			    "valid (notBefore %s)", pki_time_str(x != NULL ?
			    X509_get0_notBefore(x) : NULL, when, sizeof when));
			break;
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_CERT_UNTRUSTED:
		case X509_V_ERR_CERT_REJECTED:
			issuer[0] = '\0';
			if (x != NULL)
				X509_NAME_get_text_by_NID(
				    X509_get_issuer_name(x), NID_commonName,
				    issuer, sizeof issuer);
			/* B54: no trusted root above this certificate. */
			tls_fail(t, EMU_E_TLS_UNTRUSTED, "certificate issuer "
			    "is not trusted (issuer CN=%s)", issuer);
			break;
		case X509_V_ERR_CERT_CHAIN_TOO_LONG:
			tls_fail(t, EMU_E_TLS_CHAIN, "certificate chain "
			    "longer than %d", TLS_CHAIN_DEPTH_MAX);
			break;
		default:
			tls_fail(t, EMU_E_TLS, "certificate at depth %d: %s",
			    depth, X509_verify_cert_error_string(e));
			break;
		}
		return (0);
	}
	if (depth == 0 && x != NULL && tls_is_ip(t->check)) {
		/* 9.6: an IP SAN, else names to resolve after the
		 * handshake; the cause is tls_ip_prepare's. */
		if (tls_ip_prepare(t, x) != 0) {
			t->verr = X509_V_ERR_HOSTNAME_MISMATCH;
			X509_STORE_CTX_set_error(xs,
			    X509_V_ERR_HOSTNAME_MISMATCH);
			return (0);
		}
		return (1);
	}
	if (depth == 0 && x != NULL &&
	    !tls_cert_names(x, t->check, names, sizeof names)) {
		/* 9.6, B8: the certificate must name the server. */
		t->verr = X509_V_ERR_HOSTNAME_MISMATCH;
		X509_STORE_CTX_set_error(xs, X509_V_ERR_HOSTNAME_MISMATCH);
		tls_fail(t, EMU_E_TLS_NAME, "certificate names %s, not %s",
		    names, t->check);
		return (0);
	}
	return (1);
}

/* B55: the MIC, issued on first demand, when the server asks. */
static int
tls_client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct tls		*t = SSL_get_app_data(ssl);
	struct phone		*p;
	struct pki_mic_id	 id;
	const unsigned char	*d;
	char			 ma[13], mac[18];
	char			*cause = NULL;
	EVP_PKEY		*key;
	int			 i;

	if (t == NULL || (p = t->p) == NULL)
		return (0);
	t->cert_requested = 1;
	if (p->no_cert)
		return (0);	/* $CCERT Not Installed */
	if (p->mic_der == NULL) {
		for (i = 0; i < 12; i++)
			ma[i] = p->macstr[i] >= 'A' && p->macstr[i] <= 'F' ?
			    p->macstr[i] - 'A' + 'a' : p->macstr[i];
		ma[12] = '\0';
		snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x",
		    p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
		    p->mac[5]);
		id.ma = ma;
		id.pn = p->model;
		id.mac = mac;
		id.sn = p->serial;
		if (pki_mic_issue(p->ctx->pki, &id, p->key_group,
		    p->ctx->epoch + (int64_t)(p->now / 1000000),
		    &p->mic_der, &p->mic_len, &p->mic_key, &p->mic_key_len,
		    &cause) != 0) {
			free(cause);
			return (0);
		}
	}
	d = p->mic_der;
	if ((*x509 = d2i_X509(NULL, &d, (long)p->mic_len)) == NULL)
		return (0);
	if (p->mic_key != NULL) {
		d = p->mic_key;
		key = d2i_AutoPrivateKey(NULL, &d, (long)p->mic_key_len);
	} else if ((key = pki_group_key(p->ctx->pki, p->key_group)) != NULL)
		EVP_PKEY_up_ref(key);
	if (key == NULL) {
		X509_free(*x509);
		*x509 = NULL;
		return (0);
	}
	*pkey = key;
	t->cert_sent = 1;
	return (1);
}

/*
 * 9.6: subjectAltName DNS names, else the CN with any "/..." suffix cut.
 * 1 if one names host; else 0 and the first name, for the message.
 */
static int
tls_cert_names(X509 *x, const char *host, char *first, size_t size)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	const unsigned char	*d;
	unsigned char		*u = NULL;
	char			 name[TLS_NAME_MAX + 1];
	X509_NAME_ENTRY		*ne;
	X509_NAME		*subj;
	int			 i, n, len, found = 0, ndns = 0;

	pf_strlcpy(first, "nothing", size);
	if (tls_is_ip(host) && X509_check_ip_asc(x, host, 0) == 1)
		return (1);
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	n = gens != NULL ? sk_GENERAL_NAME_num(gens) : 0;
	for (i = 0; i < n && !found; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		len = ASN1_STRING_length(g->d.dNSName);
		if (len <= 0 || len > TLS_NAME_MAX || memchr(d, 0, len) != NULL)
			continue;
		memcpy(name, d, len);
		name[len] = '\0';
		if (ndns++ == 0)
			pf_strlcpy(first, name, size);
		found = tls_name_match(name, host);
	}
	GENERAL_NAMES_free(gens);
	if (found || ndns > 0)
		return (found);
	subj = X509_get_subject_name(x);
	if ((i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1)) < 0)
		return (0);
	ne = X509_NAME_get_entry(subj, i);
	len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ne));
	if (len <= 0 || len > TLS_NAME_MAX || memchr(u, 0, len) != NULL) {
		OPENSSL_free(u);
		return (0);
	}
	memcpy(name, u, len);
	name[len] = '\0';
	OPENSSL_free(u);
	/* 9.6: "CN=pv.telco.net/mailto:admin@telco.net" names pv.telco.net. */
	name[strcspn(name, "/")] = '\0';
	pf_strlcpy(first, name, size);
	return (tls_name_match(name, host));
}

/*
 * 9.6 with an IPv4-literal host (t->check): a certificate whose IP SAN
 * is that address names the server outright (RFC 2818 3.1) and leaves
 * nothing to resolve.  Otherwise its DNS names (subjectAltName, else the
 * CN before "/") are kept, at most TLS_IP_NAMES, wildcards and IP
 * literals skipped, for the transfer to resolve: one of them must lead
 * back to the address.  No such name: tls-name now.  0, or -1 failed.
 */
static int
tls_ip_prepare(struct tls *t, X509 *x)
{
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	X509_NAME		*subj;
	unsigned char		*u = NULL;
	char			 first[128];
	size_t			 cut;
	int			 i, n, len, ndns = 0;

	t->nipname = 0;
	if (x == NULL) {
		tls_fail(t, EMU_E_TLS_NAME, "no server certificate");
		return (-1);
	}
	if (tls_cert_names(x, t->check, first, sizeof first))
		return (0);	/* IP SAN (or a name equal to the address) */
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	n = gens != NULL ? sk_GENERAL_NAME_num(gens) : 0;
	for (i = 0; i < n; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		ndns++;
		tls_ip_add(t, ASN1_STRING_get0_data(g->d.dNSName),
		    ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
	subj = X509_get_subject_name(x);
	if (ndns == 0 &&
	    (i = X509_NAME_get_index_by_NID(subj, NID_commonName, -1)) >= 0) {
		len = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(
		    X509_NAME_get_entry(subj, i)));
		/* 9.6: "CN=pv.telco.net/mailto:..." names pv.telco.net. */
		if (len > 0 && memchr(u, 0, len) == NULL) {
			cut = strcspn((char *)u, "/");
			tls_ip_add(t, u, (int)cut);
		}
		OPENSSL_free(u);
	}
	if (t->nipname == 0) {
		tls_fail(t, EMU_E_TLS_NAME, "certificate names %s, not %s",
		    first, t->check);
		return (-1);
	}
	return (0);
}

/* One certificate name to resolve, if it can be resolved at all. */
static void
tls_ip_add(struct tls *t, const unsigned char *d, int len)
{
	char	name[TLS_NAME_MAX + 1];

	if (t->nipname >= TLS_IP_NAMES || len <= 0 || len > TLS_NAME_MAX ||
	    memchr(d, 0, len) != NULL)
		return;
	memcpy(name, d, len);
	name[len] = '\0';
	/* A wildcard or an address is no name to look up; matching itself
	 * checks the syntax of a host name. */
	if (strchr(name, '*') != NULL || tls_is_ip(name) ||
	    !tls_name_match(name, name))
		return;
	pf_strlcpy(t->ipname[t->nipname++], name, sizeof t->ipname[0]);
}

static void
tls_fail(struct tls *t, enum emu_err err, const char *fmt, ...)
{
	va_list		 ap;
	unsigned char	*c;

	if (t->failed)
		return;
	t->failed = 1;
	t->err = err;
	free(t->cause);
	va_start(ap, fmt);
	xvasprintf(&t->cause, fmt, ap);
	va_end(ap);
	/* Names come from the server's certificate: keep one line. */
	for (c = (unsigned char *)t->cause; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
	}
}

/* An SSL call returned r <= 0: which TLS class is it? */
static void
tls_classify(struct tls *t, int r)
{
	unsigned long	 e;
	int		 se, reason;
	const char	*why;

	if (t->failed)
		return;
	se = SSL_get_error(t->ssl, r);
	e = ERR_peek_last_error();
	reason = e != 0 ? ERR_GET_REASON(e) : 0;
	why = e != 0 ? ERR_reason_error_string(e) : NULL;
	if (why == NULL)
		why = "handshake failed";
	ERR_clear_error();
	if (t->verr != 0) {
		/* tls_verify_cb has already said why. */
		t->failed = 1;
		return;
	}
	switch (reason) {
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_VERSION_TOO_LOW:
	case SSL_R_VERSION_TOO_HIGH:
	case SSL_R_WRONG_SSL_VERSION:
		tls_fail(t, EMU_E_TLS_VERSION, "no common protocol version "
		    "(the phone needs TLS 1.2 or 1.3): %s", why);
		return;
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		tls_fail(t, EMU_E_TLS_CLIENTCERT, "server requires a client "
		    "certificate%s", t->cert_sent ? "" : " and the phone has "
		    "no MIC");
		return;
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
	case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
	case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
	case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
		if (t->cert_requested) {
			/* B55: asked for a MIC, and had none or it was
			 * refused. */
			tls_fail(t, EMU_E_TLS_CLIENTCERT, "%s",
			    t->cert_sent ? "server refused the phone's client "
			    "certificate" : "server requires a client "
			    "certificate and the phone has no MIC");
			return;
		}
		tls_fail(t, EMU_E_TLS, "%s", why);
		return;
	case SSL_R_UNEXPECTED_EOF_WHILE_READING:
		tls_fail(t, EMU_E_TLS_TRUNCATED, "%s", t->established ?
		    "truncated TLS record" :
		    "connection closed during the handshake");
		return;
	case SSL_R_EXCESSIVE_MESSAGE_SIZE:
		tls_fail(t, EMU_E_TLS_CHAIN, "certificate chain over %d bytes",
		    TLS_CERT_LIST_MAX);
		return;
	case 0:
		if (se == SSL_ERROR_SYSCALL || se == SSL_ERROR_ZERO_RETURN) {
			tls_fail(t, EMU_E_TLS_TRUNCATED,
			    "connection closed during the handshake");
			return;
		}
		break;
	default:
		break;
	}
	if (e != 0 && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    reason >= SSL_AD_REASON_OFFSET) {
		tls_fail(t, EMU_E_TLS, "server alert: %s", why);
		return;
	}
	tls_fail(t, EMU_E_TLS_PROTO, "%s", why);
}

/* What the SSL wants to send. */
static void
tls_drain(struct tls *t, struct dbuf *wire)
{
	char	*d;
	long	 n;

	if ((n = BIO_get_mem_data(t->wbio, &d)) > 0) {
		if (wire != NULL)
			dbuf_add(wire, d, n);
		(void)BIO_reset(t->wbio);
	}
}

/* Decrypt what is buffered into plain. */
static int
tls_read(struct tls *t, struct dbuf *plain)
{
	uint8_t	buf[TLS_READ_CHUNK];
	int	r, se;

	for (;;) {
		ERR_clear_error();
		r = SSL_read(t->ssl, buf, sizeof buf);
		if (r > 0) {
			dbuf_add(plain, buf, r);
			continue;
		}
		se = SSL_get_error(t->ssl, r);
		if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_ZERO_RETURN)
			return (0);
		tls_classify(t, r);
		return (-1);
	}
}

static int
tls_is_ip(const char *s)
{
	uint32_t	a;

	return (ipv4_parse(s, &a) == 0);
}

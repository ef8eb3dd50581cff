/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The embedded provisioning server's TLS side: an OpenSSL server over
 * memory BIOs in front of an ep_http endpoint (DESIGN.md: the endpoints'
 * TLS server side).  Bytes from the phone are decrypted and handed to
 * ep_http_input(); what the HTTP side has to send is pulled from it a
 * segment at a time and encrypted.  Sans-I/O like every endpoint: bytes
 * and time in, bytes out, no socket.
 *
 * A server is configured with a certificate from the run's pki (so an
 * expired, not yet valid, wrong-name or untrusted certificate is just a
 * certificate made that way), its protocol versions, and whether it
 * demands a client certificate (verified against the MIC CA, B55).  Two
 * faults live at this layer: a handshake that never gets an answer, and a
 * first flight cut in the middle of a record followed by a close.
 */

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "netsim.h"

#define EP_TLS_IN_MAX (64 * 1024)  /* ciphertext buffered */
#define EP_TLS_RECORD_OVERHEAD 256 /* header, tag, padding */
#define EP_TLS_SESSION_S 86400     /* ticket lifetime */
#define EP_TLS_SUBJECT_MAX 256

struct ep_tls {
	struct ep_http *http; /* borrowed */
	SSL_CTX *ctx;         /* owned */
	struct ep_tls_conf conf;
	int64_t epoch; /* calendar seconds at time 0 */
	struct ep_tls_stats stats;
	char last_subject[EP_TLS_SUBJECT_MAX];
};

struct ep_tls_conn {
	struct ep_conn *hc; /* owned: the HTTP side */
	SSL *ssl;           /* owned */
	BIO *rbio, *wbio;   /* owned by ssl */
	int established;
	int failed;      /* send what is queued, close */
	int http_closed; /* HTTP side asked to close */
	int cut;         /* TRUNCATE fault: closing */
	int closed;      /* CLOSE returned */
};

static void ep_tls_handshake(struct ep_tls *, struct ep_tls_conn *);
static void ep_tls_read(struct ep_tls *, struct ep_tls_conn *, emu_time);

/*
 * A TLS server in front of h (borrowed), certificate and options from c.
 * Returns NULL with *cause if the pki refuses the configuration.
 */
struct ep_tls *
ep_tls_create(struct emu_pki *pki, struct ep_http *h,
    const struct ep_tls_conf *c, char **cause)
{
	struct ep_tls *t;

	t = xcalloc(1, sizeof *t);
	t->http = h;
	t->conf = *c;
	t->epoch = pki_epoch(pki);
	if ((t->ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		abort(); /* no memory */
	if (c->min_version != 0 || c->max_version != 0) {
		if (c->min_version != 0 && c->min_version < TLS1_2_VERSION) {
			/* Old versions need SHA-1 and weak suites. */
			SSL_CTX_set_security_level(t->ctx, 0);
			SSL_CTX_set_cipher_list(t->ctx, "DEFAULT:@SECLEVEL=0");
		}
		SSL_CTX_set_min_proto_version(t->ctx, c->min_version);
		SSL_CTX_set_max_proto_version(t->ctx, c->max_version);
	}
	if (pki_server_use(pki, c->cert, t->ctx, cause) != 0) {
		ep_tls_free(t);
		return (NULL);
	}
	if (c->fault == EP_TLS_FAULT_CHAIN) {
		X509	*x = SSL_CTX_get0_certificate(t->ctx);
		int	 i;

		for (i = 0; x != NULL && i < EP_TLS_CHAIN_COPIES; i++)
			SSL_CTX_add1_chain_cert(t->ctx, x);
	}
	if (c->require_client_cert) {
		if (pki_mic_trust(pki, t->ctx) != 0) {
			xasprintf(cause, "cannot trust the MIC CA");
			ep_tls_free(t);
			return (NULL);
		}
		SSL_CTX_set_verify(t->ctx,
		    SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else if (c->request_client_cert) {
		/* Asked for; a handshake without one goes on. */
		if (pki_mic_trust(pki, t->ctx) != 0) {
			xasprintf(cause, "cannot trust the MIC CA");
			ep_tls_free(t);
			return (NULL);
		}
		SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
	}
	/* Stateless tickets: 100,000 phones leave no state behind. */
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(t->ctx, 1);
	SSL_CTX_set_timeout(t->ctx, EP_TLS_SESSION_S);
	SSL_CTX_set_session_id_context(t->ctx, (const unsigned char *)"pf", 2);
	return (t);
}

void
ep_tls_free(struct ep_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

const struct ep_tls_stats *
ep_tls_stats(const struct ep_tls *t)
{
	return (&t->stats);
}

/* The subject of the last client certificate seen, or "". */
const char *
ep_tls_last_subject(const struct ep_tls *t)
{
	return (t->last_subject);
}

struct ep_tls_conn *
ep_tls_accept(struct ep_tls *t, uint32_t peer_ip, uint16_t peer_port,
    emu_time now)
{
	struct ep_tls_conn *c;

	c = xcalloc(1, sizeof *c);
	c->hc = ep_http_accept(t->http, peer_ip, peer_port, now);
	ep_http_conn_pull(c->hc);
	if ((c->ssl = SSL_new(t->ctx)) == NULL ||
	    (c->rbio = BIO_new(BIO_s_mem())) == NULL ||
	    (c->wbio = BIO_new(BIO_s_mem())) == NULL)
		abort();
	SSL_set_bio(c->ssl, c->rbio, c->wbio);
	/* Client certificates are checked against the virtual clock too. */
	X509_VERIFY_PARAM_set_time(SSL_get0_param(c->ssl),
	    (time_t)(t->epoch + (int64_t)(now / 1000000)));
	SSL_set_accept_state(c->ssl);
	t->stats.conns++;
	return (c);
}

void
ep_tls_conn_free(struct ep_tls *t, struct ep_tls_conn *c)
{
	if (c == NULL)
		return;
	ep_http_conn_free(t->http, c->hc);
	SSL_free(c->ssl);
	free(c);
}

/* Ciphertext from the phone. */
void
ep_tls_input(struct ep_tls *t, struct ep_tls_conn *c, const uint8_t *data,
    size_t len, emu_time now)
{
	if (c->failed || c->cut || c->closed)
		return;
	if (t->conf.fault == EP_TLS_FAULT_STALL)
		return; /* never answers */
	if (BIO_ctrl_pending(c->rbio) + len > EP_TLS_IN_MAX) {
		c->failed = 1;
		t->stats.failed++;
		return;
	}
	BIO_write(c->rbio, data, (int)len);
	if (!c->established)
		ep_tls_handshake(t, c);
	if (c->established && !c->failed)
		ep_tls_read(t, c, now);
}

/* The phone closed its side. */
void
ep_tls_eof(struct ep_tls *t, struct ep_tls_conn *c, emu_time now)
{
	struct ep_out o;

	if (c->established && !c->failed) {
		ep_out_init(&o);
		ep_http_eof(t->http, c->hc, now, &o);
		ep_out_free(&o);
	} else
		c->failed = 1;
}

/*
 * What the server sends next, as ep_http_pull: handshake bytes and
 * alerts first, then the HTTP side's answer encrypted.
 */
enum ep_pull
ep_tls_pull(struct ep_tls *t, struct ep_tls_conn *c, emu_time now, size_t max,
    struct dbuf *out, emu_time *at)
{
	struct dbuf plain;
	enum ep_pull r;
	size_t room, pending;
	int k;

	if (c->closed)
		return (EP_PULL_NONE);
	if (c->cut) {
		c->closed = 1;
		return (EP_PULL_CLOSE);
	}
	if ((pending = BIO_ctrl_pending(c->wbio)) > 0) {
		if (t->conf.fault == EP_TLS_FAULT_TRUNCATE) {
			/* Half of the first flight, then close. */
			pending = pending / 2 > 0 ? pending / 2 : 1;
			c->cut = 1;
		}
		if (pending > max)
			pending = max;
		dbuf_reserve(out, pending);
		if ((k = BIO_read(c->wbio, out->data + out->len,
			 (int)pending)) > 0) {
			out->len += k;
			out->data[out->len] = '\0';
		}
		return (EP_PULL_DATA);
	}
	if (c->failed) {
		c->closed = 1;
		return (EP_PULL_CLOSE);
	}
	if (!c->established)
		return (EP_PULL_NONE);
	if (c->http_closed) {
		c->closed = 1;
		return (EP_PULL_CLOSE);
	}
	room = max > EP_TLS_RECORD_OVERHEAD * 2 ? max - EP_TLS_RECORD_OVERHEAD
						: EP_TLS_RECORD_OVERHEAD;
	dbuf_init(&plain);
	r = ep_http_pull(t->http, c->hc, now, room, &plain, at);
	switch (r) {
	case EP_PULL_DATA:
		ERR_clear_error();
		if (SSL_write(c->ssl, plain.data, (int)plain.len) <= 0) {
			c->failed = 1;
			ERR_clear_error();
		}
		dbuf_clear(&plain);
		return (ep_tls_pull(t, c, now, max, out, at));
	case EP_PULL_CLOSE:
		dbuf_clear(&plain);
		/* close_notify, then the close. */
		SSL_shutdown(c->ssl);
		c->http_closed = 1;
		ERR_clear_error();
		return (ep_tls_pull(t, c, now, max, out, at));
	default:
		dbuf_clear(&plain);
		if (r == EP_PULL_RESET)
			c->closed = 1;
		return (r);
	}
}

static void
ep_tls_handshake(struct ep_tls *t, struct ep_tls_conn *c)
{
	X509 *peer;
	int r;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->established = 1;
		if (SSL_session_reused(c->ssl))
			t->stats.resumed++;
		else
			t->stats.full++;
		if ((peer = SSL_get0_peer_certificate(c->ssl)) != NULL) {
			BIO *b = BIO_new(BIO_s_mem());
			char *d;
			long n;

			/* "CN=<MA>, OU=<PN>, L=<MAC>, ST=<SN>" (2.2). */
			X509_NAME_print_ex(b, X509_get_subject_name(peer), 0,
			    XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253);
			n = BIO_get_mem_data(b, &d);
			if (n >= (long)sizeof t->last_subject)
				n = sizeof t->last_subject - 1;
			memcpy(t->last_subject, d, n);
			t->last_subject[n] = '\0';
			BIO_free(b);
			t->stats.client_certs++;
			ep_http_conn_set_tls(c->hc, t->last_subject);
		} else
			ep_http_conn_set_tls(c->hc, "");
		return;
	}
	if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) {
		/* The alert is in wbio; send it and close. */
		c->failed = 1;
		t->stats.failed++;
	}
	ERR_clear_error();
}

/* Decrypted requests go to the HTTP side. */
static void
ep_tls_read(struct ep_tls *t, struct ep_tls_conn *c, emu_time now)
{
	uint8_t buf[16384];
	struct ep_out o;
	int r, se;

	ep_out_init(&o);
	for (;;) {
		ERR_clear_error();
		r = SSL_read(c->ssl, buf, sizeof buf);
		if (r > 0) {
			ep_http_input(t->http, c->hc, buf, r, now, &o);
			continue;
		}
		se = SSL_get_error(c->ssl, r);
		if (se == SSL_ERROR_ZERO_RETURN)
			ep_http_eof(t->http, c->hc, now, &o);
		else if (se != SSL_ERROR_WANT_READ) {
			/* TLS 1.3: a client certificate refused after the
			 * client's Finished; the alert is in wbio. */
			c->failed = 1;
			t->stats.failed++;
		}
		break;
	}
	ERR_clear_error();
	ep_out_free(&o);
}

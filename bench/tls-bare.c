/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * bench/tls-bare: bare OpenSSL handshakes over memory BIOs, the peer that
 * "bench/sim-boot --https" is measured against.  Same shapes as a phone
 * and the embedded server: ECDSA P-256 server certificate from a CA the
 * client trusts, ECDSA P-256 client certificate (the MIC) verified by the
 * server, one SSL_CTX per side, one SSL per connection, no I/O.  Prints
 * handshakes per second of wall time and of CPU time (the fair figure on
 * a shared machine) for TLS 1.3 and 1.2, full and resumed, on one core.
 * Each handshake counts both sides, client and server, as a sim run does.
 * Figures only: nothing asserts.
 *
 * Usage: tls-bare [SECONDS]	(per measurement, default 2)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct bare_pair {
	EVP_PKEY	*key;
	X509		*cert;
};

static double		bare_now(void);
static double		bare_cpu(void);
static EVP_PKEY		*bare_key(void);
static X509		*bare_cert(const char *, EVP_PKEY *, X509 *, EVP_PKEY *,
			    int);
static int		 bare_pump(SSL *, BIO *, BIO *, SSL *, BIO *, BIO *);
static SSL_SESSION	*bare_handshake(SSL_CTX *, SSL_CTX *, SSL_SESSION *,
			    int *);
static void		 bare_run(const char *, SSL_CTX *, SSL_CTX *, int,
			    double);

int
main(int argc, char **argv)
{
	struct bare_pair	 ca, srv, cli;
	SSL_CTX			*sctx, *cctx;
	static const int	 versions[2] = { TLS1_3_VERSION, TLS1_2_VERSION };
	double			 secs = argc > 1 ? atof(argv[1]) : 2.0;
	int			 i, v;

	if (secs <= 0)
		secs = 2.0;
	ca.key = bare_key();
	ca.cert = bare_cert("bench CA", ca.key, NULL, ca.key, 1);
	srv.key = bare_key();
	srv.cert = bare_cert("prov.example.com", srv.key, ca.cert, ca.key, 0);
	cli.key = bare_key();
	cli.cert = bare_cert("00562b000001", cli.key, ca.cert, ca.key, 0);

	printf("%-26s %10s %14s %14s\n", "handshake", "count", "per_wall_s",
	    "per_cpu_s");
	for (i = 0; i < 2; i++) {
		v = versions[i];
		sctx = SSL_CTX_new(TLS_server_method());
		cctx = SSL_CTX_new(TLS_client_method());
		SSL_CTX_set_min_proto_version(sctx, v);
		SSL_CTX_set_max_proto_version(sctx, v);
		SSL_CTX_use_certificate(sctx, srv.cert);
		SSL_CTX_use_PrivateKey(sctx, srv.key);
		X509_STORE_add_cert(SSL_CTX_get_cert_store(sctx), ca.cert);
		SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
		SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_num_tickets(sctx, 1);
		SSL_CTX_set_session_id_context(sctx,
		    (const unsigned char *)"pf", 2);
		SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION);
		X509_STORE_add_cert(SSL_CTX_get_cert_store(cctx), ca.cert);
		SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_use_certificate(cctx, cli.cert);
		SSL_CTX_use_PrivateKey(cctx, cli.key);
		SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_OFF);
		bare_run(v == TLS1_3_VERSION ? "TLS 1.3 full, client cert" :
		    "TLS 1.2 full, client cert", sctx, cctx, 0, secs);
		bare_run(v == TLS1_3_VERSION ? "TLS 1.3 resumed" :
		    "TLS 1.2 resumed", sctx, cctx, 1, secs);
		SSL_CTX_free(sctx);
		SSL_CTX_free(cctx);
	}
	printf("target: 100000 phones, full handshake with client cert, "
	    "in < 60 s on one core: >= 1667 handshakes/s\n");
	X509_free(ca.cert);
	X509_free(srv.cert);
	X509_free(cli.cert);
	EVP_PKEY_free(ca.key);
	EVP_PKEY_free(srv.key);
	EVP_PKEY_free(cli.key);
	return (0);
}

static double
bare_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* CPU seconds of this process: fair on a shared machine. */
static double
bare_cpu(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static EVP_PKEY *
bare_key(void)
{
	EVP_PKEY	*k;

	if ((k = EVP_EC_gen("P-256")) == NULL) {
		fprintf(stderr, "tls-bare: key generation failed\n");
		exit(1);
	}
	return (k);
}

static X509 *
bare_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey,
    int ca)
{
	X509		*x = X509_new();
	X509_NAME	*n = X509_NAME_new();
	X509_EXTENSION	*e;
	X509V3_CTX	 v;
	char		 san[300];

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2 + (cn[0] == '0'));
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : n);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&v, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &v, NID_basic_constraints, ca ?
	    "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	if (!ca) {
		snprintf(san, sizeof san, "DNS:%s", cn);
		e = X509V3_EXT_conf_nid(NULL, &v, NID_subject_alt_name, san);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	X509_sign(x, ikey, EVP_sha256());
	X509_NAME_free(n);
	return (x);
}

/* Move bytes both ways until neither side has anything to say. */
static int
bare_pump(SSL *c, BIO *cr, BIO *cw, SSL *s, BIO *sr, BIO *sw)
{
	char	buf[16384];
	int	n, moved, cdone = 0, sdone = 0, r, i;

	for (i = 0; i < 64; i++) {
		if (!cdone && (r = SSL_do_handshake(c)) == 1)
			cdone = 1;
		else if (!cdone && SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
			return (-1);
		if (!sdone && (r = SSL_do_handshake(s)) == 1)
			sdone = 1;
		else if (!sdone && SSL_get_error(s, r) != SSL_ERROR_WANT_READ)
			return (-1);
		moved = 0;
		while ((n = BIO_read(cw, buf, sizeof buf)) > 0) {
			BIO_write(sr, buf, n);
			moved = 1;
		}
		while ((n = BIO_read(sw, buf, sizeof buf)) > 0) {
			BIO_write(cr, buf, n);
			moved = 1;
		}
		if (cdone && sdone && !moved)
			break;
	}
	/* The client reads what follows its Finished (a ticket). */
	SSL_read(c, buf, sizeof buf);
	SSL_read(s, buf, sizeof buf);
	while ((n = BIO_read(cw, buf, sizeof buf)) > 0)
		BIO_write(sr, buf, n);
	SSL_read(s, buf, sizeof buf);
	return (cdone && sdone ? 0 : -1);
}

static SSL_SESSION *
bare_handshake(SSL_CTX *sctx, SSL_CTX *cctx, SSL_SESSION *sess, int *reused)
{
	SSL		*c, *s;
	BIO		*cr, *cw, *sr, *sw;
	SSL_SESSION	*out = NULL;

	c = SSL_new(cctx);
	s = SSL_new(sctx);
	cr = BIO_new(BIO_s_mem());
	cw = BIO_new(BIO_s_mem());
	sr = BIO_new(BIO_s_mem());
	sw = BIO_new(BIO_s_mem());
	SSL_set_bio(c, cr, cw);
	SSL_set_bio(s, sr, sw);
	SSL_set_tlsext_host_name(c, "prov.example.com");
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	if (sess != NULL)
		SSL_set_session(c, sess);
	if (bare_pump(c, cr, cw, s, sr, sw) != 0) {
		ERR_print_errors_fp(stderr);
		fprintf(stderr, "tls-bare: handshake failed\n");
		exit(1);
	}
	*reused = SSL_session_reused(c);
	if (sess == NULL)
		out = SSL_get1_session(c);
	/* Ended without close_notify: keep the session resumable. */
	SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(c);
	SSL_free(s);
	return (out);
}

static void
bare_run(const char *name, SSL_CTX *sctx, SSL_CTX *cctx, int resume,
    double secs)
{
	SSL_SESSION	*sess = NULL;
	double		 t0, t, c0;
	long		 n = 0;
	int		 reused = 0;

	if (resume)
		sess = bare_handshake(sctx, cctx, NULL, &reused);
	t0 = bare_now();
	c0 = bare_cpu();
	do {
		SSL_SESSION	*s;
		int		 i;

		for (i = 0; i < 50; i++) {
			s = bare_handshake(sctx, cctx, sess, &reused);
			SSL_SESSION_free(s);
			if (resume && !reused) {
				fprintf(stderr, "tls-bare: not resumed\n");
				exit(1);
			}
		}
		n += 50;
		t = bare_now() - t0;
	} while (t < secs);
	SSL_SESSION_free(sess);
	printf("%-26s %10ld %14.0f %14.0f\n", name, n, n / t,
	    n / (bare_cpu() - c0));
}

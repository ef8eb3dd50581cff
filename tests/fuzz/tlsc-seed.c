/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Records the seeds of fuzz-tlsc and fuzz-capem: tlsc-seed DIR writes
 * DIR/tlsc/ (real server flights from netsim/ep-tls.c in fuzz-tlsc's
 * input format, tlsc-world.h) and DIR/capem/ (the run's root CA as PEM
 * and DER).  Not part of the build; after configure and make:
 *
 *	cc -I. -o tlsc-seed tests/fuzz/tlsc-seed.c $(PF_LIBS) \
 *	    -lxml2 -lssl -lcrypto -lz -lm
 *	./tlsc-seed tests/fuzz/corpus
 *
 * The flights fit only the pki and client randomness tlsc-world.h makes:
 * rerun it after changing either.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tests/fuzz/tlsc-world.h"

#define SEED_DAY	86400LL
#define SEED_SEG_MAX	65535		/* one segment: a 16-bit length */

static const char seed_profile[] =
    "<flat-profile>\n"
    "  <GPP_A>provisioned</GPP_A>\n"
    "</flat-profile>\n";

struct seed_conf {
	const char	*name;
	int		 maxv;		/* 0: TLS 1.3 */
	int		 request_cert;
	int		 flags;		/* TLSC_F_* */
	const char	*dns;		/* the certificate's name */
	int64_t		 nb, na;	/* validity, from the epoch */
	enum ep_tls_fault fault;
};

static void	seed_put(struct dbuf *, uint8_t, const uint8_t *, size_t);
static void	seed_write(const char *, const char *, const struct dbuf *);
static void	seed_one(const char *, const struct seed_conf *);

static void
seed_put(struct dbuf *b, uint8_t op, const uint8_t *d, size_t n)
{
	uint8_t	hdr[3];

	hdr[0] = op;
	hdr[1] = n >> 8;
	hdr[2] = n & 0xff;
	dbuf_add(b, hdr, op == TLSC_OP_DATA ? 3 : 1);
	if (op == TLSC_OP_DATA)
		dbuf_add(b, d, n);
}

static void
seed_write(const char *dir, const char *name, const struct dbuf *b)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "tlsc-seed: %s: cannot write\n", path);
		exit(1);
	}
	printf("%s: %zu bytes\n", path, b->len);
}

/* One connection played out with the embedded server, recorded. */
static void
seed_one(const char *dir, const struct seed_conf *sc)
{
	struct tlsc_world	 w;
	struct ep_tls_conf	 tc;
	struct store		*st;
	struct ep_http		*http;
	struct ep_tls		*srv;
	struct ep_tls_conn	*conn;
	struct phone		*p;
	struct tls		*t;
	struct dbuf		 rec, wire, seg, plain;
	const char		*names[1];
	enum emu_err		 err;
	enum ep_pull		 r = EP_PULL_NONE;
	emu_time		 at;
	char			*cause = NULL;
	uint64_t		 call = 0;
	int			 h, rounds, wrote = 0, failed = 0;

	tlsc_world_init(&w);
	names[0] = sc->dns;
	h = pki_server_cert(w.pki, "srv", names, 1, sc->dns, PKI_CA_ROOT,
	    PKI_KEY_ECDSA_P256, w.ctx->epoch + sc->nb, w.ctx->epoch + sc->na,
	    &cause);
	if (h < 0) {
		fprintf(stderr, "tlsc-seed: %s\n", cause);
		exit(1);
	}
	st = store_create();
	store_add_template(st, "/cfg/*.xml", (const uint8_t *)seed_profile,
	    strlen(seed_profile));
	http = ep_http_create(st);
	memset(&tc, 0, sizeof tc);
	tc.cert = h;
	tc.max_version = sc->maxv;
	tc.request_client_cert = sc->request_cert;
	tc.fault = sc->fault;
	if ((srv = ep_tls_create(w.pki, http, &tc, &cause)) == NULL) {
		fprintf(stderr, "tlsc-seed: %s\n", cause);
		exit(1);
	}
	p = tlsc_phone(&w, (sc->flags & TLSC_F_NO_CERT) != 0);
	conn = ep_tls_accept(srv, 0x0a000064, 40000, 0);
	dbuf_init(&rec);
	dbuf_init(&wire);
	dbuf_init(&seg);
	dbuf_init(&plain);
	dbuf_add(&rec, &(uint8_t){ sc->flags & ~TLSC_F_EOF }, 1);

	rand_deterministic(TLSC_SEED_START);
	t = tls_start(p, (sc->flags & TLSC_F_IP) ? TLSC_HOST_IP : TLSC_HOST,
	    (sc->flags & TLSC_F_IP) ? TLSC_HOST_IP : TLSC_HOST, TLSC_PORT, 0,
	    &wire, &err, &cause);
	if (t == NULL) {
		fprintf(stderr, "tlsc-seed: tls_start: %s\n", cause);
		exit(1);
	}
	for (rounds = 0; rounds < 16 && !failed; rounds++) {
		if (wire.len > 0)
			ep_tls_input(srv, conn, wire.data, wire.len, 0);
		dbuf_reset(&wire);
		dbuf_reset(&seg);
		while ((r = ep_tls_pull(srv, conn, 0, SEED_SEG_MAX - seg.len,
		    &seg, &at)) == EP_PULL_DATA && seg.len < SEED_SEG_MAX)
			;
		if (seg.len > 0) {
			seed_put(&rec, TLSC_OP_DATA, seg.data, seg.len);
			rand_deterministic(TLSC_SEED_START + 1 + call++);
			if (tls_input(t, p, seg.data, seg.len, &wire,
			    &plain) != 0)
				failed = 1;
		}
		if (!failed && !wrote && tls_is_established(t)) {
			seed_put(&rec, TLSC_OP_WRITE, NULL, 0);
			if (tls_write(t, (const uint8_t *)TLSC_REQUEST,
			    strlen(TLSC_REQUEST), &wire) != 0)
				failed = 1;
			wrote = 1;
		}
		if (r == EP_PULL_CLOSE || r == EP_PULL_RESET) {
			seed_put(&rec, TLSC_OP_EOF, NULL, 0);
			break;
		}
		if (seg.len == 0 && wire.len == 0)
			break;
	}
	printf("%s: %s, %s, %zu plaintext bytes%s%s\n", sc->name,
	    tls_is_established(t) ? "established" : "no handshake",
	    tls_version(t), plain.len, failed ? ", failed: " : "",
	    failed ? tls_cause(t) : "");
	seed_write(dir, sc->name, &rec);

	tls_free(t, p);
	phone_free(p);
	ep_tls_conn_free(srv, conn);
	ep_tls_free(srv);
	ep_http_free(http);
	store_free(st);
	emu_ctx_free(w.ctx);
	dbuf_clear(&rec);
	dbuf_clear(&wire);
	dbuf_clear(&seg);
	dbuf_clear(&plain);
}

int	main(int, char **);

int
main(int argc, char **argv)
{
	static const struct seed_conf	confs[] = {
		{ "tls13", 0, 0, 0, TLSC_HOST, -SEED_DAY, 365 * SEED_DAY,
		    EP_TLS_FAULT_NONE },
		{ "tls12", TLS1_2_VERSION, 0, 0, TLSC_HOST, -SEED_DAY,
		    365 * SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls13-mic", 0, 1, 0, TLSC_HOST, -SEED_DAY, 365 * SEED_DAY,
		    EP_TLS_FAULT_NONE },
		{ "tls12-mic", TLS1_2_VERSION, 1, 0, TLSC_HOST, -SEED_DAY,
		    365 * SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls13-nomic", 0, 1, TLSC_F_NO_CERT, TLSC_HOST, -SEED_DAY,
		    365 * SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls13-ip", 0, 0, TLSC_F_IP, TLSC_HOST, -SEED_DAY,
		    365 * SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls12-name", TLS1_2_VERSION, 0, 0, "other.example.net",
		    -SEED_DAY, 365 * SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls12-expired", TLS1_2_VERSION, 0, 0, TLSC_HOST,
		    -365 * SEED_DAY, -SEED_DAY, EP_TLS_FAULT_NONE },
		{ "tls12-truncated", TLS1_2_VERSION, 0, 0, TLSC_HOST,
		    -SEED_DAY, 365 * SEED_DAY, EP_TLS_FAULT_TRUNCATE },
		{ "tls13-chain", 0, 0, 0, TLSC_HOST, -SEED_DAY,
		    365 * SEED_DAY, EP_TLS_FAULT_CHAIN },
	};
	struct tlsc_world	 w;
	struct dbuf		 b;
	const char		*pem;
	char			 dir[1024];
	unsigned char		*der = NULL;
	BIO			*bio;
	X509			*x;
	size_t			 i;
	int			 n;

	if (argc != 2) {
		fprintf(stderr, "usage: tlsc-seed DIR\n");
		return (2);
	}
	snprintf(dir, sizeof dir, "%s/tlsc", argv[1]);
	for (i = 0; i < sizeof confs / sizeof confs[0]; i++)
		seed_one(dir, &confs[i]);

	/* capem: the root as PEM, as DER, and the PEM behind text. */
	snprintf(dir, sizeof dir, "%s/capem", argv[1]);
	tlsc_world_init(&w);
	pem = pki_ca_pem(w.pki, PKI_CA_ROOT);
	dbuf_init(&b);
	dbuf_add_str(&b, pem);
	seed_write(dir, "root.pem", &b);
	dbuf_reset(&b);
	dbuf_add_str(&b, "issued for the provisioning server\r\n");
	dbuf_add_str(&b, pem);
	dbuf_add_str(&b, pem);
	seed_write(dir, "text-then-two.pem", &b);
	bio = BIO_new_mem_buf(pem, -1);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	n = i2d_X509(x, &der);
	dbuf_reset(&b);
	dbuf_add(&b, der, n);
	seed_write(dir, "root.der", &b);
	OPENSSL_free(der);
	X509_free(x);
	dbuf_clear(&b);
	emu_ctx_free(w.ctx);
	return (0);
}

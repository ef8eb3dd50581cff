/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's TLS client (emu/tls.c, 9.6) fed fuzzer bytes as the
 * server's side of the connection, segment by segment (input format in
 * tlsc-world.h).  The seeds are real server flights recorded by
 * tlsc-seed.c from netsim/ep-tls.c, which replay to an established
 * connection and a profile.
 *
 * Beyond not crashing or leaking: every failure is one of the TLS error
 * classes (emu.h, class C) with a non-empty one-line cause, and stays a
 * failure; what the client sends back per call stays under TLS_BUFFER_MAX;
 * it never decrypts more bytes than it was given; only an established
 * connection writes.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/tlsc-world.h"

#ifndef TLS_BUFFER_MAX
#define TLS_BUFFER_MAX	(64 * 1024)	/* as emu/tls.c */
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_tlsc_class(enum emu_err);
static void	fuzz_tlsc_cause(enum emu_err, const char *);

static struct tlsc_world	fuzz_tlsc_w;	/* one per process */

static int
fuzz_tlsc_class(enum emu_err e)
{
	switch (e) {
	case EMU_E_TLS:
	case EMU_E_TLS_UNTRUSTED:
	case EMU_E_TLS_EXPIRED:
	case EMU_E_TLS_NOTYET:
	case EMU_E_TLS_NAME:
	case EMU_E_TLS_CLIENTCERT:
	case EMU_E_TLS_VERSION:
	case EMU_E_TLS_TRUNCATED:
	case EMU_E_TLS_PROTO:
	case EMU_E_TLS_TIMEOUT:
	case EMU_E_TLS_CHAIN:
		return (1);
	default:
		return (0);
	}
}

static void
fuzz_tlsc_cause(enum emu_err e, const char *cause)
{
	if (!fuzz_tlsc_class(e) || cause == NULL || cause[0] == '\0' ||
	    strchr(cause, '\n') != NULL || strchr(cause, '\r') != NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct phone	*p;
	struct tls	*t;
	struct dbuf	 wire, plain;
	enum emu_err	 err = EMU_OK;
	char		*cause = NULL;
	size_t		 off = 1, n, fed = 0;
	uint64_t	 call = 0;
	uint8_t		 flags, op;
	int		 failed = 0, rc;

	if (size < 1)
		return (0);
	if (fuzz_tlsc_w.ctx == NULL)
		tlsc_world_init(&fuzz_tlsc_w);
	flags = data[0];
	p = tlsc_phone(&fuzz_tlsc_w, (flags & TLSC_F_NO_CERT) != 0);
	dbuf_init(&wire);
	dbuf_init(&plain);

	rand_deterministic(TLSC_SEED_START);
	t = tls_start(p, (flags & TLSC_F_IP) ? TLSC_HOST_IP : TLSC_HOST,
	    (flags & TLSC_F_IP) ? TLSC_HOST_IP : TLSC_HOST, TLSC_PORT, 0,
	    &wire, &err, &cause);
	if (t == NULL) {
		/* Nothing fuzzed yet: the ClientHello must go out. */
		abort();
	}
	if (wire.len == 0 || wire.len > TLS_BUFFER_MAX)
		abort();

	while (off < size) {
		op = data[off++] % 4;
		dbuf_reset(&wire);
		switch (op) {
		case TLSC_OP_EOF:
			rc = tls_eof(t, p, &plain);
			break;
		case TLSC_OP_WRITE:
			rc = tls_write(t, (const uint8_t *)TLSC_REQUEST,
			    strlen(TLSC_REQUEST), &wire);
			if (rc == 0 && (!tls_is_established(t) || failed ||
			    wire.len <= strlen(TLSC_REQUEST)))
				abort();
			if (rc != 0 && !tls_is_established(t) && !failed)
				rc = 0;	/* not yet: refused, not failed */
			break;
		default:
			n = off + 2 <= size ? (size_t)data[off] << 8 |
			    data[off + 1] : 0;
			off = off + 2 <= size ? off + 2 : size;
			if (n > size - off)
				n = size - off;
			rand_deterministic(TLSC_SEED_START + 1 + call++);
			rc = tls_input(t, p, data + off, n, &wire, &plain);
			fed += n;
			off += n;
			break;
		}
		if (wire.len > TLS_BUFFER_MAX)
			abort();
		if (plain.len > fed)
			abort();
		if (rc != 0) {
			fuzz_tlsc_cause(tls_err(t), tls_cause(t));
			failed = 1;
		} else if (failed)
			abort();	/* a failure is for good */
	}
	if ((flags & TLSC_F_EOF) && tls_eof(t, p, &plain) != 0) {
		fuzz_tlsc_cause(tls_err(t), tls_cause(t));
		failed = 1;
	}
	if (tls_is_established(t) && tls_version(t) == NULL)
		abort();
	(void)tls_resumed(t);
	if (getenv("PF_FUZZ_TRACE") != NULL)
		fprintf(stderr, "tlsc: %s, %s, %zu plaintext bytes%s%s\n",
		    tls_is_established(t) ? "established" : "no handshake",
		    tls_version(t), plain.len, failed ? ", failed: " : "",
		    failed ? tls_cause(t) : "");
	tls_free(t, p);
	dbuf_clear(&wire);
	dbuf_clear(&plain);
	phone_free(p);
	return (0);
}

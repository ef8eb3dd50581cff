/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone side of fuzz-tlsc.c, shared with the program that records its
 * seeds (tlsc-seed.c).  OpenSSL draws from netsim/rand.c's deterministic
 * stream: seed 0 for the pki (the same root CA in both programs), then a
 * fresh seed before every call into the phone's TLS client (tls_start:
 * TLSC_SEED_START, the i-th tls_input: TLSC_SEED_START + 1 + i).  So the
 * client's randoms and key shares depend only on the call, never on what a
 * server drew in between, and a recorded server flight still fits when
 * replayed without the server.
 *
 * Input format: byte 0 the setup (bit 0 the phone has no MIC, bit 1 the
 * host is an IP literal, bit 2 the fuzzer's segments are followed by the
 * server's EOF), then operations: a byte, then for data (op % 4 < 2) a
 * 16-bit length and that many bytes (the server's next segment); op % 4
 * == 2: the server closes; op % 4 == 3: the phone writes its request.
 */

#ifndef PF_FUZZ_TLSC_WORLD_H
#define PF_FUZZ_TLSC_WORLD_H

#include <stdint.h>
#include <string.h>

#include "emu/emu-int.h"
#include "netsim/netsim.h"

#define TLSC_SEED_PKI	0
#define TLSC_SEED_START	1
#define TLSC_PKI_SEED	1
#define TLSC_HOST	"prov.example.com"
#define TLSC_HOST_IP	"10.0.0.5"
#define TLSC_PORT	443
#define TLSC_REQUEST	"GET /cfg/00562b043615.xml HTTP/1.1\r\n" \
			"Host: prov.example.com\r\n\r\n"

#define TLSC_F_NO_CERT	0x01
#define TLSC_F_IP	0x02
#define TLSC_F_EOF	0x04

#define TLSC_OP_DATA	0
#define TLSC_OP_EOF	2
#define TLSC_OP_WRITE	3

struct tlsc_world {
	struct emu_ctx	*ctx;
	struct emu_pki	*pki;		/* ctx's */
};

static __attribute__((unused)) void
tlsc_world_init(struct tlsc_world *w)
{
	rand_deterministic(TLSC_SEED_PKI);
	w->ctx = emu_ctx_create(TLSC_PKI_SEED);
	w->pki = pki_create(TLSC_PKI_SEED, w->ctx->epoch);
	w->ctx->pki = w->pki;
	/* The client SSL_CTX and the MIC key pair draw randomness once:
	 * before any seed. */
	(void)pki_client_ctx(w->pki);
	(void)pki_group_key(w->pki, 0);
}

static __attribute__((unused)) struct phone *
tlsc_phone(struct tlsc_world *w, int no_cert)
{
	struct phone_conf	pc;

	memset(&pc, 0, sizeof pc);
	pc.mac[0] = 0x00;
	pc.mac[1] = 0x56;
	pc.mac[2] = 0x2b;
	pc.mac[3] = 0x04;
	pc.mac[4] = 0x36;
	pc.mac[5] = 0x15;
	pc.model = "CP-8851-3PCC";
	pc.serial = "FCH2301ABCD";
	pc.no_cert = no_cert;
	pc.key_group = 0;	/* one MIC key pair, made once */
	return (phone_create(w->ctx, &pc));
}

#endif /* PF_FUZZ_TLSC_WORLD_H */

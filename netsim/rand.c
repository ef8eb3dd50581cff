/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Deterministic OpenSSL randomness for the sim runtime: one seed, one run,
 * byte for byte (DESIGN.md), certificates and TLS handshakes included.
 * rand_deterministic() replaces OpenSSL's RAND method with a splitmix64
 * stream from the run's seed; every key, nonce, client random and ticket
 * key is drawn from it, in the order the single-threaded loop asks.
 * Opt-in: only a sim run calls it; rand_system() puts OpenSSL's own
 * generator back.  Not for cryptography: simulated secrets protect nothing.
 */

/* RAND_METHOD is deprecated in OpenSSL 3.0 but still honoured by
 * RAND_bytes_ex() and RAND_priv_bytes_ex(), which keys, nonces and libssl
 * use. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <string.h>

#include <openssl/rand.h>

#include "netsim.h"

static int rand_det_bytes(unsigned char *, int);
static int rand_det_status(void);

static struct prng rand_state; /* the one stream of the process */

static const RAND_METHOD rand_det_method = { NULL, /* seed */
	rand_det_bytes, NULL,                      /* cleanup */
	NULL,                                      /* add */
	rand_det_bytes,                            /* pseudorand */
	rand_det_status };

void
rand_deterministic(uint64_t seed)
{
	uint8_t tag[6] = { 'o', 'p', 'e', 'n', 's', 'l' };

	prng_seed(&rand_state, seed, tag);
	RAND_set_rand_method(&rand_det_method);
}

void
rand_system(void)
{
	RAND_set_rand_method(NULL);
}

static int
rand_det_bytes(unsigned char *buf, int num)
{
	uint64_t v;
	int n;

	while (num > 0) {
		v = prng_next(&rand_state);
		n = num < 8 ? num : 8;
		memcpy(buf, &v, n);
		buf += n;
		num -= n;
	}
	return (1);
}

static int
rand_det_status(void)
{
	return (1);
}

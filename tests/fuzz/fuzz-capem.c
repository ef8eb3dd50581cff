/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * pki_ca_parse() (16.5, B54) on arbitrary bytes: a Custom_CA_Rule file as
 * downloaded.  What parses is non-empty DER of at most PKI_CA_DER_MAX
 * bytes that d2i_X509 reads back whole, and that the phone's trust store
 * (pki_trust, as tls_start uses it) takes or refuses without harm; every
 * refusal is one non-empty line.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "emu/emu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct emu_pki	*fuzz_capem_pki;	/* one per process */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const unsigned char	*p;
	uint8_t			*der = NULL;
	size_t			 dlen = 0;
	char			*cause = NULL;
	X509			*x;
	X509_STORE		*st;

	if (pki_ca_parse(data, size, &der, &dlen, &cause) != 0) {
		if (cause == NULL || cause[0] == '\0' ||
		    strchr(cause, '\n') != NULL || der != NULL || dlen != 0)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL || der == NULL || dlen == 0 || dlen > PKI_CA_DER_MAX)
		abort();
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)dlen)) == NULL ||
	    p != der + dlen)
		abort();
	X509_free(x);

	if (fuzz_capem_pki == NULL)
		fuzz_capem_pki = pki_create(1, 1798761600);
	if ((st = pki_trust(fuzz_capem_pki, der, dlen)) != NULL)
		X509_STORE_free(st);
	free(der);
	return (0);
}

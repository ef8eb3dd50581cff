/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for the flash image reader (spec 2.3, docs/state.md).  The
 * input is loaded twice into a phone that is off (MAC 00562B160001, a
 * CP-8851-3PCC, the identity of the seed corpus): as it is, and resealed
 * (its length and crc32 set to match), so that the records behind the
 * checksum are explored too.  A refused image must come with a one-line
 * reason and leave the phone's erasable state at its factory value; an
 * accepted one must save to an image that loads again and saves to the
 * same bytes.
 */

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "emu/emu-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_flash_one(struct emu_ctx *, const uint8_t *, size_t);
static void	fuzz_flash_factory(const struct phone *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct emu_ctx	*ctx;	/* one for the process: its index
					   of parameters is costly to build */
	uint8_t			*copy;
	uint32_t		 clen, crc;

	if (ctx == NULL)
		ctx = emu_ctx_create(1);
	fuzz_flash_one(ctx, data, size);
	/* Resealed: the header's length and the trailing crc32 made right. */
	if (size >= 20 && size - 20 <= FLASH_MAX_LEN) {
		if ((copy = malloc(size)) == NULL)
			abort();
		memcpy(copy, data, size);
		clen = size - 20;
		copy[12] = clen >> 24;
		copy[13] = (clen >> 16) & 0xff;
		copy[14] = (clen >> 8) & 0xff;
		copy[15] = clen & 0xff;
		crc = crc32(0L, Z_NULL, 0);
		crc = crc32(crc, copy, size - 4);
		copy[size - 4] = crc >> 24;
		copy[size - 3] = (crc >> 16) & 0xff;
		copy[size - 2] = (crc >> 8) & 0xff;
		copy[size - 1] = crc & 0xff;
		fuzz_flash_one(ctx, copy, size);
		free(copy);
	}
	return (0);
}

static void
fuzz_flash_one(struct emu_ctx *ctx, const uint8_t *data, size_t size)
{
	static const uint8_t	 mac[6] = { 0x00, 0x56, 0x2b, 0x16, 0x00, 0x01 };
	struct phone_conf	 c;
	struct phone		*p, *q;
	struct dbuf		 a, b;
	char			*cause = NULL;
	int			 rc;

	memset(&c, 0, sizeof c);
	memcpy(c.mac, mac, 6);
	c.model = "CP-8851-3PCC";
	c.key_group = -1;
	p = phone_create(ctx, &c);
	rc = flash_load(p, data, size, &cause);
	if (rc < 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		fuzz_flash_factory(p);
		free(cause);
		phone_free(p);
		return;
	}
	if (rc > 0 && (cause == NULL || strchr(cause, '\n') != NULL))
		abort();
	free(cause);
	cause = NULL;
	/* What was taken saves, loads again, and saves the same. */
	dbuf_init(&a);
	dbuf_init(&b);
	flash_save(p, &a);
	q = phone_create(ctx, &c);
	if (flash_load(q, a.data, a.len, &cause) != 0)
		abort();
	flash_save(q, &b);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	dbuf_clear(&a);
	dbuf_clear(&b);
	phone_free(q);
	phone_free(p);
}

static void
fuzz_flash_factory(const struct phone *p)
{
	int	k;

	if (p->ps.n != 0 || p->cust != CUST_OPEN || p->provisioned ||
	    p->ever_ok || p->ca_der != NULL || p->ca_rule != NULL ||
	    p->company != NULL || p->upg_rule != NULL || p->upg_url != NULL)
		abort();
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		if (p->nhist[k] != 0)
			abort();
	}
}

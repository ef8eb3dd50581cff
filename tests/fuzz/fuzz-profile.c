/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for the flat-profile parser (spec 8): inflate if gzip, parse
 * with and without an --alias map, through the cache, and write the
 * "profile check" report.  A context per input, so nothing outlives it.
 * A third pass takes the first line of the input as the alias map and the
 * rest as the body, to exercise the alias parser too.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char fuzz_alias[] =
    "/customer-account/SIP-number = /flat-profile/User_ID_1_ ;"
    " /auth-secret = /flat-profile/Password_1_ ; /x = /flat-profile/GPP_A ;";

static void
fuzz_one(struct emu_ctx *ctx, const uint8_t *buf, size_t len,
    const char *alias)
{
	struct profile	*pr = NULL, *again = NULL;
	struct dbuf	 out;
	char		*cause = NULL;

	if (profile_parse(ctx, buf, len, alias, &pr, &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return;
	}
	dbuf_init(&out);
	profile_check_report(ctx, "fuzz", pr, &out);
	dbuf_clear(&out);
	profile_unref(pr);

	if (profile_get(ctx, buf, len, alias, &pr, &cause) != 0)
		abort();	/* parsed above */
	if (profile_get(ctx, buf, len, alias, &again, &cause) != 0)
		abort();
	if (pr != again)
		abort();
	profile_unref(again);
	profile_unref(pr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct emu_ctx	*ctx;
	struct dbuf	 inf;
	const uint8_t	*buf = data, *nl;
	char		*cause = NULL, *alias;
	int		 rc;

	ctx = emu_ctx_create(0);
	dbuf_init(&inf);
	rc = decode_inflate(data, len, PROFILE_MAX_LEN, &inf, &cause);
	if (rc < 0) {
		free(cause);
		goto out;
	}
	if (rc == 1) {
		buf = inf.data;
		len = inf.len;
	}
	fuzz_one(ctx, buf, len, NULL);
	fuzz_one(ctx, buf, len, fuzz_alias);
	if ((nl = memchr(buf, '\n', len)) != NULL) {
		alias = xstrndup((const char *)buf, nl - buf);
		ctx->permissive = 1;
		fuzz_one(ctx, nl + 1, len - (nl + 1 - buf), alias);
		free(alias);
	}
out:
	dbuf_clear(&inf);
	emu_ctx_free(ctx);
	return (0);
}

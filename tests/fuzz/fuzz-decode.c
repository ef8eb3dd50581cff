/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for body decoding (emu/decode.c, spec 11).  The input is
 * split: a flags byte (Content-Encoding aes128gcm, --key, IKM, a small
 * cap), a length-prefixed key, a length-prefixed IKM text, and the body.
 * decode_body must return one of its four answers, a one-line cause with
 * every error and none without, and never more than the cap.  Then the
 * ciphers must round-trip the body: RFC 8188 (record size from the input),
 * a cut RFC 8188 body must fail, AES-256-CBC with MD5 directly and with
 * SHA-256 through decode_body when the body reads as XML (an MD5 file
 * goes through the retry, which is a guess: once in some ten thousand
 * keys the SHA-256 key passes the padding check and yields text that
 * looks like XML).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"

#define FUZZ_DECODE_SMALL_CAP	512

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t	*fuzz_decode_take(const uint8_t **, size_t *,
			    size_t *);
static void		 fuzz_decode_cause(int, char *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decode_in	 din;
	struct dbuf		 out, enc;
	const uint8_t		*p, *kp, *ip;
	uint8_t			 flags, ikm[DECODE_IKM_MAX];
	uint8_t			 salt[16] = "fuzz-decode-salt";
	char			*key, *ikmtext, *cause = NULL;
	size_t			 klen, ilen, ikmlen, max;
	uint32_t		 rs;
	enum emu_err		 err;

	if (size < 1)
		return (0);
	flags = data[0];
	p = data + 1;
	size--;
	kp = fuzz_decode_take(&p, &size, &klen);
	ip = fuzz_decode_take(&p, &size, &ilen);
	key = xstrndup((const char *)kp, klen);
	ikmtext = xstrndup((const char *)ip, ilen);
	max = (flags & 8) ? FUZZ_DECODE_SMALL_CAP : 0;

	memset(&din, 0, sizeof din);
	din.data = p;
	din.len = size;
	din.content_encoding = (flags & 1) ? "aes128gcm" : NULL;
	din.key = (flags & 2) ? key : NULL;
	din.ikm = (flags & 4) ? ikmtext : NULL;
	din.max_len = max;
	dbuf_init(&out);
	dbuf_init(&enc);
	err = decode_body(&din, &out, &cause);
	if (err != EMU_OK && err != EMU_E_DECRYPT && err != EMU_E_CORRUPT &&
	    err != EMU_E_TOOBIG)
		abort();
	fuzz_decode_cause(err != EMU_OK, cause);
	cause = NULL;
	if (out.len > (max != 0 ? max : PROFILE_MAX_LEN) ||
	    (out.data != NULL && out.data[out.len] != '\0'))
		abort();

	/* RFC 8188 both ways, with the IKM text if it is one. */
	if (decode_ikm(ikmtext, ikm, sizeof ikm, &ikmlen, &cause) != 0) {
		fuzz_decode_cause(1, cause);
		cause = NULL;
		memcpy(ikm, "fuzz", 4);
		ikmlen = 4;
	}
	rs = 18 + (uint32_t)(flags >> 4) * 7;
	if (decode_gcm_encrypt(p, size, ikm, ikmlen, salt, rs,
	    (const uint8_t *)key, strlen(key), &enc,
	    &cause) != 0)
		abort();
	if (decode_gcm_decrypt(enc.data, enc.len, ikm, ikmlen, &out,
	    &cause) != 0 || out.len != size ||
	    (size != 0 && memcmp(out.data, p, size) != 0))
		abort();
	/* A cut body never decrypts. */
	if (enc.len > 0 && decode_gcm_decrypt(enc.data, enc.len - 1, ikm,
	    ikmlen, &out, &cause) == 0)
		abort();
	fuzz_decode_cause(1, cause);
	cause = NULL;

	/* AES-256-CBC: MD5 both ways; SHA-256 through decode_body. */
	if (decode_cbc_encrypt(p, size, key, DECODE_MD_MD5, salt, &enc,
	    &cause) != 0 || decode_cbc_decrypt(enc.data, enc.len, key,
	    DECODE_MD_MD5, &out, &cause) != 0 || out.len != size ||
	    (size != 0 && memcmp(out.data, p, size) != 0))
		abort();
	if (size > 0 && p[0] == '<') {
		if (decode_cbc_encrypt(p, size, key, DECODE_MD_SHA256, salt,
		    &enc, &cause) != 0)
			abort();
		din.data = enc.data;
		din.len = enc.len;
		din.content_encoding = (flags & 0x10) ? "gzip" : NULL;
		din.key = key;
		din.max_len = 0;
		if (decode_body(&din, &out, &cause) != EMU_OK ||
		    out.len != size || memcmp(out.data, p, size) != 0)
			abort();
	}
	free(cause);
	free(key);
	free(ikmtext);
	dbuf_clear(&out);
	dbuf_clear(&enc);
	return (0);
}

/* One byte of length (capped by what is left), then that many bytes. */
static const uint8_t *
fuzz_decode_take(const uint8_t **p, size_t *size, size_t *len)
{
	const uint8_t	*s;

	if (*size == 0) {
		*len = 0;
		return (*p);
	}
	*len = **p;
	(*p)++;
	(*size)--;
	if (*len > *size)
		*len = *size;
	s = *p;
	*p += *len;
	*size -= *len;
	return (s);
}

/* A reason with every error, one line, and none without. */
static void
fuzz_decode_cause(int failed, char *cause)
{
	if (failed != (cause != NULL))
		abort();
	if (cause != NULL && strchr(cause, '\n') != NULL)
		abort();
	free(cause);
}

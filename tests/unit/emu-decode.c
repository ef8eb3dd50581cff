/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * emu/decode.c: body decoding (spec 11).  RFC 8188 is checked against the
 * two examples of its section 3 (decoded exactly, 3.1 re-encrypted byte
 * for byte); AES-256-CBC against OpenSSL's EVP calls made here the way
 * "openssl enc -aes-256-cbc -k" makes them (tests/crypto.sh runs the real
 * command); records for the malformed cases are sealed here with the
 * RFC 8188 key schedule written out from the RFC.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <zlib.h>

#include "emu/emu.h"
#include "tests/unit/unit.h"

/* RFC 8188 3.1: one record, rs 4096, no key id. */
#define RFC31_IKM	"yqdlZ-tYemfogSmv7Ws5PQ"
#define RFC31_BODY	"I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-" \
			"IxkIva3MEB1PD-ly8Thjg"
/* RFC 8188 3.2: rs 25, key id "a1", two records, the first padded. */
#define RFC32_IKM	"BO3ZVPxUlnLORbVGMpbT1Q"
#define RFC32_BODY	"uNCkWiNYzKTnBN9ji3-qWAAAABkCYTHOG8chz_gnvgOqdGYovxy" \
			"juqRyJFjEDyoF1Fvkj6hQPdPHI51OEUKEpgz3SsLWIqS_uA"
#define WALRUS		"I am the walrus"

#define XML		"<flat-profile><GPP_A>secret</GPP_A></flat-profile>"

int	main(void);

/* Helpers: references written from the RFCs and OpenSSL's documentation. */

/* base64url (RFC 4648 5) without padding, as the RFC 8188 examples are. */
static void
b64url(const char *s, struct dbuf *out)
{
	char		*b;
	uint8_t		*raw;
	size_t		 n = strlen(s), i, pad = (4 - n % 4) % 4;
	int		 got;

	b = malloc(n + pad + 1);
	raw = malloc(n + 4);
	assert_non_null(b);
	assert_non_null(raw);
	for (i = 0; i < n; i++)
		b[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	memset(b + n, '=', pad);
	b[n + pad] = '\0';
	got = EVP_DecodeBlock(raw, (unsigned char *)b, (int)(n + pad));
	assert_true(got >= (int)pad);
	dbuf_reset(out);
	dbuf_add(out, raw, (size_t)got - pad);
	free(b);
	free(raw);
}

/* openssl enc -aes-256-cbc -k key -S salt -md (sha256|md5). */
static void
ref_cbc(int enc, const char *key, const EVP_MD *md, const uint8_t *salt,
    const void *in, size_t len, struct dbuf *out)
{
	unsigned char	 k[32], iv[16], *buf;
	EVP_CIPHER_CTX	*c;
	int		 n = 0, m = 0;

	assert_int_equal(EVP_BytesToKey(EVP_aes_256_cbc(), md, salt,
	    (const unsigned char *)key, (int)strlen(key), 1, k, iv), 32);
	buf = malloc(len + 32);
	assert_non_null(buf);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_CipherInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv,
	    enc), 1);
	assert_int_equal(EVP_CipherUpdate(c, buf, &n, in, (int)len), 1);
	assert_int_equal(EVP_CipherFinal_ex(c, buf + n, &m), 1);
	EVP_CIPHER_CTX_free(c);
	dbuf_reset(out);
	if (enc) {
		dbuf_add(out, "Salted__", 8);
		dbuf_add(out, salt, 8);
	}
	dbuf_add(out, buf, (size_t)(n + m));
	free(buf);
}

static void
gzip_buf(const void *in, size_t len, struct dbuf *out)
{
	z_stream	z;
	uLong		bound;
	uint8_t		*buf;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	bound = deflateBound(&z, len) + 64;
	buf = malloc(bound);
	assert_non_null(buf);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)bound;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	dbuf_reset(out);
	dbuf_add(out, buf, bound - z.avail_out);
	deflateEnd(&z);
	free(buf);
}

/* RFC 8188 2.2, 2.3: HKDF-SHA-256(salt, IKM, label || 0x00, n). */
static void
ref_hkdf(const uint8_t *salt, const uint8_t *ikm, size_t ikmlen,
    const char *label, uint8_t *okm, size_t n)
{
	EVP_PKEY_CTX	*pc;
	size_t		 outlen = n;

	assert_non_null(pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL));
	assert_int_equal(EVP_PKEY_derive_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_salt(pc, salt, 16), 1);
	assert_int_equal(EVP_PKEY_CTX_set1_hkdf_key(pc, ikm, (int)ikmlen), 1);
	assert_int_equal(EVP_PKEY_CTX_add1_hkdf_info(pc,
	    (const unsigned char *)label, (int)strlen(label) + 1), 1);
	assert_int_equal(EVP_PKEY_derive(pc, okm, &outlen), 1);
	EVP_PKEY_CTX_free(pc);
}

/* An aes128gcm body under IKM "0123456789abcdef" and salt 0x11..: the
 * header, then one record per plaintext given (already delimited). */
static const uint8_t	test_ikm[16] = "0123456789abcdef";
static const uint8_t	test_salt[16] = { 0x11, 0x11, 0x11, 0x11, 0x11,
	0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11 };

static void
ref_gcm_header(uint32_t rs, struct dbuf *out)
{
	dbuf_reset(out);
	dbuf_add(out, test_salt, 16);
	dbuf_add_u32(out, rs);
	dbuf_add_u8(out, 0);
}

static void
ref_gcm_record(uint64_t seq, const void *pt, size_t len, struct dbuf *out)
{
	uint8_t		 cek[16], nonce[12], tag[16], *buf;
	EVP_CIPHER_CTX	*c;
	int		 n = 0, m = 0, i;

	ref_hkdf(test_salt, test_ikm, 16, "Content-Encoding: aes128gcm", cek,
	    16);
	ref_hkdf(test_salt, test_ikm, 16, "Content-Encoding: nonce", nonce, 12);
	for (i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(seq >> (8 * i));
	buf = malloc(len + 16);
	assert_non_null(buf);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek,
	    nonce), 1);
	assert_int_equal(EVP_EncryptUpdate(c, buf, &n, pt, (int)len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, buf + n, &m), 1);
	assert_int_equal(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag),
	    1);
	EVP_CIPHER_CTX_free(c);
	dbuf_add(out, buf, (size_t)(n + m));
	dbuf_add(out, tag, 16);
	free(buf);
}

/* decode_gcm_decrypt under test_ikm: 0, or -1 and cause holding want. */
static void
gcm_fails(const struct dbuf *body, const char *want)
{
	struct dbuf	 out;
	char		*cause = NULL;

	dbuf_init(&out);
	assert_int_equal(decode_gcm_decrypt(body->data, body->len, test_ikm,
	    16, &out, &cause), -1);
	assert_int_equal(out.len, 0);
	unit_check_cause(cause, want);
	dbuf_clear(&out);
}

static enum emu_err
body(const struct dbuf *in, const char *cenc, const char *key,
    const char *ikm, size_t max, struct dbuf *out, char **cause)
{
	struct decode_in	din;

	memset(&din, 0, sizeof din);
	din.data = in->data;
	din.len = in->len;
	din.content_encoding = cenc;
	din.key = key;
	din.ikm = ikm;
	din.max_len = max;
	*cause = NULL;
	return (decode_body(&din, out, cause));
}

/* RFC 8188 section 3 examples. */

/* B66: RFC 8188 3.1 decodes to "I am the walrus". */
static void
test_b66_rfc8188_3_1_decrypt(void **state)
{
	struct dbuf	 ct, ikm, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	b64url(RFC31_BODY, &ct);
	b64url(RFC31_IKM, &ikm);
	assert_int_equal(ikm.len, 16);
	assert_int_equal(decode_gcm_decrypt(ct.data, ct.len, ikm.data,
	    ikm.len, &out, &cause), 0);
	assert_null(cause);
	assert_int_equal(out.len, strlen(WALRUS));
	assert_memory_equal(out.data, WALRUS, out.len);
	assert_int_equal(out.data[out.len], '\0');
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* RFC 8188 3.2: two records of rs 25, key id "a1", padding in the first. */
static void
test_b66_rfc8188_3_2_decrypt(void **state)
{
	struct dbuf	 ct, ikm, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	b64url(RFC32_BODY, &ct);
	b64url(RFC32_IKM, &ikm);
	/* the header as the RFC gives it: rs 25, idlen 2, "a1" */
	assert_int_equal(ct.data[16] << 24 | ct.data[17] << 16 |
	    ct.data[18] << 8 | ct.data[19], 25);
	assert_int_equal(ct.data[20], 2);
	assert_memory_equal(ct.data + 21, "a1", 2);
	assert_int_equal(decode_gcm_decrypt(ct.data, ct.len, ikm.data,
	    ikm.len, &out, &cause), 0);
	assert_int_equal(out.len, strlen(WALRUS));
	assert_memory_equal(out.data, WALRUS, out.len);
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* RFC 8188 3.1 again, encrypted with its salt, rs and key id: the same
 * bytes. */
static void
test_rfc8188_3_1_encrypt_exact(void **state)
{
	struct dbuf	 ct, ikm, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	b64url(RFC31_BODY, &ct);
	b64url(RFC31_IKM, &ikm);
	assert_int_equal(decode_gcm_encrypt((const uint8_t *)WALRUS,
	    strlen(WALRUS), ikm.data, ikm.len, ct.data, DECODE_GCM_RS_DEFAULT,
	    NULL, 0, &out, &cause), 0);
	assert_int_equal(out.len, ct.len);
	assert_memory_equal(out.data, ct.data, ct.len);
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* Every length up to four records, every small record size: decrypted as
 * it was, records of exactly rs bytes but the last. */
static void
test_rfc8188_round_trip(void **state)
{
	struct dbuf	 ct, out;
	uint8_t		 pt[200];
	char		*cause = NULL;
	size_t		 len, i, nrec;
	uint32_t	 rs;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&out);
	for (i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(i * 7 + 3);
	pt[5] = 0;	/* zeros inside the data are data */
	for (rs = 18; rs <= 40; rs++) {
		for (len = 0; len <= 4 * (rs - 17); len++) {
			assert_int_equal(decode_gcm_encrypt(pt, len, test_ikm,
			    16, test_salt, rs, (const uint8_t *)"id", 2, &ct,
			    &cause), 0);
			nrec = len / (rs - 17) + 1;
			if (len % (rs - 17) == 0 && len > 0)
				nrec--;
			assert_int_equal(ct.len, 23 + len + nrec * 17);
			assert_int_equal(decode_gcm_decrypt(ct.data, ct.len,
			    test_ikm, 16, &out, &cause), 0);
			assert_int_equal(out.len, len);
			if (len > 0)
				assert_memory_equal(out.data, pt, len);
		}
	}
	dbuf_clear(&ct);
	dbuf_clear(&out);
}

/* RFC 8188 2: any prefix of a coded body is refused (both examples). */
static void
test_rfc8188_truncated_every_length(void **state)
{
	const char	*bodies[] = { RFC31_BODY, RFC32_BODY };
	const char	*ikms[] = { RFC31_IKM, RFC32_IKM };
	struct dbuf	 ct, ikm, out;
	char		*cause;
	size_t		 i, len;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	for (i = 0; i < 2; i++) {
		b64url(bodies[i], &ct);
		b64url(ikms[i], &ikm);
		for (len = 0; len < ct.len; len++) {
			cause = NULL;
			assert_int_equal(decode_gcm_decrypt(ct.data, len,
			    ikm.data, ikm.len, &out, &cause), -1);
			assert_int_equal(out.len, 0);
			unit_check_cause(cause, NULL);
		}
	}
	/* 3.2 cut after its first record: "not marked final" */
	cause = NULL;
	assert_int_equal(decode_gcm_decrypt(ct.data, 23 + 25, ikm.data,
	    ikm.len, &out, &cause), -1);
	unit_check_cause(cause, "not marked final");
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* RFC 8188 2.1: rs below 18 is refused, whatever follows. */
static void
test_rfc8188_bad_record_size(void **state)
{
	struct dbuf	 ct, ikm, out;
	char		*cause = NULL;
	uint32_t	 rs;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	b64url(RFC31_BODY, &ct);
	b64url(RFC31_IKM, &ikm);
	for (rs = 0; rs < 18; rs++) {
		ct.data[16] = ct.data[17] = ct.data[18] = 0;
		ct.data[19] = (uint8_t)rs;
		assert_int_equal(decode_gcm_decrypt(ct.data, ct.len, ikm.data,
		    ikm.len, &out, &cause), -1);
		unit_check_cause(cause, "record size");
		cause = NULL;
	}
	/* and the encoder will not make one */
	assert_int_equal(decode_gcm_encrypt((const uint8_t *)"x", 1, ikm.data,
	    ikm.len, test_salt, 17, NULL, 0, &out, &cause), -1);
	unit_check_cause(cause, "record size");
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* 11.3: any authentication failure is B.  Every byte of 3.1 flipped, and
 * the wrong IKM. */
static void
test_b66_rfc8188_bad_tag(void **state)
{
	struct dbuf	 ct, ikm, out;
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	dbuf_init(&ct);
	dbuf_init(&ikm);
	dbuf_init(&out);
	b64url(RFC31_BODY, &ct);
	b64url(RFC31_IKM, &ikm);
	for (i = 0; i < ct.len; i++) {
		/* rs (over the body's length it changes nothing: the
		 * header is not authenticated) and idlen have their own
		 * tests */
		if (i >= 16 && i <= 20)
			continue;
		ct.data[i] ^= 0x80;
		assert_int_equal(decode_gcm_decrypt(ct.data, ct.len, ikm.data,
		    ikm.len, &out, &cause), -1);
		unit_check_cause(cause, NULL);
		cause = NULL;
		ct.data[i] ^= 0x80;
	}
	assert_int_equal(decode_gcm_decrypt(ct.data, ct.len, test_ikm, 16,
	    &out, &cause), -1);
	unit_check_cause(cause, "authentication failed");
	dbuf_clear(&ct);
	dbuf_clear(&ikm);
	dbuf_clear(&out);
}

/* RFC 8188 2: delimiters.  0x02 before the end, a last record with 0x01,
 * a delimiter of another value, a record of zeros only, an empty record,
 * and zeros after the delimiter (allowed padding). */
static void
test_rfc8188_delimiters(void **state)
{
	struct dbuf	 b, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&b);
	dbuf_init(&out);
	/* rs 20: three data bytes and a delimiter per record */
	ref_gcm_header(20, &b);
	ref_gcm_record(0, "abc\x02", 4, &b);
	ref_gcm_record(1, "def\x02", 4, &b);
	gcm_fails(&b, "data after the final record");

	ref_gcm_header(20, &b);
	ref_gcm_record(0, "abc\x01", 4, &b);
	ref_gcm_record(1, "de\x01", 3, &b);
	gcm_fails(&b, "not marked final");

	ref_gcm_header(20, &b);
	ref_gcm_record(0, "ab\x03", 3, &b);
	gcm_fails(&b, "bad padding delimiter 0x03");

	ref_gcm_header(20, &b);
	ref_gcm_record(0, "\0\0\0", 3, &b);
	gcm_fails(&b, "no padding delimiter");

	/* a record that is all tag: nothing to hold a delimiter */
	ref_gcm_header(20, &b);
	ref_gcm_record(0, "", 0, &b);
	gcm_fails(&b, "truncated");

	/* a non-final record shorter than rs ends the body early */
	ref_gcm_header(20, &b);
	ref_gcm_record(0, "ab\x01", 3, &b);
	ref_gcm_record(1, "c\x02", 2, &b);
	gcm_fails(&b, NULL);

	/* padding: zeros after the delimiter are dropped */
	ref_gcm_header(20, &b);
	ref_gcm_record(0, "a\x01\0\0", 4, &b);
	ref_gcm_record(1, "b\x02\0", 3, &b);
	assert_int_equal(decode_gcm_decrypt(b.data, b.len, test_ikm, 16, &out,
	    &cause), 0);
	assert_int_equal(out.len, 2);
	assert_memory_equal(out.data, "ab", 2);
	dbuf_clear(&b);
	dbuf_clear(&out);
}

/* AES-256-CBC (11.2). */

/* B63: both derivations, both ways, byte for byte with OpenSSL's. */
static void
test_b63_cbc_round_trip(void **state)
{
	static const uint8_t	 salt[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const EVP_MD		*mds[2];
	struct dbuf		 ct, ref, out;
	char			*cause = NULL;
	size_t			 len;
	int			 md;

	(void)state;
	mds[DECODE_MD_SHA256] = EVP_sha256();
	mds[DECODE_MD_MD5] = EVP_md5();
	dbuf_init(&ct);
	dbuf_init(&ref);
	dbuf_init(&out);
	for (md = DECODE_MD_SHA256; md <= DECODE_MD_MD5; md++) {
		for (len = 0; len <= strlen(XML); len++) {
			assert_int_equal(decode_cbc_encrypt((const uint8_t *)
			    XML, len, "secret", md, salt, &ct, &cause), 0);
			ref_cbc(1, "secret", mds[md], salt, XML, len, &ref);
			assert_int_equal(ct.len, ref.len);
			assert_memory_equal(ct.data, ref.data, ref.len);
			assert_int_equal(ct.len, 16 + (len / 16 + 1) * 16);
			assert_int_equal(decode_cbc_decrypt(ref.data, ref.len,
			    "secret", md, &out, &cause), 0);
			assert_int_equal(out.len, len);
			assert_memory_equal(out.data, XML, len);
		}
	}
	dbuf_clear(&ct);
	dbuf_clear(&ref);
	dbuf_clear(&out);
}

/* B63, B65: decode_body with --key: SHA-256 files, MD5 files (even one
 * whose SHA-256 key passes the padding check: salt "00000146"), and gzip
 * inside. */
static void
test_b63_b65_body_with_key(void **state)
{
	const char	*md5xml = "<flat-profile><GPP_A>md5</GPP_A>"
	    "</flat-profile>";
	struct dbuf	 in, gz, out;
	char		*cause;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&gz);
	dbuf_init(&out);
	ref_cbc(1, "k", EVP_sha256(), (const uint8_t *)"saltsalt", XML,
	    strlen(XML), &in);
	assert_int_equal(body(&in, NULL, "k", NULL, 0, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, XML);

	ref_cbc(1, "SecretPhrase1234", EVP_md5(), (const uint8_t *)"00000146",
	    md5xml, strlen(md5xml), &in);
	assert_int_equal(body(&in, NULL, "SecretPhrase1234", NULL, 0, &out,
	    &cause), EMU_OK);
	assert_string_equal((char *)out.data, md5xml);

	/* B65: compressed, then encrypted */
	gzip_buf(XML, strlen(XML), &gz);
	ref_cbc(1, "k", EVP_sha256(), (const uint8_t *)"SALTSALT", gz.data,
	    gz.len, &in);
	assert_int_equal(body(&in, NULL, "k", NULL, 0, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, XML);
	/* B62: gzip alone */
	assert_int_equal(body(&gz, NULL, NULL, NULL, 0, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, XML);
	dbuf_clear(&in);
	dbuf_clear(&gz);
	dbuf_clear(&out);
}

/* B64: a wrong key is EMU_E_DECRYPT ("decrypt failed"). */
static void
test_b64_cbc_wrong_key(void **state)
{
	struct dbuf	 in, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	ref_cbc(1, "right", EVP_sha256(), (const uint8_t *)"12345678", XML,
	    strlen(XML), &in);
	assert_int_equal(decode_cbc_decrypt(in.data, in.len, "wrong",
	    DECODE_MD_SHA256, &out, &cause), -1);
	unit_check_cause(cause, "wrong key");
	assert_int_equal(body(&in, NULL, "wrong", NULL, 0, &out, &cause),
	    EMU_E_DECRYPT);
	assert_int_equal(out.len, 0);
	unit_check_cause(cause, "decrypt failed");
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/*
 * A cut CBC file: never the plain text back.  A length off the block size
 * is refused as truncated; on a block boundary CBC has no integrity, and
 * the padding of the last block kept decides (one chance in about 256 to
 * pass, with text that is not the file).
 */
static void
test_cbc_truncated_every_length(void **state)
{
	struct dbuf	 in, out;
	char		*cause;
	size_t		 len;
	enum emu_err	 err;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	ref_cbc(1, "k", EVP_sha256(), (const uint8_t *)"abcdefgh", XML,
	    strlen(XML), &in);
	for (len = 0; len < in.len; len++) {
		struct dbuf	cut = { in.data, len, len };

		err = body(&cut, NULL, "k", NULL, 0, &out, &cause);
		if (len < 32 || (len - 16) % 16 != 0) {
			assert_int_equal(err, EMU_E_DECRYPT);
			unit_check_cause(cause, NULL);
			continue;
		}
		if (err == EMU_OK) {
			assert_true(out.len < strlen(XML));
			free(cause);
		} else
			unit_check_cause(cause, NULL);
	}
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* 11.3: --key and a body that is not encrypted: EMU_E_DECRYPT. */
static void
test_b63_plain_body_with_key(void **state)
{
	struct dbuf	 in, out;
	char		*cause;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	dbuf_add_str(&in, XML);
	assert_int_equal(body(&in, NULL, "k", NULL, 0, &out, &cause),
	    EMU_E_DECRYPT);
	unit_check_cause(cause, "not encrypted");
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* 8.6: a Salted__ body and no --key (no aes128gcm either) is B, corrupt. */
static void
test_salted_without_key_corrupt(void **state)
{
	struct dbuf	 in, out;
	char		*cause;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	ref_cbc(1, "k", EVP_sha256(), (const uint8_t *)"abcdefgh", XML,
	    strlen(XML), &in);
	assert_int_equal(body(&in, NULL, NULL, NULL, 0, &out, &cause),
	    EMU_E_CORRUPT);
	unit_check_cause(cause, "no --key");
	/* an IKM alone does not decrypt it: no aes128gcm header */
	assert_int_equal(body(&in, NULL, NULL, RFC31_IKM, 0, &out, &cause),
	    EMU_E_CORRUPT);
	unit_check_cause(cause, "no --key");
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* 8.6: a gzip bomb stops at the cap: EMU_E_TOOBIG, inside --key too. */
static void
test_gzip_bomb_capped(void **state)
{
	struct dbuf	 gz, in, out;
	uint8_t		*zeros;
	char		*cause;
	size_t		 big = 8 * 1024 * 1024;

	(void)state;
	dbuf_init(&gz);
	dbuf_init(&in);
	dbuf_init(&out);
	zeros = calloc(1, big);
	assert_non_null(zeros);
	gzip_buf(zeros, big, &gz);
	free(zeros);
	assert_true(gz.len < 64 * 1024);
	assert_int_equal(body(&gz, NULL, NULL, NULL, 0, &out, &cause),
	    EMU_E_TOOBIG);
	unit_check_cause(cause, "too big");
	assert_int_equal(body(&gz, NULL, NULL, NULL, 1024, &out, &cause),
	    EMU_E_TOOBIG);
	unit_check_cause(cause, "too big");
	assert_int_equal(out.len, 0);
	ref_cbc(1, "k", EVP_sha256(), (const uint8_t *)"abcdefgh", gz.data,
	    gz.len, &in);
	assert_int_equal(body(&in, NULL, "k", NULL, 0, &out, &cause),
	    EMU_E_TOOBIG);
	unit_check_cause(cause, "too big");
	/* a plain body over the cap */
	dbuf_reset(&in);
	dbuf_add_str(&in, XML);
	assert_int_equal(body(&in, NULL, NULL, NULL, 10, &out, &cause),
	    EMU_E_TOOBIG);
	unit_check_cause(cause, "too big");
	/* bad deflate data after the magic is corrupt */
	gz.data[gz.len / 2] ^= 0xff;
	gz.len = gz.len / 2 + 1;
	assert_int_equal(body(&gz, NULL, NULL, NULL, 0, &out, &cause),
	    EMU_E_CORRUPT);
	unit_check_cause(cause, "gzip");
	dbuf_clear(&gz);
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* 11.3 precedence. */

/* B66: Content-Encoding aes128gcm and an IKM: RFC 8188 though --key is
 * there; the header's case and list form do not matter. */
static void
test_b66_body_precedence(void **state)
{
	struct dbuf	 in, out;
	char		*cause;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	b64url(RFC31_BODY, &in);
	assert_int_equal(body(&in, "aes128gcm", "secret", RFC31_IKM, 0, &out,
	    &cause), EMU_OK);
	assert_string_equal((char *)out.data, WALRUS);
	assert_int_equal(body(&in, " AES128GCM ", NULL, RFC31_IKM, 0, &out,
	    &cause), EMU_OK);
	assert_string_equal((char *)out.data, WALRUS);
	/* the wrong IKM: decrypt failed */
	assert_int_equal(body(&in, "aes128gcm", NULL, RFC32_IKM, 0, &out,
	    &cause), EMU_E_DECRYPT);
	unit_check_cause(cause, "authentication failed");
	/* an IKM that is not base64 */
	assert_int_equal(body(&in, "aes128gcm", NULL, "not*base64", 0, &out,
	    &cause), EMU_E_DECRYPT);
	unit_check_cause(cause, "IKM_HTTP_Encrypt_Content");
	/* no header: the IKM is not used, the body is plain bytes */
	assert_int_equal(body(&in, NULL, NULL, RFC31_IKM, 0, &out, &cause),
	    EMU_OK);
	assert_int_equal(out.len, in.len);
	/* no header and --key: CBC, whatever the IKM */
	assert_int_equal(body(&in, "gzip", "secret", RFC31_IKM, 0, &out,
	    &cause), EMU_E_DECRYPT);
	unit_check_cause(cause, "not encrypted");
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* B67: the header and no IKM is B (decrypt failed), --key or not. */
static void
test_b67_no_ikm(void **state)
{
	struct dbuf	 in, out;
	char		*cause;

	(void)state;
	dbuf_init(&in);
	dbuf_init(&out);
	b64url(RFC31_BODY, &in);
	assert_int_equal(body(&in, "aes128gcm", "secret", NULL, 0, &out,
	    &cause), EMU_E_DECRYPT);
	unit_check_cause(cause, "no IKM");
	assert_int_equal(body(&in, "aes128gcm", NULL, "", 0, &out, &cause),
	    EMU_E_DECRYPT);
	unit_check_cause(cause, "no IKM");
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* aes128gcm around gzip: decrypted, then inflated (11.1 order). */
static void
test_b65_gcm_then_gzip(void **state)
{
	struct dbuf	 gz, in, out;
	char		*cause = NULL;

	(void)state;
	dbuf_init(&gz);
	dbuf_init(&in);
	dbuf_init(&out);
	gzip_buf(XML, strlen(XML), &gz);
	assert_int_equal(decode_gcm_encrypt(gz.data, gz.len, test_ikm, 16,
	    test_salt, 30, NULL, 0, &in, &cause), 0);
	assert_int_equal(body(&in, "aes128gcm", NULL, "MDEyMzQ1Njc4OWFiY2RlZg",
	    0, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, XML);
	dbuf_clear(&gz);
	dbuf_clear(&in);
	dbuf_clear(&out);
}

/* IKM_HTTP_Encrypt_Content text: base64url or base64, padding optional. */
static void
test_ikm_text(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;	/* NULL: refused */
	} t[] = {
		{ "MDEyMzQ1Njc4OWFiY2RlZg", "0123456789abcdef" },
		{ "MDEyMzQ1Njc4OWFiY2RlZg==", "0123456789abcdef" },
		{ " MDEyMzQ1Njc4OWFiY2RlZg ", "0123456789abcdef" },
		{ "-_-_", "\xfb\xff\xbf" },
		{ "+/+/", "\xfb\xff\xbf" },
		{ "+/+/==", "\xfb\xff\xbf" },
		{ "QQ", "A" },
		{ "", NULL },
		{ "   ", NULL },
		{ "==", NULL },
		{ "Q", NULL },
		{ "QQ=Q", NULL },
		{ "-/", NULL },
		{ "QU JD", NULL },
		{ "QUJD*", NULL },
		{ "QUJD\n", NULL },
	};
	uint8_t		 ikm[DECODE_IKM_MAX];
	char		*cause, longer[200];
	size_t		 i, len;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		cause = NULL;
		if (t[i].want == NULL) {
			if (decode_ikm(t[i].text, ikm, sizeof ikm, &len,
			    &cause) != -1)
				fail_msg("\"%s\" taken", t[i].text);
			unit_check_cause(cause, NULL);
			continue;
		}
		if (decode_ikm(t[i].text, ikm, sizeof ikm, &len, &cause) != 0)
			fail_msg("\"%s\": %s", t[i].text, cause);
		assert_int_equal(len, strlen(t[i].want));
		assert_memory_equal(ikm, t[i].want, len);
	}
	/* longer than the buffer */
	memset(longer, 'A', 100);
	longer[100] = '\0';
	cause = NULL;
	assert_int_equal(decode_ikm(longer, ikm, 16, &len, &cause), -1);
	unit_check_cause(cause, "1..16 bytes");
	memset(longer, 'A', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(decode_ikm(longer, ikm, sizeof ikm, &len, &cause),
	    -1);
	unit_check_cause(cause, NULL);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_b66_rfc8188_3_1_decrypt),
		cmocka_unit_test(test_b66_rfc8188_3_2_decrypt),
		cmocka_unit_test(test_rfc8188_3_1_encrypt_exact),
		cmocka_unit_test(test_rfc8188_round_trip),
		cmocka_unit_test(test_rfc8188_truncated_every_length),
		cmocka_unit_test(test_rfc8188_bad_record_size),
		cmocka_unit_test(test_b66_rfc8188_bad_tag),
		cmocka_unit_test(test_rfc8188_delimiters),
		cmocka_unit_test(test_b63_cbc_round_trip),
		cmocka_unit_test(test_b63_b65_body_with_key),
		cmocka_unit_test(test_b64_cbc_wrong_key),
		cmocka_unit_test(test_cbc_truncated_every_length),
		cmocka_unit_test(test_b63_plain_body_with_key),
		cmocka_unit_test(test_salted_without_key_corrupt),
		cmocka_unit_test(test_gzip_bomb_capped),
		cmocka_unit_test(test_b66_body_precedence),
		cmocka_unit_test(test_b67_no_ikm),
		cmocka_unit_test(test_b65_gcm_then_gzip),
		cmocka_unit_test(test_ikm_text),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

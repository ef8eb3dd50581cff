/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Body decoding (spec 11, 3.4 step 5j): what turns the bytes of a fetched
 * profile into the text the flat-profile parser reads.  Decryption first,
 * then gzip by its magic (11.1):
 *   - Content-Encoding: aes128gcm and an IKM: RFC 8188 (11.3), any --key
 *     ignored (B66); the header without an IKM is class B (B67);
 *   - else --key: AES-256-CBC in the "openssl enc" format (11.2), the key
 *     and IV from EVP_BytesToKey with SHA-256, then MD5 (OpenSSL 1.0.x);
 *   - else a "Salted__" body is corrupt (8.6), anything else is plain.
 * Both ciphers also encrypt, for "phonefleet profile encrypt" and for
 * scenarios that serve encrypted files.  Pure: salts come from the caller.
 * Not here: -pbkdf2 files (11.2), the older aesgcm and aesgcm128 codings.
 */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <zlib.h>

#include "emu.h"

#define DECODE_SALTED		"Salted__"
#define DECODE_CBC_HDR		16	/* "Salted__" and the salt */
#define DECODE_CBC_BLOCK	16
/* RFC 8188 2.1: salt(16) rs(4) idlen(1) keyid(idlen) */
#define DECODE_GCM_SALT		16
#define DECODE_GCM_HDR		21
#define DECODE_GCM_TAG		16
#define DECODE_GCM_KEY		16
#define DECODE_GCM_NONCE	12
#define DECODE_GCM_RS_MIN	18	/* RFC 8188 2: a delimiter and a tag */
#define DECODE_GCM_DELIM	0x01	/* RFC 8188 2: not the last record */
#define DECODE_GCM_DELIM_LAST	0x02
#define DECODE_INFLATE_STEP	16384

static const EVP_MD	*decode_md(int);
static int	decode_is_salted(const uint8_t *, size_t);
static int	decode_looks_plain(const struct dbuf *);
static int	decode_cbc(const uint8_t *, size_t, const char *, int, int,
		    const uint8_t *, struct dbuf *);
static int	decode_gcm_keys(const uint8_t *, const uint8_t *, size_t,
		    uint8_t *, uint8_t *);
static int	decode_hkdf(const uint8_t *, const uint8_t *, size_t,
		    const char *, uint8_t *, size_t);
static void	decode_nonce(const uint8_t *, uint64_t, uint8_t *);
static void	decode_empty(struct dbuf *);

/*
 * 3.4 step 5j.  Every failure is class B: EMU_E_DECRYPT for a body that
 * does not decrypt ($ERR "decrypt failed"), EMU_E_CORRUPT for one that
 * cannot be a profile, EMU_E_TOOBIG over the cap.
 */
enum emu_err
decode_body(const struct decode_in *in, struct dbuf *out, char **cause)
{
	struct dbuf	 dec, alt;
	uint8_t		 ikm[DECODE_IKM_MAX];
	const uint8_t	*data = in->data;
	size_t		 len = in->len, ikmlen, max;
	char		*why = NULL;
	enum emu_err	 err = EMU_OK;
	int		 rc, sha_ok;

	max = in->max_len != 0 ? in->max_len : PROFILE_MAX_LEN;
	dbuf_init(&dec);
	dbuf_init(&alt);
	decode_empty(out);
	if (in->content_encoding != NULL &&
	    http_has_token(in->content_encoding, "aes128gcm")) {
		/* 11.3: the header decides, whatever --key says (B66). */
		if (in->ikm == NULL || *in->ikm == '\0') {
			/* B67: no IKM to read it with. */
			*cause = xstrdup("aes128gcm body and no "
			    "IKM_HTTP_Encrypt_Content");
			err = EMU_E_DECRYPT;
			goto done;
		}
		if (decode_ikm(in->ikm, ikm, sizeof ikm, &ikmlen, &why) != 0) {
			xasprintf(cause, "IKM_HTTP_Encrypt_Content: %s", why);
			err = EMU_E_DECRYPT;
			goto done;
		}
		rc = decode_gcm_decrypt(data, len, ikm, ikmlen, &dec, &why);
		OPENSSL_cleanse(ikm, sizeof ikm);
		if (rc != 0) {
			xasprintf(cause, "aes128gcm: %s", why);
			err = EMU_E_DECRYPT;
			goto done;
		}
		data = dec.data;
		len = dec.len;
	} else if (in->key != NULL) {
		/* 11.3: with --key the body is AES-256-CBC, whatever it
		 * looks like: a plain body fails to decrypt. */
		if (!decode_is_salted(data, len)) {
			*cause = xstrdup("--key and a body that is not "
			    "encrypted (no Salted__ header)");
			err = EMU_E_DECRYPT;
			goto done;
		}
		/*
		 * 11.2, B63: SHA-256, then MD5 (OpenSSL 1.0.x).  The wrong
		 * derivation passes the padding check once in 256 salts:
		 * a text that is neither XML nor gzip tries MD5 too.
		 */
		sha_ok = decode_cbc_decrypt(data, len, in->key,
		    DECODE_MD_SHA256, &dec, &why) == 0;
		free(why);
		why = NULL;
		if (!sha_ok || !decode_looks_plain(&dec)) {
			if (decode_cbc_decrypt(data, len, in->key,
			    DECODE_MD_MD5, &alt, &why) == 0) {
				dbuf_clear(&dec);
				dec = alt;
				dbuf_init(&alt);
			} else if (!sha_ok) {
				/* B64: wrong key (or cut short) */
				xasprintf(cause, "AES-256-CBC: %s", why);
				err = EMU_E_DECRYPT;
				goto done;
			}
		}
		data = dec.data;
		len = dec.len;
	} else if (decode_is_salted(data, len)) {
		/* 8.6: encrypted, and nothing to decrypt it with. */
		*cause = xstrdup("encrypted body (Salted__) and no --key");
		err = EMU_E_CORRUPT;
		goto done;
	}

	/* B62, B65: gzip by its magic, after any decryption (11.1). */
	rc = decode_inflate(data, len, max, out, cause);
	if (rc == -2) {
		err = EMU_E_TOOBIG;
		goto done;
	}
	if (rc == -1) {
		err = EMU_E_CORRUPT;
		goto done;
	}
	if (rc == 0) {
		if (len > max) {
			xasprintf(cause, "file too big (over %zu bytes)", max);
			err = EMU_E_TOOBIG;
			goto done;
		}
		dbuf_add(out, data, len);
	}
done:
	free(why);
	if (err != EMU_OK)
		decode_empty(out);
	if (dec.data != NULL)
		OPENSSL_cleanse(dec.data, dec.cap);
	dbuf_clear(&dec);
	dbuf_clear(&alt);
	return (err);
}

int
decode_cbc_decrypt(const uint8_t *in, size_t len, const char *key, int md,
    struct dbuf *out, char **cause)
{
	if (!decode_is_salted(in, len)) {
		*cause = xstrdup("not an encrypted file (no Salted__ header)");
		return (-1);
	}
	if (len == DECODE_CBC_HDR ||
	    (len - DECODE_CBC_HDR) % DECODE_CBC_BLOCK != 0) {
		xasprintf(cause, "truncated: %zu bytes of ciphertext, not a "
		    "whole number of blocks", len - DECODE_CBC_HDR);
		return (-1);
	}
	if (len > INT_MAX) {
		*cause = xstrdup("file too big");
		return (-1);
	}
	if (decode_cbc(in + DECODE_CBC_HDR, len - DECODE_CBC_HDR, key, md, 0,
	    in + 8, out) != 0) {
		/* B64: bad padding after decryption. */
		*cause = xstrdup("decrypt failed (wrong key or not an "
		    "encrypted file)");
		return (-1);
	}
	return (0);
}

int
decode_cbc_encrypt(const uint8_t *in, size_t len, const char *key, int md,
    const uint8_t salt[8], struct dbuf *out, char **cause)
{
	struct dbuf	ct;

	if (len > INT_MAX - 2 * DECODE_CBC_BLOCK) {
		*cause = xstrdup("file too big");
		return (-1);
	}
	dbuf_init(&ct);
	if (decode_cbc(in, len, key, md, 1, salt, &ct) != 0) {
		dbuf_clear(&ct);
		*cause = xstrdup("encryption failed");
		return (-1);
	}
	decode_empty(out);
	dbuf_add(out, DECODE_SALTED, 8);
	dbuf_add(out, salt, 8);
	dbuf_add(out, ct.data, ct.len);
	dbuf_clear(&ct);
	return (0);
}

/* RFC 8188 2: records of rs bytes, the last one marked by 0x02. */
int
decode_gcm_decrypt(const uint8_t *in, size_t len, const uint8_t *ikm,
    size_t ikmlen, struct dbuf *out, char **cause)
{
	EVP_CIPHER_CTX	*c;
	uint8_t		 cek[DECODE_GCM_KEY], base[DECODE_GCM_NONCE];
	uint8_t		 nonce[DECODE_GCM_NONCE], tag[DECODE_GCM_TAG];
	const uint8_t	*p;
	size_t		 hdr, rem, rlen, plen, start;
	uint64_t	 seq;
	uint32_t	 rs;
	int		 n, m, last;

	decode_empty(out);
	if (len < DECODE_GCM_HDR ||
	    len < (size_t)DECODE_GCM_HDR + in[DECODE_GCM_HDR - 1]) {
		xasprintf(cause, "truncated header (%zu bytes)", len);
		return (-1);
	}
	rs = (uint32_t)in[16] << 24 | (uint32_t)in[17] << 16 |
	    (uint32_t)in[18] << 8 | in[19];
	hdr = DECODE_GCM_HDR + in[DECODE_GCM_HDR - 1];
	if (rs < DECODE_GCM_RS_MIN) {
		/* RFC 8188 2.1: rs < 18 is invalid */
		xasprintf(cause, "record size %u is below %d", rs,
		    DECODE_GCM_RS_MIN);
		return (-1);
	}
	if (len == hdr) {
		*cause = xstrdup("truncated: no record after the header");
		return (-1);
	}
	if (ikmlen == 0 || ikmlen > INT_MAX) {
		*cause = xstrdup("empty IKM");
		return (-1);
	}
	if (decode_gcm_keys(in, ikm, ikmlen, cek, base) != 0 ||
	    (c = EVP_CIPHER_CTX_new()) == NULL) {
		*cause = xstrdup("key derivation failed");
		return (-1);
	}
	p = in + hdr;
	rem = len - hdr;
	for (seq = 0; rem > 0; seq++) {
		rlen = rem < rs ? rem : rs;
		last = rlen == rem;
		if (rlen <= DECODE_GCM_TAG) {
			xasprintf(cause, "record %llu: truncated (%zu bytes)",
			    (unsigned long long)seq, rlen);
			goto fail;
		}
		plen = rlen - DECODE_GCM_TAG;
		if (plen > INT_MAX) {
			*cause = xstrdup("record too big");
			goto fail;
		}
		decode_nonce(base, seq, nonce);
		start = out->len;
		dbuf_reserve(out, plen + DECODE_CBC_BLOCK);
		memcpy(tag, p + plen, sizeof tag);
		n = m = 0;
		if (EVP_DecryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek,
		    nonce) != 1 ||
		    EVP_DecryptUpdate(c, out->data + start, &n, p,
		    (int)plen) != 1 ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, sizeof tag,
		    tag) != 1 ||
		    EVP_DecryptFinal_ex(c, out->data + start + n, &m) != 1) {
			/* 11.3: any authentication failure is B. */
			xasprintf(cause, "record %llu: authentication failed "
			    "(wrong IKM or damaged body)",
			    (unsigned long long)seq);
			goto fail;
		}
		plen = (size_t)n + (size_t)m;
		/* RFC 8188 2: data, a delimiter, then zeros. */
		while (plen > 0 && out->data[start + plen - 1] == 0x00)
			plen--;
		if (plen == 0) {
			xasprintf(cause, "record %llu: no padding delimiter",
			    (unsigned long long)seq);
			goto fail;
		}
		switch (out->data[start + plen - 1]) {
		case DECODE_GCM_DELIM_LAST:
			if (!last) {
				xasprintf(cause, "data after the final "
				    "record %llu", (unsigned long long)seq);
				goto fail;
			}
			break;
		case DECODE_GCM_DELIM:
			if (last) {
				/* RFC 8188 2: the stream was cut short */
				xasprintf(cause, "truncated: record %llu is "
				    "not marked final",
				    (unsigned long long)seq);
				goto fail;
			}
			break;
		default:
			xasprintf(cause, "record %llu: bad padding delimiter "
			    "0x%02x", (unsigned long long)seq,
			    out->data[start + plen - 1]);
			goto fail;
		}
		out->len = start + plen - 1;
		out->data[out->len] = '\0';
		p += rlen;
		rem -= rlen;
	}
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(cek, sizeof cek);
	return (0);

fail:
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(cek, sizeof cek);
	if (out->data != NULL)
		OPENSSL_cleanse(out->data, out->cap);
	decode_empty(out);
	return (-1);
}

int
decode_gcm_encrypt(const uint8_t *in, size_t len, const uint8_t *ikm,
    size_t ikmlen, const uint8_t salt[16], uint32_t rs, const uint8_t *keyid,
    size_t idlen, struct dbuf *out, char **cause)
{
	EVP_CIPHER_CTX	*c;
	uint8_t		 cek[DECODE_GCM_KEY], base[DECODE_GCM_NONCE];
	uint8_t		 nonce[DECODE_GCM_NONCE], tag[DECODE_GCM_TAG];
	uint8_t		*rec;
	size_t		 chunk, take;
	uint64_t	 seq;
	int		 n, m, rc = -1, final = 0;

	if (rs < DECODE_GCM_RS_MIN) {
		xasprintf(cause, "record size %u is below %d", rs,
		    DECODE_GCM_RS_MIN);
		return (-1);
	}
	if (idlen > 255) {
		*cause = xstrdup("key id longer than 255 bytes");
		return (-1);
	}
	if (ikmlen == 0 || ikmlen > INT_MAX) {
		*cause = xstrdup("empty IKM");
		return (-1);
	}
	if (decode_gcm_keys(salt, ikm, ikmlen, cek, base) != 0 ||
	    (c = EVP_CIPHER_CTX_new()) == NULL) {
		*cause = xstrdup("key derivation failed");
		return (-1);
	}
	decode_empty(out);
	dbuf_add(out, salt, DECODE_GCM_SALT);
	dbuf_add_u32(out, rs);
	dbuf_add_u8(out, (uint8_t)idlen);
	dbuf_add(out, keyid, idlen);
	/* Each record: rs - 17 bytes of data and a delimiter, no padding. */
	chunk = rs - DECODE_GCM_TAG - 1;
	if (chunk > INT_MAX - 1)
		chunk = INT_MAX - 1;
	rec = xmalloc(chunk + 1);
	for (seq = 0; !final; seq++) {
		take = len < chunk ? len : chunk;
		/* The last record holds what is left, even nothing. */
		final = take == len;
		memcpy(rec, in, take);
		rec[take] = final ? DECODE_GCM_DELIM_LAST : DECODE_GCM_DELIM;
		decode_nonce(base, seq, nonce);
		dbuf_reserve(out, take + 1 + DECODE_GCM_TAG + DECODE_CBC_BLOCK);
		n = m = 0;
		if (EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, cek,
		    nonce) != 1 ||
		    EVP_EncryptUpdate(c, out->data + out->len, &n, rec,
		    (int)take + 1) != 1 ||
		    EVP_EncryptFinal_ex(c, out->data + out->len + n, &m) != 1 ||
		    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, sizeof tag,
		    tag) != 1) {
			*cause = xstrdup("encryption failed");
			goto done;
		}
		out->len += (size_t)n + (size_t)m;
		dbuf_add(out, tag, sizeof tag);
		in += take;
		len -= take;
	}
	rc = 0;
done:
	OPENSSL_cleanse(rec, chunk + 1);
	free(rec);
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(cek, sizeof cek);
	return (rc);
}

/*
 * IKM_HTTP_Encrypt_Content is text, the key bytes in base64url (RFC 4648
 * 5), the form RFC 8188's examples use; standard base64 is taken too, and
 * '=' padding is optional.  White space around it is ignored.
 */
int
decode_ikm(const char *text, uint8_t *ikm, size_t size, size_t *len,
    char **cause)
{
	const char	*s = text, *e;
	char		*b;
	uint8_t		*raw;
	size_t		 n, i, pad;
	int		 got;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	while (e > s && e[-1] == '=')
		e--;
	n = (size_t)(e - s);
	if (n == 0) {
		*cause = xstrdup("empty");
		return (-1);
	}
	if (n % 4 == 1 || n > INT_MAX - 4) {
		*cause = xstrdup("not base64url or base64 (bad length)");
		return (-1);
	}
	pad = (4 - n % 4) % 4;
	b = xmalloc(n + pad + 1);
	for (i = 0; i < n; i++) {
		b[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
		if (s[i] == '+' || s[i] == '/' || s[i] == '=') {
			/* base64url has neither; only all-base64 is fine */
			if (memchr(s, '-', n) != NULL ||
			    memchr(s, '_', n) != NULL || s[i] == '=') {
				free(b);
				*cause = xstrdup("not base64url or base64");
				return (-1);
			}
		}
	}
	memset(b + n, '=', pad);
	b[n + pad] = '\0';
	raw = xmalloc((n + pad) / 4 * 3 + 1);
	got = EVP_DecodeBlock(raw, (const unsigned char *)b, (int)(n + pad));
	free(b);
	if (got < 0 || (size_t)got < pad) {
		free(raw);
		*cause = xstrdup("not base64url or base64");
		return (-1);
	}
	got -= (int)pad;
	if (got == 0 || (size_t)got > size) {
		OPENSSL_cleanse(raw, (n + pad) / 4 * 3);
		free(raw);
		xasprintf(cause, "%d bytes: the key must be 1..%zu bytes", got,
		    size);
		return (-1);
	}
	memcpy(ikm, raw, (size_t)got);
	OPENSSL_cleanse(raw, (n + pad) / 4 * 3);
	free(raw);
	*len = (size_t)got;
	return (0);
}

static const EVP_MD *
decode_md(int md)
{
	return (md == DECODE_MD_MD5 ? EVP_md5() : EVP_sha256());
}

static int
decode_is_salted(const uint8_t *data, size_t len)
{
	return (len >= DECODE_CBC_HDR && memcmp(data, DECODE_SALTED, 8) == 0);
}

/* A decrypted body that can be a profile: XML ('<' after a BOM and white
 * space) or gzip. */
static int
decode_looks_plain(const struct dbuf *b)
{
	const uint8_t	*d = b->data;
	size_t		 i = 0;

	if (b->len >= 2 && d[0] == 0x1f && d[1] == 0x8b)
		return (1);
	if (b->len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < b->len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
	    d[i] == '\n'))
		i++;
	return (i < b->len && d[i] == '<');
}

/* 11.2: EVP_BytesToKey, one iteration, as openssl enc -k does. */
static int
decode_cbc(const uint8_t *in, size_t len, const char *key, int md, int enc,
    const uint8_t *salt, struct dbuf *out)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 k[32], iv[16];
	int		 n = 0, m = 0, rc = -1;

	if (EVP_BytesToKey(EVP_aes_256_cbc(), decode_md(md), salt,
	    (const unsigned char *)key, (int)strlen(key), 1, k, iv) == 0)
		return (-1);
	decode_empty(out);
	dbuf_reserve(out, len + DECODE_CBC_BLOCK);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		goto done;
	if (EVP_CipherInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv, enc) == 1 &&
	    EVP_CipherUpdate(c, out->data, &n, in, (int)len) == 1 &&
	    EVP_CipherFinal_ex(c, out->data + n, &m) == 1) {
		out->len = (size_t)n + (size_t)m;
		out->data[out->len] = '\0';
		rc = 0;
	}
	EVP_CIPHER_CTX_free(c);
done:
	OPENSSL_cleanse(k, sizeof k);
	OPENSSL_cleanse(iv, sizeof iv);
	if (rc != 0)
		decode_empty(out);
	return (rc);
}

/* RFC 8188 2.2, 2.3: CEK and the nonce base from the salt and the IKM. */
static int
decode_gcm_keys(const uint8_t *salt, const uint8_t *ikm, size_t ikmlen,
    uint8_t *cek, uint8_t *base)
{
	return (decode_hkdf(salt, ikm, ikmlen, "Content-Encoding: aes128gcm",
	    cek, DECODE_GCM_KEY) != 0 || decode_hkdf(salt, ikm, ikmlen,
	    "Content-Encoding: nonce", base, DECODE_GCM_NONCE) != 0 ? -1 : 0);
}

/* HKDF-SHA-256 (RFC 5869) over a 16-byte salt, info = label || 0x00. */
static int
decode_hkdf(const uint8_t *salt, const uint8_t *ikm, size_t ikmlen,
    const char *label, uint8_t *okm, size_t okmlen)
{
	EVP_PKEY_CTX	*pc;
	size_t		 outlen = okmlen;
	int		 ok;

	if ((pc = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL)) == NULL)
		return (-1);
	/* info: the label and its terminating NUL (RFC 8188 2.2, 2.3) */
	ok = EVP_PKEY_derive_init(pc) == 1 &&
	    EVP_PKEY_CTX_set_hkdf_md(pc, EVP_sha256()) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(pc, salt, DECODE_GCM_SALT) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_key(pc, ikm, (int)ikmlen) == 1 &&
	    EVP_PKEY_CTX_add1_hkdf_info(pc, (const unsigned char *)label,
	    (int)strlen(label) + 1) == 1 &&
	    EVP_PKEY_derive(pc, okm, &outlen) == 1 && outlen == okmlen;
	EVP_PKEY_CTX_free(pc);
	return (ok ? 0 : -1);
}

/* RFC 8188 2.3: the record's sequence number XORed into the nonce's low
 * 96 bits (the sequence fits in 64 of them). */
static void
decode_nonce(const uint8_t *base, uint64_t seq, uint8_t *nonce)
{
	int	i;

	memcpy(nonce, base, DECODE_GCM_NONCE);
	for (i = 0; i < 8; i++)
		nonce[DECODE_GCM_NONCE - 1 - i] ^= (uint8_t)(seq >> (8 * i));
}

/*
 * 11.1, B62: gzip by its magic (1f 8b), not by its name.  Returns 0 not
 * gzip (out untouched), 1 inflated into out, -1 bad data, -2 over max (a
 * gzip bomb stops there).  Concatenated members (gzip a b) inflate as one;
 * bytes after the last are ignored.
 */
int
decode_inflate(const uint8_t *buf, size_t len, size_t max, struct dbuf *out,
    char **cause)
{
	z_stream	 z;
	uint8_t		 tmp[DECODE_INFLATE_STEP];
	size_t		 n;
	int		 rc;

	if (len < 2 || buf[0] != 0x1f || buf[1] != 0x8b)
		return (0);
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		*cause = xstrdup("gzip: cannot initialise zlib");
		return (-1);
	}
	decode_empty(out);
	z.next_in = (Bytef *)(uintptr_t)buf;
	z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	for (;;) {
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		rc = inflate(&z, Z_NO_FLUSH);
		n = sizeof tmp - z.avail_out;
		if (out->len + n > max) {
			inflateEnd(&z);
			decode_empty(out);
			xasprintf(cause, "gzip: file too big (inflates to "
			    "over %zu bytes)", max);
			return (-2);
		}
		dbuf_add(out, tmp, n);
		if (rc == Z_STREAM_END) {
			if (z.avail_in >= 2 && z.next_in[0] == 0x1f &&
			    z.next_in[1] == 0x8b) {
				if (inflateReset(&z) != Z_OK) {
					*cause = xstrdup("gzip: bad data");
					goto fail;
				}
				continue;
			}
			break;
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0) {
			*cause = xstrdup("gzip: truncated data");
			goto fail;
		}
		if (rc != Z_OK) {
			xasprintf(cause, "gzip: bad data: %s",
			    z.msg != NULL ? z.msg : "inflate failed");
			goto fail;
		}
	}
	inflateEnd(&z);
	return (1);

fail:
	inflateEnd(&z);
	decode_empty(out);
	return (-1);
}

/* No bytes, and still a string. */
static void
decode_empty(struct dbuf *b)
{
	dbuf_reset(b);
	if (b->data != NULL)
		b->data[0] = '\0';
}

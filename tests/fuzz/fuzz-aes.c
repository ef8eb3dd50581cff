/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Encrypted profiles (spec 11: --key, AES-256-CBC in the openssl enc
 * format with SHA-256 or MD5 key derivation, gzip inside or not; RFC 8188
 * aes128gcm content coding) through a whole phone (phone-drv.h).  The rule
 * carries a key made of the first bytes; every resync is answered with a
 * body encrypted under that key or another, with either derivation, whole,
 * cut or with a byte flipped, plain or gzipped inside, sometimes with
 * Content-Encoding: aes128gcm and an IKM set.  A body encrypted under the
 * right key and left whole must be applied; nothing may crash or leak.
 */

#include "phone-drv.h"

#define FUZZ_AES_ROUNDS	16	/* resyncs per input */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_aes_encrypt(const char *, const EVP_MD *, const uint8_t *,
		    const uint8_t *, size_t, struct dbuf *);
static void	fuzz_aes_key(struct drv_in *, char *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv	 dv;
	struct dbuf	 plain, body, resp;
	char		 key[33], other[33], rule[128], *gpp;
	const uint8_t	*raw, *salt;
	uint8_t		 k, round;
	size_t		 len, n;
	uint32_t	 flow;
	int		 intact, seq;

	drv_init(&dv, data, size);
	fuzz_aes_key(&dv.in, key, sizeof key);
	snprintf(rule, sizeof rule, "[--key %s]http://10.0.0.5/p.xml.enc",
	    key);
	drv_param(&dv, "Profile_Rule", rule);
	drv_param(&dv, "Resync_Random_Delay", "0");
	drv_param(&dv, "Resync_Periodic", "60");
	drv_param(&dv, "Resync_Error_Retry_Delay", "60");
	if (drv_u8(&dv.in) & 1)
		drv_param(&dv, "IKM_HTTP_Encrypt_Content",
		    "ZmFrZS1pa20tZm9yLWZ1enppbmc");
	drv_boot(&dv);
	dbuf_init(&plain);
	dbuf_init(&body);
	dbuf_init(&resp);
	for (round = 0; round < FUZZ_AES_ROUNDS && !drv_done(&dv.in);
	    round++) {
		if (dv.nst == 0)
			break;
		flow = dv.st[dv.nst - 1].flow;
		dv.st[dv.nst - 1].connected = 1;
		drv_event(&dv, &(struct emu_event){
		    .type = EMU_EV_CONNECTED, .flow = flow });

		/*
		 * The plain profile: a marker value, then the bytes as XML
		 * (no promise it applies) or as a value's text.
		 */
		k = drv_u8(&dv.in);
		seq = round + 1;
		dbuf_reset(&plain);
		dbuf_printf(&plain, "<flat-profile><GPP_D>r%d</GPP_D>", seq);
		raw = drv_piece(&dv.in, DRV_CHUNK_MAX, &len);
		intact = 1;
		if (k & 0x40) {
			dbuf_add(&plain, raw, len);
			intact = len == 0;
		} else {
			dbuf_add_str(&plain, "<GPP_C>");
			for (n = 0; n < len; n++) {
				if (raw[n] >= 0x20 && raw[n] < 0x7f &&
				    raw[n] != '<' && raw[n] != '&')
					dbuf_add_u8(&plain, raw[n]);
			}
			dbuf_add_str(&plain, "</GPP_C>");
		}
		dbuf_add_str(&plain, "</flat-profile>");
		if (k & 1) {
			struct dbuf	gz;

			dbuf_init(&gz);
			drv_gzip(plain.data, plain.len, &gz);
			dbuf_reset(&plain);
			dbuf_add(&plain, gz.data, gz.len);
			dbuf_clear(&gz);
		}
		/* The key: the right one, or another. */
		if (k & 2) {
			fuzz_aes_key(&dv.in, other, sizeof other);
			intact &= strcmp(other, key) == 0;
		} else
			snprintf(other, sizeof other, "%s", key);
		salt = drv_piece(&dv.in, 8, &n);
		dbuf_reset(&body);
		if (n == 8)
			fuzz_aes_encrypt(other, (k & 4) ? EVP_md5() :
			    EVP_sha256(), salt, plain.data, plain.len, &body);
		else {
			dbuf_add(&body, plain.data, plain.len);
			intact = 0;
		}
		if ((k & 8) && body.len > 0) {
			body.data[drv_u16(&dv.in) % body.len] ^= 1 +
			    drv_u8(&dv.in) % 255;
			intact = 0;
		}
		if ((k & 0x10) && body.len > 0) {
			body.len -= 1 + drv_u16(&dv.in) % body.len;
			intact = 0;
		}
		dbuf_reset(&resp);
		dbuf_printf(&resp, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "%s\r\n", body.len, (k & 0x20) ?
		    "Content-Encoding: aes128gcm\r\n" : "");
		if (k & 0x20)
			intact = 0;
		dbuf_add(&resp, body.data, body.len);
		drv_segments(&dv, flow, &resp);
		(void)drv_close(&dv, flow, 0);
		/* Right key, whole body: the values were applied (B63). */
		gpp = NULL;
		xasprintf(&gpp, "r%d", seq);
		if (intact && strcmp(phone_get(dv.p, "GPP_D"), gpp) != 0) {
			fprintf(stderr, "round %d: a whole body under the "
			    "right key was not applied\n", seq);
			abort();
		}
		free(gpp);
		/* The next resync. */
		if (phone_deadline(dv.p) != EMU_TIME_NEVER &&
		    phone_deadline(dv.p) > dv.now)
			dv.now = phone_deadline(dv.p);
		drv_event(&dv, &(struct emu_event){ .type = EMU_EV_TIMER });
	}
	dbuf_clear(&plain);
	dbuf_clear(&body);
	dbuf_clear(&resp);
	drv_fini(&dv);
	return (0);
}

/* A key the rule grammar takes: 1..32 letters and digits. */
static void
fuzz_aes_key(struct drv_in *in, char *key, size_t size)
{
	static const char	 set[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t			 n = 1 + drv_u8(in) % (size - 1), i;

	for (i = 0; i < n; i++)
		key[i] = set[drv_u8(in) % (sizeof set - 1)];
	key[n] = '\0';
}

/* openssl enc -aes-256-cbc -md (sha256|md5) -k key -S salt. */
static void
fuzz_aes_encrypt(const char *key, const EVP_MD *md, const uint8_t *salt,
    const uint8_t *data, size_t len, struct dbuf *b)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 k[32], iv[16];
	uint8_t		*outb;
	int		 n = 0, m = 0;

	if (EVP_BytesToKey(EVP_aes_256_cbc(), md, salt,
	    (const unsigned char *)key, strlen(key), 1, k, iv) == 0)
		abort();
	if ((outb = malloc(len + 32)) == NULL ||
	    (c = EVP_CIPHER_CTX_new()) == NULL)
		abort();
	if (EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv) != 1 ||
	    EVP_EncryptUpdate(c, outb, &n, data, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, outb + n, &m) != 1)
		abort();
	EVP_CIPHER_CTX_free(c);
	dbuf_add(b, "Salted__", 8);
	dbuf_add(b, salt, 8);
	dbuf_add(b, outb, n + m);
	free(outb);
}

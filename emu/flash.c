/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A phone's flash image (spec 2.3): what survives a reboot, as bytes.
 * flash_save() writes the persistent state of a phone; flash_load() reads
 * one into a phone that has not been powered on yet.  The format is
 * docs/state.md: a header (magic, major and minor version, length), typed
 * records, and a zlib crc32 over all of it, so that a damaged image is
 * refused rather than half applied.  Parameters are stored by name, not by
 * id, since ids change between versions; enums are stored by their names
 * (customization state, error causes, reboot reasons) for the same reason.
 *
 * This is not file I/O: bytes in, bytes out (STYLE.md 3).  fleet/run.c
 * reads and writes the files.  RAM-only state (retry indexes, timers,
 * DHCP lease, TLS sessions: 2.3 ASSUMPTION) is never saved.
 *
 * flash_load() parses the whole image into a staging copy before it
 * touches the phone, so an image is applied whole or not at all; on any
 * error the phone's erasable state is set to its factory value (2.4).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "emu-int.h"

#define FLASH_MAGIC		"PFFLASH"	/* 8 bytes with its NUL */
#define FLASH_MAGIC_LEN		8
#define FLASH_HEAD_LEN		16	/* magic, major, minor, length */
#define FLASH_TAIL_LEN		4	/* crc32 */
#define FLASH_IDENT_MAX		256	/* model, load names, enum names */
#define FLASH_MIC_MAX		(16 * 1024)	/* MIC certificate, its key */
#define FLASH_CAUSE_SHOW	3	/* skipped names quoted in *cause */

/* Record types (docs/state.md). */
enum flash_rec {
	FLASH_REC_IDENT = 1,
	FLASH_REC_STATE,
	FLASH_REC_PARAM,
	FLASH_REC_CA,
	FLASH_REC_COMPANY,
	FLASH_REC_MIC,
	FLASH_REC_FIRMWARE,
	FLASH_REC_UPGRADE,
	FLASH_REC_HIST
};
#define FLASH_PARAM_VALUE	0x01
#define FLASH_PARAM_LOCAL	0x02
#define FLASH_CA_RULE		0x01
#define FLASH_CA_DER		0x02
#define FLASH_UPG_RULE		0x01
#define FLASH_UPG_URL		0x02
#define FLASH_HIST_URL		0x01
#define FLASH_HIST_MSG		0x02
#define FLASH_HIST_OK		0x04

/* Reading: a bounded cursor over one record. */
struct flash_rd {
	const uint8_t	*p;
	size_t		 len, off;
};

/* What an image says, before it is applied. */
struct flash_img {
	struct emu_ctx	*ctx;		/* borrowed */
	unsigned	 minor;		/* of the file */
	int		 have_ident, have_state, have_ca, have_company;
	int		 have_mic, have_fw, have_upg;
	uint8_t		 provisioned, ever_ok, cust;
	struct pset	 ps;
	uint8_t		*seen;		/* param ids met, one byte each */
	uint8_t		 ca_state;
	uint8_t		*ca_der;
	size_t		 ca_len;
	char		*ca_rule;
	char		*company;
	uint8_t		*mic_der, *mic_key;
	size_t		 mic_len, mic_key_len;
	const char	*swver, *swver2;	/* interned: a reference each */
	char		*upg_rule, *upg_url;
	uint8_t		 upg_ok;
	enum emu_err	 upg_err;
	struct phone_hist hist[PHONE_HIST__COUNT][PHONE_HIST_REBOOT_MAX];
	uint8_t		 nhist[PHONE_HIST__COUNT];
	unsigned	 skipped;	/* parameters and entries left out */
	struct dbuf	 skipped_names;	/* the first few, quoted */
};

static const uint8_t	 flash_hist_max[PHONE_HIST__COUNT] = {
	[PHONE_HIST_PROV] = PHONE_HIST_PROV_MAX,
	[PHONE_HIST_UPGRADE] = PHONE_HIST_UPGRADE_MAX,
	[PHONE_HIST_REBOOT] = PHONE_HIST_REBOOT_MAX,
};
static const char *const flash_rec_names[] = {
	[FLASH_REC_IDENT] = "ident",
	[FLASH_REC_STATE] = "state",
	[FLASH_REC_PARAM] = "param",
	[FLASH_REC_CA] = "ca",
	[FLASH_REC_COMPANY] = "company",
	[FLASH_REC_MIC] = "mic",
	[FLASH_REC_FIRMWARE] = "firmware",
	[FLASH_REC_UPGRADE] = "upgrade",
	[FLASH_REC_HIST] = "hist",
};

static void	 flash_put_u64(struct dbuf *, uint64_t);
static void	 flash_put_str32(struct dbuf *, const char *);
static void	 flash_put_str16(struct dbuf *, const char *);
static void	 flash_rec_begin(struct dbuf *, enum flash_rec, size_t *);
static void	 flash_rec_end(struct dbuf *, size_t);
static void	 flash_save_hist(struct dbuf *, int,
		     const struct phone_hist *);
static uint32_t	 flash_get_u32(const uint8_t *);
static int	 flash_rd_u8(struct flash_rd *, uint8_t *);
static int	 flash_rd_u16(struct flash_rd *, uint16_t *);
static int	 flash_rd_u32(struct flash_rd *, uint32_t *);
static const uint8_t *flash_rd_bytes(struct flash_rd *, size_t);
static int	 flash_rd_str(struct flash_rd *, size_t, size_t, char **,
		     char **);
static int	 flash_rd_rest(struct flash_rd *, size_t, char **, char **);
static int	 flash_parse(struct flash_img *, const struct phone *,
		     const uint8_t *, size_t, char **);
static int	 flash_record(struct flash_img *, const struct phone *,
		     unsigned, struct flash_rd *, char **);
static int	 flash_rec_ident(struct flash_img *, const struct phone *,
		     struct flash_rd *, char **);
static int	 flash_rec_state(struct flash_img *, struct flash_rd *,
		     char **);
static int	 flash_rec_param(struct flash_img *, struct flash_rd *,
		     char **);
static int	 flash_rec_ca(struct flash_img *, struct flash_rd *, char **);
static int	 flash_rec_mic(struct flash_img *, struct flash_rd *, char **);
static int	 flash_rec_firmware(struct flash_img *, struct flash_rd *,
		     char **);
static int	 flash_rec_upgrade(struct flash_img *, struct flash_rd *,
		     char **);
static int	 flash_rec_hist(struct flash_img *, struct flash_rd *,
		     char **);
static int	 flash_err_parse(const char *);
static int	 flash_reboot_parse(const char *);
static void	 flash_skip(struct flash_img *, const char *, const char *);
static void	 flash_escape(char **);
static void	 flash_img_clear(struct flash_img *);
static void	 flash_commit(struct phone *, struct flash_img *);
static void	 flash_factory(struct phone *);
static void	 flash_hist_clear(struct phone_hist *);

/*
 * Append the flash image of p to out (docs/state.md).  Never fails: the
 * image holds what the phone holds.
 */
void
flash_save(const struct phone *p, struct dbuf *out)
{
	const struct pset_ent	*e;
	size_t			 start = out->len, rec, i, k;
	uint32_t		 crc, clen;
	uint8_t			*h;

	dbuf_add(out, FLASH_MAGIC, FLASH_MAGIC_LEN);
	dbuf_add_u16(out, FLASH_MAJOR);
	dbuf_add_u16(out, FLASH_MINOR);
	dbuf_add_u32(out, 0);	/* the length, filled in below */

	/* Identity first: a file for another phone is refused (2.2). */
	flash_rec_begin(out, FLASH_REC_IDENT, &rec);
	dbuf_add(out, p->mac, 6);
	dbuf_add(out, p->model, strlen(p->model));
	flash_rec_end(out, rec);

	/* B17: provisioned flag (4.1); customization state (4.8). */
	flash_rec_begin(out, FLASH_REC_STATE, &rec);
	dbuf_add_u8(out, p->provisioned);
	dbuf_add_u8(out, p->ever_ok);
	dbuf_add(out, cust_state_name(p->cust), strlen(cust_state_name(p->cust)));
	flash_rec_end(out, rec);

	/* 2.3: every override, by name, with its ua and local mark. */
	for (i = 0; i < p->ps.n; i++) {
		e = &p->ps.ent[i];
		flash_rec_begin(out, FLASH_REC_PARAM, &rec);
		dbuf_add_u8(out, ((e->flags & PSET_VALUE) ? FLASH_PARAM_VALUE :
		    0) | ((e->flags & PSET_LOCAL) ? FLASH_PARAM_LOCAL : 0));
		dbuf_add_u8(out, e->ua);
		flash_put_str16(out, param_table[e->id].name);
		if (e->flags & PSET_VALUE)
			dbuf_add(out, e->val, strlen(e->val));
		flash_rec_end(out, rec);
	}

	/* 16.5: the custom CA and the rule it came from. */
	if (p->ca_state != 0 || p->ca_der != NULL || p->ca_rule != NULL) {
		flash_rec_begin(out, FLASH_REC_CA, &rec);
		dbuf_add_u8(out, p->ca_state);
		dbuf_add_u8(out, (p->ca_rule != NULL ? FLASH_CA_RULE : 0) |
		    (p->ca_der != NULL ? FLASH_CA_DER : 0));
		flash_put_str32(out, p->ca_rule != NULL ? p->ca_rule : "");
		if (p->ca_der != NULL)
			dbuf_add(out, p->ca_der, p->ca_len);
		flash_rec_end(out, rec);
	}
	if (p->company != NULL) {
		flash_rec_begin(out, FLASH_REC_COMPANY, &rec);
		dbuf_add(out, p->company, strlen(p->company));
		flash_rec_end(out, rec);
	}
	/* 2.3: the MIC survives even a factory reset [C4]. */
	if (p->mic_der != NULL) {
		flash_rec_begin(out, FLASH_REC_MIC, &rec);
		dbuf_add_u32(out, p->mic_len);
		dbuf_add(out, p->mic_der, p->mic_len);
		if (p->mic_key != NULL)
			dbuf_add(out, p->mic_key, p->mic_key_len);
		flash_rec_end(out, rec);
	}
	/* B96: the two firmware partitions (2.3). */
	flash_rec_begin(out, FLASH_REC_FIRMWARE, &rec);
	flash_put_str16(out, p->swver);
	dbuf_add(out, p->swver2, strlen(p->swver2));
	flash_rec_end(out, rec);
	/* B98: the last expanded upgrade URL and its result (2.3). */
	if (p->upg_rule != NULL || p->upg_url != NULL || p->upg_ok ||
	    p->upg_err != EMU_OK) {
		flash_rec_begin(out, FLASH_REC_UPGRADE, &rec);
		dbuf_add_u8(out, (p->upg_rule != NULL ? FLASH_UPG_RULE : 0) |
		    (p->upg_url != NULL ? FLASH_UPG_URL : 0));
		dbuf_add_u8(out, p->upg_ok != 0);
		flash_put_str16(out, emu_err_cause(p->upg_err));
		flash_put_str32(out, p->upg_rule != NULL ? p->upg_rule : "");
		if (p->upg_url != NULL)
			dbuf_add(out, p->upg_url, strlen(p->upg_url));
		flash_rec_end(out, rec);
	}
	/* B92, B93: the histories, newest first (2.3, 3.7, 16.1). */
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		for (i = 0; i < p->nhist[k] && i < flash_hist_max[k]; i++)
			flash_save_hist(out, k, &p->hist[k][i]);
	}

	clen = out->len - start - FLASH_HEAD_LEN;
	h = out->data + start + FLASH_HEAD_LEN - 4;
	h[0] = clen >> 24;
	h[1] = (clen >> 16) & 0xff;
	h[2] = (clen >> 8) & 0xff;
	h[3] = clen & 0xff;
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32_z(crc, out->data + start, out->len - start);
	dbuf_add_u32(out, crc);
}

/*
 * Read an image into p, which must not have been powered on.  Returns -1
 * with *cause (one line) and p's erasable state at its factory value if
 * the image is damaged, for another phone, or of a newer major version.
 * Otherwise returns how many entries were skipped (parameters this version
 * does not know or no longer accepts, history entries naming an unknown
 * cause) and, when that is not 0, sets *cause to a line naming the first.
 */
int
flash_load(struct phone *p, const uint8_t *buf, size_t len, char **cause)
{
	struct flash_img	 img;
	int			 rc;

	*cause = NULL;
	if (p->powered) {
		*cause = xstrdup("the phone is powered on");
		return (-1);
	}
	memset(&img, 0, sizeof img);
	img.ctx = p->ctx;
	pset_init(&img.ps);
	dbuf_init(&img.skipped_names);
	img.seen = xcalloc(param_count, 1);
	if (flash_parse(&img, p, buf, len, cause) != 0) {
		flash_escape(cause);
		flash_img_clear(&img);
		flash_factory(p);
		intern_collect(p->ctx->intern);
		return (-1);
	}
	flash_commit(p, &img);
	rc = img.skipped > INT32_MAX ? INT32_MAX : (int)img.skipped;
	if (img.skipped != 0) {
		xasprintf(cause, "%u entries skipped: %s%s", img.skipped,
		    img.skipped_names.data, img.skipped > FLASH_CAUSE_SHOW ?
		    ", ..." : "");
		flash_escape(cause);
	}
	flash_img_clear(&img);
	intern_collect(p->ctx->intern);
	return (rc);
}

/* Writing. */

static void
flash_put_u64(struct dbuf *b, uint64_t v)
{
	dbuf_add_u32(b, v >> 32);
	dbuf_add_u32(b, v & 0xffffffffu);
}

static void
flash_put_str16(struct dbuf *b, const char *s)
{
	size_t	len = strlen(s);

	if (len > UINT16_MAX)
		len = UINT16_MAX;	/* names: never this long */
	dbuf_add_u16(b, len);
	dbuf_add(b, s, len);
}

static void
flash_put_str32(struct dbuf *b, const char *s)
{
	size_t	len = strlen(s);

	dbuf_add_u32(b, len);
	dbuf_add(b, s, len);
}

static void
flash_rec_begin(struct dbuf *b, enum flash_rec type, size_t *at)
{
	dbuf_add_u16(b, type);
	*at = b->len;
	dbuf_add_u32(b, 0);
}

static void
flash_rec_end(struct dbuf *b, size_t at)
{
	uint32_t	 len = b->len - at - 4;
	uint8_t		*h = b->data + at;

	h[0] = len >> 24;
	h[1] = (len >> 16) & 0xff;
	h[2] = (len >> 8) & 0xff;
	h[3] = len & 0xff;
}

static void
flash_save_hist(struct dbuf *b, int kind, const struct phone_hist *h)
{
	const char	*reason = "";
	size_t		 rec;

	if (kind == PHONE_HIST_REBOOT)
		reason = phone_reboot_name(h->reason);
	flash_rec_begin(b, FLASH_REC_HIST, &rec);
	dbuf_add_u8(b, kind);
	dbuf_add_u8(b, (h->url != NULL ? FLASH_HIST_URL : 0) |
	    (h->msg != NULL ? FLASH_HIST_MSG : 0) |
	    (h->ok ? FLASH_HIST_OK : 0));
	flash_put_u64(b, (uint64_t)h->when);
	flash_put_str16(b, reason);
	flash_put_str16(b, emu_err_cause(h->err));
	flash_put_str32(b, h->url != NULL ? h->url : "");
	if (h->msg != NULL)
		dbuf_add(b, h->msg, strlen(h->msg));
	flash_rec_end(b, rec);
}

/* Reading. */

static uint32_t
flash_get_u32(const uint8_t *b)
{
	return ((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]);
}

static const uint8_t *
flash_rd_bytes(struct flash_rd *r, size_t n)
{
	const uint8_t	*s;

	if (n > r->len - r->off)
		return (NULL);
	s = r->p + r->off;
	r->off += n;
	return (s);
}

static int
flash_rd_u8(struct flash_rd *r, uint8_t *v)
{
	const uint8_t	*b;

	if ((b = flash_rd_bytes(r, 1)) == NULL)
		return (-1);
	*v = b[0];
	return (0);
}

static int
flash_rd_u16(struct flash_rd *r, uint16_t *v)
{
	const uint8_t	*b;

	if ((b = flash_rd_bytes(r, 2)) == NULL)
		return (-1);
	*v = (uint16_t)(b[0] << 8 | b[1]);
	return (0);
}

static int
flash_rd_u32(struct flash_rd *r, uint32_t *v)
{
	const uint8_t	*b;

	if ((b = flash_rd_bytes(r, 4)) == NULL)
		return (-1);
	*v = flash_get_u32(b);
	return (0);
}

/* n bytes of text, at most max, without a NUL: an allocated string. */
static int
flash_rd_str(struct flash_rd *r, size_t n, size_t max, char **out,
    char **cause)
{
	const uint8_t	*s;

	if (n > max) {
		xasprintf(cause, "a string of %zu bytes (at most %zu)", n, max);
		return (-1);
	}
	if ((s = flash_rd_bytes(r, n)) == NULL) {
		xasprintf(cause, "a string of %zu bytes runs past the record",
		    n);
		return (-1);
	}
	if (memchr(s, '\0', n) != NULL) {
		*cause = xstrdup("a string holds a NUL byte");
		return (-1);
	}
	*out = xstrndup((const char *)s, n);
	return (0);
}

/* The rest of the record as text. */
static int
flash_rd_rest(struct flash_rd *r, size_t max, char **out, char **cause)
{
	return (flash_rd_str(r, r->len - r->off, max, out, cause));
}

/* Header, checksum, then each record in turn. */
static int
flash_parse(struct flash_img *img, const struct phone *p,
    const uint8_t *buf, size_t len, char **cause)
{
	struct flash_rd	 r, rec;
	uint32_t	 clen, crc, rlen;
	uint16_t	 major, minor, type;
	char		*why = NULL;
	size_t		 at;
	unsigned	 n = 0;

	if (len == 0) {
		*cause = xstrdup("empty");
		return (-1);
	}
	if (len < FLASH_MAGIC_LEN ||
	    memcmp(buf, FLASH_MAGIC, FLASH_MAGIC_LEN) != 0) {
		*cause = xstrdup("not a phonefleet flash image (bad magic)");
		return (-1);
	}
	if (len < FLASH_HEAD_LEN + FLASH_TAIL_LEN) {
		xasprintf(cause, "truncated: %zu bytes, less than a header",
		    len);
		return (-1);
	}
	major = (uint16_t)(buf[8] << 8 | buf[9]);
	minor = (uint16_t)(buf[10] << 8 | buf[11]);
	/* A newer major may be laid out otherwise: refuse it first. */
	if (major != FLASH_MAJOR) {
		xasprintf(cause, "format version %u.%u: this phonefleet reads "
		    "version %u.x only", major, minor, FLASH_MAJOR);
		return (-1);
	}
	img->minor = minor;
	clen = flash_get_u32(buf + 12);
	if (len > FLASH_MAX_LEN || clen > FLASH_MAX_LEN) {
		xasprintf(cause, "over %u bytes", FLASH_MAX_LEN);
		return (-1);
	}
	if (len != (size_t)clen + FLASH_HEAD_LEN + FLASH_TAIL_LEN) {
		xasprintf(cause, "%s: %zu bytes, the header says %zu",
		    len < (size_t)clen + FLASH_HEAD_LEN + FLASH_TAIL_LEN ?
		    "truncated" : "trailing bytes", len,
		    (size_t)clen + FLASH_HEAD_LEN + FLASH_TAIL_LEN);
		return (-1);
	}
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32_z(crc, buf, len - FLASH_TAIL_LEN);
	if (crc != flash_get_u32(buf + len - FLASH_TAIL_LEN)) {
		*cause = xstrdup("checksum mismatch: the image is damaged");
		return (-1);
	}

	r.p = buf + FLASH_HEAD_LEN;
	r.len = clen;
	r.off = 0;
	while (r.off < r.len) {
		at = FLASH_HEAD_LEN + r.off;
		if (flash_rd_u16(&r, &type) != 0 ||
		    flash_rd_u32(&r, &rlen) != 0 ||
		    (rec.p = flash_rd_bytes(&r, rlen)) == NULL) {
			xasprintf(cause, "byte %zu: record runs past the end",
			    at);
			return (-1);
		}
		rec.len = rlen;
		rec.off = 0;
		if (n++ == 0 && type != FLASH_REC_IDENT) {
			xasprintf(cause, "byte %zu: the first record is not "
			    "the identity", at);
			return (-1);
		}
		if (flash_record(img, p, type, &rec, &why) != 0) {
			if (type < nitems(flash_rec_names) &&
			    flash_rec_names[type] != NULL)
				xasprintf(cause, "byte %zu: %s record: %s", at,
				    flash_rec_names[type], why);
			else
				xasprintf(cause, "byte %zu: record type %u: %s",
				    at, type, why);
			free(why);
			return (-1);
		}
	}
	if (!img->have_ident || !img->have_state) {
		xasprintf(cause, "no %s record", !img->have_ident ? "identity" :
		    "state");
		return (-1);
	}
	return (0);
}

static int
flash_record(struct flash_img *img, const struct phone *p, unsigned type,
    struct flash_rd *r, char **cause)
{
	int	rc;

	switch (type) {
	case FLASH_REC_IDENT:
		rc = flash_rec_ident(img, p, r, cause);
		break;
	case FLASH_REC_STATE:
		rc = flash_rec_state(img, r, cause);
		break;
	case FLASH_REC_PARAM:
		return (flash_rec_param(img, r, cause));	/* owns the rest */
	case FLASH_REC_CA:
		rc = flash_rec_ca(img, r, cause);
		break;
	case FLASH_REC_COMPANY:
		if (img->have_company++) {
			*cause = xstrdup("a second one");
			return (-1);
		}
		rc = flash_rd_rest(r, FLASH_MAX_LEN, &img->company, cause);
		break;
	case FLASH_REC_MIC:
		rc = flash_rec_mic(img, r, cause);
		break;
	case FLASH_REC_FIRMWARE:
		rc = flash_rec_firmware(img, r, cause);
		break;
	case FLASH_REC_UPGRADE:
		rc = flash_rec_upgrade(img, r, cause);
		break;
	case FLASH_REC_HIST:
		return (flash_rec_hist(img, r, cause));
	default:
		/* A newer minor version may add records: skip them. */
		if (img->minor > FLASH_MINOR)
			return (0);
		xasprintf(cause, "unknown in version %u.%u", FLASH_MAJOR,
		    img->minor);
		return (-1);
	}
	if (rc == 0 && r->off != r->len) {
		xasprintf(cause, "%zu bytes left over", r->len - r->off);
		return (-1);
	}
	return (rc);
}

/* 2.2: the image must be this phone's. */
static int
flash_rec_ident(struct flash_img *img, const struct phone *p,
    struct flash_rd *r, char **cause)
{
	const uint8_t	*mac;
	char		*model = NULL;

	if (img->have_ident++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if ((mac = flash_rd_bytes(r, 6)) == NULL) {
		*cause = xstrdup("no MAC address");
		return (-1);
	}
	if (flash_rd_rest(r, FLASH_IDENT_MAX, &model, cause) != 0)
		return (-1);
	if (memcmp(mac, p->mac, 6) != 0) {
		xasprintf(cause, "the image is phone %02X%02X%02X%02X%02X%02X's,"
		    " not %s's", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
		    p->macstr);
		free(model);
		return (-1);
	}
	if (strcmp(model, p->model) != 0) {
		xasprintf(cause, "the image is a %s's, this phone is a %s",
		    model, p->model);
		free(model);
		return (-1);
	}
	free(model);
	return (0);
}

static int
flash_rec_state(struct flash_img *img, struct flash_rd *r, char **cause)
{
	char	*name = NULL;
	int	 st;

	if (img->have_state++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if (flash_rd_u8(r, &img->provisioned) != 0 ||
	    flash_rd_u8(r, &img->ever_ok) != 0) {
		*cause = xstrdup("too short");
		return (-1);
	}
	if (img->provisioned > 1 || img->ever_ok > 1) {
		*cause = xstrdup("a flag is neither 0 nor 1");
		return (-1);
	}
	if (flash_rd_rest(r, FLASH_IDENT_MAX, &name, cause) != 0)
		return (-1);
	if ((st = cust_state_parse(name)) < 0) {
		xasprintf(cause, "unknown customization state \"%s\"", name);
		free(name);
		return (-1);
	}
	free(name);
	img->cust = st;
	return (0);
}

/* 2.3: by name; an unknown name or a value now refused is skipped. */
static int
flash_rec_param(struct flash_img *img, struct flash_rd *r, char **cause)
{
	char		*name = NULL, *value = NULL, *why = NULL;
	const char	*v;
	uint16_t	 nlen;
	uint8_t		 flags, ua;
	int		 id;

	if (flash_rd_u8(r, &flags) != 0 || flash_rd_u8(r, &ua) != 0 ||
	    flash_rd_u16(r, &nlen) != 0) {
		*cause = xstrdup("too short");
		return (-1);
	}
	if ((flags & ~(FLASH_PARAM_VALUE | FLASH_PARAM_LOCAL)) != 0 ||
	    ((flags & FLASH_PARAM_LOCAL) && !(flags & FLASH_PARAM_VALUE))) {
		xasprintf(cause, "bad flags 0x%02x", flags);
		return (-1);
	}
	if (ua > UA_NA) {
		xasprintf(cause, "bad ua %u", ua);
		return (-1);
	}
	if (nlen == 0) {
		*cause = xstrdup("an empty name");
		return (-1);
	}
	if (flash_rd_str(r, nlen, FLASH_IDENT_MAX, &name, cause) != 0)
		return (-1);
	if (flags & FLASH_PARAM_VALUE) {
		if (flash_rd_rest(r, FLASH_MAX_LEN, &value, cause) != 0) {
			free(name);
			return (-1);
		}
	} else if (r->off != r->len) {
		xasprintf(cause, "%s: a value without the value flag", name);
		free(name);
		return (-1);
	}
	if ((id = param_find(img->ctx, name)) < 0) {
		flash_skip(img, name, "unknown");
		goto out;
	}
	if (img->seen[id]) {
		xasprintf(cause, "%s: a second one", name);
		free(name);
		free(value);
		return (-1);
	}
	img->seen[id] = 1;
	if (value != NULL && param_validate(id, value, &why) != 0) {
		flash_skip(img, name, why);
		free(why);
		goto out;
	}
	if (value != NULL) {
		v = intern_str(img->ctx->intern, value);
		pset_set(&img->ps, id, v, (flags & FLASH_PARAM_LOCAL) != 0);
		intern_unref(v);
	}
	pset_set_ua(&img->ps, id, ua);
out:
	free(name);
	free(value);
	return (0);
}

/* 16.5 */
static int
flash_rec_ca(struct flash_img *img, struct flash_rd *r, char **cause)
{
	const uint8_t	*der;
	uint32_t	 rlen;
	uint8_t		 flags;
	size_t		 dlen;

	if (img->have_ca++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if (flash_rd_u8(r, &img->ca_state) != 0 ||
	    flash_rd_u8(r, &flags) != 0 || flash_rd_u32(r, &rlen) != 0) {
		*cause = xstrdup("too short");
		return (-1);
	}
	if (img->ca_state > 2 ||
	    (flags & ~(FLASH_CA_RULE | FLASH_CA_DER)) != 0) {
		*cause = xstrdup("bad state or flags");
		return (-1);
	}
	if ((!(flags & FLASH_CA_RULE) && rlen != 0) ||
	    flash_rd_str(r, rlen, FLASH_MAX_LEN, &img->ca_rule, cause) != 0) {
		if (*cause == NULL)
			*cause = xstrdup("a rule without the rule flag");
		return (-1);
	}
	if (!(flags & FLASH_CA_RULE)) {
		free(img->ca_rule);
		img->ca_rule = NULL;
	}
	dlen = r->len - r->off;
	if (!(flags & FLASH_CA_DER) ? dlen != 0 :
	    (dlen == 0 || dlen > PKI_CA_DER_MAX)) {
		xasprintf(cause, "a certificate of %zu bytes", dlen);
		return (-1);
	}
	if (flags & FLASH_CA_DER) {
		der = flash_rd_bytes(r, dlen);
		img->ca_der = xmalloc(dlen);
		memcpy(img->ca_der, der, dlen);
		img->ca_len = dlen;
	}
	return (0);
}

/* 2.2, 2.3 */
static int
flash_rec_mic(struct flash_img *img, struct flash_rd *r, char **cause)
{
	const uint8_t	*b;
	uint32_t	 dlen;
	size_t		 klen;

	if (img->have_mic++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if (flash_rd_u32(r, &dlen) != 0 || dlen == 0 ||
	    dlen > FLASH_MIC_MAX || (b = flash_rd_bytes(r, dlen)) == NULL) {
		*cause = xstrdup("bad certificate length");
		return (-1);
	}
	klen = r->len - r->off;
	if (klen > FLASH_MIC_MAX) {
		xasprintf(cause, "a key of %zu bytes", klen);
		return (-1);
	}
	img->mic_der = xmalloc(dlen);
	memcpy(img->mic_der, b, dlen);
	img->mic_len = dlen;
	if (klen != 0) {
		b = flash_rd_bytes(r, klen);
		img->mic_key = xmalloc(klen);
		memcpy(img->mic_key, b, klen);
		img->mic_key_len = klen;
	}
	return (0);
}

/* 2.3: the running load and the inactive partition. */
static int
flash_rec_firmware(struct flash_img *img, struct flash_rd *r, char **cause)
{
	char		*run = NULL, *inact = NULL;
	uint16_t	 len;

	if (img->have_fw++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if (flash_rd_u16(r, &len) != 0 || len == 0) {
		*cause = xstrdup("no running load");
		return (-1);
	}
	if (flash_rd_str(r, len, FLASH_IDENT_MAX, &run, cause) != 0)
		return (-1);
	if (flash_rd_rest(r, FLASH_IDENT_MAX, &inact, cause) != 0) {
		free(run);
		return (-1);
	}
	img->swver = intern_str(img->ctx->intern, run);
	img->swver2 = intern_str(img->ctx->intern, inact);
	free(run);
	free(inact);
	return (0);
}

/* 2.3, 12: the last upgrade attempt. */
static int
flash_rec_upgrade(struct flash_img *img, struct flash_rd *r, char **cause)
{
	char		*err = NULL;
	uint32_t	 rlen;
	uint16_t	 elen;
	uint8_t		 flags;
	int		 e;

	if (img->have_upg++) {
		*cause = xstrdup("a second one");
		return (-1);
	}
	if (flash_rd_u8(r, &flags) != 0 || flash_rd_u8(r, &img->upg_ok) != 0 ||
	    flash_rd_u16(r, &elen) != 0) {
		*cause = xstrdup("too short");
		return (-1);
	}
	if ((flags & ~(FLASH_UPG_RULE | FLASH_UPG_URL)) != 0 ||
	    img->upg_ok > 1) {
		*cause = xstrdup("bad flags");
		return (-1);
	}
	if (flash_rd_str(r, elen, FLASH_IDENT_MAX, &err, cause) != 0)
		return (-1);
	if ((e = flash_err_parse(err)) < 0) {
		flash_skip(img, err, "unknown error cause");
		e = EMU_E_PROTO;	/* failed, for a reason we cannot name */
	}
	free(err);
	img->upg_err = e;
	if (flash_rd_u32(r, &rlen) != 0 ||
	    (!(flags & FLASH_UPG_RULE) && rlen != 0)) {
		*cause = xstrdup("bad rule");
		return (-1);
	}
	if (flash_rd_str(r, rlen, FLASH_MAX_LEN, &img->upg_rule, cause) != 0)
		return (-1);
	if (!(flags & FLASH_UPG_RULE)) {
		free(img->upg_rule);
		img->upg_rule = NULL;
	}
	if (!(flags & FLASH_UPG_URL) && r->off != r->len) {
		*cause = xstrdup("a URL without the URL flag");
		return (-1);
	}
	if ((flags & FLASH_UPG_URL) &&
	    flash_rd_rest(r, FLASH_MAX_LEN, &img->upg_url, cause) != 0)
		return (-1);
	return (0);
}

/* 2.3, 3.7, 16.1: one entry, appended (the file is newest first). */
static int
flash_rec_hist(struct flash_img *img, struct flash_rd *r, char **cause)
{
	struct phone_hist	 h;
	const uint8_t		*b;
	char			*reason = NULL, *err = NULL;
	uint32_t		 ulen;
	uint16_t		 len;
	uint8_t			 kind, flags;
	int			 e, rb = 0, rc = -1;

	memset(&h, 0, sizeof h);
	if (flash_rd_u8(r, &kind) != 0 || flash_rd_u8(r, &flags) != 0 ||
	    (b = flash_rd_bytes(r, 8)) == NULL) {
		*cause = xstrdup("too short");
		return (-1);
	}
	if (kind >= PHONE_HIST__COUNT ||
	    (flags & ~(FLASH_HIST_URL | FLASH_HIST_MSG | FLASH_HIST_OK)) != 0) {
		xasprintf(cause, "bad kind %u or flags 0x%02x", kind, flags);
		return (-1);
	}
	h.when = (int64_t)((uint64_t)flash_get_u32(b) << 32 |
	    flash_get_u32(b + 4));
	h.ok = (flags & FLASH_HIST_OK) != 0;
	if (flash_rd_u16(r, &len) != 0 ||
	    flash_rd_str(r, len, FLASH_IDENT_MAX, &reason, cause) != 0 ||
	    flash_rd_u16(r, &len) != 0 ||
	    flash_rd_str(r, len, FLASH_IDENT_MAX, &err, cause) != 0 ||
	    flash_rd_u32(r, &ulen) != 0 ||
	    (!(flags & FLASH_HIST_URL) && ulen != 0) ||
	    flash_rd_str(r, ulen, FLASH_MAX_LEN, &h.url, cause) != 0 ||
	    (!(flags & FLASH_HIST_MSG) && r->off != r->len) ||
	    ((flags & FLASH_HIST_MSG) &&
	    flash_rd_rest(r, FLASH_MAX_LEN, &h.msg, cause) != 0)) {
		if (*cause == NULL)
			*cause = xstrdup("malformed entry");
		goto out;
	}
	if (!(flags & FLASH_HIST_URL)) {
		free(h.url);
		h.url = NULL;
	}
	rc = 0;
	if (kind == PHONE_HIST_REBOOT &&
	    (rb = flash_reboot_parse(reason)) < 0) {
		flash_skip(img, reason, "unknown reboot reason");
		goto out;
	}
	if ((e = flash_err_parse(err)) < 0) {
		flash_skip(img, err, "unknown error cause");
		goto out;
	}
	h.reason = kind == PHONE_HIST_REBOOT ? rb : 0;
	h.err = e;
	/* A newer version may keep more: the newest are first. */
	if (img->nhist[kind] >= flash_hist_max[kind])
		goto out;
	img->hist[kind][img->nhist[kind]++] = h;
	memset(&h, 0, sizeof h);
out:
	flash_hist_clear(&h);
	free(reason);
	free(err);
	return (rc);
}

static int
flash_err_parse(const char *name)
{
	return (emu_err_parse_cause(name));
}

static int
flash_reboot_parse(const char *name)
{
	int	i;

	for (i = 0; i < PHONE_RB__COUNT; i++) {
		if (strcmp(phone_reboot_name(i), name) == 0)
			return (i);
	}
	return (-1);
}

/* Count what is left out; quote the first few for the caller's line. */
static void
flash_skip(struct flash_img *img, const char *name, const char *why)
{
	if (img->skipped++ >= FLASH_CAUSE_SHOW)
		return;
	if (img->skipped_names.len != 0)
		dbuf_add_str(&img->skipped_names, ", ");
	dbuf_printf(&img->skipped_names, "\"%.64s\" (%.80s)", name, why);
}

/* Text from the image is quoted in *cause: one line, control bytes \xNN. */
static void
flash_escape(char **cause)
{
	struct dbuf	 b;
	const char	*s;

	if (*cause == NULL)
		return;
	for (s = *cause; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			break;
	}
	if (*s == '\0')
		return;
	dbuf_init(&b);
	for (s = *cause; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			dbuf_printf(&b, "\\x%02X", (unsigned char)*s);
		else
			dbuf_add(&b, s, 1);
	}
	free(*cause);
	*cause = (char *)dbuf_steal(&b, NULL);	/* NUL-terminated */
}

static void
flash_img_clear(struct flash_img *img)
{
	int	k, i;

	pset_clear(&img->ps);
	free(img->seen);
	free(img->ca_der);
	free(img->ca_rule);
	free(img->company);
	free(img->mic_der);
	free(img->mic_key);
	intern_unref(img->swver);
	intern_unref(img->swver2);
	free(img->upg_rule);
	free(img->upg_url);
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		for (i = 0; i < img->nhist[k]; i++)
			flash_hist_clear(&img->hist[k][i]);
	}
	dbuf_clear(&img->skipped_names);
	memset(img, 0, sizeof *img);
}

static void
flash_hist_clear(struct phone_hist *h)
{
	free(h->url);
	free(h->msg);
	memset(h, 0, sizeof *h);
}

/* Replace p's flash with the image's; img keeps nothing p now owns. */
static void
flash_commit(struct phone *p, struct flash_img *img)
{
	int	k;

	flash_factory(p);
	p->ps = img->ps;
	pset_init(&img->ps);
	p->provisioned = img->provisioned;
	p->ever_ok = img->ever_ok;
	p->cust = img->cust;
	p->ca_state = img->ca_state;
	p->ca_der = img->ca_der;
	p->ca_len = img->ca_len;
	p->ca_rule = img->ca_rule;
	img->ca_der = NULL;
	img->ca_rule = NULL;
	p->company = img->company;
	img->company = NULL;
	if (img->have_mic) {
		free(p->mic_der);
		free(p->mic_key);
		p->mic_der = img->mic_der;
		p->mic_len = img->mic_len;
		p->mic_key = img->mic_key;
		p->mic_key_len = img->mic_key_len;
		img->mic_der = img->mic_key = NULL;
	}
	if (img->have_fw) {
		intern_unref(p->swver);
		intern_unref(p->swver2);
		p->swver = img->swver;
		p->swver2 = img->swver2;
		img->swver = img->swver2 = NULL;
	}
	p->upg_rule = img->upg_rule;
	p->upg_url = img->upg_url;
	p->upg_ok = img->upg_ok;
	p->upg_err = img->upg_err;
	img->upg_rule = img->upg_url = NULL;
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		memcpy(p->hist[k], img->hist[k], sizeof p->hist[k]);
		p->nhist[k] = img->nhist[k];
		img->nhist[k] = 0;
	}
}

/*
 * The erasable flash at its factory value (2.4): defaults, customization
 * Open, not provisioned, no custom CA, no histories, no upgrade attempt.
 * The MIC and the firmware partitions are not erased (2.3 [C4]).
 */
static void
flash_factory(struct phone *p)
{
	int	k, i;

	pset_clear(&p->ps);
	p->provisioned = 0;
	p->ever_ok = 0;
	p->cust = CUST_OPEN;
	free(p->ca_der);
	p->ca_der = NULL;
	p->ca_len = 0;
	free(p->ca_rule);
	p->ca_rule = NULL;
	p->ca_state = 0;
	free(p->company);
	p->company = NULL;
	free(p->upg_rule);
	p->upg_rule = NULL;
	free(p->upg_url);
	p->upg_url = NULL;
	p->upg_ok = 0;
	p->upg_err = EMU_OK;
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		for (i = 0; i < PHONE_HIST_REBOOT_MAX; i++)
			flash_hist_clear(&p->hist[k][i]);
		p->nhist[k] = 0;
	}
}

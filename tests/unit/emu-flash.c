/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The flash image (spec 2.3, 2.4; format in docs/state.md).  A phone is
 * provisioned by a real TFTP resync, given the rest of its flash (custom
 * CA, customization, histories, partitions, the last upgrade, a MIC),
 * saved, and loaded into a fresh phone of the same identity, which must
 * then look the same from outside and boot as a provisioned phone does.
 * Damaged images (every truncation, every single-bit flip), another
 * phone's image and a newer major version are refused and leave the
 * phone in its factory state.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "emu/emu-int.h"
#include "tests/unit/unit.h"

#define SRV_IP		"10.0.0.5"
#define PHONE_IP	0x0a000064	/* 10.0.0.100 */
#define DHCP_SRV	0x0a000001	/* 10.0.0.1 */
#define TFTP_TID	50001
#define LEASE_S		604800
#define MODEL		"CP-8851-3PCC"
#define LOAD		"sip88xx.12-0-7MPP0301-92"
#define LOAD_NEW	"sip88xx.12-0-8MPP0001-10"
#define EPOCH		1767225600	/* 2026-01-01 */
#define PROFILE_BODY							\
	"<flat-profile>"						\
	"<Profile_Rule>tftp://10.0.0.5/acme/$MA.xml</Profile_Rule>"	\
	"<GPP_A>acme</GPP_A>"						\
	"<GPP_C ua=\"na\">hidden</GPP_C>"				\
	"<GPP_D ua=\"ro\"/>"						\
	"<Resync_Periodic>0</Resync_Periodic>"				\
	"</flat-profile>"

static const uint8_t	mac_a[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };
static const uint8_t	mac_b[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x16 };

struct h {
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct emu_outbox	 out;
	size_t			 cur;	/* next action not yet read */
	emu_time		 now;
	uint32_t		 xid;
	uint32_t		 tftp_srv, tftp_flow;
	uint16_t		 tftp_lport;
};

static struct phone *
new_phone(struct emu_ctx *ctx, const uint8_t *mac, const char *model)
{
	struct phone_conf	c;

	memset(&c, 0, sizeof c);
	memcpy(c.mac, mac, 6);
	c.model = model;
	c.serial = "FCH2301ABCD";
	c.swver = LOAD;
	c.key_group = -1;
	return (phone_create(ctx, &c));
}

static void
h_init(struct h *h)
{
	memset(h, 0, sizeof *h);
	h->ctx = emu_ctx_create(7);
	h->ctx->epoch = EPOCH;
	h->p = new_phone(h->ctx, mac_a, MODEL);
	emu_outbox_init(&h->out);
}

static void
h_fini(struct h *h)
{
	phone_free(h->p);
	emu_ctx_free(h->ctx);
	emu_outbox_free(&h->out);
}

static void
h_event(struct h *h, const struct emu_event *ev)
{
	phone_handle(h->p, ev, h->now, &h->out);
}

static void
h_timer(struct h *h)
{
	emu_time	t = phone_deadline(h->p);

	assert_true(t != EMU_TIME_NEVER);
	h->now = t;
	h_event(h, &(struct emu_event){ .type = EMU_EV_TIMER });
}

/* The next datagram to port, or NULL. */
static const struct emu_action *
take_dgram(struct h *h, uint16_t port)
{
	const struct emu_action	*a;

	for (; h->cur < h->out.n; h->cur++) {
		a = &h->out.act[h->cur];
		if (a->type == EMU_ACT_DGRAM && a->u.dgram.dst_port == port) {
			h->cur++;
			return (a);
		}
	}
	return (NULL);
}

static void
dhcp_reply(struct h *h, enum dhcp_type type, const char *opt66)
{
	struct dhcp_msg	 m;
	struct dbuf	 b;
	uint8_t		 ip4[4] = { 255, 255, 255, 0 };

	dhcp_init(&m);
	m.op = 2;
	m.htype = 1;
	m.hlen = 6;
	m.xid = h->xid;
	m.yiaddr = PHONE_IP;
	memcpy(m.chaddr, phone_mac(h->p), 6);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, type);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, DHCP_SRV);
	assert_int_equal(dhcp_opt_set(&m, 1, ip4, 4), 0);
	dhcp_opt_set_u32(&m, 51, LEASE_S);
	if (opt66 != NULL)
		assert_int_equal(dhcp_opt_set_str(&m, 66, opt66), 0);
	dbuf_init(&b);
	dhcp_write(&m, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .src_ip = DHCP_SRV, .src_port = DHCP_SERVER_PORT,
	    .flow = EMU_FLOW_DHCP, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

static void
dhcp_take(struct h *h)
{
	const struct emu_action	*a = take_dgram(h, DHCP_SERVER_PORT);
	struct dhcp_msg		 m;
	char			*cause = NULL;

	assert_non_null(a);
	assert_int_equal(dhcp_parse(&m, emu_act_data(&h->out, a), a->len,
	    &cause), 0);
	h->xid = m.xid;
}

/* Power on, DISCOVER, OFFER, REQUEST, ACK, then the boot delay ends. */
static void
boot(struct h *h, const char *opt66)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_POWER_ON });
	dhcp_take(h);
	dhcp_reply(h, DHCPOFFER, opt66);
	dhcp_take(h);
	dhcp_reply(h, DHCPACK, opt66);
	assert_int_equal(phone_state(h->p), PROV_BOOT_DELAY);
	h_timer(h);
}

static void
expect_rrq(struct h *h, const char *file)
{
	const struct emu_action	*a = take_dgram(h, TFTP_PORT);
	struct tftp_pkt		 t;
	char			*cause = NULL;

	assert_non_null(a);
	assert_int_equal(tftp_parse(&t, emu_act_data(&h->out, a), a->len,
	    &cause), 0);
	assert_int_equal(t.op, TFTP_RRQ);
	assert_string_equal(t.file, file);
	h->tftp_srv = a->u.dgram.dst_ip;
	h->tftp_lport = a->u.dgram.src_port;
	h->tftp_flow = a->u.dgram.flow;
}

/* One DATA block (the body is under 512 bytes), then the phone's ACK. */
static void
serve_tftp(struct h *h, const char *body)
{
	struct tftp_pkt	 t;
	struct dbuf	 b;

	assert_true(strlen(body) < TFTP_BLKSIZE);
	tftp_init(&t);
	t.op = TFTP_DATA;
	t.block = 1;
	t.data = (const uint8_t *)body;
	t.len = strlen(body);
	dbuf_init(&b);
	tftp_write(&t, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .src_ip = h->tftp_srv, .src_port = TFTP_TID,
	    .flow = h->tftp_flow, .data = b.data, .len = b.len });
	dbuf_clear(&b);
	assert_non_null(take_dgram(h, TFTP_TID));
}

static void
hist_add(struct phone *p, int kind, int64_t when, int ok, int reason,
    enum emu_err err, const char *url, const char *msg)
{
	struct phone_hist	*e = &p->hist[kind][p->nhist[kind]++];

	e->when = when;
	e->ok = ok;
	e->reason = reason;
	e->err = err;
	e->url = url != NULL ? strdup(url) : NULL;
	e->msg = msg != NULL ? strdup(msg) : NULL;
}

/*
 * Phone a: provisioned by a profile over TFTP (B1), then given what other
 * parts of the phone put in flash: customization Acquired with a company
 * (4.8, B13), a custom CA (16.5, B54), the histories (B92, B93), an
 * upgrade that switched partitions (B96, B98) and a MIC (2.3).
 */
static void
provision(struct h *h)
{
	struct emu_pki	*k;
	char		*cause = NULL;
	uint8_t		*der;
	size_t		 len;
	const char	*pem;
	int		 ca, i;

	boot(h, SRV_IP);
	expect_rrq(h, "/8851-3PCC.xml");
	serve_tftp(h, PROFILE_BODY);
	assert_int_equal(phone_status(h->p)->last_class, EMU_CLASS_A);
	assert_string_equal(phone_get(h->p, "GPP_A"), "acme");
	/* A local change (8.5.7), as from the web page. */
	h_event(h, &(struct emu_event){ .type = EMU_EV_SET_PARAM,
	    .name = "GPP_B", .text = "typed" });
	h_event(h, &(struct emu_event){ .type = EMU_EV_POWER_OFF });

	h->p->cust = CUST_ACQUIRED;
	h->p->company = strdup("Acme Telecom");
	k = pki_create(3, EPOCH);
	ca = pki_ca_add(k, "Acme CA", PKI_KEY_ECDSA_P256, &cause);
	assert_true(ca >= 0);
	pem = pki_ca_pem(k, ca);
	assert_int_equal(pki_ca_parse((const uint8_t *)pem, strlen(pem), &der,
	    &len, &cause), 0);
	pki_free(k);
	h->p->ca_der = der;
	h->p->ca_len = len;
	h->p->ca_rule = strdup("http://10.0.0.5/ca.pem");
	h->p->ca_state = 1;
	h->p->mic_der = malloc(300);
	h->p->mic_len = 300;
	h->p->mic_key = malloc(120);
	h->p->mic_key_len = 120;
	for (i = 0; i < 300; i++)
		h->p->mic_der[i] = i * 7;
	for (i = 0; i < 120; i++)
		h->p->mic_key[i] = i * 13;
	intern_unref(h->p->swver2);
	h->p->swver2 = h->p->swver;	/* the old load is now inactive */
	h->p->swver = intern_str(h->ctx->intern, LOAD_NEW);
	h->p->upg_rule = strdup("http://10.0.0.5/$PSN.loads");
	h->p->upg_url = strdup("http://10.0.0.5/8851-3PCC.loads");
	h->p->upg_ok = 1;
	/* The boot and the resync above recorded entries: start afresh. */
	phone_hist_clear(h->p);
	hist_add(h->p, PHONE_HIST_PROV, EPOCH + 60, 1, 0, EMU_OK,
	    "tftp://10.0.0.5:69/8851-3PCC.xml", NULL);
	hist_add(h->p, PHONE_HIST_PROV, EPOCH + 30, 0, 0, EMU_E_TIMEOUT,
	    "tftp://10.0.0.5:69/8851-3PCC.xml", "timeout");
	hist_add(h->p, PHONE_HIST_UPGRADE, EPOCH + 90, 1, 0, EMU_OK,
	    "http://10.0.0.5/8851-3PCC.loads", LOAD_NEW);
	for (i = 0; i < PHONE_HIST_REBOOT_MAX; i++)
		hist_add(h->p, PHONE_HIST_REBOOT, EPOCH + 100 - i, 0,
		    i % PHONE_RB__COUNT, EMU_OK, NULL, NULL);
}

static void
save(struct phone *p, struct dbuf *img)
{
	dbuf_init(img);
	flash_save(p, img);
	assert_true(img->len > 20);
}

/* An exact-size heap copy, so that ASan sees any read past its end. */
static int
load(struct phone *p, const uint8_t *buf, size_t len, char **cause)
{
	uint8_t	*copy = malloc(len == 0 ? 1 : len);
	int	 rc;

	memcpy(copy, buf, len);
	rc = flash_load(p, copy, len, cause);
	free(copy);
	return (rc);
}

/* Factory state (2.4): defaults, Open, not provisioned, nothing kept. */
static void
assert_factory(struct phone *p)
{
	int	k;

	assert_int_equal(p->ps.n, 0);
	assert_string_equal(phone_get(p, "GPP_A"), "");
	assert_string_equal(phone_get(p, "Profile_Rule"), "/$PSN.xml");
	assert_int_equal(phone_customization(p), CUST_OPEN);
	assert_int_equal(p->provisioned, 0);
	assert_int_equal(p->ever_ok, 0);
	assert_null(p->ca_der);
	assert_null(p->ca_rule);
	assert_int_equal(p->ca_state, 0);
	assert_string_equal(phone_company(p), "");
	assert_null(p->upg_rule);
	assert_null(p->upg_url);
	assert_int_equal(p->upg_ok, 0);
	for (k = 0; k < PHONE_HIST__COUNT; k++)
		assert_int_equal(p->nhist[k], 0);
}

/* Re-seal an edited image: its length and crc32 (docs/state.md). */
static void
reseal(struct dbuf *img)
{
	uint32_t	clen = img->len - 16 - 4, crc;
	uint8_t		*d = img->data;

	d[12] = clen >> 24;
	d[13] = clen >> 16;
	d[14] = clen >> 8;
	d[15] = clen;
	crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, d, img->len - 4);
	d[img->len - 4] = crc >> 24;
	d[img->len - 3] = crc >> 16;
	d[img->len - 2] = crc >> 8;
	d[img->len - 1] = crc;
}

/* Append a record of an unknown type before the checksum. */
static void
add_record(struct dbuf *img, uint16_t type)
{
	uint8_t	rec[] = { type >> 8, type & 0xff, 0, 0, 0, 3, 'x', 'y', 'z' };
	uint8_t	crc[4];

	memcpy(crc, img->data + img->len - 4, 4);
	img->len -= 4;
	dbuf_add(img, rec, sizeof rec);
	dbuf_add(img, crc, 4);
	reseal(img);
}

/* 2.3, B17, B92, B93, B96, B98: everything comes back. */
static void
test_round_trip(void **state)
{
	struct h		 h, h2;
	struct dbuf		 img, img2;
	char			*cause = NULL;
	size_t			 id;
	int			 k, i;

	(void)state;
	h_init(&h);
	provision(&h);
	save(h.p, &img);

	h_init(&h2);
	assert_int_equal(flash_load(h2.p, img.data, img.len, &cause), 0);
	assert_null(cause);
	/* Every parameter, its ua (8.3) and local mark (8.5.7). */
	for (id = 0; id < param_count; id++) {
		if (param_is_shadowed(h.ctx, id))
			continue;
		assert_string_equal(phone_param(h2.p, id),
		    phone_param(h.p, id));
		assert_int_equal(pset_ua(&h2.p->ps, id), pset_ua(&h.p->ps, id));
		assert_int_equal(pset_is_local(&h2.p->ps, id),
		    pset_is_local(&h.p->ps, id));
	}
	assert_string_equal(phone_get(h2.p, "GPP_A"), "acme");
	assert_string_equal(phone_get(h2.p, "GPP_B"), "typed");
	assert_int_equal(pset_ua(&h2.p->ps, param_find(h2.ctx, "GPP_C")),
	    UA_NA);
	assert_int_equal(pset_ua(&h2.p->ps, param_find(h2.ctx, "GPP_D")),
	    UA_RO);
	assert_true(pset_is_local(&h2.p->ps, param_find(h2.ctx, "GPP_B")));
	assert_string_equal(phone_get(h2.p, "Profile_Rule"),
	    "tftp://10.0.0.5/acme/$MA.xml");
	assert_int_equal(phone_customization(h2.p), CUST_ACQUIRED);
	assert_string_equal(phone_company(h2.p), "Acme Telecom");
	assert_int_equal(h2.p->provisioned, 1);
	assert_int_equal(h2.p->ever_ok, 1);
	assert_int_equal(h2.p->ca_len, h.p->ca_len);
	assert_memory_equal(h2.p->ca_der, h.p->ca_der, h.p->ca_len);
	assert_string_equal(h2.p->ca_rule, h.p->ca_rule);
	assert_int_equal(h2.p->ca_state, 1);
	assert_int_equal(h2.p->mic_len, 300);
	assert_memory_equal(h2.p->mic_der, h.p->mic_der, 300);
	assert_int_equal(h2.p->mic_key_len, 120);
	assert_memory_equal(h2.p->mic_key, h.p->mic_key, 120);
	assert_string_equal(h2.p->swver, LOAD_NEW);	/* B96 */
	assert_string_equal(h2.p->swver2, LOAD);
	/* Interned in h2's table: the pointer any copy of that text gets. */
	{
		const char	*v = intern_str(h2.ctx->intern, LOAD_NEW);

		assert_ptr_equal(h2.p->swver, v);
		intern_unref(v);
	}
	assert_string_equal(h2.p->upg_rule, h.p->upg_rule);	/* B98 */
	assert_string_equal(h2.p->upg_url, h.p->upg_url);
	assert_int_equal(h2.p->upg_ok, 1);
	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		assert_int_equal(h2.p->nhist[k], h.p->nhist[k]);
		for (i = 0; i < h.p->nhist[k]; i++) {
			const struct phone_hist	*a = &h.p->hist[k][i];
			const struct phone_hist	*b = &h2.p->hist[k][i];

			assert_int_equal(b->when, a->when);
			assert_int_equal(b->ok, a->ok);
			assert_int_equal(b->reason, a->reason);
			assert_int_equal(b->err, a->err);
			if (a->url == NULL)
				assert_null(b->url);
			else
				assert_string_equal(b->url, a->url);
			if (a->msg == NULL)
				assert_null(b->msg);
			else
				assert_string_equal(b->msg, a->msg);
		}
	}
	assert_int_equal(h2.p->nhist[PHONE_HIST_REBOOT], 5);	/* B93 */
	/* The loaded phone saves the very same bytes. */
	save(h2.p, &img2);
	assert_int_equal(img2.len, img.len);
	assert_memory_equal(img2.data, img.data, img.len);
	dbuf_clear(&img2);

	/*
	 * B17: booted with no DHCP provisioning source, the loaded phone
	 * resyncs to yesterday's rule instead of discovering.
	 */
	boot(&h2, NULL);
	assert_int_equal(phone_state(h2.p), PROV_RESYNC);
	expect_rrq(&h2, "/acme/00562b043615.xml");
	/* Loading is for a phone that is off. */
	assert_int_equal(flash_load(h2.p, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "powered on");

	dbuf_clear(&img);
	h_fini(&h2);
	h_fini(&h);
}

/* A factory phone in the same network discovers instead (4.1, B17). */
static void
test_factory_discovers(void **state)
{
	struct h	h;

	(void)state;
	h_init(&h);
	boot(&h, NULL);
	assert_int_not_equal(phone_state(h.p), PROV_RESYNC);
	assert_null(take_dgram(&h, TFTP_PORT));
	h_fini(&h);
}

/* Every truncation is refused and leaves the factory state. */
static void
test_truncation(void **state)
{
	struct h	 h;
	struct dbuf	 img;
	char		*cause = NULL;
	size_t		 n;

	(void)state;
	h_init(&h);
	provision(&h);
	save(h.p, &img);
	h_fini(&h);

	h_init(&h);
	for (n = 0; n < img.len; n++) {
		/* From a loaded state, so that the reset is seen. */
		if (n % 97 == 0) {
			assert_int_equal(load(h.p, img.data, img.len, &cause),
			    0);
			assert_int_equal(phone_customization(h.p),
			    CUST_ACQUIRED);
		}
		if (load(h.p, img.data, n, &cause) != -1)
			fail_msg("a %zu-byte truncation was accepted", n);
		unit_check_cause(cause, NULL);
		assert_factory(h.p);
	}
	/* The MIC and the partitions are not erased (2.3 [C4]). */
	assert_non_null(h.p->mic_der);
	assert_string_equal(h.p->swver, LOAD_NEW);
	/* One byte too many is refused too. */
	dbuf_add_u8(&img, 0);
	assert_int_equal(load(h.p, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "trailing");
	dbuf_clear(&img);
	h_fini(&h);
}

/* Every single-bit flip is detected (crc32). */
static void
test_bit_flips(void **state)
{
	struct h	 h;
	struct dbuf	 img;
	char		*cause = NULL;
	size_t		 n;
	int		 bit;

	(void)state;
	h_init(&h);
	provision(&h);
	save(h.p, &img);
	h_fini(&h);

	h_init(&h);
	for (n = 0; n < img.len; n++) {
		for (bit = 0; bit < 8; bit++) {
			img.data[n] ^= 1u << bit;
			if (flash_load(h.p, img.data, img.len, &cause) != -1)
				fail_msg("bit %d of byte %zu flipped: accepted",
				    bit, n);
			unit_check_cause(cause, NULL);
			assert_factory(h.p);
			img.data[n] ^= 1u << bit;
		}
	}
	/* A flip in the records, not the header, names the checksum. */
	img.data[40] ^= 0x10;
	assert_int_equal(flash_load(h.p, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "checksum");
	dbuf_clear(&img);
	h_fini(&h);
}

/* 2.2: an image of another MAC or another model is refused. */
static void
test_other_phone(void **state)
{
	struct h	 h;
	struct phone	*b, *c;
	struct dbuf	 img;
	char		*cause = NULL;

	(void)state;
	h_init(&h);
	provision(&h);
	save(h.p, &img);
	b = new_phone(h.ctx, mac_b, MODEL);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "00562B043615");
	assert_factory(b);
	c = new_phone(h.ctx, mac_a, "CP-7841-3PCC");
	assert_int_equal(flash_load(c, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "CP-7841-3PCC");
	assert_factory(c);
	phone_free(b);
	phone_free(c);
	dbuf_clear(&img);
	h_fini(&h);
}

/* A newer major is refused; a newer minor's unknown record is skipped. */
static void
test_versions(void **state)
{
	struct h	 h;
	struct phone	*b;
	struct dbuf	 img;
	char		*cause = NULL;

	(void)state;
	h_init(&h);
	provision(&h);
	b = new_phone(h.ctx, mac_a, MODEL);

	save(h.p, &img);
	img.data[8] = (FLASH_MAJOR + 1) >> 8;
	img.data[9] = (FLASH_MAJOR + 1) & 0xff;
	reseal(&img);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "version 2.0");
	assert_factory(b);
	dbuf_clear(&img);

	/* Same minor: an unknown record type is damage. */
	save(h.p, &img);
	add_record(&img, 200);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "record type 200");
	assert_factory(b);
	/* A newer minor: skipped, the rest applied. */
	img.data[10] = (FLASH_MINOR + 1) >> 8;
	img.data[11] = (FLASH_MINOR + 1) & 0xff;
	reseal(&img);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), 0);
	assert_null(cause);
	assert_string_equal(phone_get(b, "GPP_A"), "acme");
	dbuf_clear(&img);

	/* Not an image at all. */
	assert_int_equal(flash_load(b, (const uint8_t *)"<flat-profile/>", 15,
	    &cause), -1);
	unit_check_cause(cause, "magic");
	assert_factory(b);
	phone_free(b);
	h_fini(&h);
}

/* Parameters are stored by name: a name this version lacks is skipped. */
static void
test_unknown_name(void **state)
{
	struct h	 h;
	struct phone	*b;
	struct dbuf	 img;
	char		*cause = NULL;
	uint8_t		*at;

	(void)state;
	h_init(&h);
	provision(&h);
	b = new_phone(h.ctx, mac_a, MODEL);
	save(h.p, &img);
	/* GPP_A -> GPP_Q: same length, no such parameter. */
	at = memmem(img.data, img.len, "GPP_Aacme", 9);
	assert_non_null(at);
	at[4] = 'Q';
	reseal(&img);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), 1);
	unit_check_cause(cause, "GPP_Q");
	assert_string_equal(phone_get(b, "GPP_A"), "");
	assert_string_equal(phone_get(b, "GPP_B"), "typed");
	assert_int_equal(phone_customization(b), CUST_ACQUIRED);
	/* A second copy of one name is damage. */
	at[4] = 'B';
	reseal(&img);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), -1);
	unit_check_cause(cause, "GPP_B");
	assert_factory(b);
	dbuf_clear(&img);
	phone_free(b);
	h_fini(&h);
}

/* 2.4: a factory-new phone's image loads as a factory-new phone. */
static void
test_factory_image(void **state)
{
	struct h	 h;
	struct phone	*b;
	struct dbuf	 img;
	char		*cause = NULL;

	(void)state;
	h_init(&h);
	save(h.p, &img);
	b = new_phone(h.ctx, mac_a, MODEL);
	assert_int_equal(flash_load(b, img.data, img.len, &cause), 0);
	assert_factory(b);
	assert_string_equal(b->swver, LOAD);
	assert_string_equal(b->swver2, "");
	assert_null(b->mic_der);
	dbuf_clear(&img);
	phone_free(b);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_factory_discovers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_other_phone),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test(test_factory_image),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

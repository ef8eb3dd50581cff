/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/dhcp.c: round trips of the messages a phone and its server
 * exchange (spec 4.2), RFC 3396 concatenation, option overload, options 43,
 * 82 (with the RFC 8357 relay port), 125 and 150, and hostile input.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

#define PKT_MAX	2048

/* A hand-made packet: fixed header, cookie, then whatever the test adds. */
struct pkt {
	uint8_t	 b[PKT_MAX];
	size_t	 len;
};

static void	pkt_init(struct pkt *, uint8_t);
static void	pkt_add(struct pkt *, const void *, size_t);
static void	pkt_opt(struct pkt *, uint8_t, const void *, size_t);
static void	roundtrip(const struct dhcp_msg *, struct dhcp_msg *);
static void	assert_opt(const struct dhcp_msg *, uint8_t, const void *,
		    size_t);
static void	assert_parse_fails(const uint8_t *, size_t, const char *);

static const uint8_t mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

static void
pkt_init(struct pkt *p, uint8_t op)
{
	memset(p->b, 0, sizeof p->b);
	p->b[0] = op;
	p->b[1] = 1;
	p->b[2] = 6;
	p->b[4] = 0x12;
	p->b[5] = 0x34;
	p->b[6] = 0x56;
	p->b[7] = 0x78;
	memcpy(p->b + 28, mac, sizeof mac);
	p->b[236] = 99;
	p->b[237] = 130;
	p->b[238] = 83;
	p->b[239] = 99;
	p->len = 240;
}

static void
pkt_add(struct pkt *p, const void *v, size_t len)
{
	assert_true(p->len + len <= sizeof p->b);
	memcpy(p->b + p->len, v, len);
	p->len += len;
}

static void
pkt_opt(struct pkt *p, uint8_t code, const void *v, size_t len)
{
	uint8_t	h[2] = { code, len };

	pkt_add(p, h, 2);
	pkt_add(p, v, len);
}

static void
roundtrip(const struct dhcp_msg *m, struct dhcp_msg *out)
{
	struct dbuf	 b;
	char		*cause = NULL;
	int		 rc;

	dbuf_init(&b);
	dhcp_write(m, &b);
	rc = dhcp_parse(out, b.data, b.len, &cause);
	if (rc != 0)
		fail_msg("%s", cause);
	dbuf_clear(&b);
}

static void
assert_opt(const struct dhcp_msg *m, uint8_t code, const void *v, size_t len)
{
	const uint8_t	*p;
	size_t		 l;

	p = dhcp_opt_get(m, code, &l);
	assert_non_null(p);
	assert_int_equal(l, len);
	assert_memory_equal(p, v, len);
}

static void
assert_parse_fails(const uint8_t *buf, size_t len, const char *want)
{
	struct dhcp_msg	 m;
	char		*cause = NULL;

	assert_int_equal(dhcp_parse(&m, buf, len, &cause), -1);
	unit_check_cause(cause, want);
}

/* What a phone broadcasts (spec 4.2.1): 53, 61, 60, 55, 125. */
static void
test_discover_roundtrip(void **state)
{
	static const uint8_t prl[] = { 1, 2, 3, 6, 15, 28, 42, 43, 66, 125,
	    150, 159, 160 };
	struct dhcp_msg	 m, r;
	struct dbuf	 sub, vivso, b;
	uint8_t		 cid[7] = { 1 };
	const uint8_t	*v;
	size_t		 len;

	dhcp_init(&m);
	m.op = 1;
	m.xid = 0xdeadbeef;
	m.secs = 4;
	m.flags = 0x8000;
	memcpy(m.chaddr, mac, sizeof mac);
	memcpy(cid + 1, mac, sizeof mac);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE,
	    DHCPDISCOVER), 0);
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_CLIENT_ID, cid,
	    sizeof cid), 0);
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_VCI, "CP-7841-3PCC"),
	    0);
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_PRL, prl, sizeof prl), 0);

	dbuf_init(&sub);
	dhcp_subopt_add(&sub, 1, "00562B", 6);
	dhcp_subopt_add(&sub, 2, "FCH2301A0BC", 11);
	dhcp_subopt_add(&sub, 3, "CP-7841-3PCC", 12);
	dbuf_init(&vivso);
	dhcp_vivso_add(&vivso, DHCP_ENTERPRISE_DSLFORUM, sub.data, sub.len);
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_VIVSO, vivso.data,
	    vivso.len), 0);

	dbuf_init(&b);
	dhcp_write(&m, &b);
	assert_true(b.len >= 300);
	assert_int_equal(b.data[236], 99);
	assert_int_equal(b.data[239], 99);
	assert_int_equal(b.data[240], DHCP_OPT_MSG_TYPE);
	assert_int_equal(b.data[241], 1);
	assert_int_equal(b.data[242], DHCPDISCOVER);
	dbuf_clear(&b);

	roundtrip(&m, &r);
	assert_int_equal(r.op, 1);
	assert_int_equal(r.htype, 1);
	assert_int_equal(r.hlen, 6);
	assert_int_equal(r.xid, 0xdeadbeef);
	assert_int_equal(r.secs, 4);
	assert_int_equal(r.flags, 0x8000);
	assert_memory_equal(r.chaddr, mac, sizeof mac);
	assert_int_equal(dhcp_type(&r), DHCPDISCOVER);
	assert_string_equal(dhcp_type_name(dhcp_type(&r)), "DHCPDISCOVER");
	assert_opt(&r, DHCP_OPT_VCI, "CP-7841-3PCC", 12);
	assert_opt(&r, DHCP_OPT_PRL, prl, sizeof prl);
	assert_opt(&r, DHCP_OPT_CLIENT_ID, cid, sizeof cid);

	v = dhcp_opt_get(&r, DHCP_OPT_VIVSO, &len);
	assert_non_null(v);
	v = dhcp_vivso_find(v, len, DHCP_ENTERPRISE_DSLFORUM, 2, &len);
	assert_non_null(v);
	assert_int_equal(len, 11);
	assert_memory_equal(v, "FCH2301A0BC", 11);
	dbuf_clear(&sub);
	dbuf_clear(&vivso);
}

/* An OFFER carrying every provisioning option of spec 4.2.2. */
static void
test_offer_options(void **state)
{
	struct dhcp_msg	 m, r;
	struct dbuf	 v43;
	uint8_t		 tftp[8] = { 10, 0, 0, 5, 10, 0, 0, 6 };
	const uint8_t	*v;
	size_t		 len;
	uint32_t	 a;
	char		 s[128];

	dhcp_init(&m);
	m.op = 2;
	m.xid = 7;
	m.yiaddr = 0x0a000064;
	m.siaddr = 0x0a000001;
	memcpy(m.chaddr, mac, sizeof mac);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, DHCPOFFER);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, 0x0a000001);
	dhcp_opt_set_u32(&m, DHCP_OPT_SUBNET_MASK, 0xffffff00);
	dhcp_opt_set_u32(&m, DHCP_OPT_ROUTER, 0x0a000001);
	dhcp_opt_set_u32(&m, DHCP_OPT_DNS, 0x0a000002);
	dhcp_opt_set_str(&m, DHCP_OPT_DOMAIN, "example.com");
	dhcp_opt_set_u32(&m, DHCP_OPT_NTP, 0x0a000003);
	dhcp_opt_set_u32(&m, DHCP_OPT_LEASE, 3600);
	dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "tftp.example.com");
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_TFTP_LIST, tftp,
	    sizeof tftp), 0);
	dhcp_opt_set_str(&m, DHCP_OPT_159, "10.0.0.7");
	dhcp_opt_set_str(&m, DHCP_OPT_160, "https://prov.example.com/$PSN.xml");
	dbuf_init(&v43);
	dhcp_subopt_add(&v43, 1, "https://acs.example.com/", 24);
	dhcp_subopt_add(&v43, 2, "PC1", 3);
	dhcp_opt_set(&m, DHCP_OPT_VENDOR, v43.data, v43.len);

	roundtrip(&m, &r);
	assert_int_equal(r.op, 2);
	assert_int_equal(r.yiaddr, 0x0a000064);
	assert_int_equal(r.siaddr, 0x0a000001);
	assert_int_equal(dhcp_type(&r), DHCPOFFER);
	assert_int_equal(dhcp_opt_get_u32(&r, DHCP_OPT_LEASE, &a), 0);
	assert_int_equal(a, 3600);
	assert_int_equal(dhcp_opt_get_u32(&r, DHCP_OPT_SUBNET_MASK, &a), 0);
	assert_int_equal(a, 0xffffff00);
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), 0);
	assert_string_equal(s, "tftp.example.com");
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_160, s, sizeof s), 0);
	assert_string_equal(s, "https://prov.example.com/$PSN.xml");
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_159, s, sizeof s), 0);
	assert_string_equal(s, "10.0.0.7");
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_DOMAIN, s, sizeof s),
	    0);
	assert_string_equal(s, "example.com");

	/* Option 150: two addresses, the first one read as a u32. */
	assert_opt(&r, DHCP_OPT_TFTP_LIST, tftp, sizeof tftp);
	assert_int_equal(dhcp_opt_get_u32(&r, DHCP_OPT_TFTP_LIST, &a), 0);
	assert_int_equal(a, 0x0a000005);

	v = dhcp_opt_get(&r, DHCP_OPT_VENDOR, &len);
	assert_non_null(v);
	v = dhcp_subopt_find(v, len, 1, &len);
	assert_non_null(v);
	assert_int_equal(len, 24);
	assert_memory_equal(v, "https://acs.example.com/", 24);
	v = dhcp_opt_get(&r, DHCP_OPT_VENDOR, &len);
	v = dhcp_subopt_find(v, len, 2, &len);
	assert_non_null(v);
	assert_memory_equal(v, "PC1", 3);
	v = dhcp_opt_get(&r, DHCP_OPT_VENDOR, &len);
	assert_null(dhcp_subopt_find(v, len, 3, &len));

	assert_null(dhcp_opt_get(&r, DHCP_OPT_BOOTFILE, &len));
	assert_int_equal(dhcp_opt_get_u32(&r, DHCP_OPT_BOOTFILE, &a), -1);
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_BOOTFILE, s, sizeof s),
	    -1);
	dbuf_clear(&v43);
}

/* ACK through a relay: giaddr, hops and option 82 with RFC 8357 port. */
static void
test_relay_option82(void **state)
{
	struct dhcp_msg	 m, r;
	struct dbuf	 o82;
	const uint8_t	*v, *p;
	size_t		 len, l;

	dhcp_init(&m);
	m.op = 2;
	m.hops = 1;
	m.giaddr = 0xc0a80101;
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, DHCPACK);
	dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "10.1.1.1");
	dbuf_init(&o82);
	dhcp_subopt_add(&o82, DHCP_RELAY_CIRCUIT_ID, "Gi0/1", 5);
	dhcp_subopt_add(&o82, DHCP_RELAY_REMOTE_ID, "sw1", 3);
	dhcp_subopt_add(&o82, DHCP_RELAY_PORT, NULL, 0);
	dhcp_opt_set(&m, DHCP_OPT_RELAY, o82.data, o82.len);

	roundtrip(&m, &r);
	assert_int_equal(r.hops, 1);
	assert_int_equal(r.giaddr, 0xc0a80101);
	assert_int_equal(dhcp_type(&r), DHCPACK);
	assert_string_equal(dhcp_type_name(DHCPACK), "DHCPACK");
	v = dhcp_opt_get(&r, DHCP_OPT_RELAY, &len);
	assert_non_null(v);
	p = dhcp_subopt_find(v, len, DHCP_RELAY_CIRCUIT_ID, &l);
	assert_non_null(p);
	assert_int_equal(l, 5);
	assert_memory_equal(p, "Gi0/1", 5);
	p = dhcp_subopt_find(v, len, DHCP_RELAY_REMOTE_ID, &l);
	assert_non_null(p);
	assert_memory_equal(p, "sw1", 3);
	/* RFC 8357 5.1: the relay port sub-option is empty. */
	l = 99;
	p = dhcp_subopt_find(v, len, DHCP_RELAY_PORT, &l);
	assert_non_null(p);
	assert_int_equal(l, 0);
	dbuf_clear(&o82);
}

/* Option 125: several enterprises, sub-options 1/2/3 of 3561. */
static void
test_vivso(void **state)
{
	struct dbuf	 sub, v;
	const uint8_t	*p;
	size_t		 l;
	uint8_t		 broken[8] = { 0, 0, 0x0d, 0xe9, 10, 1, 1, 'x' };

	dbuf_init(&sub);
	dbuf_init(&v);
	dhcp_subopt_add(&sub, 1, "abc", 3);
	dhcp_vivso_add(&v, 9, sub.data, sub.len);
	dbuf_reset(&sub);
	dhcp_subopt_add(&sub, 1, "00562B", 6);
	dhcp_subopt_add(&sub, 2, "FCH2301A0BC", 11);
	dhcp_subopt_add(&sub, 3, "CP-8851-3PCC", 12);
	dhcp_vivso_add(&v, DHCP_ENTERPRISE_DSLFORUM, sub.data, sub.len);
	assert_int_equal(v.len, 4 + 1 + 5 + 4 + 1 + 8 + 13 + 14);

	p = dhcp_vivso_find(v.data, v.len, DHCP_ENTERPRISE_DSLFORUM, 1, &l);
	assert_non_null(p);
	assert_int_equal(l, 6);
	assert_memory_equal(p, "00562B", 6);
	p = dhcp_vivso_find(v.data, v.len, DHCP_ENTERPRISE_DSLFORUM, 2, &l);
	assert_non_null(p);
	assert_memory_equal(p, "FCH2301A0BC", 11);
	p = dhcp_vivso_find(v.data, v.len, DHCP_ENTERPRISE_DSLFORUM, 3, &l);
	assert_non_null(p);
	assert_int_equal(l, 12);
	assert_memory_equal(p, "CP-8851-3PCC", 12);
	p = dhcp_vivso_find(v.data, v.len, 9, 1, &l);
	assert_non_null(p);
	assert_memory_equal(p, "abc", 3);
	assert_null(dhcp_vivso_find(v.data, v.len, 9, 2, &l));
	assert_null(dhcp_vivso_find(v.data, v.len, 4491, 1, &l));
	assert_null(dhcp_vivso_find(v.data, v.len, DHCP_ENTERPRISE_DSLFORUM,
	    4, &l));

	/* Every truncation of the list: never an over-read. */
	for (l = 0; l < v.len; l++) {
		uint8_t	*copy = malloc(l + 1);
		size_t	 sl;

		memcpy(copy, v.data, l);
		p = dhcp_vivso_find(copy, l, DHCP_ENTERPRISE_DSLFORUM, 3,
		    &sl);
		assert_null(p);
		free(copy);
	}
	/* A block whose length overruns the option. */
	assert_null(dhcp_vivso_find(broken, sizeof broken,
	    DHCP_ENTERPRISE_DSLFORUM, 1, &l));
	dbuf_clear(&sub);
	dbuf_clear(&v);
}

static void
test_subopt_find(void **state)
{
	static const uint8_t padded[] = { 0, 0, 1, 2, 'a', 'b', 0, 2, 1, 'c',
	    255, 3, 1, 'd' };
	static const uint8_t overrun[] = { 1, 1, 'a', 2, 5, 'b' };
	const uint8_t	*p;
	size_t		 l;

	p = dhcp_subopt_find(padded, sizeof padded, 2, &l);
	assert_non_null(p);
	assert_int_equal(l, 1);
	assert_int_equal(p[0], 'c');
	/* Sub-option 3 sits after END. */
	assert_null(dhcp_subopt_find(padded, sizeof padded, 3, &l));
	p = dhcp_subopt_find(overrun, sizeof overrun, 1, &l);
	assert_non_null(p);
	assert_null(dhcp_subopt_find(overrun, sizeof overrun, 2, &l));
	assert_null(dhcp_subopt_find(overrun, 3, 2, &l));
	assert_null(dhcp_subopt_find(overrun, 4, 2, &l));
	assert_null(dhcp_subopt_find(NULL, 0, 1, &l));
}

/* RFC 3396: repeated codes are joined in order; first-seen order kept. */
static void
test_concat_parse(void **state)
{
	struct pkt	 p;
	struct dhcp_msg	 m;
	uint8_t		 t = DHCPOFFER;
	char		*cause = NULL;

	pkt_init(&p, 2);
	pkt_opt(&p, DHCP_OPT_VENDOR, "\x01\x05htt", 5);
	pkt_add(&p, "\0\0", 2);
	pkt_opt(&p, DHCP_OPT_TFTP_SERVER, "tftp", 4);
	pkt_opt(&p, DHCP_OPT_MSG_TYPE, &t, 1);
	pkt_opt(&p, DHCP_OPT_VENDOR, "p:", 2);
	pkt_opt(&p, DHCP_OPT_TFTP_SERVER, ".lab", 4);
	pkt_opt(&p, DHCP_OPT_VENDOR, "", 0);
	pkt_add(&p, "\xff", 1);
	/* Anything after END is ignored. */
	pkt_opt(&p, DHCP_OPT_VENDOR, "junk", 4);

	assert_int_equal(dhcp_parse(&m, p.b, p.len, &cause), 0);
	assert_opt(&m, DHCP_OPT_VENDOR, "\x01\x05http:", 7);
	assert_opt(&m, DHCP_OPT_TFTP_SERVER, "tftp.lab", 8);
	assert_int_equal(m.norder, 3);
	assert_int_equal(m.order[0], DHCP_OPT_VENDOR);
	assert_int_equal(m.order[1], DHCP_OPT_TFTP_SERVER);
	assert_int_equal(m.order[2], DHCP_OPT_MSG_TYPE);
	assert_int_equal(dhcp_type(&m), DHCPOFFER);
}

/* Values over 255 bytes are written as repeated codes and come back whole. */
static void
test_long_value_split(void **state)
{
	struct dhcp_msg	 m, r;
	struct dbuf	 b;
	char		 url[601];
	size_t		 i, pos;
	char		 s[700];

	for (i = 0; i < 600; i++)
		url[i] = 'a' + i % 26;
	url[600] = '\0';
	dhcp_init(&m);
	m.op = 2;
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, DHCPACK);
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_160, url), 0);

	dbuf_init(&b);
	dhcp_write(&m, &b);
	pos = 243;
	assert_int_equal(b.data[pos], DHCP_OPT_160);
	assert_int_equal(b.data[pos + 1], 255);
	pos += 2 + 255;
	assert_int_equal(b.data[pos], DHCP_OPT_160);
	assert_int_equal(b.data[pos + 1], 255);
	pos += 2 + 255;
	assert_int_equal(b.data[pos], DHCP_OPT_160);
	assert_int_equal(b.data[pos + 1], 90);
	pos += 2 + 90;
	assert_int_equal(b.data[pos], DHCP_OPT_END);
	/* Past 300 bytes already: no padding added. */
	assert_int_equal(b.len, pos + 1);
	dbuf_clear(&b);

	roundtrip(&m, &r);
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_160, s, sizeof s), 0);
	assert_string_equal(s, url);
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_160, s, 600), -1);
}

/* Option 52: file then sname carry options, after the options field. */
static void
test_overload(void **state)
{
	struct pkt	 p;
	struct dhcp_msg	 m, r;
	uint8_t		 v = 3, t = DHCPACK;
	char		*cause = NULL;
	char		 s[64];

	pkt_init(&p, 2);
	/* file field (108..235): 66 "b", 67 "boot.cfg" */
	memcpy(p.b + 108, "\x42\x01" "b" "\x43\x08" "boot.cfg" "\xff", 14);
	/* sname field (44..107): 66 ".lab", padded */
	memcpy(p.b + 44, "\0\x42\x04.lab\xff", 8);
	pkt_opt(&p, DHCP_OPT_MSG_TYPE, &t, 1);
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	pkt_opt(&p, DHCP_OPT_TFTP_SERVER, "tftp.", 5);
	pkt_add(&p, "\xff", 1);

	if (dhcp_parse(&m, p.b, p.len, &cause) != 0)
		fail_msg("%s", cause);
	assert_opt(&m, DHCP_OPT_TFTP_SERVER, "tftp.b.lab", 10);
	assert_opt(&m, DHCP_OPT_BOOTFILE, "boot.cfg", 8);
	assert_null(dhcp_opt_get(&m, DHCP_OPT_OVERLOAD, NULL));
	assert_string_equal(m.sname, "");
	assert_string_equal(m.file, "");

	/* Written back, everything is in the options field. */
	roundtrip(&m, &r);
	assert_int_equal(dhcp_opt_get_str(&r, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), 0);
	assert_string_equal(s, "tftp.b.lab");
	assert_opt(&r, DHCP_OPT_BOOTFILE, "boot.cfg", 8);

	/* Overload of file only: sname is still a string. */
	pkt_init(&p, 2);
	memcpy(p.b + 108, "\x43\x03" "a.c" "\xff", 6);
	memcpy(p.b + 44, "srv1", 4);
	v = 1;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	pkt_add(&p, "\xff", 1);
	assert_int_equal(dhcp_parse(&m, p.b, p.len, &cause), 0);
	assert_string_equal(m.sname, "srv1");
	assert_string_equal(m.file, "");
	assert_opt(&m, DHCP_OPT_BOOTFILE, "a.c", 3);

	/* Overload of sname only, with no END: the field end ends it. */
	pkt_init(&p, 2);
	memset(p.b + 44, 0, 64);
	memcpy(p.b + 44 + 56, "\x42\x06" "abcdef", 8);
	memcpy(p.b + 108, "pxe.0", 5);
	v = 2;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	assert_int_equal(dhcp_parse(&m, p.b, p.len, &cause), 0);
	assert_string_equal(m.file, "pxe.0");
	assert_opt(&m, DHCP_OPT_TFTP_SERVER, "abcdef", 6);
}

static void
test_overload_hostile(void **state)
{
	struct pkt	 p;
	uint8_t		 v;

	/* An option in file running past the field. */
	pkt_init(&p, 2);
	memcpy(p.b + 230, "\x42\x08" "abcdef", 6);
	v = 1;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	pkt_add(&p, "\xff", 1);
	assert_parse_fails(p.b, p.len,
	    "option 66 overruns the file field at offset 230");

	/* Length byte missing at the end of sname. */
	pkt_init(&p, 2);
	p.b[107] = 66;
	v = 2;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	assert_parse_fails(p.b, p.len, "sname field at offset 107");

	/* Option 52 inside an overloaded field. */
	pkt_init(&p, 2);
	memcpy(p.b + 108, "\x34\x01\x02\xff", 4);
	v = 1;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	assert_parse_fails(p.b, p.len, "option 52 in the file field");

	/* Bad values of option 52. */
	pkt_init(&p, 2);
	v = 4;
	pkt_opt(&p, DHCP_OPT_OVERLOAD, &v, 1);
	assert_parse_fails(p.b, p.len, "option 52");
	pkt_init(&p, 2);
	pkt_opt(&p, DHCP_OPT_OVERLOAD, "\x01\x01", 2);
	assert_parse_fails(p.b, p.len, "option 52");
	pkt_init(&p, 2);
	pkt_opt(&p, DHCP_OPT_OVERLOAD, "", 0);
	assert_parse_fails(p.b, p.len, "option 52");
	/* One byte split over two codes is still one byte (RFC 3396). */
	pkt_init(&p, 2);
	pkt_opt(&p, DHCP_OPT_OVERLOAD, "\x01", 1);
	pkt_opt(&p, DHCP_OPT_OVERLOAD, "", 0);
	pkt_add(&p, "\xff", 1);
	{
		struct dhcp_msg	 m;

		assert_int_equal(dhcp_parse(&m, p.b, p.len, NULL), 0);
	}
}

static void
test_opt_set_replace(void **state)
{
	struct dhcp_msg	 m, r;
	uint8_t		 big[DHCP_OPTDATA_MAX];

	dhcp_init(&m);
	m.op = 1;
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "a"), 0);
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_BOOTFILE, "file"), 0);
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_HOSTNAME, NULL, 0), 0);
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_DOMAIN, "x.org"), 0);
	assert_int_equal(dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER,
	    "longer.example"), 0);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE,
	    DHCPREQUEST), 0);
	assert_int_equal(m.optdata_len, 4 + 0 + 5 + 14 + 1);
	assert_opt(&m, DHCP_OPT_BOOTFILE, "file", 4);
	assert_opt(&m, DHCP_OPT_DOMAIN, "x.org", 5);
	assert_opt(&m, DHCP_OPT_TFTP_SERVER, "longer.example", 14);
	assert_opt(&m, DHCP_OPT_HOSTNAME, "", 0);
	assert_int_equal(m.norder, 5);
	assert_int_equal(m.order[0], DHCP_OPT_TFTP_SERVER);

	/* Shrinking, and a value copied from the message itself. */
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_BOOTFILE,
	    dhcp_opt_get(&m, DHCP_OPT_DOMAIN, NULL), 5), 0);
	assert_opt(&m, DHCP_OPT_BOOTFILE, "x.org", 5);
	assert_opt(&m, DHCP_OPT_TFTP_SERVER, "longer.example", 14);
	assert_int_equal(dhcp_opt_set_u32(&m, DHCP_OPT_DOMAIN, 1), 0);
	assert_opt(&m, DHCP_OPT_BOOTFILE, "x.org", 5);
	assert_opt(&m, DHCP_OPT_DOMAIN, "\0\0\0\1", 4);

	roundtrip(&m, &r);
	assert_int_equal(dhcp_type(&r), DHCPREQUEST);
	assert_opt(&r, DHCP_OPT_TFTP_SERVER, "longer.example", 14);
	assert_opt(&r, DHCP_OPT_HOSTNAME, "", 0);
	assert_opt(&r, DHCP_OPT_BOOTFILE, "x.org", 5);

	/* Framing codes are not values. */
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_PAD, 1), -1);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_END, 1), -1);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_OVERLOAD, 1), -1);

	/* No room: m is left as it was. */
	memset(big, 'z', sizeof big);
	dhcp_init(&m);
	m.op = 2;
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_160, big, sizeof big - 4),
	    0);
	assert_int_equal(dhcp_opt_set_u32(&m, DHCP_OPT_LEASE, 60), 0);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, 1), -1);
	assert_null(dhcp_opt_get(&m, DHCP_OPT_MSG_TYPE, NULL));
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_160, big, sizeof big), -1);
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_160, big,
	    sizeof big + 1), -1);
	assert_int_equal(m.optdata_len, DHCP_OPTDATA_MAX);
	/* Replacing in place fits. */
	assert_int_equal(dhcp_opt_set(&m, DHCP_OPT_160, big, sizeof big - 5),
	    0);
	assert_int_equal(dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, 1), 0);
	roundtrip(&m, &r);
	assert_opt(&r, DHCP_OPT_160, big, sizeof big - 5);
}

static void
test_get_str(void **state)
{
	struct dhcp_msg	 m;
	char		 s[8];
	uint32_t	 v;

	dhcp_init(&m);
	/* Some servers NUL-terminate option 66 (RFC 2132 2). */
	dhcp_opt_set(&m, DHCP_OPT_TFTP_SERVER, "srv\0\0", 5);
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), 0);
	assert_string_equal(s, "srv");
	dhcp_opt_set(&m, DHCP_OPT_TFTP_SERVER, "s\0rv", 4);
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), -1);
	dhcp_opt_set(&m, DHCP_OPT_TFTP_SERVER, "", 0);
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), -1);
	dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "1234567");
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), 0);
	dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "12345678");
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_TFTP_SERVER, s,
	    sizeof s), -1);

	dhcp_opt_set(&m, DHCP_OPT_ROUTER, "\1\2\3", 3);
	assert_int_equal(dhcp_opt_get_u32(&m, DHCP_OPT_ROUTER, &v), -1);
	dhcp_opt_set(&m, DHCP_OPT_ROUTER, "\1\2\3\4\5", 5);
	assert_int_equal(dhcp_opt_get_u32(&m, DHCP_OPT_ROUTER, &v), -1);
	dhcp_opt_set(&m, DHCP_OPT_ROUTER, "", 0);
	assert_int_equal(dhcp_opt_get_u32(&m, DHCP_OPT_ROUTER, &v), -1);
}

static void
test_type(void **state)
{
	struct dhcp_msg	 m;
	int		 t;

	dhcp_init(&m);
	assert_int_equal(dhcp_type(&m), DHCP_NONE);
	assert_string_equal(dhcp_type_name(DHCP_NONE), "BOOTP");
	for (t = DHCPDISCOVER; t <= DHCPINFORM; t++) {
		dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, t);
		assert_int_equal(dhcp_type(&m), t);
		assert_non_null(strstr(dhcp_type_name(t), "DHCP"));
	}
	assert_string_equal(dhcp_type_name(DHCPREQUEST), "DHCPREQUEST");
	assert_string_equal(dhcp_type_name(DHCPINFORM), "DHCPINFORM");
	assert_string_equal(dhcp_type_name(9), "unknown");
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, 9);
	assert_int_equal(dhcp_type(&m), DHCP_NONE);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, 0);
	assert_int_equal(dhcp_type(&m), DHCP_NONE);
	dhcp_opt_set(&m, DHCP_OPT_MSG_TYPE, "\1\1", 2);
	assert_int_equal(dhcp_type(&m), DHCP_NONE);
}

/* Short messages are padded to the BOOTP minimum; sname/file kept. */
static void
test_bootp_minimum(void **state)
{
	struct dhcp_msg	 m, r;
	struct dbuf	 b;
	size_t		 i;

	dhcp_init(&m);
	m.op = 2;
	memset(m.sname, 's', 64);
	pf_strlcpy(m.file, "/cisco/SEP00562B043615.cnf.xml", sizeof m.file);
	dbuf_init(&b);
	dbuf_add_str(&b, "pre");
	dhcp_write(&m, &b);
	assert_int_equal(b.len, 3 + 300);
	assert_int_equal(b.data[3 + 240], DHCP_OPT_END);
	for (i = 3 + 241; i < b.len; i++)
		assert_int_equal(b.data[i], 0);
	dbuf_clear(&b);
	roundtrip(&m, &r);
	assert_int_equal(strlen(r.sname), 64);
	assert_string_equal(r.file, "/cisco/SEP00562B043615.cnf.xml");
	assert_int_equal(r.norder, 0);
	assert_int_equal(dhcp_type(&r), DHCP_NONE);
}

static void
test_hostile_header(void **state)
{
	struct pkt	 p;
	size_t		 i;

	pkt_init(&p, 1);
	for (i = 0; i < 240; i++)
		assert_parse_fails(p.b, i, "shorter than 240");
	assert_parse_fails(NULL, 0, "shorter");

	p.b[0] = 3;
	assert_parse_fails(p.b, p.len, "op 3");
	p.b[0] = 0;
	assert_parse_fails(p.b, p.len, "op 0");
	p.b[0] = 1;
	p.b[2] = 17;
	assert_parse_fails(p.b, p.len, "hlen 17");
	p.b[2] = 16;
	assert_int_equal(dhcp_parse(&(struct dhcp_msg){ 0 }, p.b, p.len,
	    NULL), 0);
	p.b[239] = 98;
	assert_parse_fails(p.b, p.len, "magic cookie 99.130.83.98");
	p.b[239] = 99;
	/* No options and no END at all is a bare header. */
	assert_int_equal(dhcp_parse(&(struct dhcp_msg){ 0 }, p.b, 240, NULL),
	    0);
}

static void
test_hostile_options(void **state)
{
	struct pkt	 p;
	uint8_t		 big[255];
	int		 i;

	/* The message of the brief: a value running off the end. */
	pkt_init(&p, 2);
	for (i = 0; i < 58; i++)
		pkt_add(&p, "", 1);
	pkt_opt(&p, DHCP_OPT_MSG_TYPE, "\2", 1);
	pkt_add(&p, "\x42\x10tftp", 6);
	assert_parse_fails(p.b, p.len,
	    "option 66 overruns the packet at offset 301");

	/* A code as the last byte, with no length. */
	pkt_init(&p, 2);
	pkt_add(&p, "\x42", 1);
	assert_parse_fails(p.b, p.len,
	    "option 66 overruns the packet at offset 240");

	/* More option data than DHCP_OPTDATA_MAX. */
	memset(big, 'x', sizeof big);
	pkt_init(&p, 2);
	for (i = 0; i < 6; i++)
		pkt_opt(&p, 200 + i, big, sizeof big);
	pkt_add(&p, "\xff", 1);
	assert_parse_fails(p.b, p.len, "more than 1300");
	/* Exactly the cap is fine. */
	pkt_init(&p, 2);
	for (i = 0; i < 5; i++)
		pkt_opt(&p, 200, big, 255);
	pkt_opt(&p, 201, big, 25);
	pkt_add(&p, "\xff", 1);
	assert_int_equal(dhcp_parse(&(struct dhcp_msg){ 0 }, p.b, p.len,
	    NULL), 0);
}

/* Every prefix of a real message: parses or fails cleanly, never crashes. */
static void
test_truncation(void **state)
{
	struct dhcp_msg	 m;
	struct dbuf	 b, o82;
	size_t		 i, end;
	uint8_t		*copy;
	char		*cause;
	int		 rc;

	dhcp_init(&m);
	m.op = 2;
	m.giaddr = 0x0a010101;
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, DHCPACK);
	dhcp_opt_set_str(&m, DHCP_OPT_TFTP_SERVER, "10.0.0.5");
	dhcp_opt_set(&m, DHCP_OPT_TFTP_LIST, "\12\0\0\5\12\0\0\6", 8);
	dbuf_init(&o82);
	dhcp_subopt_add(&o82, DHCP_RELAY_CIRCUIT_ID, "eth0", 4);
	dhcp_subopt_add(&o82, DHCP_RELAY_PORT, NULL, 0);
	dhcp_opt_set(&m, DHCP_OPT_RELAY, o82.data, o82.len);
	dbuf_init(&b);
	dhcp_write(&m, &b);
	end = 240 + 3 + 10 + 10 + 10;	/* the END byte */
	assert_int_equal(b.data[end], DHCP_OPT_END);

	for (i = 0; i <= b.len; i++) {
		copy = malloc(i + 1);
		memcpy(copy, b.data, i);
		cause = NULL;
		rc = dhcp_parse(&m, copy, i, &cause);
		/* Cuts at option boundaries are a message without END. */
		if (i < 240 || (i > 240 && i < end && i != 243 && i != 253 &&
		    i != 263)) {
			assert_int_equal(rc, -1);
			assert_non_null(cause);
		} else
			assert_int_equal(rc, 0);
		free(cause);
		free(copy);
	}
	dbuf_clear(&b);
	dbuf_clear(&o82);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_roundtrip),
		cmocka_unit_test(test_offer_options),
		cmocka_unit_test(test_relay_option82),
		cmocka_unit_test(test_vivso),
		cmocka_unit_test(test_subopt_find),
		cmocka_unit_test(test_concat_parse),
		cmocka_unit_test(test_long_value_split),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_overload_hostile),
		cmocka_unit_test(test_opt_set_replace),
		cmocka_unit_test(test_get_str),
		cmocka_unit_test(test_type),
		cmocka_unit_test(test_bootp_minimum),
		cmocka_unit_test(test_hostile_header),
		cmocka_unit_test(test_hostile_options),
		cmocka_unit_test(test_truncation),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

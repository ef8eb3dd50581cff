/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/dns.c: queries and answers for the A and SRV lookups of spec 4.3,
 * name compression both ways, pointer loops and lying counts.
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

static void	roundtrip(const struct dns_msg *, struct dns_msg *);
static void	assert_parse_fails(const uint8_t *, size_t, const char *);
static void	add_srv(struct dns_msg *, const char *, uint16_t, uint16_t,
		    uint16_t, const char *);
static void	add_a(struct dns_rr *, const char *, uint32_t);
static size_t	wire_len(const char *);

#define SRV_HTTPS	"_ciscoprov-https._tls.example.com"

static void
roundtrip(const struct dns_msg *m, struct dns_msg *out)
{
	struct dbuf	 b;
	char		*cause = NULL;

	dbuf_init(&b);
	dns_write(m, &b);
	if (dns_parse(out, b.data, b.len, &cause) != 0)
		fail_msg("%s", cause);
	dbuf_clear(&b);
}

static void
assert_parse_fails(const uint8_t *buf, size_t len, const char *want)
{
	struct dns_msg	 m;
	uint8_t		*copy;
	char		*cause = NULL;

	/* An exact-size copy, so that an over-read is caught by ASan. */
	copy = malloc(len + 1);
	if (len != 0)
		memcpy(copy, buf, len);
	assert_int_equal(dns_parse(&m, copy, len, &cause), -1);
	free(copy);
	unit_check_cause(cause, want);
}

static void
add_srv(struct dns_msg *m, const char *name, uint16_t prio, uint16_t weight,
    uint16_t port, const char *target)
{
	struct dns_rr	rr;

	memset(&rr, 0, sizeof rr);
	pf_strlcpy(rr.name, name, sizeof rr.name);
	rr.type = DNS_T_SRV;
	rr.class = DNS_C_IN;
	rr.ttl = 86400;
	rr.prio = prio;
	rr.weight = weight;
	rr.port = port;
	pf_strlcpy(rr.target, target, sizeof rr.target);
	assert_int_equal(dns_add_answer(m, &rr), 0);
}

static void
add_a(struct dns_rr *rr, const char *name, uint32_t a)
{
	memset(rr, 0, sizeof *rr);
	pf_strlcpy(rr->name, name, sizeof rr->name);
	rr->type = DNS_T_A;
	rr->class = DNS_C_IN;
	rr->ttl = 300;
	rr->a = a;
}

/* Uncompressed wire length of a well-formed dotted name. */
static size_t
wire_len(const char *name)
{
	return (*name == '\0' ? 1 : strlen(name) + 2);
}

static void
test_query_roundtrip(void **state)
{
	struct dns_msg	 m, r;
	struct dbuf	 b;

	dns_query(&m, 0xbeef, SRV_HTTPS, DNS_T_SRV);
	dbuf_init(&b);
	dns_write(&m, &b);
	assert_int_equal(b.len, 12 + wire_len(SRV_HTTPS) + 4);
	assert_int_equal(b.data[0], 0xbe);
	assert_int_equal(b.data[1], 0xef);
	assert_int_equal(b.data[2], 0x01);	/* RD */
	assert_int_equal(b.data[5], 1);		/* QDCOUNT */
	assert_int_equal(b.data[12], 16);	/* "_ciscoprov-https" */
	dbuf_clear(&b);

	roundtrip(&m, &r);
	assert_int_equal(r.id, 0xbeef);
	assert_int_equal(r.qr, 0);
	assert_int_equal(r.rd, 1);
	assert_int_equal(r.has_question, 1);
	assert_string_equal(r.qname, SRV_HTTPS);
	assert_int_equal(r.qtype, DNS_T_SRV);
	assert_int_equal(r.qclass, DNS_C_IN);
	assert_int_equal(r.nan, 0);
	assert_int_equal(r.nar, 0);

	/* Stored without the trailing dot. */
	dns_query(&m, 1, "prov.example.com.", DNS_T_A);
	assert_string_equal(m.qname, "prov.example.com");
	roundtrip(&m, &r);
	assert_string_equal(r.qname, "prov.example.com");
}

/* The zone of spec 4.3, answered, with compression. */
static void
test_srv_answer(void **state)
{
	struct dns_msg	 m, r;
	struct dbuf	 b;
	size_t		 plain;

	dns_query(&m, 42, SRV_HTTPS, DNS_T_SRV);
	m.qr = m.aa = m.ra = 1;
	add_srv(&m, SRV_HTTPS, 10, 60, 5060, "pr1.example.com");
	add_srv(&m, SRV_HTTPS, 10, 20, 5060, "pr2.example.com");
	add_a(&m.ar[m.nar++], "pr1.example.com", 0x0a000011);
	add_a(&m.ar[m.nar++], "pr2.example.com", 0x0a000012);

	dbuf_init(&b);
	dns_write(&m, &b);
	plain = 12 + wire_len(SRV_HTTPS) + 4 +
	    2 * (wire_len(SRV_HTTPS) + 10 + 6 + wire_len("pr1.example.com")) +
	    2 * (wire_len("pr1.example.com") + 10 + 4);
	/*
	 * Owner names become 2-byte pointers; SRV targets stay whole (RFC
	 * 2782) but the A records point into them.
	 */
	assert_int_equal(b.len, 12 + wire_len(SRV_HTTPS) + 4 +
	    2 * (2 + 10 + 6 + wire_len("pr1.example.com")) + 2 * (2 + 10 + 4));
	assert_true(b.len < plain);
	dbuf_clear(&b);

	roundtrip(&m, &r);
	assert_int_equal(r.id, 42);
	assert_int_equal(r.qr, 1);
	assert_int_equal(r.aa, 1);
	assert_int_equal(r.ra, 1);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_int_equal(r.nan, 2);
	assert_string_equal(r.an[0].name, SRV_HTTPS);
	assert_int_equal(r.an[0].type, DNS_T_SRV);
	assert_int_equal(r.an[0].class, DNS_C_IN);
	assert_int_equal(r.an[0].ttl, 86400);
	assert_int_equal(r.an[0].prio, 10);
	assert_int_equal(r.an[0].weight, 60);
	assert_int_equal(r.an[0].port, 5060);
	assert_string_equal(r.an[0].target, "pr1.example.com");
	assert_int_equal(r.an[1].weight, 20);
	assert_string_equal(r.an[1].target, "pr2.example.com");
	assert_int_equal(r.nar, 2);
	assert_string_equal(r.ar[0].name, "pr1.example.com");
	assert_int_equal(r.ar[0].type, DNS_T_A);
	assert_int_equal(r.ar[0].a, 0x0a000011);
	assert_int_equal(r.ar[1].a, 0x0a000012);
	assert_int_equal(r.ar[1].ttl, 300);
}

/* CNAME targets are compressed, and case survives both ways. */
static void
test_cname_compression(void **state)
{
	struct dns_msg	 m, r;
	struct dns_rr	 rr;
	struct dbuf	 b;
	size_t		 plain;

	dns_query(&m, 7, "WWW.Example.COM", DNS_T_A);
	m.qr = 1;
	memset(&rr, 0, sizeof rr);
	pf_strlcpy(rr.name, "WWW.Example.COM", sizeof rr.name);
	rr.type = DNS_T_CNAME;
	rr.class = DNS_C_IN;
	rr.ttl = 60;
	pf_strlcpy(rr.target, "web.Example.COM", sizeof rr.target);
	dns_add_answer(&m, &rr);
	add_a(&rr, "web.Example.COM", 0xc0000201);
	dns_add_answer(&m, &rr);
	/* Differs only in case: not the same suffix for compression. */
	add_a(&rr, "web.example.com", 0xc0000202);
	dns_add_answer(&m, &rr);

	dbuf_init(&b);
	dns_write(&m, &b);
	plain = 12 + wire_len("WWW.Example.COM") + 4 +
	    wire_len("WWW.Example.COM") + 10 + wire_len("web.Example.COM") +
	    2 * (wire_len("web.Example.COM") + 10 + 4);
	/* CNAME target: "web" + pointer; first A: pointer; second: whole. */
	assert_int_equal(b.len, 12 + 17 + 4 + 2 + 10 + 4 + 2 + 2 + 10 + 4 +
	    17 + 10 + 4);
	assert_true(b.len < plain);
	dbuf_clear(&b);

	roundtrip(&m, &r);
	assert_string_equal(r.qname, "WWW.Example.COM");
	assert_int_equal(r.nan, 3);
	assert_int_equal(r.an[0].type, DNS_T_CNAME);
	assert_string_equal(r.an[0].name, "WWW.Example.COM");
	assert_string_equal(r.an[0].target, "web.Example.COM");
	assert_string_equal(r.an[1].name, "web.Example.COM");
	assert_int_equal(r.an[1].a, 0xc0000201);
	assert_string_equal(r.an[2].name, "web.example.com");
	assert_int_equal(r.an[2].a, 0xc0000202);
}

/* A hand-made answer whose owner name is a pointer to the question. */
static const uint8_t pkt_a[] = {
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	3, 'p', 'r', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o',
	'm', 0, 0, 1, 0, 1,
	0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 10, 0, 0, 5
};

static void
test_parse_pointer(void **state)
{
	struct dns_msg	 m;
	char		*cause = NULL;

	assert_int_equal(dns_parse(&m, pkt_a, sizeof pkt_a, &cause), 0);
	assert_int_equal(m.id, 0x1234);
	assert_int_equal(m.qr, 1);
	assert_int_equal(m.rd, 1);
	assert_int_equal(m.ra, 1);
	assert_int_equal(m.opcode, 0);
	assert_string_equal(m.qname, "pr1.example.com");
	assert_int_equal(m.qtype, DNS_T_A);
	assert_int_equal(m.nan, 1);
	assert_string_equal(m.an[0].name, "pr1.example.com");
	assert_int_equal(m.an[0].ttl, 3600);
	assert_int_equal(m.an[0].a, 0x0a000005);
}

/* SRV target compressed by the sender: receivers must decompress. */
static const uint8_t pkt_srv[] = {
	0, 9, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0,
	16, '_', 'c', 'i', 's', 'c', 'o', 'p', 'r', 'o', 'v', '-', 'h', 't',
	't', 'p', 's', 4, '_', 't', 'l', 's',
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 33, 0, 1,
	0xc0, 12, 0, 33, 0, 1, 0, 1, 0x51, 0x80, 0, 12,
	0, 10, 0, 20, 0x13, 0xc4, 3, 'p', 'r', '2', 0xc0, 34
};

static void
test_parse_srv_pointer(void **state)
{
	struct dns_msg	 m;
	char		*cause = NULL;

	if (dns_parse(&m, pkt_srv, sizeof pkt_srv, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m.aa, 1);
	assert_string_equal(m.qname, SRV_HTTPS);
	assert_int_equal(m.nan, 1);
	assert_string_equal(m.an[0].name, SRV_HTTPS);
	assert_int_equal(m.an[0].type, DNS_T_SRV);
	assert_int_equal(m.an[0].ttl, 86400);
	assert_int_equal(m.an[0].prio, 10);
	assert_int_equal(m.an[0].weight, 20);
	assert_int_equal(m.an[0].port, 5060);
	assert_string_equal(m.an[0].target, "pr2.example.com");
}

static void
test_pointer_loops(void **state)
{
	/* A question name that is a pointer to itself. */
	static const uint8_t self[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1
	};
	/* A label then a pointer back to that label. */
	static const uint8_t back[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0, 12, 0, 1, 0, 1
	};
	/* Two names pointing at each other: the first one goes forward. */
	static const uint8_t pair[] = {
		0, 1, 0x80, 0, 0, 1, 0, 1, 0, 0, 0, 0,
		1, 'a', 0xc0, 22, 0, 1, 0, 1,
		0, 0,
		1, 'b', 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4
	};
	/* Into the header. */
	static const uint8_t hdr[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		0xc0, 2, 0, 1, 0, 1
	};
	/* A pointer cut in half. */
	static const uint8_t half[] = {
		0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
		1, 'a', 0xc0
	};

	assert_parse_fails(self, sizeof self,
	    "compression pointer at offset 12 to 12 loops");
	assert_parse_fails(back, sizeof back,
	    "compression pointer at offset 14 to 12 loops");
	assert_parse_fails(pair, sizeof pair, "loops");
	assert_parse_fails(hdr, sizeof hdr, "into the header");
	assert_parse_fails(half, sizeof half, "overruns");
}

static void
test_bad_names(void **state)
{
	uint8_t	 buf[512];
	size_t	 len, i;

	/* 4 labels of 63 + root: 257 bytes on the wire. */
	memset(buf, 0, sizeof buf);
	buf[5] = 1;
	len = 12;
	for (i = 0; i < 4; i++) {
		buf[len++] = 63;
		memset(buf + len, 'x', 63);
		len += 63;
	}
	buf[len++] = 0;
	len += 4;
	assert_parse_fails(buf, len, "longer than 255");
	/* 3 of 63 and one of 61: 255 exactly, fine. */
	buf[12 + 3 * 64] = 61;
	memmove(buf + 12 + 3 * 64 + 62, buf + 12 + 4 * 64, 5);
	len -= 2;
	{
		struct dns_msg	 m;

		assert_int_equal(dns_parse(&m, buf, len, NULL), 0);
		assert_int_equal(strlen(m.qname), 253);
	}

	/* Label types 01 and 10 (RFC 6891 extended, RFC 2673 bitstring). */
	{
		static const uint8_t ext[] = {
			0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
			0x41, 1, 0, 0, 1, 0, 1
		};
		static const uint8_t dot[] = {
			0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
			3, 'a', '.', 'b', 0, 0, 1, 0, 1
		};
		static const uint8_t nul[] = {
			0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
			2, 'a', 0, 0, 0, 1, 0, 1
		};
		assert_parse_fails(ext, sizeof ext, "label type 0x40");
		assert_parse_fails(dot, sizeof dot, "dot or NUL");
		assert_parse_fails(nul, sizeof nul, "dot or NUL");
	}
}

/* Counts that promise more than the message holds. */
static void
test_lying_counts(void **state)
{
	uint8_t	buf[sizeof pkt_a];

	memcpy(buf, pkt_a, sizeof buf);
	buf[7] = 2;
	assert_parse_fails(buf, sizeof buf,
	    "answer 2 of 2 overruns the message at offset 49");
	buf[7] = 1;
	buf[9] = 1;
	assert_parse_fails(buf, sizeof buf, "authority 1 of 1 overruns");
	buf[9] = 0;
	buf[11] = 3;
	assert_parse_fails(buf, sizeof buf, "additional 1 of 3 overruns");
	buf[11] = 0;
	buf[5] = 2;
	assert_parse_fails(buf, sizeof buf, "2 questions");
	buf[5] = 0;
	/* No question: the name at 12 is read as a record and fails. */
	assert_parse_fails(buf, sizeof buf, NULL);
	buf[5] = 1;
	buf[6] = 0xff;
	buf[7] = 0xff;
	assert_parse_fails(buf, sizeof buf, "answer 2 of 65535");
	/* rdlength past the end. */
	memcpy(buf, pkt_a, sizeof buf);
	buf[sizeof buf - 5] = 5;
	assert_parse_fails(buf, sizeof buf, "answer 1 of 1 overruns");
}

/* Every prefix of a real answer fails cleanly. */
static void
test_truncation(void **state)
{
	struct dns_msg	 m;
	struct dbuf	 b;
	size_t		 i;

	dns_query(&m, 42, SRV_HTTPS, DNS_T_SRV);
	m.qr = 1;
	add_srv(&m, SRV_HTTPS, 10, 60, 5060, "pr1.example.com");
	add_srv(&m, SRV_HTTPS, 20, 0, 443, "pr2.example.com");
	add_a(&m.ar[m.nar++], "pr1.example.com", 0x0a000011);
	dbuf_init(&b);
	dns_write(&m, &b);
	for (i = 0; i < b.len; i++)
		assert_parse_fails(b.data, i, NULL);
	assert_parse_fails(b.data, 11, "shorter than the 12-byte header");
	assert_int_equal(dns_parse(&m, b.data, b.len, NULL), 0);
	/* Bytes after the last record are ignored. */
	dbuf_add_str(&b, "trailing");
	assert_int_equal(dns_parse(&m, b.data, b.len, NULL), 0);
	dbuf_clear(&b);
}

/* rdata lengths that do not fit the type. */
static void
test_bad_rdata(void **state)
{
	static const uint8_t srv_long[] = {
		0, 9, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 's', 0, 0, 33, 0, 1, 0, 0, 0, 1, 0, 9,
		0, 1, 0, 2, 0, 3, 0, 'x', 'y'
	};
	static const uint8_t srv_short[] = {
		0, 9, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 's', 0, 0, 33, 0, 1, 0, 0, 0, 1, 0, 6,
		0, 1, 0, 2, 0, 3
	};
	static const uint8_t cname_over[] = {
		0, 9, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0,
		1, 's', 0, 0, 5, 0, 1, 0, 0, 0, 1, 0, 2,
		1, 't', 0
	};
	uint8_t	a5[sizeof pkt_a + 1];

	assert_parse_fails(srv_long, sizeof srv_long, "rdata length 9");
	assert_parse_fails(srv_short, sizeof srv_short, "rdata length 6");
	assert_parse_fails(cname_over, sizeof cname_over, "rdata length 2");
	memcpy(a5, pkt_a, sizeof pkt_a);
	a5[sizeof pkt_a - 5] = 5;
	a5[sizeof pkt_a] = 6;
	assert_parse_fails(a5, sizeof a5, "type 1 rdata length 5");
}

/* Unknown types, the authority section and records past the cap. */
static void
test_skipped_records(void **state)
{
	static const uint8_t mixed[] = {
		0, 5, 0x81, 0x83, 0, 1, 0, 2, 0, 1, 0, 2,
		1, 'h', 0, 0, 1, 0, 1,
		/* TXT answer */
		0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 5, 0, 3, 2, 'h', 'i',
		/* A answer */
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 1, 2, 3, 4,
		/* NS in authority, even an A there is not kept */
		0, 0, 2, 0, 1, 0, 0, 0, 5, 0, 2, 0xc0, 12,
		/* OPT pseudo-record, then an A */
		0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0,
		0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 5, 6, 7, 8
	};
	struct dns_msg	 m, r;
	struct dns_rr	 rr;
	char		*cause = NULL;
	char		 name[32];
	int		 i;

	if (dns_parse(&m, mixed, sizeof mixed, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(m.rcode, DNS_R_NXDOMAIN);
	assert_int_equal(m.nan, 1);
	assert_int_equal(m.an[0].a, 0x01020304);
	assert_int_equal(m.nar, 1);
	assert_int_equal(m.ar[0].a, 0x05060708);

	dns_query(&m, 1, "many.example", DNS_T_A);
	m.qr = 1;
	for (i = 0; i < DNS_RR_MAX; i++) {
		snprintf(name, sizeof name, "h%d.many.example", i);
		add_a(&rr, name, i);
		assert_int_equal(dns_add_answer(&m, &rr), 0);
	}
	assert_int_equal(dns_add_answer(&m, &rr), -1);
	assert_int_equal(m.nan, DNS_RR_MAX);
	roundtrip(&m, &r);
	assert_int_equal(r.nan, DNS_RR_MAX);
	assert_string_equal(r.an[15].name, "h15.many.example");
	assert_int_equal(r.an[15].a, 15);
}

/* More answers on the wire than DNS_RR_MAX: the rest are skipped. */
static void
test_over_cap(void **state)
{
	struct dbuf	 b;
	struct dns_msg	 m;
	size_t		 i;

	dbuf_init(&b);
	dbuf_add_u16(&b, 3);
	dbuf_add_u16(&b, 0x8180);
	dbuf_add_u16(&b, 0);
	dbuf_add_u16(&b, 20);
	dbuf_add_u16(&b, 0);
	dbuf_add_u16(&b, 0);
	for (i = 0; i < 20; i++) {
		dbuf_add(&b, "\1x\0", 3);
		dbuf_add_u16(&b, DNS_T_A);
		dbuf_add_u16(&b, DNS_C_IN);
		dbuf_add_u32(&b, 1);
		dbuf_add_u16(&b, 4);
		dbuf_add_u32(&b, i);
	}
	assert_int_equal(dns_parse(&m, b.data, b.len, NULL), 0);
	assert_int_equal(m.has_question, 0);
	assert_int_equal(m.nan, DNS_RR_MAX);
	assert_int_equal(m.an[DNS_RR_MAX - 1].a, DNS_RR_MAX - 1);
	dbuf_clear(&b);
}

static void
test_header_flags(void **state)
{
	struct dns_msg	 m, r;

	dns_init(&m);
	m.id = 0xffff;
	m.qr = m.aa = m.tc = m.rd = m.ra = 1;
	m.opcode = 2;
	m.rcode = DNS_R_REFUSED;
	roundtrip(&m, &r);
	assert_int_equal(r.id, 0xffff);
	assert_int_equal(r.qr, 1);
	assert_int_equal(r.aa, 1);
	assert_int_equal(r.tc, 1);
	assert_int_equal(r.rd, 1);
	assert_int_equal(r.ra, 1);
	assert_int_equal(r.opcode, 2);
	assert_int_equal(r.rcode, DNS_R_REFUSED);
	assert_int_equal(r.has_question, 0);
}

/* Text that is not a valid name is made one rather than sent broken. */
static void
test_write_odd_names(void **state)
{
	struct dns_msg	 m, r;
	char		 name[DNS_NAME_MAX + 1];
	size_t		 i;

	dns_query(&m, 1, "a..b.", DNS_T_A);
	roundtrip(&m, &r);
	assert_string_equal(r.qname, "a.b");

	dns_query(&m, 1, "", DNS_T_A);
	roundtrip(&m, &r);
	assert_string_equal(r.qname, "");

	for (i = 0; i < 70; i++)
		name[i] = 'L';
	pf_strlcpy(name + 70, ".example", sizeof name - 70);
	dns_query(&m, 1, name, DNS_T_A);
	roundtrip(&m, &r);
	assert_int_equal(strlen(r.qname), 63 + 8);

	/* 255 characters of labels: cut to fit 255 wire bytes. */
	for (i = 0; i < DNS_NAME_MAX; i++)
		name[i] = i % 10 == 9 ? '.' : 'a';
	name[DNS_NAME_MAX] = '\0';
	dns_query(&m, 1, name, DNS_T_A);
	roundtrip(&m, &r);
	assert_true(strlen(r.qname) <= 253);
	assert_memory_equal(r.qname, name, strlen(r.qname));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_roundtrip),
		cmocka_unit_test(test_srv_answer),
		cmocka_unit_test(test_cname_compression),
		cmocka_unit_test(test_parse_pointer),
		cmocka_unit_test(test_parse_srv_pointer),
		cmocka_unit_test(test_pointer_loops),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_lying_counts),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_rdata),
		cmocka_unit_test(test_skipped_records),
		cmocka_unit_test(test_over_cap),
		cmocka_unit_test(test_header_flags),
		cmocka_unit_test(test_write_odd_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

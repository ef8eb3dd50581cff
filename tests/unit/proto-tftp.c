/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/tftp.c: every opcode written and parsed back, RFC 2347 options, and
 * hostile datagrams that must become one-line errors (spec 10).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/unit.h"

#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

#define REJECT(lit, want)	test_reject(lit, sizeof (lit) - 1, want)

int	main(void);

/* Write p, compare with the expected bytes, parse back into out. */
static void
test_roundtrip(const struct tftp_pkt *p, const void *want, size_t wantlen,
    struct tftp_pkt *out, struct dbuf *b)
{
	char	*cause = NULL;

	dbuf_init(b);
	tftp_write(p, b);
	assert_int_equal(b->len, wantlen);
	assert_memory_equal(b->data, want, wantlen);
	assert_int_equal(tftp_parse(out, b->data, b->len, &cause), 0);
	assert_null(cause);
	assert_int_equal(out->op, p->op);
}

/* A hostile datagram gives -1 and a one-line reason. */
static void
test_reject(const void *buf, size_t len, const char *want)
{
	struct tftp_pkt	 p;
	char		*cause = NULL;

	assert_int_equal(tftp_parse(&p, buf, len, &cause), -1);
	unit_check_cause(cause, want);
}

static void
test_init(void **state)
{
	struct tftp_pkt	p;

	tftp_init(&p);
	assert_int_equal(p.blksize, -1);
	assert_int_equal(p.tsize, -1);
	assert_int_equal(p.timeout, -1);
	assert_int_equal(p.len, 0);
	assert_null(p.data);
}

/* Spec 10: the phone reads in octet mode, no options by default. */
static void
test_rrq(void **state)
{
	static const uint8_t	 want[] = "\0\1SPA525G2.cfg\0octet";
	struct tftp_pkt		 p, out;
	struct dbuf		 b;

	tftp_init(&p);
	p.op = TFTP_RRQ;
	strcpy(p.file, "SPA525G2.cfg");
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_string_equal(out.file, "SPA525G2.cfg");
	assert_string_equal(out.mode, "octet");
	assert_int_equal(out.blksize, -1);
	assert_int_equal(out.tsize, -1);
	assert_int_equal(out.timeout, -1);
	dbuf_clear(&b);
}

static void
test_wrq(void **state)
{
	static const uint8_t	 want[] = "\0\2logs/cp.txt\0netascii";
	struct tftp_pkt		 p, out;
	struct dbuf		 b;

	tftp_init(&p);
	p.op = TFTP_WRQ;
	strcpy(p.file, "logs/cp.txt");
	strcpy(p.mode, "netascii");
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_string_equal(out.file, "logs/cp.txt");
	assert_string_equal(out.mode, "netascii");
	dbuf_clear(&b);
}

/* RFC 2347, 2348, 2349 options in a request. */
static void
test_rrq_options(void **state)
{
	static const uint8_t	 want[] = "\0\1f.xml\0octet\0blksize\0" "1428"
				     "\0tsize\0" "0\0timeout\0" "5";
	struct tftp_pkt		 p, out;
	struct dbuf		 b;

	tftp_init(&p);
	p.op = TFTP_RRQ;
	strcpy(p.file, "f.xml");
	p.blksize = 1428;
	p.tsize = 0;
	p.timeout = 5;
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_int_equal(out.blksize, 1428);
	assert_int_equal(out.tsize, 0);
	assert_int_equal(out.timeout, 5);
	dbuf_clear(&b);
}

/* Option names and the mode in any case; unknown options skipped. */
static void
test_options_case(void **state)
{
	static const uint8_t	 pkt[] = "\0\1f\0OcTeT\0windowsize\0" "16"
				     "\0BLKSIZE\0" "512\0TSize\0" "77";
	struct tftp_pkt		 p;
	char			*cause = NULL;

	assert_int_equal(tftp_parse(&p, pkt, sizeof pkt, &cause), 0);
	assert_string_equal(p.mode, "octet");
	assert_int_equal(p.blksize, 512);
	assert_int_equal(p.tsize, 77);
	assert_int_equal(p.timeout, -1);
}

static void
test_limits(void **state)
{
	struct tftp_pkt	 p;
	uint8_t		 buf[2 + TFTP_NAME_MAX + 1 + 6];
	char		*cause = NULL;
	static const uint8_t	 lo[] = "\0\6blksize\0" "8\0timeout\0" "1";
	static const uint8_t	 hi[] = "\0\6blksize\0" "65464\0timeout\0"
				     "255\0tsize\0" "9223372036854775807";

	memset(buf, 'a', sizeof buf);
	buf[0] = 0;
	buf[1] = TFTP_RRQ;
	buf[2 + TFTP_NAME_MAX] = '\0';
	memcpy(buf + 2 + TFTP_NAME_MAX + 1, "octet", 6);
	assert_int_equal(tftp_parse(&p, buf, sizeof buf, &cause), 0);
	assert_int_equal(strlen(p.file), TFTP_NAME_MAX);

	assert_int_equal(tftp_parse(&p, lo, sizeof lo, &cause), 0);
	assert_int_equal(p.blksize, 8);
	assert_int_equal(p.timeout, 1);
	assert_int_equal(tftp_parse(&p, hi, sizeof hi, &cause), 0);
	assert_int_equal(p.blksize, TFTP_BLKSIZE_MAX);
	assert_int_equal(p.timeout, 255);
	assert_true(p.tsize == 9223372036854775807L);
}

static void
test_data(void **state)
{
	struct tftp_pkt	 p, out;
	struct dbuf	 b;
	uint8_t		 payload[TFTP_BLKSIZE], want[4 + TFTP_BLKSIZE];
	size_t		 i;

	for (i = 0; i < sizeof payload; i++)
		payload[i] = i * 7;
	want[0] = 0;
	want[1] = TFTP_DATA;
	want[2] = 0x12;
	want[3] = 0x34;
	memcpy(want + 4, payload, sizeof payload);

	tftp_init(&p);
	p.op = TFTP_DATA;
	p.block = 0x1234;
	p.data = payload;
	p.len = sizeof payload;
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_int_equal(out.block, 0x1234);
	assert_int_equal(out.len, TFTP_BLKSIZE);
	/* The payload is borrowed from the parsed buffer, not copied. */
	assert_ptr_equal(out.data, b.data + 4);
	assert_memory_equal(out.data, payload, sizeof payload);
	dbuf_clear(&b);

	/* The last block of a file that is a multiple of 512: no data. */
	p.block = 3;
	p.data = NULL;
	p.len = 0;
	test_roundtrip(&p, "\0\3\0\3", 4, &out, &b);
	assert_int_equal(out.block, 3);
	assert_int_equal(out.len, 0);
	dbuf_clear(&b);
}

static void
test_data_max(void **state)
{
	struct tftp_pkt	 p;
	uint8_t		*buf;
	char		*cause = NULL;

	buf = calloc(1, 4 + TFTP_BLKSIZE_MAX + 1);
	buf[1] = TFTP_DATA;
	assert_int_equal(tftp_parse(&p, buf, 4 + TFTP_BLKSIZE_MAX, &cause), 0);
	assert_int_equal(p.len, TFTP_BLKSIZE_MAX);
	test_reject(buf, 4 + TFTP_BLKSIZE_MAX + 1, "bytes of data");
	free(buf);
}

static void
test_ack(void **state)
{
	struct tftp_pkt	p, out;
	struct dbuf	b;

	tftp_init(&p);
	p.op = TFTP_ACK;
	p.block = 65535;
	test_roundtrip(&p, "\0\4\377\377", 4, &out, &b);
	assert_int_equal(out.block, 65535);
	dbuf_clear(&b);

	p.block = 0;
	test_roundtrip(&p, "\0\4\0\0", 4, &out, &b);
	assert_int_equal(out.block, 0);
	dbuf_clear(&b);
}

/* Spec 10: ERROR code 1 is "file not found" (class B). */
static void
test_error(void **state)
{
	static const uint8_t	 want[] = "\0\5\0\1File not found";
	struct tftp_pkt		 p, out;
	struct dbuf		 b;

	tftp_init(&p);
	p.op = TFTP_ERROR;
	p.code = TFTP_ENOTFOUND;
	strcpy(p.msg, "File not found");
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_int_equal(out.code, TFTP_ENOTFOUND);
	assert_string_equal(out.msg, "File not found");
	dbuf_clear(&b);

	p.code = TFTP_EOPTNEG;
	p.msg[0] = '\0';
	test_roundtrip(&p, "\0\5\0\10", 5, &out, &b);
	assert_int_equal(out.code, TFTP_EOPTNEG);
	assert_string_equal(out.msg, "");
	dbuf_clear(&b);
}

/* A message without its NUL is kept; a long one is cut. */
static void
test_error_lenient(void **state)
{
	struct tftp_pkt	 p;
	uint8_t		 buf[4 + 400];
	char		*cause = NULL;

	assert_int_equal(tftp_parse(&p, (const uint8_t *)"\0\5\0\2denied", 10,
	    &cause), 0);
	assert_int_equal(p.code, TFTP_EACCESS);
	assert_string_equal(p.msg, "denied");

	memset(buf, 'x', sizeof buf);
	memcpy(buf, "\0\5\0\0", 4);
	assert_int_equal(tftp_parse(&p, buf, sizeof buf, &cause), 0);
	assert_int_equal(strlen(p.msg), TFTP_MSG_MAX);
}

static void
test_oack(void **state)
{
	static const uint8_t	 want[] = "\0\6blksize\0" "1024\0tsize\0"
				     "123456";
	struct tftp_pkt		 p, out;
	struct dbuf		 b;

	tftp_init(&p);
	p.op = TFTP_OACK;
	p.blksize = 1024;
	p.tsize = 123456;
	test_roundtrip(&p, want, sizeof want, &out, &b);
	assert_int_equal(out.blksize, 1024);
	assert_int_equal(out.tsize, 123456);
	assert_int_equal(out.timeout, -1);
	dbuf_clear(&b);

	/* An OACK that acknowledges nothing known parses, with no values. */
	tftp_init(&p);
	p.op = TFTP_OACK;
	test_roundtrip(&p, "\0\6", 2, &out, &b);
	assert_int_equal(out.blksize, -1);
	dbuf_clear(&b);
}

static void
test_hostile(void **state)
{
	uint8_t	long_name[2 + TFTP_NAME_MAX + 1 + 1 + 6];

	REJECT("", "short packet");
	REJECT("\0", "short packet");
	REJECT("\0\0", "unknown opcode 0");
	REJECT("\0\7xx", "unknown opcode 7");
	REJECT("\377\377", "unknown opcode 65535");

	REJECT("\0\1file", "unterminated file name");
	REJECT("\0\1", "unterminated file name");
	REJECT("\0\1\0octet", "empty file name");
	REJECT("\0\1f\0", "unterminated mode");
	REJECT("\0\1f\0octet", "unterminated mode");
	REJECT("\0\1f\0binary\0", "unknown mode \"binary\"");
	REJECT("\0\2f\0octetoctetoctetoctet\0", "unknown mode");
	REJECT("\0\1f\0\1oct\0", "\\x01oct");

	memset(long_name, 'a', sizeof long_name);
	long_name[0] = 0;
	long_name[1] = TFTP_RRQ;
	long_name[2 + TFTP_NAME_MAX + 1] = '\0';
	memcpy(long_name + 2 + TFTP_NAME_MAX + 2, "octet", 6);
	test_reject(long_name, sizeof long_name, "file name of 256 bytes");

	REJECT("\0\1f\0octet\0blksize", "unterminated option name");
	REJECT("\0\1f\0octet\0blksize\0", "has no value");
	REJECT("\0\1f\0octet\0blksize\0" "512", "has no value");
	REJECT("\0\1f\0octet\0\0" "512\0", "empty option name");
	REJECT("\0\1f\0octet\0blksize\0" "7\0", "not in 8..65464");
	REJECT("\0\1f\0octet\0blksize\0" "65465\0", "\"65465\"");
	REJECT("\0\1f\0octet\0blksize\0\0", "blksize");
	REJECT("\0\1f\0octet\0blksize\0" "1k\0", "\"1k\"");
	REJECT("\0\1f\0octet\0blksize\0" "-8\0", "blksize");
	REJECT("\0\1f\0octet\0blksize\0" " 512\0", "blksize");
	REJECT("\0\1f\0octet\0timeout\0" "0\0", "timeout");
	REJECT("\0\1f\0octet\0timeout\0" "256\0", "timeout");
	REJECT("\0\1f\0octet\0tsize\0" "99999999999999999999\0", "tsize");
	REJECT("\0\1f\0octet\0blksize\0" "512\0BlkSize\0" "512\0",
	    "duplicate option blksize");
	REJECT("\0\6blksize\0" "0\0", "OACK: blksize");
	REJECT("\0\6tsize", "OACK: unterminated option name");

	REJECT("\0\3\0", "DATA: short packet");
	REJECT("\0\4\0", "ACK");
	REJECT("\0\4\0\1\0", "ACK: packet of 5 bytes");
	REJECT("\0\5\0", "ERROR: short packet");
}

/* A long peer value is quoted shortened in the reason. */
static void
test_hostile_quote(void **state)
{
	struct tftp_pkt	 p;
	uint8_t		 buf[600];
	char		*cause = NULL;

	memset(buf, '9', sizeof buf);
	memcpy(buf, "\0\6blksize", 10);
	buf[sizeof buf - 1] = '\0';
	assert_int_equal(tftp_parse(&p, buf, sizeof buf, &cause), -1);
	assert_non_null(strstr(cause, "..."));
	assert_true(strlen(cause) < 200);
	free(cause);
}

static void
test_op_name(void **state)
{
	assert_string_equal(tftp_op_name(TFTP_RRQ), "RRQ");
	assert_string_equal(tftp_op_name(TFTP_WRQ), "WRQ");
	assert_string_equal(tftp_op_name(TFTP_DATA), "DATA");
	assert_string_equal(tftp_op_name(TFTP_ACK), "ACK");
	assert_string_equal(tftp_op_name(TFTP_ERROR), "ERROR");
	assert_string_equal(tftp_op_name(TFTP_OACK), "OACK");
	assert_string_equal(tftp_op_name(0), "unknown");
	assert_string_equal(tftp_op_name(7), "unknown");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_rrq),
		cmocka_unit_test(test_wrq),
		cmocka_unit_test(test_rrq_options),
		cmocka_unit_test(test_options_case),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_data_max),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_error_lenient),
		cmocka_unit_test(test_oack),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_hostile_quote),
		cmocka_unit_test(test_op_name),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/sip.c: the NOTIFY of spec 16.3 and its answers parsed and written
 * (RFC 3261 7, 8.2.6, 20), hostile datagrams refused with one line, and
 * the Digest response of proto/http.c against the RFC examples (B110 uses
 * it on both sides).
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

#define LIT(s)	(const uint8_t *)(s), sizeof (s) - 1

int	main(void);

static const char notify[] =
    "NOTIFY sip:1001@10.0.0.100:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bK776asdhds\r\n"
    "v: SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK0001\r\n"
    "f: \"Ops; team\" <sip:ops@10.0.0.9>;tag=1928301774\r\n"
    "t: <sip:1001@10.0.0.100>\r\n"
    "i: a84b4c76e66710@10.0.0.9\r\n"
    "CSeq: 314159 NOTIFY\r\n"
    "Max-Forwards: 70\r\n"
    "o: resync;reason=ops\r\n"
    "l: 4\r\n"
    "\r\n"
    "bodyEXTRA";

static void
test_parse_notify(void **state)
{
	struct sip_msg	 m;
	char		*cause = NULL, buf[64];

	assert_int_equal(sip_msg_parse(&m, LIT(notify), &cause), 0);
	assert_null(cause);
	assert_true(m.is_request);
	assert_string_equal(m.method, "NOTIFY");
	assert_string_equal(m.uri, "sip:1001@10.0.0.100:5060");
	assert_int_equal(m.nvia, 2);
	assert_string_equal(m.via[1], "SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK0001");
	assert_string_equal(m.call_id, "a84b4c76e66710@10.0.0.9");
	assert_int_equal(m.cseq, 314159);
	assert_string_equal(m.cseq_method, "NOTIFY");
	assert_string_equal(m.event, "resync");
	/* RFC 3261 18.3: bytes past Content-Length are dropped */
	assert_int_equal(m.body_len, 4);
	assert_memory_equal(m.body, "body", 4);
	/* a ';' inside the quoted display name is not a parameter */
	assert_int_equal(sip_msg_param(m.from, "tag", buf, sizeof buf), 0);
	assert_string_equal(buf, "1928301774");
	assert_int_equal(sip_msg_param(m.via[0], "branch", buf, sizeof buf),
	    0);
	assert_string_equal(buf, "z9hG4bK776asdhds");
	assert_int_equal(sip_msg_param(m.to, "tag", NULL, 0), -1);
	assert_int_equal(sip_msg_param(m.from, "tag", buf, 4), -1);
}

/* 8.2.6.2: a 401 carries the request's Via, From, Call-ID, CSeq and a To
 * with a tag; it writes and parses back. */
static void
test_reply_401(void **state)
{
	struct sip_msg	 req, resp, back;
	struct dbuf	 b;
	char		*cause = NULL, buf[64];

	assert_int_equal(sip_msg_parse(&req, LIT(notify), NULL), 0);
	sip_msg_reply(&req, 401, NULL, "abc123", &resp);
	pf_strlcpy(resp.www_authenticate, "Digest realm=\"10.0.0.100\", "
	    "nonce=\"0123\", algorithm=MD5, qop=\"auth\"",
	    sizeof resp.www_authenticate);
	dbuf_init(&b);
	assert_int_equal(sip_msg_write(&resp, NULL, &b), 0);
	assert_non_null(strstr((char *)b.data, "SIP/2.0 401 Unauthorized\r\n"));
	assert_non_null(strstr((char *)b.data, "Content-Length: 0\r\n\r\n"));
	assert_int_equal(sip_msg_parse(&back, b.data, b.len, &cause), 0);
	assert_false(back.is_request);
	assert_int_equal(back.status, 401);
	assert_int_equal(back.nvia, 2);
	assert_string_equal(back.via[0], req.via[0]);
	assert_string_equal(back.from, req.from);
	assert_string_equal(back.call_id, req.call_id);
	assert_int_equal(back.cseq, 314159);
	assert_int_equal(sip_msg_param(back.to, "tag", buf, sizeof buf), 0);
	assert_string_equal(buf, "abc123");
	assert_int_equal(http_auth_param(back.www_authenticate, "nonce", buf,
	    sizeof buf), 0);
	assert_string_equal(buf, "0123");
	dbuf_clear(&b);

	/* a To that has a tag keeps it */
	pf_strlcpy(req.to, "<sip:1001@x>;tag=keep", sizeof req.to);
	sip_msg_reply(&req, 200, NULL, "new", &resp);
	assert_string_equal(resp.to, "<sip:1001@x>;tag=keep");
	assert_string_equal(resp.reason, "OK");
}

static void
test_request_roundtrip(void **state)
{
	struct sip_msg	 m, back;
	struct dbuf	 b;
	static const char *const extra[] = { "Max-Forwards: 70", NULL };

	sip_msg_init(&m);
	m.is_request = 1;
	pf_strlcpy(m.method, "NOTIFY", sizeof m.method);
	pf_strlcpy(m.uri, "sip:10.0.0.100:5060", sizeof m.uri);
	pf_strlcpy(m.via[0], "SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKx",
	    sizeof m.via[0]);
	m.nvia = 1;
	pf_strlcpy(m.from, "<sip:ops@10.0.0.9>;tag=1", sizeof m.from);
	pf_strlcpy(m.to, "<sip:10.0.0.100>", sizeof m.to);
	pf_strlcpy(m.call_id, "c1@10.0.0.9", sizeof m.call_id);
	m.cseq = 2;
	pf_strlcpy(m.cseq_method, "NOTIFY", sizeof m.cseq_method);
	pf_strlcpy(m.event, "reboot_now", sizeof m.event);
	pf_strlcpy(m.authorization, "Digest username=\"1001\"",
	    sizeof m.authorization);
	dbuf_init(&b);
	assert_int_equal(sip_msg_write(&m, extra, &b), 0);
	assert_int_equal(sip_msg_parse(&back, b.data, b.len, NULL), 0);
	assert_true(back.is_request);
	assert_string_equal(back.event, "reboot_now");
	assert_string_equal(back.authorization, "Digest username=\"1001\"");
	assert_int_equal(back.cseq, 2);
	assert_int_equal(back.nother, 1);
	/* a value that would break the framing writes nothing */
	dbuf_reset(&b);
	pf_strlcpy(m.event, "resync\r\nX: y", sizeof m.event);
	assert_int_equal(sip_msg_write(&m, NULL, &b), -1);
	assert_int_equal(b.len, 0);
	dbuf_clear(&b);
}

static void
test_reject(const char *msg, size_t len, const char *want)
{
	struct sip_msg	 m;
	char		*cause = NULL;

	assert_int_equal(sip_msg_parse(&m, (const uint8_t *)msg, len, &cause),
	    -1);
	assert_non_null(cause);
	assert_null(strchr(cause, '\n'));
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", cause, want);
	free(cause);
}
#define REJECT(lit, want)	test_reject(lit, sizeof (lit) - 1, want)
#define HEAD	"NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:x>\r\n" \
		"To: <sip:a@b>\r\n"

static void
test_hostile(void **state)
{
	char		*big;
	size_t		 i;

	REJECT("", "no empty line");
	REJECT("NOTIFY sip:a@b SIP/2.0", "unterminated");
	REJECT("NOTIFY sip:a@b SIP/3.0\r\n\r\n", "not SIP/2.0");
	REJECT("NOTIFY  SIP/2.0\r\n\r\n", "Request-URI");
	REJECT("SIP/2.0 99 x\r\n\r\n", "status");
	REJECT("SIP/2.0 2000 x\r\n\r\n", "status line");
	REJECT(HEAD "Call-ID: c\r\n\r\n", "missing CSeq");
	REJECT(HEAD "CSeq: 1 NOTIFY\r\n\r\n", "missing Call-ID");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n", "CSeq method");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 99999999999 NOTIFY\r\n\r\n", "CSeq");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 2147483648 NOTIFY\r\n\r\n",
	    "too big");
	REJECT(HEAD "Call-ID: c\r\n CSeq: 1 NOTIFY\r\n\r\n", "folded");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 NOTIFY\r\nl: 10\r\n\r\nabc",
	    "Content-Length 10");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 NOTIFY\r\nl: -1\r\n\r\n",
	    "Content-Length");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 NOTIFY\r\nEvent: a\r\nEvent: b\r\n"
	    "\r\n", "Event");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 NOTIFY\r\nX: a\0b\r\n\r\n",
	    "control");
	REJECT(HEAD "Call-ID: c\r\nCSeq: 1 NOTIFY\r\nNo colon\r\n\r\n",
	    "without ':'");
	REJECT(HEAD "Via: 2\r\nVia: 3\r\nVia: 4\r\nVia: 5\r\nCall-ID: c\r\n"
	    "CSeq: 1 NOTIFY\r\n\r\n", "Via fields");
	/* a datagram over the cap, and endless header fields */
	big = malloc(SIP_MSG_MAX + 1);
	assert_non_null(big);
	memset(big, 'a', SIP_MSG_MAX + 1);
	test_reject(big, SIP_MSG_MAX + 1, "over");
	free(big);
	big = malloc(SIP_MSG_MAX);
	assert_non_null(big);
	i = strlen(HEAD);
	memcpy(big, HEAD, i);
	while (i + 6 < SIP_MSG_MAX) {
		memcpy(big + i, "X: y\r\n", 6);
		i += 6;
	}
	test_reject(big, i, "other header fields");
	free(big);
}

/* RFC 2617 3.5 (qop auth), RFC 7616 3.9.1 (MD5 and SHA-256), RFC 2069. */
static void
test_digest_vectors(void **state)
{
	char	out[HTTP_DIGEST_HEX];

	assert_int_equal(http_digest_response(NULL, "Mufasa",
	    "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b",
	    "auth", out), 0);
	assert_string_equal(out, "6629fae49393a05397450978507c4ef1");
	assert_int_equal(http_digest_response("MD5", "Mufasa",
	    "http-auth@example.org", "Circle of Life", "GET",
	    "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
	    "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth",
	    out), 0);
	assert_string_equal(out, "8ca523f5e9506fed4657c9700eebdbec");
	assert_int_equal(http_digest_response("SHA-256", "Mufasa",
	    "http-auth@example.org", "Circle of Life", "GET",
	    "/dir/index.html", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
	    "00000001", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "auth",
	    out), 0);
	assert_string_equal(out,
	    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
	assert_int_equal(http_digest_response(NULL, "Mufasa",
	    "testrealm@host.com", "CircleOfLife", "GET", "/dir/index.html",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093", NULL, NULL, NULL, out), 0);
	assert_string_equal(out, "1949323746fe6a43ef61f9606e7febea");
	assert_int_equal(http_digest_response("SHA-512", "a", "b", "c", "GET",
	    "/", "n", NULL, NULL, NULL, out), -1);
	assert_int_equal(http_digest_response("MD5", "a", "b", "c", "GET",
	    "/", "n", "1", "c", "auth-int", out), -1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_parse_notify),
		cmocka_unit_test(test_reply_401),
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_digest_vectors),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

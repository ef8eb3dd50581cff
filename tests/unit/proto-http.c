/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/http.c: requests and responses fed whole and one byte at a time
 * (same result), every body framing of spec 9.5 (B51, B52), the caps, the
 * writers, reason phrases, Base64 (RFC 4648) and auth challenges (spec 9.4).
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

#define S(lit)	(const uint8_t *)(lit), sizeof (lit) - 1

int	main(void);

/*
 * Feed len bytes in pieces of step (0: all at once), stopping at the first
 * result other than HTTP_MORE.  With eof, tell the parser the peer closed.
 */
static int
test_feed(struct http_msg *m, const uint8_t *data, size_t len, size_t step,
    int eof, char **cause)
{
	size_t	off = 0, n;
	int	rc = HTTP_MORE;

	*cause = NULL;
	if (step == 0)
		step = len;
	while (off < len) {
		n = len - off < step ? len - off : step;
		rc = http_msg_feed(m, data + off, n, cause);
		off += n;
		if (rc != HTTP_MORE)
			break;
	}
	if (rc != HTTP_MORE) {
		/* Whatever follows a complete message stays in m->in. */
		if (rc == HTTP_DONE && off < len)
			assert_int_equal(http_msg_feed(m, data + off, len - off,
			    cause), HTTP_DONE);
		return (rc);
	}
	if (eof)
		rc = http_msg_eof(m, cause);
	return (rc);
}

/* Two parses of one message agree on everything. */
static void
test_same(const struct http_msg *a, const struct http_msg *b)
{
	size_t	i;

	assert_int_equal(a->status, b->status);
	assert_string_equal(a->method, b->method);
	if (a->target != NULL || b->target != NULL)
		assert_string_equal(a->target, b->target);
	assert_int_equal(a->version_minor, b->version_minor);
	assert_string_equal(a->reason, b->reason);
	assert_int_equal(a->nhdr, b->nhdr);
	for (i = 0; i < a->nhdr; i++) {
		assert_string_equal(a->hdr[i].name, b->hdr[i].name);
		assert_string_equal(a->hdr[i].value, b->hdr[i].value);
	}
	assert_int_equal(a->chunked, b->chunked);
	assert_int_equal(a->has_length, b->has_length);
	assert_int_equal(a->close_delimited, b->close_delimited);
	assert_int_equal(a->body.len, b->body.len);
	if (a->body.len != 0)
		assert_memory_equal(a->body.data, b->body.data, a->body.len);
	assert_int_equal(a->in.len, b->in.len);
	if (a->in.len != 0)
		assert_memory_equal(a->in.data, b->in.data, a->in.len);
}

/*
 * Parse data whole and byte by byte; both must give want (and the same
 * message).  m gets the whole-feed parse, to be cleared by the caller.
 */
static void
test_parse(struct http_msg *m, int is_request, const uint8_t *data,
    size_t len, int eof, int want)
{
	struct http_msg	 b;
	char		*cause, *cause_b;
	int		 rc;

	http_msg_init(m, is_request, 0);
	rc = test_feed(m, data, len, 0, eof, &cause);
	if (rc != want)
		fail_msg("whole: got %d want %d (%s)", rc, want,
		    cause != NULL ? cause : "no cause");
	http_msg_init(&b, is_request, 0);
	rc = test_feed(&b, data, len, 1, eof, &cause_b);
	if (rc != want)
		fail_msg("bytewise: got %d want %d (%s)", rc, want,
		    cause_b != NULL ? cause_b : "no cause");
	if (want < 0) {
		assert_non_null(cause);
		assert_non_null(cause_b);
		assert_null(strchr(cause, '\n'));
	} else {
		assert_null(cause);
		test_same(m, &b);
	}
	free(cause);
	free(cause_b);
	http_msg_clear(&b);
}

/* A malformed message: HTTP_ERROR (or want) with a reason naming why. */
static void
test_bad(int is_request, const uint8_t *data, size_t len, int want,
    const char *why)
{
	struct http_msg	 m;
	char		*cause;

	http_msg_init(&m, is_request, 0);
	assert_int_equal(test_feed(&m, data, len, 0, 1, &cause), want);
	unit_check_cause(cause, why);
	http_msg_clear(&m);
}

static void
test_body_is(const struct http_msg *m, const char *want)
{
	assert_int_equal(m->body.len, strlen(want));
	if (m->body.len != 0)
		assert_memory_equal(m->body.data, want, m->body.len);
}

/* Spec 9.5: the phone's GET. */
static void
test_request_get(void **state)
{
	struct http_msg	m;

	test_parse(&m, 1, S("GET /cfg/00562b043615.xml?x=1 HTTP/1.1\r\n"
	    "Host: prov.example.com:8080\r\n"
	    "User-Agent: Cisco-CP-7832-3PCC/11.0.1 (00562b043615)\r\n"
	    "Accept: */*\r\n"
	    "Connection: close\r\n"
	    "\r\n"), 0, HTTP_DONE);
	assert_true(m.head_done);
	assert_true(m.done);
	assert_string_equal(m.method, "GET");
	assert_string_equal(m.target, "/cfg/00562b043615.xml?x=1");
	assert_int_equal(m.version_minor, 1);
	assert_int_equal(m.nhdr, 4);
	assert_string_equal(http_msg_header(&m, "host"),
	    "prov.example.com:8080");
	assert_string_equal(http_msg_header(&m, "USER-AGENT"),
	    "Cisco-CP-7832-3PCC/11.0.1 (00562b043615)");
	assert_null(http_msg_header(&m, "Content-Length"));
	assert_int_equal(m.body.len, 0);
	assert_int_equal(m.in.len, 0);
	http_msg_clear(&m);
}

/* Spec 9.5: POST carries GPP_x with a Content-Length. */
static void
test_request_post(void **state)
{
	struct http_msg	m;

	test_parse(&m, 1, S("POST /report HTTP/1.0\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 25\r\n"
	    "\r\n"
	    "Product = \"CP-7832-3PCC\";"), 0, HTTP_DONE);
	assert_string_equal(m.method, "POST");
	assert_int_equal(m.version_minor, 0);
	assert_true(m.has_length);
	assert_int_equal(m.content_length, 25);
	test_body_is(&m, "Product = \"CP-7832-3PCC\";");
	http_msg_clear(&m);
}

/* RFC 9112 2.2: empty lines before a request line are skipped. */
static void
test_request_leading_crlf(void **state)
{
	struct http_msg	m;

	test_parse(&m, 1, S("\r\n\n\r\nGET / HTTP/1.1\r\n\r\n"), 0,
	    HTTP_DONE);
	assert_string_equal(m.target, "/");
	http_msg_clear(&m);
}

/* Bare LF line ends are accepted, values trimmed. */
static void
test_lf_only(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 200 OK\nContent-Length:3  \n"
	    "X-Empty:\nX-Tab:\t a b \t\n\nabc"), 0, HTTP_DONE);
	assert_int_equal(m.status, 200);
	assert_string_equal(http_msg_header(&m, "x-empty"), "");
	assert_string_equal(http_msg_header(&m, "x-tab"), "a b");
	test_body_is(&m, "abc");
	http_msg_clear(&m);
}

static void
test_response_length(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/xml\r\n"
	    "Content-Length: 21\r\n"
	    "\r\n"
	    "<flat-profile/>\r\n\r\n\r\n"), 0, HTTP_DONE);
	assert_int_equal(m.status, 200);
	assert_string_equal(m.reason, "OK");
	assert_false(m.close_delimited);
	assert_false(m.chunked);
	test_body_is(&m, "<flat-profile/>\r\n\r\n\r\n");
	http_msg_clear(&m);

	/* Empty body: done at the end of the head. */
	test_parse(&m, 0, S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), 0,
	    HTTP_DONE);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);
}

/* Repeated Content-Length values that agree are one length (RFC 9110). */
static void
test_length_repeated(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "content-length: 2, 2\r\n\r\nok"), 0, HTTP_DONE);
	test_body_is(&m, "ok");
	http_msg_clear(&m);
}

static void
test_length_bad(void **state)
{
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length \"abc\"");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 99999999999999999999999\r\n\r\n"),
	    HTTP_ERROR, "bad Content-Length");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Content-Length: 6\r\n\r\n"), HTTP_ERROR, "disagrees with 5");
	test_bad(1, S("POST / HTTP/1.1\r\nContent-Length: 3, 4\r\n\r\n"),
	    HTTP_ERROR, "disagrees with 3");
}

/* B52: HTTP/1.1 chunked is decoded, extensions and trailers skipped. */
static void
test_chunked(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "4;name=value\r\nWiki\r\n"
	    "5 ; quoted=\"a b\"\r\npedia\r\n"
	    "E\r\n in\r\n\r\nchunks.\r\n"
	    "00000\r\n"
	    "Expires: never\r\n"
	    "X-Trailer: 1\r\n"
	    "\r\n"), 0, HTTP_DONE);
	assert_true(m.chunked);
	assert_false(m.close_delimited);
	assert_false(m.has_length);
	test_body_is(&m, "Wikipedia in\r\n\r\nchunks.");
	/* Trailer fields are not header fields. */
	assert_null(http_msg_header(&m, "Expires"));
	http_msg_clear(&m);

	/* Codings listed with chunked last; upper-case hex sizes. */
	test_parse(&m, 0, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: gzip, CHUNKED\r\n"
	    "\r\n"
	    "A\nabcdefghij\n0\n\n"), 0, HTTP_DONE);
	assert_true(m.chunked);
	test_body_is(&m, "abcdefghij");
	http_msg_clear(&m);
}

/* A chunked request from a client that supports it. */
static void
test_chunked_request(void **state)
{
	struct http_msg	m;

	test_parse(&m, 1, S("POST /up HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n0\r\n\r\n"), 0, HTTP_DONE);
	test_body_is(&m, "abc");
	http_msg_clear(&m);

	test_bad(1, S("POST /up HTTP/1.0\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
	    HTTP_ERROR, "HTTP/1.0 request");
	test_bad(1, S("POST /up HTTP/1.1\r\n"
	    "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"),
	    HTTP_ERROR, "both");
	test_bad(1, S("POST /up HTTP/1.1\r\n"
	    "Transfer-Encoding: gzip\r\n\r\n"), HTTP_ERROR, "not chunked");
}

static void
test_chunked_bad(void **state)
{
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "zz\r\n"), HTTP_ERROR, "bad chunk size \"zz\"");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "\r\n"), HTTP_ERROR, "bad chunk size");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "-1\r\n"), HTTP_ERROR, "bad chunk size");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4 x\r\n"), HTTP_ERROR, "bad chunk size");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nabcdX\r\n"), HTTP_ERROR, "no line end after chunk data");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nabcd\rX"), HTTP_ERROR, "no line end after chunk data");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4;a\001b\r\n"), HTTP_ERROR, "\\x01");
	/* A size past 64 bits can only be over the cap. */
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "10000000000000000\r\n"), HTTP_TOOBIG, "limit");
}

/*
 * B52: a chunked HTTP/1.0 response is not de-chunked: the body is read to
 * EOF as is and m->chunked lets the phone classify it.
 */
static void
test_chunked_http10(void **state)
{
	static const char	 raw[] = "4\r\nWiki\r\n0\r\n\r\n";
	struct http_msg		 m;

	test_parse(&m, 0, S("HTTP/1.0 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "4\r\nWiki\r\n0\r\n\r\n"), 1, HTTP_DONE);
	assert_int_equal(m.version_minor, 0);
	assert_true(m.chunked);
	assert_true(m.close_delimited);
	test_body_is(&m, raw);
	http_msg_clear(&m);

	/* Without EOF the message is not over. */
	http_msg_init(&m, 0, 0);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.0 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), NULL), HTTP_MORE);
	assert_true(m.head_done);
	assert_false(m.done);
	assert_int_equal(http_msg_eof(&m, NULL), HTTP_DONE);
	assert_true(m.done);
	http_msg_clear(&m);
}

/* B51: HTTP/1.0 without Content-Length is read to close and applied. */
static void
test_close_delimited(void **state)
{
	struct http_msg	 m;
	char		*cause = NULL;

	test_parse(&m, 0, S("HTTP/1.0 200 OK\r\n"
	    "Content-Type: text/xml\r\n"
	    "\r\n"
	    "<flat-profile>\r\n</flat-profile>\r\n"), 1, HTTP_DONE);
	assert_true(m.close_delimited);
	assert_false(m.has_length);
	test_body_is(&m, "<flat-profile>\r\n</flat-profile>\r\n");
	http_msg_clear(&m);

	/* An HTTP/1.1 server may do the same (RFC 9112 6.3 8.). */
	http_msg_init(&m, 0, 0);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n\r\nab"),
	    &cause), HTTP_MORE);
	assert_int_equal(http_msg_feed(&m, S("cd"), &cause), HTTP_MORE);
	assert_int_equal(http_msg_eof(&m, &cause), HTTP_DONE);
	assert_null(cause);
	test_body_is(&m, "abcd");
	/* A second EOF changes nothing. */
	assert_int_equal(http_msg_eof(&m, &cause), HTTP_DONE);
	http_msg_clear(&m);

	/* Empty close-delimited body. */
	test_parse(&m, 0, S("HTTP/1.0 200 OK\r\n\r\n"), 1, HTTP_DONE);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);
}

/* A request without Content-Length or chunked has no body. */
static void
test_request_no_body(void **state)
{
	struct http_msg	m;

	test_parse(&m, 1, S("GET / HTTP/1.0\r\n\r\n"), 0, HTTP_DONE);
	assert_false(m.close_delimited);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);
}

/* Truncated messages are errors at EOF, with how far they got. */
static void
test_truncated(void **state)
{
	struct http_msg	 m;
	struct dbuf	 b;
	char		*cause = NULL;
	int		 i;

	dbuf_init(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\nContent-Length: 300\r\n\r\n");
	for (i = 0; i < 120; i++)
		dbuf_add_u8(&b, 'x');
	http_msg_init(&m, 0, 0);
	assert_int_equal(http_msg_feed(&m, b.data, b.len, &cause), HTTP_MORE);
	assert_int_equal(http_msg_eof(&m, &cause), HTTP_ERROR);
	assert_string_equal(cause,
	    "connection closed after 120 of 300 body bytes");
	free(cause);
	/* The failure sticks. */
	assert_int_equal(http_msg_feed(&m, S("x"), &cause), HTTP_ERROR);
	free(cause);
	http_msg_clear(&m);
	dbuf_clear(&b);

	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "10\r\nabc"), HTTP_ERROR, "in the chunked body after 3 bytes");
	test_bad(0, S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "3\r\nabc\r\n0\r\nX-T: 1\r\n"), HTTP_ERROR, "chunked trailer");
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-"), HTTP_ERROR,
	    "bytes of the response header");
	test_bad(0, S(""), HTTP_ERROR, "connection closed before the response");
	test_bad(1, S(""), HTTP_ERROR, "connection closed before the request");
}

/* 1xx, 204, 304 and answers to HEAD have no body whatever they say. */
static void
test_no_body(void **state)
{
	struct http_msg	 m;
	char		*cause = NULL;

	test_parse(&m, 0, S("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n"
	    "\r\n"), 0, HTTP_DONE);
	assert_int_equal(m.status, 204);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);

	test_parse(&m, 0, S("HTTP/1.1 304 Not Modified\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), 0, HTTP_DONE);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);

	/* 100 Continue, then the real answer left in m->in. */
	test_parse(&m, 0, S("HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"), 0, HTTP_DONE);
	assert_int_equal(m.status, 100);
	assert_int_equal(m.in.len,
	    strlen("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"));
	http_msg_clear(&m);

	http_msg_init(&m, 0, 0);
	m.head_only = 1;
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 100000000\r\n\r\n"), &cause), HTTP_DONE);
	assert_int_equal(m.content_length, 100000000);
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);
}

/* Bytes after a complete message stay in m->in for the next one. */
static void
test_pipelined(void **state)
{
	struct http_msg	 m, next;
	char		*cause = NULL;

	test_parse(&m, 1, S("POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"
	    "GET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\n"), 0,
	    HTTP_DONE);
	assert_string_equal(m.target, "/a");
	test_body_is(&m, "abc");
	assert_int_equal(m.in.len, strlen("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /c HTTP/1.1\r\n"));

	/* Feeding a finished message only queues more. */
	assert_int_equal(http_msg_feed(&m, S("\r\n"), &cause), HTTP_DONE);
	assert_int_equal(m.in.len, strlen("GET /b HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /c HTTP/1.1\r\n\r\n"));

	http_msg_init(&next, 1, 0);
	assert_int_equal(http_msg_feed(&next, m.in.data, m.in.len, &cause),
	    HTTP_DONE);
	assert_string_equal(next.target, "/b");
	assert_string_equal(http_msg_header(&next, "Host"), "x");
	assert_int_equal(next.in.len, strlen("GET /c HTTP/1.1\r\n\r\n"));
	http_msg_clear(&m);

	http_msg_init(&m, 1, 0);
	assert_int_equal(http_msg_feed(&m, next.in.data, next.in.len, &cause),
	    HTTP_DONE);
	assert_string_equal(m.target, "/c");
	assert_int_equal(m.in.len, 0);
	http_msg_clear(&m);
	http_msg_clear(&next);
}

static void
test_start_line(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 404\r\n\r\n"), 1, HTTP_DONE);
	assert_int_equal(m.status, 404);
	assert_string_equal(m.reason, "");
	http_msg_clear(&m);

	test_parse(&m, 0, S("HTTP/1.1 599 Network \tgone\r\n\r\n"), 1,
	    HTTP_DONE);
	assert_int_equal(m.status, 599);
	assert_string_equal(m.reason, "Network \tgone");
	http_msg_clear(&m);

	/* A later HTTP/1.x is answered as 1.1 (RFC 9110 2.5). */
	test_parse(&m, 1, S("GET * HTTP/1.7\r\n\r\n"), 0, HTTP_DONE);
	assert_int_equal(m.version_minor, 1);
	http_msg_clear(&m);

	/* Long reasons are cut, not refused. */
	test_parse(&m, 0, S("HTTP/1.1 418 I'm a teapot, short and stout, "
	    "here is my handle, here is my spout\r\n\r\n"), 1, HTTP_DONE);
	assert_int_equal(strlen(m.reason), sizeof m.reason - 1);
	http_msg_clear(&m);

	test_bad(0, S("HTTP/2 200 OK\r\n\r\n"), HTTP_ERROR, "bad status line");
	test_bad(0, S("HTTP/1.1 20 OK\r\n\r\n"), HTTP_ERROR, "bad status");
	test_bad(0, S("HTTP/1.1 600 Nope\r\n\r\n"), HTTP_ERROR, "bad status");
	test_bad(0, S("HTTP/1.1 099 Nope\r\n\r\n"), HTTP_ERROR, "bad status");
	test_bad(0, S("HTTP/1.1 2000 OK\r\n\r\n"), HTTP_ERROR, "bad status");
	test_bad(0, S("ICY 200 OK\r\n\r\n"), HTTP_ERROR, "bad status");
	test_bad(0, S("HTTP/1.1 200 O\001K\r\n\r\n"), HTTP_ERROR,
	    "\"HTTP/1.1 200 O\\x01K\"");
	test_bad(1, S("GET  / HTTP/1.1\r\n\r\n"), HTTP_ERROR,
	    "bad request line");
	test_bad(1, S("GET /\r\n\r\n"), HTTP_ERROR, "bad request line");
	test_bad(1, S("GET / HTTP/1.1 x\r\n\r\n"), HTTP_ERROR, "bad request");
	test_bad(1, S("G(T / HTTP/1.1\r\n\r\n"), HTTP_ERROR, "bad request");
	test_bad(1, S("GET /\ta HTTP/1.1\r\n\r\n"), HTTP_ERROR, "bad char");
	test_bad(1, S("VERYLONGMETHODNAME / HTTP/1.1\r\n\r\n"), HTTP_ERROR,
	    "bad request");
	test_bad(1, S("GET / HTTP/1.1\rX\r\n\r\n"), HTTP_ERROR, "\\x0d");
	test_bad(1, S("GET /\0 HTTP/1.1\r\n\r\n"), HTTP_ERROR, "\\x00");
}

static void
test_fields_bad(void **state)
{
	/* RFC 9112 5.2: obs-fold is rejected. */
	test_bad(0, S("HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\n\r\n"),
	    HTTP_ERROR, "obsolete line folding");
	test_bad(0, S("HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\n\r\n"),
	    HTTP_ERROR, "obsolete line folding");
	/* RFC 9112 5.1: no whitespace between name and colon. */
	test_bad(0, S("HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx"),
	    HTTP_ERROR, "bad header field");
	test_bad(0, S("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"), HTTP_ERROR,
	    "bad header field \"no colon\"");
	test_bad(0, S("HTTP/1.1 200 OK\r\n: empty\r\n\r\n"), HTTP_ERROR,
	    "bad header field");
	test_bad(0, S("HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n"), HTTP_ERROR,
	    "bad header field");
	test_bad(0, S("HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n"), HTTP_ERROR,
	    "bad header field");
}

static void
test_too_many_fields(void **state)
{
	struct http_msg	m;
	struct dbuf	b;
	int		i;

	dbuf_init(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < HTTP_HDR_MAX; i++)
		dbuf_printf(&b, "X-%d: %d\r\n", i, i);
	dbuf_add_str(&b, "Content-Length: 0\r\n\r\n");
	test_bad(0, b.data, b.len, HTTP_ERROR, "more than 48 header fields");

	/* Exactly HTTP_HDR_MAX fields is fine. */
	dbuf_reset(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i < HTTP_HDR_MAX - 1; i++)
		dbuf_printf(&b, "X-%d: %d\r\n", i, i);
	dbuf_add_str(&b, "Content-Length: 0\r\n\r\n");
	test_parse(&m, 0, b.data, b.len, 0, HTTP_DONE);
	assert_int_equal(m.nhdr, HTTP_HDR_MAX);
	assert_string_equal(http_msg_header(&m, "x-46"), "46");
	http_msg_clear(&m);
	dbuf_clear(&b);
}

/* The first of repeated fields wins in http_msg_header. */
static void
test_header_first(void **state)
{
	struct http_msg	m;

	test_parse(&m, 0, S("HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Digest realm=\"a\"\r\n"
	    "www-authenticate: Basic realm=\"b\"\r\n\r\n"), 1, HTTP_DONE);
	assert_string_equal(http_msg_header(&m, "WWW-Authenticate"),
	    "Digest realm=\"a\"");
	assert_null(http_msg_header(&m, "WWW-Authenticat"));
	http_msg_clear(&m);
}

/* HTTP_HEAD_MAX bytes of head are fine; one more is too big. */
static void
test_head_cap(void **state)
{
	struct http_msg	 m;
	struct dbuf	 b;
	char		*cause = NULL;
	size_t		 pad;

	dbuf_init(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\nX-Pad: ");
	pad = HTTP_HEAD_MAX - b.len - strlen("\r\nContent-Length: 0\r\n\r\n");
	while (pad-- > 0)
		dbuf_add_u8(&b, 'p');
	dbuf_add_str(&b, "\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(b.len, HTTP_HEAD_MAX);
	test_parse(&m, 0, b.data, b.len, 0, HTTP_DONE);
	http_msg_clear(&m);

	dbuf_reset(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\nX-Pad: ");
	pad = HTTP_HEAD_MAX + 1 - b.len -
	    strlen("\r\nContent-Length: 0\r\n\r\n");
	while (pad-- > 0)
		dbuf_add_u8(&b, 'p');
	dbuf_add_str(&b, "\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(b.len, HTTP_HEAD_MAX + 1);
	test_parse(&m, 0, b.data, b.len, 0, HTTP_TOOBIG);
	http_msg_clear(&m);

	/* A head that never ends stops at the cap, memory bounded. */
	http_msg_init(&m, 1, 0);
	dbuf_reset(&b);
	dbuf_add_str(&b, "GET / HTTP/1.1\r\n");
	assert_int_equal(http_msg_feed(&m, b.data, b.len, &cause), HTTP_MORE);
	memset(b.data, 'h', b.len);
	for (;;) {
		int	rc = http_msg_feed(&m, b.data, b.len, &cause);

		assert_true(m.in.len <= HTTP_HEAD_MAX + b.len);
		if (rc != HTTP_MORE) {
			assert_int_equal(rc, HTTP_TOOBIG);
			break;
		}
	}
	assert_non_null(strstr(cause, "header over 16384 bytes"));
	free(cause);
	http_msg_clear(&m);
	dbuf_clear(&b);
}

/*
 * A chunked body that never ends hits body_max, and memory stays bounded
 * on the way there.
 */
static void
test_body_cap_chunked(void **state)
{
	struct http_msg	 m;
	uint8_t		 chunk[6 + 4096 + 2];
	char		*cause = NULL;
	size_t		 fed = 0;
	int		 rc;

	memcpy(chunk, "1000\r\n", 6);
	memset(chunk + 6, 'z', 4096);
	memcpy(chunk + 6 + 4096, "\r\n", 2);

	http_msg_init(&m, 0, 65536);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), &cause), HTTP_MORE);
	for (;;) {
		rc = http_msg_feed(&m, chunk, sizeof chunk, &cause);
		fed += sizeof chunk;
		assert_true(m.body.len <= 65536);
		assert_true(m.in.cap <= 4 * sizeof chunk);
		if (rc != HTTP_MORE)
			break;
		assert_true(fed < 1024 * 1024);
	}
	assert_int_equal(rc, HTTP_TOOBIG);
	assert_non_null(strstr(cause, "65536-byte limit"));
	free(cause);
	/* The failure sticks, also at EOF. */
	assert_int_equal(http_msg_eof(&m, &cause), HTTP_TOOBIG);
	free(cause);
	http_msg_clear(&m);

	/* Same, one byte per feed through the whole stream. */
	http_msg_init(&m, 0, 8192);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"), &cause), HTTP_MORE);
	for (rc = HTTP_MORE, fed = 0; rc == HTTP_MORE; fed++) {
		rc = http_msg_feed(&m, chunk + fed % sizeof chunk, 1, &cause);
		assert_true(m.in.cap <= 64);
	}
	assert_int_equal(rc, HTTP_TOOBIG);
	free(cause);
	http_msg_clear(&m);
}

/* Other caps: Content-Length, close-delimited, chunk lines, trailers. */
static void
test_body_cap_other(void **state)
{
	struct http_msg	 m;
	uint8_t		 junk[1000];
	char		*cause = NULL;
	int		 rc, i;

	http_msg_init(&m, 0, 100);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 101\r\n\r\n"), &cause), HTTP_TOOBIG);
	assert_string_equal(cause,
	    "Content-Length 101 over the 100-byte limit");
	free(cause);
	http_msg_clear(&m);

	http_msg_init(&m, 0, 100);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Content-Length: 100\r\n\r\n"), &cause), HTTP_MORE);
	memset(junk, 'j', sizeof junk);
	assert_int_equal(http_msg_feed(&m, junk, 100, &cause), HTTP_DONE);
	http_msg_clear(&m);

	http_msg_init(&m, 0, 100);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.0 200 OK\r\n\r\n"),
	    &cause), HTTP_MORE);
	assert_int_equal(http_msg_feed(&m, junk, 100, &cause), HTTP_MORE);
	assert_int_equal(http_msg_feed(&m, junk, 1, &cause), HTTP_TOOBIG);
	free(cause);
	http_msg_clear(&m);

	/* Chunk extensions that never end. */
	http_msg_init(&m, 0, 0);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n1;"), &cause), HTTP_MORE);
	for (i = 0, rc = HTTP_MORE; rc == HTTP_MORE && i < 100; i++) {
		rc = http_msg_feed(&m, junk, sizeof junk, &cause);
		assert_true(m.in.len < 8192);
	}
	assert_int_equal(rc, HTTP_TOOBIG);
	assert_non_null(strstr(cause, "chunk-size line"));
	free(cause);
	http_msg_clear(&m);

	/* Trailer fields that never end. */
	http_msg_init(&m, 0, 0);
	assert_int_equal(http_msg_feed(&m, S("HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n0\r\n"), &cause), HTTP_MORE);
	for (i = 0, rc = HTTP_MORE; rc == HTTP_MORE && i < 10000; i++)
		rc = http_msg_feed(&m, S("X-Trailer: again and again\r\n"),
		    &cause);
	assert_int_equal(rc, HTTP_TOOBIG);
	assert_non_null(strstr(cause, "trailer"));
	free(cause);
	http_msg_clear(&m);
}

/* Spec 9.5: the request the phone sends. */
static void
test_request_write(void **state)
{
	static const char *const hdrs[] = {
		"Host: 10.0.0.5",
		"User-Agent: Cisco-CP-7832-3PCC/11.0.1 (00562b043615)",
		"Accept: */*",
		"Connection: close",
		NULL
	};
	static const char *const post_hdrs[] = {
		"Host: 10.0.0.5",
		"Content-Type: application/x-www-form-urlencoded",
		NULL
	};
	struct http_msg	 m;
	struct dbuf	 b;

	dbuf_init(&b);
	http_request_write(&b, "GET", "/p.xml", hdrs, NULL, 0);
	assert_string_equal((char *)b.data, "GET /p.xml HTTP/1.1\r\n"
	    "Host: 10.0.0.5\r\n"
	    "User-Agent: Cisco-CP-7832-3PCC/11.0.1 (00562b043615)\r\n"
	    "Accept: */*\r\n"
	    "Connection: close\r\n"
	    "\r\n");
	dbuf_reset(&b);

	http_request_write(&b, "POST", "/r", post_hdrs, "a=1", 3);
	assert_string_equal((char *)b.data, "POST /r HTTP/1.1\r\n"
	    "Host: 10.0.0.5\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 3\r\n"
	    "\r\n"
	    "a=1");
	test_parse(&m, 1, b.data, b.len, 0, HTTP_DONE);
	test_body_is(&m, "a=1");
	http_msg_clear(&m);
	dbuf_reset(&b);

	/* An empty POST still says how long it is. */
	http_request_write(&b, "POST", "/r", NULL, "", 0);
	assert_string_equal((char *)b.data,
	    "POST /r HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
	dbuf_clear(&b);
}

static void
test_response_write(void **state)
{
	static const char *const hdrs[] = { "Content-Type: text/xml", NULL };
	static const char *const head[] = { "Content-Length: 1234", NULL };
	struct http_msg	 m;
	struct dbuf	 b;

	dbuf_init(&b);
	http_response_write(&b, 1, 200, NULL, hdrs, "<x/>", 4, 0);
	assert_string_equal((char *)b.data, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: text/xml\r\n"
	    "Content-Length: 4\r\n"
	    "\r\n"
	    "<x/>");
	test_parse(&m, 0, b.data, b.len, 0, HTTP_DONE);
	test_body_is(&m, "<x/>");
	http_msg_clear(&m);
	dbuf_reset(&b);

	/* B52 on HTTP/1.1: chunked framing, decoded by the parser. */
	http_response_write(&b, 1, 200, NULL, NULL, "hello, world", 12, 1);
	assert_string_equal((char *)b.data, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n"
	    "\r\n"
	    "c\r\nhello, world\r\n0\r\n\r\n");
	test_parse(&m, 0, b.data, b.len, 0, HTTP_DONE);
	test_body_is(&m, "hello, world");
	http_msg_clear(&m);
	dbuf_reset(&b);

	/* B52 on HTTP/1.0: the same bytes, left raw to EOF. */
	http_response_write(&b, 0, 200, NULL, NULL, "hello, world", 12, 1);
	test_parse(&m, 0, b.data, b.len, 1, HTTP_DONE);
	assert_true(m.chunked);
	test_body_is(&m, "c\r\nhello, world\r\n0\r\n\r\n");
	http_msg_clear(&m);
	dbuf_reset(&b);

	/* B51: no framing at all, the body ends at close. */
	http_response_write(&b, 0, 200, "Fine", NULL, "abc", 3, -1);
	assert_string_equal((char *)b.data, "HTTP/1.0 200 Fine\r\n\r\nabc");
	test_parse(&m, 0, b.data, b.len, 1, HTTP_DONE);
	assert_true(m.close_delimited);
	test_body_is(&m, "abc");
	http_msg_clear(&m);
	dbuf_reset(&b);

	/* A caller's Content-Length is kept: a HEAD answer. */
	http_response_write(&b, 1, 200, NULL, head, NULL, 0, 0);
	assert_string_equal((char *)b.data,
	    "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
	dbuf_reset(&b);

	/* 204 and 304 carry no framing and no body. */
	http_response_write(&b, 1, 204, NULL, NULL, "zz", 2, 0);
	assert_string_equal((char *)b.data, "HTTP/1.1 204 No Content\r\n\r\n");
	dbuf_reset(&b);
	http_response_write(&b, 1, 404, NULL, NULL, NULL, 0, 0);
	assert_string_equal((char *)b.data,
	    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
	dbuf_clear(&b);
}

/* Spec 9.2: the statuses the phone classifies. */
static void
test_reason(void **state)
{
	assert_string_equal(http_reason(200), "OK");
	assert_string_equal(http_reason(204), "No Content");
	assert_string_equal(http_reason(301), "Moved Permanently");
	assert_string_equal(http_reason(302), "Found");
	assert_string_equal(http_reason(303), "See Other");
	assert_string_equal(http_reason(307), "Temporary Redirect");
	assert_string_equal(http_reason(400), "Bad Request");
	assert_string_equal(http_reason(401), "Unauthorized");
	assert_string_equal(http_reason(403), "Forbidden");
	assert_string_equal(http_reason(404), "Not Found");
	assert_string_equal(http_reason(407),
	    "Proxy Authentication Required");
	assert_string_equal(http_reason(418), "I'm a teapot");
	assert_string_equal(http_reason(500), "Internal Server Error");
	assert_string_equal(http_reason(501), "Not Implemented");
	assert_string_equal(http_reason(502), "Bad Gateway");
	assert_string_equal(http_reason(503), "Service Unavailable");
	assert_string_equal(http_reason(504), "Gateway Timeout");
	assert_string_equal(http_reason(599), "Unknown");
	assert_string_equal(http_reason(0), "Unknown");
	assert_string_equal(http_reason(-1), "Unknown");
}

static void
test_base64_one(const void *in, size_t len, const char *want)
{
	char	*out;

	out = http_base64(in, len);
	assert_string_equal(out, want);
	free(out);
}

/* RFC 4648 section 10, RFC 7617 section 2. */
static void
test_base64(void **state)
{
	test_base64_one("", 0, "");
	test_base64_one("f", 1, "Zg==");
	test_base64_one("fo", 2, "Zm8=");
	test_base64_one("foo", 3, "Zm9v");
	test_base64_one("foob", 4, "Zm9vYg==");
	test_base64_one("fooba", 5, "Zm9vYmE=");
	test_base64_one("foobar", 6, "Zm9vYmFy");
	test_base64_one("Aladdin:open sesame", 19,
	    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	test_base64_one("\xfb\xff", 2, "+/8=");
	test_base64_one("\0\0\0", 3, "AAAA");
	test_base64_one("\xff\xff\xff", 3, "////");
}

static void
test_auth_digest(void **state)
{
	static const char	 ch[] = "Digest realm=\"x\", nonce=\"abc\", "
				     "qop=\"auth\", algorithm=MD5";
	char			 buf[64];

	assert_int_equal(http_auth_param(ch, "scheme", buf, sizeof buf), 0);
	assert_string_equal(buf, "Digest");
	assert_int_equal(http_auth_param(ch, "realm", buf, sizeof buf), 0);
	assert_string_equal(buf, "x");
	assert_int_equal(http_auth_param(ch, "nonce", buf, sizeof buf), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(http_auth_param(ch, "QOP", buf, sizeof buf), 0);
	assert_string_equal(buf, "auth");
	assert_int_equal(http_auth_param(ch, "algorithm", buf, sizeof buf), 0);
	assert_string_equal(buf, "MD5");
	assert_int_equal(http_auth_param(ch, "opaque", buf, sizeof buf), -1);
	assert_int_equal(http_auth_param(ch, "real", buf, sizeof buf), -1);

	/* RFC 7616 3.9.1 example, folded spacing and an escaped quote. */
	assert_int_equal(http_auth_param("Digest\trealm = \"http-auth@"
	    "example.org\" ,qop=\"auth, auth-int\",  algorithm=SHA-256, "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
	    "qop", buf, sizeof buf), 0);
	assert_string_equal(buf, "auth, auth-int");
	assert_int_equal(http_auth_param("Digest realm=\"a\\\"b\\\\c\"",
	    "realm", buf, sizeof buf), 0);
	assert_string_equal(buf, "a\"b\\c");
}

static void
test_auth_basic(void **state)
{
	char	buf[16];

	assert_int_equal(http_auth_param("Basic realm=\"WallyWorld\"",
	    "scheme", buf, sizeof buf), 0);
	assert_string_equal(buf, "Basic");
	assert_int_equal(http_auth_param("Basic realm=\"WallyWorld\"",
	    "realm", buf, sizeof buf), 0);
	assert_string_equal(buf, "WallyWorld");
	assert_int_equal(http_auth_param("basic REALM=\"\", "
	    "charset=\"UTF-8\"", "realm", buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(http_auth_param("Basic realm=\"x\", "
	    "charset=UTF-8", "charset", buf, sizeof buf), 0);
	assert_string_equal(buf, "UTF-8");
}

static void
test_auth_bad(void **state)
{
	char	buf[8];

	/* Only the first challenge is read. */
	assert_int_equal(http_auth_param("Basic realm=\"b\", Digest "
	    "realm=\"d\", nonce=\"n\"", "nonce", buf, sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic realm=\"b\", Digest "
	    "realm=\"d\"", "realm", buf, sizeof buf), 0);
	assert_string_equal(buf, "b");

	/* Too long for buf: exactly size - 1 fits. */
	assert_int_equal(http_auth_param("Basic realm=\"1234567\"", "realm",
	    buf, sizeof buf), 0);
	assert_int_equal(http_auth_param("Basic realm=\"12345678\"", "realm",
	    buf, sizeof buf), -1);
	assert_int_equal(http_auth_param("Negotiate1", "scheme", buf,
	    sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic", "realm", buf, 0), -1);

	assert_int_equal(http_auth_param("", "scheme", buf, sizeof buf), -1);
	assert_int_equal(http_auth_param("  ", "realm", buf, sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic", "realm", buf, sizeof buf),
	    -1);
	assert_int_equal(http_auth_param("Basic realm=\"open", "realm", buf,
	    sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic realm=\"x\\", "realm", buf,
	    sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic realm=", "realm", buf,
	    sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic realm=\"a\" b=\"c\"", "b",
	    buf, sizeof buf), -1);
	assert_int_equal(http_auth_param("\"Basic\" realm=a", "realm", buf,
	    sizeof buf), -1);
	assert_int_equal(http_auth_param("Basic=x realm=a", "realm", buf,
	    sizeof buf), -1);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_request_get),
		cmocka_unit_test(test_request_post),
		cmocka_unit_test(test_request_leading_crlf),
		cmocka_unit_test(test_lf_only),
		cmocka_unit_test(test_response_length),
		cmocka_unit_test(test_length_repeated),
		cmocka_unit_test(test_length_bad),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_chunked_request),
		cmocka_unit_test(test_chunked_bad),
		cmocka_unit_test(test_chunked_http10),
		cmocka_unit_test(test_close_delimited),
		cmocka_unit_test(test_request_no_body),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_no_body),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_start_line),
		cmocka_unit_test(test_fields_bad),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_header_first),
		cmocka_unit_test(test_head_cap),
		cmocka_unit_test(test_body_cap_chunked),
		cmocka_unit_test(test_body_cap_other),
		cmocka_unit_test(test_request_write),
		cmocka_unit_test(test_response_write),
		cmocka_unit_test(test_reason),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_auth_digest),
		cmocka_unit_test(test_auth_basic),
		cmocka_unit_test(test_auth_bad),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

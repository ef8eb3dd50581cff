/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for proto/http.c.  The input is fed as a response and as a
 * request, each time cut in two at two points derived from the first byte,
 * then EOF: the two cuts must agree (the parser is incremental).  The first
 * byte also picks head_only and a small body cap.  Auth challenge parsing
 * and Base64 get the same bytes.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_http_run(struct http_msg *, int, uint8_t, const uint8_t *,
		    size_t, size_t);
static void	fuzz_http_same(const struct http_msg *,
		    const struct http_msg *);
static void	fuzz_http_auth(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_msg	 a, b;
	uint8_t		 k = size > 0 ? data[0] : 0;
	size_t		 cut1, cut2;
	int		 is_request, rc1, rc2;

	cut1 = size * k / 256;
	cut2 = size > 0 ? (size_t)k * 7919 % (size + 1) : 0;
	for (is_request = 0; is_request <= 1; is_request++) {
		rc1 = fuzz_http_run(&a, is_request, k, data, size, cut1);
		rc2 = fuzz_http_run(&b, is_request, k, data, size, cut2);
		if (rc1 != rc2)
			abort();
		if (rc1 == HTTP_DONE)
			fuzz_http_same(&a, &b);
		(void)http_msg_header(&a, "Content-Length");
		(void)http_msg_header(&a, "WWW-Authenticate");
		http_msg_clear(&a);
		http_msg_clear(&b);
	}
	fuzz_http_auth(data, size);
	free(http_base64(data, size));
	return (0);
}

/* Feed data cut at cut, then EOF; the last result. */
static int
fuzz_http_run(struct http_msg *m, int is_request, uint8_t k,
    const uint8_t *data, size_t size, size_t cut)
{
	char	*cause = NULL;
	int	 rc;

	http_msg_init(m, is_request, (k & 2) ? 256 : 0);
	if (!is_request)
		m->head_only = k & 1;
	rc = http_msg_feed(m, data, cut, &cause);
	if (rc == HTTP_MORE)
		rc = http_msg_feed(m, data + cut, size - cut, &cause);
	else if (rc == HTTP_DONE)
		(void)http_msg_feed(m, data + cut, size - cut, &cause);
	if (rc == HTTP_MORE)
		rc = http_msg_eof(m, &cause);
	if (rc < 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
	} else if (cause != NULL || rc != HTTP_DONE || !m->done)
		abort();
	if (m->body.len > m->body_max)
		abort();
	return (rc);
}

static void
fuzz_http_same(const struct http_msg *a, const struct http_msg *b)
{
	size_t	i;

	if (a->status != b->status || a->nhdr != b->nhdr ||
	    a->version_minor != b->version_minor ||
	    a->chunked != b->chunked || a->body.len != b->body.len ||
	    a->in.len != b->in.len || strcmp(a->method, b->method) != 0 ||
	    strcmp(a->reason, b->reason) != 0)
		abort();
	if ((a->target == NULL) != (b->target == NULL) ||
	    (a->target != NULL && strcmp(a->target, b->target) != 0))
		abort();
	for (i = 0; i < a->nhdr; i++) {
		if (strcmp(a->hdr[i].name, b->hdr[i].name) != 0 ||
		    strcmp(a->hdr[i].value, b->hdr[i].value) != 0)
			abort();
	}
	if (a->body.len != 0 &&
	    memcmp(a->body.data, b->body.data, a->body.len) != 0)
		abort();
	if (a->in.len != 0 && memcmp(a->in.data, b->in.data, a->in.len) != 0)
		abort();
}

static void
fuzz_http_auth(const uint8_t *data, size_t size)
{
	static const char	*params[] = {
		"scheme", "realm", "nonce", "qop", "algorithm", "opaque"
	};
	char			*s, buf[32];
	size_t			 i;

	s = xstrndup((const char *)data, size);
	for (i = 0; i < nitems(params); i++) {
		if (http_auth_param(s, params[i], buf, sizeof buf) == 0 &&
		    strlen(buf) >= sizeof buf)
			abort();
		(void)http_auth_param(s, params[i], buf, 1);
	}
	free(s);
}

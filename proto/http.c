/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * HTTP/1.x messages (RFC 9112), requests and responses, parsed
 * incrementally from whatever pieces the transport delivers; plus writers,
 * reason phrases, Base64 and auth challenge parameters (spec 9.2-9.5).
 *
 * Framing follows RFC 9112 6.3 with the phone's view of versions (spec
 * 9.5): chunked is decoded only on HTTP/1.1; an HTTP/1.0 response that
 * carries Transfer-Encoding is read to EOF as is, with m->chunked set so
 * the phone can classify it (B52).  A response with neither Content-Length
 * nor chunked ends at EOF (B51); a request without either has no body.
 * Everything that grows from peer data has a cap: the head HTTP_HEAD_MAX,
 * the body m->body_max, a chunk-size line HTTP_CHUNK_LINE_MAX and the
 * trailer section HTTP_HEAD_MAX; going over one is HTTP_TOOBIG.
 *
 * Not here: connections, keep-alive policy, redirects and authentication
 * decisions (emu/fetch.c and netsim/ep-http.c make them).
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "proto.h"

#define HTTP_CHUNK_LINE_MAX	4096	/* chunk size plus extensions */
#define HTTP_QUOTE_MAX		64	/* peer bytes quoted in a message */
#define HTTP_AGAIN		2	/* internal: state changed, go on */

/* m->state */
enum http_state {
	HTTP_ST_HEAD = 0,
	HTTP_ST_LENGTH,		/* Content-Length body */
	HTTP_ST_CLOSE,		/* body up to EOF */
	HTTP_ST_CHUNK_SIZE,
	HTTP_ST_CHUNK_DATA,	/* m->chunk_left bytes of this chunk to go */
	HTTP_ST_CHUNK_END,	/* CRLF after chunk data */
	HTTP_ST_TRAILER,	/* m->chunk_left counts trailer bytes */
	HTTP_ST_DONE,
	HTTP_ST_ERROR,
	HTTP_ST_TOOBIG
};

static int	 http_fail(struct http_msg *, int, char **, const char *, ...)
		     __attribute__((format(printf, 4, 5)));
static char	*http_quote(const uint8_t *, size_t);
static int	 http_is_tchar(int);
static int	 http_is_vchar(int);
static int	 http_line(const uint8_t *, size_t, size_t, size_t *, size_t *);
static int	 http_run(struct http_msg *, const uint8_t *, size_t, size_t *,
		     char **);
static int	 http_head(struct http_msg *, const uint8_t *, size_t,
		     size_t *, char **);
static int	 http_start_line(struct http_msg *, const uint8_t *, size_t,
		     char **);
static int	 http_version(const uint8_t *, size_t, int *);
static int	 http_field(struct http_msg *, const uint8_t *, size_t,
		     char **);
static int	 http_framing(struct http_msg *, char **);
static int	 http_content_length(struct http_msg *, char **);
static int	 http_chunk_size(struct http_msg *, const uint8_t *, size_t,
		     size_t *, char **);
static int	 http_trailer(struct http_msg *, const uint8_t *, size_t,
		     size_t *, char **);
static int	 http_hdrs_have(const char *const *, const char *);
static void	 http_body_add(struct http_msg *, const uint8_t *, size_t);
static void	 http_digest_hex(const EVP_MD *, char *, ...);

static const struct {
	int		 status;
	const char	*reason;
} http_reasons[] = {
	{ 100, "Continue" },
	{ 101, "Switching Protocols" },
	{ 200, "OK" },
	{ 201, "Created" },
	{ 202, "Accepted" },
	{ 203, "Non-Authoritative Information" },
	{ 204, "No Content" },
	{ 205, "Reset Content" },
	{ 206, "Partial Content" },
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 305, "Use Proxy" },
	{ 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 402, "Payment Required" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" },
	{ 409, "Conflict" },
	{ 410, "Gone" },
	{ 411, "Length Required" },
	{ 412, "Precondition Failed" },
	{ 413, "Content Too Large" },
	{ 414, "URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Range Not Satisfiable" },
	{ 417, "Expectation Failed" },
	{ 418, "I'm a teapot" },
	{ 421, "Misdirected Request" },
	{ 422, "Unprocessable Content" },
	{ 426, "Upgrade Required" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
	{ 505, "HTTP Version Not Supported" },
};

static const char http_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* body_max 0 means HTTP_BODY_MAX. */
void
http_msg_init(struct http_msg *m, int is_request, size_t body_max)
{
	memset(m, 0, sizeof *m);
	m->is_request = is_request;
	m->body_max = body_max != 0 ? body_max : HTTP_BODY_MAX;
	dbuf_init(&m->body);
	dbuf_init(&m->in);
	m->state = HTTP_ST_HEAD;
}

/* Free what m owns; m is left as http_msg_init made it, ready for reuse. */
void
http_msg_clear(struct http_msg *m)
{
	size_t	i;
	int	is_request = m->is_request;
	size_t	body_max = m->body_max;
	void	(*sink)(void *, const uint8_t *, size_t) = m->sink;
	void	*sink_arg = m->sink_arg;

	free(m->target);
	for (i = 0; i < m->nhdr; i++) {
		free(m->hdr[i].name);
		free(m->hdr[i].value);
	}
	dbuf_clear(&m->body);
	dbuf_clear(&m->in);
	http_msg_init(m, is_request, body_max);
	m->sink = sink;
	m->sink_arg = sink_arg;
}

/* Body bytes: to the sink if there is one, else kept. */
static void
http_body_add(struct http_msg *m, const uint8_t *data, size_t n)
{
	m->body_len += n;
	if (m->sink != NULL)
		m->sink(m->sink_arg, data, n);
	else
		dbuf_add(&m->body, data, n);
}

int
http_msg_feed(struct http_msg *m, const uint8_t *data, size_t len,
    char **cause)
{
	const uint8_t	*buf;
	size_t		 blen, off = 0;
	int		 rc;

	switch (m->state) {
	case HTTP_ST_DONE:
		/* The next message's bytes: keep them for the caller. */
		dbuf_add(&m->in, data, len);
		return (HTTP_DONE);
	case HTTP_ST_ERROR:
		return (http_fail(m, HTTP_ERROR, cause,
		    "message already failed"));
	case HTTP_ST_TOOBIG:
		return (http_fail(m, HTTP_TOOBIG, cause,
		    "message already over its limit"));
	}
	if (len == 0)
		return (HTTP_MORE);

	/* Parse straight from data when nothing is pending. */
	if (m->in.len == 0) {
		buf = data;
		blen = len;
	} else {
		dbuf_add(&m->in, data, len);
		buf = m->in.data;
		blen = m->in.len;
	}
	rc = http_run(m, buf, blen, &off, cause);
	if (buf == data) {
		if (off < blen)
			dbuf_add(&m->in, buf + off, blen - off);
	} else
		dbuf_consume(&m->in, off);
	return (rc);
}

int
http_msg_eof(struct http_msg *m, char **cause)
{
	const char	*what = m->is_request ? "request" : "response";

	switch (m->state) {
	case HTTP_ST_DONE:
		return (HTTP_DONE);
	case HTTP_ST_CLOSE:
		m->state = HTTP_ST_DONE;
		m->done = 1;
		return (HTTP_DONE);
	case HTTP_ST_HEAD:
		if (m->in.len == 0)
			return (http_fail(m, HTTP_ERROR, cause,
			    "connection closed before the %s", what));
		return (http_fail(m, HTTP_ERROR, cause,
		    "connection closed after %zu bytes of the %s header",
		    m->in.len, what));
	case HTTP_ST_LENGTH:
		return (http_fail(m, HTTP_ERROR, cause,
		    "connection closed after %zu of %llu body bytes",
		    m->body_len, (unsigned long long)m->content_length));
	case HTTP_ST_CHUNK_SIZE:
	case HTTP_ST_CHUNK_DATA:
	case HTTP_ST_CHUNK_END:
		return (http_fail(m, HTTP_ERROR, cause,
		    "connection closed in the chunked body after %zu bytes",
		    m->body_len));
	case HTTP_ST_TRAILER:
		return (http_fail(m, HTTP_ERROR, cause,
		    "connection closed in the chunked trailer"));
	case HTTP_ST_TOOBIG:
		return (http_fail(m, HTTP_TOOBIG, cause,
		    "message already over its limit"));
	}
	return (http_fail(m, HTTP_ERROR, cause, "message already failed"));
}

/* First header field called name (any case), or NULL. */
/* Is token in the comma-separated list value (any case, RFC 9110 5.6.1)? */
int
http_has_token(const char *value, const char *token)
{
	const char	*p = value;
	size_t		 n, tlen = strlen(token);

	while (*p != '\0') {
		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == tlen && strncasecmp(p, token, n) == 0)
			return (1);
		p += strcspn(p, ",");
	}
	return (0);
}

const char *
http_msg_header(const struct http_msg *m, const char *name)
{
	size_t	i;

	for (i = 0; i < m->nhdr; i++) {
		if (pf_strcasecmp_ascii(m->hdr[i].name, name) == 0)
			return (m->hdr[i].value);
	}
	return (NULL);
}

/*
 * An HTTP/1.1 request.  With a body (body not NULL or len not 0) a
 * Content-Length is added unless hdrs carry their own framing.
 */
void
http_request_write(struct dbuf *b, const char *method, const char *target,
    const char *const *hdrs, const void *body, size_t len)
{
	size_t	i;

	dbuf_printf(b, "%s %s HTTP/1.1\r\n", method, target);
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		dbuf_printf(b, "%s\r\n", hdrs[i]);
	if ((body != NULL || len != 0) &&
	    !http_hdrs_have(hdrs, "Content-Length") &&
	    !http_hdrs_have(hdrs, "Transfer-Encoding"))
		dbuf_printf(b, "Content-Length: %zu\r\n", len);
	dbuf_add_str(b, "\r\n");
	if (len != 0)
		dbuf_add(b, body, len);
}

/*
 * A response; reason NULL means http_reason(status).  chunked > 0 frames
 * the body as one chunk and the last chunk (with Transfer-Encoding:
 * chunked, whatever the version: B52 needs it on HTTP/1.0 too); chunked 0
 * adds Content-Length; chunked < 0 adds no framing, the body ending when
 * the caller closes (B51).  A header the caller passes in hdrs is not
 * added again, so a HEAD answer or a truncation can state the full length.
 * 1xx, 204 and 304 carry neither framing nor body.
 */
void
http_response_write(struct dbuf *b, int version_minor, int status,
    const char *reason, const char *const *hdrs, const void *body,
    size_t len, int chunked)
{
	size_t	i;
	int	bodyless;

	if (reason == NULL)
		reason = http_reason(status);
	dbuf_printf(b, "HTTP/1.%d %03d %s\r\n", version_minor, status, reason);
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		dbuf_printf(b, "%s\r\n", hdrs[i]);
	bodyless = (status >= 100 && status < 200) || status == 204 ||
	    status == 304;
	if (!bodyless) {
		if (chunked > 0 && !http_hdrs_have(hdrs, "Transfer-Encoding"))
			dbuf_add_str(b, "Transfer-Encoding: chunked\r\n");
		else if (chunked == 0 &&
		    !http_hdrs_have(hdrs, "Content-Length"))
			dbuf_printf(b, "Content-Length: %zu\r\n", len);
	}
	dbuf_add_str(b, "\r\n");
	if (bodyless)
		return;
	if (chunked > 0) {
		if (len != 0) {
			dbuf_printf(b, "%zx\r\n", len);
			dbuf_add(b, body, len);
			dbuf_add_str(b, "\r\n");
		}
		dbuf_add_str(b, "0\r\n\r\n");
	} else if (len != 0)
		dbuf_add(b, body, len);
}

const char *
http_reason(int status)
{
	size_t	i;

	for (i = 0; i < nitems(http_reasons); i++) {
		if (http_reasons[i].status == status)
			return (http_reasons[i].reason);
	}
	return ("Unknown");
}

/* RFC 4648 section 4, with padding. */
char *
http_base64(const void *data, size_t len)
{
	const uint8_t	*p = data;
	char		*out, *o;
	uint32_t	 v;
	size_t		 i;

	out = o = xmalloc((len + 2) / 3 * 4 + 1);
	for (i = 0; i + 2 < len; i += 3) {
		v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
		*o++ = http_b64[v >> 18];
		*o++ = http_b64[(v >> 12) & 0x3f];
		*o++ = http_b64[(v >> 6) & 0x3f];
		*o++ = http_b64[v & 0x3f];
	}
	if (len - i == 1) {
		v = p[i] << 16;
		*o++ = http_b64[v >> 18];
		*o++ = http_b64[(v >> 12) & 0x3f];
		*o++ = '=';
		*o++ = '=';
	} else if (len - i == 2) {
		v = (p[i] << 16) | (p[i + 1] << 8);
		*o++ = http_b64[v >> 18];
		*o++ = http_b64[(v >> 12) & 0x3f];
		*o++ = http_b64[(v >> 6) & 0x3f];
		*o++ = '=';
	}
	*o = '\0';
	return (out);
}

/*
 * From the first challenge of a WWW-Authenticate or Proxy-Authenticate
 * value (RFC 9110 11.6.1), copy the named auth-param into buf, unquoted;
 * the name "scheme" gives the auth-scheme.  Names are compared in any case.
 * Returns 0, or -1 if absent, malformed or longer than size - 1.
 */
int
http_auth_param(const char *challenge, const char *param, char *buf,
    size_t size)
{
	const char	*p = challenge, *name, *val;
	size_t		 nlen, vlen, i, n;
	int		 quoted, match;

	if (size == 0)
		return (-1);
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	name = p;
	while (http_is_tchar((unsigned char)*p))
		p++;
	if ((nlen = p - name) == 0)
		return (-1);
	if (pf_strcasecmp_ascii(param, "scheme") == 0) {
		if (nlen >= size)
			return (-1);
		memcpy(buf, name, nlen);
		buf[nlen] = '\0';
		return (0);
	}
	if (*p != '\0' && *p != ' ' && *p != '\t')
		return (-1);

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			return (-1);
		name = p;
		while (http_is_tchar((unsigned char)*p))
			p++;
		if ((nlen = p - name) == 0)
			return (-1);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			return (-1);	/* the next challenge: not found */
		p++;
		while (*p == ' ' || *p == '\t')
			p++;

		if (*p == '"') {
			quoted = 1;
			val = ++p;
			for (; *p != '"'; p++) {
				if (*p == '\0')
					return (-1);
				if (*p == '\\' && *++p == '\0')
					return (-1);
			}
			vlen = p++ - val;
		} else {
			quoted = 0;
			val = p;
			while (http_is_tchar((unsigned char)*p))
				p++;
			if ((vlen = p - val) == 0)
				return (-1);
		}

		match = strlen(param) == nlen &&
		    strncasecmp(param, name, nlen) == 0;
		if (match) {
			for (i = n = 0; i < vlen; i++, n++) {
				if (quoted && val[i] == '\\')
					i++;
				if (n + 1 >= size)
					return (-1);
				buf[n] = val[i];
			}
			buf[n] = '\0';
			return (0);
		}

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != ',' && *p != '\0')
			return (-1);
	}
}

/* The hex digest of the concatenation of the strings, NULL-terminated. */
static void
http_digest_hex(const EVP_MD *md, char *out, ...)
{
	EVP_MD_CTX	*c;
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 n = 0, i;
	const char	*s;
	va_list		 ap;

	out[0] = '\0';
	if ((c = EVP_MD_CTX_new()) == NULL)
		return;
	if (EVP_DigestInit_ex(c, md, NULL) == 1) {
		va_start(ap, out);
		while ((s = va_arg(ap, const char *)) != NULL)
			EVP_DigestUpdate(c, s, strlen(s));
		va_end(ap);
		if (EVP_DigestFinal_ex(c, d, &n) != 1)
			n = 0;
	}
	EVP_MD_CTX_free(c);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	out[2 * n] = '\0';
}

int
http_digest_response(const char *algorithm, const char *user,
    const char *realm, const char *pass, const char *method, const char *uri,
    const char *nonce, const char *nc, const char *cnonce, const char *qop,
    char *out)
{
	const EVP_MD	*md;
	char		 ha1[HTTP_DIGEST_HEX], ha2[HTTP_DIGEST_HEX];

	out[0] = '\0';
	if (algorithm == NULL || pf_strcasecmp_ascii(algorithm, "MD5") == 0)
		md = EVP_md5();
	else if (pf_strcasecmp_ascii(algorithm, "SHA-256") == 0)
		md = EVP_sha256();
	else
		return (-1);
	http_digest_hex(md, ha1, user, ":", realm, ":", pass, (char *)NULL);
	http_digest_hex(md, ha2, method, ":", uri, (char *)NULL);
	if (qop == NULL || *qop == '\0') {
		http_digest_hex(md, out, ha1, ":", nonce, ":", ha2,
		    (char *)NULL);
		return (0);
	}
	if (pf_strcasecmp_ascii(qop, "auth") != 0 || nc == NULL ||
	    cnonce == NULL)
		return (-1);
	http_digest_hex(md, out, ha1, ":", nonce, ":", nc, ":", cnonce, ":",
	    "auth", ":", ha2, (char *)NULL);
	return (0);
}

/*
 * Move to the TOOBIG or ERROR state and fill *cause (when cause is not
 * NULL) with a one-line reason.  Returns rc.
 */
static int
http_fail(struct http_msg *m, int rc, char **cause, const char *fmt, ...)
{
	va_list	ap;
	char	buf[512];

	m->state = rc == HTTP_TOOBIG ? HTTP_ST_TOOBIG : HTTP_ST_ERROR;
	if (cause != NULL) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		*cause = xstrdup(buf);
	}
	return (rc);
}

/* Peer bytes, escaped and shortened, for a message.  Caller frees. */
static char *
http_quote(const uint8_t *s, size_t len)
{
	char	*e, *out;

	if (len <= HTTP_QUOTE_MAX)
		return (pf_escape((const char *)s, len));
	e = pf_escape((const char *)s, HTTP_QUOTE_MAX);
	xasprintf(&out, "%s...", e);
	free(e);
	return (out);
}

/* RFC 9110 5.6.2 */
static int
http_is_tchar(int c)
{
	if (c >= 0x80 || c <= 0x20)
		return (0);
	if (isalnum(c))
		return (1);
	return (strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Field content: VCHAR, obs-text, SP and HTAB. */
static int
http_is_vchar(int c)
{
	return (c == '\t' || (c >= 0x20 && c != 0x7f));
}

/*
 * The line starting at off: its length without CRLF or LF in *llen and the
 * offset past its end in *next.  -1 if no LF yet.
 */
static int
http_line(const uint8_t *buf, size_t len, size_t off, size_t *llen,
    size_t *next)
{
	const uint8_t	*nl;
	size_t		 n;

	if (off >= len || (nl = memchr(buf + off, '\n', len - off)) == NULL)
		return (-1);
	n = nl - (buf + off);
	*next = off + n + 1;
	if (n > 0 && buf[off + n - 1] == '\r')
		n--;
	*llen = n;
	return (0);
}

static int
http_run(struct http_msg *m, const uint8_t *buf, size_t len, size_t *off,
    char **cause)
{
	uint64_t	 want;
	size_t		 n;
	int		 rc;

	for (;;) {
		switch (m->state) {
		case HTTP_ST_HEAD:
			rc = http_head(m, buf, len, off, cause);
			break;
		case HTTP_ST_LENGTH:
			want = m->content_length - m->body_len;
			n = len - *off;
			if (n > want)
				n = want;
			http_body_add(m, buf + *off, n);
			*off += n;
			if (m->body_len < m->content_length)
				return (HTTP_MORE);
			m->state = HTTP_ST_DONE;
			rc = HTTP_AGAIN;
			break;
		case HTTP_ST_CLOSE:
			n = len - *off;
			if (n > m->body_max - m->body_len)
				return (http_fail(m, HTTP_TOOBIG, cause,
				    "body over the %zu-byte limit",
				    m->body_max));
			http_body_add(m, buf + *off, n);
			*off += n;
			return (HTTP_MORE);
		case HTTP_ST_CHUNK_SIZE:
			rc = http_chunk_size(m, buf, len, off, cause);
			break;
		case HTTP_ST_CHUNK_DATA:
			n = len - *off;
			if (n > m->chunk_left)
				n = m->chunk_left;
			http_body_add(m, buf + *off, n);
			*off += n;
			m->chunk_left -= n;
			if (m->chunk_left != 0)
				return (HTTP_MORE);
			m->state = HTTP_ST_CHUNK_END;
			rc = HTTP_AGAIN;
			break;
		case HTTP_ST_CHUNK_END:
			if (*off == len)
				return (HTTP_MORE);
			if (buf[*off] == '\r') {
				if (*off + 1 == len)
					return (HTTP_MORE);
				if (buf[*off + 1] == '\n')
					(*off)++;
			}
			if (buf[*off] != '\n')
				return (http_fail(m, HTTP_ERROR, cause,
				    "no line end after chunk data"));
			(*off)++;
			m->state = HTTP_ST_CHUNK_SIZE;
			rc = HTTP_AGAIN;
			break;
		case HTTP_ST_TRAILER:
			rc = http_trailer(m, buf, len, off, cause);
			break;
		case HTTP_ST_DONE:
			m->done = 1;
			return (HTTP_DONE);
		case HTTP_ST_TOOBIG:
			return (HTTP_TOOBIG);
		default:
			return (HTTP_ERROR);
		}
		if (rc != HTTP_AGAIN)
			return (rc);
	}
}

/* Wait for the whole head, then parse it and choose the body framing. */
static int
http_head(struct http_msg *m, const uint8_t *buf, size_t len, size_t *off,
    char **cause)
{
	size_t	start, pos, llen, next;
	int	rc;

	/* RFC 9112 2.2: empty lines before the start line are ignored. */
	while (*off < len) {
		if (buf[*off] == '\n')
			(*off)++;
		else if (buf[*off] == '\r' && *off + 1 < len &&
		    buf[*off + 1] == '\n')
			*off += 2;
		else
			break;
	}
	if (*off == len || (buf[*off] == '\r' && *off + 1 == len))
		return (HTTP_MORE);

	start = pos = *off;
	for (;;) {
		if (http_line(buf, len, pos, &llen, &next) != 0) {
			if (len - start > HTTP_HEAD_MAX)
				return (http_fail(m, HTTP_TOOBIG, cause,
				    "header over %d bytes", HTTP_HEAD_MAX));
			return (HTTP_MORE);
		}
		if (next - start > HTTP_HEAD_MAX)
			return (http_fail(m, HTTP_TOOBIG, cause,
			    "header over %d bytes", HTTP_HEAD_MAX));
		if (llen == 0)
			break;
		pos = next;
	}

	/* Now one line at a time: start line, then fields. */
	pos = start;
	http_line(buf, len, pos, &llen, &next);
	if ((rc = http_start_line(m, buf + pos, llen, cause)) != 0)
		return (rc);
	for (pos = next;; pos = next) {
		http_line(buf, len, pos, &llen, &next);
		if (llen == 0)
			break;
		if ((rc = http_field(m, buf + pos, llen, cause)) != 0)
			return (rc);
	}
	*off = next;
	m->head_done = 1;
	return (http_framing(m, cause));
}

static int
http_start_line(struct http_msg *m, const uint8_t *s, size_t len,
    char **cause)
{
	const uint8_t	*line = s, *sp;
	size_t		 linelen = len, i, n;
	char		*q;
	int		 rc;

	for (i = 0; i < len; i++) {
		if (!http_is_vchar(s[i]) || (m->is_request && s[i] == '\t')) {
			q = http_quote(s, len);
			rc = http_fail(m, HTTP_ERROR, cause,
			    "bad character in start line \"%s\"", q);
			free(q);
			return (rc);
		}
	}

	if (m->is_request) {
		/* method SP request-target SP HTTP-version */
		n = 0;
		while (n < len && http_is_tchar(s[n]))
			n++;
		if (n == 0 || n >= sizeof m->method || n == len || s[n] != ' ')
			goto bad;
		memcpy(m->method, s, n);
		m->method[n] = '\0';
		s += n + 1;
		len -= n + 1;
		if ((sp = memchr(s, ' ', len)) == NULL || sp == s)
			goto bad;
		n = sp - s;
		if (http_version(sp + 1, len - n - 1, &m->version_minor) != 0)
			goto bad;
		m->target = xstrndup((const char *)s, n);
		return (0);
	}

	/* HTTP-version SP status-code SP [ reason-phrase ] */
	if (len < 12 || http_version(s, 8, &m->version_minor) != 0 ||
	    s[8] != ' ')
		goto bad;
	if (!isdigit(s[9]) || !isdigit(s[10]) || !isdigit(s[11]))
		goto bad;
	m->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	if (m->status < 100 || m->status > 599)
		goto bad;
	if (len > 12) {
		/* Tolerate a missing reason, not other junk. */
		if (s[12] != ' ')
			goto bad;
		n = len - 13;
		if (n >= sizeof m->reason)
			n = sizeof m->reason - 1;
		memcpy(m->reason, s + 13, n);
		m->reason[n] = '\0';
	}
	return (0);

bad:
	q = http_quote(line, linelen);
	rc = http_fail(m, HTTP_ERROR, cause, "bad %s line \"%s\"",
	    m->is_request ? "request" : "status", q);
	free(q);
	return (rc);
}

/* "HTTP/1.x"; a minor version above 1 is taken as 1 (RFC 9110 2.5). */
static int
http_version(const uint8_t *s, size_t len, int *minor)
{
	if (len != 8 || memcmp(s, "HTTP/1.", 7) != 0 || !isdigit(s[7]))
		return (-1);
	*minor = s[7] == '0' ? 0 : 1;
	return (0);
}

/* name ":" OWS value OWS (RFC 9112 5) */
static int
http_field(struct http_msg *m, const uint8_t *s, size_t len, char **cause)
{
	const uint8_t	*colon, *v;
	char		*q;
	size_t		 n, vlen, i;
	int		 rc;

	/* RFC 9112 5.2: obs-fold is rejected. */
	if (s[0] == ' ' || s[0] == '\t')
		return (http_fail(m, HTTP_ERROR, cause,
		    "obsolete line folding in the header"));
	if ((colon = memchr(s, ':', len)) == NULL)
		goto bad;
	n = colon - s;
	for (i = 0; i < n; i++) {
		if (!http_is_tchar(s[i]))
			goto bad;	/* RFC 9112 5.1: no space before ':' */
	}
	if (n == 0)
		goto bad;
	v = colon + 1;
	vlen = len - n - 1;
	while (vlen > 0 && (v[0] == ' ' || v[0] == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < vlen; i++) {
		if (!http_is_vchar(v[i]))
			goto bad;
	}
	if (m->nhdr == HTTP_HDR_MAX)
		return (http_fail(m, HTTP_ERROR, cause,
		    "more than %d header fields", HTTP_HDR_MAX));
	m->hdr[m->nhdr].name = xstrndup((const char *)s, n);
	m->hdr[m->nhdr].value = xstrndup((const char *)v, vlen);
	m->nhdr++;
	return (0);

bad:
	q = http_quote(s, len);
	rc = http_fail(m, HTTP_ERROR, cause, "bad header field \"%s\"", q);
	free(q);
	return (rc);
}

/* RFC 9112 6.3, with the phone's reading of versions (spec 9.5). */
static int
http_framing(struct http_msg *m, char **cause)
{
	const char	*v, *p, *e, *last;
	size_t		 i, n;
	int		 te = 0, chunked_last = 0;

	if (http_content_length(m, cause) != 0)
		return (HTTP_ERROR);

	/* The final transfer coding decides; empty list elements skipped. */
	for (i = 0; i < m->nhdr; i++) {
		if (pf_strcasecmp_ascii(m->hdr[i].name,
		    "Transfer-Encoding") != 0)
			continue;
		te = 1;
		v = m->hdr[i].value;
		for (p = v; *p != '\0'; p = e) {
			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			if (*p == '\0')
				break;
			e = p + strcspn(p, ",");
			last = e;
			while (last > p && (last[-1] == ' ' ||
			    last[-1] == '\t'))
				last--;
			n = last - p;
			chunked_last =
			    n == 7 && strncasecmp(p, "chunked", 7) == 0;
		}
	}

	if (!m->is_request && (m->head_only || m->status < 200 ||
	    m->status == 204 || m->status == 304)) {
		/* No body whatever the fields say (RFC 9112 6.3 1.). */
		m->has_length = 0;
		m->chunked = te && chunked_last;
		m->state = HTTP_ST_DONE;
		return (HTTP_AGAIN);
	}

	if (te) {
		m->has_length = 0;
		m->chunked = chunked_last;
		if (m->is_request) {
			/* RFC 9112 6.1 and 6.3 3., 4.: no safe framing. */
			if (m->version_minor == 0)
				return (http_fail(m, HTTP_ERROR, cause,
				    "Transfer-Encoding on HTTP/1.0 request"));
			if (!chunked_last)
				return (http_fail(m, HTTP_ERROR, cause,
				    "request body not chunked last"));
			if (http_msg_header(m, "Content-Length") != NULL)
				return (http_fail(m, HTTP_ERROR, cause,
				    "both Transfer-Encoding and "
				    "Content-Length"));
		}
		if (m->version_minor == 0 || !chunked_last) {
			/*
			 * Chunked only with HTTP/1.1 (spec 9.5, B52); other
			 * codings leave the body to the close.
			 */
			m->close_delimited = 1;
			m->state = HTTP_ST_CLOSE;
			return (HTTP_AGAIN);
		}
		m->state = HTTP_ST_CHUNK_SIZE;
		return (HTTP_AGAIN);
	}

	if (m->has_length) {
		if (m->content_length > m->body_max)
			return (http_fail(m, HTTP_TOOBIG, cause,
			    "Content-Length %llu over the %zu-byte limit",
			    (unsigned long long)m->content_length,
			    m->body_max));
		m->state =
		    m->content_length == 0 ? HTTP_ST_DONE : HTTP_ST_LENGTH;
		return (HTTP_AGAIN);
	}
	if (m->is_request) {
		m->state = HTTP_ST_DONE;
		return (HTTP_AGAIN);
	}
	/* B51: the body ends when the server closes. */
	m->close_delimited = 1;
	m->state = HTTP_ST_CLOSE;
	return (HTTP_AGAIN);
}

/*
 * Content-Length fields: each a list of decimal lengths that must all agree
 * (RFC 9110 8.6).  Sets has_length and content_length.
 */
static int
http_content_length(struct http_msg *m, char **cause)
{
	const char	*v, *p;
	char		*q;
	uint64_t	 n;
	size_t		 i, digits;
	int		 rc;

	for (i = 0; i < m->nhdr; i++) {
		if (pf_strcasecmp_ascii(m->hdr[i].name, "Content-Length") != 0)
			continue;
		v = p = m->hdr[i].value;
		do {
			while (*p == ' ' || *p == '\t')
				p++;
			n = 0;
			for (digits = 0; isdigit((unsigned char)*p); p++) {
				if (n > (UINT64_MAX - 9) / 10)
					goto bad;
				n = n * 10 + (*p - '0');
				digits++;
			}
			if (digits == 0)
				goto bad;
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != ',' && *p != '\0')
				goto bad;
			if (m->has_length && n != m->content_length) {
				q = http_quote((const uint8_t *)v, strlen(v));
				rc = http_fail(m, HTTP_ERROR, cause,
				    "Content-Length \"%s\" disagrees with %llu",
				    q, (unsigned long long)m->content_length);
				free(q);
				return (rc);
			}
			m->has_length = 1;
			m->content_length = n;
		} while (*p++ == ',');
	}
	return (0);

bad:
	q = http_quote((const uint8_t *)v, strlen(v));
	rc = http_fail(m, HTTP_ERROR, cause, "bad Content-Length \"%s\"", q);
	free(q);
	return (rc);
}

/* chunk-size [ chunk-ext ] CRLF (RFC 9112 7.1) */
static int
http_chunk_size(struct http_msg *m, const uint8_t *buf, size_t len,
    size_t *off, char **cause)
{
	const uint8_t	*s = buf + *off;
	char		*q;
	uint64_t	 size = 0;
	size_t		 llen, next, i;
	int		 rc, x;

	if (http_line(buf, len, *off, &llen, &next) != 0) {
		if (len - *off > HTTP_CHUNK_LINE_MAX)
			return (http_fail(m, HTTP_TOOBIG, cause,
			    "chunk-size line over %d bytes",
			    HTTP_CHUNK_LINE_MAX));
		return (HTTP_MORE);
	}
	if (next - *off > HTTP_CHUNK_LINE_MAX)
		return (http_fail(m, HTTP_TOOBIG, cause,
		    "chunk-size line over %d bytes", HTTP_CHUNK_LINE_MAX));

	for (i = 0; i < llen && isxdigit(s[i]); i++) {
		x = isdigit(s[i]) ? s[i] - '0' : (tolower(s[i]) - 'a' + 10);
		if (size > (UINT64_MAX >> 4))
			goto toobig;
		size = (size << 4) | x;
	}
	if (i == 0)
		goto bad;
	while (i < llen && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < llen && s[i] != ';')
		goto bad;
	/* Extensions are not used: only check they are text. */
	for (; i < llen; i++) {
		if (!http_is_vchar(s[i]))
			goto bad;
	}
	*off = next;

	if (size == 0) {
		m->chunk_left = 0;
		m->state = HTTP_ST_TRAILER;
		return (HTTP_AGAIN);
	}
	if (size > m->body_max - m->body_len)
		goto toobig;
	m->chunk_left = size;
	m->state = HTTP_ST_CHUNK_DATA;
	return (HTTP_AGAIN);

toobig:
	return (http_fail(m, HTTP_TOOBIG, cause,
	    "chunked body over the %zu-byte limit", m->body_max));
bad:
	q = http_quote(s, llen);
	rc = http_fail(m, HTTP_ERROR, cause, "bad chunk size \"%s\"", q);
	free(q);
	return (rc);
}

/* Trailer fields are read and dropped, up to an empty line. */
static int
http_trailer(struct http_msg *m, const uint8_t *buf, size_t len,
    size_t *off, char **cause)
{
	size_t	llen, next;

	for (;;) {
		if (http_line(buf, len, *off, &llen, &next) != 0) {
			if (m->chunk_left + (len - *off) > HTTP_HEAD_MAX)
				return (http_fail(m, HTTP_TOOBIG, cause,
				    "chunked trailer over %d bytes",
				    HTTP_HEAD_MAX));
			return (HTTP_MORE);
		}
		m->chunk_left += next - *off;
		if (m->chunk_left > HTTP_HEAD_MAX)
			return (http_fail(m, HTTP_TOOBIG, cause,
			    "chunked trailer over %d bytes", HTTP_HEAD_MAX));
		*off = next;
		if (llen == 0) {
			m->state = HTTP_ST_DONE;
			return (HTTP_AGAIN);
		}
	}
}

/* Is a "Name: value" line for name among hdrs? */
static int
http_hdrs_have(const char *const *hdrs, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++) {
		if (strncasecmp(hdrs[i], name, n) == 0 && hdrs[i][n] == ':')
			return (1);
	}
	return (0);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * SIP messages (RFC 3261 7, 20) as one datagram each: a bounded parser and
 * a writer for what the remote triggers of spec 16.3 need (NOTIFY, its
 * 401 challenge and final answers).  Kept: the start line, Via (each
 * field, in order), From, To, Call-ID, CSeq, Event (RFC 6665 7.2.1: the
 * event type, parameters dropped), Authorization, WWW-Authenticate and
 * Content-Length; the body follows the head.  Compact names (v f t i l o)
 * are read.  Not here: folded header lines (refused), multipart bodies,
 * other headers (skipped), any transaction logic.  No phone knowledge.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

static int	sip_msg_fail(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	sip_msg_start(struct sip_msg *, const char *, size_t,
		    char **);
static int	sip_msg_field(struct sip_msg *, const char *, size_t,
		    char **);
static int	sip_msg_copy(char *, size_t, const char *, size_t);
static int	sip_msg_token(const char *, size_t);
static int	sip_msg_value_ok(const char *);

/* Header names, long and compact (RFC 3261 7.3.3). */
enum sip_msg_hdr {
	SIP_H_VIA,
	SIP_H_FROM,
	SIP_H_TO,
	SIP_H_CALL_ID,
	SIP_H_CSEQ,
	SIP_H_EVENT,
	SIP_H_AUTHORIZATION,
	SIP_H_WWW_AUTHENTICATE,
	SIP_H_CONTENT_LENGTH,
	SIP_H_OTHER
};
static const struct {
	const char		*name;
	char			 compact;
	enum sip_msg_hdr	 h;
} sip_msg_hdrs[] = {
	{ "Authorization", 0, SIP_H_AUTHORIZATION },
	{ "Call-ID", 'i', SIP_H_CALL_ID },
	{ "Content-Length", 'l', SIP_H_CONTENT_LENGTH },
	{ "CSeq", 0, SIP_H_CSEQ },
	{ "Event", 'o', SIP_H_EVENT },
	{ "From", 'f', SIP_H_FROM },
	{ "To", 't', SIP_H_TO },
	{ "Via", 'v', SIP_H_VIA },
	{ "WWW-Authenticate", 0, SIP_H_WWW_AUTHENTICATE },
};

void
sip_msg_init(struct sip_msg *m)
{
	memset(m, 0, sizeof *m);
}

/*
 * Parse one datagram.  Returns 0, or -1 with *cause (allocated, when
 * cause is not NULL).  m->body points into buf.
 */
int
sip_msg_parse(struct sip_msg *m, const uint8_t *buf, size_t len,
    char **cause)
{
	const char	*s = (const char *)buf, *nl;
	size_t		 off = 0, llen, left;
	int		 first = 1;

	sip_msg_init(m);
	if (len > SIP_MSG_MAX)
		return (sip_msg_fail(cause, "message of %zu bytes (over %d)",
		    len, SIP_MSG_MAX));
	for (;;) {
		if (off >= len)
			return (sip_msg_fail(cause, "no empty line after the "
			    "header"));
		nl = memchr(s + off, '\n', len - off);
		if (nl == NULL)
			return (sip_msg_fail(cause, "unterminated line"));
		llen = nl - (s + off);
		if (llen > 0 && s[off + llen - 1] == '\r')
			llen--;
		if (first) {
			if (sip_msg_start(m, s + off, llen, cause) != 0)
				return (-1);
			first = 0;
		} else if (llen == 0) {
			off = nl - s + 1;
			break;
		} else if (sip_msg_field(m, s + off, llen, cause) != 0)
			return (-1);
		off = nl - s + 1;
	}
	left = len - off;
	if (m->has_length) {
		if (m->content_length > left)
			return (sip_msg_fail(cause, "Content-Length %u but %zu "
			    "bytes follow", m->content_length, left));
		left = m->content_length;	/* RFC 3261 18.3: extra
						   bytes are discarded */
	}
	m->body = left != 0 ? buf + off : NULL;
	m->body_len = left;
	if (m->call_id[0] == '\0' || m->cseq_method[0] == '\0' ||
	    m->nvia == 0 || m->from[0] == '\0' || m->to[0] == '\0')
		return (sip_msg_fail(cause, "missing %s",
		    m->nvia == 0 ? "Via" : m->from[0] == '\0' ? "From" :
		    m->to[0] == '\0' ? "To" : m->call_id[0] == '\0' ?
		    "Call-ID" : "CSeq"));
	if (m->is_request && strcmp(m->cseq_method, m->method) != 0)
		return (sip_msg_fail(cause, "CSeq method \"%s\" is not the "
		    "request's", m->cseq_method));
	return (0);
}

/* RFC 3261 7.1, 7.2: Request-Line or Status-Line. */
static int
sip_msg_start(struct sip_msg *m, const char *s, size_t len, char **cause)
{
	const char	*sp1, *sp2, *end = s + len;
	unsigned	 status;

	if (len >= 8 && memcmp(s, "SIP/2.0 ", 8) == 0) {
		if (len < 12 || !isdigit((unsigned char)s[8]) ||
		    !isdigit((unsigned char)s[9]) ||
		    !isdigit((unsigned char)s[10]) ||
		    (len > 11 && s[11] != ' '))
			return (sip_msg_fail(cause, "bad status line"));
		status = (s[8] - '0') * 100 + (s[9] - '0') * 10 + (s[10] - '0');
		if (status < 100 || status > 699)
			return (sip_msg_fail(cause, "status %u", status));
		m->is_request = 0;
		m->status = status;
		if (sip_msg_copy(m->reason, sizeof m->reason, s + 12,
		    len - 12) != 0)
			return (sip_msg_fail(cause, "bad reason phrase"));
		return (0);
	}
	sp1 = memchr(s, ' ', len);
	if (sp1 == NULL || (sp2 = memchr(sp1 + 1, ' ', end - sp1 - 1)) == NULL)
		return (sip_msg_fail(cause, "bad request line"));
	if (end - sp2 - 1 != 7 || memcmp(sp2 + 1, "SIP/2.0", 7) != 0)
		return (sip_msg_fail(cause, "not SIP/2.0"));
	if (!sip_msg_token(s, sp1 - s) ||
	    sip_msg_copy(m->method, sizeof m->method, s, sp1 - s) != 0)
		return (sip_msg_fail(cause, "bad method"));
	if (sp2 == sp1 + 1 || memchr(sp1 + 1, '\t', sp2 - sp1 - 1) != NULL ||
	    sip_msg_copy(m->uri, sizeof m->uri, sp1 + 1, sp2 - sp1 - 1) != 0)
		return (sip_msg_fail(cause, "bad Request-URI"));
	m->is_request = 1;
	return (0);
}

/* One "Name: value" line (RFC 3261 7.3.1). */
static int
sip_msg_field(struct sip_msg *m, const char *s, size_t len, char **cause)
{
	const char	*colon, *v, *end = s + len;
	enum sip_msg_hdr h = SIP_H_OTHER;
	size_t		 nlen, vlen, i;
	char		 tmp[16], *ep;
	unsigned long	 n;

	if (*s == ' ' || *s == '\t')
		return (sip_msg_fail(cause, "folded header line"));
	if ((colon = memchr(s, ':', len)) == NULL)
		return (sip_msg_fail(cause, "header line without ':'"));
	nlen = colon - s;
	while (nlen > 0 && (s[nlen - 1] == ' ' || s[nlen - 1] == '\t'))
		nlen--;
	if (!sip_msg_token(s, nlen))
		return (sip_msg_fail(cause, "bad header name"));
	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	vlen = end - v;
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	for (i = 0; i < nitems(sip_msg_hdrs); i++) {
		if ((strlen(sip_msg_hdrs[i].name) == nlen &&
		    strncasecmp(sip_msg_hdrs[i].name, s, nlen) == 0) ||
		    (nlen == 1 && sip_msg_hdrs[i].compact != 0 &&
		    tolower((unsigned char)*s) == sip_msg_hdrs[i].compact)) {
			h = sip_msg_hdrs[i].h;
			break;
		}
	}
	switch (h) {
	case SIP_H_VIA:
		if (m->nvia == SIP_VIA_MAX)
			return (sip_msg_fail(cause, "more than %d Via fields",
			    SIP_VIA_MAX));
		if (sip_msg_copy(m->via[m->nvia], sizeof m->via[0], v,
		    vlen) != 0 || vlen == 0)
			return (sip_msg_fail(cause, "bad Via"));
		m->nvia++;
		return (0);
	case SIP_H_FROM:
		if (m->from[0] != '\0' || vlen == 0 ||
		    sip_msg_copy(m->from, sizeof m->from, v, vlen) != 0)
			return (sip_msg_fail(cause, "bad From"));
		return (0);
	case SIP_H_TO:
		if (m->to[0] != '\0' || vlen == 0 ||
		    sip_msg_copy(m->to, sizeof m->to, v, vlen) != 0)
			return (sip_msg_fail(cause, "bad To"));
		return (0);
	case SIP_H_CALL_ID:
		if (m->call_id[0] != '\0' || vlen == 0 ||
		    memchr(v, ' ', vlen) != NULL ||
		    sip_msg_copy(m->call_id, sizeof m->call_id, v, vlen) != 0)
			return (sip_msg_fail(cause, "bad Call-ID"));
		return (0);
	case SIP_H_CSEQ:
		/* RFC 3261 8.1.1.5: a number below 2**31, then the method. */
		for (i = 0; i < vlen && isdigit((unsigned char)v[i]); i++)
			;
		if (m->cseq_method[0] != '\0' || i == 0 || i > 10 ||
		    i >= vlen || (v[i] != ' ' && v[i] != '\t'))
			return (sip_msg_fail(cause, "bad CSeq"));
		memcpy(tmp, v, i);
		tmp[i] = '\0';
		n = strtoul(tmp, &ep, 10);
		if (n >= 0x80000000UL)
			return (sip_msg_fail(cause, "CSeq number too big"));
		m->cseq = n;
		while (i < vlen && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (!sip_msg_token(v + i, vlen - i) ||
		    sip_msg_copy(m->cseq_method, sizeof m->cseq_method, v + i,
		    vlen - i) != 0)
			return (sip_msg_fail(cause, "bad CSeq method"));
		return (0);
	case SIP_H_EVENT:
		/* RFC 6665 8.4: event-type, then ;parameters. */
		for (i = 0; i < vlen && v[i] != ';' && v[i] != ' ' &&
		    v[i] != '\t'; i++)
			;
		if (m->event[0] != '\0' || !sip_msg_token(v, i) ||
		    sip_msg_copy(m->event, sizeof m->event, v, i) != 0)
			return (sip_msg_fail(cause, "bad Event"));
		return (0);
	case SIP_H_AUTHORIZATION:
		if (m->authorization[0] != '\0' || vlen == 0 ||
		    sip_msg_copy(m->authorization, sizeof m->authorization, v,
		    vlen) != 0)
			return (sip_msg_fail(cause, "bad Authorization"));
		return (0);
	case SIP_H_WWW_AUTHENTICATE:
		if (m->www_authenticate[0] != '\0' || vlen == 0 ||
		    sip_msg_copy(m->www_authenticate,
		    sizeof m->www_authenticate, v, vlen) != 0)
			return (sip_msg_fail(cause, "bad WWW-Authenticate"));
		return (0);
	case SIP_H_CONTENT_LENGTH:
		for (i = 0; i < vlen && isdigit((unsigned char)v[i]); i++)
			;
		if (m->has_length || i == 0 || i != vlen || i > 5)
			return (sip_msg_fail(cause, "bad Content-Length"));
		memcpy(tmp, v, i);
		tmp[i] = '\0';
		m->content_length = strtoul(tmp, &ep, 10);
		m->has_length = 1;
		return (0);
	case SIP_H_OTHER:
		for (i = 0; i < vlen; i++) {
			if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
				return (sip_msg_fail(cause, "control "
				    "character in a header"));
		}
		if (++m->nother > SIP_HDR_MAX)
			return (sip_msg_fail(cause, "more than %d other "
			    "header fields", SIP_HDR_MAX));
		return (0);
	}
	return (0);
}

/*
 * A response to request req (RFC 3261 8.2.6.2): its Via fields, From,
 * Call-ID and CSeq, and its To with tag added when it has none and tag
 * is not NULL.  resp is initialized here.
 */
void
sip_msg_reply(const struct sip_msg *req, int status, const char *reason,
    const char *tag, struct sip_msg *resp)
{
	size_t	i;

	sip_msg_init(resp);
	resp->status = status;
	pf_strlcpy(resp->reason, reason != NULL ? reason :
	    sip_msg_reason(status), sizeof resp->reason);
	for (i = 0; i < req->nvia; i++)
		pf_strlcpy(resp->via[i], req->via[i], sizeof resp->via[i]);
	resp->nvia = req->nvia;
	pf_strlcpy(resp->from, req->from, sizeof resp->from);
	pf_strlcpy(resp->to, req->to, sizeof resp->to);
	/* No room for the tag: the To as it came (a peer's oddity). */
	if (tag != NULL && sip_msg_param(req->to, "tag", NULL, 0) != 0 &&
	    strlen(req->to) + 5 + strlen(tag) < sizeof resp->to) {
		pf_strlcpy(resp->to + strlen(resp->to), ";tag=",
		    sizeof resp->to - strlen(resp->to));
		pf_strlcpy(resp->to + strlen(resp->to), tag,
		    sizeof resp->to - strlen(resp->to));
	}
	pf_strlcpy(resp->call_id, req->call_id, sizeof resp->call_id);
	resp->cseq = req->cseq;
	pf_strlcpy(resp->cseq_method, req->cseq_method,
	    sizeof resp->cseq_method);
}

/*
 * Write m (a request when m->is_request), its fields in the order of RFC
 * 3261 20, then extra ("Name: value" lines, NULL-terminated, or NULL),
 * Content-Length and the body.  -1 if a value would break the framing
 * (CR, LF or another control character): nothing is written then.
 */
int
sip_msg_write(const struct sip_msg *m, const char *const *extra,
    struct dbuf *b)
{
	size_t	i, start = b->len;

	if (m->is_request) {
		if (!sip_msg_token(m->method, strlen(m->method)) ||
		    m->uri[0] == '\0' || strchr(m->uri, ' ') != NULL ||
		    !sip_msg_value_ok(m->uri))
			return (-1);
		dbuf_printf(b, "%s %s SIP/2.0\r\n", m->method, m->uri);
	} else {
		if (m->status < 100 || m->status > 699 ||
		    !sip_msg_value_ok(m->reason))
			return (-1);
		dbuf_printf(b, "SIP/2.0 %03d %s\r\n", m->status, m->reason);
	}
	for (i = 0; i < m->nvia; i++) {
		if (!sip_msg_value_ok(m->via[i]))
			goto bad;
		dbuf_printf(b, "Via: %s\r\n", m->via[i]);
	}
	if (!sip_msg_value_ok(m->from) || !sip_msg_value_ok(m->to) ||
	    !sip_msg_value_ok(m->call_id) || !sip_msg_value_ok(m->event) ||
	    !sip_msg_value_ok(m->authorization) ||
	    !sip_msg_value_ok(m->www_authenticate) ||
	    !sip_msg_token(m->cseq_method, strlen(m->cseq_method)))
		goto bad;
	dbuf_printf(b, "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %u %s\r\n",
	    m->from, m->to, m->call_id, m->cseq, m->cseq_method);
	if (m->event[0] != '\0')
		dbuf_printf(b, "Event: %s\r\n", m->event);
	if (m->authorization[0] != '\0')
		dbuf_printf(b, "Authorization: %s\r\n", m->authorization);
	if (m->www_authenticate[0] != '\0')
		dbuf_printf(b, "WWW-Authenticate: %s\r\n",
		    m->www_authenticate);
	for (; extra != NULL && *extra != NULL; extra++) {
		if (!sip_msg_value_ok(*extra))
			goto bad;
		dbuf_printf(b, "%s\r\n", *extra);
	}
	dbuf_printf(b, "Content-Length: %zu\r\n\r\n", m->body_len);
	if (m->body_len != 0)
		dbuf_add(b, m->body, m->body_len);
	return (0);
bad:
	b->len = start;
	if (b->data != NULL)
		b->data[start] = '\0';
	return (-1);
}

/*
 * A ";name=value" parameter of a header value (From's tag, Via's branch),
 * copied into buf (may be NULL to test).  0, or -1 if absent or too long.
 */
int
sip_msg_param(const char *value, const char *name, char *buf, size_t size)
{
	const char	*p = value, *v;
	size_t		 nlen = strlen(name), vlen;
	int		 inq = 0, ang = 0;

	for (; *p != '\0'; p++) {
		if (*p == '"' && !ang)
			inq = !inq;
		else if (inq && *p == '\\' && p[1] != '\0')
			p++;
		else if (!inq && *p == '<')
			ang = 1;
		else if (!inq && *p == '>')
			ang = 0;
		if (inq || ang || *p != ';')
			continue;
		v = p + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		if (strncasecmp(v, name, nlen) != 0 ||
		    (v[nlen] != '=' && v[nlen] != ';' && v[nlen] != '\0' &&
		    v[nlen] != ' '))
			continue;
		v += nlen;
		if (*v != '=') {
			if (buf != NULL && size > 0)
				buf[0] = '\0';
			return (0);
		}
		v++;
		vlen = strcspn(v, "; \t,");
		if (buf == NULL)
			return (0);
		if (vlen >= size)
			return (-1);
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		return (0);
	}
	return (-1);
}

const char *
sip_msg_reason(int status)
{
	switch (status) {
	case 100:
		return ("Trying");
	case 200:
		return ("OK");
	case 400:
		return ("Bad Request");
	case 401:
		return ("Unauthorized");
	case 403:
		return ("Forbidden");
	case 405:
		return ("Method Not Allowed");
	case 481:
		return ("Call/Transaction Does Not Exist");
	case 489:
		return ("Bad Event");
	case 500:
		return ("Server Internal Error");
	case 501:
		return ("Not Implemented");
	case 503:
		return ("Service Unavailable");
	default:
		return (status < 300 ? "OK" : "Error");
	}
}

static int
sip_msg_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;

	if (cause != NULL) {
		va_start(ap, fmt);
		xvasprintf(cause, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* Copy len bytes as a string: -1 if too long or a control character. */
static int
sip_msg_copy(char *dst, size_t size, const char *src, size_t len)
{
	size_t	i;

	if (len >= size)
		return (-1);
	for (i = 0; i < len; i++) {
		if (((unsigned char)src[i] < 0x20 && src[i] != '\t') ||
		    src[i] == 0x7f)
			return (-1);
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
	return (0);
}

/* RFC 3261 25.1 token. */
static int
sip_msg_token(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return (0);
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)s[i]) && (s[i] == '\0' ||
		    strchr("-.!%*_+`'~", s[i]) == NULL))
			return (0);
	}
	return (1);
}

/* A value that keeps the message's framing. */
static int
sip_msg_value_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return (0);
	}
	return (1);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * TFTP packets: RFC 1350 (RRQ, WRQ, DATA, ACK, ERROR), the RFC 2347 option
 * extension (OACK), RFC 2348 blksize and RFC 2349 tsize and timeout (spec
 * 10).  A codec only: retransmission, the block window and which options to
 * ask for belong to the phone and the endpoint.  Unknown options are skipped
 * as RFC 2347 asks; a known option with a bad value is an error.
 */

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define TFTP_QUOTE_MAX	64	/* peer bytes quoted in a message */

static int	 tftp_fail(char **, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
static int	 tftp_string(const uint8_t *, size_t, size_t *, const char **,
		     size_t *);
static char	*tftp_quote(const char *, size_t);
static int	 tftp_mode_ok(const char *);
static int	 tftp_options(struct tftp_pkt *, const uint8_t *, size_t,
		     size_t, char **);
static void	 tftp_write_options(const struct tftp_pkt *, struct dbuf *);

static const char *tftp_op_names[] = {
	NULL, "RRQ", "WRQ", "DATA", "ACK", "ERROR", "OACK"
};

static const struct tftp_opt {
	const char	*name;
	size_t		 off;
	uint64_t	 min;
	uint64_t	 max;
} tftp_opt_table[] = {
	/* RFC 2348: 8 to 65464 octets. */
	{ "blksize", offsetof(struct tftp_pkt, blksize), 8, TFTP_BLKSIZE_MAX },
	/* RFC 2349: 0 in a request, the file size in the OACK. */
	{ "tsize", offsetof(struct tftp_pkt, tsize), 0, LONG_MAX },
	/* RFC 2349: 1 to 255 seconds. */
	{ "timeout", offsetof(struct tftp_pkt, timeout), 1, 255 },
};

void
tftp_init(struct tftp_pkt *p)
{
	memset(p, 0, sizeof *p);
	p->blksize = p->tsize = p->timeout = -1;
}

/*
 * Parse one datagram into p (tftp_parse initializes it).  DATA borrows its
 * payload from buf.  Returns 0, or -1 with an allocated reason in *cause.
 */
int
tftp_parse(struct tftp_pkt *p, const uint8_t *buf, size_t len, char **cause)
{
	const char	*s, *nul;
	const char	*name;
	char		*q;
	size_t		 off, slen, i;
	unsigned int	 op;

	tftp_init(p);
	if (len < 2)
		return (tftp_fail(cause, "short packet (%zu bytes)", len));
	op = (buf[0] << 8) | buf[1];
	name = tftp_op_name(op);
	off = 2;
	switch (op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		p->op = op;
		if (tftp_string(buf, len, &off, &s, &slen) != 0)
			return (tftp_fail(cause, "%s: unterminated file name",
			    name));
		if (slen == 0)
			return (tftp_fail(cause, "%s: empty file name", name));
		if (slen > TFTP_NAME_MAX)
			return (tftp_fail(cause,
			    "%s: file name of %zu bytes (max %d)", name, slen,
			    TFTP_NAME_MAX));
		memcpy(p->file, s, slen);
		p->file[slen] = '\0';

		if (tftp_string(buf, len, &off, &s, &slen) != 0)
			return (tftp_fail(cause, "%s: unterminated mode",
			    name));
		if (slen >= sizeof p->mode || !tftp_mode_ok(s)) {
			q = tftp_quote(s, slen);
			tftp_fail(cause, "%s: unknown mode \"%s\"", name, q);
			free(q);
			return (-1);
		}
		/* Modes are case-insensitive (RFC 1350): keep lower case. */
		for (i = 0; i < slen; i++)
			p->mode[i] = tolower((unsigned char)s[i]);
		p->mode[slen] = '\0';
		return (tftp_options(p, buf, len, off, cause));
	case TFTP_DATA:
		p->op = op;
		if (len < 4)
			return (tftp_fail(cause,
			    "DATA: short packet (%zu bytes)", len));
		if (len - 4 > TFTP_BLKSIZE_MAX)
			return (tftp_fail(cause,
			    "DATA: %zu bytes of data (max %d)", len - 4,
			    TFTP_BLKSIZE_MAX));
		p->block = (buf[2] << 8) | buf[3];
		p->data = buf + 4;
		p->len = len - 4;
		return (0);
	case TFTP_ACK:
		p->op = op;
		if (len != 4)
			return (tftp_fail(cause,
			    "ACK: packet of %zu bytes (want 4)", len));
		p->block = (buf[2] << 8) | buf[3];
		return (0);
	case TFTP_ERROR:
		p->op = op;
		if (len < 4)
			return (tftp_fail(cause,
			    "ERROR: short packet (%zu bytes)", len));
		p->code = (buf[2] << 8) | buf[3];
		/*
		 * The message is for people: tolerate a missing terminator
		 * and cut a long message rather than lose the error code.
		 */
		s = (const char *)buf + 4;
		nul = memchr(s, '\0', len - 4);
		slen = nul != NULL ? (size_t)(nul - s) : len - 4;
		if (slen > TFTP_MSG_MAX)
			slen = TFTP_MSG_MAX;
		memcpy(p->msg, s, slen);
		p->msg[slen] = '\0';
		return (0);
	case TFTP_OACK:
		p->op = op;
		return (tftp_options(p, buf, len, off, cause));
	}
	return (tftp_fail(cause, "unknown opcode %u", op));
}

/* Append p in wire format; RRQ/WRQ without a mode ask for "octet". */
void
tftp_write(const struct tftp_pkt *p, struct dbuf *b)
{
	dbuf_add_u16(b, p->op);
	switch (p->op) {
	case TFTP_RRQ:
	case TFTP_WRQ:
		dbuf_add(b, p->file, strnlen(p->file, sizeof p->file - 1));
		dbuf_add_u8(b, 0);
		if (p->mode[0] == '\0')
			dbuf_add_str(b, "octet");
		else
			dbuf_add(b, p->mode,
			    strnlen(p->mode, sizeof p->mode - 1));
		dbuf_add_u8(b, 0);
		tftp_write_options(p, b);
		break;
	case TFTP_DATA:
		dbuf_add_u16(b, p->block);
		if (p->len != 0)
			dbuf_add(b, p->data, p->len);
		break;
	case TFTP_ACK:
		dbuf_add_u16(b, p->block);
		break;
	case TFTP_ERROR:
		dbuf_add_u16(b, p->code);
		dbuf_add(b, p->msg, strnlen(p->msg, sizeof p->msg - 1));
		dbuf_add_u8(b, 0);
		break;
	case TFTP_OACK:
		tftp_write_options(p, b);
		break;
	}
}

const char *
tftp_op_name(enum tftp_op op)
{
	if (op >= TFTP_RRQ && op <= TFTP_OACK)
		return (tftp_op_names[op]);
	return ("unknown");
}

/* Fill *cause (when cause is not NULL) with a one-line reason; -1. */
static int
tftp_fail(char **cause, const char *fmt, ...)
{
	va_list	ap;
	char	buf[512];

	if (cause != NULL) {
		va_start(ap, fmt);
		vsnprintf(buf, sizeof buf, fmt, ap);
		va_end(ap);
		*cause = xstrdup(buf);
	}
	return (-1);
}

/*
 * The NUL-terminated string at *off: its start and length, with *off moved
 * past the NUL.  -1 if the packet ends first.
 */
static int
tftp_string(const uint8_t *buf, size_t len, size_t *off, const char **s,
    size_t *slen)
{
	const uint8_t	*nul;

	if (*off >= len)
		return (-1);
	if ((nul = memchr(buf + *off, '\0', len - *off)) == NULL)
		return (-1);
	*s = (const char *)buf + *off;
	*slen = nul - (buf + *off);
	*off += *slen + 1;
	return (0);
}

/* Peer text, escaped and shortened, for a message.  Caller frees. */
static char *
tftp_quote(const char *s, size_t len)
{
	char	*e, *out;

	if (len <= TFTP_QUOTE_MAX)
		return (pf_escape(s, len));
	e = pf_escape(s, TFTP_QUOTE_MAX);
	xasprintf(&out, "%s...", e);
	free(e);
	return (out);
}

static int
tftp_mode_ok(const char *s)
{
	return (pf_strcasecmp_ascii(s, "octet") == 0 ||
	    pf_strcasecmp_ascii(s, "netascii") == 0 ||
	    pf_strcasecmp_ascii(s, "mail") == 0);
}

/*
 * RFC 2347: name and value strings in pairs up to the end of the packet;
 * names are case-insensitive.
 */
static int
tftp_options(struct tftp_pkt *p, const uint8_t *buf, size_t len, size_t off,
    char **cause)
{
	const struct tftp_opt	*o;
	const char		*op = tftp_op_name(p->op);
	const char		*name, *value;
	char			*q, *v;
	size_t			 nlen, vlen, i;
	uint64_t		 n;
	long			*field;

	while (off < len) {
		if (tftp_string(buf, len, &off, &name, &nlen) != 0)
			return (tftp_fail(cause,
			    "%s: unterminated option name", op));
		if (nlen == 0)
			return (tftp_fail(cause, "%s: empty option name", op));
		if (tftp_string(buf, len, &off, &value, &vlen) != 0) {
			q = tftp_quote(name, nlen);
			tftp_fail(cause, "%s: option \"%s\" has no value", op,
			    q);
			free(q);
			return (-1);
		}

		o = NULL;
		for (i = 0; i < nitems(tftp_opt_table); i++) {
			if (pf_strcasecmp_ascii(name,
			    tftp_opt_table[i].name) == 0) {
				o = &tftp_opt_table[i];
				break;
			}
		}
		if (o == NULL)
			continue;
		field = (long *)((char *)p + o->off);
		if (*field != -1)
			return (tftp_fail(cause, "%s: duplicate option %s", op,
			    o->name));

		v = xstrndup(value, vlen);
		if (parse_uint(v, o->min, o->max, &n, NULL) != 0) {
			q = tftp_quote(value, vlen);
			tftp_fail(cause, "%s: %s: \"%s\" is not in %llu..%llu",
			    op, o->name, q, (unsigned long long)o->min,
			    (unsigned long long)o->max);
			free(q);
			free(v);
			return (-1);
		}
		free(v);
		*field = (long)n;
	}
	return (0);
}

static void
tftp_write_options(const struct tftp_pkt *p, struct dbuf *b)
{
	const long	*field;
	size_t		 i;

	for (i = 0; i < nitems(tftp_opt_table); i++) {
		field = (const long *)((const char *)p + tftp_opt_table[i].off);
		if (*field < 0)
			continue;
		dbuf_add_str(b, tftp_opt_table[i].name);
		dbuf_add_u8(b, 0);
		dbuf_printf(b, "%ld", *field);
		dbuf_add_u8(b, 0);
	}
}

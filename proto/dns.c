/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * DNS message codec (RFC 1035 4, RFC 2782 SRV): what a phone needs for A
 * lookups and the SRV discovery of spec 4.3.  dns_parse() reads the header,
 * at most one question and the answer and additional sections, keeping A,
 * CNAME and SRV records (others and the authority section are walked over);
 * dns_write() emits a message with compressed owner and CNAME names.  Names
 * are kept as dotted text without the trailing dot, case as received.
 *
 * Not here: EDNS, DNSSEC, resolution logic (emu/, netsim/ep-dns.c).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define DNS_HDR_LEN	12
#define DNS_RR_FIXED	10	/* type, class, ttl, rdlength */
#define DNS_LABEL_MAX	63
#define DNS_PTR_MAX	0x3fff	/* largest offset a pointer can hold */
#define DNS_COMP_MAX	128	/* names remembered for compression */

/* Offsets (from the message start) of names written so far. */
struct dns_comp {
	size_t		 base;		/* b->len where the message starts */
	uint16_t	 off[DNS_COMP_MAX];
	size_t		 n;
};

static void	dns_error(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	dns_name_read(const uint8_t *, size_t, size_t *, char *,
		    char **);
static int	dns_rr_read(const uint8_t *, size_t, size_t *,
		    struct dns_rr *, int *, const char *, size_t, size_t,
		    char **);
static size_t	dns_name_wire(const char *, uint8_t *);
static int	dns_comp_match(const uint8_t *, size_t, const uint8_t *);
static void	dns_name_write(struct dbuf *, struct dns_comp *, const char *,
		    int);
static void	dns_rr_write(struct dbuf *, struct dns_comp *,
		    const struct dns_rr *);
static uint16_t	dns_get16(const uint8_t *);
static uint32_t	dns_get32(const uint8_t *);

void
dns_init(struct dns_msg *m)
{
	memset(m, 0, sizeof *m);
}

/*
 * Parse a DNS message.  Returns 0, or -1 with an allocated one-line reason
 * in *cause (when cause is not NULL).  More than one question is an error;
 * records past DNS_RR_MAX, of other types, or in the authority section are
 * checked and skipped.
 */
int
dns_parse(struct dns_msg *m, const uint8_t *buf, size_t len, char **cause)
{
	struct dns_rr	 rr;
	size_t		 pos, i, qd, an, ns, ar;
	int		 keep;

	dns_init(m);
	if (len < DNS_HDR_LEN) {
		dns_error(cause, "message of %zu bytes is shorter than the "
		    "%d-byte header", len, DNS_HDR_LEN);
		return (-1);
	}
	m->id = dns_get16(buf);
	m->qr = buf[2] >> 7;
	m->opcode = (buf[2] >> 3) & 0xf;
	m->aa = (buf[2] >> 2) & 1;
	m->tc = (buf[2] >> 1) & 1;
	m->rd = buf[2] & 1;
	m->ra = buf[3] >> 7;
	m->rcode = buf[3] & 0xf;
	qd = dns_get16(buf + 4);
	an = dns_get16(buf + 6);
	ns = dns_get16(buf + 8);
	ar = dns_get16(buf + 10);
	pos = DNS_HDR_LEN;

	if (qd > 1) {
		dns_error(cause, "%zu questions: only one is supported", qd);
		return (-1);
	}
	if (qd == 1) {
		if (dns_name_read(buf, len, &pos, m->qname, cause) != 0)
			return (-1);
		if (pos + 4 > len) {
			dns_error(cause, "question overruns the message at "
			    "offset %zu", pos);
			return (-1);
		}
		m->qtype = dns_get16(buf + pos);
		m->qclass = dns_get16(buf + pos + 2);
		pos += 4;
		m->has_question = 1;
	}

	for (i = 0; i < an; i++) {
		if (dns_rr_read(buf, len, &pos, &rr, &keep, "answer", i, an,
		    cause) != 0)
			return (-1);
		if (keep && m->nan < DNS_RR_MAX)
			m->an[m->nan++] = rr;
	}
	for (i = 0; i < ns; i++) {
		if (dns_rr_read(buf, len, &pos, NULL, &keep, "authority", i,
		    ns, cause) != 0)
			return (-1);
	}
	for (i = 0; i < ar; i++) {
		if (dns_rr_read(buf, len, &pos, &rr, &keep, "additional", i,
		    ar, cause) != 0)
			return (-1);
		if (keep && m->nar < DNS_RR_MAX)
			m->ar[m->nar++] = rr;
	}
	return (0);
}

/*
 * Append the message to b.  Owner names and CNAME targets are compressed;
 * SRV targets are not (RFC 2782), though later names may point into them.
 * Text that is not a valid name is made one: empty labels are dropped,
 * labels cut to 63 bytes, the name cut to 255 bytes.
 */
void
dns_write(const struct dns_msg *m, struct dbuf *b)
{
	struct dns_comp	 comp;
	size_t		 i;

	comp.base = b->len;
	comp.n = 0;
	dbuf_add_u16(b, m->id);
	dbuf_add_u8(b, (!!m->qr << 7) | ((m->opcode & 0xf) << 3) |
	    (!!m->aa << 2) | (!!m->tc << 1) | !!m->rd);
	dbuf_add_u8(b, (!!m->ra << 7) | (m->rcode & 0xf));
	dbuf_add_u16(b, m->has_question ? 1 : 0);
	dbuf_add_u16(b, m->nan);
	dbuf_add_u16(b, 0);
	dbuf_add_u16(b, m->nar);
	if (m->has_question) {
		dns_name_write(b, &comp, m->qname, 1);
		dbuf_add_u16(b, m->qtype);
		dbuf_add_u16(b, m->qclass);
	}
	for (i = 0; i < m->nan; i++)
		dns_rr_write(b, &comp, &m->an[i]);
	for (i = 0; i < m->nar; i++)
		dns_rr_write(b, &comp, &m->ar[i]);
}

/* A recursive query for name (a trailing dot is dropped). */
void
dns_query(struct dns_msg *m, uint16_t id, const char *name, uint16_t type)
{
	size_t	len;

	dns_init(m);
	m->id = id;
	m->rd = 1;
	pf_strlcpy(m->qname, name, sizeof m->qname);
	len = strlen(m->qname);
	if (len > 0 && m->qname[len - 1] == '.')
		m->qname[len - 1] = '\0';
	m->qtype = type;
	m->qclass = DNS_C_IN;
	m->has_question = 1;
}

/* Copy rr into the answer section; -1 if it is full. */
int
dns_add_answer(struct dns_msg *m, const struct dns_rr *rr)
{
	if (m->nan >= DNS_RR_MAX)
		return (-1);
	m->an[m->nan++] = *rr;
	return (0);
}

static void
dns_error(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

/*
 * Read the name at *pos, following compression pointers; *pos moves past
 * the name as it sits in place.  A pointer must point before the labels it
 * follows, so every jump goes strictly backwards and loops cannot happen.
 * With out NULL the name is only checked; otherwise out (DNS_NAME_MAX + 1
 * bytes) gets the dotted text, and a label holding a dot or a NUL, which
 * the text could not carry, is an error.
 */
static int
dns_name_read(const uint8_t *buf, size_t len, size_t *pos, char *out,
    char **cause)
{
	size_t	start = *pos, p = *pos, seg = *pos, end = 0, wire = 1, o = 0;
	size_t	target, i;
	int	jumped = 0;
	uint8_t	c;

	for (;;) {
		if (p >= len) {
			dns_error(cause, "name at offset %zu overruns the "
			    "message", start);
			return (-1);
		}
		c = buf[p];
		if ((c & 0xc0) == 0xc0) {
			if (p + 2 > len) {
				dns_error(cause, "name at offset %zu overruns "
				    "the message", start);
				return (-1);
			}
			target = ((size_t)(c & 0x3f) << 8) | buf[p + 1];
			if (target >= seg) {
				dns_error(cause, "compression pointer at "
				    "offset %zu to %zu loops", p, target);
				return (-1);
			}
			if (target < DNS_HDR_LEN) {
				dns_error(cause, "compression pointer at "
				    "offset %zu points into the header", p);
				return (-1);
			}
			if (!jumped)
				end = p + 2;
			jumped = 1;
			p = seg = target;
			continue;
		}
		if (c & 0xc0) {
			dns_error(cause, "label type 0x%02x at offset %zu is "
			    "not supported", c & 0xc0, p);
			return (-1);
		}
		if (c == 0) {
			p++;
			break;
		}
		if (p + 1 + c > len) {
			dns_error(cause, "name at offset %zu overruns the "
			    "message", start);
			return (-1);
		}
		wire += 1 + c;
		if (wire > DNS_NAME_MAX) {
			dns_error(cause, "name at offset %zu is longer than "
			    "%d bytes", start, DNS_NAME_MAX);
			return (-1);
		}
		if (out != NULL) {
			if (o != 0)
				out[o++] = '.';
			for (i = 0; i < c; i++) {
				if (buf[p + 1 + i] == '.' ||
				    buf[p + 1 + i] == '\0') {
					dns_error(cause, "name at offset %zu "
					    "has a dot or NUL in a label",
					    start);
					return (-1);
				}
				out[o++] = buf[p + 1 + i];
			}
		}
		p += 1 + c;
	}
	if (out != NULL)
		out[o] = '\0';
	*pos = jumped ? end : p;
	return (0);
}

/*
 * Read one resource record.  *keep is set when it is an A, CNAME or SRV
 * record and rr is not NULL; rr is then filled in.
 */
static int
dns_rr_read(const uint8_t *buf, size_t len, size_t *pos, struct dns_rr *rr,
    int *keep, const char *section, size_t idx, size_t count, char **cause)
{
	size_t		 start = *pos, p = *pos, rd, rdlen, q;
	uint16_t	 type = 0;
	char		*why;

	*keep = 0;
	if (dns_name_read(buf, len, &p, NULL, cause) != 0)
		goto badname;
	if (p + DNS_RR_FIXED > len) {
		dns_error(cause, "%s %zu of %zu overruns the message at "
		    "offset %zu", section, idx + 1, count, start);
		return (-1);
	}
	type = dns_get16(buf + p);
	rdlen = dns_get16(buf + p + 8);
	rd = p + DNS_RR_FIXED;
	if (rd + rdlen > len) {
		dns_error(cause, "%s %zu of %zu overruns the message at "
		    "offset %zu", section, idx + 1, count, start);
		return (-1);
	}
	*pos = rd + rdlen;
	if (rr == NULL || (type != DNS_T_A && type != DNS_T_CNAME &&
	    type != DNS_T_SRV))
		return (0);

	memset(rr, 0, sizeof *rr);
	q = start;
	if (dns_name_read(buf, len, &q, rr->name, cause) != 0)
		goto badname;
	rr->type = type;
	rr->class = dns_get16(buf + p + 2);
	rr->ttl = dns_get32(buf + p + 4);
	switch (type) {
	case DNS_T_A:
		if (rdlen != 4)
			goto bad;
		rr->a = dns_get32(buf + rd);
		break;
	case DNS_T_CNAME:
		q = rd;
		if (dns_name_read(buf, len, &q, rr->target, cause) != 0)
			goto badname;
		if (q != rd + rdlen)
			goto bad;
		break;
	case DNS_T_SRV:
		if (rdlen < 7)
			goto bad;
		rr->prio = dns_get16(buf + rd);
		rr->weight = dns_get16(buf + rd + 2);
		rr->port = dns_get16(buf + rd + 4);
		q = rd + 6;
		if (dns_name_read(buf, len, &q, rr->target, cause) != 0)
			goto badname;
		if (q != rd + rdlen)
			goto bad;
		break;
	}
	*keep = 1;
	return (0);

bad:
	dns_error(cause, "%s %zu of %zu at offset %zu: type %u rdata length "
	    "%zu does not match its contents", section, idx + 1, count, start,
	    type, rdlen);
	return (-1);

badname:
	/* Say which record the name belongs to. */
	if (cause != NULL) {
		why = *cause;
		if (start >= len) {
			dns_error(cause, "%s %zu of %zu overruns the message "
			    "at offset %zu", section, idx + 1, count, start);
		} else {
			dns_error(cause, "%s %zu of %zu: %s", section, idx + 1,
			    count, why);
		}
		free(why);
	}
	return (-1);
}

/*
 * Encode dotted text as uncompressed wire labels into wire (DNS_NAME_MAX
 * bytes), making it valid as dns_write() describes.  Returns the length.
 */
static size_t
dns_name_wire(const char *name, uint8_t *wire)
{
	const char	*p = name;
	size_t		 n = 0, l, ll;

	for (;;) {
		while (*p == '.')
			p++;
		if (*p == '\0')
			break;
		l = strcspn(p, ".");
		ll = l > DNS_LABEL_MAX ? DNS_LABEL_MAX : l;
		if (n + 1 + ll + 1 > DNS_NAME_MAX)
			break;
		wire[n++] = ll;
		memcpy(wire + n, p, ll);
		n += ll;
		p += l;
	}
	wire[n++] = 0;
	return (n);
}

/* Does the name written at msg + off spell the labels in wire exactly? */
static int
dns_comp_match(const uint8_t *msg, size_t off, const uint8_t *wire)
{
	for (;;) {
		while ((msg[off] & 0xc0) == 0xc0)
			off = ((size_t)(msg[off] & 0x3f) << 8) | msg[off + 1];
		if (msg[off] != *wire)
			return (0);
		if (*wire == 0)
			return (1);
		if (memcmp(msg + off + 1, wire + 1, *wire) != 0)
			return (0);
		off += 1 + *wire;
		wire += 1 + *wire;
	}
}

/*
 * Write a name, ending it with a pointer to the longest suffix already in
 * the message when compress is set (case-sensitive, so names come back as
 * they were written).  Every label written in place is remembered.
 */
static void
dns_name_write(struct dbuf *b, struct dns_comp *c, const char *name,
    int compress)
{
	uint8_t	 wire[DNS_NAME_MAX];
	size_t	 i, p = 0, off, n = c->n;

	dns_name_wire(name, wire);
	while (wire[p] != 0) {
		/* Only complete names, not this one: it is not ended yet. */
		for (i = 0; compress && i < n; i++) {
			if (dns_comp_match(b->data + c->base, c->off[i],
			    wire + p)) {
				dbuf_add_u16(b, 0xc000 | c->off[i]);
				return;
			}
		}
		off = b->len - c->base;
		if (off <= DNS_PTR_MAX && c->n < DNS_COMP_MAX)
			c->off[c->n++] = off;
		dbuf_add(b, wire + p, 1 + wire[p]);
		p += 1 + wire[p];
	}
	dbuf_add_u8(b, 0);
}

static void
dns_rr_write(struct dbuf *b, struct dns_comp *c, const struct dns_rr *rr)
{
	size_t	rdlen_at, rdlen;

	dns_name_write(b, c, rr->name, 1);
	dbuf_add_u16(b, rr->type);
	dbuf_add_u16(b, rr->class);
	dbuf_add_u32(b, rr->ttl);
	rdlen_at = b->len;
	dbuf_add_u16(b, 0);
	switch (rr->type) {
	case DNS_T_A:
		dbuf_add_u32(b, rr->a);
		break;
	case DNS_T_CNAME:
		dns_name_write(b, c, rr->target, 1);
		break;
	case DNS_T_SRV:
		dbuf_add_u16(b, rr->prio);
		dbuf_add_u16(b, rr->weight);
		dbuf_add_u16(b, rr->port);
		dns_name_write(b, c, rr->target, 0);	/* RFC 2782 */
		break;
	}
	rdlen = b->len - rdlen_at - 2;
	b->data[rdlen_at] = rdlen >> 8;
	b->data[rdlen_at + 1] = rdlen & 0xff;
}

static uint16_t
dns_get16(const uint8_t *p)
{
	return ((p[0] << 8) | p[1]);
}

static uint32_t
dns_get32(const uint8_t *p)
{
	return (((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3]);
}

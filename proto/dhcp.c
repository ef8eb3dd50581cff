/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * DHCPv4 message codec (RFC 2131, 2132).  dhcp_parse() turns a UDP payload
 * into a struct dhcp_msg: repeated option codes are joined (RFC 3396) and
 * options overloaded into the file and sname fields (option 52) are read in
 * RFC 3396 order, options field, then file, then sname.  dhcp_write() emits
 * a message with every option in the options field, long values split into
 * repeated codes, padded to the BOOTP minimum.  Helpers read and build the
 * sub-option TLVs of options 43 and 82 (RFC 3046, RFC 8357 relay port) and
 * the enterprise blocks of option 125 (RFC 3925).
 *
 * This is a codec only: which options a phone sends or uses is spec 4.2 and
 * lives in emu/; the server side is netsim/ep-dhcp.c.  No I/O, no state.
 */

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define DHCP_MAGIC		0x63825363	/* 99.130.83.99 */
#define DHCP_BOOTP_LEN		300		/* RFC 1542 2.1 minimum */
#define DHCP_OFF_CHADDR		28
#define DHCP_OFF_SNAME		44
#define DHCP_OFF_FILE		108
#define DHCP_OFF_COOKIE		236
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128
#define DHCP_OPT_CHUNK		255		/* longest value in one code */

#define DHCP_OVERLOAD_FILE	1		/* RFC 2132 9.3 */
#define DHCP_OVERLOAD_SNAME	2

/* A stretch of the packet that holds options. */
struct dhcp_area {
	size_t		 start;
	size_t		 end;
	const char	*name;
};

static void	dhcp_error(char **, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static int	dhcp_next(const uint8_t *, const struct dhcp_area *, size_t *,
		    uint8_t *, const uint8_t **, size_t *, char **);
static int	dhcp_scan(struct dhcp_msg *, const uint8_t *,
		    const struct dhcp_area *, size_t *, size_t *, char **);
static void	dhcp_copy(struct dhcp_msg *, const uint8_t *,
		    const struct dhcp_area *, size_t *);
static void	dhcp_write_opt(const struct dhcp_msg *, uint8_t,
		    struct dbuf *);
static uint32_t	dhcp_get32(const uint8_t *);
static void	dhcp_put32(uint8_t *, uint32_t);

static const char *const dhcp_type_names[] = {
	"BOOTP",
	"DHCPDISCOVER",
	"DHCPOFFER",
	"DHCPREQUEST",
	"DHCPDECLINE",
	"DHCPACK",
	"DHCPNAK",
	"DHCPRELEASE",
	"DHCPINFORM"
};

void
dhcp_init(struct dhcp_msg *m)
{
	memset(m, 0, sizeof *m);
	m->htype = 1;		/* Ethernet */
	m->hlen = 6;
}

/*
 * Parse a DHCP or BOOTP message.  Returns 0, or -1 with an allocated one-line
 * reason in *cause (when cause is not NULL); m is then in an unspecified but
 * safe state.  Option 52 is consumed here, not stored: sname and file are
 * left empty when they carried options.
 */
int
dhcp_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len, char **cause)
{
	struct dhcp_area	 area[3];
	size_t			 narea, total[256], fill[256], sum, i;
	size_t			 pos52 = 0;
	uint8_t			 overload = 0, c;

	dhcp_init(m);
	if (len < DHCP_MIN_LEN) {
		dhcp_error(cause, "packet of %zu bytes is shorter than %d",
		    len, DHCP_MIN_LEN);
		return (-1);
	}
	m->op = buf[0];
	m->htype = buf[1];
	m->hlen = buf[2];
	m->hops = buf[3];
	m->xid = dhcp_get32(buf + 4);
	m->secs = (buf[8] << 8) | buf[9];
	m->flags = (buf[10] << 8) | buf[11];
	m->ciaddr = dhcp_get32(buf + 12);
	m->yiaddr = dhcp_get32(buf + 16);
	m->siaddr = dhcp_get32(buf + 20);
	m->giaddr = dhcp_get32(buf + 24);
	memcpy(m->chaddr, buf + DHCP_OFF_CHADDR, sizeof m->chaddr);
	if (m->op != 1 && m->op != 2) {
		dhcp_error(cause, "op %u is neither BOOTREQUEST nor BOOTREPLY",
		    m->op);
		return (-1);
	}
	if (m->hlen > sizeof m->chaddr) {
		dhcp_error(cause, "hlen %u is over %zu", m->hlen,
		    sizeof m->chaddr);
		return (-1);
	}
	if (dhcp_get32(buf + DHCP_OFF_COOKIE) != DHCP_MAGIC) {
		dhcp_error(cause, "magic cookie %u.%u.%u.%u is not "
		    "99.130.83.99", buf[236], buf[237], buf[238], buf[239]);
		return (-1);
	}

	/*
	 * First pass: validate every option and add up the length of each
	 * code, so that the second pass can lay repeated codes out
	 * contiguously (RFC 3396).  The options field says whether file and
	 * sname hold more.
	 */
	memset(total, 0, sizeof total);
	area[0].start = DHCP_MIN_LEN;
	area[0].end = len;
	area[0].name = "packet";
	narea = 1;
	if (dhcp_scan(m, buf, &area[0], total, &pos52, cause) != 0)
		return (-1);
	if (m->present[DHCP_OPT_OVERLOAD]) {
		if (total[DHCP_OPT_OVERLOAD] != 1 || buf[pos52] < 1 ||
		    buf[pos52] > 3) {
			dhcp_error(cause, "option 52 at offset %zu is not "
			    "1 byte of 1, 2 or 3", pos52 - 2);
			return (-1);
		}
		overload = buf[pos52];
		m->present[DHCP_OPT_OVERLOAD] = 0;
		total[DHCP_OPT_OVERLOAD] = 0;
		for (i = 0; i < m->norder; i++) {
			if (m->order[i] == DHCP_OPT_OVERLOAD)
				break;
		}
		memmove(m->order + i, m->order + i + 1, m->norder - i - 1);
		m->norder--;
	}
	if (overload & DHCP_OVERLOAD_FILE) {
		area[narea].start = DHCP_OFF_FILE;
		area[narea].end = DHCP_OFF_FILE + DHCP_FILE_LEN;
		area[narea].name = "file field";
		if (dhcp_scan(m, buf, &area[narea], total, NULL, cause) != 0)
			return (-1);
		narea++;
	} else {
		memcpy(m->file, buf + DHCP_OFF_FILE, DHCP_FILE_LEN);
		m->file[DHCP_FILE_LEN] = '\0';
	}
	if (overload & DHCP_OVERLOAD_SNAME) {
		area[narea].start = DHCP_OFF_SNAME;
		area[narea].end = DHCP_OFF_SNAME + DHCP_SNAME_LEN;
		area[narea].name = "sname field";
		if (dhcp_scan(m, buf, &area[narea], total, NULL, cause) != 0)
			return (-1);
		narea++;
	} else {
		memcpy(m->sname, buf + DHCP_OFF_SNAME, DHCP_SNAME_LEN);
		m->sname[DHCP_SNAME_LEN] = '\0';
	}

	sum = 0;
	for (i = 0; i < m->norder; i++)
		sum += total[m->order[i]];
	if (sum > DHCP_OPTDATA_MAX) {
		dhcp_error(cause, "options carry %zu bytes, more than %d", sum,
		    DHCP_OPTDATA_MAX);
		return (-1);
	}
	sum = 0;
	for (i = 0; i < m->norder; i++) {
		c = m->order[i];
		m->off[c] = sum;
		m->olen[c] = total[c];
		sum += total[c];
	}
	m->optdata_len = sum;

	/* Second pass: copy the values in. */
	memset(fill, 0, sizeof fill);
	for (i = 0; i < narea; i++)
		dhcp_copy(m, buf, &area[i], fill);
	return (0);
}

/*
 * Append the message to b: fixed header, magic cookie, option 53 then the
 * other options in m->order, END, PAD up to 300 bytes.  Option 52 is never
 * written: sname and file always carry their strings.
 */
void
dhcp_write(const struct dhcp_msg *m, struct dbuf *b)
{
	uint8_t	 hdr[DHCP_OFF_COOKIE];
	size_t	 start = b->len, i;
	uint8_t	 c;

	memset(hdr, 0, sizeof hdr);
	hdr[0] = m->op;
	hdr[1] = m->htype;
	hdr[2] = m->hlen;
	hdr[3] = m->hops;
	dhcp_put32(hdr + 4, m->xid);
	hdr[8] = m->secs >> 8;
	hdr[9] = m->secs & 0xff;
	hdr[10] = m->flags >> 8;
	hdr[11] = m->flags & 0xff;
	dhcp_put32(hdr + 12, m->ciaddr);
	dhcp_put32(hdr + 16, m->yiaddr);
	dhcp_put32(hdr + 20, m->siaddr);
	dhcp_put32(hdr + 24, m->giaddr);
	memcpy(hdr + DHCP_OFF_CHADDR, m->chaddr, sizeof m->chaddr);
	memcpy(hdr + DHCP_OFF_SNAME, m->sname,
	    strnlen(m->sname, DHCP_SNAME_LEN));
	memcpy(hdr + DHCP_OFF_FILE, m->file, strnlen(m->file, DHCP_FILE_LEN));
	dbuf_add(b, hdr, sizeof hdr);
	dbuf_add_u32(b, DHCP_MAGIC);

	/* RFC 2131 does not require it, but clients expect 53 first. */
	if (m->present[DHCP_OPT_MSG_TYPE])
		dhcp_write_opt(m, DHCP_OPT_MSG_TYPE, b);
	for (i = 0; i < m->norder; i++) {
		c = m->order[i];
		if (c == DHCP_OPT_MSG_TYPE || c == DHCP_OPT_OVERLOAD ||
		    c == DHCP_OPT_PAD || c == DHCP_OPT_END || !m->present[c])
			continue;
		dhcp_write_opt(m, c, b);
	}
	dbuf_add_u8(b, DHCP_OPT_END);
	while (b->len - start < DHCP_BOOTP_LEN)
		dbuf_add_u8(b, DHCP_OPT_PAD);
}

/* The value of option 53, or DHCP_NONE if absent or not a known type. */
enum dhcp_type
dhcp_type(const struct dhcp_msg *m)
{
	const uint8_t	*v;
	size_t		 len;

	v = dhcp_opt_get(m, DHCP_OPT_MSG_TYPE, &len);
	if (v == NULL || len != 1 || v[0] < DHCPDISCOVER || v[0] > DHCPINFORM)
		return (DHCP_NONE);
	return ((enum dhcp_type)v[0]);
}

const char *
dhcp_type_name(enum dhcp_type t)
{
	if ((size_t)t >= nitems(dhcp_type_names))
		return ("unknown");
	return (dhcp_type_names[t]);
}

/* Borrowed pointer to the value of code (NULL if absent); *len its length. */
const uint8_t *
dhcp_opt_get(const struct dhcp_msg *m, uint8_t code, size_t *len)
{
	if (!m->present[code])
		return (NULL);
	if (len != NULL)
		*len = m->olen[code];
	return (m->optdata + m->off[code]);
}

/*
 * Set or replace the value of code, keeping its place in the order.  Returns
 * -1 and leaves m alone if the values would not fit in DHCP_OPTDATA_MAX, or
 * for PAD, END and 52 (framing, not values).
 */
int
dhcp_opt_set(struct dhcp_msg *m, uint8_t code, const void *data, size_t len)
{
	uint8_t	 tmp[DHCP_OPTDATA_MAX];
	size_t	 old = 0, o, i;

	if (code == DHCP_OPT_PAD || code == DHCP_OPT_END ||
	    code == DHCP_OPT_OVERLOAD)
		return (-1);
	if (m->present[code])
		old = m->olen[code];
	if (len > DHCP_OPTDATA_MAX || m->optdata_len - old + len >
	    DHCP_OPTDATA_MAX)
		return (-1);
	/* data may point into optdata, which is about to move. */
	if (len != 0)
		memcpy(tmp, data, len);

	if (m->present[code]) {
		o = m->off[code];
		memmove(m->optdata + o, m->optdata + o + old,
		    m->optdata_len - o - old);
		m->optdata_len -= old;
		for (i = 0; i < nitems(m->present); i++) {
			if (m->present[i] && i != code && m->off[i] > o)
				m->off[i] -= old;
		}
	} else {
		m->present[code] = 1;
		m->order[m->norder++] = code;
	}
	m->off[code] = m->optdata_len;
	m->olen[code] = len;
	if (len != 0)
		memcpy(m->optdata + m->optdata_len, tmp, len);
	m->optdata_len += len;
	return (0);
}

int
dhcp_opt_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v)
{
	return (dhcp_opt_set(m, code, &v, 1));
}

int
dhcp_opt_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v)
{
	uint8_t	p[4];

	dhcp_put32(p, v);
	return (dhcp_opt_set(m, code, p, sizeof p));
}

/* The string without a NUL (RFC 2132 2: NVT ASCII has no trailing NUL). */
int
dhcp_opt_set_str(struct dhcp_msg *m, uint8_t code, const char *s)
{
	return (dhcp_opt_set(m, code, s, strlen(s)));
}

/*
 * A 32-bit value, or the first of a list of addresses (options 3, 6, 150):
 * the length must be a non-zero multiple of 4.  -1 if absent or malformed.
 */
int
dhcp_opt_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	const uint8_t	*p;
	size_t		 len;

	if ((p = dhcp_opt_get(m, code, &len)) == NULL || len == 0 ||
	    len % 4 != 0)
		return (-1);
	*v = dhcp_get32(p);
	return (0);
}

/*
 * Trailing NULs are dropped (RFC 2132 2: receivers must accept them); a NUL
 * inside the value cannot be a C string and is -1, as is an empty result.
 */
int
dhcp_opt_get_str(const struct dhcp_msg *m, uint8_t code, char *buf,
    size_t size)
{
	const uint8_t	*p;
	size_t		 len;

	if ((p = dhcp_opt_get(m, code, &len)) == NULL)
		return (-1);
	while (len > 0 && p[len - 1] == '\0')
		len--;
	if (len == 0 || len >= size || memchr(p, '\0', len) != NULL)
		return (-1);
	memcpy(buf, p, len);
	buf[len] = '\0';
	return (0);
}

/*
 * Find sub-option code in a TLV list (code, length, value).  PAD and END are
 * honoured as in RFC 2132 8.4 (they are reserved in option 82).  Returns a
 * pointer into data and its length, or NULL if absent or the list is broken
 * before it.
 */
const uint8_t *
dhcp_subopt_find(const uint8_t *data, size_t len, uint8_t code,
    size_t *sublen)
{
	size_t	pos = 0, l;

	while (pos < len) {
		if (data[pos] == DHCP_OPT_PAD) {
			pos++;
			continue;
		}
		if (data[pos] == DHCP_OPT_END || pos + 2 > len)
			return (NULL);
		l = data[pos + 1];
		if (pos + 2 + l > len)
			return (NULL);
		if (data[pos] == code) {
			if (sublen != NULL)
				*sublen = l;
			return (data + pos + 2);
		}
		pos += 2 + l;
	}
	return (NULL);
}

/* Append one sub-option; len is at most 255. */
void
dhcp_subopt_add(struct dbuf *b, uint8_t code, const void *v, size_t len)
{
	assert(len <= DHCP_OPT_CHUNK);
	dbuf_add_u8(b, code);
	dbuf_add_u8(b, len);
	dbuf_add(b, v, len);
}

/*
 * Option 125 is a list of enterprise(4) length(1) sub-options(length)
 * blocks (RFC 3925 4).  Find sub-option code in the first block of
 * enterprise that has it.  NULL if absent or the list is broken before it.
 */
const uint8_t *
dhcp_vivso_find(const uint8_t *data, size_t len, uint32_t enterprise,
    uint8_t code, size_t *sublen)
{
	const uint8_t	*v;
	size_t		 pos = 0, l;

	while (pos + 5 <= len) {
		l = data[pos + 4];
		if (pos + 5 + l > len)
			return (NULL);
		if (dhcp_get32(data + pos) == enterprise) {
			v = dhcp_subopt_find(data + pos + 5, l, code, sublen);
			if (v != NULL)
				return (v);
		}
		pos += 5 + l;
	}
	return (NULL);
}

/* Append one enterprise block; subopts is a built TLV list of <= 255. */
void
dhcp_vivso_add(struct dbuf *b, uint32_t enterprise, const uint8_t *subopts,
    size_t sublen)
{
	assert(sublen <= DHCP_OPT_CHUNK);
	dbuf_add_u32(b, enterprise);
	dbuf_add_u8(b, sublen);
	dbuf_add(b, subopts, sublen);
}

static void
dhcp_error(char **cause, const char *fmt, ...)
{
	va_list	 ap;

	if (cause == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(cause, fmt, ap);
	va_end(ap);
}

/*
 * Next option in an area: 1 with its code and value, 0 at END or the end of
 * the area, -1 if it overruns the area.  PADs are skipped.
 */
static int
dhcp_next(const uint8_t *buf, const struct dhcp_area *a, size_t *pos,
    uint8_t *code, const uint8_t **val, size_t *vlen, char **cause)
{
	size_t	p = *pos;

	while (p < a->end && buf[p] == DHCP_OPT_PAD)
		p++;
	if (p >= a->end || buf[p] == DHCP_OPT_END) {
		*pos = p;
		return (0);
	}
	if (p + 2 > a->end || p + 2 + buf[p + 1] > a->end) {
		dhcp_error(cause, "option %u overruns the %s at offset %zu",
		    buf[p], a->name, p);
		return (-1);
	}
	*code = buf[p];
	*vlen = buf[p + 1];
	*val = buf + p + 2;
	*pos = p + 2 + *vlen;
	return (1);
}

/*
 * First pass over one area: note codes in order of first appearance and add
 * up their lengths.  Option 52 is only allowed in the options field, where
 * *pos52 gets the offset of its value.
 */
static int
dhcp_scan(struct dhcp_msg *m, const uint8_t *buf, const struct dhcp_area *a,
    size_t *total, size_t *pos52, char **cause)
{
	const uint8_t	*val;
	size_t		 pos = a->start, vlen;
	uint8_t		 code;
	int		 rc;

	while ((rc = dhcp_next(buf, a, &pos, &code, &val, &vlen, cause)) == 1) {
		if (code == DHCP_OPT_OVERLOAD) {
			if (pos52 == NULL) {
				dhcp_error(cause, "option 52 in the %s at "
				    "offset %zu", a->name, pos - vlen - 2);
				return (-1);
			}
			if (vlen != 0)
				*pos52 = val - buf;
		}
		if (!m->present[code]) {
			m->present[code] = 1;
			m->order[m->norder++] = code;
		}
		total[code] += vlen;
	}
	return (rc);
}

/* Second pass over one area, after dhcp_scan() accepted it. */
static void
dhcp_copy(struct dhcp_msg *m, const uint8_t *buf, const struct dhcp_area *a,
    size_t *fill)
{
	const uint8_t	*val;
	size_t		 pos = a->start, vlen;
	uint8_t		 code;

	while (dhcp_next(buf, a, &pos, &code, &val, &vlen, NULL) == 1) {
		if (code == DHCP_OPT_OVERLOAD)
			continue;
		memcpy(m->optdata + m->off[code] + fill[code], val, vlen);
		fill[code] += vlen;
	}
}

/* One option, as repeated codes of at most 255 bytes (RFC 3396). */
static void
dhcp_write_opt(const struct dhcp_msg *m, uint8_t code, struct dbuf *b)
{
	const uint8_t	*p = m->optdata + m->off[code];
	size_t		 left = m->olen[code], n;

	do {
		n = left > DHCP_OPT_CHUNK ? DHCP_OPT_CHUNK : left;
		dbuf_add_u8(b, code);
		dbuf_add_u8(b, n);
		dbuf_add(b, p, n);
		p += n;
		left -= n;
	} while (left > 0);
}

static uint32_t
dhcp_get32(const uint8_t *p)
{
	return (((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3]);
}

static void
dhcp_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A strict, bounded JSON reader (RFC 8259) for what the cloud exchanges
 * need (spec 13.3): one top-level object whose members are read into a
 * fixed array.  String values are decoded to UTF-8 (all escapes, \uXXXX
 * with surrogate pairs); numbers, true, false and null are kept as their
 * text; nested objects and arrays are checked and skipped.  Anything else
 * is an error with its byte offset: invalid UTF-8, a NUL however written,
 * a lone surrogate, a duplicate name, trailing bytes, too deep, too big.
 *
 * And the writer side: a JSON string, escaped, appended to a dbuf (also
 * used by the fleet's JSON report).  Not here: a general document model.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define JSON_REPLACEMENT 0xfffd

struct json_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	char *cause; /* the first error, with its offset */
};

static int json_fail(struct json_rd *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void json_ws(struct json_rd *);
static int json_string(struct json_rd *, struct dbuf *);
static int json_hex4(struct json_rd *, unsigned *);
static int json_number(struct json_rd *);
static int json_literal(struct json_rd *, const char *);
static int json_skip(struct json_rd *, int);
static void json_utf8_put(struct dbuf *, unsigned long);

/*
 * Parse buf as one JSON object into o (which the caller clears with
 * json_obj_clear, also after an error).  Returns 0, or -1 with *cause
 * "offset N: reason".
 */
int
json_parse(struct json_obj *o, const uint8_t *buf, size_t len, char **cause)
{
	struct json_rd rd;
	struct json_member *m;
	struct dbuf key, val;
	size_t i, start;
	int first = 1;

	memset(o, 0, sizeof *o);
	memset(&rd, 0, sizeof rd);
	rd.p = buf;
	rd.len = len;
	dbuf_init(&key);
	dbuf_init(&val);
	if (len > JSON_DOC_MAX) {
		json_fail(&rd, "document of %zu bytes is over %d", len,
		    JSON_DOC_MAX);
		goto fail;
	}
	json_ws(&rd);
	if (rd.off >= rd.len || rd.p[rd.off] != '{') {
		json_fail(&rd, "an object was expected");
		goto fail;
	}
	rd.off++;
	for (;;) {
		json_ws(&rd);
		if (rd.off < rd.len && rd.p[rd.off] == '}' && first) {
			rd.off++;
			break;
		}
		if (!first) {
			if (rd.off < rd.len && rd.p[rd.off] == '}') {
				rd.off++;
				break;
			}
			if (rd.off >= rd.len || rd.p[rd.off] != ',') {
				json_fail(&rd, "',' or '}' was expected");
				goto fail;
			}
			rd.off++;
			json_ws(&rd);
		}
		first = 0;
		start = rd.off;
		dbuf_reset(&key);
		if (json_string(&rd, &key) != 0)
			goto fail;
		for (i = 0; i < o->n; i++) {
			if (strcmp(o->m[i].key, (char *)key.data) == 0) {
				rd.off = start;
				json_fail(&rd, "duplicate name");
				goto fail;
			}
		}
		if (o->n == JSON_MEMBERS_MAX) {
			rd.off = start;
			json_fail(&rd, "more than %d members",
			    JSON_MEMBERS_MAX);
			goto fail;
		}
		json_ws(&rd);
		if (rd.off >= rd.len || rd.p[rd.off] != ':') {
			json_fail(&rd, "':' was expected");
			goto fail;
		}
		rd.off++;
		json_ws(&rd);
		m = &o->m[o->n];
		start = rd.off;
		if (rd.off >= rd.len) {
			json_fail(&rd, "a value was expected");
			goto fail;
		}
		switch (rd.p[rd.off]) {
		case '"':
			dbuf_reset(&val);
			if (json_string(&rd, &val) != 0)
				goto fail;
			m->type = JSON_STRING;
			m->value = (char *)dbuf_steal(&val, NULL);
			break;
		case '{':
		case '[':
			if (json_skip(&rd, 1) != 0)
				goto fail;
			m->type = JSON_NESTED;
			break;
		default:
			if (json_skip(&rd, 1) != 0)
				goto fail;
			switch (rd.p[start]) {
			case 't':
				m->type = JSON_TRUE;
				break;
			case 'f':
				m->type = JSON_FALSE;
				break;
			case 'n':
				m->type = JSON_NULL;
				break;
			default:
				m->type = JSON_NUMBER;
				break;
			}
			m->value = xstrndup((const char *)rd.p + start,
			    rd.off - start);
			break;
		}
		m->key = (char *)dbuf_steal(&key, NULL);
		o->n++;
	}
	json_ws(&rd);
	if (rd.off != rd.len) {
		json_fail(&rd, "trailing bytes after the object");
		goto fail;
	}
	dbuf_clear(&key);
	dbuf_clear(&val);
	return (0);

fail:
	dbuf_clear(&key);
	dbuf_clear(&val);
	if (cause != NULL)
		*cause = rd.cause;
	else
		free(rd.cause);
	return (-1);
}

void
json_obj_clear(struct json_obj *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->m[i].key);
		free(o->m[i].value);
	}
	memset(o, 0, sizeof *o);
}

/* The member called key, or NULL. */
const struct json_member *
json_get(const struct json_obj *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (strcmp(o->m[i].key, key) == 0)
			return (&o->m[i]);
	}
	return (NULL);
}

/* The string value of key; NULL if absent or not a string. */
const char *
json_get_str(const struct json_obj *o, const char *key)
{
	const struct json_member *m = json_get(o, key);

	if (m == NULL || m->type != JSON_STRING)
		return (NULL);
	return (m->value);
}

/* A JSON string (RFC 8259 7), quoted; invalid UTF-8 becomes U+FFFD. */
void
json_write_str(struct dbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), n;
	long c;

	dbuf_add_u8(b, '"');
	while (left > 0) {
		n = left;
		c = json_utf8(p, &n);
		switch (c) {
		case '"':
			dbuf_add_str(b, "\\\"");
			break;
		case '\\':
			dbuf_add_str(b, "\\\\");
			break;
		case '\b':
			dbuf_add_str(b, "\\b");
			break;
		case '\f':
			dbuf_add_str(b, "\\f");
			break;
		case '\n':
			dbuf_add_str(b, "\\n");
			break;
		case '\r':
			dbuf_add_str(b, "\\r");
			break;
		case '\t':
			dbuf_add_str(b, "\\t");
			break;
		case -1:
			dbuf_printf(b, "\\u%04x", JSON_REPLACEMENT);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				dbuf_printf(b, "\\u%04lx", c);
			else
				dbuf_add(b, p, n);
			break;
		}
		p += n;
		left -= n;
	}
	dbuf_add_u8(b, '"');
}

/*
 * The code point of the UTF-8 sequence at s (*len bytes long on entry: what
 * is left), or -1 for a byte that starts no valid sequence (overlong forms,
 * surrogates and values over U+10FFFF included); *len is set to the bytes
 * used (1 for an invalid byte).
 */
long
json_utf8(const unsigned char *s, size_t *len)
{
	size_t n, i;
	long c, min;

	if (s[0] < 0x80) {
		*len = 1;
		return (s[0]);
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		goto bad;
	if (n > *len)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*len = n;
	return (c);

bad:
	*len = 1;
	return (-1);
}

/* Keep the first error, at the current offset. */
static int
json_fail(struct json_rd *rd, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (rd->cause != NULL)
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	xasprintf(&rd->cause, "offset %zu: %s", rd->off, msg);
	free(msg);
	return (-1);
}

/* RFC 8259 2: space, tab, line feed, carriage return. */
static void
json_ws(struct json_rd *rd)
{
	while (rd->off < rd->len &&
	    (rd->p[rd->off] == ' ' || rd->p[rd->off] == '\t' ||
		rd->p[rd->off] == '\n' || rd->p[rd->off] == '\r'))
		rd->off++;
}

/* A string at rd->off (the opening quote), decoded into out (if not NULL). */
static int
json_string(struct json_rd *rd, struct dbuf *out)
{
	size_t n, dlen = 0, start;
	unsigned u, lo;
	long c;

	if (rd->off >= rd->len || rd->p[rd->off] != '"')
		return (json_fail(rd, "a string was expected"));
	rd->off++;
	if (out != NULL)
		dbuf_reserve(out, 0); /* "" is a string, not NULL */
	for (;;) {
		if (rd->off >= rd->len)
			return (json_fail(rd, "unterminated string"));
		if (dlen > JSON_STR_MAX)
			return (json_fail(rd, "string over %d bytes",
			    JSON_STR_MAX));
		start = rd->off;
		c = rd->p[rd->off];
		if (c == '"') {
			rd->off++;
			return (0);
		}
		if (c < 0x20) {
			return (json_fail(rd,
			    c == 0 ? "NUL in a string"
				   : "control character in a string"));
		}
		if (c != '\\') {
			n = rd->len - rd->off;
			if (json_utf8(rd->p + rd->off, &n) == -1)
				return (json_fail(rd, "invalid UTF-8"));
			if (out != NULL)
				dbuf_add(out, rd->p + rd->off, n);
			rd->off += n;
			dlen += n;
			continue;
		}
		if (++rd->off >= rd->len)
			return (json_fail(rd, "unterminated string"));
		switch (rd->p[rd->off++]) {
		case '"':
			c = '"';
			break;
		case '\\':
			c = '\\';
			break;
		case '/':
			c = '/';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if (json_hex4(rd, &u) != 0)
				return (-1);
			if (u >= 0xdc00 && u <= 0xdfff) {
				rd->off = start;
				return (json_fail(rd, "lone low surrogate"));
			}
			if (u >= 0xd800 && u <= 0xdbff) {
				if (rd->off + 1 >= rd->len ||
				    rd->p[rd->off] != '\\' ||
				    rd->p[rd->off + 1] != 'u') {
					rd->off = start;
					return (json_fail(rd,
					    "high surrogate without a low one"));
				}
				rd->off += 2;
				if (json_hex4(rd, &lo) != 0)
					return (-1);
				if (lo < 0xdc00 || lo > 0xdfff) {
					rd->off = start;
					return (json_fail(rd,
					    "high surrogate without a low one"));
				}
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (u == 0) {
				rd->off = start;
				return (json_fail(rd, "NUL in a string"));
			}
			c = u;
			break;
		default:
			rd->off = start;
			return (json_fail(rd, "bad escape"));
		}
		if (out != NULL) {
			n = out->len;
			json_utf8_put(out, c);
			dlen += out->len - n;
		} else
			dlen++;
	}
}

static int
json_hex4(struct json_rd *rd, unsigned *v)
{
	unsigned i, d;
	uint8_t ch;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (rd->off >= rd->len)
			return (json_fail(rd, "unterminated string"));
		ch = rd->p[rd->off];
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10;
		else
			return (json_fail(rd, "bad \\u escape"));
		*v = *v * 16 + d;
		rd->off++;
	}
	return (0);
}

/* RFC 8259 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int
json_number(struct json_rd *rd)
{
	size_t digits = 0;

#define JSON_DIGIT()                                                           \
	(rd->off < rd->len && rd->p[rd->off] >= '0' && rd->p[rd->off] <= '9')
	if (rd->off < rd->len && rd->p[rd->off] == '-')
		rd->off++;
	if (rd->off < rd->len && rd->p[rd->off] == '0')
		rd->off++;
	else {
		while (JSON_DIGIT()) {
			rd->off++;
			digits++;
		}
		if (digits == 0)
			return (json_fail(rd, "bad number"));
	}
	if (rd->off < rd->len && rd->p[rd->off] == '.') {
		rd->off++;
		if (!JSON_DIGIT())
			return (json_fail(rd, "bad number"));
		while (JSON_DIGIT())
			rd->off++;
	}
	if (rd->off < rd->len &&
	    (rd->p[rd->off] == 'e' || rd->p[rd->off] == 'E')) {
		rd->off++;
		if (rd->off < rd->len &&
		    (rd->p[rd->off] == '+' || rd->p[rd->off] == '-'))
			rd->off++;
		if (!JSON_DIGIT())
			return (json_fail(rd, "bad number"));
		while (JSON_DIGIT())
			rd->off++;
	}
#undef JSON_DIGIT
	return (0);
}

static int
json_literal(struct json_rd *rd, const char *word)
{
	size_t n = strlen(word);

	if (rd->len - rd->off < n || memcmp(rd->p + rd->off, word, n) != 0)
		return (json_fail(rd, "bad value"));
	rd->off += n;
	return (0);
}

/*
 * Check and pass over one value at depth (the top-level object is depth
 * 0); containers deeper than JSON_DEPTH_MAX are refused, so the recursion
 * is bounded.
 */
static int
json_skip(struct json_rd *rd, int depth)
{
	uint8_t close;

	if (rd->off >= rd->len)
		return (json_fail(rd, "a value was expected"));
	switch (rd->p[rd->off]) {
	case '"':
		return (json_string(rd, NULL));
	case 't':
		return (json_literal(rd, "true"));
	case 'f':
		return (json_literal(rd, "false"));
	case 'n':
		return (json_literal(rd, "null"));
	case '{':
	case '[':
		break;
	default:
		return (json_number(rd));
	}
	if (depth >= JSON_DEPTH_MAX)
		return (json_fail(rd, "nested deeper than %d", JSON_DEPTH_MAX));
	close = rd->p[rd->off] == '{' ? '}' : ']';
	rd->off++;
	json_ws(rd);
	if (rd->off < rd->len && rd->p[rd->off] == close) {
		rd->off++;
		return (0);
	}
	for (;;) {
		if (close == '}') {
			if (json_string(rd, NULL) != 0)
				return (-1);
			json_ws(rd);
			if (rd->off >= rd->len || rd->p[rd->off] != ':')
				return (json_fail(rd, "':' was expected"));
			rd->off++;
			json_ws(rd);
		}
		if (json_skip(rd, depth + 1) != 0)
			return (-1);
		json_ws(rd);
		if (rd->off < rd->len && rd->p[rd->off] == close) {
			rd->off++;
			return (0);
		}
		if (rd->off >= rd->len || rd->p[rd->off] != ',')
			return (
			    json_fail(rd, "',' or '%c' was expected", close));
		rd->off++;
		json_ws(rd);
	}
}

static void
json_utf8_put(struct dbuf *b, unsigned long c)
{
	uint8_t u[4];

	if (c < 0x80) {
		u[0] = c;
		dbuf_add(b, u, 1);
	} else if (c < 0x800) {
		u[0] = 0xc0 | (c >> 6);
		u[1] = 0x80 | (c & 0x3f);
		dbuf_add(b, u, 2);
	} else if (c < 0x10000) {
		u[0] = 0xe0 | (c >> 12);
		u[1] = 0x80 | ((c >> 6) & 0x3f);
		u[2] = 0x80 | (c & 0x3f);
		dbuf_add(b, u, 3);
	} else {
		u[0] = 0xf0 | (c >> 18);
		u[1] = 0x80 | ((c >> 12) & 0x3f);
		u[2] = 0x80 | ((c >> 6) & 0x3f);
		u[3] = 0x80 | (c & 0x3f);
		dbuf_add(b, u, 4);
	}
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A strict reader of a whole JSON document (RFC 8259) into a tree, for
 * what phonefleet reads back of its own reports (`report merge`): objects,
 * arrays, strings (escapes decoded to UTF-8), numbers (unsigned integers
 * exactly, the rest as doubles), true, false, null.  Bounded: nesting
 * depth, nodes, and bytes are capped, and going over is an error of the
 * input, as a duplicate key, bad UTF-8 or trailing bytes are.  It is not
 * the flat-object reader of proto/json.c, which the cloud endpoints use.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

struct jdoc_parser {
	const uint8_t *p, *end, *start;
	size_t nodes;
	char *cause;
};

static int jdoc_value(struct jdoc_parser *, struct jdoc *, int);
static void jdoc_clear(struct jdoc *);

static int
jdoc_error(struct jdoc_parser *jp, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (jp->cause != NULL)
		return (-1);
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	xasprintf(&jp->cause, "offset %zu: %s", (size_t)(jp->p - jp->start), s);
	free(s);
	return (-1);
}

static void
jdoc_ws(struct jdoc_parser *jp)
{
	while (jp->p < jp->end &&
	    (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n' ||
		*jp->p == '\r'))
		jp->p++;
}

static int
jdoc_hex4(struct jdoc_parser *jp, unsigned *v)
{
	int i, c;

	*v = 0;
	if (jp->end - jp->p < 4)
		return (jdoc_error(jp, "short \\u escape"));
	for (i = 0; i < 4; i++) {
		c = jp->p[i];
		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return (jdoc_error(jp, "bad \\u escape"));
	}
	jp->p += 4;
	return (0);
}

static void
jdoc_utf8_put(struct dbuf *b, unsigned c)
{
	uint8_t u[4];
	size_t n;

	if (c < 0x80) {
		u[0] = (uint8_t)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (uint8_t)(0xc0 | (c >> 6));
		u[1] = (uint8_t)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (uint8_t)(0xe0 | (c >> 12));
		u[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (uint8_t)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | (c >> 18));
		u[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (uint8_t)(0x80 | (c & 0x3f));
		n = 4;
	}
	dbuf_add(b, u, n);
}

/* A string at jp->p ('"'): its decoded bytes, NUL-terminated, in *out. */
static int
jdoc_string(struct jdoc_parser *jp, char **out, size_t *len)
{
	struct dbuf b;
	unsigned c, lo;
	uint8_t ch;
	size_t n;

	jp->p++;
	dbuf_init(&b);
	for (;;) {
		if (jp->p >= jp->end) {
			dbuf_clear(&b);
			return (jdoc_error(jp, "unterminated string"));
		}
		c = *jp->p;
		if (c == '"') {
			jp->p++;
			break;
		}
		if (c < 0x20) {
			dbuf_clear(&b);
			return (jdoc_error(jp,
			    "control character in a "
			    "string"));
		}
		if (c != '\\') {
			n = (size_t)(jp->end - jp->p);
			if (json_utf8(jp->p, &n) == -1) {
				dbuf_clear(&b);
				return (jdoc_error(jp, "bad UTF-8"));
			}
			dbuf_add(&b, jp->p, n);
			jp->p += n;
			continue;
		}
		if (++jp->p >= jp->end) {
			dbuf_clear(&b);
			return (jdoc_error(jp, "unterminated string"));
		}
		c = *jp->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/':
			ch = (uint8_t)c;
			dbuf_add(&b, &ch, 1);
			break;
		case 'b':
			dbuf_add(&b, "\b", 1);
			break;
		case 'f':
			dbuf_add(&b, "\f", 1);
			break;
		case 'n':
			dbuf_add(&b, "\n", 1);
			break;
		case 'r':
			dbuf_add(&b, "\r", 1);
			break;
		case 't':
			dbuf_add(&b, "\t", 1);
			break;
		case 'u':
			if (jdoc_hex4(jp, &c) != 0) {
				dbuf_clear(&b);
				return (-1);
			}
			if (c >= 0xdc00 && c <= 0xdfff) {
				dbuf_clear(&b);
				return (jdoc_error(jp, "lone low surrogate"));
			}
			if (c >= 0xd800 && c <= 0xdbff) {
				/* RFC 8259 7: a pair makes one character. */
				if (jp->end - jp->p < 2 || jp->p[0] != '\\' ||
				    jp->p[1] != 'u') {
					dbuf_clear(&b);
					return (jdoc_error(jp,
					    "lone high "
					    "surrogate"));
				}
				jp->p += 2;
				if (jdoc_hex4(jp, &lo) != 0 || lo < 0xdc00 ||
				    lo > 0xdfff) {
					dbuf_clear(&b);
					return (jdoc_error(jp,
					    "bad surrogate "
					    "pair"));
				}
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (c == 0) {
				dbuf_clear(&b);
				return (jdoc_error(jp, "\\u0000 in a string"));
			}
			jdoc_utf8_put(&b, c);
			break;
		default:
			dbuf_clear(&b);
			return (jdoc_error(jp, "bad escape"));
		}
	}
	*len = b.len;
	dbuf_add(&b, "", 1);
	*out = (char *)dbuf_steal(&b, NULL);
	return (0);
}

static int
jdoc_number(struct jdoc_parser *jp, struct jdoc *j)
{
	const uint8_t *s = jp->p;
	char tmp[64], *end;
	size_t n;
	int is_int = 1;
	uint64_t v = 0;

	if (jp->p < jp->end && *jp->p == '-') {
		jp->p++;
		is_int = 0;
	}
	if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
		return (jdoc_error(jp, "bad number"));
	if (*jp->p == '0' && jp->p + 1 < jp->end && jp->p[1] >= '0' &&
	    jp->p[1] <= '9')
		return (jdoc_error(jp, "leading zero"));
	while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
		if (is_int) {
			if (v > (UINT64_MAX - (uint64_t)(*jp->p - '0')) / 10)
				is_int = 0;
			else
				v = v * 10 + (uint64_t)(*jp->p - '0');
		}
		jp->p++;
	}
	if (jp->p < jp->end && *jp->p == '.') {
		is_int = 0;
		jp->p++;
		if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
			return (jdoc_error(jp, "bad number"));
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	if (jp->p < jp->end && (*jp->p == 'e' || *jp->p == 'E')) {
		is_int = 0;
		jp->p++;
		if (jp->p < jp->end && (*jp->p == '+' || *jp->p == '-'))
			jp->p++;
		if (jp->p >= jp->end || *jp->p < '0' || *jp->p > '9')
			return (jdoc_error(jp, "bad number"));
		while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9')
			jp->p++;
	}
	j->type = JDOC_NUM;
	j->is_uint = is_int;
	j->u = v;
	n = (size_t)(jp->p - s);
	if (n >= sizeof tmp)
		n = sizeof tmp - 1; /* a double needs no more digits */
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	j->d = strtod(tmp, &end);
	return (0);
}

static int
jdoc_lit(struct jdoc_parser *jp, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, lit, n) != 0)
		return (jdoc_error(jp, "unexpected character"));
	jp->p += n;
	return (0);
}

static struct jdoc *
jdoc_kid_add(struct jdoc_parser *jp, struct jdoc *j)
{
	struct jdoc *k;

	if (++jp->nodes > JDOC_NODES_MAX) {
		jdoc_error(jp, "over %u values", JDOC_NODES_MAX);
		return (NULL);
	}
	if (j->nkid == j->cap) {
		j->cap = j->cap == 0 ? 4 : j->cap * 2;
		j->kid = xreallocarray(j->kid, j->cap, sizeof *j->kid);
	}
	k = &j->kid[j->nkid++];
	memset(k, 0, sizeof *k);
	return (k);
}

static int
jdoc_value(struct jdoc_parser *jp, struct jdoc *j, int depth)
{
	struct jdoc *k;
	size_t len, i;
	char *key;

	jdoc_ws(jp);
	if (jp->p >= jp->end)
		return (jdoc_error(jp, "unexpected end"));
	if (depth > JDOC_DEPTH_MAX)
		return (
		    jdoc_error(jp, "nested over %d levels", JDOC_DEPTH_MAX));
	switch (*jp->p) {
	case '{':
		j->type = JDOC_OBJ;
		jp->p++;
		jdoc_ws(jp);
		if (jp->p < jp->end && *jp->p == '}') {
			jp->p++;
			return (0);
		}
		for (;;) {
			jdoc_ws(jp);
			if (jp->p >= jp->end || *jp->p != '"')
				return (jdoc_error(jp, "expected a key"));
			if (jdoc_string(jp, &key, &len) != 0)
				return (-1);
			if (strlen(key) != len) {
				free(key);
				return (jdoc_error(jp, "NUL in a key"));
			}
			for (i = 0; i < j->nkid; i++) {
				if (strcmp(j->kid[i].key, key) == 0) {
					jdoc_error(jp, "duplicate key \"%s\"",
					    key);
					free(key);
					return (-1);
				}
			}
			if ((k = jdoc_kid_add(jp, j)) == NULL) {
				free(key);
				return (-1);
			}
			k->key = key;
			jdoc_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return (jdoc_error(jp, "expected ':'"));
			jp->p++;
			if (jdoc_value(jp, k, depth + 1) != 0)
				return (-1);
			jdoc_ws(jp);
			if (jp->p < jp->end && *jp->p == ',') {
				jp->p++;
				continue;
			}
			if (jp->p < jp->end && *jp->p == '}') {
				jp->p++;
				return (0);
			}
			return (jdoc_error(jp, "expected ',' or '}'"));
		}
	case '[':
		j->type = JDOC_ARR;
		jp->p++;
		jdoc_ws(jp);
		if (jp->p < jp->end && *jp->p == ']') {
			jp->p++;
			return (0);
		}
		for (;;) {
			if ((k = jdoc_kid_add(jp, j)) == NULL)
				return (-1);
			if (jdoc_value(jp, k, depth + 1) != 0)
				return (-1);
			jdoc_ws(jp);
			if (jp->p < jp->end && *jp->p == ',') {
				jp->p++;
				continue;
			}
			if (jp->p < jp->end && *jp->p == ']') {
				jp->p++;
				return (0);
			}
			return (jdoc_error(jp, "expected ',' or ']'"));
		}
	case '"':
		j->type = JDOC_STR;
		return (jdoc_string(jp, &j->str, &j->len));
	case 't':
		j->type = JDOC_BOOL;
		j->u = 1;
		return (jdoc_lit(jp, "true"));
	case 'f':
		j->type = JDOC_BOOL;
		return (jdoc_lit(jp, "false"));
	case 'n':
		j->type = JDOC_NULL;
		return (jdoc_lit(jp, "null"));
	default:
		return (jdoc_number(jp, j));
	}
}

struct jdoc *
jdoc_parse(const uint8_t *buf, size_t len, char **cause)
{
	struct jdoc_parser jp;
	struct jdoc *j;

	memset(&jp, 0, sizeof jp);
	jp.p = jp.start = buf;
	jp.end = buf + len;
	j = xcalloc(1, sizeof *j);
	if (len > JDOC_LEN_MAX)
		jdoc_error(&jp, "over %u bytes", JDOC_LEN_MAX);
	else if (jdoc_value(&jp, j, 0) == 0) {
		jdoc_ws(&jp);
		if (jp.p != jp.end)
			jdoc_error(&jp, "bytes after the value");
	}
	if (jp.cause != NULL) {
		jdoc_free(j);
		if (cause != NULL)
			*cause = jp.cause;
		else
			free(jp.cause);
		return (NULL);
	}
	return (j);
}

static void
jdoc_clear(struct jdoc *j)
{
	size_t i;

	for (i = 0; i < j->nkid; i++)
		jdoc_clear(&j->kid[i]);
	free(j->kid);
	free(j->key);
	free(j->str);
}

void
jdoc_free(struct jdoc *j)
{
	if (j == NULL)
		return;
	jdoc_clear(j);
	free(j);
}

const struct jdoc *
jdoc_get(const struct jdoc *j, const char *key)
{
	size_t i;

	if (j == NULL || j->type != JDOC_OBJ)
		return (NULL);
	for (i = 0; i < j->nkid; i++) {
		if (strcmp(j->kid[i].key, key) == 0)
			return (&j->kid[i]);
	}
	return (NULL);
}

int
jdoc_u64(const struct jdoc *j, uint64_t *v)
{
	if (j == NULL || j->type != JDOC_NUM || !j->is_uint)
		return (-1);
	*v = j->u;
	return (0);
}

const char *
jdoc_type_name(enum jdoc_type t)
{
	static const char *const names[] = { "null", "boolean", "number",
		"string", "array", "object" };

	return ((size_t)t < nitems(names) ? names[t] : "?");
}

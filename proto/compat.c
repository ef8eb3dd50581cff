/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Small helpers glibc 2.36 lacks: strlcpy, a bounded unsigned parser and a
 * printable escape for peer text in messages.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

size_t
pf_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	len = strlen(src);

	if (size != 0) {
		size_t	n = len >= size ? size - 1 : len;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return (len);
}

/*
 * Parse a decimal unsigned integer in [min, max].  Returns 0, or -1 with an
 * allocated reason in *cause (when cause is not NULL).
 */
int
parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v,
    char **cause)
{
	const char		*p;
	unsigned long long	 n;
	char			*end;

	if (s == NULL || *s == '\0') {
		if (cause != NULL)
			*cause = xstrdup("empty number");
		return (-1);
	}
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p)) {
			if (cause != NULL)
				xasprintf(cause, "\"%s\" is not a number", s);
			return (-1);
		}
	}
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE || n < min || n > max) {
		if (cause != NULL)
			xasprintf(cause, "%s is out of range %llu..%llu", s,
			    (unsigned long long)min, (unsigned long long)max);
		return (-1);
	}
	*v = n;
	return (0);
}

int
pf_strcasecmp_ascii(const char *a, const char *b)
{
	int	ca, cb;

	for (;; a++, b++) {
		ca = tolower((unsigned char)*a);
		cb = tolower((unsigned char)*b);
		if (ca != cb || ca == '\0')
			return (ca - cb);
	}
}

/*
 * Escape peer text for a one-line message: printable ASCII stays, quote and
 * backslash are escaped, everything else becomes \xNN.  Caller frees.
 */
char *
pf_escape(const char *s, size_t len)
{
	char	*out, *p;
	size_t	 i;

	out = p = xmalloc(len * 4 + 1);
	for (i = 0; i < len; i++) {
		unsigned char	c = s[i];

		if (c == '"' || c == '\\') {
			*p++ = '\\';
			*p++ = c;
		} else if (c >= 0x20 && c < 0x7f)
			*p++ = c;
		else
			p += sprintf(p, "\\x%02x", c);
	}
	*p = '\0';
	return (out);
}

int
ipv4_parse(const char *s, uint32_t *addr)
{
	unsigned int	 a[4];
	char		 tail;

	if (sscanf(s, "%u.%u.%u.%u%c", &a[0], &a[1], &a[2], &a[3], &tail) != 4)
		return (-1);
	if (a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255)
		return (-1);
	if (strspn(s, "0123456789.") != strlen(s))
		return (-1);
	*addr = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
	return (0);
}

const char *
ipv4_str(uint32_t addr, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
	    (addr >> 8) & 0xff, addr & 0xff);
	return (buf);
}

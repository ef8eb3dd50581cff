/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * tls_name_match() (9.6, RFC 6125 6.4) on arbitrary bytes: the input is
 * "pattern\nhost".  Beyond not crashing: a match never depends on case, a
 * name without '*' matches only itself, and a wildcard never matches a
 * name with fewer labels than the pattern.
 */

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu-int.h"

#define FUZZ_CERTNAME_MAX	600	/* longer than any name matched */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t	fuzz_certname_labels(const char *);

static size_t
fuzz_certname_labels(const char *s)
{
	size_t	n = 1, len = strlen(s);

	if (len > 0 && s[len - 1] == '.')
		len--;
	while (len-- > 0) {
		if (s[len] == '.')
			n++;
	}
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*buf, *host, *upper;
	const char	*nl;
	size_t		 i, plen;
	int		 m;

	if (size > FUZZ_CERTNAME_MAX)
		return (0);
	buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = '\0';
	plen = strlen(buf);
	if ((nl = memchr(buf, '\n', plen)) != NULL) {
		host = buf + (nl - buf) + 1;
		buf[nl - buf] = '\0';
	} else
		host = buf + plen;
	m = tls_name_match(buf, host);
	if (m != 0 && m != 1)
		abort();
	upper = strdup(host);
	for (i = 0; upper[i] != '\0'; i++)
		upper[i] = toupper((unsigned char)upper[i]);
	if (tls_name_match(buf, upper) != m)
		abort();
	free(upper);
	if (m && strchr(buf, '*') == NULL &&
	    strncasecmp(buf, host, strlen(host) > 0 &&
	    host[strlen(host) - 1] == '.' ? strlen(host) - 1 :
	    strlen(host)) != 0)
		abort();
	if (m && fuzz_certname_labels(host) != fuzz_certname_labels(buf))
		abort();
	free(buf);
	return (0);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Location handling (spec 9.3): RFC 3986 5.2 reference resolution
 * (fetch_resolve_url) and the phone following redirects.  The input is
 * "base\nref\n" then driver bytes.  Resolution of ref against an http(s)
 * base must give NULL or an absolute http(s) URL without a fragment, white
 * space or control characters, whose path starts with "/" and has no "."
 * or ".." segment left, no longer than base and ref together, and that
 * resolves to itself.  Then a phone fetching from base is answered with
 * redirects to the rest of the bytes (phone-drv.h).
 */

#include <strings.h>

#include "emu/emu-int.h"
#include "phone-drv.h"

#define FUZZ_LOC_MAX	8192	/* bytes of base or ref taken */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_location_check(const char *, const char *);
static const char *fuzz_location_line(struct drv_in *, char *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv	 dv;
	struct drv_in	 in = { data, size, 0 };
	char		*line, *base, *ref, *norm;
	size_t		 i, n;

	line = malloc(FUZZ_LOC_MAX + 1);
	base = malloc(FUZZ_LOC_MAX + 16);
	ref = malloc(FUZZ_LOC_MAX + 1);
	if (line == NULL || base == NULL || ref == NULL)
		abort();
	fuzz_location_line(&in, line, FUZZ_LOC_MAX);
	fuzz_location_line(&in, ref, FUZZ_LOC_MAX);
	/*
	 * A base the phone could hold: http(s), a host, a path, no white
	 * space and no fragment.
	 */
	for (i = 0; line[i] != '\0'; i++) {
		if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f ||
		    line[i] == '#')
			line[i] = '_';
	}
	n = strcspn(line, "/?");
	snprintf(base, FUZZ_LOC_MAX + 16, "%s://%s%.*s%s%s",
	    (line[0] & 1) ? "https" : "http", n == 0 ? "h" : "", (int)n, line,
	    line[n] == '/' ? "" : "/", line + n);
	/* As the phone holds it: normalised (a rule's dots stay in an empty
	 * or query-only reference, RFC 3986 5.2.2). */
	if ((norm = fetch_resolve_url(base, base)) != NULL) {
		fuzz_location_check(norm, ref);
		free(norm);
	}
	fuzz_location_check("http://10.0.0.5/a/b/c.xml?q=1#f", ref);

	/* The phone: the rest of the bytes answer with redirects. */
	drv_init(&dv, data + in.off, size - in.off);
	memset(dv.weight, 0, sizeof dv.weight);
	dv.weight[DRV_OP_TIMER] = 1;
	dv.weight[DRV_OP_DNS] = 2;
	dv.weight[DRV_OP_HTTP] = 8;
	dv.weight[DRV_OP_EOF] = 1;
	drv_param(&dv, "Profile_Rule", "http://10.0.0.5/a/b/c.xml");
	drv_param(&dv, "Resync_Random_Delay", "0");
	drv_boot(&dv);
	drv_run(&dv);
	drv_fini(&dv);
	free(line);
	free(base);
	free(ref);
	return (0);
}

/* Bytes up to a newline (or the end), NUL-terminated, at most max. */
static const char *
fuzz_location_line(struct drv_in *in, char *buf, size_t max)
{
	size_t	n = 0;
	uint8_t	c;

	while (in->off < in->n) {
		c = in->d[in->off++];
		if (c == '\n')
			break;
		if (n < max && c != '\0')
			buf[n++] = c;
	}
	buf[n] = '\0';
	return (buf);
}

static void
fuzz_location_check(const char *base, const char *ref)
{
	char		*r, *again;
	const char	*auth, *path, *s;
	size_t		 n, i;

	if ((r = fetch_resolve_url(base, ref)) == NULL)
		return;
	if (strncasecmp(r, "http://", 7) != 0 &&
	    strncasecmp(r, "https://", 8) != 0)
		abort();
	if (strlen(r) > strlen(base) + strlen(ref) + 2)
		abort();
	for (i = 0; r[i] != '\0'; i++) {
		if ((unsigned char)r[i] <= ' ' || r[i] == 0x7f || r[i] == '#')
			abort();
	}
	auth = strstr(r, "://") + 3;
	path = auth + strcspn(auth, "/?");
	if (*path != '/')
		abort();
	/* No dot segment left (5.2.4). */
	n = strcspn(path, "?");
	for (s = path; s < path + n; s += strcspn(s + 1, "/?") + 1) {
		size_t	seg = strcspn(s + 1, "/?");

		if ((seg == 1 && s[1] == '.') ||
		    (seg == 2 && s[1] == '.' && s[2] == '.'))
			abort();
	}
	/* An absolute URL resolves to itself. */
	if ((again = fetch_resolve_url(base, r)) == NULL ||
	    strcmp(again, r) != 0)
		abort();
	free(again);
	free(r);
}

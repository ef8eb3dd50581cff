/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Schedule syntax of Resync_Periodic, Resync_Error_Retry_Delay and
 * Upgrade_Error_Retry_Delay (spec 3.5):
 *
 *	schedule = element { "," element } ;
 *	element  = seconds [ "+" extra ] ;	delay = seconds + rand(0, extra)
 *
 * One element per use; the last element repeats forever.  Whitespace around
 * "," and "+" (and around the whole value) is ignored.  An empty schedule,
 * or an element whose seconds are 0, means "disabled" (delay 0).  Which
 * element to use, and what to do with a malformed value, is the caller's
 * business: this module only parses and draws.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define SCHED_NUM_MAX	2147483648ULL	/* 2^31: largest number accepted */
#define SCHED_QUOTE_MAX	64	/* bytes of a bad value quoted in a cause */

struct sched_elem {
	uint32_t	seconds;
	uint32_t	extra;
};

static int	sched_parse(const char *, struct sched_elem *, unsigned *,
		    char **);
static int	sched_number(const char **, const char *, uint32_t *);
static char	*sched_quote(const char *, size_t);

int
sched_delay(const char *spec, unsigned idx, struct prng *r,
    uint32_t *delay_s, char **cause)
{
	struct sched_elem	 el[SCHED_MAX];
	unsigned		 n;
	uint64_t		 d;

	if (sched_parse(spec, el, &n, cause) != 0)
		return (-1);
	if (n == 0) {
		*delay_s = 0;
		return (0);
	}
	if (idx >= n)
		idx = n - 1;
	if (el[idx].seconds == 0) {
		*delay_s = 0;
		return (0);
	}
	d = el[idx].seconds;
	if (el[idx].extra != 0 && r != NULL)
		d += prng_range(r, el[idx].extra);
	*delay_s = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
	return (0);
}

int
sched_valid(const char *spec, char **cause)
{
	struct sched_elem	el[SCHED_MAX];
	unsigned		n;

	return (sched_parse(spec, el, &n, cause));
}

/*
 * Parse spec into at most SCHED_MAX elements (*n of them; 0 for an empty
 * schedule).  Elements past SCHED_MAX are checked but not kept, so the last
 * one kept repeats.
 */
static int
sched_parse(const char *spec, struct sched_elem *el, unsigned *n,
    char **cause)
{
	const char	*p, *start, *end;
	struct sched_elem e;
	unsigned	 idx = 0;
	int		 rc = -1;
	char		*q;

	*n = 0;
	if (spec == NULL)
		return (0);
	p = spec;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return (0);
	for (;;) {
		/* One element: [start, end) without surrounding blanks. */
		start = p;
		end = p + strcspn(p, ",");
		while (isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		idx++;
		if (start == end) {
			if (cause != NULL) {
				q = sched_quote(spec, strlen(spec));
				xasprintf(cause, "empty element %u in \"%s\"",
				    idx, q);
				free(q);
			}
			return (-1);
		}
		p = start;
		e.extra = 0;
		if ((rc = sched_number(&p, end, &e.seconds)) != 0)
			goto bad;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && *p == '+') {
			p++;
			while (p < end && isspace((unsigned char)*p))
				p++;
			if ((rc = sched_number(&p, end, &e.extra)) != 0)
				goto bad;
		}
		if (p != end) {
			rc = -1;
			goto bad;
		}
		if (*n < SCHED_MAX)
			el[(*n)++] = e;
		p = start + strcspn(start, ",");
		if (*p == '\0')
			break;
		p++;
	}
	return (0);

bad:
	if (cause != NULL) {
		q = sched_quote(start, end - start);
		if (rc == -2)
			xasprintf(cause, "\"%s\" is too big (max %llu)", q,
			    SCHED_NUM_MAX);
		else if (memchr(start, '+', end - start) != NULL)
			xasprintf(cause, "\"%s\" is not seconds+extra", q);
		else
			xasprintf(cause, "\"%s\" is not a number", q);
		free(q);
	}
	return (-1);
}

/*
 * Digits at *pp (before end); advances *pp.  -1 not a number, -2 over
 * SCHED_NUM_MAX.
 */
static int
sched_number(const char **pp, const char *end, uint32_t *v)
{
	const char	*p = *pp;
	uint64_t	 n = 0;

	if (p == end || !isdigit((unsigned char)*p))
		return (-1);
	for (; p < end && isdigit((unsigned char)*p); p++) {
		n = n * 10 + (*p - '0');
		if (n > SCHED_NUM_MAX)
			return (-2);
	}
	*v = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	*pp = p;
	return (0);
}

/* Escaped, shortened copy of peer text for a cause.  Caller frees. */
static char *
sched_quote(const char *s, size_t len)
{
	char	*e, *q;

	if (len <= SCHED_QUOTE_MAX)
		return (pf_escape(s, len));
	e = pf_escape(s, SCHED_QUOTE_MAX);
	xasprintf(&q, "%s...", e);
	free(e);
	return (q);
}

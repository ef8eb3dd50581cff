/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * dns_parse() on arbitrary bytes.  What parses must write back (with
 * compression) and parse again to the same header, question and records.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	fuzz_dns_rr_equal(const struct dns_rr *, const struct dns_rr *);

static int
fuzz_dns_rr_equal(const struct dns_rr *a, const struct dns_rr *b)
{
	if (strcmp(a->name, b->name) != 0 || a->type != b->type ||
	    a->class != b->class || a->ttl != b->ttl)
		return (0);
	switch (a->type) {
	case DNS_T_A:
		return (a->a == b->a);
	case DNS_T_CNAME:
		return (strcmp(a->target, b->target) == 0);
	case DNS_T_SRV:
		return (a->prio == b->prio && a->weight == b->weight &&
		    a->port == b->port && strcmp(a->target, b->target) == 0);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_msg	 m, r;
	struct dbuf	 b;
	char		*cause = NULL;
	size_t		 i;

	if (dns_parse(&m, data, size, &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	dbuf_init(&b);
	dns_write(&m, &b);
	if (dns_parse(&r, b.data, b.len, &cause) != 0)
		abort();
	dbuf_clear(&b);

	if (r.id != m.id || r.qr != m.qr || r.opcode != m.opcode ||
	    r.aa != m.aa || r.tc != m.tc || r.rd != m.rd || r.ra != m.ra ||
	    r.rcode != m.rcode || r.has_question != m.has_question ||
	    r.nan != m.nan || r.nar != m.nar)
		abort();
	if (m.has_question && (strcmp(r.qname, m.qname) != 0 ||
	    r.qtype != m.qtype || r.qclass != m.qclass))
		abort();
	for (i = 0; i < m.nan; i++) {
		if (!fuzz_dns_rr_equal(&m.an[i], &r.an[i]))
			abort();
	}
	for (i = 0; i < m.nar; i++) {
		if (!fuzz_dns_rr_equal(&m.ar[i], &r.ar[i]))
			abort();
	}
	return (0);
}

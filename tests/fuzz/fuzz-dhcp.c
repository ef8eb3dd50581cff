/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * dhcp_parse() on arbitrary bytes.  What parses must write back and parse
 * again to the same header and option values (the writer never overloads,
 * so sname, file and option 52 are the only things allowed to move).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_msg	 m, r;
	struct dbuf	 b;
	const uint8_t	*v, *w;
	char		*cause = NULL;
	size_t		 c, vl, wl;

	if (dhcp_parse(&m, data, size, &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	dbuf_init(&b);
	dhcp_write(&m, &b);
	if (b.len < 300 || dhcp_parse(&r, b.data, b.len, &cause) != 0)
		abort();
	dbuf_clear(&b);

	if (r.op != m.op || r.htype != m.htype || r.hlen != m.hlen ||
	    r.hops != m.hops || r.xid != m.xid || r.secs != m.secs ||
	    r.flags != m.flags || r.ciaddr != m.ciaddr ||
	    r.yiaddr != m.yiaddr || r.siaddr != m.siaddr ||
	    r.giaddr != m.giaddr ||
	    memcmp(r.chaddr, m.chaddr, sizeof m.chaddr) != 0 ||
	    strcmp(r.sname, m.sname) != 0 || strcmp(r.file, m.file) != 0 ||
	    r.norder != m.norder || r.optdata_len != m.optdata_len)
		abort();
	for (c = 0; c < 256; c++) {
		v = dhcp_opt_get(&m, c, &vl);
		w = dhcp_opt_get(&r, c, &wl);
		if ((v == NULL) != (w == NULL))
			abort();
		if (v != NULL && (vl != wl || memcmp(v, w, vl) != 0))
			abort();
	}
	(void)dhcp_type_name(dhcp_type(&r));
	return (0);
}

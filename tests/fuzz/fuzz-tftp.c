/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for proto/tftp.c: any datagram parses or fails with a reason;
 * what parses writes back to a datagram that parses to the same packet.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tftp_pkt	 p, q;
	struct dbuf	 b;
	char		*cause = NULL;

	if (tftp_parse(&p, data, size, &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return (0);
	}
	if (cause != NULL)
		abort();
	(void)tftp_op_name(p.op);

	dbuf_init(&b);
	tftp_write(&p, &b);
	if (tftp_parse(&q, b.data, b.len, &cause) != 0)
		abort();
	if (p.op != q.op || p.block != q.block || p.code != q.code ||
	    p.len != q.len || p.blksize != q.blksize || p.tsize != q.tsize ||
	    p.timeout != q.timeout || strcmp(p.file, q.file) != 0 ||
	    strcmp(p.mode, q.mode) != 0 || strcmp(p.msg, q.msg) != 0)
		abort();
	if (p.len != 0 && memcmp(p.data, q.data, p.len) != 0)
		abort();
	dbuf_clear(&b);
	return (0);
}

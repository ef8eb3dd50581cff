/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for SIP (spec 16.3): proto/sip.c parses any datagram or
 * fails with a one-line reason; what parses writes back to a datagram that
 * parses to the same message.  Then the same bytes reach a phone's SIP
 * port (emu/sip.c), twice (a retransmission), with a line user set: the
 * phone may answer, never crash, and what it answers must parse as a SIP
 * response.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_sip_codec(const uint8_t *, size_t);
static void	fuzz_sip_phone(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_sip_codec(data, size);
	fuzz_sip_phone(data, size);
	return (0);
}

static void
fuzz_sip_codec(const uint8_t *data, size_t size)
{
	struct sip_msg	 m, q, r;
	struct dbuf	 b;
	char		*cause = NULL, buf[64];
	size_t		 i;

	if (sip_msg_parse(&m, data, size, &cause) != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		return;
	}
	if (cause != NULL)
		abort();
	(void)sip_msg_param(m.from, "tag", buf, sizeof buf);
	(void)sip_msg_param(m.via[0], "branch", buf, sizeof buf);
	dbuf_init(&b);
	if (sip_msg_write(&m, NULL, &b) != 0)
		abort();
	if (sip_msg_parse(&q, b.data, b.len, NULL) != 0)
		abort();
	if (q.is_request != m.is_request || q.status != m.status ||
	    q.cseq != m.cseq || q.nvia != m.nvia || q.body_len != m.body_len ||
	    strcmp(q.method, m.method) != 0 || strcmp(q.uri, m.uri) != 0 ||
	    strcmp(q.from, m.from) != 0 || strcmp(q.to, m.to) != 0 ||
	    strcmp(q.call_id, m.call_id) != 0 ||
	    strcmp(q.event, m.event) != 0 ||
	    strcmp(q.authorization, m.authorization) != 0 ||
	    strcmp(q.www_authenticate, m.www_authenticate) != 0)
		abort();
	for (i = 0; i < m.nvia; i++) {
		if (strcmp(q.via[i], m.via[i]) != 0)
			abort();
	}
	if (m.body_len != 0 && memcmp(q.body, m.body, m.body_len) != 0)
		abort();
	if (m.is_request) {
		sip_msg_reply(&m, 401, NULL, "0123456789abcdef", &r);
		dbuf_reset(&b);
		if (sip_msg_write(&r, NULL, &b) != 0 ||
		    sip_msg_parse(&q, b.data, b.len, NULL) != 0)
			abort();
	}
	dbuf_clear(&b);
}

static void
fuzz_sip_phone(const uint8_t *data, size_t size)
{
	static const uint8_t	 mac[6] = { 0x00, 0x56, 0x2b, 0, 0, 1 };
	struct emu_ctx		*ctx = emu_ctx_create(1);
	struct phone_conf	 c;
	struct phone		*p;
	struct emu_outbox	 out;
	struct sip_msg		 r;
	size_t			 i, round;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	memcpy(c.mac, mac, 6);
	c.key_group = -1;
	p = phone_create(ctx, &c);
	emu_outbox_init(&out);
	if (phone_set(p, "User_ID_1_", "1001", 0, &cause) != 0 ||
	    phone_set(p, "Password_1_", "secret", 0, &cause) != 0)
		abort();
	phone_handle(p, &(struct emu_event){ .type = EMU_EV_POWER_ON }, 0,
	    &out);
	for (round = 0; round < 2; round++) {
		emu_outbox_clear(&out);
		phone_handle(p, &(struct emu_event){ .type = EMU_EV_DGRAM,
		    .flow = EMU_FLOW_SIP, .src_ip = 0x0a000009,
		    .src_port = 5060, .data = data, .len = size },
		    EMU_SEC(1 + round), &out);
		for (i = 0; i < out.n; i++) {
			if (out.act[i].type != EMU_ACT_DGRAM ||
			    out.act[i].u.dgram.flow != EMU_FLOW_SIP)
				continue;
			if (sip_msg_parse(&r, emu_act_data(&out, &out.act[i]),
			    out.act[i].len, NULL) != 0 || r.is_request)
				abort();
		}
	}
	emu_outbox_free(&out);
	phone_free(p);
	emu_ctx_free(ctx);
}

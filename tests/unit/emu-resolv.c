/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's DNS resolver (spec 9.7, 4.3) driven by hand: the test is the
 * DNS server.  It starts a lookup on a phone, reads the query from the
 * outbox, answers with packets built by proto/dns.c and checks the order,
 * the cache, the retries and the bounds.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emu/emu-int.h"

#define DNS1		0x0a000035	/* 10.0.0.53 */
#define DNS2		0x0a000036	/* 10.0.0.54 */
#define FLOW		EMU_FLOW(7, 1)

static const uint8_t	test_mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

struct h {
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct emu_outbox	 out;
	size_t			 cur;
	emu_time		 now;
};

static void
h_init(struct h *h, uint64_t seed, int two_servers)
{
	struct phone_conf	c;

	memset(h, 0, sizeof *h);
	memset(&c, 0, sizeof c);
	memcpy(c.mac, test_mac, 6);
	c.model = "CP-8851-3PCC";
	c.serial = "FCH2301ABCD";
	c.swver = "sip88xx.12-0-7MPP0301-92";
	h->ctx = emu_ctx_create(seed);
	h->p = phone_create(h->ctx, &c);
	h->p->ip = 0x0a000064;
	h->p->dns[0] = DNS1;
	h->p->dns[1] = two_servers ? DNS2 : 0;
	emu_outbox_init(&h->out);
}

static void
h_fini(struct h *h)
{
	phone_free(h->p);
	emu_ctx_free(h->ctx);
	emu_outbox_free(&h->out);
}

/* The next query the phone sent; its server in *dst. */
static int
next_query(struct h *h, struct dns_msg *m, uint32_t *dst)
{
	const struct emu_action	*a;
	char			*cause = NULL;

	for (; h->cur < h->out.n; h->cur++) {
		a = &h->out.act[h->cur];
		if (a->type != EMU_ACT_DGRAM)
			continue;
		h->cur++;
		assert_int_equal(a->u.dgram.dst_port, DNS_PORT);
		assert_int_equal(a->u.dgram.flow, FLOW);
		*dst = a->u.dgram.dst_ip;
		assert_int_equal(dns_parse(m, emu_act_data(&h->out, a),
		    a->len, &cause), 0);
		return (1);
	}
	return (0);
}

static struct dns_rr
rr_a(const char *name, uint32_t ttl, uint32_t a)
{
	struct dns_rr	rr;

	memset(&rr, 0, sizeof rr);
	snprintf(rr.name, sizeof rr.name, "%s", name);
	rr.type = DNS_T_A;
	rr.class = DNS_C_IN;
	rr.ttl = ttl;
	rr.a = a;
	return (rr);
}

static struct dns_rr
rr_srv(const char *name, uint16_t prio, uint16_t weight, uint16_t port,
    const char *target)
{
	struct dns_rr	rr;

	memset(&rr, 0, sizeof rr);
	snprintf(rr.name, sizeof rr.name, "%s", name);
	rr.type = DNS_T_SRV;
	rr.class = DNS_C_IN;
	rr.ttl = 86400;
	rr.prio = prio;
	rr.weight = weight;
	rr.port = port;
	snprintf(rr.target, sizeof rr.target, "%s", target);
	return (rr);
}

static struct dns_rr
rr_cname(const char *name, const char *target)
{
	struct dns_rr	rr;

	memset(&rr, 0, sizeof rr);
	snprintf(rr.name, sizeof rr.name, "%s", name);
	rr.type = DNS_T_CNAME;
	rr.class = DNS_C_IN;
	rr.ttl = 3600;
	snprintf(rr.target, sizeof rr.target, "%s", target);
	return (rr);
}

/* Answer query q from server src with rcode and the records. */
static enum resolv_rc
answer(struct h *h, struct resolv_q *rq, const struct dns_msg *q,
    uint32_t src, int rcode, const struct dns_rr *rr, int n)
{
	struct dns_msg		*m;
	struct dbuf		 b;
	struct emu_event	 ev;
	enum resolv_rc		 rc;
	int			 i;

	m = calloc(1, sizeof *m);
	assert_non_null(m);
	dns_query(m, q->id, q->qname, q->qtype);
	m->qr = 1;
	m->rcode = rcode;
	for (i = 0; i < n; i++)
		dns_add_answer(m, &rr[i]);
	dbuf_init(&b);
	dns_write(m, &b);
	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_DGRAM;
	ev.flow = FLOW;
	ev.src_ip = src;
	ev.src_port = DNS_PORT;
	ev.data = b.data;
	ev.len = b.len;
	rc = resolv_input(rq, h->p, &ev, h->now, &h->out);
	dbuf_clear(&b);
	free(m);
	return (rc);
}

/* B7: priority first, then the lower weight: pr2 (20) before pr1 (60). */
static void
test_b7_srv_order_cisco(void **state)
{
	struct resolv_srv	 srv[4];
	struct prng		 r;
	uint64_t		 seed;

	(void)state;
	for (seed = 1; seed < 50; seed++) {
		memset(srv, 0, sizeof srv);
		srv[0].prio = 10; srv[0].weight = 60;
		srv[0].target = (char *)"pr1.example.com";
		srv[1].prio = 10; srv[1].weight = 20;
		srv[1].target = (char *)"pr2.example.com";
		srv[2].prio = 5; srv[2].weight = 90;
		srv[2].target = (char *)"first.example.com";
		srv[3].prio = 20; srv[3].weight = 0;
		srv[3].target = (char *)"last.example.com";
		prng_seed(&r, seed, test_mac);
		resolv_srv_sort(srv, 4, &r);
		assert_string_equal(srv[0].target, "first.example.com");
		assert_string_equal(srv[1].target, "pr2.example.com");
		assert_string_equal(srv[2].target, "pr1.example.com");
		assert_string_equal(srv[3].target, "last.example.com");
	}
}

/* Records equal in priority and weight: one seed, one order; seeds vary. */
static void
test_b7_srv_ties_seeded(void **state)
{
	struct resolv_srv	 srv[2];
	struct prng		 r;
	uint64_t		 seed;
	int			 a_first = 0, b_first = 0, again;

	(void)state;
	for (seed = 1; seed <= 64; seed++) {
		memset(srv, 0, sizeof srv);
		srv[0].prio = srv[1].prio = 10;
		srv[0].weight = srv[1].weight = 50;
		srv[0].target = (char *)"a";
		srv[1].target = (char *)"b";
		prng_seed(&r, seed, test_mac);
		resolv_srv_sort(srv, 2, &r);
		if (srv[0].target[0] == 'a')
			a_first++;
		else
			b_first++;
		again = srv[0].target[0];
		srv[0].target = (char *)"a";
		srv[1].target = (char *)"b";
		prng_seed(&r, seed, test_mac);
		resolv_srv_sort(srv, 2, &r);
		assert_int_equal(srv[0].target[0], again);
	}
	assert_true(a_first > 0);
	assert_true(b_first > 0);
}

/* 4.3: an SRV answer through the phone's resolver comes back in B7 order. */
static void
test_b7_srv_lookup(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr[3];
	uint32_t		 dst;
	const char		*name = "_ciscoprov-https._tls.example.com";

	(void)state;
	h_init(&h, 3, 0);
	q = resolv_start(h.p, FLOW, name, DNS_T_SRV, h.now, &h.out);
	assert_int_equal(q->rc, RESOLV_MORE);
	assert_true(next_query(&h, &m, &dst));
	assert_int_equal(dst, DNS1);
	assert_string_equal(m.qname, name);
	assert_int_equal(m.qtype, DNS_T_SRV);
	rr[0] = rr_srv(name, 10, 60, 5060, "pr1.example.com");
	rr[1] = rr_srv(name, 10, 20, 5060, "pr2.example.com");
	rr[2] = rr_srv(name, 30, 0, 443, "backup.example.com");
	assert_int_equal(answer(&h, q, &m, DNS1, DNS_R_NOERROR, rr, 3),
	    RESOLV_DONE);
	assert_int_equal(q->ans.nsrv, 3);
	assert_string_equal(q->ans.srv[0].target, "pr2.example.com");
	assert_string_equal(q->ans.srv[1].target, "pr1.example.com");
	assert_string_equal(q->ans.srv[2].target, "backup.example.com");
	assert_int_equal(q->ans.srv[2].port, 443);
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* 9.7: answers are cached for their TTL, at most RESOLV_TTL_MAX_S. */
static void
test_ttl_cache(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr;
	uint32_t		 dst;

	(void)state;
	h_init(&h, 1, 0);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_true(next_query(&h, &m, &dst));
	rr = rr_a("prov.example.com", 60, 0x0a000005);
	assert_int_equal(answer(&h, q, &m, DNS1, 0, &rr, 1), RESOLV_DONE);
	assert_int_equal(q->ans.addr[0], 0x0a000005);
	resolv_free(q, &h.out);

	/* 59 s later: from the cache, no query. */
	h.now = EMU_SEC(59);
	q = resolv_start(h.p, FLOW, "PROV.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_int_equal(q->rc, RESOLV_DONE);
	assert_int_equal(q->ans.addr[0], 0x0a000005);
	assert_false(next_query(&h, &m, &dst));
	resolv_free(q, &h.out);

	/* 61 s: expired, asked again. */
	h.now = EMU_SEC(61);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_int_equal(q->rc, RESOLV_MORE);
	assert_true(next_query(&h, &m, &dst));
	/* A day-long TTL is held at most 300 s (9.7 ASSUMPTION). */
	rr = rr_a("prov.example.com", 86400, 0x0a000006);
	assert_int_equal(answer(&h, q, &m, DNS1, 0, &rr, 1), RESOLV_DONE);
	resolv_free(q, &h.out);
	h.now = EMU_SEC(61 + RESOLV_TTL_MAX_S - 1);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_int_equal(q->rc, RESOLV_DONE);
	resolv_free(q, &h.out);
	h.now = EMU_SEC(61 + RESOLV_TTL_MAX_S);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_int_equal(q->rc, RESOLV_MORE);
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* 9.7: a silent server is asked RESOLV_TRIES times, then the second one. */
static void
test_retries_then_second_server(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr;
	uint32_t		 dst;
	int			 i;

	(void)state;
	h_init(&h, 1, 1);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	for (i = 0; i < RESOLV_TRIES; i++) {
		assert_true(next_query(&h, &m, &dst));
		assert_int_equal(dst, DNS1);
		assert_int_equal(resolv_deadline(q),
		    h.now + EMU_SEC(RESOLV_TIMEOUT_S));
		h.now = resolv_deadline(q);
		assert_int_equal(resolv_timer(q, h.p, h.now, &h.out),
		    RESOLV_MORE);
	}
	assert_true(next_query(&h, &m, &dst));
	assert_int_equal(dst, DNS2);
	/* A late answer from the first server is not taken. */
	rr = rr_a("prov.example.com", 60, 0x0a000009);
	assert_int_equal(answer(&h, q, &m, DNS1, 0, &rr, 1), RESOLV_MORE);
	rr = rr_a("prov.example.com", 60, 0x0a000005);
	assert_int_equal(answer(&h, q, &m, DNS2, 0, &rr, 1), RESOLV_DONE);
	assert_int_equal(q->ans.addr[0], 0x0a000005);
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* Both servers silent: the lookup fails after 2 x RESOLV_TRIES tries. */
static void
test_all_servers_silent(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	uint32_t		 dst;
	int			 sent = 0;

	(void)state;
	h_init(&h, 1, 1);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	while (q->rc == RESOLV_MORE) {
		while (next_query(&h, &m, &dst))
			sent++;
		h.now = resolv_deadline(q);
		resolv_timer(q, h.p, h.now, &h.out);
	}
	assert_int_equal(q->rc, RESOLV_FAIL);
	assert_int_equal(sent, 2 * RESOLV_TRIES);
	assert_non_null(strstr(q->detail, "no answer"));
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* SERVFAIL moves on to the next server at once; NXDOMAIN fails. */
static void
test_servfail_and_nxdomain(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	uint32_t		 dst;

	(void)state;
	h_init(&h, 1, 1);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_true(next_query(&h, &m, &dst));
	assert_int_equal(answer(&h, q, &m, DNS1, DNS_R_SERVFAIL, NULL, 0),
	    RESOLV_MORE);
	assert_true(next_query(&h, &m, &dst));
	assert_int_equal(dst, DNS2);
	assert_int_equal(answer(&h, q, &m, DNS2, DNS_R_NXDOMAIN, NULL, 0),
	    RESOLV_FAIL);
	assert_non_null(strstr(q->detail, "no such name"));
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* Bad input: a CNAME loop ends at RESOLV_CNAME_MAX hops. */
static void
test_cname_loop(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr[2];
	uint32_t		 dst;
	int			 asked = 0;

	(void)state;
	h_init(&h, 1, 0);
	/* Within one answer: a -> b -> a. */
	q = resolv_start(h.p, FLOW, "a.example.com", DNS_T_A, h.now, &h.out);
	assert_true(next_query(&h, &m, &dst));
	rr[0] = rr_cname("a.example.com", "b.example.com");
	rr[1] = rr_cname("b.example.com", "a.example.com");
	assert_int_equal(answer(&h, q, &m, DNS1, 0, rr, 2), RESOLV_FAIL);
	assert_non_null(strstr(q->detail, "CNAME loop"));
	resolv_free(q, &h.out);

	/* Across answers: every answer names the next alias. */
	q = resolv_start(h.p, FLOW, "c0.example.com", DNS_T_A, h.now, &h.out);
	while (q->rc == RESOLV_MORE && next_query(&h, &m, &dst)) {
		char	next[64];

		snprintf(next, sizeof next, "c%d.example.com", ++asked);
		rr[0] = rr_cname(m.qname, next);
		answer(&h, q, &m, DNS1, 0, rr, 1);
		assert_true(asked <= RESOLV_CNAME_MAX + 2);
	}
	assert_int_equal(q->rc, RESOLV_FAIL);
	assert_non_null(strstr(q->detail, "CNAME loop"));
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* A CNAME to an A record in one answer resolves. */
static void
test_cname_chain(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr[2];
	uint32_t		 dst;

	(void)state;
	h_init(&h, 1, 0);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_true(next_query(&h, &m, &dst));
	rr[0] = rr_cname("prov.example.com", "pr1.example.net");
	rr[1] = rr_a("pr1.example.net", 600, 0x0a000007);
	assert_int_equal(answer(&h, q, &m, DNS1, 0, rr, 2), RESOLV_DONE);
	assert_int_equal(q->ans.naddr, 1);
	assert_int_equal(q->ans.addr[0], 0x0a000007);
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* Bad input: an answer with more SRV records than kept stays bounded. */
static void
test_srv_many_records_bounded(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr[DNS_RR_MAX];
	uint32_t		 dst;
	int			 i;
	const char		*name = "_ciscoprov-http._tcp.example.com";

	(void)state;
	h_init(&h, 1, 0);
	q = resolv_start(h.p, FLOW, name, DNS_T_SRV, h.now, &h.out);
	assert_true(next_query(&h, &m, &dst));
	for (i = 0; i < DNS_RR_MAX; i++) {
		char	t[64];

		snprintf(t, sizeof t, "t%d.example.com", i);
		rr[i] = rr_srv(name, 10, (uint16_t)(DNS_RR_MAX - i), 80, t);
	}
	assert_int_equal(answer(&h, q, &m, DNS1, 0, rr, DNS_RR_MAX),
	    RESOLV_DONE);
	assert_true(q->ans.nsrv <= RESOLV_SRV_MAX);
	for (i = 1; i < q->ans.nsrv; i++)
		assert_true(q->ans.srv[i - 1].weight <= q->ans.srv[i].weight);
	resolv_free(q, &h.out);
	h_fini(&h);
}

/* A reply with the wrong id or from another address is ignored. */
static void
test_spoofed_answer_ignored(void **state)
{
	struct h		 h;
	struct resolv_q		*q;
	struct dns_msg		 m;
	struct dns_rr		 rr;
	uint32_t		 dst;

	(void)state;
	h_init(&h, 1, 0);
	q = resolv_start(h.p, FLOW, "prov.example.com", DNS_T_A, h.now,
	    &h.out);
	assert_true(next_query(&h, &m, &dst));
	rr = rr_a("prov.example.com", 60, 0x01020304);
	assert_int_equal(answer(&h, q, &m, 0x0a0000ff, 0, &rr, 1),
	    RESOLV_MORE);
	m.id ^= 0x5555;
	assert_int_equal(answer(&h, q, &m, DNS1, 0, &rr, 1), RESOLV_MORE);
	m.id ^= 0x5555;
	assert_int_equal(answer(&h, q, &m, DNS1, 0, &rr, 1), RESOLV_DONE);
	resolv_free(q, &h.out);
	h_fini(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b7_srv_order_cisco),
		cmocka_unit_test(test_b7_srv_ties_seeded),
		cmocka_unit_test(test_b7_srv_lookup),
		cmocka_unit_test(test_ttl_cache),
		cmocka_unit_test(test_retries_then_second_server),
		cmocka_unit_test(test_all_servers_silent),
		cmocka_unit_test(test_servfail_and_nxdomain),
		cmocka_unit_test(test_cname_loop),
		cmocka_unit_test(test_cname_chain),
		cmocka_unit_test(test_srv_many_records_bounded),
		cmocka_unit_test(test_spoofed_answer_ignored),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

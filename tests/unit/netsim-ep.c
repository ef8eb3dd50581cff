/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * netsim endpoints: the store, and the DHCP (spec 4.2), DNS (4.3, 9.7),
 * HTTP (9.2-9.5) and TFTP (10) servers, each driven with packets built by
 * the proto codecs; faults produce each case of the phone's response table.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "netsim/netsim.h"

#define IP(a, b, c, d)                                                         \
	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define SERVER_IP IP(10, 0, 0, 1)
#define PHONE_IP IP(10, 0, 1, 7)
#define RELAY_IP IP(10, 9, 0, 1)

static const uint8_t mac1[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };
static const uint8_t mac2[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x16 };
static const uint8_t mac3[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x17 };

/* Observed requests. */
struct seen {
	int n;
	int status;
	char path[256];
	char method[16];
};

static void observe(void *, const struct ep_request *);

static void
observe(void *arg, const struct ep_request *r)
{
	struct seen *s = arg;

	s->n++;
	s->status = r->status;
	snprintf(s->path, sizeof s->path, "%s", r->path);
	snprintf(s->method, sizeof s->method, "%s", r->method);
}

/* ---- store ---- */

static char *
lookup(const struct store *st, const char *path)
{
	struct dbuf b;

	dbuf_init(&b);
	if (store_lookup(st, path, &b) != 0) {
		dbuf_clear(&b);
		return (NULL);
	}
	return ((char *)dbuf_steal(&b, NULL));
}

static void
assert_lookup(const struct store *st, const char *path, const char *want)
{
	char *got;

	got = lookup(st, path);
	if (want == NULL) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_store_exact(void **state)
{
	struct store *st;

	st = store_create();
	store_add_file(st, "/a.xml", (const uint8_t *)"<a/>", 4);
	store_add_file(st, "/b.bin", (const uint8_t *)"x\0y", 3);
	assert_lookup(st, "/a.xml", "<a/>");
	assert_lookup(st, "/a.xml?mac=1", "<a/>");
	assert_lookup(st, "/a.xm", NULL);
	assert_lookup(st, "/A.xml", NULL);
	store_add_file(st, "/a.xml", (const uint8_t *)"<b/>", 4);
	assert_lookup(st, "/a.xml", "<b/>");
	store_free(st);
	store_free(NULL);
}

static void
test_store_template(void **state)
{
	struct store *st;
	static const char body[] =
	    "<flat-profile><m>{{match}}</m><a>{{mac}}</a><b>{{MAC}}</b>"
	    "{x}{{other}}</flat-profile>";

	st = store_create();
	store_add_template(st, "/cfg/*.xml", (const uint8_t *)body,
	    strlen(body));
	store_add_template(st, "/cfg/spa*.xml", (const uint8_t *)"second", 6);
	store_add_file(st, "/cfg/default.xml", (const uint8_t *)"exact", 5);

	/* Exact wins over templates; the first template wins over later. */
	assert_lookup(st, "/cfg/default.xml", "exact");
	assert_lookup(st, "/cfg/SEP00562B043615.xml?x=1",
	    "<flat-profile><m>SEP00562B043615</m><a>00562b043615</a>"
	    "<b>00562B043615</b>{x}{{other}}</flat-profile>");
	/* "spa" glues a hex letter to the MAC: the last 12 digits count. */
	assert_lookup(st, "/cfg/spa00562b043615.xml",
	    "<flat-profile><m>spa00562b043615</m><a>00562b043615</a>"
	    "<b>00562B043615</b>{x}{{other}}</flat-profile>");
	/* No MAC: empty. */
	assert_lookup(st, "/cfg/x.xml",
	    "<flat-profile><m>x</m><a></a><b></b>{x}{{other}}</flat-profile>");
	assert_lookup(st, "/cfg/x.txt", NULL);
	assert_lookup(st, "/other/x.xml", NULL);
	store_free(st);
}

/* ---- DHCP ---- */

static void
dhcp_conf(struct ep_dhcp_conf *c, uint32_t first, uint32_t last)
{
	static const char url[] = "http://10.0.0.1/$PSN.xml";

	memset(c, 0, sizeof *c);
	c->server_ip = SERVER_IP;
	c->pool_start = first;
	c->pool_end = last;
	c->netmask = IP(255, 255, 0, 0);
	c->router = IP(10, 0, 0, 254);
	c->dns[0] = SERVER_IP;
	c->dns[1] = IP(10, 0, 0, 2);
	c->ndns = 2;
	snprintf(c->domain, sizeof c->domain, "example.com");
	c->lease_s = 7200;
	c->opt[0].code = 66;
	memcpy(c->opt[0].data, "10.0.0.1", 8);
	c->opt[0].len = 8;
	c->opt[1].code = 150;
	memcpy(c->opt[1].data, "\x0a\x00\x00\x01", 4);
	c->opt[1].len = 4;
	c->opt[2].code = 160;
	memcpy(c->opt[2].data, url, strlen(url));
	c->opt[2].len = strlen(url);
	c->opt[3].code = 43;
	memcpy(c->opt[3].data,
	    "\x01\x03"
	    "abc",
	    5);
	c->opt[3].len = 5;
	c->nopt = 4;
}

static void
dhcp_msg_new(struct dhcp_msg *m, enum dhcp_type type, const uint8_t *mac,
    uint32_t xid)
{
	dhcp_init(m);
	m->op = 1;
	m->xid = xid;
	memcpy(m->chaddr, mac, 6);
	dhcp_opt_set_u8(m, DHCP_OPT_MSG_TYPE, type);
}

/* Send m; returns the number of actions out got. */
static size_t
dhcp_send(struct ep_dhcp *d, const struct dhcp_msg *m, uint32_t src_ip,
    uint16_t src_port, struct ep_out *out)
{
	struct dbuf b;

	ep_out_reset(out);
	dbuf_init(&b);
	dhcp_write(m, &b);
	ep_dhcp_input(d, b.data, b.len, src_ip, src_port, 5, out);
	dbuf_clear(&b);
	return (out->n);
}

static void
dhcp_reply(const struct ep_out *out, size_t i, struct dhcp_msg *r)
{
	const struct ep_act *a = &out->act[i];

	assert_int_equal(a->type, EP_ACT_DGRAM);
	assert_int_equal(a->src_ip, SERVER_IP);
	assert_int_equal(a->src_port, 67);
	assert_int_equal(a->at, 5);
	assert_int_equal(dhcp_parse(r, ep_act_data(out, a), a->len, NULL), 0);
	assert_int_equal(r->op, 2);
}

/* Spec 4.2.2: the options a phone uses, configured ones always sent. */
static void
assert_offer_options(const struct dhcp_msg *r)
{
	uint32_t v;
	size_t len;
	const uint8_t *p;

	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_SERVER_ID, &v), 0);
	assert_int_equal(v, SERVER_IP);
	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_LEASE, &v), 0);
	assert_int_equal(v, 7200);
	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_RENEW, &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_REBIND, &v), 0);
	assert_int_equal(v, 6300);
	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_SUBNET_MASK, &v), 0);
	assert_int_equal(v, IP(255, 255, 0, 0));
	assert_int_equal(dhcp_opt_get_u32(r, DHCP_OPT_ROUTER, &v), 0);
	assert_int_equal(v, IP(10, 0, 0, 254));
	p = dhcp_opt_get(r, DHCP_OPT_DNS, &len);
	assert_non_null(p);
	assert_int_equal(len, 8);
	assert_memory_equal(p, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	p = dhcp_opt_get(r, DHCP_OPT_DOMAIN, &len);
	assert_non_null(p);
	assert_memory_equal(p, "example.com", len);
	p = dhcp_opt_get(r, 66, &len);
	assert_non_null(p);
	assert_memory_equal(p, "10.0.0.1", len);
	p = dhcp_opt_get(r, 150, &len);
	assert_non_null(p);
	assert_int_equal(len, 4);
	p = dhcp_opt_get(r, 160, &len);
	assert_non_null(p);
	assert_memory_equal(p, "http://10.0.0.1/$PSN.xml", len);
	p = dhcp_opt_get(r, 43, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
}

/* DISCOVER, OFFER, REQUEST (SELECTING), ACK; returns the address. */
static uint32_t
dora(struct ep_dhcp *d, const uint8_t *mac, struct ep_out *out)
{
	struct dhcp_msg m, r;
	uint32_t addr;

	dhcp_msg_new(&m, DHCPDISCOVER, mac, 0x1234);
	assert_int_equal(dhcp_send(d, &m, 0, 68, out), 1);
	dhcp_reply(out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPOFFER);
	assert_int_equal(r.xid, 0x1234);
	assert_memory_equal(r.chaddr, mac, 6);
	assert_int_equal(out->act[0].dst_ip, 0xffffffff);
	assert_int_equal(out->act[0].dst_port, 68);
	assert_true(out->act[0].has_mac);
	assert_memory_equal(out->act[0].mac, mac, 6);
	assert_offer_options(&r);
	addr = r.yiaddr;
	assert_int_not_equal(addr, 0);

	dhcp_msg_new(&m, DHCPREQUEST, mac, 0x1235);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, SERVER_IP);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, addr);
	assert_int_equal(dhcp_send(d, &m, 0, 68, out), 1);
	dhcp_reply(out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPACK);
	assert_int_equal(r.yiaddr, addr);
	assert_offer_options(&r);
	return (addr);
}

static void
test_dhcp_dora(void **state)
{
	struct ep_dhcp_conf c;
	struct ep_dhcp *d;
	struct ep_out out;
	uint32_t a1, a2;

	dhcp_conf(&c, IP(10, 0, 1, 0), IP(10, 0, 1, 99));
	d = ep_dhcp_create(&c);
	ep_out_init(&out);
	a1 = dora(d, mac1, &out);
	assert_int_equal(a1, IP(10, 0, 1, 0));
	a2 = dora(d, mac2, &out);
	assert_int_equal(a2, IP(10, 0, 1, 1));
	/* Stable per MAC. */
	assert_int_equal(dora(d, mac1, &out), a1);
	assert_int_equal(dora(d, mac2, &out), a2);
	assert_int_equal(ep_dhcp_stats(d)->discovers, 4);
	assert_int_equal(ep_dhcp_stats(d)->offers, 4);
	assert_int_equal(ep_dhcp_stats(d)->acks, 4);
	ep_out_free(&out);
	ep_dhcp_free(d);
}

static void
test_dhcp_request_states(void **state)
{
	struct ep_dhcp_conf c;
	struct ep_dhcp *d;
	struct ep_out out;
	struct dhcp_msg m, r;
	uint32_t a1;

	dhcp_conf(&c, IP(10, 0, 1, 10), IP(10, 0, 1, 20));
	d = ep_dhcp_create(&c);
	ep_out_init(&out);
	a1 = dora(d, mac1, &out);

	/* INIT-REBOOT with a wrong address: NAK, broadcast. */
	dhcp_msg_new(&m, DHCPREQUEST, mac1, 7);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, IP(192, 168, 1, 5));
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPNAK);
	assert_int_equal(r.yiaddr, 0);
	assert_null(dhcp_opt_get(&r, 66, NULL));
	assert_int_equal(out.act[0].dst_ip, 0xffffffff);
	assert_int_equal(ep_dhcp_stats(d)->naks, 1);

	/* INIT-REBOOT with its own address: ACK. */
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, a1);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPACK);

	/* RENEWING: ciaddr, unicast back. */
	dhcp_msg_new(&m, DHCPREQUEST, mac1, 8);
	m.ciaddr = a1;
	assert_int_equal(dhcp_send(d, &m, a1, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPACK);
	assert_int_equal(r.ciaddr, a1);
	assert_int_equal(out.act[0].dst_ip, a1);

	/* Someone else's address: NAK; an unknown client: NAK. */
	dhcp_msg_new(&m, DHCPREQUEST, mac2, 9);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, a1);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPNAK);

	/* SELECTING another server: silence. */
	dhcp_msg_new(&m, DHCPREQUEST, mac1, 10);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, IP(10, 0, 0, 99));
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, a1);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);

	/* INFORM: configuration, no address, no lease time. */
	dhcp_msg_new(&m, DHCPINFORM, mac3, 11);
	m.ciaddr = IP(10, 0, 5, 5);
	assert_int_equal(dhcp_send(d, &m, m.ciaddr, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPACK);
	assert_int_equal(r.yiaddr, 0);
	assert_null(dhcp_opt_get(&r, DHCP_OPT_LEASE, NULL));
	assert_non_null(dhcp_opt_get(&r, 160, NULL));
	assert_int_equal(out.act[0].dst_ip, IP(10, 0, 5, 5));

	ep_out_free(&out);
	ep_dhcp_free(d);
}

static void
test_dhcp_relay(void **state)
{
	struct ep_dhcp_conf c;
	struct ep_dhcp *d;
	struct ep_out out;
	struct dhcp_msg m, r;
	struct dbuf sub;
	const uint8_t *p;
	size_t len;

	dhcp_conf(&c, IP(10, 9, 0, 10), IP(10, 9, 0, 20));
	d = ep_dhcp_create(&c);
	ep_out_init(&out);
	dbuf_init(&sub);
	dhcp_subopt_add(&sub, DHCP_RELAY_CIRCUIT_ID, "port7", 5);

	dhcp_msg_new(&m, DHCPDISCOVER, mac1, 1);
	m.giaddr = RELAY_IP;
	m.hops = 1;
	dhcp_opt_set(&m, DHCP_OPT_RELAY, sub.data, sub.len);
	assert_int_equal(dhcp_send(d, &m, RELAY_IP, 67, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPOFFER);
	assert_int_equal(out.act[0].dst_ip, RELAY_IP);
	assert_int_equal(out.act[0].dst_port, 67);
	assert_false(out.act[0].has_mac);
	assert_int_equal(r.giaddr, RELAY_IP);
	p = dhcp_opt_get(&r, DHCP_OPT_RELAY, &len);
	assert_non_null(p);
	assert_int_equal(len, sub.len);
	assert_memory_equal(p, sub.data, len);

	/* RFC 8357: the relay listens on its own port. */
	dhcp_subopt_add(&sub, DHCP_RELAY_PORT, NULL, 0);
	dhcp_opt_set(&m, DHCP_OPT_RELAY, sub.data, sub.len);
	assert_int_equal(dhcp_send(d, &m, RELAY_IP, 40067, &out), 1);
	assert_int_equal(out.act[0].dst_port, 40067);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(r.yiaddr, IP(10, 9, 0, 10));

	dbuf_clear(&sub);
	ep_out_free(&out);
	ep_dhcp_free(d);
}

static void
test_dhcp_pool(void **state)
{
	struct ep_dhcp_conf c;
	struct ep_dhcp *d;
	struct ep_out out;
	struct dhcp_msg m, r;
	uint8_t junk[100];

	/* The server's and DNS servers' addresses are never given. */
	dhcp_conf(&c, IP(10, 0, 0, 1), IP(10, 0, 0, 3));
	d = ep_dhcp_create(&c);
	ep_out_init(&out);
	assert_int_equal(dora(d, mac1, &out), IP(10, 0, 0, 3));

	dhcp_msg_new(&m, DHCPDISCOVER, mac2, 1);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);
	assert_int_equal(ep_dhcp_stats(d)->exhausted, 1);

	/* A release frees the address for another client. */
	dhcp_msg_new(&m, DHCPRELEASE, mac1, 2);
	m.ciaddr = IP(10, 0, 0, 3);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, SERVER_IP);
	assert_int_equal(dhcp_send(d, &m, m.ciaddr, 68, &out), 0);
	assert_int_equal(dora(d, mac2, &out), IP(10, 0, 0, 3));

	/* A decline takes the address out of the pool. */
	dhcp_msg_new(&m, DHCPDECLINE, mac2, 3);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, IP(10, 0, 0, 3));
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, SERVER_IP);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);
	dhcp_msg_new(&m, DHCPDISCOVER, mac3, 4);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);
	assert_int_equal(ep_dhcp_stats(d)->exhausted, 2);

	/* Junk and replies are counted and ignored. */
	memset(junk, 0xff, sizeof junk);
	ep_out_reset(&out);
	ep_dhcp_input(d, junk, sizeof junk, 0, 68, 5, &out);
	assert_int_equal(out.n, 0);
	dhcp_msg_new(&m, DHCPOFFER, mac3, 5);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);
	assert_int_equal(ep_dhcp_stats(d)->bad, 2);

	/* Down: silence. */
	ep_dhcp_set_down(d, 1);
	dhcp_msg_new(&m, DHCPREQUEST, mac1, 6);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, IP(10, 0, 0, 3));
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 0);
	ep_dhcp_set_down(d, 0);
	assert_int_equal(dhcp_send(d, &m, 0, 68, &out), 1);
	dhcp_reply(&out, 0, &r);
	assert_int_equal(dhcp_type(&r), DHCPNAK);

	ep_out_free(&out);
	ep_dhcp_free(d);
}

/* ---- DNS ---- */

static void
dns_ask(struct ep_dns *d, const char *name, uint16_t type, struct dns_msg *r)
{
	struct ep_out out;
	struct dns_msg q;
	struct dbuf b;

	ep_out_init(&out);
	dbuf_init(&b);
	dns_query(&q, 0x4242, name, type);
	dns_write(&q, &b);
	ep_dns_input(d, b.data, b.len, PHONE_IP, 5353, SERVER_IP, 9, &out);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.act[0].type, EP_ACT_DGRAM);
	assert_int_equal(out.act[0].src_ip, SERVER_IP);
	assert_int_equal(out.act[0].src_port, 53);
	assert_int_equal(out.act[0].dst_ip, PHONE_IP);
	assert_int_equal(out.act[0].dst_port, 5353);
	assert_int_equal(out.act[0].at, 9);
	assert_int_equal(dns_parse(r, ep_act_data(&out, &out.act[0]),
			     out.act[0].len, NULL),
	    0);
	assert_int_equal(r->id, 0x4242);
	assert_true(r->qr);
	dbuf_clear(&b);
	ep_out_free(&out);
}

static void
test_dns(void **state)
{
	struct ep_dns *d;
	struct dns_msg *r;

	r = malloc(sizeof *r);
	d = ep_dns_create();
	ep_dns_add_a(d, "prov.example.com", IP(10, 0, 0, 5));
	ep_dns_add_a(d, "multi.example.com", IP(10, 0, 0, 6));
	ep_dns_add_a(d, "Multi.Example.com.", IP(10, 0, 0, 7));
	ep_dns_add_srv(d, "_ciscoprov-https._tls.example.com", 10, 60, 443,
	    "prov.example.com");
	ep_dns_add_srv(d, "_ciscoprov-https._tls.example.com", 20, 0, 8443,
	    "multi.example.com");
	ep_dns_add_srv(d, "_ciscoprov-https._tls.example.com", 30, 0, 443,
	    "nowhere.example.com");

	dns_ask(d, "PROV.example.com", DNS_T_A, r);
	assert_int_equal(r->rcode, DNS_R_NOERROR);
	assert_int_equal(r->nan, 1);
	assert_int_equal(r->an[0].a, IP(10, 0, 0, 5));

	dns_ask(d, "multi.example.com", DNS_T_A, r);
	assert_int_equal(r->nan, 2);
	assert_int_equal(r->an[0].a, IP(10, 0, 0, 6));
	assert_int_equal(r->an[1].a, IP(10, 0, 0, 7));

	dns_ask(d, "_ciscoprov-https._tls.example.com", DNS_T_SRV, r);
	assert_int_equal(r->rcode, DNS_R_NOERROR);
	assert_int_equal(r->nan, 3);
	assert_int_equal(r->an[0].prio, 10);
	assert_int_equal(r->an[0].weight, 60);
	assert_int_equal(r->an[0].port, 443);
	assert_string_equal(r->an[0].target, "prov.example.com");
	assert_int_equal(r->an[1].port, 8443);
	assert_int_equal(r->nar, 3);
	assert_string_equal(r->ar[0].name, "prov.example.com");
	assert_int_equal(r->ar[0].a, IP(10, 0, 0, 5));
	assert_string_equal(r->ar[1].name, "multi.example.com");
	assert_int_equal(r->ar[2].a, IP(10, 0, 0, 7));

	dns_ask(d, "missing.example.com", DNS_T_A, r);
	assert_int_equal(r->rcode, DNS_R_NXDOMAIN);
	assert_int_equal(r->nan, 0);

	/* A known name, another type: empty NOERROR. */
	dns_ask(d, "prov.example.com", DNS_T_SRV, r);
	assert_int_equal(r->rcode, DNS_R_NOERROR);
	assert_int_equal(r->nan, 0);

	ep_dns_free(d);
	free(r);
}

/* ---- HTTP ---- */

struct hx {
	struct store *st;
	struct ep_http *h;
	struct ep_conn *c;
	struct ep_out out;
	struct seen seen;
	struct dbuf rx; /* response bytes not yet parsed */
	int closed;
	int reset;
};

static void
hx_setup(struct hx *x)
{
	static const char prof[] = "<flat-profile><x>1</x></flat-profile>";

	memset(x, 0, sizeof *x);
	x->st = store_create();
	store_add_file(x->st, "/p.xml", (const uint8_t *)prof, strlen(prof));
	store_add_file(x->st, "/big.xml", (const uint8_t *)"0123456789", 10);
	x->h = ep_http_create(x->st);
	ep_http_observe(x->h, observe, &x->seen);
	x->c = ep_http_accept(x->h, PHONE_IP, 40000, 0);
	ep_out_init(&x->out);
	dbuf_init(&x->rx);
}

static void
hx_teardown(struct hx *x)
{
	ep_http_conn_free(x->h, x->c);
	ep_http_free(x->h);
	store_free(x->st);
	ep_out_free(&x->out);
	dbuf_clear(&x->rx);
}

/* Feed raw bytes; collect the DATA in x->rx; returns the actions. */
static size_t
hx_feed(struct hx *x, const char *s, size_t len, emu_time now)
{
	size_t i;

	ep_out_reset(&x->out);
	ep_http_input(x->h, x->c, (const uint8_t *)s, len, now, &x->out);
	for (i = 0; i < x->out.n; i++) {
		const struct ep_act *a = &x->out.act[i];

		assert_ptr_equal(a->conn, x->c);
		assert_false(x->closed || x->reset);
		if (a->type == EP_ACT_DATA)
			dbuf_add(&x->rx, ep_act_data(&x->out, a), a->len);
		else if (a->type == EP_ACT_CLOSE)
			x->closed = 1;
		else if (a->type == EP_ACT_RESET)
			x->reset = 1;
	}
	return (x->out.n);
}

static size_t
hx_get(struct hx *x, const char *method, const char *target,
    const char *const *hdrs, emu_time now)
{
	struct dbuf b;
	size_t n;

	dbuf_init(&b);
	http_request_write(&b, method, target, hdrs, NULL, 0);
	n = hx_feed(x, (const char *)b.data, b.len, now);
	dbuf_clear(&b);
	return (n);
}

/* Parse the next response in x->rx into m (caller clears m). */
static int
hx_response(struct hx *x, struct http_msg *m, int head)
{
	int rc;

	http_msg_init(m, 0, 0);
	m->head_only = head;
	rc = http_msg_feed(m, x->rx.data, x->rx.len, NULL);
	if (rc == HTTP_MORE && x->closed)
		rc = http_msg_eof(m, NULL);
	dbuf_reset(&x->rx);
	dbuf_add(&x->rx, m->in.data, m->in.len);
	return (rc);
}

static void
assert_response(struct hx *x, int status, const char *body)
{
	struct http_msg m;

	assert_int_equal(hx_response(x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, status);
	if (body != NULL) {
		assert_int_equal(m.body.len, strlen(body));
		assert_memory_equal(m.body.data, body, m.body.len);
	}
	http_msg_clear(&m);
}

static const char *const ua_hdrs[] = { "Host: 10.0.0.1",
	"User-Agent: Cisco-CP-8851-3PCC/11.3.7 (00562b043615)", NULL };
static const char *const close_hdrs[] = { "Host: 10.0.0.1", "Connection: close",
	NULL };

static void
test_http_basic(void **state)
{
	struct hx x;
	struct http_msg m;
	static const char post[] = "POST /p.xml HTTP/1.1\r\nHost: a\r\n"
				   "Content-Length: 3\r\n\r\nabc";

	hx_setup(&x);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 3), 1);
	assert_int_equal(x.out.act[0].at, 3);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 200);
	assert_int_equal(m.version_minor, 1);
	assert_string_equal(http_msg_header(&m, "Content-Type"), "text/xml");
	assert_string_equal((char *)m.body.data,
	    "<flat-profile><x>1</x></flat-profile>");
	http_msg_clear(&m);
	assert_int_equal(x.seen.n, 1);
	assert_int_equal(x.seen.status, 200);
	assert_string_equal(x.seen.path, "/p.xml");
	assert_string_equal(x.seen.method, "GET");

	/* Keep-alive: the next request on the same connection, a query. */
	assert_int_equal(hx_get(&x, "GET", "/p.xml?mac=1", ua_hdrs, 4), 1);
	assert_response(&x, 200, NULL);
	assert_string_equal(x.seen.path, "/p.xml");
	assert_false(x.closed);

	assert_int_equal(hx_get(&x, "GET", "/none.xml", ua_hdrs, 5), 1);
	assert_response(&x, 404, NULL);
	assert_false(x.closed);

	/* HEAD: the length, no body. */
	assert_int_equal(hx_get(&x, "HEAD", "/big.xml", ua_hdrs, 5), 1);
	assert_int_equal(hx_response(&x, &m, 1), HTTP_DONE);
	assert_int_equal(m.status, 200);
	assert_string_equal(http_msg_header(&m, "Content-Length"), "10");
	assert_int_equal(m.body.len, 0);
	assert_int_equal(x.rx.len, 0);
	http_msg_clear(&m);

	/* POST is served like GET; the observer sees the body. */
	assert_int_equal(hx_feed(&x, post, strlen(post), 6), 1);
	assert_response(&x, 200, NULL);
	assert_string_equal(x.seen.method, "POST");

	assert_int_equal(hx_get(&x, "DELETE", "/p.xml", ua_hdrs, 7), 1);
	assert_response(&x, 501, NULL);

	/* Connection: close. */
	assert_int_equal(hx_get(&x, "GET", "/p.xml", close_hdrs, 8), 2);
	assert_int_equal(x.out.act[1].type, EP_ACT_CLOSE);
	assert_response(&x, 200, NULL);
	assert_true(x.closed);
	/* Nothing more on a closed connection. */
	ep_out_reset(&x.out);
	ep_http_input(x.h, x.c, (const uint8_t *)"GET", 3, 9, &x.out);
	assert_int_equal(x.out.n, 0);

	assert_int_equal(ep_http_stats(x.h)->requests, 7);
	assert_int_equal(ep_http_stats(x.h)->conns, 1);
	assert_int_equal(ep_http_stats(x.h)->status[2], 5);
	assert_int_equal(ep_http_stats(x.h)->status[4], 1);
	assert_int_equal(ep_http_stats(x.h)->status[5], 1);
	hx_teardown(&x);
}

static void
test_http_versions(void **state)
{
	struct hx x;
	static const char req10[] = "GET /p.xml HTTP/1.0\r\n\r\n";
	static const char pipe[] = "GET /p.xml HTTP/1.1\r\nHost: a\r\n\r\n"
				   "GET /none HTTP/1.1\r\nHost: a\r\n\r\n"
				   "GET /big.xml HTTP/1.1\r\nHost: a\r\n\r\nGE";

	/* HTTP/1.0: close after the answer. */
	hx_setup(&x);
	assert_int_equal(hx_feed(&x, req10, strlen(req10), 1), 2);
	assert_response(&x, 200, NULL);
	assert_true(x.closed);
	hx_teardown(&x);

	/* Pipelined: three answers in order, the fourth request waits. */
	hx_setup(&x);
	assert_int_equal(hx_feed(&x, pipe, strlen(pipe), 1), 3);
	assert_response(&x, 200, NULL);
	assert_response(&x, 404, NULL);
	assert_response(&x, 200, "0123456789");
	assert_int_equal(hx_feed(&x, "T /p.xml HTTP/1.1\r\n\r\n", 21, 2), 1);
	assert_response(&x, 200, NULL);
	assert_false(x.closed);
	/* The peer closes: so do we. */
	ep_out_reset(&x.out);
	ep_http_eof(x.h, x.c, 3, &x.out);
	assert_int_equal(x.out.n, 1);
	assert_int_equal(x.out.act[0].type, EP_ACT_CLOSE);
	hx_teardown(&x);

	/* Malformed: 400 and close. */
	hx_setup(&x);
	assert_int_equal(hx_feed(&x, "GET / HTTP/9.9\r\n\r\n", 18, 1), 2);
	assert_response(&x, 400, NULL);
	assert_true(x.closed);
	assert_int_equal(x.seen.status, 400);
	hx_teardown(&x);
}

static void
add_fault(struct ep_http *h, enum ep_fault_kind kind, int status, int count)
{
	struct ep_fault f;

	memset(&f, 0, sizeof f);
	f.name = (char *)"f";
	f.kind = kind;
	f.status = status;
	f.count = count;
	f.active = 1;
	assert_int_equal(ep_http_fault_add(h, &f), 0);
}

static void
test_http_fault_status(void **state)
{
	struct hx x;
	struct http_msg m;
	struct ep_fault f;

	hx_setup(&x);
	add_fault(x.h, EP_FAULT_STATUS, 503, 1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 503);
	assert_string_equal(http_msg_header(&m, "Content-Type"), "text/html");
	assert_non_null(strstr((char *)m.body.data, "503"));
	http_msg_clear(&m);
	assert_int_equal(x.seen.status, 503);
	/* Used up: normal again; switching it on restores the count. */
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 2), 1);
	assert_response(&x, 200, NULL);
	assert_int_equal(ep_http_fault_enable(x.h, "f", 1), 0);
	assert_int_equal(ep_http_fault_enable(x.h, "nope", 1), -1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 3), 1);
	assert_response(&x, 503, NULL);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 3), 1);
	assert_response(&x, 200, NULL);
	hx_teardown(&x);

	/* 401 carries a challenge; 3xx from STATUS has no Location. */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_STATUS, 401, 1);
	add_fault(x.h, EP_FAULT_STATUS, 303, 1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 401);
	assert_string_equal(http_msg_header(&m, "WWW-Authenticate"),
	    "Basic realm=\"phonefleet\"");
	http_msg_clear(&m);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 303);
	assert_null(http_msg_header(&m, "Location"));
	http_msg_clear(&m);
	hx_teardown(&x);

	/* Path and MAC filters. */
	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_STATUS;
	f.status = 500;
	f.count = -1;
	f.active = 1;
	f.path = (char *)"/p.*";
	f.mac = (char *)"00562B043616";
	ep_http_fault_add(x.h, &f);
	f.mac = (char *)"00562B043615";
	f.status = 502;
	ep_http_fault_add(x.h, &f);
	assert_int_equal(hx_get(&x, "GET", "/big.xml", ua_hdrs, 1), 1);
	assert_response(&x, 200, NULL);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_response(&x, 502, NULL);
	/* A MAC in the query counts; the first matching fault wins. */
	assert_int_equal(hx_get(&x, "GET", "/p.xml?00562b043616", ua_hdrs, 1),
	    1);
	assert_response(&x, 500, NULL);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", close_hdrs, 1), 2);
	assert_response(&x, 200, NULL);
	hx_teardown(&x);
}

static void
md5_hex(char *out, const char *s)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n, i;

	EVP_Digest(s, strlen(s), md, &n, EVP_md5(), NULL);
	for (i = 0; i < n; i++)
		sprintf(out + i * 2, "%02x", md[i]);
}

static void
test_http_fault_auth(void **state)
{
	struct hx x;
	struct http_msg m;
	struct ep_fault f;
	const char *hdrs[3] = { "Host: a", NULL, NULL };
	char line[512], nonce[64], ha1[33], ha2[33], resp[33], buf[512];
	char *b64;
	size_t i;
	int digest = 0;

	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_AUTH;
	f.user = (char *)"alice";
	f.pass = (char *)"s3cret";
	f.realm = (char *)"prov";
	f.count = -1;
	f.active = 1;
	ep_http_fault_add(x.h, &f);

	/* No credentials: 401 with Basic and Digest challenges. */
	assert_int_equal(hx_get(&x, "GET", "/p.xml", hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 401);
	assert_string_equal(http_msg_header(&m, "WWW-Authenticate"),
	    "Basic realm=\"prov\"");
	for (i = 0; i < m.nhdr; i++) {
		if (strcmp(m.hdr[i].name, "WWW-Authenticate") != 0 ||
		    strncmp(m.hdr[i].value, "Digest", 6) != 0)
			continue;
		digest = 1;
		assert_int_equal(http_auth_param(m.hdr[i].value, "nonce", nonce,
				     sizeof nonce),
		    0);
		assert_int_equal(http_auth_param(m.hdr[i].value, "qop", buf,
				     sizeof buf),
		    0);
		assert_string_equal(buf, "auth");
	}
	assert_true(digest);
	http_msg_clear(&m);

	/* Basic: right, then wrong. */
	b64 = http_base64("alice:s3cret", 12);
	snprintf(line, sizeof line, "Authorization: Basic %s", b64);
	free(b64);
	hdrs[1] = line;
	assert_int_equal(hx_get(&x, "GET", "/p.xml", hdrs, 2), 1);
	assert_response(&x, 200, NULL);
	b64 = http_base64("alice:wrong", 11);
	snprintf(line, sizeof line, "Authorization: Basic %s", b64);
	free(b64);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", hdrs, 3), 1);
	assert_response(&x, 401, NULL);

	/* Digest MD5, qop=auth (RFC 7616 3.4.1). */
	md5_hex(ha1, "alice:prov:s3cret");
	md5_hex(ha2, "GET:/p.xml");
	snprintf(buf, sizeof buf, "%s:%s:00000001:abcdef:auth:%s", ha1, nonce,
	    ha2);
	md5_hex(resp, buf);
	snprintf(line, sizeof line,
	    "Authorization: Digest username=\"alice\", realm=\"prov\", "
	    "nonce=\"%s\", uri=\"/p.xml\", qop=auth, nc=00000001, "
	    "cnonce=\"abcdef\", response=\"%s\", algorithm=MD5",
	    nonce, resp);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", hdrs, 4), 1);
	assert_response(&x, 200, NULL);
	/* A wrong password gives another response. */
	md5_hex(ha1, "alice:prov:guess");
	snprintf(buf, sizeof buf, "%s:%s:00000001:abcdef:auth:%s", ha1, nonce,
	    ha2);
	md5_hex(resp, buf);
	snprintf(line, sizeof line,
	    "Authorization: Digest username=\"alice\", realm=\"prov\", "
	    "nonce=\"%s\", uri=\"/p.xml\", qop=auth, nc=00000001, "
	    "cnonce=\"abcdef\", response=\"%s\"",
	    nonce, resp);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", hdrs, 5), 1);
	assert_response(&x, 401, NULL);
	hx_teardown(&x);

	/* Proxy: 407 and Proxy-Authorization. */
	hx_setup(&x);
	f.proxy = 1;
	f.realm = NULL;
	ep_http_fault_add(x.h, &f);
	hdrs[1] = NULL;
	assert_int_equal(hx_get(&x, "GET", "http://10.0.0.1/p.xml", hdrs, 1),
	    1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 407);
	assert_string_equal(http_msg_header(&m, "Proxy-Authenticate"),
	    "Basic realm=\"phonefleet\"");
	http_msg_clear(&m);
	assert_string_equal(x.seen.path, "/p.xml");
	b64 = http_base64("alice:s3cret", 12);
	snprintf(line, sizeof line, "Proxy-Authorization: Basic %s", b64);
	free(b64);
	hdrs[1] = line;
	assert_int_equal(hx_get(&x, "GET", "http://10.0.0.1/p.xml", hdrs, 2),
	    1);
	assert_response(&x, 200, NULL);
	hx_teardown(&x);
}

static void
test_http_fault_redirect(void **state)
{
	struct hx x;
	struct http_msg m;
	struct ep_fault f;

	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_REDIRECT;
	f.location = (char *)"http://10.0.0.2/q.xml";
	f.count = 1;
	f.active = 1;
	ep_http_fault_add(x.h, &f);
	f.status = 301;
	f.location = (char *)"/r.xml";
	ep_http_fault_add(x.h, &f);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 302);
	assert_string_equal(http_msg_header(&m, "Location"),
	    "http://10.0.0.2/q.xml");
	http_msg_clear(&m);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 301);
	assert_string_equal(http_msg_header(&m, "Location"), "/r.xml");
	http_msg_clear(&m);
	hx_teardown(&x);
}

static void
test_http_fault_transport(void **state)
{
	struct hx x;
	struct http_msg m;
	struct ep_fault f;
	size_t i;

	/* TRUNCATE: the full length announced, half the body, close. */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_TRUNCATE, 0, 1);
	assert_int_equal(hx_get(&x, "GET", "/big.xml", ua_hdrs, 1), 2);
	assert_true(x.closed);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_ERROR);
	assert_int_equal(m.status, 200);
	assert_string_equal(http_msg_header(&m, "Content-Length"), "10");
	assert_int_equal(m.body.len, 5);
	assert_memory_equal(m.body.data, "01234", 5);
	http_msg_clear(&m);
	hx_teardown(&x);

	/* DROP: nothing, the connection stays open, later input ignored. */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_DROP, 0, 1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 0);
	assert_int_equal(x.seen.n, 1);
	assert_int_equal(x.seen.status, -1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 2), 0);
	ep_out_reset(&x.out);
	ep_http_eof(x.h, x.c, 40000000, &x.out);
	assert_int_equal(x.out.n, 1);
	assert_int_equal(x.out.act[0].type, EP_ACT_CLOSE);
	hx_teardown(&x);

	/* DELAY: the answer and what follows it, later. */
	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_DELAY;
	f.delay = EMU_SEC(5);
	f.count = 1;
	f.active = 1;
	ep_http_fault_add(x.h, &f);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 100), 1);
	assert_int_equal(x.out.act[0].at, 100 + EMU_SEC(5));
	assert_response(&x, 200, NULL);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", close_hdrs, 200), 2);
	for (i = 0; i < x.out.n; i++)
		assert_int_equal(x.out.act[i].at, 100 + EMU_SEC(5));
	hx_teardown(&x);

	/* RESET. */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_RESET, 0, 1);
	assert_int_equal(hx_get(&x, "GET", "/p.xml", ua_hdrs, 1), 1);
	assert_true(x.reset);
	assert_int_equal(x.rx.len, 0);
	hx_teardown(&x);

	/* BODY. */
	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_BODY;
	f.body = (uint8_t *)"<bad";
	f.body_len = 4;
	f.count = -1;
	f.active = 1;
	ep_http_fault_add(x.h, &f);
	assert_int_equal(hx_get(&x, "GET", "/none.xml", ua_hdrs, 1), 1);
	assert_response(&x, 200, "<bad");
	hx_teardown(&x);
}

/* PUT or POST a body with a content type (and encoding); the actions. */
static size_t
hx_upload(struct hx *x, const char *method, const char *target,
    const char *body, const char *cenc, emu_time now)
{
	const char *hdrs[5];
	struct dbuf b;
	char len[48], enc[64];
	size_t n = 0, k;

	hdrs[n++] = "Host: 10.0.0.1";
	hdrs[n++] = "Content-Type: text/xml";
	snprintf(len, sizeof len, "Content-Length: %zu", strlen(body));
	hdrs[n++] = len;
	if (cenc != NULL) {
		snprintf(enc, sizeof enc, "Content-Encoding: %s", cenc);
		hdrs[n++] = enc;
	}
	hdrs[n] = NULL;
	dbuf_init(&b);
	http_request_write(&b, method, target, hdrs, (const uint8_t *)body,
	    strlen(body));
	k = hx_feed(x, (const char *)b.data, b.len, now);
	dbuf_clear(&b);
	return (k);
}

/* 16.4 report servers: PUT 201 then 204, POST 200, each body kept. */
static void
test_http_upload(void **state)
{
	struct hx x;
	struct http_msg m;
	const struct store_upload *u;
	const struct store_upload_stats *us;

	hx_setup(&x);
	store_add_upload(x.st, "/reports/*");
	assert_true(store_is_upload(x.st, "/reports/a/b.xml?x=1"));
	assert_false(store_is_upload(x.st, "/p.xml"));

	assert_int_equal(hx_upload(&x, "PUT", "/reports/00562b043615.xml",
	    "<flat-profile>1</flat-profile>", NULL, 10), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 201);
	assert_string_equal(http_msg_header(&m, "Location"),
	    "/reports/00562b043615.xml");
	http_msg_clear(&m);
	/* The same path again replaces: 204, no body, no length. */
	assert_int_equal(hx_upload(&x, "PUT", "/reports/00562b043615.xml",
	    "<flat-profile>2</flat-profile>", "aes128gcm", 20), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 204);
	assert_null(http_msg_header(&m, "Content-Length"));
	assert_int_equal(m.body.len, 0);
	http_msg_clear(&m);
	assert_int_equal(hx_upload(&x, "POST", "/reports/cgi",
	    "<status/>", NULL, 30), 1);
	assert_response(&x, 200, NULL);
	/* An upload is not a file: GET does not serve it. */
	assert_int_equal(hx_get(&x, "GET", "/reports/00562b043615.xml",
	    ua_hdrs, 40), 1);
	assert_response(&x, 404, NULL);
	/* PUT elsewhere: 405 with Allow; POST elsewhere is served. */
	assert_int_equal(hx_upload(&x, "PUT", "/p.xml", "x", NULL, 50), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.status, 405);
	assert_non_null(http_msg_header(&m, "Allow"));
	http_msg_clear(&m);
	assert_int_equal(hx_upload(&x, "POST", "/p.xml", "x", NULL, 60), 1);
	assert_response(&x, 200, "<flat-profile><x>1</x></flat-profile>");

	assert_int_equal(store_upload_count(x.st), 3);
	u = store_upload_next(x.st, NULL);
	assert_string_equal(u->method, "PUT");
	assert_string_equal(u->path, "/reports/00562b043615.xml");
	assert_string_equal(u->content_type, "text/xml");
	assert_null(u->content_encoding);
	assert_string_equal((const char *)u->body,
	    "<flat-profile>1</flat-profile>");
	assert_int_equal(u->at, 10);
	assert_int_equal(u->peer_ip, PHONE_IP);
	assert_int_equal(u->seq, 1);
	u = store_upload_next(x.st, u);
	assert_string_equal(u->content_encoding, "aes128gcm");
	assert_int_equal(u->at, 20);
	u = store_upload_next(x.st, u);
	assert_string_equal(u->method, "POST");
	assert_string_equal(u->path, "/reports/cgi");
	assert_null(store_upload_next(x.st, u));
	us = store_upload_stats(x.st);
	assert_int_equal(us->received, 3);
	assert_int_equal(us->dropped, 0);
	hx_teardown(&x);
}

/* The caps: oldest dropped and counted, by count and by bytes. */
static void
test_http_upload_caps(void **state)
{
	struct hx x;
	const struct store_upload *u;
	char target[96];
	int i;

	hx_setup(&x);
	store_add_upload(x.st, "/r/*");
	store_upload_limits(x.st, 3, 100);
	for (i = 0; i < 5; i++) {
		snprintf(target, sizeof target, "/r/%d", i);
		assert_int_equal(hx_upload(&x, "POST", target, "0123456789",
		    NULL, i), 1);
		assert_response(&x, 200, NULL);
	}
	assert_int_equal(store_upload_count(x.st), 3);
	assert_string_equal(store_upload_next(x.st, NULL)->path, "/r/2");
	assert_int_equal(store_upload_stats(x.st)->received, 5);
	assert_int_equal(store_upload_stats(x.st)->dropped, 2);
	/* 85 bytes: one goes for the count, one more for the bytes. */
	memset(target, 'x', 85);
	target[85] = '\0';
	assert_int_equal(hx_upload(&x, "POST", "/r/big", target, NULL, 9), 1);
	assert_response(&x, 200, NULL);
	assert_int_equal(store_upload_count(x.st), 2);
	u = store_upload_next(x.st, NULL);
	assert_string_equal(u->path, "/r/4");
	assert_int_equal(u->seq, 5);
	assert_int_equal(store_upload_stats(x.st)->dropped, 4);
	/* Bigger than the whole cap: answered, not kept, counted. */
	store_upload_limits(x.st, 3, 10);
	assert_int_equal(store_upload_count(x.st), 0);
	assert_int_equal(hx_upload(&x, "POST", "/r/big", target, NULL, 10), 1);
	assert_response(&x, 200, NULL);
	assert_int_equal(store_upload_count(x.st), 0);
	assert_int_equal(store_upload_stats(x.st)->dropped, 7);
	hx_teardown(&x);
}

/* A report server that answers 500 or never answers keeps nothing. */
static void
test_http_upload_faults(void **state)
{
	struct hx x;

	hx_setup(&x);
	store_add_upload(x.st, "/r/*");
	add_fault(x.h, EP_FAULT_STATUS, 500, 1);
	assert_int_equal(hx_upload(&x, "PUT", "/r/a", "x", NULL, 1), 1);
	assert_response(&x, 500, NULL);
	assert_int_equal(store_upload_count(x.st), 0);
	assert_int_equal(x.seen.status, 500);
	assert_string_equal(x.seen.method, "PUT");
	hx_teardown(&x);

	hx_setup(&x);
	store_add_upload(x.st, "/r/*");
	add_fault(x.h, EP_FAULT_DROP, 0, 1);
	assert_int_equal(hx_upload(&x, "PUT", "/r/a", "x", NULL, 1), 0);
	assert_int_equal(x.seen.status, -1);
	assert_int_equal(store_upload_count(x.st), 0);
	assert_int_equal(store_upload_stats(x.st)->received, 0);
	hx_teardown(&x);
}

static void
test_http_fault_framing(void **state)
{
	struct hx x;
	struct http_msg m;
	struct ep_fault f;

	/* CHUNKED on HTTP/1.1: a normal chunked answer, kept alive. */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_CHUNKED, 0, 1);
	assert_int_equal(hx_get(&x, "GET", "/big.xml", ua_hdrs, 1), 1);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.version_minor, 1);
	assert_true(m.chunked);
	assert_int_equal(m.body.len, 10);
	http_msg_clear(&m);
	assert_false(x.closed);
	hx_teardown(&x);

	/* CHUNKED with HTTP/1.0 (B52): read to EOF, still chunked. */
	hx_setup(&x);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_CHUNKED;
	f.http10 = 1;
	f.count = 1;
	f.active = 1;
	ep_http_fault_add(x.h, &f);
	assert_int_equal(hx_get(&x, "GET", "/big.xml", ua_hdrs, 1), 2);
	assert_true(x.closed);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.version_minor, 0);
	assert_true(m.chunked);
	assert_string_equal((char *)m.body.data,
	    "a\r\n0123456789\r\n0\r\n\r\n");
	http_msg_clear(&m);
	hx_teardown(&x);

	/* CLOSE_DELIMITED (B51). */
	hx_setup(&x);
	add_fault(x.h, EP_FAULT_CLOSE_DELIMITED, 0, 1);
	assert_int_equal(hx_get(&x, "GET", "/big.xml", ua_hdrs, 1), 2);
	assert_true(x.closed);
	assert_int_equal(hx_response(&x, &m, 0), HTTP_DONE);
	assert_int_equal(m.version_minor, 0);
	assert_int_equal(m.status, 200);
	assert_null(http_msg_header(&m, "Content-Length"));
	assert_true(m.close_delimited);
	assert_string_equal((char *)m.body.data, "0123456789");
	http_msg_clear(&m);
	hx_teardown(&x);
}

/* ---- TFTP ---- */

#define TFTP_PHONE_PORT 53240

struct tx {
	struct store *st;
	struct ep_tftp *t;
	struct ep_out out;
	struct seen seen;
	uint8_t *file;
	size_t len;
};

static void
tx_setup(struct tx *x, size_t len)
{
	size_t i;

	memset(x, 0, sizeof *x);
	x->st = store_create();
	x->len = len;
	x->file = malloc(len + 1);
	for (i = 0; i < len; i++)
		x->file[i] = 'a' + i % 26;
	store_add_file(x->st, "/f.bin", x->file, len);
	x->t = ep_tftp_create(x->st, SERVER_IP, 69);
	ep_tftp_observe(x->t, observe, &x->seen);
	ep_out_init(&x->out);
}

static void
tx_teardown(struct tx *x)
{
	ep_tftp_free(x->t);
	store_free(x->st);
	ep_out_free(&x->out);
	free(x->file);
}

static size_t
tx_send(struct tx *x, const struct tftp_pkt *p, uint16_t src_port,
    uint16_t dst_port, emu_time now)
{
	struct dbuf b;

	ep_out_reset(&x->out);
	dbuf_init(&b);
	tftp_write(p, &b);
	ep_tftp_input(x->t, b.data, b.len, PHONE_IP, src_port, dst_port, now,
	    &x->out);
	dbuf_clear(&b);
	return (x->out.n);
}

static size_t
tx_rrq(struct tx *x, const char *file, long blksize, long tsize, emu_time now)
{
	struct tftp_pkt p;

	tftp_init(&p);
	p.op = TFTP_RRQ;
	snprintf(p.file, sizeof p.file, "%s", file);
	snprintf(p.mode, sizeof p.mode, "octet");
	p.blksize = blksize;
	p.tsize = tsize;
	return (tx_send(x, &p, TFTP_PHONE_PORT, 69, now));
}

static size_t
tx_ack(struct tx *x, uint16_t block, uint16_t src_port, uint16_t tid,
    emu_time now)
{
	struct tftp_pkt p;

	tftp_init(&p);
	p.op = TFTP_ACK;
	p.block = block;
	return (tx_send(x, &p, src_port, tid, now));
}

/* The packet of action i, to the phone; returns the server TID. */
static uint16_t
tx_reply(struct tx *x, size_t i, struct tftp_pkt *p)
{
	const struct ep_act *a = &x->out.act[i];

	assert_true(i < x->out.n);
	assert_int_equal(a->type, EP_ACT_DGRAM);
	assert_int_equal(a->src_ip, SERVER_IP);
	assert_int_equal(a->dst_ip, PHONE_IP);
	assert_int_not_equal(a->src_port, 69);
	assert_int_equal(tftp_parse(p, ep_act_data(&x->out, a), a->len, NULL),
	    0);
	return (a->src_port);
}

static void
assert_tftp_error(struct tx *x, int code)
{
	struct tftp_pkt p;

	assert_int_equal(x->out.n, 1);
	tx_reply(x, 0, &p);
	assert_int_equal(p.op, TFTP_ERROR);
	assert_int_equal(p.code, code);
}

static void
test_tftp_transfer(void **state)
{
	struct tx x;
	struct tftp_pkt p;
	uint16_t tid, block;
	size_t got = 0;

	/* 1100 bytes: 512 + 512 + 76. */
	tx_setup(&x, 1100);
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_true(tid >= 49152);
	assert_true(ep_tftp_owns_port(x.t, tid));
	assert_false(ep_tftp_owns_port(x.t, 69));
	assert_string_equal(x.seen.path, "/f.bin");
	assert_int_equal(x.seen.status, 0);
	for (block = 1;; block++) {
		assert_int_equal(p.op, TFTP_DATA);
		assert_int_equal(p.block, block);
		assert_memory_equal(p.data, x.file + got, p.len);
		got += p.len;
		if (p.len < 512)
			break;
		assert_int_equal(tx_ack(&x, block, TFTP_PHONE_PORT, tid, 2), 1);
		tx_reply(&x, 0, &p);
	}
	assert_int_equal(block, 3);
	assert_int_equal(got, 1100);
	/* The last ACK ends it; a duplicate ACK gets nothing. */
	assert_int_equal(tx_ack(&x, 2, TFTP_PHONE_PORT, tid, 3), 0);
	assert_int_equal(tx_ack(&x, 3, TFTP_PHONE_PORT, tid, 3), 0);
	assert_false(ep_tftp_owns_port(x.t, tid));
	assert_int_equal(ep_tftp_deadline(x.t), EMU_TIME_NEVER);
	assert_int_equal(ep_tftp_stats(x.t)->done, 1);
	tx_teardown(&x);

	/* A multiple of the block size ends with an empty block. */
	tx_setup(&x, 1024);
	assert_int_equal(tx_rrq(&x, "/f.bin", -1, -1, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(tx_ack(&x, 1, TFTP_PHONE_PORT, tid, 2), 1);
	assert_int_equal(tx_ack(&x, 2, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.block, 3);
	assert_int_equal(p.len, 0);
	tx_teardown(&x);
}

static void
test_tftp_options(void **state)
{
	struct tx x;
	struct tftp_pkt p;
	uint16_t tid;

	tx_setup(&x, 3000);
	assert_int_equal(tx_rrq(&x, "f.bin", 8192, 0, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(p.op, TFTP_OACK);
	assert_int_equal(p.blksize, 1428);
	assert_int_equal(p.tsize, 3000);
	assert_int_equal(tx_ack(&x, 0, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.op, TFTP_DATA);
	assert_int_equal(p.block, 1);
	assert_int_equal(p.len, 1428);
	assert_int_equal(tx_ack(&x, 1, TFTP_PHONE_PORT, tid, 2), 1);
	assert_int_equal(tx_ack(&x, 2, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.block, 3);
	assert_int_equal(p.len, 3000 - 2 * 1428);
	tx_teardown(&x);

	/* tsize alone: OACK with the size, 512-byte blocks. */
	tx_setup(&x, 100);
	assert_int_equal(tx_rrq(&x, "f.bin", -1, 0, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(p.op, TFTP_OACK);
	assert_int_equal(p.blksize, -1);
	assert_int_equal(p.tsize, 100);
	assert_int_equal(tx_ack(&x, 0, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.len, 100);
	tx_teardown(&x);
}

static void
test_tftp_retransmit(void **state)
{
	struct tx x;
	struct tftp_pkt p;
	emu_time now;
	uint16_t tid;
	int i;

	tx_setup(&x, 100);
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(ep_tftp_deadline(x.t), 1 + EMU_SEC(1));
	/* Early: nothing. */
	ep_out_reset(&x.out);
	ep_tftp_timer(x.t, EMU_MS(500), &x.out);
	assert_int_equal(x.out.n, 0);
	for (i = 0; i < 5; i++) {
		now = ep_tftp_deadline(x.t);
		ep_out_reset(&x.out);
		ep_tftp_timer(x.t, now, &x.out);
		assert_int_equal(x.out.n, 1);
		assert_int_equal(tx_reply(&x, 0, &p), tid);
		assert_int_equal(p.op, TFTP_DATA);
		assert_int_equal(p.block, 1);
	}
	assert_int_equal(ep_tftp_stats(x.t)->retransmits, 5);
	now = ep_tftp_deadline(x.t);
	ep_out_reset(&x.out);
	ep_tftp_timer(x.t, now, &x.out);
	assert_int_equal(x.out.n, 0);
	assert_false(ep_tftp_owns_port(x.t, tid));
	assert_int_equal(ep_tftp_deadline(x.t), EMU_TIME_NEVER);
	tx_teardown(&x);
}

static void
test_tftp_errors(void **state)
{
	struct tx x;
	struct tftp_pkt p;
	struct ep_fault f;
	uint16_t tid;

	tx_setup(&x, 2000);
	assert_int_equal(tx_rrq(&x, "missing.xml", -1, -1, 1), 1);
	assert_tftp_error(&x, TFTP_ENOTFOUND);
	assert_int_equal(x.seen.status, 1);

	/* WRQ: access violation. */
	tftp_init(&p);
	p.op = TFTP_WRQ;
	snprintf(p.file, sizeof p.file, "f.bin");
	assert_int_equal(tx_send(&x, &p, TFTP_PHONE_PORT, 69, 1), 1);
	assert_tftp_error(&x, TFTP_EACCESS);

	/* An ACK from another port: ERROR 5 to it; the transfer goes on. */
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(tx_ack(&x, 1, TFTP_PHONE_PORT + 1, tid, 2), 1);
	assert_int_equal(x.out.act[0].dst_port, TFTP_PHONE_PORT + 1);
	assert_int_equal(x.out.act[0].src_port, tid);
	assert_tftp_error(&x, TFTP_EBADID);
	assert_int_equal(tx_ack(&x, 1, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.block, 2);
	tx_teardown(&x);

	/* Faults: STATUS 2, then DROP, then TRUNCATE, then DELAY. */
	tx_setup(&x, 2000);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_STATUS;
	f.status = 2;
	f.count = 1;
	f.active = 1;
	ep_tftp_fault_add(x.t, &f);
	f.status = 404; /* an HTTP status: File not found */
	ep_tftp_fault_add(x.t, &f);
	f.kind = EP_FAULT_DROP;
	ep_tftp_fault_add(x.t, &f);
	f.kind = EP_FAULT_TRUNCATE;
	ep_tftp_fault_add(x.t, &f);
	f.kind = EP_FAULT_DELAY;
	f.delay = EMU_SEC(3);
	ep_tftp_fault_add(x.t, &f);

	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	assert_tftp_error(&x, TFTP_EACCESS);
	assert_int_equal(x.seen.status, 2);
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	assert_tftp_error(&x, TFTP_ENOTFOUND);

	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 0);
	assert_int_equal(x.seen.status, -1);
	assert_int_equal(ep_tftp_deadline(x.t), EMU_TIME_NEVER);

	/* 2000 bytes = 4 blocks: two, then the abort. */
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 1), 1);
	tid = tx_reply(&x, 0, &p);
	assert_int_equal(p.block, 1);
	assert_int_equal(tx_ack(&x, 1, TFTP_PHONE_PORT, tid, 2), 1);
	tx_reply(&x, 0, &p);
	assert_int_equal(p.block, 2);
	assert_int_equal(tx_ack(&x, 2, TFTP_PHONE_PORT, tid, 2), 1);
	assert_tftp_error(&x, TFTP_EUNDEF);
	assert_false(ep_tftp_owns_port(x.t, tid));

	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 10), 1);
	assert_int_equal(x.out.act[0].at, 10 + EMU_SEC(3));
	assert_int_equal(ep_tftp_deadline(x.t), 10 + EMU_SEC(4));

	/* Used up. */
	assert_int_equal(tx_rrq(&x, "f.bin", -1, -1, 20), 1);
	assert_int_equal(x.out.act[0].at, 20);
	tx_teardown(&x);
}

/* ---- hostile input ---- */

static uint32_t
lcg(uint32_t *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return (*seed >> 8);
}

/* Mutate a valid packet: flip bytes, cut it short. */
static size_t
mutate(uint8_t *buf, size_t len, uint32_t *seed)
{
	int i, n = 1 + lcg(seed) % 8;

	for (i = 0; i < n; i++)
		buf[lcg(seed) % len] = lcg(seed);
	if (lcg(seed) % 4 == 0)
		len = lcg(seed) % len;
	return (len);
}

/* Peer input never crashes an endpoint (run under the sanitizers). */
static void
test_junk(void **state)
{
	static const char *const pieces[] = { "GET ", "POST ", "/p.xml",
		" HTTP/1.1\r\n", " HTTP/1.0\r\n", "Host: a\r\n",
		"Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n",
		"\r\n", "5\r\nhello\r\n0\r\n\r\n", "abc", "\n", ":",
		"Connection: close\r\n", "Authorization: Digest a=\"b\"\r\n",
		"Authorization: Basic\r\n", "\x00\xff" };
	struct ep_dhcp_conf c;
	struct ep_dhcp *d;
	struct ep_dns *dns;
	struct ep_out out;
	struct dhcp_msg m;
	struct dns_msg q;
	struct tx x;
	struct hx h;
	struct dbuf good, b;
	uint8_t buf[1600];
	uint32_t seed = 1;
	size_t len, i, k;
	int n;

	ep_out_init(&out);
	dbuf_init(&good);
	dbuf_init(&b);

	dhcp_conf(&c, IP(10, 0, 1, 0), IP(10, 0, 1, 9));
	d = ep_dhcp_create(&c);
	dhcp_msg_new(&m, DHCPREQUEST, mac1, 1);
	dhcp_opt_set_u32(&m, DHCP_OPT_REQ_ADDR, IP(10, 0, 1, 3));
	dhcp_opt_set(&m, DHCP_OPT_RELAY, "\x13\x00\x01\x01x", 5);
	m.giaddr = RELAY_IP;
	dhcp_write(&m, &good);
	for (n = 0; n < 3000; n++) {
		memcpy(buf, good.data, good.len);
		len = mutate(buf, good.len, &seed);
		ep_out_reset(&out);
		ep_dhcp_input(d, buf, len, RELAY_IP, 67, n, &out);
	}
	ep_dhcp_free(d);

	dns = ep_dns_create();
	ep_dns_add_a(dns, "a.example.com", 1);
	ep_dns_add_srv(dns, "_s._tcp.example.com", 1, 1, 1, "a.example.com");
	dbuf_reset(&good);
	dns_query(&q, 1, "_s._tcp.example.com", DNS_T_SRV);
	dns_write(&q, &good);
	for (n = 0; n < 3000; n++) {
		memcpy(buf, good.data, good.len);
		len = mutate(buf, good.len, &seed);
		ep_out_reset(&out);
		ep_dns_input(dns, buf, len, PHONE_IP, 1, SERVER_IP, n, &out);
	}
	ep_dns_free(dns);

	tx_setup(&x, 3000);
	for (n = 0; n < 3000; n++) {
		struct tftp_pkt p;

		tftp_init(&p);
		p.op = 1 + lcg(&seed) % 6;
		snprintf(p.file, sizeof p.file, "f.bin");
		p.block = lcg(&seed) % 4;
		p.blksize = lcg(&seed) % 2 ? -1 : 8 + (long)(lcg(&seed) % 3000);
		p.tsize = lcg(&seed) % 2 ? -1 : 0;
		dbuf_reset(&good);
		tftp_write(&p, &good);
		memcpy(buf, good.data, good.len);
		len = lcg(&seed) % 2 ? good.len : mutate(buf, good.len, &seed);
		ep_out_reset(&x.out);
		ep_tftp_input(x.t, buf, len, PHONE_IP, TFTP_PHONE_PORT,
		    lcg(&seed) % 3 == 0 ? 69 : 49152 + lcg(&seed) % 4, n,
		    &x.out);
		if (lcg(&seed) % 8 == 0) {
			ep_out_reset(&x.out);
			ep_tftp_timer(x.t, n + EMU_SEC(lcg(&seed) % 3), &x.out);
		}
	}
	tx_teardown(&x);

	for (n = 0; n < 300; n++) {
		hx_setup(&h);
		add_fault(h.h, lcg(&seed) % 10, 401, -1);
		for (k = 0; k < 20 && !h.closed && !h.reset; k++) {
			dbuf_reset(&b);
			for (i = 0; i < 4; i++)
				dbuf_add_str(&b,
				    pieces[lcg(&seed) % nitems(pieces)]);
			ep_out_reset(&h.out);
			ep_http_input(h.h, h.c, b.data, b.len, k, &h.out);
			for (i = 0; i < h.out.n; i++)
				if (h.out.act[i].type != EP_ACT_DATA)
					h.closed = 1;
		}
		ep_out_reset(&h.out);
		ep_http_eof(h.h, h.c, k, &h.out);
		hx_teardown(&h);
	}

	dbuf_clear(&good);
	dbuf_clear(&b);
	ep_out_free(&out);
}

/* ---- syslog collector (16.2) ---- */

/* Lines are kept with time and source, bounded in count and length; the
 * rest is counted, never kept (B89-B91 are asserted on what it keeps). */
static void
test_syslog_collector(void **state)
{
	struct ep_syslog *l;
	const struct ep_syslog_line *e;
	const char *a = "<133>Jan  1 00:00:00 hello\n";
	uint8_t big[EP_SYSLOG_LINE_MAX + 100];
	uint8_t bin[5] = { '<', 0, 'x', 0x1b, 'y' };

	(void)state;
	l = ep_syslog_create(3);
	ep_syslog_input(l, (const uint8_t *)a, strlen(a), PHONE_IP, 49152,
	    EMU_SEC(7));
	memset(big, 'x', sizeof big);
	ep_syslog_input(l, big, sizeof big, PHONE_IP + 1, 514, EMU_SEC(8));
	ep_syslog_input(l, bin, sizeof bin, PHONE_IP, 49152, EMU_SEC(9));
	ep_syslog_input(l, (const uint8_t *)a, strlen(a), PHONE_IP, 49152,
	    EMU_SEC(10));
	ep_syslog_input(l, (const uint8_t *)"", 0, PHONE_IP, 1, EMU_SEC(11));
	assert_int_equal(ep_syslog_count(l), 3);
	e = ep_syslog_line(l, 0);
	assert_non_null(e);
	assert_string_equal(e->text, "<133>Jan  1 00:00:00 hello");
	assert_int_equal(e->src_ip, PHONE_IP);
	assert_int_equal(e->src_port, 49152);
	assert_int_equal(e->now, EMU_SEC(7));
	e = ep_syslog_line(l, 1);
	assert_int_equal(strlen(e->text), EP_SYSLOG_LINE_MAX);
	assert_int_equal(e->src_ip, PHONE_IP + 1);
	assert_string_equal(ep_syslog_line(l, 2)->text, "<?x?y");
	assert_null(ep_syslog_line(l, 3));
	assert_int_equal(ep_syslog_stats(l)->received, 5);
	assert_int_equal(ep_syslog_stats(l)->dropped, 2);
	assert_int_equal(ep_syslog_stats(l)->truncated, 1);
	ep_syslog_free(l);
	ep_syslog_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_exact),
		cmocka_unit_test(test_store_template),
		cmocka_unit_test(test_dhcp_dora),
		cmocka_unit_test(test_dhcp_request_states),
		cmocka_unit_test(test_dhcp_relay),
		cmocka_unit_test(test_dhcp_pool),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_http_basic),
		cmocka_unit_test(test_http_upload),
		cmocka_unit_test(test_http_upload_caps),
		cmocka_unit_test(test_http_upload_faults),
		cmocka_unit_test(test_http_versions),
		cmocka_unit_test(test_http_fault_status),
		cmocka_unit_test(test_http_fault_auth),
		cmocka_unit_test(test_http_fault_redirect),
		cmocka_unit_test(test_http_fault_transport),
		cmocka_unit_test(test_http_fault_framing),
		cmocka_unit_test(test_tftp_transfer),
		cmocka_unit_test(test_tftp_options),
		cmocka_unit_test(test_tftp_retransmit),
		cmocka_unit_test(test_tftp_errors),
		cmocka_unit_test(test_junk),
		cmocka_unit_test(test_syslog_collector),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

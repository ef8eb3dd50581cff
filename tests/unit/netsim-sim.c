/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The sim runtime end to end: phones boot through the site's DHCP server
 * and fetch their profile from the embedded server over TFTP or HTTP, in
 * virtual time; the same seed replays the same run.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netsim/netsim.h"

#define IP(a, b, c, d)	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static const char profile[] =
    "<flat-profile>\n"
    "  <GPP_A>provisioned</GPP_A>\n"
    "  <Resync_Periodic>600</Resync_Periodic>\n"
    "</flat-profile>\n";

struct world {
	struct emu_ctx	*ctx;
	struct sim	*sim;
	struct ep_dhcp	*dhcp;
	struct store	*store;
	struct ep_http	*http;
	struct ep_tftp	*tftp;
	unsigned	 requests;
	struct emu_stats st[256];	/* per phone, from the notes */
	emu_time	 first_ok[256];
	emu_time	 img_start[256], img_end[256];	/* last image */
	uint64_t	 img_bytes[256];
};

/* The world learns what phones do from their notes alone. */
static void
world_note(void *arg, size_t phone, const struct emu_note *n, emu_time now)
{
	struct world	*w = arg;

	if (phone >= 256)
		return;
	emu_stats_add(&w->st[phone], n);
	if (n->kind == EMU_NOTE_RESYNC && n->arg == EMU_CLASS_A &&
	    w->first_ok[phone] == EMU_TIME_NEVER)
		w->first_ok[phone] = now;
	if (n->kind == EMU_NOTE_XFER && n->xkind == EMU_XFER_IMAGE &&
	    n->err == EMU_OK) {
		w->img_start[phone] = n->start;
		w->img_end[phone] = n->end;
		w->img_bytes[phone] = n->bytes_in;
	}
}

static void
world_observe(void *arg, const struct ep_request *req)
{
	struct world	*w = arg;

	w->requests++;
}

static void
world_opt(struct ep_dhcp_conf *c, uint8_t code, const char *s)
{
	c->opt[c->nopt].code = code;
	c->opt[c->nopt].len = strlen(s);
	memcpy(c->opt[c->nopt].data, s, strlen(s));
	c->nopt++;
}

static struct world *
world_create(uint64_t seed, int nphones, const char *opt66,
    const char *opt160, uint32_t loss_ppm)
{
	struct world		*w;
	struct ep_dhcp_conf	 c;
	struct sim_link		 link = { EMU_MS(2), EMU_MS(1), loss_ppm, 0 };
	struct sim_site		*site;
	int			 i;

	w = calloc(1, sizeof *w);
	w->ctx = emu_ctx_create(seed);
	w->sim = sim_create(w->ctx, seed);
	for (i = 0; i < 256; i++)
		w->first_ok[i] = EMU_TIME_NEVER;
	sim_set_note(w->sim, world_note, w);
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 255, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.lease_s = 86400;
	if (opt66 != NULL)
		world_opt(&c, 66, opt66);
	if (opt160 != NULL)
		world_opt(&c, 160, opt160);
	w->dhcp = ep_dhcp_create(&c);
	site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->store = store_create();
	store_add_file(w->store, "/8851-3PCC.xml", (const uint8_t *)profile,
	    strlen(profile));
	store_add_template(w->store, "/cfg/*.xml", (const uint8_t *)profile,
	    strlen(profile));
	w->http = ep_http_create(w->store);
	ep_http_observe(w->http, world_observe, w);
	w->tftp = ep_tftp_create(w->store, IP(10, 0, 0, 5), 69);
	ep_tftp_observe(w->tftp, world_observe, w);
	sim_host_add_http(w->sim, IP(10, 0, 0, 5), 80, w->http);
	sim_host_add_tftp(w->sim, IP(10, 0, 0, 5), 69, w->tftp);
	for (i = 0; i < nphones; i++) {
		struct phone_conf	pc;

		memset(&pc, 0, sizeof pc);
		pc.mac[0] = 0x00;
		pc.mac[1] = 0x56;
		pc.mac[2] = 0x2b;
		pc.mac[4] = i >> 8;
		pc.mac[5] = i & 0xff;
		pc.model = "CP-8851-3PCC";
		sim_phone_add(w->sim, site, phone_create(w->ctx, &pc));
	}
	return (w);
}

static void
world_power_on(struct world *w)
{
	struct emu_event	ev;
	size_t			i;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_POWER_ON;
	for (i = 0; i < sim_phone_count(w->sim); i++)
		sim_phone_event(w->sim, sim_phone(w->sim, i), &ev);
}

static void
world_free(struct world *w)
{
	sim_free(w->sim);
	ep_http_free(w->http);
	ep_tftp_free(w->tftp);
	store_free(w->store);
	ep_dhcp_free(w->dhcp);
	emu_ctx_free(w->ctx);
	free(w);
}

/* B1: option 66 only -> tftp://<66>/<PSN>.xml; the profile is applied. */
static void
test_b1_option66_tftp(void **state)
{
	struct world	*w = world_create(1, 20, "10.0.0.5", NULL, 0);
	size_t		 i;

	world_power_on(w);
	sim_run(w->sim, EMU_SEC(120));
	for (i = 0; i < 20; i++) {
		struct phone			*p = sim_phone(w->sim, i);
		const struct phone_status	*st = phone_status(p);

		assert_int_equal(phone_state(p), PROV_OPERATIONAL);
		assert_int_equal(w->st[i].resync_ok, 1);
		assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
		assert_string_equal(phone_last_url(p),
		    "tftp://10.0.0.5:69/8851-3PCC.xml");
		/* B5: a DHCP source aborts remote customization. */
		assert_int_equal(phone_customization(p), CUST_ABORTED);
		/* B82: boot resync within 0-40 s of power-on. */
		assert_true(st->last_resync_at <= EMU_SEC(41));
	}
	assert_int_equal(w->requests, 20);
	world_free(w);
}

/* B4 through the sim: option 160 URL fetched over HTTP, macros expanded. */
static void
test_b4_option160_http(void **state)
{
	struct world	*w = world_create(2, 10, NULL,
	    "http://10.0.0.5/cfg/$MA.xml", 0);
	struct phone	*p;

	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	p = sim_phone(w->sim, 3);
	assert_int_equal(phone_state(p), PROV_OPERATIONAL);
	assert_string_equal(phone_last_url(p),
	    "http://10.0.0.5:80/cfg/00562b000003.xml");
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	world_free(w);
}

/* B76 through the sim: the applied Resync_Periodic=600 drives resyncs. */
static void
test_b76_periodic(void **state)
{
	struct world	*w = world_create(3, 5, "10.0.0.5", NULL, 0);
	struct phone	*p;

	world_power_on(w);
	sim_run(w->sim, EMU_SEC(41 + 600 * 3));
	p = sim_phone(w->sim, 0);
	assert_int_equal(w->st[0].resync_ok, 4);
	(void)p;
	world_free(w);
}

/* Loss on the link: retransmissions still get every phone provisioned. */
static void
test_loss_recovers(void **state)
{
	struct world	*w = world_create(4, 50, "10.0.0.5", NULL, 50000);
	size_t		 i, ok = 0;

	world_power_on(w);
	sim_run(w->sim, EMU_SEC(1200));
	for (i = 0; i < 50; i++) {
		if (w->st[i].resync_ok >= 1)
			ok++;
	}
	assert_int_equal(ok, 50);
	assert_true(sim_stats(w->sim)->dgrams_lost > 0);
	world_free(w);
}

/* B26 through the sim: no DHCP source, a host-less rule -> C "no server". */
static void
test_b26_no_server(void **state)
{
	struct world	*w = world_create(5, 1, NULL, NULL, 0);
	struct phone	*p = sim_phone(w->sim, 0);
	char		*cause = NULL;

	assert_int_equal(phone_set(p, "Profile_Rule", "/cfg/$MA.xml", 0,
	    &cause), 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(45));
	assert_int_equal(w->st[0].resync_fail, 1);
	assert_int_equal(phone_status(p)->last_class, EMU_CLASS_C);
	assert_string_equal(phone_last_errmsg(p), "no server");
	assert_int_equal(phone_customization(p), CUST_OPEN);
	world_free(w);
}

/*
 * B11, B15 through the sim: a factory phone that DHCP tells nothing, with
 * no DNS server, asks EDOS; the query cannot be sent, customization stays
 * Pending and discovery is retried on the error schedule.
 */
static void
test_b15_edos_unreachable(void **state)
{
	struct world	*w = world_create(6, 1, NULL, NULL, 0);
	struct phone	*p = sim_phone(w->sim, 0);

	world_power_on(w);
	sim_run(w->sim, EMU_SEC(45));
	assert_int_equal(phone_customization(p), CUST_PENDING);
	assert_int_equal(w->st[0].xfers[EMU_XFER_EDOS], 1);
	assert_int_equal(w->st[0].xfer_fail[EMU_XFER_EDOS], 1);
	assert_int_equal(w->st[0].resyncs, 0);
	assert_true(phone_status(p)->next_resync_at <= EMU_SEC(45 + 60));
	sim_run(w->sim, EMU_SEC(45 + 61));
	assert_int_equal(w->st[0].xfers[EMU_XFER_EDOS], 2);
	assert_int_equal(phone_customization(p), CUST_PENDING);
	world_free(w);
}

/* The same seed gives the same run; another seed another one. */
static void
test_determinism(void **state)
{
	emu_time	 t[3][20];
	uint64_t	 seeds[3] = { 7, 7, 8 };
	int		 r, i;

	for (r = 0; r < 3; r++) {
		struct world	*w = world_create(seeds[r], 20, "10.0.0.5",
		    NULL, 10000);

		world_power_on(w);
		sim_run(w->sim, EMU_SEC(300));
		for (i = 0; i < 20; i++)
			t[r][i] = w->first_ok[i];
		world_free(w);
	}
	assert_memory_equal(t[0], t[1], sizeof t[0]);
	assert_memory_not_equal(t[0], t[2], sizeof t[0]);
}

/*
 * Bandwidth: phones on sip88xx 11.0 upgrade to a generated 10 MB
 * (10,000,000 byte) load over HTTP; link speeds as given.  Returns the
 * world after a minute of virtual time.
 */
static struct world *
bw_world_v(uint64_t seed, int nphones, uint64_t link_bps, uint64_t uplink_bps,
    enum emu_verify verify, int bad_sha)
{
	static const char bad[] =
	    "load=sip88xx.12-0-1MPP-100\nfamily=sip88xx\nversion=12.0.1\n"
	    "image=x.img size=10000000 sha256=00000000000000000000000000000000"
	    "00000000000000000000000000000000\n";
	static const char up[] =
	    "<flat-profile>\n"
	    "  <Resync_Periodic>0</Resync_Periodic>\n"
	    "  <Upgrade_Rule>http://10.0.0.5/fw/sip88xx.12-0-1MPP-100.loads"
	    "</Upgrade_Rule>\n"
	    "</flat-profile>\n";
	struct world		*w;
	struct ep_dhcp_conf	 c;
	struct sim_link		 link = { EMU_MS(2), 0, 0, link_bps };
	struct sim_site		*site;
	char			*cause = NULL;
	int			 i;

	w = calloc(1, sizeof *w);
	w->ctx = emu_ctx_create(seed);
	w->ctx->image_verify = verify;
	w->sim = sim_create(w->ctx, seed);
	sim_set_note(w->sim, world_note, w);
	for (i = 0; i < 256; i++)
		w->first_ok[i] = EMU_TIME_NEVER;
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 255, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.lease_s = 86400;
	world_opt(&c, 160, "http://10.0.0.5/up.xml");
	w->dhcp = ep_dhcp_create(&c);
	site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->store = store_create();
	store_add_file(w->store, "/up.xml", (const uint8_t *)up, strlen(up));
	if (bad_sha) {
		store_add_file(w->store, "/fw/sip88xx.12-0-1MPP-100.loads",
		    (const uint8_t *)bad, strlen(bad));
		store_add_generated(w->store, "/fw/x.img", 10000000);
	} else
		assert_int_equal(store_add_load(w->store, "/fw/",
		    "sip88xx.12-0-1MPP-100", 10000000, 1, &cause), 0);
	w->http = ep_http_create(w->store);
	sim_host_add_http(w->sim, IP(10, 0, 0, 5), 80, w->http);
	if (uplink_bps != 0)
		sim_host_set_uplink(w->sim, IP(10, 0, 0, 5), uplink_bps);
	for (i = 0; i < nphones; i++) {
		struct phone_conf	 pc;
		struct phone		*p;

		memset(&pc, 0, sizeof pc);
		pc.mac[1] = 0x56;
		pc.mac[2] = 0x2b;
		pc.mac[5] = i + 1;
		pc.model = "CP-8851-3PCC";
		pc.swver = "sip88xx.11-0-0MPP-7";
		p = phone_create(w->ctx, &pc);
		assert_int_equal(phone_set(p, "Resync_Random_Delay", "0", 0,
		    &cause), 0);
		sim_phone_add(w->sim, site, p);
	}
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	return (w);
}

static struct world *
bw_world(uint64_t seed, int nphones, uint64_t link_bps, uint64_t uplink_bps)
{
	return (bw_world_v(seed, nphones, link_bps, uplink_bps,
	    EMU_VERIFY_SHA256, 0));
}

/*
 * 12.3: an image whose SHA-256 differs from its .loads
 * line is refused; with image_verify EMU_VERIFY_SIZE (a benchmark aid)
 * only its size is checked and the upgrade goes through.
 */
static void
test_image_verify_size(void **state)
{
	struct world	*w;

	w = bw_world_v(5, 1, 0, 0, EMU_VERIFY_SHA256, 1);
	assert_string_equal(phone_firmware(sim_phone(w->sim, 0), 0),
	    "sip88xx.11-0-0MPP-7");
	assert_true(w->st[0].upgrade_fail >= 1);
	world_free(w);
	w = bw_world_v(5, 1, 0, 0, EMU_VERIFY_SIZE, 1);
	assert_string_equal(phone_firmware(sim_phone(w->sim, 0), 0),
	    "sip88xx.12-0-1MPP-100");
	world_free(w);
}

static double
bw_seconds(const struct world *w, int i)
{
	/* The image and its HTTP header. */
	assert_true(w->img_bytes[i] >= 10000000 && w->img_bytes[i] < 10001000);
	return ((w->img_end[i] - w->img_start[i]) / 1e6);
}

/* 10 MB over a 10 Mb/s access link: 8 s of virtual time, a bit more. */
static void
test_bandwidth_access_link(void **state)
{
	struct world	*w = bw_world(1, 1, 10000000, 0);
	double		 t = bw_seconds(w, 0);

	assert_true(t >= 8.0 && t < 8.2);
	assert_string_equal(phone_firmware(sim_phone(w->sim, 0), 0),
	    "sip88xx.12-0-1MPP-100");
	world_free(w);
}

/* Two phones share a 10 Mb/s server uplink: 16 s each, side by side. */
static void
test_bandwidth_shared_uplink(void **state)
{
	struct world	*w = bw_world(2, 2, 0, 10000000);
	struct world	*w2 = bw_world(2, 2, 0, 10000000);
	double		 a = bw_seconds(w, 0), b = bw_seconds(w, 1);

	assert_true(a >= 15.5 && a < 16.4);
	assert_true(b >= 15.5 && b < 16.4);
	/* Side by side, not one after the other. */
	assert_true(w->img_start[1] < w->img_end[0]);
	assert_true(w->img_start[0] < w->img_end[1]);
	/* Same seed, same run. */
	assert_memory_equal(w->img_end, w2->img_end, sizeof w->img_end);
	world_free(w);
	world_free(w2);
}

/* The slower of access link and uplink share bounds a transfer. */
static void
test_bandwidth_both(void **state)
{
	/* 2 phones at 4 Mb/s each under a 10 Mb/s uplink: 20 s each. */
	struct world	*w = bw_world(3, 2, 4000000, 10000000);
	double		 a = bw_seconds(w, 0), b = bw_seconds(w, 1);

	assert_true(a >= 20.0 && a < 20.5);
	assert_true(b >= 20.0 && b < 20.5);
	world_free(w);
}

/* No bandwidth given: as fast as segments go (window per latency). */
static void
test_bandwidth_unlimited(void **state)
{
	struct world	*w = bw_world(4, 2, 0, 0);

	assert_true(bw_seconds(w, 0) < 1.0);
	assert_true(bw_seconds(w, 1) < 1.0);
	world_free(w);
}

/* {{seq}} and {{pad}}: a template's answer changes on every request. */
static void
test_template_seq(void **state)
{
	static const char body[] = "<GPP_A>{{seq}}</GPP_A><GPP_B>{{pad}}</GPP_B>";
	struct store	*st = store_create();
	struct dbuf	 a, b;

	dbuf_init(&a);
	dbuf_init(&b);
	store_add_template(st, "/cfg/*.xml", (const uint8_t *)body,
	    strlen(body));
	assert_int_equal(store_lookup(st, "/cfg/00562b000001.xml", &a), 0);
	assert_int_equal(store_lookup(st, "/cfg/00562b000002.xml", &b), 0);
	assert_int_equal(a.len, strlen("<GPP_A>1</GPP_A><GPP_B>x</GPP_B>"));
	assert_memory_equal(a.data, "<GPP_A>1</GPP_A><GPP_B>x</GPP_B>", a.len);
	assert_memory_equal(b.data, "<GPP_A>2</GPP_A><GPP_B>xx</GPP_B>", b.len);
	dbuf_clear(&a);
	dbuf_clear(&b);
	store_free(st);
}

/* The sim runtime behind the runtime interface: run, stop for good, step. */
static void
stop_cb(void *arg, emu_time now)
{
	runtime_stop(arg);
}

static void
test_runtime_sim(void **state)
{
	struct world	*w = world_create(7, 5, NULL,
	    "http://10.0.0.5/cfg/$MA.xml", 0);
	struct runtime	*rt = runtime_sim(w->sim);
	emu_time	 first;
	uint64_t	 n;
	size_t		 i;

	assert_string_equal(runtime_name(rt), "sim");
	assert_ptr_equal(runtime_world(rt), w->sim);
	assert_int_equal(runtime_set_speed(rt, 10), -1);	/* no pace */
	assert_true(runtime_speed(rt) == 0);
	world_power_on(w);
	first = runtime_next(rt);
	assert_true(first != EMU_TIME_NEVER);
	n = runtime_step(rt, 0);		/* up to the next event */
	assert_true(n >= 1);
	assert_int_equal(runtime_now(rt), first);
	runtime_step(rt, EMU_SEC(60));
	assert_int_equal(runtime_now(rt), first + EMU_SEC(60));
	for (i = 0; i < 5; i++)
		assert_int_equal(phone_state(sim_phone(w->sim, i)),
		    PROV_OPERATIONAL);
	/* Stopped from a timer at 90 s: the world stands there, for good. */
	runtime_at(rt, EMU_SEC(90), stop_cb, rt);
	assert_int_equal(runtime_run(rt, EMU_SEC(3600)), 1);
	assert_int_equal(runtime_now(rt), EMU_SEC(90));
	assert_true(runtime_stopped(rt));
	assert_int_equal(runtime_run(rt, EMU_SEC(3600)), 1);
	assert_int_equal(runtime_step(rt, EMU_SEC(1)), 0);
	assert_int_equal(runtime_now(rt), EMU_SEC(90));
	assert_int_equal(runtime_events(rt), sim_stats(w->sim)->events);
	runtime_free(rt);
	world_free(w);
}

/*
 * A carrier outside the world (sim_set_io): the phone's HTTP fetch to an
 * address no simulated host has is carried by it, byte for byte, and what
 * it hands back provisions the phone as the world's servers would.
 */
struct carrier {
	struct sim	*sim;
	struct phone	*p;
	uint32_t	 flow, ip;
	uint16_t	 port;
	int		 opens, closes, answered, unbinds;
	char		 req[4096];
	size_t		 len;
	int		 step;		/* next event to hand back */
};

static const char carrier_resp[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 53\r\n"
    "Connection: close\r\n\r\n"
    "<flat-profile><GPP_A>outside</GPP_A></flat-profile>\n\n";

static int
carrier_claims(void *arg, uint32_t ip)
{
	return ((ip >> 8) == (IP(192, 0, 2, 0) >> 8));
}

static void
carrier_cb(void *arg, emu_time now)
{
	struct carrier		*c = arg;
	struct emu_event	 ev;

	memset(&ev, 0, sizeof ev);
	ev.flow = c->flow;
	switch (c->step) {
	case 0:
		ev.type = EMU_EV_CONNECTED;
		break;
	case 1:
		ev.type = EMU_EV_DATA;
		ev.data = (const uint8_t *)carrier_resp;
		ev.len = sizeof carrier_resp - 1;
		c->answered = 1;
		break;
	default:
		ev.type = EMU_EV_CLOSED;
		break;
	}
	c->step++;
	sim_phone_event(c->sim, c->p, &ev);
	if (c->step == 2)
		sim_at(c->sim, now + EMU_MS(1), carrier_cb, c);
}

static void
carrier_open(void *arg, struct phone *p, const struct emu_act_open *o)
{
	struct carrier	*c = arg;

	c->opens++;
	c->p = p;
	c->flow = o->flow;
	c->ip = o->dst_ip;
	c->port = o->dst_port;
	c->step = 0;
	c->len = 0;
	sim_at(c->sim, sim_now(c->sim) + EMU_MS(5), carrier_cb, c);
}

static void
carrier_write(void *arg, struct phone *p, uint32_t flow, const uint8_t *d,
    size_t len)
{
	struct carrier	*c = arg;

	assert_int_equal(flow, c->flow);
	assert_true(c->len + len < sizeof c->req);
	memcpy(c->req + c->len, d, len);
	c->len += len;
	c->req[c->len] = '\0';
	if (strstr(c->req, "\r\n\r\n") != NULL && c->step == 1)
		sim_at(c->sim, sim_now(c->sim) + EMU_MS(5), carrier_cb, c);
}

static void
carrier_close(void *arg, struct phone *p, uint32_t flow)
{
	struct carrier	*c = arg;

	c->closes++;
}

static void
carrier_send(void *arg, struct phone *p, const struct emu_act_dgram *g,
    const uint8_t *d, size_t len)
{
	fail_msg("no datagram goes outside in this test");
}

static void
carrier_unbind(void *arg, struct phone *p, uint32_t flow)
{
	struct carrier	*c = arg;

	c->unbinds++;	/* DHCP's and DNS's flows too: told, not claimed */
}

static void
test_runtime_carrier(void **state)
{
	static const struct sim_io io = { carrier_claims, carrier_open,
	    carrier_write, carrier_close, carrier_send, carrier_unbind };
	struct world	*w = world_create(8, 1, NULL,
	    "http://192.0.2.9/cfg/$MA.xml", 0);
	struct carrier	 c;
	struct phone	*p;

	memset(&c, 0, sizeof c);
	c.sim = w->sim;
	sim_set_io(w->sim, &io, &c);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	p = sim_phone(w->sim, 0);
	assert_int_equal(c.opens, 1);
	assert_int_equal(c.ip, IP(192, 0, 2, 9));
	assert_int_equal(c.port, 80);
	assert_true(strncmp(c.req, "GET /cfg/00562b000000.xml HTTP/1.1\r\n",
	    36) == 0);
	assert_non_null(strstr(c.req, "\r\nHost: 192.0.2.9\r\n"));
	assert_true(c.answered);
	assert_int_equal(phone_state(p), PROV_OPERATIONAL);
	assert_string_equal(phone_get(p, "GPP_A"), "outside");
	assert_string_equal(phone_last_url(p),
	    "http://192.0.2.9:80/cfg/00562b000000.xml");
	assert_int_equal(c.closes, 1);
	/* The world carried no stream: DHCP only. */
	assert_int_equal(sim_stats(w->sim)->streams, 0);
	world_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b1_option66_tftp),
		cmocka_unit_test(test_b4_option160_http),
		cmocka_unit_test(test_b76_periodic),
		cmocka_unit_test(test_loss_recovers),
		cmocka_unit_test(test_b26_no_server),
		cmocka_unit_test(test_b15_edos_unreachable),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_bandwidth_access_link),
		cmocka_unit_test(test_bandwidth_shared_uplink),
		cmocka_unit_test(test_bandwidth_both),
		cmocka_unit_test(test_bandwidth_unlimited),
		cmocka_unit_test(test_image_verify_size),
		cmocka_unit_test(test_template_seq),
		cmocka_unit_test(test_runtime_sim),
		cmocka_unit_test(test_runtime_carrier),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

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
	struct sim_link		 link = { EMU_MS(2), EMU_MS(1), loss_ppm };
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
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

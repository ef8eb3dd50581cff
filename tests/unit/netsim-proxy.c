/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * netsim/ep-proxy.c in the sim runtime (spec 9.8, 7.5; B112, B48): phones
 * with Proxy_Mode=Manual fetch their profile through the simulated HTTP
 * proxy (absolute-form for http, CONNECT for https, the phone's TLS end to
 * end and still checked against the origin's name), answer its 407 with
 * Proxy_Username/Proxy_Password, reach EDOS and GDS through it, and get
 * its refusals; then the endpoint alone against hostile input.
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

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define PROV_IP IP(10, 0, 0, 5)
#define PROXY_IP IP(10, 0, 0, 8)
#define CLOUD_IP IP(10, 0, 9, 9)
#define DNS_IP IP(10, 0, 0, 53)
#define NOWHERE_IP IP(10, 0, 0, 77) /* no host there */
#define PROXY_PORT 3128
#define DAY 86400LL
#define MA "00562b000001"
#define MAC "00562B000001"
#define OBS_MAX 16

static const char profile[] = "<flat-profile>\n"
			      "  <GPP_A>provisioned</GPP_A>\n"
			      "  <Resync_Periodic>600</Resync_Periodic>\n"
			      "</flat-profile>\n";

/* One request as an observer saw it. */
struct obs {
	char method[16];
	char target[512];
	char auth[256]; /* "" if none */
	uint32_t peer_ip;
	int status;
};
struct obs_log {
	struct obs o[OBS_MAX];
	int n;
};

struct world {
	struct emu_ctx *ctx;
	struct sim *sim;
	struct ep_dhcp *dhcp;
	struct ep_dns *dns;
	struct store *store;
	struct ep_http *http; /* prov.example.com */
	struct store *cstore;
	struct ep_http *chttp; /* the cloud's */
	struct ep_cloud *cloud;
	struct ep_proxy *px;
	struct sim_site *site;
	struct phone *p;
	int64_t epoch;
	struct obs_log seen_proxy, seen_origin, seen_cloud;
	char log[64 * 1024];
	size_t loglen;
};

static void
obs_add(void *arg, const struct ep_request *req)
{
	struct obs_log *l = arg;
	struct obs *o;

	if (l->n == OBS_MAX)
		return;
	o = &l->o[l->n++];
	snprintf(o->method, sizeof o->method, "%s", req->method);
	snprintf(o->target, sizeof o->target, "%s",
	    req->target != NULL ? req->target : "");
	snprintf(o->auth, sizeof o->auth, "%s",
	    req->authorization != NULL ? req->authorization : "");
	o->peer_ip = req->peer_ip;
	o->status = req->status;
}

static void
world_log(void *arg, const char *line)
{
	struct world *w = arg;
	size_t n = strlen(line);

	if (w->loglen + n + 2 >= sizeof w->log)
		return;
	memcpy(w->log + w->loglen, line, n);
	w->loglen += n;
	w->log[w->loglen++] = '\n';
	w->log[w->loglen] = '\0';
}

/*
 * A site whose DHCP hands out rule (option 160) or none (then the phone
 * asks EDOS, 4.5); DNS for the origin, the cloud and the proxy; the origin
 * on http:80; a proxy on PROXY_IP:3128 made from pc.  One phone, with
 * Proxy_Mode=Manual towards proxy_host and the given credentials.
 */
static struct world *
world_create(uint64_t seed, const char *rule, const struct ep_proxy_conf *pc,
    const char *proxy_host, const char *user, const char *pass)
{
	struct world *w;
	struct ep_dhcp_conf c;
	struct ep_proxy_conf conf;
	struct phone_conf phc;
	struct sim_link link = { EMU_MS(2), EMU_MS(1), 0 };
	struct sim_link up = { EMU_MS(5), 0, 0 };
	char *cause = NULL;

	w = calloc(1, sizeof *w);
	rand_deterministic(seed);
	w->ctx = emu_ctx_create(seed);
	w->ctx->trace = TRACE_HTTP | TRACE_TLS;
	w->epoch = w->ctx->epoch;
	w->ctx->pki = pki_create(seed, w->epoch);
	w->sim = sim_create(w->ctx, seed);
	sim_set_log(w->sim, world_log, w);
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 255, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.dns[0] = DNS_IP;
	c.ndns = 1;
	c.lease_s = 86400;
	if (rule != NULL) {
		snprintf(c.domain, sizeof c.domain, "example.com");
		c.opt[0].code = 160;
		c.opt[0].len = strlen(rule);
		memcpy(c.opt[0].data, rule, strlen(rule));
		c.nopt = 1;
	}
	w->dhcp = ep_dhcp_create(&c);
	w->site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->dns = ep_dns_create();
	ep_dns_add_a(w->dns, "prov.example.com", PROV_IP);
	ep_dns_add_a(w->dns, "proxy.example.com", PROXY_IP);
	ep_dns_add_a(w->dns, CLOUD_EDOS_HOST, CLOUD_IP);
	ep_dns_add_a(w->dns, CLOUD_GDS_HOST, CLOUD_IP);
	sim_host_add_dns(w->sim, DNS_IP, w->dns);
	w->store = store_create();
	store_add_template(w->store, "/cfg/*.xml", (const uint8_t *)profile,
	    strlen(profile));
	w->http = ep_http_create(w->store);
	ep_http_observe(w->http, obs_add, &w->seen_origin);
	sim_host_add_http(w->sim, PROV_IP, 80, w->http);

	if (pc != NULL)
		conf = *pc;
	else
		memset(&conf, 0, sizeof conf);
	conf.dns = w->dns;
	w->px = ep_proxy_create(&conf);
	ep_proxy_observe(w->px, obs_add, &w->seen_proxy);
	sim_host_add_proxy(w->sim, PROXY_IP, PROXY_PORT, w->px, &up);

	memset(&phc, 0, sizeof phc);
	phc.mac[0] = 0x00;
	phc.mac[1] = 0x56;
	phc.mac[2] = 0x2b;
	phc.mac[5] = 1;
	phc.model = "CP-8851-3PCC";
	phc.serial = "FCH2001A0B1";
	phc.swver = "sip88xx.12-0-7MPP0301-92";
	w->p = phone_create(w->ctx, &phc);
	if (phone_set(w->p, "Proxy_Mode", "Manual", 0, &cause) != 0 ||
	    phone_set(w->p, "Proxy_Host", proxy_host, 0, &cause) != 0 ||
	    phone_set(w->p, "Proxy_Port", "3128", 0, &cause) != 0 ||
	    (user != NULL &&
		(phone_set(w->p, "Proxy_Username", user, 0, &cause) != 0 ||
		    phone_set(w->p, "Proxy_Password", pass, 0, &cause) != 0)))
		fail_msg("phone_set: %s", cause);
	sim_phone_add(w->sim, w->site, w->p);
	return (w);
}

/* A certificate for names from the Cisco root the phones trust. */
static int
world_cert(struct world *w, const char *name1, const char *name2)
{
	const char *names[2] = { name1, name2 };
	char *cause = NULL;
	int h;

	h = pki_server_cert(w->ctx->pki, "srv", names, name2 != NULL ? 2 : 1,
	    name1, PKI_CA_ROOT, PKI_KEY_ECDSA_P256, w->epoch - DAY,
	    w->epoch + 365 * DAY, &cause);
	if (h < 0)
		fail_msg("pki_server_cert: %s", cause);
	return (h);
}

static struct ep_tls *
world_https(struct world *w, uint32_t ip, struct ep_http *h, int cert)
{
	struct ep_tls_conf c;
	char *cause = NULL;

	memset(&c, 0, sizeof c);
	c.cert = cert;
	if (sim_host_add_https(w->sim, ip, 443, h, &c, &cause) != 0)
		fail_msg("sim_host_add_https: %s", cause);
	return (sim_host_tls(w->sim, ip, 443));
}

/* The simulated EDOS and GDS (13) over HTTPS at CLOUD_IP. */
static void
world_cloud(struct world *w)
{
	w->cstore = store_create();
	w->chttp = ep_http_create(w->cstore);
	ep_http_observe(w->chttp, obs_add, &w->seen_cloud);
	w->cloud = ep_cloud_create();
	ep_cloud_attach(w->cloud, w->chttp);
	world_https(w, CLOUD_IP, w->chttp,
	    world_cert(w, CLOUD_EDOS_HOST, CLOUD_GDS_HOST));
}

static void
world_run(struct world *w, emu_time until)
{
	sim_phone_event(w->sim, w->p,
	    &(struct emu_event){ .type = EMU_EV_POWER_ON });
	sim_run(w->sim, until);
}

static void
world_free(struct world *w)
{
	sim_free(w->sim);
	ep_proxy_free(w->px);
	ep_http_free(w->http);
	store_free(w->store);
	ep_http_free(w->chttp);
	ep_cloud_free(w->cloud);
	store_free(w->cstore);
	ep_dns_free(w->dns);
	ep_dhcp_free(w->dhcp);
	emu_ctx_free(w->ctx);
	rand_system();
	free(w);
}

static void
assert_provisioned(struct world *w)
{
	if (strcmp(phone_get(w->p, "GPP_A"), "provisioned") != 0)
		fail_msg("not provisioned:\n%s", w->log);
	assert_int_equal(phone_status(w->p)->last_class, EMU_CLASS_A);
}

static void
assert_failed_with(struct world *w, enum emu_err err)
{
	const struct phone_status *st = phone_status(w->p);

	if (st->last_err != err)
		fail_msg("last error \"%s\", not \"%s\":\n%s",
		    emu_err_cause(st->last_err), emu_err_cause(err), w->log);
	assert_int_equal(st->last_class, EMU_CLASS_C);
	assert_string_not_equal(phone_get(w->p, "GPP_A"), "provisioned");
}

/*
 * B112: the profile over http goes through the proxy: the proxy sees the
 * absolute-form request from the phone, the origin sees origin-form from
 * the proxy's address.  The phone found the proxy by name.
 */
static void
test_b112_http_profile_through_proxy(void **state)
{
	struct world *w = world_create(1, "http://prov.example.com/cfg/$MA.xml",
	    NULL, "proxy.example.com", NULL, NULL);
	const struct obs *o;

	(void)state;
	world_run(w, EMU_SEC(60));
	assert_provisioned(w);
	assert_int_equal(w->seen_proxy.n, 1);
	o = &w->seen_proxy.o[0];
	assert_string_equal(o->method, "GET");
	assert_string_equal(o->target,
	    "http://prov.example.com/cfg/" MA ".xml");
	assert_int_equal(o->peer_ip, phone_ip(w->p));
	assert_int_equal(o->status, 200);
	assert_int_equal(w->seen_origin.n, 1);
	o = &w->seen_origin.o[0];
	assert_string_equal(o->method, "GET");
	assert_string_equal(o->target, "/cfg/" MA ".xml");
	assert_int_equal(o->peer_ip, PROXY_IP);
	assert_int_equal(ep_proxy_stats(w->px)->requests, 1);
	assert_int_equal(ep_proxy_stats(w->px)->connects, 0);
	assert_int_equal(sim_stats(w->sim)->legs, 1);
	world_free(w);
}

/*
 * B112, B48: a proxy that wants credentials answers 407; the phone
 * retries at once with Proxy_Username/Proxy_Password in Basic and gets
 * its profile.
 */
static void
test_b112_407_then_credentials(void **state)
{
	struct ep_proxy_conf pc = { .user = "fleet", .pass = "s3cret" };
	struct world *w;
	char *b64;

	(void)state;
	w = world_create(2, "http://prov.example.com/cfg/$MA.xml", &pc,
	    "10.0.0.8", "fleet", "s3cret");
	world_run(w, EMU_SEC(60));
	assert_provisioned(w);
	assert_int_equal(w->seen_proxy.n, 2);
	assert_int_equal(w->seen_proxy.o[0].status, 407);
	assert_string_equal(w->seen_proxy.o[0].auth, "");
	assert_int_equal(w->seen_proxy.o[1].status, 200);
	b64 = http_base64("fleet:s3cret", 12);
	assert_string_equal(w->seen_proxy.o[1].auth + strlen("Basic "), b64);
	free(b64);
	assert_int_equal(ep_proxy_stats(w->px)->auth_required, 1);
	/* The proxy's credentials never reach the origin. */
	assert_int_equal(w->seen_origin.n, 1);
	assert_string_equal(w->seen_origin.o[0].auth, "");
	world_free(w);
}

/* B112, B48: wrong proxy credentials: 407 three times, then class C. */
static void
test_b112_407_wrong_credentials(void **state)
{
	struct ep_proxy_conf pc = { .user = "fleet", .pass = "s3cret" };
	struct world *w;
	int i;

	(void)state;
	w = world_create(3, "http://prov.example.com/cfg/$MA.xml", &pc,
	    "10.0.0.8", "fleet", "wrong");
	world_run(w, EMU_SEC(60));
	assert_failed_with(w, EMU_E_AUTH);
	/* 9.4: the original request and two retries. */
	assert_int_equal(w->seen_proxy.n, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(w->seen_proxy.o[i].status, 407);
	assert_int_equal(w->seen_origin.n, 0);
	world_free(w);
}

/*
 * B112, 9.8: https through CONNECT.  The phone's TLS runs end to end: the
 * origin's TLS server does the handshake, the proxy only relays.
 */
static void
test_b112_https_through_connect(void **state)
{
	struct world *w;
	struct ep_tls *t;
	const struct obs *o;

	(void)state;
	w = world_create(4, "https://prov.example.com/cfg/$MA.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	t = world_https(w, PROV_IP, w->http,
	    world_cert(w, "prov.example.com", NULL));
	world_run(w, EMU_SEC(60));
	assert_provisioned(w);
	assert_int_equal(w->seen_proxy.n, 1);
	o = &w->seen_proxy.o[0];
	assert_string_equal(o->method, "CONNECT");
	assert_string_equal(o->target, "prov.example.com:443");
	assert_int_equal(o->status, 200);
	assert_int_equal(ep_proxy_stats(w->px)->connects, 1);
	assert_int_equal(ep_tls_stats(t)->full, 1);
	assert_int_equal(w->seen_origin.n, 1);
	assert_string_equal(w->seen_origin.o[0].target, "/cfg/" MA ".xml");
	assert_int_equal(w->seen_origin.o[0].peer_ip, PROXY_IP);
	assert_true(ep_proxy_stats(w->px)->bytes_up > 0);
	assert_true(ep_proxy_stats(w->px)->bytes_down > strlen(profile));
	world_free(w);
}

/*
 * B112: a profile far larger than the proxy's window crosses the tunnel:
 * the origin sends only what the proxy has room for, and nothing is lost.
 */
static void
test_b112_big_profile_through_tunnel(void **state)
{
	struct world *w;
	struct dbuf big;
	size_t i;

	(void)state;
	w = world_create(14, "https://prov.example.com/big.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	dbuf_init(&big);
	dbuf_add_str(&big, "<flat-profile>\n<!-- ");
	for (i = 0; i < 10 * EP_PROXY_WINDOW / 64; i++)
		dbuf_add_str(&big,
		    "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef012345678901234\n");
	dbuf_add_str(&big,
	    "-->\n<GPP_A>provisioned</GPP_A>\n"
	    "</flat-profile>\n");
	store_add_file(w->store, "/big.xml", big.data, big.len);
	world_https(w, PROV_IP, w->http,
	    world_cert(w, "prov.example.com", NULL));
	world_run(w, EMU_SEC(60));
	assert_provisioned(w);
	assert_true(ep_proxy_stats(w->px)->bytes_down > big.len);
	assert_int_equal(ep_proxy_stats(w->px)->connects, 1);
	dbuf_clear(&big);
	world_free(w);
}

/*
 * B112, 9.6: through the tunnel the phone checks the certificate against
 * the origin's name, not the proxy's: a certificate naming only the proxy
 * is refused.
 */
static void
test_b112_connect_checks_origin_name(void **state)
{
	struct world *w;

	(void)state;
	w = world_create(5, "https://prov.example.com/cfg/$MA.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	world_https(w, PROV_IP, w->http,
	    world_cert(w, "proxy.example.com", NULL));
	world_run(w, EMU_SEC(60));
	assert_failed_with(w, EMU_E_TLS_NAME);
	assert_true(ep_proxy_stats(w->px)->connects >= 1);
	assert_int_equal(w->seen_origin.n, 0);
	world_free(w);
}

/*
 * B112: CONNECT with proxy authentication: the 407 comes before the
 * tunnel, the phone reconnects with credentials.
 */
static void
test_b112_connect_407_then_tunnel(void **state)
{
	struct ep_proxy_conf pc = { .user = "fleet", .pass = "s3cret" };
	struct world *w;

	(void)state;
	w = world_create(6, "https://prov.example.com/cfg/$MA.xml", &pc,
	    "proxy.example.com", "fleet", "s3cret");
	world_https(w, PROV_IP, w->http,
	    world_cert(w, "prov.example.com", NULL));
	world_run(w, EMU_SEC(60));
	assert_provisioned(w);
	assert_int_equal(w->seen_proxy.n, 2);
	assert_string_equal(w->seen_proxy.o[0].method, "CONNECT");
	assert_int_equal(w->seen_proxy.o[0].status, 407);
	assert_int_equal(w->seen_proxy.o[1].status, 200);
	assert_int_equal(ep_proxy_stats(w->px)->connects, 1);
	world_free(w);
}

/* B112: CONNECT to a port off the allow-list: 403, a proxy error (C). */
static void
test_b112_connect_port_forbidden(void **state)
{
	struct ep_proxy_conf pc = { .connect_ports = { 8443 },
		.nconnect_ports = 1 };
	struct world *w;
	struct ep_tls *t;

	(void)state;
	w = world_create(7, "https://prov.example.com/cfg/$MA.xml", &pc,
	    "proxy.example.com", NULL, NULL);
	t = world_https(w, PROV_IP, w->http,
	    world_cert(w, "prov.example.com", NULL));
	world_run(w, EMU_SEC(60));
	assert_failed_with(w, EMU_E_PROXY);
	assert_int_equal(w->seen_proxy.o[0].status, 403);
	assert_true(ep_proxy_stats(w->px)->forbidden >= 1);
	assert_int_equal(ep_tls_stats(t)->conns, 0);
	assert_int_equal(sim_stats(w->sim)->legs, 0);
	world_free(w);
}

/*
 * B112: EDOS through the proxy.  No DHCP rule: the phone asks
 * activate.cisco.com over https, which goes through CONNECT; the redirect
 * profile's http rule then goes through the proxy too.
 */
static void
test_b112_edos_through_connect(void **state)
{
	struct world *w;
	char *cause = NULL;
	int i, connect = -1, get = -1;

	(void)state;
	w = world_create(8, NULL, NULL, "proxy.example.com", NULL, NULL);
	world_cloud(w);
	if (ep_cloud_device(w->cloud, MAC,
		"<flat-profile><Profile_Rule>"
		"http://prov.example.com/cfg/$MA.xml</Profile_Rule>"
		"</flat-profile>",
		"Super VoIP", &cause) != 0)
		fail_msg("ep_cloud_device: %s", cause);
	world_run(w, EMU_SEC(120));
	assert_provisioned(w);
	assert_int_equal(phone_customization(w->p), CUST_ACQUIRED);
	assert_int_equal(ep_cloud_stats(w->cloud)->queries, 1);
	for (i = 0; i < w->seen_proxy.n; i++) {
		if (strcmp(w->seen_proxy.o[i].target, CLOUD_EDOS_HOST ":443") ==
		    0)
			connect = i;
		if (strcmp(w->seen_proxy.o[i].target,
			"http://prov.example.com/cfg/" MA ".xml") == 0)
			get = i;
	}
	assert_true(connect >= 0 && get > connect);
	assert_string_equal(w->seen_proxy.o[connect].method, "CONNECT");
	assert_int_equal(w->seen_cloud.n, 1);
	assert_int_equal(w->seen_cloud.o[0].peer_ip, PROXY_IP);
	assert_non_null(strstr(w->seen_cloud.o[0].target, "mac=" MAC));
	world_free(w);
}

/*
 * B112: GDS through the proxy: EDOS has nobody for the phone, the user
 * enters an activation code, and the POST to activation.webex.com goes
 * through CONNECT; the granted rule is fetched through the proxy.
 */
static void
test_b112_gds_through_connect(void **state)
{
	struct world *w;
	char *cause = NULL;
	int i, gds = 0;

	(void)state;
	w = world_create(9, NULL, NULL, "proxy.example.com", NULL, NULL);
	world_cloud(w);
	if (ep_cloud_gds_code(w->cloud, "1234567890123456",
		"http://prov.example.com/cfg/$MA.xml", NULL, NULL,
		EMU_TIME_NEVER, &cause) != 0)
		fail_msg("ep_cloud_gds_code: %s", cause);
	world_run(w, EMU_SEC(60));
	assert_int_equal(phone_state(w->p), PROV_ACTIVATION);
	sim_phone_event(w->sim, w->p,
	    &(struct emu_event){ .type = EMU_EV_ACTIVATE,
		.text = "1234567890123456" });
	sim_run(w->sim, EMU_SEC(120));
	assert_provisioned(w);
	assert_int_equal(ep_cloud_stats(w->cloud)->activations, 1);
	for (i = 0; i < w->seen_proxy.n; i++) {
		if (strcmp(w->seen_proxy.o[i].target, CLOUD_GDS_HOST ":443") ==
			0 &&
		    w->seen_proxy.o[i].status == 200)
			gds = 1;
	}
	assert_true(gds);
	for (i = 0; i < w->seen_cloud.n; i++)
		assert_int_equal(w->seen_cloud.o[i].peer_ip, PROXY_IP);
	world_free(w);
}

/* The same seed replays the same run through the proxy, log for log. */
static void
test_b112_replay(void **state)
{
	struct world *w[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		w[i] = world_create(15, "https://prov.example.com/cfg/$MA.xml",
		    NULL, "proxy.example.com", NULL, NULL);
		world_https(w[i], PROV_IP, w[i]->http,
		    world_cert(w[i], "prov.example.com", NULL));
		world_run(w[i], EMU_SEC(60));
		assert_provisioned(w[i]);
	}
	assert_true(w[0]->loglen > 0);
	assert_string_equal(w[0]->log, w[1]->log);
	assert_int_equal(sim_stats(w[0]->sim)->events,
	    sim_stats(w[1]->sim)->events);
	for (i = 0; i < 2; i++)
		world_free(w[i]);
}

/* B112: an origin the proxy cannot resolve: 502 (http: class C, 502). */
static void
test_b112_unknown_host_502(void **state)
{
	struct world *w;

	(void)state;
	w = world_create(10, "http://nowhere.example.com/cfg/$MA.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	world_run(w, EMU_SEC(60));
	assert_int_equal(phone_status(w->p)->last_class, EMU_CLASS_C);
	assert_int_equal(phone_status(w->p)->last_status, 502);
	assert_int_equal(w->seen_proxy.o[0].status, 502);
	assert_int_equal(sim_stats(w->sim)->legs, 0);
	world_free(w);
}

/* B112: CONNECT to an unknown host: 502, the phone's proxy error. */
static void
test_b112_connect_unknown_host(void **state)
{
	struct world *w;

	(void)state;
	w = world_create(11, "https://nowhere.example.com/cfg/$MA.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	world_run(w, EMU_SEC(60));
	assert_failed_with(w, EMU_E_PROXY);
	assert_string_equal(w->seen_proxy.o[0].method, "CONNECT");
	assert_int_equal(w->seen_proxy.o[0].status, 502);
	assert_true(ep_proxy_stats(w->px)->errors >= 1);
	world_free(w);
}

/* B112: the origin is down (refuses): 502; no host at all: 504. */
static void
test_b112_target_down(void **state)
{
	struct ep_proxy_conf pc = { .connect_timeout = EMU_SEC(5) };
	struct world *w;

	(void)state;
	w = world_create(12, "http://prov.example.com/cfg/$MA.xml", NULL,
	    "proxy.example.com", NULL, NULL);
	sim_host_set_down(w->sim, PROV_IP, 1);
	world_run(w, EMU_SEC(60));
	assert_int_equal(phone_status(w->p)->last_class, EMU_CLASS_C);
	assert_int_equal(phone_status(w->p)->last_status, 502);
	assert_int_equal(w->seen_proxy.o[0].status, 502);
	assert_int_equal(sim_stats(w->sim)->legs_refused, 1);
	world_free(w);

	w = world_create(13, "http://10.0.0.77/cfg/$MA.xml", &pc,
	    "proxy.example.com", NULL, NULL);
	world_run(w, EMU_SEC(60));
	assert_int_equal(phone_status(w->p)->last_class, EMU_CLASS_C);
	assert_int_equal(phone_status(w->p)->last_status, 504);
	assert_int_equal(w->seen_proxy.o[0].status, 504);
	world_free(w);
}

/*
 * The endpoint alone: a request on a new connection, everything the
 * proxy answers collected until it closes or waits.
 */
struct px {
	struct ep_proxy *px;
	struct ep_dns *dns;
	struct obs_log seen;
};

static struct px *
px_new(const struct ep_proxy_conf *pc)
{
	struct px *x = calloc(1, sizeof *x);
	struct ep_proxy_conf c;

	x->dns = ep_dns_create();
	ep_dns_add_a(x->dns, "prov.example.com", PROV_IP);
	if (pc != NULL)
		c = *pc;
	else
		memset(&c, 0, sizeof c);
	c.dns = x->dns;
	x->px = ep_proxy_create(&c);
	ep_proxy_observe(x->px, obs_add, &x->seen);
	return (x);
}

static void
px_free(struct px *x)
{
	ep_proxy_free(x->px);
	ep_dns_free(x->dns);
	free(x);
}

/* Pull what goes to the client into rx; the last pull's result. */
static enum ep_pull
px_drain(struct px *x, struct ep_proxy_conn *c, emu_time now, struct dbuf *rx,
    emu_time *at)
{
	enum ep_pull r;
	emu_time t = EMU_TIME_NEVER;

	while ((r = ep_proxy_pull(x->px, c, now, 1000, rx, &t)) == EP_PULL_DATA)
		;
	if (at != NULL)
		*at = t;
	return (r);
}

/* The status of the answer in rx, or -1. */
static int
px_status(const struct dbuf *rx)
{
	struct http_msg m;
	int st = -1;

	http_msg_init(&m, 0, 0);
	if (http_msg_feed(&m, rx->data, rx->len, NULL) == HTTP_DONE)
		st = m.status;
	http_msg_clear(&m);
	return (st);
}

/* One request; the proxy's own answer (it must close after it). */
static int
px_answer(struct px *x, const void *req, size_t len)
{
	struct ep_proxy_conn *c;
	struct dbuf rx;
	uint32_t ip;
	uint16_t port;
	int st;

	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	dbuf_init(&rx);
	ep_proxy_input(x->px, c, req, len, 0);
	assert_int_equal(ep_proxy_want(x->px, c, &ip, &port),
	    EP_PROXY_WANT_NONE);
	assert_int_equal(px_drain(x, c, 0, &rx, NULL), EP_PULL_CLOSE);
	st = px_status(&rx);
	dbuf_clear(&rx);
	ep_proxy_conn_free(x->px, c);
	return (st);
}

static int
px_answer_str(struct px *x, const char *req)
{
	return (px_answer(x, req, strlen(req)));
}

/* B112: bad requests get the proxy's own error, never an upstream. */
static void
test_b112_bad_requests(void **state)
{
	struct px *x = px_new(NULL);
	char *big;
	size_t n = HTTP_HEAD_MAX + 100;

	(void)state;
	assert_int_equal(px_answer_str(x,
			     "\x16\x03\x01\x02\x01garbage\r\n"
			     "\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "GET /cfg/x.xml HTTP/1.1\r\n"
			     "Host: prov.example.com\r\n\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "GET https://prov.example.com/ "
			     "HTTP/1.1\r\n\r\n"),
	    501);
	assert_int_equal(px_answer_str(x,
			     "GET http://u:p@prov.example.com/ "
			     "HTTP/1.1\r\n\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "GET http://prov.example.com:0/ "
			     "HTTP/1.1\r\n\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "CONNECT prov.example.com "
			     "HTTP/1.1\r\n\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "CONNECT prov.example.com:99999 "
			     "HTTP/1.1\r\n\r\n"),
	    400);
	assert_int_equal(px_answer_str(x,
			     "CONNECT nowhere.example.com:443 "
			     "HTTP/1.1\r\n\r\n"),
	    502);
	assert_int_equal(px_answer_str(x,
			     "GET http://nowhere.example.com/ "
			     "HTTP/1.1\r\n\r\n"),
	    502);
	/* An oversized head: 431, read no further. */
	big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "GET http://prov.example.com/ HTTP/1.1\r\nX: ", 42);
	assert_int_equal(px_answer(x, big, n), 431);
	free(big);
	assert_int_equal(ep_proxy_stats(x->px)->bad, 8);
	assert_int_equal(ep_proxy_stats(x->px)->errors, 2);
	assert_int_equal(ep_proxy_stats(x->px)->requests, 0);
	assert_int_equal(x->seen.n, 10);
	assert_int_equal(x->seen.o[7].status, 502);
	assert_string_equal(x->seen.o[7].target, "nowhere.example.com:443");
	px_free(x);
}

/*
 * The forwarded request is origin-form with the end-to-end fields only;
 * the answer is relayed as it comes, then both sides close.
 */
static void
test_b112_forwarded_request(void **state)
{
	static const char req[] =
	    "POST http://prov.example.com:8080/x?y=1 HTTP/1.1\r\n"
	    "Host: prov.example.com:8080\r\n"
	    "User-Agent: Cisco-CP-8851-3PCC/12.0.7 (00562b000001)\r\n"
	    "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n"
	    "Connection: close, X-Hop\r\n"
	    "X-Hop: 1\r\n"
	    "Content-Length: 5\r\n\r\nhello";
	static const char resp[] = "HTTP/1.1 404 Not Found\r\n"
				   "Content-Length: 0\r\n\r\n";
	struct px *x = px_new(NULL);
	struct ep_proxy_conn *c;
	struct http_msg m;
	struct dbuf up, rx;
	uint32_t ip;
	uint16_t port;

	(void)state;
	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)req, 20, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)req + 20, sizeof req - 21, 0);
	assert_int_equal(ep_proxy_want(x->px, c, &ip, &port),
	    EP_PROXY_WANT_OPEN);
	assert_int_equal(ip, PROV_IP);
	assert_int_equal(port, 8080);
	/* Said once. */
	assert_int_equal(ep_proxy_want(x->px, c, &ip, &port),
	    EP_PROXY_WANT_NONE);
	dbuf_init(&up);
	dbuf_init(&rx);
	/* Nothing goes up before the leg is connected. */
	assert_int_equal(ep_proxy_pull_up(x->px, c, 0, 4096, &up),
	    EP_PULL_NONE);
	ep_proxy_up_connected(x->px, c, EMU_MS(1));
	while (ep_proxy_pull_up(x->px, c, EMU_MS(1), 7, &up) == EP_PULL_DATA)
		;
	http_msg_init(&m, 1, 0);
	assert_int_equal(http_msg_feed(&m, up.data, up.len, NULL), HTTP_DONE);
	assert_string_equal(m.method, "POST");
	assert_string_equal(m.target, "/x?y=1");
	assert_string_equal(http_msg_header(&m, "Host"),
	    "prov.example.com:8080");
	assert_non_null(http_msg_header(&m, "User-Agent"));
	assert_null(http_msg_header(&m, "Proxy-Authorization"));
	assert_null(http_msg_header(&m, "X-Hop"));
	assert_string_equal(http_msg_header(&m, "Connection"), "close");
	assert_non_null(http_msg_header(&m, "Via"));
	assert_int_equal(m.body.len, 5);
	assert_memory_equal(m.body.data, "hello", 5);
	http_msg_clear(&m);

	ep_proxy_up_input(x->px, c, (const uint8_t *)resp, 5, EMU_MS(2));
	ep_proxy_up_input(x->px, c, (const uint8_t *)resp + 5, sizeof resp - 6,
	    EMU_MS(2));
	ep_proxy_up_eof(x->px, c, EMU_MS(2));
	assert_int_equal(px_drain(x, c, EMU_MS(2), &rx, NULL), EP_PULL_CLOSE);
	assert_int_equal(rx.len, sizeof resp - 1);
	assert_memory_equal(rx.data, resp, rx.len);
	assert_int_equal(ep_proxy_pull_up(x->px, c, EMU_MS(2), 4096, &up),
	    EP_PULL_CLOSE);
	assert_int_equal(x->seen.n, 1);
	assert_int_equal(x->seen.o[0].status, 404);
	assert_string_equal(x->seen.o[0].target,
	    "http://prov.example.com:8080/x?y=1");
	dbuf_clear(&up);
	dbuf_clear(&rx);
	ep_proxy_conn_free(x->px, c);
	px_free(x);
}

/* Time-outs: a request never finished (408), an upstream that never
 * connects (504), one that closes without answering (502). */
static void
test_b112_timeouts(void **state)
{
	static const char get[] = "GET http://prov.example.com/ HTTP/1.1\r\n"
				  "\r\n";
	struct px *x = px_new(NULL);
	struct ep_proxy_conn *c;
	struct dbuf rx;
	emu_time at;
	uint32_t ip;
	uint16_t port;

	(void)state;
	dbuf_init(&rx);
	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)"GET http://pr", 13, 0);
	assert_int_equal(px_drain(x, c, EMU_SEC(1), &rx, &at), EP_PULL_WAIT);
	assert_int_equal(at, EMU_SEC(EP_PROXY_HEAD_S));
	assert_int_equal(px_drain(x, c, at, &rx, NULL), EP_PULL_CLOSE);
	assert_int_equal(px_status(&rx), 408);
	ep_proxy_conn_free(x->px, c);

	dbuf_reset(&rx);
	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)get, sizeof get - 1, 0);
	assert_int_equal(ep_proxy_want(x->px, c, &ip, &port),
	    EP_PROXY_WANT_OPEN);
	assert_int_equal(px_drain(x, c, 0, &rx, &at), EP_PULL_WAIT);
	assert_int_equal(at, EMU_SEC(EP_PROXY_CONNECT_S));
	assert_int_equal(px_drain(x, c, at, &rx, NULL), EP_PULL_CLOSE);
	assert_int_equal(px_status(&rx), 504);
	ep_proxy_conn_free(x->px, c);

	dbuf_reset(&rx);
	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)get, sizeof get - 1, 0);
	ep_proxy_want(x->px, c, &ip, &port);
	ep_proxy_up_connected(x->px, c, 0);
	ep_proxy_up_eof(x->px, c, 0);
	assert_int_equal(px_drain(x, c, 0, &rx, NULL), EP_PULL_CLOSE);
	assert_int_equal(px_status(&rx), 502);
	ep_proxy_conn_free(x->px, c);
	assert_int_equal(ep_proxy_stats(x->px)->errors, 2);
	dbuf_clear(&rx);
	px_free(x);
}

/* A tunnel relays both ways; a client that floods it is reset. */
static void
test_b112_tunnel_bounded(void **state)
{
	static const char conn[] = "CONNECT prov.example.com:443 HTTP/1.1\r\n"
				   "Host: prov.example.com:443\r\n\r\nHELLO";
	struct px *x = px_new(NULL);
	struct ep_proxy_conn *c;
	struct dbuf rx, up;
	uint8_t *junk;
	uint32_t ip;
	uint16_t port;
	size_t i;

	(void)state;
	dbuf_init(&rx);
	dbuf_init(&up);
	c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, 0);
	ep_proxy_input(x->px, c, (const uint8_t *)conn, sizeof conn - 1, 0);
	assert_int_equal(ep_proxy_want(x->px, c, &ip, &port),
	    EP_PROXY_WANT_OPEN);
	assert_int_equal(port, 443);
	ep_proxy_up_connected(x->px, c, 0);
	assert_int_equal(px_drain(x, c, 0, &rx, NULL), EP_PULL_NONE);
	assert_int_equal(rx.len, 39);
	assert_memory_equal(rx.data,
	    "HTTP/1.1 200 Connection established"
	    "\r\n\r\n",
	    39);
	/* What followed the head went up, as it was. */
	assert_int_equal(ep_proxy_pull_up(x->px, c, 0, 4096, &up),
	    EP_PULL_DATA);
	assert_int_equal(up.len, 5);
	assert_memory_equal(up.data, "HELLO", 5);
	dbuf_reset(&rx);
	ep_proxy_up_input(x->px, c, (const uint8_t *)"\x16\x03\x03", 3, 0);
	assert_int_equal(px_drain(x, c, 0, &rx, NULL), EP_PULL_NONE);
	assert_int_equal(rx.len, 3);
	/* Room shrinks as upstream bytes wait for the client. */
	junk = calloc(1, EP_PROXY_WINDOW);
	ep_proxy_up_input(x->px, c, junk, EP_PROXY_WINDOW, 0);
	assert_int_equal(ep_proxy_room(x->px, c), 0);
	/* The upstream never reads: the client's flood is cut. */
	for (i = 0; i <= EP_PROXY_BUF_MAX / EP_PROXY_WINDOW; i++)
		ep_proxy_input(x->px, c, junk, EP_PROXY_WINDOW, 0);
	free(junk);
	assert_int_equal(px_drain(x, c, 0, &rx, NULL), EP_PULL_RESET);
	assert_int_equal(ep_proxy_pull_up(x->px, c, 0, 4096, &up),
	    EP_PULL_CLOSE);
	ep_proxy_conn_free(x->px, c);
	dbuf_clear(&rx);
	dbuf_clear(&up);
	px_free(x);
}

/*
 * Hostile clients and upstreams in any order: random bytes, request
 * fragments and upstream events; the proxy never crashes and every
 * connection ends.
 */
static void
test_b112_hostile_input(void **state)
{
	static const char *const frag[] = { "GET ", "CONNECT ", "http://",
		"prov.example.com", ":443", ":80", "/x", " HTTP/1.1", "\r\n",
		"Proxy-Authorization: Basic eDp5\r\n", "Content-Length: 9\r\n",
		"Transfer-Encoding: chunked\r\n", "\r\n\r\n", "5\r\nhello\r\n",
		"0\r\n\r\n", ":", "@", "\0", "\xff" };
	static const char *const good[] = {
		"GET http://prov.example.com/x HTTP/1.1\r\n\r\n",
		"GET http://prov.example.com/x HTTP/1.1\r\n"
		"Proxy-Authorization: Basic eDp5\r\n\r\n",
		"CONNECT prov.example.com:443 HTTP/1.1\r\n"
		"Proxy-Authorization: Basic eDp5\r\n\r\n",
		"CONNECT prov.example.com:8080 HTTP/1.1\r\n"
		"Proxy-Authorization: Basic eDp5\r\n\r\n",
		"CONNECT 10.0.0.5:80 HTTP/1.1\r\n"
		"Proxy-Authorization: Basic eDp5\r\n\r\nxyz",
	};
	struct ep_proxy_conf pc = { .user = "x",
		.pass = "y",
		.connect_ports = { 443, 80 },
		.nconnect_ports = 2 };
	struct px *x = px_new(&pc);
	struct ep_proxy_conn *c;
	struct dbuf rx, req;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	uint32_t ip;
	uint16_t port;
	emu_time now = 0, at;
	int i, j, k, steps;

	(void)state;
	dbuf_init(&rx);
	dbuf_init(&req);
	for (i = 0; i < 3000; i++) {
		c = ep_proxy_accept(x->px, IP(10, 0, 1, 1), 40000, now);
		steps = 1 + (rng >> 60);
		for (j = 0; j < steps; j++) {
			rng = rng * 6364136223846793005ULL +
			    1442695040888963407ULL;
			dbuf_reset(&req);
			for (k = 0; k < (int)((rng >> 33) % 12); k++) {
				const char *f = frag[(rng >> (k * 4)) %
				    (sizeof frag / sizeof frag[0])];

				dbuf_add(&req, f,
				    strlen(f) != 0 ? strlen(f) : 1);
			}
			if (j == 0 && (rng >> 50) % 3 == 0) {
				/* A request that parses, or nearly. */
				dbuf_reset(&req);
				dbuf_add_str(&req,
				    good[(rng >> 44) %
					(sizeof good / sizeof good[0])]);
			}
			if ((rng >> 20) % 5 == 0) {
				for (k = 0; k < (int)((rng >> 40) % 64); k++)
					dbuf_add_u8(&req, (uint8_t)(rng >> k));
			}
			switch ((rng >> 8) % 8) {
			case 0:
				ep_proxy_up_connected(x->px, c, now);
				break;
			case 1:
				ep_proxy_up_input(x->px, c, req.data, req.len,
				    now);
				break;
			case 2:
				ep_proxy_up_eof(x->px, c, now);
				break;
			case 3:
				ep_proxy_up_error(x->px, c, (rng >> 3) & 1,
				    now);
				break;
			default:
				ep_proxy_input(x->px, c, req.data, req.len,
				    now);
				break;
			}
			ep_proxy_want(x->px, c, &ip, &port);
			dbuf_reset(&rx);
			while (ep_proxy_pull_up(x->px, c, now, 512, &rx) ==
			    EP_PULL_DATA)
				;
			dbuf_reset(&rx);
			px_drain(x, c, now, &rx, &at);
			now += EMU_SEC(7);
		}
		if ((rng >> 12) & 1)
			ep_proxy_eof(x->px, c, now);
		px_drain(x, c, now + EMU_SEC(120), &rx, NULL);
		/* Whatever happened, a late pull finds nothing waiting. */
		assert_int_not_equal(px_drain(x, c, now + EMU_SEC(240), &rx,
					 NULL),
		    EP_PULL_WAIT);
		ep_proxy_conn_free(x->px, c);
	}
	assert_int_equal(ep_proxy_stats(x->px)->conns, 3000);
	assert_true(ep_proxy_stats(x->px)->bad > 0);
	assert_true(ep_proxy_stats(x->px)->auth_required > 0);
	assert_true(ep_proxy_stats(x->px)->forbidden > 0);
	assert_true(ep_proxy_stats(x->px)->connects > 0);
	assert_true(ep_proxy_stats(x->px)->requests > 0);
	dbuf_clear(&rx);
	dbuf_clear(&req);
	px_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b112_http_profile_through_proxy),
		cmocka_unit_test(test_b112_407_then_credentials),
		cmocka_unit_test(test_b112_407_wrong_credentials),
		cmocka_unit_test(test_b112_https_through_connect),
		cmocka_unit_test(test_b112_big_profile_through_tunnel),
		cmocka_unit_test(test_b112_connect_checks_origin_name),
		cmocka_unit_test(test_b112_connect_407_then_tunnel),
		cmocka_unit_test(test_b112_connect_port_forbidden),
		cmocka_unit_test(test_b112_edos_through_connect),
		cmocka_unit_test(test_b112_gds_through_connect),
		cmocka_unit_test(test_b112_replay),
		cmocka_unit_test(test_b112_unknown_host_502),
		cmocka_unit_test(test_b112_connect_unknown_host),
		cmocka_unit_test(test_b112_target_down),
		cmocka_unit_test(test_b112_bad_requests),
		cmocka_unit_test(test_b112_forwarded_request),
		cmocka_unit_test(test_b112_timeouts),
		cmocka_unit_test(test_b112_tunnel_bounded),
		cmocka_unit_test(test_b112_hostile_input),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

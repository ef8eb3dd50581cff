/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's TLS client (emu/tls.c) against the embedded server's TLS
 * side (netsim/ep-tls.c) in a small sim world: DHCP hands out an https
 * profile rule, DNS names the servers, and each server presents a
 * certificate from the run's pki made the way the test needs (9.6, 4.3,
 * 2.2; B8, B54, B55).  Every TLS error class has a case.  An https URL
 * with an IPv4 literal host has its certificate's names resolved back to
 * that address (9.6).
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
#include <openssl/ssl.h>

#include "emu/emu-int.h"
#include "netsim/netsim.h"

#define IP(a, b, c, d)	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define PROV_IP		IP(10, 0, 0, 5)
#define PROV2_IP	IP(10, 0, 0, 6)
#define DNS_IP		IP(10, 0, 0, 53)
#define IP_RULE		"https://10.0.0.5/cfg/$MA.xml"	/* 9.6 cases */
#define DAY		86400LL
#define NPHONES_MAX	8

static const char profile[] =
    "<flat-profile>\n"
    "  <GPP_A>provisioned</GPP_A>\n"
    "  <Resync_Periodic>600</Resync_Periodic>\n"
    "</flat-profile>\n";

struct world {
	struct emu_ctx	*ctx;
	struct sim	*sim;
	struct ep_dhcp	*dhcp;
	struct ep_dns	*dns;
	struct store	*store;
	struct ep_http	*http;
	struct sim_site	*site;
	int64_t		 epoch;
	struct emu_stats st[NPHONES_MAX];
	char		 log[64 * 1024];	/* trace lines, joined */
	size_t		 loglen;
};

static void
world_note(void *arg, size_t phone, const struct emu_note *n, emu_time now)
{
	struct world	*w = arg;

	if (phone < NPHONES_MAX)
		emu_stats_add(&w->st[phone], n);
}

static void
world_log(void *arg, const char *line)
{
	struct world	*w = arg;
	size_t		 n = strlen(line);

	if (w->loglen + n + 2 >= sizeof w->log)
		return;
	memcpy(w->log + w->loglen, line, n);
	w->loglen += n;
	w->log[w->loglen++] = '\n';
	w->log[w->loglen] = '\0';
}

/* A world whose phones get rule (option 160); no phones yet. */
static struct world *
world_create(uint64_t seed, const char *rule)
{
	struct world		*w;
	struct ep_dhcp_conf	 c;
	struct sim_link		 link = { EMU_MS(2), EMU_MS(1), 0 };

	w = calloc(1, sizeof *w);
	/* The sim runtime's determinism: OpenSSL draws from the seed. */
	rand_deterministic(seed);
	w->ctx = emu_ctx_create(seed);
	w->ctx->trace = TRACE_HTTP | TRACE_TLS;
	w->epoch = w->ctx->epoch;
	w->ctx->pki = pki_create(seed, w->epoch);
	w->sim = sim_create(w->ctx, seed);
	sim_set_note(w->sim, world_note, w);
	sim_set_log(w->sim, world_log, w);
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 255, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.dns[0] = DNS_IP;
	c.ndns = 1;
	snprintf(c.domain, sizeof c.domain, "example.com");
	c.lease_s = 86400;
	c.opt[0].code = 160;
	c.opt[0].len = strlen(rule);
	memcpy(c.opt[0].data, rule, strlen(rule));
	c.nopt = 1;
	w->dhcp = ep_dhcp_create(&c);
	w->site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->dns = ep_dns_create();
	ep_dns_add_a(w->dns, "prov.example.com", PROV_IP);
	ep_dns_add_a(w->dns, "pr1.example.com", PROV_IP);
	ep_dns_add_a(w->dns, "pr2.example.com", PROV2_IP);
	sim_host_add_dns(w->sim, DNS_IP, w->dns);
	w->store = store_create();
	store_add_template(w->store, "/cfg/*.xml", (const uint8_t *)profile,
	    strlen(profile));
	w->http = ep_http_create(w->store);
	/* Plain HTTP next to HTTPS: where a Custom_CA_Rule points. */
	sim_host_add_http(w->sim, PROV_IP, 80, w->http);
	return (w);
}

/* A server certificate from the world's pki. */
static int
world_cert(struct world *w, const char *dns, const char *cn, int issuer,
    int64_t nb, int64_t na)
{
	const char	*names[1] = { dns };
	char		*cause = NULL;
	int		 h;

	h = pki_server_cert(w->ctx->pki, "srv", names, dns != NULL ? 1 : 0,
	    cn, issuer, PKI_KEY_ECDSA_P256, nb, na, &cause);
	if (h < 0)
		fail_msg("pki_server_cert: %s", cause);
	return (h);
}

static int
world_good_cert(struct world *w, const char *dns)
{
	return (world_cert(w, dns, dns, PKI_CA_ROOT, w->epoch - DAY,
	    w->epoch + 365 * DAY));
}

static struct ep_tls *
world_https(struct world *w, uint32_t ip, int cert, int minv, int maxv,
    int client_cert, enum ep_tls_fault fault)
{
	struct ep_tls_conf	 c;
	char			*cause = NULL;

	memset(&c, 0, sizeof c);
	c.cert = cert;
	c.min_version = minv;
	c.max_version = maxv;
	c.require_client_cert = client_cert;
	c.fault = fault;
	if (sim_host_add_https(w->sim, ip, 443, w->http, &c, &cause) != 0)
		fail_msg("sim_host_add_https: %s", cause);
	return (sim_host_tls(w->sim, ip, 443));
}

static struct phone *
world_phone(struct world *w, int i, int no_cert)
{
	struct phone_conf	pc;
	struct phone		*p;

	memset(&pc, 0, sizeof pc);
	pc.mac[0] = 0x00;
	pc.mac[1] = 0x56;
	pc.mac[2] = 0x2b;
	pc.mac[5] = i;
	pc.model = "CP-8851-3PCC";
	pc.serial = "FCH2001A0B1";
	pc.no_cert = no_cert;
	p = phone_create(w->ctx, &pc);
	sim_phone_add(w->sim, w->site, p);
	return (p);
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
	store_free(w->store);
	ep_dns_free(w->dns);
	ep_dhcp_free(w->dhcp);
	emu_ctx_free(w->ctx);
	rand_system();
	free(w);
}

/* A certificate naming n DNS names (subjectAltName), from the root. */
static int
world_cert_names(struct world *w, const char *const *names, int n)
{
	char	*cause = NULL;
	int	 h;

	h = pki_server_cert(w->ctx->pki, "srv", names, n, names[0],
	    PKI_CA_ROOT, PKI_KEY_ECDSA_P256, w->epoch - DAY,
	    w->epoch + 365 * DAY, &cause);
	if (h < 0)
		fail_msg("pki_server_cert: %s", cause);
	return (h);
}

static size_t
log_count(struct world *w, const char *text)
{
	const char	*s = w->log;
	size_t		 n = 0;

	while ((s = strstr(s, text)) != NULL) {
		n++;
		s += strlen(text);
	}
	return (n);
}

/* The phone's first resync failed with err (class C). */
static void
assert_failed_with(struct phone *p, enum emu_err err)
{
	const struct phone_status	*st = phone_status(p);

	assert_string_equal(emu_err_cause(st->last_err), emu_err_cause(err));
	assert_int_equal(st->last_class, EMU_CLASS_C);
	assert_string_not_equal(phone_get(p, "GPP_A"), "provisioned");
}

static void
assert_log_has(struct world *w, const char *text)
{
	if (strstr(w->log, text) == NULL)
		fail_msg("log lacks \"%s\":\n%s", text, w->log);
}

/* 9.6: TLS 1.3 to a server with a Cisco-root certificate: profile applied. */
static void
test_tls13_handshake(void **state)
{
	struct world	*w = world_create(1,
	    "https://prov.example.com/cfg/$MA.xml");
	struct ep_tls	*t;
	struct phone	*p;

	t = world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_int_equal(phone_state(p), PROV_OPERATIONAL);
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_string_equal(phone_status(p)->tls_version, "TLSv1.3");
	assert_int_equal(w->st[0].tls_full, 1);
	assert_int_equal(ep_tls_stats(t)->full, 1);
	/* No client certificate was asked for, so none was issued. */
	assert_int_equal(pki_mic_count(w->ctx->pki), 0);
	world_free(w);
}

/* 9.6: a TLS 1.2-only server is fine (at least 1.2). */
static void
test_tls12_handshake(void **state)
{
	struct world	*w = world_create(2,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    TLS1_2_VERSION, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_string_equal(phone_status(p)->tls_version, "TLSv1.2");
	world_free(w);
}

/*
 * B54: a certificate from a provider CA is untrusted (C); once the phone
 * has loaded that CA through Custom_CA_Rule, the same server is trusted.
 */
static void
test_b54_untrusted_then_custom_ca(void **state)
{
	struct world		*w = world_create(3,
	    "https://prov.example.com/cfg/$MA.xml");
	struct emu_event	 ev;
	struct phone		*p;
	const char		*pem;
	char			*cause = NULL;
	int			 ca;

	ca = pki_ca_add(w->ctx->pki, "Telco Provisioning CA",
	    PKI_KEY_ECDSA_P256, &cause);
	assert_true(ca > PKI_CA_MIC);
	pem = pki_ca_pem(w->ctx->pki, ca);
	store_add_file(w->store, "/ca.pem", (const uint8_t *)pem,
	    strlen(pem));
	world_https(w, PROV_IP, world_cert(w, "prov.example.com",
	    "prov.example.com", ca, w->epoch - DAY, w->epoch + 365 * DAY), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_UNTRUSTED);
	assert_log_has(w, "certificate issuer is not trusted "
	    "(issuer CN=Telco Provisioning CA)");

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_SET_PARAM;
	ev.name = "Custom_CA_Rule";
	ev.text = "http://10.0.0.5/ca.pem";
	sim_phone_event(w->sim, p, &ev);
	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_RESYNC;
	sim_phone_event(w->sim, p, &ev);
	sim_run(w->sim, EMU_SEC(120));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_int_equal(phone_status(p)->last_class, EMU_CLASS_A);
	world_free(w);
}

/* 9.6: an expired certificate is class C, the cause names notAfter. */
static void
test_expired(void **state)
{
	struct world	*w = world_create(4,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	/* Expired 2026-12-01, a month before the run's epoch (2027-01-01). */
	world_https(w, PROV_IP, world_cert(w, "prov.example.com",
	    "prov.example.com", PKI_CA_ROOT, w->epoch - 365 * DAY,
	    w->epoch - 31 * DAY), 0, 0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_EXPIRED);
	assert_log_has(w, "certificate has expired (notAfter 2026-12-01 "
	    "00:00 UTC)");
	world_free(w);
}

/*
 * 9.6: validity is checked against the virtual clock: a certificate that
 * becomes valid an hour into the run is refused at boot and accepted by
 * a retry after that hour.
 */
static void
test_not_yet_valid_virtual_clock(void **state)
{
	struct world	*w = world_create(5,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_cert(w, "prov.example.com",
	    "prov.example.com", PKI_CA_ROOT, w->epoch + 3600,
	    w->epoch + 365 * DAY), 0, 0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NOTYET);
	assert_log_has(w, "certificate is not yet valid (notBefore "
	    "2027-01-01 01:00 UTC)");
	sim_run(w->sim, EMU_SEC(3 * 3600));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_true(w->st[0].resync_fail >= 1);
	assert_true(w->st[0].resync_ok >= 1);
	world_free(w);
}

/* 9.6: a certificate for another name is class C. */
static void
test_name_mismatch(void **state)
{
	struct world	*w = world_create(6,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "other.example.net"), 0, 0,
	    0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NAME);
	assert_log_has(w, "certificate names other.example.net, not "
	    "prov.example.com");
	world_free(w);
}

/* 9.6: no SAN, CN "name/suffix": only the part before '/' counts. */
static void
test_cn_with_suffix(void **state)
{
	struct world	*w = world_create(7,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_cert(w, NULL,
	    "prov.example.com/mailto:admin@example.com", PKI_CA_ROOT,
	    w->epoch - DAY, w->epoch + DAY), 0, 0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	world_free(w);
}

/*
 * B8: with [--srv] the certificate must name the original domain: the
 * first target's certificate names only the target and is refused, the
 * second's names example.com and is accepted.
 */
static void
test_b8_srv_original_domain(void **state)
{
	struct world	*w = world_create(8,
	    "[--srv] https://example.com/cfg/$MA.xml");
	struct ep_tls	*t1, *t2;
	struct phone	*p;

	/* Lower weight first (4.3, B7): pr1 then pr2. */
	ep_dns_add_srv(w->dns, "_ciscoprov-https._tls.example.com", 10, 20,
	    443, "pr1.example.com");
	ep_dns_add_srv(w->dns, "_ciscoprov-https._tls.example.com", 10, 60,
	    443, "pr2.example.com");
	t1 = world_https(w, PROV_IP, world_good_cert(w, "pr1.example.com"), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	t2 = world_https(w, PROV2_IP, world_good_cert(w, "example.com"), 0, 0,
	    0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_int_equal(ep_tls_stats(t1)->full, 0);
	assert_true(ep_tls_stats(t1)->failed >= 1);
	assert_int_equal(ep_tls_stats(t2)->full, 1);
	assert_log_has(w, "certificate names pr1.example.com, not "
	    "example.com");
	assert_true(strncmp(phone_last_url(p), "https://pr2.example.com:443/",
	    28) == 0);
	world_free(w);
}

/*
 * B55: a server that demands a client certificate gets the phone's MIC,
 * subject CN=<MA>, OU=<PN>, L=<MAC>, ST=<SN> (2.2); a phone without a MIC
 * fails with class C.  TLS 1.3 and 1.2.
 */
static void
b55_client_cert(int maxv)
{
	struct world	*w = world_create(9,
	    "https://prov.example.com/cfg/$MA.xml");
	struct ep_tls	*t;
	struct phone	*p, *nocert;

	t = world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    maxv, 1, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	nocert = world_phone(w, 2, 1);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_string_equal(ep_tls_last_subject(t), "CN=00562b000001, "
	    "OU=CP-8851-3PCC, L=00:56:2b:00:00:01, ST=FCH2001A0B1");
	assert_int_equal(ep_tls_stats(t)->client_certs, 1);
	assert_failed_with(nocert, EMU_E_TLS_CLIENTCERT);
	assert_log_has(w, "phone has no MIC");
	world_free(w);
}

static void
test_b55_client_cert_tls13(void **state)
{
	b55_client_cert(0);
}

static void
test_b55_client_cert_tls12(void **state)
{
	b55_client_cert(TLS1_2_VERSION);
}

/*
 * 9.6: an https URL with an IPv4 literal (as DHCP option 160 often gives)
 * and a certificate that names prov.example.com, which resolves to that
 * address: the phone checks the name in DNS and fetches the profile.
 */
static void
test_96_ip_url_name_resolves(void **state)
{
	struct world	*w = world_create(20, IP_RULE);
	struct ep_tls	*t;
	struct phone	*p;

	t = world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_int_equal(phone_status(p)->last_class, EMU_CLASS_A);
	assert_int_equal(ep_tls_stats(t)->full, 1);
	assert_log_has(w, "certificate name prov.example.com resolves to "
	    "10.0.0.5");
	world_free(w);
}

/*
 * 9.6: the certificate's name resolves to another server: class C
 * tls-name, the cause says where the name leads, and no request is sent
 * although the handshake itself was good.
 */
static void
test_96_ip_url_name_elsewhere(void **state)
{
	struct world	*w = world_create(21, IP_RULE);
	struct ep_tls	*t;
	struct phone	*p;

	t = world_https(w, PROV_IP, world_good_cert(w, "pr2.example.com"), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NAME);
	assert_log_has(w, "certificate names pr2.example.com, which resolves "
	    "to 10.0.0.6, not 10.0.0.5");
	assert_true(ep_tls_stats(t)->full >= 1);
	assert_null(strstr(w->log, "GET https://"));
	world_free(w);
}

/* 9.6: a certificate name that does not resolve (NXDOMAIN): tls-name. */
static void
test_96_ip_url_name_unresolved(void **state)
{
	struct world	*w = world_create(22, IP_RULE);
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "nx.example.com"), 0, 0, 0,
	    EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NAME);
	assert_log_has(w, "certificate names nx.example.com, which does not "
	    "resolve, not 10.0.0.5");
	assert_null(strstr(w->log, "GET https://"));
	world_free(w);
}

/*
 * 9.6: a wildcard is no name to look up, so a certificate naming only
 * *.example.com cannot name an IP-literal server: refused in the
 * handshake.
 */
static void
test_96_ip_url_wildcard_only(void **state)
{
	struct world	*w = world_create(23, IP_RULE);
	struct ep_tls	*t;
	struct phone	*p;

	t = world_https(w, PROV_IP, world_good_cert(w, "*.example.com"), 0, 0,
	    0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NAME);
	assert_log_has(w, "certificate names *.example.com, not 10.0.0.5");
	assert_int_equal(ep_tls_stats(t)->full, 0);
	world_free(w);
}

/* 9.6: any of the certificate's names may lead back to the server. */
static void
test_96_ip_url_second_name(void **state)
{
	static const char *const names[] = { "pr2.example.com",
	    "*.example.com", "prov.example.com" };
	struct world	*w = world_create(24, IP_RULE);
	struct phone	*p;

	world_https(w, PROV_IP, world_cert_names(w, names, 3), 0, 0, 0,
	    EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_log_has(w, "certificate name prov.example.com resolves to "
	    "10.0.0.5");
	world_free(w);
}

/*
 * 9.6, bounded: at most TLS_IP_NAMES names are looked up; a certificate
 * whose only good name comes after them is refused, the cause listing
 * the names that were tried.
 */
static void
test_96_ip_url_names_bounded(void **state)
{
	static const char *const names[] = { "nx1.example.com",
	    "nx2.example.com", "nx3.example.com", "pr2.example.com",
	    "prov.example.com" };
	struct world	*w = world_create(25, IP_RULE);
	struct phone	*p;

	assert_int_equal(TLS_IP_NAMES, 4);
	world_https(w, PROV_IP, world_cert_names(w, names, 5), 0, 0, 0,
	    EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_NAME);
	assert_log_has(w, "certificate names nx1.example.com, which does not "
	    "resolve; nx2.example.com, which does not resolve; "
	    "nx3.example.com, which does not resolve; pr2.example.com, which "
	    "resolves to 10.0.0.6, not 10.0.0.5");
	assert_null(strstr(w->log, "query A prov.example.com"));
	world_free(w);
}

/* 9.6: no SAN, CN "name/suffix": the part before '/' is looked up. */
static void
test_96_ip_url_cn_with_suffix(void **state)
{
	struct world	*w = world_create(26, IP_RULE);
	struct phone	*p;

	world_https(w, PROV_IP, world_cert(w, NULL,
	    "prov.example.com/mailto:admin@example.com", PKI_CA_ROOT,
	    w->epoch - DAY, w->epoch + DAY), 0, 0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_log_has(w, "certificate name prov.example.com resolves to "
	    "10.0.0.5");
	world_free(w);
}

/*
 * 9.6: a resumed session is checked too (its certificate comes from the
 * session); the periodic resync resumes and passes the check again.
 */
static void
test_96_ip_url_resumed_checked(void **state)
{
	struct world	*w = world_create(27, IP_RULE);
	struct ep_tls	*t;

	t = world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    0, 0, EP_TLS_FAULT_NONE);
	world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60 + 600));
	assert_true(w->st[0].resync_ok >= 2);
	assert_true(ep_tls_stats(t)->resumed >= 1);
	assert_true(log_count(w, "certificate name prov.example.com resolves "
	    "to 10.0.0.5") >= 2);
	world_free(w);
}

/* 9.6: a name URL needs no lookup of the certificate's names. */
static void
test_96_name_url_no_ip_check(void **state)
{
	struct world	*w = world_create(28,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0, 0,
	    0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_string_equal(phone_get(p, "GPP_A"), "provisioned");
	assert_null(strstr(w->log, "certificate name"));
	world_free(w);
}

/* 2.2: phones of one key group share a key pair, not a certificate. */
static void
test_mic_key_group_shared(void **state)
{
	struct world		*w = world_create(10,
	    "https://prov.example.com/cfg/$MA.xml");
	struct pki_mic_id	 a = { "00562b000001", "CP-8851-3PCC",
	    "00:56:2b:00:00:01", "S1" };
	struct pki_mic_id	 b = { "00562b000002", "CP-8851-3PCC",
	    "00:56:2b:00:00:02", "S2" };
	uint8_t			*da, *db, *ka, *kb;
	size_t			 la, lb, kla, klb;
	char			*cause = NULL;
	const unsigned char	*q;
	X509			*xa, *xb;

	assert_int_equal(pki_mic_issue(w->ctx->pki, &a, 0, w->epoch, &da,
	    &la, &ka, &kla, &cause), 0);
	assert_int_equal(pki_mic_issue(w->ctx->pki, &b, 0, w->epoch, &db,
	    &lb, &kb, &klb, &cause), 0);
	assert_null(ka);
	q = da;
	xa = d2i_X509(NULL, &q, (long)la);
	q = db;
	xb = d2i_X509(NULL, &q, (long)lb);
	assert_non_null(xa);
	assert_non_null(xb);
	assert_int_equal(EVP_PKEY_eq(X509_get0_pubkey(xa),
	    X509_get0_pubkey(xb)), 1);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(xa),
	    X509_get0_serialNumber(xb)), 0);
	/* Well under the per-phone memory budget. */
	assert_true(la < 600);
	X509_free(xb);
	free(db);
	/* key_group -1: a key pair of its own, handed back as DER. */
	assert_int_equal(pki_mic_issue(w->ctx->pki, &b, -1, w->epoch, &db,
	    &lb, &kb, &klb, &cause), 0);
	assert_non_null(kb);
	assert_true(klb > 0);
	q = db;
	xb = d2i_X509(NULL, &q, (long)lb);
	assert_non_null(xb);
	assert_int_not_equal(EVP_PKEY_eq(X509_get0_pubkey(xa),
	    X509_get0_pubkey(xb)), 1);
	X509_free(xa);
	X509_free(xb);
	free(da);
	free(db);
	free(kb);
	world_free(w);
}

/* One phone, one HTTPS server of versions minv-maxv with fault: err. */
static void
assert_server_fails(uint64_t seed, int minv, int maxv,
    enum ep_tls_fault fault, enum emu_err err)
{
	struct world	*w = world_create(seed,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), minv,
	    maxv, 0, fault);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, err);
	world_free(w);
}

/* 9.6: a TLS 1.0/1.1-only server shares no version with the phone. */
static void
test_version_mismatch(void **state)
{
	(void)state;
	assert_server_fails(11, TLS1_VERSION, TLS1_1_VERSION,
	    EP_TLS_FAULT_NONE, EMU_E_TLS_VERSION);
}

/* Half a record, then the server closes: truncated. */
static void
test_truncated_record(void **state)
{
	(void)state;
	assert_server_fails(12, 0, 0, EP_TLS_FAULT_TRUNCATE,
	    EMU_E_TLS_TRUNCATED);
}

/* Bad input: a server sends its certificate and 100 copies of it: the
 * phone refuses the chain (TLS_CERT_LIST_MAX) and memory stays bounded. */
static void
test_endless_chain(void **state)
{
	(void)state;
	assert_server_fails(14, 0, 0, EP_TLS_FAULT_CHAIN, EMU_E_TLS_CHAIN);
}

/* openssl enc -aes-256-cbc -md sha256 -k key (11.3), a fixed salt. */
static void
encrypt_cbc(const char *key, const char *in, struct dbuf *out)
{
	static const unsigned char	 salt[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	unsigned char			 k[32], iv[16], ct[1024];
	EVP_CIPHER_CTX			*c;
	int				 n = 0, m = 0;

	assert_true(strlen(in) < sizeof ct - 16);
	assert_int_equal(EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), salt,
	    (const unsigned char *)key, strlen(key), 1, k, iv), 32);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv),
	    1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &n,
	    (const unsigned char *)in, (int)strlen(in)), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n, &m), 1);
	EVP_CIPHER_CTX_free(c);
	dbuf_add(out, "Salted__", 8);
	dbuf_add(out, salt, sizeof salt);
	dbuf_add(out, ct, n + m);
}

/*
 * B125: the key comes over HTTPS in GPP_SA with the rule that uses it;
 * the per-device profile then comes encrypted over plain HTTP and is
 * applied; with another key it would not be.
 */
static void
test_b125_key_over_https_profile_over_http(void **state)
{
	struct world	*w = world_create(15,
	    "https://prov.example.com/key/$MA.xml");
	struct phone	*p;
	struct dbuf	 enc;
	static const char key_profile[] =
	    "<flat-profile>"
	    "<GPP_SA>s3cret-per-device</GPP_SA>"
	    "<Profile_Rule>[--key $SA] http://prov.example.com/enc/$MA.cfg"
	    "</Profile_Rule>"
	    "<Resync_Periodic>60</Resync_Periodic>"
	    "<Resync_Random_Delay>0</Resync_Random_Delay>"
	    "</flat-profile>";

	world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0, 0,
	    0, EP_TLS_FAULT_NONE);
	store_add_file(w->store, "/key/00562b000001.xml",
	    (const uint8_t *)key_profile, strlen(key_profile));
	dbuf_init(&enc);
	encrypt_cbc("s3cret-per-device", "<flat-profile><GPP_B>device"
	    "</GPP_B></flat-profile>", &enc);
	store_add_file(w->store, "/enc/00562b000001.cfg", enc.data, enc.len);
	dbuf_clear(&enc);
	encrypt_cbc("another-key", "<flat-profile><GPP_B>wrong"
	    "</GPP_B></flat-profile>", &enc);
	store_add_file(w->store, "/enc/00562b000002.cfg", enc.data, enc.len);
	dbuf_clear(&enc);
	store_add_file(w->store, "/key/00562b000002.xml",
	    (const uint8_t *)key_profile, strlen(key_profile));
	p = world_phone(w, 1, 0);
	world_phone(w, 2, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(50));
	assert_string_equal(phone_get(p, "Profile_Rule"),
	    "[--key $SA] http://prov.example.com/enc/$MA.cfg");
	assert_string_equal(phone_status(p)->tls_version, "TLSv1.3");
	assert_string_equal(phone_last_url(p),
	    "https://prov.example.com:443/key/00562b000001.xml");
	sim_run(w->sim, EMU_SEC(200));
	assert_string_equal(phone_get(p, "GPP_B"), "device");
	assert_int_equal(phone_status(p)->last_class, EMU_CLASS_A);
	assert_string_equal(phone_last_url(p),
	    "http://prov.example.com:80/enc/00562b000001.cfg");
	/* the file of phone 2 was made with another key: not applied */
	p = sim_phone(w->sim, 1);
	assert_string_equal(phone_get(p, "GPP_B"), "");
	assert_int_equal(phone_status(p)->last_class, EMU_CLASS_B);
	assert_int_equal(phone_status(p)->last_err, EMU_E_DECRYPT);
	world_free(w);
}

/* Bad input: a certificate name with a line break still gives one line. */
static void
test_cause_one_line(void **state)
{
	struct world	*w = world_create(16,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;
	const char	*cause;

	world_https(w, PROV_IP, world_cert(w, "prov.example.com",
	    "evil\nInjected: line", PKI_ISSUER_SELF, w->epoch - DAY,
	    w->epoch + DAY), 0, 0, 0, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60));
	assert_failed_with(p, EMU_E_TLS_UNTRUSTED);
	assert_log_has(w, "evil?Injected: line");
	cause = strstr(w->log, "evil");
	assert_non_null(cause);
	assert_int_not_equal(cause[4], '\n');
	world_free(w);
}

/* 9.5: a handshake that is never answered times out. */
static void
test_stalled_handshake(void **state)
{
	struct world	*w = world_create(13,
	    "https://prov.example.com/cfg/$MA.xml");
	struct phone	*p;

	world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0, 0,
	    0, EP_TLS_FAULT_STALL);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(80));
	assert_failed_with(p, EMU_E_TLS_TIMEOUT);
	world_free(w);
}

/* 9.6: the next resync resumes the session (Resync_Periodic 600 s). */
static void
test_session_resumed(void **state)
{
	struct world	*w = world_create(14,
	    "https://prov.example.com/cfg/$MA.xml");
	struct ep_tls	*t;
	struct phone	*p;

	t = world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"), 0,
	    0, 1, EP_TLS_FAULT_NONE);
	p = world_phone(w, 1, 0);
	world_power_on(w);
	sim_run(w->sim, EMU_SEC(60 + 2 * 600));
	assert_true(w->st[0].resync_ok >= 3);
	assert_int_equal(w->st[0].tls_full, 1);
	assert_true(w->st[0].tls_resumed >= 2);
	assert_int_equal(phone_status(p)->tls_resumed, 1);
	assert_int_equal(ep_tls_stats(t)->full, 1);
	assert_true(ep_tls_stats(t)->resumed >= 2);
	/* What a phone keeps: the session DER and the MIC, no X509. */
	assert_string_equal(p->tls_sess[0].peer, "prov.example.com:443");
	assert_true(p->tls_sess[0].len > 0 && p->tls_sess[0].len < 2048);
	assert_true(p->mic_len > 0 && p->mic_len < 600);
	assert_null(p->mic_key);
	print_message("session %zu bytes, MIC %zu bytes\n",
	    p->tls_sess[0].len, p->mic_len);
	world_free(w);
}

/* One seed, one run: certificates and TLS byte counts are identical. */
static void
test_deterministic(void **state)
{
	struct emu_stats	 st[2];
	char			*pem[2];
	int			 i;

	for (i = 0; i < 2; i++) {
		struct world	*w = world_create(42,
		    "https://prov.example.com/cfg/$MA.xml");

		world_https(w, PROV_IP, world_good_cert(w, "prov.example.com"),
		    0, 0, 1, EP_TLS_FAULT_NONE);
		world_phone(w, 1, 0);
		world_phone(w, 2, 0);
		world_power_on(w);
		sim_run(w->sim, EMU_SEC(700));
		st[i] = w->st[0];
		st[i].bytes_in += w->st[1].bytes_in;
		st[i].bytes_out += w->st[1].bytes_out;
		pem[i] = strdup(pki_ca_pem(w->ctx->pki, PKI_CA_ROOT));
		world_free(w);
	}
	assert_true(st[0].bytes_in > 1000);
	assert_int_equal(st[0].bytes_in, st[1].bytes_in);
	assert_int_equal(st[0].bytes_out, st[1].bytes_out);
	assert_int_equal(st[0].tls_resumed, st[1].tls_resumed);
	assert_string_equal(pem[0], pem[1]);
	free(pem[0]);
	free(pem[1]);
}

/* RFC 6125 6.4.3 and 9.6: the name matcher. */
static void
test_name_match(void **state)
{
	assert_true(tls_name_match("prov.example.com", "prov.example.com"));
	assert_true(tls_name_match("PROV.Example.com", "prov.example.COM."));
	assert_true(tls_name_match("*.example.com", "prov.example.com"));
	assert_false(tls_name_match("*.example.com", "a.prov.example.com"));
	assert_false(tls_name_match("*.example.com", "example.com"));
	assert_false(tls_name_match("*.com", "example.com"));
	assert_false(tls_name_match("p*.example.com", "prov.example.com"));
	assert_false(tls_name_match("prov.*.com", "prov.example.com"));
	assert_false(tls_name_match("*.0.0.5", "10.0.0.5"));
	assert_false(tls_name_match("example.com", "prov.example.com"));
	assert_false(tls_name_match("", ""));
	assert_false(tls_name_match("a..b", "a..b"));
}

/* 16.5: Custom_CA_Rule files are PEM; anything else has a cause. */
static void
test_ca_parse(void **state)
{
	struct emu_pki	*k;
	const char	*pem;
	uint8_t		*der = NULL;
	size_t		 len = 0;
	char		*cause = NULL;

	rand_deterministic(5);
	k = pki_create(5, 1798761600);
	pem = pki_ca_pem(k, PKI_CA_ROOT);
	assert_int_equal(pki_ca_parse((const uint8_t *)pem, strlen(pem),
	    &der, &len, &cause), 0);
	assert_true(len > 100 && der[0] == 0x30);
	free(der);
	assert_int_equal(pki_ca_parse((const uint8_t *)"hello", 5, &der, &len,
	    &cause), -1);
	assert_string_equal(cause, "no PEM certificate in the CA file");
	free(cause);
	cause = NULL;
	assert_int_equal(pki_ca_parse((const uint8_t *)
	    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
	    60, &der, &len, &cause), -1);
	assert_non_null(cause);
	assert_null(strchr(cause, '\n'));
	free(cause);
	pki_free(k);
	rand_system();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tls13_handshake),
		cmocka_unit_test(test_tls12_handshake),
		cmocka_unit_test(test_b54_untrusted_then_custom_ca),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_not_yet_valid_virtual_clock),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_cn_with_suffix),
		cmocka_unit_test(test_b8_srv_original_domain),
		cmocka_unit_test(test_96_ip_url_name_resolves),
		cmocka_unit_test(test_96_ip_url_name_elsewhere),
		cmocka_unit_test(test_96_ip_url_name_unresolved),
		cmocka_unit_test(test_96_ip_url_wildcard_only),
		cmocka_unit_test(test_96_ip_url_second_name),
		cmocka_unit_test(test_96_ip_url_names_bounded),
		cmocka_unit_test(test_96_ip_url_cn_with_suffix),
		cmocka_unit_test(test_96_ip_url_resumed_checked),
		cmocka_unit_test(test_96_name_url_no_ip_check),
		cmocka_unit_test(test_b55_client_cert_tls13),
		cmocka_unit_test(test_b55_client_cert_tls12),
		cmocka_unit_test(test_mic_key_group_shared),
		cmocka_unit_test(test_version_mismatch),
		cmocka_unit_test(test_truncated_record),
		cmocka_unit_test(test_endless_chain),
		cmocka_unit_test(test_cause_one_line),
		cmocka_unit_test(test_b125_key_over_https_profile_over_http),
		cmocka_unit_test(test_stalled_handshake),
		cmocka_unit_test(test_session_resumed),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_name_match),
		cmocka_unit_test(test_ca_parse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * netsim/ep-cloud.c behind netsim/ep-http.c: the simulated EDOS (spec
 * 13.1), short-code (13.2) and GDS (13.3) services, driven with HTTP
 * requests as a phone sends them and read with the phone's own codecs.
 * Codes expire against the virtual time of the request and work once.
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
#include "unit.h"

#define MAC1 "00562B043615"
#define MAC2 "00562B043616"
#define MAC3 "00562B043617"
#define PID "CP-8851-3PCC"
#define CODE1 "1234567890123456"
#define CODE2 "6543210987654321"
#define REDIRECT                                                               \
	"<flat-profile><Profile_Rule>https://sp.example.com/$PSN.xml"          \
	"</Profile_Rule></flat-profile>"

struct cx {
	struct store *st;
	struct ep_http *h;
	struct ep_cloud *c;
	struct http_msg m; /* the last answer */
	int have_m;
};

static int
cx_setup(void **state)
{
	struct cx *x;
	static const char other[] = "<flat-profile/>";

	x = calloc(1, sizeof *x);
	assert_non_null(x);
	x->st = store_create();
	store_add_file(x->st, "/other.xml", (const uint8_t *)other,
	    strlen(other));
	x->h = ep_http_create(x->st);
	x->c = ep_cloud_create();
	ep_cloud_attach(x->c, x->h);
	*state = x;
	return (0);
}

static int
cx_teardown(void **state)
{
	struct cx *x = *state;

	if (x->have_m)
		http_msg_clear(&x->m);
	ep_http_free(x->h);
	ep_cloud_free(x->c);
	store_free(x->st);
	free(x);
	return (0);
}

/* One request on a new connection; the answer is in x->m. */
static int
cx_raw(struct cx *x, const void *req, size_t len, emu_time now)
{
	struct ep_conn *conn;
	struct ep_out out;
	struct dbuf rx;
	size_t i;
	int rc;

	if (x->have_m)
		http_msg_clear(&x->m);
	conn = ep_http_accept(x->h, 0x0a000064, 40000, now);
	ep_out_init(&out);
	dbuf_init(&rx);
	ep_http_input(x->h, conn, req, len, now, &out);
	ep_http_eof(x->h, conn, now, &out);
	for (i = 0; i < out.n; i++) {
		if (out.act[i].type == EP_ACT_DATA)
			dbuf_add(&rx, ep_act_data(&out, &out.act[i]),
			    out.act[i].len);
	}
	http_msg_init(&x->m, 0, 0);
	x->have_m = 1;
	rc = http_msg_feed(&x->m, rx.data, rx.len, NULL);
	assert_int_equal(rc, HTTP_DONE);
	ep_http_conn_free(x->h, conn);
	ep_out_free(&out);
	dbuf_clear(&rx);
	return (x->m.status);
}

static int
cx_get(struct cx *x, const char *target, emu_time now)
{
	static const char *const hdrs[] = { "Host: activate.cisco.com",
		"User-Agent: Cisco-CP-8851-3PCC/12.0.7 (00562b043615)",
		"Connection: close", NULL };
	struct dbuf b;
	int st;

	dbuf_init(&b);
	http_request_write(&b, "GET", target, hdrs, NULL, 0);
	st = cx_raw(x, b.data, b.len, now);
	dbuf_clear(&b);
	return (st);
}

static int
cx_post(struct cx *x, const char *ctype, const char *body, emu_time now)
{
	const char *hdrs[4] = { "Host: activation.webex.com",
		"Connection: close", NULL, NULL };
	char *ct = NULL;
	struct dbuf b;
	int st;

	if (ctype != NULL) {
		xasprintf(&ct, "Content-Type: %s", ctype);
		hdrs[2] = ct;
	}
	dbuf_init(&b);
	http_request_write(&b, "POST", CLOUD_GDS_PATH, hdrs, body,
	    strlen(body));
	st = cx_raw(x, b.data, b.len, now);
	dbuf_clear(&b);
	free(ct);
	return (st);
}

static int
cx_device(struct cx *x, const char *mac, emu_time now)
{
	char *t = cloud_device_target(mac, PID, "FCH2301ABCD",
	    "sip88xx.12-0-7MPP0301-92");
	int st = cx_get(x, t, now);

	free(t);
	return (st);
}

/* What the phone makes of the last EDOS answer (13.1). */
static int
cx_edos_verdict(struct cx *x, char **company)
{
	char *cause = NULL;
	int v;

	v = cloud_edos_classify(x->m.status, x->m.body.data, x->m.body.len,
	    company, &cause);
	free(cause);
	return (v);
}

static int
cx_activate(struct cx *x, const char *code, emu_time now)
{
	char *body = cloud_gds_body(code, MAC1, PID, "FCH2301ABCD",
	    "sip88xx.12-0-7MPP0301-92");
	int st = cx_post(x, "application/json", body, now);

	free(body);
	return (st);
}

/* B13, 4.8: a claimed MAC gets its redirect profile and company. */
static void
test_b13_device_redirect(void **state)
{
	struct cx *x = *state;
	char *company = NULL, *cause = NULL;

	assert_int_equal(ep_cloud_device(x->c, "00:56:2b:04:36:15", REDIRECT,
	    "Super VoIP", &cause), 0);
	assert_int_equal(cx_device(x, MAC1, 0), 200);
	assert_non_null(strstr((char *)x->m.body.data, REDIRECT));
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_REDIRECT);
	assert_string_equal(company, "Super VoIP");
	free(company);
	/* The MAC in any case reaches the same entry. */
	assert_int_equal(cx_get(x, "/rc/v1/device?mac=00562b043615&pid=P",
	    0), 200);
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_REDIRECT);
	free(company);
	assert_int_equal(ep_cloud_stats(x->c)->queries, 2);
	assert_int_equal(ep_cloud_stats(x->c)->redirects, 2);
	/* Registering again replaces the answer. */
	assert_int_equal(ep_cloud_device(x->c, MAC1, NULL, NULL, &cause), 0);
	assert_int_equal(cx_device(x, MAC1, 0), 200);
	assert_int_equal(x->m.body.len, 0);
}

/* B14: nobody claims the phone: 200 with an empty body. */
static void
test_b14_device_unavailable(void **state)
{
	struct cx *x = *state;
	char *company = NULL, *cause = NULL;

	assert_int_equal(cx_device(x, MAC2, 0), 200);
	assert_int_equal(x->m.body.len, 0);
	assert_int_equal(cx_edos_verdict(x, &company),
	    CLOUD_EDOS_UNAVAILABLE);
	assert_int_equal(ep_cloud_device(x->c, MAC3, "", NULL, &cause), 0);
	assert_int_equal(cx_device(x, MAC3, 0), 200);
	assert_int_equal(x->m.body.len, 0);
	assert_int_equal(ep_cloud_stats(x->c)->unavailable, 2);
	/* A default for every MAC not registered (device activation, 4.5). */
	assert_int_equal(ep_cloud_device(x->c, NULL, REDIRECT, NULL, &cause),
	    0);
	assert_int_equal(cx_device(x, MAC2, 0), 200);
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_REDIRECT);
	assert_null(company);
	assert_int_equal(cx_device(x, MAC3, 0), 200);
	assert_int_equal(x->m.body.len, 0);	/* registered: stays */
}

/* B15: an EDOS error the phone retries; faults of ep_http come first. */
static void
test_b15_device_error(void **state)
{
	struct cx *x = *state;
	struct ep_fault f;
	char *company = NULL, *cause = NULL;

	assert_int_equal(ep_cloud_device_status(x->c, MAC1, 503, &cause), 0);
	assert_int_equal(cx_device(x, MAC1, 0), 503);
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_RETRY);
	assert_int_equal(ep_cloud_stats(x->c)->errors, 1);

	assert_int_equal(ep_cloud_device(x->c, MAC2, REDIRECT, NULL, &cause),
	    0);
	memset(&f, 0, sizeof f);
	f.name = (char *)"edos-down";
	f.kind = EP_FAULT_STATUS;
	f.path = (char *)"/rc/v1/*";
	f.status = 500;
	f.count = 1;
	f.active = 1;
	ep_http_fault_add(x->h, &f);
	assert_int_equal(cx_device(x, MAC2, 0), 500);
	assert_int_equal(cx_device(x, MAC2, 0), 200);	/* count used up */
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_REDIRECT);
}

/* B23, 13.2: a short code answers its redirect; unknown is 404. */
static void
test_b23_short_code(void **state)
{
	struct cx *x = *state;
	char *t, *company = NULL, *cause = NULL;

	assert_int_equal(ep_cloud_short_code(x->c, "123456", REDIRECT, "CDA",
	    &cause), 0);
	t = cloud_code_target("123456", MAC1, PID);
	assert_int_equal(cx_get(x, t, 0), 200);
	free(t);
	assert_int_equal(cx_edos_verdict(x, &company), CLOUD_EDOS_REDIRECT);
	assert_string_equal(company, "CDA");
	free(company);
	/* Short codes are not single use. */
	t = cloud_code_target("123456", MAC2, PID);
	assert_int_equal(cx_get(x, t, 0), 200);
	free(t);
	t = cloud_code_target("654321", MAC1, PID);
	assert_int_equal(cx_get(x, t, 0), 404);
	free(t);
	assert_int_equal(cx_edos_verdict(x, &company),
	    CLOUD_EDOS_UNAVAILABLE);
	assert_int_equal(ep_cloud_stats(x->c)->short_queries, 3);
	assert_int_equal(ep_cloud_stats(x->c)->codes_ok, 2);
	assert_int_equal(ep_cloud_stats(x->c)->codes_invalid, 1);
}

/* B21: a valid code grants the rule and credentials, once. */
static void
test_b21_gds_grant_single_use(void **state)
{
	struct cx *x = *state;
	struct cloud_grant g;
	char *cause = NULL;

	assert_int_equal(ep_cloud_gds_code(x->c, CODE1,
	    "https://sp.example.com/$MA.xml", "u1", "p w", EMU_TIME_NEVER,
	    &cause), 0);
	assert_int_equal(cx_activate(x, CODE1, EMU_SEC(5)), 200);
	assert_string_equal(http_msg_header(&x->m, "Content-Type"),
	    "application/json");
	assert_int_equal(cloud_gds_reply(x->m.status, x->m.body.data,
	    x->m.body.len, &g, &cause), CLOUD_GDS_OK);
	assert_string_equal(g.rule, "https://sp.example.com/$MA.xml");
	assert_string_equal(g.uid, "u1");
	assert_string_equal(g.pwd, "p w");
	cloud_grant_clear(&g);
	/* B22: the second use is refused (13.3: single use). */
	assert_int_equal(cx_activate(x, CODE1, EMU_SEC(6)), 410);
	assert_int_equal(cloud_gds_reply(x->m.status, x->m.body.data,
	    x->m.body.len, &g, &cause), CLOUD_GDS_INVALID);
	assert_int_equal(ep_cloud_stats(x->c)->activations, 2);
	assert_int_equal(ep_cloud_stats(x->c)->codes_ok, 1);
	assert_int_equal(ep_cloud_stats(x->c)->codes_invalid, 1);
}

/* B22: unknown and expired codes, against the virtual time. */
static void
test_b22_gds_unknown_expired(void **state)
{
	struct cx *x = *state;
	struct cloud_grant g;
	char *cause = NULL;

	assert_int_equal(cx_activate(x, CODE1, 0), 404);
	assert_int_equal(cloud_gds_reply(x->m.status, x->m.body.data,
	    x->m.body.len, &g, &cause), CLOUD_GDS_INVALID);
	assert_int_equal(ep_cloud_gds_code(x->c, CODE1, "http://a/x.xml",
	    NULL, NULL, EMU_SEC(3600), &cause), 0);
	assert_int_equal(ep_cloud_gds_code(x->c, CODE2, "http://a/y.xml",
	    NULL, NULL, EMU_SEC(3600), &cause), 0);
	/* Expired at the hour: refused at 3600 s, granted one µs before. */
	assert_int_equal(cx_activate(x, CODE1, EMU_SEC(3600)), 410);
	assert_int_equal(cx_activate(x, CODE2, EMU_SEC(3600) - 1), 200);
	assert_int_equal(cloud_gds_reply(x->m.status, x->m.body.data,
	    x->m.body.len, &g, &cause), CLOUD_GDS_OK);
	assert_null(g.uid);
	assert_null(g.pwd);
	cloud_grant_clear(&g);
	/* A new code for the same digits replaces the old one. */
	assert_int_equal(ep_cloud_gds_code(x->c, CODE1, "http://a/z.xml",
	    NULL, NULL, EMU_TIME_NEVER, &cause), 0);
	assert_int_equal(cx_activate(x, CODE1, EMU_SEC(7200)), 200);
}

/* Requests from hostile clients: refused with a status, nothing grows. */
static void
test_cloud_hostile_requests(void **state)
{
	struct cx *x = *state;
	struct dbuf b;
	char *cause = NULL;
	int i;

	assert_int_equal(ep_cloud_gds_code(x->c, CODE1, "http://a/x.xml",
	    NULL, NULL, EMU_TIME_NEVER, &cause), 0);
	assert_int_equal(cx_get(x, "/rc/v1/device", 0), 400);
	assert_int_equal(cx_get(x, "/rc/v1/device?mac=zz&pid=P", 0), 400);
	assert_int_equal(cx_get(x, "/rc/v1/device?mac=" MAC1 "&pid=%00", 0),
	    400);
	assert_int_equal(cx_get(x, "/rc/v1/code?code=12&mac=" MAC1 "&pid=P",
	    0), 400);
	assert_int_equal(cx_get(x, "/api/v1/activate", 0), 405);
	assert_int_equal(cx_post(x, "text/plain", "{}", 0), 415);
	assert_int_equal(cx_post(x, NULL, "{}", 0), 415);
	assert_int_equal(cx_post(x, "application/jsonx", "{}", 0), 415);
	assert_int_equal(cx_post(x, "application/json", "{}", 0), 400);
	assert_int_equal(cx_post(x, "application/json; charset=utf-8",
	    "{\"code\":\"" CODE1 "\",\"mac\":\"" MAC1 "\",\"code\":\"1\"}", 0),
	    400);
	assert_int_equal(cx_post(x, "application/json",
	    "{\"code\":\"" CODE1 "\",\"mac\":\"" MAC1 "\"} trailing", 0), 400);
	/* The code was never used by the malformed requests. */
	assert_int_equal(ep_cloud_stats(x->c)->codes_ok, 0);

	/* A huge query string and a huge JSON body. */
	dbuf_init(&b);
	dbuf_add_str(&b, "/rc/v1/device?mac=" MAC1 "&pid=P");
	for (i = 0; i < 2000; i++)
		dbuf_add_str(&b, "&a=b");
	assert_int_equal(cx_get(x, (const char *)b.data, 0), 400);
	dbuf_reset(&b);
	dbuf_add_str(&b, "{\"code\":\"");
	for (i = 0; i < JSON_DOC_MAX; i++)
		dbuf_add_str(&b, "1");
	dbuf_add_str(&b, "\",\"mac\":\"" MAC1 "\"}");
	assert_int_equal(cx_post(x, "application/json", (char *)b.data, 0),
	    400);
	dbuf_clear(&b);
	assert_int_equal(ep_cloud_stats(x->c)->bad, 13);
	assert_int_equal(ep_cloud_stats(x->c)->queries, 0);

	/* The code still works once for a well-formed request. */
	assert_int_equal(cx_activate(x, CODE1, 0), 200);
}

/* Paths that are not the cloud's go to the store as before. */
static void
test_cloud_other_paths(void **state)
{
	struct cx *x = *state;

	assert_int_equal(cx_get(x, "/other.xml", 0), 200);
	assert_string_equal((char *)x->m.body.data, "<flat-profile/>");
	assert_int_equal(cx_get(x, "/rc/v1/devices", 0), 404);
	assert_int_equal(cx_get(x, "/rc/v1/device/x", 0), 404);
	assert_int_equal(ep_cloud_stats(x->c)->bad, 0);
}

/* What the scenario registers is checked too. */
static void
test_cloud_registry_checks(void **state)
{
	struct cx *x = *state;
	char *cause = NULL;

#define BAD(call, want) do {						\
	cause = NULL;							\
	assert_int_equal(call, -1);					\
	unit_check_cause(cause, want);					\
} while (0)
	BAD(ep_cloud_device(x->c, "00562B04361", REDIRECT, NULL, &cause),
	    "MAC");
	BAD(ep_cloud_device(x->c, "00562B04361G", REDIRECT, NULL, &cause),
	    "MAC");
	BAD(ep_cloud_device(x->c, MAC1, REDIRECT, "a -- b", &cause), "--");
	BAD(ep_cloud_device(x->c, MAC1, REDIRECT, "a\nb", &cause),
	    "control");
	BAD(ep_cloud_device(x->c, MAC1, REDIRECT, "", &cause), "company");
	BAD(ep_cloud_device_status(x->c, MAC1, 99, &cause), "status");
	BAD(ep_cloud_short_code(x->c, "12", REDIRECT, NULL, &cause),
	    "3 to 16");
	BAD(ep_cloud_short_code(x->c, "#123", REDIRECT, NULL, &cause),
	    "3 to 16");
	BAD(ep_cloud_short_code(x->c, "123", NULL, NULL, &cause),
	    "profile");
	BAD(ep_cloud_gds_code(x->c, "123", "r", NULL, NULL, 0, &cause),
	    "16 digits");
	BAD(ep_cloud_gds_code(x->c, CODE1, "", NULL, NULL, 0, &cause),
	    "rule");
#undef BAD
}

#define T(f) cmocka_unit_test_setup_teardown(f, cx_setup, cx_teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_b13_device_redirect),
		T(test_b14_device_unavailable),
		T(test_b15_device_error),
		T(test_b23_short_code),
		T(test_b21_gds_grant_single_use),
		T(test_b22_gds_unknown_expired),
		T(test_cloud_hostile_requests),
		T(test_cloud_other_paths),
		T(test_cloud_registry_checks),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

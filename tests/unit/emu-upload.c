/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Configuration report uploads (spec 16.4, 8.8) on one phone driven
 * directly, as tests/unit/emu-phone.c does: the test is the DHCP server
 * and the report server.  The phone is provisioned in flash (a Profile_Rule
 * of its own, Resync_On_Reset=No), so after the boot delay it is
 * operational at once and the report timers are all that runs.
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

#define SRV_IP		"10.0.0.5"
#define PHONE_IP	0x0a000064	/* 10.0.0.100 */
#define DHCP_SRV	0x0a000001	/* 10.0.0.1 */
#define LEASE_S		604800
#define MA		"00562b043615"

static const uint8_t	test_mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

struct h {
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct emu_outbox	 out;
	size_t			 cur_dhcp, cur_open, cur_note;
	emu_time		 now;
	uint32_t		 xid;
	/* the upload being read */
	uint32_t		 stream;
	int			 stream_open;
	struct http_msg		 req;
	int			 req_init;
	/* EMU_NOTE_REPORT notes seen */
	int			 reports, report_class, report_err;
};

static void
h_event(struct h *h, const struct emu_event *ev)
{
	size_t	i, first = h->out.n;

	phone_handle(h->p, ev, h->now, &h->out);
	for (i = first; i < h->out.n; i++) {
		const struct emu_action	*a = &h->out.act[i];

		if (a->type == EMU_ACT_CLOSE && a->u.flow == h->stream)
			h->stream_open = 0;
		if (a->type == EMU_ACT_NOTE &&
		    a->u.note.kind == EMU_NOTE_REPORT) {
			h->reports++;
			h->report_class = a->u.note.arg;
			h->report_err = a->u.note.err;
		}
	}
}

static void
h_simple(struct h *h, enum emu_ev_type type)
{
	h_event(h, &(struct emu_event){ .type = type });
}

static void
h_timer(struct h *h)
{
	emu_time	t = phone_deadline(h->p);

	assert_true(t != EMU_TIME_NEVER);
	assert_true(t >= h->now);
	h->now = t;
	h_simple(h, EMU_EV_TIMER);
}

static int
h_setup(void **state)
{
	struct h		*h;
	struct phone_conf	 c;

	h = calloc(1, sizeof *h);
	assert_non_null(h);
	memset(&c, 0, sizeof c);
	memcpy(c.mac, test_mac, 6);
	c.model = "CP-8851-3PCC";
	c.serial = "FCH2301ABCD";
	c.swver = "sip88xx.12-0-7MPP0301-92";
	c.key_group = -1;
	h->ctx = emu_ctx_create(1);
	h->p = phone_create(h->ctx, &c);
	emu_outbox_init(&h->out);
	*state = h;
	return (0);
}

static int
h_teardown(void **state)
{
	struct h	*h = *state;

	phone_free(h->p);
	emu_ctx_free(h->ctx);
	emu_outbox_free(&h->out);
	if (h->req_init)
		http_msg_clear(&h->req);
	free(h);
	return (0);
}

/* A flash value, before power-on. */
static void
set(struct h *h, const char *name, const char *value)
{
	char	*cause = NULL;

	if (phone_set(h->p, name, value, 0, &cause) != 0)
		fail_msg("%s: %s", name, cause);
}

/* A change on the LCD or web page, at the test's time. */
static void
set_local(struct h *h, const char *name, const char *value)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_SET_PARAM,
	    .name = name, .text = value });
	assert_string_equal(phone_get(h->p, name), value);
}

static const struct emu_action *
take(struct h *h, enum emu_act_type type, size_t *cur)
{
	for (; *cur < h->out.n; (*cur)++) {
		if (h->out.act[*cur].type == type)
			return (&h->out.act[(*cur)++]);
	}
	return (NULL);
}

static void
dhcp_reply(struct h *h, enum dhcp_type type)
{
	struct dhcp_msg	 m;
	struct dbuf	 b;
	uint8_t		 a[4] = { 10, 0, 0, 5 };

	dhcp_init(&m);
	m.op = 2;
	m.htype = 1;
	m.hlen = 6;
	m.xid = h->xid;
	m.yiaddr = PHONE_IP;
	memcpy(m.chaddr, test_mac, 6);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, type);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, DHCP_SRV);
	dhcp_opt_set(&m, 1, (const uint8_t *)"\xff\xff\xff\x00", 4);
	dhcp_opt_set(&m, 3, (const uint8_t *)"\x0a\x00\x00\x01", 4);
	dhcp_opt_set_u32(&m, 51, LEASE_S);
	dhcp_opt_set(&m, 150, a, 4);
	dbuf_init(&b);
	dhcp_write(&m, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .src_ip = DHCP_SRV, .src_port = DHCP_SERVER_PORT,
	    .flow = EMU_FLOW_DHCP, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

static void
dhcp_take(struct h *h)
{
	const struct emu_action	*a;
	struct dhcp_msg		 m;
	char			*cause = NULL;

	for (;;) {
		a = take(h, EMU_ACT_DGRAM, &h->cur_dhcp);
		assert_non_null(a);
		if (a->u.dgram.dst_port == DHCP_SERVER_PORT)
			break;
	}
	if (dhcp_parse(&m, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("bad DHCP message: %s", cause);
	h->xid = m.xid;
}

/*
 * Provisioned in flash with no boot resync: power on, DHCP, the boot
 * delay; the phone is operational.
 */
static void
boot(struct h *h)
{
	set(h, "Profile_Rule", "http://" SRV_IP "/p/$MA.xml");
	set(h, "Resync_On_Reset", "No");
	set(h, "Resync_Periodic", "0");
	h_simple(h, EMU_EV_POWER_ON);
	dhcp_take(h);
	dhcp_reply(h, DHCPOFFER);
	dhcp_take(h);
	dhcp_reply(h, DHCPACK);
	assert_int_equal(phone_state(h->p), PROV_BOOT_DELAY);
	h_timer(h);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
}

/* No upload has started since the last one read. */
static void
assert_no_upload(struct h *h)
{
	size_t	cur = h->cur_open;

	assert_null(take(h, EMU_ACT_OPEN, &cur));
}

/* The phone opens a stream to SRV_IP:80; read its whole request. */
static void
expect_upload(struct h *h)
{
	const struct emu_action	*a;
	size_t			 i;
	char			*cause = NULL;
	int			 rc = HTTP_MORE;

	a = take(h, EMU_ACT_OPEN, &h->cur_open);
	assert_non_null(a);
	assert_int_equal(a->u.open.dst_ip, 0x0a000005);
	assert_int_equal(a->u.open.dst_port, 80);
	h->stream = a->u.open.flow;
	h->stream_open = 1;
	i = h->out.n;
	h_event(h, &(struct emu_event){ .type = EMU_EV_CONNECTED,
	    .flow = h->stream });
	if (h->req_init)
		http_msg_clear(&h->req);
	http_msg_init(&h->req, 1, 4 << 20);
	h->req_init = 1;
	for (; i < h->out.n && rc == HTTP_MORE; i++) {
		a = &h->out.act[i];
		if (a->type != EMU_ACT_SEND || a->u.flow != h->stream)
			continue;
		rc = http_msg_feed(&h->req, emu_act_data(&h->out, a), a->len,
		    &cause);
	}
	if (rc != HTTP_DONE)
		fail_msg("phone sent no whole request: %s",
		    cause != NULL ? cause : "incomplete");
}

static const char *
body(struct h *h)
{
	return (h->req.body.data != NULL ? (const char *)h->req.body.data :
	    "");
}

static void
assert_body_has(struct h *h, const char *s)
{
	if (strstr(body(h), s) == NULL)
		fail_msg("report lacks \"%s\"", s);
}

static void
assert_body_lacks(struct h *h, const char *s)
{
	if (strstr(body(h), s) != NULL)
		fail_msg("report has \"%s\"", s);
}

/* The server's answer, then EOF. */
static void
answer(struct h *h, int status)
{
	struct dbuf	b;

	dbuf_init(&b);
	http_response_write(&b, 1, status, NULL, NULL, NULL, 0, 0);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = b.data, .len = b.len });
	if (h->stream_open)
		h_event(h, &(struct emu_event){ .type = EMU_EV_CLOSED,
		    .flow = h->stream });
	dbuf_clear(&b);
}

/* B105: a full report by PUT: every parameter, secrets out, passwords
 * masked. */
static void
test_b105_full_report_put(void **state)
{
	struct h	*h = *state;

	set(h, "Report_Rule", "http://" SRV_IP "/rep/$MA.xml");
	set(h, "HTTP_Report_Method", "PUT");
	set(h, "Password_1_", "line1secret");
	set(h, "Admin_Password", "adminsecret");
	set(h, "GPP_SA", "sa-secret");
	set(h, "GPP_SD", "sd-secret");
	set(h, "GPP_B", "a<b&c");
	/* On Request: the restart report, as soon as it is operational. */
	boot(h);
	expect_upload(h);
	assert_string_equal(h->req.method, "PUT");
	assert_string_equal(h->req.target, "/rep/" MA ".xml");
	assert_string_equal(http_msg_header(&h->req, "Content-Type"),
	    "text/xml");
	assert_body_has(h, "<flat-profile>");
	assert_body_has(h, "</flat-profile>");
	/* Every parameter, factory values too, with its ua. */
	assert_body_has(h, "<Profile_Rule ua=\"rw\">http://" SRV_IP
	    "/p/$MA.xml</Profile_Rule>");
	assert_body_has(h, "<Resync_On_Reset ua=\"rw\">No</Resync_On_Reset>");
	assert_body_has(h, "<Enable_Web_Server ua=\"rw\">Yes"
	    "</Enable_Web_Server>");
	assert_body_has(h, "<Report_To_Server ua=\"rw\">On Request"
	    "</Report_To_Server>");
	assert_body_has(h, "<Password_2_ ua=\"rw\"></Password_2_>");
	/* XML-escaped values. */
	assert_body_has(h, "<GPP_B ua=\"rw\">a&lt;b&amp;c</GPP_B>");
	/* Passwords as asterisks. */
	assert_body_has(h, "<Password_1_ ua=\"rw\">********</Password_1_>");
	assert_body_has(h, "<Admin_Password ua=\"rw\">********"
	    "</Admin_Password>");
	assert_body_lacks(h, "line1secret");
	assert_body_lacks(h, "adminsecret");
	/* GPP_SA..GPP_SD and the IKM are left out. */
	assert_body_lacks(h, "<GPP_SA");
	assert_body_lacks(h, "<GPP_SB");
	assert_body_lacks(h, "<GPP_SC");
	assert_body_lacks(h, "<GPP_SD");
	assert_body_lacks(h, "sa-secret");
	assert_body_lacks(h, "IKM_HTTP_Encrypt_Content");
	assert_true(h->req.body.len < 512 * 1024);
	answer(h, 201);
	assert_int_equal(h->reports, 1);
	assert_int_equal(h->report_class, EMU_CLASS_A);
	/* Nothing more until asked. */
	assert_int_equal(upload_deadline(h->p), EMU_TIME_NEVER);
	assert_no_upload(h);
}

/* The default method is POST; a catalogue ua of "na" is reported. */
static void
test_b105_post_default(void **state)
{
	struct h	*h = *state;
	char		*cause = NULL;

	set(h, "Report_Rule", "http://" SRV_IP "/cgi/report");
	assert_int_equal(phone_set(h->p, "Station_Name", "Desk 7", 0,
	    &cause), 0);
	boot(h);
	expect_upload(h);
	assert_string_equal(h->req.method, "POST");
	assert_string_equal(h->req.target, "/cgi/report");
	assert_body_has(h, "<Station_Name ua=\"rw\">Desk 7</Station_Name>");
	answer(h, 200);
	assert_int_equal(h->report_class, EMU_CLASS_A);
}

/*
 * B106: two destinations, two uploads; --status is the status fields;
 * --delta first says what differs from the factory values, then only what
 * changed since.
 */
static void
test_b106_delta_status_two_uploads(void **state)
{
	struct h	*h = *state;

	set(h, "Report_Rule", "[--delta]http://" SRV_IP "/d/$MA.xml "
	    "[--status] http://" SRV_IP "/s/$MA.xml");
	set(h, "Station_Name", "Desk 1");
	boot(h);
	expect_upload(h);
	assert_string_equal(h->req.target, "/d/" MA ".xml");
	assert_body_has(h, "<flat-profile>");
	assert_body_has(h, "<Station_Name ua=\"rw\">Desk 1</Station_Name>");
	assert_body_has(h, "<Resync_On_Reset ua=\"rw\">No</Resync_On_Reset>");
	assert_body_lacks(h, "<Enable_Web_Server");	/* factory value */
	assert_body_lacks(h, "<Password_1_");
	answer(h, 200);
	expect_upload(h);
	assert_string_equal(h->req.target, "/s/" MA ".xml");
	assert_body_has(h, "<status>");
	assert_body_has(h, "<Product_Name>CP-8851-3PCC</Product_Name>");
	assert_body_has(h, "<Software_Version>sip88xx.12-0-7MPP0301-92"
	    "</Software_Version>");
	assert_body_has(h, "<MAC_Address>00562B043615</MAC_Address>");
	assert_body_has(h, "<Serial_Number>FCH2301ABCD</Serial_Number>");
	assert_body_has(h, "<Customization>");
	assert_body_has(h, "<Client_Certificate>Installed"
	    "</Client_Certificate>");
	assert_body_has(h, "<Reboot_Reason>");
	assert_body_lacks(h, "<flat-profile>");
	assert_body_lacks(h, "Station_Name");
	answer(h, 204);
	assert_int_equal(h->reports, 2);
	assert_no_upload(h);

	/* A local change, then a request (SIP NOTIFY Event: report). */
	h->now += EMU_SEC(100);
	set_local(h, "Station_Name", "Desk 2");
	upload_request(h->p, h->now, &h->out);
	expect_upload(h);
	assert_string_equal(h->req.target, "/d/" MA ".xml");
	assert_body_has(h, "<Station_Name ua=\"rw\">Desk 2</Station_Name>");
	assert_body_lacks(h, "Resync_On_Reset");
	assert_body_lacks(h, "Profile_Rule");
	answer(h, 200);
	expect_upload(h);
	answer(h, 200);
	/* Nothing changed since: an empty delta. */
	upload_request(h->p, h->now, &h->out);
	expect_upload(h);
	assert_body_lacks(h, "Station_Name");
	assert_body_has(h, "<flat-profile>\n</flat-profile>");
	answer(h, 200);
	expect_upload(h);
	answer(h, 200);
	assert_int_equal(h->reports, 6);
}

/* A delta that did not reach its server is not a baseline. */
static void
test_b106_failed_delta_kept(void **state)
{
	struct h	*h = *state;

	set(h, "Report_Rule", "[--delta]http://" SRV_IP "/d.xml");
	boot(h);
	expect_upload(h);
	answer(h, 200);
	set_local(h, "Station_Name", "Desk 3");
	upload_request(h->p, h->now, &h->out);
	expect_upload(h);
	assert_body_has(h, "Desk 3");
	answer(h, 500);
	assert_int_equal(h->report_class, EMU_CLASS_C);
	assert_int_equal(h->report_err, EMU_E_HTTP);
	upload_request(h->p, h->now, &h->out);
	expect_upload(h);
	assert_body_has(h, "<Station_Name ua=\"rw\">Desk 3</Station_Name>");
	answer(h, 200);
}

/* B108: a burst of local changes gives one upload, the delay after the
 * last of them. */
static void
test_b108_local_change_burst(void **state)
{
	struct h	*h = *state;
	emu_time	 last;

	set(h, "Report_Rule", "[--delta]http://" SRV_IP "/d.xml");
	set(h, "Report_To_Server", "On Local Change");
	set(h, "Upload_Delay_On_Local_Change", "30");
	boot(h);
	/* No restart report with On Local Change. */
	assert_no_upload(h);
	assert_int_equal(upload_deadline(h->p), EMU_TIME_NEVER);
	h->now += EMU_SEC(5);
	set_local(h, "Station_Name", "A");
	h->now += EMU_SEC(10);
	set_local(h, "Station_Name", "B");
	h->now += EMU_SEC(20);
	set_local(h, "GPP_C", "c");
	last = h->now;
	assert_int_equal(phone_deadline(h->p), last + EMU_SEC(30));
	h_timer(h);
	assert_int_equal(h->now, last + EMU_SEC(30));
	expect_upload(h);
	assert_body_has(h, "<Station_Name ua=\"rw\">B</Station_Name>");
	assert_body_has(h, "<GPP_C ua=\"rw\">c</GPP_C>");
	answer(h, 200);
	assert_no_upload(h);
	assert_int_equal(h->reports, 1);
	assert_int_equal(upload_deadline(h->p), EMU_TIME_NEVER);
}

/* B109: Periodically, every Periodic_Upload_To_Server seconds, whatever
 * the last upload's outcome (16.4: no retry schedule). */
static void
test_b109_periodic(void **state)
{
	struct h	*h = *state;
	emu_time	 t0;

	set(h, "Report_Rule", "http://" SRV_IP "/r.xml");
	set(h, "Report_to_Server", "Periodically");	/* the other spelling */
	set(h, "periodic_upload_to_server", "600");
	assert_string_equal(phone_get(h->p, "Periodic_Upload_To_Server"),
	    "600");
	boot(h);		/* armed, nothing sent */
	assert_no_upload(h);
	t0 = h->now;
	h_timer(h);
	assert_int_equal(h->now, t0 + EMU_SEC(600));
	expect_upload(h);
	answer(h, 500);
	assert_int_equal(h->report_class, EMU_CLASS_C);
	h_timer(h);
	assert_int_equal(h->now, t0 + EMU_SEC(1200));
	expect_upload(h);
	answer(h, 200);
	assert_int_equal(h->report_class, EMU_CLASS_A);
	h_timer(h);
	assert_int_equal(h->now, t0 + EMU_SEC(1800));
	expect_upload(h);
	answer(h, 200);
	assert_int_equal(h->reports, 3);
}

/* 16.4: a server that never answers: a timeout, one status entry, no
 * retry. */
static void
test_report_server_silent(void **state)
{
	struct h	*h = *state;
	int		 i;

	set(h, "Report_Rule", "http://" SRV_IP "/r.xml");
	boot(h);
	expect_upload(h);
	for (i = 0; i < 10 && h->reports == 0; i++)
		h_timer(h);
	assert_int_equal(h->report_class, EMU_CLASS_C);
	assert_int_equal(h->report_err, EMU_E_TIMEOUT);
	assert_int_equal(upload_deadline(h->p), EMU_TIME_NEVER);
	assert_no_upload(h);
}

/* --uid/--pwd answer a 401; a tftp destination is refused. */
static void
test_report_credentials_and_tftp(void **state)
{
	struct h	*h = *state;
	const char	*hdrs[] = { "WWW-Authenticate: Basic realm=\"r\"",
		NULL };
	struct dbuf	 b;

	set(h, "Report_Rule", "[--uid bob --pwd pw]http://" SRV_IP "/r.xml "
	    "tftp://" SRV_IP "/r.xml");
	boot(h);
	expect_upload(h);
	dbuf_init(&b);
	http_response_write(&b, 1, 401, NULL, hdrs, NULL, 0, 0);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = b.data, .len = b.len });
	dbuf_clear(&b);
	/* The tftp destination has already failed: class C. */
	assert_int_equal(h->reports, 1);
	assert_int_equal(h->report_err, EMU_E_BADRULE);
	expect_upload(h);
	assert_non_null(http_msg_header(&h->req, "Authorization"));
	assert_string_equal(http_msg_header(&h->req, "Authorization"),
	    "Basic Ym9iOnB3");
	answer(h, 204);
	assert_int_equal(h->reports, 2);
	assert_int_equal(h->report_class, EMU_CLASS_A);
}

/* Report_Rule split into destinations, as 16.4 writes them. */
static void
test_report_dests(void **state)
{
	char	*d[2] = { NULL, NULL };

	(void)state;
	assert_int_equal(upload_dests("[--delta]http://a/x [--status]"
	    "http://b/y", d, 2), 2);
	assert_string_equal(d[0], "[--delta]http://a/x");
	assert_string_equal(d[1], "[--status]http://b/y");
	free(d[0]);
	free(d[1]);
	assert_int_equal(upload_dests("  [--key a b c ] http://a/x   ", d, 2),
	    1);
	assert_string_equal(d[0], "[--key a b c ] http://a/x");
	free(d[0]);
	assert_int_equal(upload_dests("http://a http://b http://c", d, 2), 2);
	free(d[0]);
	free(d[1]);
	assert_int_equal(upload_dests("[--delta", d, 2), 1);
	free(d[0]);
	assert_int_equal(upload_dests("", d, 2), 0);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, h_setup, h_teardown)

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		T(test_b105_full_report_put),
		T(test_b105_post_default),
		T(test_b106_delta_status_two_uploads),
		T(test_b106_failed_delta_kept),
		T(test_b108_local_change_burst),
		T(test_b109_periodic),
		T(test_report_server_silent),
		T(test_report_credentials_and_tftp),
		cmocka_unit_test(test_report_dests),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

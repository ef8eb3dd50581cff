/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * fleet/report.c: a run result built by hand, written as text (exact
 * lines), JSON (exact bytes, escaping, nothing from the wall clock) and
 * JUnit XML (parsed back and walked); the per-second server load of run.c
 * (sparse series, windows, cap) and its lines in the text and JSON reports.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "fleet/fleet.h"

int main(void);

struct fixture {
	struct scenario sc;
	struct scn_expect ex[3];
	struct run_failure fail[7];
	struct run_expect_result res[3];
	struct run_result r;
	struct run_uploads up;
};

/*
 * Three expectations: one held, one failed on 7 of 100 phones (6 failure
 * records kept), one failed on a server count with hostile text in it.
 */
static void
fixture_init(struct fixture *fx)
{
	size_t i;

	memset(fx, 0, sizeof *fx);
	fx->sc.file = xstrdup("scenarios/office.xml");
	fx->sc.name = xstrdup("office-dhcp");
	fx->ex[0].name = xstrdup("all provisioned");
	fx->ex[0].line = 40;
	fx->ex[0].at = EMU_SEC(600);
	fx->ex[0].has_sel = 1;
	fx->ex[0].sel.text = xstrdup("desk");
	fx->ex[1].name = xstrdup("still there");
	fx->ex[1].line = 47;
	fx->ex[1].at = EMU_SEC(5400);
	fx->ex[1].has_sel = 1;
	fx->ex[1].sel.text = xstrdup("desk[0..99]");
	fx->ex[2].name = xstrdup("say \"hi\"\tnow");
	fx->ex[2].line = 52;
	fx->ex[2].at = EMU_MS(1500);

	for (i = 0; i < 6; i++) {
		fx->fail[i].phone =
		    xstrdup(i == 0 ? "00562B000001" : "00562B000002");
		fx->fail[i].expected = xstrdup("state operational");
		fx->fail[i].seen = xstrdup("resync");
	}
	fx->fail[6].phone = NULL;
	fx->fail[6].expected = xstrdup("requests 3 for /x\"y");
	fx->fail[6].seen = xstrdup("line1\nline2\x01\xff<&>");

	fx->res[0].ex = &fx->ex[0];
	fx->res[0].passed = 1;
	fx->res[0].checked = 100;
	fx->res[1].ex = &fx->ex[1];
	fx->res[1].checked = 100;
	fx->res[1].failed = 7;
	fx->res[1].fail = &fx->fail[0];
	fx->res[1].nfail = 6;
	fx->res[2].ex = &fx->ex[2];
	fx->res[2].checked = 0;
	fx->res[2].failed = 1;
	fx->res[2].fail = &fx->fail[6];
	fx->res[2].nfail = 1;

	fx->r.sc = &fx->sc;
	fx->r.seed = 42;
	fx->r.end = EMU_SEC(7200);
	fx->r.wall_s = 1.2345;
	fx->r.res = fx->res;
	fx->r.nres = 3;
	fx->r.passed = 1;
	fx->r.failed = 2;
	fx->r.phones = 100;
	fx->r.boots = 100;
	fx->r.dhcp_acks = 101;
	fx->r.resyncs = 120;
	fx->r.resync_ok = 113;
	fx->r.resync_fail = 7;
	fx->r.fetches = 130;
	fx->r.requests = 140;
	fx->r.events = 9999;
	fx->r.by_err[EMU_OK] = 113;
	fx->r.by_err[EMU_E_TIMEOUT] = 5;
	fx->r.by_err[EMU_E_FNF] = 2;
	/* 4.8: phones per customization state, at the end. */
	fx->r.cust[CUST_ACQUIRED] = 90;
	fx->r.cust[CUST_CUSTOM_PENDING] = 4;
	fx->r.cust[CUST_PENDING] = 6;
	/* 16.4: a report server's uploads. */
	fx->up.server = (char *)"reports";
	fx->up.received = 12;
	fx->up.bytes = 3400;
	fx->up.kept = 10;
	fx->up.dropped = 2;
	fx->r.uploads = &fx->up;
	fx->r.nuploads = 1;
}

static void
fixture_free(struct fixture *fx)
{
	size_t i;

	free(fx->sc.file);
	free(fx->sc.name);
	for (i = 0; i < nitems(fx->ex); i++) {
		free(fx->ex[i].name);
		free(fx->ex[i].sel.text);
	}
	for (i = 0; i < nitems(fx->fail); i++) {
		free(fx->fail[i].phone);
		free(fx->fail[i].expected);
		free(fx->fail[i].seen);
	}
}

static char *
write_report(const struct run_result *r, enum report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	report_write(f, r, fmt);
	fclose(f);
	return (buf);
}

static void
test_format_parse(void **state)
{
	enum report_format f;

	assert_int_equal(report_format_parse("text", &f), 0);
	assert_int_equal(f, REPORT_TEXT);
	assert_int_equal(report_format_parse("json", &f), 0);
	assert_int_equal(f, REPORT_JSON);
	assert_int_equal(report_format_parse("junit", &f), 0);
	assert_int_equal(f, REPORT_JUNIT);
	assert_int_equal(report_format_parse("xml", &f), -1);
	assert_int_equal(report_format_parse("", &f), -1);
	assert_int_equal(report_format_parse("JSON", &f), -1);
}

static void
test_text(void **state)
{
	struct fixture fx;
	char *s;

	fixture_init(&fx);
	s = write_report(&fx.r, REPORT_TEXT);
	assert_string_equal(s,
	    "scenario office-dhcp (scenarios/office.xml): seed 42, 100 phones, "
	    "virtual end 2h\n"
	    "PASS scenarios/office.xml:40 all provisioned at 10m: "
	    "100/100 phones\n"
	    "FAIL scenarios/office.xml:47 still there at 1h30m: 93/100 phones\n"
	    "    00562B000001: expected state operational, saw resync\n"
	    "    00562B000002: expected state operational, saw resync\n"
	    "    00562B000002: expected state operational, saw resync\n"
	    "    00562B000002: expected state operational, saw resync\n"
	    "    00562B000002: expected state operational, saw resync\n"
	    "    ... and 2 more\n"
	    "FAIL scenarios/office.xml:52 say \"hi\"\\x09now at 1s500ms: "
	    "0/0 server checks\n"
	    "    expected requests 3 for /x\"y, saw line1\\x0aline2\\x01\\xff"
	    "<&>\n"
	    "totals: boots 100, dhcp-acks 101, resyncs 120, resync-ok 113, "
	    "resync-fail 7, fetches 130, requests 140, events 9999\n"
	    "errors: file not found 2, timeout 5\n"
	    "customization: Pending 6, Custom Pending 4, Acquired 90\n"
	    "uploads reports: received 12, bytes 3400, kept 10, dropped 2\n"
	    "result: FAIL (2 of 3 expectations failed)\n");
	free(s);

	/* All held, no errors: no errors line. */
	fx.r.nres = 1;
	fx.r.failed = 0;
	memset(fx.r.by_err, 0, sizeof fx.r.by_err);
	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, "\nresult: PASS (1 expectation held)\n"));
	assert_null(strstr(s, "errors:"));
	assert_non_null(strstr(s, "\ncustomization: Pending 6, "));
	free(s);
	/* Causes that share a $ERR text are counted once, under it. */
	fx.r.by_err[EMU_E_TLS_EXPIRED] = 1;
	fx.r.by_err[EMU_E_TLS_NAME] = 2;
	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, "\nerrors: tls handshake failed 3\n"));
	free(s);
	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s, "\"errors\": {\n    \"tls handshake "
	    "failed\": 3\n  },\n"));
	free(s);
	memset(fx.r.by_err, 0, sizeof fx.r.by_err);
	fx.r.nres = 0;
	fx.r.passed = 0;
	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, "\nresult: PASS (0 expectations held)\n"));
	free(s);
	fixture_free(&fx);
}

static const char json_want[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"scenario\": \"office-dhcp\",\n"
    "  \"file\": \"scenarios/office.xml\",\n"
    "  \"seed\": 42,\n"
    "  \"phones\": 100,\n"
    "  \"end_us\": 7200000000,\n"
    "  \"result\": \"fail\",\n"
    "  \"passed\": 1,\n"
    "  \"failed\": 2,\n"
    "  \"totals\": {\n"
    "    \"boots\": 100,\n"
    "    \"dhcp_acks\": 101,\n"
    "    \"resyncs\": 120,\n"
    "    \"resync_ok\": 113,\n"
    "    \"resync_fail\": 7,\n"
    "    \"fetches\": 130,\n"
    "    \"requests\": 140,\n"
    "    \"events\": 9999\n"
    "  },\n"
    "  \"errors\": {\n"
    "    \"file not found\": 2,\n"
    "    \"timeout\": 5\n"
    "  },\n"
    "  \"customization\": {\n"
    "    \"Open\": 0,\n"
    "    \"Aborted\": 0,\n"
    "    \"Pending\": 6,\n"
    "    \"Custom Pending\": 4,\n"
    "    \"Acquired\": 90,\n"
    "    \"Unavailable\": 0\n"
    "  },\n"
    "  \"uploads\": [\n"
    "    {\"server\": \"reports\", \"received\": 12, \"bytes\": 3400, "
    "\"kept\": 10, \"dropped\": 2}\n"
    "  ],\n"
    "  \"servers\": [],\n"
    "  \"latency\": {},\n"
    "  \"timeseries_capped\": false,\n"
    "  \"timeseries\": [],\n"
    "  \"expectations\": [\n"
    "    {\n"
    "      \"name\": \"all provisioned\",\n"
    "      \"line\": 40,\n"
    "      \"at_us\": 600000000,\n"
    "      \"phones\": \"desk\",\n"
    "      \"checked\": 100,\n"
    "      \"failed\": 0,\n"
    "      \"passed\": true,\n"
    "      \"failures\": []\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"still there\",\n"
    "      \"line\": 47,\n"
    "      \"at_us\": 5400000000,\n"
    "      \"phones\": \"desk[0..99]\",\n"
    "      \"checked\": 100,\n"
    "      \"failed\": 7,\n"
    "      \"passed\": false,\n"
    "      \"failures\": [\n"
    "        {\"phone\": \"00562B000001\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"},\n"
    "        {\"phone\": \"00562B000002\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"},\n"
    "        {\"phone\": \"00562B000002\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"},\n"
    "        {\"phone\": \"00562B000002\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"},\n"
    "        {\"phone\": \"00562B000002\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"},\n"
    "        {\"phone\": \"00562B000002\", \"expected\": \"state "
    "operational\", \"seen\": \"resync\"}\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      \"name\": \"say \\\"hi\\\"\\tnow\",\n"
    "      \"line\": 52,\n"
    "      \"at_us\": 1500000,\n"
    "      \"phones\": null,\n"
    "      \"checked\": 0,\n"
    "      \"failed\": 1,\n"
    "      \"passed\": false,\n"
    "      \"failures\": [\n"
    "        {\"phone\": null, \"expected\": \"requests 3 for /x\\\"y\", "
    "\"seen\": \"line1\\nline2\\u0001\\ufffd<&>\"}\n"
    "      ]\n"
    "    }\n"
    "  ]\n"
    "}\n";

static void
test_json(void **state)
{
	struct fixture fx;
	char *s, *s2;

	fixture_init(&fx);
	s = write_report(&fx.r, REPORT_JSON);
	assert_string_equal(s, json_want);

	/* Wall time is not in it: another wall time, the same bytes. */
	fx.r.wall_s = 99.5;
	s2 = write_report(&fx.r, REPORT_JSON);
	assert_string_equal(s, s2);
	free(s2);
	free(s);

	/* Empty lists and objects. */
	fx.r.nres = 0;
	fx.r.passed = fx.r.failed = 0;
	memset(fx.r.by_err, 0, sizeof fx.r.by_err);
	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s, "\"result\": \"pass\""));
	assert_non_null(strstr(s, "\"errors\": {},\n"));
	assert_non_null(strstr(s, "\"expectations\": []\n}\n"));
	free(s);
	fixture_free(&fx);
}

/* Escaping: quotes, backslash, every control character, bad UTF-8. */
static void
test_json_escape(void **state)
{
	struct fixture fx;
	char *s;
	char ctl[33];
	int i;

	fixture_init(&fx);
	for (i = 1; i < 32; i++)
		ctl[i - 1] = (char)i;
	ctl[31] = '\0';
	free(fx.sc.name);
	fx.sc.name = xstrdup(ctl);
	free(fx.sc.file);
	fx.sc.file = xstrdup("a\\b\"c\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x93"
			     "\x9e\xc0\xaf\xed\xa0\x80\xc3");
	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s,
	    "\n  \"scenario\": \"\\u0001\\u0002\\u0003"
	    "\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
	    "\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
	    "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\",\n"));
	/* Overlong, surrogate and cut sequences are each replaced. */
	assert_non_null(strstr(s,
	    "\"file\": \"a\\\\b\\\"c\\u007f\xc3\xa9"
	    "\xe2\x82\xac\xf0\x9f\x93\x9e\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
	    "\\ufffd\",\n"));
	free(s);
	fixture_free(&fx);
}

static xmlNodePtr
next_element(xmlNodePtr n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return (n);
}

static void
assert_attr(xmlNodePtr n, const char *name, const char *want)
{
	xmlChar *v;

	v = xmlGetProp(n, BAD_CAST name);
	assert_non_null(v);
	assert_string_equal((const char *)v, want);
	xmlFree(v);
}

static void
test_junit(void **state)
{
	struct fixture fx;
	xmlDocPtr doc;
	xmlNodePtr suite, tc, fl;
	xmlChar *text;
	char *s;

	fixture_init(&fx);
	s = write_report(&fx.r, REPORT_JUNIT);
	assert_memory_equal(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
	    39);
	doc = xmlReadMemory(s, (int)strlen(s), "junit.xml", NULL,
	    XML_PARSE_NONET);
	assert_non_null(doc);
	suite = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)suite->name, "testsuite");
	assert_attr(suite, "name", "office-dhcp");
	assert_attr(suite, "tests", "3");
	assert_attr(suite, "failures", "2");
	assert_attr(suite, "errors", "0");
	assert_attr(suite, "time", "1.235");

	tc = next_element(suite->children);
	assert_non_null(tc);
	assert_string_equal((const char *)tc->name, "testcase");
	assert_attr(tc, "classname", "office-dhcp");
	assert_attr(tc, "name", "all provisioned");
	assert_attr(tc, "file", "scenarios/office.xml");
	assert_attr(tc, "line", "40");
	assert_null(next_element(tc->children)); /* passed */

	tc = next_element(tc->next);
	assert_attr(tc, "name", "still there");
	fl = next_element(tc->children);
	assert_non_null(fl);
	assert_string_equal((const char *)fl->name, "failure");
	assert_attr(fl, "message", "7 of 100 phones failed");
	text = xmlNodeGetContent(fl);
	assert_string_equal((const char *)text,
	    "00562B000001: expected state operational, saw resync\n"
	    "00562B000002: expected state operational, saw resync\n"
	    "00562B000002: expected state operational, saw resync\n"
	    "00562B000002: expected state operational, saw resync\n"
	    "00562B000002: expected state operational, saw resync\n"
	    "00562B000002: expected state operational, saw resync\n"
	    "... and 1 more\n");
	xmlFree(text);

	/* Markup, quotes and characters XML cannot hold. */
	tc = next_element(tc->next);
	assert_attr(tc, "name", "say \"hi\"\tnow");
	fl = next_element(tc->children);
	text = xmlNodeGetContent(fl);
	assert_string_equal((const char *)text,
	    "expected requests 3 for "
	    "/x\"y, saw line1\nline2\xef\xbf\xbd\xef\xbf\xbd<&>\n");
	xmlFree(text);
	assert_null(next_element(tc->next));

	xmlFreeDoc(doc);
	free(s);
	fixture_free(&fx);
}

/*
 * 16.1, B92, B93: each phone's histories as the text report's "history"
 * lines and the JSON "histories" list, newest first, control characters
 * escaped; none of either when the run kept none (big fleets).
 */
static void
test_histories(void **state)
{
	struct fixture fx;
	struct run_phone_hist h[2];
	char *s;

	(void)state;
	fixture_init(&fx);
	memset(h, 0, sizeof h);
	strcpy(h[0].mac, "00562B089001");
	h[0].ent[PHONE_HIST_PROV][0] = xstrdup("Resync failed 01/01/2026 "
	    "00:40:00 http://x/m.xml file not found");
	h[0].ent[PHONE_HIST_PROV][1] = xstrdup("Resync succeeded 01/01/2026 "
	    "00:00:00 http://x/p.xml\x01");
	h[0].n[PHONE_HIST_PROV] = 2;
	h[0].ent[PHONE_HIST_REBOOT][0] = xstrdup("Power Cycled 01/01/2026 "
	    "00:00:00");
	h[0].n[PHONE_HIST_REBOOT] = 1;
	strcpy(h[1].mac, "00562B089002");
	fx.r.hist = h;
	fx.r.nhist = 2;

	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, "\nhistory 00562B089001 prov 1: Resync "
	    "failed 01/01/2026 00:40:00 http://x/m.xml file not found\n"
	    "history 00562B089001 prov 2: Resync succeeded 01/01/2026 "
	    "00:00:00 http://x/p.xml\\x01\n"
	    "history 00562B089001 reboot 1: Power Cycled 01/01/2026 "
	    "00:00:00\nresult: "));
	assert_null(strstr(s, "history 00562B089002"));
	free(s);

	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s, "\n  \"histories\": [\n"
	    "    {\"phone\": \"00562B089001\", \"prov\": [\"Resync failed "
	    "01/01/2026 00:40:00 http://x/m.xml file not found\", \"Resync "
	    "succeeded 01/01/2026 00:00:00 http://x/p.xml\\u0001\"], "
	    "\"upgrade\": [], \"reboot\": [\"Power Cycled 01/01/2026 "
	    "00:00:00\"]},\n"
	    "    {\"phone\": \"00562B089002\", \"prov\": [], \"upgrade\": [], "
	    "\"reboot\": []}\n  ],\n  \"latency\": {},"));
	free(s);

	fx.r.hist = NULL;
	fx.r.nhist = 0;
	s = write_report(&fx.r, REPORT_JSON);
	assert_null(strstr(s, "histories"));
	free(s);
	s = write_report(&fx.r, REPORT_TEXT);
	assert_null(strstr(s, "\nhistory "));
	free(s);
	free(h[0].ent[PHONE_HIST_PROV][0]);
	free(h[0].ent[PHONE_HIST_PROV][1]);
	free(h[0].ent[PHONE_HIST_REBOOT][0]);
	fixture_free(&fx);
}

/*
 * Server load per second (run.c): requests, bytes and errors land in the
 * second of their time, kept sparse and ascending whatever the order they
 * come in; a second seen again adds to its entry.
 */
static void
test_series_add(void **state)
{
	struct run_series s;

	memset(&s, 0, sizeof s);
	run_series_add(&s, EMU_MS(1800250), 100, 0);
	run_series_add(&s, EMU_MS(1800999), 50, 1);
	run_series_add(&s, EMU_SEC(1801), 10, 0);
	run_series_add(&s, EMU_SEC(1805), 0, 1);
	/* A late observation of an earlier second, then a new earlier one. */
	run_series_add(&s, EMU_MS(1800500), 1, 0);
	run_series_add(&s, EMU_SEC(3), 7, 0);
	assert_int_equal(s.requests, 6);
	assert_int_equal(s.bytes, 168);
	assert_int_equal(s.errors, 2);
	assert_int_equal(s.nsec, 4);
	assert_int_equal(s.sec[0].second, 3);
	assert_int_equal(s.sec[1].second, 1800);
	assert_int_equal(s.sec[1].requests, 3);
	assert_int_equal(s.sec[1].bytes, 151);
	assert_int_equal(s.sec[1].errors, 1);
	assert_int_equal(s.sec[2].second, 1801);
	assert_int_equal(s.sec[3].second, 1805);
	assert_int_equal(s.sec[3].errors, 1);
	assert_int_equal(s.capped, 0);
	run_series_clear(&s);
	assert_null(s.sec);
	assert_int_equal(s.nsec, 0);
}

/*
 * The peak of a window counts the seconds that start in [from, to): a
 * second starting before from, or at to, is out; ties go to the first.
 */
static void
test_series_peak(void **state)
{
	struct run_series s;
	uint64_t at, i;

	memset(&s, 0, sizeof s);
	for (i = 0; i < 5; i++)		/* second 10: 5 requests */
		run_series_add(&s, EMU_SEC(10) + i, 1000, 0);
	for (i = 0; i < 3; i++)		/* second 20: 3, 3000 bytes */
		run_series_add(&s, EMU_SEC(20) + i, 1000, 0);
	for (i = 0; i < 5; i++)		/* second 30: 5 again, 500 bytes */
		run_series_add(&s, EMU_SEC(30) + i, 100, 0);
	run_series_add(&s, EMU_SEC(40), 9000, 0);	/* one big answer */

	assert_int_equal(run_series_peak(&s, 0, EMU_TIME_NEVER, &at), 5);
	assert_int_equal(at, 10);
	assert_int_equal(run_series_peak(&s, EMU_SEC(10), EMU_SEC(30), &at),
	    5);
	assert_int_equal(at, 10);
	/* Second 10 starts before 10.5 s: out; second 30 starts at to: out. */
	assert_int_equal(run_series_peak(&s, EMU_MS(10500), EMU_SEC(30), &at),
	    3);
	assert_int_equal(at, 20);
	/* to inside second 30: it starts before to, so it counts. */
	assert_int_equal(run_series_peak(&s, EMU_SEC(11), EMU_MS(30001),
	    &at), 5);
	assert_int_equal(at, 30);
	assert_int_equal(run_series_peak(&s, EMU_SEC(41), EMU_TIME_NEVER,
	    &at), 0);
	assert_int_equal(at, 0);
	assert_int_equal(run_series_peak(&s, EMU_SEC(31), EMU_SEC(40), NULL),
	    0);

	run_series_finish(&s);
	assert_int_equal(s.peak, 5);
	assert_int_equal(s.peak_at, 10);
	assert_int_equal(s.peak_bytes, 9000);
	run_series_clear(&s);
}

/* At most RUN_SERIES_MAX seconds are kept; the totals keep counting. */
static void
test_series_cap(void **state)
{
	struct run_series s;
	uint64_t i;

	memset(&s, 0, sizeof s);
	for (i = 0; i < RUN_SERIES_MAX; i++)
		run_series_add(&s, EMU_SEC(i), 1, 0);
	assert_int_equal(s.capped, 0);
	run_series_add(&s, EMU_SEC(RUN_SERIES_MAX), 1, 1);
	run_series_add(&s, EMU_SEC(RUN_SERIES_MAX + 1), 1, 0);
	/* A second already kept still counts in full. */
	run_series_add(&s, EMU_SEC(5), 1, 0);
	assert_int_equal(s.capped, 1);
	assert_int_equal(s.nsec, RUN_SERIES_MAX);
	assert_int_equal(s.requests, RUN_SERIES_MAX + 3);
	assert_int_equal(s.errors, 1);
	assert_int_equal(s.sec[5].requests, 2);
	run_series_finish(&s);
	assert_int_equal(s.peak, 2);
	assert_int_equal(s.peak_at, 5);
	run_series_clear(&s);
}

/* The servers in the reports: text lines for those with traffic, and
 * every server in the JSON with its series. */
static void
test_servers_report(void **state)
{
	struct fixture fx;
	struct run_series sv[2];
	char *s;
	uint64_t i;

	fixture_init(&fx);
	memset(sv, 0, sizeof sv);
	sv[0].server = xstrdup("prov");
	sv[1].server = xstrdup("idle \"one\"");
	for (i = 0; i < 3; i++)
		run_series_add(&sv[0], EMU_SEC(3725) + i, 1024, 0);
	run_series_add(&sv[0], EMU_SEC(3726), 512, 1);
	for (i = 0; i < 9; i++)
		run_series_add(&sv[0], EMU_SEC(10 + i), 0, 0);
	run_series_finish(&sv[0]);
	run_series_finish(&sv[1]);
	fx.r.servers = sv;
	fx.r.nservers = 2;

	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, "\nuploads reports: received 12, bytes "
	    "3400, kept 10, dropped 2\n"
	    "server prov: peak 3 requests/s at 01:02:05, 3.0 KiB/s peak, "
	    "13 requests, 1 errors\n"
	    "result: "));
	assert_null(strstr(s, "server idle"));
	free(s);

	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s, "\"kept\": 10, \"dropped\": 2}\n"
	    "  ],\n"
	    "  \"servers\": [\n"
	    "    {\"name\": \"prov\", \"requests\": 13, \"bytes\": 3584, "
	    "\"errors\": 1, \"peak\": 3, \"peak_at\": 3725, "
	    "\"peak_bytes\": 3072, \"capped\": false,\n"
	    "      \"series\": [[10, 1, 0, 0], [11, 1, 0, 0], [12, 1, 0, 0], "
	    "[13, 1, 0, 0], [14, 1, 0, 0], [15, 1, 0, 0], [16, 1, 0, 0], "
	    "[17, 1, 0, 0],\n"
	    "        [18, 1, 0, 0], [3725, 3, 3072, 0], [3726, 1, 512, 1]]},\n"
	    "    {\"name\": \"idle \\\"one\\\"\", \"requests\": 0, "
	    "\"bytes\": 0, \"errors\": 0, \"peak\": 0, \"peak_at\": 0, "
	    "\"peak_bytes\": 0, \"capped\": false,\n"
	    "      \"series\": []}\n"
	    "  ],\n"
	    "  \"latency\": {},\n"));
	free(s);

	sv[0].capped = 1;
	s = write_report(&fx.r, REPORT_TEXT);
	assert_non_null(strstr(s, ", 13 requests, 1 errors (series "
	    "capped)\n"));
	free(s);
	s = write_report(&fx.r, REPORT_JSON);
	assert_non_null(strstr(s, "\"peak_bytes\": 3072, \"capped\": true,"));
	free(s);
	run_series_clear(&sv[0]);
	run_series_clear(&sv[1]);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_escape),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_histories),
		cmocka_unit_test(test_series_add),
		cmocka_unit_test(test_series_peak),
		cmocka_unit_test(test_series_cap),
		cmocka_unit_test(test_servers_report),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

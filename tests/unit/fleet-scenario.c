/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * fleet/scenario.c: a good scenario loads into the expected structs, every
 * semantic mistake gives its one line "file:line: <elem attr>: why", a
 * schema mistake (a typo in an element or attribute name) gives exactly one
 * line, and the time and selector syntaxes (docs/scenario.md).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet/fleet.h"

int main(void);

static const char *
srcdir(void)
{
	const char *s = getenv("srcdir");

	return (s != NULL && *s != '\0' ? s : ".");
}

static char *
data_path(const char *name)
{
	char *p;

	xasprintf(&p, "%s/tests/data/%s", srcdir(), name);
	return (p);
}

static char *
data_dir(void)
{
	char *p;

	xasprintf(&p, "%s/tests/data", srcdir());
	return (p);
}

/* Load from memory as "t.xml" (src= relative to tests/data); errors out. */
static struct scenario *
load_mem(const char *xml, char **errors)
{
	struct scenario *sc;
	char *base = data_dir(), *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	sc = scenario_load_mem("t.xml", xml, strlen(xml), base, f);
	fclose(f);
	free(base);
	*errors = buf;
	return (sc);
}

/* A scenario that must fail with exactly one message, this one. */
static void
expect_one(const char *xml, const char *message)
{
	struct scenario *sc;
	char *errors, *want;

	sc = load_mem(xml, &errors);
	assert_null(sc);
	xasprintf(&want, "%s\n", message);
	assert_string_equal(errors, want);
	free(want);
	free(errors);
}

/* A scenario that must fail; message must be one of its lines. */
static void
expect_line(const char *xml, const char *message)
{
	struct scenario *sc;
	char *errors, *want;

	sc = load_mem(xml, &errors);
	assert_null(sc);
	xasprintf(&want, "%s\n", message);
	if (strstr(errors, want) == NULL)
		fail_msg("\"%s\" not in:\n%s", message, errors);
	free(want);
	free(errors);
}

#define SITE "<site name=\"office\" subnet=\"10.1.0.0/16\"><dhcp/></site>"
#define PHONES "<phones name=\"desk\" count=\"10\" mac=\"00562B000001\"/>"

static void
test_good_file(void **state)
{
	struct scenario *sc;
	const struct scn_site *s;
	const struct scn_server *sv;
	const struct scn_group *g;
	const struct scn_expect *ex;
	const struct scn_check *ck;
	const struct scn_action *a;
	const struct scn_dns_server *ds;
	char *path = data_path("scenario-good.xml");
	static const uint8_t opt43[] = { 1, 4, 0xc0, 0xa8, 1, 1 };
	static const uint8_t opt150[] = { 10, 1, 0, 5, 10, 1, 0, 6 };

	sc = scenario_load(path, stderr);
	assert_non_null(sc);
	assert_string_equal(sc->file, path);
	assert_string_equal(sc->name, "office-dhcp");
	assert_string_equal(sc->description,
	    "One office, one DHCP server, one provisioning server.");
	assert_int_equal(sc->seed, 42);
	assert_int_equal(sc->duration, EMU_SEC(7200));
	assert_int_equal(sc->trace, TRACE_PROV | TRACE_DHCP);

	/* Sites. */
	assert_int_equal(sc->nsite, 2);
	s = &sc->site[0];
	assert_string_equal(s->name, "office");
	assert_int_equal(s->subnet, 0x0a010000);
	assert_int_equal(s->mask, 0xffff0000);
	assert_int_equal(s->gateway, 0x0a010001);
	assert_int_equal(s->link.latency, 1000);
	assert_int_equal(s->link.jitter, 500);
	assert_int_equal(s->link.loss_ppm, 1000);
	assert_true(s->has_dhcp);
	assert_int_equal(s->dhcp_server, 0x0a010001);
	assert_int_equal(s->ndns, 1);
	assert_int_equal(s->dns[0], 0x0a010002);
	assert_string_equal(s->domain, "example.com");
	assert_int_equal(s->lease_s, 86400);
	assert_int_equal(s->nopt, 4);
	assert_int_equal(s->opt[0].code, 66);
	assert_int_equal(s->opt[0].len, 8);
	assert_memory_equal(s->opt[0].data, "10.1.0.5", 8);
	assert_int_equal(s->opt[1].code, 150);
	assert_int_equal(s->opt[1].len, sizeof opt150);
	assert_memory_equal(s->opt[1].data, opt150, sizeof opt150);
	assert_int_equal(s->opt[2].code, 43);
	assert_int_equal(s->opt[2].len, sizeof opt43);
	assert_memory_equal(s->opt[2].data, opt43, sizeof opt43);
	assert_int_equal(s->opt[3].code, 160);
	assert_int_equal(s->opt[3].len, strlen("http://10.1.0.5/cfg/$MA.xml"));
	s = &sc->site[1];
	assert_string_equal(s->name, "lab");
	assert_int_equal(s->gateway, 0xc0a80701);     /* default: first host */
	assert_int_equal(s->link.latency, EMU_MS(1)); /* default */
	assert_int_equal(s->link.loss_ppm, 1000);
	assert_false(s->has_dhcp);

	/* The provisioning server. */
	assert_int_equal(sc->nserver, 1);
	sv = &sc->server[0];
	assert_string_equal(sv->name, "prov");
	assert_int_equal(sv->ip, 0x0a010005);
	assert_int_equal(sv->http_port, 80);
	assert_int_equal(sv->tftp_port, 69);
	assert_int_equal(sv->nfile, 3);
	assert_string_equal(sv->file[0].path, "/8851-3PCC.xml");
	assert_false(sv->file[0].is_template);
	assert_non_null(strstr((const char *)sv->file[0].data,
	    "<Resync_Periodic>3600</Resync_Periodic>"));
	assert_string_equal(sv->file[1].path, "/inline.xml");
	assert_int_equal(sv->file[1].len,
	    strlen("<flat-profile><GPP_A>x</GPP_A></flat-profile>"));
	assert_memory_equal(sv->file[1].data,
	    "<flat-profile><GPP_A>x</GPP_A></flat-profile>", sv->file[1].len);
	assert_string_equal(sv->file[2].path, "/cfg/*.xml");
	assert_true(sv->file[2].is_template);
	assert_non_null(strstr((const char *)sv->file[2].data, "{{MAC}}"));
	assert_int_equal(sv->nfault, 7);
	assert_string_equal(sv->fault[0].name, "outage");
	assert_int_equal(sv->fault[0].kind, EP_FAULT_STATUS);
	assert_int_equal(sv->fault[0].status, 503);
	assert_string_equal(sv->fault[0].path, "/cfg/*");
	assert_string_equal(sv->fault[0].mac, "00562B000001");
	assert_int_equal(sv->fault[0].count, 3);
	assert_false(sv->fault[0].active);
	assert_int_equal(sv->fault[1].kind, EP_FAULT_DELAY);
	assert_int_equal(sv->fault[1].delay, EMU_SEC(2));
	assert_int_equal(sv->fault[1].count, -1); /* default: always */
	assert_true(sv->fault[1].active);         /* default */
	assert_int_equal(sv->fault[2].kind, EP_FAULT_REDIRECT);
	assert_int_equal(sv->fault[2].status, 302); /* default */
	assert_string_equal(sv->fault[2].location, "http://10.1.0.6/x.xml");
	assert_int_equal(sv->fault[3].kind, EP_FAULT_AUTH);
	assert_string_equal(sv->fault[3].user, "u");
	assert_string_equal(sv->fault[3].pass, "p");
	assert_string_equal(sv->fault[3].realm, "r");
	assert_true(sv->fault[3].proxy);
	assert_int_equal(sv->fault[4].kind, EP_FAULT_CHUNKED);
	assert_true(sv->fault[4].http10);
	assert_int_equal(sv->fault[5].kind, EP_FAULT_BODY);
	assert_int_equal(sv->fault[5].body_len, strlen("not a profile"));
	assert_memory_equal(sv->fault[5].body, "not a profile", 13);
	assert_null(sv->fault[6].name);
	assert_int_equal(sv->fault[6].kind, EP_FAULT_RESET);
	assert_int_equal(sv->fault[6].count, 1);

	/* DNS. */
	assert_int_equal(sc->ndnss, 2);
	ds = &sc->dnss[0];
	assert_null(ds->name);
	assert_int_equal(ds->ip, 0x0a010002);
	assert_false(ds->down);
	assert_int_equal(ds->delay, 0);
	assert_int_equal(ds->nrec, 4);
	assert_int_equal(ds->rec[0].type, DNS_T_A);
	assert_string_equal(ds->rec[0].name, "prov.example.com");
	assert_int_equal(ds->rec[0].a, 0x0a010005);
	assert_int_equal(ds->rec[0].ttl_s, 300); /* default */
	assert_int_equal(ds->rec[1].type, DNS_T_SRV);
	assert_string_equal(ds->rec[1].name,
	    "_ciscoprov-http._tcp.example.com"); /* trailing dot gone */
	assert_int_equal(ds->rec[1].prio, 10);
	assert_int_equal(ds->rec[1].weight, 20);
	assert_int_equal(ds->rec[1].port, 80);
	assert_string_equal(ds->rec[1].target, "prov.example.com");
	assert_int_equal(ds->rec[1].ttl_s, 86400);
	assert_int_equal(ds->rec[2].type, DNS_T_CNAME);
	assert_string_equal(ds->rec[2].name, "www.example.com");
	assert_string_equal(ds->rec[2].target, "prov.example.com");
	assert_int_equal(ds->rec[2].ttl_s, 300);
	assert_int_equal(ds->rec[3].ttl_s, 0);
	ds = &sc->dnss[1];
	assert_string_equal(ds->name, "dns2");
	assert_int_equal(ds->ip, 0x0a010003);
	assert_true(ds->down);
	assert_int_equal(ds->delay, EMU_SEC(3));
	assert_int_equal(ds->nrec, 1);
	assert_int_equal(ds->rec[0].ttl_s, 60); /* the server's */

	/* Phones. */
	assert_int_equal(sc->ngroup, 2);
	assert_int_equal(sc->nphones, 102);
	g = &sc->group[0];
	assert_string_equal(g->name, "desk");
	assert_int_equal(g->count, 100);
	assert_null(g->macs);
	assert_memory_equal(g->mac, "\x00\x56\x2b\x00\x00\x01", 6);
	assert_string_equal(g->model, "CP-8851-3PCC");
	assert_string_equal(g->firmware, "sip88xx.12-0-7MPP0301-92");
	assert_null(g->firmware_inactive);
	assert_string_equal(g->serial_prefix, "FCH");
	assert_string_equal(g->hwver, "V03");
	assert_false(g->no_cert);
	assert_string_equal(g->site, "office");
	assert_int_equal(g->site_idx, 0);
	assert_int_equal(g->power_on, 0);
	assert_int_equal(g->spread, EMU_SEC(60));
	assert_int_equal(g->first, 0);
	assert_int_equal(g->nparam, 2);
	assert_string_equal(g->param[0].name, "Resync_Periodic");
	assert_string_equal(g->param[0].value, "600");
	assert_string_equal(g->param[1].name, "Profile_Rule");
	assert_string_equal(g->param[1].value, "tftp://10.1.0.5/x.xml");
	g = &sc->group[1];
	assert_string_equal(g->name, "lobby");
	assert_int_equal(g->count, 2);
	assert_non_null(g->macs);
	assert_memory_equal(g->macs[0], "\x00\x56\x2b\x00\x00\xa0", 6);
	assert_memory_equal(g->macs[1], "\x00\x56\x2b\x00\x00\xb0", 6);
	assert_string_equal(g->model, "CP-7841-3PCC");
	assert_string_equal(g->firmware_inactive, "sip78xx.11-3-1MPP0001-1");
	assert_true(g->no_cert);
	assert_int_equal(g->site_idx, 1);
	assert_int_equal(g->power_on, EMU_TIME_NEVER);
	assert_int_equal(g->first, 100);

	/* Actions: by time, file order within a time. */
	assert_int_equal(sc->naction, 13);
	a = &sc->action[0];
	assert_int_equal(a->type, SCN_ACT_POWER_ON);
	assert_int_equal(a->at, EMU_SEC(600));
	assert_string_equal(a->sel.text, "lobby");
	assert_int_equal(a->sel.group, 1);
	assert_int_equal(a->sel.from, 0);
	assert_int_equal(a->sel.to, 1);
	a = &sc->action[1];
	assert_int_equal(a->type, SCN_ACT_FAULT);
	assert_int_equal(a->at, EMU_SEC(1800));
	assert_string_equal(a->server, "prov");
	assert_int_equal(a->server_idx, 0);
	assert_string_equal(a->name, "outage");
	assert_true(a->on);
	assert_int_equal(sc->action[2].type, SCN_ACT_POWER_OFF);
	assert_int_equal(sc->action[2].sel.from, 0);
	assert_int_equal(sc->action[2].sel.to, 9);
	assert_int_equal(sc->action[3].type, SCN_ACT_POWER_ON);
	assert_int_equal(sc->action[4].type, SCN_ACT_REBOOT);
	assert_int_equal(sc->action[4].sel.to, 99);
	assert_int_equal(sc->action[5].type, SCN_ACT_FACTORY_RESET);
	assert_int_equal(sc->action[5].sel.from, 3);
	assert_int_equal(sc->action[5].sel.to, 3);
	a = &sc->action[6];
	assert_int_equal(a->type, SCN_ACT_SET);
	assert_int_equal(a->sel.group, 1); /* by MAC */
	assert_int_equal(a->sel.from, 1);
	assert_int_equal(a->sel.to, 1);
	assert_string_equal(a->name, "Profile_Rule");
	assert_string_equal(a->value, "tftp://10.1.0.5/x.xml");
	a = &sc->action[7];
	assert_int_equal(a->type, SCN_ACT_KEYS);
	assert_string_equal(a->value, "#123456789*0#");
	a = &sc->action[8];
	assert_int_equal(a->type, SCN_ACT_RESYNC);
	assert_string_equal(a->value, "tftp://10.1.0.5/x.xml");
	a = &sc->action[9];
	assert_int_equal(a->type, SCN_ACT_RESYNC);
	assert_null(a->value);
	assert_int_equal(a->sel.group, 0);
	assert_int_equal(a->sel.from, 4);
	a = &sc->action[10];
	assert_int_equal(a->type, SCN_ACT_HOST);
	assert_string_equal(a->server, "dns2");
	assert_int_equal(a->host_kind, SCN_HOST_DNS);
	assert_int_equal(a->server_idx, 1);
	assert_int_equal(a->on, 1);
	a = &sc->action[11];
	assert_int_equal(a->type, SCN_ACT_HOST);
	assert_int_equal(a->host_kind, SCN_HOST_SERVER);
	assert_int_equal(a->server_idx, 0);
	assert_int_equal(a->on, 0);
	a = &sc->action[12];
	assert_int_equal(a->type, SCN_ACT_DHCP);
	assert_int_equal(a->server_idx, 0); /* the site */
	assert_int_equal(a->on, 0);
	assert_string_equal(a->value, "b.example.com");
	assert_int_equal(a->ndns, 1);
	assert_int_equal(a->dns[0], 0x0a010003);
	assert_int_equal(a->nopt, 2);
	assert_int_equal(a->opt[0].code, 160);
	assert_int_equal(a->opt[0].len, strlen("http://10.1.0.6/$MA.xml"));
	assert_int_equal(a->opt[1].code, 66);
	assert_int_equal(a->opt[1].len, 0); /* removed */

	/* Expectations: the two at 10m in file order, then 1h. */
	assert_int_equal(sc->nexpect, 4);
	ex = &sc->expect[0];
	assert_string_equal(ex->name, "all provisioned");
	assert_int_equal(ex->line, 46);
	assert_int_equal(ex->at, EMU_SEC(600));
	assert_true(ex->has_sel);
	assert_string_equal(ex->sel.text, "desk");
	assert_int_equal(ex->ncheck, 10);
	ck = ex->check;
	assert_int_equal(ck[0].type, SCN_CHK_STATE);
	assert_string_equal(ck[0].value, "operational");
	assert_int_equal(ck[1].type, SCN_CHK_CUSTOMIZATION);
	assert_string_equal(ck[1].value, "Aborted"); /* canonical */
	assert_int_equal(ck[2].type, SCN_CHK_PARAM);
	assert_string_equal(ck[2].name, "GPP_A");
	assert_string_equal(ck[2].value, "hello");
	assert_int_equal(ck[3].type, SCN_CHK_COUNTER);
	assert_string_equal(ck[3].name, "resync-ok");
	assert_int_equal(ck[3].min, 1);
	assert_int_equal(ck[3].max, 3);
	assert_int_equal(ck[4].type, SCN_CHK_COUNTER);
	assert_string_equal(ck[4].name, "boots");
	assert_int_equal(ck[4].min, 1);
	assert_int_equal(ck[4].max, 1);
	assert_int_equal(ck[5].type, SCN_CHK_LAST_CLASS);
	assert_string_equal(ck[5].value, "A");
	assert_int_equal(ck[6].type, SCN_CHK_LAST_ERR);
	assert_string_equal(ck[6].value, "");
	assert_int_equal(ck[7].type, SCN_CHK_LAST_STATUS);
	assert_string_equal(ck[7].value, "200");
	assert_int_equal(ck[7].min, 200);
	assert_int_equal(ck[7].max, 200);
	assert_int_equal(ck[8].type, SCN_CHK_LAST_URL);
	assert_string_equal(ck[8].value,
	    "http://10.1.0.5:80/cfg/00562b000001.xml");
	assert_int_equal(ck[9].type, SCN_CHK_NEXT_RESYNC);
	assert_false(ck[9].none);
	assert_int_equal(ck[9].min, EMU_SEC(59));
	assert_int_equal(ck[9].max, EMU_SEC(61));
	assert_int_equal(ck[5].line, 52); /* one element, four checks */
	assert_int_equal(ck[8].line, 52);
	assert_int_equal(ck[9].line, 53);
	ex = &sc->expect[1];
	assert_int_equal(ex->line, 73);
	assert_string_equal(ex->name, "expect@73");
	assert_int_equal(ex->sel.group, 1);
	assert_int_equal(ex->sel.from, 1);
	assert_int_equal(ex->ncheck, 1);
	assert_int_equal(ex->check[0].type, SCN_CHK_NEXT_RESYNC);
	assert_true(ex->check[0].none);
	ex = &sc->expect[2];
	assert_int_equal(ex->at, EMU_SEC(3600));
	assert_true(ex->has_sel);
	assert_int_equal(ex->ncheck, 3);
	assert_int_equal(ex->check[0].min, EMU_SEC(60));
	assert_int_equal(ex->check[0].max, EMU_SEC(70));
	assert_int_equal(ex->check[1].type, SCN_CHK_SERVER);
	assert_string_equal(ex->check[1].name, "prov");
	assert_string_equal(ex->check[1].path, "/x.xml");
	assert_int_equal(ex->check[1].min, 3);
	assert_int_equal(ex->check[1].max, 3);
	assert_null(ex->check[2].path);
	assert_int_equal(ex->check[2].min, 1);
	assert_int_equal(ex->check[2].max, UINT64_MAX);
	ex = &sc->expect[3]; /* server checks only: no phones */
	assert_string_equal(ex->name, "server only");
	assert_false(ex->has_sel);
	assert_int_equal(ex->check[0].min, 0);
	assert_int_equal(ex->check[0].max, 1000);

	scenario_free(sc);
	free(path);
}

/* "N: text" -> "path:N: text", with @DIR@ the data directory. */
static char *
expand(const char *line, const char *path)
{
	const char *at;
	char *dir = data_dir(), *s;

	if ((at = strstr(line, "@DIR@")) != NULL)
		xasprintf(&s, "%s:%.*s%s%s", path, (int)(at - line), line, dir,
		    at + 5);
	else
		xasprintf(&s, "%s:%s", path, line);
	free(dir);
	return (s);
}

/* Every semantic mistake in tests/data/scenario-bad.xml, in line order. */
static const char *const bad_lines[] = {
	"1: <scenario seed=\"x\">: seed must be 0..18446744073709551615",
	"1: <scenario trace=\"prov,bogus\">: unknown trace category "
	"\"bogus\" (dhcp, dns, http, tftp, tls, prov, lcd, net, all)",
	"2: <site gateway=\"10.2.0.1\">: gateway is outside the subnet",
	"2: <site latency=\"1 ms\">: latency is not a time (e.g. 90s, "
	"1h30m, 250ms)",
	"2: <site loss=\"5\">: loss must be a percentage (\"0.1%\") or "
	"parts per million (\"1000ppm\"), at most 100%",
	"3: <dhcp lease=\"0\">: lease must be whole seconds (e.g. 1d, "
	"12h, 3600) or infinite",
	"3: <dhcp domain=\"bad..name\">: domain is not a DNS name",
	"4: <dns>: \"10.1.0.300\" is not an IPv4 address",
	"5: <option code=\"255\">: code must be 1..254",
	"6: <option code=\"3\">: option 3 is set from the site's gateway=",
	"7: <option code=\"150\">: \"nope\" is not an IPv4 address",
	"8: <option code=\"43\">: option 43: \"01:0\" is not hex bytes "
	"(e.g. 01:04:c0:a8:01:01)",
	"9: <option type=\"blob\">: type must be string, ip or hex",
	"10: <option code=\"67\">: option 67 is 300 bytes, more than 255",
	"11: <option code=\"160\">: option 160 has no value",
	"12: <option code=\"66\">: option 66 is already set",
	"13: <option code=\"66\">: option 66 is already set",
	"16: <site subnet=\"10.4.0.5/16\">: subnet has host bits set",
	"16: <site name=\"office\">: site \"office\" is already defined "
	"at line 2",
	"17: <site name=\"9lab\">: name must be a letter then up to 63 "
	"letters, digits, '-', '_' or '.'",
	"17: <site subnet=\"10.3.0.0/33\">: subnet must be "
	"address/prefix, prefix 1..30 (e.g. 10.1.0.0/16)",
	"18: <server address=\"10.1.0.999\">: address is not an IPv4 address",
	"18: <server name=\"prov\">: needs http=, https=, tftp= or syslog= (a port)",
	"19: <file path=\"x.xml\">: path must start with '/' and have "
	"no spaces",
	"20: <file src=\"scenario-files/missing.xml\">: cannot read "
	"@DIR@/scenario-files/missing.xml: No such file or directory",
	"21: <template path=\"/cfg/*/*.xml\">: a template path has "
	"exactly one '*'",
	"22: <file path=\"/b*.xml\">: '*' is for <template>: a <file> "
	"is one path",
	"23: <file src=\"scenario-files/phone.xml.in\">: give src= or "
	"content, not both",
	"25: <file path=\"/d.xml\">: path already served at line 24",
	"26: <fault kind=\"explode\">: kind must be one of status, "
	"delay, drop, truncate, redirect, auth, reset, chunked, "
	"close-delimited, body, trickle",
	"27: <fault name=\"f\">: server \"prov\" already has a fault \"f\"",
	"27: <fault name=\"f\">: status= is required",
	"28: <fault location=\"/x\">: location= does not apply to kind "
	"\"drop\"",
	"29: <fault status=\"200\">: status must be 301, 302, 303 or 307",
	"30: <fault kind=\"auth\">: pass= is required",
	"31: <fault mac=\"xyz\">: mac must be 12 hex digits",
	"31: <fault count=\"0\">: count must be -1 (always) or 1..2147483647",
	"31: <fault active=\"maybe\">: active must be yes or no",
	"32: <fault delay=\"soon\">: delay is not a time (e.g. 90s, "
	"1h30m, 250ms)",
	"33: <fault kind=\"reset\">: only kinds \"body\" and \"status\" take "
	"content",
	"36: <a name=\"bad name\">: name is not a DNS name",
	"37: <srv port=\"70000\">: port must be 0..65535",
	"38: <srv name=\"_y._tcp.example.com\">: port= is required",
	"38: <srv name=\"_y._tcp.example.com\">: target= is required",
	"40: <dns-server ttl=\"1.5s\">: ttl must be whole seconds, at most "
	"2147483647 (68 years)",
	"40: <dns-server delay=\"x\">: delay is not a time (e.g. 90s, "
	"1h30m, 250ms)",
	"40: <dns-server state=\"off\">: state must be up or down",
	"40: <cname target=\"a.example.com\">: a name cannot be an alias of "
	"itself",
	"40: <cname name=\"c.example.com\">: c.example.com already has a "
	"record at line 40; a CNAME is a name's only record",
	"40: <dns-server name=\"prov\">: server \"prov\" is already defined "
	"at line 18",
	"40: <dns-server address=\"10.1.0.2\">: same address as the DNS "
	"server at line 35",
	"41: <phones count=\"0\">: count must be 1..1000000",
	"42: <phones name=\"desk2\">: site= is required when there are 3 sites",
	"42: <phones name=\"desk2\">: MAC 00562B000001 is also in group "
	"\"desk\" (line 41)",
	"43: <phones mac=\"01005E000001\">: mac is a multicast address",
	"43: <phones site=\"nowhere\">: no site \"nowhere\"",
	"44: <phones macs=\"00562B0000F0 00562B0000F0 zz\">: \"zz\" is "
	"not a MAC (12 hex digits)",
	"44: <phones cert=\"maybe\">: cert must be yes or no",
	"44: <phones power-on=\"later\">: power-on must be a time (e.g. "
	"0s, 5m) or never",
	"44: <phones name=\"list\">: MAC 00562B0000F0 is listed twice",
	"45: <param name=\"Resync_Periodc\">: unknown parameter "
	"\"Resync_Periodc\"; did you mean \"Resync_Periodic\"?",
	"46: <param name=\"Bogus_Param_Xyz\">: unknown parameter "
	"\"Bogus_Param_Xyz\"",
	"48: <param name=\"GPP_A\">: GPP_A is already set at line 47",
	"50: <phones name=\"nomac\">: mac= (and count=) or macs= is required",
	"51: <phones count=\"17\">: 17 MACs from FFFFFFFFFFF0 go past "
	"FFFFFFFFFFFF",
	"53: <at t=\"2h\">: t is after the scenario's duration",
	"54: <at t=\"5 min\">: t is not a time (e.g. 90s, 1h30m, 250ms)",
	"56: <reboot phones=\"dsek\">: no phone group \"dsek\"",
	"57: <reboot phones=\"desk2[3..1]\">: range 3..1 is empty",
	"58: <reboot phones=\"desk2[10]\">: index 10 is out of range: "
	"group \"desk2\" has 10 phones (0..9)",
	"59: <reboot phones=\"desk2[1\">: bad selector: use name, "
	"name[i], name[i..j] or a MAC",
	"60: <reboot phones=\"00562B00FFFF\">: no phone has MAC 00562B00FFFF",
	"61: <reboot>: phones= is required",
	"62: <fault server=\"nope\">: no server \"nope\"",
	"63: <fault state=\"toggle\">: state must be on or off",
	"63: <fault name=\"nope\">: server \"prov\" has no fault \"nope\"",
	"64: <set param=\"Nope_Param\">: unknown parameter \"Nope_Param\"",
	"65: <set phones=\"desk2\">: value= is required",
	"66: <keys phones=\"desk2\">: keys are 0-9, * and #, not \"12a\"",
	"67: <keys phones=\"desk2\">: no keys given",
	"68: <resync rule=\"\">: rule is empty (leave it out for the "
	"phone's own rules)",
	"68: <server name=\"nope\">: no server, DNS server or proxy \"nope\"",
	"68: <server state=\"sideways\">: state must be up or down",
	"68: <dhcp site=\"nowhere\">: no site \"nowhere\"",
	"68: <dhcp>: nothing to change: give state=, domain=, <dns> or "
	"<option>",
	"68: <dhcp state=\"on\">: state must be up or down",
	"68: <dhcp domain=\"bad..x\">: domain is not a DNS name (\"\" "
	"removes it)",
	"68: <dns>: \"1.2.3\" is not an IPv4 address",
	"68: <option code=\"6\">: option 6 is set from <dns>",
	"71: <state is=\"happy\">: unknown state (off, boot, network, "
	"boot-delay, discovery, resync, upgrade-check, upgrading, "
	"operational, rebooting, activation, factory-reset)",
	"72: <customization is=\"weird\">: unknown customization state "
	"(Open, Aborted, Pending, Custom Pending, Acquired, Unavailable)",
	"73: <counter name=\"bogons\">: unknown counter (boots, "
	"dhcp-acks, resyncs, resync-ok, resync-fail, fetches, requests, "
	"reboots, edos-queries, short-codes, gds-requests, ca-fetches, "
	"tls-full, tls-resumed, upgrades, upgrade-ok, upgrade-fail, "
	"image-fetches)",
	"74: <counter is=\"1\">: give is= or min=/max=, not both",
	"75: <counter name=\"boots\">: needs is= or min=/max=",
	"76: <counter min=\"5\">: min is above max",
	"77: <last-resync class=\"D\">: class must be A, B or C",
	"78: <last-resync err=\"kaboom\">: unknown error text (\"\" for "
	"none, \"file not found\", \"timeout\", ...: docs/scenario.md)",
	"79: <last-resync status=\"2000\">: status must be 0..999",
	"80: <last-resync>: needs class=, err=, cause=, status= or url=",
	"81: <next-resync in=\"1m\">: give in= (and tolerance=) or "
	"min=/max=, not both",
	"82: <next-resync none=\"yes\">: none=\"yes\" takes no other attribute",
	"83: <next-resync tolerance=\"1s\">: tolerance= goes with in=",
	"84: <next-resync>: needs in=, min=/max= or none=",
	"85: <server name=\"nope\">: no server \"nope\"",
	"86: <server name=\"prov\">: needs requests= or min=/max=",
	"87: <param name=\"GPP_Z\">: unknown parameter \"GPP_Z\"; did "
	"you mean \"GPP_A\"?",
	"89: <expect t=\"1m\">: nothing to check",
	"90: <expect phones=\"desk2\">: t= is required",
	"92: <timeline>: only one <timeline> allowed (first at line 52)",
};

static void
test_bad_file(void **state)
{
	struct scenario *sc;
	char *path = data_path("scenario-bad.xml"), *buf = NULL;
	char *line, *next, *want;
	size_t len = 0, i = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	sc = scenario_load(path, f);
	fclose(f);
	assert_null(sc);
	for (line = buf; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		if (i >= nitems(bad_lines))
			fail_msg("extra line: %s", line);
		want = expand(bad_lines[i], path);
		assert_string_equal(line, want);
		free(want);
		i++;
	}
	assert_int_equal(i, nitems(bad_lines));
	free(buf);
	free(path);
}

/*
 * Every mistake in tests/data/scenario-bad-tls.xml (<pki>, HTTPS servers,
 * <edos>, <gds>, <activate> and the new checks), in line order.
 */
static const char *const bad_tls_lines[] = {
	"4: <ca name=\"cisco\">: \"cisco\" is a built-in name "
	"(cisco, mic, self)",
	"5: <ca key=\"dsa\">: key must be ecdsa or rsa",
	"6: <ca name=\"prov\">: CA \"prov\" is already defined at "
	"line 5",
	"7: <cert issuer=\"nobody\">: no CA \"nobody\" (cisco, "
	"mic, self or a <ca> name)",
	"8: <cert name=\"a\">: certificate \"a\" is already "
	"defined at line 7",
	"8: <cert names=\"bad..name\">: \"bad..name\" is not a DNS "
	"name",
	"9: <cert names=\"\">: names must list 1..16 DNS names",
	"10: <cert not-before=\"yesterday\">: not-before must be a "
	"time from the start in whole seconds (\"-30d\", \"365d\") "
	"or a date (\"2027-01-01T00:00:00Z\")",
	"11: <cert not-after=\"-1d\">: not-after is before "
	"not-before",
	"12: <cert not-after=\"2027-13-01T00:00:00Z\">: not-after: "
	"a date must be YYYY-MM-DDThh:mm:ss (1970..9999), then Z, "
	"an offset or nothing",
	"13: <cert names=\"a b c d e f g h i j k l m n o p q\">: "
	"names must list 1..16 DNS names",
	"14: <cert cn=\"\">: cn must be 1..64 characters",
	"16: <pki>: only one <pki> allowed (first at line 3)",
	"17: <server name=\"s1\">: cert= is required",
	"18: <server cert=\"nope\">: no certificate \"nope\" in "
	"<pki>",
	"18: <server client-cert=\"maybe\">: client-cert must be "
	"none, request or require",
	"18: <server tls=\"1.4\">: tls must be a version or a "
	"range of versions among 1.0 1.1 1.2 1.3 (e.g. 1.2-1.3)",
	"18: <server tls-fault=\"slow\">: tls-fault must be stall, "
	"truncate or chain",
	"19: <server cert=\"g\">: cert= goes with https=",
	"19: <server tls=\"1.3-1.2\">: tls= goes with https=",
	"20: <server https=\"443\">: http and https use the same "
	"port",
	"20: <ca-file ca=\"self\">: no CA \"self\" (cisco, mic or "
	"a <ca> name)",
	"20: <ca-file path=\"x.pem\">: path must start with '/' "
	"and have no spaces or '*'",
	"20: <ca-file path=\"/y.pem\">: path already served at "
	"line 20",
	"21: <server tls=\"1.3-1.2\">: tls must be a version or a "
	"range of versions among 1.0 1.1 1.2 1.3 (e.g. 1.2-1.3)",
	"23: <phones key-group=\"2000\">: key-group must be "
	"0..1023 or own",
	"25: <edos name=\"s1\">: server \"s1\" is already defined "
	"at line 17",
	"25: <edos name=\"s1\">: same address and port as server "
	"\"s6\" (line 22)",
	"26: <device phones=\"desk\">: give one of phones=, mac= "
	"and default=\"yes\"",
	"27: <device>: give one of phones=, mac= and "
	"default=\"yes\"",
	"29: <device mac=\"00562B000002\">: MAC 00562B000002 is "
	"already registered at line 28",
	"31: <device>: the default answer is already given at line "
	"30",
	"32: <device default=\"no\">: default must be yes (leave "
	"it out otherwise)",
	"33: <device status=\"503\">: a status takes no profile "
	"and no company=",
	"34: <device company=\"Acme\">: company= goes with a "
	"redirect profile",
	"35: <device phones=\"nobody\">: no phone group \"nobody\"",
	"36: <code digits=\"12\">: a short code is 3 to 16 digits "
	"(typed after '#')",
	"37: <code digits=\"123\">: a short code needs its "
	"redirect profile as content",
	"39: <code digits=\"1234\">: code 1234 is already defined "
	"at line 38",
	"41: <edos>: only one <edos> allowed (first at line 25)",
	"42: <gds cert=\"nope\">: no certificate \"nope\" in <pki>",
	"42: <gds name=\"gds\">: same address as <edos> (line 25)",
	"42: <gds name=\"gds\">: same address and port as server "
	"\"s6\" (line 22)",
	"43: <code digits=\"123456\">: an activation code is 16 "
	"digits",
	"44: <code digits=\"1234567812345678\">: rule= is required",
	"45: <code expires=\"soon\">: expires is not a time (e.g. "
	"90s, 1h30m, 250ms)",
	"48: <activate code=\"12ab\">: code must be digits, "
	"perhaps after '#' (at most 64 characters)",
	"48: <activate phones=\"desk\">: code= is required",
	"49: <activation is=\"busy\">: unknown activation screen "
	"state (hidden, shown, activating, invalid, failed, ok)",
	"49: <tls>: needs version= or resumed=",
	"49: <tls version=\"SSLv3\">: version must be TLSv1, "
	"TLSv1.1, TLSv1.2, TLSv1.3 or \"\" (none yet)",
	"49: <tls resumed=\"maybe\">: resumed must be yes or no",
	"49: <last-resync cause=\"tls-bogus\">: unknown cause "
	"(\"ok\", \"tls-expired\", \"tls-name\", ...: "
	"docs/scenario.md)",
	"49: <company>: is= is required",
	"50: <server name=\"edos\">: no server \"edos\"",
};

static void
test_bad_tls_file(void **state)
{
	struct scenario *sc;
	char *path = data_path("scenario-bad-tls.xml"), *buf = NULL;
	char *line, *next, *want;
	size_t len = 0, i = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	sc = scenario_load(path, f);
	fclose(f);
	assert_null(sc);
	for (line = buf; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		if (i >= nitems(bad_tls_lines))
			fail_msg("extra line: %s", line);
		want = expand(bad_tls_lines[i], path);
		assert_string_equal(line, want);
		free(want);
		i++;
	}
	assert_int_equal(i, nitems(bad_tls_lines));
	free(buf);
	free(path);
}

/*
 * Every mistake in tests/data/scenario-bad-proxy.xml (<proxy>, and the
 * checks that name one), in line order.  A password is never shown.
 */
static const char *const bad_proxy_lines[] = {
	"5: <proxy name=\"px\">: user= and pass= go together",
	"6: <proxy name=\"px2\">: user= and pass= go together",
	"7: <proxy port=\"0\">: port must be 1..65535",
	"7: <proxy realm=\"r\">: realm= goes with user= and pass=",
	"8: <proxy user=\"a:b\">: user must be 1..255 printable "
	"characters, no ':'",
	"8: <proxy name=\"px4\">: pass must be 1..255 printable "
	"characters",
	"9: <proxy connect-ports=\"443 http\">: \"http\" is not a port "
	"(1..65535)",
	"10: <proxy connect-ports=\"443, 443\">: port 443 is listed twice",
	"11: <proxy connect-ports=\"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 "
	"17\">: at most 16 ports",
	"12: <proxy connect-ports=\" \">: connect-ports must list 1..16 "
	"ports (leave it out for any)",
	"13: <proxy state=\"off\">: state must be up or down",
	"14: <proxy name=\"prov\">: server \"prov\" is already defined at "
	"line 3",
	"14: <proxy address=\"10.9.0.5\">: same address as the server at "
	"line 3",
	"15: <proxy name=\"px\">: proxy \"px\" is already defined at line 5",
	"16: <proxy>: name= is required",
	"17: <proxy address=\"10.9.0.9\">: same address as the proxy at "
	"line 5",
	"18: <proxy realm=\"a\\\"b\">: realm must be 1..255 printable "
	"characters, no '\"' or '\\'",
	"18: <proxy address=\"10.9.0.2\">: same address as the DNS server "
	"at line 4",
	"19: <proxy name=\"pxc\">: address= is required",
	"22: <server name=\"nope\">: no server, DNS server or proxy "
	"\"nope\"",
	"23: <request target=\"a\">: give target= or target-contains=, not "
	"both",
	"23: <request target-contains=\"\">: target-contains is empty",
	"23: <request path=\"\">: path is empty",
	"23: <server path=\"http://x/*\">: path must start with '/' (or be "
	"a glob starting with '*')",
	"23: <request method=\"connect\">: method must be an upper-case "
	"word (GET, POST, CONNECT for a proxy, RRQ for TFTP)",
};

static void
test_bad_proxy_file(void **state)
{
	struct scenario *sc;
	char *path = data_path("scenario-bad-proxy.xml"), *buf = NULL;
	char *line, *next, *want;
	size_t len = 0, i = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	sc = scenario_load(path, f);
	fclose(f);
	assert_null(sc);
	assert_null(strstr(buf, "s3cret"));
	for (line = buf; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		assert_non_null(next);
		*next++ = '\0';
		if (i >= nitems(bad_proxy_lines))
			fail_msg("extra line: %s", line);
		want = expand(bad_proxy_lines[i], path);
		assert_string_equal(line, want);
		free(want);
		i++;
	}
	assert_int_equal(i, nitems(bad_proxy_lines));
	free(buf);
	free(path);
}

/*
 * B112: a <proxy> as loaded, with its defaults; the timeline takes it
 * down by name, and <server>/<request> checks name it and look at the
 * request-target (any glob for a proxy's path=).
 */
static void
test_proxy_good(void **state)
{
	struct scenario *sc;
	const struct scn_proxy *px;
	const struct scn_check *ck;
	enum scn_host_kind kind;
	size_t idx;
	char *errors;

	(void)state;
	sc = load_mem("<scenario>" SITE
	    "<dns-server address=\"10.9.0.2\"/>"
	    "<proxy name=\"px\" address=\"10.9.0.9\" user=\"pu\" "
	    "pass=\"p:p\" realm=\"Office proxy\" "
	    "connect-ports=\"443, 8443\"/>"
	    "<proxy name=\"open\" address=\"10.9.0.8\" port=\"8080\" "
	    "state=\"down\"/>" PHONES
	    "<timeline><at t=\"1m\"><server name=\"open\" state=\"up\"/>"
	    "</at><expect t=\"2m\" phones=\"desk\">"
	    "<request server=\"px\" method=\"CONNECT\" "
	    "target=\"activate.cisco.com:443\"/>"
	    "<request server=\"px\" path=\"http://*\" "
	    "target-contains=\"/cfg/{{mac}}.xml\" "
	    "header=\"Proxy-Authorization\" scheme=\"Basic\"/></expect>"
	    "<expect t=\"2m\"><server name=\"px\" "
	    "path=\"activate.cisco.com:443\" min=\"1\"/></expect>"
	    "</timeline></scenario>", &errors);
	if (sc == NULL)
		fail_msg("%s", errors);
	free(errors);
	assert_int_equal(sc->nproxy, 2);
	px = &sc->proxy[0];
	assert_string_equal(px->name, "px");
	assert_true(px->ip == 0x0a090009);
	assert_int_equal(px->port, 3128);
	assert_false(px->down);
	assert_string_equal(px->user, "pu");
	assert_string_equal(px->pass, "p:p");
	assert_string_equal(px->realm, "Office proxy");
	assert_int_equal(px->nconnect_ports, 2);
	assert_int_equal(px->connect_ports[0], 443);
	assert_int_equal(px->connect_ports[1], 8443);
	px = &sc->proxy[1];
	assert_int_equal(px->port, 8080);
	assert_true(px->down);
	assert_null(px->user);
	assert_null(px->pass);
	assert_null(px->realm);
	assert_int_equal(px->nconnect_ports, 0);
	assert_int_equal(scenario_host_find(sc, "open", &kind, &idx), 0);
	assert_int_equal(kind, SCN_HOST_PROXY);
	assert_int_equal(idx, 1);
	assert_true(scenario_host_ip(sc, kind, idx) == 0x0a090008);
	assert_int_equal(sc->action[0].type, SCN_ACT_HOST);
	assert_int_equal(sc->action[0].host_kind, SCN_HOST_PROXY);
	assert_int_equal(sc->action[0].server_idx, 1);
	assert_int_equal(sc->action[0].on, 1);
	ck = &sc->expect[0].check[0];
	assert_string_equal(ck->method, "CONNECT");
	assert_string_equal(ck->target, "activate.cisco.com:443");
	assert_int_equal(ck->target_match, SCN_MATCH_IS);
	ck = &sc->expect[0].check[1];
	assert_string_equal(ck->path, "http://*");
	assert_string_equal(ck->target, "/cfg/{{mac}}.xml");
	assert_int_equal(ck->target_match, SCN_MATCH_CONTAINS);
	assert_string_equal(ck->header, "Proxy-Authorization");
	assert_string_equal(sc->expect[1].check[0].path,
	    "activate.cisco.com:443");
	scenario_free(sc);
}


/* A certificate world, an HTTPS server and the cloud, as loaded. */
static void
test_tls_good(void **state)
{
	struct scenario *sc;
	const struct scn_server *sv;
	const struct scn_cloud *cl;
	char *errors;

	sc = load_mem("<scenario start=\"2026-06-01T00:00:00Z\">" SITE
	    "<pki><ca name=\"provider\" key=\"rsa\"/>"
	    "<cert name=\"c1\" names=\"a.example.com *.b.example.com\" "
	    "issuer=\"provider\" not-before=\"-30d\" not-after=\"2027-01-01T00:00:00Z\"/>"
	    "<cert name=\"c2\" names=\"c.example.com\" cn=\"c.example.com/x\" "
	    "issuer=\"self\" key=\"rsa\"/></pki>"
	    "<server name=\"s\" address=\"10.9.0.5\" http=\"80\" https=\"8443\" "
	    "cert=\"c2\" client-cert=\"request\" tls=\"1.0-1.2\" "
	    "tls-fault=\"stall\"><ca-file path=\"/ca.pem\" ca=\"provider\"/>"
	    "</server>"
	    PHONES "<phones name=\"x\" count=\"2\" mac=\"00562C000001\" "
	    "key-group=\"own\"/><phones name=\"y\" mac=\"00562D000001\" "
	    "key-group=\"7\"/>"
	    "<edos address=\"10.9.0.10\"><device phones=\"desk[1..3]\" "
	    "company=\"Acme\">&lt;flat-profile/&gt;</device>"
	    "<device mac=\"00:56:2b:00:00:09\" status=\"503\"/>"
	    "<device default=\"yes\"/>"
	    "<code digits=\"123\">&lt;flat-profile/&gt;</code></edos>"
	    "<gds name=\"cloud\" address=\"10.9.0.11\" cert=\"c1\">"
	    "<code digits=\"0000111122223333\" rule=\"https://x/\" "
	    "uid=\"u\" expires=\"2h\"/></gds>"
	    "<timeline><at t=\"1m\"><activate phones=\"desk[0]\" "
	    "code=\"#123\"/><server name=\"cloud\" state=\"down\"/></at>"
	    "<expect t=\"2m\" phones=\"desk\"><activation is=\"shown\"/>"
	    "<tls version=\"TLSv1.3\" resumed=\"yes\"/><company is=\"Acme\"/>"
	    "<last-resync cause=\"tls-expired\"/>"
	    "<request server=\"edos\" client-cert=\"CN={{mac}}\"/></expect>"
	    "</timeline></scenario>", &errors);
	if (sc == NULL)
		fail_msg("%s", errors);
	free(errors);
	assert_int_equal(sc->nca, 1);
	assert_int_equal(sc->ca[0].key, PKI_KEY_RSA_2048);
	assert_int_equal(sc->ncert, 2);
	assert_int_equal(sc->cert[0].issuer, SCN_CA_FIRST);
	assert_int_equal(sc->cert[0].nnames, 2);
	assert_string_equal(sc->cert[0].names[1], "*.b.example.com");
	assert_string_equal(sc->cert[0].cn, "a.example.com");
	/* Relative to start=, or a date. */
	assert_true(sc->cert[0].not_before == sc->epoch - 30 * 86400LL);
	assert_true(sc->cert[0].not_after == 1798761600LL);
	assert_int_equal(sc->cert[1].issuer, PKI_ISSUER_SELF);
	assert_string_equal(sc->cert[1].cn, "c.example.com/x");
	/* Defaults: -1d .. 365d. */
	assert_true(sc->cert[1].not_before == sc->epoch - 86400);
	assert_true(sc->cert[1].not_after == sc->epoch + 365 * 86400LL);
	sv = &sc->server[0];
	assert_int_equal(sv->https_port, 8443);
	assert_int_equal(sv->cert, 1);
	assert_int_equal(sv->client_cert, SCN_CC_REQUEST);
	assert_int_equal(sv->tls_min, 0x0301);
	assert_int_equal(sv->tls_max, 0x0303);
	assert_int_equal(sv->tls_fault, EP_TLS_FAULT_STALL);
	assert_int_equal(sv->nca_file, 1);
	assert_int_equal(sv->ca_file[0].ca, SCN_CA_FIRST);
	assert_int_equal(sc->group[0].key_group, 0);
	assert_int_equal(sc->group[1].key_group, -1);
	assert_int_equal(sc->group[2].key_group, 7);
	cl = &sc->cloud[SCN_CLOUD_EDOS];
	assert_true(cl->present);
	assert_string_equal(cl->name, "edos");
	assert_int_equal(cl->cert, -1);
	assert_int_equal(cl->ndev, 3);
	assert_int_equal(cl->dev[0].nmacs, 3);
	assert_true(cl->dev[0].macs[0] == 0x00562B000002ULL);
	assert_string_equal(cl->dev[0].profile, "<flat-profile/>");
	assert_string_equal(cl->dev[0].company, "Acme");
	assert_int_equal(cl->dev[1].status, 503);
	assert_true(cl->dev[1].macs[0] == 0x00562B000009ULL);
	assert_true(cl->dev[2].is_default);
	assert_null(cl->dev[2].profile);
	assert_string_equal(cl->code[0].digits, "123");
	cl = &sc->cloud[SCN_CLOUD_GDS];
	assert_string_equal(cl->name, "cloud");
	assert_int_equal(cl->cert, 0);
	assert_string_equal(cl->code[0].uid, "u");
	assert_null(cl->code[0].pwd);
	assert_true(cl->code[0].expires == EMU_SEC(7200));
	assert_int_equal(sc->action[0].type, SCN_ACT_ACTIVATE);
	assert_string_equal(sc->action[0].value, "#123");
	assert_int_equal(sc->action[1].type, SCN_ACT_HOST);
	assert_int_equal(sc->action[1].host_kind, SCN_HOST_GDS);
	assert_int_equal(sc->expect[0].ncheck, 6);
	assert_int_equal(sc->expect[0].check[0].type, SCN_CHK_ACTIVATION);
	assert_int_equal(sc->expect[0].check[1].type, SCN_CHK_TLS_VERSION);
	assert_int_equal(sc->expect[0].check[2].type, SCN_CHK_TLS_RESUMED);
	assert_true(sc->expect[0].check[2].min == 1);
	assert_int_equal(sc->expect[0].check[3].type, SCN_CHK_COMPANY);
	assert_int_equal(sc->expect[0].check[4].type, SCN_CHK_LAST_CAUSE);
	assert_string_equal(sc->expect[0].check[5].client_cert, "CN={{mac}}");
	scenario_free(sc);

	/* A cloud host takes 443 of its address, a single version is min=max. */
	expect_one("<scenario>" SITE PHONES "<pki><cert name=\"c\" "
	    "names=\"x.example.com\"/></pki><server name=\"s\" "
	    "address=\"10.9.0.5\" https=\"443\" cert=\"c\"/>\n"
	    "<edos address=\"10.9.0.5\"/></scenario>",
	    "t.xml:2: <edos name=\"edos\">: same address and port as server "
	    "\"s\" (line 1)");
	expect_one("<scenario>" SITE PHONES "<pki>\n<cert name=\"c\" "
	    "names=\"x.example.com\" not-before=\"+1h\" not-after=\"30m\"/>"
	    "</pki></scenario>",
	    "t.xml:2: <cert not-after=\"30m\">: not-after is before "
	    "not-before");
}

/* A typo in an element name: one line, naming file and line. */
static void
test_typo_file(void **state)
{
	struct scenario *sc;
	char *path = data_path("scenario-typo.xml"), *buf = NULL;
	char *want;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	sc = scenario_load(path, f);
	fclose(f);
	assert_null(sc);
	xasprintf(&want,
	    "%s:7: element \"phone\" not allowed here; did you "
	    "mean \"phones\"?\n",
	    path);
	assert_string_equal(buf, want);
	free(want);
	free(buf);
	free(path);
}

static void
test_missing_file(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_null(scenario_load("/nonexistent/x.xml", f));
	fclose(f);
	assert_string_equal(buf,
	    "/nonexistent/x.xml: No such file or directory\n");
	free(buf);
}

static void
test_schema(void **state)
{
	expect_one("<scenario>\n" SITE "\n<phones name=\"desk\" cuont=\"3\" "
		   "mac=\"00562B000001\"/></scenario>",
	    "t.xml:3: <phones name=\"desk\">: attribute \"cuont\" not "
	    "allowed; did you mean \"count\"?");
	expect_one("<scenario>" SITE PHONES "<timeline>\n<at t=\"1m\">"
		   "<rebot phones=\"desk\"/></at></timeline></scenario>",
	    "t.xml:2: element \"rebot\" not allowed here; did you mean "
	    "\"reboot\"?");
	expect_one("<scenario>" SITE PHONES "\n<bogus/></scenario>",
	    "t.xml:2: element \"bogus\" not allowed here");
	expect_one("<scenari/>",
	    "t.xml:1: element \"scenari\" not allowed "
	    "here; did you mean \"scenario\"?");
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\">text"
		   "</site></scenario>",
	    "t.xml:2: <site name=\"a\">: text not allowed here");
	expect_one("<scenario><x:y xmlns:x=\"urn:x\"/></scenario>",
	    "t.xml:1: element \"x:y\" not allowed here");
	/* Not XML: the first error only. */
	expect_one("<scenario>\n<site name=\"x\">\n</scenario>\n",
	    "t.xml:3: Opening and ending tag mismatch: site line 2 and "
	    "scenario");
	expect_one("", "t.xml:1: Document is empty");
	expect_one("<scenario>&foo;</scenario>",
	    "t.xml:1: Entity 'foo' not defined");
	expect_one("<?xml version=\"1.0\"?>\n<!DOCTYPE scenario [<!ENTITY a "
		   "\"b\">]>\n<scenario>&a;</scenario>",
	    "t.xml:2: a DOCTYPE is not allowed in a scenario");
	expect_one("<?xml version=\"1.0\"?>\n\n<!DOCTYPE scenario SYSTEM "
		   "\"http://example.com/s.dtd\">\n<scenario/>",
	    "t.xml:3: a DOCTYPE is not allowed in a scenario");
}

static void
test_defaults(void **state)
{
	struct scenario *sc;
	char *errors;

	sc = load_mem("<scenario>" SITE PHONES "<server name=\"s\" "
		      "address=\"10.1.0.5\" http=\"80\"/><timeline><expect "
		      "t=\"5m\"><server name=\"s\" min=\"0\"/></expect><at "
		      "t=\"90\"><reboot "
		      "phones=\"desk\"/></at></timeline></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_string_equal(errors, "");
	assert_string_equal(sc->name, "t"); /* from the file name */
	assert_int_equal(sc->seed, 1);
	assert_int_equal(sc->trace, 0);
	assert_null(sc->description);
	assert_int_equal(sc->duration, EMU_SEC(360)); /* last + 1m */
	assert_int_equal(sc->site[0].gateway, 0x0a010001);
	assert_int_equal(sc->site[0].dhcp_server, 0x0a010001);
	assert_int_equal(sc->site[0].lease_s, 86400);
	assert_int_equal(sc->site[0].link.latency, EMU_MS(1));
	assert_int_equal(sc->site[0].link.jitter, 0);
	assert_int_equal(sc->site[0].link.loss_ppm, 0);
	assert_int_equal(sc->ndnss, 0);
	assert_false(sc->server[0].down);
	assert_string_equal(sc->group[0].site, "office"); /* the only one */
	assert_string_equal(sc->group[0].model, "CP-8851-3PCC");
	assert_string_equal(sc->group[0].hwver, "V03");
	assert_false(sc->group[0].no_cert);
	assert_int_equal(sc->group[0].power_on, 0);
	assert_int_equal(sc->group[0].spread, 0);
	assert_int_equal(sc->action[0].at, EMU_SEC(90));
	assert_false(sc->expect[0].has_sel);
	assert_string_equal(sc->expect[0].name, "expect@1");
	scenario_free(sc);
	free(errors);

	/* No timeline: one minute. */
	sc = load_mem("<scenario>" SITE PHONES "</scenario>", &errors);
	assert_non_null(sc);
	assert_int_equal(sc->duration, EMU_SEC(60));
	assert_int_equal(sc->naction, 0);
	assert_int_equal(sc->nexpect, 0);
	scenario_free(sc);
	free(errors);
}

/* Sorting is stable: equal times keep file order. */
static void
test_sorted(void **state)
{
	struct scenario *sc;
	char *errors;
	static const char *const want[] = { "desk[0]", "desk[1]", "desk[2]",
		"desk[3]", "desk[4]", "desk[5]" };
	size_t i;

	sc = load_mem("<scenario>" SITE PHONES "<timeline>"
		      "<at t=\"2m\"><reboot phones=\"desk[4]\"/>"
		      "<reboot phones=\"desk[5]\"/></at>"
		      "<at t=\"1m\"><reboot phones=\"desk[1]\"/></at>"
		      "<at t=\"0\"><reboot phones=\"desk[0]\"/></at>"
		      "<at t=\"60s\"><reboot phones=\"desk[2]\"/>"
		      "<reboot phones=\"desk[3]\"/></at>"
		      "<expect t=\"3m\" name=\"c\" phones=\"desk\"><state "
		      "is=\"off\"/></expect>"
		      "<expect t=\"1m\" name=\"a\" phones=\"desk\"><state "
		      "is=\"off\"/></expect>"
		      "<expect t=\"1m\" name=\"b\" phones=\"desk\"><state "
		      "is=\"off\"/></expect>"
		      "</timeline></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->naction, nitems(want));
	for (i = 0; i < nitems(want); i++)
		assert_string_equal(sc->action[i].sel.text, want[i]);
	assert_string_equal(sc->expect[0].name, "a");
	assert_string_equal(sc->expect[1].name, "b");
	assert_string_equal(sc->expect[2].name, "c");
	assert_int_equal(sc->duration, EMU_SEC(240));
	scenario_free(sc);
	free(errors);
}

#define SRV_OPEN "<server name=\"s\" address=\"10.1.0.5\" http=\"80\">"

/* Faults: a status with a body and headers, auth reject=, trickle rate=. */
static void
test_faults(void **state)
{
	struct scenario *sc;
	const struct ep_fault *f;
	char *errors;

	sc = load_mem("<scenario>" SITE PHONES SRV_OPEN
		      "<fault kind=\"status\" status=\"503\">"
		      "<header name=\"Retry-After\" value=\"120\"/>\n"
		      "  <![CDATA[busy]]>\n</fault>"
		      "<fault kind=\"status\" status=\"404\"/>"
		      "<fault kind=\"body\"><header name=\"Content-Encoding\" "
		      "value=\"aes128gcm\"/>x</fault>"
		      "<fault kind=\"body\"> y </fault>"
		      "<fault kind=\"auth\" user=\"u\" pass=\"p\" "
		      "reject=\"2\"/>"
		      "<fault kind=\"trickle\" rate=\"10\"/>"
		      "</server></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_string_equal(errors, "");
	f = sc->server[0].fault;
	assert_int_equal(f[0].kind, EP_FAULT_STATUS);
	assert_int_equal(f[0].status, 503);
	assert_int_equal(f[0].nhdr, 1);
	assert_string_equal(f[0].hdr[0], "Retry-After: 120");
	assert_int_equal(f[0].body_len, 4); /* trimmed: it has headers */
	assert_memory_equal(f[0].body, "busy", 4);
	assert_null(f[1].body); /* no body: the server's page */
	assert_string_equal(f[2].hdr[0], "Content-Encoding: aes128gcm");
	assert_int_equal(f[2].body_len, 1);
	assert_int_equal(f[3].body_len, 3); /* no headers: byte for byte */
	assert_int_equal(f[4].reject, 2);
	assert_int_equal(f[5].kind, EP_FAULT_TRICKLE);
	assert_int_equal(f[5].rate, 10);
	scenario_free(sc);
	free(errors);

	expect_one("<scenario>" SITE PHONES SRV_OPEN "\n<fault kind=\"trickle\"/>"
		   "</server></scenario>",
	    "t.xml:2: <fault kind=\"trickle\">: rate= is required");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "\n<fault kind=\"trickle\" "
		   "rate=\"0\"/></server></scenario>",
	    "t.xml:2: <fault rate=\"0\">: rate must be 1..4294967295");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "\n<fault kind=\"delay\" "
		   "delay=\"1s\" reject=\"1\"/></server></scenario>",
	    "t.xml:2: <fault reject=\"1\">: reject= does not apply to kind "
	    "\"delay\"");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "<fault kind=\"drop\">\n"
		   "<header name=\"X\" value=\"1\"/></fault></server>"
		   "</scenario>",
	    "t.xml:2: <header name=\"X\">: a fault that does not answer takes "
	    "no <header>");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "<fault kind=\"body\">\n"
		   "<header name=\"Bad Name\" value=\"1\"/></fault></server>"
		   "</scenario>",
	    "t.xml:2: <header name=\"Bad Name\">: name is not an HTTP header "
	    "name");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "<fault kind=\"body\">\n"
		   "<header name=\"X\" value=\"a&#10;b\"/></fault></server>"
		   "</scenario>",
	    "t.xml:2: <header value=\"a\\x0ab\">: value must be 1..1024 "
	    "characters on one line");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "<fault kind=\"body\">\n"
		   "<header name=\"content-length\" value=\"1\"/></fault>"
		   "</server></scenario>",
	    "t.xml:2: <header name=\"content-length\">: content-length is the "
	    "server's: set framing with the fault's kind");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "<fault kind=\"body\">"
		   "<header name=\"A\" value=\"1\"/><header name=\"B\" "
		   "value=\"1\"/><header name=\"C\" value=\"1\"/><header "
		   "name=\"D\" value=\"1\"/>\n<header name=\"E\" "
		   "value=\"1\"/></fault></server></scenario>",
	    "t.xml:2: <header name=\"E\">: at most 4 <header> per fault");
}

/* Checks across elements. */
static void
test_cross(void **state)
{
	struct scenario *sc;
	char *errors;

	/* 1,000,000 phones in all is the most. */
	expect_line(
	    "<scenario><site name=\"a\" subnet=\"10.0.0.0/8\"/>"
	    "<phones name=\"x\" count=\"600000\" mac=\"00562B000001\"/>\n"
	    "<phones name=\"y\" count=\"600000\" mac=\"00562C000001\"/>"
	    "</scenario>",
	    "t.xml:2: <phones>: 1200000 phones in all, more than 1000000");
	sc = load_mem(
	    "<scenario><site name=\"a\" subnet=\"10.0.0.0/8\"/>"
	    "<phones name=\"x\" count=\"1000000\" mac=\"00562B000001\"/>"
	    "</scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->nphones, 1000000);
	scenario_free(sc);
	free(errors);

	/* The DHCP pool: a /30 has two hosts, one is the gateway. */
	expect_one(
	    "<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/30\"><dhcp/></site>"
	    "<phones name=\"x\" count=\"2\" mac=\"00562B000001\"/></scenario>",
	    "t.xml:2: <site name=\"a\">: 2 phones but the DHCP pool has room "
	    "for 1");
	expect_line(
	    "<scenario><site name=\"a\" subnet=\"10.0.0.0/16\"/>\n"
	    "<site name=\"b\" subnet=\"10.0.5.0/24\"/>"
	    "<phones name=\"x\" mac=\"00562B000001\" site=\"a\"/></scenario>",
	    "t.xml:2: <site name=\"b\">: subnet overlaps site \"a\" (line 1)");
	expect_line("<scenario>" SITE PHONES "<server name=\"a\" "
		    "address=\"10.1.0.5\" http=\"80\"/>\n<server name=\"b\" "
		    "address=\"10.1.0.5\" http=\"80\"/></scenario>",
	    "t.xml:2: <server name=\"b\">: same address and port as server "
	    "\"a\" (line 1)");
	expect_line("<scenario>" SITE PHONES "\n"
		    "<phones name=\"desk\" mac=\"00562C000001\"/></scenario>",
	    "t.xml:2: <phones name=\"desk\">: group \"desk\" is already "
	    "defined at line 1");
	expect_line("<scenario>" SITE PHONES "\n"
		    "<phones name=\"x\" macs=\"00562B000003\"/></scenario>",
	    "t.xml:2: <phones name=\"x\">: MAC 00562B000003 is also in group "
	    "\"desk\" (line 1)");
	expect_line("<scenario duration=\"1h\">" SITE PHONES "<timeline>\n"
		    "<expect t=\"61m\"><server name=\"x\" min=\"1\"/></expect>"
		    "</timeline>"
		    "</scenario>",
	    "t.xml:2: <expect t=\"61m\">: t is after the scenario's duration");
	expect_line("<scenario>" SITE "<site name=\"lab\" "
		    "subnet=\"10.2.0.0/16\"/>\n" PHONES "</scenario>",
	    "t.xml:2: <phones name=\"desk\">: site= is required when there "
	    "are 2 sites");
	expect_one(
	    "<scenario>\n" SITE "<phones name=\"a\" "
	    "mac=\"00562B000001\"/><phones name=\"b\" macs=\"00562B000009\"/>"
	    "<phones name=\"c\" count=\"5\" mac=\"00562B000005\"/></scenario>",
	    "t.xml:2: <phones name=\"c\">: MAC 00562B000009 is "
	    "also in group \"b\" (line 2)");
	/* Servers in the subnet take addresses out of the pool. */
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/29\">"
		   "<dhcp/></site><server name=\"s\" address=\"10.0.0.3\" "
		   "http=\"80\"/><dns-server address=\"10.0.0.4\"/>"
		   "<phones name=\"x\" count=\"4\" mac=\"00562B000001\"/>"
		   "</scenario>",
	    "t.xml:2: <site name=\"a\">: 4 phones but the DHCP pool has room "
	    "for 3");
	/* A fault of another server, a fault with no name. */
	expect_one(
	    "<scenario>" SITE PHONES "<server name=\"a\" "
	    "address=\"10.1.0.5\" http=\"80\"><fault name=\"f\" "
	    "kind=\"drop\"/></server><server name=\"b\" address=\"10.1.0.6\" "
	    "http=\"80\"/><timeline><at t=\"1m\">\n<fault server=\"b\" "
	    "name=\"f\" state=\"on\"/></at></timeline></scenario>",
	    "t.xml:2: <fault name=\"f\">: server \"b\" has no fault \"f\"");
}

static void
test_values(void **state)
{
	struct scenario *sc;
	char *errors;

	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "loss=\"0.00001%\"/>" PHONES "</scenario>",
	    "t.xml:2: <site loss=\"0.00001%\">: loss must be a percentage "
	    "(\"0.1%\") or parts per million (\"1000ppm\"), at most 100%");
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "loss=\"101%\"/>" PHONES "</scenario>",
	    "t.xml:2: <site loss=\"101%\">: loss must be a percentage "
	    "(\"0.1%\") or parts per million (\"1000ppm\"), at most 100%");
	sc = load_mem(
	    "<scenario trace=\"all\"><site name=\"a\" "
	    "subnet=\"10.0.0.0/8\" loss=\"100%\"><dhcp lease=\"infinite\">"
	    "<option code=\"43\" type=\"hex\">0104C0A80101</option></dhcp>"
	    "</site><phones name=\"x\" mac=\"00-56-2b-00-00-01\" "
	    "power-on=\"1m\" spread=\"1.5s\"/></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->trace, TRACE_ALL);
	assert_int_equal(sc->site[0].link.loss_ppm, 1000000);
	assert_int_equal(sc->site[0].lease_s, UINT32_MAX);
	assert_int_equal(sc->site[0].opt[0].len, 6);
	assert_int_equal(sc->group[0].power_on, EMU_SEC(60));
	assert_int_equal(sc->group[0].spread, EMU_MS(1500));
	scenario_free(sc);
	free(errors);
	/* Times are at most 100 years: sums of times never wrap. */
	expect_one("<scenario>" SITE PHONES "<timeline>\n<at "
		   "t=\"18446744073709551615us\"><reboot phones=\"desk\"/>"
		   "</at></timeline></scenario>",
	    "t.xml:2: <at t=\"18446744073709551615us\">: t is more than 100 "
	    "years, the longest time allowed");
	expect_one("<scenario>" SITE PHONES "<server name=\"s\" "
		   "address=\"10.1.0.5\" http=\"80\">\n<fault kind=\"delay\" "
		   "delay=\"36526d\"/></server></scenario>",
	    "t.xml:2: <fault delay=\"36526d\">: delay is more than 100 years, "
	    "the longest time allowed");
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "latency=\"1d\" jitter=\"99999999999d\"/>" PHONES
		   "</scenario>",
	    "t.xml:2: <site jitter=\"99999999999d\">: jitter is more than 100 "
	    "years, the longest time allowed");
	expect_one("<scenario>" SITE "\n<phones name=\"p\" "
		   "mac=\"00562B000001\" power-on=\"40000d\"/></scenario>",
	    "t.xml:2: <phones power-on=\"40000d\">: power-on is more than 100 "
	    "years, the longest time allowed");
	expect_one("<scenario duration=\"36525d1s\">\n" SITE PHONES
		   "</scenario>",
	    "t.xml:1: <scenario duration=\"36525d1s\">: duration is more than "
	    "100 years, the longest time allowed");
	sc = load_mem("<scenario duration=\"36525d\">" SITE PHONES
		      "<timeline><expect t=\"36525d\" phones=\"desk\"><state "
		      "is=\"off\"/><next-resync in=\"36525d\" "
		      "tolerance=\"36525d\"/></expect></timeline></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->duration, SCN_TIME_MAX);
	scenario_free(sc);
	free(errors);
	/* A name the escape makes visible. */
	expect_one(
	    "<scenario>" SITE PHONES "<timeline>\n<at t=\"1m\">"
	    "<reboot phones=\"a&#9;&quot;b\"/></at></timeline></scenario>",
	    "t.xml:2: <reboot phones=\"a\\x09\\\"b\">: no phone group "
	    "\"a\\x09\\\"b\"");
}

/* What the runner relies on: see fleet.h and docs/scenario.md. */
static void
test_checks(void **state)
{
	struct scenario *sc;
	const struct scn_check *ck;
	char *errors;

	sc = load_mem("<scenario>" SITE PHONES "<timeline><expect t=\"1m\" "
		      "phones=\"desk\"><next-resync min=\"1s\"/>"
		      "<next-resync none=\"no\"/><next-resync max=\"2s\"/>"
		      "<next-resync in=\"1s\" tolerance=\"2s\"/>"
		      "<last-resync status=\"0200\" err=\"TIMEOUT\"/>"
		      "<customization is=\"custom-pending\"/>"
		      "</expect></timeline></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_string_equal(errors, "");
	ck = sc->expect[0].check;
	assert_int_equal(sc->expect[0].ncheck, 7);
	/* Open bounds stay below 2^63: check time + max cannot wrap. */
	assert_int_equal(ck[0].min, EMU_SEC(1));
	assert_int_equal(ck[0].max, INT64_MAX);
	assert_false(ck[1].none);
	assert_int_equal(ck[1].min, 0);
	assert_int_equal(ck[1].max, INT64_MAX);
	assert_int_equal(ck[2].min, 0);
	assert_int_equal(ck[2].max, EMU_SEC(2));
	assert_int_equal(ck[3].min, 0); /* in - tolerance stops at 0 */
	assert_int_equal(ck[3].max, EMU_SEC(3));
	/* Canonical values: the runner compares text. */
	assert_int_equal(ck[4].type, SCN_CHK_LAST_ERR);
	assert_string_equal(ck[4].value, "timeout");
	assert_int_equal(ck[5].type, SCN_CHK_LAST_STATUS);
	assert_string_equal(ck[5].value, "200");
	assert_string_equal(ck[6].value, "Custom Pending");
	scenario_free(sc);
	free(errors);

	/* Checks on phones need phones=; <server> checks do not. */
	expect_one("<scenario>" SITE PHONES "<timeline>\n<expect t=\"1m\">"
		   "<state is=\"off\"/></expect></timeline></scenario>",
	    "t.xml:2: <expect t=\"1m\">: phones= is required: it checks "
	    "phones");
	expect_one("<scenario>" SITE PHONES "<server name=\"s\" "
		   "address=\"10.1.0.5\" http=\"80\"/><timeline><expect "
		   "t=\"1m\">\n<server name=\"s\" path=\"cfg/*\" "
		   "min=\"1\"/></expect></timeline></scenario>",
	    "t.xml:2: <server path=\"cfg/*\">: path must start with '/' (or be "
	    "a glob starting with '*')");
	/* <request>: what a server received. */
	sc = load_mem("<scenario>" SITE PHONES SRV_OPEN "</server><timeline>"
		      "<expect t=\"1m\"><request server=\"s\" path=\"/a/*\" "
		      "method=\"POST\" header=\"Authorization\" "
		      "scheme=\"Digest\" body-contains=\"{{mac}}\"/>"
		      "</expect><expect t=\"1m\" phones=\"desk\"><request "
		      "server=\"s\" header=\"User-Agent\"/></expect>"
		      "</timeline></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_string_equal(errors, "");
	ck = sc->expect[0].check;
	assert_false(sc->expect[0].has_sel); /* per path: no phones= */
	assert_int_equal(ck->type, SCN_CHK_REQUEST);
	assert_string_equal(ck->name, "s");
	assert_string_equal(ck->path, "/a/*");
	assert_string_equal(ck->method, "POST");
	assert_string_equal(ck->header, "Authorization");
	assert_int_equal(ck->match, SCN_MATCH_SCHEME);
	assert_string_equal(ck->value, "Digest");
	assert_string_equal(ck->body, "{{mac}}");
	assert_int_equal(ck->body_match, SCN_MATCH_CONTAINS);
	ck = sc->expect[1].check;
	assert_int_equal(ck->match, SCN_MATCH_ANY);
	assert_null(ck->value);
	scenario_free(sc);
	free(errors);
	expect_one("<scenario>" SITE PHONES "<timeline><expect t=\"1m\">\n"
		   "<request server=\"nope\"/></expect></timeline></scenario>",
	    "t.xml:2: <request server=\"nope\">: no server \"nope\"");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "</server><timeline>"
		   "<expect t=\"1m\">\n<request server=\"s\" is=\"x\"/>"
		   "</expect></timeline></scenario>",
	    "t.xml:2: <request>: is=, contains= and scheme= go with header=");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "</server><timeline>"
		   "<expect t=\"1m\">\n<request server=\"s\" header=\"A\" "
		   "is=\"x\" contains=\"y\"/></expect></timeline></scenario>",
	    "t.xml:2: <request header=\"A\">: give one of is=, contains= and "
	    "scheme=");
	expect_one("<scenario>" SITE PHONES SRV_OPEN "</server><timeline>"
		   "<expect t=\"1m\">\n<request server=\"s\" method=\"get\" "
		   "body=\"a\" body-contains=\"b\"/></expect></timeline>"
		   "</scenario>",
	    "t.xml:2: <request method=\"get\">: method must be an upper-case "
	    "word (GET, POST, CONNECT for a proxy, RRQ for TFTP)\n"
	    "t.xml:2: <request body=\"a\">: give body= or body-contains=, not "
	    "both");
	expect_one("<scenario>" SITE "\n<phones name=\"p\" "
		   "mac=\"00562B000001\" power-on=\"never\" spread=\"1m\"/>"
		   "</scenario>",
	    "t.xml:2: <phones spread=\"1m\">: spread= goes with a power-on "
	    "time, not never");
}

static void
test_parse_time(void **state)
{
	static const struct {
		const char *s;
		emu_time t;
	} good[] = {
		{ "0", 0 },
		{ "90", EMU_SEC(90) },
		{ "90s", EMU_SEC(90) },
		{ "3h", EMU_SEC(3 * 3600) },
		{ "250ms", EMU_MS(250) },
		{ "500us", 500 },
		{ "1h30m", EMU_SEC(5400) },
		{ "1d", EMU_SEC(86400) },
		{ "1d2h3m4s5ms6us", 93784005006ULL },
		{ "1.5s", EMU_MS(1500) },
		{ "0.25", EMU_MS(250) },
		{ "2.5ms", 2500 },
		{ "1m1m", EMU_SEC(120) },
		{ "36525d", SCN_TIME_MAX }, /* 100 years, the most */
	};
	static const char *const bad[] = {
		"",
		"s",
		"1x",
		"1 s",
		" 1s",
		"1s ",
		"-1s",
		"1.s",
		".5s",
		"1.5us",
		"0.0000001s",
		"1s2",
		"1h 30m",
		"1ss",
		"99999999999999999999",
		"213503983d",
		"1e3",
		"36525d1us",	      /* over 100 years */
		"18446744073709551615us", /* 2^64 - 1 */
		"18446744073709551s",
	};
	emu_time t;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		t = 12345;
		if (scenario_parse_time(good[i].s, &t) != 0)
			fail_msg("\"%s\" did not parse", good[i].s);
		assert_int_equal(t, good[i].t);
	}
	for (i = 0; i < nitems(bad); i++) {
		if (scenario_parse_time(bad[i], &t) == 0)
			fail_msg("\"%s\" parsed", bad[i]);
	}
}

/* The run's calendar: start= and timezone= into epoch and offset. */
static void
test_parse_start(void **state)
{
	static const struct {
		const char *s;
		int32_t tz;
		int64_t epoch;
	} good[] = {
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "1970-01-01T00:00:00", 0, 0 },
		{ "2026-01-01T00:00:00Z", 3600, 1767225600 },
		{ "2026-03-01T08:00:00", 3600, 1772348400 },
		{ "2026-03-01T08:00:00+01:00", -7200, 1772348400 },
		{ "2026-03-01T07:00:00Z", 3600, 1772348400 },
		{ "2026-03-01T02:30:00-04:30", 0, 1772348400 },
		{ "2024-02-29T12:00:00Z", 0, 1709208000 },
		{ "2000-02-29T00:00:00Z", 0, 951782400 },
		{ "9999-12-31T23:59:59Z", 0, 253402300799LL },
	};
	static const char *const bad[] = {
		"",
		"2026-03-01",
		"2026-03-01 08:00:00",
		"2026-3-01T08:00:00",
		"2026-13-01T08:00:00",
		"2026-00-01T08:00:00",
		"2026-04-31T08:00:00",
		"2026-02-29T08:00:00",
		"1900-02-29T08:00:00",
		"1969-12-31T23:59:59Z",
		"2026-03-01T24:00:00",
		"2026-03-01T08:60:00",
		"2026-03-01T08:00:60",
		"2026-03-01T08:00:00+1",
		"2026-03-01T08:00:00+15:00",
		"2026-03-01T08:00:00Zx",
		"2026-03-01T08:00:00.5",
		"+2026-03-01T08:00:00",
	};
	static const struct {
		const char *s;
		int32_t tz;
	} tzs[] = {
		{ "Z", 0 },
		{ "UTC", 0 },
		{ "+00:00", 0 },
		{ "+01:00", 3600 },
		{ "-05:30", -19800 },
		{ "+14:00", 50400 },
		{ "-14:00", -50400 },
	};
	static const char *const badtz[] = { "", "+1", "01:00", "+14:01",
		"-15:00", "+01:60", "utc", "CET", "+01:00 " };
	struct scenario *sc;
	char *errors;
	int64_t e;
	int32_t tz;
	size_t i;

	for (i = 0; i < nitems(good); i++) {
		e = 42;
		if (scenario_parse_start(good[i].s, good[i].tz, &e) != 0)
			fail_msg("\"%s\" did not parse", good[i].s);
		if (e != good[i].epoch)
			fail_msg("\"%s\": %lld, not %lld", good[i].s,
			    (long long)e, (long long)good[i].epoch);
	}
	for (i = 0; i < nitems(bad); i++) {
		if (scenario_parse_start(bad[i], 0, &e) == 0)
			fail_msg("\"%s\" parsed", bad[i]);
	}
	for (i = 0; i < nitems(tzs); i++) {
		tz = 42;
		assert_int_equal(scenario_parse_tz(tzs[i].s, &tz), 0);
		assert_int_equal(tz, tzs[i].tz);
	}
	for (i = 0; i < nitems(badtz); i++) {
		if (scenario_parse_tz(badtz[i], &tz) == 0)
			fail_msg("\"%s\" parsed", badtz[i]);
	}

	/* The default: a fixed day, so that reports never change. */
	sc = load_mem("<scenario>" SITE PHONES "</scenario>", &errors);
	assert_non_null(sc);
	assert_int_equal(sc->epoch, 1767225600); /* 2026-01-01T00:00:00Z */
	assert_int_equal(sc->tz_offset_s, 0);
	scenario_free(sc);
	free(errors);
	sc = load_mem("<scenario start=\"2026-03-01T08:00:00\" "
		      "timezone=\"+01:00\">" SITE PHONES "</scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->epoch, 1772348400); /* 07:00 UTC */
	assert_int_equal(sc->tz_offset_s, 3600);
	scenario_free(sc);
	free(errors);
	expect_one("<scenario start=\"2026-02-30T08:00:00\">\n" SITE PHONES
		   "</scenario>",
	    "t.xml:1: <scenario start=\"2026-02-30T08:00:00\">: start must be "
	    "a date and time from 1970 to 9999, YYYY-MM-DDThh:mm:ss, then Z, "
	    "an offset or nothing (e.g. 2026-03-01T08:00:00)");
	expect_one("<scenario timezone=\"CET\">\n" SITE PHONES "</scenario>",
	    "t.xml:1: <scenario timezone=\"CET\">: timezone must be Z or an "
	    "offset from UTC, -14:00..+14:00 (e.g. +01:00)");
}

static void
test_parse_sel(void **state)
{
	static const struct {
		const char *s;
		size_t group;
		uint32_t from, to;
	} good[] = {
		{ "desk", 0, 0, 9 },
		{ "desk[0]", 0, 0, 0 },
		{ "desk[9]", 0, 9, 9 },
		{ "desk[2..5]", 0, 2, 5 },
		{ "desk[3..3]", 0, 3, 3 },
		{ "lab", 1, 0, 1 },
		{ "00562B000001", 0, 0, 0 },
		{ "00:56:2b:00:00:0a", 0, 9, 9 },
		{ "0056.2B00.00F1", 1, 1, 1 },
		{ "00-56-2B-00-00-F0", 1, 0, 0 },
	};
	static const char *const bad[] = {
		"",
		"dsk",
		"desk[10]",
		"desk[5..2]",
		"desk[1",
		"desk[]",
		"desk[a]",
		"desk[1..]",
		"desk[1]x",
		"desk[-1]",
		"00562B00000B",
		"00562B0000",
		"desk[1...2]",
		"DESK",
	};
	struct scenario *sc;
	struct scn_sel sel;
	char *errors;
	size_t i;

	sc = load_mem("<scenario>" SITE PHONES "<phones name=\"lab\" "
		      "macs=\"00562B0000F0,00562B0000F1\"/></scenario>",
	    &errors);
	assert_non_null(sc);
	for (i = 0; i < nitems(good); i++) {
		if (scenario_parse_sel(sc, good[i].s, &sel) != 0)
			fail_msg("\"%s\" did not parse", good[i].s);
		assert_string_equal(sel.text, good[i].s);
		assert_int_equal(sel.group, good[i].group);
		assert_int_equal(sel.from, good[i].from);
		assert_int_equal(sel.to, good[i].to);
		free(sel.text);
	}
	for (i = 0; i < nitems(bad); i++) {
		if (scenario_parse_sel(sc, bad[i], &sel) == 0)
			fail_msg("\"%s\" parsed", bad[i]);
	}
	scenario_free(sc);
	free(errors);
}

/* A relative src= is read from the scenario's directory. */
static void
test_src(void **state)
{
	struct scenario *sc;
	char *errors, *dir, *want;

	sc = load_mem(
	    "<scenario>" SITE PHONES "<server name=\"p\" "
	    "address=\"10.1.0.5\" tftp=\"69\"><template path=\"/*.cfg\" "
	    "src=\"scenario-files/phone.xml.in\"/><fault kind=\"body\" "
	    "src=\"scenario-files/8851-3PCC.xml\"/></server></scenario>",
	    &errors);
	assert_non_null(sc);
	assert_int_equal(sc->server[0].http_port, 0);
	assert_int_equal(sc->server[0].tftp_port, 69);
	assert_non_null(
	    strstr((const char *)sc->server[0].file[0].data, "{{match}}"));
	assert_non_null(strstr((const char *)sc->server[0].fault[0].body,
	    "Resync_Periodic"));
	scenario_free(sc);
	free(errors);
	dir = data_dir();
	xasprintf(&want,
	    "t.xml:2: <file src=\"scenario-files\">: cannot "
	    "read %s/scenario-files: not a regular file",
	    dir);
	expect_one("<scenario>" SITE PHONES "<server name=\"p\" "
		   "address=\"10.1.0.5\" tftp=\"69\">\n<file path=\"/x\" "
		   "src=\"scenario-files\"/></server></scenario>",
	    want);
	free(want);
	free(dir);
}

/*
 * Spec 11 (B63, B65, B66): a <file> with gzip=, key=, md=, ikm=, rs= is
 * held encoded: the phone's decoders give the text back, the aes128gcm one
 * is marked for its Content-Encoding, and one seed gives one set of bytes.
 */
#define ENC_XML "<flat-profile><GPP_A>enc</GPP_A></flat-profile>"
#define ENC_CDATA "<![CDATA[" ENC_XML "]]>"
#define ENC_SCENARIO(seed)						\
	"<scenario seed=\"" seed "\">" SITE PHONES "<server name=\"p\" "	\
	"address=\"10.1.0.5\" http=\"80\">"					\
	"<file path=\"/k.cfg\" key=\"secret\">" ENC_CDATA "</file>"		\
	"<file path=\"/m.cfg\" key=\"secret\" md=\"md5\">" ENC_CDATA "</file>" \
	"<file path=\"/g.cfg\" gzip=\"yes\" key=\"secret\">" ENC_CDATA \
	"</file><file path=\"/r.cfg\" ikm=\"cGhvbmVmbGVldC1pa20tMQ\" "	\
	"rs=\"20\">" ENC_CDATA "</file><file path=\"/z.cfg\" gzip=\"yes\">"	\
	ENC_CDATA "</file></server></scenario>"
static void
test_file_encoding(void **state)
{
	struct scenario *sc, *again, *other;
	const struct scn_file *f;
	struct decode_in din;
	struct dbuf out;
	char *errors, *cause = NULL;
	size_t i;

	(void)state;
	sc = load_mem(ENC_SCENARIO("7"), &errors);
	if (sc == NULL)
		fail_msg("%s", errors);
	free(errors);
	f = sc->server[0].file;
	assert_int_equal(sc->server[0].nfile, 5);
	dbuf_init(&out);
	/* B63: openssl enc, SHA-256 and MD5 */
	assert_memory_equal(f[0].data, "Salted__", 8);
	assert_int_equal(decode_cbc_decrypt(f[0].data, f[0].len, "secret",
	    DECODE_MD_SHA256, &out, &cause), 0);
	assert_string_equal((char *)out.data, ENC_XML);
	assert_int_equal(decode_cbc_decrypt(f[1].data, f[1].len, "secret",
	    DECODE_MD_MD5, &out, &cause), 0);
	assert_string_equal((char *)out.data, ENC_XML);
	/* B65: gzip inside */
	assert_int_equal(decode_cbc_decrypt(f[2].data, f[2].len, "secret",
	    DECODE_MD_SHA256, &out, &cause), 0);
	assert_int_equal(out.data[0], 0x1f);
	assert_int_equal(out.data[1], 0x8b);
	memset(&din, 0, sizeof din);
	din.data = f[2].data;
	din.len = f[2].len;
	din.key = "secret";
	assert_int_equal(decode_body(&din, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, ENC_XML);
	/* B66: aes128gcm, records of 20 bytes, marked for the header */
	assert_int_equal(f[3].aes128gcm, 1);
	assert_int_equal(f[0].aes128gcm, 0);
	assert_int_equal(f[3].data[19], 20);
	din.data = f[3].data;
	din.len = f[3].len;
	din.key = NULL;
	din.content_encoding = "aes128gcm";
	din.ikm = "cGhvbmVmbGVldC1pa20tMQ";
	assert_int_equal(decode_body(&din, &out, &cause), EMU_OK);
	assert_string_equal((char *)out.data, ENC_XML);
	/* gzip alone */
	assert_int_equal(f[4].data[0], 0x1f);
	/* the same seed, the same bytes; another seed, another salt */
	again = load_mem(ENC_SCENARIO("7"), &errors);
	free(errors);
	other = load_mem(ENC_SCENARIO("8"), &errors);
	free(errors);
	assert_non_null(again);
	assert_non_null(other);
	for (i = 0; i < 5; i++) {
		assert_int_equal(again->server[0].file[i].len, f[i].len);
		assert_memory_equal(again->server[0].file[i].data, f[i].data,
		    f[i].len);
	}
	assert_memory_not_equal(other->server[0].file[0].data, f[0].data,
	    f[0].len);
	dbuf_clear(&out);
	scenario_free(other);
	scenario_free(again);
	scenario_free(sc);

	/* every bad combination, one line each */
#define ENC_BAD(attrs)							\
	"<scenario>" SITE PHONES "<server name=\"p\" address=\"10.1.0.5\" "	\
	"http=\"80\">\n<file path=\"/x\" " attrs ">x</file></server>"	\
	"</scenario>"
	expect_one(ENC_BAD("key=\"k\" ikm=\"QUJD\""),
	    "t.xml:2: <file ikm=\"QUJD\">: give key= or ikm=, not both");
	expect_one(ENC_BAD("md=\"md5\""),
	    "t.xml:2: <file md=\"md5\">: md goes with key=");
	expect_one(ENC_BAD("key=\"k\" md=\"sha1\""),
	    "t.xml:2: <file md=\"sha1\">: md must be sha256 or md5");
	expect_one(ENC_BAD("rs=\"100\""),
	    "t.xml:2: <file rs=\"100\">: rs goes with ikm=");
	expect_one(ENC_BAD("ikm=\"QUJD\" rs=\"17\""),
	    "t.xml:2: <file rs=\"17\">: rs must be 18..4294967295");
	expect_one(ENC_BAD("ikm=\"a*b\""),
	    "t.xml:2: <file ikm=\"a*b\">: ikm: not base64url or base64");
	expect_one(ENC_BAD("gzip=\"maybe\""),
	    "t.xml:2: <file gzip=\"maybe\">: gzip must be yes or no");
	expect_one(ENC_BAD("key=\"\""),
	    "t.xml:2: <file key=\"\">: key must not be empty");
}

/*
 * 16.2, 16.1 (B89-B93): <server syslog=> and the <syslog> and <history>
 * checks as loaded, and one clear line for each bad use.
 */
#define SLOG_HEAD "<scenario name=\"s\" duration=\"1h\">" SITE \
	"<server name=\"prov\" address=\"10.9.0.5\" http=\"80\" " \
	"syslog=\"514\"/><server name=\"web\" address=\"10.9.0.6\" " \
	"http=\"80\"/>" PHONES "<timeline>"
#define SLOG_TAIL "</timeline></scenario>"

static void
test_syslog_history_checks(void **state)
{
	struct scenario *sc;
	const struct scn_check *c;
	char *errors;

	(void)state;
	sc = load_mem(SLOG_HEAD
	    "<expect t=\"1m\" phones=\"desk\">"
	    "<syslog server=\"prov\" match=\"*resync*\" is=\"2\"/>"
	    "<syslog server=\"prov\" regex=\"^&lt;13[13]&gt;\"/>"
	    "<history kind=\"prov\" index=\"1\" result=\"failed\" "
	    "err=\"FILE NOT FOUND\" url=\"http://x/y\"/>"
	    "<history kind=\"reboot\" index=\"2\" reason=\"provisioning\"/>"
	    "<history kind=\"upgrade\" count=\"0\"/>"
	    "</expect>"
	    "<expect t=\"1m\"><syslog server=\"prov\" min=\"3\"/></expect>"
	    SLOG_TAIL, &errors);
	if (sc == NULL)
		fail_msg("%s", errors);
	free(errors);
	assert_int_equal(sc->server[0].syslog_port, 514);
	assert_int_equal(sc->server[1].syslog_port, 0);
	assert_int_equal(sc->expect[0].ncheck, 5);
	c = &sc->expect[0].check[0];
	assert_int_equal(c->type, SCN_CHK_SYSLOG);
	assert_string_equal(c->pattern, "*resync*");
	assert_false(c->regex);
	assert_int_equal(c->min, 2);
	assert_int_equal(c->max, 2);
	c = &sc->expect[0].check[1];
	assert_true(c->regex);
	assert_int_equal(c->min, 1);		/* no count: at least one */
	assert_true(c->max == UINT64_MAX);
	c = &sc->expect[0].check[2];
	assert_int_equal(c->type, SCN_CHK_HISTORY);
	assert_int_equal(c->hkind, PHONE_HIST_PROV);
	assert_int_equal(c->hindex, 1);
	assert_int_equal(c->hresult, 0);
	assert_string_equal(c->value, "file not found");
	assert_string_equal(c->hurl, "http://x/y");
	c = &sc->expect[0].check[3];
	assert_int_equal(c->hreason, PHONE_RB_PROVISIONING);
	c = &sc->expect[0].check[4];
	assert_int_equal(c->hindex, 0);
	assert_int_equal(c->max, 0);
	assert_false(sc->expect[1].has_sel);
	scenario_free(sc);

	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<syslog server=\"nope\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <syslog server=\"nope\">: no server \"nope\"");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<syslog server=\"prov\" match=\"a\" regex=\"b\"/></expect>"
	    SLOG_TAIL, "t.xml:1: <syslog match=\"a\">: give match= or "
	    "regex=, not both");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<syslog server=\"prov\" regex=\"(\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <syslog regex=\"(\">: bad regular expression: "
	    "Unmatched ( or \\(");	/* glibc's regerror() */
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"calls\" count=\"1\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <history kind=\"calls\">: kind must be prov, upgrade "
	    "or reboot");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"prov\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <history kind=\"prov\">: needs index= or "
	    "count=/min=/max=");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"prov\" index=\"1\" count=\"2\"/></expect>"
	    SLOG_TAIL, "t.xml:1: <history index=\"1\">: give index= or "
	    "count=/min=/max=, not both");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"prov\" index=\"6\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <history index=\"6\">: index must be 1..5");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"prov\" index=\"1\" reason=\"RC\"/></expect>"
	    SLOG_TAIL, "t.xml:1: <history reason=\"RC\">: reason= is for "
	    "kind=\"reboot\"");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"reboot\" index=\"1\" reason=\"Rebooted\"/>"
	    "</expect>" SLOG_TAIL, "t.xml:1: <history reason=\"Rebooted\">: "
	    "unknown reboot reason (Power Cycled, User Triggered, "
	    "Provisioning, RC, Upgrade, SIP Triggered, IP Changed, Factory "
	    "Reset)");
	expect_line(SLOG_HEAD "<expect t=\"1m\" phones=\"desk\">"
	    "<history kind=\"prov\" count=\"1\" err=\"timeout\"/></expect>"
	    SLOG_TAIL, "t.xml:1: <history kind=\"prov\">: result=, err=, "
	    "reason= and url= need index=");
	expect_line(SLOG_HEAD "<expect t=\"1m\"><history kind=\"prov\" "
	    "count=\"1\"/></expect>" SLOG_TAIL,
	    "t.xml:1: <expect t=\"1m\">: phones= is required: it checks "
	    "phones");
	expect_line("<scenario name=\"s\" duration=\"1h\">" SITE
	    "<server name=\"prov\" address=\"10.9.0.5\" tftp=\"69\" "
	    "syslog=\"69\"/>" PHONES "</scenario>",
	    "t.xml:1: <server syslog=\"69\">: tftp and syslog use the same "
	    "port");
}

/* <call> and <notify> (3.6, 16.3; B87, B110) and the <notify> check. */
static void
test_call_notify(void **state)
{
	struct scenario *sc;
	char *errors;

	sc = load_mem("<scenario>" SITE PHONES
	    "<server name=\"prov\" address=\"10.1.0.5\" http=\"80\"/>"
	    "<timeline><at t=\"1m\"><call phones=\"desk[0..1]\" "
	    "duration=\"5m\"/><notify phones=\"desk\" event=\"reboot_now\" "
	    "from=\"prov\" user=\"u\" password=\"p\"/></at>"
	    "<expect t=\"2m\" phones=\"desk\"><notify status=\"200\"/>"
	    "<notify status=\"none\"/></expect></timeline></scenario>",
	    &errors);
	if (sc == NULL)
		fail_msg("%s", errors);
	free(errors);
	assert_int_equal(sc->action[0].type, SCN_ACT_CALL);
	assert_true(sc->action[0].duration == EMU_SEC(300));
	assert_int_equal(sc->action[0].sel.to, 1);
	assert_int_equal(sc->action[1].type, SCN_ACT_NOTIFY);
	assert_string_equal(sc->action[1].value, "reboot_now");
	assert_string_equal(sc->action[1].user, "u");
	assert_string_equal(sc->action[1].pass, "p");
	assert_int_equal(sc->action[1].host_kind, SCN_HOST_SERVER);
	assert_int_equal(sc->expect[0].check[0].type, SCN_CHK_NOTIFY);
	assert_true(sc->expect[0].check[0].min == 200);
	assert_true(sc->expect[0].check[1].min == 0);
	scenario_free(sc);

	expect_one("<scenario>" SITE PHONES "<timeline>\n<at t=\"1m\">"
	    "<call phones=\"desk\" duration=\"0\"/></at></timeline></scenario>",
	    "t.xml:2: <call duration=\"0\">: duration must be above 0");
	expect_one("<scenario>" SITE PHONES "<server name=\"prov\" "
	    "address=\"10.1.0.5\" http=\"80\"/><timeline>\n<at t=\"1m\">"
	    "<notify phones=\"desk\" event=\"check-sync\" from=\"prov\"/>"
	    "</at></timeline></scenario>",
	    "t.xml:2: <notify event=\"check-sync\">: event must be resync, "
	    "reboot_now, restart_now or report");
	expect_one("<scenario>" SITE PHONES "<timeline>\n<at t=\"1m\">"
	    "<notify phones=\"desk\" event=\"resync\" from=\"sw\"/>"
	    "</at></timeline></scenario>",
	    "t.xml:2: <notify from=\"sw\">: no server, DNS server or proxy "
	    "\"sw\"");
	expect_one("<scenario>" SITE PHONES "<timeline>\n<expect t=\"1m\" "
	    "phones=\"desk\"><notify status=\"99\"/></expect></timeline>"
	    "</scenario>",
	    "t.xml:2: <notify status=\"99\">: status must be 100..699");
}

/* Link speeds: bandwidth= on a site, uplink= on a server (bit/s). */
static void
test_bandwidth(void **state)
{
	static const struct {
		const char	*in;
		uint64_t	 bps;
	} good[] = {
		{ "100Mbit", 100000000ULL },
		{ "10Gbit", 10000000000ULL },
		{ "1.5Gbps", 1500000000ULL },
		{ "64kbit", 64000ULL },
		{ "2.048Mbps", 2048000ULL },
		{ "1000bit", 1000ULL },
		{ "1000Gbit", 1000000000000ULL },
	};
	static const char *bad[] = {
		"", "fast", "100", "100M", "100Mb", "100mbit", "100 Mbit",
		"1.5bit", "999bit", "1001Gbit", "1..5Mbit", ".Mbit", "1.Mbit",
		"1.0001Mbit", "-1Mbit", "100Mbit/s", "100MiB", "99999999999999Gbit"
	};
	struct scenario *sc;
	char *errors;
	uint64_t bps;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		bps = 0;
		assert_int_equal(scenario_bandwidth_parse(good[i].in, &bps), 0);
		assert_int_equal(bps, good[i].bps);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (scenario_bandwidth_parse(bad[i], &bps) == 0)
			fail_msg("\"%s\" accepted", bad[i]);
	}
	sc = load_mem("<scenario><site name=\"a\" subnet=\"10.1.0.0/16\" "
		      "bandwidth=\"100Mbit\"><dhcp/></site><server name=\"s\" "
		      "address=\"10.1.0.5\" http=\"80\" uplink=\"10Gbit\"/>"
		      "<server name=\"t\" address=\"10.1.0.6\" http=\"80\"/>"
		      PHONES "</scenario>", &errors);
	assert_non_null(sc);
	assert_int_equal(sc->site[0].link.bandwidth_bps, 100000000ULL);
	assert_int_equal(sc->server[0].uplink_bps, 10000000000ULL);
	assert_int_equal(sc->server[1].uplink_bps, 0);	/* unlimited */
	scenario_free(sc);
	free(errors);
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "bandwidth=\"fast\"/>" PHONES "</scenario>",
	    "t.xml:2: <site bandwidth=\"fast\">: bandwidth must be bits per "
	    "second with k, M or G and bit or bps (\"100Mbit\", \"1.5Gbps\"), "
	    "1kbit..1000Gbit");
	expect_one("<scenario>" SITE PHONES "\n<server name=\"s\" "
		   "address=\"10.1.0.5\" http=\"80\" uplink=\"10GB\"/>"
		   "</scenario>",
	    "t.xml:2: <server uplink=\"10GB\">: uplink must be bits per "
	    "second with k, M or G and bit or bps (\"100Mbit\", \"1.5Gbps\"), "
	    "1kbit..1000Gbit");
}

/*
 * <site source=>: one address, a range or a CIDR block (its host
 * addresses), at most 4096, unicast; a malformed value is one line naming
 * the attribute.
 */
static void
test_source(void **state)
{
	static const struct {
		const char	*in;
		uint32_t	 first, last;
		size_t		 n;
	} good[] = {
		{ "127.0.0.2", 0x7f000002, 0x7f000002, 1 },
		{ "127.0.0.2-127.0.0.5", 0x7f000002, 0x7f000005, 4 },
		{ "127.0.0.7-127.0.0.7", 0x7f000007, 0x7f000007, 1 },
		{ "127.0.0.250-127.0.1.3", 0x7f0000fa, 0x7f000103, 10 },
		{ "127.0.1.0/28", 0x7f000101, 0x7f00010e, 14 },
		{ "127.0.1.8/31", 0x7f000108, 0x7f000109, 2 },
		{ "10.1.2.3/32", 0x0a010203, 0x0a010203, 1 },
		{ "127.0.16.0/20", 0x7f001001, 0x7f001ffe, 4094 },
		{ "127.0.0.1-127.0.16.0", 0x7f000001, 0x7f001000, 4096 },
	};
	static const struct {
		const char	*in;
		const char	*why;
	} bad[] = {
		{ "", "source must be an IPv4 address" },
		{ "foo", "source must be an IPv4 address" },
		{ "127.0.0", "source must be an IPv4 address" },
		{ "127.0.0.256", "source must be an IPv4 address" },
		{ "127.0.0.2-", "source must be an IPv4 address" },
		{ "-127.0.0.2", "source must be an IPv4 address" },
		{ "127.0.0.2-127.0.0.3-127.0.0.4", "source must be an IPv4" },
		{ "10.0.0.0/33", "source must be an IPv4 address" },
		{ "10.0.0.0/", "source must be an IPv4 address" },
		{ "10.0.0.0/x", "source must be an IPv4 address" },
		{ " 127.0.0.2", "source must be an IPv4 address" },
		{ "127.0.0.9-127.0.0.2", "source range ends before it starts" },
		{ "127.0.1.5/28", "source has host bits set" },
		{ "127.0.0.0/19", "source has more than 4096 addresses" },
		{ "127.0.0.0-127.0.16.0", "source has more than 4096" },
		{ "0.0.0.0/0", "source has more than 4096 addresses" },
		{ "0.0.0.0", "source must be unicast" },
		{ "224.0.0.1", "source must be unicast" },
		{ "255.255.255.255", "source must be unicast" },
		{ "0.0.0.0-0.0.0.3", "source must be unicast" },
	};
	struct scenario *sc;
	char *errors;
	const char *why;
	uint32_t *a;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (scenario_source_parse(good[i].in, &a, &n, &why) != 0)
			fail_msg("\"%s\" refused: %s", good[i].in, why);
		assert_int_equal(n, good[i].n);
		assert_int_equal(a[0], good[i].first);
		assert_int_equal(a[n - 1], good[i].last);
		assert_int_equal(a[n - 1] - a[0], n - 1);	/* in order */
		free(a);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (scenario_source_parse(bad[i].in, &a, &n, &why) == 0)
			fail_msg("\"%s\" accepted", bad[i].in);
		assert_null(a);
		if (strncmp(why, bad[i].why, strlen(bad[i].why)) != 0)
			fail_msg("\"%s\": %s", bad[i].in, why);
	}
	sc = load_mem("<scenario><site name=\"a\" subnet=\"10.1.0.0/16\" "
		      "source=\"127.0.0.2-127.0.0.5\"><dhcp/></site>"
		      "<site name=\"b\" subnet=\"10.2.0.0/16\"><dhcp/></site>"
		      "<phones name=\"desk\" count=\"2\" mac=\"00562B000001\" "
		      "site=\"a\"/></scenario>", &errors);
	assert_non_null(sc);
	assert_int_equal(sc->site[0].nsource, 4);
	assert_int_equal(sc->site[0].source[3], 0x7f000005);
	assert_int_equal(sc->site[1].nsource, 0);
	assert_null(sc->site[1].source);
	scenario_free(sc);
	free(errors);
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "source=\"127.0.0.9-127.0.0.2\"/>" PHONES "</scenario>",
	    "t.xml:2: <site source=\"127.0.0.9-127.0.0.2\">: source range "
	    "ends before it starts");
	expect_one("<scenario>\n<site name=\"a\" subnet=\"10.0.0.0/8\" "
		   "source=\"foo\"/>" PHONES "</scenario>",
	    "t.xml:2: <site source=\"foo\">: source must be an IPv4 address, "
	    "a range (127.0.0.2-127.0.0.9) or a CIDR block (127.0.1.0/28)");
}

/*
 * `phonefleet phone`'s world: the desk network or a scenario's, its phones
 * and timeline replaced by one phone in the first (or named) site.
 */
static void
test_phone_world(void **state)
{
	struct scenario_phone_opts	 po;
	struct scenario			*sc;
	char				*path, *buf = NULL;
	size_t				 len = 0;
	FILE				*f;

	(void)state;
	memset(&po, 0, sizeof po);
	sc = scenario_phone(NULL, &po, stderr);
	assert_non_null(sc);
	assert_int_equal(sc->ngroup, 1);
	assert_int_equal(sc->nphones, 1);
	assert_string_equal(sc->group[0].name, "phone");
	assert_string_equal(sc->group[0].model, "CP-8851-3PCC");
	assert_int_equal(sc->nexpect, 0);
	assert_true(sc->nsite >= 1);
	scenario_free(sc);

	/* A scenario's network: 100 phones and 8 expectations go. */
	path = xstrdup("scenarios/office-dhcp.xml");
	po.mac = "00562B0A0B0C";
	po.model = "CP-7841-3PCC";
	sc = scenario_phone(path, &po, stderr);
	assert_non_null(sc);
	assert_int_equal(sc->nphones, 1);
	assert_int_equal(sc->nexpect, 0);
	assert_int_equal(sc->naction, 0);
	assert_string_equal(sc->group[0].model, "CP-7841-3PCC");
	assert_int_equal(sc->group[0].mac[5], 0x0c);
	assert_string_equal(sc->group[0].site, "office");
	assert_int_equal(sc->nserver, 1);	/* src= files found */
	scenario_free(sc);

	/* A bad MAC is the loader's one-line error, naming the file. */
	po.mac = "00562B0A0B";
	f = open_memstream(&buf, &len);
	assert_null(scenario_phone(path, &po, f));
	fclose(f);
	assert_non_null(strstr(buf, "scenarios/office-dhcp.xml"));
	assert_non_null(strstr(buf, "mac"));
	free(buf);
	buf = NULL;
	/* A site the network does not have. */
	po.mac = NULL;
	po.site = "nowhere";
	f = open_memstream(&buf, &len);
	assert_null(scenario_phone(path, &po, f));
	fclose(f);
	assert_non_null(strstr(buf, "nowhere"));
	free(buf);
	free(path);
}

/* CSV identities: RFC 4180 fields, the header, one-line errors. */
static void
test_csv_parse(void **state)
{
	static const char good[] =
	    "\xef\xbb\xbfmac,Station_Name,GPP_A\r\n"
	    "# a comment\r\n"
	    "\r\n"
	    "00562B000001,\"Desk, \"\"A\"\"\",x\r\n"
	    "00562B000002,\"two\nlines\",\n";
	struct scn_csv	 csv;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(scenario_csv_parse(good, sizeof good - 1, &csv,
	    &cause), 0);
	assert_int_equal(csv.ncols, 3);
	assert_int_equal(csv.mac_col, 0);
	assert_int_equal(csv.nrows, 2);
	assert_string_equal(csv.row[0].field[1], "Desk, \"A\"");
	assert_string_equal(csv.row[0].field[2], "x");
	assert_int_equal(csv.row[0].line, 4);
	assert_string_equal(csv.row[1].field[1], "two\nlines");
	assert_string_equal(csv.row[1].field[2], "");
	assert_int_equal(csv.row[1].line, 5);
	scenario_csv_free(&csv);

#define CSV_BAD(text, msg) do {						\
	assert_int_equal(scenario_csv_parse(text, sizeof text - 1, &csv,	\
	    &cause), -1);							\
	assert_string_equal(cause, msg);				\
	free(cause);							\
	cause = NULL;							\
} while (0)
	CSV_BAD("", "no header row");
	CSV_BAD("serial,model\nA,B\n", "line 1: no \"mac\" column");
	CSV_BAD("mac,mac\n1,2\n", "line 1: column \"mac\" twice");
	CSV_BAD("mac,,x\n1,2,3\n", "line 1: column 2 has no name");
	CSV_BAD("mac\n", "no phones after the header row");
	CSV_BAD("mac,x\n1,2\n3\n", "line 3: 1 fields, the header has 2");
	CSV_BAD("mac\n\"open\n", "line 3: a quoted field does not end");
	CSV_BAD("mac\n\"a\"b\n", "line 2: text after a quoted field");
	CSV_BAD("mac\na\"b\n", "line 2: a quote inside an unquoted field");
#undef CSV_BAD
}

/* <phones csv=...>: rows become phones with their own values. */
static void
test_csv_group(void **state)
{
	static const char xml[] =
	    "<scenario name=\"t\">" SITE
	    "<phones name=\"inv\" csv=\"inv.csv\" model=\"CP-7841-3PCC\"/>"
	    "<phones name=\"r\" csv=\"lab.csv\" order=\"random\" count=\"3\"/>"
	    "</scenario>";
	struct scenario		*sc, *sc2;
	const struct scn_group	*g;
	char			*errors, *dir = data_dir(), *path;
	FILE			*f;
	size_t			 i;

	(void)state;
	xasprintf(&path, "%s/inv.csv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("mac,serial,model,firmware,user,password,Station_Name\n"
	    "00562B0A0001,SN1,CP-8851-3PCC,load-a,alice,pw,Alice\n"
	    "00562B0A0002,,,,,,\n", f);
	fclose(f);
	free(path);
	xasprintf(&path, "%s/lab.csv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("mac\n", f);
	for (i = 1; i <= 8; i++)
		fprintf(f, "00562B0B000%zu\n", i);
	fclose(f);
	free(path);
	sc = load_mem(xml, &errors);
	assert_non_null(sc);
	free(errors);
	g = &sc->group[0];
	assert_int_equal(g->count, 2);
	assert_int_equal(g->macs[1][5], 2);
	assert_string_equal(g->ident[0].serial, "SN1");
	assert_string_equal(g->ident[0].model, "CP-8851-3PCC");
	assert_string_equal(g->ident[0].firmware, "load-a");
	assert_int_equal(g->ident[0].nparam, 3);
	assert_string_equal(g->ident[0].param[0].name,
	    "Profile_Account_Username");
	assert_string_equal(g->ident[0].param[1].value, "pw");
	assert_string_equal(g->ident[0].param[2].value, "Alice");
	assert_null(g->ident[1].serial);	/* empty: the group's */
	assert_null(g->ident[1].model);
	assert_int_equal(g->ident[1].nparam, 0);
	/* 3 of 8 at random: the seed decides, the same every time. */
	g = &sc->group[1];
	assert_int_equal(g->count, 3);
	sc2 = load_mem(xml, &errors);
	free(errors);
	assert_memory_equal(g->macs, sc2->group[1].macs, 3 * 6);
	for (i = 0; i < 3 && g->macs[i][5] == i + 1; i++)
		;
	assert_true(i < 3);	/* not simply the first three rows */
	scenario_free(sc2);
	scenario_free(sc);

	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"a\" csv=\"inv.csv\" mac=\"00562B000001\"/>"
	    "</scenario>",
	    "t.xml:1: <phones csv=\"inv.csv\">: csv= gives the MACs: not with "
	    "mac= or macs=");
	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"a\" csv=\"inv.csv\" count=\"3\"/></scenario>",
	    "t.xml:1: <phones count=\"3\">: count must be 1..2");
	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"a\" mac=\"00562B000001\" order=\"random\"/>"
	    "</scenario>",
	    "t.xml:1: <phones order=\"random\">: order= goes with csv=");
	xasprintf(&path, "%s/bad.csv", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("mac,Station_Nme\n00562B0A0001,x\n", f);
	fclose(f);
	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"a\" csv=\"bad.csv\"/></scenario>",
	    "t.xml:1: <phones csv=\"bad.csv\">: bad.csv line 1: column "
	    "\"Station_Nme\" is not a parameter (nor mac, serial, model, "
	    "firmware, user, password)");
	assert_non_null(f = fopen(path, "w"));
	fputs("mac\n00562B0A0001\nnot-a-mac\n", f);
	fclose(f);
	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"a\" csv=\"bad.csv\"/></scenario>",
	    "t.xml:1: <phones csv=\"bad.csv\">: bad.csv line 3: \"not-a-mac\" "
	    "is not a unicast MAC (12 hex digits)");
	unlink(path);
	free(path);
	xasprintf(&path, "%s/inv.csv", dir);
	unlink(path);
	free(path);
	xasprintf(&path, "%s/lab.csv", dir);
	unlink(path);
	free(path);
	free(dir);
}

/* <arrival>: the phases' arithmetic and one-line errors. */
static void
test_arrival(void **state)
{
	struct scn_phase	 ph;

	(void)state;
	memset(&ph, 0, sizeof ph);
	ph.from = ph.to = 10;
	ph.over = EMU_SEC(5);
	assert_int_equal(scenario_phase_at(&ph, 0), 0);
	assert_int_equal(scenario_phase_at(&ph, 1), EMU_MS(100));
	assert_int_equal(scenario_phase_at(&ph, 49), EMU_MS(4900));
	assert_true(scenario_phase_at(&ph, 50) == EMU_TIME_NEVER);
	assert_int_equal(scenario_phase_length(&ph), EMU_SEC(5));
	/* A ramp 10/s -> 50/s over 2 s: N(t) = 10 t + 10 t^2, 60 phones. */
	ph.to = 50;
	ph.over = EMU_SEC(2);
	assert_int_equal(scenario_phase_at(&ph, 20), EMU_SEC(1));
	assert_true(scenario_phase_at(&ph, 59) < EMU_SEC(2));
	assert_true(scenario_phase_at(&ph, 60) == EMU_TIME_NEVER);
	/* count: 40 at 100/s is 0.4 s. */
	memset(&ph, 0, sizeof ph);
	ph.from = ph.to = 100;
	ph.count = 40;
	assert_int_equal(scenario_phase_at(&ph, 39), EMU_MS(390));
	assert_true(scenario_phase_at(&ph, 40) == EMU_TIME_NEVER);
	assert_int_equal(scenario_phase_length(&ph), EMU_MS(400));

	expect_one("<scenario name=\"t\">" SITE PHONES
	    "<arrival><phase rate=\"10\"/></arrival></scenario>",
	    "t.xml:1: <phase>: a phase needs over= (a time) or count= "
	    "(phones)");
	expect_one("<scenario name=\"t\">" SITE PHONES
	    "<arrival><phase from=\"1\" to=\"5\" count=\"9\"/></arrival>"
	    "</scenario>",
	    "t.xml:1: <phase>: a ramp needs over= (the time it takes)");
	expect_line("<scenario name=\"t\">" SITE PHONES
	    "<arrival><phase rate=\"fast\" over=\"1s\"/></arrival></scenario>",
	    "t.xml:1: <phase rate=\"fast\">: rate must be phones per second, "
	    "a decimal from 0 to 1000000 (e.g. 50, 0.5)");
	expect_one("<scenario name=\"t\">" SITE PHONES
	    "<arrival phones=\"desk\"/></scenario>",
	    "t.xml:1: <arrival phones=\"desk\">: at least one <phase> is "
	    "required");
	expect_one("<scenario name=\"t\">" SITE
	    "<phones name=\"desk\" count=\"2\" mac=\"00562B000001\" "
	    "power-on=\"5s\"/>"
	    "<arrival phones=\"desk\"><phase rate=\"1\" count=\"2\"/>"
	    "</arrival></scenario>",
	    "t.xml:1: <arrival phones=\"desk\">: group \"desk\" has "
	    "power-on=: its phones do not arrive by <arrival>");
	expect_line("<scenario name=\"t\">" SITE PHONES
	    "<arrival phones=\"desk\"><phase rate=\"1\" count=\"2\"/></arrival>"
	    "<arrival phones=\"desk\"><phase rate=\"1\" count=\"2\"/></arrival>"
	    "</scenario>",
	    "t.xml:1: <arrival phones=\"desk\">: group \"desk\" arrives by "
	    "another <arrival> (line 1)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_bad_tls_file),
		cmocka_unit_test(test_bad_proxy_file),
		cmocka_unit_test(test_proxy_good),
		cmocka_unit_test(test_tls_good),
		cmocka_unit_test(test_typo_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sorted),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_cross),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_parse_time),
		cmocka_unit_test(test_parse_start),
		cmocka_unit_test(test_parse_sel),
		cmocka_unit_test(test_src),
		cmocka_unit_test(test_file_encoding),
		cmocka_unit_test(test_syslog_history_checks),
		cmocka_unit_test(test_call_notify),
		cmocka_unit_test(test_bandwidth),
		cmocka_unit_test(test_source),
		cmocka_unit_test(test_phone_world),
		cmocka_unit_test(test_csv_parse),
		cmocka_unit_test(test_csv_group),
		cmocka_unit_test(test_arrival),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Firmware upgrades (spec 12, B94-B104) of one phone in the sim runtime:
 * the site's DHCP server points it (option 66) at a TFTP server holding
 * its profile; the profile's Upgrade_Rule names a load that the embedded
 * HTTP and TFTP servers generate with store_add_load (12.3).  The test
 * sees what a real deployment sees: the requests the servers get, the
 * Log_* lines, the notes, the histories and the phone's macros ($SWVER,
 * $UPGST, $UPGERR, $ERR) through its own rule environment.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu-int.h"
#include "netsim/netsim.h"
#include "tests/unit/unit.h"

#define IP(a, b, c, d)	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define SRV		IP(10, 0, 0, 5)		/* TFTP and HTTP */
#define SRV2		IP(10, 0, 0, 6)		/* HTTP only */

#define LOAD_OLD	"sip88xx.12-0-7MPP0301-92"	/* running */
#define LOAD_NEW	"sip88xx.12-0-8MPP-1"
#define LOAD_NEW2	"sip88xx.12-0-9MPP-2"
#define LOAD_MID	"sip88xx.11-0-0MPP-7"
#define LOAD_ANCIENT	"sip88xx.10-4-1MPP-5"
#define URL(load)	"http://10.0.0.5/fw/" load ".loads"
#define MB		(1024 * 1024)
#define MAX_REQ		512
#define MAX_LINES	4096
#define MAX_NOTES	64

struct req {
	char		 proto[8];
	char		 path[160];
	int		 status;
	emu_time	 now;
};
struct line {
	char		*text;		/* owned */
	emu_time	 now;
	int		 syslog;	/* a Log_*_Msg line, else a trace */
};
struct world {
	struct emu_ctx	*ctx;
	struct sim	*sim;
	struct ep_dhcp	*dhcp;
	struct store	*store;
	struct ep_http	*http, *http2;
	struct ep_tftp	*tftp;
	struct phone	*p;
	struct req	 req[MAX_REQ];
	size_t		 nreq;
	struct line	 line[MAX_LINES];
	size_t		 nline;
	struct {
		int		 cls;
		enum emu_err	 err;
		emu_time	 now;
	}		 upg[MAX_NOTES];	/* EMU_NOTE_UPGRADE */
	size_t		 nupg;
	emu_time	 boot[MAX_NOTES];	/* EMU_NOTE_BOOT */
	int		 boot_reason[MAX_NOTES];
	size_t		 nboot;
};

static void
world_note(void *arg, size_t phone, const struct emu_note *n, emu_time now)
{
	struct world	*w = arg;

	if (n->kind == EMU_NOTE_UPGRADE && w->nupg < MAX_NOTES) {
		w->upg[w->nupg].cls = n->arg;
		w->upg[w->nupg].err = n->err;
		w->upg[w->nupg].now = now;
		w->nupg++;
	}
	if (n->kind == EMU_NOTE_BOOT && w->nboot < MAX_NOTES) {
		w->boot[w->nboot] = now;
		w->boot_reason[w->nboot] = n->arg;
		w->nboot++;
	}
}

static void
world_observe(void *arg, const struct ep_request *r)
{
	struct world	*w = arg;
	struct req	*q;

	assert_true(w->nreq < MAX_REQ);
	q = &w->req[w->nreq++];
	snprintf(q->proto, sizeof q->proto, "%s", r->proto);
	snprintf(q->path, sizeof q->path, "%s", r->path);
	q->status = r->status;
	q->now = r->now;
}

static void
world_log(void *arg, const char *text)
{
	struct world	*w = arg;
	struct line	*l;

	if (w->nline == MAX_LINES)
		return;
	l = &w->line[w->nline++];
	l->text = strdup(text);
	l->now = sim_now(w->sim);
	l->syslog = strstr(text, " syslog: ") != NULL;
}

/* The profile the TFTP server gives the phone: extra inside. */
static void
world_profile(struct world *w, const char *extra)
{
	char	*body;

	if (asprintf(&body, "<flat-profile>\n%s\n</flat-profile>\n",
	    extra) < 0)
		fail();
	store_add_file(w->store, "/8851-3PCC.xml", (const uint8_t *)body,
	    strlen(body));
	free(body);
}

static void
world_load(struct world *w, const char *dir, const char *load,
    uint64_t size, int nimages)
{
	char	*cause = NULL;

	if (store_add_load(w->store, dir, load, size, nimages, &cause) != 0)
		fail_msg("store_add_load: %s", cause);
}

static struct world *
world_create(const char *model, const char *swver, const char *swver2)
{
	struct world		*w;
	struct ep_dhcp_conf	 c;
	struct sim_link		 link = { EMU_MS(2), EMU_MS(1), 0 };
	struct sim_site		*site;
	struct phone_conf	 pc;

	w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->ctx = emu_ctx_create(7);
	w->ctx->trace = TRACE_PROV;
	w->sim = sim_create(w->ctx, 7);
	sim_set_note(w->sim, world_note, w);
	sim_set_log(w->sim, world_log, w);
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 1, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.lease_s = 86400 * 30;
	c.opt[0].code = 66;		/* B101: a TFTP server from DHCP */
	c.opt[0].len = strlen("10.0.0.5");
	memcpy(c.opt[0].data, "10.0.0.5", c.opt[0].len);
	c.nopt = 1;
	w->dhcp = ep_dhcp_create(&c);
	site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->store = store_create();
	world_profile(w, "");
	w->http = ep_http_create(w->store);
	ep_http_observe(w->http, world_observe, w);
	w->http2 = ep_http_create(w->store);
	ep_http_observe(w->http2, world_observe, w);
	w->tftp = ep_tftp_create(w->store, SRV, 69);
	ep_tftp_observe(w->tftp, world_observe, w);
	sim_host_add_http(w->sim, SRV, 80, w->http);
	sim_host_add_tftp(w->sim, SRV, 69, w->tftp);
	sim_host_add_http(w->sim, SRV2, 80, w->http2);
	memset(&pc, 0, sizeof pc);
	pc.mac[0] = 0x00;
	pc.mac[1] = 0x56;
	pc.mac[2] = 0x2b;
	pc.mac[5] = 0x01;
	pc.model = model;
	pc.swver = swver;
	pc.swver_inactive = swver2;
	w->p = phone_create(w->ctx, &pc);
	sim_phone_add(w->sim, site, w->p);
	return (w);
}

static void
world_free(struct world *w)
{
	size_t	i;

	sim_free(w->sim);
	ep_http_free(w->http);
	ep_http_free(w->http2);
	ep_tftp_free(w->tftp);
	store_free(w->store);
	ep_dhcp_free(w->dhcp);
	emu_ctx_free(w->ctx);
	for (i = 0; i < w->nline; i++)
		free(w->line[i].text);
	free(w);
}

static void
world_run(struct world *w, unsigned secs)
{
	sim_run(w->sim, sim_now(w->sim) + EMU_SEC(secs));
}

static void
world_event(struct world *w, enum emu_ev_type type, unsigned flags)
{
	struct emu_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.flags = flags;
	sim_phone_event(w->sim, w->p, &ev);
}

/* Power on and let the boot resync (within 40 s, B82) happen. */
static void
world_boot(struct world *w)
{
	world_event(w, EMU_EV_POWER_ON, 0);
	world_run(w, 120);
}

/* A value as the phone's own macros give it (6.2). */
static char *
world_macro(struct world *w, const char *text)
{
	struct rule_env	env;

	phone_rule_env(w->p, &env, RULE_KIND_PROFILE);
	return (macro_expand(text, 0, env.lookup, env.arg));
}

static void
assert_macro(struct world *w, const char *text, const char *want)
{
	char	*v = world_macro(w, text);

	if (strcmp(v, want) != 0)
		fail_msg("%s is \"%s\", not \"%s\"", text, v, want);
	free(v);
}

/* Requests whose path holds s (proto NULL: any). */
static size_t
nreq(const struct world *w, const char *proto, const char *s)
{
	size_t	i, n = 0;

	for (i = 0; i < w->nreq; i++) {
		if ((proto == NULL || strcmp(w->req[i].proto, proto) == 0) &&
		    strstr(w->req[i].path, s) != NULL)
			n++;
	}
	return (n);
}

/* The k-th (0..) request whose path holds s, or NULL. */
static const struct req *
req_nth(const struct world *w, const char *s, size_t k)
{
	size_t	i;

	for (i = 0; i < w->nreq; i++) {
		if (strstr(w->req[i].path, s) != NULL && k-- == 0)
			return (&w->req[i]);
	}
	return (NULL);
}

/* Log lines (syslog 1: Log_* lines, 0: traces) holding s. */
static size_t
nline(const struct world *w, int syslog, const char *s)
{
	size_t	i, n = 0;

	for (i = 0; i < w->nline; i++) {
		if (w->line[i].syslog == syslog &&
		    strstr(w->line[i].text, s) != NULL)
			n++;
	}
	return (n);
}

static const struct line *
line_nth(const struct world *w, int syslog, const char *s, size_t k)
{
	size_t	i;

	for (i = 0; i < w->nline; i++) {
		if (w->line[i].syslog == syslog &&
		    strstr(w->line[i].text, s) != NULL && k-- == 0)
			return (&w->line[i]);
	}
	return (NULL);
}

static void
dump(const struct world *w)
{
	size_t	i;

	for (i = 0; i < w->nreq; i++)
		print_message("req %s %s %d at %llu\n", w->req[i].proto,
		    w->req[i].path, w->req[i].status,
		    (unsigned long long)w->req[i].now);
	for (i = 0; i < w->nline; i++)
		print_message("%s\n", w->line[i].text);
}

static size_t
nreboot(const struct world *w, enum phone_reboot r)
{
	const struct phone_hist	*e;
	size_t			 i, n, k = 0;

	n = phone_history(w->p, PHONE_HIST_REBOOT, &e);
	for (i = 0; i < n; i++)
		if (e[i].reason == r)
			k++;
	return (k);
}

/*
 * B94: a new load waits for the call to end, logs the request, is
 * downloaded (the .loads, then each image), installed and booted with
 * reboot reason Upgrade; after the boot the success line carries the new
 * load as $ERR, and $SWVER is the new load.
 */
static void
test_b94_new_load_after_call(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_OLD,
	    NULL);
	const struct phone_hist	*e;
	const struct line	*req, *ok;
	const struct req	*loads;
	char			*ua;

	world_load(w, "/fw/", LOAD_NEW, 3 * MB + 17, 2);
	world_profile(w, "<Resync_Periodic>3600</Resync_Periodic>");
	world_boot(w);
	assert_int_equal(phone_state(w->p), PROV_OPERATIONAL);
	assert_int_equal(nreq(w, "tftp", "/8851-3PCC.xml"), 1);

	/* A call starts; the rule arrives with the LCD's resync, which does
	 * not wait for idle (3.3). */
	world_event(w, EMU_EV_CALL, EMU_CALL_START);
	world_profile(w, "<Resync_Periodic>3600</Resync_Periodic>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_event(w, EMU_EV_RESYNC, EMU_RESYNC_LCD);
	world_run(w, 600);
	assert_int_equal(nreq(w, "tftp", "/8851-3PCC.xml"), 2);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);	/* 3.6: waits */
	assert_int_equal(nline(w, 1, "Requesting upgrade"), 0);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 0);
	assert_macro(w, "$SWVER", LOAD_OLD);

	/* The call ends: the upgrade runs. */
	world_event(w, EMU_EV_CALL, 0);
	world_run(w, 300);
	if (nreq(w, "http", "/fw/" LOAD_NEW ".loads") != 1)
		dump(w);
	assert_int_equal(nreq(w, "http", "/fw/" LOAD_NEW ".loads"), 1);
	assert_int_equal(nreq(w, "http", "/fw/" LOAD_NEW "-1.img"), 1);
	assert_int_equal(nreq(w, "http", "/fw/" LOAD_NEW "-2.img"), 1);
	loads = req_nth(w, ".loads", 0);
	assert_true(req_nth(w, "-1.img", 0)->now >= loads->now);
	assert_true(req_nth(w, "-2.img", 0)->now >= req_nth(w, "-1.img",
	    0)->now);

	/* Log_Upgrade_Request_Msg (default text), before the download. */
	assert_int_equal(nline(w, 1, "Requesting upgrade"), 1);
	req = line_nth(w, 1, "Requesting upgrade", 0);
	assert_non_null(strstr(req->text, " syslog: CP-8851-3PCC "
	    "00:56:2b:00:00:01 -- Requesting upgrade "
	    "http://10.0.0.5:80/fw/" LOAD_NEW ".loads"));
	assert_true(req->now <= loads->now);

	/* 3.7: one reboot, reason Upgrade, after the images. */
	assert_int_equal(w->nboot, 2);
	assert_int_equal(w->boot_reason[1], PHONE_RB_UPGRADE);
	assert_true(w->boot[1] >= req_nth(w, "-2.img", 0)->now);
	assert_true(phone_history(w->p, PHONE_HIST_REBOOT, &e) >= 2);
	assert_int_equal(e[0].reason, PHONE_RB_UPGRADE);
	assert_int_equal(e[1].reason, PHONE_RB_POWER);
	assert_int_equal(phone_status(w->p)->last_reboot, PHONE_RB_UPGRADE);

	/* 12.2 step 7: after the boot, success with $ERR = the new load. */
	assert_int_equal(nline(w, 1, "Successful upgrade"), 1);
	ok = line_nth(w, 1, "Successful upgrade", 0);
	assert_true(ok->now >= w->boot[1]);
	assert_non_null(strstr(ok->text, " syslog: CP-8851-3PCC "
	    "00:56:2b:00:00:01 -- Successful upgrade "
	    "http://10.0.0.5:80/fw/" LOAD_NEW ".loads -- " LOAD_NEW));
	assert_int_equal(nline(w, 1, "Upgrade failed"), 0);

	/* The new load runs: $SWVER, the User-Agent's version, the
	 * upgrade history. */
	assert_macro(w, "$SWVER", LOAD_NEW);
	ua = world_macro(w, "$VERSION");
	assert_string_equal(ua, "Cisco-CP-8851-3PCC/12.0.8");
	free(ua);
	assert_int_equal(phone_history(w->p, PHONE_HIST_UPGRADE, &e), 1);
	assert_true(e[0].ok);
	assert_int_equal(w->nupg, 1);
	assert_int_equal(w->upg[0].cls, EMU_CLASS_A);
	assert_int_equal(phone_state(w->p), PROV_OPERATIONAL);
	world_free(w);
}

/* B95: a rule naming the running load: nothing is requested at all. */
static void
test_b95_running_load(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	/* The server has no such file: its location does not matter. */
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Rule>" URL(LOAD_OLD) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 600);
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 5);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_int_equal(nline(w, 1, "upgrade"), 0);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 0);
	assert_int_equal(w->nboot, 1);
	assert_int_equal(w->nupg, 0);
	assert_macro(w, "$SWVER", LOAD_OLD);
	world_free(w);
}

/*
 * B96: the load is in the inactive partition: the phone switches and
 * reboots (reason Upgrade) without a download; the old load is then the
 * inactive one, so a rule naming it switches back, still without one.
 */
static void
test_b96_inactive_partition(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, LOAD_NEW);

	world_profile(w, "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 120);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_int_equal(w->nboot, 2);
	assert_int_equal(w->boot_reason[1], PHONE_RB_UPGRADE);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);
	assert_int_equal(nline(w, 1, "Requesting upgrade"), 0);
	assert_int_equal(nline(w, 1, "Successful upgrade"), 1);

	world_profile(w, "<Upgrade_Rule>" URL(LOAD_OLD) "</Upgrade_Rule>");
	world_event(w, EMU_EV_RESYNC, EMU_RESYNC_LCD);
	world_run(w, 120);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 2);
	assert_macro(w, "$SWVER", LOAD_OLD);
	world_free(w);
}

/*
 * B97: a failing URL (404) is retried on the Upgrade_Error_Retry_Delay
 * schedule only - not at each of the resyncs in between - with $UPGST 2
 * on the retries, and $UPGERR the failure's $ERR.
 */
static void
test_b97_404_retry_schedule(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_OLD,
	    NULL);
	const struct req	*r0, *r1, *r2, *r3;
	const struct line	*l;
	size_t			 i;

	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Resync_After_Upgrade_Attempt>No</Resync_After_Upgrade_Attempt>"
	    "<Upgrade_Error_Retry_Delay>300,900</Upgrade_Error_Retry_Delay>"
	    "<Log_Upgrade_Request_Msg>upgrade request UPGST=$UPGST "
	    "UPGERR=[$UPGERR]</Log_Upgrade_Request_Msg>"
	    "<Log_Request_Msg>resync UPGTMR=$UPGTMR</Log_Request_Msg>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 2400);
	/* Attempts at t0, t0 + 300, then every 900 s. */
	r0 = req_nth(w, ".loads", 0);
	r1 = req_nth(w, ".loads", 1);
	r2 = req_nth(w, ".loads", 2);
	r3 = req_nth(w, ".loads", 3);
	if (r1 == NULL)
		dump(w);
	assert_non_null(r0);
	assert_non_null(r1);
	assert_non_null(r2);
	assert_int_equal(r0->status, 404);
	assert_true(r1->now - r0->now >= EMU_SEC(300));
	assert_true(r1->now - r0->now <= EMU_SEC(301));
	assert_true(r2->now - r1->now >= EMU_SEC(900));
	assert_true(r2->now - r1->now <= EMU_SEC(901));
	if (r3 != NULL) {
		assert_true(r3->now - r2->now >= EMU_SEC(900));
		assert_true(r3->now - r2->now <= EMU_SEC(901));
	}
	/* ... while the profile was fetched every minute. */
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 30);
	assert_int_equal(nreq(w, NULL, ".loads"), r3 != NULL ? 4 : 3);
	assert_int_equal(nreq(w, NULL, ".img"), 0);

	/* $UPGST: 1 the first attempt, 2 the retries (6.2). */
	l = line_nth(w, 1, "upgrade request", 0);
	assert_non_null(l);
	assert_non_null(strstr(l->text, "UPGST=1 UPGERR=[]"));
	l = line_nth(w, 1, "upgrade request", 1);
	assert_non_null(strstr(l->text, "UPGST=2 UPGERR=[file not found]"));
	l = line_nth(w, 1, "upgrade request", 2);
	assert_non_null(strstr(l->text, "UPGST=2"));
	assert_int_equal(nline(w, 1, "upgrade request"), nreq(w, NULL,
	    ".loads"));
	assert_int_equal(nline(w, 1, "Upgrade failed: file not found"),
	    nreq(w, NULL, ".loads"));
	assert_macro(w, "$UPGST", "2");
	assert_macro(w, "$UPGERR", "file not found");
	/* $UPGTMR: seconds since the last attempt (6.2), at each resync. */
	for (i = 0; (l = line_nth(w, 1, "resync UPGTMR=", i)) != NULL; i++) {
		const struct req	*last = NULL, *r;
		size_t			 k;
		unsigned long		 v, want;

		for (k = 0; (r = req_nth(w, ".loads", k)) != NULL &&
		    r->now <= l->now; k++)
			last = r;
		if (last == NULL)
			continue;	/* the boot resync */
		v = strtoul(strstr(l->text, "UPGTMR=") + 7, NULL, 10);
		want = (l->now - last->now) / 1000000;
		if (v < want || v > want + 1)	/* the request is late */
			fail_msg("%s: want about %lu", l->text, want);
	}
	assert_true(i >= 30);
	assert_int_equal(w->nboot, 1);
	assert_macro(w, "$SWVER", LOAD_OLD);
	world_free(w);
}

/*
 * B97: a server that is down: connection failures retried on the
 * schedule; once it is back the next retry succeeds.
 */
static void
test_b97_server_down_then_up(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_OLD,
	    NULL);
	const struct line	*l0, *l1;

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Error_Retry_Delay>600</Upgrade_Error_Retry_Delay>"
	    "<Upgrade_Rule>http://10.0.0.6/fw/" LOAD_NEW ".loads"
	    "</Upgrade_Rule>");
	sim_host_set_down(w->sim, SRV2, 1);
	world_boot(w);
	world_run(w, 400);	/* retry at about 603 s */
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_int_equal(nline(w, 1, "Upgrade failed"), 1);
	assert_macro(w, "$UPGERR", "connection failed");
	assert_int_equal(w->nupg, 1);
	assert_int_equal(w->upg[0].cls, EMU_CLASS_C);
	sim_host_set_down(w->sim, SRV2, 0);
	world_run(w, 300);
	assert_int_equal(nreq(w, "http", "/fw/" LOAD_NEW ".loads"), 1);
	assert_int_equal(nreq(w, "http", "/fw/" LOAD_NEW ".img"), 1);
	l0 = line_nth(w, 1, "Requesting upgrade", 0);
	l1 = line_nth(w, 1, "Requesting upgrade", 1);
	assert_non_null(l1);
	assert_true(l1->now - l0->now >= EMU_SEC(600));
	assert_true(l1->now - l0->now <= EMU_SEC(601));
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);
	world_free(w);
}

/*
 * B97, 2.3: the failed attempt is in flash: after a reboot the resyncs
 * do not run it again; its retry comes Upgrade_Error_Retry_Delay after
 * the boot (retry timers are RAM), as a retry ($UPGST 2).
 */
static void
test_b97_failed_url_after_reboot(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_OLD,
	    NULL);
	const struct req	*r1;
	const struct line	*l;

	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Resync_After_Upgrade_Attempt>No</Resync_After_Upgrade_Attempt>"
	    "<Upgrade_Error_Retry_Delay>600</Upgrade_Error_Retry_Delay>"
	    "<Log_Upgrade_Request_Msg>upgrade request UPGST=$UPGST"
	    "</Log_Upgrade_Request_Msg>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	assert_int_equal(nreq(w, NULL, ".loads"), 1);
	world_event(w, EMU_EV_REBOOT, 0);
	world_run(w, 590);
	assert_int_equal(w->nboot, 2);
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 10);
	assert_int_equal(nreq(w, NULL, ".loads"), 1);
	world_run(w, 20);
	assert_int_equal(nreq(w, NULL, ".loads"), 2);
	r1 = req_nth(w, ".loads", 1);
	assert_true(r1->now - w->boot[1] >= EMU_SEC(600));
	assert_true(r1->now - w->boot[1] <= EMU_SEC(602));
	l = line_nth(w, 1, "upgrade request", 1);
	assert_non_null(l);
	assert_non_null(strstr(l->text, "UPGST=2"));
	world_free(w);
}

/*
 * B98: the URL that succeeded is not tried again: not at the resyncs
 * after the upgrade's boot, not after a further reboot (the attempt is
 * in flash, 2.3); a changed URL is.
 */
static void
test_b98_success_not_reattempted(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	world_load(w, "/fw/", LOAD_NEW2, MB, 1);
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 900);
	assert_int_equal(nreq(w, NULL, ".loads"), 1);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 10);
	world_event(w, EMU_EV_REBOOT, 0);
	world_run(w, 600);
	assert_int_equal(nreq(w, NULL, ".loads"), 1);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_int_equal(nline(w, 1, "Requesting upgrade"), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);

	/* Control: another load is attempted at the next resync. */
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Rule>" URL(LOAD_NEW2) "</Upgrade_Rule>");
	world_run(w, 200);
	assert_int_equal(nreq(w, NULL, "/fw/" LOAD_NEW2 ".loads"), 1);
	assert_macro(w, "$SWVER", LOAD_NEW2);
	world_free(w);
}

/*
 * 5.7: an upgrade rule's --uid and --pwd answer the server's 401, for the
 * .loads and each image.
 */
static void
test_upgrade_rule_credentials(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	struct ep_fault	 f;

	world_load(w, "/fw/", LOAD_NEW, MB, 2);
	memset(&f, 0, sizeof f);
	f.name = (char *)"auth";
	f.kind = EP_FAULT_AUTH;
	f.path = (char *)"/fw/*";
	f.user = (char *)"fw";
	f.pass = (char *)"s3cret";
	f.realm = (char *)"firmware";
	f.count = -1;
	f.active = 1;
	ep_http_fault_add(w->http, &f);
	world_profile(w, "<Upgrade_Rule>[--uid fw --pwd s3cret]"
	    URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 120);
	if (nreboot(w, PHONE_RB_UPGRADE) != 1)
		dump(w);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);
	world_free(w);
}

/* B99: a sip78xx load on an 8851 is refused: nothing downloaded,
 * $ERR "image not supported". */
static void
test_b99_wrong_family(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_OLD,
	    NULL);
	const struct phone_hist	*e;

	world_load(w, "/fw/", "sip78xx.12-0-8MPP-1", MB, 1);
	world_profile(w, "<Resync_After_Upgrade_Attempt>No"
	    "</Resync_After_Upgrade_Attempt>"
	    "<Upgrade_Rule>" URL("sip78xx.12-0-8MPP-1") "</Upgrade_Rule>");
	world_boot(w);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_macro(w, "$ERR", "image not supported");
	assert_macro(w, "$UPGERR", "image not supported");
	assert_int_equal(nline(w, 1, "Upgrade failed: image not supported"),
	    1);
	assert_int_equal(phone_history(w->p, PHONE_HIST_UPGRADE, &e), 1);
	assert_false(e[0].ok);
	assert_int_equal(e[0].err, EMU_E_IMAGE);
	assert_macro(w, "$SWVER", LOAD_OLD);
	assert_int_equal(w->nboot, 1);
	world_free(w);
}

/*
 * B100: a load below Downgrade_Rev_Limit is refused; one at or above it
 * (even older than the running one) is installed.
 */
static void
test_b100_downgrade_limit(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", "sip88xx.12-0-1MPP-1", MB, 1);
	world_load(w, "/fw/", "sip88xx.12-0-6MPP-1", MB, 1);
	world_profile(w, "<Downgrade_Rev_Limit>sip88xx.12-0-5MPP-1"
	    "</Downgrade_Rev_Limit>"
	    "<Upgrade_Rule>" URL("sip88xx.12-0-1MPP-1") "</Upgrade_Rule>");
	world_boot(w);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_macro(w, "$UPGERR", "downgrade not allowed");
	assert_int_equal(nline(w, 1, "Upgrade failed: downgrade not allowed"),
	    1);
	assert_macro(w, "$SWVER", LOAD_OLD);
	assert_int_equal(w->nupg, 1);

	world_profile(w, "<Downgrade_Rev_Limit>sip88xx.12-0-5MPP-1"
	    "</Downgrade_Rev_Limit>"
	    "<Upgrade_Rule>" URL("sip88xx.12-0-6MPP-1") "</Upgrade_Rule>");
	world_event(w, EMU_EV_RESYNC, EMU_RESYNC_LCD);
	world_run(w, 120);
	assert_int_equal(nreq(w, NULL, "/fw/sip88xx.12-0-6MPP-1.img"), 1);
	assert_macro(w, "$SWVER", "sip88xx.12-0-6MPP-1");
	world_free(w);
}

/*
 * B101: a host-less upgrade URL fails although DHCP option 66 names a
 * server (the profile's host-less rule uses it); nothing is requested,
 * not over TFTP either, and the failure is logged once.
 */
static void
test_b101_hostless_url_with_option66(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Error_Retry_Delay>120</Upgrade_Error_Retry_Delay>"
	    "<Upgrade_Rule>/fw/" LOAD_NEW ".loads</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 600);
	/* The profile came from option 66 (the default /$PSN.xml). */
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 5);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_macro(w, "$UPGERR", "no server");
	assert_int_equal(nline(w, 1, "Upgrade failed: no server"), 1);
	assert_int_equal(nline(w, 1, "Requesting upgrade"), 0);
	assert_macro(w, "$SWVER", LOAD_OLD);
	assert_int_equal(w->nboot, 1);
	world_free(w);
}

/* B102: Upgrade_Enable=No blocks the rule; Yes lets it run. */
static void
test_b102_upgrade_disabled(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Enable>No</Upgrade_Enable>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 600);
	assert_true(nreq(w, "tftp", "/8851-3PCC.xml") >= 5);
	assert_int_equal(nreq(w, NULL, "/fw/"), 0);
	assert_int_equal(nline(w, 1, "upgrade"), 0);
	assert_int_equal(w->nupg, 0);
	assert_macro(w, "$SWVER", LOAD_OLD);

	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Enable>Yes</Upgrade_Enable>"
	    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_run(w, 120);
	assert_int_equal(nreq(w, NULL, "/fw/" LOAD_NEW ".loads"), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);
	world_free(w);
}

/*
 * B103: with Resync_After_Upgrade_Attempt=Yes a failed attempt is
 * followed by a resync at once; with No it is not.
 */
static void
test_b103_resync_after_attempt(void **state)
{
	struct world		*w;
	const struct req	*loads, *next;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
		world_profile(w, i == 0 ?
		    "<Resync_After_Upgrade_Attempt>Yes"
		    "</Resync_After_Upgrade_Attempt>"
		    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>" :
		    "<Resync_After_Upgrade_Attempt>No"
		    "</Resync_After_Upgrade_Attempt>"
		    "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
		world_boot(w);
		world_run(w, 600);	/* Resync_Periodic is 3600 */
		loads = req_nth(w, ".loads", 0);
		assert_non_null(loads);
		assert_int_equal(loads->status, 404);
		assert_int_equal(nreq(w, NULL, ".loads"), 1);
		next = req_nth(w, "/8851-3PCC.xml", 1);
		if (i == 0) {
			assert_non_null(next);
			assert_true(next->now >= loads->now);
			assert_true(next->now - loads->now <= EMU_SEC(5));
			assert_int_equal(nreq(w, NULL, "/8851-3PCC.xml"), 2);
		} else
			assert_null(next);
		world_free(w);
	}
}

/*
 * B104: ($SWVER ge intermediate)? final | intermediate takes a phone
 * older than the intermediate load there in two upgrade reboots.
 */
static void
test_b104_two_stage(void **state)
{
	struct world		*w = world_create("CP-8851-3PCC", LOAD_ANCIENT,
	    NULL);
	const struct phone_hist	*e;
	size_t			 n;

	world_load(w, "/fw/", LOAD_MID, 2 * MB, 1);
	world_load(w, "/fw/", LOAD_NEW, 2 * MB, 2);
	world_profile(w, "<Resync_Periodic>60</Resync_Periodic>"
	    "<Upgrade_Rule>($SWVER ge " LOAD_MID ")? " URL(LOAD_NEW)
	    " | " URL(LOAD_MID) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 600);
	assert_int_equal(nreq(w, NULL, "/fw/" LOAD_MID ".loads"), 1);
	assert_int_equal(nreq(w, NULL, "/fw/" LOAD_NEW ".loads"), 1);
	assert_true(req_nth(w, LOAD_MID ".loads", 0)->now <
	    req_nth(w, LOAD_NEW ".loads", 0)->now);
	assert_int_equal(w->nboot, 3);
	assert_int_equal(w->boot_reason[1], PHONE_RB_UPGRADE);
	assert_int_equal(w->boot_reason[2], PHONE_RB_UPGRADE);
	n = phone_history(w->p, PHONE_HIST_REBOOT, &e);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].reason, PHONE_RB_UPGRADE);
	assert_int_equal(e[1].reason, PHONE_RB_UPGRADE);
	assert_int_equal(e[2].reason, PHONE_RB_POWER);
	assert_int_equal(phone_history(w->p, PHONE_HIST_UPGRADE, &e), 2);
	assert_true(e[0].ok && e[1].ok);
	assert_macro(w, "$SWVER", LOAD_NEW);
	assert_int_equal(nline(w, 1, "Successful upgrade"), 2);
	assert_int_equal(nline(w, 1, "Upgrade failed"), 0);
	world_free(w);
}

/*
 * Bad input (12.2 step 6, 12.3): the attempt fails with class cls,
 * the running load stays, one failure line is logged with a cause naming
 * what was wrong, and the retry is armed (Upgrade_Error_Retry_Delay
 * 300): the .loads is fetched again 300 s later.
 */
static void
upgrade_bad_url(struct world *w, const char *url, enum emu_err err,
    const char *cause)
{
	const struct line	*l;
	const struct req	*r1;
	char			*prof;

	if (asprintf(&prof, "<Resync_After_Upgrade_Attempt>No"
	    "</Resync_After_Upgrade_Attempt>"
	    "<Upgrade_Error_Retry_Delay>300</Upgrade_Error_Retry_Delay>"
	    "<Upgrade_Rule>%s</Upgrade_Rule>", url) < 0)
		fail();
	world_profile(w, prof);
	free(prof);
	world_boot(w);
	world_run(w, 60);
	if (w->nupg != 1)
		dump(w);
	assert_int_equal(w->nupg, 1);
	assert_int_equal(w->upg[0].err, err);
	assert_int_equal(w->upg[0].cls, emu_err_class(err));
	assert_macro(w, "$SWVER", LOAD_OLD);
	assert_macro(w, "$UPGERR", emu_err_name(err));
	assert_int_equal(w->nboot, 1);
	assert_int_equal(phone_state(w->p), PROV_OPERATIONAL);
	assert_int_equal(nline(w, 1, "Upgrade failed"), 1);
	assert_int_equal(nline(w, 0, "upgrade failed"), 1);
	l = line_nth(w, 0, "upgrade failed", 0);
	if (strstr(l->text, cause) == NULL)
		fail_msg("\"%s\" lacks \"%s\"", l->text, cause);
	assert_int_equal(nreq(w, NULL, ".loads"), 1);
	world_run(w, 400);
	/* The retry: 300 s after the failure. */
	r1 = req_nth(w, ".loads", 1);
	assert_non_null(r1);
	assert_true(r1->now - w->upg[0].now >= EMU_SEC(300));
	assert_true(r1->now - w->upg[0].now <= EMU_SEC(301));
	assert_int_equal(w->nupg, 2);
	assert_macro(w, "$UPGST", "2");
	assert_macro(w, "$SWVER", LOAD_OLD);
}

static void
upgrade_bad(struct world *w, enum emu_err err, const char *cause)
{
	upgrade_bad_url(w, URL(LOAD_NEW), err, cause);
}

/* 12.3: a .loads whose family is another one's is a bad file (B). */
static void
test_bad_loads_wrong_family(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	const char	*body = "load=" LOAD_NEW "\nfamily=sip78xx\n"
	    "image=" LOAD_NEW ".img size=10 sha256="
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\n";

	store_add_file(w->store, "/fw/" LOAD_NEW ".loads",
	    (const uint8_t *)body, strlen(body));
	upgrade_bad(w, EMU_E_LOADS, "family sip78xx");
	assert_int_equal(nreq(w, NULL, ".img"), 0);
	world_free(w);
}

/* 12.3: binary garbage as .loads (B); a text one without load=. */
static void
test_bad_loads_garbage(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	uint8_t		 junk[700];
	size_t		 i;

	for (i = 0; i < sizeof junk; i++)
		junk[i] = (uint8_t)(i * 131 + 7);
	store_add_file(w->store, "/fw/" LOAD_NEW ".loads", junk, sizeof junk);
	upgrade_bad(w, EMU_E_LOADS, "not a text .loads");
	assert_int_equal(nreq(w, NULL, ".img"), 0);
	world_free(w);

	w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	store_add_file(w->store, "/fw/" LOAD_NEW ".loads",
	    (const uint8_t *)"<html>hello</html>\n", 19);
	upgrade_bad(w, EMU_E_LOADS, "line 1");
	world_free(w);
}

/* A transfer cut half-way (a server fault, HTTP and TFTP): class C. */
static void
test_bad_image_truncated(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	struct ep_fault	 f;

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	memset(&f, 0, sizeof f);
	f.name = (char *)"cut";
	f.kind = EP_FAULT_TRUNCATE;
	f.path = (char *)"*.img";
	f.count = -1;
	f.active = 1;
	ep_http_fault_add(w->http, &f);
	upgrade_bad(w, EMU_E_TRUNCATED, "truncated: ");
	assert_int_equal(nreq(w, NULL, ".img"), 2);
	world_free(w);

	/* Over TFTP: the server aborts the generated image half-way. */
	w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	ep_tftp_fault_add(w->tftp, &f);
	upgrade_bad_url(w, "tftp://10.0.0.5/fw/" LOAD_NEW ".loads",
	    EMU_E_TRUNCATED, "transfer aborted");
	assert_int_equal(nreq(w, "tftp", ".img"), 2);
	world_free(w);
}

/* An image of another size than its .loads line says: B. */
static void
test_bad_image_size(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	store_add_generated(w->store, "/fw/" LOAD_NEW ".img", MB + 1000);
	upgrade_bad(w, EMU_E_IMAGE_BAD, "1049576 bytes, .loads says 1048576");
	world_free(w);
}

/* An image whose SHA-256 is not the .loads one: B. */
static void
test_bad_image_sha256(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);
	struct dbuf	 b;
	char		*s;

	world_load(w, "/fw/", LOAD_NEW, MB, 1);
	dbuf_init(&b);
	assert_int_equal(store_lookup(w->store, "/fw/" LOAD_NEW ".loads", &b),
	    0);
	dbuf_add_u8(&b, '\0');
	s = strstr((char *)b.data, "sha256=");
	assert_non_null(s);
	s[7 + 10] = s[7 + 10] == '0' ? '1' : '0';
	store_add_file(w->store, "/fw/" LOAD_NEW ".loads", b.data,
	    b.len - 1);
	dbuf_clear(&b);
	upgrade_bad(w, EMU_E_IMAGE_BAD, "SHA-256");
	world_free(w);
}

/*
 * 10, 12.1: an upgrade over TFTP of a load past 65535 512-byte blocks:
 * the block number wraps (as tftp-hpa's does) and the image, made block
 * by block by the server, arrives whole with its SHA-256.
 */
static void
test_tftp_large_load(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, 33 * MB + 300, 1);
	world_profile(w, "<Upgrade_Rule>tftp://10.0.0.5/fw/" LOAD_NEW
	    ".loads</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 1200);
	if (nreboot(w, PHONE_RB_UPGRADE) != 1)
		dump(w);
	assert_int_equal(nreq(w, "tftp", "/fw/" LOAD_NEW ".loads"), 1);
	assert_int_equal(nreq(w, "tftp", "/fw/" LOAD_NEW ".img"), 1);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_int_equal(w->upg[0].cls, EMU_CLASS_A);
	assert_macro(w, "$SWVER", LOAD_NEW);
	/* the .loads, the image and a profile before and after */
	assert_int_equal(ep_tftp_stats(w->tftp)->done, 4);
	world_free(w);
}

/* 12.1: a 30 MB load over HTTP, in four images. */
static void
test_http_large_load(void **state)
{
	struct world	*w = world_create("CP-8851-3PCC", LOAD_OLD, NULL);

	world_load(w, "/fw/", LOAD_NEW, 30 * MB, 4);
	world_profile(w, "<Upgrade_Rule>" URL(LOAD_NEW) "</Upgrade_Rule>");
	world_boot(w);
	world_run(w, 600);
	assert_int_equal(nreq(w, "http", ".img"), 4);
	assert_int_equal(nreboot(w, PHONE_RB_UPGRADE), 1);
	assert_macro(w, "$SWVER", LOAD_NEW);
	world_free(w);
}

/* 12.3 without a phone: what store_add_load writes parses back. */
static void
test_loads_parse(void **state)
{
	struct store		*st = store_create();
	struct upg_image	*img;
	struct dbuf		 b, crlf;
	uint16_t		 n;
	char			*cause = NULL;
	size_t			 i;

	dbuf_init(&b);
	dbuf_init(&crlf);
	assert_int_equal(store_add_load(st, "/fw/", LOAD_NEW, 5 * MB + 3, 3,
	    &cause), 0);
	assert_int_equal(store_lookup(st, "/fw/" LOAD_NEW ".loads", &b), 0);
	assert_int_equal(upgrade_loads_parse_buf(b.data, b.len, LOAD_NEW, 0,
	    &img, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(img[0].file, LOAD_NEW "-1.img");
	assert_string_equal(img[2].file, LOAD_NEW "-3.img");
	assert_int_equal(img[0].size + img[1].size + img[2].size,
	    5 * MB + 3);
	assert_true(img[1].has_size && img[1].has_sha);
	upgrade_loads_free(img, n);

	/* CRLF line ends are read as LF. */
	for (i = 0; i < b.len; i++) {
		if (b.data[i] == '\n')
			dbuf_add_u8(&crlf, '\r');
		dbuf_add_u8(&crlf, b.data[i]);
	}
	assert_int_equal(upgrade_loads_parse_buf(crlf.data, crlf.len,
	    LOAD_NEW, 0, &img, &n, &cause), 0);
	assert_int_equal(n, 3);
	upgrade_loads_free(img, n);

	/* Another load's file: refused, strict or not. */
	assert_int_equal(upgrade_loads_parse_buf(b.data, b.len, LOAD_NEW2, 1,
	    &img, &n, &cause), -1);
	assert_null(img);
	assert_int_equal(n, 0);
	unit_check_cause(cause, "line 1: load " LOAD_NEW ", not " LOAD_NEW2);
	cause = NULL;

	/* A real Cisco .loads (binary): only in "any" mode, no images. */
	dbuf_reset(&b);
	dbuf_add(&b, "\x7f" "ELF\0\1\2", 7);
	assert_int_equal(upgrade_loads_parse_buf(b.data, b.len, LOAD_NEW, 0,
	    &img, &n, &cause), -1);
	unit_check_cause(cause, "not a text .loads file");
	cause = NULL;
	assert_int_equal(upgrade_loads_parse_buf(b.data, b.len, LOAD_NEW, 1,
	    &img, &n, &cause), 0);
	assert_int_equal(n, 0);

	/* An image line must name a file in the same directory. */
	dbuf_reset(&b);
	dbuf_printf(&b, "load=%s\nimage=../x.img size=1\n", LOAD_NEW);
	assert_int_equal(upgrade_loads_parse_buf(b.data, b.len, LOAD_NEW, 0,
	    &img, &n, &cause), -1);
	unit_check_cause(cause, "line 2: bad image line");
	dbuf_clear(&b);
	dbuf_clear(&crlf);
	store_free(st);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_b94_new_load_after_call),
		cmocka_unit_test(test_b95_running_load),
		cmocka_unit_test(test_b96_inactive_partition),
		cmocka_unit_test(test_b97_404_retry_schedule),
		cmocka_unit_test(test_b97_server_down_then_up),
		cmocka_unit_test(test_b97_failed_url_after_reboot),
		cmocka_unit_test(test_b98_success_not_reattempted),
		cmocka_unit_test(test_upgrade_rule_credentials),
		cmocka_unit_test(test_b99_wrong_family),
		cmocka_unit_test(test_b100_downgrade_limit),
		cmocka_unit_test(test_b101_hostless_url_with_option66),
		cmocka_unit_test(test_b102_upgrade_disabled),
		cmocka_unit_test(test_b103_resync_after_attempt),
		cmocka_unit_test(test_b104_two_stage),
		cmocka_unit_test(test_bad_loads_wrong_family),
		cmocka_unit_test(test_bad_loads_garbage),
		cmocka_unit_test(test_bad_image_truncated),
		cmocka_unit_test(test_bad_image_size),
		cmocka_unit_test(test_bad_image_sha256),
		cmocka_unit_test(test_tftp_large_load),
		cmocka_unit_test(test_http_large_load),
		cmocka_unit_test(test_loads_parse),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

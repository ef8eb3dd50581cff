/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One emulated phone: identity (spec 2.2), its parameter values, the macro
 * variables of spec 6.2, and the hub that routes events.  The phone runs
 * several transfers at once (a resync's file, an EDOS query, a custom CA):
 * each is a struct fetch in one slot per owner, and every datagram or
 * stream event reaches the transfer whose id its flow carries.  A transfer
 * that finishes is handed to prov.c once the event has been handled, so no
 * sub-machine calls back up into the phone.  The provisioning state machine
 * is in prov.c, the DHCP client in dhcpc.c, the resolver in resolv.c,
 * transfers in fetch.c.  A phone is sans-I/O: events in with the time,
 * actions out.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu-int.h"

#define PHONE_REAP_MAX	64	/* finished transfers handled per event */

static void	phone_reset_ram(struct phone *);
static void	phone_boot(struct phone *, enum phone_reboot, emu_time,
		    struct emu_outbox *);
static void	phone_timer(struct phone *, emu_time, struct emu_outbox *);
static void	phone_route(struct phone *, const struct emu_event *, emu_time,
		    struct emu_outbox *);
static void	phone_reap(struct phone *, emu_time, struct emu_outbox *);
static void	phone_call(struct phone *, int, emu_time, struct emu_outbox *);
static void	phone_calls_drop(struct phone *, struct emu_outbox *);
static void	phone_sip(struct phone *, enum sip_rc, emu_time,
		    struct emu_outbox *);
static void	phone_power_on(struct phone *, unsigned, int, emu_time,
		    struct emu_outbox *);
static void	phone_power_off(struct phone *, emu_time, struct emu_outbox *);
static void	phone_factory_reset(struct phone *, emu_time,
		    struct emu_outbox *);
static void	phone_key(struct phone *, const struct emu_event *, emu_time,
		    struct emu_outbox *);
static void	phone_lcd_rc(struct phone *, enum lcd_rc, emu_time,
		    struct emu_outbox *);
static int	phone_load_version(const struct phone *, unsigned [3]);
static const char *phone_version_macro(const struct phone *, char *, size_t);

/* Assignment expressions (5.3.3): provisioning changes, not local ones. */
int
phone_rule_assign(void *arg, const char *name, const char *value,
    char **cause)
{
	struct phone	*p = arg;
	int		 id;

	if ((id = param_find(p->ctx, name)) < 0) {
		xasprintf(cause, "unknown parameter \"%s\"", name);
		return (-1);
	}
	if (param_validate(id, value, cause) != 0)
		return (-1);
	phone_set_id(p, id, value, 0);
	return (0);
}

struct phone *
phone_create(struct emu_ctx *ctx, const struct phone_conf *c)
{
	struct phone	*p;
	struct intern	*in = ctx->intern;
	int		 i;

	p = xcalloc(1, sizeof *p);
	p->ctx = ctx;
	memcpy(p->mac, c->mac, 6);
	for (i = 0; i < 6; i++)
		snprintf(p->macstr + 2 * i, 3, "%02X", c->mac[i]);
	p->model = intern_str(in, c->model != NULL ? c->model : "CP-8851-3PCC");
	p->serial = intern_str(in, c->serial != NULL ? c->serial : "");
	p->hwver = intern_str(in, c->hwver != NULL ? c->hwver : "V03");
	p->swver = intern_str(in,
	    c->swver != NULL ? c->swver : "sip88xx.12-0-7MPP0301-92");
	p->swver2 = intern_str(in,
	    c->swver_inactive != NULL ? c->swver_inactive : "");
	p->no_cert = c->no_cert != 0;
	p->key_group = c->key_group;
	p->cust = CUST_OPEN;
	p->st = PROV_OFF;
	pset_init(&p->ps);
	prng_seed(&p->rng, ctx->seed, p->mac);
	rule_result_init(&p->rr);
	phone_reset_ram(p);
	return (p);
}

void
phone_free(struct phone *p)
{
	int	i;

	if (p == NULL)
		return;
	for (i = 0; i < FO__COUNT; i++)
		fetch_free(p->fx[i], p, NULL);
	upload_reset(p);
	rule_result_clear(&p->rr);
	pset_clear(&p->ps);
	phone_hist_clear(p);
	phone_syslog_free(p, NULL);
	resolv_cache_free(p->rcache);
	sip_free(p->sip);
	lcd_free(p->lcd);
	for (i = 0; i < FETCH_TLS_SESSIONS; i++) {
		free(p->tls_sess[i].peer);
		free(p->tls_sess[i].der);
	}
	free(p->ca_der);
	free(p->mic_der);
	free(p->mic_key);
	free(p->ca_rule);
	free(p->company);
	free(p->domain);
	free(p->dhcp_prov);
	free(p->pending_rule);
	free(p->run_rule);
	free(p->prev_server);
	free(p->last_url);
	free(p->last_errmsg);
	free(p->cur_url);
	free(p->m_scheme);
	free(p->m_serv);
	free(p->m_path);
	upgrade_clear(p);
	intern_unref(p->model);
	intern_unref(p->serial);
	intern_unref(p->hwver);
	intern_unref(p->swver);
	intern_unref(p->swver2);
	free(p);
}

/* Everything that lives in RAM only (spec 2.3 ASSUMPTION). */
static void
phone_reset_ram(struct phone *p)
{
	int	i;

	p->ip = p->mask = p->router = 0;
	p->dns[0] = p->dns[1] = 0;
	free(p->domain);
	p->domain = NULL;
	free(p->dhcp_prov);
	p->dhcp_prov = NULL;
	p->dhcp_prov_opt = 0;
	p->dhcp_prov_url = 0;
	memset(&p->dhcp, 0, sizeof p->dhcp);
	p->dhcp.resend_at = p->dhcp.t1 = p->dhcp.t2 = EMU_TIME_NEVER;
	p->dhcp.expiry = EMU_TIME_NEVER;
	resolv_cache_free(p->rcache);
	p->rcache = NULL;
	phone_syslog_free(p, NULL);
	p->t_boot = p->t_resync = EMU_TIME_NEVER;
	p->t_forced = EMU_TIME_NEVER;
	p->pending_user = 0;
	sip_free(p->sip);
	p->sip = NULL;
	p->periodic_idx = p->retry_idx = 0;
	p->retry_armed = 0;
	p->resync_pending = 0;
	p->disc_step = 0;
	p->disc_retry = 0;
	p->prvst = 0;
	free(p->pending_rule);
	p->pending_rule = NULL;
	free(p->run_rule);
	p->run_rule = NULL;
	for (i = 0; i < FETCH_TLS_SESSIONS; i++) {
		free(p->tls_sess[i].peer);
		free(p->tls_sess[i].der);
		memset(&p->tls_sess[i], 0, sizeof p->tls_sess[i]);
	}
	p->status.next_resync_at = EMU_TIME_NEVER;
	upload_reset(p);
	upgrade_reset_ram(p);
	if (p->status.act != PHONE_ACT_HIDDEN)
		p->status.act = PHONE_ACT_HIDDEN;
	p->status.account_setup = 0;
	p->status.resynced = 0;
}

static void
phone_boot(struct phone *p, enum phone_reboot why, emu_time now,
    struct emu_outbox *out)
{
	phone_calls_drop(p, out);
	p->powered = 1;
	p->boot_at = now;
	p->last_resync = now;
	p->status.last_reboot = why;
	phone_hist_add(p, PHONE_HIST_REBOOT, 1, EMU_OK, NULL, NULL, why);
	phone_reset_ram(p);
	if (p->lcd != NULL)
		lcd_reset(p->lcd);
	phone_note_simple(p, out, EMU_NOTE_BOOT, why, EMU_OK);
	prov_enter(p, PROV_BOOT, now, out);
	prov_enter(p, PROV_NETWORK, now, out);
	dhcpc_start(p, now, out);
	sip_listen(p, out);	/* 16.3 */
}

/* A warm reboot (T26, T18): through REBOOTING back to BOOT (3.7). */
void
phone_reboot(struct phone *p, enum phone_reboot why, emu_time now,
    struct emu_outbox *out)
{
	prov_power_off(p, out);
	phone_log(p, out, TRACE_PROV, "reboot: %s", phone_reboot_name(why));
	prov_enter(p, PROV_REBOOTING, now, out);
	phone_boot(p, why, now, out);
}

void
phone_handle(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	p->now = now;
	p->out = out;
	switch (ev->type) {
	case EMU_EV_POWER_ON:
		phone_power_on(p, ev->flags, ev->key, now, out);
		break;
	case EMU_EV_POWER_OFF:
		phone_power_off(p, now, out);
		break;
	case EMU_EV_REBOOT:
		if (!p->powered)
			break;
		phone_reboot(p, PHONE_RB_USER, now, out);
		break;
	case EMU_EV_FACTORY_RESET:
		phone_factory_reset(p, now, out);
		break;
	case EMU_EV_SET_PARAM: {
		int	 id;
		char	*cause = NULL;

		if (ev->name == NULL || ev->text == NULL)
			break;
		if ((id = param_find(p->ctx, ev->name)) < 0) {
			phone_log(p, out, TRACE_PROV, "set %s: unknown parameter",
			    ev->name);
			break;
		}
		if (param_validate(id, ev->text, &cause) != 0) {
			phone_log(p, out, TRACE_PROV, "set %s: %s", ev->name,
			    cause);
			free(cause);
			break;
		}
		phone_set_id(p, id, ev->text, 1);
		prov_local_change(p, id, now, out);
		break;
	}
	case EMU_EV_RESYNC:
		if (!p->powered)
			break;
		/* 4.6, 15.5: a resync with a rule is a manual configuration. */
		if (ev->text != NULL && p->cust != CUST_ACQUIRED &&
		    p->cust != CUST_ABORTED) {
			phone_log(p, out, TRACE_PROV, "manual resync rule");
			phone_set_cust(p, CUST_ABORTED, out);
		}
		/* B86, B88: no trigger gating; a rule fetches that only. */
		if (ev->flags & EMU_RESYNC_LCD)
			prov_resync_user(p, ev->text, now, out);
		else
			prov_resync_request(p, -1, ev->text, now, out);
		break;
	case EMU_EV_CALL:
		if (!p->powered)
			break;
		phone_call(p, (ev->flags & EMU_CALL_START) != 0, now, out);
		break;
	case EMU_EV_ACTIVATE:
		if (!p->powered)
			break;
		prov_activate(p, ev->text != NULL ? ev->text : "", now, out);
		break;
	case EMU_EV_KEY:
		phone_key(p, ev, now, out);
		break;
	case EMU_EV_TIMER:
		if (!p->powered)
			break;
		phone_timer(p, now, out);
		break;
	case EMU_EV_DGRAM:
	case EMU_EV_CONNECTED:
	case EMU_EV_DATA:
	case EMU_EV_CLOSED:
	case EMU_EV_STREAM_ERROR:
		if (!p->powered)
			break;
		phone_route(p, ev, now, out);
		break;
	}
	if (p->powered)
		phone_reap(p, now, out);
	if (p->lcd != NULL)
		lcd_refresh(p, now, out);
	p->out = NULL;
	intern_collect(p->ctx->intern);	/* nothing borrowed is alive */
}

static void
phone_power_on(struct phone *p, unsigned flags, int key, emu_time now,
    struct emu_outbox *out)
{
	if (p->powered)
		return;
	if ((flags & EMU_POWER_HOLD_KEYS) && lcd_powerup_key(p->model, key)) {
		/* 15.8, B121: the key sequence may follow. */
		phone_log(p, out, TRACE_LCD, "power-on holding %c", key);
		p->powered = 1;
		prov_enter(p, PROV_BOOT, now, out);
		if (p->lcd == NULL)
			p->lcd = lcd_create(p);
		lcd_powerup(p->lcd, key, now);
		return;
	}
	phone_boot(p, PHONE_RB_POWER, now, out);
}

static void
phone_power_off(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (!p->powered)
		return;
	prov_power_off(p, out);
	phone_calls_drop(p, out);
	sip_close(p, out);
	p->powered = 0;
	phone_reset_ram(p);
	if (p->lcd != NULL)
		lcd_reset(p->lcd);
	prov_enter(p, PROV_OFF, now, out);
}

/* Spec 2.4: defaults, customization Open, not provisioned. */
static void
phone_factory_reset(struct phone *p, emu_time now, struct emu_outbox *out)
{
	prov_power_off(p, out);
	prov_enter(p, PROV_FACTORY_RESET, now, out);
	prov_factory_reset(p);
	phone_hist_clear(p);	/* B93 */
	pset_clear(&p->ps);
	free(p->last_url);
	p->last_url = NULL;
	free(p->last_errmsg);
	p->last_errmsg = NULL;
	if (p->cust != CUST_OPEN)
		phone_set_cust(p, CUST_OPEN, out);
	if (p->powered) {
		prov_enter(p, PROV_REBOOTING, now, out);
		phone_boot(p, PHONE_RB_FACTORY, now, out);
	}
}

/*
 * A key (15.1).  The screen is made on the first one; power-hold is the
 * power pulled and given back with '#' held (15.8, B121), power-hold-0
 * with '0' held (a CP-6821's alternative).
 */
static void
phone_key(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	if (ev->key == EMU_KEY_POWER_HOLD || ev->key == EMU_KEY_POWER_HOLD_0) {
		phone_power_off(p, now, out);
		phone_power_on(p, EMU_POWER_HOLD_KEYS, ev->key ==
		    EMU_KEY_POWER_HOLD ? '#' : '0', now, out);
		return;
	}
	if (!p->powered) {
		phone_log(p, out, TRACE_LCD, "key while off: ignored");
		return;
	}
	if (p->lcd == NULL)
		p->lcd = lcd_create(p);
	phone_lcd_rc(p, lcd_key(p, ev->key, now, out), now, out);
}

/* What a key or the screen's timer asks for. */
static void
phone_lcd_rc(struct phone *p, enum lcd_rc rc, emu_time now,
    struct emu_outbox *out)
{
	int	id;

	switch (rc) {
	case LCD_RC_NONE:
		break;
	case LCD_RC_RULE:
		/* 15.5.5, 4.6: stored as a local change, then resynced. */
		phone_set_id(p, P_PROFILE_RULE, lcd_field(p->lcd, 0), 1);
		prov_local_rule(p, now, out);
		break;
	case LCD_RC_ACTIVATE:
		prov_activate(p, lcd_field(p->lcd, 0), now, out);
		break;
	case LCD_RC_ACCOUNT:
		/* 15.7: the profile account, then a resync. */
		p->status.account_setup = 0;
		phone_set_id(p, P_PROFILE_ACCOUNT_USER, lcd_field(p->lcd, 0),
		    1);
		phone_set_id(p, P_PROFILE_ACCOUNT_PASSWORD,
		    lcd_field(p->lcd, 1), 1);
		prov_local_change(p, -1, now, out);
		prov_resync_user(p, NULL, now, out);
		break;
	case LCD_RC_FACTORY_RESET:
		phone_log(p, out, TRACE_LCD, "factory reset from the keypad");
		phone_factory_reset(p, now, out);	/* B120, B121 */
		break;
	case LCD_RC_RESTART:
		phone_reboot(p, PHONE_RB_USER, now, out);
		break;
	case LCD_RC_BOOT:
		phone_boot(p, PHONE_RB_POWER, now, out);
		break;
	case LCD_RC_SET:
		/* Preferences: a local change (8.5.7), as from the web. */
		id = lcd_param(p->lcd);
		phone_log(p, out, TRACE_LCD, "%s set on the LCD",
		    param_table[id].name);
		phone_set_id(p, id, lcd_field(p->lcd, 0), 1);
		prov_local_change(p, id, now, out);
		break;
	case LCD_RC_PASSWORD:
		/* 15.4 [C9]: the user password, a local change. */
		if ((id = param_find(p->ctx, "User_Password")) < 0)
			break;
		phone_log(p, out, TRACE_LCD, "User_Password set on the LCD");
		phone_set_id(p, id, lcd_field(p->lcd, 0), 1);
		prov_local_change(p, id, now, out);
		break;
	}
}

void
phone_lcd_open(struct phone *p)
{
	if (p->lcd != NULL)
		return;
	p->lcd = lcd_create(p);
	lcd_refresh(p, p->now, NULL);
}

void
phone_lcd_close(struct phone *p)
{
	lcd_free(p->lcd);
	p->lcd = NULL;
}

const struct lcd_view *
phone_lcd(const struct phone *p)
{
	return (p->lcd != NULL ? lcd_view(p->lcd) : NULL);
}

/*
 * Calls (3.6): a count of calls in progress; the phone is busy while it is
 * not zero.  Becoming idle runs what waited for it (B87).
 */
static void
phone_call(struct phone *p, int start, emu_time now, struct emu_outbox *out)
{
	if (start) {
		if (p->calls == UINT8_MAX) {
			phone_log(p, out, TRACE_PROV, "call: too many calls: "
			    "ignored");
			return;
		}
		if (p->calls++ == 0) {
			p->busy_since = now;
			phone_log(p, out, TRACE_PROV, "call: busy");
			phone_note_simple(p, out, EMU_NOTE_CALL, 1, EMU_OK);
		}
		return;
	}
	if (p->calls == 0) {
		phone_log(p, out, TRACE_PROV, "call end while idle: ignored");
		return;
	}
	if (--p->calls != 0)
		return;
	phone_log(p, out, TRACE_PROV, "call: idle");
	phone_note_simple(p, out, EMU_NOTE_CALL, 0, EMU_OK);
	prov_idle(p, now, out);
}

/* A reboot or power-off ends the calls in progress. */
static void
phone_calls_drop(struct phone *p, struct emu_outbox *out)
{
	if (p->calls == 0)
		return;
	p->calls = 0;
	phone_note_simple(p, out, EMU_NOTE_CALL, 0, EMU_OK);
}

int
phone_busy(const struct phone *p)
{
	return (p->calls != 0);
}

/* Every timer that is due, each checked against now (STYLE.md 3). */
static void
phone_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	i;

	if (dhcpc_deadline(p) <= now &&
	    dhcpc_timer(p, now, out) == DHCPC_RC_BOUND)
		prov_bound(p, now, out);
	for (i = 0; i < FO__COUNT; i++) {
		if (p->fx[i] != NULL && fetch_deadline(p->fx[i]) <= now)
			fetch_timer(p->fx[i], p, now, out);
	}
	if (phone_syslog_deadline(p) <= now)
		phone_syslog_timer(p, now, out);
	phone_reap(p, now, out);
	prov_timer(p, now, out);
	if (p->lcd != NULL && lcd_deadline(p->lcd) <= now)
		phone_lcd_rc(p, lcd_timer(p, now, out), now, out);
}

/* A datagram or stream event goes to the owner of its flow. */
static void
phone_route(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	uint32_t	id = EMU_FLOW_XFER(ev->flow);
	int		i;

	if (ev->flow == EMU_FLOW_SIP) {
		if (ev->type == EMU_EV_DGRAM)
			phone_sip(p, sip_input(p, ev, now, out), now, out);
		return;
	}
	if (ev->flow == EMU_FLOW_DHCP) {
		if (ev->type == EMU_EV_DGRAM &&
		    dhcpc_input(p, ev->data, ev->len, now, out) ==
		    DHCPC_RC_BOUND)
			prov_bound(p, now, out);
		return;
	}
	if (ev->flow == EMU_FLOW_SYSLOG || ev->flow == EMU_FLOW_SYSLOG_DNS) {
		phone_syslog_input(p, ev, now, out);
		return;
	}
	for (i = 0; i < FO__COUNT; i++) {
		if (p->fx[i] != NULL && fetch_id(p->fx[i]) == id) {
			fetch_event(p->fx[i], p, ev, now, out);
			return;
		}
	}
	phone_log(p, out, TRACE_NET, "event for flow %u dropped: no owner",
	    ev->flow);
}

/* What an authenticated SIP NOTIFY asks for (16.3, B110). */
static void
phone_sip(struct phone *p, enum sip_rc rc, emu_time now,
    struct emu_outbox *out)
{
	switch (rc) {
	case SIP_RC_NONE:
		break;
	case SIP_RC_RESYNC:
		/* 3.3: not gated by the triggers; waits for idle (B87). */
		prov_resync_request(p, -1, NULL, now, out);
		break;
	case SIP_RC_REBOOT:
		phone_reboot(p, PHONE_RB_SIP, now, out);	/* 3.7, T26 */
		break;
	case SIP_RC_RESTART:
		/* A warm restart: the application restarts; phonefleet
		 * models it as a reboot with the same reason (3.7). */
		phone_log(p, out, TRACE_PROV, "warm restart");
		phone_reboot(p, PHONE_RB_SIP, now, out);
		break;
	case SIP_RC_REPORT:
		/* 16.3, 16.4: Event: report uploads the reports now. */
		phone_log(p, out, TRACE_PROV, "report requested");
		upload_request(p, now, out);
		break;
	}
}

/*
 * Hand finished transfers to their owners.  An owner may start another
 * transfer at once (the next rule, the next discovery step), which may
 * itself finish at once (a cached failure): loop, within a bound.
 */
static void
phone_reap(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct fetch	*fx;
	int		 i, n = 0, again = 1;

	while (again && n < PHONE_REAP_MAX) {
		again = 0;
		for (i = 0; i < FO__COUNT; i++) {
			if ((fx = p->fx[i]) == NULL || !fetch_is_done(fx))
				continue;
			p->fx[i] = NULL;
			prov_fetch_done(p, i, fx, now, out);
			again = 1;
			n++;
		}
	}
}

emu_time
phone_deadline(const struct phone *p)
{
	emu_time	 t, d;
	int		 i;

	if (!p->powered)
		return (EMU_TIME_NEVER);
	t = dhcpc_deadline(p);
	if ((d = prov_deadline(p)) < t)
		t = d;
	if ((d = phone_syslog_deadline(p)) < t)
		t = d;
	if (p->lcd != NULL && (d = lcd_deadline(p->lcd)) < t)
		t = d;
	for (i = 0; i < FO__COUNT; i++) {
		if (p->fx[i] != NULL && (d = fetch_deadline(p->fx[i])) < t)
			t = d;
	}
	return (t);
}

/* Transfers. */

struct fetch *
phone_fetch_start(struct phone *p, enum fetch_owner owner,
    const struct fetch_req *rq, emu_time now, struct emu_outbox *out)
{
	phone_fetch_cancel(p, owner, out);
	/* Ids fit a flow (EMU_FLOW) and are never 0 (DHCP's). */
	p->fetch_seq = p->fetch_seq >= EMU_XFER_ID_MAX ? 1 :
	    p->fetch_seq + 1;
	p->fx[owner] = fetch_start(p, p->fetch_seq, rq, now, out);
	return (p->fx[owner]);
}

struct fetch *
phone_fetch_find(struct phone *p, enum fetch_owner owner)
{
	return (p->fx[owner]);
}

void
phone_fetch_cancel(struct phone *p, enum fetch_owner owner,
    struct emu_outbox *out)
{
	if (p->fx[owner] == NULL)
		return;
	fetch_free(p->fx[owner], p, out);
	p->fx[owner] = NULL;
}

/* Customization state changes (4.8), each noted for the report. */
void
phone_set_cust(struct phone *p, enum cust_state st, struct emu_outbox *out)
{
	if (p->cust == st)
		return;
	phone_log(p, out, TRACE_PROV, "customization %s -> %s",
	    cust_state_name(p->cust), cust_state_name(st));
	p->cust = st;
	phone_note_simple(p, out, EMU_NOTE_CUST, st, EMU_OK);
}

/* TLS sessions (9.6): one per peer, the oldest replaced. */
const struct phone_tls_sess *
phone_tls_session(struct phone *p, const char *peer, emu_time now)
{
	int	i;

	for (i = 0; i < FETCH_TLS_SESSIONS; i++) {
		if (p->tls_sess[i].peer == NULL ||
		    strcmp(p->tls_sess[i].peer, peer) != 0)
			continue;
		if (p->tls_sess[i].expires <= now) {
			phone_tls_session_drop(p, peer);
			return (NULL);
		}
		return (&p->tls_sess[i]);
	}
	return (NULL);
}

void
phone_tls_session_store(struct phone *p, const char *peer, const uint8_t *der,
    size_t len, emu_time expires)
{
	struct phone_tls_sess	*s = NULL;
	int			 i;

	for (i = 0; i < FETCH_TLS_SESSIONS && s == NULL; i++) {
		if (p->tls_sess[i].peer != NULL &&
		    strcmp(p->tls_sess[i].peer, peer) == 0)
			s = &p->tls_sess[i];
	}
	for (i = 0; i < FETCH_TLS_SESSIONS && s == NULL; i++) {
		if (p->tls_sess[i].peer == NULL)
			s = &p->tls_sess[i];
	}
	if (s == NULL) {
		s = &p->tls_sess[0];
		for (i = 1; i < FETCH_TLS_SESSIONS; i++) {
			if (p->tls_sess[i].expires < s->expires)
				s = &p->tls_sess[i];
		}
	}
	free(s->peer);
	free(s->der);
	s->peer = xstrdup(peer);
	s->der = xmalloc(len == 0 ? 1 : len);
	memcpy(s->der, der, len);
	s->len = len;
	s->expires = expires;
}

void
phone_tls_session_drop(struct phone *p, const char *peer)
{
	int	i;

	for (i = 0; i < FETCH_TLS_SESSIONS; i++) {
		if (p->tls_sess[i].peer == NULL ||
		    strcmp(p->tls_sess[i].peer, peer) != 0)
			continue;
		free(p->tls_sess[i].peer);
		free(p->tls_sess[i].der);
		memset(&p->tls_sess[i], 0, sizeof p->tls_sess[i]);
	}
}

/* Parameters. */

/*
 * A value, or the factory value of the running load (spec 18: some
 * defaults changed with the firmware).  pset_get() hands back the table's
 * own string exactly when nothing overrides it; values are interned copies.
 */
const char *
phone_param(const struct phone *p, int id)
{
	const char	*v = pset_get(&p->ps, id);
	unsigned	 ver[3];

	if (v == param_table[id].def &&
	    (param_table[id].flags & PARAM_FWDEF) &&
	    phone_load_version(p, ver) >= 1)
		return (param_default(id, ver[0], ver[1]));	/* K2, K4 */
	return (v);
}

/* The factory value of id for the running load (spec 18). */
const char *
phone_param_default(const struct phone *p, int id)
{
	unsigned	 ver[3];

	if ((param_table[id].flags & PARAM_FWDEF) &&
	    phone_load_version(p, ver) >= 1)
		return (param_default(id, ver[0], ver[1]));	/* K2, K4 */
	return (param_table[id].def);
}

void
phone_set_id(struct phone *p, int id, const char *value, int local)
{
	const char	*v = intern_str(p->ctx->intern, value);

	pset_set(&p->ps, id, v, local);
	intern_unref(v);
}

const char *
phone_get(const struct phone *p, const char *name)
{
	int	id;

	if ((id = param_find(p->ctx, name)) < 0)
		return (NULL);
	return (phone_param(p, id));
}

int
phone_set(struct phone *p, const char *name, const char *value, int local,
    char **cause)
{
	int	id;

	if ((id = param_find(p->ctx, name)) < 0) {
		xasprintf(cause, "unknown parameter \"%s\"", name);
		return (-1);
	}
	if (param_validate(id, value, cause) != 0)
		return (-1);
	phone_set_id(p, id, value, local);
	if (local)
		prov_local_change(p, -1, p->now, NULL);
	intern_collect(p->ctx->intern);
	return (0);
}

/* Observation. */

const uint8_t *
phone_mac(const struct phone *p)
{
	return (p->mac);
}

const char *
phone_mac_str(const struct phone *p)
{
	return (p->macstr);
}

const char *
phone_firmware(const struct phone *p, int inactive)
{
	return (inactive ? p->swver2 : p->swver);
}

const char *
phone_model(const struct phone *p)
{
	return (p->model);
}

enum prov_state
phone_state(const struct phone *p)
{
	return (p->st);
}

enum cust_state
phone_customization(const struct phone *p)
{
	return (p->cust);
}

uint32_t
phone_ip(const struct phone *p)
{
	return (p->ip);
}

const struct phone_status *
phone_status(const struct phone *p)
{
	return (&p->status);
}

const char *
phone_company(const struct phone *p)
{
	return (p->company != NULL ? p->company : "");
}

const char *
phone_last_url(const struct phone *p)
{
	return (p->last_url != NULL ? p->last_url : "");
}

const char *
phone_last_errmsg(const struct phone *p)
{
	return (p->last_errmsg != NULL ? p->last_errmsg : "");
}

void
phone_set_trace(struct phone *p, unsigned cats)
{
	p->trace = cats & TRACE_ALL;
}

void
phone_log(struct phone *p, struct emu_outbox *out, unsigned cat,
    const char *fmt, ...)
{
	struct emu_action	*a;
	va_list			 ap;
	char			*s;
	int			 n;

	if (out == NULL || ((p->ctx->trace | p->trace) & cat) == 0)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	a = emu_outbox_add(out, EMU_ACT_LOG, s, n);
	a->u.cat = cat;
	free(s);
}

void
phone_note(struct phone *p, struct emu_outbox *out, const struct emu_note *n)
{
	struct emu_action	*a;

	if (out == NULL)
		return;
	a = emu_outbox_add(out, EMU_ACT_NOTE, NULL, 0);
	a->u.note = *n;
}

void
phone_note_simple(struct phone *p, struct emu_outbox *out,
    enum emu_note_kind kind, int arg, enum emu_err err)
{
	struct emu_note	n;

	memset(&n, 0, sizeof n);
	n.kind = kind;
	n.arg = arg;
	n.err = err;
	phone_note(p, out, &n);
}

/*
 * User-Agent (spec 9.5, B53): HTTP_User_Agent_Name with its macros
 * expanded; its factory value "$VERSION ($MA)" gives Cisco-<PN>/<version>
 * (<ma>), and an empty value falls back to that.
 */
char *
phone_user_agent(const struct phone *p)
{
	const char	*ua = phone_param(p, P_HTTP_USER_AGENT_NAME);

	if (ua == NULL || *ua == '\0')
		ua = param_table[P_HTTP_USER_AGENT_NAME].def;
	return (macro_expand(ua, 0, phone_macro_lookup, (void *)p));
}

/*
 * The numeric version of the running load (spec 9.5): the first three
 * numbers after the "sip<family>." prefix, so sip88xx.11-3-7MPP0001-272
 * gives 11, 3, 7.  Returns how many were found.
 */
static int
phone_load_version(const struct phone *p, unsigned v[3])
{
	const char	*s;
	int		 field = 0;

	v[0] = v[1] = v[2] = 0;
	if ((s = strchr(p->swver, '.')) != NULL)
		s++;
	else
		s = p->swver;
	while (*s != '\0' && field < 3) {
		if (!isdigit((unsigned char)*s))
			break;
		while (isdigit((unsigned char)*s)) {
			if (v[field] < 100000)
				v[field] = v[field] * 10 + (*s - '0');
			s++;
		}
		field++;
		while (*s != '\0' && *s != '-')
			s++;
		if (*s == '-')
			s++;
	}
	return (field);
}

/* $VERSION (spec 6.2): Cisco-<PN>/<major>.<minor>.<micro>, in tmp. */
static const char *
phone_version_macro(const struct phone *p, char *tmp, size_t tmpsize)
{
	unsigned	v[3];
	int		n;

	n = phone_load_version(p, v);
	if (n == 0)
		snprintf(tmp, tmpsize, "Cisco-%s/0", p->model);
	else if (n == 1)
		snprintf(tmp, tmpsize, "Cisco-%s/%u", p->model, v[0]);
	else if (n == 2)
		snprintf(tmp, tmpsize, "Cisco-%s/%u.%u", p->model, v[0], v[1]);
	else
		snprintf(tmp, tmpsize, "Cisco-%s/%u.%u.%u", p->model, v[0],
		    v[1], v[2]);
	return (tmp);
}

/*
 * The variables of spec 6.2.  Returns NULL for an unknown name, which the
 * expander leaves verbatim.
 */
const char *
phone_macro_lookup(void *arg, const char *name, size_t len, char *tmp,
    size_t tmpsize)
{
	struct phone	*p = arg;
	char		 n[32];
	int		 i;
	const char	*v;
	emu_time	 now_rel;

	if (len == 0 || len >= sizeof n)
		return (NULL);
	memcpy(n, name, len);
	n[len] = '\0';

	/* A..P and GPP_A..GPP_P; SA..SD and GPP_SA..GPP_SD. */
	if (len == 1 && n[0] >= 'A' && n[0] <= 'P')
		return (phone_param(p, P_GPP_A + (n[0] - 'A')));
	if (len == 5 && strncmp(n, "GPP_", 4) == 0 && n[4] >= 'A' &&
	    n[4] <= 'P')
		return (phone_param(p, P_GPP_A + (n[4] - 'A')));
	if (len == 2 && n[0] == 'S' && n[1] >= 'A' && n[1] <= 'D')
		return (phone_param(p, P_GPP_SA + (n[1] - 'A')));
	if (len == 6 && strncmp(n, "GPP_S", 5) == 0 && n[5] >= 'A' &&
	    n[5] <= 'D')
		return (phone_param(p, P_GPP_SA + (n[5] - 'A')));

	/* B41: $MA lower case, $MAU upper case, $MAC with colons. */
	if (strcmp(n, "MA") == 0 || strcmp(n, "MAU") == 0) {
		for (i = 0; i < 12; i++) {
			tmp[i] = n[2] == 'U' ? p->macstr[i] :
			    tolower((unsigned char)p->macstr[i]);
		}
		tmp[12] = '\0';
		return (tmp);
	}
	if (strcmp(n, "MAC") == 0) {
		snprintf(tmp, tmpsize, "%02x:%02x:%02x:%02x:%02x:%02x",
		    p->mac[0], p->mac[1], p->mac[2], p->mac[3], p->mac[4],
		    p->mac[5]);
		return (tmp);
	}
	if (strcmp(n, "PN") == 0)
		return (p->model);
	if (strcmp(n, "PSN") == 0) {	/* B1: 8851-3PCC */
		v = p->model;
		if (strncmp(v, "CP-", 3) == 0)
			v += 3;
		return (v);
	}
	if (strcmp(n, "SN") == 0)
		return (p->serial);
	if (strcmp(n, "CCERT") == 0)		/* B33 */
		return (p->no_cert ? "Not Installed" : "Installed");
	if (strcmp(n, "IP") == 0) {
		if (p->ip == 0)
			return ("");
		return (ipv4_str(p->ip, tmp));
	}
	if (strcmp(n, "EXTIP") == 0)
		return ("");
	if (strcmp(n, "SWVER") == 0)
		return (p->swver);
	if (strcmp(n, "HWVER") == 0)
		return (p->hwver);
	if (strcmp(n, "PRVST") == 0) {
		snprintf(tmp, tmpsize, "%d", p->prvst);
		return (tmp);
	}
	if (strcmp(n, "UPGST") == 0)		/* B97 */
		return (p->upgst == 2 ? "2" : "1");
	if (strcmp(n, "UPGERR") == 0)
		return (p->upg_errmsg != NULL ? p->upg_errmsg : "");
	if (strcmp(n, "PRVTMR") == 0 || strcmp(n, "UPGTMR") == 0) {
		/* Seconds since the last attempt, or since boot (6.2). */
		now_rel = n[0] == 'P' ? p->last_resync : upgrade_timer_base(p);
		snprintf(tmp, tmpsize, "%llu", (unsigned long long)
		    ((p->now > now_rel ? p->now - now_rel : 0) / 1000000));
		return (tmp);
	}
	if (strcmp(n, "REGTMR1") == 0 || strcmp(n, "REGTMR2") == 0)
		return ("0");
	if (strcmp(n, "UPGCOND") == 0)
		return ("true");
	if (strcmp(n, "ERR") == 0)
		return (p->last_errmsg != NULL ? p->last_errmsg : "");
	if (strcmp(n, "UID1") == 0 || strcmp(n, "UID2") == 0) {
		snprintf(tmp, tmpsize, "User_ID_%c_", n[3]);
		return (phone_get(p, tmp));
	}
	if (strcmp(n, "EMS") == 0)
		return ("0");
	/* Extension mobility is not emulated: nobody is signed in. */
	if (strcmp(n, "MUID") == 0 || strcmp(n, "MPWD") == 0 ||
	    strcmp(n, "PDOM") == 0)
		return ("");
	if (strcmp(n, "VERSION") == 0)
		return (phone_version_macro(p, tmp, tmpsize));
	if (strcmp(n, "ORIGTYPE") == 0)
		return ("orig_mpp");
	if (strcmp(n, "AUTHSTATUS") == 0)
		return ("none");
	/* 9.3: the URL of the running fetch, the final one after it. */
	if (strcmp(n, "SCHEME") == 0 || strcmp(n, "METH") == 0)
		return (p->m_scheme != NULL ? p->m_scheme : "");
	if (strcmp(n, "SERV") == 0)
		return (p->m_serv != NULL ? p->m_serv : "");
	if (strcmp(n, "SERVIP") == 0) {
		if (p->servip[0] != '\0')
			return (p->servip);
		return (p->m_serv != NULL ? p->m_serv : "");
	}
	if (strcmp(n, "PORT") == 0) {
		if (p->m_path == NULL)
			return ("");
		snprintf(tmp, tmpsize, "%u", p->m_port);
		return (tmp);
	}
	if (strcmp(n, "PATH") == 0)
		return (p->m_path != NULL ? p->m_path : "");
	return (NULL);	/* B42: $PRVERR, $DHCPOPTION_66 stay as written */
}

static void
phone_rule_log(void *arg, const char *msg)
{
	struct phone	*p = arg;

	phone_log(p, p->out, TRACE_PROV, "rule: %s", msg);
}

/*
 * The environment a rule of this phone is evaluated in: its variables,
 * assignments as provisioning changes, reasons to the trace.  Used by the
 * resync, the triggers and "rule expand", so all three agree.
 */
void
phone_rule_env(struct phone *p, struct rule_env *env, enum rule_kind kind)
{
	memset(env, 0, sizeof *env);
	env->lookup = phone_macro_lookup;
	env->arg = p;
	env->assign = kind == RULE_KIND_TRIGGER ? NULL : phone_rule_assign;
	env->log = phone_rule_log;
	env->kind = kind;
}

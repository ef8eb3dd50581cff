/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The provisioning state machine (spec 3): boot delay, the boot decision
 * (T7-T9), discovery (4: DHCP, DNS SRV, EDOS remote customization, GDS
 * activation codes) with the customization states of 4.8, the resync
 * procedure (3.4) over Profile_Rule and Profile_Rule_B to _D, the custom CA
 * (16.5), decoding and applying profiles (8.5, 11), outcomes A/B/C (9.2),
 * the periodic, daily and error-retry timers (3.5), trigger gating (3.3)
 * coalescing of triggers that arrive during a resync (B124), and the idle
 * rule (3.4 step 2, 3.6): a resync that comes due during a call waits for
 * the phone to be idle, or for Forced_Resync_Delay (B87).
 *
 * Transfers are started through the hub (phone_fetch_start) and come back
 * finished through prov_fetch_done(), one owner each (enum fetch_owner).
 * Not here yet (later issues): firmware upgrades (P7 passes straight to
 * P9), RFC 8188.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu-int.h"

#define PROV_CA_MAX		(64 * 1024)	/* a custom CA file */

static int	prov_unprovisioned(struct phone *);
static void	prov_boot_decision(struct phone *, emu_time,
		    struct emu_outbox *);
static void	prov_discover(struct phone *, emu_time, struct emu_outbox *);
static void	prov_edos_step(struct phone *, emu_time, struct emu_outbox *);
static void	prov_gds_step(struct phone *, emu_time, struct emu_outbox *);
static void	prov_cloud_done(struct phone *, enum fetch_owner,
		    struct fetch *, emu_time, struct emu_outbox *);
static void	prov_set_act(struct phone *, enum phone_act,
		    struct emu_outbox *);
static void	prov_disc_wait(struct phone *, emu_time, struct emu_outbox *);
static void	prov_resync_start(struct phone *, int, const char *, emu_time,
		    struct emu_outbox *);
static void	prov_request(struct phone *, int, const char *, int, emu_time,
		    struct emu_outbox *);
static int	prov_postpone(struct phone *, int, const char *, emu_time,
		    struct emu_outbox *);
static void	prov_run_pending(struct phone *, emu_time, struct emu_outbox *);
static int	prov_ca_needed(struct phone *);
static void	prov_ca_start(struct phone *, emu_time, struct emu_outbox *);
static void	prov_ca_done(struct phone *, struct fetch *, emu_time,
		    struct emu_outbox *);
static void	prov_next_rule(struct phone *, emu_time, struct emu_outbox *);
static void	prov_rule_fetch(struct phone *, emu_time, struct emu_outbox *);
static void	prov_resync_fetch_done(struct phone *, struct fetch *,
		    emu_time, struct emu_outbox *);
static void	prov_resync_ok(struct phone *, emu_time, struct emu_outbox *);
static void	prov_resync_fail(struct phone *, enum emu_err, emu_time,
		    struct emu_outbox *);
static void	prov_resync_end(struct phone *, emu_time, struct emu_outbox *);
static void	prov_set_macros(struct phone *, enum rule_scheme, const char *,
		    uint16_t, const char *, const char *);
static void	prov_arm_retry(struct phone *, emu_time, struct emu_outbox *);
static void	prov_arm_periodic(struct phone *, emu_time, int,
		    struct emu_outbox *);
static int	prov_triggers_pass(struct phone *, struct emu_outbox *);
static uint32_t	prov_sched(struct phone *, int, unsigned,
		    struct emu_outbox *);
static int	prov_resync_at(struct phone *, emu_time, emu_time *);
static enum emu_err prov_apply_body(struct phone *, const uint8_t *, size_t,
		    const char *, const char *, int, int *,
		    struct emu_outbox *);
static int	prov_fw_at_least(struct phone *, const char *);
static void	prov_local_resync(struct phone *, int, emu_time,
		    struct emu_outbox *);
static void	prov_account_prompt(struct phone *, struct fetch *,
		    struct emu_outbox *);
static void	prov_cloud_req(struct phone *, struct fetch_req *);
static void	prov_resync_timer(struct phone *, emu_time,
		    struct emu_outbox *);

void
prov_enter(struct phone *p, enum prov_state st, emu_time now,
    struct emu_outbox *out)
{
	if (p->st == st)
		return;
	phone_log(p, out, TRACE_PROV, "%s -> %s", prov_state_name(p->st),
	    prov_state_name(st));
	p->st = st;
	phone_note_simple(p, out, EMU_NOTE_STATE, st, EMU_OK);
}

/* The first DHCP ACK of a boot (T5, T6): P3 is folded into P4. */
void
prov_bound(struct phone *p, emu_time now, struct emu_outbox *out)
{
	uint64_t	units, delay_ms;

	/* 4.2.4, B5: a DHCP source while Open aborts remote customization. */
	if (p->dhcp_prov != NULL && p->cust == CUST_OPEN) {
		phone_log(p, out, TRACE_PROV, "DHCP option %u: no remote "
		    "customization", p->dhcp_prov_opt);
		phone_set_cust(p, CUST_ABORTED, out);
	}
	/* P4: rand(0, 20 x Resync_Random_Delay) seconds (K1, B82). */
	if (parse_uint(phone_param(p, P_RESYNC_RANDOM_DELAY), 0, 65535, &units,
	    NULL) != 0)
		units = 2;
	delay_ms = prng_range(&p->rng, units * 20 * 1000);
	prov_enter(p, PROV_BOOT_DELAY, now, out);
	p->t_boot = EMU_TIME_ADD(now, EMU_MS(delay_ms));
	upgrade_booted(p, now, out);
}

emu_time
prov_deadline(const struct phone *p)
{
	emu_time	t = p->t_resync, d;

	if (p->st == PROV_BOOT_DELAY && p->t_boot < t)
		t = p->t_boot;
	if ((d = upgrade_deadline(p)) < t)
		t = d;
	if ((d = upload_deadline(p)) < t)
		t = d;
	if (p->t_forced < t)
		t = p->t_forced;
	return (t);
}

void
prov_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	/* Each timer's transfers start when it was due (p->due). */
	if (p->st == PROV_BOOT_DELAY && p->t_boot <= now) {
		p->due = p->t_boot;
		p->t_boot = EMU_TIME_NEVER;
		prov_boot_decision(p, now, out);
	}
	p->due = upload_deadline(p);
	upload_timer(p, now, out);
	if ((p->due = upgrade_deadline(p)) <= now)
		upgrade_timer(p, now, out);
	p->due = p->t_forced;
	if (p->t_forced <= now) {
		/* B87: busy for Forced_Resync_Delay since it came due: the
		 * resync runs during the call. */
		p->t_forced = EMU_TIME_NEVER;
		if (p->st == PROV_OPERATIONAL || p->st == PROV_ACTIVATION ||
		    p->st == PROV_UPGRADING) {
			phone_log(p, out, TRACE_PROV, "resync forced during a "
			    "call (Forced_Resync_Delay)");
			prov_run_pending(p, now, out);
		}
	}
	p->due = p->t_resync;
	if (p->t_resync <= now)
		prov_resync_timer(p, now, out);
	p->due = 0;
}

/* The resync timer (periodic, daily, error retry) is due. */
static void
prov_resync_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	prvst;

	p->t_resync = EMU_TIME_NEVER;
	p->status.next_resync_at = EMU_TIME_NEVER;
	if (p->disc_retry) {
		/* T12 ASSUMPTION: discovery again on the retry. */
		p->disc_retry = 0;
		if (p->st == PROV_OPERATIONAL && prov_unprovisioned(p) &&
		    param_is_true(phone_param(p, P_PROVISION_ENABLE))) {
			prov_discover(p, now, out);
			return;
		}
	}
	prvst = p->retry_armed ? 2 : 1;
	/* 3.3, B85: the error retry is not gated (ASSUMPTION). */
	if (prvst == 1 && !prov_triggers_pass(p, out)) {
		phone_log(p, out, TRACE_PROV, "periodic resync gated "
		    "by Resync_Trigger");
		prov_arm_periodic(p, now, 0, out);
		return;
	}
	prov_resync_request(p, prvst, NULL, now, out);
}

/*
 * 4.1 ASSUMPTION: unprovisioned means never configured: not provisioned,
 * remote customization not abandoned nor under way with its redirect, and
 * the factory rules.  A phone whose flash holds another Profile_Rule takes
 * the boot decision of a provisioned phone (T8: Resync_On_Reset, triggers).
 */
static int
prov_unprovisioned(struct phone *p)
{
	int	i;

	if (p->provisioned)
		return (0);
	if (p->cust != CUST_OPEN && p->cust != CUST_PENDING &&
	    p->cust != CUST_UNAVAILABLE)
		return (0);
	if (strcmp(phone_param(p, P_PROFILE_RULE),
	    param_table[P_PROFILE_RULE].def) != 0)
		return (0);
	for (i = P_PROFILE_RULE_B; i <= P_PROFILE_RULE_D; i++) {
		if (*phone_param(p, i) != '\0')
			return (0);
	}
	return (1);
}

/* T7, T8, T9. */
static void
prov_boot_decision(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	enable = param_is_true(phone_param(p, P_PROVISION_ENABLE));
	int	no_resync = p->boot_no_resync;

	p->boot_no_resync = 0;
	/* B17: a provisioned phone never discovers (nor asks EDOS). */
	if (enable && prov_unprovisioned(p)) {
		prov_discover(p, now, out);		/* T7 */
		return;
	}
	/* B83: Resync_On_Reset=No: no resync at boot. */
	if (enable && !no_resync &&
	    param_is_true(phone_param(p, P_RESYNC_ON_RESET))) {
		if (!prov_triggers_pass(p, out))
			phone_log(p, out, TRACE_PROV, "boot resync gated by "
			    "Resync_Trigger");
		else if (!prov_postpone(p, 0, NULL, now, out)) {
			prov_resync_start(p, 0, NULL, now, out);	/* T8 */
			return;
		}
	} else if (enable)
		phone_log(p, out, TRACE_PROV, "no boot resync (%s)",
		    no_resync ? "reboot caused by a profile" :
		    "Resync_On_Reset is No");
	/* T9: on to P7 and P9, running a resync requested while booting. */
	prov_resync_end(p, now, out);
}

/*
 * P5 (4.1): DHCP, then DNS SRV, then EDOS, then the activation code.  The
 * first step that applies runs; the next is tried when it finds nothing.
 */
static void
prov_discover(struct phone *p, emu_time now, struct emu_outbox *out)
{
	prov_enter(p, PROV_DISCOVERY, now, out);
	if (p->dhcp_prov != NULL) {
		/* Step 1 (4.2): the rules, with the DHCP source. */
		prov_resync_start(p, 0, NULL, now, out);
		return;
	}
	if (p->domain != NULL && p->dns[0] != 0) {
		/* Step 2 (4.3): SRV names of the DHCP domain. */
		p->disc_step = FO_SRV + 1;
		p->srv_path = 0;
		prov_resync_start(p, 0, NULL, now, out);
		return;
	}
	prov_edos_step(p, now, out);
}

/* Step 3 (4.4, 13.1): ask EDOS, unless customization was abandoned. */
static void
prov_edos_step(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct fetch_req	 rq;
	char			*path;

	if (p->cust != CUST_OPEN && p->cust != CUST_PENDING &&
	    p->cust != CUST_UNAVAILABLE) {
		phone_log(p, out, TRACE_PROV, "no EDOS query: customization "
		    "%s", cust_state_name(p->cust));
		prov_disc_wait(p, now, out);
		return;
	}
	path = cloud_device_target(p->macstr, p->model, p->serial, p->swver);
	prov_cloud_req(p, &rq);
	rq.kind = EMU_XFER_EDOS;
	/* B12, K5: firmware older than 11.2(1) asks webapps.cisco.com. */
	rq.host = prov_fw_at_least(p, "11-2-1") ? CLOUD_EDOS_HOST :
	    CLOUD_EDOS_HOST_OLD;
	rq.path = path;
	p->disc_step = FO_EDOS + 1;
	phone_log(p, out, TRACE_PROV, "EDOS query to %s", rq.host);
	/* B11: the query is sent: Pending. */
	phone_set_cust(p, CUST_PENDING, out);
	phone_fetch_start(p, FO_EDOS, &rq, now, out);
	free(path);
}

/*
 * Step 4 (4.5): the activation-code screen, where the phone can show it:
 * Webex_Onboard_Enable, firmware 11.2(3) or later, not a CP-6861 (B25).
 */
static void
prov_gds_step(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (!param_is_true(phone_get(p, "Webex_Onboard_Enable"))) {
		phone_log(p, out, TRACE_PROV, "no activation code: "
		    "Webex_Onboard_Enable is No");
		prov_disc_wait(p, now, out);
		return;
	}
	if (strcmp(p->model, "CP-6861-3PCC") == 0) {
		/* B25: the 6861 has no activation-code onboarding. */
		phone_log(p, out, TRACE_PROV, "no activation code on %s",
		    p->model);
		prov_disc_wait(p, now, out);
		return;
	}
	if (!prov_fw_at_least(p, "11-2-3")) {
		phone_log(p, out, TRACE_PROV, "no activation code: firmware "
		    "%s is older than 11.2(3)", p->swver);
		prov_disc_wait(p, now, out);
		return;
	}
	prov_enter(p, PROV_ACTIVATION, now, out);	/* T11, B19 */
	prov_set_act(p, PHONE_ACT_SHOWN, out);
}

/* Nothing more to discover now (T12): wait in P9 for a boot or the user. */
static void
prov_disc_wait(struct phone *p, emu_time now, struct emu_outbox *out)
{
	p->disc_step = 0;
	prov_resync_end(p, now, out);
}

static void
prov_set_act(struct phone *p, enum phone_act a, struct emu_outbox *out)
{
	if (p->status.act == a)
		return;
	phone_log(p, out, TRACE_LCD, "activation screen: %s",
	    phone_act_name(a));
	p->status.act = a;
	phone_note_simple(p, out, EMU_NOTE_ACTIVATION, a, EMU_OK);
}

/*
 * The user typed a code and pressed Continue (15.6): 16 digits go to GDS,
 * '#' and 3-16 digits are a short code for EDOS (13.2); anything else is
 * refused on the phone (B24).
 */
void
prov_activate(struct phone *p, const char *code, emu_time now,
    struct emu_outbox *out)
{
	struct fetch_req	 rq;
	char			*path = NULL, *body = NULL, *cause = NULL;
	int			 kind;

	if (p->st != PROV_ACTIVATION) {
		phone_log(p, out, TRACE_LCD, "activation code while %s: "
		    "ignored", prov_state_name(p->st));
		return;
	}
	if (p->fx[FO_GDS] != NULL || p->fx[FO_CODE] != NULL) {
		phone_log(p, out, TRACE_LCD, "activation busy: code ignored");
		return;
	}
	if ((kind = cloud_code_check(code, &cause)) < 0) {
		/* B24: refused locally, the screen stays. */
		phone_log(p, out, TRACE_LCD, "activation code refused: %s",
		    cause);
		free(cause);
		prov_set_act(p, PHONE_ACT_INVALID, out);
		return;
	}
	prov_cloud_req(p, &rq);
	prov_set_act(p, PHONE_ACT_BUSY, out);
	if (kind == CLOUD_CODE_SHORT) {
		/* B23: '#' then digits: the CDA redirect through EDOS. */
		path = cloud_code_target(code + 1, p->macstr, p->model);
		rq.kind = EMU_XFER_CODE;
		rq.host = CLOUD_EDOS_HOST;
		rq.path = path;
		phone_log(p, out, TRACE_PROV, "short activation code");
		phone_fetch_start(p, FO_CODE, &rq, now, out);
	} else {
		/* B21: the GDS POST. */
		body = cloud_gds_body(code, p->macstr, p->model, p->serial,
		    p->swver);
		rq.kind = EMU_XFER_GDS;
		rq.host = CLOUD_GDS_HOST;
		rq.path = CLOUD_GDS_PATH;
		rq.method = "POST";
		rq.body = (const uint8_t *)body;
		rq.body_len = strlen(body);
		rq.content_type = "application/json";
		phone_log(p, out, TRACE_PROV, "activation code to GDS");
		phone_fetch_start(p, FO_GDS, &rq, now, out);
	}
	free(path);
	free(body);
}

/* A finished transfer, back from the hub. */
void
prov_fetch_done(struct phone *p, enum fetch_owner owner, struct fetch *fx,
    emu_time now, struct emu_outbox *out)
{
	switch (owner) {
	case FO_RESYNC:
		prov_resync_fetch_done(p, fx, now, out);
		break;
	case FO_CA:
		prov_ca_done(p, fx, now, out);
		break;
	case FO_UPGRADE:
		upgrade_fetch_done(p, fx, now, out);
		break;
	case FO_EDOS:
	case FO_CODE:
	case FO_GDS:
		prov_cloud_done(p, owner, fx, now, out);
		break;
	case FO_REPORT:
	case FO_REPORT2:
		upload_fetch_done(p, owner, fx, now, out);
		break;
	default:
		break;
	}
	fetch_free(fx, p, out);
}

/* EDOS device query, short code and GDS answers (13.1-13.3, 4.8). */
static void
prov_cloud_done(struct phone *p, enum fetch_owner owner, struct fetch *fx,
    emu_time now, struct emu_outbox *out)
{
	const struct dbuf	*b = fetch_body(fx);
	enum emu_err		 err = fetch_err(fx);
	struct cloud_grant	 g;
	char			*company = NULL, *rule, *cause = NULL;
	int			 reboot = 0, verdict, status;

	/* The final status when one came; 0 for no answer at all. */
	status = err == EMU_E_FNF ? 404 : fetch_status(fx);
	if (err != EMU_OK && err != EMU_E_CORRUPT && err != EMU_E_FNF &&
	    err != EMU_E_HTTP)
		status = 0;
	if (owner == FO_GDS) {
		verdict = cloud_gds_reply(status, b->data, b->len, &g, &cause);
		if (verdict == CLOUD_GDS_OK) {
			/* B21: the rule is stored; the screen is left. */
			phone_log(p, out, TRACE_PROV, "activation accepted%s",
			    g.uid != NULL || g.pwd != NULL ?
			    " with credentials" : "");
			rule = cloud_grant_rule(&g);
			cloud_grant_clear(&g);
			phone_set_id(p, P_PROFILE_RULE, rule, 0);
			free(rule);
			prov_set_act(p, PHONE_ACT_OK, out);
			prov_enter(p, PROV_OPERATIONAL, now, out);
			prov_resync_start(p, -1, NULL, now, out);
			return;
		}
		phone_log(p, out, TRACE_PROV, "activation refused: %s",
		    cause != NULL ? cause : verdict == CLOUD_GDS_INVALID ?
		    "invalid code" : emu_err_cause(err));
		free(cause);
		/* B22: invalid or expired; other errors: failed. */
		prov_set_act(p, verdict == CLOUD_GDS_INVALID ?
		    PHONE_ACT_INVALID : PHONE_ACT_FAILED, out);
		return;
	}
	verdict = cloud_edos_classify(status, b->data, b->len, &company,
	    &cause);
	if (verdict == CLOUD_EDOS_REDIRECT) {
		err = prov_apply_body(p, b->data, b->len, NULL, NULL, -1,
		    &reboot, out);
		if (err != EMU_OK) {
			phone_log(p, out, TRACE_PROV, "EDOS redirect profile: "
			    "%s", emu_err_name(err));
			verdict = CLOUD_EDOS_RETRY;
		}
	}
	switch (verdict) {
	case CLOUD_EDOS_REDIRECT:
		/* B13: Custom Pending, then a resync with the new rules. */
		free(p->company);
		p->company = company;
		company = NULL;
		phone_set_cust(p, CUST_CUSTOM_PENDING, out);
		p->disc_step = 0;
		if (owner == FO_CODE) {
			prov_set_act(p, PHONE_ACT_OK, out);
			prov_enter(p, PROV_OPERATIONAL, now, out);
		}
		if (reboot) {
			/* B123: a reboot for remote customization is RC. */
			phone_reboot(p, PHONE_RB_RC, now, out);
			break;
		}
		prov_resync_start(p, -1, NULL, now, out);
		break;
	case CLOUD_EDOS_UNAVAILABLE:
		if (owner == FO_CODE) {
			/* 13.2: an unknown short code is invalid. */
			prov_set_act(p, PHONE_ACT_INVALID, out);
			break;
		}
		/* B14: no provider knows the phone. */
		phone_set_cust(p, CUST_UNAVAILABLE, out);
		p->disc_step = 0;
		prov_gds_step(p, now, out);
		break;
	default:
		if (owner == FO_CODE) {
			prov_set_act(p, PHONE_ACT_FAILED, out);
			break;
		}
		/* B15: unreachable or an error: Pending, retried later. */
		phone_log(p, out, TRACE_PROV, "EDOS: %s%s%s%s%s",
		    emu_err_cause(err), cause != NULL ? ": " : "",
		    cause != NULL ? cause : "",
		    *fetch_detail(fx) != '\0' ? ": " : "", fetch_detail(fx));
		p->disc_step = 0;
		prov_arm_retry(p, now, out);
		p->disc_retry = p->t_resync != EMU_TIME_NEVER;
		prov_resync_end(p, now, out);
		break;
	}
	free(cause);
	free(company);
}

/*
 * Any resync trigger (3.3).  A resync already running coalesces the new
 * request into one follow-up (B124); a phone still booting keeps it for
 * when it becomes operational; one that comes due during a call waits for
 * idle (B87), except the LCD's (user).
 */
void
prov_resync_request(struct phone *p, int prvst, const char *rule,
    emu_time now, struct emu_outbox *out)
{
	prov_request(p, prvst, rule, 0, now, out);
}

/* 3.3: the LCD "Resync" is user-initiated: it does not wait for idle. */
void
prov_resync_user(struct phone *p, const char *rule, emu_time now,
    struct emu_outbox *out)
{
	prov_request(p, -1, rule, 1, now, out);
}

static void
prov_request(struct phone *p, int prvst, const char *rule, int user,
    emu_time now, struct emu_outbox *out)
{
	if (p->st != PROV_OPERATIONAL && p->st != PROV_ACTIVATION &&
	    p->st != PROV_UPGRADING) {
		if (!p->resync_pending || prvst == -1) {
			p->resync_pending = 1;
			p->pending_prvst = prvst;
			p->pending_user = user;
			free(p->pending_rule);
			p->pending_rule = rule != NULL ? xstrdup(rule) : NULL;
		}
		phone_log(p, out, TRACE_PROV, "resync request while %s: "
		    "queued", prov_state_name(p->st));
		return;
	}
	if (!user && prov_postpone(p, prvst, rule, now, out))
		return;
	if (p->st == PROV_ACTIVATION)
		prov_set_act(p, PHONE_ACT_HIDDEN, out);
	prov_resync_start(p, prvst, rule, now, out);
}

/*
 * 3.4 step 2, B87: a resync that waits for idle and comes due during a
 * call is postponed: it runs when the phone is idle (prov_idle) or, once
 * the phone has been busy for Forced_Resync_Delay seconds since it came
 * due, during the call.  Triggers that come meanwhile join it: one resync
 * (B124).  Returns 1 if postponed, 0 if the phone is idle.
 */
static int
prov_postpone(struct phone *p, int prvst, const char *rule, emu_time now,
    struct emu_outbox *out)
{
	uint64_t	d;

	if (!phone_busy(p))
		return (0);
	if (!p->resync_pending || prvst == -1) {
		p->pending_prvst = prvst;
		free(p->pending_rule);
		p->pending_rule = rule != NULL ? xstrdup(rule) : NULL;
	}
	p->resync_pending = 1;
	p->pending_user = 0;
	if (p->t_forced == EMU_TIME_NEVER) {
		if (parse_uint(phone_param(p, P_FORCED_RESYNC_DELAY), 0, 65535,
		    &d, NULL) != 0 && parse_uint(phone_param_default(p,
		    P_FORCED_RESYNC_DELAY), 0, 65535, &d, NULL) != 0)
			d = 0;
		p->t_forced = EMU_TIME_ADD(now, EMU_SEC(d));
		phone_log(p, out, TRACE_PROV, "resync postponed: a call is in "
		    "progress (forced in %llu s)", (unsigned long long)d);
	} else
		phone_log(p, out, TRACE_PROV, "resync joins the postponed one");
	return (1);
}

/* The phone has just become idle (3.6). */
void
prov_idle(struct phone *p, emu_time now, struct emu_outbox *out)
{
	/* B87: a postponed resync runs as soon as the phone is idle. */
	if (p->t_forced != EMU_TIME_NEVER &&
	    (p->st == PROV_OPERATIONAL || p->st == PROV_ACTIVATION ||
	    p->st == PROV_UPGRADING)) {
		phone_log(p, out, TRACE_PROV, "idle: the postponed resync "
		    "runs");
		prov_run_pending(p, now, out);
	}
	/* 3.6, 12.2 step 5: a waiting upgrade starts (B94). */
	upgrade_idle(p, now, out);
}

/* Start the pending resync now. */
static void
prov_run_pending(struct phone *p, emu_time now, struct emu_outbox *out)
{
	char	*rule;
	int	 prvst;

	p->t_forced = EMU_TIME_NEVER;
	if (!p->resync_pending)
		return;
	p->resync_pending = 0;
	p->pending_user = 0;
	prvst = p->pending_prvst;
	rule = p->pending_rule;
	p->pending_rule = NULL;
	if (p->st == PROV_ACTIVATION)
		prov_set_act(p, PHONE_ACT_HIDDEN, out);
	prov_resync_start(p, prvst, rule, now, out);
	free(rule);
}

static void
prov_resync_start(struct phone *p, int prvst, const char *rule, emu_time now,
    struct emu_outbox *out)
{
	if (p->t_forced != EMU_TIME_NEVER) {
		/* B124: a resync postponed by a call is this one. */
		p->t_forced = EMU_TIME_NEVER;
		p->resync_pending = 0;
		p->pending_user = 0;
		free(p->pending_rule);
		p->pending_rule = NULL;
	}
	/* 3.4 step 1, B84. */
	if (!param_is_true(phone_param(p, P_PROVISION_ENABLE))) {
		phone_log(p, out, TRACE_PROV, "resync: Provision_Enable is No");
		free(p->last_errmsg);
		p->last_errmsg = xstrdup(emu_err_name(EMU_E_DISABLED));
		p->disc_step = 0;
		if (prvst != -1)
			prov_arm_periodic(p, now, 0, out);
		if (p->st != PROV_OPERATIONAL) {
			prov_enter(p, PROV_UPGRADE_CHECK, now, out);
			prov_enter(p, PROV_OPERATIONAL, now, out);
		}
		return;
	}
	prov_enter(p, PROV_RESYNC, now, out);
	p->prvst = prvst;
	p->last_resync = now;
	p->status.last_resync_at = now;
	p->rule_idx = 0;
	p->t_resync = EMU_TIME_NEVER;
	p->status.next_resync_at = EMU_TIME_NEVER;
	free(p->run_rule);
	p->run_rule = rule != NULL ? xstrdup(rule) : NULL;
	p->explicit_rule = rule != NULL;
	free(p->prev_server);
	p->prev_server = NULL;
	if (prov_ca_needed(p)) {
		prov_ca_start(p, now, out);
		return;
	}
	prov_next_rule(p, now, out);
}

/*
 * 16.5 ASSUMPTION: the custom CA is fetched at the start of a resync when
 * Custom_CA_Rule changed or the last download failed.
 */
static int
prov_ca_needed(struct phone *p)
{
	const char	*rule = phone_get(p, "Custom_CA_Rule");

	if (rule == NULL || *rule == '\0' || p->disc_step != 0)
		return (0);
	if (p->ca_rule != NULL && strcmp(p->ca_rule, rule) == 0 &&
	    p->ca_state == 1)
		return (0);
	return (1);
}

static void
prov_ca_start(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct rule_env		 env;
	struct rule_result	 res;
	struct fetch_req	 rq;
	const char		*rule = phone_get(p, "Custom_CA_Rule");

	phone_rule_env(p, &env, RULE_KIND_UPGRADE);
	env.assign = NULL;
	rule_result_init(&res);
	if (rule_eval(rule, &env, &res) != RULE_FETCH) {
		phone_log(p, out, TRACE_PROV, "Custom_CA_Rule: %s",
		    res.errmsg != NULL ? res.errmsg : "no URL");
		free(p->ca_rule);
		p->ca_rule = xstrdup(rule);
		p->ca_state = 2;
		rule_result_clear(&res);
		prov_next_rule(p, now, out);
		return;
	}
	fetch_req_rule(&rq, EMU_XFER_CA, &res);
	rq.max_len = PROV_CA_MAX;
	phone_log(p, out, TRACE_PROV, "custom CA from %s://%s:%u%s",
	    rule_scheme_name(res.scheme), res.host, res.port, res.path);
	phone_fetch_start(p, FO_CA, &rq, now, out);
	rule_result_clear(&res);
}

static void
prov_ca_done(struct phone *p, struct fetch *fx, emu_time now,
    struct emu_outbox *out)
{
	const struct dbuf	*b = fetch_body(fx);
	uint8_t			*der = NULL;
	size_t			 len = 0;
	char			*cause = NULL;

	free(p->ca_rule);
	p->ca_rule = xstrdup(phone_get(p, "Custom_CA_Rule"));
	if (fetch_err(fx) != EMU_OK) {
		phone_log(p, out, TRACE_PROV, "custom CA: %s",
		    emu_err_name(fetch_err(fx)));
		p->ca_state = 2;
	} else if (pki_ca_parse(b->data, b->len, &der, &len,
	    &cause) != 0) {
		phone_log(p, out, TRACE_PROV, "custom CA: %s", cause);
		free(cause);
		p->ca_state = 2;
	} else {
		/* B54: trusted from now on. */
		free(p->ca_der);
		p->ca_der = der;
		p->ca_len = len;
		p->ca_state = 1;
		phone_log(p, out, TRACE_PROV, "custom CA installed");
	}
	if (p->st == PROV_RESYNC)
		prov_next_rule(p, now, out);
}

/* 3.4 step 5: evaluate rules until one needs a fetch or all are done. */
static void
prov_next_rule(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct rule_env		 env;
	const char		*text, *def;
	enum rule_rc		 rc;
	int			 nrules = p->explicit_rule ? 1 : 4; /* B88 */

	if (p->disc_step == FO_SRV + 1) {
		/* 4.3: automatic SRV discovery, one synthesized rule. */
		if (p->rule_idx++ == 0) {
			prov_rule_fetch(p, now, out);
			return;
		}
		prov_resync_ok(p, now, out);
		return;
	}
	phone_rule_env(p, &env, RULE_KIND_PROFILE);
	/* B43: rules A to D in order, each file applied as it comes. */
	while (p->rule_idx < nrules) {
		if (p->explicit_rule)
			text = p->run_rule;
		else if (p->rule_idx == 0) {
			text = phone_param(p, P_PROFILE_RULE);
			def = param_table[P_PROFILE_RULE].def;
			/* 4.2.4 ASSUMPTION, B4: a DHCP URL replaces the
			 * factory rule. */
			if (p->dhcp_prov != NULL && p->dhcp_prov_url &&
			    strcmp(text, def) == 0)
				text = p->dhcp_prov;
		} else
			text = phone_param(p, P_PROFILE_RULE + p->rule_idx);
		p->rule_idx++;
		/* B1: option 66 (a host) is the server of /$PSN.xml. */
		env.dhcp_server = p->dhcp_prov != NULL && !p->dhcp_prov_url ?
		    p->dhcp_prov : NULL;
		env.prev_server = p->prev_server;
		rule_result_clear(&p->rr);
		rule_result_init(&p->rr);
		rc = rule_eval(text != NULL ? text : "", &env, &p->rr);
		switch (rc) {
		case RULE_DISABLED:	/* B44: an empty rule A; B still runs */
		case RULE_SKIP:		/* B31 */
		case RULE_NOURL:
			continue;
		case RULE_GDS:
			/* T11b, B20: activation-code onboarding, no outcome. */
			phone_log(p, out, TRACE_PROV, "rule is gds://");
			free(p->run_rule);
			p->run_rule = NULL;
			p->explicit_rule = 0;
			prov_enter(p, PROV_ACTIVATION, now, out);
			prov_set_act(p, PHONE_ACT_SHOWN, out);
			return;
		case RULE_ERROR:	/* B45: no later rule runs */
			prov_resync_fail(p, p->rr.err, now, out);
			return;
		case RULE_FETCH:
			break;
		}
		prov_rule_fetch(p, now, out);
		return;
	}
	prov_resync_ok(p, now, out);
}

/* 3.4 step 5g-h: the fetch of the rule just evaluated (or of SRV). */
static void
prov_rule_fetch(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct fetch_req	 rq;
	char			*body = NULL, *path = NULL;
	uint32_t		 a;

	memset(&rq, 0, sizeof rq);
	rq.kind = EMU_XFER_PROFILE;
	if (p->disc_step == FO_SRV + 1) {
		/* 4.3 ASSUMPTION: /$PSN.xml, then /Cisco/$MA.cfg on FNF. */
		path = macro_expand(p->srv_path == 0 ? "/$PSN.xml" :
		    "/Cisco/$MA.cfg", 0, phone_macro_lookup, p);
		rq.scheme = p->srv_path == 0 ? RULE_HTTPS : p->rr.scheme;
		rq.host = p->domain;
		rq.port = rq.scheme == RULE_HTTPS ? 443 : 80;
		rq.path = path;
		rq.srv = 1;
		rq.srv_auto = p->srv_path == 0;
		rq.no_restrict = 1;
	} else {
		fetch_req_rule(&rq, EMU_XFER_PROFILE, &p->rr);
		rq.srv = p->rr.srv;
		if (p->rr.post >= 0 && p->rr.scheme != RULE_TFTP) {
			/* 9.5, B37: the body is GPP_x, expanded now. */
			body = macro_expand(phone_param(p, P_GPP_A +
			    p->rr.post), 0, phone_macro_lookup, p);
			rq.method = "POST";
			rq.body = (const uint8_t *)body;
			rq.body_len = strlen(body);
		}
	}
	prov_set_macros(p, rq.scheme, rq.host, rq.port, rq.path, NULL);
	if (ipv4_parse(rq.host, &a) == 0)
		pf_strlcpy(p->servip, rq.host, sizeof p->servip);
	free(p->cur_url);
	xasprintf(&p->cur_url, "%s://%s:%u%s", rule_scheme_name(rq.scheme),
	    rq.host, rq.port, rq.path);
	phone_syslog(p, out, P_LOG_REQUEST_MSG);	/* B89 */
	phone_fetch_start(p, FO_RESYNC, &rq, now, out);
	free(body);
	free(path);
}

/* $SCHEME $SERV $SERVIP $PORT $PATH (6.2); 9.3: the final URL after. */
static void
prov_set_macros(struct phone *p, enum rule_scheme scheme, const char *host,
    uint16_t port, const char *path, const char *servip)
{
	free(p->m_scheme);
	p->m_scheme = xstrdup(rule_scheme_name(scheme));
	free(p->m_serv);
	p->m_serv = xstrdup(host);
	p->m_port = port;
	free(p->m_path);
	p->m_path = xstrdup(path);
	p->servip[0] = '\0';
	if (servip != NULL)
		pf_strlcpy(p->servip, servip, sizeof p->servip);
}

static void
prov_resync_fetch_done(struct phone *p, struct fetch *fx, emu_time now,
    struct emu_outbox *out)
{
	const struct dbuf	*b;
	enum emu_err		 err = fetch_err(fx);
	int			 reboot = 0, alias;
	const char		*key;

	if (p->st != PROV_RESYNC)
		return;
	p->status.last_status = fetch_status(fx);
	free(p->last_url);
	p->last_url = xstrdup(fetch_url(fx));
	free(p->prev_server);
	p->prev_server = xstrdup(p->disc_step != 0 ? fetch_host(fx) :
	    p->rr.host);
	prov_set_macros(p, fetch_scheme(fx), fetch_host(fx), fetch_port(fx),
	    fetch_path(fx), fetch_servip(fx));
	if (p->disc_step == FO_SRV + 1) {
		if (fetch_srv_none(fx)) {
			/* 4.3: no SRV record; on to EDOS (step 3). */
			phone_log(p, out, TRACE_PROV, "no provisioning SRV "
			    "record for %s", p->domain);
			p->disc_step = 0;
			prov_enter(p, PROV_DISCOVERY, now, out);
			prov_edos_step(p, now, out);
			return;
		}
		if (err == EMU_E_FNF && p->srv_path == 0) {
			p->srv_path = 1;
			p->rr.scheme = fetch_scheme(fx);
			p->rule_idx = 0;
			prov_next_rule(p, now, out);
			return;
		}
		p->rr.scheme = fetch_scheme(fx);
	}
	if (err == EMU_OK) {
		b = fetch_body(fx);
		/* 11.3, B125: the rule's --key (often $SA, set earlier
		 * over HTTPS) decrypts whatever scheme brought the body. */
		key = p->disc_step != 0 ? NULL : p->rr.key;
		alias = p->disc_step != 0 ? -1 : p->rr.alias;
		err = prov_apply_body(p, b->data, b->len,
		    fetch_content_encoding(fx), key, alias, &reboot, out);
	}
	if (err == EMU_E_FNF &&
	    !param_is_true(phone_param(p, P_RESYNC_FAILS_ON_FNF))) {
		/* 3.4 step 5i, B49: FNF is success with nothing applied. */
		phone_log(p, out, TRACE_PROV, "file not found ignored "
		    "(Resync_Fails_On_FNF=No)");
		err = EMU_OK;
	}
	if (err == EMU_E_AUTH && fetch_status(fx) == 401)
		prov_account_prompt(p, fx, out);
	if (err != EMU_OK) {
		/* B45: later rules do not run; earlier values stay. */
		prov_resync_fail(p, err, now, out);
		return;
	}
	phone_syslog(p, out, P_LOG_SUCCESS_MSG);	/* B89 */
	if (reboot)
		p->boot_no_resync = 1;	/* T18 after the resync ends */
	prov_next_rule(p, now, out);
}

/*
 * 3.4 step 5j-k: decode (decode.c: decrypt, inflate), parse, apply.
 * Returns EMU_OK or a class B error; *reboot is set when a
 * network-identity parameter changed.
 */
static enum emu_err
prov_apply_body(struct phone *p, const uint8_t *data, size_t len,
    const char *cenc, const char *key, int alias_gpp, int *reboot,
    struct emu_outbox *out)
{
	struct decode_in	 din;
	struct dbuf		 dec;
	struct profile		*pr = NULL;
	const char		*alias = NULL, *old;
	char			*cause = NULL;
	enum emu_err		 err;
	size_t			 i;

	dbuf_init(&dec);
	/* 11.3 precedence, B66, B67: decode_body decides. */
	memset(&din, 0, sizeof din);
	din.data = data;
	din.len = len;
	din.content_encoding = cenc;
	din.key = key;
	din.ikm = phone_get(p, "IKM_HTTP_Encrypt_Content");
	if ((err = decode_body(&din, &dec, &cause)) != EMU_OK) {
		phone_log(p, out, TRACE_PROV, "decode: %s", cause);
		goto done;
	}
	if (alias_gpp >= 0)
		alias = phone_param(p, P_GPP_A + alias_gpp);
	if (profile_get(p->ctx, dec.data, dec.len, alias, &pr, &cause) != 0) {
		phone_log(p, out, TRACE_PROV, "profile: %s", cause);
		err = strcmp(cause, "file too big") == 0 ? EMU_E_TOOBIG :
		    EMU_E_CORRUPT;
		goto done;
	}
	/* 8.5, B68, B70: parsed whole before anything is applied; last
	 * wins. */
	for (i = 0; i < pr->n; i++) {
		const struct profile_ent	*e = &pr->ent[i];

		if (e->id < 0)
			continue;
		if (e->ua >= 0)
			pset_set_ua(&p->ps, e->id, e->ua);
		if (e->value == NULL)
			continue;
		if (e->preserve && pset_is_local(&p->ps, e->id))
			continue;
		old = pset_get(&p->ps, e->id);
		if ((param_table[e->id].flags & PARAM_REBOOT) &&
		    strcmp(old, e->value) != 0)
			*reboot = 1;
		pset_set(&p->ps, e->id, e->value, 0);
	}
	phone_log(p, out, TRACE_PROV, "applied %zu values", pr->n);
	profile_unref(pr);
done:
	free(cause);
	dbuf_clear(&dec);
	return (err);
}

/* 3.4 step 6: outcome A. */
static void
prov_resync_ok(struct phone *p, emu_time now, struct emu_outbox *out)
{
	char	*rule;

	p->status.last_class = EMU_CLASS_A;
	p->status.last_err = EMU_OK;
	p->status.resynced = 1;
	p->retry_idx = 0;
	p->provisioned = 1;
	p->ever_ok = 1;
	if (p->disc_step == FO_SRV + 1) {
		/* 4.3 ASSUMPTION: keep the SRV rule, unless the profile set
		 * one; customization is Aborted (4.8). */
		if (strcmp(phone_param(p, P_PROFILE_RULE),
		    param_table[P_PROFILE_RULE].def) == 0) {
			xasprintf(&rule, "[--srv] %s://%s%s",
			    rule_scheme_name(p->rr.scheme), p->domain,
			    p->srv_path == 0 ? "/$PSN.xml" : "/Cisco/$MA.cfg");
			phone_set_id(p, P_PROFILE_RULE, rule, 0);
			free(rule);
		}
		if (p->cust != CUST_ACQUIRED)
			phone_set_cust(p, CUST_ABORTED, out);
		p->disc_step = 0;
	}
	if (p->cust == CUST_CUSTOM_PENDING)
		phone_set_cust(p, CUST_ACQUIRED, out);	/* B13 */
	free(p->last_errmsg);
	p->last_errmsg = xstrdup("");
	phone_log(p, out, TRACE_PROV, "resync succeeded");
	phone_hist_add(p, PHONE_HIST_PROV, 1, EMU_OK, p->last_url, NULL, 0);
	phone_note_simple(p, out, EMU_NOTE_RESYNC, EMU_CLASS_A, EMU_OK);
	prov_arm_periodic(p, now, 1, out);
	prov_resync_end(p, now, out);
}

/* 3.4 step 7: outcome B or C. */
static void
prov_resync_fail(struct phone *p, enum emu_err err, emu_time now,
    struct emu_outbox *out)
{
	p->status.last_class = emu_err_class(err);
	p->status.last_err = err;
	p->status.resynced = 1;
	free(p->last_errmsg);
	p->last_errmsg = xstrdup(emu_err_name(err));
	phone_syslog(p, out, P_LOG_FAILURE_MSG);	/* B90: $ERR is set */
	phone_hist_add(p, PHONE_HIST_PROV, 0, err, p->last_url, p->last_errmsg,
	    0);	/* B92 */
	phone_log(p, out, TRACE_PROV, "resync failed (%s): %s",
	    emu_class_name(emu_err_class(err)), emu_err_cause(err));
	phone_note_simple(p, out, EMU_NOTE_RESYNC, emu_err_class(err), err);
	prov_arm_retry(p, now, out);
	if (p->disc_step != 0) {
		/* T12: a failed discovery resync runs discovery again. */
		p->disc_retry = p->t_resync != EMU_TIME_NEVER;
		p->disc_step = 0;
	}
	prov_resync_end(p, now, out);
}

/* The error-retry timer (3.5, B77, B79). */
static void
prov_arm_retry(struct phone *p, emu_time now, struct emu_outbox *out)
{
	uint32_t	d;

	d = prov_sched(p, P_RESYNC_ERROR_RETRY_DELAY, p->retry_idx++, out);
	if (d == 0) {
		/* B79: 0 means no automatic retry. */
		p->t_resync = EMU_TIME_NEVER;
		p->retry_armed = 0;
	} else {
		p->t_resync = EMU_TIME_ADD(now, EMU_SEC(d));
		p->retry_armed = 1;
	}
	p->status.next_resync_at = p->t_resync;
}

static void
prov_resync_end(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	prvst, user;
	char	*rule;

	free(p->run_rule);
	p->run_rule = NULL;
	p->explicit_rule = 0;
	if (p->boot_no_resync) {
		/* T18, B123: a network-identity change needs a reboot. */
		phone_reboot(p, PHONE_RB_PROVISIONING, now, out);
		p->boot_no_resync = 1;
		return;
	}
	prov_enter(p, PROV_UPGRADE_CHECK, now, out);
	/* 12.2 step 1: an attempt still downloading goes on (3.3: one
	 * resync and one upgrade at a time). */
	prov_enter(p, p->upg_phase == UPG_LOADS || p->upg_phase ==
	    UPG_IMAGE ? PROV_UPGRADING : PROV_OPERATIONAL, now, out);
	if (p->status.last_class == EMU_CLASS_A) {
		upgrade_check(p, "after resync", now, out);
		if (p->st == PROV_REBOOTING || p->st == PROV_BOOT ||
		    p->st == PROV_NETWORK)
			return;		/* B96: a partition switch */
	}
	if (p->resync_pending && p->t_forced == EMU_TIME_NEVER) {
		/* B124: exactly one follow-up for what arrived meanwhile;
		 * B87: it too waits for idle, unless it is the user's. */
		p->resync_pending = 0;
		prvst = p->pending_prvst;
		rule = p->pending_rule;
		user = p->pending_user;
		p->pending_rule = NULL;
		p->pending_user = 0;
		if (user || !prov_postpone(p, prvst, rule, now, out))
			prov_resync_start(p, prvst, rule, now, out);
		free(rule);
	}
}

/*
 * After outcome A: the daily or periodic timer (3.5, B76, B78, B80).  The
 * schedule index advances only after a success; a resync skipped by the
 * triggers or by Provision_Enable re-arms the same element.
 */
static void
prov_arm_periodic(struct phone *p, emu_time now, int advance,
    struct emu_outbox *out)
{
	emu_time	at;
	uint32_t	d;

	p->retry_armed = 0;
	if (prov_resync_at(p, now, &at) == 0) {
		p->t_resync = at;
	} else {
		d = prov_sched(p, P_RESYNC_PERIODIC, p->periodic_idx, out);
		if (advance)
			p->periodic_idx++;
		p->t_resync = d == 0 ? EMU_TIME_NEVER : EMU_TIME_ADD(now, EMU_SEC(d));
	}
	p->status.next_resync_at = p->t_resync;
}

/*
 * Resync_At__HHmm_: the next HH:mm (local wall clock of the run) plus a
 * random offset within max(600, Resync_At_Random_Delay) rounded to whole
 * minutes.  -1 if the value is empty or invalid (B81: ignored).
 */
static int
prov_resync_at(struct phone *p, emu_time now, emu_time *at)
{
	const char	*v = phone_param(p, P_RESYNC_AT);
	uint64_t	 win;
	int64_t		 wall, day, target, delta;
	unsigned	 hh, mm, i;

	if (v == NULL || strlen(v) != 4)
		return (-1);
	for (i = 0; i < 4; i++) {
		if (v[i] < '0' || v[i] > '9')
			return (-1);
	}
	hh = (v[0] - '0') * 10 + (v[1] - '0');
	mm = (v[2] - '0') * 10 + (v[3] - '0');
	if (mm > 59 || hh > 24 || (hh == 24 && mm != 0))
		return (-1);
	if (parse_uint(phone_param(p, P_RESYNC_AT_RANDOM_DELAY), 0, 65535, &win,
	    NULL) != 0 || win < 600)
		win = 600;
	win = (win + 30) / 60 * 60;
	/* Local calendar time: the run's epoch + now, in the phones' zone. */
	wall = p->ctx->epoch + p->ctx->tz_offset_s +
	    (int64_t)(now / 1000000);
	day = (wall % 86400 + 86400) % 86400;	/* before 1970 too */
	target = (int64_t)(hh % 24) * 3600 + mm * 60;
	delta = target - day;
	if (delta <= 0)
		delta += 86400;
	*at = EMU_TIME_ADD(EMU_TIME_ADD(now, EMU_SEC(delta)),
	    EMU_SEC(prng_range(&p->rng, win)));
	return (0);
}

/* A schedule element; a malformed schedule falls back to its default. */
static uint32_t
prov_sched(struct phone *p, int id, unsigned idx, struct emu_outbox *out)
{
	uint32_t	 d = 0;
	char		*cause = NULL;

	if (sched_delay(phone_param(p, id), idx, &p->rng, &d, &cause) == 0)
		return (d);
	phone_log(p, out, TRACE_PROV, "%s: %s: using the default",
	    param_table[id].name, cause);
	free(cause);
	/* The default of the running load (18: K2). */
	if (sched_delay(phone_param_default(p, id), idx, &p->rng, &d,
	    NULL) != 0)
		d = 0;
	return (d);
}

/* 3.3: if any trigger is set, at least one must hold. */
static int
prov_triggers_pass(struct phone *p, struct emu_outbox *out)
{
	struct rule_env	 env;
	const char	*t1 = phone_param(p, P_RESYNC_TRIGGER_1);
	const char	*t2 = phone_param(p, P_RESYNC_TRIGGER_2);
	int		 any = 0, pass = 0;

	phone_rule_env(p, &env, RULE_KIND_TRIGGER);
	if (t1 != NULL && *t1 != '\0') {
		any = 1;
		if (rule_trigger(t1, &env) == 1)
			pass = 1;
	}
	if (!pass && t2 != NULL && *t2 != '\0') {
		any = 1;
		if (rule_trigger(t2, &env) == 1)
			pass = 1;
	}
	return (!any || pass);
}

void
prov_power_off(struct phone *p, struct emu_outbox *out)
{
	int	i;

	for (i = 0; i < FO__COUNT; i++)
		phone_fetch_cancel(p, i, out);
}

/* 2.4: what a factory reset erases besides the parameters. */
void
prov_factory_reset(struct phone *p)
{
	/* B18: unprovisioned again; customization is Open (phone.c). */
	p->provisioned = 0;
	p->ever_ok = 0;
	p->boot_no_resync = 0;
	free(p->ca_der);
	p->ca_der = NULL;
	p->ca_len = 0;
	free(p->ca_rule);
	p->ca_rule = NULL;
	p->ca_state = 0;
	free(p->company);
	p->company = NULL;
	upgrade_clear(p);
}

/*
 * 4.1, 4.6, B16: a change from the LCD or web marks the phone provisioned
 * and abandons remote customization; a profile rule set there is used at
 * once (4.6, 8.5.6: "stores the rule and resyncs").
 */
void
prov_local_change(struct phone *p, int id, emu_time now,
    struct emu_outbox *out)
{
	p->provisioned = 1;
	upload_local_change(p, now, out);
	if (p->cust != CUST_ACQUIRED)
		phone_set_cust(p, CUST_ABORTED, out);
	/* 8.5.6: a changed Upgrade_Rule starts an upgrade check. */
	if (p->powered && id == P_UPGRADE_RULE)
		upgrade_check(p, "Upgrade_Rule set", now, out);
	if (p->powered && id >= P_PROFILE_RULE && id <= P_PROFILE_RULE_D) {
		phone_log(p, out, TRACE_PROV, "%s set locally: resync",
		    param_table[id].name);
		prov_local_resync(p, 0, now, out);
	}
}

/*
 * 15.5.5: the LCD's Profile rule (already stored as a local change), then
 * Resync: the user's resync, which does not wait for idle (3.3).
 */
void
prov_local_rule(struct phone *p, emu_time now, struct emu_outbox *out)
{
	prov_local_change(p, -1, now, out);
	if (!p->powered)
		return;
	phone_log(p, out, TRACE_PROV, "Profile_Rule set on the LCD: resync");
	prov_local_resync(p, 1, now, out);
}

static void
prov_local_resync(struct phone *p, int user, emu_time now,
    struct emu_outbox *out)
{
	if (p->disc_step != 0 || p->st == PROV_DISCOVERY) {
		/* 4.6, B16: the rule typed replaces discovery. */
		phone_fetch_cancel(p, FO_RESYNC, out);
		phone_fetch_cancel(p, FO_SRV, out);
		phone_fetch_cancel(p, FO_EDOS, out);
		p->disc_step = 0;
		prov_resync_start(p, -1, NULL, now, out);
		return;
	}
	prov_request(p, -1, NULL, user, now, out);
}

/*
 * 15.7, B56, B57: the first resync after a boot got 401 and no
 * credentials were anywhere (the rule's, the profile account): the phone
 * asks for the profile account, unless Profile_Authentication_Type is
 * Disabled.  Called before the outcome is known (status.resynced).
 */
static void
prov_account_prompt(struct phone *p, struct fetch *fx, struct emu_outbox *out)
{
	const char	*t, *u;

	t = phone_param(p, P_PROFILE_AUTHENTICATION_TYPE);
	if (t == NULL || strcasecmp(t, "Disabled") == 0)
		return;					/* B57 */
	u = phone_param(p, P_PROFILE_ACCOUNT_USER);
	if (p->rr.uid != NULL || (u != NULL && *u != '\0'))
		return;
	if (p->status.resynced)
		return;				/* not the first since the boot */
	phone_log(p, out, TRACE_LCD, "401 without credentials: Profile "
	    "account setup");
	p->status.account_setup = 1;			/* B56 */
	(void)fx;
}

/* Is the running load at least maj-min-micro ("11-2-1")? */
static int
prov_fw_at_least(struct phone *p, const char *ver)
{
	char	*want;
	int	 cmp, rc;

	xasprintf(&want, "sipxxxx.%s-0", ver);
	rc = rule_version_cmp(p->swver, want, &cmp);
	free(want);
	return (rc != 0 || cmp >= 0);
}

/*
 * What every cloud request shares: HTTPS on 443 (13.1, 13.3), or plain
 * HTTP on 80 when the fleet says so (emu_ctx cloud_http); the phone's
 * Restricted_Access_Domains never applies to the cloud hosts.
 */
static void
prov_cloud_req(struct phone *p, struct fetch_req *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->scheme = p->ctx->cloud_http ? RULE_HTTP : RULE_HTTPS;
	rq->port = p->ctx->cloud_http ? 80 : 443;
	rq->no_restrict = 1;
	rq->max_len = CLOUD_REPLY_MAX;
}

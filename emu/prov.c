/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The provisioning state machine (spec 3): boot delay, the boot decision
 * (T7-T9), the resync procedure (3.4) over Profile_Rule and Profile_Rule_B
 * to _D, decoding and applying profiles (8.5, 11), outcomes A/B/C (9.2),
 * the periodic, daily and error-retry timers (3.5), trigger gating (3.3)
 * and coalescing of triggers that arrive during a resync (B124).
 *
 * Not here yet (later issues): DNS SRV, EDOS and GDS discovery steps,
 * firmware upgrades (P7 passes straight to P9), HTTPS, RFC 8188, calls.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "emu.h"

static void	prov_boot_decision(struct phone *, emu_time,
		    struct emu_outbox *);
static void	prov_resync_start(struct phone *, int, const char *, emu_time,
		    struct emu_outbox *);
static void	prov_next_rule(struct phone *, emu_time, struct emu_outbox *);
static void	prov_fetch_finished(struct phone *, emu_time,
		    struct emu_outbox *);
static void	prov_resync_ok(struct phone *, emu_time, struct emu_outbox *);
static void	prov_resync_fail(struct phone *, enum emu_err, emu_time,
		    struct emu_outbox *);
static void	prov_resync_end(struct phone *, emu_time, struct emu_outbox *);
static void	prov_arm_periodic(struct phone *, emu_time, int,
		    struct emu_outbox *);
static int	prov_triggers_pass(struct phone *, struct emu_outbox *);
static uint32_t	prov_sched(struct phone *, int, unsigned,
		    struct emu_outbox *);
static int	prov_resync_at(struct phone *, emu_time, emu_time *);
static enum emu_err prov_apply_body(struct phone *, const uint8_t *, size_t,
		    const char *, int *, struct emu_outbox *);
static int	prov_decrypt_cbc(const uint8_t *, size_t, const char *,
		    const EVP_MD *, struct dbuf *);

void
prov_enter(struct phone *p, enum prov_state st, emu_time now,
    struct emu_outbox *out)
{
	if (p->st == st)
		return;
	phone_log(p, out, TRACE_PROV, "%s -> %s", prov_state_name(p->st),
	    prov_state_name(st));
	p->st = st;
	phone_note(p, out, EMU_NOTE_STATE, st, 0);
}

/* The first DHCP ACK of a boot (T5, T6): P3 is folded into P4. */
void
prov_bound(struct phone *p, emu_time now, struct emu_outbox *out)
{
	uint64_t	units, delay_ms;

	/* 4.2.4, B5: a DHCP source while Open aborts remote customization. */
	if (p->dhcp_prov != NULL && p->cust == CUST_OPEN) {
		p->cust = CUST_ABORTED;
		phone_log(p, out, TRACE_PROV, "customization Open -> Aborted "
		    "(DHCP option %u)", p->dhcp_prov_opt);
	}
	/* P4: rand(0, 20 x Resync_Random_Delay) seconds (K1, B82). */
	if (parse_uint(phone_param(p, P_RESYNC_RANDOM_DELAY), 0, 65535, &units,
	    NULL) != 0)
		units = 2;
	delay_ms = prng_range(&p->rng, units * 20 * 1000);
	prov_enter(p, PROV_BOOT_DELAY, now, out);
	p->t_boot = now + EMU_MS(delay_ms);
}

emu_time
prov_deadline(const struct phone *p)
{
	emu_time	t = p->t_resync;

	if (p->st == PROV_BOOT_DELAY && p->t_boot < t)
		t = p->t_boot;
	if (p->fx != NULL && fetch_deadline(p->fx) < t)
		t = fetch_deadline(p->fx);
	return (t);
}

void
prov_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	prvst;

	if (p->fx != NULL && fetch_deadline(p->fx) <= now) {
		fetch_timer(p->fx, p, now, out);
		if (fetch_is_done(p->fx))
			prov_fetch_finished(p, now, out);
	}
	if (p->st == PROV_BOOT_DELAY && p->t_boot <= now) {
		p->t_boot = EMU_TIME_NEVER;
		prov_boot_decision(p, now, out);
	}
	if (p->t_resync <= now) {
		p->t_resync = EMU_TIME_NEVER;
		p->stats.next_resync_at = EMU_TIME_NEVER;
		prvst = p->retry_armed ? 2 : 1;
		/* 3.3: the error retry is not gated (ASSUMPTION). */
		if (prvst == 1 && !prov_triggers_pass(p, out)) {
			phone_log(p, out, TRACE_PROV, "periodic resync gated "
			    "by Resync_Trigger");
			prov_arm_periodic(p, now, 0, out);
			return;
		}
		prov_resync_request(p, prvst, NULL, now, out);
	}
}

/* T7, T8, T9. */
static void
prov_boot_decision(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	enable = param_is_true(phone_param(p, P_PROVISION_ENABLE));
	int	no_resync = p->boot_no_resync;

	p->boot_no_resync = 0;
	if (!p->provisioned && enable) {
		/*
		 * T7, P5: discovery.  In this version the DHCP step is the
		 * only one: with or without a DHCP source the phone resyncs
		 * with its rules; a host-less rule without a source fails
		 * with "no server" and is retried on the error schedule
		 * (T12).
		 */
		prov_enter(p, PROV_DISCOVERY, now, out);
		prov_resync_start(p, 0, NULL, now, out);
		return;
	}
	if (p->provisioned && enable && !no_resync &&
	    param_is_true(phone_param(p, P_RESYNC_ON_RESET))) {
		if (prov_triggers_pass(p, out)) {
			prov_resync_start(p, 0, NULL, now, out);
			return;
		}
		phone_log(p, out, TRACE_PROV, "boot resync gated by "
		    "Resync_Trigger");
	}
	/* T9: on to P7 and P9, running a resync requested while booting. */
	prov_resync_end(p, now, out);
}

/*
 * Any resync trigger (3.3).  A resync already running coalesces the new
 * request into one follow-up (B124); a phone still booting keeps it for
 * when it becomes operational.
 */
void
prov_resync_request(struct phone *p, int prvst, const char *rule,
    emu_time now, struct emu_outbox *out)
{
	if (p->st != PROV_OPERATIONAL && p->st != PROV_ACTIVATION) {
		if (!p->resync_pending || prvst == -1) {
			p->resync_pending = 1;
			p->pending_prvst = prvst;
			free(p->pending_rule);
			p->pending_rule = rule != NULL ? xstrdup(rule) : NULL;
		}
		phone_log(p, out, TRACE_PROV, "resync request while %s: "
		    "queued", prov_state_name(p->st));
		return;
	}
	prov_resync_start(p, prvst, rule, now, out);
}

static void
prov_resync_start(struct phone *p, int prvst, const char *rule, emu_time now,
    struct emu_outbox *out)
{
	/* 3.4 step 1, B84. */
	if (!param_is_true(phone_param(p, P_PROVISION_ENABLE))) {
		phone_log(p, out, TRACE_PROV, "resync: Provision_Enable is No");
		free(p->last_errmsg);
		p->last_errmsg = xstrdup(emu_err_name(EMU_E_DISABLED));
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
	p->stats.last_resync_at = now;
	p->rule_idx = 0;
	p->t_resync = EMU_TIME_NEVER;
	p->stats.next_resync_at = EMU_TIME_NEVER;
	free(p->run_rule);
	p->run_rule = rule != NULL ? xstrdup(rule) : NULL;
	p->explicit_rule = rule != NULL;
	free(p->prev_server);
	p->prev_server = NULL;
	prov_next_rule(p, now, out);
}

/* 3.4 step 5: evaluate rules until one needs a fetch or all are done. */
static void
prov_next_rule(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct rule_env		 env;
	struct fetch_req	 rq;
	const char		*text, *def;
	char			*body = NULL;
	enum rule_rc		 rc;
	int			 nrules = p->explicit_rule ? 1 : 4;

	phone_rule_env(p, &env, RULE_KIND_PROFILE);
	while (p->rule_idx < nrules) {
		if (p->explicit_rule)
			text = p->run_rule;
		else if (p->rule_idx == 0) {
			text = phone_param(p, P_PROFILE_RULE);
			def = param_table[P_PROFILE_RULE].def;
			/* 4.2.4 ASSUMPTION: a DHCP URL replaces the factory
			 * rule. */
			if (p->dhcp_prov != NULL && p->dhcp_prov_url &&
			    strcmp(text, def) == 0)
				text = p->dhcp_prov;
		} else
			text = phone_param(p, P_PROFILE_RULE + p->rule_idx);
		p->rule_idx++;
		env.dhcp_server = p->dhcp_prov != NULL && !p->dhcp_prov_url ?
		    p->dhcp_prov : NULL;
		env.prev_server = p->prev_server;
		rule_result_clear(&p->rr);
		rule_result_init(&p->rr);
		p->servip[0] = '\0';
		rc = rule_eval(text != NULL ? text : "", &env, &p->rr);
		switch (rc) {
		case RULE_DISABLED:
		case RULE_SKIP:
		case RULE_NOURL:
			continue;
		case RULE_GDS:
			/* T11b: activation-code onboarding, no outcome. */
			phone_log(p, out, TRACE_PROV, "rule is gds://");
			prov_enter(p, PROV_ACTIVATION, now, out);
			return;
		case RULE_ERROR:
			prov_resync_fail(p, p->rr.err, now, out);
			return;
		case RULE_FETCH:
			break;
		}
		memset(&rq, 0, sizeof rq);
		rq.scheme = p->rr.scheme;
		rq.host = p->rr.host;
		rq.port = p->rr.port;
		rq.path = p->rr.path;
		rq.uid = p->rr.uid;
		rq.pwd = p->rr.pwd;
		if (p->rr.post >= 0 && p->rr.scheme != RULE_TFTP) {
			/* 9.5: the body is GPP_x, expanded now. */
			body = macro_expand(phone_param(p, P_GPP_A +
			    p->rr.post), 0, phone_macro_lookup, p);
			rq.post = 1;
			rq.body = (const uint8_t *)body;
			rq.body_len = strlen(body);
		}
		free(p->cur_url);
		xasprintf(&p->cur_url, "%s://%s:%u%s",
		    rule_scheme_name(p->rr.scheme), p->rr.host, p->rr.port,
		    p->rr.path);
		{
			uint32_t	a;

			if (ipv4_parse(p->rr.host, &a) == 0)
				pf_strlcpy(p->servip, p->rr.host,
				    sizeof p->servip);
		}
		phone_syslog(p, out, P_LOG_REQUEST_MSG);
		p->fx = fetch_start(p, &rq, now, out);
		free(body);
		if (fetch_is_done(p->fx))
			prov_fetch_finished(p, now, out);
		return;
	}
	prov_resync_ok(p, now, out);
}

void
prov_fetch_event(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	if (p->fx == NULL)
		return;
	if (fetch_event(p->fx, p, ev, now, out) && fetch_is_done(p->fx))
		prov_fetch_finished(p, now, out);
}

static void
prov_fetch_finished(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct fetch		*fx = p->fx;
	const struct dbuf	*b;
	enum emu_err		 err;
	int			 reboot = 0;

	err = fetch_err(fx);
	free(p->last_url);
	p->last_url = xstrdup(fetch_url(fx));
	free(p->prev_server);
	p->prev_server = xstrdup(p->rr.host);
	if (err == EMU_OK) {
		b = fetch_body(fx);
		err = prov_apply_body(p, b->data, b->len,
		    fetch_content_encoding(fx), &reboot, out);
	}
	p->fx = NULL;
	fetch_free(fx, p, out);
	if (err == EMU_E_FNF &&
	    !param_is_true(phone_param(p, P_RESYNC_FAILS_ON_FNF))) {
		/* 3.4 step 5i, B49: FNF is success with nothing applied. */
		phone_log(p, out, TRACE_PROV, "file not found ignored "
		    "(Resync_Fails_On_FNF=No)");
		err = EMU_OK;
	}
	if (err != EMU_OK) {
		prov_resync_fail(p, err, now, out);
		return;
	}
	phone_syslog(p, out, P_LOG_SUCCESS_MSG);
	if (reboot)
		p->boot_no_resync = 1;	/* T18 after the resync ends */
	prov_next_rule(p, now, out);
}

/*
 * 3.4 step 5j-k: decrypt, inflate, parse, apply.  Returns EMU_OK or a
 * class B error; *reboot is set when a network-identity parameter changed.
 */
static enum emu_err
prov_apply_body(struct phone *p, const uint8_t *data, size_t len,
    const char *cenc, int *reboot, struct emu_outbox *out)
{
	struct dbuf		 dec, inf;
	struct profile		*pr = NULL;
	const char		*alias = NULL, *old;
	char			*cause = NULL;
	enum emu_err		 err = EMU_OK;
	size_t			 i;
	int			 rc;

	dbuf_init(&dec);
	dbuf_init(&inf);
	if (cenc != NULL && pf_strcasecmp_ascii(cenc, "aes128gcm") == 0) {
		/* 11.3: RFC 8188 needs the IKM (B67); decoding arrives with
		 * the encryption issue. */
		phone_log(p, out, TRACE_PROV, "aes128gcm body: %s",
		    *phone_get(p, "IKM_HTTP_Encrypt_Content") == '\0' ?
		    "no IKM" : "not supported");
		err = EMU_E_DECRYPT;
		goto done;
	}
	if (len >= 16 && memcmp(data, "Salted__", 8) == 0) {
		if (p->rr.key == NULL) {
			phone_log(p, out, TRACE_PROV, "encrypted body and no "
			    "--key");
			err = EMU_E_CORRUPT;
			goto done;
		}
		/* 11.2: SHA-256 derivation, then MD5 (OpenSSL 1.0.x). */
		if (prov_decrypt_cbc(data, len, p->rr.key, EVP_sha256(),
		    &dec) != 0 && prov_decrypt_cbc(data, len, p->rr.key,
		    EVP_md5(), &dec) != 0) {
			err = EMU_E_DECRYPT;
			goto done;
		}
		data = dec.data;
		len = dec.len;
	}
	rc = profile_inflate(data, len, &inf, &cause);
	if (rc < 0) {
		phone_log(p, out, TRACE_PROV, "gzip: %s", cause);
		err = strcmp(cause, "file too big") == 0 ? EMU_E_TOOBIG :
		    EMU_E_CORRUPT;
		goto done;
	}
	if (rc == 1) {
		data = inf.data;
		len = inf.len;
	}
	if (p->rr.alias >= 0)
		alias = phone_param(p, P_GPP_A + p->rr.alias);
	if (profile_get(p->ctx, data, len, alias, &pr, &cause) != 0) {
		phone_log(p, out, TRACE_PROV, "profile: %s", cause);
		err = strcmp(cause, "file too big") == 0 ? EMU_E_TOOBIG :
		    EMU_E_CORRUPT;
		goto done;
	}
	/* 8.5: parsed whole before anything is applied; last wins. */
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
	dbuf_clear(&inf);
	return (err);
}

/* OpenSSL enc format: "Salted__", salt, AES-256-CBC, PKCS#7 (11.2). */
static int
prov_decrypt_cbc(const uint8_t *data, size_t len, const char *key,
    const EVP_MD *md, struct dbuf *out)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 k[32], iv[16];
	int		 n = 0, m = 0, rc = -1;

	if (len < 16 || (len - 16) % 16 != 0 || len - 16 == 0)
		return (-1);
	if (EVP_BytesToKey(EVP_aes_256_cbc(), md, data + 8,
	    (const unsigned char *)key, strlen(key), 1, k, iv) == 0)
		return (-1);
	dbuf_reset(out);
	dbuf_reserve(out, len);
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	if (EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv) == 1 &&
	    EVP_DecryptUpdate(c, out->data, &n, data + 16, len - 16) == 1 &&
	    EVP_DecryptFinal_ex(c, out->data + n, &m) == 1) {
		out->len = n + m;
		out->data[out->len] = '\0';
		rc = 0;
	}
	EVP_CIPHER_CTX_free(c);
	return (rc);
}

/* 3.4 step 6: outcome A. */
static void
prov_resync_ok(struct phone *p, emu_time now, struct emu_outbox *out)
{
	p->stats.resyncs++;
	p->stats.resync_ok++;
	p->stats.last_class = EMU_CLASS_A;
	p->stats.last_err = EMU_OK;
	if (p->stats.first_ok_at == EMU_TIME_NEVER)
		p->stats.first_ok_at = now;
	p->retry_idx = 0;
	p->provisioned = 1;
	if (p->cust == CUST_CUSTOM_PENDING)
		p->cust = CUST_ACQUIRED;
	free(p->last_errmsg);
	p->last_errmsg = xstrdup("");
	phone_log(p, out, TRACE_PROV, "resync succeeded");
	phone_note(p, out, EMU_NOTE_RESYNC_DONE, EMU_CLASS_A, EMU_OK);
	prov_arm_periodic(p, now, 1, out);
	prov_resync_end(p, now, out);
}

/* 3.4 step 7: outcome B or C. */
static void
prov_resync_fail(struct phone *p, enum emu_err err, emu_time now,
    struct emu_outbox *out)
{
	uint32_t	d;

	p->stats.resyncs++;
	p->stats.resync_fail++;
	p->stats.last_class = emu_err_class(err);
	p->stats.last_err = err;
	free(p->last_errmsg);
	p->last_errmsg = xstrdup(emu_err_name(err));
	phone_syslog(p, out, P_LOG_FAILURE_MSG);
	phone_log(p, out, TRACE_PROV, "resync failed (%s): %s",
	    emu_class_name(emu_err_class(err)), emu_err_name(err));
	phone_note(p, out, EMU_NOTE_RESYNC_DONE, emu_err_class(err), err);
	d = prov_sched(p, P_RESYNC_ERROR_RETRY_DELAY, p->retry_idx++, out);
	if (d == 0) {
		/* B79: 0 means no automatic retry. */
		p->t_resync = EMU_TIME_NEVER;
		p->retry_armed = 0;
	} else {
		p->t_resync = now + EMU_SEC(d);
		p->retry_armed = 1;
	}
	p->stats.next_resync_at = p->t_resync;
	prov_resync_end(p, now, out);
}

static void
prov_resync_end(struct phone *p, emu_time now, struct emu_outbox *out)
{
	int	prvst;
	char	*rule;

	free(p->run_rule);
	p->run_rule = NULL;
	p->explicit_rule = 0;
	if (p->boot_no_resync) {
		/* T18: a network-identity change needs a reboot. */
		phone_log(p, out, TRACE_PROV, "reboot: Provisioning");
		phone_reboot(p, now, out);
		p->boot_no_resync = 1;
		return;
	}
	prov_enter(p, PROV_UPGRADE_CHECK, now, out);
	prov_enter(p, PROV_OPERATIONAL, now, out);
	if (p->resync_pending) {
		/* B124: exactly one follow-up for what arrived meanwhile. */
		p->resync_pending = 0;
		prvst = p->pending_prvst;
		rule = p->pending_rule;
		p->pending_rule = NULL;
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
		p->t_resync = d == 0 ? EMU_TIME_NEVER : now + EMU_SEC(d);
	}
	p->stats.next_resync_at = p->t_resync;
}

/*
 * Resync_At__HHmm_: the next HH:mm (UTC wall clock of the run) plus a
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
	wall = p->ctx->wall_base + (int64_t)(now / 1000000);
	day = wall % 86400;
	target = (int64_t)(hh % 24) * 3600 + mm * 60;
	delta = target - day;
	if (delta <= 0)
		delta += 86400;
	*at = now + EMU_SEC(delta) + EMU_SEC(prng_range(&p->rng, win));
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
	if (sched_delay(param_table[id].def, idx, &p->rng, &d, NULL) != 0)
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
	if (p->fx != NULL) {
		fetch_free(p->fx, p, out);
		p->fx = NULL;
	}
}

/* 4.1, 4.6: a change from the LCD or web marks the phone provisioned. */
void
prov_local_change(struct phone *p)
{
	p->provisioned = 1;
	if (p->cust != CUST_ACQUIRED)
		p->cust = CUST_ABORTED;
}

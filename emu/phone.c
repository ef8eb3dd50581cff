/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One emulated phone: identity (spec 2.2), its parameter values, the event
 * dispatcher and the macro variables of spec 6.2.  The provisioning state
 * machine is in prov.c, the DHCP client in dhcpc.c, transfers in fetch.c.
 * A phone is sans-I/O: events in with the time, actions out.
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

static void	phone_reset_ram(struct phone *);
static void	phone_boot(struct phone *, emu_time, struct emu_outbox *);

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
	p->cust = CUST_OPEN;
	p->st = PROV_OFF;
	pset_init(&p->ps);
	prng_seed(&p->rng, ctx->seed, p->mac);
	rule_result_init(&p->rr);
	phone_reset_ram(p);
	p->stats.first_ok_at = EMU_TIME_NEVER;
	p->stats.next_resync_at = EMU_TIME_NEVER;
	return (p);
}

void
phone_free(struct phone *p)
{
	if (p == NULL)
		return;
	if (p->fx != NULL)
		fetch_free(p->fx, p, NULL);
	rule_result_clear(&p->rr);
	pset_clear(&p->ps);
	free(p->pending_rule);
	free(p->run_rule);
	free(p->prev_server);
	free(p->last_url);
	free(p->last_errmsg);
	free(p->cur_url);
	free(p);
}

/* Everything that lives in RAM only (spec 2.3 ASSUMPTION). */
static void
phone_reset_ram(struct phone *p)
{
	p->ip = p->mask = p->router = 0;
	p->dns[0] = p->dns[1] = 0;
	p->domain = NULL;
	p->dhcp_prov = NULL;
	p->dhcp_prov_opt = 0;
	p->dhcp_prov_url = 0;
	memset(&p->dhcp, 0, sizeof p->dhcp);
	p->dhcp.resend_at = p->dhcp.t1 = p->dhcp.t2 = EMU_TIME_NEVER;
	p->dhcp.expiry = EMU_TIME_NEVER;
	p->t_boot = p->t_resync = EMU_TIME_NEVER;
	p->periodic_idx = p->retry_idx = 0;
	p->retry_armed = 0;
	p->resync_pending = 0;
	p->prvst = 0;
	free(p->pending_rule);
	p->pending_rule = NULL;
	free(p->run_rule);
	p->run_rule = NULL;
	p->stats.next_resync_at = EMU_TIME_NEVER;
}

static void
phone_boot(struct phone *p, emu_time now, struct emu_outbox *out)
{
	p->powered = 1;
	p->stats.boots++;
	p->boot_at = now;
	p->last_resync = now;
	phone_reset_ram(p);
	prov_enter(p, PROV_BOOT, now, out);
	prov_enter(p, PROV_NETWORK, now, out);
	dhcpc_start(p, now, out);
}

/* A warm reboot (T26, T18): through REBOOTING back to BOOT. */
void
phone_reboot(struct phone *p, emu_time now, struct emu_outbox *out)
{
	prov_power_off(p, out);
	p->stats.reboots++;
	phone_note(p, out, EMU_NOTE_REBOOT, 0, 0);
	prov_enter(p, PROV_REBOOTING, now, out);
	phone_boot(p, now, out);
}

void
phone_handle(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	p->now = now;
	p->out = out;
	switch (ev->type) {
	case EMU_EV_POWER_ON:
		if (p->powered)
			return;
		phone_boot(p, now, out);
		return;
	case EMU_EV_POWER_OFF:
		if (!p->powered)
			return;
		prov_power_off(p, out);
		p->powered = 0;
		phone_reset_ram(p);
		prov_enter(p, PROV_OFF, now, out);
		return;
	case EMU_EV_REBOOT:
		if (!p->powered)
			return;
		phone_reboot(p, now, out);
		return;
	case EMU_EV_FACTORY_RESET:
		/* Spec 2.4: defaults, customization Open, not provisioned. */
		prov_power_off(p, out);
		prov_enter(p, PROV_FACTORY_RESET, now, out);
		pset_clear(&p->ps);
		p->cust = CUST_OPEN;
		p->provisioned = 0;
		p->boot_no_resync = 0;
		free(p->last_url);
		p->last_url = NULL;
		free(p->last_errmsg);
		p->last_errmsg = NULL;
		if (p->powered) {
			p->stats.reboots++;
			phone_note(p, out, EMU_NOTE_REBOOT, 0, 0);
			prov_enter(p, PROV_REBOOTING, now, out);
			phone_boot(p, now, out);
		}
		return;
	case EMU_EV_SET_PARAM: {
		int	 id;
		char	*cause = NULL;

		if (ev->name == NULL || ev->text == NULL)
			return;
		if ((id = param_find(p->ctx, ev->name)) < 0) {
			phone_log(p, out, TRACE_PROV, "set %s: unknown parameter",
			    ev->name);
			return;
		}
		if (param_validate(id, ev->text, &cause) != 0) {
			phone_log(p, out, TRACE_PROV, "set %s: %s", ev->name,
			    cause);
			free(cause);
			return;
		}
		phone_set_id(p, id, ev->text, 1);
		prov_local_change(p);
		return;
	}
	case EMU_EV_RESYNC:
		if (!p->powered)
			return;
		prov_resync_request(p, -1, ev->text, now, out);
		return;
	case EMU_EV_KEY:
		/* The LCD model arrives with the keypad issue; keys are
		 * accepted and logged so scripted scenarios stay valid. */
		phone_log(p, out, TRACE_LCD, "key %d", ev->key);
		return;
	case EMU_EV_TIMER:
		if (!p->powered)
			return;
		if (dhcpc_deadline(p) <= now)
			dhcpc_timer(p, now, out);
		prov_timer(p, now, out);
		return;
	case EMU_EV_DGRAM:
		if (!p->powered)
			return;
		if (ev->dst_port == DHCP_CLIENT_PORT) {
			dhcpc_input(p, ev->data, ev->len, now, out);
			return;
		}
		prov_fetch_event(p, ev, now, out);
		return;
	case EMU_EV_CONNECTED:
	case EMU_EV_DATA:
	case EMU_EV_CLOSED:
	case EMU_EV_STREAM_ERROR:
		if (!p->powered)
			return;
		prov_fetch_event(p, ev, now, out);
		return;
	}
}

emu_time
phone_deadline(const struct phone *p)
{
	emu_time	 t, d;

	if (!p->powered)
		return (EMU_TIME_NEVER);
	t = dhcpc_deadline(p);
	if ((d = prov_deadline(p)) < t)
		t = d;
	return (t);
}

/* Parameters. */

const char *
phone_param(const struct phone *p, int id)
{
	return (pset_get(&p->ps, id));
}

void
phone_set_id(struct phone *p, int id, const char *value, int local)
{
	pset_set(&p->ps, id, intern_str(p->ctx->intern, value), local);
}

const char *
phone_get(const struct phone *p, const char *name)
{
	int	id;

	if ((id = param_find(p->ctx, name)) < 0)
		return (NULL);
	return (pset_get(&p->ps, id));
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
		prov_local_change(p);
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

const struct phone_stats *
phone_stats(const struct phone *p)
{
	return (&p->stats);
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

/* Runtime helpers. */

uint16_t
phone_next_port(struct phone *p)
{
	/* Ephemeral client ports, distinct per transfer (10, ASSUMPTION). */
	p->port_seq = (p->port_seq + 1) % 16000;
	return (49152 + p->port_seq);
}

int
phone_next_stream(struct phone *p)
{
	p->stream_seq = p->stream_seq == 32767 ? 1 : p->stream_seq + 1;
	return (p->stream_seq);
}

void
phone_log(struct phone *p, struct emu_outbox *out, unsigned cat,
    const char *fmt, ...)
{
	struct emu_action	*a;
	va_list			 ap;
	char			*s;
	int			 n;

	if (out == NULL || (p->ctx->trace & cat) == 0)
		return;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	a = emu_outbox_add(out, EMU_ACT_LOG, s, n);
	a->cat = cat;
	free(s);
}

void
phone_note(struct phone *p, struct emu_outbox *out, enum emu_note note,
    int arg, int arg2)
{
	struct emu_action	*a;

	if (out == NULL)
		return;
	a = emu_outbox_add(out, EMU_ACT_NOTE, NULL, 0);
	a->note = note;
	a->arg = arg;
	a->arg2 = arg2;
}

/* Emit one Log_*_Msg (spec 16.2); an empty message is suppressed. */
void
phone_syslog(struct phone *p, struct emu_outbox *out, int id)
{
	const char	*fmt = phone_param(p, id);
	char		*s;

	if (out == NULL || fmt == NULL || *fmt == '\0')
		return;
	s = macro_expand(fmt, 0, phone_macro_lookup, p);
	emu_outbox_add(out, EMU_ACT_SYSLOG, s, strlen(s));
	free(s);
}

/*
 * User-Agent (spec 9.5, B53): Cisco-<PN>/<version> (<ma>), version being
 * the numeric parts of the running load: sip88xx.11-3-7MPP0001-272 gives
 * 11.3.7.  HTTP_User_Agent_Name, when set, replaces the whole value.
 */
char *
phone_user_agent(const struct phone *p)
{
	const char	*ua = phone_param(p, P_HTTP_USER_AGENT_NAME);
	const char	*s;
	char		 ver[64], ma[13], *r;
	size_t		 vl = 0;
	int		 field = 0, i;

	if (ua != NULL && *ua != '\0')
		return (xstrdup(ua));
	if ((s = strchr(p->swver, '.')) != NULL)
		s++;
	else
		s = p->swver;
	ver[0] = '\0';
	while (*s != '\0' && field < 3) {
		if (!isdigit((unsigned char)*s))
			break;
		if (field > 0 && vl < sizeof ver - 1)
			ver[vl++] = '.';
		while (isdigit((unsigned char)*s) && vl < sizeof ver - 1)
			ver[vl++] = *s++;
		while (*s != '\0' && *s != '-')
			s++;
		if (*s == '-')
			s++;
		field++;
	}
	ver[vl] = '\0';
	for (i = 0; i < 12; i++)
		ma[i] = tolower((unsigned char)p->macstr[i]);
	ma[12] = '\0';
	xasprintf(&r, "Cisco-%s/%s (%s)", p->model, vl > 0 ? ver : "0", ma);
	return (r);
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
	if (strcmp(n, "PSN") == 0) {
		v = p->model;
		if (strncmp(v, "CP-", 3) == 0)
			v += 3;
		return (v);
	}
	if (strcmp(n, "SN") == 0)
		return (p->serial);
	if (strcmp(n, "CCERT") == 0)
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
	if (strcmp(n, "UPGST") == 0)
		return ("1");
	if (strcmp(n, "UPGERR") == 0)
		return ("");
	if (strcmp(n, "PRVTMR") == 0 || strcmp(n, "UPGTMR") == 0) {
		/* Seconds since the last attempt, or since boot (6.2). */
		now_rel = n[0] == 'P' ? p->last_resync : p->boot_at;
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
	if (strcmp(n, "MUID") == 0 || strcmp(n, "MPWD") == 0)
		return ("");
	if (strcmp(n, "ORIGTYPE") == 0)
		return ("orig_mpp");
	if (strcmp(n, "AUTHSTATUS") == 0)
		return ("none");
	if (strcmp(n, "SCHEME") == 0 || strcmp(n, "METH") == 0 ||
	    strcmp(n, "SERV") == 0 || strcmp(n, "SERVIP") == 0 ||
	    strcmp(n, "PORT") == 0 || strcmp(n, "PATH") == 0) {
		const struct rule_result *rr = &p->rr;

		if (rr->path == NULL)
			return ("");
		if (strcmp(n, "SCHEME") == 0 || strcmp(n, "METH") == 0)
			return (rule_scheme_name(rr->scheme));
		if (strcmp(n, "SERV") == 0)
			return (rr->host != NULL ? rr->host : "");
		if (strcmp(n, "SERVIP") == 0) {
			if (p->servip[0] != '\0')
				return (p->servip);
			return (rr->host != NULL ? rr->host : "");
		}
		if (strcmp(n, "PORT") == 0) {
			snprintf(tmp, tmpsize, "%u", rr->port);
			return (tmp);
		}
		return (rr->path);
	}
	return (NULL);
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

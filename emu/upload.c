/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Configuration report uploads (spec 16.4, 7.2, 8.8).  Report_Rule holds
 * one or two destinations, each "[options]URL" with the options of the
 * profile-rule grammar: --delta, --status, --key K, --uid U --pwd P.  The
 * body is a <flat-profile> of every known parameter (secrets left out,
 * passwords as asterisks), of the parameters changed since the last
 * successful upload to that destination (--delta), or the status fields
 * of 16.1 (--status); it is sent by HTTP_Report_Method (PUT or POST),
 * encrypted with AES-256-CBC in OpenSSL's enc format under --key, else
 * with RFC 8188 aes128gcm when IKM_HTTP_Encrypt_Content is set (11.3).
 *
 * When: On Request (after each boot, the first time the phone is
 * operational with a Report_Rule, and on upload_request(), the SIP NOTIFY
 * Event: report), On Local Change (Upload_Delay_On_Local_Change seconds
 * after the last of a burst of local changes: one upload), Periodically
 * (every Periodic_Upload_To_Server seconds).  A failed upload leaves a
 * status entry and a log line; nothing is retried (16.4 ASSUMPTION).
 *
 * Not here: the transfer itself (fetch.c), the SIP NOTIFY (its caller).
 * Everything kept here lives in RAM: a reboot forgets the delta baselines.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu-int.h"

#define REPORT_DESTS		2	/* 16.4: at most two destinations */
#define REPORT_REPLY_MAX	(64 * 1024)	/* a server's answer */
#define REPORT_MASK		"********"	/* 8.8: a password */
#define REPORT_CT_XML		"text/xml"
#define REPORT_CT_BIN		"application/octet-stream"

enum upload_mode {
	REPORT_ON_REQUEST = 0,
	REPORT_ON_LOCAL_CHANGE,
	REPORT_PERIODICALLY
};

static const char *const report_ua_name[] = { "rw", "ro", "na" };

static int	upload_split(const char *, char **, size_t);
static char	*upload_dest_text(struct phone *, int);
static enum upload_mode upload_mode(const struct phone *);
static int	upload_has_rule(const struct phone *);
static void	upload_all(struct phone *, const char *, emu_time,
		    struct emu_outbox *);
static void	upload_upload(struct phone *, int, emu_time,
		    struct emu_outbox *);
static void	upload_result(struct phone *, int, enum emu_err, const char *,
		    const char *, emu_time, struct emu_outbox *);
static int	upload_omitted(int);
static void	upload_param(struct dbuf *, const struct phone *, int);
static void	upload_snapshot(const struct phone *, struct pset *);
static void	upload_xml_text(struct dbuf *, const char *);
static void	upload_status_elem(struct dbuf *, const char *, const char *);
static const char *upload_time(const struct phone *, int64_t, char *,
		    size_t);
static void	upload_hist(struct dbuf *, const struct phone *,
		    enum phone_hist_kind, const char *, int);

/*
 * RAM back to boot (phone_reset_ram, phone_free): timers off, baselines
 * and status entries dropped.  Transfers are the hub's (cancelled first).
 */
void
upload_reset(struct phone *p)
{
	int	i;

	p->rep_t_local = p->rep_t_periodic = EMU_TIME_NEVER;
	p->rep_boot = 0;
	p->rep_pending = 0;
	for (i = 0; i < REPORT_DESTS; i++) {
		pset_clear(&p->rep_base[i]);
		pset_clear(&p->rep_sent[i]);
		p->rep_has_base[i] = 0;
		p->rep_delta[i] = 0;
		free(p->rep_url[i]);
		p->rep_url[i] = NULL;
		p->rep_err[i] = EMU_OK;
		p->rep_done[i] = 0;
		p->rep_at[i] = 0;
	}
}

/*
 * The phone's report timers.  The restart report and the first periodic
 * arming are due as soon as the phone is operational after a boot with a
 * Report_Rule: that deadline is the time of the event being handled.
 */
emu_time
upload_deadline(const struct phone *p)
{
	emu_time	t;

	/* Uploads wait for P9 and a Report_Rule (upload_timer). */
	if (p->st != PROV_OPERATIONAL || !upload_has_rule(p))
		return (EMU_TIME_NEVER);
	t = p->rep_t_local < p->rep_t_periodic ? p->rep_t_local :
	    p->rep_t_periodic;
	if (p->rep_boot != p->boot_at + 1 ||
	    (upload_mode(p) == REPORT_PERIODICALLY &&
	    p->rep_t_periodic == EMU_TIME_NEVER))
		t = p->now;
	/* A timer that fell due while the phone was busy fires now. */
	if (t != EMU_TIME_NEVER && t < p->now)
		t = p->now;
	return (t);
}

void
upload_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	enum upload_mode	mode = upload_mode(p);
	uint64_t		period;

	if (p->st != PROV_OPERATIONAL || !upload_has_rule(p))
		return;		/* kept for when it is */
	if (p->rep_boot != p->boot_at + 1) {
		p->rep_boot = p->boot_at + 1;
		if (mode == REPORT_ON_REQUEST)
			upload_all(p, "restart", now, out);	/* 16.4 */
	}
	if (p->rep_t_local <= now) {
		p->rep_t_local = EMU_TIME_NEVER;
		if (mode == REPORT_ON_LOCAL_CHANGE)
			upload_all(p, "local change", now, out);	/* B108 */
	}
	if (mode != REPORT_PERIODICALLY) {
		p->rep_t_periodic = EMU_TIME_NEVER;
		return;
	}
	if (parse_uint(phone_get(p, "Periodic_Upload_To_Server"), 600,
	    259200, &period, NULL) != 0)
		period = 3600;
	if (p->rep_t_periodic == EMU_TIME_NEVER) {
		/* The first upload one period after becoming operational. */
		p->rep_t_periodic = EMU_TIME_ADD(now, EMU_SEC(period));
	} else if (p->rep_t_periodic <= now) {
		/* B109: every Periodic_Upload_To_Server seconds. */
		p->rep_t_periodic = EMU_TIME_ADD(now, EMU_SEC(period));
		upload_all(p, "periodic", now, out);
	}
}

/* 16.3, 16.4: SIP NOTIFY Event: report (whatever Report_To_Server says). */
void
upload_request(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (!p->powered)
		return;
	upload_all(p, "request", now, out);
}

/*
 * A local change (LCD, web): with On Local Change, the quiet time starts
 * again, so that a burst of changes gives one upload (B108).
 */
void
upload_local_change(struct phone *p, emu_time now, struct emu_outbox *out)
{
	uint64_t	delay;

	if (!p->powered || upload_mode(p) != REPORT_ON_LOCAL_CHANGE)
		return;
	if (parse_uint(phone_get(p, "Upload_Delay_On_Local_Change"), 10, 900,
	    &delay, NULL) != 0)
		delay = 60;
	p->rep_t_local = EMU_TIME_ADD(now, EMU_SEC(delay));
	phone_log(p, out, TRACE_PROV, "report after %llus of quiet",
	    (unsigned long long)delay);
}

/* An upload has finished (routed by prov_fetch_done, which frees fx). */
void
upload_fetch_done(struct phone *p, enum fetch_owner owner, struct fetch *fx,
    emu_time now, struct emu_outbox *out)
{
	int		dest = owner == FO_REPORT2 ? 1 : 0;
	enum emu_err	err = fetch_err(fx);

	if (err == EMU_OK && p->rep_delta[dest]) {
		/* 8.8: the next delta is against what this one said. */
		pset_clear(&p->rep_base[dest]);
		p->rep_base[dest] = p->rep_sent[dest];
		pset_init(&p->rep_sent[dest]);
		p->rep_has_base[dest] = 1;
	} else
		pset_clear(&p->rep_sent[dest]);
	upload_result(p, dest, err, fetch_url(fx), fetch_detail(fx), now,
	    out);
	if (p->rep_pending & (1u << dest)) {
		p->rep_pending &= ~(1u << dest);
		upload_upload(p, dest, now, out);
	}
}

/*
 * The body of a report, in out: the whole configuration, the delta against
 * base (NULL: against the factory values), or the status fields.
 */
void
upload_body(struct phone *p, int kind, const struct pset *base,
    struct dbuf *out)
{
	size_t	id;

	dbuf_add_str(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (kind == REPORT_BODY_STATUS) {
		char		 t[32];
		const char	*v;

		/* B106: the status fields of 16.1 (8.8). */
		dbuf_add_str(out, "<status>\n");
		upload_status_elem(out, "Product_Name", p->model);
		upload_status_elem(out, "Software_Version", p->swver);
		upload_status_elem(out, "MAC_Address", p->macstr);
		upload_status_elem(out, "Customization",
		    cust_state_name(p->cust));
		upload_status_elem(out, "Serial_Number", p->serial);
		upload_status_elem(out, "Hardware_Version", p->hwver);
		upload_status_elem(out, "Client_Certificate",
		    p->no_cert ? "Not Installed" : "Installed");
		upload_status_elem(out, "Provisioning_Profile",
		    p->last_url != NULL ? p->last_url : "");
		upload_hist(out, p, PHONE_HIST_PROV, "Provisioning_Status",
		    PHONE_HIST_PROV_MAX);
		upload_status_elem(out, "Provisioning_Failure_Reason",
		    p->last_errmsg != NULL ? p->last_errmsg : "");
		upload_status_elem(out, "Current_Time", upload_time(p,
		    p->ctx->epoch + (int64_t)(p->now / 1000000), t,
		    sizeof t));
		snprintf(t, sizeof t, "%llu", (unsigned long long)
		    ((p->now - (p->now > p->boot_at ? p->boot_at : p->now)) /
		    1000000));
		upload_status_elem(out, "Elapsed_Time", t);
		upload_status_elem(out, "IP_Address",
		    p->ip != 0 ? ipv4_str(p->ip, t) : "");
		upload_status_elem(out, "External_IP", "");
		upload_hist(out, p, PHONE_HIST_UPGRADE, "Upgrade_Status",
		    PHONE_HIST_UPGRADE_MAX);
		upload_status_elem(out, "Reboot_Reason",
		    phone_reboot_name(p->status.last_reboot));
		upload_hist(out, p, PHONE_HIST_REBOOT, "Reboot_History",
		    PHONE_HIST_REBOOT_MAX);
		v = p->ca_state == 0 ? "" : p->ca_state == 1 ?
		    "Last provisioning succeeded" :
		    "Last provisioning failed";
		upload_status_elem(out, "Custom_CA_Status", v);
		upload_status_elem(out, "Custom_CA_Info", p->ca_der != NULL ?
		    "Installed" : "Not Installed");
		dbuf_add_str(out, "</status>\n");
		return;
	}
	dbuf_add_str(out, "<flat-profile>\n");
	for (id = 0; id < param_count; id++) {
		if (param_is_shadowed(p->ctx, id) || upload_omitted(id))
			continue;
		/* B106: only what changed since the last delta report. */
		if (kind == REPORT_BODY_DELTA && strcmp(pset_get(&p->ps, id),
		    base != NULL ? pset_get(base, id) :
		    param_table[id].def) == 0)
			continue;
		upload_param(out, p, id);
	}
	dbuf_add_str(out, "</flat-profile>\n");
}

/* The destinations of Report_Rule, split; each must be freed. */
int
upload_dests(const char *rule, char **dest, size_t max)
{
	return (upload_split(rule, dest, max));
}

/*
 * "[--delta]http://a/x [--status] http://b/y": a destination ends at the
 * blank after its URL; blanks inside brackets or before the URL do not
 * count.  Returns how many (at most max); an unclosed bracket ends the text.
 */
static int
upload_split(const char *rule, char **dest, size_t max)
{
	const char	*s = rule, *start;
	size_t		 n = 0;
	int		 url;

	while (*s != '\0' && n < max) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		start = s;
		url = 0;
		while (*s != '\0') {
			if (*s == '[') {
				s += strcspn(s, "]");
				if (*s == ']')
					s++;
				continue;
			}
			if (*s == ' ' || *s == '\t') {
				if (url)
					break;
				s++;
				continue;
			}
			url = 1;
			s++;
		}
		dest[n++] = xstrndup(start, s - start);
	}
	return ((int)n);
}

/* Destination dest of Report_Rule, or NULL. */
static char *
upload_dest_text(struct phone *p, int dest)
{
	char	*d[REPORT_DESTS] = { NULL, NULL }, *r;
	int	 n, i;

	n = upload_split(phone_get(p, "Report_Rule"), d, REPORT_DESTS);
	r = dest < n ? d[dest] : NULL;
	for (i = 0; i < n; i++) {
		if (i != dest)
			free(d[i]);
	}
	return (r);
}

static enum upload_mode
upload_mode(const struct phone *p)
{
	const char	*v = phone_get(p, "Report_To_Server");

	if (v != NULL && strcasecmp(v, "On Local Change") == 0)
		return (REPORT_ON_LOCAL_CHANGE);
	if (v != NULL && strcasecmp(v, "Periodically") == 0)
		return (REPORT_PERIODICALLY);
	return (REPORT_ON_REQUEST);
}

static int
upload_has_rule(const struct phone *p)
{
	const char	*v = phone_get(p, "Report_Rule");

	return (v != NULL && v[strspn(v, " \t")] != '\0');
}

static void
upload_all(struct phone *p, const char *why, emu_time now,
    struct emu_outbox *out)
{
	int	i;

	if (!upload_has_rule(p))
		return;
	phone_log(p, out, TRACE_PROV, "configuration report (%s)", why);
	for (i = 0; i < REPORT_DESTS; i++)
		upload_upload(p, i, now, out);
}

/* Evaluate destination dest, build its body and start the upload. */
static void
upload_upload(struct phone *p, int dest, emu_time now,
    struct emu_outbox *out)
{
	struct rule_env		 env;
	struct rule_result	 res;
	struct fetch_req	 rq;
	struct dbuf		 body;
	char			*text, *url = NULL;
	const char		*m;
	int			 kind;

	if ((text = upload_dest_text(p, dest)) == NULL)
		return;
	if (p->fx[FO_REPORT + dest] != NULL) {
		/* One upload at a time per destination: again after it. */
		p->rep_pending |= 1u << dest;
		free(text);
		return;
	}
	phone_rule_env(p, &env, RULE_KIND_PROFILE);
	env.assign = NULL;	/* a report rule assigns nothing */
	rule_result_init(&res);
	if (rule_eval(text, &env, &res) != RULE_FETCH ||
	    res.scheme == RULE_TFTP) {
		/* ASSUMPTION: reports go over HTTP(S) only. */
		upload_result(p, dest, res.rc == RULE_ERROR ? res.err :
		    EMU_E_BADRULE, text, res.rc == RULE_FETCH ?
		    "tftp cannot upload" : res.errmsg != NULL ? res.errmsg :
		    "no URL", now, out);
		rule_result_clear(&res);
		free(text);
		return;
	}
	free(text);
	dbuf_init(&body);
	kind = res.status ? REPORT_BODY_STATUS : res.delta ?
	    REPORT_BODY_DELTA : REPORT_BODY_FULL;
	pset_clear(&p->rep_sent[dest]);
	p->rep_delta[dest] = kind == REPORT_BODY_DELTA;
	if (kind == REPORT_BODY_DELTA)
		upload_snapshot(p, &p->rep_sent[dest]);
	upload_body(p, kind, kind == REPORT_BODY_DELTA &&
	    p->rep_has_base[dest] ? &p->rep_base[dest] : NULL, &body);

	fetch_req_rule(&rq, EMU_XFER_REPORT, &res);
	m = phone_get(p, "HTTP_Report_Method");
	rq.method = m != NULL && strcasecmp(m, "PUT") == 0 ? "PUT" : "POST";
	rq.content_type = REPORT_CT_XML;
	rq.max_len = REPORT_REPLY_MAX;
	if (upload_encrypt(p, &res, &body, &rq) != 0) {
		upload_result(p, dest, EMU_E_DECRYPT, res.path,
		    "cannot encrypt", now, out);
		pset_clear(&p->rep_sent[dest]);
		dbuf_clear(&body);
		rule_result_clear(&res);
		return;
	}
	rq.body = body.data;
	rq.body_len = body.len;
	xasprintf(&url, "%s://%s:%u%s", rule_scheme_name(res.scheme),
	    res.host, res.port, res.path);
	phone_log(p, out, TRACE_PROV, "report %s %s (%s, %zu bytes%s)",
	    rq.method, url, kind == REPORT_BODY_STATUS ? "status" :
	    kind == REPORT_BODY_DELTA ? "delta" : "full", body.len,
	    rq.content_encoding != NULL ? ", aes128gcm" : res.key != NULL ?
	    ", aes-256-cbc" : "");
	free(url);
	phone_fetch_start(p, FO_REPORT + dest, &rq, now, out);
	dbuf_clear(&body);
	rule_result_clear(&res);
}

/* 16.4 ASSUMPTION: an upload's end is a status entry, nothing more. */
static void
upload_result(struct phone *p, int dest, enum emu_err err, const char *url,
    const char *detail, emu_time now, struct emu_outbox *out)
{
	char	*e;

	free(p->rep_url[dest]);
	p->rep_url[dest] = xstrdup(url != NULL ? url : "");
	p->rep_err[dest] = err;
	p->rep_done[dest] = 1;
	p->rep_at[dest] = now;
	if (err != EMU_OK) {
		e = pf_escape(p->rep_url[dest], strlen(p->rep_url[dest]));
		phone_log(p, out, TRACE_PROV, "report to %s failed: %s%s%s",
		    e, emu_err_cause(err), detail != NULL && *detail != '\0' ?
		    ": " : "", detail != NULL ? detail : "");
		free(e);
	} else
		phone_log(p, out, TRACE_PROV, "report uploaded");
	phone_note_simple(p, out, EMU_NOTE_REPORT, emu_err_class(err), err);
}

/* B105: GPP_SA..GPP_SD and the IKM never leave the phone. */
static int
upload_omitted(int id)
{
	if (id >= P_GPP_SA && id <= P_GPP_SD)
		return (1);
	return (strcmp(param_table[id].name, "IKM_HTTP_Encrypt_Content") ==
	    0);
}

/* One <Name ua="..">value</Name> line; a password as asterisks. */
static void
upload_param(struct dbuf *out, const struct phone *p, int id)
{
	const struct param_def	*pd = &param_table[id];
	const char		*v = phone_param(p, id);
	enum param_ua		 ua = pset_ua(&p->ps, id);

	if ((pd->flags & PARAM_SECRET) && *v != '\0')
		v = REPORT_MASK;	/* B105: passwords masked */
	dbuf_printf(out, "<%s ua=\"%s\">", pd->name,
	    report_ua_name[ua <= UA_NA ? ua : UA_RW]);
	upload_xml_text(out, v);
	dbuf_printf(out, "</%s>\n", pd->name);
}

/* The values a delta report is about to say, as a pset. */
static void
upload_snapshot(const struct phone *p, struct pset *snap)
{
	uint16_t	i;

	for (i = 0; i < p->ps.n; i++) {
		if (p->ps.ent[i].flags & PSET_VALUE)
			pset_set(snap, p->ps.ent[i].id, p->ps.ent[i].val, 0);
	}
}

/* XML character data (8.2): & < > escaped, control bytes dropped. */
static void
upload_xml_text(struct dbuf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			dbuf_add_str(out, "&amp;");
			break;
		case '<':
			dbuf_add_str(out, "&lt;");
			break;
		case '>':
			dbuf_add_str(out, "&gt;");
			break;
		case '"':
			dbuf_add_str(out, "&quot;");
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' &&
			    *s != '\n' && *s != '\r')
				break;
			dbuf_add_u8(out, (uint8_t)*s);
			break;
		}
	}
}

static void
upload_status_elem(struct dbuf *out, const char *name, const char *value)
{
	dbuf_printf(out, "<%s>", name);
	upload_xml_text(out, value);
	dbuf_printf(out, "</%s>\n", name);
}

/* Calendar seconds (UTC) as the phone shows them: local mm/dd/yyyy. */
static const char *
upload_time(const struct phone *p, int64_t when, char *buf, size_t size)
{
	struct tm	tm;
	time_t		t = (time_t)(when + p->ctx->tz_offset_s);

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%m/%d/%Y %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)when);
	return (buf);
}

/* name_1..name_max from a history, newest first (16.1 entry text). */
static void
upload_hist(struct dbuf *out, const struct phone *p, enum phone_hist_kind k,
    const char *name, int max)
{
	const struct phone_hist	*h;
	struct dbuf		 v;
	char			 t[32], n[64];
	int			 i;

	dbuf_init(&v);
	for (i = 0; i < max; i++) {
		dbuf_reset(&v);
		if (i < p->nhist[k]) {
			h = &p->hist[k][i];
			upload_time(p, h->when, t, sizeof t);
			if (k == PHONE_HIST_REBOOT)
				dbuf_printf(&v, "%s %s", t,
				    phone_reboot_name(h->reason));
			else
				dbuf_printf(&v, "%s %s %s%s%s",
				    k == PHONE_HIST_PROV ?
				    (h->ok ? "Resync succeeded" :
				    "Resync failed") : (h->ok ?
				    "Upgrade succeeded" : "Upgrade failed"), t,
				    h->url != NULL ? h->url : "",
				    h->msg != NULL && *h->msg != '\0' ? " " : "",
				    h->msg != NULL ? h->msg : "");
		}
		snprintf(n, sizeof n, "%s_%d", name, i + 1);
		upload_status_elem(out, n, v.data != NULL ?
		    (const char *)v.data : "");
	}
	dbuf_clear(&v);
}

/*
 * 11.2, 11.3, 16.4 (B107): with --key the body becomes AES-256-CBC in
 * OpenSSL's enc format; without it, a set IKM_HTTP_Encrypt_Content makes
 * it RFC 8188 aes128gcm.  Salts come from the phone's PRNG, so one seed
 * gives one run.
 */
int
upload_encrypt(struct phone *p, const struct rule_result *res,
    struct dbuf *body, struct fetch_req *rq)
{
	const char	*ikm = phone_get(p, "IKM_HTTP_Encrypt_Content");
	uint8_t		 salt[16], key[DECODE_IKM_MAX];
	size_t		 klen, i;
	uint64_t	 r;
	struct dbuf	 enc;
	char		*cause = NULL;
	int		 rc;

	if (res->key == NULL && (ikm == NULL || *ikm == '\0'))
		return (0);
	/* The salt from the phone's own generator: one seed, one run. */
	for (i = 0; i < sizeof salt; i += 8) {
		r = prng_next(&p->rng);
		memcpy(salt + i, &r, 8);
	}
	dbuf_init(&enc);
	if (res->key != NULL) {
		/* 11.3, B107: --key wins; openssl enc -d -aes-256-cbc -k K. */
		rc = decode_cbc_encrypt(body->data, body->len, res->key,
		    DECODE_MD_SHA256, salt, &enc, &cause);
	} else {
		/* 11.3: no --key and an IKM: RFC 8188 aes128gcm. */
		rc = decode_ikm(ikm, key, sizeof key, &klen, &cause);
		if (rc == 0)
			rc = decode_gcm_encrypt(body->data, body->len, key,
			    klen, salt, DECODE_GCM_RS_DEFAULT, NULL, 0, &enc,
			    &cause);
		if (rc == 0)
			rq->content_encoding = "aes128gcm";
	}
	free(cause);
	if (rc != 0) {
		dbuf_clear(&enc);
		return (-1);
	}
	dbuf_clear(body);
	*body = enc;
	return (0);
}

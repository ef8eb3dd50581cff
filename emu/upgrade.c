/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Firmware upgrade (spec 12, states P7 and P8).  Upgrade_Rule is evaluated
 * after every successful resync, when its retry timer fires and when it is
 * set locally; what it names is compared with the last attempt kept in
 * flash (B97, B98), with the running load (B95) and with the inactive
 * partition (B96); a new load is checked for its family (B99) and against
 * Downgrade_Rev_Limit (B100), waits for idle (3.6), then its .loads file is
 * fetched and parsed (12.3) and every image it lists is fetched through a
 * sink: counted and hashed, never kept, so a 30 MB image costs a phone no
 * memory.  Success swaps the partitions and reboots with reason Upgrade
 * (B94); failure arms Upgrade_Error_Retry_Delay with $UPGST 2 (B97) and,
 * with Resync_After_Upgrade_Attempt, asks for a resync (B103).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu-int.h"

#define UPGRADE_LOADS_MAX	(64 * 1024)	/* a .loads file */

static const struct {
	const char	*model;		/* $PN without "CP-" and "-3PCC" */
	const char	*prefix;
} upgrade_families[] = {
	/* 2.1: the load prefix of each model. */
	{ "6821", "sip6821" },
	{ "6841", "sip68xx" }, { "6851", "sip68xx" }, { "6861", "sip68xx" },
	{ "6871", "sip68xx" },
	{ "7811", "sip78xx" }, { "7821", "sip78xx" }, { "7841", "sip78xx" },
	{ "7861", "sip78xx" },
	{ "7832", "sip7832" },
	{ "8811", "sip88xx" }, { "8841", "sip88xx" }, { "8851", "sip88xx" },
	{ "8861", "sip88xx" },
	{ "8845", "sip8845_65" }, { "8865", "sip8845_65" },
	{ "8832", "sip8832" },
};

static void	upgrade_start(struct phone *, emu_time, struct emu_outbox *);
static void	upgrade_fetch(struct phone *, const char *, enum emu_xfer_kind,
		    emu_time, struct emu_outbox *);
static void	upgrade_fail(struct phone *, enum emu_err, const char *,
		    emu_time, struct emu_outbox *);
static void	upgrade_install(struct phone *, emu_time,
		    struct emu_outbox *);
static void	upgrade_arm_retry(struct phone *, emu_time,
		    struct emu_outbox *);
static void	upgrade_images_free(struct phone *);
static int	upgrade_loads_parse(struct phone *, const struct dbuf *,
		    char **);
static void	upgrade_set_macros(struct phone *, const char *);
static int	upgrade_same_family(const char *, const char *);
static int	upgrade_hexval(int);

static int
upgrade_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* The load prefix of p's model ("sip88xx"), or NULL if unknown. */
const char *
upgrade_family(const struct phone *p)
{
	const char	*m = p->model;
	size_t		 i;

	if (strncmp(m, "CP-", 3) == 0)
		m += 3;
	for (i = 0; i < nitems(upgrade_families); i++) {
		if (strncmp(m, upgrade_families[i].model, 4) == 0)
			return (upgrade_families[i].prefix);
	}
	return (NULL);
}

static int
upgrade_same_family(const char *want, const char *load)
{
	size_t	n = strlen(want);

	return (strncasecmp(load, want, n) == 0 && load[n] == '.');
}

/* The load name a URL names: its last path segment without ".loads". */
static char *
upgrade_target(const char *path)
{
	const char	*b = strrchr(path, '/');
	size_t		 n;

	b = b != NULL ? b + 1 : path;
	n = strcspn(b, "?#");
	if (n > 6 && strncasecmp(b + n - 6, ".loads", 6) == 0)
		n -= 6;
	return (xstrndup(b, n));
}

/*
 * 12.2 step 1: evaluate Upgrade_Rule.  why is for the log.  Does nothing
 * while an attempt runs: the rule is looked at again when it ends.
 */
void
upgrade_check(struct phone *p, const char *why, emu_time now,
    struct emu_outbox *out)
{
	struct rule_env		 env;
	struct rule_result	 rr;
	const char		*rule = phone_param(p, P_UPGRADE_RULE);
	char			*url = NULL, *target = NULL;
	enum rule_rc		 rc;
	int			 same;

	if (p->upg_phase != UPG_IDLE && p->upg_phase != UPG_RETRY)
		return;
	if (rule == NULL || *rule == '\0')
		return;
	if (!param_is_true(phone_param(p, P_UPGRADE_ENABLE))) {
		/* B102: no rule-driven upgrade. */
		phone_log(p, out, TRACE_PROV, "upgrade (%s): Upgrade_Enable "
		    "is No", why);
		return;
	}
	phone_rule_env(p, &env, RULE_KIND_UPGRADE);
	env.dhcp_server = NULL;		/* B101: the server is mandatory */
	rule_result_init(&rr);
	/* B104: $SWVER is the running load, so after each upgrade's reboot
	 * a conditional rule names the next stage, a new URL (B98). */
	rc = rule_eval(rule, &env, &rr);
	same = p->upg_rule != NULL && strcmp(p->upg_rule, rule) == 0;
	if (rc == RULE_ERROR) {
		/* B101: a host-less URL is an error even with option 66. */
		if (same && p->upg_url == NULL && !p->upg_ok &&
		    p->upg_phase == UPG_RETRY) {
			rule_result_clear(&rr);
			return;
		}
		free(p->upg_rule);
		p->upg_rule = xstrdup(rule);
		free(p->upg_url);
		p->upg_url = NULL;
		free(p->upg_cur);
		p->upg_cur = xstrdup(rule);
		upgrade_fail(p, rr.err, rr.errmsg, now, out);
		rule_result_clear(&rr);
		return;
	}
	if (rc != RULE_FETCH) {
		/* Nothing to run: an unconditional URL is the usual case. */
		phone_log(p, out, TRACE_PROV, "upgrade (%s): rule names no "
		    "load", why);
		rule_result_clear(&rr);
		return;
	}
	xasprintf(&url, "%s://%s:%u%s", rule_scheme_name(rr.scheme), rr.host,
	    rr.port, rr.path);
	/* 12.1, B98: the same URL is not tried again after a success; a
	 * failed one waits for its retry timer (B97). */
	if (same && p->upg_url != NULL && strcmp(p->upg_url, url) == 0) {
		if (p->upg_ok) {
			free(url);
			rule_result_clear(&rr);
			return;
		}
		if (p->upg_phase == UPG_RETRY && !p->upg_due) {
			phone_log(p, out, TRACE_PROV, "upgrade (%s): %s failed; "
			    "waiting for the retry", why, url);
			free(url);
			rule_result_clear(&rr);
			return;
		}
		if (p->upg_phase != UPG_RETRY) {
			/* After a reboot: retry timers are RAM (2.3). */
			upgrade_arm_retry(p, now, out);
			free(url);
			rule_result_clear(&rr);
			return;
		}
		p->upgst = 2;		/* B97 */
	} else {
		p->upgst = 1;
		p->upg_retry_idx = 0;
	}
	p->t_upgrade = EMU_TIME_NEVER;
	p->upg_phase = UPG_IDLE;
	free(p->upg_rule);
	p->upg_rule = xstrdup(rule);
	free(p->upg_url);
	p->upg_url = xstrdup(url);
	p->upg_ok = 0;
	free(p->upg_cur);
	p->upg_cur = url;
	p->upg_scheme = rr.scheme;
	p->upg_port = rr.port;
	free(p->upg_host);
	p->upg_host = xstrdup(rr.host);
	free(p->upg_path);
	p->upg_path = xstrdup(rr.path);
	/* 5.7: --uid and --pwd are the options an upgrade keeps. */
	free(p->upg_uid);
	p->upg_uid = rr.uid != NULL ? xstrdup(rr.uid) : NULL;
	free(p->upg_pwd);
	p->upg_pwd = rr.pwd != NULL ? xstrdup(rr.pwd) : NULL;
	rule_result_clear(&rr);
	target = upgrade_target(p->upg_path);
	free(p->upg_target);
	p->upg_target = target;
	phone_log(p, out, TRACE_PROV, "upgrade (%s): %s", why, p->upg_cur);

	/* 12.2 step 3, B95: the running load: nothing to download. */
	if (strcmp(target, p->swver) == 0) {
		phone_log(p, out, TRACE_PROV, "upgrade: %s is running", target);
		p->upg_ok = 1;
		p->upg_err = EMU_OK;
		return;
	}
	/* B96: the inactive partition holds it: switch, no download. */
	if (*p->swver2 != '\0' && strcmp(target, p->swver2) == 0) {
		phone_log(p, out, TRACE_PROV, "upgrade: %s is in the inactive "
		    "partition", target);
		upgrade_install(p, now, out);
		return;
	}
	/* Step 4, B99: the load must be of the model's family. */
	if (upgrade_family(p) != NULL &&
	    !upgrade_same_family(upgrade_family(p), target)) {
		upgrade_fail(p, EMU_E_IMAGE, NULL, now, out);
		return;
	}
	/* B100: nothing older than Downgrade_Rev_Limit. */
	if (upgrade_below_limit(p, target, out)) {
		upgrade_fail(p, EMU_E_DOWNGRADE, NULL, now, out);
		return;
	}
	/* Step 5, 3.6: all lines inactive first; no forced limit. */
	if (phone_busy(p)) {
		phone_log(p, out, TRACE_PROV, "upgrade: waiting for idle");
		p->upg_phase = UPG_WAIT_IDLE;
		return;
	}
	upgrade_start(p, now, out);
}

/* B100: is target older than a valid Downgrade_Rev_Limit? */
int
upgrade_below_limit(struct phone *p, const char *target,
    struct emu_outbox *out)
{
	const char	*lim = phone_get(p, "Downgrade_Rev_Limit");
	int		 cmp;

	if (lim == NULL || *lim == '\0')
		return (0);
	if (rule_version_cmp(target, lim, &cmp) != 0) {
		phone_log(p, out, TRACE_PROV, "Downgrade_Rev_Limit \"%s\" or "
		    "load \"%s\" is not a version: not enforced", lim, target);
		return (0);
	}
	return (cmp < 0);
}

/* The phone is idle again (3.6): a waiting upgrade starts. */
void
upgrade_idle(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (p->upg_phase == UPG_WAIT_IDLE && !phone_busy(p))
		upgrade_start(p, now, out);
}

/* Step 6: request message, then the .loads file. */
static void
upgrade_start(struct phone *p, emu_time now, struct emu_outbox *out)
{
	char	*dir;
	size_t	 n;

	p->upg_at = now;
	p->upg_phase = UPG_LOADS;
	prov_enter(p, PROV_UPGRADING, now, out);
	n = strlen(p->upg_path);
	while (n > 0 && p->upg_path[n - 1] != '/')
		n--;
	dir = xstrndup(p->upg_path, n);
	free(p->upg_dir);
	p->upg_dir = dir;
	upgrade_set_macros(p, p->upg_path);
	upgrade_syslog(p, "Log_Upgrade_Request_Msg", out);	/* B94 */
	upgrade_fetch(p, p->upg_path, EMU_XFER_LOADS, now, out);
}

static void
upgrade_set_macros(struct phone *p, const char *path)
{
	free(p->m_scheme);
	p->m_scheme = xstrdup(rule_scheme_name(p->upg_scheme));
	free(p->m_serv);
	p->m_serv = xstrdup(p->upg_host);
	p->m_port = p->upg_port;
	free(p->m_path);
	p->m_path = xstrdup(path);
	p->servip[0] = '\0';
}

/* One Log_Upgrade_*_Msg (12.2, 16.2); an empty one is not sent. */
void
upgrade_syslog(struct phone *p, const char *name, struct emu_outbox *out)
{
	int	id = param_find(p->ctx, name);

	if (id >= 0)
		phone_syslog(p, out, id);
}

static void
upgrade_fetch(struct phone *p, const char *path, enum emu_xfer_kind kind,
    emu_time now, struct emu_outbox *out)
{
	struct fetch_req	rq;

	memset(&rq, 0, sizeof rq);
	rq.kind = kind;
	rq.scheme = p->upg_scheme;
	rq.host = p->upg_host;
	rq.port = p->upg_port;
	rq.path = path;
	rq.uid = p->upg_uid;
	rq.pwd = p->upg_pwd;
	if (kind == EMU_XFER_LOADS)
		rq.max_len = UPGRADE_LOADS_MAX;
	else
		rq.sink = 1;
	phone_fetch_start(p, FO_UPGRADE, &rq, now, out);
}

/* A transfer of the upgrade ended (the hub frees it afterwards). */
void
upgrade_fetch_done(struct phone *p, struct fetch *fx, emu_time now,
    struct emu_outbox *out)
{
	enum emu_err		 err = fetch_err(fx);
	const struct upg_image	*im;
	char			*cause = NULL, *path, hex[65];
	const uint8_t		*d;
	int			 i;

	if (p->upg_phase != UPG_LOADS && p->upg_phase != UPG_IMAGE)
		return;
	pf_strlcpy(p->servip, fetch_servip(fx), sizeof p->servip);
	if (err != EMU_OK) {
		upgrade_fail(p, err, fetch_detail(fx), now, out);
		return;
	}
	if (p->upg_phase == UPG_LOADS) {
		if (upgrade_loads_parse(p, fetch_body(fx), &cause) != 0) {
			upgrade_fail(p, EMU_E_LOADS, cause, now, out);
			free(cause);
			return;
		}
		p->upg_img = 0;
	} else {
		/* 12.2 step 6: the image's size and SHA-256 (12.3). */
		im = &p->upg_images[p->upg_img];
		if (fetch_sink_bytes(fx) != im->size) {
			xasprintf(&cause, "%s: %llu bytes, .loads says %llu",
			    im->file, (unsigned long long)fetch_sink_bytes(fx),
			    (unsigned long long)im->size);
			upgrade_fail(p, EMU_E_IMAGE_BAD, cause, now, out);
			free(cause);
			return;
		}
		d = fetch_sink_sha256(fx);
		/* EMU_VERIFY_SIZE: benchmarks skip the hash (emu.h). */
		if (im->has_sha && p->ctx->image_verify == EMU_VERIFY_SHA256 &&
		    memcmp(d, im->sha256, 32) != 0) {
			for (i = 0; i < 32; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			xasprintf(&cause, "%s: SHA-256 %s differs", im->file,
			    hex);
			upgrade_fail(p, EMU_E_IMAGE_BAD, cause, now, out);
			free(cause);
			return;
		}
		p->upg_img++;
	}
	if (p->upg_img < p->upg_nimg) {
		p->upg_phase = UPG_IMAGE;
		im = &p->upg_images[p->upg_img];
		xasprintf(&path, "%s%s", p->upg_dir, im->file);
		upgrade_fetch(p, path, EMU_XFER_IMAGE, now, out);
		free(path);
		return;
	}
	upgrade_install(p, now, out);
}

/*
 * 12.3: "load=", "family=", "version=" and "image=<file> size=<n>
 * sha256=<hex>" lines.  With ctx->loads_any a non-empty file that is not
 * of this format is accepted as a load without images.
 */
static int
upgrade_loads_parse(struct phone *p, const struct dbuf *b, char **cause)
{
	upgrade_images_free(p);
	return (upgrade_loads_parse_buf(b->data, b->len, p->upg_target,
	    p->ctx->loads_any, &p->upg_images, &p->upg_nimg, cause));
}

/*
 * 12.3, pure: parse a .loads file of len bytes for load target.  any: a
 * non-empty file that is not of this format is a load without images
 * (a real Cisco .loads).  Returns 0 with *img (the caller's, freed with
 * upgrade_loads_free) and *nimg, or -1 with *cause, *img NULL and *nimg 0.
 */
int
upgrade_loads_parse_buf(const uint8_t *buf, size_t len, const char *target,
    int any, struct upg_image **img, uint16_t *nimg, char **cause)
{
	const char	*s = (const char *)buf, *end = s + len, *nl;
	char		*line, *tok, *save, *f, *v;
	struct upg_image im, *tmp;
	unsigned long long size;
	int		 lineno = 0, have_load = 0, i, rc = -1;
	char		*ep;

	*img = NULL;
	*nimg = 0;
	if (len == 0 || memchr(s, '\0', len) != NULL) {
		if (len != 0 && any)
			return (0);
		xasprintf(cause, "not a text .loads file");
		return (-1);
	}
	while (s < end) {
		nl = memchr(s, '\n', end - s);
		line = xstrndup(s, nl != NULL ? (size_t)(nl - s) :
		    (size_t)(end - s));
		s = nl != NULL ? nl + 1 : end;
		lineno++;
		line[strcspn(line, "\r")] = '\0';
		tok = line + strspn(line, " \t");
		if (*tok == '\0' || *tok == '#') {
			free(line);
			continue;
		}
		if (strncmp(tok, "load=", 5) == 0) {
			v = tok + 5;
			v[strcspn(v, " \t")] = '\0';
			if (strcmp(v, target) != 0) {
				xasprintf(cause, "line %d: load %s, not %s",
				    lineno, v, target);
				free(line);
				goto done;
			}
			have_load = 1;
		} else if (strncmp(tok, "family=", 7) == 0) {
			v = tok + 7;
			v[strcspn(v, " \t")] = '\0';
			if (!upgrade_same_family(v, target)) {
				xasprintf(cause, "line %d: family %s does not "
				    "match %s", lineno, v, target);
				free(line);
				goto done;
			}
		} else if (strncmp(tok, "version=", 8) == 0) {
			/* Informational. */
		} else if (strncmp(tok, "image=", 6) == 0) {
			memset(&im, 0, sizeof im);
			for (f = strtok_r(tok, " \t", &save); f != NULL;
			    f = strtok_r(NULL, " \t", &save)) {
				if (strncmp(f, "image=", 6) == 0 &&
				    f[6] != '\0' && strchr(f + 6, '/') ==
				    NULL && strstr(f + 6, "..") == NULL) {
					free(im.file);
					im.file = xstrdup(f + 6);
				} else if (strncmp(f, "size=", 5) == 0 &&
				    f[5] >= '0' && f[5] <= '9') {
					size = strtoull(f + 5, &ep, 10);
					if (*ep != '\0' ||
					    size > FETCH_SINK_MAX)
						break;
					im.size = size;
					im.has_size = 1;
				} else if (strncmp(f, "sha256=", 7) == 0 &&
				    strlen(f + 7) == 64) {
					for (i = 0; i < 32; i++) {
						int	hi, lo;

						hi = upgrade_hexval(f[7 + 2 * i]);
						lo = upgrade_hexval(f[8 + 2 * i]);
						if (hi < 0 || lo < 0)
							break;
						im.sha256[i] = hi << 4 | lo;
					}
					if (i != 32)
						break;
					im.has_sha = 1;
				} else
					break;
			}
			if (f != NULL || im.file == NULL || !im.has_size) {
				free(im.file);
				xasprintf(cause, "line %d: bad image line",
				    lineno);
				free(line);
				goto done;
			}
			if (*nimg >= UPGRADE_IMAGES_MAX) {
				free(im.file);
				xasprintf(cause, "over %d images",
				    UPGRADE_IMAGES_MAX);
				free(line);
				goto done;
			}
			tmp = xreallocarray(*img, *nimg + 1, sizeof *tmp);
			*img = tmp;
			(*img)[(*nimg)++] = im;
		} else if (!any) {
			xasprintf(cause, "line %d: unknown line", lineno);
			free(line);
			goto done;
		}
		free(line);
	}
	if (!have_load && !any) {
		xasprintf(cause, "no load= line");
		goto done;
	}
	if (*nimg == 0 && !any) {
		xasprintf(cause, "no image= line");
		goto done;
	}
	rc = 0;
done:
	if (rc != 0) {
		upgrade_loads_free(*img, *nimg);
		*img = NULL;
		*nimg = 0;
	}
	return (rc);
}

/* What upgrade_loads_parse_buf gave. */
void
upgrade_loads_free(struct upg_image *img, uint16_t nimg)
{
	uint16_t	i;

	for (i = 0; i < nimg; i++)
		free(img[i].file);
	free(img);
}

static void
upgrade_images_free(struct phone *p)
{
	upgrade_loads_free(p->upg_images, p->upg_nimg);
	p->upg_images = NULL;
	p->upg_nimg = 0;
	p->upg_img = 0;
}

/* Step 7: the new load goes to the inactive partition, which boots. */
static void
upgrade_install(struct phone *p, emu_time now, struct emu_outbox *out)
{
	const char	*old = p->swver;

	upgrade_images_free(p);
	p->swver = intern_str(p->ctx->intern, p->upg_target);
	intern_unref(p->swver2);
	p->swver2 = old;		/* the reference moves */
	p->upg_ok = 1;
	p->upg_err = EMU_OK;
	p->upg_phase = UPG_IDLE;
	p->upg_announce = 1;
	p->upg_retry_idx = 0;
	p->t_upgrade = EMU_TIME_NEVER;
	phone_hist_add(p, PHONE_HIST_UPGRADE, 1, EMU_OK, p->upg_cur,
	    p->swver, 0);
	phone_log(p, out, TRACE_PROV, "upgrade: installed %s", p->swver);
	phone_note_simple(p, out, EMU_NOTE_UPGRADE, EMU_CLASS_A, EMU_OK);
	phone_reboot(p, PHONE_RB_UPGRADE, now, out);	/* B94 */
}

/* Step 8. */
static void
upgrade_fail(struct phone *p, enum emu_err err, const char *detail,
    emu_time now, struct emu_outbox *out)
{
	int	id;

	upgrade_images_free(p);
	phone_fetch_cancel(p, FO_UPGRADE, out);
	p->upg_ok = 0;
	p->upg_err = err;
	free(p->upg_errmsg);
	p->upg_errmsg = xstrdup(emu_err_name(err));
	free(p->last_errmsg);
	p->last_errmsg = xstrdup(emu_err_name(err));	/* $ERR */
	if (p->upg_at == EMU_TIME_NEVER)
		p->upg_at = now;
	phone_log(p, out, TRACE_PROV, "upgrade failed: %s%s%s",
	    emu_err_cause(err), detail != NULL ? ": " : "",
	    detail != NULL ? detail : "");
	upgrade_syslog(p, "Log_Upgrade_Failure_Msg", out);
	phone_hist_add(p, PHONE_HIST_UPGRADE, 0, err, p->upg_cur,
	    emu_err_name(err), 0);
	phone_note_simple(p, out, EMU_NOTE_UPGRADE, emu_err_class(err), err);
	if (p->st == PROV_UPGRADING)
		prov_enter(p, PROV_OPERATIONAL, now, out);
	upgrade_arm_retry(p, now, out);
	/* 12.2 step 8, B103. */
	id = P_RESYNC_AFTER_UPGRADE_ATTEMPT;
	if (param_is_true(phone_param(p, id))) {
		phone_log(p, out, TRACE_PROV, "resync after the upgrade "
		    "attempt");
		prov_resync_request(p, 0, NULL, now, out);
	}
}

/* B97: the next Upgrade_Error_Retry_Delay element; 0: no retry. */
static void
upgrade_arm_retry(struct phone *p, emu_time now, struct emu_outbox *out)
{
	uint32_t	 d = 0;
	char		*cause = NULL;

	if (sched_delay(phone_param(p, P_UPGRADE_ERROR_RETRY_DELAY),
	    p->upg_retry_idx++, &p->rng, &d, &cause) != 0) {
		phone_log(p, out, TRACE_PROV, "Upgrade_Error_Retry_Delay: %s: "
		    "using the default", cause);
		free(cause);
		if (sched_delay(phone_param_default(p,
		    P_UPGRADE_ERROR_RETRY_DELAY), 0, &p->rng, &d, NULL) != 0)
			d = 0;
	}
	p->upg_phase = UPG_RETRY;
	p->t_upgrade = d == 0 ? EMU_TIME_NEVER : EMU_TIME_ADD(now, EMU_SEC(d));
}

emu_time
upgrade_deadline(const struct phone *p)
{
	return (p->upg_phase == UPG_RETRY ? p->t_upgrade : EMU_TIME_NEVER);
}

void
upgrade_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (p->upg_phase != UPG_RETRY || p->t_upgrade > now)
		return;
	p->t_upgrade = EMU_TIME_NEVER;
	p->upg_due = 1;
	upgrade_check(p, "retry", now, out);
	p->upg_due = 0;
}

/*
 * The network is up after a boot: announce an upgrade that just booted
 * (12.2 step 7: $ERR is the new load), and let a failed attempt kept in
 * flash wait for its retry timer (12.2 step 1).
 */
void
upgrade_booted(struct phone *p, emu_time now, struct emu_outbox *out)
{
	if (p->upg_announce) {
		p->upg_announce = 0;
		free(p->last_errmsg);
		p->last_errmsg = xstrdup(p->swver);
		if (p->upg_cur != NULL)
			upgrade_set_macros(p, p->upg_path);
		upgrade_syslog(p, "Log_Upgrade_Success_Msg", out);  /* B94 */
	}
	if (p->upg_url != NULL && !p->upg_ok && p->upg_phase == UPG_IDLE)
		upgrade_arm_retry(p, now, out);
}

/* RAM state of the upgrade machine: at boot and power-off. */
void
upgrade_reset_ram(struct phone *p)
{
	upgrade_images_free(p);
	p->upg_phase = UPG_IDLE;
	p->upgst = 1;
	p->upg_retry_idx = 0;
	p->t_upgrade = EMU_TIME_NEVER;
	p->upg_at = EMU_TIME_NEVER;
}

/* Flash and RAM, at factory reset and phone_free. */
void
upgrade_clear(struct phone *p)
{
	upgrade_reset_ram(p);
	free(p->upg_rule);
	p->upg_rule = NULL;
	free(p->upg_url);
	p->upg_url = NULL;
	p->upg_ok = 0;
	p->upg_err = EMU_OK;
	p->upg_announce = 0;
	free(p->upg_cur);
	p->upg_cur = NULL;
	free(p->upg_host);
	p->upg_host = NULL;
	free(p->upg_path);
	p->upg_path = NULL;
	free(p->upg_dir);
	p->upg_dir = NULL;
	free(p->upg_target);
	p->upg_target = NULL;
	free(p->upg_errmsg);
	p->upg_errmsg = NULL;
	free(p->upg_uid);
	p->upg_uid = NULL;
	free(p->upg_pwd);
	p->upg_pwd = NULL;
}

/* $UPGTMR base (6.2): the last attempt, or the boot. */
emu_time
upgrade_timer_base(const struct phone *p)
{
	return (p->upg_at != EMU_TIME_NEVER ? p->upg_at : p->boot_at);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The simulated cloud services of spec 13 behind one HTTP endpoint: EDOS
 * remote customization and device activation (13.1: GET /rc/v1/device),
 * CDA short codes (13.2: GET /rc/v1/code) and GDS activation codes (13.3:
 * POST /api/v1/activate), in the EMULATOR-DEFINED shapes of proto/cloud.c
 * and docs/cloud.md.  It is a dynamic handler of an ep_http (so faults,
 * framing and keep-alive are the HTTP endpoint's), answering from a
 * registry the scenario fills: devices by MAC, short codes, and GDS codes
 * that expire and work once.  Requests come from phones that may be
 * hostile: they are parsed by the bounded codecs and never grow the
 * registry.  Sans-I/O: time comes with each request.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netsim.h"

#define EP_CLOUD_JSON "application/json"
#define EP_CLOUD_KEY_MAX 16 /* a MAC (12) or a code (up to 16 digits) */

enum ep_cloud_kind {
	EP_CLOUD_DEVICE,
	EP_CLOUD_SHORT,
	EP_CLOUD_GDS
};

struct ep_cloud_ent {
	char key[EP_CLOUD_KEY_MAX + 1]; /* the hmap key: MAC or digits */
	int status;                     /* DEVICE: answer this, 0 = none */
	char *profile;                  /* owned: redirect body, or NULL */
	size_t profile_len;
	char *rule, *uid, *pwd; /* owned: GDS grant (uid, pwd may be NULL) */
	emu_time expires;       /* GDS: refused from then on */
	int used;               /* GDS: single use */
};

struct ep_cloud {
	struct hmap dev[3];            /* enum ep_cloud_kind -> entries */
	struct ep_cloud_ent *dev_dflt; /* owned: unknown MACs, or NULL */
	struct ep_cloud_stats stats;
};

static int ep_cloud_mac(char *, const char *, char **);
static int ep_cloud_company_ok(const char *, char **);
static struct ep_cloud_ent *ep_cloud_put(struct ep_cloud *, int, const char *);
static void ep_cloud_ent_free(struct ep_cloud_ent *);
static void ep_cloud_profile(struct ep_cloud_ent *, const char *, const char *);
static void ep_cloud_error(struct ep_http_answer *, int, const char *);
static void ep_cloud_edos(struct ep_cloud *, const struct ep_http_call *,
    struct ep_http_answer *);
static void ep_cloud_gds(struct ep_cloud *, const struct ep_http_call *,
    struct ep_http_answer *);

struct ep_cloud *
ep_cloud_create(void)
{
	struct ep_cloud *c;
	size_t i;

	c = xcalloc(1, sizeof *c);
	for (i = 0; i < nitems(c->dev); i++)
		hmap_init(&c->dev[i]);
	return (c);
}

void
ep_cloud_free(struct ep_cloud *c)
{
	struct ep_cloud_ent *e;
	size_t i, pos;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(c->dev); i++) {
		pos = 0;
		while ((e = hmap_next(&c->dev[i], &pos)) != NULL)
			ep_cloud_ent_free(e);
		hmap_clear(&c->dev[i]);
	}
	ep_cloud_ent_free(c->dev_dflt);
	free(c);
}

/* c answers the cloud paths of h; c must outlive h. */
void
ep_cloud_attach(struct ep_cloud *c, struct ep_http *h)
{
	ep_http_set_handler(h, ep_cloud_handle, c);
}

/*
 * EDOS (13.1, 4.5): the answer for one MAC.  profile (XML text, copied) is
 * the redirect; company, if not NULL, is added to it as the comment the
 * phone shows once Acquired (4.8).  profile NULL or "": the empty 200 of
 * a phone no provider claims.  mac NULL sets the answer for every MAC not
 * registered (by default the empty 200).  0, or -1 with *cause.
 */
int
ep_cloud_device(struct ep_cloud *c, const char *mac, const char *profile,
    const char *company, char **cause)
{
	struct ep_cloud_ent *e;
	char key[13];

	if (company != NULL && ep_cloud_company_ok(company, cause) != 0)
		return (-1);
	if (mac == NULL) {
		ep_cloud_ent_free(c->dev_dflt);
		c->dev_dflt = xcalloc(1, sizeof *c->dev_dflt);
		e = c->dev_dflt;
	} else {
		if (ep_cloud_mac(key, mac, cause) != 0)
			return (-1);
		e = ep_cloud_put(c, EP_CLOUD_DEVICE, key);
	}
	ep_cloud_profile(e, profile, company);
	return (0);
}

/* EDOS: answer this MAC (NULL: every MAC not registered) with status. */
int
ep_cloud_device_status(struct ep_cloud *c, const char *mac, int status,
    char **cause)
{
	struct ep_cloud_ent *e;
	char key[13];

	if (status < 100 || status > 599) {
		xasprintf(cause, "status %d is not 100..599", status);
		return (-1);
	}
	if (mac == NULL) {
		ep_cloud_ent_free(c->dev_dflt);
		c->dev_dflt = xcalloc(1, sizeof *c->dev_dflt);
		e = c->dev_dflt;
	} else {
		if (ep_cloud_mac(key, mac, cause) != 0)
			return (-1);
		e = ep_cloud_put(c, EP_CLOUD_DEVICE, key);
	}
	ep_cloud_profile(e, NULL, NULL);
	e->status = status;
	return (0);
}

/* A CDA short code (13.2): 3-16 digits answered with a redirect profile. */
int
ep_cloud_short_code(struct ep_cloud *c, const char *digits, const char *profile,
    const char *company, char **cause)
{
	struct ep_cloud_ent *e;
	size_t n = strlen(digits);

	if (strspn(digits, "0123456789") != n || n < CLOUD_SHORT_MIN ||
	    n > CLOUD_SHORT_MAX) {
		xasprintf(cause, "a short code is %d to %d digits",
		    CLOUD_SHORT_MIN, CLOUD_SHORT_MAX);
		return (-1);
	}
	if (profile == NULL || *profile == '\0') {
		xasprintf(cause, "a short code needs a redirect profile");
		return (-1);
	}
	if (company != NULL && ep_cloud_company_ok(company, cause) != 0)
		return (-1);
	e = ep_cloud_put(c, EP_CLOUD_SHORT, digits);
	ep_cloud_profile(e, profile, company);
	return (0);
}

/*
 * A GDS activation code (13.3): 16 digits granting rule (with uid and pwd
 * if not NULL) once, until expires (EMU_TIME_NEVER: no expiry).
 */
int
ep_cloud_gds_code(struct ep_cloud *c, const char *code, const char *rule,
    const char *uid, const char *pwd, emu_time expires, char **cause)
{
	struct ep_cloud_ent *e;
	size_t n = strlen(code);

	if (strspn(code, "0123456789") != n || n != CLOUD_GDS_DIGITS) {
		xasprintf(cause, "a GDS code is %d digits", CLOUD_GDS_DIGITS);
		return (-1);
	}
	if (rule == NULL || *rule == '\0' || strlen(rule) > CLOUD_RULE_MAX ||
	    (uid != NULL && strlen(uid) > CLOUD_RULE_MAX) ||
	    (pwd != NULL && strlen(pwd) > CLOUD_RULE_MAX)) {
		xasprintf(cause, "rule, uid and pwd: 1 to %d bytes",
		    CLOUD_RULE_MAX);
		return (-1);
	}
	e = ep_cloud_put(c, EP_CLOUD_GDS, code);
	e->rule = xstrdup(rule);
	e->uid = uid != NULL ? xstrdup(uid) : NULL;
	e->pwd = pwd != NULL ? xstrdup(pwd) : NULL;
	e->expires = expires;
	e->used = 0;
	return (0);
}

const struct ep_cloud_stats *
ep_cloud_stats(const struct ep_cloud *c)
{
	return (&c->stats);
}

/* The ep_http handler: the three cloud paths, anything else is not ours. */
int
ep_cloud_handle(void *arg, const struct ep_http_call *call,
    struct ep_http_answer *ans)
{
	struct ep_cloud *c = arg;

	if (strcmp(call->path, CLOUD_DEVICE_PATH) == 0 ||
	    strcmp(call->path, CLOUD_CODE_PATH) == 0) {
		ep_cloud_edos(c, call, ans);
		return (1);
	}
	if (strcmp(call->path, CLOUD_GDS_PATH) == 0) {
		ep_cloud_gds(c, call, ans);
		return (1);
	}
	return (0);
}

/* GET /rc/v1/device and /rc/v1/code (13.1, 13.2). */
static void
ep_cloud_edos(struct ep_cloud *c, const struct ep_http_call *call,
    struct ep_http_answer *ans)
{
	struct cloud_query q;
	struct ep_cloud_ent *e;
	char *cause = NULL;

	if (strcmp(call->method, "GET") != 0 &&
	    strcmp(call->method, "HEAD") != 0) {
		c->stats.bad++;
		ep_cloud_error(ans, 405, "GET only");
		return;
	}
	if (cloud_target_parse(&q, call->target, &cause) != 0) {
		c->stats.bad++;
		ep_cloud_error(ans, 400, cause);
		free(cause);
		return;
	}
	if (q.req == CLOUD_REQ_CODE) {
		c->stats.short_queries++;
		e = hmap_get(&c->dev[EP_CLOUD_SHORT], q.code, strlen(q.code));
		if (e == NULL) {
			c->stats.codes_invalid++;
			ep_cloud_error(ans, 404, "unknown code");
			return;
		}
		c->stats.codes_ok++;
		dbuf_add(&ans->body, e->profile, e->profile_len);
		return;
	}
	c->stats.queries++;
	e = hmap_get(&c->dev[EP_CLOUD_DEVICE], q.mac, strlen(q.mac));
	if (e == NULL)
		e = c->dev_dflt;
	if (e != NULL && e->status != 0) {
		c->stats.errors++;
		ep_cloud_error(ans, e->status, "configured status");
		return;
	}
	if (e == NULL || e->profile == NULL) {
		/* 13.1: no provider claims the phone: 200, empty. */
		c->stats.unavailable++;
		return;
	}
	c->stats.redirects++;
	dbuf_add(&ans->body, e->profile, e->profile_len);
}

/* POST /api/v1/activate (13.3). */
static void
ep_cloud_gds(struct ep_cloud *c, const struct ep_http_call *call,
    struct ep_http_answer *ans)
{
	struct cloud_query q;
	struct ep_cloud_ent *e;
	const char *ct = call->content_type;
	size_t n = strlen(EP_CLOUD_JSON);
	char *cause = NULL;

	if (strcmp(call->method, "POST") != 0) {
		c->stats.bad++;
		ep_cloud_error(ans, 405, "POST only");
		return;
	}
	if (ct == NULL || strncasecmp(ct, EP_CLOUD_JSON, n) != 0 ||
	    (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')) {
		c->stats.bad++;
		ep_cloud_error(ans, 415, "application/json expected");
		return;
	}
	c->stats.activations++;
	if (cloud_gds_body_parse(&q, call->body, call->body_len, &cause) != 0) {
		c->stats.bad++;
		ep_cloud_error(ans, 400, cause);
		free(cause);
		return;
	}
	e = hmap_get(&c->dev[EP_CLOUD_GDS], q.code, strlen(q.code));
	if (e == NULL) {
		c->stats.codes_invalid++;
		ep_cloud_error(ans, 404, "unknown code");
		return;
	}
	if (e->used || call->now >= e->expires) {
		/* 13.3: single use, with an expiry date. */
		c->stats.codes_invalid++;
		ep_cloud_error(ans, 410,
		    e->used ? "code already used" : "code expired");
		return;
	}
	e->used = 1;
	c->stats.codes_ok++;
	ans->content_type = EP_CLOUD_JSON;
	cloud_grant_write(&ans->body, e->rule, e->uid, e->pwd);
}

/* 12 hex digits, with or without ':' or '-' between pairs; upper case. */
static int
ep_cloud_mac(char *out, const char *in, char **cause)
{
	size_t n = 0;

	for (; *in != '\0'; in++) {
		if (*in == ':' || *in == '-')
			continue;
		if (!isxdigit((unsigned char)*in) || n == 12)
			break;
		out[n++] = toupper((unsigned char)*in);
	}
	out[n] = '\0';
	if (n != 12 || *in != '\0') {
		xasprintf(cause, "a MAC is 12 hex digits");
		return (-1);
	}
	return (0);
}

/* A name that fits in an XML comment and on the phone's status page. */
static int
ep_cloud_company_ok(const char *s, char **cause)
{
	const unsigned char *p;

	if (*s == '\0' || strlen(s) > CLOUD_COMPANY_MAX) {
		xasprintf(cause, "a company name is 1 to %d bytes",
		    CLOUD_COMPANY_MAX);
		return (-1);
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			xasprintf(cause,
			    "control character in the company "
			    "name");
			return (-1);
		}
	}
	if (strstr(s, "--") != NULL || s[strlen(s) - 1] == '-') {
		xasprintf(cause,
		    "a company name cannot hold \"--\" or end "
		    "with \"-\"");
		return (-1);
	}
	return (0);
}

/* The entry for key in one registry, created empty or reused. */
static struct ep_cloud_ent *
ep_cloud_put(struct ep_cloud *c, int kind, const char *key)
{
	struct ep_cloud_ent *e;

	e = hmap_get(&c->dev[kind], key, strlen(key));
	if (e != NULL) {
		ep_cloud_profile(e, NULL, NULL);
		free(e->rule);
		free(e->uid);
		free(e->pwd);
		e->rule = e->uid = e->pwd = NULL;
		e->status = 0;
		return (e);
	}
	e = xcalloc(1, sizeof *e);
	pf_strlcpy(e->key, key, sizeof e->key);
	hmap_put(&c->dev[kind], e->key, strlen(e->key), e);
	return (e);
}

static void
ep_cloud_ent_free(struct ep_cloud_ent *e)
{
	if (e == NULL)
		return;
	free(e->profile);
	free(e->rule);
	free(e->uid);
	free(e->pwd);
	free(e);
}

/* The redirect body: the profile, then the company comment (13.1). */
static void
ep_cloud_profile(struct ep_cloud_ent *e, const char *profile,
    const char *company)
{
	struct dbuf b;

	free(e->profile);
	e->profile = NULL;
	e->profile_len = 0;
	e->status = 0;
	if (profile == NULL || *profile == '\0')
		return;
	dbuf_init(&b);
	dbuf_add_str(&b, profile);
	if (company != NULL)
		dbuf_printf(&b, "\n<!-- company: %s -->\n", company);
	e->profile = (char *)dbuf_steal(&b, &e->profile_len);
}

/* An error status with a one-line JSON reason. */
static void
ep_cloud_error(struct ep_http_answer *ans, int status, const char *why)
{
	ans->status = status;
	ans->content_type = EP_CLOUD_JSON;
	dbuf_reset(&ans->body);
	dbuf_add_str(&ans->body, "{\"error\":");
	json_write_str(&ans->body, why);
	dbuf_add_str(&ans->body, "}\n");
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The scenario loader: certificates and the cloud.  <pki> declares the
 * run's certificate world in a few lines (provider CAs and server
 * certificates: names, validity, key type, issuer; spec 9.6, 16.5), a
 * <server> with https= presents one of those certificates (and may ask
 * for the phones' MICs, B55), <ca-file> serves a CA's PEM for
 * Custom_CA_Rule (B54), <edos> and <gds> are the simulated Cisco and
 * Webex services (spec 13, docs/cloud.md) with their registries, and
 * <proxy> is the HTTP forward proxy that phones with Proxy_Mode=Manual
 * go through, CONNECT for HTTPS (spec 9.8, B112).
 *
 * Like scenario-elem.c, each parser fills its part of struct scenario and
 * reports every mistake, one line each; nothing here makes a certificate
 * or runs anything (run.c does, with the same values).  Registry entries
 * are checked by handing them to a scratch ep_cloud, so that the loader
 * and the service agree on what is valid.
 */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "fleet.h"

#define SCN_DEF_NOT_BEFORE	(-86400LL)		/* -1d */
#define SCN_DEF_NOT_AFTER	(365LL * 86400)		/* 365d */
#define SCN_CN_MAX		64			/* RFC 5280 */
#define SCN_CODE_MAX		64			/* a typed code */

static const char *const scenario_cloud_elem[SCN_CLOUD__COUNT] = {
	"edos", "gds"
};

static int	scenario_key(struct scenario_loader *, xmlNodePtr,
		    enum pki_key *);
static int	scenario_cert_time(struct scenario_loader *, xmlNodePtr,
		    const char *, int64_t, int64_t *);
static int	scenario_san_ok(const char *);
static void	scenario_ca(struct scenario_loader *, xmlNodePtr, size_t);
static void	scenario_cert(struct scenario_loader *, xmlNodePtr, size_t);
static int	scenario_tls_versions(const char *, int *, int *);
static void	scenario_ca_file(struct scenario_loader *, xmlNodePtr,
		    struct scn_server *, struct scn_ca_file *);
static void	scenario_device(struct scenario_loader *, xmlNodePtr,
		    struct scn_cloud *, struct scn_device *, struct ep_cloud *);
static void	scenario_code(struct scenario_loader *, xmlNodePtr,
		    enum scn_cloud_kind, struct scn_cloud *, struct scn_code *,
		    struct ep_cloud *);
static int	scenario_cred_ok(const char *, int);
static void	scenario_connect_ports(struct scenario_loader *, xmlNodePtr,
		    struct scn_proxy *);

/* <pki>: <ca> elements first (certificates name them), then <cert>. */
void
scenario_pki(struct scenario_loader *ld, xmlNodePtr n)
{
	struct scenario	*sc = ld->sc;
	xmlNodePtr	 c;
	size_t		 i;

	sc->nca = scenario_count(n, "ca");
	sc->ncert = scenario_count(n, "cert");
	if (sc->nca > SCN_PKI_MAX || sc->ncert > SCN_PKI_MAX) {
		scenario_err(ld, n, NULL, "at most %d <ca> and %d <cert>",
		    SCN_PKI_MAX, SCN_PKI_MAX);
		sc->nca = sc->ncert = 0;
		return;
	}
	sc->ca = xcalloc(sc->nca, sizeof *sc->ca);
	sc->cert = xcalloc(sc->ncert, sizeof *sc->cert);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "ca"))
			scenario_ca(ld, c, i++);
	}
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "cert"))
			scenario_cert(ld, c, i++);
	}
}

/* key="ecdsa" (default) or "rsa". */
static int
scenario_key(struct scenario_loader *ld, xmlNodePtr n, enum pki_key *key)
{
	const char	*v;

	*key = PKI_KEY_ECDSA_P256;
	if ((v = scenario_attr(ld, n, "key")) == NULL)
		return (0);
	if (strcmp(v, "rsa") == 0)
		*key = PKI_KEY_RSA_2048;
	else if (strcmp(v, "ecdsa") != 0) {
		scenario_err(ld, n, "key", "key must be ecdsa or rsa");
		return (-1);
	}
	return (0);
}

static void
scenario_ca(struct scenario_loader *ld, xmlNodePtr n, size_t idx)
{
	struct scenario	*sc = ld->sc;
	struct scn_ca	*ca = &sc->ca[idx];
	size_t		 i;

	ca->line = (int)scenario_line(n);
	scenario_key(ld, n, &ca->key);
	if (scenario_need(ld, n, "name") != 0 ||
	    scenario_get_name(ld, n, "name", &ca->name) != 1)
		return;
	if (strcmp(ca->name, "cisco") == 0 || strcmp(ca->name, "mic") == 0 ||
	    strcmp(ca->name, "self") == 0) {
		scenario_err(ld, n, "name", "\"%s\" is a built-in name "
		    "(cisco, mic, self)", ca->name);
		return;
	}
	for (i = 0; i < idx; i++) {
		if (sc->ca[i].name != NULL &&
		    strcmp(sc->ca[i].name, ca->name) == 0) {
			scenario_err(ld, n, "name", "CA \"%s\" is already "
			    "defined at line %d", ca->name, sc->ca[i].line);
			break;
		}
	}
}

/*
 * A certificate time: a signed time relative to the run's start ("-30d",
 * "365d", "0s") or a date ("2027-01-01T00:00:00Z"), as calendar seconds.
 */
static int
scenario_cert_time(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    int64_t def, int64_t *out)
{
	const char	*v, *p;
	emu_time	 t;
	int64_t		 s;

	*out = ld->sc->epoch + def;
	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (strchr(v, 'T') != NULL) {
		if (scenario_parse_start(v, ld->sc->tz_offset_s, &s) != 0) {
			scenario_err(ld, n, attr, "%s: a date must be "
			    "YYYY-MM-DDThh:mm:ss (1970..9999), then Z, an "
			    "offset or nothing", attr);
			return (-1);
		}
		*out = s;
		return (0);
	}
	p = *v == '-' || *v == '+' ? v + 1 : v;
	if (scenario_parse_time(p, &t) != 0 || t % EMU_SEC(1) != 0) {
		scenario_err(ld, n, attr, "%s must be a time from the start "
		    "in whole seconds (\"-30d\", \"365d\") or a date "
		    "(\"2027-01-01T00:00:00Z\")", attr);
		return (-1);
	}
	s = (int64_t)(t / EMU_SEC(1));
	*out = ld->sc->epoch + (*v == '-' ? -s : s);
	return (0);
}

/* A DNS name for a certificate; "*." in front is a wildcard. */
static int
scenario_san_ok(const char *s)
{
	if (strncmp(s, "*.", 2) == 0)
		s += 2;
	return (scenario_dns_name_ok(s) && s[strlen(s) - 1] != '.');
}

static void
scenario_cert(struct scenario_loader *ld, xmlNodePtr n, size_t idx)
{
	struct scenario	*sc = ld->sc;
	struct scn_cert	*ct = &sc->cert[idx];
	const char	*v;
	char		*copy, *tok, *save;
	size_t		 i;

	ct->line = (int)scenario_line(n);
	ct->issuer = SCN_CA_CISCO;
	scenario_key(ld, n, &ct->key);
	if (scenario_need(ld, n, "name") == 0 &&
	    scenario_get_name(ld, n, "name", &ct->name) == 1) {
		for (i = 0; i < idx; i++) {
			if (sc->cert[i].name != NULL &&
			    strcmp(sc->cert[i].name, ct->name) == 0) {
				scenario_err(ld, n, "name", "certificate "
				    "\"%s\" is already defined at line %d",
				    ct->name, sc->cert[i].line);
				break;
			}
		}
	}
	if ((v = scenario_attr(ld, n, "issuer")) != NULL) {
		if (strcmp(v, "self") == 0)
			ct->issuer = PKI_ISSUER_SELF;
		else if ((ct->issuer = scenario_ca_find(sc, v)) == -1) {
			scenario_err(ld, n, "issuer", "no CA \"%s\" (cisco, "
			    "mic, self or a <ca> name)", scenario_q(ld, v));
			ct->issuer = SCN_CA_CISCO;
		}
	}
	if (scenario_need(ld, n, "names") == 0) {
		v = scenario_attr(ld, n, "names");
		copy = xstrdup(v);
		for (tok = strtok_r(copy, " \t\r\n", &save), i = 0;
		     tok != NULL; tok = strtok_r(NULL, " \t\r\n", &save))
			i++;
		free(copy);
		if (i == 0 || i > PKI_SAN_MAX)
			scenario_err(ld, n, "names", "names must list 1..%d "
			    "DNS names", PKI_SAN_MAX);
		copy = xstrdup(v);
		for (tok = strtok_r(copy, " \t\r\n", &save); tok != NULL &&
		     ct->nnames < PKI_SAN_MAX;
		     tok = strtok_r(NULL, " \t\r\n", &save)) {
			if (!scenario_san_ok(tok))
				scenario_err(ld, n, "names", "\"%s\" is not "
				    "a DNS name", scenario_q(ld, tok));
			else
				ct->names[ct->nnames++] = xstrdup(tok);
		}
		free(copy);
	}
	if ((v = scenario_attr(ld, n, "cn")) != NULL) {
		if (*v == '\0' || strlen(v) > SCN_CN_MAX)
			scenario_err(ld, n, "cn", "cn must be 1..%d "
			    "characters", SCN_CN_MAX);
		else
			ct->cn = xstrdup(v);
	} else if (ct->nnames > 0)
		ct->cn = xstrdup(ct->names[0]);
	if (scenario_cert_time(ld, n, "not-before", SCN_DEF_NOT_BEFORE,
	    &ct->not_before) == 0 && scenario_cert_time(ld, n, "not-after",
	    SCN_DEF_NOT_AFTER, &ct->not_after) == 0 &&
	    ct->not_after < ct->not_before)
		scenario_err(ld, n, "not-after", "not-after is before "
		    "not-before");
}

int
scenario_cert_find(const struct scenario *sc, const char *name)
{
	size_t	i;

	for (i = 0; i < sc->ncert; i++) {
		if (sc->cert[i].name != NULL &&
		    strcmp(sc->cert[i].name, name) == 0)
			return ((int)i);
	}
	return (-1);
}

int
scenario_ca_find(const struct scenario *sc, const char *name)
{
	size_t	i;

	if (strcmp(name, "cisco") == 0)
		return (SCN_CA_CISCO);
	if (strcmp(name, "mic") == 0)
		return (SCN_CA_MIC);
	for (i = 0; i < sc->nca; i++) {
		if (sc->ca[i].name != NULL && strcmp(sc->ca[i].name, name) == 0)
			return (SCN_CA_FIRST + (int)i);
	}
	return (-1);
}

/* "1.2-1.3", "1.3": protocol versions 1.0 to 1.3, min <= max. */
static int
scenario_tls_versions(const char *s, int *min, int *max)
{
	static const char *const names[] = { "1.0", "1.1", "1.2", "1.3" };
	const char	*dash = strchr(s, '-');
	size_t		 i, len;
	int		 v[2] = { -1, -1 }, k;

	for (k = 0; k < 2; k++) {
		const char *p = k == 0 ? s : dash + 1;

		len = k == 0 && dash != NULL ? (size_t)(dash - s) : strlen(p);
		for (i = 0; i < nitems(names); i++) {
			if (strlen(names[i]) == len &&
			    strncmp(names[i], p, len) == 0)
				v[k] = SCN_TLS_1_0 + (int)i;
		}
		if (dash == NULL) {
			v[1] = v[0];
			break;
		}
	}
	if (v[0] == -1 || v[1] == -1 || v[0] > v[1])
		return (-1);
	*min = v[0];
	*max = v[1];
	return (0);
}

/*
 * A <server>'s HTTPS side: https= cert= client-cert= tls= tls-fault=, and
 * its <ca-file> children.  https is the result of reading https=.
 */
void
scenario_server_tls(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_server *sv, int https)
{
	static const char *const tls_attrs[] = { "cert", "client-cert", "tls",
		"tls-fault" };
	xmlNodePtr	 c;
	const char	*v;
	size_t		 i;

	sv->cert = -1;
	sv->tls_min = SCN_TLS_1_0 + 2;
	sv->tls_max = SCN_TLS_1_3;
	if (https != 1) {
		for (i = 0; https == 0 && i < nitems(tls_attrs); i++) {
			if (xmlHasProp(n, BAD_CAST tls_attrs[i]) != NULL)
				scenario_err(ld, n, tls_attrs[i],
				    "%s= goes with https=", tls_attrs[i]);
		}
		if (https == 0)
			goto files;
	} else if (scenario_need(ld, n, "cert") == 0) {
		v = scenario_attr(ld, n, "cert");
		if ((sv->cert = scenario_cert_find(ld->sc, v)) == -1)
			scenario_err(ld, n, "cert", "no certificate \"%s\" "
			    "in <pki>", scenario_q(ld, v));
	}
	if ((v = scenario_attr(ld, n, "client-cert")) != NULL) {
		if (strcmp(v, "request") == 0)
			sv->client_cert = SCN_CC_REQUEST;
		else if (strcmp(v, "require") == 0)
			sv->client_cert = SCN_CC_REQUIRE;
		else if (strcmp(v, "none") != 0)
			scenario_err(ld, n, "client-cert", "client-cert must "
			    "be none, request or require");
	}
	if ((v = scenario_attr(ld, n, "tls")) != NULL &&
	    scenario_tls_versions(v, &sv->tls_min, &sv->tls_max) != 0)
		scenario_err(ld, n, "tls", "tls must be a version or a range "
		    "of versions among 1.0 1.1 1.2 1.3 (e.g. 1.2-1.3)");
	if ((v = scenario_attr(ld, n, "tls-fault")) != NULL) {
		if (strcmp(v, "stall") == 0)
			sv->tls_fault = EP_TLS_FAULT_STALL;
		else if (strcmp(v, "truncate") == 0)
			sv->tls_fault = EP_TLS_FAULT_TRUNCATE;
		else if (strcmp(v, "chain") == 0)
			sv->tls_fault = EP_TLS_FAULT_CHAIN;
		else
			scenario_err(ld, n, "tls-fault", "tls-fault must be "
			    "stall, truncate or chain");
	}
files:
	sv->nca_file = scenario_count(n, "ca-file");
	sv->ca_file = xcalloc(sv->nca_file, sizeof *sv->ca_file);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "ca-file"))
			scenario_ca_file(ld, c, sv, &sv->ca_file[i++]);
	}
}

static void
scenario_ca_file(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_server *sv, struct scn_ca_file *f)
{
	const char	*path, *v;
	size_t		 i;

	f->line = (int)scenario_line(n);
	f->ca = -1;
	if (scenario_need(ld, n, "ca") == 0) {
		v = scenario_attr(ld, n, "ca");
		if ((f->ca = scenario_ca_find(ld->sc, v)) == -1)
			scenario_err(ld, n, "ca", "no CA \"%s\" (cisco, mic or "
			    "a <ca> name)", scenario_q(ld, v));
	}
	if (scenario_need(ld, n, "path") != 0)
		return;
	path = scenario_attr(ld, n, "path");
	if (path[0] != '/' || strcspn(path, " \t\r\n*") != strlen(path)) {
		scenario_err(ld, n, "path", "path must start with '/' and "
		    "have no spaces or '*'");
		return;
	}
	for (i = 0; i < sv->nfile; i++) {
		if (sv->file[i].path != NULL &&
		    strcmp(sv->file[i].path, path) == 0) {
			scenario_err(ld, n, "path", "path already served at "
			    "line %d", sv->file[i].line);
			return;
		}
	}
	for (i = 0; &sv->ca_file[i] != f; i++) {
		if (sv->ca_file[i].path != NULL &&
		    strcmp(sv->ca_file[i].path, path) == 0) {
			scenario_err(ld, n, "path", "path already served at "
			    "line %d", sv->ca_file[i].line);
			return;
		}
	}
	f->path = xstrdup(path);
}

/* <edos> or <gds>: at most one of each; after the phone groups. */
void
scenario_cloud(struct scenario_loader *ld, xmlNodePtr n,
    enum scn_cloud_kind kind)
{
	struct scenario		*sc = ld->sc;
	struct scn_cloud	*cl = &sc->cloud[kind];
	struct ep_cloud		*scratch;
	xmlNodePtr		 c;
	const char		*v;
	size_t			 i;

	if (cl->present) {
		scenario_err(ld, n, NULL, "only one <%s> allowed (first at "
		    "line %d)", scenario_cloud_elem[kind], cl->line);
		return;
	}
	cl->present = 1;
	cl->line = (int)scenario_line(n);
	cl->cert = -1;
	if (scenario_get_name(ld, n, "name", &cl->name) == 0)
		cl->name = xstrdup(scenario_cloud_elem[kind]);
	if (scenario_need(ld, n, "address") == 0)
		scenario_get_ip(ld, n, "address", &cl->ip);
	if ((v = scenario_attr(ld, n, "state")) != NULL) {
		if (strcmp(v, "down") == 0)
			cl->down = 1;
		else if (strcmp(v, "up") != 0)
			scenario_err(ld, n, "state", "state must be up or "
			    "down");
	}
	if ((v = scenario_attr(ld, n, "cert")) != NULL &&
	    (cl->cert = scenario_cert_find(sc, v)) == -1)
		scenario_err(ld, n, "cert", "no certificate \"%s\" in <pki>",
		    scenario_q(ld, v));
	scratch = ep_cloud_create();
	cl->ndev = scenario_count(n, "device");
	cl->dev = xcalloc(cl->ndev, sizeof *cl->dev);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "device"))
			scenario_device(ld, c, cl, &cl->dev[i++], scratch);
	}
	cl->ncode = scenario_count(n, "code");
	cl->code = xcalloc(cl->ncode, sizeof *cl->code);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "code"))
			scenario_code(ld, c, kind, cl, &cl->code[i++], scratch);
	}
	ep_cloud_free(scratch);
}

/* <device phones=|mac=|default="yes" status= company=>profile</device> */
static void
scenario_device(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_cloud *cl, struct scn_device *d, struct ep_cloud *scratch)
{
	struct scenario	*sc = ld->sc;
	struct scn_sel	 sel;
	const char	*v, *text;
	uint8_t		 mac[6];
	uint64_t	 u;
	size_t		 i, j, k, nways = 0;
	char		*cause = NULL, m[13];
	int		 b, rc;

	d->line = (int)scenario_line(n);
	nways += xmlHasProp(n, BAD_CAST "phones") != NULL;
	nways += xmlHasProp(n, BAD_CAST "mac") != NULL;
	nways += xmlHasProp(n, BAD_CAST "default") != NULL;
	if (nways != 1) {
		scenario_err(ld, n, NULL, "give one of phones=, mac= and "
		    "default=\"yes\"");
		return;
	}
	if ((v = scenario_attr(ld, n, "phones")) != NULL) {
		if (scenario_sel_resolve(sc, v, &sel, &cause) != 0) {
			scenario_err(ld, n, "phones", "%s", cause);
			free(cause);
			return;
		}
		d->nmacs = sel.to - sel.from + 1;
		d->macs = xcalloc(d->nmacs, sizeof *d->macs);
		for (i = 0; i < d->nmacs; i++) {
			const struct scn_group *g = &sc->group[sel.group];

			d->macs[i] = g->macs != NULL ?
			    scenario_mac_u64(g->macs[sel.from + i]) :
			    scenario_mac_u64(g->mac) + sel.from + i;
		}
		free(sel.text);
	} else if ((v = scenario_attr(ld, n, "mac")) != NULL) {
		if (scenario_mac_parse(v, mac) != 0) {
			scenario_err(ld, n, "mac", "mac must be 12 hex digits");
			return;
		}
		d->macs = xcalloc(1, sizeof *d->macs);
		d->macs[0] = scenario_mac_u64(mac);
		d->nmacs = 1;
	} else if ((rc = scenario_get_bool(ld, n, "default", &b)) == 1 && b)
		d->is_default = 1;
	else {
		if (rc == 1)
			scenario_err(ld, n, "default", "default must be yes "
			    "(leave it out otherwise)");
		return;
	}
	/* A MAC registered twice is a mistake, not a replacement. */
	for (i = 0; &cl->dev[i] != d; i++) {
		const struct scn_device *o = &cl->dev[i];

		if (d->is_default && o->is_default) {
			scenario_err(ld, n, NULL, "the default answer is "
			    "already given at line %d", o->line);
			break;
		}
		for (j = 0; j < d->nmacs; j++) {
			for (k = 0; k < o->nmacs; k++) {
				if (o->macs[k] == d->macs[j])
					break;
			}
			if (k < o->nmacs)
				break;
		}
		if (j < d->nmacs) {
			scenario_mac_fmt(d->macs[j], m);
			scenario_err(ld, n, NULL, "MAC %s is already "
			    "registered at line %d", m, o->line);
			break;
		}
	}
	text = scenario_text(ld, n, 1);
	d->company = scenario_attr_dup(ld, n, "company", NULL);
	if (scenario_get_uint(ld, n, "status", 100, 599, &u) == 1) {
		d->status = (int)u;
		if (*text != '\0' || d->company != NULL)
			scenario_err(ld, n, "status", "a status takes no "
			    "profile and no company=");
		return;
	}
	if (*text != '\0')
		d->profile = xstrdup(text);
	else if (d->company != NULL) {
		scenario_err(ld, n, "company", "company= goes with a "
		    "redirect profile");
		return;
	}
	if (ep_cloud_device(scratch, NULL, d->profile, d->company,
	    &cause) != 0) {
		scenario_err(ld, n, "company", "%s", cause);
		free(cause);
	}
}

/*
 * <edos> <code digits= company=>profile</code>: a short code (13.2).
 * <gds> <code digits= rule= uid= pwd= expires=/>: an activation code.
 */
static void
scenario_code(struct scenario_loader *ld, xmlNodePtr n,
    enum scn_cloud_kind kind, struct scn_cloud *cl, struct scn_code *cd,
    struct ep_cloud *scratch)
{
	const char	*v;
	char		*cause = NULL;
	size_t		 i;
	int		 rc;

	cd->line = (int)scenario_line(n);
	cd->expires = EMU_TIME_NEVER;
	if (scenario_need(ld, n, "digits") != 0)
		return;
	v = scenario_attr(ld, n, "digits");
	if (kind == SCN_CLOUD_EDOS) {
		if (strspn(v, "0123456789") != strlen(v) || strlen(v) < 3 ||
		    strlen(v) > 16) {
			scenario_err(ld, n, "digits", "a short code is 3 to "
			    "16 digits (typed after '#')");
			return;
		}
	} else if (strspn(v, "0123456789") != strlen(v) || strlen(v) != 16) {
		scenario_err(ld, n, "digits", "an activation code is 16 "
		    "digits");
		return;
	}
	cd->digits = xstrdup(v);
	for (i = 0; &cl->code[i] != cd; i++) {
		if (cl->code[i].digits != NULL &&
		    strcmp(cl->code[i].digits, cd->digits) == 0) {
			scenario_err(ld, n, "digits", "code %s is already "
			    "defined at line %d", cd->digits,
			    cl->code[i].line);
			return;
		}
	}
	if (kind == SCN_CLOUD_EDOS) {
		v = scenario_text(ld, n, 1);
		cd->company = scenario_attr_dup(ld, n, "company", NULL);
		if (*v == '\0') {
			scenario_err(ld, n, "digits", "a short code needs its "
			    "redirect profile as content");
			return;
		}
		cd->profile = xstrdup(v);
		rc = ep_cloud_short_code(scratch, cd->digits, cd->profile,
		    cd->company, &cause);
	} else {
		if (scenario_need(ld, n, "rule") != 0)
			return;
		cd->rule = scenario_attr_dup(ld, n, "rule", NULL);
		cd->uid = scenario_attr_dup(ld, n, "uid", NULL);
		cd->pwd = scenario_attr_dup(ld, n, "pwd", NULL);
		if (scenario_get_time(ld, n, "expires", &cd->expires) == -1)
			return;
		rc = ep_cloud_gds_code(scratch, cd->digits, cd->rule, cd->uid,
		    cd->pwd, cd->expires, &cause);
	}
	if (rc != 0) {
		scenario_err(ld, n, "digits", "%s", cause);
		free(cause);
	}
}

/*
 * A code typed on the activation screen (<activate code=>): digits,
 * perhaps after '#'.  How many is the phone's to judge (B24).
 */
int
scenario_code_ok(const char *s)
{
	size_t	len = strlen(s);

	if (*s == '#')
		s++;
	return (len > 0 && len <= SCN_CODE_MAX && *s != '\0' &&
	    strspn(s, "0123456789") == strlen(s));
}

uint32_t
scenario_host_ip(const struct scenario *sc, enum scn_host_kind kind,
    size_t idx)
{
	switch (kind) {
	case SCN_HOST_SERVER:
		return (sc->server[idx].ip);
	case SCN_HOST_DNS:
		return (sc->dnss[idx].ip);
	case SCN_HOST_EDOS:
		return (sc->cloud[SCN_CLOUD_EDOS].ip);
	case SCN_HOST_GDS:
		return (sc->cloud[SCN_CLOUD_GDS].ip);
	case SCN_HOST_PROXY:
		return (sc->proxy[idx].ip);
	}
	return (0);
}

int
scenario_host_line(const struct scenario *sc, enum scn_host_kind kind,
    size_t idx)
{
	switch (kind) {
	case SCN_HOST_SERVER:
		return (sc->server[idx].line);
	case SCN_HOST_DNS:
		return (sc->dnss[idx].line);
	case SCN_HOST_EDOS:
		return (sc->cloud[SCN_CLOUD_EDOS].line);
	case SCN_HOST_GDS:
		return (sc->cloud[SCN_CLOUD_GDS].line);
	case SCN_HOST_PROXY:
		return (sc->proxy[idx].line);
	}
	return (0);
}

const char *
scenario_host_what(enum scn_host_kind kind)
{
	switch (kind) {
	case SCN_HOST_SERVER:
		return ("server");
	case SCN_HOST_DNS:
		return ("DNS server");
	case SCN_HOST_EDOS:
		return ("edos");
	case SCN_HOST_GDS:
		return ("gds");
	case SCN_HOST_PROXY:
		return ("proxy");
	}
	return ("host");
}

/*
 * <proxy name= address= port= user= pass= realm= connect-ports= state=>
 * (9.8, B112).  Credentials come in pairs: user= alone would ask phones
 * for a password that never matches.  Messages show name=, never pass=.
 */
void
scenario_proxy(struct scenario_loader *ld, xmlNodePtr n, struct scn_proxy *px)
{
	const char	*user, *pass, *realm, *v;
	uint64_t	 port;

	px->line = (int)scenario_line(n);
	px->port = SCN_PROXY_PORT;
	if (scenario_need(ld, n, "name") == 0)
		scenario_get_name(ld, n, "name", &px->name);
	if (scenario_need(ld, n, "address") == 0)
		scenario_get_ip(ld, n, "address", &px->ip);
	if (scenario_get_uint(ld, n, "port", 1, 65535, &port) == 1)
		px->port = (uint16_t)port;
	if ((v = scenario_attr(ld, n, "state")) != NULL) {
		if (strcmp(v, "down") == 0)
			px->down = 1;
		else if (strcmp(v, "up") != 0)
			scenario_err(ld, n, "state", "state must be up or "
			    "down");
	}
	user = scenario_attr(ld, n, "user");
	pass = scenario_attr(ld, n, "pass");
	realm = scenario_attr(ld, n, "realm");
	if ((user == NULL) != (pass == NULL))
		scenario_err(ld, n, NULL, "user= and pass= go together");
	else if (user != NULL) {
		/* RFC 7617 2: the user-id of Basic has no colon. */
		if (!scenario_cred_ok(user, 1))
			scenario_err(ld, n, "user", "user must be 1..%d "
			    "printable characters, no ':'", SCN_PROXY_CRED_MAX);
		else
			px->user = xstrdup(user);
		if (!scenario_cred_ok(pass, 0))
			scenario_err(ld, n, NULL, "pass must be 1..%d printable "
			    "characters", SCN_PROXY_CRED_MAX);
		else
			px->pass = xstrdup(pass);
	}
	if (realm != NULL) {
		if (user == NULL)
			scenario_err(ld, n, "realm", "realm= goes with user= "
			    "and pass=");
		else if (!scenario_cred_ok(realm, 0) ||
		    strchr(realm, '"') != NULL || strchr(realm, '\\') != NULL)
			scenario_err(ld, n, "realm", "realm must be 1..%d "
			    "printable characters, no '\"' or '\\'",
			    SCN_PROXY_CRED_MAX);
		else
			px->realm = xstrdup(realm);
	}
	scenario_connect_ports(ld, n, px);
}

/* Printable ASCII, 1..SCN_PROXY_CRED_MAX bytes; no ':' if user. */
static int
scenario_cred_ok(const char *s, int user)
{
	size_t	len = strlen(s), i;

	if (len == 0 || len > SCN_PROXY_CRED_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e ||
		    (user && s[i] == ':'))
			return (0);
	}
	return (1);
}

/* connect-ports="443 8443": the ports CONNECT may reach (else 403). */
static void
scenario_connect_ports(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_proxy *px)
{
	const char	*v;
	char		*copy, *tok, *save;
	uint64_t	 port;
	int		 i;

	if ((v = scenario_attr(ld, n, "connect-ports")) == NULL)
		return;
	copy = xstrdup(v);
	for (tok = strtok_r(copy, " \t\r\n,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\n,", &save)) {
		if (parse_uint(tok, 1, 65535, &port, NULL) != 0) {
			scenario_err(ld, n, "connect-ports", "\"%s\" is not "
			    "a port (1..65535)", scenario_q(ld, tok));
			break;
		}
		for (i = 0; i < px->nconnect_ports; i++) {
			if (px->connect_ports[i] == port)
				break;
		}
		if (i < px->nconnect_ports) {
			scenario_err(ld, n, "connect-ports", "port %llu is "
			    "listed twice", (unsigned long long)port);
			break;
		}
		if (px->nconnect_ports == EP_PROXY_PORTS_MAX) {
			scenario_err(ld, n, "connect-ports", "at most %d ports",
			    EP_PROXY_PORTS_MAX);
			break;
		}
		px->connect_ports[px->nconnect_ports++] = (uint16_t)port;
	}
	if (px->nconnect_ports == 0 && tok == NULL)
		scenario_err(ld, n, "connect-ports", "connect-ports must "
		    "list 1..%d ports (leave it out for any)",
		    EP_PROXY_PORTS_MAX);
	free(copy);
}

/*
 * A proxy's address is its own: taking it down (a host is its address)
 * must not take a server with it, and its upstream legs go to other
 * hosts.
 */
void
scenario_check_proxies(struct scenario_loader *ld)
{
	struct scenario		*sc = ld->sc;
	const struct scn_proxy	*px;
	const char		*what = NULL;
	char			 ip[16];
	size_t			 i, k;
	int			 line = 0;

	for (i = 0; i < sc->nproxy; i++) {
		px = &sc->proxy[i];
		if (px->ip == 0)
			continue;
		what = NULL;
		for (k = 0; what == NULL && k < sc->nserver; k++) {
			if (sc->server[k].ip == px->ip) {
				what = "server";
				line = sc->server[k].line;
			}
		}
		for (k = 0; what == NULL && k < sc->ndnss; k++) {
			if (sc->dnss[k].ip == px->ip) {
				what = "DNS server";
				line = sc->dnss[k].line;
			}
		}
		for (k = 0; what == NULL && k < SCN_CLOUD__COUNT; k++) {
			if (sc->cloud[k].present && sc->cloud[k].ip == px->ip) {
				what = scenario_cloud_elem[k];
				line = sc->cloud[k].line;
			}
		}
		for (k = 0; what == NULL && k < i; k++) {
			if (sc->proxy[k].ip == px->ip) {
				what = "proxy";
				line = sc->proxy[k].line;
			}
		}
		if (what != NULL)
			scenario_msgf(ld, px->line, "<proxy address=\"%s\">: "
			    "same address as the %s at line %d",
			    ipv4_str(px->ip, ip), what, line);
	}
}

/* Addresses and ports: a cloud host's 443 is nobody else's. */
void
scenario_check_clouds(struct scenario_loader *ld)
{
	struct scenario		*sc = ld->sc;
	const struct scn_cloud	*cl, *o;
	size_t			 k, i;

	for (k = 0; k < SCN_CLOUD__COUNT; k++) {
		cl = &sc->cloud[k];
		if (!cl->present || cl->ip == 0)
			continue;
		for (i = 0; i < k; i++) {
			o = &sc->cloud[i];
			if (o->present && o->ip == cl->ip)
				scenario_msgf(ld, cl->line, "<%s name=\"%s\">: "
				    "same address as <%s> (line %d)",
				    scenario_cloud_elem[k], cl->name,
				    scenario_cloud_elem[i], o->line);
		}
		for (i = 0; i < sc->nserver; i++) {
			const struct scn_server *sv = &sc->server[i];

			if (sv->ip != cl->ip ||
			    (sv->https_port != SCN_CLOUD_PORT &&
			    sv->http_port != SCN_CLOUD_PORT))
				continue;
			scenario_msgf(ld, cl->line, "<%s name=\"%s\">: same "
			    "address and port as server \"%s\" (line %d)",
			    scenario_cloud_elem[k], cl->name,
			    sv->name != NULL ? sv->name : "", sv->line);
		}
	}
}

void
scenario_tls_free(struct scenario *sc)
{
	size_t	i, j, k;
	int	n;

	for (i = 0; i < sc->nca; i++)
		free(sc->ca[i].name);
	free(sc->ca);
	for (i = 0; i < sc->ncert; i++) {
		free(sc->cert[i].name);
		free(sc->cert[i].cn);
		for (n = 0; n < sc->cert[i].nnames; n++)
			free(sc->cert[i].names[n]);
	}
	free(sc->cert);
	for (k = 0; k < SCN_CLOUD__COUNT; k++) {
		struct scn_cloud *cl = &sc->cloud[k];

		free(cl->name);
		for (j = 0; j < cl->ndev; j++) {
			free(cl->dev[j].macs);
			free(cl->dev[j].profile);
			free(cl->dev[j].company);
		}
		free(cl->dev);
		for (j = 0; j < cl->ncode; j++) {
			free(cl->code[j].digits);
			free(cl->code[j].profile);
			free(cl->code[j].company);
			free(cl->code[j].rule);
			free(cl->code[j].uid);
			free(cl->code[j].pwd);
		}
		free(cl->code);
	}
	for (i = 0; i < sc->nproxy; i++) {
		free(sc->proxy[i].name);
		free(sc->proxy[i].user);
		free(sc->proxy[i].pass);
		free(sc->proxy[i].realm);
	}
	free(sc->proxy);
}

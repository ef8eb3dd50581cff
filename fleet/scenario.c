/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The scenario loader.  A scenario file (docs/scenario.md) is parsed once
 * with libxml2 (no network, no DTD, no entities), validated against
 * fleet/scenario.rng for its shape, then checked whole for meaning: names,
 * references, addresses, times, MAC ranges, parameter names.  The result
 * is the plain structs of fleet.h, actions and expectations sorted by time.
 *
 * Every problem is one line, "file:line: <elem attr="value">: what is
 * wrong", and all of them are reported, in line order, before giving up
 * (STYLE.md 5).  Nothing here runs a scenario: run.c plays the result.
 *
 * This file holds the entry points, the messages, schema validation, the
 * helpers that read attributes, text and values (names, MACs, addresses,
 * times, loss, trace categories, phone selectors) and the walk over the
 * document; scenario-elem.c parses each element and checks the whole.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>

#include "fleet.h"

#define SCN_SRC_MAX (64 * 1024 * 1024) /* bytes of a src= file */
#define SCN_SHOWN_MAX 60               /* characters of a value in a message */
#define SCN_DNS_NAME_MAX 253

struct scenario_msg {
	long line;
	size_t seq;
	char *text;
};

/* Which children and attributes each element takes, for "did you mean". */
struct scenario_shape {
	const char *parent; /* "" for the root */
	const char *name;
	const char *children;
	const char *attrs;
};

static char *scenario_vfmt(const char *, va_list)
    __attribute__((format(printf, 1, 0)));
static char *scenario_quote(const char *);
static char *scenario_tag(xmlNodePtr, const char *);
static int scenario_msg_cmp(const void *, const void *);
static void scenario_flush(struct scenario_loader *, FILE *);
static void scenario_xml_error(void *, xmlErrorPtr);
static void scenario_rng_error(void *, xmlErrorPtr);
static void scenario_schema_error(void *, xmlErrorPtr);
static int scenario_validate(struct scenario_loader *, xmlDocPtr);

static char *scenario_keep(struct scenario_loader *, char *);
static int scenario_name_ok(const char *);
static size_t scenario_distance(const char *, const char *);
static const char *scenario_suggest(const char *, const char *, char *, size_t);
static const struct scenario_shape *scenario_shape_find(xmlNodePtr);
static int scenario_read_file(const char *, size_t, uint8_t **, size_t *,
    char **);
static int scenario_trace_parse(const char *, unsigned *, char **);

static long scenario_doctype_line(const char *, size_t);
static void scenario_root(struct scenario_loader *, xmlNodePtr);

static const struct scenario_shape scenario_shapes[] = {
	{ "", "scenario",
	    "description site pki server dns-server proxy phones arrival edos "
	    "gds timeline",
	    "name seed start timezone duration trace" },
	{ "scenario", "pki", "ca cert", "" },
	{ "pki", "ca", "", "name key" },
	{ "pki", "cert", "",
	    "name issuer names cn key not-before not-after" },
	{ "scenario", "edos", "device code", "name address state cert" },
	{ "edos", "device", "", "phones mac default status company" },
	{ "edos", "code", "", "digits company" },
	{ "scenario", "gds", "code", "name address state cert" },
	{ "gds", "code", "", "digits rule uid pwd expires" },
	{ "server", "ca-file", "", "path ca" },
	{ "scenario", "description", "", "" },
	{ "scenario", "site", "dhcp",
	    "name subnet gateway latency jitter loss bandwidth source" },
	{ "site", "dhcp", "dns option",
	    "server lease domain connect port relay relay-port" },
	{ "dhcp", "dns", "", "" },
	{ "dhcp", "option", "", "code type" },
	{ "scenario", "server", "file template fault ca-file",
	    "name address connect http https tftp syslog state cert client-cert "
	    "tls tls-fault uplink" },
	{ "server", "file", "", "path src gzip key md ikm rs" },
	{ "server", "template", "", "path src" },
	{ "server", "fault", "header",
	    "name kind path mac count active status "
	    "delay location user pass realm proxy reject http10 src rate" },
	{ "fault", "header", "", "name value" },
	{ "scenario", "dns-server", "a srv cname",
	    "name address connect port ttl delay state" },
	{ "dns-server", "a", "", "name address ttl" },
	{ "dns-server", "srv", "", "name priority weight port target ttl" },
	{ "dns-server", "cname", "", "name target ttl" },
	{ "scenario", "proxy", "",
	    "name address port user pass realm connect-ports state" },
	{ "scenario", "phones", "param",
	    "name count mac macs csv order model firmware "
	    "firmware-inactive site power-on spread serial-prefix hwver cert "
	    "key-group" },
	{ "phones", "param", "", "name" },
	{ "scenario", "arrival", "phase",
	    "phones start max-in-flight flight-timeout resync-every" },
	{ "arrival", "phase", "", "rate from to over count" },
	{ "scenario", "timeline", "at expect", "" },
	{ "timeline", "at",
	    "power-on power-off reboot factory-reset set keys resync fault "
	    "server dhcp activate",
	    "t" },
	{ "at", "power-on", "", "phones" },
	{ "at", "power-off", "", "phones" },
	{ "at", "reboot", "", "phones" },
	{ "at", "factory-reset", "", "phones" },
	{ "at", "set", "", "phones param value" },
	{ "at", "keys", "", "phones" },
	{ "at", "resync", "", "phones rule" },
	{ "at", "activate", "", "phones code" },
	{ "at", "fault", "", "server name state" },
	{ "at", "server", "", "name state" },
	{ "at", "dhcp", "dns option", "site state domain" },
	{ "timeline", "expect",
	    "state customization param counter last-resync next-resync server "
	    "request activation tls company syslog history",
	    "t phones name" },
	{ "expect", "state", "", "is" },
	{ "expect", "customization", "", "is" },
	{ "expect", "param", "", "name is" },
	{ "expect", "firmware", "", "is inactive" },
	{ "server", "load", "", "name size images dir" },
	{ "expect", "counter", "", "name is min max" },
	{ "expect", "last-resync", "", "class err cause status url" },
	{ "expect", "activation", "", "is" },
	{ "expect", "tls", "", "version resumed" },
	{ "expect", "company", "", "is" },
	{ "expect", "syslog", "", "server match regex is min max" },
	{ "expect", "history", "",
	    "kind index count min max result err reason url" },
	{ "expect", "next-resync", "", "in tolerance min max none" },
	{ "expect", "server", "", "name path requests min max" },
	{ "expect", "request", "",
	    "server path method target target-contains header is contains "
	    "scheme body body-contains client-cert" },
};

static const struct {
	const char *name;
	unsigned bit;
} scenario_traces[] = {
	{ "dhcp", TRACE_DHCP },
	{ "dns", TRACE_DNS },
	{ "http", TRACE_HTTP },
	{ "tftp", TRACE_TFTP },
	{ "tls", TRACE_TLS },
	{ "prov", TRACE_PROV },
	{ "lcd", TRACE_LCD },
	{ "net", TRACE_NET },
	{ "all", TRACE_ALL },
};

struct scenario *
scenario_load(const char *path, FILE *errf)
{
	struct scenario *sc;
	uint8_t *buf;
	size_t len;
	char *cause, *base, *slash;

	if (scenario_read_file(path, INT_MAX, &buf, &len, &cause) != 0) {
		if (errf != NULL)
			fprintf(errf, "%s: %s\n", path, cause);
		free(cause);
		return (NULL);
	}
	base = xstrdup(path);
	if ((slash = strrchr(base, '/')) == NULL) {
		free(base);
		base = xstrdup(".");
	} else if (slash == base)
		slash[1] = '\0';
	else
		*slash = '\0';
	sc = scenario_load_mem(path, (const char *)buf, len, base, errf);
	free(base);
	free(buf);
	return (sc);
}

struct scenario *
scenario_load_mem(const char *name, const char *buf, size_t len,
    const char *base, FILE *errf)
{
	struct scenario_loader ld;
	struct scenario *sc;
	xmlParserCtxtPtr pctx;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	size_t i;

	memset(&ld, 0, sizeof ld);
	ld.file = name;
	ld.base = base != NULL ? base : ".";
	sc = ld.sc = xcalloc(1, sizeof *sc);
	sc->file = xstrdup(name);

	xmlInitParser();
	if (len > INT_MAX) {
		scenario_msgf(&ld, 0, "file is too large");
		goto out;
	}
	if ((pctx = xmlNewParserCtxt()) == NULL) {
		fprintf(stderr, "phonefleet: out of memory\n");
		abort();
	}
	pctx->_private = &ld;
	pctx->sax->serror = scenario_xml_error;
	doc = xmlCtxtReadMemory(pctx, buf, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
	xmlFreeParserCtxt(pctx);
	if (ld.parse_errors != 0 || doc == NULL) {
		if (ld.nmsg == 0)
			scenario_msgf(&ld, 1, "not a well-formed XML document");
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		scenario_msgf(&ld, scenario_doctype_line(buf, len),
		    "a DOCTYPE is not allowed in a scenario");
		goto out;
	}
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		scenario_msgf(&ld, 1, "no <scenario> element");
		goto out;
	}
	if (scenario_validate(&ld, doc) != 0)
		goto out;
	scenario_root(&ld, root);

out:
	if (ld.nmsg != 0) {
		scenario_flush(&ld, errf);
		scenario_free(sc);
		sc = NULL;
	}
	free(ld.msg);
	for (i = 0; i < ld.nxstr; i++)
		xmlFree(ld.xstr[i]);
	free(ld.xstr);
	for (i = 0; i < ld.nstr; i++)
		free(ld.str[i]);
	free(ld.str);
	if (ld.ctx != NULL)
		emu_ctx_free(ld.ctx);
	if (doc != NULL)
		xmlFreeDoc(doc);
	return (sc);
}

int
scenario_has_real(const struct scenario *sc)
{
	size_t	i;

	for (i = 0; i < sc->nserver; i++) {
		if (sc->server[i].real)
			return (1);
	}
	for (i = 0; i < sc->nsite; i++) {
		if (sc->site[i].dhcp_real)
			return (1);
	}
	for (i = 0; i < sc->ndnss; i++) {
		if (sc->dnss[i].real)
			return (1);
	}
	return (0);
}

void
scenario_free(struct scenario *sc)
{
	size_t i, j;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nsite; i++) {
		free(sc->site[i].name);
		free(sc->site[i].domain);
		free(sc->site[i].opt);
		free(sc->site[i].source);
	}
	free(sc->site);
	for (i = 0; i < sc->nserver; i++) {
		struct scn_server *sv = &sc->server[i];

		free(sv->name);
		for (j = 0; j < sv->nfile; j++) {
			free(sv->file[j].path);
			free(sv->file[j].data);
		}
		free(sv->file);
		for (j = 0; j < sv->nfault; j++)
			ep_fault_clear(&sv->fault[j]);
		free(sv->fault);
		for (j = 0; j < sv->nca_file; j++)
			free(sv->ca_file[j].path);
		free(sv->ca_file);
		for (j = 0; j < sv->nupload; j++)
			free(sv->upload[j].path);
		free(sv->upload);
		for (j = 0; j < sv->nload; j++) {
			free(sv->load[j].name);
			free(sv->load[j].dir);
		}
		free(sv->load);
	}
	free(sc->server);
	for (i = 0; i < sc->ndnss; i++) {
		struct scn_dns_server *ds = &sc->dnss[i];

		free(ds->name);
		for (j = 0; j < ds->nrec; j++) {
			free(ds->rec[j].name);
			free(ds->rec[j].target);
		}
		free(ds->rec);
	}
	free(sc->dnss);
	for (i = 0; i < sc->ngroup; i++) {
		struct scn_group *g = &sc->group[i];

		free(g->name);
		free(g->macs);
		for (j = 0; g->ident != NULL && j < g->count; j++) {
			struct scn_ident *id = &g->ident[j];
			size_t k;

			free(id->serial);
			free(id->model);
			free(id->firmware);
			for (k = 0; k < id->nparam; k++) {
				free(id->param[k].name);
				free(id->param[k].value);
			}
			free(id->param);
		}
		free(g->ident);
		free(g->model);
		free(g->firmware);
		free(g->firmware_inactive);
		free(g->serial_prefix);
		free(g->hwver);
		free(g->site);
		for (j = 0; j < g->nparam; j++) {
			free(g->param[j].name);
			free(g->param[j].value);
		}
		free(g->param);
	}
	free(sc->group);
	for (i = 0; sc->arrival != NULL && i < sc->narrival; i++)
		free(sc->arrival[i].phase);
	free(sc->arrival);
	for (i = 0; i < sc->naction; i++) {
		free(sc->action[i].sel.text);
		free(sc->action[i].name);
		free(sc->action[i].value);
		free(sc->action[i].server);
		free(sc->action[i].user);
		free(sc->action[i].pass);
		free(sc->action[i].opt);
	}
	free(sc->action);
	for (i = 0; i < sc->nexpect; i++) {
		struct scn_expect *ex = &sc->expect[i];

		free(ex->name);
		free(ex->sel.text);
		for (j = 0; j < ex->ncheck; j++) {
			free(ex->check[j].name);
			free(ex->check[j].path);
			free(ex->check[j].value);
			free(ex->check[j].method);
			free(ex->check[j].header);
			free(ex->check[j].body);
			free(ex->check[j].client_cert);
			free(ex->check[j].target);
			free(ex->check[j].pattern);
			free(ex->check[j].hurl);
			free(ex->check[j].lacks);
			free(ex->check[j].key);
		}
		free(ex->check);
	}
	free(sc->expect);
	scenario_tls_free(sc);
	free(sc->file);
	free(sc->name);
	free(sc->description);
	free(sc);
}

/*
 * A duration: one or more <number><unit> with units d h m s ms us ("1h30m",
 * "250ms", "1.5s"), or a plain number of seconds.  Fractions must come out
 * as whole microseconds.  At most SCN_TIME_MAX: sums of times never wrap.
 */
int
scenario_parse_time(const char *s, emu_time *t)
{
	emu_time v;

	if (scenario_time_value(s, &v) != 0 || v > SCN_TIME_MAX)
		return (-1);
	*t = v;
	return (0);
}

/* The syntax alone: -1 if s is not a time, -2 if it does not fit. */
int
scenario_time_value(const char *s, emu_time *t)
{
	static const struct {
		const char *name;
		uint64_t us;
	} units[] = {
		{ "ms", 1000ULL },
		{ "us", 1ULL },
		{ "d", 86400000000ULL },
		{ "h", 3600000000ULL },
		{ "m", 60000000ULL },
		{ "s", 1000000ULL },
	};
	uint64_t total = 0, ip, fp, fscale, unit, v;
	const char *p = s;
	size_t i, n;
	int ntok = 0;

	if (s == NULL || *s == '\0')
		return (-1);
	while (*p != '\0') {
		if (!isdigit((unsigned char)*p))
			return (-1);
		ip = 0;
		while (isdigit((unsigned char)*p)) {
			if (ip > (UINT64_MAX - 9) / 10)
				return (-2);
			ip = ip * 10 + (uint64_t)(*p++ - '0');
		}
		fp = 0;
		fscale = 1;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return (-1);
			while (isdigit((unsigned char)*p)) {
				if (fscale >= 1000000000ULL)
					return (-1);
				fp = fp * 10 + (uint64_t)(*p++ - '0');
				fscale *= 10;
			}
		}
		unit = 0;
		for (i = 0; i < nitems(units); i++) {
			n = strlen(units[i].name);
			if (strncmp(p, units[i].name, n) == 0) {
				unit = units[i].us;
				p += n;
				break;
			}
		}
		if (unit == 0) {
			/* A plain number of seconds stands alone. */
			if (*p != '\0' || ntok != 0)
				return (-1);
			unit = 1000000ULL;
		}
		ntok++;
		if ((fp * unit) % fscale != 0)
			return (-1);
		if (__builtin_mul_overflow(ip, unit, &v) ||
		    __builtin_add_overflow(v, fp * unit / fscale, &v) ||
		    __builtin_add_overflow(total, v, &total))
			return (-2);
	}
	if (total == EMU_TIME_NEVER)
		return (-2);
	*t = total;
	return (0);
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t
scenario_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return (era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468);
}

/* n decimal digits at *pp into *v, advanced past them. */
static int
scenario_digits(const char **pp, int n, unsigned *v)
{
	const char *p = *pp;

	*v = 0;
	while (n-- > 0) {
		if (!isdigit((unsigned char)*p))
			return (-1);
		*v = *v * 10 + (unsigned)(*p++ - '0');
	}
	*pp = p;
	return (0);
}

/* "+HH:MM" or "-HH:MM" at *pp, in seconds east of UTC. */
static int
scenario_offset(const char **pp, int32_t *tz_s)
{
	const char *p = *pp;
	unsigned hh, mm;
	int sign;

	if (*p != '+' && *p != '-')
		return (-1);
	sign = *p++ == '-' ? -1 : 1;
	if (scenario_digits(&p, 2, &hh) != 0 || *p++ != ':' ||
	    scenario_digits(&p, 2, &mm) != 0 || mm > 59 ||
	    hh * 3600 + mm * 60 > SCN_TZ_MAX_S)
		return (-1);
	*tz_s = sign * (int32_t)(hh * 3600 + mm * 60);
	*pp = p;
	return (0);
}

int
scenario_parse_tz(const char *s, int32_t *tz_s)
{
	if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0) {
		*tz_s = 0;
		return (0);
	}
	if (scenario_offset(&s, tz_s) != 0 || *s != '\0')
		return (-1);
	return (0);
}

int
scenario_parse_start(const char *s, int32_t tz_s, int64_t *epoch)
{
	static const unsigned mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
		31, 30, 31 };
	const char *p = s;
	unsigned y, mo, d, h, mi, sec;
	int32_t off = tz_s;
	int leap;

	if (scenario_digits(&p, 4, &y) != 0 || *p++ != '-' ||
	    scenario_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
	    scenario_digits(&p, 2, &d) != 0 || *p++ != 'T' ||
	    scenario_digits(&p, 2, &h) != 0 || *p++ != ':' ||
	    scenario_digits(&p, 2, &mi) != 0 || *p++ != ':' ||
	    scenario_digits(&p, 2, &sec) != 0)
		return (-1);
	if (*p == 'Z') {
		off = 0;
		p++;
	} else if (*p != '\0' && scenario_offset(&p, &off) != 0)
		return (-1);
	if (*p != '\0' || y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h > 23 || mi > 59 || sec > 59)
		return (-1);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return (-1);
	*epoch = scenario_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
	    off;
	return (0);
}

int
scenario_parse_sel(const struct scenario *sc, const char *text,
    struct scn_sel *sel)
{
	char *cause = NULL;

	if (scenario_sel_resolve(sc, text, sel, &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (0);
}

/*
 * The line of "<!DOCTYPE" in the file: libxml2 keeps no line for the DTD
 * node.  1 if it cannot be found (an external subset only).
 */
static long
scenario_doctype_line(const char *buf, size_t len)
{
	static const char tag[] = "<!DOCTYPE";
	size_t i, n = sizeof tag - 1;
	long line = 1;

	for (i = 0; i + n <= len; i++) {
		if (memcmp(buf + i, tag, n) == 0)
			return (line);
		if (buf[i] == '\n')
			line++;
	}
	return (1);
}

/* Messages. */

static char *
scenario_vfmt(const char *fmt, va_list ap)
{
	char *s;

	xvasprintf(&s, fmt, ap);
	return (s);
}

static void
scenario_msg_add(struct scenario_loader *ld, long line, char *text)
{
	if (ld->nmsg == ld->msgcap) {
		ld->msgcap = ld->msgcap == 0 ? 16 : ld->msgcap * 2;
		ld->msg = xreallocarray(ld->msg, ld->msgcap, sizeof *ld->msg);
	}
	ld->msg[ld->nmsg].line = line;
	ld->msg[ld->nmsg].seq = ld->nmsg;
	ld->msg[ld->nmsg].text = text;
	ld->nmsg++;
}

/* A message about a line; line 0 is about the whole file. */
void
scenario_msgf(struct scenario_loader *ld, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	scenario_msg_add(ld, line, scenario_vfmt(fmt, ap));
	va_end(ap);
}

/*
 * A message about element n, shown as <name attr="value">: the attribute
 * at fault, else the first of the attributes that say which one it is.
 */
void
scenario_err(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    const char *fmt, ...)
{
	va_list ap;
	char *tag, *what, *text;

	va_start(ap, fmt);
	what = scenario_vfmt(fmt, ap);
	va_end(ap);
	tag = scenario_tag(n, attr);
	xasprintf(&text, "%s: %s", tag, what);
	free(tag);
	free(what);
	scenario_msg_add(ld, scenario_line(n), text);
}

static char *
scenario_tag(xmlNodePtr n, const char *attr)
{
	static const char *const ids[] = { "name", "kind", "phones", "t",
		"code", "path", "digits", "mac" };
	const char *shown = attr;
	xmlChar *v = NULL;
	char *q, *out;
	size_t i;

	for (i = 0; shown == NULL && i < nitems(ids); i++) {
		if (xmlHasProp(n, BAD_CAST ids[i]) != NULL)
			shown = ids[i];
	}
	if (shown != NULL)
		v = xmlGetNoNsProp(n, BAD_CAST shown);
	if (v == NULL) {
		xasprintf(&out, "<%s>", (const char *)n->name);
		return (out);
	}
	q = scenario_quote((const char *)v);
	xasprintf(&out, "<%s %s=\"%s\">", (const char *)n->name, shown, q);
	free(q);
	xmlFree(v);
	return (out);
}

/* Escaped for a message, and cut if long.  Caller frees. */
static char *
scenario_quote(const char *s)
{
	size_t len = strlen(s);
	char *e, *out;

	if (len <= SCN_SHOWN_MAX)
		return (pf_escape(s, len));
	e = pf_escape(s, SCN_SHOWN_MAX);
	xasprintf(&out, "%s...", e);
	free(e);
	return (out);
}

/* Same, kept until the load ends. */
const char *
scenario_q(struct scenario_loader *ld, const char *s)
{
	return (scenario_keep(ld, scenario_quote(s)));
}

static int
scenario_msg_cmp(const void *a, const void *b)
{
	const struct scenario_msg *ma = a, *mb = b;

	if (ma->line != mb->line)
		return (ma->line < mb->line ? -1 : 1);
	if (ma->seq != mb->seq)
		return (ma->seq < mb->seq ? -1 : 1);
	return (0);
}

static void
scenario_flush(struct scenario_loader *ld, FILE *errf)
{
	size_t i;

	qsort(ld->msg, ld->nmsg, sizeof *ld->msg, scenario_msg_cmp);
	for (i = 0; i < ld->nmsg; i++) {
		if (errf != NULL) {
			if (ld->msg[i].line > 0)
				fprintf(errf, "%s:%ld: %s\n", ld->file,
				    ld->msg[i].line, ld->msg[i].text);
			else
				fprintf(errf, "%s: %s\n", ld->file,
				    ld->msg[i].text);
		}
		free(ld->msg[i].text);
	}
	ld->nmsg = 0;
}

/* libxml2's message, one line, without its newline. */
static char *
scenario_xml_text(const char *m)
{
	char *s, *p;

	s = xstrdup(m != NULL ? m : "error");
	for (p = s; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	while (p > s && p[-1] == ' ')
		*--p = '\0';
	return (s);
}

/* Well-formedness: the first error says it; the rest follow from it. */
static void
scenario_xml_error(void *arg, xmlErrorPtr e)
{
	xmlParserCtxtPtr pctx = arg;
	struct scenario_loader *ld = pctx->_private;

	if (e->level < XML_ERR_ERROR)
		return;
	if (ld->parse_errors++ != 0)
		return;
	scenario_msg_add(ld, e->line > 0 ? e->line : 1,
	    scenario_xml_text(e->message));
}

/* The schema itself is ours: failing to compile it is a build bug. */
static void
scenario_schema_error(void *arg, xmlErrorPtr e)
{
	struct scenario_loader *ld = arg;
	char *m;

	if (e->level < XML_ERR_ERROR)
		return;
	m = scenario_xml_text(e->message);
	scenario_msgf(ld, 0, "fleet/scenario.rng: %s", m);
	free(m);
}

/*
 * Schema errors, shaped into one line per mistake: libxml2 follows "did not
 * expect element X" with "element P has extra content: X" about the same
 * node, and the second adds nothing.
 */
static void
scenario_rng_error(void *arg, xmlErrorPtr e)
{
	struct scenario_loader *ld = arg;
	xmlNodePtr n = e->node;
	const struct scenario_shape *sh;
	const char *name, *list = NULL, *hint;
	char buf[64], *m, *tag;
	long line;

	if (e->level < XML_ERR_ERROR)
		return;
	if (n != NULL && n == ld->last_node &&
	    e->code == XML_RELAXNG_ERR_EXTRACONTENT)
		return;
	ld->last_node = n;
	line = e->line > 0 ? e->line : (n != NULL ? scenario_line(n) : 0);
	if (n == NULL || n->type != XML_ELEMENT_NODE) {
		m = scenario_xml_text(e->message);
		scenario_msg_add(ld, line, m);
		return;
	}
	switch (e->code) {
	case XML_RELAXNG_ERR_ELEMWRONG:
	case XML_RELAXNG_ERR_ELEMNAME:
	case XML_RELAXNG_ERR_ELEMNONS:
	case XML_RELAXNG_ERR_ELEMWRONGNS:
	case XML_RELAXNG_ERR_ELEMEXTRANS:
		if (n->parent == NULL || n->parent->type != XML_ELEMENT_NODE)
			list = "scenario";
		else if ((sh = scenario_shape_find(n->parent)) != NULL)
			list = sh->children;
		if (n->ns != NULL && n->ns->prefix != NULL)
			xasprintf(&tag, "%s:%s", (const char *)n->ns->prefix,
			    (const char *)n->name);
		else
			tag = xstrdup((const char *)n->name);
		name = scenario_q(ld, tag);
		hint = NULL;
		if (n->ns == NULL)
			hint = scenario_suggest((const char *)n->name, list,
			    buf, sizeof buf);
		if (hint != NULL)
			scenario_msgf(ld, line,
			    "element \"%s\" not allowed here; "
			    "did you mean \"%s\"?",
			    name, hint);
		else
			scenario_msgf(ld, line,
			    "element \"%s\" not allowed here", name);
		free(tag);
		break;
	case XML_RELAXNG_ERR_INVALIDATTR:
		name = e->str1 != NULL ? e->str1 : "?";
		if ((sh = scenario_shape_find(n)) != NULL)
			list = sh->attrs;
		hint = scenario_suggest(name, list, buf, sizeof buf);
		if (hint != NULL)
			scenario_err(ld, n, NULL,
			    "attribute \"%s\" not allowed; "
			    "did you mean \"%s\"?",
			    scenario_q(ld, name), hint);
		else
			scenario_err(ld, n, NULL,
			    "attribute \"%s\" not allowed",
			    scenario_q(ld, name));
		break;
	case XML_RELAXNG_ERR_TEXTWRONG:
		scenario_err(ld, n, NULL, "text not allowed here");
		break;
	case XML_RELAXNG_ERR_EXTRACONTENT:
		scenario_err(ld, n, NULL, "unexpected content");
		break;
	default:
		m = scenario_xml_text(e->message);
		scenario_err(ld, n, NULL, "%s", m);
		free(m);
		break;
	}
}

static int
scenario_validate(struct scenario_loader *ld, xmlDocPtr doc)
{
	xmlRelaxNGParserCtxtPtr rpc;
	xmlRelaxNGValidCtxtPtr vctx;
	xmlRelaxNGPtr schema;
	int rc;

	rpc = xmlRelaxNGNewMemParserCtxt(scenario_rng, (int)scenario_rng_len);
	if (rpc == NULL) {
		scenario_msgf(ld, 0, "fleet/scenario.rng: cannot be loaded");
		return (-1);
	}
	xmlRelaxNGSetParserStructuredErrors(rpc, scenario_schema_error, ld);
	schema = xmlRelaxNGParse(rpc);
	xmlRelaxNGFreeParserCtxt(rpc);
	if (schema == NULL) {
		if (ld->nmsg == 0)
			scenario_msgf(ld, 0,
			    "fleet/scenario.rng: does not compile");
		return (-1);
	}
	vctx = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctx, scenario_rng_error, ld);
	rc = xmlRelaxNGValidateDoc(vctx, doc);
	xmlRelaxNGFreeValidCtxt(vctx);
	xmlRelaxNGFree(schema);
	if (rc != 0 && ld->nmsg == 0)
		scenario_msgf(ld, 1, "does not match the scenario schema");
	return (rc != 0 ? -1 : 0);
}

/* Tree helpers. */

long
scenario_line(xmlNodePtr n)
{
	long line = xmlGetLineNo(n);

	return (line > 0 ? line : 0);
}

/* An attribute's value, kept until the load ends; NULL if absent. */
const char *
scenario_attr(struct scenario_loader *ld, xmlNodePtr n, const char *name)
{
	xmlChar *v;

	if ((v = xmlGetNoNsProp(n, BAD_CAST name)) == NULL)
		return (NULL);
	if (ld->nxstr == ld->xstrcap) {
		ld->xstrcap = ld->xstrcap == 0 ? 64 : ld->xstrcap * 2;
		ld->xstr =
		    xreallocarray(ld->xstr, ld->xstrcap, sizeof *ld->xstr);
	}
	ld->xstr[ld->nxstr++] = v;
	return ((const char *)v);
}

/* A copy of an attribute's value, or of def (NULL: none) if absent. */
char *
scenario_attr_dup(struct scenario_loader *ld, xmlNodePtr n, const char *name,
    const char *def)
{
	const char *v;

	if ((v = scenario_attr(ld, n, name)) == NULL)
		v = def;
	return (v != NULL ? xstrdup(v) : NULL);
}

static char *
scenario_keep(struct scenario_loader *ld, char *s)
{
	if (ld->nstr == ld->strcap) {
		ld->strcap = ld->strcap == 0 ? 64 : ld->strcap * 2;
		ld->str = xreallocarray(ld->str, ld->strcap, sizeof *ld->str);
	}
	ld->str[ld->nstr++] = s;
	return (s);
}

/* Text content, verbatim or without surrounding white space. */
const char *
scenario_text(struct scenario_loader *ld, xmlNodePtr n, int trim)
{
	xmlChar *v;
	char *s, *e;

	if ((v = xmlNodeGetContent(n)) == NULL)
		return ("");
	s = scenario_keep(ld, xstrdup((const char *)v));
	xmlFree(v);
	if (!trim)
		return (s);
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* Does n hold text other than white space? */
int
scenario_has_text(xmlNodePtr n)
{
	xmlNodePtr c;
	const xmlChar *p;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE)
			continue;
		for (p = c->content; p != NULL && *p != '\0'; p++) {
			if (!isspace(*p))
				return (1);
		}
	}
	return (0);
}

size_t
scenario_count(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;
	size_t k = 0;

	for (c = n->children; c != NULL; c = c->next) {
		if (SCN_IS(c, name))
			k++;
	}
	return (k);
}

/* Site, server and group names: a letter, then letters digits - _ . */
static int
scenario_name_ok(const char *s)
{
	size_t i;

	if (!isalpha((unsigned char)s[0]) || strlen(s) > SCN_NAME_MAX)
		return (0);
	for (i = 1; s[i] != '\0'; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_' && s[i] != '.')
			return (0);
	}
	return (1);
}

/* Host names: labels of 1..63 letters, digits, - and _, dot separated. */
int
scenario_dns_name_ok(const char *s)
{
	size_t label = 0, len = strlen(s);

	if (len == 0 || len > SCN_DNS_NAME_MAX + 1)
		return (0);
	if (s[len - 1] == '.')
		len--;
	if (len == 0 || len > SCN_DNS_NAME_MAX)
		return (0);
	for (; len > 0; s++, len--) {
		if (*s == '.') {
			if (label == 0)
				return (0);
			label = 0;
		} else if (isalnum((unsigned char)*s) || *s == '-' ||
		    *s == '_') {
			if (++label > 63)
				return (0);
		} else
			return (0);
	}
	return (label != 0);
}

static size_t
scenario_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, tmp, best;
	size_t d[SCN_NAME_MAX + 1];

	if (la > SCN_NAME_MAX || lb > SCN_NAME_MAX)
		return (SIZE_MAX);
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		prev = d[0];
		d[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = d[j];
			best = prev +
			    (tolower((unsigned char)a[i - 1]) !=
				tolower((unsigned char)b[j - 1]));
			if (d[j] + 1 < best)
				best = d[j] + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			d[j] = best;
			prev = tmp;
		}
	}
	return (d[lb]);
}

/* The word of list (space separated) closest to word, if close enough. */
static const char *
scenario_suggest(const char *word, const char *list, char *buf, size_t size)
{
	const char *p, *e;
	char w[SCN_NAME_MAX + 1];
	size_t best = 3, d, len;

	if (list == NULL)
		return (NULL);
	buf[0] = '\0';
	for (p = list; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		len = (size_t)(e - p);
		if (len == 0 || len >= sizeof w || len >= size)
			continue;
		memcpy(w, p, len);
		w[len] = '\0';
		d = scenario_distance(word, w);
		if (d < best && d < len) {
			best = d;
			memcpy(buf, w, len + 1);
		}
	}
	return (buf[0] != '\0' ? buf : NULL);
}

static const struct scenario_shape *
scenario_shape_find(xmlNodePtr n)
{
	const char *parent = "";
	size_t i;

	if (n->parent != NULL && n->parent->type == XML_ELEMENT_NODE)
		parent = (const char *)n->parent->name;
	for (i = 0; i < nitems(scenario_shapes); i++) {
		if (strcmp(scenario_shapes[i].parent, parent) == 0 &&
		    strcmp(scenario_shapes[i].name, (const char *)n->name) == 0)
			return (&scenario_shapes[i]);
	}
	return (NULL);
}

/* Attribute readers: 1 present and good, 0 absent, -1 bad (reported). */

int
scenario_need(struct scenario_loader *ld, xmlNodePtr n, const char *attr)
{
	if (xmlHasProp(n, BAD_CAST attr) != NULL)
		return (0);
	scenario_err(ld, n, NULL, "%s= is required", attr);
	return (-1);
}

int
scenario_get_name(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    char **out)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (!scenario_name_ok(v)) {
		scenario_err(ld, n, attr,
		    "%s must be a letter then up to %d "
		    "letters, digits, '-', '_' or '.'",
		    attr, SCN_NAME_MAX - 1);
		return (-1);
	}
	*out = xstrdup(v);
	return (1);
}

int
scenario_get_uint(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    uint64_t min, uint64_t max, uint64_t *out)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (parse_uint(v, min, max, out, NULL) != 0) {
		scenario_err(ld, n, attr, "%s must be %llu..%llu", attr,
		    (unsigned long long)min, (unsigned long long)max);
		return (-1);
	}
	return (1);
}

int
scenario_get_time(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    emu_time *out)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	return (scenario_time_check(ld, n, attr, v, out) == 0 ? 1 : -1);
}

/* A time value of attr (reported if bad): 0, or -1. */
int
scenario_time_check(struct scenario_loader *ld, xmlNodePtr n,
    const char *attr, const char *v, emu_time *out)
{
	emu_time t;
	int rc;

	if ((rc = scenario_time_value(v, &t)) == -1) {
		scenario_err(ld, n, attr,
		    "%s is not a time (e.g. 90s, 1h30m, 250ms)", attr);
		return (-1);
	}
	if (rc != 0 || t > SCN_TIME_MAX) {
		scenario_err(ld, n, attr,
		    "%s is more than %d years, the longest time allowed", attr,
		    SCN_TIME_MAX_YEARS);
		return (-1);
	}
	*out = t;
	return (0);
}

int
scenario_get_bool(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    int *out)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (strcmp(v, "yes") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0)
		*out = 0;
	else {
		scenario_err(ld, n, attr, "%s must be yes or no", attr);
		return (-1);
	}
	return (1);
}

int
scenario_get_ip(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    uint32_t *out)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (ipv4_parse(v, out) != 0) {
		scenario_err(ld, n, attr, "%s is not an IPv4 address", attr);
		return (-1);
	}
	return (1);
}

/*
 * A file for src=: regular, at most max bytes.  Returns 0, or -1 with
 * *cause.  The buffer has a NUL after the data.
 */
static int
scenario_read_file(const char *path, size_t max, uint8_t **data, size_t *len,
    char **cause)
{
	struct stat st;
	uint8_t *buf;
	size_t have = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1) {
		*cause = xstrdup(strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) != 0) {
		*cause = xstrdup(strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		*cause = xstrdup("not a regular file");
		close(fd);
		return (-1);
	}
	if ((uint64_t)st.st_size > max) {
		xasprintf(cause, "larger than %zu bytes", max);
		close(fd);
		return (-1);
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (have < (size_t)st.st_size) {
		n = read(fd, buf + have, (size_t)st.st_size - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*cause = xstrdup(strerror(errno));
			free(buf);
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	buf[have] = '\0';
	*data = buf;
	*len = have;
	return (0);
}

/* src= relative to the scenario's directory. */
int
scenario_read_src(struct scenario_loader *ld, xmlNodePtr n, const char *src,
    uint8_t **data, size_t *len)
{
	char *path, *cause;
	int rc;

	if (*src == '\0') {
		scenario_err(ld, n, "src", "src is empty");
		return (-1);
	}
	if (src[0] == '/' || strcmp(ld->base, ".") == 0)
		path = xstrdup(src);
	else
		xasprintf(&path, "%s/%s", ld->base, src);
	rc = scenario_read_file(path, SCN_SRC_MAX, data, len, &cause);
	if (rc != 0) {
		scenario_err(ld, n, "src", "cannot read %s: %s",
		    scenario_q(ld, path), cause);
		free(cause);
	}
	free(path);
	return (rc);
}

/* Values. */

/* The value of a hex digit (checked with isxdigit() before). */
int
scenario_hex(int c)
{
	if (isdigit((unsigned char)c))
		return (c - '0');
	return (tolower((unsigned char)c) - 'a' + 10);
}

/* 12 hex digits; ':', '-' and '.' between them are ignored. */
int
scenario_mac_parse(const char *s, uint8_t *mac)
{
	int nd = 0, v;

	memset(mac, 0, 6);
	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '-' || *s == '.')
			continue;
		if (!isxdigit((unsigned char)*s) || nd == 12)
			return (-1);
		v = scenario_hex(*s);
		mac[nd / 2] |= (uint8_t)(nd % 2 == 0 ? v << 4 : v);
		nd++;
	}
	return (nd == 12 ? 0 : -1);
}

uint64_t
scenario_mac_u64(const uint8_t *mac)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 6; i++)
		v = (v << 8) | mac[i];
	return (v);
}

void
scenario_mac_fmt(uint64_t v, char *buf)
{
	snprintf(buf, 13, "%012llX", (unsigned long long)(v & SCN_MAC_MAX));
}

/* "0.1%" (up to four decimals) or "1000ppm", at most 100%. */
int
scenario_loss_parse(const char *s, uint32_t *ppm)
{
	uint64_t v = 0, scale = 10000;
	const char *p = s;
	int digits = 0, dot = 0, frac = 0;

	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.') {
			if (dot++ != 0)
				return (-1);
			continue;
		}
		if (++digits > 12)
			return (-1);
		if (dot && ++frac > 4)
			return (-1);
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (digits == 0)
		return (-1);
	if (strcmp(p, "%") == 0) {
		while (frac-- > 0)
			scale /= 10;
		v *= scale;
	} else if (strcmp(p, "ppm") != 0 || dot)
		return (-1);
	if (v > 1000000)
		return (-1);
	*ppm = (uint32_t)v;
	return (0);
}

/* "prov,dhcp": trace category names, comma separated. */
static int
scenario_trace_parse(const char *s, unsigned *bits, char **cause)
{
	const char *p, *e;
	size_t len, i;

	*bits = 0;
	for (p = s; *p != '\0'; p = e) {
		while (*p == ',' || *p == ' ')
			p++;
		e = p + strcspn(p, ", ");
		if ((len = (size_t)(e - p)) == 0)
			continue;
		for (i = 0; i < nitems(scenario_traces); i++) {
			if (strlen(scenario_traces[i].name) == len &&
			    strncmp(scenario_traces[i].name, p, len) == 0)
				break;
		}
		if (i == nitems(scenario_traces)) {
			xasprintf(cause,
			    "unknown trace category \"%.*s\" "
			    "(dhcp, dns, http, tftp, tls, prov, lcd, net, all)",
			    (int)(len > SCN_SHOWN_MAX ? SCN_SHOWN_MAX : len),
			    p);
			return (-1);
		}
		*bits |= scenario_traces[i].bit;
	}
	return (0);
}

/* A decimal index at *pp, advanced past it. */
static int
scenario_index(const char **pp, uint32_t *v)
{
	const char *p = *pp;
	uint64_t n = 0;

	if (!isdigit((unsigned char)*p))
		return (-1);
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (uint64_t)(*p++ - '0');
		if (n > UINT32_MAX)
			return (-1);
	}
	*pp = p;
	*v = (uint32_t)n;
	return (0);
}

static size_t
scenario_group_find(const struct scenario *sc, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sc->ngroup; i++) {
		if (sc->group[i].name != NULL &&
		    strlen(sc->group[i].name) == len &&
		    strncmp(sc->group[i].name, name, len) == 0)
			return (i);
	}
	return (SIZE_MAX);
}

/*
 * "desk", "desk[3]", "desk[0..9]" or a MAC of any group.  sel->text is a
 * copy of text.  -1 with *cause if it selects nothing.
 */
int
scenario_sel_resolve(const struct scenario *sc, const char *text,
    struct scn_sel *sel, char **cause)
{
	const struct scn_group *g;
	const char *br, *p;
	uint8_t mac[6];
	uint64_t want, first;
	uint32_t from, to;
	size_t gi, nlen, i;
	char *q;

	memset(sel, 0, sizeof *sel);
	br = strchr(text, '[');
	nlen = br != NULL ? (size_t)(br - text) : strlen(text);
	gi = scenario_group_find(sc, text, nlen);
	if (gi == SIZE_MAX && br == NULL &&
	    scenario_mac_parse(text, mac) == 0) {
		want = scenario_mac_u64(mac);
		for (gi = 0; gi < sc->ngroup; gi++) {
			g = &sc->group[gi];
			if (g->macs != NULL) {
				for (i = 0; i < g->count; i++) {
					if (scenario_mac_u64(g->macs[i]) ==
					    want)
						break;
				}
				if (i < g->count)
					break;
				continue;
			}
			first = scenario_mac_u64(g->mac);
			if (g->count != 0 && want >= first &&
			    want - first < g->count) {
				i = want - first;
				break;
			}
		}
		if (gi == sc->ngroup) {
			xasprintf(cause, "no phone has MAC %012llX",
			    (unsigned long long)want);
			return (-1);
		}
		sel->group = gi;
		sel->from = sel->to = (uint32_t)i;
		sel->text = xstrdup(text);
		return (0);
	}
	if (gi == SIZE_MAX) {
		q = pf_escape(text,
		    nlen > SCN_SHOWN_MAX ? SCN_SHOWN_MAX : nlen);
		xasprintf(cause, "no phone group \"%s\"", q);
		free(q);
		return (-1);
	}
	g = &sc->group[gi];
	if (g->count == 0) {
		xasprintf(cause, "group \"%s\" has no phones", g->name);
		return (-1);
	}
	if (br == NULL) {
		from = 0;
		to = g->count - 1;
	} else {
		p = br + 1;
		if (scenario_index(&p, &from) != 0)
			goto bad;
		to = from;
		if (strncmp(p, "..", 2) == 0) {
			p += 2;
			if (scenario_index(&p, &to) != 0)
				goto bad;
		}
		if (strcmp(p, "]") != 0)
			goto bad;
		if (from > to) {
			xasprintf(cause, "range %u..%u is empty", from, to);
			return (-1);
		}
		if (to >= g->count) {
			xasprintf(cause,
			    "index %u is out of range: group "
			    "\"%s\" has %u phones (0..%u)",
			    to, g->name, g->count, g->count - 1);
			return (-1);
		}
	}
	sel->group = gi;
	sel->from = from;
	sel->to = to;
	sel->text = xstrdup(text);
	return (0);

bad:
	xasprintf(cause,
	    "bad selector: use name, name[i], name[i..j] or a MAC");
	return (-1);
}

/* Is name a parameter the phone knows?  Reports if not. */
int
scenario_param_known(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    const char *name)
{
	const char *best = NULL;
	size_t i, d, bestd = 3;

	if (ld->ctx == NULL)
		ld->ctx = emu_ctx_create(0);
	if (param_find(ld->ctx, name) != -1)
		return (0);
	for (i = 0; i < param_count; i++) {
		d = scenario_distance(name, param_table[i].name);
		if (d < bestd) {
			bestd = d;
			best = param_table[i].name;
		}
	}
	if (best != NULL)
		scenario_err(ld, n, attr,
		    "unknown parameter \"%s\"; did you mean \"%s\"?",
		    scenario_q(ld, name), best);
	else
		scenario_err(ld, n, attr, "unknown parameter \"%s\"",
		    scenario_q(ld, name));
	return (-1);
}

/* The document. */

static void
scenario_root(struct scenario_loader *ld, xmlNodePtr root)
{
	struct scenario *sc = ld->sc;
	xmlNodePtr c, first_tl = NULL;
	xmlNodePtr first_desc = NULL, first_pki = NULL;
	const char *v, *slash, *dot;
	char *cause;
	uint64_t u;
	size_t i;

	if ((v = scenario_attr(ld, root, "name")) != NULL) {
		if (*v == '\0' || strlen(v) > SCN_NAME_MAX)
			scenario_err(ld, root, "name",
			    "name must be 1..%d characters", SCN_NAME_MAX);
		sc->name = xstrdup(v);
	} else {
		/* The file's name without directory and extension. */
		slash = strrchr(ld->file, '/');
		v = slash != NULL ? slash + 1 : ld->file;
		dot = strrchr(v, '.');
		if (dot != NULL && dot != v)
			sc->name = xstrndup(v, (size_t)(dot - v));
		else
			sc->name = xstrdup(v);
	}
	sc->seed = 1;
	if (scenario_get_uint(ld, root, "seed", 0, UINT64_MAX, &u) == 1)
		sc->seed = u;
	/* Calendar time: what certificates and Resync_At see. */
	sc->epoch = SCN_DEF_EPOCH;
	if ((v = scenario_attr(ld, root, "timezone")) != NULL &&
	    scenario_parse_tz(v, &sc->tz_offset_s) != 0)
		scenario_err(ld, root, "timezone",
		    "timezone must be Z or an offset from UTC, -14:00..+14:00 "
		    "(e.g. +01:00)");
	if ((v = scenario_attr(ld, root, "start")) != NULL &&
	    scenario_parse_start(v, sc->tz_offset_s, &sc->epoch) != 0)
		scenario_err(ld, root, "start",
		    "start must be a date and time from 1970 to 9999, "
		    "YYYY-MM-DDThh:mm:ss, then Z, an offset or nothing "
		    "(e.g. 2026-03-01T08:00:00)");
	ld->has_duration =
	    scenario_get_time(ld, root, "duration", &sc->duration) == 1;
	if ((v = scenario_attr(ld, root, "trace")) != NULL &&
	    scenario_trace_parse(v, &sc->trace, &cause) != 0) {
		scenario_err(ld, root, "trace", "%s", cause);
		free(cause);
	}

	/* Everything else refers to sites, so they come first. */
	for (c = root->children; c != NULL; c = c->next) {
		if (SCN_IS(c, "description")) {
			if (first_desc != NULL) {
				scenario_err(ld, c, NULL,
				    "only one <description> "
				    "allowed (first at line %ld)",
				    scenario_line(first_desc));
				continue;
			}
			first_desc = c;
			sc->description = xstrdup(scenario_text(ld, c, 1));
		}
	}
	if ((sc->nsite = scenario_count(root, "site")) == 0)
		scenario_msgf(ld, scenario_line(root),
		    "<scenario>: at least one <site> is required");
	sc->site = xcalloc(sc->nsite, sizeof *sc->site);
	for (c = root->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "site"))
			scenario_site(ld, c, &sc->site[i++]);
	}
	/* Servers name certificates. */
	for (c = root->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "pki"))
			continue;
		if (first_pki != NULL) {
			scenario_err(ld, c, NULL,
			    "only one <pki> allowed (first at line %ld)",
			    scenario_line(first_pki));
			continue;
		}
		first_pki = c;
		scenario_pki(ld, c);
	}
	sc->nserver = scenario_count(root, "server");
	sc->server = xcalloc(sc->nserver, sizeof *sc->server);
	for (c = root->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "server"))
			scenario_server(ld, c, &sc->server[i++]);
	}
	sc->ndnss = scenario_count(root, "dns-server");
	sc->dnss = xcalloc(sc->ndnss, sizeof *sc->dnss);
	for (c = root->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "dns-server"))
			scenario_dns(ld, c, &sc->dnss[i++]);
	}
	sc->nproxy = scenario_count(root, "proxy");
	sc->proxy = xcalloc(sc->nproxy, sizeof *sc->proxy);
	for (c = root->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "proxy"))
			scenario_proxy(ld, c, &sc->proxy[i++]);
	}
	if ((sc->ngroup = scenario_count(root, "phones")) == 0)
		scenario_msgf(ld, scenario_line(root),
		    "<scenario>: at least one <phones> is required");
	sc->group = xcalloc(sc->ngroup, sizeof *sc->group);
	for (c = root->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "phones"))
			scenario_group(ld, c, &sc->group[i++]);
	}
	if (SCN_ARRIVAL_MAX < (sc->narrival = scenario_count(root,
	    "arrival")))
		scenario_msgf(ld, scenario_line(root), "<scenario>: at most "
		    "%d <arrival>s", SCN_ARRIVAL_MAX);
	else {
		sc->arrival = xcalloc(sc->narrival == 0 ? 1 : sc->narrival,
		    sizeof *sc->arrival);
		for (c = root->children, i = 0; c != NULL; c = c->next) {
			if (SCN_IS(c, "arrival"))
				scenario_arrival(ld, c, i++);
		}
	}
	/* The cloud registers phones by group. */
	for (c = root->children; c != NULL; c = c->next) {
		if (SCN_IS(c, "edos"))
			scenario_cloud(ld, c, SCN_CLOUD_EDOS);
		else if (SCN_IS(c, "gds"))
			scenario_cloud(ld, c, SCN_CLOUD_GDS);
	}
	scenario_check_names(ld);
	scenario_check_macs(ld);
	scenario_check_sites(ld);
	scenario_check_servers(ld);
	scenario_check_clouds(ld);
	scenario_check_proxies(ld);

	/* The timeline refers to all of the above. */
	for (c = root->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "timeline"))
			continue;
		if (first_tl != NULL) {
			scenario_err(ld, c, NULL,
			    "only one <timeline> allowed (first at line %ld)",
			    scenario_line(first_tl));
			continue;
		}
		first_tl = c;
		scenario_timeline(ld, c);
	}
	scenario_finish(ld);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The scenario loader: the elements.  One parser per element of a scenario
 * file (docs/scenario.md): <site> with its <dhcp> and <option>, <server>
 * with its <file>, <template> and <fault>, <dns-server>, <phones>, and the
 * <timeline> of <at> actions and <expect> checks.  Each fills its part of
 * struct scenario and reports what is wrong with the element itself.  Then
 * the checks that need the whole file: duplicate names, phone counts and
 * MACs, subnets and DHCP pools, server addresses; last, the timeline is
 * sorted by time.
 *
 * scenario.c drives these from its walk over the document and holds the
 * messages and the attribute and value helpers they use.
 */

#include <ctype.h>
#include <limits.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "fleet.h"

#define SCN_OPEN ((emu_time)INT64_MAX) /* next-resync: no upper bound */

#define SCN_DEF_MODEL "CP-8851-3PCC"
#define SCN_DEF_FIRMWARE "sip88xx.12-0-7MPP0301-92"
#define SCN_DEF_HWVER "V03"
#define SCN_DEF_SERIAL "FCH"
#define SCN_DEF_LATENCY EMU_MS(1)
#define SCN_DEF_LEASE_S 86400
#define SCN_DEF_TAIL EMU_SEC(60) /* run on after the timeline */
#define SCN_DEF_DNS_TTL_S 300

struct scenario_span {
	uint64_t from, to; /* MACs as 48-bit numbers, inclusive */
	size_t group;
};

struct scenario_key {
	emu_time at;
	size_t seq;
};

static void scenario_dhcp(struct scenario_loader *, xmlNodePtr,
    struct scn_site *);
static void scenario_option(struct scenario_loader *, xmlNodePtr,
    struct scn_dhcp_opt *, int);
static void scenario_dhcp_lists(struct scenario_loader *, xmlNodePtr,
    uint32_t *, int *, struct scn_dhcp_opt **, size_t *, int);
static void scenario_server_real(struct scenario_loader *, xmlNodePtr);
static void scenario_dhcp_real(struct scenario_loader *, xmlNodePtr,
    struct scn_site *);
static void scenario_dns_real(struct scenario_loader *, xmlNodePtr,
    struct scn_dns_server *);
static int scenario_real_refused(struct scenario_loader *, xmlNodePtr,
    const char *, enum scn_host_kind, size_t);
static int scenario_state(struct scenario_loader *, xmlNodePtr, int *);
static int scenario_get_bandwidth(struct scenario_loader *, xmlNodePtr,
    const char *, uint64_t *);
static char *scenario_dns_attr(struct scenario_loader *, xmlNodePtr,
    const char *);
static void scenario_dns_rec(struct scenario_loader *, xmlNodePtr,
    struct scn_dns_server *, struct scn_dns_rec *, uint32_t);
static void scenario_notify(struct scenario_loader *, xmlNodePtr,
    struct scn_action *);
static void scenario_dhcp_action(struct scenario_loader *, xmlNodePtr,
    struct scn_action *);
static void scenario_file(struct scenario_loader *, xmlNodePtr,
    struct scn_server *, struct scn_file *);
static void scenario_file_encode(struct scenario_loader *, xmlNodePtr,
    struct scn_file *);
static void scenario_fault(struct scenario_loader *, xmlNodePtr,
    struct scn_server *, struct ep_fault *);
static void scenario_fault_body(struct scenario_loader *, xmlNodePtr,
    struct ep_fault *);
static void scenario_fault_hdrs(struct scenario_loader *, xmlNodePtr,
    struct ep_fault *);
static void scenario_at(struct scenario_loader *, xmlNodePtr);
static void scenario_expect(struct scenario_loader *, xmlNodePtr);
static void scenario_check(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_path_check(struct scenario_loader *, xmlNodePtr,
    enum scn_host_kind, const char *);
static void scenario_request(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_syslog_check(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_history_check(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_latency(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_errors(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static void scenario_rate(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static struct scn_check *scenario_check_add(struct scn_expect *, xmlNodePtr,
    enum scn_check_type);
static int scenario_sel_attr(struct scenario_loader *, xmlNodePtr,
    struct scn_sel *);
static void scenario_load_elem(struct scenario_loader *, xmlNodePtr,
    struct scn_load *);
static int scenario_size(const char *, uint64_t *);
static void scenario_upload(struct scenario_loader *, xmlNodePtr,
    struct scn_server *, struct scn_upload *);
static void scenario_uploads(struct scenario_loader *, xmlNodePtr,
    struct scn_expect *);
static int scenario_range(struct scenario_loader *, xmlNodePtr, const char *,
    const char *, const char *, uint64_t *, uint64_t *);

static uint64_t scenario_pool(const struct scenario *, const struct scn_site *);
static int scenario_key_cmp(const void *, const void *);
static int scenario_span_cmp(const void *, const void *);
static void scenario_sort_actions(struct scenario *);
static void scenario_sort_expects(struct scenario *);

static const struct {
	const char *name;
	enum ep_fault_kind kind;
	const char *attrs; /* kind-specific attributes it takes */
} scenario_fault_kinds[] = {
	{ "status", EP_FAULT_STATUS, "status src" },
	{ "delay", EP_FAULT_DELAY, "delay" },
	{ "drop", EP_FAULT_DROP, "" },
	{ "truncate", EP_FAULT_TRUNCATE, "" },
	{ "redirect", EP_FAULT_REDIRECT, "status location" },
	{ "auth", EP_FAULT_AUTH, "user pass realm proxy reject" },
	{ "reset", EP_FAULT_RESET, "" },
	{ "chunked", EP_FAULT_CHUNKED, "http10" },
	{ "close-delimited", EP_FAULT_CLOSE_DELIMITED, "" },
	{ "body", EP_FAULT_BODY, "src" },
	{ "trickle", EP_FAULT_TRICKLE, "rate" },
};
static const char scenario_fault_specific[] =
    "status delay location user pass realm proxy reject http10 src rate";
static const char scenario_fault_kind_list[] =
    "status, delay, drop, truncate, "
    "redirect, auth, reset, chunked, close-delimited, body, trickle";

static const char *const scenario_counters[] = { "boots", "dhcp-acks",
	"resyncs", "resync-ok", "resync-fail", "fetches", "requests",
	"reboots", "edos-queries", "short-codes", "gds-requests", "ca-fetches",
	"tls-full", "tls-resumed", "upgrades", "upgrade-ok", "upgrade-fail",
	"image-fetches" };

/* DHCP options the site's server fills from other settings. */
static const struct {
	int code;
	const char *from;
} scenario_dhcp_owned[] = {
	{ 1, "the site's subnet=" },
	{ 3, "the site's gateway=" },
	{ 6, "<dns>" },
	{ 15, "domain=" },
	{ 51, "lease=" },
	{ 53, "the server (message type)" },
	{ 54, "server=" },
};

#define SCN_BANDWIDTH_MIN	1000ULL			/* 1 kbit/s */
#define SCN_BANDWIDTH_MAX	1000000000000ULL	/* 1 Tbit/s */

/*
 * A link speed: a decimal number (up to three decimals), an optional SI
 * prefix k (10^3), M (10^6) or G (10^9), and "bit" or "bps" (both bits
 * per second): "100Mbit", "1.5Gbps", "64kbit".  1 kbit/s .. 1000 Gbit/s.
 */
int
scenario_bandwidth_parse(const char *s, uint64_t *bps)
{
	uint64_t v = 0, mult = 1, div = 1;
	const char *p = s;
	int digits = 0, dot = 0, frac = 0;

	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.') {
			if (dot++ != 0)
				return (-1);
			continue;
		}
		if (++digits > 13 || (dot && ++frac > 3))
			return (-1);
		v = v * 10 + (uint64_t)(*p - '0');
		if (dot)
			div *= 10;
	}
	if (digits == 0 || p[-1] == '.')
		return (-1);
	switch (*p) {
	case 'k':
		mult = 1000ULL;
		p++;
		break;
	case 'M':
		mult = 1000000ULL;
		p++;
		break;
	case 'G':
		mult = 1000000000ULL;
		p++;
		break;
	}
	if (strcmp(p, "bit") != 0 && strcmp(p, "bps") != 0)
		return (-1);
	/* Powers of ten: the value is v * mult / div, a whole number. */
	if (mult >= div) {
		if (v > SCN_BANDWIDTH_MAX / (mult / div))
			return (-1);
		v *= mult / div;
	} else {
		if (v % (div / mult) != 0)
			return (-1);
		v /= div / mult;
	}
	if (v < SCN_BANDWIDTH_MIN || v > SCN_BANDWIDTH_MAX)
		return (-1);
	*bps = v;
	return (0);
}

/* attr= a link speed into *bps; 1 set, 0 absent, -1 error (reported). */
static int
scenario_get_bandwidth(struct scenario_loader *ld, xmlNodePtr n,
    const char *attr, uint64_t *bps)
{
	const char *v;

	if ((v = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (scenario_bandwidth_parse(v, bps) != 0) {
		scenario_err(ld, n, attr,
		    "%s must be bits per second with k, M or G and bit or "
		    "bps (\"100Mbit\", \"1.5Gbps\"), 1kbit..1000Gbit", attr);
		return (-1);
	}
	return (1);
}

/* A unicast address a phone's connection may come from. */
static int
scenario_source_ok(uint32_t a)
{
	return (a != 0 && a < 0xe0000000U);	/* not 0.0.0.0, not 224/3 */
}

int
scenario_source_parse(const char *s, uint32_t **addrs, size_t *n,
    const char **why)
{
	const char	*sep;
	char		*first;
	uint32_t	 lo, hi, mask, *a;
	uint64_t	 prefix, count, i;

	*addrs = NULL;
	*n = 0;
	*why = "source must be an IPv4 address, a range "
	    "(127.0.0.2-127.0.0.9) or a CIDR block (127.0.1.0/28)";
	if ((sep = strpbrk(s, "-/")) == NULL) {
		if (ipv4_parse(s, &lo) != 0)
			return (-1);
		hi = lo;
	} else {
		first = xstrndup(s, (size_t)(sep - s));
		if (ipv4_parse(first, &lo) != 0) {
			free(first);
			return (-1);
		}
		free(first);
		if (*sep == '-') {
			if (ipv4_parse(sep + 1, &hi) != 0)
				return (-1);
			if (hi < lo) {
				*why = "source range ends before it starts";
				return (-1);
			}
		} else {
			if (parse_uint(sep + 1, 0, 32, &prefix, NULL) != 0)
				return (-1);
			mask = prefix == 0 ? 0 : 0xffffffffU << (32 - prefix);
			if ((lo & ~mask) != 0) {
				*why = "source has host bits set";
				return (-1);
			}
			hi = lo | ~mask;
			if (prefix < 31) {	/* not the network, broadcast */
				lo++;
				hi--;
			}
		}
	}
	count = (uint64_t)hi - lo + 1;
	if (count > SCN_SOURCE_MAX) {
		*why = "source has more than 4096 addresses";
		return (-1);
	}
	if (!scenario_source_ok(lo) || !scenario_source_ok(hi)) {
		*why = "source must be unicast (not 0.0.0.0, multicast or "
		    "broadcast)";
		return (-1);
	}
	a = xreallocarray(NULL, count, sizeof *a);
	for (i = 0; i < count; i++)
		a[i] = lo + (uint32_t)i;
	*addrs = a;
	*n = count;
	*why = NULL;
	return (0);
}

void
scenario_site(struct scenario_loader *ld, xmlNodePtr n, struct scn_site *s)
{
	const char *v, *slash, *why;
	char *addr;
	uint64_t prefix;
	xmlNodePtr c, first = NULL;
	int ok = 0;

	s->line = (int)scenario_line(n);
	s->link.latency = SCN_DEF_LATENCY;
	s->lease_s = SCN_DEF_LEASE_S;
	if (scenario_need(ld, n, "name") == 0)
		scenario_get_name(ld, n, "name", &s->name);
	if (scenario_need(ld, n, "subnet") == 0) {
		v = scenario_attr(ld, n, "subnet");
		slash = strchr(v, '/');
		addr = xstrndup(v,
		    slash != NULL ? (size_t)(slash - v) : strlen(v));
		if (slash == NULL || ipv4_parse(addr, &s->subnet) != 0 ||
		    parse_uint(slash + 1, 1, 30, &prefix, NULL) != 0)
			scenario_err(ld, n, "subnet",
			    "subnet must be "
			    "address/prefix, prefix 1..30 (e.g. 10.1.0.0/16)");
		else {
			s->mask = 0xffffffffU << (32 - prefix);
			if ((s->subnet & ~s->mask) != 0)
				scenario_err(ld, n, "subnet",
				    "subnet has host bits set");
			else
				ok = 1;
		}
		free(addr);
	}
	if (scenario_get_ip(ld, n, "gateway", &s->gateway) == 1 && ok) {
		if ((s->gateway & s->mask) != s->subnet)
			scenario_err(ld, n, "gateway",
			    "gateway is outside the subnet");
		else if (s->gateway == s->subnet ||
		    s->gateway == (s->subnet | ~s->mask))
			scenario_err(ld, n, "gateway",
			    "gateway is the network or broadcast address");
	} else if (xmlHasProp(n, BAD_CAST "gateway") == NULL && ok)
		s->gateway = s->subnet + 1;
	scenario_get_time(ld, n, "latency", &s->link.latency);
	scenario_get_time(ld, n, "jitter", &s->link.jitter);
	if ((v = scenario_attr(ld, n, "loss")) != NULL &&
	    scenario_loss_parse(v, &s->link.loss_ppm) != 0)
		scenario_err(ld, n, "loss",
		    "loss must be a percentage (\"0.1%%\") "
		    "or parts per million (\"1000ppm\"), at most 100%%");
	scenario_get_bandwidth(ld, n, "bandwidth", &s->link.bandwidth_bps);
	if ((v = scenario_attr(ld, n, "source")) != NULL &&
	    scenario_source_parse(v, &s->source, &s->nsource, &why) != 0)
		scenario_err(ld, n, "source", "%s", why);
	for (c = n->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "dhcp"))
			continue;
		if (first != NULL) {
			scenario_err(ld, c, NULL,
			    "only one <dhcp> per site (first at line %ld)",
			    scenario_line(first));
			continue;
		}
		first = c;
		scenario_dhcp(ld, c, s);
	}
}

static void
scenario_dhcp(struct scenario_loader *ld, xmlNodePtr n, struct scn_site *s)
{
	const char *v;
	emu_time lease;

	s->has_dhcp = 1;
	if (xmlHasProp(n, BAD_CAST "connect") != NULL) {
		scenario_dhcp_real(ld, n, s);
		return;
	}
	s->dhcp_server = s->gateway;
	scenario_get_ip(ld, n, "server", &s->dhcp_server);
	if ((v = scenario_attr(ld, n, "lease")) != NULL) {
		if (strcmp(v, "infinite") == 0)
			s->lease_s = UINT32_MAX;
		else if (scenario_parse_time(v, &lease) != 0 ||
		    lease % EMU_SEC(1) != 0 || lease == 0 ||
		    lease / EMU_SEC(1) >= UINT32_MAX)
			scenario_err(ld, n, "lease",
			    "lease must be whole seconds "
			    "(e.g. 1d, 12h, 3600) or infinite");
		else
			s->lease_s = (uint32_t)(lease / EMU_SEC(1));
	}
	if ((v = scenario_attr(ld, n, "domain")) != NULL) {
		if (!scenario_dns_name_ok(v))
			scenario_err(ld, n, "domain",
			    "domain is not a DNS name");
		else
			s->domain = xstrdup(v);
	}
	scenario_dhcp_lists(ld, n, s->dns, &s->ndns, &s->opt, &s->nopt, 0);
}

/*
 * A real DHCP server, reached as a relay agent (docs/scenario.md): its
 * address and port, the relay's address (giaddr) and port.
 */
static void
scenario_dhcp_real(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_site *s)
{
	static const char *attrs[] = { "server", "lease", "domain" };
	xmlNodePtr	c;
	uint64_t	port;
	size_t		i;

	s->dhcp_real = 1;
	s->dhcp_port = DHCP_SERVER_PORT;
	s->relay = 0x7f000002;		/* 127.0.0.2 */
	s->relay_port = DHCP_SERVER_PORT;
	scenario_get_ip(ld, n, "connect", &s->dhcp_connect);
	if (scenario_get_uint(ld, n, "port", 1, 65535, &port) == 1)
		s->dhcp_port = (uint16_t)port;
	scenario_get_ip(ld, n, "relay", &s->relay);
	if (scenario_get_uint(ld, n, "relay-port", 1, 65535, &port) == 1)
		s->relay_port = (uint16_t)port;
	for (i = 0; i < nitems(attrs); i++) {
		if (xmlHasProp(n, BAD_CAST attrs[i]) != NULL)
			scenario_err(ld, n, attrs[i], "%s= is for a simulated "
			    "DHCP server; a real one (connect=) has its own",
			    attrs[i]);
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			scenario_err(ld, c, NULL, "a real DHCP server "
			    "(connect=) has its own options");
			break;
		}
	}
}

/*
 * The <dns> and <option> children of a site's <dhcp> or of a timeline
 * <dhcp> (removal: an empty <option> removes it).
 */
static void
scenario_dhcp_lists(struct scenario_loader *ld, xmlNodePtr n, uint32_t *dns,
    int *ndns, struct scn_dhcp_opt **optp, size_t *nopt, int removal)
{
	struct scn_dhcp_opt	*opt;
	xmlNodePtr		 c;
	const char		*v;
	size_t			 i, j;

	for (c = n->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "dns"))
			continue;
		v = scenario_text(ld, c, 1);
		if (*ndns == 2)
			scenario_err(ld, c, NULL, "at most two <dns> servers");
		else if (ipv4_parse(v, &dns[*ndns]) != 0)
			scenario_err(ld, c, NULL,
			    "\"%s\" is not an IPv4 address", scenario_q(ld, v));
		else
			(*ndns)++;
	}
	*nopt = scenario_count(n, "option");
	*optp = opt = xcalloc(*nopt, sizeof *opt);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (!SCN_IS(c, "option"))
			continue;
		scenario_option(ld, c, &opt[i], removal);
		for (j = 0; j < i; j++) {
			if (opt[i].code != 0 && opt[j].code == opt[i].code) {
				scenario_err(ld, c, "code",
				    "option %d is already set", opt[i].code);
				break;
			}
		}
		if (i == EP_DHCP_OPTS_MAX)
			scenario_err(ld, c, "code",
			    "at most %d options per site", EP_DHCP_OPTS_MAX);
		i++;
	}
}

/* An <option>; empty: an error, or (a timeline <dhcp>) a removal. */
static void
scenario_option(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_dhcp_opt *o, int empty_ok)
{
	const char *type, *v, *p;
	char *tok, *save, *copy;
	uint64_t code;
	uint32_t ip;
	size_t i, len = 0;
	int hi;

	if (scenario_need(ld, n, "code") != 0 ||
	    scenario_get_uint(ld, n, "code", 1, 254, &code) != 1)
		return;
	for (i = 0; i < nitems(scenario_dhcp_owned); i++) {
		if (scenario_dhcp_owned[i].code == (int)code) {
			scenario_err(ld, n, "code", "option %d is set from %s",
			    (int)code, scenario_dhcp_owned[i].from);
			return;
		}
	}
	o->code = (int)code;
	if ((type = scenario_attr(ld, n, "type")) == NULL)
		type = "string";
	v = scenario_text(ld, n, 1);
	if (*v == '\0' && empty_ok)
		return;
	if (*v == '\0') {
		scenario_err(ld, n, "code", "option %d has no value", o->code);
		return;
	}
	if (strcmp(type, "string") == 0) {
		if ((len = strlen(v)) > sizeof o->data) {
			scenario_err(ld, n, "code",
			    "option %d is %zu bytes, more than 255", o->code,
			    len);
			return;
		}
		memcpy(o->data, v, len);
	} else if (strcmp(type, "ip") == 0) {
		copy = xstrdup(v);
		for (tok = strtok_r(copy, " \t\r\n,", &save); tok != NULL;
		     tok = strtok_r(NULL, " \t\r\n,", &save)) {
			if (ipv4_parse(tok, &ip) != 0) {
				scenario_err(ld, n, "code",
				    "\"%s\" is not an IPv4 address",
				    scenario_q(ld, tok));
				free(copy);
				return;
			}
			if (len + 4 > sizeof o->data) {
				scenario_err(ld, n, "code",
				    "option %d has more than 63 addresses",
				    o->code);
				free(copy);
				return;
			}
			o->data[len++] = (uint8_t)(ip >> 24);
			o->data[len++] = (uint8_t)(ip >> 16);
			o->data[len++] = (uint8_t)(ip >> 8);
			o->data[len++] = (uint8_t)ip;
		}
		free(copy);
	} else if (strcmp(type, "hex") == 0) {
		hi = -1;
		for (p = v; *p != '\0'; p++) {
			if (*p == ':' || *p == '-' ||
			    isspace((unsigned char)*p)) {
				if (hi != -1)
					break;
				continue;
			}
			if (!isxdigit((unsigned char)*p))
				break;
			if (hi == -1) {
				hi = scenario_hex(*p);
				continue;
			}
			if (len == sizeof o->data) {
				scenario_err(ld, n, "code",
				    "option %d is more than 255 bytes",
				    o->code);
				return;
			}
			o->data[len++] = (uint8_t)(hi << 4 | scenario_hex(*p));
			hi = -1;
		}
		if (*p != '\0' || hi != -1) {
			scenario_err(ld, n, "code",
			    "option %d: \"%s\" is not hex "
			    "bytes (e.g. 01:04:c0:a8:01:01)",
			    o->code, scenario_q(ld, v));
			return;
		}
	} else {
		scenario_err(ld, n, "type", "type must be string, ip or hex");
		return;
	}
	o->len = len;
}

void
scenario_server(struct scenario_loader *ld, xmlNodePtr n, struct scn_server *sv)
{
	xmlNodePtr c;
	uint64_t port;
	size_t nf = 0, nx = 0, nu = 0, nl = 0;
	int rh, rt, rs, rl;

	sv->line = (int)scenario_line(n);
	if (scenario_need(ld, n, "name") == 0)
		scenario_get_name(ld, n, "name", &sv->name);
	if (xmlHasProp(n, BAD_CAST "connect") != NULL) {
		/* A real server: phones reach it over kernel sockets. */
		sv->real = 1;
		if (xmlHasProp(n, BAD_CAST "address") != NULL)
			scenario_err(ld, n, "address", "a real server "
			    "(connect=) is at its connect= address");
		scenario_get_ip(ld, n, "connect", &sv->ip);
		scenario_server_real(ld, n);
	} else if (scenario_need(ld, n, "address") == 0)
		scenario_get_ip(ld, n, "address", &sv->ip);
	if ((rh = scenario_get_uint(ld, n, "http", 1, 65535, &port)) == 1)
		sv->http_port = (int)port;
	if ((rs = scenario_get_uint(ld, n, "https", 1, 65535, &port)) == 1)
		sv->https_port = (int)port;
	if ((rt = scenario_get_uint(ld, n, "tftp", 1, 65535, &port)) == 1)
		sv->tftp_port = (int)port;
	/* 16.2: a syslog collector on this UDP port. */
	if ((rl = scenario_get_uint(ld, n, "syslog", 1, 65535, &port)) == 1)
		sv->syslog_port = (int)port;
	if (rh == 0 && rt == 0 && rs == 0 && rl == 0)
		scenario_err(ld, n, NULL,
		    "needs http=, https=, tftp= or syslog= (a port)");
	if (rt == 1 && rl == 1 && sv->tftp_port == sv->syslog_port)
		scenario_err(ld, n, "syslog", "tftp and syslog use the same "
		    "port");
	scenario_state(ld, n, &sv->down);
	scenario_get_bandwidth(ld, n, "uplink", &sv->uplink_bps);
	if (rh == 1 && rt == 1 && sv->http_port == sv->tftp_port &&
	    sv->http_port != 0)
		scenario_err(ld, n, "tftp", "http and tftp use the same port");
	if (rh == 1 && rs == 1 && sv->http_port == sv->https_port)
		scenario_err(ld, n, "https", "http and https use the same "
		    "port");

	sv->nfile = scenario_count(n, "file") + scenario_count(n, "template");
	sv->file = xcalloc(sv->nfile, sizeof *sv->file);
	sv->nfault = scenario_count(n, "fault");
	sv->fault = xcalloc(sv->nfault, sizeof *sv->fault);
	sv->nupload = scenario_count(n, "upload");
	sv->upload = xcalloc(sv->nupload, sizeof *sv->upload);
	sv->nload = scenario_count(n, "load");
	sv->load = xcalloc(sv->nload, sizeof *sv->load);
	for (c = n->children; c != NULL; c = c->next) {
		if (SCN_IS(c, "file") || SCN_IS(c, "template")) {
			sv->file[nf].is_template = SCN_IS(c, "template");
			scenario_file(ld, c, sv, &sv->file[nf]);
			nf++;
		} else if (SCN_IS(c, "fault")) {
			scenario_fault(ld, c, sv, &sv->fault[nx]);
			nx++;
		} else if (SCN_IS(c, "upload"))
			scenario_upload(ld, c, sv, &sv->upload[nu++]);
		else if (SCN_IS(c, "load"))
			scenario_load_elem(ld, c, &sv->load[nl++]);
	}
	if (sv->nupload != 0 && rh == 0 && rs == 0)
		scenario_err(ld, n, NULL,
		    "<upload> needs http= or https= (uploads are HTTP)");
	if (!sv->real)
		scenario_server_tls(ld, n, sv, rs);
}

/* A check or action on a real server (connect=): it is not ours to see or
 * switch off.  1 (with the error) if so. */
static int
scenario_real_refused(struct scenario_loader *ld, xmlNodePtr n,
    const char *attr, enum scn_host_kind kind, size_t idx)
{
	if (kind == SCN_HOST_DNS && ld->sc->dnss[idx].real) {
		scenario_err(ld, n, attr, "DNS server \"%s\" is a real "
		    "server (connect=): phonefleet neither sees nor controls "
		    "it", ld->sc->dnss[idx].name != NULL ?
		    ld->sc->dnss[idx].name : "");
		return (1);
	}
	if (kind != SCN_HOST_SERVER || !ld->sc->server[idx].real)
		return (0);
	scenario_err(ld, n, attr, "server \"%s\" is a real server "
	    "(connect=): phonefleet neither sees nor controls it",
	    ld->sc->server[idx].name);
	return (1);
}

/* A real DNS server: its address and port; its records are its own. */
static void
scenario_dns_real(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_dns_server *ds)
{
	static const char *attrs[] = { "address", "ttl", "delay", "state" };
	xmlNodePtr	c;
	uint64_t	port;
	size_t		i;

	ds->real = 1;
	ds->port = 53;
	scenario_get_ip(ld, n, "connect", &ds->ip);
	if (scenario_get_uint(ld, n, "port", 1, 65535, &port) == 1)
		ds->port = (uint16_t)port;
	for (i = 0; i < nitems(attrs); i++) {
		if (xmlHasProp(n, BAD_CAST attrs[i]) != NULL)
			scenario_err(ld, n, attrs[i], "%s= is for a simulated "
			    "DNS server; a real one (connect=) has its own",
			    attrs[i]);
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			scenario_err(ld, c, NULL, "a real DNS server "
			    "(connect=) has its own records");
			break;
		}
	}
}

/* What only a simulated server has: a real one serves its own. */
static void
scenario_server_real(struct scenario_loader *ld, xmlNodePtr n)
{
	static const char *attrs[] = { "syslog", "uplink", "state", "cert",
	    "client-cert", "tls", "tls-fault" };
	xmlNodePtr	c;
	size_t		i;

	for (i = 0; i < nitems(attrs); i++) {
		if (xmlHasProp(n, BAD_CAST attrs[i]) != NULL)
			scenario_err(ld, n, attrs[i], "%s= is for a simulated "
			    "server; a real one (connect=) has its own",
			    attrs[i]);
	}
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE) {
			scenario_err(ld, c, NULL, "a real server (connect=) "
			    "serves its own; this is for a simulated one");
			break;
		}
	}
}

/*
 * "30MB", "512KiB", "1000": bytes, with an optional decimal (kB MB GB) or
 * binary (KiB MiB GiB) unit.  0, or -1 if malformed or over 16 GiB.
 */
static int
scenario_size(const char *s, uint64_t *v)
{
	static const struct {
		const char *unit;
		uint64_t mul;
	} units[] = { { "", 1 }, { "B", 1 }, { "kB", 1000 }, { "KB", 1000 },
	    { "KiB", 1024 }, { "MB", 1000000 }, { "MiB", 1048576 },
	    { "GB", 1000000000ULL }, { "GiB", 1073741824ULL } };
	uint64_t n = 0;
	size_t i;

	if (*s < '0' || *s > '9')
		return (-1);
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > 100000000000ULL)
			return (-1);
		n = n * 10 + (*s - '0');
	}
	for (i = 0; i < nitems(units); i++) {
		if (strcmp(s, units[i].unit) == 0)
			break;
	}
	if (i == nitems(units) || n > (16ULL << 30) / units[i].mul)
		return (-1);
	*v = n * units[i].mul;
	return (0);
}

/* <load name= size= [images=] [dir=]>: a generated firmware load (12.3). */
static void
scenario_load_elem(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_load *l)
{
	const char *v, *dot;
	uint64_t u;

	l->line = (int)scenario_line(n);
	l->images = 1;
	if (scenario_need(ld, n, "name") != 0 ||
	    scenario_need(ld, n, "size") != 0)
		return;
	v = scenario_attr(ld, n, "name");
	dot = strchr(v, '.');
	if (strncmp(v, "sip", 3) != 0 || dot == NULL || dot[1] == '\0' ||
	    strpbrk(v, "/ \t") != NULL || strchr(dot + 1, '.') != NULL) {
		scenario_err(ld, n, "name", "a load name is sip<family>."
		    "<version>, e.g. sip88xx.12-0-1MPP0001-100 (no .loads)");
		return;
	}
	l->name = xstrdup(v);
	if (scenario_size(scenario_attr(ld, n, "size"), &u) != 0 || u == 0) {
		scenario_err(ld, n, "size", "a size in bytes (e.g. 30MB, "
		    "512KiB), 1 byte to 16 GiB");
		return;
	}
	l->size = u;
	if (scenario_get_uint(ld, n, "images", 1, STORE_LOAD_IMAGES_MAX,
	    &u) == 1)
		l->images = (int)u;
	if ((uint64_t)l->images > l->size)
		scenario_err(ld, n, "images", "more images than bytes");
	v = scenario_attr(ld, n, "dir");
	if (v == NULL)
		v = "/";
	if (v[0] != '/' || v[strlen(v) - 1] != '/' || strpbrk(v, " \t*?") !=
	    NULL) {
		scenario_err(ld, n, "dir", "a directory path starting and "
		    "ending with '/'");
		return;
	}
	l->dir = xstrdup(v);
}

/* <upload path=>: a glob of paths taking PUT and POST (16.4). */
static void
scenario_upload(struct scenario_loader *ld, xmlNodePtr n, struct scn_server *sv,
    struct scn_upload *u)
{
	const char *path, *p;
	size_t i;

	u->line = (int)scenario_line(n);
	if (scenario_need(ld, n, "path") != 0)
		return;
	path = scenario_attr(ld, n, "path");
	for (p = path; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			break;
	}
	if (path[0] != '/' || *p != '\0') {
		scenario_err(ld, n, "path",
		    "path must start with '/' and have no spaces");
		return;
	}
	for (i = 0; &sv->upload[i] != u; i++) {
		if (sv->upload[i].path != NULL &&
		    strcmp(sv->upload[i].path, path) == 0) {
			scenario_err(ld, n, "path",
			    "upload path already given at line %d",
			    sv->upload[i].line);
			return;
		}
	}
	u->path = xstrdup(path);
}

static void
scenario_file(struct scenario_loader *ld, xmlNodePtr n, struct scn_server *sv,
    struct scn_file *f)
{
	const char *path, *src, *p, *body;
	size_t stars = 0, i;

	f->line = (int)scenario_line(n);
	if (scenario_need(ld, n, "path") != 0)
		return;
	path = scenario_attr(ld, n, "path");
	for (p = path; *p != '\0'; p++) {
		if (*p == '*')
			stars++;
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			break;
	}
	if (path[0] != '/' || *p != '\0') {
		scenario_err(ld, n, "path",
		    "path must start with '/' and have no spaces");
		return;
	}
	if (f->is_template && stars != 1) {
		scenario_err(ld, n, "path",
		    "a template path has exactly one '*'");
		return;
	}
	if (!f->is_template && stars != 0) {
		scenario_err(ld, n, "path",
		    "'*' is for <template>: a <file> is one path");
		return;
	}
	for (i = 0; &sv->file[i] != f; i++) {
		if (sv->file[i].path != NULL &&
		    strcmp(sv->file[i].path, path) == 0) {
			scenario_err(ld, n, "path",
			    "path already served at line %d", sv->file[i].line);
			return;
		}
	}
	f->path = xstrdup(path);
	if ((src = scenario_attr(ld, n, "src")) != NULL) {
		if (scenario_has_text(n)) {
			scenario_err(ld, n, "src",
			    "give src= or content, not both");
			return;
		}
		if (scenario_read_src(ld, n, src, &f->data, &f->len) != 0)
			return;
	} else {
		body = scenario_text(ld, n, 0);
		f->len = strlen(body);
		f->data = xmalloc(f->len + 1);
		memcpy(f->data, body, f->len + 1);
	}
	if (!f->is_template)
		scenario_file_encode(ld, n, f);
}

/*
 * gzip=, key= (md=), ikm= (rs=): a <file> served the way a provisioning
 * server holds it (spec 11): compressed first, then encrypted with
 * AES-256-CBC as openssl enc -k does, or coded with RFC 8188 aes128gcm
 * (and served with Content-Encoding: aes128gcm).  The salt comes from the
 * scenario's seed and the path: one seed, one set of bytes.
 */
static void
scenario_file_encode(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_file *f)
{
	const char *key, *ikmtext, *md;
	uint8_t ikm[DECODE_IKM_MAX], seed[8], salt[EVP_MAX_MD_SIZE];
	uint64_t rs = DECODE_GCM_RS_DEFAULT;
	struct dbuf b;
	EVP_MD_CTX *mc;
	size_t ikmlen = 0, len;
	char *cause = NULL;
	int gz = 0, mdi = DECODE_MD_SHA256, bad = 0, i, rc;

	if (scenario_get_bool(ld, n, "gzip", &gz) < 0)
		bad = 1;
	key = scenario_attr(ld, n, "key");
	ikmtext = scenario_attr(ld, n, "ikm");
	if (key != NULL && ikmtext != NULL) {
		scenario_err(ld, n, "ikm", "give key= or ikm=, not both");
		bad = 1;
	}
	if (key != NULL && *key == '\0') {
		scenario_err(ld, n, "key", "key must not be empty");
		bad = 1;
	}
	if ((md = scenario_attr(ld, n, "md")) != NULL) {
		if (key == NULL) {
			scenario_err(ld, n, "md", "md goes with key=");
			bad = 1;
		} else if (strcmp(md, "md5") == 0)
			mdi = DECODE_MD_MD5;
		else if (strcmp(md, "sha256") != 0) {
			scenario_err(ld, n, "md", "md must be sha256 or md5");
			bad = 1;
		}
	}
	if ((rc = scenario_get_uint(ld, n, "rs", 18, UINT32_MAX, &rs)) < 0)
		bad = 1;
	if (rc == 1 && ikmtext == NULL) {
		scenario_err(ld, n, "rs", "rs goes with ikm=");
		bad = 1;
	}
	if (ikmtext != NULL &&
	    decode_ikm(ikmtext, ikm, sizeof ikm, &ikmlen, &cause) != 0) {
		scenario_err(ld, n, "ikm", "ikm: %s", cause);
		free(cause);
		cause = NULL;
		bad = 1;
	}
	if (bad || (!gz && key == NULL && ikmtext == NULL))
		return;

	dbuf_init(&b);
	if (gz) {
		/* 11.1: gzip (RFC 1952), deterministic: no time, no name. */
		z_stream z;
		uint8_t tmp[16384];

		memset(&z, 0, sizeof z);
		rc = deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY);
		z.next_in = f->data;
		z.avail_in = (uInt)f->len;
		while (rc == Z_OK) {
			z.next_out = tmp;
			z.avail_out = sizeof tmp;
			rc = deflate(&z, Z_FINISH);
			dbuf_add(&b, tmp, sizeof tmp - z.avail_out);
		}
		deflateEnd(&z);
		if (rc != Z_STREAM_END) {
			scenario_err(ld, n, "gzip", "zlib cannot compress it");
			dbuf_clear(&b);
			return;
		}
		free(f->data);
		f->data = dbuf_steal(&b, &f->len);
	}
	if (key == NULL && ikmtext == NULL)
		return;
	/* salt = SHA-256(seed as 8 bytes little-endian || path) */
	for (i = 0; i < 8; i++)
		seed[i] = (uint8_t)(ld->sc->seed >> (8 * i));
	mc = EVP_MD_CTX_new();
	rc = mc != NULL && EVP_DigestInit_ex(mc, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(mc, seed, sizeof seed) == 1 &&
	    EVP_DigestUpdate(mc, f->path, strlen(f->path)) == 1 &&
	    EVP_DigestFinal_ex(mc, salt, NULL) == 1;
	EVP_MD_CTX_free(mc);
	if (!rc) {
		scenario_err(ld, n, NULL, "no SHA-256 for the salt");
		return;
	}
	if (key != NULL)
		rc = decode_cbc_encrypt(f->data, f->len, key, mdi, salt, &b,
		    &cause);
	else {
		rc = decode_gcm_encrypt(f->data, f->len, ikm, ikmlen, salt,
		    (uint32_t)rs, NULL, 0, &b, &cause);
		f->aes128gcm = 1;
	}
	if (rc != 0) {
		scenario_err(ld, n, key != NULL ? "key" : "ikm", "%s", cause);
		free(cause);
		dbuf_clear(&b);
		return;
	}
	free(f->data);
	f->data = dbuf_steal(&b, &len);
	f->len = len;
}

static void
scenario_fault(struct scenario_loader *ld, xmlNodePtr n, struct scn_server *sv,
    struct ep_fault *f)
{
	const char *kind, *v, *p, *e;
	char attr[16];
	uint8_t mac[6];
	uint64_t u;
	size_t i, k, len;
	int b;

	f->count = -1;
	f->active = 1;
	if (scenario_get_name(ld, n, "name", &f->name) == 1) {
		for (i = 0; &sv->fault[i] != f; i++) {
			if (sv->fault[i].name != NULL &&
			    strcmp(sv->fault[i].name, f->name) == 0) {
				scenario_err(ld, n, "name",
				    "server \"%s\" already has a fault \"%s\"",
				    sv->name != NULL ? sv->name : "?", f->name);
				break;
			}
		}
	}
	if (scenario_need(ld, n, "kind") != 0)
		return;
	kind = scenario_attr(ld, n, "kind");
	for (k = 0; k < nitems(scenario_fault_kinds); k++) {
		if (strcmp(scenario_fault_kinds[k].name, kind) == 0)
			break;
	}
	if (k == nitems(scenario_fault_kinds)) {
		scenario_err(ld, n, "kind", "kind must be one of %s",
		    scenario_fault_kind_list);
		return;
	}
	f->kind = scenario_fault_kinds[k].kind;

	/* Attributes of other kinds are mistakes. */
	for (p = scenario_fault_specific; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		e = p + strcspn(p, " ");
		len = (size_t)(e - p);
		memcpy(attr, p, len);
		attr[len] = '\0';
		if (xmlHasProp(n, BAD_CAST attr) == NULL)
			continue;
		v = scenario_fault_kinds[k].attrs;
		while (*v != '\0') {
			if (strncmp(v, attr, len) == 0 &&
			    (v[len] == ' ' || v[len] == '\0'))
				break;
			v += strcspn(v, " ");
			v += strspn(v, " ");
		}
		if (*v == '\0')
			scenario_err(ld, n, attr,
			    "%s= does not apply to kind \"%s\"", attr, kind);
	}
	if (f->kind != EP_FAULT_BODY && f->kind != EP_FAULT_STATUS &&
	    scenario_has_text(n))
		scenario_err(ld, n, "kind",
		    "only kinds \"body\" and \"status\" take content");
	scenario_fault_hdrs(ld, n, f);

	if ((v = scenario_attr(ld, n, "path")) != NULL) {
		if (*v == '\0')
			scenario_err(ld, n, "path", "path is empty");
		else
			f->path = xstrdup(v);
	}
	if ((v = scenario_attr(ld, n, "mac")) != NULL) {
		if (scenario_mac_parse(v, mac) != 0)
			scenario_err(ld, n, "mac", "mac must be 12 hex digits");
		else
			xasprintf(&f->mac, "%02X%02X%02X%02X%02X%02X", mac[0],
			    mac[1], mac[2], mac[3], mac[4], mac[5]);
	}
	if ((v = scenario_attr(ld, n, "count")) != NULL) {
		if (strcmp(v, "-1") == 0)
			f->count = -1;
		else if (parse_uint(v, 1, INT_MAX, &u, NULL) != 0)
			scenario_err(ld, n, "count",
			    "count must be -1 (always) or 1..%d", INT_MAX);
		else
			f->count = (int)u;
	}
	if (scenario_get_bool(ld, n, "active", &b) == 1)
		f->active = b;

	switch (f->kind) {
	case EP_FAULT_STATUS:
		if (scenario_need(ld, n, "status") == 0 &&
		    scenario_get_uint(ld, n, "status", 0, 599, &u) == 1)
			f->status = (int)u;
		/* Its own body, if it has one: else a short page. */
		if (scenario_attr(ld, n, "src") != NULL || scenario_has_text(n))
			scenario_fault_body(ld, n, f);
		break;
	case EP_FAULT_TRICKLE:
		if (scenario_need(ld, n, "rate") == 0 &&
		    scenario_get_uint(ld, n, "rate", 1, UINT32_MAX, &u) == 1)
			f->rate = (uint32_t)u;
		break;
	case EP_FAULT_DELAY:
		if (scenario_need(ld, n, "delay") == 0)
			scenario_get_time(ld, n, "delay", &f->delay);
		break;
	case EP_FAULT_REDIRECT:
		f->status = 302;
		if ((v = scenario_attr(ld, n, "status")) != NULL) {
			if (strcmp(v, "301") != 0 && strcmp(v, "302") != 0 &&
			    strcmp(v, "303") != 0 && strcmp(v, "307") != 0)
				scenario_err(ld, n, "status",
				    "status must be 301, 302, 303 or 307");
			else
				f->status = atoi(v);
		}
		if (scenario_need(ld, n, "location") == 0) {
			v = scenario_attr(ld, n, "location");
			if (*v == '\0')
				scenario_err(ld, n, "location",
				    "location is empty");
			else
				f->location = xstrdup(v);
		}
		break;
	case EP_FAULT_AUTH:
		if (scenario_need(ld, n, "user") == 0)
			f->user = xstrdup(scenario_attr(ld, n, "user"));
		if (scenario_need(ld, n, "pass") == 0)
			f->pass = xstrdup(scenario_attr(ld, n, "pass"));
		if ((v = scenario_attr(ld, n, "realm")) != NULL)
			f->realm = xstrdup(v);
		if (scenario_get_bool(ld, n, "proxy", &b) == 1)
			f->proxy = b;
		if (scenario_get_uint(ld, n, "reject", 0, INT_MAX, &u) == 1)
			f->reject = (int)u;
		break;
	case EP_FAULT_CHUNKED:
		if (scenario_get_bool(ld, n, "http10", &b) == 1)
			f->http10 = b;
		break;
	case EP_FAULT_BODY:
		scenario_fault_body(ld, n, f);
		break;
	default:
		break;
	}
}

/*
 * A fault's body: src=, or its text, byte for byte; with <header>
 * children the text loses its surrounding white space.
 */
static void
scenario_fault_body(struct scenario_loader *ld, xmlNodePtr n,
    struct ep_fault *f)
{
	const char *v, *body;

	if ((v = scenario_attr(ld, n, "src")) != NULL) {
		if (scenario_has_text(n))
			scenario_err(ld, n, "src",
			    "give src= or content, not both");
		else
			scenario_read_src(ld, n, v, &f->body, &f->body_len);
		return;
	}
	body = scenario_text(ld, n, scenario_count(n, "header") != 0);
	f->body_len = strlen(body);
	f->body = xmalloc(f->body_len + 1);
	memcpy(f->body, body, f->body_len + 1);
}

/* <header name="Retry-After" value="120"/>: added to the fault's answer. */
static void
scenario_fault_hdrs(struct scenario_loader *ld, xmlNodePtr n,
    struct ep_fault *f)
{
	xmlNodePtr c;
	const char *name, *value, *p;

	for (c = n->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "header"))
			continue;
		if (f->kind == EP_FAULT_DROP || f->kind == EP_FAULT_RESET) {
			scenario_err(ld, c, NULL,
			    "a fault that does not answer takes no <header>");
			return;
		}
		if (scenario_need(ld, c, "name") != 0 ||
		    scenario_need(ld, c, "value") != 0)
			continue;
		name = scenario_attr(ld, c, "name");
		value = scenario_attr(ld, c, "value");
		/* RFC 9110 5.1, 5.5: a token, and a value on one line. */
		for (p = name; *p != '\0'; p++) {
			if (!isalnum((unsigned char)*p) &&
			    strchr("!#$%&'*+-.^_`|~", *p) == NULL)
				break;
		}
		if (*name == '\0' || *p != '\0') {
			scenario_err(ld, c, "name",
			    "name is not an HTTP header name");
			continue;
		}
		for (p = value; *p != '\0'; p++) {
			if ((unsigned char)*p < ' ' && *p != '\t')
				break;
		}
		if (*p != '\0' || *value == '\0' || strlen(value) > 1024) {
			scenario_err(ld, c, "value",
			    "value must be 1..1024 characters on one line");
			continue;
		}
		if (pf_strcasecmp_ascii(name, "Content-Length") == 0 ||
		    pf_strcasecmp_ascii(name, "Transfer-Encoding") == 0 ||
		    pf_strcasecmp_ascii(name, "Connection") == 0) {
			scenario_err(ld, c, "name",
			    "%s is the server's: set framing with the fault's "
			    "kind", name);
			continue;
		}
		if (f->nhdr == EP_FAULT_HDRS) {
			scenario_err(ld, c, NULL,
			    "at most %d <header> per fault", EP_FAULT_HDRS);
			return;
		}
		xasprintf(&f->hdr[f->nhdr++], "%s: %s", name, value);
	}
}

/* state="up" or "down": 1 and *down set, 0 absent, -1 bad (reported). */
static int
scenario_state(struct scenario_loader *ld, xmlNodePtr n, int *down)
{
	const char *v;

	if ((v = scenario_attr(ld, n, "state")) == NULL)
		return (0);
	if (strcmp(v, "up") == 0)
		*down = 0;
	else if (strcmp(v, "down") == 0)
		*down = 1;
	else {
		scenario_err(ld, n, "state", "state must be up or down");
		return (-1);
	}
	return (1);
}

/* A DNS name attribute, without its trailing dot; NULL if bad. */
static char *
scenario_dns_attr(struct scenario_loader *ld, xmlNodePtr n, const char *attr)
{
	const char *v;

	if (scenario_need(ld, n, attr) != 0)
		return (NULL);
	v = scenario_attr(ld, n, attr);
	if (!scenario_dns_name_ok(v)) {
		scenario_err(ld, n, attr, "%s is not a DNS name", attr);
		return (NULL);
	}
	return (xstrndup(v, strlen(v) - (v[strlen(v) - 1] == '.')));
}

/* A TTL: a time in whole seconds, at most SCN_DNS_TTL_MAX. */
static int
scenario_ttl(struct scenario_loader *ld, xmlNodePtr n, uint32_t *ttl_s)
{
	emu_time t;
	int rc;

	if ((rc = scenario_get_time(ld, n, "ttl", &t)) != 1)
		return (rc);
	if (t % EMU_SEC(1) != 0 || t / EMU_SEC(1) > SCN_DNS_TTL_MAX) {
		scenario_err(ld, n, "ttl",
		    "ttl must be whole seconds, at most %u (68 years)",
		    SCN_DNS_TTL_MAX);
		return (-1);
	}
	*ttl_s = (uint32_t)(t / EMU_SEC(1));
	return (1);
}

void
scenario_dns(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_dns_server *ds)
{
	xmlNodePtr c;
	uint32_t ttl = SCN_DEF_DNS_TTL_S;
	size_t i, j;

	ds->line = (int)scenario_line(n);
	scenario_get_name(ld, n, "name", &ds->name);
	if (xmlHasProp(n, BAD_CAST "connect") != NULL) {
		scenario_dns_real(ld, n, ds);
		return;
	}
	if (xmlHasProp(n, BAD_CAST "port") != NULL)
		scenario_err(ld, n, "port", "port= is for a real DNS server "
		    "(connect=); a simulated one answers on 53");
	if (scenario_need(ld, n, "address") == 0)
		scenario_get_ip(ld, n, "address", &ds->ip);
	scenario_ttl(ld, n, &ttl);
	scenario_get_time(ld, n, "delay", &ds->delay);
	scenario_state(ld, n, &ds->down);
	ds->rec = xcalloc(scenario_count(n, "a") + scenario_count(n, "srv") +
	    scenario_count(n, "cname"), sizeof *ds->rec);
	for (c = n->children; c != NULL; c = c->next) {
		if (SCN_IS(c, "a") || SCN_IS(c, "srv") || SCN_IS(c, "cname"))
			scenario_dns_rec(ld, c, ds, &ds->rec[ds->nrec++], ttl);
	}
	/* RFC 1034 3.6.2: an alias has no other data. */
	for (i = 0; i < ds->nrec; i++) {
		if (ds->rec[i].name == NULL)
			continue;
		for (j = 0; j < i; j++) {
			if (ds->rec[j].name == NULL ||
			    pf_strcasecmp_ascii(ds->rec[i].name,
				ds->rec[j].name) != 0 ||
			    (ds->rec[i].type != DNS_T_CNAME &&
				ds->rec[j].type != DNS_T_CNAME))
				continue;
			scenario_msgf(ld, ds->rec[i].line,
			    "<%s name=\"%s\">: %s already has %s at line %d; "
			    "a CNAME is a name's only record",
			    ds->rec[i].type == DNS_T_CNAME ? "cname" :
			    ds->rec[i].type == DNS_T_SRV ? "srv" : "a",
			    ds->rec[i].name, ds->rec[i].name,
			    ds->rec[j].type == DNS_T_CNAME ? "a CNAME" :
			    "a record", ds->rec[j].line);
			break;
		}
	}
}

static void
scenario_dns_rec(struct scenario_loader *ld, xmlNodePtr c,
    struct scn_dns_server *ds, struct scn_dns_rec *r, uint32_t ttl)
{
	uint64_t u;

	(void)ds;
	r->line = (int)scenario_line(c);
	r->ttl_s = ttl;
	scenario_ttl(ld, c, &r->ttl_s);
	r->name = scenario_dns_attr(ld, c, "name");
	if (SCN_IS(c, "a")) {
		r->type = DNS_T_A;
		if (scenario_need(ld, c, "address") == 0)
			scenario_get_ip(ld, c, "address", &r->a);
		return;
	}
	if (SCN_IS(c, "cname")) {
		r->type = DNS_T_CNAME;
		r->target = scenario_dns_attr(ld, c, "target");
		if (r->name != NULL && r->target != NULL &&
		    pf_strcasecmp_ascii(r->name, r->target) == 0)
			scenario_err(ld, c, "target",
			    "a name cannot be an alias of itself");
		return;
	}
	r->type = DNS_T_SRV;
	if (scenario_get_uint(ld, c, "priority", 0, 65535, &u) == 1)
		r->prio = (uint16_t)u;
	if (scenario_get_uint(ld, c, "weight", 0, 65535, &u) == 1)
		r->weight = (uint16_t)u;
	if (scenario_need(ld, c, "port") == 0 &&
	    scenario_get_uint(ld, c, "port", 0, 65535, &u) == 1)
		r->port = (uint16_t)u;
	r->target = scenario_dns_attr(ld, c, "target");
}

/* Hosts by name: the kinds a timeline <server> can take down and up. */
int
scenario_host_find(const struct scenario *sc, const char *name,
    enum scn_host_kind *kind, size_t *idx)
{
	size_t i;

	for (i = 0; i < sc->nserver; i++) {
		if (sc->server[i].name != NULL &&
		    strcmp(sc->server[i].name, name) == 0) {
			*kind = SCN_HOST_SERVER;
			*idx = i;
			return (0);
		}
	}
	for (i = 0; i < sc->ndnss; i++) {
		if (sc->dnss[i].name != NULL &&
		    strcmp(sc->dnss[i].name, name) == 0) {
			*kind = SCN_HOST_DNS;
			*idx = i;
			return (0);
		}
	}
	for (i = 0; i < SCN_CLOUD__COUNT; i++) {
		if (sc->cloud[i].present && sc->cloud[i].name != NULL &&
		    strcmp(sc->cloud[i].name, name) == 0) {
			*kind = i == SCN_CLOUD_EDOS ? SCN_HOST_EDOS :
			    SCN_HOST_GDS;
			*idx = 0;
			return (0);
		}
	}
	for (i = 0; i < sc->nproxy; i++) {
		if (sc->proxy[i].name != NULL &&
		    strcmp(sc->proxy[i].name, name) == 0) {
			*kind = SCN_HOST_PROXY;
			*idx = i;
			return (0);
		}
	}
	return (-1);
}

void
scenario_group(struct scenario_loader *ld, xmlNodePtr n, struct scn_group *g)
{
	struct scenario *sc = ld->sc;
	struct scn_param *pa;
	xmlNodePtr c;
	const char *v, *mac, *macs, *name;
	char *copy, *tok, *save;
	uint64_t u, first;
	size_t i, j, k;
	int b;

	g->line = (int)scenario_line(n);
	if (scenario_need(ld, n, "name") == 0)
		scenario_get_name(ld, n, "name", &g->name);
	mac = scenario_attr(ld, n, "mac");
	macs = scenario_attr(ld, n, "macs");
	if (xmlHasProp(n, BAD_CAST "csv") != NULL) {
		/* Identities from a file (scenario-csv.c). */
		if (mac != NULL || macs != NULL)
			scenario_err(ld, n, "csv", "csv= gives the MACs: not "
			    "with mac= or macs=");
		else
			scenario_group_csv(ld, n, g);
	} else if (xmlHasProp(n, BAD_CAST "order") != NULL)
		scenario_err(ld, n, "order", "order= goes with csv=");
	else if (mac != NULL && macs != NULL)
		scenario_err(ld, n, "macs",
		    "give mac= (and count=) or macs=, not both");
	else if (mac == NULL && macs == NULL)
		scenario_err(ld, n, NULL,
		    "mac= (and count=) or macs= is required");
	else if (mac != NULL) {
		g->count = 1;
		if (scenario_get_uint(ld, n, "count", 1, SCN_PHONES_MAX, &u) ==
		    1)
			g->count = (uint32_t)u;
		if (scenario_mac_parse(mac, g->mac) != 0) {
			scenario_err(ld, n, "mac", "mac must be 12 hex digits");
			g->count = 0;
		} else {
			first = scenario_mac_u64(g->mac);
			if (first + g->count - 1 > SCN_MAC_MAX)
				scenario_err(ld, n, "count",
				    "%u MACs from %012llX go past FFFFFFFFFFFF",
				    g->count, (unsigned long long)first);
			else if (g->mac[0] & 1)
				scenario_err(ld, n, "mac",
				    "mac is a multicast address");
		}
	} else {
		if (xmlHasProp(n, BAD_CAST "count") != NULL)
			scenario_err(ld, n, "count",
			    "count= goes with mac=; macs= gives its own count");
		copy = xstrdup(macs);
		for (tok = strtok_r(copy, " \t\r\n,", &save), k = 0;
		     tok != NULL; tok = strtok_r(NULL, " \t\r\n,", &save))
			k++;
		free(copy);
		if (k == 0 || k > SCN_PHONES_MAX)
			scenario_err(ld, n, "macs", "macs must list 1..%d MACs",
			    SCN_PHONES_MAX);
		else {
			g->macs = xcalloc(k, sizeof *g->macs);
			copy = xstrdup(macs);
			for (tok = strtok_r(copy, " \t\r\n,", &save);
			     tok != NULL;
			     tok = strtok_r(NULL, " \t\r\n,", &save)) {
				if (scenario_mac_parse(tok,
					g->macs[g->count]) != 0) {
					scenario_err(ld, n, "macs",
					    "\"%s\" is not "
					    "a MAC (12 hex digits)",
					    scenario_q(ld, tok));
					continue;
				}
				if (g->macs[g->count][0] & 1)
					scenario_err(ld, n, "macs",
					    "%s is a multicast address",
					    scenario_q(ld, tok));
				g->count++;
			}
			free(copy);
			memcpy(g->mac, g->macs[0], sizeof g->mac);
		}
	}

	g->model = scenario_attr_dup(ld, n, "model", SCN_DEF_MODEL);
	g->firmware = scenario_attr_dup(ld, n, "firmware", SCN_DEF_FIRMWARE);
	g->firmware_inactive =
	    scenario_attr_dup(ld, n, "firmware-inactive", NULL);
	g->serial_prefix =
	    scenario_attr_dup(ld, n, "serial-prefix", SCN_DEF_SERIAL);
	g->hwver = scenario_attr_dup(ld, n, "hwver", SCN_DEF_HWVER);
	if (*g->model == '\0')
		scenario_err(ld, n, "model", "model is empty");
	if (*g->firmware == '\0')
		scenario_err(ld, n, "firmware", "firmware is empty");
	if (scenario_get_bool(ld, n, "cert", &b) == 1)
		g->no_cert = !b;
	/* 2.2: phones of one key group share a MIC key pair. */
	if ((v = scenario_attr(ld, n, "key-group")) != NULL &&
	    strcmp(v, "own") == 0)
		g->key_group = -1;
	else if (v != NULL && parse_uint(v, 0, SCN_KEY_GROUP_MAX, &u,
	    NULL) != 0)
		scenario_err(ld, n, "key-group", "key-group must be "
		    "0..%d or own", SCN_KEY_GROUP_MAX);
	else if (v != NULL)
		g->key_group = (int)u;

	if ((v = scenario_attr(ld, n, "site")) != NULL) {
		g->site = xstrdup(v);
		for (i = 0; i < sc->nsite; i++) {
			if (sc->site[i].name != NULL &&
			    strcmp(sc->site[i].name, v) == 0)
				break;
		}
		if (i == sc->nsite)
			scenario_err(ld, n, "site", "no site \"%s\"",
			    scenario_q(ld, v));
		g->site_idx = i;
	} else if (sc->nsite == 1) {
		if (sc->site[0].name != NULL)
			g->site = xstrdup(sc->site[0].name);
		g->site_idx = 0;
	} else if (sc->nsite > 1)
		scenario_err(ld, n, NULL,
		    "site= is required when there are %zu sites", sc->nsite);

	g->power_on_given = xmlHasProp(n, BAD_CAST "power-on") != NULL;
	g->arrival = SCN_ARRIVAL_NONE;
	if ((v = scenario_attr(ld, n, "power-on")) != NULL &&
	    strcmp(v, "never") == 0)
		g->power_on = EMU_TIME_NEVER;
	else if (v != NULL && scenario_time_value(v, &g->power_on) == -1)
		scenario_err(ld, n, "power-on",
		    "power-on must be a time (e.g. 0s, 5m) or never");
	else if (v != NULL)
		scenario_time_check(ld, n, "power-on", v, &g->power_on);
	if (scenario_get_time(ld, n, "spread", &g->spread) == 1 &&
	    g->power_on == EMU_TIME_NEVER)
		scenario_err(ld, n, "spread",
		    "spread= goes with a power-on time, not never");

	g->nparam = scenario_count(n, "param");
	g->param = xcalloc(g->nparam, sizeof *g->param);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (!SCN_IS(c, "param"))
			continue;
		pa = &g->param[i++];
		pa->line = (int)scenario_line(c);
		if (scenario_need(ld, c, "name") != 0)
			continue;
		name = scenario_attr(ld, c, "name");
		if (scenario_param_known(ld, c, "name", name) != 0)
			continue;
		for (j = 0; j + 1 < i; j++) {
			if (g->param[j].name != NULL &&
			    strcmp(g->param[j].name, name) == 0) {
				scenario_err(ld, c, "name",
				    "%s is already set at line %d",
				    scenario_q(ld, name), g->param[j].line);
				break;
			}
		}
		pa->name = xstrdup(name);
		pa->value = xstrdup(scenario_text(ld, c, 1));
	}
}

void
scenario_timeline(struct scenario_loader *ld, xmlNodePtr n)
{
	struct scenario *sc = ld->sc;
	xmlNodePtr c, a;
	size_t nact = 0;

	for (c = n->children; c != NULL; c = c->next) {
		if (!SCN_IS(c, "at"))
			continue;
		for (a = c->children; a != NULL; a = a->next) {
			if (a->type == XML_ELEMENT_NODE)
				nact++;
		}
	}
	sc->action = xcalloc(nact, sizeof *sc->action);
	sc->expect = xcalloc(scenario_count(n, "expect"), sizeof *sc->expect);
	for (c = n->children; c != NULL; c = c->next) {
		if (SCN_IS(c, "at"))
			scenario_at(ld, c);
		else if (SCN_IS(c, "expect"))
			scenario_expect(ld, c);
	}
}

/* phones= of an action or expectation. */
static int
scenario_sel_attr(struct scenario_loader *ld, xmlNodePtr n, struct scn_sel *sel)
{
	const char *v;
	char *cause;

	if ((v = scenario_attr(ld, n, "phones")) == NULL)
		return (0);
	if (scenario_sel_resolve(ld->sc, v, sel, &cause) != 0) {
		scenario_err(ld, n, "phones", "%s", cause);
		free(cause);
		return (-1);
	}
	return (1);
}

static void
scenario_at(struct scenario_loader *ld, xmlNodePtr n)
{
	static const struct {
		const char *name;
		enum scn_act_type type;
	} acts[] = {
		{ "power-on", SCN_ACT_POWER_ON },
		{ "power-off", SCN_ACT_POWER_OFF },
		{ "reboot", SCN_ACT_REBOOT },
		{ "factory-reset", SCN_ACT_FACTORY_RESET },
		{ "set", SCN_ACT_SET },
		{ "keys", SCN_ACT_KEYS },
		{ "resync", SCN_ACT_RESYNC },
		{ "fault", SCN_ACT_FAULT },
		{ "server", SCN_ACT_HOST },
		{ "dhcp", SCN_ACT_DHCP },
		{ "activate", SCN_ACT_ACTIVATE },
		{ "call", SCN_ACT_CALL },
		{ "notify", SCN_ACT_NOTIFY },
	};
	struct scenario *sc = ld->sc;
	struct scn_action *a;
	struct scn_server *sv;
	xmlNodePtr c;
	const char *v, *p;
	char *kerr = NULL;
	emu_time at = 0;
	size_t i;
	int k, kk;
	int down;

	if (scenario_need(ld, n, "t") == 0 &&
	    scenario_get_time(ld, n, "t", &at) == 1 && ld->has_duration &&
	    at > sc->duration)
		scenario_err(ld, n, "t", "t is after the scenario's duration");
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (i = 0; i < nitems(acts); i++) {
			if (SCN_IS(c, acts[i].name))
				break;
		}
		if (i == nitems(acts))
			continue;
		a = &sc->action[sc->naction++];
		a->type = acts[i].type;
		a->line = (int)scenario_line(c);
		a->at = at;
		if (a->type == SCN_ACT_HOST) {
			if (scenario_need(ld, c, "state") == 0 &&
			    scenario_state(ld, c, &down) == 1)
				a->on = !down;
			if (scenario_need(ld, c, "name") != 0)
				continue;
			v = scenario_attr(ld, c, "name");
			a->server = xstrdup(v);
			if (scenario_host_find(sc, v, &a->host_kind,
			    &a->server_idx) != 0)
				scenario_err(ld, c, "name",
				    "no server, DNS server or proxy \"%s\"",
				    scenario_q(ld, v));
			else
				(void)scenario_real_refused(ld, c, "name",
				    a->host_kind, a->server_idx);
			continue;
		}
		if (a->type == SCN_ACT_DHCP) {
			scenario_dhcp_action(ld, c, a);
			continue;
		}
		if (a->type == SCN_ACT_FAULT) {
			if (scenario_need(ld, c, "state") == 0) {
				v = scenario_attr(ld, c, "state");
				if (strcmp(v, "on") == 0)
					a->on = 1;
				else if (strcmp(v, "off") != 0)
					scenario_err(ld, c, "state",
					    "state must be on or off");
			}
			if (scenario_need(ld, c, "server") != 0)
				continue;
			v = scenario_attr(ld, c, "server");
			a->server = xstrdup(v);
			for (i = 0; i < sc->nserver; i++) {
				if (sc->server[i].name != NULL &&
				    strcmp(sc->server[i].name, v) == 0)
					break;
			}
			if (i == sc->nserver) {
				scenario_err(ld, c, "server",
				    "no server \"%s\"", scenario_q(ld, v));
				continue;
			}
			a->server_idx = i;
			sv = &sc->server[i];
			if (scenario_need(ld, c, "name") != 0)
				continue;
			v = scenario_attr(ld, c, "name");
			a->name = xstrdup(v);
			for (i = 0; i < sv->nfault; i++) {
				if (sv->fault[i].name != NULL &&
				    strcmp(sv->fault[i].name, v) == 0)
					break;
			}
			if (i == sv->nfault)
				scenario_err(ld, c, "name",
				    "server \"%s\" has no fault \"%s\"",
				    sv->name, scenario_q(ld, v));
			continue;
		}
		if (scenario_need(ld, c, "phones") == 0)
			scenario_sel_attr(ld, c, &a->sel);
		switch (a->type) {
		case SCN_ACT_SET:
			if (scenario_need(ld, c, "param") == 0) {
				v = scenario_attr(ld, c, "param");
				if (scenario_param_known(ld, c, "param", v) ==
				    0)
					a->name = xstrdup(v);
			}
			if (scenario_need(ld, c, "value") == 0)
				a->value =
				    xstrdup(scenario_attr(ld, c, "value"));
			break;
		case SCN_ACT_KEYS:
			/* 0-9 * # and {named} keys (docs/lcd.md). */
			v = scenario_text(ld, c, 1);
			p = v;
			while ((k = lcd_keys_next(&p, &kk, &kerr)) == 1)
				;
			if (*v == '\0')
				scenario_err(ld, c, NULL, "no keys given");
			else if (k != 0 && *p == '{')
				scenario_err(ld, c, NULL, "%s", kerr);
			else if (k != 0)
				scenario_err(ld, c, NULL,
				    "keys are 0-9, * and #, not \"%s\"",
				    scenario_q(ld, v));
			else
				a->value = xstrdup(v);
			free(kerr);
			kerr = NULL;
			break;
		case SCN_ACT_ACTIVATE:
			if (scenario_need(ld, c, "code") != 0)
				break;
			v = scenario_attr(ld, c, "code");
			if (!scenario_code_ok(v))
				scenario_err(ld, c, "code",
				    "code must be digits, perhaps after '#' "
				    "(at most 64 characters)");
			else
				a->value = xstrdup(v);
			break;
		case SCN_ACT_CALL:
			/* 3.6: busy from t for duration (B87). */
			if (scenario_need(ld, c, "duration") == 0 &&
			    scenario_get_time(ld, c, "duration",
			    &a->duration) == 1 && a->duration == 0)
				scenario_err(ld, c, "duration",
				    "duration must be above 0");
			break;
		case SCN_ACT_NOTIFY:
			scenario_notify(ld, c, a);
			break;
		case SCN_ACT_RESYNC:
			if ((v = scenario_attr(ld, c, "rule")) != NULL) {
				if (*v == '\0')
					scenario_err(ld, c, "rule",
					    "rule is empty "
					    "(leave it out for the phone's "
					    "own rules)");
				else
					a->value = xstrdup(v);
			}
			break;
		default:
			break;
		}
	}
}

/*
 * <notify phones= event= from= user= password=>: a SIP NOTIFY (16.3,
 * B110) from the host called from= (any host of the scenario: it plays
 * the soft switch on its address, port 5060).
 */
static void
scenario_notify(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_action *a)
{
	static const char *const events[] = { "resync", "reboot_now",
	    "restart_now", "report" };
	const char *v;
	size_t i;

	if (scenario_need(ld, n, "event") == 0) {
		v = scenario_attr(ld, n, "event");
		for (i = 0; i < nitems(events); i++) {
			if (strcmp(events[i], v) == 0)
				break;
		}
		if (i == nitems(events))
			scenario_err(ld, n, "event", "event must be resync, "
			    "reboot_now, restart_now or report");
		else
			a->value = xstrdup(v);
	}
	if (scenario_need(ld, n, "from") == 0) {
		v = scenario_attr(ld, n, "from");
		a->server = xstrdup(v);
		if (scenario_host_find(ld->sc, v, &a->host_kind,
		    &a->server_idx) != 0)
			scenario_err(ld, n, "from",
			    "no server, DNS server or proxy \"%s\"",
			    scenario_q(ld, v));
	}
	if ((v = scenario_attr(ld, n, "user")) != NULL)
		a->user = xstrdup(v);
	if ((v = scenario_attr(ld, n, "password")) != NULL) {
		if (a->user == NULL)
			scenario_err(ld, n, "password",
			    "password= without user=");
		a->pass = xstrdup(v);
	}
}

/*
 * <dhcp site="x" state= domain=> with <dns> and <option> children: a
 * change to a site's DHCP server.  What is not given stays; phones see it
 * when they next ask (a reboot, a renewal).
 */
static void
scenario_dhcp_action(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_action *a)
{
	struct scenario *sc = ld->sc;
	const char *v;
	size_t i;
	int down;

	a->on = -1;
	a->ndns = -1;
	if (scenario_state(ld, n, &down) == 1)
		a->on = !down;
	if (scenario_need(ld, n, "site") == 0) {
		v = scenario_attr(ld, n, "site");
		for (i = 0; i < sc->nsite; i++) {
			if (sc->site[i].name != NULL &&
			    strcmp(sc->site[i].name, v) == 0)
				break;
		}
		if (i == sc->nsite)
			scenario_err(ld, n, "site", "no site \"%s\"",
			    scenario_q(ld, v));
		else if (!sc->site[i].has_dhcp)
			scenario_err(ld, n, "site",
			    "site \"%s\" has no <dhcp>", scenario_q(ld, v));
		else if (sc->site[i].dhcp_real)
			scenario_err(ld, n, "site", "the DHCP of site \"%s\" "
			    "is a real server (connect=): phonefleet does not "
			    "control it", scenario_q(ld, v));
		a->server_idx = i;
	}
	if ((v = scenario_attr(ld, n, "domain")) != NULL) {
		if (*v != '\0' && !scenario_dns_name_ok(v))
			scenario_err(ld, n, "domain",
			    "domain is not a DNS name (\"\" removes it)");
		else
			a->value = xstrdup(v);
	}
	if (scenario_count(n, "dns") != 0)
		a->ndns = 0;
	scenario_dhcp_lists(ld, n, a->dns, &a->ndns, &a->opt, &a->nopt, 1);
	if (a->on == -1 && a->value == NULL && a->ndns == -1 && a->nopt == 0)
		scenario_err(ld, n, NULL,
		    "nothing to change: give state=, domain=, <dns> or "
		    "<option>");
}

static void
scenario_expect(struct scenario_loader *ld, xmlNodePtr n)
{
	struct scenario *sc = ld->sc;
	struct scn_expect *ex;
	xmlNodePtr c;
	const char *v;
	size_t k = 0, nserver;

	ex = &sc->expect[sc->nexpect++];
	ex->line = (int)scenario_line(n);
	nserver = 0;
	if (scenario_need(ld, n, "t") == 0 &&
	    scenario_get_time(ld, n, "t", &ex->at) == 1 && ld->has_duration &&
	    ex->at > sc->duration)
		scenario_err(ld, n, "t", "t is after the scenario's duration");
	if ((v = scenario_attr(ld, n, "name")) != NULL) {
		if (*v == '\0')
			scenario_err(ld, n, "name", "name is empty");
		ex->name = xstrdup(v);
	} else
		xasprintf(&ex->name, "expect@%d", ex->line);
	ex->has_sel = scenario_sel_attr(ld, n, &ex->sel) == 1;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		k++;
		/* <syslog> without phones= counts every line. */
		if (SCN_IS(c, "server") || SCN_IS(c, "request") ||
		    SCN_IS(c, "syslog") || SCN_IS(c, "uploads") ||
		    SCN_IS(c, "rate") || SCN_IS(c, "latency") ||
		    SCN_IS(c, "errors"))
			nserver++;
		scenario_check(ld, c, ex);
	}
	if (k == 0)
		scenario_err(ld, n, NULL, "nothing to check");
	else if (k != nserver && xmlHasProp(n, BAD_CAST "phones") == NULL)
		scenario_err(ld, n, NULL,
		    "phones= is required: it checks phones");
}

static struct scn_check *
scenario_check_add(struct scn_expect *ex, xmlNodePtr n,
    enum scn_check_type type)
{
	struct scn_check *ck;

	ex->check = xreallocarray(ex->check, ex->ncheck + 1, sizeof *ex->check);
	ck = &ex->check[ex->ncheck++];
	memset(ck, 0, sizeof *ck);
	ck->type = type;
	ck->line = (int)scenario_line(n);
	return (ck);
}

/*
 * is=N, or min= and/or max=, into [min, max]: 1 given, 0 if neither is
 * given, -1 if bad (reported).
 */
static int
scenario_range(struct scenario_loader *ld, xmlNodePtr n, const char *is,
    const char *lo, const char *hi, uint64_t *min, uint64_t *max)
{
	int r1 = 0, r2 = 0, r3 = 0;

	*min = 0;
	*max = UINT64_MAX;
	if (xmlHasProp(n, BAD_CAST is) != NULL &&
	    (xmlHasProp(n, BAD_CAST lo) != NULL ||
		xmlHasProp(n, BAD_CAST hi) != NULL)) {
		scenario_err(ld, n, is, "give %s= or %s=/%s=, not both", is, lo,
		    hi);
		return (-1);
	}
	if ((r1 = scenario_get_uint(ld, n, is, 0, UINT64_MAX, min)) == 1)
		*max = *min;
	r2 = scenario_get_uint(ld, n, lo, 0, UINT64_MAX, min);
	r3 = scenario_get_uint(ld, n, hi, 0, UINT64_MAX, max);
	if (r1 == -1 || r2 == -1 || r3 == -1)
		return (-1);
	if (r1 == 0 && r2 == 0 && r3 == 0)
		return (0);
	if (*min > *max) {
		scenario_err(ld, n, lo, "%s is above %s", lo, hi);
		return (-1);
	}
	return (1);
}

static void
scenario_check(struct scenario_loader *ld, xmlNodePtr n, struct scn_expect *ex)
{
	struct scenario *sc = ld->sc;
	struct scn_check *ck;
	const char *v;
	emu_time tin = 0, tol = 0, tmin = 0, tmax = EMU_TIME_NEVER;
	enum scn_host_kind kind;
	uint64_t u;
	size_t i;
	int st, none = 0, rin, rtol, rmin, rmax, rnone;

	if (SCN_IS(n, "state") || SCN_IS(n, "customization")) {
		if (scenario_need(ld, n, "is") != 0)
			return;
		v = scenario_attr(ld, n, "is");
		if (SCN_IS(n, "state")) {
			if ((st = prov_state_parse(v)) == -1) {
				scenario_err(ld, n, "is",
				    "unknown state (off, boot, "
				    "network, boot-delay, discovery, resync, "
				    "upgrade-check, upgrading, operational, "
				    "rebooting, activation, factory-reset)");
				return;
			}
			ck = scenario_check_add(ex, n, SCN_CHK_STATE);
			ck->value = xstrdup(prov_state_name(st));
		} else {
			if ((st = cust_state_parse(v)) == -1) {
				scenario_err(ld, n, "is",
				    "unknown customization state "
				    "(Open, Aborted, Pending, Custom Pending, "
				    "Acquired, Unavailable)");
				return;
			}
			ck = scenario_check_add(ex, n, SCN_CHK_CUSTOMIZATION);
			ck->value = xstrdup(cust_state_name(st));
		}
	} else if (SCN_IS(n, "param")) {
		if (scenario_need(ld, n, "name") != 0 ||
		    scenario_need(ld, n, "is") != 0)
			return;
		v = scenario_attr(ld, n, "name");
		if (scenario_param_known(ld, n, "name", v) != 0)
			return;
		ck = scenario_check_add(ex, n, SCN_CHK_PARAM);
		ck->name = xstrdup(v);
		ck->value = xstrdup(scenario_attr(ld, n, "is"));
	} else if (SCN_IS(n, "firmware")) {
		/* 12: the running load, and the inactive partition's. */
		if (scenario_attr(ld, n, "is") == NULL &&
		    scenario_attr(ld, n, "inactive") == NULL) {
			scenario_err(ld, n, NULL, "needs is= or inactive=");
			return;
		}
		ck = scenario_check_add(ex, n, SCN_CHK_FIRMWARE);
		ck->value = scenario_attr_dup(ld, n, "is", NULL);
		ck->name = scenario_attr_dup(ld, n, "inactive", NULL);
	} else if (SCN_IS(n, "counter")) {
		if (scenario_need(ld, n, "name") != 0)
			return;
		v = scenario_attr(ld, n, "name");
		for (i = 0; i < nitems(scenario_counters); i++) {
			if (strcmp(scenario_counters[i], v) == 0)
				break;
		}
		if (i == nitems(scenario_counters)) {
			scenario_err(ld, n, "name",
			    "unknown counter (boots, "
			    "dhcp-acks, resyncs, resync-ok, resync-fail, "
			    "fetches, requests, reboots, edos-queries, "
			    "short-codes, gds-requests, ca-fetches, tls-full, "
			    "tls-resumed, upgrades, upgrade-ok, upgrade-fail, "
			    "image-fetches)");
			return;
		}
		ck = scenario_check_add(ex, n, SCN_CHK_COUNTER);
		ck->name = xstrdup(v);
		if (scenario_range(ld, n, "is", "min", "max", &ck->min,
			&ck->max) == 0)
			scenario_err(ld, n, NULL, "needs is= or min=/max=");
	} else if (SCN_IS(n, "last-resync")) {
		if (xmlHasProp(n, BAD_CAST "class") == NULL &&
		    xmlHasProp(n, BAD_CAST "err") == NULL &&
		    xmlHasProp(n, BAD_CAST "cause") == NULL &&
		    xmlHasProp(n, BAD_CAST "status") == NULL &&
		    xmlHasProp(n, BAD_CAST "url") == NULL) {
			scenario_err(ld, n, NULL,
			    "needs class=, err=, cause=, status= or url=");
			return;
		}
		if ((v = scenario_attr(ld, n, "cause")) != NULL) {
			if (emu_err_parse_cause(v) == -1)
				scenario_err(ld, n, "cause",
				    "unknown cause (\"ok\", \"tls-expired\", "
				    "\"tls-name\", ...: docs/scenario.md)");
			else
				scenario_check_add(ex, n, SCN_CHK_LAST_CAUSE)
				    ->value = xstrdup(v);
		}
		if ((v = scenario_attr(ld, n, "class")) != NULL) {
			if (strcmp(v, "A") != 0 && strcmp(v, "B") != 0 &&
			    strcmp(v, "C") != 0)
				scenario_err(ld, n, "class",
				    "class must be A, B or C");
			else
				scenario_check_add(ex, n, SCN_CHK_LAST_CLASS)
				    ->value = xstrdup(v);
		}
		if ((v = scenario_attr(ld, n, "err")) != NULL) {
			for (i = 0; i < EMU_E__COUNT; i++) {
				if (pf_strcasecmp_ascii(emu_err_name(i), v) ==
				    0)
					break;
			}
			if (i == EMU_E__COUNT)
				scenario_err(ld, n, "err",
				    "unknown error text (\"\" "
				    "for none, \"file not found\", \"timeout\", "
				    "...: docs/scenario.md)");
			else
				scenario_check_add(ex, n, SCN_CHK_LAST_ERR)
				    ->value = xstrdup(emu_err_name(i));
		}
		if (scenario_get_uint(ld, n, "status", 0, 999, &u) == 1) {
			ck = scenario_check_add(ex, n, SCN_CHK_LAST_STATUS);
			xasprintf(&ck->value, "%llu", (unsigned long long)u);
			ck->min = ck->max = u;
		}
		if ((v = scenario_attr(ld, n, "url")) != NULL)
			scenario_check_add(ex, n, SCN_CHK_LAST_URL)->value =
			    xstrdup(v);
	} else if (SCN_IS(n, "next-resync")) {
		rin = scenario_get_time(ld, n, "in", &tin);
		rtol = scenario_get_time(ld, n, "tolerance", &tol);
		rmin = scenario_get_time(ld, n, "min", &tmin);
		rmax = scenario_get_time(ld, n, "max", &tmax);
		rnone = scenario_get_bool(ld, n, "none", &none);
		if (rin == -1 || rtol == -1 || rmin == -1 || rmax == -1 ||
		    rnone == -1)
			return;
		if (rnone == 1 && none && (rin || rtol || rmin || rmax)) {
			scenario_err(ld, n, "none",
			    "none=\"yes\" takes no other attribute");
			return;
		}
		if ((rin || rtol) && (rmin || rmax)) {
			scenario_err(ld, n, "in",
			    "give in= (and tolerance=) or min=/max=, not both");
			return;
		}
		if (rtol && !rin) {
			scenario_err(ld, n, "tolerance",
			    "tolerance= goes with in=");
			return;
		}
		if (!rin && !rmin && !rmax && rnone == 0) {
			scenario_err(ld, n, NULL,
			    "needs in=, min=/max= or none=");
			return;
		}
		/* Bounds stay below SCN_OPEN: check time + bound never wraps.
		 */
		ck = scenario_check_add(ex, n, SCN_CHK_NEXT_RESYNC);
		ck->none = rnone == 1 && none;
		ck->min = 0;
		ck->max = SCN_OPEN;
		if (rin) {
			ck->min = tin > tol ? tin - tol : 0;
			if (tin < SCN_OPEN && tol < SCN_OPEN - tin)
				ck->max = tin + tol;
		} else if (rmin || rmax) {
			ck->min = tmin < SCN_OPEN ? tmin : SCN_OPEN;
			ck->max = tmax < SCN_OPEN ? tmax : SCN_OPEN;
			if (tmin > tmax)
				scenario_err(ld, n, "min", "min is above max");
		}
	} else if (SCN_IS(n, "server")) {
		if (scenario_need(ld, n, "name") != 0)
			return;
		v = scenario_attr(ld, n, "name");
		if (scenario_host_find(sc, v, &kind, &i) != 0 ||
		    kind == SCN_HOST_DNS) {
			scenario_err(ld, n, "name", "no server \"%s\"",
			    scenario_q(ld, v));
			return;
		}
		if (scenario_real_refused(ld, n, "name", kind, i))
			return;
		ck = scenario_check_add(ex, n, SCN_CHK_SERVER);
		ck->name = xstrdup(v);
		if ((v = scenario_attr(ld, n, "path")) != NULL) {
			scenario_path_check(ld, n, kind, v);
			ck->path = xstrdup(v);
		}
		if (scenario_range(ld, n, "requests", "min", "max", &ck->min,
			&ck->max) == 0)
			scenario_err(ld, n, NULL,
			    "needs requests= or min=/max=");
	} else if (SCN_IS(n, "request"))
		scenario_request(ld, n, ex);
	else if (SCN_IS(n, "syslog"))
		scenario_syslog_check(ld, n, ex);
	else if (SCN_IS(n, "history"))
		scenario_history_check(ld, n, ex);
	else if (SCN_IS(n, "uploads"))
		scenario_uploads(ld, n, ex);
	else if (SCN_IS(n, "rate"))
		scenario_rate(ld, n, ex);
	else if (SCN_IS(n, "latency"))
		scenario_latency(ld, n, ex);
	else if (SCN_IS(n, "errors"))
		scenario_errors(ld, n, ex);
	else if (SCN_IS(n, "activation")) {
		if (scenario_need(ld, n, "is") != 0)
			return;
		v = scenario_attr(ld, n, "is");
		if (phone_act_parse(v) == -1)
			scenario_err(ld, n, "is", "unknown activation screen "
			    "state (hidden, shown, activating, invalid, "
			    "failed, ok)");
		else
			scenario_check_add(ex, n, SCN_CHK_ACTIVATION)->value =
			    xstrdup(v);
	} else if (SCN_IS(n, "notify")) {
		/* B110: the final answer to the last NOTIFY to the phone. */
		if (scenario_need(ld, n, "status") != 0)
			return;
		v = scenario_attr(ld, n, "status");
		if (strcmp(v, "none") == 0)
			scenario_check_add(ex, n, SCN_CHK_NOTIFY)->min = 0;
		else if (scenario_get_uint(ld, n, "status", 100, 699, &u) == 1)
			scenario_check_add(ex, n, SCN_CHK_NOTIFY)->min = u;
	} else if (SCN_IS(n, "company")) {
		if (scenario_need(ld, n, "is") == 0)
			scenario_check_add(ex, n, SCN_CHK_COMPANY)->value =
			    xstrdup(scenario_attr(ld, n, "is"));
	} else if (SCN_IS(n, "tls")) {
		if (xmlHasProp(n, BAD_CAST "version") == NULL &&
		    xmlHasProp(n, BAD_CAST "resumed") == NULL) {
			scenario_err(ld, n, NULL, "needs version= or "
			    "resumed=");
			return;
		}
		if ((v = scenario_attr(ld, n, "version")) != NULL) {
			if (*v != '\0' && strcmp(v, "TLSv1") != 0 &&
			    strcmp(v, "TLSv1.1") != 0 &&
			    strcmp(v, "TLSv1.2") != 0 &&
			    strcmp(v, "TLSv1.3") != 0)
				scenario_err(ld, n, "version", "version must "
				    "be TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 or "
				    "\"\" (none yet)");
			else
				scenario_check_add(ex, n, SCN_CHK_TLS_VERSION)
				    ->value = xstrdup(v);
		}
		if (scenario_get_bool(ld, n, "resumed", &st) == 1) {
			ck = scenario_check_add(ex, n, SCN_CHK_TLS_RESUMED);
			ck->min = ck->max = (uint64_t)st;
			ck->value = xstrdup(st ? "yes" : "no");
		}
	}
}

/*
 * <syslog server= match=|regex= is=|min=|max=>: lines the collector on
 * server received that match (from each selected phone, or in all); no
 * range means at least one.
 */
static void
scenario_syslog_check(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	struct scn_check *ck;
	enum scn_host_kind kind;
	const char *v, *m, *re;
	regex_t rx;
	char err[128];
	size_t idx;
	int rc;

	if (scenario_need(ld, n, "server") != 0)
		return;
	v = scenario_attr(ld, n, "server");
	if (scenario_host_find(ld->sc, v, &kind, &idx) != 0 ||
	    kind != SCN_HOST_SERVER) {
		scenario_err(ld, n, "server", "no server \"%s\"",
		    scenario_q(ld, v));
		return;
	}
	if (scenario_real_refused(ld, n, "server", kind, idx))
		return;
	m = scenario_attr(ld, n, "match");
	re = scenario_attr(ld, n, "regex");
	if (m != NULL && re != NULL) {
		scenario_err(ld, n, "match", "give match= or regex=, not both");
		return;
	}
	if (re != NULL &&
	    (rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &rx, err, sizeof err);
		scenario_err(ld, n, "regex", "bad regular expression: %s", err);
		return;
	}
	if (re != NULL)
		regfree(&rx);
	ck = scenario_check_add(ex, n, SCN_CHK_SYSLOG);
	ck->name = xstrdup(v);
	if (m != NULL || re != NULL)
		ck->pattern = xstrdup(m != NULL ? m : re);
	ck->regex = re != NULL;
	if (scenario_range(ld, n, "is", "min", "max", &ck->min,
		&ck->max) == 0)
		ck->min = 1;
}

/*
 * <history kind= index= result= err= reason= url=> or <history kind=
 * count=|min=|max=>: the phone's histories (16.1, 3.7); index 1 is the
 * newest entry.
 */
static void
scenario_history_check(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	struct scn_check *ck;
	const char *v;
	uint64_t u;
	size_t i;
	int k, ri;

	if (scenario_need(ld, n, "kind") != 0)
		return;
	v = scenario_attr(ld, n, "kind");
	if ((k = phone_hist_kind_parse(v)) < 0) {
		scenario_err(ld, n, "kind", "kind must be prov, upgrade or "
		    "reboot");
		return;
	}
	ck = scenario_check_add(ex, n, SCN_CHK_HISTORY);
	ck->hkind = k;
	ck->hresult = -1;
	ck->hreason = -1;
	ri = scenario_get_uint(ld, n, "index", 1, PHONE_HIST_REBOOT_MAX, &u);
	if (ri == 1)
		ck->hindex = (int)u;
	if (scenario_range(ld, n, "count", "min", "max", &ck->min,
		&ck->max) == 1 && ri == 1) {
		scenario_err(ld, n, "index", "give index= or count=/min=/max=, "
		    "not both");
		return;
	} else if (ri == 0 && xmlHasProp(n, BAD_CAST "count") == NULL &&
	    xmlHasProp(n, BAD_CAST "min") == NULL &&
	    xmlHasProp(n, BAD_CAST "max") == NULL) {
		scenario_err(ld, n, NULL, "needs index= or count=/min=/max=");
		return;
	}
	if (ri == 0 && (xmlHasProp(n, BAD_CAST "result") != NULL ||
	    xmlHasProp(n, BAD_CAST "err") != NULL ||
	    xmlHasProp(n, BAD_CAST "reason") != NULL ||
	    xmlHasProp(n, BAD_CAST "url") != NULL)) {
		scenario_err(ld, n, NULL, "result=, err=, reason= and url= "
		    "need index=");
		return;
	}
	if ((v = scenario_attr(ld, n, "result")) != NULL) {
		if (strcmp(v, "ok") == 0 || strcmp(v, "succeeded") == 0)
			ck->hresult = 1;
		else if (strcmp(v, "failed") == 0)
			ck->hresult = 0;
		else
			scenario_err(ld, n, "result", "result must be ok or "
			    "failed");
	}
	if ((v = scenario_attr(ld, n, "err")) != NULL) {
		for (i = 0; i < EMU_E__COUNT && *v != '\0'; i++) {
			if (pf_strcasecmp_ascii(emu_err_name(i), v) == 0)
				break;
		}
		if (*v != '\0' && i == EMU_E__COUNT)
			scenario_err(ld, n, "err", "unknown error text (\"\" "
			    "for none, \"file not found\", \"timeout\", "
			    "...: docs/scenario.md)");
		else
			ck->value = xstrdup(*v == '\0' ? "" : emu_err_name(i));
	}
	if ((v = scenario_attr(ld, n, "reason")) != NULL) {
		if (k != PHONE_HIST_REBOOT)
			scenario_err(ld, n, "reason", "reason= is for "
			    "kind=\"reboot\"");
		else if ((ck->hreason = phone_reboot_parse(v)) < 0)
			scenario_err(ld, n, "reason", "unknown reboot reason "
			    "(Power Cycled, User Triggered, Provisioning, RC, "
			    "Upgrade, SIP Triggered, IP Changed, Factory "
			    "Reset)");
	}
	if ((v = scenario_attr(ld, n, "url")) != NULL)
		ck->hurl = xstrdup(v);
}

/*
 * path= of a <server> or <request> check: a glob on the request path; for
 * a proxy, on the request-target as sent ("http://host/x.xml",
 * "host:443"), so any glob.
 */
static void
scenario_path_check(struct scenario_loader *ld, xmlNodePtr n,
    enum scn_host_kind kind, const char *v)
{
	if (kind == SCN_HOST_PROXY) {
		if (*v == '\0')
			scenario_err(ld, n, "path", "path is empty");
		return;
	}
	if (*v != '/' && *v != '*')
		scenario_err(ld, n, "path",
		    "path must start with '/' (or be a glob starting with "
		    "'*')");
}

/*
 * <request server= path= method= header= is=|contains=|scheme= body=|
 * body-contains=>: what the server last received, from each phone or
 * (without phones=) for the path.
 */
static void
scenario_request(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	static const struct {
		const char *attr;
		enum scn_match match;
	} modes[] = {
		{ "is", SCN_MATCH_IS },
		{ "contains", SCN_MATCH_CONTAINS },
		{ "scheme", SCN_MATCH_SCHEME },
	};
	struct scn_check *ck;
	enum scn_host_kind kind;
	const char *v, *b, *bc, *t, *tc;
	size_t i, idx, nmode = 0;

	if (scenario_need(ld, n, "server") != 0)
		return;
	v = scenario_attr(ld, n, "server");
	if (scenario_host_find(ld->sc, v, &kind, &idx) != 0 ||
	    kind == SCN_HOST_DNS) {
		scenario_err(ld, n, "server", "no server \"%s\"",
		    scenario_q(ld, v));
		return;
	}
	if (scenario_real_refused(ld, n, "server", kind, idx))
		return;
	ck = scenario_check_add(ex, n, SCN_CHK_REQUEST);
	ck->name = xstrdup(v);
	if ((v = scenario_attr(ld, n, "path")) != NULL) {
		scenario_path_check(ld, n, kind, v);
		ck->path = xstrdup(v);
	}
	if ((v = scenario_attr(ld, n, "method")) != NULL) {
		if (*v == '\0' || strlen(v) > 15 || strspn(v,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(v))
			scenario_err(ld, n, "method",
			    "method must be an upper-case word (GET, POST, "
			    "CONNECT for a proxy, RRQ for TFTP)");
		ck->method = xstrdup(v);
	}
	/* The request-target as sent: origin-form to a server; to a proxy
	 * the absolute-form URL or CONNECT's host:port (B112). */
	t = scenario_attr(ld, n, "target");
	tc = scenario_attr(ld, n, "target-contains");
	if (t != NULL && tc != NULL)
		scenario_err(ld, n, "target",
		    "give target= or target-contains=, not both");
	else if (t != NULL || tc != NULL) {
		if (*(t != NULL ? t : tc) == '\0')
			scenario_err(ld, n, t != NULL ? "target" :
			    "target-contains", "%s is empty",
			    t != NULL ? "target" : "target-contains");
		ck->target = xstrdup(t != NULL ? t : tc);
		ck->target_match = t != NULL ? SCN_MATCH_IS :
		    SCN_MATCH_CONTAINS;
	}
	ck->header = scenario_attr_dup(ld, n, "header", NULL);
	for (i = 0; i < nitems(modes); i++) {
		if ((v = scenario_attr(ld, n, modes[i].attr)) == NULL)
			continue;
		nmode++;
		ck->match = modes[i].match;
		free(ck->value);
		ck->value = xstrdup(v);
	}
	if (nmode > 1)
		scenario_err(ld, n, "header",
		    "give one of is=, contains= and scheme=");
	else if (nmode == 1 && ck->header == NULL)
		scenario_err(ld, n, NULL, "is=, contains= and scheme= go with "
		    "header=");
	else if (ck->header != NULL && *ck->header == '\0')
		scenario_err(ld, n, "header", "header is empty");
	ck->client_cert = scenario_attr_dup(ld, n, "client-cert", NULL);
	b = scenario_attr(ld, n, "body");
	bc = scenario_attr(ld, n, "body-contains");
	if (b != NULL && bc != NULL)
		scenario_err(ld, n, "body",
		    "give body= or body-contains=, not both");
	else if (b != NULL || bc != NULL) {
		ck->body = xstrdup(b != NULL ? b : bc);
		ck->body_match = b != NULL ? SCN_MATCH_IS : SCN_MATCH_CONTAINS;
		if (strlen(ck->body) > SCN_BODY_KEEP)
			scenario_err(ld, n, b != NULL ? "body" : "body-contains",
			    "at most %d bytes are compared", SCN_BODY_KEEP);
	}
}

/*
 * <uploads server= path= count=|min=/max= method= key= contains= lacks=>:
 * what an upload path of the server kept (16.4), per phone with phones=;
 * the content checks are on the last upload, decrypted with key= first.
 */
static void
scenario_uploads(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	const struct scenario *sc = ld->sc;
	struct scn_check *ck;
	enum scn_host_kind kind;
	const char *v;
	size_t idx;
	int r;

	if (scenario_need(ld, n, "server") != 0)
		return;
	v = scenario_attr(ld, n, "server");
	if (scenario_host_find(sc, v, &kind, &idx) != 0 ||
	    kind != SCN_HOST_SERVER) {
		scenario_err(ld, n, "server", "no server \"%s\"",
		    scenario_q(ld, v));
		return;
	}
	if (scenario_real_refused(ld, n, "server", kind, idx))
		return;
	if (sc->server[idx].nupload == 0)
		scenario_err(ld, n, "server", "server \"%s\" has no <upload> "
		    "path", scenario_q(ld, v));
	ck = scenario_check_add(ex, n, SCN_CHK_UPLOADS);
	ck->name = xstrdup(v);
	if ((v = scenario_attr(ld, n, "path")) != NULL) {
		scenario_path_check(ld, n, kind, v);
		ck->path = xstrdup(v);
	}
	if ((r = scenario_range(ld, n, "count", "min", "max", &ck->min,
	    &ck->max)) == 0) {
		/* Without a count: at least one. */
		ck->min = 1;
		ck->max = UINT64_MAX;
	}
	if ((v = scenario_attr(ld, n, "method")) != NULL) {
		if (strcmp(v, "PUT") != 0 && strcmp(v, "POST") != 0)
			scenario_err(ld, n, "method", "method must be PUT or "
			    "POST");
		ck->method = xstrdup(v);
	}
	if ((v = scenario_attr(ld, n, "key")) != NULL) {
		if (*v == '\0')
			scenario_err(ld, n, "key", "key is empty");
		ck->key = xstrdup(v);
	}
	if ((v = scenario_attr(ld, n, "contains")) != NULL) {
		if (*v == '\0')
			scenario_err(ld, n, "contains", "contains is empty");
		ck->body = xstrdup(v);
		ck->body_match = SCN_MATCH_CONTAINS;
	}
	if ((v = scenario_attr(ld, n, "lacks")) != NULL) {
		if (*v == '\0')
			scenario_err(ld, n, "lacks", "lacks is empty");
		ck->lacks = xstrdup(v);
	}
}

/*
 * <rate server= is=|min=/max= from= to=>: the server's peak requests per
 * second (its busiest second), among the seconds of the run that start in
 * [from, to); to defaults to the expectation's time and may not pass it.
 */
static void
scenario_rate(struct scenario_loader *ld, xmlNodePtr n, struct scn_expect *ex)
{
	const struct scenario *sc = ld->sc;
	struct scn_check *ck;
	enum scn_host_kind kind;
	emu_time from = 0, to = EMU_TIME_NEVER;
	uint64_t min, max;
	const char *v;
	size_t idx;
	int rf, rt, rr;

	if (scenario_need(ld, n, "server") != 0)
		return;
	v = scenario_attr(ld, n, "server");
	if (scenario_host_find(sc, v, &kind, &idx) != 0 ||
	    kind == SCN_HOST_DNS) {
		scenario_err(ld, n, "server", "no server \"%s\"",
		    scenario_q(ld, v));
		return;
	}
	if (scenario_real_refused(ld, n, "server", kind, idx))
		return;
	rf = scenario_get_time(ld, n, "from", &from);
	rt = scenario_get_time(ld, n, "to", &to);
	if ((rr = scenario_range(ld, n, "is", "min", "max", &min, &max)) == 0)
		scenario_err(ld, n, NULL, "needs is= or min=/max=");
	if (rf == -1 || rt == -1 || rr != 1)
		return;
	if (rt == 1 && to <= from) {
		scenario_err(ld, n, "to", "to is not after from");
		return;
	}
	/* The seconds after the expectation are not known yet. */
	if (rt == 1 && to > ex->at) {
		scenario_err(ld, n, "to", "to is after the expectation's t");
		return;
	}
	if (rf == 1 && from >= ex->at) {
		scenario_err(ld, n, "from", "from is not before the "
		    "expectation's t");
		return;
	}
	ck = scenario_check_add(ex, n, SCN_CHK_RATE);
	ck->name = xstrdup(v);
	ck->min = min;
	ck->max = max;
	ck->from = from;
	ck->to = to;
}

_Static_assert(SCN_LAT_N == STATS_PCT__COUNT, "SCN_LAT_N");

/* step= of <latency> and <errors>: a step name, into *step; -1 if bad. */
static int
scenario_step_attr(struct scenario_loader *ld, xmlNodePtr n, int *step)
{
	const char *v;

	if (scenario_need(ld, n, "step") != 0)
		return (-1);
	v = scenario_attr(ld, n, "step");
	if ((*step = stats_step_parse(v)) != -1)
		return (0);
	scenario_err(ld, n, "step", "unknown step \"%s\" (%s)",
	    scenario_q(ld, v), "dhcp, dns, connect, tls, ttfb, fetch, "
	    "provision");
	return (-1);
}

/*
 * <latency step= p50= p90= p99= p99.9= max= [min-count=]>: upper bounds
 * on the step's percentiles so far (docs/statistics.md); fewer samples
 * than min-count fail too.
 */
static void
scenario_latency(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	struct scn_check *ck;
	uint64_t lat[SCN_LAT_N], u = 0;
	unsigned set = 0;
	int step, bad = 0, rc, p;

	if (scenario_step_attr(ld, n, &step) != 0)
		bad = 1;
	for (p = 0; p < SCN_LAT_N; p++) {
		rc = scenario_get_time(ld, n, stats_pct_name(p), &lat[p]);
		if (rc == 1)
			set |= 1u << p;
		else if (rc == -1)
			bad = 1;
	}
	if (xmlHasProp(n, BAD_CAST "min-count") != NULL &&
	    scenario_get_uint(ld, n, "min-count", 0, UINT64_MAX, &u) != 1)
		bad = 1;
	if (set == 0 && !bad) {
		scenario_err(ld, n, NULL, "needs a bound: p50=, p90=, p99=, "
		    "p99.9= or max=");
		return;
	}
	if (bad)
		return;
	ck = scenario_check_add(ex, n, SCN_CHK_LATENCY);
	ck->step = step;
	memcpy(ck->lat, lat, sizeof ck->lat);
	ck->lat_set = set;
	ck->min_count = u;
}

/*
 * "0.1%" into parts per million (four decimals at most, 100% at most);
 * -1 if it is not one.
 */
static int
scenario_pct_parse(const char *v, uint64_t *ppm)
{
	uint64_t ip = 0, frac = 0;
	int nd = 0, nf = 0;

	for (; *v >= '0' && *v <= '9'; v++, nd++) {
		if (nd >= 3)
			return (-1);
		ip = ip * 10 + (uint64_t)(*v - '0');
	}
	if (nd == 0)
		return (-1);
	if (*v == '.') {
		for (v++; *v >= '0' && *v <= '9'; v++, nf++) {
			if (nf >= 4)
				return (-1);
			frac = frac * 10 + (uint64_t)(*v - '0');
		}
		if (nf == 0)
			return (-1);
	}
	if (v[0] != '%' || v[1] != '\0')
		return (-1);
	for (; nf < 4; nf++)
		frac *= 10;
	*ppm = ip * 10000 + frac;
	return (*ppm <= 1000000 ? 0 : -1);
}

/*
 * <errors step= class= max=>: the step's errors of a cause (an error
 * class name, emu_err_cause(), or "any") at most max, a count or a
 * percentage of the step's attempts ("0.1%").
 */
static void
scenario_errors(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_expect *ex)
{
	struct scn_check *ck;
	const char *v;
	uint64_t max = 0;
	int step, cause = -1, pct = 0, bad = 0;

	if (xmlHasProp(n, BAD_CAST "step") == NULL)
		step = STATS_FETCH;
	else if (scenario_step_attr(ld, n, &step) != 0)
		bad = 1;
	if (scenario_need(ld, n, "class") != 0)
		bad = 1;
	else {
		v = scenario_attr(ld, n, "class");
		if (strcmp(v, "any") != 0 &&
		    ((cause = emu_err_parse_cause(v)) <= 0)) {
			scenario_err(ld, n, "class", "unknown error class "
			    "\"%s\" (any, or a cause such as timeout, dns, "
			    "connect, tls-expired)", scenario_q(ld, v));
			bad = 1;
		}
	}
	if (scenario_need(ld, n, "max") != 0)
		bad = 1;
	else {
		v = scenario_attr(ld, n, "max");
		if (strchr(v, '%') != NULL) {
			if (scenario_pct_parse(v, &max) != 0) {
				scenario_err(ld, n, "max", "max is not a "
				    "percentage 0%%..100%% with at most four "
				    "decimals (e.g. 0.1%%)");
				bad = 1;
			}
			pct = 1;
		} else if (scenario_get_uint(ld, n, "max", 0, UINT64_MAX,
		    &max) != 1)
			bad = 1;
	}
	if (bad)
		return;
	ck = scenario_check_add(ex, n, SCN_CHK_ERRORS);
	ck->step = step;
	ck->cause = cause;
	ck->max = max;
	ck->pct = pct;
}

/* Cross checks. */

void
scenario_check_names(struct scenario_loader *ld)
{
	struct scenario *sc = ld->sc;
	size_t i, j;

	for (i = 0; i < sc->nsite; i++) {
		for (j = 0; j < i; j++) {
			if (sc->site[i].name == NULL ||
			    sc->site[j].name == NULL ||
			    strcmp(sc->site[i].name, sc->site[j].name) != 0)
				continue;
			scenario_msgf(ld, sc->site[i].line,
			    "<site name=\"%s\">: "
			    "site \"%s\" is already defined at line %d",
			    sc->site[i].name, sc->site[i].name,
			    sc->site[j].line);
			break;
		}
	}
	for (i = 0; i < sc->nserver; i++) {
		for (j = 0; j < i; j++) {
			if (sc->server[i].name == NULL ||
			    sc->server[j].name == NULL ||
			    strcmp(sc->server[i].name, sc->server[j].name) != 0)
				continue;
			scenario_msgf(ld, sc->server[i].line,
			    "<server name=\"%s\">: "
			    "server \"%s\" is already defined at line %d",
			    sc->server[i].name, sc->server[i].name,
			    sc->server[j].line);
			break;
		}
	}
	/* Servers and DNS servers share one name space (the timeline's
	 * <server name=...>). */
	for (i = 0; i < sc->ndnss; i++) {
		const struct scn_dns_server *d = &sc->dnss[i];
		enum scn_host_kind kind;
		size_t k;
		int other;

		if (d->name == NULL ||
		    scenario_host_find(sc, d->name, &kind, &k) != 0 ||
		    (kind == SCN_HOST_DNS && k == i))
			continue;
		other = kind == SCN_HOST_SERVER ? sc->server[k].line :
		    sc->dnss[k].line;
		scenario_msgf(ld, d->line,
		    "<dns-server name=\"%s\">: "
		    "%s \"%s\" is already defined at line %d", d->name,
		    kind == SCN_HOST_SERVER ? "server" : "DNS server", d->name,
		    other);
	}
	for (i = 0; i < SCN_CLOUD__COUNT; i++) {
		const struct scn_cloud *cl = &sc->cloud[i];
		enum scn_host_kind kind;
		size_t k;

		if (!cl->present || cl->name == NULL ||
		    scenario_host_find(sc, cl->name, &kind, &k) != 0 ||
		    kind == (i == SCN_CLOUD_EDOS ? SCN_HOST_EDOS :
		    SCN_HOST_GDS))
			continue;
		scenario_msgf(ld, cl->line, "<%s name=\"%s\">: %s \"%s\" is "
		    "already defined at line %d",
		    i == SCN_CLOUD_EDOS ? "edos" : "gds", cl->name,
		    scenario_host_what(kind), cl->name,
		    scenario_host_line(sc, kind, k));
	}
	/* Proxies come last in scenario_host_find(): any other host or an
	 * earlier proxy of the name is found first. */
	for (i = 0; i < sc->nproxy; i++) {
		const struct scn_proxy *px = &sc->proxy[i];
		enum scn_host_kind kind;
		size_t k;

		if (px->name == NULL ||
		    scenario_host_find(sc, px->name, &kind, &k) != 0 ||
		    (kind == SCN_HOST_PROXY && k == i))
			continue;
		scenario_msgf(ld, px->line, "<proxy name=\"%s\">: %s \"%s\" "
		    "is already defined at line %d", px->name,
		    scenario_host_what(kind), px->name,
		    scenario_host_line(sc, kind, k));
	}
	for (i = 0; i < sc->ngroup; i++) {
		for (j = 0; j < i; j++) {
			if (sc->group[i].name == NULL ||
			    sc->group[j].name == NULL ||
			    strcmp(sc->group[i].name, sc->group[j].name) != 0)
				continue;
			scenario_msgf(ld, sc->group[i].line,
			    "<phones name=\"%s\">: "
			    "group \"%s\" is already defined at line %d",
			    sc->group[i].name, sc->group[i].name,
			    sc->group[j].line);
			break;
		}
	}
}

static int
scenario_span_cmp(const void *a, const void *b)
{
	const struct scenario_span *sa = a, *sb = b;

	if (sa->from != sb->from)
		return (sa->from < sb->from ? -1 : 1);
	if (sa->group != sb->group)
		return (sa->group < sb->group ? -1 : 1);
	return (0);
}

/* Phone counts, and no MAC in two places. */
void
scenario_check_macs(struct scenario_loader *ld)
{
	struct scenario *sc = ld->sc;
	struct scn_group *g;
	struct scenario_span *sp;
	uint64_t total = 0, first, end;
	size_t n = 0, i, j, owner, later, other;
	uint8_t *told;
	char mac[13];

	for (i = 0; i < sc->ngroup; i++) {
		g = &sc->group[i];
		g->first = (size_t)total;
		total += g->count;
		n += g->macs != NULL ? g->count : 1;
	}
	sc->nphones = (size_t)total;
	if (total > SCN_PHONES_MAX) {
		scenario_msgf(ld,
		    sc->ngroup != 0 ? sc->group[sc->ngroup - 1].line : 0,
		    "<phones>: %llu phones in all, more than %d",
		    (unsigned long long)total, SCN_PHONES_MAX);
		return;
	}
	sp = xcalloc(n, sizeof *sp);
	for (i = 0, n = 0; i < sc->ngroup; i++) {
		g = &sc->group[i];
		if (g->count == 0)
			continue;
		if (g->macs != NULL) {
			for (j = 0; j < g->count; j++) {
				sp[n].from = sp[n].to =
				    scenario_mac_u64(g->macs[j]);
				sp[n++].group = i;
			}
			continue;
		}
		first = scenario_mac_u64(g->mac);
		if (first + g->count - 1 > SCN_MAC_MAX)
			continue;
		sp[n].from = first;
		sp[n].to = first + g->count - 1;
		sp[n++].group = i;
	}
	qsort(sp, n, sizeof *sp, scenario_span_cmp);
	told = xcalloc(sc->ngroup, 1);
	for (i = 1, owner = 0, end = n != 0 ? sp[0].to : 0; i < n; i++) {
		if (sp[i].from > end) {
			end = sp[i].to;
			owner = i;
			continue;
		}
		later = sp[i].group > sp[owner].group ? sp[i].group
						      : sp[owner].group;
		other = later == sp[i].group ? sp[owner].group : sp[i].group;
		scenario_mac_fmt(sp[i].from, mac);
		if (later == other) {
			scenario_msgf(ld, sc->group[later].line,
			    "<phones name=\"%s\">: MAC %s is listed twice",
			    sc->group[later].name != NULL
				? sc->group[later].name
				: "",
			    mac);
		} else if (!told[later]) {
			told[later] = 1;
			scenario_msgf(ld, sc->group[later].line,
			    "<phones name=\"%s\">: "
			    "MAC %s is also in group \"%s\" (line %d)",
			    sc->group[later].name != NULL
				? sc->group[later].name
				: "",
			    mac,
			    sc->group[other].name != NULL
				? sc->group[other].name
				: "",
			    sc->group[other].line);
		}
		if (sp[i].to > end) {
			end = sp[i].to;
			owner = i;
		}
	}
	free(told);
	free(sp);
}

/*
 * Addresses the site's DHCP server can lease, as run.c and ep-dhcp.c set
 * it up: network + 2 up to broadcast - 1, less the server, the gateway and
 * the DNS servers where they fall inside.  The scenario's servers are taken
 * out too: a phone must not be leased one of their addresses.  (ep-dhcp.c
 * caps a pool at 2^20 addresses, more than SCN_PHONES_MAX.)
 */
static uint64_t
scenario_pool(const struct scenario *sc, const struct scn_site *s)
{
	uint32_t first, *taken;
	uint64_t size, n;
	size_t i, j, nt = 0;

	first = s->subnet + 2;
	size = n = (uint64_t)(s->subnet | ~s->mask) - first;
	taken = xcalloc(4 + sc->nserver + sc->ndnss + SCN_CLOUD__COUNT +
	    sc->nproxy, sizeof *taken);
	taken[nt++] = s->dhcp_server;
	taken[nt++] = s->gateway;
	for (i = 0; i < (size_t)s->ndns && i < 2; i++)
		taken[nt++] = s->dns[i];
	for (i = 0; i < sc->nserver; i++)
		taken[nt++] = sc->server[i].ip;
	for (i = 0; i < sc->ndnss; i++)
		taken[nt++] = sc->dnss[i].ip;
	for (i = 0; i < SCN_CLOUD__COUNT; i++) {
		if (sc->cloud[i].present)
			taken[nt++] = sc->cloud[i].ip;
	}
	for (i = 0; i < sc->nproxy; i++)
		taken[nt++] = sc->proxy[i].ip;
	for (i = 0; i < nt; i++) {
		for (j = 0; j < i; j++) {
			if (taken[j] == taken[i])
				break;
		}
		if (j == i && taken[i] >= first && taken[i] - first < size &&
		    n > 0)
			n--;
	}
	free(taken);
	return (n);
}

/* Subnets apart; each DHCP pool large enough for the site's phones. */
void
scenario_check_sites(struct scenario_loader *ld)
{
	struct scenario *sc = ld->sc;
	struct scn_site *s, *o;
	uint64_t phones, pool;
	size_t i, j;

	for (i = 0; i < sc->nsite; i++) {
		s = &sc->site[i];
		if (s->mask == 0)
			continue;
		for (j = 0; j < i; j++) {
			o = &sc->site[j];
			if (o->mask == 0)
				continue;
			if ((s->subnet & o->mask) == o->subnet ||
			    (o->subnet & s->mask) == s->subnet) {
				scenario_msgf(ld, s->line,
				    "<site name=\"%s\">: "
				    "subnet overlaps site \"%s\" (line %d)",
				    s->name != NULL ? s->name : "",
				    o->name != NULL ? o->name : "", o->line);
				break;
			}
		}
		if (!s->has_dhcp || s->dhcp_real)
			continue;
		phones = 0;
		for (j = 0; j < sc->ngroup; j++) {
			if (sc->group[j].site_idx == i)
				phones += sc->group[j].count;
		}
		pool = scenario_pool(sc, s);
		if (phones > pool)
			scenario_msgf(ld, s->line,
			    "<site name=\"%s\">: %llu phones "
			    "but the DHCP pool has room for %llu",
			    s->name != NULL ? s->name : "",
			    (unsigned long long)phones,
			    (unsigned long long)pool);
	}
}

/* No two servers on one address and port. */
void
scenario_check_servers(struct scenario_loader *ld)
{
	struct scenario *sc = ld->sc;
	struct scn_server *a, *b;
	char ip[16];
	size_t i, j;

	for (i = 0; i < sc->nserver; i++) {
		a = &sc->server[i];
		for (j = 0; j < i; j++) {
			b = &sc->server[j];
			if (a->ip == 0 || a->ip != b->ip)
				continue;
			if ((a->http_port != 0 &&
				(a->http_port == b->http_port ||
				a->http_port == b->https_port)) ||
			    (a->https_port != 0 &&
				(a->https_port == b->https_port ||
				a->https_port == b->http_port)) ||
			    (a->tftp_port != 0 &&
				a->tftp_port == b->tftp_port)) {
				scenario_msgf(ld, a->line,
				    "<server name=\"%s\">: "
				    "same address and port as server \"%s\" "
				    "(line %d)",
				    a->name != NULL ? a->name : "",
				    b->name != NULL ? b->name : "", b->line);
				break;
			}
		}
	}
	for (i = 0; i < sc->ndnss; i++) {
		for (j = 0; j < i; j++) {
			if (sc->dnss[i].ip == 0 ||
			    sc->dnss[i].ip != sc->dnss[j].ip)
				continue;
			scenario_msgf(ld, sc->dnss[i].line,
			    "<dns-server address=\"%s\">: same address as the "
			    "DNS server at line %d",
			    ipv4_str(sc->dnss[i].ip, ip), sc->dnss[j].line);
			break;
		}
	}
}

/* Duration, and the timeline in time order. */
void
scenario_finish(struct scenario_loader *ld)
{
	struct scenario *sc = ld->sc;
	emu_time last = 0;
	size_t i;

	for (i = 0; i < sc->naction; i++) {
		if (sc->action[i].at > last)
			last = sc->action[i].at;
	}
	for (i = 0; i < sc->nexpect; i++) {
		if (sc->expect[i].at > last)
			last = sc->expect[i].at;
	}
	if (!ld->has_duration)
		sc->duration = last + SCN_DEF_TAIL;
	scenario_sort_actions(sc);
	scenario_sort_expects(sc);
}

static int
scenario_key_cmp(const void *a, const void *b)
{
	const struct scenario_key *ka = a, *kb = b;

	if (ka->at != kb->at)
		return (ka->at < kb->at ? -1 : 1);
	if (ka->seq != kb->seq)
		return (ka->seq < kb->seq ? -1 : 1);
	return (0);
}

/* Stable: equal times keep file order. */
static void
scenario_sort_actions(struct scenario *sc)
{
	struct scenario_key *k;
	struct scn_action *v;
	size_t i;

	if (sc->naction < 2)
		return;
	k = xcalloc(sc->naction, sizeof *k);
	for (i = 0; i < sc->naction; i++) {
		k[i].at = sc->action[i].at;
		k[i].seq = i;
	}
	qsort(k, sc->naction, sizeof *k, scenario_key_cmp);
	v = xcalloc(sc->naction, sizeof *v);
	for (i = 0; i < sc->naction; i++)
		v[i] = sc->action[k[i].seq];
	free(sc->action);
	sc->action = v;
	free(k);
}

static void
scenario_sort_expects(struct scenario *sc)
{
	struct scenario_key *k;
	struct scn_expect *v;
	size_t i;

	if (sc->nexpect < 2)
		return;
	k = xcalloc(sc->nexpect, sizeof *k);
	for (i = 0; i < sc->nexpect; i++) {
		k[i].at = sc->expect[i].at;
		k[i].seq = i;
	}
	qsort(k, sc->nexpect, sizeof *k, scenario_key_cmp);
	v = xcalloc(sc->nexpect, sizeof *v);
	for (i = 0; i < sc->nexpect; i++)
		v[i] = sc->expect[k[i].seq];
	free(sc->expect);
	sc->expect = v;
	free(k);
}

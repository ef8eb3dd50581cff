/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The cloud exchanges of spec 13, whose wire shapes are EMULATOR-DEFINED
 * (docs/cloud.md): the EDOS device query and the short-code query (13.1,
 * 13.2: GET with a query string), the GDS activation POST and its JSON
 * answer (13.3), the activation-code check the phone does before sending
 * anything (15.6, B24), and how a phone reads an EDOS answer (the table of
 * 13.1).  Both sides are here: the phone builds requests and reads answers,
 * the simulated service (netsim/ep-cloud.c) parses requests and writes
 * answers.  Requests come from untrusted clients: every field is bounded
 * and checked.  Not here: HTTP itself, applying a redirect profile.
 */

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "proto.h"

#define CLOUD_COMMENT_OPEN "<!--"
#define CLOUD_COMMENT_CLOSE "-->"
#define CLOUD_COMPANY_TAG "company:"

static void cloud_pct(struct dbuf *, const char *);
static int cloud_hexval(int);
static int cloud_field(char *, size_t, const char *, size_t, const char *,
    char **);
static int cloud_is_text(const char *, size_t);
static int cloud_mac(char *, const char *, char **);
static int cloud_digits(const char *, size_t, size_t, const char *, char **);
static int cloud_value(const struct json_obj *, const char *, int, char **,
    char **);
static void cloud_rule_arg(struct dbuf *, const char *);
static char *cloud_company(const uint8_t *, size_t);

/* Query parameters read by cloud_target_parse; the index is the bit. */
static const struct {
	const char *name;
	size_t off, size;
} cloud_params[] = {
	{ "mac", offsetof(struct cloud_query, mac), 13 },
	{ "pid", offsetof(struct cloud_query, pid), CLOUD_FIELD_MAX + 1 },
	{ "sn", offsetof(struct cloud_query, sn), CLOUD_FIELD_MAX + 1 },
	{ "fw", offsetof(struct cloud_query, fw), CLOUD_FIELD_MAX + 1 },
	{ "code", offsetof(struct cloud_query, code), CLOUD_GDS_DIGITS + 1 },
};

/* Request targets (13.1, 13.2), values percent-encoded; caller frees. */
char *
cloud_device_target(const char *mac, const char *pid, const char *sn,
    const char *fw)
{
	struct dbuf b;

	dbuf_init(&b);
	dbuf_add_str(&b, CLOUD_DEVICE_PATH "?mac=");
	cloud_pct(&b, mac);
	dbuf_add_str(&b, "&pid=");
	cloud_pct(&b, pid);
	dbuf_add_str(&b, "&sn=");
	cloud_pct(&b, sn);
	dbuf_add_str(&b, "&fw=");
	cloud_pct(&b, fw);
	return ((char *)dbuf_steal(&b, NULL));
}

char *
cloud_code_target(const char *digits, const char *mac, const char *pid)
{
	struct dbuf b;

	dbuf_init(&b);
	dbuf_add_str(&b, CLOUD_CODE_PATH "?code=");
	cloud_pct(&b, digits);
	dbuf_add_str(&b, "&mac=");
	cloud_pct(&b, mac);
	dbuf_add_str(&b, "&pid=");
	cloud_pct(&b, pid);
	return ((char *)dbuf_steal(&b, NULL));
}

/*
 * The server side of a GET: an origin-form target (path and query) into q.
 * Parameters other than mac, pid, sn, fw and code are ignored; a known one
 * given twice, a bad escape or a value out of bounds is an error.
 */
int
cloud_target_parse(struct cloud_query *q, const char *target, char **cause)
{
	const char *query, *s, *amp, *eq;
	size_t plen, nlen, n = 0;
	int seen = 0, bit;
	const char *fname = NULL;
	char *slot = NULL;
	size_t size = 0, k;

	memset(q, 0, sizeof *q);
	if (strnlen(target, CLOUD_TARGET_MAX + 1) > CLOUD_TARGET_MAX) {
		xasprintf(cause, "request-target over %d bytes",
		    CLOUD_TARGET_MAX);
		return (-1);
	}
	query = strchr(target, '?');
	plen = query != NULL ? (size_t)(query - target) : strlen(target);
	if (plen == strlen(CLOUD_DEVICE_PATH) &&
	    memcmp(target, CLOUD_DEVICE_PATH, plen) == 0)
		q->req = CLOUD_REQ_DEVICE;
	else if (plen == strlen(CLOUD_CODE_PATH) &&
	    memcmp(target, CLOUD_CODE_PATH, plen) == 0)
		q->req = CLOUD_REQ_CODE;
	else {
		xasprintf(cause, "unknown path");
		return (-1);
	}
	for (s = query != NULL ? query + 1 : ""; *s != '\0'; s = amp) {
		amp = s + strcspn(s, "&");
		if (++n > CLOUD_PARAMS_MAX) {
			xasprintf(cause, "more than %d parameters",
			    CLOUD_PARAMS_MAX);
			return (-1);
		}
		eq = memchr(s, '=', amp - s);
		nlen = eq != NULL ? (size_t)(eq - s) : (size_t)(amp - s);
		bit = 0;
		for (k = 0; k < nitems(cloud_params); k++) {
			if (nlen == strlen(cloud_params[k].name) &&
			    memcmp(s, cloud_params[k].name, nlen) == 0) {
				bit = 1 << k;
				fname = cloud_params[k].name;
				slot = (char *)q + cloud_params[k].off;
				size = cloud_params[k].size;
				break;
			}
		}
		if (*amp == '&')
			amp++;
		if (bit == 0)
			continue;
		if (seen & bit) {
			xasprintf(cause, "parameter %.*s given twice",
			    (int)nlen, s);
			return (-1);
		}
		seen |= bit;
		if (eq == NULL) {
			xasprintf(cause, "parameter %.*s has no value",
			    (int)nlen, s);
			return (-1);
		}
		eq++;
		if (cloud_field(slot, size, eq, strcspn(eq, "&"), fname,
			cause) != 0)
			return (-1);
		if (bit == 1 && cloud_mac(q->mac, q->mac, cause) != 0)
			return (-1);
	}
	if (!(seen & 1)) {
		xasprintf(cause, "no mac");
		return (-1);
	}
	if (!(seen & 2) || q->pid[0] == '\0') {
		xasprintf(cause, "no pid");
		return (-1);
	}
	if (q->req == CLOUD_REQ_CODE) {
		if (!(seen & 16)) {
			xasprintf(cause, "no code");
			return (-1);
		}
		if (cloud_digits(q->code, CLOUD_SHORT_MIN, CLOUD_SHORT_MAX,
			"short code", cause) != 0)
			return (-1);
	} else
		q->code[0] = '\0';
	return (0);
}

/*
 * What the user typed on the activation screen (15.6): 16 digits for GDS,
 * or '#' and 3-16 digits for a short code (13.2).  Anything else is refused
 * on the phone (B24).  Returns enum cloud_code, or -1 with a reason that
 * never repeats the code (STYLE.md 7).
 */
int
cloud_code_check(const char *code, char **cause)
{
	size_t n;

	n = strnlen(code, CLOUD_FIELD_MAX + 1);
	if (n > CLOUD_FIELD_MAX) {
		xasprintf(cause, "code over %d characters", CLOUD_FIELD_MAX);
		return (-1);
	}
	if (code[0] == '#') {
		/* B24: 2 or 17 digits are refused here. */
		if (cloud_digits(code + 1, CLOUD_SHORT_MIN, CLOUD_SHORT_MAX,
			"short code", cause) != 0)
			return (-1);
		return (CLOUD_CODE_SHORT);
	}
	if (cloud_digits(code, CLOUD_GDS_DIGITS, CLOUD_GDS_DIGITS,
		"activation code", cause) != 0)
		return (-1);
	return (CLOUD_CODE_GDS);
}

/* The GDS request body (13.3); caller frees. */
char *
cloud_gds_body(const char *code, const char *mac, const char *pid,
    const char *sn, const char *fw)
{
	struct dbuf b;

	dbuf_init(&b);
	dbuf_add_str(&b, "{\"code\":");
	json_write_str(&b, code);
	dbuf_add_str(&b, ",\"mac\":");
	json_write_str(&b, mac);
	dbuf_add_str(&b, ",\"pid\":");
	json_write_str(&b, pid);
	dbuf_add_str(&b, ",\"sn\":");
	json_write_str(&b, sn);
	dbuf_add_str(&b, ",\"fw\":");
	json_write_str(&b, fw);
	dbuf_add_str(&b, "}");
	return ((char *)dbuf_steal(&b, NULL));
}

/* The server side of the GDS POST: code and mac needed, 16 digits. */
int
cloud_gds_body_parse(struct cloud_query *q, const uint8_t *body, size_t len,
    char **cause)
{
	static const struct {
		const char *name;
		size_t off, size;
		int need;
	} f[] = {
		{ "code", offsetof(struct cloud_query, code), sizeof q->code,
		    1 },
		{ "mac", offsetof(struct cloud_query, mac), sizeof q->mac, 1 },
		{ "pid", offsetof(struct cloud_query, pid), sizeof q->pid, 0 },
		{ "sn", offsetof(struct cloud_query, sn), sizeof q->sn, 0 },
		{ "fw", offsetof(struct cloud_query, fw), sizeof q->fw, 0 },
	};
	struct json_obj o;
	const struct json_member *m;
	size_t i;
	int rc = -1;

	memset(q, 0, sizeof *q);
	q->req = CLOUD_REQ_GDS;
	if (json_parse(&o, body, len, cause) != 0) {
		json_obj_clear(&o);
		return (-1);
	}
	for (i = 0; i < nitems(f); i++) {
		m = json_get(&o, f[i].name);
		if (m == NULL) {
			if (!f[i].need)
				continue;
			xasprintf(cause, "no %s", f[i].name);
			goto out;
		}
		if (m->type != JSON_STRING) {
			xasprintf(cause, "%s is not a string", f[i].name);
			goto out;
		}
		if (cloud_field((char *)q + f[i].off, f[i].size, m->value,
			strlen(m->value), f[i].name, cause) != 0)
			goto out;
	}
	if (cloud_mac(q->mac, q->mac, cause) != 0)
		goto out;
	if (cloud_digits(q->code, CLOUD_GDS_DIGITS, CLOUD_GDS_DIGITS,
		"activation code", cause) != 0)
		goto out;
	rc = 0;
out:
	json_obj_clear(&o);
	return (rc);
}

/* GDS 200 answer: {"profileRule":..., "uid":..., "pwd":...}. */
void
cloud_grant_write(struct dbuf *b, const char *rule, const char *uid,
    const char *pwd)
{
	dbuf_add_str(b, "{\"profileRule\":");
	json_write_str(b, rule);
	if (uid != NULL) {
		dbuf_add_str(b, ",\"uid\":");
		json_write_str(b, uid);
	}
	if (pwd != NULL) {
		dbuf_add_str(b, ",\"pwd\":");
		json_write_str(b, pwd);
	}
	dbuf_add_str(b, "}");
}

/*
 * How the phone reads a GDS answer (13.3).  status is the final HTTP
 * status, 0 when none came (network error).  OK fills g (clear it with
 * cloud_grant_clear); FAILED sets *cause.
 */
int
cloud_gds_reply(int status, const uint8_t *body, size_t len,
    struct cloud_grant *g, char **cause)
{
	struct json_obj o;
	char *why = NULL;
	int rc = CLOUD_GDS_FAILED;

	memset(g, 0, sizeof *g);
	/* B22: an unknown, used or expired code. */
	if (status == 400 || status == 404 || status == 410)
		return (CLOUD_GDS_INVALID);
	if (status != 200) {
		if (status == 0)
			xasprintf(cause, "no answer");
		else
			xasprintf(cause, "status %d", status);
		return (CLOUD_GDS_FAILED);
	}
	if (len > CLOUD_REPLY_MAX) {
		xasprintf(cause, "answer over %d bytes", CLOUD_REPLY_MAX);
		return (CLOUD_GDS_FAILED);
	}
	if (json_parse(&o, body, len, &why) != 0) {
		xasprintf(cause, "malformed JSON: %s", why);
		free(why);
		json_obj_clear(&o);
		return (CLOUD_GDS_FAILED);
	}
	if (cloud_value(&o, "profileRule", 1, &g->rule, cause) != 0 ||
	    cloud_value(&o, "uid", 0, &g->uid, cause) != 0 ||
	    cloud_value(&o, "pwd", 0, &g->pwd, cause) != 0) {
		cloud_grant_clear(g);
		goto out;
	}
	rc = CLOUD_GDS_OK;
out:
	json_obj_clear(&o);
	return (rc);
}

void
cloud_grant_clear(struct cloud_grant *g)
{
	free(g->rule);
	free(g->uid);
	free(g->pwd);
	memset(g, 0, sizeof *g);
}

/*
 * The Profile_Rule a grant gives (13.3): "[--uid U --pwd P] rule" when
 * credentials came, else the rule.  U and P are written with \NNN octal
 * escapes for anything but letters, digits and "-._@" (5.3.4), so that no
 * byte of theirs ends the option block or starts a macro.  A rule that
 * has its own option block gets the credentials inside it.  Caller frees.
 */
char *
cloud_grant_rule(const struct cloud_grant *g)
{
	struct dbuf b;
	const char *r = g->rule;
	size_t ws;

	if (g->uid == NULL && g->pwd == NULL)
		return (xstrdup(r));
	dbuf_init(&b);
	dbuf_add_str(&b, "[");
	if (g->uid != NULL) {
		dbuf_add_str(&b, "--uid ");
		cloud_rule_arg(&b, g->uid);
	}
	if (g->pwd != NULL) {
		dbuf_add_str(&b, g->uid != NULL ? " --pwd " : "--pwd ");
		cloud_rule_arg(&b, g->pwd);
	}
	ws = strspn(r, " \t");
	if (r[ws] == '[') {
		dbuf_add_str(&b, " ");
		dbuf_add_str(&b, r + ws + 1);
	} else {
		dbuf_add_str(&b, "] ");
		dbuf_add_str(&b, r);
	}
	return ((char *)dbuf_steal(&b, NULL));
}

/*
 * How the phone reads an EDOS answer to a device or short-code query
 * (13.1): a 200 flat profile is a redirect (*company set to the name in a
 * "<!-- company: NAME -->" comment, or NULL), an empty 200 or a 404 says
 * nobody knows the phone, anything else is retried later (*cause says
 * why).  3xx, 401 and 407 never get here: the fetch follows or answers
 * them.  status 0: no answer at all.
 */
int
cloud_edos_classify(int status, const uint8_t *body, size_t len, char **company,
    char **cause)
{
	size_t i;

	*company = NULL;
	if (status == 404)
		return (CLOUD_EDOS_UNAVAILABLE); /* 13.1 ASSUMPTION */
	if (status != 200) {
		if (status == 0)
			xasprintf(cause, "no answer");
		else
			xasprintf(cause, "status %d", status);
		return (CLOUD_EDOS_RETRY); /* B15 */
	}
	if (len > CLOUD_REPLY_MAX) {
		xasprintf(cause, "answer over %d bytes", CLOUD_REPLY_MAX);
		return (CLOUD_EDOS_RETRY);
	}
	for (i = 0; i < len; i++) {
		if (!isspace(body[i]))
			break;
	}
	if (i == len)
		return (CLOUD_EDOS_UNAVAILABLE); /* B14 */
	if (memmem(body, len, "<flat-profile", 13) == NULL) {
		xasprintf(cause, "the answer is not a flat profile");
		return (CLOUD_EDOS_RETRY);
	}
	*company = cloud_company(body, len);
	return (CLOUD_EDOS_REDIRECT); /* B13 */
}

/* RFC 3986 2.3: unreserved bytes as they are, the rest %XX. */
static void
cloud_pct(struct dbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	uint8_t e[3];

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '~') {
			dbuf_add(b, p, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 0xf];
		dbuf_add(b, e, 3);
	}
}

static int
cloud_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * A value (len bytes at s, percent-decoded) into buf of size bytes:
 * printable ASCII only, and it must fit.
 */
static int
cloud_field(char *buf, size_t size, const char *s, size_t len, const char *name,
    char **cause)
{
	size_t i, n = 0;
	int hi, lo, c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				goto bad_escape;
			hi = cloud_hexval((unsigned char)s[i + 1]);
			lo = cloud_hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				goto bad_escape;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c < 0x20 || c > 0x7e) {
			xasprintf(cause, "%s: byte 0x%02x not allowed", name,
			    c);
			return (-1);
		}
		if (n + 1 >= size) {
			xasprintf(cause, "%s over %zu bytes", name, size - 1);
			return (-1);
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return (0);

bad_escape:
	xasprintf(cause, "%s: bad %% escape", name);
	return (-1);
}

/* Printable text: valid UTF-8 without control characters. */
static int
cloud_is_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;
	long c;

	while (len > 0) {
		n = len;
		c = json_utf8(p, &n);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return (0);
		p += n;
		len -= n;
	}
	return (1);
}

/* 12 hex digits, stored upper case (the form of $MAU). */
static int
cloud_mac(char *out, const char *in, char **cause)
{
	size_t i;

	for (i = 0; i < 12; i++) {
		if (!isxdigit((unsigned char)in[i]))
			break;
	}
	if (i != 12 || in[12] != '\0') {
		xasprintf(cause, "mac is not 12 hex digits");
		return (-1);
	}
	for (i = 0; i < 12; i++)
		out[i] = toupper((unsigned char)in[i]);
	out[12] = '\0';
	return (0);
}

/* min..max decimal digits; what is wrong, without the digits themselves. */
static int
cloud_digits(const char *s, size_t min, size_t max, const char *what,
    char **cause)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++) {
		if (s[n] < '0' || s[n] > '9') {
			xasprintf(cause, "%s: digits only", what);
			return (-1);
		}
	}
	if (n < min || n > max) {
		if (min == max)
			xasprintf(cause, "%s of %zu digits: %zu needed", what,
			    n, min);
		else
			xasprintf(cause, "%s of %zu digits: %zu to %zu needed",
			    what, n, min, max);
		return (-1);
	}
	return (0);
}

/*
 * A string member of a GDS answer: printable, at most CLOUD_RULE_MAX bytes.
 * An optional one may be absent, null or empty (*v stays NULL).
 */
static int
cloud_value(const struct json_obj *o, const char *key, int need, char **v,
    char **cause)
{
	const struct json_member *m = json_get(o, key);
	size_t len;

	*v = NULL;
	if (m == NULL || m->type == JSON_NULL ||
	    (m->type == JSON_STRING && m->value[0] == '\0' && !need)) {
		if (!need)
			return (0);
		xasprintf(cause, "no %s", key);
		return (-1);
	}
	if (m->type != JSON_STRING) {
		xasprintf(cause, "%s is not a string", key);
		return (-1);
	}
	len = strlen(m->value);
	if (len == 0) {
		xasprintf(cause, "%s is empty", key);
		return (-1);
	}
	if (len > CLOUD_RULE_MAX) {
		xasprintf(cause, "%s over %d bytes", key, CLOUD_RULE_MAX);
		return (-1);
	}
	if (!cloud_is_text(m->value, len)) {
		xasprintf(cause, "%s has control characters", key);
		return (-1);
	}
	*v = xstrdup(m->value);
	return (0);
}

/* A --uid or --pwd argument, \NNN for every byte outside [A-Za-z0-9-._@]. */
static void
cloud_rule_arg(struct dbuf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' ||
		    *p == '@')
			dbuf_add(b, p, 1);
		else
			dbuf_printf(b, "\\%03o", *p);
	}
}

/*
 * The first "<!-- company: NAME -->" comment's NAME, trimmed, cut to
 * CLOUD_COMPANY_MAX bytes on a character boundary; NULL if there is none
 * or it is not printable text.
 */
static char *
cloud_company(const uint8_t *body, size_t len)
{
	const uint8_t *p = body, *end = body + len, *open, *close;
	const char *s;
	size_t n, tag = strlen(CLOUD_COMPANY_TAG), cut, cl;

	while ((open = memmem(p, end - p, CLOUD_COMMENT_OPEN, 4)) != NULL) {
		open += 4;
		close = memmem(open, end - open, CLOUD_COMMENT_CLOSE, 3);
		if (close == NULL)
			return (NULL);
		p = close + 3;
		s = (const char *)open;
		n = close - open;
		while (n > 0 && isspace((unsigned char)*s))
			s++, n--;
		if (n < tag || strncasecmp(s, CLOUD_COMPANY_TAG, tag) != 0)
			continue;
		s += tag;
		n -= tag;
		while (n > 0 && isspace((unsigned char)*s))
			s++, n--;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		if (n == 0 || !cloud_is_text(s, n))
			return (NULL);
		/* Cut on a character boundary. */
		for (cut = 0; cut < n; cut += cl) {
			cl = n - cut;
			json_utf8((const unsigned char *)s + cut, &cl);
			if (cut + cl > CLOUD_COMPANY_MAX)
				break;
		}
		return (xstrndup(s, cut));
	}
	return (NULL);
}

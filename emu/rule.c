/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Profile-rule grammar and evaluation (spec 5): macro pre-expansion,
 * alternatives, conditions with integer, string and firmware-version
 * operands, assignments, URL options and URL resolution.  Also the
 * restricted forms of Upgrade_Rule and Resync_Trigger_* (5.7).
 *
 * This module decides what to fetch; it fetches nothing.  The phone's
 * variables, the assignment of parameters and logging come through struct
 * rule_env, so everything here is a pure function of its arguments.
 *
 * A rule is parsed whole before anything runs: a syntax error in any
 * alternative fails the rule (class C, "bad profile rule") and no assignment
 * is made.  A condition whose operands do not fit together (a string with
 * "lt", an integer against a version, a dotted version) is not a syntax
 * error: that condition is false and the reason is logged (5.3.2).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

#define RULE_VER_FIELDS	6	/* version fields compared, build aside */

struct rule_assign {
	char		*name;		/* full XML name */
	char		*value;
};

/* One alternative as parsed; strings owned. */
struct rule_alt {
	char			*cond;		/* text inside "( )?" or NULL */
	struct rule_assign	*assign;
	size_t			 nassign;
	int			 has_url;
	int			 gds;
	enum rule_scheme	 scheme;
	char			*host;		/* NULL: none written */
	unsigned		 port;		/* 0: default */
	char			*path;
	char			*key;		/* arguments, quotes removed */
	char			*uid;
	char			*pwd;
	int			 post;
	int			 alias;
	int			 srv;
	int			 delta;
	int			 status;
};

enum rule_relop {
	RULE_EQ,
	RULE_NE,
	RULE_LT,
	RULE_LE,
	RULE_GT,
	RULE_GE
};

enum rule_tok_type {
	RULE_TOK_STR,		/* "..." */
	RULE_TOK_BARE,		/* integer, version or a word */
	RULE_TOK_OP		/* = != < <= > >= (and legacy !) */
};

struct rule_tok {
	enum rule_tok_type	 type;
	const char		*s;	/* STR: inside the quotes */
	size_t			 len;
	enum rule_relop		 op;	/* OP */
};

enum rule_val_type {
	RULE_V_STR,
	RULE_V_INT,
	RULE_V_VER
};

struct rule_span {
	const char	*s;
	size_t		 len;
};

struct rule_ver {
	struct rule_span	 num[RULE_VER_FIELDS];	/* leading digits */
	struct rule_span	 rest[RULE_VER_FIELDS];	/* what follows */
	size_t			 n;
	struct rule_span	 build;			/* len 0: none */
};

struct rule_val {
	enum rule_val_type	 type;
	struct rule_span	 str;
	int64_t			 i;
	struct rule_ver		 ver;
};

struct rule_secret {
	const struct rule_env	*env;
	int			 used;
};

static int	rule_is_ws(int);
static const char *rule_skip_ws(const char *);
static char	*rule_trim(char *);
static const char *rule_kind_name(enum rule_kind);
static const char *rule_close(const char *, int);
static char	**rule_split(const char *, size_t *);
static void	rule_alt_free(struct rule_alt *);
static int	rule_parse_alt(char *, struct rule_alt *, char **);
static int	rule_parse_assign(const char *, const char *,
		    struct rule_alt *, char **);
static int	rule_parse_options(const char *, const char *,
		    struct rule_alt *, char **);
static int	rule_parse_url(const char *, struct rule_alt *, char **);
static int	rule_gpp_letter(const char *, size_t);
static int	rule_cond(const struct rule_env *, const char *, char **,
		    char **);
static char	*rule_tok_text(const struct rule_tok *);
static char	*rule_printable(const char *);
static void	rule_skipped(struct rule_result *, size_t, const char *,
		    const char *, const char *);
static char	*rule_raw_cond(char **, size_t, size_t, size_t);
static int	rule_tok_relop(const struct rule_tok *, enum rule_relop *);
static int	rule_cond_tokens(const char *, struct rule_tok **, size_t *,
		    char **);
static int	rule_operand(const struct rule_tok *, struct rule_val *,
		    char **);
static int	rule_compare(const struct rule_val *, enum rule_relop,
		    const struct rule_val *, char **);
static int	rule_int_parse(const char *, size_t, int64_t *);
static int	rule_ver_parse(const char *, size_t, struct rule_ver *);
static int	rule_ver_compare(const struct rule_ver *,
		    const struct rule_ver *);
static int	rule_digits_cmp(const struct rule_span *,
		    const struct rule_span *);
static int	rule_span_cmp(const struct rule_span *,
		    const struct rule_span *);
static void	rule_log(const struct rule_env *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static enum rule_rc rule_fail(const struct rule_env *, struct rule_result *,
		    enum emu_err, const char *);
static char	*rule_arg(const struct rule_env *, const char *, int, int *);
static const char *rule_secret_cb(void *, const char *, size_t, char *,
		    size_t);

static const char *const rule_scheme_names[] = {
	[RULE_TFTP] = "tftp",
	[RULE_HTTP] = "http",
	[RULE_HTTPS] = "https",
};
static const uint16_t rule_default_port[] = {
	[RULE_TFTP] = 69,
	[RULE_HTTP] = 80,
	[RULE_HTTPS] = 443,
};
static const char *const rule_relop_words[] = {
	[RULE_EQ] = "eq",
	[RULE_NE] = "ne",
	[RULE_LT] = "lt",
	[RULE_LE] = "le",
	[RULE_GT] = "gt",
	[RULE_GE] = "ge",
};
static const char *const rule_val_names[] = {
	[RULE_V_STR] = "string",
	[RULE_V_INT] = "integer",
	[RULE_V_VER] = "version",
};

void
rule_result_init(struct rule_result *res)
{
	memset(res, 0, sizeof *res);
	res->post = -1;
	res->alias = -1;
}

/* Frees what res owns and initialises it again. */
void
rule_result_clear(struct rule_result *res)
{
	free(res->errmsg);
	free(res->host);
	free(res->path);
	free(res->key);
	free(res->uid);
	free(res->pwd);
	free(res->reason);
	free(res->skipped);
	rule_result_init(res);
}

/*
 * Spec 5.1 to 5.4.  res must have been initialised with rule_result_init();
 * whatever it held is freed first.  Returns res->rc; for RULE_ERROR, err and
 * errmsg (the $ERR text) are set and the reason is logged through env.
 */
enum rule_rc
rule_eval(const char *text, const struct rule_env *env,
    struct rule_result *res)
{
	struct rule_alt	*alts = NULL, *alt = NULL;
	char		*expanded, *rule, **parts = NULL, *cause = NULL;
	char		*rawcopy, **raw;
	const char	*server;
	size_t		 nalts = 0, nraw, i, j;
	int		 r;

	rule_result_clear(res);
	if (text == NULL)
		text = "";

	/* 1: macro pre-expansion; $SA..$SD stay verbatim. */
	expanded = macro_expand(text, 0, env->lookup, env->arg);

	/* 2, B29: strip; empty or comment is disabled. */
	rule = rule_trim(expanded);
	if (*rule == '\0' || *rule == '#') {
		res->rc = RULE_DISABLED;
		res->reason = xstrdup("rule is empty or a comment");
		goto out;
	}

	if (env->kind == RULE_KIND_TRIGGER) {
		r = rule_cond(env, rule, &cause, NULL);
		if (r == -1) {
			xasprintf(&res->reason, "%s: %s",
			    emu_err_name(EMU_E_BADRULE), cause);
			rule_fail(env, res, EMU_E_BADRULE, res->reason);
		} else if (r == 1)
			res->rc = RULE_NOURL;
		else {
			res->rc = RULE_SKIP;
			res->reason = xstrdup("condition is false");
		}
		goto out;
	}

	/* 3, 4: split into alternatives and parse each of them. */
	parts = rule_split(rule, &nalts);
	alts = xcalloc(nalts, sizeof *alts);
	for (i = 0; i < nalts; i++) {
		if (rule_parse_alt(parts[i], &alts[i], &cause) != 0)
			break;
		if (alts[i].cond == NULL && i != nalts - 1) {
			/* 5.3.1, B32: only the last may lack a condition. */
			cause = xstrdup("has no condition but is not the last");
			break;
		}
	}
	if (i != nalts) {
		char	*why;

		xasprintf(&why, "%s: alternative %zu: %s",
		    emu_err_name(EMU_E_BADRULE), i + 1, cause);
		rule_fail(env, res, EMU_E_BADRULE, why);
		free(why);
		goto out;
	}

	/*
	 * The conditions as written, before expansion, to say why one did
	 * not hold; only when the text splits the same way.
	 */
	rawcopy = xstrdup(text);
	raw = rule_split(rule_trim(rawcopy), &nraw);
	for (j = 0; j < nraw; j++) {
		char	*c = rule_raw_cond(raw, nraw, nalts, j);

		free(raw[j]);
		raw[j] = c;
	}
	raw = xreallocarray(raw, nalts > nraw ? nalts : nraw, sizeof *raw);
	for (j = nraw; j < nalts; j++)
		raw[j] = NULL;
	if (nalts > nraw)
		nraw = nalts;

	/* 5.3.1, B30: the first true condition, or no condition, wins. */
	for (i = 0; i < nalts; i++) {
		char	*why = NULL;

		if (alts[i].cond == NULL) {
			alt = &alts[i];
			break;
		}
		r = rule_cond(env, alts[i].cond, &cause, &why);
		if (r == -1) {
			char	*e;

			e = pf_escape(alts[i].cond, strlen(alts[i].cond));
			rule_log(env, "%s: alternative %zu: condition \"%s\": "
			    "%s (taken as false)", rule_kind_name(env->kind),
			    i + 1, e, cause);
			free(e);
			rule_skipped(res, i, raw[i], alts[i].cond, cause);
			free(cause);
			cause = NULL;
		} else if (r == 1) {
			alt = &alts[i];
			break;
		} else {
			rule_skipped(res, i, raw[i], alts[i].cond, why);
		}
		free(why);
	}
	for (j = 0; j < nraw; j++)
		free(raw[j]);
	free(raw);
	free(rawcopy);
	if (alt == NULL) {
		/* B31: all false: skipped, the next rule runs. */
		res->rc = RULE_SKIP;
		res->reason = xstrdup("no condition is true");
		goto out;
	}

	/* 5.3.3, B36: assignments, before the fetch. */
	for (j = 0; j < alt->nassign; j++) {
		char	*why = NULL;

		if (env->assign == NULL)
			break;
		if (env->assign(env->arg, alt->assign[j].name,
		    alt->assign[j].value, &why) != 0) {
			rule_log(env, "%s: assignment to %s: %s",
			    rule_kind_name(env->kind), alt->assign[j].name,
			    why != NULL ? why : "refused");
		}
		free(why);
	}

	if (!alt->has_url) {
		res->rc = RULE_NOURL;
		res->reason = xstrdup("the chosen alternative has no URL");
		goto out;
	}
	if (alt->gds) {
		if (env->kind == RULE_KIND_UPGRADE) {
			rule_fail(env, res, EMU_E_BADRULE, "bad profile rule: "
			    "gds:// is not valid in an upgrade rule");
			goto out;
		}
		res->rc = RULE_GDS;
		goto out;
	}

	/* 5.7: an upgrade keeps --uid and --pwd only. */
	if (env->kind == RULE_KIND_UPGRADE) {
		free(alt->key);
		alt->key = NULL;
		alt->post = alt->alias = -1;
		alt->srv = alt->delta = alt->status = 0;
	}

	if (alt->srv && alt->scheme == RULE_TFTP) {
		/* 4.3: the exact text, whatever the server. */
		rule_fail(env, res, EMU_E_SRVTFTP,
		    emu_err_name(EMU_E_SRVTFTP));
		goto out;
	}

	/* 5.4: the server. */
	if (alt->host != NULL)
		res->host = xstrdup(alt->host);
	else if (env->kind == RULE_KIND_UPGRADE) {
		/* 5.7: never from DHCP for an upgrade. */
		rule_fail(env, res, EMU_E_NOSERVER,
		    "no server: an upgrade URL must name its server");
		goto out;
	} else if ((server = env->dhcp_server) != NULL && *server != '\0') {
		res->host = xstrdup(server);
		res->host_from_dhcp = 1;
	} else if ((server = env->prev_server) != NULL && *server != '\0')
		res->host = xstrdup(server);
	else {
		/* B26: no host and no DHCP server: class C. */
		rule_fail(env, res, EMU_E_NOSERVER,
		    "no server: the URL has no host and there is no DHCP "
		    "provisioning server");
		goto out;
	}
	res->rc = RULE_FETCH;
	res->scheme = alt->scheme;
	/* B28: 69, 80 or 443 unless the URL names a port. */
	res->port = alt->port != 0 ? alt->port :
	    rule_default_port[alt->scheme];
	res->path = xstrdup(alt->path);
	res->post = alt->scheme == RULE_TFTP ? -1 : alt->post;
	res->alias = alt->alias;
	res->srv = alt->srv;
	res->delta = alt->delta;
	res->status = alt->status;
	/* 5.1 step 5, B38: $SA..$SD inside these arguments only. */
	if (alt->key != NULL)
		res->key = rule_arg(env, alt->key, 0, NULL);
	if (alt->uid != NULL)
		res->uid = rule_arg(env, alt->uid, 1, &res->uid_secret);
	if (alt->pwd != NULL)
		res->pwd = rule_arg(env, alt->pwd, 1, NULL);

out:
	for (i = 0; i < nalts; i++) {
		rule_alt_free(&alts[i]);
		free(parts[i]);
	}
	free(alts);
	free(parts);
	free(cause);
	free(expanded);
	return (res->rc);
}

/*
 * A Resync_Trigger_* (3.3, 5.7): a bare cond-expr, expanded first.  Returns
 * 1 when it holds; 0 when it does not or is empty (the caller decides what an
 * empty trigger means); -1 when it cannot be evaluated (logged).
 */
int
rule_trigger(const char *text, const struct rule_env *env)
{
	char	*expanded, *cond, *cause = NULL, *e;
	int	 r;

	expanded = macro_expand(text == NULL ? "" : text, 0, env->lookup,
	    env->arg);
	cond = rule_trim(expanded);
	if (*cond == '\0') {
		free(expanded);
		return (0);
	}
	r = rule_cond(env, cond, &cause, NULL);
	if (r == -1) {
		e = pf_escape(cond, strlen(cond));
		rule_log(env, "trigger \"%s\": %s", e, cause);
		free(e);
		free(cause);
	}
	free(expanded);
	return (r);
}

/*
 * Compare two firmware versions (5.3.2).  Returns 0 with -1, 0 or 1 in *cmp,
 * or -1 if either is not a version.
 */
int
rule_version_cmp(const char *a, const char *b, int *cmp)
{
	struct rule_ver	va, vb;

	if (rule_ver_parse(a, strlen(a), &va) != 0 ||
	    rule_ver_parse(b, strlen(b), &vb) != 0)
		return (-1);
	*cmp = rule_ver_compare(&va, &vb);
	return (0);
}

const char *
rule_scheme_name(enum rule_scheme s)
{
	if ((unsigned)s >= nitems(rule_scheme_names))
		return ("?");
	return (rule_scheme_names[s]);
}

/*
 * The "phonefleet rule expand" text: the URL with its port, then one line
 * per option in effect.  Secrets are never written: key and pwd always
 * "(hidden)", uid too when it came from $SA..$SD.
 */
void
rule_result_format(const struct rule_result *res, struct dbuf *out)
{
	char	*e;

	if (res->rc == RULE_GDS) {
		dbuf_add_str(out, "gds://\n");
		return;
	}
	if (res->rc != RULE_FETCH)
		return;
	dbuf_printf(out, "%s://%s:%u%s\n", rule_scheme_name(res->scheme),
	    res->host, (unsigned)res->port, res->path);
	dbuf_printf(out, "method: %s\n", res->post >= 0 ? "POST" : "GET");
	if (res->post >= 0)
		dbuf_printf(out, "post: GPP_%c\n", 'A' + res->post);
	if (res->srv)
		dbuf_add_str(out, "srv: yes\n");
	if (res->key != NULL)
		dbuf_add_str(out, "key: (hidden)\n");
	if (res->uid != NULL) {
		if (*res->uid == '\0')
			dbuf_add_str(out, "uid: (empty: no credentials)\n");
		else if (res->uid_secret)
			dbuf_add_str(out, "uid: (hidden)\n");
		else {
			e = pf_escape(res->uid, strlen(res->uid));
			dbuf_printf(out, "uid: %s\n", e);
			free(e);
		}
	}
	if (res->pwd != NULL)
		dbuf_add_str(out, "pwd: (hidden)\n");
	if (res->alias >= 0)
		dbuf_printf(out, "alias: GPP_%c\n", 'A' + res->alias);
	if (res->delta)
		dbuf_add_str(out, "delta: yes\n");
	if (res->status)
		dbuf_add_str(out, "status: yes\n");
	if (res->host_from_dhcp)
		dbuf_add_str(out, "server-from: dhcp\n");
}

/* White space between tokens: the EBNF's space and tab, and line breaks. */
static int
rule_is_ws(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

static const char *
rule_skip_ws(const char *p)
{
	while (rule_is_ws((unsigned char)*p))
		p++;
	return (p);
}

/* Strips white space in place; returns the first non-blank character. */
static char *
rule_trim(char *s)
{
	size_t	len;

	s = (char *)rule_skip_ws(s);
	len = strlen(s);
	while (len > 0 && rule_is_ws((unsigned char)s[len - 1]))
		len--;
	s[len] = '\0';
	return (s);
}

static const char *
rule_kind_name(enum rule_kind kind)
{
	switch (kind) {
	case RULE_KIND_UPGRADE:
		return ("upgrade rule");
	case RULE_KIND_TRIGGER:
		return ("trigger");
	default:
		return ("profile rule");
	}
}

/* The first c after p outside "..." quotes, or NULL. */
static const char *
rule_close(const char *p, int c)
{
	int	inq = 0;

	for (; *p != '\0'; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && *p == c)
			return (p);
	}
	return (NULL);
}

/*
 * Split at "|" outside quotes and brackets (5.1 step 3).  Returns trimmed
 * copies, *n of them (at least one).
 */
static char **
rule_split(const char *s, size_t *n)
{
	char		**parts = NULL, *part;
	const char	 *start = s, *p;
	size_t		  cnt = 0;
	int		  inq = 0, inb = 0;

	for (p = s;; p++) {
		if (*p == '"')
			inq = !inq;
		else if (!inq && *p == '[')
			inb = 1;
		else if (!inq && *p == ']')
			inb = 0;
		else if (*p == '\0' || (!inq && !inb && *p == '|')) {
			part = xstrndup(start, p - start);
			parts = xreallocarray(parts, cnt + 1, sizeof *parts);
			parts[cnt++] = part;
			if (*p == '\0')
				break;
			start = p + 1;
		}
	}
	for (*n = 0; *n < cnt; (*n)++) {
		part = rule_trim(parts[*n]);
		memmove(parts[*n], part, strlen(part) + 1);
	}
	return (parts);
}

static void
rule_alt_free(struct rule_alt *alt)
{
	size_t	i;

	for (i = 0; i < alt->nassign; i++) {
		free(alt->assign[i].name);
		free(alt->assign[i].value);
	}
	free(alt->assign);
	free(alt->cond);
	free(alt->host);
	free(alt->path);
	free(alt->key);
	free(alt->uid);
	free(alt->pwd);
}

/*
 * alternative = [ condition ] [ assignment ] [ [ options ] url ]  (5.2).
 * s is trimmed.  Returns 0, or -1 with *cause.
 */
static int
rule_parse_alt(char *s, struct rule_alt *alt, char **cause)
{
	const char	*p = s, *q, *r;

	memset(alt, 0, sizeof *alt);
	alt->post = alt->alias = -1;

	if (*p == '(') {
		if ((q = rule_close(p + 1, ')')) == NULL) {
			*cause = xstrdup("missing \")\"");
			return (-1);
		}
		r = rule_skip_ws(q + 1);
		if (*r == '?') {
			alt->cond = xstrndup(p + 1, q - p - 1);
			p = rule_skip_ws(r + 1);
		} else if (*r != '!') {
			*cause = xstrdup("\"(...)\" is followed by neither "
			    "\"?\" nor \"!\"");
			return (-1);
		}
	}
	if (*p == '(') {
		if ((q = rule_close(p + 1, ')')) == NULL) {
			*cause = xstrdup("missing \")\"");
			return (-1);
		}
		r = rule_skip_ws(q + 1);
		if (*r != '!') {
			*cause = xstrdup("assignment not followed by \"!\"");
			return (-1);
		}
		if (rule_parse_assign(p + 1, q, alt, cause) != 0)
			return (-1);
		p = rule_skip_ws(r + 1);
	}
	if (*p == '[') {
		if ((q = rule_close(p + 1, ']')) == NULL) {
			*cause = xstrdup("missing \"]\"");
			return (-1);
		}
		if (rule_parse_options(p + 1, q, alt, cause) != 0)
			return (-1);
		p = rule_skip_ws(q + 1);
		if (*p == '\0') {
			*cause = xstrdup("options without a URL");
			return (-1);
		}
	}
	if (*p != '\0')
		return (rule_parse_url(p, alt, cause));
	return (0);
}

/* { pname = "value" ; } between p and end (5.3.3). */
static int
rule_parse_assign(const char *p, const char *end, struct rule_alt *alt,
    char **cause)
{
	const char	*name, *val, *q;
	size_t		 namelen;
	int		 letter;
	char		*full;

	for (;;) {
		p = rule_skip_ws(p);
		if (p >= end)
			return (0);
		name = p;
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    *p == '_')) {
			*cause = xstrdup("assignment: bad parameter name");
			return (-1);
		}
		while (p < end && ((*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '-' || *p == '.'))
			p++;
		namelen = p - name;
		p = rule_skip_ws(p);
		if (p >= end || *p != '=') {
			*cause = xstrdup("assignment: expected \"=\"");
			return (-1);
		}
		p = rule_skip_ws(p + 1);
		if (p >= end || *p != '"') {
			*cause = xstrdup("assignment: value must be quoted");
			return (-1);
		}
		val = p + 1;
		q = strchr(val, '"');
		if (q == NULL || q >= end) {
			*cause = xstrdup("assignment: missing closing quote");
			return (-1);
		}
		p = rule_skip_ws(q + 1);
		if (p >= end || *p != ';') {
			*cause = xstrdup("assignment: expected \";\"");
			return (-1);
		}
		p++;

		if ((letter = rule_gpp_letter(name, namelen)) >= 0)
			xasprintf(&full, "GPP_%c", 'A' + letter);
		else
			full = xstrndup(name, namelen);
		alt->assign = xreallocarray(alt->assign, alt->nassign + 1,
		    sizeof *alt->assign);
		alt->assign[alt->nassign].name = full;
		alt->assign[alt->nassign].value = xstrndup(val, q - val);
		alt->nassign++;
	}
}

/* option { ws1 option } between p and end (5.2, 5.3.4). */
static int
rule_parse_options(const char *p, const char *end, struct rule_alt *alt,
    char **cause)
{
	const char	*tok, *arg, *q;
	size_t		 len, arglen, count = 0;
	char		**dst, *e;
	int		 letter;

	for (;; count++) {
		p = rule_skip_ws(p);
		if (p >= end && count == 0) {
			*cause = xstrdup("empty option block");
			return (-1);
		}
		if (p >= end)
			return (0);
		tok = p;
		while (p < end && !rule_is_ws((unsigned char)*p))
			p++;
		len = p - tok;

		dst = NULL;
		if (len == 5 && strncmp(tok, "--key", 5) == 0)
			dst = &alt->key;
		else if (len == 5 && strncmp(tok, "--uid", 5) == 0)
			dst = &alt->uid;
		else if (len == 5 && strncmp(tok, "--pwd", 5) == 0)
			dst = &alt->pwd;
		if (dst != NULL) {
			p = rule_skip_ws(p);
			if (p >= end || (end - p >= 2 && p[0] == '-' &&
			    p[1] == '-')) {
				/*
				 * 5.2 (revised): macros were expanded first,
				 * so "[--uid $MUID --pwd $MPWD]" may leave an
				 * option with nothing after it: an empty value.
				 */
				free(*dst);
				*dst = xstrdup("");
				continue;
			}
			if (*p == '"') {
				arg = p + 1;
				q = strchr(arg, '"');
				if (q == NULL || q >= end) {
					xasprintf(cause, "option %.*s: missing "
					    "closing quote", (int)len, tok);
					return (-1);
				}
				arglen = q - arg;
				p = q + 1;
				if (p < end && !rule_is_ws((unsigned char)*p)) {
					xasprintf(cause, "option %.*s: text "
					    "after the closing quote",
					    (int)len, tok);
					return (-1);
				}
			} else {
				arg = p;
				while (p < end &&
				    !rule_is_ws((unsigned char)*p))
					p++;
				arglen = p - arg;
			}
			free(*dst);
			*dst = xstrndup(arg, arglen);
			continue;
		}

		if ((len == 6 && strncmp(tok, "--post", 6) == 0) ||
		    (len == 7 && strncmp(tok, "--alias", 7) == 0)) {
			p = rule_skip_ws(p);
			arg = p;
			while (p < end && !rule_is_ws((unsigned char)*p))
				p++;
			if (arg == tok + len ||
			    (letter = rule_gpp_letter(arg, p - arg)) < 0) {
				xasprintf(cause, "option %.*s needs a letter "
				    "a..p", (int)len, tok);
				return (-1);
			}
			if (tok[2] == 'p')
				alt->post = letter;
			else
				alt->alias = letter;
			continue;
		}

		if (len == 5 && strncmp(tok, "--srv", 5) == 0)
			alt->srv = 1;
		else if (len == 7 && strncmp(tok, "--delta", 7) == 0)
			alt->delta = 1;
		else if (len == 8 && strncmp(tok, "--status", 8) == 0)
			alt->status = 1;
		else {
			e = pf_escape(tok, len);
			xasprintf(cause, "unknown option \"%s\"", e);
			free(e);
			return (-1);
		}
	}
}

/* url = "gds://" | [ scheme "://" ] [ host [ ":" port ] ] path  (5.2). */
static int
rule_parse_url(const char *u, struct rule_alt *alt, char **cause)
{
	const char	*p, *rest, *slash, *colon;
	size_t		 n, i;
	uint64_t	 port;
	char		*e, *s;

	for (p = u; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			e = pf_escape(u, strlen(u));
			xasprintf(cause, "\"%s\": white space or control "
			    "character in the URL", e);
			free(e);
			return (-1);
		}
	}
	alt->has_url = 1;
	if (pf_strcasecmp_ascii(u, "gds://") == 0) {
		alt->gds = 1;
		return (0);
	}

	for (n = 0; (u[n] >= 'a' && u[n] <= 'z') ||
	    (u[n] >= 'A' && u[n] <= 'Z'); n++)
		;
	alt->scheme = RULE_TFTP;	/* B27: no scheme is TFTP */
	rest = u;
	if (n != 0 && strncmp(u + n, "://", 3) == 0) {
		for (i = 0; i < nitems(rule_scheme_names); i++) {
			if (strlen(rule_scheme_names[i]) == n &&
			    strncasecmp(u, rule_scheme_names[i], n) == 0)
				break;
		}
		if (i == nitems(rule_scheme_names)) {
			e = pf_escape(u, n);
			xasprintf(cause, "unsupported scheme \"%s\"", e);
			free(e);
			return (-1);
		}
		alt->scheme = i;
		rest = u + n + 3;
	}

	if ((slash = strchr(rest, '/')) == NULL) {
		e = pf_escape(u, strlen(u));
		xasprintf(cause, "\"%s\": the URL has no path", e);
		free(e);
		return (-1);
	}
	if (slash != rest) {
		colon = memchr(rest, ':', slash - rest);
		n = (colon != NULL ? colon : slash) - rest;
		for (i = 0; i < n; i++) {
			if (!((rest[i] >= 'a' && rest[i] <= 'z') ||
			    (rest[i] >= 'A' && rest[i] <= 'Z') ||
			    (rest[i] >= '0' && rest[i] <= '9') ||
			    rest[i] == '.' || rest[i] == '-' ||
			    rest[i] == '_'))
				break;
		}
		if (n == 0 || i != n) {
			e = pf_escape(rest, slash - rest);
			xasprintf(cause, "bad server \"%s\"", e);
			free(e);
			return (-1);
		}
		if (colon != NULL) {
			s = xstrndup(colon + 1, slash - colon - 1);
			if (strlen(s) > 5 ||
			    parse_uint(s, 1, 65535, &port, NULL) != 0) {
				e = pf_escape(s, strlen(s));
				xasprintf(cause, "bad port \"%s\": must be "
				    "1..65535", e);
				free(e);
				free(s);
				return (-1);
			}
			free(s);
			alt->port = port;
		}
		alt->host = xstrndup(rest, n);
	}
	alt->path = xstrdup(slash);
	return (0);
}

/* a..p -> 0..15, else -1. */
static int
rule_gpp_letter(const char *s, size_t len)
{
	if (len == 1 && s[0] >= 'a' && s[0] <= 'p')
		return (s[0] - 'a');
	return (-1);
}

/*
 * The condition of raw alternative i as written (before expansion), or
 * NULL when the raw text does not split into as many alternatives as the
 * expanded one or does not start with "(".  Caller frees.
 */
static char *
rule_raw_cond(char **raw, size_t nraw, size_t nalts, size_t i)
{
	const char	*q;

	if (nraw != nalts || raw[i][0] != '(' ||
	    (q = rule_close(raw[i] + 1, ')')) == NULL)
		return (NULL);
	return (xstrndup(raw[i] + 1, q - raw[i] - 1));
}

/*
 * "phonefleet rule expand" says why each alternative was passed over:
 *	skipped alternative 1: ("$EMS" eq "mobile") is false: "0" eq "mobile"
 * raw is the condition as written (or NULL), cond as expanded, why the
 * comparison that failed or the reason it could not be evaluated.
 */
static void
rule_skipped(struct rule_result *res, size_t i, const char *raw,
    const char *cond, const char *why)
{
	struct dbuf	 b;
	char		*c, *w;

	if (raw == NULL)
		raw = cond;
	c = rule_printable(raw);
	dbuf_init(&b);
	if (res->skipped != NULL)
		dbuf_add_str(&b, res->skipped);
	dbuf_printf(&b, "skipped alternative %zu: (%s) is false", i + 1, c);
	if (why != NULL && strcmp(why, raw) != 0) {
		w = rule_printable(why);
		dbuf_printf(&b, ": %s", w);
		free(w);
	}
	dbuf_add_str(&b, "\n");
	dbuf_add(&b, "", 1);
	free(c);
	free(res->skipped);
	res->skipped = (char *)b.data;
}

/*
 * A condition for a one-line message: quotes stay as written (the text is
 * not itself quoted), other bytes outside printable ASCII become \xNN.
 */
static char *
rule_printable(const char *s)
{
	char	*out, *p;

	out = p = xmalloc(strlen(s) * 4 + 1);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			*p++ = *s;
		else
			p += sprintf(p, "\\x%02x", (unsigned char)*s);
	}
	*p = '\0';
	return (out);
}

/* A condition token as written: strings in quotes. */
static char *
rule_tok_text(const struct rule_tok *t)
{
	char	*s;

	if (t->type == RULE_TOK_STR)
		xasprintf(&s, "\"%.*s\"", (int)t->len, t->s);
	else
		s = xstrndup(t->s, t->len);
	return (s);
}

/*
 * cond-expr = comparison { ws1 ( "and" | "AND" ) ws1 comparison }.  Every
 * comparison is evaluated, so an error anywhere is reported.  Returns 1, 0,
 * or -1 with *cause.  When it is 0 and why is not NULL, *why is the first
 * comparison that failed, as the operands read after expansion.
 */
static int
rule_cond(const struct rule_env *env, const char *text, char **cause,
    char **why)
{
	struct rule_tok		*tok = NULL, swver, *lhs;
	struct rule_val		 a, b;
	const char		*v;
	char			 tmp[128];
	size_t			 n, pos = 0;
	enum rule_relop		 op;
	int			 result = 1, r, nth = 0;

	if (rule_cond_tokens(text, &tok, &n, cause) != 0)
		return (-1);
	if (n == 0) {
		*cause = xstrdup("empty condition");
		goto fail;
	}
	for (;;) {
		nth++;
		/* Legacy (5.3.2, MAY): no left operand means $SWVER. */
		lhs = NULL;
		if (rule_tok_relop(&tok[pos], &op) == 0) {
			v = NULL;
			if (env->lookup != NULL)
				v = env->lookup(env->arg, "SWVER", 5, tmp,
				    sizeof tmp);
			memset(&swver, 0, sizeof swver);
			swver.type = RULE_TOK_BARE;
			swver.s = v != NULL ? v : "";
			swver.len = strlen(swver.s);
			if (rule_operand(&swver, &a, cause) != 0)
				goto fail;
		} else {
			lhs = &tok[pos];
			if (rule_operand(&tok[pos++], &a, cause) != 0)
				goto fail;
		}

		if (pos >= n) {
			xasprintf(cause, "comparison %d has no operator", nth);
			goto fail;
		}
		if (rule_tok_relop(&tok[pos], &op) != 0) {
			xasprintf(cause, "comparison %d: unknown operator",
			    nth);
			goto fail;
		}
		pos++;
		if (pos >= n || rule_tok_relop(&tok[pos], &op) == 0) {
			xasprintf(cause, "comparison %d has no right operand",
			    nth);
			goto fail;
		}
		if (rule_operand(&tok[pos++], &b, cause) != 0)
			goto fail;
		if ((r = rule_compare(&a, op, &b, cause)) == -1)
			goto fail;
		if (r == 0 && result == 1 && why != NULL) {
			char	*ta, *tb;

			ta = lhs != NULL ? rule_tok_text(lhs) :
			    rule_tok_text(&swver);
			tb = rule_tok_text(&tok[pos - 1]);
			xasprintf(why, "%s %.*s %s", ta, (int)tok[pos - 2].len,
			    tok[pos - 2].s, tb);
			free(ta);
			free(tb);
		}
		if (r == 0)
			result = 0;

		if (pos == n)
			break;
		if (tok[pos].type != RULE_TOK_BARE || tok[pos].len != 3 ||
		    (strncmp(tok[pos].s, "and", 3) != 0 &&
		    strncmp(tok[pos].s, "AND", 3) != 0)) {
			xasprintf(cause, "expected \"and\" after comparison "
			    "%d", nth);
			goto fail;
		}
		if (++pos == n) {
			*cause = xstrdup("nothing after \"and\"");
			goto fail;
		}
	}
	free(tok);
	return (result);

fail:
	free(tok);
	return (-1);
}

/* An operator token, or a bare eq/ne/lt/le/gt/ge: 0 and *op. */
static int
rule_tok_relop(const struct rule_tok *t, enum rule_relop *op)
{
	size_t	k;

	if (t->type == RULE_TOK_OP) {
		*op = t->op;
		return (0);
	}
	if (t->type != RULE_TOK_BARE || t->len != 2)
		return (-1);
	for (k = 0; k < nitems(rule_relop_words); k++) {
		if (strncmp(t->s, rule_relop_words[k], 2) == 0) {
			*op = k;
			return (0);
		}
	}
	return (-1);
}

/* Quoted strings, operators and bare words of a condition. */
static int
rule_cond_tokens(const char *p, struct rule_tok **out, size_t *n,
    char **cause)
{
	struct rule_tok	*tok = NULL, *t;
	const char	*q;
	size_t		 cnt = 0;

	for (;;) {
		p = rule_skip_ws(p);
		if (*p == '\0')
			break;
		tok = xreallocarray(tok, cnt + 1, sizeof *tok);
		t = &tok[cnt++];
		memset(t, 0, sizeof *t);
		if (*p == '"') {
			if ((q = strchr(p + 1, '"')) == NULL) {
				*cause = xstrdup("missing closing quote");
				free(tok);
				return (-1);
			}
			t->type = RULE_TOK_STR;
			t->s = p + 1;
			t->len = q - p - 1;
			p = q + 1;
		} else if (strchr("=!<>", *p) != NULL) {
			t->type = RULE_TOK_OP;
			t->s = p;
			if (p[1] == '=' && *p != '=') {
				t->op = *p == '!' ? RULE_NE :
				    *p == '<' ? RULE_LE : RULE_GE;
				p += 2;
			} else {
				/* A lone "!" is legacy "!=" (5.3.2, MAY). */
				t->op = *p == '=' ? RULE_EQ :
				    *p == '!' ? RULE_NE :
				    *p == '<' ? RULE_LT : RULE_GT;
				p++;
			}
			t->len = p - t->s;
		} else {
			t->type = RULE_TOK_BARE;
			t->s = p;
			while (*p != '\0' && !rule_is_ws((unsigned char)*p) &&
			    strchr("\"=!<>", *p) == NULL)
				p++;
			t->len = p - t->s;
		}
	}
	*out = tok;
	*n = cnt;
	return (0);
}

/* Operand types (5.3.2): quoted string, integer, else a version. */
static int
rule_operand(const struct rule_tok *t, struct rule_val *v, char **cause)
{
	char	*e;

	memset(v, 0, sizeof *v);
	v->str.s = t->s;
	v->str.len = t->len;
	if (t->type == RULE_TOK_STR) {
		v->type = RULE_V_STR;
		return (0);
	}
	if (rule_int_parse(t->s, t->len, &v->i) == 0) {
		v->type = RULE_V_INT;
		return (0);
	}
	if (rule_ver_parse(t->s, t->len, &v->ver) == 0) {
		v->type = RULE_V_VER;
		return (0);
	}
	e = pf_escape(t->s, t->len);
	xasprintf(cause, "\"%s\" is neither an integer nor a version", e);
	free(e);
	return (-1);
}

/* 1 holds, 0 does not, -1 with *cause when the operands do not fit. */
static int
rule_compare(const struct rule_val *a, enum rule_relop op,
    const struct rule_val *b, char **cause)
{
	int	c;

	if (a->type != b->type) {
		xasprintf(cause, "cannot compare a %s with a %s",
		    rule_val_names[a->type], rule_val_names[b->type]);
		return (-1);
	}
	switch (a->type) {
	case RULE_V_STR:
		/* B35: a string with lt: false, and the reason logged. */
		if (op != RULE_EQ && op != RULE_NE) {
			xasprintf(cause, "strings allow only = and != "
			    "(eq, ne), not %s", rule_relop_words[op]);
			return (-1);
		}
		c = a->str.len != b->str.len ||
		    memcmp(a->str.s, b->str.s, a->str.len) != 0;
		break;
	case RULE_V_INT:
		c = a->i < b->i ? -1 : a->i > b->i;
		break;
	default:
		c = rule_ver_compare(&a->ver, &b->ver);
		break;
	}
	switch (op) {
	case RULE_EQ:
		return (c == 0);
	case RULE_NE:
		return (c != 0);
	case RULE_LT:
		return (c < 0);
	case RULE_LE:
		return (c <= 0);
	case RULE_GT:
		return (c > 0);
	default:
		return (c >= 0);
	}
}

/* [+-] decimal digits, or [+-] 0x hex digits (5.3.2); 0 if it is one. */
static int
rule_int_parse(const char *s, size_t len, int64_t *v)
{
	uint64_t	n = 0, limit, d;
	size_t		i = 0;
	int		neg = 0, base = 10;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' ||
	    s[i + 1] == 'X')) {
		base = 16;
		i += 2;
	}
	if (i == len)
		return (-1);
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = s[i] - 'a' + 10;
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = s[i] - 'A' + 10;
		else
			return (-1);
		if (n > (limit - d) / base)
			return (-1);
		n = n * base + d;
	}
	if (neg)
		*v = n == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)n;
	else
		*v = n;
	return (0);
}

/*
 * sip<family>.<v1>-<v2>-<v3>[-<v4>]-<build>[.loads] (5.3.2).  The "sip..."
 * prefix goes up to the first "."; the last all-digit field is the build.
 * Without the prefix a version needs a "-" (so a bare word is not one).
 * Fields are letters and digits only, which makes dotted forms (11.0.0)
 * invalid.  v points into s.
 */
static int
rule_ver_parse(const char *s, size_t len, struct rule_ver *v)
{
	struct rule_span	 f[RULE_VER_FIELDS + 1];
	const char		*dot, *p, *end;
	size_t			 nf = 0, i, k;
	int			 prefix = 0, digits;

	memset(v, 0, sizeof *v);
	if (len >= 3 && strncasecmp(s, "sip", 3) == 0) {
		if ((dot = memchr(s, '.', len)) == NULL)
			return (-1);
		len -= dot + 1 - s;
		s = dot + 1;
		prefix = 1;
	}
	if (len >= 6 && strncasecmp(s + len - 6, ".loads", 6) == 0)
		len -= 6;
	if (len == 0)
		return (-1);

	end = s + len;
	for (p = s; p <= end; p = f[nf - 1].s + f[nf - 1].len + 1) {
		if (nf == nitems(f))
			return (-1);
		f[nf].s = p;
		while (p < end && *p != '-')
			p++;
		f[nf].len = p - f[nf].s;
		if (f[nf].len == 0)
			return (-1);
		for (k = 0; k < f[nf].len; k++) {
			char	c = f[nf].s[k];

			if (!((c >= '0' && c <= '9') ||
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
				return (-1);
		}
		nf++;
	}
	if (!prefix && nf < 2)
		return (-1);
	if (f[0].s[0] < '0' || f[0].s[0] > '9')
		return (-1);

	if (nf >= 2) {
		digits = 1;
		for (k = 0; k < f[nf - 1].len; k++) {
			if (f[nf - 1].s[k] < '0' || f[nf - 1].s[k] > '9')
				digits = 0;
		}
		if (digits)
			v->build = f[--nf];
	}
	if (nf > RULE_VER_FIELDS)
		return (-1);
	for (i = 0; i < nf; i++) {
		for (k = 0; k < f[i].len; k++) {
			if (f[i].s[k] < '0' || f[i].s[k] > '9')
				break;
		}
		v->num[i].s = f[i].s;
		v->num[i].len = k;
		v->rest[i].s = f[i].s + k;
		v->rest[i].len = f[i].len - k;
	}
	v->n = nf;
	return (0);
}

/* B34: field by field: leading integer, then the rest; then the build. */
static int
rule_ver_compare(const struct rule_ver *a, const struct rule_ver *b)
{
	static const struct rule_span	 none = { "", 0 };
	size_t				 i, n;
	int				 c;

	n = a->n > b->n ? a->n : b->n;
	for (i = 0; i < n; i++) {
		c = rule_digits_cmp(i < a->n ? &a->num[i] : &none,
		    i < b->n ? &b->num[i] : &none);
		if (c != 0)
			return (c);
		c = rule_span_cmp(i < a->n ? &a->rest[i] : &none,
		    i < b->n ? &b->rest[i] : &none);
		if (c != 0)
			return (c);
	}
	return (rule_digits_cmp(&a->build, &b->build));
}

/* Compare digit strings as numbers of any length (empty is 0). */
static int
rule_digits_cmp(const struct rule_span *a, const struct rule_span *b)
{
	struct rule_span	x = *a, y = *b;

	while (x.len > 0 && *x.s == '0') {
		x.s++;
		x.len--;
	}
	while (y.len > 0 && *y.s == '0') {
		y.s++;
		y.len--;
	}
	if (x.len != y.len)
		return (x.len < y.len ? -1 : 1);
	return (rule_span_cmp(&x, &y));
}

/* Byte order; a prefix sorts first.  -1, 0 or 1. */
static int
rule_span_cmp(const struct rule_span *a, const struct rule_span *b)
{
	size_t	n = a->len < b->len ? a->len : b->len;
	int	c;

	if (n != 0 && (c = memcmp(a->s, b->s, n)) != 0)
		return (c < 0 ? -1 : 1);
	if (a->len != b->len)
		return (a->len < b->len ? -1 : 1);
	return (0);
}

static void
rule_log(const struct rule_env *env, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (env->log == NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (msg == NULL)
		return;
	env->log(env->arg, msg);
	free(msg);
}

/* RULE_ERROR: errmsg is the $ERR text; why goes to the log. */
static enum rule_rc
rule_fail(const struct rule_env *env, struct rule_result *res,
    enum emu_err err, const char *why)
{
	char	*copy;

	res->rc = RULE_ERROR;
	res->err = err;
	free(res->errmsg);
	res->errmsg = xstrdup(emu_err_name(err));
	copy = xstrdup(why);
	free(res->reason);
	res->reason = copy;
	rule_log(env, "%s: %s", rule_kind_name(env->kind), res->reason);
	return (res->rc);
}

/*
 * A --key, --uid or --pwd argument: $SA..$SD expanded now and only here
 * (5.1 step 5), then for uid and pwd the \NNN octal escapes (5.3.4).
 * *secret (if not NULL) says whether $SA..$SD appeared.
 */
static char *
rule_arg(const struct rule_env *env, const char *arg, int octal, int *secret)
{
	struct rule_secret	 ctx = { env, 0 };
	char			*s, *in, *out;
	unsigned		 c;

	s = macro_expand(arg, MACRO_ONLY_SECRETS, rule_secret_cb, &ctx);
	if (secret != NULL)
		*secret = ctx.used;
	if (!octal)
		return (s);
	for (in = out = s; *in != '\0'; in++) {
		if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' &&
		    in[2] >= '0' && in[2] <= '7' &&
		    in[3] >= '0' && in[3] <= '7') {
			c = (in[1] - '0') * 64 + (in[2] - '0') * 8 +
			    (in[3] - '0');
			if (c != 0) {
				*out++ = c;
				in += 3;
				continue;
			}
		}
		*out++ = *in;
	}
	*out = '\0';
	return (s);
}

static const char *
rule_secret_cb(void *arg, const char *name, size_t len, char *tmp,
    size_t size)
{
	struct rule_secret	*ctx = arg;
	const struct rule_env	*env = ctx->env;

	ctx->used = 1;
	if (env->lookup == NULL)
		return (NULL);
	return (env->lookup(env->arg, name, len, tmp, size));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The flat-profile parser (spec 8) and its cache.  A decoded body becomes a
 * struct profile: the parameters to apply, in document order, and a note for
 * every element that was ignored or rejected.  Applying is the phone's
 * business (prov.c); this module only parses, checks values against the
 * schema (param.c) and interns them, checked first so that a rejected value
 * is never interned.  A profile holds a reference to each name and value.
 *
 * libxml2 reads from memory with XML_PARSE_NONET and without NOENT or
 * DTDLOAD.  phonefleet's choice: a document with a DOCTYPE is corrupt.  A
 * flat profile never needs one, and a DOCTYPE is the only way to declare
 * entities (billion laughs, external entities), so the parser is stopped as
 * soon as one starts.  Input is read as UTF-8 whatever it declares (spec 8.2:
 * other encodings are corrupt).  Errors never go through libxml2's global
 * handlers: they are read back from the parser context.
 *
 * Parsed profiles are cached per fleet by a hash of (body, alias) with a
 * full comparison on a hit (DESIGN.md: identical bodies are parsed once).
 */

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "emu.h"

#define PROFILE_XML_OPTIONS	(XML_PARSE_NONET | XML_PARSE_NOERROR | \
	XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES | XML_PARSE_COMPACT)
#define PROFILE_ALIAS_MAX	30	/* spec 8.7 */
#define PROFILE_ERR_MAX		200	/* bytes of a libxml2 message kept */
#define PROFILE_QUOTE_MAX	64	/* bytes of an attribute quoted */
#define PROFILE_NEST_MAX	8	/* levels of nested elements named */
#define PROFILE_SUGGEST_MAX	3	/* names suggested for an unknown one */
#define PROFILE_SUGGEST_NOTES	500	/* unknown names given suggestions */
#define PROFILE_FP		"flat-profile"
#define PROFILE_FP_PREFIX	"/flat-profile/"

struct profile_alias {
	const char	*from;		/* "/a/b": matches the end of a path */
	size_t		 fromlen;
	const char	*to;		/* parameter name */
};

struct profile_parser {
	struct emu_ctx		*ctx;
	struct profile		*pr;
	xmlDocPtr		 doc;
	char			*alias_text;	/* owned: from/to point here */
	struct profile_alias	 alias[PROFILE_ALIAS_MAX];
	size_t			 nalias;
	int			 has_alias;
	struct dbuf		 path;		/* element path, for aliases */
	size_t			 nfp;		/* flat-profile elements seen */
	size_t			 nparam;	/* parameter elements seen */
	size_t			 capent, caprej;
	int			 doctype;
	long			 doctype_line;
	char			*xml_error;	/* owned: libxml2's first error */
	int			 xml_line;
	char			*error;		/* owned: first fatal error */
};

static void	profile_sax_doctype(void *, const xmlChar *, const xmlChar *,
		    const xmlChar *);
static void	 profile_sax_error(void *, xmlErrorPtr);
static char	*profile_xml_error(struct profile_parser *, xmlParserCtxtPtr,
		    const uint8_t *, size_t);
static const char *profile_curly_quote(const uint8_t *, size_t, int);
static void	 profile_alias_parse(struct profile_parser *, const char *);
static void	 profile_walk(struct profile_parser *, xmlNodePtr, int);
static void	 profile_param(struct profile_parser *, xmlNodePtr,
		    const char *);
static void	 profile_nested(struct profile_parser *, xmlNodePtr,
		    const char *, int);
static char	*profile_rule_check(struct phone *, const struct profile_ent *);
static void	 profile_attr(struct profile_parser *, xmlAttrPtr,
		    const char *, uint32_t, int *, int *);
static char	*profile_value(xmlNodePtr);
static void	 profile_note(struct profile_parser *, uint32_t, const char *,
		    int, char *);
static struct profile_ent *profile_ent_add(struct profile_parser *);
static uint32_t	 profile_line(xmlNodePtr);
static uint64_t	 profile_hash(const uint8_t *, size_t, const char *);
static int	 profile_same(const struct profile *, const uint8_t *, size_t,
		    const char *);
static void	 profile_free(struct profile *);
static int	 profile_is_space(int);

/*
 * Parse a decoded body.  Returns 0 with *out (one reference), or -1 with
 * *cause: "file too big", or "line N: ..." for everything else (outcome B).
 */
int
profile_parse(struct emu_ctx *ctx, const uint8_t *buf, size_t len,
    const char *alias, struct profile **out, char **cause)
{
	struct profile_parser	 pp;
	xmlParserCtxtPtr	 xc;
	xmlNodePtr		 root;

	*out = NULL;
	if (len > PROFILE_MAX_LEN) {
		*cause = xstrdup("file too big");
		return (-1);
	}
	if (len == 0) {
		*cause = xstrdup("line 1: empty file");
		return (-1);
	}

	memset(&pp, 0, sizeof pp);
	pp.ctx = ctx;
	pp.pr = xcalloc(1, sizeof *pp.pr);
	pp.pr->refs = 1;
	dbuf_init(&pp.path);
	if (alias != NULL) {
		pp.has_alias = 1;
		profile_alias_parse(&pp, alias);
	}

	if ((xc = xmlNewParserCtxt()) == NULL) {
		pp.error = xstrdup("line 1: cannot create an XML parser");
		goto out;
	}
	xc->sax->internalSubset = profile_sax_doctype;
	xc->sax->serror = profile_sax_error;
	xc->_private = &pp;
	pp.doc = xmlCtxtReadMemory(xc, (const char *)buf, (int)len, NULL,
	    "UTF-8", PROFILE_XML_OPTIONS);
	if (pp.doctype) {
		xasprintf(&pp.error, "line %ld: DOCTYPE not allowed",
		    pp.doctype_line);
	} else if (pp.doc == NULL || !xc->wellFormed)	/* B68, B69 */
		pp.error = profile_xml_error(&pp, xc, buf, len);
	xmlFreeParserCtxt(xc);
	free(pp.xml_error);
	if (pp.error != NULL)
		goto out;

	if ((root = xmlDocGetRootElement(pp.doc)) == NULL) {
		pp.error = xstrdup("line 1: no root element");
		goto out;
	}
	profile_walk(&pp, root, 0);
	if (pp.error == NULL && pp.nfp == 0 && !pp.has_alias) {
		xasprintf(&pp.error, "line %u: no %s element",
		    profile_line(root), PROFILE_FP);
	}

out:
	if (pp.doc != NULL)
		xmlFreeDoc(pp.doc);
	dbuf_clear(&pp.path);
	free(pp.alias_text);
	if (pp.error != NULL) {
		profile_free(pp.pr);
		*cause = pp.error;
		return (-1);
	}
	*out = pp.pr;
	return (0);
}

/* Through the cache: identical (body, alias) pairs are parsed once. */
int
profile_get(struct emu_ctx *ctx, const uint8_t *buf, size_t len,
    const char *alias, struct profile **out, char **cause)
{
	struct profile	*pr, *cached;
	uint64_t	 h;

	*out = NULL;
	if (len > PROFILE_MAX_LEN) {
		*cause = xstrdup("file too big");
		return (-1);
	}
	h = profile_hash(buf, len, alias);
	cached = hmap_get(&ctx->profile_cache, &h, sizeof h);
	if (cached != NULL && profile_same(cached, buf, len, alias)) {
		cached->refs++;
		*out = cached;
		return (0);
	}
	if (profile_parse(ctx, buf, len, alias, &pr, cause) != 0)
		return (-1);
	/* A hash collision or a full cache: hand out an uncached copy. */
	if (cached == NULL && ctx->profile_cache_n < PROFILE_CACHE_MAX &&
	    ctx->profile_cache_bytes + len <= PROFILE_CACHE_BYTES) {
		size_t	alen = alias == NULL ? 0 : strlen(alias);

		/* body, NUL, alias marker, alias, NUL: the full key. */
		pr->body = xmalloc(len + alen + 3);
		memcpy(pr->body, buf, len);
		pr->body[len] = '\0';
		pr->body[len + 1] = alias == NULL ? '-' : 'a';
		if (alen != 0)
			memcpy(pr->body + len + 2, alias, alen);
		pr->body[len + 2 + alen] = '\0';
		pr->len = len;
		pr->hash = h;
		hmap_put(&ctx->profile_cache, &pr->hash, sizeof pr->hash, pr);
		ctx->profile_cache_n++;
		ctx->profile_cache_bytes += len;
		pr->refs++;	/* the cache's */
	}
	*out = pr;
	return (0);
}

void
profile_unref(struct profile *pr)
{
	if (pr == NULL)
		return;
	if (--pr->refs > 0)
		return;
	profile_free(pr);
}

/*
 * The body of "phonefleet profile check FILE": one line per parameter and
 * per note, in line order, then the counts:
 *	FILE:12: apply Resync_Periodic = "600"
 *	FILE:13: reject Provision_Enable: "maybe" is not Yes or No
 *	FILE:14: apply Call_Park_Code = "*68" (MPP parameter, stored only)
 *	FILE:15: warn Profile_Rule: bad profile rule: alternative 1: ...
 *	FILE:16: ignore Profile_rule: unknown parameter; did you mean
 *	    Profile_Rule?
 *	3 applied, 1 rejected, 1 ignored, 1 warning
 * A catalogue parameter (spec 7) the phone stores without acting on it is
 * told from a name no phone knows; near misses are suggested; a rule that
 * would fail as written is warned about.  Secret values never appear.
 */
void
profile_check_report(struct emu_ctx *ctx, const char *file,
    const struct profile *pr, struct dbuf *out)
{
	const struct profile_ent	*e;
	const struct profile_note	*nt;
	const struct param_def		*pd;
	static const char *const	 ua_names[] = { "rw", "ro", "na" };
	struct phone_conf		 pc;
	struct phone			*p = NULL;
	const char			*sug[PROFILE_SUGGEST_MAX];
	size_t				 i = 0, j = 0, k, nrej = 0, nign = 0;
	size_t				 nwarn = 0, nsug = 0, ns;
	char				*s, *why;

	/* A factory phone with this file's values, to try its rules on. */
	for (i = 0; i < pr->n; i++) {
		if (pr->ent[i].id >= 0 &&
		    param_table[pr->ent[i].id].type == PT_RULE)
			break;
	}
	if (i < pr->n) {
		memset(&pc, 0, sizeof pc);
		pc.key_group = -1;
		p = phone_create(ctx, &pc);
		for (i = 0; i < pr->n; i++) {
			e = &pr->ent[i];
			if (e->id >= 0 && e->value != NULL)
				(void)phone_set(p, param_table[e->id].name,
				    e->value, 0, NULL);
		}
	}

	i = 0;
	while (i < pr->n || j < pr->nrej) {
		if (j == pr->nrej ||
		    (i < pr->n && pr->ent[i].line <= pr->rej[j].line)) {
			e = &pr->ent[i++];
			pd = e->id >= 0 ? &param_table[e->id] : NULL;
			s = pf_escape(pd != NULL ? pd->name : e->name,
			    strlen(pd != NULL ? pd->name : e->name));
			dbuf_printf(out, "%s:%u: apply %s", file, e->line, s);
			if (e->value != NULL) {
				char	*v;

				if (pd != NULL && (pd->flags & PARAM_SECRET))
					v = xstrdup("********");
				else
					v = pf_escape(e->value,
					    strlen(e->value));
				dbuf_printf(out, " = \"%s\"", v);
				free(v);
			}
			if (e->ua >= 0 && (size_t)e->ua < nitems(ua_names))
				dbuf_printf(out, " ua=%s", ua_names[e->ua]);
			if (e->preserve)
				dbuf_add_str(out, " preserve-value=y");
			if (e->value == NULL)
				dbuf_add_str(out, " (value kept)");
			if (pd == NULL)
				dbuf_add_str(out, " (unknown, stored)");
			else if (pd->flags & PARAM_CATALOGUE)
				dbuf_add_str(out,
				    " (MPP parameter, stored only)");
			dbuf_add_str(out, "\n");
			if (p != NULL && pd != NULL && pd->type == PT_RULE &&
			    e->value != NULL &&
			    (why = profile_rule_check(p, e)) != NULL) {
				dbuf_printf(out, "%s:%u: warn %s: %s\n", file,
				    e->line, s, why);
				free(why);
				nwarn++;
			}
			free(s);
		} else {
			nt = &pr->rej[j++];
			if (nt->rejected)
				nrej++;
			else
				nign++;
			s = pf_escape(nt->name, strlen(nt->name));
			dbuf_printf(out, "%s:%u: %s %s: %s", file, nt->line,
			    nt->rejected ? "reject" : "ignore", s, nt->reason);
			free(s);
			/* A name no phone knows: what was probably meant. */
			if (strcmp(nt->reason, "unknown parameter") == 0 &&
			    nsug++ < PROFILE_SUGGEST_NOTES &&
			    (ns = param_suggest(ctx, nt->name, sug,
			    nitems(sug))) > 0) {
				dbuf_add_str(out, "; did you mean ");
				for (k = 0; k < ns; k++) {
					dbuf_printf(out, "%s%s", k == 0 ? "" :
					    k + 1 == ns ? " or " : ", ",
					    sug[k]);
				}
				dbuf_add_str(out, "?");
			}
			dbuf_add_str(out, "\n");
		}
	}
	dbuf_printf(out, "%zu applied, %zu rejected, %zu ignored", pr->n,
	    nrej, nign);
	if (nwarn != 0)
		dbuf_printf(out, ", %zu warning%s", nwarn,
		    nwarn == 1 ? "" : "s");
	dbuf_add_str(out, "\n");
	phone_free(p);
}

/*
 * Would this Profile_Rule* or Upgrade_Rule fail as written (spec 5)?  It
 * is evaluated on a factory phone holding the file's values, with a DHCP
 * server so that a host-less profile URL is fine (an upgrade URL must name
 * its server, 5.7), and without running its assignments.  Returns the
 * reason, or NULL.
 */
static char *
profile_rule_check(struct phone *p, const struct profile_ent *e)
{
	struct rule_env		 env;
	struct rule_result	 res;
	char			*why = NULL;

	phone_rule_env(p, &env, e->id == P_UPGRADE_RULE ?
	    RULE_KIND_UPGRADE : RULE_KIND_PROFILE);
	env.assign = NULL;
	env.log = NULL;
	env.dhcp_server = "dhcp-server";
	rule_result_init(&res);
	if (rule_eval(e->value, &env, &res) == RULE_ERROR)
		why = xstrdup(res.reason != NULL ? res.reason :
		    emu_err_name(res.err));
	rule_result_clear(&res);
	return (why);
}

/* SAX internalSubset: a DOCTYPE has started; stop before its subset. */
static void
profile_sax_doctype(void *arg, const xmlChar *name, const xmlChar *extid,
    const xmlChar *sysid)
{
	xmlParserCtxtPtr	 xc = arg;
	struct profile_parser	*pp = xc->_private;

	pp->doctype = 1;
	pp->doctype_line = xc->input != NULL ? xc->input->line : 1;
	xmlStopParser(xc);
}

/*
 * libxml2's structured error handler for this parser: keep the first
 * error.  After one, libxml2 goes on and reports what follows from it (a
 * bad attribute on line 2 becomes a tag mismatch at the end), so the last
 * error is not where the file went wrong.
 */
static void
profile_sax_error(void *arg, xmlErrorPtr err)
{
	xmlParserCtxtPtr	 xc = arg;
	struct profile_parser	*pp = xc->_private;

	if (pp == NULL || pp->xml_error != NULL || err == NULL ||
	    err->level < XML_ERR_ERROR)
		return;
	pp->xml_error = xstrndup(err->message != NULL ? err->message :
	    "not well-formed", PROFILE_ERR_MAX);
	pp->xml_line = err->line;
}

/*
 * "line N: message" from the parser's first error, on one line; a
 * typographic quote on that line (pasted from a PDF) is named.
 */
static char *
profile_xml_error(struct profile_parser *pp, xmlParserCtxtPtr xc,
    const uint8_t *body, size_t len)
{
	xmlErrorPtr	 err;
	const char	*msg = "not well-formed", *curly;
	char		*buf, *p, *q;
	int		 line = 1;

	if (pp->xml_error != NULL) {
		msg = pp->xml_error;
		if (pp->xml_line > 0)
			line = pp->xml_line;
	} else if ((err = xmlCtxtGetLastError(xc)) != NULL) {
		if (err->message != NULL)
			msg = err->message;
		if (err->line > 0)
			line = err->line;
	}
	buf = xstrndup(msg, PROFILE_ERR_MAX);
	/* Fold white space runs into one space; no control bytes. */
	for (p = q = buf; *p != '\0'; p++) {
		if (profile_is_space((unsigned char)*p)) {
			if (q != buf && q[-1] != ' ')
				*q++ = ' ';
		} else if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*q++ = '?';
		else
			*q++ = *p;
	}
	while (q != buf && q[-1] == ' ')
		q--;
	*q = '\0';
	if ((curly = profile_curly_quote(body, len, line)) != NULL) {
		xasprintf(&p, "line %d: %s (typographic quote %s: "
		    "write \" or ')", line, buf, curly);
	} else
		xasprintf(&p, "line %d: %s", line, buf);
	free(buf);
	return (p);
}

/* The first typographic quote on line (1-based) of body, or NULL. */
static const char *
profile_curly_quote(const uint8_t *body, size_t len, int line)
{
	static const char *const	 names[] = {
		"U+2018", "U+2019", NULL, NULL, "U+201C", "U+201D"
	};
	size_t				 i = 0;
	int				 n = 1;

	while (i < len && n < line) {
		if (body[i++] == '\n')
			n++;
	}
	for (; i + 2 < len && body[i] != '\n'; i++) {
		/* E2 80 98/99/9C/9D in UTF-8 */
		if (body[i] == 0xe2 && body[i + 1] == 0x80 &&
		    body[i + 2] >= 0x98 && body[i + 2] <= 0x9d &&
		    names[body[i + 2] - 0x98] != NULL)
			return (names[body[i + 2] - 0x98]);
	}
	return (NULL);
}

/*
 * The --alias map (spec 8.7): "/a/b = /flat-profile/X ; /c = ... ;".  At
 * most PROFILE_ALIAS_MAX entries are honoured; malformed entries are
 * skipped.
 */
static void
profile_alias_parse(struct profile_parser *pp, const char *text)
{
	char	*p, *next, *eq, *from, *to, *end;

	pp->alias_text = xstrdup(text);
	for (p = pp->alias_text; p != NULL && pp->nalias < PROFILE_ALIAS_MAX;
	    p = next) {
		if ((next = strchr(p, ';')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		*eq = '\0';
		from = p;
		to = eq + 1;
		while (profile_is_space((unsigned char)*from))
			from++;
		end = from + strlen(from);
		while (end > from && profile_is_space((unsigned char)end[-1]))
			*--end = '\0';
		while (profile_is_space((unsigned char)*to))
			to++;
		end = to + strlen(to);
		while (end > to && profile_is_space((unsigned char)end[-1]))
			*--end = '\0';
		if (from[0] != '/' || from[1] == '\0')
			continue;
		if (strncmp(to, PROFILE_FP_PREFIX,
		    strlen(PROFILE_FP_PREFIX)) != 0)
			continue;
		to += strlen(PROFILE_FP_PREFIX);
		if (*to == '\0' || strchr(to, '/') != NULL)
			continue;
		pp->alias[pp->nalias].from = from;
		pp->alias[pp->nalias].fromlen = strlen(from);
		pp->alias[pp->nalias].to = to;
		pp->nalias++;
	}
}

/*
 * Visit element node.  params: node is a child of a flat-profile element
 * that is the root or the child of a <device> root (spec 8.1), so it is a
 * parameter.  Without an alias map only those are looked at; with one,
 * every element whose path ends with an alias's left side is a parameter
 * too, wherever it is.
 */
static void
profile_walk(struct profile_parser *pp, xmlNodePtr node, int params)
{
	xmlNodePtr	 c;
	size_t		 mark = pp->path.len, i;
	const char	*name = (const char *)node->name;
	int		 fp, child_params = 0;

	if (pp->error != NULL)
		return;
	dbuf_add_u8(&pp->path, '/');
	dbuf_add_str(&pp->path, name);
	for (i = 0; i < pp->nalias; i++) {
		const struct profile_alias	*a = &pp->alias[i];

		if (pp->path.len >= a->fromlen &&
		    memcmp(pp->path.data + pp->path.len - a->fromlen, a->from,
		    a->fromlen) == 0) {
			profile_param(pp, node, a->to);	/* B75 */
			goto done;
		}
	}
	if (params) {
		profile_param(pp, node, name);
		goto done;
	}

	fp = strcmp(name, PROFILE_FP) == 0;
	if (node->parent == NULL || node->parent->type != XML_DOCUMENT_NODE) {
		/* B69: not the root, a flat-profile counts under <device>. */
		xmlNodePtr	up = node->parent;

		if (fp && (up->parent == NULL ||
		    up->parent->type != XML_DOCUMENT_NODE ||
		    strcmp((const char *)up->name, "device") != 0))
			fp = 0;
	}
	if (fp) {
		pp->nfp++;
		child_params = 1;
	} else if (!pp->has_alias && (node->parent == NULL ||
	    node->parent->type != XML_DOCUMENT_NODE ||
	    strcmp(name, "device") != 0))
		goto done;	/* nothing for us below here */
	for (c = node->children; c != NULL; c = c->next) {
		if (c->type == XML_ELEMENT_NODE)
			profile_walk(pp, c, child_params);
	}

done:
	pp->path.len = mark;
	pp->path.data[mark] = '\0';
}

/* One parameter element, known as name (its own, or an alias target). */
static void
profile_param(struct profile_parser *pp, xmlNodePtr node, const char *name)
{
	struct profile_ent	*e;
	xmlAttrPtr		 at;
	const char		*value;
	char			*text;
	uint32_t		 line = profile_line(node);
	int			 id, has_attr = 0, ua = -1, preserve = 0;
	char			*cause;

	if (++pp->nparam > PROFILE_MAX_ENTS) {
		xasprintf(&pp->error, "line %u: more than %d parameters", line,
		    PROFILE_MAX_ENTS);
		return;
	}
	id = param_find(pp->ctx, name);
	if (id < 0 && !pp->ctx->permissive) {	/* B71: ignored */
		profile_note(pp, line, name, 0, xstrdup("unknown parameter"));
		if (!pp->has_alias)
			profile_nested(pp, node, name, 0);
		return;
	}
	if (id >= 0 && (param_table[id].flags & PARAM_STATUS)) {
		profile_note(pp, line, name, 1, xstrdup("read-only parameter"));
		return;
	}

	if (!pp->has_alias)
		profile_nested(pp, node, name, 0);

	/* Spec 8.3: ua and preserve-value; other attributes are ignored. */
	for (at = node->properties; at != NULL; at = at->next) {
		has_attr = 1;
		profile_attr(pp, at, name, line, &ua, &preserve);
	}

	/* Spec 8.2 rule 4, B72: attributes and no content keep the value. */
	if (node->children == NULL && has_attr)
		text = NULL;
	else
		text = profile_value(node);
	/* Checked before interning: a rejected value is never kept. */
	if (id >= 0 && param_validate(id, text, &cause) != 0) {
		profile_note(pp, line, name, 1, cause);
		free(text);
		return;
	}
	value = text == NULL ? NULL : intern_str(pp->ctx->intern, text);
	free(text);

	e = profile_ent_add(pp);
	e->id = id;
	e->line = line;
	e->name = intern_str(pp->ctx->intern, name);
	e->value = value;
	e->ua = ua;
	e->preserve = preserve;
}

/*
 * Spec 8.1: only children of flat-profile are parameters.  Elements nested
 * deeper are dropped; name each one so that "profile check" shows what a
 * template nests by mistake (<Line><User_ID_1_>...).  Bounded by the
 * parameter cap and PROFILE_NEST_MAX levels.
 */
static void
profile_nested(struct profile_parser *pp, xmlNodePtr node, const char *top,
    int depth)
{
	xmlNodePtr	 c;
	char		*why, *q;

	if (depth >= PROFILE_NEST_MAX)
		return;
	for (c = node->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || pp->error != NULL)
			continue;
		if (++pp->nparam > PROFILE_MAX_ENTS) {
			xasprintf(&pp->error, "line %u: more than %d "
			    "parameters", profile_line(c), PROFILE_MAX_ENTS);
			return;
		}
		q = pf_escape(top, strlen(top));
		xasprintf(&why, "inside <%s>: not a child of %s, dropped", q,
		    PROFILE_FP);
		free(q);
		profile_note(pp, profile_line(c), (const char *)c->name, 0,
		    why);
		profile_nested(pp, c, top, depth + 1);
	}
}

/* One attribute of a parameter element: ua or preserve-value (8.3). */
static void
profile_attr(struct profile_parser *pp, xmlAttrPtr at, const char *name,
    uint32_t line, int *ua, int *preserve)
{
	xmlChar		*v;
	const char	*s, *want;
	char		*cause, *q;
	int		 is_ua;

	if (at->ns != NULL)
		return;
	if (strcmp((const char *)at->name, "ua") == 0) {
		is_ua = 1;
		want = "na, ro or rw";
	} else if (strcmp((const char *)at->name, "preserve-value") == 0) {
		is_ua = 0;
		want = "y";
	} else
		return;
	v = xmlNodeListGetString(pp->doc, at->children, 1);
	s = v == NULL ? "" : (const char *)v;
	if (!is_ua && pf_strcasecmp_ascii(s, "y") == 0)
		*preserve = 1;
	else if (is_ua && pf_strcasecmp_ascii(s, "rw") == 0)
		*ua = UA_RW;
	else if (is_ua && pf_strcasecmp_ascii(s, "ro") == 0)
		*ua = UA_RO;
	else if (is_ua && pf_strcasecmp_ascii(s, "na") == 0)
		*ua = UA_NA;
	else {
		q = pf_escape(s, strnlen(s, PROFILE_QUOTE_MAX));
		xasprintf(&cause, "%s=\"%s\" is not %s (attribute ignored)",
		    (const char *)at->name, q, want);
		free(q);
		profile_note(pp, line, name, 0, cause);
	}
	xmlFree(v);
}

/*
 * Spec 8.2, B73: entity and character references are decoded (libxml2 did),
 * leading and trailing white space removed, new lines become spaces, and a
 * value written as "" is empty.  The caller frees the result.
 */
static char *
profile_value(xmlNodePtr node)
{
	xmlChar		*content;
	char		*s, *end, *p, *v;

	if ((content = xmlNodeGetContent(node)) == NULL)
		return (xstrdup(""));
	s = (char *)content;
	while (profile_is_space((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && profile_is_space((unsigned char)end[-1]))
		end--;
	for (p = s; p < end; p++) {
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
	if (end - s == 2 && s[0] == '"' && s[1] == '"')
		end = s;
	v = xstrndup(s, end - s);
	xmlFree(content);
	return (v);
}

/* Takes reason. */
static void
profile_note(struct profile_parser *pp, uint32_t line, const char *name,
    int rejected, char *reason)
{
	struct profile		*pr = pp->pr;
	struct profile_note	*nt;

	if (pr->nrej == pp->caprej) {
		pp->caprej = pp->caprej == 0 ? 8 : pp->caprej * 2;
		pr->rej = xreallocarray(pr->rej, pp->caprej, sizeof *pr->rej);
	}
	nt = &pr->rej[pr->nrej++];
	nt->line = line;
	nt->name = xstrdup(name);
	nt->reason = reason;
	nt->rejected = rejected;
}

static struct profile_ent *
profile_ent_add(struct profile_parser *pp)
{
	struct profile	*pr = pp->pr;

	if (pr->n == pp->capent) {
		pp->capent = pp->capent == 0 ? 16 : pp->capent * 2;
		pr->ent = xreallocarray(pr->ent, pp->capent, sizeof *pr->ent);
	}
	return (&pr->ent[pr->n++]);
}

static uint32_t
profile_line(xmlNodePtr node)
{
	long	line = xmlGetLineNo(node);

	if (line < 1)
		return (1);
	return (line > UINT32_MAX ? UINT32_MAX : (uint32_t)line);
}

/*
 * The cache key of a body: eight bytes a step (a profile is kilobytes and
 * hashed at every fetch; hmap_hash's byte loop cost more than the rest of
 * an HTTP fetch's own work).  A collision costs only a parse: the cache
 * compares the bodies.
 */
static uint64_t
profile_hash(const uint8_t *buf, size_t len, const char *alias)
{
	uint64_t	h = 0xcbf29ce484222325ULL ^ len, w;
	size_t		i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, buf + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	if (i < len)
		h ^= hmap_hash(buf + i, len - i);

	if (alias != NULL)
		h ^= (hmap_hash(alias, strlen(alias)) + 1) *
		    0x9e3779b97f4a7c15ULL;
	return (h);
}

static int
profile_same(const struct profile *pr, const uint8_t *buf, size_t len,
    const char *alias)
{
	const char	*a;

	if (pr->body == NULL || pr->len != len ||
	    memcmp(pr->body, buf, len) != 0)
		return (0);
	a = (const char *)pr->body + len + 1;
	if (alias == NULL)
		return (*a == '-');
	return (*a == 'a' && strcmp(a + 1, alias) == 0);
}

static void
profile_free(struct profile *pr)
{
	size_t	i;

	if (pr == NULL)
		return;
	for (i = 0; i < pr->nrej; i++) {
		free(pr->rej[i].name);
		free(pr->rej[i].reason);
	}
	for (i = 0; i < pr->n; i++) {
		intern_unref(pr->ent[i].name);
		intern_unref(pr->ent[i].value);
	}
	free(pr->rej);
	free(pr->ent);
	free(pr->body);
	free(pr);
}

static int
profile_is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

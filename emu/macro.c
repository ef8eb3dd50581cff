/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Macro expansion syntax (spec 6.1): $NAME, $(NAME), $(NAME:p), $(NAME:p:q)
 * and $$.  This module knows the syntax only; the values come from a lookup
 * callback (the phone's variables, spec 6.2).  Expansion is a single pass:
 * a value is copied as is and never scanned again.  A name the callback does
 * not know is copied verbatim, exactly as written.  $SA..$SD (and their
 * GPP_SA..GPP_SD spellings) are expanded only with MACRO_SECRETS, inside
 * --key, --uid and --pwd arguments (spec 5.1 step 5).
 */

#include <string.h>

#include "emu.h"

#define MACRO_TMP_LEN	512	/* scratch for computed values ($PRVTMR) */

struct macro_out {
	struct dbuf	 b;
	int		 full;
};

static void	macro_add(struct macro_out *, const char *, size_t);
static const char *macro_lookup(const char *, size_t, unsigned,
		    macro_lookup_cb, void *, char *, size_t);
static int	macro_is_name_char(int);
static int	macro_is_secret(const char *, size_t);
static size_t	macro_number(const char *, size_t, size_t *);

/*
 * Expand in.  Returns an allocated string of at most MACRO_MAX_LEN bytes
 * (longer output is cut there).  cb may be NULL: nothing is known.
 */
char *
macro_expand(const char *in, unsigned flags, macro_lookup_cb cb, void *arg)
{
	struct macro_out	 out;
	char			 tmp[MACRO_TMP_LEN];
	const char		*p = in, *name, *val, *end;
	size_t			 namelen, n, off, len, vlen;
	int			 has_off, has_len;

	dbuf_init(&out.b);
	out.full = 0;
	while (*p != '\0' && !out.full) {
		if (*p != '$') {
			n = strcspn(p, "$");
			macro_add(&out, p, n);
			p += n;
			continue;
		}
		if (p[1] == '$') {
			/* B40: $$ is $; with MACRO_ONLY_SECRETS it is kept. */
			if (flags & MACRO_ONLY_SECRETS)
				macro_add(&out, p, 2);
			else
				macro_add(&out, p, 1);
			p += 2;
			continue;
		}

		has_off = has_len = 0;
		off = len = 0;
		if (p[1] == '(') {
			/* $(NAME[:p[:q]]) (B41: $(MAU)config.cfg) */
			name = p + 2;
			for (namelen = 0; macro_is_name_char(name[namelen]);
			    namelen++)
				;
			end = name + namelen;
			if (*end == ':') {
				n = macro_number(end + 1, SIZE_MAX, &off);
				has_off = n != 0;
				end += 1 + n;
				if (has_off && *end == ':') {
					n = macro_number(end + 1, SIZE_MAX,
					    &len);
					has_len = n != 0;
					end += 1 + n;
					if (!has_len)
						has_off = 0;
				}
			}
			if (namelen == 0 || *end != ')' || end[-1] == ':') {
				/* Not a macro: the $ is plain text. */
				macro_add(&out, p, 1);
				p++;
				continue;
			}
			end++;
		} else {
			name = p + 1;
			for (namelen = 0; macro_is_name_char(name[namelen]);
			    namelen++)
				;
			if (namelen == 0) {
				macro_add(&out, p, 1);
				p++;
				continue;
			}
			end = name + namelen;
		}

		val = macro_lookup(name, namelen, flags, cb, arg, tmp,
		    sizeof tmp);
		if (val == NULL && p[1] != '(' &&
		    (n = strcspn(name, "_")) != 0 && n < namelen) {
			/* 6.1: "_" ends a name the longer run is not. */
			val = macro_lookup(name, n, flags, cb, arg, tmp,
			    sizeof tmp);
			if (val != NULL)
				end = name + n;
		}
		if (val == NULL) {
			/* Unknown or restricted: verbatim (6.1, B40, B42). */
			macro_add(&out, p, end - p);
			p = end;
			continue;
		}

		vlen = strlen(val);
		if (has_off) {
			/* B39: $(A:2) and $(A:2:3). */
			if (off > vlen)
				off = vlen;
			val += off;
			vlen -= off;
			if (has_len && len < vlen)
				vlen = len;
		}
		macro_add(&out, val, vlen);
		p = end;
	}
	if (out.b.data == NULL)
		return (xstrdup(""));
	return ((char *)out.b.data);
}

/*
 * The value of one name, or NULL when it is unknown or restricted ($SA..$SD
 * outside --key/--uid/--pwd, everything else with MACRO_ONLY_SECRETS).
 */
static const char *
macro_lookup(const char *name, size_t len, unsigned flags,
    macro_lookup_cb cb, void *arg, char *tmp, size_t tmpsize)
{
	int	secret;

	if (cb == NULL)
		return (NULL);
	secret = macro_is_secret(name, len);
	if (secret && (flags & (MACRO_SECRETS | MACRO_ONLY_SECRETS)))
		return (cb(arg, name, len, tmp, tmpsize));
	if (!secret && (~flags & MACRO_ONLY_SECRETS))
		return (cb(arg, name, len, tmp, tmpsize));
	return (NULL);
}

/* Append, never beyond MACRO_MAX_LEN bytes. */
static void
macro_add(struct macro_out *out, const char *s, size_t len)
{
	if (out->full)
		return;
	if (len > MACRO_MAX_LEN - out->b.len) {
		len = MACRO_MAX_LEN - out->b.len;
		out->full = 1;
	}
	if (len != 0)
		dbuf_add(&out->b, s, len);
}

static int
macro_is_name_char(int c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_');
}

/* SA..SD and GPP_SA..GPP_SD: restricted to --key/--uid/--pwd (B38). */
static int
macro_is_secret(const char *name, size_t len)
{
	if (len == 6 && strncmp(name, "GPP_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	return (len == 2 && name[0] == 'S' && name[1] >= 'A' &&
	    name[1] <= 'D');
}

/*
 * Decimal digits at s: returns how many were read (0 if none) and the value
 * in *v, saturated at max.
 */
static size_t
macro_number(const char *s, size_t max, size_t *v)
{
	size_t	n = 0, d;

	*v = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		d = s[n] - '0';
		if (*v > (max - d) / 10)
			*v = max;
		else
			*v = *v * 10 + d;
		n++;
	}
	return (n);
}

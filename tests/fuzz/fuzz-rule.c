/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for the profile-rule grammar (spec 5) and macro expansion
 * (spec 6): the input is a rule text, evaluated as a profile rule (with and
 * without a DHCP server), an upgrade rule and a trigger, expanded with and
 * without MACRO_SECRETS, split as a Report_Rule into its destinations
 * (16.4: each a piece of the input, at most two, each evaluated), and
 * split at its first newline for a version comparison.  A log line must be
 * one line and never hold a secret.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu-int.h"

#define FUZZ_SECRET	"s3cr3t-GPP-SB"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const fuzz_gpp[16] = {
	"ABCDEF", "http://h/from-b.cfg", "(1 eq 1)? x", "$MA", "\"q|u\"",
	"[--post a]", "", "0x10", "sip88xx.11-0-0MPP-10", "$$", "$(A:1)",
	"|", "#", "--key", "\\043", "p"
};

static int
fuzz_name_is(const char *name, size_t len, const char *want)
{
	return (strlen(want) == len && memcmp(name, want, len) == 0);
}

static const char *
fuzz_lookup(void *arg, const char *name, size_t len, char *tmp, size_t size)
{
	if (fuzz_name_is(name, len, "MA"))
		return ("00562b043615");
	if (fuzz_name_is(name, len, "MAU"))
		return ("00562B043615");
	if (fuzz_name_is(name, len, "MAC"))
		return ("00:56:2b:04:36:15");
	if (fuzz_name_is(name, len, "PN"))
		return ("CP-8851-3PCC");
	if (fuzz_name_is(name, len, "PSN"))
		return ("8851-3PCC");
	if (fuzz_name_is(name, len, "SWVER"))
		return ("sip88xx.12-0-7MPP0301-92");
	if (fuzz_name_is(name, len, "CCERT"))
		return ("Installed");
	if (fuzz_name_is(name, len, "PRVTMR") && size > 4) {
		memcpy(tmp, "1234", 5);
		return (tmp);
	}
	if (len >= 4 && memcmp(name, "GPP_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	if (len == 1 && name[0] >= 'A' && name[0] <= 'P')
		return (fuzz_gpp[name[0] - 'A']);
	if (len == 2 && name[0] == 'S' && name[1] >= 'A' && name[1] <= 'D')
		return (FUZZ_SECRET);
	return (NULL);
}

static int
fuzz_assign(void *arg, const char *name, const char *value, char **cause)
{
	if (*name == '\0')
		abort();
	if (strcmp(name, "GPP_Z") == 0) {
		*cause = xstrdup("refused");
		return (-1);
	}
	return (0);
}

/* arg is the input: a secret written there in clear may show. */
static void
fuzz_log(void *arg, const char *msg)
{
	const char	*text = arg;

	if (strchr(msg, '\n') != NULL)
		abort();
	if (strstr(text, FUZZ_SECRET) == NULL &&
	    strstr(msg, FUZZ_SECRET) != NULL)
		abort();
}

static void
fuzz_eval(const char *text, struct rule_env *env)
{
	struct rule_result	 res;
	struct dbuf		 out;
	enum rule_rc		 rc;

	rule_result_init(&res);
	rc = rule_eval(text, env, &res);
	if (rc != res.rc)
		abort();
	if (rc == RULE_FETCH && (res.host == NULL || res.path == NULL ||
	    res.path[0] != '/' || res.port == 0))
		abort();
	if (rc == RULE_ERROR && (res.errmsg == NULL ||
	    strcmp(res.errmsg, emu_err_name(res.err)) != 0))
		abort();
	dbuf_init(&out);
	rule_result_format(&res, &out);
	if (out.data != NULL && strstr(text, FUZZ_SECRET) == NULL &&
	    strstr((char *)out.data, FUZZ_SECRET) != NULL)
		abort();
	dbuf_clear(&out);
	rule_result_clear(&res);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct rule_env	 env;
	char		*text, *out, *nl, *dest[2];
	int		 cmp, nd, i;

	text = xmalloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';

	memset(&env, 0, sizeof env);
	env.lookup = fuzz_lookup;
	env.assign = fuzz_assign;
	env.log = fuzz_log;
	env.arg = text;

	env.kind = RULE_KIND_PROFILE;
	fuzz_eval(text, &env);
	env.dhcp_server = "10.0.0.5";
	env.prev_server = "10.0.0.6";
	fuzz_eval(text, &env);
	env.kind = RULE_KIND_UPGRADE;
	fuzz_eval(text, &env);
	env.kind = RULE_KIND_TRIGGER;
	fuzz_eval(text, &env);
	(void)rule_trigger(text, &env);

	env.kind = RULE_KIND_PROFILE;
	env.dhcp_server = env.prev_server = NULL;
	nd = upload_dests(text, dest, 2);
	if (nd < 0 || nd > 2)
		abort();
	for (i = 0; i < nd; i++) {
		if (*dest[i] == '\0' || strstr(text, dest[i]) == NULL)
			abort();
		fuzz_eval(dest[i], &env);
		free(dest[i]);
	}

	out = macro_expand(text, 0, fuzz_lookup, NULL);
	if (strlen(out) > MACRO_MAX_LEN || (strstr(text, FUZZ_SECRET) ==
	    NULL && strstr(out, FUZZ_SECRET) != NULL))
		abort();
	free(out);
	out = macro_expand(text, MACRO_SECRETS, fuzz_lookup, NULL);
	if (strlen(out) > MACRO_MAX_LEN)
		abort();
	free(out);
	out = macro_expand(text, MACRO_ONLY_SECRETS, fuzz_lookup, NULL);
	free(out);

	if ((nl = strchr(text, '\n')) != NULL) {
		*nl = '\0';
		if (rule_version_cmp(text, nl + 1, &cmp) == 0 &&
		    (cmp < -1 || cmp > 1))
			abort();
	}
	free(text);
	return (0);
}

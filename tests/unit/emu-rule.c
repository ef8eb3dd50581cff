/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Profile rules (spec 5, 3.3 triggers, 4.3 SRV+TFTP; checklist B9, B26-B42,
 * B101) against a fake phone: a variable table, a recorded assignment list
 * and a recorded log.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"

#define FAKE_MAX	16

struct fake {
	const char	*gpp[16];	/* GPP_A..GPP_P; NULL is "" */
	const char	*sgpp[4];	/* GPP_SA..GPP_SD */
	const char	*swver;
	const char	*ccert;
	const char	*ems;		/* $EMS; NULL is "0" */
	unsigned	 prvtmr;
	unsigned	 upgtmr;
	int		 prvst;
	const char	*refuse;	/* assignment refused for this name */
	char		*name[FAKE_MAX];	/* assignments made, in order */
	char		*value[FAKE_MAX];
	int		 nassign;
	char		*log[FAKE_MAX];
	int		 nlog;
	struct rule_env	 env;
	struct rule_result res;
};

static void		 fake_init(struct fake *, enum rule_kind);
static void		 fake_free(struct fake *);
static const char	*fake_lookup(void *, const char *, size_t, char *,
			     size_t);
static int		 fake_assign(void *, const char *, const char *,
			     char **);
static void		 fake_log(void *, const char *);
static enum rule_rc	 eval(struct fake *, const char *);
static char		*format(const struct rule_result *);
static void		 check_fetch(struct fake *, const char *, const char *);
static void		 check_url(struct fake *, enum rule_scheme,
			     const char *, unsigned, const char *);
static void		 check_error(struct fake *, const char *, enum emu_err);
static int		 log_has(const struct fake *, const char *);

static void
fake_init(struct fake *f, enum rule_kind kind)
{
	memset(f, 0, sizeof *f);
	f->gpp[0] = "ABCDEF";
	f->gpp[1] = "42";
	f->sgpp[0] = "MyUserID";
	f->sgpp[1] = "MySecretPassword";
	f->swver = "sip88xx.12-0-7MPP0301-92";
	f->ccert = "Installed";
	f->env.lookup = fake_lookup;
	f->env.arg = f;
	f->env.assign = fake_assign;
	f->env.log = fake_log;
	f->env.kind = kind;
	rule_result_init(&f->res);
}

static void
fake_free(struct fake *f)
{
	int	i;

	for (i = 0; i < f->nassign; i++) {
		free(f->name[i]);
		free(f->value[i]);
	}
	for (i = 0; i < f->nlog; i++)
		free(f->log[i]);
	rule_result_clear(&f->res);
}

static int
name_is(const char *name, size_t len, const char *want)
{
	return (strlen(want) == len && memcmp(name, want, len) == 0);
}

static const char *
fake_lookup(void *arg, const char *name, size_t len, char *tmp,
    size_t size)
{
	struct fake	*f = arg;

	if (name_is(name, len, "MA"))
		return ("00562b043615");
	if (name_is(name, len, "MAU"))
		return ("00562B043615");
	if (name_is(name, len, "MAC"))
		return ("00:56:2b:04:36:15");
	if (name_is(name, len, "PN"))
		return ("CP-8851-3PCC");
	if (name_is(name, len, "PSN"))
		return ("8851-3PCC");
	if (name_is(name, len, "SN"))
		return ("FCH1234ABCD");
	if (name_is(name, len, "SWVER"))
		return (f->swver);
	if (name_is(name, len, "EMS"))
		return (f->ems != NULL ? f->ems : "0");
	if (name_is(name, len, "MUID") || name_is(name, len, "MPWD") ||
	    name_is(name, len, "PDOM"))
		return ("");
	if (name_is(name, len, "CCERT"))
		return (f->ccert);
	if (name_is(name, len, "PRVTMR")) {
		snprintf(tmp, size, "%u", f->prvtmr);
		return (tmp);
	}
	if (name_is(name, len, "UPGTMR")) {
		snprintf(tmp, size, "%u", f->upgtmr);
		return (tmp);
	}
	if (name_is(name, len, "PRVST")) {
		snprintf(tmp, size, "%d", f->prvst);
		return (tmp);
	}
	if (len >= 4 && memcmp(name, "GPP_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	if (len == 1 && name[0] >= 'A' && name[0] <= 'P')
		return (f->gpp[name[0] - 'A'] ? f->gpp[name[0] - 'A'] : "");
	if (len == 2 && name[0] == 'S' && name[1] >= 'A' && name[1] <= 'D')
		return (f->sgpp[name[1] - 'A'] ? f->sgpp[name[1] - 'A'] : "");
	return (NULL);
}

static int
fake_assign(void *arg, const char *name, const char *value, char **cause)
{
	struct fake	*f = arg;

	if (f->refuse != NULL && strcmp(name, f->refuse) == 0) {
		*cause = strdup("read-only parameter");
		return (-1);
	}
	assert_true(f->nassign < FAKE_MAX);
	f->name[f->nassign] = strdup(name);
	f->value[f->nassign] = strdup(value);
	f->nassign++;
	return (0);
}

static void
fake_log(void *arg, const char *msg)
{
	struct fake	*f = arg;

	assert_null(strchr(msg, '\n'));		/* one line */
	assert_null(strstr(msg, "MySecretPassword"));
	assert_null(strstr(msg, "MyUserID"));
	if (f->nlog < FAKE_MAX)
		f->log[f->nlog++] = strdup(msg);
}

static int
log_has(const struct fake *f, const char *needle)
{
	int	i;

	for (i = 0; i < f->nlog; i++) {
		if (strstr(f->log[i], needle) != NULL)
			return (1);
	}
	return (0);
}

static enum rule_rc
eval(struct fake *f, const char *rule)
{
	return (rule_eval(rule, &f->env, &f->res));
}

static char *
format(const struct rule_result *res)
{
	struct dbuf	b;

	dbuf_init(&b);
	rule_result_format(res, &b);
	dbuf_add(&b, "", 0);
	return ((char *)b.data);
}

/* The rule fetches and "rule expand" prints exactly want. */
static void
check_fetch(struct fake *f, const char *rule, const char *want)
{
	char	*out;

	assert_int_equal(eval(f, rule), RULE_FETCH);
	out = format(&f->res);
	assert_string_equal(out, want);
	free(out);
}

static void
check_url(struct fake *f, enum rule_scheme scheme, const char *host,
    unsigned port, const char *path)
{
	assert_int_equal(f->res.rc, RULE_FETCH);
	assert_int_equal(f->res.scheme, scheme);
	assert_string_equal(f->res.host, host);
	assert_int_equal(f->res.port, port);
	assert_string_equal(f->res.path, path);
}

static void
check_error(struct fake *f, const char *rule, enum emu_err err)
{
	assert_int_equal(eval(f, rule), RULE_ERROR);
	assert_int_equal(f->res.err, err);
	assert_string_equal(f->res.errmsg, emu_err_name(err));
	assert_null(f->res.host);
	assert_true(f->nlog > 0);
}

/* 5.5 example 1: an unconditional GET. */
static void
test_example1_unconditional(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "http://remote.server.com/cisco/$MA.cfg",
	    "http://remote.server.com:80/cisco/00562b043615.cfg\n"
	    "method: GET\n");
	check_url(&f, RULE_HTTP, "remote.server.com", 80,
	    "/cisco/00562b043615.cfg");
	assert_int_equal(f.res.post, -1);
	assert_int_equal(f.res.host_from_dhcp, 0);
	assert_null(f.res.key);
	fake_free(&f);
}

/* 5.5 example 2: POST with GPP_A when the condition is false. */
static void
test_example2_post(void **state)
{
	static const char	*rule = "($PRVTMR ge 600)? "
	    "http://p.tel.com/has-reg.cfg | [--post a] "
	    "http://p.tel.com/lost-reg?";
	struct fake		 f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.prvtmr = 599;
	check_fetch(&f, rule, "http://p.tel.com:80/lost-reg?\n"
	    "method: POST\npost: GPP_A\n");
	assert_int_equal(f.res.post, 0);
	f.prvtmr = 600;
	check_fetch(&f, rule, "http://p.tel.com:80/has-reg.cfg\n"
	    "method: GET\n");
	assert_int_equal(f.res.post, -1);
	fake_free(&f);
}

/* 5.5 example 3, B33: "$CCERT" eq "Installed". */
static void
test_example3_b33_ccert(void **state)
{
	static const char	*rule = "(\"$CCERT\" eq \"Installed\")? "
	    "https://p.tel.com/config? | https://p.tel.com/config?cisco$MAU";
	struct fake		 f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, rule, "https://p.tel.com:443/config?\n"
	    "method: GET\n");
	f.ccert = "Not Installed";
	check_fetch(&f, rule, "https://p.tel.com:443/config?cisco00562B043615\n"
	    "method: GET\n");
	fake_free(&f);
}

/* 5.5 example 4: the assignment runs only in the chosen alternative. */
static void
test_example4_assignment(void **state)
{
	static const char	*rule = "(\"$A\" ne \"Provisioned\")? "
	    "(Line_Enable_1_ = \"No\";)! https://p.tel.com/init-prov | "
	    "https://p.tel.com/configs";
	struct fake		 f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, rule, "https://p.tel.com:443/init-prov\n"
	    "method: GET\n");
	assert_int_equal(f.nassign, 1);
	assert_string_equal(f.name[0], "Line_Enable_1_");
	assert_string_equal(f.value[0], "No");
	fake_free(&f);

	fake_init(&f, RULE_KIND_PROFILE);
	f.gpp[0] = "Provisioned";
	check_fetch(&f, rule, "https://p.tel.com:443/configs\n"
	    "method: GET\n");
	assert_int_equal(f.nassign, 0);
	fake_free(&f);
}

/* 5.5 example 5: --alias b. */
static void
test_example5_alias(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--alias b] https://p.tel.com/account/$PN$MA.xml",
	    "https://p.tel.com:443/account/CP-8851-3PCC00562b043615.xml\n"
	    "method: GET\nalias: GPP_B\n");
	assert_int_equal(f.res.alias, 1);
	fake_free(&f);
}

/* 5.5 example 6: a quoted --key; never printed. */
static void
test_example6_key(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--key \"SecretPhrase1234\"] "
	    "http://prov.telco.com/path/profile.cfg",
	    "http://prov.telco.com:80/path/profile.cfg\n"
	    "method: GET\nkey: (hidden)\n");
	assert_string_equal(f.res.key, "SecretPhrase1234");
	fake_free(&f);
}

/* 5.5 example 7, B38: $SA/$SB as credentials, hidden in the output. */
static void
test_example7_b38_secret_credentials(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--uid $SA --pwd $SB] https://prov/path/cfg.xml",
	    "https://prov:443/path/cfg.xml\n"
	    "method: GET\nuid: (hidden)\npwd: (hidden)\n");
	assert_string_equal(f.res.uid, "MyUserID");
	assert_string_equal(f.res.pwd, "MySecretPassword");
	assert_int_equal(f.res.uid_secret, 1);
	fake_free(&f);
}

/* B38: $SA outside --key/--uid/--pwd stays literal, also in --post GPP. */
static void
test_b38_secret_elsewhere_literal(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "http://h/$SA/$(SB)/$GPP_SC.cfg",
	    "http://h:80/$SA/$(SB)/$GPP_SC.cfg\nmethod: GET\n");
	/* A GPP holding "$SA" is not expanded again either. */
	f.gpp[2] = "$SA";
	check_fetch(&f, "http://h/$C", "http://h:80/$SA\nmethod: GET\n");
	/* A plain uid is shown; a key with $SD is still hidden. */
	check_fetch(&f, "[--uid plain --key k$SD] http://h/p",
	    "http://h:80/p\nmethod: GET\nkey: (hidden)\nuid: plain\n");
	assert_string_equal(f.res.key, "k");
	assert_int_equal(f.res.uid_secret, 0);
	/* Secrets resolve once: a secret holding "$MA" stays as is. */
	f.sgpp[2] = "x$MA";
	assert_int_equal(eval(&f, "[--pwd $SC] http://h/p"), RULE_FETCH);
	assert_string_equal(f.res.pwd, "x$MA");
	fake_free(&f);
}

/* 5.6, B29: a comment (or nothing) disables the rule. */
static void
test_b29_disabled(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "# http://192.168.1.200/sample.cfg"),
	    RULE_DISABLED);
	assert_int_equal(eval(&f, "   #http://x/y"), RULE_DISABLED);
	assert_int_equal(eval(&f, ""), RULE_DISABLED);
	assert_int_equal(eval(&f, " \t "), RULE_DISABLED);
	assert_int_equal(rule_eval(NULL, &f.env, &f.res), RULE_DISABLED);
	/* A GPP that is empty makes "$C" an empty rule. */
	assert_int_equal(eval(&f, "$C"), RULE_DISABLED);
	assert_null(f.res.errmsg);
	fake_free(&f);
}

/* 5.6, B32: a middle alternative without a condition is a parse error. */
static void
test_b32_missing_condition(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_error(&f, "(1 eq 1)? (c = \"x\";)! http://h/a | http://h/b | "
	    "http://h/c", EMU_E_BADRULE);
	assert_int_equal(f.nassign, 0);		/* nothing ran */
	assert_true(log_has(&f, "alternative 2"));
	check_error(&f, "http://h/a | (1 eq 1)? http://h/b", EMU_E_BADRULE);
	{
		char	*out = format(&f.res);

		assert_string_equal(out, "");	/* nothing to print */
		free(out);
	}
	fake_free(&f);
}

/* 5.6, B9: [--srv] with tftp fails with the exact $ERR text. */
static void
test_b9_srv_tftp(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_error(&f, "[--srv] tftp://example.com/x", EMU_E_SRVTFTP);
	assert_string_equal(f.res.errmsg,
	    "Error - TFTP Scheme not supported in SRV lookups.");
	/* No scheme means TFTP too. */
	check_error(&f, "[--srv] example.com/x", EMU_E_SRVTFTP);
	fake_free(&f);
}

/* B10 (parser) at rule level: [--srv] with http/https is kept for the resolver. */
static void
test_srv_http(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--srv] http://example.com/$PSN.xml",
	    "http://example.com:80/8851-3PCC.xml\nmethod: GET\nsrv: yes\n");
	check_fetch(&f, "[--srv] https://example.com/$PSN.xml",
	    "https://example.com:443/8851-3PCC.xml\nmethod: GET\n"
	    "srv: yes\n");
	assert_int_equal(f.res.srv, 1);
	fake_free(&f);
}

/* 5.6: --post is ignored for TFTP. */
static void
test_post_tftp_ignored(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--post a] tftp://h/p.cfg",
	    "tftp://h:69/p.cfg\nmethod: GET\n");
	assert_int_equal(f.res.post, -1);
	fake_free(&f);
}

/* 5.6, 5.4: the path is mandatory and absolute. */
static void
test_url_without_path(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_error(&f, "http://h", EMU_E_BADRULE);
	check_error(&f, "https://h:443", EMU_E_BADRULE);
	check_error(&f, "h", EMU_E_BADRULE);
	check_error(&f, "http://h?x=1", EMU_E_BADRULE);
	f.env.dhcp_server = "10.0.0.5";
	check_error(&f, "x.cfg", EMU_E_BADRULE);
	fake_free(&f);
}

/* 5.6, B40: unknown macros stay; $$ is $ (no recursion). */
static void
test_b40_unknown_and_dollar(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "http://h/$STRANGE$MAU.cfg",
	    "http://h:80/$STRANGE00562B043615.cfg\nmethod: GET\n");
	check_fetch(&f, "http://h/$$MAU.cfg",
	    "http://h:80/$MAU.cfg\nmethod: GET\n");
	fake_free(&f);
}

/* 5.6: an upper-case scheme is accepted and printed lower case. */
static void
test_scheme_case(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "HTTP://h/p", "http://h:80/p\nmethod: GET\n");
	check_fetch(&f, "Https://h/p", "https://h:443/p\nmethod: GET\n");
	check_fetch(&f, "TFTP://h/p", "tftp://h:69/p\nmethod: GET\n");
	check_error(&f, "ftp://h/p", EMU_E_BADRULE);
	check_error(&f, "gds://x", EMU_E_BADRULE);
	fake_free(&f);
}

/* 5.6: port 0 or >65535 is a parse error; 1 and 65535 are fine. */
static void
test_port_range(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_error(&f, "http://h:0/p", EMU_E_BADRULE);
	check_error(&f, "http://h:65536/p", EMU_E_BADRULE);
	check_error(&f, "http://h:99999999999999999999/p", EMU_E_BADRULE);
	check_error(&f, "http://h:/p", EMU_E_BADRULE);
	check_error(&f, "http://h:8o/p", EMU_E_BADRULE);
	check_error(&f, "http://:80/p", EMU_E_BADRULE);
	check_fetch(&f, "http://h:65535/p", "http://h:65535/p\nmethod: GET\n");
	check_fetch(&f, "http://h:1/p", "http://h:1/p\nmethod: GET\n");
	fake_free(&f);
}

/* B28: default ports; an explicit one wins. */
static void
test_b28_default_ports(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "http://h/p", "http://h:80/p\nmethod: GET\n");
	check_fetch(&f, "https://h/p", "https://h:443/p\nmethod: GET\n");
	check_fetch(&f, "tftp://h:6900/p", "tftp://h:6900/p\nmethod: GET\n");
	check_fetch(&f, "tftp://h/p", "tftp://h:69/p\nmethod: GET\n");
	fake_free(&f);
}

/* B27, 5.4: no scheme means TFTP; text before the first "/" is host:port. */
static void
test_b27_no_scheme(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "192.168.1.130/profiles/init.cfg"),
	    RULE_FETCH);
	check_url(&f, RULE_TFTP, "192.168.1.130", 69, "/profiles/init.cfg");
	assert_int_equal(eval(&f, "prov.telco.com:6900/cisco/$PN.cfg"),
	    RULE_FETCH);
	check_url(&f, RULE_TFTP, "prov.telco.com", 6900,
	    "/cisco/CP-8851-3PCC.cfg");
	fake_free(&f);
}

/* 5.4: every valid example of the spec. */
static void
test_valid_examples(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.gpp[3] = "dd";
	f.gpp[4] = "ee";
	f.env.dhcp_server = "192.168.1.5";
	assert_int_equal(eval(&f, "/$MA.cfg"), RULE_FETCH);
	check_url(&f, RULE_TFTP, "192.168.1.5", 69, "/00562b043615.cfg");
	assert_int_equal(eval(&f, "/cisco/cfg.xml"), RULE_FETCH);
	check_url(&f, RULE_TFTP, "192.168.1.5", 69, "/cisco/cfg.xml");
	assert_int_equal(eval(&f, "tftp://prov.call.com/cpe/cisco$MA.cfg"),
	    RULE_FETCH);
	check_url(&f, RULE_TFTP, "prov.call.com", 69,
	    "/cpe/cisco00562b043615.cfg");
	assert_int_equal(eval(&f, "http://neptune.speak.net:8080/prov/$D/"
	    "$E.cfg"), RULE_FETCH);
	check_url(&f, RULE_HTTP, "neptune.speak.net", 8080, "/prov/dd/ee.cfg");
	assert_int_equal(eval(&f, "https://secure.me.com/profile?Linksys"),
	    RULE_FETCH);
	check_url(&f, RULE_HTTPS, "secure.me.com", 443, "/profile?Linksys");
	assert_int_equal(eval(&f, "tftp://prov.telco.com:6900/cisco/config/"
	    "$PN.cfg"), RULE_FETCH);
	check_url(&f, RULE_TFTP, "prov.telco.com", 6900,
	    "/cisco/config/CP-8851-3PCC.cfg");
	assert_int_equal(eval(&f, "tftp://192.168.1.5/CP_x8xx_MPP.cfg"),
	    RULE_FETCH);
	check_url(&f, RULE_TFTP, "192.168.1.5", 69, "/CP_x8xx_MPP.cfg");
	fake_free(&f);
}

/* B26, 5.4: no host -> DHCP server, else the previous server, else C. */
static void
test_b26_no_server(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_error(&f, "/x.xml", EMU_E_NOSERVER);
	assert_string_equal(f.res.errmsg, "no server");
	check_error(&f, "http:///x.xml", EMU_E_NOSERVER);

	f.env.prev_server = "prev.example.com";
	assert_int_equal(eval(&f, "/x.xml"), RULE_FETCH);
	check_url(&f, RULE_TFTP, "prev.example.com", 69, "/x.xml");
	assert_int_equal(f.res.host_from_dhcp, 0);

	f.env.dhcp_server = "10.0.0.5";
	check_fetch(&f, "/x.xml", "tftp://10.0.0.5:69/x.xml\nmethod: GET\n"
	    "server-from: dhcp\n");
	assert_int_equal(f.res.host_from_dhcp, 1);
	check_fetch(&f, "https:///x.xml", "https://10.0.0.5:443/x.xml\n"
	    "method: GET\nserver-from: dhcp\n");
	fake_free(&f);
}

/* B101 (parser), 5.7: a host-less upgrade URL fails even with a DHCP server. */
static void
test_b101_upgrade_needs_server(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_UPGRADE);
	f.env.dhcp_server = "10.0.0.5";
	f.env.prev_server = "10.0.0.6";
	check_error(&f, "/sip88xx.12-0-7MPP0301-92.loads", EMU_E_NOSERVER);
	assert_string_equal(f.res.errmsg, "no server");
	assert_int_equal(eval(&f, "http://fw/sip88xx.loads"), RULE_FETCH);
	check_url(&f, RULE_HTTP, "fw", 80, "/sip88xx.loads");
	fake_free(&f);
}

/* 5.7: upgrade rules keep --uid/--pwd only; gds:// is invalid. */
static void
test_upgrade_restricted(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_UPGRADE);
	check_fetch(&f, "[--uid u --pwd $SB --key k --post a --alias b "
	    "--srv] tftp://fw/x.loads", "tftp://fw:69/x.loads\n"
	    "method: GET\nuid: u\npwd: (hidden)\n");
	assert_string_equal(f.res.pwd, "MySecretPassword");
	check_error(&f, "gds://", EMU_E_BADRULE);
	check_error(&f, "[--nope] http://fw/x", EMU_E_BADRULE);
	/* Conditions work as in profile rules. */
	f.swver = "sip88xx.11-0-1MPP-376";
	check_fetch(&f, "($SWVER lt sip88xx.12-0-7MPP0301-92)? "
	    "http://fw/new.loads", "http://fw:80/new.loads\nmethod: GET\n");
	f.swver = "sip88xx.12-0-7MPP0301-92";
	assert_int_equal(eval(&f, "($SWVER lt sip88xx.12-0-7MPP0301-92)? "
	    "http://fw/new.loads"), RULE_SKIP);
	fake_free(&f);
}

/* B20 (parser) at rule level: gds:// is its own outcome. */
static void
test_gds(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "gds://"), RULE_GDS);
	{
		char	*out = format(&f.res);

		assert_string_equal(out, "gds://\n");
		free(out);
	}
	assert_int_equal(eval(&f, " GDS:// "), RULE_GDS);
	assert_int_equal(eval(&f, "(\"$A\" eq \"x\")? http://h/a | gds://"),
	    RULE_GDS);
	fake_free(&f);
}

/* B30: the first true condition wins; else the unconditional last. */
static void
test_b30_alternatives(void **state)
{
	static const char	*rule = "($PRVTMR gt 100)? http://h/a | "
	    "($PRVTMR gt 10)? http://h/b | http://h/c";
	struct fake		 f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.prvtmr = 500;
	assert_int_equal(eval(&f, rule), RULE_FETCH);
	assert_string_equal(f.res.path, "/a");
	f.prvtmr = 50;
	assert_int_equal(eval(&f, rule), RULE_FETCH);
	assert_string_equal(f.res.path, "/b");
	f.prvtmr = 5;
	assert_int_equal(eval(&f, rule), RULE_FETCH);
	assert_string_equal(f.res.path, "/c");
	fake_free(&f);
}

/* B31: every alternative conditional and false -> skipped. */
static void
test_b31_skip(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "(1 eq 2)? http://h/a | (\"x\" eq \"y\")? "
	    "http://h/b"), RULE_SKIP);
	assert_null(f.res.errmsg);
	assert_null(f.res.host);
	assert_int_equal(eval(&f, "(1 eq 2)? (a = \"z\";)! http://h/a"),
	    RULE_SKIP);
	assert_int_equal(f.nassign, 0);
	fake_free(&f);
}

/* B34, 5.3.2: the three version examples, and their reverse. */
static void
test_b34_versions(void **state)
{
	static const char	*gt[][2] = {
		{ "sip88xx.11-0-0MPP-BN", "sip88xx.9-3-1-7MPP-BN" },
		{ "sipyyyy.11-3-1MPP-110", "sipyyyy.11-2-3MPP-256" },
		{ "sipyyyy.11-3-2MPP0002-256", "sipyyyy.11-3-2MPP0001-609" },
		{ "sip88xx.11-3-2MPP0002-256", "sip88xx.11-3-2MPP0001-609" },
		{ "sip88xx.12-0-7MPP0301-92", "sip88xx.11-0-0MPP-10" },
		{ "sip88xx.11-0-1MPP-377", "sip88xx.11-0-1MPP-376" },
		{ "sip88xx.11-0-1MPP-376", "sip88xx.11-0-1-376" },
		{ "sip88xx.11-10-0MPP-1", "sip88xx.11-9-0MPP-1" },
	};
	struct fake		 f;
	size_t			 i;
	int			 cmp;

	for (i = 0; i < sizeof gt / sizeof gt[0]; i++) {
		assert_int_equal(rule_version_cmp(gt[i][0], gt[i][1], &cmp), 0);
		assert_int_equal(cmp, 1);
		assert_int_equal(rule_version_cmp(gt[i][1], gt[i][0], &cmp), 0);
		assert_int_equal(cmp, -1);
		assert_int_equal(rule_version_cmp(gt[i][0], gt[i][0], &cmp), 0);
		assert_int_equal(cmp, 0);
	}
	/* The model and ".loads" do not count; leading zeros neither. */
	assert_int_equal(rule_version_cmp("sip78xx.11-0-1MPP-376",
	    "sip88xx.11-0-1MPP-376.loads", &cmp), 0);
	assert_int_equal(cmp, 0);
	assert_int_equal(rule_version_cmp("sip88xx.011-0-1MPP-0376",
	    "11-0-1MPP-376", &cmp), 0);
	assert_int_equal(cmp, 0);

	/* The same in a condition, with ">" and with "gt". */
	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "(sip88xx.11-3-2MPP0002-256 > "
	    "sip88xx.11-3-2MPP0001-609)? http://h/yes | http://h/no"),
	    RULE_FETCH);
	assert_string_equal(f.res.path, "/yes");
	assert_int_equal(eval(&f, "(sipyyyy.11-3-1MPP-110 gt "
	    "sipyyyy.11-2-3MPP-256)? http://h/yes | http://h/no"),
	    RULE_FETCH);
	assert_string_equal(f.res.path, "/yes");
	assert_int_equal(eval(&f, "(sip88xx.9-3-1-7MPP-BN ge "
	    "sip88xx.11-0-0MPP-BN)? http://h/yes | http://h/no"),
	    RULE_FETCH);
	assert_string_equal(f.res.path, "/no");
	assert_int_equal(f.nlog, 0);
	fake_free(&f);
}

/* 5.3.2: dotted forms and other non-versions are invalid. */
static void
test_version_invalid(void **state)
{
	static const char	*bad[] = {
		"11.0.0", "sip88xx.11.0.0", "sip88xx", "sip88xx.", "Installed",
		"sip88xx.11--0", "sip88xx.-11-0", "abc-def", "11-0-", "",
		"sip88xx.11-0-0MPP-10.cfg", "0x",
	};
	struct fake		 f;
	size_t			 i;
	int			 cmp;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(rule_version_cmp(bad[i],
		    "sip88xx.11-0-0MPP-10", &cmp), -1);
		assert_int_equal(rule_version_cmp("sip88xx.11-0-0MPP-10",
		    bad[i], &cmp), -1);
	}
	/* In a rule: the condition is false and the reason logged. */
	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "($SWVER ge 11.0.0)? http://h/a | "
	    "http://h/b"), RULE_FETCH);
	assert_string_equal(f.res.path, "/b");
	assert_int_equal(f.nlog, 1);
	assert_true(log_has(&f, "11.0.0"));
	fake_free(&f);
}

/* 5.3.2: quoted "$SWVER" is a whole string; unquoted, a version. */
static void
test_swver_quoted_vs_unquoted(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "(\"$SWVER\" eq "
	    "\"sip88xx.12-0-7MPP0301-92\")? http://h/a | http://h/b"),
	    RULE_FETCH);
	assert_string_equal(f.res.path, "/a");
	/* Another model: not the same string ... */
	assert_int_equal(eval(&f, "(\"$SWVER\" eq "
	    "\"sip78xx.12-0-7MPP0301-92\")? http://h/a | http://h/b"),
	    RULE_FETCH);
	assert_string_equal(f.res.path, "/b");
	/* ... but the same version. */
	assert_int_equal(eval(&f, "($SWVER eq sip78xx.12-0-7MPP0301-92)? "
	    "http://h/a | http://h/b"), RULE_FETCH);
	assert_string_equal(f.res.path, "/a");
	assert_int_equal(eval(&f, "($SWVER ge sip88xx.11-0-0MPP-10)? "
	    "http://h/a | http://h/b"), RULE_FETCH);
	assert_string_equal(f.res.path, "/a");
	/* A quoted version against an unquoted one: mismatch, logged. */
	assert_int_equal(eval(&f, "(\"$SWVER\" ge sip88xx.11-0-0MPP-10)? "
	    "http://h/a | http://h/b"), RULE_FETCH);
	assert_string_equal(f.res.path, "/b");
	assert_true(log_has(&f, "cannot compare a string with a version"));
	assert_int_equal(f.nlog, 1);
	fake_free(&f);
}

/* B35: a quoted string with lt -> false and an error logged. */
static void
test_b35_string_lt(void **state)
{
	static const char	*ops[] = { "lt", "le", "gt", "ge", "<", "<=",
	    ">", ">=" };
	struct fake		 f;
	char			 rule[128];
	size_t			 i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		snprintf(rule, sizeof rule, "(\"abc\" %s \"abd\")? http://h/a "
		    "| http://h/b", ops[i]);
		assert_int_equal(eval(&f, rule), RULE_FETCH);
		assert_string_equal(f.res.path, "/b");
		assert_int_equal(f.nlog, (int)i + 1);
	}
	assert_true(log_has(&f, "strings allow only = and !="));
	/* The log line names the condition. */
	assert_true(log_has(&f, "alternative 1"));
	fake_free(&f);
}

/* 5.3.2: type mismatches and bad operands make the condition false. */
static void
test_condition_errors(void **state)
{
	static const char	*bad[] = {
		"\"1\" eq 1", "1 eq sip88xx.11-0-0MPP-10", "1 eq Installed",
		"1 eq", "eq 1 1", "1 1", "1 eq 1 and", "1 eq 1 or 2 eq 2",
		"1 foo 1", "", "1 eq 1 and \"a\" lt \"b\"",
		"99999999999999999999 gt 1", "1 == 1",
	};
	struct fake		 f;
	char			 rule[128];
	size_t			 i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(rule, sizeof rule, "(%s)? http://h/a | http://h/b",
		    bad[i]);
		assert_int_equal(eval(&f, rule), RULE_FETCH);
		assert_string_equal(f.res.path, "/b");
		assert_int_equal(f.nlog, i + 1 < FAKE_MAX ? (int)i + 1 :
		    FAKE_MAX);
	}
	fake_free(&f);
}

/* 5.3.2: integers (signed, hex), all operators, and/AND. */
static void
test_condition_integers(void **state)
{
	static const struct {
		const char	*cond;
		int		 holds;
	} t[] = {
		{ "1 eq 1", 1 }, { "1 = 1", 1 }, { "1=1", 1 }, { "1 ne 1", 0 },
		{ "1 != 2", 1 }, { "1!=2", 1 }, { "1 lt 2", 1 },
		{ "2 < 1", 0 }, { "2 le 2", 1 }, { "3 <= 2", 0 },
		{ "3 gt 2", 1 }, { "2 > 2", 0 }, { "2 ge 2", 1 },
		{ "1 >= 2", 0 }, { "-1 lt 0", 1 }, { "-1 eq -1", 1 },
		{ "+5 eq 5", 1 }, { "0x10 eq 16", 1 }, { "0X1f eq 31", 1 },
		{ "-0x10 eq -16", 1 }, { "007 eq 7", 1 },
		{ "1 eq 1 and 2 eq 2", 1 }, { "1 eq 1 AND 2 eq 3", 0 },
		{ "1 eq 2 and 2 eq 2", 0 },
		{ "9223372036854775807 gt -9223372036854775808", 1 },
		{ "\"a b\" eq \"a b\"", 1 }, { "\"\" eq \"\"", 1 },
		{ "\"a\" = \"A\"", 0 }, { "\"a|b\" ne \"x\"", 1 },
		{ "\"x\" ! \"y\"", 1 },		/* legacy "!" */
		{ "\"x\"!\"x\"", 0 },
		{ "ge sip88xx.11-0-0MPP-10", 1 },	/* legacy: $SWVER */
		{ "lt sip88xx.11-0-0MPP-10", 0 },
	};
	struct fake	f;
	char		rule[160];
	size_t		i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		snprintf(rule, sizeof rule, "( %s )? http://h/yes | "
		    "http://h/no", t[i].cond);
		assert_int_equal(eval(&f, rule), RULE_FETCH);
		if (strcmp(f.res.path, t[i].holds ? "/yes" : "/no") != 0)
			fail_msg("\"%s\" gave %s", t[i].cond, f.res.path);
	}
	assert_int_equal(f.nlog, 0);
	fake_free(&f);
}

/* B36, 5.3.3: all assignments run, with full names and expanded values. */
static void
test_b36_assignments(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "( User_ID_1_ = \"uid$B\" ; c = \"\" ; "
	    "d = \"$MA\" ; )!"), RULE_NOURL);
	assert_int_equal(f.nassign, 3);
	assert_string_equal(f.name[0], "User_ID_1_");
	assert_string_equal(f.value[0], "uid42");
	assert_string_equal(f.name[1], "GPP_C");
	assert_string_equal(f.value[1], "");
	assert_string_equal(f.name[2], "GPP_D");
	assert_string_equal(f.value[2], "00562b043615");
	assert_null(f.res.errmsg);
	fake_free(&f);

	/* White space optional; before the fetch; p is GPP_P. */
	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "(p=\"x;y\";Resync_Periodic=\"3600\";)!http://h/q",
	    "http://h:80/q\nmethod: GET\n");
	assert_int_equal(f.nassign, 2);
	assert_string_equal(f.name[0], "GPP_P");
	assert_string_equal(f.value[0], "x;y");
	assert_string_equal(f.name[1], "Resync_Periodic");
	fake_free(&f);
}

/* 5.3.3: a refused assignment is logged; the others and the fetch go on. */
static void
test_assignment_refused(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.refuse = "GPP_A";
	assert_int_equal(eval(&f, "(a = \"1\"; b = \"2\";)! http://h/p"),
	    RULE_FETCH);
	assert_int_equal(f.nassign, 1);
	assert_string_equal(f.name[0], "GPP_B");
	assert_true(log_has(&f, "GPP_A"));
	assert_true(log_has(&f, "read-only parameter"));
	fake_free(&f);
}

/* 5.2: malformed assignments are parse errors. */
static void
test_assignment_syntax(void **state)
{
	static const char	*bad[] = {
		"(a = \"1\")! http://h/p",	/* no ";" */
		"(a = 1;)! http://h/p",	/* not quoted */
		"(a \"1\";)! http://h/p",
		"(= \"1\";)! http://h/p",
		"(a = \"1;)! http://h/p",
		"(a = \"1\";) http://h/p",	/* no "!" */
		"(a = \"1\";)! (1 eq 1)? http://h/p",	/* wrong order */
		"(1 eq 1)? (a = \"1\";)? http://h/p",
		"(1 eq 1 http://h/p",
	};
	struct fake		 f;
	size_t			 i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (eval(&f, bad[i]) != RULE_ERROR)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(f.res.err, EMU_E_BADRULE);
	}
	assert_int_equal(f.nassign, 0);
	fake_free(&f);
}

/* B37: --post f on http. */
static void
test_b37_post(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "[--post f] http://h/report",
	    "http://h:80/report\nmethod: POST\npost: GPP_F\n");
	assert_int_equal(f.res.post, 5);
	check_fetch(&f, "[--post p] https://h/r",
	    "https://h:443/r\nmethod: POST\npost: GPP_P\n");
	check_error(&f, "[--post q] http://h/r", EMU_E_BADRULE);
	check_error(&f, "[--post A] http://h/r", EMU_E_BADRULE);
	check_error(&f, "[--post] http://h/r", EMU_E_BADRULE);
	check_error(&f, "[--post ab] http://h/r", EMU_E_BADRULE);
	fake_free(&f);
}

/* 5.2, 5.3.4: option blocks, spacing, quoting; unknown -> error. */
static void
test_options(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	/* No space before the URL. */
	check_fetch(&f, "[--uid a --pwd b]tftp://h/p",
	    "tftp://h:69/p\nmethod: GET\nuid: a\npwd: (hidden)\n");
	assert_string_equal(f.res.pwd, "b");
	/* Several options in one bracket (5.3.4). */
	check_fetch(&f, "[--key \"$SB\" --post g] http://h/p",
	    "http://h:80/p\nmethod: POST\npost: GPP_G\nkey: (hidden)\n");
	assert_string_equal(f.res.key, "MySecretPassword");
	check_fetch(&f, "[--alias a --key abracadabra321 --post c] "
	    "https://h/p", "https://h:443/p\nmethod: POST\npost: GPP_C\n"
	    "key: (hidden)\nalias: GPP_A\n");
	assert_string_equal(f.res.key, "abracadabra321");
	/* Quoted values may hold spaces, "]" and "|". */
	check_fetch(&f, "[ --uid \"a b]|c\" ] http://h/p",
	    "http://h:80/p\nmethod: GET\nuid: a b]|c\n");
	/* All of them, in the documented order. */
	check_fetch(&f, "[--status --delta --alias b --pwd p --uid u --key k "
	    "--srv --post f] http://h/p", "http://h:80/p\nmethod: POST\n"
	    "post: GPP_F\nsrv: yes\nkey: (hidden)\nuid: u\npwd: (hidden)\n"
	    "alias: GPP_B\ndelta: yes\nstatus: yes\n");
	/* Errors. */
	check_error(&f, "[--foo] http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--key \"abc] http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--key \"a\"b] http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--srv--delta] http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--srv http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--srv]", EMU_E_BADRULE);
	check_error(&f, "[] http://h/p", EMU_E_BADRULE);
	fake_free(&f);
}

/*
 * 5.2 (revised): an option argument may be empty after macro expansion.
 * Cisco's Extension Mobility rule becomes "[--uid  --pwd ]" when nobody is
 * signed in; the rule parses, and the empty values send no credentials.
 */
static void
test_empty_option_args(void **state)
{
	static const char	*em = "(\"$EMS\" eq \"mobile\")?"
	    "[--uid $MUID$PDOM --pwd $MPWD] http://p.example.com/em.xml | "
	    "http://p.example.com/$PN_$MA.xml";
	struct fake		 f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, em, "http://p.example.com:80/"
	    "CP-8851-3PCC_00562b043615.xml\nmethod: GET\n");
	assert_null(f.res.uid);
	/* The alternative itself, chosen: empty uid and pwd. */
	f.ems = "mobile";
	check_fetch(&f, em, "http://p.example.com:80/em.xml\nmethod: GET\n"
	    "uid: (empty: no credentials)\npwd: (hidden)\n");
	assert_string_equal(f.res.uid, "");
	assert_string_equal(f.res.pwd, "");
	/* Missing before "]", before another option, before white space. */
	check_fetch(&f, "[--uid] http://h/p",
	    "http://h:80/p\nmethod: GET\nuid: (empty: no credentials)\n");
	check_fetch(&f, "[--uid --pwd x] http://h/p", "http://h:80/p\n"
	    "method: GET\nuid: (empty: no credentials)\npwd: (hidden)\n");
	assert_string_equal(f.res.pwd, "x");
	check_fetch(&f, "[--uid u --pwd   ] http://h/p",
	    "http://h:80/p\nmethod: GET\nuid: u\npwd: (hidden)\n");
	assert_string_equal(f.res.pwd, "");
	assert_int_equal(eval(&f, "[--key] http://h/p"), RULE_FETCH);
	assert_string_equal(f.res.key, "");
	/* A quoted argument may still start with "--". */
	assert_int_equal(eval(&f, "[--uid \"--x\"] http://h/p"), RULE_FETCH);
	assert_string_equal(f.res.uid, "--x");
	/* --post and --alias still need their letter. */
	check_error(&f, "[--post] http://h/p", EMU_E_BADRULE);
	check_error(&f, "[--alias --srv] http://h/p", EMU_E_BADRULE);
	fake_free(&f);
}

/*
 * 5.3.1: "rule expand" says why each alternative before the chosen one was
 * passed over: the condition as written, then the comparison that failed
 * with its operands expanded, or why it could not be evaluated.
 */
static void
test_skipped_reasons(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.prvtmr = 3;
	assert_int_equal(eval(&f, "(\"$EMS\" eq \"mobile\")? http://h/a | "
	    "($PRVTMR ge 0 and $PRVTMR gt 5)? http://h/b | "
	    "($SWVER ge 11.0.0)? http://h/c | (1 eq 2)? http://h/d | "
	    "http://h/e"), RULE_FETCH);
	check_url(&f, RULE_HTTP, "h", 80, "/e");
	assert_non_null(f.res.skipped);
	assert_string_equal(f.res.skipped,
	    "skipped alternative 1: (\"$EMS\" eq \"mobile\") is false: "
	    "\"0\" eq \"mobile\"\n"
	    "skipped alternative 2: ($PRVTMR ge 0 and $PRVTMR gt 5) is false: "
	    "3 gt 5\n"
	    "skipped alternative 3: ($SWVER ge 11.0.0) is false: "
	    "\"11.0.0\" is neither an integer nor a version\n"
	    "skipped alternative 4: (1 eq 2) is false\n");
	/* The chosen alternative first: nothing skipped. */
	assert_int_equal(eval(&f, "(1 eq 1)? http://h/a | http://h/b"),
	    RULE_FETCH);
	assert_null(f.res.skipped);
	/* A rule held in a GPP: the expanded condition is shown. */
	f.gpp[2] = "(\"y\" eq \"x\")? http://h/a | http://h/b";
	assert_int_equal(eval(&f, "$C"), RULE_FETCH);
	assert_string_equal(f.res.skipped, "skipped alternative 1: "
	    "(\"y\" eq \"x\") is false\n");
	/* Every alternative false: the rule is skipped with the reasons. */
	assert_int_equal(eval(&f, "(1 eq 2)? http://h/a"), RULE_SKIP);
	assert_string_equal(f.res.skipped,
	    "skipped alternative 1: (1 eq 2) is false\n");
	fake_free(&f);
}

/* K15, 5.3.4: \NNN octal escapes in --uid and --pwd. */
static void
test_octal_escapes(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "[--uid a\\043b --pwd \\057x\\134\\1] "
	    "http://h/p"), RULE_FETCH);
	assert_string_equal(f.res.uid, "a#b");
	assert_string_equal(f.res.pwd, "/x\\\\1");
	/* Not in --key; \000 and \400 are left alone. */
	assert_int_equal(eval(&f, "[--key a\\043 --uid \\000\\400] "
	    "http://h/p"), RULE_FETCH);
	assert_string_equal(f.res.key, "a\\043");
	assert_string_equal(f.res.uid, "\\000\\400");
	fake_free(&f);
}

/* 5.1: a GPP may hold a whole rule, or a whole alternative. */
static void
test_rule_in_gpp(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	f.gpp[0] = "http://h/from-a.cfg";
	check_fetch(&f, "$A", "http://h:80/from-a.cfg\nmethod: GET\n");
	f.gpp[0] = "(1 eq 2)? http://h/x";
	f.gpp[1] = "[--post c] http://h/y";
	check_fetch(&f, "$A | $B", "http://h:80/y\nmethod: POST\n"
	    "post: GPP_C\n");
	fake_free(&f);
}

/* 5.1 step 3: "|" splits only outside quotes and brackets. */
static void
test_split(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "(\"a|b\" eq \"a|b\")? [--key x|y] "
	    "http://h/1 | http://h/2"), RULE_FETCH);
	assert_string_equal(f.res.path, "/1");
	assert_string_equal(f.res.key, "x|y");
	/* An empty last alternative is chosen and has no URL. */
	assert_int_equal(eval(&f, "(1 eq 2)? http://h/1 |"), RULE_NOURL);
	/* An empty middle one lacks a condition. */
	check_error(&f, "(1 eq 2)? http://h/1 | | http://h/2",
	    EMU_E_BADRULE);
	/* A syntax error in an alternative never reached still fails. */
	check_error(&f, "(1 eq 1)? http://h/1 | http://h", EMU_E_BADRULE);
	fake_free(&f);
}

/* 5.2: junk around the URL. */
static void
test_url_syntax(void **state)
{
	static const char	*bad[] = {
		"http://h/a http://h/b", "http://h/a b", "http://h h/a",
		"http://h$X/a", "http://h@x/a", "http://[::1]/a",
		"http://h/a\001",
	};
	struct fake		 f;
	size_t			 i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (eval(&f, bad[i]) != RULE_ERROR)
			fail_msg("\"%s\" was accepted", bad[i]);
		assert_int_equal(f.res.err, EMU_E_BADRULE);
	}
	/* Surrounding white space, tabs and line breaks are fine. */
	check_fetch(&f, "\t http://h/p \r\n", "http://h:80/p\nmethod: GET\n");
	check_fetch(&f, "http://h/p?a=1&b=$MA",
	    "http://h:80/p?a=1&b=00562b043615\nmethod: GET\n");
	fake_free(&f);
}

/* 5.5 example 4 without an assignment: NOURL. */
static void
test_nourl(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	assert_int_equal(eval(&f, "(1 eq 1)? (a = \"x\";)! | http://h/p"),
	    RULE_NOURL);
	assert_int_equal(f.nassign, 1);
	assert_null(f.res.host);
	{
		char	*out = format(&f.res);

		assert_string_equal(out, "");
		free(out);
	}
	fake_free(&f);
}

/* B39-B42 through a rule. */
static void
test_b39_b42_in_rules(void **state)
{
	struct fake	f;

	fake_init(&f, RULE_KIND_PROFILE);
	check_fetch(&f, "http://h/$(A:2)/$(A:2:3)",
	    "http://h:80/CDEF/CDE\nmethod: GET\n");
	check_fetch(&f, "http://h/$(MAU)config.cfg",
	    "http://h:80/00562B043615config.cfg\nmethod: GET\n");
	check_fetch(&f, "http://h/$MA/$MAU/$MAC",
	    "http://h:80/00562b043615/00562B043615/00:56:2b:04:36:15\n"
	    "method: GET\n");
	check_fetch(&f, "http://h/$PRVERR/$DHCPOPTION_66",
	    "http://h:80/$PRVERR/$DHCPOPTION_66\nmethod: GET\n");
	fake_free(&f);
}

/* 3.3: triggers are bare conditions. */
static void
test_trigger(void **state)
{
	static const char	*cond = "$UPGTMR gt 300 and $PRVTMR ge 600";
	struct fake		 f;

	fake_init(&f, RULE_KIND_TRIGGER);
	f.upgtmr = 301;
	f.prvtmr = 600;
	assert_int_equal(rule_trigger(cond, &f.env), 1);
	f.prvtmr = 599;
	assert_int_equal(rule_trigger(cond, &f.env), 0);
	f.prvtmr = 600;
	f.upgtmr = 300;
	assert_int_equal(rule_trigger(cond, &f.env), 0);
	assert_int_equal(rule_trigger("$PRVST eq -1 AND \"$CCERT\" = "
	    "\"Installed\"", &f.env), 0);
	f.prvst = -1;
	assert_int_equal(rule_trigger("$PRVST eq -1 AND \"$CCERT\" = "
	    "\"Installed\"", &f.env), 1);
	assert_int_equal(f.nlog, 0);
	/* Empty: not true, not an error. */
	assert_int_equal(rule_trigger("", &f.env), 0);
	assert_int_equal(rule_trigger("  ", &f.env), 0);
	assert_int_equal(rule_trigger(NULL, &f.env), 0);
	assert_int_equal(f.nlog, 0);
	/* Errors: logged, -1. */
	assert_int_equal(rule_trigger("\"a\" lt \"b\"", &f.env), -1);
	assert_int_equal(f.nlog, 1);
	assert_true(log_has(&f, "trigger"));
	assert_int_equal(rule_trigger("($PRVTMR gt 1)?", &f.env), -1);
	assert_int_equal(rule_trigger("$PRVTMR gt", &f.env), -1);
	assert_int_equal(f.nlog, 3);

	/* The same through rule_eval with RULE_KIND_TRIGGER. */
	f.upgtmr = 301;
	assert_int_equal(eval(&f, cond), RULE_NOURL);
	f.prvtmr = 0;
	assert_int_equal(eval(&f, cond), RULE_SKIP);
	assert_int_equal(eval(&f, "1 lt"), RULE_ERROR);
	assert_int_equal(f.res.err, EMU_E_BADRULE);
	fake_free(&f);
}

/* A result may be reused: rule_eval frees what it held. */
static void
test_result_reuse(void **state)
{
	struct fake	f;
	int		i;

	fake_init(&f, RULE_KIND_PROFILE);
	for (i = 0; i < 3; i++) {
		assert_int_equal(eval(&f, "[--key k --uid u --pwd p] "
		    "http://h/p"), RULE_FETCH);
		check_error(&f, "/x", EMU_E_NOSERVER);
	}
	rule_result_clear(&f.res);
	assert_null(f.res.errmsg);
	assert_int_equal(f.res.post, -1);
	assert_int_equal(f.res.alias, -1);
	rule_result_clear(&f.res);
	fake_free(&f);
}

/* Names of schemes, and a fake env without callbacks. */
static void
test_misc(void **state)
{
	struct rule_env		env;
	struct rule_result	res;

	assert_string_equal(rule_scheme_name(RULE_TFTP), "tftp");
	assert_string_equal(rule_scheme_name(RULE_HTTP), "http");
	assert_string_equal(rule_scheme_name(RULE_HTTPS), "https");
	memset(&env, 0, sizeof env);
	rule_result_init(&res);
	assert_int_equal(rule_eval("(a = \"1\";)! [--uid $SA] http://h/$MA",
	    &env, &res), RULE_FETCH);
	assert_string_equal(res.path, "/$MA");
	assert_string_equal(res.uid, "$SA");
	assert_int_equal(res.uid_secret, 1);
	assert_int_equal(rule_eval("(1 lt \"x\")? http://h/a", &env, &res),
	    RULE_SKIP);
	assert_int_equal(rule_eval("/p", &env, &res), RULE_ERROR);
	assert_int_equal(rule_trigger("1 eq", &env), -1);
	rule_result_clear(&res);
}

int	main(void);

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example1_unconditional),
		cmocka_unit_test(test_example2_post),
		cmocka_unit_test(test_example3_b33_ccert),
		cmocka_unit_test(test_example4_assignment),
		cmocka_unit_test(test_example5_alias),
		cmocka_unit_test(test_example6_key),
		cmocka_unit_test(test_example7_b38_secret_credentials),
		cmocka_unit_test(test_b38_secret_elsewhere_literal),
		cmocka_unit_test(test_b29_disabled),
		cmocka_unit_test(test_b32_missing_condition),
		cmocka_unit_test(test_b9_srv_tftp),
		cmocka_unit_test(test_srv_http),
		cmocka_unit_test(test_post_tftp_ignored),
		cmocka_unit_test(test_url_without_path),
		cmocka_unit_test(test_b40_unknown_and_dollar),
		cmocka_unit_test(test_scheme_case),
		cmocka_unit_test(test_port_range),
		cmocka_unit_test(test_b28_default_ports),
		cmocka_unit_test(test_b27_no_scheme),
		cmocka_unit_test(test_valid_examples),
		cmocka_unit_test(test_b26_no_server),
		cmocka_unit_test(test_b101_upgrade_needs_server),
		cmocka_unit_test(test_upgrade_restricted),
		cmocka_unit_test(test_gds),
		cmocka_unit_test(test_b30_alternatives),
		cmocka_unit_test(test_b31_skip),
		cmocka_unit_test(test_b34_versions),
		cmocka_unit_test(test_version_invalid),
		cmocka_unit_test(test_swver_quoted_vs_unquoted),
		cmocka_unit_test(test_b35_string_lt),
		cmocka_unit_test(test_condition_errors),
		cmocka_unit_test(test_condition_integers),
		cmocka_unit_test(test_b36_assignments),
		cmocka_unit_test(test_assignment_refused),
		cmocka_unit_test(test_assignment_syntax),
		cmocka_unit_test(test_b37_post),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_empty_option_args),
		cmocka_unit_test(test_skipped_reasons),
		cmocka_unit_test(test_octal_escapes),
		cmocka_unit_test(test_rule_in_gpp),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_url_syntax),
		cmocka_unit_test(test_nourl),
		cmocka_unit_test(test_b39_b42_in_rules),
		cmocka_unit_test(test_trigger),
		cmocka_unit_test(test_result_reuse),
		cmocka_unit_test(test_misc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The flat-profile parser (spec 8), gzip (11.1), the parse cache and the
 * "profile check" report.  Checklist items B62, B68-B73 and B75.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <zlib.h>

#include "emu/emu.h"

static int
setup(void **state)
{
	*state = emu_ctx_create(1);
	return (0);
}

static int
teardown(void **state)
{
	emu_ctx_free(*state);
	return (0);
}

static struct profile *
parse_alias(struct emu_ctx *ctx, const char *text, const char *alias)
{
	struct profile	*pr = NULL;
	char		*cause = NULL;

	if (profile_parse(ctx, (const uint8_t *)text, strlen(text), alias, &pr,
	    &cause) != 0)
		fail_msg("parse failed: %s", cause);
	assert_non_null(pr);
	assert_int_equal(pr->refs, 1);
	return (pr);
}

static struct profile *
parse(struct emu_ctx *ctx, const char *text)
{
	return (parse_alias(ctx, text, NULL));
}

/* Parse must fail; returns the cause (caller frees). */
static char *
parse_bad(struct emu_ctx *ctx, const void *buf, size_t len, const char *alias)
{
	struct profile	*pr = (struct profile *)1;
	char		*cause = NULL;

	assert_int_equal(profile_parse(ctx, buf, len, alias, &pr, &cause), -1);
	assert_null(pr);
	assert_non_null(cause);
	assert_null(strchr(cause, '\n'));
	return (cause);
}

static int
cause_has_line(const char *cause)
{
	unsigned	n;
	char		c;

	return (sscanf(cause, "line %u%c", &n, &c) == 2 && c == ':' && n > 0);
}

/* The last entry for name, or NULL. */
static const struct profile_ent *
find(struct emu_ctx *ctx, const struct profile *pr, const char *name)
{
	const struct profile_ent	*e = NULL;
	int				 id = param_find(ctx, name);
	size_t				 i;

	for (i = 0; i < pr->n; i++) {
		if (pr->ent[i].id == id)
			e = &pr->ent[i];
	}
	return (e);
}

static const char *
value(struct emu_ctx *ctx, const struct profile *pr, const char *name)
{
	const struct profile_ent	*e = find(ctx, pr, name);

	if (e == NULL)
		fail_msg("%s not in the profile", name);
	return (e->value);
}

static const struct profile_note *
note(const struct profile *pr, const char *name)
{
	size_t	i;

	for (i = 0; i < pr->nrej; i++) {
		if (strcmp(pr->rej[i].name, name) == 0)
			return (&pr->rej[i]);
	}
	fail_msg("no note for %s", name);
	return (NULL);
}

static void
gzip(const void *in, size_t len, struct dbuf *out)
{
	z_stream	z;
	uint8_t		tmp[8192];
	int		rc;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)in;
	z.avail_in = len;
	do {
		z.next_out = tmp;
		z.avail_out = sizeof tmp;
		rc = deflate(&z, Z_FINISH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		dbuf_add(out, tmp, sizeof tmp - z.avail_out);
	} while (rc != Z_STREAM_END);
	deflateEnd(&z);
}

static void
test_basic(void **state)
{
	struct emu_ctx		*ctx = *state;
	struct profile		*pr;
	const struct profile_ent *e;

	pr = parse(ctx,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<!-- a comment -->\n"
	    "<flat-profile>\n"
	    "  <Resync_Periodic>600</Resync_Periodic>\n"
	    "  text between is ignored\n"
	    "  <!-- <Provision_Enable>No</Provision_Enable> -->\n"
	    "  <Profile_Rule ua=\"na\">http://ps/$MA.xml</Profile_Rule>\n"
	    "  <Primary_DNS ua=\"rw\">10.89.68.150</Primary_DNS>\n"
	    "  <Back_Light_Timer ua=\"rw\">Always On</Back_Light_Timer>\n"
	    "  <Profile_Authentication_Type ua=\"rw\">Basic Http "
	    "Authentication</Profile_Authentication_Type>\n"
	    "  <GPP_B><![CDATA[a<b]]></GPP_B>\n"
	    "</flat-profile>\n");
	assert_int_equal(pr->n, 6);
	assert_int_equal(pr->nrej, 0);
	e = &pr->ent[0];
	assert_int_equal(e->id, P_RESYNC_PERIODIC);
	assert_int_equal(e->line, 4);
	assert_string_equal(e->value, "600");
	assert_int_equal(e->ua, -1);
	assert_int_equal(e->preserve, 0);
	assert_string_equal(e->name, "Resync_Periodic");
	e = &pr->ent[1];
	assert_int_equal(e->id, P_PROFILE_RULE);
	assert_int_equal(e->line, 7);
	assert_int_equal(e->ua, UA_NA);
	assert_string_equal(e->value, "http://ps/$MA.xml");
	assert_string_equal(value(ctx, pr, "Primary_DNS"), "10.89.68.150");
	assert_string_equal(value(ctx, pr, "Back_Light_Timer"), "Always On");
	assert_string_equal(value(ctx, pr, "GPP_B"), "a<b");
	/* values are interned */
	assert_ptr_equal(value(ctx, pr, "Resync_Periodic"),
	    intern_str(ctx->intern, "600"));
	profile_unref(pr);
}

/* 8.1/8.2: UTF-8 (a BOM is fine), read as UTF-8 whatever is declared. */
static void
test_encodings(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;

	pr = parse(ctx, "\xef\xbb\xbf<flat-profile><GPP_A>bom</GPP_A>"
	    "</flat-profile>");
	assert_string_equal(value(ctx, pr, "GPP_A"), "bom");
	profile_unref(pr);
	pr = parse(ctx, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
	    "<flat-profile><GPP_A>ascii</GPP_A></flat-profile>");
	assert_string_equal(value(ctx, pr, "GPP_A"), "ascii");
	profile_unref(pr);
	/* 8.2: non-ASCII UTF-8 is stored as received */
	pr = parse(ctx, "<flat-profile><GPP_A>caf\xc3\xa9</GPP_A>"
	    "</flat-profile>");
	assert_string_equal(value(ctx, pr, "GPP_A"), "caf\xc3\xa9");
	profile_unref(pr);
}

/* B68: malformed XML is corrupt; the cause has a line number. */
static void
test_b68_malformed(void **state)
{
	static const char *const bad[] = {
		"<flat-profile>\n<GPP_A>1</GPP_A>\n<GPP_B>\n</flat-profile>\n",
		"<flat-profile>\n<GPP_A>1</GPP_B>\n</flat-profile>\n",
		"<flat-profile>\n<GPP_A>&foo;</GPP_A>\n</flat-profile>\n",
		"<flat-profile>\n<GPP_A>1</GPP_A>\n",
		"<flat-profile><GPP_A a=b>1</GPP_A></flat-profile>",
		"<flat-profile></flat-profile><x/>",
		"<flat-profile><GPP_A>1 & 2</GPP_A></flat-profile>",
		"   \n\n",
		"\xff\xfe<\0f\0/\0>\0",		/* UTF-16 (8.2) */
		"<flat-profile><GPP_A>caf\xe9</GPP_A></flat-profile>",
	};
	struct emu_ctx	*ctx = *state;
	size_t		 i;
	char		*cause;

	for (i = 0; i < nitems(bad); i++) {
		size_t	len = i == 8 ? 10 : strlen(bad[i]);

		cause = parse_bad(ctx, bad[i], len, NULL);
		if (!cause_has_line(cause))
			fail_msg("%zu: no line in \"%s\"", i, cause);
		free(cause);
	}
	cause = parse_bad(ctx, bad[1], strlen(bad[1]), NULL);
	assert_string_equal(cause, "line 2: Opening and ending tag mismatch: "
	    "GPP_A line 2 and GPP_B");
	free(cause);
	cause = parse_bad(ctx, bad[2], strlen(bad[2]), NULL);
	assert_string_equal(cause, "line 2: Entity 'foo' not defined");
	free(cause);
	/* zero-length body (8.6) */
	cause = parse_bad(ctx, "", 0, NULL);
	assert_string_equal(cause, "line 1: empty file");
	free(cause);
}

/*
 * B68, 8.6: a corrupt file is reported at its first error, not where
 * libxml2 gave up; a typographic quote (pasted from a PDF) is named.
 */
static void
test_b68_first_error(void **state)
{
	static const char	 curly[] = "<flat-profile>\n"
	    "<Profile_Rule ua=\xe2\x80\x9cna\xe2\x80\x9d>/$MA.xml"
	    "</Profile_Rule>\n<GPP_A>1</GPP_A>\n<GPP_B>1</GPP_B>\n"
	    "<GPP_C>1</GPP_C>\n<GPP_D>1</GPP_D>\n<GPP_E>1</GPP_E>\n"
	    "<GPP_F>1</GPP_F>\n</flat-profile>\n";
	static const char	 unclosed[] = "<flat-profile>\n"
	    "<GPP_A>1</GPP_A>\n<GPP_B a=b>1</GPP_B>\n<GPP_C>1</GPP_C>\n"
	    "</flat-profile>\n";
	struct emu_ctx		*ctx = *state;
	char			*cause;

	cause = parse_bad(ctx, curly, strlen(curly), NULL);
	assert_string_equal(cause, "line 2: AttValue: \" or ' expected "
	    "(typographic quote U+201C: write \" or ')");
	free(cause);
	cause = parse_bad(ctx, unclosed, strlen(unclosed), NULL);
	assert_string_equal(cause, "line 3: AttValue: \" or ' expected");
	free(cause);
}

/* B69: <device><flat-profile> accepted; SPA plain text is corrupt. */
static void
test_b69_roots(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	const char	*spa = "# SPA\nProfile_Rule \"tftp://x/y.cfg\";\n";
	char		*cause;

	pr = parse(ctx, "<device>\n<flat-profile>\n"
	    "<Profile_Rule>https://ps/x.xml</Profile_Rule>\n"
	    "</flat-profile>\n<other><GPP_A>no</GPP_A></other>\n</device>");
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->ent[0].id, P_PROFILE_RULE);
	assert_int_equal(pr->ent[0].line, 3);
	assert_int_equal(pr->nrej, 0);
	profile_unref(pr);

	cause = parse_bad(ctx, spa, strlen(spa), NULL);
	assert_string_equal(cause,
	    "line 1: Start tag expected, '<' not found");
	free(cause);
	cause = parse_bad(ctx, "<profile><GPP_A>1</GPP_A></profile>", 35,
	    NULL);
	assert_string_equal(cause, "line 1: no flat-profile element");
	free(cause);
	cause = parse_bad(ctx, "<device>\n<x><flat-profile/></x></device>",
	    40, NULL);
	assert_string_equal(cause, "line 1: no flat-profile element");
	free(cause);
	/* an empty flat-profile is a profile (nothing changes, A) */
	pr = parse(ctx, "<flat-profile/>");
	assert_int_equal(pr->n, 0);
	profile_unref(pr);
	/* elements nested in a parameter are its content, not parameters */
	pr = parse(ctx, "<flat-profile><GPP_A>x<GPP_B>y</GPP_B>z</GPP_A>"
	    "</flat-profile>");
	assert_int_equal(pr->n, 1);
	assert_string_equal(value(ctx, pr, "GPP_A"), "xyz");
	profile_unref(pr);
}

/* B70: duplicates kept in document order, so the last one wins. */
static void
test_b70_duplicates(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;

	pr = parse(ctx, "<flat-profile>\n"
	    "<Resync_Periodic>600</Resync_Periodic>\n"
	    "<GPP_A>a</GPP_A>\n"
	    "<Resync_Periodic>1200</Resync_Periodic>\n"
	    "</flat-profile>");
	assert_int_equal(pr->n, 3);
	assert_int_equal(pr->ent[0].id, P_RESYNC_PERIODIC);
	assert_string_equal(pr->ent[0].value, "600");
	assert_int_equal(pr->ent[2].id, P_RESYNC_PERIODIC);
	assert_string_equal(pr->ent[2].value, "1200");
	assert_int_equal(pr->ent[2].line, 4);
	assert_string_equal(value(ctx, pr, "Resync_Periodic"), "1200");
	profile_unref(pr);
}

/* B71: an unknown element is ignored, the rest applied. */
static void
test_b71_unknown(void **state)
{
	struct emu_ctx			*ctx = *state;
	struct profile			*pr;
	const struct profile_note	*nt;

	pr = parse(ctx, "<flat-profile>\n"
	    "<Transport_Protocol>udp</Transport_Protocol>\n"
	    "<GPP_A>a</GPP_A>\n"
	    "<provision_enable>No</provision_enable>\n"
	    "</flat-profile>");
	assert_int_equal(pr->n, 1);
	assert_string_equal(value(ctx, pr, "GPP_A"), "a");
	assert_int_equal(pr->nrej, 2);
	nt = note(pr, "Transport_Protocol");
	assert_int_equal(nt->line, 2);
	assert_string_equal(nt->reason, "unknown parameter");
	assert_false(nt->rejected);
	nt = note(pr, "provision_enable");	/* names are case-sensitive */
	assert_int_equal(nt->line, 4);
	profile_unref(pr);

	/* unknown elements only: a profile with nothing to apply */
	pr = parse(ctx, "<flat-profile><X/><Y>1</Y></flat-profile>");
	assert_int_equal(pr->n, 0);
	assert_int_equal(pr->nrej, 2);
	profile_unref(pr);
}

/* Permissive mode stores unknown names too. */
static void
test_permissive(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;

	ctx->permissive = 1;
	pr = parse(ctx, "<flat-profile><Transport_Protocol>udp"
	    "</Transport_Protocol></flat-profile>");
	ctx->permissive = 0;
	assert_int_equal(pr->n, 1);
	assert_int_equal(pr->nrej, 0);
	assert_int_equal(pr->ent[0].id, -1);
	assert_string_equal(pr->ent[0].name, "Transport_Protocol");
	assert_string_equal(pr->ent[0].value, "udp");
	profile_unref(pr);
}

/* B72: the three empty forms (8.2 rules 2-5). */
static void
test_b72_empty(void **state)
{
	struct emu_ctx			*ctx = *state;
	struct profile			*pr;
	const struct profile_ent	*e;

	pr = parse(ctx, "<flat-profile>\n"
	    "<GPP_A> </GPP_A>\n"
	    "<Profile_Rule_B />\n"
	    "<Speed_Dial_2_Name ua=\"rw\"/>\n"
	    "<GPP_C>\"\"</GPP_C>\n"
	    "<GPP_D></GPP_D>\n"
	    "<Speed_Dial_3_Name ua=\"ro\"></Speed_Dial_3_Name>\n"
	    "<Speed_Dial_4_Name ua=\"na\"> </Speed_Dial_4_Name>\n"
	    "<GPP_E>\"x\"</GPP_E>\n"
	    "</flat-profile>");
	assert_int_equal(pr->n, 8);
	assert_string_equal(value(ctx, pr, "GPP_A"), "");
	assert_string_equal(value(ctx, pr, "Profile_Rule_B"), "");
	e = find(ctx, pr, "Speed_Dial_2_Name");
	assert_non_null(e);
	assert_null(e->value);		/* keep the current value */
	assert_int_equal(e->ua, UA_RW);
	assert_string_equal(value(ctx, pr, "GPP_C"), "");
	assert_string_equal(value(ctx, pr, "GPP_D"), "");
	e = find(ctx, pr, "Speed_Dial_3_Name");
	assert_null(e->value);
	assert_int_equal(e->ua, UA_RO);
	e = find(ctx, pr, "Speed_Dial_4_Name");
	assert_string_equal(e->value, "");	/* content present: rule 2 */
	assert_int_equal(e->ua, UA_NA);
	assert_string_equal(value(ctx, pr, "GPP_E"), "\"x\"");
	profile_unref(pr);
}

/* B73: trimming, new lines to spaces, references decoded. */
static void
test_b73_values(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;

	pr = parse(ctx, "<flat-profile>\n"
	    "<GPP_A>  \t padded \n </GPP_A>\n"
	    "<GPP_B>one\ntwo\r\nthree</GPP_B>\n"
	    "<Dial_Plan_1_>(S0 &lt;:18005551212&gt;)</Dial_Plan_1_>\n"
	    "<GPP_C>&#40;x&#x2e;y&#41; &amp; &apos;&quot;</GPP_C>\n"
	    "<GPP_D>a  b\tc</GPP_D>\n"
	    "</flat-profile>");
	assert_string_equal(value(ctx, pr, "GPP_A"), "padded");
	assert_string_equal(value(ctx, pr, "GPP_B"), "one two three");
	assert_string_equal(value(ctx, pr, "Dial_Plan_1_"),
	    "(S0 <:18005551212>)");
	assert_string_equal(value(ctx, pr, "GPP_C"), "(x.y) & '\"");
	assert_string_equal(value(ctx, pr, "GPP_D"), "a  b\tc");
	profile_unref(pr);
}

/* 8.3: ua values in any case, bad ones ignored; preserve-value. */
static void
test_attributes(void **state)
{
	struct emu_ctx			*ctx = *state;
	struct profile			*pr;
	const struct profile_ent	*e;
	const struct profile_note	*nt;

	pr = parse(ctx, "<flat-profile>\n"
	    "<GPP_A ua=\"NA\">a</GPP_A>\n"
	    "<GPP_B ua=\"Ro\" other=\"x\">b</GPP_B>\n"
	    "<GPP_C ua=\"everyone\">c</GPP_C>\n"
	    "<GPP_D preserve-value=\"y\" ua=\"rw\">d</GPP_D>\n"
	    "<GPP_E preserve-value=\"no\">e</GPP_E>\n"
	    "<GPP_F other=\"1\"/>\n"
	    "</flat-profile>");
	assert_int_equal(pr->n, 6);
	e = find(ctx, pr, "GPP_A");
	assert_int_equal(e->ua, UA_NA);
	e = find(ctx, pr, "GPP_B");
	assert_int_equal(e->ua, UA_RO);
	e = find(ctx, pr, "GPP_C");
	assert_int_equal(e->ua, -1);
	assert_string_equal(e->value, "c");
	nt = note(pr, "GPP_C");
	assert_false(nt->rejected);
	assert_int_equal(nt->line, 4);
	assert_string_equal(nt->reason,
	    "ua=\"everyone\" is not na, ro or rw (attribute ignored)");
	e = find(ctx, pr, "GPP_D");
	assert_int_equal(e->preserve, 1);
	assert_int_equal(e->ua, UA_RW);
	e = find(ctx, pr, "GPP_E");
	assert_int_equal(e->preserve, 0);
	nt = note(pr, "GPP_E");
	assert_false(nt->rejected);
	e = find(ctx, pr, "GPP_F");
	assert_null(e->value);		/* attributes, no content */
	assert_int_equal(e->ua, -1);
	profile_unref(pr);
}

/* 8.5.4: a typed value failing validation is rejected, the rest applied. */
static void
test_typed_reject(void **state)
{
	struct emu_ctx			*ctx = *state;
	struct profile			*pr;
	const struct profile_note	*nt;

	pr = parse(ctx, "<flat-profile>\n"
	    "<Provision_Enable>maybe</Provision_Enable>\n"
	    "<Resync_Periodic>1h</Resync_Periodic>\n"
	    "<Forced_Resync_Delay>70000</Forced_Resync_Delay>\n"
	    "<Report_to_Server>periodically</Report_to_Server>\n"
	    "<Resync_On_Reset>no</Resync_On_Reset>\n"
	    "<ACS_URL_In_Use>http://acs/</ACS_URL_In_Use>\n"
	    "<Resync_At__HHmm_>2561</Resync_At__HHmm_>\n"
	    "</flat-profile>");
	assert_int_equal(pr->n, 3);
	assert_string_equal(value(ctx, pr, "Report_To_Server"),
	    "periodically");
	assert_string_equal(value(ctx, pr, "Resync_On_Reset"), "no");
	assert_string_equal(value(ctx, pr, "Resync_At__HHmm_"), "2561");
	assert_int_equal(pr->nrej, 4);
	nt = note(pr, "Provision_Enable");
	assert_true(nt->rejected);
	assert_int_equal(nt->line, 2);
	assert_string_equal(nt->reason, "\"maybe\" is not Yes or No");
	nt = note(pr, "Resync_Periodic");
	assert_string_equal(nt->reason, "\"1h\" is not a number");
	nt = note(pr, "Forced_Resync_Delay");
	assert_string_equal(nt->reason, "\"70000\" is out of range 0..65535");
	nt = note(pr, "ACS_URL_In_Use");
	assert_true(nt->rejected);
	assert_string_equal(nt->reason, "read-only parameter");
	assert_null(find(ctx, pr, "Provision_Enable"));
	profile_unref(pr);
}

/* B75: --alias maps /customer-account/SIP-number to User_ID_1_. */
static void
test_b75_alias(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	const char	*doc =
	    "<customer-account>\n"
	    "  <SIP-number>4081001141</SIP-number>\n"
	    "  <auth>\n"
	    "    <auth-secret>s3cret</auth-secret>\n"
	    "  </auth>\n"
	    "  <name>Alice</name>\n"
	    "  <other-account><SIP-number>9</SIP-number></other-account>\n"
	    "</customer-account>\n";
	char		*cause;

	pr = parse_alias(ctx, doc,
	    "/customer-account/SIP-number = /flat-profile/User_ID_1_ ;"
	    " /auth-secret = /flat-profile/Password_1_ ;");
	assert_int_equal(pr->n, 2);
	assert_int_equal(pr->ent[0].id, param_find(ctx, "User_ID_1_"));
	assert_string_equal(pr->ent[0].value, "4081001141");
	assert_int_equal(pr->ent[0].line, 2);
	assert_int_equal(pr->ent[1].id, param_find(ctx, "Password_1_"));
	assert_string_equal(pr->ent[1].value, "s3cret");
	assert_int_equal(pr->ent[1].line, 4);
	profile_unref(pr);

	/* a shorter left side matches every path ending with it */
	pr = parse_alias(ctx, doc, "/SIP-number=/flat-profile/GPP_A;");
	assert_int_equal(pr->n, 2);
	assert_string_equal(pr->ent[0].value, "4081001141");
	assert_string_equal(pr->ent[1].value, "9");
	profile_unref(pr);

	/* a left side matches whole path components only */
	pr = parse_alias(ctx, doc, "/number = /flat-profile/GPP_A");
	assert_int_equal(pr->n, 0);
	profile_unref(pr);

	/* the target must be a known parameter to apply */
	pr = parse_alias(ctx, doc, "/name = /flat-profile/No_Such ;");
	assert_int_equal(pr->n, 0);
	assert_int_equal(pr->nrej, 1);
	assert_string_equal(pr->rej[0].name, "No_Such");
	profile_unref(pr);

	/* malformed entries are skipped, good ones kept */
	pr = parse_alias(ctx, doc, "junk ; /name = GPP_B ; = ; /name = "
	    "/flat-profile/ ; /name = /flat-profile/GPP_C");
	assert_int_equal(pr->n, 1);
	assert_string_equal(value(ctx, pr, "GPP_C"), "Alice");
	profile_unref(pr);

	/* with a flat-profile too: both kinds apply */
	pr = parse_alias(ctx, "<flat-profile><GPP_A>a</GPP_A>"
	    "<x-id>7</x-id></flat-profile>", "/x-id = /flat-profile/GPP_B");
	assert_int_equal(pr->n, 2);
	assert_string_equal(value(ctx, pr, "GPP_A"), "a");
	assert_string_equal(value(ctx, pr, "GPP_B"), "7");
	profile_unref(pr);

	/* without the alias the same document is not a profile */
	cause = parse_bad(ctx, doc, strlen(doc), NULL);
	assert_string_equal(cause, "line 1: no flat-profile element");
	free(cause);
}

/* At most 30 alias entries are honoured (8.7). */
static void
test_alias_max(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	struct dbuf	 doc, alias;
	int		 i;

	dbuf_init(&doc);
	dbuf_init(&alias);
	dbuf_add_str(&doc, "<r>");
	for (i = 0; i < 40; i++) {
		dbuf_printf(&doc, "<e%d>%d</e%d>", i, i, i);
		dbuf_printf(&alias, "/e%d = /flat-profile/GPP_A ; ", i);
	}
	dbuf_add_str(&doc, "</r>");
	pr = parse_alias(ctx, (char *)doc.data, (char *)alias.data);
	assert_int_equal(pr->n, 30);
	assert_string_equal(pr->ent[29].value, "29");
	profile_unref(pr);
	dbuf_clear(&doc);
	dbuf_clear(&alias);
}

/* A DOCTYPE is refused before any entity is declared or expanded. */
static void
test_doctype(void **state)
{
	static const char *const bad[] = {
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		"]>\n"
		"<flat-profile><GPP_A>&lol3;</GPP_A></flat-profile>\n",
		"<!DOCTYPE flat-profile SYSTEM \"file:///etc/passwd\">\n"
		"<flat-profile><GPP_A>x</GPP_A></flat-profile>\n",
		"<!DOCTYPE flat-profile [<!ENTITY x SYSTEM "
		"\"http://example.com/x\">]>"
		"<flat-profile><GPP_A>&x;</GPP_A></flat-profile>",
		"<!DOCTYPE flat-profile><flat-profile/>",
	};
	struct emu_ctx	*ctx = *state;
	size_t		 i;
	char		*cause;

	for (i = 0; i < nitems(bad); i++) {
		cause = parse_bad(ctx, bad[i], strlen(bad[i]), NULL);
		assert_true(cause_has_line(cause));
		assert_non_null(strstr(cause, "DOCTYPE not allowed"));
		free(cause);
		cause = parse_bad(ctx, bad[i], strlen(bad[i]), "/a = /b");
		assert_non_null(strstr(cause, "DOCTYPE not allowed"));
		free(cause);
	}
	cause = parse_bad(ctx, bad[0], strlen(bad[0]), NULL);
	assert_string_equal(cause, "line 2: DOCTYPE not allowed");
	free(cause);
}

/* 8.6: over 4 MiB is too big; too many parameters is corrupt. */
static void
test_limits(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr = NULL;
	struct dbuf	 b;
	char		*cause = NULL;
	int		 i;

	dbuf_init(&b);
	dbuf_add_str(&b, "<flat-profile><GPP_A>");
	while (b.len <= PROFILE_MAX_LEN)
		dbuf_add_str(&b, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	dbuf_add_str(&b, "</GPP_A></flat-profile>");
	assert_int_equal(profile_parse(ctx, b.data, b.len, NULL, &pr, &cause),
	    -1);
	assert_string_equal(cause, "file too big");
	free(cause);
	cause = NULL;
	assert_int_equal(profile_get(ctx, b.data, b.len, NULL, &pr, &cause),
	    -1);
	assert_string_equal(cause, "file too big");
	free(cause);

	dbuf_reset(&b);
	dbuf_add_str(&b, "<flat-profile>\n");
	for (i = 0; i < PROFILE_MAX_ENTS + 1; i++)
		dbuf_add_str(&b, "<GPP_A>1</GPP_A>\n");
	dbuf_add_str(&b, "</flat-profile>");
	cause = parse_bad(ctx, b.data, b.len, NULL);
	assert_string_equal(cause, "line 20002: more than 20000 parameters");
	free(cause);
	dbuf_clear(&b);
}

/* B62 / 11.1: gzip recognised by its magic, inflated, then parsed. */
static void
test_b62_gzip(void **state)
{
	struct emu_ctx	*ctx = *state;
	const char	*xml = "<flat-profile><GPP_A>zipped</GPP_A>"
	    "</flat-profile>";
	struct dbuf	 gz, out;
	struct profile	*pr;
	char		*cause = NULL;

	dbuf_init(&gz);
	dbuf_init(&out);
	gzip(xml, strlen(xml), &gz);
	assert_int_equal(gz.data[0], 0x1f);
	assert_int_equal(gz.data[1], 0x8b);
	assert_int_equal(decode_inflate(gz.data, gz.len, PROFILE_MAX_LEN,
	    &out, &cause), 1);
	assert_int_equal(out.len, strlen(xml));
	assert_memory_equal(out.data, xml, out.len);
	pr = parse(ctx, (char *)out.data);
	assert_string_equal(value(ctx, pr, "GPP_A"), "zipped");
	profile_unref(pr);

	/* not gzip: 0, out untouched */
	dbuf_reset(&out);
	assert_int_equal(decode_inflate((const uint8_t *)xml, strlen(xml),
	    PROFILE_MAX_LEN, &out, &cause), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(decode_inflate((const uint8_t *)"\x1f", 1,
	    PROFILE_MAX_LEN, &out, &cause), 0);

	/* two members (gzip -c a b) inflate as one */
	dbuf_reset(&out);
	gzip("<flat-profile><GPP_B>2</GPP_B>", 30, &gz);
	assert_int_equal(decode_inflate(gz.data, gz.len, PROFILE_MAX_LEN,
	    &out, &cause), 1);
	assert_true(out.len > strlen(xml));

	/* a truncated stream and a corrupt one: -1 (8.6: B) */
	dbuf_reset(&gz);
	gzip(xml, strlen(xml), &gz);
	assert_int_equal(decode_inflate(gz.data, gz.len - 12, PROFILE_MAX_LEN,
	    &out, &cause), -1);
	assert_string_equal(cause, "gzip: truncated data");
	free(cause);
	cause = NULL;
	gz.data[12] ^= 0xff;
	gz.data[13] ^= 0x55;
	assert_int_equal(decode_inflate(gz.data, gz.len, PROFILE_MAX_LEN,
	    &out, &cause), -1);
	assert_non_null(cause);
	assert_int_equal(strncmp(cause, "gzip: bad data", 14), 0);
	free(cause);
	cause = NULL;
	assert_int_equal(decode_inflate((const uint8_t *)"\x1f\x8b", 2,
	    PROFILE_MAX_LEN, &out, &cause), -1);
	free(cause);
	dbuf_clear(&gz);
	dbuf_clear(&out);
}

/* A gzip bomb stops at the cap. */
static void
test_gzip_bomb(void **state)
{
	struct dbuf	 gz, out;
	char		*zeros, *cause = NULL;
	size_t		 n = 64 * 1024 * 1024;

	dbuf_init(&gz);
	dbuf_init(&out);
	zeros = calloc(1, n);
	assert_non_null(zeros);
	gzip(zeros, n, &gz);
	free(zeros);
	assert_true(gz.len < 128 * 1024);
	assert_int_equal(decode_inflate(gz.data, gz.len, PROFILE_MAX_LEN,
	    &out, &cause), -2);
	assert_int_equal(strncmp(cause, "gzip: file too big", 18), 0);
	free(cause);
	assert_true(out.cap <= 2 * PROFILE_MAX_LEN + 64);
	dbuf_clear(&gz);
	dbuf_clear(&out);

	/* exactly the cap is fine */
	zeros = calloc(1, PROFILE_MAX_LEN);
	gzip(zeros, PROFILE_MAX_LEN, &gz);
	free(zeros);
	assert_int_equal(decode_inflate(gz.data, gz.len, PROFILE_MAX_LEN,
	    &out, &cause), 1);
	assert_int_equal(out.len, PROFILE_MAX_LEN);
	dbuf_clear(&gz);
	dbuf_clear(&out);
}

/* DESIGN.md: identical bodies are parsed once. */
static void
test_cache(void **state)
{
	struct emu_ctx	*ctx = *state;
	const char	*a = "<flat-profile><GPP_A>1</GPP_A></flat-profile>";
	char		*copy, *cause = NULL;
	struct profile	*p1, *p2, *p3, *p4, *p5;
	size_t		 n0 = ctx->profile_cache_n;

	copy = strdup(a);
	assert_int_equal(profile_get(ctx, (const uint8_t *)a, strlen(a), NULL,
	    &p1, &cause), 0);
	assert_int_equal(profile_get(ctx, (const uint8_t *)copy, strlen(copy),
	    NULL, &p2, &cause), 0);
	assert_ptr_equal(p1, p2);
	assert_int_equal(p1->refs, 3);	/* cache + two callers */
	assert_int_equal(ctx->profile_cache_n, n0 + 1);
	/* another alias map is another parse */
	assert_int_equal(profile_get(ctx, (const uint8_t *)a, strlen(a),
	    "/x = /flat-profile/GPP_B", &p3, &cause), 0);
	assert_ptr_not_equal(p1, p3);
	assert_int_equal(profile_get(ctx, (const uint8_t *)a, strlen(a), "",
	    &p4, &cause), 0);
	assert_ptr_not_equal(p3, p4);
	assert_ptr_not_equal(p1, p4);
	/* a different body */
	*strchr(copy, '1') = '2';
	assert_int_equal(profile_get(ctx, (const uint8_t *)copy, strlen(copy),
	    NULL, &p5, &cause), 0);
	assert_ptr_not_equal(p1, p5);
	assert_string_equal(p5->ent[0].value, "2");
	profile_unref(p1);
	profile_unref(p2);
	assert_int_equal(p1->refs, 1);	/* still cached */
	profile_unref(p3);
	profile_unref(p4);
	profile_unref(p5);
	/* failures are not cached */
	assert_int_equal(profile_get(ctx, (const uint8_t *)"<x", 2, NULL, &p1,
	    &cause), -1);
	assert_null(p1);
	free(cause);
	assert_int_equal(ctx->profile_cache_n, n0 + 4);
	free(copy);
	profile_unref(NULL);
}

/* A full cache hands out uncached profiles. */
static void
test_cache_full(void **state)
{
	struct emu_ctx	*ctx = emu_ctx_create(2);
	struct profile	*pr, *again;
	char		 buf[128], *cause = NULL;
	int		 i;

	for (i = 0; i <= PROFILE_CACHE_MAX; i++) {
		snprintf(buf, sizeof buf,
		    "<flat-profile><GPP_A>%d</GPP_A></flat-profile>", i);
		assert_int_equal(profile_get(ctx, (uint8_t *)buf, strlen(buf),
		    NULL, &pr, &cause), 0);
		if (i < PROFILE_CACHE_MAX)
			assert_int_equal(pr->refs, 2);
		else
			assert_int_equal(pr->refs, 1);
		profile_unref(pr);
	}
	assert_int_equal(ctx->profile_cache_n, PROFILE_CACHE_MAX);
	assert_int_equal(profile_get(ctx, (uint8_t *)buf, strlen(buf), NULL,
	    &again, &cause), 0);
	assert_int_equal(again->refs, 1);
	profile_unref(again);
	emu_ctx_free(ctx);
}

/* The "profile check" report: every line in line order, then counts. */
static void
test_check_report(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	struct dbuf	 out;

	pr = parse(ctx, "<flat-profile>\n"
	    "<Transport_Protocol>udp</Transport_Protocol>\n"
	    "<Resync_Periodic>600</Resync_Periodic>\n"
	    "<Provision_Enable>maybe</Provision_Enable>\n"
	    "<Speed_Dial_2_Name ua=\"rw\"/>\n"
	    "<GPP_SA>key</GPP_SA>\n"
	    "<Password_1_ ua=\"na\">pw</Password_1_>\n"
	    "<GPP_A ua=\"bogus\">say \"hi\"\xc3\xa9</GPP_A>\n"
	    "<Report_to_Server>Periodically</Report_to_Server>\n"
	    "<GPP_B preserve-value=\"y\"></GPP_B>\n"
	    "</flat-profile>\n");
	dbuf_init(&out);
	profile_check_report(ctx, "p.xml", pr, &out);
	assert_string_equal((char *)out.data,
	    "p.xml:2: ignore Transport_Protocol: unknown parameter\n"
	    "p.xml:3: apply Resync_Periodic = \"600\"\n"
	    "p.xml:4: reject Provision_Enable: \"maybe\" is not Yes or No\n"
	    "p.xml:5: apply Speed_Dial_2_Name ua=rw (value kept)\n"
	    "p.xml:6: apply GPP_SA = \"********\"\n"
	    "p.xml:7: apply Password_1_ = \"********\" ua=na\n"
	    "p.xml:8: apply GPP_A = \"say \\\"hi\\\"\\xc3\\xa9\"\n"
	    "p.xml:8: ignore GPP_A: ua=\"bogus\" is not na, ro or rw "
	    "(attribute ignored)\n"
	    "p.xml:9: apply Report_To_Server = \"Periodically\"\n"
	    "p.xml:10: apply GPP_B preserve-value=y (value kept)\n"
	    "7 applied, 1 rejected, 2 ignored\n");
	dbuf_clear(&out);
	profile_unref(pr);

	pr = parse(ctx, "<flat-profile/>");
	dbuf_init(&out);
	profile_check_report(ctx, "e.xml", pr, &out);
	assert_string_equal((char *)out.data,
	    "0 applied, 0 rejected, 0 ignored\n");
	dbuf_clear(&out);
	profile_unref(pr);
}

/*
 * Spec 8.1: only children of flat-profile are parameters; what a template
 * nests below one is dropped, and each dropped element is named.  Spec 7:
 * a catalogue name is stored; 5: rules are tried as written.
 */
static void
test_check_fidelity(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	struct dbuf	 out;
	size_t		 i;

	pr = parse(ctx, "<flat-profile>\n"
	    "<Ext_1>\n"
	    "  <User_ID_1_>100</User_ID_1_>\n"
	    "  <Sub><Password_1_>pw</Password_1_></Sub>\n"
	    "</Ext_1>\n"
	    "<Call_Park_Code>#68</Call_Park_Code>\n"
	    "<Profile_Rule>(\"$EMS\" eq \"mobile\")? [--uid $MUID --pwd "
	    "$MPWD] /em.xml | /$PN_$MA.xml</Profile_Rule>\n"
	    "<Profile_Rule_B>[--srv] tftp://h/x | http://h/y</Profile_Rule_B>\n"
	    "<Profile_Rule_C>(1 eq 1)? [--srv] tftp://h/x</Profile_Rule_C>\n"
	    "</flat-profile>\n");
	/* The nested elements are notes; none of them is applied. */
	for (i = 0; i < pr->n; i++)
		assert_string_not_equal(pr->ent[i].name, "User_ID_1_");
	dbuf_init(&out);
	profile_check_report(ctx, "n.xml", pr, &out);
	dbuf_add(&out, "", 1);
	assert_string_equal((char *)out.data,
	    "n.xml:2: ignore Ext_1: unknown parameter\n"
	    "n.xml:3: ignore User_ID_1_: inside <Ext_1>: not a child of "
	    "flat-profile, dropped\n"
	    "n.xml:4: ignore Sub: inside <Ext_1>: not a child of "
	    "flat-profile, dropped\n"
	    "n.xml:4: ignore Password_1_: inside <Ext_1>: not a child of "
	    "flat-profile, dropped\n"
	    "n.xml:6: apply Call_Park_Code = \"#68\" (MPP parameter, stored "
	    "only)\n"
	    "n.xml:7: apply Profile_Rule = \"(\\\"$EMS\\\" eq "
	    "\\\"mobile\\\")? [--uid $MUID --pwd $MPWD] /em.xml | "
	    "/$PN_$MA.xml\"\n"
	    "n.xml:8: apply Profile_Rule_B = \"[--srv] tftp://h/x | "
	    "http://h/y\"\n"
	    "n.xml:8: warn Profile_Rule_B: bad profile rule: alternative 1: "
	    "has no condition but is not the last\n"
	    "n.xml:9: apply Profile_Rule_C = \"(1 eq 1)? [--srv] tftp://h/x\"\n"
	    "n.xml:9: warn Profile_Rule_C: Error - TFTP Scheme not supported "
	    "in SRV lookups.\n"
	    "4 applied, 0 rejected, 4 ignored, 2 warnings\n");
	dbuf_clear(&out);
	profile_unref(pr);
}

/*
 * Scale (DESIGN.md): a rejected value is checked before it is interned, so
 * it costs the fleet nothing; an accepted one is released with the last
 * profile that holds it.
 */
#define BIG_VALUE	(1024 * 1024)
static char *
big_profile(const char *name, int seq)
{
	char	*text, *v;

	v = malloc(BIG_VALUE + 1);
	assert_non_null(v);
	memset(v, 'x', BIG_VALUE);
	v[BIG_VALUE] = '\0';
	snprintf(v, 8, "%06d", seq);
	v[6] = 'x';
	assert_true(asprintf(&text, "<flat-profile><%s>%s</%s></flat-profile>",
	    name, v, name) > 0);
	free(v);
	return (text);
}

static void
test_intern_bounded(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct profile	*pr;
	char		*text, *cause = NULL;
	size_t		 count, bytes;
	int		 i;

	intern_collect(ctx->intern);
	count = intern_count(ctx->intern);
	bytes = intern_bytes(ctx->intern);

	/* Not a number: rejected, and never in the table. */
	text = big_profile("Resync_Periodic", 0);
	if (profile_parse(ctx, (const uint8_t *)text, strlen(text), NULL, &pr,
	    &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(pr->n, 0);
	assert_int_equal(pr->nrej, 1);
	assert_int_equal(intern_count(ctx->intern), count);
	profile_unref(pr);
	free(text);

	/* Accepted, changing: released with each profile. */
	for (i = 1; i <= 32; i++) {
		text = big_profile("GPP_A", i);
		pr = parse(ctx, text);
		assert_int_equal(pr->n, 1);
		assert_int_equal(strlen(pr->ent[0].value), BIG_VALUE);
		profile_unref(pr);
		free(text);
		intern_collect(ctx->intern);
		assert_true(intern_bytes(ctx->intern) <= bytes + 4 * BIG_VALUE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_encodings),
		cmocka_unit_test(test_b68_malformed),
		cmocka_unit_test(test_b68_first_error),
		cmocka_unit_test(test_check_fidelity),
		cmocka_unit_test(test_b69_roots),
		cmocka_unit_test(test_b70_duplicates),
		cmocka_unit_test(test_b71_unknown),
		cmocka_unit_test(test_permissive),
		cmocka_unit_test(test_b72_empty),
		cmocka_unit_test(test_b73_values),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_typed_reject),
		cmocka_unit_test(test_b75_alias),
		cmocka_unit_test(test_alias_max),
		cmocka_unit_test(test_doctype),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_b62_gzip),
		cmocka_unit_test(test_gzip_bomb),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_cache_full),
		cmocka_unit_test(test_check_report),
		cmocka_unit_test(test_intern_bounded),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

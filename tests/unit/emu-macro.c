/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Macro expansion (spec 6.1, 6.2 names; checklist B38-B42) against a fake
 * variable table.
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

struct fake {
	const char	*mac;		/* 12 lower-case hex digits */
	const char	*gpp[16];	/* GPP_A..GPP_P; NULL is "" */
	const char	*sgpp[4];	/* GPP_SA..GPP_SD */
	unsigned	 prvtmr;
	int		 calls;		/* lookups made */
	int		 secret_calls;	/* lookups of SA..SD */
	char		 buf[64];
};

static void		 fake_init(struct fake *);
static const char	*fake_lookup(void *, const char *, size_t, char *,
			     size_t);
static char		*expand(struct fake *, const char *, unsigned);

static void
fake_init(struct fake *f)
{
	memset(f, 0, sizeof *f);
	f->mac = "00562b043615";
	f->gpp[0] = "ABCDEF";
	f->sgpp[0] = "MyUserID";
	f->sgpp[1] = "MySecretPassword";
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
	size_t		 i;
	int		 k;

	f->calls++;
	if (name_is(name, len, "MA"))
		return (f->mac);
	if (name_is(name, len, "MAU")) {
		for (i = 0; i < 12; i++)
			f->buf[i] = f->mac[i] >= 'a' ? f->mac[i] - 32 :
			    f->mac[i];
		f->buf[12] = '\0';
		return (f->buf);
	}
	if (name_is(name, len, "MAC")) {
		for (i = 0, k = 0; i < 12; i += 2) {
			if (i != 0)
				f->buf[k++] = ':';
			f->buf[k++] = f->mac[i];
			f->buf[k++] = f->mac[i + 1];
		}
		f->buf[k] = '\0';
		return (f->buf);
	}
	if (name_is(name, len, "PN"))
		return ("CP-8851-3PCC");
	if (name_is(name, len, "PSN"))
		return ("8851-3PCC");
	if (name_is(name, len, "SN"))
		return ("FCH1234ABCD");
	if (name_is(name, len, "SWVER"))
		return ("sip88xx.12-0-7MPP0301-92");
	if (name_is(name, len, "CCERT"))
		return ("Installed");
	if (name_is(name, len, "PRVTMR")) {
		snprintf(tmp, size, "%u", f->prvtmr);
		return (tmp);
	}
	if (len >= 4 && memcmp(name, "GPP_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	if (len == 1 && name[0] >= 'A' && name[0] <= 'P')
		return (f->gpp[name[0] - 'A'] ? f->gpp[name[0] - 'A'] : "");
	if (len == 2 && name[0] == 'S' && name[1] >= 'A' && name[1] <= 'D') {
		f->secret_calls++;
		return (f->sgpp[name[1] - 'A'] ? f->sgpp[name[1] - 'A'] : "");
	}
	return (NULL);
}

static char *
expand(struct fake *f, const char *in, unsigned flags)
{
	return (macro_expand(in, flags, fake_lookup, f));
}

#define CHECK(f, in, flags, want) do {					\
	char	*out_ = expand((f), (in), (flags));			\
	assert_string_equal(out_, (want));				\
	free(out_);							\
} while (0)

/* 6.1: $NAME takes the longest run of [A-Za-z0-9_]. */
static void
test_name_longest_run(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$MA", 0, "00562b043615");
	CHECK(&f, "$MA.cfg", 0, "00562b043615.cfg");
	CHECK(&f, "$MAU.cfg", 0, "00562B043615.cfg");
	CHECK(&f, "/cisco/$PSN/$MA.xml", 0,
	    "/cisco/8851-3PCC/00562b043615.xml");
	CHECK(&f, "$PN$MA.xml", 0, "CP-8851-3PCC00562b043615.xml");
	/* MAUconfig is one (unknown) name, so it stays. */
	CHECK(&f, "$MAUconfig.cfg", 0, "$MAUconfig.cfg");
	CHECK(&f, "x$MA-y", 0, "x00562b043615-y");
}

/*
 * 6.1 (revised): "_" ends a name when the longer run is not a recognised
 * name, as in Cisco's documented $PN_$MA_$SN.xml; a recognised longer name
 * ($GPP_A) is kept whole, and a run without "_" is not cut elsewhere.
 */
static void
test_name_underscore_ends(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$PN_$MA_$SN.xml", 0,
	    "CP-8851-3PCC_00562b043615_FCH1234ABCD.xml");
	CHECK(&f, "$MA_1", 0, "00562b043615_1");
	CHECK(&f, "$GPP_A", 0, "ABCDEF");
	CHECK(&f, "$A_B", 0, "ABCDEF_B");
	/* No "_" to cut at: still one unknown name. */
	CHECK(&f, "$MAUconfig.cfg", 0, "$MAUconfig.cfg");
	/* Neither the run nor its part before "_" is known. */
	CHECK(&f, "$STRANGE_$MA", 0, "$STRANGE_00562b043615");
	CHECK(&f, "$_MA", 0, "$_MA");
	/* The cut part is restricted: $SA stays outside --key/--uid/--pwd. */
	CHECK(&f, "$SA_x", 0, "$SA_x");
	CHECK(&f, "$SA_x", MACRO_SECRETS, "MyUserID_x");
	/* The $(NAME) form is never cut. */
	CHECK(&f, "$(MA_1)", 0, "$(MA_1)");
}

/* 6.1: names are case-sensitive. */
static void
test_name_case(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$ma/$Mau", 0, "$ma/$Mau");
}

/* B41: $(MAU)config.cfg, and the exact MA, MAU, MAC formats. */
static void
test_b41_paren_and_formats(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$(MAU)config.cfg", 0, "00562B043615config.cfg");
	CHECK(&f, "$MA $MAU $MAC", 0,
	    "00562b043615 00562B043615 00:56:2b:04:36:15");
	f.mac = "000e08aabbcc";
	CHECK(&f, "$MA|$MAU|$MAC", 0, "000e08aabbcc|000E08AABBCC|"
	    "00:0e:08:aa:bb:cc");
	f.mac = "000e08012345";
	CHECK(&f, "$(MAU)config.cfg", 0, "000E08012345config.cfg");
}

/* B39, 6.1: $(NAME:p) and $(NAME:p:q). */
static void
test_b39_substring(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$(A:2)", 0, "CDEF");
	CHECK(&f, "$(A:2:3)", 0, "CDE");
	CHECK(&f, "$(A:0)", 0, "ABCDEF");
	CHECK(&f, "$(A:0:1)", 0, "A");
	CHECK(&f, "$(A:5)", 0, "F");
	CHECK(&f, "$(A:6)", 0, "");
	CHECK(&f, "$(A:99)", 0, "");
	CHECK(&f, "$(A:4:99)", 0, "EF");
	CHECK(&f, "$(A:1:0)", 0, "");
	CHECK(&f, "$(A:99999999999999999999999:2)", 0, "");
	CHECK(&f, "x$(MA:6)y", 0, "x043615y");
	CHECK(&f, "$(A)", 0, "ABCDEF");
}

/* 6.1: what is not a well-formed $(...) leaves the "$" as text. */
static void
test_paren_malformed(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$(A", 0, "$(A");
	CHECK(&f, "$()", 0, "$()");
	CHECK(&f, "$(A:)", 0, "$(A:)");
	CHECK(&f, "$(A:2:)", 0, "$(A:2:)");
	CHECK(&f, "$(A:x)", 0, "$(A:x)");
	CHECK(&f, "$(A-B)", 0, "$(A-B)");
	CHECK(&f, "$(A:1:2:3)", 0, "$(A:1:2:3)");
	/* The text after the "$" is scanned again: $MA is expanded. */
	CHECK(&f, "$($MA)", 0, "$(00562b043615)");
}

/* B40, 6.1: unknown names are kept verbatim, in the form written. */
static void
test_b40_unknown_verbatim(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$STRANGE$MAU.cfg", 0, "$STRANGE00562B043615.cfg");
	CHECK(&f, "$(X)", 0, "$(X)");
	CHECK(&f, "$(STRANGE:1:2)/$(X:3)", 0, "$(STRANGE:1:2)/$(X:3)");
	/* The spec's own example, with its MAC. */
	f.mac = "000e08012345";
	CHECK(&f, "$STRANGE$MAU.cfg", 0, "$STRANGE000E08012345.cfg");
}

/* B40, 6.1: $$ is $, and the result is not expanded again. */
static void
test_b40_dollar_dollar(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$$MAU", 0, "$MAU");
	CHECK(&f, "$$", 0, "$");
	CHECK(&f, "$$$$", 0, "$$");
	CHECK(&f, "$$$MAU", 0, "$00562B043615");
	CHECK(&f, "a$$(MA)b", 0, "a$(MA)b");
}

/* 6.1: single pass; a value holding a macro is copied as is. */
static void
test_single_pass(void **state)
{
	struct fake	f;

	fake_init(&f);
	f.gpp[1] = "$MA";
	f.gpp[2] = "$$";
	CHECK(&f, "$B/$C", 0, "$MA/$$");
	CHECK(&f, "$(B:1)", 0, "MA");
}

/* 6.1: a lone or trailing "$" is text. */
static void
test_lone_dollar(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$", 0, "$");
	CHECK(&f, "a$", 0, "a$");
	CHECK(&f, "$ $-$.$/", 0, "$ $-$.$/");
	CHECK(&f, "", 0, "");
	CHECK(&f, "no macros", 0, "no macros");
}

/* B42: undocumented names stay unexpanded. */
static void
test_b42_undocumented(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$PRVERR $DHCPOPTION_66 $PRODUCTID $UPGTMP $PRVTMP", 0,
	    "$PRVERR $DHCPOPTION_66 $PRODUCTID $UPGTMP $PRVTMP");
}

/* B38, 6.1: $SA..$SD only with MACRO_SECRETS; never even looked up. */
static void
test_b38_secrets_restricted(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$SA/$SB/$SC/$SD", 0, "$SA/$SB/$SC/$SD");
	CHECK(&f, "$(SA)/$(SB:2)/$GPP_SA/$(GPP_SB)", 0,
	    "$(SA)/$(SB:2)/$GPP_SA/$(GPP_SB)");
	assert_int_equal(f.secret_calls, 0);
	/* SE is not restricted (and not known). */
	CHECK(&f, "$SE", 0, "$SE");

	CHECK(&f, "$SA:$SB", MACRO_SECRETS, "MyUserID:MySecretPassword");
	CHECK(&f, "$(SB:2:6)", MACRO_SECRETS, "Secret");
	CHECK(&f, "$GPP_SA", MACRO_SECRETS, "MyUserID");
	CHECK(&f, "$SA$MA", MACRO_SECRETS, "MyUserID00562b043615");
	assert_int_not_equal(f.secret_calls, 0);
}

/* 5.1 step 5: the second pass over --key/--uid/--pwd touches $SA..$SD only. */
static void
test_only_secrets(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "$SA/$MA/$$/$(SB:2)/$STRANGE", MACRO_ONLY_SECRETS,
	    "MyUserID/$MA/$$/SecretPassword/$STRANGE");
	f.calls = 0;
	CHECK(&f, "$MA$PN", MACRO_ONLY_SECRETS, "$MA$PN");
	assert_int_equal(f.calls, 0);
}

/* 6.2: A..P are GPP_A..GPP_P; an empty value expands to nothing. */
static void
test_gpp_values(void **state)
{
	struct fake	f;

	fake_init(&f);
	CHECK(&f, "[$B]", 0, "[]");
	CHECK(&f, "$GPP_A", 0, "ABCDEF");
	f.gpp[15] = "pee";
	CHECK(&f, "$P$(GPP_P)", 0, "peepee");
}

/* The callback may build its value in the caller's scratch buffer. */
static void
test_computed_value(void **state)
{
	struct fake	f;

	fake_init(&f);
	f.prvtmr = 601;
	CHECK(&f, "t=$PRVTMR", 0, "t=601");
	CHECK(&f, "$(PRVTMR:1)", 0, "01");
}

/* Without a callback nothing is known: everything stays. */
static void
test_no_callback(void **state)
{
	char	*out;

	out = macro_expand("$MA $(A:1) $$ $SA", MACRO_SECRETS, NULL, NULL);
	assert_string_equal(out, "$MA $(A:1) $ $SA");
	free(out);
}

/* MACRO_MAX_LEN caps the output, whatever the input or values. */
static void
test_max_len(void **state)
{
	struct fake	 f;
	char		*in, *out, *big;
	size_t		 i;

	fake_init(&f);
	in = malloc(3 * MACRO_MAX_LEN + 1);
	for (i = 0; i < 3 * MACRO_MAX_LEN; i++)
		in[i] = 'x';
	in[i] = '\0';
	out = expand(&f, in, 0);
	assert_int_equal(strlen(out), MACRO_MAX_LEN);
	free(out);

	/* Values: 2000 * "$MA" would be 24000 bytes. */
	for (i = 0; i + 3 <= 3 * MACRO_MAX_LEN; i += 3)
		memcpy(in + i, "$MA", 3);
	in[i] = '\0';
	out = expand(&f, in, 0);
	assert_int_equal(strlen(out), MACRO_MAX_LEN);
	assert_memory_equal(out, "00562b043615", 12);
	free(out);

	big = malloc(2 * MACRO_MAX_LEN + 1);
	memset(big, 'v', 2 * MACRO_MAX_LEN);
	big[2 * MACRO_MAX_LEN] = '\0';
	f.gpp[3] = big;
	out = expand(&f, "ab$D", 0);
	assert_int_equal(strlen(out), MACRO_MAX_LEN);
	assert_memory_equal(out, "abvvv", 5);
	free(out);
	free(big);
	free(in);
}

int	main(void);

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_longest_run),
		cmocka_unit_test(test_name_underscore_ends),
		cmocka_unit_test(test_name_case),
		cmocka_unit_test(test_b41_paren_and_formats),
		cmocka_unit_test(test_b39_substring),
		cmocka_unit_test(test_paren_malformed),
		cmocka_unit_test(test_b40_unknown_verbatim),
		cmocka_unit_test(test_b40_dollar_dollar),
		cmocka_unit_test(test_single_pass),
		cmocka_unit_test(test_lone_dollar),
		cmocka_unit_test(test_b42_undocumented),
		cmocka_unit_test(test_b38_secrets_restricted),
		cmocka_unit_test(test_only_secrets),
		cmocka_unit_test(test_gpp_values),
		cmocka_unit_test(test_computed_value),
		cmocka_unit_test(test_no_callback),
		cmocka_unit_test(test_max_len),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/json.c and proto/cloud.c: the strict JSON reader (RFC 8259) and
 * the EMULATOR-DEFINED cloud exchanges of spec 13 (docs/cloud.md): request
 * targets and bodies both ways, the activation-code check (15.6, B24), how
 * a phone reads GDS (13.3, B21, B22) and EDOS answers (13.1, B13-B15).
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"
#include "unit.h"

#define S(x) (const uint8_t *)(x), strlen(x)

static int
jparse(struct json_obj *o, const char *text, char **cause)
{
	return (json_parse(o, (const uint8_t *)text, strlen(text), cause));
}

/* text must be refused with a one-line cause naming want and offset. */
static void
json_bad(const char *text, size_t len, const char *want)
{
	struct json_obj o;
	char *cause = NULL;

	if (json_parse(&o, (const uint8_t *)text, len, &cause) == 0)
		fail_msg("accepted: %.*s", (int)len, text);
	json_obj_clear(&o);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "offset "));
	unit_check_cause(cause, want);
}

static void
test_json_members(void **state)
{
	struct json_obj o;
	const struct json_member *m;
	char *cause = NULL;

	(void)state;
	assert_int_equal(jparse(&o, " {\"a\" : \"x\", \"n\":-1.5e+3,"
	    "\"t\":true,\"f\":false,\"z\":null,\"o\":{\"k\":[1,{},[]]},"
	    "\"e\":\"\"}\r\n", &cause), 0);
	assert_int_equal(o.n, 7);
	assert_string_equal(json_get_str(&o, "a"), "x");
	m = json_get(&o, "n");
	assert_int_equal(m->type, JSON_NUMBER);
	assert_string_equal(m->value, "-1.5e+3");
	assert_int_equal(json_get(&o, "t")->type, JSON_TRUE);
	assert_int_equal(json_get(&o, "f")->type, JSON_FALSE);
	assert_int_equal(json_get(&o, "z")->type, JSON_NULL);
	m = json_get(&o, "o");
	assert_int_equal(m->type, JSON_NESTED);
	assert_null(m->value);
	assert_null(json_get_str(&o, "n"));	/* not a string */
	assert_null(json_get_str(&o, "missing"));
	assert_string_equal(json_get_str(&o, "e"), "");
	json_obj_clear(&o);

	assert_int_equal(jparse(&o, "{}", &cause), 0);
	assert_int_equal(o.n, 0);
	json_obj_clear(&o);
}

static void
test_json_escapes(void **state)
{
	struct json_obj o;
	char *cause = NULL;

	(void)state;
	assert_int_equal(jparse(&o, "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
	    &cause), 0);
	assert_string_equal(json_get_str(&o, "s"), "\"\\/\b\f\n\r\t");
	json_obj_clear(&o);
	/* \u: 1, 2 and 3 UTF-8 bytes, and a surrogate pair (U+1F600). */
	assert_int_equal(jparse(&o, "{\"s\":\"\\u0041\\u00e9\\u20AC"
	    "\\ud83d\\ude00\"}", &cause), 0);
	assert_string_equal(json_get_str(&o, "s"),
	    "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	json_obj_clear(&o);
	/* Raw UTF-8 passes as it is; keys are decoded too. */
	assert_int_equal(jparse(&o, "{\"k\\u00e9\":\"caf\xc3\xa9\"}",
	    &cause), 0);
	assert_string_equal(json_get_str(&o, "k\xc3\xa9"), "caf\xc3\xa9");
	json_obj_clear(&o);
}

static void
test_json_refused(void **state)
{
	(void)state;
	json_bad("", 0, "object");
	json_bad("[1]", 3, "object");
	json_bad("\"s\"", 3, "object");
	json_bad("{\"a\":\"b\"", 8, "'}'");
	json_bad("{\"a\":\"b\",}", 10, "string");
	json_bad("{\"a\" \"b\"}", 9, "':'");
	json_bad("{a:\"b\"}", 7, "string");
	json_bad("{\"a\":'b'}", 9, "number");
	json_bad("{\"a\":01}", 8, NULL);
	json_bad("{\"a\":1.}", 8, "number");
	json_bad("{\"a\":-}", 7, "number");
	json_bad("{\"a\":1e}", 8, "number");
	json_bad("{\"a\":+1}", 8, "number");
	json_bad("{\"a\":tru}", 9, "value");
	json_bad("{\"a\":True}", 10, NULL);
	/* Trailing garbage. */
	json_bad("{\"a\":1} x", 9, "trailing");
	json_bad("{\"a\":1}{}", 9, "trailing");
	/* Duplicate names are ambiguous: refused. */
	json_bad("{\"a\":\"1\",\"a\":\"2\"}", 17, "duplicate");
	json_bad("{\"a\":\"1\",\"\\u0061\":\"2\"}", 22, "duplicate");
	json_bad("{\"\":1,\"\":2}", 13, "duplicate");
	/* Strings: unterminated, control characters, bad escapes. */
	json_bad("{\"a\":\"b}", 8, "unterminated");
	json_bad("{\"a\":\"b\nc\"}", 11, "control");
	json_bad("{\"a\":\"\\x\"}", 10, "escape");
	json_bad("{\"a\":\"\\u12\"}", 12, "\\u");
	json_bad("{\"a\":\"\\u12G4\"}", 14, "\\u");
	/* NUL in any form. */
	json_bad("{\"a\":\"b\0c\"}", 11, "NUL");
	json_bad("{\"a\":\"\\u0000\"}", 14, "NUL");
	json_bad("{\"a\":1}\0", 8, "trailing");
	/* Surrogates must pair. */
	json_bad("{\"a\":\"\\ud83d\"}", 14, "surrogate");
	json_bad("{\"a\":\"\\ud83dx\"}", 15, "surrogate");
	json_bad("{\"a\":\"\\ud83d\\u0041\"}", 20, "surrogate");
	json_bad("{\"a\":\"\\ude00\"}", 14, "surrogate");
	/* Bad UTF-8: stray continuation, overlong, surrogate, truncated. */
	json_bad("{\"a\":\"\x80\"}", 9, "UTF-8");
	json_bad("{\"a\":\"\xc0\xaf\"}", 10, "UTF-8");
	json_bad("{\"a\":\"\xed\xa0\x80\"}", 11, "UTF-8");
	json_bad("{\"a\":\"\xf4\x90\x80\x80\"}", 12, "UTF-8");
	json_bad("{\"a\":\"\xe2\x82\"}", 10, "UTF-8");
	json_bad("\xef\xbb\xbf{}", 5, "object");
}

static void
test_json_limits(void **state)
{
	struct json_obj o;
	struct dbuf b;
	char *cause = NULL;
	int i;

	(void)state;
	/* Depth: JSON_DEPTH_MAX - 1 nested levels pass, one more fails. */
	dbuf_init(&b);
	dbuf_add_str(&b, "{\"a\":");
	for (i = 0; i < JSON_DEPTH_MAX - 1; i++)
		dbuf_add_str(&b, "[");
	for (i = 0; i < JSON_DEPTH_MAX - 1; i++)
		dbuf_add_str(&b, "]");
	dbuf_add_str(&b, "}");
	assert_int_equal(json_parse(&o, b.data, b.len, &cause), 0);
	json_obj_clear(&o);
	dbuf_reset(&b);
	dbuf_add_str(&b, "{\"a\":");
	for (i = 0; i < 10000; i++)	/* recursion stays bounded */
		dbuf_add_str(&b, "[");
	dbuf_add_str(&b, "}");
	json_bad((const char *)b.data, b.len, "deeper");

	/* A string over JSON_STR_MAX bytes. */
	dbuf_reset(&b);
	dbuf_add_str(&b, "{\"a\":\"");
	for (i = 0; i < JSON_STR_MAX + 8; i++)
		dbuf_add_str(&b, "x");
	dbuf_add_str(&b, "\"}");
	json_bad((const char *)b.data, b.len, "string over");

	/* A document over JSON_DOC_MAX bytes. */
	dbuf_reset(&b);
	dbuf_add_str(&b, "{}");
	for (i = 0; i < JSON_DOC_MAX; i++)
		dbuf_add_str(&b, " ");
	json_bad((const char *)b.data, b.len, "document");

	/* Members: JSON_MEMBERS_MAX pass, one more fails. */
	dbuf_reset(&b);
	dbuf_add_str(&b, "{");
	for (i = 0; i < JSON_MEMBERS_MAX; i++)
		dbuf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	dbuf_add_str(&b, "}");
	assert_int_equal(json_parse(&o, b.data, b.len, &cause), 0);
	assert_int_equal(o.n, JSON_MEMBERS_MAX);
	json_obj_clear(&o);
	b.len--;
	dbuf_add_str(&b, ",\"one-more\":1}");
	json_bad((const char *)b.data, b.len, "members");
	dbuf_clear(&b);
}

static void
test_json_write(void **state)
{
	struct json_obj o;
	struct dbuf b;
	char *cause = NULL;
	const char *nasty = "q\"b\\s/\b\f\n\r\t\x01\x7f caf\xc3\xa9";

	(void)state;
	dbuf_init(&b);
	json_write_str(&b, nasty);
	assert_string_equal(b.data, "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001"
	    "\\u007f caf\xc3\xa9\"");
	/* What is written reads back the same. */
	dbuf_reset(&b);
	dbuf_add_str(&b, "{\"k\":");
	json_write_str(&b, nasty);
	dbuf_add_str(&b, "}");
	assert_int_equal(json_parse(&o, b.data, b.len, &cause), 0);
	assert_string_equal(json_get_str(&o, "k"), nasty);
	json_obj_clear(&o);
	/* Invalid UTF-8 becomes U+FFFD. */
	dbuf_reset(&b);
	json_write_str(&b, "a\xff" "b");
	assert_string_equal(b.data, "\"a\\ufffdb\"");
	dbuf_clear(&b);
}

/* 13.1, 13.2: the GET targets, percent-encoded, read back by the service. */
static void
test_cloud_targets(void **state)
{
	struct cloud_query q;
	char *t, *cause = NULL;

	(void)state;
	t = cloud_device_target("00562B043615", "CP-8851-3PCC",
	    "FCH 2301&x=y", "sip88xx.12-0-7MPP0301-92");
	assert_string_equal(t, "/rc/v1/device?mac=00562B043615&"
	    "pid=CP-8851-3PCC&sn=FCH%202301%26x%3Dy&"
	    "fw=sip88xx.12-0-7MPP0301-92");
	assert_int_equal(cloud_target_parse(&q, t, &cause), 0);
	assert_int_equal(q.req, CLOUD_REQ_DEVICE);
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.pid, "CP-8851-3PCC");
	assert_string_equal(q.sn, "FCH 2301&x=y");
	assert_string_equal(q.fw, "sip88xx.12-0-7MPP0301-92");
	free(t);

	t = cloud_code_target("123456", "00562B043615", "CP-8851-3PCC");
	assert_string_equal(t, "/rc/v1/code?code=123456&mac=00562B043615&"
	    "pid=CP-8851-3PCC");
	assert_int_equal(cloud_target_parse(&q, t, &cause), 0);
	assert_int_equal(q.req, CLOUD_REQ_CODE);
	assert_string_equal(q.code, "123456");
	free(t);

	/* Lower-case MAC is stored upper case; unknown names are ignored. */
	assert_int_equal(cloud_target_parse(&q, "/rc/v1/device?x=1&"
	    "mac=00562b043615&pid=P&utm=", &cause), 0);
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.sn, "");
}

static void
test_cloud_targets_refused(void **state)
{
	struct cloud_query q;
	struct dbuf b;
	char *cause = NULL;
	int i;

	(void)state;
#define BAD(target, want) do {						\
	cause = NULL;							\
	assert_int_equal(cloud_target_parse(&q, target, &cause), -1);	\
	unit_check_cause(cause, want);					\
} while (0)
	BAD("/rc/v1/other?mac=00562B043615&pid=P", "path");
	BAD("/rc/v1/device", "mac");
	BAD("/rc/v1/device?pid=P", "mac");
	BAD("/rc/v1/device?mac=00562B043615", "pid");
	BAD("/rc/v1/device?mac=00562B04361&pid=P", "mac");
	BAD("/rc/v1/device?mac=00562B04361G&pid=P", "mac");
	BAD("/rc/v1/device?mac=00562B0436150&pid=P", "mac");
	BAD("/rc/v1/device?mac=00562B043615&mac=00562B043616&pid=P",
	    "twice");
	BAD("/rc/v1/device?mac&pid=P", "no value");
	BAD("/rc/v1/device?mac=00562B043615&pid=%4", "escape");
	BAD("/rc/v1/device?mac=00562B043615&pid=%zz", "escape");
	BAD("/rc/v1/device?mac=00562B043615&pid=a%00b", "0x00");
	BAD("/rc/v1/device?mac=00562B043615&pid=a%0ab", "0x0a");
	BAD("/rc/v1/device?mac=00562B043615&pid=\xc3\xa9", "0xc3");
	BAD("/rc/v1/code?mac=00562B043615&pid=P", "code");
	BAD("/rc/v1/code?code=12&mac=00562B043615&pid=P", "short code");
	BAD("/rc/v1/code?code=12345678901234567&mac=00562B043615&pid=P",
	    NULL);
	BAD("/rc/v1/code?code=12a4&mac=00562B043615&pid=P", "digits");

	/* Bounds: a field, the parameter count, the whole target. */
	dbuf_init(&b);
	dbuf_add_str(&b, "/rc/v1/device?mac=00562B043615&pid=");
	for (i = 0; i < CLOUD_FIELD_MAX + 1; i++)
		dbuf_add_str(&b, "x");
	BAD((const char *)b.data, "over");
	dbuf_reset(&b);
	dbuf_add_str(&b, "/rc/v1/device?mac=00562B043615&pid=P");
	for (i = 0; i < CLOUD_PARAMS_MAX; i++)
		dbuf_add_str(&b, "&x=1");
	BAD((const char *)b.data, "parameters");
	dbuf_reset(&b);
	dbuf_add_str(&b, "/rc/v1/device?mac=00562B043615&pid=P&x=");
	for (i = 0; i < CLOUD_TARGET_MAX; i++)
		dbuf_add_str(&b, "y");
	BAD((const char *)b.data, "request-target");
	dbuf_clear(&b);
#undef BAD
}

/* 15.6, B24: what the phone refuses before asking anyone. */
static void
test_b24_code_check(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(cloud_code_check("1234567890123456", &cause),
	    CLOUD_CODE_GDS);
	assert_int_equal(cloud_code_check("#123", &cause), CLOUD_CODE_SHORT);
	assert_int_equal(cloud_code_check("#123456", &cause),
	    CLOUD_CODE_SHORT);
	assert_int_equal(cloud_code_check("#1234567890123456", &cause),
	    CLOUD_CODE_SHORT);
#define BAD(code, want) do {						\
	cause = NULL;							\
	assert_int_equal(cloud_code_check(code, &cause), -1);		\
	assert_null(strstr(cause, "1234"));	/* never quoted */	\
	unit_check_cause(cause, want);					\
} while (0)
	/* B24: 2 or 17 digits after '#'. */
	BAD("#12", "short code of 2 digits");
	BAD("#12345678901234567", "short code of 17 digits");
	BAD("#", "short code of 0");
	BAD("#12a4", "digits only");
	BAD("123456789012345", "15 digits");
	BAD("12345678901234567", "17 digits");
	BAD("1234-5678-9012-3456", "digits only");
	BAD("", "0 digits");
	BAD("123456", "6 digits");
	BAD("##123", "digits only");
	BAD("12345678901234567890123456789012345678901234567890123456789012345",
	    "over");
#undef BAD
}

/* 13.3: the GDS POST body, both ways. */
static void
test_cloud_gds_body(void **state)
{
	struct cloud_query q;
	char *body, *cause = NULL;

	(void)state;
	body = cloud_gds_body("1234567890123456", "00562B043615",
	    "CP-8851-3PCC", "FCH\"2301", "sip88xx.12-0-7MPP0301-92");
	assert_string_equal(body, "{\"code\":\"1234567890123456\","
	    "\"mac\":\"00562B043615\",\"pid\":\"CP-8851-3PCC\","
	    "\"sn\":\"FCH\\\"2301\",\"fw\":\"sip88xx.12-0-7MPP0301-92\"}");
	assert_int_equal(cloud_gds_body_parse(&q, S(body), &cause), 0);
	assert_int_equal(q.req, CLOUD_REQ_GDS);
	assert_string_equal(q.code, "1234567890123456");
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.sn, "FCH\"2301");
	free(body);

#define BAD(text, want) do {						\
	cause = NULL;							\
	assert_int_equal(cloud_gds_body_parse(&q, S(text), &cause), -1); \
	unit_check_cause(cause, want);					\
} while (0)
	BAD("{\"mac\":\"00562B043615\"}", "no code");
	BAD("{\"code\":\"1234567890123456\"}", "no mac");
	BAD("{\"code\":1234567890123456,\"mac\":\"00562B043615\"}",
	    "not a string");
	BAD("{\"code\":\"123456\",\"mac\":\"00562B043615\"}", "6 digits");
	BAD("{\"code\":\"1234567890123456\",\"mac\":\"zz\"}", "mac");
	BAD("{\"code\":\"1234567890123456\",\"mac\":\"00562B043615\","
	    "\"pid\":\"a\\nb\"}", "0x0a");
	BAD("{\"code\":\"1234567890123456\",\"mac\":\"00562B043615\"} x",
	    "trailing");
	BAD("not json", "offset 0");
#undef BAD
}

/* 13.3, B21, B22: how the phone reads the GDS answer. */
static void
test_b21_b22_gds_reply(void **state)
{
	struct cloud_grant g;
	struct dbuf b;
	char *rule, *cause = NULL;

	(void)state;
	dbuf_init(&b);
	cloud_grant_write(&b, "https://sp.example.com/$MA.xml", "user 1",
	    "p$w\"d]");
	assert_int_equal(cloud_gds_reply(200, b.data, b.len, &g, &cause),
	    CLOUD_GDS_OK);
	assert_string_equal(g.rule, "https://sp.example.com/$MA.xml");
	assert_string_equal(g.uid, "user 1");
	assert_string_equal(g.pwd, "p$w\"d]");
	/* Credentials as octal escapes: no macro, quote or ']' survives. */
	rule = cloud_grant_rule(&g);
	assert_string_equal(rule, "[--uid user\\0401 --pwd "
	    "p\\044w\\042d\\135] https://sp.example.com/$MA.xml");
	free(rule);
	cloud_grant_clear(&g);

	/* Without credentials the rule is stored as it came. */
	assert_int_equal(cloud_gds_reply(200, S("{\"profileRule\":"
	    "\"http://x/a.xml\",\"uid\":null,\"pwd\":\"\",\"extra\":[1]}"), &g,
	    &cause), CLOUD_GDS_OK);
	assert_null(g.uid);
	assert_null(g.pwd);
	rule = cloud_grant_rule(&g);
	assert_string_equal(rule, "http://x/a.xml");
	free(rule);
	cloud_grant_clear(&g);
	/* A rule with its own options gets the credentials inside them. */
	assert_int_equal(cloud_gds_reply(200, S("{\"profileRule\":"
	    "\"[--key k] http://x/a.xml\",\"uid\":\"u\"}"), &g, &cause),
	    CLOUD_GDS_OK);
	rule = cloud_grant_rule(&g);
	assert_string_equal(rule, "[--uid u --key k] http://x/a.xml");
	free(rule);
	cloud_grant_clear(&g);

	/* B22: 400, 404, 410 are an invalid code. */
	assert_int_equal(cloud_gds_reply(400, NULL, 0, &g, &cause),
	    CLOUD_GDS_INVALID);
	assert_int_equal(cloud_gds_reply(404, S("{}"), &g, &cause),
	    CLOUD_GDS_INVALID);
	assert_int_equal(cloud_gds_reply(410, NULL, 0, &g, &cause),
	    CLOUD_GDS_INVALID);
	/* Anything else failed, with a cause. */
#define FAILED(status, text, want) do {					\
	cause = NULL;							\
	assert_int_equal(cloud_gds_reply(status, S(text), &g, &cause),	\
	    CLOUD_GDS_FAILED);						\
	assert_null(g.rule);						\
	unit_check_cause(cause, want);					\
} while (0)
	FAILED(0, "", "no answer");
	FAILED(500, "", "status 500");
	FAILED(403, "", "status 403");
	FAILED(200, "", "malformed JSON");
	FAILED(200, "{\"profileRule\":\"x\"", "malformed JSON");
	FAILED(200, "{\"profileRule\":\"x\",\"profileRule\":\"y\"}",
	    "duplicate");
	FAILED(200, "{\"uid\":\"u\"}", "no profileRule");
	FAILED(200, "{\"profileRule\":\"\"}", "empty");
	FAILED(200, "{\"profileRule\":null}", "no profileRule");
	FAILED(200, "{\"profileRule\":42}", "not a string");
	FAILED(200, "{\"profileRule\":\"a\\nb\"}", "control");
	FAILED(200, "{\"profileRule\":\"x\",\"pwd\":\"a\\u0007\"}",
	    "control");
	FAILED(200, "{\"profileRule\":\"x\",\"uid\":true}", "not a string");
#undef FAILED
	dbuf_reset(&b);
	dbuf_add_str(&b, "{\"profileRule\":\"");
	while (b.len < CLOUD_RULE_MAX + 20)
		dbuf_add_str(&b, "x");
	dbuf_add_str(&b, "\"}");
	cause = NULL;
	assert_int_equal(cloud_gds_reply(200, b.data, b.len, &g, &cause),
	    CLOUD_GDS_FAILED);
	unit_check_cause(cause, "over");
	dbuf_clear(&b);
}

/* 13.1, B13, B14, B15: how the phone reads the EDOS answer. */
static void
test_b13_b14_b15_edos_classify(void **state)
{
	char *company = NULL, *cause = NULL;
	struct dbuf b;
	int i;

	(void)state;
	/* B13: a flat profile is a redirect; the company comment is kept. */
	assert_int_equal(cloud_edos_classify(200, S("<flat-profile>"
	    "<Profile_Rule>https://sp/p.xml</Profile_Rule></flat-profile>\n"
	    "<!-- other --><!--  company:   Super VoIP Ltd  -->"), &company,
	    &cause), CLOUD_EDOS_REDIRECT);
	assert_string_equal(company, "Super VoIP Ltd");
	free(company);
	assert_int_equal(cloud_edos_classify(200, S("<device><flat-profile/>"
	    "</device>"), &company, &cause), CLOUD_EDOS_REDIRECT);
	assert_null(company);
	/* A name with control characters is dropped; a long one is cut on
	 * a character boundary. */
	assert_int_equal(cloud_edos_classify(200, S("<flat-profile/>"
	    "<!-- company: a\x01" "b -->"), &company, &cause),
	    CLOUD_EDOS_REDIRECT);
	assert_null(company);
	dbuf_init(&b);
	dbuf_add_str(&b, "<flat-profile/><!-- company: ");
	for (i = 0; i < CLOUD_COMPANY_MAX; i++)
		dbuf_add_str(&b, "\xc3\xa9");
	dbuf_add_str(&b, " -->");
	assert_int_equal(cloud_edos_classify(200, b.data, b.len, &company,
	    &cause), CLOUD_EDOS_REDIRECT);
	assert_int_equal(strlen(company), CLOUD_COMPANY_MAX);
	free(company);
	dbuf_reset(&b);
	dbuf_add_str(&b, "<flat-profile/><!-- company: x");
	assert_int_equal(cloud_edos_classify(200, b.data, b.len, &company,
	    &cause), CLOUD_EDOS_REDIRECT);
	assert_null(company);	/* unterminated comment */
	dbuf_clear(&b);

	/* B14: empty 200 (white space too) and 404 are Unavailable. */
	assert_int_equal(cloud_edos_classify(200, NULL, 0, &company,
	    &cause), CLOUD_EDOS_UNAVAILABLE);
	assert_int_equal(cloud_edos_classify(200, S(" \r\n"), &company,
	    &cause), CLOUD_EDOS_UNAVAILABLE);
	assert_int_equal(cloud_edos_classify(404, S("<html/>"), &company,
	    &cause), CLOUD_EDOS_UNAVAILABLE);

	/* B15: errors and no answer are retried. */
#define RETRY(status, text, want) do {					\
	cause = NULL;							\
	assert_int_equal(cloud_edos_classify(status, S(text), &company,	\
	    &cause), CLOUD_EDOS_RETRY);					\
	assert_null(company);						\
	unit_check_cause(cause, want);					\
} while (0)
	RETRY(0, "", "no answer");
	RETRY(500, "", "status 500");
	RETRY(503, "<flat-profile/>", "status 503");
	RETRY(403, "", "status 403");
	RETRY(204, "", "status 204");
	RETRY(200, "garbage", "not a flat profile");
#undef RETRY
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_members),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_refused),
		cmocka_unit_test(test_json_limits),
		cmocka_unit_test(test_json_write),
		cmocka_unit_test(test_cloud_targets),
		cmocka_unit_test(test_cloud_targets_refused),
		cmocka_unit_test(test_b24_code_check),
		cmocka_unit_test(test_cloud_gds_body),
		cmocka_unit_test(test_b21_b22_gds_reply),
		cmocka_unit_test(test_b13_b14_b15_edos_classify),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

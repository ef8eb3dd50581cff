/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Schedule syntax (spec 3.5): elements consumed one per use, the last
 * repeating, seconds + rand(0, extra), 0 or empty disabled.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emu/emu.h"

static const uint8_t	mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

static uint32_t
delay(const char *spec, unsigned idx, struct prng *r)
{
	uint32_t	 d = 12345;
	char		*cause = NULL;

	if (sched_delay(spec, idx, r, &d, &cause) != 0)
		fail_msg("%s: %s", spec, cause);
	assert_null(cause);
	return (d);
}

/* B76: 600, 1200, then 300 repeatedly. */
static void
test_b76_list(void **state)
{
	struct prng	r;
	unsigned	i;

	prng_seed(&r, 1, mac);
	assert_int_equal(delay("600,1200,300", 0, &r), 600);
	assert_int_equal(delay("600,1200,300", 1, &r), 1200);
	for (i = 2; i < 100; i++)
		assert_int_equal(delay("600,1200,300", i, &r), 300);
	assert_int_equal(delay("600,1200,300", UINT32_MAX, &r), 300);
	assert_int_equal(delay("3600", 0, &r), 3600);
	assert_int_equal(delay("3600", 7, &r), 3600);
	assert_int_equal(sched_valid("600,1200,300", NULL), 0);
}

/* B77: within [1800,2100], then [3600,4200] forever, over many draws. */
static void
test_b77_random(void **state)
{
	struct prng	r;
	unsigned	i, idx;
	uint32_t	d, lo0 = UINT32_MAX, hi0 = 0, lo1 = UINT32_MAX, hi1 = 0;

	prng_seed(&r, 42, mac);
	for (i = 0; i < 5000; i++) {
		d = delay("1800+300,3600+600", 0, &r);
		assert_true(d >= 1800 && d <= 2100);
		lo0 = d < lo0 ? d : lo0;
		hi0 = d > hi0 ? d : hi0;
		for (idx = 1; idx < 4; idx++) {
			d = delay("1800+300,3600+600", idx, &r);
			assert_true(d >= 3600 && d <= 4200);
			lo1 = d < lo1 ? d : lo1;
			hi1 = d > hi1 ? d : hi1;
		}
	}
	/* the draws do spread over the window */
	assert_true(lo0 < 1830 && hi0 > 2070);
	assert_true(lo1 < 3660 && hi1 > 4140);
}

/* One seed, one sequence (STYLE.md 3). */
static void
test_deterministic(void **state)
{
	struct prng	a, b;
	unsigned	i;

	prng_seed(&a, 7, mac);
	prng_seed(&b, 7, mac);
	for (i = 0; i < 100; i++)
		assert_int_equal(delay("3600+600", i, &a),
		    delay("3600+600", i, &b));
	/* without a generator the extra is not drawn */
	assert_int_equal(delay("3600+600", 0, NULL), 3600);
	/* a fixed element consumes no randomness */
	prng_seed(&a, 7, mac);
	prng_seed(&b, 7, mac);
	(void)delay("600", 0, &a);
	assert_int_equal(prng_next(&a), prng_next(&b));
}

/* 3.5 ASSUMPTION: white space around "," and "+" is ignored. */
static void
test_whitespace(void **state)
{
	struct prng	r;
	uint32_t	d;

	prng_seed(&r, 1, mac);
	assert_int_equal(delay(" 600 , 1200 ,\t300 ", 1, &r), 1200);
	assert_int_equal(delay("600 ,1200, 300", 5, &r), 300);
	d = delay("1800 + 300 , 3600 +600", 0, &r);
	assert_true(d >= 1800 && d <= 2100);
	d = delay("1800+ 300,3600 + 600", 3, &r);
	assert_true(d >= 3600 && d <= 4200);
	assert_int_equal(delay("\n86400\n", 0, &r), 86400);
}

/* Value 0, or empty, disables the timer; B79 (Error retry = 0). */
static void
test_disabled(void **state)
{
	struct prng	r;

	prng_seed(&r, 1, mac);
	assert_int_equal(delay("0", 0, &r), 0);	/* B79 */
	assert_int_equal(delay("0", 9, &r), 0);
	assert_int_equal(delay("", 0, &r), 0);
	assert_int_equal(delay("   ", 3, &r), 0);
	assert_int_equal(delay(NULL, 0, &r), 0);
	assert_int_equal(delay("0+600", 0, &r), 0);
	assert_int_equal(delay("600,0", 0, &r), 600);
	assert_int_equal(delay("600,0", 1, &r), 0);
	assert_int_equal(delay("600,0", 2, &r), 0);
	assert_int_equal(sched_valid("", NULL), 0);
	assert_int_equal(sched_valid("0", NULL), 0);
}

static void
bad(const char *spec, const char *want)
{
	struct prng	 r;
	uint32_t	 d = 77;
	char		*cause = NULL;

	prng_seed(&r, 1, mac);
	assert_int_equal(sched_delay(spec, 0, &r, &d, &cause), -1);
	assert_non_null(cause);
	if (want != NULL)
		assert_string_equal(cause, want);
	assert_null(strchr(cause, '\n'));
	free(cause);
	assert_int_equal(sched_valid(spec, NULL), -1);
	cause = NULL;
	assert_int_equal(sched_valid(spec, &cause), -1);
	free(cause);
}

static void
test_malformed(void **state)
{
	bad("1h", "\"1h\" is not a number");
	bad("600,1h", "\"1h\" is not a number");
	bad("600,,300", "empty element 2 in \"600,,300\"");
	bad("600,", "empty element 2 in \"600,\"");
	bad(",600", "empty element 1 in \",600\"");
	bad("1800+", "\"1800+\" is not seconds+extra");
	bad("+300", "\"+300\" is not seconds+extra");
	bad("1800+300+5", "\"1800+300+5\" is not seconds+extra");
	bad("-5", "\"-5\" is not a number");
	bad("18 00", "\"18 00\" is not a number");
	bad("3600;7200", NULL);
	bad("0x10", NULL);
	bad("2147483649", "\"2147483649\" is too big (max 2147483648)");
	bad("1+99999999999999999999", NULL);
	bad("600,\n1h\x01", "\"1h\\x01\" is not a number");
}

/* Numbers up to 2^31; seconds + extra never wraps. */
static void
test_limits(void **state)
{
	struct prng	r;
	uint32_t	d;
	unsigned	i;

	prng_seed(&r, 3, mac);
	assert_int_equal(delay("2147483648", 0, &r), 2147483648U);
	for (i = 0; i < 100; i++) {
		d = delay("2147483648+2147483648", 0, &r);
		assert_true(d >= 2147483648U);
	}
	assert_int_equal(delay("000600", 0, &r), 600);
}

/* More than SCHED_MAX elements: the last one kept repeats. */
static void
test_many(void **state)
{
	struct dbuf	b;
	unsigned	i;

	dbuf_init(&b);
	for (i = 1; i <= SCHED_MAX + 10; i++)
		dbuf_printf(&b, "%s%u", i == 1 ? "" : ",", i);
	assert_int_equal(sched_valid((char *)b.data, NULL), 0);
	assert_int_equal(delay((char *)b.data, 0, NULL), 1);
	assert_int_equal(delay((char *)b.data, SCHED_MAX - 1, NULL),
	    SCHED_MAX);
	assert_int_equal(delay((char *)b.data, SCHED_MAX + 5, NULL),
	    SCHED_MAX);
	/* a bad element past the kept ones is still an error */
	dbuf_add_str(&b, ",x");
	assert_int_equal(sched_valid((char *)b.data, NULL), -1);
	dbuf_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b76_list),
		cmocka_unit_test(test_b77_random),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_whitespace),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_many),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

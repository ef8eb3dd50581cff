/*
 * File header: B3 is named here, outside any test: it does not count.
 */

#include "unit.h"

/* B1: named in the comment directly above the test. */
static void
test_one(void **state)
{
	(void)state;
	/* 00562B1 and xB1 and B1a and B01 name nothing. */
}

static void
test_ten(void **state)
{
	(void)state;
	/* B10 in the body. */
}

/* B100 */
static void
test_hundred(void **state)
{
	(void)state;
}

static void
test_b2_named_by_its_name(void **state)
{
	(void)state;
}

/* B4: a helper is no test. */
static int
helper(int x)
{
	return x; /* B4 */
}

/* B5 (parser): only the parser's share. */
static void
test_parse_only(void **state)
{
	(void)state;
}

/* B6: a blank line separates this comment from the test. */

static void
test_after_blank(void **state)
{
	(void)state;
}

static void
test_range(void **state)
{
	(void)state;
	/* B7-B9 through one run. */
}

/* B11 (parser): the mark also takes the item off the name. */
static void
test_b11_parser_named(void **state)
{
	(void)state;
}

/* B21: another style, the brace on the line of the name. */
static void test_brace_style(void **state) {
	(void)state;
}

static int
setup(void **state)
{
	(void)state;
	return 0; /* B18: setup is no test */
}

int
main(void)
{
	/* B19 in main */
	return helper(0);
}

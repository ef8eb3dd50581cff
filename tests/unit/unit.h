/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Assertions shared by the unit tests (include after <cmocka.h>).
 */

#ifndef PF_UNIT_H
#define PF_UNIT_H

#include <stdlib.h>
#include <string.h>

/*
 * A parser's reason for refusing input (STYLE.md 5): present, one line,
 * and holding want when want is not NULL.  Takes cause.
 */
static inline void
unit_check_cause(char *cause, const char *want)
{
	assert_non_null(cause);
	assert_null(strchr(cause, '\n'));
	if (want != NULL && strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, want);
	free(cause);
}

#endif /* PF_UNIT_H */

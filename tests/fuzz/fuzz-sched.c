/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for the schedule syntax (spec 3.5): Resync_Periodic,
 * Resync_Error_Retry_Delay, Upgrade_Error_Retry_Delay.  Whatever sched_valid()
 * accepts, sched_delay() must accept for every index, and a rejected
 * schedule must come with a reason.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct prng	 r;
	uint8_t		 mac[6] = { 0, 0x56, 0x2b, 0, 0, 1 };
	char		*s, *cause = NULL;
	uint32_t	 d;
	unsigned	 i;
	int		 valid;

	s = xstrndup((const char *)data, len);
	prng_seed(&r, len, mac);
	valid = sched_valid(s, &cause) == 0;
	if (!valid && cause == NULL)
		abort();
	free(cause);
	for (i = 0; i < 70; i++) {
		cause = NULL;
		if (sched_delay(s, i, &r, &d, &cause) != 0) {
			if (valid || cause == NULL)
				abort();
		} else if (!valid)
			abort();
		free(cause);
	}
	free(s);
	return (0);
}

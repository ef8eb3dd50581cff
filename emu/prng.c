/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Per-phone deterministic randomness: splitmix64 seeded by (scenario seed,
 * MAC), so one seed gives one run (STYLE.md 3).  Not for cryptography.
 */

#include "emu.h"

void
prng_seed(struct prng *r, uint64_t seed, const uint8_t mac[6])
{
	uint64_t	m = 0;
	int		i;

	for (i = 0; i < 6; i++)
		m = (m << 8) | mac[i];
	r->s = seed ^ (m * 0x9e3779b97f4a7c15ULL);
	(void)prng_next(r);
}

uint64_t
prng_next(struct prng *r)
{
	uint64_t	z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Uniform in [0, n], inclusive. */
uint64_t
prng_range(struct prng *r, uint64_t n)
{
	if (n == UINT64_MAX)
		return (prng_next(r));
	return (prng_next(r) % (n + 1));
}

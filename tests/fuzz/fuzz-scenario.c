/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * scenario_load_mem() on arbitrary bytes, messages to /dev/null, src=
 * relative to ".".  What loads must hold together: selectors inside their
 * groups, references in range, the timeline sorted, every phone counted.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fleet/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_check_sel(const struct scenario *sc, const struct scn_sel *sel)
{
	if (sel->text == NULL || sel->group >= sc->ngroup ||
	    sel->from > sel->to || sel->to >= sc->group[sel->group].count)
		abort();
}

static void
fuzz_check(const struct scenario *sc)
{
	size_t i, total = 0;

	if (sc->name == NULL || sc->nsite == 0 || sc->ngroup == 0)
		abort();
	for (i = 0; i < sc->ngroup; i++) {
		if (sc->group[i].first != total || sc->group[i].count == 0 ||
		    sc->group[i].site_idx >= sc->nsite)
			abort();
		total += sc->group[i].count;
	}
	if (total != sc->nphones || total > 1000000)
		abort();
	for (i = 0; i < sc->naction; i++) {
		if (i > 0 && sc->action[i].at < sc->action[i - 1].at)
			abort();
		if (sc->action[i].at > sc->duration)
			abort();
		if (sc->action[i].type == SCN_ACT_FAULT) {
			if (sc->action[i].server_idx >= sc->nserver)
				abort();
		} else
			fuzz_check_sel(sc, &sc->action[i].sel);
	}
	for (i = 0; i < sc->nexpect; i++) {
		if (i > 0 && sc->expect[i].at < sc->expect[i - 1].at)
			abort();
		if (sc->expect[i].ncheck == 0 || sc->expect[i].name == NULL)
			abort();
		if (sc->expect[i].has_sel)
			fuzz_check_sel(sc, &sc->expect[i].sel);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *sc;
	FILE *devnull;

	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	sc = scenario_load_mem("fuzz.xml", (const char *)data, size, ".",
	    devnull);
	fclose(devnull);
	if (sc != NULL)
		fuzz_check(sc);
	scenario_free(sc);
	return (0);
}

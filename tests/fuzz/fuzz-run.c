/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * run_scenario() (fleet/run.c) on a scenario loaded from fuzzer bytes, on
 * the sim runtime.  Scenarios are refused before running when they would
 * take too long for a fuzzer: more than FUZZ_RUN_PHONES phones, a duration
 * over FUZZ_RUN_DURATION, more than FUZZ_RUN_ACTIONS timeline actions.  A
 * run must end at the scenario's duration, count every phone, and free
 * everything; the report writers must take its result.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

#define FUZZ_RUN_PHONES		4
#define FUZZ_RUN_DURATION	EMU_SEC(3600)
#define FUZZ_RUN_ACTIONS	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario		*sc;
	struct run_result	*r;
	struct run_opts		 o;
	FILE			*devnull;

	if ((devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	sc = scenario_load_mem("fuzz.xml", (const char *)data, size, ".",
	    devnull);
	if (sc == NULL || sc->nphones > FUZZ_RUN_PHONES ||
	    sc->duration > FUZZ_RUN_DURATION ||
	    sc->naction > FUZZ_RUN_ACTIONS) {
		scenario_free(sc);
		fclose(devnull);
		return (0);
	}
	memset(&o, 0, sizeof o);
	r = run_scenario(sc, &o);
	if (r == NULL || r->phones != sc->nphones || r->end > sc->duration ||
	    r->passed + r->failed != r->nres)
		abort();
	report_write(devnull, r, REPORT_TEXT);
	report_write(devnull, r, REPORT_JSON);
	report_write(devnull, r, REPORT_JUNIT);
	run_result_free(r);
	scenario_free(sc);
	fclose(devnull);
	return (0);
}

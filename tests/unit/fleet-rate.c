/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * fleet/run.c run_set_rate_factor(): the arrival rate changed while a run
 * plays (issue 8, SIPp's rate keys; docs/scenario.md <arrival>), counted
 * in virtual time on the sim runtime: phones powered on in windows before
 * and after a change, a ramp keeping its shape, a count's phase ending
 * when its count is owed, the factor's bounds, and one run for one seed
 * and the same changes at the same times.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

int main(void);

#define HEAD								\
	"<scenario name=\"rate\" seed=\"3\" duration=\"%s\">"		\
	"<site name=\"s\" subnet=\"10.1.0.0/16\"><dhcp/></site>"	\
	"<phones name=\"p\" count=\"%u\" mac=\"00562B000001\">"		\
	"<param name=\"Resync_Random_Delay\">0</param></phones>"	\
	"<arrival phones=\"p\">%s</arrival></scenario>"

struct play {
	struct scenario	*sc;
	struct run	*run;
	struct runtime	*rt;
};

static void
play_open(struct play *pl, const char *duration, unsigned phones,
    const char *phases)
{
	char	*xml, *buf = NULL;
	size_t	 len = 0;
	FILE	*f;

	xasprintf(&xml, HEAD, duration, phones, phases);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	pl->sc = scenario_load_mem("t.xml", xml, strlen(xml), ".", f);
	fclose(f);
	if (pl->sc == NULL)
		fail_msg("%s", buf);
	free(buf);
	free(xml);
	pl->run = run_open(pl->sc, NULL);
	assert_non_null(pl->run);
	pl->rt = runtime_sim(run_world(pl->run));
}

static void
play_close(struct play *pl)
{
	run_result_free(run_close(pl->run));
	runtime_free(pl->rt);
	scenario_free(pl->sc);
}

/* Phones powered on by t (events at t included). */
static size_t
play_on(struct play *pl, emu_time t)
{
	struct sim	*w = run_world(pl->run);
	size_t		 i, n = 0;

	runtime_run(pl->rt, t);
	for (i = 0; i < sim_phone_count(w); i++) {
		if (phone_state(sim_phone(w, i)) != PROV_OFF)
			n++;
	}
	return (n);
}

static void
assert_near(size_t got, size_t want, size_t slack)
{
	if (got + slack < want || got > want + slack)
		fail_msg("%zu phones, want %zu (+-%zu)", got, want, slack);
}

/* 10/s, then x2 at 10 s: 20/s from there, the phase's end kept. */
static void
test_rate_double(void **state)
{
	struct play	pl;
	size_t		a, b, c;

	(void)state;
	play_open(&pl, "40s", 1000, "<phase rate=\"10\" over=\"30s\"/>");
	assert_true(run_has_arrival(pl.run));
	assert_true(run_rate_factor(pl.run) == 1);
	a = play_on(&pl, EMU_SEC(10));
	assert_int_equal(a, 101);	/* 0 s, 0.1 s, ... 10 s */
	assert_true(run_rate_now(pl.run, EMU_SEC(10)) == 10);
	assert_int_equal(run_set_rate_factor(pl.run, 2, EMU_SEC(10)), 0);
	assert_true(run_rate_factor(pl.run) == 2);
	assert_true(run_rate_now(pl.run, EMU_SEC(10)) == 20);
	/* The next is half a base interval later: 10.05 s. */
	assert_int_equal(play_on(&pl, EMU_MS(10049)), a);
	assert_int_equal(play_on(&pl, EMU_MS(10050)), a + 1);
	b = play_on(&pl, EMU_SEC(20));
	assert_near(b - a, 200, 1);
	/* Half again at 20 s: 5/s to the phase's end at 30 s. */
	assert_int_equal(run_set_rate_factor(pl.run, 0.5, EMU_SEC(20)), 0);
	c = play_on(&pl, EMU_SEC(30));
	assert_near(c - b, 50, 1);
	/* The phase is over at 30 s whatever the factor: no more. */
	assert_true(run_rate_now(pl.run, EMU_SEC(31)) == 0);
	assert_int_equal(play_on(&pl, EMU_SEC(40)), c);
	play_close(&pl);
}

/*
 * A ramp 10/s -> 50/s over 20 s (10 t + t^2 phones by t): x2 at 10 s
 * doubles what the second half brings, 2 (600 - 200), and the rate
 * keeps its slope: 2 (10 + 40 * 15 / 20) at 15 s.
 */
static void
test_rate_ramp(void **state)
{
	struct play	pl;
	size_t		a, b;

	(void)state;
	play_open(&pl, "30s", 2000,
	    "<phase from=\"10\" to=\"50\" over=\"20s\"/>");
	a = play_on(&pl, EMU_SEC(10));
	assert_int_equal(a, 201);	/* 0..200 owed by 10 s */
	assert_int_equal(run_set_rate_factor(pl.run, 2, EMU_SEC(10)), 0);
	assert_true(run_rate_now(pl.run, EMU_SEC(15)) > 79.999 &&
	    run_rate_now(pl.run, EMU_SEC(15)) < 80.001);
	b = play_on(&pl, EMU_SEC(20));
	assert_near(b - a, 800, 1);
	assert_int_equal(play_on(&pl, EMU_SEC(30)), b);
	play_close(&pl);
}

/*
 * A count's phase ends when its count is owed: 100 at 10/s, x2 at 5 s
 * (50 owed, 51 arrived) brings the other 49 by 7.45 s and ends at
 * 7.5 s, where the next phase's first arrives.
 */
static void
test_rate_count(void **state)
{
	struct play	pl;

	(void)state;
	play_open(&pl, "20s", 300, "<phase rate=\"10\" count=\"100\"/>"
	    "<phase rate=\"1\" over=\"100s\"/>");
	assert_int_equal(play_on(&pl, EMU_SEC(5)), 51);
	assert_int_equal(run_set_rate_factor(pl.run, 2, EMU_SEC(5)), 0);
	assert_int_equal(play_on(&pl, EMU_MS(7450)), 100);
	assert_int_equal(play_on(&pl, EMU_MS(7499)), 100);
	assert_int_equal(play_on(&pl, EMU_MS(7500)), 101);
	/* The next phase at 1/s, x2: one every 0.5 s. */
	assert_true(run_rate_now(pl.run, EMU_SEC(8)) == 2);
	assert_int_equal(play_on(&pl, EMU_MS(8000)), 102);
	play_close(&pl);
}

/* Before the start: the phases begin at start, at the new rate. */
static void
test_rate_before_start(void **state)
{
	struct play	pl;

	(void)state;
	play_open(&pl, "20s", 100, "<phase rate=\"4\" over=\"10s\"/>");
	assert_int_equal(run_set_rate_factor(pl.run, 0.5, 0), 0);
	assert_true(run_rate_now(pl.run, 0) == 2);
	assert_int_equal(play_on(&pl, EMU_MS(9999)), 20);	/* 2/s */
	play_close(&pl);
}

/* Bounds: 1/1024 to 1024, and no phase past SCN_RATE_MAX. */
static void
test_rate_bounds(void **state)
{
	struct play	pl;

	(void)state;
	play_open(&pl, "10s", 10, "<phase rate=\"1000\" count=\"5\"/>");
	assert_int_equal(run_set_rate_factor(pl.run, 0, 0), -1);
	assert_int_equal(run_set_rate_factor(pl.run, -2, 0), -1);
	assert_int_equal(run_set_rate_factor(pl.run, 1.0 / 2048, 0), -1);
	assert_int_equal(run_set_rate_factor(pl.run, 2048, 0), -1);
	assert_int_equal(run_set_rate_factor(pl.run, NAN, 0), -1);
	/* 1000/s x1024 is past 1,000,000/s; x1000 is not. */
	assert_int_equal(run_set_rate_factor(pl.run, 1024, 0), -1);
	assert_true(run_rate_factor(pl.run) == 1);
	assert_int_equal(run_set_rate_factor(pl.run, 1000, 0), 0);
	assert_int_equal(run_set_rate_factor(pl.run, 1.0 / 1024, 0), 0);
	assert_true(run_rate_factor(pl.run) == 1.0 / 1024);
	play_close(&pl);
}

/* No <arrival>: no rate to change, the power-ons as they were. */
static void
test_rate_none(void **state)
{
	static const char xml[] = "<scenario name=\"none\" duration=\"10s\">"
	    "<site name=\"s\" subnet=\"10.1.0.0/16\"><dhcp/></site>"
	    "<phones name=\"p\" count=\"3\" mac=\"00562B000001\"/>"
	    "</scenario>";
	struct play	pl;

	(void)state;
	pl.sc = scenario_load_mem("t.xml", xml, strlen(xml), ".", stderr);
	assert_non_null(pl.sc);
	pl.run = run_open(pl.sc, NULL);
	pl.rt = runtime_sim(run_world(pl.run));
	assert_false(run_has_arrival(pl.run));
	assert_int_equal(run_set_rate_factor(pl.run, 2, 0), -1);
	assert_true(run_rate_factor(pl.run) == 1);
	assert_true(run_rate_now(pl.run, 0) == 0);
	assert_int_equal(play_on(&pl, EMU_SEC(1)), 3);
	play_close(&pl);
}

/* One seed, the same changes at the same times: the same power-ons. */
static void
rate_trace(size_t *on, size_t n)
{
	struct play	pl;
	size_t		i;

	play_open(&pl, "20s", 500, "<phase rate=\"7.3\" over=\"5s\"/>"
	    "<phase from=\"3\" to=\"40\" over=\"10s\"/>");
	for (i = 0; i < n; i++) {
		on[i] = play_on(&pl, EMU_MS(50) * i);
		if (i == 37)
			assert_int_equal(run_set_rate_factor(pl.run, 1.1,
			    EMU_MS(50) * i), 0);
		if (i == 120)
			assert_int_equal(run_set_rate_factor(pl.run, 3,
			    EMU_MS(50) * i), 0);
		if (i == 200)
			assert_int_equal(run_set_rate_factor(pl.run,
			    1 / 1.1, EMU_MS(50) * i), 0);
	}
	play_close(&pl);
}

static void
test_rate_determinism(void **state)
{
	size_t	a[300], b[300];

	(void)state;
	rate_trace(a, 300);
	rate_trace(b, 300);
	assert_memory_equal(a, b, sizeof a);
	assert_true(a[299] > a[100]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_double),
		cmocka_unit_test(test_rate_ramp),
		cmocka_unit_test(test_rate_count),
		cmocka_unit_test(test_rate_before_start),
		cmocka_unit_test(test_rate_bounds),
		cmocka_unit_test(test_rate_none),
		cmocka_unit_test(test_rate_determinism),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

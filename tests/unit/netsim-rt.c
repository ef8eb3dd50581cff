/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The real-time driver (netsim/rt-realtime.c) on a real libevent loop: events run
 * in order at their virtual times, no earlier than their wall time at the
 * speed; pause freezes the virtual clock, step runs virtual time at once,
 * stop ends the run; behind the clock it catches up without skipping an
 * event and plays the same sequence as sim_run().
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "netsim/netsim.h"

#define W_MAX	4096

struct w;
struct mark {
	struct w	*w;
	int		 id;
};
struct w {
	struct emu_ctx		*ctx;
	struct sim		*sim;
	struct event_base	*base;
	struct rt		*rt;
	uint64_t		 start;		/* wall µs */
	struct mark		 m[W_MAX];
	int			 nm;
	int			 seen[W_MAX];	/* ids in run order */
	emu_time		 at[W_MAX];	/* their sim_now */
	uint64_t		 wall[W_MAX];	/* their wall µs from start */
	int			 n;
	int			 pause_id, stop_id, speed_id, chain_max;
	unsigned		 spin_us;	/* work per event */
	emu_time		 paused_at;	/* rt_now seen while paused */
	uint64_t		 resumed;	/* wall µs of rt_resume */
	int			 ticks;		/* other loop events */
};

static uint64_t
wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000ULL +
	    (uint64_t)ts.tv_nsec / 1000);
}

static void	w_cb(void *, emu_time);

static void
w_at(struct w *w, emu_time at)
{
	struct mark	*m;

	assert_true(w->nm < W_MAX);
	m = &w->m[w->nm];
	m->w = w;
	m->id = w->nm++;
	sim_at(w->sim, at, w_cb, m);
}

static void
w_cb(void *arg, emu_time now)
{
	struct mark	*m = arg;
	struct w	*w = m->w;
	uint64_t	 t;

	assert_int_equal(now, sim_now(w->sim));
	assert_true(w->n < W_MAX);
	w->seen[w->n] = m->id;
	w->at[w->n] = now;
	w->wall[w->n] = wall_us() - w->start;
	w->n++;
	if (w->spin_us != 0) {		/* a slow machine */
		t = wall_us();
		while (wall_us() - t < w->spin_us)
			;
	}
	if (w->rt != NULL && m->id == w->pause_id)
		rt_pause(w->rt);
	if (w->rt != NULL && m->id == w->stop_id)
		rt_stop(w->rt);
	if (w->rt != NULL && m->id == w->speed_id)
		assert_int_equal(rt_set_speed(w->rt, 10), 0);
	if (w->nm < w->chain_max)	/* events that make events */
		w_at(w, now + EMU_MS((m->id * 37) % 5));
}

static struct w *
w_new(double speed)
{
	struct w	*w;

	w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->ctx = emu_ctx_create(1);
	w->sim = sim_create(w->ctx, 1);
	w->pause_id = w->stop_id = w->speed_id = -1;
	if (speed > 0) {
		w->base = event_base_new();
		assert_non_null(w->base);
		w->rt = rt_create(w->sim, w->base, speed);
	}
	w->start = wall_us();
	return (w);
}

static void
w_free(struct w *w)
{
	rt_free(w->rt);
	if (w->base != NULL)
		event_base_free(w->base);
	sim_free(w->sim);
	emu_ctx_free(w->ctx);
	free(w);
}

static void
test_sim_next(void **state)
{
	struct w	*w = w_new(0);

	(void)state;
	assert_true(sim_next(w->sim) == EMU_TIME_NEVER);
	w_at(w, EMU_MS(30));
	w_at(w, EMU_MS(10));
	assert_int_equal(sim_next(w->sim), EMU_MS(10));
	sim_run(w->sim, EMU_MS(10));
	assert_int_equal(sim_next(w->sim), EMU_MS(30));
	sim_run(w->sim, EMU_MS(50));
	assert_true(sim_next(w->sim) == EMU_TIME_NEVER);
	w_free(w);
}

/* Speed 1: each event no earlier than its virtual time of wall time. */
static void
test_paced(void **state)
{
	struct w	*w = w_new(1);
	uint64_t	 t;
	int		 i;

	(void)state;
	w_at(w, 0);
	w_at(w, EMU_MS(20));
	w_at(w, EMU_MS(40));
	w->start = wall_us();
	assert_int_equal(rt_run_until(w->rt, EMU_MS(60)), 0);
	t = wall_us() - w->start;
	assert_int_equal(w->n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(w->seen[i], i);
		assert_int_equal(w->at[i], EMU_MS(20) * i);
		assert_true(w->wall[i] + 1000 >= EMU_MS(20) * i);
	}
	assert_int_equal(sim_now(w->sim), EMU_MS(60));
	assert_true(t + 1000 >= EMU_MS(60));		/* waits for the end */
	w_free(w);
}

/* 200 ms at 100x, then the rest at 10x: 2 + 80 ms of wall time. */
static void
test_set_speed(void **state)
{
	struct w	*w = w_new(100);
	uint64_t	 t;

	(void)state;
	w_at(w, EMU_MS(200));
	w_at(w, EMU_MS(600));
	w->speed_id = 0;
	w->start = wall_us();
	assert_int_equal(rt_run_until(w->rt, EMU_SEC(1)), 0);
	t = wall_us() - w->start;
	assert_int_equal(w->n, 2);
	assert_true(rt_speed(w->rt) == 10);
	/* The event at 600 ms: 2 ms + 400 ms / 10. */
	assert_true(w->wall[1] + 1000 >= 42000);
	assert_true(t + 1000 >= 82000);
	assert_int_equal(rt_set_speed(w->rt, 0), -1);
	assert_int_equal(rt_set_speed(w->rt, -1), -1);
	w_free(w);
}

/*
 * Paused (the clock stands still outside rt_run_until() too): steps run
 * virtual time at once, to the next event with 0.
 */
static void
test_step(void **state)
{
	struct w	*w = w_new(1);

	(void)state;
	w_at(w, 0);
	w_at(w, EMU_MS(5));
	w_at(w, EMU_MS(10));
	rt_pause(w->rt);	/* the world at the clock: time 0 */
	assert_true(rt_paused(w->rt));
	assert_int_equal(w->n, 1);
	assert_int_equal(rt_now(w->rt), 0);
	assert_int_equal(rt_step(w->rt, 0), 1);
	assert_int_equal(w->n, 2);
	assert_int_equal(sim_now(w->sim), EMU_MS(5));
	assert_int_equal(rt_now(w->rt), EMU_MS(5));
	assert_int_equal(rt_step(w->rt, EMU_MS(7)), 1);
	assert_int_equal(w->n, 3);
	assert_int_equal(sim_now(w->sim), EMU_MS(12));
	assert_int_equal(rt_now(w->rt), EMU_MS(12));
	assert_true(rt_paused(w->rt));
	assert_int_equal(rt_step(w->rt, 0), 0);		/* nothing left */
	w_free(w);
}

static void
w_resume(evutil_socket_t fd, short what, void *arg)
{
	struct w	*w = arg;

	(void)fd;
	(void)what;
	w->paused_at = rt_now(w->rt);
	w->resumed = wall_us() - w->start;
	rt_resume(w->rt);
}

/* Paused from a sim callback: the clock stops there until resumed. */
static void
test_pause_resume(void **state)
{
	struct w	*w = w_new(1);
	struct event	*ev;
	struct timeval	 tv = { 0, 50000 };

	(void)state;
	w_at(w, EMU_MS(10));
	w_at(w, EMU_MS(30));
	w->pause_id = 0;
	ev = evtimer_new(w->base, w_resume, w);
	evtimer_add(ev, &tv);
	w->start = wall_us();
	assert_int_equal(rt_run_until(w->rt, EMU_MS(40)), 0);
	assert_int_equal(w->n, 2);
	assert_int_equal(w->paused_at, EMU_MS(10));	/* frozen */
	assert_false(rt_paused(w->rt));
	/* 20 ms of virtual time after the resume. */
	assert_true(w->wall[1] + 1000 >= w->resumed + 20000);
	assert_int_equal(w->at[1], EMU_MS(30));
	event_free(ev);
	w_free(w);
}

static void
test_stop(void **state)
{
	struct w	*w = w_new(1);

	(void)state;
	w_at(w, EMU_MS(10));
	w_at(w, EMU_MS(20));
	w->stop_id = 0;
	assert_int_equal(rt_run_until(w->rt, EMU_MS(40)), 1);
	assert_int_equal(w->n, 1);
	assert_int_equal(sim_now(w->sim), EMU_MS(10));
	w_free(w);
}

static void
w_tick(evutil_socket_t fd, short what, void *arg)
{
	struct w	*w = arg;

	(void)fd;
	(void)what;
	w->ticks++;
}

/*
 * Far behind the clock (100 µs of work per event at a million times real
 * time): every event runs, in the order and at the times sim_run() gives,
 * and the loop still turns for other events.
 */
static void
test_catch_up(void **state)
{
	struct w	*fast = w_new(0), *rt = w_new(1e6);
	struct event	*ev;
	struct timeval	 tv = { 0, 5000 };
	emu_time	 end = EMU_SEC(5);
	int		 i;

	(void)state;
	fast->chain_max = rt->chain_max = 1500;
	for (i = 0; i < 10; i++) {
		w_at(fast, EMU_MS(i * 3));
		w_at(rt, EMU_MS(i * 3));
	}
	sim_run(fast->sim, end);
	rt->spin_us = 100;
	ev = event_new(rt->base, -1, EV_PERSIST, w_tick, rt);
	evtimer_add(ev, &tv);
	assert_int_equal(rt_run_until(rt->rt, end), 0);
	assert_int_equal(fast->n, 1500);
	assert_int_equal(rt->n, fast->n);
	assert_memory_equal(rt->seen, fast->seen, sizeof fast->seen[0] *
	    fast->n);
	assert_memory_equal(rt->at, fast->at, sizeof fast->at[0] * fast->n);
	assert_int_equal(sim_now(rt->sim), end);
	assert_int_equal(sim_stats(rt->sim)->events,
	    sim_stats(fast->sim)->events);
	assert_true(rt->ticks >= 1);	/* not starved */
	event_free(ev);
	w_free(fast);
	w_free(rt);
}

/* The driver behind the runtime interface: the same clock, run, stop. */
static void
test_runtime_realtime(void **state)
{
	struct w	*w = w_new(0);
	struct runtime	*rt;

	(void)state;
	w->base = event_base_new();
	assert_non_null(w->base);
	rt = runtime_realtime(w->sim, w->base, 100);
	assert_string_equal(runtime_name(rt), "realtime");
	w_at(w, EMU_MS(10));
	w_at(w, EMU_MS(20));
	assert_int_equal(runtime_next(rt), EMU_MS(10));
	w->start = wall_us();
	assert_int_equal(runtime_run(rt, EMU_MS(50)), 0);
	assert_int_equal(w->n, 2);
	assert_true(wall_us() - w->start + 1000 >= 500);	/* 50 ms / 100 */
	assert_int_equal(runtime_now(rt), EMU_MS(50));
	assert_int_equal(runtime_set_speed(rt, 0), -1);
	assert_int_equal(runtime_set_speed(rt, 50), 0);
	assert_true(runtime_speed(rt) == 50);
	runtime_pause(rt);
	assert_true(runtime_paused(rt));
	w_at(w, EMU_MS(60));
	assert_int_equal(runtime_step(rt, 0), 1);	/* paused: steps */
	assert_int_equal(runtime_now(rt), EMU_MS(60));
	runtime_resume(rt);
	assert_false(runtime_paused(rt));
	runtime_stop(rt);
	assert_int_equal(runtime_run(rt, EMU_SEC(1)), 1);
	runtime_free(rt);
	w_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_next),
		cmocka_unit_test(test_paced),
		cmocka_unit_test(test_set_speed),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_pause_resume),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_catch_up),
		cmocka_unit_test(test_runtime_realtime),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

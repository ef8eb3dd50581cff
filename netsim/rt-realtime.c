/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The real-time driver: a sim on a libevent loop, its virtual time paced
 * to the wall clock at speed times real time.  The clock is an anchor
 * (virtual virt0 at wall wall0, monotonic µs) and a speed: the virtual now
 * is virt0 + (wall - wall0) * speed, clamped to the end of the run.  One
 * timer fires at the wall time of the next event (or of the end) and runs
 * the sim up to the virtual now, one event time after another, giving the
 * loop back after RT_SLICE_US of work so a slow machine catches up in
 * slices without starving other events and without skipping any: the sim
 * sees the same sequence of sim_run() limits an unpaced run would pass
 * through, so the world (and the report) is the same.  The runtimes that
 * do I/O (netsim/rt-*.c) stay out of the fuzz targets' archives.
 */

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "netsim.h"

#define RT_SLICE_US	20000		/* work per timer turn */
#define RT_WAIT_MAX_US	1000000ULL	/* longest sleep before rechecking */

struct rt {
	struct sim		*sim;		/* borrowed */
	struct event_base	*base;		/* borrowed */
	struct event		*timer;
	double			 speed;
	emu_time		 virt0;		/* the anchor: virtual ... */
	uint64_t		 wall0;		/* ... at this wall time (µs) */
	emu_time		 end;		/* EMU_TIME_NEVER outside a run */
	int			 paused;
	int			 in_tick;	/* inside sim_run() */
	int			 running;	/* inside rt_run_until() */
	int			 stopped;
	unsigned		 gen;		/* the speed changed */
};

static void	 rt_tick(evutil_socket_t, short, void *);

static uint64_t
rt_wall(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000ULL +
	    (uint64_t)ts.tv_nsec / 1000);
}

static int
rt_speed_ok(double speed)
{
	return (isfinite(speed) && speed > 0);
}

/* The virtual clock at wall time w. */
static emu_time
rt_clock(const struct rt *rt, uint64_t w)
{
	double	v;

	if (rt->paused || !rt->running || w <= rt->wall0)
		v = (double)rt->virt0;
	else
		v = (double)rt->virt0 + (double)(w - rt->wall0) * rt->speed;
	if (v >= (double)rt->end)
		return (rt->end);
	if (v >= 18446744073709549568.0)	/* the largest double < 2^64 */
		return (EMU_TIME_NEVER - 1);
	return ((emu_time)v);
}

/*
 * Move the anchor to now, keeping the virtual clock where it is; from a
 * sim callback, where the world is (that event's time).
 */
static void
rt_anchor(struct rt *rt)
{
	uint64_t	w = rt_wall();

	rt->virt0 = rt->in_tick ? sim_now(rt->sim) : rt_clock(rt, w);
	rt->wall0 = w;
}

/* Arm the timer for the next event or the end, whichever comes first. */
static void
rt_arm(struct rt *rt)
{
	struct timeval	tv;
	emu_time	t;
	uint64_t	w, due, wait = 0;
	double		dw;

	evtimer_del(rt->timer);
	if (!rt->running || rt->paused || rt->stopped)
		return;
	t = sim_next(rt->sim);
	if (t > rt->end)
		t = rt->end;
	if (t == EMU_TIME_NEVER)
		return;
	if (t > rt->virt0) {
		dw = ceil((double)(t - rt->virt0) / rt->speed);
		if (dw > (double)RT_WAIT_MAX_US * 3600)
			dw = (double)RT_WAIT_MAX_US * 3600;
		due = rt->wall0 + (uint64_t)dw;
		w = rt_wall();
		if (due > w)
			wait = due - w;
	}
	if (wait > RT_WAIT_MAX_US)
		wait = RT_WAIT_MAX_US;	/* a speed change may come first */
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(rt->timer, &tv);
}

/* Run the sim to virtual time v an event time at a time; 1 if it got there. */
static int
rt_advance(struct rt *rt, emu_time v, uint64_t start, uint64_t *n)
{
	emu_time	next;
	int		paused = rt->paused;
	unsigned	gen = rt->gen;

	rt->in_tick = 1;
	while ((next = sim_next(rt->sim)) <= v) {
		*n += sim_run(rt->sim, next);
		/* A pause, a stop or a new speed from an event: v is old. */
		if (rt->paused != paused || rt->stopped || rt->gen != gen ||
		    (start != 0 && rt_wall() - start > RT_SLICE_US)) {
			rt->in_tick = 0;
			return (0);
		}
	}
	if (v > sim_now(rt->sim))
		*n += sim_run(rt->sim, v);
	rt->in_tick = 0;
	return (1);
}

static void
rt_done(struct rt *rt)
{
	if (rt->running && (rt->stopped || sim_now(rt->sim) >= rt->end))
		event_base_loopbreak(rt->base);
}

static void
rt_tick(evutil_socket_t fd, short what, void *arg)
{
	struct rt	*rt = arg;
	uint64_t	 w, n = 0;

	(void)fd;
	(void)what;
	if (!rt->running || rt->paused || rt->stopped)
		return;
	w = rt_wall();
	rt_advance(rt, rt_clock(rt, w), w, &n);
	if (rt->stopped || sim_now(rt->sim) >= rt->end) {
		rt_done(rt);
		return;
	}
	rt_arm(rt);
}

struct rt *
rt_create(struct sim *s, struct event_base *base, double speed)
{
	struct rt	*rt;

	assert(rt_speed_ok(speed));
	rt = xcalloc(1, sizeof *rt);
	rt->sim = s;
	rt->base = base;
	rt->speed = speed;
	rt->end = EMU_TIME_NEVER;
	rt->virt0 = sim_now(s);
	rt->wall0 = rt_wall();
	if ((rt->timer = evtimer_new(base, rt_tick, rt)) == NULL)
		abort();	/* out of memory */
	return (rt);
}

void
rt_free(struct rt *rt)
{
	if (rt == NULL)
		return;
	event_free(rt->timer);
	free(rt);
}

int
rt_set_speed(struct rt *rt, double speed)
{
	if (!rt_speed_ok(speed))
		return (-1);
	rt_anchor(rt);
	rt->speed = speed;
	rt->gen++;
	rt_arm(rt);
	return (0);
}

double
rt_speed(const struct rt *rt)
{
	return (rt->speed);
}

emu_time
rt_now(const struct rt *rt)
{
	return (rt_clock(rt, rt_wall()));
}

int
rt_paused(const struct rt *rt)
{
	return (rt->paused);
}

void
rt_pause(struct rt *rt)
{
	uint64_t	n = 0;

	if (rt->paused)
		return;
	rt_anchor(rt);
	rt->paused = 1;
	evtimer_del(rt->timer);
	if (!rt->in_tick)
		rt_advance(rt, rt->virt0, 0, &n);	/* the world at the clock */
}

void
rt_resume(struct rt *rt)
{
	if (!rt->paused)
		return;
	rt->paused = 0;
	rt->wall0 = rt_wall();
	rt_arm(rt);
}

uint64_t
rt_step(struct rt *rt, emu_time d)
{
	emu_time	v;
	uint64_t	n = 0;

	if (rt->in_tick || rt->stopped)
		return (0);
	rt_anchor(rt);
	if (d == 0)
		v = sim_next(rt->sim);
	else
		v = EMU_TIME_ADD(rt->virt0, d);
	if (v > rt->end)
		v = rt->end;
	if (v == EMU_TIME_NEVER)
		return (0);
	if (v > rt->virt0)
		rt->virt0 = v;
	rt_advance(rt, rt->virt0, 0, &n);
	rt->wall0 = rt_wall();
	rt_done(rt);
	rt_arm(rt);
	return (n);
}

void
rt_sync(struct rt *rt)
{
	uint64_t	n = 0;

	if (rt->in_tick || !rt->running || rt->stopped)
		return;
	rt_advance(rt, rt_clock(rt, rt_wall()), 0, &n);
	rt_arm(rt);
}

void
rt_stop(struct rt *rt)
{
	rt->stopped = 1;
	evtimer_del(rt->timer);
	if (rt->running)
		event_base_loopbreak(rt->base);
}

int
rt_run_until(struct rt *rt, emu_time end)
{
	assert(!rt->running && !rt->in_tick);
	if (rt->stopped)
		return (1);
	if (rt->virt0 < sim_now(rt->sim))
		rt->virt0 = sim_now(rt->sim);
	rt->wall0 = rt_wall();
	rt->end = end;
	rt->running = 1;
	if (sim_now(rt->sim) < end) {
		rt_arm(rt);
		event_base_loop(rt->base, EVLOOP_NO_EXIT_ON_EMPTY);
	}
	rt_anchor(rt);		/* the clock stands still outside */
	rt->running = 0;
	evtimer_del(rt->timer);
	rt->end = EMU_TIME_NEVER;
	return (rt->stopped ? 1 : 0);
}

struct event_base *
rt_base(void)
{
	struct event_config	*cfg;
	struct event_base	*base;

	if ((cfg = event_config_new()) == NULL)
		abort();	/* out of memory */
	event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER);
	if ((base = event_base_new_with_config(cfg)) == NULL)
		abort();
	event_config_free(cfg);
	return (base);
}

uint64_t
rt_play(struct sim *s, emu_time until, double speed)
{
	struct event_base	*base;
	struct rt		*rt;
	uint64_t		 e0 = sim_stats(s)->events;

	base = rt_base();
	rt = rt_create(s, base, speed);
	rt_run_until(rt, until);
	rt_free(rt);
	event_base_free(base);
	return (sim_stats(s)->events - e0);
}

/* The realtime runtime: the driver above behind the runtime interface. */
static emu_time
rt_ops_now(void *arg)
{
	return (rt_now(arg));
}

static int
rt_ops_run(void *arg, emu_time until)
{
	return (rt_run_until(arg, until));
}

static uint64_t
rt_ops_step(void *arg, emu_time d)
{
	return (rt_step(arg, d));
}

static void
rt_ops_sync(void *arg)
{
	rt_sync(arg);
}

static void
rt_ops_stop(void *arg)
{
	rt_stop(arg);
}

static void
rt_ops_pause(void *arg, int on)
{
	if (on)
		rt_pause(arg);
	else
		rt_resume(arg);
}

static int
rt_ops_paused(void *arg)
{
	return (rt_paused(arg));
}

static int
rt_ops_set_speed(void *arg, double speed)
{
	return (rt_set_speed(arg, speed));
}

static double
rt_ops_speed(void *arg)
{
	return (rt_speed(arg));
}

static void
rt_ops_free(void *arg)
{
	rt_free(arg);
}

static const struct runtime_ops rt_ops = {
	"realtime",
	rt_ops_now,
	rt_ops_run,
	rt_ops_step,
	rt_ops_stop,
	rt_ops_pause,
	rt_ops_paused,
	rt_ops_set_speed,
	rt_ops_speed,
	rt_ops_sync,
	rt_ops_free
};

struct runtime *
runtime_realtime(struct sim *s, struct event_base *base, double speed)
{
	return (runtime_create(&rt_ops, rt_create(s, base, speed), s));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The runtime interface: one handle over a runtime's operations and the
 * world it drives, and the sim runtime (virtual time as fast as possible).
 * The sim runtime runs the world one event time at a time only when it
 * must (never: sim_stop() ends sim_run() at an event), so a scenario run
 * costs what sim_run() costs.
 */

#include <stdlib.h>

#include "netsim.h"

struct runtime {
	const struct runtime_ops *ops;
	void			*arg;		/* owned, freed by ops->free */
	struct sim		*sim;		/* borrowed */
	int			 stopped;
};

/* The sim runtime's state. */
struct runtime_vt {
	struct sim	*sim;
	int		 paused;
	int		 stopped;
	int		 running;
};

static emu_time
runtime_vt_now(void *arg)
{
	struct runtime_vt	*vt = arg;

	return (sim_now(vt->sim));
}

static int
runtime_vt_run(void *arg, emu_time until)
{
	struct runtime_vt	*vt = arg;

	vt->running = 1;
	if (!vt->stopped)
		sim_run(vt->sim, until);
	vt->running = 0;
	return (vt->stopped ? 1 : 0);
}

static uint64_t
runtime_vt_step(void *arg, emu_time d)
{
	struct runtime_vt	*vt = arg;
	emu_time		 to;

	if (vt->stopped || vt->running)
		return (0);
	if (d == 0) {
		if ((to = sim_next(vt->sim)) == EMU_TIME_NEVER)
			return (0);
	} else
		to = EMU_TIME_ADD(sim_now(vt->sim), d);
	return (sim_run(vt->sim, to));
}

static void
runtime_vt_stop(void *arg)
{
	struct runtime_vt	*vt = arg;

	vt->stopped = 1;
	sim_stop(vt->sim);
}

static void
runtime_vt_pause(void *arg, int on)
{
	struct runtime_vt	*vt = arg;

	vt->paused = on;
}

static int
runtime_vt_paused(void *arg)
{
	struct runtime_vt	*vt = arg;

	return (vt->paused);
}

static int
runtime_vt_set_speed(void *arg, double speed)
{
	return (-1);	/* virtual time has no pace */
}

static double
runtime_vt_speed(void *arg)
{
	return (0);
}

static void
runtime_vt_sync(void *arg)
{
	/* Virtual time: the world is always at the clock. */
}

static const struct runtime_ops runtime_vt_ops = {
	"sim",
	runtime_vt_now,
	runtime_vt_run,
	runtime_vt_step,
	runtime_vt_stop,
	runtime_vt_pause,
	runtime_vt_paused,
	runtime_vt_set_speed,
	runtime_vt_speed,
	runtime_vt_sync,
	free
};

struct runtime *
runtime_create(const struct runtime_ops *ops, void *arg, struct sim *s)
{
	struct runtime	*rt;

	rt = xcalloc(1, sizeof *rt);
	rt->ops = ops;
	rt->arg = arg;
	rt->sim = s;
	return (rt);
}

struct runtime *
runtime_sim(struct sim *s)
{
	struct runtime_vt	*vt;

	vt = xcalloc(1, sizeof *vt);
	vt->sim = s;
	return (runtime_create(&runtime_vt_ops, vt, s));
}

void
runtime_free(struct runtime *rt)
{
	if (rt == NULL)
		return;
	rt->ops->free(rt->arg);
	free(rt);
}

const char *
runtime_name(const struct runtime *rt)
{
	return (rt->ops->name);
}

struct sim *
runtime_world(const struct runtime *rt)
{
	return (rt->sim);
}

emu_time
runtime_now(const struct runtime *rt)
{
	return (rt->ops->now(rt->arg));
}

emu_time
runtime_next(const struct runtime *rt)
{
	return (sim_next(rt->sim));
}

void
runtime_at(struct runtime *rt, emu_time at, sim_cb cb, void *arg)
{
	sim_at(rt->sim, at, cb, arg);
	rt->ops->sync(rt->arg);		/* re-arm for it (realtime) */
}

int
runtime_run(struct runtime *rt, emu_time until)
{
	if (rt->stopped)
		return (1);
	return (rt->ops->run(rt->arg, until));
}

uint64_t
runtime_step(struct runtime *rt, emu_time d)
{
	if (rt->stopped)
		return (0);
	return (rt->ops->step(rt->arg, d));
}

void
runtime_stop(struct runtime *rt)
{
	rt->stopped = 1;
	rt->ops->stop(rt->arg);
}

int
runtime_stopped(const struct runtime *rt)
{
	return (rt->stopped);
}

void
runtime_pause(struct runtime *rt)
{
	rt->ops->pause(rt->arg, 1);
}

void
runtime_resume(struct runtime *rt)
{
	rt->ops->pause(rt->arg, 0);
}

int
runtime_paused(const struct runtime *rt)
{
	return (rt->ops->paused(rt->arg));
}

int
runtime_set_speed(struct runtime *rt, double speed)
{
	return (rt->ops->set_speed(rt->arg, speed));
}

double
runtime_speed(const struct runtime *rt)
{
	return (rt->ops->speed(rt->arg));
}

void
runtime_sync(struct runtime *rt)
{
	rt->ops->sync(rt->arg);
}

uint64_t
runtime_events(const struct runtime *rt)
{
	return (sim_stats(rt->sim)->events);
}

void
runtime_event(struct runtime *rt, struct phone *p, const struct emu_event *ev)
{
	/* At the clock (realtime: it runs between events), then re-armed
	 * for what the phone asked. */
	rt->ops->sync(rt->arg);
	sim_phone_event(rt->sim, p, ev);
	rt->ops->sync(rt->arg);
}

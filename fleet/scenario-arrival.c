/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * <arrival>: load phases instead of a power-on spread (docs/scenario.md),
 * the way a load generator (wrk2, perfdhcp, SIPp's -r) paces new work:
 * phones arrive at a rate, or at a rate ramping from one value to another,
 * phase after phase; a cap on phones in flight (booting, not yet at a
 * provisioning outcome) holds arrivals back; a closed-loop storm resyncs
 * each phone a time after its last outcome.
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

/* "50", "0.5", "1000": phones per second, a decimal in [0, max]. */
static int
scenario_rate_parse(const char *s, double *v)
{
	const char	*p;
	int		 dot = 0, digits = 0;

	for (p = s; *p != '\0'; p++) {
		if (*p == '.' && !dot)
			dot = 1;
		else if (*p >= '0' && *p <= '9')
			digits++;
		else
			return (-1);
	}
	if (digits == 0 || digits > 12)
		return (-1);
	*v = strtod(s, NULL);
	return (*v <= SCN_RATE_MAX ? 0 : -1);
}

static int
scenario_rate_attr(struct scenario_loader *ld, xmlNodePtr n, const char *attr,
    double *v)
{
	const char	*s;

	if ((s = scenario_attr(ld, n, attr)) == NULL)
		return (0);
	if (scenario_rate_parse(s, v) != 0) {
		scenario_err(ld, n, attr, "%s must be phones per second, a "
		    "decimal from 0 to %.0f (e.g. 50, 0.5)", attr,
		    SCN_RATE_MAX);
		return (-1);
	}
	return (1);
}

static void
scenario_phase(struct scenario_loader *ld, xmlNodePtr n, struct scn_phase *ph)
{
	uint64_t	u;
	int		rr, rf, rt, ro, rc;

	ph->line = (int)scenario_line(n);
	rr = scenario_rate_attr(ld, n, "rate", &ph->from);
	rf = scenario_rate_attr(ld, n, "from", &ph->from);
	rt = scenario_rate_attr(ld, n, "to", &ph->to);
	if (rr == 1)
		ph->to = ph->from;
	if (rr != 0 && (rf != 0 || rt != 0))
		scenario_err(ld, n, "rate", "a phase has rate= or from= and "
		    "to=, not both");
	else if (rr == 0 && (rf == 0) != (rt == 0))
		scenario_err(ld, n, rf == 0 ? "to" : "from",
		    "a ramp needs from= and to=");
	else if (rr == 0 && rf == 0)
		scenario_err(ld, n, NULL, "a phase needs rate= (or from= and "
		    "to=)");
	ro = scenario_get_time(ld, n, "over", &ph->over);
	rc = scenario_get_uint(ld, n, "count", 1, SCN_PHONES_MAX, &u);
	if (rc == 1)
		ph->count = (uint32_t)u;
	if (ro == 0 && rc == 0)
		scenario_err(ld, n, NULL, "a phase needs over= (a time) or "
		    "count= (phones)");
	if (ro == 1 && ph->over == 0)
		scenario_err(ld, n, "over", "over must be above 0");
	if (rf == 1 && ro != 1)
		scenario_err(ld, n, "over", "a ramp needs over= (the time "
		    "it takes)");
	if (ph->from == 0 && ph->to == 0 && (rr == 1 || rf == 1))
		scenario_err(ld, n, NULL, "a phase at rate 0 brings no "
		    "phones");
}

void
scenario_arrival(struct scenario_loader *ld, xmlNodePtr n, size_t idx)
{
	struct scenario		*sc = ld->sc;
	struct scn_arrival	*a = &sc->arrival[idx];
	xmlNodePtr		 c;
	const char		*v;
	char			*copy, *tok, *save;
	uint64_t		 u;
	size_t			 i, k = 0;

	a->line = (int)scenario_line(n);
	a->flight_timeout = EMU_SEC(600);
	scenario_get_time(ld, n, "start", &a->start);
	if (scenario_get_uint(ld, n, "max-in-flight", 1, SCN_PHONES_MAX,
	    &u) == 1)
		a->max_in_flight = (uint32_t)u;
	if (scenario_get_time(ld, n, "resync-every", &a->resync_every) == 1 &&
	    a->resync_every < EMU_MS(1))
		scenario_err(ld, n, "resync-every", "resync-every must be at "
		    "least 1ms");
	if (scenario_get_time(ld, n, "flight-timeout",
	    &a->flight_timeout) == 1 && a->flight_timeout == 0)
		scenario_err(ld, n, "flight-timeout", "flight-timeout must be "
		    "above 0");
	if ((v = scenario_attr(ld, n, "phones")) == NULL) {
		if (sc->narrival > 1)
			scenario_err(ld, n, NULL, "phones= is required when "
			    "there are %zu <arrival>s", sc->narrival);
		else {
			/* Every group that does not power on by itself. */
			for (i = 0; i < sc->ngroup; i++) {
				if (!sc->group[i].power_on_given) {
					sc->group[i].arrival = (uint16_t)idx;
					k++;
				}
			}
		}
	} else {
		copy = xstrdup(v);
		for (tok = strtok_r(copy, " \t\r\n,", &save); tok != NULL;
		    tok = strtok_r(NULL, " \t\r\n,", &save)) {
			for (i = 0; i < sc->ngroup; i++) {
				if (sc->group[i].name != NULL &&
				    strcmp(sc->group[i].name, tok) == 0)
					break;
			}
			if (i == sc->ngroup)
				scenario_err(ld, n, "phones", "no <phones> "
				    "group \"%s\"", scenario_q(ld, tok));
			else if (sc->group[i].power_on_given)
				scenario_err(ld, n, "phones", "group \"%s\" "
				    "has power-on=: its phones do not arrive "
				    "by <arrival>", scenario_q(ld, tok));
			else if (sc->group[i].arrival != SCN_ARRIVAL_NONE)
				scenario_err(ld, n, "phones", "group \"%s\" "
				    "arrives by another <arrival> (line %d)",
				    scenario_q(ld, tok),
				    sc->arrival[sc->group[i].arrival].line);
			else {
				sc->group[i].arrival = (uint16_t)idx;
				k++;
			}
		}
		free(copy);
	}
	for (i = 0; i < sc->ngroup; i++) {
		if (sc->group[i].arrival == idx && sc->group[i].spread != 0)
			scenario_err(ld, n, "phones", "group \"%s\" has "
			    "spread=: its phones arrive by <arrival>",
			    sc->group[i].name);
	}
	if (k == 0 && v == NULL && sc->narrival == 1)
		scenario_err(ld, n, NULL, "no <phones> group arrives by it");
	a->nphase = scenario_count(n, "phase");
	if (a->nphase == 0)
		scenario_err(ld, n, NULL, "at least one <phase> is required");
	a->phase = xcalloc(a->nphase == 0 ? 1 : a->nphase, sizeof *a->phase);
	for (c = n->children, i = 0; c != NULL; c = c->next) {
		if (SCN_IS(c, "phase"))
			scenario_phase(ld, c, &a->phase[i++]);
	}
}

/*
 * The time (µs from the phase's start) of arrival m (0-based) in phase ph,
 * or EMU_TIME_NEVER if the phase ends first.  The rate runs linearly from
 * from to to over over; arrivals come where the phones so far, the integral
 * of the rate, reach m: the first at the phase's start.
 */
emu_time
scenario_phase_at(const struct scn_phase *ph, uint64_t m)
{
	if (ph->count != 0 && m >= ph->count)
		return (EMU_TIME_NEVER);
	return (scenario_phase_when(ph, (double)m));
}

/*
 * When (µs from the phase's start) the phones so far, the integral of the
 * rate, reach q: EMU_TIME_NEVER past over (or never).  With no over the
 * rate stays from: a count's phase, which ends with its count.
 */
emu_time
scenario_phase_when(const struct scn_phase *ph, double q)
{
	double	a = ph->from, b = ph->to, T, t, d;

	T = ph->over != 0 ? (double)ph->over / 1e6 : 0;
	if (a == b || T == 0)
		t = q / a;
	else {
		/* a t + (b - a) t^2 / 2T = q */
		d = a * a + 2 * (b - a) * q / T;
		if (d < 0)
			return (EMU_TIME_NEVER);	/* ramped down to 0 */
		t = (-a + sqrt(d)) / ((b - a) / T);
	}
	if (!isfinite(t) || t < 0 || (ph->over != 0 && t * 1e6 >=
	    (double)ph->over))
		return (EMU_TIME_NEVER);
	if (t * 1e6 >= (double)SCN_TIME_MAX)
		return (EMU_TIME_NEVER);
	return ((emu_time)llround(t * 1e6));
}

/* The phones the phase brings from its start to t: the rate's integral. */
double
scenario_phase_phones(const struct scn_phase *ph, emu_time t)
{
	double	a = ph->from, b = ph->to, T, x = (double)t / 1e6;

	T = ph->over != 0 ? (double)ph->over / 1e6 : 0;
	if (T != 0 && x > T)
		x = T;
	if (a == b || T == 0)
		return (a * x);
	return (a * x + (b - a) * x * x / (2 * T));
}

/* The rate (phones per second) t into the phase. */
double
scenario_phase_rate(const struct scn_phase *ph, emu_time t)
{
	double	T = (double)ph->over / 1e6, x = (double)t / 1e6;

	if (ph->from == ph->to || ph->over == 0)
		return (ph->from);
	if (x > T)
		x = T;
	return (ph->from + (ph->to - ph->from) * x / T);
}

/* The phase's length: over, or the time its count takes. */
emu_time
scenario_phase_length(const struct scn_phase *ph)
{
	double	a = ph->from, b = ph->to, t;

	if (ph->over != 0)
		return (ph->over);
	/* count only, constant rate (a ramp needs over). */
	(void)b;
	t = (double)ph->count / a * 1e6;
	return (t >= (double)SCN_TIME_MAX ? SCN_TIME_MAX : (emu_time)t);
}

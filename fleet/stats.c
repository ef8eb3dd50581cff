/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The run's statistics, built from the phones' notes alone (DESIGN.md):
 * per step (DHCP DORA, DNS, TCP connect, TLS handshake, time to first
 * byte, whole fetch, power-on to provisioned) a latency histogram and the
 * errors by cause, and a per-second time series of the transfers.
 *
 * The histogram is log-linear, as HdrHistogram's: values below 2^7 µs
 * have a bucket each, and every power of two above is cut into 2^7
 * buckets, so a bucket is never wider than 1/128 of its values and the
 * value a percentile reports (its bucket's middle, kept within the exact
 * min and max) is within 0.4% of the true one.  Values go up to 2^40 µs
 * (12 days); larger ones count in the last bucket.  Its memory is fixed
 * and two histograms merge exactly, bucket by bucket, which is what lets
 * reports of several runs be merged (docs/statistics.md).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

static const char *const stats_step_names[STATS__COUNT] = { "dhcp", "dns",
	"connect", "tls", "ttfb", "fetch", "provision" };

static const struct {
	const char *name; /* report key, <latency> attribute */
	double p;
} stats_pcts[STATS_PCT__COUNT] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 },
	{ "p99.9", 99.9 }, { "max", 100 } };

static size_t stats_index(uint64_t);
static uint64_t stats_low(size_t, uint64_t *);
static struct stats_sec *stats_sec_get(struct stats *, uint64_t);
static void stats_sec_close(struct stats *);
static void stats_add(struct stats *, enum stats_step, emu_time, emu_time);
static void stats_err(struct stats *, enum stats_step, enum emu_err);

/* Histograms. */

void
stats_hist_init(struct stats_hist *h)
{
	memset(h, 0, sizeof *h);
}

static size_t
stats_index(uint64_t v)
{
	unsigned e;

	if (v > STATS_VALUE_MAX)
		v = STATS_VALUE_MAX;
	if (v < STATS_SUB)
		return ((size_t)v);
	e = 63 - (unsigned)__builtin_clzll(v); /* >= STATS_SUB_BITS */
	return ((size_t)(e - STATS_SUB_BITS + 1) * STATS_SUB +
	    (size_t)((v >> (e - STATS_SUB_BITS)) & (STATS_SUB - 1)));
}

/* The smallest value of bucket i, and its width. */
static uint64_t
stats_low(size_t i, uint64_t *width)
{
	unsigned shift;

	if (i < STATS_SUB) {
		*width = 1;
		return ((uint64_t)i);
	}
	shift = (unsigned)(i / STATS_SUB) - 1;
	*width = (uint64_t)1 << shift;
	return ((uint64_t)(STATS_SUB + i % STATS_SUB) << shift);
}

void
stats_hist_add(struct stats_hist *h, uint64_t v)
{
	if (h->count == 0 || v < h->min)
		h->min = v;
	if (h->count == 0 || v > h->max)
		h->max = v;
	h->count++;
	h->sum = h->sum > UINT64_MAX - v ? UINT64_MAX : h->sum + v;
	h->b[stats_index(v)]++;
}

void
stats_hist_merge(struct stats_hist *h, const struct stats_hist *o)
{
	size_t i;

	if (o->count == 0)
		return;
	if (h->count == 0 || o->min < h->min)
		h->min = o->min;
	if (h->count == 0 || o->max > h->max)
		h->max = o->max;
	h->count += o->count;
	h->sum = h->sum > UINT64_MAX - o->sum ? UINT64_MAX : h->sum + o->sum;
	for (i = 0; i < STATS_BUCKETS; i++)
		h->b[i] += o->b[i];
}

uint64_t
stats_hist_mean(const struct stats_hist *h)
{
	return (h->count == 0 ? 0 : h->sum / h->count);
}

/*
 * The value at rank ceil(p% of count) in ascending order, as its bucket's
 * middle within [min, max]; p >= 100 is the max, exactly.  0 when empty.
 */
uint64_t
stats_hist_percentile(const struct stats_hist *h, double p)
{
	uint64_t rank, seen = 0, low, width, v;
	double x;
	size_t i;

	if (h->count == 0)
		return (0);
	if (p >= 100)
		return (h->max);
	x = p / 100.0 * (double)h->count;
	rank = (uint64_t)x;
	if ((double)rank < x)
		rank++;
	if (rank < 1)
		rank = 1;
	for (i = 0; i < STATS_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i == STATS_BUCKETS)
		return (h->max);
	low = stats_low(i, &width);
	v = low + (width - 1) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return (v);
}

/* {"n": N, "min": .., "max": .., "sum": .., "b": [INDEX, COUNT, ...]} */
void
stats_hist_write(const struct stats_hist *h, struct dbuf *b)
{
	size_t i;
	int first = 1;

	dbuf_printf(b,
	    "{\"sub\": %u, \"n\": %llu, \"min\": %llu, "
	    "\"max\": %llu, \"sum\": %llu, \"b\": [",
	    STATS_SUB, (unsigned long long)h->count, (unsigned long long)h->min,
	    (unsigned long long)h->max, (unsigned long long)h->sum);
	for (i = 0; i < STATS_BUCKETS; i++) {
		if (h->b[i] == 0)
			continue;
		dbuf_printf(b, "%s%zu, %llu", first ? "" : ", ", i,
		    (unsigned long long)h->b[i]);
		first = 0;
	}
	dbuf_printf(b, "]}");
}

static int
stats_hist_field(const struct jdoc *j, const char *key, uint64_t *v,
    char **cause)
{
	if (jdoc_u64(jdoc_get(j, key), v) != 0) {
		xasprintf(cause, "%s: not an unsigned integer", key);
		return (-1);
	}
	return (0);
}

/*
 * Back from stats_hist_write()'s JSON; every field checked against the
 * others (counts add up, buckets ascend, min and max in the first and
 * last bucket), so a merge never starts from a broken histogram.
 */
int
stats_hist_parse(const struct jdoc *j, struct stats_hist *h, char **cause)
{
	const struct jdoc *b;
	uint64_t sub, idx, n, total = 0;
	size_t k, first = 0, last = 0;
	int64_t prev = -1;

	stats_hist_init(h);
	if (j == NULL || j->type != JDOC_OBJ) {
		xasprintf(cause, "not an object");
		return (-1);
	}
	if (stats_hist_field(j, "sub", &sub, cause) != 0 ||
	    stats_hist_field(j, "n", &h->count, cause) != 0 ||
	    stats_hist_field(j, "min", &h->min, cause) != 0 ||
	    stats_hist_field(j, "max", &h->max, cause) != 0 ||
	    stats_hist_field(j, "sum", &h->sum, cause) != 0)
		return (-1);
	if (sub != STATS_SUB) {
		xasprintf(cause, "sub: %llu buckets per power of two, not %u",
		    (unsigned long long)sub, STATS_SUB);
		return (-1);
	}
	if ((b = jdoc_get(j, "b")) == NULL || b->type != JDOC_ARR ||
	    b->nkid % 2 != 0) {
		xasprintf(cause, "b: not an array of index, count pairs");
		return (-1);
	}
	for (k = 0; k < b->nkid; k += 2) {
		if (jdoc_u64(&b->kid[k], &idx) != 0 || idx >= STATS_BUCKETS ||
		    (int64_t)idx <= prev) {
			xasprintf(cause,
			    "b[%zu]: not a bucket after the last "
			    "(0..%u, ascending)",
			    k, STATS_BUCKETS - 1);
			return (-1);
		}
		if (jdoc_u64(&b->kid[k + 1], &n) != 0 || n == 0 ||
		    n > UINT64_MAX - total) {
			xasprintf(cause, "b[%zu]: not a count above 0", k + 1);
			return (-1);
		}
		if (k == 0)
			first = idx;
		last = idx;
		prev = (int64_t)idx;
		h->b[idx] = n;
		total += n;
	}
	if (total != h->count) {
		xasprintf(cause, "n: %llu, but the buckets hold %llu",
		    (unsigned long long)h->count, (unsigned long long)total);
		return (-1);
	}
	if (h->count == 0 && (h->min != 0 || h->max != 0 || h->sum != 0)) {
		xasprintf(cause, "min: values in an empty histogram");
		return (-1);
	}
	if (h->count != 0 &&
	    (stats_index(h->min) != first || stats_index(h->max) != last ||
		h->min > h->max)) {
		xasprintf(cause,
		    "min: min and max are not in the first and "
		    "last buckets");
		return (-1);
	}
	return (0);
}

/* Steps and percentiles by name. */

const char *
stats_step_name(enum stats_step s)
{
	return ((size_t)s < STATS__COUNT ? stats_step_names[s] : "?");
}

int
stats_step_parse(const char *name)
{
	int i;

	for (i = 0; i < STATS__COUNT; i++) {
		if (strcmp(stats_step_names[i], name) == 0)
			return (i);
	}
	return (-1);
}

const char *
stats_pct_name(enum stats_pct p)
{
	return ((size_t)p < STATS_PCT__COUNT ? stats_pcts[p].name : "?");
}

double
stats_pct_value(enum stats_pct p)
{
	return ((size_t)p < STATS_PCT__COUNT ? stats_pcts[p].p : 100);
}

/* The run's statistics. */

struct stats *
stats_create(size_t nphones)
{
	struct stats *st;
	size_t i;

	st = xcalloc(1, sizeof *st);
	st->nphones = nphones;
	st->boot = xcalloc(nphones == 0 ? 1 : nphones, sizeof *st->boot);
	for (i = 0; i < nphones; i++)
		st->boot[i] = EMU_TIME_NEVER;
	st->cur = xcalloc(1, sizeof *st->cur);
	return (st);
}

void
stats_free(struct stats *st)
{
	if (st == NULL)
		return;
	free(st->boot);
	free(st->cur);
	free(st->sec);
	free(st);
}

/* The entry of second s, made if need be (ascending); NULL if capped. */
static struct stats_sec *
stats_sec_get(struct stats *st, uint64_t s)
{
	size_t lo = 0, hi = st->nsec, mid;

	if (st->nsec != 0 && st->sec[st->nsec - 1].second == s)
		return (&st->sec[st->nsec - 1]);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (st->sec[mid].second < s)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < st->nsec && st->sec[lo].second == s)
		return (&st->sec[lo]);
	if (st->nsec == STATS_SERIES_MAX) {
		st->capped = 1;
		return (NULL);
	}
	if (st->nsec == st->cap) {
		st->cap = st->cap == 0 ? 64 : st->cap * 2;
		st->sec = xreallocarray(st->sec, st->cap, sizeof *st->sec);
	}
	memmove(&st->sec[lo + 1], &st->sec[lo],
	    (st->nsec - lo) * sizeof *st->sec);
	st->nsec++;
	memset(&st->sec[lo], 0, sizeof st->sec[lo]);
	st->sec[lo].second = s;
	return (&st->sec[lo]);
}

/* The second being filled is over: its p99, and a clean histogram. */
static void
stats_sec_close(struct stats *st)
{
	struct stats_sec *e;
	size_t from, to;

	if (st->cur->count == 0)
		return;
	if ((e = stats_sec_get(st, st->cur_second)) != NULL)
		e->p99 = stats_hist_percentile(st->cur, 99);
	/* Only the buckets between min and max were touched. */
	from = stats_index(st->cur->min);
	to = stats_index(st->cur->max);
	memset(&st->cur->b[from], 0, (to - from + 1) * sizeof st->cur->b[0]);
	st->cur->count = st->cur->sum = st->cur->min = st->cur->max = 0;
}

static void
stats_add(struct stats *st, enum stats_step s, emu_time from, emu_time to)
{
	st->step[s].attempts++;
	stats_hist_add(&st->step[s].hist, to > from ? to - from : 0);
}

static void
stats_err(struct stats *st, enum stats_step s, enum emu_err e)
{
	st->step[s].attempts++;
	st->step[s].errors++;
	if ((size_t)e < EMU_E__COUNT)
		st->step[s].err[e]++;
}

/*
 * One note (docs/statistics.md says what each step measures).  A step's
 * attempts are those that reached it; those that ended in it with an error
 * count under their cause, the others in its histogram.  The fetch step
 * holds every transfer: answered ones in its histogram (a 404 too), every
 * failure under its cause.
 */
void
stats_note(struct stats *st, size_t phone, const struct emu_note *n,
    emu_time now)
{
	struct stats_sec *e;
	emu_time s = n->start, base;
	int failed = n->err != EMU_OK;

	switch (n->kind) {
	case EMU_NOTE_BOOT:
		/* A power-on starts the wait; a reboot on the way does not. */
		if (phone < st->nphones && n->arg == PHONE_RB_POWER)
			st->boot[phone] = now;
		return;
	case EMU_NOTE_RESYNC:
		if (phone < st->nphones && n->arg == EMU_CLASS_A &&
		    st->boot[phone] != EMU_TIME_NEVER) {
			stats_add(st, STATS_PROVISION, st->boot[phone], now);
			st->boot[phone] = EMU_TIME_NEVER;
		}
		return;
	case EMU_NOTE_DHCP_BOUND:
		stats_add(st, STATS_DHCP, n->start, n->end);
		return;
	case EMU_NOTE_XFER:
		break;
	default:
		return;
	}

	if (n->dns_done != 0)
		stats_add(st, STATS_DNS, s, n->dns_done);
	else if (failed && n->phase == EMU_PH_DNS)
		stats_err(st, STATS_DNS, n->err);
	base = n->dns_done != 0 ? n->dns_done : s;
	if (n->connected != 0)
		stats_add(st, STATS_CONNECT, base, n->connected);
	else if (failed && n->phase == EMU_PH_CONNECT)
		stats_err(st, STATS_CONNECT, n->err);
	if (n->connected != 0)
		base = n->connected;
	if (n->tls_done != 0)
		stats_add(st, STATS_TLS, base, n->tls_done);
	else if (failed && n->phase == EMU_PH_TLS)
		stats_err(st, STATS_TLS, n->err);
	if (n->tls_done != 0)
		base = n->tls_done;
	if (n->first_byte != 0)
		stats_add(st, STATS_TTFB, base, n->first_byte);
	else if (failed && n->phase == EMU_PH_WAIT)
		stats_err(st, STATS_TTFB, n->err);

	/* The whole fetch, from when it was meant to start. */
	st->step[STATS_FETCH].attempts++;
	if (failed) {
		st->step[STATS_FETCH].errors++;
		if ((size_t)n->err < EMU_E__COUNT)
			st->step[STATS_FETCH].err[n->err]++;
	}
	if (n->first_byte != 0)
		stats_hist_add(&st->step[STATS_FETCH].hist,
		    n->end > s ? n->end - s : 0);

	/* The time series: started in the second it was meant to start,
	 * ended in the second it ended (notes come in time order). */
	if ((e = stats_sec_get(st, s / EMU_SEC(1))) != NULL)
		e->started++;
	if (n->end / EMU_SEC(1) != st->cur_second) {
		stats_sec_close(st);
		st->cur_second = n->end / EMU_SEC(1);
	}
	if ((e = stats_sec_get(st, st->cur_second)) != NULL) {
		if (failed)
			e->errors++;
		else
			e->ok++;
	}
	if (n->first_byte != 0)
		stats_hist_add(st->cur, n->end > s ? n->end - s : 0);
}

/* The run ended: the last second's p99. */
void
stats_finish(struct stats *st)
{
	stats_sec_close(st);
}

/* Merge o into st: counts add, histograms merge, seconds add (a p99 of a
 * second is the larger of the two: an upper bound). */
void
stats_merge(struct stats *st, const struct stats *o)
{
	struct stats_sec *e;
	size_t i, k;

	for (i = 0; i < STATS__COUNT; i++) {
		st->step[i].attempts += o->step[i].attempts;
		st->step[i].errors += o->step[i].errors;
		for (k = 0; k < EMU_E__COUNT; k++)
			st->step[i].err[k] += o->step[i].err[k];
		stats_hist_merge(&st->step[i].hist, &o->step[i].hist);
	}
	for (i = 0; i < o->nsec; i++) {
		if ((e = stats_sec_get(st, o->sec[i].second)) == NULL)
			break;
		e->started += o->sec[i].started;
		e->ok += o->sec[i].ok;
		e->errors += o->sec[i].errors;
		if (o->sec[i].p99 > e->p99)
			e->p99 = o->sec[i].p99;
	}
	if (o->capped)
		st->capped = 1;
}

/* --csv: one header line, then a line per second with transfers. */
void
stats_write_csv(FILE *f, const struct stats *st)
{
	size_t i;

	fputs("second,started,ok,errors,p99_fetch_ms\n", f);
	if (st == NULL)
		return;
	for (i = 0; i < st->nsec; i++) {
		fprintf(f, "%llu,%llu,%llu,%llu,%llu.%03llu\n",
		    (unsigned long long)st->sec[i].second,
		    (unsigned long long)st->sec[i].started,
		    (unsigned long long)st->sec[i].ok,
		    (unsigned long long)st->sec[i].errors,
		    (unsigned long long)(st->sec[i].p99 / 1000),
		    (unsigned long long)(st->sec[i].p99 % 1000));
	}
}

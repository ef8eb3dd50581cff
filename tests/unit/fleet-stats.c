/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * fleet/stats.c and fleet/jdoc.c: the log-linear histogram against a
 * sorted array of the same random values (every percentile within 1% of
 * the true one, the max exact), merge equal to the histogram of the union,
 * the edges (empty, one value, the largest values), its JSON written and
 * read back, broken histograms refused by field; the steps built from
 * notes (what each measures, where an error counts, coordinated omission:
 * the fetch timed from its intended start); report merge of two runs
 * equal to one run of both; the JSON reader's refusals.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "unit.h"

int main(void);

static uint64_t
rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x < y ? -1 : x > y);
}

/* The reference: the value at rank ceil(p% of n), as stats.c defines. */
static uint64_t
ref_percentile(const uint64_t *v, size_t n, double p)
{
	double x = p / 100.0 * (double)n;
	uint64_t rank = (uint64_t)x;

	if ((double)rank < x)
		rank++;
	if (rank < 1)
		rank = 1;
	if (p >= 100)
		rank = n;
	return (v[rank - 1]);
}

static void
check_against(const struct stats_hist *h, uint64_t *v, size_t n)
{
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 99.99, 100 };
	uint64_t want, got, diff;
	size_t i;

	qsort(v, n, sizeof *v, cmp_u64);
	assert_int_equal(h->count, n);
	assert_int_equal(h->min, v[0]);
	assert_int_equal(h->max, v[n - 1]);
	for (i = 0; i < nitems(ps); i++) {
		want = ref_percentile(v, n, ps[i]);
		got = stats_hist_percentile(h, ps[i]);
		diff = got > want ? got - want : want - got;
		/* Within 1% of the true value (exact below 128 µs). */
		if (diff * 100 > want)
			fail_msg("p%g: %llu, the sorted values say %llu", ps[i],
			    (unsigned long long)got, (unsigned long long)want);
	}
	assert_int_equal(stats_hist_percentile(h, 100), v[n - 1]);
}

static void
test_random_vs_sorted(void **state)
{
	struct stats_hist *h;
	uint64_t s = 42, *v;
	size_t n = 20000, i, round;

	(void)state;
	h = xmalloc(sizeof *h);
	v = xcalloc(n, sizeof *v);
	for (round = 0; round < 4; round++) {
		stats_hist_init(h);
		for (i = 0; i < n; i++) {
			switch (round) {
			case 0: /* 1 µs .. 10 s, log-uniform */
				v[i] = (uint64_t)1 << (rnd(&s) % 24);
				v[i] += rnd(&s) % v[i];
				break;
			case 1: /* uniform 0 .. 1 s */
				v[i] = rnd(&s) % 1000000;
				break;
			case 2: /* small, exact buckets */
				v[i] = rnd(&s) % 200;
				break;
			default: /* hours, and a long tail */
				v[i] = EMU_SEC(3600) + rnd(&s) % EMU_SEC(7200);
				if (i % 1000 == 0)
					v[i] = EMU_SEC(86400);
				break;
			}
			stats_hist_add(h, v[i]);
		}
		check_against(h, v, n);
	}
	free(v);
	free(h);
}

static void
test_merge_is_union(void **state)
{
	struct stats_hist *a, *b, *u;
	uint64_t s = 7, x;
	size_t i;

	(void)state;
	a = xmalloc(sizeof *a);
	b = xmalloc(sizeof *b);
	u = xmalloc(sizeof *u);
	stats_hist_init(a);
	stats_hist_init(b);
	stats_hist_init(u);
	for (i = 0; i < 5000; i++) {
		x = rnd(&s) % EMU_SEC(30);
		stats_hist_add(i % 3 == 0 ? a : b, x);
		stats_hist_add(u, x);
	}
	stats_hist_merge(a, b);
	assert_int_equal(a->count, u->count);
	assert_int_equal(a->min, u->min);
	assert_int_equal(a->max, u->max);
	assert_int_equal(a->sum, u->sum);
	assert_memory_equal(a->b, u->b, sizeof a->b);
	assert_int_equal(stats_hist_percentile(a, 99.9),
	    stats_hist_percentile(u, 99.9));
	/* An empty one changes nothing, either way round. */
	stats_hist_init(b);
	stats_hist_merge(a, b);
	assert_memory_equal(a, u, sizeof *a);
	stats_hist_merge(b, u);
	assert_memory_equal(b, u, sizeof *b);
	free(a);
	free(b);
	free(u);
}

static void
test_edges(void **state)
{
	struct stats_hist *h;
	int p;

	(void)state;
	h = xmalloc(sizeof *h);
	stats_hist_init(h);
	assert_int_equal(stats_hist_percentile(h, 50), 0);
	assert_int_equal(stats_hist_percentile(h, 100), 0);
	assert_int_equal(stats_hist_mean(h), 0);

	/* One value: every percentile is that value, exactly. */
	stats_hist_add(h, 123456789);
	for (p = 0; p < STATS_PCT__COUNT; p++)
		assert_int_equal(stats_hist_percentile(h, stats_pct_value(p)),
		    123456789);
	assert_int_equal(stats_hist_mean(h), 123456789);

	/* Past the range: the last bucket, the max still exact. */
	stats_hist_init(h);
	stats_hist_add(h, UINT64_MAX);
	stats_hist_add(h, STATS_VALUE_MAX);
	stats_hist_add(h, 0);
	assert_int_equal(h->b[STATS_BUCKETS - 1], 2);
	assert_int_equal(h->b[0], 1);
	assert_int_equal(stats_hist_percentile(h, 100), UINT64_MAX);
	assert_int_equal(stats_hist_percentile(h, 1), 0);
	assert_true(stats_hist_percentile(h, 90) <= UINT64_MAX);
	assert_int_equal(h->sum, UINT64_MAX); /* saturated */
	free(h);
}

static struct stats_hist *
json_back(const char *text, char **cause)
{
	struct stats_hist *h = xmalloc(sizeof *h);
	struct jdoc *j;
	int rc;

	j = jdoc_parse((const uint8_t *)text, strlen(text), cause);
	assert_non_null(j);
	rc = stats_hist_parse(j, h, cause);
	jdoc_free(j);
	if (rc != 0) {
		free(h);
		return (NULL);
	}
	return (h);
}

static void
test_json_round_trip(void **state)
{
	struct stats_hist *h, *back;
	struct dbuf b;
	uint64_t s = 3;
	char *cause = NULL;
	size_t i;

	(void)state;
	h = xmalloc(sizeof *h);
	stats_hist_init(h);
	dbuf_init(&b);
	stats_hist_write(h, &b);
	dbuf_add(&b, "", 1);
	assert_string_equal((char *)b.data,
	    "{\"sub\": 128, \"n\": 0, "
	    "\"min\": 0, \"max\": 0, \"sum\": 0, \"b\": []}");
	dbuf_reset(&b);
	stats_hist_add(h, 5);
	stats_hist_add(h, 5);
	stats_hist_add(h, 1000);
	stats_hist_write(h, &b);
	dbuf_add(&b, "", 1);
	/* Only the non-empty buckets: 5, and 1000's: the fourth group of
	 * 128 (values 512..1023, 4 wide), sub-bucket (1000 >> 2) - 128. */
	assert_string_equal((char *)b.data,
	    "{\"sub\": 128, \"n\": 3, "
	    "\"min\": 5, \"max\": 1000, \"sum\": 1010, \"b\": [5, 2, 506, 1]}");
	dbuf_reset(&b);
	for (i = 0; i < 3000; i++)
		stats_hist_add(h, rnd(&s) % EMU_SEC(100));
	stats_hist_write(h, &b);
	dbuf_add(&b, "", 1);
	back = json_back((char *)b.data, &cause);
	assert_non_null(back);
	assert_memory_equal(back, h, sizeof *h);
	free(back);
	dbuf_clear(&b);
	free(h);

	/* Broken ones: refused, naming the field. */
	assert_null(json_back("{\"sub\": 64, \"n\": 0, \"min\": 0, \"max\": "
			      "0, \"sum\": 0, \"b\": []}",
	    &cause));
	unit_check_cause(cause, "sub:");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": 2, \"min\": 5, \"max\": "
			      "5, \"sum\": 10, \"b\": [5, 1]}",
	    &cause));
	unit_check_cause(cause, "n: 2, but the buckets hold 1");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": 2, \"min\": 5, \"max\": "
			      "6, \"sum\": 11, \"b\": [6, 1, 5, 1]}",
	    &cause));
	unit_check_cause(cause, "b[2]");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": 1, \"min\": 5, \"max\": "
			      "5, \"sum\": 5, \"b\": [99999, 1]}",
	    &cause));
	unit_check_cause(cause, "b[0]");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": 1, \"min\": 5, \"max\": "
			      "5, \"sum\": 5, \"b\": [5, 0]}",
	    &cause));
	unit_check_cause(cause, "b[1]");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": 1, \"min\": 7, \"max\": "
			      "7, \"sum\": 7, \"b\": [5, 1]}",
	    &cause));
	unit_check_cause(cause, "min:");
	cause = NULL;
	assert_null(json_back("{\"sub\": 128, \"n\": -1, \"min\": 7, \"max\": "
			      "7, \"sum\": 7, \"b\": []}",
	    &cause));
	unit_check_cause(cause, "n:");
	cause = NULL;
	assert_null(json_back("[]", &cause));
	unit_check_cause(cause, "not an object");
}

static void
test_jdoc(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"{\"a\": 1, \"a\": 2}",
		"[1,]",
		"01",
		"1 2",
		"\"\\ud800\"",
		"\"\\udc00\"",
		"\"a\x01\"",
		"\"\xff\"",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"
		"]]]]]]]]]]]]]]]]",
		"tru",
		"{\"a\" 1}",
		"\"\\u0000\"",
		"-",
		"1.",
		"1e",
		"nul",
	};
	static const char good[] =
	    " {\"n\": 18446744073709551615, "
	    "\"s\": \"\\u00e9\\ud83d\\ude00\\n\", \"x\": [true, false, null, "
	    "-1.5e3, 18446744073709551616]} ";
	struct jdoc *j;
	const struct jdoc *k;
	char *cause = NULL;
	uint64_t v;
	size_t i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if ((j = jdoc_parse((const uint8_t *)bad[i], strlen(bad[i]),
			 &cause)) != NULL)
			fail_msg("accepted %s", bad[i]);
		unit_check_cause(cause, "offset ");
		cause = NULL;
	}
	j = jdoc_parse((const uint8_t *)good, strlen(good), &cause);
	assert_non_null(j);
	assert_int_equal(jdoc_u64(jdoc_get(j, "n"), &v), 0);
	assert_true(v == UINT64_MAX);
	assert_string_equal(jdoc_get(j, "s")->str,
	    "\xc3\xa9\xf0\x9f\x98\x80\n");
	k = jdoc_get(j, "x");
	assert_int_equal(k->nkid, 5);
	assert_int_equal(k->kid[0].type, JDOC_BOOL);
	assert_int_equal(k->kid[2].type, JDOC_NULL);
	assert_true(k->kid[3].d == -1500.0);
	assert_int_equal(jdoc_u64(&k->kid[3], &v), -1);
	assert_int_equal(jdoc_u64(&k->kid[4], &v), -1); /* over 2^64 */
	assert_null(jdoc_get(j, "missing"));
	jdoc_free(j);
}

static struct emu_note
xfer(emu_time start, emu_time dns, emu_time conn, emu_time tls, emu_time first,
    emu_time end, enum emu_err err, enum emu_xfer_phase phase)
{
	struct emu_note n;

	memset(&n, 0, sizeof n);
	n.kind = EMU_NOTE_XFER;
	n.err = err;
	n.phase = phase;
	n.start = start;
	n.dns_done = dns;
	n.connected = conn;
	n.tls_done = tls;
	n.first_byte = first;
	n.end = end;
	return (n);
}

/* What each step measures, from the notes alone (docs/statistics.md). */
static void
test_steps_from_notes(void **state)
{
	struct stats *st;
	struct emu_note n;

	(void)state;
	st = stats_create(2);
	/* Power-on of phone 0 at 1 s; DORA from its first DISCOVER. */
	memset(&n, 0, sizeof n);
	n.kind = EMU_NOTE_BOOT;
	n.arg = PHONE_RB_POWER;
	stats_note(st, 0, &n, EMU_SEC(1));
	n.kind = EMU_NOTE_DHCP_BOUND;
	n.start = EMU_SEC(1);
	n.end = EMU_SEC(1) + EMU_MS(12);
	stats_note(st, 0, &n, n.end);
	assert_int_equal(st->step[STATS_DHCP].hist.max, EMU_MS(12));

	/* An HTTPS fetch: DNS 2 ms, connect 3, TLS 10, TTFB 40, whole 80. */
	n = xfer(EMU_SEC(2), EMU_SEC(2) + EMU_MS(2), EMU_SEC(2) + EMU_MS(5),
	    EMU_SEC(2) + EMU_MS(15), EMU_SEC(2) + EMU_MS(55),
	    EMU_SEC(2) + EMU_MS(80), EMU_OK, EMU_PH_BODY);
	stats_note(st, 0, &n, n.end);
	assert_int_equal(st->step[STATS_DNS].hist.max, EMU_MS(2));
	assert_int_equal(st->step[STATS_CONNECT].hist.max, EMU_MS(3));
	assert_int_equal(st->step[STATS_TLS].hist.max, EMU_MS(10));
	assert_int_equal(st->step[STATS_TTFB].hist.max, EMU_MS(40));
	assert_int_equal(st->step[STATS_FETCH].hist.max, EMU_MS(80));

	/* Coordinated omission: a transfer meant to start at 3 s that ran
	 * late counts from 3 s, not from when it ran. */
	n = xfer(EMU_SEC(3), 0, EMU_SEC(5), 0, EMU_SEC(5) + EMU_MS(1),
	    EMU_SEC(5) + EMU_MS(2), EMU_OK, EMU_PH_BODY);
	stats_note(st, 0, &n, n.end);
	assert_int_equal(st->step[STATS_FETCH].hist.max,
	    EMU_SEC(2) + EMU_MS(2));
	/* No lookup (an address): the connect counts from the start. */
	assert_int_equal(st->step[STATS_CONNECT].hist.max, EMU_SEC(2));
	assert_int_equal(st->step[STATS_DNS].attempts, 1);

	/* A refused connection: an error of connect and of fetch, in no
	 * histogram; a timeout waiting for the answer: ttfb's. */
	n = xfer(EMU_SEC(6), EMU_SEC(6) + 10, 0, 0, 0, EMU_SEC(6) + 900,
	    EMU_E_CONNECT, EMU_PH_CONNECT);
	stats_note(st, 1, &n, n.end);
	n = xfer(EMU_SEC(7), 0, EMU_SEC(7) + 10, 0, 0, EMU_SEC(37),
	    EMU_E_TIMEOUT, EMU_PH_WAIT);
	stats_note(st, 1, &n, n.end);
	assert_int_equal(st->step[STATS_CONNECT].attempts, 4);
	assert_int_equal(st->step[STATS_CONNECT].errors, 1);
	assert_int_equal(st->step[STATS_CONNECT].err[EMU_E_CONNECT], 1);
	assert_int_equal(st->step[STATS_CONNECT].hist.count, 3);
	assert_int_equal(st->step[STATS_TTFB].err[EMU_E_TIMEOUT], 1);
	assert_int_equal(st->step[STATS_FETCH].attempts, 4);
	assert_int_equal(st->step[STATS_FETCH].errors, 2);
	assert_int_equal(st->step[STATS_FETCH].hist.count, 2);
	/* A 404 is answered: in the fetch histogram and its errors. */
	n = xfer(EMU_SEC(8), 0, EMU_SEC(8) + 1, 0, EMU_SEC(8) + 2,
	    EMU_SEC(8) + 3, EMU_E_FNF, EMU_PH_BODY);
	stats_note(st, 1, &n, n.end);
	assert_int_equal(st->step[STATS_FETCH].err[EMU_E_FNF], 1);
	assert_int_equal(st->step[STATS_FETCH].hist.count, 3);
	assert_int_equal(st->step[STATS_TTFB].errors, 1);

	/* Provisioned: the first class-A resync after the power-on. */
	memset(&n, 0, sizeof n);
	n.kind = EMU_NOTE_RESYNC;
	n.arg = EMU_CLASS_C;
	stats_note(st, 0, &n, EMU_SEC(9));
	assert_int_equal(st->step[STATS_PROVISION].attempts, 0);
	n.arg = EMU_CLASS_A;
	stats_note(st, 0, &n, EMU_SEC(10));
	stats_note(st, 0, &n, EMU_SEC(20)); /* a later one: not again */
	stats_note(st, 1, &n, EMU_SEC(20)); /* never powered on */
	assert_int_equal(st->step[STATS_PROVISION].attempts, 1);
	assert_int_equal(st->step[STATS_PROVISION].hist.max, EMU_SEC(9));

	/* The time series: started in its intended second, ended in its. */
	stats_finish(st);
	assert_int_equal(st->nsec, 7);
	assert_int_equal(st->sec[0].second, 2);
	assert_int_equal(st->sec[0].started, 1);
	assert_int_equal(st->sec[0].ok, 1);
	assert_int_equal(st->sec[0].p99, EMU_MS(80));
	assert_int_equal(st->sec[1].second, 3);
	assert_int_equal(st->sec[1].started, 1);
	assert_int_equal(st->sec[1].ok, 0);
	assert_int_equal(st->sec[2].second, 5);
	assert_int_equal(st->sec[2].ok, 1);
	assert_int_equal(st->sec[3].second, 6);
	assert_int_equal(st->sec[3].errors, 1);
	assert_int_equal(st->sec[3].p99, 0); /* no answer: no time */
	assert_int_equal(st->sec[5].second, 8);
	assert_int_equal(st->sec[6].second, 37);
	assert_int_equal(st->sec[6].errors, 1);
	stats_free(st);
}

static char *
report_json(const struct run_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	report_write(f, r, REPORT_JSON);
	fclose(f);
	return (buf);
}

/* Two runs' reports merged: the report of one run holding both. */
static void
test_merge_reports(void **state)
{
	struct scenario sc;
	struct run_result a, b, both;
	char name[] = "merge", file[] = "m.xml";
	struct report_merge *m;
	struct emu_note n;
	const struct run_result *mr;
	uint64_t s = 11;
	char *ja, *jb, *jm, *jboth, *cause = NULL, *p;
	size_t i;

	(void)state;
	memset(&sc, 0, sizeof sc);
	sc.name = name;
	sc.file = file;
	memset(&a, 0, sizeof a);
	a.sc = &sc;
	a.seed = 1;
	a.phones = 10;
	a.fetches = 7;
	a.by_err[EMU_E_TIMEOUT] = 2;
	a.cust[CUST_ABORTED] = 10;
	b = a;
	both = a;
	a.stats = stats_create(0);
	b.stats = stats_create(0);
	both.stats = stats_create(0);
	both.phones = 20;
	both.fetches = 14;
	both.by_err[EMU_E_TIMEOUT] = 4;
	both.cust[CUST_ABORTED] = 20;
	for (i = 0; i < 400; i++) {
		emu_time t0 = EMU_SEC(i / 4), d = rnd(&s) % EMU_SEC(2);

		n = xfer(t0, 0, t0 + d / 4, 0, t0 + d / 2, t0 + d,
		    i % 50 == 0 ? EMU_E_HTTP : EMU_OK, EMU_PH_BODY);
		stats_note(i % 2 ? a.stats : b.stats, 0, &n, n.end);
	}
	/* One run of both: the notes in time order. */
	s = 11;
	for (i = 0; i < 400; i++) {
		emu_time t0 = EMU_SEC(i / 4), d = rnd(&s) % EMU_SEC(2);

		n = xfer(t0, 0, t0 + d / 4, 0, t0 + d / 2, t0 + d,
		    i % 50 == 0 ? EMU_E_HTTP : EMU_OK, EMU_PH_BODY);
		stats_note(both.stats, 0, &n, n.end);
	}
	stats_finish(a.stats);
	stats_finish(b.stats);
	stats_finish(both.stats);
	ja = report_json(&a);
	jb = report_json(&b);
	jboth = report_json(&both);
	m = report_merge_create();
	assert_int_equal(report_merge_add(m, (uint8_t *)ja, strlen(ja), &cause),
	    0);
	assert_int_equal(report_merge_add(m, (uint8_t *)jb, strlen(jb), &cause),
	    0);
	mr = report_merge_result(m);
	for (i = 0; i < STATS__COUNT; i++) {
		assert_int_equal(mr->stats->step[i].attempts,
		    both.stats->step[i].attempts);
		assert_memory_equal(&mr->stats->step[i].hist,
		    &both.stats->step[i].hist, sizeof(struct stats_hist));
	}
	jm = report_json(mr);
	/* Counts and latencies are those of one run of both; a second's
	 * p99 is the larger of the two runs' (an upper bound). */
	p = strstr(jboth, "\"timeseries\"");
	assert_non_null(p);
	*p = '\0';
	p = strstr(jm, "\"timeseries\"");
	assert_non_null(p);
	*p = '\0';
	assert_string_equal(jm, jboth);
	free(jm);

	/* Bad input: nothing of it counts; the field is named. */
	assert_int_equal(report_merge_add(m, (const uint8_t *)"[]", 2, &cause),
	    -1);
	unit_check_cause(cause, "not a phonefleet report");
	cause = NULL;
	p = strstr(ja, "\"version\": 1");
	p[11] = '9';
	assert_int_equal(report_merge_add(m, (uint8_t *)ja, strlen(ja), &cause),
	    -1);
	unit_check_cause(cause, "version");
	cause = NULL;
	p[11] = '1';
	p = strstr(ja, "\"n\": ");
	assert_non_null(p);
	p[5] = p[5] == '9' ? '8' : p[5] + 1;
	assert_int_equal(report_merge_add(m, (uint8_t *)ja, strlen(ja), &cause),
	    -1);
	unit_check_cause(cause, "latency.connect.hist: n:");
	cause = NULL;
	assert_int_equal(report_merge_result(m)->phones, 20);

	report_merge_free(m);
	free(ja);
	free(jb);
	free(jboth);
	stats_free(a.stats);
	stats_free(b.stats);
	stats_free(both.stats);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_vs_sorted),
		cmocka_unit_test(test_merge_is_union),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_jdoc),
		cmocka_unit_test(test_steps_from_notes),
		cmocka_unit_test(test_merge_reports),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

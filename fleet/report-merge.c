/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * `phonefleet report merge`: JSON reports of several runs (shards of one
 * fleet, runs on several machines) read back and added into one result,
 * which report.c writes as any other.  Counts add; the steps' histograms
 * merge exactly (bucket by bucket), so the merged percentiles are those
 * of all the samples together; the time series and the servers' series
 * add second by second.  The expectations' verdicts add up as counts (the
 * runs' own lines stay in their reports); the histories are not kept.
 * Every input is checked whole before it counts: a file that is not a
 * report of this version, or whose histogram does not add up, is refused
 * with the field that is wrong.
 */

#include <stdlib.h>
#include <string.h>

#include "fleet.h"

struct report_merge {
	struct scenario sc; /* name and file only */
	const struct scenario *scn; /* the runs' own, or NULL */
	struct run_result r;
	size_t inputs;
	int done;
};

static const struct {
	const char *key;
	size_t off;
} report_merge_totals[] = {
	{ "boots", offsetof(struct run_result, boots) },
	{ "dhcp_acks", offsetof(struct run_result, dhcp_acks) },
	{ "resyncs", offsetof(struct run_result, resyncs) },
	{ "resync_ok", offsetof(struct run_result, resync_ok) },
	{ "resync_fail", offsetof(struct run_result, resync_fail) },
	{ "fetches", offsetof(struct run_result, fetches) },
	{ "requests", offsetof(struct run_result, requests) },
	{ "events", offsetof(struct run_result, events) },
};

static int report_merge_u64(const struct jdoc *, const char *, uint64_t *,
    const char *, char **);
static int report_merge_servers(struct report_merge *, const struct jdoc *,
    char **);
static int report_merge_latency(struct stats *, const struct jdoc *, char **);
static int report_merge_series(struct stats *, const struct jdoc *, char **);
static int report_merge_expect(struct report_merge *, const struct jdoc *,
    struct run_expect_result **, char **);
static void report_merge_res_free(struct run_expect_result *, size_t);
static void report_merge_res_add(struct run_expect_result *,
    struct run_expect_result *);

struct report_merge *
report_merge_create(void)
{
	struct report_merge *m;

	m = xcalloc(1, sizeof *m);
	m->r.sc = &m->sc;
	m->r.stats = stats_create(0);
	return (m);
}

void
report_merge_free(struct report_merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	free(m->sc.name);
	free(m->sc.file);
	report_merge_res_free(m->r.res, m->r.nres);
	for (i = 0; i < m->r.nuploads; i++)
		free(m->r.uploads[i].server);
	free(m->r.uploads);
	for (i = 0; i < m->r.nservers; i++)
		run_series_clear(&m->r.servers[i]);
	free(m->r.servers);
	stats_free(m->r.stats);
	free(m);
}

/*
 * The shards of one run (--workers): the scenario they played, so that
 * each expectation's verdict merges whole (its phones checked, failing and
 * the first failures) and <latency> and <errors> are judged on the merged
 * samples.  Before any report_merge_add().
 */
void
report_merge_scenario(struct report_merge *m, const struct scenario *sc)
{
	size_t i;

	m->scn = sc;
	m->r.sc = sc;
	m->r.nres = sc->nexpect;
	m->r.res = xcalloc(sc->nexpect == 0 ? 1 : sc->nexpect,
	    sizeof *m->r.res);
	for (i = 0; i < sc->nexpect; i++) {
		m->r.res[i].ex = &sc->expect[i];
		m->r.res[i].passed = 1;
	}
}

static void
report_merge_res_free(struct run_expect_result *res, size_t n)
{
	size_t i, j;

	if (res == NULL)
		return;
	for (i = 0; i < n; i++) {
		for (j = 0; j < res[i].nfail; j++) {
			free(res[i].fail[j].phone);
			free(res[i].fail[j].expected);
			free(res[i].fail[j].seen);
		}
		free(res[i].fail);
	}
	free(res);
}

/* A member that must be an unsigned integer; where names the object. */
static int
report_merge_u64(const struct jdoc *o, const char *key, uint64_t *v,
    const char *where, char **cause)
{
	if (jdoc_u64(jdoc_get(o, key), v) == 0)
		return (0);
	xasprintf(cause, "%s%s%s: %s", where, *where != '\0' ? "." : "", key,
	    jdoc_get(o, key) == NULL ? "missing" : "not an unsigned integer");
	return (-1);
}

static const struct jdoc *
report_merge_member(const struct jdoc *o, const char *key, enum jdoc_type type,
    const char *where, char **cause)
{
	const struct jdoc *j = jdoc_get(o, key);

	if (j != NULL && j->type == type)
		return (j);
	xasprintf(cause, "%s%s%s: %s", where, *where != '\0' ? "." : "", key,
	    j == NULL ? "missing" : "not of the right type");
	return (NULL);
}

/*
 * Add one JSON report.  On error nothing of it counts in m (it is
 * checked into a scratch result first).
 */
int
report_merge_add(struct report_merge *m, const uint8_t *buf, size_t len,
    char **cause)
{
	struct report_merge *t;
	struct run_expect_result *er = NULL;
	struct jdoc *doc;
	const struct jdoc *j, *o, *e;
	uint64_t v, passed, failed;
	char *why = NULL;
	size_t i;
	int k, rc = -1;

	if ((doc = jdoc_parse(buf, len, &why)) == NULL) {
		xasprintf(cause, "not JSON: %s", why);
		free(why);
		return (-1);
	}
	t = report_merge_create();
	if (doc->type != JDOC_OBJ) {
		xasprintf(cause, "not a phonefleet report (not an object)");
		goto out;
	}
	if ((j = jdoc_get(doc, "version")) == NULL) {
		xasprintf(cause,
		    "version: missing (not a phonefleet report, "
		    "or one older than report merge)");
		goto out;
	}
	if (jdoc_u64(j, &v) != 0 || v != REPORT_VERSION) {
		xasprintf(cause, "version: not %d", REPORT_VERSION);
		goto out;
	}
	if ((j = report_merge_member(doc, "scenario", JDOC_STR, "", cause)) ==
	    NULL)
		goto out;
	t->sc.name = xstrdup(j->str);
	if ((j = report_merge_member(doc, "file", JDOC_STR, "", cause)) == NULL)
		goto out;
	t->sc.file = xstrdup(j->str);
	if (report_merge_u64(doc, "seed", &t->r.seed, "", cause) != 0 ||
	    report_merge_u64(doc, "phones", &t->r.phones, "", cause) != 0 ||
	    report_merge_u64(doc, "end_us", &t->r.end, "", cause) != 0 ||
	    report_merge_u64(doc, "passed", &passed, "", cause) != 0 ||
	    report_merge_u64(doc, "failed", &failed, "", cause) != 0)
		goto out;
	if (passed > UINT32_MAX || failed > UINT32_MAX) {
		xasprintf(cause, "passed: too many expectations");
		goto out;
	}
	t->r.passed = (uint32_t)passed;
	t->r.failed = (uint32_t)failed;

	if ((o = report_merge_member(doc, "totals", JDOC_OBJ, "", cause)) ==
	    NULL)
		goto out;
	for (i = 0; i < nitems(report_merge_totals); i++) {
		if (report_merge_u64(o, report_merge_totals[i].key, &v,
			"totals", cause) != 0)
			goto out;
		memcpy((char *)&t->r + report_merge_totals[i].off, &v,
		    sizeof v);
	}
	/* $ERR texts: under the first cause with the text (report.c). */
	if ((o = report_merge_member(doc, "errors", JDOC_OBJ, "", cause)) ==
	    NULL)
		goto out;
	for (i = 0; i < o->nkid; i++) {
		e = &o->kid[i];
		for (k = 1; k < EMU_E__COUNT; k++) {
			if (strcmp(emu_err_name(k), e->key) == 0)
				break;
		}
		if (k == EMU_E__COUNT) {
			xasprintf(cause, "errors: unknown error \"%s\"",
			    e->key);
			goto out;
		}
		if (report_merge_u64(o, e->key, &v, "errors", cause) != 0)
			goto out;
		t->r.by_err[k] = v;
	}
	if ((o = report_merge_member(doc, "customization", JDOC_OBJ, "",
		 cause)) == NULL)
		goto out;
	for (i = 0; i < o->nkid; i++) {
		if ((k = cust_state_parse(o->kid[i].key)) < 0) {
			xasprintf(cause, "customization: unknown state \"%s\"",
			    o->kid[i].key);
			goto out;
		}
		if (report_merge_u64(o, o->kid[i].key, &t->r.cust[k],
			"customization", cause) != 0)
			goto out;
	}
	if ((o = report_merge_member(doc, "uploads", JDOC_ARR, "", cause)) ==
	    NULL)
		goto out;
	t->r.uploads = xcalloc(o->nkid + 1, sizeof *t->r.uploads);
	for (i = 0; i < o->nkid; i++) {
		struct run_uploads *u = &t->r.uploads[i];

		t->r.nuploads++;
		if ((j = report_merge_member(&o->kid[i], "server", JDOC_STR,
			 "uploads[]", cause)) == NULL)
			goto out;
		u->server = xstrdup(j->str);
		if (report_merge_u64(&o->kid[i], "received", &u->received,
			"uploads[]", cause) != 0 ||
		    report_merge_u64(&o->kid[i], "bytes", &u->bytes,
			"uploads[]", cause) != 0 ||
		    report_merge_u64(&o->kid[i], "kept", &u->kept, "uploads[]",
			cause) != 0 ||
		    report_merge_u64(&o->kid[i], "dropped", &u->dropped,
			"uploads[]", cause) != 0)
			goto out;
	}
	if (report_merge_servers(t, doc, cause) != 0 ||
	    report_merge_latency(t->r.stats, doc, cause) != 0 ||
	    report_merge_series(t->r.stats, doc, cause) != 0)
		goto out;
	if (m->scn != NULL && report_merge_expect(m, doc, &er, cause) != 0)
		goto out;

	/* All of it holds: into m. */
	if (m->inputs++ == 0) {
		m->sc.name = t->sc.name;
		m->sc.file = t->sc.file;
		t->sc.name = t->sc.file = NULL;
		m->r.seed = t->r.seed;
	}
	m->r.phones += t->r.phones;
	if (t->r.end > m->r.end)
		m->r.end = t->r.end;
	m->r.passed += t->r.passed;
	m->r.failed += t->r.failed;
	for (i = 0; i < nitems(report_merge_totals); i++) {
		uint64_t a, b;

		memcpy(&a, (char *)&m->r + report_merge_totals[i].off,
		    sizeof a);
		memcpy(&b, (char *)&t->r + report_merge_totals[i].off,
		    sizeof b);
		a += b;
		memcpy((char *)&m->r + report_merge_totals[i].off, &a,
		    sizeof a);
	}
	for (k = 0; k < EMU_E__COUNT; k++)
		m->r.by_err[k] += t->r.by_err[k];
	for (k = 0; k < CUST__COUNT; k++)
		m->r.cust[k] += t->r.cust[k];
	for (i = 0; i < t->r.nuploads; i++) {
		struct run_uploads *u = &t->r.uploads[i], *mu = NULL;
		size_t x;

		for (x = 0; x < m->r.nuploads; x++) {
			if (strcmp(m->r.uploads[x].server, u->server) == 0)
				mu = &m->r.uploads[x];
		}
		if (mu == NULL) {
			m->r.uploads = xreallocarray(m->r.uploads,
			    m->r.nuploads + 1, sizeof *m->r.uploads);
			mu = &m->r.uploads[m->r.nuploads++];
			memset(mu, 0, sizeof *mu);
			mu->server = xstrdup(u->server);
		}
		mu->received += u->received;
		mu->bytes += u->bytes;
		mu->kept += u->kept;
		mu->dropped += u->dropped;
	}
	for (i = 0; i < t->r.nservers; i++) {
		struct run_series *s = &t->r.servers[i], *ms = NULL;
		size_t x;

		for (x = 0; x < m->r.nservers; x++) {
			if (strcmp(m->r.servers[x].server, s->server) == 0)
				ms = &m->r.servers[x];
		}
		if (ms == NULL) {
			m->r.servers = xreallocarray(m->r.servers,
			    m->r.nservers + 1, sizeof *m->r.servers);
			ms = &m->r.servers[m->r.nservers++];
			memset(ms, 0, sizeof *ms);
			ms->server = xstrdup(s->server);
		}
		report_merge_series_add(ms, s);
	}
	stats_merge(m->r.stats, t->r.stats);
	for (i = 0; er != NULL && i < m->r.nres; i++)
		report_merge_res_add(&m->r.res[i], &er[i]);
	rc = 0;
out:
	if (m->scn != NULL)
		report_merge_res_free(er, m->r.nres);
	report_merge_free(t);
	jdoc_free(doc);
	return (rc);
}

/* Second by second: requests, bytes and errors add. */
void
report_merge_series_add(struct run_series *ms, const struct run_series *s)
{
	size_t a = 0, b = 0, n = 0;
	struct run_load *out;

	out = xcalloc(ms->nsec + s->nsec + 1, sizeof *out);
	while (a < ms->nsec || b < s->nsec) {
		if (b == s->nsec ||
		    (a < ms->nsec && ms->sec[a].second < s->sec[b].second))
			out[n++] = ms->sec[a++];
		else if (a == ms->nsec || s->sec[b].second < ms->sec[a].second)
			out[n++] = s->sec[b++];
		else {
			out[n] = ms->sec[a++];
			out[n].requests += s->sec[b].requests;
			out[n].bytes += s->sec[b].bytes;
			out[n].errors += s->sec[b++].errors;
			n++;
		}
	}
	if (n > RUN_SERIES_MAX) {
		n = RUN_SERIES_MAX;
		ms->capped = 1;
	}
	free(ms->sec);
	ms->sec = out;
	ms->nsec = ms->cap = n;
	ms->requests += s->requests;
	ms->bytes += s->bytes;
	ms->errors += s->errors;
	if (s->capped)
		ms->capped = 1;
	run_series_finish(ms);
}

/* "servers": [{"name":, "requests":, "bytes":, "errors":, "capped":,
 * "series": [[SECOND, REQUESTS, BYTES, ERRORS], ...]}] */
static int
report_merge_servers(struct report_merge *t, const struct jdoc *doc,
    char **cause)
{
	const struct jdoc *o, *sv, *j, *row;
	struct run_series *s;
	uint64_t v[4];
	size_t i, x;
	int c;

	if ((o = report_merge_member(doc, "servers", JDOC_ARR, "", cause)) ==
	    NULL)
		return (-1);
	t->r.servers = xcalloc(o->nkid + 1, sizeof *t->r.servers);
	for (i = 0; i < o->nkid; i++) {
		sv = &o->kid[i];
		s = &t->r.servers[t->r.nservers++];
		if ((j = report_merge_member(sv, "name", JDOC_STR, "servers[]",
			 cause)) == NULL)
			return (-1);
		s->server = xstrdup(j->str);
		if (report_merge_u64(sv, "requests", &s->requests, "servers[]",
			cause) != 0 ||
		    report_merge_u64(sv, "bytes", &s->bytes, "servers[]",
			cause) != 0 ||
		    report_merge_u64(sv, "errors", &s->errors, "servers[]",
			cause) != 0)
			return (-1);
		if ((j = report_merge_member(sv, "capped", JDOC_BOOL,
			 "servers[]", cause)) == NULL)
			return (-1);
		s->capped = j->u != 0;
		if ((j = report_merge_member(sv, "series", JDOC_ARR,
			 "servers[]", cause)) == NULL)
			return (-1);
		if (j->nkid > RUN_SERIES_MAX) {
			xasprintf(cause, "servers[].series: over %d seconds",
			    RUN_SERIES_MAX);
			return (-1);
		}
		s->sec = xcalloc(j->nkid + 1, sizeof *s->sec);
		for (x = 0; x < j->nkid; x++) {
			row = &j->kid[x];
			if (row->type != JDOC_ARR || row->nkid != 4) {
				xasprintf(cause,
				    "servers[].series[%zu]: not "
				    "[second, requests, bytes, errors]",
				    x);
				return (-1);
			}
			for (c = 0; c < 4; c++) {
				if (jdoc_u64(&row->kid[c], &v[c]) != 0) {
					xasprintf(cause,
					    "servers[].series"
					    "[%zu][%d]: not an unsigned "
					    "integer",
					    x, c);
					return (-1);
				}
			}
			if (x > 0 && v[0] <= s->sec[x - 1].second) {
				xasprintf(cause,
				    "servers[].series[%zu]: "
				    "seconds not ascending",
				    x);
				return (-1);
			}
			s->sec[x].second = v[0];
			s->sec[x].requests = v[1];
			s->sec[x].bytes = v[2];
			s->sec[x].errors = v[3];
			s->nsec = s->cap = x + 1;
		}
	}
	return (0);
}

/* "latency": {STEP: {"count":, "errors": {CAUSE: N}, "hist": {...}}} */
static int
report_merge_latency(struct stats *st, const struct jdoc *doc, char **cause)
{
	const struct jdoc *o, *sj, *errs;
	struct stats_step_data *d;
	uint64_t v;
	char *why = NULL, *where;
	size_t i, k;
	int step, c;

	if ((o = report_merge_member(doc, "latency", JDOC_OBJ, "", cause)) ==
	    NULL)
		return (-1);
	for (i = 0; i < o->nkid; i++) {
		sj = &o->kid[i];
		if ((step = stats_step_parse(sj->key)) < 0) {
			xasprintf(cause, "latency.%s: unknown step", sj->key);
			return (-1);
		}
		d = &st->step[step];
		xasprintf(&where, "latency.%s", sj->key);
		if (sj->type != JDOC_OBJ) {
			xasprintf(cause, "%s: not an object", where);
			free(where);
			return (-1);
		}
		if (report_merge_u64(sj, "count", &d->attempts, where, cause) !=
			0 ||
		    (errs = report_merge_member(sj, "errors", JDOC_OBJ, where,
			 cause)) == NULL) {
			free(where);
			return (-1);
		}
		for (k = 0; k < errs->nkid; k++) {
			if ((c = emu_err_parse_cause(errs->kid[k].key)) <= 0) {
				xasprintf(cause,
				    "%s.errors: unknown cause "
				    "\"%s\"",
				    where, errs->kid[k].key);
				free(where);
				return (-1);
			}
			if (jdoc_u64(&errs->kid[k], &v) != 0 ||
			    v > UINT64_MAX - d->errors) {
				xasprintf(cause,
				    "%s.errors.%s: not an "
				    "unsigned integer",
				    where, errs->kid[k].key);
				free(where);
				return (-1);
			}
			d->err[c] = v;
			d->errors += v;
		}
		if (stats_hist_parse(jdoc_get(sj, "hist"), &d->hist, &why) !=
		    0) {
			xasprintf(cause, "%s.hist: %s", where, why);
			free(why);
			free(where);
			return (-1);
		}
		/* Errors are never in the histogram, the fetch's too: each
		 * attempt is one or the other, or (fetch) both. */
		if (d->errors > d->attempts ||
		    (step != STATS_FETCH &&
			d->hist.count > d->attempts - d->errors) ||
		    d->hist.count > d->attempts) {
			xasprintf(cause,
			    "%s.count: %llu attempts, fewer than "
			    "its errors and samples",
			    where, (unsigned long long)d->attempts);
			free(where);
			return (-1);
		}
		free(where);
	}
	return (0);
}

/* "timeseries": [[SECOND, STARTED, OK, ERRORS, P99_US], ...] */
static int
report_merge_series(struct stats *st, const struct jdoc *doc, char **cause)
{
	const struct jdoc *o, *row;
	struct stats_sec *e;
	uint64_t v[5];
	size_t i;
	int c;

	if ((o = report_merge_member(doc, "timeseries_capped", JDOC_BOOL, "",
		 cause)) == NULL)
		return (-1);
	st->capped = o->u != 0;
	if ((o = report_merge_member(doc, "timeseries", JDOC_ARR, "", cause)) ==
	    NULL)
		return (-1);
	if (o->nkid > STATS_SERIES_MAX) {
		xasprintf(cause, "timeseries: over %d seconds",
		    STATS_SERIES_MAX);
		return (-1);
	}
	st->sec = xcalloc(o->nkid + 1, sizeof *st->sec);
	st->cap = o->nkid + 1;
	for (i = 0; i < o->nkid; i++) {
		row = &o->kid[i];
		if (row->type != JDOC_ARR || row->nkid != 5) {
			xasprintf(cause,
			    "timeseries[%zu]: not [second, "
			    "started, ok, errors, p99_us]",
			    i);
			return (-1);
		}
		for (c = 0; c < 5; c++) {
			if (jdoc_u64(&row->kid[c], &v[c]) != 0) {
				xasprintf(cause,
				    "timeseries[%zu][%d]: not an "
				    "unsigned integer",
				    i, c);
				return (-1);
			}
		}
		if (i > 0 && v[0] <= st->sec[i - 1].second) {
			xasprintf(cause,
			    "timeseries[%zu]: seconds not "
			    "ascending",
			    i);
			return (-1);
		}
		e = &st->sec[st->nsec++];
		e->second = v[0];
		e->started = v[1];
		e->ok = v[2];
		e->errors = v[3];
		e->p99 = v[4];
	}
	return (0);
}

/*
 * A shard's expectations (report_merge_scenario()): as many as the
 * scenario has, in its order, each checked whole into *res.
 */
static int
report_merge_expect(struct report_merge *m, const struct jdoc *doc,
    struct run_expect_result **res, char **cause)
{
	const struct jdoc *a, *e, *j, *fl;
	struct run_expect_result *er;
	uint64_t v;
	size_t i, k;
	const char *ph, *ex, *se;

	if ((a = report_merge_member(doc, "expectations", JDOC_ARR, "",
		 cause)) == NULL)
		return (-1);
	if (a->nkid != m->scn->nexpect) {
		xasprintf(cause, "expectations: %zu, the scenario has %zu",
		    a->nkid, m->scn->nexpect);
		return (-1);
	}
	*res = xcalloc(a->nkid == 0 ? 1 : a->nkid, sizeof **res);
	for (i = 0; i < a->nkid; i++) {
		e = &a->kid[i];
		er = &(*res)[i];
		if (e->type != JDOC_OBJ) {
			xasprintf(cause, "expectations[%zu]: not an object",
			    i);
			return (-1);
		}
		if ((j = report_merge_member(e, "passed", JDOC_BOOL,
			 "expectations[]", cause)) == NULL)
			return (-1);
		er->passed = j->u != 0;
		if (report_merge_u64(e, "checked", &v, "expectations[]",
			cause) != 0)
			return (-1);
		er->checked = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		if (report_merge_u64(e, "failed", &v, "expectations[]",
			cause) != 0)
			return (-1);
		er->failed = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
		if ((j = report_merge_member(e, "failures", JDOC_ARR,
			 "expectations[]", cause)) == NULL)
			return (-1);
		for (k = 0; k < j->nkid && k < RUN_FAIL_KEEP; k++) {
			fl = &j->kid[k];
			ph = ex = se = NULL;
			if (fl->type == JDOC_OBJ) {
				if (jdoc_get(fl, "phone") != NULL &&
				    jdoc_get(fl, "phone")->type == JDOC_STR)
					ph = jdoc_get(fl, "phone")->str;
				if (jdoc_get(fl, "expected") != NULL &&
				    jdoc_get(fl, "expected")->type == JDOC_STR)
					ex = jdoc_get(fl, "expected")->str;
				if (jdoc_get(fl, "seen") != NULL &&
				    jdoc_get(fl, "seen")->type == JDOC_STR)
					se = jdoc_get(fl, "seen")->str;
			}
			if (ex == NULL || se == NULL) {
				xasprintf(cause, "expectations[%zu].failures"
				    "[%zu]: not a failure", i, k);
				return (-1);
			}
			er->fail = xreallocarray(er->fail, er->nfail + 1,
			    sizeof *er->fail);
			er->fail[er->nfail].phone = ph != NULL ?
			    xstrdup(ph) : NULL;
			er->fail[er->nfail].expected = xstrdup(ex);
			er->fail[er->nfail].seen = xstrdup(se);
			er->nfail++;
		}
	}
	return (0);
}

/*
 * One shard's verdict on an expectation into the merged one: it holds if
 * it held in every shard.  A failure without a phone (the run stopped
 * before the expectation's time) that a shard before said the same counts
 * once.  Takes e's failures.
 */
static void
report_merge_res_add(struct run_expect_result *m, struct run_expect_result *e)
{
	struct run_failure *f;
	size_t i, k;
	int same;

	m->passed = m->passed && e->passed;
	m->checked += e->checked;
	for (i = 0; i < e->nfail; i++) {
		f = &e->fail[i];
		same = 0;
		for (k = 0; f->phone == NULL && k < m->nfail; k++) {
			if (m->fail[k].phone == NULL &&
			    strcmp(m->fail[k].expected, f->expected) == 0 &&
			    strcmp(m->fail[k].seen, f->seen) == 0)
				same = 1;
		}
		if (same) {
			e->failed--;
			continue;
		}
		if (m->nfail < RUN_FAIL_KEEP) {
			m->fail = xreallocarray(m->fail, m->nfail + 1,
			    sizeof *m->fail);
			m->fail[m->nfail++] = *f;
			memset(f, 0, sizeof *f);
		}
	}
	m->failed += e->failed;
}

/*
 * The merged result (borrowed from m), its servers' peaks computed; with
 * the scenario, its <latency> and <errors> judged on the merged samples
 * and the verdicts counted.
 */
const struct run_result *
report_merge_result(struct report_merge *m)
{
	const struct scn_check *c;
	struct run_expect_result *er;
	char *expected, *seen;
	size_t i, k;

	if (m->done)
		return (&m->r);
	for (i = 0; i < m->r.nservers; i++)
		run_series_finish(&m->r.servers[i]);
	m->done = 1;
	if (m->scn == NULL)
		return (&m->r);
	m->r.passed = m->r.failed = 0;
	for (i = 0; i < m->r.nres; i++) {
		er = &m->r.res[i];
		for (k = 0; k < er->ex->ncheck; k++) {
			c = &er->ex->check[k];
			if (c->type != SCN_CHK_LATENCY &&
			    c->type != SCN_CHK_ERRORS)
				continue;
			er->checked++;
			if (run_check_stats(m->r.stats, c, &expected,
			    &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
		}
		if (er->passed)
			m->r.passed++;
		else
			m->r.failed++;
	}
	return (&m->r);
}

/* The wall time the runs took together (JUnit's time). */
void
report_merge_wall(struct report_merge *m, double s)
{
	m->r.wall_s = s;
}

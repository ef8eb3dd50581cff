/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Reports of a run: a text summary for people (one line per expectation,
 * as SIPp prints its summary), JSON for scripts and JUnit XML for CI.  The
 * JSON holds integers and strings only, in a fixed key order, and nothing
 * that differs between two runs of one scenario with one seed (no wall
 * time): the same run gives the same bytes.  Strings that came from peers
 * (a parameter value a phone saw) are escaped for the format and turned
 * into valid UTF-8 first.  Nothing here computes a result: run.c does.
 */

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "fleet.h"

#define REPORT_TEXT_FAILS 5 /* failure lines shown per expectation */

static const char *report_str(const char *);
static void report_time(emu_time, char *, size_t);
static void report_text_str(FILE *, const char *);
static int report_err_count(const struct run_result *, size_t, uint64_t *);
static void report_text(FILE *, const struct run_result *);
static void report_text_hist(FILE *, const struct run_result *);
static void report_json_hist(FILE *, const struct run_result *);
static void report_text_servers(FILE *, const struct run_result *);
static void report_json_servers(FILE *, const struct run_result *);
static void report_json_str(FILE *, const char *);
static void report_json(FILE *, const struct run_result *);
static char *report_xml_str(const char *);
static void report_junit(FILE *, const struct run_result *);
static void report_text_latency(FILE *, const struct run_result *);
static void report_json_latency(FILE *, const struct run_result *);

static const struct {
	const char *text; /* text report */
	const char *json; /* JSON key */
	size_t off;
} report_totals[] = {
	{ "boots", "boots", offsetof(struct run_result, boots) },
	{ "dhcp-acks", "dhcp_acks", offsetof(struct run_result, dhcp_acks) },
	{ "resyncs", "resyncs", offsetof(struct run_result, resyncs) },
	{ "resync-ok", "resync_ok", offsetof(struct run_result, resync_ok) },
	{ "resync-fail", "resync_fail",
	    offsetof(struct run_result, resync_fail) },
	{ "fetches", "fetches", offsetof(struct run_result, fetches) },
	{ "requests", "requests", offsetof(struct run_result, requests) },
	{ "events", "events", offsetof(struct run_result, events) },
};

int
report_format_parse(const char *s, enum report_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = REPORT_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = REPORT_JSON;
	else if (strcmp(s, "junit") == 0)
		*f = REPORT_JUNIT;
	else
		return (-1);
	return (0);
}

void
report_write(FILE *f, const struct run_result *r, enum report_format fmt)
{
	switch (fmt) {
	case REPORT_TEXT:
		report_text(f, r);
		break;
	case REPORT_JSON:
		report_json(f, r);
		break;
	case REPORT_JUNIT:
		report_junit(f, r);
		break;
	}
}

static const char *
report_str(const char *s)
{
	return (s != NULL ? s : "");
}

static uint64_t
report_total(const struct run_result *r, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)r + report_totals[i].off, sizeof v);
	return (v);
}

/*
 * Resyncs whose last outcome shows the $ERR text of error i, counted at
 * the first error with that text (several causes share one, the TLS ones
 * "tls handshake failed"): 0, or -1 if none or counted before.
 */
static int
report_err_count(const struct run_result *r, size_t i, uint64_t *n)
{
	size_t j;

	for (j = 1; j < i; j++) {
		if (strcmp(emu_err_name(j), emu_err_name(i)) == 0)
			return (-1);
	}
	*n = 0;
	for (j = i; j < EMU_E__COUNT; j++) {
		if (strcmp(emu_err_name(j), emu_err_name(i)) == 0)
			*n += r->by_err[j];
	}
	return (*n != 0 ? 0 : -1);
}

/* Virtual time as scenarios write it: "2h", "1h30m", "250ms", "0s". */
static void
report_time(emu_time t, char *buf, size_t size)
{
	static const struct {
		const char *name;
		uint64_t us;
	} units[] = {
		{ "d", 86400000000ULL },
		{ "h", 3600000000ULL },
		{ "m", 60000000ULL },
		{ "s", 1000000ULL },
		{ "ms", 1000ULL },
		{ "us", 1ULL },
	};
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	if (t == 0) {
		snprintf(buf, size, "0s");
		return;
	}
	for (i = 0; i < nitems(units) && t != 0; i++) {
		if (t < units[i].us)
			continue;
		n = snprintf(buf + off, size - off, "%llu%s",
		    (unsigned long long)(t / units[i].us), units[i].name);
		if (n < 0 || (size_t)n >= size - off)
			return;
		off += (size_t)n;
		t %= units[i].us;
	}
}

/* Text: control characters and backslash escaped, UTF-8 kept. */
static void
report_text_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)report_str(s);
	size_t left = strlen((const char *)p), n;
	long c;

	while (left > 0) {
		n = left;
		c = json_utf8(p, &n);
		if (c == '\\')
			fputs("\\\\", f);
		else if (c == -1 || c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", p[0]);
		else
			fwrite(p, 1, n, f);
		p += n;
		left -= n;
	}
}

static void
report_text(FILE *f, const struct run_result *r)
{
	const struct scenario *sc = r->sc;
	const struct run_expect_result *er;
	const struct run_failure *fl;
	const char *file = sc != NULL ? sc->file : NULL;
	char t[64];
	size_t i, j, shown, total;
	uint64_t n;
	int any;

	report_time(r->end, t, sizeof t);
	fputs("scenario ", f);
	report_text_str(f, sc != NULL ? sc->name : NULL);
	fputs(" (", f);
	report_text_str(f, file);
	fprintf(f, "): seed %llu, %llu phones, virtual end %s\n",
	    (unsigned long long)r->seed, (unsigned long long)r->phones, t);

	for (i = 0; i < r->nres; i++) {
		er = &r->res[i];
		fputs(er->passed ? "PASS " : "FAIL ", f);
		report_text_str(f, file);
		report_time(er->ex != NULL ? er->ex->at : 0, t, sizeof t);
		fprintf(f, ":%d ", er->ex != NULL ? er->ex->line : 0);
		report_text_str(f, er->ex != NULL ? er->ex->name : NULL);
		fprintf(f, " at %s: %u/%u %s\n", t,
		    er->checked >= er->failed ? er->checked - er->failed : 0,
		    er->checked, er->ex != NULL && !er->ex->has_sel ?
		    "server checks" : "phones");
		shown = er->nfail < REPORT_TEXT_FAILS ? er->nfail
						      : REPORT_TEXT_FAILS;
		for (j = 0; j < shown; j++) {
			fl = &er->fail[j];
			fputs("    ", f);
			if (fl->phone != NULL) {
				report_text_str(f, fl->phone);
				fputs(": ", f);
			}
			fputs("expected ", f);
			report_text_str(f, fl->expected);
			fputs(", saw ", f);
			report_text_str(f, fl->seen);
			fputc('\n', f);
		}
		total = er->failed > er->nfail ? er->failed : er->nfail;
		if (total > shown)
			fprintf(f, "    ... and %zu more\n", total - shown);
	}

	fputs("totals:", f);
	for (i = 0; i < nitems(report_totals); i++) {
		fprintf(f, "%s %s %llu", i == 0 ? "" : ",",
		    report_totals[i].text,
		    (unsigned long long)report_total(r, i));
	}
	fputc('\n', f);
	for (i = 1, any = 0; i < EMU_E__COUNT; i++) {
		if (report_err_count(r, i, &n) != 0)
			continue;
		fprintf(f, "%s %s %llu", any ? "," : "errors:", emu_err_name(i),
		    (unsigned long long)n);
		any = 1;
	}
	if (any)
		fputc('\n', f);
	/* 4.8: phones per customization state, at the end of the run. */
	for (i = 0, any = 0; i < CUST__COUNT; i++) {
		if (r->cust[i] == 0)
			continue;
		fprintf(f, "%s %s %llu", any ? "," : "customization:",
		    cust_state_name(i), (unsigned long long)r->cust[i]);
		any = 1;
	}
	if (any)
		fputc('\n', f);
	/* 16.4: what each report server received. */
	for (i = 0; i < r->nuploads; i++) {
		fputs("uploads ", f);
		report_text_str(f, r->uploads[i].server);
		fprintf(f, ": received %llu, bytes %llu, kept %llu, "
		    "dropped %llu\n", (unsigned long long)r->uploads[i].received,
		    (unsigned long long)r->uploads[i].bytes,
		    (unsigned long long)r->uploads[i].kept,
		    (unsigned long long)r->uploads[i].dropped);
	}
	report_text_servers(f, r);
	report_text_latency(f, r);
	report_text_hist(f, r);

	if (r->failed == 0)
		fprintf(f, "result: PASS (%u expectation%s held)\n", r->passed,
		    r->passed == 1 ? "" : "s");
	else
		fprintf(f, "result: FAIL (%u of %u expectations failed)\n",
		    r->failed, r->passed + r->failed);
}

/*
 * Histories (16.1, 3.7): one line per entry, newest first,
 *	history 00562B089001 prov 1: Resync failed 01/01/2026 ...
 */
static void
report_text_hist(FILE *f, const struct run_result *r)
{
	const struct run_phone_hist *h;
	size_t i;
	int k, j;

	for (i = 0; i < r->nhist; i++) {
		h = &r->hist[i];
		for (k = 0; k < PHONE_HIST__COUNT; k++) {
			for (j = 0; j < h->n[k]; j++) {
				fprintf(f, "history %s %s %d: ", h->mac,
				    phone_hist_kind_name(k), j + 1);
				report_text_str(f, h->ent[k][j]);
				fputc('\n', f);
			}
		}
	}
}

/*
 * Each server with traffic, its busiest second first:
 *	server prov: peak 287 requests/s at 00:10:17, 1234.5 KiB/s peak,
 *	    10000 requests, 0 errors
 * (one line), the time counted from the run's start.
 */
static void
report_text_servers(FILE *f, const struct run_result *r)
{
	const struct run_series *s;
	size_t i;

	for (i = 0; i < r->nservers; i++) {
		s = &r->servers[i];
		if (s->requests == 0)
			continue;
		fputs("server ", f);
		report_text_str(f, s->server);
		fprintf(f, ": peak %llu requests/s at %02llu:%02llu:%02llu, "
		    "%.1f KiB/s peak, %llu requests, %llu errors%s\n",
		    (unsigned long long)s->peak,
		    (unsigned long long)(s->peak_at / 3600),
		    (unsigned long long)(s->peak_at / 60 % 60),
		    (unsigned long long)(s->peak_at % 60),
		    s->peak_bytes / 1024.0, (unsigned long long)s->requests,
		    (unsigned long long)s->errors,
		    s->capped ? " (series capped)" : "");
	}
}

/* µs as milliseconds with three decimals, right-aligned in width. */
static void
report_ms(FILE *f, int width, uint64_t us)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%llu.%03llu",
	    (unsigned long long)(us / 1000), (unsigned long long)(us % 1000));
	fprintf(f, " %*s", width, buf);
}

/*
 * The steps' latencies (docs/statistics.md), in milliseconds, for the
 * steps some phone reached, then their errors by cause:
 *	step          count   errors       p50       p90 ...
 *	fetch           200        3    12.345    20.001 ...
 *	step-errors fetch: timeout 2, fnf 1
 */
static void
report_text_latency(FILE *f, const struct run_result *r)
{
	const struct stats_step_data *d;
	size_t i, k;
	int p, any = 0;

	if (r->stats == NULL)
		return;
	for (i = 0; i < STATS__COUNT; i++) {
		d = &r->stats->step[i];
		if (d->attempts == 0)
			continue;
		if (!any) {
			fprintf(f, "%-10s %8s %8s", "step", "count", "errors");
			for (p = 0; p < STATS_PCT__COUNT; p++)
				fprintf(f, " %9s", stats_pct_name(p));
			fputs("  (ms)\n", f);
			any = 1;
		}
		fprintf(f, "%-10s %8llu %8llu", stats_step_name(i),
		    (unsigned long long)d->attempts,
		    (unsigned long long)d->errors);
		for (p = 0; p < STATS_PCT__COUNT; p++)
			report_ms(f, 9, stats_hist_percentile(&d->hist,
			    stats_pct_value(p)));
		fputc('\n', f);
	}
	for (i = 0; i < STATS__COUNT; i++) {
		d = &r->stats->step[i];
		if (d->errors == 0)
			continue;
		fprintf(f, "step-errors %s:", stats_step_name(i));
		for (k = 1, any = 0; k < EMU_E__COUNT; k++) {
			if (d->err[k] == 0)
				continue;
			fprintf(f, "%s %s %llu", any ? "," : "",
			    emu_err_cause(k), (unsigned long long)d->err[k]);
			any = 1;
		}
		fputc('\n', f);
	}
}

/*
 * "latency": {STEP: {"count": N, "errors": {CAUSE: N}, "min_us": N,
 * "mean_us": N, "p50_us": N, ... "max_us": N, "hist": {...}}} for the
 * steps some phone reached; "timeseries": [[SECOND, STARTED, OK, ERRORS,
 * P99_US], ...] for the seconds with transfers.  The histograms are what
 * `report merge` reads back; the percentiles are for people and scripts.
 */
static void
report_json_latency(FILE *f, const struct run_result *r)
{
	const struct stats_step_data *d;
	const struct stats_sec *e;
	struct dbuf b;
	size_t i, k;
	int p, any = 0, anyk;

	fputs(",\n  \"latency\": {", f);
	for (i = 0; r->stats != NULL && i < STATS__COUNT; i++) {
		d = &r->stats->step[i];
		if (d->attempts == 0)
			continue;
		fprintf(f, "%s\n    \"%s\": {\"count\": %llu, \"errors\": {",
		    any ? "," : "", stats_step_name(i),
		    (unsigned long long)d->attempts);
		for (k = 1, anyk = 0; k < EMU_E__COUNT; k++) {
			if (d->err[k] == 0)
				continue;
			fprintf(f, "%s\"%s\": %llu", anyk ? ", " : "",
			    emu_err_cause(k), (unsigned long long)d->err[k]);
			anyk = 1;
		}
		fprintf(f, "}, \"min_us\": %llu, \"mean_us\": %llu",
		    (unsigned long long)d->hist.min,
		    (unsigned long long)stats_hist_mean(&d->hist));
		for (p = 0; p < STATS_PCT__COUNT; p++)
			fprintf(f, ", \"%s_us\": %llu", stats_pct_name(p),
			    (unsigned long long)stats_hist_percentile(&d->hist,
				stats_pct_value(p)));
		dbuf_init(&b);
		stats_hist_write(&d->hist, &b);
		fputs(",\n      \"hist\": ", f);
		fwrite(b.data, 1, b.len, f);
		dbuf_clear(&b);
		fputc('}', f);
		any = 1;
	}
	fputs(any ? "\n  }" : "}", f);
	fprintf(f, ",\n  \"timeseries_capped\": %s",
	    r->stats != NULL && r->stats->capped ? "true" : "false");
	fputs(",\n  \"timeseries\": [", f);
	for (i = 0; r->stats != NULL && i < r->stats->nsec; i++) {
		e = &r->stats->sec[i];
		fprintf(f, "%s[%llu, %llu, %llu, %llu, %llu]",
		    i == 0 ? "\n    " : (i % 6 == 0 ? ",\n    " : ", "),
		    (unsigned long long)e->second,
		    (unsigned long long)e->started, (unsigned long long)e->ok,
		    (unsigned long long)e->errors, (unsigned long long)e->p99);
	}
	fputs(r->stats != NULL && r->stats->nsec != 0 ? "\n  ]" : "]", f);
}

/*
 * "servers": [{"name": N, "requests": N, "bytes": N, "errors": N,
 * "peak": N, "peak_at": SECOND, "peak_bytes": N, "capped": BOOL,
 * "series": [[SECOND, REQUESTS, BYTES, ERRORS], ...]}]: every server of
 * the scenario, the series holding only the seconds with traffic.
 */
static void
report_json_servers(FILE *f, const struct run_result *r)
{
	const struct run_series *s;
	size_t i, j;

	fputs(",\n  \"servers\": [", f);
	for (i = 0; i < r->nservers; i++) {
		s = &r->servers[i];
		fputs(i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ", f);
		report_json_str(f, report_str(s->server));
		fprintf(f, ", \"requests\": %llu, \"bytes\": %llu, "
		    "\"errors\": %llu, \"peak\": %llu, \"peak_at\": %llu, "
		    "\"peak_bytes\": %llu, \"capped\": %s,\n      "
		    "\"series\": [", (unsigned long long)s->requests,
		    (unsigned long long)s->bytes, (unsigned long long)s->errors,
		    (unsigned long long)s->peak, (unsigned long long)s->peak_at,
		    (unsigned long long)s->peak_bytes,
		    s->capped ? "true" : "false");
		for (j = 0; j < s->nsec; j++) {
			fprintf(f, "%s[%llu, %llu, %llu, %llu]",
			    j == 0 ? "" : (j % 8 == 0 ? ",\n        " : ", "),
			    (unsigned long long)s->sec[j].second,
			    (unsigned long long)s->sec[j].requests,
			    (unsigned long long)s->sec[j].bytes,
			    (unsigned long long)s->sec[j].errors);
		}
		fputs("]}", f);
	}
	fputs(r->nservers != 0 ? "\n  ]" : "]", f);
}

/* A JSON string (RFC 8259 7, proto/json.c); NULL is null. */
static void
report_json_str(FILE *f, const char *s)
{
	struct dbuf b;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	dbuf_init(&b);
	json_write_str(&b, s);
	fwrite(b.data, 1, b.len, f);
	dbuf_clear(&b);
}

/* "histories": [{"phone": MAC, "prov": [...], "upgrade": [...],
 * "reboot": [...]}], entry texts newest first; absent for big fleets. */
static void
report_json_hist(FILE *f, const struct run_result *r)
{
	const struct run_phone_hist *h;
	size_t i;
	int k, j;

	if (r->hist == NULL)
		return;
	fputs(",\n  \"histories\": [", f);
	for (i = 0; i < r->nhist; i++) {
		h = &r->hist[i];
		fputs(i == 0 ? "\n    {\"phone\": " : ",\n    {\"phone\": ", f);
		report_json_str(f, h->mac);
		for (k = 0; k < PHONE_HIST__COUNT; k++) {
			fprintf(f, ", \"%s\": [", phone_hist_kind_name(k));
			for (j = 0; j < h->n[k]; j++) {
				if (j > 0)
					fputs(", ", f);
				report_json_str(f, h->ent[k][j]);
			}
			fputc(']', f);
		}
		fputc('}', f);
	}
	fputs(r->nhist == 0 ? "]" : "\n  ]", f);
}

static void
report_json(FILE *f, const struct run_result *r)
{
	const struct scenario *sc = r->sc;
	const struct run_expect_result *er;
	const struct run_failure *fl;
	size_t i, j;
	uint64_t n;
	int any;

	fprintf(f, "{\n  \"version\": %d", REPORT_VERSION);
	fputs(",\n  \"scenario\": ", f);
	report_json_str(f, sc != NULL ? report_str(sc->name) : "");
	fputs(",\n  \"file\": ", f);
	report_json_str(f, sc != NULL ? report_str(sc->file) : "");
	fprintf(f, ",\n  \"seed\": %llu", (unsigned long long)r->seed);
	fprintf(f, ",\n  \"phones\": %llu", (unsigned long long)r->phones);
	fprintf(f, ",\n  \"end_us\": %llu", (unsigned long long)r->end);
	fprintf(f, ",\n  \"result\": \"%s\"", r->failed == 0 ? "pass" : "fail");
	fprintf(f, ",\n  \"passed\": %u", r->passed);
	fprintf(f, ",\n  \"failed\": %u", r->failed);

	fputs(",\n  \"totals\": {", f);
	for (i = 0; i < nitems(report_totals); i++) {
		fprintf(f, "%s\n    \"%s\": %llu", i == 0 ? "" : ",",
		    report_totals[i].json,
		    (unsigned long long)report_total(r, i));
	}
	fputs("\n  }", f);

	fputs(",\n  \"errors\": {", f);
	for (i = 1, any = 0; i < EMU_E__COUNT; i++) {
		if (report_err_count(r, i, &n) != 0)
			continue;
		fputs(any ? ",\n    " : "\n    ", f);
		report_json_str(f, emu_err_name(i));
		fprintf(f, ": %llu", (unsigned long long)n);
		any = 1;
	}
	fputs(any ? "\n  }" : "}", f);

	/* Every state, in the enum's order: the same keys every run. */
	fputs(",\n  \"customization\": {", f);
	for (i = 0; i < CUST__COUNT; i++) {
		fputs(i == 0 ? "\n    " : ",\n    ", f);
		report_json_str(f, cust_state_name(i));
		fprintf(f, ": %llu", (unsigned long long)r->cust[i]);
	}
	fputs("\n  }", f);

	/* 16.4: servers with upload paths, in the scenario's order. */
	fputs(",\n  \"uploads\": [", f);
	for (i = 0; i < r->nuploads; i++) {
		fputs(i == 0 ? "\n    {\"server\": " : ",\n    {\"server\": ",
		    f);
		report_json_str(f, report_str(r->uploads[i].server));
		fprintf(f, ", \"received\": %llu, \"bytes\": %llu, "
		    "\"kept\": %llu, \"dropped\": %llu}",
		    (unsigned long long)r->uploads[i].received,
		    (unsigned long long)r->uploads[i].bytes,
		    (unsigned long long)r->uploads[i].kept,
		    (unsigned long long)r->uploads[i].dropped);
	}
	fputs(r->nuploads != 0 ? "\n  ]" : "]", f);
	report_json_servers(f, r);
	report_json_hist(f, r);
	report_json_latency(f, r);

	fputs(",\n  \"expectations\": [", f);
	for (i = 0; i < r->nres; i++) {
		er = &r->res[i];
		fputs(i == 0 ? "\n    {\n      \"name\": "
			     : ",\n    {\n      \"name\": ",
		    f);
		report_json_str(f,
		    er->ex != NULL ? report_str(er->ex->name) : "");
		fprintf(f, ",\n      \"line\": %d",
		    er->ex != NULL ? er->ex->line : 0);
		fprintf(f, ",\n      \"at_us\": %llu",
		    er->ex != NULL ? (unsigned long long)er->ex->at : 0ULL);
		fputs(",\n      \"phones\": ", f);
		report_json_str(f,
		    er->ex != NULL && er->ex->has_sel
			? report_str(er->ex->sel.text)
			: NULL);
		fprintf(f, ",\n      \"checked\": %u", er->checked);
		fprintf(f, ",\n      \"failed\": %u", er->failed);
		fprintf(f, ",\n      \"passed\": %s",
		    er->passed ? "true" : "false");
		fputs(",\n      \"failures\": [", f);
		for (j = 0; j < er->nfail; j++) {
			fl = &er->fail[j];
			fputs(j == 0 ? "\n        {\"phone\": "
				     : ",\n        {\"phone\": ",
			    f);
			report_json_str(f, fl->phone);
			fputs(", \"expected\": ", f);
			report_json_str(f, report_str(fl->expected));
			fputs(", \"seen\": ", f);
			report_json_str(f, report_str(fl->seen));
			fputc('}', f);
		}
		fputs(er->nfail != 0 ? "\n      ]\n    }" : "]\n    }", f);
	}
	fputs(r->nres != 0 ? "\n  ]\n}\n" : "]\n}\n", f);
}

/*
 * Valid UTF-8 holding only characters XML 1.0 allows (2.2): anything else
 * becomes U+FFFD.  Caller frees.
 */
static char *
report_xml_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)report_str(s);
	size_t left = strlen((const char *)p), n;
	struct dbuf b;
	long c;

	dbuf_init(&b);
	while (left > 0) {
		n = left;
		c = json_utf8(p, &n);
		if (c == -1 ||
		    (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0xfffe || c == 0xffff)
			dbuf_add(&b, "\xef\xbf\xbd", 3); /* U+FFFD */
		else
			dbuf_add(&b, p, n);
		p += n;
		left -= n;
	}
	return ((char *)dbuf_steal(&b, NULL)); /* NUL-terminated */
}

/* A failure's lines, as in the text report. */
static char *
report_junit_text(const struct run_expect_result *er)
{
	const struct run_failure *fl;
	struct dbuf b;
	size_t j, total;
	char *s;

	dbuf_init(&b);
	for (j = 0; j < er->nfail; j++) {
		fl = &er->fail[j];
		if (fl->phone != NULL)
			dbuf_printf(&b, "%s: ", fl->phone);
		dbuf_printf(&b, "expected %s, saw %s\n",
		    report_str(fl->expected), report_str(fl->seen));
	}
	total = er->failed > er->nfail ? er->failed : er->nfail;
	if (total > er->nfail)
		dbuf_printf(&b, "... and %zu more\n", total - er->nfail);
	s = report_xml_str((const char *)b.data);
	dbuf_clear(&b);
	return (s);
}

static void
report_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	char *v;

	v = report_xml_str(value);
	xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST v);
	free(v);
}

static void
report_junit(FILE *f, const struct run_result *r)
{
	const struct scenario *sc = r->sc;
	const struct run_expect_result *er;
	const char *name;
	xmlBufferPtr buf;
	xmlTextWriterPtr w;
	unsigned long long ms;
	size_t i;
	char *text, num[64];

	name = sc != NULL ? report_str(sc->name) : "";
	if ((buf = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(buf, 0)) == NULL) {
		fprintf(stderr, "phonefleet: out of memory\n");
		abort();
	}
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, BAD_CAST "  ");
	xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);

	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	report_attr(w, "name", name);
	snprintf(num, sizeof num, "%zu", r->nres);
	report_attr(w, "tests", num);
	snprintf(num, sizeof num, "%u", r->failed);
	report_attr(w, "failures", num);
	report_attr(w, "errors", "0");
	/* By hand: a locale must not turn the point into a comma. */
	ms = r->wall_s > 0 ? (unsigned long long)(r->wall_s * 1000 + 0.5) : 0;
	snprintf(num, sizeof num, "%llu.%03llu", ms / 1000, ms % 1000);
	report_attr(w, "time", num);

	for (i = 0; i < r->nres; i++) {
		er = &r->res[i];
		xmlTextWriterStartElement(w, BAD_CAST "testcase");
		report_attr(w, "classname", name);
		report_attr(w, "name", er->ex != NULL ? er->ex->name : NULL);
		report_attr(w, "file", sc != NULL ? sc->file : NULL);
		snprintf(num, sizeof num, "%d",
		    er->ex != NULL ? er->ex->line : 0);
		report_attr(w, "line", num);
		if (!er->passed) {
			xmlTextWriterStartElement(w, BAD_CAST "failure");
			snprintf(num, sizeof num, "%u of %u phones failed",
			    er->failed, er->checked);
			report_attr(w, "message", num);
			text = report_junit_text(er);
			xmlTextWriterWriteString(w, BAD_CAST text);
			free(text);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndElement(w);
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f);
	xmlBufferFree(buf);
}

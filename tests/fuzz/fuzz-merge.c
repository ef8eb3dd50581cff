/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Fuzz target for `report merge`'s reader (fleet/jdoc.c, the histogram's
 * stats_hist_parse, fleet/report-merge.c): each input is added twice to a
 * merge.  A refused input comes with a one-line reason and leaves the merge
 * as it was; an accepted one, written back as a JSON report, is accepted
 * again and gives the same report when merged with nothing else.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char *
fuzz_merge_json(const struct run_result *r, size_t *len)
{
	char *buf = NULL;
	FILE *f;

	if ((f = open_memstream(&buf, len)) == NULL)
		abort();
	report_write(f, r, REPORT_JSON);
	fclose(f);
	return (buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct report_merge *m, *m2;
	char *cause = NULL, *out, *out2;
	size_t olen, olen2;
	int rc;

	m = report_merge_create();
	rc = report_merge_add(m, data, len, &cause);
	if (rc != 0) {
		if (cause == NULL || strchr(cause, '\n') != NULL)
			abort();
		free(cause);
		if (report_merge_result(m)->phones != 0)
			abort();
		report_merge_free(m);
		return (0);
	}
	out = fuzz_merge_json(report_merge_result(m), &olen);
	m2 = report_merge_create();
	if (report_merge_add(m2, (const uint8_t *)out, olen, &cause) != 0) {
		fprintf(stderr, "merge output refused: %s\n", cause);
		abort();
	}
	out2 = fuzz_merge_json(report_merge_result(m2), &olen2);
	if (olen != olen2 || memcmp(out, out2, olen) != 0)
		abort();
	/* Twice: counts add without overflow checks being needed. */
	if (report_merge_add(m, data, len, &cause) != 0)
		abort();
	free(out2);
	free(out);
	report_merge_free(m2);
	report_merge_free(m);
	return (0);
}

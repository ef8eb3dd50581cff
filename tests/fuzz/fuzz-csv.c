/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The CSV inventory parser (fleet/scenario-csv.c): any bytes give rows or
 * one error, never a crash; on success every row has the header's field
 * count, the header has a mac column and unique names, and no field holds
 * a NUL or is longer than the cap.
 */

#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scn_csv	 csv;
	char		*cause = NULL;
	size_t		 i, j;

	if (scenario_csv_parse((const char *)data, size, &csv, &cause) != 0) {
		if (cause == NULL || *cause == '\0')
			abort();	/* an error always says what */
		free(cause);
		return (0);
	}
	if (cause != NULL || csv.mac_col < 0 ||
	    (size_t)csv.mac_col >= csv.ncols || csv.nrows == 0 ||
	    csv.ncols > SCN_CSV_COLS_MAX)
		abort();
	if (strcmp(csv.col[csv.mac_col], "mac") != 0)
		abort();
	for (i = 0; i < csv.ncols; i++) {
		if (*csv.col[i] == '\0')
			abort();
		for (j = 0; j < i; j++) {
			if (strcmp(csv.col[i], csv.col[j]) == 0)
				abort();
		}
	}
	for (i = 0; i < csv.nrows; i++) {
		if (csv.row[i].line < 2)
			abort();
		for (j = 0; j < csv.ncols; j++) {
			if (strlen(csv.row[i].field[j]) > 1024)
				abort();
		}
	}
	scenario_csv_free(&csv);
	return (0);
}

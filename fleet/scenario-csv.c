/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * Phone identities from a CSV file (<phones csv=...>, docs/scenario.md), as
 * SIPp injection files give calls theirs: a header row names the columns
 * (mac, serial, model, firmware, user, password, or any parameter name),
 * then one phone per row.  Fields follow RFC 4180: separated by commas,
 * optionally in double quotes ("" is a quote inside), CRLF or LF line ends;
 * blank lines and lines starting with # are skipped.  The parser is pure
 * (memory in, rows out) and has a fuzz target.
 */

#include <stdlib.h>
#include <string.h>

#include "fleet.h"

#define CSV_FIELD_MAX	1024	/* bytes in one field */

struct csv_reader {
	const char	*p, *end;
	long		 line;
};

static void
csv_row_free(char **f, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(f[i]);
	free(f);
}

/*
 * One record: its fields (owned) in *fields, their count in *n.  0 at the
 * end of input, 1 with a record, -1 with *cause.
 */
static int
csv_record(struct csv_reader *r, char ***fields, size_t *n, long *start,
    char **cause)
{
	char	**f = NULL, buf[CSV_FIELD_MAX + 1];
	size_t	 nf = 0, len;
	int	 quoted, more = 1;

	/* Skip blank and comment lines. */
	for (;;) {
		if (r->p >= r->end)
			return (0);
		if (*r->p == '\n' || *r->p == '\r') {
			if (*r->p == '\n')
				r->line++;
			r->p++;
			continue;
		}
		if (*r->p == '#') {
			while (r->p < r->end && *r->p != '\n')
				r->p++;
			continue;
		}
		break;
	}
	*start = r->line;
	while (more) {
		len = 0;
		quoted = 0;
		if (r->p < r->end && *r->p == '"') {
			quoted = 1;
			r->p++;
		}
		for (;;) {
			char	c;

			if (r->p >= r->end) {
				if (quoted) {
					xasprintf(cause, "line %ld: a quoted "
					    "field does not end", r->line);
					csv_row_free(f, nf);
					return (-1);
				}
				more = 0;
				break;
			}
			c = *r->p;
			if (quoted) {
				if (c == '"') {
					if (r->p + 1 < r->end &&
					    r->p[1] == '"') {
						r->p += 2;
						goto add;
					}
					r->p++;
					quoted = 0;
					if (r->p < r->end && *r->p != ',' &&
					    *r->p != '\n' && *r->p != '\r') {
						xasprintf(cause, "line %ld: text "
						    "after a quoted field",
						    r->line);
						csv_row_free(f, nf);
						return (-1);
					}
					continue;
				}
				if (c == '\n')
					r->line++;
				r->p++;
				goto add;
			}
			if (c == ',') {
				r->p++;
				break;
			}
			if (c == '\n' || c == '\r') {
				if (c == '\r' && r->p + 1 < r->end &&
				    r->p[1] == '\n')
					r->p++;
				r->p++;
				r->line++;
				more = 0;
				break;
			}
			if (c == '"') {
				xasprintf(cause, "line %ld: a quote inside an "
				    "unquoted field", r->line);
				csv_row_free(f, nf);
				return (-1);
			}
			r->p++;
add:
			if (c == '\0') {
				xasprintf(cause, "line %ld: a NUL byte",
				    r->line);
				csv_row_free(f, nf);
				return (-1);
			}
			if (len == CSV_FIELD_MAX) {
				xasprintf(cause, "line %ld: a field is over "
				    "%d bytes", r->line, CSV_FIELD_MAX);
				csv_row_free(f, nf);
				return (-1);
			}
			buf[len++] = c;
		}
		buf[len] = '\0';
		if (nf == SCN_CSV_COLS_MAX) {
			xasprintf(cause, "line %ld: more than %d fields",
			    r->line, SCN_CSV_COLS_MAX);
			csv_row_free(f, nf);
			return (-1);
		}
		f = xreallocarray(f, nf + 1, sizeof *f);
		f[nf++] = xstrdup(buf);
	}
	*fields = f;
	*n = nf;
	return (1);
}

void
scenario_csv_free(struct scn_csv *csv)
{
	size_t	i;

	if (csv == NULL)
		return;
	for (i = 0; i < csv->ncols; i++)
		free(csv->col[i]);
	free(csv->col);
	for (i = 0; i < csv->nrows; i++)
		csv_row_free(csv->row[i].field, csv->ncols);
	free(csv->row);
	memset(csv, 0, sizeof *csv);
}

int
scenario_csv_parse(const char *buf, size_t len, struct scn_csv *csv,
    char **cause)
{
	struct csv_reader	 r;
	char			**f;
	size_t			 n, i, j;
	long			 line;
	int			 rc;

	memset(csv, 0, sizeof *csv);
	r.p = buf;
	r.end = buf + len;
	r.line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r.p += 3;		/* a UTF-8 byte order mark */
	if ((rc = csv_record(&r, &f, &n, &line, cause)) <= 0) {
		if (rc == 0)
			xasprintf(cause, "no header row");
		return (-1);
	}
	csv->col = f;
	csv->ncols = n;
	csv->mac_col = -1;
	csv->header_line = line;
	for (i = 0; i < n; i++) {
		if (*f[i] == '\0') {
			xasprintf(cause, "line %ld: column %zu has no name",
			    line, i + 1);
			scenario_csv_free(csv);
			return (-1);
		}
		for (j = 0; j < i; j++) {
			if (strcmp(f[i], f[j]) == 0) {
				xasprintf(cause, "line %ld: column \"%s\" "
				    "twice", line, f[i]);
				scenario_csv_free(csv);
				return (-1);
			}
		}
		if (strcmp(f[i], "mac") == 0)
			csv->mac_col = (int)i;
	}
	if (csv->mac_col == -1) {
		xasprintf(cause, "line %ld: no \"mac\" column", line);
		scenario_csv_free(csv);
		return (-1);
	}
	for (;;) {
		if ((rc = csv_record(&r, &f, &n, &line, cause)) == 0)
			break;
		if (rc < 0) {
			scenario_csv_free(csv);
			return (-1);
		}
		if (n != csv->ncols) {
			xasprintf(cause, "line %ld: %zu fields, the header has "
			    "%zu", line, n, csv->ncols);
			csv_row_free(f, n);
			scenario_csv_free(csv);
			return (-1);
		}
		if (csv->nrows == SCN_PHONES_MAX) {
			xasprintf(cause, "line %ld: more than %d phones", line,
			    SCN_PHONES_MAX);
			csv_row_free(f, n);
			scenario_csv_free(csv);
			return (-1);
		}
		csv->row = xreallocarray(csv->row, csv->nrows + 1,
		    sizeof *csv->row);
		csv->row[csv->nrows].field = f;
		csv->row[csv->nrows].line = line;
		csv->nrows++;
	}
	if (csv->nrows == 0) {
		xasprintf(cause, "no phones after the header row");
		scenario_csv_free(csv);
		return (-1);
	}
	return (0);
}

/* The column's index, or -1. */
static int
csv_col(const struct scn_csv *csv, const char *name)
{
	size_t	i;

	for (i = 0; i < csv->ncols; i++) {
		if (strcmp(csv->col[i], name) == 0)
			return ((int)i);
	}
	return (-1);
}

/*
 * <phones csv="FILE" order="sequential|random" count="N">: the group's
 * phones from the file's rows, in order or shuffled by the scenario's seed,
 * the first count of them (all by default).  Empty cells take the group's
 * attributes; user and password are the profile account (spec 9.4).
 */
void
scenario_group_csv(struct scenario_loader *ld, xmlNodePtr n,
    struct scn_group *g)
{
	static const char *fixed[] = { "mac", "serial", "model", "firmware",
	    "user", "password" };
	struct scn_csv	 csv;
	struct prng	 rng;
	const char	*src = scenario_attr(ld, n, "csv"), *v;
	uint8_t		*data;
	size_t		 len, i, j, k, *order, nparam;
	uint64_t	 u;
	char		*cause = NULL;
	int		 random = 0, col[6];

	if ((v = scenario_attr(ld, n, "order")) != NULL) {
		if (strcmp(v, "random") == 0)
			random = 1;
		else if (strcmp(v, "sequential") != 0)
			scenario_err(ld, n, "order",
			    "order must be sequential or random");
	}
	if (scenario_read_src(ld, n, src, &data, &len) != 0)
		return;
	if (scenario_csv_parse((const char *)data, len, &csv, &cause) != 0) {
		scenario_err(ld, n, "csv", "%s: %s", scenario_q(ld, src),
		    cause);
		free(cause);
		free(data);
		return;
	}
	free(data);
	for (i = 0; i < nitems(fixed); i++)
		col[i] = csv_col(&csv, fixed[i]);
	nparam = 0;
	for (i = 0; i < csv.ncols; i++) {
		for (j = 0; j < nitems(fixed); j++) {
			if (strcmp(csv.col[i], fixed[j]) == 0)
				break;
		}
		if (j < nitems(fixed))
			continue;
		if (param_find(ld->ctx != NULL ? ld->ctx :
		    (ld->ctx = emu_ctx_create(0)), csv.col[i]) == -1) {
			scenario_err(ld, n, "csv", "%s line %ld: column \"%s\" "
			    "is not a parameter (nor mac, serial, model, "
			    "firmware, user, password)", scenario_q(ld, src),
			    csv.header_line, scenario_q(ld, csv.col[i]));
			scenario_csv_free(&csv);
			return;
		}
		nparam++;
	}
	g->count = (uint32_t)csv.nrows;
	if (scenario_get_uint(ld, n, "count", 1, csv.nrows, &u) == 1)
		g->count = (uint32_t)u;
	else if (xmlHasProp(n, BAD_CAST "count") != NULL) {
		scenario_csv_free(&csv);
		return;		/* said: over the rows */
	}
	order = xcalloc(csv.nrows, sizeof *order);
	for (i = 0; i < csv.nrows; i++)
		order[i] = i;
	if (random) {
		/* Fisher-Yates with the scenario's seed: the same each run. */
		static const uint8_t	 csv_mac[6] = { 0 };

		prng_seed(&rng, ld->sc->seed, csv_mac);
		for (i = csv.nrows - 1; i > 0; i--) {
			j = (size_t)prng_range(&rng, (uint64_t)i);
			k = order[i];
			order[i] = order[j];
			order[j] = k;
		}
	}
	g->macs = xcalloc(g->count, sizeof *g->macs);
	g->ident = xcalloc(g->count, sizeof *g->ident);
	for (i = 0; i < g->count; i++) {
		const struct scn_csv_row	*row = &csv.row[order[i]];
		struct scn_ident		*id = &g->ident[i];

		v = row->field[col[0]];
		if (scenario_mac_parse(v, g->macs[i]) != 0 ||
		    (g->macs[i][0] & 1)) {
			scenario_err(ld, n, "csv", "%s line %ld: \"%s\" is not "
			    "a unicast MAC (12 hex digits)",
			    scenario_q(ld, src), row->line, scenario_q(ld, v));
			continue;
		}
		if (col[1] != -1 && *row->field[col[1]] != '\0')
			id->serial = xstrdup(row->field[col[1]]);
		if (col[2] != -1 && *row->field[col[2]] != '\0')
			id->model = xstrdup(row->field[col[2]]);
		if (col[3] != -1 && *row->field[col[3]] != '\0')
			id->firmware = xstrdup(row->field[col[3]]);
		id->param = xcalloc(nparam + 2, sizeof *id->param);
		if (col[4] != -1 && *row->field[col[4]] != '\0') {
			id->param[id->nparam].name =
			    xstrdup("Profile_Account_Username");
			id->param[id->nparam].value =
			    xstrdup(row->field[col[4]]);
			id->param[id->nparam++].line = (int)row->line;
		}
		if (col[5] != -1 && *row->field[col[5]] != '\0') {
			id->param[id->nparam].name =
			    xstrdup("Profile_Account_Password");
			id->param[id->nparam].value =
			    xstrdup(row->field[col[5]]);
			id->param[id->nparam++].line = (int)row->line;
		}
		for (j = 0; j < csv.ncols; j++) {
			for (k = 0; k < nitems(fixed); k++) {
				if (strcmp(csv.col[j], fixed[k]) == 0)
					break;
			}
			if (k < nitems(fixed) || *row->field[j] == '\0')
				continue;
			id->param[id->nparam].name = xstrdup(csv.col[j]);
			id->param[id->nparam].value = xstrdup(row->field[j]);
			id->param[id->nparam++].line = (int)row->line;
		}
	}
	memcpy(g->mac, g->macs[0], sizeof g->mac);
	free(order);
	scenario_csv_free(&csv);
}

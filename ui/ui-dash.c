/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The fleet dashboard of `phonefleet run FILE --ui`: one row per phone
 * (MAC, model, site, state, customization, last result, firmware, next
 * resync, firmware), filtered and sorted, with a selection cursor; the counters so
 * far (fleet/ run_totals(), run_errors()), a sparkline of fetches per
 * virtual second, the clock, the end and the speed.  Hot keys in the
 * manner of SIPp's.  It reads the world, never changes it but through
 * the keys a user sends to a phone (ui_send()).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "ui-int.h"

struct ui_dash_col {
	const char	*name;
	int		 width;		/* 0: what is left */
};
static const struct ui_dash_col ui_dash_cols[UI_COL__COUNT] = {
	[UI_COL_MAC] = { "MAC", 12 },
	[UI_COL_MODEL] = { "MODEL", 12 },
	[UI_COL_SITE] = { "SITE", 8 },
	[UI_COL_STATE] = { "STATE", 11 },
	[UI_COL_CUST] = { "CUSTOM", 8 },
	[UI_COL_LAST] = { "LAST", 9 },
	[UI_COL_NEXT] = { "NEXT", 6 },
	[UI_COL_FIRMWARE] = { "FIRMWARE", 0 },
};

static void	 ui_dash_rebuild(struct ui *);
static int	 ui_dash_match(struct ui *, size_t);
static int	 ui_dash_cmp(const void *, const void *, void *);
static const char *ui_dash_cell(struct ui *, size_t, enum ui_col, char *,
		    size_t);
static void	 ui_dash_head(struct ui *);
static int	 ui_dash_spark(struct ui *, int, int, int);
static void	 ui_dash_table(struct ui *, int, int);
static void	 ui_dash_foot(struct ui *);
static void	 ui_dash_move(struct ui *, long);

void
ui_dash_init(struct ui *ui)
{
	size_t	n = sim_phone_count(ui->world);

	ui->order = xcalloc(n == 0 ? 1 : n, sizeof *ui->order);
	ui->sort = UI_COL_MAC;
	ui_dash_rebuild(ui);
}

void
ui_dash_free(struct ui *ui)
{
	free(ui->order);
	ui->order = NULL;
}

/* The rows: the phones the filter keeps, in the sort's order. */
static void
ui_dash_rebuild(struct ui *ui)
{
	size_t	i, n = sim_phone_count(ui->world);

	ui->norder = 0;
	for (i = 0; i < n; i++) {
		if (ui_dash_match(ui, i))
			ui->order[ui->norder++] = i;
	}
	qsort_r(ui->order, ui->norder, sizeof *ui->order, ui_dash_cmp, ui);
}

/* The filter, any case, in the MAC, site, state or model. */
static int
ui_dash_match(struct ui *ui, size_t i)
{
	struct phone	*p = sim_phone(ui->world, i);
	const char	*f = ui->filter;

	if (*f == '\0')
		return (1);
	return (strcasestr(phone_mac_str(p), f) != NULL ||
	    strcasestr(run_phone_site(ui->run, i), f) != NULL ||
	    strcasestr(prov_state_name(phone_state(p)), f) != NULL ||
	    strcasestr(phone_model(p), f) != NULL);
}

static int
ui_dash_cmp(const void *a, const void *b, void *arg)
{
	struct ui	*ui = arg;
	size_t		 i = *(const size_t *)a, j = *(const size_t *)b;
	struct phone	*p = sim_phone(ui->world, i);
	struct phone	*q = sim_phone(ui->world, j);
	char		 x[64], y[64];
	emu_time	 s, t;
	int		 c;

	switch (ui->sort) {
	case UI_COL_STATE:
		c = (int)phone_state(p) - (int)phone_state(q);
		break;
	case UI_COL_CUST:
		c = (int)phone_customization(p) - (int)phone_customization(q);
		break;
	case UI_COL_NEXT:
		s = phone_status(p)->next_resync_at;
		t = phone_status(q)->next_resync_at;
		c = s < t ? -1 : s > t;
		break;
	default:
		c = strcmp(ui_dash_cell(ui, i, ui->sort, x, sizeof x),
		    ui_dash_cell(ui, j, ui->sort, y, sizeof y));
		break;
	}
	if (c == 0)	/* MAC order among equals: rows do not jump */
		c = strcmp(phone_mac_str(p), phone_mac_str(q));
	return (ui->reverse ? -c : c);
}

/* The text of one cell. */
static const char *
ui_dash_cell(struct ui *ui, size_t i, enum ui_col col, char *buf,
    size_t size)
{
	struct phone			*p = sim_phone(ui->world, i);
	const struct phone_status	*st = phone_status(p);
	emu_time			 now, left;

	switch (col) {
	case UI_COL_MAC:
		return (phone_mac_str(p));
	case UI_COL_MODEL:
		return (phone_model(p));
	case UI_COL_SITE:
		return (run_phone_site(ui->run, i));
	case UI_COL_STATE:
		return (prov_state_name(phone_state(p)));
	case UI_COL_CUST:
		return (cust_state_name(phone_customization(p)));
	case UI_COL_LAST:
		if (st->last_class == EMU_CLASS_NONE)
			return ("-");
		if (st->last_err == EMU_E_HTTP && st->last_status != 0)
			snprintf(buf, size, "%s %d",
			    emu_class_name(st->last_class), st->last_status);
		else if (st->last_err == EMU_OK)
			snprintf(buf, size, "%s ok",
			    emu_class_name(st->last_class));
		else
			snprintf(buf, size, "%s %s",
			    emu_class_name(st->last_class),
			    emu_err_cause(st->last_err));
		return (buf);
	case UI_COL_FIRMWARE:
		return (phone_firmware(p, 0));
	case UI_COL_NEXT:
		if (st->next_resync_at == EMU_TIME_NEVER)
			return ("-");
		now = runtime_now(ui->rt);
		left = st->next_resync_at > now ? st->next_resync_at - now : 0;
		left /= 1000000;
		if (left >= 86400)
			snprintf(buf, size, "%llud%02lluh",
			    (unsigned long long)(left / 86400),
			    (unsigned long long)(left % 86400 / 3600));
		else if (left >= 3600)
			snprintf(buf, size, "%lluh%02llum",
			    (unsigned long long)(left / 3600),
			    (unsigned long long)(left % 3600 / 60));
		else
			snprintf(buf, size, "%llum%02llus",
			    (unsigned long long)(left / 60),
			    (unsigned long long)(left % 60));
		return (buf);
	default:
		return ("");
	}
}

/*
 * Fetches per virtual second, sampled at every redraw: what came since
 * the last sample is spread over the seconds it spans (at high speeds a
 * second's own figure is the average of the span).
 */
void
ui_dash_sample(struct ui *ui)
{
	uint64_t	sec = runtime_now(ui->rt) / 1000000, f, s, span;
	double		share;
	size_t		k;

	f = run_totals(ui->run)->fetches;
	if (!ui->spark_init) {
		ui->spark_init = 1;
		ui->spark_last_sec = sec;
		ui->spark_fetches = f;
		for (k = 0; k < UI_SPARK_S; k++)
			ui->spark_sec[k] = UINT64_MAX;
		return;
	}
	if (sec < ui->spark_last_sec)
		return;
	span = sec - ui->spark_last_sec;
	if (span == 0) {
		k = sec % UI_SPARK_S;
		if (ui->spark_sec[k] != sec) {
			ui->spark_sec[k] = sec;
			ui->spark[k] = 0;
		}
		ui->spark[k] += (double)(f - ui->spark_fetches);
	} else {
		share = (double)(f - ui->spark_fetches) / (double)span;
		s = span > UI_SPARK_S ? sec - UI_SPARK_S + 1 :
		    ui->spark_last_sec + 1;
		for (; s <= sec; s++) {
			k = s % UI_SPARK_S;
			ui->spark_sec[k] = s;
			ui->spark[k] = share;
		}
	}
	ui->spark_last_sec = sec;
	ui->spark_fetches = f;
}

void
ui_dash_draw(struct ui *ui)
{
	int	y;

	ui_dash_rebuild(ui);
	ui_dash_head(ui);
	y = ui_dash_spark(ui, 3, 0, COLS);
	ui_dash_table(ui, y, LINES - 2 - y);
	ui_dash_foot(ui);
}

/* Title, clock, speed; phones per state; resyncs, fetches, errors. */
static void
ui_dash_head(struct ui *ui)
{
	const struct emu_stats	*tot = run_totals(ui->run);
	const uint64_t		*err = run_errors(ui->run, 0);
	uint64_t		 st[PROV__COUNT];
	size_t			 i, n = sim_phone_count(ui->world);
	char			 now[32], end[32], sp[32], clk[32], rate[64];
	char			 line[256];
	int			 x, k;

	ui_fill(0, 0, COLS, A_REVERSE);
	x = ui_printf(0, 0, -1, A_REVERSE | A_BOLD, " phonefleet %s ",
	    ui->finished ? "(finished)" : "");
	if (n > 0)
		ui_clock(sim_phone(ui->world, 0), runtime_now(ui->rt), 1, clk,
		    sizeof clk);
	else
		clk[0] = '\0';
	if (ui->arrivals) {
		rate[0] = ' ';
		rate[1] = ' ';
		ui_rate_str(ui, rate + 2, sizeof rate - 2);
	} else
		rate[0] = '\0';
	snprintf(line, sizeof line, " t %s / %s  %s%s  %s  %zu phones",
	    ui_duration(runtime_now(ui->rt), now, sizeof now),
	    ui_duration(run_end(ui->run), end, sizeof end),
	    ui_speed_str(ui, sp, sizeof sp), rate, clk, n);
	if (x + (int)strlen(line) > COLS && rate[0] != '\0')
		snprintf(line, sizeof line, " t %s / %s  %s%s  %zu phones",
		    now, end, sp, rate, n);	/* the rate before the clock */
	ui_put(0, x, -1, A_REVERSE, line);

	memset(st, 0, sizeof st);
	for (i = 0; i < n; i++)
		st[phone_state(sim_phone(ui->world, i))]++;
	x = ui_put(1, 0, -1, A_BOLD, "states ");
	for (k = 0; k < PROV__COUNT; k++) {
		if (st[k] == 0)
			continue;
		x += ui_printf(1, x, -1, 0, "%s %llu  ", prov_state_name(k),
		    (unsigned long long)st[k]);
	}

	x = ui_put(2, 0, -1, A_BOLD, "resyncs ");
	x += ui_printf(2, x, -1, 0, "%u ok %u failed %u  fetches %u  ",
	    tot->resyncs, tot->resync_ok, tot->resync_fail, tot->fetches);
	x += ui_put(2, x, -1, A_BOLD, "errors ");
	for (k = 1; k < EMU_E__COUNT; k++) {
		if (err[k] == 0)
			continue;
		x += ui_printf(2, x, -1, 0, "%s %llu  ", emu_err_cause(k),
		    (unsigned long long)err[k]);
	}
}

/* The last UI_SPARK_S virtual seconds of fetches; returns the next row. */
static int
ui_dash_spark(struct ui *ui, int y, int x, int w)
{
	static const char *const blocks[] = { " ", "\xe2\x96\x81",
	    "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84", "\xe2\x96\x85",
	    "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[] = " .:-=+*#%@";
	uint64_t	 sec = ui->spark_last_sec, s;
	double		 v[UI_SPARK_S], max = 0;
	size_t		 k, i, lvl;
	int		 at;
	char		 c[2];

	for (i = 0; i < UI_SPARK_S; i++) {
		s = sec + 1 + i >= UI_SPARK_S ? sec + 1 + i - UI_SPARK_S :
		    UINT64_MAX;
		k = s == UINT64_MAX ? 0 : s % UI_SPARK_S;
		v[i] = s != UINT64_MAX && ui->spark_init &&
		    ui->spark_sec[k] == s ? ui->spark[k] : 0;
		if (v[i] > max)
			max = v[i];
	}
	at = x + ui_put(y, x, w, A_BOLD, "fetches/s ");
	for (i = 0; i < UI_SPARK_S && at < x + w; i++, at++) {
		if (ui->utf8) {
			lvl = max > 0 ? (size_t)(v[i] / max * 8 + 0.5) : 0;
			if (v[i] > 0 && lvl == 0)
				lvl = 1;
			if (at < COLS && y < LINES)
				mvaddstr(y, at, blocks[lvl]);
		} else {
			lvl = max > 0 ? (size_t)(v[i] / max * 9 + 0.5) : 0;
			if (v[i] > 0 && lvl == 0)
				lvl = 1;
			c[0] = ascii[lvl];
			c[1] = '\0';
			ui_put(y, at, 1, 0, c);
		}
	}
	ui_printf(y, at + 1, x + w - at - 1, 0, "peak %.0f/s, last %ds",
	    max, UI_SPARK_S);
	return (y + 1);
}

/* The column header and the rows, the selected one reversed. */
static void
ui_dash_table(struct ui *ui, int y, int h)
{
	char	 buf[64], head[32];
	size_t	 r, i, pos = 0;
	int	 x, c, w, fixed = 0, rest, attr;

	if (h < 2)
		return;
	for (c = 0; c < UI_COL__COUNT; c++)
		fixed += ui_dash_cols[c].width + 1;
	rest = COLS - fixed;
	if (rest < 8)
		rest = 8;

	/* Keep the selection a row shown. */
	for (r = 0; r < ui->norder; r++) {
		if (ui->order[r] == ui->sel)
			break;
	}
	if (r == ui->norder) {
		r = 0;
		if (ui->norder > 0)
			ui->sel = ui->order[0];
	}
	pos = r;
	if (pos < ui->top)
		ui->top = pos;
	if (pos >= ui->top + (size_t)(h - 1))
		ui->top = pos - (size_t)(h - 1) + 1;
	if (ui->top > 0 && ui->top + (size_t)(h - 1) > ui->norder)
		ui->top = ui->norder > (size_t)(h - 1) ? ui->norder -
		    (size_t)(h - 1) : 0;

	ui_fill(y, 0, COLS, A_BOLD | A_UNDERLINE);
	for (x = 0, c = 0; c < UI_COL__COUNT; c++) {
		w = ui_dash_cols[c].width != 0 ? ui_dash_cols[c].width : rest;
		snprintf(head, sizeof head, "%s%s", ui_dash_cols[c].name,
		    (enum ui_col)c == ui->sort ? (ui->reverse ? "v" : "^") :
		    "");
		ui_put(y, x, w, A_BOLD | A_UNDERLINE, head);
		x += w + 1;
	}
	for (r = ui->top; r < ui->norder && (int)(r - ui->top) < h - 1; r++) {
		i = ui->order[r];
		attr = i == ui->sel ? A_REVERSE : 0;
		if (attr)
			ui_fill(y + 1 + (int)(r - ui->top), 0, COLS, attr);
		for (x = 0, c = 0; c < UI_COL__COUNT; c++) {
			w = ui_dash_cols[c].width != 0 ?
			    ui_dash_cols[c].width : rest;
			ui_put(y + 1 + (int)(r - ui->top), x, w, attr,
			    ui_dash_cell(ui, i, (enum ui_col)c, buf,
			    sizeof buf));
			x += w + 1;
		}
	}
	if (ui->norder == 0)
		ui_put(y + 1, 0, -1, 0, "(no phone matches the filter)");
}

/* The filter being typed, a message, or the keys. */
static void
ui_dash_foot(struct ui *ui)
{
	char	rows[64];

	snprintf(rows, sizeof rows, " %zu/%zu ", ui->norder,
	    sim_phone_count(ui->world));
	if (ui->filtering)
		ui_printf(LINES - 2, 0, -1, A_BOLD, "filter: %s_  "
		    "(Enter keeps it, Esc clears it)", ui->filter);
	else if (ui->finished)
		ui_printf(LINES - 2, 0, -1, A_BOLD, "run finished %s q to see "
		    "the report", ui->utf8 ? "\xe2\x80\x94" : "-");
	else if (ui->msg[0] != '\0')
		ui_put(LINES - 2, 0, -1, A_BOLD, ui->msg);
	else if (ui->filter[0] != '\0')
		ui_printf(LINES - 2, 0, -1, 0, "filter: %s", ui->filter);
	ui_put(LINES - 2, COLS - (int)strlen(rows), -1, 0, rows);
	ui_fill(LINES - 1, 0, COLS, A_REVERSE);
	ui_put(LINES - 1, 0, -1, A_REVERSE, ui->arrivals ?
	    " q quit  p pause  +-*/ rate  <> speed  f filter  s/S sort  "
	    "Enter open  ? keys" :
	    " q quit  p pause  n step  +- <> speed  / filter  s/S sort  "
	    "Enter open  ? keys");
}

static void
ui_dash_move(struct ui *ui, long d)
{
	size_t	r;
	long	to;

	if (ui->norder == 0)
		return;
	for (r = 0; r < ui->norder; r++) {
		if (ui->order[r] == ui->sel)
			break;
	}
	if (r == ui->norder)
		r = 0;
	to = (long)r + d;
	if (to < 0)
		to = 0;
	if (to >= (long)ui->norder)
		to = (long)ui->norder - 1;
	ui->sel = ui->order[to];
}

void
ui_dash_key(struct ui *ui, int ch)
{
	struct emu_event	ev;
	size_t			len = strlen(ui->filter);
	long			page = LINES > 8 ? LINES - 8 : 1;

	if (ui->filtering) {
		switch (ch) {
		case UI_KEY_ESC:
			ui->filter[0] = '\0';
			ui->filtering = 0;
			break;
		case '\r':
		case '\n':
		case KEY_ENTER:
			ui->filtering = 0;
			break;
		case KEY_BACKSPACE:
		case 127:
		case 8:
			if (len > 0)
				ui->filter[len - 1] = '\0';
			break;
		default:
			if (ch >= 0x20 && ch <= 0x7e && len < UI_FILTER_MAX) {
				ui->filter[len] = (char)ch;
				ui->filter[len + 1] = '\0';
			}
			break;
		}
		return;
	}
	ui->msg[0] = '\0';
	if (ui_key_common(ui, ch))
		return;
	memset(&ev, 0, sizeof ev);
	switch (ch) {
	case KEY_UP:
	case 'k':
		ui_dash_move(ui, -1);
		break;
	case KEY_DOWN:
	case 'j':
		ui_dash_move(ui, 1);
		break;
	case KEY_PPAGE:
		ui_dash_move(ui, -page);
		break;
	case KEY_NPAGE:
	case ' ':
		ui_dash_move(ui, page);
		break;
	case KEY_HOME:
		ui_dash_move(ui, -(long)ui->norder);
		break;
	case KEY_END:
		ui_dash_move(ui, (long)ui->norder);
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		if (ui->norder > 0)
			ui_open_phone(ui, ui->sel);
		break;
	case '/':
		if (ui->arrivals)
			ui_rate(ui, 1 / UI_RATE_STEP10);
		else
			ui->filtering = 1;
		break;
	case '*':
		if (ui->arrivals)
			ui_rate(ui, UI_RATE_STEP10);
		break;
	case 'f':
		ui->filtering = 1;
		break;
	case UI_KEY_ESC:
		ui->filter[0] = '\0';
		break;
	case 's':
		ui->sort = (ui->sort + 1) % UI_COL__COUNT;
		ui_message(ui, "sorted by %s", ui_dash_cols[ui->sort].name);
		break;
	case 'S':
		ui->reverse = !ui->reverse;
		break;
	case 'r':
		if (ui->norder > 0) {
			ev.type = EMU_EV_RESYNC;
			ui_send(ui, ui->sel, &ev);
		}
		break;
	}
}

void
ui_dash_help(struct ui *ui, int y, int x, int h, int w)
{
	static const char *const lines[] = {
		"The fleet",
		"  up down PgUp PgDn Home End   move the selection (j k too)",
		"  Enter           open the selected phone (Esc comes back)",
		"  f  /            filter: MAC, site, state or model (/: when no",
		"                  <arrival>, where it is a rate key)",
		"  Esc             clear the filter",
		"  s  S            sort by the next column, reverse",
		"  r               resync the selected phone",
		"The run",
		"  p               pause, run",
		"  n               step to the next event while paused",
		"  > <             speed x2 / half (above x1048576: max)",
		"  + -             arrival rate x1.1 / 1.1 (speed: no <arrival>)",
		"  * /             arrival rate x2 / half (with <arrival>)",
		"  q               quit (the report follows)",
		"  ?               this map; any key closes it",
		"In a phone: its keys, P power-cycle, F factory reset, H",
		"power up holding #; Esc back to the fleet.  Ctrl-C quits.",
	};
	size_t	i;

	for (i = 0; i < nitems(lines) && (int)i < h; i++)
		ui_put(y + (int)i, x, w, lines[i][0] != ' ' ? A_BOLD : 0,
		    lines[i]);
}

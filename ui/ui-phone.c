/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One phone in the terminal: its LCD as the model says it (emu/lcd.c,
 * phone_lcd()) at the model's geometry, with a live clock in the header,
 * the navigation cluster and keypad legend beside it, the phone's own log
 * below and a status line; terminal keys become phone keys (enum emu_key)
 * or the hot keys of docs/ui.md.  Nothing here decides what a key does to
 * the phone: the model does.
 */

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "ui-int.h"

#define UI_PHONE_CLOCK_LEN	14	/* "HH:MM mm/dd/yy" (emu/lcd.c) */
#define UI_PHONE_LEGEND_ROWS	17	/* the legend whole: an 8851's LCD */

static void	ui_phone_lcd(struct ui *, struct phone *,
		    const struct lcd_view *, const struct lcd_geom *, int, int);
static void	ui_phone_field(const struct lcd_view *, int, int, int, int);
static void	ui_phone_legend(struct ui *, struct phone *,
		    const struct lcd_geom *, int, int, int, int);
static void	ui_phone_log(struct ui *, int, int);
static void	ui_phone_status(struct ui *, struct phone *,
		    const struct lcd_view *);
static void	ui_phone_power(struct ui *, int);

/* The keypad legend (docs/lcd.md, multi-tap). */
static const char *const ui_phone_keypad[] = {
	"1 ./:-_@ 2 abc   3 def",
	"4 ghi    5 jkl   6 mno",
	"7 pqrs   8 tuv   9 wxyz",
	"* *$[]?= 0 0 +   # #~!,;",
};

void
ui_phone_draw(struct ui *ui)
{
	struct phone		*p = ui_shown(ui);
	const struct lcd_view	*v;
	const struct lcd_geom	*g;
	int			 lh, lw;

	if ((v = phone_lcd(p)) == NULL) {
		phone_lcd_open(p);
		v = phone_lcd(p);
	}
	g = v != NULL ? v->geom : lcd_geom_find(phone_model(p));
	lh = g->lines + 7;
	lw = g->cols + 2;
	ui_phone_lcd(ui, p, v, g, 0, 0);
	/* A short LCD leaves the legend its rows: the log starts below. */
	if (lh < UI_PHONE_LEGEND_ROWS)
		lh = UI_PHONE_LEGEND_ROWS;
	ui_phone_legend(ui, p, g, 0, lw + 1, lh, COLS - lw - 1);
	ui_phone_log(ui, lh, LINES - 1 - lh);
	ui_phone_status(ui, p, v);
}

/*
 * The LCD in a frame: header (line name, live clock), title, body lines
 * (the selected one reversed), the text field, the message line and the
 * softkeys, F1-F4 under them.
 */
static void
ui_phone_lcd(struct ui *ui, struct phone *p, const struct lcd_view *v,
    const struct lcd_geom *g, int y0, int x0)
{
	char	buf[LCD_COLS_MAX + 1], clk[32], fk[8];
	int	cols = g->cols, lines = g->lines, x = x0 + 1, i, idx, w, n, lw;
	int	ys = y0 + lines + 5;

	ui_box(y0, x0, lines + 7, cols + 2);
	n = g->softkeys > 0 ? g->softkeys : 1;
	w = cols / n;
	for (i = 0; i < g->softkeys; i++) {
		snprintf(fk, sizeof fk, "F%d", i + 1);
		ui_put(y0 + lines + 6, x + i * w + (w - 2) / 2, 2, 0, fk);
	}
	if (v == NULL || v->screen == LCD_SCR_OFF) {
		ui_put(y0 + 2 + lines / 2, x + (cols - 10) / 2, cols, A_BOLD,
		    "(no power)");
		return;
	}
	if (v->screen == LCD_SCR_POWERUP) {
		ui_put(y0 + 2 + lines / 2, x + (cols - 24) / 2, cols, A_BOLD,
		    "(powering up, keys held)");
		return;
	}

	/* The model's clock is its last event's: the live one instead. */
	snprintf(buf, sizeof buf, "%-*.*s", cols, cols, v->header);
	n = (int)strlen(v->header);
	if (n >= UI_PHONE_CLOCK_LEN && n <= cols) {
		ui_clock(p, runtime_now(ui->rt), 0, clk, sizeof clk);
		memcpy(buf + n - UI_PHONE_CLOCK_LEN, clk, UI_PHONE_CLOCK_LEN);
	}
	ui_put(y0 + 1, x, cols, A_REVERSE, buf);

	n = (int)strlen(v->title);
	ui_put(y0 + 2, x + (cols > n ? (cols - n) / 2 : 0), cols, A_BOLD,
	    v->title);

	for (i = 0; i < lines; i++) {
		idx = v->top + i;
		if (idx < 0 || idx >= v->nbody)
			break;
		if (idx == v->sel) {
			ui_fill(y0 + 3 + i, x, cols, A_REVERSE);
			ui_put(y0 + 3 + i, x, cols, A_REVERSE, v->body[idx]);
		} else
			ui_put(y0 + 3 + i, x, cols, 0, v->body[idx]);
	}
	/* More above or below: on the frame, beside the body. */
	if (v->top > 0)
		ui_put(y0 + 3, x0 + cols + 1, 1, A_BOLD, "^");
	if (v->top + lines < v->nbody)
		ui_put(y0 + 2 + lines, x0 + cols + 1, 1, A_BOLD, "v");

	/* The field below what the body shows, else on its own row. */
	if (v->field) {
		n = v->nbody - v->top;
		if (n < 0)
			n = 0;
		ui_phone_field(v, y0 + 3 + (n + 1 < lines ? n + 1 : lines), x,
		    cols, n + 1 < lines);
	}
	ui_put(y0 + 4 + lines, x, cols, A_BOLD, v->msg);

	for (i = 0; i < g->softkeys; i++) {
		const char	*s = v->soft[i];

		if (*s == '\0')
			continue;
		/* A gap between the keys, unless the label needs it. */
		n = (int)strlen(s);
		lw = n > w - 1 ? w : w - 1;
		ui_fill(ys, x + i * w, lw, A_REVERSE);
		ui_put(ys, x + i * w + (lw > n ? (lw - n) / 2 : 0), lw,
		    A_REVERSE, s);
	}
}

/*
 * "Label: text" with the cursor reversed; a text longer than the room
 * scrolls to keep the cursor in view ("<" says there is more before).  On
 * a narrow screen the label goes on the row above if it is free (above).
 */
static void
ui_phone_field(const struct lcd_view *v, int y, int x, int cols, int above)
{
	const char	*t = v->text;
	size_t		 len = strlen(t), cur = v->cursor, off = 0, room;
	int		 lw = (int)strlen(v->label), at;
	char		 c[2];

	if (lw + 2 + 12 > cols) {
		lw = -2;		/* a narrow screen: the text alone */
		if (above)
			ui_put(y - 1, x, cols, A_BOLD, v->label);
	} else
		ui_printf(y, x, lw + 1, A_BOLD, "%s:", v->label);
	at = x + lw + 2;
	room = (size_t)(cols - lw - 2);
	if (cur > len)
		cur = len;
	if (cur >= room)
		off = cur - room + 1;
	if (off > 0 && lw >= 0)
		ui_put(y, at - 1, 1, A_BOLD, "<");
	ui_fill(y, at, (int)room, A_UNDERLINE);
	ui_put(y, at, (int)room, A_UNDERLINE, t + off);
	c[0] = cur < len ? t[cur] : ' ';
	c[1] = '\0';
	ui_put(y, at + (int)(cur - off), 1, A_REVERSE, c);
}

/* Beside the LCD: the phone, its line keys, the cluster, the keypad. */
static void
ui_phone_legend(struct ui *ui, struct phone *p, const struct lcd_geom *g,
    int y, int x, int h, int w)
{
	size_t	i;
	int	row = y;

	if (w < 12 || h < 4)
		return;
	ui_printf(row++, x, w, A_BOLD, "%s %s", phone_model(p),
	    phone_mac_str(p));
	if (g->line_keys > 0)
		ui_printf(row++, x, w, 0, "%u line keys (no calls)",
		    g->line_keys);
	else
		ui_put(row++, x, w, 0, "no line keys");
	row++;
	ui_put(row++, x, w, 0, "   [^]     F1-F4 softkeys");
	ui_put(row++, x, w, 0, "[<][OK][>] Home  Applications");
	ui_put(row++, x, w, 0, ui->fleet ?
	    "   [v]     Esc   to the fleet" : "   [v]     Esc   Back");
	ui_put(row++, x, w, 0, ui->fleet ? "BkSp Delete in a field, Back" :
	    "BkSp Delete in a field");
	ui_put(row, x, w, 0, "Tab  digits:");
	ui_put(row++, x + 13, w - 13, A_REVERSE, ui->typing ? "typed" :
	    "keypad");
	for (i = 0; i < nitems(ui_phone_keypad) && row < y + h; i++)
		ui_put(row++, x, w, 0, ui_phone_keypad[i]);
	if (row + 4 <= y + h)
		row++;
	if (row < y + h)
		ui_put(row++, x, w, 0, "q quit ? keys p pause n step");
	if (row < y + h)
		ui_put(row++, x, w, 0, ui->arrivals ?
		    "<> speed  +- rate  r resync" : "<> +- speed  r resync");
	if (row < y + h)
		ui_put(row++, x, w, 0, "P power F reset H hold #");
}

/* The phone's own log, newest at the bottom; PgUp/PgDn scroll it. */
static void
ui_phone_log(struct ui *ui, int y, int h)
{
	size_t	last, first, i, rows;
	int	n;

	if (h < 2)
		return;
	n = ui_printf(y, 0, -1, A_BOLD, "-- log %s%s ", ui->log_mac,
	    ui->log_back != 0 ? " (scrolled: PgDn)" : "");
	ui_fill(y, n, COLS - n, 0);
	if (ui->msg[0] != '\0')
		ui_printf(y, COLS > (int)strlen(ui->msg) + 4 ? COLS -
		    (int)strlen(ui->msg) - 3 : n, -1, A_BOLD, " %s ", ui->msg);
	rows = (size_t)(h - 1);
	last = ui->log_n - (ui->log_back < ui->log_n ? ui->log_back : 0);
	first = last > rows ? last - rows : 0;
	for (i = first; i < last; i++)
		ui_put(y + 1 + (int)(i - first), 0, -1, 0,
		    ui->log[(ui->log_head + i) % UI_LOG_MAX]);
}

static void
ui_phone_status(struct ui *ui, struct phone *p, const struct lcd_view *v)
{
	char	clk[32], dur[32], sp[32];
	int	n;

	ui_fill(LINES - 1, 0, COLS, A_REVERSE);
	/* "mm/dd/yyyy HH:MM:SS" as "HH:MM:SS mm/dd/yy" */
	ui_clock(p, runtime_now(ui->rt), 1, clk, sizeof clk);
	n = ui_printf(LINES - 1, 0, -1, A_REVERSE,
	    " %.8s %.6s%.2s t+%s %s | %s | %s | %s", clk + 11, clk, clk + 8,
	    ui_duration(runtime_now(ui->rt), dur, sizeof dur),
	    ui_speed_str(ui, sp, sizeof sp), prov_state_name(phone_state(p)),
	    cust_state_name(phone_customization(p)),
	    v != NULL ? lcd_screen_name(v->screen) : "off");
	if (n + 8 < COLS)
		ui_put(LINES - 1, COLS - 7, 7, A_REVERSE, "? keys");
}

/* Terminal key -> phone key, or a hot key outside a text field. */
void
ui_phone_key(struct ui *ui, int ch)
{
	const struct lcd_view	*v = phone_lcd(ui_shown(ui));
	struct emu_event	 ev;
	int			 field = v != NULL && v->field, key = -1, i;

	memset(&ev, 0, sizeof ev);
	switch (ch) {
	case KEY_F(1):
	case KEY_F(2):
	case KEY_F(3):
	case KEY_F(4):
		key = EMU_KEY_SOFT1 + (ch - KEY_F(1));
		break;
	case KEY_UP:
		key = EMU_KEY_UP;
		break;
	case KEY_DOWN:
		key = EMU_KEY_DOWN;
		break;
	case KEY_LEFT:
		key = EMU_KEY_LEFT;
		break;
	case KEY_RIGHT:
		key = EMU_KEY_RIGHT;
		break;
	case '\r':
	case '\n':
	case KEY_ENTER:
		key = EMU_KEY_SELECT;
		break;
	case UI_KEY_ESC:
		if (ui->fleet) {
			ui_close_phone(ui);
			return;
		}
		key = EMU_KEY_BACK;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (!field) {
			key = EMU_KEY_BACK;
			break;
		}
		/* The softkey that deletes, wherever the screen has it. */
		for (i = 0; v != NULL && i < LCD_SOFTKEYS_MAX; i++) {
			if (strcmp(v->soft[i], "Delete") == 0)
				key = EMU_KEY_SOFT1 + i;
		}
		if (key == -1) {
			ui_message(ui, "no Delete softkey here");
			return;
		}
		break;
	case KEY_HOME:
	case KEY_F(5):
		key = EMU_KEY_APPLICATIONS;
		break;
	case KEY_PPAGE:
		ui->log_back += 5;
		if (ui->log_back > ui->log_n)
			ui->log_back = ui->log_n;
		return;
	case KEY_NPAGE:
		ui->log_back = ui->log_back > 5 ? ui->log_back - 5 : 0;
		return;
	case UI_KEY_TAB:
		ui->typing = !ui->typing;
		ui_message(ui, "digits are %s", ui->typing ? "typed" :
		    "keypad keys");
		return;
	default:
		if ((ch >= '0' && ch <= '9') || ch == '*' || ch == '#') {
			/* Multi-tap, unless Tab made them plain typing. */
			key = ui->typing && field ? EMU_KEY_CHAR | ch : ch;
			break;
		}
		if (ch >= 0x20 && ch <= 0x7e && field) {
			key = EMU_KEY_CHAR | ch;	/* 15.1: typing */
			break;
		}
		if (ui_key_common(ui, ch))
			return;
		switch (ch) {
		case 'r':
			ev.type = EMU_EV_RESYNC;	/* as /admin/resync */
			ui_send(ui, ui->phone, &ev);
			ui_message(ui, "resync");
			return;
		case 'P':
			ui_phone_power(ui, 0);
			ui_message(ui, "power-cycled");
			return;
		case 'H':
			ui_phone_power(ui, 1);	/* 15.8, B121 */
			ui_message(ui, "powered up holding #");
			return;
		case 'F':
			ev.type = EMU_EV_FACTORY_RESET;
			ui_send(ui, ui->phone, &ev);
			ui_message(ui, "factory reset");
			return;
		}
		return;
	}
	ev.type = EMU_EV_KEY;
	ev.key = key;
	ui_send(ui, ui->phone, &ev);
}

/* Power pulled and given back, with '#' held if hold. */
static void
ui_phone_power(struct ui *ui, int hold)
{
	struct emu_event	ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_POWER_OFF;
	ui_send(ui, ui->phone, &ev);
	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_POWER_ON;
	if (hold) {
		ev.flags = EMU_POWER_HOLD_KEYS;
		ev.key = '#';
	}
	ui_send(ui, ui->phone, &ev);
}

void
ui_phone_help(struct ui *ui, int y, int x, int h, int w)
{
	static const char *const lines[] = {
		"The phone's keys",
		"  F1 F2 F3 F4     softkeys, left to right",
		"  arrows          navigation (left/right: cursor in a field)",
		"  Enter           Select",
		"  Esc             Back (from the fleet: back to the fleet)",
		"  Backspace       Delete in a text field, else Back",
		"  Home, F5        Applications",
		"  0-9 * #         keypad keys (multi-tap in a field)",
		"  other keys      typed into a text field as they are",
		"  Tab             digits: keypad keys or typed",
		"Outside a text field",
		"  q quit   ? this map   p pause/run   n step when paused",
		"  > <      speed x2 / half",
		"  + -      arrival rate x1.1 / 1.1 (no <arrival>: speed)",
		"  r resync (as /admin/resync)   F factory reset",
		"  P power-cycle   H power up holding #",
		"  PgUp PgDn       scroll the log",
		"Ctrl-C quits anywhere.  Any key closes this map.",
	};
	size_t	i;

	for (i = 0; i < nitems(lines) && (int)i < h; i++)
		ui_put(y + (int)i, x, w, lines[i][0] != ' ' ? A_BOLD : 0,
		    lines[i]);
}

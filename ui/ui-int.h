/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * What only ui/ files share: the terminal session (struct ui), the
 * drawing helpers of ui.c and the views' entry points (ui-phone.c,
 * ui-dash.c).  Reference: docs/ui.md.
 */

#ifndef PF_UI_INT_H
#define PF_UI_INT_H

#include "ui.h"

struct event;
struct event_base;

#define UI_MIN_COLS	80	/* the smallest terminal drawn */
#define UI_MIN_LINES	24
#define UI_REDRAW_MS	100	/* wall time between redraws */
#define UI_LOG_MAX	500	/* log lines kept for the shown phone */
#define UI_LOG_LEN	256	/* bytes of one, cut beyond */
#define UI_SPARK_S	60	/* seconds of virtual time in the sparkline */
#define UI_FILTER_MAX	32	/* bytes of the dashboard's filter */
#define UI_SPEED_MIN	(1.0 / 64)
#define UI_SPEED_MAX	1048576.0	/* above it: as fast as possible */
#define UI_SPEED_UNPACED 1e9	/* "as fast as possible": the realtime
				   runtime's slices keep the loop alive */
#define UI_RATE_STEP	1.1	/* + and -: the arrival rate's factor */
#define UI_RATE_STEP10	2.0	/* * and /: ten steps, as SIPp's */
#define UI_KEY_CTRL_C	3
#define UI_KEY_TAB	9
#define UI_KEY_ESC	27

enum ui_view {
	UI_VIEW_PHONE = 0,	/* one phone's LCD, keypad and log */
	UI_VIEW_DASH		/* the fleet */
};

/* Dashboard columns, in the order `s` cycles through them. */
enum ui_col {
	UI_COL_MAC = 0,
	UI_COL_MODEL,
	UI_COL_SITE,
	UI_COL_STATE,
	UI_COL_CUST,
	UI_COL_LAST,
	UI_COL_NEXT,
	UI_COL_FIRMWARE,		/* last: what the width leaves */
	UI_COL__COUNT
};

struct ui {
	struct run		*run;		/* borrowed */
	struct sim		*world;		/* borrowed: run's */
	struct event_base	*base;
	const struct ui_attach	*attach;	/* borrowed, or NULL */
	void			*carrier;	/* attach's */
	struct runtime		*rt;
	struct event		*ev_stdin;
	struct event		*ev_redraw;
	struct event		*ev_sig[5];
	int			 term;		/* the terminal is ours */
	int			 fleet;		/* run FILE --ui */
	enum ui_view		 view;
	size_t			 phone;		/* shown in UI_VIEW_PHONE */
	int			 help;		/* the key map is up */
	int			 typing;	/* Tab: digits are typed */
	int			 finished;	/* the run reached its end */
	int			 quit;		/* q, Ctrl-C, a signal */
	int			 unpaced;	/* speed 0: as fast as possible */
	int			 arrivals;	/* run_has_arrival(): rate keys */
	int			 utf8;		/* the locale draws blocks */
	int			 idle_reads;	/* stdin woke with nothing */
	char			 msg[128];	/* the last thing a key did */
	char			*cause;		/* the terminal failed */


	/* The shown phone's log (ring), with its MAC. */
	char			 log_mac[13];
	char			 log[UI_LOG_MAX][UI_LOG_LEN];
	size_t			 log_head, log_n;
	size_t			 log_back;	/* lines scrolled back */

	/* Dashboard. */
	size_t			*order;		/* phones shown, in order */
	size_t			 norder;
	size_t			 sel;		/* the selected phone */
	size_t			 top;		/* first row shown */
	enum ui_col		 sort;
	int			 reverse;
	int			 filtering;	/* `/` typed: editing */
	char			 filter[UI_FILTER_MAX + 1];
	double			 spark[UI_SPARK_S];	/* fetches per second */
	uint64_t		 spark_sec[UI_SPARK_S];	/* which second */
	uint64_t		 spark_last_sec;
	uint64_t		 spark_fetches;	/* run_totals() at that time */
	int			 spark_init;
};

/* ui.c: the session and drawing helpers */
int		 ui_put(int y, int x, int w, int attr, const char *s);
int		 ui_printf(int y, int x, int w, int attr, const char *fmt, ...)
		     __attribute__((format(printf, 5, 6)));
void		 ui_fill(int y, int x, int w, int attr);
void		 ui_box(int y, int x, int h, int w);
void		 ui_message(struct ui *ui, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
struct phone	*ui_shown(const struct ui *ui);
/* A phone's calendar clock: "HH:MM mm/dd/yy" (time 0) or "mm/dd/yyyy
 * HH:MM:SS" (time 1) at virtual time t, in its local time. */
const char	*ui_clock(const struct phone *p, emu_time t, int full,
		     char *buf, size_t size);
const char	*ui_duration(emu_time t, char *buf, size_t size);
const char	*ui_speed_str(const struct ui *ui, char *buf, size_t size);
const char	*ui_rate_str(const struct ui *ui, char *buf, size_t size);
void		 ui_rate(struct ui *ui, double mul);
void		 ui_send(struct ui *ui, size_t phone, const struct emu_event *ev);
int		 ui_key_common(struct ui *ui, int ch);
void		 ui_open_phone(struct ui *ui, size_t i);
void		 ui_close_phone(struct ui *ui);
void		 ui_log_clear(struct ui *ui);

/* ui-phone.c: one phone's view */
void		 ui_phone_draw(struct ui *ui);
void		 ui_phone_key(struct ui *ui, int ch);
void		 ui_phone_help(struct ui *ui, int y, int x, int h, int w);

/* ui-dash.c: the fleet dashboard */
void		 ui_dash_init(struct ui *ui);
void		 ui_dash_free(struct ui *ui);
void		 ui_dash_draw(struct ui *ui);
void		 ui_dash_key(struct ui *ui, int ch);
void		 ui_dash_sample(struct ui *ui);
void		 ui_dash_help(struct ui *ui, int y, int x, int h, int w);

#endif /* PF_UI_INT_H */

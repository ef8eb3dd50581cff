/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The terminal session: ncurses set up and restored on every way out, the
 * glue between the terminal and the libevent base the realtime runtime
 * runs on (stdin, a redraw timer, SIGWINCH, SIGINT, SIGTERM, SIGHUP), the
 * shown phone's log, and the keys both views share.  The world runs at
 * its speed while the UI waits for keys; everything the UI does to it
 * goes through the runtime interface (netsim.h).  The views are
 * ui-phone.c (one phone's LCD) and ui-dash.c (the fleet).  Not here: any
 * phone logic (the LCD model is emu/lcd.c).  Reference: docs/ui.md.
 */

#include <sys/ioctl.h>

#include <langinfo.h>
#include <termios.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <event2/event.h>
#include <term.h>
/* term.h names every capability as a macro; emu.h has a field "lines". */
#undef lines

#include "ui-int.h"

#define UI_ESCDELAY_MS	25	/* a lone Esc is Back, not a sequence */
#define UI_IDLE_READS	50	/* stdin readable with nothing: gone */

static int	 ui_start(struct ui *, struct run *, int, double, char **);
static void	 ui_finish(struct ui *);
static void	 ui_atexit(void);
static void	 ui_crash(int);
static void	 ui_stdin_cb(evutil_socket_t, short, void *);
static void	 ui_redraw_cb(evutil_socket_t, short, void *);
static void	 ui_signal_cb(evutil_socket_t, short, void *);
static void	 ui_resize(struct ui *);
static void	 ui_redraw(struct ui *);
static void	 ui_key(struct ui *, int);
static void	 ui_quit(struct ui *);
static void	 ui_speed(struct ui *, int);
static void	 ui_log_cb(void *, const char *);
static void	 ui_help(struct ui *);

/* The terminal while it is ours: atexit() gives it back. */
static SCREEN	*ui_screen;
static int	 ui_atexit_set;
/* For a crash (abort(), SIGSEGV): the modes and strings that undo ours,
 * given back with async-signal-safe calls only. */
static struct termios ui_tio;
static int	 ui_tio_ok;
static char	 ui_undo[128];
static size_t	 ui_undo_len;
static const int ui_crash_signals[] = { SIGABRT, SIGSEGV, SIGBUS, SIGFPE,
    SIGILL };
/* The run's calendar time at virtual time 0 (run_epoch()), for clocks. */
static int64_t	 ui_epoch = SCN_DEF_EPOCH;

static const int ui_signals[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGQUIT };


int
ui_can_run(char **cause)
{
	const char	*term = getenv("TERM");
	int		 err, ok;

	if (term == NULL || *term == '\0') {
		xasprintf(cause, "TERM is not set");
		return (-1);
	}
	if (!isatty(STDIN_FILENO)) {
		xasprintf(cause, "standard input is not a terminal");
		return (-1);
	}
	if (!isatty(STDOUT_FILENO)) {
		xasprintf(cause, "standard output is not a terminal");
		return (-1);
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		xasprintf(cause, "TERM \"%.64s\" is not a terminal ncurses "
		    "knows", term);
		return (-1);
	}
	/* A screen to draw on needs a cursor that can be moved. */
	ok = tigetstr("cup") != NULL && tigetstr("cup") != (char *)-1;
	del_curterm(cur_term);
	if (!ok) {
		xasprintf(cause, "TERM \"%.64s\" cannot move the cursor",
		    term);
		return (-1);
	}
	return (0);
}

int
ui_phone(struct run *r, size_t i, double speed, const struct ui_attach *at,
    char **cause)
{
	struct ui	*ui;
	int		 rc = 0;

	ui = xcalloc(1, sizeof *ui);
	ui->attach = at;
	if (ui_start(ui, r, 0, speed, cause) != 0) {
		free(ui);
		return (2);
	}
	ui_open_phone(ui, i);
	ui_redraw(ui);
	/* A phone on a desk has no end: on past the scenario's. */
	if (run_play(r, ui->rt) == 0 && !ui->quit)
		runtime_run(ui->rt, EMU_TIME_NEVER - 1);
	if (ui->cause != NULL) {
		*cause = ui->cause;
		ui->cause = NULL;
		rc = 2;
	}
	ui_finish(ui);
	free(ui);
	return (rc);
}

int
ui_fleet(struct run *r, double speed, const struct ui_attach *at,
    char **cause)
{
	struct ui	*ui;
	int		 rc;

	ui = xcalloc(1, sizeof *ui);
	ui->attach = at;
	if (ui_start(ui, r, 1, speed, cause) != 0) {
		free(ui);
		return (2);
	}
	ui_dash_init(ui);
	ui_redraw(ui);
	rc = run_play(r, ui->rt) != 0 || ui->quit ? 1 : 0;
	if (rc == 0 && ui->cause == NULL) {
		/* The end: the screen stays until q. */
		ui->finished = 1;
		ui_dash_sample(ui);
		ui_redraw(ui);
		event_base_loop(ui->base, EVLOOP_NO_EXIT_ON_EMPTY);
	}
	if (ui->cause != NULL) {
		*cause = ui->cause;
		ui->cause = NULL;
		rc = 2;
	}
	ui_dash_free(ui);
	ui_finish(ui);
	free(ui);
	return (rc);
}

/* The terminal, the runtime and the events; -1 with *cause. */
static int
ui_start(struct ui *ui, struct run *r, int fleet, double speed, char **cause)
{
	size_t	i;

	ui_epoch = run_epoch(r);
	ui->run = r;
	ui->world = run_world(r);
	ui->fleet = fleet;
	ui->arrivals = run_has_arrival(r);
	ui->view = fleet ? UI_VIEW_DASH : UI_VIEW_PHONE;
	if (speed <= 0) {
		ui->unpaced = 1;
		speed = UI_SPEED_UNPACED;
	}
	/* The runtime, and a carrier to real servers, before the terminal:
	 * a carrier that cannot start says why on a plain screen. */
	ui->base = rt_base();
	ui->rt = runtime_realtime(ui->world, ui->base, speed);
	if (ui->attach != NULL && ui->attach->attach != NULL &&
	    (ui->carrier = ui->attach->attach(r, ui->rt, ui->base,
	    cause)) == NULL && *cause != NULL) {
		runtime_free(ui->rt);
		event_base_free(ui->base);
		ui->rt = NULL;
		ui->base = NULL;
		return (-1);
	}

	setlocale(LC_CTYPE, "");
	ui->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	ui_tio_ok = tcgetattr(STDIN_FILENO, &ui_tio) == 0;
	if ((ui_screen = newterm(NULL, stdout, stdin)) == NULL) {
		xasprintf(cause, "the terminal cannot be set up");
		return (-1);
	}
	set_term(ui_screen);
	if (!ui_atexit_set) {
		atexit(ui_atexit);
		ui_atexit_set = 1;
	}
	ui_undo_len = 0;
	for (i = 0; i < 3; i++) {
		static const char *const caps[] = { "sgr0", "cnorm", "rmcup" };
		char	*cap = tigetstr(caps[i]);
		size_t	 len;

		if (cap == NULL || cap == (char *)-1 ||
		    (len = strlen(cap)) > sizeof ui_undo - ui_undo_len)
			continue;
		memcpy(ui_undo + ui_undo_len, cap, len);
		ui_undo_len += len;
	}
	for (i = 0; i < nitems(ui_crash_signals); i++) {
		struct sigaction	sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = ui_crash;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(ui_crash_signals[i], &sa, NULL);
	}
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(UI_ESCDELAY_MS);

	ui->ev_stdin = event_new(ui->base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    ui_stdin_cb, ui);
	ui->ev_redraw = event_new(ui->base, -1, EV_PERSIST, ui_redraw_cb, ui);
	if (ui->ev_stdin == NULL || ui->ev_redraw == NULL)
		abort();	/* out of memory */
	event_add(ui->ev_stdin, NULL);
	event_add(ui->ev_redraw, &(struct timeval){ 0, UI_REDRAW_MS * 1000 });
	for (i = 0; i < nitems(ui_signals); i++) {
		ui->ev_sig[i] = evsignal_new(ui->base, ui_signals[i],
		    ui_signal_cb, ui);
		if (ui->ev_sig[i] == NULL)
			abort();	/* out of memory */
		evsignal_add(ui->ev_sig[i], NULL);
	}
	sim_set_log(ui->world, ui_log_cb, ui);
	return (0);
}

/* Everything back: the terminal first, so that a message can follow. */
static void
ui_finish(struct ui *ui)
{
	size_t	i;

	if (ui_screen != NULL) {
		endwin();
		delscreen(ui_screen);
		ui_screen = NULL;
	}
	for (i = 0; i < nitems(ui_crash_signals); i++)
		signal(ui_crash_signals[i], SIG_DFL);
	sim_set_log(ui->world, NULL, NULL);
	for (i = 0; i < nitems(ui->ev_sig); i++) {
		if (ui->ev_sig[i] != NULL)
			event_free(ui->ev_sig[i]);
	}
	event_free(ui->ev_stdin);
	event_free(ui->ev_redraw);
	if (ui->carrier != NULL)
		ui->attach->detach(ui->carrier);
	runtime_free(ui->rt);
	event_base_free(ui->base);
	free(ui->cause);
}

/* exit() on any path (fatal(), xmalloc()) leaves a sane terminal. */
static void
ui_atexit(void)
{
	if (ui_screen != NULL)
		endwin();
}

/* A crash: the terminal back as it was, then the signal's own end. */
static void
ui_crash(int sig)
{
	ssize_t	n;

	if (ui_screen != NULL) {
		if (ui_tio_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &ui_tio);
		n = write(STDOUT_FILENO, ui_undo, ui_undo_len);
		(void)n;
		n = write(STDOUT_FILENO, "\r\n", 2);
		(void)n;
	}
	raise(sig);
}

static void
ui_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;
	int		 ch, n = 0;

	while (!ui->quit && (ch = wgetch(stdscr)) != ERR) {
		n++;
		ui_key(ui, ch);
	}
	if (n != 0)
		ui->idle_reads = 0;
	else if (++ui->idle_reads >= UI_IDLE_READS) {
		/* Readable and nothing to read: the terminal is gone. */
		if (ui->cause == NULL)
			xasprintf(&ui->cause, "the terminal went away");
		ui_quit(ui);
		return;
	}
	if (!ui->quit)
		ui_redraw(ui);
}

static void
ui_redraw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ui	*ui = arg;

	if (ui->fleet)
		ui_dash_sample(ui);
	ui_redraw(ui);
}

static void
ui_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct ui	*ui = arg;

	if (sig == SIGWINCH)
		ui_resize(ui);
	else
		ui_quit(ui);
}

static void
ui_resize(struct ui *ui)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
	ui_redraw(ui);
}

static void
ui_redraw(struct ui *ui)
{
	if (ui_screen == NULL || ui->quit)
		return;
	erase();
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		ui_put(LINES / 2, COLS > 31 ? (COLS - 31) / 2 : 0, -1, A_BOLD,
		    "terminal too small (need 80x24)");
		refresh();
		return;
	}
	if (ui->view == UI_VIEW_PHONE)
		ui_phone_draw(ui);
	else
		ui_dash_draw(ui);
	if (ui->help)
		ui_help(ui);
	refresh();
}

/* The key map (`?`), over the view; any key closes it. */
static void
ui_help(struct ui *ui)
{
	int	h = LINES - 4, w = COLS - 8, y;

	if (w > 72)
		w = 72;
	ui_box(2, (COLS - w) / 2, h, w);
	for (y = 3; y < 2 + h - 1; y++)
		ui_fill(y, (COLS - w) / 2 + 1, w - 2, 0);
	if (ui->view == UI_VIEW_PHONE)
		ui_phone_help(ui, 3, (COLS - w) / 2 + 2, h - 2, w - 4);
	else
		ui_dash_help(ui, 3, (COLS - w) / 2 + 2, h - 2, w - 4);
}

static void
ui_key(struct ui *ui, int ch)
{
	if (ch == UI_KEY_CTRL_C) {
		ui_quit(ui);
		return;
	}
	if (ch == KEY_RESIZE)
		return;
	if (ui->help) {
		ui->help = 0;
		return;
	}
	if (ui->view == UI_VIEW_PHONE)
		ui_phone_key(ui, ch);
	else
		ui_dash_key(ui, ch);
}

/* Keys both views have: 1 if ch was one of them. */
int
ui_key_common(struct ui *ui, int ch)
{
	uint64_t	n;

	switch (ch) {
	case 'q':
	case 'Q':
		ui_quit(ui);
		return (1);
	case '?':
		ui->help = 1;
		return (1);
	case 'p':
		if (ui->finished)
			return (1);
		if (runtime_paused(ui->rt)) {
			runtime_resume(ui->rt);
			ui_message(ui, "running");
		} else {
			runtime_pause(ui->rt);
			ui_message(ui, "paused: n steps to the next event");
		}
		return (1);
	case '>':
		ui_speed(ui, 1);
		return (1);
	case '<':
		ui_speed(ui, 0);
		return (1);
	case '+':
	case '=':
		if (ui->arrivals)
			ui_rate(ui, UI_RATE_STEP);
		else
			ui_speed(ui, 1);
		return (1);
	case '-':
	case '_':
		if (ui->arrivals)
			ui_rate(ui, 1 / UI_RATE_STEP);
		else
			ui_speed(ui, 0);
		return (1);
	case 'n':
		if (ui->finished)
			return (1);
		if (!runtime_paused(ui->rt)) {
			ui_message(ui, "n steps while paused (p)");
			return (1);
		}
		n = runtime_step(ui->rt, 0);
		ui_message(ui, "stepped: %llu event%s", (unsigned long long)n,
		    n == 1 ? "" : "s");
		return (1);
	}
	return (0);
}

static void
ui_quit(struct ui *ui)
{
	ui->quit = 1;
	runtime_stop(ui->rt);
	event_base_loopbreak(ui->base);
}

/* > and <: twice or half the speed; past the top, as fast as possible. */
static void
ui_speed(struct ui *ui, int up)
{
	double	s = runtime_speed(ui->rt);
	char	buf[32];

	if (ui->finished)
		return;
	if (ui->unpaced) {
		if (up)
			return;
		ui->unpaced = 0;
		s = UI_SPEED_MAX;
	} else if (up) {
		if ((s *= 2) > UI_SPEED_MAX) {
			if (!ui->fleet)
				return;	/* a desk phone runs in real time */
			ui->unpaced = 1;
			s = UI_SPEED_UNPACED;
		}
	} else if ((s /= 2) < UI_SPEED_MIN)
		s = UI_SPEED_MIN;
	runtime_set_speed(ui->rt, s);
	ui_message(ui, "speed %s", ui_speed_str(ui, buf, sizeof buf));
}

const char *
ui_speed_str(const struct ui *ui, char *buf, size_t size)
{
	if (ui->finished)
		snprintf(buf, size, "finished");
	else if (runtime_paused(ui->rt))
		snprintf(buf, size, "paused");
	else if (ui->unpaced)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "x%g", runtime_speed(ui->rt));
	return (buf);
}

/*
 * + - * / in a run with <arrival>s: the arrival rate times mul from the
 * virtual now (run_set_rate_factor()), the world brought to the clock
 * first and the driver re-armed after for what was re-planned.
 */
void
ui_rate(struct ui *ui, double mul)
{
	double	f = run_rate_factor(ui->run) * mul;
	char	buf[64];

	if (ui->finished)
		return;
	if (f > 0.999999 && f < 1.000001)
		f = 1;		/* back where it began, whatever the steps */
	runtime_sync(ui->rt);
	if (run_set_rate_factor(ui->run, f, runtime_now(ui->rt)) != 0) {
		ui_message(ui, "%s: the limit (x1/1024 to x1024, at most "
		    "%.0f/s)", ui_rate_str(ui, buf, sizeof buf),
		    SCN_RATE_MAX);
		return;
	}
	runtime_sync(ui->rt);
	ui_message(ui, "%s", ui_rate_str(ui, buf, sizeof buf));
}

/* "rate 50/s x2", "rate 0.625/s x0.125" */
const char *
ui_rate_str(const struct ui *ui, char *buf, size_t size)
{
	double	r = run_rate_now(ui->run, runtime_now(ui->rt));

	snprintf(buf, size, r >= 100 ? "rate %.0f/s x%.4g" :
	    "rate %.3g/s x%.4g", r, run_rate_factor(ui->run));
	return (buf);
}

/*
 * An event for a phone at the virtual now.  runtime_event() hands it at
 * the world's time, which lags the clock by up to the gap between two
 * events (an hour on a desk); a callback at the clock's time brings the
 * world there first.  XXX runtime_at() does not re-arm the realtime
 * driver's timer: setting the speed it has does (docs/ui.md).
 */
void
ui_send(struct ui *ui, size_t phone, const struct emu_event *ev)
{
	if (ui->finished) {
		ui_message(ui, "the run is over: keys go nowhere");
		return;
	}
	/* The runtime brings the world to its clock first. */
	runtime_event(ui->rt, sim_phone(ui->world, phone), ev);
}

void
ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
}

struct phone *
ui_shown(const struct ui *ui)
{
	return (sim_phone(ui->world, ui->phone));
}

/* Show phone i: its screen made, its log traced and collected. */
void
ui_open_phone(struct ui *ui, size_t i)
{
	struct phone	*p = sim_phone(ui->world, i);

	ui->phone = i;
	ui->view = UI_VIEW_PHONE;
	ui->typing = 0;
	phone_lcd_open(p);
	phone_set_trace(p, TRACE_ALL);
	if (strcmp(ui->log_mac, phone_mac_str(p)) != 0) {
		ui_log_clear(ui);
		pf_strlcpy(ui->log_mac, phone_mac_str(p), sizeof ui->log_mac);
	}
	ui->msg[0] = '\0';
}

/* Back to the fleet: the phone keeps its screen, not the trace. */
void
ui_close_phone(struct ui *ui)
{
	phone_set_trace(ui_shown(ui), 0);
	ui->view = UI_VIEW_DASH;
	ui->msg[0] = '\0';
}

void
ui_log_clear(struct ui *ui)
{
	ui->log_head = ui->log_n = ui->log_back = 0;
	ui->log_mac[0] = '\0';
}

/* sim_set_log(): "secs.usec MAC text", kept for the shown phone. */
static void
ui_log_cb(void *arg, const char *line)
{
	struct ui	*ui = arg;
	const char	*mac, *text;
	char		 when[32], *slot;
	unsigned long long secs;
	size_t		 i;

	if (ui->log_mac[0] == '\0' || (mac = strchr(line, ' ')) == NULL)
		return;
	mac++;
	if (strncmp(mac, ui->log_mac, 12) != 0 || mac[12] != ' ')
		return;
	text = mac + 13;
	secs = strtoull(line, NULL, 10);
	ui_clock(ui_shown(ui), (emu_time)secs * 1000000, 1, when, sizeof when);
	if (ui->log_n < UI_LOG_MAX)
		slot = ui->log[(ui->log_head + ui->log_n++) % UI_LOG_MAX];
	else {
		slot = ui->log[ui->log_head];
		ui->log_head = (ui->log_head + 1) % UI_LOG_MAX;
	}
	snprintf(slot, UI_LOG_LEN, "%.8s %s", when + 11, text);
	for (i = 0; slot[i] != '\0'; i++) {
		if ((unsigned char)slot[i] < 0x20 ||
		    (unsigned char)slot[i] > 0x7e)
			slot[i] = '?';
	}
	if (ui->log_back != 0 && ui->log_back < ui->log_n)
		ui->log_back++;		/* what is read stays put */
}

const char *
ui_clock(const struct phone *p, emu_time t, int full, char *buf, size_t size)
{
	char	when[32];

	phone_hist_time(p, ui_epoch + (int64_t)(t / 1000000), when,
	    sizeof when);
	if (full)
		snprintf(buf, size, "%s", when);
	else	/* as the LCD's header (emu/lcd.c): "HH:MM mm/dd/yy" */
		snprintf(buf, size, "%.5s %.6s%.2s", when + 11, when,
		    when + 8);
	return (buf);
}

/* "1d02:03:04", "02:03:04" */
const char *
ui_duration(emu_time t, char *buf, size_t size)
{
	uint64_t	s = t / 1000000;

	if (s >= 86400)
		snprintf(buf, size, "%llud%02llu:%02llu:%02llu",
		    (unsigned long long)(s / 86400),
		    (unsigned long long)(s % 86400 / 3600),
		    (unsigned long long)(s % 3600 / 60),
		    (unsigned long long)(s % 60));
	else
		snprintf(buf, size, "%02llu:%02llu:%02llu",
		    (unsigned long long)(s / 3600),
		    (unsigned long long)(s % 3600 / 60),
		    (unsigned long long)(s % 60));
	return (buf);
}

/*
 * Drawing, clipped to the screen: nothing is ever written outside it.
 * w < 0 is the rest of the line.  Returns the columns written.
 */
int
ui_put(int y, int x, int w, int attr, const char *s)
{
	int	n;

	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return (0);
	if (w < 0 || w > COLS - x)
		w = COLS - x;
	n = (int)strnlen(s, (size_t)w);
	if (n == 0)
		return (0);
	attrset(attr);
	mvaddnstr(y, x, s, n);
	attrset(A_NORMAL);
	return (n);
}

int
ui_printf(int y, int x, int w, int attr, const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return (ui_put(y, x, w, attr, buf));
}

void
ui_fill(int y, int x, int w, int attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	if (w > COLS - x)
		w = COLS - x;
	attrset(attr);
	for (; w > 0; w--)
		mvaddch(y, x++, ' ');
	attrset(A_NORMAL);
}

/* A frame of ASCII, so that every terminal and capture shows it alike. */
void
ui_box(int y, int x, int h, int w)
{
	int	i;

	if (h < 2 || w < 2)
		return;
	for (i = 1; i < w - 1; i++) {
		ui_put(y, x + i, 1, 0, "-");
		ui_put(y + h - 1, x + i, 1, 0, "-");
	}
	for (i = 1; i < h - 1; i++) {
		ui_put(y + i, x, 1, 0, "|");
		ui_put(y + i, x + w - 1, 1, 0, "|");
	}
	ui_put(y, x, 1, 0, "+");
	ui_put(y, x + w - 1, 1, 0, "+");
	ui_put(y + h - 1, x, 1, 0, "+");
	ui_put(y + h - 1, x + w - 1, 1, 0, "+");
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A phone's syslog client (spec 16.2): each Log_*_Msg line, its macros
 * expanded, goes out as one UDP datagram to Syslog_Server (host[:port],
 * port 514 by default) in the RFC 3164 format
 *
 *	<PRI>Mmm dd hh:mm:ss [<identifier> ]<message>
 *
 * with the phone's local time (the run's clock plus the scenario's zone)
 * and the identifier Syslog_Identifier asks for ($MA, $MAU, $MAC, $SN;
 * None: none, B91).  A host name is resolved with the phone's resolver
 * (resolv.c, its cache included) on its own flow; lines wait for the
 * answer in a short queue and are dropped, with one trace line, if the
 * name does not resolve.  The text of every line is also handed to the
 * runtime as an EMU_ACT_SYSLOG action, for traces.  Not here: TCP or TLS
 * syslog, Debug_Server, debug levels.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu-int.h"

/*
 * 16.2 ASSUMPTION: facility local0 (RFC 3164 4.1.1: 16), severity notice
 * for request and success lines, error for failure lines.
 */
#define PHONE_SYSLOG_FACILITY 16
#define PHONE_SYSLOG_NOTICE 5
#define PHONE_SYSLOG_ERR 3

static const char *const phone_syslog_months[12] = { "Jan", "Feb", "Mar", "Apr",
	"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int phone_syslog_server(struct phone *, char **, uint16_t *,
    struct emu_outbox *);
static char *phone_syslog_line(struct phone *, int, const char *, size_t *);
static void phone_syslog_send(struct phone *, uint32_t, uint16_t, const char *,
    size_t, struct emu_outbox *);
static void phone_syslog_pump(struct phone *, emu_time, struct emu_outbox *);

/*
 * Emit the Log_*_Msg parameter id (16.2): its text for the trace and, with
 * a Syslog_Server, the datagram.  An empty message is suppressed (B89).
 */
void
phone_syslog(struct phone *p, struct emu_outbox *out, int id)
{
	struct phone_syslog *sl;
	struct phone_syslog_ent *e;
	const char *fmt = phone_param(p, id);
	char *msg, *host, *line;
	uint16_t port;
	uint32_t addr;
	size_t len;
	int sev;

	/* B89: an empty message is not sent. */
	if (out == NULL || fmt == NULL || *fmt == '\0')
		return;
	msg = macro_expand(fmt, 0, phone_macro_lookup, p); /* B90: $ERR */
	emu_outbox_add(out, EMU_ACT_SYSLOG, msg, strlen(msg));
	if (phone_syslog_server(p, &host, &port, out) != 0) {
		free(msg);
		return;
	}
	sev = strstr(param_table[id].name, "Failure") != NULL
	    ? PHONE_SYSLOG_ERR
	    : PHONE_SYSLOG_NOTICE;
	line = phone_syslog_line(p, sev, msg, &len);
	free(msg);
	if (ipv4_parse(host, &addr) == 0) {
		phone_syslog_send(p, addr, port, line, len, out);
		free(host);
		free(line);
		return;
	}
	if (p->slog == NULL)
		p->slog = xcalloc(1, sizeof *p->slog);
	sl = p->slog;
	if (sl->n == PHONE_SYSLOG_QUEUE) {
		/* A name that takes long to resolve: newest lines go. */
		sl->dropped++;
		phone_log(p, out, TRACE_NET,
		    "syslog: %s: queue full, line "
		    "dropped",
		    host);
		free(host);
		free(line);
		return;
	}
	e = &sl->queue[sl->n++];
	e->host = host;
	e->port = port;
	e->line = line;
	e->len = len;
	phone_syslog_pump(p, p->now, out);
}

/* A datagram on the syslog resolver's flow. */
void
phone_syslog_input(struct phone *p, const struct emu_event *ev, emu_time now,
    struct emu_outbox *out)
{
	struct phone_syslog *sl = p->slog;

	if (sl == NULL || sl->q == NULL || ev->flow != EMU_FLOW_SYSLOG_DNS) {
		phone_log(p, out, TRACE_NET,
		    "syslog: datagram on flow %u "
		    "dropped",
		    ev->flow);
		return;
	}
	if (resolv_input(sl->q, p, ev, now, out) != RESOLV_MORE)
		phone_syslog_pump(p, now, out);
}

void
phone_syslog_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct phone_syslog *sl = p->slog;

	if (sl == NULL || sl->q == NULL || resolv_deadline(sl->q) > now)
		return;
	if (resolv_timer(sl->q, p, now, out) != RESOLV_MORE)
		phone_syslog_pump(p, now, out);
}

emu_time
phone_syslog_deadline(const struct phone *p)
{
	if (p->slog == NULL || p->slog->q == NULL)
		return (EMU_TIME_NEVER);
	return (resolv_deadline(p->slog->q));
}

/* Lines still waiting are RAM: a reboot or power-off drops them. */
void
phone_syslog_free(struct phone *p, struct emu_outbox *out)
{
	struct phone_syslog *sl = p->slog;
	int i;

	if (sl == NULL)
		return;
	resolv_free(sl->q, out);
	for (i = 0; i < sl->n; i++) {
		free(sl->queue[i].host);
		free(sl->queue[i].line);
	}
	free(sl);
	p->slog = NULL;
}

/*
 * Syslog_Server as host and port: 0, or -1 if there is none (empty) or it
 * is malformed (one trace line).  *host is the caller's.
 */
static int
phone_syslog_server(struct phone *p, char **host, uint16_t *port,
    struct emu_outbox *out)
{
	const char *v = phone_get(p, "Syslog_Server");
	const char *colon;
	char *cause = NULL;
	uint64_t n;
	size_t len;

	while (v != NULL && (*v == ' ' || *v == '\t'))
		v++;
	if (v == NULL || *v == '\0')
		return (-1);
	len = strcspn(v, " \t");
	*port = EMU_SYSLOG_PORT;
	if ((colon = memchr(v, ':', len)) != NULL) {
		char *ps = xstrndup(colon + 1, v + len - colon - 1);

		if (parse_uint(ps, 1, 65535, &n, &cause) != 0) {
			phone_log(p, out, TRACE_NET,
			    "syslog: Syslog_Server "
			    "port \"%s\": %s",
			    ps, cause);
			free(cause);
			free(ps);
			return (-1);
		}
		free(ps);
		*port = n;
		len = colon - v;
	}
	if (len == 0 || len > DNS_NAME_MAX) {
		phone_log(p, out, TRACE_NET,
		    "syslog: Syslog_Server has no "
		    "usable host");
		return (-1);
	}
	*host = xstrndup(v, len);
	return (0);
}

/* One RFC 3164 line, at most PHONE_SYSLOG_LINE_MAX bytes (4.1). */
static char *
phone_syslog_line(struct phone *p, int sev, const char *msg, size_t *len)
{
	struct tm tm;
	time_t t;
	const char *ident = phone_get(p, "Syslog_Identifier");
	char *id = NULL, *line;
	int n;

	t = (time_t)(p->ctx->epoch + p->ctx->tz_offset_s +
	    (int64_t)(p->now / 1000000));
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	/* B91: $MAC and the others expanded; "None" (or empty) is none. */
	if (ident != NULL && *ident == '$')
		id = macro_expand(ident, 0, phone_macro_lookup, p);
	/* RFC 3164 4.1.2: "Mmm dd hh:mm:ss", the day padded with a space. */
	n = xasprintf(&line, "<%d>%s %2d %02d:%02d:%02d %s%s%s",
	    PHONE_SYSLOG_FACILITY * 8 + sev,
	    phone_syslog_months[tm.tm_mon >= 0 && tm.tm_mon < 12 ? tm.tm_mon
								 : 0],
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, id != NULL ? id : "",
	    id != NULL && *id != '\0' ? " " : "", msg);
	free(id);
	if ((size_t)n > PHONE_SYSLOG_LINE_MAX) {
		n = PHONE_SYSLOG_LINE_MAX;
		line[n] = '\0';
	}
	*len = n;
	return (line);
}

static void
phone_syslog_send(struct phone *p, uint32_t addr, uint16_t port,
    const char *line, size_t len, struct emu_outbox *out)
{
	struct emu_action *a;

	a = emu_outbox_add(out, EMU_ACT_DGRAM, line, len);
	a->u.dgram.flow = EMU_FLOW_SYSLOG;
	a->u.dgram.src_ip = p->ip;
	a->u.dgram.dst_ip = addr;
	a->u.dgram.src_port = 0;
	a->u.dgram.dst_port = port;
	a->u.dgram.broadcast = 0;
}

/*
 * Resolve the host of the oldest waiting line; once it is answered (or
 * not), send (or drop) every line for that host and go on with the next.
 */
static void
phone_syslog_pump(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct phone_syslog *sl = p->slog;
	struct phone_syslog_ent *e;
	struct resolv_q *q;
	int i, j, dropped;

	while (sl->n > 0) {
		if (sl->q == NULL)
			sl->q = resolv_start(p, EMU_FLOW_SYSLOG_DNS,
			    sl->queue[0].host, DNS_T_A, now, out);
		q = sl->q;
		if (q->rc == RESOLV_MORE)
			return;
		dropped = 0;
		for (i = j = 0; i < sl->n; i++) {
			e = &sl->queue[i];
			if (pf_strcasecmp_ascii(e->host, q->qname) != 0) {
				sl->queue[j++] = *e;
				continue;
			}
			if (q->rc == RESOLV_DONE && q->ans.naddr > 0) {
				phone_syslog_send(p, q->ans.addr[0], e->port,
				    e->line, e->len, out);
			} else
				dropped++;
			free(e->host);
			free(e->line);
		}
		sl->n = j;
		if (dropped != 0) {
			sl->dropped += dropped;
			phone_log(p, out, TRACE_NET,
			    "syslog: %s: %s; %d "
			    "line%s dropped",
			    q->qname,
			    q->detail != NULL ? q->detail : "no address",
			    dropped, dropped == 1 ? "" : "s");
		}
		resolv_free(q, out);
		sl->q = NULL;
	}
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A syslog collector (spec 16.2): every UDP datagram to its port is one
 * line (RFC 3164 2; RFC 5426 3.1), kept with the time it arrived and its
 * source address so that expectations can look for it.  What it keeps is
 * bounded: at most keep lines of at most EP_SYSLOG_LINE_MAX bytes each;
 * lines past the count are dropped and counted, longer ones truncated.
 * NUL and other control bytes are shown as '?', a trailing newline is
 * removed.  It never answers.  Not here: parsing PRI or the header (the
 * line is kept whole), TCP or TLS transport.  Sans-I/O.
 */

#include <stdlib.h>
#include <string.h>

#include "netsim.h"

struct ep_syslog {
	struct ep_syslog_line *line; /* owned, in arrival order */
	size_t n, cap;
	size_t keep;
	struct ep_syslog_stats st;
};

struct ep_syslog *
ep_syslog_create(size_t keep)
{
	struct ep_syslog *l;

	l = xcalloc(1, sizeof *l);
	l->keep = keep == 0 ? EP_SYSLOG_KEEP : keep;
	return (l);
}

void
ep_syslog_free(struct ep_syslog *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->line[i].text);
	free(l->line);
	free(l);
}

void
ep_syslog_input(struct ep_syslog *l, const uint8_t *pkt, size_t len,
    uint32_t src_ip, uint16_t src_port, emu_time now)
{
	struct ep_syslog_line *e;
	size_t i;
	char *t;

	l->st.received++;
	if (l->n >= l->keep) {
		l->st.dropped++;
		return;
	}
	while (len > 0 && (pkt[len - 1] == '\n' || pkt[len - 1] == '\r'))
		len--;
	if (len > EP_SYSLOG_LINE_MAX) {
		len = EP_SYSLOG_LINE_MAX;
		l->st.truncated++;
	}
	t = xmalloc(len + 1);
	for (i = 0; i < len; i++)
		t[i] = pkt[i] < 0x20 || pkt[i] == 0x7f ? '?' : (char)pkt[i];
	t[len] = '\0';
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 16 : l->cap * 2;
		l->line = xreallocarray(l->line, l->cap, sizeof *l->line);
	}
	e = &l->line[l->n++];
	e->now = now;
	e->src_ip = src_ip;
	e->src_port = src_port;
	e->text = t;
}

size_t
ep_syslog_count(const struct ep_syslog *l)
{
	return (l->n);
}

const struct ep_syslog_line *
ep_syslog_line(const struct ep_syslog *l, size_t i)
{
	return (i < l->n ? &l->line[i] : NULL);
}

const struct ep_syslog_stats *
ep_syslog_stats(const struct ep_syslog *l)
{
	return (&l->st);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A phone's histories (spec 2.3, 3.7, 16.1): the last three provisioning
 * results, the last three firmware-upgrade results and the last five
 * reboot reasons, newest first, as the web status pages show them.  They
 * live in flash: a reboot keeps them, a factory reset erases them (2.4,
 * B93).  prov.c adds a PROV entry at every resync outcome, phone.c a
 * REBOOT entry at every boot, the upgrade engine an UPGRADE entry at every
 * attempt.  Times are calendar seconds (UTC) from the run's clock; the
 * entry text (16.1) is in the phone's local time.  Not here: status.xml.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu-int.h"

static const uint8_t phone_hist_max[PHONE_HIST__COUNT] = {
	[PHONE_HIST_PROV] = PHONE_HIST_PROV_MAX,
	[PHONE_HIST_UPGRADE] = PHONE_HIST_UPGRADE_MAX,
	[PHONE_HIST_REBOOT] = PHONE_HIST_REBOOT_MAX,
};

static const char *const phone_hist_names[PHONE_HIST__COUNT] = {
	[PHONE_HIST_PROV] = "prov",
	[PHONE_HIST_UPGRADE] = "upgrade",
	[PHONE_HIST_REBOOT] = "reboot",
};

static void phone_hist_ent_clear(struct phone_hist *);

/*
 * One entry, newest first; the oldest falls out past the kind's maximum
 * (B92: three provisioning results, B93: five reboot reasons).  url and
 * msg are copied (NULL: none); reason is an enum phone_reboot (REBOOT).
 */
void
phone_hist_add(struct phone *p, enum phone_hist_kind k, int ok,
    enum emu_err err, const char *url, const char *msg, int reason)
{
	struct phone_hist *h;
	uint8_t max, n;

	if ((unsigned)k >= PHONE_HIST__COUNT)
		return;
	h = p->hist[k];
	max = phone_hist_max[k];
	n = p->nhist[k];
	if (n == max)
		phone_hist_ent_clear(&h[--n]); /* B92, B93: oldest out */
	memmove(&h[1], &h[0], n * sizeof *h);
	memset(&h[0], 0, sizeof h[0]);
	h[0].when = p->ctx->epoch + (int64_t)(p->now / 1000000);
	h[0].ok = ok != 0;
	h[0].err = err;
	h[0].reason = (unsigned)reason < PHONE_RB__COUNT ? reason : 0;
	h[0].url = url != NULL && *url != '\0' ? xstrdup(url) : NULL;
	h[0].msg = msg != NULL && *msg != '\0' ? xstrdup(msg) : NULL;
	p->nhist[k] = n + 1;
}

/* 2.4, B93: a factory reset erases every history. */
void
phone_hist_clear(struct phone *p)
{
	int k, i;

	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		for (i = 0; i < p->nhist[k]; i++)
			phone_hist_ent_clear(&p->hist[k][i]);
		p->nhist[k] = 0;
	}
}

static void
phone_hist_ent_clear(struct phone_hist *h)
{
	free(h->url);
	free(h->msg);
	memset(h, 0, sizeof *h);
}

size_t
phone_history(const struct phone *p, enum phone_hist_kind k,
    const struct phone_hist **ent)
{
	if ((unsigned)k >= PHONE_HIST__COUNT) {
		*ent = NULL;
		return (0);
	}
	*ent = p->hist[k];
	return (p->nhist[k]);
}

/* "mm/dd/yyyy HH:MM:SS" (16.1) of calendar seconds, in local time. */
const char *
phone_hist_time(const struct phone *p, int64_t when, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)(when + p->ctx->tz_offset_s);

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "--/--/---- --:--:--");
		return (buf);
	}
	snprintf(buf, size, "%02d/%02d/%04d %02d:%02d:%02d", tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return (buf);
}

/*
 * The status page's text of one entry (16.1 ASSUMPTION):
 *	Resync succeeded 01/01/2026 00:00:40 http://10.0.0.5/p.xml
 *	Resync failed 01/01/2026 01:00:40 http://10.0.0.5/p.xml file not found
 *	Upgrade failed <time> <url> <$ERR>
 *	Provisioning 01/01/2026 00:00:41	(REBOOT: reason and time, 3.7)
 * The URL and $ERR are left out when the entry has none.
 */
const char *
phone_hist_format(const struct phone *p, enum phone_hist_kind k,
    const struct phone_hist *e, char *buf, size_t size)
{
	char t[32];
	const char *what;

	phone_hist_time(p, e->when, t, sizeof t);
	if (k == PHONE_HIST_REBOOT) {
		snprintf(buf, size, "%s %s", phone_reboot_name(e->reason), t);
		return (buf);
	}
	if (k == PHONE_HIST_PROV)
		what = e->ok ? "Resync succeeded" : "Resync failed";
	else
		what = e->ok ? "Upgrade succeeded" : "Upgrade failed";
	snprintf(buf, size, "%s %s%s%s%s%s", what, t, e->url != NULL ? " " : "",
	    e->url != NULL ? e->url : "", e->msg != NULL ? " " : "",
	    e->msg != NULL ? e->msg : "");
	return (buf);
}

const char *
phone_hist_kind_name(enum phone_hist_kind k)
{
	if ((unsigned)k >= PHONE_HIST__COUNT)
		return ("?");
	return (phone_hist_names[k]);
}

int
phone_hist_kind_parse(const char *name)
{
	int k;

	for (k = 0; k < PHONE_HIST__COUNT; k++) {
		if (pf_strcasecmp_ascii(name, phone_hist_names[k]) == 0)
			return (k);
	}
	return (-1);
}

/* A reboot reason by its 3.7 name ("Provisioning", "RC"), any case. */
int
phone_reboot_parse(const char *name)
{
	int r;

	for (r = 0; r < PHONE_RB__COUNT; r++) {
		if (pf_strcasecmp_ascii(name, phone_reboot_name(r)) == 0)
			return (r);
	}
	return (-1);
}

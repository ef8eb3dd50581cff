/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The LCD's Status pages (spec 15.4): Product information, Phone status,
 * Provisioning (B122), Status messages and Network status, rendered into
 * a struct lcd_view from the phone's state and histories, and the line
 * helpers every screen draws with (cut to the model's columns, wrapped).
 * lcd.c decides which page is up and what the keys do; this file only
 * writes what a page says.  Not here: the menus, text entry, the web
 * status pages (16.1).
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "emu-int.h"

#define LCD_STATUS_MSG_MAX \
	(PHONE_HIST_PROV_MAX + PHONE_HIST_UPGRADE_MAX)

/* One Status messages entry: a history entry and its kind. */
struct lcd_status_msg {
	enum phone_hist_kind	 kind;
	const struct phone_hist	*e;
};

static void	lcd_status_product(struct phone *, struct lcd_view *);
static void	lcd_status_phone(struct phone *, struct lcd_view *);
static void	lcd_status_provisioning(struct phone *, struct lcd_view *);
static void	lcd_status_messages(struct phone *, struct lcd_view *);
static void	lcd_status_network(struct phone *, struct lcd_view *);
static const char *lcd_status_utc(int64_t, char *, size_t);

void
lcd_status_page(struct phone *p, enum lcd_page pg, struct lcd_view *v)
{
	switch (pg) {
	case LCD_PAGE_PRODUCT:
		lcd_status_product(p, v);
		break;
	case LCD_PAGE_PHONE:
		lcd_status_phone(p, v);
		break;
	case LCD_PAGE_PROVISIONING:
		lcd_status_provisioning(p, v);
		break;
	case LCD_PAGE_MESSAGES:
		lcd_status_messages(p, v);
		break;
	case LCD_PAGE_NETWORK:
		lcd_status_network(p, v);
		break;
	}
}

/* Lines. */

void
lcd_cut(char *dst, size_t cols, const char *src)
{
	size_t	n = strlen(src);

	if (n > cols)
		n = cols;
	memmove(dst, src, n);
	dst[n] = '\0';
}

void
lcd_body(struct lcd_view *v, const char *fmt, ...)
{
	char	buf[LCD_FIELD_MAX + 1];
	va_list	ap;

	if (v->nbody >= LCD_BODY_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	lcd_cut(v->body[v->nbody++], v->geom->cols, buf);
}

/* Broken after the last space that fits, else at the columns. */
void
lcd_wrap(struct lcd_view *v, const char *text)
{
	size_t	n, cols = v->geom->cols;

	while (*text != '\0' && v->nbody < LCD_BODY_MAX) {
		n = strlen(text);
		if (n > cols) {
			for (n = cols; n > 0 && text[n] != ' '; n--)
				;
			if (n == 0)
				n = cols;
		}
		lcd_cut(v->body[v->nbody++], n, text);
		text += n;
		while (*text == ' ')
			text++;
	}
}

void
lcd_kv(struct lcd_view *v, const char *label, const char *value)
{
	char	buf[LCD_FIELD_MAX + 64];

	snprintf(buf, sizeof buf, "%s: %s", label, value);
	lcd_wrap(v, buf);
}

/* Pages. */

/* 15.4 [C7][C8]. */
static void
lcd_status_product(struct phone *p, struct lcd_view *v)
{
	lcd_kv(v, "Product name", p->model);
	lcd_kv(v, "Serial number", p->serial);
	lcd_kv(v, "MAC address", p->macstr);
	lcd_kv(v, "Software version", p->swver);
	lcd_kv(v, "Hardware version", p->hwver);
	lcd_kv(v, "Client certificate", p->no_cert ? "Not Installed" :
	    "Installed");
}

/* 15.4 [C7]: elapsed time since the boot. */
static void
lcd_status_phone(struct phone *p, struct lcd_view *v)
{
	char		buf[32];
	uint64_t	up;

	up = p->now > p->boot_at ? (p->now - p->boot_at) / 1000000 : 0;
	snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu",
	    (unsigned long long)(up / 3600), (unsigned long long)(up / 60 % 60),
	    (unsigned long long)(up % 60));
	lcd_kv(v, "Elapsed time", buf);
	lcd_kv(v, "State", prov_state_name(p->st));
	lcd_kv(v, "Reboot reason", phone_reboot_name(p->status.last_reboot));
}

/* B122: customization state, the rule, the results. */
static void
lcd_status_provisioning(struct phone *p, struct lcd_view *v)
{
	const struct phone_hist	*h;
	char			 buf[256], label[48], when[32];
	const char		*s;
	size_t			 n, i;

	s = cust_state_name(p->cust);
	if (p->cust == CUST_ACQUIRED && p->company != NULL)
		s = p->company;
	lcd_kv(v, "Customization", s);
	lcd_kv(v, "Profile rule", phone_param(p, P_PROFILE_RULE));
	lcd_kv(v, "Provisioning profile", phone_last_url(p));
	n = phone_history(p, PHONE_HIST_PROV, &h);
	if (n == 0)
		lcd_kv(v, "Provisioning status 1", "none");
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof label, "Provisioning status %zu", i + 1);
		phone_hist_time(p, h[i].when, when, sizeof when);
		snprintf(buf, sizeof buf, "%s %s%s%s", h[i].ok ? "Succeeded" :
		    "Failed", when, h[i].ok ? "" : ": ", h[i].ok ? "" :
		    emu_err_name(h[i].err));
		lcd_kv(v, label, buf);
	}
	lcd_kv(v, "Failure reason", phone_last_errmsg(p));
	lcd_kv(v, "Firmware", p->swver);
	n = phone_history(p, PHONE_HIST_UPGRADE, &h);
	if (n > 0)
		phone_hist_format(p, PHONE_HIST_UPGRADE, &h[0], buf,
		    sizeof buf);
	lcd_kv(v, "Last upgrade status", n > 0 ? buf : "none");
}

/*
 * 15.4 [C7]: "log of phone statuses since provisioning was last done, UTC
 * times": the resync and upgrade results of the histories (2.3, 16.1),
 * newest first, from the last successful resync on (all of them while
 * none succeeded).  Each is the 16.1 entry text with its time in UTC.
 */
static void
lcd_status_messages(struct phone *p, struct lcd_view *v)
{
	struct lcd_status_msg	 m[LCD_STATUS_MSG_MAX], t;
	const struct phone_hist	*h;
	char			 buf[LCD_FIELD_MAX + 1], when[32];
	const char		*what;
	int64_t			 since = INT64_MIN;
	size_t			 n = 0, i, j, k;
	enum phone_hist_kind	 kinds[] = { PHONE_HIST_PROV,
	    PHONE_HIST_UPGRADE };

	k = phone_history(p, PHONE_HIST_PROV, &h);
	for (i = 0; i < k; i++) {
		if (h[i].ok) {
			since = h[i].when;	/* provisioning last done */
			break;
		}
	}
	for (j = 0; j < nitems(kinds); j++) {
		k = phone_history(p, kinds[j], &h);
		for (i = 0; i < k && n < nitems(m); i++) {
			if (h[i].when < since)
				break;
			m[n].kind = kinds[j];
			m[n++].e = &h[i];
		}
	}
	/* Newest first; at one second, an upgrade follows its resync. */
	for (i = 1; i < n; i++) {
		for (j = i; j > 0 && (m[j].e->when > m[j - 1].e->when ||
		    (m[j].e->when == m[j - 1].e->when &&
		    m[j].kind == PHONE_HIST_UPGRADE &&
		    m[j - 1].kind == PHONE_HIST_PROV)); j--) {
			t = m[j];
			m[j] = m[j - 1];
			m[j - 1] = t;
		}
	}
	if (n == 0)
		lcd_body(v, "No status messages");
	for (i = 0; i < n; i++) {
		if (m[i].kind == PHONE_HIST_PROV)
			what = m[i].e->ok ? "Resync succeeded" :
			    "Resync failed";
		else
			what = m[i].e->ok ? "Upgrade succeeded" :
			    "Upgrade failed";
		snprintf(buf, sizeof buf, "%s UTC %s%s%s%s%s",
		    lcd_status_utc(m[i].e->when, when, sizeof when), what,
		    m[i].e->url != NULL ? " " : "",
		    m[i].e->url != NULL ? m[i].e->url : "",
		    m[i].e->msg != NULL ? " " : "",
		    m[i].e->msg != NULL ? m[i].e->msg : "");
		lcd_wrap(v, buf);
	}
}

/* 15.4 [C7]: host name SEP<MAC> unless Host_Name, domain cisco.com. */
static void
lcd_status_network(struct phone *p, struct lcd_view *v)
{
	char		 buf[64], ip[16];
	const char	*s;

	lcd_kv(v, "IP address", p->ip != 0 ? ipv4_str(p->ip, ip) : "");
	lcd_kv(v, "Subnet mask", p->mask != 0 ? ipv4_str(p->mask, ip) : "");
	lcd_kv(v, "Default router", p->router != 0 ?
	    ipv4_str(p->router, ip) : "");
	lcd_kv(v, "DNS server 1", p->dns[0] != 0 ?
	    ipv4_str(p->dns[0], ip) : "");
	lcd_kv(v, "DNS server 2", p->dns[1] != 0 ?
	    ipv4_str(p->dns[1], ip) : "");
	lcd_kv(v, "MAC address", p->macstr);
	s = phone_get(p, "Host_Name");
	if (s == NULL || *s == '\0') {
		snprintf(buf, sizeof buf, "SEP%s", p->macstr);
		s = buf;
	}
	lcd_kv(v, "Host name", s);
	lcd_kv(v, "Domain", p->domain != NULL ? p->domain : "cisco.com");
}

/* "mm/dd/yyyy HH:MM:SS" of calendar seconds in UTC (15.4 [C7]). */
static const char *
lcd_status_utc(int64_t when, char *buf, size_t size)
{
	struct tm	tm;
	time_t		t = (time_t)when;

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "--/--/---- --:--:--");
		return (buf);
	}
	snprintf(buf, size, "%02u/%02u/%04u %02u:%02u:%02u",
	    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	    (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)tm.tm_hour % 100u,
	    (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
	return (buf);
}

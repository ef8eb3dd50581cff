/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * What only emu/ files share (STYLE.md 13): struct phone and its
 * sub-machines.  phone.c is the hub: it owns the phone's transfers, routes
 * every event to the one it belongs to by flow id, and hands what a
 * sub-machine answers (a DHCP outcome, a finished transfer) to prov.c.
 * dhcpc.c is the DHCP client, resolv.c the DNS resolver, fetch.c one HTTP,
 * HTTPS or TFTP transfer, prov.c the provisioning and discovery state
 * machines.  Sub-machines never call back up into the hub: they return.
 */

#ifndef PF_EMU_INT_H
#define PF_EMU_INT_H

#include "emu.h"

struct lcd;
struct sip;

/* dhcpc.c */
enum dhcpc_state {
	DHCPC_INIT = 0,
	DHCPC_SELECTING,
	DHCPC_REQUESTING,
	DHCPC_BOUND,
	DHCPC_RENEWING,
	DHCPC_REBINDING
};
/* What a DHCP input or timer means for the phone. */
enum dhcpc_rc {
	DHCPC_RC_NONE = 0,
	DHCPC_RC_BOUND,		/* first ACK of this boot: network is up */
	DHCPC_RC_RENEWED,	/* lease renewed (source re-read) */
	DHCPC_RC_LOST		/* lease expired or NAK: address gone */
};
struct dhcpc {
	enum dhcpc_state state;
	uint32_t	 xid;
	uint32_t	 server_id;
	uint32_t	 offered;
	unsigned	 tries;
	emu_time	 resend_at;	/* retransmission, or NEVER */
	emu_time	 t1, t2, expiry;	/* BOUND: renew, rebind, expire */
	emu_time	 started;	/* first DISCOVER of this attempt */
	emu_time	 boot_discover;	/* first DISCOVER of this boot */
	uint8_t		 discovering;	/* boot_discover is set */
	unsigned	 naks;		/* NAKs since the last bind */
	uint8_t		 bound_once;	/* BOUND reported for this boot */
};

/* resolv.c: the phone's DNS resolver (spec 9.7, 4.3) */
#define RESOLV_ADDRS		8	/* A records kept per name */
#define RESOLV_SRV_MAX		16	/* SRV targets kept per name */
#define RESOLV_CACHE		8	/* answers cached per phone */
#define RESOLV_TTL_MAX_S	300	/* 9.7 ASSUMPTION: cache at most 300 s */
#define RESOLV_CNAME_MAX	8	/* CNAME hops */
#define RESOLV_TIMEOUT_S	5
#define RESOLV_TRIES		2	/* per server */
struct resolv_srv {
	uint16_t	 prio, weight, port;
	char		*target;	/* owned */
};
struct resolv_ans {
	uint16_t	 qtype;		/* DNS_T_A or DNS_T_SRV */
	int		 naddr;
	uint32_t	 addr[RESOLV_ADDRS];
	int		 nsrv;
	struct resolv_srv *srv;		/* owned: nsrv, in the order to try */
	uint32_t	 ttl_s;
};
enum resolv_rc {
	RESOLV_MORE = 0,	/* waiting for an answer */
	RESOLV_DONE,		/* answer available (may be empty: nodata) */
	RESOLV_FAIL		/* no answer, NXDOMAIN or error: see detail */
};
struct resolv_q {
	char		*qname;		/* owned: as asked */
	char		*name;		/* owned: after CNAMEs */
	uint16_t	 qtype;
	uint32_t	 flow;
	uint16_t	 id;
	int		 server, tries, hops;
	int		 bound;		/* a datagram went out on flow */
	enum resolv_rc	 rc;
	emu_time	 deadline;
	struct resolv_ans ans;
	char		*detail;	/* owned: why it failed */
};
struct resolv_cache_ent {
	char		*name;		/* owned, lower case */
	uint16_t	 qtype;
	emu_time	 expires;
	struct resolv_ans ans;
};
struct resolv_cache {
	struct resolv_cache_ent *ent;	/* owned: n, grown to RESOLV_CACHE */
	int		 n;
};
void		 resolv_ans_clear(struct resolv_ans *a);
void		 resolv_ans_copy(struct resolv_ans *dst,
		     const struct resolv_ans *src);
/* Starts a lookup (may be answered at once from the cache). */
struct resolv_q	*resolv_start(struct phone *p, uint32_t flow, const char *name,
		     uint16_t qtype, emu_time now, struct emu_outbox *out);
enum resolv_rc	 resolv_input(struct resolv_q *q, struct phone *p,
		     const struct emu_event *ev, emu_time now,
		     struct emu_outbox *out);
enum resolv_rc	 resolv_timer(struct resolv_q *q, struct phone *p,
		     emu_time now, struct emu_outbox *out);
emu_time	 resolv_deadline(const struct resolv_q *q);
void		 resolv_free(struct resolv_q *q, struct emu_outbox *out);
void		 resolv_cache_free(struct resolv_cache *c);
/* RFC 2782 order as Cisco documents it (4.3, B7): priority, then weight. */
void		 resolv_srv_sort(struct resolv_srv *srv, int n, struct prng *r);

/* fetch.c: one transfer */
#define FETCH_TLS_SESSIONS	4	/* TLS sessions a phone keeps */
struct fetch_req {
	enum emu_xfer_kind kind;
	enum rule_scheme scheme;
	const char	*host;		/* as written, or the SRV domain */
	uint16_t	 port;
	const char	*path;
	const char	*method;	/* NULL: GET */
	const uint8_t	*body;		/* POST body, borrowed for the call */
	size_t		 body_len;
	const char	*content_type;	/* of the body */
	const char	*content_encoding; /* of the body, or NULL */
	const char	*uid, *pwd;	/* rule credentials, or NULL */
	int		 srv;		/* host is a domain: SRV (4.3) */
	int		 srv_auto;	/* discovery: https name, then http */
	int		 no_restrict;	/* cloud hosts: not domain-checked */
	size_t		 max_len;	/* 0: PROFILE_MAX_LEN */
	int		 sink;		/* body counted and hashed (SHA-256),
					   never kept: a firmware image */
};
/* A request to where rule result res points (scheme, host, port, path,
 * its --uid/--pwd); the rest zero. */
void		 fetch_req_rule(struct fetch_req *rq, enum emu_xfer_kind kind,
		     const struct rule_result *res);
#define FETCH_SINK_MAX		((size_t)1 << 31)	/* an image's cap */
#define FETCH_SINK_TOTAL_S	3600	/* a sink transfer's whole time */
struct fetch;
/* Starts a transfer; the hub keeps it in p->fetches. */
struct fetch	*fetch_start(struct phone *p, uint32_t id,
		     const struct fetch_req *rq, emu_time now,
		     struct emu_outbox *out);
/* Each returns 1 when the transfer has just finished. */
int		 fetch_event(struct fetch *fx, struct phone *p,
		     const struct emu_event *ev, emu_time now,
		     struct emu_outbox *out);
int		 fetch_timer(struct fetch *fx, struct phone *p, emu_time now,
		     struct emu_outbox *out);
emu_time	 fetch_deadline(const struct fetch *fx);
uint32_t	 fetch_id(const struct fetch *fx);
enum emu_xfer_kind fetch_kind(const struct fetch *fx);
int		 fetch_is_done(const struct fetch *fx);
enum emu_err	 fetch_err(const struct fetch *fx);
int		 fetch_status(const struct fetch *fx);
const struct dbuf *fetch_body(const struct fetch *fx);
const char	*fetch_url(const struct fetch *fx);	/* final URL */
const char	*fetch_host(const struct fetch *fx);	/* final host */
enum rule_scheme fetch_scheme(const struct fetch *fx);	/* final */
uint16_t	 fetch_port(const struct fetch *fx);
const char	*fetch_path(const struct fetch *fx);
const char	*fetch_servip(const struct fetch *fx);	/* "" if none */
const char	*fetch_detail(const struct fetch *fx);	/* why it failed */
const char	*fetch_content_encoding(const struct fetch *fx);
/* Sink transfers: body bytes received and their SHA-256 (when done). */
uint64_t	 fetch_sink_bytes(const struct fetch *fx);
const uint8_t	*fetch_sink_sha256(const struct fetch *fx);
int		 fetch_srv_none(const struct fetch *fx);	/* no SRV */
void		 fetch_free(struct fetch *fx, struct phone *p,
		     struct emu_outbox *out);
/* RFC 3986 5.2: resolve ref against base (absolute http(s) URL). */
char		*fetch_resolve_url(const char *base, const char *ref);
/* Restricted_Access_Domains (7.4, B111): 1 if host may be used. */
int		 fetch_domain_allowed(const char *list, const char *host);

/* tls.c: the phone's TLS client over memory BIOs (9.6) */
#define TLS_IP_NAMES		4	/* 9.6: cert names resolved */
struct tls;
struct tls	*tls_start(struct phone *p, const char *host, const char *check,
		     uint16_t port, emu_time now, struct dbuf *wire,
		     enum emu_err *err, char **cause);
int		 tls_input(struct tls *t, struct phone *p, const uint8_t *data,
		     size_t len, struct dbuf *wire, struct dbuf *plain);
int		 tls_eof(struct tls *t, struct phone *p, struct dbuf *plain);
int		 tls_write(struct tls *t, const uint8_t *data, size_t len,
		     struct dbuf *wire);
int		 tls_is_established(const struct tls *t);
int		 tls_resumed(const struct tls *t);
const char	*tls_version(const struct tls *t);
enum emu_err	 tls_err(const struct tls *t);
const char	*tls_cause(const struct tls *t);
/*
 * 9.6, IPv4-literal host: once established, the certificate's DNS names
 * (at most TLS_IP_NAMES) of which one must resolve to the host before the
 * request is sent; 0 when nothing is left to check (a name host, or an IP
 * SAN naming the address).  Names are borrowed from t.
 */
int		 tls_ip_names(const struct tls *t);
const char	*tls_ip_name(const struct tls *t, int i);
/* Keeps a clean session in p's cache (p may be NULL: dropped). */
void		 tls_free(struct tls *t, struct phone *p);
int		 tls_name_match(const char *pattern, const char *host);

/* prov.c */
enum fetch_owner {
	FO_RESYNC = 0,		/* a profile rule's file */
	FO_SRV,			/* DNS SRV discovery (4.3) */
	FO_EDOS,		/* EDOS device query (4.4) */
	FO_CODE,		/* EDOS short code (13.2) */
	FO_GDS,			/* GDS activation (13.3) */
	FO_CA,			/* Custom_CA_Rule (16.5) */
	FO_UPGRADE,		/* the .loads, then each image (12) */
	FO_REPORT,		/* Report_Rule's first destination (16.4) */
	FO_REPORT2,		/* and its second */
	FO__COUNT
};

/* upgrade.c */
enum upg_phase {
	UPG_IDLE = 0,
	UPG_WAIT_IDLE,		/* 3.6: waiting for the calls to end */
	UPG_LOADS,		/* fetching the .loads */
	UPG_IMAGE,		/* fetching image upg_img */
	UPG_RETRY		/* failed; t_upgrade is the retry */
};
#define UPGRADE_IMAGES_MAX	16
struct upg_image {
	char		*file;		/* owned: relative to the .loads */
	uint64_t	 size;
	uint8_t		 sha256[32];
	uint8_t		 has_size, has_sha;
};

/* One phone.  Nothing outside emu/ reads these fields. */
struct phone_tls_sess {
	char		*peer;		/* owned: "name:port", or NULL */
	uint8_t		*der;		/* owned: the session */
	size_t		 len;
	emu_time	 expires;
};
struct phone {
	struct emu_ctx	*ctx;		/* borrowed: the fleet outlives it */
	uint8_t		 mac[6];
	char		 macstr[13];	/* upper hex */
	const char	*model;		/* interned */
	const char	*serial;	/* interned */
	const char	*hwver;		/* interned */
	const char	*swver;		/* interned */
	const char	*swver2;	/* interned, may be "" */
	int		 key_group;	/* MIC key pair group, or -1 */
	uint8_t		 no_cert;
	uint8_t		 provisioned;	/* flash (2.3) */
	uint8_t		 ever_ok;	/* flash: a resync has succeeded */
	uint8_t		 powered;
	uint8_t		 cust;		/* enum cust_state, flash */
	uint8_t		 st;		/* enum prov_state */
	uint8_t		 boot_no_resync; /* reboot caused by a resync (T8) */
	uint8_t		 reboot_reason;	/* enum phone_reboot, pending */
	uint8_t		 resync_pending; /* coalesced trigger (3.3, B124) */
	int8_t		 prvst;		/* $PRVST */
	int8_t		 pending_prvst;
	uint8_t		 rule_idx;	/* 0..3 in the running resync */
	uint8_t		 explicit_rule;	/* running resync has one rule */
	uint8_t		 retry_armed;	/* t_resync is the error retry */
	uint8_t		 disc_step;	/* discovery in progress: FO_* + 1 */
	uint8_t		 disc_retry;	/* t_resync re-runs discovery (T12) */
	uint8_t		 ca_state;	/* 0 none, 1 ok, 2 failed */
	uint8_t		 srv_path;	/* discovery: 0 /$PSN.xml, 1 /Cisco/ */
	uint8_t		 trace;		/* its own TRACE_* (phone_set_trace) */
	uint16_t	 periodic_idx;
	uint16_t	 retry_idx;
	uint32_t	 fetch_seq;	/* last transfer id */
	struct pset	 ps;
	struct prng	 rng;
	/* network, from DHCP (RAM) */
	uint32_t	 ip, mask, router;
	uint32_t	 dns[2];
	char		*domain;	/* owned, or NULL */
	char		*dhcp_prov;	/* owned: DHCP provisioning source */
	uint8_t		 dhcp_prov_opt;	/* option it came from */
	uint8_t		 dhcp_prov_url;	/* source is a URL (4.2.4) */
	struct dhcpc	 dhcp;
	struct resolv_cache *rcache;	/* owned, made on first lookup */
	struct phone_tls_sess tls_sess[FETCH_TLS_SESSIONS];
	/* flash: the custom CA (16.5) and the rule it came from */
	uint8_t		*ca_der;	/* owned, or NULL */
	/* the MIC (2.2), issued when a server first asks for it */
	uint8_t		*mic_der;	/* owned, or NULL */
	size_t		 mic_len;
	uint8_t		*mic_key;	/* owned: own key pair (key_group -1) */
	size_t		 mic_key_len;
	size_t		 ca_len;
	char		*ca_rule;	/* owned: Custom_CA_Rule of ca_der */
	char		*company;	/* owned: EDOS company name, or NULL */
	/* timers (each EMU_TIME_NEVER when idle) */
	emu_time	 t_boot;	/* boot delay over (P4) */
	emu_time	 t_resync;	/* periodic, daily or error retry */
	emu_time	 due;		/* prov_timer: the due time of the
					   timer being served (a late runtime
					   runs it after), else 0: what a
					   transfer it starts notes as its
					   start (docs/statistics.md) */
	emu_time	 boot_at;
	emu_time	 last_resync;	/* $PRVTMR base */
	/* transfers in flight, owned; at most one per owner */
	struct fetch	*fx[FO__COUNT];
	/* the resync in progress (P6) */
	char		*pending_rule;	/* owned: explicit rule, or NULL */
	char		*run_rule;	/* owned: explicit rule of this run */
	char		*prev_server;	/* owned: server of the last fetch */
	struct rule_result rr;		/* rule being fetched */
	/* status (RAM, for reports and the LCD) */
	char		*last_url;	/* owned */
	char		*last_errmsg;	/* owned */
	char		*cur_url;	/* owned: URL of the running fetch */
	char		 servip[16];	/* $SERVIP of the running fetch */
	char		*m_scheme;	/* owned: $SCHEME..$PATH after the */
	char		*m_serv;	/* last fetch (9.3: the final URL) */
	uint16_t	 m_port;
	char		*m_path;
	/* histories (2.3, 3.7, 16.1), flash: newest first */
	struct phone_hist hist[PHONE_HIST__COUNT][PHONE_HIST_REBOOT_MAX];
	uint8_t		 nhist[PHONE_HIST__COUNT];
	struct phone_syslog *slog;	/* owned, made on first name (RAM) */

	/* upgrade.c (12), flash: the last attempt */
	char		*upg_rule;	/* owned: Upgrade_Rule text evaluated */
	char		*upg_url;	/* owned: its effective URL, or NULL */
	uint8_t		 upg_ok;	/* that attempt succeeded */
	enum emu_err	 upg_err;	/* and why it failed */
	/* upgrade.c, RAM */
	uint8_t		 upg_phase;	/* enum upg_phase */
	uint8_t		 upgst;		/* $UPGST: 1 first, 2 retry */
	uint8_t		 upg_announce;	/* success to log after the boot */
	uint8_t		 upg_due;	/* the retry timer fired (B97) */
	uint8_t		 upg_scheme;	/* enum rule_scheme */
	uint16_t	 upg_port;
	uint16_t	 upg_retry_idx;
	uint16_t	 upg_img, upg_nimg;
	struct upg_image *upg_images;	/* owned: from the .loads */
	emu_time	 t_upgrade;	/* retry timer */
	emu_time	 upg_at;	/* $UPGTMR base, or NEVER */
	char		*upg_cur;	/* owned: URL (or rule) attempted */
	char		*upg_host;	/* owned */
	char		*upg_path;	/* owned: the .loads */
	char		*upg_dir;	/* owned: its directory, "/.../" */
	char		*upg_target;	/* owned: load name wanted */
	char		*upg_errmsg;	/* owned: $UPGERR */
	char		*upg_uid, *upg_pwd;	/* owned: --uid/--pwd (5.7) */

	/* upload.c (16.4), RAM: index 0 and 1 are Report_Rule's two
	 * destinations (FO_REPORT, FO_REPORT2) */
	emu_time	 rep_t_local;	/* On Local Change: quiet time over */
	emu_time	 rep_t_periodic; /* Periodically: next upload */
	emu_time	 rep_boot;	/* boot_at + 1 of the boot whose
					   restart report is done; 0 none */
	uint8_t		 rep_pending;	/* bit per destination: again when
					   the upload in flight ends */
	uint8_t		 rep_has_base[2];
	uint8_t		 rep_delta[2];	/* the upload in flight is a delta */
	uint8_t		 rep_done[2];	/* status entry: an upload ended */
	enum emu_err	 rep_err[2];	/* and how */
	emu_time	 rep_at[2];	/* and when */
	char		*rep_url[2];	/* owned: and where */
	struct pset	 rep_base[2];	/* what the last delta said */
	struct pset	 rep_sent[2];	/* what the delta in flight says */

	/* calls (3.6) and SIP NOTIFY (16.3) */
	uint8_t		 calls;		/* calls in progress: busy if > 0 */
	uint8_t		 pending_user;	/* the pending resync is the user's
					   (LCD): it does not wait (3.3) */
	emu_time	 busy_since;	/* when the phone last became busy */
	emu_time	 t_forced;	/* a resync postponed by a call runs
					   then, busy or not (3.4 step 2) */
	struct sip	*sip;		/* owned: sip.c state, or NULL */
	struct lcd	*lcd;		/* owned: the screen, made when one
					   is first used (lcd.c), or NULL */

	emu_time	 now;		/* time of the event being handled */
	struct emu_outbox *out;		/* borrowed, during phone_handle only */
	struct phone_status status;
};

/* phone.c (internal) */
void		 phone_log(struct phone *p, struct emu_outbox *out,
		     unsigned cat, const char *fmt, ...)
		     __attribute__((format(printf, 4, 5)));
void		 phone_note(struct phone *p, struct emu_outbox *out,
		     const struct emu_note *n);
void		 phone_note_simple(struct phone *p, struct emu_outbox *out,
		     enum emu_note_kind kind, int arg, enum emu_err err);
void		 phone_syslog(struct phone *p, struct emu_outbox *out, int id);
const char	*phone_macro_lookup(void *arg, const char *name, size_t len,
		     char *tmp, size_t tmpsize);
const char	*phone_param(const struct phone *p, int id);
int		 phone_rule_assign(void *arg, const char *name,
		     const char *value, char **cause);
const char	*phone_param_default(const struct phone *p, int id);
void		 phone_set_id(struct phone *p, int id, const char *value,
		     int local);
char		*phone_user_agent(const struct phone *p);
void		 phone_reboot(struct phone *p, enum phone_reboot why,
		     emu_time now, struct emu_outbox *out);
struct fetch	*phone_fetch_start(struct phone *p, enum fetch_owner owner,
		     const struct fetch_req *rq, emu_time now,
		     struct emu_outbox *out);
struct fetch	*phone_fetch_find(struct phone *p, enum fetch_owner owner);
void		 phone_fetch_cancel(struct phone *p, enum fetch_owner owner,
		     struct emu_outbox *out);
void		 phone_set_cust(struct phone *p, enum cust_state st,
		     struct emu_outbox *out);
/* TLS session cache (9.6): borrowed DER or NULL; store copies. */
const struct phone_tls_sess *phone_tls_session(struct phone *p,
		     const char *peer, emu_time now);
void		 phone_tls_session_store(struct phone *p, const char *peer,
		     const uint8_t *der, size_t len, emu_time expires);
void		 phone_tls_session_drop(struct phone *p, const char *peer);
/* phone-hist.c: one entry at the head of kind k (url, msg copied; reason
 * an enum phone_reboot for REBOOT); a factory reset clears them all. */
void		 phone_hist_add(struct phone *p, enum phone_hist_kind k,
		     int ok, enum emu_err err, const char *url, const char *msg,
		     int reason);
void		 phone_hist_clear(struct phone *p);
/* phone-syslog.c (16.2) */
#define PHONE_SYSLOG_QUEUE	8	/* lines waiting for a name's address */
#define PHONE_SYSLOG_LINE_MAX	1024	/* RFC 3164 4.1 */
struct phone_syslog_ent {
	char		*host;		/* owned: Syslog_Server's host */
	uint16_t	 port;
	char		*line;		/* owned: the datagram */
	size_t		 len;
};
struct phone_syslog {
	struct resolv_q	*q;		/* owned: lookup of queue[0].host */
	struct phone_syslog_ent queue[PHONE_SYSLOG_QUEUE];
	int		 n;
	uint32_t	 dropped;	/* lines never sent */
};
void		 phone_syslog_input(struct phone *p, const struct emu_event *ev,
		     emu_time now, struct emu_outbox *out);
void		 phone_syslog_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
emu_time	 phone_syslog_deadline(const struct phone *p);
void		 phone_syslog_free(struct phone *p, struct emu_outbox *out);
/* 3.6: a call is in progress on some line. */
int		 phone_busy(const struct phone *p);
/* dhcpc.c */
void		 dhcpc_start(struct phone *p, emu_time now,
		     struct emu_outbox *out);
enum dhcpc_rc	 dhcpc_input(struct phone *p, const uint8_t *pkt, size_t len,
		     emu_time now, struct emu_outbox *out);
enum dhcpc_rc	 dhcpc_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
emu_time	 dhcpc_deadline(const struct phone *p);
/* sip.c: SIP NOTIFY remote triggers (16.3); what the hub is to do */
enum sip_rc {
	SIP_RC_NONE = 0,
	SIP_RC_RESYNC,		/* Event: resync (Resync_From_SIP=Yes) */
	SIP_RC_REBOOT,		/* Event: reboot_now (cold) */
	SIP_RC_RESTART,		/* Event: restart_now (warm) */
	SIP_RC_REPORT		/* Event: report (16.4) */
};
void		 sip_listen(struct phone *p, struct emu_outbox *out);
void		 sip_close(struct phone *p, struct emu_outbox *out);
enum sip_rc	 sip_input(struct phone *p, const struct emu_event *ev,
		     emu_time now, struct emu_outbox *out);
void		 sip_free(struct sip *s);
/* lcd.c: what a key asks of the phone (the hub does it) */
enum lcd_rc {
	LCD_RC_NONE = 0,
	LCD_RC_RULE,		/* Profile rule, Resync: lcd_field(0) */
	LCD_RC_ACTIVATE,	/* activation code, Continue: lcd_field(0) */
	LCD_RC_ACCOUNT,		/* Sign in: user lcd_field(0), password (1) */
	LCD_RC_FACTORY_RESET,	/* confirmed, or the power-up keys (B121) */
	LCD_RC_RESTART,
	LCD_RC_BOOT,		/* power-up keys: boot normally */
	LCD_RC_SET,		/* Preferences: lcd_param() = lcd_field(0),
				   a local change (8.5.7) */
	LCD_RC_PASSWORD		/* Set password, Save: User_Password =
				   lcd_field(0), a local change */
};
struct lcd	*lcd_create(struct phone *p);
void		 lcd_free(struct lcd *l);
void		 lcd_reset(struct lcd *l);	/* a boot: the boot screen */
/* 15.8: does holding key at power-up on this model start a sequence? */
int		 lcd_powerup_key(const char *model, int key);
void		 lcd_powerup(struct lcd *l, int key, emu_time now);
enum lcd_rc	 lcd_key(struct phone *p, int key, emu_time now,
		     struct emu_outbox *out);
enum lcd_rc	 lcd_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
emu_time	 lcd_deadline(const struct lcd *l);
/* After every event: render; EMU_ACT_LCD when the screen changed. */
void		 lcd_refresh(struct phone *p, emu_time now,
		     struct emu_outbox *out);
const char	*lcd_field(const struct lcd *l, int i);
int		 lcd_param(const struct lcd *l);	/* LCD_RC_SET's id */
const struct lcd_view *lcd_view(const struct lcd *l);
/* lcd-status.c: the Status pages (15.4) and the lines they are made of */
enum lcd_page {
	LCD_PAGE_PRODUCT = 0,	/* Status > Product information */
	LCD_PAGE_PHONE,		/* Status > Phone status > Phone status */
	LCD_PAGE_PROVISIONING,	/* Status > Phone status > Provisioning */
	LCD_PAGE_MESSAGES,	/* Status > Status messages */
	LCD_PAGE_NETWORK	/* Status > Network status, Network config. */
};
void		 lcd_status_page(struct phone *p, enum lcd_page pg,
		     struct lcd_view *v);
/* src cut to cols characters into dst (LCD_COLS_MAX + 1 bytes) */
void		 lcd_cut(char *dst, size_t cols, const char *src);
/* A body line, cut to the model's columns. */
void		 lcd_body(struct lcd_view *v, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
/* Text over as many body lines as it takes. */
void		 lcd_wrap(struct lcd_view *v, const char *text);
/* "Label: value", wrapped. */
void		 lcd_kv(struct lcd_view *v, const char *label,
		     const char *value);
/* prov.c */
void		 prov_enter(struct phone *p, enum prov_state st, emu_time now,
		     struct emu_outbox *out);
void		 prov_bound(struct phone *p, emu_time now,
		     struct emu_outbox *out);
void		 prov_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
/*
 * A resync trigger (3.3) that waits for idle: postponed while a call is in
 * progress (3.4 step 2).  prov_resync_user is the LCD's, which does not.
 */
void		 prov_resync_request(struct phone *p, int prvst,
		     const char *rule, emu_time now, struct emu_outbox *out);
void		 prov_resync_user(struct phone *p, const char *rule,
		     emu_time now, struct emu_outbox *out);
/* The phone has just become idle (3.6): what waited for it runs. */
void		 prov_idle(struct phone *p, emu_time now,
		     struct emu_outbox *out);
/* A transfer of this owner has finished; prov takes it (and frees it). */
void		 prov_fetch_done(struct phone *p, enum fetch_owner owner,
		     struct fetch *fx, emu_time now, struct emu_outbox *out);
void		 prov_activate(struct phone *p, const char *code, emu_time now,
		     struct emu_outbox *out);
emu_time	 prov_deadline(const struct phone *p);
void		 prov_power_off(struct phone *p, struct emu_outbox *out);
void		 prov_local_change(struct phone *p, int id, emu_time now,
		     struct emu_outbox *out);
void		 prov_factory_reset(struct phone *p);
/* 15.5.5: Profile_Rule was set on the LCD: local change, user resync. */
void		 prov_local_rule(struct phone *p, emu_time now,
		     struct emu_outbox *out);
/* upload.c (16.4): configuration report uploads */
#define REPORT_BODY_FULL	0	/* every parameter (8.8) */
#define REPORT_BODY_DELTA	1	/* changed since the last delta */
#define REPORT_BODY_STATUS	2	/* the status fields of 16.1 */
void		 upload_reset(struct phone *p);	/* frees; RAM at boot */
emu_time	 upload_deadline(const struct phone *p);
void		 upload_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
/* SIP NOTIFY Event: report (16.3): upload to every destination now. */
void		 upload_request(struct phone *p, emu_time now,
		     struct emu_outbox *out);
void		 upload_local_change(struct phone *p, emu_time now,
		     struct emu_outbox *out);
/* An upload of owner FO_REPORT or FO_REPORT2 ended; fx stays the
 * caller's. */
void		 upload_fetch_done(struct phone *p, enum fetch_owner owner,
		     struct fetch *fx, emu_time now, struct emu_outbox *out);
/* A body of kind REPORT_BODY_* appended to out; base: the delta's
 * baseline, NULL for the factory values. */
void		 upload_body(struct phone *p, int kind, const struct pset *base,
		     struct dbuf *out);
/* Report_Rule split into at most max destinations, each allocated. */
int		 upload_dests(const char *rule, char **dest, size_t max);
/* 11.2, 11.3: body encrypted in place as res asks; rq gets the type and
 * encoding.  0, or -1 if it cannot be. */
int		 upload_encrypt(struct phone *p, const struct rule_result *res,
		     struct dbuf *body, struct fetch_req *rq);
/* upgrade.c */
const char	*upgrade_family(const struct phone *p);
int		 upgrade_loads_parse_buf(const uint8_t *buf, size_t len,
		     const char *target, int any, struct upg_image **img,
		     uint16_t *nimg, char **cause);
void		 upgrade_loads_free(struct upg_image *img, uint16_t nimg);
void		 upgrade_check(struct phone *p, const char *why, emu_time now,
		     struct emu_outbox *out);
int		 upgrade_below_limit(struct phone *p, const char *target,
		     struct emu_outbox *out);
void		 upgrade_idle(struct phone *p, emu_time now,
		     struct emu_outbox *out);
void		 upgrade_fetch_done(struct phone *p, struct fetch *fx,
		     emu_time now, struct emu_outbox *out);
void		 upgrade_syslog(struct phone *p, const char *name,
		     struct emu_outbox *out);
emu_time	 upgrade_deadline(const struct phone *p);
void		 upgrade_timer(struct phone *p, emu_time now,
		     struct emu_outbox *out);
void		 upgrade_booted(struct phone *p, emu_time now,
		     struct emu_outbox *out);
void		 upgrade_reset_ram(struct phone *p);
void		 upgrade_clear(struct phone *p);
emu_time	 upgrade_timer_base(const struct phone *p);

#endif /* PF_EMU_INT_H */

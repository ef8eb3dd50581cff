/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * emu/: the phone, sans-I/O.  A phone is a value that takes an event with the
 * current time and appends actions to a caller-owned outbox; it never touches
 * a socket, a clock, a file or a terminal (DESIGN.md, STYLE.md 3).  Shared,
 * read-mostly state of a fleet (string intern table, parameter index, parsed
 * profile cache, TLS contexts and certificate issuers) lives in struct
 * emu_ctx, which outlives its phones.  What only emu/ files share (struct
 * phone and its sub-machines) is in emu/emu-int.h.
 */

#ifndef PF_EMU_H
#define PF_EMU_H

#include <stddef.h>
#include <stdint.h>

#include "../proto/proto.h"

struct emu_ctx;
struct emu_pki;
struct intern;
struct phone;
struct profile;
struct prng;
/* OpenSSL's types, by their struct tags (openssl/types.h). */
struct asn1_string_st;
struct evp_pkey_st;
struct ssl_ctx_st;
struct x509_store_st;

typedef uint64_t emu_time;		/* µs since the run began */
#define EMU_TIME_NEVER	UINT64_MAX
#define EMU_MS(x)	((emu_time)(x) * 1000ULL)
#define EMU_SEC(x)	((emu_time)(x) * 1000000ULL)
/* t + d, saturating at EMU_TIME_NEVER: a sum never wraps. */
#define EMU_TIME_ADD(t, d)						\
	((t) > EMU_TIME_NEVER - (d) ? EMU_TIME_NEVER : (t) + (d))

/* Trace categories (STYLE.md 7). */
#define TRACE_DHCP	0x0001
#define TRACE_DNS	0x0002
#define TRACE_HTTP	0x0004
#define TRACE_TFTP	0x0008
#define TRACE_TLS	0x0010
#define TRACE_PROV	0x0020
#define TRACE_LCD	0x0040
#define TRACE_NET	0x0080
#define TRACE_ALL	0x00ff

/*
 * Error classes: the spec's A/B/C outcomes (9.2) refined by cause.  One enum
 * feeds statistics, reports and the LCD alike.  emu_err_name() is the $ERR
 * text a phone shows (several causes share one), emu_err_cause() a short
 * machine name unique to each.
 */
enum emu_err {
	EMU_OK = 0,		/* A */
	EMU_E_FNF,		/* B: HTTP 404, TFTP error 1 */
	EMU_E_CORRUPT,		/* B: not a profile, bad XML, empty body */
	EMU_E_DECRYPT,		/* B: wrong key, or a plain body with --key */
	EMU_E_HTTP,		/* C: an HTTP status of class C */
	EMU_E_AUTH,		/* C: 401/407 after two retries, or no credentials */
	EMU_E_REDIRECT,		/* C: too many redirects */
	EMU_E_BADREDIRECT,	/* C: Location missing, bad, or another scheme */
	EMU_E_CONNECT,		/* C: refused, unreachable */
	EMU_E_TIMEOUT,		/* C: no answer */
	EMU_E_DNS,		/* C: name did not resolve */
	EMU_E_TLS,		/* C: handshake failed, other reasons */
	EMU_E_TLS_UNTRUSTED,	/* C: chain does not end in a trusted root */
	EMU_E_TLS_EXPIRED,	/* C: a certificate has expired */
	EMU_E_TLS_NOTYET,	/* C: a certificate is not yet valid */
	EMU_E_TLS_NAME,		/* C: certificate does not name the server */
	EMU_E_TLS_CLIENTCERT,	/* C: server wanted a client certificate */
	EMU_E_TLS_VERSION,	/* C: no common protocol version */
	EMU_E_TLS_TRUNCATED,	/* C: connection closed mid-handshake/record */
	EMU_E_TLS_PROTO,	/* C: malformed TLS record or message */
	EMU_E_TLS_TIMEOUT,	/* C: handshake stalled */
	EMU_E_TLS_CHAIN,	/* C: chain too long or too big */
	EMU_E_TRUNCATED,	/* C: transfer cut short */
	EMU_E_PROTO,		/* C: malformed response */
	EMU_E_TFTP,		/* C: TFTP error other than 1 */
	EMU_E_TOOBIG,		/* B: body over the cap (spec 8.6) */
	EMU_E_NOSERVER,		/* C: host-less rule and no DHCP server */
	EMU_E_BADRULE,		/* C: rule does not parse */
	EMU_E_SRVTFTP,		/* C: [--srv] with tftp */
	EMU_E_DISABLED,		/* Provision_Enable=No */
	EMU_E_DOMAIN,		/* C: host not in Restricted_Access_Domains */
	EMU_E_PROXY,		/* C: the proxy refused CONNECT */
	EMU_E_IMAGE,		/* upgrade: load of another family (B99) */
	EMU_E_DOWNGRADE,	/* upgrade: below Downgrade_Rev_Limit (B100) */
	EMU_E_LOADS,		/* B: .loads not understood (12.3) */
	EMU_E_IMAGE_BAD,	/* B: image size or SHA-256 differs */
	EMU_E_UPGRADE_OFF,	/* Upgrade_Enable=No (B102) */
	EMU_E__COUNT
};
enum emu_class {
	EMU_CLASS_NONE = 0,
	EMU_CLASS_A,
	EMU_CLASS_B,
	EMU_CLASS_C
};

/*
 * Flows.  Every datagram socket and stream a phone asks for carries an id
 * the phone chose; the runtime hands it back with every event of that flow
 * and picks the local port itself (DESIGN.md).  The DHCP client's flow is
 * fixed; a transfer's flows are its id shifted left by 8 plus a sub-flow:
 * its DNS lookups, its TFTP socket, and one id per TCP connection it makes
 * (a redirect or an authentication retry opens a new one), so that no two
 * live streams of a phone ever share an id.
 */
#define EMU_FLOW_DHCP		1u
#define EMU_FLOW_SIP		2u	/* SIP: NOTIFY received on 5060 (16.3) */
#define EMU_FLOW_SYSLOG		3u	/* Log_* datagrams to Syslog_Server */
#define EMU_FLOW_SYSLOG_DNS	4u	/* lookups of a Syslog_Server name */
#define EMU_SYSLOG_PORT		514	/* RFC 3164 2: UDP */
#define EMU_FLOW_SUB_DNS	1u
#define EMU_FLOW_SUB_TFTP	2u
#define EMU_FLOW_SUB_STREAM	3u	/* 3..255: stream generations */
#define EMU_FLOW_XFER(flow)	((flow) >> 8)
#define EMU_FLOW_SUB(flow)	((flow) & 0xffu)
#define EMU_FLOW(xfer, sub)	(((uint32_t)(xfer) << 8) | (sub))
#define EMU_XFER_ID_MAX		(UINT32_MAX >> 8)

/* Events a runtime hands to a phone. */
enum emu_ev_type {
	EMU_EV_POWER_ON,	/* flags: EMU_POWER_* ; keys: held key sequence */
	EMU_EV_POWER_OFF,
	EMU_EV_TIMER,		/* now >= phone_deadline() */
	EMU_EV_DGRAM,		/* a UDP datagram on flow */
	EMU_EV_CONNECTED,	/* stream flow is open */
	EMU_EV_DATA,		/* bytes on stream flow (a bounded segment) */
	EMU_EV_CLOSED,		/* peer closed stream flow (EOF) */
	EMU_EV_STREAM_ERROR,	/* refused, reset, unreachable: err */
	EMU_EV_KEY,		/* a key: key (enum emu_key, lcd.c) */
	EMU_EV_RESYNC,		/* explicit resync; text = rule or NULL */
	EMU_EV_FACTORY_RESET,
	EMU_EV_REBOOT,
	EMU_EV_SET_PARAM,	/* local change (LCD/web): name, text */
	EMU_EV_ACTIVATE,	/* activation code typed, Continue: text */
	EMU_EV_CALL		/* flags: EMU_CALL_START or 0 (the call ends) */
};
#define EMU_CALL_START		0x1
#define EMU_RESYNC_LCD		0x1	/* RESYNC: the LCD's, does not wait
					   for idle (3.3); else a remote
					   trigger (/admin/resync) */
#define EMU_POWER_HOLD_KEYS	0x1	/* POWER_ON: key is held (15.8: '#';
					   '0' on a CP-6821) */

/*
 * Keys (EMU_EV_KEY's key; spec 15.1).  The keypad's '0'-'9', '*' and '#'
 * are their own characters, as scenarios have always sent them; the other
 * keys are named.  A character typed into a text field as a convenience
 * (15.1: the terminal's keyboard) is EMU_KEY_CHAR | c, c printable ASCII.
 */
enum emu_key {
	EMU_KEY_SOFT1 = 0x100,	/* softkeys, left to right */
	EMU_KEY_SOFT2,
	EMU_KEY_SOFT3,
	EMU_KEY_SOFT4,
	EMU_KEY_UP,		/* navigation cluster */
	EMU_KEY_DOWN,
	EMU_KEY_LEFT,
	EMU_KEY_RIGHT,
	EMU_KEY_SELECT,
	EMU_KEY_BACK,
	EMU_KEY_APPLICATIONS,	/* "Settings" on older firmware (15) */
	EMU_KEY_POWER_HOLD,	/* power-cycled holding '#' (15.8, B121) */
	EMU_KEY_POWER_HOLD_0,	/* power-cycled holding '0' (15.8: the
				   CP-6821's alternative) */
	EMU_KEY_LINE1 = 0x180,	/* line key n is EMU_KEY_LINE1 + n - 1 */
	EMU_KEY_LINE_LAST = EMU_KEY_LINE1 + 15
};
#define EMU_KEY_CHAR		0x10000
struct emu_event {
	enum emu_ev_type	 type;
	uint32_t		 flow;		/* DGRAM and stream events */
	uint32_t		 src_ip;	/* DGRAM */
	uint16_t		 src_port;
	const uint8_t		*data;		/* borrowed for the call */
	size_t			 len;
	enum emu_err		 err;		/* STREAM_ERROR */
	int			 key;		/* KEY */
	unsigned		 flags;		/* POWER_ON */
	const char		*name;		/* SET_PARAM */
	const char		*text;		/* SET_PARAM value, RESYNC rule,
						   ACTIVATE code */
};

/* Actions a phone asks its runtime to carry out, in order. */
enum emu_act_type {
	EMU_ACT_DGRAM,		/* send a UDP datagram on a flow */
	EMU_ACT_UNBIND,		/* a datagram flow is done: free its port */
	EMU_ACT_OPEN,		/* open a TCP stream */
	EMU_ACT_SEND,		/* write bytes on a stream */
	EMU_ACT_CLOSE,		/* close a stream (no more events for it) */
	EMU_ACT_LOG,		/* a trace line: text */
	EMU_ACT_SYSLOG,		/* a Log_*_Msg line for Syslog_Server: text */
	EMU_ACT_NOTE,		/* statistics: a struct emu_note */
	EMU_ACT_LISTEN,		/* receive datagrams to a fixed local port
				   on a flow (SIP, 16.3) until UNBIND */
	EMU_ACT_LCD		/* the screen changed: read phone_lcd() */
};
struct emu_act_dgram {
	uint32_t		 flow;
	uint32_t		 src_ip;	/* 0 before DHCP */
	uint32_t		 dst_ip;
	uint16_t		 src_port;	/* 0: the runtime picks one */
	uint16_t		 dst_port;
	int			 broadcast;	/* to 255.255.255.255 */
};
struct emu_act_listen {
	uint32_t		 flow;
	uint16_t		 port;
};
struct emu_act_open {
	uint32_t		 flow;
	uint32_t		 dst_ip;
	uint16_t		 dst_port;
};

/*
 * Notes are the statistics stream (DESIGN.md): fleet/ builds every counter,
 * histogram and time series from them and never polls a phone.
 */
enum emu_note_kind {
	EMU_NOTE_STATE,		/* arg: the new enum prov_state */
	EMU_NOTE_BOOT,		/* a boot began; arg: enum phone_reboot */
	EMU_NOTE_DHCP_BOUND,	/* first ACK of a boot */
	EMU_NOTE_XFER,		/* a transfer ended: xfer fields, err */
	EMU_NOTE_RESYNC,	/* a resync reached an outcome: arg class, err */
	EMU_NOTE_CUST,		/* customization changed; arg: enum cust_state */
	EMU_NOTE_ACTIVATION,	/* activation screen; arg: enum phone_act */
	EMU_NOTE_UPGRADE,	/* an upgrade attempt ended: arg class, err */
	EMU_NOTE_REPORT,	/* a report upload ended: arg class, err */
	EMU_NOTE_CALL		/* arg: 1 a call began, 0 the phone is idle */
};
enum emu_xfer_kind {
	EMU_XFER_PROFILE = 0,	/* a resync's file */
	EMU_XFER_EDOS,		/* remote customization query (13.1) */
	EMU_XFER_CODE,		/* short activation code (13.2) */
	EMU_XFER_GDS,		/* activation code (13.3) */
	EMU_XFER_CA,		/* Custom_CA_Rule (16.5) */
	EMU_XFER_LOADS,		/* an upgrade's .loads file (12.3) */
	EMU_XFER_IMAGE,		/* an image a .loads names */
	EMU_XFER_REPORT,	/* a configuration report upload (16.4) */
	EMU_XFER__COUNT
};
/*
 * Where a transfer was when it ended (EMU_NOTE_XFER's phase): the step
 * that failed when err is not EMU_OK (docs/statistics.md).
 */
enum emu_xfer_phase {
	EMU_PH_START = 0,	/* before any lookup (a refused domain) */
	EMU_PH_DNS,		/* resolving the host, an SRV name, a proxy */
	EMU_PH_CONNECT,		/* TCP connect, a proxy's CONNECT */
	EMU_PH_TLS,		/* handshake, 9.6 name check */
	EMU_PH_WAIT,		/* request sent, no response byte yet */
	EMU_PH_BODY		/* the response was coming */
};
struct emu_note {
	enum emu_note_kind	 kind;
	int			 arg;
	enum emu_err		 err;
	/* EMU_NOTE_XFER */
	uint32_t		 xfer;		/* transfer id, per phone */
	uint8_t			 xkind;		/* enum emu_xfer_kind */
	uint8_t			 scheme;	/* enum rule_scheme */
	uint8_t			 tls;		/* 1 full handshake, 2 resumed */
	uint8_t			 phase;		/* enum emu_xfer_phase */
	int			 status;	/* last HTTP status / TFTP code */
	uint32_t		 requests;	/* HTTP requests, TFTP RRQs */
	uint64_t		 bytes_in;	/* from the wire */
	uint64_t		 bytes_out;
	/*
	 * XFER: start is when the phone meant to begin (a timer's due time,
	 * not when a late runtime ran it: no coordinated omission), end when
	 * it ended.  The steps' times are those of the transfer's first
	 * lookup, connection and response; 0: the step did not happen.
	 * DHCP_BOUND: start is the boot's first DISCOVER, end its ACK.
	 */
	emu_time		 start, end;
	emu_time		 dns_done;	/* the name resolved */
	emu_time		 connected;	/* TCP stream up */
	emu_time		 tls_done;	/* handshake finished */
	emu_time		 first_byte;	/* of a response, a TFTP DATA */
};
struct emu_action {
	enum emu_act_type	 type;
	size_t			 off, len;	/* payload in the outbox arena */
	union {
		struct emu_act_dgram	 dgram;		/* DGRAM */
		struct emu_act_open	 open;		/* OPEN */
		struct emu_act_listen	 listen;	/* LISTEN */
		uint32_t		 flow;		/* UNBIND SEND CLOSE */
		unsigned		 cat;		/* LOG: TRACE_* */
		struct emu_note		 note;		/* NOTE */
	} u;
};
struct emu_outbox {
	struct emu_action	*act;
	size_t			 n, cap;
	struct dbuf		 arena;		/* payloads; see emu_act_data() */
};

/* Counters folded from notes (emu_stats_add); fleet/ keeps one per phone. */
struct emu_stats {
	uint32_t	 boots;
	uint32_t	 reboots;	/* boots that were not a power-on */
	uint32_t	 dhcp_acks;
	uint32_t	 resyncs;	/* attempts that reached an outcome */
	uint32_t	 resync_ok;	/* A */
	uint32_t	 resync_fail;	/* B or C */
	uint32_t	 fetches;	/* resync files requested */
	uint32_t	 requests;	/* HTTP requests incl. redirects/auth */
	uint32_t	 xfers[EMU_XFER__COUNT];	/* transfers by kind */
	uint32_t	 xfer_fail[EMU_XFER__COUNT];
	uint32_t	 upgrades;	/* upgrade attempts that ended */
	uint32_t	 upgrade_ok, upgrade_fail;
	uint32_t	 tls_full;	/* handshakes */
	uint32_t	 tls_resumed;
	uint64_t	 bytes_in, bytes_out;
};

/* Provisioning states (spec 3.1). */
enum prov_state {
	PROV_OFF = 0,		/* P0 */
	PROV_BOOT,		/* P1 */
	PROV_NETWORK,		/* P2: DHCP */
	PROV_BOOT_DELAY,	/* P4 (P3 TIME is folded in: non-blocking) */
	PROV_DISCOVERY,		/* P5 */
	PROV_RESYNC,		/* P6 */
	PROV_UPGRADE_CHECK,	/* P7 */
	PROV_UPGRADING,		/* P8 */
	PROV_OPERATIONAL,	/* P9 */
	PROV_REBOOTING,		/* P10 */
	PROV_ACTIVATION,	/* P11 */
	PROV_FACTORY_RESET,	/* P12 */
	PROV__COUNT
};
enum cust_state {
	CUST_OPEN = 0,
	CUST_ABORTED,
	CUST_PENDING,
	CUST_CUSTOM_PENDING,
	CUST_ACQUIRED,
	CUST_UNAVAILABLE,
	CUST__COUNT
};
/* Reboot reasons (spec 3.7). */
enum phone_reboot {
	PHONE_RB_POWER = 0,	/* Power Cycled (cold power-on) */
	PHONE_RB_USER,		/* User Triggered */
	PHONE_RB_PROVISIONING,	/* Provisioning */
	PHONE_RB_RC,		/* RC (remote customization) */
	PHONE_RB_UPGRADE,	/* Upgrade */
	PHONE_RB_SIP,		/* SIP Triggered */
	PHONE_RB_IP,		/* IP Changed */
	PHONE_RB_FACTORY,	/* Factory Reset */
	PHONE_RB__COUNT
};
/* The activation-code screen (spec 15.6). */
enum phone_act {
	PHONE_ACT_HIDDEN = 0,
	PHONE_ACT_SHOWN,	/* waiting for a code */
	PHONE_ACT_BUSY,		/* "Activating..." */
	PHONE_ACT_INVALID,	/* "Invalid activation code", still shown */
	PHONE_ACT_FAILED,	/* "Activation failed", still shown */
	PHONE_ACT_OK,		/* accepted, screen left */
	PHONE_ACT__COUNT
};

/*
 * Histories (spec 2.3, 3.7, 16.1), kept in flash, newest first: the last
 * three provisioning and firmware-upgrade results and the last five
 * reboot reasons.  Factory reset clears them (2.4, B93).
 */
#define PHONE_HIST_PROV_MAX	3
#define PHONE_HIST_UPGRADE_MAX	3
#define PHONE_HIST_REBOOT_MAX	5
enum phone_hist_kind {
	PHONE_HIST_PROV = 0,
	PHONE_HIST_UPGRADE,
	PHONE_HIST_REBOOT,
	PHONE_HIST__COUNT
};
struct phone_hist {
	int64_t		 when;		/* calendar seconds (UTC) */
	uint8_t		 ok;		/* PROV, UPGRADE: succeeded */
	uint8_t		 reason;	/* REBOOT: enum phone_reboot */
	enum emu_err	 err;		/* PROV, UPGRADE: why it failed */
	char		*url;		/* owned: PROV, UPGRADE, or NULL */
	char		*msg;		/* owned: the $ERR text, or NULL */
};

/* emu.c: the fleet-wide context, outbox, names */
/*
 * How a phone checks a downloaded firmware image (12.3): SHA-256 and
 * size, as a real phone does (the default), or the size only, a
 * benchmark aid that leaves out the hashing's CPU time.
 */
enum emu_verify {
	EMU_VERIFY_SHA256 = 0,
	EMU_VERIFY_SIZE
};
struct emu_ctx {
	struct intern	*intern;	/* owned */
	struct hmap	 param_index;	/* name -> param id + 1 */
	struct hmap	 profile_cache;	/* content hash -> struct profile */
	size_t		 profile_cache_n;
	size_t		 profile_cache_bytes;	/* bodies kept by the cache */
	unsigned	 trace;		/* TRACE_* enabled */
	uint64_t	 seed;
	int64_t		 epoch;		/* Unix seconds (UTC) at time 0 */
	int32_t		 tz_offset_s;	/* phones' local time - UTC */
	int		 permissive;	/* store unknown profile names too */
	struct emu_pki	*pki;		/* owned: trust and MICs, or NULL */
	int		 cloud_http;	/* EDOS and GDS over http:80, not
					   https:443 (tests, plain servers) */
	int		 loads_any;	/* 12.3: accept any non-empty .loads
					   (a real Cisco one) */
	enum emu_verify	 image_verify;	/* default EMU_VERIFY_SHA256 */
};
struct emu_ctx	*emu_ctx_create(uint64_t seed);
void		 emu_ctx_free(struct emu_ctx *ctx);
void		 emu_outbox_init(struct emu_outbox *out);
void		 emu_outbox_clear(struct emu_outbox *out);	/* empties */
void		 emu_outbox_free(struct emu_outbox *out);
struct emu_action *emu_outbox_add(struct emu_outbox *out,
		     enum emu_act_type type, const void *data, size_t len);
const uint8_t	*emu_act_data(const struct emu_outbox *out,
		     const struct emu_action *a);
const char	*emu_err_name(enum emu_err e);	/* the $ERR text */
const char	*emu_err_cause(enum emu_err e);	/* "tls-expired" */
int		 emu_err_parse_cause(const char *name);	/* -1 unknown */
enum emu_class	 emu_err_class(enum emu_err e);
const char	*emu_class_name(enum emu_class c);	/* "A" "B" "C" "-" */
const char	*emu_xfer_kind_name(enum emu_xfer_kind k);
const char	*prov_state_name(enum prov_state st);
int		 prov_state_parse(const char *name);	/* -1 unknown */
const char	*cust_state_name(enum cust_state st);
int		 cust_state_parse(const char *name);
const char	*phone_reboot_name(enum phone_reboot r);
const char	*phone_act_name(enum phone_act a);
int		 phone_act_parse(const char *name);
void		 emu_stats_add(struct emu_stats *st, const struct emu_note *n);

/* pki.c: the run's certificates: CAs, servers, MICs (9.6, 2.2) */
#define PKI_CA_ROOT		0	/* "Cisco root": trusted by every phone */
#define PKI_CA_MIC		1	/* manufacturing CA: issues the MICs */
#define PKI_ISSUER_SELF		(-1)	/* pki_server_cert: self-signed */
#define PKI_SAN_MAX		16	/* DNS names in one certificate */
#define PKI_CA_PEM_MAX		(64 * 1024)	/* a Custom_CA_Rule file */
#define PKI_CA_DER_MAX		(16 * 1024)	/* the certificate in it */
enum pki_key {
	PKI_KEY_ECDSA_P256 = 0,
	PKI_KEY_RSA_2048
};
/* What a MIC's subject says (2.2): CN=<MA>, OU=<PN>, L=<MAC>, ST=<SN>. */
struct pki_mic_id {
	const char	*ma;		/* 12 lower-case hex digits */
	const char	*pn;		/* product name */
	const char	*mac;		/* lower case, with colons */
	const char	*sn;		/* serial number, may be "" */
};
/* epoch_now: calendar seconds at virtual time 0 (emu_ctx epoch). */
struct emu_pki	*pki_create(uint64_t seed, int64_t epoch_now);
void		 pki_free(struct emu_pki *k);
int64_t		 pki_epoch(const struct emu_pki *k);
/* A provider CA, trusted only through Custom_CA_Rule; its handle or -1. */
int		 pki_ca_add(struct emu_pki *k, const char *name,
		     enum pki_key type, char **cause);
const char	*pki_ca_pem(struct emu_pki *k, int ca);	/* borrowed */
/*
 * A server certificate: n DNS names (subjectAltName), cn or NULL, issued
 * by CA handle issuer or PKI_ISSUER_SELF, valid from not_before to
 * not_after (calendar seconds).  Returns its handle, or -1 with *cause.
 */
int		 pki_server_cert(struct emu_pki *k, const char *name_for_handle,
		     const char *const *dns_names, int n, const char *cn,
		     int issuer, enum pki_key type, int64_t not_before,
		     int64_t not_after, char **cause);
int		 pki_server_find(const struct emu_pki *k, const char *name);
/* Install certificate h and its key in a server SSL_CTX. */
int		 pki_server_use(struct emu_pki *k, int h,
		     struct ssl_ctx_st *sctx, char **cause);
/* A server SSL_CTX accepts client certificates issued by the MIC CA. */
/* Server certificate h and its private key as PEM (owned by the caller),
 * for a real server to present (phonefleet pki export); -1: no such h. */
int		 pki_server_pem(struct emu_pki *k, int h, char **cert,
		     char **key);
int		 pki_mic_trust(struct emu_pki *k, struct ssl_ctx_st *sctx);
/*
 * Issue a MIC at calendar time now.  key_group >= 0 shares that group's
 * key pair (see pki_group_key); -1 makes a key pair for this MIC only and
 * returns its private key as DER in *key_der.  *der (and *key_der) are
 * the caller's.  0, or -1 with *cause.
 */
int		 pki_mic_issue(struct emu_pki *k, const struct pki_mic_id *id,
		     int key_group, int64_t now, uint8_t **der, size_t *len,
		     uint8_t **key_der, size_t *key_len, char **cause);
struct evp_pkey_st *pki_group_key(struct emu_pki *k, int group); /* borrowed */
uint64_t	 pki_mic_count(const struct emu_pki *k);
/* Root (+ custom CA DER): a store reference the caller frees, or NULL. */
struct x509_store_st *pki_trust(struct emu_pki *k, const uint8_t *ca_der,
		     size_t ca_len);
struct ssl_ctx_st *pki_client_ctx(struct emu_pki *k);	/* borrowed */
/* Custom_CA_Rule (16.5): PEM (or DER) file -> certificate DER. */
int		 pki_ca_parse(const uint8_t *data, size_t len, uint8_t **der,
		     size_t *dlen, char **cause);
const char	*pki_time_str(const struct asn1_string_st *t, char *buf,
		     size_t size);

/* prng.c: per-phone deterministic randomness (splitmix64) */
struct prng {
	uint64_t	 s;
};
void		 prng_seed(struct prng *r, uint64_t seed, const uint8_t mac[6]);
uint64_t	 prng_next(struct prng *r);
uint64_t	 prng_range(struct prng *r, uint64_t n);	/* [0, n] */

/* intern.c: fleet-wide string intern table */
struct intern	*intern_create(void);
void		 intern_free(struct intern *in);
/*
 * Same content, same pointer.  The caller holds one reference, dropped
 * with intern_unref(); an unreferenced string stays valid until the next
 * intern_collect() (or intern_free()).
 */
const char	*intern_str(struct intern *in, const char *s);
const char	*intern_mem(struct intern *in, const char *s, size_t len);
const char	*intern_ref(const char *s);	/* +1, returns s; NULL ok */
void		 intern_unref(const char *s);	/* NULL ok */
/* Frees unreferenced strings when worth it; no borrowed pointer may live. */
void		 intern_collect(struct intern *in);
size_t		 intern_count(const struct intern *in);	/* garbage included */
size_t		 intern_bytes(const struct intern *in);

/* param.c: the parameter schema (spec 7), one const table */
enum param_type {
	PT_STR,		/* free text */
	PT_BOOL,	/* Yes/No, compared case-insensitively */
	PT_UINT,	/* decimal in [min, max] */
	PT_CHOICE,	/* one of choices, "|"-separated, case-insensitive */
	PT_SCHED,	/* schedule, spec 3.5 */
	PT_RULE,	/* profile rule, spec 5 */
	PT_COND,	/* trigger condition */
	PT_HHMM,	/* Resync_At__HHmm_ */
	PT_MSG		/* log message with macros */
};
enum param_ua {
	UA_RW = 0,
	UA_RO,
	UA_NA
};
#define PARAM_SECRET	0x01	/* never in reports, logs or LCD */
#define PARAM_REBOOT	0x02	/* change needs a reboot (spec 8.5.6) */
#define PARAM_STATUS	0x04	/* read-only status field */
#define PARAM_FWDEF	0x08	/* default depends on the running load (18) */
#define PARAM_CATALOGUE	0x10	/* from data/mpp-parameters.tsv: a real MPP
				   parameter, stored and reported, no
				   behaviour behind it */
/* struct param_def families: where the catalogue saw the name */
#define PARAM_FAM_68	0x01
#define PARAM_FAM_78	0x02
#define PARAM_FAM_88	0x04
#define PARAM_FAM_98	0x08
struct param_def {
	const char	*name;		/* XML element name */
	enum param_type	 type;
	const char	*def;		/* default value as text */
	uint32_t	 min, max;	/* PT_UINT */
	const char	*choices;	/* PT_CHOICE: "A|B|C" */
	unsigned	 flags;
	const char	*alias;		/* second accepted spelling or NULL */
	const char	*doc;		/* catalogue: the web page path */
	unsigned	 families;	/* PARAM_FAM_*; 0: phonefleet's own */
};
/*
 * Parameters the phone's logic reads, by id: the first entries of
 * param_table, in this order.  Everything after P__FIXED is looked up by name.
 * The table ends with the whole catalogue (PARAM_CATALOGUE); an entry there
 * whose name a typed entry already has is shadowed: param_find() never
 * returns it (param_is_shadowed()).
 */
enum param_id {
	P_PROVISION_ENABLE,
	P_RESYNC_ON_RESET,
	P_RESYNC_RANDOM_DELAY,
	P_RESYNC_AT,
	P_RESYNC_AT_RANDOM_DELAY,
	P_RESYNC_PERIODIC,
	P_RESYNC_ERROR_RETRY_DELAY,
	P_FORCED_RESYNC_DELAY,
	P_RESYNC_FROM_SIP,
	P_RESYNC_AFTER_UPGRADE_ATTEMPT,
	P_RESYNC_TRIGGER_1,
	P_RESYNC_TRIGGER_2,
	P_USER_CONFIGURABLE_RESYNC,
	P_RESYNC_FAILS_ON_FNF,
	P_PROFILE_AUTHENTICATION_TYPE,
	P_PROFILE_RULE,
	P_PROFILE_RULE_B,
	P_PROFILE_RULE_C,
	P_PROFILE_RULE_D,
	P_DHCP_OPTION_TO_USE,
	P_DHCPV6_OPTION_TO_USE,
	P_LOG_REQUEST_MSG,
	P_LOG_SUCCESS_MSG,
	P_LOG_FAILURE_MSG,
	P_UPGRADE_ENABLE,
	P_UPGRADE_ERROR_RETRY_DELAY,
	P_UPGRADE_RULE,
	P_HTTP_USER_AGENT_NAME,
	P_GPP_A,	/* GPP_A .. GPP_P are consecutive */
	P_GPP_P = P_GPP_A + 15,
	P_GPP_SA,	/* GPP_SA .. GPP_SD are consecutive */
	P_GPP_SD = P_GPP_SA + 3,
	P_ENABLE_TR069,
	P_PROFILE_ACCOUNT_USER,	/* LCD "Profile account setup" (derived names) */
	P_PROFILE_ACCOUNT_PASSWORD,
	P_PROXY_USERNAME,
	P_PROXY_PASSWORD,
	P__FIXED
};
extern const struct param_def	param_table[];
extern const size_t		param_count;
void		 param_index_build(struct hmap *index);	/* emu_ctx_create() */
int		 param_find(const struct emu_ctx *ctx, const char *name);
int		 param_is_shadowed(const struct emu_ctx *ctx, int id);
/*
 * profile check: up to max known names close to an unknown one (case,
 * "-", spaces or a missing "_", or a typo), best first.  Returns how many.
 */
size_t		 param_suggest(const struct emu_ctx *ctx, const char *name,
		     const char **out, size_t max);
/* 0 ok; -1 with *cause ("\"1h\" is not a number") for a bad typed value. */
int		 param_validate(int id, const char *value, char **cause);
int		 param_is_true(const char *value);	/* Yes/yes/true/1 */
/* The factory value on a load whose version is major.minor (spec 18). */
const char	*param_default(int id, unsigned major, unsigned minor);

/* pset.c: one phone's values: schema defaults + sparse sorted overrides */
#define PSET_VALUE	0x01	/* value overridden (else only ua) */
#define PSET_LOCAL	0x02	/* last set from LCD/web (spec 8.5.7) */
struct pset_ent {
	uint16_t	 id;
	uint8_t		 ua;		/* enum param_ua */
	uint8_t		 flags;		/* PSET_* */
	const char	*val;		/* interned: one reference held */
};
struct pset {
	struct pset_ent	*ent;		/* owned, sorted by id */
	uint16_t	 n, cap;
};
void		 pset_init(struct pset *ps);
void		 pset_clear(struct pset *ps);	/* frees; back to defaults */
const char	*pset_get(const struct pset *ps, int id);
enum param_ua	 pset_ua(const struct pset *ps, int id);
int		 pset_is_local(const struct pset *ps, int id);
/* val must be interned (intern_str); the set takes its own reference */
void		 pset_set(struct pset *ps, int id, const char *val, int local);
void		 pset_set_ua(struct pset *ps, int id, enum param_ua ua);

/* sched.c: schedule syntax (spec 3.5) */
#define SCHED_MAX	64	/* elements kept */
/*
 * Delay in seconds for element idx (the last repeats): seconds + rand(0,
 * extra).  0 means disabled.  -1 with *cause if spec is malformed.
 */
int		 sched_delay(const char *spec, unsigned idx, struct prng *r,
		     uint32_t *delay_s, char **cause);
int		 sched_valid(const char *spec, char **cause);

/* profile.c: the flat-profile parser (spec 8) and its cache */
#define PROFILE_MAX_LEN		(4 * 1024 * 1024)	/* spec 8.6 */
#define PROFILE_MAX_ENTS	20000
#define PROFILE_CACHE_MAX	4096	/* distinct parsed bodies kept */
#define PROFILE_CACHE_BYTES	(64 * 1024 * 1024)	/* and their bytes */
struct profile_ent {
	int32_t		 id;		/* param id, or -1 unknown (permissive) */
	uint32_t	 line;
	const char	*name;		/* interned (a ref): element name (or alias target) */
	const char	*value;		/* interned (a ref); NULL: keep value (8.2 r4) */
	int8_t		 ua;		/* enum param_ua, or -1 absent */
	uint8_t		 preserve;	/* preserve-value="y" */
};
struct profile_note {
	uint32_t	 line;
	char		*name;		/* owned */
	char		*reason;	/* owned: "unknown parameter", cause */
	int		 rejected;	/* known parameter, value not applied */
};
struct profile {
	int			 refs;
	uint64_t		 hash;
	uint8_t			*body;	/* owned copy, for the cache key */
	size_t			 len;
	struct profile_ent	*ent;	/* owned; in document order */
	size_t			 n;
	struct profile_note	*rej;	/* owned; ignored or rejected */
	size_t			 nrej;
};
/*
 * Parse a decoded (decrypted, inflated) body.  alias is the --alias map from
 * GPP_x or NULL.  Returns 0, or -1 with *cause "line N: ..." (outcome B).
 */
int		 profile_parse(struct emu_ctx *ctx, const uint8_t *buf,
		     size_t len, const char *alias, struct profile **out,
		     char **cause);
/* Same, through the cache; the result holds a reference. */
int		 profile_get(struct emu_ctx *ctx, const uint8_t *buf,
		     size_t len, const char *alias, struct profile **out,
		     char **cause);
void		 profile_unref(struct profile *pr);
/* "profile check": every applied and rejected line, as text. */
void		 profile_check_report(struct emu_ctx *ctx, const char *file,
		     const struct profile *pr, struct dbuf *out);

/* decode.c: body decoding, spec 11 (AES-256-CBC, RFC 8188, gzip) */
#define DECODE_MD_SHA256	0	/* EVP_BytesToKey digest (11.2) */
#define DECODE_MD_MD5		1
#define DECODE_GCM_RS_DEFAULT	4096	/* RFC 8188 2.1 */
#define DECODE_IKM_MAX		64	/* bytes of IKM_HTTP_Encrypt_Content */
struct decode_in {
	const uint8_t	*data;
	size_t		 len;
	const char	*content_encoding; /* HTTP Content-Encoding or NULL */
	const char	*key;	/* --key pass phrase or NULL */
	const char	*ikm;	/* IKM_HTTP_Encrypt_Content text or NULL/"" */
	size_t		 max_len; /* output cap (0: PROFILE_MAX_LEN): gzip bombs */
};
/*
 * 11: decrypt (aes128gcm per header and IKM, else AES-256-CBC with --key:
 * SHA-256 then MD5 derivation), then inflate if gzip magic.  Returns
 * EMU_OK, EMU_E_DECRYPT, EMU_E_CORRUPT or EMU_E_TOOBIG; on error *cause is
 * a one-line reason (caller frees).  out receives the plain body
 * (NUL-terminated beyond len).
 */
/* gzip magic -> inflated copy in *out, at most max bytes: 0 not gzip,
 * 1 ok, -1 bad data, -2 over max; *cause "gzip: ..." */
int		 decode_inflate(const uint8_t *buf, size_t len, size_t max,
		     struct dbuf *out, char **cause);
enum emu_err	 decode_body(const struct decode_in *in, struct dbuf *out,
		     char **cause);
/* The rest return 0, or -1 with *cause; out is replaced. */
/* openssl enc -d -aes-256-cbc -k key [-md sha256|md5]: "Salted__" files */
int		 decode_cbc_decrypt(const uint8_t *in, size_t len,
		     const char *key, int md, struct dbuf *out, char **cause);
/* openssl enc -aes-256-cbc -k key -S salt [-md sha256|md5] */
int		 decode_cbc_encrypt(const uint8_t *in, size_t len,
		     const char *key, int md, const uint8_t salt[8],
		     struct dbuf *out, char **cause);
/* RFC 8188 aes128gcm: the whole coded body, header first; keyid ignored */
int		 decode_gcm_decrypt(const uint8_t *in, size_t len,
		     const uint8_t *ikm, size_t ikmlen, struct dbuf *out,
		     char **cause);
/* RFC 8188 aes128gcm with rs-byte records (rs >= 18), no extra padding */
int		 decode_gcm_encrypt(const uint8_t *in, size_t len,
		     const uint8_t *ikm, size_t ikmlen, const uint8_t salt[16],
		     uint32_t rs, const uint8_t *keyid, size_t idlen,
		     struct dbuf *out, char **cause);
/* IKM_HTTP_Encrypt_Content text (base64url or base64, padding optional)
 * -> at most size key bytes in ikm, *len of them */
int		 decode_ikm(const char *text, uint8_t *ikm, size_t size,
		     size_t *len, char **cause);

/* macro.c: macro expansion syntax (spec 6.1) */
/*
 * Look up one variable.  Returns the value (borrowed or in tmp), or NULL for
 * an unknown name (left verbatim).
 */
typedef const char *(*macro_lookup_cb)(void *arg, const char *name,
		     size_t namelen, char *tmp, size_t tmpsize);
#define MACRO_SECRETS	0x01	/* also expand $SA..$SD (inside --key/--uid/--pwd) */
#define MACRO_ONLY_SECRETS 0x02	/* expand $SA..$SD only; all else verbatim */
#define MACRO_MAX_LEN	8192	/* longest expansion kept */
char		*macro_expand(const char *in, unsigned flags,
		     macro_lookup_cb cb, void *arg);	/* caller frees */

/* rule.c: profile-rule grammar and evaluation (spec 5) */
enum rule_scheme {
	RULE_TFTP = 0,
	RULE_HTTP,
	RULE_HTTPS
};
enum rule_rc {
	RULE_FETCH = 0,		/* url is set */
	RULE_NOURL,		/* alternative chosen had no URL: done */
	RULE_SKIP,		/* every alternative conditional and false */
	RULE_DISABLED,		/* empty or comment */
	RULE_GDS,		/* gds:// */
	RULE_ERROR		/* err, class C */
};
enum rule_kind {
	RULE_KIND_PROFILE = 0,
	RULE_KIND_UPGRADE,	/* server mandatory, gds invalid (5.7) */
	RULE_KIND_TRIGGER	/* bare cond-expr */
};
struct rule_env {
	macro_lookup_cb	 lookup;	/* variables, spec 6.2 */
	void		*arg;
	/* assignment (5.3.3); name is a full XML name ("GPP_C" for c) */
	int		(*assign)(void *arg, const char *name,
			     const char *value, char **cause);
	/* condition errors etc.; may be NULL */
	void		(*log)(void *arg, const char *msg);
	const char	*dhcp_server;	/* host for host-less rules, or NULL */
	const char	*prev_server;	/* fallback (5.4), or NULL */
	enum rule_kind	 kind;
};
struct rule_result {
	enum rule_rc	 rc;
	enum emu_err	 err;		/* RULE_ERROR */
	char		*errmsg;	/* owned: $ERR text or parse reason */
	/* RULE_FETCH */
	enum rule_scheme scheme;
	char		*host;		/* owned; as written */
	uint16_t	 port;		/* default filled in */
	char		*path;		/* owned; "/..." with query */
	int		 host_from_dhcp;
	/* options in effect (5.3.4), owned, $SA..$SD expanded */
	char		*key;
	char		*uid;
	char		*pwd;
	int		 post;		/* GPP letter 0..15, or -1 */
	int		 alias;		/* GPP letter 0..15, or -1 */
	int		 srv;
	int		 delta;
	int		 status;
	int		 uid_secret;	/* uid came from $SA..$SD: never shown */
	char		*reason;	/* owned: detail for logs, or NULL */
	char		*skipped;	/* owned: "skipped alternative N: ..."
					   lines, or NULL */
};
void		 rule_result_init(struct rule_result *res);
void		 rule_result_clear(struct rule_result *res);
/*
 * The whole of 5.1: expand, strip, split, parse, evaluate conditions, run
 * the chosen assignment, resolve the URL.  Returns res->rc.
 */
enum rule_rc	 rule_eval(const char *text, const struct rule_env *env,
		     struct rule_result *res);
/* A trigger (3.3): 1 true, 0 false, -1 error (logged through env). */
int		 rule_trigger(const char *text, const struct rule_env *env);
/* Version comparison (5.3.2): -1/0/1 in *cmp; -1 return if unparsable. */
int		 rule_version_cmp(const char *a, const char *b, int *cmp);
const char	*rule_scheme_name(enum rule_scheme s);
/* The "rule expand" output: URL line (scheme lower case, port always) then
 * "name: value" option lines, no secret in clear. */
void		 rule_result_format(const struct rule_result *res,
		     struct dbuf *out);

/* phone.c: one emulated phone */
struct phone_conf {
	uint8_t		 mac[6];
	const char	*model;		/* $PN, e.g. CP-8851-3PCC */
	const char	*serial;	/* $SN */
	const char	*hwver;		/* $HWVER */
	const char	*swver;		/* $SWVER, running load */
	const char	*swver_inactive;
	int		 no_cert;	/* no MIC: $CCERT = Not Installed */
	int		 key_group;	/* MIC key pair: shared per group id,
					   or -1 for one of its own */
};
struct phone	*phone_create(struct emu_ctx *ctx, const struct phone_conf *c);
void		 phone_free(struct phone *p);
void		 phone_handle(struct phone *p, const struct emu_event *ev,
		     emu_time now, struct emu_outbox *out);
emu_time	 phone_deadline(const struct phone *p);
/* Trace this phone's categories (TRACE_*) besides the fleet's (ctx). */
void		 phone_set_trace(struct phone *p, unsigned cats);
/* Observation, for runtimes, tests, reports and the LCD. */
const uint8_t	*phone_mac(const struct phone *p);
const char	*phone_mac_str(const struct phone *p);	/* 12 upper hex */
const char	*phone_model(const struct phone *p);
/* The running load (inactive 0) or the other partition's ("" if none). */
const char	*phone_firmware(const struct phone *p, int inactive);
enum prov_state	 phone_state(const struct phone *p);
enum cust_state	 phone_customization(const struct phone *p);
uint32_t	 phone_ip(const struct phone *p);
const char	*phone_get(const struct phone *p, const char *name);
int		 phone_set(struct phone *p, const char *name, const char *value,
		     int local, char **cause);	/* before power-on: flash */
/* What the phone's status pages show (spec 16.1, 15.4). */
struct phone_status {
	enum emu_class	 last_class;	/* of the last resync */
	enum emu_err	 last_err;
	int		 last_status;	/* HTTP status of the last response */
	emu_time	 last_resync_at;	/* start of the last attempt */
	emu_time	 next_resync_at;	/* armed resync timer, or NEVER */
	enum phone_act	 act;		/* activation-code screen */
	enum phone_reboot last_reboot;	/* reason of the last boot */
	uint8_t		 tls_resumed;	/* last HTTPS transfer resumed */
	uint8_t		 account_setup;	/* 15.7: Profile account setup is
					   asked for (B56) */
	uint8_t		 resynced;	/* a resync has had its outcome
					   since the boot */
	char		 tls_version[12];	/* of the last HTTPS transfer */
};
const struct phone_status *phone_status(const struct phone *p);
const char	*phone_last_url(const struct phone *p);
const char	*phone_last_errmsg(const struct phone *p);
const char	*phone_company(const struct phone *p);	/* 4.8, or "" */
/* The environment of this phone's rules (resync, triggers, rule expand). */
void		 phone_rule_env(struct phone *p, struct rule_env *env,
		     enum rule_kind kind);

/* phone-hist.c: histories (spec 2.3, 3.7, 16.1), newest first */
/* The entries of kind k (*ent borrowed until the phone's next event). */
size_t		 phone_history(const struct phone *p, enum phone_hist_kind k,
		     const struct phone_hist **ent);
/* The 16.1 entry text in the phone's local time, into buf; returns buf. */
const char	*phone_hist_format(const struct phone *p,
		     enum phone_hist_kind k, const struct phone_hist *e,
		     char *buf, size_t size);
/* "mm/dd/yyyy HH:MM:SS" of calendar seconds, local time; returns buf. */
const char	*phone_hist_time(const struct phone *p, int64_t when,
		     char *buf, size_t size);
const char	*phone_hist_kind_name(enum phone_hist_kind k);	/* "prov" */
int		 phone_hist_kind_parse(const char *name);	/* -1 unknown */
int		 phone_reboot_parse(const char *name);	/* 3.7 name; -1 */

/* lcd.c: the LCD, its menus and the keypad (spec 15; docs/lcd.md) */
#define LCD_COLS_MAX		64	/* widest line of any model */
#define LCD_BODY_MAX		32	/* body lines kept (the rest scroll) */
#define LCD_SOFTKEYS_MAX	4
#define LCD_SOFT_LEN		10	/* a softkey label */
#define LCD_FIELD_MAX		511	/* a text field (a profile rule) */
#define LCD_MULTITAP_MS		1000	/* multi-tap: same key again within */
#define LCD_POWERUP_S		30	/* B121: time to type the sequence */
#define LCD_PASS_MIN		4	/* 7.6: passwords are 4-127 characters */
#define LCD_PASS_MAX		127
/* Per-model screen (docs/lcd.md: values are phonefleet's choices). */
struct lcd_geom {
	const char	*model;		/* $PN */
	uint8_t		 lines;		/* body lines visible */
	uint8_t		 cols;		/* characters per line */
	uint8_t		 softkeys;
	uint8_t		 line_keys;
	uint8_t		 colour;
	uint8_t		 activation;	/* has the activation screen (B25) */
};
enum lcd_screen {
	LCD_SCR_OFF = 0,	/* no power */
	LCD_SCR_POWERUP,	/* power-up key sequence (15.8) */
	LCD_SCR_BOOT,		/* transient: boot, provisioning, upgrade */
	LCD_SCR_IDLE,
	LCD_SCR_MENU,		/* a list: Applications and below */
	LCD_SCR_INFO,		/* a status page */
	LCD_SCR_PROFILE_RULE,	/* 15.5 */
	LCD_SCR_ACTIVATION,	/* 15.6 */
	LCD_SCR_ACCOUNT,	/* 15.7 */
	LCD_SCR_CONFIRM,	/* Factory reset, Restart: OK or Cancel */
	LCD_SCR_SIGNIN,		/* 15.5.2: the user password */
	LCD_SCR_PASSWORD,	/* 15.2, 15.4: Set password */
	LCD_SCR__COUNT
};
/* What a runtime draws (phone_lcd()); borrowed until the phone's next
 * event.  Lines are cut to the model's columns, except the field. */
struct lcd_view {
	enum lcd_screen		 screen;
	const struct lcd_geom	*geom;		/* static table */
	char			 header[LCD_COLS_MAX + 1];	/* line, clock */
	char			 title[LCD_COLS_MAX + 1];
	int			 nbody;
	char			 body[LCD_BODY_MAX][LCD_COLS_MAX + 1];
	int			 top;		/* first body line visible */
	int			 sel;		/* selected body line, or -1 */
	char			 soft[LCD_SOFTKEYS_MAX][LCD_SOFT_LEN + 1];
	char			 label[LCD_COLS_MAX + 1];	/* of the field */
	int			 field;		/* a text field is shown */
	char			 text[LCD_FIELD_MAX + 1];	/* field, as shown
							   (grouped, masked) */
	size_t			 cursor;	/* in text */
	char			 msg[LCD_COLS_MAX + 1];	/* prompt, error, result */
};
const struct lcd_geom *lcd_geom_find(const char *model);	/* never NULL */
const struct lcd_geom *lcd_geom_table(size_t *n);
const char	*lcd_key_name(int key);		/* "soft1", "5", NULL */
int		 lcd_key_parse(const char *name);	/* -1 unknown */
const char	*lcd_screen_name(enum lcd_screen s);
/*
 * The next key of a written sequence (scenario <keys>): 0-9 * # as they
 * are, {name} for a named key, white space between keys ignored.  Returns
 * 1 with *key and *sp advanced, 0 at the end, -1 with *cause (if not NULL)
 * for a key not known.
 */
int		 lcd_keys_next(const char **sp, int *key, char **cause);
/* phone.c: the screen is made on the first key or open, freed on close. */
void		 phone_lcd_open(struct phone *p);
void		 phone_lcd_close(struct phone *p);
const struct lcd_view *phone_lcd(const struct phone *p);	/* or NULL */
/* flash.c: the phone's flash image (spec 2.3; format in docs/state.md) */
#define FLASH_MAJOR	1	/* a newer major is refused */
#define FLASH_MINOR	0	/* a newer minor's unknown records are skipped */
#define FLASH_MAX_LEN	(64 * 1024 * 1024)	/* bytes in one image */
/* Appends p's image to out. */
void		 flash_save(const struct phone *p, struct dbuf *out);
/*
 * Before power-on only.  -1 with *cause (one line) and p's erasable state
 * at its factory value (2.4) when buf is damaged, another phone's or of a
 * newer major version; else the number of entries skipped (parameters this
 * version does not know), with *cause naming the first few when not 0.
 */
int		 flash_load(struct phone *p, const uint8_t *buf, size_t len,
		     char **cause);

#endif /* PF_EMU_H */

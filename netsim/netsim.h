/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * netsim/: the world the phones live in.  Simulated endpoints (DHCP, DNS,
 * provisioning HTTP and TFTP) are sans-I/O servers: bytes and time in,
 * struct ep_out actions out (a connection's answer is pulled a segment at a
 * time).  The runtimes (the sim runtime in sim.c) deliver phone actions to
 * endpoints and back.
 */

#ifndef PF_NETSIM_H
#define PF_NETSIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../emu/emu.h"

struct ep_cloud;
struct ep_conn;
struct ep_dhcp;
struct ep_dns;
struct ep_http;
struct ep_proxy;
struct ep_proxy_conn;
struct ep_syslog;
struct ep_sip;
struct ep_tftp;
struct ep_tls;
struct ep_tls_conn;
struct sim;
struct sim_site;
struct store;

/* ep.c: endpoint output */
enum ep_act_type {
	EP_ACT_DGRAM,		/* datagram from src to dst (mac: L2 target) */
	EP_ACT_DATA,		/* bytes on conn */
	EP_ACT_CLOSE,		/* close conn after the data before it */
	EP_ACT_RESET		/* abort conn */
};
struct ep_act {
	enum ep_act_type	 type;
	struct ep_conn		*conn;		/* DATA CLOSE RESET */
	uint32_t		 src_ip, dst_ip;	/* DGRAM */
	uint16_t		 src_port, dst_port;
	uint8_t			 mac[6];	/* DGRAM: chaddr for broadcasts */
	int			 has_mac;
	emu_time		 at;		/* deliver no earlier than this */
	size_t			 off, len;	/* payload in the arena */
};
struct ep_out {
	struct ep_act	*act;
	size_t		 n, cap;
	struct dbuf	 arena;
};
void		 ep_out_init(struct ep_out *o);
void		 ep_out_reset(struct ep_out *o);
void		 ep_out_free(struct ep_out *o);
struct ep_act	*ep_out_add(struct ep_out *o, enum ep_act_type type,
		     const void *data, size_t len);
const uint8_t	*ep_act_data(const struct ep_out *o, const struct ep_act *a);

/* Faults injected at the edge (HTTP and TFTP endpoints). */
enum ep_fault_kind {
	EP_FAULT_STATUS,	/* answer with status (HTTP) or error code (TFTP) */
	EP_FAULT_DELAY,		/* answer after delay */
	EP_FAULT_DROP,		/* never answer */
	EP_FAULT_TRUNCATE,	/* send half the body, then close */
	EP_FAULT_REDIRECT,	/* 301/302/303/307 to location */
	EP_FAULT_AUTH,		/* demand credentials user/pass (Basic) */
	EP_FAULT_RESET,		/* reset the connection */
	EP_FAULT_CHUNKED,	/* chunked framing (with HTTP/1.0: spec B52) */
	EP_FAULT_CLOSE_DELIMITED, /* HTTP/1.0, no Content-Length (B51) */
	EP_FAULT_BODY,		/* answer 200 with body */
	EP_FAULT_TRICKLE	/* the body at rate bytes per second (HTTP) */
};
#define EP_FAULT_HDRS	4	/* extra headers of a fault's answer */
struct ep_fault {
	char			*name;		/* for the timeline; owned */
	enum ep_fault_kind	 kind;
	char			*path;		/* glob on the path, NULL = all */
	char			*mac;		/* only requests naming this MAC
						   (12 hex, in path or UA) */
	int			 status;	/* STATUS, REDIRECT */
	emu_time		 delay;		/* DELAY */
	char			*location;	/* REDIRECT */
	char			*user, *pass;	/* AUTH */
	char			*realm;		/* AUTH */
	int			 proxy;		/* AUTH: 407 instead of 401 */
	uint8_t			*body;		/* BODY */
	size_t			 body_len;
	int			 count;		/* times to apply; -1 always */
	int			 active;
	int			 http10;	/* CHUNKED: HTTP/1.0 status line */
	char			*hdr[EP_FAULT_HDRS];	/* "Name: value", owned:
						   added to the answer (HTTP) */
	size_t			 nhdr;
	int			 reject;	/* AUTH: right credentials refused
						   this many times per client */
	uint32_t		 rate;		/* TRICKLE: bytes per second */
};
void		 ep_fault_clear(struct ep_fault *f);
void		 ep_fault_copy(struct ep_fault *dst, const struct ep_fault *src);
/* 1 if f is active and matches path (query ignored) and user agent (NULL) */
int		 ep_fault_match(const struct ep_fault *f, const char *path,
		     const char *user_agent);
void		 ep_fault_use(struct ep_fault *f);	/* one count applied */
/* Request log entry handed to an observer. */
struct ep_request {
	const char	*proto;		/* "http" "tftp" */
	uint32_t	 peer_ip;
	const char	*method;	/* GET POST RRQ */
	const char	*path;
	const char	*target;	/* HTTP: the request-target as sent
					   (origin, absolute or authority
					   form); NULL for TFTP */
	const char	*user_agent;	/* may be NULL */
	const char	*authorization;	/* may be NULL */
	const uint8_t	*body;
	size_t		 body_len;
	int		 status;	/* HTTP status or TFTP error (0 ok) */
	int		 error;		/* TFTP: not served (an error of any
					   code, 0 too, or no answer) */
	uint64_t	 resp_len;	/* body bytes answered (announced) */
	emu_time	 now;
	const struct http_msg *http;	/* HTTP: the request (any header),
					   borrowed for the call; else NULL */
	const char	*tls_subject;	/* HTTPS: the client certificate's
					   subject, "" none; NULL: no TLS */
};
typedef void (*ep_observe_cb)(void *arg, const struct ep_request *req);

/* store.c: the provisioning server's files and per-MAC templates */
struct store	*store_create(void);
void		 store_free(struct store *st);
void		 store_add_file(struct store *st, const char *path,
		     const uint8_t *data, size_t len);
/*
 * pattern has one '*'; in the body {{match}} {{mac}} {{MAC}} are replaced,
 * {{seq}} by the number of times the template was served (1, 2, ...: the
 * answer changes on every request) and {{pad}} by seq % STORE_PAD_MOD 'x'
 * characters (its size too).
 */
#define STORE_PAD_MOD	4096
void		 store_add_template(struct store *st, const char *pattern,
		     const uint8_t *data, size_t len);
/*
 * Generated files (12.3): firmware images of a given size served from a
 * deterministic stream, never stored; store_add_load() makes a load's
 * images and its .loads file (with their sizes and SHA-256).
 */
#define STORE_GEN_BLOCK		(64 * 1024)
#define STORE_LOAD_IMAGES_MAX	16
struct store_gen {
	char		*path;		/* owned */
	uint64_t	 size;
	uint8_t		*block;		/* owned: STORE_GEN_BLOCK bytes */
};
void		 store_add_generated(struct store *st, const char *path,
		     uint64_t size);
/* The generated file at path (query ignored), or NULL. */
const struct store_gen *store_gen_find(const struct store *st,
		     const char *path);
/* Append bytes [off, off + n) of g to out. */
void		 store_gen_fill(const struct store_gen *g, uint64_t off,
		     size_t n, struct dbuf *out);
/*
 * dir ("/fw/") + load ("sip88xx.12-0-1MPP-100"): dir/load.loads naming
 * nimages images (dir/load.img, or dir/load-N.img) whose sizes add up to
 * size.  Returns 0, or -1 with *cause.
 */
int		 store_add_load(struct store *st, const char *dir,
		     const char *load, uint64_t size, int nimages,
		     char **cause);
/* 0 and the body in out, or -1 not found */
int		 store_lookup(const struct store *st, const char *path,
		     struct dbuf *out);
/* 0 and the body borrowed from st (or built in tmp), or -1 not found */
int		 store_ref(const struct store *st, const char *path,
		     const uint8_t **data, size_t *len, struct dbuf *tmp);
/* an exact file's Content-Encoding (copied; NULL none): 0, -1 no file */
int		 store_set_encoding(struct store *st, const char *path,
		     const char *encoding);
const char	*store_encoding(const struct store *st, const char *path);
/* Uploads (16.4 reports): PUT and POST to upload paths, kept. */
#define STORE_UPLOAD_KEEP	1024	/* uploads kept by default */
#define STORE_UPLOAD_BYTES	(64 * 1024 * 1024)	/* their bodies */
#define STORE_UPLOAD_PATHS	65536	/* paths remembered for 201/204 */
struct store_upload {
	uint64_t	 seq;		/* 1.. in arrival order */
	char		*method;	/* "PUT" "POST" */
	char		*path;		/* without the query */
	char		*content_type;	/* or NULL */
	char		*content_encoding; /* or NULL */
	uint8_t		*body;		/* NUL-terminated copy */
	size_t		 len;
	emu_time	 at;
	uint32_t	 peer_ip;
};
struct store_upload_stats {
	uint64_t	 received;	/* uploads accepted */
	uint64_t	 bytes;		/* their bodies */
	uint64_t	 dropped;	/* no longer kept (caps) */
};
void		 store_add_upload(struct store *st, const char *pattern);
void		 store_upload_limits(struct store *st, size_t count,
		     size_t bytes);
int		 store_is_upload(const struct store *st, const char *path);
int		 store_upload_keep(struct store *st,
		     const struct store_upload *u);	/* u copied */
const struct store_upload *store_upload_next(const struct store *st,
		     const struct store_upload *prev);
size_t		 store_upload_count(const struct store *st);
const struct store_upload_stats *store_upload_stats(const struct store *st);

/* ep-dhcp.c: a site's DHCP server */
#define EP_DHCP_OPTS_MAX	32
#define EP_DHCP_EXCLUDE_MAX	64
struct ep_dhcp_conf {
	uint32_t	 server_ip;
	uint32_t	 pool_start, pool_end;
	uint32_t	 netmask;
	uint32_t	 router;
	uint32_t	 dns[2];
	int		 ndns;
	char		 domain[256];
	uint32_t	 lease_s;
	struct {
		uint8_t	 code;
		uint8_t	 data[255];
		uint8_t	 len;
	}		 opt[EP_DHCP_OPTS_MAX];	/* always sent */
	int		 nopt;
	uint32_t	 exclude[EP_DHCP_EXCLUDE_MAX];	/* never leased */
	int		 nexclude;
};
struct ep_dhcp	*ep_dhcp_create(const struct ep_dhcp_conf *c);
void		 ep_dhcp_free(struct ep_dhcp *d);
void		 ep_dhcp_input(struct ep_dhcp *d, const uint8_t *pkt,
		     size_t len, uint32_t src_ip, uint16_t src_port,
		     emu_time now, struct ep_out *out);
void		 ep_dhcp_set_down(struct ep_dhcp *d, int down);
/* New options from c (DNS, domain, lease, opt[]); the pool, the server,
 * the router and the leases stay. */
void		 ep_dhcp_set_options(struct ep_dhcp *d,
		     const struct ep_dhcp_conf *c);
struct ep_dhcp_stats {
	uint64_t	 discovers, offers, requests, acks, naks, bad;
	uint64_t	 exhausted;	/* DISCOVERs left unanswered: pool full */
};
const struct ep_dhcp_stats *ep_dhcp_stats(const struct ep_dhcp *d);

/* ep-dns.c: A, SRV and CNAME records */
struct ep_dns	*ep_dns_create(void);
void		 ep_dns_free(struct ep_dns *d);
void		 ep_dns_add_a(struct ep_dns *d, const char *name, uint32_t a);
void		 ep_dns_add_srv(struct ep_dns *d, const char *name,
		     uint16_t prio, uint16_t weight, uint16_t port,
		     const char *target);
void		 ep_dns_add_cname(struct ep_dns *d, const char *name,
		     const char *target);
void		 ep_dns_ttl(struct ep_dns *d, uint32_t ttl_s);	/* next records */
void		 ep_dns_set_delay(struct ep_dns *d, emu_time delay);
int		 ep_dns_lookup_a(const struct ep_dns *d, const char *name,
		     uint32_t *a);	/* 0, or -1 no A record */
void		 ep_dns_input(struct ep_dns *d, const uint8_t *pkt,
		     size_t len, uint32_t src_ip, uint16_t src_port,
		     uint32_t my_ip, emu_time now, struct ep_out *out);

/* ep-http.c: the embedded provisioning server, HTTP side */
/* A request as a dynamic handler sees it; all borrowed for the call. */
struct ep_http_call {
	const char	*method;	/* GET POST HEAD */
	const char	*target;	/* origin form: path and query */
	const char	*path;		/* target without the query */
	const char	*content_type;	/* NULL if absent */
	const char	*user_agent;	/* NULL if absent */
	const uint8_t	*body;		/* NULL when empty */
	size_t		 body_len;
	uint32_t	 peer_ip;
	emu_time	 now;
};
/* What a handler fills: status 200 and text/xml unless it says else. */
struct ep_http_answer {
	int		 status;
	const char	*content_type;	/* static or outliving the server */
	struct dbuf	 body;		/* starts empty; taken by the server */
};
/* 1: answered; 0: not this handler's path, the store serves it. */
typedef int (*ep_http_handler_cb)(void *arg, const struct ep_http_call *call,
		     struct ep_http_answer *ans);
struct ep_http	*ep_http_create(struct store *st);	/* st borrowed */
void		 ep_http_free(struct ep_http *h);
void		 ep_http_observe(struct ep_http *h, ep_observe_cb cb,
		     void *arg);
/* Faults still come first; arg is borrowed and must outlive h. */
void		 ep_http_set_handler(struct ep_http *h, ep_http_handler_cb cb,
		     void *arg);
int		 ep_http_fault_add(struct ep_http *h, const struct ep_fault *f);
int		 ep_http_fault_enable(struct ep_http *h, const char *name,
		     int on);	/* -1 unknown name */
struct ep_conn	*ep_http_accept(struct ep_http *h, uint32_t peer_ip,
		     uint16_t peer_port, emu_time now);
void		 ep_http_input(struct ep_http *h, struct ep_conn *c,
		     const uint8_t *data, size_t len, emu_time now,
		     struct ep_out *out);
void		 ep_http_eof(struct ep_http *h, struct ep_conn *c,
		     emu_time now, struct ep_out *out);
void		 ep_http_conn_free(struct ep_http *h, struct ep_conn *c);
/* The connection came over TLS: subject of the client certificate ("" if
 * none), what observers see in ep_request tls_subject (ep-tls.c). */
void		 ep_http_conn_set_tls(struct ep_conn *c, const char *subject);
/* Pulled connections (the sim runtime): segments instead of actions. */
enum ep_pull {
	EP_PULL_NONE = 0,	/* nothing queued */
	EP_PULL_WAIT,		/* nothing before *at */
	EP_PULL_DATA,		/* bytes appended */
	EP_PULL_CLOSE,		/* close after what came before */
	EP_PULL_RESET
};
void		 ep_http_conn_pull(struct ep_conn *c);
enum ep_pull	 ep_http_pull(struct ep_http *h, struct ep_conn *c,
		     emu_time now, size_t max, struct dbuf *out, emu_time *at);
int		 ep_http_conn_pending(const struct ep_conn *c);
struct ep_http_stats {
	uint64_t	 requests, conns;
	uint64_t	 status[6];	/* by class: [2] 2xx ... [5] 5xx */
};
const struct ep_http_stats *ep_http_stats(const struct ep_http *h);

/*
 * ep-cloud.c: the simulated EDOS and GDS services (spec 13; docs/cloud.md).
 * Create one, fill its registry, attach it to an ep_http whose host the
 * simulated DNS gives for activate.cisco.com, webapps.cisco.com and
 * activation.webex.com (443 for HTTPS; 80 when the phones' emu_ctx has
 * cloud_http).  The handler answers /rc/v1/device, /rc/v1/code and
 * /api/v1/activate; other paths fall through to the ep_http's store, and
 * the ep_http's faults apply first, as to any file.  Registering a key
 * again replaces its answer.  Functions that take a cause return 0, or -1
 * with *cause (allocated).
 *
 *	c = ep_cloud_create();
 *	ep_cloud_device(c, "00562B043615", "<flat-profile><Profile_Rule>"
 *	    "https://sp.example.com/$PSN.xml</Profile_Rule></flat-profile>",
 *	    "Example SP", &cause);		   EDOS redirect (B13)
 *	ep_cloud_device(c, "00562B043616", NULL, NULL, &cause);   B14
 *	ep_cloud_device_status(c, "00562B043617", 503, &cause);   B15
 *	ep_cloud_short_code(c, "123456", profile, NULL, &cause);  B23
 *	ep_cloud_gds_code(c, "1234567890123456", "https://x/$MA.xml",
 *	    "user", "secret", EMU_SEC(86400), &cause);		   B21, B22
 *	ep_cloud_attach(c, http);
 */
struct ep_cloud_stats {
	uint64_t	 queries;	/* EDOS device queries answered */
	uint64_t	 redirects;	/* ... with a redirect profile */
	uint64_t	 unavailable;	/* ... with the empty 200 */
	uint64_t	 errors;	/* ... with a configured status */
	uint64_t	 short_queries;	/* short-code queries */
	uint64_t	 activations;	/* GDS POSTs with a JSON body */
	uint64_t	 codes_ok;	/* short and GDS codes granted */
	uint64_t	 codes_invalid;	/* unknown, used or expired */
	uint64_t	 bad;		/* malformed: 400, 405, 415 */
};
struct ep_cloud	*ep_cloud_create(void);
void		 ep_cloud_free(struct ep_cloud *c);
void		 ep_cloud_attach(struct ep_cloud *c, struct ep_http *h);
/*
 * EDOS by MAC (12 hex digits, any case, ':' or '-' allowed; NULL = every
 * MAC not registered).  profile: the redirect (copied; it is also what
 * EDOS device activation answers, 4.5); NULL or "": the empty 200 of a
 * phone nobody claims (the answer for unknown MACs unless set).  company:
 * NULL, or the name added as "<!-- company: NAME -->".
 */
int		 ep_cloud_device(struct ep_cloud *c, const char *mac,
		     const char *profile, const char *company, char **cause);
/* EDOS: answer status (100..599) for this MAC (NULL: unknown MACs). */
int		 ep_cloud_device_status(struct ep_cloud *c, const char *mac,
		     int status, char **cause);
/* A short code (3-16 digits, no '#') and its redirect profile (13.2). */
int		 ep_cloud_short_code(struct ep_cloud *c, const char *digits,
		     const char *profile, const char *company, char **cause);
/*
 * A GDS code (16 digits): grants rule, and uid/pwd unless NULL, once;
 * refused (410) from expires on (EMU_TIME_NEVER: never).  Unknown: 404.
 */
int		 ep_cloud_gds_code(struct ep_cloud *c, const char *code,
		     const char *rule, const char *uid, const char *pwd,
		     emu_time expires, char **cause);
const struct ep_cloud_stats *ep_cloud_stats(const struct ep_cloud *c);
/* The ep_http_handler_cb itself (arg: the ep_cloud). */
int		 ep_cloud_handle(void *arg, const struct ep_http_call *call,
		     struct ep_http_answer *ans);

/*
 * ep-syslog.c: a syslog collector (spec 16.2): each datagram is a line,
 * kept with its arrival time and source.  At most keep lines (0:
 * EP_SYSLOG_KEEP); later ones are dropped and counted.  In the sim
 * runtime: sim_host_add_syslog().
 */
#define EP_SYSLOG_KEEP		4096	/* lines kept by default */
#define EP_SYSLOG_LINE_MAX	2048	/* bytes kept of a line (RFC 5426 3.2) */
struct ep_syslog_line {
	emu_time	 now;		/* arrival */
	uint32_t	 src_ip;
	uint16_t	 src_port;
	char		*text;		/* owned: control bytes shown as '?' */
};
struct ep_syslog_stats {
	uint64_t	 received;	/* datagrams, kept or not */
	uint64_t	 dropped;	/* past keep */
	uint64_t	 truncated;	/* over EP_SYSLOG_LINE_MAX */
};
struct ep_syslog *ep_syslog_create(size_t keep);
void		 ep_syslog_free(struct ep_syslog *l);
void		 ep_syslog_input(struct ep_syslog *l, const uint8_t *pkt,
		     size_t len, uint32_t src_ip, uint16_t src_port,
		     emu_time now);
size_t		 ep_syslog_count(const struct ep_syslog *l);
/* Line i in arrival order (borrowed), or NULL past the end. */
const struct ep_syslog_line *ep_syslog_line(const struct ep_syslog *l,
		     size_t i);
const struct ep_syslog_stats *ep_syslog_stats(const struct ep_syslog *l);

/* ep-tftp.c: the embedded provisioning server, TFTP side */
struct ep_tftp	*ep_tftp_create(struct store *st, uint32_t my_ip,
		     uint16_t port);
void		 ep_tftp_free(struct ep_tftp *t);
void		 ep_tftp_observe(struct ep_tftp *t, ep_observe_cb cb, void *arg);
int		 ep_tftp_fault_add(struct ep_tftp *t, const struct ep_fault *f);
int		 ep_tftp_fault_enable(struct ep_tftp *t, const char *name,
		     int on);
/* A datagram to the server's well-known port or to one of its TIDs. */
void		 ep_tftp_input(struct ep_tftp *t, const uint8_t *pkt,
		     size_t len, uint32_t src_ip, uint16_t src_port,
		     uint16_t dst_port, emu_time now, struct ep_out *out);
int		 ep_tftp_owns_port(const struct ep_tftp *t, uint16_t port);
emu_time	 ep_tftp_deadline(const struct ep_tftp *t);
void		 ep_tftp_timer(struct ep_tftp *t, emu_time now,
		     struct ep_out *out);
struct ep_tftp_stats {
	uint64_t	 rrqs, done, errors, retransmits;
};
const struct ep_tftp_stats *ep_tftp_stats(const struct ep_tftp *t);

/* ep-tls.c: the provisioning server's TLS side, in front of ep_http */
#define EP_TLS_CHAIN_COPIES	100
enum ep_tls_fault {
	EP_TLS_FAULT_NONE = 0,
	EP_TLS_FAULT_STALL,	/* the handshake is never answered */
	EP_TLS_FAULT_TRUNCATE,	/* half of the first flight, then close */
	EP_TLS_FAULT_CHAIN	/* an endless chain: EP_TLS_CHAIN_COPIES
				   copies of the certificate after it */
};
struct ep_tls_conf {
	int			 cert;		/* pki_server_cert() handle */
	int			 min_version;	/* TLS1_VERSION..; 0 default */
	int			 max_version;
	int			 require_client_cert;	/* B55: MIC CA */
	int			 request_client_cert;	/* asked, not required;
						   verified if given */
	enum ep_tls_fault	 fault;
};
struct ep_tls_stats {
	uint64_t	 conns;
	uint64_t	 full, resumed;	/* handshakes done */
	uint64_t	 client_certs;	/* handshakes with a client cert */
	uint64_t	 failed;	/* handshakes or records refused */
};
/* NULL with *cause if the pki refuses c (h and pki borrowed). */
struct ep_tls	*ep_tls_create(struct emu_pki *pki, struct ep_http *h,
		     const struct ep_tls_conf *c, char **cause);
void		 ep_tls_free(struct ep_tls *t);
const struct ep_tls_stats *ep_tls_stats(const struct ep_tls *t);
const char	*ep_tls_last_subject(const struct ep_tls *t);
struct ep_tls_conn *ep_tls_accept(struct ep_tls *t, uint32_t peer_ip,
		     uint16_t peer_port, emu_time now);
void		 ep_tls_conn_free(struct ep_tls *t, struct ep_tls_conn *c);
void		 ep_tls_input(struct ep_tls *t, struct ep_tls_conn *c,
		     const uint8_t *data, size_t len, emu_time now);
void		 ep_tls_eof(struct ep_tls *t, struct ep_tls_conn *c,
		     emu_time now);
enum ep_pull	 ep_tls_pull(struct ep_tls *t, struct ep_tls_conn *c,
		     emu_time now, size_t max, struct dbuf *out, emu_time *at);

/*
 * ep-proxy.c: a simulated HTTP forward proxy (spec 9.8, 7.5; B112).  Phones
 * with Proxy_Mode=Manual send it absolute-form requests for http URLs
 * ("GET http://host[:port]/path HTTP/1.1", forwarded in origin-form with
 * Via and Connection: close, the answer relayed as it comes, then both
 * sides closed) and "CONNECT host:port" for https (answered "200
 * Connection established", then bytes relayed both ways: the phone's TLS
 * runs end to end through the tunnel).  One request per client
 * connection.  Names resolve through conf.dns's A records (the zone the
 * phones ask), or a resolver set with ep_proxy_set_resolver; dotted quads
 * need neither.
 *
 * Its own answers, each followed by a close, checked in this order:
 *	400	unreadable request, origin-form target, userinfo, bad port,
 *		CONNECT without host:port
 *	431 413	head (HTTP_HEAD_MAX) or body (EP_PROXY_BODY_MAX) too big
 *	501	an absolute-form scheme other than http
 *	407	conf.user set and Proxy-Authorization is not its Basic pair,
 *		with Proxy-Authenticate: Basic realm="conf.realm" (B48)
 *	403	CONNECT to a port not in conf.connect_ports
 *	502	unknown name, refused connection, or an upstream that
 *		closed or reset before answering
 *	504	no connection within conf.connect_timeout, or no answer
 *		within EP_PROXY_IDLE_S
 *	408	no complete request within EP_PROXY_HEAD_S
 * An upstream that fails after part of its answer was relayed resets the
 * client instead.
 *
 * Sans-I/O, pulled like ep_http: the runtime feeds the client's bytes
 * (ep_proxy_input, ep_proxy_eof) and pulls what goes back
 * (ep_proxy_pull).  The far side is a second stream the runtime opens
 * when ep_proxy_want says so; it reports ep_proxy_up_connected, _input,
 * _eof, _error and pulls what goes there with ep_proxy_pull_up.
 * ep_proxy_room says how much more upstream data the proxy takes now.
 * In the sim runtime: sim_host_add_proxy().
 *
 *	memset(&pc, 0, sizeof pc);
 *	pc.dns = dns;				resolve like the phones
 *	pc.user = "alice"; pc.pass = "s3cret";	407 until Basic matches
 *	pc.connect_ports[0] = 443; pc.nconnect_ports = 1;   else 403
 *	px = ep_proxy_create(&pc);
 *	ep_proxy_observe(px, cb, arg);		proto "proxy", one per request
 *	sim_host_add_proxy(sim, ip, 3128, px, NULL);
 *	... and each phone: Proxy_Mode=Manual, Proxy_Host=<ip or a name the
 *	DNS knows>, Proxy_Port=3128, Proxy_Username/Proxy_Password.
 * The caller frees px after sim_free().
 */
#define EP_PROXY_PORTS_MAX	16	/* CONNECT allow-list entries */
#define EP_PROXY_CONNECT_S	10	/* default upstream connect timeout */
#define EP_PROXY_HEAD_S		30	/* the request must be in by then */
#define EP_PROXY_IDLE_S		60	/* upstream silent before answering */
#define EP_PROXY_BODY_MAX	(1024 * 1024)	/* forwarded request body */
#define EP_PROXY_WINDOW		(64 * 1024)	/* upstream bytes taken ahead */
#define EP_PROXY_BUF_MAX	(256 * 1024)	/* buffered either way: over
						   it the connection resets */
struct ep_proxy_conf {
	const char	*user, *pass;	/* copied; user NULL: no 407 */
	const char	*realm;		/* copied; NULL: "phonefleet" */
	uint16_t	 connect_ports[EP_PROXY_PORTS_MAX];
	int		 nconnect_ports;	/* 0: CONNECT to any port */
	emu_time	 connect_timeout;	/* 0: EP_PROXY_CONNECT_S */
	struct ep_dns	*dns;		/* borrowed, may be NULL */
};
struct ep_proxy_stats {
	uint64_t	 conns;
	uint64_t	 requests;	/* absolute-form requests forwarded */
	uint64_t	 connects;	/* tunnels established (200) */
	uint64_t	 auth_required;	/* 407s */
	uint64_t	 forbidden;	/* 403s: CONNECT port not allowed */
	uint64_t	 bad;		/* 400 408 413 431 501 */
	uint64_t	 errors;	/* 502 504, resets */
	uint64_t	 bytes_up, bytes_down;	/* relayed */
};
/* 0 and *addr, or -1 unknown name (502). */
typedef int (*ep_proxy_resolve_cb)(void *arg, const char *name,
		     uint32_t *addr);
/* What the proxy asks of the runtime's upstream leg. */
enum ep_proxy_want {
	EP_PROXY_WANT_NONE = 0,
	EP_PROXY_WANT_OPEN	/* open a stream to ip:port; said once */
};
struct ep_proxy	*ep_proxy_create(const struct ep_proxy_conf *c);
void		 ep_proxy_free(struct ep_proxy *px);	/* conns too */
/* cb sees each request once its status is known (req->status: the
 * proxy's own answer, 200 for a tunnel, else the upstream's status);
 * path and target are the request-target as the client sent it. */
void		 ep_proxy_observe(struct ep_proxy *px, ep_observe_cb cb,
		     void *arg);
/* Names resolve through cb (arg borrowed) before conf.dns. */
void		 ep_proxy_set_resolver(struct ep_proxy *px,
		     ep_proxy_resolve_cb cb, void *arg);
const struct ep_proxy_stats *ep_proxy_stats(const struct ep_proxy *px);
/* A client connection; px owns it until ep_proxy_conn_free. */
struct ep_proxy_conn *ep_proxy_accept(struct ep_proxy *px, uint32_t peer_ip,
		     uint16_t peer_port, emu_time now);
void		 ep_proxy_conn_free(struct ep_proxy *px,
		     struct ep_proxy_conn *c);
void		 ep_proxy_input(struct ep_proxy *px, struct ep_proxy_conn *c,
		     const uint8_t *data, size_t len, emu_time now);
void		 ep_proxy_eof(struct ep_proxy *px, struct ep_proxy_conn *c,
		     emu_time now);	/* the client is gone */
/* To the client, as ep_http_pull (WAIT: a time-out at *at). */
enum ep_pull	 ep_proxy_pull(struct ep_proxy *px, struct ep_proxy_conn *c,
		     emu_time now, size_t max, struct dbuf *out, emu_time *at);
enum ep_proxy_want ep_proxy_want(struct ep_proxy *px,
		     struct ep_proxy_conn *c, uint32_t *ip, uint16_t *port);
void		 ep_proxy_up_connected(struct ep_proxy *px,
		     struct ep_proxy_conn *c, emu_time now);
void		 ep_proxy_up_input(struct ep_proxy *px, struct ep_proxy_conn *c,
		     const uint8_t *data, size_t len, emu_time now);
void		 ep_proxy_up_eof(struct ep_proxy *px, struct ep_proxy_conn *c,
		     emu_time now);
/* refused: no connection was made (502); else a reset. */
void		 ep_proxy_up_error(struct ep_proxy *px, struct ep_proxy_conn *c,
		     int refused, emu_time now);
/* To the upstream: DATA, CLOSE (close the leg) or NONE. */
enum ep_pull	 ep_proxy_pull_up(struct ep_proxy *px, struct ep_proxy_conn *c,
		     emu_time now, size_t max, struct dbuf *out);
/* Upstream bytes the proxy takes now (0: none until the client reads). */
size_t		 ep_proxy_room(const struct ep_proxy *px,
		     const struct ep_proxy_conn *c);

/*
 * ep-sip.c: a SIP NOTIFY sender (spec 16.3, B110): one non-INVITE client
 * transaction per ep_sip_notify(), over UDP from my_ip:port to a phone's
 * SIP port, retransmitted at Timer E until a final answer or Timer F
 * (RFC 3261 17.1.2); a 401 Digest challenge is answered once with user
 * and pass (none: the 401 is final).  The done callback sees each
 * transaction's end: the final status, or 0 when nothing answered.  In the
 * sim runtime: sim_host_add_sip(), then sim_sip_notify().
 */
#define EP_SIP_TX_MAX	100000	/* transactions open at once */
struct ep_sip_req {
	uint32_t	 dst_ip;
	uint16_t	 dst_port;	/* 0: 5060 */
	const char	*event;		/* resync reboot_now restart_now report */
	const char	*user;		/* NULL: no answer to a challenge */
	const char	*pass;
	uint64_t	 tag;		/* the caller's, handed back */
};
struct ep_sip_result {
	uint32_t	 id;
	uint32_t	 dst_ip;
	const char	*event;		/* borrowed for the call */
	int		 status;	/* final; 0: no answer (Timer F) */
	int		 challenged;	/* a 401 was answered */
	unsigned	 sends;		/* datagrams sent, retransmits too */
	uint64_t	 tag;
	emu_time	 start, end;
};
struct ep_sip_stats {
	uint64_t	 notifies, challenges, retransmits;
	uint64_t	 answered, timeouts, stray, bad;
};
typedef void (*ep_sip_done_cb)(void *arg, const struct ep_sip_result *r);
struct ep_sip	*ep_sip_create(uint32_t my_ip, uint16_t port);
void		 ep_sip_free(struct ep_sip *e);
void		 ep_sip_set_done(struct ep_sip *e, ep_sip_done_cb cb,
		     void *arg);
uint32_t	 ep_sip_notify(struct ep_sip *e, const struct ep_sip_req *rq,
		     emu_time now, struct ep_out *out);
void		 ep_sip_input(struct ep_sip *e, const uint8_t *pkt, size_t len,
		     uint32_t src_ip, uint16_t src_port, emu_time now,
		     struct ep_out *out);
emu_time	 ep_sip_deadline(const struct ep_sip *e);
void		 ep_sip_timer(struct ep_sip *e, emu_time now,
		     struct ep_out *out);
const struct ep_sip_stats *ep_sip_stats(const struct ep_sip *e);

/* rand.c: deterministic OpenSSL randomness (sim runtime only) */
void		 rand_deterministic(uint64_t seed);
void		 rand_system(void);

/* sim.c: the virtual-time runtime */
struct sim_link {
	emu_time	 latency;	/* one way */
	emu_time	 jitter;	/* + rand(0, jitter) */
	uint32_t	 loss_ppm;	/* datagrams lost per million */
	uint64_t	 bandwidth_bps;	/* a phone's access link, each way;
					   0 unlimited (docs/scenario.md) */
};
typedef void (*sim_cb)(void *arg, emu_time now);
/* A phone's note (the statistics stream), with the phone's index. */
typedef void (*sim_note_cb)(void *arg, size_t phone, const struct emu_note *n,
		     emu_time now);
/* Payload bytes a host sends (stream data to a phone or a proxy, a
 * datagram to a phone), at the time they have left it (with a bandwidth,
 * when the link has carried them). */
typedef void (*sim_sent_cb)(void *arg, uint32_t ip, size_t len,
		     emu_time at);
struct sim	*sim_create(struct emu_ctx *ctx, uint64_t seed);
void		 sim_free(struct sim *s);	/* frees sites, hosts, phones */
struct sim_site	*sim_site_add(struct sim *s, const char *name,
		     const struct sim_link *link, struct ep_dhcp *dhcp);
void		 sim_host_add_http(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_http *h);	/* borrowed */
/* HTTPS: TLS (ep-tls.c, over the ctx's pki) in front of h.  -1 with
 * *cause if the certificate configuration is refused. */
int		 sim_host_add_https(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_http *h, const struct ep_tls_conf *c,
		     char **cause);
struct ep_tls	*sim_host_tls(struct sim *s, uint32_t ip, uint16_t port);
/*
 * An HTTP proxy (ep-proxy.c, borrowed) on ip:port, in place of any HTTP
 * service there.  Its upstream legs are sim-internal streams from ip to
 * the HTTP and HTTPS services of other hosts (never to another proxy),
 * with up's latency and jitter each way (NULL: none).  A leg to an
 * address no host has gets no answer (the proxy's 504); to a host that is
 * down or has no service on the port, a refusal (502).
 */
void		 sim_host_add_proxy(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_proxy *px, const struct sim_link *up);
void		 sim_host_add_tftp(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_tftp *t);	/* borrowed */
void		 sim_host_add_dns(struct sim *s, uint32_t ip,
		     struct ep_dns *d);	/* borrowed */
void		 sim_host_add_syslog(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_syslog *l);	/* borrowed */
/* A SIP NOTIFY sender on ip, its port ep_sip_create's (e borrowed). */
void		 sim_host_add_sip(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_sip *e);
/* Start a NOTIFY from the sender on ip:port now: its id, or 0. */
uint32_t	 sim_sip_notify(struct sim *s, uint32_t ip, uint16_t port,
		     const struct ep_sip_req *rq);
void		 sim_host_set_down(struct sim *s, uint32_t ip, int down);
/*
 * A shared uplink of bps bits per second (0 unlimited) for everything
 * ip's stream services send: the streams with data take turns, a segment
 * each (round robin), so n busy streams get 1/n of it each.
 */
void		 sim_host_set_uplink(struct sim *s, uint32_t ip, uint64_t bps);
void		 sim_phone_add(struct sim *s, struct sim_site *site,
		     struct phone *p);	/* takes p */
size_t		 sim_phone_count(const struct sim *s);
struct phone	*sim_phone(const struct sim *s, size_t i);
long		 sim_phone_by_ip(const struct sim *s, uint32_t ip);
const struct sim_site *sim_phone_site(const struct sim *s,
		     const struct phone *p);	/* or NULL */
/* Hand an event to a phone at the current time and run its actions. */
void		 sim_phone_event(struct sim *s, struct phone *p,
		     const struct emu_event *ev);
void		 sim_at(struct sim *s, emu_time at, sim_cb cb, void *arg);
emu_time	 sim_now(const struct sim *s);
/* The time of the next event, EMU_TIME_NEVER if there is none. */
emu_time	 sim_next(const struct sim *s);
/* Run events up to and including time until; returns events run.
 * sim_stop() from a callback leaves it after that event, now unmoved. */
uint64_t	 sim_run(struct sim *s, emu_time until);
void		 sim_stop(struct sim *s);
/*
 * The phones' I/O through a carrier outside the world: streams and
 * datagrams to a destination claims() takes go to it instead of the
 * simulated links (a write or close of a flow the world does not have,
 * too), and the carrier hands what comes back to sim_phone_event() as
 * CONNECTED, DATA, CLOSED, STREAM_ERROR and DGRAM events (after
 * runtime_sync()); every datagram flow's end (UNBIND) is told.  The
 * broadcasts of a site with no simulated DHCP server (sim_site_add() with
 * NULL) go to the carrier too: its DHCP is outside.  The host
 * runtime (real sockets) is such a carrier; io and arg are borrowed.
 */
struct sim_io {
	int	(*claims)(void *arg, uint32_t ip);
	void	(*open)(void *arg, struct phone *p,
		    const struct emu_act_open *o);
	void	(*write)(void *arg, struct phone *p, uint32_t flow,
		    const uint8_t *data, size_t len);
	void	(*close)(void *arg, struct phone *p, uint32_t flow);
	void	(*send)(void *arg, struct phone *p,
		    const struct emu_act_dgram *g, const uint8_t *data,
		    size_t len);
	void	(*unbind)(void *arg, struct phone *p, uint32_t flow);
};
void		 sim_set_io(struct sim *s, const struct sim_io *io,
		     void *arg);
void		 sim_set_log(struct sim *s, void (*cb)(void *, const char *),
		     void *arg);
void		 sim_set_note(struct sim *s, sim_note_cb cb, void *arg);
void		 sim_set_sent(struct sim *s, sim_sent_cb cb, void *arg);
struct sim_stats {
	uint64_t	 events;
	uint64_t	 dgrams, dgrams_lost, dgrams_unbound;
	uint64_t	 streams, streams_refused;
	uint64_t	 legs, legs_refused;	/* proxies' upstream streams */
};
const struct sim_stats *sim_stats(const struct sim *s);

/*
 * rt-realtime.c: the real-time driver.  Plays a sim on a libevent loop with virtual
 * time paced to the wall clock, speed times real time (speed > 0).  A
 * timer fires at the wall time of the next event and runs the sim up to
 * the virtual now; behind the clock (a slow machine), it catches up a
 * slice at a time, never skipping an event, so a run ends with the same
 * world as sim_run() to the same end.  sim and base are borrowed.
 *
 * rt_run_until() dispatches base until the virtual time reaches end (0)
 * or rt_stop() (1); other events on base (a UI) run meanwhile, and a
 * paused driver waits in the loop for rt_resume().  The virtual clock
 * starts at sim_now() and only runs inside rt_run_until().  rt_pause() freezes
 * the virtual clock (inside a sim callback: at that event's time);
 * rt_step() runs d of virtual time at once (d 0: up to the next event)
 * and returns the events run; rt_set_speed() keeps the virtual now.
 */
struct event_base;
struct rt;
struct rt	*rt_create(struct sim *s, struct event_base *base,
		     double speed);
void		 rt_free(struct rt *rt);
int		 rt_set_speed(struct rt *rt, double speed);	/* -1: bad */
double		 rt_speed(const struct rt *rt);
void		 rt_pause(struct rt *rt);
void		 rt_resume(struct rt *rt);
int		 rt_paused(const struct rt *rt);
uint64_t	 rt_step(struct rt *rt, emu_time d);
void		 rt_stop(struct rt *rt);
void		 rt_sync(struct rt *rt);	/* the world to the clock */
emu_time	 rt_now(const struct rt *rt);	/* the virtual clock */
int		 rt_run_until(struct rt *rt, emu_time end);
/* A libevent base with precise timers, for the driver. */
struct event_base *rt_base(void);
/* The whole run at speed on a base of its own: the events run. */
uint64_t	 rt_play(struct sim *s, emu_time until, double speed);

/*
 * rt-host.c: the host carrier.  Streams and datagrams of the phones of
 * rt's world to the addresses given to host_claim() go over kernel sockets
 * on base (the realtime runtime's); the rest stays simulated.
 * host_create() installs it (sim_set_io()), host_free() closes every
 * socket and takes it out.  Sockets of flows are capped (host_set_cap(),
 * by default the soft RLIMIT_NOFILE less 64): an open past the cap, or
 * refused for want of descriptors, waits in a FIFO queue until a socket
 * closes, and the phone's deadlines run meanwhile (docs/runtime.md).
 */
struct host_stats {
	uint64_t	 opens, connected, errors;
	uint64_t	 bytes_in, bytes_out, dgrams_in, dgrams_out;
	uint64_t	 queued;	/* opens that waited for a descriptor */
	uint64_t	 queue_peak;	/* the most waiting at once */
	uint64_t	 open_peak;	/* the most sockets open at once */
};
struct host;
struct runtime;
struct host	*host_create(struct runtime *rt, struct event_base *base);
void		 host_free(struct host *h);
void		 host_claim(struct host *h, uint32_t ip);
/*
 * The phones of site reach real servers from addrs (n of them, copied):
 * each phone from one, addrs[its index among the site's phones % n]; TCP
 * with IP_BIND_ADDRESS_NO_PORT.  Each address is bound once now: -1 with
 * *cause ("source 192.0.2.1 cannot be bound: ...") if one cannot be.
 */
int		 host_site_sources(struct host *h, const struct sim_site *site,
		     const uint32_t *addrs, size_t n, char **cause);
void		 host_set_cap(struct host *h, size_t cap);	/* >= 1 */
size_t		 host_cap(const struct host *h);
/* Streams and datagrams to ip:port go to ip:to; answers from ip:to come
 * from ip:port (a DNS server off port 53). */
void		 host_map(struct host *h, uint32_t ip, uint16_t port,
		     uint16_t to);
/*
 * The DHCP of site is a real server at server:sport, reached as a relay
 * agent does (RFC 2131 4.1, as perfdhcp): the phones' DHCP packets go with
 * giaddr = relay and hops 1 from relay:rport, unicast; the server answers
 * giaddr, and each answer goes to the phone its chaddr names.  rport other
 * than 67 adds the RFC 8357 relay-port sub-option (82/19) so a server
 * answers there (no root needed).  -1 with *cause if relay:rport cannot be
 * bound.
 */
int		 host_relay(struct host *h, const struct sim_site *site,
		     uint32_t server, uint16_t sport, uint32_t relay,
		     uint16_t rport, char **cause);
const struct host_stats *host_stats(const struct host *h);

/*
 * rt-serve.c: the simulated endpoints on kernel sockets, for real clients
 * (phonefleet serve, docs/serve.md).  Add each service with the name of
 * its host, its address and port in the scenario and its endpoint
 * (borrowed; it must outlive sv, and its observer becomes sv's), then
 * serve_listen() binds them all on the base and prints one line each:
 * on c->bind (0: 127.0.0.1, or a host's own by serve_bind()), each port
 * plus c->port_offset when c->has_offset, else plus SERVE_LOW_OFFSET below
 * 1024 when not root; a port another service of sv took goes one up.
 * serve_run() serves until SIGINT or SIGTERM, one access-log line per
 * request on log.  Functions that take a cause return 0, or -1 with
 * *cause (allocated) naming the service and address.
 */
#define SERVE_LOW_OFFSET	10000	/* added to ports below 1024 */
enum serve_kind {
	SERVE_HTTP,
	SERVE_HTTPS,
	SERVE_TFTP,
	SERVE_DNS,
	SERVE_DHCP,
	SERVE_SYSLOG
};
struct serve_conf {
	uint32_t	 bind;		/* host order; 0: 127.0.0.1 */
	int		 has_offset;
	int		 port_offset;	/* with has_offset: added to all */
	FILE		*log;		/* listening and access-log lines */
};
struct serve;
struct serve	*serve_create(struct event_base *base,
		     const struct serve_conf *c);
void		 serve_free(struct serve *sv);	/* closes every socket */
/* The endpoints of a service: HTTP http; HTTPS tls and the http behind
 * it; TFTP tftp; DNS dns; DHCP dhcp; SYSLOG syslog.  All borrowed. */
struct serve_ep {
	struct ep_http	*http;
	struct ep_tls	*tls;
	struct ep_tftp	*tftp;
	struct ep_dns	*dns;
	struct ep_dhcp	*dhcp;
	struct ep_syslog *syslog;
};
/* host is copied; ip and port are the service's in the scenario. */
void		 serve_add(struct serve *sv, enum serve_kind kind,
		     const char *host, uint32_t ip, uint16_t port,
		     const struct serve_ep *ep);
/* Bind the services of host (a name given to serve_add) on ip. */
void		 serve_bind(struct serve *sv, const char *host, uint32_t ip);
const char	*serve_kind_name(enum serve_kind kind);
int		 serve_listen(struct serve *sv, char **cause);
int		 serve_run(struct serve *sv);	/* 0 after a signal */

/*
 * runtime.c: the runtime interface (DESIGN.md).  fleet/ and ui/ drive the
 * world only through it: the clock, timers, running to a time, stepping,
 * pausing, the speed, stopping, and handing events to phones; the phones'
 * streams and datagrams are carried by the world's links or by a carrier
 * (sim_set_io()).  Two runtimes so far, one world under both:
 *	runtime_sim()		virtual time, as fast as possible (the default)
 *	runtime_realtime()	the world paced to the wall clock at a speed on
 *				a libevent base (rt-realtime.c), for --speed
 *				and the terminal UI
 * runtime_run() returns 0 when the world reached until, 1 when
 * runtime_stop() ended it first (stop is for good).  runtime_step() runs d
 * of virtual time (0: up to the next event) and returns the events run.
 * The sim runtime has no speed: runtime_set_speed() says -1, and pause only
 * holds runtime_run() back from starting.  runtime_event() and
 * runtime_at() bring the world to the clock first and re-arm after (for
 * realtime, whose clock runs between events).  s (and base) are borrowed.
 */
struct runtime;
struct runtime_ops {
	const char	*name;
	emu_time	(*now)(void *);
	int		(*run)(void *, emu_time until);
	uint64_t	(*step)(void *, emu_time d);
	void		(*stop)(void *);
	void		(*pause)(void *, int on);
	int		(*paused)(void *);
	int		(*set_speed)(void *, double);
	double		(*speed)(void *);
	void		(*sync)(void *);
	void		(*free)(void *);
};
struct runtime	*runtime_create(const struct runtime_ops *ops, void *arg,
		     struct sim *s);
struct runtime	*runtime_sim(struct sim *s);
struct runtime	*runtime_realtime(struct sim *s, struct event_base *base,
		     double speed);		/* rt-realtime.c */
void		 runtime_free(struct runtime *rt);
const char	*runtime_name(const struct runtime *rt);
struct sim	*runtime_world(const struct runtime *rt);
emu_time	 runtime_now(const struct runtime *rt);
emu_time	 runtime_next(const struct runtime *rt);	/* or NEVER */
void		 runtime_at(struct runtime *rt, emu_time at, sim_cb cb,
		     void *arg);
int		 runtime_run(struct runtime *rt, emu_time until);
uint64_t	 runtime_step(struct runtime *rt, emu_time d);
void		 runtime_stop(struct runtime *rt);
int		 runtime_stopped(const struct runtime *rt);
void		 runtime_pause(struct runtime *rt);
void		 runtime_resume(struct runtime *rt);
int		 runtime_paused(const struct runtime *rt);
int		 runtime_set_speed(struct runtime *rt, double speed);
double		 runtime_speed(const struct runtime *rt);	/* 0: unpaced */
uint64_t	 runtime_events(const struct runtime *rt);	/* so far */
/* Bring the world to the runtime's clock (realtime: it runs between
 * events), before a carrier hands a phone what came from outside. */
void		 runtime_sync(struct runtime *rt);
void		 runtime_event(struct runtime *rt, struct phone *p,
		     const struct emu_event *ev);

#endif /* PF_NETSIM_H */

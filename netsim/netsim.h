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

#include "../emu/emu.h"

struct ep_conn;
struct ep_dhcp;
struct ep_dns;
struct ep_http;
struct ep_tftp;
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
	const char	*user_agent;	/* may be NULL */
	const char	*authorization;	/* may be NULL */
	const uint8_t	*body;
	size_t		 body_len;
	int		 status;	/* HTTP status or TFTP error (0 ok) */
	emu_time	 now;
	const struct http_msg *http;	/* HTTP: the request (any header),
					   borrowed for the call; else NULL */
};
typedef void (*ep_observe_cb)(void *arg, const struct ep_request *req);

/* store.c: the provisioning server's files and per-MAC templates */
struct store	*store_create(void);
void		 store_free(struct store *st);
void		 store_add_file(struct store *st, const char *path,
		     const uint8_t *data, size_t len);
/* pattern has one '*'; in the body {{match}} {{mac}} {{MAC}} are replaced */
void		 store_add_template(struct store *st, const char *pattern,
		     const uint8_t *data, size_t len);
/* 0 and the body in out, or -1 not found */
int		 store_lookup(const struct store *st, const char *path,
		     struct dbuf *out);
/* 0 and the body borrowed from st (or built in tmp), or -1 not found */
int		 store_ref(const struct store *st, const char *path,
		     const uint8_t **data, size_t *len, struct dbuf *tmp);

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
void		 ep_dns_input(struct ep_dns *d, const uint8_t *pkt,
		     size_t len, uint32_t src_ip, uint16_t src_port,
		     uint32_t my_ip, emu_time now, struct ep_out *out);

/* ep-http.c: the embedded provisioning server, HTTP side */
struct ep_http	*ep_http_create(struct store *st);	/* st borrowed */
void		 ep_http_free(struct ep_http *h);
void		 ep_http_observe(struct ep_http *h, ep_observe_cb cb,
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

/* sim.c: the virtual-time runtime */
struct sim_link {
	emu_time	 latency;	/* one way */
	emu_time	 jitter;	/* + rand(0, jitter) */
	uint32_t	 loss_ppm;	/* datagrams lost per million */
};
typedef void (*sim_cb)(void *arg, emu_time now);
/* A phone's note (the statistics stream), with the phone's index. */
typedef void (*sim_note_cb)(void *arg, size_t phone, const struct emu_note *n,
		     emu_time now);
struct sim	*sim_create(struct emu_ctx *ctx, uint64_t seed);
void		 sim_free(struct sim *s);	/* frees sites, hosts, phones */
struct sim_site	*sim_site_add(struct sim *s, const char *name,
		     const struct sim_link *link, struct ep_dhcp *dhcp);
void		 sim_host_add_http(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_http *h);	/* borrowed */
void		 sim_host_add_tftp(struct sim *s, uint32_t ip, uint16_t port,
		     struct ep_tftp *t);	/* borrowed */
void		 sim_host_add_dns(struct sim *s, uint32_t ip,
		     struct ep_dns *d);	/* borrowed */
void		 sim_host_set_down(struct sim *s, uint32_t ip, int down);
void		 sim_phone_add(struct sim *s, struct sim_site *site,
		     struct phone *p);	/* takes p */
size_t		 sim_phone_count(const struct sim *s);
struct phone	*sim_phone(const struct sim *s, size_t i);
long		 sim_phone_by_ip(const struct sim *s, uint32_t ip);
/* Hand an event to a phone at the current time and run its actions. */
void		 sim_phone_event(struct sim *s, struct phone *p,
		     const struct emu_event *ev);
void		 sim_at(struct sim *s, emu_time at, sim_cb cb, void *arg);
emu_time	 sim_now(const struct sim *s);
/* Run events up to and including time until; returns events run. */
uint64_t	 sim_run(struct sim *s, emu_time until);
void		 sim_set_log(struct sim *s, void (*cb)(void *, const char *),
		     void *arg);
void		 sim_set_note(struct sim *s, sim_note_cb cb, void *arg);
struct sim_stats {
	uint64_t	 events;
	uint64_t	 dgrams, dgrams_lost, dgrams_unbound;
	uint64_t	 streams, streams_refused;
};
const struct sim_stats *sim_stats(const struct sim *s);

#endif /* PF_NETSIM_H */

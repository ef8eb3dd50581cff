/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One phone driven directly, without the sim runtime: the test plays the
 * DHCP, HTTP and TFTP servers, reads the phone's outbox with one cursor per
 * kind of action and jumps to the phone's next deadline.  Shared by the
 * unit tests that drive a whole phone (emu-phone.c, emu-lcd.c); include it
 * after cmocka.h and the emu header.  Functions are static inline so a
 * test that does not use one does not warn.
 */

#ifndef PF_TESTS_PHONE_HARNESS_H
#define PF_TESTS_PHONE_HARNESS_H

#define SRV_IP		"10.0.0.5"
#define PHONE_IP	0x0a000064	/* 10.0.0.100 */
#define DHCP_SRV	0x0a000001	/* 10.0.0.1 */
#define TFTP_TID	50001		/* the server's transfer id */
#define LEASE_S		604800
#define MA		"00562b043615"
#define UA		"Cisco-CP-8851-3PCC/12.0.7 (" MA ")"
#define PROFILE(x)	"<flat-profile>" x "</flat-profile>"
#define PROFILE_OK	PROFILE("<GPP_P>ok</GPP_P>")

static const uint8_t	test_mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

/* What the test reads from the outbox, one cursor per kind. */
enum kind {
	K_DHCP,		/* datagram to port 67 */
	K_UDP,		/* any other datagram: TFTP, DNS */
	K_OPEN,
	K_SEND,
	K_CLOSE,
	K_SYSLOG,
	K_SLOG,		/* datagram on the syslog flow */
	K_OTHER,
	K__COUNT
};

struct dhcp_opt_arg {
	int		 code;
	const char	*val;
};
#define OPTS(...) ((const struct dhcp_opt_arg[]){ __VA_ARGS__, { 0, NULL } })

struct h {
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct emu_outbox	 out;	/* every action of the test, in order */
	size_t			 cur[K__COUNT];
	emu_time		 now;
	uint32_t		 xid;
	emu_time		 bound_at;
	/* the HTTP exchange in progress */
	int			 stream;
	int			 stream_open;
	struct http_msg		 req;
	int			 req_init;
	/* the TFTP transfer in progress */
	uint32_t		 tftp_srv;
	uint16_t		 tftp_lport;	/* 0: the runtime's choice */
	uint32_t		 tftp_flow;
	struct emu_stats	 st;		/* folded from the notes */
	size_t			 st_cur;
};

/* Harness. */

static inline void
h_init(struct h *h, uint64_t seed)
{
	struct phone_conf	c;

	memset(h, 0, sizeof *h);
	memset(&c, 0, sizeof c);
	memcpy(c.mac, test_mac, 6);
	c.model = "CP-8851-3PCC";
	c.serial = "FCH2301ABCD";
	c.swver = "sip88xx.12-0-7MPP0301-92";
	h->ctx = emu_ctx_create(seed);
	h->p = phone_create(h->ctx, &c);
	emu_outbox_init(&h->out);
}

static inline void
h_fini(struct h *h)
{
	phone_free(h->p);
	emu_ctx_free(h->ctx);
	emu_outbox_free(&h->out);
	if (h->req_init)
		http_msg_clear(&h->req);
	memset(h, 0, sizeof *h);
}

static inline int
h_setup(void **state)
{
	struct h	*h;

	h = calloc(1, sizeof *h);
	assert_non_null(h);
	h_init(h, 1);
	*state = h;
	return (0);
}

static inline int
h_teardown(void **state)
{
	h_fini(*state);
	free(*state);
	return (0);
}

static inline void
set(struct h *h, const char *name, const char *value)
{
	char	*cause = NULL;

	if (phone_set(h->p, name, value, 0, &cause) != 0)
		fail_msg("%s: %s", name, cause);
}

static inline const char *
get(struct h *h, const char *name)
{
	const char	*v = phone_get(h->p, name);

	assert_non_null(v);
	return (v);
}

/*
 * What the tests count: the phone's notes folded as a fleet folds them,
 * plus its status page.
 */
struct tstats {
	uint32_t	 boots, reboots, dhcp_acks, resyncs, resync_ok;
	uint32_t	 resync_fail, fetches, requests;
	enum emu_class	 last_class;
	enum emu_err	 last_err;
	int		 last_status;
	emu_time	 last_resync_at;
	emu_time	 next_resync_at;
};

static inline const struct tstats *
stats(struct h *h)
{
	static struct tstats		 t;
	const struct phone_status	*ps = phone_status(h->p);

	for (; h->st_cur < h->out.n; h->st_cur++) {
		if (h->out.act[h->st_cur].type == EMU_ACT_NOTE)
			emu_stats_add(&h->st, &h->out.act[h->st_cur].u.note);
	}
	t.boots = h->st.boots;
	t.reboots = h->st.reboots;
	t.dhcp_acks = h->st.dhcp_acks;
	t.resyncs = h->st.resyncs;
	t.resync_ok = h->st.resync_ok;
	t.resync_fail = h->st.resync_fail;
	t.fetches = h->st.fetches;
	t.requests = h->st.requests;
	t.last_class = ps->last_class;
	t.last_err = ps->last_err;
	t.last_status = ps->last_status;
	t.last_resync_at = ps->last_resync_at;
	t.next_resync_at = ps->next_resync_at;
	return (&t);
}

static inline enum kind
act_kind(const struct emu_action *a)
{
	switch (a->type) {
	case EMU_ACT_DGRAM:
		if (a->u.dgram.flow == EMU_FLOW_SYSLOG)
			return (K_SLOG);
		return (a->u.dgram.dst_port == DHCP_SERVER_PORT ? K_DHCP :
		    K_UDP);
	case EMU_ACT_OPEN:
		return (K_OPEN);
	case EMU_ACT_SEND:
		return (K_SEND);
	case EMU_ACT_CLOSE:
		return (K_CLOSE);
	case EMU_ACT_SYSLOG:
		return (K_SYSLOG);
	default:
		return (K_OTHER);
	}
}

/* The next action of kind k not yet read, or NULL. */
static inline const struct emu_action *
take(struct h *h, enum kind k)
{
	size_t	i;

	for (i = h->cur[k]; i < h->out.n; i++) {
		if (act_kind(&h->out.act[i]) == k) {
			h->cur[k] = i + 1;
			return (&h->out.act[i]);
		}
	}
	return (NULL);
}

static inline const char *
act_text(struct h *h, const struct emu_action *a)
{
	return ((const char *)emu_act_data(&h->out, a));
}

static inline void
h_event(struct h *h, const struct emu_event *ev)
{
	size_t	i, first = h->out.n;

	phone_handle(h->p, ev, h->now, &h->out);
	for (i = first; i < h->out.n; i++) {
		if (h->out.act[i].type == EMU_ACT_CLOSE &&
		    h->out.act[i].u.flow == (uint32_t)h->stream)
			h->stream_open = 0;
	}
}

static inline void
h_simple(struct h *h, enum emu_ev_type type)
{
	h_event(h, &(struct emu_event){ .type = type });
}

/* Jump to the phone's deadline and let it fire. */
static inline void
h_timer(struct h *h)
{
	emu_time	t = phone_deadline(h->p);

	assert_true(t != EMU_TIME_NEVER);
	assert_true(t >= h->now);
	h->now = t;
	h_simple(h, EMU_EV_TIMER);
}

static inline void
h_resync(struct h *h, const char *rule)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_RESYNC, .text = rule });
}

static inline const char *
ipstr(uint32_t a)
{
	static char	buf[16];

	return (ipv4_str(a, buf));
}

/* DHCP server. */

static inline void
dhcp_take(struct h *h, struct dhcp_msg *m, enum dhcp_type want)
{
	const struct emu_action	*a = take(h, K_DHCP);
	char			*cause = NULL;

	assert_non_null(a);
	assert_int_equal(a->u.dgram.src_port, DHCP_CLIENT_PORT);
	assert_int_equal(a->u.dgram.flow, EMU_FLOW_DHCP);
	if (dhcp_parse(m, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("phone sent a bad DHCP message: %s", cause);
	assert_int_equal(m->op, 1);
	assert_memory_equal(m->chaddr, test_mac, 6);
	assert_int_equal(dhcp_type(m), want);
	h->xid = m->xid;
}

static inline void
dhcp_opt_add(struct dhcp_msg *m, int code, const char *val)
{
	uint8_t		 buf[64];
	size_t		 n = 0;
	uint32_t	 a;
	char		*copy, *s, *tok;

	if (code == 1 || code == 3 || code == 6 || code == 150) {
		copy = strdup(val);
		for (s = copy; (tok = strsep(&s, ",")) != NULL;) {
			assert_int_equal(ipv4_parse(tok, &a), 0);
			buf[n++] = a >> 24;
			buf[n++] = a >> 16;
			buf[n++] = a >> 8;
			buf[n++] = a;
		}
		free(copy);
		assert_int_equal(dhcp_opt_set(m, code, buf, n), 0);
	} else if (code == 51)
		assert_int_equal(dhcp_opt_set_u32(m, code, atoi(val)), 0);
	else
		assert_int_equal(dhcp_opt_set_str(m, code, val), 0);
}

static inline void
dhcp_reply(struct h *h, enum dhcp_type type, const struct dhcp_opt_arg *o)
{
	struct dhcp_msg	 m;
	struct dbuf	 b;
	size_t		 len;

	dhcp_init(&m);
	m.op = 2;
	m.htype = 1;
	m.hlen = 6;
	m.xid = h->xid;
	m.yiaddr = type == DHCPNAK ? 0 : PHONE_IP;
	memcpy(m.chaddr, test_mac, 6);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, type);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, DHCP_SRV);
	if (type != DHCPNAK) {
		for (; o != NULL && o->code != 0; o++)
			dhcp_opt_add(&m, o->code, o->val);
		if (dhcp_opt_get(&m, 1, &len) == NULL)
			dhcp_opt_add(&m, 1, "255.255.255.0");
		if (dhcp_opt_get(&m, 3, &len) == NULL)
			dhcp_opt_add(&m, 3, "10.0.0.1");
		if (dhcp_opt_get(&m, 51, &len) == NULL)
			dhcp_opt_set_u32(&m, 51, LEASE_S);
	}
	dbuf_init(&b);
	dhcp_write(&m, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .src_ip = DHCP_SRV, .src_port = DHCP_SERVER_PORT,
	    .flow = EMU_FLOW_DHCP, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

/* OFFER to the DISCOVER just read, REQUEST, ACK: the boot delay begins. */
static inline void
dhcp_answer(struct h *h, const struct dhcp_opt_arg *o)
{
	struct dhcp_msg	m;
	uint32_t	a;

	dhcp_reply(h, DHCPOFFER, o);
	dhcp_take(h, &m, DHCPREQUEST);
	assert_int_equal(dhcp_opt_get_u32(&m, DHCP_OPT_REQ_ADDR, &a), 0);
	assert_int_equal(a, PHONE_IP);
	dhcp_reply(h, DHCPACK, o);
	assert_int_equal(phone_ip(h->p), PHONE_IP);
	assert_int_equal(phone_state(h->p), PROV_BOOT_DELAY);
	h->bound_at = h->now;
}

static inline void
dhcp_handshake(struct h *h, const struct dhcp_opt_arg *o)
{
	struct dhcp_msg	m;

	dhcp_take(h, &m, DHCPDISCOVER);
	dhcp_answer(h, o);
}

static inline void
boot_with_options(struct h *h, const struct dhcp_opt_arg *o)
{
	h_simple(h, EMU_EV_POWER_ON);
	dhcp_handshake(h, o);
}

/* Option 66 = SRV_IP, then the boot delay: the first resync starts. */
static inline void
boot(struct h *h)
{
	boot_with_options(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
}

/* Profile_Rule set before power-on, then boot() and the first resync. */
static inline void
start(struct h *h, const char *rule)
{
	set(h, "Profile_Rule", rule);
	boot(h);
}

/* HTTP server. */

/* The phone opens a stream to ip:port: connect it and read the request. */
static inline void
expect_http(struct h *h, const char *ip, uint16_t port)
{
	const struct emu_action	*a;
	char			*cause = NULL;

	a = take(h, K_OPEN);
	assert_non_null(a);
	assert_string_equal(ipstr(a->u.open.dst_ip), ip);
	assert_int_equal(a->u.open.dst_port, port);
	h->stream = a->u.open.flow;
	h->stream_open = 1;
	h_event(h, &(struct emu_event){ .type = EMU_EV_CONNECTED,
	    .flow = h->stream });
	a = take(h, K_SEND);
	assert_non_null(a);
	assert_int_equal(a->u.flow, (uint32_t)h->stream);
	if (h->req_init)
		http_msg_clear(&h->req);
	http_msg_init(&h->req, 1, 1 << 20);
	h->req_init = 1;
	if (http_msg_feed(&h->req, emu_act_data(&h->out, a), a->len,
	    &cause) != HTTP_DONE)
		fail_msg("phone sent a bad request: %s", cause);
}

static inline const char *
req_header(struct h *h, const char *name)
{
	return (http_msg_header(&h->req, name));
}

/* Raw bytes from the server, step bytes per event, then EOF. */
static inline void
serve_raw(struct h *h, const void *data, size_t len, size_t step)
{
	const uint8_t	*d = data;
	size_t		 off, n;

	for (off = 0; off < len && h->stream_open; off += n) {
		n = len - off < step ? len - off : step;
		h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
		    .flow = h->stream, .data = d + off, .len = n });
	}
	if (h->stream_open) {
		h->stream_open = 0;
		h_event(h, &(struct emu_event){ .type = EMU_EV_CLOSED,
		    .flow = h->stream });
	}
}

static inline void
serve_http_bin(struct h *h, int status, const char *const *hdrs,
    const void *body, size_t len)
{
	struct dbuf	b;

	dbuf_init(&b);
	http_response_write(&b, 1, status, NULL, hdrs, body, len, 0);
	serve_raw(h, b.data, b.len, b.len);
	dbuf_clear(&b);
}

static inline void
serve_http(struct h *h, int status, const char *const *hdrs, const char *body)
{
	serve_http_bin(h, status, hdrs, body, body != NULL ? strlen(body) : 0);
}

#define HDRS(...)	((const char *const[]){ __VA_ARGS__, NULL })
#define BASIC_CHALLENGE	HDRS("WWW-Authenticate: Basic realm=\"prov\"")

/* DNS server (4.3, 9.7). */

#define DNS_IP		"10.0.0.53"
#define CLOUD_IP	"10.0.9.9"

/* A new phone of another model or firmware, in the same fleet. */
static inline void
h_phone(struct h *h, const char *model, const char *swver)
{
	struct phone_conf	c;

	memset(&c, 0, sizeof c);
	memcpy(c.mac, test_mac, 6);
	c.model = model;
	c.serial = "FCH2301ABCD";
	c.swver = swver;
	phone_free(h->p);
	h->p = phone_create(h->ctx, &c);
}

/* The same, unless the phone still has the answer cached (9.7). */
static inline void
dns_maybe(struct h *h, const char *name, const char *ip)
{
	const struct emu_action	*a = take(h, K_UDP);
	struct dns_msg		 q;
	struct dns_rr		 rr;
	struct dbuf		 b;
	char			*cause = NULL;

	if (a == NULL)
		return;
	assert_string_equal(ipstr(a->u.dgram.dst_ip), DNS_IP);
	assert_int_equal(a->u.dgram.dst_port, DNS_PORT);
	if (dns_parse(&q, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("phone sent a bad DNS query: %s", cause);
	assert_string_equal(q.qname, name);
	assert_int_equal(q.qtype, DNS_T_A);
	q.qr = 1;
	q.ra = 1;
	memset(&rr, 0, sizeof rr);
	pf_strlcpy(rr.name, name, sizeof rr.name);
	rr.type = DNS_T_A;
	rr.class = DNS_C_IN;
	rr.ttl = 300;
	assert_int_equal(ipv4_parse(ip, &rr.a), 0);
	assert_int_equal(dns_add_answer(&q, &rr), 0);
	dbuf_init(&b);
	dns_write(&q, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = a->u.dgram.flow, .src_ip = a->u.dgram.dst_ip,
	    .src_port = DNS_PORT, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

#endif /* PF_TESTS_PHONE_HARNESS_H */

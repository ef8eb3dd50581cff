/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * A whole phone driven by fuzzer bytes, shared by fuzz-phone.c,
 * fuzz-tftpc.c, fuzz-location.c, fuzz-digest.c and fuzz-aes.c.  emu/ is
 * sans-I/O, so the driver plays every server itself: it reads the phone's
 * actions after each call (DHCP requests, DNS queries, TFTP and stream
 * flows) and answers them by flow id, with what the bytes say: DHCP
 * answers, DNS answers, HTTP responses built from pieces (status, Location,
 * Digest and Basic challenges, chunked or sized bodies, gzip or AES bodies),
 * raw stream bytes, TFTP DATA/ERROR/OACK, EOF, resets and timer jumps.
 *
 * Bounded: at most DRV_STEPS operations per input, each consuming bytes; a
 * phone that keeps a deadline at or before the current time after
 * DRV_TIMER_SPIN timer events in a row is a livelock (abort).  A target
 * picks the setup (parameters before power-on) and weights of operations;
 * everything else is here.
 */

#ifndef PF_FUZZ_PHONE_DRV_H
#define PF_FUZZ_PHONE_DRV_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "emu/emu.h"

/* Each target uses part of the driver. */
#define DRV_UNUSED	__attribute__((unused))

#define DRV_STEPS	256	/* operations per input */
#define DRV_TIMER_SPIN	64	/* timer events without the clock moving */
#define DRV_STREAMS	8	/* stream flows remembered */
#define DRV_DGRAMS	8	/* DNS and TFTP flows remembered */
#define DRV_CHUNK_MAX	(64 * 1024)	/* bytes of one fuzzed piece */
#define DRV_SRV		0x0a000005	/* 10.0.0.5: servers */
#define DRV_DHCP_SRV	0x0a000001
#define DRV_DNS_SRV	0x0a000035	/* 10.0.0.53 */
#define DRV_PHONE_IP	0x0a000064

/* Operations. */
enum drv_op {
	DRV_OP_TIMER = 0,
	DRV_OP_DHCP,
	DRV_OP_DNS,
	DRV_OP_CONNECT,
	DRV_OP_HTTP,		/* a response built from pieces */
	DRV_OP_RAW,		/* raw bytes on a stream */
	DRV_OP_EOF,
	DRV_OP_RESET,
	DRV_OP_TFTP,
	DRV_OP_RESYNC,
	DRV_OP_SET,
	DRV_OP_POWER,
	DRV_OP__COUNT
};

/* The fuzzer's bytes, read front to back; zeros once spent. */
struct drv_in {
	const uint8_t	*d;
	size_t		 n, off;
};

struct drv_stream {
	uint32_t	 flow;
	int		 connected;
};
struct drv_dgram {
	uint32_t	 flow;
	uint32_t	 peer;		/* where the phone sent */
	uint16_t	 dport;
	uint16_t	 tid;		/* TFTP: the server's port once chosen */
	uint16_t	 dns_id;	/* DNS: the query */
	uint16_t	 qtype;
	char		 qname[DNS_NAME_MAX + 1];
	int		 is_dns;
	uint16_t	 block;		/* TFTP: next block to send */
};

struct drv {
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct emu_outbox	 out;
	emu_time		 now;
	struct drv_in		 in;
	uint32_t		 xid;	/* last DHCP request */
	int			 have_xid;
	struct drv_stream	 st[DRV_STREAMS];
	size_t			 nst;
	struct drv_dgram	 dg[DRV_DGRAMS];
	size_t			 ndg;
	const char		*key;	/* --key of the setup, or NULL */
	/* Target hooks: the weights of operations (0: never). */
	uint8_t			 weight[DRV_OP__COUNT];
	/* Optional: called with every request the phone writes. */
	void			(*on_send)(struct drv *, uint32_t,
				    const uint8_t *, size_t);
	void			*arg;
	int			 trace;	/* PF_FUZZ_TRACE set: log to stderr */
};

static const uint8_t drv_mac[6] = { 0x00, 0x56, 0x2b, 0x04, 0x36, 0x15 };

/* Parameters the SET operation picks from (value from the bytes). */
static const char *const drv_params[] = {
	"Profile_Rule", "Profile_Rule_B", "Upgrade_Rule", "GPP_A", "GPP_B",
	"Resync_Periodic", "Resync_Error_Retry_Delay", "Resync_Random_Delay",
	"Resync_At__HHmm_", "Resync_Trigger_1", "Profile_Authentication_Type",
	"Profile_Account_Username", "Profile_Account_Password",
	"Restricted_Access_Domains", "DHCP_Option_To_Use", "Proxy_Mode",
	"Proxy_Host", "Proxy_Port", "Proxy_Username", "Proxy_Password",
	"Log_Request_Msg", "Provision_Enable", "Resync_On_Reset",
	"Custom_CA_Rule", "IKM_HTTP_Encrypt_Content", "GPP_SA",
	"Forced_Resync_Delay", "Resync_Fails_On_FNF", "Upgrade_Enable",
};
#define DRV_NPARAMS	(sizeof drv_params / sizeof drv_params[0])

static uint8_t
drv_u8(struct drv_in *in)
{
	return (in->off < in->n ? in->d[in->off++] : 0);
}

static uint16_t
drv_u16(struct drv_in *in)
{
	uint16_t	v = drv_u8(in);

	return ((uint16_t)(v << 8 | drv_u8(in)));
}

static uint32_t
drv_u32(struct drv_in *in)
{
	uint32_t	v = drv_u16(in);

	return (v << 16 | drv_u16(in));
}

static DRV_UNUSED int
drv_done(const struct drv_in *in)
{
	return (in->off >= in->n);
}

/* A piece: a 16-bit length (capped by max and what is left), the bytes. */
static DRV_UNUSED const uint8_t *
drv_piece(struct drv_in *in, size_t max, size_t *len)
{
	size_t	n = drv_u16(in);

	if (n > max)
		n = max;
	if (n > in->n - in->off)
		n = in->n - in->off;
	*len = n;
	in->off += n;
	return (in->d + in->off - n);
}

/* A short string piece (length byte), NUL-terminated in buf. */
static DRV_UNUSED const char *
drv_str(struct drv_in *in, char *buf, size_t size)
{
	size_t	n = drv_u8(in);

	if (n >= size)
		n = size - 1;
	if (n > in->n - in->off)
		n = in->n - in->off;
	memcpy(buf, in->d + in->off, n);
	buf[n] = '\0';
	in->off += n;
	return (buf);
}

/* Read the phone's actions: remember flows, DHCP xid, DNS questions. */
static DRV_UNUSED void
drv_actions(struct drv *dv)
{
	size_t			 i, j;
	const struct emu_action	*a;
	const uint8_t		*data;

	for (i = 0; i < dv->out.n; i++) {
		a = &dv->out.act[i];
		data = emu_act_data(&dv->out, a);
		switch (a->type) {
		case EMU_ACT_DGRAM: {
			struct drv_dgram	*g = NULL;
			struct dhcp_msg		 m;
			struct dns_msg		 q;

			if (a->u.dgram.flow == EMU_FLOW_DHCP) {
				dhcp_init(&m);
				if (dhcp_parse(&m, data, a->len, NULL) == 0) {
					dv->xid = m.xid;
					dv->have_xid = 1;
				}
				break;
			}
			for (j = 0; j < dv->ndg; j++) {
				if (dv->dg[j].flow == a->u.dgram.flow)
					g = &dv->dg[j];
			}
			if (g == NULL) {
				if (dv->ndg == DRV_DGRAMS) {
					memmove(&dv->dg[0], &dv->dg[1],
					    (DRV_DGRAMS - 1) * sizeof dv->dg[0]);
					dv->ndg--;
				}
				g = &dv->dg[dv->ndg++];
				memset(g, 0, sizeof *g);
				g->flow = a->u.dgram.flow;
				g->block = 1;
			}
			g->peer = a->u.dgram.dst_ip;
			g->dport = a->u.dgram.dst_port;
			g->is_dns = a->u.dgram.dst_port == DNS_PORT;
			if (g->is_dns) {
				dns_init(&q);
				if (dns_parse(&q, data, a->len, NULL) == 0) {
					g->dns_id = q.id;
					g->qtype = q.qtype;
					snprintf(g->qname, sizeof g->qname,
					    "%s", q.qname);
				}
			}
			break;
		}
		case EMU_ACT_UNBIND:
			for (j = 0; j < dv->ndg; j++) {
				if (dv->dg[j].flow != a->u.flow)
					continue;
				memmove(&dv->dg[j], &dv->dg[j + 1],
				    (dv->ndg - j - 1) * sizeof dv->dg[0]);
				dv->ndg--;
				break;
			}
			break;
		case EMU_ACT_OPEN:
			if (dv->nst == DRV_STREAMS) {
				memmove(&dv->st[0], &dv->st[1],
				    (DRV_STREAMS - 1) * sizeof dv->st[0]);
				dv->nst--;
			}
			dv->st[dv->nst].flow = a->u.open.flow;
			dv->st[dv->nst].connected = 0;
			dv->nst++;
			break;
		case EMU_ACT_SEND:
			if (dv->on_send != NULL)
				dv->on_send(dv, a->u.flow, data, a->len);
			break;
		case EMU_ACT_CLOSE:
			for (j = 0; j < dv->nst; j++) {
				if (dv->st[j].flow != a->u.flow)
					continue;
				memmove(&dv->st[j], &dv->st[j + 1],
				    (dv->nst - j - 1) * sizeof dv->st[0]);
				dv->nst--;
				break;
			}
			break;
		default:
			if (dv->trace && a->type == EMU_ACT_LOG)
				fprintf(stderr, "%llu %s\n",
				    (unsigned long long)dv->now / 1000000,
				    (const char *)data);
			/* Log and syslog text must be NUL-terminated. */
			if ((a->type == EMU_ACT_LOG ||
			    a->type == EMU_ACT_SYSLOG) &&
			    strlen((const char *)data) != a->len)
				abort();
			break;
		}
	}
	emu_outbox_clear(&dv->out);
}

static DRV_UNUSED void
drv_event(struct drv *dv, const struct emu_event *ev)
{
	phone_handle(dv->p, ev, dv->now, &dv->out);
	drv_actions(dv);
}

/* The next deadline, or a jump; then every timer due, bounded. */
static DRV_UNUSED void
drv_timer(struct drv *dv)
{
	emu_time	dl = phone_deadline(dv->p), jump;
	int		spin;

	jump = EMU_SEC(drv_u16(&dv->in));
	if (dl == EMU_TIME_NEVER || (drv_u8(&dv->in) & 1))
		dv->now = EMU_TIME_ADD(dv->now, jump);
	else if (dl > dv->now)
		dv->now = dl;
	if (dv->now == EMU_TIME_NEVER)
		dv->now = EMU_TIME_NEVER - 1;
	for (spin = 0; phone_deadline(dv->p) <= dv->now; spin++) {
		if (spin == DRV_TIMER_SPIN) {
			/* Livelock: the clock never moves on. */
			fprintf(stderr, "deadline %llu stays at or before "
			    "%llu\n", (unsigned long long)phone_deadline(dv->p),
			    (unsigned long long)dv->now);
			abort();
		}
		drv_event(dv, &(struct emu_event){ .type = EMU_EV_TIMER });
	}
}

static DRV_UNUSED void
drv_dhcp(struct drv *dv)
{
	struct dhcp_msg	 m;
	struct dbuf	 b;
	uint8_t		 k = drv_u8(&dv->in), nopt, i, code;
	const uint8_t	*v;
	size_t		 len;
	static const uint8_t codes[] = { 66, 150, 159, 160, 43, 15, 6, 3, 1,
	    51, 58, 59, 54, 125, 2, 42 };

	if (!dv->have_xid)
		return;
	dhcp_init(&m);
	m.op = 2;
	m.htype = 1;
	m.hlen = 6;
	m.xid = (k & 0x80) ? drv_u32(&dv->in) : dv->xid;
	m.yiaddr = (k & 0x40) ? drv_u32(&dv->in) : DRV_PHONE_IP;
	memcpy(m.chaddr, drv_mac, 6);
	/* OFFER, ACK or NAK; sometimes no type at all. */
	if ((k & 3) != 3)
		dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, (k & 3) == 0 ? DHCPOFFER :
		    (k & 3) == 1 ? DHCPACK : DHCPNAK);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, DRV_DHCP_SRV);
	if (!(k & 0x20)) {
		dhcp_opt_set_u32(&m, 1, 0xffffff00);
		dhcp_opt_set_u32(&m, 3, DRV_DHCP_SRV);
		dhcp_opt_set_u32(&m, 6, DRV_DNS_SRV);
		dhcp_opt_set_u32(&m, 51, 60 + drv_u16(&dv->in));
	}
	nopt = drv_u8(&dv->in) % 6;
	for (i = 0; i < nopt; i++) {
		code = drv_u8(&dv->in);
		if (code < 0x80)
			code = codes[code % sizeof codes];
		v = drv_piece(&dv->in, 255, &len);
		(void)dhcp_opt_set(&m, code, v, len);
	}
	dbuf_init(&b);
	dhcp_write(&m, &b);
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = EMU_FLOW_DHCP, .src_ip = DRV_DHCP_SRV,
	    .src_port = DHCP_SERVER_PORT, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

static DRV_UNUSED struct drv_dgram *
drv_pick_dgram(struct drv *dv, int dns)
{
	size_t	i, n = 0, want = drv_u8(&dv->in);

	for (i = 0; i < dv->ndg; i++) {
		if (dv->dg[i].is_dns == dns)
			n++;
	}
	if (n == 0)
		return (NULL);
	want %= n;
	for (i = 0; i < dv->ndg; i++) {
		if (dv->dg[i].is_dns == dns && want-- == 0)
			return (&dv->dg[i]);
	}
	return (NULL);
}

static DRV_UNUSED void
drv_dns(struct drv *dv)
{
	struct drv_dgram	*g = drv_pick_dgram(dv, 1);
	struct dns_msg		 m;
	struct dns_rr		 rr;
	struct dbuf		 b;
	uint8_t			 k, n, i, t;
	char			 name[DNS_NAME_MAX + 1];
	const uint8_t		*raw;
	size_t			 len;

	if (g == NULL)
		return;
	k = drv_u8(&dv->in);
	dbuf_init(&b);
	if (k & 0x80) {
		/* Raw bytes under the right id. */
		raw = drv_piece(&dv->in, DNS_MSG_MAX, &len);
		dbuf_add_u8(&b, g->dns_id >> 8);
		dbuf_add_u8(&b, g->dns_id & 0xff);
		if (len > 2)
			dbuf_add(&b, raw + 2, len - 2);
	} else {
		dns_init(&m);
		dns_query(&m, g->dns_id, g->qname, g->qtype);
		m.qr = 1;
		m.rd = m.ra = 1;
		m.rcode = (k & 0x40) ? k % 6 : 0;
		n = drv_u8(&dv->in) % 6;
		for (i = 0; i < n; i++) {
			memset(&rr, 0, sizeof rr);
			t = drv_u8(&dv->in);
			if (t & 0x80)
				snprintf(rr.name, sizeof rr.name, "%s",
				    drv_str(&dv->in, name, sizeof name));
			else
				snprintf(rr.name, sizeof rr.name, "%s",
				    g->qname);
			rr.class = DNS_C_IN;
			rr.ttl = drv_u16(&dv->in);
			switch (t % 3) {
			case 0:
				rr.type = DNS_T_A;
				rr.a = (t & 0x40) ? drv_u32(&dv->in) : DRV_SRV;
				break;
			case 1:
				rr.type = DNS_T_SRV;
				rr.prio = drv_u8(&dv->in);
				rr.weight = drv_u8(&dv->in);
				rr.port = (t & 0x40) ? drv_u16(&dv->in) : 80;
				snprintf(rr.target, sizeof rr.target, "%s",
				    drv_str(&dv->in, name, sizeof name));
				break;
			default:
				rr.type = DNS_T_CNAME;
				snprintf(rr.target, sizeof rr.target, "%s",
				    drv_str(&dv->in, name, sizeof name));
				break;
			}
			(void)dns_add_answer(&m, &rr);
		}
		dns_write(&m, &b);
	}
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = g->flow, .src_ip = g->peer, .src_port = DNS_PORT,
	    .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

static DRV_UNUSED struct drv_stream *
drv_pick_stream(struct drv *dv)
{
	if (dv->nst == 0)
		return (NULL);
	/* Mostly the newest stream: that is the one waiting. */
	if (drv_u8(&dv->in) & 0x80)
		return (&dv->st[drv_u8(&dv->in) % dv->nst]);
	return (&dv->st[dv->nst - 1]);
}

/* A stream the phone asked for, connected first if it was not. */
static DRV_UNUSED struct drv_stream *
drv_stream(struct drv *dv)
{
	struct drv_stream	*s = drv_pick_stream(dv);
	uint32_t		 flow;
	size_t			 i;

	if (s == NULL || s->connected)
		return (s);
	s->connected = 1;
	flow = s->flow;
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_CONNECTED,
	    .flow = flow });
	/* The phone may have closed it meanwhile. */
	for (i = 0; i < dv->nst; i++) {
		if (dv->st[i].flow == flow)
			return (&dv->st[i]);
	}
	return (NULL);
}

/* Send b on flow, cut in up to three segments. */
static DRV_UNUSED void
drv_segments(struct drv *dv, uint32_t flow, const struct dbuf *b)
{
	size_t	off = 0, n, left, i, j;
	int	open;

	for (i = 0; i < 3 && off < b->len; i++) {
		left = b->len - off;
		n = i == 2 ? left : (size_t)drv_u16(&dv->in) % (left + 1);
		if (n == 0)
			n = left;
		open = 0;
		for (j = 0; j < dv->nst; j++)
			open |= dv->st[j].flow == flow;
		if (!open)
			return;
		drv_event(dv, &(struct emu_event){ .type = EMU_EV_DATA,
		    .flow = flow, .data = b->data + off, .len = n });
		off += n;
	}
}

/* gzip (RFC 1952) of data into b. */
static DRV_UNUSED void
drv_gzip(const uint8_t *data, size_t len, struct dbuf *b)
{
	z_stream	z;
	uint8_t		buf[4096];
	int		rc;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = len;
	do {
		z.next_out = buf;
		z.avail_out = sizeof buf;
		rc = deflate(&z, Z_FINISH);
		dbuf_add(b, buf, sizeof buf - z.avail_out);
	} while (rc == Z_OK);
	deflateEnd(&z);
}

/* openssl enc -aes-256-cbc -md sha256 -k key: "Salted__", salt, data. */
static DRV_UNUSED void
drv_encrypt(const char *key, const uint8_t *salt, const uint8_t *data,
    size_t len, struct dbuf *b)
{
	EVP_CIPHER_CTX	*c;
	unsigned char	 k[32], iv[16];
	uint8_t		*outb;
	int		 n = 0, m = 0;

	if (EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), salt,
	    (const unsigned char *)key, strlen(key), 1, k, iv) == 0)
		abort();
	outb = malloc(len + 32);
	c = EVP_CIPHER_CTX_new();
	if (c == NULL || outb == NULL ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv) != 1 ||
	    EVP_EncryptUpdate(c, outb, &n, data, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(c, outb + n, &m) != 1)
		abort();
	EVP_CIPHER_CTX_free(c);
	dbuf_add(b, "Salted__", 8);
	dbuf_add(b, salt, 8);
	dbuf_add(b, outb, n + m);
	free(outb);
}

/* Header lines a response picks from; %s is a fuzzed string. */
static const char *const drv_hdrs[] = {
	"Location: %s",
	"Location: http://10.0.0.5/%s",
	"Location: https://prov.example.com:8443/%s",
	"WWW-Authenticate: Digest realm=\"%s\", nonce=\"abc\", qop=\"auth\", "
	    "algorithm=MD5",
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"%s\", opaque=\"o\"",
	"WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", algorithm=%s",
	"WWW-Authenticate: Basic realm=\"%s\"",
	"WWW-Authenticate: %s",
	"Proxy-Authenticate: Digest realm=\"p\", nonce=\"%s\"",
	"Content-Encoding: %s",
	"Content-Encoding: aes128gcm",
	"Content-Encoding: gzip",
	"Content-Length: %s",
	"Transfer-Encoding: chunked",
	"Connection: close",
	"Content-Type: text/xml",
	"%s",
};
#define DRV_NHDRS	(sizeof drv_hdrs / sizeof drv_hdrs[0])

/*
 * A response from pieces.  Body kinds: raw, a flat profile around the
 * bytes, that gzipped, that encrypted with the setup's key.
 */
static DRV_UNUSED void
drv_http(struct drv *dv)
{
	struct drv_stream	*s = drv_stream(dv);
	struct dbuf		 b, body, tmp;
	uint8_t			 k, nh, i, h;
	uint16_t		 status;
	const uint8_t		*raw, *salt;
	size_t			 len, off, n;
	char			 str[256];
	const char		*pct;
	int			 chunked = 0, sized;
	static const uint16_t	 statuses[] = { 200, 200, 301, 302, 303, 307,
	    308, 401, 407, 404, 403, 500, 503, 100, 204, 304 };

	if (s == NULL)
		return;
	k = drv_u8(&dv->in);
	status = (k & 0x80) ? drv_u16(&dv->in) % 1000 :
	    statuses[k % (sizeof statuses / sizeof statuses[0])];
	dbuf_init(&b);
	dbuf_init(&body);
	dbuf_init(&tmp);
	dbuf_printf(&b, "HTTP/1.%d %u X\r\n", (k & 0x40) ? 0 : 1, status);
	nh = drv_u8(&dv->in) % 8;
	for (i = 0; i < nh; i++) {
		h = drv_u8(&dv->in) % DRV_NHDRS;
		if (drv_hdrs[h] == drv_hdrs[13])
			chunked = 1;
		drv_str(&dv->in, str, sizeof str);
		if ((pct = strstr(drv_hdrs[h], "%s")) != NULL) {
			dbuf_add(&b, drv_hdrs[h], pct - drv_hdrs[h]);
			dbuf_add_str(&b, str);
			dbuf_add_str(&b, pct + 2);
		} else
			dbuf_add_str(&b, drv_hdrs[h]);
		dbuf_add_str(&b, "\r\n");
	}
	raw = drv_piece(&dv->in, DRV_CHUNK_MAX, &len);
	switch (drv_u8(&dv->in) % 4) {
	case 0:
		dbuf_add(&body, raw, len);
		break;
	case 1:
		dbuf_add_str(&body, "<flat-profile>");
		dbuf_add(&body, raw, len);
		dbuf_add_str(&body, "</flat-profile>");
		break;
	case 2:
		dbuf_add_str(&tmp, "<flat-profile>");
		dbuf_add(&tmp, raw, len);
		dbuf_add_str(&tmp, "</flat-profile>");
		drv_gzip(tmp.data, tmp.len, &body);
		break;
	default:
		dbuf_add_str(&tmp, "<flat-profile>");
		dbuf_add(&tmp, raw, len);
		dbuf_add_str(&tmp, "</flat-profile>");
		if (drv_u8(&dv->in) & 1) {
			struct dbuf	gz;

			dbuf_init(&gz);
			drv_gzip(tmp.data, tmp.len, &gz);
			dbuf_reset(&tmp);
			dbuf_add(&tmp, gz.data, gz.len);
			dbuf_clear(&gz);
		}
		salt = drv_piece(&dv->in, 8, &n);
		if (n == 8)
			drv_encrypt(dv->key != NULL ? dv->key : "k", salt,
			    tmp.data, tmp.len, &body);
		else
			dbuf_add(&body, tmp.data, tmp.len);
		/* A flipped or cut byte: the key check must hold. */
		k = drv_u8(&dv->in);
		if ((k & 0x80) && body.len > 0)
			body.data[drv_u16(&dv->in) % body.len] ^= k;
		if ((k & 0x40) && body.len > 0)
			body.len -= drv_u16(&dv->in) % body.len;
		break;
	}
	sized = !chunked && (drv_u8(&dv->in) & 1);
	if (sized)
		dbuf_printf(&b, "Content-Length: %zu\r\n", body.len);
	dbuf_add_str(&b, "\r\n");
	if (chunked && (drv_u8(&dv->in) & 1)) {
		for (off = 0; off < body.len; off += n) {
			n = 1 + drv_u16(&dv->in) % 4096;
			if (n > body.len - off)
				n = body.len - off;
			dbuf_printf(&b, "%zx\r\n", n);
			dbuf_add(&b, body.data + off, n);
			dbuf_add_str(&b, "\r\n");
		}
		dbuf_add_str(&b, "0\r\n\r\n");
	} else
		dbuf_add(&b, body.data, body.len);
	drv_segments(dv, s->flow, &b);
	dbuf_clear(&b);
	dbuf_clear(&body);
	dbuf_clear(&tmp);
}

static DRV_UNUSED void
drv_raw(struct drv *dv)
{
	struct drv_stream	*s = drv_stream(dv);
	const uint8_t		*raw;
	size_t			 len;

	if (s == NULL)
		return;
	raw = drv_piece(&dv->in, DRV_CHUNK_MAX, &len);
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = s->flow, .data = raw, .len = len });
}

/* The server side of flow ends: EOF or (reset) an error; 0 if not open. */
static DRV_UNUSED int
drv_close(struct drv *dv, uint32_t flow, int reset)
{
	size_t	i;

	for (i = 0; i < dv->nst; i++) {
		if (dv->st[i].flow == flow)
			break;
	}
	if (i == dv->nst)
		return (0);
	/* No more events for it from this side. */
	memmove(&dv->st[i], &dv->st[i + 1], (dv->nst - i - 1) *
	    sizeof dv->st[0]);
	dv->nst--;
	if (reset)
		drv_event(dv, &(struct emu_event){
		    .type = EMU_EV_STREAM_ERROR, .flow = flow,
		    .err = drv_u8(&dv->in) % EMU_E__COUNT });
	else
		drv_event(dv, &(struct emu_event){ .type = EMU_EV_CLOSED,
		    .flow = flow });
	return (1);
}

static DRV_UNUSED void
drv_eof(struct drv *dv, int reset)
{
	struct drv_stream	*s = drv_pick_stream(dv);

	if (s != NULL)
		(void)drv_close(dv, s->flow, reset);
}

static DRV_UNUSED void
drv_tftp(struct drv *dv)
{
	struct drv_dgram	*g = drv_pick_dgram(dv, 0);
	struct tftp_pkt		 t;
	struct dbuf		 b;
	uint8_t			 k;
	const uint8_t		*raw;
	size_t			 len;
	char			 msg[TFTP_MSG_MAX + 1];
	uint16_t		 sport;
	uint32_t		 sip;

	if (g == NULL)
		return;
	k = drv_u8(&dv->in);
	if (g->tid == 0)
		g->tid = 1024 + drv_u16(&dv->in) % 60000;
	sport = (k & 0x80) ? drv_u16(&dv->in) : g->tid;
	sip = (k & 0x40) ? drv_u32(&dv->in) : g->peer;
	tftp_init(&t);
	dbuf_init(&b);
	switch (k % 5) {
	case 0:
	case 1:
		t.op = TFTP_DATA;
		t.block = (k & 0x20) ? drv_u16(&dv->in) : g->block;
		/* A full block (512) keeps the transfer going. */
		if (k & 0x10) {
			raw = drv_piece(&dv->in, TFTP_BLKSIZE, &len);
			t.data = raw;
			t.len = len;
		} else {
			static const uint8_t	fill[TFTP_BLKSIZE];

			t.data = fill;
			t.len = (k & 0x08) ? TFTP_BLKSIZE : drv_u16(&dv->in) %
			    TFTP_BLKSIZE;
		}
		if (t.block == g->block)
			g->block++;
		tftp_write(&t, &b);
		break;
	case 2:
		t.op = TFTP_ERROR;
		t.code = drv_u8(&dv->in) % 10;
		snprintf(t.msg, sizeof t.msg, "%s",
		    drv_str(&dv->in, msg, sizeof msg));
		tftp_write(&t, &b);
		break;
	case 3:
		t.op = TFTP_OACK;
		t.blksize = (k & 0x20) ? (long)drv_u16(&dv->in) : -1;
		t.tsize = (k & 0x10) ? (long)drv_u32(&dv->in) : -1;
		t.timeout = (k & 0x08) ? (long)drv_u8(&dv->in) : -1;
		tftp_write(&t, &b);
		break;
	default:
		raw = drv_piece(&dv->in, 1024, &len);
		dbuf_add(&b, raw, len);
		break;
	}
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = g->flow, .src_ip = sip, .src_port = sport,
	    .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

/* Rules the RESYNC and SET operations start from. */
static const char *const drv_rules[] = {
	"http://10.0.0.5/p.xml",
	"https://prov.example.com/p.xml",
	"tftp://10.0.0.5/p.xml",
	"[--key secret]http://10.0.0.5/p.xml.enc",
	"/$MA.xml",
	"http://prov.example.com:8080/$PN/$MA.xml",
	"[--uid u --pwd p]http://10.0.0.5/auth.xml",
	"[--srv]http://example.com/p.xml",
	"($GPP_A == \"x\")? http://10.0.0.5/a.xml ! http://10.0.0.5/b.xml",
	"tftp://10.0.0.5:6969/$SN.cfg",
};
#define DRV_NRULES	(sizeof drv_rules / sizeof drv_rules[0])

static DRV_UNUSED const char *
drv_text(struct drv *dv, char *buf, size_t size)
{
	uint8_t	k = drv_u8(&dv->in);
	char	tail[256];

	if (k & 0x80)
		return (drv_str(&dv->in, buf, size));
	snprintf(buf, size, "%s%s", drv_rules[(k & 0x3f) % DRV_NRULES],
	    (k & 0x40) ? drv_str(&dv->in, tail, sizeof tail) : "");
	return (buf);
}

static DRV_UNUSED void
drv_set(struct drv *dv)
{
	char		 buf[512], *cause = NULL;
	const char	*name = drv_params[drv_u8(&dv->in) % DRV_NPARAMS];
	const char	*v = drv_text(dv, buf, sizeof buf);

	if (drv_u8(&dv->in) & 1) {
		drv_event(dv, &(struct emu_event){ .type = EMU_EV_SET_PARAM,
		    .name = name, .text = v });
		return;
	}
	if (phone_set(dv->p, name, v, 0, &cause) != 0)
		free(cause);
}

static DRV_UNUSED void
drv_power(struct drv *dv)
{
	static const enum emu_ev_type	types[] = { EMU_EV_POWER_OFF,
	    EMU_EV_POWER_ON, EMU_EV_REBOOT, EMU_EV_FACTORY_RESET,
	    EMU_EV_KEY, EMU_EV_ACTIVATE };
	enum emu_ev_type		t;
	char				buf[64];

	t = types[drv_u8(&dv->in) % (sizeof types / sizeof types[0])];
	drv_event(dv, &(struct emu_event){ .type = t,
	    .key = drv_u8(&dv->in), .flags = drv_u8(&dv->in) & 1,
	    .text = t == EMU_EV_ACTIVATE ? drv_str(&dv->in, buf, sizeof buf) :
	    NULL });
}

static DRV_UNUSED void
drv_init(struct drv *dv, const uint8_t *data, size_t size)
{
	struct phone_conf	c;

	memset(dv, 0, sizeof *dv);
	dv->in.d = data;
	dv->in.n = size;
	memset(&c, 0, sizeof c);
	memcpy(c.mac, drv_mac, 6);
	c.model = "CP-8851-3PCC";
	c.serial = "FCH2301ABCD";
	c.key_group = -1;
	dv->ctx = emu_ctx_create(1);
	if (getenv("PF_FUZZ_TRACE") != NULL) {
		dv->trace = 1;
		dv->ctx->trace = TRACE_ALL;
	}
	dv->p = phone_create(dv->ctx, &c);
	emu_outbox_init(&dv->out);
	memset(dv->weight, 1, sizeof dv->weight);
}

/* Set a parameter before power-on; a bad value is the target's bug. */
static DRV_UNUSED void
drv_param(struct drv *dv, const char *name, const char *value)
{
	char	*cause = NULL;

	if (phone_set(dv->p, name, value, 0, &cause) != 0) {
		fprintf(stderr, "%s: %s\n", name, cause);
		abort();
	}
}

/* A fixed DHCP answer (no bytes read): type, option 66 = opt66. */
static DRV_UNUSED void
drv_dhcp_fixed(struct drv *dv, enum dhcp_type type, const char *opt66)
{
	struct dhcp_msg	 m;
	struct dbuf	 b;

	dhcp_init(&m);
	m.op = 2;
	m.htype = 1;
	m.hlen = 6;
	m.xid = dv->xid;
	m.yiaddr = DRV_PHONE_IP;
	memcpy(m.chaddr, drv_mac, 6);
	dhcp_opt_set_u8(&m, DHCP_OPT_MSG_TYPE, type);
	dhcp_opt_set_u32(&m, DHCP_OPT_SERVER_ID, DRV_DHCP_SRV);
	dhcp_opt_set_u32(&m, 1, 0xffffff00);
	dhcp_opt_set_u32(&m, 3, DRV_DHCP_SRV);
	dhcp_opt_set_u32(&m, 6, DRV_DNS_SRV);
	dhcp_opt_set_u32(&m, 51, 86400);
	if (opt66 != NULL)
		dhcp_opt_set_str(&m, 66, opt66);
	dbuf_init(&b);
	dhcp_write(&m, &b);
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = EMU_FLOW_DHCP, .src_ip = DRV_DHCP_SRV,
	    .src_port = DHCP_SERVER_PORT, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

/*
 * Power on, DHCP bound, boot delay over, all without reading bytes: the
 * first resync has started when this returns.
 */
static DRV_UNUSED void
drv_boot(struct drv *dv)
{
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_POWER_ON });
	drv_dhcp_fixed(dv, DHCPOFFER, "10.0.0.5");
	drv_dhcp_fixed(dv, DHCPACK, "10.0.0.5");
	if (phone_deadline(dv->p) != EMU_TIME_NEVER &&
	    phone_deadline(dv->p) > dv->now)
		dv->now = phone_deadline(dv->p);
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_TIMER });
}

/* Power on, then operations by weight until the bytes or steps run out. */
static DRV_UNUSED void
drv_run(struct drv *dv)
{
	unsigned	total = 0, pick, i, step;
	char		buf[512];

	for (i = 0; i < DRV_OP__COUNT; i++)
		total += dv->weight[i];
	drv_event(dv, &(struct emu_event){ .type = EMU_EV_POWER_ON });
	for (step = 0; step < DRV_STEPS && !drv_done(&dv->in); step++) {
		pick = drv_u8(&dv->in) % total;
		for (i = 0; pick >= dv->weight[i]; i++)
			pick -= dv->weight[i];
		switch (i) {
		case DRV_OP_TIMER:
			drv_timer(dv);
			break;
		case DRV_OP_DHCP:
			drv_dhcp(dv);
			break;
		case DRV_OP_DNS:
			drv_dns(dv);
			break;
		case DRV_OP_CONNECT:
			(void)drv_stream(dv);
			break;
		case DRV_OP_HTTP:
			drv_http(dv);
			break;
		case DRV_OP_RAW:
			drv_raw(dv);
			break;
		case DRV_OP_EOF:
		case DRV_OP_RESET:
			drv_eof(dv, i == DRV_OP_RESET);
			break;
		case DRV_OP_TFTP:
			drv_tftp(dv);
			break;
		case DRV_OP_RESYNC:
			drv_event(dv, &(struct emu_event){
			    .type = EMU_EV_RESYNC, .text = (drv_u8(&dv->in) &
			    1) ? drv_text(dv, buf, sizeof buf) : NULL });
			break;
		case DRV_OP_SET:
			drv_set(dv);
			break;
		default:
			drv_power(dv);
			break;
		}
		/* Observation must hold together at any point. */
		(void)phone_status(dv->p);
		if (phone_last_url(dv->p) != NULL)
			(void)strlen(phone_last_url(dv->p));
		if (phone_last_errmsg(dv->p) != NULL)
			(void)strlen(phone_last_errmsg(dv->p));
	}
}

static DRV_UNUSED void
drv_fini(struct drv *dv)
{
	phone_free(dv->p);
	emu_ctx_free(dv->ctx);
	emu_outbox_free(&dv->out);
}

#endif /* PF_FUZZ_PHONE_DRV_H */

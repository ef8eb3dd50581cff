/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The provisioning server's TFTP side (spec 10): RFC 1350 read requests with
 * the RFC 2347 option extension, RFC 2348 blksize (capped at 1428, as common
 * servers do, so a block fits an Ethernet frame) and RFC 2349 tsize.  Each
 * RRQ to the well-known port starts a transfer on a new server TID taken
 * from 49152 upward, as tftpd-hpa does, so a symmetric NAT drops the replies
 * as it would in the field.  Lock-step: one DATA block in flight, resent
 * after 1 s, at most 5 times.  Writes are refused.  Faults (STYLE.md 9)
 * turn a request into an error code, silence, a late answer or a transfer
 * aborted half-way.  A generated file (a firmware image, 12.3) is made a
 * block at a time from store_gen_fill, never whole, so a 30 MB image costs
 * the server one block per transfer.  Sans-I/O: datagrams and time in,
 * actions out.
 */

#include <stdlib.h>
#include <string.h>

#include "netsim.h"

#define EP_TFTP_TID_FIRST 49152
#define EP_TFTP_TID_LAST 65535
#define EP_TFTP_BLKSIZE_CAP 1428
#define EP_TFTP_RTO EMU_SEC(1)
#define EP_TFTP_RETRIES 5

struct ep_tftp_xfer {
	uint16_t port; /* our TID; key in the map */
	uint32_t peer_ip;
	uint16_t peer_port;
	uint8_t *data;               /* the file, owned (NULL when gen) */
	const struct store_gen *gen; /* borrowed from the store, or NULL */
	uint64_t len;
	struct dbuf blk; /* gen: the block being sent */
	size_t blksize;
	uint32_t nblocks; /* DATA blocks, the last shorter than blksize */
	uint32_t sent;    /* last block sent; 0 while the OACK waits */
	int truncate;     /* TRUNCATE: abort after half the blocks */
	int retries;
	struct dbuf last; /* the packet to resend */
	struct heap_ent timer;
	TAILQ_ENTRY(ep_tftp_xfer) entry;
};
TAILQ_HEAD(ep_tftp_xfers, ep_tftp_xfer);

struct ep_tftp {
	struct store *st; /* borrowed */
	uint32_t my_ip;
	uint16_t port;
	ep_observe_cb cb;
	void *cb_arg;
	struct ep_fault *fault;
	int *fault_count; /* count each fault was added with */
	size_t nfault;
	struct hmap xfers; /* TID -> transfer */
	struct ep_tftp_xfers list;
	struct heap timers;
	uint16_t next_port;
	struct ep_tftp_stats stats;
};

static const char *const ep_tftp_errmsg[] = { "Not defined", "File not found",
	"Access violation", "Disk full or allocation exceeded",
	"Illegal TFTP operation", "Unknown transfer ID", "File already exists",
	"No such user", "Option negotiation failed" };

static void ep_tftp_rrq(struct ep_tftp *, const struct tftp_pkt *, uint32_t,
    uint16_t, emu_time, struct ep_out *);
static void ep_tftp_xfer_input(struct ep_tftp *, struct ep_tftp_xfer *,
    const uint8_t *, size_t, uint32_t, uint16_t, emu_time, struct ep_out *);
static struct ep_fault *ep_tftp_fault(struct ep_tftp *, const char *);
static void ep_tftp_observe_rrq(struct ep_tftp *, const char *, uint32_t, int, int,
    uint64_t, emu_time);
static uint16_t ep_tftp_alloc_port(struct ep_tftp *);
static void ep_tftp_next(struct ep_tftp *, struct ep_tftp_xfer *, emu_time,
    struct ep_out *);
static void ep_tftp_send(struct ep_tftp *, struct ep_tftp_xfer *, emu_time,
    struct ep_out *);
static void ep_tftp_error(struct ep_tftp *, uint16_t, uint32_t, uint16_t, int,
    const char *, emu_time, struct ep_out *);
static void ep_tftp_dgram(struct ep_tftp *, uint16_t, uint32_t, uint16_t,
    const struct dbuf *, emu_time, struct ep_out *);
static void ep_tftp_xfer_free(struct ep_tftp *, struct ep_tftp_xfer *);
static const char *ep_tftp_errstr(int);
static int ep_tftp_code(int);

/* st is borrowed and must outlive t; port is the well-known port (69). */
struct ep_tftp *
ep_tftp_create(struct store *st, uint32_t my_ip, uint16_t port)
{
	struct ep_tftp *t;

	t = xcalloc(1, sizeof *t);
	t->st = st;
	t->my_ip = my_ip;
	t->port = port;
	hmap_init(&t->xfers);
	TAILQ_INIT(&t->list);
	heap_init(&t->timers);
	t->next_port = EP_TFTP_TID_FIRST;
	return (t);
}

void
ep_tftp_free(struct ep_tftp *t)
{
	struct ep_tftp_xfer *x, *x1;
	size_t i;

	if (t == NULL)
		return;
	TAILQ_FOREACH_SAFE(x, &t->list, entry, x1)
		ep_tftp_xfer_free(t, x);
	for (i = 0; i < t->nfault; i++)
		ep_fault_clear(&t->fault[i]);
	free(t->fault);
	free(t->fault_count);
	heap_clear(&t->timers);
	hmap_clear(&t->xfers);
	free(t);
}

void
ep_tftp_observe(struct ep_tftp *t, ep_observe_cb cb, void *arg)
{
	t->cb = cb;
	t->cb_arg = arg;
}

/* f is copied.  A count of 0 means always, like -1. */
int
ep_tftp_fault_add(struct ep_tftp *t, const struct ep_fault *f)
{
	t->fault = xreallocarray(t->fault, t->nfault + 1, sizeof *t->fault);
	t->fault_count = xreallocarray(t->fault_count, t->nfault + 1,
	    sizeof *t->fault_count);
	ep_fault_copy(&t->fault[t->nfault], f);
	if (f->count == 0)
		t->fault[t->nfault].count = -1;
	t->fault_count[t->nfault] = t->fault[t->nfault].count;
	t->nfault++;
	return (0);
}

/* Switch every fault called name; switching on restores its count. */
int
ep_tftp_fault_enable(struct ep_tftp *t, const char *name, int on)
{
	size_t i;
	int found = 0;

	for (i = 0; i < t->nfault; i++) {
		if (t->fault[i].name == NULL ||
		    strcmp(t->fault[i].name, name) != 0)
			continue;
		t->fault[i].active = on;
		if (on)
			t->fault[i].count = t->fault_count[i];
		found = 1;
	}
	return (found ? 0 : -1);
}

/*
 * A datagram from src to dst_port: the well-known port (requests) or one of
 * the TIDs ep_tftp_owns_port reports (transfers).  Others are ignored.
 */
void
ep_tftp_input(struct ep_tftp *t, const uint8_t *pkt, size_t len,
    uint32_t src_ip, uint16_t src_port, uint16_t dst_port, emu_time now,
    struct ep_out *out)
{
	struct ep_tftp_xfer *x;
	struct tftp_pkt p;
	char *cause = NULL;
	char msg[TFTP_MSG_MAX + 1];

	if (dst_port != t->port) {
		x = hmap_get(&t->xfers, &dst_port, sizeof dst_port);
		if (x != NULL)
			ep_tftp_xfer_input(t, x, pkt, len, src_ip, src_port,
			    now, out);
		return;
	}
	if (tftp_parse(&p, pkt, len, &cause) != 0) {
		if (len >= 2 && pkt[0] == 0 &&
		    (pkt[1] == TFTP_RRQ || pkt[1] == TFTP_WRQ)) {
			pf_strlcpy(msg, cause, sizeof msg);
			ep_tftp_error(t, 0, src_ip, src_port, TFTP_EUNDEF, msg,
			    now, out);
		} else
			ep_tftp_error(t, 0, src_ip, src_port, TFTP_EBADOP, NULL,
			    now, out);
		free(cause);
		return;
	}
	switch (p.op) {
	case TFTP_RRQ:
		ep_tftp_rrq(t, &p, src_ip, src_port, now, out);
		break;
	case TFTP_WRQ:
		ep_tftp_error(t, 0, src_ip, src_port, TFTP_EACCESS, NULL, now,
		    out);
		break;
	case TFTP_ERROR:
		break;
	default:
		ep_tftp_error(t, 0, src_ip, src_port, TFTP_EBADOP, NULL, now,
		    out);
		break;
	}
}

/* Is port one of the live transfers' TIDs? */
int
ep_tftp_owns_port(const struct ep_tftp *t, uint16_t port)
{
	return (hmap_get(&t->xfers, &port, sizeof port) != NULL);
}

/* When ep_tftp_timer wants to run next, or EMU_TIME_NEVER. */
emu_time
ep_tftp_deadline(const struct ep_tftp *t)
{
	struct heap_ent *e;

	if ((e = heap_top(&t->timers)) == NULL)
		return (EMU_TIME_NEVER);
	return (e->key);
}

/* Resend what is unacknowledged for 1 s; give up after 5 resends. */
void
ep_tftp_timer(struct ep_tftp *t, emu_time now, struct ep_out *out)
{
	struct heap_ent *e;
	struct ep_tftp_xfer *x;

	while ((e = heap_top(&t->timers)) != NULL && e->key <= now) {
		x = (struct ep_tftp_xfer *)((char *)e -
		    offsetof(struct ep_tftp_xfer, timer));
		if (x->retries >= EP_TFTP_RETRIES) {
			ep_tftp_xfer_free(t, x);
			continue;
		}
		x->retries++;
		t->stats.retransmits++;
		ep_tftp_dgram(t, x->port, x->peer_ip, x->peer_port, &x->last,
		    now, out);
		heap_update(&t->timers, &x->timer, EMU_TIME_ADD(now, EP_TFTP_RTO));
	}
}

const struct ep_tftp_stats *
ep_tftp_stats(const struct ep_tftp *t)
{
	return (&t->stats);
}

static void
ep_tftp_rrq(struct ep_tftp *t, const struct tftp_pkt *p, uint32_t src_ip,
    uint16_t src_port, emu_time now, struct ep_out *out)
{
	struct ep_tftp_xfer *x;
	struct ep_fault *f;
	struct tftp_pkt oack;
	struct dbuf body;
	const struct store_gen *gen = NULL;
	char path[TFTP_NAME_MAX + 2];
	emu_time at = now;
	uint16_t port;
	size_t n;
	int code;

	t->stats.rrqs++;
	/* Paths are relative to the server's root (spec 10). */
	if (p->file[0] == '/')
		pf_strlcpy(path, p->file, sizeof path);
	else {
		path[0] = '/';
		pf_strlcpy(path + 1, p->file, sizeof path - 1);
	}
	if (strcmp(p->mode, "octet") != 0 && strcmp(p->mode, "netascii") != 0) {
		ep_tftp_observe_rrq(t, path, src_ip, TFTP_EUNDEF, 1, 0, now);
		ep_tftp_error(t, 0, src_ip, src_port, TFTP_EUNDEF,
		    "Unsupported mode", now, out);
		return;
	}

	dbuf_init(&body);
	if ((f = ep_tftp_fault(t, path)) != NULL) {
		switch (f->kind) {
		case EP_FAULT_DROP:
			ep_tftp_observe_rrq(t, path, src_ip, -1, 1, 0, now);
			return;
		case EP_FAULT_STATUS:
			code = ep_tftp_code(f->status);
			ep_tftp_observe_rrq(t, path, src_ip, code, 1, 0, now);
			ep_tftp_error(t, 0, src_ip, src_port, code, NULL, now,
			    out);
			return;
		case EP_FAULT_DELAY:
			at = EMU_TIME_ADD(now, f->delay);
			break;
		case EP_FAULT_BODY:
			dbuf_add(&body, f->body, f->body_len);
			break;
		default:
			break;
		}
	}
	if (f == NULL || f->kind != EP_FAULT_BODY)
		gen = store_gen_find(t->st, path);
	if ((f == NULL || f->kind != EP_FAULT_BODY) && gen == NULL &&
	    store_lookup(t->st, path, &body) != 0) {
		ep_tftp_observe_rrq(t, path, src_ip, TFTP_ENOTFOUND, 1, 0,
		    now);
		ep_tftp_error(t, 0, src_ip, src_port, TFTP_ENOTFOUND, NULL, at,
		    out);
		dbuf_clear(&body);
		return;
	}
	if ((port = ep_tftp_alloc_port(t)) == 0) {
		ep_tftp_observe_rrq(t, path, src_ip, TFTP_EUNDEF, 1, 0, now);
		ep_tftp_error(t, 0, src_ip, src_port, TFTP_EUNDEF,
		    "No free transfer ID", at, out);
		dbuf_clear(&body);
		return;
	}
	ep_tftp_observe_rrq(t, path, src_ip, 0, 0,
	    gen != NULL ? gen->size : body.len, now);

	x = xcalloc(1, sizeof *x);
	x->port = port;
	x->peer_ip = src_ip;
	x->peer_port = src_port;
	if (gen != NULL) {
		x->gen = gen;
		x->len = gen->size;
		dbuf_clear(&body);
	} else {
		x->data = dbuf_steal(&body, &n);
		x->len = n;
	}
	dbuf_init(&x->blk);
	x->blksize = TFTP_BLKSIZE;
	x->truncate = f != NULL && f->kind == EP_FAULT_TRUNCATE;
	dbuf_init(&x->last);
	x->timer = (struct heap_ent)HEAP_ENT_INIT;
	TAILQ_INSERT_TAIL(&t->list, x, entry);
	hmap_put(&t->xfers, &x->port, sizeof x->port, x);

	/* RFC 2347: acknowledge the options we take, then wait for ACK 0. */
	if (p->blksize > 0 || p->tsize >= 0) {
		tftp_init(&oack);
		oack.op = TFTP_OACK;
		if (p->blksize > 0) {
			x->blksize = p->blksize;
			if (x->blksize > EP_TFTP_BLKSIZE_CAP)
				x->blksize = EP_TFTP_BLKSIZE_CAP;
			oack.blksize = x->blksize;
		}
		if (p->tsize >= 0)
			oack.tsize = (long)x->len;
		x->nblocks = x->len / x->blksize + 1;
		tftp_write(&oack, &x->last);
		ep_tftp_send(t, x, at, out);
		return;
	}
	x->nblocks = x->len / x->blksize + 1;
	ep_tftp_next(t, x, at, out);
}

static void
ep_tftp_xfer_input(struct ep_tftp *t, struct ep_tftp_xfer *x,
    const uint8_t *pkt, size_t len, uint32_t src_ip, uint16_t src_port,
    emu_time now, struct ep_out *out)
{
	struct tftp_pkt p;

	/* RFC 1350 4: a stranger gets an error; the transfer goes on. */
	if (src_ip != x->peer_ip || src_port != x->peer_port) {
		ep_tftp_error(t, x->port, src_ip, src_port, TFTP_EBADID, NULL,
		    now, out);
		return;
	}
	if (tftp_parse(&p, pkt, len, NULL) != 0)
		return;
	switch (p.op) {
	case TFTP_ACK:
		/* Duplicate ACKs are not answered (Sorcerer's Apprentice). */
		if (p.block != (uint16_t)x->sent)
			return;
		if (x->sent == x->nblocks) {
			t->stats.done++;
			ep_tftp_xfer_free(t, x);
			return;
		}
		ep_tftp_next(t, x, now, out);
		break;
	case TFTP_ERROR:
		/* The client gave up (or refused our OACK). */
		ep_tftp_xfer_free(t, x);
		break;
	default:
		ep_tftp_error(t, x->port, src_ip, src_port, TFTP_EBADOP, NULL,
		    now, out);
		ep_tftp_xfer_free(t, x);
		break;
	}
}

/* The first active fault for path that TFTP can apply; its count is used. */
static struct ep_fault *
ep_tftp_fault(struct ep_tftp *t, const char *path)
{
	struct ep_fault *f;
	size_t i;

	for (i = 0; i < t->nfault; i++) {
		f = &t->fault[i];
		switch (f->kind) {
		case EP_FAULT_STATUS:
		case EP_FAULT_DELAY:
		case EP_FAULT_DROP:
		case EP_FAULT_TRUNCATE:
		case EP_FAULT_BODY:
			break;
		default:
			continue;
		}
		if (ep_fault_match(f, path, NULL)) {
			ep_fault_use(f);
			return (f);
		}
	}
	return (NULL);
}

/*
 * status: 0 served (resp_len bytes), a TFTP error code, -1 no answer;
 * error: not served (an error packet of any code, 0 included, or none).
 */
static void
ep_tftp_observe_rrq(struct ep_tftp *t, const char *path, uint32_t peer_ip,
    int status, int error, uint64_t resp_len, emu_time now)
{
	struct ep_request r;

	if (t->cb == NULL)
		return;
	memset(&r, 0, sizeof r);
	r.proto = "tftp";
	r.peer_ip = peer_ip;
	r.method = "RRQ";
	r.path = path;
	r.status = status;
	r.error = error;
	r.resp_len = resp_len;
	r.now = now;
	t->cb(t->cb_arg, &r);
}

/* The next free TID at or after the cursor, or 0 when all are taken. */
static uint16_t
ep_tftp_alloc_port(struct ep_tftp *t)
{
	uint16_t port;
	unsigned int i;

	for (i = 0; i <= EP_TFTP_TID_LAST - EP_TFTP_TID_FIRST; i++) {
		port = t->next_port;
		if (t->next_port == EP_TFTP_TID_LAST)
			t->next_port = EP_TFTP_TID_FIRST;
		else
			t->next_port++;
		if (port != t->port &&
		    hmap_get(&t->xfers, &port, sizeof port) == NULL)
			return (port);
	}
	return (0);
}

/* Send the block after x->sent, or abort a truncated transfer half-way. */
static void
ep_tftp_next(struct ep_tftp *t, struct ep_tftp_xfer *x, emu_time at,
    struct ep_out *out)
{
	struct tftp_pkt d;
	uint64_t off;

	if (x->truncate && x->sent >= x->nblocks / 2) {
		ep_tftp_error(t, x->port, x->peer_ip, x->peer_port, TFTP_EUNDEF,
		    "transfer aborted", at, out);
		ep_tftp_xfer_free(t, x);
		return;
	}
	x->sent++;
	off = (uint64_t)(x->sent - 1) * x->blksize;
	tftp_init(&d);
	d.op = TFTP_DATA;
	d.block = (uint16_t)x->sent; /* wraps past 65535, as tftp-hpa */
	d.len = x->len - off < x->blksize ? x->len - off : x->blksize;
	if (x->gen != NULL) {
		/* 12.3: this block only, made now. */
		dbuf_reset(&x->blk);
		store_gen_fill(x->gen, off, d.len, &x->blk);
		d.data = x->blk.data;
	} else
		d.data = x->data + off;
	dbuf_reset(&x->last);
	tftp_write(&d, &x->last);
	ep_tftp_send(t, x, at, out);
}

/* Send x->last as a new packet and arm its retransmission. */
static void
ep_tftp_send(struct ep_tftp *t, struct ep_tftp_xfer *x, emu_time at,
    struct ep_out *out)
{
	x->retries = 0;
	ep_tftp_dgram(t, x->port, x->peer_ip, x->peer_port, &x->last, at, out);
	heap_update(&t->timers, &x->timer, EMU_TIME_ADD(at, EP_TFTP_RTO));
}

/*
 * ERROR to dst from TID port; port 0 takes a fresh TID, as a server answers
 * a request from a new port even to refuse it.  msg NULL: the standard text.
 */
static void
ep_tftp_error(struct ep_tftp *t, uint16_t port, uint32_t dst_ip,
    uint16_t dst_port, int code, const char *msg, emu_time at,
    struct ep_out *out)
{
	struct tftp_pkt e;
	struct dbuf b;

	if (port == 0 && (port = ep_tftp_alloc_port(t)) == 0)
		port = t->port;
	tftp_init(&e);
	e.op = TFTP_ERROR;
	e.code = code;
	pf_strlcpy(e.msg, msg != NULL ? msg : ep_tftp_errstr(code),
	    sizeof e.msg);
	dbuf_init(&b);
	tftp_write(&e, &b);
	ep_tftp_dgram(t, port, dst_ip, dst_port, &b, at, out);
	dbuf_clear(&b);
	t->stats.errors++;
}

static void
ep_tftp_dgram(struct ep_tftp *t, uint16_t port, uint32_t dst_ip,
    uint16_t dst_port, const struct dbuf *b, emu_time at, struct ep_out *out)
{
	struct ep_act *a;

	a = ep_out_add(out, EP_ACT_DGRAM, b->data, b->len);
	a->src_ip = t->my_ip;
	a->src_port = port;
	a->dst_ip = dst_ip;
	a->dst_port = dst_port;
	a->at = at;
}

static void
ep_tftp_xfer_free(struct ep_tftp *t, struct ep_tftp_xfer *x)
{
	heap_remove(&t->timers, &x->timer);
	hmap_del(&t->xfers, &x->port, sizeof x->port);
	TAILQ_REMOVE(&t->list, x, entry);
	dbuf_clear(&x->last);
	dbuf_clear(&x->blk);
	free(x->data);
	free(x);
}

static const char *
ep_tftp_errstr(int code)
{
	if (code >= 0 && (size_t)code < nitems(ep_tftp_errmsg))
		return (ep_tftp_errmsg[code]);
	return ("Error");
}

/*
 * The error code for a STATUS fault: a TFTP code as is; an HTTP status, as
 * faults are shared with the HTTP side, by meaning (404 is "not found").
 */
static int
ep_tftp_code(int status)
{
	if (status >= 0 && (size_t)status < nitems(ep_tftp_errmsg))
		return (status);
	switch (status) {
	case 404:
		return (TFTP_ENOTFOUND);
	case 401:
	case 403:
	case 407:
		return (TFTP_EACCESS);
	}
	return (TFTP_EUNDEF);
}

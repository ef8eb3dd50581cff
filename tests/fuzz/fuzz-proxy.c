/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The simulated HTTP proxy (netsim/ep-proxy.c; 9.8, B112) driven by
 * fuzzer bytes as a runtime would drive it.  Input: byte 0 is the
 * separator, byte 1 the setup (bit 0 Basic authentication, bit 1 CONNECT
 * only to 443, bit 2 a resolver for prov.example.com, bit 3 upstream data
 * ignores ep_proxy_room, bits 4-6 n: pulls of 512 << n bytes); the rest,
 * split at each separator, is a list of operations, each its first byte
 * then a payload:
 *	C	client bytes			R	the same, repeated:
 *	E	the client closes			(n + 1) * 4 KiB of it
 *	O	the upstream leg connects	X	... is refused
 *	U	upstream bytes			V	... repeated as R
 *	F	the upstream closes		Z	... resets
 *	T	n seconds pass			A	a new connection
 * any other first byte: client bytes, that byte included.  After every
 * operation the runtime pulls both ways until nothing is left.
 *
 * Beyond not crashing or leaking: what is queued either way stays under
 * EP_PROXY_BUF_MAX (the forwarded request under its head and body caps),
 * nothing comes after a close or a reset, the upstream is asked for at
 * most once per connection, and each request is observed at most once.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netsim/netsim.h"

#define FUZZ_PROXY_REPEAT	4096	/* R and V: bytes per count */
#define FUZZ_PROXY_IP		0x0a000005
#define FUZZ_PROXY_FWD_MAX	(HTTP_HEAD_MAX + EP_PROXY_BODY_MAX + 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

enum fuzz_proxy_leg {
	LEG_NONE = 0,
	LEG_OPENING,
	LEG_OPEN,
	LEG_GONE
};

struct fuzz_proxy {
	struct ep_proxy		*px;
	struct ep_proxy_conn	*c;
	emu_time		 now;
	size_t			 max;		/* pull size */
	int			 ignore_room;
	enum fuzz_proxy_leg	 leg;
	int			 wanted;
	int			 closed;	/* client side said CLOSE/RESET */
	int			 up_closed;	/* leg said CLOSE */
	int			 fed_up;	/* upstream bytes were given */
	int			 tunnel;	/* 200 established seen first */
	size_t			 got;		/* bytes pulled to the client */
	char			 head[64];	/* their start */
	int			 observed;	/* this connection's requests */
};

static void	fuzz_proxy_observe(void *, const struct ep_request *);
static void	fuzz_proxy_pull(struct fuzz_proxy *);
static void	fuzz_proxy_new(struct fuzz_proxy *);
static int	fuzz_proxy_resolve(void *, const char *, uint32_t *);
static uint8_t *fuzz_proxy_repeat(const uint8_t *, size_t, size_t *);

static void
fuzz_proxy_observe(void *arg, const struct ep_request *q)
{
	struct fuzz_proxy	*f = arg;

	if (++f->observed > 1)
		abort();
	if (q->proto == NULL || strcmp(q->proto, "proxy") != 0 ||
	    q->method == NULL || q->path == NULL || q->target == NULL)
		abort();
	if (q->status != -1 && q->status != 0 &&
	    (q->status < 100 || q->status > 999))
		abort();
}

static int
fuzz_proxy_resolve(void *arg, const char *name, uint32_t *addr)
{
	(void)arg;
	if (strcasecmp(name, "prov.example.com") != 0)
		return (-1);
	*addr = FUZZ_PROXY_IP;
	return (0);
}

/* Pull both ways until nothing is left, as the runtime does. */
static void
fuzz_proxy_pull(struct fuzz_proxy *f)
{
	static const char	 est[] = "HTTP/1.1 200 Connection established";
	struct dbuf		 out;
	enum ep_pull		 r;
	enum ep_proxy_want	 w;
	emu_time		 at;
	uint32_t		 ip;
	uint16_t		 port;
	size_t			 n;

	if (f->c == NULL)
		return;
	w = ep_proxy_want(f->px, f->c, &ip, &port);
	if (w == EP_PROXY_WANT_OPEN) {
		/* Said once per connection, with a port. */
		if (f->wanted || port == 0 || f->leg != LEG_NONE)
			abort();
		f->wanted = 1;
		f->leg = LEG_OPENING;
	} else if (w != EP_PROXY_WANT_NONE)
		abort();

	dbuf_init(&out);
	for (;;) {
		at = 0;
		r = ep_proxy_pull(f->px, f->c, f->now, f->max, &out, &at);
		if (f->closed && r != EP_PULL_NONE)
			abort();
		if (r == EP_PULL_WAIT && at <= f->now)
			abort();	/* a deadline already due */
		if (r == EP_PULL_CLOSE || r == EP_PULL_RESET)
			f->closed = 1;
		if (r != EP_PULL_DATA)
			break;
	}
	/* At most what one buffer holds, pulled f->max at a time. */
	if (out.len > EP_PROXY_BUF_MAX)
		abort();
	if (out.len > 0 && f->got < sizeof f->head - 1) {
		n = sizeof f->head - 1 - f->got;
		if (n > out.len)
			n = out.len;
		memcpy(f->head + f->got, out.data, n);
		f->head[f->got + n] = '\0';
	}
	f->got += out.len;
	if (!f->fed_up && f->got >= sizeof est - 1 &&
	    strncmp(f->head, est, sizeof est - 1) == 0)
		f->tunnel = 1;
	dbuf_reset(&out);

	for (;;) {
		r = ep_proxy_pull_up(f->px, f->c, f->now, f->max, &out);
		if (f->up_closed && r != EP_PULL_NONE)
			abort();
		if (r == EP_PULL_DATA && f->leg != LEG_OPEN)
			abort();	/* bytes on a leg not connected */
		if (r == EP_PULL_CLOSE) {
			f->up_closed = 1;
			f->leg = LEG_GONE;
		}
		if (r != EP_PULL_DATA)
			break;
	}
	if (out.len > (f->tunnel ? EP_PROXY_BUF_MAX : FUZZ_PROXY_FWD_MAX))
		abort();
	dbuf_clear(&out);
}

static void
fuzz_proxy_new(struct fuzz_proxy *f)
{
	if (f->c != NULL)
		ep_proxy_conn_free(f->px, f->c);
	f->c = ep_proxy_accept(f->px, 0x0a000064, 40000, f->now);
	f->leg = LEG_NONE;
	f->wanted = f->closed = f->up_closed = f->fed_up = f->tunnel = 0;
	f->got = 0;
	f->head[0] = '\0';
	f->observed = 0;
}

/* (d[0] + 1) * FUZZ_PROXY_REPEAT bytes cycling through d[1..]. */
static uint8_t *
fuzz_proxy_repeat(const uint8_t *d, size_t n, size_t *len)
{
	uint8_t	*b;
	size_t	 i, total;

	if (n < 2)
		return (NULL);
	total = ((size_t)d[0] + 1) * FUZZ_PROXY_REPEAT;
	b = xmalloc(total);
	for (i = 0; i < total; i++)
		b[i] = d[1 + i % (n - 1)];
	*len = total;
	return (b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ep_proxy_conf	 pc;
	struct fuzz_proxy	 f;
	const uint8_t		*p, *end, *sep;
	uint8_t			*big;
	size_t			 n, len, room;
	uint8_t			 flags, op;

	if (size < 2)
		return (0);
	memset(&f, 0, sizeof f);
	memset(&pc, 0, sizeof pc);
	flags = data[1];
	if (flags & 0x01) {
		pc.user = "alice";
		pc.pass = "s3cret";
	}
	if (flags & 0x02) {
		pc.connect_ports[0] = 443;
		pc.nconnect_ports = 1;
	}
	f.ignore_room = (flags & 0x08) != 0;
	f.max = (size_t)512 << ((flags >> 4) & 7);
	f.px = ep_proxy_create(&pc);
	ep_proxy_observe(f.px, fuzz_proxy_observe, &f);
	if (flags & 0x04)
		ep_proxy_set_resolver(f.px, fuzz_proxy_resolve, NULL);
	fuzz_proxy_new(&f);

	p = data + 2;
	end = data + size;
	while (p < end) {
		if ((sep = memchr(p, data[0], end - p)) == NULL)
			sep = end;
		n = sep - p;
		op = n > 0 ? p[0] : 'C';
		switch (op) {
		case 'C':
			ep_proxy_input(f.px, f.c, p + (n > 0), n - (n > 0),
			    f.now);
			break;
		case 'R':
		case 'V':
			if ((big = fuzz_proxy_repeat(p + 1, n - 1, &len)) ==
			    NULL)
				break;
			if (op == 'R')
				ep_proxy_input(f.px, f.c, big, len, f.now);
			else if (f.leg == LEG_OPEN) {
				room = ep_proxy_room(f.px, f.c);
				if (!f.ignore_room && len > room)
					len = room;
				f.fed_up = 1;
				ep_proxy_up_input(f.px, f.c, big, len, f.now);
			}
			free(big);
			break;
		case 'E':
			ep_proxy_eof(f.px, f.c, f.now);
			break;
		case 'O':
			if (f.leg == LEG_OPENING) {
				f.leg = LEG_OPEN;
				ep_proxy_up_connected(f.px, f.c, f.now);
			}
			break;
		case 'X':
			if (f.leg == LEG_OPENING) {
				f.leg = LEG_GONE;
				ep_proxy_up_error(f.px, f.c, 1, f.now);
			}
			break;
		case 'U':
			if (f.leg == LEG_OPEN) {
				len = n - 1;
				room = ep_proxy_room(f.px, f.c);
				if (!f.ignore_room && len > room)
					len = room;
				f.fed_up = 1;
				ep_proxy_up_input(f.px, f.c, p + 1, len, f.now);
			}
			break;
		case 'F':
		case 'Z':
			if (f.leg == LEG_OPEN) {
				f.leg = LEG_GONE;
				if (op == 'F')
					ep_proxy_up_eof(f.px, f.c, f.now);
				else
					ep_proxy_up_error(f.px, f.c, 0, f.now);
			}
			break;
		case 'T':
			f.now += EMU_SEC(n > 1 ? p[1] : 1);
			break;
		case 'A':
			fuzz_proxy_new(&f);
			break;
		default:
			ep_proxy_input(f.px, f.c, p, n, f.now);
			break;
		}
		fuzz_proxy_pull(&f);
		p = sep + 1;
	}
	(void)ep_proxy_stats(f.px);
	ep_proxy_free(f.px);
	return (0);
}

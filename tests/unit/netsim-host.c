/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The host carrier (netsim/rt-host.c) on loopback: a phone of the
 * simulated world, paced by the realtime runtime, fetches its profile
 * from a real TCP server on 127.0.0.1 over a kernel socket; a port where
 * nothing listens is a refused connection (C, EMU_E_CONNECT).  A site's
 * source addresses bind each phone's connections to its own one; past the
 * cap on sockets, opens wait in a queue and all still complete; freeing
 * the carrier with waiting flows is clean.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "netsim/netsim.h"

#define IP(a, b, c, d)	(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define LOOPBACK	IP(127, 0, 0, 1)

static const char srv_resp[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 53\r\n"
    "Connection: close\r\n\r\n"
    "<flat-profile><GPP_A>from host</GPP_A></flat-profile>";

/* A one-request-per-connection HTTP server on a real socket. */
struct srv {
	struct event_base	*base;
	int			 lfd;
	uint16_t		 port;
	struct event		*accept_ev;
	char			 req[4096];
	size_t			 len;
	int			 conns;
	uint32_t		 peer[8];	/* the first connections' */
};

static void
srv_read(evutil_socket_t fd, short what, void *arg)
{
	struct srv	*s = arg;
	ssize_t		 n;

	n = read(fd, s->req + s->len, sizeof s->req - 1 - s->len);
	if (n > 0) {
		s->len += (size_t)n;
		s->req[s->len] = '\0';
		if (strstr(s->req, "\r\n\r\n") == NULL) {
			/* The rest of the request to come. */
			event_base_once(s->base, fd, EV_READ, srv_read, s,
			    NULL);
			return;
		}
		assert_int_equal(write(fd, srv_resp, sizeof srv_resp - 1),
		    sizeof srv_resp - 1);
	}
	close(fd);
}

static void
srv_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct srv	*s = arg;
	int		 fd;

	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof sin;

	if ((fd = accept(lfd, (struct sockaddr *)&sin, &len)) == -1)
		return;
	if (s->conns < 8)
		s->peer[s->conns] = ntohl(sin.sin_addr.s_addr);
	s->conns++;
	s->len = 0;
	event_base_once(s->base, fd, EV_READ, srv_read, s, NULL);
}

static void
srv_start(struct srv *s, struct event_base *base)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			one = 1;

	memset(s, 0, sizeof *s);
	s->base = base;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sin, &len), 0);
	s->port = ntohs(sin.sin_port);
	s->accept_ev = event_new(base, s->lfd, EV_READ | EV_PERSIST,
	    srv_accept, s);
	event_add(s->accept_ev, NULL);
}

static void
srv_stop(struct srv *s)
{
	event_free(s->accept_ev);
	close(s->lfd);
}

/* One phone on a site whose DHCP gives option 160 = url. */
struct world {
	struct emu_ctx		*ctx;
	struct sim		*sim;
	struct ep_dhcp		*dhcp;
	struct event_base	*base;
	struct runtime		*rt;
	struct host		*host;
	struct sim_site		*site;
	struct phone		*p;	/* the first */
	struct phone		*ph[8];
	size_t			 n;
};

/* n phones on one site (not powered on yet). */
static void
world_build(struct world *w, struct event_base *base, const char *url,
    size_t n)
{
	struct ep_dhcp_conf	 c;
	struct sim_link		 link = { EMU_MS(1), 0, 0, 0 };
	struct sim_site		*site;
	struct phone_conf	 pc;
	size_t			 i;

	memset(w, 0, sizeof *w);
	w->ctx = emu_ctx_create(1);
	w->sim = sim_create(w->ctx, 1);
	memset(&c, 0, sizeof c);
	c.server_ip = IP(10, 0, 0, 1);
	c.pool_start = IP(10, 0, 1, 0);
	c.pool_end = IP(10, 0, 1, 254);
	c.netmask = IP(255, 255, 0, 0);
	c.router = IP(10, 0, 0, 1);
	c.lease_s = 86400;
	c.opt[0].code = 160;
	c.opt[0].len = strlen(url);
	memcpy(c.opt[0].data, url, strlen(url));
	c.nopt = 1;
	w->dhcp = ep_dhcp_create(&c);
	site = sim_site_add(w->sim, "office", &link, w->dhcp);
	w->site = site;
	for (i = 0; i < n; i++) {
		memset(&pc, 0, sizeof pc);
		pc.mac[1] = 0x56;
		pc.mac[2] = 0x2b;
		pc.mac[5] = (uint8_t)(i + 1);
		pc.model = "CP-8851-3PCC";
		w->ph[i] = phone_create(w->ctx, &pc);
		assert_int_equal(phone_set(w->ph[i], "Resync_Random_Delay",
		    "0", 0, NULL), 0);
		sim_phone_add(w->sim, site, w->ph[i]);
	}
	w->n = n;
	w->p = w->ph[0];
	w->base = base;
	w->rt = runtime_realtime(w->sim, w->base, 100);
	w->host = host_create(w->rt, w->base);
	host_claim(w->host, LOOPBACK);
}

static void
world_power_on(struct world *w)
{
	struct emu_event	ev;
	size_t			i;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_POWER_ON;
	for (i = 0; i < w->n; i++)
		sim_phone_event(w->sim, w->ph[i], &ev);
}

static void
world_create(struct world *w, struct event_base *base, const char *url)
{
	world_build(w, base, url, 1);
	world_power_on(w);
}

static void
world_free(struct world *w)
{
	host_free(w->host);
	runtime_free(w->rt);
	sim_free(w->sim);
	ep_dhcp_free(w->dhcp);
	emu_ctx_free(w->ctx);
}

/* The whole resync over a kernel socket: request as sent, profile applied. */
static void
test_fetch_over_loopback(void **state)
{
	struct event_base	*base = rt_base();
	struct world		 w;
	struct srv		 s;
	char			 url[128], want[160];
	const struct host_stats	*st;

	(void)state;
	srv_start(&s, base);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/cfg/$MA.xml", s.port);
	world_create(&w, base, url);
	assert_int_equal(runtime_run(w.rt, EMU_SEC(20)), 0);
	assert_int_equal(s.conns, 1);
	assert_true(strncmp(s.req, "GET /cfg/00562b000001.xml HTTP/1.1\r\n",
	    36) == 0);
	snprintf(want, sizeof want, "\r\nHost: 127.0.0.1:%u\r\n", s.port);
	assert_non_null(strstr(s.req, want));
	assert_non_null(strstr(s.req, "\r\nUser-Agent: Cisco-CP-8851-3PCC/"));
	assert_int_equal(phone_state(w.p), PROV_OPERATIONAL);
	assert_string_equal(phone_get(w.p, "GPP_A"), "from host");
	assert_int_equal(phone_status(w.p)->last_class, EMU_CLASS_A);
	st = host_stats(w.host);
	assert_int_equal(st->opens, 1);
	assert_int_equal(st->connected, 1);
	assert_int_equal(st->errors, 0);
	assert_int_equal(st->bytes_in, sizeof srv_resp - 1);
	assert_true(st->bytes_out == s.len);
	/* The world carried DHCP only. */
	assert_int_equal(sim_stats(w.sim)->streams, 0);
	world_free(&w);
	srv_stop(&s);
	event_base_free(base);
}

/* Nothing listens: a refused connection is class C, EMU_E_CONNECT. */
static void
test_refused(void **state)
{
	struct event_base	*base = rt_base();
	struct world		 w;
	struct srv		 s;
	char			 url[128];
	uint16_t		 port;

	(void)state;
	srv_start(&s, base);		/* a port that was free ... */
	port = s.port;
	srv_stop(&s);			/* ... and is closed now */
	snprintf(url, sizeof url, "http://127.0.0.1:%u/cfg/$MA.xml", port);
	world_create(&w, base, url);
	assert_int_equal(runtime_run(w.rt, EMU_SEC(20)), 0);
	assert_int_equal(phone_status(w.p)->last_class, EMU_CLASS_C);
	assert_int_equal(phone_status(w.p)->last_err, EMU_E_CONNECT);
	assert_true(host_stats(w.host)->errors >= 1);
	assert_int_equal(host_stats(w.host)->connected, 0);
	world_free(&w);
	event_base_free(base);
}

/*
 * A site's sources: each phone's connection comes from its own address
 * (its index among the site's phones modulo their count), and an address
 * the machine does not have is refused when given, not per connection.
 */
static void
test_sources(void **state)
{
	static const uint32_t	 src[2] = {
		IP(127, 0, 0, 2), IP(127, 0, 0, 3)
	};
	static const uint32_t	 far = IP(192, 0, 2, 1);
	struct event_base	*base = rt_base();
	struct world		 w;
	struct srv		 s;
	char			 url[128], *cause = NULL;
	size_t			 i;

	(void)state;
	srv_start(&s, base);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/cfg/$MA.xml", s.port);
	world_build(&w, base, url, 3);
	assert_int_equal(host_site_sources(w.host, w.site, &far, 1, &cause),
	    -1);
	assert_non_null(strstr(cause, "source 192.0.2.1 cannot be bound: "));
	free(cause);
	assert_int_equal(host_site_sources(w.host, w.site, src, 2, &cause), 0);
	host_set_cap(w.host, 1);	/* one at a time: peers in order */
	world_power_on(&w);
	assert_int_equal(runtime_run(w.rt, EMU_SEC(60)), 0);
	assert_int_equal(s.conns, 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(phone_state(w.ph[i]), PROV_OPERATIONAL);
	/* The queue is FIFO and phone i opened i-th: it is from src[i % 2]. */
	assert_int_equal(s.peer[0], src[0]);
	assert_int_equal(s.peer[1], src[1]);
	assert_int_equal(s.peer[2], src[0]);
	world_free(&w);
	srv_stop(&s);
	event_base_free(base);
}

/* Past the cap, opens wait and are opened as sockets close: none fails. */
static void
test_cap_queues(void **state)
{
	struct event_base	*base = rt_base();
	struct world		 w;
	struct srv		 s;
	char			 url[128];
	const struct host_stats	*st;
	size_t			 i;

	(void)state;
	srv_start(&s, base);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/cfg/$MA.xml", s.port);
	world_build(&w, base, url, 6);
	host_set_cap(w.host, 2);
	assert_int_equal(host_cap(w.host), 2);
	world_power_on(&w);
	assert_int_equal(runtime_run(w.rt, EMU_SEC(60)), 0);
	assert_int_equal(s.conns, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(phone_state(w.ph[i]), PROV_OPERATIONAL);
		assert_int_equal(phone_status(w.ph[i])->last_class,
		    EMU_CLASS_A);
	}
	st = host_stats(w.host);
	assert_int_equal(st->opens, 6);
	assert_int_equal(st->connected, 6);
	assert_int_equal(st->errors, 0);
	assert_true(st->queued >= 4);
	assert_true(st->queue_peak >= 1 && st->queue_peak <= 4);
	assert_int_equal(st->open_peak, 2);
	world_free(&w);
	srv_stop(&s);
	event_base_free(base);
}

/* Freed with flows waiting (their phones never ran again): nothing left. */
static void
test_free_queued(void **state)
{
	struct event_base	*base = rt_base();
	struct world		 w;
	struct srv		 s;
	char			 url[128];
	emu_time		 t;

	(void)state;
	srv_start(&s, base);
	snprintf(url, sizeof url, "http://127.0.0.1:%u/cfg/$MA.xml", s.port);
	world_build(&w, base, url, 4);
	host_set_cap(w.host, 1);
	world_power_on(&w);
	/* Up to the fetches: DHCP is simulated, the opens come at once. */
	for (t = EMU_MS(10); host_stats(w.host)->opens < 4; t += EMU_MS(10)) {
		assert_true(t < EMU_SEC(20));
		assert_int_equal(runtime_run(w.rt, t), 0);
	}
	assert_true(host_stats(w.host)->queued >= 3);
	world_free(&w);
	srv_stop(&s);
	event_base_free(base);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fetch_over_loopback),
	cmocka_unit_test(test_refused),
	cmocka_unit_test(test_sources),
	cmocka_unit_test(test_cap_queues),
	cmocka_unit_test(test_free_queued),
};

int
main(void)
{
	return (cmocka_run_group_tests(tests, NULL, NULL));
}

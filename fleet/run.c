/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The runner: builds a sim world from a loaded scenario (sites with their
 * DHCP servers, the run's certificates, provisioning servers with files,
 * templates, faults and HTTPS, DNS servers, the simulated EDOS and GDS,
 * HTTP proxies, phone groups), schedules power-ons, timeline actions and expectations as
 * sim callbacks, plays the run in virtual time and fills a struct
 * run_result for the reports.  OpenSSL draws from the scenario's seed for
 * the whole run (netsim/rand.c), so certificates and handshakes are the
 * same from one run to the next.
 */

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "fleet.h"

#define RUN_FAIL_TEXT_MAX	120	/* bytes of a value shown in a failure */

struct run_count {
	char		*path;		/* owned; the map's key */
	uint64_t	 n;
};

struct run_server {
	struct run	*run;
	size_t		 idx;
	struct store	*store;
	struct ep_http	*http;
	struct ep_tftp	*tftp;
	struct ep_cloud	*cloud;		/* <edos>, <gds>; else NULL */
	struct ep_proxy	*proxy;		/* <proxy>; else NULL */
	struct ep_syslog *syslog;	/* a collector (16.2), or NULL */
	struct hmap	 by_path;	/* path -> struct run_count */
	uint64_t	 total;
	struct run_series *series;	/* borrowed from the result; NULL for
					   a cloud the scenario lacks */
	uint32_t	 ip;		/* its address, for run_sent */
};

/* What a server last received, as a <request> check looks at it. */
struct run_seen {
	int		 seen;
	char		 method[16];
	char		*header;	/* the check's header, or NULL */
	char		*subject;	/* TLS client certificate, or NULL */
	char		*target;	/* the check's: request-target, or NULL */
	uint8_t		*body;		/* at most SCN_BODY_KEEP bytes */
	size_t		 body_len;
};

/* One <request> check: the last request per selected phone, or one. */
struct run_watch {
	const struct scn_check	*c;	/* borrowed from the scenario */
	size_t			 server;
	const struct scn_sel	*sel;	/* or NULL: per path */
	size_t			 first;	/* run index of sel's first phone */
	struct run_seen		*rec;
	size_t			 nrec;
};

struct run_cb {
	struct run	*run;
	size_t		 idx;		/* phone, action or expectation */
};

/*
 * An armed arrival (the callback's argument): run_set_rate_factor()
 * re-plans with a new one, and the old one, still in the sim, is stale.
 */
struct run_arrival_tok {
	struct run_arrival	*ra;
	struct run_arrival_tok	*next;		/* ra's allocated ones */
};

/*
 * An <arrival> being played: its phones in arrival order, how many have
 * arrived and been powered on, how many are in flight (booting, no
 * outcome yet), and where in its phases it is.  Since the last change of
 * the rate factor in the phase (seg_at, phase-local) the arrivals owed
 * grow at the factor times the phase's rate from seg_q.
 */
struct run_arrival {
	struct run	*run;
	const struct scn_arrival *a;	/* borrowed from the scenario */
	size_t		*list;
	size_t		 n, arrived, powered, in_flight;
	size_t		 phase;		/* the phase running */
	uint32_t	 max_in_flight;	/* this worker's share of the cap */
	uint64_t	 m;		/* arrivals in it so far */
	emu_time	 pstart;	/* its start */
	int		 pump;		/* a pump is scheduled */
	int		 at_end;	/* armed: the phase's end */
	emu_time	 seg_at;	/* phase-local: the factor's change */
	double		 seg_q;		/* arrivals owed then */
	struct run_arrival_tok	 tok0;
	struct run_arrival_tok	*tok;	/* the armed one, or NULL */
	struct run_arrival_tok	*toks;	/* allocated: freed at the end */
};

/* A host sending SIP NOTIFYs (16.3): one sender per address. */
struct run_sip {
	uint32_t	 ip;
	struct ep_sip	*e;
};

struct run {
	const struct scenario	*sc;
	size_t			 sent_last;	/* run_sent's last server */
	struct emu_ctx		*ctx;
	struct emu_stats	*pstats;	/* per phone, from notes */
	struct emu_stats	 total;
	uint64_t		 errs[2][EMU_E__COUNT];	/* failed resyncs,
							   transfers */
	uint64_t		 cust[CUST__COUNT];	/* phones per state */
	struct sim		*sim;
	struct ep_dhcp		**dhcp;
	struct ep_dhcp_conf	*dconf;		/* per site: as now served */
	struct run_server	*srv;		/* servers, the clouds, proxies */
	size_t			 nsrv;
	int			*certh;		/* pki handle per <cert> */
	struct ep_dns		**dns;		/* per <dns-server> */
	struct run_cb		*cb_power;
	struct run_cb		*cb_action;
	struct run_cb		*cb_expect;
	struct run_result	*res;
	FILE			*tracef;
	struct run_watch	*watch;
	size_t			 nwatch;
	const char		*state_dir;	/* --state, or NULL */
	size_t			 state_skips;	/* files with entries skipped */
	struct run_cb		*cb_call_end;	/* per action: CALL ends */
	struct run_sip		*sips;
	size_t			 nsips;
	int			*notify_status;	/* per phone: last NOTIFY's
						   final status, 0 none,
						   -1 not finished */
	emu_time		 rss_every;	/* --rss-every, 0 none */
	const char		*uploads_dir;	/* --uploads, or NULL */
	size_t			*phone_site;	/* per phone: its site */
	emu_time		 until;		/* the run's end */
	uint32_t		*real;		/* real servers' addresses */
	size_t			 nreal;
	struct run_relay	*relays;	/* sites with a real DHCP */
	size_t			 nrelays;
	struct run_portmap	*maps;		/* real DNS servers' ports */
	size_t			 nmaps;
	struct run_source	*sources;	/* sites with source= */
	size_t			 nsources;
	struct run_arrival	*arr;		/* per <arrival> */
	uint16_t		*arr_of;	/* per phone: its <arrival> or
						   SCN_ARRIVAL_NONE */
	uint8_t			*arr_flight;	/* per phone: in flight */
	double			 rate_f;	/* run_set_rate_factor() */
	int			 servers_only;	/* run_opts: serve */
	uint32_t		 shard, nshards;	/* run_opts: --workers */
	struct timespec		 t0;
};

static void	run_build(struct run *);
static void	run_rss(void *, emu_time);
static int	run_build_state(struct run *, struct phone *);
static void	run_pki(struct run *);
static void	run_https(struct run *, uint32_t, int, int, int,
		    enum scn_client_cert, int, int, enum ep_tls_fault,
		    struct ep_http *);
static void	run_cloud(struct run *, enum scn_cloud_kind);
static void	run_proxy(struct run *, size_t);
static struct run_server *run_srv_find(struct run *, const char *, size_t *);
static void	run_power_cb(void *, emu_time);
static char	*run_time_str(emu_time);
static void	run_arrival_build(struct run *);
static void	run_arrival_pump(void *, emu_time);
static void	run_arrive_cb(void *, emu_time);
static void	run_arrival_plan(struct run_arrival *,
		    struct run_arrival_tok *, emu_time);
static void	run_flight_cb(void *, emu_time);
static void	run_storm_cb(void *, emu_time);
static void	run_arrival_note(struct run *, size_t, const struct emu_note *,
		    emu_time);
static void	run_action_cb(void *, emu_time);
static void	run_dhcp_change(struct run *, const struct scn_action *);
static void	run_expect_cb(void *, emu_time);
static void	run_call_end_cb(void *, emu_time);
static void	run_notify(struct run *, const struct scn_action *);
static void	run_sip_done(void *, const struct ep_sip_result *);
static void	run_observe(void *, const struct ep_request *);
static void	run_watch_build(struct run *);
static void	run_watch_see(struct run *, struct run_watch *,
		    const struct ep_request *);
static int	run_check_request(struct run *, const struct scn_check *,
		    size_t, const char *, char **, char **);
static int	run_check_syslog(struct run *, const struct scn_check *,
		    uint32_t, char **, char **);
static int	run_check_history(struct phone *, const struct scn_check *,
		    char **, char **);
static void	run_hist_collect(struct run *);
static char	*run_range_str(uint64_t, uint64_t);
static int	run_check_uploads(struct run *, const struct scn_check *,
		    long, char **, char **);
static int	run_decrypt(const uint8_t *, size_t, const char *,
		    struct dbuf *);
static void	run_uploads(struct run *);
static void	run_log(void *, const char *);
static void	run_note(void *, size_t, const struct emu_note *, emu_time);
static struct phone *run_phone(struct run *, size_t, uint32_t);
static int	run_check_phone(struct run *, const struct scn_check *,
		    size_t, emu_time, char **, char **);
static void	run_series_build(struct run *);
static void	run_series_see(struct run_server *, const struct ep_request *);
static void	run_sent(void *, uint32_t, size_t, emu_time);
static int	run_check_latency(const struct stats *, const struct scn_check *,
		    char **, char **);
static int	run_check_errors(const struct stats *, const struct scn_check *,
		    char **, char **);
static int	run_check_rate(struct run *, const struct scn_check *,
		    emu_time, char **, char **);

struct run *
run_open(const struct scenario *sc, const struct run_opts *o)
{
	struct run		*r;
	struct run_result	*res;
	size_t			 i;

	r = xcalloc(1, sizeof *r);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->sc = sc;
	r->rate_f = 1;
	res = xcalloc(1, sizeof *res);
	res->sc = sc;
	res->seed = o != NULL && o->has_seed ? o->seed : sc->seed;
	res->nres = sc->nexpect;
	res->res = xcalloc(sc->nexpect == 0 ? 1 : sc->nexpect,
	    sizeof *res->res);
	for (i = 0; i < sc->nexpect; i++)
		res->res[i].ex = &sc->expect[i];
	r->res = res;
	res->stats = stats_create(sc->nphones);
	r->ctx = emu_ctx_create(res->seed);
	r->ctx->epoch = sc->epoch;
	r->ctx->tz_offset_s = sc->tz_offset_s;
	if (o != NULL) {
		r->ctx->image_verify = o->image_verify;
		r->uploads_dir = o->uploads_dir;
		r->servers_only = o->servers_only;
		if (o->nshards > 1 && o->shard < o->nshards) {
			r->shard = o->shard;
			r->nshards = o->nshards;
		}
	}
	/* One seed, one certificate world (before the pki draws). */
	rand_deterministic(res->seed);
	r->ctx->pki = pki_create(res->seed, sc->epoch);
	r->ctx->trace = sc->trace | (o != NULL ? o->trace : 0);
	r->tracef = o != NULL ? o->tracef : NULL;
	r->state_dir = o != NULL ? o->state_dir : NULL;
	if (r->tracef == NULL)
		r->ctx->trace = 0;
	r->sim = sim_create(r->ctx, res->seed);
	if (r->tracef != NULL)
		sim_set_log(r->sim, run_log, r);
	r->pstats = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
	    sizeof *r->pstats);
	sim_set_note(r->sim, run_note, r);
	run_build(r);
	run_series_build(r);
	r->sent_last = SIZE_MAX;
	sim_set_sent(r->sim, run_sent, r);
	if (r->state_skips > 1)
		fprintf(stderr, "phonefleet run: %s: %zu more files had entries "
		    "this version skips\n", r->state_dir, r->state_skips - 1);

	r->until = sc->duration;
	for (i = 0; i < sc->nexpect; i++) {
		if (sc->expect[i].at > r->until)
			r->until = sc->expect[i].at;
	}
	if (o != NULL && (r->rss_every = o->rss_every) != 0)
		sim_at(r->sim, r->rss_every, run_rss, r);
	return (r);
}

/*
 * --workers (docs/load.md): each process has the whole world but plays
 * only the phones of its shard, every nshards-th of the scenario's order;
 * the others stay off and out of its counts, checks and report.
 */
int
run_mine(const struct run *r, size_t i)
{
	return (r->nshards <= 1 || i % r->nshards == r->shard);
}

size_t
run_mine_count(const struct run *r)
{
	size_t	n = r->sc->nphones;

	if (r->nshards <= 1)
		return (n);
	return (n / r->nshards + (r->shard < n % r->nshards ? 1 : 0));
}

const struct stats *
run_stats(const struct run *r)
{
	return (r->res->stats);
}

int64_t
run_epoch(const struct run *r)
{
	return (r->sc->epoch);
}

struct sim *
run_world(const struct run *r)
{
	return (r->sim);
}

emu_time
run_end(const struct run *r)
{
	return (r->until);
}

const struct emu_stats *
run_totals(const struct run *r)
{
	return (&r->total);
}

const struct emu_stats *
run_phone_stats(const struct run *r, size_t i)
{
	return (&r->pstats[i]);
}

const uint32_t *
run_real_hosts(const struct run *r, size_t *n)
{
	*n = r->nreal;
	return (r->real);
}

static int
run_pki_write(const char *dir, const char *name, const char *ext,
    const char *pem, mode_t mode, char **cause)
{
	char	*path;
	FILE	*f;
	int	 fd;

	xasprintf(&path, "%s/%s.%s", dir, name, ext);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    (f = fdopen(fd, "w")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return (-1);
	}
	fputs(pem, f);
	if (fclose(f) != 0) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		free(path);
		return (-1);
	}
	free(path);
	return (0);
}

int
run_pki_export(struct run *r, const char *dir, char **cause)
{
	const struct scenario	*sc = r->sc;
	char			*cert, *key;
	const char		*pem;
	size_t			 i;
	int			 rc;

	if ((pem = pki_ca_pem(r->ctx->pki, SCN_CA_CISCO)) == NULL ||
	    run_pki_write(dir, "ca-cisco", "pem", pem, 0644, cause) != 0)
		return (-1);
	if ((pem = pki_ca_pem(r->ctx->pki, SCN_CA_MIC)) == NULL ||
	    run_pki_write(dir, "ca-mic", "pem", pem, 0644, cause) != 0)
		return (-1);
	for (i = 0; i < sc->nca; i++) {
		char	*name;

		if ((pem = pki_ca_pem(r->ctx->pki, SCN_CA_FIRST +
		    (int)i)) == NULL)
			continue;
		xasprintf(&name, "ca-%s", sc->ca[i].name);
		rc = run_pki_write(dir, name, "pem", pem, 0644, cause);
		free(name);
		if (rc != 0)
			return (-1);
	}
	for (i = 0; i < sc->ncert; i++) {
		if (pki_server_pem(r->ctx->pki, r->certh[i], &cert,
		    &key) != 0)
			continue;	/* refused by the pki: said at load */
		rc = run_pki_write(dir, sc->cert[i].name, "pem", cert, 0644,
		    cause);
		if (rc == 0)
			rc = run_pki_write(dir, sc->cert[i].name, "key", key,
			    0600, cause);
		free(cert);
		free(key);
		if (rc != 0)
			return (-1);
	}
	return (0);
}

const struct run_portmap *
run_portmaps(const struct run *r, size_t *n)
{
	*n = r->nmaps;
	return (r->maps);
}

const struct run_relay *
run_relays(const struct run *r, size_t *n)
{
	*n = r->nrelays;
	return (r->relays);
}

const struct run_source *
run_sources(const struct run *r, size_t *n)
{
	*n = r->nsources;
	return (r->sources);
}

const uint64_t *
run_errors(const struct run *r, int xfers)
{
	return (r->errs[xfers != 0]);
}

const char *
run_phone_site(const struct run *r, size_t i)
{
	return (r->sc->site[r->phone_site[i]].name);
}

int
run_play(struct run *r, struct runtime *rt)
{
	uint64_t	e0 = runtime_events(rt);
	int		stopped;

	stopped = runtime_run(rt, r->until);
	r->res->events += runtime_events(rt) - e0;
	return (stopped);
}

struct run_result *
run_close(struct run *r)
{
	const struct scenario	*sc = r->sc;
	struct run_result	*res = r->res;
	struct timespec		 t1;
	size_t			 i;

	res->end = sim_now(r->sim);
	/* Stopped early (Ctrl-C, q): what was due later was never checked. */
	for (i = 0; i < res->nres; i++) {
		struct run_expect_result	*er = &res->res[i];

		if (er->ex->at > res->end && er->checked == 0 &&
		    er->nfail == 0) {
			char	*t = run_time_str(res->end), *seen;

			xasprintf(&seen, "it stopped at %s", t);
			free(t);
			run_fail(er, NULL, xstrdup("the run to get there"),
			    seen);
		}
	}
	stats_finish(res->stats);
	for (i = 0; i < res->nservers; i++)
		run_series_finish(&res->servers[i]);
	res->boots = r->total.boots;
	res->dhcp_acks = r->total.dhcp_acks;
	res->resyncs = r->total.resyncs;
	res->resync_ok = r->total.resync_ok;
	res->resync_fail = r->total.resync_fail;
	res->fetches = r->total.fetches;
	res->requests = r->total.requests;
	if (sim_phone_count(r->sim) <= RUN_HIST_PHONES)
		run_hist_collect(r);
	for (i = 0; i < sim_phone_count(r->sim); i++) {
		struct phone			*p = sim_phone(r->sim, i);
		const struct phone_status	*st = phone_status(p);

		if (!run_mine(r, i))
			continue;	/* another worker's */
		res->phones++;
		res->cust[phone_customization(p)]++;
		if (r->pstats[i].resyncs != 0 && st->last_err < EMU_E__COUNT)
			res->by_err[st->last_err]++;
	}
	for (i = 0; i < res->nres; i++) {
		if (res->res[i].passed)
			res->passed++;
		else
			res->failed++;
	}
	/* 2.3: every phone's flash, whatever the verdict. */
	if (r->state_dir != NULL) {
		char	*cause = NULL;

		if (run_state_save(r->state_dir, r->sim, &cause) != 0) {
			fprintf(stderr, "phonefleet run: %s\n", cause);
			free(cause);
			res->state_failed = 1;
		}
	}

	run_uploads(r);
	sim_free(r->sim);
	for (i = 0; i < sc->nsite; i++)
		ep_dhcp_free(r->dhcp[i]);
	free(r->dhcp);
	free(r->dconf);
	for (i = 0; i < r->nsrv; i++) {
		struct run_server	*s = &r->srv[i];
		struct run_count	*c;
		size_t			 pos = 0;

		while ((c = hmap_next(&s->by_path, &pos)) != NULL) {
			free(c->path);
			free(c);
		}
		hmap_clear(&s->by_path);
		ep_http_free(s->http);
		ep_tftp_free(s->tftp);
		ep_cloud_free(s->cloud);
		ep_proxy_free(s->proxy);
		ep_syslog_free(s->syslog);
		store_free(s->store);
	}
	free(r->srv);
	free(r->certh);
	for (i = 0; i < sc->ndnss; i++)
		ep_dns_free(r->dns[i]);
	free(r->dns);
	free(r->pstats);
	free(r->cb_power);
	free(r->cb_action);
	free(r->cb_expect);
	free(r->cb_call_end);
	for (i = 0; i < r->nsips; i++)
		ep_sip_free(r->sips[i].e);
	free(r->sips);
	free(r->notify_status);
	for (i = 0; i < r->nwatch; i++) {
		size_t	j;

		for (j = 0; j < r->watch[i].nrec; j++) {
			free(r->watch[i].rec[j].header);
			free(r->watch[i].rec[j].subject);
			free(r->watch[i].rec[j].target);
			free(r->watch[i].rec[j].body);
		}
		free(r->watch[i].rec);
	}
	free(r->watch);
	emu_ctx_free(r->ctx);
	rand_system();
	free(r->phone_site);
	free(r->real);
	free(r->relays);
	free(r->maps);
	free(r->sources);
	for (i = 0; r->arr != NULL && i < sc->narrival; i++) {
		struct run_arrival_tok	*tok, *next;

		free(r->arr[i].list);
		for (tok = r->arr[i].toks; tok != NULL; tok = next) {
			next = tok->next;
			free(tok);
		}
	}
	free(r->arr);
	free(r->arr_of);
	free(r->arr_flight);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->wall_s = (t1.tv_sec - r->t0.tv_sec) +
	    (t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	free(r);
	return (res);
}

struct run_result *
run_scenario(const struct scenario *sc, const struct run_opts *o)
{
	struct run	*r;
	struct runtime	*rt;

	r = run_open(sc, o);
	rt = runtime_sim(run_world(r));
	run_play(r, rt);
	runtime_free(rt);
	return (run_close(r));
}


void
run_result_free(struct run_result *r)
{
	size_t	i, j;

	if (r == NULL)
		return;
	for (i = 0; i < r->nres; i++) {
		for (j = 0; j < r->res[i].nfail; j++) {
			free(r->res[i].fail[j].phone);
			free(r->res[i].fail[j].expected);
			free(r->res[i].fail[j].seen);
		}
		free(r->res[i].fail);
	}
	free(r->res);
	for (i = 0; i < r->nhist; i++) {
		int	k, m;

		for (k = 0; k < PHONE_HIST__COUNT; k++) {
			for (m = 0; m < r->hist[i].n[k]; m++)
				free(r->hist[i].ent[k][m]);
		}
	}
	free(r->hist);
	for (i = 0; i < r->nuploads; i++)
		free(r->uploads[i].server);
	free(r->uploads);
	for (i = 0; i < r->nservers; i++)
		run_series_clear(&r->servers[i]);
	free(r->servers);
	stats_free(r->stats);
	free(r);
}

/*
 * <uploads>: how many uploads the server kept for the path (from phone idx,
 * or from any with -1), and what the last of them holds (16.4).
 */
static int
run_check_uploads(struct run *r, const struct scn_check *c, long idx,
    char **expected, char **seen)
{
	struct run_server		*rs;
	const struct store_upload	*u, *last = NULL;
	struct dbuf			 plain;
	const char			*body;
	char				*e;
	uint64_t			 n = 0;
	int				 rc = 0;

	if ((rs = run_srv_find(r, c->name, NULL)) == NULL ||
	    rs->store == NULL)
		return (0);
	for (u = store_upload_next(rs->store, NULL); u != NULL;
	    u = store_upload_next(rs->store, u)) {
		if (c->path != NULL && fnmatch(c->path, u->path, 0) != 0)
			continue;
		if (idx >= 0 && sim_phone_by_ip(r->sim, u->peer_ip) != idx)
			continue;
		n++;
		last = u;
	}
	if (n < c->min || n > c->max) {
		e = run_range_str(c->min, c->max);
		xasprintf(expected, "server %s: %s uploads %s", c->name,
		    c->path != NULL ? c->path : "all", e);
		free(e);
		xasprintf(seen, "%llu", (unsigned long long)n);
		return (-1);
	}
	if (last == NULL)
		return (0);
	if (c->method != NULL && strcmp(c->method, last->method) != 0) {
		xasprintf(expected, "upload method %s", c->method);
		xasprintf(seen, "%s", last->method);
		return (-1);
	}
	dbuf_init(&plain);
	body = (const char *)last->body;
	if (c->key != NULL) {
		/* B107: what openssl enc -d -aes-256-cbc -k K gives. */
		if (run_decrypt(last->body, last->len, c->key, &plain) != 0) {
			xasprintf(expected, "upload %s decrypting with key "
			    "\"%s\"", last->path, c->key);
			xasprintf(seen, "%zu bytes that do not", last->len);
			dbuf_clear(&plain);
			return (-1);
		}
		body = (const char *)plain.data;
	}
	if (c->body != NULL && strstr(body, c->body) == NULL) {
		xasprintf(expected, "upload %s containing \"%s\"", last->path,
		    c->body);
		xasprintf(seen, "%.*s", RUN_FAIL_TEXT_MAX, body);
		rc = -1;
	} else if (c->lacks != NULL && strstr(body, c->lacks) != NULL) {
		xasprintf(expected, "upload %s without \"%s\"", last->path,
		    c->lacks);
		xasprintf(seen, "%.*s", RUN_FAIL_TEXT_MAX,
		    strstr(body, c->lacks));
		rc = -1;
	}
	dbuf_clear(&plain);
	return (rc);
}

/*
 * OpenSSL enc format (11.2): "Salted__", salt, AES-256-CBC with the key
 * and IV of EVP_BytesToKey(SHA-256, one round), as openssl enc -d -k
 * reads it.  0 and the text in out, or -1.
 */
static int
run_decrypt(const uint8_t *in, size_t len, const char *key, struct dbuf *out)
{
	EVP_CIPHER_CTX	*x;
	unsigned char	 k[32], iv[16];
	int		 n = 0, m = 0, rc = -1;

	if (len < 32 || (len - 16) % 16 != 0 ||
	    memcmp(in, "Salted__", 8) != 0)
		return (-1);
	if (EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), in + 8,
	    (const unsigned char *)key, strlen(key), 1, k, iv) == 0)
		return (-1);
	dbuf_reset(out);
	dbuf_reserve(out, len + 1);
	if ((x = EVP_CIPHER_CTX_new()) == NULL)
		return (-1);
	if (EVP_DecryptInit_ex(x, EVP_aes_256_cbc(), NULL, k, iv) == 1 &&
	    EVP_DecryptUpdate(x, out->data, &n, in + 16, len - 16) == 1 &&
	    EVP_DecryptFinal_ex(x, out->data + n, &m) == 1) {
		out->len = n + m;
		out->data[out->len] = '\0';
		rc = 0;
	}
	EVP_CIPHER_CTX_free(x);
	return (rc);
}

/*
 * The end of a run: what each report server received, for the reports;
 * with --uploads DIR the kept bodies as DIR/<server>-<n>.body, n its
 * arrival number.
 */
static void
run_uploads(struct run *r)
{
	const struct scenario		*sc = r->sc;
	const struct store_upload_stats	*st;
	const struct store_upload	*u;
	struct run_uploads		*ru;
	char				*path;
	FILE				*f;
	size_t				 i;

	for (i = 0; i < sc->nserver; i++) {
		if (sc->server[i].nupload == 0 || r->srv[i].store == NULL)
			continue;
		st = store_upload_stats(r->srv[i].store);
		r->res->uploads = xreallocarray(r->res->uploads,
		    r->res->nuploads + 1, sizeof *r->res->uploads);
		ru = &r->res->uploads[r->res->nuploads++];
		ru->server = xstrdup(sc->server[i].name);
		ru->received = st->received;
		ru->bytes = st->bytes;
		ru->dropped = st->dropped;
		ru->kept = store_upload_count(r->srv[i].store);
		if (r->uploads_dir == NULL)
			continue;
		for (u = store_upload_next(r->srv[i].store, NULL); u != NULL;
		    u = store_upload_next(r->srv[i].store, u)) {
			xasprintf(&path, "%s/%s-%llu.body", r->uploads_dir,
			    sc->server[i].name, (unsigned long long)u->seq);
			if ((f = fopen(path, "wb")) == NULL ||
			    fwrite(u->body, 1, u->len, f) != u->len ||
			    fclose(f) != 0)
				fprintf(stderr, "phonefleet run: %s: %s\n",
				    path, strerror(errno));
			free(path);
		}
	}
}

static void
run_log(void *arg, const char *line)
{
	struct run	*r = arg;

	fprintf(r->tracef, "%s\n", line);
}

/* Notes are the fleet's statistics (DESIGN.md). */
static void
run_note(void *arg, size_t phone, const struct emu_note *n, emu_time now)
{
	struct run	*r = arg;

	stats_note(r->res->stats, phone, n, now);
	if (phone < r->sc->nphones)
		emu_stats_add(&r->pstats[phone], n);
	emu_stats_add(&r->total, n);
	if ((n->kind == EMU_NOTE_RESYNC || n->kind == EMU_NOTE_XFER) &&
	    n->err != EMU_OK && n->err < EMU_E__COUNT)
		r->errs[n->kind == EMU_NOTE_XFER][n->err]++;
	if (r->arr_of != NULL && phone < r->sc->nphones &&
	    r->arr_of[phone] != SCN_ARRIVAL_NONE)
		run_arrival_note(r, phone, n, now);
}

/*
 * <arrival> (docs/scenario.md): phones power on at the phases' times, in
 * the order of their groups; with max-in-flight, an arrival waits while
 * that many phones are booting without a provisioning outcome (a resync's
 * result, or the activation screen), or for flight-timeout.
 */
static void
run_arrival_build(struct run *r)
{
	const struct scenario	*sc = r->sc;
	struct run_arrival	*ra;
	size_t			 i, j, k;

	if (sc->narrival == 0)
		return;
	r->arr = xcalloc(sc->narrival, sizeof *r->arr);
	r->arr_of = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
	    sizeof *r->arr_of);
	r->arr_flight = xcalloc(sc->nphones == 0 ? 1 : sc->nphones, 1);
	for (i = 0; i < sc->nphones; i++)
		r->arr_of[i] = SCN_ARRIVAL_NONE;
	for (k = 0; k < sc->narrival; k++) {
		ra = &r->arr[k];
		ra->run = r;
		ra->a = &sc->arrival[k];
		ra->list = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
		    sizeof *ra->list);
		for (i = 0; i < sc->ngroup; i++) {
			if (sc->group[i].arrival != k)
				continue;
			for (j = 0; j < sc->group[i].count; j++) {
				r->arr_of[sc->group[i].first + j] = (uint16_t)k;
				ra->list[ra->n++] = sc->group[i].first + j;
			}
		}
		ra->pstart = ra->a->start;
		/* With workers, each holds its share of the cap (at least
		 * one): its phones among the first cap to arrive, so that
		 * those are in flight together, as in one process. */
		ra->max_in_flight = ra->a->max_in_flight;
		if (r->nshards > 1 && ra->max_in_flight != 0) {
			ra->max_in_flight = 0;
			for (i = 0; i < ra->n && i < ra->a->max_in_flight; i++)
				ra->max_in_flight += run_mine(r, ra->list[i]);
			if (ra->max_in_flight == 0)
				ra->max_in_flight = 1;
		}
		ra->tok0.ra = ra;
		if (ra->n != 0 && ra->a->nphase != 0)
			run_arrival_plan(ra, &ra->tok0, 0);
	}
}

/* Power on the phones that have arrived, as the cap allows. */
static void
run_arrival_pump(void *arg, emu_time now)
{
	struct run_arrival	*ra = arg;
	struct run		*r = ra->run;
	struct emu_event	 ev;
	size_t			 idx;

	ra->pump = 0;
	while (ra->powered < ra->arrived && (ra->max_in_flight == 0 ||
	    ra->in_flight < ra->max_in_flight)) {
		idx = ra->list[ra->powered++];
		if (!run_mine(r, idx))
			continue;	/* it arrives at another worker */
		r->arr_flight[idx] = 1;
		ra->in_flight++;
		sim_at(r->sim, EMU_TIME_ADD(now, ra->a->flight_timeout),
		    run_flight_cb, &r->cb_power[idx]);
		memset(&ev, 0, sizeof ev);
		ev.type = EMU_EV_POWER_ON;
		sim_phone_event(r->sim, sim_phone(r->sim, idx), &ev);
	}
}

/* Pump from a note: not inside a phone's actions, at the same time. */
static void
run_arrival_kick(struct run_arrival *ra, emu_time now)
{
	if (ra->pump)
		return;
	ra->pump = 1;
	sim_at(ra->run->sim, now, run_arrival_pump, ra);
}

static void
run_arrive_cb(void *arg, emu_time now)
{
	struct run_arrival_tok	*tok = arg;
	struct run_arrival	*ra = tok->ra;

	if (tok != ra->tok)
		return;		/* re-planned: run_set_rate_factor() */
	if (ra->at_end) {
		/* The phase is over: the next starts where it ends. */
		ra->pstart = now;
		ra->phase++;
		ra->m = 0;
		ra->seg_at = 0;
		ra->seg_q = 0;
	}
	ra->arrived++;
	run_arrival_pump(ra, now);
	if (ra->arrived == ra->n) {
		ra->tok = NULL;
		return;		/* everyone is here */
	}
	ra->m++;
	run_arrival_plan(ra, tok, now);
}

/*
 * The phase-local time of arrival m of the phase running, or
 * EMU_TIME_NEVER: where the arrivals owed reach m.  With the factor 1
 * since the phase began, scenario_phase_at().
 */
static emu_time
run_arrival_at(const struct run_arrival *ra, uint64_t m)
{
	const struct scn_phase	*ph = &ra->a->phase[ra->phase];
	emu_time		 t;

	if (ph->count != 0 && m >= ph->count)
		return (EMU_TIME_NEVER);
	t = scenario_phase_when(ph, scenario_phase_phones(ph, ra->seg_at) +
	    ((double)m - ra->seg_q) / ra->run->rate_f);
	return (t != EMU_TIME_NEVER && t < ra->seg_at ? ra->seg_at : t);
}

/* The phase-local end of the phase running: over, or its count owed. */
static emu_time
run_arrival_end(const struct run_arrival *ra)
{
	const struct scn_phase	*ph = &ra->a->phase[ra->phase];
	double			 t;

	if (ph->over != 0)
		return (ph->over);
	/* A count's phase has a constant rate (a ramp needs over). */
	t = (double)ra->seg_at + ((double)ph->count - ra->seg_q) /
	    ra->run->rate_f / ph->from * 1e6;
	if (t < (double)ra->seg_at)
		return (ra->seg_at);
	return (t >= (double)SCN_TIME_MAX ? SCN_TIME_MAX : (emu_time)t);
}

/* Arm tok for the next arrival: m of the phase, or the next phase's first
 * at this one's end; nothing when the phases are over. */
static void
run_arrival_plan(struct run_arrival *ra, struct run_arrival_tok *tok,
    emu_time now)
{
	emu_time	at;

	ra->tok = NULL;
	if ((at = run_arrival_at(ra, ra->m)) != EMU_TIME_NEVER)
		ra->at_end = 0;
	else if (ra->phase + 1 < ra->a->nphase) {
		at = run_arrival_end(ra);
		ra->at_end = 1;
	} else
		return;
	at = EMU_TIME_ADD(ra->pstart, at);
	ra->tok = tok;
	sim_at(ra->run->sim, at > now ? at : now, run_arrive_cb, tok);
}

double
run_rate_factor(const struct run *r)
{
	return (r->rate_f);
}

/*
 * The rate factor (issue 8, SIPp's rate keys): every <arrival>'s rate
 * times f from now on.  The phases keep their times and a ramp its shape;
 * what is armed is re-planned from the arrivals owed at now.  -1 if f is
 * out of bounds or would take a phase past SCN_RATE_MAX.
 */
int
run_set_rate_factor(struct run *r, double f, emu_time now)
{
	struct run_arrival	*ra;
	struct run_arrival_tok	*tok;
	const struct scn_phase	*ph;
	double			 peak = 0;
	emu_time		 x;
	size_t			 k, i;

	if (!(f >= RUN_RATE_FACTOR_MIN && f <= RUN_RATE_FACTOR_MAX) ||
	    r->arr == NULL)
		return (-1);
	for (k = 0; k < r->sc->narrival; k++) {
		for (i = 0; i < r->arr[k].a->nphase; i++) {
			ph = &r->arr[k].a->phase[i];
			if (ph->from > peak)
				peak = ph->from;
			if (ph->to > peak)
				peak = ph->to;
		}
	}
	if (f * peak > SCN_RATE_MAX)
		return (-1);
	if (now < sim_now(r->sim))
		now = sim_now(r->sim);
	for (k = 0; k < r->sc->narrival; k++) {
		ra = &r->arr[k];
		if (ra->n == 0 || ra->a->nphase == 0 || ra->arrived == ra->n)
			continue;
		ph = &ra->a->phase[ra->phase];
		if (now > ra->pstart && (x = now - ra->pstart) > ra->seg_at) {
			ra->seg_q += r->rate_f * (scenario_phase_phones(ph, x) -
			    scenario_phase_phones(ph, ra->seg_at));
			ra->seg_at = x;
		}
	}
	r->rate_f = f;
	for (k = 0; k < r->sc->narrival; k++) {
		ra = &r->arr[k];
		if (ra->n == 0 || ra->a->nphase == 0 || ra->arrived == ra->n)
			continue;
		tok = xcalloc(1, sizeof *tok);
		tok->ra = ra;
		tok->next = ra->toks;
		ra->toks = tok;
		run_arrival_plan(ra, tok, now);
	}
	return (0);
}

/* The arrival rate at now, phones per second: every <arrival>'s phase. */
double
run_rate_now(const struct run *r, emu_time now)
{
	const struct run_arrival	*ra;
	const struct scn_phase		*ph;
	double				 rate = 0;
	emu_time			 x;
	size_t				 k;

	for (k = 0; r->arr != NULL && k < r->sc->narrival; k++) {
		ra = &r->arr[k];
		if (ra->n == 0 || ra->a->nphase == 0 ||
		    ra->arrived == ra->n || now < ra->pstart)
			continue;
		ph = &ra->a->phase[ra->phase];
		x = now - ra->pstart;
		if (ph->over != 0 ? x >= ph->over : ra->tok == NULL)
			continue;	/* the phases are over */
		rate += r->rate_f * scenario_phase_rate(ph, x);
	}
	return (rate);
}

/* Whether the run has phones arriving by <arrival>: rate keys apply. */
int
run_has_arrival(const struct run *r)
{
	size_t	k;

	for (k = 0; r->arr != NULL && k < r->sc->narrival; k++) {
		if (r->arr[k].n != 0 && r->arr[k].a->nphase != 0)
			return (1);
	}
	return (0);
}

/* A phone leaves flight: it reached an outcome, or its time is up. */
static void
run_flight_end(struct run *r, size_t phone, emu_time now, int deferred)
{
	struct run_arrival	*ra = &r->arr[r->arr_of[phone]];

	if (!r->arr_flight[phone])
		return;
	r->arr_flight[phone] = 0;
	ra->in_flight--;
	if (deferred)
		run_arrival_kick(ra, now);
	else
		run_arrival_pump(ra, now);
}

static void
run_flight_cb(void *arg, emu_time now)
{
	struct run_cb	*cb = arg;

	run_flight_end(cb->run, cb->idx, now, 0);
}

/* The closed-loop storm: resync every so long after the last outcome. */
static void
run_storm_cb(void *arg, emu_time now)
{
	struct run_cb		*cb = arg;
	struct emu_event	 ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_RESYNC;
	sim_phone_event(cb->run->sim, sim_phone(cb->run->sim, cb->idx), &ev);
}

static void
run_arrival_note(struct run *r, size_t phone, const struct emu_note *n,
    emu_time now)
{
	const struct scn_arrival	*a = r->arr[r->arr_of[phone]].a;

	if (n->kind != EMU_NOTE_RESYNC && !(n->kind == EMU_NOTE_ACTIVATION &&
	    n->arg == PHONE_ACT_SHOWN))
		return;
	/* Inside the phone's actions: power others on a moment later. */
	run_flight_end(r, phone, now, 1);
	if (n->kind == EMU_NOTE_RESYNC && a->resync_every != 0)
		sim_at(r->sim, EMU_TIME_ADD(now, a->resync_every),
		    run_storm_cb, &r->cb_power[phone]);
}

/*
 * --rss-every: the process's resident set at every multiple of the
 * interval of virtual time, a line "rss <seconds>s <KiB> KiB" on stderr
 * (bench/sim-soak reads them).
 */
static void
run_rss(void *arg, emu_time now)
{
	struct run		*r = arg;
	unsigned long long	 size, resident = 0;
	FILE			*f;

	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%llu %llu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	fprintf(stderr, "rss %llus %llu KiB\n",
	    (unsigned long long)(now / EMU_SEC(1)),
	    resident * (unsigned long long)sysconf(_SC_PAGESIZE) / 1024);
	sim_at(r->sim, EMU_TIME_ADD(now, r->rss_every), run_rss, r);
}

/* A site's source= addresses, for the host carrier (run_sources()). */
static void
run_source_add(struct run *r, const struct scn_site *s,
    const struct sim_site *site)
{
	struct run_source	*src;

	if (s->nsource == 0)
		return;
	r->sources = xreallocarray(r->sources, r->nsources + 1,
	    sizeof *r->sources);
	src = &r->sources[r->nsources++];
	src->site = site;
	src->name = s->name;
	src->addrs = s->source;
	src->n = s->nsource;
}

static void
run_build(struct run *r)
{
	const struct scenario	*sc = r->sc;
	struct sim_site		**sites;
	struct ep_dhcp_conf	*dc;
	size_t			 i, j, k, n = 0, g_nparam;

	sites = xcalloc(sc->nsite == 0 ? 1 : sc->nsite, sizeof *sites);
	r->dhcp = xcalloc(sc->nsite == 0 ? 1 : sc->nsite, sizeof *r->dhcp);
	r->dconf = xcalloc(sc->nsite == 0 ? 1 : sc->nsite, sizeof *r->dconf);
	for (i = 0; i < sc->nsite; i++) {
		const struct scn_site	*s = &sc->site[i];

		dc = &r->dconf[i];
		if (s->dhcp_real) {
			/* Outside: relayed by the runtime's host carrier. */
			sites[i] = sim_site_add(r->sim, s->name, &s->link,
			    NULL);
			run_source_add(r, s, sites[i]);
			r->relays = xreallocarray(r->relays, r->nrelays + 1,
			    sizeof *r->relays);
			r->relays[r->nrelays].site = sites[i];
			r->relays[r->nrelays].name = s->name;
			r->relays[r->nrelays].server = s->dhcp_connect;
			r->relays[r->nrelays].port = s->dhcp_port;
			r->relays[r->nrelays].relay = s->relay;
			/* Workers relay from ports of their own (docs/load.md). */
			r->relays[r->nrelays].relay_port = (uint16_t)
			    (s->relay_port + (r->nshards > 1 ? r->shard : 0));
			r->nrelays++;
			continue;
		}
		if (s->has_dhcp) {
			memset(dc, 0, sizeof *dc);
			dc->server_ip = s->dhcp_server;
			dc->netmask = s->mask;
			dc->pool_start = (s->subnet & s->mask) + 2;
			dc->pool_end = (s->subnet | ~s->mask) - 1;
			dc->router = s->gateway;
			dc->ndns = s->ndns;
			for (j = 0; j < (size_t)s->ndns && j < 2; j++)
				dc->dns[j] = s->dns[j];
			if (s->domain != NULL)
				pf_strlcpy(dc->domain, s->domain,
				    sizeof dc->domain);
			dc->lease_s = s->lease_s;
			for (j = 0; j < s->nopt && j < EP_DHCP_OPTS_MAX; j++) {
				dc->opt[j].code = s->opt[j].code;
				dc->opt[j].len = s->opt[j].len;
				memcpy(dc->opt[j].data, s->opt[j].data,
				    s->opt[j].len);
			}
			dc->nopt = j;
			/* Server addresses of the scenario are never leased. */
			for (j = 0; j < sc->nserver &&
			    dc->nexclude < EP_DHCP_EXCLUDE_MAX; j++)
				dc->exclude[dc->nexclude++] = sc->server[j].ip;
			for (j = 0; j < sc->ndnss &&
			    dc->nexclude < EP_DHCP_EXCLUDE_MAX; j++)
				dc->exclude[dc->nexclude++] = sc->dnss[j].ip;
			for (j = 0; j < SCN_CLOUD__COUNT &&
			    dc->nexclude < EP_DHCP_EXCLUDE_MAX; j++) {
				if (sc->cloud[j].present)
					dc->exclude[dc->nexclude++] =
					    sc->cloud[j].ip;
			}
			for (j = 0; j < sc->nproxy &&
			    dc->nexclude < EP_DHCP_EXCLUDE_MAX; j++)
				dc->exclude[dc->nexclude++] = sc->proxy[j].ip;
			r->dhcp[i] = ep_dhcp_create(dc);
		}
		sites[i] = sim_site_add(r->sim, s->name, &s->link, r->dhcp[i]);
		run_source_add(r, s, sites[i]);
	}

	run_pki(r);
	r->nsrv = sc->nserver + SCN_CLOUD__COUNT + sc->nproxy;
	r->srv = xcalloc(r->nsrv, sizeof *r->srv);
	for (i = 0; i < r->nsrv; i++) {
		r->srv[i].run = r;
		r->srv[i].idx = i;
		hmap_init(&r->srv[i].by_path);
	}
	for (i = 0; i < sc->nserver; i++) {
		const struct scn_server	*s = &sc->server[i];
		struct run_server	*rs = &r->srv[i];

		if (s->real) {
			/* Carried by the runtime's host carrier. */
			r->real = xreallocarray(r->real, r->nreal + 1,
			    sizeof *r->real);
			r->real[r->nreal++] = s->ip;
			continue;
		}
		rs->store = store_create();
		for (j = 0; j < s->nfile; j++) {
			if (s->file[j].is_template)
				store_add_template(rs->store, s->file[j].path,
				    s->file[j].data, s->file[j].len);
			else
				store_add_file(rs->store, s->file[j].path,
				    s->file[j].data, s->file[j].len);
			/* 11.3: an ikm= file is served aes128gcm-coded. */
			if (s->file[j].aes128gcm)
				(void)store_set_encoding(rs->store,
				    s->file[j].path, "aes128gcm");
		}
		/* B54: a CA's PEM, for Custom_CA_Rule. */
		for (j = 0; j < s->nca_file; j++) {
			const char	*pem = pki_ca_pem(r->ctx->pki,
			    s->ca_file[j].ca);

			if (pem != NULL)
				store_add_file(rs->store, s->ca_file[j].path,
				    (const uint8_t *)pem, strlen(pem));
		}
		/* 16.4: report destinations. */
		for (j = 0; j < s->nupload; j++)
			store_add_upload(rs->store, s->upload[j].path);
		/* 12.3: generated loads, made as they are sent. */
		for (j = 0; j < s->nload; j++) {
			char	*cause = NULL;

			if (store_add_load(rs->store, s->load[j].dir,
			    s->load[j].name, s->load[j].size,
			    s->load[j].images, &cause) != 0) {
				/* The loader checked what can fail. */
				char	*line;

				xasprintf(&line, "server %s: load %s: %s",
				    s->name, s->load[j].name, cause);
				run_log(r, line);
				free(line);
				free(cause);
			}
		}
		if (s->http_port != 0 || s->https_port != 0) {
			rs->http = ep_http_create(rs->store);
			ep_http_observe(rs->http, run_observe, rs);
			for (k = 0; k < s->nfault; k++)
				ep_http_fault_add(rs->http, &s->fault[k]);
		}
		if (s->http_port != 0)
			sim_host_add_http(r->sim, s->ip, s->http_port, rs->http);
		if (s->https_port != 0 && s->cert >= 0)
			run_https(r, s->ip, s->https_port, r->certh[s->cert],
			    s->line, s->client_cert, s->tls_min, s->tls_max,
			    s->tls_fault, rs->http);
		if (s->tftp_port != 0) {
			rs->tftp = ep_tftp_create(rs->store, s->ip, s->tftp_port);
			ep_tftp_observe(rs->tftp, run_observe, rs);
			for (k = 0; k < s->nfault; k++)
				ep_tftp_fault_add(rs->tftp, &s->fault[k]);
			sim_host_add_tftp(r->sim, s->ip, s->tftp_port, rs->tftp);
		}
		if (s->syslog_port != 0) {
			rs->syslog = ep_syslog_create(0);
			sim_host_add_syslog(r->sim, s->ip, s->syslog_port,
			    rs->syslog);
		}
	}
	r->dns = xcalloc(sc->ndnss == 0 ? 1 : sc->ndnss, sizeof *r->dns);
	for (i = 0; i < sc->ndnss; i++) {
		const struct scn_dns_server	*ds = &sc->dnss[i];

		if (ds->real) {
			/* Carried by the runtime's host carrier. */
			r->real = xreallocarray(r->real, r->nreal + 1,
			    sizeof *r->real);
			r->real[r->nreal++] = ds->ip;
			if (ds->port != 53) {
				r->maps = xreallocarray(r->maps, r->nmaps + 1,
				    sizeof *r->maps);
				r->maps[r->nmaps].ip = ds->ip;
				r->maps[r->nmaps].port = 53;
				r->maps[r->nmaps].to = ds->port;
				r->nmaps++;
			}
			continue;
		}
		r->dns[i] = ep_dns_create();
		ep_dns_set_delay(r->dns[i], ds->delay);
		for (j = 0; j < ds->nrec; j++) {
			const struct scn_dns_rec	*d = &ds->rec[j];

			ep_dns_ttl(r->dns[i], d->ttl_s);
			if (d->type == DNS_T_A)
				ep_dns_add_a(r->dns[i], d->name, d->a);
			else if (d->type == DNS_T_CNAME)
				ep_dns_add_cname(r->dns[i], d->name,
				    d->target);
			else
				ep_dns_add_srv(r->dns[i], d->name, d->prio,
				    d->weight, d->port, d->target);
		}
		/* 13.1: the cloud's names, unless the server has its own. */
		for (k = 0; k < SCN_CLOUD__COUNT; k++) {
			static const char *const names[SCN_CLOUD__COUNT][3] = {
				{ CLOUD_EDOS_HOST, CLOUD_EDOS_HOST_OLD, NULL },
				{ CLOUD_GDS_HOST, NULL, NULL },
			};
			size_t	m;

			if (!sc->cloud[k].present)
				continue;
			for (m = 0; names[k][m] != NULL; m++) {
				for (j = 0; j < ds->nrec; j++) {
					if (ds->rec[j].name != NULL &&
					    pf_strcasecmp_ascii(ds->rec[j].name,
					    names[k][m]) == 0)
						break;
				}
				if (j < ds->nrec)
					continue;
				ep_dns_ttl(r->dns[i], ds->nrec > 0 ?
				    ds->rec[0].ttl_s : 300);
				ep_dns_add_a(r->dns[i], names[k][m],
				    sc->cloud[k].ip);
			}
		}
		sim_host_add_dns(r->sim, ds->ip, r->dns[i]);
	}
	for (k = 0; k < SCN_CLOUD__COUNT; k++)
		run_cloud(r, k);
	for (i = 0; i < sc->nproxy; i++)
		run_proxy(r, i);
	/* state="down": hosts that start off (a host is its address). */
	for (i = 0; i < sc->nserver; i++) {
		if (sc->server[i].real)
			continue;
		if (sc->server[i].down)
			sim_host_set_down(r->sim, sc->server[i].ip, 1);
		/* uplink=: what the server sends shares it. */
		if (sc->server[i].uplink_bps != 0)
			sim_host_set_uplink(r->sim, sc->server[i].ip,
			    sc->server[i].uplink_bps);
	}
	for (i = 0; i < sc->ndnss; i++) {
		if (sc->dnss[i].down && !sc->dnss[i].real)
			sim_host_set_down(r->sim, sc->dnss[i].ip, 1);
	}
	for (i = 0; i < SCN_CLOUD__COUNT; i++) {
		if (sc->cloud[i].present && sc->cloud[i].down)
			sim_host_set_down(r->sim, sc->cloud[i].ip, 1);
	}
	for (i = 0; i < sc->nproxy; i++) {
		if (sc->proxy[i].down)
			sim_host_set_down(r->sim, sc->proxy[i].ip, 1);
	}
	if (r->servers_only) {
		/* phonefleet serve: the hosts are all it serves. */
		free(sites);
		return;
	}

	r->phone_site = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
	    sizeof *r->phone_site);
	r->cb_power = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
	    sizeof *r->cb_power);
	for (i = 0; i < sc->ngroup; i++) {
		const struct scn_group	*g = &sc->group[i];

		for (j = 0; j < g->count; j++, n++) {
			struct phone_conf	 pc;
			struct phone		*p;
			const struct scn_ident	*id;
			uint64_t		 mac = 0;
			int			 from_state;
			char			 serial[64];
			int			 b;

			memset(&pc, 0, sizeof pc);
			if (g->macs != NULL)
				memcpy(pc.mac, g->macs[j], 6);
			else {
				for (b = 0; b < 6; b++)
					mac = (mac << 8) | g->mac[b];
				mac += j;
				for (b = 5; b >= 0; b--) {
					pc.mac[b] = mac & 0xff;
					mac >>= 8;
				}
			}
			snprintf(serial, sizeof serial, "%s%08zu",
			    g->serial_prefix != NULL ? g->serial_prefix : "FCH",
			    n);
			id = g->ident != NULL ? &g->ident[j] : NULL;
			pc.model = id != NULL && id->model != NULL ?
			    id->model : g->model;
			pc.serial = id != NULL && id->serial != NULL ?
			    id->serial : serial;
			pc.hwver = g->hwver;
			pc.swver = id != NULL && id->firmware != NULL ?
			    id->firmware : g->firmware;
			pc.swver_inactive = g->firmware_inactive;
			pc.no_cert = g->no_cert;
			pc.key_group = g->key_group;	/* 2.2 */
			p = phone_create(r->ctx, &pc);
			/* Yesterday's flash, else the scenario's values. */
			from_state = run_build_state(r, p) == 1;
			g_nparam = from_state ? 0 : g->nparam;
			for (k = 0; k < g_nparam; k++) {
				char	*cause = NULL;

				/* Checked by the loader; flash values. */
				if (phone_set(p, g->param[k].name,
				    g->param[k].value, 0, &cause) != 0)
					free(cause);
			}
			/* The phone's own (CSV) values after the group's. */
			for (k = 0; id != NULL && !from_state &&
			    k < id->nparam; k++) {
				char	*cause = NULL;

				if (phone_set(p, id->param[k].name,
				    id->param[k].value, 0, &cause) != 0)
					free(cause);
			}
			sim_phone_add(r->sim, sites[g->site_idx], p);
			r->phone_site[n] = g->site_idx;
			r->cb_power[n].run = r;
			r->cb_power[n].idx = n;
			if (g->power_on == EMU_TIME_NEVER ||
			    g->arrival != SCN_ARRIVAL_NONE || !run_mine(r, n))
				continue;	/* the timeline's, <arrival>'s,
						   another worker's */
			sim_at(r->sim, EMU_TIME_ADD(g->power_on, g->count > 1 ?
			    g->spread * j / g->count : 0), run_power_cb,
			    &r->cb_power[n]);
		}
	}
	free(sites);
	run_arrival_build(r);

	r->cb_action = xcalloc(sc->naction == 0 ? 1 : sc->naction,
	    sizeof *r->cb_action);
	r->cb_call_end = xcalloc(sc->naction == 0 ? 1 : sc->naction,
	    sizeof *r->cb_call_end);
	r->notify_status = xcalloc(sc->nphones == 0 ? 1 : sc->nphones,
	    sizeof *r->notify_status);
	for (i = 0; i < sc->nphones; i++)
		r->notify_status[i] = -1;
	for (i = 0; i < sc->naction; i++) {
		const struct scn_action	*a = &sc->action[i];
		uint32_t		 ip;

		r->cb_action[i].run = r;
		r->cb_action[i].idx = i;
		sim_at(r->sim, a->at, run_action_cb, &r->cb_action[i]);
		if (a->type == SCN_ACT_CALL) {
			/* 3.6: the call ends after its duration. */
			r->cb_call_end[i].run = r;
			r->cb_call_end[i].idx = i;
			sim_at(r->sim, EMU_TIME_ADD(a->at, a->duration),
			    run_call_end_cb, &r->cb_call_end[i]);
		}
		if (a->type != SCN_ACT_NOTIFY)
			continue;
		/* 16.3: the host of from= sends NOTIFYs from port 5060. */
		ip = scenario_host_ip(sc, a->host_kind, a->server_idx);
		for (k = 0; k < r->nsips && r->sips[k].ip != ip; k++)
			;
		if (k < r->nsips)
			continue;
		r->sips = xreallocarray(r->sips, r->nsips + 1,
		    sizeof *r->sips);
		r->sips[k].ip = ip;
		r->sips[k].e = ep_sip_create(ip, SIP_PORT);
		ep_sip_set_done(r->sips[k].e, run_sip_done, r);
		sim_host_add_sip(r->sim, ip, SIP_PORT, r->sips[k].e);
		r->nsips++;
	}
	run_watch_build(r);
	r->cb_expect = xcalloc(sc->nexpect == 0 ? 1 : sc->nexpect,
	    sizeof *r->cb_expect);
	for (i = 0; i < sc->nexpect; i++) {
		r->cb_expect[i].run = r;
		r->cb_expect[i].idx = i;
		sim_at(r->sim, sc->expect[i].at, run_expect_cb,
		    &r->cb_expect[i]);
	}
}

/*
 * --state (docs/state.md): load the phone's flash file if there is one.
 * 1 loaded; 0 none, or damaged (one line on stderr, factory state).
 */
static int
run_build_state(struct run *r, struct phone *p)
{
	char		*cause = NULL;
	unsigned	 skipped;
	int		 rc;

	if (r->state_dir == NULL)
		return (0);
	rc = run_state_load(r->state_dir, p, &skipped, &cause);
	if (rc < 0 || (cause != NULL && r->state_skips++ == 0))
		fprintf(stderr, "phonefleet run: %s\n", cause);
	free(cause);
	return (rc == 1);
}

/* The phone at index i of group g. */
static struct phone *
run_phone(struct run *r, size_t g, uint32_t i)
{
	return (sim_phone(r->sim, r->sc->group[g].first + i));
}

static void
run_power_cb(void *arg, emu_time now)
{
	struct run_cb		*cb = arg;
	struct emu_event	 ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EMU_EV_POWER_ON;
	sim_phone_event(cb->run->sim, sim_phone(cb->run->sim, cb->idx), &ev);
}

static void
run_action_cb(void *arg, emu_time now)
{
	struct run_cb			*cb = arg;
	struct run			*r = cb->run;
	const struct scn_action		*a = &r->sc->action[cb->idx];
	struct emu_event		 ev;
	const char			*k;
	uint32_t			 i;

	if (a->type == SCN_ACT_FAULT) {
		struct run_server	*rs = &r->srv[a->server_idx];

		if (rs->http != NULL)
			ep_http_fault_enable(rs->http, a->name, a->on);
		if (rs->tftp != NULL)
			ep_tftp_fault_enable(rs->tftp, a->name, a->on);
		return;
	}
	if (a->type == SCN_ACT_HOST) {
		sim_host_set_down(r->sim, scenario_host_ip(r->sc, a->host_kind,
		    a->server_idx), !a->on);
		return;
	}
	if (a->type == SCN_ACT_DHCP) {
		run_dhcp_change(r, a);
		return;
	}
	if (a->type == SCN_ACT_NOTIFY) {
		run_notify(r, a);
		return;
	}
	for (i = a->sel.from; i <= a->sel.to; i++) {
		struct phone	*p = run_phone(r, a->sel.group, i);

		if (!run_mine(r, r->sc->group[a->sel.group].first + i))
			continue;	/* another worker's */
		memset(&ev, 0, sizeof ev);
		switch (a->type) {
		case SCN_ACT_POWER_ON:
			ev.type = EMU_EV_POWER_ON;
			break;
		case SCN_ACT_POWER_OFF:
			ev.type = EMU_EV_POWER_OFF;
			break;
		case SCN_ACT_REBOOT:
			ev.type = EMU_EV_REBOOT;
			break;
		case SCN_ACT_FACTORY_RESET:
			ev.type = EMU_EV_FACTORY_RESET;
			break;
		case SCN_ACT_SET:
			ev.type = EMU_EV_SET_PARAM;
			ev.name = a->name;
			ev.text = a->value;
			break;
		case SCN_ACT_RESYNC:
			ev.type = EMU_EV_RESYNC;
			ev.text = a->value;
			break;
		case SCN_ACT_ACTIVATE:
			/* 15.6: the code typed, then Continue. */
			ev.type = EMU_EV_ACTIVATE;
			ev.text = a->value;
			break;
		case SCN_ACT_KEYS:
			/* One event per key; checked when loaded. */
			for (k = a->value; k != NULL;) {
				memset(&ev, 0, sizeof ev);
				ev.type = EMU_EV_KEY;
				if (lcd_keys_next(&k, &ev.key, NULL) != 1)
					break;
				sim_phone_event(r->sim, p, &ev);
			}
			continue;
		case SCN_ACT_CALL:
			ev.type = EMU_EV_CALL;
			ev.flags = EMU_CALL_START;
			break;
		case SCN_ACT_FAULT:
		case SCN_ACT_HOST:
		case SCN_ACT_DHCP:
		case SCN_ACT_NOTIFY:
			continue;
		}
		sim_phone_event(r->sim, p, &ev);
	}
}

/* A timeline <dhcp>: what it gives replaces what the server hands out. */
/* The end of a <call> (3.6): overlapping calls end one by one. */
static void
run_call_end_cb(void *arg, emu_time now)
{
	struct run_cb			*cb = arg;
	struct run			*r = cb->run;
	const struct scn_action		*a = &r->sc->action[cb->idx];
	struct emu_event		 ev;
	uint32_t			 i;

	for (i = a->sel.from; i <= a->sel.to; i++) {
		if (!run_mine(r, r->sc->group[a->sel.group].first + i))
			continue;
		memset(&ev, 0, sizeof ev);
		ev.type = EMU_EV_CALL;
		sim_phone_event(r->sim, run_phone(r, a->sel.group, i), &ev);
	}
}

/*
 * <notify> (16.3, B110): one NOTIFY per selected phone, answering a 401
 * with user=/password=, or by default the phone's own line credentials.
 * A phone without an address is not reached: no answer (status 0).
 */
static void
run_notify(struct run *r, const struct scn_action *a)
{
	const struct scenario	*sc = r->sc;
	struct ep_sip_req	 rq;
	struct phone		*p;
	uint32_t		 i;
	size_t			 idx;

	for (i = a->sel.from; i <= a->sel.to; i++) {
		idx = sc->group[a->sel.group].first + i;
		if (!run_mine(r, idx))
			continue;
		p = sim_phone(r->sim, idx);
		r->notify_status[idx] = -1;
		memset(&rq, 0, sizeof rq);
		rq.dst_ip = phone_ip(p);
		rq.dst_port = SIP_PORT;
		rq.event = a->value;
		rq.user = a->user != NULL ? a->user :
		    phone_get(p, "User_ID_1_");
		rq.pass = a->user != NULL ? (a->pass != NULL ? a->pass : "") :
		    phone_get(p, "Password_1_");
		rq.tag = idx;
		if (rq.dst_ip == 0 || sim_sip_notify(r->sim,
		    scenario_host_ip(sc, a->host_kind, a->server_idx),
		    SIP_PORT, &rq) == 0)
			r->notify_status[idx] = 0;
	}
}

static void
run_sip_done(void *arg, const struct ep_sip_result *res)
{
	struct run	*r = arg;

	if (res->tag < r->sc->nphones)
		r->notify_status[res->tag] = res->status;
}

static void
run_dhcp_change(struct run *r, const struct scn_action *a)
{
	struct ep_dhcp_conf	*dc = &r->dconf[a->server_idx];
	struct ep_dhcp		*d = r->dhcp[a->server_idx];
	size_t			 i;
	int			 k;

	if (d == NULL)
		return;
	if (a->on != -1)
		ep_dhcp_set_down(d, !a->on);
	if (a->value != NULL)
		pf_strlcpy(dc->domain, a->value, sizeof dc->domain);
	if (a->ndns != -1) {
		dc->ndns = a->ndns;
		for (k = 0; k < a->ndns && k < 2; k++)
			dc->dns[k] = a->dns[k];
	}
	for (i = 0; i < a->nopt; i++) {
		for (k = 0; k < dc->nopt; k++) {
			if (dc->opt[k].code == a->opt[i].code)
				break;
		}
		if (a->opt[i].len == 0) {
			/* Removed: the last one takes its place. */
			if (k < dc->nopt)
				dc->opt[k] = dc->opt[--dc->nopt];
			continue;
		}
		if (k == dc->nopt) {
			if (dc->nopt == EP_DHCP_OPTS_MAX)
				continue;
			dc->nopt++;
		}
		dc->opt[k].code = (uint8_t)a->opt[i].code;
		dc->opt[k].len = (uint8_t)a->opt[i].len;
		memcpy(dc->opt[k].data, a->opt[i].data, a->opt[i].len);
	}
	ep_dhcp_set_options(d, dc);
}

static void
run_observe(void *arg, const struct ep_request *req)
{
	struct run_server	*rs = arg;
	struct run_count	*c;
	const char		*q;
	size_t			 len, i;

	rs->total++;
	run_series_see(rs, req);
	if (req->path == NULL)
		return;
	for (i = 0; i < rs->run->nwatch; i++) {
		if (rs->run->watch[i].server == rs->idx)
			run_watch_see(rs->run, &rs->run->watch[i], req);
	}
	len = (q = strchr(req->path, '?')) != NULL ? (size_t)(q - req->path) :
	    strlen(req->path);
	if ((c = hmap_get(&rs->by_path, req->path, len)) == NULL) {
		c = xcalloc(1, sizeof *c);
		c->path = xstrndup(req->path, len);
		hmap_put(&rs->by_path, c->path, len, c);
	}
	c->n++;
}

/* A watcher per <request> check, with room for what it will see. */
static void
run_watch_build(struct run *r)
{
	const struct scenario	*sc = r->sc;
	struct run_watch	*w;
	size_t			 i, k, s;

	for (i = 0; i < sc->nexpect; i++) {
		const struct scn_expect	*ex = &sc->expect[i];

		for (k = 0; k < ex->ncheck; k++) {
			if (ex->check[k].type != SCN_CHK_REQUEST)
				continue;
			if (run_srv_find(r, ex->check[k].name, &s) == NULL)
				continue;
			r->watch = xreallocarray(r->watch, r->nwatch + 1,
			    sizeof *r->watch);
			w = &r->watch[r->nwatch++];
			memset(w, 0, sizeof *w);
			w->c = &ex->check[k];
			w->server = s;
			w->nrec = 1;
			if (ex->has_sel) {
				w->sel = &ex->sel;
				w->first = sc->group[ex->sel.group].first +
				    ex->sel.from;
				w->nrec = ex->sel.to - ex->sel.from + 1;
			}
			w->rec = xcalloc(w->nrec, sizeof *w->rec);
		}
	}
}

/* A request the watched server received: kept if it is the check's. */
static void
run_watch_see(struct run *r, struct run_watch *w, const struct ep_request *req)
{
	struct run_seen	*s;
	const char	*h;
	char		*path;
	long		 idx;
	size_t		 slot = 0, n;
	int		 match;

	if (w->c->path != NULL) {
		path = xstrndup(req->path, strcspn(req->path, "?"));
		match = fnmatch(w->c->path, path, 0) == 0;
		free(path);
		if (!match)
			return;
	}
	if (w->sel != NULL) {
		if ((idx = sim_phone_by_ip(r->sim, req->peer_ip)) < 0 ||
		    (size_t)idx < w->first || (size_t)idx - w->first >= w->nrec)
			return;
		slot = (size_t)idx - w->first;
	}
	s = &w->rec[slot];
	s->seen = 1;
	pf_strlcpy(s->method, req->method != NULL ? req->method : "",
	    sizeof s->method);
	free(s->header);
	s->header = NULL;
	if (w->c->header != NULL && req->http != NULL &&
	    (h = http_msg_header(req->http, w->c->header)) != NULL)
		s->header = xstrdup(h);
	free(s->subject);
	s->subject = req->tls_subject != NULL ? xstrdup(req->tls_subject) :
	    NULL;
	free(s->target);
	s->target = NULL;
	if (w->c->target != NULL)
		s->target = xstrdup(req->target != NULL ? req->target :
		    req->path);
	free(s->body);
	s->body = NULL;
	s->body_len = 0;
	if (w->c->body != NULL && req->body_len != 0) {
		n = req->body_len < SCN_BODY_KEEP ? req->body_len :
		    SCN_BODY_KEEP;
		s->body = xmalloc(n);
		memcpy(s->body, req->body, n);
		s->body_len = n;
	}
}

/* v with {{mac}} and {{MAC}} replaced by the phone's; caller frees. */
static char *
run_expand(const char *v, const char *mac)
{
	struct dbuf	 b;
	const char	*p;
	char		*out;
	size_t		 i, len;

	dbuf_init(&b);
	for (p = v; *p != '\0'; p++) {
		if (mac != NULL && (strncmp(p, "{{mac}}", 7) == 0 ||
		    strncmp(p, "{{MAC}}", 7) == 0)) {
			for (i = 0; mac[i] != '\0'; i++) {
				char	ch = p[2] == 'm' ?
				    (char)tolower((unsigned char)mac[i]) :
				    (char)toupper((unsigned char)mac[i]);

				dbuf_add(&b, &ch, 1);
			}
			p += 6;
			continue;
		}
		dbuf_add(&b, p, 1);
	}
	dbuf_add(&b, "", 1);
	out = (char *)dbuf_steal(&b, &len);
	return (out);
}

static int
run_match(enum scn_match m, const char *have, size_t hlen, const char *want)
{
	size_t	wlen = strlen(want), i;

	switch (m) {
	case SCN_MATCH_ANY:
		return (1);
	case SCN_MATCH_IS:
		return (hlen == wlen && memcmp(have, want, hlen) == 0);
	case SCN_MATCH_CONTAINS:
		for (i = 0; i + wlen <= hlen; i++) {
			if (memcmp(have + i, want, wlen) == 0)
				return (1);
		}
		return (0);
	case SCN_MATCH_SCHEME:
		i = strcspn(have, " \t");
		return (i == wlen && strncasecmp(have, want, wlen) == 0);
	}
	return (0);
}

/*
 * A <request> check on slot of its watcher (mac: the phone's, or NULL):
 * 0 held, else -1 with what was expected and seen.
 */
static int
run_check_request(struct run *r, const struct scn_check *c, size_t slot,
    const char *mac, char **expected, char **seen)
{
	static const char *const how[] = { "", "", "containing ",
		"with scheme " };
	struct run_watch	*w = NULL;
	const struct run_seen	*s;
	char			*want, *where;
	size_t			 i;

	for (i = 0; i < r->nwatch; i++) {
		if (r->watch[i].c == c)
			w = &r->watch[i];
	}
	if (w == NULL || slot >= w->nrec)
		return (0);
	s = &w->rec[slot];
	xasprintf(&where, "request to %s%s%s", c->name,
	    c->path != NULL ? " " : "", c->path != NULL ? c->path : "");
	if (!s->seen) {
		xasprintf(expected, "a %s", where);
		*seen = xstrdup("none");
		free(where);
		return (-1);
	}
	if (c->method != NULL && strcmp(s->method, c->method) != 0) {
		xasprintf(expected, "%s: method %s", where, c->method);
		xasprintf(seen, "%s", s->method);
		free(where);
		return (-1);
	}
	if (c->target != NULL) {
		/* B112: absolute-form or CONNECT to a proxy. */
		want = run_expand(c->target, mac);
		if (s->target == NULL || !run_match(c->target_match, s->target,
		    strlen(s->target), want)) {
			xasprintf(expected, "%s: target %s\"%s\"", where,
			    c->target_match == SCN_MATCH_IS ? "" :
			    "containing ", want);
			xasprintf(seen, "\"%s\"", s->target != NULL ?
			    s->target : "");
			free(want);
			free(where);
			return (-1);
		}
		free(want);
	}
	if (c->header != NULL) {
		want = run_expand(c->value != NULL ? c->value : "", mac);
		if (s->header == NULL || !run_match(c->match, s->header,
		    strlen(s->header), want)) {
			if (c->match == SCN_MATCH_ANY)
				xasprintf(expected, "%s: header %s", where,
				    c->header);
			else
				xasprintf(expected, "%s: %s %s\"%s\"", where,
				    c->header, how[c->match], want);
			if (s->header == NULL)
				*seen = xstrdup("no such header");
			else if (strcasestr(c->header, "authorization") != NULL)
				/* STYLE.md 7: never credentials in clear. */
				xasprintf(seen, "\"%.*s ...\"",
				    (int)strcspn(s->header, " \t"), s->header);
			else
				xasprintf(seen, "\"%s\"", s->header);
			free(want);
			free(where);
			return (-1);
		}
		free(want);
	}
	if (c->client_cert != NULL) {
		/* B55: the MIC the server received. */
		want = run_expand(c->client_cert, mac);
		if (s->subject == NULL || strstr(s->subject, want) == NULL) {
			xasprintf(expected, "%s: client certificate "
			    "containing \"%s\"", where, want);
			if (s->subject == NULL)
				*seen = xstrdup("no TLS");
			else if (*s->subject == '\0')
				*seen = xstrdup("none");
			else
				xasprintf(seen, "\"%s\"", s->subject);
			free(want);
			free(where);
			return (-1);
		}
		free(want);
	}
	if (c->body != NULL) {
		want = run_expand(c->body, mac);
		if (!run_match(c->body_match, (const char *)s->body,
		    s->body_len, want)) {
			xasprintf(expected, "%s: body %s\"%s\"", where,
			    c->body_match == SCN_MATCH_IS ? "" : "containing ",
			    want);
			xasprintf(seen, "\"%.*s\"", (int)(s->body_len > 60 ? 60 :
			    s->body_len), s->body != NULL ? (const char *)s->body :
			    "");
			free(want);
			free(where);
			return (-1);
		}
		free(want);
	}
	free(where);
	return (0);
}

/* A value longer than RUN_FAIL_TEXT_MAX is cut, with its length said. */
static char *
run_fail_text(char *s)
{
	char	*t;
	size_t	 n;

	if (s == NULL || (n = strlen(s)) <= RUN_FAIL_TEXT_MAX)
		return (s);
	xasprintf(&t, "%.*s... (%zu bytes)", RUN_FAIL_TEXT_MAX, s, n);
	free(s);
	return (t);
}

void
run_fail(struct run_expect_result *er, const char *phone, char *expected,
    char *seen)
{
	expected = run_fail_text(expected);
	seen = run_fail_text(seen);
	er->failed++;
	if (er->nfail >= RUN_FAIL_KEEP) {
		free(expected);
		free(seen);
		return;
	}
	er->fail = xreallocarray(er->fail, er->nfail + 1, sizeof *er->fail);
	er->fail[er->nfail].phone = phone != NULL ? xstrdup(phone) : NULL;
	er->fail[er->nfail].expected = expected;
	er->fail[er->nfail].seen = seen;
	er->nfail++;
}

static int
run_counter(const struct emu_stats *st, const char *name, uint64_t *v)
{
	if (strcmp(name, "boots") == 0)
		*v = st->boots;
	else if (strcmp(name, "dhcp-acks") == 0)
		*v = st->dhcp_acks;
	else if (strcmp(name, "resyncs") == 0)
		*v = st->resyncs;
	else if (strcmp(name, "resync-ok") == 0)
		*v = st->resync_ok;
	else if (strcmp(name, "resync-fail") == 0)
		*v = st->resync_fail;
	else if (strcmp(name, "fetches") == 0)
		*v = st->fetches;
	else if (strcmp(name, "requests") == 0)
		*v = st->requests;
	else if (strcmp(name, "reboots") == 0)
		*v = st->reboots;
	else if (strcmp(name, "edos-queries") == 0)
		*v = st->xfers[EMU_XFER_EDOS];
	else if (strcmp(name, "short-codes") == 0)
		*v = st->xfers[EMU_XFER_CODE];
	else if (strcmp(name, "gds-requests") == 0)
		*v = st->xfers[EMU_XFER_GDS];
	else if (strcmp(name, "ca-fetches") == 0)
		*v = st->xfers[EMU_XFER_CA];
	else if (strcmp(name, "tls-full") == 0)
		*v = st->tls_full;
	else if (strcmp(name, "tls-resumed") == 0)
		*v = st->tls_resumed;
	else if (strcmp(name, "upgrades") == 0)
		*v = st->upgrades;
	else if (strcmp(name, "upgrade-ok") == 0)
		*v = st->upgrade_ok;
	else if (strcmp(name, "upgrade-fail") == 0)
		*v = st->upgrade_fail;
	else if (strcmp(name, "image-fetches") == 0)
		*v = st->xfers[EMU_XFER_IMAGE];
	else
		return (-1);
	return (0);
}

static char *
run_range_str(uint64_t min, uint64_t max)
{
	char	*s;

	if (min == max)
		xasprintf(&s, "%llu", (unsigned long long)min);
	else if (max == UINT64_MAX)
		xasprintf(&s, ">= %llu", (unsigned long long)min);
	else
		xasprintf(&s, "%llu..%llu", (unsigned long long)min,
		    (unsigned long long)max);
	return (s);
}

static char *
run_time_str(emu_time t)
{
	char	*s;

	if (t % 1000000 == 0)
		xasprintf(&s, "%llus", (unsigned long long)(t / 1000000));
	else
		xasprintf(&s, "%llu.%06llus", (unsigned long long)(t / 1000000),
		    (unsigned long long)(t % 1000000));
	return (s);
}

/* One check on one phone: 0 held, else -1 with what was expected/seen. */
static int
run_check_phone(struct run *r, const struct scn_check *c, size_t idx,
    emu_time now, char **expected, char **seen)
{
	struct phone			*p = sim_phone(r->sim, idx);
	const struct phone_status	*st = phone_status(p);
	const struct emu_stats		*ps = &r->pstats[idx];
	const char			*v;
	uint64_t			 n;
	char				 buf[32];

	switch (c->type) {
	case SCN_CHK_STATE:
		v = prov_state_name(phone_state(p));
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "state %s", c->value);
		xasprintf(seen, "%s", v);
		return (-1);
	case SCN_CHK_CUSTOMIZATION:
		v = cust_state_name(phone_customization(p));
		if (pf_strcasecmp_ascii(v, c->value) == 0)
			return (0);
		xasprintf(expected, "customization %s", c->value);
		xasprintf(seen, "%s", v);
		return (-1);
	case SCN_CHK_PARAM:
		v = phone_get(p, c->name);
		if (v != NULL && strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "%s \"%s\"", c->name, c->value);
		xasprintf(seen, "\"%s\"", v != NULL ? v : "");
		return (-1);
	case SCN_CHK_FIRMWARE:
		if ((c->value == NULL || strcmp(phone_firmware(p, 0),
		    c->value) == 0) && (c->name == NULL ||
		    strcmp(phone_firmware(p, 1), c->name) == 0))
			return (0);
		xasprintf(expected, "firmware%s%s%s%s", c->value != NULL ?
		    " " : "", c->value != NULL ? c->value : "", c->name !=
		    NULL ? ", inactive " : "", c->name != NULL ? c->name : "");
		xasprintf(seen, "%s, inactive %s", phone_firmware(p, 0),
		    *phone_firmware(p, 1) != '\0' ? phone_firmware(p, 1) :
		    "(none)");
		return (-1);
	case SCN_CHK_COUNTER:
		if (run_counter(ps, c->name, &n) != 0)
			n = 0;
		if (n >= c->min && n <= c->max)
			return (0);
		*expected = run_range_str(c->min, c->max);
		xasprintf(seen, "%s %llu", c->name, (unsigned long long)n);
		{
			char	*e = *expected;

			xasprintf(expected, "%s %s", c->name, e);
			free(e);
		}
		return (-1);
	case SCN_CHK_LAST_CLASS:
		v = emu_class_name(st->last_class);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "last resync class %s", c->value);
		xasprintf(seen, "class %s (%s)", v, phone_last_errmsg(p));
		return (-1);
	case SCN_CHK_LAST_ERR:
		v = phone_last_errmsg(p);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "$ERR \"%s\"", c->value);
		xasprintf(seen, "\"%s\"", v);
		return (-1);
	case SCN_CHK_LAST_STATUS:
		snprintf(buf, sizeof buf, "%d", st->last_status);
		if (strcmp(buf, c->value) == 0)
			return (0);
		xasprintf(expected, "last status %s", c->value);
		xasprintf(seen, "%s", buf);
		return (-1);
	case SCN_CHK_LAST_URL:
		v = phone_last_url(p);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "last URL %s", c->value);
		xasprintf(seen, "%s", *v != '\0' ? v : "(none)");
		return (-1);
	case SCN_CHK_NEXT_RESYNC:
		if (c->none) {
			if (st->next_resync_at == EMU_TIME_NEVER)
				return (0);
			xasprintf(expected, "no resync armed");
			*seen = run_time_str(st->next_resync_at - now);
			{
				char	*s = *seen;

				xasprintf(seen, "next resync in %s", s);
				free(s);
			}
			return (-1);
		}
		if (st->next_resync_at != EMU_TIME_NEVER &&
		    st->next_resync_at >= EMU_TIME_ADD(now, c->min) &&
		    st->next_resync_at <= EMU_TIME_ADD(now, c->max))
			return (0);
		{
			char	*a = run_time_str(c->min), *b = run_time_str(c->max);

			xasprintf(expected, "next resync in %s..%s", a, b);
			free(a);
			free(b);
		}
		if (st->next_resync_at == EMU_TIME_NEVER)
			*seen = xstrdup("none armed");
		else {
			char	*a = run_time_str(st->next_resync_at - now);

			xasprintf(seen, "in %s", a);
			free(a);
		}
		return (-1);
	case SCN_CHK_LAST_CAUSE:
		v = emu_err_cause(st->last_err);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "last resync cause %s", c->value);
		xasprintf(seen, "%s", v);
		return (-1);
	case SCN_CHK_ACTIVATION:
		v = phone_act_name(st->act);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "activation screen %s", c->value);
		xasprintf(seen, "%s", v);
		return (-1);
	case SCN_CHK_TLS_VERSION:
		if (strcmp(st->tls_version, c->value) == 0)
			return (0);
		xasprintf(expected, "TLS version \"%s\"", c->value);
		xasprintf(seen, "\"%s\"", st->tls_version);
		return (-1);
	case SCN_CHK_TLS_RESUMED:
		if ((uint64_t)(st->tls_resumed != 0) == c->min)
			return (0);
		xasprintf(expected, "TLS session %s", c->min ? "resumed" :
		    "not resumed");
		xasprintf(seen, "%s", st->tls_resumed ? "resumed" :
		    "full handshake");
		return (-1);
	case SCN_CHK_COMPANY:
		v = phone_company(p);
		if (strcmp(v, c->value) == 0)
			return (0);
		xasprintf(expected, "company \"%s\"", c->value);
		xasprintf(seen, "\"%s\"", v);
		return (-1);
	case SCN_CHK_SYSLOG:
		/* B89-B91: the lines from this phone's address. */
		return (run_check_syslog(r, c, phone_ip(p), expected, seen));
	case SCN_CHK_HISTORY:
		return (run_check_history(p, c, expected, seen));
	case SCN_CHK_NOTIFY:
		if (r->notify_status[idx] == (int)c->min)
			return (0);
		if (c->min == 0)
			xasprintf(expected, "no answer to the last NOTIFY");
		else
			xasprintf(expected, "last NOTIFY answered %d",
			    (int)c->min);
		if (r->notify_status[idx] < 0)
			xasprintf(seen, "no NOTIFY finished");
		else if (r->notify_status[idx] == 0)
			xasprintf(seen, "no answer");
		else
			xasprintf(seen, "%d", r->notify_status[idx]);
		return (-1);
	case SCN_CHK_SERVER:
	case SCN_CHK_REQUEST:
	case SCN_CHK_UPLOADS:
	case SCN_CHK_RATE:
	case SCN_CHK_LATENCY:
	case SCN_CHK_ERRORS:
		break;
	}
	return (0);
}

/* Every phone's histories, as text, for the reports (16.1). */
static void
run_hist_collect(struct run *r)
{
	struct run_result	*res = r->res;
	const struct phone_hist	*e;
	struct run_phone_hist	*h;
	struct phone		*p;
	size_t			 i, j, n;
	int			 k;
	char			 text[1024];

	res->nhist = sim_phone_count(r->sim);
	res->hist = xcalloc(res->nhist == 0 ? 1 : res->nhist,
	    sizeof *res->hist);
	for (i = 0; i < res->nhist; i++) {
		p = sim_phone(r->sim, i);
		h = &res->hist[i];
		pf_strlcpy(h->mac, phone_mac_str(p), sizeof h->mac);
		for (k = 0; k < PHONE_HIST__COUNT; k++) {
			n = phone_history(p, k, &e);
			for (j = 0; j < n && j < PHONE_HIST_REBOOT_MAX; j++)
				h->ent[k][j] = xstrdup(phone_hist_format(p, k,
				    &e[j], text, sizeof text));
			h->n[k] = j;
		}
	}
}

/*
 * A <syslog> check: lines the collector kept that match the pattern,
 * from ip (0: from anyone), in [min, max].  On failure, seen says how
 * many lines came and shows the last of them.
 */
static int
run_check_syslog(struct run *r, const struct scn_check *c, uint32_t ip,
    char **expected, char **seen)
{
	struct run_server		*rs = run_srv_find(r, c->name, NULL);
	const struct ep_syslog_line	*e, *last = NULL;
	regex_t				 rx;
	uint64_t			 n = 0, from = 0;
	size_t				 i;
	char				*range, ipb[16];

	if (rs == NULL || rs->syslog == NULL) {
		xasprintf(expected, "syslog %s: a collector", c->name);
		*seen = xstrdup("none (no syslog= on that server)");
		return (-1);
	}
	if (c->regex && regcomp(&rx, c->pattern, REG_EXTENDED | REG_NOSUB) !=
	    0) {
		xasprintf(expected, "syslog %s: regex %s", c->name, c->pattern);
		*seen = xstrdup("a regex that does not compile");
		return (-1);
	}
	for (i = 0; (e = ep_syslog_line(rs->syslog, i)) != NULL; i++) {
		if (ip != 0 && e->src_ip != ip)
			continue;
		from++;
		last = e;
		if (c->pattern == NULL ||
		    (c->regex && regexec(&rx, e->text, 0, NULL, 0) == 0) ||
		    (!c->regex && fnmatch(c->pattern, e->text, 0) == 0))
			n++;
	}
	if (c->regex)
		regfree(&rx);
	if (n >= c->min && n <= c->max)
		return (0);
	range = run_range_str(c->min, c->max);
	if (c->pattern == NULL)
		xasprintf(expected, "syslog %s: %s lines", c->name, range);
	else
		xasprintf(expected, "syslog %s: %s lines matching %s\"%s\"",
		    c->name, range, c->regex ? "regex " : "", c->pattern);
	free(range);
	xasprintf(seen, "%llu of %llu line%s from %s%s%s%s%s",
	    (unsigned long long)n, (unsigned long long)from, from == 1 ? "" :
	    "s", ip != 0 ? ipv4_str(ip, ipb) : "all phones",
	    ep_syslog_stats(rs->syslog)->dropped != 0 ? " (collector full)" :
	    "", last != NULL ? "; last \"" : "",
	    last != NULL ? last->text : "", last != NULL ? "\"" : "");
	return (-1);
}

/* A <history> check on one phone (16.1, 3.7). */
static int
run_check_history(struct phone *p, const struct scn_check *c,
    char **expected, char **seen)
{
	const struct phone_hist	*e;
	const char		*kind = phone_hist_kind_name(c->hkind);
	const char		*err;
	size_t			 n;
	char			 text[512], *range;

	n = phone_history(p, c->hkind, &e);
	if (c->hindex == 0) {
		if (n >= c->min && n <= c->max)
			return (0);
		range = run_range_str(c->min, c->max);
		xasprintf(expected, "%s history: %s entries", kind, range);
		free(range);
		xasprintf(seen, "%zu", n);
		return (-1);
	}
	if ((size_t)c->hindex > n) {
		xasprintf(expected, "%s history entry %d", kind, c->hindex);
		xasprintf(seen, "%zu entr%s", n, n == 1 ? "y" : "ies");
		return (-1);
	}
	e = &e[c->hindex - 1];
	err = e->ok ? "" : emu_err_name(e->err);
	if ((c->hresult < 0 || c->hresult == e->ok) &&
	    (c->hreason < 0 || c->hreason == e->reason) &&
	    (c->value == NULL || strcmp(c->value, err) == 0) &&
	    (c->hurl == NULL || strcmp(c->hurl, e->url != NULL ? e->url :
	    "") == 0))
		return (0);
	xasprintf(expected, "%s history %d:%s%s%s%s%s%s%s%s%s", kind,
	    c->hindex, c->hresult < 0 ? "" : c->hresult ? " succeeded" :
	    " failed", c->hreason < 0 ? "" : " ",
	    c->hreason < 0 ? "" : phone_reboot_name(c->hreason),
	    c->value != NULL ? " \"" : "", c->value != NULL ? c->value : "",
	    c->value != NULL ? "\"" : "", c->hurl != NULL ? " " : "",
	    c->hurl != NULL ? c->hurl : "", "");
	xasprintf(seen, "%s", phone_hist_format(p, c->hkind, e, text,
	    sizeof text));
	return (-1);
}

static void
run_expect_cb(void *arg, emu_time now)
{
	struct run_cb			*cb = arg;
	struct run			*r = cb->run;
	const struct scn_expect		*ex = &r->sc->expect[cb->idx];
	struct run_expect_result	*er = &r->res->res[cb->idx];
	size_t				 k;
	uint32_t			 i;
	char				*expected, *seen;

	er->passed = 1;
	/* Server checks first: they hold for the whole expectation. */
	for (k = 0; k < ex->ncheck; k++) {
		const struct scn_check	*c = &ex->check[k];
		struct run_server	*rs;
		struct run_count	*cnt;
		uint64_t		 n;

		if (c->type == SCN_CHK_REQUEST && !ex->has_sel) {
			/* Per path: the server's last request. */
			er->checked++;
			if (run_check_request(r, c, 0, NULL, &expected,
			    &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
			continue;
		}
		if (c->type == SCN_CHK_SYSLOG && !ex->has_sel) {
			/* All lines, whoever sent them. */
			er->checked++;
			if (run_check_syslog(r, c, 0, &expected, &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
			continue;
		}
		if (c->type == SCN_CHK_UPLOADS && !ex->has_sel) {
			/* Every phone's uploads to the path. */
			er->checked++;
			if (run_check_uploads(r, c, -1, &expected,
			    &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
			continue;
		}
		if (c->type == SCN_CHK_LATENCY || c->type == SCN_CHK_ERRORS) {
			/* With workers: on the merged samples, after. */
			if (r->nshards > 1)
				continue;
			er->checked++;
			if (run_check_stats(r->res->stats, c, &expected,
			    &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
			continue;
		}
		if (c->type == SCN_CHK_RATE) {
			er->checked++;
			if (run_check_rate(r, c, now, &expected, &seen) != 0) {
				run_fail(er, NULL, expected, seen);
				er->passed = 0;
			}
			continue;
		}
		if (c->type != SCN_CHK_SERVER)
			continue;
		if ((rs = run_srv_find(r, c->name, NULL)) == NULL)
			continue;
		if (c->path == NULL)
			n = rs->total;
		else if (strchr(c->path, '*') == NULL)
			n = (cnt = hmap_get(&rs->by_path, c->path,
			    strlen(c->path))) != NULL ? cnt->n : 0;
		else {
			size_t	pos = 0;

			/* A glob, as fault paths: '*' also matches '/'. */
			n = 0;
			while ((cnt = hmap_next(&rs->by_path, &pos)) != NULL) {
				if (fnmatch(c->path, cnt->path, 0) == 0)
					n += cnt->n;
			}
		}
		er->checked++;
		if (n >= c->min && n <= c->max)
			continue;
		expected = run_range_str(c->min, c->max);
		{
			char	*e = expected;

			xasprintf(&expected, "server %s: %s requests %s",
			    c->name, c->path != NULL ? c->path : "all", e);
			free(e);
		}
		xasprintf(&seen, "%llu", (unsigned long long)n);
		run_fail(er, NULL, expected, seen);
		er->passed = 0;
	}
	if (!ex->has_sel)
		return;
	for (i = ex->sel.from; i <= ex->sel.to; i++) {
		size_t		 idx = r->sc->group[ex->sel.group].first + i;
		struct phone	*p = sim_phone(r->sim, idx);
		int		 ok = 1;

		if (!run_mine(r, idx))
			continue;	/* another worker checks it */
		er->checked++;
		for (k = 0; k < ex->ncheck; k++) {
			int	rc;

			if (ex->check[k].type == SCN_CHK_SERVER ||
			    ex->check[k].type == SCN_CHK_RATE ||
			    ex->check[k].type == SCN_CHK_LATENCY ||
			    ex->check[k].type == SCN_CHK_ERRORS)
				continue;
			if (ex->check[k].type == SCN_CHK_REQUEST)
				rc = run_check_request(r, &ex->check[k],
				    i - ex->sel.from, phone_mac_str(p),
				    &expected, &seen);
			else if (ex->check[k].type == SCN_CHK_UPLOADS)
				rc = run_check_uploads(r, &ex->check[k],
				    (long)idx, &expected, &seen);
			else
				rc = run_check_phone(r, &ex->check[k], idx, now,
				    &expected, &seen);
			if (rc != 0) {
				if (ok)
					run_fail(er, phone_mac_str(p), expected,
					    seen);
				else {
					free(expected);
					free(seen);
				}
				ok = 0;
			}
		}
		if (!ok)
			er->passed = 0;
	}
	/* run_fail() counts failures; count phones, not checks. */
}

/* The HTTP host called name: a <server>, <edos>, <gds> or <proxy>; or
 * NULL. */
static struct run_server *
run_srv_find(struct run *r, const char *name, size_t *idx)
{
	enum scn_host_kind	 kind;
	size_t			 i;

	if (scenario_host_find(r->sc, name, &kind, &i) != 0)
		return (NULL);
	switch (kind) {
	case SCN_HOST_SERVER:
		break;
	case SCN_HOST_EDOS:
		i = r->sc->nserver + SCN_CLOUD_EDOS;
		break;
	case SCN_HOST_GDS:
		i = r->sc->nserver + SCN_CLOUD_GDS;
		break;
	case SCN_HOST_PROXY:
		i = r->sc->nserver + SCN_CLOUD__COUNT + i;
		break;
	default:
		return (NULL);
	}
	if (idx != NULL)
		*idx = i;
	return (&r->srv[i]);
}

/* The scenario's <ca> and <cert>, in the run's pki. */
static void
run_pki(struct run *r)
{
	const struct scenario	*sc = r->sc;
	char			*cause = NULL;
	size_t			 i;
	int			 h;

	for (i = 0; i < sc->nca; i++) {
		h = pki_ca_add(r->ctx->pki, sc->ca[i].name, sc->ca[i].key,
		    &cause);
		if (h != SCN_CA_FIRST + (int)i) {
			fprintf(stderr, "%s:%d: <ca name=\"%s\">: %s\n",
			    sc->file, sc->ca[i].line, sc->ca[i].name,
			    cause != NULL ? cause : "handle out of order");
			free(cause);
			cause = NULL;
		}
	}
	r->certh = xcalloc(sc->ncert == 0 ? 1 : sc->ncert, sizeof *r->certh);
	for (i = 0; i < sc->ncert; i++) {
		const struct scn_cert	*c = &sc->cert[i];

		r->certh[i] = pki_server_cert(r->ctx->pki, c->name,
		    (const char *const *)c->names, c->nnames, c->cn, c->issuer,
		    c->key, c->not_before, c->not_after, &cause);
		if (r->certh[i] < 0) {
			fprintf(stderr, "%s:%d: <cert name=\"%s\">: %s\n",
			    sc->file, c->line, c->name, cause);
			free(cause);
			cause = NULL;
		}
	}
}

/* TLS in front of an HTTP endpoint (9.6): a certificate, versions, MICs. */
static void
run_https(struct run *r, uint32_t ip, int port, int cert, int line,
    enum scn_client_cert cc, int tls_min, int tls_max,
    enum ep_tls_fault fault, struct ep_http *h)
{
	struct ep_tls_conf	 c;
	char			*cause = NULL;

	if (cert < 0)
		return;
	memset(&c, 0, sizeof c);
	c.cert = cert;
	c.min_version = tls_min;
	c.max_version = tls_max;
	c.require_client_cert = cc == SCN_CC_REQUIRE;	/* B55 */
	c.request_client_cert = cc == SCN_CC_REQUEST;
	c.fault = fault;
	if (sim_host_add_https(r->sim, ip, (uint16_t)port, h, &c,
	    &cause) != 0) {
		fprintf(stderr, "%s:%d: HTTPS: %s\n", r->sc->file, line, cause);
		free(cause);
	}
}

/*
 * <edos> or <gds> (13.1-13.3): an HTTPS host on 443 whose endpoint
 * answers from the scenario's registry, with its own certificate or one
 * issued by the Cisco root for the service's names.
 */
static void
run_cloud(struct run *r, enum scn_cloud_kind kind)
{
	static const char *const edos_names[] = { CLOUD_EDOS_HOST,
		CLOUD_EDOS_HOST_OLD };
	static const char *const gds_names[] = { CLOUD_GDS_HOST };
	const struct scenario	*sc = r->sc;
	const struct scn_cloud	*cl = &sc->cloud[kind];
	struct run_server	*rs = &r->srv[sc->nserver + kind];
	char			*cause = NULL, mac[13];
	size_t			 i, j;
	int			 cert;

	if (!cl->present)
		return;
	rs->store = store_create();
	rs->http = ep_http_create(rs->store);
	ep_http_observe(rs->http, run_observe, rs);
	rs->cloud = ep_cloud_create();
	for (i = 0; i < cl->ndev; i++) {
		const struct scn_device	*d = &cl->dev[i];

		/* Checked by the loader with a scratch ep_cloud. */
		if (d->is_default) {
			if (d->status != 0)
				ep_cloud_device_status(rs->cloud, NULL,
				    d->status, &cause);
			else
				ep_cloud_device(rs->cloud, NULL, d->profile,
				    d->company, &cause);
		}
		for (j = 0; j < d->nmacs; j++) {
			scenario_mac_fmt(d->macs[j], mac);
			if (d->status != 0)
				ep_cloud_device_status(rs->cloud, mac,
				    d->status, &cause);
			else
				ep_cloud_device(rs->cloud, mac, d->profile,
				    d->company, &cause);
		}
	}
	for (i = 0; i < cl->ncode; i++) {
		const struct scn_code	*cd = &cl->code[i];

		if (kind == SCN_CLOUD_EDOS)
			ep_cloud_short_code(rs->cloud, cd->digits, cd->profile,
			    cd->company, &cause);
		else
			ep_cloud_gds_code(rs->cloud, cd->digits, cd->rule,
			    cd->uid, cd->pwd, cd->expires, &cause);
	}
	free(cause);
	ep_cloud_attach(rs->cloud, rs->http);
	if (cl->cert >= 0)
		cert = r->certh[cl->cert];
	else {
		cause = NULL;
		cert = pki_server_cert(r->ctx->pki, cl->name,
		    kind == SCN_CLOUD_EDOS ? edos_names : gds_names,
		    kind == SCN_CLOUD_EDOS ? 2 : 1,
		    kind == SCN_CLOUD_EDOS ? edos_names[0] : gds_names[0],
		    SCN_CA_CISCO, PKI_KEY_ECDSA_P256, sc->epoch - 86400,
		    sc->epoch + 365LL * 86400, &cause);
		free(cause);
	}
	run_https(r, cl->ip, SCN_CLOUD_PORT, cert, cl->line, SCN_CC_NONE,
	    0, 0, EP_TLS_FAULT_NONE, rs->http);
}

/*
 * <proxy> (9.8, B112): an HTTP forward proxy on its address and port.
 * The names it is asked for resolve through the first <dns-server>'s
 * zone, the cloud's names included, as the phones would resolve them;
 * dotted quads need no zone.
 */
static void
run_proxy(struct run *r, size_t i)
{
	const struct scenario	*sc = r->sc;
	const struct scn_proxy	*sp = &sc->proxy[i];
	struct run_server	*rs = &r->srv[sc->nserver + SCN_CLOUD__COUNT + i];
	struct ep_proxy_conf	 pc;
	size_t			 j;
	int			 k;

	memset(&pc, 0, sizeof pc);
	pc.user = sp->user;
	pc.pass = sp->pass;
	pc.realm = sp->realm;
	for (k = 0; k < sp->nconnect_ports && k < EP_PROXY_PORTS_MAX; k++)
		pc.connect_ports[k] = sp->connect_ports[k];
	pc.nconnect_ports = k;
	/* The first simulated DNS server's zone (a real one is not ours). */
	pc.dns = NULL;
	for (j = 0; j < sc->ndnss && pc.dns == NULL; j++)
		pc.dns = r->dns[j];
	rs->proxy = ep_proxy_create(&pc);
	ep_proxy_observe(rs->proxy, run_observe, rs);
	sim_host_add_proxy(r->sim, sp->ip, sp->port, rs->proxy, NULL);
}

/*
 * Server load per second (docs/scenario.md, "servers"): one run_series
 * per server, proxy and cloud host of the scenario, in that order.
 */
static void
run_series_build(struct run *r)
{
	const struct scenario	*sc = r->sc;
	struct run_result	*res = r->res;
	struct in_addr		 in;
	const char		*name;
	char			 buf[16];
	size_t			 i;

	res->servers = xcalloc(r->nsrv == 0 ? 1 : r->nsrv,
	    sizeof *res->servers);
	for (i = 0; i < r->nsrv; i++) {
		name = NULL;
		if (i < sc->nserver) {
			name = sc->server[i].name;
			in.s_addr = htonl(sc->server[i].ip);
		} else if (i < sc->nserver + SCN_CLOUD__COUNT) {
			if (!sc->cloud[i - sc->nserver].present)
				continue;
			name = sc->cloud[i - sc->nserver].name;
			in.s_addr = htonl(sc->cloud[i - sc->nserver].ip);
		} else {
			name = sc->proxy[i - sc->nserver -
			    SCN_CLOUD__COUNT].name;
			in.s_addr = htonl(sc->proxy[i - sc->nserver -
			    SCN_CLOUD__COUNT].ip);
		}
		if (name == NULL)
			name = inet_ntop(AF_INET, &in, buf, sizeof buf);
		r->srv[i].ip = ntohl(in.s_addr);
		r->srv[i].series = &res->servers[res->nservers++];
		r->srv[i].series->server = xstrdup(name != NULL ? name : "");
	}
}

/* A request a server received, into its series. */
static void
run_series_see(struct run_server *rs, const struct ep_request *req)
{
	int	error;

	if (rs->series == NULL)
		return;
	/*
	 * -1: left unanswered (a drop fault, a connection gone).  A 401 or
	 * 407 is the first leg of Digest authentication (9.4), not an error.
	 */
	if (req->proto != NULL && strcmp(req->proto, "tftp") == 0)
		error = req->error;
	else
		error = (req->status >= 400 && req->status != 401 &&
		    req->status != 407) || req->status < 0;
	/* Bytes count as they are sent (run_sent), not as announced. */
	run_series_add(rs->series, req->now, 0, error);
}

/* Bytes a host sent (sim_set_sent), into its server's series. */
static void
run_sent(void *arg, uint32_t ip, size_t len, emu_time at)
{
	struct run	*r = arg;
	size_t		 i;

	if (r->sent_last < r->nsrv && r->srv[r->sent_last].ip == ip)
		i = r->sent_last;
	else {
		for (i = 0; i < r->nsrv; i++) {
			if (r->srv[i].series != NULL && r->srv[i].ip == ip)
				break;
		}
		if (i == r->nsrv)
			return;		/* DNS, DHCP: not in the series */
		r->sent_last = i;
	}
	if (r->srv[i].series != NULL)
		run_series_bytes(r->srv[i].series, at, len);
}

/* A latency in µs as the reports show it: "12.345ms". */
static char *
run_ms_str(uint64_t us)
{
	char	*s;

	xasprintf(&s, "%llu.%03llums", (unsigned long long)(us / 1000),
	    (unsigned long long)(us % 1000));
	return (s);
}

/*
 * <latency>: each bound given holds for the step's samples so far
 * (measured from the intended start: docs/statistics.md).  The failure
 * names the step and every percentile over its bound.
 */
static int
run_check_latency(const struct stats *st, const struct scn_check *c,
    char **expected, char **seen)
{
	const struct stats_hist	*h = &st->step[c->step].hist;
	struct dbuf		 e, s;
	uint64_t		 v;
	char			*a, *b;
	int			 p, bad = 0;

	dbuf_init(&e);
	dbuf_init(&s);
	dbuf_printf(&e, "%s latency", stats_step_name(c->step));
	dbuf_printf(&s, "%s", stats_step_name(c->step));
	if (h->count < c->min_count || h->count == 0) {
		dbuf_printf(&e, " over at least %llu sample%s",
		    (unsigned long long)(c->min_count != 0 ? c->min_count : 1),
		    c->min_count == 1 || c->min_count == 0 ? "" : "s");
		dbuf_printf(&s, " %llu sample%s",
		    (unsigned long long)h->count, h->count == 1 ? "" : "s");
		bad = 1;
	}
	for (p = 0; p < SCN_LAT_N; p++) {
		if ((c->lat_set & (1u << p)) == 0)
			continue;
		v = stats_hist_percentile(h, stats_pct_value(p));
		if (h->count == 0 || v <= c->lat[p])
			continue;
		a = run_ms_str(c->lat[p]);
		b = run_ms_str(v);
		dbuf_printf(&e, " %s <= %s", stats_pct_name(p), a);
		dbuf_printf(&s, " %s %s", stats_pct_name(p), b);
		free(a);
		free(b);
		bad = 1;
	}
	if (!bad) {
		dbuf_clear(&e);
		dbuf_clear(&s);
		return (0);
	}
	dbuf_add(&e, "", 1);
	dbuf_add(&s, "", 1);
	*expected = (char *)dbuf_steal(&e, NULL);
	*seen = (char *)dbuf_steal(&s, NULL);
	return (-1);
}

/* <errors>: the step's errors of the cause (or all) within max. */
static int
run_check_errors(const struct stats *st, const struct scn_check *c,
    char **expected, char **seen)
{
	const struct stats_step_data	*d = &st->step[c->step];
	uint64_t			 n;
	const char			*what;
	unsigned __int128		 lhs, rhs;

	n = c->cause < 0 ? d->errors : d->err[c->cause];
	what = c->cause < 0 ? "any" : emu_err_cause(c->cause);
	if (c->pct) {
		/* n / attempts <= max ppm, without division. */
		lhs = (unsigned __int128)n * 1000000;
		rhs = (unsigned __int128)c->max * d->attempts;
		if (lhs <= rhs)
			return (0);
		xasprintf(expected, "%s errors %s at most %llu.%04llu%%",
		    stats_step_name(c->step), what,
		    (unsigned long long)(c->max / 10000),
		    (unsigned long long)(c->max % 10000));
		xasprintf(seen, "%llu of %llu (%.4f%%)", (unsigned long long)n,
		    (unsigned long long)d->attempts,
		    d->attempts != 0 ? 100.0 * (double)n /
		    (double)d->attempts : 0.0);
		return (-1);
	}
	if (n <= c->max)
		return (0);
	xasprintf(expected, "%s errors %s at most %llu",
	    stats_step_name(c->step), what, (unsigned long long)c->max);
	xasprintf(seen, "%llu of %llu", (unsigned long long)n,
	    (unsigned long long)d->attempts);
	return (-1);
}

/*
 * A <latency> or <errors> check on statistics: 0 if it holds, else -1 with
 * what was expected and seen (the caller frees them).  Also for the merged
 * statistics of --workers.
 */
int
run_check_stats(const struct stats *st, const struct scn_check *c,
    char **expected, char **seen)
{
	if (c->type == SCN_CHK_LATENCY)
		return (run_check_latency(st, c, expected, seen));
	return (run_check_errors(st, c, expected, seen));
}

/* <rate>: the server's peak requests/s in the check's window. */
static int
run_check_rate(struct run *r, const struct scn_check *c, emu_time now,
    char **expected, char **seen)
{
	struct run_server	*rs;
	emu_time		 to = c->to < now ? c->to : now;
	uint64_t		 peak, at = 0;
	char			*e, *f, *t;

	if ((rs = run_srv_find(r, c->name, NULL)) == NULL ||
	    rs->series == NULL)
		return (0);
	peak = run_series_peak(rs->series, c->from, to, &at);
	if (peak >= c->min && peak <= c->max)
		return (0);
	e = run_range_str(c->min, c->max);
	f = run_time_str(c->from);
	t = run_time_str(to);
	xasprintf(expected, "server %s: peak requests/s %s between %s and %s",
	    c->name, e, f, t);
	free(e);
	free(f);
	free(t);
	if (peak == 0)
		xasprintf(seen, "no requests");
	else
		xasprintf(seen, "%llu at %02llu:%02llu:%02llu%s",
		    (unsigned long long)peak, (unsigned long long)(at / 3600),
		    (unsigned long long)(at / 60 % 60),
		    (unsigned long long)(at % 60),
		    rs->series->capped ? " (series capped)" : "");
	return (-1);
}

/* The entry of second sec, made if it is new; NULL when capped. */
static struct run_load *
run_series_at(struct run_series *s, uint64_t sec)
{
	size_t	lo = 0, hi = s->nsec, mid;

	if (s->nsec != 0 && s->sec[s->nsec - 1].second == sec)
		return (&s->sec[s->nsec - 1]);
	if (s->nsec != 0 && s->sec[s->nsec - 1].second > sec) {
		/* Out of order (a delayed answer): find its place. */
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (s->sec[mid].second < sec)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (s->sec[lo].second == sec)
			return (&s->sec[lo]);
	} else
		lo = s->nsec;
	if (s->nsec == RUN_SERIES_MAX) {
		s->capped = 1;
		return (NULL);
	}
	if (s->nsec == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		if (s->cap > RUN_SERIES_MAX)
			s->cap = RUN_SERIES_MAX;
		s->sec = xreallocarray(s->sec, s->cap, sizeof *s->sec);
	}
	memmove(&s->sec[lo + 1], &s->sec[lo], (s->nsec - lo) * sizeof *s->sec);
	s->nsec++;
	memset(&s->sec[lo], 0, sizeof s->sec[lo]);
	s->sec[lo].second = sec;
	return (&s->sec[lo]);
}

void
run_series_add(struct run_series *s, emu_time now, uint64_t bytes, int error)
{
	struct run_load	*l;

	s->requests++;
	s->bytes += bytes;
	if (error)
		s->errors++;
	if ((l = run_series_at(s, now / 1000000)) == NULL)
		return;
	l->requests++;
	l->bytes += bytes;
	if (error)
		l->errors++;
}

void
run_series_bytes(struct run_series *s, emu_time now, uint64_t bytes)
{
	struct run_load	*l;

	s->bytes += bytes;
	if ((l = run_series_at(s, now / 1000000)) != NULL)
		l->bytes += bytes;
}

uint64_t
run_series_peak(const struct run_series *s, emu_time from, emu_time to,
    uint64_t *at)
{
	uint64_t	peak = 0, first = from / 1000000;
	size_t		i, lo = 0, hi = s->nsec, mid;

	/* Seconds starting at or after from: the first is ceil(from). */
	if (from % 1000000 != 0)
		first++;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->sec[mid].second < first)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at != NULL)
		*at = 0;
	for (i = lo; i < s->nsec; i++) {
		if (s->sec[i].second >= to / 1000000 + (to % 1000000 != 0))
			break;
		if (s->sec[i].requests > peak) {
			peak = s->sec[i].requests;
			if (at != NULL)
				*at = s->sec[i].second;
		}
	}
	return (peak);
}

void
run_series_finish(struct run_series *s)
{
	size_t	i;

	s->peak = run_series_peak(s, 0, EMU_TIME_NEVER, &s->peak_at);
	s->peak_bytes = 0;
	for (i = 0; i < s->nsec; i++) {
		if (s->sec[i].bytes > s->peak_bytes)
			s->peak_bytes = s->sec[i].bytes;
	}
}

void
run_series_clear(struct run_series *s)
{
	free(s->server);
	free(s->sec);
	memset(s, 0, sizeof *s);
}

/*
 * phonefleet serve (docs/serve.md).  Time 0 is when serving starts, so
 * certificates made relative to the scenario's start (not-before="-1d",
 * not-after="365d") are valid for real clients now.
 */
void
run_serve_epoch(struct scenario *sc, int64_t epoch)
{
	int64_t	d = epoch - sc->epoch;
	size_t	i;

	sc->epoch = epoch;
	for (i = 0; i < sc->ncert; i++) {
		sc->cert[i].not_before += d;
		sc->cert[i].not_after += d;
	}
}

/*
 * The endpoints run_build() made for the scenario's simulated hosts, the
 * same ones the phones of a run reach: each server's HTTP, HTTPS, TFTP and
 * syslog, each DNS server, the clouds' HTTPS and each site's DHCP.  Not
 * served: proxies, and what is real (connect=).  Real clients get the
 * system's randomness for their handshakes.  Through a callback, so that
 * fleet/ needs no runtime (the fuzz targets link it without them).
 */
void
run_serve(struct run *r, run_serve_cb cb, void *arg)
{
	const struct scenario	*sc = r->sc;
	struct serve_ep		 ep;
	struct run_server	*rs;
	char			 name[16];
	size_t			 i;

	rand_system();
	for (i = 0; i < sc->nserver; i++) {
		const struct scn_server	*s = &sc->server[i];

		if (s->real)
			continue;
		rs = &r->srv[i];
		memset(&ep, 0, sizeof ep);
		ep.http = rs->http;
		if (s->http_port != 0)
			cb(arg, SERVE_HTTP, s->name, s->ip, s->http_port, &ep);
		if (s->https_port != 0 && (ep.tls = sim_host_tls(r->sim,
		    s->ip, s->https_port)) != NULL)
			cb(arg, SERVE_HTTPS, s->name, s->ip, s->https_port,
			    &ep);
		memset(&ep, 0, sizeof ep);
		if ((ep.tftp = rs->tftp) != NULL)
			cb(arg, SERVE_TFTP, s->name, s->ip, s->tftp_port, &ep);
		memset(&ep, 0, sizeof ep);
		if ((ep.syslog = rs->syslog) != NULL)
			cb(arg, SERVE_SYSLOG, s->name, s->ip, s->syslog_port,
			    &ep);
	}
	for (i = 0; i < sc->ndnss; i++) {
		if (sc->dnss[i].real)
			continue;
		memset(&ep, 0, sizeof ep);
		ep.dns = r->dns[i];
		cb(arg, SERVE_DNS, sc->dnss[i].name != NULL ?
		    sc->dnss[i].name : ipv4_str(sc->dnss[i].ip, name),
		    sc->dnss[i].ip, DNS_PORT, &ep);
	}
	for (i = 0; i < SCN_CLOUD__COUNT; i++) {
		if (!sc->cloud[i].present)
			continue;
		memset(&ep, 0, sizeof ep);
		ep.http = r->srv[sc->nserver + i].http;
		if ((ep.tls = sim_host_tls(r->sim, sc->cloud[i].ip,
		    SCN_CLOUD_PORT)) != NULL)
			cb(arg, SERVE_HTTPS, sc->cloud[i].name,
			    sc->cloud[i].ip, SCN_CLOUD_PORT, &ep);
	}
	for (i = 0; i < sc->nsite; i++) {
		if (r->dhcp[i] == NULL)
			continue;
		memset(&ep, 0, sizeof ep);
		ep.dhcp = r->dhcp[i];
		cb(arg, SERVE_DHCP, sc->site[i].name,
		    r->dconf[i].server_ip, DHCP_SERVER_PORT, &ep);
	}
}

int
run_serve_ca(struct run *r, FILE *f)
{
	const char	*pem;
	size_t		 i;

	for (i = 0; i <= r->sc->nca; i++) {
		pem = pki_ca_pem(r->ctx->pki, i == 0 ? SCN_CA_CISCO :
		    SCN_CA_FIRST + (int)(i - 1));
		if (pem != NULL && fputs(pem, f) == EOF)
			return (-1);
	}
	return (fflush(f) == 0 ? 0 : -1);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * run --workers N (docs/load.md): N processes play one scenario, each the
 * phones of its shard (run_opts shard, run_mine()), and send their JSON
 * reports back over a pipe; the reports merge into one (report-merge.c
 * with the scenario: every expectation whole, <latency> and <errors> on
 * the merged samples, the histograms exactly).  Each worker is in a
 * process group of its own, so that one Ctrl-C reaches the workers once,
 * through the parent; a worker whose parent dies is killed.
 */

#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fleet.h"

#define WORKERS_REPORT_MAX	JDOC_LEN_MAX	/* bytes of a worker's report */

/* A worker's exit status. */
#define WORKERS_OK		0
#define WORKERS_FAILED		2	/* no report: said on stderr */
#define WORKERS_STOPPED		4	/* interrupted, report written */

struct workers_child {
	pid_t		 pid;
	int		 fd;		/* its report, or -1 at EOF */
	struct dbuf	 out;
	int		 over;		/* sent more than the maximum */
};

static volatile sig_atomic_t workers_signal;

static void
workers_on_signal(int sig)
{
	workers_signal = sig;
}

/*
 * What a sharded run cannot do, as one line: checks of what a simulated
 * server saw (each worker has its own servers), and the options that
 * write one file per run.
 */
int
workers_check(const struct scenario *sc, const struct run_opts *o,
    uint32_t n, char **cause)
{
	const struct scn_expect	*ex;
	const struct scn_check	*c;
	size_t			 i, k;

	if (n > sc->nphones) {
		xasprintf(cause, "%u workers for %zu phones: at most one "
		    "worker per phone", n, sc->nphones);
		return (-1);
	}
	if (o->state_dir != NULL || o->uploads_dir != NULL ||
	    o->trace != 0 || sc->trace != 0) {
		xasprintf(cause, "--state, --uploads and traces are for one "
		    "process; run without --workers");
		return (-1);
	}
	for (i = 0; i < sc->nsite; i++) {
		if (sc->site[i].dhcp_real &&
		    sc->site[i].relay_port == DHCP_SERVER_PORT) {
			xasprintf(cause, "%s:%d: site %s: its relay agent is "
			    "on port %u, one for all workers; give "
			    "relay-port (each worker relays from relay-port "
			    "+ its number)", sc->file, sc->site[i].line,
			    sc->site[i].name, DHCP_SERVER_PORT);
			return (-1);
		}
	}
	for (i = 0; i < sc->nexpect; i++) {
		ex = &sc->expect[i];
		for (k = 0; k < ex->ncheck; k++) {
			c = &ex->check[k];
			if (c->type == SCN_CHK_SERVER ||
			    c->type == SCN_CHK_RATE ||
			    (!ex->has_sel && (c->type == SCN_CHK_REQUEST ||
			    c->type == SCN_CHK_SYSLOG ||
			    c->type == SCN_CHK_UPLOADS))) {
				xasprintf(cause, "%s:%d: this expectation "
				    "checks what a simulated server saw, which "
				    "each worker counts apart; run without "
				    "--workers", sc->file, ex->line);
				return (-1);
			}
		}
	}
	return (0);
}

/* In the worker: play the shard, write its report to fd, exit. */
static void
workers_child(const struct scenario *sc, const struct run_opts *o,
    workers_play_fn play, void *arg, int fd)
{
	struct run_result	*res;
	FILE			*f;
	int			 interrupted = 0, rc;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	(void)setpgid(0, 0);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if ((res = play(sc, o, arg, &interrupted)) == NULL)
		_exit(WORKERS_FAILED);
	if ((f = fdopen(fd, "w")) == NULL)
		_exit(WORKERS_FAILED);
	report_write(f, res, REPORT_JSON);
	rc = fclose(f) == 0 ? WORKERS_OK : WORKERS_FAILED;
	if (rc == WORKERS_OK && interrupted)
		rc = WORKERS_STOPPED;
	run_result_free(res);
	fflush(stderr);
	_exit(rc);
}

/* Read what the workers send until every pipe is at EOF. */
static void
workers_read(struct workers_child *w, uint32_t n)
{
	struct pollfd	*pfd;
	uint8_t		 buf[65536];
	uint32_t	 i, open;
	ssize_t		 got;
	int		 forwarded = 0;

	pfd = xcalloc(n, sizeof *pfd);
	for (;;) {
		if (workers_signal != 0 && !forwarded) {
			/* Ctrl-C or a TERM: each worker stops and reports. */
			for (i = 0; i < n; i++)
				(void)kill(w[i].pid, SIGINT);
			forwarded = 1;
		}
		open = 0;
		for (i = 0; i < n; i++) {
			pfd[i].fd = w[i].fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
			if (w[i].fd != -1)
				open++;
		}
		if (open == 0)
			break;
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++) {
			if (w[i].fd == -1 || pfd[i].revents == 0)
				continue;
			got = read(w[i].fd, buf, sizeof buf);
			if (got == -1 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(w[i].fd);
				w[i].fd = -1;
				continue;
			}
			if (w[i].out.len + (size_t)got > WORKERS_REPORT_MAX)
				w[i].over = 1;
			else
				dbuf_add(&w[i].out, buf, (size_t)got);
		}
	}
	free(pfd);
}

struct report_merge *
workers_run(const struct scenario *sc, const struct run_opts *o, uint32_t n,
    workers_play_fn play, void *arg, int *interrupted, char **cause)
{
	struct workers_child	*w;
	struct report_merge	*m = NULL;
	struct run_opts		 wo;
	struct sigaction	 sa, oldint, oldterm;
	struct timespec		 t0, t1;
	char			*why = NULL;
	uint32_t		 i;
	int			 fds[2], status, failed = 0;

	*interrupted = 0;
	*cause = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	w = xcalloc(n, sizeof *w);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = workers_on_signal;	/* no SA_RESTART: poll wakes */
	sigemptyset(&sa.sa_mask);
	workers_signal = 0;
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n; i++) {
		w[i].fd = -1;
		dbuf_init(&w[i].out);
		if (pipe(fds) != 0) {
			xasprintf(cause, "worker %u: pipe: %s", i + 1,
			    strerror(errno));
			break;
		}
		wo = *o;
		wo.shard = i;
		wo.nshards = n;
		if ((w[i].pid = fork()) == -1) {
			xasprintf(cause, "worker %u: fork: %s", i + 1,
			    strerror(errno));
			close(fds[0]);
			close(fds[1]);
			break;
		}
		if (w[i].pid == 0) {
			uint32_t	k;

			close(fds[0]);
			for (k = 0; k < i; k++)
				close(w[k].fd);
			workers_child(sc, &wo, play, arg, fds[1]);
		}
		close(fds[1]);
		w[i].fd = fds[0];
	}
	if (*cause != NULL) {
		/* Those started stop, and their reports are not waited. */
		n = i;
		for (i = 0; i < n; i++)
			(void)kill(w[i].pid, SIGKILL);
	}
	workers_read(w, n);
	for (i = 0; i < n; i++) {
		while (waitpid(w[i].pid, &status, 0) == -1 && errno == EINTR)
			;
		if (*cause != NULL)
			continue;
		if (WIFEXITED(status) && WEXITSTATUS(status) == WORKERS_STOPPED)
			*interrupted = 1;
		else if (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != WORKERS_OK) {
			if (WIFSIGNALED(status) && workers_signal != 0 &&
			    WTERMSIG(status) == SIGINT)
				xasprintf(cause, "interrupted: a run in "
				    "virtual time stops without a report");
			else if (WIFSIGNALED(status))
				xasprintf(cause, "worker %u: killed by signal "
				    "%d", i + 1, WTERMSIG(status));
			else
				xasprintf(cause, "worker %u: failed (exit %d)",
				    i + 1, WEXITSTATUS(status));
			failed = 1;
			continue;
		}
		if (w[i].over && *cause == NULL) {
			xasprintf(cause, "worker %u: its report is over %u "
			    "bytes", i + 1, WORKERS_REPORT_MAX);
			failed = 1;
		}
	}
	if (workers_signal != 0)
		*interrupted = 1;
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	if (*cause == NULL && !failed) {
		m = report_merge_create();
		report_merge_scenario(m, sc);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		report_merge_wall(m, (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		for (i = 0; i < n; i++) {
			if (report_merge_add(m, w[i].out.data, w[i].out.len,
			    &why) != 0) {
				xasprintf(cause, "worker %u: its report: %s",
				    i + 1, why);
				free(why);
				report_merge_free(m);
				m = NULL;
				break;
			}
		}
	}
	for (i = 0; i < n; i++)
		dbuf_clear(&w[i].out);
	free(w);
	return (m);
}

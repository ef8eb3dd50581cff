/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The command line: phonefleet run, phone, profile check|encrypt|decrypt,
 * rule expand.  Exit 0 ok, 1 an expectation or check failed (or a file did not
 * decrypt), 2 bad usage or a bad file.
 */

#include <sys/resource.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "fleet/fleet.h"
#include "ui/ui.h"

#define PF_VERSION	"0.1.0"
#define PF_CRYPT_MAX	(64 * 1024 * 1024)	/* profile encrypt|decrypt */
#define PF_PROFILE_USAGE \
	"usage: phonefleet profile check FILE\n" \
	"       phonefleet profile encrypt --key K [--md sha256|md5] " \
	"[-o OUT] FILE\n" \
	"       phonefleet profile encrypt --ikm B64 [--rs N] [-o OUT] FILE\n" \
	"       phonefleet profile decrypt --key K [--md sha256|md5] " \
	"[-o OUT] FILE\n" \
	"       phonefleet profile decrypt --ikm B64 [-o OUT] FILE\n"

static int	cmd_run(int, char **);
static int	cmd_run_ui(const struct scenario *, const struct run_opts *,
		    double, FILE *, enum report_format, const char *);
static int	cmd_phone(int, char **);
static int	cmd_profile(int, char **);
static int	cmd_profile_crypt(int, char **, int);
static int	cmd_rule(int, char **);
static int	cmd_pki(int, char **);
static int	cmd_report(int, char **);
static int	cmd_serve(int, char **);
static void	cmd_serve_add(void *, enum serve_kind, const char *,
		    uint32_t, uint16_t, const struct serve_ep *);
static void	usage(FILE *);
static int	parse_trace(const char *, unsigned *);
static int	parse_mac(const char *, uint8_t *);
static int	parse_speed(const char *, double *);
static int	opt_common(const char *, int, const char *, struct run_opts *,
		    double *);
static void	run_fd_limit(size_t);
static void	run_live_cb(evutil_socket_t, short, void *);
static struct host *run_attach(struct run *, struct runtime *,
		    struct event_base *, char **);
static void	*run_attach_ui(struct run *, struct runtime *,
		    struct event_base *, char **);
static void	run_detach_ui(void *);

/* The UI's runtime gets the host carrier too (real servers). */
static const struct ui_attach run_ui_attach = { run_attach_ui, run_detach_ui };
static struct run_result *run_paced(const struct scenario *,
		    const struct run_opts *, double, emu_time, emu_time *);
static void	run_paced_interrupt(evutil_socket_t, short, void *);
/* run --workers: how each worker plays its shard. */
struct run_worker {
	double		 speed;
	emu_time	 interval;
};
static struct run_result *run_worker_play(const struct scenario *,
		    const struct run_opts *, void *, int *);
static uint8_t	*read_file(const char *, size_t, size_t *, char **);


static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: phonefleet [--version] [--help] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  run FILE [--seed N] [--report text|json|junit] [--out FILE]\n"
	    "           [--trace CATS] [--trace-out FILE] [--uploads DIR]\n"
	    "           [--state DIR] [--image-verify sha256|size]\n"
	    "           [--rss-every TIME] [--speed X] [--csv FILE] [--ui]\n"
	    "           [--interval TIME] [--workers N]\n"
	    "      play a scenario in virtual time; exit 0 when every\n"
	    "      expectation held, 1 when one failed, 2 for a bad file\n"
	    "      or a state that cannot be saved; --state keeps each\n"
	    "      phone's flash in DIR/<MAC>.flash from one run to the next;\n"
	    "      benchmark aids: --image-verify size checks firmware images\n"
	    "      by size only (no SHA-256), --rss-every prints the resident\n"
	    "      set size to stderr at every TIME of virtual time;\n"
	    "      --speed X paces virtual time to X times real time\n"
	    "      (e.g. 1, 60, 1000; the report is the same); --csv writes\n"
	    "      the per-second transfers and p99 fetch time to FILE; --ui\n"
	    "      plays it on a dashboard in the terminal (as fast as\n"
	    "      possible unless --speed), then writes the report;\n"
	    "      --interval T prints a line of live figures to stderr\n"
	    "      every T of a paced run (--speed, or real servers);\n"
	    "      --workers N plays it in N processes, each a share of the\n"
	    "      phones, and merges their reports (docs/load.md)\n"
	    "  report merge FILE... [--report text|json|junit]\n"
	    "      merge JSON reports of several runs into one: counts add,\n"
	    "      latency histograms merge exactly (docs/statistics.md)\n"
	    "  phone [--model PN] [--mac MAC] [--firmware LOAD]\n"
	    "           [--scenario FILE] [--site NAME] [--state DIR]\n"
	    "           [--speed X] [--seed N]\n"
	    "      one phone in the terminal, in real time (--speed X times)\n"
	    "      on the built-in desk network or a scenario's network:\n"
	    "      its LCD, keypad and log (docs/ui.md)\n"
	    "  profile check FILE\n"
	    "      parse a configuration file as a phone does and list what\n"
	    "      it applies and rejects, with line numbers\n"
	    "  profile encrypt|decrypt --key K [--md sha256|md5] [-o OUT] FILE\n"
	    "  profile encrypt|decrypt --ikm B64 [--rs N] [-o OUT] FILE\n"
	    "      AES-256-CBC as openssl enc -aes-256-cbc -k K does (decrypt\n"
	    "      tries SHA-256, then MD5), or RFC 8188 aes128gcm with the\n"
	    "      IKM_HTTP_Encrypt_Content text; to stdout or OUT\n"
	    "  pki export FILE DIR\n"
	    "      write the scenario's certificate world as PEM files in DIR\n"
	    "      (ca-cisco.pem, ca-mic.pem, ca-NAME.pem, NAME.pem + NAME.key\n"
	    "      per <cert>), for real servers and clients\n"
	    "  rule expand [--mac MAC] [--model PN] [--serial SN]\n"
	    "           [--firmware LOAD] [--dhcp-server HOST]\n"
	    "           [--set NAME=VALUE]... [--no-cert] RULE\n"
	    "      print the URL and options a phone would fetch for RULE\n"
	    "  serve FILE [--bind ADDR|HOST=ADDR]... [--port-offset N]\n"
	    "           [--ca-out FILE]\n"
	    "      serve the scenario's simulated servers (HTTP, HTTPS, TFTP,\n"
	    "      DNS, DHCP for relays, EDOS/GDS) on real sockets, on\n"
	    "      127.0.0.1 unless --bind says; ports below 1024 + 10000\n"
	    "      when not root, or every port + N; one line per service,\n"
	    "      then one per request, until SIGINT or SIGTERM; --ca-out\n"
	    "      writes the CAs of its certificates (PEM) for clients\n"
	    "\n"
	    "trace categories: dhcp dns http tftp tls prov lcd net all\n");
}

int
main(int argc, char **argv)
{
	const char	*cmd;

	if (argc < 2) {
		usage(stderr);
		return (2);
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("phonefleet %s\n", PF_VERSION);
		return (0);
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return (0);
	}
	if (strcmp(cmd, "run") == 0)
		return (cmd_run(argc - 1, argv + 1));
	if (strcmp(cmd, "phone") == 0)
		return (cmd_phone(argc - 1, argv + 1));
	if (strcmp(cmd, "profile") == 0)
		return (cmd_profile(argc - 1, argv + 1));
	if (strcmp(cmd, "rule") == 0)
		return (cmd_rule(argc - 1, argv + 1));
	if (strcmp(cmd, "pki") == 0)
		return (cmd_pki(argc - 1, argv + 1));
	if (strcmp(cmd, "report") == 0)
		return (cmd_report(argc - 1, argv + 1));
	if (strcmp(cmd, "serve") == 0)
		return (cmd_serve(argc - 1, argv + 1));
	fprintf(stderr, "phonefleet: unknown command \"%s\"\n", cmd);
	usage(stderr);
	return (2);
}

static int
parse_trace(const char *s, unsigned *bits)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} cats[] = {
		{ "dhcp", TRACE_DHCP }, { "dns", TRACE_DNS },
		{ "http", TRACE_HTTP }, { "tftp", TRACE_TFTP },
		{ "tls", TRACE_TLS }, { "prov", TRACE_PROV },
		{ "lcd", TRACE_LCD }, { "net", TRACE_NET },
		{ "all", TRACE_ALL },
	};
	char		*copy, *tok, *save = NULL;
	size_t		 i;
	int		 rc = 0;

	copy = xstrdup(s);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < nitems(cats); i++) {
			if (strcmp(tok, cats[i].name) == 0)
				break;
		}
		if (i == nitems(cats)) {
			fprintf(stderr, "phonefleet: unknown trace category "
			    "\"%s\"\n", tok);
			rc = -1;
			break;
		}
		*bits |= cats[i].bit;
	}
	free(copy);
	return (rc);
}

/* --speed: digits with at most one point, finite and above 0. */
static int
parse_speed(const char *s, double *out)
{
	const char	*p;
	char		*end;
	int		 digits = 0, points = 0;
	double		 v;

	for (p = s; *p != '\0'; p++) {
		if (*p == '.')
			points++;
		else if (isdigit((unsigned char)*p))
			digits++;
		else
			return (-1);
	}
	if (digits == 0 || points > 1)
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno != 0 || !isfinite(v) || v <= 0)
		return (-1);
	*out = v;
	return (0);
}

/*
 * The options run and phone share: --state (S), --speed (x), --seed (s).
 * 1 when ch was one (and good), 0 when not, -1 after a one-line error.
 */
static int
opt_common(const char *cmd, int ch, const char *arg, struct run_opts *o,
    double *speed)
{
	char	*cause = NULL;

	switch (ch) {
	case 'S':
		o->state_dir = arg;
		return (1);
	case 'x':
		if (parse_speed(arg, speed) != 0) {
			fprintf(stderr, "phonefleet %s: --speed: \"%s\" is not "
			    "a positive decimal (e.g. 60)\n", cmd, arg);
			return (-1);
		}
		return (1);
	case 's':
		if (parse_uint(arg, 0, UINT64_MAX, &o->seed, &cause) != 0) {
			fprintf(stderr, "phonefleet %s: --seed: %s\n", cmd,
			    cause);
			free(cause);
			return (-1);
		}
		o->has_seed = 1;
		return (1);
	}
	return (0);
}

static int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "report", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, 'T' },
		{ "trace-out", required_argument, NULL, 't' },
		{ "uploads", required_argument, NULL, 'u' },
		{ "state", required_argument, NULL, 'S' },
		{ "image-verify", required_argument, NULL, 'V' },
		{ "rss-every", required_argument, NULL, 'R' },
		{ "speed", required_argument, NULL, 'x' },
		{ "csv", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'I' },
		{ "workers", required_argument, NULL, 'W' },
		{ "ui", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts		 o;
	struct scenario		*sc;
	struct run_result	*res = NULL;
	const struct run_result	*rr = NULL;
	struct report_merge	*merged = NULL;
	struct run_worker	 wk;
	enum report_format	 fmt = REPORT_TEXT;
	const char		*outpath = NULL, *tracepath = NULL;
	const char		*csvpath = NULL;
	FILE			*out = stdout, *csv = NULL;
	char			*cause = NULL;
	struct stat		 sb;
	double			 speed = 0;
	emu_time		 interrupted = EMU_TIME_NEVER, interval = 0;
	unsigned long		 workers = 1;
	char			*end;
	int			 ch, k, rc, ui = 0, stopped = 0;

	memset(&o, 0, sizeof o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:r:o:T:t:u:S:V:R:x:c:h",
	    longopts, NULL)) != -1) {
		if ((k = opt_common("run", ch, optarg, &o, &speed)) != 0) {
			if (k < 0)
				return (2);
			continue;
		}
		switch (ch) {
		case 'c':
			csvpath = optarg;
			break;
		case 'I':
			if (scenario_parse_time(optarg, &interval) != 0 ||
			    interval < EMU_MS(100)) {
				fprintf(stderr, "phonefleet run: --interval: "
				    "\"%s\" is not a time of 100ms or more "
				    "(e.g. 1s)\n", optarg);
				return (2);
			}
			break;
		case 'U':
			ui = 1;
			break;
		case 'W':
			errno = 0;
			workers = strtoul(optarg, &end, 10);
			if (!isdigit((unsigned char)*optarg) || *end != '\0' ||
			    errno != 0 || workers < 1 || workers > 256) {
				fprintf(stderr, "phonefleet run: --workers: "
				    "\"%s\" is not a number of processes from "
				    "1 to 256\n", optarg);
				return (2);
			}
			break;
		case 'V':
			if (strcmp(optarg, "sha256") == 0)
				o.image_verify = EMU_VERIFY_SHA256;
			else if (strcmp(optarg, "size") == 0)
				o.image_verify = EMU_VERIFY_SIZE;
			else {
				fprintf(stderr, "phonefleet run: --image-verify:"
				    " \"%s\" is not sha256 or size\n", optarg);
				return (2);
			}
			break;
		case 'R':
			if (scenario_parse_time(optarg, &o.rss_every) != 0 ||
			    o.rss_every == 0) {
				fprintf(stderr, "phonefleet run: --rss-every: "
				    "\"%s\" is not a time (e.g. 1h)\n", optarg);
				return (2);
			}
			break;
		case 'r':
			if (report_format_parse(optarg, &fmt) != 0) {
				fprintf(stderr, "phonefleet run: --report: "
				    "\"%s\" is not text, json or junit\n",
				    optarg);
				return (2);
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'T':
			if (parse_trace(optarg, &o.trace) != 0)
				return (2);
			break;
		case 't':
			tracepath = optarg;
			break;
		case 'u':
			o.uploads_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			usage(stderr);
			return (2);
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "phonefleet run: expected one scenario FILE\n");
		return (2);
	}
	/* The terminal is the dashboard's: no trace on it. */
	if (ui && (o.trace != 0 || tracepath != NULL)) {
		fprintf(stderr, "phonefleet run: --ui: --trace and --trace-out "
		    "are not for the dashboard\n");
		return (2);
	}
	if (ui && ui_can_run(&cause) != 0) {
		fprintf(stderr, "phonefleet run: --ui: %s\n", cause);
		free(cause);
		return (2);
	}
	if (o.uploads_dir != NULL && (stat(o.uploads_dir, &sb) != 0 ||
	    !S_ISDIR(sb.st_mode))) {
		fprintf(stderr, "phonefleet run: --uploads: %s: not a "
		    "directory\n", o.uploads_dir);
		return (2);
	}
	if (ui && workers > 1) {
		fprintf(stderr, "phonefleet run: --ui: the dashboard plays "
		    "in one process; run without --workers\n");
		return (2);
	}
	if ((sc = scenario_load(argv[optind], stderr)) == NULL)
		return (2);
	if (workers > 1 && workers_check(sc, &o, (uint32_t)workers,
	    &cause) != 0) {
		fprintf(stderr, "phonefleet run: --workers: %s\n", cause);
		free(cause);
		scenario_free(sc);
		return (2);
	}
	/* Before the run: a directory it could not save in is known now. */
	if (o.state_dir != NULL &&
	    run_state_prepare(o.state_dir, &cause) != 0) {
		fprintf(stderr, "phonefleet run: --state %s\n", cause);
		free(cause);
		scenario_free(sc);
		return (2);
	}
	if (!ui && (o.trace != 0 || sc->trace != 0)) {
		if (tracepath != NULL) {
			if ((o.tracef = fopen(tracepath, "w")) == NULL) {
				fprintf(stderr, "phonefleet run: %s: %s\n",
				    tracepath, strerror(errno));
				scenario_free(sc);
				return (2);
			}
		} else
			o.tracef = stderr;
	}
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "phonefleet run: %s: %s\n", outpath,
		    strerror(errno));
		scenario_free(sc);
		return (2);
	}
	if (ui) {
		rc = cmd_run_ui(sc, &o, speed, out, fmt, outpath);
		scenario_free(sc);
		return (rc);
	}
	if (csvpath != NULL && (csv = fopen(csvpath, "w")) == NULL) {
		fprintf(stderr, "phonefleet run: --csv: %s: %s\n", csvpath,
		    strerror(errno));
		if (outpath != NULL)
			fclose(out);
		scenario_free(sc);
		return (2);
	}
	if (interval != 0 && speed == 0 && !scenario_has_real(sc)) {
		fprintf(stderr, "phonefleet run: --interval: the run is in "
		    "virtual time; give --speed (or a real server)\n");
		if (outpath != NULL)
			fclose(out);
		scenario_free(sc);
		return (2);
	}
	if (workers > 1) {
		wk.speed = speed;
		wk.interval = interval;
		merged = workers_run(sc, &o, (uint32_t)workers, run_worker_play,
		    &wk, &stopped, &cause);
		if (merged == NULL) {
			fprintf(stderr, "phonefleet run: --workers: %s\n",
			    cause);
			free(cause);
		} else {
			rr = report_merge_result(merged);
			if (stopped)
				interrupted = rr->end;
		}
	} else
		rr = res = run_paced(sc, &o, speed, interval, &interrupted);
	if (res == NULL && merged == NULL) {
		if (csv != NULL)
			fclose(csv);
		if (outpath != NULL)
			fclose(out);
		if (o.tracef != NULL && o.tracef != stderr)
			fclose(o.tracef);
		scenario_free(sc);
		return (2);
	}
	report_write(out, rr, fmt);
	if (csv != NULL) {
		stats_write_csv(csv, rr->stats);
		if (fclose(csv) != 0)
			fprintf(stderr, "phonefleet run: --csv: %s: %s\n",
			    csvpath, strerror(errno));
	}
	if (interrupted != EMU_TIME_NEVER) {
		/* A text report says so itself; JSON and JUnit stay valid. */
		if (fmt == REPORT_TEXT)
			fprintf(out, "interrupted: at virtual time %.1fs "
			    "(SIGINT); the report covers the run so far\n",
			    (double)interrupted / 1e6);
		fprintf(stderr, "phonefleet run: interrupted at virtual time "
		    "%.1fs; exit status 1\n", (double)interrupted / 1e6);
	}
	if (outpath != NULL) {
		fclose(out);
		/* The verdict on stdout too, so CI logs show it. */
		printf("%s: %s (%u of %u expectations held)\n", sc->file,
		    rr->failed == 0 ? "PASS" : "FAIL", rr->passed,
		    rr->passed + rr->failed);
	}
	if (o.tracef != NULL && o.tracef != stderr)
		fclose(o.tracef);
	rc = rr->failed == 0 && interrupted == EMU_TIME_NEVER ? 0 : 1;
	if (rr->state_failed)
		rc = 2;		/* docs/state.md: the state was not saved */
	run_result_free(res);
	report_merge_free(merged);
	scenario_free(sc);
	return (rc);
}

/*
 * run FILE --ui: the dashboard plays the run; the report follows once the
 * terminal is back, as without --ui.
 */
static int
cmd_run_ui(const struct scenario *sc, const struct run_opts *o, double speed,
    FILE *out, enum report_format fmt, const char *outpath)
{
	struct run		*r;
	struct run_result	*res;
	char			*cause = NULL;
	emu_time		 end;
	int			 rc, urc;

	if (speed == 0 && scenario_has_real(sc))
		speed = 1;	/* real servers: real time, as without --ui */
	r = run_open(sc, o);
	urc = ui_fleet(r, speed, &run_ui_attach, &cause);
	end = sim_now(run_world(r));
	res = run_close(r);
	if (urc == 2) {
		fprintf(stderr, "phonefleet run: --ui: %s\n", cause);
		free(cause);
	}
	report_write(out, res, fmt);
	if (urc == 1 && fmt == REPORT_TEXT)
		fprintf(out, "interrupted: at virtual time %.1fs (q); the "
		    "report covers the run so far\n", (double)end / 1e6);
	if (outpath != NULL) {
		fclose(out);
		printf("%s: %s (%u of %u expectations held)\n", sc->file,
		    res->failed == 0 ? "PASS" : "FAIL", res->passed,
		    res->passed + res->failed);
	}
	rc = res->failed == 0 && urc == 0 ? 0 : 1;
	if (res->state_failed || urc == 2)
		rc = 2;
	run_result_free(res);
	return (rc);
}

/*
 * phonefleet phone: one phone in the terminal (docs/ui.md), on the desk
 * network or a scenario's, its phones and timeline replaced.
 */
static int
cmd_phone(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'p' },
		{ "mac", required_argument, NULL, 'm' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "scenario", required_argument, NULL, 'c' },
		{ "site", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 'S' },
		{ "speed", required_argument, NULL, 'x' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct scenario_phone_opts po;
	struct run_opts		 o;
	struct scenario		*sc;
	struct run		*r;
	struct run_result	*res;
	const char		*path = NULL;
	char			*cause = NULL;
	uint8_t			 mac[6];
	char			 macstr[13];
	double			 speed = 1;
	int			 ch, k, rc;

	memset(&po, 0, sizeof po);
	memset(&o, 0, sizeof o);
	po.model = "CP-8851-3PCC";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "p:m:f:c:i:S:x:s:h", longopts,
	    NULL)) != -1) {
		if ((k = opt_common("phone", ch, optarg, &o, &speed)) != 0) {
			if (k < 0)
				return (2);
			continue;
		}
		switch (ch) {
		case 'p':
			po.model = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, mac) != 0) {
				fprintf(stderr, "phonefleet phone: --mac: \"%s\" "
				    "is not 12 hex digits\n", optarg);
				return (2);
			}
			snprintf(macstr, sizeof macstr,
			    "%02X%02X%02X%02X%02X%02X", mac[0], mac[1],
			    mac[2], mac[3], mac[4], mac[5]);
			po.mac = macstr;
			break;
		case 'f':
			po.firmware = optarg;
			break;
		case 'c':
			path = optarg;
			break;
		case 'i':
			po.site = optarg;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			usage(stderr);
			return (2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "phonefleet phone: unexpected \"%s\"\n",
		    argv[optind]);
		return (2);
	}
	if (ui_can_run(&cause) != 0) {
		fprintf(stderr, "phonefleet phone: %s\n", cause);
		free(cause);
		return (2);
	}
	if ((sc = scenario_phone(path, &po, stderr)) == NULL)
		return (2);
	if (o.state_dir != NULL &&
	    run_state_prepare(o.state_dir, &cause) != 0) {
		fprintf(stderr, "phonefleet phone: --state %s\n", cause);
		free(cause);
		scenario_free(sc);
		return (2);
	}
	r = run_open(sc, &o);
	rc = ui_phone(r, 0, speed, &run_ui_attach, &cause);
	res = run_close(r);
	if (rc != 0) {
		fprintf(stderr, "phonefleet phone: %s\n", cause);
		free(cause);
	}
	if (res->state_failed)
		rc = 2;		/* docs/state.md: the flash was not saved */
	run_result_free(res);
	scenario_free(sc);
	return (rc);
}

/*
 * Phones reaching real servers hold a socket each while they fetch: raise
 * the soft limit on descriptors to the hard one, and say so in one line
 * when that is below the phones (the host carrier's cap: each connection
 * past it waits for one to close, docs/runtime.md).
 */
static void
run_fd_limit(size_t phones)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < phones + 64)
		fprintf(stderr, "phonefleet run: %zu phones but %llu file "
		    "descriptors (ulimit -n): at most about %llu connections "
		    "at once, the others wait for one to close; raise the "
		    "hard limit for more\n", phones,
		    (unsigned long long)rl.rlim_cur,
		    (unsigned long long)(rl.rlim_cur > 64 ? rl.rlim_cur - 64 :
		    0));
}

/*
 * run --interval T: a line on stderr every T of wall time while a paced
 * run goes, as wrk and SIPp print theirs: the virtual time and speed, the
 * phones per state, the transfers so far and in the last interval, the
 * errors, and the fetch latency percentiles so far.
 */
struct run_live {
	struct run	*r;
	char		 tag[32];	/* " w2/4" under --workers */
	struct runtime	*rt;
	struct event	*ev;
	uint64_t	 last;		/* transfers at the last line */
	struct timespec	 at;		/* wall time of the last line */
};

static void
run_live_cb(evutil_socket_t fd, short what, void *arg)
{
	struct run_live		*lv = arg;
	struct sim		*w = run_world(lv->r);
	const struct stats	*st = run_stats(lv->r);
	const struct stats_step_data *f = &st->step[STATS_FETCH];
	size_t			 nstate[PROV__COUNT], i, n;
	struct timespec		 now;
	emu_time		 t = runtime_now(lv->rt);
	double			 dt;
	char			 states[256];
	int			 len = 0;

	memset(nstate, 0, sizeof nstate);
	n = sim_phone_count(w);
	for (i = 0; i < n; i++) {
		if (run_mine(lv->r, i))
			nstate[phone_state(sim_phone(w, i))]++;
	}
	n = run_mine_count(lv->r);
	states[0] = '\0';
	for (i = 0; i < PROV__COUNT && len < (int)sizeof states - 40;
	    i++) {
		if (nstate[i] != 0)
			len += snprintf(states + len, sizeof states - len,
			    "%s%s %zu", len == 0 ? "" : ", ",
			    prov_state_name((enum prov_state)i), nstate[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (now.tv_sec - lv->at.tv_sec) + (now.tv_nsec - lv->at.tv_nsec) / 1e9;
	if (dt <= 0)
		dt = 0;
	fprintf(stderr, "live%s t=%02llu:%02llu:%02llu x%g phones %zu [%s] "
	    "fetches %llu (%.0f/s) errors %llu fetch p50 %.1fms p99 %.1fms "
	    "max %.1fms\n", lv->tag,
	    (unsigned long long)(t / 3600000000ULL),
	    (unsigned long long)(t / 60000000ULL % 60),
	    (unsigned long long)(t / 1000000ULL % 60), runtime_speed(lv->rt),
	    n, states, (unsigned long long)f->attempts,
	    dt > 0 ? (double)(f->attempts - lv->last) / dt : 0.0,
	    (unsigned long long)f->errors,
	    (double)stats_hist_percentile(&f->hist, 50) / 1e3,
	    (double)stats_hist_percentile(&f->hist, 99) / 1e3,
	    (double)f->hist.max / 1e3);
	lv->last = f->attempts;
	lv->at = now;
}

/*
 * The host carrier for a run's real servers (connect=): their addresses
 * claimed, DNS ports mapped, a relay agent per site whose DHCP is real.
 * NULL if the run has none, or NULL with *cause ("site S: ...").
 */
static struct host *
run_attach(struct run *r, struct runtime *rt, struct event_base *base,
    char **cause)
{
	struct host		*h;
	const uint32_t		*ips;
	const struct run_relay	*rl;
	const struct run_portmap *pm;
	const struct run_source	*src;
	char			*why = NULL;
	size_t			 i, n, nrl, npm, nsrc;

	*cause = NULL;
	ips = run_real_hosts(r, &n);
	rl = run_relays(r, &nrl);
	if (n == 0 && nrl == 0)
		return (NULL);
	run_fd_limit(run_mine_count(r));
	h = host_create(rt, base);	/* its cap from the raised limit */
	for (i = 0; i < n; i++)
		host_claim(h, ips[i]);
	pm = run_portmaps(r, &npm);
	for (i = 0; i < npm; i++)
		host_map(h, pm[i].ip, pm[i].port, pm[i].to);
	for (i = 0; i < nrl; i++) {
		if (host_relay(h, rl[i].site, rl[i].server, rl[i].port,
		    rl[i].relay, rl[i].relay_port, &why) != 0) {
			xasprintf(cause, "site %s: %s", rl[i].name, why);
			free(why);
			host_free(h);
			return (NULL);
		}
	}
	src = run_sources(r, &nsrc);
	for (i = 0; i < nsrc; i++) {
		if (host_site_sources(h, src[i].site, src[i].addrs, src[i].n,
		    &why) != 0) {
			xasprintf(cause, "site %s: %s", src[i].name, why);
			free(why);
			host_free(h);
			return (NULL);
		}
	}
	return (h);
}

/* A run's connections that waited for a descriptor, in one line. */
static void
run_waited(const struct host *h)
{
	const struct host_stats	*st;

	if (h == NULL || (st = host_stats(h))->queued == 0)
		return;
	fprintf(stderr, "phonefleet run: %llu connections waited for a free "
	    "descriptor (at most %llu open and %llu waiting at once, cap "
	    "%zu)\n", (unsigned long long)st->queued,
	    (unsigned long long)st->open_peak,
	    (unsigned long long)st->queue_peak, host_cap(h));
}

static void *
run_attach_ui(struct run *r, struct runtime *rt, struct event_base *base,
    char **cause)
{
	return (run_attach(r, rt, base, cause));
}

static void
run_detach_ui(void *carrier)
{
	host_free(carrier);
}


/*
 * A run on the sim runtime, or at speed on the realtime one; a scenario
 * with real servers (connect=) runs in real time (speed 1 unless given),
 * its phones reaching them through the host carrier, which also relays the
 * DHCP of sites whose server is real.  NULL (said on stderr) if the
 * carrier cannot be set up.  SIGINT (Ctrl-C) stops the paced run where it
 * is: *interrupted is then its virtual time, and the report is written as
 * for a run that ended (EMU_TIME_NEVER otherwise).
 */
static struct run_result *
run_paced(const struct scenario *sc, const struct run_opts *o, double speed,
    emu_time interval, emu_time *interrupted)
{
	struct event_base	*base;
	struct runtime		*rt;
	struct host		*h = NULL;
	struct run		*r;
	struct run_result	*res;
	struct event		*sigint;
	struct run_live		 live;
	char			*cause = NULL;
	int			 failed = 0;

	if (speed == 0 && !scenario_has_real(sc))
		return (run_scenario(sc, o));
	if (speed == 0)
		speed = 1;
	r = run_open(sc, o);
	base = rt_base();
	rt = runtime_realtime(run_world(r), base, speed);
	h = run_attach(r, rt, base, &cause);
	if (h == NULL && cause != NULL) {
		fprintf(stderr, "phonefleet run: %s\n", cause);
		free(cause);
		failed = 1;
	}
	sigint = evsignal_new(base, SIGINT, run_paced_interrupt, rt);
	if (sigint == NULL || evsignal_add(sigint, NULL) != 0)
		abort();	/* out of memory */
	memset(&live, 0, sizeof live);
	live.r = r;
	live.rt = rt;
	if (o->nshards > 1)
		snprintf(live.tag, sizeof live.tag, " w%u/%u", o->shard + 1,
		    o->nshards);
	clock_gettime(CLOCK_MONOTONIC, &live.at);
	if (interval != 0) {
		live.ev = event_new(base, -1, EV_PERSIST, run_live_cb, &live);
		if (live.ev == NULL)
			abort();	/* out of memory */
		event_add(live.ev, &(struct timeval){
		    (time_t)(interval / 1000000),
		    (suseconds_t)(interval % 1000000) });
	}
	if (!failed && run_play(r, rt) != 0)
		*interrupted = runtime_now(rt);
	event_free(sigint);	/* a second Ctrl-C kills, as usual */
	if (live.ev != NULL)
		event_free(live.ev);
	run_waited(h);
	host_free(h);
	runtime_free(rt);
	res = run_close(r);
	event_base_free(base);
	if (failed) {
		run_result_free(res);
		return (NULL);
	}
	return (res);
}

/* A worker of run --workers: its shard, paced as the run is. */
static struct run_result *
run_worker_play(const struct scenario *sc, const struct run_opts *o,
    void *arg, int *interrupted)
{
	struct run_worker	*wk = arg;
	struct run_result	*res;
	emu_time		 stopped = EMU_TIME_NEVER;

	res = run_paced(sc, o, wk->speed, wk->interval, &stopped);
	*interrupted = stopped != EMU_TIME_NEVER;
	return (res);
}

/*
 * report merge FILE... [--report FMT]: JSON reports of several runs into
 * one (fleet/report-merge.c).  A file that is not one, exit 2.
 */
static int
cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct report_merge	*m;
	enum report_format	 fmt = REPORT_TEXT;
	uint8_t			*buf;
	size_t			 len;
	char			*cause = NULL;
	int			 ch, i;

	if (argc < 2 || strcmp(argv[1], "merge") != 0) {
		fprintf(stderr, "usage: phonefleet report merge FILE... "
		    "[--report text|json|junit]\n");
		return (2);
	}
	argc--;
	argv++;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (report_format_parse(optarg, &fmt) != 0) {
				fprintf(stderr, "phonefleet report merge: "
				    "--report: \"%s\" is not text, json or "
				    "junit\n", optarg);
				return (2);
			}
			break;
		case 'h':
			printf("usage: phonefleet report merge FILE... "
			    "[--report text|json|junit]\n");
			return (0);
		default:
			return (2);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "phonefleet report merge: expected JSON "
		    "report FILEs\n");
		return (2);
	}
	m = report_merge_create();
	for (i = optind; i < argc; i++) {
		if ((buf = read_file(argv[i], JDOC_LEN_MAX, &len,
		    &cause)) == NULL ||
		    report_merge_add(m, buf, len, &cause) != 0) {
			fprintf(stderr, "phonefleet report merge: %s: %s\n",
			    argv[i], cause);
			free(cause);
			free(buf);
			report_merge_free(m);
			return (2);
		}
		free(buf);
	}
	report_write(stdout, report_merge_result(m), fmt);
	/* As run: 1 when an expectation of a run failed. */
	i = report_merge_result(m)->failed == 0 ? 0 : 1;
	report_merge_free(m);
	return (i);
}

/*
 * Ctrl-C during a paced run: bring the world to the clock (so the report's
 * virtual end is the moment of the key), then stop it; the report follows.
 */
static void
run_paced_interrupt(evutil_socket_t sig, short what, void *arg)
{
	runtime_sync(arg);
	runtime_stop(arg);
}

static uint8_t *
read_file(const char *path, size_t max, size_t *len, char **cause)
{
	FILE	*f;
	uint8_t	*buf;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s", strerror(errno));
		return (NULL);
	}
	buf = xmalloc(max + 2);
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		xasprintf(cause, "%s", strerror(errno));
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	if (n > max) {
		xasprintf(cause, "file is over %zu bytes", max);
		free(buf);
		return (NULL);
	}
	buf[n] = '\0';
	*len = n;
	return (buf);
}

static int
cmd_profile(int argc, char **argv)
{
	struct emu_ctx	*ctx;
	struct profile	*pr = NULL;
	struct dbuf	 inf, out;
	uint8_t		*buf;
	const uint8_t	*data;
	size_t		 len;
	char		*cause = NULL;
	const char	*file;
	int		 rc;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("%s", PF_PROFILE_USAGE);
		return (0);
	}
	if (argc >= 2 && strcmp(argv[1], "encrypt") == 0)
		return (cmd_profile_crypt(argc - 1, argv + 1, 1));
	if (argc >= 2 && strcmp(argv[1], "decrypt") == 0)
		return (cmd_profile_crypt(argc - 1, argv + 1, 0));
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		fprintf(stderr, "%s", PF_PROFILE_USAGE);
		return (2);
	}
	if (argc >= 3 && (strcmp(argv[2], "--help") == 0 ||
	    strcmp(argv[2], "-h") == 0)) {
		printf("usage: phonefleet profile check FILE\n");
		return (0);
	}
	if (argc >= 3 && strcmp(argv[2], "--") == 0) {
		argc--;
		argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: phonefleet profile check FILE\n");
		return (2);
	}
	file = argv[2];
	if ((buf = read_file(file, PROFILE_MAX_LEN, &len, &cause)) == NULL) {
		fprintf(stderr, "%s: %s\n", file, cause);
		free(cause);
		return (2);
	}
	ctx = emu_ctx_create(0);
	dbuf_init(&inf);
	dbuf_init(&out);
	data = buf;
	rc = decode_inflate(buf, len, PROFILE_MAX_LEN, &inf, &cause);
	if (rc < 0) {
		fprintf(stderr, "%s:0: %s\n", file, cause);
		rc = 1;
		goto done;
	}
	if (rc == 1) {
		data = inf.data;
		len = inf.len;
	}
	if (profile_parse(ctx, data, len, NULL, &pr, &cause) != 0) {
		/* cause is "line N: message" */
		if (cause != NULL && strncmp(cause, "line ", 5) == 0 &&
		    isdigit((unsigned char)cause[5])) {
			char	*colon = strchr(cause, ':');

			fprintf(stderr, "%s:%.*s:%s\n", file,
			    colon != NULL ? (int)(colon - cause - 5) : 0,
			    cause + 5, colon != NULL ? colon + 1 : "");
		} else
			fprintf(stderr, "%s:0: %s\n", file,
			    cause != NULL ? cause : "not a profile");
		rc = 1;
		goto done;
	}
	profile_check_report(ctx, file, pr, &out);
	fwrite(out.data, 1, out.len, stdout);
	rc = 0;
done:
	free(cause);
	profile_unref(pr);
	dbuf_clear(&inf);
	dbuf_clear(&out);
	free(buf);
	emu_ctx_free(ctx);
	return (rc);
}

/*
 * phonefleet profile encrypt|decrypt (spec 11): the phone's own decoders
 * (emu/decode.c) on a file, salts from RAND_bytes.  Binary-safe; nothing
 * is written to OUT unless the whole file went through.
 */
static int
cmd_profile_crypt(int argc, char **argv, int enc)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "md", required_argument, NULL, 'm' },
		{ "ikm", required_argument, NULL, 'i' },
		{ "rs", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*verb = enc ? "encrypt" : "decrypt";
	const char	*key = NULL, *ikmtext = NULL, *outpath = NULL, *file;
	uint8_t		 ikm[DECODE_IKM_MAX], salt[16], *buf = NULL;
	struct dbuf	 out;
	size_t		 len, ikmlen = 0;
	uint64_t	 rs = DECODE_GCM_RS_DEFAULT;
	char		*cause = NULL, *cause2 = NULL;
	FILE		*f;
	int		 ch, md = -1, has_rs = 0, rc = 2;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "k:m:i:r:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'k':
			key = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "sha256") == 0)
				md = DECODE_MD_SHA256;
			else if (strcmp(optarg, "md5") == 0)
				md = DECODE_MD_MD5;
			else {
				fprintf(stderr, "phonefleet profile %s: --md: "
				    "\"%s\" is not sha256 or md5\n", verb,
				    optarg);
				return (2);
			}
			break;
		case 'i':
			ikmtext = optarg;
			break;
		case 'r':
			if (parse_uint(optarg, 18, UINT32_MAX, &rs,
			    &cause) != 0) {
				fprintf(stderr, "phonefleet profile %s: --rs: "
				    "%s\n", verb, cause);
				free(cause);
				return (2);
			}
			has_rs = 1;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			printf("%s", PF_PROFILE_USAGE);
			return (0);
		default:
			fprintf(stderr, "%s", PF_PROFILE_USAGE);
			return (2);
		}
	}
	if ((key == NULL) == (ikmtext == NULL)) {
		fprintf(stderr, "phonefleet profile %s: give --key or --ikm\n",
		    verb);
		return (2);
	}
	if ((md != -1 && key == NULL) || (has_rs && (ikmtext == NULL ||
	    !enc))) {
		fprintf(stderr, "phonefleet profile %s: %s\n", verb,
		    md != -1 && key == NULL ? "--md goes with --key" :
		    "--rs goes with encrypt --ikm");
		return (2);
	}
	if (optind != argc - 1) {
		fprintf(stderr, "phonefleet profile %s: expected one FILE\n",
		    verb);
		return (2);
	}
	file = argv[optind];
	if (ikmtext != NULL && decode_ikm(ikmtext, ikm, sizeof ikm, &ikmlen,
	    &cause) != 0) {
		fprintf(stderr, "phonefleet profile %s: --ikm: %s\n", verb,
		    cause);
		free(cause);
		return (2);
	}
	if ((buf = read_file(file, PF_CRYPT_MAX, &len, &cause)) == NULL) {
		fprintf(stderr, "%s: %s\n", file, cause);
		free(cause);
		return (2);
	}
	dbuf_init(&out);
	if (enc && RAND_bytes(salt, sizeof salt) != 1) {
		fprintf(stderr, "phonefleet profile encrypt: no random salt\n");
		goto done;
	}
	if (enc && key != NULL)
		rc = decode_cbc_encrypt(buf, len, key, md == -1 ?
		    DECODE_MD_SHA256 : md, salt, &out, &cause);
	else if (enc)
		rc = decode_gcm_encrypt(buf, len, ikm, ikmlen, salt,
		    (uint32_t)rs, NULL, 0, &out, &cause);
	else if (key != NULL && md != -1)
		rc = decode_cbc_decrypt(buf, len, key, md, &out, &cause);
	else if (key != NULL) {
		/* 11.2: SHA-256 (OpenSSL 1.1.0 on), then MD5 (1.0.x). */
		rc = decode_cbc_decrypt(buf, len, key, DECODE_MD_SHA256, &out,
		    &cause);
		if (rc != 0 && decode_cbc_decrypt(buf, len, key,
		    DECODE_MD_MD5, &out, &cause2) == 0)
			rc = 0;
	} else
		rc = decode_gcm_decrypt(buf, len, ikm, ikmlen, &out, &cause);
	if (rc != 0) {
		fprintf(stderr, "%s: %s\n", file, cause);
		rc = 1;
		goto done;
	}
	rc = 2;
	if (outpath != NULL && (f = fopen(outpath, "wb")) == NULL) {
		fprintf(stderr, "%s: %s\n", outpath, strerror(errno));
		goto done;
	}
	if (outpath == NULL)
		f = stdout;
	if (fwrite(out.data, 1, out.len, f) != out.len || fflush(f) != 0) {
		fprintf(stderr, "%s: %s\n", outpath != NULL ? outpath :
		    "stdout", strerror(errno));
		if (outpath != NULL)
			fclose(f);
		goto done;
	}
	if (outpath != NULL && fclose(f) != 0) {
		fprintf(stderr, "%s: %s\n", outpath, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(cause);
	free(cause2);
	free(buf);
	dbuf_clear(&out);
	return (rc);
}

static int
parse_mac(const char *s, uint8_t *mac)
{
	char	hex[13];
	size_t	n = 0;
	int	i;

	for (; *s != '\0'; s++) {
		if (*s == ':' || *s == '-' || *s == '.')
			continue;
		if (!isxdigit((unsigned char)*s) || n == 12)
			return (-1);
		hex[n++] = *s;
	}
	if (n != 12)
		return (-1);
	hex[12] = '\0';
	for (i = 0; i < 6; i++) {
		char	b[3] = { hex[2 * i], hex[2 * i + 1], '\0' };

		mac[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return (0);
}

static int
cmd_rule(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mac", required_argument, NULL, 'm' },
		{ "model", required_argument, NULL, 'p' },
		{ "serial", required_argument, NULL, 's' },
		{ "firmware", required_argument, NULL, 'f' },
		{ "dhcp-server", required_argument, NULL, 'd' },
		{ "set", required_argument, NULL, 'S' },
		{ "no-cert", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct emu_ctx		*ctx;
	struct phone		*p;
	struct phone_conf	 pc;
	struct rule_env		 env;
	struct rule_result	 res;
	struct dbuf		 out;
	const char		*dhcp = NULL;
	char			**sets = NULL, *cause = NULL;
	size_t			 nsets = 0, i;
	int			 ch, rc = 2;

	if (argc < 2 || strcmp(argv[1], "expand") != 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
		    strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return (0);
		}
		fprintf(stderr, "usage: phonefleet rule expand [options] "
		    "RULE\n");
		return (2);
	}
	argc--;
	argv++;
	memset(&pc, 0, sizeof pc);
	parse_mac("00562B043615", pc.mac);
	pc.model = "CP-8851-3PCC";
	pc.swver = "sip88xx.12-0-7MPP0301-92";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "m:p:s:f:d:S:nh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'm':
			if (parse_mac(optarg, pc.mac) != 0) {
				fprintf(stderr, "phonefleet rule expand: --mac: "
				    "\"%s\" is not 12 hex digits\n", optarg);
				goto out;
			}
			break;
		case 'p':
			pc.model = optarg;
			break;
		case 's':
			pc.serial = optarg;
			break;
		case 'f':
			pc.swver = optarg;
			break;
		case 'd':
			dhcp = optarg;
			break;
		case 'S':
			if (strchr(optarg, '=') == NULL) {
				fprintf(stderr, "phonefleet rule expand: --set: "
				    "\"%s\" is not NAME=VALUE\n", optarg);
				goto out;
			}
			sets = xreallocarray(sets, nsets + 1, sizeof *sets);
			sets[nsets++] = optarg;
			break;
		case 'n':
			pc.no_cert = 1;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			goto out;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "phonefleet rule expand: expected one RULE\n");
		goto out;
	}
	ctx = emu_ctx_create(0);
	p = phone_create(ctx, &pc);
	for (i = 0; i < nsets; i++) {
		char	*name = xstrdup(sets[i]), *eq = strchr(name, '=');

		*eq = '\0';
		if (phone_set(p, name, eq + 1, 0, &cause) != 0) {
			fprintf(stderr, "phonefleet rule expand: --set %s: %s\n",
			    name, cause);
			free(cause);
			free(name);
			phone_free(p);
			emu_ctx_free(ctx);
			goto out;
		}
		free(name);
	}
	phone_rule_env(p, &env, RULE_KIND_PROFILE);
	env.dhcp_server = dhcp;
	rule_result_init(&res);
	dbuf_init(&out);
	rc = rule_eval(argv[optind], &env, &res);
	/* Why alternatives were passed over, before the outcome. */
	if (res.skipped != NULL)
		fputs(res.skipped, stderr);
	switch (rc) {
	case RULE_FETCH:
	case RULE_GDS:
		rule_result_format(&res, &out);
		fwrite(out.data, 1, out.len, stdout);
		rc = 0;
		break;
	case RULE_DISABLED:
		fprintf(stderr, "rule disabled: empty or a comment\n");
		rc = 1;
		break;
	case RULE_SKIP:
		fprintf(stderr, "rule skipped: no condition held\n");
		rc = 1;
		break;
	case RULE_NOURL:
		fprintf(stderr, "no URL: the chosen alternative only "
		    "assigns\n");
		rc = 1;
		break;
	case RULE_ERROR:
		if (res.reason != NULL)
			fprintf(stderr, "%s\n", res.reason);
		else
			fprintf(stderr, "%s\n", res.errmsg != NULL ?
			    res.errmsg : emu_err_name(res.err));
		rc = 1;
		break;
	}
	dbuf_clear(&out);
	rule_result_clear(&res);
	phone_free(p);
	emu_ctx_free(ctx);
out:
	free(sets);
	return (rc);
}

/*
 * pki export FILE DIR: the scenario's certificates and keys, so that a real
 * server can present a certificate the phones trust and check their MICs.
 */
static int
cmd_pki(int argc, char **argv)
{
	struct scenario		*sc;
	struct run		*r;
	struct stat		 sb;
	char			*cause = NULL;
	int			 rc = 0;

	if (argc != 4 || strcmp(argv[1], "export") != 0) {
		fprintf(stderr, "usage: phonefleet pki export FILE DIR\n");
		return (2);
	}
	if (stat(argv[3], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "phonefleet pki: %s: not a directory\n",
		    argv[3]);
		return (2);
	}
	if ((sc = scenario_load(argv[2], stderr)) == NULL)
		return (2);
	r = run_open(sc, NULL);
	if (run_pki_export(r, argv[3], &cause) != 0) {
		fprintf(stderr, "phonefleet pki: %s\n", cause);
		free(cause);
		rc = 2;
	}
	run_result_free(run_close(r));
	scenario_free(sc);
	return (rc);
}

/*
 * phonefleet serve FILE (docs/serve.md): the scenario's simulated servers
 * on real sockets until SIGINT or SIGTERM; exit 0 then, 2 for bad usage,
 * a bad file or a port that cannot be bound.
 */
static int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port-offset", required_argument, NULL, 'p' },
		{ "ca-out", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct serve_conf	 conf;
	struct run_opts		 o;
	struct scenario		*sc;
	struct run		*r;
	struct event_base	*base;
	struct serve		*sv;
	struct run_result	*res;
	const char		*ca_out = NULL, *addr;
	char			**binds = NULL, *cause = NULL, *eq;
	size_t			 nbinds = 0, i;
	uint64_t		 v;
	uint32_t		 ip;
	FILE			*f;
	int			 ch, rc = 2;

	memset(&conf, 0, sizeof conf);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "b:p:c:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'b':
			eq = strchr(optarg, '=');
			addr = eq != NULL ? eq + 1 : optarg;
			if ((eq != NULL && eq == optarg) ||
			    ipv4_parse(addr, &ip) != 0) {
				fprintf(stderr, "phonefleet serve: --bind: "
				    "\"%s\" is not ADDR or HOST=ADDR (an IPv4 "
				    "address)\n", optarg);
				goto out;
			}
			if (eq == NULL)
				conf.bind = ip;
			else {
				binds = xreallocarray(binds, nbinds + 1,
				    sizeof *binds);
				binds[nbinds++] = optarg;
			}
			break;
		case 'p':
			if (parse_uint(optarg, 0, 65535, &v, &cause) != 0) {
				fprintf(stderr, "phonefleet serve: "
				    "--port-offset: %s\n", cause);
				free(cause);
				goto out;
			}
			conf.has_offset = 1;
			conf.port_offset = (int)v;
			break;
		case 'c':
			ca_out = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "phonefleet serve: expected one scenario "
		    "FILE\n");
		goto out;
	}
	if ((sc = scenario_load(argv[optind], stderr)) == NULL)
		goto out;
	run_serve_epoch(sc, (int64_t)time(NULL));
	memset(&o, 0, sizeof o);
	o.servers_only = 1;
	r = run_open(sc, &o);
	base = rt_base();
	conf.log = stdout;
	sv = serve_create(base, &conf);
	run_serve(r, cmd_serve_add, sv);
	for (i = 0; i < nbinds; i++) {
		eq = strchr(binds[i], '=');
		*eq = '\0';
		(void)ipv4_parse(eq + 1, &ip);
		serve_bind(sv, binds[i], ip);
		*eq = '=';
	}
	if (ca_out != NULL) {
		if ((f = fopen(ca_out, "w")) == NULL) {
			fprintf(stderr, "phonefleet serve: --ca-out %s: %s\n",
			    ca_out, strerror(errno));
			goto done;
		}
		ch = run_serve_ca(r, f);
		if (fclose(f) != 0 || ch != 0) {
			fprintf(stderr, "phonefleet serve: --ca-out %s: %s\n",
			    ca_out, strerror(errno));
			goto done;
		}
	}
	if (serve_listen(sv, &cause) != 0) {
		fprintf(stderr, "phonefleet serve: %s\n", cause);
		free(cause);
		goto done;
	}
	if (serve_run(sv) == 0)
		rc = 0;
done:
	serve_free(sv);
	res = run_close(r);
	run_result_free(res);
	event_base_free(base);
	scenario_free(sc);
out:
	free(binds);
	return (rc);
}

static void
cmd_serve_add(void *arg, enum serve_kind kind, const char *host, uint32_t ip,
    uint16_t port, const struct serve_ep *ep)
{
	serve_add(arg, kind, host, ip, port, ep);
}

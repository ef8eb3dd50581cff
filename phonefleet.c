/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The command line: phonefleet run, profile check, rule expand.  Exit 0
 * ok, 1 an expectation or check failed, 2 bad usage or a bad file.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"

#define PF_VERSION	"0.1.0"

static int	cmd_run(int, char **);
static int	cmd_profile(int, char **);
static int	cmd_rule(int, char **);
static void	usage(FILE *);
static int	parse_trace(const char *, unsigned *);
static int	parse_mac(const char *, uint8_t *);
static uint8_t	*read_file(const char *, size_t, size_t *, char **);


static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: phonefleet [--version] [--help] COMMAND [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  run FILE [--seed N] [--report text|json|junit] [--out FILE]\n"
	    "           [--trace CATS] [--trace-out FILE] [--state DIR]\n"
	    "      play a scenario in virtual time; exit 0 when every\n"
	    "      expectation held, 1 when one failed, 2 for a bad file\n"
	    "      or a state that cannot be saved; --state keeps each\n"
	    "      phone's flash in DIR/<MAC>.flash from one run to the next\n"
	    "  profile check FILE\n"
	    "      parse a configuration file as a phone does and list what\n"
	    "      it applies and rejects, with line numbers\n"
	    "  rule expand [--mac MAC] [--model PN] [--serial SN]\n"
	    "           [--firmware LOAD] [--dhcp-server HOST]\n"
	    "           [--set NAME=VALUE]... [--no-cert] RULE\n"
	    "      print the URL and options a phone would fetch for RULE\n"
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
	if (strcmp(cmd, "profile") == 0)
		return (cmd_profile(argc - 1, argv + 1));
	if (strcmp(cmd, "rule") == 0)
		return (cmd_rule(argc - 1, argv + 1));
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

static int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "report", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "trace", required_argument, NULL, 'T' },
		{ "trace-out", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run_opts		 o;
	struct scenario		*sc;
	struct run_result	*res;
	enum report_format	 fmt = REPORT_TEXT;
	const char		*outpath = NULL, *tracepath = NULL;
	FILE			*out = stdout;
	char			*cause = NULL;
	int			 ch, rc;

	memset(&o, 0, sizeof o);
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:r:o:T:t:S:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'S':
			o.state_dir = optarg;
			break;
		case 's':
			if (parse_uint(optarg, 0, UINT64_MAX, &o.seed,
			    &cause) != 0) {
				fprintf(stderr, "phonefleet run: --seed: %s\n",
				    cause);
				free(cause);
				return (2);
			}
			o.has_seed = 1;
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
	if ((sc = scenario_load(argv[optind], stderr)) == NULL)
		return (2);
	/* Before the run: a directory it could not save in is known now. */
	if (o.state_dir != NULL &&
	    run_state_prepare(o.state_dir, &cause) != 0) {
		fprintf(stderr, "phonefleet run: --state %s\n", cause);
		free(cause);
		scenario_free(sc);
		return (2);
	}
	if (o.trace != 0 || sc->trace != 0) {
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
	res = run_scenario(sc, &o);
	report_write(out, res, fmt);
	if (outpath != NULL) {
		fclose(out);
		/* The verdict on stdout too, so CI logs show it. */
		printf("%s: %s (%u of %u expectations held)\n", sc->file,
		    res->failed == 0 ? "PASS" : "FAIL", res->passed,
		    res->passed + res->failed);
	}
	if (o.tracef != NULL && o.tracef != stderr)
		fclose(o.tracef);
	rc = res->failed == 0 ? 0 : 1;
	if (res->state_failed)
		rc = 2;		/* docs/state.md: the state was not saved */
	run_result_free(res);
	scenario_free(sc);
	return (rc);
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
		printf("usage: phonefleet profile check FILE\n");
		return (0);
	}
	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		fprintf(stderr, "usage: phonefleet profile check FILE\n");
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
	rc = profile_inflate(buf, len, &inf, &cause);
	if (rc < 0) {
		fprintf(stderr, "%s:0: gzip: %s\n", file, cause);
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

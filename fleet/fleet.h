/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * fleet/: orchestration.  A scenario file (XML, validated against
 * fleet/scenario.rng) is parsed once into the plain structs below, checked
 * whole, then played by the runner on a runtime; the result is written as a
 * text, JSON or JUnit XML report.  Format reference: docs/scenario.md.
 */

#ifndef PF_FLEET_H
#define PF_FLEET_H

#include <stdio.h>

#include "../netsim/netsim.h"

/* scenario.c: the model of one scenario file */
#define SCN_NAME_MAX	64

struct scn_dhcp_opt {
	int		 code;
	uint8_t		 data[255];
	size_t		 len;
};
struct scn_site {
	char		*name;
	int		 line;
	uint32_t	 subnet, mask;		/* e.g. 10.0.0.0/16 */
	uint32_t	 gateway;
	struct sim_link	 link;
	int		 has_dhcp;
	uint32_t	 dhcp_server;
	uint32_t	 dns[2];
	int		 ndns;
	char		*domain;
	uint32_t	 lease_s;
	struct scn_dhcp_opt *opt;
	size_t		 nopt;
};
struct scn_file {
	char		*path;		/* URL path, "/8851-3PCC.xml"; '*' = template */
	uint8_t		*data;		/* content (from src= or inline) */
	size_t		 len;
	int		 is_template;
	int		 line;
};
struct scn_server {
	char		*name;
	int		 line;
	uint32_t	 ip;
	int		 http_port;	/* 0 = none */
	int		 tftp_port;	/* 0 = none */
	struct scn_file	*file;
	size_t		 nfile;
	struct ep_fault	*fault;
	size_t		 nfault;
};
struct scn_dns_rec {
	char		*name;
	int		 type;		/* DNS_T_A, DNS_T_SRV */
	uint32_t	 a;
	uint16_t	 prio, weight, port;
	char		*target;
};
struct scn_param {
	char		*name;
	char		*value;
	int		 line;
};
struct scn_group {
	char		*name;
	int		 line;
	uint32_t	 count;
	uint8_t		 mac[6];	/* first MAC; the group counts up */
	uint8_t		(*macs)[6];	/* explicit list, or NULL */
	char		*model;
	char		*firmware;
	char		*firmware_inactive;
	char		*serial_prefix;	/* serial = prefix + index */
	char		*hwver;
	int		 no_cert;
	char		*site;
	size_t		 site_idx;
	emu_time	 power_on;	/* first power-on; 0 default */
	emu_time	 spread;	/* power-ons spread evenly over this */
	struct scn_param *param;	/* flash values before first boot */
	size_t		 nparam;
	size_t		 first;		/* index of its first phone in the run */
};
/* A phone selector: "group", "group[3]", "group[0..9]", or a MAC. */
struct scn_sel {
	char		*text;		/* as written, for messages */
	size_t		 group;
	uint32_t	 from, to;	/* indexes within the group, inclusive */
};
enum scn_act_type {
	SCN_ACT_POWER_ON,
	SCN_ACT_POWER_OFF,
	SCN_ACT_REBOOT,
	SCN_ACT_FACTORY_RESET,
	SCN_ACT_SET,		/* name, value: a local (LCD/web) change */
	SCN_ACT_KEYS,		/* value: key sequence */
	SCN_ACT_RESYNC,		/* value: rule or NULL */
	SCN_ACT_FAULT		/* server, name, on */
};
struct scn_action {
	enum scn_act_type type;
	int		 line;
	emu_time	 at;
	struct scn_sel	 sel;		/* phone actions */
	char		*name;		/* SET param; FAULT name */
	char		*value;		/* SET value; KEYS; RESYNC rule */
	char		*server;	/* FAULT */
	size_t		 server_idx;
	int		 on;		/* FAULT */
};
enum scn_check_type {
	SCN_CHK_STATE,		/* prov state name */
	SCN_CHK_CUSTOMIZATION,	/* customization state name */
	SCN_CHK_PARAM,		/* name: value equals */
	SCN_CHK_COUNTER,	/* name: phone counter in [min, max] */
	SCN_CHK_LAST_CLASS,	/* "A" "B" "C" */
	SCN_CHK_LAST_ERR,	/* $ERR text */
	SCN_CHK_LAST_STATUS,	/* HTTP status */
	SCN_CHK_NEXT_RESYNC,	/* armed resync at check time + [min, max] */
	SCN_CHK_LAST_URL,	/* URL of the last fetch */
	SCN_CHK_SERVER		/* server name: requests for path in [min,max] */
};
struct scn_check {
	enum scn_check_type type;
	int		 line;
	char		*name;		/* PARAM, COUNTER; SERVER: server name */
	char		*path;		/* SERVER: path, or NULL for all */
	char		*value;		/* STATE, CUST, PARAM, LAST_*, URL */
	uint64_t	 min, max;	/* COUNTER, SERVER; NEXT_RESYNC in µs */
	int		 none;		/* NEXT_RESYNC: none armed */
};
struct scn_expect {
	char		*name;		/* for the report: "expect@LINE" default */
	int		 line;
	emu_time	 at;
	struct scn_sel	 sel;		/* unused for SERVER checks */
	int		 has_sel;
	struct scn_check *check;
	size_t		 ncheck;
};
struct scenario {
	char		*file;		/* path as given */
	char		*name;
	char		*description;
	uint64_t	 seed;
	emu_time	 duration;
	unsigned	 trace;
	struct scn_site	*site;
	size_t		 nsite;
	struct scn_server *server;
	size_t		 nserver;
	struct scn_dns_rec *dns;
	size_t		 ndns;
	uint32_t	 dns_ip;	/* address of the simulated DNS server */
	struct scn_group *group;
	size_t		 ngroup;
	size_t		 nphones;	/* sum of counts */
	struct scn_action *action;	/* sorted by time, then file order */
	size_t		 naction;
	struct scn_expect *expect;	/* sorted by time, then file order */
	size_t		 nexpect;
};
/*
 * Load and check a whole scenario.  Returns NULL with every error written to
 * errf, one line each: "file:line: what is wrong".
 */
struct scenario	*scenario_load(const char *path, FILE *errf);
/* Same from memory (fuzzing, tests); base is the directory for src=. */
struct scenario	*scenario_load_mem(const char *name, const char *buf,
		     size_t len, const char *base, FILE *errf);
void		 scenario_free(struct scenario *sc);
/* "3h", "90s", "250ms", "1h30m", plain number = seconds */
int		 scenario_parse_time(const char *s, emu_time *t);
/* Selector text -> sel; -1 if no such group or index. */
int		 scenario_parse_sel(const struct scenario *sc, const char *text,
		     struct scn_sel *sel);

/* run.c: plays a scenario on the sim runtime */
struct run_failure {
	char		*phone;		/* MAC or NULL */
	char		*expected;
	char		*seen;
};
struct run_expect_result {
	const struct scn_expect	*ex;	/* borrowed from the scenario */
	int		 passed;
	uint32_t	 checked;	/* phones checked */
	uint32_t	 failed;	/* phones failing */
	struct run_failure *fail;	/* first few failures, owned */
	size_t		 nfail;
};
struct run_result {
	const struct scenario	*sc;	/* borrowed */
	uint64_t	 seed;
	emu_time	 end;		/* virtual time reached */
	double		 wall_s;	/* not in the JSON report (determinism) */
	struct run_expect_result *res;
	size_t		 nres;
	uint32_t	 passed, failed;
	/* fleet totals */
	uint64_t	 phones, boots, dhcp_acks, resyncs, resync_ok,
			 resync_fail, fetches, requests;
	uint64_t	 by_err[EMU_E__COUNT];	/* last outcome per resync */
	uint64_t	 events;
};
struct run_opts {
	uint64_t	 seed;		/* 0: the scenario's */
	int		 has_seed;
	unsigned	 trace;
	FILE		*tracef;	/* trace lines, or NULL */
};
struct run_result *run_scenario(const struct scenario *sc,
		     const struct run_opts *o);
void		 run_result_free(struct run_result *r);

/* report.c */
enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_JUNIT
};
int		 report_format_parse(const char *s, enum report_format *f);
void		 report_write(FILE *f, const struct run_result *r,
		     enum report_format fmt);

#endif /* PF_FLEET_H */

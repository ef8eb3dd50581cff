/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The cloud codecs (proto/cloud.c, proto/json.c) on arbitrary bytes, every
 * input through each of them: the JSON reader, the GDS answer and the EDOS
 * answer as a phone reads them, the activation-code check, and the service
 * side's request-target and GDS body parsers.  What parses must write back
 * and parse again to the same values; every refusal is one line.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	fuzz_cloud_cause(char *);
static void	fuzz_cloud_json(const uint8_t *, size_t);
static void	fuzz_cloud_gds(const uint8_t *, size_t);
static void	fuzz_cloud_edos(const uint8_t *, size_t);
static void	fuzz_cloud_target(const char *);
static void	fuzz_cloud_body(const uint8_t *, size_t);

static void
fuzz_cloud_cause(char *cause)
{
	if (cause == NULL || strchr(cause, '\n') != NULL)
		abort();
	free(cause);
}

static void
fuzz_cloud_json(const uint8_t *data, size_t size)
{
	struct json_obj	 o, r;
	struct dbuf	 b;
	char		*cause = NULL;
	size_t		 i;

	if (json_parse(&o, data, size, &cause) != 0) {
		fuzz_cloud_cause(cause);
		json_obj_clear(&o);
		return;
	}
	/* The string members, written back, read the same. */
	dbuf_init(&b);
	dbuf_add_str(&b, "{");
	for (i = 0; i < o.n; i++) {
		if (o.m[i].type != JSON_STRING)
			continue;
		if (b.len > 1)
			dbuf_add_str(&b, ",");
		json_write_str(&b, o.m[i].key);
		dbuf_add_str(&b, ":");
		json_write_str(&b, o.m[i].value);
	}
	dbuf_add_str(&b, "}");
	if (b.len <= JSON_DOC_MAX) {
		if (json_parse(&r, b.data, b.len, &cause) != 0)
			abort();
		for (i = 0; i < o.n; i++) {
			if (o.m[i].type != JSON_STRING)
				continue;
			if (json_get_str(&r, o.m[i].key) == NULL ||
			    strcmp(json_get_str(&r, o.m[i].key),
			    o.m[i].value) != 0)
				abort();
		}
		json_obj_clear(&r);
	}
	dbuf_clear(&b);
	json_obj_clear(&o);
}

static void
fuzz_cloud_gds(const uint8_t *data, size_t size)
{
	struct cloud_grant	 g, h;
	struct dbuf		 b;
	char			*cause = NULL, *rule;
	int			 rc;

	rc = cloud_gds_reply(200, data, size, &g, &cause);
	if (rc == CLOUD_GDS_FAILED) {
		fuzz_cloud_cause(cause);
		return;
	}
	if (rc != CLOUD_GDS_OK || g.rule == NULL)
		abort();
	rule = cloud_grant_rule(&g);
	if (rule == NULL || strchr(rule, '\n') != NULL)
		abort();
	free(rule);
	dbuf_init(&b);
	cloud_grant_write(&b, g.rule, g.uid, g.pwd);
	if (cloud_gds_reply(200, b.data, b.len, &h, &cause) != CLOUD_GDS_OK)
		abort();
	if (strcmp(g.rule, h.rule) != 0 || (g.uid == NULL) != (h.uid == NULL) ||
	    (g.pwd == NULL) != (h.pwd == NULL) ||
	    (g.uid != NULL && strcmp(g.uid, h.uid) != 0) ||
	    (g.pwd != NULL && strcmp(g.pwd, h.pwd) != 0))
		abort();
	cloud_grant_clear(&h);
	cloud_grant_clear(&g);
	dbuf_clear(&b);
}

static void
fuzz_cloud_edos(const uint8_t *data, size_t size)
{
	char	*company = NULL, *cause = NULL;

	switch (cloud_edos_classify(200, data, size, &company, &cause)) {
	case CLOUD_EDOS_REDIRECT:
		if (company != NULL && (strlen(company) == 0 ||
		    strlen(company) > CLOUD_COMPANY_MAX ||
		    strchr(company, '\n') != NULL))
			abort();
		free(company);
		break;
	case CLOUD_EDOS_UNAVAILABLE:
		if (company != NULL)
			abort();
		break;
	case CLOUD_EDOS_RETRY:
		fuzz_cloud_cause(cause);
		break;
	default:
		abort();
	}
}

static void
fuzz_cloud_target(const char *s)
{
	struct cloud_query	 q, r;
	char			*cause = NULL, *t;

	if (cloud_target_parse(&q, s, &cause) != 0) {
		fuzz_cloud_cause(cause);
		return;
	}
	if (strlen(q.mac) != 12 || q.pid[0] == '\0')
		abort();
	if (q.req == CLOUD_REQ_DEVICE)
		t = cloud_device_target(q.mac, q.pid, q.sn, q.fw);
	else
		t = cloud_code_target(q.code, q.mac, q.pid);
	if (strlen(t) <= CLOUD_TARGET_MAX) {
		if (cloud_target_parse(&r, t, &cause) != 0)
			abort();
		if (r.req != q.req || strcmp(r.mac, q.mac) != 0 ||
		    strcmp(r.pid, q.pid) != 0 || strcmp(r.code, q.code) != 0 ||
		    (q.req == CLOUD_REQ_DEVICE && (strcmp(r.sn, q.sn) != 0 ||
		    strcmp(r.fw, q.fw) != 0)))
			abort();
	}
	free(t);
}

static void
fuzz_cloud_body(const uint8_t *data, size_t size)
{
	struct cloud_query	 q, r;
	char			*cause = NULL, *body;

	if (cloud_gds_body_parse(&q, data, size, &cause) != 0) {
		fuzz_cloud_cause(cause);
		return;
	}
	if (cloud_code_check(q.code, &cause) != CLOUD_CODE_GDS)
		abort();
	body = cloud_gds_body(q.code, q.mac, q.pid, q.sn, q.fw);
	if (cloud_gds_body_parse(&r, (const uint8_t *)body, strlen(body),
	    &cause) != 0)
		abort();
	if (strcmp(r.code, q.code) != 0 || strcmp(r.mac, q.mac) != 0 ||
	    strcmp(r.pid, q.pid) != 0 || strcmp(r.sn, q.sn) != 0 ||
	    strcmp(r.fw, q.fw) != 0)
		abort();
	free(body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s, *cause = NULL;
	int	 rc;

	fuzz_cloud_json(data, size);
	fuzz_cloud_gds(data, size);
	fuzz_cloud_edos(data, size);
	fuzz_cloud_body(data, size);

	/* The string parsers see the bytes up to the first NUL. */
	s = malloc(size + 1);
	if (s == NULL)
		return (0);
	memcpy(s, data, size);
	s[size] = '\0';
	rc = cloud_code_check(s, &cause);
	if (rc == -1)
		fuzz_cloud_cause(cause);
	else if (rc != CLOUD_CODE_GDS && rc != CLOUD_CODE_SHORT)
		abort();
	fuzz_cloud_target(s);
	free(s);
	return (0);
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * HTTP Digest (RFC 7616; spec 9.4) on both sides.
 *
 * The phone (emu/fetch.c): with a fuzzed account (Profile_Account_*) it is
 * answered 401 with a Digest challenge of fuzzed realm, nonce, opaque,
 * algorithm and qop (written as quoted strings, escaped).  Its retry must be
 * a request that parses, and if it carries credentials they must say what
 * it was told: username, realm, nonce and opaque as given, uri the request
 * target, and a response that is the RFC 7616 digest of them (MD5, or
 * SHA-256 when asked).
 *
 * The server (netsim/ep-http.c): a fault demanding a fuzzed user, password
 * and realm gets one request with a fuzzed Authorization header (no crash)
 * and one with the right Digest answer to its own challenge, written with
 * escapes, which it must accept.
 *
 * Input: flags, then length-prefixed user, password, realm, nonce, opaque,
 * algorithm, qop, then the raw Authorization value for the server.
 */

#include <strings.h>

#include "netsim/netsim.h"
#include "phone-drv.h"

#define FUZZ_DG_STR	200	/* bytes of one fuzzed field */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fuzz_dg {
	struct dbuf	 req;		/* the phone's last request */
	uint32_t	 flow;
};

static void	fuzz_dg_send(struct drv *, uint32_t, const uint8_t *, size_t);
static void	fuzz_dg_quote(struct dbuf *, const char *);
static void	fuzz_dg_hex(const EVP_MD *, const char *, char *);
static void	fuzz_dg_client(struct drv_in *, uint8_t, const char *,
		    const char *);
static void	fuzz_dg_server(struct drv_in *, const char *, const char *);
static int	fuzz_dg_ctl(const char *);
static void	fuzz_dg_strip(char *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv_in	 in = { data, size, 0 };
	char		 user[FUZZ_DG_STR + 1], pass[FUZZ_DG_STR + 1];
	uint8_t		 flags = drv_u8(&in);

	drv_str(&in, user, sizeof user);
	drv_str(&in, pass, sizeof pass);
	fuzz_dg_client(&in, flags, user, pass);
	fuzz_dg_server(&in, user, pass);
	return (0);
}

static void
fuzz_dg_client(struct drv_in *in, uint8_t flags, const char *user,
    const char *pass)
{
	struct drv	 dv;
	struct fuzz_dg	 dg;
	struct dbuf	 b;
	struct http_msg	 m;
	char		 realm[FUZZ_DG_STR + 1], nonce[FUZZ_DG_STR + 1];
	char		 opaque[FUZZ_DG_STR + 1], algo[FUZZ_DG_STR + 1];
	char		 qop[FUZZ_DG_STR + 1];
	char		 r_realm[256], r_nonce[256], r_opaque[256], r_algo[32];
	char		 a_user[512], a_realm[256], a_nonce[256], a_uri[4096];
	char		 a_resp[256], a_qop[64], a_nc[64], a_cnonce[64];
	char		 a_opaque[256], ha1[129], ha2[129], want[129];
	char		*s, *cause = NULL;
	const char	*chal, *authz;
	const EVP_MD	*md;
	uint32_t	 flow;
	int		 rc;

	drv_str(in, realm, sizeof realm);
	drv_str(in, nonce, sizeof nonce);
	drv_str(in, opaque, sizeof opaque);
	drv_str(in, algo, sizeof algo);
	drv_str(in, qop, sizeof qop);
	/* No server can send CR or LF inside a header. */
	fuzz_dg_strip(realm);
	fuzz_dg_strip(nonce);
	fuzz_dg_strip(opaque);
	fuzz_dg_strip(algo);
	fuzz_dg_strip(qop);

	drv_init(&dv, NULL, 0);
	memset(&dg, 0, sizeof dg);
	dbuf_init(&dg.req);
	dv.on_send = fuzz_dg_send;
	dv.arg = &dg;
	drv_param(&dv, "Profile_Rule", (flags & 1) ?
	    "http://10.0.0.5/a/p.xml?x=1" : "http://10.0.0.5/p.xml");
	drv_param(&dv, "Resync_Random_Delay", "0");
	if (phone_set(dv.p, "Profile_Account_Username", user, 0, &cause) != 0 ||
	    phone_set(dv.p, "Profile_Account_Password", pass, 0, &cause) != 0) {
		free(cause);
		goto out;
	}
	drv_boot(&dv);
	if (dv.nst == 0)
		goto out;
	flow = dv.st[dv.nst - 1].flow;
	dv.st[dv.nst - 1].connected = 1;
	drv_event(&dv, &(struct emu_event){ .type = EMU_EV_CONNECTED,
	    .flow = flow });

	/* The challenge. */
	dbuf_init(&b);
	dbuf_add_str(&b, "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Digest realm=");
	chal = NULL;
	fuzz_dg_quote(&b, realm);
	dbuf_add_str(&b, ", nonce=");
	fuzz_dg_quote(&b, nonce);
	if (flags & 2) {
		dbuf_add_str(&b, ", opaque=");
		fuzz_dg_quote(&b, opaque);
	}
	if (flags & 4) {
		dbuf_add_str(&b, ", algorithm=");
		fuzz_dg_quote(&b, algo);
	}
	if (flags & 8) {
		dbuf_add_str(&b, ", qop=");
		fuzz_dg_quote(&b, qop);
	}
	dbuf_add_str(&b, "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	dbuf_reset(&dg.req);
	drv_event(&dv, &(struct emu_event){ .type = EMU_EV_DATA, .flow = flow,
	    .data = b.data, .len = b.len });
	(void)drv_close(&dv, flow, 0);
	/* The retry, on a new stream. */
	if (dv.nst > 0 && dv.st[dv.nst - 1].flow != flow) {
		dv.st[dv.nst - 1].connected = 1;
		drv_event(&dv, &(struct emu_event){ .type = EMU_EV_CONNECTED,
		    .flow = dv.st[dv.nst - 1].flow });
	}
	if (dg.req.len == 0)
		goto done;
	http_msg_init(&m, 1, 1 << 20);
	rc = http_msg_feed(&m, dg.req.data, dg.req.len, &cause);
	if (rc != HTTP_DONE) {
		fprintf(stderr, "phone's request does not parse: %s\n",
		    cause != NULL ? cause : "incomplete");
		abort();
	}
	if ((authz = http_msg_header(&m, "Authorization")) == NULL)
		goto parsed;

	/* What the phone read from the challenge. */
	s = (char *)b.data;
	s[b.len - 1] = '\0';
	chal = strstr(s, "Digest ");
	*strstr(chal, "\r\n") = '\0';
	if (http_auth_param(chal, "realm", r_realm, sizeof r_realm) != 0 ||
	    http_auth_param(chal, "nonce", r_nonce, sizeof r_nonce) != 0) {
		fprintf(stderr, "credentials for an unreadable challenge\n");
		abort();
	}
	if (http_auth_param(chal, "opaque", r_opaque, sizeof r_opaque) != 0)
		r_opaque[0] = '\0';
	if (http_auth_param(chal, "algorithm", r_algo, sizeof r_algo) != 0)
		snprintf(r_algo, sizeof r_algo, "MD5");
	md = strcasecmp(r_algo, "SHA-256") == 0 ? EVP_sha256() : EVP_md5();

	/* What it answered must say the same. */
	if (http_auth_param(authz, "username", a_user, sizeof a_user) != 0 ||
	    strcmp(a_user, user) != 0 ||
	    http_auth_param(authz, "realm", a_realm, sizeof a_realm) != 0 ||
	    strcmp(a_realm, r_realm) != 0 ||
	    http_auth_param(authz, "nonce", a_nonce, sizeof a_nonce) != 0 ||
	    strcmp(a_nonce, r_nonce) != 0 ||
	    http_auth_param(authz, "uri", a_uri, sizeof a_uri) != 0 ||
	    strcmp(a_uri, m.target) != 0 ||
	    http_auth_param(authz, "response", a_resp, sizeof a_resp) != 0) {
		fprintf(stderr, "Authorization does not echo the challenge: "
		    "%s\n", authz);
		abort();
	}
	if (r_opaque[0] != '\0' && (http_auth_param(authz, "opaque", a_opaque,
	    sizeof a_opaque) != 0 || strcmp(a_opaque, r_opaque) != 0)) {
		fprintf(stderr, "opaque not echoed: %s\n", authz);
		abort();
	}
	xasprintf(&s, "%s:%s:%s", user, r_realm, pass);
	fuzz_dg_hex(md, s, ha1);
	free(s);
	xasprintf(&s, "%s:%s", m.method, a_uri);
	fuzz_dg_hex(md, s, ha2);
	free(s);
	if (http_auth_param(authz, "qop", a_qop, sizeof a_qop) == 0) {
		if (http_auth_param(authz, "nc", a_nc, sizeof a_nc) != 0 ||
		    http_auth_param(authz, "cnonce", a_cnonce,
		    sizeof a_cnonce) != 0)
			abort();
		xasprintf(&s, "%s:%s:%s:%s:%s:%s", ha1, r_nonce, a_nc,
		    a_cnonce, a_qop, ha2);
	} else
		xasprintf(&s, "%s:%s:%s", ha1, r_nonce, ha2);
	fuzz_dg_hex(md, s, want);
	free(s);
	if (strcmp(a_resp, want) != 0) {
		fprintf(stderr, "wrong response: %s\n", authz);
		abort();
	}
parsed:
	http_msg_clear(&m);
done:
	dbuf_clear(&b);
out:
	dbuf_clear(&dg.req);
	drv_fini(&dv);
}

/* The server: a fuzzed header, then the right answer to its challenge. */
static void
fuzz_dg_server(struct drv_in *in, const char *user, const char *pass)
{
	struct store		*st;
	struct ep_http		*h;
	struct ep_fault		 f;
	struct ep_out		 out;
	struct ep_conn		*c;
	struct dbuf		 req, resp;
	const uint8_t		*raw;
	const char		*realm = "phonefleet";
	char			 nonce[256], ha1[129], ha2[129], rh[129];
	char			*s, *e, *line;
	size_t			 len, i, ok;

	st = store_create();
	store_add_file(st, "/p.xml", (const uint8_t *)"<flat-profile/>", 15);
	h = ep_http_create(st);
	memset(&f, 0, sizeof f);
	f.kind = EP_FAULT_AUTH;
	f.user = (char *)user;
	f.pass = (char *)pass;
	f.count = -1;
	f.active = 1;
	ep_http_fault_add(h, &f);
	ep_out_init(&out);
	dbuf_init(&req);
	dbuf_init(&resp);

	/* 1: whatever Authorization the bytes say. */
	raw = drv_piece(in, HTTP_HEAD_MAX, &len);
	dbuf_add_str(&req, "GET /p.xml HTTP/1.1\r\nHost: 10.0.0.5\r\n"
	    "Authorization: ");
	for (i = 0; i < len; i++) {
		if (raw[i] != '\r' && raw[i] != '\n' && raw[i] != '\0')
			dbuf_add_u8(&req, raw[i]);
	}
	dbuf_add_str(&req, "\r\n\r\n");
	c = ep_http_accept(h, DRV_PHONE_IP, 40000, 0);
	ep_http_input(h, c, req.data, req.len, 0, &out);
	ep_http_eof(h, c, 0, &out);
	ep_http_conn_free(h, c);
	ep_out_reset(&out);

	/* 2: no credentials, for the challenge. */
	dbuf_reset(&req);
	dbuf_add_str(&req, "GET /p.xml HTTP/1.1\r\nHost: 10.0.0.5\r\n\r\n");
	c = ep_http_accept(h, DRV_PHONE_IP, 40001, 0);
	ep_http_input(h, c, req.data, req.len, 0, &out);
	for (i = 0; i < out.n; i++) {
		if (out.act[i].type == EP_ACT_DATA)
			dbuf_add(&resp, ep_act_data(&out, &out.act[i]),
			    out.act[i].len);
	}
	dbuf_add_u8(&resp, '\0');
	ep_http_conn_free(h, c);
	ep_out_reset(&out);
	s = strstr((char *)resp.data, "Digest ");
	if (s == NULL || (e = strstr(s, "\r\n")) == NULL)
		abort();	/* a 401 must offer Digest */
	*e = '\0';
	if (http_auth_param(s, "nonce", nonce, sizeof nonce) != 0)
		abort();

	/* 3: the right answer, escaped; user and password are any text. */
	if (fuzz_dg_ctl(user))
		goto out;
	xasprintf(&line, "%s:%s:%s", user, realm, pass);
	fuzz_dg_hex(EVP_md5(), line, ha1);
	free(line);
	fuzz_dg_hex(EVP_md5(), "GET:/p.xml", ha2);
	xasprintf(&line, "%s:%s:00000001:0a4f113b:auth:%s", ha1, nonce, ha2);
	fuzz_dg_hex(EVP_md5(), line, rh);
	free(line);
	dbuf_reset(&req);
	dbuf_add_str(&req, "GET /p.xml HTTP/1.1\r\nHost: 10.0.0.5\r\n"
	    "Authorization: Digest username=");
	fuzz_dg_quote(&req, user);
	dbuf_printf(&req, ", realm=\"%s\", nonce=\"%s\", uri=\"/p.xml\", "
	    "qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"%s\", "
	    "algorithm=MD5\r\n\r\n", realm, nonce, rh);
	ok = ep_http_stats(h)->status[2];
	c = ep_http_accept(h, DRV_PHONE_IP, 40002, 0);
	ep_http_input(h, c, req.data, req.len, 0, &out);
	ep_http_conn_free(h, c);
	if (ep_http_stats(h)->status[2] != ok + 1) {
		fprintf(stderr, "server refused a right Digest answer\n");
		abort();
	}
out:
	ep_out_free(&out);
	dbuf_clear(&req);
	dbuf_clear(&resp);
	ep_http_free(h);
	store_free(st);
}

static void
fuzz_dg_send(struct drv *dv, uint32_t flow, const uint8_t *data, size_t len)
{
	struct fuzz_dg	*dg = dv->arg;

	if (flow != dg->flow) {
		dbuf_reset(&dg->req);
		dg->flow = flow;
	}
	dbuf_add(&dg->req, data, len);
}

/* A quoted-string (RFC 9110 5.6.4): '"' and '\' escaped. */
static void
fuzz_dg_quote(struct dbuf *b, const char *s)
{
	dbuf_add_u8(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			dbuf_add_u8(b, '\\');
		dbuf_add_u8(b, (uint8_t)*s);
	}
	dbuf_add_u8(b, '"');
}

static void
fuzz_dg_strip(char *s)
{
	char	*d = s;

	for (; *s != '\0'; s++) {
		if (*s != '\r' && *s != '\n')
			*d++ = *s;
	}
	*d = '\0';
}

/* A control character cannot be in a quoted-string at all. */
static int
fuzz_dg_ctl(const char *s)
{
	for (; *s != '\0'; s++) {
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return (1);
	}
	return (0);
}

static void
fuzz_dg_hex(const EVP_MD *md, const char *in, char *hex)
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	n = 0, i;

	EVP_Digest(in, strlen(in), d, &n, md, NULL);
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	hex[2 * n] = '\0';
}

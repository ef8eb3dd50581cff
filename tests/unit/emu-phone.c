/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * One phone driven directly, without the sim runtime (STYLE.md 3, 9): the
 * test is the DHCP, HTTP and TFTP server.  It powers the phone on, reads
 * its outbox, answers with packets it builds with the proto/ codecs and
 * jumps straight to the next deadline.  Each test names the behaviour of
 * spec section 19 it covers.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#define ZLIB_CONST
#include <openssl/evp.h>
#include <zlib.h>

#include "emu/emu.h"

#include "phone-harness.h"

/* The usual exchange: GET at SRV_IP:80 answered with a good profile. */
static void
serve_ok(struct h *h)
{
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);
}

static void
assert_basic(struct h *h, const char *hdr, const char *userpass)
{
	const char	*v = req_header(h, hdr);
	char		*b64, *want;

	assert_non_null(v);
	b64 = http_base64(userpass, strlen(userpass));
	assert_true(asprintf(&want, "Basic %s", b64) > 0);
	assert_string_equal(v, want);
	free(want);
	free(b64);
}

/* TFTP server. */

static void
expect_rrq(struct h *h, const char *ip, uint16_t port, const char *file)
{
	const struct emu_action	*a = take(h, K_UDP);
	struct tftp_pkt		 t;
	char			*cause = NULL;

	assert_non_null(a);
	assert_string_equal(ipstr(a->u.dgram.dst_ip), ip);
	assert_int_equal(a->u.dgram.dst_port, port);
	if (tftp_parse(&t, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("phone sent a bad TFTP packet: %s", cause);
	assert_int_equal(t.op, TFTP_RRQ);
	assert_string_equal(t.file, file);
	assert_string_equal(t.mode, "octet");
	h->tftp_srv = a->u.dgram.dst_ip;
	h->tftp_lport = a->u.dgram.src_port;
	h->tftp_flow = a->u.dgram.flow;
}

static void
tftp_send(struct h *h, const struct tftp_pkt *t)
{
	struct dbuf	b;

	dbuf_init(&b);
	tftp_write(t, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .src_ip = h->tftp_srv, .src_port = TFTP_TID,
	    .flow = h->tftp_flow, .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

static void
tftp_data(struct h *h, uint16_t block, const void *data, size_t len)
{
	struct tftp_pkt	t;

	tftp_init(&t);
	t.op = TFTP_DATA;
	t.block = block;
	t.data = data;
	t.len = len;
	tftp_send(h, &t);
}

static void
serve_tftp(struct h *h, const void *body, size_t len)
{
	const struct emu_action	*a;
	struct tftp_pkt		 ack;
	size_t			 off = 0, n;
	uint16_t		 block = 0;
	char			*cause = NULL;

	do {
		n = len - off < TFTP_BLKSIZE ? len - off : TFTP_BLKSIZE;
		tftp_data(h, ++block, (const uint8_t *)body + off, n);
		off += n;
		a = take(h, K_UDP);
		assert_non_null(a);
		assert_int_equal(a->u.dgram.dst_port, TFTP_TID);
		assert_int_equal(a->u.dgram.src_port, h->tftp_lport);
		assert_int_equal(a->u.dgram.flow, h->tftp_flow);
		assert_int_equal(tftp_parse(&ack, emu_act_data(&h->out, a),
		    a->len, &cause), 0);
		assert_int_equal(ack.op, TFTP_ACK);
		assert_int_equal(ack.block, block);
	} while (n == TFTP_BLKSIZE);
}

static void
tftp_error(struct h *h, uint16_t code, const char *msg)
{
	struct tftp_pkt	t;

	tftp_init(&t);
	t.op = TFTP_ERROR;
	t.code = code;
	snprintf(t.msg, sizeof t.msg, "%s", msg);
	tftp_send(h, &t);
}

/* Outcomes. */

static void
assert_outcome(struct h *h, enum emu_class cls, enum emu_err err)
{
	assert_int_equal(stats(h)->last_class, cls);
	assert_int_equal(stats(h)->last_err, err);
	assert_string_equal(phone_last_errmsg(h->p), emu_err_name(err));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
}

/* Seconds from now to the armed resync timer. */
static emu_time
next_resync_s(struct h *h)
{
	emu_time	t = stats(h)->next_resync_at;

	assert_true(t != EMU_TIME_NEVER);
	assert_true(t >= h->now);
	return ((t - h->now) / 1000000);
}

/* Bodies: gzip (11.1) and openssl enc -aes-256-cbc -k (11.2). */

static void
gzip_body(const void *in, size_t len, struct dbuf *out)
{
	z_stream	z;
	uint8_t		buf[8192];

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = in;
	z.avail_in = len;
	z.next_out = buf;
	z.avail_out = sizeof buf;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	dbuf_add(out, buf, sizeof buf - z.avail_out);
	deflateEnd(&z);
}

static void
encrypt_body(const char *key, const void *in, size_t len, struct dbuf *out)
{
	static const unsigned char	 salt[8] = { 0x5a, 0x17, 0x03, 0xc4,
					     0x9e, 0x21, 0x70, 0x0b };
	unsigned char			 k[32], iv[16], *ct;
	EVP_CIPHER_CTX			*c;
	int				 n = 0, m = 0;

	assert_int_equal(EVP_BytesToKey(EVP_aes_256_cbc(), EVP_sha256(), salt,
	    (const unsigned char *)key, strlen(key), 1, k, iv), 32);
	ct = malloc(len + 16);
	assert_non_null(ct);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv),
	    1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &n, in, len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n, &m), 1);
	EVP_CIPHER_CTX_free(c);
	dbuf_add(out, "Salted__", 8);
	dbuf_add(out, salt, sizeof salt);
	dbuf_add(out, ct, n + m);
	free(ct);
}

/* openssl enc with the MD5 derivation (OpenSSL 1.0.x) and a given salt. */
static void
encrypt_body_md5(const char *key, const char *salt, const void *in,
    size_t len, struct dbuf *out)
{
	unsigned char	 k[32], iv[16], *ct;
	EVP_CIPHER_CTX	*c;
	int		 n = 0, m = 0;

	assert_int_equal(EVP_BytesToKey(EVP_aes_256_cbc(), EVP_md5(),
	    (const unsigned char *)salt, (const unsigned char *)key,
	    strlen(key), 1, k, iv), 32);
	ct = malloc(len + 16);
	assert_non_null(ct);
	assert_non_null(c = EVP_CIPHER_CTX_new());
	assert_int_equal(EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), NULL, k, iv),
	    1);
	assert_int_equal(EVP_EncryptUpdate(c, ct, &n, in, len), 1);
	assert_int_equal(EVP_EncryptFinal_ex(c, ct + n, &m), 1);
	EVP_CIPHER_CTX_free(c);
	dbuf_add(out, "Salted__", 8);
	dbuf_add(out, salt, 8);
	dbuf_add(out, ct, n + m);
	free(ct);
}

/* 4.2 DHCP and discovery. */

/* B1: option 66 = 10.0.0.5 alone -> tftp://10.0.0.5:69/8851-3PCC.xml. */
static void
test_b1_option66_tftp(void **state)
{
	struct h	*h = *state;
	const char	*body = PROFILE("<GPP_A>from-tftp</GPP_A>");

	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	assert_null(take(h, K_OPEN));
	serve_tftp(h, body, strlen(body));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "from-tftp");
	assert_string_equal(phone_last_url(h->p),
	    "tftp://10.0.0.5:69/8851-3PCC.xml");
}

/* B2: DISCOVER carries option 60 = the bare product name. */
static void
test_b2_discover_option60(void **state)
{
	struct h	*h = *state;
	struct dhcp_msg	 m;
	char		 vci[64];

	h_simple(h, EMU_EV_POWER_ON);
	dhcp_take(h, &m, DHCPDISCOVER);
	assert_int_equal(dhcp_opt_get_str(&m, DHCP_OPT_VCI, vci, sizeof vci),
	    0);
	assert_string_equal(vci, "CP-8851-3PCC");
}

/* B3: 66 and 160 with the default DHCP_Option_To_Use: 66 is used. */
static void
test_b3_option66_before_160(void **state)
{
	struct h	*h = *state;

	boot_with_options(h, OPTS({ 160, "http://10.0.0.7/p/$MA.xml" },
	    { 66, SRV_IP }));
	h_timer(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	assert_null(take(h, K_OPEN));
}

/* B4: DHCP_Option_To_Use = 160,66: the option-160 URL is fetched. */
static void
test_b4_option_to_use_160(void **state)
{
	struct h	*h = *state;

	set(h, "DHCP_Option_To_Use", "160,66");
	boot_with_options(h, OPTS({ 66, SRV_IP },
	    { 160, "http://10.0.0.7/p/$MA.xml" }));
	h_timer(h);
	expect_http(h, "10.0.0.7", 80);
	assert_string_equal(h->req.target, "/p/" MA ".xml");
	assert_null(take(h, K_UDP));
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B5: a DHCP source at first boot: Open -> Aborted, no EDOS request. */
static void
test_b5_dhcp_source_aborts_customization(void **state)
{
	struct h	*h = *state;

	assert_int_equal(phone_customization(h->p), CUST_OPEN);
	boot(h);
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
	/* the RRQ to the DHCP server is all it sends: no DNS, no HTTPS */
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	assert_null(take(h, K_UDP));
	assert_null(take(h, K_OPEN));
}

/* 4.2.2-4.2.4: option 150 (first address) and option 159 (host or URL). */
static void
test_b3_options_150_159(void **state)
{
	struct h	*h = *state;

	boot_with_options(h, OPTS({ 150, "10.0.0.8,10.0.0.9" }));
	h_timer(h);
	expect_rrq(h, "10.0.0.8", TFTP_PORT, "/8851-3PCC.xml");

	h_fini(h);
	h_init(h, 1);
	boot_with_options(h, OPTS({ 159, "10.0.0.7" }, { 150, "10.0.0.8" }));
	h_timer(h);
	expect_rrq(h, "10.0.0.7", TFTP_PORT, "/8851-3PCC.xml");

	h_fini(h);
	h_init(h, 1);
	boot_with_options(h, OPTS({ 159, "http://10.0.0.7/$PSN/$MA.xml" }));
	h_timer(h);
	expect_http(h, "10.0.0.7", 80);
	assert_string_equal(h->req.target, "/8851-3PCC/" MA ".xml");
}

/* T4: DISCOVER again after 4, 8, 16, 32, 64 s, then every 64 s. */
static void
test_t4_discover_backoff(void **state)
{
	struct h		*h = *state;
	static const unsigned	 gap[] = { 4, 8, 16, 32, 64, 64, 64 };
	struct dhcp_msg		 m;
	emu_time		 last;
	size_t			 i;

	h_simple(h, EMU_EV_POWER_ON);
	dhcp_take(h, &m, DHCPDISCOVER);
	last = h->now;
	for (i = 0; i < nitems(gap); i++) {
		h_timer(h);
		dhcp_take(h, &m, DHCPDISCOVER);
		assert_int_equal((h->now - last) / 1000000, gap[i]);
		assert_null(take(h, K_DHCP));
		last = h->now;
	}
	assert_int_equal(phone_state(h->p), PROV_NETWORK);
	/* a late server is still heard */
	dhcp_answer(h, OPTS({ 66, SRV_IP }));
}

/* RFC 2131 3.1: a NAK to the REQUEST restarts with a new DISCOVER. */
static void
test_dhcp_nak_restarts_discover(void **state)
{
	struct h	*h = *state;
	struct dhcp_msg	 m;
	uint32_t	 xid;

	h_simple(h, EMU_EV_POWER_ON);
	dhcp_take(h, &m, DHCPDISCOVER);
	dhcp_reply(h, DHCPOFFER, OPTS({ 66, SRV_IP }));
	dhcp_take(h, &m, DHCPREQUEST);
	xid = h->xid;
	dhcp_reply(h, DHCPNAK, NULL);
	assert_int_equal(phone_ip(h->p), 0);
	dhcp_take(h, &m, DHCPDISCOVER);
	assert_int_not_equal(m.xid, xid);
	dhcp_answer(h, OPTS({ 66, SRV_IP }));
	assert_int_equal(stats(h)->dhcp_acks, 1);
}

/* 5 Profile rules. */

/* B26: a host-less rule and no DHCP provisioning server: C, "no server". */
static void
test_b26_no_server(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule", "/cfg/$MA.xml");
	boot_with_options(h, OPTS({ 6, "10.0.0.53" }));
	h_timer(h);
	assert_null(take(h, K_UDP));
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_NOSERVER);
	assert_string_equal(phone_last_errmsg(h->p), "no server");
	assert_int_equal(stats(h)->fetches, 0);
}

/* B27: 192.168.1.130/profiles/init.cfg is TFTP to that host, port 69. */
static void
test_b27_rule_without_scheme(void **state)
{
	struct h	*h = *state;

	start(h, "192.168.1.130/profiles/init.cfg");
	expect_rrq(h, "192.168.1.130", TFTP_PORT, "/profiles/init.cfg");
}

/* B28: tftp://h:6900/p uses port 6900 (from ports 53240-53245, 10);
 * http://h/p uses 80. */
static void
test_b28_ports(void **state)
{
	struct h	*h = *state;

	start(h, "tftp://10.0.0.9:6900/p");
	expect_rrq(h, "10.0.0.9", 6900, "/p");
	assert_true(h->tftp_lport >= 53240 && h->tftp_lport <= 53245);

	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.9/p");
	expect_http(h, "10.0.0.9", 80);
	assert_string_equal(req_header(h, "Host"), "10.0.0.9");

	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.9:8080/p");
	expect_http(h, "10.0.0.9", 8080);
	assert_string_equal(req_header(h, "Host"), "10.0.0.9:8080");
}

/* B29: a rule starting with # fetches nothing; the next rule runs. */
static void
test_b29_comment_rule_skipped(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule_B", "http://10.0.0.5/b.xml");
	start(h, "# http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/b.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_null(take(h, K_OPEN));
	assert_null(take(h, K_UDP));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->fetches, 1);
}

/* B36: the assignment runs before the fetch. */
static void
test_b36_assignment_before_fetch(void **state)
{
	struct h	*h = *state;

	set(h, "GPP_B", "42");
	set(h, "GPP_C", "old");
	start(h, "( User_ID_1_ = \"uid$B\" ; c = \"\" ; d = \"$MA\" ; )! "
	    "http://10.0.0.5/p.xml");
	/* the stream is not even connected yet */
	assert_string_equal(get(h, "User_ID_1_"), "uid42");
	assert_string_equal(get(h, "GPP_C"), "");
	assert_string_equal(get(h, "GPP_D"), MA);
	serve_ok(h);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B37: [--post f] sends POST with the expanded GPP_F and the User-Agent. */
static void
test_b37_post_body(void **state)
{
	struct h	*h = *state;
	const char	*want = "Product = \"CP-8851-3PCC\"; MAC_Addr = \"" MA
			    "\"; Ser_Num = \"FCH2301ABCD\"; "
			    "SW_Ver = \"sip88xx.12-0-7MPP0301-92\";";

	set(h, "GPP_F", "Product = \"$PN\"; MAC_Addr = \"$MA\"; "
	    "Ser_Num = \"$SN\"; SW_Ver = \"$SWVER\";");
	start(h, "[--post f] http://10.0.0.5/lost-reg?");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.method, "POST");
	assert_string_equal(h->req.target, "/lost-reg?");
	assert_int_equal(h->req.body.len, strlen(want));
	assert_memory_equal(h->req.body.data, want, strlen(want));
	assert_string_equal(req_header(h, "User-Agent"), UA);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B38: --uid $SA --pwd $SB answer a 401 with GPP_SA/GPP_SB; $SA in the
 * URL stays literal. */
static void
test_b38_secret_credentials(void **state)
{
	struct h	*h = *state;

	set(h, "GPP_SA", "MyUserID");
	set(h, "GPP_SB", "MySecretPassword");
	start(h, "[--uid $SA --pwd $SB] http://10.0.0.5/cfg$SA.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/cfg$SA.xml");
	assert_null(req_header(h, "Authorization"));
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	expect_http(h, SRV_IP, 80);
	assert_basic(h, "Authorization", "MyUserID:MySecretPassword");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->requests, 2);
}

/* B43: four rules fetched in order; a later file overrides. */
static void
test_b43_four_rules_in_order(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule_B", "http://10.0.0.5/b.xml");
	set(h, "Profile_Rule_C", "http://10.0.0.5/c.xml");
	set(h, "Profile_Rule_D", "http://10.0.0.5/d.xml");
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/a.xml");
	serve_http(h, 200, NULL,
	    PROFILE("<GPP_A>a</GPP_A><GPP_B>from-a</GPP_B>"));
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/b.xml");
	serve_http(h, 200, NULL, PROFILE("<GPP_A>b</GPP_A>"));
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/c.xml");
	serve_http(h, 200, NULL, PROFILE("<GPP_A>c</GPP_A>"));
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/d.xml");
	serve_http(h, 200, NULL, PROFILE("<GPP_A>d</GPP_A>"));
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "d");
	assert_string_equal(get(h, "GPP_B"), "from-a");
	assert_int_equal(stats(h)->fetches, 4);
	assert_int_equal(stats(h)->resyncs, 1);
}

/* B44: an empty Profile_Rule does not stop Profile_Rule_B. */
static void
test_b44_empty_rule_then_b(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule_B", "http://10.0.0.5/b.xml");
	start(h, "");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/b.xml");
	serve_http(h, 200, NULL, PROFILE("<GPP_A>b</GPP_A>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "b");
}

/* B45: rule B fails: C and D are not fetched, A's values stay. */
static void
test_b45_failure_stops_later_rules(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule_B", "http://10.0.0.5/b.xml");
	set(h, "Profile_Rule_C", "http://10.0.0.5/c.xml");
	set(h, "Profile_Rule_D", "http://10.0.0.5/d.xml");
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE("<GPP_A>from-a</GPP_A>"));
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/b.xml");
	serve_http(h, 404, NULL, NULL);
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_B, EMU_E_FNF);
	assert_string_equal(get(h, "GPP_A"), "from-a");
	assert_int_equal(stats(h)->fetches, 2);
}

/* 9 HTTP. */

/* B46: 301 and 302 re-request at Location at once; 303 and 307 are C. */
static void
test_b46_redirects(void **state)
{
	struct h	*h = *state;
	static const int codes[] = { 303, 307 };
	size_t		 i;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 301, HDRS("Location: http://10.0.0.6:8080/moved.xml"),
	    NULL);
	expect_http(h, "10.0.0.6", 8080);
	assert_string_equal(h->req.target, "/moved.xml");
	assert_string_equal(req_header(h, "Host"), "10.0.0.6:8080");
	serve_http(h, 302, HDRS("Location: /again.xml"), NULL);
	expect_http(h, "10.0.0.6", 8080);
	assert_string_equal(h->req.target, "/again.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->requests, 3);
	assert_int_equal(stats(h)->fetches, 1);
	/* 9.3: the rule itself is not rewritten */
	assert_string_equal(get(h, "Profile_Rule"), "http://10.0.0.5/p.xml");

	for (i = 0; i < nitems(codes); i++) {
		h_fini(h);
		h_init(h, 1);
		start(h, "http://10.0.0.5/p.xml");
		expect_http(h, SRV_IP, 80);
		serve_http(h, codes[i],
		    HDRS("Location: http://10.0.0.6/moved.xml"), NULL);
		assert_null(take(h, K_OPEN));
		assert_int_equal(stats(h)->last_class, EMU_CLASS_C);
		assert_int_equal(stats(h)->last_status, codes[i]);
	}
}

/* 9.3: POST stays POST across a redirect; five redirects at most. */
static void
test_b46_redirect_keeps_post_and_limit(void **state)
{
	struct h	*h = *state;
	int		 i;

	set(h, "GPP_A", "mac=$MA");
	start(h, "[--post a] http://10.0.0.5/reg");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 302, HDRS("Location: http://10.0.0.6/reg2"), NULL);
	expect_http(h, "10.0.0.6", 80);
	assert_string_equal(h->req.method, "POST");
	assert_string_equal((const char *)h->req.body.data, "mac=" MA);
	for (i = 0; i < 5; i++) {
		serve_http(h, 301, HDRS("Location: /loop"), NULL);
		if (i < 4)
			expect_http(h, "10.0.0.6", 80);
	}
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_REDIRECT);
	assert_int_equal(stats(h)->requests, 6);
}

/* B47: 401 -> two retries with credentials (three requests), then C. */
static void
test_b47_401_retried_twice(void **state)
{
	struct h	*h = *state;
	int		 i, via_rule;

	for (via_rule = 0; via_rule < 2; via_rule++) {
		h_fini(h);
		h_init(h, 1);
		if (via_rule)
			start(h, "[--uid ruser --pwd rpass] "
			    "http://10.0.0.5/p.xml");
		else {
			set(h, "Profile_Account_Username", "acct");
			set(h, "Profile_Account_Password", "secret");
			start(h, "http://10.0.0.5/p.xml");
		}
		expect_http(h, SRV_IP, 80);
		assert_null(req_header(h, "Authorization"));
		serve_http(h, 401, BASIC_CHALLENGE, NULL);
		for (i = 0; i < 2; i++) {
			expect_http(h, SRV_IP, 80);
			assert_basic(h, "Authorization",
			    via_rule ? "ruser:rpass" : "acct:secret");
			serve_http(h, 401, BASIC_CHALLENGE, NULL);
		}
		assert_null(take(h, K_OPEN));
		assert_outcome(h, EMU_CLASS_C, EMU_E_AUTH);
		assert_int_equal(stats(h)->requests, 3);
	}
}

/* 9.4: no credentials anywhere -> C after the first 401. */
static void
test_b47_401_without_credentials(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_AUTH);
	assert_int_equal(stats(h)->requests, 1);

	/* Profile_Authentication_Type=Disabled: the account is not used */
	h_fini(h);
	h_init(h, 1);
	set(h, "Profile_Authentication_Type", "Disabled");
	set(h, "Profile_Account_Username", "acct");
	set(h, "Profile_Account_Password", "secret");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_AUTH);
}

/* B48: 407 is answered with Proxy_Username/Proxy_Password. */
static void
test_b48_407_proxy_credentials(void **state)
{
	struct h	*h = *state;
	int		 i;

	set(h, "Proxy_Username", "pu");
	set(h, "Proxy_Password", "pp");
	set(h, "Profile_Account_Username", "acct");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 407, HDRS("Proxy-Authenticate: Basic realm=\"proxy\""),
	    NULL);
	expect_http(h, SRV_IP, 80);
	assert_basic(h, "Proxy-Authorization", "pu:pp");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);

	/* and, like 401, two retries then C */
	h_resync(h, NULL);
	for (i = 0; i < 3; i++) {
		expect_http(h, SRV_IP, 80);
		serve_http(h, 407,
		    HDRS("Proxy-Authenticate: Basic realm=\"proxy\""), NULL);
	}
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_AUTH);
	assert_int_equal(stats(h)->requests, 2 + 3);
}

/* B49: 404 is B; with Resync_Fails_On_FNF=No it is a success with nothing
 * applied and the periodic timer armed. */
static void
test_b49_404(void **state)
{
	struct h	*h = *state;

	set(h, "GPP_A", "kept");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, PROFILE("<GPP_A>no</GPP_A>"));
	assert_outcome(h, EMU_CLASS_B, EMU_E_FNF);
	assert_int_equal(next_resync_s(h), 60);	/* the error retry */

	h_fini(h);
	h_init(h, 1);
	set(h, "GPP_A", "kept");
	set(h, "Resync_Fails_On_FNF", "No");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, PROFILE("<GPP_A>no</GPP_A>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "kept");
	assert_int_equal(next_resync_s(h), 3600);
}

/* B50: 400, 403, 418, 500-504 and 599 are class C. */
static void
test_b50_class_c_statuses(void **state)
{
	struct h	*h = *state;
	static const int codes[] = {
		400, 403, 418, 500, 501, 502, 503, 504, 599
	};
	size_t		 i;

	for (i = 0; i < nitems(codes); i++) {
		h_fini(h);
		h_init(h, 1);
		start(h, "http://10.0.0.5/p.xml");
		expect_http(h, SRV_IP, 80);
		serve_http(h, codes[i], NULL, PROFILE_OK);
		assert_int_equal(stats(h)->last_class, EMU_CLASS_C);
		assert_int_equal(stats(h)->last_status, codes[i]);
		assert_int_equal(stats(h)->requests, 1);
		assert_string_equal(get(h, "GPP_P"), "");
	}
}

/* 9.2 additions: 204 or an empty 200 is B; another 2xx is a 200. */
static void
test_b50_empty_2xx(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 204, NULL, NULL);
	assert_outcome(h, EMU_CLASS_B, EMU_E_CORRUPT);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, "");
	assert_outcome(h, EMU_CLASS_B, EMU_E_CORRUPT);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 203, NULL, PROFILE("<GPP_A>203</GPP_A>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "203");
}

/* B51: HTTP/1.0 without Content-Length is read to close and applied. */
static void
test_b51_http10_read_to_close(void **state)
{
	struct h	*h = *state;
	const char	*body = PROFILE("<GPP_A>http10</GPP_A>");
	struct dbuf	 b;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	dbuf_init(&b);
	http_response_write(&b, 0, 200, NULL, NULL, body, strlen(body), -1);
	assert_null(strstr((const char *)b.data, "Content-Length"));
	serve_raw(h, b.data, b.len, 5);
	dbuf_clear(&b);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "http10");
}

/* A chunked response in chunks of step bytes. */
static void
chunked_response(int minor, const char *body, size_t step, struct dbuf *b)
{
	size_t	off, n, len = strlen(body);

	dbuf_printf(b, "HTTP/1.%d 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
	    minor);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		dbuf_printf(b, "%zx;ext=1\r\n", n);
		dbuf_add(b, body + off, n);
		dbuf_add_str(b, "\r\n");
	}
	dbuf_add_str(b, "0\r\n\r\n");
}

/* B52: HTTP/1.1 chunked is decoded (fed byte by byte); chunked in an
 * HTTP/1.0 response is B. */
static void
test_b52_chunked(void **state)
{
	struct h	*h = *state;
	const char	*body = PROFILE("<GPP_A>chunked</GPP_A>");
	struct dbuf	 b;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	dbuf_init(&b);
	chunked_response(1, body, 7, &b);
	serve_raw(h, b.data, b.len, 1);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "chunked");

	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	dbuf_reset(&b);
	chunked_response(0, body, 7, &b);
	serve_raw(h, b.data, b.len, b.len);
	dbuf_clear(&b);
	assert_outcome(h, EMU_CLASS_B, EMU_E_CORRUPT);
	assert_string_equal(get(h, "GPP_A"), "");
}

/* B67: a body with Content-Encoding: aes128gcm and no IKM is class B, even
 * with a --key in the rule; nothing of it is applied. */
static void
test_b67_aes128gcm_without_ikm(void **state)
{
	struct h		*h = *state;
	const char *const	 hdrs[] = { "Content-Encoding: aes128gcm",
				    NULL };

	start(h, "[--key secret] http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, hdrs, PROFILE("<GPP_A>clear</GPP_A>"));
	assert_outcome(h, EMU_CLASS_B, EMU_E_DECRYPT);
	assert_string_equal(get(h, "GPP_A"), "");
}

/* B53: the built-in User-Agent, and HTTP_User_Agent_Name macro-expanded. */
static void
test_b53_user_agent(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(req_header(h, "User-Agent"), UA);
	assert_string_equal(h->req.method, "GET");
	assert_null(req_header(h, "Accept-Encoding"));

	h_fini(h);
	h_init(h, 1);
	set(h, "HTTP_User_Agent_Name", "Acme-Prov/2.1 ($MA)");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(req_header(h, "User-Agent"),
	    "Acme-Prov/2.1 (" MA ")");

	/* A template that writes the factory value, or nothing, keeps it. */
	h_fini(h);
	h_init(h, 1);
	set(h, "HTTP_User_Agent_Name", "$VERSION ($MA)");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(req_header(h, "User-Agent"), UA);
	h_fini(h);
	h_init(h, 1);
	set(h, "HTTP_User_Agent_Name", "");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(req_header(h, "User-Agent"), UA);
}

/* B58: the rule's credentials win over the profile account. */
static void
test_b58_rule_credentials_win(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Account_Username", "acct");
	set(h, "Profile_Account_Password", "secret");
	start(h, "[--uid ruser --pwd rpass] http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	expect_http(h, SRV_IP, 80);
	assert_basic(h, "Authorization", "ruser:rpass");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* 10 TFTP. */

/* B60: ERROR 1 is B, ERROR 2 is C, silence is C after retransmissions. */
static void
test_b60_tftp_errors(void **state)
{
	struct h		*h = *state;
	static const unsigned	 gap[] = { 2, 4, 8, 8, 8 };
	const struct emu_action	*a;
	struct tftp_pkt		 t;
	emu_time		 sent[8];
	size_t			 n = 0, i;
	char			*cause = NULL, blk[TFTP_BLKSIZE];

	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	tftp_error(h, TFTP_ENOTFOUND, "File not found");
	assert_outcome(h, EMU_CLASS_B, EMU_E_FNF);

	h_fini(h);
	h_init(h, 1);
	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	tftp_error(h, TFTP_EACCESS, "Access violation");
	assert_outcome(h, EMU_CLASS_C, EMU_E_TFTP);

	/* 8.6: an error after the first block is a truncated transfer */
	h_fini(h);
	h_init(h, 1);
	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	memset(blk, ' ', sizeof blk);
	tftp_data(h, 1, blk, sizeof blk);
	tftp_error(h, TFTP_ENOTFOUND, "gone");
	assert_int_equal(stats(h)->last_class, EMU_CLASS_C);

	h_fini(h);
	h_init(h, 1);
	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	sent[n++] = h->now;
	while (stats(h)->resyncs == 0) {
		assert_true(n < nitems(sent));
		h_timer(h);
		while ((a = take(h, K_UDP)) != NULL) {
			assert_string_equal(ipstr(a->u.dgram.dst_ip), SRV_IP);
			assert_int_equal(a->u.dgram.dst_port, TFTP_PORT);
			assert_int_equal(a->u.dgram.flow, h->tftp_flow);
			assert_int_equal(tftp_parse(&t, emu_act_data(&h->out,
			    a), a->len, &cause), 0);
			assert_int_equal(t.op, TFTP_RRQ);
			sent[n++] = h->now;
		}
	}
	/* 10 ASSUMPTION: after 2, 4, 8 s (then 8); 5 timeouts in a row */
	assert_int_equal(n, 5);
	for (i = 1; i < n; i++)
		assert_int_equal((sent[i] - sent[i - 1]) / 1000000, gap[i - 1]);
	assert_int_equal((h->now - sent[n - 1]) / 1000000, gap[n - 1]);
	assert_outcome(h, EMU_CLASS_C, EMU_E_TIMEOUT);
}

/* A TFTP transfer of several blocks, the last one exactly full. */
static void
test_b1_tftp_multiblock(void **state)
{
	struct h	*h = *state;
	struct dbuf	 b;

	dbuf_init(&b);
	dbuf_add_str(&b, "<flat-profile><GPP_A>big</GPP_A><!-- ");
	while (b.len < 3 * TFTP_BLKSIZE - 4)
		dbuf_add_str(&b, "x");
	dbuf_add_str(&b, " -->");
	while (b.len < 4 * TFTP_BLKSIZE - 15)
		dbuf_add_str(&b, " ");
	dbuf_add_str(&b, "</flat-profile>");
	assert_int_equal(b.len, 4 * TFTP_BLKSIZE);
	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	serve_tftp(h, b.data, b.len);
	dbuf_clear(&b);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "big");
}

/* 11 Compression and encryption. */

/* B62: a gzip body, whatever the file name, is inflated and applied. */
static void
test_b62_gzip(void **state)
{
	struct h	*h = *state;
	const char	*xml = PROFILE("<GPP_A>gzipped</GPP_A>");
	struct dbuf	 gz;

	dbuf_init(&gz);
	gzip_body(xml, strlen(xml), &gz);
	start(h, "http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, HDRS("Content-Type: application/octet-stream"),
	    gz.data, gz.len);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "gzipped");

	/* over TFTP as well */
	h_fini(h);
	h_init(h, 1);
	start(h, "/p.bin");
	expect_rrq(h, SRV_IP, TFTP_PORT, "/p.bin");
	serve_tftp(h, gz.data, gz.len);
	dbuf_clear(&gz);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "gzipped");
}

/* B63: openssl enc -aes-256-cbc -k K (salted, SHA-256) with [--key K]. */
static void
test_b63_aes_cbc_right_key(void **state)
{
	struct h	*h = *state;
	const char	*xml = PROFILE("<GPP_A>secret</GPP_A>");
	struct dbuf	 enc;

	dbuf_init(&enc);
	encrypt_body("SecretPhrase1234", xml, strlen(xml), &enc);
	start(h, "[--key \"SecretPhrase1234\"] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, NULL, enc.data, enc.len);
	dbuf_clear(&enc);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "secret");
}

/* B64: the same file with a wrong key is B, "decrypt failed". */
static void
test_b64_aes_cbc_wrong_key(void **state)
{
	struct h	*h = *state;
	const char	*xml = PROFILE("<GPP_A>secret</GPP_A>");
	struct dbuf	 enc;

	dbuf_init(&enc);
	encrypt_body("SecretPhrase1234", xml, strlen(xml), &enc);
	start(h, "[--key WrongPhrase] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, NULL, enc.data, enc.len);
	assert_outcome(h, EMU_CLASS_B, EMU_E_DECRYPT);
	assert_string_equal(phone_last_errmsg(h->p), "decrypt failed");
	assert_string_equal(get(h, "GPP_A"), "");

	/* 8.6: and without any --key it is corrupt */
	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, NULL, enc.data, enc.len);
	dbuf_clear(&enc);
	assert_int_equal(stats(h)->last_class, EMU_CLASS_B);
	assert_string_equal(get(h, "GPP_A"), "");
}

/* B65: compressed then encrypted: decrypted, then inflated. */
static void
test_b65_gzip_then_aes(void **state)
{
	struct h	*h = *state;
	const char	*xml = PROFILE("<GPP_A>both</GPP_A>");
	struct dbuf	 gz, enc;

	dbuf_init(&gz);
	dbuf_init(&enc);
	gzip_body(xml, strlen(xml), &gz);
	encrypt_body("k3y", gz.data, gz.len, &enc);
	set(h, "GPP_SA", "k3y");
	start(h, "[--key $SA] tftp://10.0.0.5/p.cfg.gz");
	expect_rrq(h, SRV_IP, TFTP_PORT, "/p.cfg.gz");
	serve_tftp(h, enc.data, enc.len);
	dbuf_clear(&gz);
	dbuf_clear(&enc);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "both");
}

/* B68: malformed XML is B and changes nothing from that file. */
static void
test_b68_malformed_xml(void **state)
{
	struct h	*h = *state;

	set(h, "GPP_A", "old-a");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    "<flat-profile><GPP_A>new-a</GPP_A><GPP_B>new-b</flat-profile>");
	assert_outcome(h, EMU_CLASS_B, EMU_E_CORRUPT);
	assert_string_equal(get(h, "GPP_A"), "old-a");
	assert_string_equal(get(h, "GPP_B"), "");
}

/* 3.5 Timers and schedules. */

/* B76: Resync_Periodic=600,1200,300 -> 600, 1200, then 300 repeatedly. */
static void
test_b76_periodic_schedule(void **state)
{
	struct h		*h = *state;
	static const unsigned	 want[] = { 600, 1200, 300, 300, 300 };
	size_t			 i;

	set(h, "Resync_Periodic", "600,1200,300");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(next_resync_s(h), want[i]);
		h_timer(h);
		serve_ok(h);
		assert_outcome(h, EMU_CLASS_A, EMU_OK);
	}
	assert_int_equal(stats(h)->resync_ok, 1 + nitems(want));
}

/* B77: Resync_Error_Retry_Delay=1800+300,3600+600 -> [1800,2100], then
 * [3600,4200] forever. */
static void
test_b77_retry_schedule(void **state)
{
	struct h	*h = *state;
	emu_time	 d;
	int		 i;

	set(h, "Resync_Error_Retry_Delay", "1800+300,3600+600");
	start(h, "http://10.0.0.5/p.xml");
	for (i = 0; i < 5; i++) {
		expect_http(h, SRV_IP, 80);
		serve_http(h, 404, NULL, NULL);
		assert_outcome(h, EMU_CLASS_B, EMU_E_FNF);
		d = next_resync_s(h);
		if (i == 0)
			assert_true(d >= 1800 && d <= 2100);
		else
			assert_true(d >= 3600 && d <= 4200);
		h_timer(h);
	}
	/* a success resets the error index */
	serve_ok(h);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	d = next_resync_s(h);
	assert_true(d >= 1800 && d <= 2100);
}

/* B78: no periodic timer before the first success: after a failure only
 * the error retry is armed ($PRVST tells which timer fired). */
static void
test_b78_no_periodic_before_success(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule", "http://10.0.0.5/p.xml?st=$PRVST");
	boot_with_options(h, OPTS({ 66, SRV_IP }));
	assert_int_equal(stats(h)->next_resync_at, EMU_TIME_NEVER);
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/p.xml?st=0");
	serve_http(h, 500, NULL, NULL);
	assert_outcome(h, EMU_CLASS_C, EMU_E_HTTP);
	assert_int_equal(stats(h)->resync_ok, 0);
	assert_int_equal(next_resync_s(h), 60);
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/p.xml?st=2");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->resync_ok, 1);
	assert_int_equal(next_resync_s(h), 3600);
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/p.xml?st=1");
}

/* B79: Resync_Error_Retry_Delay=0 -> nothing armed after a failure. */
static void
test_b79_no_retry(void **state)
{
	struct h	*h = *state;

	set(h, "Resync_Error_Retry_Delay", "0");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	assert_outcome(h, EMU_CLASS_B, EMU_E_FNF);
	assert_int_equal(stats(h)->next_resync_at, EMU_TIME_NEVER);
	/* what is left is the DHCP renewal (T1 = lease / 2) */
	assert_int_equal(phone_deadline(h->p), h->bound_at +
	    EMU_SEC(LEASE_S / 2));
}

/* B80: Resync_At__HHmm_=1000 -> between 10:00 and 10:10 of the run's
 * wall clock (time 0 is 2027-01-01 00:00:00 UTC); Resync_Periodic is
 * ignored. */
static void
test_b80_resync_at(void **state)
{
	struct h	*h = *state;
	emu_time	 t;
	int		 day;

	assert_int_equal(h->ctx->epoch % 86400, 0);
	set(h, "Resync_At__HHmm_", "1000");
	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	for (day = 0; day < 3; day++) {
		t = stats(h)->next_resync_at;
		assert_true(t >= EMU_SEC(86400 * day + 36000));
		assert_true(t <= EMU_SEC(86400 * day + 36600));
		h_timer(h);
		assert_int_equal(h->now, t);
		serve_ok(h);
	}
}

/* B81: an invalid Resync_At__HHmm_ (2561) is ignored; periodic goes on. */
static void
test_b81_invalid_resync_at(void **state)
{
	struct h	*h = *state;
	int		 i;

	set(h, "Resync_At__HHmm_", "2561");
	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	for (i = 0; i < 3; i++) {
		assert_int_equal(next_resync_s(h), 600);
		h_timer(h);
		serve_ok(h);
	}
}

/* B82: the boot resync starts within 0-40 s; at once with
 * Resync_Random_Delay=0. */
static void
test_b82_boot_delay(void **state)
{
	struct h	*h = *state;
	emu_time	 d, lo = EMU_TIME_NEVER, hi = 0;
	uint64_t	 seed;

	for (seed = 1; seed <= 32; seed++) {
		h_fini(h);
		h_init(h, seed);
		set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
		boot_with_options(h, OPTS({ 66, SRV_IP }));
		d = phone_deadline(h->p) - h->bound_at;
		assert_true(d <= EMU_SEC(40));
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		assert_null(take(h, K_OPEN));
		h_timer(h);
		expect_http(h, SRV_IP, 80);
	}
	assert_true(hi - lo > EMU_SEC(10));	/* it is random */

	h_fini(h);
	h_init(h, 1);
	set(h, "Resync_Random_Delay", "0");
	set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
	boot_with_options(h, OPTS({ 66, SRV_IP }));
	assert_int_equal(phone_deadline(h->p), h->bound_at);
	h_timer(h);
	assert_int_equal(h->now, h->bound_at);
	expect_http(h, SRV_IP, 80);
}

/* B83: Resync_On_Reset=No on a provisioned phone: no resync at reboot. */
static void
test_b83_no_resync_on_reset(void **state)
{
	struct h	*h = *state;
	uint32_t	 fetches;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    PROFILE("<Resync_On_Reset>No</Resync_On_Reset>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	fetches = stats(h)->fetches;
	h_simple(h, EMU_EV_REBOOT);
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	assert_null(take(h, K_OPEN));
	assert_null(take(h, K_UDP));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_int_equal(stats(h)->fetches, fetches);
	assert_int_equal(stats(h)->boots, 2);

	/* with the default (Yes) the reboot does resync */
	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h_simple(h, EMU_EV_REBOOT);
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	serve_ok(h);
	assert_int_equal(stats(h)->resync_ok, 2);
}

/* B84: Provision_Enable=No blocks the periodic resync and EMU_EV_RESYNC. */
static void
test_b84_provision_disabled(void **state)
{
	struct h	*h = *state;
	int		 i;

	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    PROFILE("<Provision_Enable>No</Provision_Enable>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	for (i = 0; i < 3; i++) {
		h_timer(h);
		assert_null(take(h, K_OPEN));
	}
	h_resync(h, NULL);
	h_resync(h, "http://10.0.0.5/other.xml");
	assert_null(take(h, K_OPEN));
	assert_null(take(h, K_UDP));
	assert_int_equal(stats(h)->fetches, 1);
	assert_string_equal(phone_last_errmsg(h->p), "Provisioning disabled");
}

/* B85: Resync_Trigger_1=$PRVTMR ge 600 blocks a periodic resync that
 * fires earlier than 600 s after the last one. */
static void
test_b85_trigger_gates_periodic(void **state)
{
	struct h	*h = *state;
	emu_time	 last;

	set(h, "Resync_Periodic", "300");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	/* As a profile would set it: in flash it gates the boot too. */
	set(h, "Resync_Trigger_1", "$PRVTMR ge 600");
	last = h->now;
	h_timer(h);
	assert_int_equal(h->now - last, EMU_SEC(300));
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 1);
	h_timer(h);
	assert_int_equal(h->now - last, EMU_SEC(600));
	serve_ok(h);
	assert_int_equal(stats(h)->resync_ok, 2);
}

/* B86: an explicit resync ignores the triggers. */
static void
test_b86_explicit_resync_ignores_triggers(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	set(h, "Resync_Trigger_1", "$PRVTMR ge 600");
	set(h, "Resync_Trigger_2", "\"a\" eq \"b\"");
	h_resync(h, NULL);
	serve_ok(h);
	assert_int_equal(stats(h)->resync_ok, 2);
}

/* B88: EMU_EV_RESYNC with a rule fetches only that file. */
static void
test_b88_resync_with_rule(void **state)
{
	struct h	*h = *state;
	const char	*body = PROFILE("<GPP_A>only</GPP_A>");

	set(h, "Profile_Rule_B", "http://10.0.0.5/b.xml");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	serve_ok(h);
	assert_int_equal(stats(h)->fetches, 2);
	h_resync(h, "tftp://10.0.0.9/only.xml");
	expect_rrq(h, "10.0.0.9", TFTP_PORT, "/only.xml");
	serve_tftp(h, body, strlen(body));
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "only");
	assert_int_equal(stats(h)->fetches, 3);
	/* the configured rules are untouched and used next time */
	assert_string_equal(get(h, "Profile_Rule"), "http://10.0.0.5/p.xml");
	h_resync(h, NULL);
	serve_ok(h);
	serve_ok(h);
}

/* 16.2 Syslog. */

static const char *
next_syslog(struct h *h)
{
	const struct emu_action	*a = take(h, K_SYSLOG);

	return (a != NULL ? act_text(h, a) : NULL);
}

/* B89: request then success messages with the default texts; clearing
 * Log_Request_Msg suppresses the first. */
static void
test_b89_syslog_request_success(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	assert_string_equal(next_syslog(h), "CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Requesting resync http://10.0.0.5:80/p.xml");
	assert_null(next_syslog(h));
	serve_ok(h);
	assert_string_equal(next_syslog(h), "CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Successful resync http://10.0.0.5:80/p.xml");
	assert_null(next_syslog(h));

	h_fini(h);
	h_init(h, 1);
	set(h, "Log_Request_Msg", "");
	start(h, "http://10.0.0.5/p.xml");
	assert_null(next_syslog(h));
	serve_ok(h);
	assert_string_equal(next_syslog(h), "CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Successful resync http://10.0.0.5:80/p.xml");
	assert_null(next_syslog(h));
}

/* B90: the failure message carries $ERR. */
static void
test_b90_syslog_failure(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	assert_non_null(next_syslog(h));
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	assert_string_equal(next_syslog(h), "CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Resync failed: file not found");
	assert_null(next_syslog(h));

	h_fini(h);
	h_init(h, 1);
	set(h, "Log_Failure_Msg", "$MA failed [$ERR]");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 503, NULL, NULL);
	assert_non_null(next_syslog(h));
	assert_string_equal(next_syslog(h), MA " failed [http_get failed]");
}

/* 3.2 Reboots and concurrency. */

/* B123: a profile changing a reboot parameter reboots the phone
 * (Provisioning) and the next boot skips the resync. */
static void
test_b123_reboot_skips_boot_resync(void **state)
{
	struct h	*h = *state;
	uint32_t	 fetches;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	assert_int_equal(stats(h)->reboots, 0);
	serve_http(h, 200, NULL, PROFILE("<Host_Name>desk-42</Host_Name>"));
	assert_int_equal(stats(h)->resync_ok, 1);
	assert_int_equal(stats(h)->reboots, 1);
	assert_string_equal(get(h, "Host_Name"), "desk-42");
	{
		const struct phone_hist	*e;
		size_t			 n;

		/* B123: the reboot is recorded with reason Provisioning,
		 * after the resync that caused it (16.1, 3.7). */
		n = phone_history(h->p, PHONE_HIST_REBOOT, &e);
		assert_int_equal(n, 2);
		assert_int_equal(e[0].reason, PHONE_RB_PROVISIONING);
		assert_int_equal(e[1].reason, PHONE_RB_POWER);
		n = phone_history(h->p, PHONE_HIST_PROV, &e);
		assert_int_equal(n, 1);
		assert_true(e[0].ok);
	}
	fetches = stats(h)->fetches;
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	assert_int_equal(stats(h)->boots, 2);
	h_timer(h);
	assert_null(take(h, K_OPEN));
	assert_null(take(h, K_UDP));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_int_equal(stats(h)->fetches, fetches);
	/* an unchanged value does not reboot */
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE("<Host_Name>desk-42</Host_Name>"));
	assert_int_equal(stats(h)->reboots, 1);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
}

/* B124: two resync requests during a resync -> exactly one follow-up. */
static void
test_b124_coalesced_follow_up(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	h_resync(h, NULL);
	h_resync(h, NULL);
	assert_null(take(h, K_OPEN));
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_int_equal(stats(h)->resyncs, 1);
	serve_ok(h);
	assert_int_equal(stats(h)->resyncs, 2);
	assert_null(take(h, K_OPEN));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_int_equal(next_resync_s(h), 3600);
}

/* 3.3: a resync requested while the phone boots runs once it is
 * operational, even when the boot itself does not resync. */
static void
test_b124_resync_during_boot(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    PROFILE("<Resync_On_Reset>No</Resync_On_Reset>"));
	h_simple(h, EMU_EV_REBOOT);
	h_resync(h, "http://10.0.0.5/now.xml");
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_resync(h, "http://10.0.0.5/now.xml");
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/now.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->resyncs, 2);
}

/* Hostile servers: peer input ends in B or C, never a crash. */

static void
assert_failed_closed(struct h *h)
{
	assert_false(h->stream_open);
	assert_true(stats(h)->last_class == EMU_CLASS_B ||
	    stats(h)->last_class == EMU_CLASS_C);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_string_equal(get(h, "GPP_A"), "");
}

static void
test_hostile_garbage(void **state)
{
	struct h	*h = *state;
	static const uint8_t junk[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc"
			    "\r\n\r\n\0\0garbage";

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_raw(h, junk, sizeof junk, 3);
	assert_failed_closed(h);
	assert_int_equal(stats(h)->last_class, EMU_CLASS_C);
}

static void
test_hostile_huge_header(void **state)
{
	struct h	*h = *state;
	struct dbuf	 b;

	dbuf_init(&b);
	dbuf_add_str(&b, "HTTP/1.1 200 OK\r\nX-Pad: ");
	while (b.len < 4 * HTTP_HEAD_MAX)
		dbuf_add_str(&b, "aaaaaaaaaaaaaaaa");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_raw(h, b.data, b.len, 1024);
	dbuf_clear(&b);
	assert_failed_closed(h);
}

static void
test_hostile_endless_chunked(void **state)
{
	struct h	*h = *state;
	const char	*head = "HTTP/1.1 200 OK\r\n"
			    "Transfer-Encoding: chunked\r\n\r\n";
	struct dbuf	 chunk;
	int		 i;

	/* as fast as it can: the body cap (8.6) stops it */
	dbuf_init(&chunk);
	dbuf_add_str(&chunk, "10000\r\n");
	for (i = 0; i < 0x10000 / 16; i++)
		dbuf_add_str(&chunk, "<!-- pad pad -->");
	dbuf_add_str(&chunk, "\r\n");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = (const uint8_t *)head,
	    .len = strlen(head) });
	for (i = 0; i < 1000 && h->stream_open; i++) {
		h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
		    .flow = h->stream, .data = chunk.data,
		    .len = chunk.len });
	}
	assert_true(i < 1000);
	assert_failed_closed(h);

	/* a trickle: the transfer time limit (9.5) stops it */
	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = (const uint8_t *)head,
	    .len = strlen(head) });
	for (i = 0; i < 1000 && h->stream_open; i++) {
		if (phone_deadline(h->p) <= h->now + EMU_SEC(20)) {
			h_timer(h);
			continue;
		}
		h->now += EMU_SEC(20);
		h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
		    .flow = h->stream, .data = (const uint8_t *)"1\r\nx\r\n",
		    .len = 6 });
	}
	dbuf_clear(&chunk);
	assert_failed_closed(h);
	assert_outcome(h, EMU_CLASS_C, EMU_E_TIMEOUT);
}

/* A server that accepts and never answers: C after the idle timeout. */
static void
test_hostile_silent_server(void **state)
{
	struct h	*h = *state;
	emu_time	 t0;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	t0 = h->now;
	h_timer(h);
	assert_int_equal(h->now - t0, EMU_SEC(30));
	assert_failed_closed(h);
	assert_outcome(h, EMU_CLASS_C, EMU_E_TIMEOUT);

	/* and one that refuses the connection */
	h_resync(h, NULL);
	h_event(h, &(struct emu_event){ .type = EMU_EV_STREAM_ERROR,
	    .flow = take(h, K_OPEN)->u.open.flow, .err = EMU_E_CONNECT });
	assert_outcome(h, EMU_CLASS_C, EMU_E_CONNECT);
}

/* 8.6: fewer bytes than Content-Length, then EOF: C. */
static void
test_hostile_truncated(void **state)
{
	struct h	*h = *state;
	const char	*resp = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"
			    PROFILE_OK;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_raw(h, resp, strlen(resp), 64);
	assert_failed_closed(h);
	assert_outcome(h, EMU_CLASS_C, EMU_E_TRUNCATED);
	assert_string_equal(get(h, "GPP_P"), "");
}

/* Power-off during a transfer closes the stream; the phone stays off. */
static void
test_power_off_during_transfer(void **state)
{
	struct h	*h = *state;
	struct dbuf	 b;

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	dbuf_init(&b);
	http_response_write(&b, 1, 200, NULL, NULL, PROFILE_OK,
	    strlen(PROFILE_OK), 0);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = b.data, .len = 20 });
	assert_true(h->stream_open);
	h_simple(h, EMU_EV_POWER_OFF);
	assert_false(h->stream_open);
	assert_int_equal(phone_state(h->p), PROV_OFF);
	assert_int_equal(phone_deadline(h->p), EMU_TIME_NEVER);
	/* late bytes for the dead stream are ignored */
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = b.data + 20, .len = b.len - 20 });
	dbuf_clear(&b);
	assert_int_equal(stats(h)->resyncs, 0);
	assert_null(take(h, K_OPEN));
	/* it boots again from scratch */
	h->now += EMU_SEC(5);
	boot(h);
	serve_ok(h);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->boots, 2);
}

/* Power-off during a TFTP transfer: late datagrams are ignored. */
static void
test_power_off_during_tftp(void **state)
{
	struct h	*h = *state;

	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	h_simple(h, EMU_EV_POWER_OFF);
	tftp_data(h, 1, PROFILE_OK, strlen(PROFILE_OK));
	assert_null(take(h, K_UDP));
	assert_int_equal(stats(h)->resyncs, 0);
	assert_string_equal(get(h, "GPP_P"), "");
}

/* DNS server (4.3, 9.7): the phone's queries, answered by hand. */

/* The next DNS query the phone sent; its action in *ap. */
static void
dns_take(struct h *h, struct dns_msg *m, const struct emu_action **ap)
{
	const struct emu_action	*a = take(h, K_UDP);
	char			*cause = NULL;

	assert_non_null(a);
	assert_int_equal(a->u.dgram.dst_port, DNS_PORT);
	assert_string_equal(ipstr(a->u.dgram.dst_ip), DNS_IP);
	if (dns_parse(m, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("phone sent a bad DNS query: %s", cause);
	*ap = a;
}

static struct dns_rr
rr_make(const char *name, uint16_t type, const char *target, uint32_t a,
    uint16_t prio, uint16_t weight, uint16_t port)
{
	struct dns_rr	rr;

	memset(&rr, 0, sizeof rr);
	snprintf(rr.name, sizeof rr.name, "%s", name);
	rr.type = type;
	rr.class = DNS_C_IN;
	rr.ttl = 3600;
	rr.a = a;
	rr.prio = prio;
	rr.weight = weight;
	rr.port = port;
	if (target != NULL)
		snprintf(rr.target, sizeof rr.target, "%s", target);
	return (rr);
}

/* Answer the query q (sent by action a) with rcode and n records. */
static void
dns_reply(struct h *h, const struct emu_action *a, const struct dns_msg *q,
    int rcode, const struct dns_rr *rr, int n)
{
	struct dns_msg	*m;
	struct dbuf	 b;
	uint32_t	 flow = a->u.dgram.flow, src = a->u.dgram.dst_ip;
	int		 i;

	m = calloc(1, sizeof *m);
	assert_non_null(m);
	dns_query(m, q->id, q->qname, q->qtype);
	m->qr = 1;
	m->rcode = rcode;
	for (i = 0; i < n; i++)
		dns_add_answer(m, &rr[i]);
	dbuf_init(&b);
	dns_write(m, &b);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM, .flow = flow,
	    .src_ip = src, .src_port = DNS_PORT, .data = b.data,
	    .len = b.len });
	dbuf_clear(&b);
	free(m);
}

/* Answer an A query for name with addr. */
static void
dns_expect_a(struct h *h, const char *name, const char *addr)
{
	const struct emu_action	*a;
	struct dns_msg		 m;
	struct dns_rr		 rr;
	uint32_t		 ip;

	dns_take(h, &m, &a);
	assert_int_equal(m.qtype, DNS_T_A);
	assert_string_equal(m.qname, name);
	assert_int_equal(ipv4_parse(addr, &ip), 0);
	rr = rr_make(name, DNS_T_A, NULL, ip, 0, 0, 0);
	dns_reply(h, a, &m, DNS_R_NOERROR, &rr, 1);
}

/* No DNS query naming host among the actions so far. */
static void
assert_never_asked(struct h *h, const char *host)
{
	struct dns_msg	m;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < h->out.n; i++) {
		const struct emu_action	*a = &h->out.act[i];

		if (a->type != EMU_ACT_DGRAM ||
		    a->u.dgram.dst_port != DNS_PORT)
			continue;
		if (dns_parse(&m, emu_act_data(&h->out, a), a->len,
		    &cause) != 0)
			continue;
		if (strcasecmp(m.qname, host) == 0)
			fail_msg("phone asked DNS for %s", host);
	}
}

/* B10: [--srv] http://example.com/... asks _ciscoprov-http._tcp first and
 * fetches from the SRV target and port, lower weight first (B7). */
static void
test_b10_srv_explicit_http(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;
	struct dns_rr		 rr[2];

	set(h, "Profile_Rule", "[--srv] http://example.com/$PSN.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	dns_take(h, &m, &a);
	assert_int_equal(m.qtype, DNS_T_SRV);
	assert_string_equal(m.qname, "_ciscoprov-http._tcp.example.com");
	rr[0] = rr_make(m.qname, DNS_T_SRV, "px1.example.com", 0, 10, 50,
	    8080);
	rr[1] = rr_make(m.qname, DNS_T_SRV, "px2.example.com", 0, 10, 30,
	    8081);
	dns_reply(h, a, &m, DNS_R_NOERROR, rr, 2);
	dns_expect_a(h, "px2.example.com", "10.0.0.7");
	expect_http(h, "10.0.0.7", 8081);
	assert_string_equal(h->req.target, "/8851-3PCC.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B8 (transport part), 4.3: a target that fails is followed by the next;
 * only when all fail is the outcome C. */
static void
test_b8_srv_next_target(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;
	struct dns_rr		 rr[2];

	set(h, "Profile_Rule", "[--srv] http://example.com/p.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	dns_take(h, &m, &a);
	rr[0] = rr_make(m.qname, DNS_T_SRV, "px1.example.com", 0, 10, 50, 80);
	rr[1] = rr_make(m.qname, DNS_T_SRV, "px2.example.com", 0, 10, 30, 80);
	dns_reply(h, a, &m, DNS_R_NOERROR, rr, 2);
	dns_expect_a(h, "px2.example.com", "10.0.0.7");
	expect_http(h, "10.0.0.7", 80);
	serve_http(h, 503, NULL, NULL);
	dns_expect_a(h, "px1.example.com", "10.0.0.8");
	expect_http(h, "10.0.0.8", 80);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B6 (discovery order, HTTP part), 4.3: no DHCP source, a DHCP domain: the
 * phone asks the https name, then the http one, fetches /$PSN.xml then
 * /Cisco/$MA.cfg, stores the [--srv] rule and aborts customization. */
static void
test_b6_auto_srv_discovery(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;
	struct dns_rr		 rr;

	boot_with_options(h, OPTS({ 6, DNS_IP }, { 15, "example.com" }));
	h_timer(h);
	dns_take(h, &m, &a);
	assert_int_equal(m.qtype, DNS_T_SRV);
	assert_string_equal(m.qname, "_ciscoprov-https._tls.example.com");
	dns_reply(h, a, &m, DNS_R_NXDOMAIN, NULL, 0);
	dns_take(h, &m, &a);
	assert_string_equal(m.qname, "_ciscoprov-http._tcp.example.com");
	rr = rr_make(m.qname, DNS_T_SRV, "px1.example.com", 0, 10, 50, 80);
	dns_reply(h, a, &m, DNS_R_NOERROR, &rr, 1);
	dns_expect_a(h, "px1.example.com", "10.0.0.7");
	expect_http(h, "10.0.0.7", 80);
	assert_string_equal(h->req.target, "/8851-3PCC.xml");
	serve_http(h, 404, NULL, NULL);
	expect_http(h, "10.0.0.7", 80);
	assert_string_equal(h->req.target, "/Cisco/" MA ".cfg");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
	assert_string_equal(get(h, "Profile_Rule"),
	    "[--srv] http://example.com/Cisco/$MA.cfg");
	assert_never_asked(h, "activate.cisco.com");
}

/* B111: with Restricted_Access_Domains set, a rule to another host fails
 * with class C before any lookup; a host inside a listed domain is asked. */
static void
test_b111_restricted_domains(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;

	set(h, "Restricted_Access_Domains", "example.com, tel.net");
	set(h, "Profile_Rule", "http://prov.other.org/p.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	assert_null(take(h, K_UDP));
	assert_null(take(h, K_OPEN));
	assert_outcome(h, EMU_CLASS_C, EMU_E_DOMAIN);

	/* a suffix that is not a label boundary is not inside the domain */
	h_resync(h, "http://badexample.com/p.xml");
	assert_null(take(h, K_UDP));
	assert_outcome(h, EMU_CLASS_C, EMU_E_DOMAIN);

	h_resync(h, "http://prov.example.com/p.xml");
	dns_take(h, &m, &a);
	assert_string_equal(m.qname, "prov.example.com");
}

/* B112, 9.8: Proxy_Mode=Manual sends HTTP requests in absolute form to the
 * proxy, answers its 407, and tunnels HTTPS with CONNECT. */
static void
test_b112_proxy(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*op;

	set(h, "Proxy_Mode", "Manual");
	set(h, "Proxy_Host", "10.0.0.9");
	set(h, "Proxy_Port", "3128");
	set(h, "Proxy_Username", "pu");
	set(h, "Proxy_Password", "pp");
	start(h, "http://prov.example.com/p.xml");
	/* the proxy resolves the name: the phone asks no DNS */
	assert_null(take(h, K_UDP));
	expect_http(h, "10.0.0.9", 3128);
	assert_string_equal(h->req.target, "http://prov.example.com/p.xml");
	serve_http(h, 407, HDRS("Proxy-Authenticate: Basic realm=\"proxy\""),
	    NULL);
	expect_http(h, "10.0.0.9", 3128);
	assert_basic(h, "Proxy-Authorization", "pu:pp");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);

	/* HTTPS: CONNECT host:443 to the proxy */
	h_resync(h, "https://prov.example.com/p.xml");
	expect_http(h, "10.0.0.9", 3128);
	assert_string_equal(h->req.method, "CONNECT");
	assert_string_equal(h->req.target, "prov.example.com:443");
	serve_http(h, 403, NULL, NULL);
	assert_outcome(h, EMU_CLASS_C, EMU_E_PROXY);
	/* TFTP never goes through the proxy (7.5) */
	h_resync(h, "tftp://10.0.0.5/p.xml");
	op = take(h, K_OPEN);
	assert_null(op);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/p.xml");
}

/* B17: a provisioned phone that reboots never asks EDOS. */
static void
test_b17_provisioned_no_edos(void **state)
{
	struct h	*h = *state;

	boot(h);
	expect_rrq(h, SRV_IP, TFTP_PORT, "/8851-3PCC.xml");
	serve_tftp(h, PROFILE_OK, strlen(PROFILE_OK));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	h_simple(h, EMU_EV_POWER_OFF);
	/* DHCP now names no source: the phone still does not ask EDOS */
	boot_with_options(h, OPTS({ 6, DNS_IP }, { 15, "example.com" }));
	h_timer(h);
	while (phone_deadline(h->p) != EMU_TIME_NEVER &&
	    phone_deadline(h->p) < h->now + EMU_SEC(600))
		h_timer(h);
	assert_never_asked(h, "activate.cisco.com");
	assert_never_asked(h, "_ciscoprov-https._tls.example.com");
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
}

/* B16: a rule set from the LCD before Acquired aborts customization; the
 * phone resyncs with it and never asks EDOS again (4.6). */
static void
test_b16_lcd_rule_aborts(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;

	boot_with_options(h, OPTS({ 6, DNS_IP }, { 15, "example.com" }));
	h_timer(h);
	dns_take(h, &m, &a);	/* discovery has begun: SRV */
	assert_int_equal(phone_customization(h->p), CUST_OPEN);
	h_event(h, &(struct emu_event){ .type = EMU_EV_SET_PARAM,
	    .name = "Profile_Rule", .text = "http://10.0.0.5/lcd.xml" });
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/lcd.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	h_simple(h, EMU_EV_POWER_OFF);
	boot_with_options(h, OPTS({ 6, DNS_IP }, { 15, "example.com" }));
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_never_asked(h, "activate.cisco.com");
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
}

/*
 * Remote customization and activation codes (4.4, 4.5, 4.8, 13).  The
 * cloud is reached over https:443; with the fleet's cloud_http switch it
 * is plain http:80, so that these tests can play EDOS and GDS themselves.
 */

#define EDOS_REDIRECT(rule, extra)					\
	"<flat-profile><Profile_Rule>" rule "</Profile_Rule>" extra	\
	"</flat-profile>\n<!-- company: Super VoIP -->\n"

/* The phone asks the DNS server for the A record of name: answer ip. */
static void
expect_dns_a(struct h *h, const char *name, const char *ip)
{
	const struct emu_action	*a = take(h, K_UDP);

	assert_non_null(a);
	h->cur[K_UDP]--;
	dns_maybe(h, name, ip);
}

/* Power on without a DHCP source or domain; the boot delay ends (P5). */
static void
boot_cloud(struct h *h, int plain)
{
	h->ctx->cloud_http = plain;
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
}

/* The EDOS device query (13.1) at host, over plain HTTP. */
static void
expect_edos(struct h *h, const char *host)
{
	struct cloud_query	 q;
	char			*cause = NULL;

	dns_maybe(h, host, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	assert_string_equal(h->req.method, "GET");
	assert_string_equal(req_header(h, "Host"), host);
	if (cloud_target_parse(&q, h->req.target, &cause) != 0)
		fail_msg("EDOS query %s: %s", h->req.target, cause);
	assert_int_equal(q.req, CLOUD_REQ_DEVICE);
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.sn, "FCH2301ABCD");
}

/* Up to the activation-code screen: EDOS has nobody for the phone. */
static void
to_activation(struct h *h)
{
	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, "");
	assert_int_equal(phone_customization(h->p), CUST_UNAVAILABLE);
	assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_SHOWN);
}

static void
activate(struct h *h, const char *code)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_ACTIVATE,
	    .text = code });
}

/* The GDS POST (13.3) for code, read by the service's parser. */
static void
expect_gds(struct h *h, const char *code)
{
	struct cloud_query	 q;
	char			*cause = NULL;

	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_BUSY);
	dns_maybe(h, CLOUD_GDS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	assert_string_equal(h->req.method, "POST");
	assert_string_equal(h->req.target, CLOUD_GDS_PATH);
	assert_string_equal(req_header(h, "Host"), CLOUD_GDS_HOST);
	assert_string_equal(req_header(h, "Content-Type"), "application/json");
	if (cloud_gds_body_parse(&q, h->req.body.data, h->req.body.len,
	    &cause) != 0)
		fail_msg("GDS body: %s", cause);
	assert_string_equal(q.code, code);
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.pid, "CP-8851-3PCC");
}

/* B11: no DHCP source, no SRV: EDOS at activate.cisco.com over HTTPS,
 * customization Pending. */
static void
test_b11_edos_query_pending(void **state)
{
	struct h	*h = *state;
	struct cloud_query q;
	char		*cause = NULL;

	assert_int_equal(phone_customization(h->p), CUST_OPEN);
	boot_cloud(h, 0);
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	expect_dns_a(h, "activate.cisco.com", CLOUD_IP);
	/* HTTPS: port 443. */
	assert_non_null(take(h, K_OPEN));
	assert_string_equal(ipstr(h->out.act[h->cur[K_OPEN] - 1].u.open.dst_ip),
	    CLOUD_IP);
	assert_int_equal(h->out.act[h->cur[K_OPEN] - 1].u.open.dst_port, 443);

	/* The query itself (plain HTTP): MAC, model, serial, firmware. */
	h_fini(h);
	h_init(h, 1);
	boot_cloud(h, 1);
	expect_edos(h, "activate.cisco.com");
	assert_int_equal(cloud_target_parse(&q, h->req.target, &cause), 0);
	assert_string_equal(q.pid, "CP-8851-3PCC");
	assert_string_equal(q.fw, "sip88xx.12-0-7MPP0301-92");
	assert_string_equal(h->req.target, "/rc/v1/device?mac=00562B043615&"
	    "pid=CP-8851-3PCC&sn=FCH2301ABCD&fw=sip88xx.12-0-7MPP0301-92");
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
}

/* B12, K5: firmware older than 11.2(1) asks webapps.cisco.com. */
static void
test_b12_old_firmware_webapps(void **state)
{
	struct h	*h = *state;

	h_phone(h, "CP-8851-3PCC", "sip88xx.11-1-1MPP-123");
	boot_cloud(h, 1);
	expect_edos(h, "webapps.cisco.com");
	/* 11.2(1) itself asks activate.cisco.com. */
	h_fini(h);
	h_init(h, 1);
	h_phone(h, "CP-8851-3PCC", "sip88xx.11-2-1MPP-5");
	boot_cloud(h, 1);
	expect_edos(h, "activate.cisco.com");
}

/* B13, 4.8: a redirect profile: Custom Pending, an immediate resync with
 * its rule, then Acquired with the company name. */
static void
test_b13_edos_redirect_acquired(void **state)
{
	struct h	*h = *state;

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, EDOS_REDIRECT("http://10.0.0.5/sp/$MA.xml",
	    ""));
	assert_int_equal(phone_customization(h->p), CUST_CUSTOM_PENDING);
	assert_string_equal(get(h, "Profile_Rule"),
	    "http://10.0.0.5/sp/$MA.xml");
	assert_int_equal(phone_state(h->p), PROV_RESYNC);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/sp/" MA ".xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(phone_customization(h->p), CUST_ACQUIRED);
	assert_string_equal(phone_company(h->p), "Super VoIP");
	assert_string_equal(get(h, "GPP_P"), "ok");
}

/* 13.1 ASSUMPTION: a failed redirect resync keeps Custom Pending. */
static void
test_b13_redirect_resync_fails(void **state)
{
	struct h	*h = *state;

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, EDOS_REDIRECT("http://10.0.0.5/sp.xml", ""));
	expect_http(h, SRV_IP, 80);
	serve_http(h, 500, NULL, NULL);
	assert_int_equal(phone_customization(h->p), CUST_CUSTOM_PENDING);
	assert_true(next_resync_s(h) > 0);
}

/* B14: an empty 200 (and a 404) is Unavailable. */
static void
test_b14_edos_empty_unavailable(void **state)
{
	struct h	*h = *state;

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, "");
	assert_int_equal(phone_customization(h->p), CUST_UNAVAILABLE);
	assert_string_equal(phone_company(h->p), "");

	h_fini(h);
	h_init(h, 1);
	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 404, NULL, NULL);
	assert_int_equal(phone_customization(h->p), CUST_UNAVAILABLE);
}

/* B15: EDOS unreachable or failing: Pending, retried on the error
 * schedule, and the retry asks EDOS again. */
static void
test_b15_edos_unreachable_retries(void **state)
{
	struct h	*h = *state;

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 503, NULL, NULL);
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_HIDDEN);
	assert_true(next_resync_s(h) > 0);
	h_timer(h);
	expect_edos(h, CLOUD_EDOS_HOST);
	/* A body that is not a profile is retried too. */
	serve_http(h, 200, NULL, "<html>maintenance</html>");
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	h_timer(h);
	expect_edos(h, CLOUD_EDOS_HOST);
	/* Connection refused. */
	h_fini(h);
	h_init(h, 1);
	boot_cloud(h, 1);
	expect_dns_a(h, CLOUD_EDOS_HOST, CLOUD_IP);
	assert_non_null(take(h, K_OPEN));
	h_event(h, &(struct emu_event){ .type = EMU_EV_STREAM_ERROR,
	    .flow = h->out.act[h->cur[K_OPEN] - 1].u.open.flow,
	    .err = EMU_E_CONNECT });
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	assert_true(next_resync_s(h) > 0);
}

/* B19: Unavailable and Webex_Onboard_Enable=Yes: the activation screen;
 * with No, the phone waits for manual setup. */
static void
test_b19_unavailable_activation_screen(void **state)
{
	struct h	*h = *state;

	to_activation(h);
	h_fini(h);
	h_init(h, 1);
	set(h, "Webex_Onboard_Enable", "No");
	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, "");
	assert_int_equal(phone_customization(h->p), CUST_UNAVAILABLE);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_HIDDEN);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
}

/* B21: a valid code: GDS POST, Profile_Rule with the credentials, and a
 * resync with $PRVST -1 that uses them. */
static void
test_b21_gds_code_accepted(void **state)
{
	struct h	*h = *state;

	to_activation(h);
	activate(h, "1234567890123456");
	expect_gds(h, "1234567890123456");
	serve_http(h, 200, HDRS("Content-Type: application/json"),
	    "{\"profileRule\":\"http://10.0.0.5/gds.xml?st=$PRVST\","
	    "\"uid\":\"u1\",\"pwd\":\"p$1\"}");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_OK);
	assert_string_equal(get(h, "Profile_Rule"),
	    "[--uid u1 --pwd p\\0441] http://10.0.0.5/gds.xml?st=$PRVST");
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/gds.xml?st=-1");
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	expect_http(h, SRV_IP, 80);
	assert_basic(h, "Authorization", "u1:p$1");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* B22: unknown, used or expired (400/404/410): "Invalid activation code"
 * and the screen stays; other errors: "Activation failed". */
static void
test_b22_gds_invalid_code(void **state)
{
	struct h	*h = *state;
	static const int invalid[] = { 404, 410, 400 };
	size_t		 i;

	to_activation(h);
	for (i = 0; i < nitems(invalid); i++) {
		activate(h, "1234567890123456");
		expect_gds(h, "1234567890123456");
		serve_http(h, invalid[i], NULL, NULL);
		assert_int_equal(phone_status(h->p)->act, PHONE_ACT_INVALID);
		assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
	}
	activate(h, "1234567890123456");
	expect_gds(h, "1234567890123456");
	serve_http(h, 500, NULL, NULL);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_FAILED);
	/* A 200 whose JSON is broken failed, too. */
	activate(h, "1234567890123456");
	expect_gds(h, "1234567890123456");
	serve_http(h, 200, NULL, "{\"profileRule\":\"http://x/a.xml\"");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_FAILED);
	assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
	assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");
}

/* B23: '#' and digits: the short-code query to EDOS, whose redirect is
 * run like the device one; an unknown code is invalid. */
static void
test_b23_short_code(void **state)
{
	struct h	*h = *state;
	struct cloud_query q;
	char		*cause = NULL;

	to_activation(h);
	activate(h, "#999");
	dns_maybe(h, CLOUD_EDOS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	serve_http(h, 404, NULL, NULL);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_INVALID);

	activate(h, "#123456");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_BUSY);
	dns_maybe(h, CLOUD_EDOS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	assert_int_equal(cloud_target_parse(&q, h->req.target, &cause), 0);
	assert_int_equal(q.req, CLOUD_REQ_CODE);
	assert_string_equal(q.code, "123456");
	assert_string_equal(q.mac, "00562B043615");
	assert_string_equal(q.pid, "CP-8851-3PCC");
	serve_http(h, 200, NULL, EDOS_REDIRECT("http://10.0.0.5/cda.xml", ""));
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_OK);
	assert_int_equal(phone_customization(h->p), CUST_CUSTOM_PENDING);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/cda.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_int_equal(phone_customization(h->p), CUST_ACQUIRED);
}

/* B24: a short code of 2 or 17 digits (or a GDS code that is not 16
 * digits) is refused on the phone: nothing is sent. */
static void
test_b24_short_code_refused_locally(void **state)
{
	struct h	*h = *state;
	static const char *const bad[] = { "#12", "#12345678901234567",
	    "123456789012345", "12345678901234567", "#12a4", "" };
	size_t		 i;

	to_activation(h);
	for (i = 0; i < nitems(bad); i++) {
		activate(h, bad[i]);
		assert_int_equal(phone_status(h->p)->act, PHONE_ACT_INVALID);
		assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
		assert_null(take(h, K_UDP));
		assert_null(take(h, K_OPEN));
	}
	/* 3 digits are enough. */
	activate(h, "#123");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_BUSY);
}

/* B25: a CP-6861 never shows the activation-code screen. */
static void
test_b25_cp6861_no_activation(void **state)
{
	struct h	*h = *state;

	h_phone(h, "CP-6861-3PCC", "sip68xx.12-0-7MPP0301-92");
	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, "");
	assert_int_equal(phone_customization(h->p), CUST_UNAVAILABLE);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_HIDDEN);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	activate(h, "1234567890123456");
	assert_null(take(h, K_UDP));
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_HIDDEN);
}

/* B123: a redirect profile that needs a reboot reboots with reason RC;
 * the boot after it resyncs with the redirect rule. */
static void
test_b123_edos_reboot_rc(void **state)
{
	struct h	*h = *state;

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, EDOS_REDIRECT("http://10.0.0.5/rc.xml",
	    "<Host_Name>desk-7</Host_Name>"));
	assert_int_equal(stats(h)->reboots, 1);
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_RC);
	{
		const struct phone_hist	*e;

		/* B123: Reboot History shows RC, newest first. */
		assert_int_equal(phone_history(h->p, PHONE_HIST_REBOOT, &e), 2);
		assert_int_equal(e[0].reason, PHONE_RB_RC);
		assert_int_equal(e[1].reason, PHONE_RB_POWER);
	}
	assert_int_equal(phone_customization(h->p), CUST_CUSTOM_PENDING);
	dhcp_handshake(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/rc.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_int_equal(phone_customization(h->p), CUST_ACQUIRED);
}

/* Bad input (13.1): an EDOS 200 that is no flat profile, one over
 * CLOUD_REPLY_MAX and one that stalls: each time the phone stays Pending,
 * keeps its rules and asks again on the retry schedule (B15). */
static void
test_hostile_edos_replies(void **state)
{
	struct h	*h = *state;
	char		*big;
	static const char stall[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<flat-pro";

	boot_cloud(h, 1);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, "{\"profileRule\":\"http://x/y\"}");
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");

	h_timer(h);
	expect_edos(h, CLOUD_EDOS_HOST);
	big = malloc(CLOUD_REPLY_MAX + 64);
	assert_non_null(big);
	memset(big, ' ', CLOUD_REPLY_MAX + 63);
	memcpy(big, "<flat-profile>", 14);
	memcpy(big + CLOUD_REPLY_MAX + 48, "</flat-profile>", 15);
	big[CLOUD_REPLY_MAX + 63] = '\0';
	serve_http(h, 200, NULL, big);
	free(big);
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");

	h_timer(h);
	expect_edos(h, CLOUD_EDOS_HOST);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DATA,
	    .flow = h->stream, .data = (const uint8_t *)stall,
	    .len = sizeof stall - 1 });
	h_timer(h);		/* 9.5: no byte for 30 s */
	assert_int_equal(phone_customization(h->p), CUST_PENDING);
	assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");

	/* and a good answer still works afterwards */
	h_timer(h);
	expect_edos(h, CLOUD_EDOS_HOST);
	serve_http(h, 200, NULL, EDOS_REDIRECT("http://10.0.0.5/r.xml", ""));
	assert_int_equal(phone_customization(h->p), CUST_CUSTOM_PENDING);
}

/* Bad input (13.3): GDS answers that are malformed JSON, over the size
 * cap, or carry a rule over CLOUD_RULE_MAX: "Activation failed", the
 * screen stays and Profile_Rule is untouched. */
static void
test_hostile_gds_replies(void **state)
{
	struct h	*h = *state;
	char		*big;
	size_t		 i;
	const char	*bodies[3];

	big = malloc(CLOUD_REPLY_MAX + 64);
	assert_non_null(big);
	memset(big, 'a', CLOUD_REPLY_MAX + 63);
	memcpy(big, "{\"profileRule\":\"", 16);
	big[CLOUD_REPLY_MAX + 61] = '"';
	big[CLOUD_REPLY_MAX + 62] = '}';
	big[CLOUD_REPLY_MAX + 63] = '\0';
	bodies[0] = "{\"profileRule\":";
	bodies[1] = big;
	bodies[2] = big + CLOUD_REPLY_MAX - CLOUD_RULE_MAX - 64;
	memcpy((char *)bodies[2], "{\"profileRule\":\"", 16);
	to_activation(h);
	for (i = 0; i < nitems(bodies); i++) {
		activate(h, "1234567812345678");
		expect_gds(h, "1234567812345678");
		serve_http(h, 200, HDRS("Content-Type: application/json"),
		    bodies[i]);
		assert_int_equal(phone_status(h->p)->act, PHONE_ACT_FAILED);
		assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
		assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");
	}
	free(big);
}

/* Bad input (4.3): an SRV record whose target is the SRV name itself has
 * no address: the rule fails with class C, the phone does not loop. */
static void
test_srv_points_at_itself(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct dns_msg		 m;
	struct dns_rr		 rr;

	set(h, "Profile_Rule", "[--srv] http://example.com/p.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	dns_take(h, &m, &a);
	rr = rr_make(m.qname, DNS_T_SRV, m.qname, 0, 10, 10, 80);
	dns_reply(h, a, &m, DNS_R_NOERROR, &rr, 1);
	dns_take(h, &m, &a);
	assert_int_equal(m.qtype, DNS_T_A);
	assert_string_equal(m.qname, "_ciscoprov-http._tcp.example.com");
	dns_reply(h, a, &m, DNS_R_NXDOMAIN, NULL, 0);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->last_class, EMU_CLASS_C);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, h_setup, h_teardown)

int	main(void);

/*
 * B63, 11.2: a file made with the MD5 derivation is decrypted too, even
 * with a salt for which the SHA-256 key happens to pass the padding check
 * (about one salt in 256; "00000146" is one for this text and key).
 */
static void
test_b63_aes_cbc_md5_derivation(void **state)
{
	struct h	*h = *state;
	const char	*xml = PROFILE("<GPP_A>md5</GPP_A>");
	struct dbuf	 enc;

	dbuf_init(&enc);
	encrypt_body_md5("SecretPhrase1234", "00000146", xml, strlen(xml),
	    &enc);
	start(h, "[--key SecretPhrase1234] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, NULL, enc.data, enc.len);
	dbuf_clear(&enc);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "md5");
}

/*
 * 9.4 (RFC 7616 3.4): a Digest answer quotes what it echoes, escaped, and
 * names the algorithm it used, whatever text the server wrote there.
 */
static void
test_digest_echo_quoted(void **state)
{
	struct h	*h = *state;
	const char	*authz;
	char		 v[256];

	set(h, "Profile_Account_Username", "us\"er");
	set(h, "Profile_Account_Password", "pw");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, HDRS("WWW-Authenticate: Digest realm=\"a\\\"b\\\\c\", "
	    "nonce=\"n\\\"1\", opaque=\"o p\", "
	    "algorithm=\"MD5, response=\\\"0\\\"\""), NULL);
	expect_http(h, SRV_IP, 80);
	authz = req_header(h, "Authorization");
	assert_non_null(authz);
	assert_int_equal(http_auth_param(authz, "username", v, sizeof v), 0);
	assert_string_equal(v, "us\"er");
	assert_int_equal(http_auth_param(authz, "realm", v, sizeof v), 0);
	assert_string_equal(v, "a\"b\\c");
	assert_int_equal(http_auth_param(authz, "nonce", v, sizeof v), 0);
	assert_string_equal(v, "n\"1");
	assert_int_equal(http_auth_param(authz, "opaque", v, sizeof v), 0);
	assert_string_equal(v, "o p");
	assert_int_equal(http_auth_param(authz, "algorithm", v, sizeof v), 0);
	assert_string_equal(v, "MD5");
	assert_int_equal(http_auth_param(authz, "response", v, sizeof v), 0);
	assert_int_equal(strlen(v), 32);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* 9.4: a username no quoted-string can carry (CR LF) is never sent. */
static void
test_digest_ctl_username(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Account_Username", "u\r\nX-Injected: 1");
	set(h, "Profile_Account_Password", "pw");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, HDRS("WWW-Authenticate: Digest realm=\"r\", "
	    "nonce=\"n\""), NULL);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->last_class, EMU_CLASS_C);
	assert_int_equal(stats(h)->last_err, EMU_E_AUTH);
}

/*
 * Scale (DESIGN.md): a value the phone no longer holds is released.  A
 * changing 1 MiB value set 64 times keeps the fleet's intern table near
 * one or two copies, not 64.
 */
#define BIG_VALUE	(1024 * 1024)
#define BIG_SETS	64
static void
test_intern_changing_value_bounded(void **state)
{
	struct h	*h = *state;
	char		*v;
	size_t		 base_bytes, base_count, i;

	base_bytes = intern_bytes(h->ctx->intern);
	base_count = intern_count(h->ctx->intern);
	v = malloc(BIG_VALUE + 1);
	assert_non_null(v);
	memset(v, 'v', BIG_VALUE);
	v[BIG_VALUE] = '\0';
	for (i = 0; i < BIG_SETS; i++) {
		snprintf(v, 16, "%06zu", i);
		v[6] = 'v';
		set(h, "GPP_A", v);
		assert_string_equal(get(h, "GPP_A"), v);
		assert_true(intern_bytes(h->ctx->intern) <=
		    base_bytes + 4 * BIG_VALUE);
		assert_true(intern_count(h->ctx->intern) <= base_count + 4);
	}
	/* Set back to the default: nothing of the big values is needed. */
	set(h, "GPP_A", "");
	for (i = 0; i < 4; i++) {
		snprintf(v, 16, "%06zu", BIG_SETS + i);
		v[6] = 'v';
		set(h, "GPP_B", v);
	}
	set(h, "GPP_B", "");
	assert_true(intern_bytes(h->ctx->intern) <= base_bytes + 4 * BIG_VALUE);
	free(v);
}

/*
 * B66: Content-Encoding: aes128gcm and an IKM: the body is RFC 8188, read
 * with the IKM though the rule has a --key (11.3), gzip inside or not.
 */
static void
test_b66_aes128gcm_with_ikm_and_key(void **state)
{
	struct h		*h = *state;
	static const uint8_t	 salt[16] = "0123456789abcdef";
	const char		*xml = PROFILE("<GPP_A>rfc8188</GPP_A>");
	const char *const	 hdrs[] = { "Content-Encoding: aes128gcm",
				    NULL };
	struct dbuf		 gz, enc;
	char			*cause = NULL;

	dbuf_init(&gz);
	dbuf_init(&enc);
	/* IKM "phonefleet-ikm-1" in base64url, records of 32 bytes */
	set(h, "IKM_HTTP_Encrypt_Content", "cGhvbmVmbGVldC1pa20tMQ");
	assert_int_equal(decode_gcm_encrypt((const uint8_t *)xml, strlen(xml),
	    (const uint8_t *)"phonefleet-ikm-1", 16, salt, 32, NULL, 0, &enc,
	    &cause), 0);
	start(h, "[--key secret] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, hdrs, enc.data, enc.len);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "rfc8188");

	/* gzip inside, and a key id */
	h_fini(h);
	h_init(h, 1);
	gzip_body(xml, strlen(xml), &gz);
	assert_int_equal(decode_gcm_encrypt(gz.data, gz.len,
	    (const uint8_t *)"phonefleet-ikm-1", 16, salt, 4096,
	    (const uint8_t *)"k1", 2, &enc, &cause), 0);
	set(h, "IKM_HTTP_Encrypt_Content", "cGhvbmVmbGVldC1pa20tMQ==");
	start(h, "[--key secret] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, hdrs, enc.data, enc.len);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "rfc8188");

	/* another IKM: class B, decrypt failed, nothing applied */
	h_fini(h);
	h_init(h, 1);
	set(h, "IKM_HTTP_Encrypt_Content", "b3RoZXItcGhvbmUta2V5");
	start(h, "[--key secret] http://10.0.0.5/p.cfg");
	expect_http(h, SRV_IP, 80);
	serve_http_bin(h, 200, hdrs, enc.data, enc.len);
	dbuf_clear(&gz);
	dbuf_clear(&enc);
	assert_outcome(h, EMU_CLASS_B, EMU_E_DECRYPT);
	assert_string_equal(phone_last_errmsg(h->p), "decrypt failed");
	assert_string_equal(get(h, "GPP_A"), "");
}

/*
 * B67: aes128gcm without an IKM is class B "decrypt failed", with no --key
 * too; the same plain body without the header is applied.
 */
static void
test_b67_aes128gcm_no_ikm_no_key(void **state)
{
	struct h		*h = *state;
	const char *const	 hdrs[] = { "Content-Encoding: aes128gcm",
				    NULL };

	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, hdrs, PROFILE("<GPP_A>clear</GPP_A>"));
	assert_outcome(h, EMU_CLASS_B, EMU_E_DECRYPT);
	assert_string_equal(phone_last_errmsg(h->p), "decrypt failed");
	assert_string_equal(get(h, "GPP_A"), "");

	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE("<GPP_A>clear</GPP_A>"));
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_string_equal(get(h, "GPP_A"), "clear");
}

/* 16.2 Syslog datagrams: what a collector on Syslog_Server receives. */

#define SYSLOG_IP	"10.0.0.9"

/* The next datagram on the syslog flow, to ip:port, as a string. */
static const char *
next_syslog_dgram(struct h *h, const char *ip, uint16_t port)
{
	static char		 buf[2048];
	const struct emu_action	*a = take(h, K_SLOG);

	if (a == NULL)
		return (NULL);
	assert_string_equal(ipstr(a->u.dgram.dst_ip), ip);
	assert_int_equal(a->u.dgram.dst_port, port);
	assert_int_equal(a->u.dgram.src_ip, PHONE_IP);
	assert_true(a->len < sizeof buf);
	memcpy(buf, emu_act_data(&h->out, a), a->len);
	buf[a->len] = '\0';
	assert_null(memchr(buf, '\0', a->len));
	return (buf);
}

/* The RFC 3164 timestamp of calendar second t, as a collector parses it:
 * "Mmm dd hh:mm:ss", the day padded with a space. */
static const char *
rfc3164_time(int64_t t)
{
	static char	buf[32];
	time_t		tt = (time_t)t;
	struct tm	tm;

	assert_non_null(gmtime_r(&tt, &tm));
	assert_true(strftime(buf, sizeof buf, "%b %e %H:%M:%S", &tm) > 0);
	return (buf);
}

/* B89: with Syslog_Server set, the collector receives "Requesting resync"
 * then "Successful resync" (facility local0, severity notice: <133>) with
 * the phone's local time; clearing Log_Request_Msg suppresses the first. */
static void
test_b89_syslog_datagrams(void **state)
{
	struct h	*h = *state;
	char		 want[512];

	set(h, "Resync_Random_Delay", "0");
	set(h, "Syslog_Server", SYSLOG_IP);
	start(h, "http://10.0.0.5/p.xml");
	snprintf(want, sizeof want, "<133>%s CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Requesting resync http://10.0.0.5:80/p.xml",
	    rfc3164_time(h->ctx->epoch + (int64_t)(h->now / 1000000)));
	assert_string_equal(next_syslog_dgram(h, SYSLOG_IP, 514), want);
	assert_null(next_syslog_dgram(h, SYSLOG_IP, 514));
	/* 40 s later, in a zone one hour behind UTC */
	h->ctx->tz_offset_s = -3600;
	h->now += EMU_SEC(40);
	serve_ok(h);
	snprintf(want, sizeof want, "<133>%s CP-8851-3PCC 00:56:2b:04:36:15 "
	    "-- Successful resync http://10.0.0.5:80/p.xml",
	    rfc3164_time(h->ctx->epoch - 3600 + (int64_t)(h->now / 1000000)));
	assert_string_equal(next_syslog_dgram(h, SYSLOG_IP, 514), want);
	assert_non_null(strstr(want, "Dec 31 23:00:40"));
	assert_null(next_syslog_dgram(h, SYSLOG_IP, 514));

	h_fini(h);
	h_init(h, 1);
	set(h, "Log_Request_Msg", "");
	set(h, "Syslog_Server", SYSLOG_IP ":1514");
	start(h, "http://10.0.0.5/p.xml");
	assert_null(next_syslog_dgram(h, SYSLOG_IP, 1514));
	serve_ok(h);
	assert_non_null(strstr(next_syslog_dgram(h, SYSLOG_IP, 1514),
	    " CP-8851-3PCC 00:56:2b:04:36:15 -- Successful resync "
	    "http://10.0.0.5:80/p.xml"));
	assert_null(next_syslog_dgram(h, SYSLOG_IP, 1514));
	/* no Syslog_Server: no datagram, the trace line only */
	h_fini(h);
	h_init(h, 1);
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	assert_null(take(h, K_SLOG));
	assert_non_null(next_syslog(h));
}

/* B90: the failure line carries the $ERR text (severity error: <131>). */
static void
test_b90_syslog_failure_datagram(void **state)
{
	struct h	*h = *state;
	const char	*d;

	set(h, "Syslog_Server", SYSLOG_IP);
	start(h, "http://10.0.0.5/p.xml");
	assert_non_null(next_syslog_dgram(h, SYSLOG_IP, 514));
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_true(strncmp(d, "<131>Jan  1 00:00:", 18) == 0);
	assert_string_equal(d + 20, " CP-8851-3PCC 00:56:2b:04:36:15 -- "
	    "Resync failed: file not found");

	h_fini(h);
	h_init(h, 1);
	set(h, "Syslog_Server", SYSLOG_IP);
	set(h, "Log_Failure_Msg", "$MA failed [$ERR]");
	start(h, "http://10.0.0.5/p.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 503, NULL, NULL);
	assert_non_null(next_syslog_dgram(h, SYSLOG_IP, 514));
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_string_equal(d + 20, " " MA " failed [http_get failed]");
}

/* B91: Syslog_Identifier=$MAC puts the colon MAC right after the
 * timestamp; $SN the serial; None nothing. */
static void
test_b91_syslog_identifier(void **state)
{
	struct h	*h = *state;
	const char	*d;

	set(h, "Syslog_Server", SYSLOG_IP);
	set(h, "Syslog_Identifier", "$MAC");
	set(h, "Log_Request_Msg", "hello");
	set(h, "Log_Success_Msg", "");
	start(h, "http://10.0.0.5/p.xml");
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_true(strncmp(d, "<133>Jan  1 00:00:", 18) == 0);
	assert_string_equal(d + 20, " 00:56:2b:04:36:15 hello");
	serve_ok(h);

	set(h, "Syslog_Identifier", "$SN");
	h_resync(h, NULL);
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_string_equal(d + 20, " FCH2301ABCD hello");
	serve_ok(h);

	set(h, "Syslog_Identifier", "$MAU");
	h_resync(h, NULL);
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_string_equal(d + 20, " 00562B043615 hello");
	serve_ok(h);

	set(h, "Syslog_Identifier", "None");
	h_resync(h, NULL);
	d = next_syslog_dgram(h, SYSLOG_IP, 514);
	assert_non_null(d);
	assert_string_equal(d + 20, " hello");
	serve_ok(h);
	assert_null(next_syslog_dgram(h, SYSLOG_IP, 514));
}

/* 16.2: a Syslog_Server name is resolved with the phone's resolver (its
 * own flow); the line waits for the answer, the next comes from the
 * cache; a name that does not resolve drops its lines. */
static void
test_syslog_server_name(void **state)
{
	struct h	*h = *state;
	const struct emu_action	*a;
	const char	*d;

	set(h, "Syslog_Server", "LOGS.example.com:5514");
	set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	assert_null(take(h, K_SLOG));
	a = take(h, K_UDP);
	assert_non_null(a);
	assert_int_equal(a->u.dgram.flow, EMU_FLOW_SYSLOG_DNS);
	h->cur[K_UDP]--;
	dns_maybe(h, "logs.example.com", "10.0.0.77");
	d = next_syslog_dgram(h, "10.0.0.77", 5514);
	assert_non_null(d);
	assert_non_null(strstr(d, "-- Requesting resync "));
	serve_ok(h);
	assert_null(take(h, K_UDP));		/* cached */
	d = next_syslog_dgram(h, "10.0.0.77", 5514);
	assert_non_null(d);
	assert_non_null(strstr(d, "-- Successful resync "));

	/* NXDOMAIN: the line is dropped, the resync goes on */
	h_fini(h);
	h_init(h, 1);
	set(h, "Syslog_Server", "nowhere.example.com");
	set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	{
		struct dns_msg	 q;
		struct dbuf	 b;
		char		*cause = NULL;

		a = take(h, K_UDP);
		assert_non_null(a);
		assert_int_equal(a->u.dgram.flow, EMU_FLOW_SYSLOG_DNS);
		if (dns_parse(&q, emu_act_data(&h->out, a), a->len,
		    &cause) != 0)
			fail_msg("bad DNS query: %s", cause);
		q.qr = 1;
		q.rcode = DNS_R_NXDOMAIN;
		dbuf_init(&b);
		dns_write(&q, &b);
		h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
		    .flow = a->u.dgram.flow, .src_ip = a->u.dgram.dst_ip,
		    .src_port = DNS_PORT, .data = b.data, .len = b.len });
		dbuf_clear(&b);
	}
	assert_null(take(h, K_SLOG));
	serve_ok(h);
	assert_int_equal(stats(h)->resync_ok, 1);
	/* a bad port is no destination */
	set(h, "Syslog_Server", SYSLOG_IP ":99999");
	h_resync(h, NULL);
	serve_ok(h);
	assert_null(take(h, K_SLOG));
	assert_int_equal(stats(h)->resync_ok, 2);
}

/* Histories (2.3, 3.7, 16.1). */

static const struct phone_hist *
hist(struct h *h, enum phone_hist_kind k, size_t *n)
{
	const struct phone_hist	*e;

	*n = phone_history(h->p, k, &e);
	return (e);
}

static const char *
hist_text(struct h *h, enum phone_hist_kind k, size_t i)
{
	static char		 buf[512];
	const struct phone_hist	*e;
	size_t			 n;

	e = hist(h, k, &n);
	assert_true(i < n);
	return (phone_hist_format(h->p, k, &e[i], buf, sizeof buf));
}

/* B92: Provisioning Status 1-3, newest first, each with its time and
 * failure reason; a fourth result pushes the oldest out. */
static void
test_b92_provisioning_history(void **state)
{
	struct h		*h = *state;
	const struct phone_hist	*e;
	size_t			 n;
	int64_t			 t0 = h->ctx->epoch;

	set(h, "Resync_Random_Delay", "0");
	start(h, "http://10.0.0.5/p.xml");
	hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 0);
	serve_ok(h);					/* 00:00:00 ok */
	h->now = EMU_SEC(60);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);			/* 00:01:00 B */
	h->now = EMU_SEC(3600 + 120);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 503, NULL, NULL);			/* 01:02:00 C */
	e = hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 3);
	assert_int_equal(e[0].when, t0 + 3720);
	assert_false(e[0].ok);
	assert_int_equal(e[0].err, EMU_E_HTTP);
	assert_string_equal(e[0].msg, "http_get failed");
	assert_int_equal(e[1].when, t0 + 60);
	assert_int_equal(e[1].err, EMU_E_FNF);
	assert_string_equal(e[1].msg, "file not found");
	assert_int_equal(e[2].when, t0);
	assert_true(e[2].ok);
	assert_null(e[2].msg);
	assert_string_equal(hist_text(h, PHONE_HIST_PROV, 0),
	    "Resync failed 01/01/2027 01:02:00 http://10.0.0.5:80/p.xml "
	    "http_get failed");
	assert_string_equal(hist_text(h, PHONE_HIST_PROV, 1),
	    "Resync failed 01/01/2027 00:01:00 http://10.0.0.5:80/p.xml "
	    "file not found");
	assert_string_equal(hist_text(h, PHONE_HIST_PROV, 2),
	    "Resync succeeded 01/01/2027 00:00:00 http://10.0.0.5:80/p.xml");
	/* the phone's zone: UTC+02:00 shows 03:02:00 */
	h->ctx->tz_offset_s = 7200;
	assert_string_equal(hist_text(h, PHONE_HIST_PROV, 0),
	    "Resync failed 01/01/2027 03:02:00 http://10.0.0.5:80/p.xml "
	    "http_get failed");
	h->ctx->tz_offset_s = 0;
	/* a fourth pushes the first out */
	h->now = EMU_SEC(86400 + 5);
	h_resync(h, NULL);
	serve_ok(h);
	e = hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 3);
	assert_true(e[0].ok);
	assert_int_equal(e[0].when, t0 + 86405);
	assert_string_equal(hist_text(h, PHONE_HIST_PROV, 0),
	    "Resync succeeded 01/02/2027 00:00:05 http://10.0.0.5:80/p.xml");
	assert_int_equal(e[1].err, EMU_E_HTTP);
	assert_int_equal(e[2].err, EMU_E_FNF);
	/* kept across a reboot (flash, 2.3) */
	h_simple(h, EMU_EV_REBOOT);
	hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 3);
}

/* B93: the reboot history keeps the last five reasons, newest first; a
 * factory reset erases every history, and the boot that follows it is
 * the first new entry ("Factory Reset", 3.7). */
static void
test_b93_reboot_history(void **state)
{
	struct h		*h = *state;
	const struct phone_hist	*e;
	size_t			 n;
	int			 i;

	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	e = hist(h, PHONE_HIST_REBOOT, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].reason, PHONE_RB_POWER);
	assert_string_equal(phone_reboot_name(e[0].reason), "Power Cycled");
	for (i = 1; i <= 5; i++) {
		h->now = EMU_SEC(100 * i);
		h_simple(h, EMU_EV_REBOOT);
	}
	e = hist(h, PHONE_HIST_REBOOT, &n);
	assert_int_equal(n, 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(e[i].reason, PHONE_RB_USER);
		assert_int_equal(e[i].when, h->ctx->epoch + 100 * (5 - i));
	}
	assert_string_equal(hist_text(h, PHONE_HIST_REBOOT, 0),
	    "User Triggered 01/01/2027 00:08:20");
	hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 1);

	h->now = EMU_SEC(1000);
	h_simple(h, EMU_EV_FACTORY_RESET);
	hist(h, PHONE_HIST_PROV, &n);
	assert_int_equal(n, 0);
	hist(h, PHONE_HIST_UPGRADE, &n);
	assert_int_equal(n, 0);
	e = hist(h, PHONE_HIST_REBOOT, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].reason, PHONE_RB_FACTORY);
	assert_int_equal(e[0].when, h->ctx->epoch + 1000);
	assert_int_equal(phone_reboot_parse("factory reset"), PHONE_RB_FACTORY);
	assert_int_equal(phone_reboot_parse("Provisioning"),
	    PHONE_RB_PROVISIONING);
	assert_int_equal(phone_reboot_parse("Rebooted"), -1);
	assert_int_equal(phone_hist_kind_parse("reboot"), PHONE_HIST_REBOOT);
	assert_int_equal(phone_hist_kind_parse("nope"), -1);

	/* switched off, a reset clears all and records nothing yet */
	h_simple(h, EMU_EV_POWER_OFF);
	h_simple(h, EMU_EV_FACTORY_RESET);
	hist(h, PHONE_HIST_REBOOT, &n);
	assert_int_equal(n, 0);
	h_simple(h, EMU_EV_POWER_ON);
	e = hist(h, PHONE_HIST_REBOOT, &n);
	assert_int_equal(n, 1);
	assert_int_equal(e[0].reason, PHONE_RB_POWER);
}

/* 3.4 step 2, 3.6: calls and the idle rule. */

static void
h_call(struct h *h, int start)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_CALL,
	    .flags = start ? EMU_CALL_START : 0 });
}

/* B87: a periodic resync due during a call waits; it runs when the call
 * ends. */
static void
test_b87_periodic_waits_for_idle(void **state)
{
	struct h	*h = *state;
	emu_time	 due;

	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h->now += EMU_SEC(100);
	h_call(h, 1);
	due = h->now + EMU_SEC(500);
	h_timer(h);
	assert_int_equal(h->now, due);
	assert_null(take(h, K_OPEN));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	/* still waiting well before Forced_Resync_Delay (14400 s) */
	assert_int_equal(phone_deadline(h->p), due + EMU_SEC(14400));
	h->now += EMU_SEC(300);
	h_call(h, 0);
	serve_ok(h);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->resyncs, 2);
	assert_int_equal(stats(h)->last_resync_at, due + EMU_SEC(300));
	assert_int_equal(next_resync_s(h), 600);
}

/* B87: overlapping calls: idle only when the last one ends. */
static void
test_b87_overlapping_calls(void **state)
{
	struct h	*h = *state;

	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h_call(h, 1);
	h_call(h, 1);
	h_timer(h);
	assert_null(take(h, K_OPEN));
	h_call(h, 0);
	assert_null(take(h, K_OPEN));
	h_call(h, 0);
	serve_ok(h);
	assert_int_equal(stats(h)->resyncs, 2);
	/* an end without a call changes nothing */
	h_call(h, 0);
	assert_null(take(h, K_OPEN));
}

/* B87: busy for Forced_Resync_Delay since the resync came due: it runs
 * during the call, and the end of the call starts nothing more. */
static void
test_b87_forced_during_long_call(void **state)
{
	struct h	*h = *state;
	emu_time	 due;

	set(h, "Resync_Periodic", "600");
	set(h, "Forced_Resync_Delay", "1800");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h_call(h, 1);
	h_timer(h);
	due = h->now;
	assert_null(take(h, K_OPEN));
	h_timer(h);
	assert_int_equal(h->now, due + EMU_SEC(1800));
	serve_ok(h);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
	assert_int_equal(stats(h)->resyncs, 2);
	h->now += EMU_SEC(60);
	h_call(h, 0);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 2);
	assert_int_equal(next_resync_s(h), 600 - 60);
}

/* B87, B124: a postponed periodic resync and two direct-action resyncs
 * during the same call make one resync at idle, with the explicit rule. */
static void
test_b87_postponed_and_trigger_one_resync(void **state)
{
	struct h	*h = *state;

	set(h, "Resync_Periodic", "600");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h_call(h, 1);
	h_timer(h);
	h_resync(h, "http://10.0.0.5/now.xml");
	h_resync(h, "http://10.0.0.5/now.xml");
	assert_null(take(h, K_OPEN));
	h_call(h, 0);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/now.xml");
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 2);
}

/* 3.3: the LCD "Resync" does not wait for idle; /admin/resync does. */
static void
test_b87_lcd_resync_does_not_wait(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	h_call(h, 1);
	h_resync(h, NULL);
	assert_null(take(h, K_OPEN));
	h_event(h, &(struct emu_event){ .type = EMU_EV_RESYNC,
	    .flags = EMU_RESYNC_LCD });
	serve_ok(h);
	assert_int_equal(stats(h)->resyncs, 2);
	/* the waiting one was the same resync: nothing at idle */
	h_call(h, 0);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 2);
}

/* B87: the power-up resync waits for idle too. */
static void
test_b87_boot_resync_waits(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
	boot_with_options(h, OPTS({ 66, SRV_IP }));
	h_call(h, 1);
	h_timer(h);
	assert_null(take(h, K_OPEN));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	h_call(h, 0);
	serve_ok(h);
	assert_outcome(h, EMU_CLASS_A, EMU_OK);
}

/* 16.3: SIP NOTIFY remote triggers. */

#define SIP_PEER	0x0a000009	/* 10.0.0.9, the soft switch */

static void
sip_notify(struct h *h, const char *event, const char *authz, uint32_t cseq)
{
	struct sip_msg	 m;
	struct dbuf	 b;

	sip_msg_init(&m);
	m.is_request = 1;
	pf_strlcpy(m.method, "NOTIFY", sizeof m.method);
	pf_strlcpy(m.uri, "sip:1001@10.0.0.100:5060", sizeof m.uri);
	snprintf(m.via[0], sizeof m.via[0],
	    "SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKt%u", cseq);
	m.nvia = 1;
	pf_strlcpy(m.from, "<sip:ops@10.0.0.9>;tag=77", sizeof m.from);
	pf_strlcpy(m.to, "<sip:1001@10.0.0.100>", sizeof m.to);
	pf_strlcpy(m.call_id, "notify-1@10.0.0.9", sizeof m.call_id);
	m.cseq = cseq;
	pf_strlcpy(m.cseq_method, "NOTIFY", sizeof m.cseq_method);
	pf_strlcpy(m.event, event, sizeof m.event);
	if (authz != NULL)
		pf_strlcpy(m.authorization, authz, sizeof m.authorization);
	dbuf_init(&b);
	assert_int_equal(sip_msg_write(&m, NULL, &b), 0);
	h_event(h, &(struct emu_event){ .type = EMU_EV_DGRAM,
	    .flow = EMU_FLOW_SIP, .src_ip = SIP_PEER, .src_port = 5060,
	    .data = b.data, .len = b.len });
	dbuf_clear(&b);
}

/* The phone's answer: to where the NOTIFY came from, from its 5060. */
static int
sip_answer(struct h *h, struct sip_msg *r)
{
	const struct emu_action	*a;
	char			*cause = NULL;

	while ((a = take(h, K_UDP)) != NULL &&
	    a->u.dgram.flow != EMU_FLOW_SIP)
		;
	assert_non_null(a);
	assert_int_equal(a->u.dgram.dst_ip, SIP_PEER);
	assert_int_equal(a->u.dgram.dst_port, 5060);
	assert_int_equal(a->u.dgram.src_port, 5060);
	if (sip_msg_parse(r, emu_act_data(&h->out, a), a->len, &cause) != 0)
		fail_msg("phone sent a bad SIP answer: %s", cause);
	assert_false(r->is_request);
	assert_string_equal(r->call_id, "notify-1@10.0.0.9");
	return (r->status);
}

/* RFC 2617 / 7616 Digest answer to the 401 chal, qop auth. */
static void
sip_authz(const struct sip_msg *chal, const char *user, const char *pass,
    char *out, size_t size)
{
	char	realm[128], nonce[128], resp[HTTP_DIGEST_HEX];

	assert_int_equal(http_auth_param(chal->www_authenticate, "realm",
	    realm, sizeof realm), 0);
	assert_int_equal(http_auth_param(chal->www_authenticate, "nonce",
	    nonce, sizeof nonce), 0);
	assert_int_equal(http_digest_response("MD5", user, realm, pass,
	    "NOTIFY", "sip:1001@10.0.0.100:5060", nonce, "00000001", "0a4f113b",
	    "auth", resp), 0);
	snprintf(out, size, "Digest username=\"%s\", realm=\"%s\", "
	    "nonce=\"%s\", uri=\"sip:1001@10.0.0.100:5060\", response=\"%s\", "
	    "algorithm=MD5, qop=auth, nc=00000001, cnonce=\"0a4f113b\"", user,
	    realm, nonce, resp);
}

/* Booted, provisioned, line 1 = 1001/secret. */
static void
sip_start(struct h *h)
{
	size_t	i;
	int	listen = 0;

	set(h, "User_ID_1_", "1001");
	set(h, "Password_1_", "secret");
	start(h, "http://10.0.0.5/p.xml");
	serve_ok(h);
	for (i = 0; i < h->out.n; i++) {
		if (h->out.act[i].type == EMU_ACT_LISTEN &&
		    h->out.act[i].u.listen.flow == EMU_FLOW_SIP &&
		    h->out.act[i].u.listen.port == 5060)
			listen = 1;
	}
	assert_true(listen);
}

/* B110: challenged with 401, honoured after authentication. */
static void
test_b110_notify_resync_authenticated(void **state)
{
	struct h	*h = *state;
	struct sip_msg	 r, r2;
	char		 authz[512], nonce[64], realm[64];

	sip_start(h);
	sip_notify(h, "resync", NULL, 1);
	assert_int_equal(sip_answer(h, &r), 401);
	assert_int_equal(http_auth_param(r.www_authenticate, "scheme", realm,
	    sizeof realm), 0);
	assert_string_equal(realm, "Digest");
	assert_int_equal(http_auth_param(r.www_authenticate, "nonce", nonce,
	    sizeof nonce), 0);
	assert_true(strlen(nonce) >= 16);
	assert_null(take(h, K_OPEN));
	sip_authz(&r, "1001", "secret", authz, sizeof authz);
	sip_notify(h, "resync", authz, 2);
	assert_int_equal(sip_answer(h, &r2), 200);
	serve_ok(h);
	assert_int_equal(stats(h)->resyncs, 2);
	/* a retransmission is answered again and acted upon once */
	sip_notify(h, "resync", authz, 2);
	assert_int_equal(sip_answer(h, &r2), 200);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 2);
}

/* B110: Resync_From_SIP=No: the authenticated NOTIFY changes nothing. */
static void
test_b110_resync_from_sip_no(void **state)
{
	struct h	*h = *state;
	struct sip_msg	 r;
	char		 authz[512];

	set(h, "Resync_From_SIP", "No");
	sip_start(h);
	sip_notify(h, "resync", NULL, 1);
	assert_int_equal(sip_answer(h, &r), 401);
	sip_authz(&r, "1001", "secret", authz, sizeof authz);
	sip_notify(h, "resync", authz, 2);
	assert_int_equal(sip_answer(h, &r), 200);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 1);
}

/* B110: wrong credentials or a nonce the phone never gave: nothing. */
static void
test_b110_wrong_credentials(void **state)
{
	struct h	*h = *state;
	struct sip_msg	 r, r2;
	char		 authz[512];

	sip_start(h);
	sip_notify(h, "resync", NULL, 1);
	assert_int_equal(sip_answer(h, &r), 401);
	sip_authz(&r, "1001", "wrong", authz, sizeof authz);
	sip_notify(h, "resync", authz, 2);
	assert_int_equal(sip_answer(h, &r2), 403);
	sip_authz(&r, "1002", "secret", authz, sizeof authz);
	sip_notify(h, "reboot_now", authz, 3);
	assert_int_equal(sip_answer(h, &r2), 403);
	/* an answer to a nonce of its own making is challenged again */
	pf_strlcpy(r.www_authenticate, "Digest realm=\"10.0.0.100\", "
	    "nonce=\"00000000000000000000000000000000\"",
	    sizeof r.www_authenticate);
	sip_authz(&r, "1001", "secret", authz, sizeof authz);
	sip_notify(h, "resync", authz, 4);
	assert_int_equal(sip_answer(h, &r2), 401);
	assert_null(take(h, K_OPEN));
	assert_int_equal(stats(h)->resyncs, 1);
	assert_int_equal(stats(h)->reboots, 0);
	/* an unknown event is refused at once */
	sip_notify(h, "check-sync", NULL, 5);
	assert_int_equal(sip_answer(h, &r2), 489);
}

/* 16.3, 3.7: reboot_now reboots with the reason SIP Triggered; so does
 * restart_now (a warm restart). */
static void
test_b110_reboot_now_sip_triggered(void **state)
{
	struct h		*h = *state;
	const struct emu_action	*a;
	struct sip_msg		 r;
	struct dhcp_msg		 m;
	char			 authz[512];
	const char		*ev[] = { "reboot_now", "restart_now" };
	size_t			 i;

	sip_start(h);
	for (i = 0; i < nitems(ev); i++) {
		sip_notify(h, ev[i], NULL, 10 * i + 1);
		assert_int_equal(sip_answer(h, &r), 401);
		assert_int_equal(stats(h)->reboots, i);
		sip_authz(&r, "1001", "secret", authz, sizeof authz);
		sip_notify(h, ev[i], authz, 10 * i + 2);
		assert_int_equal(sip_answer(h, &r), 200);
		assert_int_equal(stats(h)->reboots, i + 1);
		assert_int_equal(phone_status(h->p)->last_reboot,
		    PHONE_RB_SIP);
		assert_string_equal(phone_reboot_name(PHONE_RB_SIP),
		    "SIP Triggered");
		assert_int_equal(phone_state(h->p), PROV_NETWORK);
		dhcp_take(h, &m, DHCPDISCOVER);
		dhcp_answer(h, OPTS({ 66, SRV_IP }));
		h_timer(h);
		serve_ok(h);
		/* the port is listened on again after the reboot */
		while ((a = take(h, K_OTHER)) != NULL &&
		    a->type != EMU_ACT_LISTEN)
			;
	}
}

/* B110 with B87: a NOTIFY resync during a call waits for idle. */
static void
test_b110_notify_resync_waits_for_idle(void **state)
{
	struct h	*h = *state;
	struct sip_msg	 r;
	char		 authz[512];

	sip_start(h);
	h_call(h, 1);
	sip_notify(h, "resync", NULL, 1);
	assert_int_equal(sip_answer(h, &r), 401);
	sip_authz(&r, "1001", "secret", authz, sizeof authz);
	sip_notify(h, "resync", authz, 2);
	assert_int_equal(sip_answer(h, &r), 200);
	assert_null(take(h, K_OPEN));
	h->now += EMU_SEC(30);
	h_call(h, 0);
	serve_ok(h);
	assert_int_equal(stats(h)->resyncs, 2);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		T(test_b1_option66_tftp),
		T(test_b1_tftp_multiblock),
		T(test_b2_discover_option60),
		T(test_b3_option66_before_160),
		T(test_b4_option_to_use_160),
		T(test_b5_dhcp_source_aborts_customization),
		T(test_b3_options_150_159),
		T(test_t4_discover_backoff),
		T(test_dhcp_nak_restarts_discover),
		T(test_b26_no_server),
		T(test_b27_rule_without_scheme),
		T(test_b28_ports),
		T(test_b29_comment_rule_skipped),
		T(test_b36_assignment_before_fetch),
		T(test_b37_post_body),
		T(test_b38_secret_credentials),
		T(test_b43_four_rules_in_order),
		T(test_b44_empty_rule_then_b),
		T(test_b45_failure_stops_later_rules),
		T(test_b46_redirects),
		T(test_b46_redirect_keeps_post_and_limit),
		T(test_b47_401_retried_twice),
		T(test_b47_401_without_credentials),
		T(test_b48_407_proxy_credentials),
		T(test_b49_404),
		T(test_b50_class_c_statuses),
		T(test_b50_empty_2xx),
		T(test_b51_http10_read_to_close),
		T(test_b52_chunked),
		T(test_b67_aes128gcm_without_ikm),
		T(test_b53_user_agent),
		T(test_b58_rule_credentials_win),
		T(test_b60_tftp_errors),
		T(test_b62_gzip),
		T(test_b63_aes_cbc_right_key),
		T(test_b64_aes_cbc_wrong_key),
		T(test_b65_gzip_then_aes),
		T(test_b68_malformed_xml),
		T(test_b76_periodic_schedule),
		T(test_b77_retry_schedule),
		T(test_b78_no_periodic_before_success),
		T(test_b79_no_retry),
		T(test_b80_resync_at),
		T(test_b81_invalid_resync_at),
		T(test_b82_boot_delay),
		T(test_b83_no_resync_on_reset),
		T(test_b84_provision_disabled),
		T(test_b85_trigger_gates_periodic),
		T(test_b86_explicit_resync_ignores_triggers),
		T(test_b88_resync_with_rule),
		T(test_b89_syslog_request_success),
		T(test_b90_syslog_failure),
		T(test_b123_reboot_skips_boot_resync),
		T(test_b124_coalesced_follow_up),
		T(test_b124_resync_during_boot),
		T(test_hostile_garbage),
		T(test_hostile_huge_header),
		T(test_hostile_endless_chunked),
		T(test_hostile_silent_server),
		T(test_hostile_truncated),
		T(test_power_off_during_transfer),
		T(test_power_off_during_tftp),
		T(test_b6_auto_srv_discovery),
		T(test_b8_srv_next_target),
		T(test_b10_srv_explicit_http),
		T(test_b16_lcd_rule_aborts),
		T(test_b17_provisioned_no_edos),
		T(test_b111_restricted_domains),
		T(test_b112_proxy),
		T(test_hostile_edos_replies),
		T(test_hostile_gds_replies),
		T(test_srv_points_at_itself),
		T(test_b11_edos_query_pending),
		T(test_b12_old_firmware_webapps),
		T(test_b13_edos_redirect_acquired),
		T(test_b13_redirect_resync_fails),
		T(test_b14_edos_empty_unavailable),
		T(test_b15_edos_unreachable_retries),
		T(test_b19_unavailable_activation_screen),
		T(test_b21_gds_code_accepted),
		T(test_b22_gds_invalid_code),
		T(test_b23_short_code),
		T(test_b24_short_code_refused_locally),
		T(test_b25_cp6861_no_activation),
		T(test_b123_edos_reboot_rc),
		T(test_intern_changing_value_bounded),
		T(test_b63_aes_cbc_md5_derivation),
		T(test_digest_echo_quoted),
		T(test_digest_ctl_username),
		T(test_b66_aes128gcm_with_ikm_and_key),
		T(test_b67_aes128gcm_no_ikm_no_key),
		T(test_b89_syslog_datagrams),
		T(test_b90_syslog_failure_datagram),
		T(test_b91_syslog_identifier),
		T(test_syslog_server_name),
		T(test_b92_provisioning_history),
		T(test_b93_reboot_history),
		T(test_b87_periodic_waits_for_idle),
		T(test_b87_overlapping_calls),
		T(test_b87_forced_during_long_call),
		T(test_b87_postponed_and_trigger_one_resync),
		T(test_b87_lcd_resync_does_not_wait),
		T(test_b87_boot_resync_waits),
		T(test_b110_notify_resync_authenticated),
		T(test_b110_resync_from_sip_no),
		T(test_b110_wrong_credentials),
		T(test_b110_reboot_now_sip_triggered),
		T(test_b110_notify_resync_waits_for_idle),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

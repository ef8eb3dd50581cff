/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * proto/: wire codecs as pure functions over byte buffers (DHCPv4, DNS,
 * TFTP, HTTP/1.1 messages) and the generic containers every layer uses.
 * Nothing here does I/O, reads a clock or keeps mutable global state.
 * Addresses are IPv4 in host byte order (uint32_t) throughout.
 */

#ifndef PF_PROTO_H
#define PF_PROTO_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h"

/* dbuf.c */
struct dbuf {
	uint8_t	*data;		/* always NUL-terminated when not NULL */
	size_t	 len;
	size_t	 cap;
};
void	 dbuf_init(struct dbuf *b);
void	 dbuf_clear(struct dbuf *b);
void	 dbuf_reset(struct dbuf *b);
void	 dbuf_reserve(struct dbuf *b, size_t more);
void	 dbuf_add(struct dbuf *b, const void *p, size_t len);
void	 dbuf_add_str(struct dbuf *b, const char *s);
void	 dbuf_add_u8(struct dbuf *b, uint8_t v);
void	 dbuf_add_u16(struct dbuf *b, uint16_t v);
void	 dbuf_add_u32(struct dbuf *b, uint32_t v);
void	 dbuf_printf(struct dbuf *b, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
void	 dbuf_consume(struct dbuf *b, size_t len);
uint8_t	*dbuf_steal(struct dbuf *b, size_t *len);

/* heap.c */
#define HEAP_NONE	((size_t)-1)
struct heap_ent {
	uint64_t	 key;
	uint64_t	 seq;
	size_t		 idx;	/* HEAP_NONE when not in a heap */
};
/* The array holds each entry's order inline, so sifting reads no entry. */
struct heap_slot {
	uint64_t	 key;
	uint64_t	 seq;
	struct heap_ent	*e;
};
struct heap {
	struct heap_slot *v;
	size_t		  n;
	size_t		  cap;
	uint64_t	  seq;
};
#define HEAP_ENT_INIT	{ 0, 0, HEAP_NONE }
void		 heap_init(struct heap *h);
void		 heap_clear(struct heap *h);
void		 heap_push(struct heap *h, struct heap_ent *e, uint64_t key);
struct heap_ent	*heap_top(const struct heap *h);
struct heap_ent	*heap_pop(struct heap *h);
void		 heap_remove(struct heap *h, struct heap_ent *e);
void		 heap_update(struct heap *h, struct heap_ent *e, uint64_t key);

/* hmap.c */
struct hmap_slot {
	const void	*key;	/* borrowed */
	size_t		 len;
	uint64_t	 hash;
	void		*val;	/* borrowed; NULL marks an empty slot */
};
struct hmap {
	struct hmap_slot	*slot;
	size_t			 n;
	size_t			 cap;	/* power of two */
};
uint64_t hmap_hash(const void *key, size_t len);
void	 hmap_init(struct hmap *m);
void	 hmap_clear(struct hmap *m);
void	*hmap_get(const struct hmap *m, const void *key, size_t len);
void	*hmap_put(struct hmap *m, const void *key, size_t len, void *val);
void	*hmap_del(struct hmap *m, const void *key, size_t len);
void	*hmap_next(const struct hmap *m, size_t *pos);

/* ipv4 helpers (compat.c) */
int	 ipv4_parse(const char *s, uint32_t *addr);	/* dotted quad only */
const char *ipv4_str(uint32_t addr, char *buf);	/* buf >= 16 bytes */

/* dhcp.c: DHCPv4 messages (RFC 2131, 2132, 3046, 3396, 3925, 8357) */
#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP_MIN_LEN		240	/* fixed header + magic cookie */
#define DHCP_MAX_LEN		1500
#define DHCP_OPTDATA_MAX	1300	/* total bytes of option values kept */
enum dhcp_type {
	DHCP_NONE = 0,
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM
};
enum dhcp_opt_code {
	DHCP_OPT_PAD = 0,
	DHCP_OPT_SUBNET_MASK = 1,
	DHCP_OPT_TIME_OFFSET = 2,
	DHCP_OPT_ROUTER = 3,
	DHCP_OPT_DNS = 6,
	DHCP_OPT_HOSTNAME = 12,
	DHCP_OPT_DOMAIN = 15,
	DHCP_OPT_BROADCAST = 28,
	DHCP_OPT_NTP = 42,
	DHCP_OPT_VENDOR = 43,
	DHCP_OPT_REQ_ADDR = 50,
	DHCP_OPT_LEASE = 51,
	DHCP_OPT_OVERLOAD = 52,
	DHCP_OPT_MSG_TYPE = 53,
	DHCP_OPT_SERVER_ID = 54,
	DHCP_OPT_PRL = 55,
	DHCP_OPT_MESSAGE = 56,
	DHCP_OPT_MAX_SIZE = 57,
	DHCP_OPT_RENEW = 58,
	DHCP_OPT_REBIND = 59,
	DHCP_OPT_VCI = 60,
	DHCP_OPT_CLIENT_ID = 61,
	DHCP_OPT_TFTP_SERVER = 66,
	DHCP_OPT_BOOTFILE = 67,
	DHCP_OPT_RELAY = 82,
	DHCP_OPT_VIVSO = 125,
	DHCP_OPT_TFTP_LIST = 150,
	DHCP_OPT_159 = 159,
	DHCP_OPT_160 = 160,
	DHCP_OPT_END = 255
};
#define DHCP_RELAY_CIRCUIT_ID	1	/* option 82 sub-options */
#define DHCP_RELAY_REMOTE_ID	2
#define DHCP_RELAY_PORT		19	/* RFC 8357 */
#define DHCP_ENTERPRISE_DSLFORUM 3561	/* option 125, TR-069 Annex F */
struct dhcp_msg {
	uint8_t		 op;		/* 1 BOOTREQUEST, 2 BOOTREPLY */
	uint8_t		 htype;
	uint8_t		 hlen;
	uint8_t		 hops;
	uint32_t	 xid;
	uint16_t	 secs;
	uint16_t	 flags;		/* 0x8000 broadcast */
	uint32_t	 ciaddr, yiaddr, siaddr, giaddr;
	uint8_t		 chaddr[16];
	char		 sname[65];
	char		 file[129];
	/*
	 * Options: value of code c is optdata[off[c] .. off[c] + len[c]) when
	 * present[c]; repeated codes are concatenated (RFC 3396), in order.
	 */
	uint8_t		 present[256];
	uint16_t	 off[256];
	uint16_t	 olen[256];
	uint8_t		 order[256];	/* codes in the order first seen/set */
	uint16_t	 norder;
	uint8_t		 optdata[DHCP_OPTDATA_MAX];
	size_t		 optdata_len;
};
void		 dhcp_init(struct dhcp_msg *m);
int		 dhcp_parse(struct dhcp_msg *m, const uint8_t *buf, size_t len,
		     char **cause);
void		 dhcp_write(const struct dhcp_msg *m, struct dbuf *b);
enum dhcp_type	 dhcp_type(const struct dhcp_msg *m);
const char	*dhcp_type_name(enum dhcp_type t);
const uint8_t	*dhcp_opt_get(const struct dhcp_msg *m, uint8_t code,
		     size_t *len);
int		 dhcp_opt_set(struct dhcp_msg *m, uint8_t code,
		     const void *data, size_t len);	/* -1 if no room */
int		 dhcp_opt_set_u8(struct dhcp_msg *m, uint8_t code, uint8_t v);
int		 dhcp_opt_set_u32(struct dhcp_msg *m, uint8_t code, uint32_t v);
int		 dhcp_opt_set_str(struct dhcp_msg *m, uint8_t code,
		     const char *s);
int		 dhcp_opt_get_u32(const struct dhcp_msg *m, uint8_t code,
		     uint32_t *v);
/* Copies a string-valued option, NUL-terminated; -1 absent or too long. */
int		 dhcp_opt_get_str(const struct dhcp_msg *m, uint8_t code,
		     char *buf, size_t size);
/* Sub-option TLVs (options 43 and 82): find code in data. */
const uint8_t	*dhcp_subopt_find(const uint8_t *data, size_t len,
		     uint8_t code, size_t *sublen);
void		 dhcp_subopt_add(struct dbuf *b, uint8_t code, const void *v,
		     size_t len);
/* Option 125 (RFC 3925): sub-option code of one enterprise. */
const uint8_t	*dhcp_vivso_find(const uint8_t *data, size_t len,
		     uint32_t enterprise, uint8_t code, size_t *sublen);
void		 dhcp_vivso_add(struct dbuf *b, uint32_t enterprise,
		     const uint8_t *subopts, size_t sublen);

/* dns.c: DNS messages (RFC 1035 with name compression, RFC 2782 SRV) */
#define DNS_PORT	53
#define DNS_NAME_MAX	255
#define DNS_MSG_MAX	4096
#define DNS_RR_MAX	16
enum dns_type {
	DNS_T_A = 1,
	DNS_T_CNAME = 5,
	DNS_T_SRV = 33
};
#define DNS_C_IN	1
enum dns_rcode {
	DNS_R_NOERROR = 0,
	DNS_R_FORMERR = 1,
	DNS_R_SERVFAIL = 2,
	DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4,
	DNS_R_REFUSED = 5
};
struct dns_rr {
	char		 name[DNS_NAME_MAX + 1];	/* no trailing dot */
	uint16_t	 type;
	uint16_t	 class;
	uint32_t	 ttl;
	uint32_t	 a;				/* DNS_T_A */
	uint16_t	 prio, weight, port;		/* DNS_T_SRV */
	char		 target[DNS_NAME_MAX + 1];	/* SRV, CNAME */
};
struct dns_msg {
	uint16_t	 id;
	uint8_t		 qr, opcode, aa, tc, rd, ra;
	uint8_t		 rcode;
	char		 qname[DNS_NAME_MAX + 1];
	uint16_t	 qtype;
	uint16_t	 qclass;
	int		 has_question;
	struct dns_rr	 an[DNS_RR_MAX];
	size_t		 nan;
	struct dns_rr	 ar[DNS_RR_MAX];
	size_t		 nar;
};
void	 dns_init(struct dns_msg *m);
/* Records beyond DNS_RR_MAX and of unknown types are skipped, not errors. */
int	 dns_parse(struct dns_msg *m, const uint8_t *buf, size_t len,
	     char **cause);
void	 dns_write(const struct dns_msg *m, struct dbuf *b);	/* compresses */
void	 dns_query(struct dns_msg *m, uint16_t id, const char *name,
	     uint16_t type);
int	 dns_add_answer(struct dns_msg *m, const struct dns_rr *rr);

/* tftp.c: TFTP packets (RFC 1350, 2347 options, 2348 blksize, 2349 tsize) */
#define TFTP_PORT	69
#define TFTP_BLKSIZE	512
#define TFTP_BLKSIZE_MAX 65464
#define TFTP_NAME_MAX	255
#define TFTP_MSG_MAX	255
enum tftp_op {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6
};
enum tftp_err {
	TFTP_EUNDEF = 0,
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4,
	TFTP_EBADID = 5,
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8
};
struct tftp_pkt {
	enum tftp_op	 op;
	char		 file[TFTP_NAME_MAX + 1];	/* RRQ, WRQ */
	char		 mode[16];			/* RRQ, WRQ */
	uint16_t	 block;				/* DATA, ACK */
	const uint8_t	*data;		/* DATA: borrowed from the parsed buffer */
	size_t		 len;
	uint16_t	 code;				/* ERROR */
	char		 msg[TFTP_MSG_MAX + 1];		/* ERROR */
	long		 blksize;	/* RRQ/WRQ/OACK options; -1 if absent */
	long		 tsize;
	long		 timeout;
};
void	 tftp_init(struct tftp_pkt *p);
int	 tftp_parse(struct tftp_pkt *p, const uint8_t *buf, size_t len,
	     char **cause);
void	 tftp_write(const struct tftp_pkt *p, struct dbuf *b);
const char *tftp_op_name(enum tftp_op op);

/* http.c: HTTP/1.x messages (RFC 9112), both directions, incremental */
#define HTTP_HDR_MAX		48	/* header fields kept per message */
#define HTTP_HEAD_MAX		16384	/* bytes of start line + headers */
#define HTTP_BODY_MAX		(4 * 1024 * 1024)
enum http_rc {
	HTTP_MORE = 0,		/* need more bytes */
	HTTP_DONE = 1,		/* message complete */
	HTTP_ERROR = -1,	/* malformed; *cause says why */
	HTTP_TOOBIG = -2	/* head or body over its cap */
};
struct http_hdr {
	char	*name;		/* owned */
	char	*value;		/* owned, trimmed */
};
struct http_msg {
	/* start line */
	int		 is_request;
	char		 method[16];
	char		*target;	/* owned; request-target */
	int		 version_minor;	/* 0 or 1 (HTTP/1.x only) */
	int		 status;	/* responses */
	char		 reason[64];
	struct http_hdr	 hdr[HTTP_HDR_MAX];
	size_t		 nhdr;
	/* framing, filled once the head is complete */
	int		 head_done;
	int		 chunked;	/* Transfer-Encoding: chunked seen */
	int		 has_length;
	uint64_t	 content_length;
	int		 close_delimited;	/* response body ends at EOF */
	int		 head_only;	/* set before feeding: HEAD response */
	/* body, decoded (de-chunked) */
	struct dbuf	 body;
	size_t		 body_max;
	uint64_t	 body_len;	/* body bytes so far, sink or not */
	/* When set (before feeding), body bytes go to sink, not body:
	 * a body far larger than memory streams through (a firmware
	 * image).  http_msg_clear() keeps it. */
	void		(*sink)(void *arg, const uint8_t *data, size_t len);
	void		*sink_arg;
	/* parser state (private to http.c) */
	struct dbuf	 in;
	int		 state;
	uint64_t	 chunk_left;
	int		 done;
};
void	 http_msg_init(struct http_msg *m, int is_request, size_t body_max);
void	 http_msg_clear(struct http_msg *m);
/*
 * Feed bytes; returns enum http_rc.  Bytes after a complete message are left
 * in m->in (pipelining).  A chunked body on an HTTP/1.0 response is not
 * de-chunked: it is read to EOF as is and m->chunked says so (the phone
 * classifies it, spec 9.5).
 */
int	 http_msg_feed(struct http_msg *m, const uint8_t *data, size_t len,
	     char **cause);
/* The peer closed: completes a close-delimited body, else HTTP_ERROR. */
int	 http_msg_eof(struct http_msg *m, char **cause);
const char *http_msg_header(const struct http_msg *m, const char *name);
int	 http_has_token(const char *value, const char *token);
void	 http_request_write(struct dbuf *b, const char *method,
	     const char *target, const char *const *hdrs, const void *body,
	     size_t len);	/* hdrs: NULL-terminated "Name: value" lines */
void	 http_response_write(struct dbuf *b, int version_minor, int status,
	     const char *reason, const char *const *hdrs, const void *body,
	     size_t len, int chunked);
const char *http_reason(int status);
/* Base64 for Basic auth (RFC 7617).  Caller frees. */
char	*http_base64(const void *data, size_t len);
/* Parse one auth challenge: scheme and the named parameter (unquoted). */
int	 http_auth_param(const char *challenge, const char *param, char *buf,
	     size_t size);
/*
 * RFC 7616 3.4.1 (RFC 2069 when qop is NULL or ""): the Digest response,
 * lower-case hex in out (HTTP_DIGEST_HEX bytes with the NUL).  algorithm
 * "MD5" (or NULL) or "SHA-256"; qop "auth" takes nc and cnonce.  Returns
 * 0, or -1 for another algorithm or qop.
 */
#define HTTP_DIGEST_HEX		65
int	 http_digest_response(const char *algorithm, const char *user,
	     const char *realm, const char *pass, const char *method,
	     const char *uri, const char *nonce, const char *nc,
	     const char *cnonce, const char *qop, char *out);

/* sip.c: SIP messages, one per datagram (RFC 3261), enough for NOTIFY */
#define SIP_PORT		5060
#define SIP_MSG_MAX		4096	/* bytes of a datagram parsed */
#define SIP_VIA_MAX		4	/* Via fields kept */
#define SIP_HDR_MAX		32	/* other header fields skipped */
#define SIP_T1_MS		500	/* RFC 3261 17.1.1.1: RTT estimate */
#define SIP_T2_MS		4000	/* longest non-INVITE retransmit */
#define SIP_TF_MS		(64 * SIP_T1_MS)	/* Timer F, Timer J */
struct sip_msg {
	int		 is_request;
	char		 method[16];	/* requests */
	char		 uri[256];
	int		 status;	/* responses */
	char		 reason[64];
	char		 via[SIP_VIA_MAX][256];	/* each Via field as is */
	size_t		 nvia;
	char		 from[256];
	char		 to[256];
	char		 call_id[128];
	uint32_t	 cseq;
	char		 cseq_method[16];
	char		 event[64];	/* the event type, "" if none */
	char		 authorization[1024];
	char		 www_authenticate[1024];
	int		 has_length;
	uint32_t	 content_length;
	size_t		 nother;	/* other fields seen */
	const uint8_t	*body;		/* borrowed: into the parsed buffer */
	size_t		 body_len;
};
void	 sip_msg_init(struct sip_msg *m);
int	 sip_msg_parse(struct sip_msg *m, const uint8_t *buf, size_t len,
	     char **cause);
void	 sip_msg_reply(const struct sip_msg *req, int status,
	     const char *reason, const char *tag, struct sip_msg *resp);
int	 sip_msg_write(const struct sip_msg *m, const char *const *extra,
	     struct dbuf *b);
int	 sip_msg_param(const char *value, const char *name, char *buf,
	     size_t size);
const char *sip_msg_reason(int status);

/* json.c: a strict, bounded reader of one flat JSON object (RFC 8259) */
#define JSON_DOC_MAX		(64 * 1024)	/* bytes of a document */
#define JSON_STR_MAX		(16 * 1024)	/* bytes of one decoded string */
#define JSON_DEPTH_MAX		8	/* nesting inside skipped values */
#define JSON_MEMBERS_MAX	32	/* members of the top-level object */
enum json_type {
	JSON_STRING,
	JSON_NUMBER,
	JSON_TRUE,
	JSON_FALSE,
	JSON_NULL,
	JSON_NESTED		/* an object or array, checked and skipped */
};
struct json_member {
	char		*key;	/* owned, UTF-8 without NUL */
	char		*value;	/* owned: the decoded string, or the text of
				   a number or literal; NULL when nested */
	enum json_type	 type;
};
struct json_obj {
	struct json_member	 m[JSON_MEMBERS_MAX];
	size_t			 n;
};
/* 0, or -1 with *cause "offset N: reason"; clear o in both cases. */
int		 json_parse(struct json_obj *o, const uint8_t *buf, size_t len,
		     char **cause);
void		 json_obj_clear(struct json_obj *o);
const struct json_member *json_get(const struct json_obj *o, const char *key);
const char	*json_get_str(const struct json_obj *o, const char *key);
/* Append s as a quoted JSON string; invalid UTF-8 becomes U+FFFD. */
void		 json_write_str(struct dbuf *b, const char *s);
/* The code point at s (*len bytes left; set to bytes used), -1 invalid. */
long		 json_utf8(const unsigned char *s, size_t *len);

/* cloud.c: the EMULATOR-DEFINED EDOS and GDS exchanges (spec 13) */
#define CLOUD_EDOS_HOST		"activate.cisco.com"	/* 13.1 */
#define CLOUD_EDOS_HOST_OLD	"webapps.cisco.com"	/* < 11.2(1), K5 */
#define CLOUD_GDS_HOST		"activation.webex.com"	/* 13.3 */
#define CLOUD_DEVICE_PATH	"/rc/v1/device"		/* 13.1 */
#define CLOUD_CODE_PATH		"/rc/v1/code"		/* 13.2 */
#define CLOUD_GDS_PATH		"/api/v1/activate"	/* 13.3 */
#define CLOUD_GDS_DIGITS	16	/* a GDS activation code */
#define CLOUD_SHORT_MIN		3	/* a short code (13.2) */
#define CLOUD_SHORT_MAX		16
#define CLOUD_FIELD_MAX		64	/* bytes of pid, sn, fw; a typed code */
#define CLOUD_TARGET_MAX	1024	/* bytes of a request-target */
#define CLOUD_PARAMS_MAX	16	/* query parameters of one request */
#define CLOUD_RULE_MAX		1024	/* bytes of profileRule, uid, pwd */
#define CLOUD_COMPANY_MAX	64	/* bytes of the company name kept */
#define CLOUD_REPLY_MAX		(64 * 1024)	/* bytes of an answer */
enum cloud_req {
	CLOUD_REQ_DEVICE,	/* GET CLOUD_DEVICE_PATH */
	CLOUD_REQ_CODE,		/* GET CLOUD_CODE_PATH */
	CLOUD_REQ_GDS		/* POST CLOUD_GDS_PATH */
};
enum cloud_code {
	CLOUD_CODE_GDS,		/* 16 digits */
	CLOUD_CODE_SHORT	/* '#' and 3-16 digits */
};
enum cloud_gds {
	CLOUD_GDS_OK,		/* 200 with a rule */
	CLOUD_GDS_INVALID,	/* 400 404 410: "Invalid activation code" */
	CLOUD_GDS_FAILED	/* anything else: "Activation failed" */
};
enum cloud_edos {
	CLOUD_EDOS_REDIRECT,	/* 200 flat profile: Custom Pending */
	CLOUD_EDOS_UNAVAILABLE,	/* 200 empty, 404: Unavailable */
	CLOUD_EDOS_RETRY	/* other status, no answer: stays Pending */
};
struct cloud_query {		/* a request as the service reads it */
	enum cloud_req	 req;
	char		 mac[13];	/* 12 hex digits, upper case */
	char		 pid[CLOUD_FIELD_MAX + 1];	/* "" if not given */
	char		 sn[CLOUD_FIELD_MAX + 1];
	char		 fw[CLOUD_FIELD_MAX + 1];
	char		 code[CLOUD_GDS_DIGITS + 1];	/* CODE and GDS */
};
struct cloud_grant {		/* a GDS 200 answer */
	char		*rule;		/* owned */
	char		*uid;		/* owned, NULL if none */
	char		*pwd;		/* owned, NULL if none */
};
/* Requests (phone side); values percent-encoded.  Caller frees. */
char	*cloud_device_target(const char *mac, const char *pid, const char *sn,
	     const char *fw);
char	*cloud_code_target(const char *digits, const char *mac,
	     const char *pid);
char	*cloud_gds_body(const char *code, const char *mac, const char *pid,
	     const char *sn, const char *fw);
/* enum cloud_code, or -1 with *cause (B24); the code is never quoted. */
int	 cloud_code_check(const char *code, char **cause);
/* Requests (service side): 0, or -1 with *cause. */
int	 cloud_target_parse(struct cloud_query *q, const char *target,
	     char **cause);
int	 cloud_gds_body_parse(struct cloud_query *q, const uint8_t *body,
	     size_t len, char **cause);
/* Answers: the service writes a grant, the phone reads the answers. */
void	 cloud_grant_write(struct dbuf *b, const char *rule, const char *uid,
	     const char *pwd);	/* uid, pwd: NULL to leave out */
/* enum cloud_gds; status 0 = no answer.  OK fills g, FAILED sets *cause. */
int	 cloud_gds_reply(int status, const uint8_t *body, size_t len,
	     struct cloud_grant *g, char **cause);
void	 cloud_grant_clear(struct cloud_grant *g);
char	*cloud_grant_rule(const struct cloud_grant *g);	/* caller frees */
/* enum cloud_edos; *company (caller frees) or NULL; RETRY sets *cause. */
int	 cloud_edos_classify(int status, const uint8_t *body, size_t len,
	     char **company, char **cause);

#endif /* PF_PROTO_H */

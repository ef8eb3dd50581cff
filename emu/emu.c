/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The fleet-wide emulation context, the action outbox and the names of the
 * shared enums (error classes, provisioning and customization states).
 */

#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* The $ERR text (spec 6.2) and a short cause name, by error. */
static const struct {
	const char	*text;
	const char	*cause;
} emu_err_table[EMU_E__COUNT] = {
	[EMU_OK] = { "", "ok" },
	[EMU_E_FNF] = { "file not found", "not-found" },
	[EMU_E_CORRUPT] = { "corrupt file", "corrupt" },
	[EMU_E_DECRYPT] = { "decrypt failed", "decrypt" },
	[EMU_E_HTTP] = { "http_get failed", "http-status" },
	[EMU_E_AUTH] = { "auth failed", "auth" },
	[EMU_E_REDIRECT] = { "too many redirects", "redirects" },
	[EMU_E_BADREDIRECT] = { "bad redirect", "bad-redirect" },
	[EMU_E_CONNECT] = { "connection failed", "connect" },
	[EMU_E_TIMEOUT] = { "timeout", "timeout" },
	[EMU_E_DNS] = { "dns lookup failed", "dns" },
	[EMU_E_TLS] = { "tls handshake failed", "tls" },
	[EMU_E_TLS_UNTRUSTED] = { "tls handshake failed", "tls-untrusted" },
	[EMU_E_TLS_EXPIRED] = { "tls handshake failed", "tls-expired" },
	[EMU_E_TLS_NOTYET] = { "tls handshake failed", "tls-not-yet-valid" },
	[EMU_E_TLS_NAME] = { "tls handshake failed", "tls-name" },
	[EMU_E_TLS_CLIENTCERT] = { "tls handshake failed", "tls-client-cert" },
	[EMU_E_TLS_VERSION] = { "tls handshake failed", "tls-version" },
	[EMU_E_TLS_TRUNCATED] = { "tls handshake failed", "tls-truncated" },
	[EMU_E_TLS_PROTO] = { "tls handshake failed", "tls-protocol" },
	[EMU_E_TLS_TIMEOUT] = { "tls handshake failed", "tls-stall" },
	[EMU_E_TLS_CHAIN] = { "tls handshake failed", "tls-chain" },
	[EMU_E_TRUNCATED] = { "transfer truncated", "truncated" },
	[EMU_E_PROTO] = { "bad response", "bad-response" },
	[EMU_E_TFTP] = { "tftp error", "tftp-error" },
	[EMU_E_TOOBIG] = { "file too big", "too-big" },
	[EMU_E_NOSERVER] = { "no server", "no-server" },
	[EMU_E_BADRULE] = { "bad profile rule", "bad-rule" },
	[EMU_E_SRVTFTP] = {
	    "Error - TFTP Scheme not supported in SRV lookups.", "srv-tftp" },
	[EMU_E_DISABLED] = { "Provisioning disabled", "disabled" },
	[EMU_E_DOMAIN] = { "domain not allowed", "domain" },
	[EMU_E_PROXY] = { "proxy refused", "proxy" },
	[EMU_E_IMAGE] = { "image not supported", "image-family" },
	[EMU_E_DOWNGRADE] = { "downgrade not allowed", "downgrade" },
	[EMU_E_LOADS] = { "bad loads file", "loads" },
	[EMU_E_IMAGE_BAD] = { "image corrupt", "image-corrupt" },
	[EMU_E_UPGRADE_OFF] = { "upgrade disabled", "upgrade-disabled" },
};

static const char *const emu_xfer_kind_names[EMU_XFER__COUNT] = {
	[EMU_XFER_PROFILE] = "profile",
	[EMU_XFER_EDOS] = "edos",
	[EMU_XFER_CODE] = "short-code",
	[EMU_XFER_GDS] = "gds",
	[EMU_XFER_CA] = "custom-ca",
	[EMU_XFER_LOADS] = "loads",
	[EMU_XFER_IMAGE] = "image",
	[EMU_XFER_REPORT] = "report",
};

static const char *const phone_reboot_names[PHONE_RB__COUNT] = {
	[PHONE_RB_POWER] = "Power Cycled",
	[PHONE_RB_USER] = "User Triggered",
	[PHONE_RB_PROVISIONING] = "Provisioning",
	[PHONE_RB_RC] = "RC",
	[PHONE_RB_UPGRADE] = "Upgrade",
	[PHONE_RB_SIP] = "SIP Triggered",
	[PHONE_RB_IP] = "IP Changed",
	[PHONE_RB_FACTORY] = "Factory Reset",
};

static const char *const phone_act_names[PHONE_ACT__COUNT] = {
	[PHONE_ACT_HIDDEN] = "hidden",
	[PHONE_ACT_SHOWN] = "shown",
	[PHONE_ACT_BUSY] = "activating",
	[PHONE_ACT_INVALID] = "invalid",
	[PHONE_ACT_FAILED] = "failed",
	[PHONE_ACT_OK] = "ok",
};

static const char *const prov_state_names[PROV__COUNT] = {
	[PROV_OFF] = "off",
	[PROV_BOOT] = "boot",
	[PROV_NETWORK] = "network",
	[PROV_BOOT_DELAY] = "boot-delay",
	[PROV_DISCOVERY] = "discovery",
	[PROV_RESYNC] = "resync",
	[PROV_UPGRADE_CHECK] = "upgrade-check",
	[PROV_UPGRADING] = "upgrading",
	[PROV_OPERATIONAL] = "operational",
	[PROV_REBOOTING] = "rebooting",
	[PROV_ACTIVATION] = "activation",
	[PROV_FACTORY_RESET] = "factory-reset",
};

static const char *const cust_state_names[] = {
	[CUST_OPEN] = "Open",
	[CUST_ABORTED] = "Aborted",
	[CUST_PENDING] = "Pending",
	[CUST_CUSTOM_PENDING] = "Custom Pending",
	[CUST_ACQUIRED] = "Acquired",
	[CUST_UNAVAILABLE] = "Unavailable",
};

struct emu_ctx *
emu_ctx_create(uint64_t seed)
{
	struct emu_ctx	*ctx;

	ctx = xcalloc(1, sizeof *ctx);
	ctx->intern = intern_create();
	hmap_init(&ctx->param_index);
	param_index_build(&ctx->param_index);
	hmap_init(&ctx->profile_cache);
	ctx->seed = seed;
	ctx->epoch = 1798761600;	/* 2027-01-01 00:00:00 UTC */
	return (ctx);
}

void
emu_ctx_free(struct emu_ctx *ctx)
{
	struct profile	*pr;
	size_t		 pos = 0;

	if (ctx == NULL)
		return;
	while ((pr = hmap_next(&ctx->profile_cache, &pos)) != NULL)
		profile_unref(pr);
	hmap_clear(&ctx->profile_cache);
	hmap_clear(&ctx->param_index);
	intern_free(ctx->intern);
	pki_free(ctx->pki);
	free(ctx);
}

void
emu_outbox_init(struct emu_outbox *out)
{
	memset(out, 0, sizeof *out);
	dbuf_init(&out->arena);
}

void
emu_outbox_clear(struct emu_outbox *out)
{
	out->n = 0;
	dbuf_reset(&out->arena);
}

void
emu_outbox_free(struct emu_outbox *out)
{
	free(out->act);
	dbuf_clear(&out->arena);
	memset(out, 0, sizeof *out);
}

/* Append an action; data (may be NULL) is copied into the arena. */
struct emu_action *
emu_outbox_add(struct emu_outbox *out, enum emu_act_type type,
    const void *data, size_t len)
{
	struct emu_action	*a;

	if (out->n == out->cap) {
		out->cap = out->cap == 0 ? 8 : out->cap * 2;
		out->act = xreallocarray(out->act, out->cap, sizeof *out->act);
	}
	a = &out->act[out->n++];
	memset(a, 0, sizeof *a);
	a->type = type;
	a->off = out->arena.len;
	a->len = len;
	if (len != 0)
		dbuf_add(&out->arena, data, len);
	dbuf_add_u8(&out->arena, 0);	/* text payloads are NUL-terminated */
	return (a);
}

const uint8_t *
emu_act_data(const struct emu_outbox *out, const struct emu_action *a)
{
	return (out->arena.data + a->off);
}

const char *
emu_err_name(enum emu_err e)
{
	if ((unsigned)e >= EMU_E__COUNT)
		return ("unknown error");
	return (emu_err_table[e].text);
}

const char *
emu_err_cause(enum emu_err e)
{
	if ((unsigned)e >= EMU_E__COUNT)
		return ("unknown");
	return (emu_err_table[e].cause);
}

int
emu_err_parse_cause(const char *name)
{
	int	i;

	for (i = 0; i < EMU_E__COUNT; i++) {
		if (strcmp(emu_err_table[i].cause, name) == 0)
			return (i);
	}
	return (-1);
}

const char *
emu_xfer_kind_name(enum emu_xfer_kind k)
{
	if ((unsigned)k >= EMU_XFER__COUNT)
		return ("?");
	return (emu_xfer_kind_names[k]);
}

const char *
phone_reboot_name(enum phone_reboot r)
{
	if ((unsigned)r >= PHONE_RB__COUNT)
		return ("?");
	return (phone_reboot_names[r]);
}

const char *
phone_act_name(enum phone_act a)
{
	if ((unsigned)a >= PHONE_ACT__COUNT)
		return ("?");
	return (phone_act_names[a]);
}

int
phone_act_parse(const char *name)
{
	int	i;

	for (i = 0; i < PHONE_ACT__COUNT; i++) {
		if (strcmp(phone_act_names[i], name) == 0)
			return (i);
	}
	return (-1);
}

/*
 * Fold one note into counters.  This is all a fleet knows of its phones'
 * activity (DESIGN.md: notes are the statistics stream).
 */
void
emu_stats_add(struct emu_stats *st, const struct emu_note *n)
{
	switch (n->kind) {
	case EMU_NOTE_BOOT:
		st->boots++;
		if (n->arg != PHONE_RB_POWER)
			st->reboots++;
		break;
	case EMU_NOTE_DHCP_BOUND:
		st->dhcp_acks++;
		break;
	case EMU_NOTE_UPGRADE:
		st->upgrades++;
		if (n->arg == EMU_CLASS_A)
			st->upgrade_ok++;
		else
			st->upgrade_fail++;
		break;
	case EMU_NOTE_RESYNC:
		st->resyncs++;
		if (n->arg == EMU_CLASS_A)
			st->resync_ok++;
		else
			st->resync_fail++;
		break;
	case EMU_NOTE_XFER:
		if (n->xkind < EMU_XFER__COUNT) {
			st->xfers[n->xkind]++;
			if (n->err != EMU_OK)
				st->xfer_fail[n->xkind]++;
		}
		if (n->xkind == EMU_XFER_PROFILE)
			st->fetches++;
		st->requests += n->requests;
		if (n->tls == 1)
			st->tls_full++;
		else if (n->tls == 2)
			st->tls_resumed++;
		st->bytes_in += n->bytes_in;
		st->bytes_out += n->bytes_out;
		break;
	default:
		break;
	}
}

enum emu_class
emu_err_class(enum emu_err e)
{
	switch (e) {
	case EMU_OK:
		return (EMU_CLASS_A);
	case EMU_E_FNF:
	case EMU_E_CORRUPT:
	case EMU_E_DECRYPT:
	case EMU_E_TOOBIG:
	case EMU_E_LOADS:
	case EMU_E_IMAGE_BAD:
		return (EMU_CLASS_B);
	default:
		return (EMU_CLASS_C);
	}
}

const char *
emu_class_name(enum emu_class c)
{
	switch (c) {
	case EMU_CLASS_A:
		return ("A");
	case EMU_CLASS_B:
		return ("B");
	case EMU_CLASS_C:
		return ("C");
	default:
		return ("-");
	}
}

const char *
prov_state_name(enum prov_state st)
{
	if ((unsigned)st >= PROV__COUNT)
		return ("?");
	return (prov_state_names[st]);
}

int
prov_state_parse(const char *name)
{
	int	i;

	for (i = 0; i < PROV__COUNT; i++) {
		if (strcmp(prov_state_names[i], name) == 0)
			return (i);
	}
	return (-1);
}

const char *
cust_state_name(enum cust_state st)
{
	if ((unsigned)st >= nitems(cust_state_names))
		return ("?");
	return (cust_state_names[st]);
}

int
cust_state_parse(const char *name)
{
	size_t	i;

	for (i = 0; i < nitems(cust_state_names); i++) {
		if (pf_strcasecmp_ascii(cust_state_names[i], name) == 0)
			return (i);
	}
	if (pf_strcasecmp_ascii(name, "Custom-Pending") == 0)
		return (CUST_CUSTOM_PENDING);
	return (-1);
}

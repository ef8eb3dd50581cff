/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The parameter schema (spec 7), value validation, name aliases (7.2), the
 * string intern table and per-phone parameter sets.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "emu/emu.h"

#define GPP(c)	(P_GPP_A + ((c) - 'A'))

static int
setup(void **state)
{
	*state = emu_ctx_create(1);
	return (0);
}

static int
teardown(void **state)
{
	emu_ctx_free(*state);
	return (0);
}

static const char *
def(struct emu_ctx *ctx, const char *name)
{
	int	id = param_find(ctx, name);

	assert_true(id >= 0);
	return (param_table[id].def);
}

static int
valid(struct emu_ctx *ctx, const char *name, const char *value, char **cause)
{
	int	id = param_find(ctx, name);

	assert_true(id >= 0);
	return (param_validate(id, value, cause));
}

/* Every enum param_id names its table entry. */
static void
test_fixed_ids(void **state)
{
	static const struct {
		int		 id;
		const char	*name;
	} want[] = {
		{ P_PROVISION_ENABLE, "Provision_Enable" },
		{ P_RESYNC_ON_RESET, "Resync_On_Reset" },
		{ P_RESYNC_RANDOM_DELAY, "Resync_Random_Delay" },
		{ P_RESYNC_AT, "Resync_At__HHmm_" },
		{ P_RESYNC_AT_RANDOM_DELAY, "Resync_At_Random_Delay" },
		{ P_RESYNC_PERIODIC, "Resync_Periodic" },
		{ P_RESYNC_ERROR_RETRY_DELAY, "Resync_Error_Retry_Delay" },
		{ P_FORCED_RESYNC_DELAY, "Forced_Resync_Delay" },
		{ P_RESYNC_FROM_SIP, "Resync_From_SIP" },
		{ P_RESYNC_AFTER_UPGRADE_ATTEMPT,
		    "Resync_After_Upgrade_Attempt" },
		{ P_RESYNC_TRIGGER_1, "Resync_Trigger_1" },
		{ P_RESYNC_TRIGGER_2, "Resync_Trigger_2" },
		{ P_USER_CONFIGURABLE_RESYNC, "User_Configurable_Resync" },
		{ P_RESYNC_FAILS_ON_FNF, "Resync_Fails_On_FNF" },
		{ P_PROFILE_AUTHENTICATION_TYPE,
		    "Profile_Authentication_Type" },
		{ P_PROFILE_RULE, "Profile_Rule" },
		{ P_PROFILE_RULE_B, "Profile_Rule_B" },
		{ P_PROFILE_RULE_C, "Profile_Rule_C" },
		{ P_PROFILE_RULE_D, "Profile_Rule_D" },
		{ P_DHCP_OPTION_TO_USE, "DHCP_Option_To_Use" },
		{ P_DHCPV6_OPTION_TO_USE, "DHCPv6_Option_To_Use" },
		{ P_LOG_REQUEST_MSG, "Log_Request_Msg" },
		{ P_LOG_SUCCESS_MSG, "Log_Success_Msg" },
		{ P_LOG_FAILURE_MSG, "Log_Failure_Msg" },
		{ P_UPGRADE_ENABLE, "Upgrade_Enable" },
		{ P_UPGRADE_ERROR_RETRY_DELAY, "Upgrade_Error_Retry_Delay" },
		{ P_UPGRADE_RULE, "Upgrade_Rule" },
		{ P_HTTP_USER_AGENT_NAME, "HTTP_User_Agent_Name" },
		{ GPP('A'), "GPP_A" },
		{ P_GPP_A + 7, "GPP_H" },
		{ P_GPP_P, "GPP_P" },
		{ P_GPP_SA, "GPP_SA" },
		{ P_GPP_SA + 2, "GPP_SC" },
		{ P_GPP_SD, "GPP_SD" },
		{ P_ENABLE_TR069, "Enable_TR-069" },
		{ P_PROFILE_ACCOUNT_USER, "Profile_Account_Username" },
		{ P_PROFILE_ACCOUNT_PASSWORD, "Profile_Account_Password" },
		{ P_PROXY_USERNAME, "Proxy_Username" },
		{ P_PROXY_PASSWORD, "Proxy_Password" },
	};
	struct emu_ctx	*ctx = *state;
	size_t		 i;
	char		 name[16];

	for (i = 0; i < nitems(want); i++) {
		assert_string_equal(param_table[want[i].id].name, want[i].name);
		assert_int_equal(param_find(ctx, want[i].name), want[i].id);
	}
	for (i = 0; i < 16; i++) {
		snprintf(name, sizeof name, "GPP_%c", (int)('A' + i));
		assert_int_equal(param_find(ctx, name), P_GPP_A + (int)i);
		assert_int_equal(param_table[P_GPP_A + i].flags & PARAM_SECRET,
		    0);
	}
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof name, "GPP_S%c", (int)('A' + i));
		assert_int_equal(param_find(ctx, name), P_GPP_SA + (int)i);
		assert_true(param_table[P_GPP_SA + i].flags & PARAM_SECRET);
	}
	assert_true(param_count > P__FIXED);
}

/* Every entry: a name, a default, a doc line; the default validates. */
static void
test_table_sane(void **state)
{
	struct emu_ctx	*ctx = *state;
	size_t		 i;
	char		*cause;

	for (i = 0; i < param_count; i++) {
		const struct param_def	*pd = &param_table[i];

		assert_non_null(pd->name);
		assert_non_null(pd->def);
		assert_non_null(pd->doc);
		assert_true(strlen(pd->doc) > 0);
		/* A catalogue entry may be shadowed by a typed one. */
		if ((pd->flags & PARAM_CATALOGUE) &&
		    param_is_shadowed(ctx, (int)i))
			assert_int_equal(param_table[param_find(ctx,
			    pd->name)].flags & PARAM_CATALOGUE, 0);
		else
			assert_int_equal(param_find(ctx, pd->name), (int)i);
		cause = NULL;
		if (param_validate(i, pd->def, &cause) != 0)
			fail_msg("%s default: %s", pd->name, cause);
		if (pd->type == PT_CHOICE)
			assert_non_null(pd->choices);
		if (pd->type == PT_UINT)
			assert_true(pd->min <= pd->max);
	}
	assert_int_equal(param_find(ctx, "No_Such_Parameter"), -1);
	assert_int_equal(param_find(ctx, "provision_enable"), -1);
	assert_int_equal(param_find(ctx, ""), -1);
}

/* Spec 7 defaults, † as decided in 18 K2/K4. */
static void
test_defaults(void **state)
{
	struct emu_ctx	*ctx = *state;

	assert_string_equal(def(ctx, "Provision_Enable"), "Yes");
	assert_string_equal(def(ctx, "Resync_Random_Delay"), "2");
	assert_string_equal(def(ctx, "Resync_At__HHmm_"), "");
	assert_string_equal(def(ctx, "Resync_At_Random_Delay"), "600");
	assert_string_equal(def(ctx, "Resync_Periodic"), "3600");
	assert_string_equal(def(ctx, "Resync_Error_Retry_Delay"),
	    "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400");
	assert_string_equal(def(ctx, "Forced_Resync_Delay"), "14400");
	assert_string_equal(def(ctx, "Profile_Authentication_Type"),
	    "Basic HTTP Authentication");
	assert_string_equal(def(ctx, "Profile_Rule"), "/$PSN.xml");
	assert_string_equal(def(ctx, "Profile_Rule_B"), "");
	assert_string_equal(def(ctx, "DHCP_Option_To_Use"),
	    "66,160,159,150,60,43,125");
	assert_string_equal(def(ctx, "DHCPv6_Option_To_Use"), "17,160,159");
	assert_string_equal(def(ctx, "Log_Request_Msg"),
	    "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH");
	assert_string_equal(def(ctx, "Log_Success_Msg"),
	    "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH");
	assert_string_equal(def(ctx, "Log_Failure_Msg"),
	    "$PN $MAC -- Resync failed: $ERR");
	assert_string_equal(def(ctx, "Upgrade_Error_Retry_Delay"), "3600");
	assert_string_equal(def(ctx, "HTTP_Report_Method"), "POST");
	assert_string_equal(def(ctx, "Report_To_Server"), "On Request");
	assert_string_equal(def(ctx, "Periodic_Upload_To_Server"), "3600");
	assert_string_equal(def(ctx, "Upload_Delay_On_Local_Change"), "60");
	assert_string_equal(def(ctx, "MIC_Cert_Refresh_Rule"),
	    "http://sudirenewal.cisco.com/");
	assert_string_equal(def(ctx, "Syslog_Identifier"), "None");
	assert_string_equal(def(ctx, "Proxy_Mode"), "Off");
	assert_string_equal(def(ctx, "Proxy_Port"), "3128");
	assert_string_equal(def(ctx, "Phone-UI-User-Mode"), "No");
	assert_string_equal(def(ctx,
	    "Require_Authentication_for_LCD_Menu_Access"), "Default");
	assert_string_equal(def(ctx, "Enable_TR-069"), "No");
	assert_string_equal(def(ctx, "ACS_Username"), "admin");
	assert_string_equal(def(ctx, "Periodic_Inform_Interval"), "20");
	assert_string_equal(def(ctx, "CWMP_V1.2_Support"), "Yes");
	assert_string_equal(def(ctx, "NAT_Keep_Alive_Intvl"), "15");
	assert_string_equal(def(ctx,
	    "Transition_Authorization_Error_Retry_Delay"), "1800");
	assert_string_equal(def(ctx, "Peer_Firmware_Sharing"), "Yes");
	assert_string_equal(def(ctx, "Connection_Type"), "DHCP");
	assert_string_equal(def(ctx, "Extension_3_"), "3");
	assert_string_equal(def(ctx, "SIP_Port_1_"), "5060");
	assert_string_equal(def(ctx, "SIP_Port_16_"), "5075");
	assert_string_equal(def(ctx, "Speed_Dial_9_Number"), "");
}

/* Line families n = 1..16, speed dials 2..9, names of the 4.3 sample. */
static void
test_families(void **state)
{
	static const char *const fam[] = { "Line_Enable", "User_ID",
	    "Password", "Auth_ID", "Use_Auth_ID", "Display_Name", "Proxy",
	    "Outbound_Proxy", "Register", "Register_Expires", "Dial_Plan",
	    "Extension", "Short_Name", "SIP_Port" };
	static const char *const sample[] = { "Primary_DNS", "Back_Light_Timer",
	    "Peer_Firmware_Sharing", "Proxy_1_", "Display_Name_1_",
	    "User_ID_1_", "Station_Name", "Time_Zone", "Primary_NTP_Server",
	    "Admin_Password", "User_Password", "Enable_Web_Admin_Access",
	    "ACS_URL", "BACKUP_ACS_Password", "STUN_Server", "Trans_Auth_Rule",
	    "Static_IP", "VLAN_ID", "IKM_HTTP_Encrypt_Content" };
	struct emu_ctx	*ctx = *state;
	char		 name[64];
	size_t		 i, n;
	int		 id;

	for (i = 0; i < nitems(fam); i++) {
		for (n = 1; n <= 16; n++) {
			snprintf(name, sizeof name, "%s_%zu_", fam[i], n);
			if (param_find(ctx, name) < 0)
				fail_msg("%s missing", name);
		}
		snprintf(name, sizeof name, "%s_17_", fam[i]);
		assert_int_equal(param_find(ctx, name), -1);
	}
	for (n = 2; n <= 9; n++) {
		snprintf(name, sizeof name, "Speed_Dial_%zu_Name", n);
		assert_true(param_find(ctx, name) >= 0);
		snprintf(name, sizeof name, "Speed_Dial_%zu_Number", n);
		assert_true(param_find(ctx, name) >= 0);
	}
	for (i = 0; i < nitems(sample); i++) {
		if (param_find(ctx, sample[i]) < 0)
			fail_msg("%s missing", sample[i]);
	}
	id = param_find(ctx, "Password_5_");
	assert_true(param_table[id].flags & PARAM_SECRET);
	id = param_find(ctx, "IKM_HTTP_Encrypt_Content");
	assert_true(param_table[id].flags & PARAM_SECRET);
	id = param_find(ctx, "Admin_Password");
	assert_true(param_table[id].flags & PARAM_SECRET);
	assert_true(param_table[P_PROFILE_ACCOUNT_PASSWORD].flags &
	    PARAM_SECRET);
	id = param_find(ctx, "Primary_DNS");
	assert_true(param_table[id].flags & PARAM_REBOOT);
	id = param_find(ctx, "VLAN_ID");
	assert_true(param_table[id].flags & PARAM_REBOOT);
	assert_int_equal(param_table[P_RESYNC_PERIODIC].flags & PARAM_REBOOT,
	    0);
	id = param_find(ctx, "Transport_Protocol");	/* 7.9: not MPP */
	assert_int_equal(id, -1);
}

/* 7.2 / 18 K13: both documented spellings. */
static void
test_aliases(void **state)
{
	struct emu_ctx	*ctx = *state;

	assert_int_equal(param_find(ctx, "Report_to_Server"),
	    param_find(ctx, "Report_To_Server"));
	assert_int_equal(param_find(ctx, "periodic_upload_to_server"),
	    param_find(ctx, "Periodic_Upload_To_Server"));
	assert_true(param_find(ctx, "Report_to_Server") >= 0);
}

static void
test_validate_bool(void **state)
{
	struct emu_ctx	*ctx = *state;
	char		*cause = NULL;

	assert_int_equal(valid(ctx, "Provision_Enable", "Yes", NULL), 0);
	assert_int_equal(valid(ctx, "Provision_Enable", "no", NULL), 0);
	assert_int_equal(valid(ctx, "Provision_Enable", "YES", NULL), 0);
	assert_int_equal(valid(ctx, "Provision_Enable", "true", NULL), -1);
	assert_int_equal(valid(ctx, "Provision_Enable", "1", NULL), -1);
	assert_int_equal(valid(ctx, "Provision_Enable", "", NULL), -1);
	assert_int_equal(valid(ctx, "Provision_Enable", "maybe", &cause), -1);
	assert_string_equal(cause, "\"maybe\" is not Yes or No");
	free(cause);
	/* NULL: keep the value (ua-only element) */
	assert_int_equal(param_validate(P_PROVISION_ENABLE, NULL, NULL), 0);
}

static void
test_validate_uint(void **state)
{
	struct emu_ctx	*ctx = *state;
	char		*cause = NULL;

	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "0", NULL), 0);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "65535", NULL), 0);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "0065535", NULL), 0);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "65536", &cause),
	    -1);
	assert_string_equal(cause, "\"65536\" is out of range 0..65535");
	free(cause);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "1h", &cause), -1);
	assert_string_equal(cause, "\"1h\" is not a number");
	free(cause);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "-1", NULL), -1);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay", "", NULL), -1);
	assert_int_equal(valid(ctx, "Forced_Resync_Delay",
	    "99999999999999999999999999", NULL), -1);
	assert_int_equal(valid(ctx, "Periodic_Upload_To_Server", "599", NULL),
	    -1);
	assert_int_equal(valid(ctx, "Periodic_Upload_To_Server", "259200",
	    NULL), 0);
	assert_int_equal(valid(ctx, "Periodic_Upload_To_Server", "259201",
	    NULL), -1);
	assert_int_equal(valid(ctx, "VLAN_ID", "0", NULL), -1);
	assert_int_equal(valid(ctx, "VLAN_ID", "4095", NULL), 0);
}

static void
test_validate_choice(void **state)
{
	struct emu_ctx	*ctx = *state;
	char		*cause = NULL;

	assert_int_equal(valid(ctx, "Profile_Authentication_Type",
	    "Basic Http Authentication", NULL), 0);	/* 4.3 sample */
	assert_int_equal(valid(ctx, "Profile_Authentication_Type",
	    "disabled", NULL), 0);
	assert_int_equal(valid(ctx, "Profile_Authentication_Type", "Basic",
	    NULL), -1);
	assert_int_equal(valid(ctx, "Report_To_Server", "periodically", NULL),
	    0);
	assert_int_equal(valid(ctx, "HTTP_Report_Method", "GET", &cause), -1);
	assert_string_equal(cause, "\"GET\" is not one of PUT|POST");
	free(cause);
	assert_int_equal(valid(ctx, "HTTP_Report_Method", "", NULL), -1);
	assert_int_equal(valid(ctx, "HTTP_Report_Method", "PUT|POST", NULL),
	    -1);
}

static void
test_validate_other(void **state)
{
	struct emu_ctx	*ctx = *state;
	char		*cause = NULL;

	/* schedules (3.5); empty disables Resync_Periodic */
	assert_int_equal(valid(ctx, "Resync_Periodic", "", NULL), 0);
	assert_int_equal(valid(ctx, "Resync_Periodic", "600, 1200 ,300", NULL),
	    0);
	assert_int_equal(valid(ctx, "Resync_Error_Retry_Delay", "1800+300",
	    NULL), 0);
	assert_int_equal(valid(ctx, "Resync_Periodic", "1h", &cause), -1);
	assert_string_equal(cause, "\"1h\" is not a number");
	free(cause);
	/* B81: an invalid Resync_At is stored, ignored at run time */
	assert_int_equal(valid(ctx, "Resync_At__HHmm_", "2561", NULL), 0);
	assert_int_equal(valid(ctx, "Resync_At__HHmm_", "ten", NULL), 0);
	/* free text */
	assert_int_equal(valid(ctx, "Profile_Rule", "( x )? garbage", NULL), 0);
	assert_int_equal(valid(ctx, "GPP_A", "", NULL), 0);
	assert_int_equal(valid(ctx, "Log_Request_Msg", "", NULL), 0);
	/* out of range ids are not ours to judge */
	assert_int_equal(param_validate(-1, "x", NULL), 0);
	assert_int_equal(param_validate((int)param_count, "x", NULL), 0);
	/* a long bad value is quoted shortened, on one line */
	{
		char	big[300];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		big[10] = '\n';
		assert_int_equal(param_validate(P_PROVISION_ENABLE, big,
		    &cause), -1);
		assert_null(strchr(cause, '\n'));
		assert_true(strlen(cause) < 120);
		free(cause);
	}
}

static void
test_is_true(void **state)
{
	assert_true(param_is_true("Yes"));
	assert_true(param_is_true("yes"));
	assert_true(param_is_true("TRUE"));
	assert_true(param_is_true("1"));
	assert_false(param_is_true("No"));
	assert_false(param_is_true(""));
	assert_false(param_is_true("0"));
	assert_false(param_is_true(NULL));
}

/* DESIGN.md: same content, same pointer. */
static void
test_intern(void **state)
{
	struct intern	*in;
	const char	*a, *b, *c, *e;
	char		 buf[32], *big;
	size_t		 i;

	in = intern_create();
	assert_int_equal(intern_count(in), 0);
	strcpy(buf, "hello");
	a = intern_str(in, buf);
	strcpy(buf, "hello");
	b = intern_str(in, buf);
	assert_ptr_equal(a, b);
	assert_ptr_not_equal(a, buf);
	assert_string_equal(a, "hello");
	c = intern_mem(in, "hello world", 5);
	assert_ptr_equal(a, c);
	c = intern_mem(in, "hello world", 11);
	assert_ptr_not_equal(a, c);
	assert_string_equal(c, "hello world");
	e = intern_str(in, "");
	assert_string_equal(e, "");
	assert_ptr_equal(e, intern_mem(in, "xyz", 0));
	assert_int_equal(intern_count(in), 3);

	/* many strings across chunks keep their identity */
	for (i = 0; i < 20000; i++) {
		snprintf(buf, sizeof buf, "value-%zu", i);
		intern_str(in, buf);
	}
	assert_int_equal(intern_count(in), 20003);
	for (i = 0; i < 20000; i += 997) {
		snprintf(buf, sizeof buf, "value-%zu", i);
		assert_string_equal(intern_str(in, buf), buf);
	}
	assert_ptr_equal(intern_str(in, "hello"), a);
	/* a string larger than a chunk */
	big = malloc(200000);
	memset(big, 'z', 199999);
	big[199999] = '\0';
	a = intern_str(in, big);
	assert_ptr_equal(intern_str(in, big), a);
	assert_int_equal(strlen(a), 199999);
	free(big);
	assert_true(intern_bytes(in) > 200000);
	intern_free(in);
	intern_free(NULL);
}

static void
test_pset(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct pset	 ps;
	const char	*v600, *vno;
	int		 sd2;

	pset_init(&ps);
	assert_string_equal(pset_get(&ps, P_RESYNC_PERIODIC), "3600");
	assert_int_equal(pset_ua(&ps, P_RESYNC_PERIODIC), UA_RW);
	assert_false(pset_is_local(&ps, P_RESYNC_PERIODIC));

	v600 = intern_str(ctx->intern, "600");
	vno = intern_str(ctx->intern, "No");
	pset_set(&ps, P_RESYNC_PERIODIC, v600, 0);
	pset_set(&ps, P_PROVISION_ENABLE, vno, 1);
	pset_set(&ps, GPP('C'), intern_str(ctx->intern, "c"), 0);
	pset_set(&ps, GPP('A'), intern_str(ctx->intern, "a"), 0);
	assert_int_equal(ps.n, 4);
	/* sorted by id */
	assert_true(ps.ent[0].id < ps.ent[1].id);
	assert_true(ps.ent[1].id < ps.ent[2].id);
	assert_true(ps.ent[2].id < ps.ent[3].id);
	assert_ptr_equal(pset_get(&ps, P_RESYNC_PERIODIC), v600);
	assert_string_equal(pset_get(&ps, GPP('A')), "a");
	assert_string_equal(pset_get(&ps, GPP('B')), "");
	assert_string_equal(pset_get(&ps, GPP('C')), "c");
	assert_true(pset_is_local(&ps, P_PROVISION_ENABLE));
	assert_false(pset_is_local(&ps, P_RESYNC_PERIODIC));

	/* ua alone keeps the value (8.2 rule 4) */
	sd2 = param_find(ctx, "Speed_Dial_2_Name");
	pset_set(&ps, sd2, intern_str(ctx->intern, "Alice"), 1);
	pset_set_ua(&ps, sd2, UA_NA);
	assert_int_equal(pset_ua(&ps, sd2), UA_NA);
	assert_string_equal(pset_get(&ps, sd2), "Alice");
	assert_true(pset_is_local(&ps, sd2));
	pset_set_ua(&ps, GPP('D'), UA_RO);
	assert_int_equal(pset_ua(&ps, GPP('D')), UA_RO);
	assert_string_equal(pset_get(&ps, GPP('D')), "");
	/* a value keeps the ua; a provisioning change clears "local" */
	pset_set(&ps, sd2, intern_str(ctx->intern, "Bob"), 0);
	assert_int_equal(pset_ua(&ps, sd2), UA_NA);
	assert_false(pset_is_local(&ps, sd2));
	assert_string_equal(pset_get(&ps, sd2), "Bob");

	/* back to the default: the override goes (sparse) */
	pset_set(&ps, P_RESYNC_PERIODIC, intern_str(ctx->intern, "3600"), 0);
	assert_string_equal(pset_get(&ps, P_RESYNC_PERIODIC), "3600");
	pset_set_ua(&ps, GPP('D'), UA_RW);
	pset_set(&ps, GPP('A'), intern_str(ctx->intern, ""), 0);
	assert_int_equal(ps.n, 3);	/* Provision_Enable, GPP_C, sd2 */
	/* a local change to the default value is still local */
	pset_set(&ps, GPP('B'), intern_str(ctx->intern, ""), 1);
	assert_true(pset_is_local(&ps, GPP('B')));

	pset_clear(&ps);
	assert_int_equal(ps.n, 0);
	assert_string_equal(pset_get(&ps, P_PROVISION_ENABLE), "Yes");
	assert_int_equal(pset_ua(&ps, sd2), UA_RW);
	pset_clear(&ps);
}

/* Every parameter at once: the sparse array holds them all in order. */
static void
test_pset_all(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct pset	 ps;
	size_t		 i;
	char		 buf[32];

	pset_init(&ps);
	for (i = param_count; i-- > 0;) {
		snprintf(buf, sizeof buf, "v%zu", i);
		pset_set(&ps, i, intern_str(ctx->intern, buf), 0);
	}
	assert_int_equal(ps.n, param_count);
	for (i = 0; i < param_count; i++) {
		snprintf(buf, sizeof buf, "v%zu", i);
		assert_string_equal(pset_get(&ps, i), buf);
	}
	pset_clear(&ps);
}

#define RETRY_LIST \
	"60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400"

/* One phone of model and load, its value of name. */
static const char *
phone_value(struct emu_ctx *ctx, struct phone **pp, const char *swver,
    const char *name)
{
	struct phone_conf	pc;

	memset(&pc, 0, sizeof pc);
	pc.swver = swver;
	pc.key_group = -1;
	phone_free(*pp);
	*pp = phone_create(ctx, &pc);
	return (phone_get(*pp, name));
}

/*
 * Spec 18 K2, K4: Resync_Error_Retry_Delay is 3600 below 12.0 and the
 * back-off list from 12.0; DHCP_Option_To_Use is 160,159,66,150 below 11.2.
 */
static void
test_firmware_defaults(void **state)
{
	struct emu_ctx	*ctx = *state;
	struct phone	*p = NULL;
	char		*cause = NULL;

	assert_string_equal(param_default(P_RESYNC_ERROR_RETRY_DELAY, 11, 9),
	    "3600");
	assert_string_equal(param_default(P_RESYNC_ERROR_RETRY_DELAY, 12, 0),
	    RETRY_LIST);
	assert_string_equal(param_default(P_DHCP_OPTION_TO_USE, 11, 1),
	    "160,159,66,150");
	assert_string_equal(param_default(P_DHCP_OPTION_TO_USE, 11, 2),
	    "66,160,159,150,60,43,125");
	assert_string_equal(param_default(P_PROFILE_RULE, 9, 0), "/$PSN.xml");

	/* The phone's running load decides. */
	assert_string_equal(phone_value(ctx, &p, "sip88xx.11-3-7MPP0001-272",
	    "Resync_Error_Retry_Delay"), "3600");
	assert_string_equal(phone_get(p, "DHCP_Option_To_Use"),
	    "66,160,159,150,60,43,125");
	assert_string_equal(phone_value(ctx, &p, "sip78xx.11-0-1MPP-376",
	    "DHCP_Option_To_Use"), "160,159,66,150");
	assert_string_equal(phone_value(ctx, &p, "sip88xx.12-0-7MPP0301-92",
	    "Resync_Error_Retry_Delay"), RETRY_LIST);
	assert_string_equal(phone_get(p, "DHCP_Option_To_Use"),
	    "66,160,159,150,60,43,125");

	/* A value set to the newer default stays on an older load. */
	assert_string_equal(phone_value(ctx, &p, "sip88xx.11-3-7MPP0001-272",
	    "Resync_Error_Retry_Delay"), "3600");
	assert_int_equal(phone_set(p, "Resync_Error_Retry_Delay", RETRY_LIST,
	    0, &cause), 0);
	assert_string_equal(phone_get(p, "Resync_Error_Retry_Delay"),
	    RETRY_LIST);
	assert_int_equal(phone_set(p, "Resync_Error_Retry_Delay", "600", 0,
	    &cause), 0);
	assert_string_equal(phone_get(p, "Resync_Error_Retry_Delay"), "600");
	phone_free(p);
}

/*
 * Spec 7: every name of the catalogue (data/mpp-parameters.tsv) is known
 * to the phone: found, stored, read back, with the catalogue's factory
 * value except where spec 7 lists another (it weighs several documents)
 * or the default follows the firmware (spec 18).  Passwords are secret.
 */
static void
test_catalogue_known(void **state)
{
	/* Spec 7 lists these with a default of its own. */
	static const char *const spec7[] = {
		"Profile_Authentication_Type", "ACS_Username", NULL
	};
	struct emu_ctx		*ctx = *state;
	struct phone_conf	 pc;
	struct phone		*p;
	const char		*dir = getenv("srcdir");
	char			 path[4096], line[2048], *name, *defv, *tab;
	char			*cause = NULL;
	FILE			*f;
	size_t			 rows = 0, k;
	int			 id, listed;

	snprintf(path, sizeof path, "%s/data/mpp-parameters.tsv",
	    dir != NULL ? dir : ".");
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: cannot open", path);
	memset(&pc, 0, sizeof pc);
	pc.key_group = -1;
	p = phone_create(ctx, &pc);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (rows++ == 0 || line[0] == '\0')
			continue;		/* the header */
		name = line;
		if ((tab = strchr(name, '\t')) == NULL)
			fail_msg("%s:%zu: no default column", path, rows);
		*tab = '\0';
		defv = tab + 1;
		defv[strcspn(defv, "\t")] = '\0';

		if ((id = param_find(ctx, name)) < 0)
			fail_msg("%s: not known", name);
		assert_string_equal(param_table[id].name, name);
		for (listed = 0, k = 0; spec7[k] != NULL; k++)
			listed |= strcmp(spec7[k], name) == 0;
		if (!listed && !(param_table[id].flags & PARAM_FWDEF) &&
		    strcmp(phone_get(p, name), defv) != 0)
			fail_msg("%s: default \"%s\", catalogue \"%s\"", name,
			    phone_get(p, name), defv);
		if (strstr(name, "Password") != NULL &&
		    strstr(name, "Prompt") == NULL &&
		    strstr(name, "Warnings") == NULL &&
		    strstr(name, "Input_Mode") == NULL)
			assert_true(param_table[id].flags & PARAM_SECRET);
		/* Settable, and read back. */
		if (param_table[id].flags & PARAM_CATALOGUE) {
			assert_int_equal(phone_set(p, name, "x y", 0, &cause),
			    0);
			assert_string_equal(phone_get(p, name), "x y");
		}
	}
	fclose(f);
	assert_int_equal(rows, 3433);		/* header + 3432 names */
	phone_free(p);

	/* The typed entries keep their types: a catalogue twin is shadowed. */
	id = param_find(ctx, "Resync_Periodic");
	assert_int_equal(id, P_RESYNC_PERIODIC);
	assert_int_equal(param_table[id].flags & PARAM_CATALOGUE, 0);
	for (k = 0; k < param_count; k++) {
		if (strcmp(param_table[k].name, "Resync_Periodic") == 0 &&
		    k != (size_t)id)
			assert_true(param_is_shadowed(ctx, (int)k));
	}
	assert_false(param_is_shadowed(ctx, id));
	/* Families as the catalogue gives them. */
	id = param_find(ctx, "Device_Config_Version");
	assert_int_equal(param_table[id].families,
	    PARAM_FAM_68 | PARAM_FAM_78 | PARAM_FAM_88);
	/* Names no MPP phone has stay unknown. */
	assert_int_equal(param_find(ctx, "Transport_Protocol"), -1);
	assert_int_equal(param_find(ctx, "Profile_rule"), -1);
}

/* profile check: near misses of a name no phone knows (spec 7, 8.4). */
static void
test_suggest(void **state)
{
	struct emu_ctx	*ctx = *state;
	const char	*s[3];

	/* Case, separators, SPA-style spaces and [n], a missing "_". */
	assert_int_equal(param_suggest(ctx, "profile_rule", s, 3), 1);
	assert_string_equal(s[0], "Profile_Rule");
	assert_int_equal(param_suggest(ctx, "Profile Rule", s, 3), 1);
	assert_string_equal(s[0], "Profile_Rule");
	assert_int_equal(param_suggest(ctx, "Profile-Rule-B", s, 3), 1);
	assert_string_equal(s[0], "Profile_Rule_B");
	assert_int_equal(param_suggest(ctx, "Dial Plan[1]", s, 3), 1);
	assert_string_equal(s[0], "Dial_Plan_1_");
	assert_int_equal(param_suggest(ctx, "Dial_Plan_1", s, 3), 1);
	assert_string_equal(s[0], "Dial_Plan_1_");
	/* Typos: edit distance. */
	assert_true(param_suggest(ctx, "Resync_Periodc", s, 3) >= 1);
	assert_string_equal(s[0], "Resync_Periodic");
	assert_true(param_suggest(ctx, "Upgrade_Rulle", s, 3) >= 1);
	assert_string_equal(s[0], "Upgrade_Rule");
	/* Nothing near. */
	assert_int_equal(param_suggest(ctx, "Bogus_Name", s, 3), 0);
	assert_int_equal(param_suggest(ctx, "", s, 3), 0);
	/* A known name is not its own suggestion; max is honoured. */
	assert_true(param_suggest(ctx, "Dial_Plan_1_", s, 1) <= 1);
	if (param_suggest(ctx, "Dial_Plan_1_", s, 1) == 1)
		assert_string_not_equal(s[0], "Dial_Plan_1_");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_ids),
		cmocka_unit_test(test_table_sane),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_validate_bool),
		cmocka_unit_test(test_validate_uint),
		cmocka_unit_test(test_validate_choice),
		cmocka_unit_test(test_validate_other),
		cmocka_unit_test(test_is_true),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_pset),
		cmocka_unit_test(test_pset_all),
		cmocka_unit_test(test_firmware_defaults),
		cmocka_unit_test(test_catalogue_known),
		cmocka_unit_test(test_suggest),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}

/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The parameter schema (spec 7; STYLE.md 8): one const table of every
 * parameter phonefleet knows, with its type, default, range or choices,
 * flags and a doc line.  The profile parser, validation, the LCD, reports,
 * "profile check" and the docs read it; no default lives anywhere else.
 * The first P__FIXED entries are the parameters the phone's logic reads by
 * id (enum param_id); the rest are found by name.  Defaults marked † in
 * spec 7 follow the firmware >= 12.0 / 11.2 choice of spec 18 (K2, K4);
 * param_default() gives the older value to a phone running an older load.
 * Line and extension families (spec 8.4: "Dial_Plan_1_") are generated for
 * n = 1..PARAM_LINES, speed dials for n = 2..9.
 */

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define PARAM_LINES	16
#define PARAM_QUOTE_MAX	64	/* bytes of a bad value quoted in a cause */
#define PARAM_UINT_MAX	2147483647U
#define PARAM_NAME_MAX	96	/* longest name param_suggest() compares */

#define PSTR(n, d, f, doc) \
	{ n, PT_STR, d, 0, 0, NULL, f, NULL, doc }
#define PBOOL(n, d, doc) \
	{ n, PT_BOOL, d, 0, 0, NULL, 0, NULL, doc }
#define PBOOLF(n, d, f, doc) \
	{ n, PT_BOOL, d, 0, 0, NULL, f, NULL, doc }
#define PUINT(n, d, lo, hi, f, doc) \
	{ n, PT_UINT, d, lo, hi, NULL, f, NULL, doc }
#define PCHOICE(n, d, c, f, doc) \
	{ n, PT_CHOICE, d, 0, 0, c, f, NULL, doc }
#define PTYPE(n, t, d, doc) \
	{ n, t, d, 0, 0, NULL, 0, NULL, doc }

#define PGPP(i, l) \
	[P_GPP_A + (i)] = PSTR("GPP_" l, "", 0, \
	    "General purpose parameter " l " (keys, URLs, state, alias maps)")
#define PGPPS(i, l) \
	[P_GPP_SA + (i)] = PSTR("GPP_S" l, "", PARAM_SECRET, \
	    "Secret general purpose parameter S" l " ($S" l ")")

#define LINE_DIAL_PLAN \
	"(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)"
#define LINE_EXTENSIONS \
	"Disabled|1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16"
#define PLINE(n, port)							\
	PBOOL("Line_Enable_" #n "_", "Yes", "Line " #n ": enabled"),	\
	PSTR("User_ID_" #n "_", "", 0, "Ext " #n ": SIP user id"),	\
	PSTR("Password_" #n "_", "", PARAM_SECRET,			\
	    "Ext " #n ": SIP password"),				\
	PSTR("Auth_ID_" #n "_", "", 0,					\
	    "Ext " #n ": SIP authentication id"),			\
	PBOOL("Use_Auth_ID_" #n "_", "No",				\
	    "Ext " #n ": authenticate with Auth_ID instead of User_ID"), \
	PSTR("Display_Name_" #n "_", "", 0, "Ext " #n ": display name"), \
	PSTR("Proxy_" #n "_", "", 0, "Ext " #n ": SIP proxy"),		\
	PSTR("Outbound_Proxy_" #n "_", "", 0,				\
	    "Ext " #n ": SIP outbound proxy"),				\
	PBOOL("Register_" #n "_", "Yes",				\
	    "Ext " #n ": register with the proxy"),			\
	PUINT("Register_Expires_" #n "_", "3600", 0, PARAM_UINT_MAX, 0, \
	    "Ext " #n ": registration expiry, seconds"),		\
	PSTR("Dial_Plan_" #n "_", LINE_DIAL_PLAN, 0,			\
	    "Ext " #n ": dial plan"),					\
	PCHOICE("Extension_" #n "_", #n, LINE_EXTENSIONS, 0,		\
	    "Line " #n ": extension it uses"),				\
	PSTR("Short_Name_" #n "_", "$USER", 0,				\
	    "Line " #n ": short name on the LCD"),			\
	PUINT("SIP_Port_" #n "_", port, 1, 65535, 0,			\
	    "Ext " #n ": local SIP port")
#define PSPEED(n)							\
	PSTR("Speed_Dial_" #n "_Name", "", 0, "Speed dial " #n ": name"), \
	PSTR("Speed_Dial_" #n "_Number", "", 0, "Speed dial " #n ": number")

/*
 * Entries before P__FIXED are placed by id, so the table cannot drift from
 * enum param_id; -Woverride-init (in -Wextra) flags a doubly placed id.
 */
const struct param_def param_table[] = {
	/* 7.1 Configuration profile */
	[P_PROVISION_ENABLE] = PBOOL("Provision_Enable", "Yes",
	    "Master switch for all resyncs, URL commands included"),
	[P_RESYNC_ON_RESET] = PBOOL("Resync_On_Reset", "Yes",
	    "Resync after power-up or reboot"),
	[P_RESYNC_RANDOM_DELAY] = PUINT("Resync_Random_Delay", "2", 0, 65535,
	    0, "Random delay before the boot resync, units of 20 s"),
	[P_RESYNC_AT] = PTYPE("Resync_At__HHmm_", PT_HHMM, "",
	    "Daily resync time HHmm (0000-2400); valid disables periodic"),
	[P_RESYNC_AT_RANDOM_DELAY] = PUINT("Resync_At_Random_Delay", "600", 0,
	    65535, 0, "Spread after Resync_At, seconds (below 600: 600)"),
	[P_RESYNC_PERIODIC] = PTYPE("Resync_Periodic", PT_SCHED, "3600",
	    "Schedule after a successful resync; 0 or empty disables"),
	[P_RESYNC_ERROR_RETRY_DELAY] = { "Resync_Error_Retry_Delay",
	    PT_SCHED,
	    "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400",
	    0, 0, NULL, PARAM_FWDEF, NULL,
	    "Retry schedule after a failed resync; 0 disables" },
	[P_FORCED_RESYNC_DELAY] = PUINT("Forced_Resync_Delay", "14400", 0,
	    65535, 0, "Longest wait for idle before a due resync is forced"),
	[P_RESYNC_FROM_SIP] = PBOOL("Resync_From_SIP", "Yes",
	    "Honour an authenticated SIP NOTIFY Event: resync"),
	[P_RESYNC_AFTER_UPGRADE_ATTEMPT] = PBOOL(
	    "Resync_After_Upgrade_Attempt", "Yes",
	    "Resync after each upgrade attempt"),
	[P_RESYNC_TRIGGER_1] = PTYPE("Resync_Trigger_1", PT_COND, "",
	    "Condition gating timed resyncs"),
	[P_RESYNC_TRIGGER_2] = PTYPE("Resync_Trigger_2", PT_COND, "",
	    "Second condition gating timed resyncs"),
	[P_USER_CONFIGURABLE_RESYNC] = PBOOL("User_Configurable_Resync", "Yes",
	    "Show the LCD Profile rule menu"),
	[P_RESYNC_FAILS_ON_FNF] = PBOOL("Resync_Fails_On_FNF", "Yes",
	    "No: a file not found counts as success"),
	[P_PROFILE_AUTHENTICATION_TYPE] = PCHOICE(
	    "Profile_Authentication_Type", "Basic HTTP Authentication",
	    "Disabled|Basic HTTP Authentication|XSI Authentication", 0,
	    "Source of the profile account credentials"),
	[P_PROFILE_RULE] = PTYPE("Profile_Rule", PT_RULE, "/$PSN.xml",
	    "First profile rule"),
	[P_PROFILE_RULE_B] = PTYPE("Profile_Rule_B", PT_RULE, "",
	    "Second profile rule"),
	[P_PROFILE_RULE_C] = PTYPE("Profile_Rule_C", PT_RULE, "",
	    "Third profile rule"),
	[P_PROFILE_RULE_D] = PTYPE("Profile_Rule_D", PT_RULE, "",
	    "Fourth profile rule"),
	[P_DHCP_OPTION_TO_USE] = PSTR("DHCP_Option_To_Use",
	    "66,160,159,150,60,43,125", PARAM_FWDEF,
	    "DHCP options searched for the provisioning server, in order"),
	[P_DHCPV6_OPTION_TO_USE] = PSTR("DHCPv6_Option_To_Use", "17,160,159",
	    0, "DHCPv6 options for the provisioning server (not emulated)"),
	[P_LOG_REQUEST_MSG] = PTYPE("Log_Request_Msg", PT_MSG,
	    "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH",
	    "Syslog line when a resync transfer starts; empty: none"),
	[P_LOG_SUCCESS_MSG] = PTYPE("Log_Success_Msg", PT_MSG,
	    "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH",
	    "Syslog line when a resync file is applied; empty: none"),
	[P_LOG_FAILURE_MSG] = PTYPE("Log_Failure_Msg", PT_MSG,
	    "$PN $MAC -- Resync failed: $ERR",
	    "Syslog line when a resync fails; empty: none"),
	/* 7.3 Firmware upgrade */
	[P_UPGRADE_ENABLE] = PBOOL("Upgrade_Enable", "Yes",
	    "Master switch for firmware upgrades"),
	[P_UPGRADE_ERROR_RETRY_DELAY] = PTYPE("Upgrade_Error_Retry_Delay",
	    PT_SCHED, "3600", "Retry schedule after a failed upgrade"),
	[P_UPGRADE_RULE] = PTYPE("Upgrade_Rule", PT_RULE, "",
	    "Firmware upgrade rule"),
	/* 7.4 Security, HTTP, GPP */
	/* 9.5, B53: the factory value real phones export. */
	[P_HTTP_USER_AGENT_NAME] = PTYPE("HTTP_User_Agent_Name", PT_MSG,
	    "$VERSION ($MA)",
	    "User-Agent, macros expanded; empty: the factory value"),
	PGPP(0, "A"), PGPP(1, "B"), PGPP(2, "C"), PGPP(3, "D"),
	PGPP(4, "E"), PGPP(5, "F"), PGPP(6, "G"), PGPP(7, "H"),
	PGPP(8, "I"), PGPP(9, "J"), PGPP(10, "K"), PGPP(11, "L"),
	PGPP(12, "M"), PGPP(13, "N"), PGPP(14, "O"), PGPP(15, "P"),
	PGPPS(0, "A"), PGPPS(1, "B"), PGPPS(2, "C"), PGPPS(3, "D"),
	/* 7.7 TR-069 */
	[P_ENABLE_TR069] = PBOOL("Enable_TR-069", "No",
	    "Run the TR-069 (CWMP) client"),
	/* 15.7 Profile account setup (derived names) */
	[P_PROFILE_ACCOUNT_USER] = PSTR("Profile_Account_Username", "", 0,
	    "Profile account user name (LCD Profile account setup)"),
	[P_PROFILE_ACCOUNT_PASSWORD] = PSTR("Profile_Account_Password", "",
	    PARAM_SECRET,
	    "Profile account password (LCD Profile account setup)"),
	/* 7.5 HTTP proxy */
	[P_PROXY_USERNAME] = PSTR("Proxy_Username", "", 0,
	    "HTTP proxy user name"),
	[P_PROXY_PASSWORD] = PSTR("Proxy_Password", "", PARAM_SECRET,
	    "HTTP proxy password"),

	/* Looked up by name from here on. */
	/* 7.2 Upload configuration options */
	[P__FIXED] = PTYPE("Report_Rule", PT_STR, "",
	    "Configuration report destinations (at most two URLs)"),
	PCHOICE("HTTP_Report_Method", "POST", "PUT|POST", 0,
	    "HTTP method of configuration reports"),
	{ "Report_To_Server", PT_CHOICE, "On Request", 0, 0,
	    "On Request|On Local Change|Periodically", 0, "Report_to_Server",
	    "When configuration reports are uploaded" },
	{ "Periodic_Upload_To_Server", PT_UINT, "3600", 600, 259200, NULL, 0,
	    "periodic_upload_to_server",
	    "Interval of periodic configuration reports, seconds" },
	PUINT("Upload_Delay_On_Local_Change", "60", 10, 900, 0,
	    "Quiet time after a local change before a report, seconds"),
	/* 7.3 Firmware upgrade */
	PSTR("Downgrade_Rev_Limit", "", 0,
	    "Refuse firmware loads older than this version"),
	PTYPE("Log_Upgrade_Request_Msg", PT_MSG,
	    "$PN $MAC -- Requesting upgrade $SCHEME://$SERVIP:$PORT$PATH",
	    "Syslog line when an upgrade transfer starts; empty: none"),
	PTYPE("Log_Upgrade_Success_Msg", PT_MSG,
	    "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- "
	    "$ERR", "Syslog line after a successful upgrade; empty: none"),
	PTYPE("Log_Upgrade_Failure_Msg", PT_MSG,
	    "$PN $MAC -- Upgrade failed: $ERR",
	    "Syslog line after a failed upgrade; empty: none"),
	PBOOL("Peer_Firmware_Sharing", "Yes",
	    "Peer firmware sharing (not emulated)"),
	PSTR("Peer_Firmware_Sharing_Log_Server", "", 0,
	    "Peer firmware sharing log server ip[:port] (not emulated)"),
	/* 7.4 Security, CA, HTTP, identity */
	PSTR("Custom_CA_Rule", "", 0, "URL of a custom CA certificate (PEM)"),
	PSTR("IKM_HTTP_Encrypt_Content", "", PARAM_SECRET,
	    "RFC 8188 input keying material for aes128gcm responses"),
	PSTR("Restricted_Access_Domains", "", 0,
	    "Comma list of the only hosts rules and reports may reach"),
	PBOOL("MIC_Cert_Refresh_Enable", "No",
	    "Renew the manufacturing certificate from the SUDI service"),
	PSTR("MIC_Cert_Refresh_Rule", "http://sudirenewal.cisco.com/", 0,
	    "URL of the certificate renewal service"),
	PSTR("TLS_Cipher_List", "", 0, "OpenSSL cipher string for TLS clients"),
	PBOOL("Webex_Onboard_Enable", "Yes", "Webex cloud onboarding"),
	PSTR("Syslog_Server", "", 0, "Syslog destination host[:port]"),
	PCHOICE("Syslog_Identifier", "None", "None|$MA|$MAU|$MAC|$SN", 0,
	    "Identifier inserted after the syslog timestamp"),
	PSTR("Debug_Server", "", 0, "Second syslog destination host[:port]"),
	/* 7.5 HTTP proxy */
	PCHOICE("Proxy_Mode", "Off", "Auto|Manual|Off", 0, "HTTP proxy mode"),
	PBOOL("Use_Auto_Discovery__WPAD_", "Yes",
	    "Auto proxy mode: discover the PAC file by WPAD"),
	PSTR("PAC_URL", "", 0, "Auto proxy mode without WPAD: PAC file URL"),
	PSTR("Proxy_Host", "", 0, "Manual proxy mode: proxy host, no scheme"),
	PUINT("Proxy_Port", "3128", 1, 65535, 0,
	    "Manual proxy mode: proxy port"),
	PBOOL("Proxy_Server_Requires_Authentication", "No",
	    "Answer 407 with Proxy_Username and Proxy_Password"),
	/* 7.6 Access control and LCD */
	PBOOL("Enable_Web_Server", "Yes", "Run the phone's web server"),
	PBOOL("Enable_Web_Admin_Access", "Yes",
	    "No: /admin unreachable until factory reset"),
	PBOOL("Enable_Direct_Action_Url", "Yes",
	    "Accept direct action URLs (/admin/resync ...)"),
	PSTR("Admin_Password", "", PARAM_SECRET, "Admin account password"),
	PSTR("User_Password", "", PARAM_SECRET, "User account password"),
	PBOOL("Phone-UI-User-Mode", "No",
	    "Yes: the LCD honours ua attributes"),
	PBOOL("User_Password_Prompt", "Yes",
	    "Show the set-password screen at first boot"),
	PCHOICE("Require_Authentication_for_LCD_Menu_Access", "Default",
	    "Default|Customized|No", 0, "Sign-in rule of the LCD menus"),
	PBOOL("Factory_Reset_Menu", "Yes",
	    "Customized sign-in: Factory reset needs sign-in"),
	PBOOL("Profile_Rule_Menu", "Yes",
	    "Customized sign-in: Profile rule needs sign-in"),
	/* 7.7 TR-069 */
	PSTR("ACS_URL", "", 0, "TR-069 ACS URL (http or https)"),
	PSTR("ACS_Username", "admin", 0, "User name towards the ACS"),
	PSTR("ACS_Password", "", PARAM_SECRET, "Password towards the ACS"),
	PSTR("ACS_URL_In_Use", "", PARAM_STATUS, "ACS URL in use (status)"),
	PSTR("Connection_Request_URL", "", PARAM_STATUS,
	    "TR-069 connection request URL (status)"),
	PSTR("Connection_Request_Username", "", 0,
	    "User name the ACS uses for connection requests"),
	PSTR("Connection_Request_Password", "", PARAM_SECRET,
	    "Password the ACS uses for connection requests"),
	PUINT("Periodic_Inform_Interval", "20", 0, PARAM_UINT_MAX, 0,
	    "Seconds between periodic Informs"),
	PBOOL("Periodic_Inform_Enable", "Yes", "Send periodic Informs"),
	PBOOL("TR-069_Traceability", "No", "Log CWMP transactions"),
	PBOOL("CWMP_V1.2_Support", "Yes",
	    "No: no Inform, no connection requests"),
	PBOOL("TR-069_VoiceObject_Init", "Yes",
	    "Voice objects start at factory values"),
	PBOOL("TR-069_DHCPOption_Init", "Yes",
	    "DHCP settings initialised from the ACS"),
	PSTR("BACKUP_ACS_URL", "", 0, "ACS used when the primary fails"),
	PSTR("BACKUP_ACS_User", "", 0, "User name towards the backup ACS"),
	PSTR("BACKUP_ACS_Password", "", PARAM_SECRET,
	    "Password towards the backup ACS"),
	/* 7.8 NAT */
	PBOOL("STUN_Enable", "No", "Discover the external address by STUN"),
	PBOOL("STUN_Test_Enable", "No", "NAT type discovery at power-on"),
	PSTR("STUN_Server", "", 0, "STUN server host[:port]"),
	PSTR("EXT_IP", "", 0, "External address; empty or 0.0.0.0: none"),
	PUINT("EXT_RTP_Port_Min", "0", 0, 65535, 0,
	    "First external RTP port"),
	PUINT("NAT_Keep_Alive_Intvl", "15", 0, 65535, 0,
	    "NAT keep-alive interval, seconds"),
	/* 7.9 Other names */
	PSTR("Trans_Auth_Rule", "", 0,
	    "Transition-to-enterprise rule (stored, not acted on)"),
	PSTR("Trans_Auth_Type", "Classic", 0,
	    "Transition-to-enterprise type (stored, not acted on)"),
	PUINT("Transition_Authorization_Error_Retry_Delay", "1800", 0,
	    PARAM_UINT_MAX, 0,
	    "Transition retry delay, seconds (stored, not acted on)"),
	/* 9.4 XSI credentials */
	PCHOICE("XSI_Authentication_Type", "Login Credentials",
	    "Login Credentials|SIP Credentials", 0,
	    "XSI profile authentication: which credentials"),
	PSTR("XSI_Host_Server", "", 0, "XSI server"),
	PSTR("Login_User_ID", "", 0, "XSI login user id"),
	PSTR("Login_Password", "", PARAM_SECRET, "XSI login password"),
	PSTR("SIP_Auth_ID", "", 0, "XSI SIP credentials: authentication id"),
	PSTR("SIP_Password", "", PARAM_SECRET,
	    "XSI SIP credentials: password"),
	/* Network identity: a change needs a reboot (spec 8.5.6) */
	PCHOICE("Connection_Type", "DHCP", "DHCP|Static IP", PARAM_REBOOT,
	    "IPv4 address from DHCP or static"),
	PSTR("Static_IP", "", PARAM_REBOOT, "Static IPv4 address"),
	PSTR("NetMask", "", PARAM_REBOOT, "Static IPv4 netmask"),
	PSTR("Gateway", "", PARAM_REBOOT, "Static IPv4 default gateway"),
	PBOOLF("Enable_VLAN", "No", PARAM_REBOOT, "Tag traffic with VLAN_ID"),
	PUINT("VLAN_ID", "1", 1, 4095, PARAM_REBOOT, "VLAN id"),
	PSTR("Primary_DNS", "", PARAM_REBOOT, "First DNS server"),
	PSTR("Secondary_DNS", "", PARAM_REBOOT, "Second DNS server"),
	PSTR("Host_Name", "", PARAM_REBOOT, "Host name sent to DHCP"),
	PSTR("Domain", "", PARAM_REBOOT, "DNS domain; empty: from DHCP"),
	PCHOICE("Firewall", "Enabled", "Enabled|Disabled", PARAM_REBOOT,
	    "Phone firewall"),
	PSTR("Firewall_Config", "", PARAM_REBOOT,
	    "Firewall options (NO_ICMP_PING, NO_CISCO_TFTP, ...)"),
	/* System */
	PSTR("Station_Name", "", 0, "Phone name"),
	PSTR("Time_Zone", "GMT-08:00", 0, "Local time zone"),
	PSTR("Primary_NTP_Server", "", 0, "First NTP server"),
	PSTR("Secondary_NTP_Server", "", 0, "Second NTP server"),
	PSTR("Back_Light_Timer", "5m", 0,
	    "LCD back light timer (model dependent, not emulated)"),
	/* Lines and extensions */
	PLINE(1, "5060"), PLINE(2, "5061"), PLINE(3, "5062"),
	PLINE(4, "5063"), PLINE(5, "5064"), PLINE(6, "5065"),
	PLINE(7, "5066"), PLINE(8, "5067"), PLINE(9, "5068"),
	PLINE(10, "5069"), PLINE(11, "5070"), PLINE(12, "5071"),
	PLINE(13, "5072"), PLINE(14, "5073"), PLINE(15, "5074"),
	PLINE(16, "5075"),
	/* Speed dials (8.2 rule 4 example) */
	PSPEED(2), PSPEED(3), PSPEED(4), PSPEED(5),
	PSPEED(6), PSPEED(7), PSPEED(8), PSPEED(9),

	/*
	 * Every name of the 68xx/78xx/88xx/98xx catalogue (spec 7), with its
	 * factory value, generated at build time.  Names typed above shadow
	 * theirs; the rest are stored, reported and settable, nothing more.
	 */
#include "emu/param-cat.inc"
};
const size_t param_count = nitems(param_table);

/* Adding an id to enum param_id means adding its entry above. */
_Static_assert(P__FIXED == 53, "param_table: update the fixed entries");
_Static_assert(P_GPP_P == P_GPP_A + 15, "GPP_A..GPP_P not consecutive");
_Static_assert(P_GPP_SD == P_GPP_SA + 3, "GPP_SA..GPP_SD not consecutive");
_Static_assert(nitems(param_table) < UINT16_MAX, "pset ids are 16 bits");

/*
 * Spec 18: defaults that older loads ship with.  Below major.minor the
 * parameter's factory value is old_def instead of the table's.
 */
static const struct {
	int		 id;
	unsigned	 major, minor;
	const char	*old_def;
} param_fw_defaults[] = {
	{ P_RESYNC_ERROR_RETRY_DELAY, 12, 0, "3600" },		/* K2 */
	{ P_DHCP_OPTION_TO_USE, 11, 2, "160,159,66,150" },	/* K4 */
};

static char	*param_quote(const char *);
static size_t	 param_norm(const char *, char *, size_t);
static unsigned	 param_distance(const char *, size_t, const char *, size_t,
		     unsigned);
static int	 param_choice(const char *, const char *);
static int	 param_lower(int);

/*
 * Name and alias -> id + 1.  A hole or a duplicate among the typed entries
 * is a broken table; a catalogue entry whose name is taken is shadowed.
 */
void
param_index_build(struct hmap *index)
{
	const struct param_def	*pd;
	size_t			 i;
	void			*old;

	for (i = 0; i < param_count; i++) {
		pd = &param_table[i];
		assert(pd->name != NULL && pd->def != NULL && pd->doc != NULL);
		if ((pd->flags & PARAM_CATALOGUE) &&
		    hmap_get(index, pd->name, strlen(pd->name)) != NULL)
			continue;
		old = hmap_put(index, pd->name, strlen(pd->name),
		    (void *)(uintptr_t)(i + 1));
		assert(old == NULL);
		(void)old;
		if (pd->alias == NULL)
			continue;
		old = hmap_put(index, pd->alias, strlen(pd->alias),
		    (void *)(uintptr_t)(i + 1));
		assert(old == NULL);
	}
}

int
param_find(const struct emu_ctx *ctx, const char *name)
{
	void	*v;

	v = hmap_get(&ctx->param_index, name, strlen(name));
	if (v == NULL)
		return (-1);
	return ((int)((uintptr_t)v - 1));
}

/* A catalogue entry whose name a typed entry already has. */
int
param_is_shadowed(const struct emu_ctx *ctx, int id)
{
	return (param_find(ctx, param_table[id].name) != id);
}

/*
 * Known names near an unknown one, best first: the same letters and digits
 * in any case and with any separators ("profile rule", "Profile-Rule",
 * "Dial_Plan[1]" for Dial_Plan_1_) rank 0, then an edit distance of 1 (2
 * for names longer than 6) ignoring case.  Shadowed entries are skipped.
 */
size_t
param_suggest(const struct emu_ctx *ctx, const char *name, const char **out,
    size_t max)
{
	char		 want[PARAM_NAME_MAX + 1], have[PARAM_NAME_MAX + 1];
	unsigned	 score[8], d, limit;
	size_t		 wl, hl, nl, i, k, n = 0;
	const char	*cand;

	if (max > nitems(score))
		max = nitems(score);
	if (max == 0 || (nl = strlen(name)) > PARAM_NAME_MAX)
		return (0);
	wl = param_norm(name, want, sizeof want);
	limit = nl > 6 ? 2 : 1;
	for (i = 0; i < param_count; i++) {
		cand = param_table[i].name;
		if ((param_table[i].flags & PARAM_CATALOGUE) &&
		    param_is_shadowed(ctx, (int)i))
			continue;
		if ((hl = strlen(cand)) > PARAM_NAME_MAX)
			continue;
		if (strcmp(cand, name) == 0)
			continue;
		if (param_norm(cand, have, sizeof have) == wl && wl != 0 &&
		    memcmp(have, want, wl) == 0)
			d = 0;
		else if ((d = param_distance(name, nl, cand, hl, limit)) >
		    limit)
			continue;
		/* Insert by score, keeping table order among equals. */
		if (n == max && score[n - 1] <= d)
			continue;
		for (k = n < max ? n : max - 1; k > 0 && score[k - 1] > d;
		    k--) {
			out[k] = out[k - 1];
			score[k] = score[k - 1];
		}
		out[k] = cand;
		score[k] = d;
		if (n < max)
			n++;
	}
	/* The same name but for case and separators: only those. */
	for (k = 1; k < n && score[0] == 0; k++) {
		if (score[k] != 0)
			return (k);
	}
	return (n);
}

/* Lower-case letters and digits of s only; returns their count. */
static size_t
param_norm(const char *s, char *out, size_t size)
{
	size_t	n = 0;

	for (; *s != '\0' && n + 1 < size; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
			out[n++] = *s;
		else if (*s >= 'A' && *s <= 'Z')
			out[n++] = *s - 'A' + 'a';
	}
	out[n] = '\0';
	return (n);
}

/*
 * Levenshtein distance ignoring case, or limit + 1 as soon as it must be
 * larger.  Both lengths are at most PARAM_NAME_MAX.
 */
static unsigned
param_distance(const char *a, size_t al, const char *b, size_t bl,
    unsigned limit)
{
	unsigned	 row[2][PARAM_NAME_MAX + 1], best, c;
	unsigned	*prev = row[0], *cur = row[1], *t;
	size_t		 i, j;

	if ((al > bl ? al - bl : bl - al) > limit)
		return (limit + 1);
	for (j = 0; j <= bl; j++)
		prev[j] = j;
	for (i = 1; i <= al; i++) {
		cur[0] = i;
		best = cur[0];
		for (j = 1; j <= bl; j++) {
			c = prev[j - 1] + (param_lower(a[i - 1]) !=
			    param_lower(b[j - 1]));
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
			if (c < best)
				best = c;
		}
		if (best > limit)
			return (limit + 1);
		t = prev;
		prev = cur;
		cur = t;
	}
	return (prev[bl]);
}

/*
 * Check a value against the parameter's type.  NULL (keep the value) is
 * always valid.  Schedules may be empty; Resync_At__HHmm_ takes anything
 * (an invalid time is stored and ignored at run time, spec B81).
 */
int
param_validate(int id, const char *value, char **cause)
{
	const struct param_def	*pd;
	uint64_t		 v;
	const char		*p;
	char			*q;

	if (id < 0 || (size_t)id >= param_count || value == NULL)
		return (0);
	pd = &param_table[id];
	switch (pd->type) {
	case PT_BOOL:
		if (pf_strcasecmp_ascii(value, "Yes") == 0 ||
		    pf_strcasecmp_ascii(value, "No") == 0)
			return (0);
		if (cause != NULL) {
			q = param_quote(value);
			xasprintf(cause, "\"%s\" is not Yes or No", q);
			free(q);
		}
		return (-1);
	case PT_UINT:
		for (p = value, v = 0; *p >= '0' && *p <= '9'; p++) {
			if (v <= UINT32_MAX)
				v = v * 10 + (*p - '0');
		}
		if (p == value || *p != '\0') {
			if (cause != NULL) {
				q = param_quote(value);
				xasprintf(cause, "\"%s\" is not a number", q);
				free(q);
			}
			return (-1);
		}
		if (v < pd->min || v > pd->max) {
			if (cause != NULL) {
				q = param_quote(value);
				xasprintf(cause,
				    "\"%s\" is out of range %u..%u", q,
				    pd->min, pd->max);
				free(q);
			}
			return (-1);
		}
		return (0);
	case PT_CHOICE:
		if (param_choice(pd->choices, value) == 0)
			return (0);
		if (cause != NULL) {
			q = param_quote(value);
			xasprintf(cause, "\"%s\" is not one of %s", q,
			    pd->choices);
			free(q);
		}
		return (-1);
	case PT_SCHED:
		return (sched_valid(value, cause));
	case PT_STR:
	case PT_RULE:
	case PT_COND:
	case PT_HHMM:
	case PT_MSG:
		break;
	}
	return (0);
}

/*
 * The factory value of a parameter on a load numbered major.minor (spec
 * 18, K2 and K4): the older default below the firmware that changed it.
 */
const char *
param_default(int id, unsigned major, unsigned minor)
{
	size_t	i;

	assert(id >= 0 && (size_t)id < param_count);
	if ((param_table[id].flags & PARAM_FWDEF) == 0)
		return (param_table[id].def);
	for (i = 0; i < nitems(param_fw_defaults); i++) {
		if (param_fw_defaults[i].id != id)
			continue;
		if (major < param_fw_defaults[i].major ||
		    (major == param_fw_defaults[i].major &&
		    minor < param_fw_defaults[i].minor))
			return (param_fw_defaults[i].old_def);
	}
	return (param_table[id].def);
}

/* Yes, true or 1, in any case. */
int
param_is_true(const char *value)
{
	if (value == NULL)
		return (0);
	return (pf_strcasecmp_ascii(value, "Yes") == 0 ||
	    pf_strcasecmp_ascii(value, "true") == 0 || strcmp(value, "1") == 0);
}

/* 0 if value is one of the "|"-separated choices, in any case. */
static int
param_choice(const char *choices, const char *value)
{
	const char	*p = choices, *end;
	size_t		 len = strlen(value), i;

	for (;;) {
		end = p + strcspn(p, "|");
		if ((size_t)(end - p) == len) {
			for (i = 0; i < len; i++) {
				if (param_lower(p[i]) != param_lower(value[i]))
					break;
			}
			if (i == len)
				return (0);
		}
		if (*end == '\0')
			return (-1);
		p = end + 1;
	}
}

static int
param_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Escaped, shortened copy of a value for a cause.  Caller frees. */
static char *
param_quote(const char *s)
{
	size_t	 len = strlen(s);
	char	*e, *q;

	if (len <= PARAM_QUOTE_MAX)
		return (pf_escape(s, len));
	e = pf_escape(s, PARAM_QUOTE_MAX);
	xasprintf(&q, "%s...", e);
	free(e);
	return (q);
}

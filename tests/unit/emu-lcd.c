/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The LCD and keypad model (emu/lcd.c, spec 15) driven through the phone,
 * without a terminal: keys go in as events, the test reads the screen
 * through phone_lcd() and, where a key makes the phone do something, plays
 * the DHCP, DNS and HTTP servers itself as tests/unit/emu-phone.c does.
 * Each test names the behaviour of spec section 19 it covers.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "emu/emu-int.h"

#include "phone-harness.h"

/*
 * Every test's phone has the first boot's Set password prompt (15.2) off,
 * so that a boot ends at the idle screen; the tests of the prompt turn it
 * back on.
 */
static void
no_prompt(struct h *h)
{
	set(h, "User_Password_Prompt", "No");
}

static int
lcd_setup(void **state)
{
	h_setup(state);
	no_prompt(*state);
	return (0);
}

/* A new phone of another model (h_phone), prompt off as above. */
static void
new_phone(struct h *h, const char *model, const char *swver)
{
	h_phone(h, model, swver);
	no_prompt(h);
}

/* The screen. */

static const struct lcd_view *
lcd(struct h *h)
{
	const struct lcd_view	*v = phone_lcd(h->p);

	assert_non_null(v);
	return (v);
}

static void
key(struct h *h, int k)
{
	h_event(h, &(struct emu_event){ .type = EMU_EV_KEY, .key = k });
}

/* Named keys and keypad characters: "{applications}2{select}". */
static void
keys(struct h *h, const char *s)
{
	char	name[32];
	size_t	n;
	int	k;

	while (*s != '\0') {
		if (*s == '{') {
			n = strcspn(s + 1, "}");
			assert_true(n < sizeof name);
			memcpy(name, s + 1, n);
			name[n] = '\0';
			k = lcd_key_parse(name);
			if (k < 0)
				fail_msg("unknown key %s", name);
			key(h, k);
			s += n + 2;
		} else
			key(h, (unsigned char)*s++);
	}
}

/* The body line holding text, or -1. */
static int
body_find(struct h *h, const char *text)
{
	const struct lcd_view	*v = lcd(h);
	int			 i;

	for (i = 0; i < v->nbody; i++) {
		if (strstr(v->body[i], text) != NULL)
			return (i);
	}
	return (-1);
}

static void
assert_screen(struct h *h, enum lcd_screen scr, const char *title)
{
	const struct lcd_view	*v = lcd(h);

	if (v->screen != scr)
		fail_msg("screen %s, not %s", lcd_screen_name(v->screen),
		    lcd_screen_name(scr));
	if (title != NULL)
		assert_string_equal(v->title, title);
}

/* The actions of kind LCD since index from. */
static size_t
lcd_actions(struct h *h, size_t from)
{
	size_t	i, n = 0;

	for (i = from; i < h->out.n; i++)
		n += h->out.act[i].type == EMU_ACT_LCD;
	return (n);
}

/*
 * Powered on with an empty rule of its own: the boot resync has nothing
 * to fetch, the phone is operational and its screen open at idle.
 */
static void
to_idle(struct h *h)
{
	set(h, "Profile_Rule", "");
	boot(h);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	phone_lcd_open(h->p);
	assert_screen(h, LCD_SCR_IDLE, "");
}

/* The multi-tap map of docs/lcd.md. */
static const char *const taps[] = {
	"0 +", "1./:-_@", "abc2ABC", "def3DEF", "ghi4GHI", "jkl5JKL",
	"mno6MNO", "pqrs7PQRS", "tuv8TUV", "wxyz9WXYZ"
};

/* Type s with multi-tap, waiting out the time-out between two
 * characters of one key. */
static void
multitap(struct h *h, const char *s)
{
	int		 last = -1, k, i, j = 0;
	const char	*c;

	for (; *s != '\0'; s++) {
		k = -1;
		for (i = 0; i < 10 && k < 0; i++) {
			if ((c = strchr(taps[i], *s)) != NULL) {
				k = '0' + i;
				j = c - taps[i];
			}
		}
		assert_true(k >= 0);
		if (k == last)
			h_timer(h);	/* the time-out: the character stays */
		for (i = 0; i <= j; i++)
			key(h, k);
		last = k;
	}
}

/* 15.1: key names both ways; the digits keep their characters. */
static void
test_key_names(void **state)
{
	static const char *const names[] = { "soft1", "soft2", "soft3",
	    "soft4", "up", "down", "left", "right", "select", "back",
	    "applications", "power-hold", "line1", "line16", "0", "9", "*",
	    "#" };
	size_t	i;

	(void)state;
	for (i = 0; i < nitems(names); i++)
		assert_string_equal(lcd_key_name(lcd_key_parse(names[i])),
		    names[i]);
	assert_int_equal(lcd_key_parse("5"), '5');
	assert_int_equal(lcd_key_parse("#"), '#');
	assert_int_equal(lcd_key_parse("settings"), EMU_KEY_APPLICATIONS);
	assert_int_equal(lcd_key_parse("line0"), -1);
	assert_int_equal(lcd_key_parse("line17"), -1);
	assert_int_equal(lcd_key_parse("line01"), -1);
	assert_int_equal(lcd_key_parse("enter"), -1);
	assert_int_equal(lcd_key_parse(""), -1);
}

/* Scenario <keys>: characters, {names}, white space; errors named. */
static void
test_keys_sequence(void **state)
{
	const char	*s = " 1{soft2}\n #{line3}*";
	static const int want[] = { '1', EMU_KEY_SOFT2, '#', EMU_KEY_LINE1 + 2,
	    '*' };
	char		*cause = NULL;
	size_t		 i;
	int		 k;

	(void)state;
	for (i = 0; i < nitems(want); i++) {
		assert_int_equal(lcd_keys_next(&s, &k, NULL), 1);
		assert_int_equal(k, want[i]);
	}
	assert_int_equal(lcd_keys_next(&s, &k, NULL), 0);
	s = "1{enter}";
	assert_int_equal(lcd_keys_next(&s, &k, &cause), 1);
	assert_int_equal(lcd_keys_next(&s, &k, &cause), -1);
	assert_string_equal(cause, "unknown key \"{enter}\"");
	free(cause);
	s = "{soft1";
	assert_int_equal(lcd_keys_next(&s, &k, NULL), -1);
	s = "a";
	assert_int_equal(lcd_keys_next(&s, &k, NULL), -1);
}

/*
 * 2.1: every model the spec lists has a screen of its own (an unknown
 * model draws as a CP-8851); B25: the CP-6861 alone has no activation
 * screen; line keys as mpp-parameters.md counts them: 16 on a 7861, 10
 * on the 88xx desk phones and the 9861, 4 on a 6841, none on the
 * conference phones; a 7841 is a smaller screen than an 8851.
 */
static void
test_b25_geometry_spec_facts(void **state)
{
	static const char *const models[] = {	/* spec 2.1 */
		"CP-6821-3PCC", "CP-6841-3PCC", "CP-6851-3PCC", "CP-6871-3PCC",
		"CP-6861-3PCC", "CP-7811-3PCC", "CP-7821-3PCC", "CP-7841-3PCC",
		"CP-7861-3PCC", "CP-7832-3PCC", "CP-8811-3PCC", "CP-8841-3PCC",
		"CP-8851-3PCC", "CP-8861-3PCC", "CP-8845-3PCC", "CP-8865-3PCC",
		"CP-8832-3PCC"
	};
	static const char *const ten[] = { "CP-8841-3PCC", "CP-8845-3PCC",
	    "CP-8851-3PCC", "CP-8861-3PCC", "CP-8865-3PCC", "CP-9861-3PCC" };
	const struct lcd_geom	*g, *t, *g7841, *g8851;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < nitems(models); i++) {
		g = lcd_geom_find(models[i]);
		assert_string_equal(g->model, models[i]);
		/* B25 */
		assert_int_equal(g->activation,
		    strcmp(models[i], "CP-6861-3PCC") != 0);
	}
	assert_string_equal(lcd_geom_find("CP-0000")->model, "CP-8851-3PCC");
	assert_string_equal(lcd_geom_find(NULL)->model, "CP-8851-3PCC");
	assert_int_equal(lcd_geom_find("CP-7861-3PCC")->line_keys, 16);
	for (i = 0; i < nitems(ten); i++)
		assert_int_equal(lcd_geom_find(ten[i])->line_keys, 10);
	assert_int_equal(lcd_geom_find("CP-6841-3PCC")->line_keys, 4);
	assert_int_equal(lcd_geom_find("CP-7832-3PCC")->line_keys, 0);
	assert_int_equal(lcd_geom_find("CP-8832-3PCC")->line_keys, 0);
	g7841 = lcd_geom_find("CP-7841-3PCC");
	g8851 = lcd_geom_find("CP-8851-3PCC");
	assert_true(g7841->lines < g8851->lines);
	assert_true(g7841->cols < g8851->cols);
	/* The table: one row a model, each within the view's bounds. */
	t = lcd_geom_table(&n);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(lcd_geom_find(t[i].model), &t[i]);
		assert_true(t[i].lines >= 1 && t[i].lines <= LCD_BODY_MAX);
		assert_true(t[i].cols >= 1 && t[i].cols <= LCD_COLS_MAX);
		assert_true(t[i].softkeys >= 1 &&
		    t[i].softkeys <= LCD_SOFTKEYS_MAX);
		assert_true(t[i].line_keys <= EMU_KEY_LINE_LAST -
		    EMU_KEY_LINE1 + 1);
	}
}

/* 15.3, 15.4: on every model, the idle screen lists its line keys, the
 * header fills its width, a softkey it lacks is blank and does nothing,
 * and a menu line never runs past its columns. */
static void
test_screen_each_model(void **state)
{
	struct h		*h = *state;
	const struct lcd_geom	*g;
	const struct lcd_view	*v;
	size_t			 i, n, j;

	g = lcd_geom_table(&n);
	for (i = 0; i < n; i++) {
		new_phone(h, g[i].model, "sip88xx.12-0-7MPP0301-92");
		h->out.n = 0;
		memset(h->cur, 0, sizeof h->cur);
		to_idle(h);
		v = lcd(h);
		assert_ptr_equal(v->geom, &g[i]);
		assert_int_equal(v->nbody, g[i].line_keys);
		assert_int_equal(strlen(v->header), g[i].cols);
		for (j = g[i].softkeys; j < LCD_SOFTKEYS_MAX; j++)
			assert_string_equal(v->soft[j], "");
		keys(h, "{applications}");
		for (j = 0; j < (size_t)lcd(h)->nbody; j++)
			assert_true(strlen(lcd(h)->body[j]) <= g[i].cols);
		if (g[i].softkeys < 4) {
			keys(h, "{soft4}");
			assert_screen(h, LCD_SCR_MENU, "Applications");
		}
	}
}

/* 15.3: header with the line and the clock; Setup while no line is
 * registered; a fleet phone has no screen until one is asked for. */
static void
test_idle_screen(void **state)
{
	struct h		*h = *state;
	const struct lcd_view	*v;
	size_t			 before;

	set(h, "Station_Name", "Reception");
	set(h, "User_ID_1_", "1001");
	set(h, "Profile_Rule", "");
	boot(h);
	assert_null(phone_lcd(h->p));
	assert_int_equal(lcd_actions(h, 0), 0);
	phone_lcd_open(h->p);
	v = lcd(h);
	assert_int_equal(v->screen, LCD_SCR_IDLE);
	assert_true(strncmp(v->header, "Reception", 9) == 0);
	/* epoch 2027-01-01 00:00 UTC; the boot delay was seconds */
	assert_non_null(strstr(v->header, "00:00 01/01/27"));
	assert_string_equal(v->body[0], "Line 1: 1001");
	assert_string_equal(v->body[1], "Line 2");
	assert_string_equal(v->soft[0], "Setup");
	/* A key that changes nothing draws nothing. */
	before = h->out.n;
	keys(h, "{line1}");
	assert_int_equal(lcd_actions(h, before), 0);
	before = h->out.n;
	keys(h, "{applications}");
	assert_int_equal(lcd_actions(h, before), 1);
	phone_lcd_close(h->p);
	assert_null(phone_lcd(h->p));
	/* The first key makes the screen again. */
	keys(h, "{back}");
	assert_screen(h, LCD_SCR_IDLE, "");
}

/* 15.4: the Applications menu, its order and the ways through it. */
static void
test_applications_menu(void **state)
{
	struct h		*h = *state;
	const struct lcd_view	*v;

	to_idle(h);
	keys(h, "{applications}");
	assert_screen(h, LCD_SCR_MENU, "Applications");
	v = lcd(h);
	assert_int_equal(v->nbody, 4);
	assert_string_equal(v->body[0], "1 Preferences");
	assert_string_equal(v->body[1], "2 Status");
	assert_string_equal(v->body[2], "3 Network configuration");
	assert_string_equal(v->body[3], "4 Device administration");
	assert_int_equal(v->sel, 0);
	assert_string_equal(v->soft[0], "Select");
	assert_string_equal(v->soft[1], "Back");
	keys(h, "{down}{down}{down}{down}");
	assert_int_equal(lcd(h)->sel, 3);
	keys(h, "{up}");
	assert_int_equal(lcd(h)->sel, 2);
	keys(h, "{up}{select}");
	assert_screen(h, LCD_SCR_MENU, "Status");
	assert_string_equal(lcd(h)->body[0], "1 Product information");
	assert_string_equal(lcd(h)->body[1], "2 Phone status");
	assert_string_equal(lcd(h)->body[2], "3 Status messages");
	assert_string_equal(lcd(h)->body[3], "4 Network status");
	keys(h, "{back}");
	assert_screen(h, LCD_SCR_MENU, "Applications");
	keys(h, "4");
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	assert_string_equal(lcd(h)->body[0], "1 Profile rule");
	assert_string_equal(lcd(h)->body[1], "2 Factory reset");
	assert_string_equal(lcd(h)->body[2], "3 Restart");
	assert_string_equal(lcd(h)->body[3], "4 Set password");
	assert_string_equal(lcd(h)->body[4], "5 Profile account setup");
	/* "Settings" is the same key; pressed in a menu it starts over,
	 * at the top menu it closes. */
	keys(h, "{settings}");
	assert_screen(h, LCD_SCR_MENU, "Applications");
	keys(h, "{applications}");
	assert_screen(h, LCD_SCR_IDLE, "");
	keys(h, "{applications}{soft2}");
	assert_screen(h, LCD_SCR_IDLE, "");
}

/* 15.4: Product information and Network status. */
static void
test_status_pages(void **state)
{
	struct h		*h = *state;

	to_idle(h);
	keys(h, "{applications}21");
	assert_screen(h, LCD_SCR_INFO, "Product information");
	assert_true(body_find(h, "Product name: CP-8851-3PCC") >= 0);
	assert_true(body_find(h, "Serial number: FCH2301ABCD") >= 0);
	assert_true(body_find(h, "MAC address: 00562B043615") >= 0);
	assert_true(body_find(h, "Software version: sip88xx.12-0-7MPP0301-92")
	    >= 0);
	assert_true(body_find(h, "Hardware version: V03") >= 0);
	assert_true(body_find(h, "Client certificate: Installed") >= 0);
	keys(h, "{back}4");
	assert_screen(h, LCD_SCR_INFO, "Network status");
	assert_true(body_find(h, "IP address: 10.0.0.100") >= 0);
	assert_true(body_find(h, "Subnet mask: 255.255.255.0") >= 0);
	assert_true(body_find(h, "Default router: 10.0.0.1") >= 0);
	assert_true(body_find(h, "Host name: SEP00562B043615") >= 0);
	assert_true(body_find(h, "Domain: cisco.com") >= 0);
	keys(h, "{back}2");
	assert_screen(h, LCD_SCR_MENU, "Phone status");
	keys(h, "1");
	assert_screen(h, LCD_SCR_INFO, "Phone status");
	assert_true(body_find(h, "State: operational") >= 0);
	assert_true(body_find(h, "Reboot reason: Power Cycled") >= 0);
}

/* An info page scrolls on a small screen (a 7811 shows 3 lines). */
static void
test_info_scrolls(void **state)
{
	struct h	*h = *state;
	int		 i;

	new_phone(h, "CP-7811-3PCC", "sip78xx.12-0-7MPP0301-92");
	to_idle(h);
	keys(h, "{applications}21");
	assert_screen(h, LCD_SCR_INFO, "Product information");
	assert_true(lcd(h)->nbody > 3);
	assert_int_equal(lcd(h)->top, 0);
	keys(h, "{up}");
	assert_int_equal(lcd(h)->top, 0);
	for (i = 0; i < 40; i++)
		keys(h, "{down}");
	assert_int_equal(lcd(h)->top, lcd(h)->nbody - 3);
	keys(h, "{up}");
	assert_int_equal(lcd(h)->top, lcd(h)->nbody - 4);
}

/* 15.1: multi-tap cycles within the time-out, which is a deadline. */
static void
test_multitap_timeout(void **state)
{
	struct h	*h = *state;
	emu_time	 t;

	to_idle(h);
	keys(h, "{applications}41");
	assert_screen(h, LCD_SCR_PROFILE_RULE, "Profile rule");
	assert_string_equal(lcd(h)->text, "");
	assert_int_equal(lcd(h)->field, 1);
	keys(h, "2");
	assert_string_equal(lcd(h)->text, "a");
	t = phone_deadline(h->p);
	assert_true(t == h->now + EMU_MS(LCD_MULTITAP_MS));
	keys(h, "22");
	assert_string_equal(lcd(h)->text, "c");
	keys(h, "22");
	assert_string_equal(lcd(h)->text, "A");		/* a b c 2 A */
	keys(h, "222");
	assert_string_equal(lcd(h)->text, "a");		/* B C a: round */
	keys(h, "3");					/* another key */
	assert_string_equal(lcd(h)->text, "ad");
	h_timer(h);					/* the time-out */
	assert_true(phone_deadline(h->p) > h->now + EMU_SEC(1));
	keys(h, "3");
	assert_string_equal(lcd(h)->text, "add");
	/* Just before the time-out the key still cycles. */
	h->now += EMU_MS(LCD_MULTITAP_MS) - 1;
	keys(h, "3");
	assert_string_equal(lcd(h)->text, "ade");
	assert_int_equal(lcd(h)->cursor, 3);
	keys(h, "1111");
	assert_string_equal(lcd(h)->text, "ade:");
	keys(h, "{left}*");
	assert_string_equal(lcd(h)->text, "ade*:");
}

/* 15.5.4: cursor left and right, Delete before the cursor, and typed
 * characters (15.1: the convenience) at the cursor. */
static void
test_cursor_and_delete(void **state)
{
	struct h	*h = *state;
	const char	*s;

	set(h, "Profile_Rule", "");
	to_idle(h);
	keys(h, "{applications}41");
	for (s = "http://x/y.xml"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	assert_string_equal(lcd(h)->text, "http://x/y.xml");
	assert_int_equal(lcd(h)->cursor, 14);
	keys(h, "{left}{left}{left}{left}{soft2}");
	assert_string_equal(lcd(h)->text, "http://x/.xml");
	assert_int_equal(lcd(h)->cursor, 9);
	key(h, EMU_KEY_CHAR | 'z');
	assert_string_equal(lcd(h)->text, "http://x/z.xml");
	keys(h, "{right}{right}{right}{right}{right}{right}");
	assert_int_equal(lcd(h)->cursor, 14);
	keys(h, "{soft2}{soft2}{soft2}{soft2}");
	assert_string_equal(lcd(h)->text, "http://x/z");
	/* A control character is not text. */
	key(h, EMU_KEY_CHAR | '\n');
	assert_string_equal(lcd(h)->text, "http://x/z");
	/* Delete at the start deletes nothing. */
	while (lcd(h)->cursor > 0)
		keys(h, "{left}");
	keys(h, "{soft2}");
	assert_string_equal(lcd(h)->text, "http://x/z");
	/* Back leaves the rule as it was. */
	keys(h, "{soft3}");
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	assert_string_equal(get(h, "Profile_Rule"), "");
}

/* 15.5.3, 15.5.5: pre-filled; a rule that does not parse stays on the
 * screen with "Invalid profile rule" and is not stored. */
static void
test_profile_rule_invalid(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule", "");
	to_idle(h);
	set(h, "Profile_Rule", "tftp://10.0.0.5/a.cfg");
	keys(h, "{applications}41");
	assert_string_equal(lcd(h)->text, "tftp://10.0.0.5/a.cfg");
	assert_int_equal(lcd(h)->cursor, strlen("tftp://10.0.0.5/a.cfg"));
	assert_string_equal(lcd(h)->soft[0], "Resync");
	assert_string_equal(lcd(h)->soft[1], "Delete");
	assert_string_equal(lcd(h)->soft[2], "Back");
	assert_true(body_find(h, "protocol://server[:port]/profile_pathname")
	    >= 0);
	key(h, EMU_KEY_CHAR | ' ');
	key(h, EMU_KEY_CHAR | '(');
	keys(h, "{soft1}");
	assert_string_equal(lcd(h)->msg, "Invalid profile rule");
	assert_screen(h, LCD_SCR_PROFILE_RULE, NULL);
	assert_string_equal(get(h, "Profile_Rule"), "tftp://10.0.0.5/a.cfg");
	assert_null(take(h, K_OPEN));
	/* Editing clears the message. */
	keys(h, "{soft2}");
	assert_string_equal(lcd(h)->msg, "");
}

/*
 * 15.5, 4.6: a profile rule entered on the keypad, then Resync: stored as
 * a local change, customization Aborted, and the phone fetches it; the
 * result line follows, then Status > Provisioning shows it (B122).
 */
static void
test_b122_keypad_rule_resync_and_status(void **state)
{
	struct h		*h = *state;
	const char		*rule = "http://10.0.0.5/lcd.xml";

	to_idle(h);
	keys(h, "{applications}{down}{down}{down}{select}{select}");
	assert_screen(h, LCD_SCR_PROFILE_RULE, "Profile rule");
	while (lcd(h)->text[0] != '\0')
		keys(h, "{soft2}");
	multitap(h, rule);
	assert_string_equal(lcd(h)->text, rule);
	keys(h, "{soft1}");
	assert_string_equal(lcd(h)->msg, "Resync in progress");
	assert_string_equal(get(h, "Profile_Rule"), rule);
	assert_true(pset_is_local(&h->p->ps, P_PROFILE_RULE));
	assert_int_equal(phone_customization(h->p), CUST_ABORTED);
	assert_int_equal(phone_state(h->p), PROV_RESYNC);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.target, "/lcd.xml");
	serve_http(h, 200, NULL, PROFILE("<GPP_A>from-lcd</GPP_A>"));
	assert_string_equal(get(h, "GPP_A"), "from-lcd");
	assert_string_equal(lcd(h)->msg, "Resync succeeded");
	assert_screen(h, LCD_SCR_PROFILE_RULE, NULL);

	keys(h, "{applications}22");
	assert_screen(h, LCD_SCR_MENU, "Phone status");
	keys(h, "2");
	assert_screen(h, LCD_SCR_INFO, "Provisioning");
	assert_true(body_find(h, "Customization: Aborted") >= 0);
	assert_true(body_find(h, "Profile rule: http://10.0.0.5/lcd.xml") >=
	    0);
	assert_true(body_find(h, "Provisioning profile: http://10.0.0.5:80/"
	    "lcd.xml") >= 0);
	assert_true(body_find(h, "Provisioning status 1: Succeeded 01/01/2027")
	    >= 0);
	assert_true(body_find(h, "Firmware: sip88xx.12-0-7MPP0301-92") >= 0);

	/* A failure shows its $ERR, on the screen and the status page. */
	keys(h, "{applications}41");
	keys(h, "{soft1}");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	assert_string_equal(lcd(h)->msg, "Resync failed: file not found");
	keys(h, "{applications}222");
	assert_true(body_find(h, "Provisioning status 1: Failed") >= 0);
	assert_true(body_find(h, "Provisioning status 2: Succeeded") >= 0);
}

/* B118: User_Configurable_Resync=No hides Profile rule. */
static void
test_b118_profile_rule_hidden(void **state)
{
	struct h	*h = *state;

	set(h, "User_Configurable_Resync", "No");
	to_idle(h);
	keys(h, "{applications}4");
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	assert_int_equal(body_find(h, "Profile rule"), -1);
	assert_string_equal(lcd(h)->body[0], "1 Factory reset");
	set(h, "User_Configurable_Resync", "Yes");
	keys(h, "{back}4");
	assert_string_equal(lcd(h)->body[0], "1 Profile rule");
}

/* B74: ua="na" hides the entry only with Phone-UI-User-Mode=Yes; "ro"
 * shows it read-only. */
static void
test_b74_ua_hides_entry(void **state)
{
	struct h	*h = *state;

	to_idle(h);
	pset_set_ua(&h->p->ps, P_PROFILE_RULE, UA_NA);
	keys(h, "{applications}4");
	assert_true(body_find(h, "Profile rule") >= 0);	/* mode No */
	set(h, "Phone-UI-User-Mode", "Yes");
	keys(h, "{back}4");
	assert_int_equal(body_find(h, "Profile rule"), -1);
	pset_set_ua(&h->p->ps, P_PROFILE_RULE, UA_RO);
	keys(h, "{back}4");
	assert_true(body_find(h, "Profile rule") >= 0);
	keys(h, "1");
	assert_screen(h, LCD_SCR_PROFILE_RULE, NULL);
	assert_string_equal(lcd(h)->soft[0], "");
	assert_string_equal(lcd(h)->soft[2], "Back");
	keys(h, "5{soft1}");
	assert_string_equal(lcd(h)->text, "");
	assert_null(take(h, K_OPEN));
	/* The account entry follows its own parameter's ua. */
	keys(h, "{back}");
	assert_true(body_find(h, "Profile account setup") >= 0);
	pset_set_ua(&h->p->ps, P_PROFILE_ACCOUNT_USER, UA_NA);
	keys(h, "{back}4");
	assert_int_equal(body_find(h, "Profile account setup"), -1);
}

/*
 * B119, 15.5.2: Default asks for the user password; Customized only
 * where Profile_Rule_Menu (Factory_Reset_Menu) is Yes; No never.
 */
static void
test_b119_signin(void **state)
{
	struct h	*h = *state;

	set(h, "User_Password", "Pass123!");
	to_idle(h);
	/* Default: sign in first; a wrong password stays there. */
	keys(h, "{applications}41");
	assert_screen(h, LCD_SCR_SIGNIN, "Sign in");
	assert_string_equal(lcd(h)->body[0], "Profile rule");
	keys(h, "1234{soft1}");
	assert_string_equal(lcd(h)->msg, "Incorrect password");
	assert_screen(h, LCD_SCR_SIGNIN, NULL);
	key(h, EMU_KEY_CHAR | 'P');
	key(h, EMU_KEY_CHAR | 'a');
	assert_string_equal(lcd(h)->text, "**");	/* masked */
	assert_string_equal(lcd(h)->msg, "");
	key(h, EMU_KEY_CHAR | 's');
	key(h, EMU_KEY_CHAR | 's');
	key(h, EMU_KEY_CHAR | '1');
	key(h, EMU_KEY_CHAR | '2');
	key(h, EMU_KEY_CHAR | '3');
	key(h, EMU_KEY_CHAR | '!');
	keys(h, "{soft1}");
	assert_screen(h, LCD_SCR_PROFILE_RULE, "Profile rule");
	/* Signed in until back at idle. */
	keys(h, "{back}2");
	assert_screen(h, LCD_SCR_CONFIRM, "Factory reset");
	keys(h, "{soft2}{back}{back}");
	assert_screen(h, LCD_SCR_IDLE, "");
	keys(h, "{applications}42");
	assert_screen(h, LCD_SCR_SIGNIN, NULL);
	keys(h, "{soft3}");
	assert_screen(h, LCD_SCR_MENU, "Device administration");

	/* B119: Customized with Profile_Rule_Menu=No: no sign-in. */
	set(h, "Require_Authentication_for_LCD_Menu_Access", "Customized");
	set(h, "Profile_Rule_Menu", "No");
	keys(h, "1");
	assert_screen(h, LCD_SCR_PROFILE_RULE, "Profile rule");
	/* ... while Factory_Reset_Menu=Yes still asks. */
	keys(h, "{back}2");
	assert_screen(h, LCD_SCR_SIGNIN, NULL);
	keys(h, "{back}");
	set(h, "Profile_Rule_Menu", "Yes");
	keys(h, "1");
	assert_screen(h, LCD_SCR_SIGNIN, NULL);
	keys(h, "{back}");
	/* No: nothing is asked. */
	set(h, "Require_Authentication_for_LCD_Menu_Access", "No");
	keys(h, "1");
	assert_screen(h, LCD_SCR_PROFILE_RULE, NULL);
	keys(h, "{back}2");
	assert_screen(h, LCD_SCR_CONFIRM, NULL);
	/* 15.5.2 ASSUMPTION: an empty user password asks nothing. */
	keys(h, "{back}");
	set(h, "Require_Authentication_for_LCD_Menu_Access", "Default");
	set(h, "User_Password", "");
	keys(h, "1");
	assert_screen(h, LCD_SCR_PROFILE_RULE, NULL);
}

/* B120: Factory reset asks first; Cancel keeps everything, OK resets. */
static void
test_b120_factory_reset_confirmation(void **state)
{
	struct h	*h = *state;

	to_idle(h);
	set(h, "GPP_A", "kept?");
	keys(h, "{applications}42");
	assert_screen(h, LCD_SCR_CONFIRM, "Factory reset");
	assert_string_equal(lcd(h)->soft[0], "OK");
	assert_string_equal(lcd(h)->soft[1], "Cancel");
	keys(h, "{soft2}");
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	assert_string_equal(get(h, "GPP_A"), "kept?");
	keys(h, "2{soft1}");
	assert_string_equal(get(h, "GPP_A"), "");
	assert_string_equal(get(h, "Profile_Rule"), "/$PSN.xml");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_FACTORY);
	assert_int_equal(phone_state(h->p), PROV_NETWORK);
	/* 15.2: the boot screens follow the phone. */
	assert_screen(h, LCD_SCR_BOOT, "");
	assert_string_equal(lcd(h)->body[0], "Getting IP address");
}

/* 15.4: Restart asks, then reboots (User Triggered). */
static void
test_restart(void **state)
{
	struct h	*h = *state;

	to_idle(h);
	keys(h, "{applications}43");
	assert_screen(h, LCD_SCR_CONFIRM, "Restart");
	keys(h, "{back}");
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	keys(h, "3{select}");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_USER);
	assert_int_equal(phone_state(h->p), PROV_NETWORK);
	assert_screen(h, LCD_SCR_BOOT, NULL);
	/* The settings survive a restart. */
	assert_string_equal(get(h, "Profile_Rule"), "");
}

/* 15.2: the transient screens: DHCP, boot delay, contacting the server. */
static void
test_boot_screens(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Rule", "http://10.0.0.5/p.xml");
	phone_lcd_open(h->p);
	assert_screen(h, LCD_SCR_OFF, NULL);
	h_simple(h, EMU_EV_POWER_ON);
	assert_screen(h, LCD_SCR_BOOT, "");
	assert_string_equal(lcd(h)->body[0], "Getting IP address");
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	assert_string_equal(lcd(h)->body[0], "Initializing");
	h_timer(h);
	assert_string_equal(lcd(h)->body[0], "Contacting provisioning server");
	/* The menus can be reached meanwhile. */
	keys(h, "{applications}");
	assert_screen(h, LCD_SCR_MENU, "Applications");
	keys(h, "{back}");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE("<GPP_B>x</GPP_B>"));
	assert_screen(h, LCD_SCR_IDLE, "");
	h_simple(h, EMU_EV_POWER_OFF);
	assert_screen(h, LCD_SCR_OFF, NULL);
	assert_string_equal(lcd(h)->header, "");
	/* Keys while off do nothing. */
	keys(h, "{applications}");
	assert_screen(h, LCD_SCR_OFF, NULL);
}

/*
 * B121: power-up holding '#', then 123456789*0# factory-resets; a key out
 * of sequence, or none within the time, boots normally.
 */
static void
test_b121_powerup_sequence(void **state)
{
	struct h	*h = *state;

	set(h, "GPP_A", "before");
	keys(h, "{power-hold}");
	assert_screen(h, LCD_SCR_POWERUP, NULL);
	assert_null(take(h, K_DHCP));			/* not booting yet */
	keys(h, "123456789*0");
	assert_screen(h, LCD_SCR_POWERUP, NULL);
	keys(h, "#");
	assert_string_equal(get(h, "GPP_A"), "");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_FACTORY);
	assert_non_null(take(h, K_DHCP));
	assert_screen(h, LCD_SCR_BOOT, NULL);

	/* Out of sequence: a normal boot, nothing erased. */
	set(h, "GPP_A", "before");
	keys(h, "{power-hold}12346");
	assert_string_equal(get(h, "GPP_A"), "before");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_POWER);
	assert_non_null(take(h, K_DHCP));
	assert_screen(h, LCD_SCR_BOOT, NULL);
	/* What follows is an ordinary key. */
	keys(h, "0#");
	assert_string_equal(get(h, "GPP_A"), "before");

	/* Nothing typed: the phone boots when the time is up. */
	keys(h, "{power-hold}");
	assert_true(phone_deadline(h->p) == h->now + EMU_SEC(LCD_POWERUP_S));
	h_timer(h);
	assert_non_null(take(h, K_DHCP));
	assert_string_equal(get(h, "GPP_A"), "before");
	assert_int_equal(phone_state(h->p), PROV_NETWORK);

	/* The event form: POWER_ON with the key held. */
	h_simple(h, EMU_EV_POWER_OFF);
	h_event(h, &(struct emu_event){ .type = EMU_EV_POWER_ON,
	    .flags = EMU_POWER_HOLD_KEYS, .key = '#' });
	assert_screen(h, LCD_SCR_POWERUP, NULL);
	keys(h, "123456789*0#");
	assert_string_equal(get(h, "GPP_A"), "");
}

/* Up to the activation screen: the rule is gds:// (B20). */
static void
to_activation(struct h *h)
{
	h->ctx->cloud_http = 1;
	set(h, "Profile_Rule", "gds://");
	phone_lcd_open(h->p);
	boot_with_options(h, OPTS({ 6, DNS_IP }));
	h_timer(h);
	assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
}

/* B20, 15.6: the screen comes up by itself; 16 digits grouped 4-4-4-4,
 * Continue only then, never a 17th digit (B24). */
static void
test_b20_activation_screen(void **state)
{
	struct h		*h = *state;
	const struct lcd_view	*v;

	to_activation(h);
	assert_screen(h, LCD_SCR_ACTIVATION, "Activation code");
	v = lcd(h);
	assert_string_equal(v->label, "Enter activation code");
	assert_string_equal(v->soft[0], "");
	assert_string_equal(v->soft[1], "Delete");
	assert_string_equal(v->soft[2], "Back");
	keys(h, "123456789012345");
	assert_string_equal(lcd(h)->text, "1234 5678 9012 345");
	keys(h, "{soft1}");				/* not yet */
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_SHOWN);
	keys(h, "6");
	assert_string_equal(lcd(h)->text, "1234 5678 9012 3456");
	assert_string_equal(lcd(h)->soft[0], "Continue");
	keys(h, "7");					/* B24: no 17th */
	assert_string_equal(lcd(h)->text, "1234 5678 9012 3456");
	keys(h, "{soft2}");
	assert_string_equal(lcd(h)->text, "1234 5678 9012 345");
	assert_string_equal(lcd(h)->soft[0], "");
	keys(h, "9");
	/* B21: Continue sends the code to GDS. */
	keys(h, "{soft1}");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_BUSY);
	assert_string_equal(lcd(h)->msg, "Activating...");
	assert_string_equal(lcd(h)->soft[0], "");
	dns_maybe(h, CLOUD_GDS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	assert_string_equal(h->req.method, "POST");
	assert_non_null(strstr((const char *)h->req.body.data,
	    "\"code\":\"1234567890123459\""));
	/* B22: invalid: the message, the field cleared, still shown. */
	serve_http(h, 404, NULL, NULL);
	assert_screen(h, LCD_SCR_ACTIVATION, NULL);
	assert_string_equal(lcd(h)->msg, "Invalid activation code");
	assert_string_equal(lcd(h)->text, "");
	/* Other errors: "Activation failed". */
	keys(h, "1234567890123456{soft1}");
	dns_maybe(h, CLOUD_GDS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	serve_http(h, 500, NULL, NULL);
	assert_string_equal(lcd(h)->msg, "Activation failed");
	assert_string_equal(lcd(h)->text, "1234 5678 9012 3456");
	/* Accepted: the screen is left, the phone resyncs. */
	keys(h, "{soft1}");
	dns_maybe(h, CLOUD_GDS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	serve_http(h, 200, NULL, "{\"profileRule\":\"http://10.0.0.5/g.xml\"}");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_OK);
	assert_true(lcd(h)->screen != LCD_SCR_ACTIVATION);
	assert_string_equal(get(h, "Profile_Rule"), "http://10.0.0.5/g.xml");
}

/* B23, B24: '#' first: a short code of 3-16 digits; 2 are refused. */
static void
test_b23_short_code(void **state)
{
	struct h	*h = *state;

	to_activation(h);
	keys(h, "#12");
	assert_string_equal(lcd(h)->text, "#12");
	assert_string_equal(lcd(h)->soft[0], "");	/* B24: 2 digits */
	keys(h, "{soft1}");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_SHOWN);
	assert_null(take(h, K_UDP));
	keys(h, "3456");
	assert_string_equal(lcd(h)->text, "#123456");
	assert_string_equal(lcd(h)->soft[0], "Continue");
	/* A '#' later is not part of a code. */
	keys(h, "#*");
	assert_string_equal(lcd(h)->text, "#123456");
	keys(h, "{soft1}");
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_BUSY);
	dns_maybe(h, CLOUD_EDOS_HOST, CLOUD_IP);
	expect_http(h, CLOUD_IP, 80);
	assert_non_null(strstr(h->req.target, "code=123456"));
	serve_http(h, 404, NULL, NULL);
	assert_string_equal(lcd(h)->msg, "Invalid activation code");
	/* B24: at most 16 digits after '#'. */
	keys(h, "#12345678901234567");
	assert_string_equal(lcd(h)->text, "#1234567890123456");
	/* Delete back to nothing leaves short-code mode. */
	while (lcd(h)->text[0] != '\0')
		keys(h, "{soft2}");
	keys(h, "1234");
	assert_string_equal(lcd(h)->text, "1234");
}

/* 15.6.5: Back leaves to idle, where the prompt is remembered. */
static void
test_activation_back(void **state)
{
	struct h	*h = *state;

	to_activation(h);
	keys(h, "12{back}");
	assert_screen(h, LCD_SCR_IDLE, "");
	assert_string_equal(lcd(h)->msg, "Activation code required");
	assert_int_equal(phone_state(h->p), PROV_ACTIVATION);
	/* Manual setup is possible: a rule typed on the keypad. */
	keys(h, "{applications}41");
	while (lcd(h)->text[0] != '\0')
		keys(h, "{soft2}");
	multitap(h, "http://10.0.0.5/m.xml");
	keys(h, "{soft1}");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_int_equal(phone_status(h->p)->act, PHONE_ACT_HIDDEN);
	assert_string_equal(lcd(h)->msg, "Resync succeeded");
}

/* B25: a CP-6861 never shows the activation-code screen. */
static void
test_b25_cp6861_no_activation(void **state)
{
	struct h	*h = *state;

	new_phone(h, "CP-6861-3PCC", "sip68xx.12-0-7MPP0301-92");
	to_activation(h);
	assert_screen(h, LCD_SCR_IDLE, "");
	assert_string_equal(lcd(h)->msg, "");
}

/* B56, 15.7: the first resync after a boot gets 401 and no credentials
 * anywhere: Profile account setup; Sign in stores them and resyncs. */
static void
test_b56_account_setup(void **state)
{
	struct h	*h = *state;
	const char	*s;

	phone_lcd_open(h->p);
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 1);
	assert_screen(h, LCD_SCR_ACCOUNT, "Profile account setup");
	assert_string_equal(lcd(h)->label, "User name");
	for (s = "alice"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	assert_string_equal(lcd(h)->label, "Password");
	for (s = "secret"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	assert_string_equal(lcd(h)->text, "******");
	assert_string_equal(lcd(h)->body[0], "User name: alice");
	assert_string_equal(lcd(h)->body[1], "Password: ******");
	keys(h, "{soft1}");
	assert_int_equal(phone_status(h->p)->account_setup, 0);
	assert_string_equal(get(h, "Profile_Account_Username"), "alice");
	assert_string_equal(get(h, "Profile_Account_Password"), "secret");
	expect_http(h, SRV_IP, 80);
	assert_null(req_header(h, "Authorization"));
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	expect_http(h, SRV_IP, 80);
	assert_non_null(req_header(h, "Authorization"));
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_int_equal(stats(h)->last_class, EMU_CLASS_A);
	assert_int_equal(phone_status(h->p)->account_setup, 0);
}

/* B56: only the first resync after a boot asks; Cancel dismisses. */
static void
test_b56_only_first_resync(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 0);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 0);
	/* After a reboot it asks; the screen was not open: it is drawn
	 * once opened, and Cancel dismisses it. */
	h_simple(h, EMU_EV_REBOOT);
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 1);
	assert_null(phone_lcd(h->p));
	phone_lcd_open(h->p);
	assert_screen(h, LCD_SCR_ACCOUNT, NULL);
	keys(h, "{soft3}");
	assert_screen(h, LCD_SCR_IDLE, "");
	assert_int_equal(phone_status(h->p)->account_setup, 0);
	/* The Setup softkey brings it back (15.3). */
	keys(h, "{soft1}");
	assert_screen(h, LCD_SCR_ACCOUNT, NULL);
	keys(h, "{soft3}");
	/* Rule credentials count: no prompt. */
	h_simple(h, EMU_EV_REBOOT);
	set(h, "Profile_Rule", "[--uid u --pwd p] http://10.0.0.5/a.xml");
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 0);
}

/* B57: Profile_Authentication_Type=Disabled: never the screen, no
 * entry, no Setup softkey. */
static void
test_b57_disabled_never(void **state)
{
	struct h	*h = *state;

	set(h, "Profile_Authentication_Type", "Disabled");
	phone_lcd_open(h->p);
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 401, BASIC_CHALLENGE, NULL);
	assert_int_equal(phone_status(h->p)->account_setup, 0);
	assert_screen(h, LCD_SCR_IDLE, "");
	assert_string_equal(lcd(h)->soft[0], "");
	keys(h, "{applications}4");
	assert_int_equal(body_find(h, "Profile account setup"), -1);
}

/* A phone nobody looks at keeps no screen (the fleet stays small). */
static void
test_no_screen_without_keys(void **state)
{
	struct h	*h = *state;

	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_null(phone_lcd(h->p));
	assert_int_equal(lcd_actions(h, 0), 0);
	/* A key while off makes none either. */
	h_simple(h, EMU_EV_POWER_OFF);
	keys(h, "5");
	assert_null(phone_lcd(h->p));
}

/*
 * 15.4, 8.5.7, B108: Preferences shows the station name and the user's
 * screen settings; Select gives a setting its next value, stored as a
 * local change, and a burst of them makes one report with
 * Report_To_Server=On Local Change.
 */
static void
test_b108_preferences_local_changes(void **state)
{
	struct h	*h = *state;
	emu_time	 last;

	set(h, "Station_Name", "Desk 4");
	set(h, "Report_Rule", "http://" SRV_IP "/r.xml");
	set(h, "Report_To_Server", "On Local Change");
	set(h, "Upload_Delay_On_Local_Change", "30");
	to_idle(h);
	keys(h, "{applications}1");
	assert_screen(h, LCD_SCR_MENU, "Preferences");
	assert_string_equal(lcd(h)->body[0], "1 Station name: Desk 4");
	assert_string_equal(lcd(h)->body[1], "2 Screen saver: No");
	assert_string_equal(lcd(h)->body[2], "3 Backlight timer: 5m");
	/* The station name is the administrator's: shown only. */
	keys(h, "{select}");
	assert_string_equal(lcd(h)->msg, "Read only");
	assert_string_equal(get(h, "Station_Name"), "Desk 4");
	assert_false(pset_is_local(&h->p->ps, param_find(h->ctx,
	    "Station_Name")));
	keys(h, "{down}");
	assert_string_equal(lcd(h)->msg, "");
	keys(h, "{select}");
	assert_string_equal(lcd(h)->body[1], "2 Screen saver: Yes");
	assert_string_equal(get(h, "Screen_Saver_Enable"), "Yes");
	assert_true(pset_is_local(&h->p->ps, param_find(h->ctx,
	    "Screen_Saver_Enable")));
	assert_screen(h, LCD_SCR_MENU, "Preferences");
	h->now += EMU_SEC(5);
	keys(h, "3");
	assert_string_equal(get(h, "Back_Light_Timer"), "30m");
	keys(h, "33");					/* round the list */
	assert_string_equal(lcd(h)->body[2], "3 Backlight timer: 1m");
	last = h->now;
	/* B108: one report, the quiet time after the last change. */
	assert_null(take(h, K_OPEN));
	assert_true(phone_deadline(h->p) == last + EMU_SEC(30));
	h_timer(h);
	expect_http(h, SRV_IP, 80);
	assert_string_equal(h->req.method, "POST");
	assert_string_equal(h->req.target, "/r.xml");
	assert_non_null(strstr((const char *)h->req.body.data,
	    "<Screen_Saver_Enable ua=\"rw\">Yes</Screen_Saver_Enable>"));
	assert_non_null(strstr((const char *)h->req.body.data,
	    "<Back_Light_Timer ua=\"rw\">1m</Back_Light_Timer>"));
	serve_http(h, 200, NULL, NULL);
	assert_null(take(h, K_OPEN));
	/* A value not among the choices goes to the first. */
	set(h, "Back_Light_Timer", "10s");
	keys(h, "3");
	assert_string_equal(get(h, "Back_Light_Timer"), "1m");
}

/* B74, 8.3: under Phone-UI-User-Mode=Yes a preference's ua="na" hides
 * its entry and "ro" keeps its value; with No, neither. */
static void
test_b74_preferences_ua(void **state)
{
	struct h	*h = *state;
	int		 ss = param_find(h->ctx, "Screen_Saver_Enable");
	int		 bl = param_find(h->ctx, "Back_Light_Timer");

	to_idle(h);
	pset_set_ua(&h->p->ps, ss, UA_NA);
	pset_set_ua(&h->p->ps, bl, UA_RO);
	keys(h, "{applications}1");
	assert_int_equal(lcd(h)->nbody, 3);		/* mode No */
	keys(h, "3");
	assert_string_equal(get(h, "Back_Light_Timer"), "30m");
	set(h, "Phone-UI-User-Mode", "Yes");
	keys(h, "{back}1");
	assert_int_equal(lcd(h)->nbody, 2);
	assert_int_equal(body_find(h, "Screen saver"), -1);
	assert_string_equal(lcd(h)->body[1], "2 Backlight timer: 30m");
	keys(h, "2");
	assert_string_equal(lcd(h)->msg, "Read only");
	assert_string_equal(get(h, "Back_Light_Timer"), "30m");
}

/*
 * 15.4 [C7]: Status > Status messages: the resync and upgrade results
 * since provisioning was last done, newest first, in UTC (the other pages
 * use the phone's local time).
 */
static void
test_15_4_status_messages(void **state)
{
	struct h	*h = *state;
	int		 i;

	h->ctx->tz_offset_s = 3600;
	set(h, "Profile_Rule", "http://10.0.0.5/a.xml");
	phone_lcd_open(h->p);
	boot(h);
	keys(h, "{applications}23");
	assert_screen(h, LCD_SCR_INFO, "Status messages");
	assert_string_equal(lcd(h)->body[0], "No status messages");
	keys(h, "{back}");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);			/* before: not shown */
	h->now += EMU_SEC(60);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);		/* provisioning done */
	phone_hist_add(h->p, PHONE_HIST_UPGRADE, 0, EMU_E_FNF,
	    "http://10.0.0.5/sip88xx.loads", "file not found", 0);
	h->now += EMU_SEC(60);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 404, NULL, NULL);
	keys(h, "3");
	assert_screen(h, LCD_SCR_INFO, "Status messages");
	/* Newest first, one result over as many lines as it takes; at one
	 * second an upgrade follows its resync. */
	assert_int_equal(lcd(h)->nbody, 6);
	assert_string_equal(lcd(h)->body[0],
	    "01/01/2027 00:02:38 UTC Resync failed");
	assert_string_equal(lcd(h)->body[1],
	    "http://10.0.0.5:80/a.xml file not found");
	assert_string_equal(lcd(h)->body[2],
	    "01/01/2027 00:01:38 UTC Upgrade failed");
	assert_string_equal(lcd(h)->body[3],
	    "http://10.0.0.5/sip88xx.loads file not found");
	assert_string_equal(lcd(h)->body[4],
	    "01/01/2027 00:01:38 UTC Resync succeeded");
	assert_string_equal(lcd(h)->body[5], "http://10.0.0.5:80/a.xml");
	/* The Provisioning page gives the same results in local time. */
	keys(h, "{back}22");
	i = body_find(h, "Provisioning status 1: Failed 01/01/2027");
	assert_true(i >= 0 && i + 1 < lcd(h)->nbody);
	assert_true(strncmp(lcd(h)->body[i + 1], "01:02:38", 8) == 0);
}

/*
 * 15.2, 7.6: the first boot (and the boot after a factory reset) with
 * User_Password_Prompt=Yes shows Set password once the phone is up; the
 * password must match and be 4-127 characters of three kinds; Save stores
 * it as a local change.  Not again at the next boot.
 */
static void
test_15_2_set_password_first_boot(void **state)
{
	struct h	*h = *state;
	const char	*s;

	set(h, "User_Password_Prompt", "Yes");
	set(h, "Profile_Rule", "");
	phone_lcd_open(h->p);
	boot(h);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_screen(h, LCD_SCR_PASSWORD, "Set password");
	assert_string_equal(lcd(h)->body[0], "New password: ");
	assert_string_equal(lcd(h)->body[1], "Confirm password: ");
	assert_string_equal(lcd(h)->label, "New password");
	assert_string_equal(lcd(h)->soft[0], "Save");
	assert_string_equal(lcd(h)->soft[1], "Delete");
	assert_string_equal(lcd(h)->soft[2], "Skip");
	for (s = "abc1"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	assert_string_equal(lcd(h)->text, "****");
	keys(h, "{down}");
	assert_string_equal(lcd(h)->label, "Confirm password");
	for (s = "abc2"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{soft1}");
	assert_string_equal(lcd(h)->msg, "Passwords do not match");
	keys(h, "{soft2}");
	assert_string_equal(lcd(h)->msg, "");
	key(h, EMU_KEY_CHAR | '1');
	keys(h, "{soft1}");
	assert_string_equal(lcd(h)->msg, "Invalid password");	/* 2 kinds */
	assert_string_equal(get(h, "User_Password"), "");
	keys(h, "{up}");
	key(h, EMU_KEY_CHAR | 'X');
	keys(h, "{down}");
	key(h, EMU_KEY_CHAR | 'X');
	keys(h, "{soft1}");
	assert_string_equal(get(h, "User_Password"), "abc1X");
	assert_true(pset_is_local(&h->p->ps, param_find(h->ctx,
	    "User_Password")));
	assert_screen(h, LCD_SCR_IDLE, "");
	/* The next boot is not a first boot. */
	set(h, "User_Password", "");
	h_simple(h, EMU_EV_REBOOT);
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_screen(h, LCD_SCR_IDLE, "");
	/* After a factory reset it is, again; Skip leaves it for this
	 * boot, the menus included. */
	keys(h, "{applications}42{soft1}");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_FACTORY);
	set(h, "Profile_Rule", "");
	dhcp_handshake(h, OPTS({ 66, SRV_IP }));
	h_timer(h);
	assert_screen(h, LCD_SCR_PASSWORD, "Set password");
	keys(h, "{soft3}");
	assert_screen(h, LCD_SCR_IDLE, "");
	keys(h, "{applications}{applications}");
	assert_screen(h, LCD_SCR_IDLE, "");
	assert_string_equal(get(h, "User_Password"), "");
}

/* 15.2, 7.6: provisioning bypasses the prompt: a User_Password from the
 * profile, or User_Password_Prompt=No. */
static void
test_15_2_set_password_bypassed(void **state)
{
	struct h	*h = *state;

	set(h, "User_Password_Prompt", "Yes");
	phone_lcd_open(h->p);
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    PROFILE("<User_Password>Cisco123</User_Password>"));
	assert_int_equal(phone_state(h->p), PROV_OPERATIONAL);
	assert_screen(h, LCD_SCR_IDLE, "");

	h_phone(h, "CP-8851-3PCC", "sip88xx.12-0-7MPP0301-92");
	phone_lcd_open(h->p);
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE("<User_Password_Prompt>No"
	    "</User_Password_Prompt>"));
	assert_screen(h, LCD_SCR_IDLE, "");
	/* Up, then a profile sets the password: it goes. */
	h_phone(h, "CP-8851-3PCC", "sip88xx.12-0-7MPP0301-92");
	phone_lcd_open(h->p);
	start(h, "http://10.0.0.5/a.xml");
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL, PROFILE_OK);
	assert_screen(h, LCD_SCR_PASSWORD, NULL);
	h_resync(h, NULL);
	expect_http(h, SRV_IP, 80);
	serve_http(h, 200, NULL,
	    PROFILE("<User_Password>Cisco123</User_Password>"));
	assert_screen(h, LCD_SCR_IDLE, "");
}

/* 15.4 [C9]: Device administration > Set password asks for the old
 * password first when there is one; Cancel keeps it. */
static void
test_15_4_set_password_menu(void **state)
{
	struct h	*h = *state;
	const char	*s;

	to_idle(h);
	keys(h, "{applications}44");
	assert_screen(h, LCD_SCR_PASSWORD, "Set password");
	assert_int_equal(lcd(h)->nbody, 3);	/* no old one, the hint */
	assert_string_equal(lcd(h)->soft[2], "Cancel");
	for (s = "Pass1"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	for (s = "Pass1"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{select}");
	assert_string_equal(get(h, "User_Password"), "Pass1");
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	keys(h, "4");
	assert_string_equal(lcd(h)->body[0], "Old password: ");
	assert_string_equal(lcd(h)->label, "Old password");
	for (s = "wrong"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	for (s = "New2!"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	for (s = "New2!"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{soft1}");
	assert_string_equal(lcd(h)->msg, "Incorrect password");
	assert_string_equal(lcd(h)->label, "Old password");
	assert_string_equal(lcd(h)->text, "");
	for (s = "Pass1"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{soft3}");				/* Cancel */
	assert_screen(h, LCD_SCR_MENU, "Device administration");
	assert_string_equal(get(h, "User_Password"), "Pass1");
	keys(h, "4");
	assert_string_equal(lcd(h)->text, "");		/* nothing kept */
	for (s = "Pass1"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	for (s = "New2!"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{down}");
	for (s = "New2!"; *s != '\0'; s++)
		key(h, EMU_KEY_CHAR | *s);
	keys(h, "{soft1}");
	assert_string_equal(get(h, "User_Password"), "New2!");
	/* 8.3: ua="na" hides the entry under Phone-UI-User-Mode=Yes. */
	set(h, "Phone-UI-User-Mode", "Yes");
	pset_set_ua(&h->p->ps, param_find(h->ctx, "User_Password"), UA_NA);
	keys(h, "{back}4");
	assert_int_equal(body_find(h, "Set password"), -1);
}

/*
 * B121, 15.8, 2.1: a CP-6821 also resets with '0' held at power-up and
 * then 369#; another key boots normally; '#' and 123456789*0# still work.
 * Other models boot normally with '0' held.
 */
static void
test_b121_cp6821_powerup_zero(void **state)
{
	struct h	*h = *state;

	new_phone(h, "CP-6821-3PCC", "sip6821.12-0-7MPP0301-92");
	set(h, "GPP_A", "before");
	keys(h, "{power-hold-0}");
	assert_screen(h, LCD_SCR_POWERUP, NULL);
	assert_null(take(h, K_DHCP));
	keys(h, "369");
	assert_screen(h, LCD_SCR_POWERUP, NULL);
	keys(h, "#");
	assert_string_equal(get(h, "GPP_A"), "");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_FACTORY);
	assert_non_null(take(h, K_DHCP));
	/* Out of sequence: a normal boot. */
	set(h, "GPP_A", "before");
	keys(h, "{power-hold-0}36#");
	assert_string_equal(get(h, "GPP_A"), "before");
	assert_int_equal(phone_status(h->p)->last_reboot, PHONE_RB_POWER);
	/* The '#' sequence, on this model too. */
	keys(h, "{power-hold}123456789*0#");
	assert_string_equal(get(h, "GPP_A"), "");
	/* Another model: '0' held is no sequence. */
	new_phone(h, "CP-8851-3PCC", "sip88xx.12-0-7MPP0301-92");
	set(h, "GPP_A", "before");
	phone_lcd_open(h->p);
	keys(h, "{power-hold-0}");
	assert_screen(h, LCD_SCR_BOOT, NULL);
	assert_non_null(take(h, K_DHCP));
	keys(h, "369#");
	assert_string_equal(get(h, "GPP_A"), "before");
}

#define T(f)	cmocka_unit_test_setup_teardown(f, lcd_setup, h_teardown)

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		T(test_key_names),
		T(test_keys_sequence),
		T(test_b25_geometry_spec_facts),
		T(test_screen_each_model),
		T(test_idle_screen),
		T(test_applications_menu),
		T(test_status_pages),
		T(test_info_scrolls),
		T(test_multitap_timeout),
		T(test_cursor_and_delete),
		T(test_profile_rule_invalid),
		T(test_b122_keypad_rule_resync_and_status),
		T(test_b118_profile_rule_hidden),
		T(test_b74_ua_hides_entry),
		T(test_b119_signin),
		T(test_b120_factory_reset_confirmation),
		T(test_restart),
		T(test_boot_screens),
		T(test_b121_powerup_sequence),
		T(test_b20_activation_screen),
		T(test_b23_short_code),
		T(test_activation_back),
		T(test_b25_cp6861_no_activation),
		T(test_b56_account_setup),
		T(test_b56_only_first_resync),
		T(test_b57_disabled_never),
		T(test_no_screen_without_keys),
		T(test_b108_preferences_local_changes),
		T(test_b74_preferences_ua),
		T(test_15_4_status_messages),
		T(test_15_2_set_password_first_boot),
		T(test_15_2_set_password_bypassed),
		T(test_15_4_set_password_menu),
		T(test_b121_cp6821_powerup_zero),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}

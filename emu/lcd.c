/*
 * Copyright (c) 2026 The phonefleet authors.
 * SPDX-License-Identifier: ISC
 *
 * The phone's LCD, its menus and its keypad (spec 15; docs/lcd.md): which
 * screen is up, what it says, which key does what, text entry with the
 * keypad's multi-tap, and each model's screen geometry.  A phone gets a
 * struct lcd only once a screen is in use (a key, phone_lcd_open()), so a
 * fleet phone nobody looks at stays small.
 *
 * The model is sans-I/O like the rest of the phone: keys arrive as events
 * with the time, the multi-tap and power-up time-outs are phone deadlines,
 * and a changed screen is an EMU_ACT_LCD action; a runtime draws it by
 * reading phone_lcd().  What the screen shows is rendered from the
 * phone's state after every event (lcd_refresh), so the status pages and
 * the transient screens of 15.2 follow provisioning without hooks in it.
 * What a key asks of the phone (a resync with a typed rule, a factory
 * reset, an activation code, a preference or a password stored as a local
 * change) is answered to the hub as an enum lcd_rc; this module never
 * starts a transfer or sets a parameter itself.  The Status pages are in
 * lcd-status.c.
 *
 * Not here: drawing (ui/), the call screens, the Services key, extension
 * mobility.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu-int.h"

#define LCD_STACK_MAX	8	/* menu depth */
#define LCD_CODE_MAX	16	/* 15.6: digits of an activation code */
#define LCD_CODE_SHORT_MIN 3	/* 13.2: short codes are 3-16 digits */

/*
 * Text fields: the main one (a rule, a code, a user name, a new password,
 * a preference's value for the hub), the account password, the sign-in
 * one, and Set password's old and confirming ones.
 */
enum lcd_fld {
	LCD_F_MAIN = 0,
	LCD_F_PASS,
	LCD_F_SIGNIN,
	LCD_F_OLD,
	LCD_F_CONFIRM,
	LCD_F__COUNT
};

/* What a key did to a text field (lcd_key_field). */
enum lcd_fk {
	LCD_FK_NONE = 0,	/* not a key for the field */
	LCD_FK_OK,		/* soft1 or Select: the screen's action */
	LCD_FK_BACK,		/* soft3 or Back: leave the screen */
	LCD_FK_EDITED		/* Delete, a character, the cursor moved */
};
#define LCD_FK_RO	0x1	/* read-only: only Back */
#define LCD_FK_NOTEXT	0x2	/* the caller takes the characters */
struct lcd_field {
	char		 buf[LCD_FIELD_MAX + 1];
	size_t		 len, cur;
};

/* What a menu entry opens. */
enum lcd_item {
	LCD_I_PREFS = 0,
	LCD_I_STATUS,
	LCD_I_NETCONF,
	LCD_I_DEVADMIN,
	LCD_I_PRODUCT,
	LCD_I_PHONE_STATUS_MENU,
	LCD_I_MESSAGES,
	LCD_I_NETSTATUS,
	LCD_I_PHONE_STATUS,
	LCD_I_PROVISIONING,
	LCD_I_PROFILE_RULE,
	LCD_I_FACTORY_RESET,
	LCD_I_RESTART,
	LCD_I_SET_PASSWORD,
	LCD_I_ACCOUNT,
	LCD_I_APPS,		/* the Applications menu itself */
	LCD_I_PREF,		/* a Preferences entry: its parameter */
	LCD_I_PASSWORD_PROMPT,	/* 15.2: Set password at the first boot */
	LCD_I__COUNT
};
struct lcd_entry {
	const char	*label;
	enum lcd_item	 item;
	const char	*param;		/* PREF: the parameter shown */
	const char	*choices;	/* PREF: "a|b|c", NULL read-only */
};
/* 15.4 (ASSUMPTION order). */
static const struct lcd_entry lcd_menu_apps[] = {
	{ "Preferences", LCD_I_PREFS, NULL, NULL },
	{ "Status", LCD_I_STATUS, NULL, NULL },
	{ "Network configuration", LCD_I_NETCONF, NULL, NULL },
	{ "Device administration", LCD_I_DEVADMIN, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};
/*
 * 15.4 names no Preferences; these are the user's screen settings of the
 * 68xx/78xx/88xx web page Voice > User > Screen (mpp-parameters.tsv), each
 * stored as a local change (8.5.7) and hidden or read-only by its ua
 * (8.3), and the station name (15.3), shown only.  The backlight choices
 * are the CP-8851's (docs/lcd.md).
 */
static const struct lcd_entry lcd_menu_prefs[] = {
	{ "Station name", LCD_I_PREF, "Station_Name", NULL },
	{ "Screen saver", LCD_I_PREF, "Screen_Saver_Enable", "Yes|No" },
	{ "Backlight timer", LCD_I_PREF, "Back_Light_Timer",
	    "1m|5m|30m|Always On" },
	{ NULL, 0, NULL, NULL }
};
static const struct lcd_entry lcd_menu_status[] = {
	{ "Product information", LCD_I_PRODUCT, NULL, NULL },
	{ "Phone status", LCD_I_PHONE_STATUS_MENU, NULL, NULL },
	{ "Status messages", LCD_I_MESSAGES, NULL, NULL },
	{ "Network status", LCD_I_NETSTATUS, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};
static const struct lcd_entry lcd_menu_phone_status[] = {
	{ "Phone status", LCD_I_PHONE_STATUS, NULL, NULL },
	{ "Provisioning", LCD_I_PROVISIONING, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};
static const struct lcd_entry lcd_menu_devadmin[] = {
	{ "Profile rule", LCD_I_PROFILE_RULE, NULL, NULL },
	{ "Factory reset", LCD_I_FACTORY_RESET, NULL, NULL },
	{ "Restart", LCD_I_RESTART, NULL, NULL },
	{ "Set password", LCD_I_SET_PASSWORD, NULL, NULL },
	{ "Profile account setup", LCD_I_ACCOUNT, NULL, NULL },
	{ NULL, 0, NULL, NULL }
};

/* One level of the menu stack: a screen, the item it shows, a cursor. */
struct lcd_frame {
	uint8_t		 scr;		/* enum lcd_screen */
	uint8_t		 item;		/* enum lcd_item */
	uint8_t		 sel;		/* MENU: entry; ACCOUNT: field */
	uint8_t		 top;		/* INFO: first line shown */
	uint8_t		 target;	/* SIGNIN: the item it unlocks */
};

struct lcd {
	struct lcd_view	 v;		/* what was drawn last */
	struct lcd_frame stack[LCD_STACK_MAX];
	int		 depth;		/* 0: the base screen */
	struct lcd_field f[LCD_F__COUNT];
	char		 msg[LCD_COLS_MAX + 1];	/* set by a key */
	uint8_t		 ready;		/* idle reached since the boot */
	uint8_t		 signed_in;	/* 15.5.2: until back at idle */
	uint8_t		 shortcode;	/* activation: '#' typed first */
	uint8_t		 last_act;	/* enum phone_act last seen */
	uint8_t		 last_account;	/* status.account_setup last seen */
	uint8_t		 watch;		/* Profile rule: resync result */
	uint8_t		 pw_asked;	/* 15.2: Set password shown this boot */
	emu_time	 watch_at;	/* when its Resync was pressed */
	int		 set_id;	/* LCD_RC_SET: the parameter */
	/* multi-tap (15.1): the key being cycled and until when */
	int		 mt_key;
	unsigned	 mt_idx;
	emu_time	 mt_until;
	/* power-up key sequence (15.8, B121) */
	uint8_t		 powerup;
	uint8_t		 pu_pos;
	const char	*pu_seq;	/* static: the keys to type */
	emu_time	 pu_until;
};

static const struct lcd_geom lcd_geoms[] = {
	/* model		lines cols soft lkeys colour activation */
	{ "CP-6821-3PCC",	4, 24, 4, 2, 0, 1 },
	{ "CP-6841-3PCC",	4, 32, 4, 4, 0, 1 },
	{ "CP-6851-3PCC",	4, 32, 4, 4, 0, 1 },
	{ "CP-6861-3PCC",	4, 32, 4, 4, 0, 0 },	/* B25 */
	{ "CP-6871-3PCC",	6, 40, 4, 6, 1, 1 },
	{ "CP-7811-3PCC",	3, 24, 4, 0, 0, 1 },
	{ "CP-7821-3PCC",	4, 28, 4, 2, 0, 1 },
	{ "CP-7832-3PCC",	3, 24, 3, 0, 0, 1 },
	{ "CP-7841-3PCC",	4, 28, 4, 4, 0, 1 },
	{ "CP-7861-3PCC",	4, 28, 4, 16, 0, 1 },
	{ "CP-8811-3PCC",	10, 48, 4, 10, 0, 1 },
	{ "CP-8832-3PCC",	4, 32, 3, 0, 1, 1 },
	{ "CP-8841-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-8845-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-8851-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-8861-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-8865-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-9851-3PCC",	8, 40, 4, 4, 1, 1 },
	{ "CP-9861-3PCC",	10, 48, 4, 10, 1, 1 },
	{ "CP-9871-3PCC",	12, 56, 4, 10, 1, 1 },
};
#define LCD_GEOM_DEFAULT	14	/* CP-8851-3PCC */

static const char *const lcd_screen_names[LCD_SCR__COUNT] = {
	"off", "power-up", "boot", "idle", "menu", "info", "profile-rule",
	"activation", "account", "confirm", "sign-in", "password"
};

/* Named keys (docs/lcd.md), sorted for bsearch. */
struct lcd_keyname {
	const char	*name;
	int		 key;
};
static const struct lcd_keyname lcd_keynames[] = {
	{ "applications", EMU_KEY_APPLICATIONS },
	{ "back", EMU_KEY_BACK },
	{ "down", EMU_KEY_DOWN },
	{ "left", EMU_KEY_LEFT },
	{ "power-hold", EMU_KEY_POWER_HOLD },
	{ "power-hold-0", EMU_KEY_POWER_HOLD_0 },
	{ "right", EMU_KEY_RIGHT },
	{ "select", EMU_KEY_SELECT },
	{ "settings", EMU_KEY_APPLICATIONS },	/* 15: the older name */
	{ "soft1", EMU_KEY_SOFT1 },
	{ "soft2", EMU_KEY_SOFT2 },
	{ "soft3", EMU_KEY_SOFT3 },
	{ "soft4", EMU_KEY_SOFT4 },
	{ "up", EMU_KEY_UP },
};

/* Multi-tap (docs/lcd.md): what each keypad key cycles through. */
static const char *const lcd_multitap[] = {
	['0'] = "0 +",
	['1'] = "1./:-_@",
	['2'] = "abc2ABC",
	['3'] = "def3DEF",
	['4'] = "ghi4GHI",
	['5'] = "jkl5JKL",
	['6'] = "mno6MNO",
	['7'] = "pqrs7PQRS",
	['8'] = "tuv8TUV",
	['9'] = "wxyz9WXYZ",
	['*'] = "*$[]?=&%",
	['#'] = "#~!,;()",
};

static struct lcd_frame *lcd_top(struct lcd *);
static void	lcd_push(struct lcd *, enum lcd_screen, enum lcd_item);
static void	lcd_pop(struct lcd *);
static void	lcd_home(struct lcd *);
static int	lcd_is_digit_key(int);
static void	lcd_field_set(struct lcd_field *, const char *);
static void	lcd_field_insert(struct lcd_field *, char);
static void	lcd_field_delete(struct lcd_field *);
static int	lcd_edit(struct lcd *, struct lcd_field *, int, emu_time);
static enum lcd_fk lcd_key_field(struct lcd *, struct lcd_field *, int,
		    emu_time, int);
static void	lcd_commit(struct lcd *);
static size_t	lcd_menu(struct phone *, enum lcd_item,
		    const struct lcd_entry **, size_t);
static const struct lcd_entry *lcd_menu_table(enum lcd_item);
static int	lcd_visible(struct phone *, const struct lcd_entry *);
static int	lcd_hidden_by_ua(struct phone *, int);
static int	lcd_is_ro_by_ua(struct phone *, int);
static int	lcd_needs_signin(struct phone *, enum lcd_item);
static void	lcd_open_item(struct phone *, enum lcd_item);
static enum lcd_rc lcd_open_entry(struct phone *, const struct lcd_entry *);
static enum lcd_rc lcd_pref_next(struct phone *, const struct lcd_entry *);
static enum lcd_rc lcd_key_menu(struct phone *, struct lcd_frame *, int);
static enum lcd_rc lcd_key_rule(struct phone *, int, emu_time);
static enum lcd_rc lcd_key_activation(struct phone *, int, emu_time);
static enum lcd_rc lcd_key_account(struct phone *, struct lcd_frame *, int,
		    emu_time);
static enum lcd_rc lcd_key_signin(struct phone *, struct lcd_frame *, int,
		    emu_time);
static enum lcd_rc lcd_key_password(struct phone *, struct lcd_frame *, int,
		    emu_time);
static size_t	lcd_pw_fields(struct phone *, enum lcd_fld *);
static int	lcd_pw_valid(const char *);
static int	lcd_pw_wanted(struct phone *);
static int	lcd_rule_valid(struct phone *, const char *);
static int	lcd_rule_ro(struct phone *);
static void	lcd_render(struct phone *, struct lcd_view *);
static enum lcd_screen lcd_base(struct phone *);
static const char *lcd_title(enum lcd_item);
static enum lcd_page lcd_item_page(enum lcd_item);

const struct lcd_geom *
lcd_geom_find(const char *model)
{
	size_t	i;

	for (i = 0; model != NULL && i < nitems(lcd_geoms); i++) {
		if (strcmp(lcd_geoms[i].model, model) == 0)
			return (&lcd_geoms[i]);
	}
	return (&lcd_geoms[LCD_GEOM_DEFAULT]);
}

const struct lcd_geom *
lcd_geom_table(size_t *n)
{
	*n = nitems(lcd_geoms);
	return (lcd_geoms);
}

const char *
lcd_screen_name(enum lcd_screen s)
{
	if ((unsigned)s >= LCD_SCR__COUNT)
		return ("?");
	return (lcd_screen_names[s]);
}

static int
lcd_keyname_cmp(const void *a, const void *b)
{
	return (strcmp(a, ((const struct lcd_keyname *)b)->name));
}

/* "soft1", "line3", "5", "#"; -1 for a name not known. */
int
lcd_key_parse(const char *name)
{
	const struct lcd_keyname	*k;
	unsigned			 n;
	char				 end;

	if (name[0] != '\0' && name[1] == '\0' &&
	    lcd_is_digit_key((unsigned char)name[0]))
		return ((unsigned char)name[0]);
	if (strncmp(name, "line", 4) == 0 &&
	    sscanf(name + 4, "%u%c", &n, &end) == 1 && n >= 1 &&
	    n <= EMU_KEY_LINE_LAST - EMU_KEY_LINE1 + 1 && name[4] != '0')
		return (EMU_KEY_LINE1 + n - 1);
	k = bsearch(name, lcd_keynames, nitems(lcd_keynames),
	    sizeof lcd_keynames[0], lcd_keyname_cmp);
	return (k != NULL ? k->key : -1);
}

int
lcd_keys_next(const char **sp, int *key, char **cause)
{
	const char	*s = *sp;
	char		 name[32];
	size_t		 n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	*sp = s;
	if (*s == '\0')
		return (0);
	if (lcd_is_digit_key((unsigned char)*s)) {
		*key = (unsigned char)*s;
		*sp = s + 1;
		return (1);
	}
	if (*s == '{') {
		n = strcspn(s + 1, "}");
		if (s[1 + n] == '}' && n < sizeof name) {
			memcpy(name, s + 1, n);
			name[n] = '\0';
			if ((*key = lcd_key_parse(name)) >= 0 &&
			    lcd_is_digit_key(*key) == 0) {
				*sp = s + n + 2;
				return (1);
			}
			if (cause != NULL)
				xasprintf(cause, "unknown key \"{%s}\"", name);
			return (-1);
		}
	}
	if (cause != NULL)
		xasprintf(cause, "keys are 0-9, * and #, or {name}, not "
		    "\"%.32s\"", s);
	return (-1);
}

const char *
lcd_key_name(int key)
{
	static const char *const digits[] = { "0", "1", "2", "3", "4", "5",
	    "6", "7", "8", "9" };
	static const char *const lines[] = { "line1", "line2", "line3",
	    "line4", "line5", "line6", "line7", "line8", "line9", "line10",
	    "line11", "line12", "line13", "line14", "line15", "line16" };
	size_t	i;

	if (key >= '0' && key <= '9')
		return (digits[key - '0']);
	if (key == '*')
		return ("*");
	if (key == '#')
		return ("#");
	if (key >= EMU_KEY_LINE1 && key <= EMU_KEY_LINE_LAST)
		return (lines[key - EMU_KEY_LINE1]);
	for (i = 0; i < nitems(lcd_keynames); i++) {
		if (lcd_keynames[i].key == key &&
		    strcmp(lcd_keynames[i].name, "settings") != 0)
			return (lcd_keynames[i].name);
	}
	return (NULL);
}

/* Lifecycle. */

struct lcd *
lcd_create(struct phone *p)
{
	struct lcd	*l;

	l = xcalloc(1, sizeof *l);
	l->mt_until = l->pu_until = EMU_TIME_NEVER;
	l->ready = p->powered && (p->st == PROV_OPERATIONAL ||
	    p->st == PROV_ACTIVATION);
	l->last_act = PHONE_ACT_HIDDEN;
	l->set_id = -1;
	l->v.geom = lcd_geom_find(p->model);	/* drawn by lcd_refresh() */
	return (l);
}

void
lcd_free(struct lcd *l)
{
	free(l);
}

/* A boot (or power-off): the boot screen, menus closed, fields empty. */
void
lcd_reset(struct lcd *l)
{
	int	i;

	l->depth = 0;
	l->ready = 0;
	l->signed_in = 0;
	l->watch = 0;
	l->pw_asked = 0;
	l->msg[0] = '\0';
	l->mt_key = 0;
	l->mt_until = EMU_TIME_NEVER;
	l->powerup = 0;
	l->pu_until = EMU_TIME_NEVER;
	l->last_act = PHONE_ACT_HIDDEN;
	l->last_account = 0;
	l->set_id = -1;
	for (i = 0; i < LCD_F__COUNT; i++)
		lcd_field_set(&l->f[i], "");
}

/*
 * 15.8: '#' held at power-up starts 123456789*0# on every model; '0'
 * starts 369# on a CP-6821 (2.1 [C10]).  Any other key held: a normal
 * boot.
 */
int
lcd_powerup_key(const char *model, int key)
{
	if (key == '#')
		return (1);
	return (key == '0' && model != NULL &&
	    strcmp(model, "CP-6821-3PCC") == 0);
}

/* 15.8: powered on holding key: its sequence may follow. */
void
lcd_powerup(struct lcd *l, int key, emu_time now)
{
	lcd_reset(l);
	l->powerup = 1;
	l->pu_pos = 0;
	l->pu_seq = key == '0' ? "369#" : "123456789*0#";
	l->pu_until = EMU_TIME_ADD(now, EMU_SEC(LCD_POWERUP_S));
}

emu_time
lcd_deadline(const struct lcd *l)
{
	return (l->mt_until < l->pu_until ? l->mt_until : l->pu_until);
}

enum lcd_rc
lcd_timer(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct lcd	*l = p->lcd;

	if (l->mt_until <= now)
		lcd_commit(l);		/* the character stays */
	if (l->pu_until <= now) {
		phone_log(p, out, TRACE_LCD, "power-up keys: time-out: "
		    "normal boot");
		l->powerup = 0;
		l->pu_until = EMU_TIME_NEVER;
		return (LCD_RC_BOOT);
	}
	return (LCD_RC_NONE);
}

const char *
lcd_field(const struct lcd *l, int i)
{
	return (l->f[i].buf);
}

int
lcd_param(const struct lcd *l)
{
	return (l->set_id);
}

const struct lcd_view *
lcd_view(const struct lcd *l)
{
	return (&l->v);
}

/* The stack. */

static struct lcd_frame *
lcd_top(struct lcd *l)
{
	return (l->depth == 0 ? NULL : &l->stack[l->depth - 1]);
}

static void
lcd_push(struct lcd *l, enum lcd_screen scr, enum lcd_item item)
{
	struct lcd_frame	*fr;

	if (l->depth == LCD_STACK_MAX)
		return;
	fr = &l->stack[l->depth++];
	memset(fr, 0, sizeof *fr);
	fr->scr = scr;
	fr->item = item;
	l->msg[0] = '\0';
	l->watch = 0;
	lcd_commit(l);
}

static void
lcd_pop(struct lcd *l)
{
	if (l->depth > 0)
		l->depth--;
	l->msg[0] = '\0';
	l->watch = 0;
	lcd_commit(l);
	if (l->depth == 0)
		l->signed_in = 0;	/* 15.5.2: back at idle */
}

static void
lcd_home(struct lcd *l)
{
	while (l->depth > 0)
		lcd_pop(l);
}

/* Keys. */

static int
lcd_is_digit_key(int key)
{
	return ((key >= '0' && key <= '9') || key == '*' || key == '#');
}

/*
 * A key (15.1).  Returns what the phone is to do; the field the answer
 * names is read with lcd_field().
 */
enum lcd_rc
lcd_key(struct phone *p, int key, emu_time now, struct emu_outbox *out)
{
	struct lcd		*l = p->lcd;
	struct lcd_frame	*fr;
	const char		*name = lcd_key_name(key);

	if (name != NULL)
		phone_log(p, out, TRACE_LCD, "key %s", name);
	else if (key & EMU_KEY_CHAR)
		phone_log(p, out, TRACE_LCD, "key typed");
	if (l->powerup) {
		/* B121: the sequence, or a normal boot on any other key. */
		if (key == l->pu_seq[l->pu_pos]) {
			if (l->pu_seq[++l->pu_pos] != '\0')
				return (LCD_RC_NONE);
			phone_log(p, out, TRACE_LCD, "power-up keys: factory "
			    "reset");
			l->powerup = 0;
			l->pu_until = EMU_TIME_NEVER;
			return (LCD_RC_FACTORY_RESET);
		}
		phone_log(p, out, TRACE_LCD, "power-up keys: out of sequence: "
		    "normal boot");
		l->powerup = 0;
		l->pu_until = EMU_TIME_NEVER;
		return (LCD_RC_BOOT);
	}
	if (!p->powered)
		return (LCD_RC_NONE);
	if (key >= EMU_KEY_SOFT1 && key <= EMU_KEY_SOFT4 &&
	    key - EMU_KEY_SOFT1 >= l->v.geom->softkeys)
		return (LCD_RC_NONE);	/* this model has fewer */
	if (key >= EMU_KEY_LINE1 && key <= EMU_KEY_LINE_LAST)
		return (LCD_RC_NONE);	/* calls are not emulated */
	if (key == EMU_KEY_APPLICATIONS) {
		fr = lcd_top(l);
		if (l->depth == 1 && fr->scr == LCD_SCR_MENU &&
		    fr->item == LCD_I_APPS)
			lcd_home(l);
		else {
			lcd_home(l);
			lcd_push(l, LCD_SCR_MENU, LCD_I_APPS);
		}
		return (LCD_RC_NONE);
	}
	if ((fr = lcd_top(l)) == NULL) {
		/* 15.3: Setup opens Profile account setup. */
		if (lcd_base(p) == LCD_SCR_IDLE && key == EMU_KEY_SOFT1 &&
		    strcmp(l->v.soft[0], "Setup") == 0)
			lcd_open_item(p, LCD_I_ACCOUNT);
		return (LCD_RC_NONE);
	}
	switch (fr->scr) {
	case LCD_SCR_MENU:
		return (lcd_key_menu(p, fr, key));
	case LCD_SCR_INFO:
		if (key == EMU_KEY_UP && fr->top > 0)
			fr->top--;
		else if (key == EMU_KEY_DOWN &&
		    fr->top + l->v.geom->lines < l->v.nbody)
			fr->top++;
		else if (key == EMU_KEY_BACK || key == EMU_KEY_SOFT1)
			lcd_pop(l);
		return (LCD_RC_NONE);
	case LCD_SCR_PROFILE_RULE:
		return (lcd_key_rule(p, key, now));
	case LCD_SCR_ACTIVATION:
		return (lcd_key_activation(p, key, now));
	case LCD_SCR_ACCOUNT:
		return (lcd_key_account(p, fr, key, now));
	case LCD_SCR_SIGNIN:
		return (lcd_key_signin(p, fr, key, now));
	case LCD_SCR_PASSWORD:
		return (lcd_key_password(p, fr, key, now));
	case LCD_SCR_CONFIRM:
		if (key == EMU_KEY_SOFT1 || key == EMU_KEY_SELECT) {
			/* B120: OK. */
			if (fr->item == LCD_I_FACTORY_RESET)
				return (LCD_RC_FACTORY_RESET);
			return (LCD_RC_RESTART);
		}
		if (key == EMU_KEY_SOFT2 || key == EMU_KEY_BACK)
			lcd_pop(l);
		return (LCD_RC_NONE);
	default:
		return (LCD_RC_NONE);
	}
}

static enum lcd_rc
lcd_key_menu(struct phone *p, struct lcd_frame *fr, int key)
{
	struct lcd		*l = p->lcd;
	const struct lcd_entry	*e[LCD_BODY_MAX];
	size_t			 n;

	n = lcd_menu(p, fr->item, e, nitems(e));
	if (fr->sel >= n)
		fr->sel = n > 0 ? n - 1 : 0;
	l->msg[0] = '\0';
	switch (key) {
	case EMU_KEY_UP:
		if (fr->sel > 0)
			fr->sel--;
		break;
	case EMU_KEY_DOWN:
		if ((size_t)fr->sel + 1 < n)
			fr->sel++;
		break;
	case EMU_KEY_SELECT:
	case EMU_KEY_SOFT1:
	case EMU_KEY_RIGHT:
		if (n > 0)
			return (lcd_open_entry(p, e[fr->sel]));
		break;
	case EMU_KEY_BACK:
	case EMU_KEY_SOFT2:
	case EMU_KEY_LEFT:
		lcd_pop(l);
		break;
	default:
		/* 15.4: a digit opens the entry of that number. */
		if (key >= '1' && key <= '9' && (size_t)(key - '1') < n) {
			fr->sel = key - '1';
			return (lcd_open_entry(p, e[fr->sel]));
		}
		break;
	}
	return (LCD_RC_NONE);
}

/*
 * The keys every text field shares: soft1 or Select is the screen's
 * action, soft3 or Back leaves, soft2 is Delete (15.5.4: a backspace), the
 * rest is text entry (lcd_edit) unless LCD_FK_NOTEXT; LCD_FK_RO leaves
 * only Back.  The caller does what the answer means.
 */
static enum lcd_fk
lcd_key_field(struct lcd *l, struct lcd_field *f, int key, emu_time now,
    int flags)
{
	if (key == EMU_KEY_SOFT3 || key == EMU_KEY_BACK) {
		lcd_commit(l);
		return (LCD_FK_BACK);
	}
	if (flags & LCD_FK_RO)
		return (LCD_FK_NONE);
	switch (key) {
	case EMU_KEY_SOFT1:
	case EMU_KEY_SELECT:
		lcd_commit(l);
		return (LCD_FK_OK);
	case EMU_KEY_SOFT2:
		lcd_commit(l);
		lcd_field_delete(f);
		return (LCD_FK_EDITED);
	}
	if (flags & LCD_FK_NOTEXT)
		return (LCD_FK_NONE);
	return (lcd_edit(l, f, key, now) ? LCD_FK_EDITED : LCD_FK_NONE);
}

/* 15.5: Resync, Delete, Back; read-only under ua="ro" (B74). */
static enum lcd_rc
lcd_key_rule(struct phone *p, int key, emu_time now)
{
	struct lcd		*l = p->lcd;
	struct lcd_field	*f = &l->f[LCD_F_MAIN];

	switch (lcd_key_field(l, f, key, now, lcd_rule_ro(p) ? LCD_FK_RO :
	    0)) {
	case LCD_FK_BACK:
		lcd_pop(l);
		break;
	case LCD_FK_OK:
		if (!lcd_rule_valid(p, f->buf)) {
			pf_strlcpy(l->msg, "Invalid profile rule",
			    sizeof l->msg);	/* 15.5.5 */
			break;
		}
		l->watch = 1;
		l->watch_at = now;
		pf_strlcpy(l->msg, "Resync in progress", sizeof l->msg);
		return (LCD_RC_RULE);
	case LCD_FK_EDITED:
		l->msg[0] = '\0';
		break;
	case LCD_FK_NONE:
		break;
	}
	return (LCD_RC_NONE);
}

/*
 * 15.6: digits grouped 4-4-4-4, '#' first for a short code.  The cursor
 * stays at the end: left is Delete too.
 */
static enum lcd_rc
lcd_key_activation(struct phone *p, int key, emu_time now)
{
	struct lcd		*l = p->lcd;
	struct lcd_field	*f = &l->f[LCD_F_MAIN];
	size_t			 digits = f->len - l->shortcode;
	int			 busy = p->status.act == PHONE_ACT_BUSY;

	if (key & EMU_KEY_CHAR)
		key &= ~EMU_KEY_CHAR;	/* a typed digit is a digit */
	if (key == EMU_KEY_LEFT)
		key = EMU_KEY_SOFT2;
	switch (lcd_key_field(l, f, key, now, LCD_FK_NOTEXT |
	    (busy ? LCD_FK_RO : 0))) {
	case LCD_FK_BACK:
		/* 15.6.5: to the idle screen; manual setup is possible. */
		lcd_pop(l);
		return (LCD_RC_NONE);
	case LCD_FK_OK:
		/* B24: Continue only at 16 digits, or 3-16 after '#'. */
		if (strcmp(l->v.soft[0], "Continue") != 0)
			return (LCD_RC_NONE);
		return (LCD_RC_ACTIVATE);
	case LCD_FK_EDITED:
		if (f->len == 0)
			l->shortcode = 0;
		return (LCD_RC_NONE);
	case LCD_FK_NONE:
		break;
	}
	if (busy)
		return (LCD_RC_NONE);
	if (key == '#' && f->len == 0) {
		l->shortcode = 1;	/* 15.6.2, B23 */
		lcd_field_insert(f, '#');
		return (LCD_RC_NONE);
	}
	if (key >= '0' && key <= '9' && digits < LCD_CODE_MAX) {
		lcd_field_insert(f, key);	/* B24: never a 17th */
		if (p->status.act == PHONE_ACT_INVALID ||
		    p->status.act == PHONE_ACT_FAILED)
			l->msg[0] = '\0';
	}
	return (LCD_RC_NONE);
}

/* 15.7: User name, Password; Sign in, Delete, Cancel. */
static enum lcd_rc
lcd_key_account(struct phone *p, struct lcd_frame *fr, int key, emu_time now)
{
	struct lcd		*l = p->lcd;
	struct lcd_field	*f = &l->f[fr->sel == 0 ? LCD_F_MAIN : LCD_F_PASS];

	if (key == EMU_KEY_UP || key == EMU_KEY_DOWN) {
		lcd_commit(l);
		fr->sel = key == EMU_KEY_DOWN;
		return (LCD_RC_NONE);
	}
	switch (lcd_key_field(l, f, key, now, 0)) {
	case LCD_FK_OK:
		if (l->f[LCD_F_MAIN].len == 0) {
			pf_strlcpy(l->msg, "Enter a user name", sizeof l->msg);
			break;
		}
		lcd_pop(l);
		return (LCD_RC_ACCOUNT);
	case LCD_FK_BACK:
		p->status.account_setup = 0;	/* 15.7: dismissed */
		l->last_account = 0;
		lcd_pop(l);
		break;
	case LCD_FK_EDITED:
	case LCD_FK_NONE:
		break;
	}
	return (LCD_RC_NONE);
}

/* 15.5.2: the user password (or the admin's) unlocks the entry. */
static enum lcd_rc
lcd_key_signin(struct phone *p, struct lcd_frame *fr, int key, emu_time now)
{
	struct lcd		*l = p->lcd;
	struct lcd_field	*f = &l->f[LCD_F_SIGNIN];
	const char		*up, *ap;
	enum lcd_item		 target = fr->target;

	switch (lcd_key_field(l, f, key, now, 0)) {
	case LCD_FK_OK:
		up = phone_get(p, "User_Password");
		ap = phone_get(p, "Admin_Password");
		if ((up != NULL && *up != '\0' && strcmp(f->buf, up) == 0) ||
		    (ap != NULL && *ap != '\0' && strcmp(f->buf, ap) == 0)) {
			lcd_field_set(f, "");
			l->signed_in = 1;
			lcd_pop(l);
			lcd_open_item(p, target);
			break;
		}
		lcd_field_set(f, "");
		pf_strlcpy(l->msg, "Incorrect password", sizeof l->msg);
		break;
	case LCD_FK_BACK:
		lcd_field_set(f, "");
		lcd_pop(l);
		break;
	case LCD_FK_EDITED:
		l->msg[0] = '\0';
		break;
	case LCD_FK_NONE:
		break;
	}
	return (LCD_RC_NONE);
}

/*
 * 15.2, 15.4 [C9]: Set password: the old password when there is one, the
 * new one twice; Save, Delete, and Skip (the first boot's prompt) or
 * Cancel.  7.6: 4-127 characters of three of the four kinds.
 */
static enum lcd_rc
lcd_key_password(struct phone *p, struct lcd_frame *fr, int key,
    emu_time now)
{
	struct lcd		*l = p->lcd;
	enum lcd_fld		 fl[3];
	size_t			 n = lcd_pw_fields(p, fl);
	struct lcd_field	*f;
	const char		*up;

	if (fr->sel >= n)
		fr->sel = n - 1;
	if (key == EMU_KEY_UP || key == EMU_KEY_DOWN) {
		lcd_commit(l);
		if (key == EMU_KEY_UP && fr->sel > 0)
			fr->sel--;
		else if (key == EMU_KEY_DOWN && (size_t)fr->sel + 1 < n)
			fr->sel++;
		return (LCD_RC_NONE);
	}
	f = &l->f[fl[fr->sel]];
	switch (lcd_key_field(l, f, key, now, 0)) {
	case LCD_FK_OK:
		up = phone_get(p, "User_Password");
		if (up != NULL && *up != '\0' &&
		    strcmp(l->f[LCD_F_OLD].buf, up) != 0) {
			lcd_field_set(&l->f[LCD_F_OLD], "");
			pf_strlcpy(l->msg, "Incorrect password", sizeof l->msg);
			fr->sel = 0;
			break;
		}
		if (strcmp(l->f[LCD_F_MAIN].buf, l->f[LCD_F_CONFIRM].buf) !=
		    0) {
			pf_strlcpy(l->msg, "Passwords do not match",
			    sizeof l->msg);
			break;
		}
		if (!lcd_pw_valid(l->f[LCD_F_MAIN].buf)) {
			pf_strlcpy(l->msg, "Invalid password", sizeof l->msg);
			break;
		}
		lcd_field_set(&l->f[LCD_F_OLD], "");
		lcd_field_set(&l->f[LCD_F_CONFIRM], "");
		lcd_pop(l);
		return (LCD_RC_PASSWORD);	/* the new one: LCD_F_MAIN */
	case LCD_FK_BACK:
		lcd_field_set(&l->f[LCD_F_OLD], "");
		lcd_field_set(&l->f[LCD_F_MAIN], "");
		lcd_field_set(&l->f[LCD_F_CONFIRM], "");
		lcd_pop(l);	/* Skip: not asked again this boot */
		break;
	case LCD_FK_EDITED:
		l->msg[0] = '\0';
		break;
	case LCD_FK_NONE:
		break;
	}
	return (LCD_RC_NONE);
}

/* The Set password fields shown: the old one only if there is one. */
static size_t
lcd_pw_fields(struct phone *p, enum lcd_fld *fl)
{
	const char	*up = phone_get(p, "User_Password");
	size_t		 n = 0;

	if (up != NULL && *up != '\0')
		fl[n++] = LCD_F_OLD;
	fl[n++] = LCD_F_MAIN;
	fl[n++] = LCD_F_CONFIRM;
	return (n);
}

/* 7.6: 4-127 characters from three of: capitals, small, digits, others. */
static int
lcd_pw_valid(const char *pw)
{
	size_t	len = strlen(pw);
	int	upper = 0, lower = 0, digit = 0, other = 0;

	if (len < LCD_PASS_MIN || len > LCD_PASS_MAX)
		return (0);
	for (; *pw != '\0'; pw++) {
		if (*pw >= 'A' && *pw <= 'Z')
			upper = 1;
		else if (*pw >= 'a' && *pw <= 'z')
			lower = 1;
		else if (*pw >= '0' && *pw <= '9')
			digit = 1;
		else
			other = 1;
	}
	return (upper + lower + digit + other >= 3);
}

/*
 * 15.2, 7.6: the Set password screen is for the first boot and the boot
 * after a factory reset (the boot is the only one in Reboot History, which
 * a factory reset erases, 2.4), with User_Password_Prompt=Yes; a
 * User_Password already set (by a profile, say) bypasses it.
 */
static int
lcd_pw_wanted(struct phone *p)
{
	const struct phone_hist	*h;
	const char		*up = phone_get(p, "User_Password");

	if (!param_is_true(phone_get(p, "User_Password_Prompt")))
		return (0);
	if (up != NULL && *up != '\0')
		return (0);
	return (phone_history(p, PHONE_HIST_REBOOT, &h) == 1);
}

/* Open what a menu entry names, through the sign-in when it is locked. */
static void
lcd_open_item(struct phone *p, enum lcd_item item)
{
	struct lcd	*l = p->lcd;
	const char	*u;

	if (lcd_needs_signin(p, item) && !l->signed_in) {
		lcd_field_set(&l->f[LCD_F_SIGNIN], "");
		lcd_push(l, LCD_SCR_SIGNIN, item);
		lcd_top(l)->target = item;
		return;
	}
	switch (item) {
	case LCD_I_PREFS:
	case LCD_I_STATUS:
	case LCD_I_DEVADMIN:
	case LCD_I_PHONE_STATUS_MENU:
	case LCD_I_APPS:
		lcd_push(l, LCD_SCR_MENU, item);
		break;
	case LCD_I_PROFILE_RULE:
		/* 15.5.3: pre-filled with the rule, cursor at the end. */
		lcd_field_set(&l->f[LCD_F_MAIN], phone_param(p, P_PROFILE_RULE));
		lcd_push(l, LCD_SCR_PROFILE_RULE, item);
		break;
	case LCD_I_FACTORY_RESET:
	case LCD_I_RESTART:
		lcd_push(l, LCD_SCR_CONFIRM, item);
		break;
	case LCD_I_ACCOUNT:
		u = phone_param(p, P_PROFILE_ACCOUNT_USER);
		lcd_field_set(&l->f[LCD_F_MAIN], u != NULL ? u : "");
		lcd_field_set(&l->f[LCD_F_PASS], "");
		lcd_push(l, LCD_SCR_ACCOUNT, item);
		break;
	case LCD_I_SET_PASSWORD:
	case LCD_I_PASSWORD_PROMPT:
		lcd_field_set(&l->f[LCD_F_OLD], "");
		lcd_field_set(&l->f[LCD_F_MAIN], "");
		lcd_field_set(&l->f[LCD_F_CONFIRM], "");
		lcd_push(l, LCD_SCR_PASSWORD, item);
		break;
	default:
		lcd_push(l, LCD_SCR_INFO, item);
		break;
	}
}

/* A menu entry chosen: a Preferences value changes, the rest opens. */
static enum lcd_rc
lcd_open_entry(struct phone *p, const struct lcd_entry *e)
{
	if (e->item == LCD_I_PREF)
		return (lcd_pref_next(p, e));
	lcd_open_item(p, e->item);
	return (LCD_RC_NONE);
}

/*
 * A Preferences entry: Select gives the next of its choices (the first
 * when the value is none of them), for the hub to store as a local change
 * (8.5.7).  Read-only when the entry has no choices or its parameter is
 * ua="ro" with Phone-UI-User-Mode=Yes (8.3).
 */
static enum lcd_rc
lcd_pref_next(struct phone *p, const struct lcd_entry *e)
{
	struct lcd	*l = p->lcd;
	const char	*cur, *c, *next;
	char		 val[LCD_COLS_MAX + 1];
	size_t		 n;
	int		 id = param_find(p->ctx, e->param);

	if (id < 0 || e->choices == NULL || lcd_is_ro_by_ua(p, id)) {
		pf_strlcpy(l->msg, "Read only", sizeof l->msg);
		return (LCD_RC_NONE);
	}
	if ((cur = phone_get(p, e->param)) == NULL)
		cur = "";
	next = e->choices;
	for (c = e->choices; *c != '\0'; c += n + (c[n] == '|')) {
		n = strcspn(c, "|");
		if (strlen(cur) == n && strncmp(c, cur, n) == 0) {
			if (c[n] == '|')
				next = c + n + 1;
			break;
		}
	}
	n = strcspn(next, "|");
	if (n >= sizeof val)
		n = sizeof val - 1;
	memcpy(val, next, n);
	val[n] = '\0';
	lcd_field_set(&l->f[LCD_F_MAIN], val);
	l->set_id = id;
	return (LCD_RC_SET);
}

/* Text entry. */

static void
lcd_field_set(struct lcd_field *f, const char *s)
{
	pf_strlcpy(f->buf, s, sizeof f->buf);
	f->len = f->cur = strlen(f->buf);
}

static void
lcd_field_insert(struct lcd_field *f, char c)
{
	if (f->len >= LCD_FIELD_MAX)
		return;
	memmove(f->buf + f->cur + 1, f->buf + f->cur, f->len - f->cur + 1);
	f->buf[f->cur++] = c;
	f->len++;
}

/* Delete: the character before the cursor (15.5.4: a backspace). */
static void
lcd_field_delete(struct lcd_field *f)
{
	if (f->cur == 0)
		return;
	memmove(f->buf + f->cur - 1, f->buf + f->cur, f->len - f->cur + 1);
	f->cur--;
	f->len--;
}

/* The multi-tap character in progress is final. */
static void
lcd_commit(struct lcd *l)
{
	l->mt_key = 0;
	l->mt_idx = 0;
	l->mt_until = EMU_TIME_NEVER;
}

/*
 * A key into a text field: multi-tap on the keypad (the same key again
 * within LCD_MULTITAP_MS replaces the character with the next of its
 * list), a typed character as it is, cursor left and right.  Returns 1 if
 * the key was for the field.
 */
static int
lcd_edit(struct lcd *l, struct lcd_field *f, int key, emu_time now)
{
	const char	*cycle;
	int		 c;

	if (key & EMU_KEY_CHAR) {
		c = key & 0xff;
		lcd_commit(l);
		if (c < 0x20 || c > 0x7e || (key & ~(EMU_KEY_CHAR | 0xff)))
			return (0);
		lcd_field_insert(f, c);
		return (1);
	}
	switch (key) {
	case EMU_KEY_LEFT:
		lcd_commit(l);
		if (f->cur > 0)
			f->cur--;
		return (1);
	case EMU_KEY_RIGHT:
		lcd_commit(l);
		if (f->cur < f->len)
			f->cur++;
		return (1);
	}
	if (!lcd_is_digit_key(key))
		return (0);
	cycle = lcd_multitap[key];
	if (l->mt_key == key && now < l->mt_until && f->cur > 0) {
		l->mt_idx = (l->mt_idx + 1) % strlen(cycle);
		f->buf[f->cur - 1] = cycle[l->mt_idx];
	} else {
		lcd_commit(l);
		if (f->len >= LCD_FIELD_MAX)
			return (1);
		l->mt_idx = 0;
		lcd_field_insert(f, cycle[0]);
	}
	l->mt_key = key;
	l->mt_until = EMU_TIME_ADD(now, EMU_MS(LCD_MULTITAP_MS));
	return (1);
}

/* Menus. */

static const struct lcd_entry *
lcd_menu_table(enum lcd_item item)
{
	switch (item) {
	case LCD_I_APPS:
		return (lcd_menu_apps);
	case LCD_I_PREFS:
		return (lcd_menu_prefs);
	case LCD_I_STATUS:
		return (lcd_menu_status);
	case LCD_I_PHONE_STATUS_MENU:
		return (lcd_menu_phone_status);
	case LCD_I_DEVADMIN:
		return (lcd_menu_devadmin);
	default:
		return (NULL);
	}
}

/* The entries of a menu the phone shows now, at most max. */
static size_t
lcd_menu(struct phone *p, enum lcd_item menu, const struct lcd_entry **e,
    size_t max)
{
	const struct lcd_entry	*t = lcd_menu_table(menu);
	size_t			 n = 0;

	for (; t != NULL && t->label != NULL && n < max; t++) {
		if (lcd_visible(p, t))
			e[n++] = t;
	}
	return (n);
}

/* B74, 8.3: with Phone-UI-User-Mode=Yes, ua="na" hides an entry. */
static int
lcd_hidden_by_ua(struct phone *p, int id)
{
	if (id < 0 || !param_is_true(phone_get(p, "Phone-UI-User-Mode")))
		return (0);
	return (pset_ua(&p->ps, id) == UA_NA);
}

/* B74, 8.3: ... and ua="ro" makes it read-only. */
static int
lcd_is_ro_by_ua(struct phone *p, int id)
{
	if (id < 0 || !param_is_true(phone_get(p, "Phone-UI-User-Mode")))
		return (0);
	return (pset_ua(&p->ps, id) == UA_RO);
}

static int
lcd_visible(struct phone *p, const struct lcd_entry *e)
{
	const char	*t;

	switch (e->item) {
	case LCD_I_PROFILE_RULE:
		/* 15.5.1, B118, B74. */
		if (!param_is_true(phone_param(p, P_USER_CONFIGURABLE_RESYNC)))
			return (0);
		return (!lcd_hidden_by_ua(p, P_PROFILE_RULE));
	case LCD_I_ACCOUNT:
		/* 15.4: when enabled (B57). */
		t = phone_param(p, P_PROFILE_AUTHENTICATION_TYPE);
		if (t != NULL && strcasecmp(t, "Disabled") == 0)
			return (0);
		return (!lcd_hidden_by_ua(p, P_PROFILE_ACCOUNT_USER));
	case LCD_I_SET_PASSWORD:
		return (!lcd_hidden_by_ua(p, param_find(p->ctx,
		    "User_Password")));
	case LCD_I_PREF:
		return (!lcd_hidden_by_ua(p, param_find(p->ctx, e->param)));
	default:
		return (1);
	}
}

/*
 * 15.5.2, 15.8, B119: Require_Authentication_for_LCD_Menu_Access Default
 * asks for the user password, Customized only where Profile_Rule_Menu or
 * Factory_Reset_Menu says Yes, No never; and (ASSUMPTION) nothing is
 * asked while User_Password is empty.
 */
static int
lcd_needs_signin(struct phone *p, enum lcd_item item)
{
	const char	*req, *pw, *menu;

	if (item != LCD_I_PROFILE_RULE && item != LCD_I_FACTORY_RESET)
		return (0);
	pw = phone_get(p, "User_Password");
	if (pw == NULL || *pw == '\0')
		return (0);
	req = phone_get(p, "Require_Authentication_for_LCD_Menu_Access");
	if (req == NULL || strcasecmp(req, "No") == 0)
		return (0);
	if (strcasecmp(req, "Customized") != 0)
		return (1);
	menu = phone_get(p, item == LCD_I_PROFILE_RULE ? "Profile_Rule_Menu" :
	    "Factory_Reset_Menu");
	return (param_is_true(menu));
}

/*
 * 15.5.5: the syntax of spec 5, without running it: no assignment is made
 * and a host-less rule is not an error here (the DHCP server comes later).
 */
static int
lcd_rule_valid(struct phone *p, const char *text)
{
	struct rule_env		env;
	struct rule_result	res;
	int			ok;

	phone_rule_env(p, &env, RULE_KIND_PROFILE);
	env.assign = NULL;
	env.log = NULL;
	env.dhcp_server = "0.0.0.0";
	rule_result_init(&res);
	ok = !(rule_eval(text, &env, &res) == RULE_ERROR &&
	    res.err == EMU_E_BADRULE);
	rule_result_clear(&res);
	return (ok);
}

/* B74: Profile rule shown read-only under ua="ro". */
static int
lcd_rule_ro(struct phone *p)
{
	return (lcd_is_ro_by_ua(p, P_PROFILE_RULE));
}

/* Drawing the model. */

/* The screen under the menus: what the phone is doing. */
static enum lcd_screen
lcd_base(struct phone *p)
{
	struct lcd	*l = p->lcd;

	if (l->powerup)
		return (LCD_SCR_POWERUP);
	if (!p->powered)
		return (LCD_SCR_OFF);
	if (p->st == PROV_UPGRADING)
		return (LCD_SCR_BOOT);	/* 15.2 */
	if (!l->ready)
		return (LCD_SCR_BOOT);
	return (LCD_SCR_IDLE);
}

/*
 * After every event: follow the phone (the boot screens of 15.2, the
 * activation screen of 15.6, Profile account setup of 15.7, the first
 * boot's Set password of 15.2, the result of a Resync), render, and say
 * so when the screen changed.
 */
void
lcd_refresh(struct phone *p, emu_time now, struct emu_outbox *out)
{
	struct lcd		*l = p->lcd;
	struct lcd_frame	*fr;
	struct lcd_view		*nv;
	enum phone_act		 act = p->status.act;
	int			 i;

	if (!l->ready && p->powered && !l->powerup &&
	    (p->st == PROV_OPERATIONAL || p->st == PROV_ACTIVATION))
		l->ready = 1;
	if (act != l->last_act) {
		fr = lcd_top(l);
		switch (act) {
		case PHONE_ACT_SHOWN:
			/* B19, B20; never on a CP-6861 (B25). */
			if (l->v.geom->activation && (fr == NULL ||
			    fr->scr != LCD_SCR_ACTIVATION)) {
				lcd_home(l);
				lcd_field_set(&l->f[LCD_F_MAIN], "");
				l->shortcode = 0;
				lcd_push(l, LCD_SCR_ACTIVATION, LCD_I__COUNT);
			}
			break;
		case PHONE_ACT_INVALID:
			/* 15.6.4, B22: the field is cleared. */
			lcd_field_set(&l->f[LCD_F_MAIN], "");
			l->shortcode = 0;
			break;
		case PHONE_ACT_HIDDEN:
		case PHONE_ACT_OK:
			for (i = 0; i < l->depth; i++) {
				if (l->stack[i].scr == LCD_SCR_ACTIVATION) {
					while (l->depth > i)
						lcd_pop(l);
					break;
				}
			}
			break;
		default:
			break;
		}
		l->last_act = act;
	}
	if (p->status.account_setup != l->last_account) {
		l->last_account = p->status.account_setup;
		if (l->last_account) {
			/* B56: up by itself. */
			lcd_home(l);
			lcd_open_item(p, LCD_I_ACCOUNT);
		}
	}
	/*
	 * 15.2: the first boot's Set password, once the phone is up and
	 * nothing else is on the screen; gone when provisioning sets a
	 * password or turns the prompt off meanwhile.
	 */
	fr = lcd_top(l);
	if (fr != NULL && fr->scr == LCD_SCR_PASSWORD &&
	    fr->item == LCD_I_PASSWORD_PROMPT && !lcd_pw_wanted(p))
		lcd_pop(l);
	else if (fr == NULL && l->ready && !l->pw_asked && p->powered &&
	    lcd_pw_wanted(p)) {
		l->pw_asked = 1;
		lcd_open_item(p, LCD_I_PASSWORD_PROMPT);
	}
	if (l->watch && p->st != PROV_RESYNC &&
	    p->status.last_resync_at >= l->watch_at &&
	    p->status.last_class != EMU_CLASS_NONE) {
		/* 15.5.5: the result line. */
		if (p->status.last_class == EMU_CLASS_A)
			pf_strlcpy(l->msg, "Resync succeeded", sizeof l->msg);
		else
			snprintf(l->msg, sizeof l->msg, "Resync failed: %s",
			    phone_last_errmsg(p));
		l->watch = 0;
	}
	nv = xmalloc(sizeof *nv);
	lcd_render(p, nv);
	if (memcmp(nv, &l->v, sizeof *nv) != 0) {
		memcpy(&l->v, nv, sizeof *nv);
		phone_log(p, out, TRACE_LCD, "screen %s%s%s",
		    lcd_screen_name(l->v.screen), l->v.title[0] != '\0' ?
		    ": " : "", l->v.title);
		if (out != NULL)
			emu_outbox_add(out, EMU_ACT_LCD, NULL, 0);
	}
	free(nv);
	(void)now;
}

static const char *
lcd_title(enum lcd_item item)
{
	static const struct lcd_entry *const menus[] = { lcd_menu_apps,
	    lcd_menu_prefs, lcd_menu_status, lcd_menu_phone_status,
	    lcd_menu_devadmin };
	const struct lcd_entry	*e;
	size_t			 i;

	if (item == LCD_I_APPS)
		return ("Applications");
	if (item == LCD_I_PASSWORD_PROMPT)
		return ("Set password");
	for (i = 0; i < nitems(menus); i++) {
		for (e = menus[i]; e->label != NULL; e++) {
			if (e->item == item)
				return (e->label);
		}
	}
	return ("");
}

/* The Status page (lcd-status.c) an info item shows. */
static enum lcd_page
lcd_item_page(enum lcd_item item)
{
	switch (item) {
	case LCD_I_PRODUCT:
		return (LCD_PAGE_PRODUCT);
	case LCD_I_PHONE_STATUS:
		return (LCD_PAGE_PHONE);
	case LCD_I_PROVISIONING:
		return (LCD_PAGE_PROVISIONING);
	case LCD_I_MESSAGES:
		return (LCD_PAGE_MESSAGES);
	default:
		return (LCD_PAGE_NETWORK);	/* status and configuration */
	}
}

/* Grouped 4-4-4-4 (15.6.1), or '#' and the digits of a short code. */
static void
lcd_code_text(const struct lcd *l, char *out, size_t size, size_t *cursor)
{
	const struct lcd_field	*f = &l->f[LCD_F_MAIN];
	size_t			 i, o = 0;

	for (i = 0; i < f->len && o + 2 < size; i++) {
		if (!l->shortcode && i > 0 && i % 4 == 0)
			out[o++] = ' ';
		out[o++] = f->buf[i];
	}
	out[o] = '\0';
	*cursor = o;
}

static void
lcd_soft(struct lcd_view *v, const char *a, const char *b, const char *c)
{
	const char	*s[3] = { a, b, c };
	int		 i;

	for (i = 0; i < 3 && i < v->geom->softkeys; i++)
		pf_strlcpy(v->soft[i], s[i] != NULL ? s[i] : "",
		    sizeof v->soft[i]);
}

/* A password field as shown: one '*' a character. */
static void
lcd_masked(struct lcd_view *v, const struct lcd_field *f)
{
	memset(v->text, '*', f->len);
	v->text[f->len] = '\0';
	v->cursor = f->cur;
}

static void
lcd_render(struct phone *p, struct lcd_view *v)
{
	static const char	 stars[] = "****************************"
	    "************************************";
	struct lcd		*l = p->lcd;
	struct lcd_frame	*fr = l != NULL ? lcd_top(l) : NULL;
	const struct lcd_field	*f;
	const struct lcd_entry	*e[LCD_BODY_MAX];
	enum lcd_fld		 fl[3];
	char			 when[32], head[LCD_COLS_MAX + 1];
	char			 line[2 * LCD_COLS_MAX + 2];
	const char		*s, *name, *t;
	size_t			 n, i, cols, digits;
	static const char *const pw_labels[LCD_F__COUNT] = {
		[LCD_F_OLD] = "Old password",
		[LCD_F_MAIN] = "New password",
		[LCD_F_CONFIRM] = "Confirm password",
	};

	memset(v, 0, sizeof *v);
	v->geom = lcd_geom_find(p->model);
	v->sel = -1;
	cols = v->geom->cols;
	v->screen = fr != NULL ? fr->scr : lcd_base(p);
	if (v->screen == LCD_SCR_OFF || v->screen == LCD_SCR_POWERUP)
		return;

	/* 15.3: the line's name on the left, the clock on the right. */
	name = phone_get(p, "Station_Name");
	if (name == NULL || *name == '\0')
		name = phone_get(p, "User_ID_1_");
	if (name == NULL)
		name = "";
	phone_hist_time(p, p->ctx->epoch + (int64_t)(p->now / 1000000), when,
	    sizeof when);
	/* "mm/dd/yyyy HH:MM:SS" -> "HH:MM mm/dd/yy" */
	snprintf(head, sizeof head, "%.5s %.6s%.2s", when + 11, when, when + 8);
	n = strlen(head);
	snprintf(line, sizeof line, "%-*.*s%s",
	    (int)(cols > n ? cols - n : 0), (int)(cols > n ? cols - n - 1 : 0),
	    name, head);
	lcd_cut(v->header, cols, line);

	switch (v->screen) {
	case LCD_SCR_BOOT:
		/* 15.2 (ASSUMPTION texts). */
		if (p->st == PROV_UPGRADING)
			s = "Upgrading firmware... Do not unplug";
		else if (p->st == PROV_BOOT || p->st == PROV_REBOOTING ||
		    p->st == PROV_FACTORY_RESET)
			s = "Initializing";
		else if (p->st == PROV_NETWORK)
			s = "Getting IP address";
		else if (p->disc_step == FO_EDOS + 1 ||
		    p->fx[FO_EDOS] != NULL)
			s = "Checking for activation";
		else if (p->st == PROV_BOOT_DELAY)
			s = "Initializing";
		else
			s = "Contacting provisioning server";
		lcd_body(v, "%s", s);
		break;
	case LCD_SCR_IDLE:
		/* 15.3: the line keys; Setup while no line is registered. */
		for (i = 0; i < v->geom->line_keys && i < LCD_BODY_MAX; i++) {
			char	uid[16];

			snprintf(uid, sizeof uid, "User_ID_%zu_", i + 1);
			t = phone_get(p, uid);
			lcd_body(v, "Line %zu%s%s", i + 1,
			    t != NULL && *t != '\0' ? ": " : "",
			    t != NULL ? t : "");
		}
		if (lcd_visible(p, &(struct lcd_entry){ "", LCD_I_ACCOUNT,
		    NULL, NULL }))
			lcd_soft(v, "Setup", NULL, NULL);
		if (p->st == PROV_ACTIVATION && v->geom->activation)
			lcd_cut(v->msg, cols, "Activation code required");
		break;
	case LCD_SCR_MENU:
		pf_strlcpy(v->title, lcd_title(fr->item), sizeof v->title);
		n = lcd_menu(p, fr->item, e, nitems(e));
		if (fr->sel >= n)
			fr->sel = n > 0 ? n - 1 : 0;
		for (i = 0; i < n; i++) {
			if (e[i]->param == NULL) {
				lcd_body(v, "%zu %s", i + 1, e[i]->label);
				continue;
			}
			t = phone_get(p, e[i]->param);
			lcd_body(v, "%zu %s: %s", i + 1, e[i]->label,
			    t != NULL ? t : "");
		}
		v->sel = n > 0 ? fr->sel : -1;
		/* keep the selection in view */
		v->top = v->sel >= v->geom->lines ? v->sel - v->geom->lines +
		    1 : 0;
		lcd_cut(v->msg, cols, l->msg);
		lcd_soft(v, "Select", "Back", NULL);
		break;
	case LCD_SCR_INFO:
		pf_strlcpy(v->title, lcd_title(fr->item), sizeof v->title);
		lcd_status_page(p, lcd_item_page(fr->item), v);
		if (fr->top > 0 && fr->top + v->geom->lines > v->nbody)
			fr->top = v->nbody > v->geom->lines ?
			    v->nbody - v->geom->lines : 0;
		v->top = fr->top;
		lcd_soft(v, "Back", NULL, NULL);
		break;
	case LCD_SCR_PROFILE_RULE:
		pf_strlcpy(v->title, "Profile rule", sizeof v->title);
		lcd_body(v, "protocol://server[:port]/profile_pathname");
		f = &l->f[LCD_F_MAIN];
		v->field = 1;
		pf_strlcpy(v->label, "Profile rule", sizeof v->label);
		pf_strlcpy(v->text, f->buf, sizeof v->text);
		v->cursor = f->cur;
		lcd_cut(v->msg, cols, l->msg);
		if (lcd_rule_ro(p))
			lcd_soft(v, NULL, NULL, "Back");
		else
			lcd_soft(v, "Resync", "Delete", "Back");
		break;
	case LCD_SCR_ACTIVATION:
		pf_strlcpy(v->title, "Activation code", sizeof v->title);
		v->field = 1;
		pf_strlcpy(v->label, "Enter activation code", sizeof v->label);
		lcd_code_text(l, v->text, sizeof v->text, &v->cursor);
		switch (p->status.act) {
		case PHONE_ACT_BUSY:
			s = "Activating...";
			break;
		case PHONE_ACT_INVALID:
			s = "Invalid activation code";
			break;
		case PHONE_ACT_FAILED:
			s = "Activation failed";
			break;
		default:
			s = "";
			break;
		}
		lcd_cut(v->msg, cols, s);
		digits = l->f[LCD_F_MAIN].len - l->shortcode;
		lcd_soft(v, (l->shortcode ? digits >= LCD_CODE_SHORT_MIN :
		    digits == LCD_CODE_MAX) && p->status.act !=
		    PHONE_ACT_BUSY ? "Continue" : NULL, "Delete", "Back");
		break;
	case LCD_SCR_ACCOUNT:
		pf_strlcpy(v->title, "Profile account setup", sizeof v->title);
		lcd_body(v, "User name: %s", l->f[LCD_F_MAIN].buf);
		lcd_body(v, "Password: %.*s", (int)l->f[LCD_F_PASS].len, stars);
		v->sel = fr->sel;
		f = &l->f[fr->sel == 0 ? LCD_F_MAIN : LCD_F_PASS];
		v->field = 1;
		pf_strlcpy(v->label, fr->sel == 0 ? "User name" : "Password",
		    sizeof v->label);
		if (fr->sel == 0) {
			pf_strlcpy(v->text, f->buf, sizeof v->text);
			v->cursor = f->cur;
		} else
			lcd_masked(v, f);
		lcd_cut(v->msg, cols, l->msg);
		lcd_soft(v, "Sign in", "Delete", "Cancel");
		break;
	case LCD_SCR_CONFIRM:
		if (fr->item == LCD_I_FACTORY_RESET) {
			pf_strlcpy(v->title, "Factory reset", sizeof v->title);
			lcd_body(v, "Reset the phone to factory defaults?");
		} else {
			pf_strlcpy(v->title, "Restart", sizeof v->title);
			lcd_body(v, "Restart the phone?");
		}
		lcd_soft(v, "OK", "Cancel", NULL);
		break;
	case LCD_SCR_SIGNIN:
		pf_strlcpy(v->title, "Sign in", sizeof v->title);
		lcd_body(v, "%s", lcd_title(fr->target));
		v->field = 1;
		pf_strlcpy(v->label, "Password", sizeof v->label);
		lcd_masked(v, &l->f[LCD_F_SIGNIN]);
		lcd_cut(v->msg, cols, l->msg);
		lcd_soft(v, "Sign in", "Delete", "Cancel");
		break;
	case LCD_SCR_PASSWORD:
		/* 15.2, 15.4, 7.6. */
		pf_strlcpy(v->title, "Set password", sizeof v->title);
		n = lcd_pw_fields(p, fl);
		if (fr->sel >= n)
			fr->sel = n - 1;
		for (i = 0; i < n; i++)
			lcd_body(v, "%s: %.*s", pw_labels[fl[i]],
			    (int)l->f[fl[i]].len, stars);
		lcd_wrap(v, "4-127 characters, three of: A-Z a-z 0-9 "
		    "symbols");
		v->sel = fr->sel;
		v->field = 1;
		pf_strlcpy(v->label, pw_labels[fl[fr->sel]], sizeof v->label);
		lcd_masked(v, &l->f[fl[fr->sel]]);
		lcd_cut(v->msg, cols, l->msg);
		lcd_soft(v, "Save", "Delete", fr->item ==
		    LCD_I_PASSWORD_PROMPT ? "Skip" : "Cancel");
		break;
	default:
		break;
	}
	lcd_cut(v->title, cols, v->title);
}

#!/bin/sh
# With no terminal to draw on, phone and run --ui say why in one line and
# exit 2, before any world is built.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

sc="$srcdir/scenarios/office-dhcp.xml"

# one_line NAME WANT CMD...: exit 2, one line on stderr containing WANT,
# nothing on stdout.
one_line() {
	_name=$1 _want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	_rc=$?
	if [ "$_rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -qF -- "$_want" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "$_name: exit 2, one line"
	else
		notok "$_name: exit $_rc" "$(cat "$tmp/err")"
	fi
}

one_line "phone, TERM empty" "phonefleet phone: TERM is not set" \
    env TERM= "$PF" phone
one_line "phone, TERM unset" "phonefleet phone: TERM is not set" \
    env -u TERM "$PF" phone
one_line "phone, stdin not a terminal" \
    "phonefleet phone: standard input is not a terminal" \
    env TERM=xterm "$PF" phone
one_line "run --ui, TERM empty" "phonefleet run: --ui: TERM is not set" \
    env TERM= "$PF" run "$sc" --ui
one_line "run --ui, not a terminal" "phonefleet run: --ui: " \
    "$PF" run "$sc" --ui
one_line "run --ui on a file that does not exist: the terminal first" \
    "phonefleet run: --ui: " "$PF" run "$tmp/none.xml" --ui
one_line "run --ui --trace" "phonefleet run: --ui: --trace" \
    "$PF" run "$sc" --ui --trace all
one_line "phone --speed 0" "phonefleet phone: --speed: \"0\"" \
    "$PF" phone --speed 0
one_line "phone --mac bad" "phonefleet phone: --mac: \"12\"" \
    "$PF" phone --mac 12

# In a terminal ncurses does not know, and stdout a terminal but not stdin.
ui_start "TERM=no-such-terminal \"$PF_ABS\" phone 2>\"$tmp/err1\""
exited && [ "$(cat "$tmp/rc")" = 2 ] && [ "$(wc -l <"$tmp/err1")" -eq 1 ] &&
    grep -qF 'phonefleet phone: TERM "no-such-terminal" is not a terminal ncurses knows' "$tmp/err1" &&
    ok "an unknown TERM: exit 2, one line" || notok "an unknown TERM: exit $(cat "$tmp/rc")" "$(cat "$tmp/err1")"
ui_start "\"$PF_ABS\" phone 2>\"$tmp/err2\" </dev/null"
exited && [ "$(cat "$tmp/rc")" = 2 ] &&
    grep -qF 'phonefleet phone: standard input is not a terminal' "$tmp/err2" &&
    ok "stdin not a terminal in a terminal: exit 2" || notok "stdin /dev/null: exit $(cat "$tmp/rc")" "$(cat "$tmp/err2")"
"$PF" --help | grep -q 'phone \[--model PN\]' && ok "--help names phone" || notok "--help lacks phone"
"$PF" --help | grep -q -- '--ui' && ok "--help names --ui" || notok "--help lacks --ui"
finish

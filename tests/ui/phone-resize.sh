#!/bin/sh
# phonefleet phone in a resized terminal: at 80x24 the whole LCD of an 8851
# (48 columns, 10 lines), its header and softkeys still show; below 80x24
# the screen says it is too small; back at 100x30 all is drawn again.
# Nothing is ever written beyond the window.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

top='+------------------------------------------------+'
bottom='+-----F1----------F2----------F3----------F4-----+'

# lcd_whole W H NAME: the frame, header, title, softkeys, and no line
# longer than W on H lines.
lcd_whole() {
	if [ "$(head -n 1 "$tmp/screen" | cut -c 1-50)" = "$top" ] &&
	    [ "$(sed -n 17p "$tmp/screen" | cut -c 1-50)" = "$bottom" ] &&
	    sed -n 3p "$tmp/screen" | grep -q "Activation code" &&
	    sed -n 16p "$tmp/screen" | grep -q "Delete.*Back" &&
	    [ "$(wc -l <"$tmp/screen")" -le "$2" ] &&
	    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/screen")" -le "$1" ]; then
		ok "$3"
	else
		notok "$3"
		sed 's/^/# | /' "$tmp/screen"
	fi
}

ui_start "\"$PF_ABS\" phone --speed 60"
see "the activation screen at 100x30" "Enter activation code"
lcd_whole 100 30 "100x30: the LCD is whole"
tm resize-window -t pf -x 80 -y 24
see "80x24: redrawn (the status line on line 24)" "| activation |"
wait_for "| activation |" && [ "$(sed -n 24p "$tmp/screen" | grep -c '| activation |')" = 1 ] &&
    ok "80x24: the status line is the last line" || notok "80x24: no status line on line 24"
lcd_whole 80 24 "80x24: the LCD, its header and softkeys are whole"
see "80x24: the log panel is there" "-- log 00562B000001"
tm resize-window -t pf -x 60 -y 20
see "60x20: too small, said so" "terminal too small (need 80x24)"
tm resize-window -t pf -x 100 -y 30
see "100x30 again: redrawn" "CP-8851-3PCC 00562B000001"
lcd_whole 100 30 "100x30 again: the LCD is whole"
keys 1234
see "keys still work after the resizes" "Enter activation code: 1234"
keys C-c
exited && [ "$(cat "$tmp/rc")" = 0 ] && ok "Ctrl-C quits, exit 0" || notok "Ctrl-C: exit \"$(cat "$tmp/rc" 2>/dev/null)\""
finish

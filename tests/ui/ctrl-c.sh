#!/bin/sh
# The terminal is given back as it was (stty -a the same before and after)
# when phonefleet phone ends with Ctrl-C, with SIGTERM, and when the
# dashboard ends with Ctrl-C; Ctrl-C is a clean exit (0).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

# sane_after NAME: stty -a after equals before; the shell prints again.
sane_after() {
	if exited && [ -s "$tmp/after" ] && cmp -s "$tmp/before" "$tmp/after"; then
		ok "$1: stty -a unchanged"
	else
		notok "$1: the terminal changed" "$(diff "$tmp/before" "$tmp/after" 2>&1 | head -n 5)"
	fi
	# The scrollback too: where tmux leaves the cursor once the alternate
	# screen is gone varies, and with it what is still in view.
	_i=0
	while [ "$_i" -lt 100 ]; do
		tm capture-pane -p -t pf -S - >"$tmp/all"
		grep -q "after: done" "$tmp/all" && break
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "after: done" "$tmp/all" &&
	    ok "$1: the shell writes to the terminal again" ||
	    notok "$1: no output from the shell after it" "$(tail -n 3 "$tmp/all")"
}

rm -f "$tmp/before" "$tmp/after"
ui_start "stty -a >\"$tmp/before\"; \"$PF_ABS\" phone --speed 60; echo \$? >\"$tmp/prc\"; stty -a >\"$tmp/after\"; echo after: done"
see "phone: up" "Enter activation code"
keys C-c
sane_after "phone, Ctrl-C"
[ "$(cat "$tmp/prc")" = 0 ] && ok "phone, Ctrl-C: exit 0" || notok "phone, Ctrl-C: exit $(cat "$tmp/prc")"

rm -f "$tmp/before" "$tmp/after" "$tmp/pid"
ui_start "stty -a >\"$tmp/before\"; sh -c 'echo \$\$ >\"$tmp/pid\"; exec \"$PF_ABS\" phone --speed 60'; stty -a >\"$tmp/after\"; echo after: done"
see "phone: up again" "Enter activation code"
kill -TERM "$(cat "$tmp/pid")"
sane_after "phone, SIGTERM"

rm -f "$tmp/before" "$tmp/after"
ui_start "stty -a >\"$tmp/before\"; \"$PF_ABS\" run \"$SRC_ABS/scenarios/office-dhcp.xml\" --ui --speed 60; stty -a >\"$tmp/after\"; echo after: done"
see "dashboard: up" "100 phones"
keys C-c
sane_after "dashboard, Ctrl-C"
finish

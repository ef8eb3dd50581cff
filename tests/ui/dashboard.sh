#!/bin/sh
# phonefleet run FILE --ui: the fleet dashboard over scenarios/office-dhcp.xml
# (100 phones) at --speed 60: rows, counters, filter, a phone opened with
# Enter and left with Esc, the run sped up to its end, and q: the report
# (the same verdict as without --ui) once the terminal is back.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

ui_start "\"$PF_ABS\" run \"$SRC_ABS/scenarios/office-dhcp.xml\" --ui --speed 60"
see "the dashboard: 100 phones" "100 phones"
see "the column header" "MAC^         MODEL        SITE     STATE"
see "a row per phone: the first desk phone" "00562B000001 CP-8851-3PCC office"
see "all 100 rows behind the filter" "100/100"
see "the phones provision: 100 resyncs ok" "resyncs 100 ok 100 failed 0"
see "phones per state" "states operational 100"
see "the sparkline" "fetches/s"
keys / 0 0 5 6 2 B 0 1
see "/ filter: typing shown" "filter: 00562B01_"
keys Enter
see "the filter keeps the 10 conference phones" "10/100"
see "a conference phone row" "00562B010001 CP-7841-3PCC office"
keys Escape
see "Esc clears the filter" "100/100"
keys s
see "s: sorted by model" "MODEL^"
keys S
see "S: reversed, the 7841s first" "MODELv"
see "the first row is a 7841" "00562B010001 CP-7841-3PCC"
keys s s s s s s s
see "s cycles back to MAC" "MACv"
keys S
see "S: ascending again" "MAC^"
keys Home Down Enter
see "Enter opens the selected phone" "CP-8851-3PCC 00562B000002"
skip_password "a phone at its first boot"
see "its LCD: the line keys" "Line 10"
see "its status line" "| operational | Aborted | idle"
keys Escape
see "Esc returns to the fleet" "MAC^"
keys p
see "p pauses" "paused"
keys n
see "n steps to the next event" "stepped: "
keys p
keys + + + + + + + + +
see "sped up to the end: run finished" "q to see the report" 60
keys q
exited && [ "$(cat "$tmp/rc")" = 0 ] && ok "q: exit 0 (every expectation held)" || notok "q: exit \"$(cat "$tmp/rc" 2>/dev/null)\""
tm capture-pane -p -t pf -S -100 >"$tmp/report"
grep -q "result: PASS (8 expectations held)" "$tmp/report" && ok "the report follows on the terminal" || { notok "no report"; sed 's/^/# | /' "$tmp/report"; }
"$PF" run "$srcdir/scenarios/office-dhcp.xml" >"$tmp/plain.txt"
grep -q "totals: boots 100, dhcp-acks 100, resyncs 490, resync-ok 490" "$tmp/plain.txt" &&
    grep -q "totals: boots 100, dhcp-acks 100, resyncs 490, resync-ok 490" "$tmp/report" &&
    ok "the totals are those of the run without --ui" || notok "totals differ" "$(grep totals "$tmp/report")"
finish

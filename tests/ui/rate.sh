#!/bin/sh
# phonefleet run FILE --ui with an <arrival> (issue 8, SIPp's rate keys,
# docs/ui.md): the title line shows the arrival rate; * doubles it, /
# halves it back, + and - are a step of 1.1, a factor past x1024 is
# refused; > and < are the speed and f the filter.  In a run without
# <arrival>, > is the speed, + too, and / the filter; no rate is shown.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

cat >"$tmp/arrive.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="arrive" seed="5" duration="1h">
  <site name="office" subnet="10.5.0.0/16">
    <dhcp><option code="160">http://10.9.0.5/cfg/$MA.xml</option></dhcp>
  </site>
  <server name="prov" address="10.9.0.5" http="80">
    <template path="/cfg/*.xml"><![CDATA[<flat-profile><GPP_B>ok</GPP_B></flat-profile>]]></template>
  </server>
  <phones name="desk" count="5000" mac="00562B120001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <arrival phones="desk">
    <phase rate="10" over="1h"/>
  </arrival>
</scenario>
XML

# on_line N TEXT NAME: TEXT shows on line N of the screen.
on_line() {
	_i=0
	while [ "$_i" -lt 150 ]; do
		screen >"$tmp/screen" 2>/dev/null
		sed -n "$1p" "$tmp/screen" | grep -qF -- "$2" && { ok "$3"; return; }
		sleep 0.1
		_i=$((_i + 1))
	done
	notok "$3: \"$2\" is not on line $1"
	sed 's/^/# | /' "$tmp/screen"
}
# title TEXT NAME: on the title line; message TEXT NAME: on the message
# line (the one above the keys of the 30-line session).
title() {
	on_line 1 "$1" "$2"
}
message() {
	on_line 29 "$1" "$2"
}

ui_start "\"$PF_ABS\" run \"$tmp/arrive.xml\" --ui --speed 1"
see "the dashboard" "5000 phones"
title "x1  rate 10/s x1 " "the title line: speed x1, the arrival rate 10/s"
see "the key line names the rate keys" "+-*/ rate  <> speed  f filter"
keys '*'
title "rate 20/s x2 " "*: the rate doubled"
message "rate 20/s x2" "*: the message line says it"
keys /
title "rate 10/s x1 " "/: halved, back to 10/s"
keys +
title "rate 11/s x1.1 " "+: a step of 1.1"
keys -
title "rate 10/s x1 " "-: back to 10/s"
keys '*' '*' '*' '*' '*' '*' '*' '*' '*' '*'
title "rate 10240/s x1024 " "ten *: x1024"
keys '*'
message "rate 10240/s x1024: the limit (x1/1024 to x1024, at most 1000000/s)" \
    "an eleventh *: refused at the limit"
title "rate 10240/s x1024 " "the rate stays at x1024"
keys / / / / / / / / / /
title "rate 10/s x1 " "ten /: back to 10/s"
keys '>'
title "x2  rate 10/s x1 " ">: the speed doubled, the rate kept"
message "speed x2" ">: the message line says it"
keys '<'
title "x1  rate 10/s x1 " "<: the speed halved"
keys f 0 0 5 6 2 B 1 2 0 0 0 1
see "f: the filter is typed" "filter: 00562B120001_"
keys Enter
see "the filter keeps one phone" "1/5000"
keys Escape
see "Esc clears the filter" "5000/5000"
keys q
exited && ok "q ends the run" || notok "q: still running"

# No <arrival>: + and > are the speed, / the filter, and no rate shown.
ui_start "\"$PF_ABS\" run \"$SRC_ABS/scenarios/office-dhcp.xml\" --ui --speed 4"
see "the dashboard without <arrival>" "100 phones"
title " x4  01/01/2026" "no rate on the title line"
see "the key line: / filter" "+- <> speed  / filter"
keys '>'
title " x8  " ">: the speed doubled"
keys +
title " x16  " "+: the speed, too"
keys '<'
title " x8  " "<: halved"
keys / 0 0 5 6 2 B 0 1
see "/ is the filter" "filter: 00562B01_"
keys Escape f
see "f is the filter, too" "filter: _"
keys Escape q
exited && ok "q ends the run" || notok "q: still running"
finish

#!/bin/sh
# phonefleet run --speed X: the real-time driver (netsim/rt-realtime.c) plays the
# same world as the unpaced run, paced to the wall clock.
. "$srcdir/tests/lib.sh"

sc="$srcdir/scenarios/dhcp-option66-tftp.xml"	# 20m of virtual time
speed=1000
duration=1200	# seconds: its duration, the end of the run

"$PF" run "$sc" --report json >"$tmp/fast.json"
rc=$?
[ "$rc" -eq 0 ] && ok "unpaced run (exit $rc)" || notok "unpaced run: exit $rc"

t0=$(date +%s.%N)
"$PF" run "$sc" --report json --speed $speed >"$tmp/paced.json" 2>"$tmp/err"
rc=$?
t1=$(date +%s.%N)
[ "$rc" -eq 0 ] && ok "--speed $speed run (exit $rc)" || notok "--speed $speed run: exit $rc" "$(head -n 3 "$tmp/err")"
grep -q '"end_us": 1200000000' "$tmp/paced.json" && ok "the paced run ends at the scenario's end" || notok "end_us" "$(grep end_us "$tmp/paced.json")"
if cmp -s "$tmp/fast.json" "$tmp/paced.json"; then
	ok "--speed $speed: the JSON report is byte-identical to the unpaced run"
else
	notok "--speed $speed: the reports differ" "$(diff "$tmp/fast.json" "$tmp/paced.json" | head -n 5)"
fi
# Pacing: at least 80% of duration/speed of wall time (no upper bound).
wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
min=$(awk -v d=$duration -v x=$speed 'BEGIN { printf "%.3f", d / x * 0.8 }')
if awk -v w="$wall" -v m="$min" 'BEGIN { exit !(w >= m) }'; then
	ok "--speed $speed took ${wall}s of wall time (at least ${min}s)"
else
	notok "--speed $speed took ${wall}s, under ${min}s: not paced"
fi

# A text report with --speed too: the same as unpaced.
"$PF" run "$sc" >"$tmp/fast.txt"
"$PF" run "$sc" --speed 100000 >"$tmp/paced.txt"
cmp -s "$tmp/fast.txt" "$tmp/paced.txt" && ok "--speed 100000: the text report is identical" || notok "text reports differ" "$(diff "$tmp/fast.txt" "$tmp/paced.txt" | head -n 5)"

# Bad speeds: one line naming the option and the value, exit 2.
for v in 0 -1 abc 1e9999 "" 1.2.3 0.0 inf; do
	"$PF" run "$sc" --speed "$v" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -qF -- "--speed: \"$v\"" "$tmp/err" && [ ! -s "$tmp/out" ]; then
		ok "--speed \"$v\": exit 2, one line"
	else
		notok "--speed \"$v\": exit $rc" "$(cat "$tmp/err")"
	fi
done
"$PF" run --help | grep -q -- '--speed X' && ok "run --help names --speed" || notok "run --help lacks --speed"
finish

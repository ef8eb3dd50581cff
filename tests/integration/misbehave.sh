#!/bin/sh
# Phones against real servers that misbehave on purpose (tests/peers/
# badserver.py on 127.0.0.1, through the host carrier, docs/runtime.md):
# each misbehaviour is met by its own phones, which classify it per the
# spec (class and cause, the section named in each expectation), go on to
# their retry schedule, and the run ends with its report; memory stays
# bounded against an endless body.  Then a server killed in the middle of
# a run and restarted (every phone recovers on Resync_Error_Retry_Delay,
# each failure counted once), and Ctrl-C during a paced run (the report is
# still written).  Only 127.0.0.0/8 is used.
. "$srcdir/tests/lib.sh"
need python3 python3

BAD="$srcdir/tests/peers/badserver.py"
pids=
trap 'for p in $pids; do kill $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$tmp"' EXIT

# start NAME ARGS...: a badserver writing $tmp/NAME.ports and
# $tmp/NAME.log; its pid in $last.  Up when the ports file is there.
start() {
	name=$1
	shift
	rm -f "$tmp/$name.ports"
	python3 "$BAD" --log "$tmp/$name.log" --ports "$tmp/$name.ports" \
	    "$@" >"$tmp/$name.err" 2>&1 &
	last=$!
	pids="$pids $last"
	i=0
	until [ -f "$tmp/$name.ports" ]; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 $last 2>/dev/null; then
			notok "badserver $name did not start" "$(cat "$tmp/$name.err")"
			finish
		fi
		sleep 0.05
	done
}
port() {
	awk -v m="$2" '$1 == m { print $2 }' "$tmp/$1.ports"
}
# count LOG PATTERN: lines of a server's log matching a fixed string.
count() {
	grep -cF -- "$2" "$tmp/$1.log"
}
# rss FILE CMD...: run CMD, its peak RSS (KiB) in FILE, its exit status.
rss() {
	python3 -c '
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    f.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(rc)' "$@"
}

# retry MIN: after each expectation's failed last resync, the checks that
# the run went on: one attempt, one failure, the phone operational with
# its error retry armed (3.4 step 7, 3.5: Resync_Error_Retry_Delay 3600).
retry() {
	sed '/<last-resync class="[BC]"/a\
      <counter name="resyncs" is="1"/>\
      <counter name="resync-fail" is="1"/>\
      <state is="operational"/>\
      <next-resync min="'"$1"'" max="3600s"/>'
}

HTTP_MODES="ok hang trickle huge chunked reset garbage close bighead refuse"
DHCP_MODES="ok nak xid silent noserverid short"
start bad --dhcp-url 'http://10.9.0.5/$MA.xml' \
    $(for m in $HTTP_MODES; do printf 'http-%s ' $m; done) \
    $(for m in $DHCP_MODES; do printf 'dhcp-%s ' $m; done) dns-names
ok "badserver listens on 127.0.0.1 ($(wc -l <"$tmp/bad.ports") listeners)"

# ---------------------------------------------------------------- HTTP
# Two phones per misbehaviour, each on its own port; one resync, then the
# error retry an hour later (3.5), so each failure shows once.
{
	echo '<scenario name="misbehave-http" seed="5" duration="2m20s">'
	echo '  <site name="lab" subnet="10.5.0.0/24"><dhcp/></site>'
	for m in $HTTP_MODES; do
		echo "  <server name=\"$m\" connect=\"127.0.0.1\" http=\"$(port bad http-$m)\"/>"
	done
	i=1
	for m in $HTTP_MODES; do
		printf '  <phones name="%s" count="2" mac="00562B0A%02X01" site="lab">\n' $m $i
		echo '    <param name="Resync_Random_Delay">0</param>'
		echo '    <param name="Resync_Error_Retry_Delay">3600</param>'
		echo "    <param name=\"Profile_Rule\">http://127.0.0.1:$(port bad http-$m)/\$MA.xml</param>"
		echo '  </phones>'
		i=$((i + 1))
	done
	cat <<'XML'
  <timeline>
    <expect t="2m10s" phones="ok" name="9.2: a good answer from the same server is A (the control)">
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="ok"/>
    </expect>
    <expect t="2m10s" phones="hang" name="9.5: accepted, never answered: no byte for 30 s is C timeout">
      <last-resync class="C" cause="timeout"/>
    </expect>
    <expect t="2m10s" phones="trickle" name="9.5: a byte a second: the 120 s transfer limit is C timeout">
      <last-resync class="C" cause="timeout"/>
    </expect>
    <expect t="2m10s" phones="huge" name="8.6: Content-Length 10 GB: over the 4 MiB cap is B too-big">
      <last-resync class="B" cause="too-big" err="file too big"/>
    </expect>
    <expect t="2m10s" phones="chunked" name="8.6: an endless chunked body stops at the cap: B too-big">
      <last-resync class="B" cause="too-big"/>
    </expect>
    <expect t="2m10s" phones="reset" name="8.6, 9.2: reset mid-body (RST) is C truncated">
      <last-resync class="C" cause="truncated" err="transfer truncated"/>
    </expect>
    <expect t="2m10s" phones="garbage" name="9.2: an answer that is not HTTP is C bad-response">
      <last-resync class="C" cause="bad-response" err="bad response"/>
    </expect>
    <expect t="2m10s" phones="close" name="9.2: closed right after accept, no byte: C bad-response">
      <last-resync class="C" cause="bad-response"/>
    </expect>
    <expect t="2m10s" phones="bighead" name="8.6 (docs/behaviour.md): a 1 MiB header line is over the 16 KiB head cap: B too-big">
      <last-resync class="B" cause="too-big"/>
    </expect>
    <expect t="2m10s" phones="refuse" name="9.2: connection refused is C connect">
      <last-resync class="C" cause="connect" err="connection failed"/>
    </expect>
  </timeline>
</scenario>
XML
} | retry 3400s >"$tmp/http.xml"

rss "$tmp/http.rss" "$PF" run "$tmp/http.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "HTTP: every misbehaviour classified per the spec (exit $rc)" || notok "HTTP run: exit $rc" "$(grep -E 'FAIL|saw|error' "$tmp/out" "$tmp/err" | head -n 12)"
grep -q '^result: PASS (10 expectations held)' "$tmp/out" && ok "HTTP: the report is written: PASS, 10 expectations" || notok "HTTP report" "$(tail -n 3 "$tmp/out")"
grep -q '^totals: boots 20, dhcp-acks 20, resyncs 20, resync-ok 2, resync-fail 18,' "$tmp/out" && ok "HTTP: the report counts 18 failures, one per phone" || notok "HTTP totals" "$(grep '^totals' "$tmp/out")"
grep -q '^errors: connection failed 2, timeout 4, transfer truncated 2, bad response 4, file too big 6$' "$tmp/out" && ok "HTTP: errors by cause in the report" || notok "HTTP errors line" "$(grep '^errors' "$tmp/out")"
kb=$(cat "$tmp/http.rss")
[ "$kb" -gt 0 ] && [ "$kb" -lt 204800 ] && ok "8.6: memory bounded against a 10 GB body and an endless chunked one (max RSS $kb KiB < 200 MiB)" || notok "max RSS $kb KiB"
# The phone stopped reading at its cap and closed: the server's writes
# failed long before 10 GB (what it sent is what the sockets buffered).
for m in huge chunked; do
	got=$(count bad "http-$m sent")
	big=$(sed -n "s/^http-$m sent \([0-9]*\) body bytes/\1/p" "$tmp/bad.log" | sort -n | tail -n 1)
	[ "$got" -eq 2 ] && [ "${big:-0}" -lt 67108864 ] && ok "8.6: $m: both phones closed at the cap (server sent at most $big bytes)" || notok "$m: $got servers done, at most ${big:-?} bytes sent"
done
got=$(sed -n 's/^http-trickle sent \([0-9]*\) bytes/\1/p' "$tmp/bad.log" | sort -n | tail -n 1)
[ -n "$got" ] && [ "$got" -le 20 ] && ok "9.5: the trickle was cut after ${got} bytes (12 s at speed 10)" || notok "trickle sent ${got:-?} bytes"
[ "$(count bad 'http-hang accept')" -eq 2 ] && ok "the silent server accepted both phones (and was never answered)" || notok "hang accepts: $(count bad 'http-hang accept')"

# ---------------------------------------------------------------- DHCP
# Each site's DHCP is a bad server reached as a relay agent (RFC 8357
# relay-port, each site its own relay address); the phones' provisioning
# server is simulated, so a phone that got a lease from "ok" provisions.
rports=$(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(6)]
for i, x in enumerate(s): x.bind(("127.0.0.%d" % (21 + i), 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
{
	echo '<scenario name="misbehave-dhcp" seed="6" duration="1m">'
	set -- $rports
	i=1
	for m in $DHCP_MODES; do
		echo "  <site name=\"$m\" subnet=\"10.77.$((20 + i)).0/24\" gateway=\"10.77.$((20 + i)).1\">"
		echo "    <dhcp connect=\"127.0.0.1\" port=\"$(port bad dhcp-$m)\" relay=\"127.0.0.$((20 + i))\" relay-port=\"$1\"/>"
		echo '  </site>'
		shift
		i=$((i + 1))
	done
	echo '  <server name="prov" address="10.9.0.5" http="80">'
	echo '    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>leased</GPP_A></flat-profile>]]></template>'
	echo '  </server>'
	i=1
	for m in $DHCP_MODES; do
		printf '  <phones name="%s" count="2" mac="00562B0B%02X01" site="%s">\n' $m $i $m
		echo '    <param name="Resync_Random_Delay">0</param>'
		echo '  </phones>'
		i=$((i + 1))
	done
	cat <<'XML'
  <timeline>
    <expect t="55s" phones="ok" name="4.2: a lease through the relay (the control): option 160 provisions">
      <state is="operational"/>
      <counter name="dhcp-acks" is="1"/>
      <last-resync class="A"/>
      <param name="GPP_A" is="leased"/>
    </expect>
    <expect t="55s" phones="nak" name="4.2, RFC 2131 3.1: every REQUEST NAKed: no lease, no resync">
      <state is="network"/>
      <counter name="dhcp-acks" is="0"/>
      <counter name="resyncs" is="0"/>
    </expect>
    <expect t="55s" phones="xid" name="4.2, RFC 2131 4.4.1: answers with a wrong xid are not ours: no lease">
      <state is="network"/>
      <counter name="dhcp-acks" is="0"/>
    </expect>
    <expect t="55s" phones="silent" name="4.2: out of leases (no OFFER): DISCOVER again, no lease">
      <state is="network"/>
      <counter name="dhcp-acks" is="0"/>
    </expect>
    <expect t="55s" phones="noserverid" name="4.2, RFC 2131 4.3.1: an OFFER without server identifier is dropped">
      <state is="network"/>
      <counter name="dhcp-acks" is="0"/>
    </expect>
    <expect t="55s" phones="short" name="4.2: truncated packets are dropped: no lease">
      <state is="network"/>
      <counter name="dhcp-acks" is="0"/>
    </expect>
  </timeline>
</scenario>
XML
} >"$tmp/dhcp.xml"
"$PF" run "$tmp/dhcp.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "DHCP: every misbehaviour leaves the phone unbound and retrying (exit $rc)" || notok "DHCP run: exit $rc" "$(grep -E 'FAIL|saw|error' "$tmp/out" "$tmp/err" | head -n 12)"
grep -q '^result: PASS (6 expectations held)' "$tmp/out" && ok "DHCP: the report is written: PASS, 6 expectations" || notok "DHCP report" "$(tail -n 3 "$tmp/out")"
grep -q 'DISCOVER 00562b0b0101 giaddr 127.0.0.21 relay-port yes' "$tmp/bad.log" && ok "the bad server was reached as a relay agent with the RFC 8357 sub-option" || notok "relay" "$(head -n 3 "$tmp/bad.log")"
# NAKs in a row back off as DISCOVER does (4, 8, 16, 32 s): about five
# rounds a phone in 60 s, not a storm.
got=$(count bad 'dhcp-nak REQUEST 00562b0b0201')
[ "$got" -ge 3 ] && [ "$got" -le 6 ] && ok "RFC 2131 3.1: NAKed $got times in a minute: NAKs in a row back off" || notok "NAK loop: $got REQUESTs from one phone in a minute"
for m in xid silent noserverid short; do
	d=$(count bad "dhcp-$m DISCOVER")
	r=$(count bad "dhcp-$m REQUEST")
	[ "$d" -ge 8 ] && [ "$d" -le 12 ] && [ "$r" -eq 0 ] && ok "4.2: $m: DISCOVER retransmitted with backoff ($d from 2 phones), never a REQUEST" || notok "$m: $d DISCOVERs, $r REQUESTs"
done

# ---------------------------------------------------------------- DNS
# One bad DNS server; the first label of the name picks the misbehaviour,
# and every answer that were taken would send the phone to a working
# (simulated) server at 10.9.0.5.
DNS_KINDS="good tc tcempty short otherid othername loop alen servfail"
{
	echo '<scenario name="misbehave-dns" seed="7" duration="1m">'
	echo '  <site name="lab" subnet="10.5.0.0/24"><dhcp><dns>127.0.0.1</dns></dhcp></site>'
	echo "  <dns-server name=\"bad\" connect=\"127.0.0.1\" port=\"$(port bad dns-names)\"/>"
	echo '  <server name="prov" address="10.9.0.5" http="80">'
	echo '    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>resolved</GPP_A></flat-profile>]]></template>'
	echo '  </server>'
	i=1
	for m in $DNS_KINDS; do
		printf '  <phones name="%s" count="1" mac="00562B0C%02X01" site="lab">\n' $m $i
		echo '    <param name="Resync_Random_Delay">0</param>'
		echo '    <param name="Resync_Error_Retry_Delay">3600</param>'
		echo "    <param name=\"Profile_Rule\">http://$m.bad.test/\$MA.xml</param>"
		echo '  </phones>'
		i=$((i + 1))
	done
	cat <<'XML'
  <timeline>
    <expect t="50s" phones="good" name="9.7: a proper A answer (the control)">
      <last-resync class="A"/>
      <param name="GPP_A" is="resolved"/>
    </expect>
    <expect t="50s" phones="tc" name="9.7, RFC 2181 9: an answer with TC set is not used: C dns">
      <last-resync class="C" cause="dns" err="dns lookup failed"/>
    </expect>
    <expect t="50s" phones="tcempty" name="9.7: TC set and no record: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="short" name="9.7: an answer cut short is ignored, the time-out decides: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="otherid" name="9.7: an answer with another id is not ours: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="othername" name="9.7: an answer for another name is not ours: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="loop" name="9.7: a compression-pointer loop is refused: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="alen" name="9.7: an A record of 5 bytes is refused: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
    <expect t="50s" phones="servfail" name="9.7: SERVFAIL from the only server: C dns">
      <last-resync class="C" cause="dns"/>
    </expect>
  </timeline>
</scenario>
XML
} | retry 3500s >"$tmp/dns.xml"
"$PF" run "$tmp/dns.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "DNS: every bad answer classified C dns (exit $rc)" || notok "DNS run: exit $rc" "$(grep -E 'FAIL|saw|error' "$tmp/out" "$tmp/err" | head -n 12)"
grep -q '^result: PASS (9 expectations held)' "$tmp/out" && ok "DNS: the report is written: PASS, 9 expectations" || notok "DNS report" "$(tail -n 3 "$tmp/out")"
grep -q '^errors: dns lookup failed 8$' "$tmp/out" && ok "DNS: the report counts 8 DNS failures" || notok "DNS errors line" "$(grep '^errors' "$tmp/out")"
# Ignored answers: the phone asked again after its 5 s time-out (two
# queries to its one server); a refusal (TC, SERVFAIL) is at once (one).
for m in short otherid othername loop alen; do
	got=$(count bad "dns query $m.bad.test A")
	[ "$got" -eq 2 ] && ok "9.7: $m: answer ignored, asked again after the time-out ($got queries)" || notok "$m: $got queries"
done
for m in tc tcempty servfail; do
	got=$(count bad "dns query $m.bad.test A")
	[ "$got" -eq 1 ] && ok "9.7: $m: failed at once ($got query)" || notok "$m: $got queries"
done

# ------------------------------------------------- killed and restarted
# A good server on a port of its own; killed once every phone has its
# profile, restarted between the failed periodic resync (60 s) and the
# error retry (60 s later); each phone fails once and recovers.
start ok http-ok
kport=$(port ok http-ok)
okpid=$last
cat >"$tmp/restart.xml" <<XML
<scenario name="misbehave-restart" seed="8" duration="2m50s">
  <site name="lab" subnet="10.5.0.0/24"><dhcp/></site>
  <server name="ok" connect="127.0.0.1" http="$kport"/>
  <phones name="p" count="10" mac="00562B0D0001" site="lab">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Periodic">60</param>
    <param name="Resync_Error_Retry_Delay">60</param>
    <param name="Profile_Rule">http://127.0.0.1:$kport/\$MA.xml</param>
  </phones>
  <timeline>
    <expect t="50s" phones="p" name="9.2: provisioned before the server dies">
      <last-resync class="A"/>
      <counter name="resync-ok" is="1"/>
    </expect>
    <expect t="100s" phones="p" name="9.2, 3.5: the periodic resync meets a dead server: C connect, retry in Resync_Error_Retry_Delay">
      <last-resync class="C" cause="connect"/>
      <counter name="resync-fail" is="1"/>
      <next-resync in="20s" tolerance="2s"/>
    </expect>
    <expect t="160s" phones="p" name="3.5: the retry after the restart succeeds; the failure counted once">
      <last-resync class="A"/>
      <counter name="resync-ok" is="2"/>
      <counter name="resync-fail" is="1"/>
      <counter name="resyncs" is="3"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/restart.xml" --speed 10 >"$tmp/out" 2>"$tmp/err" &
pf=$!
pids="$pids $pf"
i=0
while [ "$(count ok 'http-ok request')" -lt 10 ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -9 $okpid 2>/dev/null
wait $okpid 2>/dev/null
[ $i -lt 200 ] && ok "10 phones provisioned, then the server killed (SIGKILL)" || notok "the phones did not reach the server" "$(cat "$tmp/ok.log")"
sleep 8.5		# virtual 5 s + 85 s: after 60 s, before 120 s
mv "$tmp/ok.log" "$tmp/ok1.log"
start ok "http-ok=$kport"
wait $pf
rc=$?
[ "$rc" -eq 0 ] && ok "restart: every phone recovered on its retry schedule (exit $rc)" || notok "restart run: exit $rc" "$(grep -E 'FAIL|saw|error' "$tmp/out" "$tmp/err" | head -n 12)"
grep -q '^totals: boots 10, dhcp-acks 10, resyncs 30, resync-ok 20, resync-fail 10,' "$tmp/out" && ok "restart: the report counts each failure once (10 of 30 resyncs)" || notok "restart totals" "$(grep '^totals' "$tmp/out")"
got=$(count ok 'http-ok request')
[ "$got" -eq 10 ] && ok "the restarted server saw each phone's retry once" || notok "restarted server: $got requests"

# ---------------------------------------------------------------- Ctrl-C
cat >"$tmp/sigint.xml" <<XML
<scenario name="misbehave-sigint" seed="9" duration="10m">
  <site name="lab" subnet="10.5.0.0/24"><dhcp/></site>
  <server name="ok" connect="127.0.0.1" http="$kport"/>
  <phones name="p" count="4" mac="00562B0E0001" site="lab">
    <param name="Resync_Random_Delay">0</param>
    <param name="Profile_Rule">http://127.0.0.1:$kport/\$MA.xml</param>
  </phones>
  <timeline>
    <expect t="9m" phones="p" name="never reached">
      <state is="operational"/>
    </expect>
  </timeline>
</scenario>
XML
: >"$tmp/ok.log"
"$PF" run "$tmp/sigint.xml" --speed 10 >"$tmp/out" 2>"$tmp/err" &
pf=$!
i=0
while [ "$(count ok 'http-ok request')" -lt 4 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
sleep 0.5
kill -INT $pf
i=0
while kill -0 $pf 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
if kill -0 $pf 2>/dev/null; then
	kill -9 $pf
	notok "Ctrl-C: phonefleet still runs 5 s after SIGINT"
fi
wait $pf
rc=$?
[ "$rc" -eq 1 ] && ok "Ctrl-C: the run ends at once, exit status 1" || notok "Ctrl-C: exit $rc" "$(cat "$tmp/err")"
grep -q '^totals: boots 4, dhcp-acks 4, resyncs 4, resync-ok 4,' "$tmp/out" && ok "Ctrl-C: the report is still written, with what happened so far" || notok "Ctrl-C report" "$(head -n 5 "$tmp/out")"
grep -q '^interrupted: at virtual time [0-9.]*s (SIGINT); the report covers the run so far$' "$tmp/out" && ok "Ctrl-C: the report says where the run was interrupted" || notok "interrupted line" "$(tail -n 2 "$tmp/out")"
grep -q '^phonefleet run: interrupted at virtual time [0-9.]*s; exit status 1$' "$tmp/err" && ok "Ctrl-C: one line on stderr" || notok "stderr" "$(cat "$tmp/err")"
finish

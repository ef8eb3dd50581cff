#!/bin/sh
# The host carrier's cap on open sockets (docs/runtime.md): 300 phones
# power on at once against a real nginx on 127.0.0.1 with only 128 file
# descriptors (ulimit -n 128, soft and hard, in a subshell).  Connections
# past the cap wait for a socket to close instead of failing: every phone
# provisions (resync-ok 1, last resync class A, no class C), phonefleet says
# at start that connections beyond the limit wait and at the end how many
# did, and nginx logged each phone's request once.  nginx is started (with
# the test's own limit) and stopped by the test; only 127.0.0.1 is used.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

port=$(free_ports 1)
mkdir -p "$tmp/www/cfg" "$tmp/logs"
mac_profiles 300 00562b0c '<flat-profile><GPP_A>capped</GPP_A></flat-profile>'
nginx_up "$port" '$remote_addr $request_uri $status' '' 'keepalive_timeout 0;'

cat >"$tmp/cap.xml" <<XML
<scenario name="fdcap" seed="9" duration="40s">
  <site name="office" subnet="10.12.0.0/22">
    <dhcp><option code="160">http://127.0.0.1:$port/cfg/\$MA.xml</option></dhcp>
  </site>
  <server name="nginx" connect="127.0.0.1" http="$port"/>
  <phones name="desk" count="300" mac="00562B0C0001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="35s" phones="desk" name="every phone provisioned">
      <state is="operational"/>
      <counter name="resync-ok" is="1"/>
      <counter name="resync-fail" is="0"/>
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="capped"/>
    </expect>
    <expect t="35s" name="no connection failed">
      <errors step="fetch" class="any" max="0"/>
      <errors step="connect" class="connect" max="0"/>
    </expect>
  </timeline>
</scenario>
XML

(ulimit -n 128 && exec "$PF" run "$tmp/cap.xml" --speed 4) >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "300 phones with 128 descriptors: every expectation held (exit $rc)" || notok "capped run: exit $rc" "$(grep -E 'FAIL|fail|error' "$tmp/out" "$tmp/err" | head -n 8)"
grep -q 'result: PASS (2 expectations held)' "$tmp/out" && ok "report: PASS, all resyncs ok, no class C" || notok "report" "$(grep -E 'FAIL|result' "$tmp/out" | head -n 4)"
grep -q '^phonefleet run: 300 phones but 128 file descriptors (ulimit -n): at most about 64 connections at once, the others wait for one to close' "$tmp/err" && ok "at start: connections beyond the limit wait" || notok "start line" "$(cat "$tmp/err")"
grep -Eq '^phonefleet run: [0-9]+ connections waited for a free descriptor \(at most (6[0-4]|[1-5][0-9]|[1-9]) open' "$tmp/err" && ok "at the end: how many waited, never more than 64 open ($(grep -o '[0-9]* connections waited' "$tmp/err"))" || notok "end line" "$(cat "$tmp/err")"
nreq=$(grep -c '^127\.0\.0\.1 /cfg/00562b0c[0-9a-f]*\.xml 200$' "$tmp/logs/access.log")
nuniq=$(sed -n 's|^127\.0\.0\.1 \(/cfg/00562b0c[0-9a-f]*\.xml\) 200$|\1|p' "$tmp/logs/access.log" | sort -u | wc -l)
[ "$nreq" -eq 300 ] && [ "$nuniq" -eq 300 ] && ok "nginx logged each of the 300 phones once" || notok "nginx logged $nreq requests, $nuniq phones" "$(head -n 2 "$tmp/logs/access.log")"
finish

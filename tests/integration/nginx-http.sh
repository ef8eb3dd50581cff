#!/bin/sh
# Phones of the simulated world against a real nginx on 127.0.0.1 (the host
# carrier, docs/runtime.md): a scenario's <server connect=> is reached over
# kernel sockets, the profile nginx serves is applied, a file nginx does not
# have is class B (404), a port where nothing listens is class C.  nginx is
# started and stopped by the test; only 127.0.0.1 is used.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

# Two free loopback ports: nginx's, and one left closed.
ports=$(free_ports 2)
port=${ports% *}
closed=${ports#* }

mkdir -p "$tmp/www/cfg" "$tmp/logs"
mac_profiles 20 00562b0f '<flat-profile><GPP_A>nginx</GPP_A><GPP_B>%s</GPP_B></flat-profile>'
nginx_up "$port" '$remote_addr "$request" $status "$http_user_agent"'

cat >"$tmp/real.xml" <<XML
<scenario name="real-nginx" seed="3" duration="30s">
  <site name="office" subnet="10.5.0.0/24">
    <dhcp><option code="160">http://127.0.0.1:$port/cfg/\$MA.xml</option></dhcp>
  </site>
  <site name="lost" subnet="10.6.0.0/24">
    <dhcp><option code="160">http://127.0.0.1:$port/nothing/\$MA.xml</option></dhcp>
  </site>
  <site name="closed" subnet="10.7.0.0/24">
    <dhcp><option code="160">http://127.0.0.1:$closed/cfg/\$MA.xml</option></dhcp>
  </site>
  <server name="nginx" connect="127.0.0.1" http="$port"/>
  <server name="gone" connect="127.0.0.1" http="$closed"/>
  <phones name="desk" count="20" mac="00562B0F0001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="lost" count="2" mac="00562B0E0001" site="lost">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="closed" count="2" mac="00562B0D0001" site="closed">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="20s" phones="desk" name="provisioned by nginx">
      <state is="operational"/>
      <counter name="resync-ok" is="1"/>
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="nginx"/>
    </expect>
    <expect t="20s" phones="desk[4]" name="its own file">
      <param name="GPP_B" is="00562b0f0005"/>
      <last-resync url="http://127.0.0.1:$port/cfg/00562b0f0005.xml"/>
    </expect>
    <expect t="20s" phones="lost" name="404 from nginx is B">
      <last-resync class="B" status="404"/>
    </expect>
    <expect t="20s" phones="closed" name="a closed port is C">
      <last-resync class="C" cause="connect"/>
    </expect>
  </timeline>
</scenario>
XML

t0=$(date +%s)
"$PF" run "$tmp/real.xml" --speed 10 --interval 500ms >"$tmp/out" 2>"$tmp/err"
rc=$?
t1=$(date +%s)
[ "$rc" -eq 0 ] && ok "every expectation held against nginx (exit $rc)" || notok "run against nginx: exit $rc" "$(grep -E 'FAIL|fail|error' "$tmp/out" "$tmp/err" | head -n 8)"
grep -q 'result: PASS (4 expectations held)' "$tmp/out" && ok "report: PASS, 4 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
[ $((t1 - t0)) -ge 2 ] && ok "a scenario with a real server runs paced ($((t1 - t0)) s for 30 s at 10x)" || notok "not paced: $((t1 - t0)) s"
# --interval: a live line on stderr every 500 ms of the 3 s run.
nlive=$(grep -c '^live t=' "$tmp/err")
[ "$nlive" -ge 4 ] && ok "--interval 500ms: $nlive live lines on stderr" || notok "--interval: $nlive live lines" "$(head -n 3 "$tmp/err")"
grep '^live t=' "$tmp/err" | tail -n 1 | grep -q 'fetches 2[0-9] .*errors [0-9]* fetch p50 [0-9.]*ms p99' && ok "the last live line counts the fetches and their latency" || notok "live line" "$(tail -n 2 "$tmp/err")"

# nginx's own log: each desk phone's request, with the phone's User-Agent.
nreq=$(grep -c '"GET /cfg/00562b0f00[0-9a-f][0-9a-f].xml HTTP/1.1" 200 "Cisco-CP-8851-3PCC/' "$tmp/logs/access.log")
[ "$nreq" -eq 20 ] && ok "nginx logged 20 profile requests with the phones' User-Agent" || notok "nginx logged $nreq matching requests" "$(head -n 3 "$tmp/logs/access.log")"
grep -q '"GET /nothing/00562b0e0001.xml HTTP/1.1" 404' "$tmp/logs/access.log" && ok "nginx answered the missing file with 404" || notok "no 404 in nginx's log"
grep -q '^127\.0\.0\.1 ' "$tmp/logs/access.log" && ok "requests came from 127.0.0.1" || notok "source address" "$(head -n 1 "$tmp/logs/access.log")"

# A real server is not ours to check or switch off.
cat >"$tmp/bad.xml" <<XML
<scenario name="bad" duration="1m">
  <site name="o" subnet="10.5.0.0/24"><dhcp/></site>
  <server name="nginx" connect="127.0.0.1" http="$port">
    <file path="/x.xml">x</file>
  </server>
  <phones name="p" count="1" mac="00562B0F0001" site="o"/>
  <timeline><expect t="10s" name="x"><server name="nginx" requests="1"/></expect></timeline>
</scenario>
XML
"$PF" run "$tmp/bad.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && ok "a file on a real server is refused (exit 2)" || notok "bad scenario: exit $rc"
grep -q 'bad.xml:4: <file path="/x.xml">: a real server (connect=) serves its own' "$tmp/err" && ok "the error names the file, line and element" || notok "error text" "$(cat "$tmp/err")"
grep -q 'is a real server (connect=)' "$tmp/err" && ok "a <server> check on a real server is refused" || notok "check on a real server" "$(cat "$tmp/err")"
finish

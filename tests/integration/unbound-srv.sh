#!/bin/sh
# Phones' resolver against a real unbound on 127.0.0.1 (a <dns-server
# connect=> on a high port, mapped from 53 by the host carrier): zero-touch
# discovery through DNS SRV (spec 4.3: _ciscoprov-http._tcp.<domain>, B7's
# weights, a CNAME target) reaches a simulated provisioning server of the
# same run; a [--srv] rule's lookup too (B10); an unknown name is a DNS
# failure, class C.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need unbound unbound
need python3 python3

port=$(free_ports 1 udp)
cat >"$tmp/unbound.conf" <<CONF
server:
	interface: 127.0.0.1@$port
	do-ip6: no
	do-tcp: no
	username: ""
	chroot: ""
	directory: "$tmp"
	pidfile: "$tmp/unbound.pid"
	do-daemonize: no
	use-syslog: no
	logfile: "$tmp/unbound.log"
	verbosity: 1
	log-queries: yes
	access-control: 127.0.0.0/8 allow
	local-zone: "a.example.test." static
	local-data: "_ciscoprov-http._tcp.a.example.test. 300 IN SRV 10 60 8080 px1.a.example.test."
	local-data: "_ciscoprov-http._tcp.a.example.test. 300 IN SRV 10 20 8080 px2.a.example.test."
	local-data: "px1.a.example.test. 300 IN A 10.9.1.60"
	local-data: "px2.a.example.test. 300 IN CNAME live.a.example.test."
	local-data: "live.a.example.test. 300 IN A 10.9.1.20"
	local-zone: "c.example.test." static
	local-data: "_ciscoprov-http._tcp.c.example.test. 300 IN SRV 0 0 8000 prov.c.example.test."
	local-data: "prov.c.example.test. 300 IN A 10.9.3.30"
remote-control:
	control-enable: no
CONF
unbound -d -c "$tmp/unbound.conf" >"$tmp/stdout" 2>&1 &
ub=$!
trap 'kill $ub 2>/dev/null; wait $ub 2>/dev/null; rm -rf "$tmp"' EXIT
# Up when it answers an A query (at most 10 s).
python3 -c '
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
for label in b"live.a.example.test".split(b"."):
    q += bytes([len(label)]) + label
q += b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(50):
    s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
    try:
        if s.recvfrom(512)[0][:2] == b"\x12\x34":
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)' "$port" && ok "unbound answers on 127.0.0.1:$port" || {
	notok "unbound did not answer" "$(tail -n 3 "$tmp/stdout" "$tmp/unbound.log" 2>/dev/null)"
	finish
}

cat >"$tmp/srv.xml" <<XML
<scenario name="real-unbound" seed="8" duration="5m">
  <site name="a" subnet="10.41.0.0/24">
    <dhcp domain="a.example.test"><dns>127.0.0.1</dns></dhcp>
  </site>
  <site name="c" subnet="10.43.0.0/24">
    <dhcp domain="c.example.test"><dns>127.0.0.1</dns></dhcp>
  </site>
  <dns-server name="unbound" connect="127.0.0.1" port="$port"/>
  <server name="w60" address="10.9.1.60" http="8080">
    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>w60</GPP_A></flat-profile>]]></template>
  </server>
  <server name="w20" address="10.9.1.20" http="8080">
    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>w20</GPP_A></flat-profile>]]></template>
  </server>
  <server name="explicit" address="10.9.3.30" http="8000">
    <file path="/8851-3PCC.xml"><![CDATA[<flat-profile><GPP_A>explicit</GPP_A></flat-profile>]]></file>
  </server>
  <phones name="a" count="3" mac="00562B410001" site="a">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="srv" count="2" mac="00562B430001" site="c">
    <param name="Resync_Random_Delay">0</param>
    <param name="Profile_Rule">[--srv] http://c.example.test/\$PSN.xml</param>
  </phones>
  <phones name="nxd" count="1" mac="00562B430101" site="c">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Error_Retry_Delay">3600</param>
    <param name="Profile_Rule">http://nowhere.c.example.test/\$PSN.xml</param>
  </phones>
  <timeline>
    <expect t="2m" phones="a" name="4.3, B7: SRV from unbound, weight 20 first, its CNAME followed">
      <state is="operational"/>
      <last-resync class="A" url="http://px2.a.example.test:8080/8851-3PCC.xml"/>
      <param name="GPP_A" is="w20"/>
    </expect>
    <expect t="2m" phones="srv" name="B10: [--srv] http asks unbound for _ciscoprov-http._tcp">
      <last-resync class="A" url="http://prov.c.example.test:8000/8851-3PCC.xml"/>
      <param name="GPP_A" is="explicit"/>
    </expect>
    <expect t="2m" phones="nxd" name="a name unbound does not have: C, DNS">
      <last-resync class="C" cause="dns"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/srv.xml" --speed 20 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "every expectation held with unbound's answers (exit $rc)" || notok "run with unbound: exit $rc" "$(grep -iE 'fail|error|got' "$tmp/out" "$tmp/err" | head -n 10)"
grep -q 'result: PASS (3 expectations held)' "$tmp/out" && ok "report: PASS, 3 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
grep -q '_ciscoprov-http._tcp.a.example.test. SRV IN' "$tmp/unbound.log" && ok "unbound logged the phones' SRV queries" || notok "no SRV query in unbound's log" "$(head -n 5 "$tmp/unbound.log")"
grep -q 'px1.a.example.test. A IN' "$tmp/unbound.log" && notok "the weight-60 target was asked (B7: weight 20 first)" || ok "B7: the weight-60 target was never asked"
finish

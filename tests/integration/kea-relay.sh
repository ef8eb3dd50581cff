#!/bin/sh
# A site whose DHCP is a real Kea DHCPv4 server, reached the way perfdhcp
# reaches one (peers.md): phonefleet plays the relay agent (giaddr, hops 1,
# unicast; from a high port with the RFC 8357 relay-port sub-option, so no
# root is needed), Kea picks the subnet by giaddr and answers the relay,
# and the answer goes to the phone its chaddr names.  Options 66, 150 and
# 160 from Kea drive the phones' rules (spec 4.2, B1-B4) to a simulated
# provisioning server of the same run: real and simulated mix.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need kea-dhcp4 kea-dhcp4-server
need python3 python3

kport=$(free_ports 1 udp)
rport=$(free_ports 1 udp 127.0.0.2)
mkdir -p "$tmp/run"
cat >"$tmp/kea.json" <<JSON
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "lo/127.0.0.1" ], "dhcp-socket-type": "udp" },
    "lease-database": { "type": "memfile", "persist": false },
    "valid-lifetime": 3600,
    "option-def": [
        { "name": "cisco-tftp", "code": 150, "type": "ipv4-address", "array": true, "space": "dhcp4" },
        { "name": "cisco-prov", "code": 160, "type": "string", "space": "dhcp4" }
    ],
    "subnet4": [ {
        "subnet": "10.5.0.0/24",
        "pools": [ { "pool": "10.5.0.10 - 10.5.0.200" } ],
        "relay": { "ip-addresses": [ "127.0.0.2" ] },
        "option-data": [
            { "name": "routers", "data": "10.5.0.1" },
            { "name": "tftp-server-name", "data": "10.9.0.5", "always-send": true },
            { "name": "cisco-tftp", "data": "10.9.0.6", "always-send": true },
            { "name": "cisco-prov", "data": "http://10.9.0.5/cfg/\$MA.xml", "always-send": true }
        ]
    } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
        "output_options": [ { "output": "$tmp/run/kea.log" } ] } ]
} }
JSON
KEA_PIDFILE_DIR="$tmp/run" KEA_LOCKFILE_DIR="$tmp/run" \
    kea-dhcp4 -p "$kport" -c "$tmp/kea.json" >"$tmp/run/stdout" 2>&1 &
kea=$!
trap 'kill $kea 2>/dev/null; wait $kea 2>/dev/null; rm -rf "$tmp"' EXIT
# Up when the log says it serves (at most 10 s).
i=0
until grep -q 'DHCP4_STARTED' "$tmp/run/kea.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 $kea 2>/dev/null; then
		notok "kea-dhcp4 did not start" "$(tail -n 3 "$tmp/run/stdout" "$tmp/run/kea.log" 2>/dev/null)"
		finish
	fi
	sleep 0.1
done
ok "kea-dhcp4 serves 127.0.0.1:$kport"

cat >"$tmp/kea.xml" <<XML
<scenario name="real-kea" seed="6" duration="1m">
  <site name="office" subnet="10.5.0.0/24" gateway="10.5.0.1">
    <dhcp connect="127.0.0.1" port="$kport" relay="127.0.0.2" relay-port="$rport"/>
  </site>
  <server name="prov" address="10.9.0.5" http="80" tftp="69">
    <file path="/8851-3PCC.xml"><![CDATA[<flat-profile><GPP_A>option 66</GPP_A></flat-profile>]]></file>
    <template path="/cfg/*.xml"><![CDATA[<flat-profile><GPP_A>option 160</GPP_A><GPP_B>{{mac}}</GPP_B></flat-profile>]]></template>
  </server>
  <server name="tftp2" address="10.9.0.6" tftp="69">
    <file path="/8851-3PCC.xml"><![CDATA[<flat-profile><GPP_A>option 150</GPP_A></flat-profile>]]></file>
  </server>
  <phones name="o66" count="3" mac="00562B050001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="o160" count="3" mac="00562B050101" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="DHCP_Option_To_Use">160,66</param>
  </phones>
  <phones name="o150" count="2" mac="00562B050201" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="DHCP_Option_To_Use">150</param>
  </phones>
  <timeline>
    <expect t="40s" phones="o66" name="B1: Kea's option 66: TFTP to it">
      <state is="operational"/>
      <last-resync class="A" url="tftp://10.9.0.5:69/8851-3PCC.xml"/>
      <param name="GPP_A" is="option 66"/>
    </expect>
    <expect t="40s" phones="o160" name="B4: Kea's option 160, \$MA expanded">
      <last-resync class="A"/>
      <param name="GPP_A" is="option 160"/>
    </expect>
    <expect t="40s" phones="o160[1]" name="the phone's own URL">
      <last-resync url="http://10.9.0.5:80/cfg/00562b050102.xml"/>
    </expect>
    <expect t="40s" phones="o150" name="B2: Kea's option 150">
      <last-resync class="A" url="tftp://10.9.0.6:69/8851-3PCC.xml"/>
      <param name="GPP_A" is="option 150"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/kea.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "every expectation held with Kea's leases (exit $rc)" || notok "run with Kea: exit $rc" "$(grep -iE 'fail|error|got' "$tmp/out" "$tmp/err" | head -n 10)"
grep -q 'result: PASS (4 expectations held)' "$tmp/out" && ok "report: PASS, 4 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
grep -q 'dhcp-acks 8,' "$tmp/out" && ok "8 phones bound by Kea" || notok "DHCP ACKs" "$(grep totals "$tmp/out")"
nl=$(grep -c 'DHCP4_LEASE_ALLOC' "$tmp/run/kea.log")
[ "$nl" -eq 8 ] && ok "Kea allocated 8 leases, one per phone" || notok "Kea allocated $nl leases" "$(grep -m 3 DHCP4_ "$tmp/run/kea.log")"
grep 'DHCP4_LEASE_ALLOC' "$tmp/run/kea.log" | grep -q 'hwtype=1 00:56:2b:05:01:02' && ok "Kea saw the phone's own MAC (chaddr)" || notok "chaddr" "$(grep -m 2 DHCP4_LEASE_ALLOC "$tmp/run/kea.log")"

# A relay address that cannot be bound: one line naming the site, exit 2.
sed "s/relay=\"127.0.0.2\"/relay=\"192.0.2.1\"/" "$tmp/kea.xml" >"$tmp/bad.xml"
"$PF" run "$tmp/bad.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && ok "an unbindable relay address: exit 2" || notok "unbindable relay: exit $rc"
grep -q '^phonefleet run: site office: DHCP relay 192.0.2.1:' "$tmp/err" && [ "$(wc -l <"$tmp/err")" -eq 1 ] && ok "one line naming the site and the relay" || notok "error text" "$(cat "$tmp/err")"
# --workers 2 (docs/load.md): worker k relays from relay-port + k; both
# workers' phones are bound by Kea, and every expectation holds merged.
wport=$(python3 -c '
import socket
for p in range(42000, 60000, 7):
    try:
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("127.0.0.2", p))
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("127.0.0.2", p + 1))
        print(p); break
    except OSError:
        pass
')
sed "s/relay-port=\"$rport\"/relay-port=\"$wport\"/" "$tmp/kea.xml" >"$tmp/kea-w.xml"
"$PF" run "$tmp/kea-w.xml" --speed 10 --workers 2 >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -eq 0 ] && grep -q 'result: PASS (4 expectations held)' "$tmp/out" && grep -q 'dhcp-acks 8,' "$tmp/out"; then
	ok "--workers 2 with Kea: relays on $wport and $((wport + 1)), 8 phones bound, 4 expectations hold"
else
	notok "--workers 2 with Kea: exit $rc" "$(grep -iE 'fail|error|totals' "$tmp/out" "$tmp/err" | head -n 6)"
fi
sed "s/relay-port=\"$rport\"/relay-port=\"67\"/" "$tmp/kea.xml" >"$tmp/kea-67.xml"
"$PF" run "$tmp/kea-67.xml" --workers 2 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "^phonefleet run: --workers: $tmp/kea-67.xml:2: site office: its relay agent is on port 67, one for all workers" "$tmp/err" &&
    ok "--workers with relay-port 67: one line, exit 2" || notok "relay-port 67 with workers: exit $rc" "$(cat "$tmp/err")"
finish

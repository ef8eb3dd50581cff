#!/bin/sh
# Phones over HTTPS to a real nginx on 127.0.0.1 that presents a
# certificate of the scenario's PKI (phonefleet pki export) and requires a
# client certificate from the phones' manufacturing CA (spec 9.6, 2.2;
# B55): a phone with its MIC gets 200 and nginx sees the MIC's subject; a
# phone without one is answered 400 by nginx (which completes the handshake
# and refuses the request: "No required SSL certificate was sent"), an HTTP
# status of class C (spec 9.3).  The phones' own TLS client (OpenSSL over
# memory BIOs) runs over kernel sockets.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

port=$(free_ports 1)
mkdir -p "$tmp/www/cfg" "$tmp/logs" "$tmp/pki"
for mac in 00562b030001 00562b030002 00562b030101; do
	printf '<flat-profile><GPP_A>nginx tls</GPP_A></flat-profile>\n' >"$tmp/www/cfg/$mac.xml"
done
cat >"$tmp/https.xml" <<XML
<scenario name="real-nginx-https" seed="9" duration="1m">
  <site name="office" subnet="10.5.0.0/24">
    <dhcp><dns>10.9.0.2</dns></dhcp>
  </site>
  <pki>
    <cert name="prov" names="prov.example.test"/>
  </pki>
  <dns-server address="10.9.0.2">
    <a name="prov.example.test" address="127.0.0.1"/>
  </dns-server>
  <server name="nginx" connect="127.0.0.1" https="$port"/>
  <phones name="mic" count="2" mac="00562B030001" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="Profile_Rule">https://prov.example.test:$port/cfg/\$MA.xml</param>
  </phones>
  <phones name="nomic" count="1" mac="00562B030101" site="office" cert="no">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Error_Retry_Delay">3600</param>
    <param name="Profile_Rule">https://prov.example.test:$port/cfg/\$MA.xml</param>
  </phones>
  <timeline>
    <expect t="30s" phones="mic" name="B55: with its MIC: 200 over TLS">
      <state is="operational"/>
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="nginx tls"/>
    </expect>
    <expect t="30s" phones="nomic" name="without a MIC: nginx answers 400, C">
      <last-resync class="C" status="400"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" pki export "$tmp/https.xml" "$tmp/pki" && [ -s "$tmp/pki/prov.pem" ] && [ -s "$tmp/pki/prov.key" ] && [ -s "$tmp/pki/ca-mic.pem" ] &&
    ok "pki export wrote the server certificate, its key and the MIC CA" || notok "pki export" "$(ls "$tmp/pki")"
[ "$(stat -c %a "$tmp/pki/prov.key")" = 600 ] && ok "the key is mode 0600" || notok "key mode $(stat -c %a "$tmp/pki/prov.key")"
nginx_up "$port" '$remote_addr "$request" $status $ssl_protocol "$ssl_client_s_dn" "$http_user_agent"' ssl \
    "ssl_certificate $tmp/pki/prov.pem; ssl_certificate_key $tmp/pki/prov.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_client_certificate $tmp/pki/ca-mic.pem; ssl_verify_client on;"
"$PF" run "$tmp/https.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "every expectation held against nginx over TLS (exit $rc)" || notok "run: exit $rc" "$(grep -iE 'fail|error|got' "$tmp/out" "$tmp/err" | head -n 10)"
grep -q 'result: PASS (2 expectations held)' "$tmp/out" && ok "report: PASS, 2 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
grep '"GET /cfg/00562b030001.xml HTTP/1.1" 200 TLSv1.3' "$tmp/logs/access.log" | grep -q 'CN=00562b030001' && ok "nginx verified the phone's MIC (CN is the MAC) over TLS 1.3" || notok "client certificate in nginx's log" "$(head -n 3 "$tmp/logs/access.log")"
grep -q '"GET /cfg/00562b030101.xml HTTP/1.1" 400 TLSv1.3 "-"' "$tmp/logs/access.log" && ok "nginx refused the phone without a MIC (400, no client subject)" || notok "no-MIC request in nginx's log" "$(grep 00562b030101 "$tmp/logs/access.log")"
finish

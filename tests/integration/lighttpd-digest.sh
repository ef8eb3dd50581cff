#!/bin/sh
# Phones' HTTP Digest authentication (spec 9.4: RFC 7616 MD5, and SHA-256)
# against a real lighttpd on 127.0.0.1 through the host carrier: lighttpd
# offers both algorithms; the rule's credentials get the profile, a wrong
# password ends in class C (auth) after the phone's retries, and a phone
# with no credentials gets C without a second try.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need lighttpd lighttpd
need python3 python3

port=$(free_ports 1)
mkdir -p "$tmp/www/cfg" "$tmp/www/md5" "$tmp/logs"
for mac in 00562b090001 00562b090002 00562b080001 00562b070001 00562b060001; do
	printf '<flat-profile><GPP_A>digest</GPP_A></flat-profile>\n' >"$tmp/www/cfg/$mac.xml"
	cp "$tmp/www/cfg/$mac.xml" "$tmp/www/md5/$mac.xml"
done
printf 'alice:s3cret\n' >"$tmp/users"
chmod -R a+rX "$tmp"
chmod a+rwx "$tmp/logs"
cat >"$tmp/lighttpd.conf" <<CONF
server.document-root = "$tmp/www"
server.bind = "127.0.0.1"
server.port = $port
server.errorlog = "$tmp/logs/error.log"
server.feature-flags = ("server.h2proto" => "disable")
server.modules = ("mod_auth", "mod_authn_file", "mod_accesslog")
accesslog.filename = "$tmp/logs/access.log"
accesslog.format = "%h \"%r\" %>s \"%{User-Agent}i\" \"%{Authorization}i\""
auth.backend = "plain"
auth.backend.plain.userfile = "$tmp/users"
auth.require = (
	"/cfg/" => ("method" => "digest", "realm" => "provisioning",
	    "require" => "valid-user", "algorithm" => "SHA-256|MD5"),
	"/md5/" => ("method" => "digest", "realm" => "provisioning",
	    "require" => "valid-user", "algorithm" => "MD5")
)
CONF
lighttpd -D -f "$tmp/lighttpd.conf" 2>"$tmp/logs/stderr" &
lt=$!
trap 'kill $lt 2>/dev/null; wait $lt 2>/dev/null; rm -rf "$tmp"' EXIT
wait_tcp "$port" && ok "lighttpd listens on 127.0.0.1:$port" || {
	notok "lighttpd did not start" "$(cat "$tmp/logs/stderr" "$tmp/logs/error.log" 2>/dev/null | tail -n 3)"
	finish
}

rule="http://127.0.0.1:$port"
cat >"$tmp/digest.xml" <<XML
<scenario name="real-digest" seed="5" duration="2m">
  <site name="office" subnet="10.5.0.0/24"><dhcp/></site>
  <server name="lighttpd" connect="127.0.0.1" http="$port"/>
  <phones name="good" count="2" mac="00562B090001" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="Profile_Rule">[--uid alice --pwd s3cret]$rule/cfg/\$MA.xml</param>
  </phones>
  <phones name="md5" count="1" mac="00562B080001" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="Profile_Rule">[--uid alice --pwd s3cret]$rule/md5/\$MA.xml</param>
  </phones>
  <phones name="wrong" count="1" mac="00562B070001" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Error_Retry_Delay">3600</param>
    <param name="Profile_Rule">[--uid alice --pwd nope]$rule/cfg/\$MA.xml</param>
  </phones>
  <phones name="none" count="1" mac="00562B060001" site="office">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Error_Retry_Delay">3600</param>
    <param name="Profile_Rule">$rule/cfg/\$MA.xml</param>
  </phones>
  <timeline>
    <expect t="60s" phones="good" name="Digest SHA-256 or MD5 as offered: 200">
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="digest"/>
    </expect>
    <expect t="60s" phones="md5" name="Digest MD5 only: 200">
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="digest"/>
    </expect>
    <expect t="60s" phones="wrong" name="wrong password: C, auth">
      <last-resync class="C" cause="auth" status="401"/>
    </expect>
    <expect t="60s" phones="none" name="no credentials: C, auth">
      <last-resync class="C" cause="auth" status="401"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/digest.xml" --speed 20 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "every expectation held against lighttpd (exit $rc)" || notok "run against lighttpd: exit $rc" "$(grep -iE 'fail|error|expected|got' "$tmp/out" "$tmp/err" | head -n 10)"
grep -q 'result: PASS (4 expectations held)' "$tmp/out" && ok "report: PASS, 4 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
# lighttpd's log: the phones answered with Digest, SHA-256 where offered.
grep '/cfg/00562b090001.xml HTTP/1.1" 200 "Cisco-CP-8851-3PCC/' "$tmp/logs/access.log" | grep -q 'Digest username=..alice' && ok "lighttpd logged the Digest request and its 200" || notok "no 200 with Digest in lighttpd's log" "$(head -n 4 "$tmp/logs/access.log")"
grep '/cfg/00562b090001.xml HTTP/1.1" 200' "$tmp/logs/access.log" | grep -q 'algorithm=SHA-256' && ok "the phone chose SHA-256 when offered both" || notok "algorithm" "$(grep '/cfg/00562b090001' "$tmp/logs/access.log" | head -n 2)"
grep '/md5/00562b080001.xml HTTP/1.1" 200' "$tmp/logs/access.log" | grep -q 'algorithm=MD5' && ok "MD5 when only MD5 is offered" || notok "md5" "$(grep '/md5/' "$tmp/logs/access.log" | head -n 2)"
n401=$(grep -c '/cfg/00562b060001.xml HTTP/1.1" 401' "$tmp/logs/access.log")
[ "$n401" -eq 1 ] && ok "9.4: no credentials: one request, C at once" || notok "no-credential phone sent $n401 requests"
n401=$(grep -c '/cfg/00562b070001.xml HTTP/1.1" 401' "$tmp/logs/access.log")
[ "$n401" -eq 3 ] && ok "9.4: wrong password: the request and two retries, then C" || notok "wrong-password phone got $n401 401s (want 3)"
finish

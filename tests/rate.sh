#!/bin/sh
# <rate> checks (docs/scenario.md): a server's peak requests per second,
# in a window.  A wrong expectation fails with its own line (exit 1); bad
# attributes are one line each naming the file, line and attribute (exit
# 2); the JSON report's servers series adds up.
. "$srcdir/tests/lib.sh"
need python3 python3

head='<?xml version="1.0" encoding="UTF-8"?>
<scenario name="rate" seed="7" duration="10m">
  <site name="s" subnet="10.9.0.0/24" gateway="10.9.0.1" latency="1ms">
    <dhcp server="10.9.0.1"><option code="160">http://10.9.0.5/$MA.xml</option></dhcp>
  </site>
  <server name="prov" address="10.9.0.5" http="80">
    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>x</GPP_A></flat-profile>]]></template>
  </server>
  <dns-server name="ns" address="10.9.0.2"/>
  <phones name="p" count="20" mac="00562B090001" power-on="1m">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>'
tail='  </timeline>
</scenario>'

# Twenty phones powered on at 1m with no boot delay: 20 fetches in the
# second 60, none before.
cat >"$tmp/good.xml" <<XML
$head
    <expect t="5m" name="herd">
      <rate server="prov" is="20"/>
      <rate server="prov" from="1m" to="1m1s" is="20"/>
      <rate server="prov" to="1m" is="0"/>
      <rate server="prov" from="1m1s" max="0"/>
    </expect>
$tail
XML
if "$PF" run "$tmp/good.xml" >"$tmp/good.txt" 2>&1; then
	ok "rate: the herd's peak, in and out of its window"
else
	notok "rate: good scenario failed" "$(grep -E '^(FAIL|    )' "$tmp/good.txt" | head -n 6)"
fi
grep -q '^server prov: peak 20 requests/s at 00:01:00, .*, 20 requests, 0 errors$' "$tmp/good.txt" &&
    ok "rate: text report line of the server" ||
    notok "rate: server line" "$(grep '^server' "$tmp/good.txt")"

sed 's|<rate server="prov" is="20"/>|<rate server="prov" is="19"/>|; s|to="1m" is="0"|to="1m" min="1"|; s|from="1m1s" max="0"|from="1m" max="5"|' \
    "$tmp/good.xml" >"$tmp/neg.xml"
"$PF" run "$tmp/neg.xml" >"$tmp/neg.txt" 2>&1
rc=$?
for want in 'expected server prov: peak requests/s 19 between 0s and 300s, saw 20 at 00:01:00' \
    'expected server prov: peak requests/s >= 1 between 0s and 60s, saw no requests' \
    'expected server prov: peak requests/s 0..5 between 60s and 300s, saw 20 at 00:01:00' \
    'result: FAIL (1 of 1'; do
	if [ "$rc" -eq 1 ] && grep -qF "$want" "$tmp/neg.txt"; then
		ok "rate: a wrong expectation fails: $want"
	else
		notok "rate: no failure for: $want (exit $rc)" "$(grep -E '^(FAIL|    |result)' "$tmp/neg.txt" | head -n 6)"
	fi
done

# The JSON series: seconds with traffic only, adding up to the totals.
"$PF" run "$tmp/good.xml" --report json --out "$tmp/good.json" >/dev/null 2>&1
if python3 - "$tmp/good.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = [x for x in d["servers"] if x["name"] == "prov"][0]
ok = (s["requests"] == 20 and s["peak"] == 20 and s["peak_at"] == 60 and
      s["series"] == [[60, 20, s["bytes"], 0]] and s["capped"] is False and
      s["bytes"] > 0 and s["peak_bytes"] == s["bytes"] and
      sum(r[1] for r in s["series"]) == s["requests"])
sys.exit(0 if ok else 1)
PY
then
	ok "rate: JSON servers series of the herd"
else
	notok "rate: JSON servers" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["servers"])' "$tmp/good.json")"
fi

# What counts as an error: a TFTP error packet of any code (a 503 fault
# becomes code 0 over TFTP) and a 404, but not the 401 challenge that
# opens every Digest-authenticated fetch (9.4).
cat >"$tmp/err.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="rate-errors" seed="7" duration="10m">
  <site name="t" subnet="10.9.1.0/24" gateway="10.9.1.1" latency="1ms">
    <dhcp server="10.9.1.1"><option code="66">10.9.1.6</option></dhcp>
  </site>
  <site name="h" subnet="10.9.2.0/24" gateway="10.9.2.1" latency="1ms">
    <dhcp server="10.9.2.1"><option code="160">[--uid u --pwd p]http://10.9.2.5/\$MA.xml</option></dhcp>
  </site>
  <server name="tftp" address="10.9.1.6" tftp="69">
    <fault kind="status" status="503"/>
  </server>
  <server name="web" address="10.9.2.5" http="80">
    <template path="/*.xml"><![CDATA[<flat-profile><GPP_A>x</GPP_A></flat-profile>]]></template>
    <fault kind="auth" user="u" pass="p"/>
  </server>
  <phones name="a" site="t" count="3" mac="00562B090101" power-on="1m">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="b" site="h" count="4" mac="00562B090201" power-on="1m">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="2m" name="served"><rate server="web" is="8"/></expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/err.xml" --report json --out "$tmp/err.json" >"$tmp/err.txt" 2>&1
rc=$?
if python3 - "$tmp/err.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {x["name"]: x for x in d["servers"]}
t, w = s["tftp"], s["web"]
ok = (t["requests"] > 0 and t["errors"] == t["requests"] and
      w["requests"] == 8 and w["errors"] == 0)
sys.exit(0 if ok else 1)
PY
then
	ok "rate: TFTP error packets (code 0 too) are errors, 401 challenges are not"
else
	notok "rate: error counting (exit $rc)" "$(grep -E '^(server|FAIL|result)|error' "$tmp/err.txt" | head -n 8)"
fi

# Bytes count in the second they are sent: over an 8 Mbit/s access link a
# 3 MB answer takes about 3 s, so no second carries more than 1 MB (plus
# a segment in flight) and the bytes spread over several seconds.
python3 -c 'import sys; sys.stdout.write("<flat-profile><GPP_A>" + "x" * 3000000 + "</GPP_A></flat-profile>")' >"$tmp/big.xml"
cat >"$tmp/bw.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<scenario name="rate-bytes" seed="7" duration="2m">
  <site name="s" subnet="10.9.3.0/24" gateway="10.9.3.1" latency="1ms" bandwidth="8Mbit">
    <dhcp server="10.9.3.1"><option code="160">http://10.9.3.5/big.xml</option></dhcp>
  </site>
  <server name="web" address="10.9.3.5" http="80">
    <file path="/big.xml" src="big.xml"/>
  </server>
  <phones name="p" count="1" mac="00562B090301" power-on="10s">
    <param name="Resync_Random_Delay">0</param>
  </phones>
</scenario>
XML
"$PF" run "$tmp/bw.xml" --report json --out "$tmp/bw.json" >"$tmp/bw.txt" 2>&1
if python3 - "$tmp/bw.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w = [x for x in d["servers"] if x["name"] == "web"][0]
busy = [r for r in w["series"] if r[2] > 0]
ok = (w["requests"] == 1 and w["bytes"] >= 3000000 and
      w["peak_bytes"] <= 1000000 + 65536 and len(busy) >= 3 and
      sum(r[2] for r in w["series"]) == w["bytes"])
sys.exit(0 if ok else 1)
PY
then
	ok "rate: bytes count as sent, paced by the link's bandwidth"
else
	notok "rate: bytes per second" "$(python3 -c 'import json,sys; print([x for x in json.load(open(sys.argv[1]))["servers"]])' "$tmp/bw.json" 2>&1 | head -c 600)"
fi

# Bad attributes: each one line, file:line first, the attribute named.
cat >"$tmp/bad.xml" <<XML
$head
    <expect t="5m" name="bad">
      <rate is="3"/>
      <rate server="nope" is="3"/>
      <rate server="ns" is="3"/>
      <rate server="prov"/>
      <rate server="prov" is="3" max="4"/>
      <rate server="prov" min="5" max="4"/>
      <rate server="prov" is="many"/>
      <rate server="prov" is="3" from="soon"/>
      <rate server="prov" is="3" from="2m" to="1m"/>
      <rate server="prov" is="3" to="6m"/>
      <rate server="prov" is="3" from="5m"/>
    </expect>
$tail
XML
"$PF" run "$tmp/bad.xml" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 2 ] && ok "rate: bad attributes exit 2" || notok "rate: bad attributes exit $rc" "$(head -n 3 "$tmp/bad.err")"
line=15
for want in '<rate>: .*server' '<rate server="nope">: no server "nope"' \
    '<rate server="ns">: no server "ns"' '<rate>: needs is= or min=/max=' \
    '<rate is="3">: give is= or min=/max=, not both' \
    '<rate min="5">: min is above max' '<rate is="many">: ' \
    '<rate from="soon">: from is not a time' '<rate to="1m">: to is not after from' \
    '<rate to="6m">: to is after the expectation' \
    '<rate from="5m">: from is not before the expectation'; do
	if grep -q "^$tmp/bad.xml:$line: .*$want" "$tmp/bad.err"; then
		ok "rate: line $line: $want"
	else
		notok "rate: line $line: no error like: $want" "$(grep ":$line:" "$tmp/bad.err")"
	fi
	line=$((line + 1))
done
nbad=$(wc -l <"$tmp/bad.err")
[ "$nbad" -eq 11 ] && ok "rate: one line per bad element (11)" || notok "rate: $nbad error lines, wanted 11" "$(cat "$tmp/bad.err")"
# An attribute the schema does not know.
sed 's|<rate server="prov" is="3" to="6m"/>|<rate server="prov" is="3" every="1s"/>|' "$tmp/bad.xml" >"$tmp/bad2.xml"
"$PF" run "$tmp/bad2.xml" >/dev/null 2>"$tmp/bad2.err"
rc=$?
if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/bad2.err")" -eq 1 ] &&
    grep -q "^$tmp/bad2.xml:24: <rate>: attribute \"every\" not allowed" "$tmp/bad2.err"; then
	ok "rate: an unknown attribute is one line"
else
	notok "rate: unknown attribute (exit $rc)" "$(cat "$tmp/bad2.err")"
fi
finish

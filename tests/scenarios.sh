#!/bin/sh
# Every shipped scenario runs on the sim runtime and every expectation
# holds (exit 0), in each report format; the JSON report is well-formed
# and the JUnit report is valid XML with one testcase per expectation.
. "$srcdir/tests/lib.sh"
need python3 python3

for f in "$srcdir"/scenarios/*.xml; do
	name=$(basename "$f" .xml)
	# A scenario with a real server runs against it: its own script does
	# that (tests/integration/load-nginx.sh runs load-nginx.sh).
	if grep -q 'connect="' "$f"; then
		[ -x "$srcdir/scenarios/$name.sh" ] &&
		    ok "$name: real servers, run by scenarios/$name.sh" ||
		    notok "$name: names a real server but has no scenarios/$name.sh"
		continue
	fi
	if "$PF" run "$f" >"$tmp/$name.txt" 2>"$tmp/$name.err"; then
		ok "$name: every expectation held"
	else
		notok "$name: exit $?" "$(grep -E '^(FAIL|    )' "$tmp/$name.txt" | head -n 8; head -n 3 "$tmp/$name.err")"
		continue
	fi
	tail -n 1 "$tmp/$name.txt" | grep -q '^result: PASS' &&
	    ok "$name: text report ends with result: PASS" ||
	    notok "$name: text report" "$(tail -n 1 "$tmp/$name.txt")"
	"$PF" run "$f" --report json --out "$tmp/$name.json" >/dev/null 2>&1
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["result"]=="pass" and d["failed"]==0 and len(d["expectations"])==d["passed"] else 1)' "$tmp/$name.json"; then
		ok "$name: JSON report parses and says pass"
	else
		notok "$name: JSON report" "$(head -c 300 "$tmp/$name.json")"
	fi
	"$PF" run "$f" --report junit --out "$tmp/$name.junit" >/dev/null 2>&1
	nexp=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["expectations"]))' "$tmp/$name.json")
	if python3 - "$tmp/$name.junit" "$nexp" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
cases = [c for s in suites for c in s.findall("testcase")]
fails = [c for c in cases if c.find("failure") is not None]
sys.exit(0 if len(cases) == int(sys.argv[2]) and not fails else 1)
PY
	then
		ok "$name: JUnit report has $nexp passing testcases"
	else
		notok "$name: JUnit report" "$(head -c 300 "$tmp/$name.junit")"
	fi
done

# The run's calendar reaches the phones: Resync_At is local time (B80).  The
# same scenario whose start is 08:00 UTC instead of 08:00 at UTC+01:00 must
# fail its expectations (exit 1).
clock="$srcdir/tests/data/scenario-clock.xml"
if "$PF" run "$clock" >"$tmp/clock.txt" 2>&1; then
	ok "clock: Resync_At follows start= and timezone="
else
	notok "clock: exit $?" "$(grep -E '^(FAIL|    )' "$tmp/clock.txt" | head -n 4)"
fi
sed 's/start="2026-03-01T08:00:00"/start="2026-03-01T08:00:00Z"/' "$clock" >"$tmp/clock-utc.xml"
"$PF" run "$tmp/clock-utc.xml" >"$tmp/clock-utc.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^FAIL .*09:30 local' "$tmp/clock-utc.txt"; then
	ok "clock: an hour later in UTC moves the daily resync"
else
	notok "clock: start in UTC still passed (exit $rc)" "$(tail -n 2 "$tmp/clock-utc.txt")"
fi

# Faults and <request> checks end to end; then the same file with wrong
# expectations must fail them, each with its own line.
faults="$srcdir/tests/data/scenario-faults.xml"
if "$PF" run "$faults" >"$tmp/faults.txt" 2>&1; then
	ok "faults: status body, auth reject, trickle, request checks"
else
	notok "faults: exit $?" "$(grep -E '^(FAIL|    )' "$tmp/faults.txt" | head -n 6)"
fi
sed 's/scheme="Basic"/scheme="Digest"/; s/reject="2"/reject="1"/; s/rate="1"/rate="100"/; s/body="mac=00562b500401"/body="mac=x"/' \
    "$faults" >"$tmp/faults-neg.xml"
"$PF" run "$tmp/faults-neg.xml" >"$tmp/faults-neg.txt" 2>&1
rc=$?
for want in 'refused twice is class C' 'Authorization with scheme "Digest", saw "Basic \.\.\."' \
    'body "mac=x", saw "mac=00562b500401"' 'FAIL .*a trickled body times out'; do
	if [ "$rc" -eq 1 ] && grep -q "$want" "$tmp/faults-neg.txt"; then
		ok "faults: a wrong expectation fails: $want"
	else
		notok "faults: no failure for: $want (exit $rc)" "$(grep -E '^(FAIL|    )' "$tmp/faults-neg.txt" | head -n 8)"
	fi
done
# TLS expectations can fail: a certificate fault with another cause, the
# MIC of another phone, and (B8) a first SRV target whose certificate does
# name the domain, which then serves the campus.
certs="$srcdir/scenarios/https-certificates.xml"
sed 's/cause="tls-expired"/cause="tls-name"/; s/client-cert="CN={{mac}}, OU=CP-8851-3PCC, L="/client-cert="CN=00562b999999"/' \
    "$certs" >"$tmp/certs-neg.xml"
"$PF" run "$tmp/certs-neg.xml" >"$tmp/certs-neg.txt" 2>&1
rc=$?
for want in 'expected last resync cause tls-name, saw tls-expired' \
    'client certificate containing "CN=00562b999999", saw "CN=00562b550101, OU=CP-8851-3PCC'; do
	if [ "$rc" -eq 1 ] && grep -q "$want" "$tmp/certs-neg.txt"; then
		ok "certificates: a wrong expectation fails: $want"
	else
		notok "certificates: no failure for: $want (exit $rc)" "$(grep -E '^(FAIL|    )' "$tmp/certs-neg.txt" | head -n 8)"
	fi
done
sed 's/<cert name="pr1" names="pr1.zt.example.com"\/>/<cert name="pr1" names="pr1.zt.example.com zt.example.com"\/>/' \
    "$srcdir/scenarios/office-zero-touch.xml" >"$tmp/zt-neg.xml"
"$PF" run "$tmp/zt-neg.xml" >"$tmp/zt-neg.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'expected server pr1: all requests 0, saw 60' "$tmp/zt-neg.txt"; then
	ok "office-zero-touch: B8 holds only while pr1's certificate lacks the domain"
else
	notok "office-zero-touch: B8 negative (exit $rc)" "$(grep -E '^(FAIL|    )' "$tmp/zt-neg.txt" | head -n 6)"
fi
# B63, B66, B125: encrypted profiles can fail: a file under another key,
# an aes128gcm file under another IKM, a per-device file under another key.
enc="$srcdir/scenarios/encrypted-profiles.xml"
sed 's|path="/cbc.cfg" key="secret"|path="/cbc.cfg" key="other"|; s|ikm="cGhvbmVmbGVldC1pa20tMQ" rs="64"|ikm="b3RoZXItcGhvbmUta2V5" rs="64"|; s|path="/secure/00562b070602.cfg" key="per-device-secret"|path="/secure/00562b070602.cfg" key="not-the-one"|' \
    "$enc" >"$tmp/enc-neg.xml"
"$PF" run "$tmp/enc-neg.xml" >"$tmp/enc-neg.txt" 2>&1
rc=$?
for want in 'FAIL .*B63: openssl enc' 'FAIL .*B66: aes128gcm' \
    '00562B070602: expected GPP_A "device 2", saw ""' 'result: FAIL (3 of 9'; do
	if [ "$rc" -eq 1 ] && grep -q "$want" "$tmp/enc-neg.txt"; then
		ok "encrypted-profiles: a wrong key fails: $want"
	else
		notok "encrypted-profiles: no failure for: $want (exit $rc)" "$(grep -E '^(FAIL|    |result)' "$tmp/enc-neg.txt" | head -n 8)"
	fi
done
# B112: the proxy's expectations can fail: a CONNECT target it was not
# asked for, a Via the origin did not see, a proxy that never comes back,
# and (alone, as it hides the rest) a CONNECT port it refuses.
proxy="$srcdir/scenarios/proxy.xml"
sed 's/target="prov.example.com:443"/target="prov.example.com:8443"/; s/contains="phonefleet-proxy"/contains="squid"/; s/<server name="px" state="up"\/>//' \
    "$proxy" >"$tmp/proxy-neg.xml"
"$PF" run "$tmp/proxy-neg.xml" >"$tmp/proxy-neg.txt" 2>&1
rc=$?
for want in 'request to px: target "prov.example.com:8443", saw "prov.example.com:443"' \
    'Via containing "squid", saw "1.1 phonefleet-proxy"' \
    'FAIL .*the proxy is back, the next retry provisions' \
    'result: FAIL (4 of '; do
	if [ "$rc" -eq 1 ] && grep -q "$want" "$tmp/proxy-neg.txt"; then
		ok "proxy: a wrong expectation fails: $want"
	else
		notok "proxy: no failure for: $want (exit $rc)" "$(grep -E '^(FAIL|    )' "$tmp/proxy-neg.txt" | head -n 8)"
	fi
done
sed 's/connect-ports="443"/connect-ports="8443"/' "$proxy" >"$tmp/proxy-403.xml"
"$PF" run "$tmp/proxy-403.xml" >"$tmp/proxy-403.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '00562B700101: expected last resync class A, saw class C (proxy refused)' "$tmp/proxy-403.txt"; then
	ok "proxy: CONNECT off the allow-list is refused (403, class C)"
else
	notok "proxy: connect-ports not applied (exit $rc)" "$(grep -E '^(FAIL|    )' "$tmp/proxy-403.txt" | head -n 6)"
fi
finish

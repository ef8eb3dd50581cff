#!/bin/sh
# run --workers against a real nginx on 127.0.0.1 (docs/load.md): 200
# phones split over 3 processes reach nginx, each phone once per resync
# from its own MAC path; nginx's access log and the merged report agree
# on the requests, and every phone is counted once.  Ctrl-C (SIGINT to
# phonefleet) stops every worker; the merged report is still written,
# says it was interrupted, exit 1, and no worker is left running.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

port=$(free_ports 1)
mkdir -p "$tmp/www/cfg" "$tmp/logs"
mac_profiles 200 00562b31 '<flat-profile><GPP_A>nginx</GPP_A></flat-profile>'
nginx_up "$port" '$remote_addr "$request" $status "$http_user_agent"'

cat >"$tmp/w.xml" <<XML
<scenario name="workers-nginx" seed="5" duration="8s">
  <site name="office" subnet="10.31.0.0/16">
    <dhcp><option code="160">http://127.0.0.1:$port/cfg/\$MA.xml</option></dhcp>
  </site>
  <server name="nginx" connect="127.0.0.1" http="$port"/>
  <phones name="desk" count="200" mac="00562B310001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <arrival max-in-flight="50" resync-every="2s">
    <phase rate="200" over="1s"/>
  </arrival>
  <timeline>
    <expect t="6s" phones="desk" name="every phone provisioned by nginx">
      <state is="operational"/>
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="nginx"/>
    </expect>
    <expect t="8s" name="no errors, 200 provisioned">
      <latency step="provision" max="5s" min-count="200"/>
      <errors step="fetch" class="any" max="0"/>
    </expect>
  </timeline>
</scenario>
XML

"$PF" run "$tmp/w.xml" --workers 3 --interval 1s --report json --out "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "3 workers against nginx: every expectation holds" ||
    notok "3 workers: exit $rc" "$(grep -v '^live' "$tmp/err" | head -n 3; grep FAIL "$tmp/out")"
requests=$(grep -c '"GET /cfg/00562b31' "$tmp/logs/access.log")
if python3 - "$tmp/r.json" "$requests" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
ok = d["phones"] == 200 and d["totals"]["boots"] == 200
ok = ok and d["totals"]["fetches"] == n and n >= 400
ok = ok and d["latency"]["fetch"]["count"] == n
ok = ok and d["latency"]["provision"]["count"] == 200
sys.exit(0 if ok else 1)
PY
then
	ok "the merged report counts nginx's $requests requests and 200 phones once each"
else
	notok "merged report vs nginx's $requests requests" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["phones"], d["totals"])' "$tmp/r.json")"
fi
# Each phone fetched its own path; no MAC from two workers.
if [ "$(grep -o '"GET /cfg/00562b31[0-9a-f]*\.xml' "$tmp/logs/access.log" | sort -u | wc -l)" -eq 200 ]; then
	ok "200 MAC paths, one per phone"
else
	notok "distinct MAC paths" "$(grep -o '"GET /cfg/[^ ]*' "$tmp/logs/access.log" | sort -u | wc -l)"
fi
grep -q '^live w1/3 t=' "$tmp/err" && grep -q '^live w3/3 t=' "$tmp/err" &&
    ok "--interval: a live line per worker, tagged w1/3..w3/3" || notok "live lines" "$(head -n 2 "$tmp/err")"

# Ctrl-C: SIGINT to phonefleet halfway; the report of the run so far.
sed 's/duration="8s"/duration="60s"/' "$tmp/w.xml" >"$tmp/long.xml"
"$PF" run "$tmp/long.xml" --workers 2 >"$tmp/int.txt" 2>"$tmp/int.err" &
pf=$!
sleep 3
kill -INT $pf
wait $pf
rc=$?
sleep 0.5
left=$(pgrep -f "run $tmp/long.xml" | wc -l)
if [ "$rc" -eq 1 ] && grep -q '^interrupted: at virtual time [0-9.]*s (SIGINT); the report covers the run so far$' "$tmp/int.txt" &&
    grep -q '^totals: boots 200,' "$tmp/int.txt" && [ "$left" -eq 0 ]; then
	ok "SIGINT: every worker stops, the merged report is written, exit 1"
else
	notok "SIGINT with workers: exit $rc, $left left" "$(tail -n 3 "$tmp/int.txt"; head -n 2 "$tmp/int.err")"
fi
finish

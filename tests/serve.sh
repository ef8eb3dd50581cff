#!/bin/sh
# phonefleet serve (docs/serve.md): a scenario's simulated servers on real
# sockets, on loopback only, started and stopped by the test.  curl fetches
# a file, a template, a fault's status and a 404 over HTTP, the template
# over HTTPS trusting the CA that --ca-out wrote, and files over TFTP; a
# small client asks DNS for A and SRV records and DHCP as a relay agent
# (RFC 8357 relay port); phonefleet's own host runtime provisions phones
# from the served template; malformed requests are answered or dropped
# and the server goes on; SIGTERM ends it with exit 0; a bad scenario and
# a port in use exit 2 with one line.
. "$srcdir/tests/lib.sh"
need curl curl
need python3 python3

scn="$srcdir/tests/data/serve.xml"
pids=
stop() {
	for p in $pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=
}
trap 'stop; rm -rf "$tmp"' EXIT

# An offset whose ports are all free: 80 443 (TCP), 69 514 53 67 (UDP),
# and 443 on 127.0.0.2 for the EDOS cloud.
off=$(python3 -c '
import random, socket
for _ in range(200):
    off = random.randrange(20000, 40000)
    try:
        s = []
        for p, t in ((80, socket.SOCK_STREAM), (443, socket.SOCK_STREAM),
                     (69, socket.SOCK_DGRAM), (514, socket.SOCK_DGRAM),
                     (53, socket.SOCK_DGRAM), (67, socket.SOCK_DGRAM)):
            x = socket.socket(socket.AF_INET, t)
            s.append(x)
            x.bind(("127.0.0.1", p + off))
        x = socket.socket()
        s.append(x)
        x.bind(("127.0.0.2", 443 + off))
        for x in s: x.close()
        print(off)
        break
    except OSError:
        for x in s: x.close()
')
http=$((off + 80))
https=$((off + 443))
tftp=$((off + 69))
dns=$((off + 53))
dhcp=$((off + 67))
syslog=$((off + 514))

# wait_for FILE PATTERN: until the pattern is in the file (at most 10 s).
wait_for() {
	i=0
	while [ $i -lt 200 ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

"$PF" serve "$scn" --port-offset "$off" --ca-out "$tmp/ca.pem" \
    --bind edos=127.0.0.2 >"$tmp/log" 2>"$tmp/err" &
srv=$!
pids=$srv
if wait_for "$tmp/log" "^office dhcp "; then
	ok "serve is up: one line per service"
else
	notok "serve did not start" "$(cat "$tmp/err")"
	finish
fi
for want in "prov http 127.0.0.1:$http (10.1.0.5:80)" \
    "prov https 127.0.0.1:$https (10.1.0.5:443)" \
    "prov tftp 127.0.0.1:$tftp (10.1.0.5:69)" \
    "prov syslog 127.0.0.1:$syslog (10.1.0.5:514)" \
    "ns dns 127.0.0.1:$dns (10.1.0.2:53)" \
    "edos https 127.0.0.2:$https (10.1.0.10:443)" \
    "office dhcp 127.0.0.1:$dhcp (10.1.0.1:67)"; do
	grep -qxF "$want" "$tmp/log" && ok "listening: $want" ||
	    notok "no line \"$want\"" "$(head -n 8 "$tmp/log")"
done

# HTTP: the file and the template as the scenario has them.
body=$(curl -sS "http://127.0.0.1:$http/boot.xml")
[ "$body" = "<flat-profile><GPP_A>bootstrap</GPP_A></flat-profile>" ] &&
    ok "HTTP: the file's content" || notok "HTTP file" "$body"
body=$(curl -sS "http://127.0.0.1:$http/cfg/00562b0a0007.xml")
[ "$body" = "<flat-profile><GPP_A>served</GPP_A><GPP_B>00562b0a0007</GPP_B></flat-profile>" ] &&
    ok "HTTP: the template expanded for the MAC in the path" ||
    notok "HTTP template" "$body"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/nothing.xml")
[ "$code" = 404 ] && ok "HTTP: a missing file is 404" || notok "missing file: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/busy.xml")
[ "$code" = 503 ] && ok "HTTP: the scenario's fault answers 503" ||
    notok "fault: $code"
# Keep-alive: two requests on one connection.
cnt=$(curl -sS "http://127.0.0.1:$http/boot.xml" "http://127.0.0.1:$http/boot.xml" |
    grep -c bootstrap)
[ "$cnt" = 2 ] && ok "HTTP: two requests on one connection" || notok "keep-alive: $cnt"

# HTTPS (9.6): the certificate made from the scenario's pki, trusted
# through the CA written by --ca-out, for the name it carries.
grep -q "BEGIN CERTIFICATE" "$tmp/ca.pem" && ok "--ca-out wrote a PEM CA" ||
    notok "--ca-out" "$(head -c 200 "$tmp/ca.pem")"
body=$(curl -sS --cacert "$tmp/ca.pem" \
    --resolve "prov.example.com:$https:127.0.0.1" \
    "https://prov.example.com:$https/cfg/00562b0a0008.xml" 2>&1)
[ "$body" = "<flat-profile><GPP_A>served</GPP_A><GPP_B>00562b0a0008</GPP_B></flat-profile>" ] &&
    ok "HTTPS: the template, the server's certificate verified by curl" ||
    notok "HTTPS" "$body"
curl -sS -o /dev/null --resolve "prov.example.com:$https:127.0.0.1" \
    "https://prov.example.com:$https/boot.xml" 2>/dev/null
rc=$?
[ "$rc" = 60 ] && ok "HTTPS: without the CA curl refuses the certificate (exit 60)" ||
    notok "HTTPS without the CA: curl exit $rc"

# EDOS (13.1): the device query answered with the redirect profile,
# over HTTPS with the certificate the Cisco root issued for the name.
body=$(curl -sS --cacert "$tmp/ca.pem" \
    --resolve "activate.cisco.com:$https:127.0.0.2" \
    "https://activate.cisco.com:$https/rc/v1/device?mac=00562B0A0001&pid=CP-8851-3PCC" 2>&1)
case $body in
*"<Profile_Rule>https://prov.example.com/cfg/\$MA.xml</Profile_Rule>"*"company: Example SP"*)
	ok "EDOS: the device query gets the redirect profile over HTTPS" ;;
*)	notok "EDOS" "$body" ;;
esac

# TFTP (10): a new transfer ID per transfer, a missing file is an error.
body=$(curl -sS "tftp://127.0.0.1:$tftp/boot.xml")
[ "$body" = "<flat-profile><GPP_A>bootstrap</GPP_A></flat-profile>" ] &&
    ok "TFTP: the file" || notok "TFTP file" "$body"
body=$(curl -sS --tftp-blksize 1024 "tftp://127.0.0.1:$tftp/cfg/00562b0a0009.xml")
[ "$body" = "<flat-profile><GPP_A>served</GPP_A><GPP_B>00562b0a0009</GPP_B></flat-profile>" ] &&
    ok "TFTP: the template, with blksize" || notok "TFTP template" "$body"
curl -sS -o /dev/null "tftp://127.0.0.1:$tftp/nothing.xml" 2>/dev/null
rc=$?
[ "$rc" = 68 ] && ok "TFTP: a missing file is an error (curl exit 68)" ||
    notok "TFTP missing: curl exit $rc"

# DNS: A and SRV from the <dns-server> records; an unknown name.
cat >"$tmp/dns.py" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".")) + b"\0"
def skip(m, o):
    while m[o] != 0:
        if m[o] & 0xc0 == 0xc0:
            return o + 2
        o += 1 + m[o]
    return o + 1
def ask(qname, qtype, qid):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.sendto(struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + name(qname) +
             struct.pack(">HH", qtype, 1), ("127.0.0.1", port))
    m = s.recv(4096)
    rid, flags, qd, an = struct.unpack(">HHHH", m[:8])
    o = 12
    for _ in range(qd):
        o = skip(m, o) + 4
    out = []
    for _ in range(an):
        o = skip(m, o)
        t, c, ttl, l = struct.unpack(">HHIH", m[o:o + 10])
        d = m[o + 10:o + 10 + l]
        o += 10 + l
        if t == 1:
            out.append("A " + socket.inet_ntoa(d))
        elif t == 33:
            out.append("SRV %d %d %d" % struct.unpack(">HHH", d[:6]))
    return "%d %d %s" % (rid == qid, flags & 0xf, ",".join(out))
print(ask("prov.example.com", 1, 0x1234))
print(ask("_ciscoprov-https._tcp.example.com", 33, 0x2345))
print(ask("nothing.example.com", 1, 0x3456))
PY
python3 "$tmp/dns.py" "$dns" >"$tmp/dns.out" 2>&1
sed -n 1p "$tmp/dns.out" | grep -qx "1 0 A 10.1.0.5" &&
    ok "DNS: the A record" || notok "DNS A" "$(cat "$tmp/dns.out")"
sed -n 2p "$tmp/dns.out" | grep -qx "1 0 SRV 10 60 443" &&
    ok "DNS: the SRV record" || notok "DNS SRV" "$(cat "$tmp/dns.out")"
sed -n 3p "$tmp/dns.out" | grep -qx "1 3 " &&
    ok "DNS: an unknown name is NXDOMAIN" || notok "DNS NXDOMAIN" "$(cat "$tmp/dns.out")"

# DHCP (4.2) as a relay agent on a high port: giaddr set, option 82 with
# the RFC 8357 relay-port sub-option, so the answer comes to our port.
# The pool starts at 10.1.0.2, which the DNS server has: 10.1.0.3.
cat >"$tmp/dhcp.py" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def msg(t, xid, extra=b"", giaddr="127.0.0.1"):
    m = struct.pack(">BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 1, xid, 0, 0,
        b"\0" * 4, b"\0" * 4, b"\0" * 4, socket.inet_aton(giaddr),
        bytes.fromhex("00562b0a0001") + b"\0" * 10, b"", b"")
    m += b"\x63\x82\x53\x63" + bytes([53, 1, t]) + extra
    m += bytes([82, 2, 19, 0]) + b"\xff"
    return m
def opts(m):
    o, out = 240, {}
    while o < len(m) and m[o] != 255:
        if m[o] == 0:
            o += 1
            continue
        out[m[o]] = m[o + 2:o + 2 + m[o + 1]]
        o += 2 + m[o + 1]
    return out
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(3)
s.sendto(msg(1, 0x11), ("127.0.0.1", port))
offer = s.recv(2048)
yi = offer[16:20]
o = opts(offer)
print("OFFER", o[53][0] == 2, socket.inet_ntoa(yi), o[66].decode(),
      socket.inet_ntoa(o[150]), o[160].decode(), 82 in o)
s.sendto(msg(3, 0x12, bytes([50, 4]) + yi + bytes([54, 4]) + o[54]),
         ("127.0.0.1", port))
ack = s.recv(2048)
print("ACK", opts(ack)[53][0] == 5, socket.inet_ntoa(ack[16:20]) == socket.inet_ntoa(yi))
# A client's own broadcast (no giaddr) is not a relay's: no answer.
s.settimeout(1)
s.sendto(msg(1, 0x13, giaddr="0.0.0.0"), ("127.0.0.1", port))
try:
    s.recv(2048)
    print("BROADCAST answered")
except socket.timeout:
    print("BROADCAST unanswered")
PY
python3 "$tmp/dhcp.py" "$dhcp" >"$tmp/dhcp.out" 2>&1
grep -qx "OFFER True 10.1.0.3 prov.example.com 10.1.0.5 https://prov.example.com/cfg/\$MA.xml True" "$tmp/dhcp.out" &&
    ok "DHCP: a relayed DISCOVER is offered a lease with options 66, 150, 160 (82 echoed)" ||
    notok "DHCP offer" "$(cat "$tmp/dhcp.out")"
grep -qx "ACK True True" "$tmp/dhcp.out" && ok "DHCP: the REQUEST is acknowledged" ||
    notok "DHCP ack" "$(cat "$tmp/dhcp.out")"
grep -qx "BROADCAST unanswered" "$tmp/dhcp.out" &&
    ok "DHCP: a DISCOVER without giaddr is not answered (relays only)" ||
    notok "DHCP without giaddr" "$(cat "$tmp/dhcp.out")"

# Syslog (16.2): a line is kept, and logged.
python3 -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
    b"<134>phone 00562b0a0001 resync done", ("127.0.0.1", int(sys.argv[1])))' "$syslog"

# phonefleet's own host runtime: phones of another scenario reach the
# served HTTP port as a real server (connect=) and apply the template.
cat >"$tmp/real.xml" <<XML
<scenario name="served" seed="3" duration="20s">
  <site name="office" subnet="10.5.0.0/24">
    <dhcp><option code="160">http://127.0.0.1:$http/cfg/\$MA.xml</option></dhcp>
  </site>
  <server name="served" connect="127.0.0.1" http="$http"/>
  <phones name="desk" count="3" mac="00562B0B0001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="15s" phones="desk" name="provisioned by phonefleet serve">
      <state is="operational"/>
      <last-resync class="A" status="200"/>
      <param name="GPP_A" is="served"/>
    </expect>
    <expect t="15s" phones="desk[2]" name="its own profile">
      <param name="GPP_B" is="00562b0b0003"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/real.xml" --speed 10 >"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
[ "$rc" -eq 0 ] && ok "host runtime: phones provisioned from the served template (exit 0)" ||
    notok "host runtime run: exit $rc" "$(grep -iE 'fail|error' "$tmp/run.out" "$tmp/run.err" | head -n 6)"

# Malformed requests: answered 400 or dropped; the server goes on.
python3 - "$http" "$https" "$tftp" "$dns" "$dhcp" >"$tmp/bad.out" 2>&1 <<'PY'
import socket, sys
h, hs, t, d, dh = (int(x) for x in sys.argv[1:])
def tcp(port, data):
    s = socket.create_connection(("127.0.0.1", port), 3)
    s.settimeout(3)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            b = s.recv(4096)
            if not b:
                break
            out += b
    except OSError:
        pass
    s.close()
    return out
print(tcp(h, b"\x00\xff garbage\r\n\r\n")[:12].decode("latin-1"))
tcp(hs, b"\x16\x03\x01\x00\x05hello" + b"\xff" * 300)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port, pkt in ((t, b"\x00\x01"), (t, b"\x00\x09junk"), (d, b"\x12"),
                  (d, b"\xff" * 40), (dh, b"\x01" * 100), (dh, b"\x01" * 300)):
    u.sendto(pkt, ("127.0.0.1", port))
print("sent")
PY
grep -q "^HTTP/1.1 400" "$tmp/bad.out" && ok "a malformed HTTP request is answered 400" ||
    notok "malformed HTTP" "$(cat "$tmp/bad.out")"
body=$(curl -sS "http://127.0.0.1:$http/boot.xml")
[ "$body" = "<flat-profile><GPP_A>bootstrap</GPP_A></flat-profile>" ] &&
    kill -0 "$srv" 2>/dev/null &&
    ok "after malformed HTTP, HTTPS, TFTP, DNS and DHCP the server still serves" ||
    notok "server after malformed input" "$(tail -n 3 "$tmp/err")"

# The access log: one line per request, as a web server's.
re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z 127\.0\.0\.1:[0-9]+ '
grep -Eq "${re}prov http GET /cfg/00562b0a0007\.xml 200 [0-9]+$" "$tmp/log" &&
    ok "log: an HTTP request (time, client, service, target, status, bytes)" ||
    notok "log HTTP" "$(head -n 12 "$tmp/log")"
grep -Eq "${re}prov http GET /nothing\.xml 404 " "$tmp/log" &&
    ok "log: the 404" || notok "log 404"
grep -Eq "${re}prov https GET /cfg/00562b0a0008\.xml 200 " "$tmp/log" &&
    ok "log: the HTTPS request" || notok "log HTTPS"
grep -Eq "${re}prov tftp RRQ /boot\.xml ok 54$" "$tmp/log" &&
    ok "log: the TFTP read request" || notok "log TFTP" "$(grep tftp "$tmp/log")"
grep -Eq "${re}prov tftp RRQ /nothing\.xml error:1 0$" "$tmp/log" &&
    ok "log: the TFTP file not found" || notok "log TFTP missing"
grep -Eq "${re}ns dns SRV _ciscoprov-https\._tcp\.example\.com NOERROR:1 [0-9]+$" "$tmp/log" &&
    ok "log: the DNS query" || notok "log DNS" "$(grep dns "$tmp/log")"
grep -Eq "${re}office dhcp DHCPDISCOVER 00562b0a0001 DHCPOFFER:10\.1\.0\.3 [0-9]+$" "$tmp/log" &&
    ok "log: the DHCP DISCOVER" || notok "log DHCP" "$(grep dhcp "$tmp/log")"
grep -Eq "${re}office dhcp DHCPDISCOVER 00562b0a0001 not-relayed 0$" "$tmp/log" &&
    ok "log: the DISCOVER that was not relayed" || notok "log DHCP not relayed"
grep -Eq "${re}prov syslog LINE <134>phone%2000562b0a0001%20resync%20done kept 35$" "$tmp/log" &&
    ok "log: the syslog line" || notok "log syslog" "$(grep syslog "$tmp/log")"
cnt=$(grep -Ec "${re}prov http GET /cfg/00562b0b000[1-3]\.xml 200 " "$tmp/log")
[ "$cnt" -ge 3 ] && ok "log: the host runtime's phones' requests ($cnt)" ||
    notok "log: phones' requests: $cnt"

# A port in use: one line naming the service and the address, exit 2.
"$PF" serve "$scn" --port-offset "$off" >"$tmp/out2" 2>"$tmp/err2"
rc=$?
[ "$rc" -eq 2 ] && ok "a port in use: exit 2" || notok "port in use: exit $rc"
[ "$(wc -l <"$tmp/err2")" -eq 1 ] &&
    grep -qx "phonefleet serve: prov http 127.0.0.1:$http: Address already in use" "$tmp/err2" &&
    ok "a port in use: one line naming the service and address" ||
    notok "port in use message" "$(cat "$tmp/err2")"

# SIGTERM: everything closed, exit 0.
kill -TERM "$srv"
wait "$srv"
rc=$?
pids=
[ "$rc" -eq 0 ] && ok "SIGTERM ends serve with exit 0" || notok "SIGTERM: exit $rc" "$(tail -n 3 "$tmp/err")"
python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()' "$http" &&
    ok "the port is free again" || notok "port still taken after exit"

# SIGINT too.
"$PF" serve "$scn" --port-offset "$off" >"$tmp/log3" 2>"$tmp/err3" &
srv=$!
pids=$srv
wait_for "$tmp/log3" "^office dhcp " || notok "serve did not start again"
kill -INT "$srv"
wait "$srv"
rc=$?
pids=
[ "$rc" -eq 0 ] && ok "SIGINT ends serve with exit 0" || notok "SIGINT: exit $rc"

# Not root: ports below 1024 move up by 10000 (a port of 1000 on 11000).
if [ "$(id -u)" -eq 0 ]; then
	asuser="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	need setpriv util-linux
else
	asuser=
fi
low=$(python3 -c '
import socket
for p in range(1000, 1024):
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p + 10000)); s.close()
        print(p); break
    except OSError:
        pass
')
cat >"$tmp/low.xml" <<XML
<scenario name="low" duration="1m">
  <site name="o" subnet="10.5.0.0/24"/>
  <server name="low" address="10.5.0.5" http="$low"><file path="/x">x</file></server>
  <phones name="p" count="1" mac="00562B0F0001" site="o"/>
</scenario>
XML
# A copy of the binary where the other user can run it.
cp "$PF" "$tmp/phonefleet"
chmod a+rx "$tmp" "$tmp/phonefleet"
chmod a+r "$tmp/low.xml"
$asuser "$tmp/phonefleet" serve "$tmp/low.xml" >"$tmp/log4" 2>"$tmp/err4" &
srv=$!
pids=$srv
if wait_for "$tmp/log4" "^low http "; then
	grep -qx "low http 127.0.0.1:$((low + 10000)) (10.5.0.5:$low)" "$tmp/log4" &&
	    ok "not root: port $low is served on $((low + 10000))" ||
	    notok "low port mapping" "$(cat "$tmp/log4")"
else
	notok "serve as nobody did not start" "$(cat "$tmp/err4")"
fi
stop

# A bad scenario: the loader's one-line errors, exit 2.
"$PF" serve "$srcdir/tests/data/scenario-bad.xml" >"$tmp/out5" 2>"$tmp/err5"
rc=$?
[ "$rc" -eq 2 ] && ok "a bad scenario: exit 2" || notok "bad scenario: exit $rc"
grep -q "^.*scenario-bad\.xml:[0-9]*: " "$tmp/err5" && [ ! -s "$tmp/out5" ] &&
    ok "a bad scenario: the loader's file:line errors, nothing served" ||
    notok "bad scenario output" "$(cat "$tmp/err5" "$tmp/out5")"
"$PF" serve "$scn" --bind 300.1.2.3 >"$tmp/out6" 2>"$tmp/err6"
rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err6")" -eq 1 ] &&
    ok "--bind with a bad address: exit 2, one line" ||
    notok "bad --bind: exit $rc" "$(cat "$tmp/err6")"
"$PF" serve "$scn" --port-offset "$off" --bind nobody=127.0.0.2 >"$tmp/out7" 2>"$tmp/err7"
rc=$?
[ "$rc" -eq 2 ] && grep -qx 'phonefleet serve: --bind nobody=127.0.0.2: no service of that name' "$tmp/err7" &&
    ok "--bind HOST=ADDR for an unknown host: exit 2, one line" ||
    notok "unknown --bind host: exit $rc" "$(cat "$tmp/err7")"
finish

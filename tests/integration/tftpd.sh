#!/bin/sh
# Phones against a real tftpd-hpa on 127.0.0.1 through the host carrier
# (docs/runtime.md): the phone's own TFTP client (RRQ to the server, DATA
# from the transfer's own port, blksize and tsize options) fetches a small
# and a multi-block profile; a missing file is TFTP error 1, class B.
# tftpd-hpa needs root (peers.md: its child calls setgroups()).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need in.tftpd tftpd-hpa
need python3 python3
if [ "$(id -u)" -ne 0 ]; then
	notok "tftpd-hpa needs root to serve (run the suite as root, as CI does)"
	finish
fi

port=$(free_ports 1 udp)
mkdir -p "$tmp/root/cfg"
i=1
while [ $i -le 5 ]; do
	mac=$(printf '00562b0c%04x' $i)
	printf '<flat-profile><GPP_A>tftpd</GPP_A><GPP_B>%s</GPP_B></flat-profile>\n' \
	    "$mac" >"$tmp/root/cfg/$mac.xml"
	i=$((i + 1))
done
# A profile of about 100 KB: many blocks whatever the block size.
{
	echo '<flat-profile>'
	j=0
	while [ $j -lt 1500 ]; do
		echo "<!-- padding line $j: a provider's profile carries many comments -->"
		j=$((j + 1))
	done
	echo '<GPP_A>big</GPP_A></flat-profile>'
} >"$tmp/root/cfg/big.xml"
size=$(wc -c <"$tmp/root/cfg/big.xml")
chmod -R a+rX "$tmp"
in.tftpd -L -a "127.0.0.1:$port" -s -u nobody "$tmp/root" &
tftpd=$!
trap 'kill $tftpd 2>/dev/null; wait $tftpd 2>/dev/null; rm -rf "$tmp"' EXIT
# Up when a read request is answered (at most 10 s).
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(50):
    s.sendto(b"\0\1cfg/big.xml\0octet\0", ("127.0.0.1", int(sys.argv[1])))
    try:
        if s.recvfrom(1024)[0][:2] == b"\0\3":
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)' "$port" && ok "tftpd-hpa serves 127.0.0.1:$port" || { notok "tftpd-hpa did not answer"; finish; }

cat >"$tmp/tftp.xml" <<XML
<scenario name="real-tftpd" seed="4" duration="40s">
  <site name="office" subnet="10.5.0.0/24">
    <dhcp><option code="160">tftp://127.0.0.1:$port/cfg/\$MA.xml</option></dhcp>
  </site>
  <site name="big" subnet="10.6.0.0/24">
    <dhcp><option code="160">tftp://127.0.0.1:$port/cfg/big.xml</option></dhcp>
  </site>
  <site name="lost" subnet="10.7.0.0/24">
    <dhcp><option code="160">tftp://127.0.0.1:$port/cfg/none-\$MA.xml</option></dhcp>
  </site>
  <server name="tftpd" connect="127.0.0.1" tftp="$port"/>
  <phones name="desk" count="5" mac="00562B0C0001" site="office">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="big" count="2" mac="00562B0B0001" site="big">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <phones name="lost" count="1" mac="00562B0A0001" site="lost">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="30s" phones="desk" name="provisioned by tftpd-hpa">
      <state is="operational"/>
      <last-resync class="A"/>
      <param name="GPP_A" is="tftpd"/>
    </expect>
    <expect t="30s" phones="desk[2]" name="its own file">
      <param name="GPP_B" is="00562b0c0003"/>
      <last-resync url="tftp://127.0.0.1:$port/cfg/00562b0c0003.xml"/>
    </expect>
    <expect t="30s" phones="big" name="a $size-byte profile over many blocks">
      <last-resync class="A"/>
      <param name="GPP_A" is="big"/>
    </expect>
    <expect t="30s" phones="lost" name="TFTP error 1 is file not found, B">
      <last-resync class="B" cause="not-found"/>
    </expect>
  </timeline>
</scenario>
XML
"$PF" run "$tmp/tftp.xml" --speed 10 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "every expectation held against tftpd-hpa (exit $rc)" || notok "run against tftpd-hpa: exit $rc" "$(grep -iE 'fail|error' "$tmp/out" "$tmp/err" | head -n 8)"
grep -q 'result: PASS (4 expectations held)' "$tmp/out" && ok "report: PASS, 4 expectations" || notok "report" "$(tail -n 3 "$tmp/out")"
finish

#!/bin/sh
# A site's source addresses (docs/scenario.md, <site source=>; the host
# carrier, docs/runtime.md): 40 phones of a site with
# source="127.0.0.2-127.0.0.5" fetch from a real nginx on 127.0.0.1, which
# logs $remote_addr: every request comes from one of the four, all four are
# used, and a phone always comes from the same one.  A site without source=
# still comes from 127.0.0.1.  A malformed source= is refused at load (exit
# 2, one line naming file, line, element and attribute); an address this
# machine does not have fails at run start in one line naming the site.
# nginx is started and stopped by the test; only 127.0.0.0/8 is used
# (192.0.2.1 is never contacted: binding it fails locally).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

port=$(free_ports 1)
mkdir -p "$tmp/www/cfg" "$tmp/logs"
printf '<flat-profile><GPP_A>nginx</GPP_A></flat-profile>\n' >"$tmp/www/cfg/p.xml"
nginx_up "$port" '$remote_addr $request_uri $status'
# Each phone fetches its own path, twice (a periodic resync): the MAC names
# the phone in nginx's log.
i=1
while [ $i -le 40 ]; do
	cp "$tmp/www/cfg/p.xml" "$tmp/www/cfg/$(printf '00562b0a%04x' $i).xml"
	i=$((i + 1))
done
cp "$tmp/www/cfg/p.xml" "$tmp/www/cfg/00562b0b0001.xml"
cp "$tmp/www/cfg/p.xml" "$tmp/www/cfg/00562b0b0002.xml"
chmod -R a+rX "$tmp/www"

site() {
	cat <<XML
  <site name="$1" subnet="$2" $3>
    <dhcp><option code="160">http://127.0.0.1:$port/cfg/\$MA.xml</option></dhcp>
  </site>
XML
}

cat >"$tmp/src.xml" <<XML
<scenario name="sources" seed="5" duration="14s">
$(site many 10.8.0.0/24 'source="127.0.0.2-127.0.0.5"')
$(site plain 10.9.0.0/24 '')
  <server name="nginx" connect="127.0.0.1" http="$port"/>
  <phones name="many" count="40" mac="00562B0A0001" site="many">
    <param name="Resync_Random_Delay">0</param>
    <param name="Resync_Periodic">5</param>
  </phones>
  <phones name="plain" count="2" mac="00562B0B0001" site="plain">
    <param name="Resync_Random_Delay">0</param>
  </phones>
  <timeline>
    <expect t="12s" phones="many" name="each phone fetched twice">
      <state is="operational"/>
      <counter name="resync-ok" min="2"/>
    </expect>
    <expect t="12s" phones="plain" name="no source: still provisioned">
      <state is="operational"/>
      <last-resync class="A" status="200"/>
    </expect>
  </timeline>
</scenario>
XML

"$PF" run "$tmp/src.xml" --speed 2 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && ok "40 phones with source= and 2 without provisioned from nginx (exit $rc)" || notok "run: exit $rc" "$(grep -E 'FAIL|error' "$tmp/out" "$tmp/err" | head -n 6)"
python3 - "$tmp/logs/access.log" <<'PY' >"$tmp/check" 2>&1
import collections, sys
by_phone = collections.defaultdict(set)
fetches = collections.Counter()
used = set()
bad = []
for line in open(sys.argv[1]):
    addr, uri, status = line.split()
    if not uri.startswith("/cfg/00562b0a"):
        if uri.startswith("/cfg/00562b0b") and addr != "127.0.0.1":
            bad.append("site without source: " + line.strip())
        continue
    fetches[uri] += 1
    by_phone[uri].add(addr)
    used.add(addr)
    if addr not in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"):
        bad.append("outside the range: " + line.strip())
print("phones %d, fetches %d, addresses %s" % (len(by_phone), sum(fetches.values()), " ".join(sorted(used))))
moved = [u for u, a in by_phone.items() if len(a) != 1]
twice = [u for u, c in fetches.items() if c >= 2]
for b in bad[:3]:
    print(b)
if moved:
    print("phones from several addresses: " + " ".join(sorted(moved)[:3]))
ok = (not bad and not moved and len(by_phone) == 40 and len(twice) == 40
      and used == {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"})
sys.exit(0 if ok else 1)
PY
[ $? -eq 0 ] && ok "every request came from 127.0.0.2..5, all four used, each phone from one ($(head -n 1 "$tmp/check"))" || notok "source addresses in nginx's log" "$(cat "$tmp/check")"
grep -q '^127\.0\.0\.1 /cfg/00562b0b0001.xml 200' "$tmp/logs/access.log" && ok "a site without source= comes from 127.0.0.1 (the kernel's choice)" || notok "site without source" "$(grep 00562b0b "$tmp/logs/access.log" | head -n 2)"

# Malformed source= values: exit 2, one line naming file, line, element, attribute.
bad_source() {
	cat >"$tmp/bad.xml" <<XML
<scenario name="bad" duration="1m">
  <site name="o" subnet="10.5.0.0/24" source="$1"><dhcp/></site>
  <phones name="p" count="1" mac="00562B0F0001" site="o"/>
</scenario>
XML
	"$PF" run "$tmp/bad.xml" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	want="bad.xml:2: <site source=\"$1\">: $2"
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "$want" "$tmp/err"; then
		ok "source=\"$1\" refused (exit 2): $2"
	else
		notok "source=\"$1\": exit $rc" "$(cat "$tmp/err")"
	fi
}
bad_source 127.0.0.9-127.0.0.2 'source range ends before it starts'
bad_source 10.0.0.0/33 'source must be an IPv4 address, a range'
bad_source foo 'source must be an IPv4 address, a range'
bad_source 127.0.0.0/19 'source has more than 4096 addresses'
bad_source 127.0.1.5/28 'source has host bits set'
bad_source 224.0.0.1 'source must be unicast'

# On an all-simulated scenario source= is accepted and unused.
cat >"$tmp/sim.xml" <<XML
<scenario name="sim" duration="1m">
  <site name="o" subnet="10.5.0.0/24" source="127.0.1.0/28"><dhcp/></site>
  <phones name="p" count="1" mac="00562B0F0001" site="o"/>
</scenario>
XML
"$PF" run "$tmp/sim.xml" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/err" ] && ok "source= on a simulated scenario is accepted (exit 0)" || notok "simulated with source=: exit $rc" "$(cat "$tmp/err")"

# An address this machine does not have: one line naming the site, at start.
sed 's/source="127.0.0.2-127.0.0.5"/source="192.0.2.1"/' "$tmp/src.xml" >"$tmp/far.xml"
"$PF" run "$tmp/far.xml" --speed 2 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -ne 0 ] && ok "a source the machine does not have fails the run (exit $rc)" || notok "unbindable source: exit 0"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q '^phonefleet run: site many: source 192.0.2.1 cannot be bound: .*not an address of this machine' "$tmp/err" && ok "one line names the site and the address" || notok "unbindable source message" "$(cat "$tmp/err")"
finish

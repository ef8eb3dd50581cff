#!/bin/sh
#
# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
#
# "phonefleet rule expand" through the real command line: every example and
# edge case of spec 5.5, 5.6 and 6, and checklist B9, B26-B42 where they make
# sense for one rule.  Each case compares the exit code and the whole of
# stdout; failures also check stderr (one line, with the $ERR text).
#
# Run by make check with srcdir and top_builddir in the environment.

# shellcheck disable=SC2016  # the rules hold $MACROS on purpose
: "${top_builddir:=.}"
PF="$top_builddir/phonefleet"
MAC=00562B043615

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

n=0
failed=0

run() {
	"$PF" rule expand "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# notpass DESCRIPTION WHY: also shows what the command wrote.
notpass() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	echo "# $2 (exit $rc)"
	sed 's/^/#   stdout: /' "$tmp/out"
	sed 's/^/#   stderr: /' "$tmp/err"
}

# fetch DESCRIPTION EXPECTED ARG...: exit 0 and stdout exactly EXPECTED.
fetch() {
	desc=$1
	printf '%s\n' "$2" >"$tmp/want"
	shift 2
	run "$@"
	if [ "$rc" -ne 0 ]; then
		notpass "$desc" "exit status is not 0"
	elif ! cmp -s "$tmp/want" "$tmp/out"; then
		notpass "$desc" "stdout is not as expected"
		sed 's/^/#   wanted: /' "$tmp/want"
	else
		pass "$desc"
	fi
}

# fail DESCRIPTION TEXT ARG...: exit 1, nothing on stdout, one line on
# stderr that contains TEXT (any line if TEXT is empty), after the
# "skipped alternative" lines if any.
fail() {
	desc=$1
	text=$2
	shift 2
	run "$@"
	if [ "$rc" -ne 1 ]; then
		notpass "$desc" "exit status is not 1"
	elif [ -s "$tmp/out" ]; then
		notpass "$desc" "stdout is not empty"
	elif [ "$(grep -cv '^skipped alternative [0-9]*: ' "$tmp/err")" -ne 1 ]
	then
		notpass "$desc" "stderr is not one line"
	elif [ -n "$text" ] && ! grep -qF -- "$text" "$tmp/err"; then
		notpass "$desc" "stderr lacks \"$text\""
	else
		pass "$desc"
	fi
}

# usage DESCRIPTION ARG...: exit 2 and nothing on stdout.
usage() {
	desc=$1
	shift
	run "$@"
	if [ "$rc" -ne 2 ]; then
		notpass "$desc" "exit status is not 2"
	elif [ -s "$tmp/out" ]; then
		notpass "$desc" "stdout is not empty"
	else
		pass "$desc"
	fi
}

# said DESCRIPTION LINE: LINE is a whole line of the last command's stderr.
said() {
	if grep -qxF -- "$2" "$tmp/err"; then
		pass "$1"
	else
		notpass "$1" "stderr lacks the line \"$2\""
	fi
}

# absent DESCRIPTION TEXT: TEXT is in neither stdout nor stderr of the
# last command.
absent() {
	if grep -qF -- "$2" "$tmp/out" "$tmp/err"; then
		notpass "$1" "\"$2\" was written"
	else
		pass "$1"
	fi
}

# --- The acceptance example -------------------------------------------------

fetch 'acceptance: $PSN and $MA over HTTP' \
'http://prov.example.com:80/cisco/8851-3PCC/00562b043615.xml
method: GET' \
    --mac 00562B043615 --model CP-8851-3PCC \
    'http://prov.example.com/cisco/$PSN/$MA.xml'

# 5.2 (revised): Cisco's Extension Mobility rule.  Nobody is signed in, so
# the first alternative is skipped and its "[--uid  --pwd ]" (empty after
# expansion) is still valid; 6.1 (revised): "_" ends $PN in $PN_$MA.
fetch '5.2, 6.1: Extension Mobility rule with empty --uid/--pwd' \
'http://p.example.com:80/CP-8851-3PCC_00562b043615.xml
method: GET' \
    --mac 00562B043615 \
    '("$EMS" eq "mobile")?[--uid $MUID$PDOM --pwd $MPWD] http://p.example.com/em.xml | http://p.example.com/$PN_$MA.xml'
said '5.3.1: why the Extension Mobility alternative was skipped' \
    'skipped alternative 1: ("$EMS" eq "mobile") is false: "0" eq "mobile"'
fetch '5.2: an empty --uid sends no credentials' \
'http://h:80/p
method: GET
uid: (empty: no credentials)
pwd: (hidden)' \
    --mac $MAC '[--uid $MUID$PDOM --pwd $MPWD] http://h/p'

# --- 5.5: the profile rule examples ------------------------------------------

fetch '5.5 example 1: unconditional GET' \
'http://remote.server.com:80/cisco/00562b043615.cfg
method: GET' \
    --mac $MAC 'http://remote.server.com/cisco/$MA.cfg'

fetch '5.5 example 2: condition false, POST with GPP_A' \
'http://p.tel.com:80/lost-reg?
method: POST
post: GPP_A' \
    --mac $MAC --set GPP_A=ABCDEF \
    '($PRVTMR ge 600)? http://p.tel.com/has-reg.cfg | [--post a] http://p.tel.com/lost-reg?'

fetch '5.5 example 3, B33: certificate installed' \
'https://p.tel.com:443/config?
method: GET' \
    --mac $MAC \
    '("$CCERT" eq "Installed")? https://p.tel.com/config? | https://p.tel.com/config?cisco$MAU'

fetch '5.5 example 3, B33: no certificate (--no-cert)' \
'https://p.tel.com:443/config?cisco00562B043615
method: GET' \
    --mac $MAC --no-cert \
    '("$CCERT" eq "Installed")? https://p.tel.com/config? | https://p.tel.com/config?cisco$MAU'

fetch '5.5 example 4: GPP_A not "Provisioned"' \
'https://p.tel.com:443/init-prov
method: GET' \
    --mac $MAC \
    '("$A" ne "Provisioned")? (Line_Enable_1_ = "No";)! https://p.tel.com/init-prov | https://p.tel.com/configs'

fetch '5.5 example 4: GPP_A "Provisioned"' \
'https://p.tel.com:443/configs
method: GET' \
    --mac $MAC --set GPP_A=Provisioned \
    '("$A" ne "Provisioned")? (Line_Enable_1_ = "No";)! https://p.tel.com/init-prov | https://p.tel.com/configs'

fetch '5.5 example 5: --alias b' \
'https://p.tel.com:443/account/CP-8851-3PCC00562b043615.xml
method: GET
alias: GPP_B' \
    --mac $MAC '[--alias b] https://p.tel.com/account/$PN$MA.xml'

fetch '5.5 example 5: --alias b on another model' \
'https://p.tel.com:443/account/CP-7841-3PCC00562b043615.xml
method: GET
alias: GPP_B' \
    --mac $MAC --model CP-7841-3PCC \
    '[--alias b] https://p.tel.com/account/$PN$MA.xml'

fetch '5.5 example 6: --key is never shown' \
'http://prov.telco.com:80/path/profile.cfg
method: GET
key: (hidden)' \
    --mac $MAC \
    '[--key "SecretPhrase1234"] http://prov.telco.com/path/profile.cfg'
absent '5.5 example 6: the key is not written' SecretPhrase1234

fetch '5.5 example 7, B38: --uid $SA --pwd $SB hidden' \
'https://prov:443/path/cfg.xml
method: GET
uid: (hidden)
pwd: (hidden)' \
    --mac $MAC --set GPP_SA=MyUserID --set GPP_SB=MySecretPassword \
    '[--uid $SA --pwd $SB] https://prov/path/cfg.xml'
absent '5.5 example 7, B38: GPP_SA is not written' MyUserID
absent '5.5 example 7, B38: GPP_SB is not written' MySecretPassword

# --- 5.6: edge cases ---------------------------------------------------------

fail '5.6, B29: a comment disables the rule' '' \
    --mac $MAC '# http://192.168.1.200/sample.cfg'
fail '5.6: a blank rule is disabled' '' \
    --mac $MAC '   '
fail '5.6, B32: middle alternative without condition' 'bad profile rule' \
    --mac $MAC '($PRVTMR ge 600)? http://h/a | http://h/b | http://h/c'
fail '5.6, B9: [--srv] with tftp, exact $ERR' \
    'Error - TFTP Scheme not supported in SRV lookups.' \
    --mac $MAC '[--srv] tftp://example.com/x'
fetch '5.6: --post ignored for TFTP' \
'tftp://h:69/p.cfg
method: GET' \
    --mac $MAC '[--post a] tftp://h/p.cfg'
fail '5.6: URL without path' 'bad profile rule' \
    --mac $MAC 'http://h'
fetch '5.6, B40: unknown macro kept ($STRANGE$MAU.cfg)' \
'tftp://10.0.0.5:69/$STRANGE000E08012345.cfg
method: GET
server-from: dhcp' \
    --mac 000E08012345 --dhcp-server 10.0.0.5 '/$STRANGE$MAU.cfg'
fetch '5.6, B40: $$MAU is $MAU' \
'http://h:80/$MAU.cfg
method: GET' \
    --mac $MAC 'http://h/$$MAU.cfg'
fetch '5.6: upper-case scheme HTTP://' \
'http://h:80/p
method: GET' \
    --mac $MAC 'HTTP://h/p'
fail '5.6: port 0' 'bad profile rule' \
    --mac $MAC 'http://h:0/p'
fail '5.6: port 65536' 'bad profile rule' \
    --mac $MAC 'http://h:65536/p'
fetch '5.6: port 65535' \
'http://h:65535/p
method: GET' \
    --mac $MAC 'http://h:65535/p'

# --- 5.4, B26-B28: URL resolution -------------------------------------------

fail 'B26: no server part and no DHCP server' 'no server' \
    --mac $MAC '/x.xml'
fetch 'B26: no server part, DHCP server used' \
'tftp://10.0.0.5:69/x.xml
method: GET
server-from: dhcp' \
    --mac $MAC --dhcp-server 10.0.0.5 '/x.xml'
fetch 'B27: no scheme means TFTP' \
'tftp://192.168.1.130:69/profiles/init.cfg
method: GET' \
    --mac $MAC '192.168.1.130/profiles/init.cfg'
fetch 'B28: http default port 80' \
'http://h:80/p
method: GET' \
    --mac $MAC 'http://h/p'
fetch 'B28: https default port 443' \
'https://h:443/p
method: GET' \
    --mac $MAC 'https://h/p'
fetch 'B28: tftp explicit port 6900' \
'tftp://h:6900/p
method: GET' \
    --mac $MAC 'tftp://h:6900/p'
fetch '5.4: no scheme with a port' \
'tftp://prov.telco.com:6900/cisco/config/CP-8851-3PCC.cfg
method: GET' \
    --mac $MAC 'prov.telco.com:6900/cisco/config/$PN.cfg'
fetch '5.4: CGI with a query string' \
'https://secure.me.com:443/profile?Linksys
method: GET' \
    --mac $MAC 'https://secure.me.com/profile?Linksys'
fetch 'B20 (parser): gds://' \
'gds://' \
    --mac $MAC 'gds://'

# --- 5.3: alternatives, conditions, assignments, options --------------------

fetch 'B30: first true condition chosen' \
'http://h:80/b
method: GET' \
    --mac $MAC '(1 eq 2)? http://h/a | ("$PSN" eq "8851-3PCC")? http://h/b | http://h/c'
fetch 'B30: unconditional last alternative when all false' \
'http://h:80/c
method: GET' \
    --mac $MAC '(1 eq 2)? http://h/a | ("$PSN" eq "x")? http://h/b | http://h/c'
fail 'B31: all conditions false, rule skipped' '' \
    --mac $MAC '(1 eq 2)? http://h/a | ("$PN" ne "CP-8851-3PCC")? http://h/b'
said 'B31: alternative 1 skipped, no detail for a literal condition' \
    'skipped alternative 1: (1 eq 2) is false'
said 'B31: alternative 2 skipped, with the expanded comparison' \
    'skipped alternative 2: ("$PN" ne "CP-8851-3PCC") is false: "CP-8851-3PCC" ne "CP-8851-3PCC"'
said 'B31: then the outcome' 'rule skipped: no condition held'
fetch '5.3.2: the first failing comparison of an "and"' \
'http://h:80/b
method: GET' \
    --mac $MAC '(1 eq 1 and $PRVTMR gt 5 and 2 eq 3)? http://h/a | http://h/b'
said '5.3.2: the first failing comparison of an "and" is named' \
    'skipped alternative 1: (1 eq 1 and $PRVTMR gt 5 and 2 eq 3) is false: 0 gt 5'
fetch 'B35: a string compared with lt is skipped with the reason' \
'http://h:80/b
method: GET' \
    --mac $MAC '("abc" lt "abd")? http://h/a | http://h/b'
said 'B35: the reason is given' \
    'skipped alternative 1: ("abc" lt "abd") is false: strings allow only = and != (eq, ne), not lt'
fetch 'B34: sip88xx.11-3-2MPP0002-256 > sip88xx.11-3-2MPP0001-609' \
'http://h:80/yes
method: GET' \
    --mac $MAC '(sip88xx.11-3-2MPP0002-256 > sip88xx.11-3-2MPP0001-609)? http://h/yes | http://h/no'
fetch '5.3.2: sipyyyy.11-3-1MPP-110 gt sipyyyy.11-2-3MPP-256' \
'http://h:80/yes
method: GET' \
    --mac $MAC '(sipyyyy.11-3-1MPP-110 gt sipyyyy.11-2-3MPP-256)? http://h/yes | http://h/no'
fetch '5.3.2: sip88xx.9-3-1-7MPP-BN is not > sip88xx.11-0-0MPP-BN' \
'http://h:80/no
method: GET' \
    --mac $MAC '(sip88xx.9-3-1-7MPP-BN > sip88xx.11-0-0MPP-BN)? http://h/yes | http://h/no'
fetch '5.3.2: running load compared as a version' \
'http://h:80/new
method: GET' \
    --mac $MAC '($SWVER ge sip88xx.11-0-0MPP-10)? http://h/new | http://h/old'
fetch '5.3.2: --firmware sets $SWVER' \
'http://h:80/old
method: GET' \
    --mac $MAC --firmware sip88xx.11-3-2MPP0001-609 \
    '($SWVER ge sip88xx.12-0-0MPP-1)? http://h/new | http://h/old'
fetch '5.3.2: dotted version is invalid (condition false)' \
'http://h:80/b
method: GET' \
    --mac $MAC '($SWVER ge 11.0.0)? http://h/a | http://h/b'
fetch '5.3.2: quoted "$SWVER" is the whole load string' \
'http://h:80/a
method: GET' \
    --mac $MAC '("$SWVER" eq "sip88xx.12-0-7MPP0301-92")? http://h/a | http://h/b'
fetch '5.3.2: quoted "$SWVER" differs from another model' \
'http://h:80/b
method: GET' \
    --mac $MAC '("$SWVER" eq "sip78xx.12-0-7MPP0301-92")? http://h/a | http://h/b'
fetch '5.3.2: unquoted $SWVER compares the version only' \
'http://h:80/a
method: GET' \
    --mac $MAC '($SWVER eq sip78xx.12-0-7MPP0301-92)? http://h/a | http://h/b'
fetch 'B35: quoted string with lt is false' \
'http://h:80/b
method: GET' \
    --mac $MAC '("abc" lt "abd")? http://h/a | http://h/b'
fetch '5.3.2: integers, hex and "and"' \
'http://h:80/a
method: GET' \
    --mac $MAC '($PRVTMR ge 0 and 0x10 eq 16 AND -1 lt 0)? http://h/a | http://h/b'
fail 'B36: assignment only, no URL to fetch' '' \
    --mac $MAC '( User_ID_1_ = "uid$B" ; c = "" ; d = "$MA" ; )!'
fetch 'B37: --post f' \
'http://h:80/report
method: POST
post: GPP_F' \
    --mac $MAC '[--post f] http://h/report'
fetch '5.3.4: --srv with https' \
'https://example.com:443/8851-3PCC.xml
method: GET
srv: yes' \
    --mac $MAC '[--srv] https://example.com/$PSN.xml'
fetch '5.3.4: plain --uid shown, octal escape decoded' \
'http://h:80/p
method: GET
uid: a#b
pwd: (hidden)' \
    --mac $MAC '[--uid a\043b --pwd x] http://h/p'
fetch '5.2: option block touching the URL' \
'tftp://h:69/p
method: GET
uid: a
pwd: (hidden)' \
    --mac $MAC '[--uid a --pwd b]tftp://h/p'
fetch '5.3.4: all options, in order' \
'https://h:443/p
method: POST
post: GPP_F
srv: yes
key: (hidden)
uid: u
pwd: (hidden)
alias: GPP_B
delta: yes
status: yes' \
    --mac $MAC '[--alias b --key k --uid u --pwd p --srv --post f --delta --status] https://h/p'
fail '5.3.4: unknown option' 'bad profile rule' \
    --mac $MAC '[--bogus] http://h/p'

# --- 6: macros ---------------------------------------------------------------

fetch '5.1: a GPP holding the whole rule' \
'http://h:80/a.cfg
method: GET' \
    --mac $MAC --set GPP_A=http://h/a.cfg '$A'
fetch 'B38: $SA outside --key/--uid/--pwd stays literal' \
'http://h:80/$SA.cfg
method: GET' \
    --mac $MAC --set GPP_SA=MyUserID 'http://h/$SA.cfg'
absent 'B38: GPP_SA is not written' MyUserID
fetch 'B39: $(A:2) and $(A:2:3)' \
'http://h:80/CDEF/CDE
method: GET' \
    --mac $MAC --set GPP_A=ABCDEF 'http://h/$(A:2)/$(A:2:3)'
fetch 'B41: $(MAU)config.cfg' \
'http://h:80/00562B043615config.cfg
method: GET' \
    --mac $MAC 'http://h/$(MAU)config.cfg'
for m in 00562b043615 00:56:2b:04:36:15 00-56-2B-04-36-15 0056.2b04.3615; do
	fetch "B41: \$MA \$MAU \$MAC formats (--mac $m)" \
'http://h:80/00562b043615/00562B043615/00:56:2b:04:36:15
method: GET' \
	    --mac $m 'http://h/$MA/$MAU/$MAC'
done
fetch 'B42: $PRVERR and $DHCPOPTION_66 unexpanded' \
'http://h:80/$PRVERR/$DHCPOPTION_66
method: GET' \
    --mac $MAC 'http://h/$PRVERR/$DHCPOPTION_66'
fetch '6.1: unknown $(X) kept as written' \
'http://h:80/$(X)/$(X:1:2)
method: GET' \
    --mac $MAC 'http://h/$(X)/$(X:1:2)'
fetch '6.2: $GPP_A is an alias of $A' \
'http://h:80/ABCDEF
method: GET' \
    --mac $MAC --set GPP_A=ABCDEF 'http://h/$GPP_A'
fetch '6.2: $PN $PSN $SN $SWVER $HWVER' \
'http://h:80/CP-8851-3PCC/8851-3PCC/FCH1234ABCD/sip88xx.12-0-7MPP0301-92/V03
method: GET' \
    --mac $MAC --serial FCH1234ABCD 'http://h/$PN/$PSN/$SN/$SWVER/$HWVER'
fetch '6.1: $PN_$MA_$SN.xml ("_" ends a name)' \
'http://h:80/CP-8851-3PCC_00562b043615_FCH1234ABCD.xml
method: GET' \
    --mac $MAC --serial FCH1234ABCD 'http://h/$PN_$MA_$SN.xml'
fetch '6.2: $VERSION from the running load, $PDOM empty' \
'http://h:80/Cisco-CP-7841-3PCC/11.3.7/x
method: GET' \
    --mac $MAC --model CP-7841-3PCC --firmware sip78xx.11-3-7MPP0001-272 \
    'http://h/$VERSION/x$PDOM'
fetch '6.2: default model is CP-8851-3PCC' \
'http://h:80/CP-8851-3PCC/8851-3PCC
method: GET' \
    --mac $MAC 'http://h/$PN/$PSN'

# --- Usage -------------------------------------------------------------------

usage 'usage: RULE missing' --mac $MAC
usage 'usage: unknown option' --mac $MAC --bogus 'http://h/p'
usage 'usage: MAC too short' --mac 00562B04361 'http://h/p'
usage 'usage: MAC not hex' --mac 00562B04361Z 'http://h/p'
usage 'usage: unknown parameter in --set' --mac $MAC \
    --set No_Such_Parameter=1 'http://h/p'

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

#!/bin/sh
# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
#
# "phonefleet profile check FILE" (spec 8; emu/profile.c): one line per
# parameter element, "FILE:LINE: apply|reject|ignore ...", in line order,
# then "N applied, N rejected, N ignored"; exit 0.  A file that does not
# parse: one line "FILE:LINE: message" on stderr, exit 1.  Usage: exit 2.
# Run by make check with srcdir and top_builddir set.

srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
pf=$top_builddir/phonefleet
data=$srcdir/tests/data
pass=0
fail=0

if [ ! -x "$pf" ]; then
	echo "profile-check: $pf not built" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

ok() {
	pass=$((pass + 1))
}

nok() {
	echo "FAIL: $*" >&2
	fail=$((fail + 1))
}

# run FILE...: phonefleet profile check; sets rc, $tmp/out, $tmp/err
run() {
	"$pf" profile check "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# expect_rc WHAT N
expect_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok
	else
		nok "$1: exit $rc, want $2"
		sed 's/^/	stderr: /' "$tmp/err" >&2
	fi
}

# expect_out WHAT: stdout equals $tmp/want
expect_out() {
	if cmp -s "$tmp/out" "$tmp/want"; then
		ok
	else
		nok "$1: unexpected report"
		diff "$tmp/want" "$tmp/out" | sed 's/^/	/' >&2
	fi
}

# expect_err WHAT LINE: stdout empty, stderr exactly LINE
expect_err() {
	if [ -s "$tmp/out" ]; then
		nok "$1: output on stdout"
	else
		ok
	fi
	if [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    [ "$(cat "$tmp/err")" = "$2" ]; then
		ok
	else
		nok "$1: stderr is not \"$2\""
		sed 's/^/	stderr: /' "$tmp/err" >&2
	fi
}

# expect_err_match WHAT PATTERN: stderr one line matching a grep BRE
expect_err_match() {
	if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "$2" "$tmp/err"; then
		ok
	else
		nok "$1: stderr does not match $2"
		sed 's/^/	stderr: /' "$tmp/err" >&2
	fi
}

# The report of profile-good.xml, for file name $1.
good_report() {
	cat <<END
$1:4: apply Resync_Periodic = "600"
$1:5: reject Provision_Enable: "maybe" is not Yes or No
$1:6: ignore Transport_Protocol: unknown parameter
$1:7: apply Speed_Dial_2_Name ua=rw (value kept)
$1:8: apply GPP_SA = "********"
$1:9: apply Profile_Rule = "https://ps.example.com/\$PSN.xml" ua=na
$1:10: apply Dial_Plan_1_ = "(S0 <:18005551212>)"
$1:11: apply GPP_A = "two lines"
$1:13: apply Resync_Periodic = "1200"
$1:14: reject Forced_Resync_Delay: "1h" is not a number
$1:15: apply Report_To_Server = "Periodically"
8 applied, 2 rejected, 1 ignored
END
}

# B71-B73, 8.5.4: apply, reject, ignore with line numbers; no secret.
f=$data/profile-good.xml
run "$f"
expect_rc "good" 0
good_report "$f" >"$tmp/want"
expect_out "good"
if grep -q 'do-not-print' "$tmp/out" "$tmp/err"; then
	nok "good: a secret value was printed"
else
	ok
fi

# B62: gzip recognised by its magic whatever the name.
g=$tmp/profile-good.xml.gz
gzip -c "$f" >"$g"
run "$g"
expect_rc "gzip" 0
good_report "$g" >"$tmp/want"
expect_out "gzip"
cp "$g" "$tmp/plain-name.xml"
run "$tmp/plain-name.xml"
expect_rc "gzip named .xml" 0
good_report "$tmp/plain-name.xml" >"$tmp/want"
expect_out "gzip named .xml"

# Spec 7, 8.1, 8.5: a real MPP parameter the phone only stores, a name no
# phone knows (with near misses: case, separators, SPA-style spaces, a
# typo), rules that would fail as written, and elements nested below a
# parameter, which are dropped.
f=$tmp/fidelity.xml
cat >"$f" <<'END'
<flat-profile>
  <Call_Park_Code>#68</Call_Park_Code>
  <Resync_periodic>600</Resync_periodic>
  <Resync_Periodc>600</Resync_Periodc>
  <Bogus_Name>1</Bogus_Name>
  <Profile_Rule>(1 eq 2)? http://h/a | http://h | http://h/c</Profile_Rule>
  <Profile_Rule_B>$A</Profile_Rule_B>
  <GPP_A>http://h/$MA.xml</GPP_A>
  <Upgrade_Rule>/sip88xx.12-0-7MPP0301-92.loads</Upgrade_Rule>
  <Ext_1>
    <User_ID_1_>100</User_ID_1_>
  </Ext_1>
  <VPN_Password>hush</VPN_Password>
</flat-profile>
END
run "$f"
expect_rc "fidelity" 0
cat >"$tmp/want" <<END
$f:2: apply Call_Park_Code = "#68" (MPP parameter, stored only)
$f:3: ignore Resync_periodic: unknown parameter; did you mean Resync_Periodic?
$f:4: ignore Resync_Periodc: unknown parameter; did you mean Resync_Periodic?
$f:5: ignore Bogus_Name: unknown parameter
$f:6: apply Profile_Rule = "(1 eq 2)? http://h/a | http://h | http://h/c"
$f:6: warn Profile_Rule: bad profile rule: alternative 2: "http://h": the URL has no path
$f:7: apply Profile_Rule_B = "\$A"
$f:8: apply GPP_A = "http://h/\$MA.xml"
$f:9: apply Upgrade_Rule = "/sip88xx.12-0-7MPP0301-92.loads"
$f:9: warn Upgrade_Rule: no server: an upgrade URL must name its server
$f:10: ignore Ext_1: unknown parameter
$f:11: ignore User_ID_1_: inside <Ext_1>: not a child of flat-profile, dropped
$f:13: apply VPN_Password = "********" (MPP parameter, stored only)
6 applied, 0 rejected, 5 ignored, 2 warnings
END
expect_out "fidelity"
if grep -q hush "$tmp/out"; then
	nok "fidelity: a catalogue password was printed"
else
	ok
fi

# B69, B72: <device><flat-profile> root; empty forms.
f=$data/profile-device.xml
run "$f"
expect_rc "device root" 0
cat >"$tmp/want" <<END
$f:3: apply Profile_Rule_B = ""
$f:4: apply GPP_B = ""
2 applied, 0 rejected, 0 ignored
END
expect_out "device root"

# B68: malformed XML, one line on stderr naming file and line, exit 1.
f=$data/profile-malformed.xml
run "$f"
expect_rc "malformed" 1
expect_err "malformed" \
    "$f:3: Opening and ending tag mismatch: GPP_A line 3 and GPP_B"

# B68, 8.6: a corrupt file is reported at its first error.  A typographic
# quote pasted from a PDF on line 2 used to be reported where libxml2 gave
# up, further down; the quote is named.
f=$tmp/curly.xml
{
	printf '<flat-profile>\n'
	printf '  <Profile_Rule ua=\342\200\234na\342\200\235>'
	printf 'http://p.example.com/$MA.xml</Profile_Rule>\n'
	for n in 1 2 3 4 5 6; do
		printf '  <GPP_%s>x</GPP_%s>\n' $n $n
	done
	printf '</flat-profile>\n'
} >"$f"
run "$f"
expect_rc "curly quote" 1
expect_err "curly quote" \
    "$f:2: AttValue: \" or ' expected (typographic quote U+201C: write \" or ')"

# A DOCTYPE is refused (phonefleet's choice, docs/profile.md).
f=$data/profile-doctype.xml
run "$f"
expect_rc "doctype" 1
expect_err "doctype" "$f:2: DOCTYPE not allowed"

# B69: the SPA plain-text format is corrupt.
f=$data/profile-spa.xml
run "$f"
expect_rc "spa" 1
expect_err "spa" "$f:1: Start tag expected, '<' not found"

# 8.6: a zero-length body is corrupt.
: >"$tmp/empty.xml"
run "$tmp/empty.xml"
expect_rc "empty" 1
expect_err "empty" "$tmp/empty.xml:1: empty file"

# 8.6: a gzip bomb stops at the 4 MiB cap.
head -c 8388608 /dev/zero | gzip -c >"$tmp/bomb.xml"
run "$tmp/bomb.xml"
expect_rc "gzip bomb" 1
expect_err_match "gzip bomb" "file too big"

# Usage: no file.
run
expect_rc "no argument" 2

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]

#!/bin/sh
# The command line: --help and --version, exit codes 0/1/2, one-line
# file:line errors for bad scenarios, --out and --report.
. "$srcdir/tests/lib.sh"

expect_rc() {	# DESCRIPTION WANT COMMAND...
	d=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$d (exit $rc)"
	else
		notok "$d: exit $rc, wanted $want" "$(head -n 3 "$tmp/err")"
	fi
}

expect_rc "--version" 0 "$PF" --version
grep -qE '^phonefleet [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" && ok "--version prints the version" || notok "--version output" "$(cat "$tmp/out")"
expect_rc "--help" 0 "$PF" --help
grep -q 'rule expand' "$tmp/out" && ok "--help lists the commands" || notok "--help output"
expect_rc "run --help" 0 "$PF" run --help
expect_rc "profile check --help" 0 "$PF" profile check --help
expect_rc "rule expand --help" 0 "$PF" rule expand --help
expect_rc "no command" 2 "$PF"
expect_rc "unknown command" 2 "$PF" frobnicate
expect_rc "run without a file" 2 "$PF" run
expect_rc "run with a missing file" 2 "$PF" run "$tmp/nope.xml"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "nope.xml" "$tmp/err" && ok "missing file: one line naming it" || notok "missing file message" "$(cat "$tmp/err")"
expect_rc "unknown report format" 2 "$PF" run "$srcdir/scenarios/manual-profile-rule.xml" --report yaml
expect_rc "unknown option" 2 "$PF" run --bogus "$srcdir/scenarios/manual-profile-rule.xml"

# A typo in an element name: exit 2, one line, file and line.
expect_rc "typo in an element name" 2 "$PF" run "$srcdir/tests/data/scenario-typo.xml"
if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qE 'scenario-typo\.xml:7: .*"phone"' "$tmp/err"; then
	ok "typo: one line naming file:line and the element"
else
	notok "typo message" "$(cat "$tmp/err")"
fi
expect_rc "a file with many errors" 2 "$PF" run "$srcdir/tests/data/scenario-bad.xml"
bad=$(grep -c 'scenario-bad\.xml:[0-9][0-9]*: ' "$tmp/err")
[ "$bad" -gt 10 ] && [ "$bad" -eq "$(wc -l <"$tmp/err")" ] && ok "every error reported, one line each ($bad)" || notok "bad scenario messages" "$(head -n 3 "$tmp/err")"

# A failing expectation: exit 1, the report names phone, expected and seen.
expect_rc "failing expectation" 1 "$PF" run "$srcdir/tests/data/scenario-fails.xml"
grep -q '^PASS .*provisioned' "$tmp/out" && ok "the expectation that held is PASS" || notok "PASS line" "$(cat "$tmp/out")"
grep -qE '^FAIL .*wrong value.*0/3' "$tmp/out" && ok "the failing one is FAIL" || notok "FAIL line" "$(cat "$tmp/out")"
grep -q '00562B090001: expected GPP_A "expected", saw "real"' "$tmp/out" && ok "failure names phone, expected and seen" || notok "failure detail" "$(cat "$tmp/out")"
grep -q '^result: FAIL' "$tmp/out" && ok "result line says FAIL" || notok "result line"
expect_rc "failing expectation, JSON to --out" 1 "$PF" run "$srcdir/tests/data/scenario-fails.xml" --report json --out "$tmp/r.json"
grep -q 'FAIL' "$tmp/out" && grep -q '"result": "fail"' "$tmp/r.json" && ok "--out writes the report, stdout the verdict" || notok "--out" "$(cat "$tmp/out")"
expect_rc "seed option" 0 "$PF" run --seed 99 "$srcdir/scenarios/manual-profile-rule.xml"
expect_rc "bad seed" 2 "$PF" run --seed x "$srcdir/scenarios/manual-profile-rule.xml"
expect_rc "-- ends options" 0 "$PF" run -- "$srcdir/scenarios/manual-profile-rule.xml"
finish

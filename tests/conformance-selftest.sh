#!/bin/sh
# tests/conformance.sh against the fixture tree tests/data/conformance and the
# real checklist: whole-word item numbers (B1 is not B10 or B100), mentions in
# and above cmocka test functions and in their names, helpers and file headers
# that do not count, the (parser) mark, ranges, shell suites and scenarios as
# one test, tests/fuzz skipped, later-issue rows, the count line, and the
# check mode's one line for a stale page.
. "$srcdir/tests/lib.sh"

script="$srcdir/tests/conformance.sh"
root="$tmp/root"
mkdir -p "$root/data"
cp -R "$srcdir/tests/data/conformance/." "$root/"
cp "$srcdir/data/checklist.tsv" "$root/data/checklist.tsv"
doc="$tmp/doc.md"

if sh "$script" --print --root "$root" >"$doc" 2>"$tmp/err"; then
	ok "the fixture tree gives a page"
else
	notok "the fixture tree gives a page" "$(head -n 3 "$tmp/err")"
	finish
fi

# cell N: the Tests cell of item BN's row.
cell() {
	grep "^| B$1 |" "$doc" | awk -F ' [|] ' '{ sub(/ [|]$/, "", $3); print $3 }'
}

# expect N CELL WHAT: item BN's row says exactly CELL.
expect() {
	got=$(cell "$1")
	if [ "$got" = "$2" ]; then
		ok "B$1: $3"
	else
		notok "B$1: $3" "expected [$2], got [$got]"
	fi
}

U='tests/unit/emu-demo.c'
expect 1 "\`$U:test_one\`" "the comment above the test names it, B10 and B100 do not"
expect 10 "\`$U:test_ten\`" "named in the body; B1 and B100 do not name it"
expect 100 "\`$U:test_hundred\`" "B1 and B10 do not name it"
expect 2 "\`$U:test_b2_named_by_its_name\`" "named by the test function's name"
expect 3 '**not covered**' "the file's header comment does not count"
expect 4 '**not covered**' "a helper is no test"
expect 5 "**not covered**; parser only: \`$U:test_parse_only\`" \
    "a (parser) mention does not count and is listed"
expect 6 '**not covered**' "a comment cut off by a blank line names no test"
expect 7 "\`$U:test_range\`" "B7-B9 names B7"
expect 8 "\`$U:test_range\`" "B7-B9 names B8"
expect 9 "\`$U:test_range\`" "B7-B9 names B9"
expect 11 "**not covered**; parser only: \`$U:test_b11_parser_named\`" \
    "(parser) takes the item off the test's name"
expect 12 '`tests/suite.sh`' "a shell suite is one test, listed as the file"
expect 13 '**not covered**; parser only: `tests/suite.sh`' \
    "(parser) in a shell suite"
expect 14 '`scenarios/demo.xml`' "a scenario is one test, listed as the file"
expect 15 '**not covered**' "tests/fuzz is not scanned"
expect 16 '`scenarios/demo.xml`' "a range with an en dash names B16"
expect 17 '`scenarios/demo.xml`' "a range with an en dash names B17"
expect 18 '**not covered**' "a setup function is no test"
expect 19 '**not covered**' "main is no test"
expect 21 "\`$U:test_brace_style\`" "a test written on one line with its brace"
expect 56 '`scenarios/demo.xml`' "a later-issue item that a test names is covered"
expect 57 'not yet covered (LCD, issue 7)' "an LCD item nobody names"
expect 61 'not yet covered (NAT)' "the NAT item"
expect 113 'not yet covered (TR-069)' "a TR-069 item"

# The count: B1, B2, B7-B10, B12, B14, B16, B17, B21, B56, B100: 13 items.
if grep -qx '13 of 125 covered' "$doc"; then
	ok "count line: 13 of 125 covered"
else
	notok "count line: 13 of 125 covered" "$(grep 'covered$' "$doc" | head -n 1)"
fi
line=$(grep -n -m 1 '^[0-9][0-9]* of [0-9][0-9]* covered$' "$doc" | cut -d: -f1)
[ "${line:-99}" -le 10 ] && ok "the count is near the top (line $line)" ||
    notok "the count is near the top" "line ${line:-none}"
rows=$(grep -c '^| B[0-9][0-9]* |' "$doc")
[ "$rows" -eq 125 ] && ok "one row per item" || notok "one row per item" "$rows rows"
grep -q '^| B1 | Factory-new phone with DHCP option 66' "$doc" &&
    ok "the behaviour text comes from data/checklist.tsv" ||
    notok "the behaviour text comes from data/checklist.tsv" "$(grep '^| B1 |' "$doc")"

# The same tree gives the same page.
sh "$script" --print --root "$root" >"$tmp/doc2.md" 2>&1
cmp -s "$doc" "$tmp/doc2.md" && ok "two runs give the same page" ||
    notok "two runs give the same page"

# Check mode: quiet success when the page is current, one line when stale.
sh "$script" --write --root "$root" >/dev/null 2>&1
if out=$(sh "$script" --root "$root" 2>&1); then
	ok "check passes on a current page"
else
	notok "check passes on a current page" "$out"
fi
echo "| B126 | stray row | none |" >>"$root/docs/conformance.md"
out=$(sh "$script" --check --root "$root" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && [ "$out" = "docs/conformance.md is stale: run make conformance" ]; then
	ok "check fails with one line on a stale page"
else
	notok "check fails with one line on a stale page" "exit $rc: $out"
fi
# A new test naming an item makes the page stale too.
printf '# B3 now has a suite.\n' >"$root/tests/more.sh"
sh "$script" --write --root "$root" >/dev/null 2>&1
rm "$root/tests/more.sh"
out=$(sh "$script" --root "$root" 2>&1)
rc=$?
[ "$rc" -eq 1 ] && ok "removing a test makes the page stale" ||
    notok "removing a test makes the page stale" "exit $rc: $out"

finish

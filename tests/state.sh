#!/bin/sh
# phonefleet run --state DIR (spec 2.3, docs/state.md): the phones' flash
# kept between runs.  Day 1 customizes and provisions four phones; day 2
# boots them from their state files with the provider down, so what they
# show can only come from flash (B17).  A damaged state file is one line
# and a factory phone; a directory that cannot be written, or a full disk,
# is one line and exit 2 with the previous state left as it was.
. "$srcdir/tests/lib.sh"

day1=$srcdir/tests/data/state-day1.xml
day2=$srcdir/tests/data/state-day2.xml
damaged=$srcdir/tests/data/state-damaged.xml

expect_rc() {	# DESCRIPTION WANT COMMAND...
	d=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$d (exit $rc)"
	else
		notok "$d: exit $rc, wanted $want" \
		    "$(head -n 3 "$tmp/err"; tail -n 3 "$tmp/out")"
	fi
}

one_line() {	# DESCRIPTION PATTERN: stderr is one line matching PATTERN
	if [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$2" "$tmp/err"; then
		ok "$1"
	else
		notok "$1" "$(cat "$tmp/err")"
	fi
}

sums() {	# DIR: a digest of its state files
	cat "$1"/*.flash | cksum
}

# Day 1, into a directory that does not exist yet (mkdir -p).
st=$tmp/new/state
expect_rc "day 1 with --state in a new directory" 0 "$PF" run "$day1" --state "$st"
[ -s "$tmp/err" ] && notok "day 1: nothing on stderr" "$(cat "$tmp/err")" || ok "day 1: nothing on stderr"
cnt=$(ls "$st" | grep -c '^00562B16000[1-4]\.flash$')
[ "$cnt" -eq 4 ] && [ "$(ls -A "$st" | wc -l)" -eq 4 ] && ok "one <MAC>.flash per phone, nothing else" || notok "state files" "$(ls -A "$st")"
cp -R "$st" "$tmp/copy"

# Without the state, day 2's expectations fail: they test the flash.
expect_rc "day 2 without --state fails its expectations" 1 "$PF" run "$day2"

# B17: day 2 boots from yesterday's flash.
expect_rc "B17: day 2 from the state: provisioned, Acquired, no EDOS query" 0 "$PF" run "$day2" --state "$st"
grep -q '^PASS .*B17: booted provisioned from flash' "$tmp/out" && ok "day 2: the flash expectations held" || notok "day 2 report" "$(cat "$tmp/out")"
[ -s "$tmp/err" ] && notok "day 2: nothing on stderr" "$(cat "$tmp/err")" || ok "day 2: nothing on stderr"
# And again: the state saved by day 2 is as good as day 1's.
expect_rc "day 2 again from day 2's state" 0 "$PF" run "$day2" --state "$st"

# A damaged state file: one line naming it, factory phone, the run goes on.
cp -R "$tmp/copy" "$tmp/dmg"
printf 'X' | dd of="$tmp/dmg/00562B160004.flash" bs=1 seek=60 conv=notrunc 2>/dev/null
expect_rc "damaged state file: the run completes" 0 "$PF" run "$damaged" --state "$tmp/dmg"
one_line "damaged state file: one line naming the file and the reason" '00562B160004\.flash: checksum mismatch.*factory state'
grep -q '^PASS .*damaged state file: factory state' "$tmp/out" && ok "the damaged phone started from its factory state" || notok "damaged phone" "$(cat "$tmp/out")"
# A truncated one and an empty one.
cp -R "$tmp/copy" "$tmp/trunc"
head -c 50 "$tmp/copy/00562B160004.flash" >"$tmp/trunc/00562B160004.flash"
expect_rc "truncated state file: the run completes" 0 "$PF" run "$damaged" --state "$tmp/trunc"
one_line "truncated state file: one line" '00562B160004\.flash: truncated'
: >"$tmp/trunc/00562B160004.flash"
expect_rc "empty state file: the run completes" 0 "$PF" run "$damaged" --state "$tmp/trunc"
one_line "empty state file: one line" '00562B160004\.flash: empty'

# Another phone's file under this phone's name is refused (2.2).
cp -R "$tmp/copy" "$tmp/other"
cp "$tmp/copy/00562B160001.flash" "$tmp/other/00562B160004.flash"
expect_rc "another phone's state file: the run completes" 0 "$PF" run "$damaged" --state "$tmp/other"
one_line "another phone's state file: one line" "00562B160004\.flash: .*the image is phone 00562B160001's"

# A state directory that is a file's child: one line, exit 2, no run.
: >"$tmp/afile"
expect_rc "a file where the directory should be" 2 "$PF" run "$day1" --state "$tmp/afile/state"
one_line "a file where the directory should be: one line" "afile/state: Not a directory"

# A read-only directory.  root writes through mode 0555: then a directory
# the kernel refuses even to root (sysfs).
ro=
mkdir "$tmp/ro" && chmod 0555 "$tmp/ro"
if ! touch "$tmp/ro/probe" 2>/dev/null; then
	ro=$tmp/ro
elif [ -d /sys/kernel ] && ! touch /sys/kernel/pf-probe 2>/dev/null; then
	ro=/sys/kernel
fi
rm -f "$tmp/ro/probe"
if [ -n "$ro" ]; then
	expect_rc "read-only state directory ($ro)" 2 "$PF" run "$day1" --state "$ro"
	one_line "read-only state directory: one line naming it" "$ro: cannot create a file in it: "
	grep -q '^result:' "$tmp/out" && notok "read-only directory: the run should not start" || ok "read-only directory: refused before the run"
else
	notok "no read-only directory to test with (mode 0555 and /sys/kernel both writable)"
fi
chmod 0755 "$tmp/ro"

# A full disk at save time: the temporary file of one phone is /dev/full
# (after a save it holds the image it replaced, to be written over).
[ -c /dev/full ] || notok "/dev/full is missing"
before=$(sums "$st")
ln -sf /dev/full "$st/.00562B160002.flash.tmp"
expect_rc "full disk while saving" 2 "$PF" run "$day2" --state "$st"
one_line "full disk: one line naming the file and the reason" "00562B160002\.flash: cannot save: No space left on device"
grep -q '^result: PASS' "$tmp/out" && ok "full disk: the run itself completed" || notok "full disk: run" "$(tail -n 2 "$tmp/out")"
[ -z "$(ls -A "$st" | grep -v '^00562B16000[1-4]\.flash$')" ] && ok "full disk: no temporary file left" || notok "full disk: leftovers" "$(ls -A "$st")"
[ "$(sums "$st")" = "$before" ] && ok "full disk: the previous state is unchanged" || notok "full disk: state changed"
expect_rc "the previous state still loads" 0 "$PF" run "$day2" --state "$st"
finish

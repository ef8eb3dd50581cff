#!/bin/sh
# Replays every fuzz corpus file through its target's plain replay program
# (tests/fuzz/replay.c) under make check.  One line per target; a missing
# program, an empty corpus or a failing replay fails.  FUZZ_TARGETS in the
# environment narrows the list.
set -eu

srcdir=${srcdir:-.}
top_builddir=${top_builddir:-.}
targets=${FUZZ_TARGETS:-"dhcp dns tftp http profile rule sched scenario
    certname cloud phone run digest location tftpc aes
    proxy capem tlsc decode flash sip loads csv merge"}
failed=0

for t in $targets; do
	prog=$top_builddir/tests/fuzz/replay-$t
	dir=$srcdir/tests/fuzz/corpus/$t
	if [ ! -x "$prog" ]; then
		echo "replay $t: FAIL: $prog not built"
		failed=$((failed + 1))
		continue
	fi
	n=0
	for f in "$dir"/*; do
		if [ -f "$f" ]; then
			n=$((n + 1))
		fi
	done
	if [ $n -eq 0 ]; then
		echo "replay $t: FAIL: no corpus for $t in $dir"
		failed=$((failed + 1))
		continue
	fi
	# All files in one run; on failure, find the culprit file by file.
	set --
	for f in "$dir"/*; do
		if [ -f "$f" ]; then
			set -- "$@" "$f"
		fi
	done
	if "$prog" "$@" >/dev/null 2>&1; then
		echo "replay $t: $n files ok"
		continue
	fi
	culprit=
	for f in "$@"; do
		if ! "$prog" "$f" >/dev/null 2>&1; then
			culprit=$f
			break
		fi
	done
	if [ -n "$culprit" ]; then
		echo "replay $t: FAIL: $culprit"
		"$prog" "$culprit" 2>&1 | sed -e 's/^/    /' | head -n 30
	else
		echo "replay $t: FAIL: the whole corpus in one run"
	fi
	failed=$((failed + 1))
done

if [ $failed -ne 0 ]; then
	echo "fuzz-replay: $failed target(s) failed"
	exit 1
fi
exit 0

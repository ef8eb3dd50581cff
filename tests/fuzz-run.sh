#!/bin/sh
# Short libFuzzer runs of every fuzz target under make check.  The binaries
# in tests/fuzz/bin are (re)built with tests/fuzz/build.sh when one is
# missing or older than the sources; each target then runs FUZZ_SECONDS
# (default 8) on a temporary copy of its corpus, so the source tree is never
# written.  One line per target.  A crash, leak or timeout fails the test:
# its input is kept under tests/fuzz/bin/crashes/ and the path printed.
# FUZZ_TARGETS in the environment narrows the list.  The runs are seeded
# (FUZZ_SEED, default 1), so a machine explores the same inputs in the same
# order, a faster one further along the same path.  Inputs may grow past
# the caps the targets test (HTTP's 16 KiB head, DNS and TFTP messages,
# the phone driver's 64 KiB pieces): see max_len below.
set -eu

# Longest input per target, above the cap it guards.
max_len() {
	case $1 in
	dhcp|dns|tftp|sched|rule) echo 8192 ;;
	http) echo 20000 ;;
	*) echo 70000 ;;
	esac
}

srcdir=${srcdir:-.}
targets=${FUZZ_TARGETS:-"dhcp dns tftp http profile rule sched scenario
    certname cloud phone run digest location tftpc aes
    proxy capem tlsc decode flash sip loads csv merge"}
seconds=${FUZZ_SECONDS:-8}
seed=${FUZZ_SEED:-1}
bin=tests/fuzz/bin
crashes=$bin/crashes

# Rebuild when a binary is missing or a source is newer than it.
stale=
for t in $targets; do
	if [ ! -x "$bin/fuzz-$t" ]; then
		stale=$t
		break
	fi
	newer=$(find "$srcdir/proto" "$srcdir/emu" "$srcdir/netsim" \
	    "$srcdir/fleet" "$srcdir/tests/fuzz" \
	    \( -name '*.c' -o -name '*.h' -o -name '*.rng' -o \
	    -name build.sh \) -newer "$bin/fuzz-$t" -print 2>/dev/null |
	    head -n 1)
	if [ -n "$newer" ]; then
		stale=$t
		break
	fi
done
if [ -n "$stale" ]; then
	mkdir -p "$bin"
	if ! sh "$srcdir/tests/fuzz/build.sh" "$bin" $targets \
	    >"$bin/build.log" 2>&1; then
		grep -E 'build.sh:|error' "$bin/build.log" | head -n 20
		echo "fuzz-run: build failed (log: $bin/build.log)"
		exit 1
	fi
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pf-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

failed=0
for t in $targets; do
	work=$tmp/corpus-$t
	mkdir "$work"
	for f in "$srcdir/tests/fuzz/corpus/$t"/*; do
		if [ -f "$f" ]; then
			cp "$f" "$work/"
		fi
	done
	n0=$(ls "$work" | wc -l)
	log=$tmp/$t.log
	if "$bin/fuzz-$t" -seed="$seed" -max_total_time="$seconds" \
	    -rss_limit_mb=2048 \
	    -max_len="$(max_len "$t")" \
	    -timeout=25 -artifact_prefix="$tmp/$t-" "$work" >"$log" 2>&1; then
		runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log")
		n1=$(ls "$work" | wc -l)
		echo "fuzz $t: ok, ${runs:-?} runs in ${seconds}s," \
		    "corpus $n0 -> $n1"
		continue
	fi
	failed=$((failed + 1))
	found=
	for a in "$tmp/$t-"*; do
		[ -f "$a" ] || continue
		mkdir -p "$crashes"
		cp "$a" "$crashes/$t-${a##*/$t-}"
		found=1
		echo "fuzz $t: CRASH: input saved as $crashes/$t-${a##*/$t-}"
	done
	if [ -z "$found" ]; then
		echo "fuzz $t: FAIL: exited without a crash input"
	fi
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" |
	    head -n 5 | sed -e 's/^/    /'
done

if [ $failed -ne 0 ]; then
	echo "fuzz-run: $failed target(s) failed"
	exit 1
fi
exit 0

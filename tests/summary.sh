#!/bin/sh
# Prints the suite's closing line "N passed, N failed" from the automake
# test log and exits non-zero when anything failed or the log is missing.
log=${1:-test-suite.log}
if [ ! -f "$log" ]; then
	echo "summary: $log not found (the build or the suite did not run)"
	echo "0 passed, 1 failed"
	exit 1
fi
get() { sed -n "s/^# $1: *\([0-9][0-9]*\).*/\1/p" "$log" | head -n 1; }
pass=$(get PASS); fail=$(get FAIL); xpass=$(get XPASS); err=$(get ERROR)
skip=$(get SKIP)
pass=${pass:-0}; fail=${fail:-0}; xpass=${xpass:-0}; err=${err:-0}
skip=${skip:-0}
# A skipped test is a defect here (a missing peer must fail): count it.
failed=$((fail + xpass + err + skip))
if [ "$failed" -ne 0 ]; then
	grep -E '^(FAIL|ERROR|XPASS|SKIP):' "$log" | sed 's/^/  /'
fi
echo "$pass passed, $failed failed"
[ "$failed" -eq 0 ]

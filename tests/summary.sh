#!/bin/sh
# Prints the suite's closing line "N passed, N failed" and exits non-zero
# when anything failed.  N counts test cases: the cmocka cases and the
# "N passed, N failed" lines of each test program's log; a program that
# reports no count of its own counts as one case.  A program that failed,
# crashed or skipped (a missing peer must fail, never skip) adds a failure.
log=${1:-test-suite.log}
if [ ! -f "$log" ]; then
	echo "summary: $log not found (the build or the suite did not run)"
	echo "0 passed, 1 failed"
	exit 1
fi
passed=0
failed=0
for trs in $(find . -name '*.trs' | sort); do
	base=${trs%.trs}
	res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	p=""
	f=0
	if [ -f "$base.log" ]; then
		p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$base.log" | tail -n 1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$base.log" | tail -n 1)
		if [ -z "$p" ]; then
			line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$base.log" | tail -n 1)
			p=${line%% passed*}
			f=$(echo "$line" | sed -n 's/.* \([0-9][0-9]*\) failed$/\1/p')
		fi
	fi
	p=${p:-0}
	f=${f:-0}
	case $res in
	PASS)
		[ "$p" -eq 0 ] && p=1 ;;
	*)
		echo "  $res: ${base#./}"
		[ "$f" -eq 0 ] && f=1 ;;
	esac
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

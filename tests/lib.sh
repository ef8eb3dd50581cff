# Shared helpers for the shell tests: TAP-like lines, a temp dir removed on
# exit, and the phonefleet binary of the build tree.
: "${srcdir:=.}"
: "${top_builddir:=.}"
PF="$top_builddir/phonefleet"
n=0
failed=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -n "${2:-}" ] && echo "# $2"
	return 0
}

finish() {
	echo "$((n - failed)) passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# need TOOL PACKAGE: fail (never skip) when a tool the test uses is missing.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "not ok - $1 is missing: install the Debian package $2"
	echo "0 passed, 1 failed"
	exit 1
}

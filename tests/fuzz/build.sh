#!/bin/sh
# Builds libFuzzer binaries: tests/fuzz/build.sh OUTDIR TARGET...
# Each tests/fuzz/fuzz-TARGET.c is linked, with clang's fuzzer, address and
# undefined sanitizers, against archives of the library layers (proto, emu,
# netsim endpoints and sim, fleet), so a target pulls in only what it uses.
# Environment: srcdir (default: two levels up from this script), FUZZ_CC
# (default clang), top_builddir (where a generated fleet/scenario-rng.c may
# already be).
set -eu

usage() {
	echo "usage: build.sh OUTDIR TARGET..." >&2
	exit 2
}
[ $# -ge 2 ] || usage

out=$1
shift
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
cc=${FUZZ_CC:-clang}
[ -n "$cc" ] || cc=clang

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "build.sh: $cc not found:" \
	    "install the Debian packages clang libclang-rt-14-dev" >&2
	exit 1
fi

mkdir -p "$out/obj"
out=$(cd "$out" && pwd)
obj=$out/obj

# A compiler without the libFuzzer runtime fails here, not in the middle.
cat >"$obj/probe.c" <<'PROBE'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	return (d == NULL && n != 0);
}
PROBE
if ! "$cc" -fsanitize=fuzzer,address,undefined -o "$obj/probe" \
    "$obj/probe.c" >"$obj/probe.log" 2>&1; then
	echo "build.sh: $cc cannot link libFuzzer programs:" \
	    "install the Debian packages clang libclang-rt-14-dev" >&2
	exit 1
fi

pkgs="libxml-2.0 libcrypto libssl zlib"
if ! pkg_cflags=$(pkg-config --cflags $pkgs) ||
    ! pkg_libs=$(pkg-config --libs $pkgs); then
	echo "build.sh: pkg-config: $pkgs missing" >&2
	exit 1
fi

cflags="-g -O1 -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer"
cflags="$cflags -I$srcdir $pkg_cflags"
# The intern table sweeps after every 64 bytes of growth, not 1 MiB, so
# that a string used after its last reference is dropped shows under ASan.
cflags="$cflags -DINTERN_SWEEP_MIN=64"
san="-fsanitize=address,undefined"

# The scenario schema as a C string, as Makefile.am makes it.
rng=$top_builddir/fleet/scenario-rng.c
if [ ! -f "$rng" ] && [ -f "$srcdir/fleet/scenario.rng" ]; then
	rng=$obj/scenario-rng.c
	{
		echo '/* Generated from fleet/scenario.rng: do not edit. */'
		echo '#include <stddef.h>'
		echo 'extern const char scenario_rng[];'
		echo 'extern const size_t scenario_rng_len;'
		echo 'const char scenario_rng[] ='
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' \
		    "$srcdir/fleet/scenario.rng"
		echo ';'
		echo 'const size_t scenario_rng_len = sizeof scenario_rng - 1;'
	} >"$rng"
fi

# The parameter catalogue compiled into emu/param.c, as Makefile.am makes it.
if [ -f "$top_builddir/emu/param-cat.inc" ]; then
	cflags="$cflags -I$top_builddir"
else
	mkdir -p "$obj/emu" &&
	    awk -f "$srcdir/emu/param-cat.awk" \
	    "$srcdir/data/mpp-parameters.tsv" >"$obj/emu/param-cat.inc" ||
	    exit 1
	cflags="$cflags -I$obj"
fi

# One archive per layer; the runtimes (netsim/rt-*.c) do I/O and are left
# out.  A layer's files compile in parallel.
libs=
for layer in fleet netsim emu proto; do
	rm -f "$obj/lib$layer.a"
	objs=
	pids=
	for src in "$srcdir/$layer"/*.c; do
		[ -f "$src" ] || continue
		case $src in
		*/netsim/rt-*.c) continue ;;
		esac
		o=$obj/$layer-$(basename "$src" .c).o
		"$cc" $cflags $san -fsanitize=fuzzer-no-link -c -o "$o" \
		    "$src" &
		pids="$pids $!"
		objs="$objs $o"
	done
	if [ $layer = fleet ] && [ -f "$rng" ]; then
		o=$obj/fleet-scenario-rng.o
		"$cc" $cflags -c -o "$o" "$rng" &
		pids="$pids $!"
		objs="$objs $o"
	fi
	failed=0
	for pid in $pids; do
		wait "$pid" || failed=1
	done
	if [ $failed -ne 0 ]; then
		echo "build.sh: $layer: compilation failed" >&2
		exit 1
	fi
	[ -n "$objs" ] || continue
	ar rc "$obj/lib$layer.a" $objs
	libs="$libs $obj/lib$layer.a"
done

for t in "$@"; do
	src=$srcdir/tests/fuzz/fuzz-$t.c
	if [ ! -f "$src" ]; then
		echo "build.sh: no fuzz target $src" >&2
		exit 1
	fi
	"$cc" $cflags -fsanitize=fuzzer,address,undefined -o "$out/fuzz-$t" \
	    "$src" $libs $pkg_libs -lm
	echo "build.sh: $out/fuzz-$t"
done

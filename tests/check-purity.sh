#!/bin/sh
# STYLE.md 3: proto/, emu/ and the netsim endpoints are sans-I/O.  Greps
# their sources, with comments and string literals blanked out first, for
# sockets, libevent, ncurses, libslirp, threads, clock reads, rand(),
# getenv(), sleeping and stdio.  fprintf (to stderr) is allowed only in
# proto/xmalloc.c, which reports running out of memory.  Prints each
# offence as file:line and fails; else "purity: N files clean".
set -eu

srcdir=${srcdir:-.}

# Identifier start: not after a letter, digit, '_', '.' or '->'.
b='(^|[^A-Za-z0-9_.>])'
c='[[:space:]]*\('

calls='socket|socketpair|connect|bind|listen|accept|accept4|sendto|recvfrom'
calls="$calls|sendmsg|recvmsg|send|recv|getaddrinfo|gethostbyname|select|poll"
socket_re="${b}($calls|epoll_[a-z_]+)$c"

ev='event_|bufferevent_|evbuffer_|evhttp_|evdns_|evutil_'
evtypes='event|event_base|bufferevent|evbuffer|evhttp[a-z_]*'
event_re="${b}($ev)[A-Za-z0-9_]*$c"
event_re="$event_re|${b}struct[[:space:]]+($evtypes)([^A-Za-z0-9_]|$)"

hdrs='event2/|event\.h|evhttp\.h|sys/socket\.h|netdb\.h|ncurses|curses\.h'
hdrs="$hdrs|term\.h|libslirp|slirp/|pthread\.h|sys/time\.h|termios\.h"
include_re="^[[:space:]]*#[[:space:]]*include[[:space:]]*<($hdrs)"

slirp_re="${b}slirp_[A-Za-z0-9_]*"
thread_re="${b}pthread_[A-Za-z0-9_]*"

calls='time|gettimeofday|clock_gettime|clock|rand|srand|random|srandom'
calls="$calls|rand_r|drand48|lrand48|arc4random|getrandom|getenv"
calls="$calls|secure_getenv|setenv|putenv|sleep|usleep|nanosleep|alarm"
clock_re="${b}($calls)$c"

stdio='fopen|fdopen|freopen|fread|fwrite|fgets|fputs|fputc|fgetc|getc|putc'
stdio="$stdio|getchar|putchar|puts|printf|vprintf|vfprintf|scanf|fscanf"
stdio="$stdio|fflush|fclose|perror|open|openat|read|write|close|popen|system"

# Blank /* */ and // comments and the contents of string and character
# literals, keeping line numbers.
strip() {
	awk '
	BEGIN { incomment = 0 }
	{
		line = $0; out = ""; i = 1; n = length(line); q = ""
		while (i <= n) {
			ch = substr(line, i, 1); two = substr(line, i, 2)
			if (incomment) {
				if (two == "*/") {
					incomment = 0
					i += 2
					out = out " "
				} else
					i++
				continue
			}
			if (q != "") {
				if (ch == "\\") { i += 2; continue }
				if (ch == q) { q = ""; out = out ch }
				i++
				continue
			}
			if (two == "/*") { incomment = 1; i += 2; continue }
			if (two == "//") break
			if (ch == "\"" || ch == "'\''") {
				q = ch
				out = out ch
				i++
				continue
			}
			out = out ch; i++
		}
		print out
	}' "$1"
}

nfiles=0
bad=0
report() {
	# $1 file, $2 what, $3 grep output "line:text"
	printf '%s\n' "$3" | while IFS=: read -r ln rest; do
		[ -n "$ln" ] || continue
		orig=$(sed -n "${ln}p" "$1" | sed -e 's/^[[:space:]]*//')
		echo "$1:$ln: $2: $orig"
	done
}

tmp=$(mktemp "${TMPDIR:-/tmp}/pf-purity.XXXXXX")
trap 'rm -f "$tmp"' EXIT

for f in "$srcdir"/proto/*.c "$srcdir"/emu/*.c "$srcdir"/netsim/ep-*.c \
    "$srcdir"/netsim/store.c; do
	[ -f "$f" ] || continue
	nfiles=$((nfiles + 1))
	strip "$f" >"$tmp"
	case $f in
	*/proto/xmalloc.c) stdio_re="${b}($stdio)$c" ;;
	*) stdio_re="${b}($stdio|fprintf)$c" ;;
	esac
	for check in socket event include slirp thread clock stdio; do
		case $check in
		socket) re=$socket_re; what="socket call" ;;
		event) re=$event_re; what="libevent" ;;
		include) re=$include_re; what="forbidden header" ;;
		slirp) re=$slirp_re; what="libslirp" ;;
		thread) re=$thread_re; what="threads" ;;
		clock) re=$clock_re; what="clock, rand, getenv or sleep" ;;
		stdio) re=$stdio_re; what="file or terminal I/O" ;;
		esac
		if hits=$(grep -nE "$re" "$tmp"); then
			report "$f" "$what" "$hits"
			bad=$((bad + $(printf '%s\n' "$hits" | wc -l)))
		fi
	done
done

if [ $nfiles -eq 0 ]; then
	echo "purity: no sources under $srcdir"
	exit 1
fi
if [ $bad -ne 0 ]; then
	echo "purity: $bad offence(s) in sans-I/O code (STYLE.md 3)"
	exit 1
fi
echo "purity: $nfiles files clean"
exit 0

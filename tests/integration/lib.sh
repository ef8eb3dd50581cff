# Helpers for tests/integration/*.sh, sourced after tests/lib.sh: free
# loopback ports, waiting for a server, and an nginx of the test's own.
# Only 127.0.0.0/8 is used.

# free_ports N [udp] [ADDR]: N ports free on ADDR (127.0.0.1), one line.
free_ports() {
	python3 - "$1" "${2:-tcp}" "${3:-127.0.0.1}" <<'PY'
import socket, sys
n, kind, addr = int(sys.argv[1]), sys.argv[2], sys.argv[3]
t = socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM
s = [socket.socket(socket.AF_INET, t) for _ in range(n)]
for x in s:
    x.bind((addr, 0))
print(" ".join(str(x.getsockname()[1]) for x in s))
PY
}

# wait_tcp PORT: 0 once 127.0.0.1:PORT accepts (at most 10 s).
wait_tcp() {
	python3 - "$1" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# nginx_start PORT LOGFORMAT [LISTEN-FLAGS] [DIRECTIVES]: an nginx serving
# $tmp/www on 127.0.0.1:PORT (with LISTEN-FLAGS, e.g. ssl), its own pid,
# logs ($tmp/logs/access.log in LOGFORMAT) and temp paths under $tmp;
# DIRECTIVES go in the server block.  Sets $ngx; the caller's trap kills
# it.  0 once it accepts.
nginx_start() {
	mkdir -p "$tmp/logs"
	chmod -R a+rX "$tmp"
	cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 256; }
http {
	log_format pf '$2';
	access_log $tmp/logs/access.log pf;
	client_body_temp_path $tmp/logs;
	proxy_temp_path $tmp/logs;
	fastcgi_temp_path $tmp/logs;
	uwsgi_temp_path $tmp/logs;
	scgi_temp_path $tmp/logs;
	server {
		listen 127.0.0.1:$1 ${3:-};
		root $tmp/www;
		${4:-}
	}
}
CONF
	# As root, the worker reads the test's files as root.
	[ "$(id -u)" -eq 0 ] && sed -i '1i user root;' "$tmp/nginx.conf"
	nginx -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" &
	ngx=$!
	wait_tcp "$1"
}

# nginx_up PORT LOGFORMAT [LISTEN-FLAGS] [DIRECTIVES]: nginx_start, stopped
# when the test exits; a check that it listens, or the test's end.
nginx_up() {
	trap 'kill $ngx 2>/dev/null; wait $ngx 2>/dev/null; rm -rf "$tmp"' EXIT
	if nginx_start "$@"; then
		ok "nginx listens${3:+ with $3} on 127.0.0.1:$1"
	else
		notok "nginx did not start" "$(tail -n 3 "$tmp/logs/error.log")"
		finish
	fi
}

# mac_profiles N PREFIX FORMAT: $tmp/www/cfg/<PREFIX><i as 4 hex digits>.xml
# for i in 1..N, each the printf FORMAT with the MAC for %s.
mac_profiles() {
	mkdir -p "$tmp/www/cfg"
	i=1
	while [ $i -le "$1" ]; do
		mac=$(printf '%s%04x' "$2" $i)
		# shellcheck disable=SC2059
		printf "$3\n" "$mac" >"$tmp/www/cfg/$mac.xml"
		i=$((i + 1))
	done
}

#!/bin/sh
# Starts an nginx on 127.0.0.1:18080 that serves a provisioning profile per
# MAC (/cfg/<mac>.xml, about 1 KB each) for the phones of
# scenarios/load-nginx.xml, runs that scenario with phonefleet against it
# (extra arguments go to phonefleet run: --report json, --out FILE, ...),
# prints nginx's request count, and stops nginx.  Exit status: phonefleet's.
#
# LOAD_NGINX_PORT=N puts nginx (and the scenario's phones) on port N instead.
#
# Usage: scenarios/load-nginx.sh [PHONEFLEET] [-- RUN-ARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
port=${LOAD_NGINX_PORT:-18080}
pf=./phonefleet
if [ $# -gt 0 ] && [ "$1" != "--" ]; then
	pf=$1
	shift
fi
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
command -v nginx >/dev/null || { echo "load-nginx.sh: needs nginx (package nginx-light)"; exit 2; }
tmp=$(mktemp -d)
ngx=
trap '[ -n "$ngx" ] && kill $ngx 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/www/cfg" "$tmp/logs"
i=1
while [ $i -le 1000 ]; do
	mac=$(printf '00562b2%05x' $i)
	{
		echo "<flat-profile>"
		echo "  <GPP_A>nginx</GPP_A>"
		echo "  <Station_Name>SEP$mac</Station_Name>"
		echo "  <Resync_Periodic>3600</Resync_Periodic>"
		echo "  <!-- A provider's profile carries its lines, dial plan, time"
		echo "       zone and firmware rule; this one is a stand-in of about"
		echo "       the size of a small one. -->"
		echo "</flat-profile>"
	} >"$tmp/www/cfg/$mac.xml"
	i=$((i + 1))
done
chmod -R a+rX "$tmp"
cat >"$tmp/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
events { worker_connections 4096; }
http {
	access_log $tmp/logs/access.log;
	client_body_temp_path $tmp/logs;
	proxy_temp_path $tmp/logs;
	fastcgi_temp_path $tmp/logs;
	uwsgi_temp_path $tmp/logs;
	scgi_temp_path $tmp/logs;
	server {
		listen 127.0.0.1:$port;
		root $tmp/www;
	}
}
CONF
[ "$(id -u)" -eq 0 ] && sed -i '1i user root;' "$tmp/nginx.conf"
nginx -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf" &
ngx=$!
n=0
until python3 -c '
import socket, sys
socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$port" 2>/dev/null; do
	n=$((n + 1))
	if [ $n -gt 100 ] || ! kill -0 $ngx 2>/dev/null; then
		echo "load-nginx.sh: nginx did not start on 127.0.0.1:$port:"
		tail -n 3 "$tmp/logs/error.log"
		exit 2
	fi
	sleep 0.1
done
sc=$here/load-nginx.xml
if [ "$port" != 18080 ]; then
	sed "s/127\.0\.0\.1:18080/127.0.0.1:$port/g; s/http=\"18080\"/http=\"$port\"/" "$sc" >"$tmp/load-nginx.xml"
	sc=$tmp/load-nginx.xml
fi
rc=0
"$pf" run "$sc" "$@" || rc=$?
echo "nginx: $(wc -l <"$tmp/logs/access.log") requests logged"
exit $rc

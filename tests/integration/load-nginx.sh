#!/bin/sh
# The README's load test: scenarios/load-nginx.sh starts an nginx on
# 127.0.0.1:18080, runs scenarios/load-nginx.xml (1,000 phones, a ramp, a
# cap in flight, a resync storm, latency and error bounds) against it and
# stops it; every expectation holds and nginx logged each phone's fetches.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/integration/lib.sh"
need nginx nginx-light
need python3 python3

# A free port, so that two suites on one machine do not collide.
LOAD_NGINX_PORT=$(free_ports 1) sh "$srcdir/scenarios/load-nginx.sh" "$PF" -- --report json --out "$tmp/r.json" >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "load-nginx: every expectation held (exit $rc)" || notok "load-nginx: exit $rc" "$(grep -iE 'FAIL|error' "$tmp/out" | head -n 5)"
python3 - "$tmp/r.json" "$tmp/out" <<'PY' && ok "the JSON report's fetches match nginx's log, none failed" || notok "report vs nginx log" "$(tail -n 3 "$tmp/out")"
import json, re, sys
d = json.load(open(sys.argv[1]))
logged = int(re.search(r"nginx: (\d+) requests logged", open(sys.argv[2]).read()).group(1))
fetch = d["latency"]["fetch"]
sys.exit(0 if d["result"] == "pass" and fetch["count"] == logged and not fetch["errors"] and logged >= 2000 else 1)
PY
finish

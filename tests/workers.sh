#!/bin/sh
# run --workers N (docs/load.md): the phones split over N processes, their
# reports merged into one.  On a scenario in virtual time the merged
# report is the one-process report: the same phones, totals, histograms
# (exactly) and time series, every expectation judged whole (a <latency>
# that needs the samples of all workers holds), a failure naming its
# phone; a worker per phone at most; what a sharded run cannot do is one
# line and exit 2.
. "$srcdir/tests/lib.sh"
need python3 python3

sc="$srcdir/tests/data/scenario-workers.xml"

"$PF" run "$sc" --report json --out "$tmp/one.json" >/dev/null 2>"$tmp/err1"
rc1=$?
"$PF" run "$sc" --workers 3 --report json --out "$tmp/three.json" --csv "$tmp/three.csv" >/dev/null 2>"$tmp/err3"
rc3=$?
"$PF" run "$sc" --csv "$tmp/one.csv" >/dev/null 2>&1
if [ "$rc1" -eq 0 ] && [ "$rc3" -eq 0 ]; then
	ok "one process and three workers: both pass"
else
	notok "exit $rc1 and $rc3" "$(cat "$tmp/err1" "$tmp/err3" | head -n 3)"
fi
if python3 - "$tmp/one.json" "$tmp/three.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
ok = a["phones"] == b["phones"] == 300
for k in ("boots", "dhcp_acks", "resyncs", "resync_ok", "fetches", "requests"):
    ok = ok and a["totals"][k] == b["totals"][k]
ok = ok and a["totals"]["resyncs"] == 1800
ok = ok and a["customization"] == b["customization"]
sys.exit(0 if ok else 1)
PY
then
	ok "merged report: 300 phones, the same totals and customization"
else
	notok "merged totals differ" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"])' "$tmp/three.json")"
fi
if python3 - "$tmp/one.json" "$tmp/three.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
ok = set(a["latency"]) == set(b["latency"])
for s in a["latency"]:
    ok = ok and a["latency"][s]["count"] == b["latency"][s]["count"]
    ok = ok and a["latency"][s]["hist"] == b["latency"][s]["hist"]
    ok = ok and a["latency"][s]["p99_us"] == b["latency"][s]["p99_us"]
ok = ok and a["latency"]["fetch"]["count"] == 1800
ok = ok and a["timeseries"] == b["timeseries"]
sys.exit(0 if ok else 1)
PY
then
	ok "merged histograms and time series equal one process's, bucket by bucket"
else
	notok "merged latency differs"
fi
cmp -s "$tmp/one.csv" "$tmp/three.csv" && ok "--csv with workers: the same series" ||
    notok "--csv differs with workers" "$(diff "$tmp/one.csv" "$tmp/three.csv" | head -n 4)"
if python3 - "$tmp/three.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
e = b["expectations"]
ok = [x["checked"] for x in e] == [300, 1, 3] and all(x["passed"] for x in e)
ok = ok and b["passed"] == 3 and b["failed"] == 0
sys.exit(0 if ok else 1)
PY
then
	ok "expectations whole: 300 phones checked once, one phone by its worker, the latency of 300 DHCP samples on the merged ones"
else
	notok "merged expectations" "$(python3 -c 'import json,sys; print([(x["checked"],x["passed"]) for x in json.load(open(sys.argv[1]))["expectations"]])' "$tmp/three.json")"
fi

# A failing phone check: the merged text report names the phone, exit 1.
sed 's|cfg/00562b120005.xml"/>|cfg/elsewhere.xml"/>|' "$sc" >"$tmp/fail.xml"
"$PF" run "$tmp/fail.xml" --workers 4 >"$tmp/fail.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^FAIL .*its own path at 1m: 0/1 phones$' "$tmp/fail.txt" &&
    grep -q '^    00562B120005: expected last URL http://10.9.0.5:80/cfg/elsewhere.xml, saw http://10.9.0.5:80/cfg/00562b120005.xml$' "$tmp/fail.txt" &&
    grep -q '^result: FAIL (1 of 3 expectations failed)$' "$tmp/fail.txt"; then
	ok "a failure in one worker: the phone named, exit 1"
else
	notok "failure with workers: exit $rc" "$(grep -A1 FAIL "$tmp/fail.txt" | head -n 4)"
fi

# JUnit from the merged result.
"$PF" run "$sc" --workers 2 --report junit >"$tmp/j.xml" 2>/dev/null
rc=$?
[ "$rc" -eq 0 ] && grep -q '<testsuite name="workers" tests="3" failures="0"' "$tmp/j.xml" &&
    ok "JUnit report of a run with workers" || notok "JUnit with workers: exit $rc" "$(head -n 3 "$tmp/j.xml")"

# Bad uses: one line, exit 2.
bad() {
	label=$1
	want=$2
	shift 2
	"$PF" run "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$want" "$tmp/err"; then
		ok "$label: exit 2, one line"
	else
		notok "$label: exit $rc" "$(head -n 2 "$tmp/err")"
	fi
}
bad "--workers 0" '--workers: "0" is not a number of processes from 1 to 256' "$sc" --workers 0
bad "--workers 257" '--workers: "257" is not a number' "$sc" --workers 257
bad "--workers x" '--workers: "x" is not a number' "$sc" --workers x
sed 's/count="300"/count="3"/; s/p\[4\]/p[1]/' "$sc" >"$tmp/three-phones.xml"
bad "more workers than phones" '--workers: 4 workers for 3 phones: at most one worker per phone' "$tmp/three-phones.xml" --workers 4
mkdir -p "$tmp/state"
bad "--state with workers" '--workers: --state, --uploads and traces are for one process' "$sc" --workers 2 --state "$tmp/state"
bad "a server check with workers" 'load-phases.xml:70: this expectation checks what a simulated server saw' "$srcdir/scenarios/load-phases.xml" --workers 2
finish

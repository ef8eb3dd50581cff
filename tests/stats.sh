#!/bin/sh
# Latency and error statistics end to end (docs/statistics.md): the
# <latency> and <errors> expectations hold on scenarios/slow-server.xml and
# fail, naming the step and the percentile, when a bound is tightened below
# what the slow path costs; their bad values are one-line loader errors;
# run --csv writes the per-second series; report merge adds runs' JSON
# reports (counts add, histograms merge exactly) and refuses what is not
# one with the file and the field.
. "$srcdir/tests/lib.sh"
need python3 python3

sc="$srcdir/scenarios/slow-server.xml"

"$PF" run "$sc" --report json --out "$tmp/a.json" --csv "$tmp/a.csv" >/dev/null 2>&1
rc=$?
[ "$rc" -eq 0 ] && ok "slow-server: the latency and error bounds hold" || notok "slow-server: exit $rc"
"$PF" run "$sc" >"$tmp/a.txt" 2>&1
if grep -qE '^step +count +errors +p50 +p90 +p99 +p99\.9 +max +\(ms\)$' "$tmp/a.txt" &&
    grep -qE '^fetch +56 +16 +12\.000 +312\.000 +312\.000 +312\.000 +312\.000$' "$tmp/a.txt" &&
    grep -q '^step-errors connect: connect 16$' "$tmp/a.txt"; then
	ok "text report: a row per step in ms, errors by cause"
else
	notok "text report's step table" "$(grep -A8 '^step ' "$tmp/a.txt")"
fi
if python3 - "$tmp/a.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["latency"]["fetch"]
ok = d["version"] == 1 and f["count"] == 56 and f["errors"] == {"connect": 16}
ok = ok and f["p99_us"] == 312000 and f["hist"]["n"] == 40
ok = ok and set(d["latency"]) == {"dhcp", "dns", "connect", "ttfb", "fetch", "provision"}
ok = ok and all(len(r) == 5 for r in d["timeseries"])
sys.exit(0 if ok else 1)
PY
then
	ok "JSON report: latency per step with its histogram, the time series"
else
	notok "JSON report's latency" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["latency"]["fetch"])' "$tmp/a.json" | head -c 400)"
fi

# --csv: one header line, then a line per second with transfers.
if [ "$(head -n 1 "$tmp/a.csv")" = "second,started,ok,errors,p99_fetch_ms" ] &&
    [ "$(wc -l <"$tmp/a.csv")" -gt 10 ] &&
    awk -F, 'NR > 1 && (NF != 5 || $1 !~ /^[0-9]+$/) { bad = 1 } END { exit bad }' "$tmp/a.csv" &&
    [ "$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$tmp/a.csv")" -eq 56 ]; then
	ok "--csv: header, one line per second, 56 transfers started"
else
	notok "--csv" "$(head -n 4 "$tmp/a.csv")"
fi
"$PF" run "$sc" --csv "$tmp/b.csv" >/dev/null 2>&1
cmp -s "$tmp/a.csv" "$tmp/b.csv" && ok "--csv: same seed, same series" || notok "--csv differs between runs"
"$PF" run "$sc" --csv "$tmp/nodir/x.csv" >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && grep -q "^phonefleet run: --csv: $tmp/nodir/x.csv: " "$tmp/err" &&
    ok "--csv to a path that cannot be written: exit 2" || notok "--csv bad path: exit $rc" "$(cat "$tmp/err")"

# A bound the slow path breaks: exit 1, the step and percentile named.
sed 's/p99="400ms" min-count="40"/p99="300ms" min-count="40"/' "$sc" >"$tmp/tight.xml"
"$PF" run "$tmp/tight.xml" >"$tmp/tight.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q '^    expected fetch latency p99 <= 300\.000ms, saw fetch p99 312\.000ms$' "$tmp/tight.txt"; then
	ok "p99 bound below the slow path: exit 1, fetch p99 named"
else
	notok "tightened p99: exit $rc" "$(grep -A1 '^FAIL' "$tmp/tight.txt")"
fi
sed 's/min-count="40"/min-count="1000"/' "$sc" >"$tmp/few.xml"
"$PF" run "$tmp/few.xml" >"$tmp/few.txt" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q 'expected fetch latency over at least 1000 samples, saw fetch 40 samples' "$tmp/few.txt" &&
    ok "min-count: too few samples fail" || notok "min-count: exit $rc" "$(grep -A1 '^FAIL' "$tmp/few.txt")"
sed 's|<errors class="any" max="30%"/>|<errors class="any" max="0.1%"/>|' "$sc" >"$tmp/err.xml"
"$PF" run "$tmp/err.xml" >"$tmp/err.txt" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -q 'expected fetch errors any at most 0\.1000%, saw 16 of 56 (28\.5714%)' "$tmp/err.txt"; then
	ok "<errors max=\"0.1%\">: 16 of 56 fail, exit 1"
else
	notok "<errors> percentage: exit $rc" "$(grep -A1 '^FAIL' "$tmp/err.txt")"
fi
"$PF" run "$tmp/tight.xml" --report junit --out "$tmp/tight.junit" >/dev/null 2>&1
grep -q 'fetch latency p99 &lt;= 300.000ms' "$tmp/tight.junit" && ok "JUnit: the failure text" || notok "JUnit failure text" "$(grep -A2 failure "$tmp/tight.junit" | head -n 4)"

# Bad values: one line each, file:line, the element and the attribute.
bad() {
	# $1: the element to put in an expectation; $2: the expected message
	sed "s|<latency step=\"dhcp\" p99=\"100ms\"/>|$1|" "$sc" >"$tmp/bad.xml"
	"$PF" run "$tmp/bad.xml" >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ] && grep -qF "$2" "$tmp/bad.err"; then
		ok "loader: $1"
	else
		notok "loader: $1: exit $rc" "$(cat "$tmp/bad.err")"
	fi
}
line=$(grep -n '<latency step="dhcp"' "$sc" | cut -d: -f1)
bad '<latency step="dora" p99="1s"/>' "bad.xml:$line: <latency step=\"dora\">: unknown step \"dora\""
bad '<latency step="fetch" p99="fast"/>' "bad.xml:$line: <latency p99=\"fast\">: p99 is not a time"
bad '<latency step="fetch"/>' "bad.xml:$line: <latency>: needs a bound"
bad '<latency step="fetch" p99.9="1s" min-count="x"/>' "bad.xml:$line: <latency min-count=\"x\">:"
bad '<latency step="fetch" p95="1s"/>' "bad.xml:$line:"
bad '<errors class="slow" max="1"/>' "bad.xml:$line: <errors class=\"slow\">: unknown error class \"slow\""
bad '<errors class="any" max="200%"/>' "bad.xml:$line: <errors max=\"200%\">: max is not a percentage"
bad '<errors class="any" max="0.00001%"/>' "bad.xml:$line: <errors max=\"0.00001%\">: max is not a percentage"
bad '<errors class="timeout"/>' "bad.xml:$line: <errors"
bad '<errors step="nope" class="any" max="1"/>' "bad.xml:$line: <errors step=\"nope\">: unknown step"

# report merge: two runs (seeds 8 and 9) into one.
"$PF" run "$sc" --seed 9 --report json --out "$tmp/b.json" >/dev/null 2>&1
"$PF" report merge "$tmp/a.json" "$tmp/b.json" --report json >"$tmp/m.json" 2>"$tmp/m.err"
rc=$?
if [ "$rc" -eq 0 ] && python3 - "$tmp/a.json" "$tmp/b.json" "$tmp/m.json" <<'PY'
import json, sys
a, b, m = (json.load(open(p)) for p in sys.argv[1:4])
ok = m["phones"] == a["phones"] + b["phones"]
ok = ok and m["totals"]["fetches"] == a["totals"]["fetches"] + b["totals"]["fetches"]
for step in a["latency"]:
    ha, hb, hm = a["latency"][step]["hist"], b["latency"][step]["hist"], m["latency"][step]["hist"]
    ok = ok and hm["n"] == ha["n"] + hb["n"] and hm["max"] == max(ha["max"], hb["max"])
    buckets = {}
    for h in (ha, hb):
        for i in range(0, len(h["b"]), 2):
            buckets[h["b"][i]] = buckets.get(h["b"][i], 0) + h["b"][i + 1]
    ok = ok and hm["b"] == [x for k in sorted(buckets) for x in (k, buckets[k])]
    ok = ok and m["latency"][step]["count"] == a["latency"][step]["count"] + b["latency"][step]["count"]
started = lambda d: sum(r[1] for r in d["timeseries"])
ok = ok and started(m) == started(a) + started(b)
sys.exit(0 if ok else 1)
PY
then
	ok "report merge: counts add, histograms bucket by bucket, series by second"
else
	notok "report merge: exit $rc" "$(head -c 300 "$tmp/m.err")"
fi
"$PF" report merge "$tmp/a.json" "$tmp/a.json" >"$tmp/m.txt" 2>&1
grep -qE '^fetch +112 +32 +12\.000 +312\.000' "$tmp/m.txt" && grep -q ', 88 phones,' "$tmp/m.txt" &&
    ok "report merge: a text report of the whole" || notok "report merge text" "$(grep -A3 '^step' "$tmp/m.txt")"
# The merged report merges again: the same report.
"$PF" report merge "$tmp/m.json" --report json >"$tmp/m2.json" 2>&1
cmp -s "$tmp/m.json" "$tmp/m2.json" && ok "report merge of a merged report: the same report" || notok "re-merge differs" "$(diff "$tmp/m.json" "$tmp/m2.json" | head -n 5)"

mergebad() {
	# $1: file; $2: expected message
	"$PF" report merge "$tmp/a.json" "$1" >"$tmp/mb.out" 2>"$tmp/mb.err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/mb.err")" -eq 1 ] && grep -qF "phonefleet report merge: $1: $2" "$tmp/mb.err" && [ ! -s "$tmp/mb.out" ]; then
		ok "report merge refuses: $2"
	else
		notok "report merge bad input: exit $rc" "$(cat "$tmp/mb.err")"
	fi
}
"$PF" run "$sc" >"$tmp/text.txt" 2>/dev/null
mergebad "$tmp/text.txt" "not JSON: offset 0: "
echo '{"scenario": "x"}' >"$tmp/old.json"
mergebad "$tmp/old.json" "version: missing"
sed 's/"version": 1/"version": 2/' "$tmp/a.json" >"$tmp/v2.json"
mergebad "$tmp/v2.json" "version: not 1"
python3 - "$tmp/a.json" "$tmp/hist.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["latency"]["ttfb"]["hist"]["b"][1] += 1
json.dump(d, open(sys.argv[2], "w"))
PY
mergebad "$tmp/hist.json" "latency.ttfb.hist: n: 40, but the buckets hold 41"
mergebad "$tmp/missing.json" "No such file or directory"
"$PF" report merge >/dev/null 2>&1
[ $? -eq 2 ] && ok "report merge without files: exit 2" || notok "report merge without files"
finish

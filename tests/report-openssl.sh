#!/bin/sh
# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
#
# B107: a configuration report uploaded with [--key K] (spec 16.4, 11.2)
# decrypts with the real "openssl enc -d -aes-256-cbc -k K" to the full
# flat-profile, secrets left out; the aes128gcm one (11.3) decrypts with
# "phonefleet profile decrypt --ikm".  The bodies are those the simulated
# report server of scenarios/report-upload.xml kept (run --uploads DIR).
. "$srcdir/tests/lib.sh"
need openssl openssl

mkdir -p "$tmp/up"
if "$PF" run "$srcdir/scenarios/report-upload.xml" --uploads "$tmp/up" \
    >"$tmp/run.txt" 2>"$tmp/run.err"; then
	ok "report-upload runs and keeps its uploads"
else
	notok "report-upload run" "$(head -n 5 "$tmp/run.txt" "$tmp/run.err")"
fi

# The encrypted bodies are the ones in OpenSSL's salted format.
nenc=0
ngcm=0
for b in "$tmp"/up/*.body; do
	[ -f "$b" ] || continue
	magic=$(head -c 8 "$b")
	if [ "$magic" = "Salted__" ]; then
		nenc=$((nenc + 1))
		if openssl enc -d -aes-256-cbc -k report-key -in "$b" \
		    -out "$b.xml" 2>/dev/null &&
		    grep -q '<GPP_A ua="rw">provisioned</GPP_A>' "$b.xml" &&
		    grep -q '</flat-profile>' "$b.xml" &&
		    ! grep -q 'GPP_SA' "$b.xml" &&
		    ! grep -q 'report-key' "$b.xml"; then
			ok "B107: $(basename "$b") decrypts with openssl enc -d -aes-256-cbc -k"
		else
			notok "B107: $(basename "$b") with openssl enc -d" \
			    "$(head -c 200 "$b.xml" 2>/dev/null)"
		fi
		if openssl enc -d -aes-256-cbc -k wrong-key -in "$b" \
		    -out "$b.bad" 2>/dev/null &&
		    grep -q '</flat-profile>' "$b.bad"; then
			notok "B107: $(basename "$b") also opens with a wrong key"
		else
			ok "B107: $(basename "$b") does not open with a wrong key"
		fi
	elif [ "$(od -An -tx1 -j16 -N5 "$b" | tr -d ' \n')" = 0000100000 ]; then
		# RFC 8188: salt(16), rs 4096, idlen 0, then the records.
		ngcm=$((ngcm + 1))
		if "$PF" profile decrypt --ikm cGhvbmVmbGVldC1yZXBvcnQtaWtt \
		    "$b" >"$b.xml" 2>"$tmp/gcm.err" &&
		    grep -q '<GPP_A ua="rw">provisioned</GPP_A>' "$b.xml"; then
			ok "11.3: $(basename "$b") is aes128gcm with the IKM"
		else
			notok "11.3: $(basename "$b") aes128gcm" \
			    "$(head -n 1 "$tmp/gcm.err")"
		fi
	fi
done
[ "$nenc" -eq 2 ] && ok "B107: two encrypted reports (one per phone)" ||
    notok "B107: encrypted reports" "found $nenc, want 2"
[ "$ngcm" -eq 1 ] && ok "11.3: one aes128gcm report" ||
    notok "11.3: aes128gcm reports" "found $ngcm, want 1"
finish

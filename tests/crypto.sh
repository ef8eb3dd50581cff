#!/bin/sh
# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
#
# "phonefleet profile encrypt|decrypt" against the real openssl command
# (spec 11.2, B63-B65): files made by "openssl enc -aes-256-cbc -k" (SHA-256
# and MD5 derivations, gzip inside) decrypt to the same bytes, and files
# phonefleet makes decrypt with "openssl enc -d".  A wrong key exits
# non-zero with one line naming the file.  RFC 8188 (--ikm) round trips.
. "$srcdir/tests/lib.sh"
need openssl openssl
need gzip gzip

# openssl's warning about EVP_BytesToKey goes to stderr; only the exit
# status and the bytes matter here.
ossl() {
	openssl "$@" 2>"$tmp/ossl.err"
}

# expect_fail WHAT WANT COMMAND...: exit non-zero, nothing on stdout, one
# line on stderr containing WANT.
expect_fail() {
	d=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ] && [ ! -s "$tmp/out" ] &&
	    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err"; then
		ok "$d (exit $rc, one line)"
	else
		notok "$d: exit $rc" "$(head -n 3 "$tmp/err")"
	fi
}

cat >"$tmp/p.xml" <<'END'
<flat-profile>
  <GPP_A>secret value</GPP_A>
  <Resync_Periodic>600</Resync_Periodic>
</flat-profile>
END
# a file of every byte value, for binary safety
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' </dev/null >"$tmp/bin" 2>/dev/null
head -c 5000 /dev/urandom >>"$tmp/bin"
gzip -c "$tmp/p.xml" >"$tmp/p.xml.gz"

# B63: openssl enc (SHA-256 derivation, the default since OpenSSL 1.1.0).
for f in p.xml p.xml.gz bin; do
	if ossl enc -aes-256-cbc -k secret -in "$tmp/$f" -out "$tmp/$f.enc" &&
	    "$PF" profile decrypt --key secret "$tmp/$f.enc" | cmp -s - "$tmp/$f"; then
		ok "B63: openssl enc -aes-256-cbc -k on $f decrypts to the same bytes"
	else
		notok "B63: openssl enc file $f" "$(cat "$tmp/ossl.err")"
	fi
	# 11.2: the MD5 derivation of OpenSSL 1.0.x
	if ossl enc -aes-256-cbc -md md5 -k secret -in "$tmp/$f" -out "$tmp/$f.md5" &&
	    "$PF" profile decrypt --key secret "$tmp/$f.md5" | cmp -s - "$tmp/$f"; then
		ok "B63: openssl enc -md md5 on $f decrypts (MD5 derivation tried)"
	else
		notok "B63: openssl enc -md md5 file $f" "$(cat "$tmp/ossl.err")"
	fi
done

# B65: compressed then encrypted: decrypt gives the gzip file, which
# inflates to the profile.
if "$PF" profile decrypt --key secret -o "$tmp/dec.gz" "$tmp/p.xml.gz.enc" &&
    gzip -dc "$tmp/dec.gz" | cmp -s - "$tmp/p.xml"; then
	ok "B65: gzip then openssl enc: decrypt, then gunzip, gives the profile"
else
	notok "B65: gzip then encrypt"
fi

# The reverse: phonefleet encrypts, openssl enc -d decrypts.
for f in p.xml p.xml.gz bin; do
	if "$PF" profile encrypt --key secret "$tmp/$f" >"$tmp/$f.pf" &&
	    ossl enc -d -aes-256-cbc -k secret -in "$tmp/$f.pf" | cmp -s - "$tmp/$f"; then
		ok "profile encrypt --key on $f: openssl enc -d gives it back"
	else
		notok "profile encrypt $f" "$(cat "$tmp/ossl.err")"
	fi
	if "$PF" profile encrypt --key secret --md md5 -o "$tmp/$f.pf5" "$tmp/$f" &&
	    ossl enc -d -aes-256-cbc -md md5 -k secret -in "$tmp/$f.pf5" | cmp -s - "$tmp/$f"; then
		ok "profile encrypt --md md5 on $f: openssl enc -d -md md5 gives it back"
	else
		notok "profile encrypt --md md5 $f" "$(cat "$tmp/ossl.err")"
	fi
done
# Salted, with a fresh salt each time.
"$PF" profile encrypt --key secret "$tmp/p.xml" >"$tmp/a.enc"
"$PF" profile encrypt --key secret "$tmp/p.xml" >"$tmp/b.enc"
if [ "$(head -c 8 "$tmp/a.enc")" = "Salted__" ] && ! cmp -s "$tmp/a.enc" "$tmp/b.enc"; then
	ok "profile encrypt writes Salted__ and a random salt"
else
	notok "salted output"
fi

# B64: a wrong key.  A fixed salt keeps the run deterministic: with
# random salts a wrong key passes the padding check about once in 128.
# OpenSSL 3 leaves the Salted__ header out when the salt is given (-S);
# 1.1 wrote it.  The file is the same either way once it has one.
ossl enc -aes-256-cbc -k secret -S 0102030405060708 -in "$tmp/p.xml" -out "$tmp/fixed.raw"
if [ "$(head -c 8 "$tmp/fixed.raw")" = "Salted__" ]; then
	cp "$tmp/fixed.raw" "$tmp/fixed.enc"
else
	{ printf 'Salted__\001\002\003\004\005\006\007\010'; cat "$tmp/fixed.raw"; } >"$tmp/fixed.enc"
fi
if ossl enc -d -aes-256-cbc -k secret -in "$tmp/fixed.enc" | cmp -s - "$tmp/p.xml"; then
	ok "the fixed-salt file is an openssl enc file"
else
	notok "fixed-salt file" "$(cat "$tmp/ossl.err")"
fi
expect_fail "B64: wrong key" "fixed.enc: decrypt failed (wrong key or not an encrypted file)" \
    "$PF" profile decrypt --key wrong "$tmp/fixed.enc"
expect_fail "a plain file" "p.xml: not an encrypted file" \
    "$PF" profile decrypt --key secret "$tmp/p.xml"
head -c 40 "$tmp/fixed.enc" >"$tmp/cut.enc"
expect_fail "a cut file" "cut.enc: truncated" \
    "$PF" profile decrypt --key secret "$tmp/cut.enc"
expect_fail "a missing file" "nope.enc: " \
    "$PF" profile decrypt --key secret "$tmp/nope.enc"
# --md pins the derivation
expect_fail "--md md5 on a SHA-256 file" "decrypt failed" \
    "$PF" profile decrypt --key secret --md md5 "$tmp/fixed.enc"
if "$PF" profile decrypt --key secret --md sha256 "$tmp/fixed.enc" | cmp -s - "$tmp/p.xml"; then
	ok "--md sha256 decrypts a SHA-256 file"
else
	notok "--md sha256"
fi

# RFC 8188 (--ikm): round trips with several record sizes; a wrong IKM.
ikm=cGhvbmVmbGVldC1pa20tMQ
for rs in 18 100 4096; do
	if "$PF" profile encrypt --ikm "$ikm" --rs $rs "$tmp/bin" >"$tmp/bin.gcm" &&
	    "$PF" profile decrypt --ikm "$ikm" "$tmp/bin.gcm" | cmp -s - "$tmp/bin"; then
		ok "aes128gcm --rs $rs round trip"
	else
		notok "aes128gcm --rs $rs"
	fi
done
expect_fail "aes128gcm: wrong IKM" "bin.gcm: record 0: authentication failed" \
    "$PF" profile decrypt --ikm b3RoZXItcGhvbmUta2V5 "$tmp/bin.gcm"
expect_fail "aes128gcm: --rs below 18" "--rs" \
    "$PF" profile encrypt --ikm "$ikm" --rs 17 "$tmp/p.xml"
expect_fail "--ikm that is not base64" "--ikm" \
    "$PF" profile encrypt --ikm 'a*b' "$tmp/p.xml"

# Usage.
expect_fail "neither --key nor --ikm" "give --key or --ikm" \
    "$PF" profile encrypt "$tmp/p.xml"
expect_fail "unknown --md" "--md" \
    "$PF" profile encrypt --key k --md sha1 "$tmp/p.xml"
"$PF" profile encrypt --help >"$tmp/out" 2>&1 && grep -q 'profile decrypt' "$tmp/out" &&
    ok "profile encrypt --help" || notok "profile encrypt --help"
finish

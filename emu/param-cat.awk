# Copyright (c) 2026 The phonefleet authors.
# SPDX-License-Identifier: ISC
#
# data/mpp-parameters.tsv -> emu/param-cat.inc: the catalogue of every
# parameter name real MPP phones know (spec 7, data/mpp-parameters.md), as
# struct param_def entries that emu/param.c places after its typed ones.
# Each is free text with the catalogue's factory value; passwords are
# secret.  Run by Makefile.am (and tests/fuzz/build.sh) at build time.
#
# Columns: name, default, families, web_path, source.  The header row and
# blank lines are skipped; a malformed row stops the build.

BEGIN {
	FS = "\t"
	print "/* Generated from data/mpp-parameters.tsv by emu/param-cat.awk:"
	print "   do not edit. */"
}

function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

NR == 1 && $1 == "name" {
	next
}

$0 == "" {
	next
}

{
	if (NF < 3 || $1 !~ /^[A-Za-z_][A-Za-z0-9_.-]*$/) {
		printf "data/mpp-parameters.tsv:%d: bad row\n", NR \
		    > "/dev/stderr"
		bad = 1
		exit 1
	}
	if ($1 in seen) {
		printf "data/mpp-parameters.tsv:%d: %s twice\n", NR, $1 \
		    > "/dev/stderr"
		bad = 1
		exit 1
	}
	seen[$1] = 1
	flags = "PARAM_CATALOGUE"
	if ($1 ~ /(^|_)[Pp]assword(_[0-9]+_)?$/ || $1 ~ /^passphrase_/ ||
	    $1 ~ /^pskKey_/)
		flags = flags " | PARAM_SECRET"
	fam = ""
	n = split($3, f, ",")
	for (i = 1; i <= n; i++) {
		if (f[i] !~ /^(68|78|88|98)xx$/) {
			printf "data/mpp-parameters.tsv:%d: family \"%s\"\n", \
			    NR, f[i] > "/dev/stderr"
			bad = 1
			exit 1
		}
		fam = fam (fam == "" ? "" : " | ") "PARAM_FAM_" substr(f[i], 1, 2)
	}
	if (fam == "")
		fam = "0"
	path = NF >= 4 && $4 != "" ? $4 : "MPP parameter, no web page known"
	printf "\t{ %s, PT_STR, %s, 0, 0, NULL, %s, NULL, %s, %s },\n", \
	    cstr($1), cstr($2), flags, cstr(path), fam
	count++
}

END {
	if (bad)
		exit 1
	printf "/* %d names */\n", count
}

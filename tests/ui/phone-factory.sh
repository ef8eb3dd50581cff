#!/bin/sh
# phonefleet phone: Device administration > Factory reset asks first
# (Cancel keeps everything), OK resets (B120): the phone boots again from
# its factory values, and Profile rule shows the factory Profile_Rule
# (data/mpp-parameters.tsv) in place of the one the GDS profile set.
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

factory=$(awk -F'\t' '$1 == "Profile_Rule" { print $2; exit }' \
    "$srcdir/data/mpp-parameters.tsv")
[ -n "$factory" ] && ok "the factory Profile_Rule is \"$factory\"" || notok "no Profile_Rule default in data/mpp-parameters.tsv"

ui_start "\"$PF_ABS\" phone --speed 60"
see "the activation screen at boot" "Enter activation code"
keys 1234567812345678 F1
see "activated and provisioned" "| operational |"
keys Home 4
see "Device administration" "2 Factory reset"
keys 1
see "Profile rule: the GDS profile's rule" '/cfg/$MA.xml'
keys Escape
see "Back: Device administration" "2 Factory reset"
keys 2
see "Factory reset asks first" "Reset the phone to factory defaults?"
keys F2
see "Cancel: back to Device administration" "1 Profile rule"
keys 2
see "Factory reset asks again" "Reset the phone to factory defaults?"
keys F1
see "OK: the phone boots from its factory values, EDOS Unavailable again" "Enter activation code"
wait_for "SEP00562B000001" 1 && notok "Station_Name survived the reset" || ok "Station_Name is gone (B120)"
keys Escape
skip_password "Back: after the reset the phone asks for a password again"
see "Skip: idle" "Activation code required"
keys Home 4
see "Device administration" "1 Profile rule"
keys 1
see "Profile rule: the factory rule again" "Profile rule: $factory"
keys Escape
see "Back: Device administration" "2 Factory reset"
quit_ok "q quits, exit 0"
finish

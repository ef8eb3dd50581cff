#!/bin/sh
# phonefleet phone on the desk network: EDOS answers Unavailable, so the
# phone shows the activation-code screen (B19, 15.6); a code the GDS does
# not know says so and clears the field (B22); the desk's valid code
# (1234567812345678) provisions the phone from the rule the GDS gives (B21).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

ui_start "\"$PF_ABS\" phone --speed 60"
see "the activation screen at boot (B19)" "Enter activation code"
see "the customization state: Unavailable" "| activation | Unavailable |"
keys 1111222233334444
see "16 digits, grouped 4-4-4-4 (15.6)" "Enter activation code: 1111 2222 3333 4444"
see "Continue at 16 digits" "Continue"
keys 9
keys Left
see "a 17th digit is refused on the phone (B24): Left deletes the 16th" "Enter activation code: 1111 2222 3333 444 "
keys 4
see "the 16th again" "Enter activation code: 1111 2222 3333 4444"
keys F1
see "an unknown code: Invalid activation code (B22)" "Invalid activation code"
wait_for "1111 2222" 1 && notok "the field was not cleared (B22)" || ok "the invalid code is cleared (B22)"
keys 1234567812345678
see "the valid code typed" "Enter activation code: 1234 5678 1234 5678"
keys F1
see "the valid code provisions: the profile's Station_Name in the header" "SEP00562B000001"
see "the phone is operational" "| operational |"
see "the log has the GDS profile fetch" "/gds/00562b000001.xml: ok"
skip_password "once up, the first boot asks for a password"
quit_ok "q quits, exit 0"
finish

#!/bin/sh
# phonefleet phone: Device administration > Profile rule typed on the
# keypad (multi-tap, 15.1) and as plain characters, Resync (15.5), then
# Status > Phone status > Provisioning shows the rule and the result (B122).
. "$srcdir/tests/lib.sh"
. "$srcdir/tests/ui/lib.sh"

ui_start "\"$PF_ABS\" phone --speed 60"
see "the desk phone boots to the activation screen (EDOS Unavailable, B19)" "Enter activation code"
keys Escape
skip_password "Back: the first boot asks for a password"
see "Skip: idle, activation code required" "Activation code required"
# Slower than the multi-tap time-out (LCD_MULTITAP_MS) can be missed.
keys - - - - - -
see "- six times: x0.9375" "x0.9375"
keys Home
see "Home: Applications" "4 Device administration"
keys 4
see "4: Device administration" "1 Profile rule"
keys 1
see "1: Profile rule, pre-filled with the factory rule" 'Profile rule: /$PSN.xml'
for i in 1 2 3 4 5 6 7 8 9 10; do
	keys BSpace
done
wait_for 'Profile rule: /$PSN.xml' 1 && notok "Backspace did not delete" || ok "Backspace: the Delete softkey empties the field"
keys 44
see "4 4 on the keypad (multi-tap): h" "Profile rule: h "
typed "ttp://prov.example.com/cfg/"
keys '*' '*'
see "* * on the keypad (multi-tap): \$" "Profile rule: http://prov.example.com/cfg/$ "
typed "MA.xml"
see "the rule typed, scrolled to the cursor" "Profile rule:<tp://prov.example.com/cfg/\$MA.xml"
keys F1
see "F1 (Resync): Resync succeeded" "Resync succeeded"
keys Home
see "Home: Applications" "2 Status"
keys 2
see "2: Status" "2 Phone status"
keys 2
see "2: Phone status" "2 Provisioning"
keys 2
see "Provisioning: the rule in use" 'http://prov.example.com/cfg/$MA.xml'
see "Provisioning: the last resync succeeded" "Provisioning status 1: Succeeded"
see "Provisioning: the profile fetched" "/cfg/00562b000001.xml"
see "the status line: operational, customization Aborted (local rule)" "| operational | Aborted |"
quit_ok "q quits, exit 0"
finish

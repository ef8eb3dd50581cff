# tmux helpers for tests/ui/*.sh, sourced after tests/lib.sh: the binary
# runs in a detached session of its own tmux server (own socket, own
# TMUX_TMPDIR under $tmp), keys go in with send-keys, and the screen is
# read back with capture-pane -p, polled until the text expected shows.
need tmux tmux

TMUX_TMPDIR="$tmp"
export TMUX_TMPDIR
ui_sock="pf-$$"
PF_ABS="$(cd "$top_builddir" && pwd)/phonefleet"
SRC_ABS="$(cd "$srcdir" && pwd)"
# Dead panes stay, to be read; no status line: the pane is the window.
printf 'set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n' >"$tmp/tmux.conf"
trap 'tmux -L "$ui_sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

tm() {
	tmux -L "$ui_sock" -f "$tmp/tmux.conf" "$@"
}

# ui_start CMD: CMD (a shell command line) in a 100x30 session "pf";
# its exit status goes to $tmp/rc.
ui_start() {
	tm kill-server 2>/dev/null
	rm -f "$tmp/rc"
	tm new-session -d -s pf -x 100 -y 30 -c "$tmp" \
	    "$1; echo \$? >\"$tmp/rc.new\"; mv \"$tmp/rc.new\" \"$tmp/rc\""
}

keys() {
	tm send-keys -t pf "$@"
}

# typed TEXT: TEXT as it is (no key names).
typed() {
	tm send-keys -t pf -l "$1"
}

screen() {
	tm capture-pane -p -t pf
}

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows (fixed
# string); 1 on time-out.  The last screen is in $tmp/screen.
wait_for() {
	_i=0
	_max=$((${2:-15} * 10))
	while [ "$_i" -lt "$_max" ]; do
		screen >"$tmp/screen" 2>/dev/null
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# see NAME TEXT [SECONDS]: ok when TEXT shows, else not ok with the screen.
see() {
	if wait_for "$2" "${3:-15}"; then
		ok "$1"
	else
		notok "$1: \"$2\" is not on the screen"
		sed 's/^/# | /' "$tmp/screen"
	fi
}

# exited [SECONDS]: 0 once the command in the pane has ended (its exit
# status in $tmp/rc: tmux's pane_dead_status is not always filled in).
exited() {
	_i=0
	_max=$((${1:-15} * 10))
	while [ "$_i" -lt "$_max" ]; do
		[ -s "$tmp/rc" ] && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# quit_ok NAME: q ends the program with exit 0.
quit_ok() {
	keys q
	if exited && [ "$(cat "$tmp/rc")" = 0 ]; then
		ok "$1"
	else
		notok "$1: exit \"$(cat "$tmp/rc" 2>/dev/null)\""
		screen | sed 's/^/# | /'
	fi
}

# skip_password NAME: the first boot's Set password prompt (15.2: a phone
# with User_Password_Prompt=Yes and no password asks once it is up) is
# there; F3 (Skip) leaves it.
skip_password() {
	see "$1: Set password (15.2)" "Set password"
	keys F3
}

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# policyd_privsep.t - sluice-policyd parses peer input unprivileged
# (issue 20, point 8), and mode = hold still holds and releases.
#
# Started as root with user = nobody in a private Postfix (the unix
# socket in its private/): the long-lived process has uid and gid
# nobody in all four slots and no capabilities (/proc/PID/status);
# its one child, the release helper, is root (the control: the same
# reading shows root where root is kept). A message to 10 new
# recipients is held and released by the helper (postsuper -H) and
# delivered. kill -9 of the helper is reported at once (an error
# naming the signal), and a message held after it stays held, with a
# log line saying the release failed and why. -n refuses a user that
# does not exist.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/policyd/setup.sh"

PD_UNIX=1 PD_USER=nobody
pd_setup "mode = hold"
plan 15

# status_of PID FIELD - a line of /proc/PID/status, tabs as blanks
status_of() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s '\t ' ' '; }

# log_wait PATTERN SECONDS - until sluice-policyd's log matches
log_wait() {
	end=$(( $(date +%s) + $2 ))
	until grep -q "$1" "$T/policyd.log"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.1
	done
}

nob=$(id -u nobody) nog=$(id -g nobody)
pd_start && log_wait "running as nobody" 30 ||
	bail "sluice-policyd did not start: $(cat "$T/policyd.log")"
is "$(status_of "$PD_PID" Uid)" "$nob $nob $nob $nob" "the daemon's real, effective, saved and fs uid: nobody"
is "$(status_of "$PD_PID" Gid)" "$nog $nog $nog $nog" "its gids: nobody's group"
is "$(status_of "$PD_PID" CapEff) $(status_of "$PD_PID" CapPrm)" \
	"0000000000000000 0000000000000000" "no effective or permitted capabilities"
helper=$(pgrep -P "$PD_PID" | head -1)
is "$(status_of "${helper:-0}" Uid 2>/dev/null)" "0 0 0 0" \
	"its one child, the release helper, keeps root (control)"
is "$(ls /proc/"${helper:-0}"/fd 2>/dev/null | wc -l)" 4 \
	"the helper holds nothing but stdin, stdout, stderr and its socket"

rc=""
for i in $(seq 1 10); do rc="${rc:+$rc,}g$i@example.net"; done
send gina@example.org "$rc"
ok $? "gina: message to 10 new recipients accepted"
is "$(pf_held)" 1 "the message is on hold"
pf_wait 'to=<g[0-9]+@example.net>.*status=sent' 10 60
ok $? "released by the helper and delivered to all 10"
is "$(pf_held)" 0 "the hold queue is empty again"

kill -9 "$helper"
log_wait "release helper died (killed by signal 9)" 30
ok $? "the helper's death is reported at once, with the signal"
send hugo@example.org "$(echo "$rc" | sed 's/g/k/g')"
ok $? "hugo: a message after it is still accepted"
is "$(pf_held)" 1 "and held"
log_wait "postsuper: Broken pipe (the release helper is gone" 60
ok $? "its release fails, and the log says why"
is "$(pf_held)" 1 "so it stays held: no release without the helper"

sed 's/^user = nobody$/user = no-such-user-x/' "$T/sluice.conf" >"$T/bad.conf"
"$PD_BIN" -n -c "$T/bad.conf" >/dev/null 2>"$T/n.err"
is "$? $(grep -c 'user no-such-user-x: no such user' "$T/n.err")" "2 1" \
	"-n refuses a user that does not exist, by name"

done_testing

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_startfail.t - a start that cannot work exits 1 and leaves nothing
#
# Issue 20 point 4: with "user = no-such-user" sluiced passed -n,
# started, removed its table and exited 0, so systemd's
# Restart=on-failure never saw a failure. Now -n refuses it (exit 2),
# and a start refuses it with exit status 1 and the reason, before the
# table or the queue is in: no table sluice in the gateway, no
# queue bound. The same for a control socket two missing directories
# deep. A good configuration then starts and stops with exit 0.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
# start_fails - NAME, the text the log must hold: sluiced -f exits 1
start_fails() {
	lab_x gw timeout 20 "$SLUICE_BUILD/sluiced" -f -c "$SD_RUN/sluice.conf" \
		>"$SD_RUN/out" 2>&1 </dev/null
	is "$?" 1 "$1: the start exits 1"
	grep -qF "$2" "$SD_RUN/out"; ok $? "$1: it says why: $2" || sed 's/^/#   /' "$SD_RUN/out"
	lab_x gw nft list tables 2>/dev/null | grep -q ' sluice$'
	is "$?" 1 "$1: no table sluice (ip or ip6) is left in the gateway"
	is "$(sd_queue 0 seq)" "" "$1: no queue is bound"
	"$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" >/dev/null 2>&1
	is "$?" 2 "$1: -n refuses it too (exit 2)"
}

sd_base_conf <<'EOF2'
user = no-such-user
[zone lan]
prefixes = 10.77.1.0/24
EOF2
start_fails "no such user" '[sluiced] user = "no-such-user": no such user'

sed "s|^control_socket = .*|control_socket = $SD_RUN/a/b/sluiced.sock|" \
	"$SD_RUN/sluice.conf" | grep -v '^user' >"$SD_RUN/c2" && mv "$SD_RUN/c2" "$SD_RUN/sluice.conf"
start_fails "socket directory missing" "no such directory: $SD_RUN/a/b"

sd_lan_conf <<'EOF2'
EOF2
sd_start; ok $? "a good configuration starts"
sd_stop; is "$?" 0 "and stops with exit status 0"

done_testing

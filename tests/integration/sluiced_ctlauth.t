#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_ctlauth.t - who may do what on sluiced's control socket
#
# [core] control_group = nogroup, admin_group = daemon. The socket is
# born 0660 and of group nogroup. uid 65534 in nogroup alone (setpriv
# --clear-groups) reads status and may report a quarantine, as the mail
# filters do, but is refused unquarantine, release and reload, each
# refusal naming the command and what it needs, and the host stays in
# the kernel's set; the same uid with daemon among its groups may
# unquarantine. A uid in neither group cannot open the socket. 100 idle
# connections held by nobody, then 100 held by root, do not keep
# root's sluicectl out: it answers within 2 s each time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
need setpriv stat timeout /usr/bin/python3
getent group nogroup >/dev/null || bail "no group nogroup on this machine"
getent group daemon >/dev/null || bail "no group daemon on this machine"
chmod 755 "$SD_RUN"
sd_lan_conf <<'EOF'
quarantine_ttl = 1h
EOF
sed -i 's/^\[core\]$/[core]\ncontrol_group = nogroup\nadmin_group = daemon/' "$SD_RUN/sluice.conf"
sd_start || bail "sluiced did not start"

is "$(stat -c '%a %G' "$SD_RUN/sluiced.sock")" "660 nogroup" "the socket is 0660, group control_group"

# as - sluicectl as uid 65534 with groups $1 (comma list; primary first)
as() {
	_g=$1; shift
	setpriv --reuid=65534 --regid="${_g%%,*}" --groups="$_g" \
		"$SLUICE_BUILD/sluicectl" -s "$SD_RUN/sluiced.sock" "$@" 2>&1
}
NG=$(getent group nogroup | cut -d: -f3)
DG=$(getent group daemon | cut -d: -f3)
H=10.77.1.77

out=$(as "$NG" status); st=$?
is "$st" 0 "control_group: status answers"
echo "$out" | grep -q '^sluiced '; ok $? "control_group: status says sluiced" || diag "$out"
out=$(as "$NG" quarantine "$H" honeytoken); st=$?
is "$st" 0 "control_group: quarantine HOST REASON is accepted (the mail filters' report)" || diag "$out"
sd_quarantined "$H" 4; ok $? "and $H is in the kernel's quarantine set"
out=$(as "$NG" unquarantine "$H"); st=$?
is "$st" 1 "control_group: unquarantine is refused"
is "$out" "sluicectl: unquarantine needs root or admin_group (uid 65534 is in neither)" \
	"the refusal names the command and what it needs"
sd_quarantined "$H" 4; ok $? "$H is still quarantined"
out=$(as "$NG" release "$H"); st=$?
is "$st:$out" "1:sluicectl: release needs root or admin_group (uid 65534 is in neither)" \
	"control_group: release is refused"
out=$(as "$NG" reload); st=$?
is "$st:$out" "1:sluicectl: reload needs root or admin_group (uid 65534 is in neither)" \
	"control_group: reload is refused"
grep -q reloaded "$SD_RUN/sluiced.log"; ok $((! $?)) "and nothing was reloaded"
out=$(setpriv --reuid=65533 --regid=65533 --clear-groups \
	"$SLUICE_BUILD/sluicectl" -s "$SD_RUN/sluiced.sock" status 2>&1); st=$?
is "$st" 1 "a uid in neither group: refused"
echo "$out" | grep -q 'Permission denied'; ok $? "by the socket's mode: $out"
out=$(as "$NG,$DG" unquarantine "$H"); st=$?
is "$st" 0 "admin_group (a supplementary group): unquarantine runs" || diag "$out"
sd_wait_quarantine "$H" 4 3 0 >/dev/null; ok $? "$H left the kernel's set"

# idle USER N - N connections that never send a line, held 20 s
idle() {
	setpriv --reuid="$1" --regid="$1" --clear-groups /usr/bin/python3 -c '
import socket, sys, time
s = []
for i in range(int(sys.argv[2])):
    c = socket.socket(socket.AF_UNIX)
    c.connect(sys.argv[1]); s.append(c)
print("held", flush=True)
time.sleep(20)' "$SD_RUN/sluiced.sock" "$2" >"$SD_RUN/idle.out" 2>&1 &
	IDLE=$!
	at_exit "kill $IDLE 2>/dev/null"
	_i=0
	until grep -q held "$SD_RUN/idle.out" || [ $_i -ge 50 ]; do sleep 0.1; _i=$((_i + 1)); done
}
for who in 65534 0; do
	idle "$who" 100
	grep -q held "$SD_RUN/idle.out"; ok $? "uid $who holds 100 idle connections" ||
		sed 's/^/#   /' "$SD_RUN/idle.out"
	t0=$(date +%s%N)
	out=$(timeout 5 "$SLUICE_BUILD/sluicectl" -s "$SD_RUN/sluiced.sock" status 2>&1); st=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	is "$st" 0 "uid $who holding 100: root's sluicectl status answers" || diag "$out"
	cmp "$ms" -lt 2000 "within 2 s (took $ms ms)"
	kill "$IDLE" 2>/dev/null; wait "$IDLE" 2>/dev/null
done
sd_stop; ok $? "sluiced stops cleanly"
done_testing

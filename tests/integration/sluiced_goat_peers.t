#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_goat_peers.t - a changed goat file names and signals the peers
# writing through a real file share (issue 14)
#
# The gateway shares a folder with a real rsync daemon (rsync --daemon,
# a writable module over the folder, port 873: one of [capture]
# goat_ports' defaults); sluiced places its baits there. lan2 reads a
# plain file through the share and disconnects (the control); lan1
# writes passwords.txt (a bait) through it. The goat event must name
# lan1 as its peer and not lan2, lan1 must land in the kernel's
# quarantine set (weight_goat 100 reaches rung_quarantine) with a
# countermeasure event naming the goat signal, and lan2 must not.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need rsync jq
sd_lab
SHARE=$SD_RUN/share
mkdir -p "$SHARE"
echo "minutes of the last meeting" >"$SHARE/readme.txt"
cat >"$SD_RUN/rsyncd.conf" <<EOF2
pid file = $SD_RUN/rsyncd.pid
use chroot = no
uid = root
gid = root
[share]
	path = $SHARE
	read only = no
EOF2
sd_lan_conf <<EOF2
wset_size = 64
[capture]
goat_dirs = @RUN@/share
goat_sweep = 1h
EOF2
EV=$SD_RUN/events.json
sd_start || bail "sluiced did not start"
ip netns exec "$(lab_ns gw)" rsync --daemon --no-detach --config="$SD_RUN/rsyncd.conf" \
	--address=$LAB_GW_4 --port=873 </dev/null >"$SD_RUN/rsyncd.log" 2>&1 &
RSYNCD=$!
at_exit "kill $RSYNCD 2>/dev/null"
i=0
until lab_x lan2 rsync "rsync://$LAB_GW_4/" >/dev/null 2>&1 || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done
plan 9

[ -s "$SHARE/passwords.txt" ]; ok $? "sluiced placed its baits in the shared folder"
lab_x lan2 rsync "rsync://$LAB_GW_4/share/readme.txt" "$SD_RUN/read.txt" >/dev/null 2>&1 &&
	command cmp -s "$SD_RUN/read.txt" "$SHARE/readme.txt"
ok $? "lan2 read readme.txt through the share (control)"
lab_x gw conntrack -L -p tcp --orig-src $LAB_LAN2_4 --orig-port-dst 873 2>/dev/null | grep -q TIME_WAIT
ok $? "lan2's finished connection is still in the conntrack table (TIME_WAIT)"

echo "admin: hunter2" >"$SD_RUN/loot"
lab_x lan1 rsync "$SD_RUN/loot" "rsync://$LAB_GW_4/share/passwords.txt" >/dev/null 2>&1
ok $? "lan1 wrote passwords.txt through the share"
i=0
until grep '"event_type":"goat"' "$EV" 2>/dev/null | grep -q '"peers":"[^"]' || [ $i -ge 50 ]; do
	sleep 0.1; i=$((i + 1))
done
ev=$(grep '"event_type":"goat"' "$EV" | grep '"peers":"[^"]' | head -n 1)
case $ev in
*"\"path\":\"$SHARE/passwords.txt\""*"\"peers\":\"$LAB_LAN1_4\""*) ok 0 "the goat event names the bait and lan1 as the peer" ;;
*) ok 1 "the goat event names the bait and lan1 as the peer"
   diag "got: $(grep '"event_type":"goat"' "$EV")"; sd_log ;;
esac
sd_wait_quarantine $LAB_LAN1_4 4 5 1 >/dev/null
ok $? "lan1 lands in the kernel's quarantine set"
jq -c "select(.event_type == \"countermeasure\" and .src_ip == \"$LAB_LAN1_4\"
	and .countermeasure.signal == \"goat\" and .countermeasure.action == \"quarantine\")" "$EV" 2>/dev/null |
	grep -q .
ok $? "a countermeasure event names the goat signal"
sd_quarantined $LAB_LAN2_4 4; is "$?" 1 "lan2, which only read, is not quarantined"
is "$(jq -r "select(.event_type == \"countermeasure\" and .src_ip == \"$LAB_LAN2_4\") | .src_ip" "$EV" 2>/dev/null)" "" \
	"and no countermeasure names lan2"

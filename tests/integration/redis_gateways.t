#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# redis_gateways.t - two sluiced sharing their quarantines through one
# private redis-server.
#
# Gateway A is the lab's gateway; gateway B three namespaces of the
# test's own: B forwarding between a LAN host with lan1's address
# (10.77.1.11) and a server with srv's (10.77.2.2, port 80), and the
# same zone. The host connects through B (the control); lan1 scans
# behind A and is locked out there: within a second B's kernel
# quarantine set holds it too, and a new connection from B's host
# fails (tried every 100 ms for a second; the time printed is when the
# first failing attempt began, after A's set held lan1).
# `sluicectl release` at B lets it out of A's set within a second, and
# it connects again through B and through A.
# B's own whitelist holds lan2's address: an operator's quarantine of
# lan2 at A reaches A's set and not B's (while lan1's did: the
# control). A B that was down when a quarantine began loads the active
# set when it starts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"
. "$(dirname "$0")/redis/common.sh"

need redis-server redis-cli
RD_ACL=1
sd_lab
T=$SD_RUN
mkdir "$T/redis"
head -c 32 /dev/urandom >"$T/redis.key"
rd_redis_start || bail "redis-server did not start"

# b_wire - gateway B (node rgwb) between its LAN host (rlanb, with
#	lan1's address) and its server (rsrvb, with srv's)
B_NODES="rgwb rlanb rsrvb"
NSB=$(lab_ns rgwb)
b_wire() {
	for _n in $B_NODES; do
		ip netns add "$(lab_ns $_n)" && ip -n "$(lab_ns $_n)" link set lo up ||
			return 1
	done
	lab_link rlanb eth0 rgwb lan0 && lab_link rgwb srv0 rsrvb eth0 &&
	ip -n "$(lab_ns rlanb)" addr add "$LAB_LAN1_4/24" dev eth0 &&
	ip -n "$NSB" addr add "$LAB_GW_4/24" dev lan0 &&
	ip -n "$NSB" addr add 10.77.2.1/24 dev srv0 &&
	ip -n "$(lab_ns rsrvb)" addr add "$LAB_SRV_4/24" dev eth0 &&
	lab_sysctl rgwb net.ipv4.ip_forward=1 &&
	lab_x rlanb ip route add default via "$LAB_GW_4" &&
	lab_x rsrvb ip route add 10.77.1.0/24 via 10.77.2.1 &&
	lab_serve rsrvb
}
at_exit "lab_down $B_NODES"
b_wire || bail "cannot build gateway B's namespaces"

# gwconf NAME WHITELIST - a gateway's configuration
gwconf() {
	cat >"$T/$1.conf" <<EOC
[core]
control_socket = $T/$1.sock
state_dir = $T/$1.state
events = $T/$1.events
syslog_events = no
whitelist = 127.0.0.0/8; ::1; $2
redis = unix:$T/redis.sock
redis_keyfile = $T/redis.key
redis_password_file = $T/gw.pass
redis_timeout = 500ms
[sluiced]
queue_num = 0
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = williamson
wset_size = 5
release_interval = 1s
high_watermark = 30
low_watermark = 10
quarantine_ttl = 1h
EOC
}
gwconf a ""
gwconf b "$LAB_LAN2_4"
cp "$T/a.conf" "$SD_RUN/sluice.conf"
sed -i "s|$T/a.sock|$SD_RUN/sluiced.sock|" "$SD_RUN/sluice.conf"
sd_start || bail "sluiced A did not start"

# b_start - sluiced B in its namespace, until it answers status
b_start() {
	ip netns exec "$NSB" "$SLUICE_BUILD/sluiced" -f -c "$T/b.conf" \
		2>>"$T/b.log" </dev/null &
	B_PID=$!
	at_exit "kill $B_PID 2>/dev/null"
	_i=0
	until "$SLUICE_BUILD/sluicectl" -s "$T/b.sock" status >/dev/null 2>&1; do
		kill -0 "$B_PID" 2>/dev/null && [ $_i -lt 100 ] ||
			bail "sluiced B did not start: $(tail -5 "$T/b.log")"
		sleep 0.1; _i=$((_i + 1))
	done
}
b_in() { ip netns exec "$NSB" nft get element ip sluice quarantine4 "{ $1 }" >/dev/null 2>&1; }
b_ctl() { "$SLUICE_BUILD/sluicectl" -s "$T/b.sock" "$@"; }
# wait_b ADDR WANT [T0] - poll B's set up to 3 s; prints ms since T0
#	(default now)
wait_b() {
	_t0=${3:-$(date +%s%N)} _i=0
	while [ $_i -le 30 ]; do
		if b_in "$1"; then _in=1; else _in=0; fi
		[ "$_in" = "$2" ] && { echo $(( ($(date +%s%N) - _t0) / 1000000 )); return 0; }
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
# get NODE SERVER TIMEOUT - one connection from NODE to SERVER:80
get() { lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t "$3" "$2" >/dev/null 2>&1; }
# b_dropped T0 - try B's host's connection every 100 ms for a second
#	after T0; prints the ms from T0 to the start of the first that
#	failed (300 ms without an answer)
b_dropped() {
	while :; do
		_s=$(( ($(date +%s%N) - $1) / 1000000 ))
		[ "$_s" -le 1000 ] || return 1
		get rlanb "$LAB_SRV_4" 0.3 || { echo "$_s"; return 0; }
		sleep 0.1
	done
}
b_start
get rlanb "$LAB_SRV_4" 3
ok $? "B's host with lan1's address connects through B (control)"

sd_scan tcp 4 300 100
took=$(sd_wait_quarantine "$LAB_LAN1_4" 4 10 1)
ok $? "lan1 is quarantined at A after its scan"
t0=$(date +%s%N)
took=$(b_dropped "$t0")
ok $? "a new connection through B from lan1's address fails within a second (the first failing try began ${took:-?} ms after A's set held lan1)"
took=$(wait_b "$LAB_LAN1_4" 1 "$t0")
ok $? "B's set holds lan1"
cmp "${took:-9999}" -le 1000 "within a second of A (${took:-?} ms later, looked at after the tries)"
wait "$SD_SCAN"

b_ctl release "$LAB_LAN1_4" >/dev/null
ok $? "sluicectl release $LAB_LAN1_4 at B"
took=$(sd_wait_quarantine "$LAB_LAN1_4" 4 3 0)
ok $? "lan1 is out of A's set"
cmp "${took:-9999}" -le 1000 "within a second (${took:-?} ms)"
b_in "$LAB_LAN1_4"; is $? 1 "and out of B's"
get rlanb "$LAB_SRV_4" 3
ok $? "B's host connects through B again"
get lan1 10.77.16.1 3
ok $? "lan1 connects through A again (to a server of its working set)"

sd_ctl quarantine "$LAB_LAN2_4" test >/dev/null
sd_wait_quarantine "$LAB_LAN2_4" 4 2 1 >/dev/null
ok $? "an operator's quarantine of lan2 at A"
sleep 1.5
b_in "$LAB_LAN2_4"; is $? 1 "is refused at B, whose whitelist holds lan2"
grep -q '"reason":"shared"' "$T/b.events"
ok $? "B's events say what it applied came shared"

kill "$B_PID"; wait "$B_PID" 2>/dev/null
sd_ctl quarantine 10.77.1.99 test >/dev/null
b_start
took=$(wait_b 10.77.1.99 1)
ok $? "B, down when 10.77.1.99 was quarantined at A, loads it at start (${took:-?} ms)"
grep -q 'shared quarantine(s) loaded' "$T/b.log"
ok $? "and says so"
b_ctl status | grep -q '^redis: quarantines shared, '
ok $? "sluicectl status at B: redis: quarantines shared"
b_ctl metrics | grep -q '^sluice_redis_received_total [1-9]'
ok $? "metrics: sluice_redis_received_total"

# one ACL user per role: the mail filters' cannot lift a quarantine
r=$(redis-cli -s "$T/redis.sock" --user sluice-mail --pass mailpw ZREM sluice:quar:set 10.77.1.99 2>/dev/null)
case $r in NOPERM*) ok 0 "the mail filters' ACL user cannot touch the quarantine set ($r)" ;;
*) ok 1 "the mail filters' ACL user cannot touch the quarantine set (got '$r')" ;; esac
r=$(redis-cli -s "$T/redis.sock" --user sluice-gw --pass gwpw ZSCORE sluice:quar:set 10.77.1.99 2>/dev/null)
case $r in NOPERM*) ok 0 "nor read it outside the script's commands ($r)" ;;
*) ok 1 "nor read it outside the script's commands (got '$r')" ;; esac

# Redis down: A keeps its change for it; back, B loads and gets it
rd_redis_kill
sd_ctl quarantine 10.77.1.98 test >/dev/null
sleep 1.5
grep -q 'quarantines not shared' "$T/b.log"
ok $? "Redis killed: B logs that quarantines are not shared"
sd_ctl status | grep -q '^redis: quarantines not shared'
ok $? "A's status says so"
rd_redis_start || bail "redis-server did not restart"
took=$(wait_b 10.77.1.98 1)
ok $? "Redis back: the quarantine A made meanwhile reaches B (${took:-?} ms)"
grep -q 'quarantines shared again' "$T/b.log"
ok $? "B logs shared again"
done_testing

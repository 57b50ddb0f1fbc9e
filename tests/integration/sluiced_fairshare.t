#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_fairshare.t - fair load sharing per host and graded
# containment (issue 19)
#
# Five LAN hosts behind a gateway whose uplink sluiced shares at
# 50mbit ([fairshare], HTB through rtnetlink, classes chosen by an nft
# priority map), so the shaping and not the 2-core machine is the
# bottleneck. h1 floods (8 TCP streams and a 200 Mbit/s UDP flood)
# while h2..h4 each run one TCP stream and ping every 100 ms (hping3):
# each of the four gets at least 0.8 of its fair share (50/5 Mbit/s),
# and the pings' median stays under their idle median + 2 ms. (A fair
# share is counted as iperf3 sees it, in TCP payload: HTB shapes whole
# frames, and a 1514-byte frame carries 1448 bytes of it, so 50/5
# Mbit/s of frames are 9.56 Mbit/s of goodput.) A host
# contained (sluicectl contain, 6 s) is held to contain_rate (5mbit)
# within 10% while an uncontained one alone gets far more, and it is
# restored when the time runs out; a whitelisted host is refused; with
# contain = lockout a scanning host's lockout contains it. Two IPv6
# hosts of one /64 share one class (map fair6). Hosts
# leaving give their classes back ([fairshare] idle = 3s) and those
# still sending share the link between them; 12 more sources never
# push the classes past [fairshare] classes = 6. At stop, the
# gateway's tc state is what it was before the start, to the byte.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || bail "needs root (namespaces, tc, nftables)"
need ip tc nft iperf3 hping3 /usr/bin/python3
for _p in sluiced sluicectl; do
	[ -x "$SLUICE_BUILD/$_p" ] || bail "$SLUICE_BUILD/$_p is missing: run 'make all'"
done
FL_ID=fair$$
. "$SLUICE_TOP/tests/integration/sluiced/fairlab.sh"
T=$(mktemp -d /tmp/sluice-fairshare.$$.XXXXXX) || bail "mktemp failed"
at_exit "rm -rf '$T'"
at_exit "fl_down"
fl_up || bail "cannot build the fair-sharing lab $FL_ID"
SD_PID=""
at_exit '[ -n "$SD_PID" ] && kill -9 $SD_PID 2>/dev/null'

# tc_state - every qdisc and class of the gateway
tc_state() {
	fl_x gw tc qdisc show
	for _d in up0 br0; do fl_x gw tc class show dev $_d; done
}
tc_state >"$T/tc.before"

cat >"$T/sluice.conf" <<CONF
[core]
control_socket = $T/sluiced.sock
state_dir = $T/state
events = $T/events.json
syslog_events = no
whitelist = 10.79.1.15
[sluiced]
queue_num = 0
[fairshare]
interface = up0
lan_interface = br0
rate = 50mbit
classes = 6
idle = 3s
contain_rate = 5mbit
contain = lockout
contain_ttl = 30s
[zone lan]
prefixes = 10.79.1.0/24, fd79:1::/64
mode = off
[zone scan]
prefixes = 10.79.1.14/32
high_watermark = 5
low_watermark = 2
quarantine_ttl = 0
trw = off
CONF
ctl() { "$SLUICE_BUILD/sluicectl" -s "$T/sluiced.sock" "$@"; }

# refusals at start: method = cake on a kernel without sch_cake, and an
# interface whose root qdisc is the operator's (left as it was)
sed 's/^rate = 50mbit$/rate = 50mbit\nmethod = cake/' "$T/sluice.conf" >"$T/cake.conf"
fl_x gw "$SLUICE_BUILD/sluiced" -f -c "$T/cake.conf" 2>"$T/cake.log"
is "$?:$(grep -c 'method = cake: this kernel has no sch_cake' "$T/cake.log")" "1:1" \
	"method = cake is refused, naming the missing sch_cake"
fl_x gw tc qdisc add dev br0 root handle 7: tbf rate 1gbit burst 64k latency 10ms
fl_x gw "$SLUICE_BUILD/sluiced" -f -c "$T/sluice.conf" 2>"$T/own.log"
is "$?:$(grep -c 'br0 has a root qdisc of its own (tbf, handle 7:)' "$T/own.log")" "1:1" \
	"an operator's root qdisc on the LAN side is refused, named"
fl_x gw tc qdisc show dev br0 | grep -q '^qdisc tbf 7: root' && ! fl_x gw tc qdisc show dev up0 | grep -q htb
ok $? "and left in place, with nothing of ours on the uplink"
fl_x gw tc qdisc del dev br0 root
# not through fl_x: $! must be sluiced's own pid, not a subshell's
ip netns exec "$FL_ID-gw" "$SLUICE_BUILD/sluiced" -f -c "$T/sluice.conf" 2>"$T/sluiced.log" &
SD_PID=$!
_i=0
until ctl status >/dev/null 2>&1; do
	sleep 0.1; _i=$((_i + 1))
	[ $_i -lt 100 ] && kill -0 $SD_PID 2>/dev/null && continue
	sed 's/^/#   /' "$T/sluiced.log"; bail "sluiced did not start"
done
fl_x gw tc qdisc show dev up0 | grep -q '^qdisc htb 1: root' && fl_x gw tc qdisc show dev br0 | grep -q '^qdisc htb 1: root'
ok $? "an HTB root on the uplink's egress and on the LAN side's"

# pings HOST FILE COUNT - hping3 ICMP echo every 100 ms into FILE
pings() { fl_x "$1" hping3 -1 -i u100000 -c "$3" $FL_SRV >"$2" 2>&1; }
# (wait for these jobs by pid: a bare wait would wait for sluiced too)
P=""
for h in h2 h3 h4; do pings $h "$T/idle.$h" 30 & P="$P $!"; done
wait $P
# the flood and the four
fl_x h1 iperf3 -c $FL_SRV -p 5201 -P 8 -t 12 -J >"$T/flood.tcp" 2>&1 &
P=$!
fl_x h1 iperf3 -c $FL_SRV -p 5206 -u -b 200M -t 12 -J >"$T/flood.udp" 2>&1 &
P="$P $!"
sleep 1
for i in 2 3 4 5; do
	fl_x h$i iperf3 -c $FL_SRV -p 520$i -t 10 -O 2 -J >"$T/fair.h$i" 2>&1 &
	P="$P $!"
done
for h in h2 h3 h4; do pings $h "$T/busy.$h" 90 & P="$P $!"; done
wait $P
ctl fairshare >"$T/fair.list"
# each of the five in a class of its own (a CI run once listed a sixth
# host beside them, not seen since: the list goes to stderr if so)
n=$(for a in 11 12 13 14 15; do
	awk -v h="10.79.1.$a" '$1 == h { print $2 }' "$T/fair.list"; done | sort -u | grep -c '^class=')
is "$n" 5 "five hosts, a class each ($(head -n 1 "$T/fair.list"))"
grep -q '^hosts=5 ' "$T/fair.list" || sed 's/^/#   /' "$T/fair.list" >&2
GOODPUT=0.9564	# 1448 / 1514
# share_ok RATE N - RATE (Mbit/s of goodput) at least 0.8 of 50/N
share_ok() { echo "$1 $2 $GOODPUT" | awk '{ exit !($1 >= 0.8 * 50 / $2 * $3) }'; }
for i in 2 3 4 5; do
	r=$(fl_rate "$T/fair.h$i")
	share_ok "$r" 5
	ok $? "h$i gets at least 0.8 of its fair share beside the flood ($r Mbit/s; the share is 9.56)"
done
r1=$(fl_rate "$T/flood.tcp")
diag "the flooding h1's TCP streams got $r1 Mbit/s beside its own UDP flood"
for h in h2 h3 h4; do
	idle=$(fl_median "$T/idle.$h") busy=$(fl_median "$T/busy.$h")
	cmp "$(echo "$busy $idle" | awk '{ printf "%d", ($1 - $2) * 1000 }')" -lt 2000 \
		"$h's pings: median ${busy} ms beside the flood, idle ${idle} ms (under idle + 2 ms)"
done
ctl metrics >"$T/metrics"
grep -q '^sluice_fairshare_drops_total{interface="up0",class="1:[0-9a-f]*",kind="bulk",host="10.79.1.11"} [1-9]' "$T/metrics"
ok $? "the flood's drops are counted on its own bulk class"
grep -q '^sluice_fairshare_bytes_total{interface="up0",class="1:[0-9a-f]*",kind="interactive",host="10.79.1.12"} [1-9]' "$T/metrics"
ok $? "h2's pings went through its interactive class"

# containment
ctl contain 10.79.1.13 6s >/dev/null
ok $? "sluicectl contain 10.79.1.13 6s"
ctl contain 10.79.1.15 6s >"$T/white" 2>&1
is "$?:$(grep -c whitelisted "$T/white")" "1:1" "the whitelisted 10.79.1.15 is refused: never slowed"
fl_x h3 iperf3 -c $FL_SRV -p 5203 -t 4 -O 1 -J >"$T/contained" 2>&1
fl_x h4 iperf3 -c $FL_SRV -p 5204 -t 2 -J >"$T/free" 2>&1
rc=$(fl_rate "$T/contained") rf=$(fl_rate "$T/free")
cmp "$(echo "$rc" | awk '{ printf "%d", $1 * 100 }')" -ge 450 "the contained h3 gets at least 90% of 5 Mbit/s ($rc)"
cmp "$(echo "$rc" | awk '{ printf "%d", $1 * 100 }')" -le 550 "and at most 110% ($rc)"
cmp "$(echo "$rf" | awk '{ printf "%d", $1 }')" -ge 30 "the uncontained h4 alone, right after: $rf Mbit/s"
grep -q '"event_type":"contain".*"src_ip":"10.79.1.13"' "$T/events.json"
ok $? "a contain event names 10.79.1.13"
_i=0
until ctl fairshare | grep -q '^10.79.1.13 .*contained=no' || [ $_i -ge 60 ]; do sleep 0.1; _i=$((_i + 1)); done
ok $? "the containment ends when its time runs out"
fl_x h3 iperf3 -c $FL_SRV -p 5203 -t 2 -J >"$T/restored" 2>&1
rr=$(fl_rate "$T/restored")
cmp "$(echo "$rr" | awk '{ printf "%d", $1 }')" -ge 30 "restored, h3 alone gets $rr Mbit/s again"

# leaving and re-sharing
sleep 3
ctl fairshare >"$T/left"
grep -q '^hosts=[12] ' "$T/left" && ! grep -q '^10.79.1.11 ' "$T/left"
ok $? "idle hosts gave their classes back ($(head -n 1 "$T/left"))"
fl_x gw tc class show dev up0 | grep -c 'parent 1:1 ' >"$T/nclass"
cmp "$(cat "$T/nclass")" -le 4 "and their classes are gone from the tree ($(cat "$T/nclass") host classes)"
P=""
for i in 2 3 5; do
	fl_x h$i iperf3 -c $FL_SRV -p 520$i -t 5 -O 2 -J >"$T/three.h$i" 2>&1 &
	P="$P $!"
done
wait $P
for i in 2 3 5; do
	r=$(fl_rate "$T/three.h$i")
	share_ok "$r" 3
	ok $? "three sharing: h$i gets at least 0.8 of its share ($r Mbit/s; the share is 15.94)"
done

# contain = lockout: h4 (a williamson zone of its own) scans 10.79.3.0/24
fl_x gw ip route add 10.79.3.0/24 via $FL_SRV && fl_x srv ip route add local 10.79.3.0/24 dev lo
ok $? "a scanned network behind srv"
ctl fairshare | grep -q '^10.79.1.14 .*contained=[0-9]'
ok $((!$?)) "h4 is not contained before its scan"
fl_x h4 hping3 -I eth0 -S -p 80 -c 40 -i u20000 --rand-dest 10.79.3.x >/dev/null 2>&1
_i=0
until ctl fairshare | grep -q '^10.79.1.14 .*contained=[0-9]' || [ $_i -ge 30 ]; do sleep 0.1; _i=$((_i + 1)); done
ok $? "h4's lockout contained it (contain = lockout)"
grep -q '"event_type":"contain".*"src_ip":"10.79.1.14".*"reason":"lockout"' "$T/events.json"
ok $? "with a contain event of reason lockout"
is "$(ctl fairshare | grep -c '^[0-9].* contained=[0-9]')" 1 "and no other host is contained"

# IPv6 per /64: h2 and h3 (fd79:1::12, ::13) share one class
P=""
for i in 2 3; do
	fl_x h$i iperf3 -6 -c $FL_SRV6 -p 520$i -t 1 -b 5M >/dev/null 2>&1 &
	P="$P $!"
done
wait $P
sleep 1.2
ctl fairshare >"$T/v6"
is "$(grep -c '^fd79:1::/64 ' "$T/v6")" 1 "IPv6 hosts get a class per /64: one for fd79:1::12 and ::13"
fl_x gw nft list map ip6 sluice fair6 | grep -q 'fd79:1:: : 1:'
ok $? "and the kernel's map fair6 holds that /64"

# the bound
for n in $(seq 20 31); do
	fl_x h5 ip addr add 10.79.1.$n/24 dev eth0 || true
done
P=""
for n in $(seq 20 31); do
	fl_x h5 hping3 -1 -c 2 -i u300000 -a 10.79.1.$n $FL_SRV >/dev/null 2>&1 &
	P="$P $!"
done
wait $P
sleep 1.5
ctl fairshare >"$T/bound"
h=$(sed -n 's/^hosts=\([0-9]*\) .*/\1/p' "$T/bound")
cmp "${h:-99}" -le 6 "12 more sources: the class table holds at most 6 hosts ($h)"
n=$(fl_x gw tc class show dev up0 | grep -c 'parent 1:1 ')
cmp "$n" -le 7 "and the tree at most 6 host classes and the default one ($n)"
ctl metrics | grep -q '^sluice_fairshare_evictions_total [1-9]'
ok $? "the least recently active gave their classes to newcomers (evictions counted)"

kill -TERM $SD_PID; wait $SD_PID; st=$?; SD_PID=""
is "$st" 0 "sluiced stops cleanly"
tc_state >"$T/tc.after"
diff "$T/tc.before" "$T/tc.after" >"$T/tc.diff"
ok $? "the gateway's tc state after the stop is the one before the start"
[ -s "$T/tc.diff" ] && sed 's/^/#   /' "$T/tc.diff"
fl_x gw nft list tables | grep -q sluice
ok $((!$?)) "sluiced's tables (and the map in them) are gone"
done_testing

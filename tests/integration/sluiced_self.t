#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_self.t - the gateway never throttles or quarantines itself
#
# Issue 21 blocker 5: the example zone covers the gateway's own LAN
# address, the hooks include output, and a monitoring poll from the
# gateway (UDP/161 to 181 LAN addresses) put 10.77.1.1 in quarantine for
# an hour. Here, in one run, with [zone lan] over 10.77.1.0/24 (high
# watermark 50):
#   - the gateway polls 200 LAN addresses (UDP/161, from 10.77.1.1):
#     not one of its packets reaches sluiced's queue (the queue's own
#     sequence counter), and it is not quarantined (kernel set, show);
#   - lan1 sends the same poll to 200 addresses beyond the gateway: it
#     is quarantined (the control: the zone does enforce);
#   - lan2 from 10.77.1.13, a resolver in [sluiced] resolv_conf, sends
#     it too: not quarantined, never queued;
#   - 10.77.1.2, added to the gateway's br0 during the run, is in the
#     kernel's whitelist4 within a second, and the same poll from it is
#     neither queued nor quarantined; deleted again, it leaves the set.
# -n and the start log say that the zone covers the gateway's own
# addresses and the resolver. Then, with exempt_self = no, the
# gateway's poll is throttled and quarantined again (so the exemption
# is what holds above), and the log warns about it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
# poll NODE SRC FIRST N - N UDP/161 datagrams from SRC, one to each
#	address 10.77.1.FIRST.. (FIRST > 0) or lab target FIRST.. (FIRST < 0),
#	200 a second
poll() {
	if [ "$3" -gt 0 ]; then
		_i=$3; : >"$SD_RUN/poll.t"
		while [ "$_i" -lt $(($3 + $4)) ]; do
			echo "10.77.1.$_i" >>"$SD_RUN/poll.t"; _i=$((_i + 1))
		done
	else
		lab_targets 4 "$4" $((-$3)) >"$SD_RUN/poll.t"
	fi
	lab_x "$1" perl -MSocket -e '
		socket(my $s, PF_INET, SOCK_DGRAM, 0) or die "socket: $!";
		bind($s, sockaddr_in(0, inet_aton($ARGV[0]))) or die "bind: $!";
		open(my $t, "<", $ARGV[1]) or die "$ARGV[1]: $!";
		while (my $a = <$t>) {
			chomp $a;
			send($s, "\x30\x26", 0, sockaddr_in(161, inet_aton($a)));
			select(undef, undef, undef, 0.005);
		}' "$2" "$SD_RUN/poll.t"
}

# in_set NAME ADDR - is ADDR in set NAME (an element, or inside a range)
in_set() {
	lab_x gw nft get element $(sd_table "${1#"${1%?}"}") "$1" "{ $2 }" >/dev/null 2>&1
}

# conf - the zone, with [sluiced] keys from $1
conf() {
	printf '10.77.1.13 is a resolver\nnameserver 10.77.1.13\n' >"$SD_RUN/resolv.conf"
	sd_base_conf <<EOF2
resolv_conf = @RUN@/resolv.conf
$1
[zone lan]
prefixes = 10.77.1.0/24, fd77:1::/64
mode = williamson
high_watermark = 50
low_watermark = 30
quarantine_ttl = 1h
EOF2
}

conf ""
# -n runs in the host's namespace; the lab's addresses are the gateway's
lab_x gw "$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" >/dev/null 2>"$SD_RUN/n.err"
grep -q "\[zone lan\] covers this machine's own address 10.77.1.1: exempt" "$SD_RUN/n.err"
ok $? "-n: the zone covers the gateway's 10.77.1.1, which is exempt" || sed 's/^/#   /' "$SD_RUN/n.err"
grep -q "\[zone lan\] covers the resolver 10.77.1.13: exempt" "$SD_RUN/n.err"
ok $? "-n: the zone covers the resolver 10.77.1.13, which is exempt" || sed 's/^/#   /' "$SD_RUN/n.err"

sd_start || bail "sluiced did not start"
grep -q "covers this machine's own address fd77:1::1: exempt" "$SD_RUN/sluiced.log"
ok $? "the start log names fd77:1::1 as covered and exempt" || sd_log
in_set whitelist4 10.77.1.1; ok $? "10.77.1.1 is in the kernel's whitelist4"
in_set whitelist6 fd77:1::1; ok $? "fd77:1::1 is in the kernel's whitelist6"

q0=$(sd_queue 0 seq)
poll gw 10.77.1.1 20 200; ok $? "the gateway polled 200 LAN addresses from 10.77.1.1"
q1=$(sd_queue 0 seq)
is "$q1" "$q0" "none of the gateway's 200 first packets reached the queue"
poll lan1 "$LAB_LAN1_4" -1 200; ok $? "lan1 sent the same poll beyond the gateway"
q2=$(sd_queue 0 seq)
cmp $((q2 - q1)) -gt 50 "lan1's poll went through the queue (until its quarantine)"
poll lan2 10.77.1.13 -201 200; ok $? "lan2 sent it from the resolver 10.77.1.13"
q3=$(sd_queue 0 seq)
is "$q3" "$q2" "none of the resolver's first packets reached the queue"
sleep 0.5
sd_quarantined "$LAB_LAN1_4" 4; ok $? "lan1 is quarantined (the zone enforces)"
sd_quarantined 10.77.1.1 4; is $? 1 "the gateway 10.77.1.1 is not quarantined"
sd_quarantined 10.77.1.13 4; is $? 1 "the resolver 10.77.1.13 is not quarantined"
is "$(sd_ctl show 10.77.1.1 2>&1)" "10.77.1.1 is whitelisted (own address): never queued, held or quarantined" \
	"sluicectl show 10.77.1.1: whitelisted as an own address"
out=$(sd_ctl quarantine 10.77.1.1 a test 2>&1); r=$?
is "$r: $out" "1: sluicectl: 10.77.1.1 is whitelisted: never quarantined" \
	"sluicectl quarantine of an own address: refused"
sd_ctl hosts all | grep -q '^10\.77\.1\.1 '
is $? 1 "the refused quarantine made no host entry (sluicectl hosts all)"

lab_x gw ip addr add 10.77.1.2/24 dev br0
i=0; until in_set whitelist4 10.77.1.2 || [ $i -ge 20 ]; do sleep 0.1; i=$((i + 1)); done
in_set whitelist4 10.77.1.2; ok $? "10.77.1.2, added to the gateway, is in whitelist4 ($((i * 100)) ms)"
grep -q "covers this machine's own address 10.77.1.2: exempt" "$SD_RUN/sluiced.log"
ok $? "the log says the zone covers the new address, exempt" || sd_log
q4=$(sd_queue 0 seq)
poll gw 10.77.1.2 20 200; ok $? "the gateway polled 200 LAN addresses from 10.77.1.2"
is "$(sd_queue 0 seq)" "$q4" "none of those reached the queue"
sd_quarantined 10.77.1.2 4; is $? 1 "10.77.1.2 is not quarantined"
sd_ctl whitelist | grep -q "^10.77.1.2/32 own address$"
ok $? "sluicectl whitelist lists 10.77.1.2/32 as an own address"
lab_x gw ip addr del 10.77.1.2/24 dev br0
i=0; while in_set whitelist4 10.77.1.2 && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
in_set whitelist4 10.77.1.2; is $? 1 "deleted again, 10.77.1.2 leaves whitelist4"
sd_alive; ok $? "sluiced still runs"
sd_stop; is $? 0 "sluiced stops cleanly"

# The control: without the exemption the same poll quarantines the gateway.
conf "exempt_self = no"
sd_start || bail "sluiced did not start with exempt_self = no"
grep -q "covers this machine's own address 10.77.1.1 and \[sluiced\] exempt_self = no" \
	"$SD_RUN/sluiced.log"
ok $? "exempt_self = no: the start log warns that the gateway can be quarantined" || sd_log
poll gw 10.77.1.1 20 200
sd_wait_quarantine 10.77.1.1 4 5 1 >/dev/null
ok $? "exempt_self = no: the gateway's poll quarantines 10.77.1.1"
sd_stop

done_testing

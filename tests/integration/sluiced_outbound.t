#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_outbound.t - the zones' outbound policy (reverse firewall), enforced by the kernel
#
# In the lab, with real connections from lan1 ("desk": outbound = deny,
# TCP 80 and 443 only) and lan2 ("crit": no connection beyond its own
# network 10.77.16.0/24, fd77:3::/120); desk is whitelisted, which must
# not exempt it: allowed ports and prefixes connect over IPv4 and IPv6,
# the others are refused, while the same connection from an unzoned
# address passes (the control). `sluiced -n` prints the policy in nft
# syntax, and that text loaded by nft lists exactly as the installed
# chains do. The drop rules count the refusals (metrics, read back from
# the kernel), each refusal is an "outbound" event naming zone and rule
# (NFLOG to sluiced) and a signal to the countermeasures (crit's, not
# whitelisted, starts one; dry run); a burst of 30 is 5 events and one
# that says the other 25 were suppressed. A SIGHUP that takes TCP 443
# away from desk applies to the next connection, and a TCP connection
# to 443 established before it keeps echoing throughout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
ECHO="$SLUICE_TOP/tests/integration/sluiced/outbound_echo.pl"

# conf - the configuration; $1 is desk's allow_out
conf() {
	sd_conf >/dev/null <<EOF2
[core]
control_socket = @RUN@/sluiced.sock
state_dir = @RUN@/state
events = @RUN@/events.json
syslog_events = no
whitelist = $LAB_LAN1_4/32, $LAB_LAN1_6/128
[countermeasures]
dry_run = yes
[sluiced]
queue_num = 0
outbound_events_per_second = 5
[zone desk]
prefixes = $LAB_LAN1_4/32, $LAB_LAN1_6/128
mode = off
outbound = deny
allow_out = $1
[zone crit]
prefixes = $LAB_LAN2_4/32, $LAB_LAN2_6/128
mode = off
outbound = deny
allow_out = any to 10.77.16.0/24, fd77:3::/120
EOF2
}

# probe NODE HOST PORT [SRC] - a connection that gets the greeting
probe() { _n=$1; shift; lab_x "$_n" perl "$ECHO" probe "$@" 2>/dev/null; }

# listing FAMILY NS - sluice's outbound chains as nft lists them in
#	NS, counters zeroed and one-element sets unbraced (nft writes a
#	single element without a set)
listing() {
	for _c in outbound outbound_desk outbound_crit; do
		ip netns exec "$2" nft list chain "$1" sluice "$_c" 2>&1
	done | sed -e 's/packets [0-9]* bytes [0-9]*/packets 0 bytes 0/' \
		   -e 's/{ \([^,{}]*\) }/\1/g' -e '/^#/d'
}

for p in 443 22; do
	ip netns exec "$(lab_ns srv)" perl "$ECHO" server $p </dev/null >/dev/null 2>&1 &
done
i=0; until probe srv "$LAB_SRV_4" 443 && probe srv "$LAB_SRV_4" 22; do
	i=$((i + 1)); [ $i -lt 50 ] || bail "the echo servers did not start"; sleep 0.1
done

conf "tcp/80,443 to any"
out=$("$SLUICE_BUILD/sluiced" -n -c "$SD_RUN/sluice.conf" 2>/dev/null)
ok $? "sluiced -n accepts the policy"
printf '%s\n' "$out" | grep -v 'configuration ok$' >"$SD_RUN/policy.nft"
grep -q 'tcp dport { 80, 443 } return comment "desk allow_out 1"' "$SD_RUN/policy.nft"
ok $? "sluiced -n prints desk's allow_out as an nft rule" || sed 's/^/#   /' "$SD_RUN/policy.nft"
grep -q 'counter log prefix "crit default" group 13 drop comment "crit default"' "$SD_RUN/policy.nft"
ok $? "... and crit's default deny, counted and logged to group 13"
grep -q '# any to 10.77.16.0/24, fd77:3::/120' "$SD_RUN/policy.nft"
ok $? "... each rule under the rule as written"

sd_start; ok $? "sluiced starts with the zones' policy"
for fam in 4 6; do
	eval "desk=\$LAB_LAN1_$fam"
	if [ $fam = 4 ]; then in=10.77.16.1 out=10.77.17.1 unz=$LAB_LAN3_4
	else in=fd77:3::1 out=fd77:3::100 unz=$LAB_LAN3_6; fi
	probe lan1 $in 443; ok $? "IPv$fam: desk connects to TCP 443"
	probe lan1 $out 443; ok $? "IPv$fam: desk connects to TCP 443 anywhere ($out)"
	probe lan1 $in 22; ok $((! $?)) "IPv$fam: desk is refused TCP 22 (whitelisted, yet not exempt)"
	grep "\"event_type\":\"outbound\",\"src_ip\":\"$desk\"" "$SD_RUN/events.json" |
		grep -q "\"dest_ip\":\"$in\",\"dest_port\":22,\"proto\":\"TCP\",\"outbound\":{\"zone\":\"desk\",\"rule\":\"default\",\"action\":\"drop\"}"
	ok $? "IPv$fam: the refusal is an outbound event naming zone desk and rule default" ||
		sed 's/^/#   /' "$SD_RUN/events.json"
	probe lan2 $in 22; ok $? "IPv$fam: crit connects to TCP 22 inside its network"
	probe lan2 $out 443; ok $((! $?)) "IPv$fam: crit is refused TCP 443 outside it ($out)"
	probe lan2 $out 443 $unz; ok $? "IPv$fam: the same from lan2's unzoned address passes (control)"
	n=$(lab_x gw nft list chain $(sd_table $fam) outbound_desk |
		sed -n 's/.*packets \([0-9]*\) .*"desk default".*/\1/p')
	cmp "${n:-0}" -ge 1 "IPv$fam: desk's default rule counted the refusal ($n)"
done

# The counters read back, and the countermeasures' signal. A refused
# connect may have sent its SYN again before it gave up (each one is a
# new flow to the kernel until one is answered): at least, not exactly.
# metric NAME - its value in $SD_RUN/metrics, 0 if absent
metric() { sed -n "s/^$1 \([0-9]*\)$/\1/p" "$SD_RUN/metrics" | head -n 1; }
sd_ctl metrics >"$SD_RUN/metrics"
d=$(metric 'sluice_outbound_violations_total{zone="desk",rule="default"}')
cmp "${d:-0}" -ge 2 "metrics: desk's default rule dropped IPv4 and IPv6 SYNs, summed ($d)" ||
	grep outbound "$SD_RUN/metrics" | sed "s/^/#   /"
c=$(metric 'sluice_outbound_violations_total{zone="crit",rule="default"}')
cmp "${c:-0}" -ge 2 "metrics: crit's default rule dropped its SYNs ($c)"
e=$(metric sluice_outbound_events_total)
cmp "${e:-0}" -ge 4 "metrics: an outbound event each ($e)"
grep '"event_type":"countermeasure"' "$SD_RUN/events.json" |
	grep "\"src_ip\":\"$LAB_LAN2_4\"" | grep -q '"signal":"outbound"'
ok $? "crit's violation is a signal the countermeasures act on (dry run)" ||
	grep countermeasure "$SD_RUN/events.json" | sed 's/^/#   /'
grep '"event_type":"countermeasure"' "$SD_RUN/events.json" | grep -q "\"src_ip\":\"$LAB_LAN1_4\""
ok $((! $?)) "... and none against desk, which is whitelisted"

# A burst: 30 SYNs to 30 denied ports in about 0.3 s.
lab_x lan1 hping3 -q -S -p ++2000 -c 30 -i u10000 10.77.16.9 >/dev/null 2>&1
sleep 2.5
n=$(grep -c '"dest_ip":"10.77.16.9"' "$SD_RUN/events.json")
sup=$(grep "\"event_type\":\"outbound\",\"src_ip\":\"$LAB_LAN1_4\"" "$SD_RUN/events.json" |
	sed -n 's/.*"suppressed":\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
cmp "$n" -le 10 "a burst of 30 violations makes at most 10 events ($n)"
is "$((n + sup))" 30 "... events and their suppressed counts add up to the 30 ($n + $sup)"
sd_ctl metrics >"$SD_RUN/metrics"
d2=$(metric 'sluice_outbound_violations_total{zone="desk",rule="default"}')
is "$((d2 - d))" 30 "... and the kernel counted all 30"

# The printed policy, loaded by nft, lists as the installed one does.
ns=rfwz-outbound-$$
ip netns add $ns && at_exit "ip netns del $ns"
ip netns exec $ns nft -f "$SD_RUN/policy.nft"
ok $? "nft -f loads the text sluiced -n printed"
for fam in ip ip6; do
	listing $fam "$ns" >"$SD_RUN/printed.$fam"
	listing $fam "$(lab_ns gw)" >"$SD_RUN/installed.$fam"
	if diff "$SD_RUN/printed.$fam" "$SD_RUN/installed.$fam" >"$SD_RUN/diff"; then
		ok 0 "table $fam: the printed policy lists as the installed one"
	else
		ok 1 "table $fam: the printed policy lists as the installed one"
		sed 's/^/#   /' "$SD_RUN/diff"
	fi
done
grep -q 'jump outbound_desk' "$SD_RUN/installed.ip" && grep -q '80, 443' "$SD_RUN/installed.ip6"
ok $? "... and the listings are not empty"

# SIGHUP takes 443 from desk: new flows meet it, an established one not.
lab_x lan1 perl "$ECHO" hold 10.77.16.2 443 4 >"$SD_RUN/hold" 2>&1 &
hold=$!
sleep 1
conf "tcp/80 to any"
kill -HUP "$SD_PID"
i=0; until grep -q "configuration reloaded" "$SD_RUN/sluiced.log"; do
	i=$((i + 1)); [ $i -lt 50 ] || break; sleep 0.1
done
grep -q "configuration reloaded" "$SD_RUN/sluiced.log"; ok $? "SIGHUP reloads the policy" || sd_log
probe lan1 10.77.16.3 443; ok $((! $?)) "after the reload desk's new connection to TCP 443 is refused"
probe lan1 fd77:3::3 443; ok $((! $?)) "... over IPv6 too"
lab_x gw nft list chain ip sluice outbound_desk | grep -q 'tcp dport { 80 } return'
ok $? "the installed rule is now TCP 80 only"
wait $hold; st=$?
is "$st $(sed 's/[0-9]*$//' "$SD_RUN/hold")" "0 echoes " "the connection established before the reload kept echoing ($(cat "$SD_RUN/hold"))"
n=$(sed -n 's/^echoes //p' "$SD_RUN/hold")
cmp "${n:-0}" -ge 25 "... through the reload (4 s of echoes every 0.1 s)"
probe lan2 10.77.16.1 22; ok $? "crit's policy is unchanged after the reload"

sd_stop; is "$?" 0 "sluiced exits 0"
lab_x gw nft list tables 2>/dev/null | grep -q sluice
ok $((! $?)) "its tables are gone"

done_testing

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_react.t - the countermeasures in a namespace lab (issue 14):
#
# 1. Port fan-out from two sources of the zone (lan1, and lan2's second
#    address) on port 80 blocks port 80 network-wide (block_port_sources
#    = 2): a new flow to any host's port 80 fails within a second, the
#    whitelisted lan2 still gets through (the whitelist's accept comes
#    first), and "sluicectl lift ID" restores the flows.
# 2. Spoofed packets claiming the whitelisted lan2 (sent by lan1, to dark
#    addresses) trigger nothing against lan2; the same from lan1's own
#    address quarantines lan1 (the control case).
# 3. A source that fails the reverse-path check (lan2 claiming srv's
#    10.77.2.2) is dropped before the honeypot: no signal; srv itself
#    hitting the dark range from 10.77.2.2 is quarantined (outside the
#    zones, per /32).
# 4. 10,000 honeytoken reports in a burst (the mail filters' request on
#    the control socket): no more reactions than rate_cap, and the
#    rate_capped events add up to what was suppressed.
# 3b. A quarantine still justified (its source hits the dark range again)
#    is refreshed before it ends; one whose source stopped runs out.
# 5. Dry run: a restart with dry_run = yes; a dark hit writes the same
#    countermeasure event, marked dry_run, the quarantine event marked
#    observe, and nothing reaches the kernel.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

need hping3 python3 jq
sd_lab
DIR=$(dirname "$0")
EV=$SD_RUN/events.json
conf() {
	sd_base_conf <<EOF2
[capture]
dark = 10.77.9.0/24
quarantine_ttl = 6s
[countermeasures]
rate_cap = 50
block_port_sources = 2
fanout_threshold = 6
dry_run = $1
[zone lan]
prefixes = 10.77.1.0/24
wset_size = 64
EOF2
	sed -i "s|^\[core\]|[core]\nwhitelist = 127.0.0.0/8, $LAB_LAN2_4|" "$SD_RUN/sluice.conf"
}
# cm STATE ACTION SRC - countermeasure events of that state, action, source
cm() {
	jq -c "select(.event_type == \"countermeasure\" and .countermeasure.state == \"$1\"
		and .countermeasure.action == \"$2\" and .src_ip == \"$3\")" "$EV" 2>/dev/null
}
# flow FROM [BIND] - a new TCP flow from FROM to srv's port 80: 0 if it got through
flow() { lab_x "$1" perl "$LAB_DIR/browse.pl" -n 1 -t 1 ${2:+-b $2} -p 80 $LAB_SRV_4 >/dev/null 2>&1; }
conf no
lab_x srv ip route add 10.77.9.0/24 via 10.77.2.1
sd_start || bail "sluiced did not start"
plan 29

# 1. port block by fan-out votes, lifted
flow lan1; ok $? "before: lan1 reaches srv:80"
lab_x lan1 perl "$LAB_DIR/browse.pl" -n 8 -i 0 -t 2 $(seq -f '10.77.16.%g' 1 8) >/dev/null 2>&1
lab_x lan2 perl "$LAB_DIR/browse.pl" -n 8 -i 0 -t 2 -b $LAB_LAN3_4 $(seq -f '10.77.16.%g' 11 18) >/dev/null 2>&1
is "$(cm voted block_port $LAB_LAN1_4 | jq -r .countermeasure.sources)" 1 "lan1's fan-out on port 80: one vote"
i=0; until [ -n "$(cm started block_port $LAB_LAN3_4)" ] || [ $i -ge 10 ]; do sleep 0.1; i=$((i + 1)); done
line=$(cm started block_port $LAB_LAN3_4)
case $line in *'"target":"any"'*'"port":80'*) ok 0 "the second source's vote blocks port 80 for every source" ;;
*) ok 1 "the second source's vote blocks port 80 for every source"; diag "got: $line"; sd_log ;; esac
lab_x gw nft get element ip sluice blockport4 '{ 80 }' >/dev/null 2>&1
ok $? "port 80 is in the kernel's blockport4 within a second"
flow lan1; is "$?" 1 "a new flow from lan1 to srv:80 is dropped"
flow lan2; ok $? "the whitelisted lan2 still reaches srv:80"
id=$(sd_ctl reactions | awk '$2 == "block_port" { print $1 }')
sd_ctl reactions | grep -q "^$id block_port any/0 port=80 reason=fanout signals=fanout score=50 left="
ok $? "sluicectl reactions lists it: $(sd_ctl reactions | grep block_port)"
sd_ctl lift "$id" >/dev/null; ok $? "sluicectl lift $id"
flow lan1; ok $? "after the lift lan1 reaches srv:80 again"
[ -n "$(cm lifted block_port 0.0.0.0)$(jq -c 'select(.countermeasure.state == "lifted")' "$EV")" ]
ok $? "a countermeasure event of state lifted"

# 2. spoofed whitelisted source: nothing; lan1's own address: quarantine
lab_x lan1 hping3 -q -S -p 80 -a $LAB_LAN2_4 -c 5 -i u20000 10.77.9.5 >/dev/null 2>&1
sleep 1
is "$(cm started quarantine $LAB_LAN2_4)" "" "spoofed as lan2 (whitelisted): no countermeasure against it"
sd_quarantined $LAB_LAN2_4 4; is "$?" 1 "lan2 is not in the quarantine set"
lab_x lan1 hping3 -q -S -p 80 -c 5 -i u20000 10.77.9.5 >/dev/null 2>&1
sd_wait_quarantine $LAB_LAN1_4 4 3 1 >/dev/null
ok $? "the same from lan1's own address: lan1 quarantined"
ENF=$(cm started quarantine $LAB_LAN1_4)
case $ENF in *'"signal":"honeypot"'*'"dry_run":false'*) ok 0 "its event names the honeypot signal, dry_run false" ;;
*) ok 1 "its event names the honeypot signal, dry_run false"; diag "got: $ENF" ;; esac

# 3. reverse path: spoofed from another network: dropped, no signal
lab_x lan2 hping3 -q -S -p 80 -a $LAB_SRV_4 -c 5 -i u20000 10.77.9.6 >/dev/null 2>&1
sleep 1
is "$(cm started quarantine $LAB_SRV_4)" "" "lan2 claiming srv's address: no countermeasure (fib saddr . iif)"
cmp "$(lab_x gw nft list chain ip sluice capture | sed -n 's/.*fib saddr . iif oif 0 counter packets \([0-9]*\).*/\1/p')" -ge 5 \
	"the capture chain's reverse-path rule dropped them"
lab_x srv hping3 -q -S -p 80 -c 5 -i u20000 10.77.9.6 >/dev/null 2>&1
sd_wait_quarantine $LAB_SRV_4 4 3 1 >/dev/null
ok $? "srv's own packets (outside the zones): 10.77.2.2 quarantined"

# 3b. refresh: lan1 keeps hitting the dark range, so its 6 s quarantine
#     is refreshed before it ends; srv stopped, so its own runs out
for i in 1 2 3 4 5 6 7 8; do
	lab_x lan1 timeout 2 hping3 -q -S -p 80 -c 1 10.77.9.8 >/dev/null 2>&1; sleep 1
done
sd_quarantined $LAB_SRV_4 4; is "$?" 1 "srv's quarantine (6 s, no more signals) ran out"
sd_quarantined $LAB_LAN1_4 4; ok $? "lan1's (signalled again while in force) is still in the set"
[ -n "$(cm refreshed quarantine $LAB_LAN1_4)" ]; ok $? "a countermeasure event of state refreshed"

# 4. 10,000 honeytoken reports in a burst against rate_cap = 50
before=$(jq -s '[.[] | select(.event_type == "countermeasure" and .countermeasure.state == "started")] | length' "$EV")
out=$(python3 "$DIR/react/flood.py" "$SD_RUN/sluiced.sock" 10000)
diag "$out"
sleep 2
started=$(jq -s '[.[] | select(.event_type == "countermeasure" and .countermeasure.state == "started")] | length' "$EV")
cmp "$started" -le 50 "at most rate_cap (50) actions started in the minute ($started)"
flood=$((started - before))
cmp "$flood" -ge 40 "the flood got what was left of the cap ($flood)"
sup=$(jq -s '[.[] | select(.countermeasure.state == "rate_capped") | .countermeasure.suppressed] | add' "$EV")
is "$sup" $((10000 - flood)) "rate_capped events say what was suppressed"
jq -r 'select(.countermeasure.state == "rate_capped") | .countermeasure.signals' "$EV" | grep -q '^honeytoken:'
ok $? "and name the signal"
is "$(lab_x gw nft list set ip sluice quarantine4 | grep -o '10\.200\.[0-9]*\.[0-9]*' | wc -l)" "$flood" \
	"the kernel set holds exactly the reactions that started"

# 5. dry run: same events marked, nothing in the kernel
sd_stop
conf yes
sd_start || bail "sluiced did not start in dry run"
lab_x lan2 hping3 -q -S -p 80 -a $LAB_LAN3_4 -c 5 -i u20000 10.77.9.7 >/dev/null 2>&1
sleep 1
# the same event as lan1's in the enforcing run: the same fields, the
# same action, state and signal (lan1's score had its fan-out in it)
shape='.countermeasure | {action, state, signal, k: keys}'
DRY=$(cm started quarantine $LAB_LAN3_4)
[ -n "$DRY" ] && [ "$(echo "$DRY" | jq -c "$shape")" = "$(echo "$ENF" | jq -c "$shape")" ] &&
	echo "$DRY" | jq -e '.countermeasure.dry_run == true' >/dev/null
ok $? "dry run: the same countermeasure event as lan1's, marked dry_run" || diag "got $DRY"
jq -s -e "any(.[]; .event_type == \"quarantine\" and .src_ip == \"$LAB_LAN3_4\" and .quarantine.observe == true)" "$EV" >/dev/null
ok $? "and the quarantine event marked observe"
sd_quarantined $LAB_LAN3_4 4; is "$?" 1 "and nothing in the kernel's quarantine set"
sd_stop; ok $? "sluiced stops cleanly"
done_testing

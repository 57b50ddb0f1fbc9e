#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sluiced_credit.t - the credit throttle: failures cost, successes earn
#
# A zone in credit mode (start 10, debit 1, credit 2, cap 10, action
# drop). lan1 scans 500 addresses on a closed port for 5 s: every
# first contact fails (RST), so its balance runs out after the first
# 10, and from then on it gets one credit per 4 s at zero: at most
# 10 + 2 first contacts may escape, with a tolerance of 2. lan2 makes
# 100 requests to servers that answer (each success earns 2): none
# may fail or be delayed. Outcomes come from the kernel (conntrack),
# so this also checks that sluiced hears them, and that TRW calls
# lan1 a scanner and lan2 benign.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/sluiced/lib.sh"

sd_lab
sd_lan_conf <<'EOF2'
mode = credit
credit_start = 10
credit_debit = 1
credit_credit = 2
credit_cap = 10
credit_action = drop
trw = log
EOF2
sd_start || bail "sluiced did not start"
lab_count_reset lan1; lab_count_reset srv

lab_x lan2 perl "$LAB_DIR/browse.pl" -n 100 -i 0.05 -t 5 \
	10.77.30.1 10.77.30.2 10.77.30.3 10.77.30.4 10.77.30.5 10.77.30.6 10.77.30.7 \
	>"$SD_RUN/browse.out" 2>/dev/null &
browse=$!
lab_targets 4 500 >"$SD_RUN/targets"
lab_x lan1 nmap -sS -p 9 -Pn -n --max-retries 0 --min-rate 100 --max-rate 100 \
	--max-rtt-timeout 200ms -iL "$SD_RUN/targets" >"$SD_RUN/nmap.out" 2>&1
sleep 0.5
att=$(lab_first lan1 lan1 tcp 4)
esc=$(lab_first srv lan1 tcp 4)
diag "credit scan: attempted $att, escaped $esc; $(sd_ctl show "$LAB_LAN1_4" 2>&1)"
cmp "$att" -ge 450 "nmap attempted (nearly) 500 first contacts"
cmp "$esc" -ge 10 "the starting balance (10) let the first contacts through"
cmp "$esc" -le $((10 + 2 + 2)) "then failures emptied it: escaped <= 10 + 2 (one per 4 s at zero) + 2"
f=$(sd_show "$LAB_LAN1_4" failed)
cmp "${f:-0}" -ge 10 "sluiced heard the failed first contacts (failed=${f:-?})"
is "$(sd_show "$LAB_LAN1_4" trw)" scanner "TRW calls lan1 a scanner"
wait "$browse"
set -- $(lab_latency "$SD_RUN/browse.out" 1 500)
is "$1" 100 "lan2 made 100 requests to 7 servers that answer"
is "$2" 0 "none failed"
is "$3" 0 "none was delayed by 500 ms or more (max added $6 ms)"
s=$(sd_show "$LAB_LAN2_4" ok)
cmp "${s:-0}" -ge 7 "sluiced heard lan2's successes (ok=${s:-?})"
is "$(sd_show "$LAB_LAN2_4" trw)" benign "TRW calls lan2 benign"
sd_alive; ok $? "sluiced is still running"
sd_stop; is "$?" 0 "sluiced stops cleanly"
done_testing

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# sim_replay.t - sluice-sim replay decides as worked out by hand
#
# The traces in tests/integration/sim/ (written by mktraces.py) hold one
# scenario in four formats, replayed with sim/replay.conf (wset_size 5,
# release 1 s, high watermark 10, quarantine 10 min, TRW log):
#   10.1.0.10 browses 4 servers once a second: never delayed or dropped.
#   10.1.0.20 opens 8 new connections at t=50.000..50.007: 5 fit its
#     working set, 3 wait for the releases at t=51, 52, 53, i.e. delays
#     0.995, 1.994, 2.993 s: median 1.994, p99 and max 2.993.
#   10.1.0.66 scans 10.9.0.1..40:445 every 10 ms from t=100: 5 pass,
#     6..15 fill the queue to the watermark before any release (the
#     next one is at t=101), 16 (t=100.15, +99.900 s from the first
#     record at t=0.25) locks it out and quarantines it; the 10 held
#     and the 24 later ones are dropped: 35 dropped, 0 delayed.
#   10.2.0.25 (zone relay, mode off) mails 30 servers: untouched.
# The same traces in credit mode, Zeek JSON with ISO 8601 times and an
# IPv6 source; then bad lines are reported with their numbers without
# changing a decision, and a bad configuration exits 2 naming the key.
. "$(dirname "$0")/lib.sh"

SIM=$SLUICE_BUILD/sluice-sim
D=$SLUICE_TOP/tests/integration/sim
[ -x "$SIM" ] || bail "$SIM is missing: run 'make all'"
need jq
dir=$(mktemp -d /tmp/sluice-sim.$$.XXXXXX) || bail "mktemp failed"
at_exit "rm -rf '$dir'"

# field FILE HOST EXPR - a jq expression over HOST's object
field() { jq -r --arg h "$2" ".hosts[] | select(.host == \$h) | $3" "$1"; }

for f in conntrack.log conn.log conn.json trace.pcap; do
	out=$dir/$f.json
	"$SIM" replay -c "$D/replay.conf" --json --all "$D/$f" >"$out" 2>"$dir/err"
	ok $? "$f: replay runs"
	is "$(wc -c <"$dir/err")" 0 "$f: no warnings"
	is "$(field "$out" 10.1.0.10 '[.flows,.delayed,.dropped,.lockouts] | @tsv')" \
	   "$(printf '60\t0\t0\t0')" "$f: the browsing host is never delayed"
	is "$(field "$out" 10.1.0.20 '[.flows,.first_contacts,.delayed,.delay_median_s,.delay_p99_s,.delay_max_s,.dropped] | @tsv')" \
	   "$(printf '8\t5\t3\t1.994\t2.993\t2.993\t0')" "$f: a burst of 8 waits 1, 2 and 3 releases"
	is "$(field "$out" 10.1.0.66 '[.flows,.first_contacts,.delayed,.dropped,.lockouts,.quarantines] | @tsv')" \
	   "$(printf '40\t5\t0\t35\t1\t1')" "$f: the scanner is locked out at the high watermark"
	is "$(field "$out" 10.1.0.66 '.lockout_causes[0] | [.at_s,.dest_ip,.dest_port] | @tsv')" \
	   "$(printf '99.9\t10.9.0.16\t445')" "$f: by its 16th destination"
	is "$(field "$out" 10.2.0.25 '[.mode,.flows,.delayed,.dropped] | @tsv')" \
	   "$(printf 'off\t30\t0\t0')" "$f: the relay in a zone of mode off is untouched"
	is "$(jq -r '.zones[] | select(.zone == "lan") | [.hosts,.hosts_delayed,.hosts_locked_out,.quarantines] | @tsv' "$out")" \
	   "$(printf '3\t1\t1\t1')" "$f: zone lan summary"
done

# TRW (trw = log) calls the scanner one: from its failed first contacts
is "$(field "$dir/conntrack.log.json" 10.1.0.66 .trw_scanner)" true \
   "conntrack: TRW calls the scanner a scanner"
is "$(field "$dir/conntrack.log.json" 10.1.0.10 .trw_scanner)" false \
   "conntrack: but not the browsing host"

# the text report names only the hosts sluice would have touched
"$SIM" replay -c "$D/replay.conf" "$D/conntrack.log" >"$dir/text"
grep -q '^host 10.1.0.66 zone lan (williamson): flows 40, first contacts 5, delayed 0, dropped 35, lockouts 1, quarantines 1' "$dir/text"
ok $? "text report: the scanner's line"
grep -q '^host 10.1.0.10 ' "$dir/text"
is $? 1 "text report: the browsing host is not listed without --all"

# bad lines: counted, reported with their numbers, decisions unchanged
{ sed -n 1,2p "$D/conntrack.log"; echo 'garbage line'
  sed -n 3,4p "$D/conntrack.log"
  echo '[1796190001.0]	    [NEW] tcp      6 120 SYN_SENT src=10.1.0.10 dst=300.1.1.1 sport=1 dport=2'
  head -c 9000 /dev/zero | tr '\0' x; echo
  sed -n '5,$p' "$D/conntrack.log"; } >"$dir/bad.log"
"$SIM" replay -c "$D/replay.conf" --json --format conntrack "$dir/bad.log" >"$dir/bad.json" 2>"$dir/bad.err"
ok $? "bad lines: the replay still runs"
grep -q "bad.log:3: no \[SECONDS.MICROSECONDS\] timestamp" "$dir/bad.err"
ok $? "bad lines: line 3 reported with its reason"
grep -q "bad.log:6: no valid src= and dst=" "$dir/bad.err"
ok $? "bad lines: line 6 (a bad address) reported"
grep -q "bad.log:7: line longer than 8192 bytes" "$dir/bad.err"
ok $? "bad lines: an over-long line 7 reported"
is "$(jq -r '.input.files[0].bad' "$dir/bad.json")" 3 "bad lines: 3 counted"
is "$(field "$dir/bad.json" 10.1.0.66 '[.dropped,.lockouts] | @tsv')" \
   "$(printf '35\t1')" "bad lines: the decisions are the same"

# the same traces in credit mode (Schechter et al., start 10): the
# scanner's first 10 contacts spend its credit, unanswered they earn
# none, contacts 11..20 wait for one, the 21st (10.9.0.21, t=100.20,
# +99.950 s) finds the wait at the high watermark: lockout, 30 dropped.
# The burst of 8 fits in the 10 credits: nobody else waits.
sed 's/^trw = log$/trw = log\nmode = credit/' "$D/replay.conf" >"$dir/credit.conf"
for f in conntrack.log trace.pcap; do
	"$SIM" replay -c "$dir/credit.conf" --json --all "$D/$f" >"$dir/credit.json" 2>/dev/null
	is "$(field "$dir/credit.json" 10.1.0.66 '[.mode,.first_contacts,.dropped,.lockouts,.lockout_causes[0].dest_ip,.lockout_causes[0].at_s] | @tsv')" \
	   "$(printf 'credit\t10\t30\t1\t10.9.0.21\t99.95')" "credit, $f: the scanner spends 10 credits and is locked out at its 21st"
	is "$(jq -r '[.hosts[].delayed] | add' "$dir/credit.json")" 0 "credit, $f: no flow waited"
done

# Zeek JSON with ISO 8601 times, and an IPv6 source in no zone
printf '%s\n' \
  '{"ts":"2026-12-02T06:00:00.250000Z","id.orig_h":"10.1.0.10","id.orig_p":1,"id.resp_h":"10.8.0.1","id.resp_p":443,"proto":"tcp","conn_state":"SF"}' \
  '{"ts":"2026-12-02T06:00:01Z","id.orig_h":"fd00::5","id.orig_p":2,"id.resp_h":"fd00::1","id.resp_p":53,"proto":"udp","conn_state":"S0"}' \
  >"$dir/iso.json"
"$SIM" replay -c "$D/replay.conf" --json --all "$dir/iso.json" >"$dir/iso.out" 2>&1
is "$(jq -r '[.input.files[0].bad, .input.span_s] | @tsv' "$dir/iso.out")" "$(printf '0\t0.75')" \
   "Zeek JSON: ISO 8601 times read (0.75 s apart)"
is "$(field "$dir/iso.out" fd00::5 '[.zone, .flows] | @tsv')" "$(printf '\t1')" \
   "an IPv6 source in no zone is counted, with zone null"

# a configuration error exits 2 and names file, group and key
printf '[zone lan]\nprefixes = 10.0.0.0/8\nwset_size = 0\n' >"$dir/bad.conf"
"$SIM" replay -c "$dir/bad.conf" "$D/conn.log" >/dev/null 2>"$dir/conf.err"
is $? 2 "bad configuration: exit 2"
grep -q 'bad.conf: \[zone lan\] wset_size' "$dir/conf.err"
ok $? "bad configuration: the message names file, group and key"
"$SIM" replay -c "$D/replay.conf" --format nosuch "$D/conn.log" 2>"$dir/fmt.err"
is $? 2 "unknown format: exit 2"
grep -q 'accepted: conntrack, zeek-tsv, zeek-json, pcap' "$dir/fmt.err"
ok $? "unknown format: the accepted ones are listed"

done_testing
